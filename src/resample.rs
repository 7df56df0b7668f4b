//! Daily bars in, 3-day / weekly / monthly bars out, on the NYSE calendar (SIGNALS.md §1).
//! Only complete bars are returned as bars; the in-progress one is exposed separately.

pub mod calendar;

use crate::data::{Bar, Bars};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// A bar timeframe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, PartialOrd, Ord)]
pub enum Timeframe {
    /// One session.
    #[serde(rename = "1D")]
    Daily,
    /// Three scheduled sessions counted from 2000-01-03.
    #[serde(rename = "3D")]
    ThreeDay,
    /// One ISO week.
    #[serde(rename = "1W")]
    Weekly,
    /// One calendar month.
    #[serde(rename = "1M")]
    Monthly,
}

impl Timeframe {
    /// Short code: `1D`, `3D`, `1W`, `1M`.
    pub fn code(self) -> &'static str {
        match self {
            Timeframe::Daily => "1D",
            Timeframe::ThreeDay => "3D",
            Timeframe::Weekly => "1W",
            Timeframe::Monthly => "1M",
        }
    }
    /// Human name: `daily`, `3-day`, `weekly`, `monthly`.
    pub fn name(self) -> &'static str {
        match self {
            Timeframe::Daily => "daily",
            Timeframe::ThreeDay => "3-day",
            Timeframe::Weekly => "weekly",
            Timeframe::Monthly => "monthly",
        }
    }
}

impl std::str::FromStr for Timeframe {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_uppercase().as_str() {
            "1D" | "D" | "DAILY" => Ok(Timeframe::Daily),
            "3D" => Ok(Timeframe::ThreeDay),
            "1W" | "W" | "WEEKLY" => Ok(Timeframe::Weekly),
            "1M" | "M" | "MONTHLY" => Ok(Timeframe::Monthly),
            other => Err(format!("unknown timeframe `{other}` (expected 1D, 3D, 1W or 1M)")),
        }
    }
}

/// Resampled bars: the complete ones, and the in-progress one (commentary only).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Resampled {
    /// Complete bars only; appending later daily data never changes them.
    pub bars: Bars,
    /// The in-progress bar, if the last data date does not complete one.
    pub partial: Option<Bar>,
}

/// Resamples daily bars to `tf`. `phase` (0, 1 or 2; taken modulo 3) shifts the 3-day grouping
/// and is ignored otherwise. Daily input is returned as is (all bars complete).
///
/// Bars aggregate O first, H max, L min, C last, V sum (volumes ≤ 0 or NaN are skipped; a bar with
/// no valid volume gets 0, i.e. missing), adj_close last; the label is the last data date in the
/// bar and `n_sessions` the number of daily rows. A bar is complete iff the last *scheduled* NYSE
/// session of its period (ISO week, calendar month, or the 3 sessions of a 3-day bucket) is on or
/// before the last data date; otherwise it is the [`Resampled::partial`] bar. `gap` is set when a
/// scheduled session of the bar (up to the last data date) has no daily row.
///
/// A daily row on a non-session day (bad data, e.g. a holiday) is aggregated into the period of
/// the next scheduled session, so that appending data never changes a complete bar. Input must
/// be sorted by date (as [`crate::data`] guarantees); unsorted input gives meaningless bars but
/// never panics. Runs in linear time.
pub fn resample(daily: &Bars, tf: Timeframe, phase: u8) -> Resampled {
    let has_adj = daily.adj_close.is_some();
    let Some(&last_date) = daily.date.last() else {
        return Resampled { bars: Bars::with_capacity(0, has_adj), partial: None };
    };
    if tf == Timeframe::Daily {
        return Resampled { bars: daily.clone(), partial: None };
    }
    let phase = i64::from(phase % 3);
    // Ordinal of the last scheduled session on or before the last data date.
    let last_k = calendar::through_n(calendar::day_number(last_date)) - 1;
    let per_bar = match tf {
        Timeframe::ThreeDay => 3,
        Timeframe::Weekly => 5,
        _ => 21,
    };
    let mut out = Bars::with_capacity(daily.len() / per_bar + 1, has_adj);
    let mut partial = None;
    let mut acc: Option<Acc> = None;
    // All columns have the same length; the min guards against a malformed `Bars`.
    let len = [daily.open.len(), daily.high.len(), daily.low.len(), daily.close.len(), daily.volume.len()]
        .into_iter()
        .fold(daily.len(), usize::min)
        .min(daily.adj_close.as_ref().map_or(usize::MAX, Vec::len));
    for i in 0..len {
        let d = daily.date[i];
        let n = calendar::day_number(d);
        let session = calendar::is_session_n(n);
        // Effective session: the row's own date, or the next scheduled session for a non-session row.
        let k = calendar::through_n(n) - i64::from(session);
        let eff = if session { n } else { calendar::session_day_n(k).unwrap_or(n) };
        let key = match tf {
            Timeframe::ThreeDay => (k + phase).div_euclid(3),
            Timeframe::Weekly => calendar::iso_monday_n(eff),
            _ => month_key(eff, d),
        };
        let adj = daily.adj_close.as_ref().map(|a| a[i]);
        let (o, h, l, c, v) = (daily.open[i], daily.high[i], daily.low[i], daily.close[i], daily.volume[i]);
        match acc.as_mut() {
            Some(a) if a.key == key => {
                a.high = a.high.max(h);
                a.low = a.low.min(l);
                a.close = c;
                a.adj = adj;
                a.date = d;
                a.add_volume(v);
                a.rows = a.rows.saturating_add(1);
                if session && a.last_covered != Some(k) {
                    a.covered += 1;
                    a.last_covered = Some(k);
                }
            }
            _ => {
                if let Some(a) = acc.take() {
                    a.finish(last_k, &mut out, &mut partial);
                }
                let (lo, hi) = span(tf, key, phase, eff, d);
                let mut a = Acc {
                    key,
                    lo,
                    hi,
                    date: d,
                    open: o,
                    high: h,
                    low: l,
                    close: c,
                    adj,
                    volume: 0.0,
                    rows: 1,
                    covered: u32::from(session),
                    last_covered: session.then_some(k),
                };
                a.add_volume(v);
                acc = Some(a);
            }
        }
    }
    if let Some(a) = acc {
        a.finish(last_k, &mut out, &mut partial);
    }
    Resampled { bars: out, partial }
}

