//! Panel chrome shared by every chart: title block, legend strips, plot backgrounds, value axes,
//! date gridlines and the "not enough history" panel. Input: a [`Pen`] and a [`Frame`];
//! output: drawn decorations.

use super::canvas::{fmt_count_ticks, fmt_fixed, DResult, DateTick, Frame, Pen, Placed, Px};
use super::theme::Palette;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// Base font (em) sizes in design pixels (CSS px in the 750 px HTML column). The smallest, 11.5,
/// is the floor: ≥ 11 CSS px on screen and ≥ 7 pt at 460 pt width in the PDF.
pub(crate) const FS_TITLE: f64 = 16.5;
/// Subtitle / legend size.
pub(crate) const FS_TEXT: f64 = 12.0;
/// Tick label size.
pub(crate) const FS_TICK: f64 = 11.5;
/// Annotation label size.
pub(crate) const FS_NOTE: f64 = 11.5;
/// The smallest font size any chart text may have, in design pixels.
pub const FS_MIN: f64 = 11.5;

/// The spacing every stacked-panel chart lays out with, in pixels at the pen's scale.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Spacing {
    /// Outer margin.
    pub m: i32,
    /// Width of the right-hand value axis.
    pub axis_w: i32,
    /// Height of one line of a panel's legend strip.
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
            m: pen.px(10.0),
            axis_w: pen.px(58.0),
            strip: pen.fs(FS_TEXT) as i32 + pen.px(7.0),
            gap: pen.px(5.0),
            date_h: pen.fs(FS_TICK) as i32 + pen.px(10.0),
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
    /// A dotted line (F1's crossed levels: a level, not a series).
    Dots(RGBAColor),
    /// A down-pointing triangle.
    TriDown(RGBAColor),
    /// An up-pointing triangle.
    TriUp(RGBAColor),
    /// A diamond (swing highs).
    Diamond(RGBAColor),
    /// A dot.
    Dot(RGBAColor),
    /// An up and a down candle.
    Candles(RGBAColor, RGBAColor),
    /// An outlined box.
    Outline(RGBAColor),
    /// No swatch: the item is a note in the text colour (a panel's reading).
    Note,
    /// The rest of the item before, wrapped onto its own line under that item's text (no
    /// swatch; see [`split_wide`]).
    Cont,
}

/// Items as a legend between `left` and `right` lays them out: an item wider than a whole line
/// is split at spaces into pieces that fit, its first piece keeping the swatch and the rest
/// following as [`Swatch::Cont`] lines, so no item runs past the right edge (a phone, issue 13).
fn split_wide<B: DrawingBackend>(
    pen: &Pen<B>,
    left: i32,
    right: i32,
    items: &[(Swatch, String)],
) -> Vec<(Swatch, String)> {
    let fs = pen.fs(FS_TEXT);
    let sw = pen.px(14.0) + pen.px(4.0);
    let mut out = Vec::with_capacity(items.len());
    for (s, label) in items {
        let indent = if matches!(s, Swatch::Note) { 0 } else { sw };
        let avail = right - left - pen.px(10.0) - indent;
        if pen.text_size(label, fs, false).0 <= avail || avail <= 0 {
            out.push((*s, label.clone()));
            continue;
        }
        // A note's rest stays a note (text colour, no indent); an item's rest is indented
        // under its text.
        let rest = if matches!(s, Swatch::Note) { Swatch::Note } else { Swatch::Cont };
        let mut first = true;
        let mut cur = String::new();
        for w in label.split(' ') {
            let next = if cur.is_empty() { w.to_string() } else { format!("{cur} {w}") };
            if !cur.is_empty() && pen.text_size(&next, fs, false).0 > avail {
                out.push((if first { *s } else { rest }, std::mem::take(&mut cur)));
                first = false;
                cur = w.to_string();
            } else {
                cur = next;
            }
        }
        if !cur.is_empty() {
            out.push((if first { *s } else { rest }, cur));
        }
    }
    out
}

/// Splits `text` into lines no wider than `max_w` pixels: at " · " first, then at spaces.
pub(crate) fn wrap<B: DrawingBackend>(
    pen: &Pen<B>,
    text: &str,
    size: f64,
    bold: bool,
    max_w: i32,
) -> Vec<String> {
    let fits = |s: &str| pen.text_size(s, size, bold).0 <= max_w;
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for (k, part) in text.split(" · ").enumerate() {
        let cand = if k == 0 { part.to_string() } else { format!("{cur} · {part}") };
        if k == 0 || fits(&cand) {
            cur = cand;
        } else {
            lines.push(std::mem::take(&mut cur));
            cur = part.to_string();
        }
    }
    lines.push(cur);
    // Lines still too wide: break at spaces.
    let mut out = Vec::new();
    for l in lines {
        if fits(&l) {
            out.push(l);
            continue;
        }
        let mut cur = String::new();
        for word in l.split(' ') {
            let cand = if cur.is_empty() { word.to_string() } else { format!("{cur} {word}") };
            if cur.is_empty() || fits(&cand) {
                cur = cand;
            } else {
                out.push(std::mem::take(&mut cur));
                cur = word.to_string();
            }
        }
        out.push(cur);
    }
    out
}

/// Draws the title and subtitle at the top left, wrapped to the canvas width; returns the y below
/// them.
pub(crate) fn draw_header<B: DrawingBackend>(pen: &Pen<B>, title: &str, subtitle: &str) -> DResult<i32> {
    let m = Spacing::of(pen).m;
    let (w, _) = pen.area.dim_in_pixel();
    let max_w = w as i32 - 2 * m;
    let tfs = pen.fs(FS_TITLE);
    let sfs = pen.fs(FS_TEXT);
    let text = pen.pal.text.to_rgba();
    let muted = pen.pal.muted.to_rgba();
    let mut y = m;
    for l in wrap(pen, title, tfs, true, max_w) {
        pen.text(&l, (m, y), tfs, text, HPos::Left, VPos::Top, true)?;
        y += pen.text_size(&l, tfs, true).1;
    }
    y += pen.px(2.0);
    for l in wrap(pen, subtitle, sfs, false, max_w) {
        pen.text(&l, (m, y), sfs, muted, HPos::Left, VPos::Top, false)?;
        y += pen.text_size(&l, sfs, false).1;
    }
    Ok(y + pen.px(6.0))
}

/// Starts a chart: fills the canvas with the theme background and draws the title block.
/// Returns the canvas width and height and the y below the header, in pixels.
pub(crate) fn begin<B: DrawingBackend>(
    pen: &Pen<B>,
    title: &str,
    subtitle: &str,
) -> DResult<(i32, i32, i32)> {
    let (w, h) = pen.area.dim_in_pixel();
    pen.area.fill(&pen.pal.bg)?;
    let top = draw_header(pen, title, subtitle)?;
    Ok((w as i32, h as i32, top))
}

/// Left and right pixel edges of the plots of a stacked-panel chart `w` pixels wide (the value
/// axis to the right).
pub(crate) fn plot_x<B: DrawingBackend>(pen: &Pen<B>, w: i32) -> (i32, i32) {
    let Spacing { m, axis_w, .. } = Spacing::of(pen);
    (m, (w - m - axis_w).max(m + 10))
}

/// Two stacked plots sharing one date axis (the relative-strength and track-record charts).
pub(crate) struct TwoPanels {
    /// The upper plot (y range 0..1 until the chart sets it).
    pub f1: Frame,
    /// The lower plot.
    pub f2: Frame,
    /// Date ticks for the shared x range, labelled under the lower plot.
    pub ticks: Vec<DateTick>,
}

impl TwoPanels {
    /// Lays out two plots between `x` (from [`plot_x`]) under the header ending at `top`, on a
    /// canvas `h` pixels tall: each under its legend strip of `lines.0` / `lines.1` lines, with
    /// `gaps` panel gaps taken from the height, the upper plot getting `share` of what is left.
    /// `dates` and `xs` (one x per date, in the frames' x units) place the date ticks.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn of<B: DrawingBackend>(
        pen: &Pen<B>,
        h: i32,
        top: i32,
        x: (i32, i32),
        lines: (i32, i32),
        gaps: i32,
        share: f64,
        xrange: (f64, f64),
        dates: &[chrono::NaiveDate],
        xs: &[f64],
    ) -> TwoPanels {
        let Spacing { m, axis_w, strip, gap, date_h } = Spacing::of(pen);
        let ((x0, x1), (l1, l2), (xmin, xmax)) = (x, lines, xrange);
        let avail = (h - top - date_h - m - (l1 + l2) * strip - gaps * gap).max(30);
        let h1 = (avail as f64 * share) as i32;
        let y1 = top + l1 * strip;
        let f1 = Frame { x0, y0: y1, x1, y1: y1 + h1, xmin, xmax, ymin: 0.0, ymax: 1.0 };
        let y2 = f1.y1 + gap + l2 * strip;
        let f2 = Frame { x0, y0: y2, x1, y1: y2 + avail - h1, xmin, xmax, ymin: 0.0, ymax: 1.0 };
        let tfs = pen.fs(FS_TICK);
        let ticks = super::canvas::date_ticks(
            dates,
            xs,
            &|v| f1.fx(v),
            &|s, b| pen.text_size(s, tfs, b).0,
            x0 - pen.px(4.0),
            x1 + axis_w,
            pen.px(30.0),
        );
        TwoPanels { f1, f2, ticks }
    }
}

/// Draws a panel's legend strip of `lines` lines (each `strip` pixels) right above the plot `f`.
pub(crate) fn legend_above<B: DrawingBackend>(
    pen: &Pen<B>,
    f: &Frame,
    name: &str,
    items: &[(Swatch, String)],
    lines: i32,
    strip: i32,
) -> DResult {
    draw_legend_by(pen, (f.x0, f.y0 - lines * strip + strip / 2), f.x1, name, items, lines, strip, false)
}

/// Draws a plot's background, its date gridlines and its value axis, leaving out the tick
/// labels a badge for one of `badges` (latest values, see [`draw_badge`]) would cover. Returns
/// the badges' pixel ys (pushed apart so that none overlap), in the order of `badges`.
pub(crate) fn draw_axes_with_badges<B: DrawingBackend>(
    pen: &Pen<B>,
    f: &Frame,
    ticks: &[DateTick],
    fmt: TickFmt,
    badges: &[f64],
) -> DResult<Vec<i32>> {
    let ys = tag_positions(pen, f, badges);
    draw_plot_bg(pen, f)?;
    draw_x_grid(pen, f, ticks)?;
    draw_y_axis(pen, f, fmt, &ys)?;
    Ok(ys)
}

/// A latest-value badge on the right axis at pixel `y` (from [`draw_axes_with_badges`]), with a
/// dot on the data point `dot` when given.
pub(crate) fn draw_badge<B: DrawingBackend>(
    pen: &Pen<B>,
    f: &Frame,
    y: i32,
    text: &str,
    color: RGBAColor,
    dot: Option<Px>,
) -> DResult {
    if let Some(p) = dot {
        pen.circle(p, pen.px(3.0), color, true, 1)?;
    }
    draw_tag(pen, f, y, text, color)
}

