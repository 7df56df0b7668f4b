//! The timeframe chart (weekly, 3-day, daily): bars, indicator series and annotations in, four
//! stacked panels sharing one bar-index x axis out: candles with Bollinger bands and signal
//! annotations, volume with its regression trendline, the MACD histogram coloured by wave state,
//! and OBV with its support line.

use super::annotate::{Annotations, Band};
use super::canvas::{date_ticks, DResult, Frame, Pen};
use super::panel::{
    draw_edge_labels, draw_header, draw_legend_by, draw_not_enough, draw_plot_bg, draw_plot_frame,
    draw_x_grid, draw_x_labels, draw_y_axis, legend_lines_by, ColLabel, EdgeLabel, Spacing, Swatch, TickFmt,
    FS_NOTE, FS_TICK,
};
use super::theme::Palette;
use super::Scene;
use crate::data::Bars;
use crate::resample::Timeframe;
use chrono::NaiveDate;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// Bars needed before a timeframe chart is drawn.
pub(crate) const MIN_BARS: usize = 20;

/// Which annotation layers a timeframe chart shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layers {
    /// Weekly: compression cluster and bands, reclaim marker.
    Weekly,
    /// 3-day: consolidation zone and breakout, cluster top as a reference line.
    ThreeDay,
    /// Daily: stacked levels, distribution days, the year's top volume day, lower high, OBV line.
    Daily,
}

/// Everything a timeframe chart draws.
pub(crate) struct TfScene<'a> {
    /// Title.
    pub title: String,
    /// Subtitle (as-of, window, stance).
    pub subtitle: String,
    /// Timeframe.
    pub tf: Timeframe,
    /// All bars (indicators were computed over all of them).
    pub bars: &'a Bars,
    /// First bar shown.
    pub start: usize,
    /// Bollinger upper band.
    pub bb_upper: Vec<f64>,
    /// Bollinger lower band.
    pub bb_lower: Vec<f64>,
    /// MACD(12,26,9) histogram.
    pub hist: Vec<f64>,
    /// On-balance volume.
    pub obv: Vec<f64>,
    /// Annotations (all of them; `layers` picks what is drawn).
    pub ann: &'a Annotations,
    /// Annotation layers.
    pub layers: Layers,
    /// The stance's invalidation levels on this timeframe's closes, drawn as lines in the risk
    /// colour and labelled through the layout pass.
    pub stops: Vec<Stop>,
    /// The last-close legend entry: [`LAST_CLOSE`], or which bar the close is when the as-of
    /// close lies in a bar not yet complete (3-day, weekly).
    pub last_close: String,
    /// The last daily bar (date, open, close) when it is later than this chart's last complete
    /// bar (a 3-day or weekly chart as of a day inside its next bar): the last-price tag and its
    /// dashed line show that close, the one the note's text quotes (issue 13: the 3-day tag read
    /// 292.09, the note 291.17). `None` on the daily chart and when the bars end together.
    pub last_daily: Option<(NaiveDate, f64, f64)>,
    /// The note's stance is neutral (the risk legend's words, [`stop_legend`]).
    pub neutral: bool,
    /// Where the risk lines start, as a fraction of the plot width ([`RISK_FROM`]; further left
    /// on the phone's shorter daily window, so they cover the same sessions as on the wide chart).
    pub risk_from: f64,
    /// Legend lines reserved above each panel (price, volume, momentum, OBV), set by the layout.
    pub legend_lines: std::cell::Cell<[i32; 4]>,
    /// Width in pixels of the price panel's label column (0 when labels sit in the plot).
    pub col_w: std::cell::Cell<i32>,
    /// The price plot is narrow (a phone): set by the layout with [`TfScene::col_w`].
    pub narrow: std::cell::Cell<bool>,
    /// Pixels between the price legend and the price plot beyond the legend's strip (a phone's),
    /// set by the layout.
    pub legend_pad: std::cell::Cell<i32>,
    /// Where each of F1's levels (`ann.levels`, same order) is drawn and labelled: a level
    /// named by a moving average ("50-day avg") at that average's value at the as-of date, the
    /// value the note's text quotes ([`ma_now`]); any other level at its own price.
    pub level_now: Vec<f64>,
    /// The averages drawn beside F1's levels ([`TfScene::avgs_beside_levels`]), computed once
    /// when the scene is built ([`TfScene::with_avgs`]) and read by the legend, the labels and
    /// the drawing.
    pub avgs: Vec<(usize, f64)>,
}

/// A moving average's value at the last of `close`, by F1's source name ("SMA50", "EMA21"):
/// the simple averages through [`crate::narrative::context::sma_last`], the function the note's
/// text takes its 50- and 200-day averages from, so the chart's "50-day avg" and the text's
/// "50-day average" are one computed value. `None` for any other name or too short a history.
pub(crate) fn ma_now(close: &[f64], name: &str) -> Option<f64> {
    let name = name.trim();
    if !is_moving_average(name) {
        return None;
    }
    let n: usize = name[3..].parse().ok().filter(|n| *n > 0)?;
    if name.starts_with("SMA") {
        crate::narrative::context::sma_last(close, n)
    } else if close.len() >= n {
        crate::indicators::ema(close, n).last().copied().filter(|v| v.is_finite())
    } else {
        None
    }
}

/// The corners of a diamond marker centred on `p`, `r` pixels from centre to each corner.
pub(crate) fn diamond(p: (i32, i32), r: i32) -> [(i32, i32); 4] {
    let r = r + r / 4;
    [(p.0, p.1 - r), (p.0 + r, p.1), (p.0, p.1 + r), (p.0 - r, p.1)]
}

/// One of the stance's risk levels on a price chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Stop {
    /// The level's price.
    pub value: f64,
    /// Its tag in the label column: "stop" only for the level the note's lead calls its stop
    /// ("watch" for a neutral note's two levels), else the level's short name ("swing high").
    pub tag: String,
    /// For the lead's level decided by another timeframe's close ("3-day stop" on the daily
    /// chart), what breaks it, from the same invalidation fact the text states: "3-day stop: a
    /// 3-day close above invalidates the short" (review 22: the daily chart drew a "3-day stop"
    /// its legend did not explain). `None` for any other level.
    pub rule: Option<String>,
    /// When a close has broken the level and price is still beyond it (the Risk table's
    /// "broken on ..."), the legend's words for it: "swing low 702.81, closed below on Jul 17".
    /// Such a level is drawn in the broken style (a dashed muted line, a muted "broken" tag),
    /// never as a level still to watch (issue 13: QQQ's broken swing low was drawn as a watch
    /// level).
    pub broken: Option<String>,
}

impl Stop {
    /// The level's line and tag colour: the risk colour, or muted when it is broken.
    pub(crate) fn color(&self, pal: &Palette) -> RGBAColor {
        if self.broken.is_some() {
            Palette::alpha(pal.muted, 0.95)
        } else {
            pal.risk.to_rgba()
        }
    }

    /// The tag's name: its own, or "broken" for a broken level that is not the lead's (the
    /// legend names it in full).
    pub(crate) fn name(&self) -> String {
        if self.broken.is_some() && !is_lead_tag(&self.tag) {
            BROKEN.to_string()
        } else {
            self.tag.clone()
        }
    }
}

/// The tag word of a broken risk level.
pub(crate) const BROKEN: &str = "broken";

/// Legend entry of a broken risk level (the dashed muted line).
fn broken_legend(words: &str) -> String {
    format!("broken risk level: {words}")
}

pub(crate) use crate::indicators::primitives::{wave_states, WaveState as Wave};

/// Ordinary least squares `y = a + b·x` over finite points; `None` with fewer than 2.
pub(crate) fn ols(points: impl Iterator<Item = (f64, f64)>) -> Option<(f64, f64)> {
    let (mut n, mut sx, mut sy, mut sxx, mut sxy) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for (x, y) in points {
        if x.is_finite() && y.is_finite() {
            n += 1.0;
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
        }
    }
    let den = n * sxx - sx * sx;
    if n < 2.0 || den.abs() < f64::EPSILON {
        return None;
    }
    let b = (n * sxy - sx * sy) / den;
    Some(((sy - b * sx) / n, b))
}

/// Index of the bar containing `d`: the first bar labelled on or after it (resampled bars are
/// labelled with their last session), if it is not past the end.
pub(crate) fn bar_of(dates: &[NaiveDate], d: NaiveDate) -> Option<usize> {
    let i = dates.partition_point(|x| *x < d);
    (i < dates.len()).then_some(i)
}

fn valid_volume(v: f64) -> bool {
    v.is_finite() && v > 0.0
}

/// Contiguous runs of finite values of `ys` over `range`, as pixel polylines.
fn polylines(f: &Frame, range: std::ops::Range<usize>, ys: &[f64]) -> Vec<Vec<(i32, i32)>> {
    let mut out = Vec::new();
    let mut cur = Vec::new();
    for i in range {
        let v = ys.get(i).copied().unwrap_or(f64::NAN);
        if v.is_finite() {
            cur.push((f.fx(i as f64), f.fy(v)));
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The name of H1's latest swing high, in words ([`super::annotate::LowerHigh::kind`]): the
/// marker, the label column and the phone labels all use it, so one level has one name.
pub(crate) fn last_high_name(lh: &super::annotate::LowerHigh) -> &'static str {
    lh.kind().name()
}

/// The legend entry of the swing-high markers: a standing lower high with its confirming low
/// (the dashed line) says what that low is; otherwise the markers are the two swing highs.
fn lh_legend(lh: &super::annotate::LowerHigh) -> &'static str {
    if lh.stands() {
        "lower high"
    } else {
        "swing highs"
    }
}

/// The legend entry of a standing lower high's trigger low (the dashed line), with its value:
/// the line is named here, not in the label column, unless a risk level is set at it (review 19:
/// a "trigger low 177.50" tag in the risk colour read as a level of the Risk table, which it
/// was not, and made the seventh tag of the stack).
fn trigger_legend(m: f64) -> String {
    format!("{CONFIRMING_LOW} {}: the swing low between the two highs", crate::fmt::price(m))
}

/// The name of the swing low between a standing lower high's two highs, whose close below
/// confirmed it (the note: "the swing low between the two highs").
pub(crate) const CONFIRMING_LOW: &str = "trigger low";

/// The compression cluster's top name for the weekly and 3-day charts (its low is not drawn):
/// "old squeeze top" when D1 calls the zone too old to be a level, "wide squeeze top" when too
/// wide, else "squeeze top".
pub(crate) fn squeeze_names(a: &Annotations) -> &'static str {
    match a.cluster_stale {
        Some(crate::signals::ZoneStatus::Old) => "old squeeze top",
        Some(_) => "wide squeeze top",
        None => "squeeze top",
    }
}

/// The weekly legend's names of the squeeze zone's top line and its latest band, with D1's
/// reason when the zone is no level (review 16: "latest squeeze zone" beside a text that called
/// the squeeze too old): the same fact as [`squeeze_names`] and the alt text.
fn zone_legend(a: &Annotations) -> (&'static str, &'static str) {
    match a.cluster_stale {
        Some(crate::signals::ZoneStatus::Old) => {
            ("old squeeze top", "last squeeze zone, too old to be a level")
        }
        Some(_) => ("wide squeeze top", "last squeeze zone, too wide to be a level"),
        None => ("squeeze-zone top", "latest squeeze zone"),
    }
}

/// The name a risk level at `v` takes on the daily chart when a swing marker already names that
/// price (the latest swing high: "lower high"; the prior one: "swing high"), so the column and
/// the marker say the same.
fn swing_name_at(a: &Annotations, v: f64) -> Option<&'static str> {
    let lh = a.lower_high.as_ref()?;
    let same = |x: f64| crate::fmt::price(x) == crate::fmt::price(v);
    if same(lh.h_last) {
        Some(last_high_name(lh))
    } else if same(lh.h_prev) {
        Some("swing high")
    } else {
        None
    }
}

/// A moving-average source in words: "SMA50" → "50-day avg", "EMA21" → "21-day EMA"; `None`
/// for any other name. The chart draws no average line, so the name says which average the
/// level is (its value when the leg crossed it, as the legend says).
pub(crate) fn ma_words(name: &str) -> Option<String> {
    let n = name.trim();
    if !is_moving_average(n) {
        return None;
    }
    let days = &n[3..];
    Some(if n.starts_with("SMA") { format!("{days}-day avg") } else { format!("{days}-day EMA") })
}

/// The moving averages of a stacked level named together, in the note's words: "SMA20 + EMA21"
/// → "20/21-day avg" (the text: "where the 20- and 21-day averages met"; it calls an SMA and an
/// EMA of one length one average), with how many of the level's sources that names. `None`
/// when fewer than two distinct averages make the level (one keeps [`ma_words`]).
pub(crate) fn ma_group_words(label: &str) -> Option<(String, usize)> {
    let mas: Vec<&str> = label.split(" + ").map(str::trim).filter(|p| is_moving_average(p)).collect();
    let mut days: Vec<u32> = mas.iter().filter_map(|p| p[3..].parse().ok()).collect();
    days.sort_unstable();
    days.dedup();
    (days.len() >= 2).then(|| {
        let d: Vec<String> = days.iter().map(u32::to_string).collect();
        (format!("{}-day avg", d.join("/")), mas.len())
    })
}

/// True for F1's moving-average source names ("SMA50", "EMA21").
pub(crate) fn is_moving_average(name: &str) -> bool {
    let n = name.trim();
    (n.starts_with("SMA") || n.starts_with("EMA"))
        && n.len() > 3
        && n[3..].chars().all(|c| c.is_ascii_digit())
}

/// A level's name in the label column, in words (F1's sources, dates left out: "swing high
/// 2025-02-14" → "swing high"; "HVN" → "vol. node"; "SMA50" → "50-day avg"; repeats
/// once): the first source by its name; no unexplained "+3" for the others, which the note
/// lists.
pub(crate) fn level_col_name(label: &str) -> String {
    let mut parts: Vec<String> = Vec::new();
    for p in label.split(" + ").map(str::trim).filter(|p| !p.is_empty()) {
        let p = p
            .split(' ')
            .filter(|w| !w.chars().next().is_some_and(|c| c.is_ascii_digit()))
            .collect::<Vec<_>>()
            .join(" ");
        let p = match p.as_str() {
            // Short enough for the capped column beside a value ("vol. node 239.29").
            "HVN" => "vol. node".to_string(),
            _ => p,
        };
        if !p.is_empty() && !parts.contains(&p) {
            parts.push(p);
        }
    }
    // How many of the sources are swing highs (lows): F1 merges nearby pivots into one level
    // at their average, so a level of two highs is not either high's price.
    let pivots = |kind: &str| label.split(" + ").filter(|p| p.trim().starts_with(kind)).count();
    match parts.as_slice() {
        [] => "level".to_string(),
        // F1's swing highs and lows are earlier pivots, not the swing markers H1 draws on the
        // same chart ("swing high 231.46"): named "prior high" so the two read apart, and a
        // level merged from several is a zone (review 15: "prior high 231.08" beside "swing high
        // 231.46" read as one high at two prices; "2 prior highs" then read as a count).
        // A level where several averages met is named by all of them ("20/21-day avg").
        [p, ..] if is_moving_average(p) => {
            ma_group_words(label).map(|(w, _)| w).or_else(|| ma_words(p)).unwrap_or_else(|| p.clone())
        }
        [p, ..] => ma_words(p).unwrap_or_else(|| match (p.as_str(), pivots(p)) {
            // "prior highs", not "prior-highs zone": the phone column truncated that (review 16);
            // not "highs zone" either: the text never defines that term (review 23).
            ("swing high", n) if n > 1 => "prior highs".to_string(),
            ("swing low", n) if n > 1 => "prior lows".to_string(),
            ("swing high", _) => "prior high".to_string(),
            ("swing low", _) => "prior low".to_string(),
            _ => truncate(p, 12),
        }),
    }
}

