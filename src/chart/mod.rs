//! Charts: an [`Analysis`](crate::Analysis) in, PNG bytes (and optional SVG text) out, drawn with
//! plotters and an embedded font. Writes nothing to disk; `report` does.
//!
//! Layout: [`canvas`] (pixel pen, frames, ticks), [`panel`] (titles, legends, axes), one module
//! per chart kind ([`price`] for weekly / 3-day / daily, [`relative`], [`macro_panel`]),
//! [`annotate`] (signal evidence → annotations), [`alt`] (alt text), [`theme`], [`text`] (the
//! embedded font: layout and rasterising).
//!
//! Size: every chart is designed for a 750 × 570 CSS-pixel box (the HTML column) and drawn at
//! 2× by default (1500 × 1140): text is at least 11.5 CSS px, i.e. at least 23 image pixels,
//! which stays at least 7 pt when the image is placed at ~460 pt width in the PDF.

mod alt;
mod annotate;
mod canvas;
pub(crate) mod encode;
mod macro_panel;
mod panel;
mod price;
mod relative;
mod rgb;
mod text;
mod theme;
mod track;

use crate::config::{ChartConfig, Theme};
use crate::error::{Error, Result};
use crate::resample::Timeframe;
use annotate::Annotations;
use canvas::{DResult, Pen};
use plotters::prelude::*;
use serde::Serialize;
use theme::Palette;

pub use panel::MAX_VALUE_TICKS;

/// One rendered chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chart {
    /// File stem: `weekly`, `3day`, `daily`, `relative`, `macro`.
    pub name: String,
    /// Title shown above the chart.
    pub title: String,
    /// Alt text generated from the signal evidence.
    pub alt: String,
    /// PNG bytes.
    #[serde(skip)]
    pub png: Vec<u8>,
    /// SVG text, when asked for.
    #[serde(skip)]
    pub svg: Option<String>,
    /// The phone variant: PNG bytes of the same chart laid out for a [`PHONE_DESIGN_W`] CSS-pixel
    /// column at 2× ([`PHONE_W`] pixels wide, taller than the wide chart), so its text stays at
    /// least 11.5 CSS px on a 390 px-wide phone; empty when PNG was not asked for.
    #[serde(skip)]
    pub phone_png: Vec<u8>,
}

/// Design width in CSS pixels of the phone variant (a 390 px phone less the page margins).
pub const PHONE_DESIGN_W: f64 = 360.0;
/// Design height in CSS pixels of the phone variant of the timeframe and relative charts (taller
/// than wide: the panels stack); the macro chart grows with its number of series.
pub const PHONE_DESIGN_H: f64 = 760.0;
/// Phone variant width in pixels (2×). A configured chart width of exactly this is laid out for
/// the phone design width.
pub const PHONE_W: u32 = 720;
/// Sessions the phone variant of the daily chart shows (15 weeks, the latest of the wide chart's
/// 26 by default): on a 360 CSS px column the last four weeks then get a quarter of the plot,
/// not a sixth (issue 13). 63 and 84 put a level label of a golden date off its line (the phone
/// label checks); 75 and 80 did not.
pub const PHONE_DAILY_BARS: usize = 75;

/// What the label layout pass placed on one chart and how its value axes were labelled, in
/// image pixels: for checks of the layout itself rather than of pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// Chart name (`daily`, ...).
    pub name: String,
    /// Image width and height in pixels.
    pub size: (u32, u32),
    /// Placed boxes as (kind, [x0, y0, x1, y1]); kinds: `label` (annotation labels from the
    /// layout pass), `tag` (value tags on the axis), `marker`, `candle` (candle bodies), `wick`,
    /// `bar` (volume bars), `line` (segments of a data line labels must not cover),
    /// `leader` (vertical or horizontal leader lines from a label to what it names), `tick`
    /// (value-axis labels), `panel` (plot frames: every label belongs inside one).
    pub boxes: Vec<(&'static str, [i32; 4])>,
    /// Number of labelled ticks on each value axis, in drawing order.
    pub axis_ticks: Vec<usize>,
}

/// Lays out every chart of a note (drawing to SVG in memory) and returns what was placed, in
/// the order of [`render_all`].
pub fn layouts(analysis: &crate::Analysis, theme: Theme, cfg: &ChartConfig) -> Result<Vec<Layout>> {
    let mut out = Vec::new();
    render_impl(
        analysis,
        theme,
        cfg,
        Out { png: false, svg: true, phone: true, pdf_ratio: None },
        Some(&mut out),
        None,
    )?;
    Ok(out)
}

/// Like [`layouts`] for the phone variant ([`PHONE_W`] pixels wide at 2×).
pub fn phone_layouts(analysis: &crate::Analysis, theme: Theme) -> Result<Vec<Layout>> {
    let cfg = ChartConfig { width: PHONE_W, ..ChartConfig::default() };
    let mut out = Vec::new();
    render_impl(
        analysis,
        theme,
        &cfg,
        Out { png: false, svg: true, phone: true, pdf_ratio: None },
        Some(&mut out),
        None,
    )?;
    Ok(out)
}

/// Design width in CSS-like pixels of the PDF variant: narrower than the HTML column's
/// [`DESIGN_W`], so that placed at the PDF's 460 pt text width its smallest text
/// ([`FS_MIN`] design pixels) prints at `FS_MIN × 460 / PDF_DESIGN_W` ≈ 8.0 pt (the 750-pixel
/// design printed it at 7.05 pt, whose capitals are 5 pt tall).
pub const PDF_DESIGN_W: f64 = 660.0;
/// PDF variant size in pixels (2× [`PDF_DESIGN_W`]; a little taller than the wide chart, so the panels keep their height under legends that wrap more).
pub const PDF_W: u32 = 1320;
/// PDF variant height in pixels.
pub const PDF_H: u32 = 1120;

