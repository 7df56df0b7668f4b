//! Panel chrome shared by every chart: title block, legend strips, plot backgrounds, value axes,
//! date gridlines and the "not enough history" panel. Input: a [`Pen`] and a [`Frame`];
//! output: drawn decorations.

use super::canvas::{
    fmt_count_ticks, fmt_fixed, nice_ticks, spread_labels, DResult, DateTick, Frame, Pen, Px,
};
use super::theme::Palette;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// Base font sizes at scale 1.
pub(crate) const FS_TITLE: f64 = 19.0;
/// Subtitle / legend size.
pub(crate) const FS_TEXT: f64 = 12.5;
/// Tick label size.
pub(crate) const FS_TICK: f64 = 11.5;
/// Annotation label size.
pub(crate) const FS_NOTE: f64 = 11.0;

/// The spacing every stacked-panel chart lays out with, in pixels at the pen's scale.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Spacing {
    /// Outer margin.
    pub m: i32,
    /// Width of the right-hand value axis.
    pub axis_w: i32,
    /// Height of a panel's legend strip.
    pub strip: i32,
    /// Gap between panels.
    pub gap: i32,
    /// Height of the date axis.
    pub date_h: i32,
}

impl Spacing {
    /// The spacing for `pen`.
    pub(crate) fn of<B: DrawingBackend>(pen: &Pen<B>) -> Spacing {
        Spacing {
            m: pen.px(14.0),
            axis_w: pen.px(64.0),
            strip: pen.fs(FS_TEXT) as i32 + pen.px(10.0),
            gap: pen.px(6.0),
            date_h: pen.fs(FS_TICK) as i32 + pen.px(12.0),
        }
    }
}

/// A legend swatch.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Swatch {
    /// A filled box.
    Box(RGBAColor),
    /// A solid line.
    Line(RGBAColor),
    /// A dashed line.
    Dash(RGBAColor),
    /// A down-pointing triangle.
    TriDown(RGBAColor),
    /// An up-pointing triangle.
    TriUp(RGBAColor),
    /// A dot.
    Dot(RGBAColor),
    /// An up and a down candle.
    Candles(RGBAColor, RGBAColor),
}

/// Draws the title and subtitle at the top left; returns the y below them.
pub(crate) fn draw_header<B: DrawingBackend>(pen: &Pen<B>, title: &str, subtitle: &str) -> DResult<i32> {
    let m = pen.px(14.0);
    let tfs = pen.fs(FS_TITLE);
    let sfs = pen.fs(FS_TEXT);
    let text = pen.pal.text.to_rgba();
    let muted = pen.pal.muted.to_rgba();
    pen.text(title, (m, m), tfs, text, HPos::Left, VPos::Top, true)?;
    let (_, th) = pen.text_size(title, tfs, true);
    let y = m + th.max(tfs as i32) + pen.px(5.0);
    pen.text(subtitle, (m, y), sfs, muted, HPos::Left, VPos::Top, false)?;
    Ok(y + sfs as i32 + pen.px(10.0))
}

/// Draws a legend strip: a bold panel name, then swatches with labels, left to right, starting at
/// `p` (vertical centre). Items that would run past `right` are left out.
pub(crate) fn draw_legend<B: DrawingBackend>(
    pen: &Pen<B>,
    p: Px,
    right: i32,
    name: &str,
    items: &[(Swatch, String)],
) -> DResult {
    let fs = pen.fs(FS_TEXT);
    let text = pen.pal.text.to_rgba();
    let muted = pen.pal.muted.to_rgba();
    pen.text(name, p, fs, text, HPos::Left, VPos::Center, true)?;
    let mut x = p.0 + pen.text_size(name, fs, true).0 + pen.px(14.0);
    let sw = pen.px(16.0);
    for (s, label) in items {
        let lw = pen.text_size(label, fs, false).0;
        if x + sw + pen.px(5.0) + lw > right {
            break;
        }
        draw_swatch(pen, *s, (x, p.1), sw)?;
        pen.text(label, (x + sw + pen.px(5.0), p.1), fs, muted, HPos::Left, VPos::Center, false)?;
        x += sw + pen.px(5.0) + lw + pen.px(16.0);
    }
    Ok(())
}

