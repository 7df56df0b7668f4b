//! Drawing toolkit shared by every chart: a [`Pen`] over any plotters backend (pixel coordinates,
//! embedded font), a [`Frame`] mapping data to pixels, tick choice for dates and numbers, and
//! label de-overlapping. Input: a drawing area and data ranges; output: pixels or SVG elements.

use super::theme::Palette;
use chrono::{Datelike, NaiveDate};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// A drawing failure, with the backend's message.
#[derive(Debug)]
pub(crate) struct DrawError(pub String);

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for DrawError {
    fn from(e: DrawingAreaErrorKind<E>) -> Self {
        DrawError(e.to_string())
    }
}

/// Result of a drawing step.
pub(crate) type DResult<T = ()> = Result<T, DrawError>;

/// A pixel point.
pub(crate) type Px = (i32, i32);

/// Draws in pixel coordinates on a root area with the theme's colours and a size scale.
pub(crate) struct Pen<'a, B: DrawingBackend> {
    /// The whole canvas.
    pub area: &'a DrawingArea<B, Shift>,
    /// Colours.
    pub pal: Palette,
    /// Scale factor (1.0 at the design size of 750 × 570 CSS pixels; 2.0 at the default
    /// 1500 × 1140 image).
    pub s: f64,
    /// True for a pixel backend: text is rasterised by [`super::text`]; false for SVG, where text
    /// stays `<text>` elements.
    pub raster: bool,
    /// Boxes of every label placed so far on the current panel (the layout pass reads and
    /// extends it), plus what was placed, for tests.
    pub placed: std::cell::RefCell<Vec<Placed>>,
    /// Labelled ticks of each value axis drawn, in order (for tests).
    pub axes: std::cell::RefCell<Vec<usize>>,
    /// The RGB canvas under `area`, when text can blend into it directly (the PNG charts);
    /// otherwise raster text goes through `area.draw_pixel`, to the same pixels.
    pub direct: Option<super::rgb::Direct<'a>>,
}

/// A box the label layout pass placed (or reserved), in pixels.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Placed {
    /// Top-left corner.
    pub a: Px,
    /// Bottom-right corner.
    pub b: Px,
    /// What it is: `label`, `tag`, `marker`, `candle`, `wick`, `bar` (a volume bar), `line` (a
    /// data line's segment), `tick` or `panel` (a plot frame).
    pub kind: &'static str,
}

impl Placed {
    /// True for a drawn line's segment (kinds starting `seg`): `a` and `b` are its end points,
    /// not a box's corners.
    pub fn is_segment(&self) -> bool {
        self.kind.starts_with("seg")
    }

    /// True when the two share interior area: two boxes overlap, or a segment passes through a
    /// box's interior (two segments never hit).
    pub fn hits(&self, o: &Placed) -> bool {
        match (self.is_segment(), o.is_segment()) {
            (false, false) => self.a.0 < o.b.0 && o.a.0 < self.b.0 && self.a.1 < o.b.1 && o.a.1 < self.b.1,
            (true, false) => segment_len_in(self.a, self.b, o.a, o.b) > 0.0,
            (false, true) => segment_len_in(o.a, o.b, self.a, self.b) > 0.0,
            (true, true) => false,
        }
    }
}

/// Length of the part of the segment `p`–`q` strictly inside the box with corners `a`, `b`
/// (0 when it misses the box or only touches its edge): Liang–Barsky clipping.
pub(crate) fn segment_len_in(p: Px, q: Px, a: Px, b: Px) -> f64 {
    let (x0, y0) = (p.0 as f64, p.1 as f64);
    let (dx, dy) = ((q.0 - p.0) as f64, (q.1 - p.1) as f64);
    let (bx0, bx1) = (a.0.min(b.0) as f64, a.0.max(b.0) as f64);
    let (by0, by1) = (a.1.min(b.1) as f64, a.1.max(b.1) as f64);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (pk, qk) in [(-dx, x0 - bx0), (dx, bx1 - x0), (-dy, y0 - by0), (dy, by1 - y0)] {
        if pk == 0.0 {
            // Parallel to this edge: inside strictly, or never.
            if qk <= 0.0 {
                return 0.0;
            }
        } else {
            let r = qk / pk;
            if pk < 0.0 {
                t0 = t0.max(r);
            } else {
                t1 = t1.min(r);
            }
        }
    }
    if t1 <= t0 {
        return 0.0;
    }
    (t1 - t0) * (dx * dx + dy * dy).sqrt()
}

