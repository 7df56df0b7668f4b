//! The macro panel: configured macro series (as known at the as-of date) in, small multiples
//! out: one cell per series with its transformed values over the window, the latest value, and
//! whether its recent direction is the supportive one.

use super::canvas::{date_ticks, DResult, Frame, Pen};
use super::panel::{
    draw_header, draw_plot_bg, draw_plot_frame, draw_x_grid, draw_x_labels, draw_y_axis, TickFmt, FS_NOTE,
    FS_TEXT, FS_TICK,
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
    /// Unit suffix for values (`%` for YoY, else empty).
    pub suffix: &'static str,
    /// What the values are ("level", "YoY %", "change").
    pub what: &'static str,
    /// (period, value) points, oldest first.
    pub pts: Vec<(NaiveDate, f64)>,
    /// Supportive direction, if configured.
    pub supportive: Option<Direction>,
    /// Recent direction: the change over the last ~3 months (sign), when known.
    pub recent: Option<f64>,
    /// Index into `pts` where the recent window starts.
    pub recent_from: usize,
    /// The verdict the note's signal gives this series for the stance.
    pub verdict: Verdict,
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
    /// points and what that means for the stance ("Rate cuts priced: down, supports the short").
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
            Reading::Helps => format!("{name}: {}, supports {thesis}", self.dir()),
            Reading::Hurts => format!("{name}: {}, against {thesis}", self.dir()),
            Reading::Points(up) => {
                format!("{name}: {}, would support a {}", self.dir(), if up { "long" } else { "short" })
            }
            Reading::Neutral => format!("{name}: neutral"),
            Reading::NotAssessed => format!("{name}: not assessed"),
        }
    }

    fn dir(&self) -> &'static str {
        match self.state {
            Some(State::Bullish) => "up",
            _ => "down",
        }
    }
}

