//! Where price stands: highest and lowest close of the loaded history and of 52 weeks (with
//! dates), the close against its 50- and 200-day averages, and year-to-date and one-year
//! returns against the benchmark. Closes only (no intraday extremes); nothing after the as-of.

use super::{pct, pct_abs, price, Voice};
use crate::data::Bars;
use crate::Analysis;
use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;

/// The context facts of a note.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Context {
    /// As-of date.
    pub as_of: NaiveDate,
    /// Last close.
    pub close: f64,
    /// First date of the loaded history (the "all-time" window).
    pub since: NaiveDate,
    /// Highest close of the loaded history and its date.
    pub high: (f64, NaiveDate),
    /// Lowest close of the loaded history and its date.
    pub low: (f64, NaiveDate),
    /// Highest close of the last 52 weeks.
    pub high52: (f64, NaiveDate),
    /// Lowest close of the last 52 weeks.
    pub low52: (f64, NaiveDate),
    /// 50-session simple average of closes.
    pub sma50: Option<f64>,
    /// 200-session simple average of closes.
    pub sma200: Option<f64>,
    /// Return since the last close of the previous year (a fraction).
    pub ytd: Option<f64>,
    /// Return over one year.
    pub y1: Option<f64>,
    /// The benchmark's year-to-date return.
    pub bench_ytd: Option<f64>,
    /// The benchmark's one-year return.
    pub bench_y1: Option<f64>,
}

fn extreme(b: &Bars, from: usize, hi: bool) -> (f64, NaiveDate) {
    let mut best = (f64::NAN, b.date[from]);
    for i in from..b.len() {
        let c = b.close[i];
        if !c.is_finite() {
            continue;
        }
        if best.0.is_nan() || (hi && c >= best.0) || (!hi && c <= best.0) {
            best = (c, b.date[i]);
        }
    }
    best
}

fn sma(b: &Bars, n: usize) -> Option<f64> {
    sma_last(&b.close, n)
}

/// The simple average of the last `n` of `close` (None with fewer, or `n` = 0): the 50- and
/// 200-day averages the note quotes; the daily chart's "50-day avg" label takes its value from
/// here too, so the two cannot differ.
pub fn sma_last(close: &[f64], n: usize) -> Option<f64> {
    if n == 0 || close.len() < n {
        return None;
    }
    let s: f64 = close[close.len() - n..].iter().sum();
    Some(s / n as f64).filter(|x| x.is_finite())
}

/// Return from the last close on or before `from` to the last close.
fn ret_since(b: &Bars, from: NaiveDate) -> Option<f64> {
    let i = b.index_at_or_before(from)?;
    let (c0, c1) = (b.close[i], *b.close.last()?);
    (c0 > 0.0 && c1.is_finite()).then(|| c1 / c0 - 1.0)
}

impl Context {
    /// Computes the context from the instrument's full loaded history cut at the as-of date
    /// (and the benchmark's daily bars for the returns). None when there are no bars.
    pub fn compute(all: &Bars, bench: Option<&Bars>, as_of: NaiveDate) -> Option<Context> {
        let b = all.between(None, Some(as_of));
        if b.is_empty() {
            return None;
        }
        let close = *b.close.last()?;
        let year_ago = as_of.checked_sub_months(Months::new(12))?;
        let from52 = b.date.iter().position(|d| *d > year_ago).unwrap_or(0);
        let prev_year_end = NaiveDate::from_ymd_opt(as_of.year() - 1, 12, 31)?;
        let ytd = |x: &Bars| {
            if x.date.first().is_some_and(|d| *d <= prev_year_end) {
                ret_since(x, prev_year_end)
            } else {
                None
            }
        };
        let y1 = |x: &Bars| {
            if x.date.first().is_some_and(|d| *d <= year_ago) {
                ret_since(x, year_ago)
            } else {
                None
            }
        };
        let bench = bench.map(|x| x.between(None, Some(as_of)));
        Some(Context {
            as_of,
            close,
            since: b.date[0],
            high: extreme(&b, 0, true),
            low: extreme(&b, 0, false),
            high52: extreme(&b, from52, true),
            low52: extreme(&b, from52, false),
            sma50: sma(&b, 50),
            sma200: sma(&b, 200),
            ytd: ytd(&b),
            y1: y1(&b),
            bench_ytd: bench.as_ref().and_then(ytd),
            bench_y1: bench.as_ref().and_then(y1),
        })
    }

