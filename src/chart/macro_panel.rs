//! The macro panel: configured macro series (as known at the as-of date) in, small multiples
//! out: one cell per series with its transformed values over the window, the latest value, and
//! whether its recent direction is the supportive one.

use super::canvas::{date_ticks, DResult, Frame, Pen};
use super::panel::{
    draw_axes_with_badges, draw_plot_bg, draw_plot_frame, draw_tag_at, draw_x_labels, tick_labels_width,
    TickFmt, FS_NOTE, FS_TEXT, FS_TICK,
};
use super::Scene;
use crate::data::{Direction, MacroObs, MacroSeries, Transform};
use crate::signals::stance::StanceKind;
use crate::signals::State;
use chrono::{Datelike, NaiveDate};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// One series, transformed and cut to the window.
#[derive(Debug, Clone)]
pub(crate) struct MacroCell {
    /// Label.
    pub label: String,
    /// Unit suffix for values (`%` for YoY and for series quoted in percent, else empty).
    pub suffix: &'static str,
    /// What the values are ("level", "YoY %", "change").
    pub what: &'static str,
    /// (period, value) points, oldest first.
    pub pts: Vec<(NaiveDate, f64)>,
    /// Supportive direction, if configured.
    pub supportive: Option<Direction>,
    /// The recent change the cell prints and colours: the one the note's macro signal computed
    /// when it computed one for this series, else the chart's own over three months.
    pub recent: Option<Change>,
    /// Index into `pts` where the recent window starts.
    pub recent_from: usize,
    /// The verdict the note's signal gives this series for the stance.
    pub verdict: Verdict,
}

impl MacroCell {
    /// A value as the note's text prints the same reading: a year-over-year rate as a signed
    /// percent at the text's precision ([`crate::fmt::pct`]: "+3.5%"), a level quoted in percent
    /// as published ([`crate::fmt::as_published`]: "4.2%", "4.37%"), anything else to 2 dp.
    pub fn value_text(&self, v: f64) -> String {
        match (self.what, self.suffix) {
            ("year over year", _) => crate::fmt::pct(v / 100.0),
            (_, "%") => format!("{}%", crate::fmt::as_published(v)),
            _ => format!("{}{}", crate::fmt::minus(v, 2), self.suffix),
        }
    }

    /// The colour-worthy reading of this cell: the verdict's, unless this series did not itself
    /// move the verdict's way over its recent window (a flat fed funds under a "rate cuts priced"
    /// read from the 2-year is drawn neutral, issue 13 item 8). `None` draws the line neutral.
    pub fn coloured_reading(&self) -> Option<Reading> {
        let r = self.verdict.reading();
        if !matches!(r, Reading::Helps | Reading::Hurts) {
            return None;
        }
        let ch = self.recent.as_ref()?;
        if self.flat() {
            return None;
        }
        // Which way this series moved, read for a long: towards its supportive direction or not.
        let for_long = match self.supportive? {
            Direction::Falling => ch.value < 0.0,
            Direction::Rising => ch.value > 0.0,
        };
        // The signal's direction, read for a long (bullish = helps a long).
        let sig_long = self.verdict.state == Some(State::Bullish);
        (for_long == sig_long).then_some(r)
    }

    /// The recent change rounds to 0.00 in the units the cell prints ("unchanged").
    pub fn flat(&self) -> bool {
        self.recent
            .as_ref()
            .is_some_and(|ch| format!("{:.2}", ch.value.abs()).trim_start_matches(['0', '.']).is_empty())
    }
}

/// A change over a named window, in the series' display units (percentage points for YoY).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Change {
    /// Last value less the value at the window's start.
    pub value: f64,
    /// Window length in calendar months.
    pub months: u32,
    /// The window is counted in trading days (63 ≈ three months) rather than observations.
    pub about: bool,
    /// A window in weeks instead of months (the 2-year's sharp four-week move the text gives):
    /// worded "over four weeks" and drawn from `end` less that many weeks.
    pub weeks: Option<u32>,
    /// The end of the window (the observation the change runs to).
    pub end: NaiveDate,
    /// The change is the macro signal's own evidence (what the text prints), not the chart's.
    pub from_signal: bool,
    /// The turn inside the window the signal found, in the text's words ("down from +4.1% in
    /// April"): said after the change, so the panel agrees with the note (review 29).
    pub turn: Option<String>,
}