fn draw_swatch<B: DrawingBackend>(pen: &Pen<B>, s: Swatch, p: Px, w: i32) -> DResult {
    let h = (w * 2 / 3).max(4);
    let (x0, x1, yc) = (p.0, p.0 + w, p.1);
    match s {
        Swatch::Box(c) => pen.fill_rect((x0, yc - h / 2), (x1, yc + h / 2), c),
        Swatch::Line(c) => pen.line(&[(x0, yc), (x1, yc)], c, pen.px(2.0) as u32),
        Swatch::Dash(c) => pen.dashed((x0, yc), (x1, yc), c, pen.px(1.5) as u32, pen.px(4.0), pen.px(3.0)),
        Swatch::TriDown(c) => pen.triangle(((x0 + x1) / 2, yc), h / 2 + 1, true, c),
        Swatch::TriUp(c) => pen.triangle(((x0 + x1) / 2, yc), h / 2 + 1, false, c),
        Swatch::Dot(c) => pen.circle(((x0 + x1) / 2, yc), h / 2, c, true, 1),
        Swatch::Candles(u, d) => {
            let bw = (w / 4).max(2);
            let a = x0 + w / 4;
            let b = x0 + 3 * w / 4;
            pen.line(&[(a, yc - h / 2 - 2), (a, yc + h / 2 + 2)], u, 1)?;
            pen.fill_rect((a - bw / 2, yc - h / 2 + 1), (a + bw / 2, yc + h / 2), u)?;
            pen.line(&[(b, yc - h / 2 - 2), (b, yc + h / 2 + 2)], d, 1)?;
            pen.fill_rect((b - bw / 2, yc - h / 2), (b + bw / 2, yc + h / 2 - 1), d)
        }
    }
}

/// Fills the plot background and draws its frame.
pub(crate) fn draw_plot_bg<B: DrawingBackend>(pen: &Pen<B>, f: &Frame) -> DResult {
    pen.fill_rect((f.x0, f.y0), (f.x1, f.y1), pen.pal.panel.to_rgba())
}

/// Draws the frame outline (after the data, so it stays crisp).
pub(crate) fn draw_plot_frame<B: DrawingBackend>(pen: &Pen<B>, f: &Frame) -> DResult {
    pen.stroke_rect((f.x0, f.y0), (f.x1, f.y1), pen.pal.frame.to_rgba(), 1)
}

