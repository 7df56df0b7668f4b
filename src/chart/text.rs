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

use ab_glyph::{point, Font, FontRef, GlyphId, PxScale, ScaleFont};
use std::sync::OnceLock;

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

/// Vertical metrics at em size `em`.
pub(crate) fn vmetrics(em: f64, bold: bool) -> VMetrics {
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
    let s = f.as_scaled(px_scale(f, em));
    let mut x = 0f32;
    let mut prev: Option<GlyphId> = None;
    for c in text.chars() {
        let id = s.glyph_id(c);
        if let Some(p) = prev {
            x += s.kern(p, id);
        }
        x += s.h_advance(id);
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
    let mut pen = x as f32;
    let mut prev: Option<GlyphId> = None;
    for c in text.chars() {
        let id = s.glyph_id(c);
        if let Some(p) = prev {
            pen += s.kern(p, id);
        }
        let g = id.with_scale_and_position(scale, point(pen, y as f32));
        if let Some(o) = f.outline_glyph(g) {
            let b = o.px_bounds();
            let (bx, by) = (b.min.x as i32, b.min.y as i32);
            o.draw(|gx, gy, cov| {
                if cov > 0.0 {
                    put(bx + gx as i32, by + gy as i32, cov.min(1.0));
                }
            });
        }
        pen += s.h_advance(id);
        prev = Some(id);
    }
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