/// The 3-day volume trend's legend: what rose (the fitted volume per bar), from what to what,
/// and E3's figure ("20-bar volume trend 12.1M → 58.2M a bar (+381%)").
fn vtrend_legend(from: f64, to: f64, vt: f64) -> String {
    format!(
        "20-bar volume trend {} → {} a bar ({})",
        crate::fmt::shares_m(from),
        crate::fmt::shares_m(to),
        signed_pct_note(vt)
    )
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// True for the lead's own tags: "stop", "watch", and the same on another timeframe's close
/// drawn on the daily chart ("3-day stop").
pub(crate) fn is_lead_tag(tag: &str) -> bool {
    ["stop", "watch"].iter().any(|w| tag == *w || tag.strip_suffix(w).is_some_and(|p| p.ends_with(' ')))
}

/// Legend text of the stance's risk levels: which tag, if any, is the lead's own level.
/// One vocabulary per note (issue 13 item 5): a neutral note's levels count toward a side on every
/// chart, whether or not this chart draws one of its two watched levels; only a long or short
/// has an idea a close can go against.
fn stop_legend(stops: &[Stop], neutral: bool) -> String {
    let held: Vec<&Stop> = stops.iter().filter(|s| s.broken.is_none()).collect();
    let stops = &held[..];
    let tag = |t: &str| stops.iter().any(|s| is_lead_tag(&s.tag) && s.tag.ends_with(t));
    if let Some(rule) = stops.iter().find_map(|s| s.rule.as_deref()) {
        format!("risk levels ({rule})")
    } else if tag("stop") {
        "risk levels (stop: a close beyond it proves the idea wrong)".into()
    } else if tag("watch") {
        "risk levels (watch: a close beyond one counts toward a side)".into()
    } else if neutral {
        "risk levels (a close beyond one counts toward a side)".into()
    } else {
        "risk levels (a close beyond one goes against the idea)".into()
    }
}

/// The risk-level legend when one of the levels is the weekly squeeze-zone top, said plainly
/// and no longer than before (a longer entry wrapped and squeezed the PDF's OBV panel) (review 23: "risk levels, one the squeeze-zone top (a close
/// beyond one goes against the idea)" read garbled).
fn top_is_risk_legend(words: &str) -> String {
    words.replacen("risk levels", "risk levels incl. the squeeze-zone top", 1)
}

/// The weekly legend's name of D2's anchor low, with the week the note's text names it by: "2024
/// low 395.34 (anchor, 2024-01-05)" when it is the lowest low of the configured `anchor_year`
/// (`year`; the chart may show lower lows before that year, issue 13: QQQ), else "anchor low
/// 395.34 (2024-01-05)" (chosen automatically, or moved to a later, lower low).
pub(crate) fn anchor_text(d: NaiveDate, v: f64, year: Option<i32>) -> String {
    match year {
        Some(y) => format!("{y} low {} (anchor, {d})", crate::fmt::price(v)),
        None => format!("anchor low {} ({d})", crate::fmt::price(v)),
    }
}

/// The distribution days stacked on a swing high's diamond, as the second fact of its label:
/// "swing high 745.45 (also a distribution day)" when the high's own bar is one, else "(and a
/// distribution day)" / "(and 3 distribution days)" for the neighbouring bars' triangles. In
/// brackets, so the two facts read as two (a reviewer read "swing high 745.45 · distribution
/// day" as a kind of distribution day); empty without days.
pub(crate) fn days_note(same_bar: bool, near: usize) -> String {
    match (same_bar, near) {
        (_, 0) => String::new(),
        (true, 1) => " (also a distribution day)".to_string(),
        (_, 1) => " (and a distribution day)".to_string(),
        (_, k) => format!(" (and {k} distribution days)"),
    }
}

/// The momentum panel's name.
const MACD_NAME: &str = "MACD (12, 26, 9) histogram";
/// What the weekly chart's histogram is among the note's three weekly momentum measures.
const WEEKLY_MACD_NOTE: &str = "medium-term of 3 weekly measures";

fn wave_color(pal: &Palette, s: Wave) -> RGBAColor {
    match s {
        Wave::EU => pal.up.to_rgba(),
        Wave::CU => Palette::alpha(pal.up, pal.faded),
        Wave::CD => Palette::alpha(pal.down, pal.faded),
        Wave::ED => pal.down.to_rgba(),
    }
}

fn macd_legend(pal: &Palette) -> Vec<(Swatch, String)> {
    vec![
        (Swatch::Box(wave_color(pal, Wave::EU)), "expanding up".into()),
        (Swatch::Box(wave_color(pal, Wave::CU)), "contracting up".into()),
        (Swatch::Box(wave_color(pal, Wave::CD)), "downside fading".into()),
        (Swatch::Box(wave_color(pal, Wave::ED)), "expanding down".into()),
    ]
}

impl TfScene<'_> {
    fn n(&self) -> usize {
        self.bars.len()
    }

    /// Whether the squeeze zone's top `c.hi` is also one of this chart's risk levels (at the
    /// printed precision): its line is then the risk level's, in the risk colour.
    fn top_is_risk(&self, c: &Band) -> bool {
        let top = crate::fmt::price(c.hi);
        self.stops.iter().any(|s| crate::fmt::price(s.value) == top)
    }

    /// 3% of the window's price range (lowest low to highest high of the visible bars): how near
    /// two lines must be to read as one at a glance. NaN without finite bars.
    fn near_band(&self) -> f64 {
        let b = self.bars;
        let (lo, hi) = (self.start..self.n())
            .filter(|i| b.low[*i].is_finite() && b.high[*i].is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), i| (lo.min(b.low[i]), hi.max(b.high[i])));
        0.03 * (hi - lo)
    }

    /// The note's 50- and 200-day averages (days, value today: [`ma_now`], the text's values)
    /// that lie within 3% of the window's price range of one of F1's drawn levels without being
    /// that level (a level set by the average itself is already named "50-day avg"). Daily chart
    /// only. Review 19: "highs zone 226.94" beside a text quoting the 50-day average at 226.95
    /// read as a mislabelled average; the average then gets its own short line and tag, so each
    /// label names one thing.
    fn avgs_beside_levels(&self) -> Vec<(usize, f64)> {
        if self.layers != Layers::Daily || self.ann.levels.is_empty() {
            return Vec::new();
        }
        let b = self.bars;
        let near = self.near_band();
        if !(near.is_finite() && near > 0.0) {
            return Vec::new();
        }
        let close = &b.close[..self.n()];
        [50usize, 200]
            .into_iter()
            .filter_map(|n| Some((n, ma_now(close, &format!("SMA{n}"))?)))
            .filter(|(n, v)| {
                let own = self
                    .ann
                    .levels
                    .iter()
                    .any(|l| l.label.split(" + ").any(|p| p.trim() == format!("SMA{n}")));
                let printed = crate::fmt::price(*v);
                !own && (0..self.ann.levels.len()).any(|k| {
                    let y = self.level_y(k);
                    (y - v).abs() < near && crate::fmt::price(y) != printed
                })
            })
            .collect()
    }

    /// The scene with [`TfScene::avgs`] filled in (once: review 22 counted up to four
    /// computations per daily chart).
    pub(crate) fn with_avgs(mut self) -> Self {
        self.avgs = self.avgs_beside_levels();
        self
    }

    /// Where F1's level `k` is drawn and labelled ([`TfScene::level_now`]).
    pub(crate) fn level_y(&self, k: usize) -> f64 {
        self.level_now.get(k).copied().or_else(|| self.ann.levels.get(k).map(|l| l.price)).unwrap_or(f64::NAN)
    }

    /// The momentum panel's name: the histogram, then the note's momentum reading for this
    /// timeframe (D4 weekly, E4 3-day) when there is one, so the panel says what the text says.
    fn macd_name(&self) -> String {
        match super::annotate::momentum_reading(self.layers, self.ann) {
            Some(r) => format!("{MACD_NAME}: {r}"),
            None => MACD_NAME.to_string(),
        }
    }

    /// The momentum panel's legend name and items for a strip from `x0` to `x1`: the name with
    /// the reading when it fits on the line, else the plain name with the reading as the first
    /// item (wrapping like the others, so a phone never clips it).
    fn macd_strip<B: DrawingBackend>(
        &self,
        pen: &Pen<B>,
        x0: i32,
        x1: i32,
    ) -> (String, Vec<(Swatch, String)>) {
        let full = self.macd_name();
        let mut items = macd_legend(&pen.pal);
        // The weekly note reads three MACD settings and calls this one "the chart's MACD
        // histogram" (review 32: the chart showed one MACD and did not say which): named here.
        if self.layers == Layers::Weekly {
            items.insert(0, (Swatch::Note, WEEKLY_MACD_NOTE.into()));
        }
        let fits = pen.text_size(&full, pen.fs(super::panel::FS_TEXT), true).0 + pen.px(10.0) <= x1 - x0;
        match super::annotate::momentum_reading(self.layers, self.ann) {
            Some(r) if !fits => {
                let mut v = vec![(Swatch::Note, r)];
                v.extend(items);
                (MACD_NAME.to_string(), v)
            }
            _ => (full, items),
        }
    }

    /// The legend items each panel may show (a superset of what is drawn: every annotation the
    /// evidence carries), to reserve enough legend lines before the panels are laid out.
    fn legend_guess(&self, k: usize) -> Vec<String> {
        let a = self.ann;
        let mut out: Vec<String> = Vec::new();
        match k {
            0 => {
                out.extend([
                    "up / down".to_string(),
                    self.last_close.clone(),
                    "Bollinger (20, 2)".to_string(),
                ]);
                match self.layers {
                    Layers::Weekly => {
                        if let Some(c) = &a.cluster {
                            if !self.top_is_risk(c) {
                                out.push(zone_legend(a).0.into());
                            }
                            if !a.bands.is_empty() {
                                out.push(zone_legend(a).1.into());
                            }
                            if a.bands.len() > 1 {
                                out.push("earlier squeeze zones".into());
                            }
                        }
                        if self.holds_stops() {
                            let words = stop_legend(&self.stops, self.neutral);
                            match &a.cluster {
                                Some(c) if self.top_is_risk(c) => out.push(top_is_risk_legend(&words)),
                                _ => out.push(words),
                            }
                        }
                        out.extend(self.broken_legends());
                        if a.reclaim_date.is_some() {
                            out.push(reclaim_words(a.cluster_state).1.into());
                        }
                        if let (Some((d, v)), Some(_)) = (a.anchor_low, self.anchor_bar()) {
                            out.push(anchor_text(d, v, a.anchor_year));
                        }
                    }
                    Layers::ThreeDay => {
                        if a.zone.is_some() {
                            out.push("consolidation zone".into());
                        }
                        if a.cluster.is_some() {
                            out.push("weekly squeeze-zone top".into());
                        }
                        if self.holds_stops() {
                            out.push(stop_legend(&self.stops, self.neutral));
                        }
                        out.extend(self.broken_legends());
                        if a.breakout_date.is_some() {
                            out.push(breakout_words(a.zone_state, true).1.into());
                        }
                    }
                    Layers::Daily => {
                        if !a.levels.is_empty() {
                            out.push(levels_name(a).into());
                        }
                        if !self.avgs.is_empty() {
                            out.push(AVG_NOW.into());
                        }
                        // Risk levels come before the markers, as the drawn legend orders them.
                        if self.holds_stops() {
                            out.push(stop_legend(&self.stops, self.neutral));
                        }
                        out.extend(self.broken_legends());
                        if !a.dist_days.is_empty() {
                            out.push(format!("distribution day ({})", a.dist_days.len()));
                        }
                        if !a.reversals.is_empty() {
                            out.push(REVERSAL.into());
                        }
                        if let Some((_, rank)) = a.volume_day {
                            out.push(super::annotate::volume_day_name(rank, a.volume_day_state));
                        }
                        if let Some(lh) = &a.lower_high {
                            out.push(self.lh_legend_text(lh, self.narrow.get()));
                            if let Some(m) = lh.lmid.filter(|m| lh.stands() && self.broken_at(*m).is_none()) {
                                out.push(trigger_legend(m));
                            }
                            if let Some(i) = self.swing_low_bar(lh) {
                                out.push(match self.broken_at(self.bars.low[i]) {
                                    Some(_) => "swing low (a broken risk level)".into(),
                                    None => "swing low (a risk level)".into(),
                                });
                            }
                        }
                    }
                }
            }
            1 => {
                out.extend(["up".to_string(), "down".to_string()]);
                out.push(match (self.layers, a.d3_vtrend) {
                    (Layers::ThreeDay, Some(v)) => match self.vtrend_line(v) {
                        Some(((_, ya), (_, yb))) => vtrend_legend(ya, yb, v),
                        None => "trend over the window".into(),
                    },
                    _ => "trend over the window".into(),
                });
                if let (Layers::Daily, Some(_)) = (self.layers, a.volume_day) {
                    out.push(super::annotate::volume_day_kind(a.volume_day_state).into());
                }
            }
            3 => {
                out.push("OBV".into());
                if let (Some((state, _)), name, _) = self.obv_layer() {
                    out.push(if state.is_empty() { name.into() } else { format!("{name} ({state})") });
                }
                // A line cut at its break is read in the legend: "OBV line 2.84B, broken Oct 21"
                // (the widest value and date stand in for the drawn ones).
                if self.obv_cut_at().is_some() && self.col_w.get() > 0 {
                    out.push("OBV line 0.000B, broken Sep 30".into());
                    out.push("extended line 0.00B on Sep 30, OBV 0.00B under it".into());
                }
                if self.wk_obv_break_bar().is_some() {
                    out.push("OBV closed under it, week of Sep 30, 2026".into());
                }
            }
            _ => {}
        }
        out
    }

    /// `f` widened over the label column: the value axis of every panel sits right of it
    /// (gridlines run under the column to the tick labels).
    fn axis_frame(&self, f: &Frame) -> Frame {
        Frame { x1: f.x1 + self.col_w.get(), ..*f }
    }

    /// Lines the price legend took on a phone before its short form: full words, in reading
    /// order, between `x0` and `x1`, without the weekly anchor low's entry (then wide-only):
    /// what the short one frees.
    fn long_legend_lines<B: DrawingBackend>(&self, pen: &Pen<B>, x0: i32, x1: i32) -> i32 {
        let anchor = self.ann.anchor_low.map(|(d, v)| anchor_text(d, v, self.ann.anchor_year));
        let items: Vec<(Swatch, String)> = self
            .legend_guess(0)
            .into_iter()
            .filter(|t| Some(t) != anchor.as_ref())
            .map(|t| (Swatch::Box(pen.pal.text.to_rgba()), t))
            .collect();
        legend_lines_by(pen, x0, x1, &format!("{} price", self.tf.name_cap()), &items, false).max(1)
    }

    /// Legend lines each panel needs between `x0` and `x1`.
    fn needed_lines<B: DrawingBackend>(&self, pen: &Pen<B>, x0: i32, x1: i32) -> [i32; 4] {
        let pal = pen.pal;
        let w_right = pen.area.dim_in_pixel().0 as i32 - Spacing::of(pen).m;
        let (macd, macd_items) = self.macd_strip(pen, x0, x1);
        let names = [
            format!("{} price", self.tf.name_cap()),
            "Volume".to_string(),
            macd,
            "On-balance volume".to_string(),
        ];
        let mut out = [1; 4];
        for (k, name) in names.iter().enumerate() {
            let items: Vec<(Swatch, String)> = if k == 2 {
                macd_items.clone()
            } else {
                self.legend_guess(k)
                    .into_iter()
                    .map(|t| {
                        (Swatch::Box(pal.text.to_rgba()), if k == 0 { self.legend_words(&t) } else { t })
                    })
                    .collect()
            };
            let reorder = k == 0 && self.narrow.get();
            out[k] =
                legend_lines_by(pen, x0, self.legend_right(k, x1, w_right), name, &items, reorder).max(1);
        }
        out
    }

    /// Price-panel edge labels (y, text, colour) before layout, to size the right padding.
    fn price_labels(&self, pal: &Palette) -> Vec<EdgeLabel> {
        let mut out = Vec::new();
        let a = self.ann;
        let cl = pal.cluster.to_rgba();
        match self.layers {
            Layers::Weekly => {
                if let Some(c) = &a.cluster {
                    out.push(EdgeLabel {
                        y: c.hi,
                        text: format!("{} {:.2}", squeeze_names(a), c.hi),
                        color: cl,
                        from: 0.0,
                    });
                }
            }
            Layers::ThreeDay => {
                if let Some(z) = &a.zone {
                    out.push(EdgeLabel {
                        y: z.hi,
                        text: format!("zone top {:.2}", z.hi),
                        color: pal.zone.to_rgba(),
                        from: 0.0,
                    });
                }
                if let Some(c) = &a.cluster {
                    out.push(EdgeLabel {
                        y: c.hi,
                        text: format!("{} {:.2}", squeeze_names(a), c.hi),
                        color: cl,
                        from: 0.0,
                    });
                }
            }
            Layers::Daily => {
                for (k, l) in a.levels.iter().enumerate() {
                    let y = self.level_y(k);
                    // Price and the first source ("SMA20 + SMA50 + HVN" → "SMA20 and 2 more"): short
                    // enough to sit next to its line; the note lists every source.
                    let parts: Vec<&str> = l.label.split(" + ").filter(|p| !p.trim().is_empty()).collect();
                    // A moving average reads "SMA50 was 190.00": its value when crossed.
                    let first = parts.first().map(|p| truncate(p.trim(), 22));
                    // Several averages that met are named together ("20/21-day avg"), as the
                    // text names them; the other sources are counted.
                    // ("20/21-day 295.86": the in-plot label keeps no longer than "20-day avg
                    // 295.86", which the phone's plot had room for beside its line).
                    let ma = first.as_deref().and_then(ma_words).map(|w| match ma_group_words(&l.label) {
                        Some((g, n)) => (g.trim_end_matches(" avg").to_string(), n),
                        None => (w, 1),
                    });
                    let t = match ma {
                        Some((p, n)) if parts.len() <= n => format!("{p} {}", crate::fmt::price(y)),
                        Some((p, n)) => format!("{p} {}, and {} more", crate::fmt::price(y), parts.len() - n),
                        None => String::new(),
                    };
                    let t = match (first, parts.len()) {
                        _ if !t.is_empty() => t,
                        (Some(p), 1) => format!("{:.2} {p}", l.price),
                        (Some(p), k) => format!("{:.2} {p} and {} more", l.price, k - 1),
                        (None, _) => format!("{:.2}", l.price),
                    };
                    out.push(EdgeLabel { y, text: t, color: pal.level.to_rgba(), from: LEVEL_FROM });
                }
                for &(n, v) in &self.avgs {
                    out.push(EdgeLabel {
                        y: v,
                        text: format!("{n}-day avg {}", crate::fmt::price(v)),
                        color: pal.line2.to_rgba(),
                        from: LEVEL_FROM,
                    });
                }
            }
        }
        // A broken level has no in-plot label (a phone): its legend entry names it with its
        // value, and its label crowded the live levels' off their lines.
        for st in self.stops.iter().filter(|s| s.broken.is_none()) {
            let (v, tag) = (&st.value, &st.name());
            // In-plot labels (a phone) keep the short tag ("watch", not "3-day watch"): the
            // narrow plot has no room for the longer one; the wide chart's column names the timeframe.
            let tag = &if is_lead_tag(tag) {
                tag.rsplit(' ').next().unwrap_or(tag).to_string()
            } else {
                tag.clone()
            };
            // A risk level another label already names (the cluster top, the zone top) joins
            // that label rather than stacking a second one on the same line.
            let same = |y: f64| format!("{y:.2}") == format!("{v:.2}");
            match out.iter_mut().find(|l| same(l.y)) {
                Some(l) if is_lead_tag(tag) => {
                    l.text.push_str(" · ");
                    l.text.push_str(tag);
                    l.color = st.color(pal);
                }
                Some(l) => {
                    if st.broken.is_some() {
                        l.text.push_str(" · ");
                        l.text.push_str(BROKEN);
                    }
                    l.color = st.color(pal);
                }
                // A swing high its marker already names at this price gets no second label.
                None if self.layers == Layers::Daily
                    && !is_lead_tag(tag)
                    && st.broken.is_none()
                    && swing_name_at(a, *v).is_some() => {}
                None => out.push(EdgeLabel {
                    y: *v,
                    text: match (self.layers, swing_name_at(a, *v)) {
                        (Layers::Daily, Some(n)) => format!("{n} · {tag} {v:.2}"),
                        _ => format!("{tag} {v:.2}"),
                    },
                    color: st.color(pal),
                    from: self.risk_from,
                }),
            }
        }
        out
    }

    /// The price panel's labels for the right-hand label column of a wide chart (short names,
    /// values formatted by [`crate::fmt::price`] as the note prints them).
    fn col_labels(&self, pal: &Palette) -> Vec<ColLabel> {
        let mut out = Vec::new();
        let a = self.ann;
        let cl = pal.cluster.to_rgba();
        // A run of F1's levels is named as the legend names them; any other run is "levels".
        let level_run = match super::annotate::levels_verb(a) {
            Some("lost") => "lost levels",
            // "reclaimed levels 239.3–246.0" is wider than the capped column and lost its
            // range (2025-12-12); the legend already says the blue levels were reclaimed.
            Some("reclaimed") => "levels",
            _ => "levels",
        };
        let mut push = |y: f64, name: &str, color: RGBAColor, run: &'static str| {
            out.push(ColLabel { y, name: name.to_string(), values: vec![crate::fmt::price(y)], color, run });
        };
        match self.layers {
            Layers::Weekly => {
                if let Some(c) = &a.cluster {
                    push(c.hi, squeeze_names(a), cl, "squeeze zone");
                }
            }
            Layers::ThreeDay => {
                if let Some(z) = &a.zone {
                    push(z.hi, "zone top", pal.zone.to_rgba(), "zone");
                }
                if let Some(c) = &a.cluster {
                    push(c.hi, squeeze_names(a), cl, "squeeze zone");
                }
            }
            Layers::Daily => {
                for (k, l) in a.levels.iter().enumerate() {
                    let name = level_col_name(&l.label);
                    push(self.level_y(k), &name, pal.level.to_rgba(), level_run);
                }
                for &(n, v) in &self.avgs {
                    push(v, &format!("{n}-day avg"), pal.line2.to_rgba(), "averages");
                }
            }
        }
        for st in &self.stops {
            let (v, tag) = (&st.value, &st.name());
            // A risk level at the price another label names (the squeeze top, the zone top)
            // joins that label ("squeeze top · stop 232.28") rather than stacking a second tag.
            let value = crate::fmt::price(*v);
            match out.iter_mut().find(|l| l.names_value(&value)) {
                Some(l) => {
                    // The lead's tag is added; a risk level's own name is not (the label
                    // already names the level: "LH low" is the swing low between the two highs).
                    if (is_lead_tag(tag) || st.broken.is_some()) && !l.name.split(" · ").any(|n| n == tag) {
                        l.name = format!("{} · {tag}", l.name);
                    }
                    l.color = st.color(pal);
                }
                None => {
                    // A swing high a marker names keeps the marker's name ("lower high · watch").
                    let name = match (self.layers, swing_name_at(a, *v)) {
                        (Layers::Daily, Some(n)) if is_lead_tag(tag) => format!("{n} · {tag}"),
                        (Layers::Daily, Some(_)) if st.broken.is_some() => tag.clone(),
                        (Layers::Daily, Some(n)) => n.to_string(),
                        _ => tag.clone(),
                    };
                    out.push(ColLabel {
                        y: *v,
                        name,
                        values: vec![value],
                        color: st.color(pal),
                        run: "risk levels",
                    })
                }
            }
        }
        if self.layers == Layers::Daily {
            self.merge_swing_highs(&mut out);
        }
        out
    }

    /// A swing high the column does not name, within 3% of the window's range of a risk level
    /// the column names as a high ("lower high · watch 169.14"), joins that level's tag as one
    /// label naming both values, top first ("high · watch 169.30 · 169.14"): near-identical
    /// "high" labels read as one level. Like with like only: F1's crossed levels (blue, "prior
    /// high 226.94") are another kind of line than H1's swing markers (magenta), so a swing high
    /// never joins their tag (2025-09-12: "high 226.94 · 226.71" put a 4-swing-high level and
    /// H1's prior high under one blue name). Its diamond keeps the latest high's name alone
    /// ([`Self::draw_lower_high`]).
    fn merge_swing_highs(&self, out: &mut [ColLabel]) {
        let Some(lh) = self.ann.lower_high.as_ref() else { return };
        let b = self.bars;
        let near = self.near_band();
        if !(near.is_finite() && near > 0.0) {
            return;
        }
        let in_window =
            |d: Option<NaiveDate>| d.and_then(|d| bar_of(&b.date, d)).is_some_and(|i| i >= self.start);
        for (d, v) in [(lh.h_prev_date, lh.h_prev), (lh.h_last_date, lh.h_last)] {
            if !in_window(d) || !v.is_finite() {
                continue;
            }
            let value = crate::fmt::price(v);
            if out.iter().any(|l| l.names_value(&value)) {
                continue;
            }
            let best = out
                .iter_mut()
                .filter(|l| {
                    l.values.len() == 1
                        && l.run == "risk levels"
                        && l.name.split(" · ").any(|n| n.ends_with("high"))
                        && (l.y - v).abs() < near
                })
                .min_by(|a, c| (a.y - v).abs().total_cmp(&(c.y - v).abs()));
            let Some(l) = best else { continue };
            // Top first.
            if v >= l.y {
                l.values.insert(0, value);
            } else {
                l.values.push(value);
            }
            // The lead's word stays ("high · watch"); the kind of high is the marker's.
            l.name = match l.name.rsplit_once(" · ") {
                Some((_, tag)) if is_lead_tag(tag) => format!("high · {tag}"),
                _ => "high".to_string(),
            };
        }
    }

    fn draw_chart<B: DrawingBackend>(&self, pen: &Pen<B>) -> DResult {
        let (w, h) = pen.area.dim_in_pixel();
        let (w, h) = (w as i32, h as i32);
        let pal = pen.pal;
        pen.area.fill(&pal.bg)?;
        let top = draw_header(pen, &self.title, &self.subtitle)?;
        if self.n() < MIN_BARS {
            let detail = format!(
                "The {} chart needs at least {MIN_BARS} complete bars; {} {} available.",
                self.tf.name(),
                self.n(),
                if self.n() == 1 { "is" } else { "are" }
            );
            return draw_not_enough(pen, top, &detail);
        }
        let Spacing { m, axis_w, strip, gap, date_h } = Spacing::of(pen);
        let x0 = m;
        // A wide chart names its levels in a label column beside the value axis (short
        // horizontal leaders from each line's right end); a narrow one (a phone) inside the plot.
        let wide = ((w - 2 * m - axis_w) as f64 / pen.s) >= 450.0;
        let col = if wide { self.col_labels(&pal) } else { Vec::new() };
        // The OBV panel's line (support or trendline) is named in the same column, at its end.
        let obv_w = match (col.is_empty(), self.obv_col_label(&pal)) {
            (false, Some(l)) => super::panel::col_width_of(pen, &format!("{} {}", l.name, l.value())),
            _ => 0,
        };
        let col_w = super::panel::col_width(pen, &col).max(obv_w);
        self.col_w.set(col_w);
        let x1 = (w - m - axis_w - col_w).max(x0 + 10);
        self.narrow.set(((x1 - x0) as f64 / pen.s) < 450.0);
        // Legend lines per panel: price (annotation layers) gets two; momentum as many as its
        // fixed legend needs.
        let lines = self.needed_lines(pen, x0, x1);
        self.legend_lines.set(lines);
        let strips: i32 = lines.iter().map(|l| l * strip).sum();
        // A phone's price legend runs over the value axis: a few pixels more between it and the
        // plot keep its last line clear of a tick label at the plot's top edge.
        let pad = if wide { 0 } else { pen.px(5.0) };
        self.legend_pad.set(pad);
        let avail = (h - top - date_h - m - strips - pad - 4 * gap).max(40);
        let weights = [0.52, 0.14, 0.16, 0.18];
        // The price panel keeps the height it has under a two-line legend (issue 13 item 1: a
        // five-line legend squeezed it): its extra legend lines come out of the lower panels.
        // Wide charts only: a phone's legends wrap to many lines and its lower panels are short.
        let extra = if wide { (lines[0] - 2).max(0) * strip } else { 0 };
        // A phone's price legend, shortened (`legend_words`, reordered), frees lines: the price
        // panel keeps the height it had under the long legend plus a share of them, the rest
        // goes to the short lower panels. (Given all to the price panel, the level-run labels
        // of crowded dates moved three label heights off their lines: the phone label checks.)
        let freed = if wide { 0 } else { (self.long_legend_lines(pen, x0, x1) - lines[0]).max(0) * strip };
        let price_h = ((avail + extra - freed) as f64 * weights[0] + freed as f64 * PHONE_FREED_TO_PRICE)
            .round()
            .min(avail as f64 * 0.7);
        let rest = (avail as f64 - price_h).max(0.0);
        let hs: Vec<i32> = weights
            .iter()
            .enumerate()
            .map(|(k, w)| if k == 0 { price_h } else { rest * w / (1.0 - weights[0]) })
            .map(|v| v.round().max(8.0) as i32)
            .collect();
        // On wide charts and in the PDF a lower panel shorter than three tick lines (a five-line
        // price legend squeezed the 2020-03-20 volume panel until its "20M / 70M / 120M"
        // overlapped, the PDF's weekly MACD and OBV panels likewise) takes what it lacks from
        // the price panel, as long as the price panel keeps 45% of the height: past that floor
        // it stays short (its ticks then fall back as `panel::value_ticks` says). A phone's
        // lower panels are not raised.
        let mut hs = hs;
        let low_min = (3.0 * super::panel::tick_line_h(pen.fs(FS_TICK))).round() as i32;
        let price_min = (avail as f64 * 0.45) as i32;
        for k in (1..hs.len()).filter(|_| wide) {
            let need = (low_min - hs[k]).min(hs[0] - price_min).max(0);
            hs[k] += need;
            hs[0] -= need;
        }
        // The OBV panel is tall enough for ticks that keep its range near OBV's own (at most
        // 1.5 times as wide): a weekly OBV of 1.5B-4.6B on a three-line panel widened to 0-6B
        // and lay flat (review 16). Taken from the price panel, down to the same floor.
        if wide {
            let (lo, hi) = self.obv_range();
            let cap = hs[3] + (hs[0] - price_min).max(0);
            let want = super::panel::height_for_ticks(lo, hi, pen.fs(FS_TICK), hs[3], cap, 1.5);
            let need = (want - hs[3]).max(0);
            hs[3] += need;
            hs[0] -= need;
        }

        // Right padding: three bars. Level labels are placed inside the plot by the layout pass;
        // the last-price tag sits on the axis.
        let labels = self.price_labels(&pal);
        let xmin = self.start as f64 - 0.7;
        let xmax = (self.n() - 1) as f64 + 3.0;

        let mut y = top;
        let mut frames = Vec::with_capacity(4);
        for (k, (ph, l)) in hs.iter().zip(lines).enumerate() {
            let fy0 = y + l * strip + if k == 0 { pad } else { 0 };
            frames.push(Frame { x0, y0: fy0, x1, y1: fy0 + ph, xmin, xmax, ymin: 0.0, ymax: 1.0 });
            y = fy0 + ph + gap;
        }

        // Shared date ticks.
        let range = self.start..self.n();
        let dates = &self.bars.date[range.clone()];
        let xs: Vec<f64> = range.clone().map(|i| i as f64).collect();
        let f0 = frames[0];
        let tfs = pen.fs(FS_TICK);
        let ticks = date_ticks(
            dates,
            &xs,
            &|x| f0.fx(x),
            &|s, b| pen.text_size(s, tfs, b).0,
            x0 - pen.px(4.0),
            x1 + col_w + axis_w,
            pen.px(30.0),
        );

        self.draw_price(pen, &mut frames[0], &ticks, &labels, &col)?;
        self.draw_volume(pen, &mut frames[1], &ticks)?;
        self.draw_momentum(pen, &mut frames[2], &ticks)?;
        self.draw_obv(pen, &mut frames[3], &ticks)?;
        draw_x_labels(pen, &frames[3], &ticks)?;
        Ok(())
    }

    /// Where panel `k`'s legend lines end, for a plot ending at `x1`: the price legend runs on
    /// over the label column (empty above the plot: its tags stay within the plot's height), so
    /// its entries take fewer lines of the price panel's height (issue 13: four lines over the
    /// daily price panel); the lower panels' legends end at the plot, clear of the tick labels
    /// of the panel above.
    /// On a phone (no label column) the price legend runs on over the value axis to the canvas
    /// margin (`w_right`): above the price plot that strip is empty (issue 13 follow-up: the
    /// phone's daily legend took nine lines of a 560-pixel column).
    fn legend_right(&self, k: usize, x1: i32, w_right: i32) -> i32 {
        match k {
            0 if self.narrow.get() => w_right,
            0 => x1 + self.col_w.get(),
            _ => x1,
        }
    }

    /// A price-legend entry as a phone prints it ([`TfScene::narrow`]): every name stays, the
    /// explanations the note's text gives leave (the last close's colour rule, which its tag
    /// shows; the averages' "today's value"; what a close beyond a risk level means: the entry
    /// keeps the tag its labels print, "risk levels (watch)"), so the daily legend takes about
    /// four lines of a 360-pixel column, not nine (issue 13 follow-up). Any other chart prints
    /// `t` as it is.
    fn legend_words(&self, t: &str) -> String {
        if !self.narrow.get() {
            return t.to_string();
        }
        match t {
            LAST_CLOSE => return "last close".into(),
            AVG_NOW => return "moving average (today's value)".into(),
            "swing low (a risk level)" => return "swing low".into(),
            "swing low (a broken risk level)" => return "swing low (broken)".into(),
            _ => {}
        }
        // "broken risk level: swing low 171.79, a daily close below on Jun 13" → "broken Jun
        // 13: swing low 171.79" (the Risk table says how).
        // "last close, Jul 24 (the Jul 23 3-day bar closed 292.09)": on one line.
        if let Some(rest) = t.strip_prefix("last close, ") {
            return format!("last close {}", rest.replacen(" (the ", " (", 1));
        }
        if let Some(rest) = t.strip_prefix("broken risk level: ") {
            return match rest.split_once(", a ") {
                Some((level, how)) => match how.rsplit_once(" on ") {
                    Some((_, day)) => format!("broken {day}: {level}"),
                    None => format!("broken: {level}"),
                },
                None => format!("broken: {rest}"),
            };
        }
        if t.starts_with("risk levels") {
            if let Some((head, why)) = t.split_once(" (") {
                return match why.split_once(':') {
                    Some((tag, _)) => format!("{head} ({tag})"),
                    None => head.to_string(),
                };
            }
        }
        // "volume thrust day (second heaviest of 252 sessions)": one line, not two.
        t.replace(" (averages at today's value)", "").replace(" of 252 sessions)", " of 252 days)")
    }

    fn legend_at<B: DrawingBackend>(
        &self,
        pen: &Pen<B>,
        f: &Frame,
        name: &str,
        items: &[(Swatch, String)],
    ) -> DResult {
        let strip = Spacing::of(pen).strip;
        let k = if name.ends_with(" price") {
            0
        } else if name == "Volume" {
            1
        } else if name.starts_with(MACD_NAME) {
            2
        } else {
            3
        };
        let lines = self.legend_lines.get()[k];
        let w_right = pen.area.dim_in_pixel().0 as i32 - Spacing::of(pen).m;
        let right = self.legend_right(k, f.x1, w_right);
        let items: Vec<(Swatch, String)> =
            items.iter().map(|(s, t)| (*s, if k == 0 { self.legend_words(t) } else { t.clone() })).collect();
        let reorder = k == 0 && self.narrow.get();
        let y = f.y0 - lines * strip + strip / 2 - if k == 0 { self.legend_pad.get() } else { 0 };
        draw_legend_by(pen, (f.x0, y), right, name, &items, lines, strip, reorder)
    }

    fn draw_price<B: DrawingBackend>(
        &self,
        pen: &Pen<B>,
        f: &mut Frame,
        ticks: &[super::canvas::DateTick],
        labels: &[EdgeLabel],
        col: &[ColLabel],
    ) -> DResult {
        let pal = pen.pal;
        let b = self.bars;
        let range = self.start..self.n();
        let mut lo = f64::INFINITY;
        let mut hi = f64::NEG_INFINITY;
        for i in range.clone() {
            if b.low[i].is_finite() && b.high[i].is_finite() {
                lo = lo.min(b.low[i]);
                hi = hi.max(b.high[i]);
            }
        }
        if !lo.is_finite() {
            lo = 0.0;
            hi = 1.0;
        }
        // Bollinger bands are never clipped.
        for i in range.clone() {
            for v in [self.bb_upper.get(i), self.bb_lower.get(i)].into_iter().flatten() {
                if v.is_finite() {
                    lo = lo.min(*v);
                    hi = hi.max(*v);
                }
            }
        }
        // The range is the bars' and the bands' own (issue 13 item 4): an annotation level never
        // widens it. A level inside the margins below is drawn; one beyond them is clipped at the
        // edge with an arrow and its value ([`draw_edge_labels`]), so a far squeeze low or stop
        // cannot squash the bars.
        let span = (hi - lo).max(hi.abs() * 0.01).max(1e-6);
        // Margins in pixels, so every wick and band keeps clear of the frame whatever the range:
        // above, room for a marker and its label (~30 design px); below, for a marker under the
        // lowest bar (~14 design px); plus 3% of the panel each side. On a wide chart (level
        // labels in the column beside the plot) the pixel part is capped at 15% above and 8%
        // below: uncapped, the short 2020-03-20 daily panel gave a third of its height to
        // margins and the crash's candles took 40% of it (review 16). A phone keeps the full
        // margins: its level labels sit inside the plot and need them.
        let ph = f.height().max(1) as f64;
        let (cap_top, cap_bot) = if self.col_w.get() > 0 { (0.15, 0.08) } else { (0.32, 0.22) };
        // A 3-day breakout marked over its bar keeps its label above it, by the marker and off
        // the candles: the full room at every size (review 29: at PDF size the capped margin
        // sent "breakout, no firm hold" under the zone, over the candles).
        let above_mark = self.layers == Layers::ThreeDay
            && self
                .ann
                .breakout_date
                .and_then(|d| bar_of(&b.date, d))
                .filter(|i| *i >= self.start)
                .is_some_and(|i| {
                    self.ann.zone.as_ref().is_some_and(|z| b.close[i] > z.hi) && b.high[i].is_finite()
                });
        let (room, cap_top) = if above_mark { (36.0, 0.32) } else { (30.0, cap_top) };
        let top = (pen.px(room) as f64 / ph).min(cap_top) + 0.03;
        let bot = (pen.px(14.0) as f64 / ph).min(cap_bot) + 0.03;
        let total = span / (1.0 - top - bot);
        f.ymin = lo - total * bot;
        f.ymax = hi + total * top;
        self.cover_last_close(pen, f);

        draw_plot_bg(pen, f)?;
        draw_x_grid(pen, f, ticks)?;
        let (last_close, up) = self.tag_close();
        let last_y = f.fy(last_close);
        // The label column's tags (wide charts): tick labels keep clear of them as of the
        // last-price tag.
        // The label column (wide charts) sits between the plot and the value axis: gridlines
        // run under it to the tick labels; the last-price tag is on the axis.
        let col_w = self.col_w.get();
        let fa = self.axis_frame(f);
        let text_w = col_w - pen.px(13.0) - pen.px(10.0);
        // The last-price tag on the axis is a fixed slot of the column's stack: the column's
        // tags are pushed off its height (issue 13: "20/21-day 295.86" and the "291.17" tag
        // overlapped by 6 px in height at the default date, PDF), their leaders showing their lines.
        let col_tags = super::panel::col_layout(pen, f, col, &[last_y], text_w);
        draw_y_axis(pen, &fa, TickFmt::Fixed, &[last_y])?;

        let tag_rgb = if up { pal.up } else { pal.down };
        let mut legend: Vec<(Swatch, String)> = vec![
            (Swatch::Candles(pal.up.to_rgba(), pal.down.to_rgba()), "up / down".into()),
            // The swatch is the dashed line drawn across the plot at the last close (review 19:
            // a dashed line with no legend entry); the tag on the axis prints its value.
            (Swatch::Dash(tag_rgb.to_rgba()), self.last_close.clone()),
            (Swatch::Line(Palette::alpha(pal.band, 0.8)), "Bollinger (20, 2)".into()),
        ];

        // Bollinger envelope.
        let fill = Palette::alpha(pal.band, 0.07);
        let up_lines = polylines(f, range.clone(), &self.bb_upper);
        let lo_lines = polylines(f, range.clone(), &self.bb_lower);
        if up_lines.len() == 1 && lo_lines.len() == 1 && up_lines[0].len() == lo_lines[0].len() {
            let mut poly = up_lines[0].clone();
            poly.extend(lo_lines[0].iter().rev());
            pen.polygon(&poly, fill)?;
        }
        for l in up_lines.iter().chain(lo_lines.iter()) {
            pen.line(l, Palette::alpha(pal.band, 0.8), 1)?;
            // On the weekly chart the band lines are obstacles for the labels placed later (the
            // "above top, unconfirmed" label hid the lower band for five months, review item 6).
            // Not yet on the daily and 3-day charts: there the extra cost moved the 2020-03-20
            // phone labels onto each other.
            for w in l.windows(2).filter(|_| self.layers == Layers::Weekly) {
                let (a, b) = (w[0], w[1]);
                pen.place((a.0.min(b.0), a.1.min(b.1) - 1), (a.0.max(b.0) + 1, a.1.max(b.1) + 1), "band");
            }
        }

        // Annotation layers under the candles.
        let a = self.ann;
        let right = f.x1;
        let mut top_is_risk = false;
        match self.layers {
            Layers::Weekly => {
                if let Some(c) = &a.cluster {
                    self.draw_cluster(pen, f, c, &a.bands, right)?;
                    // A top that is also a risk level is drawn in the risk colour (its line is
                    // the stop's, drawn over it): the swatch is that colour too (review 15: a
                    // magenta 265.76 line beside a purple swatch).
                    // One entry per colour (review 16: "squeeze-zone top (a risk level)" and
                    // "risk levels" were two magenta swatches): such a top is named in the risk
                    // levels' entry below.
                    if self.top_is_risk(c) && f.contains_y(c.hi) {
                        top_is_risk = true;
                    } else {
                        legend.push((Swatch::Line(pal.cluster.to_rgba()), zone_legend(a).0.into()));
                    }
                    if !a.bands.is_empty() {
                        legend.push((Swatch::Box(Palette::alpha(pal.cluster, 0.4)), zone_legend(a).1.into()));
                    }
                    if self.earlier_bands_shown(f, &a.bands) {
                        legend.push((
                            Swatch::Outline(Palette::alpha(pal.cluster, 0.7)),
                            "earlier squeeze zones".into(),
                        ));
                    }
                }
            }
            Layers::ThreeDay => {
                if let Some(z) = &a.zone {
                    self.draw_zone(pen, f, z)?;
                    legend.push((Swatch::Box(Palette::alpha(pal.zone, 0.4)), "consolidation zone".into()));
                }
                if let Some(c) = &a.cluster {
                    if f.contains_y(c.hi) {
                        let y = f.fy(c.hi);
                        pen.dashed(
                            (f.x0, y),
                            (right, y),
                            Palette::alpha(pal.cluster, 0.8),
                            1,
                            pen.px(6.0),
                            pen.px(4.0),
                        )?;
                        pen.place((f.x0, y - 1), (right, y + 1), "levelline");
                        legend.push((Swatch::Dash(pal.cluster.to_rgba()), "weekly squeeze-zone top".into()));
                    }
                }
            }
            Layers::Daily => {
                let mut any = false;
                // Short dashes at the right edge (the latest ~12% of the window): a stack of
                // full-width lines buries the candles; the labels name each level.
                let xl = f.x0 + ((right - f.x0) as f64 * LEVEL_FROM) as i32;
                // A run of three or more levels is one shaded band with a dash at its top and
                // bottom (16 dashes a few pixels apart read as a block, 2020-03-20). On a wide
                // chart the runs are the label column's (a tag naming three or more levels:
                // "lost levels 129–158"); on a phone, dashes closer than 8 design pixels.
                let mut ys: Vec<i32> = (0..a.levels.len())
                    .map(|k| self.level_y(k))
                    .filter(|p| f.contains_y(*p))
                    .map(|p| f.fy(p))
                    .collect();
                ys.sort_unstable();
                let lvl = pal.level.to_rgba();
                let tag_runs: Vec<(i32, i32)> = col_tags
                    .iter()
                    .filter(|t| t.color == lvl && t.lines.len() >= 3)
                    .map(|t| {
                        (
                            t.lines.iter().copied().min().unwrap_or(0),
                            t.lines.iter().copied().max().unwrap_or(0),
                        )
                    })
                    .collect();
                let runs: Vec<Vec<i32>> = if col.is_empty() {
                    level_runs(&ys, pen.px(8.0)).into_iter().map(<[i32]>::to_vec).collect()
                } else {
                    let mut runs: Vec<(Option<usize>, Vec<i32>)> = Vec::new();
                    for y in &ys {
                        let k = tag_runs.iter().position(|(a, b)| a <= y && y <= b);
                        match runs.last_mut() {
                            Some((kk, r)) if k.is_some() && *kk == k => r.push(*y),
                            _ => runs.push((k, vec![*y])),
                        }
                    }
                    runs.into_iter().map(|(_, r)| r).collect()
                };
                for run in &runs {
                    let (top, bot) = (run[0], run[run.len() - 1]);
                    if run.len() >= 3 {
                        pen.fill_rect((xl, top), (right, bot), Palette::alpha(pal.level, 0.12))?;
                    }
                    // Dotted (review 15): a crossed level is a price, not a series; dashed
                    // stubs read like the averages or the OBV line.
                    for y in if run.len() >= 3 { vec![top, bot] } else { run.to_vec() } {
                        pen.dotted((xl, y), (right, y), Palette::alpha(pal.level, 0.9))?;
                    }
                    // Where the run is drawn: a phone's label away from it gets a guide to it.
                    pen.place((xl, top - 1), (right, bot + 1), "levelline");
                    any = true;
                }
                if any {
                    legend.push((Swatch::Dots(pal.level.to_rgba()), levels_name(a).into()));
                }
                // An average the text quotes beside one of the levels: a short solid line over
                // the same span, in the averages' colour, with its own tag.
                let avgs: Vec<(usize, f64)> =
                    self.avgs.iter().copied().filter(|(_, v)| f.contains_y(*v)).collect();
                for (_, v) in &avgs {
                    let y = f.fy(*v);
                    pen.line(&[(xl, y), (right, y)], pal.line2.to_rgba(), pen.px(1.2).max(1) as u32)?;
                    pen.place((xl, y - 1), (right, y + 1), "levelline");
                }
                if !avgs.is_empty() {
                    legend.push((Swatch::Line(pal.line2.to_rgba()), AVG_NOW.into()));
                }
            }
        }

        // The stance's invalidation levels on this timeframe: solid risk-coloured lines (their
        // labels go through the layout pass with the others).
        for st in &self.stops {
            let v = &st.value;
            // A broken level: a dashed line in its muted colour, over the same stretch; none of
            // its own where the trigger low's dashed line already runs through it.
            if st.broken.is_some() && f.contains_y(*v) {
                if !self.trigger_line_at(*v) {
                    let y = f.fy(*v);
                    let xl = f.x0 + ((right - f.x0) as f64 * self.risk_from) as i32;
                    pen.dashed((xl, y), (right, y), st.color(&pal), 1, pen.px(4.0), pen.px(3.0))?;
                    pen.place((xl, y - 1), (right, y + 1), "line");
                    pen.place((xl, y - 1), (right, y + 1), "levelline");
                }
                continue;
            }
            if f.contains_y(*v) {
                let y = f.fy(*v);
                // Over the latest third of the window only: the level matters for what comes next;
                // from its swing high's diamond when one marks it (the line then starts at the
                // high it was set by).
                let xl = f.x0 + ((right - f.x0) as f64 * self.risk_from) as i32;
                let xl = match (self.layers, a.lower_high.as_ref()) {
                    (Layers::Daily, Some(lh)) => [
                        (lh.h_prev_date, lh.h_prev),
                        (lh.h_last_date, lh.h_last),
                        (
                            lh.lmid_date.filter(|_| self.swing_low_bar(lh).is_some()),
                            lh.lmid.unwrap_or(f64::NAN),
                        ),
                    ]
                    .into_iter()
                    .filter(|(_, h)| crate::fmt::price(*h) == crate::fmt::price(*v))
                    .filter_map(|(d, _)| d.and_then(|d| bar_of(&b.date, d)).filter(|i| *i >= self.start))
                    .map(|i| f.fx(i as f64))
                    .fold(xl, i32::min),
                    // A 3-day stop is a level of the consolidation zone: it exists from the zone's
                    // first bar, so its line starts there, never before (issue 13 item 5).
                    (Layers::ThreeDay, _) => {
                        match a.zone.as_ref().and_then(|z| z.from).and_then(|d| bar_of(&b.date, d)) {
                            Some(i0) => f.fx(i0.max(self.start) as f64 - 0.5).max(xl),
                            None => xl,
                        }
                    }
                    _ => xl,
                };
                // Solid up to the latest candles that trade through the level, then faint dots
                // behind them to the label column (review 24: the 3-day stop's line struck
                // through the last candles on the daily chart).
                let cut = self.latest_through(f, y, LAST_CANDLES).map_or(right, |i| {
                    let half = ((f.x_step() * 0.66).floor() as i32).max(1) / 2;
                    (f.fx(i as f64) - half - pen.px(3.0)).clamp(xl, right)
                });
                let w = pen.px(1.2).max(1) as u32;
                if cut > xl {
                    pen.line(&[(xl, y), (cut, y)], Palette::alpha(pal.risk, 0.8), w)?;
                    pen.place((xl, y - 1), (cut, y + 1), "riskline");
                }
                if cut < right {
                    pen.dotted((cut, y), (right, y), Palette::alpha(pal.risk, 0.45))?;
                }
                // An obstacle for the marker labels placed later (review 19: "higher high 231.46"
                // sat on the 3-day stop's line and read as that level's name).
                pen.place((xl, y - 1), (right, y + 1), "line");
                pen.place((xl, y - 1), (right, y + 1), "levelline");
            }
        }
        if self.holds_stops() {
            let mut words = stop_legend(&self.stops, self.neutral);
            if top_is_risk {
                words = top_is_risk_legend(&words);
            }
            legend.push((Swatch::Line(pal.risk.to_rgba()), words));
        }
        for st in self.stops.iter().filter(|s| s.broken.is_some()) {
            legend.push((Swatch::Dash(st.color(&pal)), broken_legend(st.broken.as_deref().unwrap_or(""))));
        }

        // Candles.
        let pb = f.x_step();
        let bw = ((pb * 0.66).floor() as i32).max(1);
        for i in range.clone() {
            let (o, hh, ll, c) = (b.open[i], b.high[i], b.low[i], b.close[i]);
            if !(o.is_finite() && hh.is_finite() && ll.is_finite() && c.is_finite()) {
                continue;
            }
            let up = c >= o;
            let col = if up { pal.up } else { pal.down }.to_rgba();
            let x = f.fx(i as f64);
            pen.line(&[(x, f.fy(hh)), (x, f.fy(ll))], col, 1)?;
            let (yo, yc) = (f.fy(o), f.fy(c));
            if bw <= 1 {
                continue;
            }
            let (ya, yb) = (yo.min(yc), yo.max(yc).max(yo.min(yc) + 1));
            pen.fill_rect((x - bw / 2, ya), (x - bw / 2 + bw - 1, yb), col)?;
            pen.place((x - bw / 2, ya), (x - bw / 2 + bw, yb + 1), "candle");
            pen.place((x - 1, f.fy(hh)), (x + 1, f.fy(ll)), "wick");
        }

        // Markers over the candles.
        let r = marker_r(pen, f);
        let fs = pen.fs(FS_NOTE);
        let bgl = Palette::alpha(pal.panel, 0.85);
        match self.layers {
            Layers::Weekly | Layers::ThreeDay => {
                // One upward marker under the bar that broke out: the weekly reclaim week or the
                // 3-day zone breakout.
                // Worded by the signal's state, as the note words it: a first close above that the
                // signal has not confirmed is not called a reclaim or a breakout.
                let close = b.close[self.n() - 1];
                let (date, colour, (text, legend_text)) = if self.layers == Layers::Weekly {
                    (a.reclaim_date, pal.cluster, reclaim_words(a.cluster_state))
                } else {
                    let below = a.zone.as_ref().is_some_and(|z| close < z.lo);
                    (a.breakout_date, pal.zone, breakout_words(a.zone_state, below))
                };
                if let Some(i) = date.and_then(|d| bar_of(&b.date, d)).filter(|i| *i >= self.start) {
                    let x = f.fx(i as f64);
                    // The 3-day breakout is a close above the zone: its marker sits on that bar,
                    // just over its high (by the close it names), never under the zone
                    // (2025-12-12). A weekly reclaim and a 3-day close below the zone keep it
                    // under the bar's low.
                    let above = self.layers == Layers::ThreeDay
                        && a.zone.as_ref().is_some_and(|z| b.close[i] > z.hi)
                        && b.high[i].is_finite();
                    let y = if above {
                        f.fy(b.high[i]) - r - pen.px(3.0)
                    } else {
                        f.fy(b.low[i]) + r + pen.px(3.0)
                    };
                    pen.triangle((x, y), r, false, colour.to_rgba())?;
                    pen.place((x - r, y - r), (x + r, y + r), "marker");
                    let yl = y + r + pen.px(3.0);
                    // Above the marker when it sits over the bar; else under it, then further
                    // down and sideways (leader to the marker).
                    let mut cands = if above {
                        above_marker(pen, (x, y - r - pen.px(3.0)), r, 0..14)
                    } else {
                        Vec::new()
                    };
                    for k in 0..12 {
                        let dy = k * pen.px(8.0);
                        for dx in [0, pen.px(40.0), -pen.px(40.0), pen.px(90.0), -pen.px(90.0)] {
                            cands.push(((x + dx, yl + dy), HPos::Center, VPos::Top));
                            cands.push(((x + r + dx, yl + dy), HPos::Left, VPos::Top));
                            cands.push(((x - r + dx, yl + dy), HPos::Right, VPos::Top));
                        }
                    }
                    // Beside the marker and above it, for a marker near the panel's bottom
                    // (no room under it inside the panel).
                    for k in 0..16 {
                        let dy = k * pen.px(8.0);
                        cands.push(((x - r - pen.px(4.0), y - dy), HPos::Right, VPos::Center));
                        cands.push(((x + r + pen.px(4.0), y - dy), HPos::Left, VPos::Center));
                    }
                    let bounds = ((f.x0, f.y0), (f.x1, f.y1));
                    let tip = if above { (x, y - r) } else { (x, y + r) };
                    // Centred over or under its marker first (review 22: "above top,
                    // unconfirmed" took the nearest box edge, a place ending at the marker, and
                    // its text sat four months to the left), then the nearest other place.
                    let cands = by_distance(pen, text, fs, cands, tip, centre_gap);
                    pen.label_fit(text, &cands, Some(tip), fs, colour.to_rgba(), bgl, bounds)?;
                    legend.push((Swatch::TriUp(colour.to_rgba()), legend_text.into()));
                }
                // On every variant, the phone's too (issue 13 follow-up: it was wide-only).
                if self.layers == Layers::Weekly && self.draw_anchor_low(pen, f, r)? {
                    if let Some((d, v)) = a.anchor_low {
                        legend.push((Swatch::Dot(pal.text.to_rgba()), anchor_text(d, v, a.anchor_year)));
                    }
                }
            }
            Layers::Daily => {
                let mut n_dd = 0;
                let mut tops: Vec<(usize, i32)> = Vec::new();
                // The swing-high diamonds sit on their highs (centred on the level they mark): a
                // distribution day on or beside such a bar stacks its triangle above the diamond.
                let swing_tops = self.swing_marks(f, r);
                for d in &a.dist_days {
                    if let Some(i) = bar_of(&b.date, *d).filter(|i| *i >= self.start && b.date[*i] == *d) {
                        let x = f.fx(i as f64);
                        let y = swing_tops
                            .iter()
                            .filter(|(sx, _)| (sx - x).abs() <= 2 * r + pen.px(1.0))
                            .map(|(_, top)| top - r - pen.px(2.0))
                            .fold(self.clear_top(f, i, r, bw) - r - pen.px(3.0), i32::min);
                        pen.triangle((x, y), r, true, pal.dist.to_rgba())?;
                        pen.place((x - r, y - r), (x + r, y + r), "marker");
                        // Also recorded as what it is, for the layout test that no triangle
                        // sits on a candle.
                        pen.place((x - r, y - r), (x + r, y + r), "dist");
                        tops.push((i, y - r));
                        n_dd += 1;
                    }
                }
                if n_dd > 0 {
                    legend.push((Swatch::TriDown(pal.dist.to_rgba()), format!("distribution day ({n_dd})")));
                }
                if self.draw_reversals(pen, f, &tops, bw)? {
                    legend.push((Swatch::TriDown(pal.text.to_rgba()), REVERSAL.into()));
                }
                if let Some((d, rank)) = a.volume_day {
                    if let Some(i) = bar_of(&b.date, d).filter(|i| *i >= self.start && b.date[*i] == d) {
                        let x = f.fx(i as f64);
                        pen.circle(
                            (x, f.fy(b.low[i]) + r + pen.px(4.0)),
                            r,
                            pal.highlight.to_rgba(),
                            true,
                            1,
                        )?;
                        legend.push((
                            Swatch::Dot(pal.highlight.to_rgba()),
                            super::annotate::volume_day_name(rank, a.volume_day_state),
                        ));
                    }
                }
                if let Some(lh) = &a.lower_high {
                    // The swing low a risk level is set at (the note's "290.68, daily swing low
                    // of 2026-07-08"): an upward triangle under its bar, its value the column's
                    // (review 15: the low the text names was not marked). Drawn before the
                    // swing highs' labels, which keep off it.
                    let low = self.swing_low_bar(lh);
                    if let Some(i) = low {
                        let x = f.fx(i as f64);
                        let y = f.fy(b.low[i]) + r + pen.px(2.0);
                        let c = self.broken_at(b.low[i]).map_or(pal.risk.to_rgba(), |s| s.color(&pal));
                        pen.triangle((x, y), r, false, c)?;
                        pen.place((x - r, y - r), (x + r, y + r), "marker");
                    }
                    let unlabelled = self.draw_lower_high(pen, f, lh, &tops, col)?;
                    legend.push((Swatch::Diamond(pal.risk.to_rgba()), self.lh_legend_text(lh, unlabelled)));
                    // A broken risk level at the trigger low is named once, by its own legend entry.
                    if let Some(m) =
                        lh.lmid.filter(|m| lh.stands() && f.contains_y(*m) && self.broken_at(*m).is_none())
                    {
                        legend.push((Swatch::Dash(self.trigger_color(&pal, m)), trigger_legend(m)));
                    }
                    if let Some(i) = low {
                        // In its level's style: a broken swing low's triangle is muted, and says so.
                        let (c, words) = match self.broken_at(b.low[i]) {
                            Some(s) => (s.color(&pal), "swing low (a broken risk level)"),
                            None => (pal.risk.to_rgba(), "swing low (a risk level)"),
                        };
                        legend.push((Swatch::TriUp(c), words.into()));
                    }
                }
            }
        }

        // Last-price line under the level labels.
        pen.dashed(
            (f.x0, last_y),
            (fa.x1, last_y),
            Palette::alpha(tag_rgb, 0.6),
            1,
            pen.px(2.0),
            pen.px(3.0),
        )?;
        if col.is_empty() {
            draw_edge_labels(pen, f, labels)?;
        } else {
            // In the column; lines beyond the range keep their edge arrow in the plot.
            let off: Vec<EdgeLabel> = labels.iter().filter(|l| !f.contains_y(l.y)).cloned().collect();
            draw_edge_labels(pen, f, &off)?;
            super::panel::draw_col(pen, f, &col_tags, col_w)?;
        }
        draw_plot_frame(pen, f)?;

        // Last-price tag on the axis.
        let tag = tag_rgb.to_rgba();
        let txt = crate::fmt::price(last_close);
        let tfs = pen.fs(FS_TICK);
        let (tw, th) = pen.text_size(&txt, tfs, true);
        let (tx0, ty0) = (fa.x1 + pen.px(2.0), last_y - th / 2 - pen.px(2.0));
        pen.fill_rect((tx0, ty0), (tx0 + tw + pen.px(10.0), ty0 + th + pen.px(4.0)), tag)?;
        pen.place((tx0, ty0), (tx0 + tw + pen.px(10.0), ty0 + th + pen.px(4.0)), "tag");
        pen.text(&txt, (tx0 + pen.px(5.0), last_y), tfs, pal.bg.to_rgba(), HPos::Left, VPos::Center, true)?;

        self.legend_at(pen, f, &format!("{} {}", self.tf.name_cap(), "price"), &legend)
    }

    /// The compression cluster as the bands that matter: the active (latest) band as a shaded
    /// box over its weeks, extended to the right edge as a faint band; earlier bands as thin
    /// outlines; the cluster top as a solid line and the bottom as a dashed line when in view.
    /// No box over the whole cluster range.
    fn draw_cluster<B: DrawingBackend>(
        &self,
        pen: &Pen<B>,
        f: &Frame,
        c: &Band,
        bands: &[Band],
        right: i32,
    ) -> DResult {
        let pal = pen.pal;
        let b = self.bars;
        let active = bands.iter().enumerate().max_by_key(|(k, band)| (band.to, *k)).map(|(k, _)| k);
        for (k, band) in bands.iter().enumerate() {
            let i0 = band.from.and_then(|d| bar_of(&b.date, d)).unwrap_or(self.start).max(self.start);
            let i1 = band.to.and_then(|d| bar_of(&b.date, d)).unwrap_or(self.n() - 1);
            if i1 < self.start || !(f.contains_y(band.hi) || f.contains_y(band.lo)) {
                continue;
            }
            let (xa, xb) = (f.fx(i0 as f64 - 0.5), f.fx(i1 as f64 + 0.5));
            let (ya, yb) = (f.fy(band.hi), f.fy(band.lo));
            // Each band over its own span only (issue 13 item 3): no shading carried to the edge.
            if Some(k) == active {
                pen.fill_rect((xa, ya), (xb, yb), Palette::alpha(pal.cluster, 0.22))?;
                pen.stroke_rect((xa, ya), (xb, yb), Palette::alpha(pal.cluster, 0.9), 1)?;
            } else {
                pen.stroke_rect((xa, ya), (xb, yb), Palette::alpha(pal.cluster, 0.45), 1)?;
            }
        }
        // The zone's top exists from the band that set it: the line starts at that band's first
        // week (the earliest band's when none matches), not at the window's left edge.
        if f.contains_y(c.hi) {
            let y = f.fy(c.hi);
            let x0 = self.cluster_top_from(c, bands).map_or(f.x0, |i| f.fx(i as f64 - 0.5).max(f.x0));
            pen.line(&[(x0, y), (right, y)], Palette::alpha(pal.cluster, 0.9), pen.px(1.2) as u32)?;
            pen.place((x0, y - 1), (right, y + 1), "levelline");
        }
        // The cluster's low (the lowest band's bottom, often years old) is no level the note uses:
        // it is not drawn (issue 13 item 3).
        Ok(())
    }

    /// The first bar of the band that set the cluster's top (or of the earliest band, or of the
    /// cluster itself), clamped to the window; `None` when nothing is dated.
    fn cluster_top_from(&self, c: &Band, bands: &[Band]) -> Option<usize> {
        let b = self.bars;
        let same = |x: f64| crate::fmt::price(x) == crate::fmt::price(c.hi);
        let d = bands
            .iter()
            .filter(|band| same(band.hi))
            .filter_map(|band| band.from)
            .min()
            .or_else(|| bands.iter().filter_map(|band| band.from).min())
            .or(c.from)?;
        bar_of(&b.date, d).map(|i| i.max(self.start))
    }

    /// True when [`Self::draw_cluster`] outlines at least one band other than the active one.
    fn earlier_bands_shown(&self, f: &Frame, bands: &[Band]) -> bool {
        let b = self.bars;
        let active = bands.iter().enumerate().max_by_key(|(k, band)| (band.to, *k)).map(|(k, _)| k);
        bands.iter().enumerate().any(|(k, band)| {
            let i1 = band.to.and_then(|d| bar_of(&b.date, d)).unwrap_or(self.n() - 1);
            Some(k) != active && i1 >= self.start && (f.contains_y(band.hi) || f.contains_y(band.lo))
        })
    }

    fn draw_zone<B: DrawingBackend>(&self, pen: &Pen<B>, f: &Frame, z: &Band) -> DResult {
        let pal = pen.pal;
        let b = self.bars;
        let i0 = z.from.and_then(|d| bar_of(&b.date, d));
        let i1 = z.to.and_then(|d| bar_of(&b.date, d));
        let (ytop, ylo) = (f.fy(z.hi), f.fy(z.lo));
        if let (Some(i0), Some(i1)) = (i0, i1) {
            if i1 >= self.start {
                let xa = f.fx(i0.max(self.start) as f64 - 0.5);
                let xb = f.fx(i1 as f64 + 0.5);
                pen.fill_rect((xa, ytop), (xb, ylo.max(ytop + 1)), Palette::alpha(pal.zone, 0.2))?;
                pen.stroke_rect((xa, ytop), (xb, ylo.max(ytop + 1)), Palette::alpha(pal.zone, 0.9), 1)?;
                if f.contains_y(z.hi) {
                    pen.dashed(
                        (xb, ytop),
                        (f.x1, ytop),
                        Palette::alpha(pal.zone, 0.9),
                        1,
                        pen.px(6.0),
                        pen.px(4.0),
                    )?;
                    pen.place((xa, ytop - 1), (f.x1, ytop + 1), "levelline");
                }
                return Ok(());
            }
        }
        // Undated zone: a band across the window.
        pen.fill_rect((f.x0, ytop), (f.x1, ylo.max(ytop + 1)), Palette::alpha(pal.zone, 0.12))?;
        Ok(())
    }

    /// F4's high-volume reversal days in the window: a marker over each bar (stacked above a
    /// distribution-day triangle on the same bar, `dist_tops`) and one label through the layout
    /// pass naming the latest, in the note's words. Returns whether any was drawn.
    fn draw_reversals<B: DrawingBackend>(
        &self,
        pen: &Pen<B>,
        f: &Frame,
        dist_tops: &[(usize, i32)],
        bw: i32,
    ) -> DResult<bool> {
        let b = self.bars;
        let r = marker_r(pen, f);
        // The text colour: the risk colour is the swing highs', red the distribution days'.
        let col = pen.pal.text.to_rgba();
        let mut last = None;
        for d in &self.ann.reversals {
            let Some(i) = bar_of(&b.date, *d).filter(|i| *i >= self.start && b.date[*i] == *d) else {
                continue;
            };
            let x = f.fx(i as f64);
            let base = self.clear_top(f, i, r, bw) - r - pen.px(3.0);
            let y = dist_tops
                .iter()
                .filter(|(j, _)| *j == i)
                .map(|(_, t)| t - r - pen.px(2.0))
                .fold(base, i32::min);
            pen.triangle((x, y), r, true, col)?;
            pen.place((x - r, y - r), (x + r, y + r), "marker");
            last = Some((x, y, *d));
        }
        let Some((x, y, d)) = last else { return Ok(false) };
        let yl = y - r - pen.px(3.0);
        let cands = above_marker(pen, (x, yl), r, 0..14);
        let text = format!("{REVERSAL} {}", d.format("%b %-d"));
        let bg = Palette::alpha(pen.pal.panel, 0.85);
        pen.label_fit(
            &text,
            &cands,
            Some((x, y - r)),
            pen.fs(FS_NOTE),
            col,
            bg,
            ((f.x0, f.y0), (f.x1, f.y1)),
        )?;
        Ok(true)
    }

    /// The first of the last `k` bars whose range (low to high, in pixels of `f`) takes in the
    /// pixel row `y`, when one does: where a level's line would strike the latest candles.
    fn latest_through(&self, f: &Frame, y: i32, k: usize) -> Option<usize> {
        let b = self.bars;
        (self.n().saturating_sub(k).max(self.start)..self.n()).find(|i| {
            b.low[*i].is_finite() && b.high[*i].is_finite() && f.fy(b.high[*i]) <= y && y <= f.fy(b.low[*i])
        })
    }

    /// Pixel y of the highest high under a marker of radius `r` over bar `i` (candles `bw`
    /// pixels wide): a marker above it clears its own bar and any neighbour its width reaches
    /// (review 24: distribution-day triangles sat on the next bars' wicks).
    fn clear_top(&self, f: &Frame, i: usize, r: i32, bw: i32) -> i32 {
        let b = self.bars;
        let x = f.fx(i as f64);
        let reach = r + bw / 2 + 1;
        let (mut lo, mut hi) = (i, i);
        while lo > self.start && f.fx((lo - 1) as f64) >= x - reach {
            lo -= 1;
        }
        while hi + 1 < self.n() && f.fx((hi + 1) as f64) <= x + reach {
            hi += 1;
        }
        (lo..=hi).filter(|j| b.high[*j].is_finite()).map(|j| f.fy(b.high[j])).fold(f.fy(b.high[i]), i32::min)
    }

    /// The swing-high markers' places on the daily chart: (pixel x, pixel y of the diamond's top)
    /// for each of H1's two highs in the window. A diamond is centred on the high it marks, so
    /// the level it names is where it is drawn (not a few points above it).
    /// Widens the price range (never narrows it) until a labelled tick lies on each side of the
    /// last close, when it is beyond every tick the price tag leaves labelled (review 19: at
    /// 2020-03-20 the tag hid the 100 tick and the crash's closes had no value on the scale below
    /// 120). The range grows to the next multiple of the tick step clear of the tag, at most
    /// three times.
    fn cover_last_close<B: DrawingBackend>(&self, pen: &Pen<B>, f: &mut Frame) {
        let last = if self.n() == 0 { f64::NAN } else { self.tag_close().0 };
        if !last.is_finite() {
            return;
        }
        let fs = pen.fs(FS_TICK);
        let clearance = super::panel::tag_clearance(fs);
        for _ in 0..3 {
            let ly = f.fy(last);
            let clear = |f: &Frame, v: f64| (f.fy(v) - ly).abs() >= clearance;
            let (ticks, _) = super::panel::value_ticks(f, fs, &[ly]);
            let step = match ticks.as_slice() {
                [a, b, ..] if b > a => b - a,
                _ => return,
            };
            let shown: Vec<f64> =
                ticks.iter().copied().filter(|v| *v >= f.ymin && *v <= f.ymax && clear(f, *v)).collect();
            let below = shown.iter().any(|v| *v < last);
            let above = shown.iter().any(|v| *v > last);
            let pad = 0.02 * (f.ymax - f.ymin);
            if below && above {
                return;
            } else if !below {
                let m = (last / step).floor() * step;
                let m = if clear(f, m) && m < last { m } else { m - step };
                f.ymin = f.ymin.min(m - pad);
            } else {
                let m = (last / step).ceil() * step;
                let m = if clear(f, m) && m > last { m } else { m + step };
                f.ymax = f.ymax.max(m + pad);
            }
        }
    }

    /// Whether a risk level still holds (is drawn as one to watch): the risk legend is for those.
    fn holds_stops(&self) -> bool {
        self.stops.iter().any(|s| s.broken.is_none())
    }

    /// The broken risk level at the price `v` (as printed), if any.
    fn broken_at(&self, v: f64) -> Option<&Stop> {
        let v = crate::fmt::price(v);
        self.stops.iter().find(|s| s.broken.is_some() && crate::fmt::price(s.value) == v)
    }

    /// The legend entries of the broken risk levels, one each.
    fn broken_legends(&self) -> Vec<String> {
        self.stops.iter().filter_map(|s| s.broken.as_deref()).map(broken_legend).collect()
    }

    /// The trigger low's dashed line (across the plot) is drawn at `v`: a standing lower high
    /// on the daily chart whose swing low is `v` as printed.
    fn trigger_line_at(&self, v: f64) -> bool {
        self.layers == Layers::Daily
            && self.ann.lower_high.as_ref().is_some_and(|lh| {
                lh.stands() && lh.lmid.is_some_and(|m| crate::fmt::price(m) == crate::fmt::price(v))
            })
    }

    /// The close the last-price tag shows and whether its bar is up: the last daily close when the
    /// daily data go past this chart's last complete bar ([`TfScene::last_daily`]), else the last
    /// bar's. The colour is its candle's (close against open, as the candles are drawn): review
    /// 17 saw a green 103.87 tag on a red 3-day candle (up on the bar before).
    pub(crate) fn tag_close(&self) -> (f64, bool) {
        let b = self.bars;
        let n = self.n();
        match self.last_daily {
            Some((_, o, c)) if c.is_finite() => (c, !o.is_finite() || c >= o),
            _ => {
                let (o, c) = (b.open[n - 1], b.close[n - 1]);
                let up = if o.is_finite() { c >= o } else { n < 2 || c >= b.close[n - 2] };
                (c, up)
            }
        }
    }

    /// The trigger low's colour: the risk colour only when one of this chart's risk levels is
    /// set at it (a level of the note's Risk table), else the muted text colour.
    fn trigger_color(&self, pal: &Palette, m: f64) -> RGBAColor {
        let v = crate::fmt::price(m);
        if let Some(s) = self.broken_at(m) {
            s.color(pal)
        } else if self.stops.iter().any(|s| crate::fmt::price(s.value) == v) {
            Palette::alpha(pal.risk, 0.8)
        } else {
            Palette::alpha(pal.muted, 0.9)
        }
    }

    /// The bar of H1's swing low (`Lmid_date`) when a risk level of this chart is set at it and
    /// the bar is in the window with its low at the level's price (wide charts).
    fn swing_low_bar(&self, lh: &super::annotate::LowerHigh) -> Option<usize> {
        // On a phone too (review 29: its unlabelled marks read as the swing low, which its
        // legend did not name; the wide chart's legend did).
        let (m, d) = (lh.lmid?, lh.lmid_date?);
        let v = crate::fmt::price(m);
        if !self.stops.iter().any(|s| crate::fmt::price(s.value) == v) {
            return None;
        }
        let b = self.bars;
        bar_of(&b.date, d)
            .filter(|i| *i >= self.start && b.date[*i] == d && crate::fmt::price(b.low[*i]) == v)
    }

    fn swing_marks(&self, f: &Frame, r: i32) -> Vec<(i32, i32)> {
        let Some(lh) = self.ann.lower_high.as_ref() else { return Vec::new() };
        let b = self.bars;
        let rd = r + r / 4;
        [(lh.h_prev_date, lh.h_prev), (lh.h_last_date, lh.h_last)]
            .into_iter()
            .filter_map(|(d, v)| {
                let i = d.and_then(|d| bar_of(&b.date, d)).filter(|i| *i >= self.start)?;
                Some((f.fx(i as f64), f.fy(v) - rd))
            })
            .collect()
    }

    /// The swing-high markers' legend entry; with `unlabelled` (a phone, whose plot labels the
    /// latest high only) it names the earlier high the note also names, so that level does not
    /// vanish (review 32: the phone daily of 2026-07-24 dropped "swing high 292.88").
    fn lh_legend_text(&self, lh: &super::annotate::LowerHigh, unlabelled: bool) -> String {
        if unlabelled && self.earlier_high_shown(lh) {
            format!("{} ({} not labelled)", lh_legend(lh), crate::fmt::price(lh.h_prev))
        } else {
            lh_legend(lh).to_string()
        }
    }

    /// Marks D2's anchor low on the weekly chart (the note: "Since the 2024-01-05 low"): a dot
    /// under that week's low, named with its price and week in the legend ([`anchor_text`]):
    /// the low is the window's lowest or near it, where the panel's bottom margin leaves no
    /// clear place for a label (2022-06-17: every place beside it covered a wick). True when
    /// drawn (the week is in the window and its low in the panel's range).
    fn draw_anchor_low<B: DrawingBackend>(&self, pen: &Pen<B>, f: &Frame, r: i32) -> DResult<bool> {
        let b = self.bars;
        let Some(i) = self.anchor_bar().filter(|_| self.ann.anchor_low.is_some_and(|(_, v)| f.contains_y(v)))
        else {
            return Ok(false);
        };
        let col = pen.pal.text.to_rgba();
        let x = f.fx(i as f64);
        let rr = (r * 2 / 3).max(2);
        let low = if b.low[i].is_finite() { b.low[i] } else { self.ann.anchor_low.map_or(f64::NAN, |a| a.1) };
        let y = f.fy(low) + rr + pen.px(3.0);
        pen.circle((x, y), rr, col, true, 1)?;
        // An obstacle for later labels; not a "marker" (those have a label by them).
        pen.place((x - rr, y - rr), (x + rr, y + rr), "line");
        Ok(true)
    }

    /// The weekly bar of D2's anchor low, when it is in the window.
    fn anchor_bar(&self) -> Option<usize> {
        let (d, _) = self.ann.anchor_low?;
        bar_of(&self.bars.date, d).filter(|i| *i >= self.start)
    }

    /// The earlier of the two swing highs is in the window (its diamond is drawn).
    fn earlier_high_shown(&self, lh: &super::annotate::LowerHigh) -> bool {
        let b = self.bars;
        lh.h_prev.is_finite()
            && lh.h_prev_date.and_then(|d| bar_of(&b.date, d)).is_some_and(|i| i >= self.start)
    }

    /// Draws the swing highs' diamonds and labels; true when the earlier high was left without
    /// a label of its own (a narrow plot) and no other label names its value.
    fn draw_lower_high<B: DrawingBackend>(
        &self,
        pen: &Pen<B>,
        f: &Frame,
        lh: &super::annotate::LowerHigh,
        dist_tops: &[(usize, i32)],
        col_labels: &[ColLabel],
    ) -> DResult<bool> {
        let pal = pen.pal;
        let b = self.bars;
        let r = marker_r(pen, f);
        let fs = pen.fs(FS_NOTE);
        let col = pal.risk.to_rgba();
        let bg = Palette::alpha(pal.panel, 0.85);
        let lower = lh.stands();
        let at = |d: Option<NaiveDate>| d.and_then(|d| bar_of(&b.date, d)).filter(|i| *i >= self.start);
        // The latest high named by H1's own `structure` (HH / LH / EQ) when given, else by
        // comparing the two: a lower high stays "LH" even after a close overturned it (the
        // legend then says "swing highs", and no trigger line is drawn).
        let last_name = last_high_name(lh);
        let pts = [(at(lh.h_prev_date), lh.h_prev, "swing high"), (at(lh.h_last_date), lh.h_last, last_name)];
        // Markers first, then their labels, so no label is placed where a later marker lands.
        let mut marks = Vec::new();
        let mut diamonds: Vec<(i32, i32)> = Vec::new();
        for (i, v, name) in pts {
            let Some(i) = i else { continue };
            let x = f.fx(i as f64);
            // Distribution days on the same bar or its neighbours: the marker stacks above their
            // triangles and the label names them (one merged label).
            let near_days: Vec<&(usize, i32)> = dist_tops
                .iter()
                .filter(|(j, _)| (f.fx(*j as f64) - x).abs() <= 2 * r + pen.px(1.0))
                .collect();
            let near: Vec<i32> = near_days.iter().map(|(_, y)| *y).collect();
            let same_bar = near_days.iter().any(|(j, _)| *j == i);
            // A diamond centred on the high itself (the level it marks); the distribution days'
            // triangles on or beside its bar were stacked above it ([`Self::swing_marks`]).
            let yc = f.fy(v);
            let rd = r + r / 4;
            pen.polygon(&diamond((x, yc), r), col)?;
            // A thin tick through its centre, a little wider than the diamond: the level's price.
            pen.line(&[(x - rd - pen.px(4.0), yc), (x + rd + pen.px(4.0), yc)], col, pen.px(1.0) as u32)?;
            pen.place((x - rd, yc - rd), (x + rd, yc + rd), "marker");
            // Its label goes above the stack (the diamond, then any triangles over it).
            let top = near.iter().map(|t| t - pen.px(1.0)).fold(yc - rd, i32::min);
            marks.push((x, top + r, v, name, near.len(), same_bar));
            diamonds.push((x, yc));
        }
        // The latest high (the one the note's risk read names) is labelled first, so its label
        // sits next to its marker; the prior high's label finds room around it.
        // On a narrow plot (a phone) only the latest high is labelled: the words take more room
        // than the old "H"/"LH" did, and the prior high's value is in the note.
        let narrow = ((f.x1 - f.x0) as f64 / pen.s) < 450.0;
        // The values the narrow plot's level labels name, computed once for both highs.
        let labelled: Vec<String> = if narrow {
            self.price_labels(&pal).iter().map(|l| crate::fmt::price(l.y)).collect()
        } else {
            Vec::new()
        };
        let mut unlabelled = false;
        for (x, y, v, name, near, same_bar) in marks.into_iter().rev() {
            if narrow && name == "swing high" {
                unlabelled |= !labelled.contains(&crate::fmt::price(v));
                continue;
            }
            // On a narrow plot a risk level at this high already has its label beside its line
            // ([`Self::price_labels`]: "higher high · watch 302.72"): the marker gets no second
            // one (2026-07-24 drew both, one reading as the prior high's).
            let value = crate::fmt::price(v);
            if labelled.contains(&value) {
                continue;
            }
            // One label per level: a high the label column already names (a risk level at this
            // price: "lower high · watch 82.95") keeps its diamond on the level's line and no
            // second label over the candles.
            let in_col = col_labels.iter().find(|l| l.names_value(&value) && f.contains_y(l.y));
            // When the column cannot show the high's name whole ("watch 737.62" for "lower
            // high · watch"), the diamond keeps its name alone; the value is the column's. A
            // high joined with a near level ("high 231.46 · 231.08") keeps the latest high's
            // kind on its diamond ("higher high"); the prior swing high needs no word.
            let joined = in_col.is_some_and(|l| l.values.len() > 1);
            let name_only = match in_col {
                Some(_) if joined && name != "swing high" => true,
                Some(l) if super::panel::col_shows_whole(pen, self.col_w.get(), &l.name, &l.value()) => {
                    continue
                }
                Some(_) => true,
                None => false,
            };
            // A high on a distribution day's bar gets one label naming both, in words; the
            // triangles of neighbouring bars stay their own markers (the legend names them).
            // The lead's word for a level at this high ("watch", "stop") joins the marker's
            // label, so the marker and the column's tag name one level the same way.
            let lead = self
                .stops
                .iter()
                .find(|s| is_lead_tag(&s.tag) && crate::fmt::price(s.value) == crate::fmt::price(v))
                .map(|s| format!(" · {}", s.tag))
                .unwrap_or_default();
            // Triangles stacked on the diamond from its own or the neighbouring bars are named in
            // the same label (issue 13 item 3; QQQ 2026-07-24 had a bare triangle on it), as a
            // second fact in brackets ([`days_note`]).
            let days = days_note(same_bar, near);
            // The longest form that fits the plot (a phone's is narrow): with the days, then
            // without them (the legend still names the triangles).
            let room = f.x1 - f.x0 - pen.px(8.0);
            let base = if name_only { name.to_string() } else { format!("{name} {v:.2}{lead}") };
            let with_days = format!("{base}{days}");
            let wide_days = pen.text_size(&with_days, fs, false).0 <= room;
            let yl = y - r - pen.px(3.0);
            let mut cands = vec![
                ((x, yl), HPos::Center, VPos::Bottom),
                ((x + r, yl), HPos::Right, VPos::Bottom),
                ((x - r, yl), HPos::Left, VPos::Bottom),
                ((x - r - pen.px(3.0), y), HPos::Right, VPos::Center),
                ((x + r + pen.px(3.0), y), HPos::Left, VPos::Center),
            ];
            // Further up, then further sideways (with a leader to the marker).
            cands.extend(above_marker(pen, (x, yl), r, 1..14));
            for k in 0..10 {
                let dy = k * pen.px(8.0);
                cands.push(((x - r - pen.px(3.0), y + dy), HPos::Right, VPos::Center));
                cands.push(((x + r + pen.px(3.0), y + dy), HPos::Left, VPos::Center));
            }
            // Last of all, beside it and a little up (2025-09-12: a taller price panel put the
            // candles' tops and a level line between the prior high's diamond and every place
            // above it within reach; its label went to the top of the plot, over the other's).
            let mut beside_up = Vec::new();
            for k in 1..6 {
                let dy = k * pen.px(6.0);
                beside_up.push(((x - r - pen.px(3.0), y - dy), HPos::Right, VPos::Center));
                beside_up.push(((x + r + pen.px(3.0), y - dy), HPos::Left, VPos::Center));
            }
            // With the days only where that form has a clear place (a phone's QQQ plot had room
            // for its width but no clear place for it once it was shortened).
            let bounds = ((f.x0, f.y0), (f.x1, f.y1));
            let text =
                if wide_days && pen.fits_clear(&with_days, &cands, fs, bounds) { with_days } else { base };
            let mut cands = by_distance(pen, &text, fs, cands, (x, y - r), edge_gap);
            cands.extend(by_distance(pen, &text, fs, beside_up, (x, y - r), edge_gap));
            // Nearer its own diamond than the other's (review 32: "cancelled lower high 246.38",
            // right-aligned over its marker, spread over the prior high's diamond and read as
            // that one's name): such places come after every other.
            let gap = |a: (i32, i32), b: (i32, i32), q: ((i32, i32), (i32, i32))| {
                (a.0 - q.1 .0).max(q.0 .0 - b.0).max(a.1 - q.1 .1).max(q.0 .1 - b.1).max(0)
            };
            let rd = r + r / 4;
            let own: Vec<((i32, i32), (i32, i32))> = diamonds
                .iter()
                .filter(|d| d.0 == x)
                .map(|d| ((d.0 - rd, d.1 - rd), (d.0 + rd, d.1 + rd)))
                .collect();
            // Every other marker (the other diamond, a swing low's or a distribution day's
            // triangle) off this bar and its neighbours, whose triangles stack on the diamond.
            let others: Vec<((i32, i32), (i32, i32))> = pen
                .placed
                .borrow()
                .iter()
                .filter(|q| q.kind == "marker" && ((q.a.0 + q.b.0) / 2 - x).abs() > 2 * r + pen.px(1.0))
                .map(|q| (q.a, q.b))
                .collect();
            // Within three label heights of it (two on a phone's short plot): a place further
            // off reads as no marker's.
            let th = pen.text_size(&text, fs, false).1;
            let reach = if narrow { 2 } else { 3 };
            let mine: Vec<_> = cands
                .iter()
                .copied()
                .filter(|(p, h, vp)| {
                    let (a, b) = pen.label_box(&text, *p, fs, *h, *vp);
                    let g = own.iter().map(|d| gap(a, b, *d)).min().unwrap_or(0);
                    g <= reach * th && others.iter().all(|d| gap(a, b, *d) > g)
                })
                .collect();
            // Only those when one of them is clear; else every place, nearest first.
            let cands = if pen.fits_clear(&text, &mine, fs, bounds) { mine } else { cands };
            pen.label_fit(&text, &cands, Some((x, y - r)), fs, col, bg, bounds)?;
        }
        if let Some(m) = lh.lmid.filter(|_| lower) {
            if f.contains_y(m) {
                let y = f.fy(m);
                // Across the whole plot, like the other levels, so its label can sit anywhere on it.
                pen.dashed((f.x0, y), (f.x1, y), self.trigger_color(&pal, m), 1, pen.px(3.0), pen.px(3.0))?;
            }
        }
        Ok(unlabelled)
    }

    /// E3's own 3-day volume trend as a line ((x, volume) at its ends): the log-linear fit over
    /// the last 20 bars with E3's figure `vt` as its rise (the note's "3-day volume rose x% over
    /// the last 20 bars"), through the window's mean of log volume. `None` with fewer than three
    /// bars of volume.
    #[allow(clippy::type_complexity)]
    fn vtrend_line(&self, vt: f64) -> Option<((f64, f64), (f64, f64))> {
        let b = self.bars;
        let n = 20usize;
        let from = self.n().saturating_sub(n).max(self.start);
        let pts: Vec<(f64, f64)> = (from..self.n())
            .filter(|i| valid_volume(b.volume[*i]))
            .map(|i| (i as f64, b.volume[i].ln()))
            .collect();
        if pts.len() < 3 || vt <= -1.0 {
            return None;
        }
        let k = pts.len() as f64;
        let (mx, my) = (pts.iter().map(|p| p.0).sum::<f64>() / k, pts.iter().map(|p| p.1).sum::<f64>() / k);
        let slope = (1.0 + vt).ln() / (n as f64 - 1.0);
        let at = |x: f64| (my + slope * (x - mx)).exp();
        let (xa, xb) = ((self.n() - n.min(self.n())) as f64, (self.n() - 1) as f64);
        let xa = xa.max(self.start as f64);
        Some(((xa, at(xa)), (xb, at(xb))))
    }

    fn draw_volume<B: DrawingBackend>(
        &self,
        pen: &Pen<B>,
        f: &mut Frame,
        ticks: &[super::canvas::DateTick],
    ) -> DResult {
        let pal = pen.pal;
        let b = self.bars;
        let range = self.start..self.n();
        let vmax = range.clone().map(|i| b.volume[i]).filter(|v| valid_volume(*v)).fold(0.0f64, f64::max);
        let hl_i = self
            .ann
            .volume_day
            .filter(|_| self.layers == Layers::Daily)
            .and_then(|(d, _)| bar_of(&b.date, d).filter(|i| b.date[*i] == d && *i >= self.start));
        // Headroom above the tallest bar: 15%, or a label line when the volume day is labelled,
        // so its label sits over the bars instead of on them.
        let head = if hl_i.is_some() {
            let lh = (pen.text_size("0", pen.fs(FS_NOTE), false).1 + pen.px(8.0)) as f64;
            (lh / f.height().max(1) as f64).clamp(0.15, 0.6)
        } else {
            0.15
        };
        f.ymin = 0.0;
        f.ymax = if vmax > 0.0 { vmax / (1.0 - head) } else { 1.0 };
        // Ticks on multiples of a round step, three at least: a short panel widens to them.
        super::panel::widen_to_ticks(f, pen.fs(FS_TICK), &[]);
        draw_plot_bg(pen, f)?;
        draw_x_grid(pen, f, ticks)?;
        draw_y_axis(pen, &self.axis_frame(f), TickFmt::Count, &[])?;
        let bw = ((f.x_step() * 0.66).floor() as i32).max(1);
        for i in range.clone() {
            let v = b.volume[i];
            if !valid_volume(v) {
                continue;
            }
            let up = b.close[i] >= b.open[i];
            let col = if Some(i) == hl_i {
                pal.highlight.to_rgba()
            } else {
                Palette::alpha(if up { pal.up } else { pal.down }, 0.55)
            };
            let x = f.fx(i as f64);
            pen.fill_rect((x - bw / 2, f.fy(v)), (x - bw / 2 + bw - 1, f.y1), col)?;
            pen.place((x - bw / 2, f.fy(v)), (x - bw / 2 + bw, f.y1), "bar");
        }
        let mut legend = vec![
            (Swatch::Box(Palette::alpha(pal.up, 0.55)), "up".into()),
            (Swatch::Box(Palette::alpha(pal.down, 0.55)), "down".into()),
        ];
        if let (Layers::ThreeDay, Some(vt)) = (self.layers, self.ann.d3_vtrend) {
            // The 3-day chart draws E3's own trend: the log-linear fit over the last 20 bars, with
            // E3's figure (the note's "3-day volume rose x% over the last 20 bars"); the line's
            // slope is that figure, through the window's mean of log volume.
            if let Some(((xa, ya), (xb, yb))) = self.vtrend_line(vt) {
                pen.line(
                    &[(f.fx(xa), f.fy(ya)), (f.fx(xb), f.fy(yb))],
                    pal.text.to_rgba(),
                    pen.px(2.0) as u32,
                )?;
                legend.push((Swatch::Line(pal.text.to_rgba()), vtrend_legend(ya, yb, vt)));
            }
        } else if let Some((a0, b1)) =
            ols(range.clone().filter(|i| valid_volume(b.volume[*i])).map(|i| (i as f64, b.volume[i])))
        {
            // Weekly and daily: a trendline over the chart window as a guide; no figure, since
            // the note quotes none for this window.
            let (xa, xb) = (self.start as f64, (self.n() - 1) as f64);
            let (ya, yb) = (a0 + b1 * xa, a0 + b1 * xb);
            pen.line(&[(f.fx(xa), f.fy(ya)), (f.fx(xb), f.fy(yb))], pal.text.to_rgba(), pen.px(1.5) as u32)?;
            legend.push((Swatch::Line(pal.text.to_rgba()), "trend over the window".into()));
        }
        if let (Some(i), Some((_, rank))) = (hl_i, self.ann.volume_day) {
            // The note's words for the rank, shortened to fit over the bars.
            let txt = format!("{} of 252 sessions", crate::narrative::format::heaviest_nth(rank));
            let x = f.fx(i as f64);
            let yv = f.fy(b.volume[i]);
            // Above the bars in the headroom, beside the highlighted bar first, then sliding away
            // from it (a leader back to the bar top).
            let top = f.y0 + pen.px(3.0);
            let mut cands = Vec::new();
            for dx in [0, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32].map(|k| k * pen.px(12.0)) {
                cands.push(((x - pen.px(6.0) - dx, top), HPos::Right, VPos::Top));
                cands.push(((x + pen.px(6.0) + dx, top), HPos::Left, VPos::Top));
            }
            pen.label_fit(
                &txt,
                &cands,
                Some((x, yv)),
                pen.fs(FS_NOTE),
                pal.text.to_rgba(),
                Palette::alpha(pal.panel, 0.85),
                ((f.x0, f.y0), (f.x1, f.y1)),
            )?;
            // The bar's label gives the rank and the price legend the note's full phrase: the
            // volume legend names the colour only, on the legend's first line (its own line
            // took height from the 2020-03-20 price panel, review 16).
            legend.push((
                Swatch::Box(pal.highlight.to_rgba()),
                super::annotate::volume_day_kind(self.ann.volume_day_state).into(),
            ));
        }
        draw_plot_frame(pen, f)?;
        self.legend_at(pen, f, "Volume", &legend)
    }

    fn draw_momentum<B: DrawingBackend>(
        &self,
        pen: &Pen<B>,
        f: &mut Frame,
        ticks: &[super::canvas::DateTick],
    ) -> DResult {
        let pal = pen.pal;
        let range = self.start..self.n();
        let mut mx = 0.0f64;
        for i in range.clone() {
            if self.hist[i].is_finite() {
                mx = mx.max(self.hist[i].abs());
            }
        }
        let mx = if mx > 0.0 { mx * 1.12 } else { 1.0 };
        f.ymin = -mx;
        f.ymax = mx;
        // Ticks on multiples of a round step, three at least: a short panel widens to them.
        super::panel::widen_to_ticks(f, pen.fs(FS_TICK), &[]);
        draw_plot_bg(pen, f)?;
        draw_x_grid(pen, f, ticks)?;
        draw_y_axis(pen, &self.axis_frame(f), TickFmt::Fixed, &[])?;
        let y0 = f.fy(0.0);
        pen.line(&[(f.x0, y0), (f.x1, y0)], pal.frame.to_rgba(), 1)?;
        let states = wave_states(&self.hist);
        let bw = ((f.x_step() * 0.66).floor() as i32).max(1);
        let color = |s: Wave| wave_color(&pal, s);
        for i in range {
            let (Some(s), v) = (states[i], self.hist[i]) else { continue };
            let x = f.fx(i as f64);
            pen.fill_rect((x - bw / 2, f.fy(v)), (x - bw / 2 + bw - 1, y0), color(s))?;
        }
        draw_plot_frame(pen, f)?;
        let (name, items) = self.macd_strip(pen, f.x0, f.x1);
        self.legend_at(pen, f, &name, &items)
    }

    fn draw_obv<B: DrawingBackend>(
        &self,
        pen: &Pen<B>,
        f: &mut Frame,
        ticks: &[super::canvas::DateTick],
    ) -> DResult {
        let pal = pen.pal;
        let range = self.start..self.n();
        // The range is OBV's own: the support line never rescales the panel; where it leaves
        // the range it is clipped and marked with an arrow and its value.
        let (line, name, what) = self.obv_layer();
        (f.ymin, f.ymax) = self.obv_range();
        // Ticks on multiples of a round step, three at least: a short panel widens to them.
        super::panel::widen_to_ticks(f, pen.fs(FS_TICK), &[]);
        draw_plot_bg(pen, f)?;
        draw_x_grid(pen, f, ticks)?;
        draw_y_axis(pen, &self.axis_frame(f), TickFmt::Count, &[])?;
        let mut legend = vec![(Swatch::Line(pal.line.to_rgba()), "OBV".to_string())];
        for l in polylines(f, range, &self.obv) {
            pen.line(&l, pal.line.to_rgba(), pen.px(1.5) as u32)?;
            // The line is an obstacle for the support label.
            for w in l.windows(2) {
                let (a, b) = (w[0], w[1]);
                pen.place((a.0.min(b.0), a.1.min(b.1) - 1), (a.0.max(b.0) + 1, a.1.max(b.1) + 1), "line");
            }
        }
        if let Some((state, pts)) = line {
            let col = pal.risk.to_rgba();
            let mut exit = None;
            for w in pts.windows(2) {
                if let Some((a, b, out)) = clip_segment(w[0], w[1], f.ymin, f.ymax) {
                    let (pa, pb) = ((f.fx(a.0), f.fy(a.1)), (f.fx(b.0), f.fy(b.1)));
                    pen.dashed(pa, pb, col, pen.px(1.5) as u32, pen.px(6.0), pen.px(4.0))?;
                    if out && exit.is_none() {
                        exit = Some(pb.0);
                    }
                } else if exit.is_none() {
                    exit = Some(f.fx(w[0].0));
                }
            }
            let mut broke = None;
            let cut = self.obv_cut_at().zip(self.ann.obv_line.as_ref().and_then(|l| l.break_date));
            // A line cut at its break goes on past it (review 15: OBV later above the line's
            // value at the break hid that OBV was still under the line itself): finer dashes to
            // the last bar, clipped to the panel, with its value there noted at the edge when it
            // leaves the panel (never rescaling it).
            let mut extended = None;
            // A break OBV overturned (a close above its pre-break high) leaves a stale line: it
            // ends at the break, not extended to a value nobody watches (review 29: "↑ 4.35B").
            let stale = self.ann.obv_line.as_ref().and_then(|l| l.status)
                == Some(crate::signals::ObvStatus::Superseded);
            if let (Some(_), [a, b], false) = (cut, pts.as_slice(), stale) {
                let last = (self.n() - 1) as f64;
                let end = (last, line_at(*a, *b, last));
                if last > b.0 && end.1.is_finite() {
                    let faint = Palette::alpha(pal.risk, 0.7);
                    if let Some((p0, p1, _)) = clip_segment(*b, end, f.ymin, f.ymax) {
                        let (q0, q1) = ((f.fx(p0.0), f.fy(p0.1)), (f.fx(p1.0), f.fy(p1.1)));
                        pen.dashed(q0, q1, faint, 1, pen.px(3.0), pen.px(3.0))?;
                    }
                    // Its value at the last bar: one number for the arrow at the edge and the
                    // legend (wide charts): "extended line ↑ 4.35B on Jul 24, OBV 0.96B under it".
                    let val = count_in_unit(end.1, f.ymax.abs().max(f.ymin.abs()));
                    let mut glyph_said = "";
                    if !f.contains_y(end.1) {
                        // An arrow where it leaves the panel, with the value it is headed for
                        // (review 20, 2020-03-20: a bare "↑" left the line's value unexplained).
                        // An arrow glyph in the extension's own faint colour, not a filled
                        // triangle (review 15: in the risk colour it read as a swing-low marker).
                        let up = end.1 > f.ymax;
                        let glyph = if up { "↑" } else { "↓" };
                        glyph_said = if up { "↑ " } else { "↓ " };
                        let text = format!("{glyph} {val}");
                        let fs = pen.fs(FS_TICK);
                        let (tw, th) = pen.text_size(&text, fs, true);
                        let ra = pen.px(5.0);
                        // Ending at the last bar, where the value applies (review 23: at the
                        // line's exit, late May, "↑ 4.35B" read as the line's value then).
                        // In the label column beside the last bar when there is one (inside,
                        // the tag covered the OBV line's last weeks); else inside the plot,
                        // ending at the last bar.
                        let ya = if up { f.y0 + ra + pen.px(1.0) } else { f.y1 - ra - pen.px(1.0) };
                        let x = if self.col_w.get() > 0 {
                            f.x1 + pen.px(6.0) + ra
                        } else {
                            // Ending at the last bar unless the OBV line runs there (review 29:
                            // the phone's "↑ 4.35B" sat on a new OBV high): then the nearest
                            // place to its left that the line leaves clear.
                            let x_end = f.fx(last).min(f.x1 - pen.px(4.0));
                            let at = |x_end: i32| (x_end - tw + ra).max(f.x0 + pen.px(8.0));
                            let clear = |x: i32| {
                                let probe = super::canvas::Placed {
                                    a: (x - ra, ya - th / 2),
                                    b: (x - ra + tw, ya + th / 2),
                                    kind: "",
                                };
                                !pen.placed.borrow().iter().any(|q| q.kind == "line" && q.hits(&probe))
                            };
                            (0..)
                                .map(|k| x_end - k * pen.px(4.0))
                                .take_while(|e| at(*e) > f.x0 + pen.px(8.0))
                                .map(at)
                                .find(|x| clear(*x))
                                .unwrap_or(at(x_end))
                        };
                        pen.text(&text, (x - ra, ya), fs, faint, HPos::Left, VPos::Center, true)?;
                        pen.place((x - ra, ya - th / 2), (x - ra + tw, ya + th / 2), "marker");
                    }
                    let d = self.bars.date[self.n() - 1].format("%b %-d");
                    extended = Some(format!(
                        "extended line {glyph_said}{val} on {d}{}",
                        self.obv_gap_words(end.1, f)
                    ));
                }
            }
            if let (Some((_, d)), Some((x, v))) = (cut, pts.last().filter(|p| f.contains_y(p.1))) {
                // A line cut at its break: a dot where OBV broke it, and the line's value there in
                // the panel's legend (a label in this short panel would cover the OBV line).
                let val = count_in_unit(*v, f.ymax.abs().max(f.ymin.abs()));
                let p = (f.fx(*x), f.fy(*v));
                pen.circle(p, pen.px(3.0), col, true, 1)?;
                pen.place(
                    (p.0 - pen.px(3.0), p.1 - pen.px(3.0)),
                    (p.0 + pen.px(3.0), p.1 + pen.px(3.0)),
                    "marker",
                );
                let since = if stale { ", since overturned by a higher OBV" } else { "" };
                broke = Some(format!("{what} {val}, broken {}{since}", d.format("%b %-d")));
            } else if let Some((_, v)) = pts.last() {
                // In the axis's unit (a 2.68B line on a B axis, not 2,684.9M).
                let val = count_in_unit(*v, f.ymax.abs().max(f.ymin.abs()));
                if f.contains_y(*v) && self.col_w.get() > 0 {
                    // Named in the label column at the line's right end, where the line is (its
                    // state is in the legend).
                    let h = pen.text_size("0", pen.fs(FS_TICK), true).1 + pen.px(4.0);
                    let ly = f.fy(*v);
                    let ty = ly.clamp(f.y0 + h / 2, (f.y1 - h / 2).max(f.y0 + h / 2));
                    let tag = super::panel::ColTag::single(format!("{what} {val}"), col, ly, ty);
                    super::panel::draw_col(pen, f, &[tag], self.col_w.get())?;
                } else if f.contains_y(*v) {
                    // No column (a phone): inside the plot, over the drawn part of the line.
                    let text = if state.is_empty() {
                        format!("{what} {val}")
                    } else {
                        format!("{what} {val} ({state})")
                    };
                    let from = pts.first().map_or(0.0, |p| {
                        ((f.fx(p.0) - f.x0) as f64 / (f.x1 - f.x0).max(1) as f64).clamp(0.0, 0.9)
                    });
                    draw_edge_labels(pen, f, &[EdgeLabel { y: *v, text, color: col, from }])?;
                } else {
                    // Beyond OBV's own range: clipped at the panel edge where it leaves, with an
                    // arrow and its value inside the panel.
                    let x = exit
                        .unwrap_or(f.fx((self.n() - 1) as f64))
                        .clamp(f.x0 + pen.px(8.0), f.x1 - pen.px(8.0));
                    // The reader must see where OBV is against the line: the line is drawn
                    // inside the range up to where it leaves, and the label says by how much
                    // OBV is under (or over) it at the last bar.
                    let text = format!("{what} {val}{}", self.obv_gap_words(*v, f));
                    super::panel::draw_offscale(pen, f, x, *v, &text, col)?;
                }
            }
            // The weekly trendline's break: a dot on the line at the week D3 names (the note's
            // "On 2026-07-24 OBV closed under the rising trendline"), named in the legend.
            let wk_break = match (self.wk_obv_break_bar(), pts.as_slice()) {
                (Some(i), [a, b]) => Some((i, line_at(*a, *b, i as f64))),
                _ => None,
            };
            if let Some((i, v)) = wk_break.filter(|(_, v)| f.contains_y(*v)) {
                let p = (f.fx(i as f64), f.fy(v));
                pen.circle(p, pen.px(3.0), col, true, 1)?;
                pen.place(
                    (p.0 - pen.px(3.0), p.1 - pen.px(3.0)),
                    (p.0 + pen.px(3.0), p.1 + pen.px(3.0)),
                    "marker",
                );
            }
            let name = if state.is_empty() { name.to_string() } else { format!("{name} ({state})") };
            legend.push((Swatch::Dash(pal.risk.to_rgba()), name));
            if let Some((i, _)) = wk_break {
                let d = self.bars.date[i].format("%b %-d, %Y");
                legend.push((Swatch::Dot(pal.risk.to_rgba()), format!("OBV closed under it, week of {d}")));
            }
            // Wide charts only: a phone's short OBV panel keeps its one-line legend (the dot
            // marks the break; the note's risk table gives the date).
            if let Some(t) = broke.filter(|_| self.col_w.get() > 0) {
                legend.push((Swatch::Dot(pal.risk.to_rgba()), t));
            }
            if let Some(t) = extended.filter(|_| self.col_w.get() > 0) {
                legend.push((Swatch::Dash(Palette::alpha(pal.risk, 0.7)), t));
            }
        }
        draw_plot_frame(pen, f)?;
        self.legend_at(pen, f, "On-balance volume", &legend)
    }

    /// The OBV panel's line (the daily H2 support line or the weekly D3 trendline, as points and
    /// a state word), its legend name and its short name.
    #[allow(clippy::type_complexity)]
    fn obv_layer(&self) -> (Option<(String, Vec<(f64, f64)>)>, &'static str, &'static str) {
        match self.layers {
            Layers::Daily => (self.obv_support(), "OBV support / retest line", "OBV line"),
            Layers::Weekly => {
                (self.obv_trend(), "OBV trendline (fit through the pullback lows)", "OBV trend")
            }
            Layers::ThreeDay => (None, "", ""),
        }
    }

    /// The label-column entry naming the OBV line at its right end (its y in OBV units, its
    /// value as the note's risk table quotes it), for sizing the column.
    fn obv_col_label(&self, pal: &Palette) -> Option<ColLabel> {
        if self.obv_cut_at().is_some() {
            return None;
        }
        let (line, _, what) = self.obv_layer();
        let (_, pts) = line?;
        let (_, v) = pts.last()?;
        Some(ColLabel {
            y: *v,
            name: what.into(),
            values: vec![count_in_unit(*v, self.obv_max_abs())],
            color: pal.risk.to_rgba(),
            run: "OBV lines",
        })
    }

    /// ", OBV 0.29B under it" (or "over it"): the last bar's OBV against a line whose last value
    /// is `line`, in the OBV axis's unit; empty when OBV has no last value.
    fn obv_gap_words(&self, line: f64, f: &Frame) -> String {
        let Some(last) = self.obv.last().copied().filter(|v| v.is_finite()) else { return String::new() };
        let gap = line - last;
        let unit = f.ymax.abs().max(f.ymin.abs());
        format!(", OBV {} {} it", count_in_unit(gap.abs(), unit), if gap > 0.0 { "under" } else { "over" })
    }

    /// The OBV panel's range before its ticks: the window's OBV with 8% below and 10% above.
    fn obv_range(&self) -> (f64, f64) {
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for v in self.obv[self.start.min(self.obv.len())..self.n().min(self.obv.len())].iter() {
            if v.is_finite() {
                lo = lo.min(*v);
                hi = hi.max(*v);
            }
        }
        if !lo.is_finite() {
            lo = 0.0;
            hi = 1.0;
        }
        let span = (hi - lo).max(hi.abs() * 1e-3).max(1.0);
        (lo - span * 0.08, hi + span * 0.1)
    }

    /// The largest OBV magnitude over the window (the axis unit follows it).
    fn obv_max_abs(&self) -> f64 {
        self.obv[self.start..].iter().filter(|v| v.is_finite()).fold(0.0f64, |m, v| m.max(v.abs()))
    }

    /// D3's weekly OBV trendline as (x, value) points from its anchor week to the last bar, with
    /// no state word: the least-squares line through this chart's OBV at the weeks D3 fits (its
    /// anchor and pullback lows), so it sits on the OBV drawn. `None` with fewer than two of them
    /// in the data.
    fn obv_trend(&self) -> Option<(String, Vec<(f64, f64)>)> {
        let b = self.bars;
        let idx: Vec<usize> = self
            .ann
            .wk_obv_trend
            .iter()
            .filter_map(|d| bar_of(&b.date, *d).filter(|i| b.date[*i] == *d))
            .filter(|i| self.obv.get(*i).is_some_and(|v| v.is_finite()))
            .collect();
        let (i0, i1) = (*idx.first()?, *idx.last()?);
        if i1 <= i0 {
            return None;
        }
        let (a, k) = ols(idx.iter().map(|i| (*i as f64, self.obv[*i])))?;
        // The chart's OBV is the daily total at week ends, not the weekly series D3 fits: a line
        // through it that slopes the other way than D3's would contradict the note, so none.
        if self.ann.wk_obv_slope.is_some_and(|s| s.is_finite() && s * k < 0.0) {
            return None;
        }
        let last = (self.n() - 1) as f64;
        let x0 = (i0 as f64).max(self.start as f64);
        Some((String::new(), vec![(x0, a + k * x0), (last, a + k * last)]))
    }

    /// The weekly bar of D3's trendline break (`break_date`) when the chart draws the trendline
    /// and the week lies on it.
    fn wk_obv_break_bar(&self) -> Option<usize> {
        if self.layers != Layers::Weekly {
            return None;
        }
        let d = self.ann.wk_obv_break?;
        let (_, pts) = self.obv_trend()?;
        let i = bar_of(&self.bars.date, d).filter(|i| self.bars.date[*i] == d)?;
        let (a, b) = (pts.first()?.0, pts.last()?.0);
        (i as f64 >= a && i as f64 <= b).then_some(i)
    }

    /// The H2 support line as (x, value) points over the window, with a state word.
    fn obv_support(&self) -> Option<(String, Vec<(f64, f64)>)> {
        let l = self.ann.obv_line.as_ref()?;
        let b = self.bars;
        let state = match (l.status, l.state) {
            (Some(s), _) => s.name().replace('_', " "),
            (None, crate::signals::State::Bullish) => "intact".to_string(),
            (None, crate::signals::State::Bearish) => "failed".to_string(),
            (None, _) => "retest".to_string(),
        };
        let last = (self.n() - 1) as f64;
        let at = |d: Option<NaiveDate>| {
            d.and_then(|d| bar_of(&b.date, d)).filter(|i| b.date[*i] == d.unwrap_or(b.date[*i]))
        };
        let (p1, p2) = (at(l.p1_date), at(l.p2_date));
        let mut pts = Vec::new();
        if let (Some(p1), Some(p2)) = (p1, p2) {
            let (o1, o2) = (self.obv[p1], self.obv[p2]);
            if p2 > p1 && o1.is_finite() && o2.is_finite() {
                let slope = if o2 > o1 { (o2 - o1) / (p2 - p1) as f64 } else { 0.0 };
                let base = if o2 > o1 { o1 } else { o2 };
                let from = if o2 > o1 { p1 } else { p2 };
                let val = |i: f64| base + slope * (i - from as f64);
                // The line as the H2 signal tests it: fixed at the break (no rebuild from newer
                // pivots) but, when rising, still rising: a retest must reach the extended line.
                let x0 = (from as f64).max(self.start as f64);
                pts.push((x0, val(x0)));
                // A line no longer tested ends at its break (issue 13 item 2): extended to the
                // as-of it left the panel and its label named a value OBV never came near.
                let end = self.obv_cut_at().map_or(last, |i| (i as f64).max(x0));
                pts.push((end, val(end)));
                return Some((state, pts));
            }
        }
        let x0 = p2.or(p1).map(|i| i as f64).unwrap_or(self.start as f64).max(self.start as f64);
        let end = self.obv_cut_at().map_or(last, |i| (i as f64).max(x0));
        Some((state, vec![(x0, l.value), (end, l.value)]))
    }

    /// The bar where the daily OBV support line is cut: its break, when H2 says the line is no
    /// longer tested (no retest within the window, a failed retest, or expired) and the break is
    /// inside the window; `None` while the line is intact or in play (broken, retest, reclaimed).
    fn obv_cut_at(&self) -> Option<usize> {
        use crate::signals::ObvStatus;
        if self.layers != Layers::Daily {
            return None;
        }
        let l = self.ann.obv_line.as_ref()?;
        if !matches!(
            l.status,
            Some(ObvStatus::NoRetest | ObvStatus::Failed | ObvStatus::Expired | ObvStatus::Superseded)
        ) {
            return None;
        }
        let d = l.break_date?;
        bar_of(&self.bars.date, d).filter(|i| *i >= self.start && self.bars.date[*i] == d)
    }
}