/// How value-axis ticks are printed.
#[derive(Debug, Clone, Copy)]
pub(crate) enum TickFmt {
    /// Plain numbers with the decimals the step needs (prices, ratios).
    Fixed,
    /// Plain numbers with a suffix (e.g. `%`).
    Suffix(&'static str),
    /// Share counts with K/M/B.
    Count,
}

/// Draws horizontal gridlines and right-hand tick labels for the frame's y range; `avoid` lists
/// pixel ys (e.g. a last-price tag) near which no tick label is printed.
pub(crate) fn draw_y_axis<B: DrawingBackend>(
    pen: &Pen<B>,
    f: &Frame,
    fmt: TickFmt,
    avoid: &[i32],
) -> DResult {
    let fs = pen.fs(FS_TICK);
    let max_n = ((f.height() as f64) / (fs * 3.2)).floor().clamp(3.0, 10.0) as usize;
    let (ticks, dec) = nice_ticks(f.ymin, f.ymax, max_n);
    let labels: Vec<String> = match fmt {
        TickFmt::Fixed => ticks.iter().map(|v| fmt_fixed(*v, dec)).collect(),
        TickFmt::Suffix(s) => ticks.iter().map(|v| format!("{}{s}", fmt_fixed(*v, dec))).collect(),
        TickFmt::Count => fmt_count_ticks(&ticks),
    };
    let grid = pen.pal.grid.to_rgba();
    let muted = pen.pal.muted.to_rgba();
    for (v, l) in ticks.iter().zip(labels) {
        let y = f.fy(*v);
        if y <= f.y0 || y >= f.y1 {
            continue;
        }
        pen.line(&[(f.x0, y), (f.x1, y)], grid, 1)?;
        if avoid.iter().any(|a| (a - y).abs() < fs as i32 + 2) {
            continue;
        }
        pen.line(&[(f.x1, y), (f.x1 + pen.px(4.0), y)], pen.pal.frame.to_rgba(), 1)?;
        pen.text(&l, (f.x1 + pen.px(7.0), y), fs, muted, HPos::Left, VPos::Center, false)?;
    }
    Ok(())
}

/// Draws vertical gridlines at the date ticks.
pub(crate) fn draw_x_grid<B: DrawingBackend>(pen: &Pen<B>, f: &Frame, ticks: &[DateTick]) -> DResult {
    let grid = pen.pal.grid.to_rgba();
    for t in ticks {
        let x = f.fx(t.x);
        if x > f.x0 && x < f.x1 {
            pen.line(&[(x, f.y0), (x, f.y1)], grid, 1)?;
        }
    }
    Ok(())
}

/// Draws date labels under the frame.
pub(crate) fn draw_x_labels<B: DrawingBackend>(pen: &Pen<B>, f: &Frame, ticks: &[DateTick]) -> DResult {
    let fs = pen.fs(FS_TICK);
    let frame = pen.pal.frame.to_rgba();
    for t in ticks {
        let x = f.fx(t.x);
        pen.line(&[(x, f.y1), (x, f.y1 + pen.px(4.0))], frame, 1)?;
        let c = if t.major { pen.pal.text.to_rgba() } else { pen.pal.muted.to_rgba() };
        pen.text(&t.label, (x, f.y1 + pen.px(6.0)), fs, c, HPos::Center, VPos::Top, t.major)?;
    }
    Ok(())
}

/// A label pinned to the right end of a horizontal line.
#[derive(Debug, Clone)]
pub(crate) struct EdgeLabel {
    /// Data y of the line.
    pub y: f64,
    /// Text.
    pub text: String,
    /// Colour.
    pub color: RGBAColor,
}

/// Draws labels at the right edge inside the frame, right-aligned, spread so none overlap.
pub(crate) fn draw_edge_labels<B: DrawingBackend>(pen: &Pen<B>, f: &Frame, labels: &[EdgeLabel]) -> DResult {
    let fs = pen.fs(FS_NOTE);
    let ys: Vec<i32> = labels.iter().map(|l| f.fy(l.y)).collect();
    let gap = fs as i32 + pen.px(5.0);
    let pos = spread_labels(&ys, gap, f.y0 + gap / 2, f.y1 - gap / 2);
    let bg = Palette::alpha(pen.pal.panel, 0.88);
    for ((l, y), y_line) in labels.iter().zip(pos).zip(ys) {
        let (a, _) =
            pen.label(&l.text, (f.x1 - pen.px(6.0), y), fs, l.color, bg, HPos::Right, VPos::Center)?;
        if (y - y_line).abs() > 2 {
            // Leader from the displaced label back to its line.
            pen.line(&[(a.0 - 1, y), (a.0 - pen.px(10.0), y_line)], l.color, 1)?;
        }
    }
    Ok(())
}

/// Draws a "not enough history" panel in the rest of the canvas below `top`.
pub(crate) fn draw_not_enough<B: DrawingBackend>(pen: &Pen<B>, top: i32, detail: &str) -> DResult {
    let (w, h) = pen.area.dim_in_pixel();
    let m = pen.px(14.0);
    let (x0, y0, x1, y1) = (m, top, w as i32 - m, h as i32 - m);
    pen.fill_rect((x0, y0), (x1, y1), pen.pal.panel.to_rgba())?;
    pen.stroke_rect((x0, y0), (x1, y1), pen.pal.frame.to_rgba(), 1)?;
    let cx = (x0 + x1) / 2;
    let cy = (y0 + y1) / 2;
    let big = pen.fs(FS_TITLE * 1.2);
    pen.text(
        "Not enough history",
        (cx, cy - pen.px(6.0)),
        big,
        pen.pal.text.to_rgba(),
        HPos::Center,
        VPos::Bottom,
        true,
    )?;
    pen.text(
        detail,
        (cx, cy + pen.px(6.0)),
        pen.fs(FS_TEXT),
        pen.pal.muted.to_rgba(),
        HPos::Center,
        VPos::Top,
        false,
    )?;
    Ok(())
}
