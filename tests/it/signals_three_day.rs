//! E1–E4 on constructed 3-day series (every state, phase agreement, event sensitivity).

use crate::sig_common;

use chrono::{Datelike, NaiveDate};
use marketnote::data::Bars;
use marketnote::signals::{three_day, Branch, Flag, SignalResult, State, Unavailable};
use sig_common::*;

fn eval_with(b: Bars, daily: Bars) -> Vec<SignalResult> {
    let mut f = Fixture::new();
    f.three_day = [b.clone(), b.clone(), b];
    f.daily = daily;
    three_day::evaluate(&f.input())
}

fn eval(b: Bars) -> Vec<SignalResult> {
    eval_with(b, Bars::default())
}

fn mk(c: &[f64], wick: f64) -> Bars {
    bars(&three_day_dates(c.len()), c, wick, &vec![1e6; c.len()])
}

/// 40 volatile bars, then 12 tight bars around 100 (zone 99.7–100.3).
fn volatile_then_tight() -> Vec<f64> {
    let mut c: Vec<f64> =
        (0..40).map(|i| 100.0 + 6.0 * (i as f64 * std::f64::consts::TAU / 8.0).sin()).collect();
    c.extend((0..12).map(|i| 100.0 + 0.3 * (i as f64 * 1.3).sin()));
    c
}

#[test]
fn e1_bullish_hold_above_zone() {
    let mut c = volatile_then_tight();
    c.extend([108.0, 110.0, 111.0, 112.0, 113.0]);
    let rs = eval(mk(&c, 0.3));
    let e1 = find(&rs, "d3_consolidation_hold");
    assert_state(e1, State::Bullish);
    let ztop = e1.num("ztop").unwrap();
    assert!((ztop - c[40..52].iter().cloned().fold(f64::MIN, f64::max)).abs() < 1e-9);
    assert_eq!(e1.num("n"), Some(5.0));
    assert_eq!(e1.num("closes_above"), Some(5.0));
    assert_eq!(e1.num("phase_agreement"), Some(3.0));
    assert_eq!(e1.branch, Branch::E1Holding);
}

#[test]
fn e1_bearish_and_neutral() {
    let mut c = volatile_then_tight();
    c.extend([108.0, 110.0, 104.0, 98.0]);
    let rs = eval(mk(&c, 0.3));
    assert_state(find(&rs, "d3_consolidation_hold"), State::Bearish);

    let mut c = volatile_then_tight();
    c.extend([101.5, 100.0, 100.6]);
    let rs = eval(mk(&c, 0.3));
    let e1 = find(&rs, "d3_consolidation_hold");
    assert_state(e1, State::Neutral);
    assert_eq!(e1.num("closes_above"), Some(2.0));
}

#[test]
fn e_signals_unavailable_on_short_history() {
    let c: Vec<f64> = (0..30).map(|i| 100.0 + i as f64).collect();
    let rs = eval(mk(&c, 0.3));
    assert_eq!(rs.len(), 4);
    assert_eq!(
        find(&rs, "d3_consolidation_hold").reason,
        Some(Unavailable::InsufficientHistory { need: 45, have: 30 })
    );
    assert_eq!(find(&rs, "d3_momentum_mirror").state, State::Unavailable);
    assert_eq!(find(&rs, "d3_volume_trend").state, State::Unavailable);
}

/// Zigzag: 5 up bars of +3, 2 down bars of −2, repeated.
fn zigzag(cycles: usize) -> Vec<f64> {
    let mut c = vec![100.0];
    for _ in 0..cycles {
        for _ in 0..5 {
            c.push(c.last().unwrap() + 3.0);
        }
        for _ in 0..2 {
            c.push(c.last().unwrap() - 2.0);
        }
    }
    c
}

#[test]
fn e2_higher_dips_absorbed_then_a_lower_dip() {
    let mut c = zigzag(8);
    c.extend([c.last().unwrap() + 3.0, c.last().unwrap() + 6.0]);
    let rs = eval(mk(&c, 0.5));
    let e2 = find(&rs, "d3_higher_dip_absorption");
    assert_state(e2, State::Bullish);
    assert!(e2.num("k").unwrap() >= 3.0);
    assert_eq!(e2.num("absorbed_ratio"), Some(1.0));
    assert_eq!(e2.num("max_recov"), Some(2.0));

    // A final dip that undercuts the prior dip low, confirmed by two bars after it.
    let mut c = zigzag(8);
    for _ in 0..5 {
        c.push(c.last().unwrap() - 3.0);
    }
    c.extend([c.last().unwrap() + 1.0, c.last().unwrap() + 2.0]);
    let rs = eval(mk(&c, 0.5));
    let e2 = find(&rs, "d3_higher_dip_absorption");
    assert_state(e2, State::Bearish);
    assert!(e2.num("l_k").unwrap() < e2.num("l_k1").unwrap());
}

#[test]
fn e2_too_few_dips_on_a_straight_rise() {
    let c: Vec<f64> = (0..60).map(|i| 100.0 + 2.0 * i as f64).collect();
    let rs = eval(mk(&c, 0.5));
    let e2 = find(&rs, "d3_higher_dip_absorption");
    assert_state(e2, State::Neutral);
    assert!(e2.flags.contains(&Flag::TooFewDips));
}

