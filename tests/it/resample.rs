//! NYSE calendar and resampling (SIGNALS.md §1, §7): calendar cases, yearly session counts, the
//! real IWM history, and property tests (conservation, OHLC bounds, append stability, as-of)
//! against a naive reference resampler.

use chrono::{Datelike, NaiveDate};
use marketnote::data::{Bar, Bars};
use marketnote::resample::calendar::*;
use marketnote::resample::{resample, Resampled, Timeframe};
use proptest::prelude::*;
use std::collections::BTreeMap;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// Synthetic daily bars on every scheduled session in `[from, to]`, except `skip`.
fn sessions_bars(from: &str, to: &str, skip: &[&str]) -> Bars {
    let skip: Vec<NaiveDate> = skip.iter().map(|s| d(s)).collect();
    let mut bars = Bars::with_capacity(0, true);
    let mut x = d(from);
    let mut i = 0.0;
    while x <= d(to) {
        if is_session(x) && !skip.contains(&x) {
            i += 1.0;
            bars.push(Bar {
                date: x,
                open: 100.0 + i,
                high: 102.0 + i,
                low: 99.0 + i,
                close: 101.0 + i,
                volume: 1000.0 * i,
                adj_close: Some(100.5 + i),
            });
        }
        x = x.succ_opt().unwrap();
    }
    bars
}

fn weekly(b: &Bars) -> Resampled {
    resample(b, Timeframe::Weekly, 0)
}

// ---------------------------------------------------------------- calendar cases (§7)

#[test]
fn good_friday_2025_week_labelled_thursday_and_complete_that_day() {
    assert!(!is_session(d("2025-04-18")));
    assert_eq!(last_session_of_iso_week(d("2025-04-14")), Some(d("2025-04-17")));
    let r = weekly(&sessions_bars("2025-04-07", "2025-04-17", &[]));
    assert_eq!(r.partial, None, "the Good Friday week is complete on Thursday");
    assert_eq!(r.bars.date, vec![d("2025-04-11"), d("2025-04-17")]);
    assert_eq!(r.bars.n_sessions, vec![5, 4]);
    assert_eq!(r.bars.gap, vec![false, false]);
    // One session earlier, the week is still in progress.
    let r = weekly(&sessions_bars("2025-04-07", "2025-04-16", &[]));
    assert_eq!(r.bars.date, vec![d("2025-04-11")]);
    assert_eq!(r.partial.map(|b| b.date), Some(d("2025-04-16")));
}

#[test]
fn july_4_2025_friday() {
    assert!(!is_session(d("2025-07-04")));
    assert!(is_half_day(d("2025-07-03")));
    let r = weekly(&sessions_bars("2025-06-30", "2025-07-03", &[]));
    assert_eq!(r.bars.date, vec![d("2025-07-03")]);
    assert_eq!(r.bars.n_sessions, vec![4]);
    assert!(r.partial.is_none());
}

#[test]
fn thanksgiving_weeks() {
    for (mon, thu, fri) in [
        ("2024-11-25", "2024-11-28", "2024-11-29"),
        ("2025-11-24", "2025-11-27", "2025-11-28"),
        ("2023-11-20", "2023-11-23", "2023-11-24"),
    ] {
        assert!(is_holiday(d(thu)));
        assert!(is_half_day(d(fri)));
        assert_eq!(sessions_in_iso_week(d(mon)).len(), 4);
        let r = weekly(&sessions_bars(mon, fri, &[]));
        assert_eq!(r.bars.date, vec![d(fri)]);
        assert_eq!((r.bars.n_sessions[0], r.bars.gap[0]), (4, false));
        // On the Wednesday the week still waits for the Friday half-day.
        let wed = d(thu).pred_opt().unwrap().to_string();
        let r = weekly(&sessions_bars(mon, &wed, &[]));
        assert!(r.bars.is_empty());
        assert_eq!(r.partial.map(|b| b.date), Some(d(&wed)));
    }
}

#[test]
fn carter_closure_2025_01_09() {
    assert!(is_holiday(d("2025-01-09")));
    assert_eq!(session_ordinal(d("2025-01-10")), session_ordinal(d("2025-01-08")).map(|k| k + 1));
    let r = weekly(&sessions_bars("2025-01-06", "2025-01-10", &[]));
    assert_eq!(r.bars.date, vec![d("2025-01-10")]);
    assert_eq!((r.bars.n_sessions[0], r.bars.gap[0]), (4, false));
    // The 3-day buckets step over the closure without a gap.
    for phase in 0..3 {
        let r = resample(&sessions_bars("2024-12-02", "2025-01-31", &[]), Timeframe::ThreeDay, phase);
        assert!(r.bars.gap.iter().skip(1).all(|g| !g), "phase {phase}");
        assert!(r.bars.date.iter().all(|x| *x != d("2025-01-09")));
    }
}