impl Change {
    /// "over 3 months +0.60 pts" (percent units), "over about 3 months −0.47", "over 6 months
    /// unchanged" (a change that rounds to 0.00).
    pub fn words(&self, suffix: &str) -> String {
        let v = format!("{:.2}", self.value.abs());
        let window = match self.weeks {
            Some(w) => format!("over {} weeks", crate::narrative::count_word(w as usize)),
            None => format!("over {}{} months", if self.about { "about " } else { "" }, self.months),
        };
        // A change that rounds to nothing is said in words, not as "±0.00".
        if v.trim_start_matches(['0', '.']).is_empty() {
            return format!("{window} unchanged");
        }
        let sign = if self.value < 0.0 { "−" } else { "+" };
        let turn = self.turn.as_ref().map(|t| format!(", {t}")).unwrap_or_default();
        format!("{window} {sign}{v}{}{turn}", if suffix == "%" { " pts" } else { "" })
    }
}

/// How a series reads for the note's stance, taken from the macro signal that reads it (the
/// state the text uses), never from the chart's own view of the line.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Verdict {
    /// The signal's name in the note's tables ("Rate cuts priced"), when a signal reads the series.
    pub signal: Option<&'static str>,
    /// Its state; `None` or `Unavailable` is "not assessed".
    pub state: Option<State>,
    /// The stance the note takes.
    pub stance: StanceKind,
    /// Why the signal is not assessed (the note's own words), when it is unavailable.
    pub reason: Option<String>,
}

/// A verdict's meaning for the thesis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reading {
    /// The signal points the stance's way (a bullish signal for a long, bearish for a short).
    Helps,
    /// The signal points against the stance.
    Hurts,
    /// The signal points up or down but the stance is neutral: `true` for up.
    Points(bool),
    /// The signal is neutral.
    Neutral,
    /// No signal reads the series, or it is unavailable.
    NotAssessed,
}

impl Verdict {
    /// What the verdict means for the thesis: a short is helped by what hurts a long.
    pub fn reading(&self) -> Reading {
        if self.signal.is_none() {
            return Reading::NotAssessed;
        }
        let up = match self.state {
            Some(State::Bullish) => true,
            Some(State::Bearish) => false,
            Some(State::Neutral) => return Reading::Neutral,
            _ => return Reading::NotAssessed,
        };
        match self.stance {
            StanceKind::Long => {
                if up {
                    Reading::Helps
                } else {
                    Reading::Hurts
                }
            }
            StanceKind::Short => {
                if up {
                    Reading::Hurts
                } else {
                    Reading::Helps
                }
            }
            StanceKind::Neutral => Reading::Points(up),
        }
    }

    /// One line for the cell and the alt text: the signal as the note's tables name it, where it
    /// points and what that means for the stance ("Rate cuts priced: down, favours a short").
    pub fn words(&self) -> String {
        let thesis = match self.stance {
            StanceKind::Long => "the long",
            StanceKind::Short => "the short",
            StanceKind::Neutral => "a position",
        };
        let Some(name) = self.signal else {
            return "not assessed: no signal of the note reads this series".into();
        };
        match self.reading() {
            // "favours a long", as the note's tables word a level's side (one phrase, review 15).
            Reading::Helps => {
                let side = if self.stance == StanceKind::Short { "short" } else { "long" };
                format!("{name}: {}, favours a {side}", self.dir())
            }
            Reading::Hurts => format!("{name}: {}, against {thesis}", self.dir()),
            Reading::Points(up) => {
                format!("{name}: {}, favours a {}", self.dir(), if up { "long" } else { "short" })
            }
            Reading::Neutral => format!("{name}: neutral"),
            Reading::NotAssessed => match &self.reason {
                Some(r) => format!("{name}: not assessed ({r})"),
                None => format!("{name}: not assessed"),
            },
        }
    }

    fn dir(&self) -> &'static str {
        match self.state {
            Some(State::Bullish) => "up",
            _ => "down",
        }
    }
}

