//! Text layout and rasterising with the embedded font, done here rather than through plotters'
//! text path: a string, an em size in pixels and a weight in; advances, kerning, a baseline and
//! anti-aliased coverage pixels out.
//!
//! Why not plotters' `ab_glyph` text path (plotters 0.3.7, `style/font/ab_glyph.rs`): its `draw`
//! places each glyph by the glyph's own pixel bounding box, not by the pen position and
//! baseline. Horizontally it drops the box's `min.x` (the left side bearing), so every glyph is
//! pulled left by its own bearing and pen positions are truncated to whole pixels ("E TF",
//! "mom entum"). Vertically it shifts by `(size / 2 + min.y) as i32`: the offset is negative for
//! letters and digits (box top above the mid-line) and positive for `.` and `,`, and `as i32`
//! truncates toward zero, so punctuation lands a pixel above the letters' baseline, which at
//! 11-13 px reads as a mid-height dot ("299·96"). Its layout box height is `size / 1.24`, not the
//! font's ascent and descent, so vertical anchors drift too, and the SVG backend writes
//! `font-size = size / 1.24` while the bitmap draws at `size`, so the two outputs differ by 6%.
//!
//! Here a glyph is positioned at the pen position (sub-pixel x) on one baseline, its outline is
//! rasterised at that exact position (ab_glyph's `px_bounds` then already include the bearing),
//! and the pen advances by the advance width plus the pair kerning. Sizes are em sizes (CSS
//! `font-size`), the same number the SVG `<text>` carries.

use ab_glyph::{point, Font, FontRef, GlyphId, Outline, OutlinedGlyph, PxScale, ScaleFont};
use std::cell::RefCell;
use std::collections::HashMap as StdHashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;
use std::sync::OnceLock;

/// The per-thread memo maps below, hashed with [`Fx`] instead of SipHash: their keys are glyph
/// ids, sizes and offsets the program makes itself (nothing to guard against flooding), and they
/// are only looked up and filled, never iterated, so the hasher changes no output.
type HashMap<K, V> = StdHashMap<K, V, BuildHasherDefault<Fx>>;

/// The Fx hash (rustc's `FxHasher`): a rotate, xor and multiply per word. About a fifth of
/// SipHash's instructions on these small keys (7,700 coverage and 13,900 metric lookups a note).
#[derive(Default, Clone, Copy)]
struct Fx(u64);

impl Fx {
    #[inline(always)]
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for Fx {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut it = bytes.chunks_exact(8);
        for c in &mut it {
            self.add(u64::from_le_bytes(<[u8; 8]>::try_from(c).unwrap_or_default()));
        }
        let mut last = [0u8; 8];
        let rest = it.remainder();
        if !rest.is_empty() {
            last[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(last) ^ ((rest.len() as u64) << 56));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(i as u64);
    }
    #[inline]
    fn write_u16(&mut self, i: u16) {
        self.add(i as u64);
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(i as u64);
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

static REGULAR: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/DejaVuSans-Bold.ttf");

/// The font family SVG text asks for: the embedded face first, then close metric matches.
pub(crate) const SVG_FAMILY: &str = "DejaVu Sans, Verdana, Bitstream Vera Sans, sans-serif";

struct Faces {
    regular: FontRef<'static>,
    bold: FontRef<'static>,
}

fn faces() -> Result<&'static Faces, String> {
    static F: OnceLock<Result<Faces, String>> = OnceLock::new();
    F.get_or_init(|| {
        let bad = |_| "the embedded DejaVu Sans font could not be loaded".to_string();
        Ok(Faces {
            regular: FontRef::try_from_slice(REGULAR).map_err(bad)?,
            bold: FontRef::try_from_slice(BOLD).map_err(bad)?,
        })
    })
    .as_ref()
    .map_err(Clone::clone)
}

/// Loads the embedded faces once; an error means the embedded bytes are not a usable font (a
/// build defect).
pub(crate) fn ensure() -> Result<(), String> {
    faces().map(|_| ())
}

fn face(bold: bool) -> Option<&'static FontRef<'static>> {
    faces().ok().map(|f| if bold { &f.bold } else { &f.regular })
}

/// ab_glyph scales by "height" (ascent − descent); CSS and SVG scale by the em. This converts an
/// em size to the ab_glyph scale of `font`.
fn px_scale(font: &FontRef<'static>, em: f64) -> PxScale {
    let upem = font.units_per_em().unwrap_or(2048.0);
    let h = font.height_unscaled();
    PxScale::from((em as f32) * h / upem)
}

/// Vertical metrics of a face at an em size, in pixels (ascent above, descent below the
/// baseline, both positive).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct VMetrics {
    /// Ascent (baseline to the top of the line box).
    pub ascent: f64,
    /// Descent (baseline to the bottom of the line box).
    pub descent: f64,
    /// Cap height (baseline to the top of capitals and digits).
    pub cap: f64,
}

/// Vertical metrics at em size `em` (memoised per thread: a chart asks for the same few sizes
/// hundreds of times, and the cap height parses the 'H' outline).
pub(crate) fn vmetrics(em: f64, bold: bool) -> VMetrics {
    thread_local! {
        static MEMO: RefCell<HashMap<(u64, bool), VMetrics>> = RefCell::new(HashMap::default());
    }
    let key = (em.to_bits(), bold);
    if let Some(m) = MEMO.with(|m| m.borrow().get(&key).copied()) {
        return m;
    }
    let m = vmetrics_uncached(em, bold);
    MEMO.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= CACHE_CAP {
            c.clear();
        }
        c.insert(key, m);
    });
    m
}