/// Lines a legend needs between `left` and `right`.
pub(crate) fn legend_lines<B: DrawingBackend>(
    pen: &Pen<B>,
    left: i32,
    right: i32,
    name: &str,
    items: &[(Swatch, String)],
) -> i32 {
    legend_lines_by(pen, left, right, name, items, false)
}

/// Like [`legend_lines`], with the items free to take any line (`reorder`, a phone's price
/// legend: see [`legend_layout`]).
pub(crate) fn legend_lines_by<B: DrawingBackend>(
    pen: &Pen<B>,
    left: i32,
    right: i32,
    name: &str,
    items: &[(Swatch, String)],
    reorder: bool,
) -> i32 {
    laid_out(pen, left, right, name, items, reorder).iter().map(|(_, (_, line))| line + 1).max().unwrap_or(1)
}

/// The legend's items (wide ones split, [`split_wide`]) each with its (x, line) from
/// [`legend_layout`]: what [`legend_lines_by`] counts and [`draw_legend_by`] draws.
fn laid_out<B: DrawingBackend>(
    pen: &Pen<B>,
    left: i32,
    right: i32,
    name: &str,
    items: &[(Swatch, String)],
    reorder: bool,
) -> Vec<((Swatch, String), (i32, i32))> {
    let items = split_wide(pen, left, right, items);
    let at = legend_layout(pen, left, right, name, &items, reorder);
    items.into_iter().zip(at).collect()
}

/// (x, line) of each legend item: in reading order, left to right, wrapping; or, when that
/// saves a line, each item on the first line with room for it (a short marker entry fills the
/// end of an earlier line instead of starting one: issue 13, the daily chart's legend took four
/// lines of the price panel's height). A wrapped item's rest ([`Swatch::Cont`]) always starts
/// the line after its head. With `reorder`, also the first item by the panel's name and the
/// others widest first, each on the first line with room (first-fit decreasing), when that
/// saves a line more: a phone's price legend (issue 13 follow-up: the daily's took five lines
/// where four held every entry).
fn legend_layout<B: DrawingBackend>(
    pen: &Pen<B>,
    left: i32,
    right: i32,
    name: &str,
    items: &[(Swatch, String)],
    reorder: bool,
) -> Vec<(i32, i32)> {
    let fs = pen.fs(FS_TEXT);
    let sw = pen.px(14.0);
    let start = left + pen.text_size(name, fs, true).0 + pen.px(10.0);
    let need = |s: &Swatch, label: &str| {
        let swatch = if matches!(s, Swatch::Note) { 0 } else { sw + pen.px(4.0) };
        swatch + pen.text_size(label, fs, false).0
    };
    let flow = |pack: bool, order: &[usize]| -> Vec<(i32, i32)> {
        // The next free x of each line so far.
        let mut ends: Vec<i32> = vec![start];
        let mut out = vec![(0, 0); items.len()];
        for &i in order {
            let (s, label) = &items[i];
            let w = need(s, label);
            let last = ends.len() - 1;
            let fits = |x: i32| x + w <= right;
            let line = if matches!(s, Swatch::Cont) {
                None
            } else if pack {
                (0..ends.len()).find(|k| fits(ends[*k]))
            } else {
                fits(ends[last]).then_some(last)
            };
            let line = match line {
                Some(k) => k,
                None => {
                    ends.push(left + pen.px(10.0));
                    ends.len() - 1
                }
            };
            out[i] = (ends[line], line as i32);
            // A phone's price legend (`reorder`) keeps its entries a little closer.
            ends[line] += w + if reorder { pen.px(9.0) } else { pen.px(12.0) };
        }
        out
    };
    let lines = |l: &[(i32, i32)]| l.iter().map(|p| p.1).max().unwrap_or(0);
    let order: Vec<usize> = (0..items.len()).collect();
    let in_order = flow(false, &order);
    // Packing only where no item was split (its pieces must stay on consecutive lines).
    if items.iter().any(|(s, _)| matches!(s, Swatch::Cont)) {
        return in_order;
    }
    let packed = flow(true, &order);
    let best = if lines(&packed) < lines(&in_order) { packed } else { in_order };
    if !reorder || items.len() < 3 {
        return best;
    }
    // The first item stays by the name; the rest widest first (ties in reading order).
    let mut wide = order[1..].to_vec();
    wide.sort_by_key(|&i| (-need(&items[i].0, &items[i].1), i));
    let decreasing = flow(true, &[&order[..1], &wide[..]].concat());
    if lines(&decreasing) < lines(&best) {
        decreasing
    } else {
        best
    }
}

/// Draws a legend strip: a bold panel name, then swatches with labels, left to right, starting at
/// `p` (vertical centre of the first line), wrapping onto at most `max_lines` lines of height
/// `line_h`; with `reorder`, items are free to take any line (see [`legend_layout`]). Items past
/// the last line are left out.
#[allow(clippy::too_many_arguments)]
pub(crate) fn draw_legend_by<B: DrawingBackend>(
    pen: &Pen<B>,
    p: Px,
    right: i32,
    name: &str,
    items: &[(Swatch, String)],
    max_lines: i32,
    line_h: i32,
    reorder: bool,
) -> DResult {
    let fs = pen.fs(FS_TEXT);
    let text = pen.pal.text.to_rgba();
    let muted = pen.pal.muted.to_rgba();
    pen.text(name, p, fs, text, HPos::Left, VPos::Center, true)?;
    // Legend texts are recorded (kind `legend`) for checks of how many lines a legend takes
    // and what it may cover.
    let (nw, th) = pen.text_size(name, fs, true);
    pen.place((p.0, p.1 - th / 2), (p.0 + nw, p.1 + th / 2), "legend");
    let sw = pen.px(14.0);
    for ((s, label), (x, line)) in &laid_out(pen, p.0, right, name, items, reorder) {
        let (x, line) = (*x, *line);
        if line >= max_lines {
            break;
        }
        let y = p.1 + line * line_h;
        let tx = if matches!(s, Swatch::Note) { x } else { x + sw + pen.px(4.0) };
        pen.place((x, y - th / 2), (tx + pen.text_size(label, fs, false).0, y + th / 2), "legend");
        if matches!(s, Swatch::Note) {
            pen.text(label, (x, y), fs, text, HPos::Left, VPos::Center, false)?;
            continue;
        }
        draw_swatch(pen, *s, (x, y), sw)?;
        pen.text(label, (tx, y), fs, muted, HPos::Left, VPos::Center, false)?;
    }
    Ok(())
}