/// True for the well-known series quoted in percent (policy rates, Treasury yields, the
/// unemployment rate, credit spreads): their levels carry a `%` and their changes are points.
pub(crate) fn in_percent(series_id: &str) -> bool {
    matches!(
        series_id,
        "fed_funds" | "dff" | "dgs2" | "dgs10" | "dgs3mo" | "t10y2y" | "unrate" | "hy_oas" | "ig_oas"
    )
}

/// Transforms a series (observations known at `as_of`) and keeps `[from, as_of]`; `verdict` is
/// the note's reading of it; `change` is the recent change its macro signal computed (printed
/// and coloured as is), else the cell computes one over three calendar months of observations.
pub(crate) fn cell(
    series: &MacroSeries,
    as_of: NaiveDate,
    from: NaiveDate,
    verdict: Verdict,
    change: Option<Change>,
) -> MacroCell {
    let obs: Vec<MacroObs> = series.known_at(as_of).into_iter().filter(|o| o.value.is_finite()).collect();
    let mut pts: Vec<(NaiveDate, f64)> = Vec::with_capacity(obs.len());
    match series.transform {
        Transform::Level => pts.extend(obs.iter().map(|o| (o.period, o.value))),
        Transform::Change => pts.extend(obs.windows(2).map(|w| (w[1].period, w[1].value - w[0].value))),
        Transform::Yoy => {
            // Year-ago observation: the latest one on or before period − 1 year (within 10 days).
            let mut j = 0usize;
            for o in &obs {
                let Some(target) = o
                    .period
                    .with_year(o.period.year() - 1)
                    .or_else(|| o.period.pred_opt()?.with_year(o.period.year() - 1))
                else {
                    continue;
                };
                while j + 1 < obs.len() && obs[j + 1].period <= target {
                    j += 1;
                }
                let y = obs[j];
                if y.period <= target && (target - y.period).num_days() <= 10 && y.value != 0.0 {
                    pts.push((o.period, (o.value / y.value - 1.0) * 100.0));
                }
            }
        }
    }
    pts.retain(|(d, _)| *d >= from);
    // Daily series (yields, spreads): keep the last value of each ISO week so the line reads
    // cleanly at small-multiple size.
    if pts.len() > 400 {
        let mut weekly: Vec<(NaiveDate, f64)> = Vec::with_capacity(pts.len() / 4);
        for p in pts {
            match weekly.last_mut() {
                Some(last) if last.0.iso_week() == p.0.iso_week() => *last = p,
                _ => weekly.push(p),
            }
        }
        pts = weekly;
    }
    let (suffix, what) = match series.transform {
        Transform::Level if in_percent(&series.id) => ("%", "level"),
        Transform::Level => ("", "level"),
        Transform::Yoy => ("%", "year over year"),
        Transform::Change => ("", "change"),
    };
    // The window's start: the last observation on or before (end − months), so a monthly series
    // over three months compares May with February (not January).
    let start_of = |end: NaiveDate, months: u32, weeks: Option<u32>| -> Option<usize> {
        let cut = match weeks {
            Some(w) => end.checked_sub_days(chrono::Days::new(7 * u64::from(w)))?,
            None => end.checked_sub_months(chrono::Months::new(months))?,
        };
        let k = pts.iter().rposition(|(d, _)| *d <= cut)?;
        (pts[k].0 < end).then_some(k)
    };
    let mut recent = None;
    let mut recent_from = pts.len().saturating_sub(1);
    match change {
        Some(ch) => {
            // Colour the signal's window, ending at its observation (or the latest point).
            let end_k = pts.iter().rposition(|(d, _)| *d <= ch.end).unwrap_or(pts.len().saturating_sub(1));
            if let Some(k) = start_of(pts.get(end_k).map_or(ch.end, |p| p.0), ch.months, ch.weeks) {
                recent_from = k;
            }
            recent = Some(ch);
        }
        None => {
            if let Some(&(last_d, last_v)) = pts.last() {
                if let Some(k) = start_of(last_d, 3, None) {
                    recent_from = k;
                    recent = Some(Change {
                        value: last_v - pts[k].1,
                        months: 3,
                        about: false,
                        weeks: None,
                        end: last_d,
                        from_signal: false,
                        turn: None,
                    });
                }
            }
        }
    }
    MacroCell {
        label: series.label.clone(),
        suffix,
        what,
        pts,
        supportive: series.supportive_when,
        recent,
        recent_from,
        verdict,
    }
}