/// Renders every chart of a note for the PDF: PNG only, [`PDF_W`] × [`PDF_H`] pixels laid out
/// for a [`PDF_DESIGN_W`]-pixel design box at 2×; the same charts, names and alt text as
/// [`render_all`] (whose sizes stay the configured ones for the standalone images).
pub fn render_pdf(analysis: &crate::Analysis, theme: Theme) -> Result<Vec<Chart>> {
    let cfg =
        ChartConfig { width: PDF_W, height: PDF_H, svg: false, ..analysis.config.output.charts.clone() };
    render_impl(
        analysis,
        theme,
        &cfg,
        Out { png: true, svg: false, phone: false, pdf_ratio: None },
        None,
        None,
    )
}

/// Like [`layouts`] for the PDF variant ([`PDF_W`] × [`PDF_H`]).
pub fn pdf_layouts(analysis: &crate::Analysis, theme: Theme) -> Result<Vec<Layout>> {
    let cfg = ChartConfig { width: PDF_W, height: PDF_H, svg: true, ..analysis.config.output.charts.clone() };
    let mut out = Vec::new();
    render_impl(
        analysis,
        theme,
        &cfg,
        Out { png: false, svg: true, phone: false, pdf_ratio: None },
        Some(&mut out),
        None,
    )?;
    Ok(out)
}

/// The PDF variant of chart `name` (as [`render_pdf`] draws it) drawn `ratio` times as tall as
/// it is wide, within the heights that chart allows (`pdf_design_range`): for the PDF's layout
/// pass, which sets a chart a little taller to fill a page or a little shorter to fit one. None
/// when the note has no such chart.
pub fn render_pdf_chart(
    analysis: &crate::Analysis,
    theme: Theme,
    name: &str,
    ratio: f64,
) -> Result<Option<Chart>> {
    let cfg =
        ChartConfig { width: PDF_W, height: PDF_H, svg: false, ..analysis.config.output.charts.clone() };
    let want = Out { png: true, svg: false, phone: false, pdf_ratio: Some(ratio) };
    Ok(render_impl(analysis, theme, &cfg, want, None, Some(name))?.into_iter().next())
}

/// Like [`pdf_layouts`] with every chart drawn `ratio` times as tall as it is wide (within
/// the heights each allows): the layouts at the heights the PDF's layout pass may choose.
pub fn pdf_layouts_at(analysis: &crate::Analysis, theme: Theme, ratio: f64) -> Result<Vec<Layout>> {
    let cfg = ChartConfig { width: PDF_W, height: PDF_H, svg: true, ..analysis.config.output.charts.clone() };
    let want = Out { png: false, svg: true, phone: false, pdf_ratio: Some(ratio) };
    let mut out = Vec::new();
    render_impl(analysis, theme, &cfg, want, Some(&mut out), None)?;
    Ok(out)
}

/// The shortest the PDF's layout pass may set a chart that allows it ([`Scene::pdf_shrinks`]), as
/// a fraction of its own height: enough to keep it on the page its text is on.
pub const PDF_SHRINK: f64 = 0.88;
/// The tallest the PDF's layout pass may set a chart, as a multiple of its own height (and never
/// past [`PDF_MAX_DESIGN_H`]): enough to fill the page it is on. At 1.25 an A4 page holding the
/// weekly or 3-day chart and its section's text ended 12-18% empty (review 38, pdf3 helper).
pub const PDF_GROW: f64 = 1.7;

/// The heights in design pixels the PDF variant of a scene may take: from its own height
/// ([`Scene::pdf_design_h`], within [`PDF_H`] / 2 and [`PDF_MAX_DESIGN_H`]), or [`PDF_SHRINK`]
/// times it when the scene allows ([`Scene::pdf_shrinks`]), to [`PDF_GROW`] times it, never taller
/// than [`PDF_MAX_DESIGN_H`]. Its text keeps its size (the width sets the scale): only the plots
/// are shorter or taller.
fn pdf_design_range<S: Scene>(scene: &S) -> (f64, f64, f64) {
    let own = scene.pdf_design_h().clamp(PDF_H as f64 / 2.0, PDF_MAX_DESIGN_H);
    let lo = if scene.pdf_shrinks() { own * PDF_SHRINK } else { own };
    (lo, own, (own * PDF_GROW).min(PDF_MAX_DESIGN_H).max(own))
}

/// Something drawable on any plotters backend (one function serves PNG and SVG).
pub(crate) trait Scene {
    /// Draws the whole canvas.
    fn draw<B: DrawingBackend>(&self, pen: &Pen<B>) -> DResult;

    /// Height in CSS pixels of the phone variant ([`PHONE_DESIGN_W`] wide): tall enough that the
    /// panels stacked under their wrapped legends keep a readable height.
    fn phone_design_h(&self) -> f64 {
        PHONE_DESIGN_H
    }

    /// Height in design pixels of the PDF variant ([`PDF_DESIGN_W`] wide): [`PDF_H`] / 2 unless
    /// the chart needs more (the macro small multiples take up to [`PDF_MAX_DESIGN_H`], so each
    /// series gets a plot a reader can read on the page).
    fn pdf_design_h(&self) -> f64 {
        PDF_H as f64 / 2.0
    }

    /// Whether the PDF's layout pass may set this chart shorter than [`Scene::pdf_design_h`]
    /// (down to [`PDF_SHRINK`] times it): only where its panels keep three ticks and their labels
    /// apart at that height (the layout tests check the shortest). The weekly and 3-day charts,
    /// four panels in [`PDF_H`] / 2, do not: shorter, their lower panels' tick labels collide.
    fn pdf_shrinks(&self) -> bool {
        false
    }
}