impl Scene for TfScene<'_> {
    fn draw<B: DrawingBackend>(&self, pen: &Pen<B>) -> DResult {
        self.draw_chart(pen)
    }

    /// A phone's legends wrap, and every extra legend line comes out of the panels: one line
    /// more of canvas for each legend entry review 32 added (the weekly MACD's name in the
    /// note, the 3-day close's bar, the earlier swing high the phone's plot leaves unlabelled),
    /// so the price panel keeps the height its labels were laid out in.
    fn phone_design_h(&self) -> f64 {
        let strip = super::panel::FS_TEXT + 7.0;
        let extra = match self.layers {
            Layers::Weekly => 1,
            Layers::ThreeDay => usize::from(self.last_close != LAST_CLOSE),
            Layers::Daily => {
                usize::from(self.ann.lower_high.as_ref().is_some_and(|lh| self.earlier_high_shown(lh)))
            }
        };
        super::PHONE_DESIGN_H + strip * extra as f64
    }

    /// The daily chart carries the most annotation (levels, risk lines, markers, a long legend):
    /// in the PDF it gets a taller canvas at the full text width (issue 13 item 9), about 530 pt.
    fn pdf_design_h(&self) -> f64 {
        // The weekly and 3-day charts keep half the page height: taller ones pushed the default
        // note to nine Letter pages; their lower panels get room for three tick labels from the
        // price panel instead (see the panel split in `draw_chart`).
        match self.layers {
            Layers::Daily => 760.0,
            _ => super::PDF_H as f64 / 2.0,
        }
    }

    /// The daily chart, taller than the others, may be set shorter to stay on its text's page.
    fn pdf_shrinks(&self) -> bool {
        matches!(self.layers, Layers::Daily)
    }
}