#[test]
fn september_11_2001_week() {
    for x in ["2001-09-11", "2001-09-12", "2001-09-13", "2001-09-14"] {
        assert!(is_holiday(d(x)), "{x}");
    }
    assert_eq!(sessions_in_iso_week(d("2001-09-12")), vec![d("2001-09-10")]);
    assert_eq!(next_session(d("2001-09-10")), Some(d("2001-09-17")));
    let r = weekly(&sessions_bars("2001-09-04", "2001-09-10", &[]));
    assert_eq!(r.bars.date, vec![d("2001-09-07"), d("2001-09-10")]);
    assert_eq!(r.bars.n_sessions, vec![4, 1]);
    assert!(r.partial.is_none(), "complete on the Monday: no other session that week");
}

#[test]
fn session_counts_per_year() {
    let count = |y: i32| {
        sessions_between(
            NaiveDate::from_ymd_opt(y, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(y, 12, 31).unwrap(),
        )
    };
    for (y, n) in [
        (2001, 248),
        (2012, 250),
        (2018, 251),
        (2020, 253),
        (2021, 252),
        (2022, 251),
        (2023, 250),
        (2024, 252),
        (2025, 250),
    ] {
        assert_eq!(count(y), n, "{y}");
    }
    // Outside the table every weekday is a session.
    assert_eq!(count(2036), 262);
    assert_eq!(count(1999), 261);
}

#[test]
fn anchor_and_three_day_grouping() {
    assert_eq!(session_ordinal(d("2000-01-03")), Some(0));
    assert_eq!(session_at(0), Some(d("2000-01-03")));
    let b = sessions_bars("2000-01-03", "2000-01-12", &[]);
    let r = resample(&b, Timeframe::ThreeDay, 0);
    assert_eq!(r.bars.date, vec![d("2000-01-05"), d("2000-01-10")]);
    assert_eq!(r.partial.map(|x| x.date), Some(d("2000-01-12")));
    // Phase 1 shifts the buckets one session earlier: {k=0,1} then {2,3,4} …
    let r = resample(&b, Timeframe::ThreeDay, 1);
    assert_eq!(r.bars.date, vec![d("2000-01-04"), d("2000-01-07"), d("2000-01-12")]);
    assert!(r.bars.gap[0], "the first bucket starts before the data (k = −1)");
    assert_eq!(r.partial, None);
}

#[test]
fn quarterly_opex_and_neighbours() {
    assert!(is_quarterly_opex(d("2025-06-20")));
    assert!(is_quarterly_opex(d("2008-03-20"))); // Good Friday on the 3rd Friday
    assert_eq!(prev_session(d("2025-04-21")), Some(d("2025-04-17")));
    assert_eq!(next_session(d("2025-04-17")), Some(d("2025-04-21")));
}

#[test]
fn three_day_missing_session_leaves_neighbours_unchanged() {
    let full = sessions_bars("2024-01-02", "2024-03-28", &[]);
    for phase in 0..3 {
        let a = resample(&full, Timeframe::ThreeDay, phase);
        let mut cut = full.clone();
        let victim = 20;
        let removed = cut.date[victim];
        for col in [&mut cut.open, &mut cut.high, &mut cut.low, &mut cut.close, &mut cut.volume] {
            col.remove(victim);
        }
        cut.adj_close.as_mut().unwrap().remove(victim);
        cut.date.remove(victim);
        cut.gap.remove(victim);
        cut.n_sessions.remove(victim);
        let b = resample(&cut, Timeframe::ThreeDay, phase);
        assert_eq!(a.bars.len(), b.bars.len(), "phase {phase}");
        let k = session_ordinal(removed).unwrap();
        let mut hit = 0;
        for i in 0..a.bars.len() {
            let ka = session_ordinal(a.bars.date[i]).unwrap();
            if (ka + i64::from(phase)).div_euclid(3) == (k + i64::from(phase)).div_euclid(3) {
                hit += 1;
                assert!(b.bars.gap[i] && !a.bars.gap[i]);
                assert_eq!(b.bars.n_sessions[i], a.bars.n_sessions[i] - 1);
            } else {
                assert_eq!(a.bars.bar(i), b.bars.bar(i), "phase {phase} bar {i}");
                assert_eq!((a.bars.gap[i], a.bars.n_sessions[i]), (b.bars.gap[i], b.bars.n_sessions[i]));
            }
        }
        assert_eq!(hit, 1);
        assert_eq!(a.partial, b.partial);
    }
}

#[test]
fn daily_is_a_copy_and_empty_is_empty() {
    let b = sessions_bars("2024-01-02", "2024-01-31", &[]);
    assert_eq!(resample(&b, Timeframe::Daily, 0), Resampled { bars: b.clone(), partial: None });
    for tf in [Timeframe::Daily, Timeframe::ThreeDay, Timeframe::Weekly, Timeframe::Monthly] {
        let r = resample(&Bars::default(), tf, 0);
        assert!(r.bars.is_empty() && r.partial.is_none());
    }
}

#[test]
fn monthly_complete_on_last_scheduled_session() {
    // 2024-05-31 is a Friday; 2025-05-30 a Friday with 05-31 a Saturday.
    let r = resample(&sessions_bars("2025-04-01", "2025-05-30", &[]), Timeframe::Monthly, 0);
    assert_eq!(r.bars.date, vec![d("2025-04-30"), d("2025-05-30")]);
    assert_eq!(r.partial, None);
    let r = resample(&sessions_bars("2025-04-01", "2025-05-29", &[]), Timeframe::Monthly, 0);
    assert_eq!(r.bars.date, vec![d("2025-04-30")]);
    assert_eq!(r.bars.n_sessions, vec![21]);
    assert_eq!(r.partial.map(|b| b.date), Some(d("2025-05-29")));
}

#[test]
fn holiday_row_is_absorbed_without_breaking_stability() {
    // A bogus row on Good Friday goes to the next session's bar; the Thursday-labelled week is
    // the same with or without it.
    let mut b = sessions_bars("2025-04-07", "2025-04-17", &[]);
    let clean = weekly(&b);
    b.push(Bar {
        date: d("2025-04-18"),
        open: 1.0,
        high: 2.0,
        low: 0.5,
        close: 1.5,
        volume: 7.0,
        adj_close: None,
    });
    for tf in [Timeframe::Weekly, Timeframe::Monthly, Timeframe::ThreeDay] {
        let _ = resample(&b, tf, 2);
    }
    let r = weekly(&b);
    assert_eq!(r.bars, clean.bars);
    assert_eq!(r.partial.map(|x| x.date), Some(d("2025-04-18")));
}

// ---------------------------------------------------------------- real IWM data

fn load_iwm() -> Bars {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/data/IWM.csv");
    let mut rdr = csv::Reader::from_path(path).unwrap();
    let h = rdr.headers().unwrap().clone();
    assert_eq!(h.iter().collect::<Vec<_>>(), ["Date", "Close", "High", "Low", "Open", "Volume"]);
    let mut bars = Bars::with_capacity(7000, false);
    for rec in rdr.records() {
        let r = rec.unwrap();
        let f = |i: usize| r[i].parse::<f64>().unwrap();
        bars.push(Bar {
            date: d(&r[0]),
            close: f(1),
            high: f(2),
            low: f(3),
            open: f(4),
            volume: f(5),
            adj_close: None,
        });
    }
    bars
}

#[test]
fn iwm_dates_are_exactly_the_nyse_sessions() {
    let b = load_iwm();
    let (first, last) = (b.date[0], *b.date.last().unwrap());
    assert!(b.date.iter().all(|x| is_session(*x)), "every IWM row is a session");
    assert_eq!(sessions_between(first, last), b.len() as i64, "no session missing from IWM");
}

#[test]
fn iwm_weekly_volume_equals_daily_sums() {
    let b = load_iwm();
    let r = weekly(&b);
    let mut by_week: BTreeMap<(i32, u32), (f64, f64, f64)> = BTreeMap::new();
    for i in 0..b.len() {
        let w = b.date[i].iso_week();
        let e = by_week.entry((w.year(), w.week())).or_insert((0.0, f64::MIN, f64::MAX));
        e.0 += b.volume[i];
        e.1 = e.1.max(b.high[i]);
        e.2 = e.2.min(b.low[i]);
    }
    let weeks: Vec<_> = by_week.values().collect();
    assert_eq!(r.bars.len() + usize::from(r.partial.is_some()), weeks.len());
    for (i, w) in weeks.iter().enumerate().take(r.bars.len()) {
        assert_eq!(r.bars.volume[i], w.0, "week {}", r.bars.date[i]);
        assert_eq!((r.bars.high[i], r.bars.low[i]), (w.1, w.2));
        assert!(!r.bars.gap[i] || i == 0, "IWM has no missing session");
    }
    let total: f64 = b.volume.iter().sum();
    let resampled: f64 = r.bars.volume.iter().sum::<f64>() + r.partial.map_or(0.0, |p| p.volume);
    assert!((total - resampled).abs() <= 1e-9 * total);
    // 2025-04-17 (Good Friday week) is a complete weekly label in the real data.
    assert!(r.bars.date.contains(&d("2025-04-17")));
    assert!(r.bars.date.contains(&d("2025-07-03")));
    // Cut on the Thursday before Good Friday: the week is complete that day.
    let cut = weekly(&b.between(None, Some(d("2025-04-17"))));
    assert_eq!(cut.bars.date.last(), Some(&d("2025-04-17")));
    assert!(cut.partial.is_none());
}

// ---------------------------------------------------------------- reference resampler + properties

/// Naive reference: group rows by the period of their effective session (the row's date, or the
/// next session for a non-session row), decide completion and gaps by walking calendar days.
fn reference(b: &Bars, tf: Timeframe, phase: u8) -> Resampled {
    let mut out = Resampled { bars: Bars::with_capacity(0, b.adj_close.is_some()), partial: None };
    let Some(&last) = b.date.last() else { return out };
    // key -> (rows, scheduled sessions of the period)
    let mut groups: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
    let mut sched: BTreeMap<i64, Vec<NaiveDate>> = BTreeMap::new();
    for i in 0..b.len() {
        let eff = if is_session(b.date[i]) { b.date[i] } else { next_session(b.date[i]).unwrap() };
        let (key, period): (i64, Vec<NaiveDate>) = match tf {
            Timeframe::ThreeDay => {
                let bucket = (session_ordinal(eff).unwrap() + i64::from(phase)).div_euclid(3);
                let lo = bucket * 3 - i64::from(phase);
                (bucket, (lo..lo + 3).map(|k| session_at(k).unwrap()).collect())
            }
            Timeframe::Weekly => {
                let mon = eff - chrono::Days::new(u64::from(eff.weekday().num_days_from_monday()));
                let days = (0..7).map(|j| mon + chrono::Days::new(j)).filter(|x| is_session(*x)).collect();
                (i64::from(mon.num_days_from_ce()), days)
            }
            _ => {
                let first = eff.with_day(1).unwrap();
                let days = first
                    .iter_days()
                    .take_while(|x| x.month() == first.month())
                    .filter(|x| is_session(*x))
                    .collect();
                (i64::from(eff.year()) * 12 + i64::from(eff.month0()), days)
            }
        };
        groups.entry(key).or_default().push(i);
        sched.insert(key, period);
    }
    for (key, rows) in groups {
        let period = &sched[&key];
        let bar = Bar {
            date: b.date[*rows.last().unwrap()],
            open: b.open[rows[0]],
            high: rows.iter().map(|&i| b.high[i]).fold(f64::NEG_INFINITY, f64::max),
            low: rows.iter().map(|&i| b.low[i]).fold(f64::INFINITY, f64::min),
            close: b.close[*rows.last().unwrap()],
            volume: rows.iter().map(|&i| b.volume[i]).filter(|v| *v > 0.0).sum(),
            adj_close: b.adj_close.as_ref().map(|a| a[*rows.last().unwrap()]),
        };
        if *period.last().unwrap() <= last {
            let gap = period.iter().any(|s| !rows.iter().any(|&i| b.date[i] == *s));
            out.bars.push_full(bar, gap, rows.len() as u8);
        } else {
            out.partial = Some(bar);
        }
    }
    out
}

/// A random daily series: a start date between 1999-06 and 2036-03 (across both table edges),
/// then for each calendar day: a session is kept with probability ~90%, a non-session day gets a
/// (bad-data) row with probability ~2%. Volumes are integers, sometimes 0 or NaN.
fn series() -> impl Strategy<Value = Bars> {
    (0i64..13_500, 20usize..420, any::<u64>()).prop_map(|(start, days, seed)| {
        let mut rng = seed | 1;
        let mut next = move || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        let mut b = Bars::with_capacity(days, seed % 2 == 0);
        let mut x = d("1999-06-01") + chrono::Days::new(start as u64);
        let mut px = 100.0;
        for _ in 0..days {
            let r = next() % 1000;
            if (is_session(x) && r < 900) || (!is_session(x) && r < 20) {
                let o = px + (next() % 200) as f64 / 100.0 - 1.0;
                let c = px + (next() % 200) as f64 / 100.0 - 1.0;
                let h = o.max(c) + (next() % 100) as f64 / 100.0;
                let l = o.min(c) - (next() % 100) as f64 / 100.0;
                let v = match next() % 20 {
                    0 => 0.0,
                    1 => f64::NAN,
                    2 => -5.0,
                    _ => (next() % 1_000_000) as f64,
                };
                b.push(Bar {
                    date: x,
                    open: o,
                    high: h,
                    low: l,
                    close: c,
                    volume: v,
                    adj_close: Some(c * 0.9),
                });
                px = c;
            }
            x = x.succ_opt().unwrap();
        }
        b
    })
}

const TFS: [(Timeframe, u8); 5] = [
    (Timeframe::Weekly, 0),
    (Timeframe::Monthly, 0),
    (Timeframe::ThreeDay, 0),
    (Timeframe::ThreeDay, 1),
    (Timeframe::ThreeDay, 2),
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn matches_reference_and_invariants(b in series()) {
        for (tf, phase) in TFS {
            let r = resample(&b, tf, phase);
            prop_assert_eq!(&r, &reference(&b, tf, phase), "{:?} phase {}", tf, phase);
            // Volume conservation (integer volumes: exact).
            let daily: f64 = b.volume.iter().filter(|v| **v > 0.0).sum();
            let out: f64 = r.bars.volume.iter().sum::<f64>() + r.partial.map_or(0.0, |p| p.volume);
            prop_assert_eq!(daily, out);
            let rows: usize = r.bars.n_sessions.iter().map(|n| usize::from(*n)).sum();
            prop_assert!(rows <= b.len());
            for i in 0..r.bars.len() {
                prop_assert!(r.bars.high[i] >= r.bars.open[i].max(r.bars.close[i]));
                prop_assert!(r.bars.low[i] <= r.bars.open[i].min(r.bars.close[i]));
                if i > 0 {
                    prop_assert!(r.bars.date[i] > r.bars.date[i - 1], "labels strictly increasing");
                }
            }
            if let (Some(p), Some(l)) = (r.partial, r.bars.date.last()) {
                prop_assert!(p.date > *l);
            }
        }
    }

    #[test]
    fn append_stability(b in series(), c1 in 0.0f64..1.0, c2 in 0.0f64..1.0) {
        let (lo, hi) = if c1 <= c2 { (c1, c2) } else { (c2, c1) };
        let n = b.len();
        let (c, c2) = ((lo * n as f64) as usize, ((hi * n as f64) as usize).max(1));
        let early = b.slice(0, c.min(c2));
        let late = b.slice(0, c2);
        for (tf, phase) in TFS {
            let a = resample(&early, tf, phase);
            let z = resample(&late, tf, phase);
            prop_assert!(a.bars.len() <= z.bars.len());
            prop_assert_eq!(&a.bars, &z.bars.slice(0, a.bars.len()), "{:?} phase {}", tf, phase);
        }
    }

    #[test]
    fn as_of_cut_equals_complete_bars_up_to_the_date(b in series(), cut in 0.0f64..1.0) {
        let full_last = *b.date.last().unwrap();
        let first = b.date[0];
        let span = (full_last - first).num_days();
        let as_of = first + chrono::Days::new((cut * span as f64) as u64);
        let cut_bars = b.between(None, Some(as_of));
        for (tf, phase) in TFS {
            let at = resample(&cut_bars, tf, phase);
            let full = resample(&b, tf, phase);
            // The reference finds each period's scheduled sessions by walking calendar days.
            let expect = reference(&cut_bars, tf, phase);
            prop_assert_eq!(&at, &expect);
            prop_assert_eq!(&at.bars, &full.bars.slice(0, at.bars.len()));
            prop_assert!(at.bars.date.iter().all(|x| *x <= as_of));
        }
    }
}