impl<B: DrawingBackend> Pen<'_, B> {
    /// Scaled pixels, at least 1.
    pub fn px(&self, v: f64) -> i32 {
        ((v * self.s).round() as i32).max(1)
    }

    /// Font (em) size in pixels for a nominal size (at scale 1), never below 8 px.
    pub fn fs(&self, nominal: f64) -> f64 {
        (nominal * self.s).max(8.0)
    }

    /// Draws text anchored at `p`: `h` picks the left, centre or right end; `v` the top of the
    /// line box (`Top`), the middle of the capitals (`Center`) or the bottom of the line box
    /// (`Bottom`). Every glyph sits on one baseline (see [`super::text`]).
    #[allow(clippy::too_many_arguments)]
    pub fn text(&self, s: &str, p: Px, size: f64, color: RGBAColor, h: HPos, v: VPos, bold: bool) -> DResult {
        if s.is_empty() {
            return Ok(());
        }
        let vm = super::text::vmetrics(size, bold);
        let base = match v {
            VPos::Top => p.1 as f64 + vm.ascent,
            VPos::Center => p.1 as f64 + vm.cap / 2.0,
            VPos::Bottom => p.1 as f64 - vm.descent,
        };
        if self.raster {
            let w = super::text::width(s, size, bold);
            let x = match h {
                HPos::Left => p.0 as f64,
                HPos::Center => p.0 as f64 - w / 2.0,
                HPos::Right => p.0 as f64 - w,
            };
            if let Some(d) = self.direct {
                let rgb = (color.0, color.1, color.2);
                return d
                    .with(|bl| {
                        super::text::raster(s, x, base.round(), size, bold, |px, py, c| {
                            bl.blend(px, py, rgb, color.3 * c as f64)
                        })
                    })
                    .ok_or_else(|| DrawError("the chart canvas is in use".into()));
            }
            let mut err = None;
            super::text::raster(s, x, base.round(), size, bold, |px, py, c| {
                if err.is_none() {
                    let col = RGBAColor(color.0, color.1, color.2, color.3 * c as f64);
                    if let Err(e) = self.area.draw_pixel((px, py), &col) {
                        err = Some(DrawError(e.to_string()));
                    }
                }
            });
            return err.map_or(Ok(()), Err);
        }
        // SVG: plotters writes `font-size = size / 1.24` and, for a top anchor, `dy = 0.76em`,
        // so asking for `1.24 × em` at `baseline − 0.76 em` puts the baseline where it belongs.
        let st = if bold { FontStyle::Bold } else { FontStyle::Normal };
        let style = FontDesc::new(FontFamily::Name(super::text::SVG_FAMILY), size * 1.24, st)
            .color(&color)
            .pos(Pos::new(h, VPos::Top));
        self.area.draw_text(s, &style, (p.0, (base - 0.76 * size).round() as i32))?;
        Ok(())
    }

    /// Width and height (line box: ascent + descent) of text in pixels.
    pub fn text_size(&self, s: &str, size: f64, bold: bool) -> (i32, i32) {
        if s.is_empty() {
            return (0, 0);
        }
        let vm = super::text::vmetrics(size, bold);
        (super::text::width(s, size, bold).ceil() as i32, (vm.ascent + vm.descent).ceil() as i32)
    }

    /// Records a placed box.
    pub fn place(&self, a: Px, b: Px, kind: &'static str) {
        self.placed.borrow_mut().push(Placed { a, b, kind });
    }

    /// Records a drawn polyline's segments as obstacles of `kind` (which starts with `seg`):
    /// labels placed later keep off the line itself, not off its points' boxes (a steep segment
    /// between two weekly points crossed a label that touched neither point).
    pub fn place_polyline(&self, pts: &[Px], kind: &'static str) {
        debug_assert!(kind.starts_with("seg"));
        let mut placed = self.placed.borrow_mut();
        for w in pts.windows(2) {
            placed.push(Placed { a: w[0], b: w[1], kind });
        }
    }

    /// Records a leader line from `a` to `b` as an obstacle later labels keep off (kind
    /// `leader`). Only a vertical or horizontal leader is recorded: a slanted one's bounding box
    /// would block far more than the line covers.
    pub fn place_leader(&self, a: Px, b: Px) {
        // Its end pixels are left out: a leader touches the box it starts from.
        if a.0 == b.0 {
            self.place((a.0, a.1.min(b.1) + 1), (a.0 + 1, a.1.max(b.1)), "leader");
        } else if a.1 == b.1 {
            self.place((a.0.min(b.0) + 1, a.1), (a.0.max(b.0), a.1 + 1), "leader");
        }
    }

    /// Text on a filled box (for labels over data), anchored like [`Pen::text`]; returns the box.
    #[allow(clippy::too_many_arguments)]
    pub fn label(
        &self,
        s: &str,
        p: Px,
        size: f64,
        color: RGBAColor,
        fill: RGBAColor,
        h: HPos,
        v: VPos,
    ) -> DResult<(Px, Px)> {
        let (w, ht) = self.text_size(s, size, false);
        let pad = self.px(3.0);
        let x0 = match h {
            HPos::Left => p.0,
            HPos::Center => p.0 - w / 2,
            HPos::Right => p.0 - w,
        };
        let y0 = match v {
            VPos::Top => p.1,
            VPos::Center => p.1 - ht / 2,
            VPos::Bottom => p.1 - ht,
        };
        let bx = ((x0 - pad, y0 - pad / 2), (x0 + w + pad, y0 + ht + pad / 2));
        self.fill_rect(bx.0, bx.1, fill)?;
        self.text(s, (x0, y0), size, color, HPos::Left, VPos::Top, false)?;
        self.place(bx.0, bx.1, "label");
        Ok(bx)
    }

    /// The box [`Pen::label`] would fill for `s` anchored at `p`.
    pub fn label_box(&self, s: &str, p: Px, size: f64, h: HPos, v: VPos) -> (Px, Px) {
        let (w, ht) = self.text_size(s, size, false);
        let pad = self.px(3.0);
        let x0 = match h {
            HPos::Left => p.0,
            HPos::Center => p.0 - w / 2,
            HPos::Right => p.0 - w,
        };
        let y0 = match v {
            VPos::Top => p.1,
            VPos::Center => p.1 - ht / 2,
            VPos::Bottom => p.1 - ht,
        };
        ((x0 - pad, y0 - pad / 2), (x0 + w + pad, y0 + ht + pad / 2))
    }

    /// True when the label `s` fits at one of `cands` inside `bounds` over nothing placed that
    /// [`Pen::label_fit`] keeps labels off (its zero-cost test, leaders aside).
    pub fn fits_clear(&self, s: &str, cands: &[(Px, HPos, VPos)], size: f64, bounds: (Px, Px)) -> bool {
        let placed = self.placed.borrow();
        cands.iter().any(|(p, h, v)| {
            let (a, b) = self.label_box(s, *p, size, *h, *v);
            let probe = Placed { a, b, kind: "" };
            a.0 >= bounds.0 .0
                && a.1 >= bounds.0 .1
                && b.0 <= bounds.1 .0
                && b.1 <= bounds.1 .1
                && !placed
                    .iter()
                    .any(|q| !matches!(q.kind, "panel" | "tick" | "band" | "levelline") && q.hits(&probe))
        })
    }

    /// The layout pass for one label: tries the candidate anchors in order and draws the label at
    /// the first whose box stays inside `bounds` and hits no placed label, tag, marker or candle;
    /// failing that, at the candidate with the least weighted overlap. A label moved off its
    /// first candidate gets a leader line back to `target`. Returns the box.
    #[allow(clippy::too_many_arguments)]
    pub fn label_fit(
        &self,
        s: &str,
        cands: &[(Px, HPos, VPos)],
        target: Option<Px>,
        size: f64,
        color: RGBAColor,
        fill: RGBAColor,
        bounds: (Px, Px),
    ) -> DResult<(Px, Px)> {
        let mut best: Option<(f64, usize)> = None;
        for (k, (p, h, v)) in cands.iter().enumerate() {
            let (a, b) = self.label_box(s, *p, size, *h, *v);
            let probe = Placed { a, b, kind: "" };
            let mut cost = 0.0;
            if a.0 < bounds.0 .0 || a.1 < bounds.0 .1 || b.0 > bounds.1 .0 || b.1 > bounds.1 .1 {
                // Outside its panel only when nothing inside is possible at all.
                cost += 1.0e9;
            }
            // Crossing a Bollinger band line costs a little, once per label however many of
            // its segments the box covers: less than any label, candle or line overlap, so a
            // band only breaks ties between otherwise clear places.
            let mut band = false;
            // A level line's extent (`levelline`) is a record for the guides, not an obstacle:
            // the line itself is recorded as `line` where labels must keep off it.
            for q in self.placed.borrow().iter().filter(|q| !matches!(q.kind, "panel" | "tick" | "levelline"))
            {
                if q.kind == "band" {
                    band |= q.hits(&probe);
                    continue;
                }
                if q.is_segment() {
                    // A drawn line through the box (its stroke's half-width counted): as bad as
                    // covering a label for the line a chart names `seg:ratio` (the line the
                    // label's marker sits on), less for a secondary line; more the longer the
                    // covered stretch.
                    let m = self.px(1.5);
                    let len = segment_len_in(q.a, q.b, (a.0 - m, a.1 - m), (b.0 + m, b.1 + m));
                    if len > 0.0 {
                        let weight = if q.kind == "seg:ratio" { 100.0 } else { 40.0 };
                        cost += weight * (1.0 + len / 10.0);
                    }
                    continue;
                }
                if q.hits(&probe) {
                    let ix = (b.0.min(q.b.0) - a.0.max(q.a.0)) as f64;
                    let iy = (b.1.min(q.b.1) - a.1.max(q.a.1)) as f64;
                    let weight = match q.kind {
                        "label" | "tag" | "marker" | "leader" => 100.0,
                        "candle" | "wick" | "bar" => 50.0,
                        "line" | "series" => 20.0,
                        _ => 1.0,
                    };
                    cost += weight * (1.0 + ix * iy / 100.0);
                }
            }
            if band {
                cost += 0.5;
            }
            // A leader back to the target that would cross a placed label or tag costs as much
            // as covering one (leaders never run through another label's text).
            if let (Some(t), true) = (target, k > 0) {
                let c = (t.0.clamp(a.0, b.0), t.1.clamp(a.1, b.1));
                if (c.0 - t.0).abs() + (c.1 - t.1).abs() > self.px(4.0) {
                    let n = ((c.0 - t.0).abs().max((c.1 - t.1).abs()) / 2).max(1);
                    let crosses =
                        self.placed.borrow().iter().filter(|q| matches!(q.kind, "label" | "tag")).any(|q| {
                            (1..n).any(|i| {
                                let x = c.0 + (t.0 - c.0) * i / n;
                                let y = c.1 + (t.1 - c.1) * i / n;
                                q.a.0 < x && x < q.b.0 && q.a.1 < y && y < q.b.1
                            })
                        });
                    if crosses {
                        cost += 100.0;
                    }
                }
            }
            if cost == 0.0 {
                best = Some((0.0, k));
                break;
            }
            if best.is_none_or(|(c, _)| cost < c) {
                best = Some((cost, k));
            }
        }
        let Some((_, k)) = best else { return Ok(((0, 0), (0, 0))) };
        let (p, h, v) = cands[k];
        let bx = self.label(s, p, size, color, fill, h, v)?;
        if let (Some(t), true) = (target, k > 0) {
            // Leader from the nearest point of the box to the target.
            let cx = t.0.clamp(bx.0 .0, bx.1 .0);
            let cy = t.1.clamp(bx.0 .1, bx.1 .1);
            if (cx - t.0).abs() + (cy - t.1).abs() > self.px(4.0) {
                self.line(&[(cx, cy), t], color, 1)?;
                self.place_leader((cx, cy), t);
            }
        }
        Ok(bx)
    }

    /// A filled rectangle between two corners.
    pub fn fill_rect(&self, a: Px, b: Px, c: RGBAColor) -> DResult {
        let (x0, x1) = (a.0.min(b.0), a.0.max(b.0));
        let (y0, y1) = (a.1.min(b.1), a.1.max(b.1));
        if x0 == x1 || y0 == y1 {
            // Degenerate (one pixel wide or tall): a line, which every backend draws.
            return self.line(&[(x0, y0), (x1, y1)], c, 1);
        }
        self.area.draw(&Rectangle::new([(x0, y0), (x1, y1)], c.filled()))?;
        Ok(())
    }

    /// A rectangle outline.
    pub fn stroke_rect(&self, a: Px, b: Px, c: RGBAColor, w: u32) -> DResult {
        self.area.draw(&Rectangle::new([a, b], ShapeStyle { color: c, filled: false, stroke_width: w }))?;
        Ok(())
    }

    /// A polyline. A wide line is cut where it turns back on itself (a turn of more than 90°):
    /// plotters joins wide segments with miters, and a miter at a near-reversal (a dense series,
    /// many points per pixel column) shoots far past the data, out of its panel.
    pub fn line(&self, pts: &[Px], c: RGBAColor, w: u32) -> DResult {
        let style = ShapeStyle { color: c, filled: false, stroke_width: w };
        let mut start = 0;
        for i in 1..pts.len() {
            let last = i + 1 == pts.len();
            let sharp = !last && w > 1 && {
                let (a, b, n) = (pts[i - 1], pts[i], pts[i + 1]);
                let dot = (b.0 - a.0) as i64 * (n.0 - b.0) as i64 + (b.1 - a.1) as i64 * (n.1 - b.1) as i64;
                dot < 0
            };
            if last || sharp {
                if i > start {
                    self.area.draw(&PathElement::new(pts[start..=i].to_vec(), style))?;
                }
                start = i;
            }
        }
        Ok(())
    }

    /// A dotted line (F1's crossed levels and their legend swatch): 1.6 px dots, 3 px apart.
    pub fn dotted(&self, a: Px, b: Px, c: RGBAColor) -> DResult {
        let d = self.px(1.6).max(1);
        self.dashed(a, b, c, d as u32, d, self.px(3.0))
    }

    /// A dashed straight line from `a` to `b`.
    pub fn dashed(&self, a: Px, b: Px, c: RGBAColor, w: u32, dash: i32, gap: i32) -> DResult {
        let (dx, dy) = ((b.0 - a.0) as f64, (b.1 - a.1) as f64);
        let len = (dx * dx + dy * dy).sqrt();
        if len < 1.0 {
            return Ok(());
        }
        let (ux, uy) = (dx / len, dy / len);
        let mut t = 0.0;
        let (dash, gap) = (dash.max(1) as f64, gap.max(1) as f64);
        while t < len {
            let e = (t + dash).min(len);
            let p0 = (a.0 + (ux * t).round() as i32, a.1 + (uy * t).round() as i32);
            let p1 = (a.0 + (ux * e).round() as i32, a.1 + (uy * e).round() as i32);
            self.line(&[p0, p1], c, w)?;
            t = e + gap;
        }
        Ok(())
    }

    /// A filled polygon.
    pub fn polygon(&self, pts: &[Px], c: RGBAColor) -> DResult {
        if pts.len() >= 3 {
            self.area.draw(&Polygon::new(pts.to_vec(), c.filled()))?;
        }
        Ok(())
    }

    /// A filled triangle marker pointing down (`down`) or up, centred on `p`.
    pub fn triangle(&self, p: Px, r: i32, down: bool, c: RGBAColor) -> DResult {
        let pts = if down {
            [(p.0 - r, p.1 - r), (p.0 + r, p.1 - r), (p.0, p.1 + r)]
        } else {
            [(p.0 - r, p.1 + r), (p.0 + r, p.1 + r), (p.0, p.1 - r)]
        };
        self.polygon(&pts, c)
    }

    /// A circle (filled or outline).
    pub fn circle(&self, p: Px, r: i32, c: RGBAColor, filled: bool, w: u32) -> DResult {
        self.area.draw(&Circle::new(p, r.max(1), ShapeStyle { color: c, filled, stroke_width: w }))?;
        Ok(())
    }
}

