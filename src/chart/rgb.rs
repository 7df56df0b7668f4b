//! The PNG charts' drawing backend: plotters' RGB bitmap backend over a buffer the chart's text
//! can also reach, so glyph coverage is blended straight into the canvas instead of one
//! `DrawingArea::draw_pixel` call a pixel (a `RefCell` borrow, a bounds check and an f64 blend
//! with a libm `floor`: ~86 instructions a pixel, 103M of a default render).
//!
//! [`Rgb`] owns nothing: every plotters operation borrows the shared buffer, wraps it in a
//! `BitMapBackend` for that one call and hands the call on, so shapes are drawn by plotters' own
//! code, pixel for pixel. [`Blender::blend`] is plotters-bitmap 0.3.7's `RGBPixel` `draw_pixel`
//! (`bitmap_pixel/pixel_format.rs`) with the same bounds checks, threshold and integer blend, so
//! the text pixels are the same bytes too (a unit test compares the two on every alpha).

use plotters::prelude::*;
use plotters_backend::{BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind};
use std::cell::{Cell, RefCell};

/// An RGB canvas buffer (3 bytes a pixel, rows top to bottom) shared by the plotters backend
/// [`Rgb`] and the text blitter [`Direct`].
pub(crate) struct Shared<'a> {
    buf: RefCell<&'a mut [u8]>,
    size: (u32, u32),
    /// The buffer holds bytes left from earlier use and stands for a zeroed one: it is zeroed
    /// before the first drawing reads or blends into it (and when the canvas is let go), unless
    /// that first drawing is an opaque fill of the whole canvas, which overwrites every byte
    /// anyway. A chart's first drawing is its background fill, so its canvas is written once
    /// instead of zeroed and then filled (two passes over 3-5 MB, twelve times a note).
    stale: Cell<bool>,
}

impl<'a> Shared<'a> {
    /// Shares `buf` as a `w × h` canvas. `None` when the buffer is shorter than `w × h × 3`.
    pub fn new(buf: &'a mut [u8], (w, h): (u32, u32)) -> Option<Self> {
        (buf.len() >= w as usize * h as usize * 3).then(|| Shared {
            buf: RefCell::new(buf),
            size: (w, h),
            stale: Cell::new(false),
        })
    }

    /// Like [`Shared::new`] over a buffer whose bytes are left from earlier use: the canvas
    /// behaves exactly as if `buf` were all zeros (the same pixels whatever is drawn), and `buf`
    /// holds those pixels once [`Shared::finish`] has been called.
    pub fn over_stale(buf: &'a mut [u8], size: (u32, u32)) -> Option<Self> {
        let s = Shared::new(buf, size)?;
        s.stale.set(true);
        Some(s)
    }

    /// Ends the drawing: a buffer nothing was drawn on is zeroed, so the buffer holds the
    /// canvas' pixels. Call it before reading a buffer shared with [`Shared::over_stale`].
    pub fn finish(&self) {
        if let Ok(mut buf) = self.buf.try_borrow_mut() {
            self.settle(&mut buf[..]);
        }
    }

    /// Zeroes the buffer if it is still stale.
    fn settle(&self, buf: &mut [u8]) {
        if self.stale.replace(false) {
            buf.fill(0);
        }
    }

    /// Whether the rectangle from `a` to `b` (plotters' filled-rectangle rule: the larger corner
    /// exclusive, clipped to the canvas) covers every pixel.
    fn covers(&self, a: BackendCoord, b: BackendCoord) -> bool {
        let (w, h) = (self.size.0 as i32, self.size.1 as i32);
        a.0.min(b.0) <= 0 && a.1.min(b.1) <= 0 && a.0.max(b.0) >= w && a.1.max(b.1) >= h
    }
}

/// A plotters drawing backend over a [`Shared`] buffer; every call is plotters'
/// `BitMapBackend<RGBPixel>`'s own.
pub(crate) struct Rgb<'a> {
    canvas: &'a Shared<'a>,
}

impl<'a> Rgb<'a> {
    /// The backend drawing on `canvas`.
    pub fn new(canvas: &'a Shared<'a>) -> Self {
        Rgb { canvas }
    }

    /// Runs `f` on a bitmap backend over the buffer.
    fn with<R>(
        &self,
        f: impl FnOnce(&mut BitMapBackend<'_>) -> Result<R, DrawingErrorKind<RgbError>>,
    ) -> Result<R, DrawingErrorKind<RgbError>> {
        let mut buf = self.canvas.buf.try_borrow_mut().map_err(|_| busy())?;
        self.canvas.settle(&mut buf[..]);
        let mut b = BitMapBackend::with_buffer(&mut buf[..], self.canvas.size);
        f(&mut b)
    }
}

/// The error of [`Rgb`]: plotters' bitmap backend error.
pub(crate) type RgbError = <BitMapBackend<'static> as DrawingBackend>::ErrorType;

fn busy() -> DrawingErrorKind<RgbError> {
    DrawingErrorKind::FontError(Box::new(std::io::Error::other("the chart canvas is in use")))
}

impl DrawingBackend for Rgb<'_> {
    type ErrorType = RgbError;