/// Sorted pixel ys split into runs whose neighbours lie less than `gap` pixels apart.
pub(crate) fn level_runs(ys: &[i32], gap: i32) -> Vec<&[i32]> {
    let mut out = Vec::new();
    let mut start = 0;
    for k in 1..=ys.len() {
        if k == ys.len() || ys[k] - ys[k - 1] >= gap {
            if start < k {
                out.push(&ys[start..k]);
            }
            start = k;
        }
    }
    out
}

/// Label places above a marker of radius `r` whose label would sit with its bottom at `p`: for
/// each row `rows` (8 design px apart, upward), centred and flush with either side of the marker,
/// then slid sideways up to 220 design px (a label away from the marker gets a leader).
fn above_marker<B: DrawingBackend>(
    pen: &Pen<B>,
    p: (i32, i32),
    r: i32,
    rows: std::ops::Range<i32>,
) -> Vec<((i32, i32), HPos, VPos)> {
    let (x, yl) = p;
    let mut cands = Vec::new();
    for k in rows {
        let dy = k * pen.px(8.0);
        for dx in [0, 40, -40, 90, -90, 150, -150, 220, -220].map(|d| pen.px(d as f64)) {
            cands.push(((x + dx, yl - dy), HPos::Center, VPos::Bottom));
            cands.push(((x + r + dx, yl - dy), HPos::Right, VPos::Bottom));
            cands.push(((x - r + dx, yl - dy), HPos::Left, VPos::Bottom));
        }
    }
    cands
}

