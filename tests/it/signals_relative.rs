//! A1, A2, G1 on constructed weekly series (bullish, bearish, neutral, unavailable), and the
//! whole family on the real IWM/SPY sample.

use crate::sig_common;

use marketnote::data::Bars;
use marketnote::signals::{relative, Branch, Ev, Flag, State, Unavailable};
use sig_common::*;

/// Weekly bars for IWM and SPY from a ratio path R and a SPY path.
fn pair(r: &[f64], spy: &[f64]) -> (Bars, Bars) {
    let d = fridays(r.len());
    let iwm: Vec<f64> = r.iter().zip(spy).map(|(a, b)| a * b).collect();
    let v = vec![1e6; r.len()];
    (bars(&d, &iwm, 0.5, &v), bars(&d, spy, 0.5, &v))
}

fn spy_path(n: usize) -> Vec<f64> {
    (0..n).map(|i| 300.0 * 1.002f64.powi(i as i32)).collect()
}

fn run(r: &[f64], spy: &[f64], mid: Option<Bars>) -> Vec<marketnote::signals::SignalResult> {
    let (iwm, spyb) = pair(r, spy);
    let mut f = Fixture::new();
    f.weekly = iwm;
    f.bench_weekly = Some(spyb);
    f.mid_weekly = mid;
    relative::evaluate(&f.input())
}

#[test]
fn a1_bullish_after_two_year_lag_and_rebound() {
    // R falls 1.0 -> 0.70 over 170 weeks, then rebounds to 0.75 over 30 weeks.
    let mut r = lin(1.0, 0.70, 171);
    r.extend(lin(0.70, 0.75, 30).into_iter().chain(std::iter::once(0.75)));
    let n = r.len();
    let rs = run(&r, &spy_path(n), None);
    let a1 = find(&rs, "rs_small_cap_lag_ending");
    assert_state(a1, State::Bullish);
    let lag = r[n - 1] / r[n - 1 - 104] - 1.0;
    assert!((a1.num("lag104").unwrap() - lag).abs() < 1e-12);
    assert!((a1.num("R_low").unwrap() - 0.70).abs() < 1e-12);
    assert_eq!(a1.num("wks_since_low"), Some(30.0));
    assert!(a1.num("weeks_above_sma30").unwrap() >= 6.0);
    assert_eq!(a1.branch, Branch::A1LagEnding);
    // Evidence in the spec's order.
    let keys: Vec<&str> = a1.evidence.iter().map(|(k, _)| k.as_ref()).collect();
    assert_eq!(
        &keys[..9],
        ["lag104", "R_t", "R_low", "low_date", "rebound", "roc13", "sma30", "weeks_above_sma30", "trend26"]
    );
}

/// The two-year low and high are taken over the span the two-year change is measured over, its
/// first week included: a spike in the base week is the window's high (review 26: the chart's
/// first point stood above the "two-year high" the alt text named).
#[test]
fn a1_window_includes_the_base_week_of_the_two_year_change() {
    let mut r = lin(0.8, 0.8, 40);
    let n = 150;
    r.extend(lin(0.80, 0.76, n - 40));
    let base = n - 1 - 104;
    r[base] = 0.95;
    r[base + 1] = 0.70;
    let rs = run(&r, &spy_path(n), None);
    let a1 = find(&rs, "rs_small_cap_lag_ending");
    let lag = a1.num("lag104").unwrap();
    assert!((lag - (r[n - 1] / 0.95 - 1.0)).abs() < 1e-12);
    assert!((a1.num("R_high").unwrap() - 0.95).abs() < 1e-12, "{:?}", a1.num("R_high"));
    assert!((a1.num("R_low").unwrap() - 0.70).abs() < 1e-12, "{:?}", a1.num("R_low"));
}

#[test]
fn a1_bearish_while_ratio_keeps_falling() {
    let r = lin(1.0, 0.6, 150);
    let rs = run(&r, &spy_path(150), None);
    let a1 = find(&rs, "rs_small_cap_lag_ending");
    assert_state(a1, State::Bearish);
    assert!(a1.num("roc13").unwrap() < 0.0);
    assert_eq!(a1.branch, Branch::A1StillLosing);
}

#[test]
fn a1_neutral_no_lag_when_small_caps_led() {
    let r = lin(0.8, 1.0, 150);
    let rs = run(&r, &spy_path(150), None);
    let a1 = find(&rs, "rs_small_cap_lag_ending");
    assert_state(a1, State::Neutral);
    assert!(a1.flags.contains(&Flag::NoLag));
}

