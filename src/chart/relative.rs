//! The relative-strength chart: weekly instrument and benchmark closes in, two panels out: the
//! instrument/benchmark ratio with its 30-week average, its low and its two-year change; and
//! both instruments rebased to 100 at the window start.

use super::canvas::{DResult, Frame, Pen, Px};
use super::panel::{
    begin, draw_axes_with_badges, draw_badge, draw_not_enough, draw_plot_frame, draw_x_labels, end_tags,
    end_tags_room, legend_above, legend_lines, plot_x, right_pad, Spacing, Swatch, TickFmt, TwoPanels,
    FS_NOTE,
};
use super::theme::Palette;
use super::Scene;
use chrono::NaiveDate;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// Weeks needed before the chart is drawn.
pub(crate) const MIN_WEEKS: usize = 31;

/// The aligned weekly series the chart draws.
pub(crate) struct RelScene {
    /// Title.
    pub title: String,
    /// Subtitle.
    pub subtitle: String,
    /// Instrument ticker.
    pub sym: String,
    /// Benchmark ticker.
    pub bench: String,
    /// Week labels present in both series.
    pub dates: Vec<NaiveDate>,
    /// Instrument closes (adjusted when available).
    pub a: Vec<f64>,
    /// Benchmark closes.
    pub b: Vec<f64>,
    /// a / b.
    pub ratio: Vec<f64>,
    /// SMA(ratio, 30).
    pub sma30: Vec<f64>,
    /// First week shown.
    pub start: usize,
    /// Ratio low (date, value) from A1 evidence, if any.
    pub low: Option<(NaiveDate, f64)>,
    /// Ratio high over the same window (date, value) from A1 evidence, if any.
    pub high: Option<(NaiveDate, f64)>,
}

impl RelScene {
    /// Two-year change of the ratio (104 weeks), when there is enough history.
    pub fn lag104(&self) -> Option<(usize, f64)> {
        let t = self.ratio.len().checked_sub(1)?;
        let i = t.checked_sub(crate::signals::relative::LAG_WEEKS)?;
        let (r0, r1) = (self.ratio[i], self.ratio[t]);
        (r0 > 0.0 && r1.is_finite()).then(|| (i, r1 / r0 - 1.0))
    }
}

impl Scene for RelScene {
    fn pdf_shrinks(&self) -> bool {
        true
    }