/// A label's candidate place: its anchor point and which end and edge sit at it.
type Cand = ((i32, i32), HPos, VPos);

/// Horizontal gap from `t` to a label box spanning `l..r`: zero when the box is over `t`. Ordering
/// by it gives the nearest clear place, not the first clear one of a row-by-row scan (a label one
/// row further down beats one slid 90 design px sideways).
fn edge_gap(l: i32, r: i32, t: i32) -> i32 {
    (l - t).max(t - r).max(0)
}

/// Horizontal distance from `t` to the centre of a label box spanning `l..r`: a label reads as
/// naming what is under or over its middle, not what its end touches.
fn centre_gap(l: i32, r: i32, t: i32) -> i32 {
    ((l + r) / 2 - t).abs()
}

/// `cands` sorted by the squared distance from `target` to the label box at each, the horizontal
/// part measured by `dx(left, right, target_x)`, the vertical by the box's nearest edge; ties
/// kept in their given order.
fn by_distance<B: DrawingBackend>(
    pen: &Pen<B>,
    text: &str,
    fs: f64,
    cands: Vec<Cand>,
    target: (i32, i32),
    dx: impl Fn(i32, i32, i32) -> i32,
) -> Vec<Cand> {
    let mut keyed: Vec<(i64, usize, Cand)> = cands
        .into_iter()
        .enumerate()
        .map(|(k, c)| {
            let (a, b) = pen.label_box(text, c.0, fs, c.1, c.2);
            let x = dx(a.0, b.0, target.0) as i64;
            let y = (a.1 - target.1).max(target.1 - b.1).max(0) as i64;
            (x * x + y * y, k, c)
        })
        .collect();
    keyed.sort_by_key(|(d, k, _)| (*d, *k));
    keyed.into_iter().map(|(_, _, c)| c).collect()
}

