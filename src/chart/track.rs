//! The track-record chart (issue 11): the stance score computed point in time at every past week
//! end in, two panels out: the score with the Long and Short thresholds on top, and below it, as
//! one bar per week end, the instrument's return over the next 13 weeks relative to the
//! benchmark (or its price return without one). The title carries the rank correlation of the
//! two, so a reader sees at a glance whether the score has ranked what followed.

use super::canvas::{DResult, Pen};
use super::panel::{
    begin, draw_axes_with_badges, draw_not_enough, draw_plot_frame, draw_x_labels, end_tags, end_tags_room,
    legend_above, legend_lines, plot_x, right_pad, Spacing, Swatch, TickFmt, TwoPanels, FS_NOTE,
};
use super::theme::Palette;
use super::Scene;
use crate::history::{TrackPoint, TrackRecord, CITED_WEEKS};
use chrono::NaiveDate;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// Week ends needed before the chart is drawn.
pub(crate) const MIN_WEEKS: usize = 20;

/// The bar panel's legend note when week ends share pixel columns.
const AGGREGATED: &str = "one bar per pixel column: the largest gain and the largest loss of its week ends";

/// Opacity of the strip's held-at-Neutral weeks (grey, lighter than the stance colours).
const HELD_ALPHA: f64 = 0.45;

/// What the chart draws.
pub(crate) struct TrackScene {
    /// Title (with the rank correlation).
    pub title: String,
    /// Subtitle.
    pub subtitle: String,
    /// Instrument ticker.
    pub sym: String,
    /// Benchmark ticker, when the forward return is relative to one.
    pub versus: Option<String>,
    /// Week ends, oldest first.
    pub dates: Vec<NaiveDate>,
    /// Score at each.
    pub score: Vec<f64>,
    /// Forward return at each (a fraction; None without an outcome yet).
    pub forward: Vec<Option<f64>>,
    /// The Long threshold of the score.
    pub long_th: f64,
    /// The Short threshold.
    pub short_th: f64,
    /// Spearman rank correlation of the score with the forward return.
    pub rho: Option<f64>,
    /// The stance printed at each week end (issue 13 item 7: the chart marks which weeks read
    /// Long or Short, on a strip along the score panel's foot).
    pub stance: Vec<crate::signals::stance::StanceKind>,
    /// The score's own reading at each week end, before the record check: what the track
    /// table counts (the alt text reconciles the two counts).
    pub score_read: Vec<crate::signals::stance::StanceKind>,
}

/// A signed value to 2 dp with a typographic minus (`+0.20`, `−0.20`).
fn signed(v: f64) -> String {
    format!("{v:+.2}").replace('-', "\u{2212}")
}

/// A correlation to 2 dp with a typographic minus.
fn corr(v: f64) -> String {
    let v = if v.abs() < 0.005 { 0.0 } else { v };
    format!("{v:.2}").replace('-', "\u{2212}")
}

impl TrackScene {
    /// The scene of a track record.
    pub fn of(tr: &TrackRecord, sym: &str, long_th: f64, short_th: f64, as_of: NaiveDate) -> TrackScene {
        let pts: &[TrackPoint] = &tr.points;
        let h = tr.horizon(CITED_WEEKS);
        let rho = match tr.versus {
            Some(_) => h.and_then(|h| h.rank_corr_relative),
            None => h.and_then(|h| h.rank_corr_price),
        };
        let what = match &tr.versus {
            Some(b) => format!("{sym} minus {b} over the next {CITED_WEEKS} weeks"),
            None => format!("{sym} over the next {CITED_WEEKS} weeks"),
        };
        let title = match rho {
            // Review 36: the note's lead quotes the correlation with the outright return; the
            // chart's bars and figure are relative, and the title says so.
            Some(r) => match &tr.versus {
                Some(b) => {
                    format!("{sym} stance score against its return vs {b}: rank correlation {}", corr(r))
                }
                None => format!("{sym} stance score against what followed: rank correlation {}", corr(r)),
            },
            None => format!("{sym} stance score against what followed"),
        };
        let span = match (pts.first(), pts.last()) {
            (Some(a), Some(b)) => {
                format!("{} to {}", a.date.format("%b %-d, %Y"), b.date.format("%b %-d, %Y"))
            }
            _ => "no week ends".into(),
        };
        TrackScene {
            title,
            subtitle: format!(
                "score at each week end from the data known then, {span} · bars: {what} · as of {as_of}"
            ),
            sym: sym.to_string(),
            versus: tr.versus.clone(),
            dates: pts.iter().map(|p| p.date).collect(),
            score: pts.iter().map(|p| p.score).collect(),
            forward: pts.iter().map(|p| p.forward).collect(),
            long_th,
            short_th,
            rho,
            // What the note printed at each week end (a record-check veto included), not the
            // score's reading: 2020-02-28 and 2020-03-06 scored Short but were published Neutral.
            stance: pts.iter().map(|p| p.published).collect(),
            score_read: pts.iter().map(|p| p.stance).collect(),
        }
    }