/// Transforms a series (observations known at `as_of`) and keeps `[from, as_of]`; `verdict` is
/// the note's reading of it.
pub(crate) fn cell(series: &MacroSeries, as_of: NaiveDate, from: NaiveDate, verdict: Verdict) -> MacroCell {
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
        Transform::Level => ("", "level"),
        Transform::Yoy => ("%", "year over year"),
        Transform::Change => ("", "change"),
    };
    let mut recent = None;
    let mut recent_from = pts.len().saturating_sub(1);
    if let Some(&(last_d, last_v)) = pts.last() {
        let cut = last_d - chrono::Days::new(91);
        if let Some(k) = pts.iter().position(|(d, _)| *d >= cut) {
            if k + 1 < pts.len() {
                recent_from = k.saturating_sub(1);
                recent = Some(last_v - pts[recent_from].1);
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

    fn draw<B: DrawingBackend>(&self, pen: &Pen<B>) -> DResult {
        let (w, h) = pen.area.dim_in_pixel();
        let (w, h) = (w as i32, h as i32);
        let pal = pen.pal;
        pen.area.fill(&pal.bg)?;
        let top = draw_header(pen, &self.title, &self.subtitle)?;
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
        if let Some((d, _)) = last {
            line1.push_str(&format!(" · latest {}", d.format("%b %Y")));
        }
        if let Some(r) = c.recent {
            let v = format!("{:.2}", r.abs());
            let sign = if v.trim_start_matches(['0', '.']).is_empty() {
                "±"
            } else if r < 0.0 {
                "−"
            } else {
                "+"
            };
            line1.push_str(&format!(" · 3 months {sign}{v}{}", if c.suffix == "%" { " pts" } else { "" }));
        }
        if let Some(d) = c.supportive {
            line1.push_str(&format!(" · {} helps a long", dir_word(d)));
        }
        for l in super::panel::wrap(pen, &line1, nfs, false, max_w) {
            pen.text(&l, (cx0 + pad, y), nfs, pal.muted.to_rgba(), HPos::Left, VPos::Top, false)?;
            y += pen.text_size(&l, nfs, false).1;
        }
        // The note's verdict (its macro signal's state, read for the stance), wrapped to the cell.
        let (mark, scol) = match c.verdict.reading() {
            Reading::Helps => ("✓ ", pal.good),
            Reading::Hurts => ("✗ ", pal.bad),
            _ => ("", pal.muted),
        };
        let status = format!("{mark}{}", c.verdict.words());
        for l in super::panel::wrap(pen, &status, nfs, false, max_w).iter().take(2) {
            pen.text(l, (cx0 + pad, y), nfs, scol.to_rgba(), HPos::Left, VPos::Top, false)?;
            y += pen.text_size(l, nfs, false).1;
        }
        let plot_top = y + pen.px(8.0);
        let date_h = tfs as i32 + pen.px(12.0);
        let f_y1 = (cy1 - date_h - pen.px(8.0)).max(plot_top + 10);
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
                if c.pts.is_empty() { "no value published yet" } else { "not enough history" },
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
        draw_plot_bg(pen, &f)?;
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
        draw_x_grid(pen, &f, &ticks)?;
        let tag_y = last.map(|(_, v)| super::panel::tag_positions(pen, &f, &[v])[0]);
        draw_y_axis(
            pen,
            &f,
            if c.suffix.is_empty() { TickFmt::Fixed } else { TickFmt::Suffix(c.suffix) },
            tag_y.as_slice(),
        )?;
        if f.contains_y(0.0) && lo < 0.0 {
            let y = f.fy(0.0);
            pen.line(&[(f.x0, y), (f.x1, y)], pal.frame.to_rgba(), 1)?;
        }
        let px: Vec<(i32, i32)> = c.pts.iter().map(|(d, v)| (f.fx(day(*d)), f.fy(*v))).collect();
        pen.line(&px, pal.line.to_rgba(), pen.px(1.6) as u32)?;
        // The latest three months in the verdict's colour (helps / against the thesis); neutral
        // and unassessed series keep the line colour.
        let vcol = match c.verdict.reading() {
            Reading::Helps => Some(pal.good),
            Reading::Hurts => Some(pal.bad),
            _ => None,
        };
        if let Some(col) = vcol {
            pen.line(&px[c.recent_from..], col.to_rgba(), pen.px(2.6) as u32)?;
        }
        if let (Some((d, v)), Some(ty)) = (last, tag_y) {
            let p = (f.fx(day(d)), f.fy(v));
            let col = vcol.unwrap_or(pal.line);
            pen.circle(p, pen.px(3.0), col.to_rgba(), true, 1)?;
            super::panel::draw_tag(pen, &f, ty, &format!("{v:.2}{}", c.suffix), col.to_rgba())?;
        }
        draw_plot_frame(pen, &f)?;
        draw_x_labels(pen, &f, &ticks)
    }
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
    fn a_short_is_helped_by_what_hurts_a_long() {
        let v = |state, stance| Verdict { signal: Some("Rate cuts priced"), state, stance };
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
            "Rate cuts priced: down, supports the short"
        );
        let none = Verdict { signal: None, state: Some(State::Bullish), stance: StanceKind::Long };
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
        let v = Verdict { signal: None, state: None, stance: StanceKind::Long };
        let c = cell(&s, d("2022-03-20"), d("2000-01-01"), v);
        // Known at 2022-03-20: periods up to 2022-02-01 (released 2022-03-18).
        let (p, v) = *c.pts.last().unwrap();
        assert_eq!(p, d("2022-02-01"));
        assert!((v - (125.0 / 113.0 - 1.0) * 100.0).abs() < 1e-9);
        assert_eq!(c.pts[0].0, d("2021-01-01"));
        // YoY of a linearly rising index falls.
        assert!(c.recent.unwrap() < 0.0);
        assert_eq!(c.verdict.reading(), Reading::NotAssessed);
    }
}