/// A count (OBV) in the unit an axis reaching `axis_max_abs` labels its ticks with
/// ([`super::canvas::count_unit`]): "2.68B" on a B axis, "684.9M" on an M axis.
pub(crate) fn count_in_unit(v: f64, axis_max_abs: f64) -> String {
    let (div, suf) = super::canvas::count_unit(axis_max_abs);
    let dec = if suf == "B" { 2 } else { 1 };
    format!("{}{suf}", crate::fmt::minus(v / div, dec))
}

/// The legend entry of the last-price tag on the value axis.
pub(crate) const LAST_CLOSE: &str = "last close (in its bar's up / down colour)";

/// The share of the legend lines a phone's short price legend frees that goes to the price
/// panel (the rest to the lower panels).
const PHONE_FREED_TO_PRICE: f64 = 0.0;

/// Where the daily level stubs start, as a fraction of the plot width (the latest ~12%).
const LEVEL_FROM: f64 = 0.88;
/// Legend of a moving average drawn beside a crossed level ([`TfScene::avgs_beside_levels`]).
const AVG_NOW: &str = "moving average, today's value (as in the text)";
/// Where the risk lines start (the latest third of the window).
pub(crate) const RISK_FROM: f64 = 2.0 / 3.0;

/// How many of the latest candles a risk level's solid line stops short of when they trade
/// through it (it runs on behind them dotted).
const LAST_CANDLES: usize = 5;