/// The tallest PDF variant, in design pixels: about 600 pt at the 460 pt text width, inside the
/// text area of an A4 or US Letter page (740 / 690 pt).
pub const PDF_MAX_DESIGN_H: f64 = 860.0;

/// Renders every chart of a note: `weekly`, `3day`, `daily`, `relative`, `track`, `macro` (those with data).
/// Deterministic: the same analysis gives the same bytes.
pub fn render_all(
    analysis: &crate::Analysis,
    theme: crate::config::Theme,
    cfg: &crate::config::ChartConfig,
) -> crate::error::Result<Vec<Chart>> {
    render_impl(
        analysis,
        theme,
        cfg,
        Out { png: true, svg: cfg.svg, phone: true, pdf_ratio: None },
        None,
        None,
    )
}

/// Like [`render_all`] but draws SVG only (`png` is left empty): for SVG-only output and for
/// measuring the SVG path on its own.
pub fn render_all_svg(analysis: &crate::Analysis, theme: Theme, cfg: &ChartConfig) -> Result<Vec<Chart>> {
    render_impl(analysis, theme, cfg, Out { png: false, svg: true, phone: true, pdf_ratio: None }, None, None)
}

/// Which encodings to produce.
#[derive(Debug, Clone, Copy)]
struct Out {
    png: bool,
    svg: bool,
    /// Also the phone variant (when `png`).
    phone: bool,
    /// The PDF variant's height as a fraction of its width, when the PDF's layout pass asks for
    /// one (held to [`pdf_design_range`]); else the scene's own [`Scene::pdf_design_h`].
    pdf_ratio: Option<f64>,
}

fn render_impl(
    analysis: &crate::Analysis,
    theme: Theme,
    cfg: &ChartConfig,
    want: Out,
    mut layouts: Option<&mut Vec<Layout>>,
    only: Option<&str>,
) -> Result<Vec<Chart>> {
    // Every chart, or the one named `only`.
    let wanted = |name: &str| only.is_none_or(|o| o == name);
    text::ensure().map_err(Error::Internal)?;
    let ann = Annotations::from_signals(&analysis.signals);
    let sym = analysis.dataset.instrument.symbol.as_str();
    // Every chart is one job (its wide and phone renderings are two more, see
    // [`wide_and_phone`]); rayon runs them on its threads and `collect` keeps this order, so
    // the bytes do not depend on the thread count.
    type Job<'a> = Box<dyn FnOnce() -> Result<(Chart, Layout)> + Send + 'a>;
    let mut jobs: Vec<Job> = Vec::with_capacity(6);
    let ann = &ann;

    let tfs = [
        ("weekly", Timeframe::Weekly, &analysis.weekly.bars, cfg.weekly_bars, price::Layers::Weekly),
        (
            "3day",
            Timeframe::ThreeDay,
            &analysis.three_day[0].bars,
            cfg.three_day_bars,
            price::Layers::ThreeDay,
        ),
        ("daily", Timeframe::Daily, &analysis.daily, cfg.daily_bars, price::Layers::Daily),
    ];
    for (name, tf, bars, window, layers) in tfs.into_iter().filter(|t| wanted(t.0)) {
        jobs.push(Box::new(move || {
            // A phone's daily chart shows the latest PHONE_DAILY_BARS sessions (issue 13: over
            // the full window the recent weeks got ~80 CSS px of a 390 px screen).
            let make = |phone: bool| {
                let short =
                    if phone && tf == Timeframe::Daily { window.min(PHONE_DAILY_BARS) } else { window };
                let mut scene = tf_scene(analysis, tf, bars, short, layers, ann);
                // The risk lines cover the sessions they cover on the wide chart.
                let frac = (1.0 - price::RISK_FROM) * window.max(1) as f64 / short.max(1) as f64;
                scene.risk_from = (1.0 - frac).clamp(0.0, price::RISK_FROM);
                scene
            };
            let (scene, (png, svg, lay), phone_png) = wide_and_phone(make, theme, cfg, want)?;
            let alt = alt::timeframe(sym, &scene);
            let chart = Chart { name: name.into(), title: scene.title.clone(), alt, png, svg, phone_png };
            Ok((chart, Layout { name: name.into(), ..lay }))
        }));
    }

    if let (Some(bench), Some(bw), true) =
        (analysis.dataset.benchmark.as_ref(), analysis.bench_weekly.as_ref(), wanted("relative"))
    {
        jobs.push(Box::new(move || {
            // The window the text and alt text speak of (two years back to the week the change is
            // measured from), not the weekly chart's.
            let rel_window = crate::signals::relative::LAG_WEEKS + 1;
            let make = |_| rel_scene(analysis, &bench.symbol, &bw.bars, rel_window, ann);
            let (scene, (png, svg, lay), phone_png) = wide_and_phone(make, theme, cfg, want)?;
            let alt = alt::relative(&scene);
            let chart =
                Chart { name: "relative".into(), title: scene.title.clone(), alt, png, svg, phone_png };
            Ok((chart, Layout { name: "relative".into(), ..lay }))
        }));
    }

    // The stance's track record (issue 11): drawn when the history walk ran.
    if let Some(tr) = analysis.track_record.as_ref().filter(|tr| !tr.points.is_empty() && wanted("track")) {
        jobs.push(Box::new(move || track_chart(analysis, tr, theme, cfg, want)));
    }

    if !analysis.dataset.macros.is_empty() && wanted("macro") {
        jobs.push(Box::new(move || {
            let (scene, (png, svg, lay), phone_png) =
                wide_and_phone(|_| macro_scene(analysis), theme, cfg, want)?;
            let alt = alt::macros(&scene, analysis.as_of);
            let chart = Chart { name: "macro".into(), title: scene.title.clone(), alt, png, svg, phone_png };
            Ok((chart, Layout { name: "macro".into(), ..lay }))
        }));
    }

    use rayon::prelude::*;
    let done: Vec<(Chart, Layout)> = jobs.into_par_iter().map(|job| job()).collect::<Result<_>>()?;
    let mut out = Vec::with_capacity(done.len());
    for (chart, lay) in done {
        if let Some(l) = layouts.as_deref_mut() {
            l.push(lay);
        }
        out.push(chart);
    }
    Ok(out)
}