fn vmetrics_uncached(em: f64, bold: bool) -> VMetrics {
    match face(bold) {
        Some(f) => {
            let s = f.as_scaled(px_scale(f, em));
            let cap = f
                .outline(f.glyph_id('H'))
                .map(|o| (o.bounds.max.y.max(o.bounds.min.y.abs())) as f64)
                .map(|u| u * em / f.units_per_em().unwrap_or(2048.0) as f64)
                .unwrap_or(em * 0.73);
            VMetrics { ascent: s.ascent() as f64, descent: -s.descent() as f64, cap }
        }
        None => VMetrics { ascent: em * 0.93, descent: em * 0.24, cap: em * 0.73 },
    }
}

/// Advance width of `text` at em size `em` in pixels (advances plus pair kerning).
pub(crate) fn width(text: &str, em: f64, bold: bool) -> f64 {
    let Some(f) = face(bold) else { return text.chars().count() as f64 * em * 0.6 };
    let hsf = f.as_scaled(px_scale(f, em)).h_scale_factor();
    let mut x = 0f32;
    let mut prev: Option<GlyphId> = None;
    for c in text.chars() {
        // The same products as `ScaleFont::kern` and `h_advance`, from memoised unscaled values.
        let (id, adv) = glyph(bold, f, c);
        if let Some(p) = prev {
            x += hsf * kern(bold, f, p, id);
        }
        x += hsf * adv;
        prev = Some(id);
    }
    x as f64
}

/// Rasterises `text` with its baseline starting at `(x, y)` (sub-pixel), calling `put(px, py,
/// coverage)` for every touched pixel (coverage in 0..=1). Deterministic.
pub(crate) fn raster(text: &str, x: f64, y: f64, em: f64, bold: bool, mut put: impl FnMut(i32, i32, f32)) {
    let Some(f) = face(bold) else { return };
    let scale = px_scale(f, em);
    let s = f.as_scaled(scale);
    let hsf = s.h_scale_factor();
    let mut pen = x as f32;
    let mut prev: Option<GlyphId> = None;
    for c in text.chars() {
        let (id, adv) = glyph(bold, f, c);
        if let Some(p) = prev {
            pen += hsf * kern(bold, f, p, id);
        }
        let g = id.with_scale_and_position(scale, point(pen, y as f32));
        if let Some(outline) = outline(bold, f, id) {
            // Exactly what `Font::outline_glyph` builds, from the memoised outline.
            let sf = s.scale_factor();
            let b = outline.px_bounds(sf, g.position);
            let (bx, by) = (b.min.x as i32, b.min.y as i32);
            // The coverage depends only on the outline, the scale, the glyph's offset inside its
            // pixel box and the box size: the key holds exactly those, so a cached glyph puts
            // the same pixels with the same coverage, in the same order.
            let off = g.position - b.min;
            let key = GlyphKey {
                bold,
                id: id.0,
                scale: (sf.horizontal.to_bits(), sf.vertical.to_bits()),
                offset: (off.x.to_bits(), off.y.to_bits()),
                size: (b.width() as u32, b.height() as u32),
            };
            let cov = coverage(key, || {
                // Sized once for the whole box (every pixel of it is visited), then trimmed: no
                // copy at each doubling.
                let mut px = Vec::with_capacity(key.size.0 as usize * key.size.1 as usize);
                OutlinedGlyph::new(g, (*outline).clone(), sf).draw(|gx, gy, c| {
                    if c > 0.0 {
                        px.push((gx, gy, c.min(1.0)));
                    }
                });
                px.shrink_to_fit();
                px
            });
            for &(gx, gy, c) in cov.iter() {
                put(bx + gx as i32, by + gy as i32, c);
            }
        }
        pen += hsf * adv;
        prev = Some(id);
    }
}

