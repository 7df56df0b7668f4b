//! The NYSE calendar 2000–2035 (SIGNALS.md §1): dates in, session facts out (is it a session,
//! a half-day, a holiday; its session ordinal; neighbouring sessions; quarterly expirations).
//!
//! Full closures are computed by rule (New Year, MLK, Presidents, Good Friday, Memorial,
//! Juneteenth from 2022, July 4, Labor, Thanksgiving, Christmas; Saturday → Friday and
//! Sunday → Monday, except that New Year on a Saturday is not observed) plus the special
//! closures 2001-09-11..14, 2004-06-11, 2007-01-02, 2012-10-29/30, 2018-12-05 and 2025-01-09.
//! Half-days: Jul 3 and Dec 24 when they are normal weekday sessions, and the Friday after
//! Thanksgiving.
//!
//! **Outside 2000–2035** every weekday is a (full) session and there are no holidays or
//! half-days; ordinals keep counting weekdays, so every function is total and never panics.
//!
//! Everything is O(1): a table of the 13,150 days of 2000–2035 (flags, running session count
//! and the date of every session) is built once, on first use, behind a [`OnceLock`].

use chrono::{Datelike, NaiveDate, Weekday};
use std::sync::OnceLock;

/// First year covered by the holiday table.
pub const FIRST_YEAR: i32 = 2000;
/// Last year covered by the holiday table.
pub const LAST_YEAR: i32 = 2035;

/// The session with ordinal 0.
pub const ANCHOR: NaiveDate = match NaiveDate::from_ymd_opt(2000, 1, 3) {
    Some(d) => d,
    None => panic!("valid anchor date"),
};

/// Closures outside the holiday rules (national days of mourning, 9/11, hurricane Sandy).
pub const SPECIAL_CLOSURES: [(i32, u32, u32); 10] = [
    (2001, 9, 11),
    (2001, 9, 12),
    (2001, 9, 13),
    (2001, 9, 14),
    (2004, 6, 11),
    (2007, 1, 2),
    (2012, 10, 29),
    (2012, 10, 30),
    (2018, 12, 5),
    (2025, 1, 9),
];

const SESSION: u8 = 1;
const HALF_DAY: u8 = 2;
const HOLIDAY: u8 = 4;

/// Day number used internally: `NaiveDate::num_days_from_ce` widened to `i64`.
/// 0001-01-01 (a Monday in the proleptic Gregorian calendar) is day 1.
#[inline]
pub(crate) fn day_number(d: NaiveDate) -> i64 {
    i64::from(d.num_days_from_ce())
}

/// The date of a day number, if chrono can represent it.
#[inline]
pub(crate) fn from_day_number(n: i64) -> Option<NaiveDate> {
    i32::try_from(n).ok().and_then(NaiveDate::from_num_days_from_ce_opt)
}

/// Days since Monday (0 = Monday … 6 = Sunday) of a day number.
#[inline]
pub(crate) fn weekday_index(n: i64) -> i64 {
    (n - 1).rem_euclid(7)
}

/// Number of weekdays among day numbers `[1, n)` (negative for `n < 1`); only differences matter.
#[inline]
fn weekdays_before(n: i64) -> i64 {
    let m = n - 1;
    m.div_euclid(7) * 5 + m.rem_euclid(7).min(5)
}

/// The day number `x` of a weekday with `weekdays_before(x) == c` (`None` on overflow).
#[inline]
fn weekday_with_count(c: i64) -> Option<i64> {
    c.div_euclid(5).checked_mul(7)?.checked_add(c.rem_euclid(5) + 1)
}