/// What F4 calls a day of volume at least 1.5× its 50-day average, a 20-session high and a close
/// near the low (the note's words).
const REVERSAL: &str = "high-volume reversal";

/// The legend name of the F1 levels: reclaimed or lost only when F1 says so (its state and the
/// leg's `direction`); a leg that crossed levels price did not stay beyond merely crossed them.
fn levels_name(a: &Annotations) -> &'static str {
    let avg = a.levels.iter().any(|l| l.label.split(" + ").any(is_moving_average));
    match (super::annotate::levels_verb(a), avg) {
        (Some("reclaimed"), false) => "levels reclaimed by the latest leg",
        (Some("lost"), false) => "levels lost in the latest leg",
        (_, false) => "levels crossed by the latest leg",
        (Some("reclaimed"), true) => "levels reclaimed by the latest leg (averages at today's value)",
        (Some("lost"), true) => "levels lost in the latest leg (averages at today's value)",
        (_, true) => "levels crossed by the latest leg (averages at today's value)",
    }
}

/// Marker label and legend text of the D1 reclaim week by D1's state: confirmed (bullish), not
/// yet confirmed (neutral) or lost again (bearish).
fn reclaim_words(state: Option<crate::signals::State>) -> (&'static str, &'static str) {
    use crate::signals::State;
    match state {
        Some(State::Bullish) => ("reclaim", "reclaim week (confirmed)"),
        Some(State::Bearish) => ("reclaim lost", "reclaim week (since lost)"),
        _ => ("above top, unconfirmed", "first week above the top (not a confirmed reclaim)"),
    }
}