/// Alternating up/down closes with volume growing 3% a bar; `up_mult`/`down_mult` weight the sides.
fn vol_series(n: usize, growth: f64, up_mult: f64, down_mult: f64) -> (Vec<f64>, Vec<f64>) {
    let c: Vec<f64> = (0..n).map(|i| 100.0 + if i % 2 == 0 { 1.0 } else { 0.0 }).collect();
    let v: Vec<f64> =
        (0..n).map(|i| 1e6 * growth.powi(i as i32) * if i % 2 == 0 { up_mult } else { down_mult }).collect();
    (c, v)
}

#[test]
fn e3_volume_trend_states() {
    let d = three_day_dates(60);
    let (c, v) = vol_series(60, 1.03, 1.5, 1.0);
    let rs = eval(bars(&d, &c, 0.5, &v));
    let e3 = find(&rs, "d3_volume_trend");
    assert_state(e3, State::Bullish);
    assert!(e3.num("vtrend").unwrap() > 0.5 && e3.num("udv20").unwrap() >= 1.0);

    let (c, v) = vol_series(60, 1.03, 1.0, 2.0);
    let rs = eval(bars(&d, &c, 0.5, &v));
    assert_state(find(&rs, "d3_volume_trend"), State::Bearish);

    let (c, v) = vol_series(60, 1.0, 1.0, 1.0);
    let rs = eval(bars(&d, &c, 0.5, &v));
    let e3 = find(&rs, "d3_volume_trend");
    assert_state(e3, State::Neutral);
    assert_eq!(e3.branch, Branch::E3Flat);

    let (c, mut v) = vol_series(60, 1.0, 1.0, 1.0);
    for i in [40, 45, 50] {
        v[i] = 0.0;
    }
    let rs = eval(bars(&d, &c, 0.5, &v));
    assert_eq!(find(&rs, "d3_volume_trend").reason, Some(Unavailable::VolumeGaps));
}

#[test]
fn e3_event_sensitive_when_opex_volume_drives_the_trend() {
    // Daily sessions up to quarterly opex 2025-03-21; 3-day labels counted back from it.
    let opex = NaiveDate::from_ymd_opt(2025, 3, 21).unwrap();
    let days: Vec<NaiveDate> = NaiveDate::from_ymd_opt(2024, 6, 3)
        .unwrap()
        .iter_days()
        .take_while(|d| *d <= opex)
        .filter(|d| d.weekday().num_days_from_monday() < 5)
        .collect();
    let mut labels: Vec<NaiveDate> = days.iter().rev().step_by(3).copied().collect();
    labels.reverse();
    let n = labels.len();
    let c: Vec<f64> = (0..n).map(|i| 100.0 + 0.5 * i as f64).collect();
    let mut v = vec![1e6; n];
    v[n - 1] = 2e7; // the opex bar
    v[n - 2] = 1.2e6;
    let daily = bars(&days, &vec![100.0; days.len()], 0.5, &vec![1e6; days.len()]);
    let rs = eval_with(bars(&labels, &c, 0.5, &v), daily);
    let e3 = find(&rs, "d3_volume_trend");
    assert_eq!(e3.as_of, Some(opex));
    assert!(e3.flags.contains(&Flag::EventSensitive), "{e3:#?}");
    match e3.ev("event_dates") {
        Some(marketnote::signals::Ev::Dates { v }) => assert!(v.contains(&opex)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn e4_fade_then_upward_expansion_without_weekly_mirror() {
    let mut c: Vec<f64> = (0..40).map(|i| 100.0 + i as f64).collect();
    c.extend((0..20).map(|k| 120.0 + 20.0 * (-(k as f64) / 5.0).exp()));
    c.extend((1..=6).map(|k| 120.4 + 1.5 * k as f64));
    let rs = eval(mk(&c, 0.5));
    let e4 = find(&rs, "d3_momentum_mirror");
    assert_state(e4, State::Bullish);
    assert!(e4.flags.contains(&Flag::NoMirror));
    assert!(e4.num("rising").unwrap() >= 2.0);
    assert!(e4.num("fade_bars").unwrap() >= 3.0);
    // No weekly data: the mirror term is 0 and σ is scaled by 0.6.
    assert!(e4.strength <= 0.7 * 0.6 + 1e-12);

    let mut c: Vec<f64> = (0..60).map(|i| 100.0 + i as f64).collect();
    c.extend([150.0, 140.0, 130.0]);
    let rs = eval(mk(&c, 0.5));
    assert_state(find(&rs, "d3_momentum_mirror"), State::Bearish);

    let c = vec![100.0; 70];
    let rs = eval(mk(&c, 0.5));
    assert_state(find(&rs, "d3_momentum_mirror"), State::Neutral);
}

#[test]
fn phase_disagreement_scales_strength() {
    let mut c = volatile_then_tight();
    c.extend([108.0, 110.0, 111.0, 112.0, 113.0]);
    let agree = eval(mk(&c, 0.3));
    let e1 = find(&agree, "d3_consolidation_hold").clone();
    // Phases 1 and 2 see a flat market: only phase 0 is bullish.
    let flat = mk(&vec![100.0; c.len()], 0.3);
    let mut f = Fixture::new();
    f.three_day = [mk(&c, 0.3), flat.clone(), flat];
    let rs = three_day::evaluate(&f.input());
    let e1b = find(&rs, "d3_consolidation_hold");
    assert_eq!(e1b.state, State::Bullish);
    assert_eq!(e1b.num("phase_agreement"), Some(1.0));
    assert!((e1b.strength - e1.strength * (0.5 + 0.5 / 3.0)).abs() < 1e-12);
}