/// The `track` chart: the stance's track record `tr` (issue 11), drawn when the history walk ran.
fn track_chart(
    analysis: &crate::Analysis,
    tr: &crate::history::TrackRecord,
    theme: Theme,
    cfg: &ChartConfig,
    want: Out,
) -> Result<(Chart, Layout)> {
    let p = &analysis.config.signals;
    let sym = analysis.dataset.instrument.symbol.as_str();
    let make = |_| track::TrackScene::of(tr, sym, p.long_threshold, p.short_threshold, analysis.as_of);
    let (scene, (png, svg, lay), phone_png) = wide_and_phone(make, theme, cfg, want)?;
    let alt = scene.alt();
    let chart = Chart { name: "track".into(), title: scene.title.clone(), alt, png, svg, phone_png };
    Ok((chart, Layout { name: "track".into(), ..lay }))
}

/// The `track` chart of `tr` alone, as [`render_all`] draws it for an analysis whose track record
/// is `tr` (None when `tr` has no week end): for drawing it beside the other charts before the
/// analysis holds the track record (`pipeline::analyze_and_charts`).
pub fn render_track(
    analysis: &crate::Analysis,
    tr: &crate::history::TrackRecord,
    theme: Theme,
    cfg: &ChartConfig,
) -> Result<Option<Chart>> {
    if tr.points.is_empty() {
        return Ok(None);
    }
    text::ensure().map_err(Error::Internal)?;
    Ok(Some(
        track_chart(analysis, tr, theme, cfg, Out { png: true, svg: cfg.svg, phone: true, pdf_ratio: None })?
            .0,
    ))
}

/// Puts `track` where [`render_all`] has it in `charts` (rendered without a track record): before
/// `macro`, else last.
pub fn insert_track(charts: &mut Vec<Chart>, track: Chart) {
    let at = charts.iter().position(|c| c.name == "macro").unwrap_or(charts.len());
    charts.insert(at, track);
}

/// The scene, its wide rendering and its phone variant. The two renderings run on two threads,
/// each on its own copy of the scene (a scene keeps scratch state while it draws), so the bytes
/// are the same as drawing them one after the other.
type Rendered = (Vec<u8>, Option<String>, Layout);
fn wide_and_phone<S: Scene + Send, F: Fn(bool) -> S + Sync>(
    make: F,
    theme: Theme,
    cfg: &ChartConfig,
    want: Out,
) -> Result<(S, Rendered, Vec<u8>)> {
    let (wide, phone) = rayon::join(
        || {
            // A configured width of PHONE_W is laid out as the phone variant, window included.
            let scene = make(cfg.width == PHONE_W);
            let r = render_scene(&scene, theme, cfg, want);
            (scene, r)
        },
        || if want.phone { render_phone(&make(true), theme, want) } else { Ok(Vec::new()) },
    );
    let (scene, r) = wide;
    Ok((scene, r?, phone?))
}

fn window_text(dates: &[chrono::NaiveDate]) -> String {
    match (dates.first(), dates.last()) {
        (Some(a), Some(b)) => format!("{} to {}", a.format("%b %-d, %Y"), b.format("%b %-d, %Y")),
        _ => "no bars".into(),
    }
}