/// Marker label and legend text of the E1 breakout bar by E1's state; `below` when the last
/// close is under the zone (the zone gave way rather than the breakout failing back into it).
fn breakout_words(state: Option<crate::signals::State>, below: bool) -> (&'static str, &'static str) {
    use crate::signals::State;
    match (state, below) {
        (Some(State::Bullish), _) => ("breakout", "breakout (holding)"),
        (Some(State::Bearish), true) => {
            ("earlier breakout", "earlier breakout (the zone has since given way)")
        }
        (Some(State::Bearish), false) => ("failed breakout", "breakout (failed)"),
        _ => ("breakout, no firm hold", "close above the zone (no firm hold)"),
    }
}

/// A fraction as a signed percent rounded as the note rounds it (whole percent from 10%, else
/// one decimal), with the typographic minus: `+4.9%`, `−24%`.
fn signed_pct_note(x: f64) -> String {
    let v = (x * 100.0).abs();
    let body = if v >= 10.0 { format!("{v:.0}%") } else { format!("{v:.1}%") };
    if x < 0.0 {
        format!("−{body}")
    } else {
        format!("+{body}")
    }
}

/// The value at `x` of the straight line through `a` and `b` ((bar, value) points; flat when
/// they share a bar): how an OBV line is read past its last pivot.
fn line_at(a: (f64, f64), b: (f64, f64), x: f64) -> f64 {
    let k = if b.0 > a.0 { (b.1 - a.1) / (b.0 - a.0) } else { 0.0 };
    b.1 + k * (x - b.0)
}

/// Marker radius: 4.5 design px, narrowed so neighbouring bars' markers do not overlap.
fn marker_r<B: DrawingBackend>(pen: &Pen<B>, f: &Frame) -> i32 {
    pen.px(4.5).min(((f.x_step() * 0.5) as i32).max(pen.px(2.5)))
}

/// A data point (x, value).
pub(crate) type XY = (f64, f64);

/// Clips the segment `a`–`b` (x, value) to `[lo, hi]` in value: the visible part, and whether
/// the segment leaves the range at its `b` end. `None` when nothing is visible.
pub(crate) fn clip_segment(a: (f64, f64), b: (f64, f64), lo: f64, hi: f64) -> Option<(XY, XY, bool)> {
    if !(a.1.is_finite() && b.1.is_finite()) {
        return None;
    }
    let at = |v: f64| {
        let t = if (b.1 - a.1).abs() < f64::EPSILON { 0.0 } else { (v - a.1) / (b.1 - a.1) };
        (a.0 + t * (b.0 - a.0), v)
    };
    let inside = |v: f64| v >= lo && v <= hi;
    match (inside(a.1), inside(b.1)) {
        (true, true) => Some((a, b, false)),
        (true, false) => Some((a, at(if b.1 > hi { hi } else { lo }), true)),
        (false, true) => Some((at(if a.1 > hi { hi } else { lo }), b, false)),
        (false, false) => {
            // Crosses the whole range, or misses it.
            if (a.1 > hi && b.1 < lo) || (a.1 < lo && b.1 > hi) {
                let (p, q) = if a.1 > hi { (at(hi), at(lo)) } else { (at(lo), at(hi)) };
                Some((p, q, true))
            } else {
                None
            }
        }
    }
}

/// Capitalised timeframe names for panel titles.
trait NameCap {
    fn name_cap(self) -> &'static str;
}

impl NameCap for Timeframe {
    fn name_cap(self) -> &'static str {
        match self {
            Timeframe::Daily => "Daily",
            Timeframe::ThreeDay => "3-day",
            Timeframe::Weekly => "Weekly",
            Timeframe::Monthly => "Monthly",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_names_in_the_column_are_words_not_plus_counts() {
        assert_eq!(level_col_name("SMA50"), "50-day avg");
        assert_eq!(level_col_name("EMA21 + SMA50"), "21/50-day avg");
        assert_eq!(level_col_name("SMA20 + EMA21"), "20/21-day avg");
        assert_eq!(level_col_name("SMA20 + EMA20"), "20-day avg");
        assert_eq!(level_col_name("EMA21"), "21-day EMA");
        assert_eq!(level_col_name("HVN + swing low 2020-01-02"), "vol. node");
        assert_eq!(level_col_name("volume POC"), "volume POC");
        assert_eq!(level_col_name("SMA20 + SMA50 + EMA21 + HVN"), "20/21/50-day avg");
        assert_eq!(level_col_name("swing low 2020-01-02 + swing low 2020-02-03"), "prior lows");
        assert_eq!(level_col_name("swing low 2020-01-02"), "prior low");
        assert_eq!(level_col_name("swing high 2025-02-06 + SMA50 + swing high 2025-08-13"), "prior highs");
        assert!(is_lead_tag("stop") && is_lead_tag("3-day stop") && is_lead_tag("watch"));
        assert!(!is_lead_tag("swing high") && !is_lead_tag("nonstop"));
    }

    #[test]
    fn the_volume_trend_legend_names_its_baseline() {
        let t = vtrend_legend(12.1e6, 58.2e6, 3.81);
        assert!(t.contains("12.1M → 58.2M a bar"), "{t}");
        assert!(t.contains("volume trend"), "{t}");
    }

    #[test]
    fn ols_fits_a_line() {
        let (a, b) = ols((0..10).map(|i| (i as f64, 3.0 + 2.0 * i as f64))).unwrap();
        assert!((a - 3.0).abs() < 1e-9 && (b - 2.0).abs() < 1e-9);
        assert!(ols([(1.0, 1.0)].into_iter()).is_none());
    }

    #[test]
    fn bar_of_maps_dates_into_resampled_bars() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let dates = [d("2025-01-03"), d("2025-01-10"), d("2025-01-17")];
        assert_eq!(bar_of(&dates, d("2025-01-08")), Some(1));
        assert_eq!(bar_of(&dates, d("2025-01-10")), Some(1));
        assert_eq!(bar_of(&dates, d("2025-01-20")), None);
    }
}