/// A plot rectangle in pixels with its data ranges: x is a bar index (or day number), y a value.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Frame {
    /// Left pixel.
    pub x0: i32,
    /// Top pixel.
    pub y0: i32,
    /// Right pixel.
    pub x1: i32,
    /// Bottom pixel.
    pub y1: i32,
    /// Data x at the left edge.
    pub xmin: f64,
    /// Data x at the right edge.
    pub xmax: f64,
    /// Data y at the bottom edge.
    pub ymin: f64,
    /// Data y at the top edge.
    pub ymax: f64,
}

impl Frame {
    /// Pixel x of data x.
    pub fn fx(&self, x: f64) -> i32 {
        let span = (self.xmax - self.xmin).max(f64::EPSILON);
        (self.x0 as f64 + (x - self.xmin) / span * (self.x1 - self.x0) as f64).round() as i32
    }

    /// Pixel y of data y, clamped to the frame.
    pub fn fy(&self, y: f64) -> i32 {
        let span = (self.ymax - self.ymin).max(f64::EPSILON);
        let p = self.y1 as f64 - (y - self.ymin) / span * (self.y1 - self.y0) as f64;
        (p.round() as i32).clamp(self.y0, self.y1)
    }

    /// True when `y` lies inside the vertical range.
    pub fn contains_y(&self, y: f64) -> bool {
        y.is_finite() && y >= self.ymin && y <= self.ymax
    }