fn tf_scene<'a>(
    analysis: &crate::Analysis,
    tf: Timeframe,
    bars: &'a crate::data::Bars,
    window: usize,
    layers: price::Layers,
    ann: &'a Annotations,
) -> price::TfScene<'a> {
    use crate::indicators as ind;
    let inst = &analysis.dataset.instrument;
    let n = bars.len();
    let start = n.saturating_sub(window.max(price::MIN_BARS));
    let (bb_upper, bb_lower, hist, obv) = if n >= price::MIN_BARS {
        let bb = ind::bbands(&bars.close, 20, 2.0);
        (bb.upper, bb.lower, ind::macd(&bars.close, 12, 26, 9).hist, ind::obv(&bars.close, &bars.volume))
    } else {
        (Vec::new(), Vec::new(), Vec::new(), Vec::new())
    };
    // One OBV in every chart: the daily OBV the Risk table and the OBV support line cite, read
    // at each weekly or 3-day bar's last session (a bar's OBV summed from its own bars would
    // start from another baseline and show another value for the same day).
    let obv = if tf != Timeframe::Daily && !obv.is_empty() {
        let d = &analysis.daily;
        let od = ind::obv(&d.close, &d.volume);
        bars.date
            .iter()
            .map(|x| d.date.binary_search(x).ok().and_then(|i| od.get(i).copied()).unwrap_or(f64::NAN))
            .collect()
    } else {
        obv
    };
    let title = match tf {
        Timeframe::Weekly => format!("{} weekly: squeeze zone, momentum and volume", inst.symbol),
        Timeframe::ThreeDay => format!("{} 3-day: consolidation zone, momentum and volume", inst.symbol),
        _ => {
            // Named by F1's reading: a breakdown's levels were lost, not reclaimed; levels a leg
            // crossed without price staying beyond them were only crossed.
            let levels = match annotate::levels_verb(ann) {
                Some("reclaimed") => "levels reclaimed",
                Some("lost") => "levels lost",
                _ if ann.levels.is_empty() => "price levels",
                _ => "levels crossed",
            };
            format!("{} daily: {levels}, distribution and risk markers", inst.symbol)
        }
    };
    let name = if inst.name.is_empty() || inst.name == inst.symbol {
        String::new()
    } else {
        format!("{} · ", inst.name)
    };
    // A 3-day or weekly bar can end before the as-of date: the subtitle says so, so "Mar 19"
    // beside "as of 2020-03-20" is not read as a missing day.
    let last_bar = match bars.date.last() {
        Some(d) if *d < analysis.as_of && tf != Timeframe::Daily => {
            format!(" · last {} bar ends {}", tf.name(), d.format("%b %-d"))
        }
        _ => String::new(),
    };
    // Its last close is the note's (review 32, issue 13: the 3-day tag read 292.09, the note's
    // close 291.17): when the daily data go past the last complete bar, the tag and its dashed
    // line show the last daily close, and the legend says which day that is and what the last
    // bar closed at.
    let d = &analysis.daily;
    let (last_close, last_daily) = match (bars.date.last(), bars.close.last(), d.date.last(), d.close.last())
    {
        (Some(b), Some(bc), Some(dd), Some(c)) if b < dd && tf != Timeframe::Daily && c.is_finite() => (
            format!(
                "last close, {} (the {} {} bar closed {})",
                dd.format("%b %-d"),
                b.format("%b %-d"),
                tf.name(),
                crate::fmt::price(*bc)
            ),
            Some((*dd, d.open.last().copied().unwrap_or(f64::NAN), *c)),
        ),
        _ => (price::LAST_CLOSE.to_string(), None),
    };
    let subtitle = format!(
        "{name}{} bars, {} · complete bars only · as of {}{last_bar}",
        tf.name(),
        window_text(&bars.date[start..]),
        analysis.as_of
    );
    price::TfScene {
        title,
        subtitle,
        tf,
        bars,
        start,
        bb_upper,
        bb_lower,
        hist,
        obv,
        ann,
        layers,
        stops: stops_of(analysis, tf),
        last_close,
        last_daily,
        risk_from: price::RISK_FROM,
        neutral: analysis.stance.stance == crate::signals::stance::StanceKind::Neutral,
        legend_lines: Default::default(),
        col_w: Default::default(),
        narrow: Default::default(),
        legend_pad: Default::default(),
        level_now: ann
            .levels
            .iter()
            .map(|l| {
                let first = l.label.split(" + ").next().unwrap_or("");
                price::ma_now(&analysis.daily.close, first).unwrap_or(l.price)
            })
            .collect(),
        avgs: Vec::new(),
    }
    .with_avgs()
}

/// The stance's invalidation levels decided by closes of `tf` (price levels only; OBV levels
/// belong to no price panel), each as a [`price::Stop`]. Only the level the lead names is tagged
/// as it does: "stop" for a long or short (the nearest holding level on the stance's side,
/// [`crate::signals::stance::headline`]), "watch" for the two levels a neutral note watches; the
/// others carry their own short name ("swing high", "zone bottom"), as the Risk table lists them.
/// The daily chart also draws the lead's own level(s) when a weekly or 3-day close decides them.
fn stops_of(analysis: &crate::Analysis, tf: Timeframe) -> Vec<price::Stop> {
    use crate::signals::stance::{headline, LevelStatus, StanceKind, Trigger};
    let want = match tf {
        Timeframe::Weekly => "weekly",
        Timeframe::ThreeDay => "3-day",
        Timeframe::Daily => "daily",
        _ => return Vec::new(),
    };
    let st = &analysis.stance;
    let named: Vec<(&crate::signals::stance::Invalidation, &str)> = match st.stance {
        StanceKind::Long | StanceKind::Short => {
            headline(&st.invalidation, st.stance).map(|(l, _)| (l, "stop")).into_iter().collect()
        }
        StanceKind::Neutral => [StanceKind::Short, StanceKind::Long]
            .iter()
            .filter_map(|s| headline(&st.invalidation, *s).map(|(l, _)| (l, "watch")))
            .collect(),
    };
    // The daily chart, where a reader looks for the trade, also draws the level the lead names
    // when another timeframe's close decides it (a short's stop on a 3-day close).
    let lead_elsewhere = |l: &crate::signals::stance::Invalidation| {
        want == "daily"
            && matches!(l.timeframe(), "weekly" | "3-day")
            && named.iter().any(|(n, _)| std::ptr::eq(*n, l))
    };
    st.invalidation
        .iter()
        .filter(|l| (l.timeframe() == want || lead_elsewhere(l)) && l.value.is_finite())
        .map(|l| {
            let tag = match named.iter().find(|(n, _)| std::ptr::eq(*n, l)) {
                // The lead's level decided on another timeframe's close says which (issue 13
                // item 6): the daily chart's "3-day stop", as the note's invalidation table reads.
                Some((_, t)) if lead_elsewhere(l) => format!("{} {t}", l.timeframe()),
                Some((_, t)) => (*t).to_string(),
                None => short_level_name(&l.label, want),
            };
            let rule = match named.iter().find(|(n, _)| std::ptr::eq(*n, l)) {
                // A long's or short's one stop; a neutral note's two watched levels keep the
                // legend's "watch: a close beyond one counts toward a side" (both are named).
                Some((_, t)) if lead_elsewhere(l) && st.stance != StanceKind::Neutral => {
                    Some(stop_rule(l, t, st.stance))
                }
                _ => None,
            };
            // Broken and still beyond (the Risk table's "broken on ...", not "since back"):
            // drawn in the broken style, named in the legend with the close that broke it.
            let broken = (l.status == LevelStatus::Triggered && l.broken_now()).then(|| {
                let side = match l.trigger {
                    Trigger::CloseAbove => "above",
                    Trigger::CloseBelow => "below",
                };
                let on = l.triggered_on.map(|d| format!(" on {}", d.format("%b %-d"))).unwrap_or_default();
                format!(
                    "{} {}, a {} close {side}{on}",
                    short_level_name(&l.label, want),
                    crate::fmt::price(l.value),
                    l.timeframe()
                )
            });
            price::Stop { value: l.value, tag, rule, broken }
        })
        .collect()
}