fn draw_swatch<B: DrawingBackend>(pen: &Pen<B>, s: Swatch, p: Px, w: i32) -> DResult {
    let h = (w * 2 / 3).max(4);
    let (x0, x1, yc) = (p.0, p.0 + w, p.1);
    match s {
        Swatch::Box(c) => pen.fill_rect((x0, yc - h / 2), (x1, yc + h / 2), c),
        Swatch::Outline(c) => pen.stroke_rect((x0, yc - h / 2), (x1, yc + h / 2), c, 1),
        Swatch::Note | Swatch::Cont => Ok(()),
        Swatch::Line(c) => pen.line(&[(x0, yc), (x1, yc)], c, pen.px(2.0) as u32),
        Swatch::Dash(c) => pen.dashed((x0, yc), (x1, yc), c, pen.px(1.5) as u32, pen.px(4.0), pen.px(3.0)),
        Swatch::Dots(c) => pen.dotted((x0, yc), (x1, yc), c),
        Swatch::TriDown(c) => pen.triangle(((x0 + x1) / 2, yc), h / 2 + 1, true, c),
        Swatch::TriUp(c) => pen.triangle(((x0 + x1) / 2, yc), h / 2 + 1, false, c),
        Swatch::Diamond(c) => pen.polygon(&super::price::diamond(((x0 + x1) / 2, yc), h / 2), c),
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
    pen.place((f.x0, f.y0), (f.x1, f.y1), "panel");
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

/// Decimals needed to print multiples of `step` exactly (at most 6).
pub(crate) fn step_decimals(step: f64) -> usize {
    (0..6)
        .find(|d| {
            let k = step * 10f64.powi(*d as i32);
            (k - k.round()).abs() < 1e-6 * k.abs().max(1.0)
        })
        .unwrap_or(6)
}

/// The line a tick label takes at text size `fs` (pixels): its line box (ascent + descent)
/// and 2 pixels between neighbours. One rule for the tick spacing of [`widen_to_ticks`] and
/// [`value_ticks`] and for the lower panels' minimum height.
pub(crate) fn tick_line_h(fs: f64) -> f64 {
    let vm = super::text::vmetrics(fs, false);
    (vm.ascent + vm.descent).ceil() + 2.0
}

/// How far (pixels) a tick label's centre must be from a value tag's centre so that the tick
/// label's line box and the tag's box (its bold line box plus a 2-design-pixel pad above and
/// below, as [`draw_tag`] draws it) do not touch: one rule for [`value_ticks`] and
/// [`draw_y_axis`]. `fs` is the tick text size in pixels (the pen's scale is `fs / FS_TICK`).
pub(crate) fn tag_clearance(fs: f64) -> i32 {
    let lh = |bold: bool| {
        let vm = super::text::vmetrics(fs, bold);
        (vm.ascent + vm.descent).ceil() as i32
    };
    let pad = ((2.0 * fs / FS_TICK).round() as i32).max(1);
    lh(false) / 2 + lh(true) / 2 + pad + 2
}

/// Step multipliers of a power of ten for value ticks, finest first: 1-2-5 steps (and 2.5, for
/// 25s on a rebased scale); a reader adds 7.5s or 3s up with effort.
const NICE_MULTS: [f64; 4] = [1.0, 2.0, 2.5, 5.0];
/// The set tried (with smaller gaps) when no step of [`NICE_MULTS`] leaves three labels clear of
/// the tags: the same steps.
const STEP_MULTS: [f64; 4] = NICE_MULTS;

/// The most labelled value ticks a panel gets while a step with fewer passes [`value_ticks`]'s
/// checks: a tall printed panel labelled every step a line apart read as a crowded scale.
pub const MAX_VALUE_TICKS: usize = 8;

/// Value ticks for a frame, always evenly spaced: the finest step of 1, 2, 2.5 or 5 × 10^k
/// whose labels (at `fs`) keep a gap of at least 1.25 lines (and about a sixth
/// of the panel), with at least three labelled ticks inside `[ymin, ymax]` once ticks near an
/// `avoid` y (a tag, see [`tag_clearance`]) are left out, and (when such a step exists) one
/// labelled tick within three lines of the first tag. Short panels relax the gap to one line
/// box; tiny ones fall back to three ticks one rounded step apart (still evenly spaced).
pub(crate) fn value_ticks(f: &Frame, fs: f64, avoid: &[i32]) -> (Vec<f64>, usize) {
    let span = f.ymax - f.ymin;
    let h = f.height() as f64;
    if !(span.is_finite() && span > 0.0 && h > 0.0) {
        return (Vec::new(), 0);
    }
    on_step_ticks(f, fs, avoid).unwrap_or_else(|| off_step_ticks(f, fs, avoid))
}

/// Widens a short panel's y range (never narrows it) to whole multiples of the finest 1, 2,
/// 2.5 or 5 × 10^k step that then gives at least three labels a line box apart, when
/// [`value_ticks`] would otherwise fall back to ticks off the multiples of their step
/// ("3.6B / 4.1B / 4.6B", "1.75 / −0.75 / −3.25"). Call it after setting the range and before
/// drawing; a panel with on-step ticks is left as it is.
pub(crate) fn widen_to_ticks(f: &mut Frame, fs: f64, avoid: &[i32]) {
    let span = f.ymax - f.ymin;
    let h = f.height() as f64;
    if !(span.is_finite() && span > 0.0 && h > 0.0) || on_step_ticks(f, fs, avoid).is_some() {
        return;
    }
    let line_h = tick_line_h(fs);
    let mag = 10f64.powf(span.log10().floor());
    for k in -2..=1 {
        for m in NICE_MULTS {
            let step = m * mag * 10f64.powi(k);
            // A bound already on a multiple (a volume panel's 0) stays where it is.
            let (lo, hi) = ((f.ymin / step + 1e-9).floor() * step, (f.ymax / step - 1e-9).ceil() * step);
            let n = ((hi - lo) / step).round() as i64 + 1;
            if (3..=12).contains(&n) && step / (hi - lo) * h >= line_h {
                let g = Frame { ymin: lo, ymax: hi, ..*f };
                if on_step_ticks(&g, fs, avoid).is_some() {
                    f.ymin = lo;
                    f.ymax = hi;
                    return;
                }
            }
        }
    }
}

/// The least height (pixels, from `h0` up to `max_h` in steps of 2) at which [`widen_to_ticks`]
/// leaves the range `ymin..ymax` no more than `growth` times as wide, or `max_h` when none does:
/// a short panel of a series far from zero (weekly OBV 1.5B–4.6B) widened to "0 / 2B / 4B / 6B"
/// and flattened its line (review 16).
pub(crate) fn height_for_ticks(ymin: f64, ymax: f64, fs: f64, h0: i32, max_h: i32, growth: f64) -> i32 {
    let span = ymax - ymin;
    if !(span.is_finite() && span > 0.0) {
        return h0;
    }
    let mut h = h0.max(1);
    while h < max_h {
        let mut f = Frame { x0: 0, y0: 0, x1: 100, y1: h, xmin: 0.0, xmax: 1.0, ymin, ymax };
        widen_to_ticks(&mut f, fs, &[]);
        if f.ymax - f.ymin <= growth * span {
            return h;
        }
        h += 2;
    }
    max_h.max(h0)
}

/// Ticks on multiples of a 1, 2, 2.5 or 5 × 10^k step (see [`value_ticks`]), if any step fits.
fn on_step_ticks(f: &Frame, fs: f64, avoid: &[i32]) -> Option<(Vec<f64>, usize)> {
    let span = f.ymax - f.ymin;
    let h = f.height() as f64;
    let clear = tag_clearance(fs);
    let shown = |v: f64| {
        let y = f.fy(v);
        !avoid.iter().any(|a| (a - y).abs() < clear)
    };
    let line_h = tick_line_h(fs);
    let mag = 10f64.powf(span.log10().floor());
    // With a tag (the last price), first look for ticks that also label a value within three
    // lines of it, so the price can be read against the scale; then without.
    let near = |t: &[f64]| {
        avoid.first().is_none_or(|a| {
            t.iter().any(|v| {
                *v >= f.ymin && *v <= f.ymax && shown(*v) && (f.fy(*v) - a).abs() <= (3.0 * fs) as i32
            })
        })
    };
    let passes: [(f64, bool, &[f64]); 7] = [
        ((fs * 1.25).max(h / 6.0), true, &NICE_MULTS),
        (fs * 1.25, true, &NICE_MULTS),
        ((fs * 1.25).max(h / 6.0), false, &NICE_MULTS),
        (fs * 1.25, false, &NICE_MULTS),
        (line_h, false, &NICE_MULTS),
        (fs * 1.25, false, &STEP_MULTS),
        (line_h, false, &STEP_MULTS),
    ];
    // The labelled ticks should cover the range: the lowest within 30% of the span from the
    // bottom and the highest within 30% from the top (a badge at the latest value, often an
    // extreme, hides the ticks next to it; a finer step then labels past it). Every pass is
    // tried with that first, then without.
    let covers = |t: &[f64]| {
        let lab: Vec<f64> = t.iter().copied().filter(|v| *v >= f.ymin && *v <= f.ymax && shown(*v)).collect();
        let (a, b) = lab.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(*v), b.max(*v)));
        a - f.ymin <= 0.3 * span && f.ymax - b <= 0.3 * span
    };
    // First of all, a step none of whose ticks a tag hides (a tick label missing beside the
    // price tag reads as a hole in the scale, issue 13); then one that hides some.
    let all_shown = |t: &[f64]| t.iter().filter(|v| **v >= f.ymin && **v <= f.ymax).all(|v| shown(*v));
    let tiers = [(true, true), (false, true), (false, false)];
    // At most MAX_VALUE_TICKS labelled ticks a panel first (issue 13: the PDF's 3-day price axis
    // printed fifteen, 190 to 330 by tens, where every tier's finest pass went to the finest step
    // that kept the tag clear); any count only when no step passes so.
    let inside = |t: &[f64]| t.iter().filter(|v| **v >= f.ymin && **v <= f.ymax && shown(**v)).count();
    let mut order = Vec::with_capacity(2 * tiers.len() * passes.len());
    for capped in [true, false] {
        for c in tiers {
            order.extend(passes.iter().map(|(g, n, m)| (capped, *g, *n, *m, c)));
        }
    }
    for (capped, min_gap, want_near, mults, (want_all, want_cover)) in order {
        if (want_near || want_all) && avoid.is_empty() {
            continue;
        }
        for k in -3..=1 {
            for m in mults {
                let step = m * mag * 10f64.powi(k);
                if step / span * h < min_gap {
                    continue;
                }
                let first = (f.ymin / step - 1e-9).ceil() as i64;
                let last = (f.ymax / step + 1e-9).floor() as i64;
                if last - first > 40 {
                    continue;
                }
                let t: Vec<f64> =
                    (first..=last).map(|i| if i == 0 { 0.0 } else { i as f64 * step }).collect();
                if t.iter().filter(|v| shown(**v)).count() >= 3
                    && (!capped || inside(&t) <= MAX_VALUE_TICKS)
                    && (!want_all || all_shown(&t))
                    && (!want_near || near(&t))
                    && (!want_cover || covers(&t))
                {
                    return Some((t, step_decimals(step)));
                }
            }
        }
    }
    None
}

/// The fallbacks of [`value_ticks`] when no step's multiples fit.
fn off_step_ticks(f: &Frame, fs: f64, avoid: &[i32]) -> (Vec<f64>, usize) {
    let span = f.ymax - f.ymin;
    let h = f.height() as f64;
    let clear = tag_clearance(fs);
    let shown = |v: f64| {
        let y = f.fy(v);
        !avoid.iter().any(|a| (a - y).abs() < clear)
    };
    let line_h = tick_line_h(fs);
    let mag = 10f64.powf(span.log10().floor());
    // Evenly spaced ticks not on multiples of their step (a short panel whose tag hides the
    // multiples): each step at least a line box apart, its ticks offset by half or a quarter of
    // it, the first set with three labels clear of the tags.
    for k in -3..=1 {
        for m in STEP_MULTS {
            let step = m * mag * 10f64.powi(k);
            if step / span * h < line_h {
                continue;
            }
            for div in [2.0, 4.0, 5.0] {
                let a = step / div;
                for j in 1..div as i64 {
                    let t0 = ((f.ymin / step - 1e-9).floor() * step) + j as f64 * a;
                    let t: Vec<f64> = (0..40)
                        .map(|i| t0 + i as f64 * step)
                        .take_while(|v| *v <= f.ymax + 1e-9 * span)
                        .filter(|v| *v >= f.ymin - 1e-9 * span)
                        .collect();
                    if t.iter().filter(|v| shown(**v)).count() >= 3 {
                        return (t, step_decimals(a));
                    }
                }
            }
        }
    }
    // Three ticks one rounded step apart (about 0.3 of the span), ignoring the tags.
    let p = 10f64.powf((span * 0.3).log10().floor());
    let q = STEP_MULTS.iter().rev().map(|m| m * p).find(|s| *s <= span * 0.3).unwrap_or(p);
    let t0 = ((f.ymin + span * 0.1) / (q / 10.0)).ceil() * (q / 10.0);
    ((0..3).map(|k| t0 + k as f64 * q).collect(), step_decimals(q / 10.0))
}

/// Pixel ys for tags on the right axis at `values`, pushed apart so that none overlap.
pub(crate) fn tag_positions<B: DrawingBackend>(pen: &Pen<B>, f: &Frame, values: &[f64]) -> Vec<i32> {
    let h = pen.text_size("0", pen.fs(FS_TICK), true).1 + pen.px(4.0);
    let mut idx: Vec<usize> = (0..values.len()).collect();
    let ys: Vec<i32> = values.iter().map(|v| f.fy(*v)).collect();
    idx.sort_by_key(|&i| (ys[i], i));
    let mut pos: Vec<i32> = idx.iter().map(|&i| ys[i]).collect();
    for k in 1..pos.len() {
        pos[k] = pos[k].max(pos[k - 1] + h);
    }
    let mut out = vec![0; values.len()];
    for (k, &i) in idx.iter().enumerate() {
        out[i] = pos[k];
    }
    out
}

/// Pixels [`end_tags`] needs right of the last point for tags reading `texts`.
pub(crate) fn end_tags_room<B: DrawingBackend>(pen: &Pen<B>, texts: &[&str]) -> i32 {
    let fs = pen.fs(FS_TICK);
    let w = texts.iter().map(|s| pen.text_size(s, fs, true).0 + pen.px(8.0)).max().unwrap_or(0);
    pen.px(7.0) + w + pen.px(3.0)
}

/// The right padding in x units that leaves `room` pixels of the plot `x` (pixel span) right of
/// the last x, `span` x units from the left edge; at least `min_pad`, and never more than the
/// data span (a plot too narrow for the room keeps at least half its width for the data).
pub(crate) fn right_pad(x: (i32, i32), span: f64, room: i32, min_pad: f64) -> f64 {
    let w = (x.1 - x.0) as f64;
    let p = room as f64 + 1.0;
    let pad = if w > 2.0 * p { p * span / (w - p) } else { span };
    pad.max(min_pad)
}