    /// The chart's alt text: what is drawn, the correlation, and the latest score.
    pub fn alt(&self) -> String {
        let n = self.dates.len();
        let with = self.forward.iter().filter(|f| f.is_some()).count();
        let what = match &self.versus {
            Some(b) => format!("{}'s {CITED_WEEKS}-week return relative to {b}", self.sym),
            None => format!("{}'s {CITED_WEEKS}-week return", self.sym),
        };
        let (Some(first), Some(last), Some(s)) = (self.dates.first(), self.dates.last(), self.score.last())
        else {
            return format!("Track record chart of the {} stance score: no week ends to draw.", self.sym);
        };
        let rho = self.rho.map_or_else(|| "not computed".to_string(), corr);
        let (longs, shorts) = self.stance_counts();
        // The track table counts week ends with an outcome; the strip marks every week read so.
        // Where the two differ, the alt text gives both, so "7 weeks read Long" never stands
        // beside a table's 6 unexplained.
        // Week ends of `v` reading `k` that have an outcome (what the track table counts).
        let with_outcome = |v: &[crate::signals::stance::StanceKind], k| {
            v.iter().zip(&self.forward).filter(|(s, f)| **s == k && f.is_some()).count()
        };
        // Review 29: which weeks have no outcome said in words ("7 weeks read Long (6 with an
        // outcome)" beside the lead's "six earlier long readings" left the seventh unexplained).
        let outcome = |k: crate::signals::stance::StanceKind, all: usize| {
            let w = with_outcome(&self.stance, k);
            let this = self.stance.last() == Some(&k);
            match (all - w, this) {
                (0, _) => String::new(),
                (1, true) => format!(" ({w} with an outcome; this week has none yet)"),
                (r, true) => {
                    format!(" ({w} with an outcome; the other {r}, this week included, have none yet)")
                }
                // Review 33: "the latest has none yet" read as this week being one of them.
                (1, false) => format!(" ({w} with an outcome; the most recent of them has none yet)"),
                (r, false) => format!(" ({w} with an outcome; the most recent {r} of them have none yet)"),
            }
        };
        let (lo, so) = (
            outcome(crate::signals::stance::StanceKind::Long, longs),
            outcome(crate::signals::stance::StanceKind::Short, shorts),
        );
        // Review 22: the alt text ran to ~600 characters; it keeps what the chart shows and the
        // counts the table needs to be read beside it.
        // Review 23: the grey weeks are split by the stance held back, so the strip's marks plus
        // its grey add up to the table's counts (5 Short printed + 51 held = the table's 56).
        let held_of = |k: crate::signals::stance::StanceKind| {
            (0..self.stance.len())
                .filter(|&i| {
                    self.strip_kind(i) == Some(StripKind::Held) && self.score_read.get(i) == Some(&k)
                })
                .count()
        };
        let (hl, hs) = (
            held_of(crate::signals::stance::StanceKind::Long),
            held_of(crate::signals::stance::StanceKind::Short),
        );
        let split = match (hl, hs) {
            (0, _) | (_, 0) => String::new(),
            (l, s) => format!("{s} read Short, {l} Long"),
        };
        let mut held = match self.held_count() {
            0 => String::new(),
            k => format!(", and in grey the {k} held at Neutral by the record check"),
        };
        // The track table counts the stance before the record check (the strip's marks plus its
        // grey): where that differs from what the note printed, the alt text gives its count.
        let table: Vec<String> =
            [crate::signals::stance::StanceKind::Long, crate::signals::stance::StanceKind::Short]
                .into_iter()
                .filter_map(|k| {
                    let t = with_outcome(&self.score_read, k);
                    // Review 23: "5 read Short … 52 held … (Short: 56 with an outcome)" did not add
                    // up for a reader (57): the table's stance count is given whole, then its outcomes.
                    let all = self.score_read.iter().filter(|s| **s == k).count();
                    let name = crate::history::stance_name(k);
                    // Review 26: "8 weeks read Long … (1 Long held)" beside the table's Long 8 (9
                    // in all, one without an outcome): given whenever the strip's count (printed
                    // plus held) or the outcomes make the table's figure differ from it.
                    let printed = self.stance.iter().filter(|s| **s == k).count();
                    (t != with_outcome(&self.stance, k) || all != printed).then(|| match all == t {
                        true => format!("{name} {t}"),
                        false => format!("{name} {all}, {t} with an outcome"),
                    })
                })
                .collect();
        let notes: Vec<String> = [
            split,
            if table.is_empty() {
                String::new()
            } else {
                format!("the table counts both: {}", table.join(" and "))
            },
        ]
        .into_iter()
        .filter(|x| !x.is_empty())
        .collect();
        if !notes.is_empty() {
            held.push_str(&format!(" ({})", notes.join("; ")));
        }
        format!(
            "Track record chart: the {} stance score at {n} week ends, {first} to {last}, with the Long ({}) \
             and Short ({}) thresholds; a strip marks the {longs} weeks read Long{lo} and the {shorts} read \
             Short{so}{held}. Bars: {what} after each week end ({with} with an outcome). Rank correlation \
             {rho}; latest score {}.",
            self.sym,
            signed(self.long_th),
            signed(self.short_th),
            signed(*s)
        )
    }
}