/// The macro small multiples.
pub(crate) struct MacroScene {
    /// Title.
    pub title: String,
    /// Subtitle.
    pub subtitle: String,
    /// Cells, in config order.
    pub cells: Vec<MacroCell>,
}

impl Scene for MacroScene {
    /// One column on a phone: a header and ~190 CSS px per series.
    fn phone_design_h(&self) -> f64 {
        110.0 + 190.0 * self.cells.len().max(1) as f64
    }

    /// Two columns on the PDF page, each row of cells ~240 design px tall (a plot of about
    /// 110 pt under its three caption lines), up to [`super::PDF_MAX_DESIGN_H`].
    fn pdf_design_h(&self) -> f64 {
        100.0 + 240.0 * self.cells.len().max(1).div_ceil(2) as f64
    }

    fn pdf_shrinks(&self) -> bool {
        true
    }

    fn draw<B: DrawingBackend>(&self, pen: &Pen<B>) -> DResult {
        let (w, h, top) = super::panel::begin(pen, &self.title, &self.subtitle)?;
        let n = self.cells.len();
        // Two columns at most: at the 750 px design width a cell stays ≥ 360 px wide, so titles,
        // status lines and three value ticks read at full size; one column on a phone-width
        // design.
        let narrow = (w as f64 / pen.s) < 600.0;
        let cols = if n <= 1 || narrow { 1 } else { 2 };
        let rows = n.div_ceil(cols).max(1);
        let m = super::panel::Spacing::of(pen).m;
        let cw = (w - 2 * m) / cols as i32;
        let ch = (h - top - m) / rows as i32;
        for (k, c) in self.cells.iter().enumerate() {
            let (col, row) = ((k % cols) as i32, (k / cols) as i32);
            let cx0 = m + col * cw;
            let cy0 = top + row * ch;
            self.draw_cell(pen, c, (cx0, cy0, cx0 + cw, cy0 + ch))?;
        }
        Ok(())
    }
}