/// Latest-value dots and their tags right of the last point, in the plot's right padding (room
/// from [`end_tags_room`] and [`right_pad`]), where no line runs: each tag at its point's height
/// when it can, the tags stacked in the order of their points (a higher point's tag never under
/// a lower one's), pushed apart so that none overlap and off the horizontal `rules` (a tag on a
/// threshold reads as its value), with a leader to its point when moved off it. `tags` are
/// (point, value, text, colour); ties in height put the higher value on top. The layout records
/// each tag's point (`tagdot`) right before its tag.
pub(crate) fn end_tags<B: DrawingBackend>(
    pen: &Pen<B>,
    f: &Frame,
    tags: &[(Px, f64, String, RGBAColor)],
    rules: &[i32],
) -> DResult {
    if tags.is_empty() {
        return Ok(());
    }
    let fs = pen.fs(FS_TICK);
    let gap = pen.px(2.0);
    let h = tags.iter().map(|t| pen.text_size(&t.2, fs, true).1).max().unwrap_or(0) + pen.px(4.0);
    let x0 = tags.iter().map(|t| t.0 .0).max().unwrap_or(f.x0) + pen.px(7.0);
    let mut order: Vec<usize> = (0..tags.len()).collect();
    order.sort_by(|&i, &j| {
        tags[i].0 .1.cmp(&tags[j].0 .1).then(tags[j].1.total_cmp(&tags[i].1)).then(i.cmp(&j))
    });
    let (top, bottom) = (f.y0 + h / 2 + pen.px(2.0), f.y1 - h / 2 - pen.px(2.0));
    let m = order.len() as i32;
    let on_rule = |y: i32| rules.iter().any(|r| *r >= y - h / 2 - gap && *r <= y + h / 2 + gap);
    let mut ys = vec![0; tags.len()];
    let mut prev: Option<i32> = None;
    for (k, &i) in order.iter().enumerate() {
        // Below the tag above it, and high enough to leave room for the tags still to come.
        let lo = prev.map_or(top, |p| p + h + gap).max(top);
        let hi = (bottom - (m - 1 - k as i32) * (h + gap)).max(lo);
        let want = tags[i].0 .1.clamp(lo, hi);
        // The nearest height in range off every rule; else the nearest in range.
        let y = (0..=(hi - lo))
            .flat_map(|d| [want - d, want + d])
            .find(|y| (lo..=hi).contains(y) && !on_rule(*y))
            .unwrap_or(want);
        ys[i] = y;
        prev = Some(y);
    }
    for (i, (dot, _, text, col)) in tags.iter().enumerate() {
        let y = ys[i];
        pen.circle(*dot, pen.px(3.0), *col, true, 1)?;
        if (y - dot.1).abs() > h / 2 - pen.px(2.0) {
            // A leader from the point to the tag's left end, at the tag's height.
            let (ex, ey) = (x0 - pen.px(1.0), y);
            pen.line(&[*dot, (ex, ey)], *col, 1)?;
            pen.place((dot.0.min(ex), dot.1.min(ey)), (dot.0.max(ex) + 1, dot.1.max(ey) + 1), "tagleader");
        }
        pen.place((dot.0 - 1, dot.1 - 1), (dot.0 + 1, dot.1 + 1), "tagdot");
        draw_tag_at(pen, x0, y, text, *col)?;
    }
    Ok(())
}

/// A value tag on the right axis centred at pixel `y`: `text` in the background colour on a box
/// of `color`.
pub(crate) fn draw_tag<B: DrawingBackend>(
    pen: &Pen<B>,
    f: &Frame,
    y: i32,
    text: &str,
    color: RGBAColor,
) -> DResult {
    draw_tag_at(pen, f.x1 + pen.px(1.0), y, text, color)
}

/// A value tag like [`draw_tag`] with its left edge at pixel `x0`.
pub(crate) fn draw_tag_at<B: DrawingBackend>(
    pen: &Pen<B>,
    x0: i32,
    y: i32,
    text: &str,
    color: RGBAColor,
) -> DResult {
    let fs = pen.fs(FS_TICK);
    let (tw, th) = pen.text_size(text, fs, true);
    let y0 = y - th / 2 - pen.px(2.0);
    let b = (x0 + tw + pen.px(8.0), y0 + th + pen.px(4.0));
    pen.fill_rect((x0, y0), b, color)?;
    pen.place((x0, y0), b, "tag");
    pen.text(text, (x0 + pen.px(4.0), y), fs, pen.pal.bg.to_rgba(), HPos::Left, VPos::Center, true)
}

fn tick_labels(ticks: &[f64], dec: usize, fmt: TickFmt) -> Vec<String> {
    match fmt {
        TickFmt::Fixed => ticks.iter().map(|v| fmt_fixed(*v, dec)).collect(),
        TickFmt::Suffix(s) => ticks.iter().map(|v| format!("{}{s}", fmt_fixed(*v, dec))).collect(),
        TickFmt::Count => fmt_count_ticks(ticks),
    }
}

/// Width in pixels of the widest tick label [`draw_y_axis`] prints for `f` with no tags (its
/// y range only matters).
pub(crate) fn tick_labels_width<B: DrawingBackend>(pen: &Pen<B>, f: &Frame, fmt: TickFmt) -> i32 {
    let fs = pen.fs(FS_TICK);
    let (ticks, dec) = value_ticks(f, fs, &[]);
    tick_labels(&ticks, dec, fmt).iter().map(|l| pen.text_size(l, fs, false).0).max().unwrap_or(0)
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
    let (ticks, dec) = value_ticks(f, fs, avoid);
    let labels = tick_labels(&ticks, dec, fmt);
    let grid = pen.pal.grid.to_rgba();
    let muted = pen.pal.muted.to_rgba();
    let half = pen.text_size("0", fs, false).1 / 2;
    let mut labelled = 0;
    for (v, l) in ticks.iter().zip(labels) {
        let y = f.fy(*v);
        if y < f.y0 || y > f.y1 {
            continue;
        }
        if y > f.y0 && y < f.y1 {
            pen.line(&[(f.x0, y), (f.x1, y)], grid, 1)?;
        }
        if avoid.iter().any(|a| (a - y).abs() < tag_clearance(fs)) {
            continue;
        }
        pen.line(&[(f.x1, y), (f.x1 + pen.px(3.0), y)], pen.pal.frame.to_rgba(), 1)?;
        let x = f.x1 + pen.px(5.0);
        pen.text(&l, (x, y), fs, muted, HPos::Left, VPos::Center, false)?;
        pen.place((x, y - half), (x + pen.text_size(&l, fs, false).0, y + half), "tick");
        labelled += 1;
    }
    pen.axes.borrow_mut().push(labelled);
    Ok(())
}

/// Marks a horizontal level that lies outside the frame's range: a small arrow at the top or
/// bottom edge (at pixel x `x`) pointing toward it, and a label with its value. The frame is
/// not rescaled for it.
pub(crate) fn draw_offscale<B: DrawingBackend>(
    pen: &Pen<B>,
    f: &Frame,
    x: i32,
    v: f64,
    text: &str,
    color: RGBAColor,
) -> DResult {
    let up = v > f.ymax;
    let r = pen.px(5.0);
    let (ya, anchor_v) =
        if up { (f.y0 + r + pen.px(2.0), VPos::Top) } else { (f.y1 - r - pen.px(2.0), VPos::Bottom) };
    pen.triangle((x, ya), r, !up, color)?;
    pen.place((x - r, ya - r), (x + r, ya + r), "marker");
    let arrow = if up { "↑" } else { "↓" };
    let fs = pen.fs(FS_NOTE);
    // The arrow follows the level's own value (the text up to its first comma: "OBV line
    // 3.20B ↑, OBV 0.29B under it"); a text wider than the plot (a phone) drops what follows.
    let mut t = match text.split_once(", ") {
        Some((head, tail)) => format!("{head} {arrow}, {tail}"),
        None => format!("{text} {arrow}"),
    };
    let max_w = (f.x1 - f.x0) - pen.px(12.0);
    if pen.text_size(&t, fs, false).0 > max_w {
        if let Some((head, _)) = text.split_once(", ") {
            t = format!("{head} {arrow}");
        }
    }
    if pen.text_size(&t, fs, false).0 > max_w {
        let aw = pen.text_size(&format!(" {arrow}"), fs, false).0;
        t = format!("{} {arrow}", fit_width(pen, text, fs, max_w - aw));
    }
    let bg = Palette::alpha(pen.pal.panel, 0.88);
    let yl = if up { f.y0 + pen.px(2.0) } else { f.y1 - pen.px(2.0) };
    // Beside the arrow first, then sliding along the edge and stepping inward, nearest first;
    // a label away from the arrow gets a leader to it.
    let mut cands = vec![
        ((x - r - pen.px(4.0), yl), HPos::Right, anchor_v),
        ((x + r + pen.px(4.0), yl), HPos::Left, anchor_v),
    ];
    let step = fs as i32 + pen.px(4.0);
    let kmax = (f.height() / step).clamp(1, 8);
    // Rows from the arrow's edge inward, then rows from the far edge (text top or bottom at it).
    let far = if up { f.y1 - pen.px(2.0) } else { f.y0 + pen.px(2.0) };
    let far_v = if up { VPos::Bottom } else { VPos::Top };
    let rows = (0..kmax)
        .map(|k| (if up { yl + k * step } else { yl - k * step }, anchor_v, k))
        .chain((0..2).map(|k| (if up { far - k * step } else { far + k * step }, far_v, 1)));
    for (y, anchor_v, k) in rows {
        for j in 1..16 {
            let dx = j * (f.x1 - f.x0) / 16;
            cands.push(((x - r - pen.px(4.0) - dx, y), HPos::Right, anchor_v));
            cands.push(((x + r + pen.px(4.0) + dx, y), HPos::Left, anchor_v));
        }
        if k > 0 {
            cands.push(((x - r - pen.px(4.0), y), HPos::Right, anchor_v));
            cands.push(((x + r + pen.px(4.0), y), HPos::Left, anchor_v));
        }
        // Against either side of the plot (a label wider than the room beside the arrow).
        cands.push(((f.x0 + pen.px(4.0), y), HPos::Left, anchor_v));
        cands.push(((f.x1 - pen.px(4.0), y), HPos::Right, anchor_v));
    }
    // A long text (a level's value and what it says: "OBV line 3.20B ↑, OBV 0.31B under it")
    // that has no clear place keeps its head, the level and its value.
    let bounds = ((f.x0, f.y0), (f.x1, f.y1));
    if !pen.fits_clear(&t, &cands, fs, bounds) {
        if let Some((head, _)) = text.split_once(", ") {
            let short = format!("{head} {arrow}");
            if pen.fits_clear(&short, &cands, fs, bounds) {
                t = short;
            }
        }
    }
    pen.label_fit(&t, &cands, Some((x, ya)), fs, color, bg, bounds)?;
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
    /// Where the drawn line starts, as a fraction of the plot width from the left (0 for a line
    /// across the plot; the daily level stubs and the risk lines start further right): the
    /// label slides left along the line only as far as the line is drawn.
    pub from: f64,
}