/// What the stance strip marks at a week end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StripKind {
    /// The note read Long.
    Long,
    /// The note read Short.
    Short,
    /// The stance rules read Long or Short but the record check held the note at Neutral.
    Held,
}

impl TrackScene {
    /// What the strip marks at week end `i`, if anything.
    fn strip_kind(&self, i: usize) -> Option<StripKind> {
        use crate::signals::stance::StanceKind;
        match self.stance[i] {
            StanceKind::Long => Some(StripKind::Long),
            StanceKind::Short => Some(StripKind::Short),
            // Held: the stance rules read Long or Short (what the track table counts) but the
            // record check printed Neutral. Weeks an override held at Neutral are Neutral in the
            // table too and are not marked (review 20: "5 read Short", "Short (53)" and "114 past
            // a threshold" could not be reconciled; now table = strip + held, week for week).
            StanceKind::Neutral => {
                (self.score_read.get(i).is_some_and(|k| *k != StanceKind::Neutral)).then_some(StripKind::Held)
            }
        }
    }

    /// Week ends the note read Long and Short.
    pub fn stance_counts(&self) -> (usize, usize) {
        use crate::signals::stance::StanceKind;
        let c = |k: StanceKind| self.stance.iter().filter(|s| **s == k).count();
        (c(StanceKind::Long), c(StanceKind::Short))
    }

    /// Week ends the stance rules read Long or Short that the record check printed Neutral.
    pub fn held_count(&self) -> usize {
        (0..self.stance.len()).filter(|i| self.strip_kind(*i) == Some(StripKind::Held)).count()
    }

    /// Runs of consecutive week ends the strip marks alike: (first index, last index, kind),
    /// oldest first. Other Neutral weeks break runs and are not drawn.
    pub fn stance_runs(&self) -> Vec<(usize, usize, StripKind)> {
        let mut out: Vec<(usize, usize, StripKind)> = Vec::new();
        for i in 0..self.stance.len() {
            let Some(k) = self.strip_kind(i) else { continue };
            match out.last_mut() {
                Some(r) if r.1 + 1 == i && r.2 == k => r.1 = i,
                _ => out.push((i, i, k)),
            }
        }
        out
    }
}

impl Scene for TrackScene {
    fn pdf_shrinks(&self) -> bool {
        true
    }