/// `year * 12 + month0` of day number `eff` (falls back to `d` when `eff` is not a date).
fn month_key(eff: i64, d: chrono::NaiveDate) -> i64 {
    let date = calendar::from_day_number(eff).unwrap_or(d);
    i64::from(date.year()) * 12 + i64::from(date.month0())
}

/// Ordinals of the first and last scheduled sessions of a bar's period.
fn span(tf: Timeframe, key: i64, phase: i64, eff: i64, d: chrono::NaiveDate) -> (i64, i64) {
    let (first_day, last_day) = match tf {
        Timeframe::ThreeDay => {
            let lo = key * 3 - phase;
            return (lo, lo + 2);
        }
        Timeframe::Weekly => (key, key + 6),
        _ => {
            let date = calendar::from_day_number(eff).unwrap_or(d);
            let first = i64::from(date.num_days_from_ce()) - i64::from(date.day0());
            let next = if date.month() == 12 {
                chrono::NaiveDate::from_ymd_opt(date.year() + 1, 1, 1)
            } else {
                chrono::NaiveDate::from_ymd_opt(date.year(), date.month() + 1, 1)
            };
            let last = next.map_or(i64::MAX / 4, |x| calendar::day_number(x) - 1);
            (first, last)
        }
    };
    (calendar::through_n(first_day - 1), calendar::through_n(last_day) - 1)
}

/// A bar being aggregated.
struct Acc {
    key: i64,
    /// Ordinal of the period's first scheduled session.
    lo: i64,
    /// Ordinal of the period's last scheduled session.
    hi: i64,
    date: chrono::NaiveDate,
    open: f64,
    high: f64,
    low: f64,
    close: f64,
    adj: Option<f64>,
    volume: f64,
    rows: u8,
    /// Distinct scheduled sessions with a daily row.
    covered: u32,
    last_covered: Option<i64>,
}

impl Acc {
    #[inline]
    fn add_volume(&mut self, v: f64) {
        if v > 0.0 {
            self.volume += v;
        }
    }

    fn finish(self, last_k: i64, out: &mut Bars, partial: &mut Option<Bar>) {
        let bar = Bar {
            date: self.date,
            open: self.open,
            high: self.high,
            low: self.low,
            close: self.close,
            volume: self.volume,
            adj_close: self.adj,
        };
        if self.hi <= last_k {
            let expected = self.hi - self.lo + 1;
            out.push_full(bar, i64::from(self.covered) < expected, self.rows);
        } else {
            *partial = Some(bar);
        }
    }
}

/// The last scheduled NYSE session of the weekly or 3-day period containing `label` (a data
/// date; a non-session row belongs to the next session's period, as in `resample`).
pub(crate) fn period_end(label: NaiveDate, tf: Timeframe, phase: u8) -> Option<NaiveDate> {
    let session = calendar::is_session(label);
    match tf {
        Timeframe::Weekly => {
            let eff = if session { label } else { calendar::next_session(label)? };
            calendar::last_session_of_iso_week(eff)
        }
        Timeframe::ThreeDay => {
            let k = calendar::sessions_through(label) - i64::from(session);
            let p = i64::from(phase % 3);
            let bucket = (k + p).div_euclid(3);
            calendar::session_at(bucket * 3 + 2 - p)
        }
        Timeframe::Daily | Timeframe::Monthly => Some(label),
    }
}

/// How many leading bars of `bars` (complete weekly or 3-day bars resampled at a later date) are
/// complete when the last data date is `last`: those labelled on or before `last`, minus the last
/// of them if its period has a scheduled session after `last`.
pub fn complete_prefix(bars: &Bars, tf: Timeframe, phase: u8, last: NaiveDate) -> usize {
    let m = bars.date.partition_point(|d| *d <= last);
    if m == 0 {
        return 0;
    }
    match period_end(bars.date[m - 1], tf, phase) {
        Some(end) if end <= last => m,
        _ => m - 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn period_ends_follow_the_calendar() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        // Good Friday week 2025: the week ends Thursday 2025-04-17.
        assert_eq!(period_end(d("2025-04-15"), Timeframe::Weekly, 0), Some(d("2025-04-17")));
        assert_eq!(period_end(d("2025-04-17"), Timeframe::Weekly, 0), Some(d("2025-04-17")));
        // 3-day phase 0 from 2000-01-03: buckets {3,4,5}, {6,7,10} January 2000.
        assert_eq!(period_end(d("2000-01-03"), Timeframe::ThreeDay, 0), Some(d("2000-01-05")));
        assert_eq!(period_end(d("2000-01-07"), Timeframe::ThreeDay, 0), Some(d("2000-01-10")));
        // Phase 1 shifts the grouping by one session: {3,4}, {5,6,7}.
        assert_eq!(period_end(d("2000-01-03"), Timeframe::ThreeDay, 1), Some(d("2000-01-04")));
        assert_eq!(period_end(d("2000-01-05"), Timeframe::ThreeDay, 1), Some(d("2000-01-07")));
    }
}