#[test]
fn unavailable_without_benchmark_or_history() {
    let r = lin(1.0, 0.9, 100);
    let rs = run(&r, &spy_path(100), None);
    for r in &rs {
        assert_eq!(r.state, State::Unavailable, "{r:#?}");
    }
    assert_eq!(
        find(&rs, "rs_small_cap_lag_ending").reason,
        Some(Unavailable::InsufficientHistory { need: 117, have: 100 })
    );
    let (iwm, _) = pair(&r, &spy_path(100));
    let mut f = Fixture::new();
    f.weekly = iwm;
    let rs = relative::evaluate(&f.input());
    assert_eq!(rs.len(), 3);
    for r in &rs {
        assert_eq!(r.reason, Some(Unavailable::MissingInput { input: "benchmark".into() }));
        assert_eq!(r.state, State::Unavailable);
    }
}

#[test]
fn a2_without_mid_cap_is_not_assessed_and_g1_still_reads_the_extension() {
    // Issue 11: without a mid-cap series the ladder reduced to "IWM/SPY fell over 13 weeks",
    // bearish on half the week ends; it is now not assessed. SPY flat-ish for 250 weeks, then a
    // steep 15-week run: extension at a 5-year high, with small caps leading.
    let n = 280;
    let spy: Vec<f64> = (0..n)
        .map(|i| {
            if i < 265 {
                300.0 + 5.0 * ((i as f64) / 7.0).sin()
            } else {
                300.0 * 1.02f64.powi(i as i32 - 264)
            }
        })
        .collect();
    let mut r = vec![0.5; n - 20];
    r.extend(lin(0.5, 0.55, 20));
    let rs = run(&r, &spy, None);
    let a2 = find(&rs, "rs_cap_ladder_rotation");
    assert_eq!(a2.state, State::Unavailable, "{}", a2.sentence);
    assert!(
        matches!(&a2.reason, Some(marketnote::signals::Unavailable::MissingInput { input }) if input == "mid_cap")
    );
    assert_ne!(find(&rs, "rs_large_cap_wave_complete").state, State::Unavailable);
}

#[test]
fn a2_bullish_full_ladder_when_spy_extended_and_capital_moves_down() {
    let n = 280;
    let spy: Vec<f64> = (0..n)
        .map(|i| {
            if i < 265 {
                300.0 + 5.0 * ((i as f64) / 7.0).sin()
            } else {
                300.0 * 1.02f64.powi(i as i32 - 264)
            }
        })
        .collect();
    let d = fridays(n);
    let v = vec![1e6; n];
    // Mid beats large and small beats mid over the last 20 weeks.
    let mid: Vec<f64> = (0..n)
        .map(|i| spy[i] * 0.5 * if i < n - 20 { 1.0 } else { 1.0 + 0.003 * (i + 20 - n) as f64 })
        .collect();
    let mut r = vec![0.5; n - 20];
    r.extend(lin(0.5, 0.55, 20));
    let rs = run(&r, &spy, Some(bars(&d, &mid, 0.5, &v)));
    let a2 = find(&rs, "rs_cap_ladder_rotation");
    assert_state(a2, State::Bullish);
    assert!(a2.num("spy_ext_pct").unwrap() >= 0.95);
    assert!(a2.num("roc13_mid").unwrap() > 0.0 && a2.num("roc13_small").unwrap() > 0.0);
}

#[test]
fn a2_with_mid_cap_rungs() {
    let n = 280;
    let spy = spy_path(n);
    let d = fridays(n);
    let v = vec![1e6; n];
    // Mid beats large, small lags mid: mixed -> neutral.
    let mid: Vec<f64> = (0..n).map(|i| spy[i] * 0.5 * (1.0 + 0.002 * i as f64)).collect();
    let r: Vec<f64> = (0..n).map(|i| 0.25 * (1.0 + 0.001 * i as f64)).collect();
    let rs = run(&r, &spy, Some(bars(&d, &mid, 0.5, &v)));
    let a2 = find(&rs, "rs_cap_ladder_rotation");
    assert_state(a2, State::Neutral);
    assert!(a2.num("roc13_mid").unwrap() > 0.0 && a2.num("roc13_small").unwrap() < 0.0);
    // Both rungs falling: capital climbs the ladder -> bearish.
    let mid: Vec<f64> = (0..n).map(|i| spy[i] * 0.5 * (1.0 - 0.001 * i as f64)).collect();
    let r: Vec<f64> = (0..n).map(|i| 0.25 * (1.0 - 0.002 * i as f64)).collect();
    let rs = run(&r, &spy, Some(bars(&d, &mid, 0.5, &v)));
    let a2 = find(&rs, "rs_cap_ladder_rotation");
    assert_state(a2, State::Bearish);
    assert_eq!(a2.branch, Branch::A2UpLadder);
}