    fn draw<B: DrawingBackend>(&self, pen: &Pen<B>) -> DResult {
        let pal = pen.pal;
        let (w, h, top) = begin(pen, &self.title, &self.subtitle)?;
        let n = self.dates.len();
        if n < MIN_WEEKS {
            let detail = format!(
                "The track-record chart needs at least {MIN_WEEKS} week ends with an assessed score; {n} available."
            );
            return draw_not_enough(pen, top, &detail);
        }
        let strip = Spacing::of(pen).strip;
        let (x0, x1) = plot_x(pen, w);
        let runs = self.stance_runs();
        let mut score_legend = vec![
            (Swatch::Line(pal.line.to_rgba()), "score at the week end".to_string()),
            (Swatch::Dash(pal.good.to_rgba()), format!("Long threshold {}", signed(self.long_th))),
            (Swatch::Dash(pal.bad.to_rgba()), format!("Short threshold {}", signed(self.short_th))),
        ];
        let (longs, shorts) = self.stance_counts();
        let held = self.held_count();
        if longs + shorts + held > 0 {
            // The strip says what the note printed; a week the record check held at Neutral is
            // marked apart, so strip plus grey is what the track table counts.
            score_legend.push((Swatch::Box(pal.good.to_rgba()), format!("strip: note read Long ({longs})")));
            score_legend.push((Swatch::Box(pal.bad.to_rgba()), format!("Short ({shorts})")));
            if held > 0 {
                score_legend.push((
                    Swatch::Box(Palette::alpha(pal.muted, HELD_ALPHA)),
                    format!("held Neutral by the record check ({held})"),
                ));
            }
        }
        let l1 = legend_lines(pen, x0, x1, "Stance score", &score_legend);
        let bar_title = match &self.versus {
            Some(b) => format!("{} minus {b}, next {CITED_WEEKS} weeks (pp)", self.sym),
            None => format!("{}, next {CITED_WEEKS} weeks (%)", self.sym),
        };
        let mut bar_legend = vec![
            (Swatch::Box(pal.good.to_rgba()), "ahead".to_string()),
            (Swatch::Box(pal.bad.to_rgba()), "behind".to_string()),
        ];
        // More week ends than pixel columns: each column draws one bar up and one down (see the
        // bars below), and the legend says so.
        if n > (x1 - x0).max(1) as usize {
            bar_legend.push((Swatch::Note, AGGREGATED.to_string()));
        }
        let l2 = legend_lines(pen, x0, x1, &bar_title, &bar_legend);
        let xs: Vec<f64> = (0..n).map(|i| i as f64).collect();
        // Room right of the last week end for the latest score's tag (review: inside the plot,
        // left of its point, it covered part of the score line at the default date).
        let t = n - 1;
        let last_tag = self.score[t].is_finite().then(|| signed(self.score[t]));
        let room = last_tag.as_deref().map_or(0, |s| end_tags_room(pen, &[s]));
        let xrange = (-0.5, (n - 1) as f64 + right_pad((x0, x1), (n - 1) as f64 + 0.5, room, 0.5));
        let TwoPanels { mut f1, mut f2, ticks } =
            TwoPanels::of(pen, h, top, (x0, x1), (l1, l2), 1, 0.5, xrange, &self.dates, &xs);

        // Panel 1: the score and the thresholds.
        let (mut lo, mut hi) = (self.short_th.min(0.0), self.long_th.max(0.0));
        for v in self.score.iter().filter(|v| v.is_finite()) {
            lo = lo.min(*v);
            hi = hi.max(*v);
        }
        let span = (hi - lo).max(0.1);
        f1.ymin = lo - span * 0.08;
        f1.ymax = hi + span * 0.08;
        // Room under the lowest score for the stance strip, so the line never runs over it.
        // 10 design px (review 26: at 6 the Long and Short marks were a few pixels, unreadable in
        // the PDF).
        let sh = pen.px(10.0).max(3);
        if !runs.is_empty() {
            let frac = ((sh + pen.px(3.0)) as f64 / f1.height().max(1) as f64).min(0.3);
            f1.ymin -= (f1.ymax - f1.ymin) * frac / (1.0 - frac);
        }
        // The latest score's tag sits inside the plot by its point (below), so every tick label
        // on the axis stays (on the axis it hid one: 2020-03-20's −0.6).
        draw_axes_with_badges(pen, &f1, &ticks, TickFmt::Fixed, &[])?;
        if f1.contains_y(0.0) {
            let y = f1.fy(0.0);
            pen.line(&[(f1.x0, y), (f1.x1, y)], pal.frame.to_rgba(), 1)?;
        }
        for (th, col) in [(self.long_th, pal.good), (self.short_th, pal.bad)] {
            if f1.contains_y(th) {
                let y = f1.fy(th);
                pen.dashed(
                    (f1.x0, y),
                    (f1.x1, y),
                    col.to_rgba(),
                    pen.px(1.0) as u32,
                    pen.px(5.0),
                    pen.px(4.0),
                )?;
                // Recorded for the layout tests: no value tag sits on a threshold.
                pen.place((f1.x0, y), (f1.x1, y + 1), "rule");
            }
        }
        // The stance strip along the panel's foot: green for weeks the note read Long, red for
        // Short, nothing for neutral; one rectangle per run of equal weeks.
        for (a, b, kind) in &runs {
            let col = match kind {
                StripKind::Long => Palette::alpha(pal.good, 0.85),
                StripKind::Short => Palette::alpha(pal.bad, 0.85),
                StripKind::Held => Palette::alpha(pal.muted, HELD_ALPHA),
            };
            // A lone week is at least 2 design px wide, so it can be seen.
            let (xa, xb) = (
                f1.fx(*a as f64 - 0.5),
                f1.fx(*b as f64 + 0.5).max(f1.fx(*a as f64 - 0.5) + pen.px(2.0).max(1)),
            );
            pen.fill_rect((xa.max(f1.x0), f1.y1 - sh), (xb.min(f1.x1), f1.y1), col)?;
            pen.place((xa.max(f1.x0), f1.y1 - sh), (xb.min(f1.x1), f1.y1), "bar");
        }
        let line: Vec<(i32, i32)> = (0..n)
            .filter(|i| self.score[*i].is_finite())
            .map(|i| (f1.fx(i as f64), f1.fy(self.score[i])))
            .collect();
        let line = thin_line(&line);
        pen.line(&line, pal.line.to_rgba(), pen.px(1.5) as u32)?;
        pen.place_polyline(&line, "seg:score");
        if let Some(text) = last_tag {
            // Right of its point, where the line has ended (review 20: "−0.03" drawn at about
            // −0.33): at its point's height when it can, with a leader when moved, and never on
            // a threshold line.
            let dot = (f1.fx(t as f64), f1.fy(self.score[t]));
            let rules: Vec<i32> = [self.long_th, self.short_th]
                .iter()
                .filter(|th| f1.contains_y(**th))
                .map(|th| f1.fy(*th))
                .collect();
            end_tags(pen, &f1, &[(dot, self.score[t], text, pal.line.to_rgba())], &rules)?;
        }
        draw_plot_frame(pen, &f1)?;
        legend_above(pen, &f1, "Stance score", &score_legend, l1, strip)?;

        // Panel 2: what followed, one bar per week end (percentage points or percent).
        let (mut lo, mut hi) = (0.0f64, 0.0f64);
        for v in self.forward.iter().flatten() {
            lo = lo.min(v * 100.0);
            hi = hi.max(v * 100.0);
        }
        let span = (hi - lo).max(1.0);
        f2.ymin = lo - span * 0.06;
        f2.ymax = hi + span * 0.06;
        draw_axes_with_badges(pen, &f2, &ticks, TickFmt::Fixed, &[])?;
        // The last week ends have no outcome yet: shade them (under the bars) and say so (after
        // the bars, through the layout pass, clear of them).
        let pending = self.forward.iter().rposition(|f| f.is_some()).map(|k| k + 1).filter(|k| *k < n);
        if let Some(k) = pending {
            // Over those week ends only, not the right padding the score's tag takes (a phone's
            // band read three times 13 weeks wide).
            let (xa, xb) = (f2.fx(k as f64 - 0.5), f2.fx(n as f64 - 0.5).min(f2.x1));
            pen.fill_rect((xa, f2.y0), (xb, f2.y1), Palette::alpha(pal.muted, 0.15))?;
        }
        let y0 = f2.fy(0.0);
        let half = ((f2.fx(1.0) - f2.fx(0.0)) as f64 * 0.4).max(0.5);
        // At most one bar up and one down per pixel column: the week ends that fall in one
        // column (long histories: 200,000 week ends on ~1,300 px) are drawn as their largest
        // gain and largest loss, the same pixels their overdrawn bars would cover, at a cost
        // bounded by the width. A column of one week end draws exactly its bar.
        for (x, up, down) in column_extremes(&self.forward, |i| f2.fx(i as f64)) {
            let (xa, xb) = ((x as f64 - half).round() as i32, ((x as f64 + half).round() as i32).max(x + 1));
            for v in [up, down].into_iter().flatten() {
                let y = f2.fy(v * 100.0);
                let col = if v >= 0.0 { pal.good } else { pal.bad };
                pen.fill_rect(
                    (xa, y.min(y0)),
                    (xb, y.max(y0).max(y.min(y0) + 1)),
                    Palette::alpha(col, 0.75),
                )?;
                pen.place((xa, y.min(y0)), (xb, y.max(y0).max(y.min(y0) + 1)), "bar");
            }
        }
        if let Some(k) = pending {
            let xa = f2.fx(k as f64 - 0.5);
            let fs = pen.fs(FS_NOTE);
            let bg = Palette::alpha(pal.panel, 0.85);
            // On the shading first: its right end inside the band, at the top edge, then lower
            // rows down to the bottom edge (review 22: slid left until clear of the bars, the
            // label sat two years from the 13-week band it names); else left of the shading at
            // the top or bottom edge, sliding left until clear of the bars.
            let mut cands = Vec::new();
            let row = pen.px(8.0).max(1);
            let rows = ((f2.y1 - f2.y0 - pen.px(8.0)) / row).max(0);
            for j in 0..=rows {
                cands.push(((f2.x1 - pen.px(4.0), f2.y0 + pen.px(4.0) + j * row), HPos::Right, VPos::Top));
            }
            for j in 0..12 {
                let x = xa - pen.px(4.0) - j * (xa - f2.x0) / 12;
                cands.push(((x, f2.y0 + pen.px(4.0)), HPos::Right, VPos::Top));
                cands.push(((x, f2.y1 - pen.px(4.0)), HPos::Right, VPos::Bottom));
            }
            pen.label_fit(
                "no outcome yet",
                &cands,
                None,
                fs,
                pal.muted.to_rgba(),
                bg,
                ((f2.x0, f2.y0), (f2.x1, f2.y1)),
            )?;
        }
        if f2.contains_y(0.0) {
            pen.line(&[(f2.x0, y0), (f2.x1, y0)], pal.frame.to_rgba(), 1)?;
        }
        draw_plot_frame(pen, &f2)?;
        legend_above(pen, &f2, &bar_title, &bar_legend, l2, strip)?;
        draw_x_labels(pen, &f2, &ticks)
    }
}

