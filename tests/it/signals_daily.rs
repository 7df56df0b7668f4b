//! Daily (F1–F4) and risk (H1–H2) signals on constructed bars: every state, short history and
//! volume gaps, plus the point-in-time property on the bundled sample.

use crate::common;
use common::*;
use marketnote::signals::branch::F2Span;
use marketnote::signals::risk::{scan_obv, ObvStatus};
use marketnote::signals::{daily, risk, Branch, Ev, Flag, SignalResult, State, Unavailable};

fn get<'a>(rs: &'a [SignalResult], id: &str) -> &'a SignalResult {
    rs.iter().find(|r| r.id == id).unwrap()
}

fn eval_daily(closes: &[f64], vols: &[f64]) -> Vec<SignalResult> {
    let o = Owned::new(bars(closes, vols));
    daily::evaluate(&o.input())
}

/// A gentle uptrend with a small wiggle (no material pullbacks).
fn uptrend(n: usize) -> Vec<f64> {
    (0..n).map(|i| 100.0 + 0.1 * i as f64).collect()
}

#[test]
fn f4_flat_volume_is_bullish_and_cluster_is_bearish() {
    let n = 320;
    let c = uptrend(n);
    let v = vec![1e6; n];
    let r = eval_daily(&c, &v);
    let f4 = get(&r, "d1_no_distribution");
    assert_eq!(f4.state, State::Bullish, "{:?}", f4.branch);
    assert_eq!(f4.num("active"), Some(0.0));
    assert_eq!(f4.strength, 1.0);
    assert_eq!(f4.branch, Branch::F4Clean);
    assert_eq!(f4.ev("hvr_dates"), Some(&Ev::Dates { v: vec![] }));

    // Six down days of -0.5% on rising volume inside the last 25 sessions.
    let mut c = uptrend(n);
    let mut v = vec![1e6; n];
    for k in 0..6 {
        let i = n - 22 + 3 * k;
        c[i] = c[i - 1] * 0.995;
        for x in c.iter_mut().skip(i + 1) {
            *x -= 0.6;
        }
        v[i] = 1.2e6;
    }
    let r = eval_daily(&c, &v);
    let f4 = get(&r, "d1_no_distribution");
    assert_eq!(f4.state, State::Bearish, "{:?}", f4.branch);
    assert_eq!(f4.num("active"), Some(6.0));
    assert_eq!(f4.branch, Branch::F4Selling { reversal: false });
    assert!((f4.strength - 2.0 / 3.0).abs() < 1e-12);

    // Three: neutral.
    let mut c = uptrend(n);
    let mut v = vec![1e6; n];
    for k in 0..3 {
        let i = n - 20 + 5 * k;
        c[i] = c[i - 1] * 0.995;
        for x in c.iter_mut().skip(i + 1) {
            *x -= 0.6;
        }
        v[i] = 1.2e6;
    }
    let f4 = get(&eval_daily(&c, &v), "d1_no_distribution").clone();
    assert_eq!(f4.state, State::Neutral, "{:?}", f4.branch);
    assert_eq!(f4.num("active"), Some(3.0));
}

#[test]
fn f4_high_volume_reversal_is_bearish() {
    let n = 320;
    let mut c = uptrend(n);
    let v0 = vec![1e6; n];
    let mut v = v0.clone();
    let i = n - 2;
    // A new high intraday, closing at the low on 3x volume.
    let mut b = bars(&c, &v);
    c[i] = c[i - 1] - 0.3;
    v[i] = 3e6;
    b = {
        let mut nb = bars(&c, &v);
        nb.high[i] = b.high[i - 1] + 2.0;
        nb.low[i] = c[i] - 0.01;
        nb
    };
    let o = Owned::new(b);
    let r = daily::evaluate(&o.input());
    let f4 = get(&r, "d1_no_distribution");
    assert_eq!(f4.state, State::Bearish, "{:?}", f4.branch);
    assert!(f4.strength >= 0.7);
    assert_eq!(f4.branch, Branch::F4Selling { reversal: true });
    assert!(matches!(f4.ev("hvr_dates"), Some(Ev::Dates { v }) if !v.is_empty()));
}