struct Table {
    /// Day number of 2000-01-01.
    start: i64,
    /// Day number of 2035-12-31.
    end: i64,
    /// Flags per day of `[start, end]`.
    flags: Vec<u8>,
    /// Sessions on or before each day of `[start, end]`.
    cum: Vec<u32>,
    /// Day number of every session in the table, by ordinal.
    sessions: Vec<i64>,
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    // Only called with valid dates in 2000..=2035 (checked by the unit tests).
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

/// The `n`-th (1-based) `wd` of a month.
fn nth_weekday(y: i32, m: u32, wd: Weekday, n: u8) -> NaiveDate {
    NaiveDate::from_weekday_of_month_opt(y, m, wd, n).unwrap_or(NaiveDate::MIN)
}

/// The last `wd` of a month.
fn last_weekday(y: i32, m: u32, wd: Weekday) -> NaiveDate {
    let last = match m {
        12 => ymd(y, 12, 31),
        _ => ymd(y, m + 1, 1).pred_opt().unwrap_or(NaiveDate::MIN),
    };
    let back = (7 + last.weekday().num_days_from_monday() - wd.num_days_from_monday()) % 7;
    last - chrono::Days::new(u64::from(back))
}

/// Easter Sunday (anonymous Gregorian computus, Meeus/Jones/Butcher).
pub fn easter(y: i32) -> Option<NaiveDate> {
    let a = y.rem_euclid(19);
    let b = y.div_euclid(100);
    let c = y.rem_euclid(100);
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(y, month as u32, day as u32)
}

/// A fixed-date holiday moved to its observed weekday (Saturday → Friday, Sunday → Monday).
fn observed(d: NaiveDate) -> NaiveDate {
    match d.weekday() {
        Weekday::Sat => d.pred_opt().unwrap_or(d),
        Weekday::Sun => d.succ_opt().unwrap_or(d),
        _ => d,
    }
}

/// The NYSE full closures of year `y` by rule (without the special closures).
fn rule_holidays(y: i32) -> Vec<NaiveDate> {
    let mut v = Vec::with_capacity(10);
    let new_year = ymd(y, 1, 1);
    if new_year.weekday() != Weekday::Sat {
        v.push(observed(new_year));
    }
    v.push(nth_weekday(y, 1, Weekday::Mon, 3)); // Martin Luther King Jr. Day
    v.push(nth_weekday(y, 2, Weekday::Mon, 3)); // Washington's Birthday
    if let Some(e) = easter(y).and_then(|e| e.checked_sub_days(chrono::Days::new(2))) {
        v.push(e); // Good Friday
    }
    v.push(last_weekday(y, 5, Weekday::Mon)); // Memorial Day
    if y >= 2022 {
        v.push(observed(ymd(y, 6, 19))); // Juneteenth
    }
    v.push(observed(ymd(y, 7, 4))); // Independence Day
    v.push(nth_weekday(y, 9, Weekday::Mon, 1)); // Labor Day
    v.push(nth_weekday(y, 11, Weekday::Thu, 4)); // Thanksgiving
    v.push(observed(ymd(y, 12, 25))); // Christmas
    v
}

fn build() -> Table {
    let start = day_number(ymd(FIRST_YEAR, 1, 1));
    let end = day_number(ymd(LAST_YEAR, 12, 31));
    let len = (end - start + 1) as usize;
    let mut flags = vec![0u8; len];
    for (i, f) in flags.iter_mut().enumerate() {
        if weekday_index(start + i as i64) < 5 {
            *f = SESSION;
        }
    }
    let mut close = |d: NaiveDate| {
        let n = day_number(d);
        if (start..=end).contains(&n) && weekday_index(n) < 5 {
            flags[(n - start) as usize] = HOLIDAY;
        }
    };
    for y in FIRST_YEAR..=LAST_YEAR {
        rule_holidays(y).into_iter().for_each(&mut close);
    }
    for (y, m, d) in SPECIAL_CLOSURES {
        close(ymd(y, m, d));
    }
    for y in FIRST_YEAR..=LAST_YEAR {
        let thanksgiving = nth_weekday(y, 11, Weekday::Thu, 4);
        for d in [ymd(y, 7, 3), ymd(y, 12, 24), thanksgiving.succ_opt().unwrap_or(thanksgiving)] {
            let i = (day_number(d) - start) as usize;
            if flags[i] == SESSION {
                flags[i] |= HALF_DAY;
            }
        }
    }
    let mut cum = Vec::with_capacity(len);
    let mut sessions = Vec::with_capacity(len * 5 / 7);
    let mut count = 0u32;
    for (i, f) in flags.iter().enumerate() {
        if f & SESSION != 0 {
            sessions.push(start + i as i64);
            count += 1;
        }
        cum.push(count);
    }
    Table { start, end, flags, cum, sessions }
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(build)
}

impl Table {
    #[inline]
    fn flags_of(&self, n: i64) -> Option<u8> {
        if (self.start..=self.end).contains(&n) {
            Some(self.flags[(n - self.start) as usize])
        } else {
            None
        }
    }

    #[inline]
    fn is_session_n(&self, n: i64) -> bool {
        match self.flags_of(n) {
            Some(f) => f & SESSION != 0,
            None => weekday_index(n) < 5,
        }
    }

    /// Scheduled sessions on or before day `n`, counted from the anchor (so 0 before 2000-01-03,
    /// negative before 2000-01-01). The ordinal of the last session on or before `n` is this − 1.
    #[inline]
    fn through(&self, n: i64) -> i64 {
        if n < self.start {
            weekdays_before(n + 1) - weekdays_before(self.start)
        } else if n <= self.end {
            i64::from(self.cum[(n - self.start) as usize])
        } else {
            self.sessions.len() as i64 + weekdays_before(n + 1) - weekdays_before(self.end + 1)
        }
    }