    fn get_size(&self) -> (u32, u32) {
        self.canvas.size
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<RgbError>> {
        Ok(())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<RgbError>> {
        Ok(())
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<RgbError>> {
        self.with(|b| b.draw_pixel(point, color))
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<RgbError>> {
        self.with(|b| b.draw_line(from, to, style))
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<RgbError>> {
        // An opaque fill of the whole canvas sets every byte: a stale buffer needs no zeroing.
        if fill && style.color().alpha >= 1.0 && self.canvas.covers(upper_left, bottom_right) {
            let mut buf = self.canvas.buf.try_borrow_mut().map_err(|_| busy())?;
            if self.canvas.stale.replace(false) {
                // Bytes past the canvas, if the buffer is longer, are zeroed as before.
                let (w, h) = self.canvas.size;
                let n = (w as usize * h as usize * 3).min(buf.len());
                buf[n..].fill(0);
            }
            let mut b = BitMapBackend::with_buffer(&mut buf[..], self.canvas.size);
            return b.draw_rect(upper_left, bottom_right, style, fill);
        }
        self.with(|b| b.draw_rect(upper_left, bottom_right, style, fill))
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<RgbError>> {
        self.with(|b| b.draw_path(path, style))
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<RgbError>> {
        self.with(|b| b.draw_circle(center, radius, style, fill))
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<RgbError>> {
        self.with(|b| b.fill_polygon(vert, style))
    }

    fn draw_text<T: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &T,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<RgbError>> {
        self.with(|b| b.draw_text(text, style, pos))
    }

    fn estimate_text_size<T: BackendTextStyle>(
        &self,
        text: &str,
        style: &T,
    ) -> Result<(u32, u32), DrawingErrorKind<RgbError>> {
        self.with(|b| b.estimate_text_size(text, style))
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<RgbError>> {
        self.with(|b| b.blit_bitmap(pos, size, src))
    }
}

/// Text's direct way into a [`Shared`] canvas.
#[derive(Clone, Copy)]
pub(crate) struct Direct<'a> {
    canvas: &'a Shared<'a>,
}

impl<'a> Direct<'a> {
    /// Direct access to `canvas`.
    pub fn new(canvas: &'a Shared<'a>) -> Self {
        Direct { canvas }
    }

    /// Calls `f` with a blender over the canvas. `None` when the canvas is borrowed (a plotters
    /// call in progress; never the case between pen calls).
    pub fn with<R>(&self, f: impl FnOnce(&mut Blender<'_>) -> R) -> Option<R> {
        let mut buf = self.canvas.buf.try_borrow_mut().ok()?;
        self.canvas.settle(&mut buf[..]);
        let (w, h) = self.canvas.size;
        Some(f(&mut Blender { buf: &mut buf[..], w, h }))
    }
}

/// Blends pixels into an RGB buffer exactly as plotters' bitmap backend's `draw_pixel` does.
pub(crate) struct Blender<'b> {
    buf: &'b mut [u8],
    w: u32,
    h: u32,
}

impl Blender<'_> {
    /// Blends `(r, g, b)` at opacity `alpha` (0..=1) into pixel `(x, y)`; outside the canvas,
    /// nothing. Same result as `BitMapBackend::<RGBPixel>::draw_pixel` with that colour.
    #[inline]
    pub fn blend(&mut self, x: i32, y: i32, (r, g, b): (u8, u8, u8), alpha: f64) {
        if x < 0 || y < 0 || x as u32 >= self.w || y as u32 >= self.h {
            return;
        }
        let base = (y as usize * self.w as usize + x as usize) * 3;
        let Some(px) = self.buf.get_mut(base..base + 3) else { return };
        if alpha >= 1.0 - 1.0 / 256.0 {
            px.copy_from_slice(&[r, g, b]);
            return;
        }
        if alpha <= 0.0 {
            return;
        }
        // `floor` of a positive product in (0, 255] is its truncation (NaN never gets here), and
        // a difference below 256 times it fits in 32 bits.
        let a = (alpha * 256.0) as i32 as u32;
        for (p, n) in px.iter_mut().zip([r, g, b]) {
            if n > *p {
                *p += ((u32::from(n - *p) * a) >> 8) as u8;
            } else {
                *p -= ((u32::from(*p - n) * a) >> 8) as u8;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every alpha step, every colour against several backgrounds, and out-of-canvas points: the
    /// blender leaves the same bytes as plotters' bitmap backend.
    #[test]
    fn blend_equals_plotters_draw_pixel() {
        let (w, h) = (16u32, 4u32);
        let mut seed = 11u32;
        let mut rnd = || {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (seed >> 16) as u8
        };
        let mut cases = Vec::new();
        for i in 0..=300 {
            let alpha = match i {
                300 => -0.5,
                299 => 1.5,
                _ => i as f64 / 298.0 * (0.3 + (i % 7) as f64 / 10.0),
            };
            let x = (i % 20) - 2;
            let y = (i / 20 % 6) - 1;
            cases.push(((x, y), (rnd(), rnd(), rnd()), alpha));
        }
        let background: Vec<u8> = (0..w * h * 3).map(|_| rnd()).collect();
        let mut want = background.clone();
        {
            let mut b = BitMapBackend::with_buffer(&mut want, (w, h));
            for &(p, rgb, alpha) in &cases {
                b.draw_pixel(p, BackendColor { rgb, alpha }).unwrap();
            }
        }
        let mut got = background.clone();
        {
            let shared = Shared::new(&mut got, (w, h)).unwrap();
            Direct::new(&shared)
                .with(|bl| {
                    for &((x, y), rgb, alpha) in &cases {
                        bl.blend(x, y, rgb, alpha);
                    }
                })
                .unwrap();
        }
        assert_ne!(got, background);
        assert_eq!(got, want);
    }

    /// A canvas over a stale buffer gives the pixels of one over zeros, whatever is drawn first:
    /// nothing, a whole opaque fill (the stale bytes are not zeroed then), a partial or
    /// translucent fill, a shape, text, or a fill larger than the canvas.
    #[test]
    fn a_stale_canvas_draws_like_a_zeroed_one() {
        let (w, h) = (23u32, 17u32);
        type Step = fn(&DrawingArea<Rgb<'_>, plotters::coord::Shift>, Direct<'_>);
        let steps: [(&str, Step); 7] = [
            ("nothing", |_, _| {}),
            ("fill", |a, _| a.fill(&RGBColor(250, 250, 240)).unwrap()),
            ("white fill", |a, _| a.fill(&WHITE).unwrap()),
            ("translucent fill", |a, _| a.fill(&RED.mix(0.5)).unwrap()),
            ("partial fill", |a, _| {
                a.draw(&Rectangle::new([(0, 0), (22, 16)], BLUE.filled())).unwrap();
            }),
            ("oversized fill", |a, _| {
                a.draw(&Rectangle::new([(-5, -5), (40, 40)], GREEN.filled())).unwrap();
            }),
            ("text first", |_, d| {
                d.with(|bl| bl.blend(3, 4, (10, 200, 30), 0.4)).unwrap();
            }),
        ];
        fn draw<'a>(shared: &'a Shared<'a>, first: Step) {
            let root = Rgb::new(shared).into_drawing_area();
            first(&root, Direct::new(shared));
            root.draw(&Circle::new((11, 8), 5, RGBColor(20, 30, 200).mix(0.6).filled())).unwrap();
            Direct::new(shared).with(|bl| bl.blend(12, 9, (200, 10, 10), 0.7)).unwrap();
            root.present().unwrap();
            shared.finish();
        }
        for (name, first) in steps {
            let mut want = vec![0u8; (w * h * 3) as usize];
            draw(&Shared::new(&mut want, (w, h)).unwrap(), first);
            let mut got: Vec<u8> = (0..w * h * 3).map(|i| (i * 37 % 253) as u8 | 1).collect();
            draw(&Shared::over_stale(&mut got, (w, h)).unwrap(), first);
            assert_eq!(got, want, "{name}");
        }
    }

    /// Shapes drawn through [`Rgb`] are plotters' bitmap backend's.
    #[test]
    fn rgb_backend_draws_like_bitmap_backend() {
        let (w, h) = (40u32, 30u32);
        fn draw<B: DrawingBackend>(area: &DrawingArea<B, plotters::coord::Shift>) {
            area.fill(&WHITE).unwrap();
            area.draw(&Circle::new((20, 15), 9, RGBColor(200, 30, 30).mix(0.6).filled())).unwrap();
            let path = vec![(0, 0), (39, 29), (5, 25)];
            area.draw(&PathElement::new(path, Color::stroke_width(&BLUE, 3))).unwrap();
            area.draw(&Rectangle::new([(3, 3), (12, 8)], GREEN.mix(0.3).filled())).unwrap();
            area.draw(&PathElement::new(vec![(1, 28), (30, 2)], RED.mix(0.5))).unwrap();
        }
        let mut want = vec![0u8; (w * h * 3) as usize];
        {
            let root = BitMapBackend::with_buffer(&mut want, (w, h)).into_drawing_area();
            draw(&root);
            root.present().unwrap();
        }
        let mut got = vec![0u8; (w * h * 3) as usize];
        {
            let shared = Shared::new(&mut got, (w, h)).unwrap();
            let root = Rgb::new(&shared).into_drawing_area();
            draw(&root);
            root.present().unwrap();
        }
        assert_eq!(got, want);
    }
}