#[test]
fn f2_volume_thrust_states() {
    let n = 320;
    let c = uptrend(n);
    let mut v = vol_noise(n);
    // Record volume on an up day closing at its high.
    v[n - 3] = 5e6;
    let r = eval_daily(&c, &v);
    let f2 = get(&r, "d1_volume_thrust");
    assert_eq!(f2.state, State::Bullish, "{:?}", f2.branch);
    assert_eq!(f2.num("rank"), Some(1.0));
    assert_eq!(f2.branch, Branch::F2Thrust);
    assert_eq!(f2.num("vol"), Some(5e6));

    // Same volume on a down day closing near its low.
    let mut c2 = c.clone();
    c2[n - 3] = c2[n - 4] - 1.0;
    let f2 = get(&eval_daily(&c2, &v), "d1_volume_thrust").clone();
    assert_eq!(f2.state, State::Bearish, "{:?}", f2.branch);
    assert!(matches!(f2.branch, Branch::F2DownDay(_)), "{:?}", f2.branch);

    // Heavier volume earlier in the year: nothing recent in the top 5.
    let mut quiet = vol_noise(n);
    for x in quiet.iter_mut().take(n - 40).skip(n - 250) {
        *x *= 2.0;
    }
    let f2 = get(&eval_daily(&c, &quiet), "d1_volume_thrust").clone();
    assert_eq!(f2.state, State::Neutral, "{:?}", f2.branch);
    assert!(f2.num("rank").unwrap() > 5.0);
    assert_eq!(f2.branch, Branch::F2NoTopDay(F2Span::Last20));
}

#[test]
fn short_history_and_volume_gaps_are_unavailable() {
    let r = eval_daily(&uptrend(100), &vec![1e6; 100]);
    for id in ["d1_stacked_level_reclaim", "d1_volume_thrust"] {
        assert!(
            matches!(get(&r, id).reason, Some(Unavailable::InsufficientHistory { have: 100, .. })),
            "{id}: {:?}",
            get(&r, id).reason
        );
    }
    let r = eval_daily(&uptrend(40), &vec![1e6; 40]);
    assert_eq!(get(&r, "d1_no_distribution").state, State::Unavailable);
    assert_eq!(get(&r, "d1_shallow_pullbacks").state, State::Unavailable);

    let n = 320;
    let mut v = vec![1e6; n];
    for i in (n - 25..n).step_by(5) {
        v[i] = 0.0;
    }
    let r = eval_daily(&uptrend(n), &v);
    assert_eq!(get(&r, "d1_no_distribution").reason, Some(Unavailable::VolumeGaps));
    let mut v = vec![1e6; n];
    for i in (n - 250..n).step_by(10) {
        v[i] = f64::NAN;
    }
    assert_eq!(get(&eval_daily(&uptrend(n), &v), "d1_volume_thrust").reason, Some(Unavailable::VolumeGaps));
}

#[test]
fn f3_pullback_states() {
    let n = 320;
    let r = eval_daily(&uptrend(n), &vec![1e6; n]);
    let f3 = get(&r, "d1_shallow_pullbacks");
    assert_eq!(f3.state, State::Bullish, "{:?}", f3.branch);
    assert!(f3.flags.contains(&Flag::NoMaterialPullback));
    assert_eq!(f3.branch, Branch::F3NoPullback);
    assert_eq!(f3.strength, 0.5);

    // A 12-session slide giving back the whole 40-session advance.
    let mut c = uptrend(n);
    for i in n - 12..n {
        c[i] = c[i - 1] - 0.45;
    }
    let f3 = get(&eval_daily(&c, &vec![1e6; n]), "d1_shallow_pullbacks").clone();
    assert_eq!(f3.state, State::Bearish, "{:?}", f3.branch);
    assert!(f3.num("retrace").unwrap() > 0.618);
    assert_eq!(f3.branch, Branch::F3Deep);
    // The only dip is still falling at the last bar: too recent to judge "bought".
    assert_eq!(f3.num("n_decided"), Some(0.0));
    let said = crate::sig_common::said(&f3);
    assert!(said.contains("1 dip since") && said.contains("too recent"), "{said}");
}

/// An uptrend, then the last `segs` (daily change, sessions) appended in order.
fn with_segments(n0: usize, segs: &[(f64, usize)]) -> Vec<f64> {
    let mut c = uptrend(n0);
    for &(d, k) in segs {
        for _ in 0..k {
            let l = *c.last().unwrap();
            c.push(l + d);
        }
    }
    c
}

fn f3_of(c: &[f64]) -> SignalResult {
    get(&eval_daily(c, &vec![1e6; c.len()]), "d1_shallow_pullbacks").clone()
}