/// Labels of the same colour whose lines lie closer than a label's height cannot each sit next
/// to their own line: they merge into one label at the uppermost line, joining their texts when
/// short enough, else listing the values ("246.78 / 248.48 / 252.49 levels"; the text before
/// the first space is taken as the value).
fn merge_close<B: DrawingBackend>(pen: &Pen<B>, f: &Frame, labels: &[EdgeLabel]) -> Vec<EdgeLabel> {
    let h = pen.text_size("0", pen.fs(FS_NOTE), false).1 + pen.px(2.0);
    let mut idx: Vec<usize> = (0..labels.len()).filter(|i| f.contains_y(labels[*i].y)).collect();
    idx.sort_by(|a, b| labels[*b].y.total_cmp(&labels[*a].y).then(a.cmp(b)));
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for i in idx {
        match groups.last_mut() {
            Some(g)
                if labels[g[g.len() - 1]].color == labels[i].color
                    && (f.fy(labels[i].y) - f.fy(labels[g[g.len() - 1]].y)).abs() < h =>
            {
                g.push(i)
            }
            _ => groups.push(vec![i]),
        }
    }
    let mut out = off_panel_notes(labels.iter().filter(|l| !f.contains_y(l.y) && l.y.is_finite()), f);
    for g in groups {
        if g.len() == 1 {
            out.push(labels[g[0]].clone());
            continue;
        }
        // Whole texts when they fit in about half the plot, else the values only.
        let mut full: Vec<&str> = g.iter().map(|i| labels[*i].text.as_str()).collect();
        full.reverse();
        let joined = full.join(" / ");
        let text = if pen.text_size(&joined, pen.fs(FS_NOTE), false).0 <= (f.x1 - f.x0) / 2 {
            joined
        } else {
            // Each label's value: its first word that reads as a number ("risk level 290.68 …"
            // gives 290.68), else its first word.
            let vals: Vec<&str> = full
                .iter()
                .map(|t| {
                    t.split(' ')
                        .find(|w| w.replace(',', "").parse::<f64>().is_ok())
                        .unwrap_or_else(|| t.split(' ').next().unwrap_or(""))
                        // Without the comma that joined the rest ("20-day avg 244.73, and 1
                        // more" gave "3 levels 244.73,–248.48").
                        .trim_end_matches(',')
                })
                .collect();
            // At most the width a label keeps whole when drawn ([`draw_edge_labels`] cuts a wider
            // one to its first value: QQQ's phone chart named one of four levels, "686.37").
            let list = format!("{} levels", vals.join(" / "));
            if pen.text_size(&list, pen.fs(FS_NOTE), false).0 <= (f.x1 - f.x0) * 6 / 10 {
                list
            } else {
                // Too many for the width (a phone): the count and the span.
                format!("{} levels {}–{}", vals.len(), vals[0], vals[vals.len() - 1])
            }
        };
        let from = g.iter().map(|i| labels[*i].from).fold(1.0, f64::min);
        out.push(EdgeLabel { y: labels[g[0]].y, text, color: labels[g[0]].color, from });
    }
    out
}

/// Lines beyond the frame's range, one edge note each; two or more of one colour on one side
/// become one compact note naming their count and range ("6 levels above 150.1–170.6", drawn
/// with its arrow), never an arrow and label per level.
fn off_panel_notes<'a>(labels: impl Iterator<Item = &'a EdgeLabel>, f: &Frame) -> Vec<EdgeLabel> {
    let mut out: Vec<EdgeLabel> = Vec::new();
    let mut groups: Vec<(bool, RGBAColor, Vec<&EdgeLabel>)> = Vec::new();
    for l in labels {
        let up = l.y > f.ymax;
        match groups.iter_mut().find(|(u, c, _)| *u == up && *c == l.color) {
            Some((_, _, g)) => g.push(l),
            None => groups.push((up, l.color, vec![l])),
        }
    }
    for (up, color, g) in groups {
        if g.len() == 1 {
            out.push(g[0].clone());
            continue;
        }
        let (lo, hi) =
            g.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), l| (a.min(l.y), b.max(l.y)));
        let side = if up { "above" } else { "below" };
        // Prices as the note prints them, as every other level label does.
        let text = format!("{} levels {side} {}–{}", g.len(), crate::fmt::price(lo), crate::fmt::price(hi));
        // At the nearest of them: the arrow points from the edge toward the run.
        let y = if up { lo } else { hi };
        let from = g.iter().map(|l| l.from).fold(1.0, f64::min);
        out.push(EdgeLabel { y, text, color, from });
    }
    out
}

/// Draws each label next to its horizontal line through the layout pass: just above or just
/// below the line (never across it), at the right end first, then further left, avoiding placed
/// labels, markers and candles; a label that had to move gets a leader to its line's right end.
/// Lines outside the frame's range get an edge arrow instead ([`draw_offscale`]).
pub(crate) fn draw_edge_labels<B: DrawingBackend>(pen: &Pen<B>, f: &Frame, labels: &[EdgeLabel]) -> DResult {
    let fs = pen.fs(FS_NOTE);
    let bg = Palette::alpha(pen.pal.panel, 0.88);
    let gap = pen.px(2.0);
    let inset = pen.px(4.0);
    let w = f.x1 - f.x0;
    let merged = merge_close(pen, f, labels);
    let rows: Vec<i32> = merged.iter().filter(|l| f.contains_y(l.y)).map(|l| f.fy(l.y)).collect();
    for l in &merged {
        if !l.y.is_finite() {
            continue;
        }
        if !f.contains_y(l.y) {
            draw_offscale(pen, f, f.x1 - pen.px(10.0), l.y, &l.text, l.color)?;
            continue;
        }
        let y = f.fy(l.y);
        // A label wider than most of the plot (a long name on a phone) is cut with an ellipsis.
        // A label wider than 60% of the plot (a long name on a phone) keeps the words up to its
        // value ("risk level 290.68"); anything still too wide is cut with an ellipsis.
        // A run's span ("4 levels 686.37–718.29") is never cut to its count.
        let mut text = l.text.clone();
        if pen.text_size(&text, fs, false).0 > (f.x1 - f.x0) * 6 / 10 && !text.contains('–') {
            let words: Vec<&str> = text.split(' ').collect();
            if let Some(k) = words.iter().position(|w| w.replace(',', "").parse::<f64>().is_ok()) {
                // Without the comma that joined the rest ("20-day avg 295.86, and 1 more").
                text = words[..=k].join(" ").trim_end_matches(',').to_string();
            }
        }
        let text = fit_width(pen, &text, fs, (f.x1 - f.x0) * 9 / 10);
        // Next to the line first (right end, then further left), then stacked further away with
        // a leader, nearest first.
        let step = fs as i32 + pen.px(6.0);
        let mut cands = Vec::new();
        let kmax = (f.height() / step).max(1);
        // Nearest first: j steps left plus two per step k away from the line (sliding along
        // the line reads better than a leader).
        // A line drawn over part of the plot only (level stubs, risk lines): beside its start,
        // on the line, is the next best place after the right end (it reads as the line's name,
        // no leader).
        // On a narrow plot (a phone: a stub is a few bars wide and no label fits over it) the
        // label slides freely along the plot, nearest first.
        let wide = (w as f64 / pen.s) >= 450.0;
        let from = if wide { l.from.clamp(0.0, 1.0) } else { 0.0 };
        let xs = f.x0 + (from * w as f64) as i32;
        let beside = (wide && xs - pen.px(6.0) - pen.text_size(&text, fs, false).0 > f.x0 + inset)
            .then_some(((xs - pen.px(6.0), y), HPos::Right, VPos::Center));
        let mut late = Vec::new();
        // On a narrow plot every place beside the line (anywhere along it, down to flush with
        // the plot's left edge) comes before any place a step away, and so on step by step: a
        // phone's eight-step slide reached too little of the width (now sixteen steps and the
        // left edge), so crowded lines sent
        // their labels several steps off (2026-07-24: "20-day avg" about 35 points under its
        // line, "squeeze top" 35 over it).
        // Where the line is drawn on this row (a level stub, a risk line from its swing, a
        // zone's top from its first bar): on a narrow plot a label left of it may sit across the
        // row itself, where no line is drawn, and gets a guide to the line's start (review 29:
        // "20-day avg 295.86" at the plot's left edge, its stub at the right, read as no line's).
        let line_from = (!wide)
            .then(|| {
                pen.placed
                    .borrow()
                    .iter()
                    .filter(|q| q.kind == "levelline" && q.a.1 <= y && y <= q.b.1)
                    .map(|q| q.a.0)
                    .min()
            })
            .flatten();
        let tw = pen.text_size(&text, fs, false).0;
        // Beside the line, a few pixels of slack either way (three lines 14 px apart on the
        // 2026-07-24 phone daily left no place a label height tall that touched none of the
        // others' boxes).
        let across = [0, -pen.px(1.5), pen.px(1.5), -pen.px(3.0), pen.px(3.0)];
        for k in (0..=kmax).filter(|_| !wide) {
            let dy = k * step;
            let slack: &[i32] = if k == 0 { &[0, pen.px(1.5)] } else { &[0] };
            for j in 0..16 {
                let x = f.x1 - inset - j * w / 16;
                if line_from.is_some_and(|x0| k == 0 && x + pen.px(3.0) + pen.px(6.0) <= x0) {
                    cands.extend(across.iter().map(|o| ((x, y + o), HPos::Right, VPos::Center)));
                }
                for e in slack {
                    cands.push(((x, y - gap - dy - e), HPos::Right, VPos::Bottom));
                    cands.push(((x, y + gap + dy + e), HPos::Right, VPos::Top));
                }
            }
            if line_from.is_some_and(|x0| k == 0 && f.x0 + inset + tw + pen.px(3.0) + pen.px(6.0) <= x0) {
                cands.extend(across.iter().map(|o| ((f.x0 + inset, y + o), HPos::Left, VPos::Center)));
            }
            cands.push(((f.x0 + inset, y - gap - dy), HPos::Left, VPos::Bottom));
            cands.push(((f.x0 + inset, y + gap + dy), HPos::Left, VPos::Top));
        }
        for d in (0..=(2 * kmax + 7)).filter(|_| wide) {
            if d == 1 {
                cands.extend(beside);
            }
            // A line across the plot (a zone or cluster top) prefers the right end, stepped
            // away from the line with a short leader, to sliding far along it (its name then
            // sits by the price tag); a stub's label slides along it first.
            let ks: Vec<i32> = if l.from == 0.0 {
                (0..=(d / 2).min(kmax)).rev().collect()
            } else {
                (0..=(d / 2).min(kmax)).collect()
            };
            for k in ks {
                let j = d - 2 * k;
                if j >= 8 {
                    continue;
                }
                let x = f.x1 - inset - j * w / 8;
                // The label's right end stays over the drawn line (it names that line); places
                // further left come last, for when nothing nearer is clear.
                let off = from > 0.0 && j > 0 && x < xs + pen.px(20.0);
                let dy = k * step;
                let to = if off { &mut late } else { &mut cands };
                to.push(((x, y - gap - dy), HPos::Right, VPos::Bottom));
                to.push(((x, y + gap + dy), HPos::Right, VPos::Top));
            }
        }
        cands.extend(late);
        // One layout pass for labels and their leaders: a place whose leader back to the line
        // would cross a placed label, tag, marker or leader comes after every other place, and
        // one whose leader crosses candles after every place whose leader is clear (each tier
        // in its own order). Leaders drawn are recorded, so later labels keep off them.
        let crosses = |(p, h, v): &(Px, HPos, VPos)| -> u8 {
            let (a, b) = pen.label_box(&text, *p, fs, *h, *v);
            if b.1 >= y - gap - 1 && a.1 <= y + gap + 1 {
                return 0;
            }
            let (ly, lx) = (if b.1 < y { b.1 } else { a.1 }, b.0 - pen.px(6.0));
            let seg = Placed { a: (lx, ly.min(y)), b: (lx + 1, ly.max(y)), kind: "" };
            let placed = pen.placed.borrow();
            let hit = |kinds: &[&str]| placed.iter().any(|q| kinds.contains(&q.kind) && q.hits(&seg));
            if hit(&["label", "tag", "marker", "leader"]) {
                2
            } else if hit(&["candle", "wick"]) {
                1
            } else {
                0
            }
        };
        // On a narrow plot, a place whose guide to the line's start would run through a placed
        // label, tag or marker comes after every other place.
        let guide_crosses = |(p, h, v): &(Px, HPos, VPos)| -> u8 {
            let (a, b) = pen.label_box(&text, *p, fs, *h, *v);
            // Nor across another labelled line's row (a label centred on its own row covered
            // the next line's, 14 px below, and that line's guide then ran through it).
            if rows.iter().any(|r| *r != y && a.1 < *r && *r < b.1) {
                return 1;
            }
            let Some(x0) = line_from else { return 0 };
            if b.0 + pen.px(4.0) >= x0 {
                return 0;
            }
            let seg = Placed { a: (b.0 - pen.px(6.0), y), b: (x0, y + 1), kind: "" };
            let placed = pen.placed.borrow();
            u8::from(placed.iter().any(|q| matches!(q.kind, "label" | "tag" | "marker") && q.hits(&seg)))
        };
        let mut tiered: Vec<(u8, usize, (Px, HPos, VPos))> = cands
            .into_iter()
            .enumerate()
            .map(|(k, c)| (if wide { crosses(&c) } else { guide_crosses(&c) }, k, c))
            .collect();
        tiered.sort_by_key(|(t, k, _)| (*t, *k));
        let cands: Vec<_> = tiered.into_iter().map(|(_, _, c)| c).collect();
        // On a narrow plot the Bollinger band crosses nearly every place beside a line; the
        // band only breaks ties in `label_fit`, so a place clear but for the band must not lose
        // to a clear place rows away (2026-07-24: "squeeze top 265.76" two rows off its line).
        let bounds = ((f.x0, f.y0), (f.x1, f.y1));
        let cands = match cands.iter().find(|c| !wide && pen.fits_clear(&text, &[**c], fs, bounds)) {
            Some(c) => vec![*c],
            None => cands,
        };
        let target = Some((f.x1 - inset, y));
        let bx = pen.label_fit(&text, &cands, None, fs, l.color, bg, ((f.x0, f.y0), (f.x1, f.y1)))?;
        // A label away from its line (not touching it) gets a leader back to it.
        let mut end = bx.1 .0;
        if target.is_some() && (bx.1 .1 < y - gap - 1 || bx.0 .1 > y + gap + 1) {
            let ly = if bx.1 .1 < y { bx.1 .1 } else { bx.0 .1 };
            let lx = bx.1 .0 - pen.px(6.0);
            pen.line(&[(lx, ly), (lx, y)], l.color, 1)?;
            pen.place_leader((lx, ly), (lx, y));
            end = lx;
        }
        // On a narrow plot, a label (or its leader) left of where its line is drawn: a faint
        // dotted guide along the row to the line's start, so the name reaches its line.
        if let Some(x0) = line_from.filter(|x0| *x0 > end + pen.px(4.0)) {
            let faint = RGBAColor(l.color.0, l.color.1, l.color.2, l.color.3 * 0.5);
            pen.dashed((end, y), (x0, y), faint, 1, pen.px(2.0), pen.px(3.0))?;
            pen.place_leader((end, y), (x0, y));
        }
    }
    Ok(())
}