/// Entries a per-thread cache keeps before it starts over (bounds memory in long batches).
const CACHE_CAP: usize = 8192;

/// What a glyph's rasterised coverage depends on (see [`raster`]).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct GlyphKey {
    bold: bool,
    id: u16,
    scale: (u32, u32),
    offset: (u32, u32),
    size: (u32, u32),
}

/// Covered pixels of one glyph in its pixel box: (x, y, coverage in (0, 1]), in the
/// rasteriser's row order.
type Coverage = Rc<Vec<(u32, u32, f32)>>;

/// Unscaled outlines by (bold, glyph id); None for a glyph without one (a space).
type Outlines = HashMap<(bool, u16), Option<Rc<Outline>>>;

thread_local! {
    static OUTLINES: RefCell<Outlines> = RefCell::new(HashMap::default());
    static COVERAGE: RefCell<HashMap<GlyphKey, Coverage>> = RefCell::new(HashMap::default());
}

/// Per-thread memo of a face's character map, advances and pair kerning (the font's tables are
/// searched once per character or pair instead of once per use). ASCII characters and pairs of
/// glyph ids below [`SMALL`] sit in flat tables, the rest in maps.
struct Metrics {
    /// `(glyph, unscaled advance)` of ASCII characters, per face (regular, bold).
    ascii: [[Option<(GlyphId, f32)>; SMALL]; 2],
    /// Unscaled kerning of pairs of small glyph ids (NaN: not looked up yet), per face.
    kern_small: Vec<f32>,
    /// `(glyph, unscaled advance)` of other characters.
    glyphs: HashMap<(bool, char), (GlyphId, f32)>,
    /// Unscaled kerning of other pairs.
    kerns: HashMap<(bool, u16, u16), f32>,
}

/// Size of the flat tables of [`Metrics`].
const SMALL: usize = 128;

thread_local! {
    static METRICS: RefCell<Metrics> = RefCell::new(Metrics {
        ascii: [[None; SMALL]; 2],
        kern_small: vec![f32::NAN; 2 * SMALL * SMALL],
        glyphs: HashMap::default(),
        kerns: HashMap::default(),
    });
}

/// Glyph of `c` in `f` and its unscaled advance (`Font::glyph_id`, `h_advance_unscaled`).
fn glyph(bold: bool, f: &FontRef<'static>, c: char) -> (GlyphId, f32) {
    let look = || {
        let id = f.glyph_id(c);
        (id, f.h_advance_unscaled(id))
    };
    METRICS.with(|m| {
        let mut m = m.borrow_mut();
        match (c as usize) < SMALL {
            true => *m.ascii[bold as usize][c as usize].get_or_insert_with(look),
            false => *m.glyphs.entry((bold, c)).or_insert_with(look),
        }
    })
}

/// Unscaled kerning of the pair (`Font::kern_unscaled`).
fn kern(bold: bool, f: &FontRef<'static>, a: GlyphId, b: GlyphId) -> f32 {
    METRICS.with(|m| {
        let mut m = m.borrow_mut();
        let (ia, ib) = (a.0 as usize, b.0 as usize);
        if ia < SMALL && ib < SMALL {
            let slot = &mut m.kern_small[(bold as usize * SMALL + ia) * SMALL + ib];
            if slot.is_nan() {
                *slot = f.kern_unscaled(a, b);
            }
            *slot
        } else {
            *m.kerns.entry((bold, a.0, b.0)).or_insert_with(|| f.kern_unscaled(a, b))
        }
    })
}