/// Issue 11: F3's states mirror each other on the same dips. Bullish needs every dip shallow and
/// most bought back; bearish needs every dip deep and most not bought back. A deep latest dip
/// after shallow ones is mixed, not bearish (it was bearish on the latest dip alone).
#[test]
fn f3_states_mirror_on_the_same_dips() {
    // Two shallow dips, each bought back within 2 sessions, in a steady advance.
    let c = with_segments(290, &[(0.5, 8), (-0.4, 2), (0.5, 8), (-0.4, 2), (0.5, 8)]);
    let f3 = f3_of(&c);
    assert_eq!(f3.state, State::Bullish, "{:?} {}", f3.evidence, f3.sentence);
    assert_eq!(f3.branch, Branch::F3Shallow);
    assert!(f3.num("n").unwrap() >= 2.0, "{:?}", f3.evidence);
    assert_eq!(f3.num("n_deep"), Some(0.0));

    // Two deep dips (more than .618 of the advance before each), the decided one sold for 5
    // sessions before recovering half its loss: bearish, said as pullbacks (plural), not the latest.
    let c = with_segments(290, &[(0.8, 10), (-1.2, 5), (1.5, 8), (-1.8, 6)]);
    let f3 = f3_of(&c);
    assert_eq!(f3.state, State::Bearish, "{:?} {}", f3.evidence, f3.sentence);
    assert_eq!(f3.branch, Branch::F3Deep);
    assert_eq!(f3.num("n_deep"), f3.num("n"), "{:?}", f3.evidence);
    assert!(f3.strength > 0.0 && f3.strength <= 1.0);
    let said = crate::sig_common::said(&f3);
    assert!(said.starts_with("Daily pullbacks have been deep:") && said.contains("dips since"), "{said}");

    // A shallow dip bought back at once, then a deep latest dip: mixed (neutral), not bearish.
    let c = with_segments(290, &[(0.5, 10), (-0.4, 2), (0.6, 10), (-1.8, 6)]);
    let f3 = f3_of(&c);
    assert!(f3.num("n").unwrap() >= 2.0, "{:?}", f3.evidence);
    assert!(f3.num("n_deep").unwrap() >= 1.0, "{:?}", f3.evidence);
    assert!(f3.num("n_deep").unwrap() < f3.num("n").unwrap(), "{:?}", f3.evidence);
    assert_eq!(f3.state, State::Neutral, "{:?} {}", f3.evidence, f3.sentence);
    assert_eq!(f3.branch, Branch::F3Mixed);
}

/// Issue 12: a dip is measured against the advance before its peak bar. The peak bar's own
/// intraday range is no advance: a one-session uptick off the window's first bar, with a long
/// lower wick on the uptick itself, then a deep slide, is a decline (neutral), not a "rebound
/// sold" (2022-06-17 had called a +0.6% close-to-close uptick that).
#[test]
fn f3_the_peak_bars_own_range_is_no_advance() {
    let n = 320;
    let mut c = uptrend(280);
    c.push(c[279] - 1.0); // 280: the window's first bar (t − 39), falling
    c.push(c[280] + 0.3); // 281: the uptick, the dip's peak close
    while c.len() < n {
        let l = *c.last().unwrap();
        c.push(l - 0.5);
    }
    let mut b = bars(&c, &vec![1e6; n]);
    b.low[281] = c[281] - 3.0; // a long lower wick on the peak bar
    let o = Owned::new(b);
    let f3 = get(&daily::evaluate(&o.input()), "d1_shallow_pullbacks").clone();
    assert_eq!(f3.ev("from_date"), Some(&Ev::Date { v: o.daily.date[280] }), "{:?}", f3.evidence);
    assert_eq!(f3.branch, Branch::F3Decline, "{:?} {}", f3.evidence, f3.sentence);
    assert_eq!(f3.state, State::Neutral);
    assert!(f3.flags.contains(&Flag::NoPriorAdvance));

    // The same slide after a real two-session advance off the window's first bar is a pullback.
    let mut c2 = c.clone();
    c2[281] = c2[280] + 3.0;
    c2[282] = c2[281] + 3.0;
    for i in 283..n {
        c2[i] = c2[i - 1] - 0.5;
    }
    let f3 = f3_of(&c2);
    assert_ne!(f3.branch, Branch::F3Decline, "{:?} {}", f3.evidence, f3.sentence);
    assert_eq!(f3.num("n"), Some(1.0), "{:?}", f3.evidence);
}