#[test]
fn g1_bullish_handoff_and_bearish_fade() {
    // SPY: long rise that stalls (its positive wave fades); IWM/SPY: long decline then a fresh
    // sharp turn up (a young, expanding IWM wave while the ratio is still low).
    let n = 300;
    let spy: Vec<f64> = (0..n)
        .map(|i| if i < 280 { 200.0 * 1.004f64.powi(i as i32) } else { 200.0 * 1.004f64.powi(279) })
        .collect();
    let mut r = lin(1.0, 0.6, n - 6);
    r.extend((1..=6).map(|k| 0.6 * 1.02f64.powi(k)));
    let rs = run(&r, &spy, None);
    let g1 = find(&rs, "rs_large_cap_wave_complete");
    assert_state(g1, State::Bullish);
    assert!(g1.num("r_pct").unwrap() <= 0.40);
    assert!(g1.num("iwm_age").unwrap() <= 13.0);
    assert!(matches!(g1.ev("spy_peak_date"), Some(Ev::Date { .. })));

    // IWM merely sliding against a rising SPY (negative wave, ratio under its 30-week average) is
    // a momentum reading A1 and D4 score, not the mirror of the handoff: neutral.
    let spy = spy_path(n);
    let r: Vec<f64> = (0..n).map(|i| 1.0 - 0.3 * (i as f64 / n as f64).powi(2)).collect();
    let rs = run(&r, &spy, None);
    let g1 = find(&rs, "rs_large_cap_wave_complete");
    assert_state(g1, State::Neutral);
    assert_eq!(g1.ev("r_below_sma30"), Some(&Ev::YesNo { v: true }));

    // The mirror: IWM had a long run against SPY that has stalled (its wave is done), while SPY,
    // after a slide, starts a sharp young wave; the ratio is still in the top 40% of 5 years.
    let spy: Vec<f64> = (0..n)
        .map(|i| match i {
            0..260 => 200.0,
            260..292 => 200.0 * 0.98f64.powi(i as i32 - 259),
            _ => 200.0 * 0.98f64.powi(32) * 1.03f64.powi(i as i32 - 291),
        })
        .collect();
    let iwm: Vec<f64> = (0..n).map(|i| 100.0 * 1.006f64.powi(i.min(279) as i32)).collect();
    let r: Vec<f64> = iwm.iter().zip(&spy).map(|(a, b)| a / b).collect();
    let rs = run(&r, &spy, None);
    let g1 = find(&rs, "rs_large_cap_wave_complete");
    assert_state(g1, State::Bearish);
    assert!(g1.num("r_pct").unwrap() >= 0.60, "{:?}", g1.evidence);
    assert!(g1.num("spy_wave_age").unwrap() <= 13.0, "{:?}", g1.evidence);

    // Everything steady: neutral, with the lean listing what holds.
    let r = vec![0.5; n];
    let rs = run(&r, &spy, None);
    let g1 = find(&rs, "rs_large_cap_wave_complete");
    assert_state(g1, State::Neutral);
    assert_eq!(g1.branch, Branch::G1Incomplete);
}

#[test]
fn real_sample_all_families() {
    let f = sample();
    let input = f.input();
    let mut rs = relative::evaluate(&input);
    rs.extend(marketnote::signals::weekly::evaluate(&input));
    rs.extend(marketnote::signals::three_day::evaluate(&input));
    print(&rs);
    assert_eq!(rs.len(), 11);
    for r in &rs {
        if r.id == "rs_cap_ladder_rotation" {
            // No mid-cap series in the sample: not assessed since issue 11.
            assert_eq!(r.state, State::Unavailable);
            continue;
        }
        assert_ne!(r.state, State::Unavailable, "{r:#?}");
        assert!(!said(r).contains("n/a"), "{}", said(r));
        assert!((0.0..=1.0).contains(&r.strength));
    }
}