/// Groups the values by pixel column (`fx` of their index, non-decreasing) and gives each
/// column with a value `(x, largest value ≥ 0, smallest value < 0)`, in column order; a column's
/// ties keep the first. Output length is at most the number of distinct columns.
fn column_extremes(v: &[Option<f64>], fx: impl Fn(usize) -> i32) -> Vec<(i32, Option<f64>, Option<f64>)> {
    let mut out: Vec<(i32, Option<f64>, Option<f64>)> = Vec::new();
    for (i, v) in v.iter().enumerate() {
        let Some(v) = v.filter(|v| v.is_finite()) else { continue };
        let x = fx(i);
        if out.last().is_none_or(|c| c.0 != x) {
            out.push((x, None, None));
        }
        let c = out.last_mut().expect("pushed above");
        if v >= 0.0 {
            c.1 = Some(c.1.map_or(v, |u: f64| u.max(v)));
        } else {
            c.2 = Some(c.2.map_or(v, |d: f64| d.min(v)));
        }
    }
    out
}

/// A polyline with at most four points per pixel column (its first, lowest, highest and last
/// there, in drawing order): the same pixels at a cost bounded by the width. Points must come in
/// non-decreasing x.
fn thin_line(p: &[(i32, i32)]) -> Vec<(i32, i32)> {
    let mut out = Vec::with_capacity(p.len().min(8192));
    let mut k = 0;
    while k < p.len() {
        let x = p[k].0;
        let e = p[k..].iter().position(|q| q.0 != x).map_or(p.len(), |j| k + j);
        let g = &p[k..e];
        if g.len() <= 4 {
            out.extend_from_slice(g);
        } else {
            let lo = g.iter().enumerate().min_by_key(|(j, q)| (q.1, *j)).map_or(0, |(j, _)| j);
            let hi = g.iter().enumerate().max_by_key(|(j, q)| (q.1, usize::MAX - *j)).map_or(0, |(j, _)| j);
            let mut idx = vec![0, lo, hi, g.len() - 1];
            idx.sort_unstable();
            idx.dedup();
            out.extend(idx.into_iter().map(|j| g[j]));
        }
        k = e;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::column_extremes;

    #[test]
    fn the_score_line_keeps_four_points_per_column() {
        let p: Vec<(i32, i32)> = (0..100).map(|i| (i / 10, i * 37 % 11)).collect();
        let t = super::thin_line(&p);
        assert!(t.len() <= 40 && t.len() >= 10, "{}", t.len());
        for x in 0..10 {
            let col: Vec<i32> = p.iter().filter(|q| q.0 == x).map(|q| q.1).collect();
            let kept: Vec<i32> = t.iter().filter(|q| q.0 == x).map(|q| q.1).collect();
            assert_eq!(kept.first(), col.first());
            assert_eq!(kept.last(), col.last());
            assert_eq!(kept.iter().min(), col.iter().min());
            assert_eq!(kept.iter().max(), col.iter().max());
        }
        let short = [(0, 1), (1, 2), (1, 3)];
        assert_eq!(super::thin_line(&short), short.to_vec());
    }

    #[test]
    fn week_ends_in_one_pixel_column_become_one_bar_each_way() {
        // 10 week ends over 4 columns: one up and one down bar at most per column.
        let v = [
            Some(0.1),
            Some(-0.2),
            Some(0.3),
            None,
            Some(-0.05),
            Some(0.0),
            Some(0.2),
            Some(-0.1),
            None,
            Some(0.4),
        ];
        let cols = column_extremes(&v, |i| (i / 3) as i32);
        assert_eq!(
            cols,
            vec![
                (0, Some(0.3), Some(-0.2)),
                (1, Some(0.0), Some(-0.05)),
                (2, Some(0.2), Some(-0.1)),
                (3, Some(0.4), None)
            ]
        );
        // One week end per column: every bar as it is.
        let cols = column_extremes(&v, |i| i as i32);
        assert_eq!(cols.len(), 8);
        assert_eq!(cols[1], (1, None, Some(-0.2)));
        // 200,000 week ends on 1,300 columns: at most 1,300 columns out.
        let many: Vec<Option<f64>> = (0..200_000).map(|i| Some(((i % 7) as f64 - 3.0) / 10.0)).collect();
        assert!(column_extremes(&many, |i| (i * 1300 / 200_000) as i32).len() <= 1300);
    }
}

#[cfg(test)]
mod render_tests {
    use super::*;
    use crate::signals::stance::StanceKind;

    #[test]
    fn the_track_chart_draws_the_walk_with_its_correlation() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let cfg = crate::config::NoteConfig::load(&dir.join("samples/iwm.toml")).unwrap();
        let ds = crate::data::load(&cfg).unwrap();
        let as_of = NaiveDate::from_ymd_opt(2020, 3, 20);
        let a = crate::analyze_note(&cfg, ds, as_of).unwrap();
        let tr = a.track_record.as_ref().unwrap();
        // One point per counted week end, none after the as-of date; the last 13 weeks have no
        // outcome yet and every earlier one has.
        assert_eq!(tr.points.len(), tr.weeks);
        assert!(tr.points.iter().all(|p| p.date <= a.as_of));
        let pending = tr.points.iter().rev().take_while(|p| p.forward.is_none()).count();
        assert!((12..=14).contains(&pending), "{pending}");
        assert!(tr.points.iter().rev().skip(pending).all(|p| p.forward.is_some()));
        let scene = TrackScene::of(tr, "IWM", 0.2, -0.2, a.as_of);
        // The strip shows the stance each week's note printed: 2020-02-28 and 2020-03-06 scored
        // Short but their record check vetoed it (published Neutral, as `backtest` prints), so
        // the strip marks them held, not Short (review 16).
        let walk = crate::history::walk(&a);
        let published = crate::history::edge::published_stances(&a, &walk, true);
        let by_date: std::collections::HashMap<NaiveDate, StanceKind> =
            walk.rows.iter().map(|r| r.date).zip(published).collect();
        for (i, d) in scene.dates.iter().enumerate() {
            assert_eq!(scene.stance[i], by_date[d], "{d}");
        }
        for d in [NaiveDate::from_ymd_opt(2020, 2, 28).unwrap(), NaiveDate::from_ymd_opt(2020, 3, 6).unwrap()]
        {
            let i = scene.dates.iter().position(|x| *x == d).unwrap();
            assert_eq!(tr.points[i].stance, StanceKind::Short, "{d}: the score read Short");
            assert_eq!(scene.strip_kind(i), Some(StripKind::Held), "{d}: the note printed Neutral");
        }
        let rho = tr.horizon(CITED_WEEKS).unwrap().rank_corr_relative.unwrap();
        assert!(scene.title.contains(&corr(rho)), "{}", scene.title);
        let alt = scene.alt();
        assert!(alt.contains(&format!("score at {} week ends", tr.weeks)), "{alt}");
        assert!(alt.contains("relative to SPY"), "{alt}");
        let charts =
            crate::chart::render_all(&a, crate::config::Theme::Light, &a.config.output.charts).unwrap();
        let c = charts.iter().find(|c| c.name == "track").expect("a track chart");
        assert!(c.png.starts_with(b"\x89PNG"));
        let again =
            crate::chart::render_all(&a, crate::config::Theme::Light, &a.config.output.charts).unwrap();
        assert_eq!(again.iter().find(|c| c.name == "track").unwrap().png, c.png, "same bytes");
    }

    fn svg_of(scene: &TrackScene) -> String {
        let mut lay =
            crate::chart::Layout { name: String::new(), size: (0, 0), boxes: vec![], axis_ticks: vec![] };
        let pal = crate::chart::theme::Palette::of(crate::config::Theme::Light);
        crate::chart::render_svg(scene, pal, 2.0, 1500, 1140, &mut lay).unwrap()
    }

    #[test]
    fn the_legend_says_when_week_ends_share_a_pixel_column() {
        let scene = |n: usize| {
            let d0 = NaiveDate::from_ymd_opt(1990, 1, 5).unwrap();
            TrackScene {
                title: "t".into(),
                subtitle: "s".into(),
                sym: "IWM".into(),
                versus: None,
                dates: (0..n).map(|i| d0 + chrono::Duration::weeks(i as i64)).collect(),
                score: (0..n).map(|i| ((i as f64) * 0.1).sin()).collect(),
                forward: (0..n).map(|i| Some(((i as f64) * 0.37).cos() * 0.05)).collect(),
                long_th: 0.2,
                short_th: -0.2,
                rho: Some(0.1),
                stance: (0..n)
                    .map(|i| match i % 7 {
                        0 | 1 => StanceKind::Long,
                        2 => StanceKind::Short,
                        _ => StanceKind::Neutral,
                    })
                    .collect(),
                // Week ends 3 and 4 of every 7 read Short by the stance rules, held Neutral.
                score_read: (0..n)
                    .map(|i| match i % 7 {
                        0 | 1 => StanceKind::Long,
                        2..=4 => StanceKind::Short,
                        _ => StanceKind::Neutral,
                    })
                    .collect(),
            }
        };
        assert!(svg_of(&scene(3000)).contains("one bar per pixel column"));
        assert!(!svg_of(&scene(300)).contains("one bar per pixel column"));
        // The stance strip: its legend counts the Long and Short weeks, and runs merge.
        let s = scene(28);
        assert_eq!(s.stance_counts(), (8, 4));
        // Weeks the record check held (3 and 4 of every 7) are their own runs; other Neutral
        // weeks are not marked, whatever the score.
        use StripKind::{Held, Long, Short};
        assert_eq!(s.stance_runs()[..4], [(0, 1, Long), (2, 2, Short), (3, 4, Held), (7, 8, Long)]);
        let held = (0..28).filter(|i| matches!(i % 7, 3 | 4)).count();
        assert_eq!(s.held_count(), held);
        // Strip plus grey is what the table counts, week for week.
        assert_eq!(
            s.stance_counts().1 + held,
            s.score_read.iter().filter(|k| **k == StanceKind::Short).count()
        );
        assert_eq!(s.stance_runs().iter().filter(|r| r.2 != Held).count(), 8);
        let svg = svg_of(&s);
        assert!(svg.contains("strip: note read Long (8)"));
        assert!(svg.contains(&format!("held Neutral by the record check ({held})")), "{svg}");
        assert!(s.alt().contains("the 8 weeks read Long and the 4 read Short"), "{}", s.alt());
    }
}