/// A long decline with swings, then a 10-session impulsive leg through the moving averages.
fn reclaim_series() -> Vec<f64> {
    let mut c: Vec<f64> = (0..300).map(|i| 150.0 - 0.17 * i as f64 + 1.5 * (i as f64 / 4.0).sin()).collect();
    let base = c[299];
    for k in 1..=10 {
        c.push(base + 1.6 * k as f64);
    }
    for _ in 0..3 {
        let l = *c.last().unwrap();
        c.push(l + 0.05);
    }
    c
}

#[test]
fn f1_impulsive_reclaim_and_no_leg() {
    let c = reclaim_series();
    let n = c.len();
    let r = eval_daily(&c, &vol_noise(n));
    let f1 = get(&r, "d1_stacked_level_reclaim");
    assert_eq!(f1.state, State::Bullish, "{:?} {:?}", f1.branch, f1.evidence);
    assert!(f1.num("n_reclaimed").unwrap() >= 3.0);
    assert!(f1.num("lvl1").is_some());
    assert_eq!(f1.branch, Branch::F1Reclaim);
    // The mirror: a down-leg through the averages of a long rise.
    let m: Vec<f64> = c.iter().map(|x| 300.0 - x).collect();
    let f1 = get(&eval_daily(&m, &vol_noise(n)), "d1_stacked_level_reclaim").clone();
    assert_eq!(f1.state, State::Bearish, "{:?} {:?}", f1.branch, f1.evidence);
    assert_eq!(f1.branch, Branch::F1Lost);
    // A gentle trend has no impulsive leg.
    let f1 = get(&eval_daily(&uptrend(320), &vec![1e6; 320]), "d1_stacked_level_reclaim").clone();
    assert_eq!(f1.state, State::Neutral);
    assert!(f1.flags.contains(&Flag::NotImpulsive));
    assert_eq!(f1.branch, Branch::F1NotImpulsive);
}

/// OBV path (steps of ±1): two pivot lows (flat line at 5), a break, a retest, a new low.
fn obv_path() -> Vec<f64> {
    let mut o = vec![0.0];
    let mut go = |steps: i32, up: bool| {
        for _ in 0..steps {
            let l = *o.last().unwrap();
            o.push(if up { l + 1.0 } else { l - 1.0 });
        }
    };
    go(10, true); // 10 at 10
    go(4, false); // 6 at 14: pivot low p1
    go(6, true); // 12 at 20
    go(6, false); // 6 at 26: pivot low p2, level with p1 (line flat at 6; falling lows would
                  // be no line at all since issue 11)
    go(11, true); // 17 at 37
    go(12, false); // 5 at 49 (break at 49: 5 < 6 - 0.5)
    go(2, true); // 6 at 50: retest; 7 at 51
    go(5, false); // 2 at 56 (new low below 5 at 54: failed)
    o
}

#[test]
fn obv_scan_walks_every_phase() {
    let o = obv_path();
    let s = scan_obv(&o[..=40], 5);
    assert_eq!(s.status, ObvStatus::Intact);
    assert_eq!((s.p1, s.p2), (Some(14), Some(26)));
    assert_eq!(scan_obv(&o[..=48], 5).status, ObvStatus::Intact);
    assert_eq!(scan_obv(&o[..=49], 5).status, ObvStatus::Broken);
    assert_eq!(scan_obv(&o[..=49], 5).t_b, Some(49));
    let s = scan_obv(&o[..=52], 5);
    assert_eq!(s.status, ObvStatus::Retest);
    assert_eq!(s.t_r, Some(50));
    let s = scan_obv(&o, 5);
    assert_eq!(s.status, ObvStatus::Failed);
    assert_eq!((s.t_b, s.t_r, s.fail), (Some(49), Some(50), Some(54)));
    // Reclaimed: after the retest OBV closes above line + tol twice.
    let mut r = o[..=51].to_vec();
    r.extend([6.0, 7.0, 8.0]);
    assert_eq!(scan_obv(&r, 5).status, ObvStatus::Reclaimed);
    // No retest within 20 sessions of the break.
    let mut nr = o[..=49].to_vec();
    for k in 0..25 {
        nr.push(if k % 2 == 0 { 2.0 } else { 3.0 });
    }
    assert_eq!(scan_obv(&nr, 5).status, ObvStatus::NoRetest);
}