    /// Pixels per x unit.
    pub fn x_step(&self) -> f64 {
        (self.x1 - self.x0) as f64 / (self.xmax - self.xmin).max(f64::EPSILON)
    }

    /// Height in pixels.
    pub fn height(&self) -> i32 {
        self.y1 - self.y0
    }
}

/// Formats a tick value with a fixed number of decimals, as the note prints numbers
/// ([`crate::fmt::minus`]: U+2212 before a negative, never "−0").
pub(crate) fn fmt_fixed(v: f64, decimals: usize) -> String {
    crate::fmt::minus(v, decimals)
}

/// A scale for large counts (volume, OBV): the divisor and its suffix, chosen by magnitude.
pub(crate) fn count_unit(max_abs: f64) -> (f64, &'static str) {
    if max_abs >= 1e9 {
        (1e9, "B")
    } else if max_abs >= 1e6 {
        (1e6, "M")
    } else if max_abs >= 1e3 {
        (1e3, "K")
    } else {
        (1.0, "")
    }
}

/// Formats count ticks (shares) with a unit suffix and the decimals their step needs.
pub(crate) fn fmt_count_ticks(ticks: &[f64]) -> Vec<String> {
    let max_abs = ticks.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let (div, suf) = count_unit(max_abs);
    let step = if ticks.len() >= 2 { (ticks[1] - ticks[0]).abs() / div } else { 1.0 };
    let dec = (0..4usize)
        .find(|d| {
            let k = step * 10f64.powi(*d as i32);
            (k - k.round()).abs() < 1e-6 * k.abs().max(1.0)
        })
        .unwrap_or(3);
    ticks
        .iter()
        .map(|v| {
            if *v == 0.0 {
                "0".to_string()
            } else {
                format!("{}{suf}", crate::fmt::minus(v / div, dec.min(3)))
            }
        })
        .collect()
}