/// `s` as is when it is at most `max_w` pixels wide at size `fs`, else cut at a character with
/// an ellipsis so that it is.
fn fit_width<B: DrawingBackend>(pen: &Pen<B>, s: &str, fs: f64, max_w: i32) -> String {
    if pen.text_size(s, fs, false).0 <= max_w {
        return s.to_string();
    }
    // Whole words first ("swing high +1" → "swing high"; the note lists every source), then a
    // cut with an ellipsis.
    let words: Vec<&str> = s.split_whitespace().collect();
    if let Some(t) =
        (1..words.len()).rev().map(|k| words[..k].join(" ")).find(|t| pen.text_size(t, fs, false).0 <= max_w)
    {
        return t;
    }
    let chars: Vec<char> = s.chars().collect();
    (1..chars.len())
        .rev()
        .map(|n| chars[..n].iter().collect::<String>().trim_end().to_string() + "…")
        .find(|t| pen.text_size(t, fs, false).0 <= max_w)
        .unwrap_or_else(|| "…".into())
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

/// A level named in the right-hand label column of a wide price panel (beside the value axis):
/// its short name and its value, formatted as the note formats it.
#[derive(Debug, Clone)]
pub(crate) struct ColLabel {
    /// Data y of the line.
    pub y: f64,
    /// Short name ("risk", "zone top", "SMA20 +2").
    pub name: String,
    /// Its values as the note prints them ([`crate::fmt::price`]), top first: one, or two when
    /// a swing high joins a level it nearly coincides with; joined with " · " only when drawn.
    pub values: Vec<String>,
    /// Colour of the line and the tag's text and border.
    pub color: RGBAColor,
    /// What a run of such levels is called when neighbouring tags join into one ("lost
    /// levels", "risk levels"): a joined tag always names its range.
    pub run: &'static str,
}

impl ColLabel {
    /// The values as the tag prints them ("231.46 · 231.08").
    pub fn value(&self) -> String {
        self.values.join(" · ")
    }

    /// True when one of the values is `v` as printed.
    pub fn names_value(&self, v: &str) -> bool {
        self.values.iter().any(|x| x == v)
    }
}

/// At most this many tags in a label column: past it, the closest neighbours of one kind join
/// into one tag naming their run ("lost levels 144.3–158.1"), so leaders stay short.
/// Five (review 19: six tags and the price tag stacked at the right of the short note's daily
/// chart read as a wall).
pub(crate) const MAX_COL_TAGS: usize = 5;

/// A run's tag text: its name and range at the note's precision (two decimals, as the text
/// prints every price) when that fits `max_w` pixels, else with the run's first word only
/// ("lost 186.90–188.50", "risk 168.90–171.80"); never fewer decimals (a reviewer found
/// "levels 238.6–239.3" beside a text quoting 238.63 and 239.29). Always its prices (issue 13:
/// "2 lost levels" or "both risk levels" told a reader how many levels, not where), never a
/// bare range (review 23). `lo` and `hi` are prices.
fn run_text<B: DrawingBackend>(pen: &Pen<B>, run: &str, (lo, hi): (f64, f64), max_w: i32) -> String {
    let fs = pen.fs(FS_TICK);
    let short = run.split(' ').next().unwrap_or(run);
    let at = |name: &str| format!("{name} {}–{}", crate::fmt::price(lo), crate::fmt::price(hi));
    let full = at(run);
    if pen.text_size(&full, fs, false).0 <= max_w {
        full
    } else {
        at(short)
    }
}

/// A tag of the label column after merging and spacing: its text, colour, the pixel ys of the
/// lines it names and the tag's centre y.
#[derive(Debug, Clone)]
pub(crate) struct ColTag {
    /// Text on the tag.
    pub text: String,
    /// Colour.
    pub color: RGBAColor,
    /// Pixel ys of the lines it names, top first (one, or a run of close levels).
    pub lines: Vec<i32>,
    /// Pixel y of the tag's centre.
    pub y: i32,
    /// Indices of the labels it names.
    members: Vec<usize>,
    /// Drawn in one box with the tag above it (its line within [`stack_gap`] of that tag's:
    /// two tags a cent apart read as one label, review 22), each keeping its own line of text
    /// and colour, with one leader for the box.
    pub stacked: bool,
}

impl ColTag {
    /// One tag naming the line at pixel `line`, centred at `y` (the line's y kept inside the
    /// panel), its text whole (not cut to the column cap): the OBV panel's line, sized by
    /// [`col_width_of`].
    pub(crate) fn single(text: String, color: RGBAColor, line: i32, y: i32) -> ColTag {
        ColTag { text, color, lines: vec![line], y, members: vec![0], stacked: false }
    }

    /// Pixel y where its leader starts: the middle of the lines it names.
    pub fn anchor(&self) -> i32 {
        (self.lines[0] + self.lines[self.lines.len() - 1]) / 2
    }
}

/// Widest tag text the label column takes, in design pixels (about "high 170.56 · 169.14" or
/// "squeeze top 265.76" at the tick size): wider merged texts stay separate tags, a longer
/// single name is cut. Keeps the right margin to a few bars plus the column (issue 13).
const COL_MAX_W: f64 = 124.0;

/// True when a label column `col_w` pixels wide shows `name value` whole on one tag (else
/// [`col_layout`] cuts the name, keeping its last part or the value alone).
pub(crate) fn col_shows_whole<B: DrawingBackend>(pen: &Pen<B>, col_w: i32, name: &str, value: &str) -> bool {
    let text_w = col_w - pen.px(13.0) - pen.px(10.0);
    let max_w = pen.px(COL_MAX_W).min(text_w.max(1));
    pen.text_size(&col_text(&[name], &[value]), pen.fs(FS_TICK), false).0 <= max_w
}

/// Gap between the plot's right edge and the column's tags, where short leaders turn: wide
/// enough that the slants of several tags pushed off their lines read as separate lines.
fn col_gap<B: DrawingBackend>(pen: &Pen<B>) -> i32 {
    pen.px(13.0)
}

fn col_text(names: &[&str], values: &[&str]) -> String {
    if values.windows(2).all(|w| w[0] == w[1]) {
        format!("{} {}", names.join(" · "), values.first().copied().unwrap_or(""))
    } else {
        names.iter().zip(values).map(|(n, v)| format!("{n} {v}")).collect::<Vec<_>>().join(" · ")
    }
}

/// Tag box height (as [`draw_tag`] draws it) at the tick size.
fn tag_h<B: DrawingBackend>(pen: &Pen<B>) -> i32 {
    pen.text_size("0", pen.fs(FS_TICK), true).1 + pen.px(4.0)
}

/// Spaces the tags (the classic block method): tags and the fixed tags in y order; overlapping
/// neighbours join a block, spaced `sep` apart and centred on their lines' mean, or pinned
/// where a fixed tag sits; free blocks are kept inside `lo..=hi`. True when every tag fits.
fn spread(tags: &mut [ColTag], fixed: &[i32], sep: i32, lo: i32, hi: i32) -> bool {
    // (target y, index into tags or None for a fixed tag)
    let mut items: Vec<(i32, Option<usize>)> =
        tags.iter().enumerate().map(|(k, t)| (t.anchor(), Some(k))).collect();
    items.extend(fixed.iter().map(|y| (*y, None)));
    items.sort_by_key(|(y, k)| (*y, k.is_none(), *k));
    let place = |first: usize, n: usize| -> i32 {
        match (first..first + n).find(|i| items[*i].1.is_none()) {
            Some(i) => items[i].0 - (i - first) as i32 * sep,
            None => {
                let sum: i64 =
                    (first..first + n).map(|i| (items[i].0 - (i - first) as i32 * sep) as i64).sum();
                let top = (sum / n as i64) as i32;
                top.clamp(lo, (hi - (n as i32 - 1) * sep).max(lo))
            }
        }
    };
    // Blocks as (first item, item count, top y).
    let mut blocks: Vec<(usize, usize, i32)> = (0..items.len()).map(|i| (i, 1, place(i, 1))).collect();
    loop {
        let clash = blocks.windows(2).position(|w| w[0].2 + w[0].1 as i32 * sep > w[1].2);
        let Some(k) = clash else { break };
        let (first, n) = (blocks[k].0, blocks[k].1 + blocks[k + 1].1);
        blocks[k] = (first, n, place(first, n));
        blocks.remove(k + 1);
    }
    let mut fits = true;
    for (first, n, top) in blocks {
        for (j, item) in items[first..first + n].iter().enumerate() {
            if let Some(k) = item.1 {
                let y = top + j as i32 * sep;
                tags[k].y = y;
                fits &= y >= lo && y <= hi;
            }
        }
    }
    fits
}

/// Lays out the label column of a price panel: labels whose lines lie within a tag's height
/// merge into one tag ("zone top · stop 144.30") when the merged text fits the column, the rest
/// stay separate; tags are then pushed apart (none overlap each other or a `fixed` tag centred
/// at one of those pixel ys, such as the last-price tag) inside the frame's height. When they
/// cannot all fit, the closest neighbouring tags of one colour join into one naming the run
/// ("lost levels 231.08–239.29", the run named by [`ColLabel::run`]) until they do and there
/// are at most [`MAX_COL_TAGS`]. Lines outside the frame's range are left out (they get an edge
/// arrow instead). `text_w` is the room for a tag's text (the column's width less its gap and
/// padding).
///
/// When the tags cannot all be kept off the fixed tags inside the frame's height (a column of
/// lost levels above a crash's close), they are laid out as if there were none.
pub(crate) fn col_layout<B: DrawingBackend>(
    pen: &Pen<B>,
    f: &Frame,
    labels: &[ColLabel],
    fixed: &[i32],
    text_w: i32,
) -> Vec<ColTag> {
    match col_layout_with(pen, f, labels, fixed, text_w) {
        (_, false) if !fixed.is_empty() => col_layout_with(pen, f, labels, &[], text_w).0,
        (tags, _) => tags,
    }
}

/// [`col_layout`] with the given fixed tags, and whether every tag fits inside the frame.
fn col_layout_with<B: DrawingBackend>(
    pen: &Pen<B>,
    f: &Frame,
    labels: &[ColLabel],
    fixed: &[i32],
    text_w: i32,
) -> (Vec<ColTag>, bool) {
    let fs = pen.fs(FS_TICK);
    let h = tag_h(pen);
    let max_w = pen.px(COL_MAX_W).min(text_w.max(1));
    let mut idx: Vec<usize> = (0..labels.len()).filter(|i| f.contains_y(labels[*i].y)).collect();
    idx.sort_by(|a, b| labels[*b].y.total_cmp(&labels[*a].y).then(a.cmp(b)));
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for i in idx {
        if let Some(g) = groups.last_mut() {
            let near = (f.fy(labels[i].y) - f.fy(labels[g[0]].y)).abs() < h;
            let mut names: Vec<&str> = g.iter().map(|k| labels[*k].name.as_str()).collect();
            let mut values: Vec<String> = g.iter().map(|k| labels[*k].value()).collect();
            names.push(&labels[i].name);
            values.push(labels[i].value());
            let values: Vec<&str> = values.iter().map(String::as_str).collect();
            if near && pen.text_size(&col_text(&names, &values), fs, false).0 <= max_w {
                g.push(i);
                continue;
            }
        }
        groups.push(vec![i]);
    }
    let mut tags: Vec<ColTag> = groups
        .iter()
        .map(|g| {
            let names: Vec<&str> = g.iter().map(|k| labels[*k].name.as_str()).collect();
            let values: Vec<String> = g.iter().map(|k| labels[*k].value()).collect();
            let values: Vec<&str> = values.iter().map(String::as_str).collect();
            // A single name too long for the column is cut ("volume no… 210.09"); its value
            // stays whole.
            let mut text = col_text(&names, &values);
            if pen.text_size(&text, fs, false).0 > max_w {
                let tail = format!(" {}", values.join(" · "));
                let room = max_w - pen.text_size(&tail, fs, false).0;
                // The last part of a joined name ("lower high · watch") is the lead's word:
                // kept alone when the whole does not fit, never cut to a dangling "·".
                let joined = names.join(" · ");
                let name = match joined.rsplit_once(" · ") {
                    Some((_, tag)) if pen.text_size(&joined, fs, false).0 > room => {
                        fit_width(pen, tag, fs, room)
                    }
                    _ => fit_width(pen, &joined, fs, room),
                };
                // A name cut to a stub ("wa… 756.68", review 17) says nothing: the values
                // alone, in the level's legend colour.
                let stub = name.ends_with('…') && name.chars().count() <= 5;
                text = if stub { values.join(" · ") } else { name + &tail };
            }
            let lines = vec![f.fy(labels[g[0]].y)];
            ColTag { text, color: labels[g[0]].color, y: lines[0], lines, members: g.clone(), stacked: false }
        })
        .collect();
    let (lo, hi) = (f.y0 + h / 2, (f.y1 - h / 2).max(f.y0 + h / 2));
    // Four design pixels between neighbouring tags when every tag fits so, unmerged (review
    // 24: at one, the column's boxes touched and read as one cramped block); else one, as
    // before, merging neighbours until they fit.
    let roomy = h + pen.px(4.0);
    let mut trial = tags.clone();
    let sep = if tags.len() <= MAX_COL_TAGS && spread(&mut trial, fixed, roomy, lo, hi) {
        tags = trial;
        roomy
    } else {
        h + pen.px(1.0)
    };
    let mut fits;
    loop {
        fits = spread(&mut tags, fixed, sep, lo, hi);
        if fits && tags.len() <= MAX_COL_TAGS {
            break;
        }
        // The neighbouring pair of one colour whose lines are closest.
        let pair = (0..tags.len().saturating_sub(1))
            .filter(|k| tags[*k].color == tags[k + 1].color)
            .min_by_key(|k| (tags[k + 1].lines[0] - tags[*k].lines[tags[*k].lines.len() - 1], *k));
        let Some(k) = pair else { break };
        let next = tags.remove(k + 1);
        let t = &mut tags[k];
        t.lines.extend(next.lines);
        t.members.extend(next.members);
        // Top first: the first member is the highest value, the last the lowest.
        let (top, bot) = (&labels[t.members[0]], &labels[t.members[t.members.len() - 1]]);
        // Named with its range, never a bare range: fewer decimals before fewer words.
        t.text = run_text(pen, top.run, (bot.y, top.y), max_w);
    }
    // Neighbours whose lines lie closer than a third of a tag's height (their leaders would
    // start at one point) and that sit next to each other in their block are drawn as one box,
    // each on its own line. Positions are the spread's: the box covers exactly the slots of its
    // tags. Of one colour only: lines of different kinds (a level and an average, a level and a
    // risk level) in one box read as one label running into the next ("prior highs 252.49"
    // over "3-day stop 250.33", review 32); each keeps its own box and leader.
    for k in 1..tags.len() {
        let (a, b) = (&tags[k - 1], &tags[k]);
        let close = b.anchor() - a.anchor() < stack_gap(pen);
        let adjacent = b.y - a.y <= sep;
        tags[k].stacked = close && adjacent && a.color == b.color;
    }
    (tags, fits)
}

/// Lines closer than this (a third of a tag's height) put their tags in one box.
pub(crate) fn stack_gap<B: DrawingBackend>(pen: &Pen<B>) -> i32 {
    tag_h(pen) / 3
}

/// Width of the label column for `labels` (0 when there are none): the widest single tag or
/// merged pair of neighbours, at most [`COL_MAX_W`] design pixels, plus the gap for leaders.
pub(crate) fn col_width<B: DrawingBackend>(pen: &Pen<B>, labels: &[ColLabel]) -> i32 {
    let fs = pen.fs(FS_TICK);
    let max_w = pen.px(COL_MAX_W);
    let mut idx: Vec<usize> = (0..labels.len()).collect();
    idx.sort_by(|a, b| labels[*b].y.total_cmp(&labels[*a].y).then(a.cmp(b)));
    let mut widest = 0;
    for (k, i) in idx.iter().enumerate() {
        let l = &labels[*i];
        widest = widest.max(pen.text_size(&col_text(&[&l.name], &[&l.value()]), fs, false).0.min(max_w));
        if let Some(j) = idx.get(k + 1) {
            let m = &labels[*j];
            let w = pen.text_size(&col_text(&[&l.name, &m.name], &[&l.value(), &m.value()]), fs, false).0;
            if w <= max_w {
                widest = widest.max(w);
            }
        }
    }
    // Room for a run of one kind at the note's two decimals under its first word ("lost
    // 144.30–158.10", [`run_text`]), should its tags join.
    for (k, i) in idx.iter().enumerate() {
        let l = &labels[*i];
        if let Some(m) = idx[k + 1..].iter().map(|j| &labels[*j]).find(|m| m.run == l.run) {
            let short = l.run.split(' ').next().unwrap_or(l.run);
            let t = format!("{short} {}–{}", crate::fmt::price(m.y), crate::fmt::price(l.y));
            widest = widest.max(pen.text_size(&t, fs, false).0.min(max_w));
        }
    }
    if widest == 0 {
        return 0;
    }
    col_gap(pen) + widest + pen.px(8.0) + pen.px(2.0)
}

/// Width of a label column holding one tag with `text`, whole.
pub(crate) fn col_width_of<B: DrawingBackend>(pen: &Pen<B>, text: &str) -> i32 {
    col_gap(pen) + pen.text_size(text, pen.fs(FS_TICK), false).0 + pen.px(8.0) + pen.px(2.0)
}

/// Draws the label column's tags right of the plot (`col_w` wide, between the plot and the
/// value axis): each a box in the panel colour with a
/// border and text in the level's colour, joined to its line's right end by a short leader (a
/// horizontal stub, a slant across the gap when the tag was pushed off its line, a stub into
/// the tag: slants keep the tags' order, so they never cross). Boxes are recorded as `tag`,
/// straight leaders as `leader`.
pub(crate) fn draw_col<B: DrawingBackend>(pen: &Pen<B>, f: &Frame, tags: &[ColTag], col_w: i32) -> DResult {
    let fs = pen.fs(FS_TICK);
    let gap = col_gap(pen);
    let max_w = col_w - gap - pen.px(8.0) - pen.px(2.0);
    // Stacks of tags drawn in one box ([`ColTag::stacked`]), top first.
    let mut stacks: Vec<&[ColTag]> = Vec::new();
    let mut from = 0;
    for k in 1..=tags.len() {
        if k == tags.len() || !tags[k].stacked {
            stacks.push(&tags[from..k]);
            from = k;
        }
    }
    for st in stacks.iter().filter(|st| st.len() > 1) {
        draw_stack(pen, f, st, max_w)?;
    }
    for t in stacks.iter().filter(|st| st.len() == 1).map(|st| &st[0]) {
        let text = fit_width(pen, &t.text, fs, max_w);
        let (tw, th) = pen.text_size(&text, fs, false);
        let x0 = f.x1 + gap;
        let (a, b) =
            ((x0, t.y - th / 2 - pen.px(2.0)), (x0 + tw + pen.px(8.0), t.y - th / 2 + th + pen.px(2.0)));
        // A stub from each line it names, joined by a short bracket when several, then the slant.
        let bx = f.x1 + pen.px(3.0);
        for ly in &t.lines {
            pen.line(&[(f.x1, *ly), (bx, *ly)], t.color, 1)?;
            pen.place_leader((f.x1, *ly), (bx, *ly));
        }
        let (top, bot) = (t.lines[0], t.lines[t.lines.len() - 1]);
        if bot != top {
            pen.line(&[(bx, top), (bx, bot)], t.color, 1)?;
            pen.place_leader((bx, top), (bx, bot));
        }
        let pts = [(bx, t.anchor()), (x0 - pen.px(3.0), t.y), (x0, t.y)];
        pen.line(&pts, t.color, 1)?;
        pen.place_leader(pts[0], pts[1]);
        pen.place_leader(pts[1], pts[2]);
        pen.fill_rect(a, b, pen.pal.panel.to_rgba())?;
        pen.stroke_rect(a, b, t.color, 1)?;
        pen.place(a, (b.0 + 1, b.1 + 1), "tag");
        pen.text(&text, (x0 + pen.px(4.0), t.y), fs, t.color, HPos::Left, VPos::Center, false)?;
    }
    Ok(())
}

/// Draws tags stacked in one box (see [`draw_col`]): each line of text at its tag's slot in its
/// own colour; a stub from every line it names in that line's colour, one bracket over all of
/// them and one slant to the box's middle, in the box's border colour (the tags' colour when
/// they share one, else the muted text colour).
fn draw_stack<B: DrawingBackend>(pen: &Pen<B>, f: &Frame, st: &[ColTag], max_w: i32) -> DResult {
    let fs = pen.fs(FS_TICK);
    let x0 = f.x1 + col_gap(pen);
    let texts: Vec<String> = st.iter().map(|t| fit_width(pen, &t.text, fs, max_w)).collect();
    let th = texts.iter().map(|t| pen.text_size(t, fs, false).1).max().unwrap_or(0);
    let tw = texts.iter().map(|t| pen.text_size(t, fs, false).0).max().unwrap_or(0);
    let (first, last) = (&st[0], &st[st.len() - 1]);
    let (a, b) =
        ((x0, first.y - th / 2 - pen.px(2.0)), (x0 + tw + pen.px(8.0), last.y - th / 2 + th + pen.px(2.0)));
    let border =
        if st.iter().all(|t| t.color == first.color) { first.color } else { pen.pal.muted.to_rgba() };
    let bx = f.x1 + pen.px(3.0);
    let lines: Vec<(i32, RGBAColor)> =
        st.iter().flat_map(|t| t.lines.iter().map(|y| (*y, t.color))).collect();
    for (ly, c) in &lines {
        pen.line(&[(f.x1, *ly), (bx, *ly)], *c, 1)?;
        pen.place_leader((f.x1, *ly), (bx, *ly));
    }
    let top = lines.iter().map(|(y, _)| *y).min().unwrap_or(first.y);
    let bot = lines.iter().map(|(y, _)| *y).max().unwrap_or(last.y);
    if bot != top {
        pen.line(&[(bx, top), (bx, bot)], border, 1)?;
        pen.place_leader((bx, top), (bx, bot));
    }
    let mid = (a.1 + b.1) / 2;
    let pts = [(bx, (top + bot) / 2), (x0 - pen.px(3.0), mid), (x0, mid)];
    pen.line(&pts, border, 1)?;
    pen.place_leader(pts[0], pts[1]);
    pen.place_leader(pts[1], pts[2]);
    pen.fill_rect(a, b, pen.pal.panel.to_rgba())?;
    pen.stroke_rect(a, b, border, 1)?;
    pen.place(a, (b.0 + 1, b.1 + 1), "tag");
    for (t, text) in st.iter().zip(&texts) {
        pen.text(text, (x0 + pen.px(4.0), t.y), fs, t.color, HPos::Left, VPos::Center, false)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panel_far_from_zero_gets_the_height_its_own_range_needs() {
        // The QQQ weekly OBV (1.5B-4.6B with margins) on an 87-pixel panel widened to 0-6B;
        // at the height returned it widens at most 1.5 times, and never to zero.
        let (lo, hi) = (1.25e9, 4.9e9);
        let mut f = Frame { x0: 0, y0: 0, x1: 300, y1: 87, xmin: 0.0, xmax: 1.0, ymin: lo, ymax: hi };
        widen_to_ticks(&mut f, 23.0, &[]);
        assert!(f.ymax - f.ymin > 1.5 * (hi - lo), "the case needs a taller panel: {}..{}", f.ymin, f.ymax);
        let h = height_for_ticks(lo, hi, 23.0, 87, 400, 1.5);
        assert!(h > 87 && h < 400, "{h}");
        let mut f = Frame { y1: h, ymin: lo, ymax: hi, ..f };
        widen_to_ticks(&mut f, 23.0, &[]);
        assert!(f.ymax - f.ymin <= 1.5 * (hi - lo) && f.ymin > 0.0, "{}..{}", f.ymin, f.ymax);
        assert!(value_ticks(&f, 23.0, &[]).0.iter().filter(|v| **v >= f.ymin && **v <= f.ymax).count() >= 3);
        // A panel already tall enough keeps its height; one that cannot get enough gets the cap.
        assert_eq!(height_for_ticks(lo, hi, 23.0, 400, 500, 1.5), 400);
        assert_eq!(height_for_ticks(lo, hi, 23.0, 87, 90, 1.5), 90);
    }

    #[test]
    fn value_ticks_step_by_one_two_or_five_and_label_three() {
        // Spans and panel heights of rebased, CPI and price panels, with and without a tag.
        for (lo, hi, h) in [(80.0, 172.0, 270.0), (1.2, 9.1, 150.0), (2.1, 6.4, 120.0), (232.0, 306.0, 520.0)]
        {
            let f = Frame { x0: 0, y0: 0, x1: 300, y1: h as i32, xmin: 0.0, xmax: 1.0, ymin: lo, ymax: hi };
            for avoid in [vec![], vec![f.fy(hi - (hi - lo) * 0.05)]] {
                let (t, _) = value_ticks(&f, 23.0, &avoid);
                assert!(t.len() >= 3, "{lo}..{hi}: {t:?}");
                let step = t[1] - t[0];
                let mant = step / 10f64.powf(step.log10().floor());
                assert!(
                    [1.0, 2.0, 2.5, 5.0].iter().any(|m| (mant - m).abs() < 1e-6),
                    "{lo}..{hi}: step {step} in {t:?}"
                );
            }
        }
    }

    #[test]
    fn ticks_cover_the_range_past_a_badge_at_an_extreme() {
        // Unemployment-like: 3.5 to 14.7 with the latest value (the badge) at 3.6, in a short
        // panel: the labelled ticks reach within 30% of the range from both ends.
        let span = 14.7 - 3.5;
        let f = Frame {
            x0: 0,
            y0: 0,
            x1: 300,
            y1: 260,
            xmin: 0.0,
            xmax: 1.0,
            ymin: 3.5 - 0.1 * span,
            ymax: 14.7 + 0.12 * span,
        };
        let fs = 23.0;
        let badge = f.fy(3.6);
        let (ticks, _) = value_ticks(&f, fs, &[badge]);
        let clear = tag_clearance(fs);
        let shown: Vec<f64> = ticks
            .iter()
            .copied()
            .filter(|v| *v >= f.ymin && *v <= f.ymax && (f.fy(*v) - badge).abs() >= clear)
            .collect();
        assert!(shown.len() >= 3, "{ticks:?}");
        let (lo, hi) = (
            shown.iter().copied().fold(f64::INFINITY, f64::min),
            shown.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        );
        let fspan = f.ymax - f.ymin;
        assert!(
            lo - f.ymin <= 0.3 * fspan && f.ymax - hi <= 0.3 * fspan,
            "ticks {shown:?} leave part of the range unlabelled"
        );
    }

    #[test]
    fn column_tags_keep_their_lines_order_so_leaders_never_cross() {
        // Six tags crowding a short band, around a fixed tag (the last price): the tags' slots
        // follow their lines' order, so no two slanted leaders cross.
        let mk = |y: i32| ColTag {
            text: String::new(),
            color: BLACK.to_rgba(),
            lines: vec![y],
            y,
            members: vec![],
            stacked: false,
        };
        for fixed in [vec![], vec![112], vec![60]] {
            let mut tags: Vec<ColTag> = [100, 104, 108, 110, 118, 121].into_iter().map(mk).collect();
            spread(&mut tags, &fixed, 20, 10, 300);
            for w in tags.windows(2) {
                assert!(w[0].anchor() <= w[1].anchor() && w[0].y < w[1].y, "{fixed:?}: crossing leaders");
            }
            for t in &tags {
                assert!(fixed.iter().all(|f| (f - t.y).abs() >= 20), "{fixed:?}: a tag on the fixed tag");
            }
        }
    }

    #[test]
    fn a_short_panel_widens_to_round_ticks_not_off_step_ones() {
        // QQQ's OBV (3.55B to 4.7B in a 115-pixel panel): no step's multiples gave three
        // labels, and the fallback printed 3.6B / 4.1B / 4.6B. Widened, the ticks are whole
        // multiples of a 1, 2, 2.5 or 5 step, at least three, and the data range stays inside.
        for (lo, hi, h) in [
            (3.55e9, 4.7e9, 115),
            (-3.6, 3.6, 95),
            (-0.41, 0.41, 90),
            (1.21e9, 1.32e9, 100),
            (0.0, 2.3e8, 70),
        ] {
            let mut f = Frame { x0: 0, y0: 0, x1: 300, y1: h, xmin: 0.0, xmax: 1.0, ymin: lo, ymax: hi };
            if lo == 3.55e9 {
                assert!(on_step_ticks(&f, 23.0, &[]).is_none(), "the case needs widening");
            }
            widen_to_ticks(&mut f, 23.0, &[]);
            assert!(f.ymin <= lo && f.ymax >= hi);
            assert!(lo < 0.0 || f.ymin >= 0.0, "{lo}..{hi}: widened below zero to {}", f.ymin);
            let (t, _) = value_ticks(&f, 23.0, &[]);
            let inside: Vec<f64> = t.iter().copied().filter(|v| *v >= f.ymin && *v <= f.ymax).collect();
            assert!(inside.len() >= 3, "{lo}..{hi}: {t:?}");
            let step = t[1] - t[0];
            let mag = 10f64.powf(step.log10().floor());
            assert!(
                [1.0, 2.0, 2.5, 5.0].iter().any(|m| (step / mag - m).abs() < 1e-6),
                "{lo}..{hi}: step {step}"
            );
            assert!(
                t.iter().all(|v| ((v / step) - (v / step).round()).abs() < 1e-6),
                "{lo}..{hi}: off-step {t:?}"
            );
        }
    }
}