#[test]
fn obv_falling_lows_are_no_support_line() {
    // Issue 11: four falling lows became "flat support" at full strength. Two falling pivot lows
    // (6 at 14, 5 at 27) give no line, so nothing is intact and nothing can break.
    let mut o = vec![0.0];
    for (steps, up) in [(10, true), (4, false), (6, true), (7, false), (10, true)] {
        for _ in 0..steps {
            let l: f64 = *o.last().unwrap();
            o.push(if up { l + 1.0 } else { l - 1.0 });
        }
    }
    let s = scan_obv(&o, 5);
    assert_eq!(s.status, ObvStatus::FallingLows);
    assert_eq!((s.p1, s.p2), (Some(14), Some(27)));
}

#[test]
fn a_reclaimed_line_that_obv_falls_back_under_is_broken_again() {
    // Issue 11: a January reclaim was still cited in March with OBV far below the line.
    let o = obv_path();
    let mut r = o[..=51].to_vec();
    r.extend([6.0, 7.0, 8.0]); // reclaimed at 54
    assert_eq!(scan_obv(&r, 5).status, ObvStatus::Reclaimed);
    r.extend([7.0, 6.0, 5.0, 4.0]); // 5 < 6 - 0.5 at 57
    let s = scan_obv(&r, 5);
    assert_eq!(s.status, ObvStatus::Broken, "{s:?}");
    assert_eq!(s.t_b, Some(57));
    assert_eq!((s.p1, s.p2), (Some(14), Some(26)));
}

/// Bars whose OBV follows `obv_path` after a 30-session rise (volume 1e6, closes ±0.5).
fn obv_bars() -> marketnote::data::Bars {
    let path = obv_path();
    let mut c = vec![100.0];
    for _ in 0..30 {
        c.push(c.last().unwrap() + 0.5);
    }
    for w in path.windows(2) {
        let l = *c.last().unwrap();
        c.push(if w[1] > w[0] { l + 0.5 } else { l - 0.5 });
    }
    let n = c.len();
    bars(&c, &vec![1e6; n])
}

#[test]
fn h2_failed_retest_is_bearish_with_dates() {
    let o = Owned::new(obv_bars());
    let r = risk::evaluate(&o.input());
    let h2 = get(&r, "risk_obv_underside_retest_fail");
    assert_eq!(h2.state, State::Bearish, "{} {:?}", h2.sentence, h2.evidence);
    assert!(h2.strength >= 0.8);
    let b = &o.daily;
    assert_eq!(h2.date("t_b_date"), Some(b.date[30 + 49]));
    assert_eq!(h2.date("fail_date"), Some(b.date[30 + 54]));
    assert_eq!(h2.branch, Branch::H2Failed);

    // Cut during the retest: neutral, flagged.
    let o2 = Owned::new(o.daily.slice(0, 30 + 53));
    let h2 = get(&risk::evaluate(&o2.input()), "risk_obv_underside_retest_fail").clone();
    assert_eq!(h2.state, State::Neutral, "{}", h2.sentence);
    assert!(h2.flags.contains(&Flag::RetestInProgress));
    // Cut before the break: intact support, bullish, with the line value for invalidation.
    let o3 = Owned::new(o.daily.slice(0, 30 + 41));
    let h2 = get(&risk::evaluate(&o3.input()), "risk_obv_underside_retest_fail").clone();
    assert_eq!(h2.state, State::Bullish, "{}", h2.sentence);
    assert!(h2.num("obv_line").is_some());
}

/// Piecewise-linear closes through (index, price) knots.
fn knots(k: &[(usize, f64)]) -> Vec<f64> {
    let mut c = Vec::new();
    for w in k.windows(2) {
        let ((i0, p0), (i1, p1)) = (w[0], w[1]);
        for i in i0..i1 {
            c.push(p0 + (p1 - p0) * (i - i0) as f64 / (i1 - i0) as f64);
        }
    }
    c.push(k.last().unwrap().1);
    c
}