/// What breaks a long's or short's stop `l` tagged `t` when another timeframe's close decides
/// it, in the legend's words: "3-day stop: a 3-day close above invalidates the short" (the
/// timeframe and side of the close are the invalidation's own, as the text states them).
fn stop_rule(
    l: &crate::signals::stance::Invalidation,
    t: &str,
    stance: crate::signals::stance::StanceKind,
) -> String {
    use crate::signals::stance::{StanceKind, Trigger};
    let tf = l.timeframe();
    let side = match l.trigger {
        Trigger::CloseAbove => "above",
        Trigger::CloseBelow => "below",
    };
    let what = match stance {
        StanceKind::Long => "invalidates the long",
        _ => "invalidates the short",
    };
    format!("{tf} {t}: a {tf} close {side} {what}")
}

/// A risk level's name short enough for the label column: "weekly compression cluster top" →
/// "squeeze top", "3-day consolidation zone bottom" → "zone bottom", "latest daily swing high"
/// → "swing high"; otherwise the label without its timeframe word.
fn short_level_name(label: &str, tf_word: &str) -> String {
    let words: Vec<&str> = label
        .split(' ')
        .filter(|w| !w.is_empty() && *w != tf_word && *w != "latest" && *w != "consolidation")
        .collect();
    let s = words.join(" ").replace("compression cluster", "squeeze");
    // "swing low between the last two highs" / "swing low of 2026-07-17" → "swing low".
    let dated = s.strip_prefix("swing low").filter(|r| r.starts_with(" of ")).map(|_| "swing low".len());
    match s.find(" between ").or_else(|| s.find(" after ")).or(dated) {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

fn rel_scene(
    analysis: &crate::Analysis,
    bench_sym: &str,
    bench: &crate::data::Bars,
    window: usize,
    ann: &Annotations,
) -> relative::RelScene {
    let inst = &analysis.weekly.bars;
    let (ia, ib) = (inst.ratio_close(), bench.ratio_close());
    // Weeks present in both series (merge walk on labels).
    let (mut i, mut j) = (0, 0);
    let (mut dates, mut a, mut b) = (Vec::new(), Vec::new(), Vec::new());
    while i < inst.len() && j < bench.len() {
        match inst.date[i].cmp(&bench.date[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                if ia[i].is_finite() && ib[j].is_finite() && ib[j] > 0.0 && ia[i] > 0.0 {
                    dates.push(inst.date[i]);
                    a.push(ia[i]);
                    b.push(ib[j]);
                }
                i += 1;
                j += 1;
            }
        }
    }
    let ratio: Vec<f64> = a.iter().zip(&b).map(|(x, y)| x / y).collect();
    let sma30 =
        if ratio.len() >= 30 { crate::indicators::sma(&ratio, 30) } else { vec![f64::NAN; ratio.len()] };
    let start = ratio.len().saturating_sub(window.max(relative::MIN_WEEKS));
    let sym = analysis.dataset.instrument.symbol.clone();
    relative::RelScene {
        title: format!("{sym} versus {bench_sym}: relative strength"),
        subtitle: format!(
            "{}, {} · as of {}",
            // What the ratio is taken on, so the subtitle agrees with the Sources table
            // (review 30: "dividend-adjusted when available" over split-adjusted closes).
            match (inst.adj_close.is_some(), bench.adj_close.is_some()) {
                (true, true) => "weekly adjusted closes (dividends included)",
                (false, false) => "weekly closes (price only, no dividends)",
                _ => "weekly closes (one series adjusted for dividends, one not)",
            },
            window_text(&dates[start..]),
            analysis.as_of
        ),
        sym,
        bench: bench_sym.to_string(),
        dates,
        a,
        b,
        ratio,
        sma30,
        start,
        low: ann.ratio_low,
        high: ann.ratio_high,
    }
}

/// The recent change of a macro series as its signal computed it (the number the text prints):
/// evidence key, window in months, whether the window is counted in trading days ("about"), and
/// the evidence key of the observation date it runs to. `None` when no signal computes one for
/// the series (the cell then computes its own over a named window).
fn signal_change(analysis: &crate::Analysis, series_id: &str) -> Option<macro_panel::Change> {
    use crate::signals::{catalog::SignalId, Ev};
    let (id, key, months, about, date_key) = match series_id {
        "dgs2" => (SignalId::MacroRateCutExpectations, "d2y_63", 3, true, "dgs2_date"),
        "dff" | "fed_funds" => (SignalId::MacroRateCutExpectations, "dff_126", 6, false, "dff_date"),
        "cpi" => (SignalId::MacroInflationCooling, "d3_h", 3, false, "obs_date"),
        "core_cpi" => (SignalId::MacroInflationCooling, "d3_c", 3, false, "obs_date"),
        "hy_oas" => (SignalId::MacroFinancingCostsFalling, "d_oas_63", 3, false, "oas_date"),
        "unrate" => (SignalId::MacroGrowthStabilising, "d3_unrate", 3, false, "obs_date"),
        _ => return None,
    };
    let r = analysis.signals.iter().find(|s| s.id == id.as_str())?;
    // The 2-year's sharp four-week move, when that is what the signal read: the window the text
    // gives ("rose 0.71 points in four weeks"), not three months (one window for one fact).
    let sharp = series_id == "dgs2" && r.branch == crate::signals::Branch::B1SharpMove;
    let (key, weeks) = if sharp { ("d2y_20", Some(4)) } else { (key, None) };
    let value = r.num(key).filter(|v| v.is_finite())?;
    let end = match r.ev(date_key) {
        Some(Ev::Date { v }) => *v,
        _ => r.as_of.unwrap_or(analysis.as_of),
    };
    Some(macro_panel::Change {
        value,
        months,
        about: about && weeks.is_none(),
        weeks,
        end,
        from_signal: true,
        turn: signal_turn(r, series_id, value, analysis.as_of),
    })
}

/// The turn the macro signal found inside the window of `series_id` (CPI, core CPI, the
/// high-yield spread), in the note's words ([`crate::narrative::macro_turn_words`]); `None` for other
/// series or without one.
fn signal_turn(
    r: &crate::signals::SignalResult,
    series_id: &str,
    change: f64,
    as_of: chrono::NaiveDate,
) -> Option<String> {
    let key = match series_id {
        "cpi" => "turn_h",
        "core_cpi" => "turn_c",
        "hy_oas" => "turn_oas",
        _ => return None,
    };
    crate::narrative::macro_turn_words(r, key, change, as_of)
}

fn macro_scene(analysis: &crate::Analysis) -> macro_panel::MacroScene {
    let from = analysis.as_of.checked_sub_months(chrono::Months::new(60)).unwrap_or(analysis.as_of);
    let stance = analysis.stance.stance;
    let cells: Vec<_> = analysis
        .dataset
        .macros
        .iter()
        .map(|s| {
            // The verdict is the note's: the state of the macro signal that reads this series.
            let sig = annotate::macro_signal_of(&s.id);
            let verdict = macro_panel::Verdict {
                // The name the note's tables give its reading ("Inflation cooling"), else the measure.
                signal: sig.map(|(id, name)| {
                    annotate::state_of(&analysis.signals, id)
                        .and_then(|st| crate::narrative::macro_reading_name(id, st))
                        .unwrap_or(name)
                }),
                state: sig.and_then(|(id, _)| annotate::state_of(&analysis.signals, id)),
                stance,
                // The note's own words for why (the macro section's `macro_reason`), one fact.
                reason: sig
                    .and_then(|(id, _)| analysis.signals.iter().find(|r| r.id == id.as_str()))
                    .and_then(|r| {
                        r.reason.as_ref().map(|u| {
                            crate::narrative::macro_reason(u, &analysis.dataset.macros, analysis.as_of, r.id)
                        })
                    }),
            };
            macro_panel::cell(s, analysis.as_of, from, verdict, signal_change(analysis, &s.id))
        })
        .collect();
    let cells = one_reason_per_signal(cells);
    use crate::signals::stance::StanceKind;
    let key = match stance {
        StanceKind::Long | StanceKind::Short => format!(
            "the note's macro signals read for the {} thesis: a panel's change is drawn green where its signal supports the thesis and the series moved that way, red where it works against it, blue where the signal is neutral or the series flat, grey where the note does not assess it",
            if stance == StanceKind::Long { "long" } else { "short" }
        ),
        StanceKind::Neutral => "the note's macro signals; the stance is neutral, so no change is coloured for or against it (each panel says which direction would help a long)".into(),
    };
    macro_panel::MacroScene {
        title: "Macro backdrop".into(),
        subtitle: format!(
            "values published by {}, up to five years (each panel names the months it covers) · {key}",
            analysis.as_of
        ),
        cells,
    }
}

/// A signal that reads two series (the 2-year yield against fed funds) gives its not-assessed
/// reason once (review 32: the fed-funds caveat printed in two panels): in the panel whose series
/// the reason names (its label's first two words, "fed funds"), else the first; the other panels
/// point to it ("not assessed (see Fed funds rate)").
fn one_reason_per_signal(mut cells: Vec<macro_panel::MacroCell>) -> Vec<macro_panel::MacroCell> {
    let short = |label: &str| label.split(" (").next().unwrap_or(label).to_string();
    for k in 0..cells.len() {
        let (Some(sig), Some(reason)) = (cells[k].verdict.signal, cells[k].verdict.reason.clone()) else {
            continue;
        };
        let same: Vec<usize> = (0..cells.len())
            .filter(|j| {
                cells[*j].verdict.signal == Some(sig) && cells[*j].verdict.reason.as_ref() == Some(&reason)
            })
            .collect();
        if same.len() < 2 {
            continue;
        }
        let lower = reason.to_lowercase();
        let names = |j: &usize| {
            let words: Vec<String> =
                cells[*j].label.to_lowercase().split(' ').take(2).map(String::from).collect();
            words.len() == 2 && lower.contains(&words.join(" "))
        };
        let home = same.iter().copied().find(names).unwrap_or(same[0]);
        let to = format!("see {}", short(&cells[home].label));
        for j in same.into_iter().filter(|j| *j != home) {
            cells[j].verdict.reason = Some(to.clone());
        }
    }
    cells
}

/// The design size in CSS pixels every chart is laid out for.
pub const DESIGN_W: f64 = 750.0;
/// Design height in CSS pixels.
pub const DESIGN_H: f64 = 570.0;
/// The smallest text size on any chart, in design (CSS) pixels; an image `w` pixels wide has no
/// text smaller than `FS_MIN × w / DESIGN_W` pixels (when its height does not bind the scale).
pub const FS_MIN: f64 = panel::FS_MIN;

/// Scale factor for a canvas size: image pixels per design pixel (2.0 at the default
/// 1500 × 1140). The phone size is laid out for its own design box ([`PHONE_DESIGN_W`] ×
/// [`PHONE_DESIGN_H`]), also at 2.0.
fn scale(w: u32, h: u32) -> f64 {
    if w == PHONE_W || (w, h) == (PDF_W, PDF_H) {
        return 2.0;
    }
    (w as f64 / DESIGN_W).min(h as f64 / DESIGN_H).clamp(0.3, 8.0)
}

/// The phone variant's PNG bytes (empty when no PNG is wanted).
fn render_phone<S: Scene>(scene: &S, theme: Theme, want: Out) -> Result<Vec<u8>> {
    if !want.png {
        return Ok(Vec::new());
    }
    let h = phone_h(scene);
    let mut lay =
        Layout { name: String::new(), size: (PHONE_W, h), boxes: Vec::new(), axis_ticks: Vec::new() };
    render_png(scene, Palette::of(theme), 2.0, PHONE_W, h, &mut lay)
}

/// The phone variant's height in pixels (2×).
fn phone_h<S: Scene>(scene: &S) -> u32 {
    (scene.phone_design_h() * 2.0).round().clamp(400.0, 6000.0) as u32
}

/// Draws a scene to PNG bytes and/or SVG text.
fn render_scene<S: Scene>(
    scene: &S,
    theme: Theme,
    cfg: &ChartConfig,
    want: Out,
) -> Result<(Vec<u8>, Option<String>, Layout)> {
    let (w, h) = (cfg.width.max(50), cfg.height.max(50));
    // The phone width is laid out at the phone design's own height; the PDF size at the PDF
    // design's (a taller macro chart), both at 2×.
    let pdf = (w, h) == (PDF_W, PDF_H);
    let h = if w == PHONE_W {
        phone_h(scene)
    } else if pdf {
        let (lo, own, hi) = pdf_design_range(scene);
        let design_h =
            want.pdf_ratio.filter(|r| r.is_finite()).map_or(own, |r| (r * PDF_DESIGN_W).clamp(lo, hi));
        (design_h * 2.0).round() as u32
    } else {
        h
    };
    let pal = Palette::of(theme);
    let s = if pdf { 2.0 } else { scale(w, h) };
    let mut lay = Layout { name: String::new(), size: (w, h), boxes: Vec::new(), axis_ticks: Vec::new() };
    let png = if want.png { render_png(scene, pal, s, w, h, &mut lay)? } else { Vec::new() };
    let svg = if want.svg { Some(render_svg(scene, pal, s, w, h, &mut lay)?) } else { None };
    Ok((png, svg, lay))
}

fn new_pen<'a, B: DrawingBackend>(
    area: &'a DrawingArea<B, plotters::coord::Shift>,
    pal: Palette,
    s: f64,
    direct: Option<rgb::Direct<'a>>,
    raster: bool,
) -> Pen<'a, B> {
    Pen { area, pal, s, raster, placed: Default::default(), axes: Default::default(), direct }
}