/// One date tick: the bar (or x) index, its label and whether it marks a new year.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DateTick {
    /// X position (bar index or day number).
    pub x: f64,
    /// Label text.
    pub label: String,
    /// Starts a new year (drawn bold).
    pub major: bool,
}

#[derive(Clone, Copy)]
enum Gran {
    Week(u32),
    Month(u32),
    Year(i32),
}

fn month_index(d: NaiveDate) -> i32 {
    d.year() * 12 + d.month0() as i32
}

fn period_key(d: NaiveDate, g: Gran) -> i64 {
    match g {
        Gran::Week(n) => {
            let w = d.iso_week();
            ((w.year() as i64) * 53 + w.week() as i64) / n as i64
        }
        Gran::Month(n) => (month_index(d) / n as i32) as i64,
        Gran::Year(n) => d.year().div_euclid(n) as i64,
    }
}

fn tick_label(d: NaiveDate, g: Gran, first: bool, prev_year: Option<i32>) -> (String, bool) {
    let new_year = prev_year.is_some_and(|y| y != d.year());
    match g {
        Gran::Year(_) => (d.format("%Y").to_string(), true),
        Gran::Month(_) => {
            if new_year && d.month() <= 3 {
                (d.format("%Y").to_string(), true)
            } else if first {
                (d.format("%b %Y").to_string(), false)
            } else {
                (d.format("%b").to_string(), false)
            }
        }
        Gran::Week(_) => {
            if first || new_year {
                (d.format("%b %-d %Y").to_string(), new_year)
            } else {
                (d.format("%b %-d").to_string(), false)
            }
        }
    }
}