    fn draw<B: DrawingBackend>(&self, pen: &Pen<B>) -> DResult {
        let pal = pen.pal;
        let (w, h, top) = begin(pen, &self.title, &self.subtitle)?;
        let n = self.dates.len();
        if n < MIN_WEEKS {
            let detail = format!(
                "The relative-strength chart needs at least {MIN_WEEKS} weeks common to {} and {}; {n} available.",
                self.sym, self.bench
            );
            return draw_not_enough(pen, top, &detail);
        }
        let strip = Spacing::of(pen).strip;
        let (x0, x1) = plot_x(pen, w);
        let legend_est = [
            (Swatch::Line(pal.line.to_rgba()), format!("{}/{} (weekly closes)", self.sym, self.bench)),
            (Swatch::Line(pal.line2.to_rgba()), "30-week average".to_string()),
            (Swatch::TriUp(pal.good.to_rgba()), "two-year low".to_string()),
            (Swatch::TriDown(pal.bad.to_rgba()), "two-year high".to_string()),
            (Swatch::Dot(pal.bad.to_rgba()), "two years earlier".to_string()),
        ];
        let l1 = legend_lines(pen, x0, x1, "Relative strength", &legend_est);
        // The rebased panel's legend: both names, on as many lines as the width needs (a phone).
        let name2 = format!("Rebased to 100 on {}", self.dates[self.start]);
        let items2 = [
            (Swatch::Line(pal.line.to_rgba()), self.sym.clone()),
            (Swatch::Line(pal.line2.to_rgba()), self.bench.clone()),
        ];
        let l2 = legend_lines(pen, x0, x1, &name2, &items2).max(1);
        // Both rebased to 100 at the window start (panel 2).
        let base_a = self.a[self.start];
        let base_b = self.b[self.start];
        let ra: Vec<f64> = self.a.iter().map(|v| v / base_a * 100.0).collect();
        let rb: Vec<f64> = self.b.iter().map(|v| v / base_b * 100.0).collect();
        let t = n - 1;
        let end_texts: Vec<String> =
            [ra[t], rb[t]].iter().filter(|v| v.is_finite()).map(|v| format!("{v:.0}")).collect();
        // Right padding: at least three weeks, and room right of the last week for the rebased
        // panel's latest-value tags (review: inside the plot, left of their points, they sat on
        // the lines and, on a phone, out of order).
        let range = self.start..n;
        let xs: Vec<f64> = range.clone().map(|i| i as f64).collect();
        let room = end_tags_room(pen, &end_texts.iter().map(String::as_str).collect::<Vec<_>>());
        let span = (n - 1) as f64 - (self.start as f64 - 0.5);
        let xrange = (self.start as f64 - 0.5, (n - 1) as f64 + right_pad((x0, x1), span, room, 3.0));
        let TwoPanels { mut f1, mut f2, ticks } =
            TwoPanels::of(pen, h, top, (x0, x1), (l1, l2), 2, 0.62, xrange, &self.dates[range.clone()], &xs);

        // Panel 1: ratio.
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for i in range.clone() {
            for v in [self.ratio[i], self.sma30[i]] {
                if v.is_finite() {
                    lo = lo.min(v);
                    hi = hi.max(v);
                }
            }
        }
        let span = (hi - lo).max(hi.abs() * 0.01).max(1e-9);
        f1.ymin = lo - span * 0.08;
        f1.ymax = hi + span * 0.16;
        // Each room is a share of the whole range, which the other widens: twice over, both hold.
        for _ in 0..2 {
            // Room above the two-year high's marker for the two-year change label over it (a
            // phone's short panel: the label covered the marker).
            if self.high.is_some() {
                let fs = pen.fs(FS_NOTE);
                // The change label's foot, then the marker's own label beside it (centred on
                // the marker, half a line up) with a gap (2024-07-19 on a phone: they touched).
                let th = pen.text_size("0", fs, false).1;
                let need =
                    (pen.px(18.0) + th + pen.px(2.0) + pen.px(3.0) + (th + pen.px(3.0)) / 2 + pen.px(8.0))
                        as f64;
                let frac = (need / f1.height().max(1) as f64).min(0.45);
                f1.ymax = f1.ymax.max(hi + (hi - f1.ymin) * frac / (1.0 - frac));
            }
            // Room under the two-year low's marker for its label, beside the marker a little
            // lower (review 24: at 2024-07-19, a low at the panel's foot had no clear place but far
            // to its left, on a long leader).
            if self.low.is_some() {
                let fs = pen.fs(FS_NOTE);
                let lh = pen.text_size("0", fs, false).1 + pen.px(3.0);
                let need = (pen.px(8.0) + pen.px(4.5) + pen.px(2.0) + lh + pen.px(4.0)) as f64;
                let frac = (need / f1.height().max(1) as f64).min(0.3);
                f1.ymin = f1.ymin.min(lo - (f1.ymax - lo) * frac / (1.0 - frac));
            }
        }
        let tag1 = draw_axes_with_badges(pen, &f1, &ticks, TickFmt::Fixed, &[self.ratio[t]])?;
        let line = |f: &Frame, ys: &[f64]| -> Vec<(i32, i32)> {
            range.clone().filter(|i| ys[*i].is_finite()).map(|i| (f.fx(i as f64), f.fy(ys[i]))).collect()
        };
        pen.line(&line(&f1, &self.sma30), pal.line2.to_rgba(), pen.px(1.5) as u32)?;
        pen.line(&line(&f1, &self.ratio), pal.line.to_rgba(), pen.px(2.0) as u32)?;
        // Both lines are obstacles for the low/high labels placed next (review 23: the
        // "low 0.3453 (2025-04-11)" box covered the ratio line for months): their segments,
        // not their points (a label between two weekly points crossed the segment joining them).
        pen.place_polyline(&line(&f1, &self.sma30), "seg:avg");
        pen.place_polyline(&line(&f1, &self.ratio), "seg:ratio");
        let fs = pen.fs(FS_NOTE);
        let bg = Palette::alpha(pal.panel, 0.85);
        let mut legend = vec![
            (Swatch::Line(pal.line.to_rgba()), format!("{}/{} (weekly closes)", self.sym, self.bench)),
            (Swatch::Line(pal.line2.to_rgba()), "30-week average".to_string()),
        ];
        if let Some((i0, chg)) = self.lag104() {
            if i0 >= self.start {
                let t = n - 1;
                let (xa, xb) = (f1.fx(i0 as f64), f1.fx(t as f64));
                let (ya, yb) = (f1.fy(self.ratio[i0]), f1.fy(self.ratio[t]));
                let col = if chg >= 0.0 { pal.good } else { pal.bad }.to_rgba();
                pen.dashed((xa, ya), (xb, yb), Palette::alpha(pal.muted, 0.8), 1, pen.px(4.0), pen.px(4.0))?;
                pen.circle((xa, ya), pen.px(3.5), col, true, 1)?;
                // An obstacle for the low and high markers drawn next (review 32: the two-year
                // high's triangle sat on this dot when both mark the window's first week).
                let rd = pen.px(3.5) + 1;
                pen.place((xa - rd, ya - rd), (xa + rd, ya + rd), "marker");
                // The dot is the ratio two years earlier (where the change is measured from).
                legend.push((Swatch::Dot(col), "two years earlier".into()));
                let yt = f1.y0 + pen.px(6.0);
                pen.line(&[(xa, yt + pen.px(8.0)), (xb, yt + pen.px(8.0))], col, 1)?;
                pen.line(&[(xa, yt + pen.px(4.0)), (xa, yt + pen.px(12.0))], col, 1)?;
                pen.line(&[(xb, yt + pen.px(4.0)), (xb, yt + pen.px(12.0))], col, 1)?;
                pen.label(
                    &format!("two-year change {}", crate::fmt::pct_change(chg)),
                    ((xa + xb) / 2, yt + pen.px(12.0)),
                    fs,
                    col,
                    bg,
                    HPos::Center,
                    VPos::Top,
                )?;
            }
        }
        // The two-year low and high (review 20: QQQ's text measures the ratio's fall from the
        // high), each a triangle pointing at its point, labelled with its value and date.
        for (ext, high) in [(self.low, false), (self.high, true)] {
            let Some((d, v)) = ext else { continue };
            let Some(i) = super::price::bar_of(&self.dates, d).filter(|i| *i >= self.start) else { continue };
            let (x, y) = (f1.fx(i as f64), f1.fy(v));
            // A low's marker sits under its point and points up; a high's over it, pointing down.
            let s = if high { -1 } else { 1 };
            let r = pen.px(4.5);
            // Off its point by 8 design px, further out while it would cover a marker placed
            // before it (the two-years-earlier dot on the same week).
            let mut ym = y + s * pen.px(8.0);
            let clash = |ym: i32| {
                let probe = super::canvas::Placed { a: (x - r, ym - r), b: (x + r, ym + r), kind: "" };
                pen.placed.borrow().iter().any(|q| q.kind == "marker" && q.hits(&probe))
            };
            for _ in 0..20 {
                if !clash(ym) {
                    break;
                }
                ym += s * pen.px(1.0).max(1);
            }
            let col = if high { pal.bad } else { pal.good }.to_rgba();
            pen.triangle((x, ym), r, high, col)?;
            pen.place((x - r, ym - r), (x + r, ym + r), "marker");
            // Beside it first (right of a low, left of a high), then the other side, then past
            // it, then beside it one line further out.
            let (near, far) = if high { (HPos::Right, HPos::Left) } else { (HPos::Left, HPos::Right) };
            let (dx, dy) = (pen.px(10.0), pen.px(16.0));
            let (xn, xf) = if high { (x - dx, x + dx) } else { (x + dx, x - dx) };
            let mut cands = vec![
                ((xn, ym), near, VPos::Center),
                ((xf, ym), far, VPos::Center),
                ((x, ym + s * (r + pen.px(2.0))), HPos::Center, if high { VPos::Bottom } else { VPos::Top }),
                ((xn, ym - s * dy), near, VPos::Center),
                ((xf, ym - s * dy), far, VPos::Center),
            ];
            let name = if high { "high" } else { "low" };
            let text = format!("{name} {v:.4} ({d})");
            // Failing those (review 23: at 2024-07-19 the low's label crossed the ratio line),
            // rows further out above and below, left of, over and right of the marker, the
            // nearest first, joined to the marker by a leader.
            let (lb0, lb1) = pen.label_box(&text, (0, 0), fs, HPos::Left, VPos::Top);
            let (lw, row) = (lb1.0 - lb0.0, lb1.1 - lb0.1 + pen.px(3.0));
            // Just past the marker's tip, to either side of it (clear of the lines at the
            // window's extreme, with the room kept there).
            let (vp, yb) =
                if high { (VPos::Bottom, ym - r - pen.px(2.0)) } else { (VPos::Top, ym + r + pen.px(2.0)) };
            let mut ring =
                vec![((x - pen.px(2.0), yb), HPos::Right, vp), ((x + pen.px(2.0), yb), HPos::Left, vp)];
            for k in 0..=12 {
                for dir in [s, -s] {
                    let y = ym + dir * k * row;
                    for (px, hp) in [
                        (x, HPos::Center),
                        (xn, near),
                        (xf, far),
                        (x - lw, HPos::Center),
                        (x + lw, HPos::Center),
                    ] {
                        ring.push(((px, y), hp, VPos::Center));
                    }
                }
            }
            let gap = |c: &(Px, HPos, VPos)| {
                let (a, b) = pen.label_box(&text, c.0, fs, c.1, c.2);
                let (gx, gy) = ((a.0 - x).max(x - b.0).max(0) as i64, (a.1 - ym).max(ym - b.1).max(0) as i64);
                gx * gx + gy * gy
            };
            ring.sort_by_key(gap);
            cands.extend(ring);
            pen.label_fit(
                &text,
                &cands,
                Some((x, ym)),
                fs,
                pal.text.to_rgba(),
                bg,
                ((f1.x0, f1.y0), (f1.x1, f1.y1)),
            )?;
            let sw = if high { Swatch::TriDown(col) } else { Swatch::TriUp(col) };
            legend.push((sw, format!("two-year {name}")));
        }
        draw_badge(pen, &f1, tag1[0], &format!("{:.4}", self.ratio[t]), pal.line.to_rgba(), None)?;
        draw_plot_frame(pen, &f1)?;
        legend_above(pen, &f1, "Relative strength", &legend, l1, strip)?;

        // Panel 2: both rebased to 100.
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for i in range.clone() {
            for v in [ra[i], rb[i]] {
                if v.is_finite() {
                    lo = lo.min(v);
                    hi = hi.max(v);
                }
            }
        }
        let span = (hi - lo).max(1.0);
        f2.ymin = lo - span * 0.06;
        f2.ymax = hi + span * 0.08;
        // The latest values' tags sit inside the plot by their points, so the axis keeps every
        // tick label (on the axis, 2020-03-20's 97 and 74 hid 100, 90 and 80).
        draw_axes_with_badges(pen, &f2, &ticks, TickFmt::Fixed, &[])?;
        if f2.contains_y(100.0) {
            let y = f2.fy(100.0);
            pen.line(&[(f2.x0, y), (f2.x1, y)], pal.frame.to_rgba(), 1)?;
        }
        let (la, lb) = (line(&f2, &ra), line(&f2, &rb));
        pen.line(&lb, pal.line2.to_rgba(), pen.px(1.5) as u32)?;
        pen.line(&la, pal.line.to_rgba(), pen.px(2.0) as u32)?;
        pen.place_polyline(&lb, "seg:bench");
        pen.place_polyline(&la, "seg:sym");
        // The latest values right of their points, in the order of the line ends.
        let mut tags = Vec::new();
        for (v, col) in [(ra[t], pal.line), (rb[t], pal.line2)] {
            if v.is_finite() {
                tags.push(((f2.fx(t as f64), f2.fy(v)), v, format!("{v:.0}"), col.to_rgba()));
            }
        }
        end_tags(pen, &f2, &tags, &[])?;
        draw_plot_frame(pen, &f2)?;
        legend_above(pen, &f2, &name2, &items2, l2, strip)?;
        draw_x_labels(pen, &f2, &ticks)
    }
}