fn take_layout<B: DrawingBackend>(pen: Pen<'_, B>, lay: &mut Layout) {
    lay.boxes = pen.placed.into_inner().into_iter().map(|p| (p.kind, [p.a.0, p.a.1, p.b.0, p.b.1])).collect();
    lay.axis_ticks = pen.axes.into_inner();
}

fn draw_err(what: &str, e: canvas::DrawError) -> Error {
    Error::Internal(format!("drawing the {what} chart failed: {}", e.0))
}

fn render_png<S: Scene>(
    scene: &S,
    pal: Palette,
    s: f64,
    w: u32,
    h: u32,
    lay: &mut Layout,
) -> Result<Vec<u8>> {
    encode::with_canvas(w as usize * h as usize * 3, |buf| {
        {
            let canvas = rgb::Shared::over_stale(&mut buf[..], (w, h))
                .ok_or_else(|| Error::Internal("the chart canvas is too small".into()))?;
            let root = rgb::Rgb::new(&canvas).into_drawing_area();
            let pen = new_pen(&root, pal, s, Some(rgb::Direct::new(&canvas)), true);
            scene.draw(&pen).map_err(|e| draw_err("PNG", e))?;
            take_layout(pen, lay);
            root.present().map_err(|e| draw_err("PNG", e.into()))?;
            canvas.finish();
        }
        encode::png_rgb(buf, w, h)
    })
}