impl MacroScene {
    fn draw_cell<B: DrawingBackend>(&self, pen: &Pen<B>, c: &MacroCell, r: (i32, i32, i32, i32)) -> DResult {
        let pal = pen.pal;
        let (cx0, cy0, cx1, cy1) = r;
        let fs = pen.fs(FS_TEXT);
        let nfs = pen.fs(FS_NOTE);
        let tfs = pen.fs(FS_TICK);
        let axis_w = pen.px(52.0);
        let pad = pen.px(6.0);
        let max_w = cx1 - cx0 - 2 * pad;
        // Title (truncated to the cell), then what the values are and the supportive direction,
        // then the latest three months' direction in the supportive / unsupportive colour, worded
        // as in the note ("moving the supportive way").
        let mut y = cy0 + pen.px(2.0);
        let title = fit_text(pen, &c.label, fs, true, max_w);
        pen.text(&title, (cx0 + pad, y), fs, pal.text.to_rgba(), HPos::Left, VPos::Top, true)?;
        y += pen.text_size(&title, fs, true).1;
        let last = c.pts.last().copied();
        let mut line1 = c.what.to_string();
        // What the panel covers: its first and latest observations (series start at different
        // dates, so the caption cannot name one window for all).
        if let (Some((d0, _)), Some((d, _))) = (c.pts.first(), last) {
            line1.push_str(&format!(" · {}–{}", d0.format("%b %Y"), d.format("%b %Y")));
        }
        if let Some(r) = &c.recent {
            line1.push_str(" · ");
            line1.push_str(&r.words(c.suffix));
            if last.is_some_and(|(d, _)| d.format("%b %Y").to_string() != r.end.format("%b %Y").to_string()) {
                line1.push_str(&format!(" to {}", r.end.format("%b %Y")));
            }
        }
        let assessed = c.verdict.reading() != Reading::NotAssessed;
        // A series the note does not assess this date says so instead of which direction helps
        // (issue 13 item 8): the panel is grey and its status line gives the reason.
        if let Some(d) = c.supportive.filter(|_| assessed) {
            // Said for the note's side: under a short, the other direction is the one that helps.
            let (d, side) = match (c.verdict.stance, d) {
                (StanceKind::Short, Direction::Rising) => (Direction::Falling, "a short"),
                (StanceKind::Short, Direction::Falling) => (Direction::Rising, "a short"),
                (_, d) => (d, "a long"),
            };
            line1.push_str(&format!(" · {} helps {side}", dir_word(d)));
        }
        for l in super::panel::wrap(pen, &line1, nfs, false, max_w) {
            pen.text(&l, (cx0 + pad, y), nfs, pal.muted.to_rgba(), HPos::Left, VPos::Top, false)?;
            y += pen.text_size(&l, nfs, false).1;
        }
        // The note's verdict (its macro signal's state, read for the stance), wrapped to the cell.
        let (mark, scol) = match c.coloured_reading() {
            Some(Reading::Helps) => ("✓ ", pal.good),
            Some(Reading::Hurts) => ("✗ ", pal.bad),
            _ => ("", pal.muted),
        };
        let mut status = format!("{mark}{}", c.verdict.words());
        // A series that did not move while its signal points one way is not what moved the signal.
        if c.flat() && matches!(c.verdict.reading(), Reading::Helps | Reading::Hurts) {
            status.push_str("; this series flat");
        }
        let status =
            fit_lines(&status, STATUS_LINES, |t| super::panel::wrap(pen, t, nfs, false, max_w).len());
        for l in super::panel::wrap(pen, &status, nfs, false, max_w).iter().take(STATUS_LINES) {
            pen.text(l, (cx0 + pad, y), nfs, scol.to_rgba(), HPos::Left, VPos::Top, false)?;
            y += pen.text_size(l, nfs, false).1;
        }
        // The date labels' line box under the tick marks, then a small gap to the next cell: the
        // plot keeps the rest (tall enough for three value ticks clear of the value tag).
        let plot_top = y + pen.px(6.0);
        let date_h = pen.text_size("0", tfs, true).1 + pen.px(6.0);
        let f_y1 = (cy1 - date_h - pen.px(4.0)).max(plot_top + 10);
        if c.pts.len() < 2 {
            let f = Frame {
                x0: cx0 + pad,
                y0: plot_top,
                x1: cx1 - axis_w - pad,
                y1: f_y1,
                xmin: 0.0,
                xmax: 1.0,
                ymin: 0.0,
                ymax: 1.0,
            };
            draw_plot_bg(pen, &f)?;
            draw_plot_frame(pen, &f)?;
            pen.text(
                if c.pts.is_empty() { "no data up to this date" } else { "not enough history" },
                ((f.x0 + f.x1) / 2, (f.y0 + f.y1) / 2),
                nfs,
                pal.muted.to_rgba(),
                HPos::Center,
                VPos::Center,
                false,
            )?;
            return Ok(());
        }
        let day = |d: NaiveDate| d.num_days_from_ce() as f64;
        let (d0, d1) = (c.pts[0].0, c.pts[c.pts.len() - 1].0);
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for (_, v) in &c.pts {
            lo = lo.min(*v);
            hi = hi.max(*v);
        }
        let span = (hi - lo).max(hi.abs() * 0.02).max(1e-6);
        let xspan = (day(d1) - day(d0)).max(1.0);
        let fmt = if c.suffix.is_empty() { TickFmt::Fixed } else { TickFmt::Suffix(c.suffix) };
        // The latest value's badge sits right of the tick labels, never over them: the value
        // axis is the tick column plus the badge's width.
        let badge_txt = last.map(|(_, v)| c.value_text(v));
        let probe = Frame {
            x0: 0,
            y0: plot_top,
            x1: 1,
            y1: f_y1,
            xmin: 0.0,
            xmax: 1.0,
            ymin: lo - span * 0.1,
            ymax: hi + span * 0.12,
        };
        let tick_w = pen.px(5.0) + tick_labels_width(pen, &probe, fmt) + pen.px(4.0);
        let badge_w = badge_txt.as_ref().map_or(0, |t| pen.text_size(t, tfs, true).0 + pen.px(9.0));
        let axis_w = (tick_w + badge_w).max(axis_w);
        let f = Frame {
            x0: cx0 + pad,
            y0: plot_top,
            x1: cx1 - axis_w - pad,
            y1: f_y1,
            xmin: day(d0) - xspan * 0.01,
            xmax: day(d1) + xspan * 0.03,
            ymin: lo - span * 0.1,
            ymax: hi + span * 0.12,
        };
        // Year ticks (one per x, built from a daily calendar between the ends).
        let dates: Vec<NaiveDate> = c.pts.iter().map(|(d, _)| *d).collect();
        let xs: Vec<f64> = dates.iter().map(|d| day(*d)).collect();
        let ticks = date_ticks(
            &dates,
            &xs,
            &|x| f.fx(x),
            &|s, b| pen.text_size(s, tfs, b).0,
            f.x0 - pen.px(4.0),
            f.x1 + axis_w,
            pen.px(12.0),
        );
        draw_axes_with_badges(pen, &f, &ticks, fmt, &[])?;
        if f.contains_y(0.0) && lo < 0.0 {
            let y = f.fy(0.0);
            pen.line(&[(f.x0, y), (f.x1, y)], pal.frame.to_rgba(), 1)?;
        }
        let px: Vec<(i32, i32)> = c.pts.iter().map(|(d, v)| (f.fx(day(*d)), f.fy(*v))).collect();
        // A series the note does not assess is drawn grey; any other in the line colour.
        let base = if assessed { pal.line } else { pal.muted };
        pen.line(&px, base.to_rgba(), pen.px(1.6) as u32)?;
        // The latest months in the verdict's colour (helps / against the thesis) when this series
        // itself moved that way; a flat or contrary series keeps the line colour.
        let vcol = match c.coloured_reading() {
            Some(Reading::Helps) => Some(pal.good),
            Some(Reading::Hurts) => Some(pal.bad),
            _ => None,
        };
        if let Some(col) = vcol {
            pen.line(&px[c.recent_from..], col.to_rgba(), pen.px(2.6) as u32)?;
        }
        if let (Some((d, v)), Some(txt)) = (last, badge_txt) {
            let p = (f.fx(day(d)), f.fy(v));
            let col = vcol.unwrap_or(base).to_rgba();
            pen.circle(p, pen.px(3.0), col, true, 1)?;
            let th = pen.text_size(&txt, tfs, true).1 / 2 + pen.px(2.0);
            let ty = p.1.clamp(f.y0 + th, (f.y1 - th).max(f.y0 + th));
            draw_tag_at(pen, f.x1 + tick_w, ty, &txt, col)?;
        }
        draw_plot_frame(pen, &f)?;
        draw_x_labels(pen, &f, &ticks)
    }
}