    /// The context of an analysis. None when the instrument has no bars.
    pub fn of(a: &Analysis) -> Option<Context> {
        Context::compute(&a.dataset.instrument.bars, a.dataset.benchmark.as_ref().map(|b| &b.bars), a.as_of)
    }
}

/// Distance of `close` from `level` in words: "1.7% below" / "12% above" / "at".
fn dist(close: f64, level: f64) -> String {
    let d = close / level - 1.0;
    if d.abs() < 0.0005 {
        "at".into()
    } else if d > 0.0 {
        format!("{} above", pct_abs(d))
    } else {
        format!("{} below", pct_abs(d))
    }
}

/// Context sentences and the lead's one-line version, on an optional [`Context`].
pub trait ContextText {
    /// The context paragraph (2 to 3 sentences).
    fn sentences(&self, v: &Voice) -> Vec<String>;
    /// One sentence for the lead: distance from the high and the 200-day average.
    fn lead_sentence(&self, v: &Voice) -> Option<String>;
}

impl ContextText for Option<Context> {
    fn sentences(&self, v: &Voice) -> Vec<String> {
        let Some(c) = self else { return Vec::new() };
        let s = &v.symbol;
        let mut out = Vec::new();
        // The data's real start, not a year that reads as a claim about earlier history (review
        // 34: "its highest close (…) in data from May 2000" read as a footnote; review 35:
        // "since May 2000" read as if price had been higher in 2000).
        let since = c.since.format("%B %Y").to_string();
        let mut t = format!(
            "{s} closed at {}, {} its highest close ({}, {}; data from {since})",
            price(c.close),
            dist(c.close, c.high.0),
            price(c.high.0),
            c.high.1
        );
        if c.high.1 != c.high52.1 {
            t.push_str(&format!(
                ", {} its 52-week closing high ({}, {})",
                dist(c.close, c.high52.0),
                price(c.high52.0),
                c.high52.1
            ));
        }
        t.push_str(&format!(
            " and {} its 52-week closing low ({}, {})",
            dist(c.close, c.low52.0),
            price(c.low52.0),
            c.low52.1
        ));
        if c.low.1 != c.low52.1 && c.close / c.low.0 < 2.0 {
            t.push_str(&format!("; its lowest close in the data was {} ({})", price(c.low.0), c.low.1));
        }
        t.push('.');
        out.push(t);
        match (c.sma50, c.sma200) {
            (Some(a), Some(b)) => out.push(format!(
                "It is {} its 50-day average ({}) and {} its 200-day ({}).",
                dist(c.close, a),
                price(a),
                dist(c.close, b),
                price(b)
            )),
            (Some(a), None) => {
                out.push(format!("It is {} its 50-day average ({}).", dist(c.close, a), price(a)))
            }
            _ => {}
        }
        let bench = v.bench.as_deref();
        let mut r = Vec::new();
        if let Some(y) = c.ytd {
            r.push(match (bench, c.bench_ytd) {
                (Some(b), Some(by)) => format!("{} this year ({b} {})", pct(y), pct(by)),
                _ => format!("{} this year", pct(y)),
            });
        }
        if let Some(y) = c.y1 {
            r.push(match (bench, c.bench_y1) {
                (Some(b), Some(by)) => format!("{} over one year ({b} {})", pct(y), pct(by)),
                _ => format!("{} over one year", pct(y)),
            });
        }
        if !r.is_empty() {
            out.push(format!("Price return: {}.", super::and_list(&r)));
        }
        out
    }

    fn lead_sentence(&self, v: &Voice) -> Option<String> {
        let c = self.as_ref()?;
        let mut t = format!(
            "{} is {} its highest close (data from {}; {})",
            v.symbol,
            dist(c.close, c.high.0),
            c.since.format("%B %Y"),
            c.high.1
        );
        if let Some(m) = c.sma200 {
            t.push_str(&format!(" and {} its 200-day average", dist(c.close, m)));
        }
        t.push('.');
        Some(t)
    }
}