fn render_svg<S: Scene>(scene: &S, pal: Palette, s: f64, w: u32, h: u32, lay: &mut Layout) -> Result<String> {
    let mut out = String::new();
    {
        let backend = SVGBackend::with_string(&mut out, (w, h));
        let root = backend.into_drawing_area();
        let pen = new_pen(&root, pal, s, None, false);
        scene.draw(&pen).map_err(|e| draw_err("SVG", e))?;
        take_layout(pen, lay);
        root.present().map_err(|e| draw_err("SVG", e.into()))?;
    }
    Ok(out)
}

#[cfg(test)]
mod png_tests {
    use super::encode::png_rgb as encode_png;

    #[test]
    fn png_encoding_is_lossless_and_deterministic() {
        // Flat areas, a gradient, thin lines and noise: every filter path of the encoder.
        let (w, h) = (97u32, 61u32);
        let mut rgb = vec![255u8; (w * h * 3) as usize];
        let mut seed = 7u32;
        for (i, px) in rgb.chunks_exact_mut(3).enumerate() {
            let (x, y) = (i as u32 % w, i as u32 / w);
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            if y > 40 {
                px.copy_from_slice(&[(seed >> 16) as u8, (seed >> 8) as u8, seed as u8]);
            } else if x % 10 == 0 || y % 9 == 0 {
                px.copy_from_slice(&[20, 40, (x * 2) as u8]);
            } else if y > 20 {
                px.copy_from_slice(&[(x + y) as u8, 128, 255 - x as u8]);
            }
        }
        let a = encode_png(&rgb, w, h).unwrap();
        assert_eq!(a, encode_png(&rgb, w, h).unwrap());
        let mut r = png::Decoder::new(std::io::Cursor::new(&a)).read_info().unwrap();
        let mut out = vec![0u8; r.output_buffer_size()];
        let info = r.next_frame(&mut out).unwrap();
        assert_eq!((info.width, info.height, info.color_type), (w, h, png::ColorType::Rgb));
        assert_eq!(&out[..info.buffer_size()], &rgb[..]);
    }
}