#[test]
fn h1_lower_high_states() {
    // Peak 110, dip to 100, lower peak 106, then a close under the dip low: confirmed LH.
    let c = knots(&[(0, 90.0), (30, 110.0), (40, 100.0), (50, 106.0), (60, 97.0), (70, 96.0)]);
    let o = Owned::new(bars(&c, &vec![1e6; c.len()]));
    let h1 = get(&risk::evaluate(&o.input()), "risk_lower_high").clone();
    assert_eq!(h1.state, State::Bearish, "{} {:?}", h1.sentence, h1.evidence);
    assert!((h1.strength - 0.6).abs() < 1e-12);
    assert!(matches!(h1.branch, Branch::H1LowerHigh { daily: true, .. }), "{:?}", h1.branch);
    assert!((h1.num("H_prev").unwrap() - 110.5).abs() < 1e-9);
    assert!((h1.num("Lmid").unwrap() - 99.5).abs() < 0.2);

    // Higher high and still rising: no lower high.
    let c = knots(&[(0, 90.0), (30, 106.0), (40, 100.0), (50, 110.0), (60, 104.0), (75, 118.0)]);
    let o = Owned::new(bars(&c, &vec![1e6; c.len()]));
    let h1 = get(&risk::evaluate(&o.input()), "risk_lower_high").clone();
    assert_eq!(h1.state, State::Bullish, "{} {:?}", h1.sentence, h1.evidence);
    assert_eq!(h1.branch, Branch::H1HigherHigh);

    // Lower high not yet confirmed (price holds above the dip): neutral.
    let c = knots(&[(0, 90.0), (30, 110.0), (40, 100.0), (50, 106.0), (60, 102.0), (66, 103.0)]);
    let o = Owned::new(bars(&c, &vec![1e6; c.len()]));
    let h1 = get(&risk::evaluate(&o.input()), "risk_lower_high").clone();
    assert_eq!(h1.state, State::Neutral, "{}", h1.sentence);

    let o = Owned::new(bars(&c[..20], &[1e6; 20]));
    assert_eq!(get(&risk::evaluate(&o.input()), "risk_lower_high").state, State::Unavailable);
}

mod point_in_time {
    use marketnote::config::NoteConfig;
    use marketnote::data::Dataset;
    use proptest::prelude::*;
    use std::path::Path;

    fn load() -> (NoteConfig, Dataset) {
        let cfg = NoteConfig::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/iwm.toml")).unwrap();
        let ds = marketnote::data::load(&cfg).unwrap();
        (cfg, ds)
    }

    fn truncate(ds: &Dataset, d: chrono::NaiveDate) -> Dataset {
        let mut t = ds.clone();
        t.instrument.bars = t.instrument.bars.between(None, Some(d));
        if let Some(b) = t.benchmark.as_mut() {
            b.bars = b.bars.between(None, Some(d));
        }
        if let Some(b) = t.mid_cap.as_mut() {
            b.bars = b.bars.between(None, Some(d));
        }
        for m in &mut t.macros {
            m.obs.retain(|o| o.release <= d);
        }
        t
    }

    fn signals_json(a: &marketnote::Analysis) -> String {
        let v: Vec<_> = a.signals.iter().map(marketnote::document::signal).collect();
        serde_json::to_string(&v).unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]
        /// Evaluating with as_of = D on the full data equals evaluating on data cut at D.
        #[test]
        fn full_data_as_of_equals_truncated(days in 0i64..5300) {
            let (cfg, ds) = load();
            let d = chrono::NaiveDate::from_ymd_opt(2012, 1, 3).unwrap() + chrono::Duration::days(days);
            let full = marketnote::analyze(&cfg, ds.clone(), Some(d)).unwrap();
            let cut = marketnote::analyze(&cfg, truncate(&ds, d), Some(d)).unwrap();
            prop_assert_eq!(full.as_of, cut.as_of);
            prop_assert_eq!(signals_json(&full), signals_json(&cut));
            prop_assert_eq!(full.stance.score, cut.stance.score);
        }
    }
}

/// The narrative's daily sentences, written from the branch and evidence (prose only here).
#[test]
fn daily_sentences_are_written_from_branch_and_evidence() {
    let n = 320;
    let r = eval_daily(&uptrend(n), &vec![1e6; n]);
    let f4 = crate::sig_common::said(get(&r, "d1_no_distribution"));
    assert!(f4.starts_with("No distribution on the daily: 0 distribution days"), "{f4}");
    assert!(f4.ends_with("and no high-volume reversal."), "{f4}");
    let mut v = vol_noise(n);
    v[n - 3] = 5e6;
    let f2 = crate::sig_common::said(get(&eval_daily(&uptrend(n), &v), "d1_volume_thrust"));
    assert!(f2.contains("IWM traded 5.0M shares, the #1 heaviest of 252 sessions"), "{f2}");
    let f1 =
        crate::sig_common::said(get(&eval_daily(&uptrend(n), &vec![1e6; n]), "d1_stacked_level_reclaim"));
    assert!(f1.starts_with("There is no impulsive multi-level reclaim on the daily chart"), "{f1}");
}