    /// The day number of the session with ordinal `k` (`None` on arithmetic overflow).
    #[inline]
    fn session_day(&self, k: i64) -> Option<i64> {
        let total = self.sessions.len() as i64;
        if k < 0 {
            weekday_with_count(weekdays_before(self.start).checked_add(k)?)
        } else if k < total {
            Some(self.sessions[k as usize])
        } else {
            weekday_with_count(weekdays_before(self.end + 1).checked_add(k - total)?)
        }
    }
}

/// Sessions on or before day number `n`, counted from the anchor (signed; see [`sessions_through`]).
#[inline]
pub(crate) fn through_n(n: i64) -> i64 {
    table().through(n)
}

/// True when day number `n` is a session.
#[inline]
pub(crate) fn is_session_n(n: i64) -> bool {
    table().is_session_n(n)
}

/// Day number of the session with ordinal `k` (`None` on arithmetic overflow).
#[inline]
pub(crate) fn session_day_n(k: i64) -> Option<i64> {
    table().session_day(k)
}

/// True when NYSE holds a regular or half-day session on `d`.
pub fn is_session(d: NaiveDate) -> bool {
    table().is_session_n(day_number(d))
}

/// True when `d` is a scheduled half-day session (Jul 3, Dec 24, day after Thanksgiving).
pub fn is_half_day(d: NaiveDate) -> bool {
    table().flags_of(day_number(d)).is_some_and(|f| f & HALF_DAY != 0)
}

/// True when `d` is a weekday on which NYSE is fully closed (a holiday or a special closure).
/// Weekends are not holidays; outside 2000–2035 nothing is.
pub fn is_holiday(d: NaiveDate) -> bool {
    table().flags_of(day_number(d)).is_some_and(|f| f & HOLIDAY != 0)
}

/// The session ordinal k of `d` (2000-01-03 = 0, counting scheduled sessions; negative before
/// the anchor), or `None` when `d` is not a session.
pub fn session_ordinal(d: NaiveDate) -> Option<i64> {
    let t = table();
    let n = day_number(d);
    t.is_session_n(n).then(|| t.through(n) - 1)
}

/// Number of scheduled sessions in `[2000-01-03, d]` (for `d` before the anchor: minus the number
/// of sessions in `(d, 2000-01-03)`). The ordinal of the last session on or before `d` is this − 1,
/// and the ordinal of the first session after `d` is this.
pub fn sessions_through(d: NaiveDate) -> i64 {
    through_n(day_number(d))
}

/// Number of scheduled sessions in `[from, to]` (0 when `to < from`).
pub fn sessions_between(from: NaiveDate, to: NaiveDate) -> i64 {
    let t = table();
    let (a, b) = (day_number(from), day_number(to));
    if b < a {
        0
    } else {
        t.through(b) - t.through(a - 1)
    }
}

/// The session with ordinal `k`, if chrono can represent its date.
pub fn session_at(k: i64) -> Option<NaiveDate> {
    session_day_n(k).and_then(from_day_number)
}

/// The first session strictly after `d` (`None` only at the end of chrono's date range).
pub fn next_session(d: NaiveDate) -> Option<NaiveDate> {
    session_at(sessions_through(d))
}

/// The last session strictly before `d` (`None` only at the start of chrono's date range).
pub fn prev_session(d: NaiveDate) -> Option<NaiveDate> {
    let t = table();
    let n = day_number(d);
    let k = t.through(n) - 1 - i64::from(t.is_session_n(n));
    t.session_day(k).and_then(from_day_number)
}

/// Day number of the Monday of the ISO week of day number `n`.
#[inline]
pub(crate) fn iso_monday_n(n: i64) -> i64 {
    n - weekday_index(n)
}

/// The scheduled sessions of the ISO week (Monday–Sunday) containing `d`, oldest first.
pub fn sessions_in_iso_week(d: NaiveDate) -> Vec<NaiveDate> {
    let monday = iso_monday_n(day_number(d));
    (monday..monday + 5).filter(|&n| is_session_n(n)).filter_map(from_day_number).collect()
}

/// The last scheduled session of the ISO week containing `d`, or `None` if NYSE is closed all week.
pub fn last_session_of_iso_week(d: NaiveDate) -> Option<NaiveDate> {
    let monday = iso_monday_n(day_number(d));
    (monday..monday + 5).rev().find(|&n| is_session_n(n)).and_then(from_day_number)
}

/// True when `d` is a quarterly options expiration: the 3rd Friday of March, June, September or
/// December, or the Thursday before it when that Friday is a holiday.
pub fn is_quarterly_opex(d: NaiveDate) -> bool {
    if !d.month().is_multiple_of(3) {
        return false;
    }
    let Some(friday) = NaiveDate::from_weekday_of_month_opt(d.year(), d.month(), Weekday::Fri, 3) else {
        return false;
    };
    if is_session(friday) {
        d == friday
    } else {
        friday.pred_opt() == Some(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn easter_known_dates() {
        for (y, e) in [
            (2000, "2000-04-23"),
            (2008, "2008-03-23"),
            (2019, "2019-04-21"),
            (2024, "2024-03-31"),
            (2025, "2025-04-20"),
            (2035, "2035-03-25"),
        ] {
            assert_eq!(easter(y), Some(d(e)), "{y}");
        }
    }

    #[test]
    fn weekday_index_matches_chrono() {
        let mut x = d("1999-12-20");
        for _ in 0..40 {
            assert_eq!(weekday_index(day_number(x)), i64::from(x.weekday().num_days_from_monday()));
            x = x.succ_opt().unwrap();
        }
    }

    #[test]
    fn weekday_count_inverse() {
        for c in -20..20 {
            let x = weekday_with_count(c).unwrap();
            assert!(weekday_index(x) < 5);
            assert_eq!(weekdays_before(x), c);
        }
    }

    #[test]
    fn ordinals_brute_force_across_table_edges() {
        // Walk day by day from 1999-06 to 2036-06 and check every function against a counter.
        let mut x = d("1999-06-01");
        let mut k = sessions_through(x.pred_opt().unwrap()) - 1;
        let mut prev = prev_session(x);
        assert!(k < 0);
        while x < d("2036-06-30") {
            let s = is_session(x);
            let inside = (FIRST_YEAR..=LAST_YEAR).contains(&x.year());
            if !inside {
                assert_eq!(s, x.weekday().num_days_from_monday() < 5, "{x}");
            }
            if s {
                k += 1;
                assert_eq!(session_ordinal(x), Some(k), "{x}");
                assert_eq!(session_at(k), Some(x));
                assert_eq!(prev_session(x), prev, "{x}");
                if let Some(p) = prev {
                    assert_eq!(next_session(p), Some(x));
                }
                prev = Some(x);
            } else {
                assert_eq!(session_ordinal(x), None);
            }
            assert_eq!(sessions_through(x) - 1, k, "{x}");
            x = x.succ_opt().unwrap();
        }
        assert_eq!(session_ordinal(ANCHOR), Some(0));
        assert_eq!(session_ordinal(d("1999-12-31")), Some(-1));
    }

    #[test]
    fn rules() {
        // New Year on a Saturday is not observed (2022-01-01): 2021-12-31 is a session.
        assert!(is_session(d("2021-12-31")));
        assert!(is_holiday(d("2017-01-02"))); // Sunday New Year -> Monday
        assert!(is_holiday(d("2020-07-03"))); // Saturday July 4 -> Friday
        assert!(is_holiday(d("2021-12-24"))); // Saturday Christmas -> Friday
        assert!(is_holiday(d("2022-06-20"))); // Sunday Juneteenth -> Monday
        assert!(is_session(d("2021-06-18")) && is_session(d("2021-06-21"))); // before 2022
        assert!(is_holiday(d("2027-06-18"))); // Saturday Juneteenth -> Friday
        assert!(is_holiday(d("2025-04-18")));
        assert!(is_holiday(d("2025-01-09")));
        assert!(!is_holiday(d("2025-04-19"))); // weekend
        assert!(is_half_day(d("2025-07-03")) && is_half_day(d("2025-11-28")) && is_half_day(d("2025-12-24")));
        assert!(!is_half_day(d("2020-07-03"))); // a holiday, not a half-day
        assert!(!is_half_day(d("2022-12-24"))); // Saturday
        assert!(!is_half_day(d("2040-07-03")));
    }

    #[test]
    fn opex() {
        assert!(is_quarterly_opex(d("2025-03-21")));
        assert!(!is_quarterly_opex(d("2025-04-18")));
        assert!(is_quarterly_opex(d("2008-03-20"))); // Good Friday 2008-03-21
        assert!(!is_quarterly_opex(d("2008-03-21")));
        assert!(is_quarterly_opex(d("2026-06-18"))); // Juneteenth 2026-06-19
        assert!(!is_quarterly_opex(d("2026-06-19")));
    }

    #[test]
    fn extremes_never_panic() {
        for x in [NaiveDate::MIN, NaiveDate::MAX] {
            let _ = (is_session(x), is_half_day(x), is_holiday(x), session_ordinal(x));
            let _ = (next_session(x), prev_session(x), sessions_in_iso_week(x));
            let _ = (last_session_of_iso_week(x), is_quarterly_opex(x), sessions_through(x));
        }
        for k in [i64::MAX, i64::MIN, i64::MAX / 16, i64::MIN / 16] {
            assert_eq!(session_at(k), None);
        }
    }
}