/// Chooses date ticks for points at `xs` (bar indices) with `dates`: the finest calendar grain
/// (weeks, months, quarters, years) whose labels, measured by `width_of`, never overlap inside
/// `[left, right]` pixels, given `to_px` for positions. The first label carries the year.
pub(crate) fn date_ticks(
    dates: &[NaiveDate],
    xs: &[f64],
    to_px: &dyn Fn(f64) -> i32,
    width_of: &dyn Fn(&str, bool) -> i32,
    left: i32,
    right: i32,
    gap: i32,
) -> Vec<DateTick> {
    let grains = [
        Gran::Week(1),
        Gran::Week(2),
        Gran::Month(1),
        Gran::Month(2),
        Gran::Month(3),
        Gran::Month(6),
        Gran::Year(1),
        Gran::Year(2),
        Gran::Year(5),
        Gran::Year(10),
        Gran::Year(25),
    ];
    let mut fallback = Vec::new();
    for g in grains {
        let mut ticks: Vec<(f64, NaiveDate)> = Vec::new();
        for i in 1..dates.len() {
            if period_key(dates[i], g) != period_key(dates[i - 1], g) {
                ticks.push((xs[i], dates[i]));
            }
        }
        if ticks.is_empty() {
            continue;
        }
        let mut out = Vec::with_capacity(ticks.len());
        let mut prev_year = None;
        for (k, (x, d)) in ticks.iter().enumerate() {
            let (label, major) = tick_label(*d, g, k == 0, prev_year);
            prev_year = Some(d.year());
            out.push(DateTick { x: *x, label, major });
        }
        // Drop labels that would stick out of the axis.
        let spans: Vec<(i32, i32)> = out
            .iter()
            .map(|t| {
                let c = to_px(t.x);
                let w = width_of(&t.label, t.major);
                (c - w / 2, c + w / 2)
            })
            .collect();
        let keep: Vec<bool> = spans.iter().map(|(a, b)| *a >= left && *b <= right).collect();
        let mut kept: Vec<(DateTick, (i32, i32))> =
            out.into_iter().zip(spans).zip(keep).filter(|(_, k)| *k).map(|(t, _)| t).collect();
        // The first label shown carries the year, even when the first tick was dropped.
        if let Some((t, span)) = kept.first_mut() {
            let d = ticks.iter().find(|(x, _)| *x == t.x).map(|(_, d)| *d);
            if let Some(d) = d.filter(|d| !t.major && !t.label.contains(&d.year().to_string())) {
                let label = match g {
                    Gran::Week(_) => d.format("%b %-d %Y").to_string(),
                    _ => d.format("%b %Y").to_string(),
                };
                let c = to_px(t.x);
                let w = width_of(&label, false);
                if c - w / 2 >= left && c + w / 2 <= right {
                    t.label = label;
                    *span = (c - w / 2, c + w / 2);
                }
            }
        }
        let fits = kept.windows(2).all(|w| w[1].1 .0 - w[0].1 .1 >= gap);
        if fits && kept.len() >= 2 {
            return kept.into_iter().map(|(t, _)| t).collect();
        }
        if fits && fallback.is_empty() {
            fallback = kept.into_iter().map(|(t, _)| t).collect();
        }
    }
    fallback
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_ticks_use_units() {
        assert_eq!(fmt_count_ticks(&[0.0, 2e7, 4e7]), vec!["0", "20M", "40M"]);
        assert_eq!(fmt_count_ticks(&[1.5e9, 2.0e9]), vec!["1.5B", "2.0B"]);
        assert_eq!(fmt_count_ticks(&[8.75e9, 9.0e9, 9.25e9]), vec!["8.75B", "9.00B", "9.25B"]);
    }

    #[test]
    fn date_ticks_never_overlap() {
        let start = NaiveDate::from_ymd_opt(2023, 1, 2).unwrap();
        let dates: Vec<NaiveDate> = (0..800).map(|k| start + chrono::Days::new(k)).collect();
        let xs: Vec<f64> = (0..dates.len()).map(|i| i as f64).collect();
        for width in [300, 800, 2000] {
            let to_px = |x: f64| (x / 800.0 * width as f64) as i32;
            let w = |s: &str, _b: bool| s.len() as i32 * 7;
            let t = date_ticks(&dates, &xs, &to_px, &w, 0, width, 8);
            assert!(!t.is_empty());
            for p in t.windows(2) {
                let a = to_px(p[0].x) + w(&p[0].label, false) / 2;
                let b = to_px(p[1].x) - w(&p[1].label, false) / 2;
                assert!(b - a >= 8, "{width}: {p:?}");
            }
        }
    }
}