/// The unscaled outline of glyph `id` (parsed once per thread and face).
fn outline(bold: bool, f: &FontRef<'static>, id: GlyphId) -> Option<Rc<Outline>> {
    OUTLINES
        .with(|c| c.borrow_mut().entry((bold, id.0)).or_insert_with(|| f.outline(id).map(Rc::new)).clone())
}

/// The glyph's coverage for `key`, rasterised by `draw` on the first request (per thread).
fn coverage(key: GlyphKey, draw: impl FnOnce() -> Vec<(u32, u32, f32)>) -> Coverage {
    if let Some(c) = COVERAGE.with(|c| c.borrow().get(&key).cloned()) {
        return c;
    }
    let px = Rc::new(draw());
    COVERAGE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= CACHE_CAP {
            c.clear();
        }
        c.insert(key, px.clone());
    });
    px
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bottom row of ink of `text` drawn on baseline 100.
    fn ink_rows(text: &str) -> (i32, i32) {
        let (mut top, mut bottom) = (i32::MAX, i32::MIN);
        raster(text, 10.0, 100.0, 12.0, false, |_, y, c| {
            if c > 0.5 {
                top = top.min(y);
                bottom = bottom.max(y);
            }
        });
        (top, bottom)
    }

    #[test]
    fn punctuation_sits_on_the_baseline() {
        // A period's ink ends on the same row as a digit's (baseline 100 → last ink row 99).
        let (_, b9) = ink_rows("9");
        let (tdot, bdot) = ink_rows(".");
        assert_eq!(bdot, b9, "period bottom {bdot} vs digit bottom {b9}");
        assert!(tdot >= 97, "period top {tdot} should be within ~2 px of the baseline");
        // A comma descends below it.
        let (_, bcomma) = ink_rows(",");
        assert!(bcomma > b9);
    }

    /// The glyph cache gives exactly ab_glyph's own rasterisation (`Font::outline_glyph` then
    /// `draw`), on the first call and when replayed from the cache, at sub-pixel positions.
    #[test]
    fn cached_raster_equals_direct_raster() {
        let direct = |text: &str, x: f64, y: f64, em: f64, bold: bool| {
            let f = face(bold).unwrap();
            let scale = px_scale(f, em);
            let s = f.as_scaled(scale);
            let (mut pen, mut prev, mut px) = (x as f32, None::<GlyphId>, Vec::new());
            for c in text.chars() {
                let id = s.glyph_id(c);
                if let Some(p) = prev {
                    pen += s.kern(p, id);
                }
                if let Some(o) = f.outline_glyph(id.with_scale_and_position(scale, point(pen, y as f32))) {
                    let b = o.px_bounds();
                    o.draw(|gx, gy, c| {
                        if c > 0.0 {
                            px.push((b.min.x as i32 + gx as i32, b.min.y as i32 + gy as i32, c.min(1.0)));
                        }
                    });
                }
                pen += s.h_advance(id);
                prev = Some(id);
            }
            px
        };
        for (i, text) in ["299.96", "Aug 2025", "IWM / SPY", "-0.5%"].iter().enumerate() {
            for x in [0.0, 3.25, 10.7, 511.13, 1400.999] {
                let bold = i % 2 == 1;
                let want = direct(text, x, 100.0, 22.0, bold);
                for _ in 0..2 {
                    let mut got = Vec::new();
                    raster(text, x, 100.0, 22.0, bold, |a, b, c| got.push((a, b, c)));
                    assert_eq!(got, want, "{text} at {x}");
                }
            }
        }
    }

    #[test]
    fn widths_include_kerning_and_scale_with_size() {
        let w = width("299.96", 12.0, false);
        assert!((width("299.96", 24.0, false) - 2.0 * w).abs() < 0.01);
        // DejaVu Sans digits are 0.636 em wide, the period 0.318 em.
        assert!((w - 12.0 * (5.0 * 0.6362 + 0.3179)).abs() < 0.1, "{w}");
        // "AV" is kerned tighter than the sum of its advances.
        assert!(width("AV", 20.0, false) < width("A", 20.0, false) + width("V", 20.0, false));
        let m = vmetrics(20.0, false);
        assert!(m.ascent > m.cap && m.cap > 13.0 && m.descent > 3.0, "{m:?}");
    }
}