/// Lines a cell's status (the note's verdict and its reason) may take.
const STATUS_LINES: usize = 3;

/// `s` if it takes at most `max` lines (`lines` counts them), else shortened at a clause: the
/// longest prefix ending before a ": " or "; " inside its parenthesis (closed again) that fits,
/// else `s` without its parenthesis. Never cut mid-word or mid-clause.
fn fit_lines(s: &str, max: usize, lines: impl Fn(&str) -> usize) -> String {
    if lines(s) <= max {
        return s.to_string();
    }
    let Some(open) = s.find(" (") else {
        return s.to_string();
    };
    let cuts: Vec<usize> =
        s[open..].match_indices(": ").chain(s[open..].match_indices("; ")).map(|(i, _)| open + i).collect();
    let mut cuts = cuts;
    cuts.sort_unstable();
    for &c in cuts.iter().rev() {
        let t = format!("{})", &s[..c]);
        if lines(&t) <= max {
            return t;
        }
    }
    s[..open].to_string()
}

/// `s` cut with an ellipsis to fit `max_w` pixels.
fn fit_text<B: DrawingBackend>(pen: &Pen<B>, s: &str, size: f64, bold: bool, max_w: i32) -> String {
    if pen.text_size(s, size, bold).0 <= max_w {
        return s.to_string();
    }
    let chars: Vec<char> = s.chars().collect();
    for n in (1..chars.len()).rev() {
        let t: String = chars[..n].iter().collect::<String>() + "…";
        if pen.text_size(&t, size, bold).0 <= max_w {
            return t;
        }
    }
    "…".to_string()
}

fn dir_word(d: Direction) -> &'static str {
    match d {
        Direction::Rising => "rising",
        Direction::Falling => "falling",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_status_is_shortened_at_a_clause() {
        // One line per 50 characters.
        let lines = |t: &str| t.chars().count().div_ceil(50);
        let s = "2-year yield against fed funds: not assessed (the latest fed funds figure, May's average \
                 of 0.77%, published in June, may miss a rate change: the 2-year yield has moved +0.52 points since)";
        let t = fit_lines(s, 3, lines);
        assert_eq!(
            t,
            "2-year yield against fed funds: not assessed (the latest fed funds figure, May's average \
             of 0.77%, published in June, may miss a rate change)"
        );
        let t = fit_lines(s, 2, lines);
        assert_eq!(t, "2-year yield against fed funds: not assessed");
        assert_eq!(fit_lines("short (x: y)", 1, lines), "short (x: y)");
    }

    #[test]
    fn a_short_is_helped_by_what_hurts_a_long() {
        let v = |state, stance| Verdict { signal: Some("Rate cuts priced"), state, stance, reason: None };
        assert_eq!(v(Some(State::Bearish), StanceKind::Short).reading(), Reading::Helps);
        assert_eq!(v(Some(State::Bullish), StanceKind::Short).reading(), Reading::Hurts);
        assert_eq!(v(Some(State::Bullish), StanceKind::Long).reading(), Reading::Helps);
        assert_eq!(v(Some(State::Bearish), StanceKind::Long).reading(), Reading::Hurts);
        assert_eq!(v(Some(State::Bullish), StanceKind::Neutral).reading(), Reading::Points(true));
        assert_eq!(v(Some(State::Neutral), StanceKind::Short).reading(), Reading::Neutral);
        assert_eq!(v(Some(State::Unavailable), StanceKind::Long).reading(), Reading::NotAssessed);
        assert_eq!(v(None, StanceKind::Long).reading(), Reading::NotAssessed);
        assert_eq!(
            v(Some(State::Bearish), StanceKind::Short).words(),
            "Rate cuts priced: down, favours a short"
        );
        let none =
            Verdict { signal: None, state: Some(State::Bullish), stance: StanceKind::Long, reason: None };
        assert_eq!(none.reading(), Reading::NotAssessed);
        assert!(none.words().starts_with("not assessed"));
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn yoy_uses_year_ago_observation_and_respects_release() {
        let obs: Vec<MacroObs> = (0..30)
            .map(|k| {
                let p = d("2020-01-01").checked_add_months(chrono::Months::new(k)).unwrap();
                MacroObs { period: p, release: p + chrono::Days::new(45), value: 100.0 + k as f64 }
            })
            .collect();
        let s = MacroSeries {
            id: "cpi".into(),
            label: "CPI".into(),
            transform: Transform::Yoy,
            supportive_when: Some(Direction::Falling),
            release_lag_days: 45,
            obs,
        };
        let v = Verdict { signal: None, state: None, stance: StanceKind::Long, reason: None };
        let c = cell(&s, d("2022-03-20"), d("2000-01-01"), v, None);
        // Known at 2022-03-20: periods up to 2022-02-01 (released 2022-03-18).
        let (p, v) = *c.pts.last().unwrap();
        assert_eq!(p, d("2022-02-01"));
        assert!((v - (125.0 / 113.0 - 1.0) * 100.0).abs() < 1e-9);
        assert_eq!(c.pts[0].0, d("2021-01-01"));
        // YoY of a linearly rising index falls.
        let r = c.recent.clone().unwrap();
        assert!(r.value < 0.0);
        // Three months back from Feb 2022 is Nov 2021, not an extra month.
        assert_eq!(c.pts[c.recent_from].0, d("2021-11-01"));
        assert!((r.value - (c.pts.last().unwrap().1 - c.pts[c.recent_from].1)).abs() < 1e-12);
        assert_eq!(c.verdict.reading(), Reading::NotAssessed);
    }
}
