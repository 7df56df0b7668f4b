//! D1–D4 on constructed weekly series: every state including unavailable.

use crate::sig_common;

use marketnote::data::Bars;
use marketnote::signals::{weekly, Branch, Ev, Flag, SignalResult, State, Unavailable};
use sig_common::*;

fn eval(w: Bars, anchor_year: Option<i32>) -> Vec<SignalResult> {
    let mut f = Fixture::new();
    f.weekly = w;
    f.params.anchor_year = anchor_year;
    weekly::evaluate(&f.input())
}

/// (open, high, low, close) rows from closes with a fixed wick.
fn rows(closes: &[f64], first_open: f64, wick: f64) -> Vec<(f64, f64, f64, f64)> {
    let mut prev = first_open;
    closes
        .iter()
        .map(|&c| {
            let o = prev;
            prev = c;
            (o, o.max(c) + wick, o.min(c) - wick, c)
        })
        .collect()
}

/// Volatile swings, a tight squeeze around 100 (weeks 110–125), a slide to ~91 and a base:
/// 160 weeks below the squeeze box, ready for a reclaim.
fn squeeze_then_base() -> Vec<(f64, f64, f64, f64)> {
    // Swings that widen steadily, so no week of them ranks as compressed.
    let mut c: Vec<f64> = (0..110)
        .map(|i| 100.0 + (4.0 + 0.06 * i as f64) * (i as f64 * std::f64::consts::TAU / 10.0).sin())
        .collect();
    let mut r = rows(&c, 100.0, 1.0);
    let sq: Vec<f64> = (0..16).map(|i| 100.0 + 0.3 * (i as f64).sin()).collect();
    r.extend(rows(&sq, c[109], 0.2));
    c = lin(96.0, 90.0, 24)
        .iter()
        .enumerate()
        .map(|(i, x)| x + if i % 2 == 0 { 1.5 } else { -1.5 })
        .collect();
    r.extend(rows(&c, sq[15], 1.0));
    let base: Vec<f64> = (0..10).map(|i| 92.0 + if i % 2 == 0 { 1.0 } else { -1.0 }).collect();
    r.extend(rows(&base, c[23], 1.0));
    r
}

fn weekly_bars(r: &[(f64, f64, f64, f64)]) -> Bars {
    ohlc(&fridays(r.len()), r, &vec![1e6; r.len()])
}

#[test]
fn d1_bullish_reclaim_with_strong_closes_above_the_cluster() {
    let mut r = squeeze_then_base();
    r.push((93.0, 102.3, 92.8, 102.0)); // strong reclaim candle
    r.push((102.0, 106.2, 101.8, 106.0)); // strong follow-through
    for c in [106.5, 107.0, 107.5] {
        let o = r.last().unwrap().3;
        r.push((o, c + 0.3, o - 0.3, c));
    }
    let rs = eval(weekly_bars(&r), None);
    let d1 = find(&rs, "wk_compression_cluster_reclaim");
    assert_state(d1, State::Bullish);
    let top = d1.num("top").unwrap();
    assert!((99.5..=100.5).contains(&top), "top {top}");
    assert_eq!(d1.num("n_since"), Some(5.0));
    assert_eq!(d1.num("closes_above"), Some(5.0));
    assert_eq!(d1.num("strong_above"), Some(2.0));
    assert_eq!(d1.num("prior_below"), Some(26.0));
    let dates = fridays(r.len());
    assert_eq!(d1.date("reclaim_date"), Some(dates[160]));
    assert_eq!(d1.ev("strong_dates"), Some(&Ev::Dates { v: vec![dates[160], dates[161]] }));
    assert!(matches!(d1.ev("band1"), Some(Ev::Range { .. })));
    assert!(matches!(d1.branch, Branch::D1Reclaim { .. }), "{:?}", d1.branch);
}

#[test]
fn d1_bearish_after_failed_reclaim() {
    let mut r = squeeze_then_base();
    r.push((93.0, 102.3, 92.8, 102.0));
    r.push((102.0, 106.2, 101.8, 106.0));
    for c in [103.0, 99.0, 96.0] {
        let o = r.last().unwrap().3;
        r.push((o, o + 0.3, c - 0.3, c));
    }
    let rs = eval(weekly_bars(&r), None);
    let d1 = find(&rs, "wk_compression_cluster_reclaim");
    assert_state(d1, State::Bearish);
    assert!(d1.num("close").unwrap() < d1.num("top").unwrap());
}

#[test]
fn d1_neutral_when_reclaim_is_weak_or_no_squeeze() {
    let mut r = squeeze_then_base();
    // A grind back above the box on long-wicked candles (bodies under half the range).
    for c in [93.0, 95.0, 97.0, 99.0, 100.8, 101.0, 101.2] {
        let o = r.last().unwrap().3;
        r.push((o, o.max(c) + 1.5, o.min(c) - 1.5, c));
    }
    let rs = eval(weekly_bars(&r), None);
    let d1 = find(&rs, "wk_compression_cluster_reclaim");
    assert_state(d1, State::Neutral);
    assert_eq!(d1.num("strong_above"), Some(0.0));
    assert!(matches!(d1.branch, Branch::D1Unconfirmed { .. }), "{:?}", d1.branch);

    // 72 weeks: BandWidth ranks exist only on the last 3 bars, so no episode can form.
    let c: Vec<f64> = (0..72).map(|i| 100.0 + (i as f64).sin()).collect();
    let rs = eval(weekly_bars(&rows(&c, 100.0, 0.5)), None);
    let d1 = find(&rs, "wk_compression_cluster_reclaim");
    assert_state(d1, State::Neutral);
    assert!(d1.flags.contains(&Flag::NoCompressionFound));
}

#[test]
fn short_history_is_unavailable() {
    let c: Vec<f64> = (0..25).map(|i| 100.0 + i as f64).collect();
    let rs = eval(weekly_bars(&rows(&c, 100.0, 0.5)), None);
    assert_eq!(rs.len(), 4);
    for r in &rs {
        assert_eq!(r.state, State::Unavailable, "{r:#?}");
    }
    assert_eq!(
        find(&rs, "wk_compression_cluster_reclaim").reason,
        Some(Unavailable::InsufficientHistory { need: 72, have: 25 })
    );
    assert_eq!(
        find(&rs, "wk_momentum_wave_flip").reason,
        Some(Unavailable::InsufficientHistory { need: 90, have: 25 })
    );
}

/// A slide into an anchor low at week 330 (2024-04-26), then a zigzag advance: 4 up weeks with
/// `up_vol` each, 2 down weeks with `down_vol` each.
fn anchored_zigzag(up_vol: f64, down_vol: f64) -> Bars {
    let n = 440;
    let mut c = Vec::with_capacity(n);
    let mut v = Vec::with_capacity(n);
    for i in 0..=330 {
        c.push(150.0 - 60.0 * i as f64 / 330.0 + if i % 3 == 0 { 1.0 } else { 0.0 });
        v.push(1e6);
    }
    c[330] = 90.0;
    let mut px = 90.0;
    for k in 0..(n - 331) {
        if k % 6 < 4 {
            px += 2.0;
            v.push(up_vol);
        } else {
            px -= 1.5;
            v.push(down_vol);
        }
        c.push(px);
    }
    bars(&fridays(n), &c, 0.5, &v)
}

#[test]
fn d2_d3_bullish_accumulation_and_rising_trendline() {
    let w = anchored_zigzag(2e6, 1e6);
    let dates = w.date.clone();
    let rs = eval(w, Some(2024));
    let d2 = find(&rs, "wk_volume_accumulation");
    assert_state(d2, State::Bullish);
    assert_eq!(d2.date("anchor_date"), Some(dates[330]));
    // Average up week 2e6 over average down week 1e6 (the totals' 4.0 counted the 2:1 majority of
    // up weeks, which a rise from a low has by construction; issue 11).
    assert!((d2.num("udv").unwrap() - 2.0).abs() < 0.1, "{:?}", d2.num("udv"));
    assert_eq!(d2.num("persist"), Some(1.0));
    assert!(!d2.flags.contains(&Flag::AnchorAuto));
    let d3 = find(&rs, "wk_volume_trendline_support");
    assert_state(d3, State::Bullish);
    assert!(d3.num("n_pullbacks").unwrap() >= 10.0);
    assert_eq!(d3.num("held_ratio"), Some(1.0));
    assert!(d3.num("r2").unwrap() > 0.9);
    assert_eq!(d3.branch, Branch::D3AllHeld);
}

#[test]
fn d2_d3_bearish_when_down_weeks_carry_the_volume() {
    let rs = eval(anchored_zigzag(1e6, 3e6), Some(2024));
    let d2 = find(&rs, "wk_volume_accumulation");
    assert_state(d2, State::Bearish);
    assert!(d2.num("obv_rel").unwrap() < 0.0);
    assert!(d2.num("udv").unwrap() < 0.9);
    let d3 = find(&rs, "wk_volume_trendline_support");
    assert_state(d3, State::Bearish);
    assert!(d3.num("slope").unwrap() < 0.0);
    // The mirror of D3AllHeld: a lower OBV low at every pullback (issue 11).
    assert_eq!(d3.branch, Branch::D3LowerLows);
    assert_eq!(d3.num("n_failed"), d3.num("n_pullbacks"));
    assert!(crate::sig_common::said(d3).contains("lower lows along a falling trendline"));
}

/// Issue 11: a single latest lower OBV low (with a lower price low) after a record of higher
/// lows is a break, neither the bullish record nor the bearish mirror: Neutral. Before, it was
/// bearish on the latest pullback alone while bullish needed every pullback.
#[test]
fn d3_latest_break_after_higher_lows_is_neutral() {
    let mut w = anchored_zigzag(2e6, 1e6);
    let n = w.len();
    // The last 5 weeks: 3 heavy down weeks to a lower price low, then 2 quiet up weeks (the
    // pivot low confirms 2 weeks later).
    let mut px = w.close[n - 6];
    for (k, i) in (n - 5..n).enumerate() {
        let (d, v) = if k < 3 { (-6.0, 2e7) } else { (1.0, 1e6) };
        px += d;
        w.open[i] = w.close[i - 1];
        w.close[i] = px;
        w.high[i] = w.open[i].max(px) + 0.5;
        w.low[i] = w.open[i].min(px) - 0.5;
        w.volume[i] = v;
    }
    let rs = eval(w, Some(2024));
    let d3 = find(&rs, "wk_volume_trendline_support");
    assert_state(d3, State::Neutral);
    assert_eq!(d3.branch, Branch::D3BrokeLower, "{:?}", d3.evidence);
    assert!(d3.num("slope").unwrap() > 0.0);
    assert_eq!(d3.num("n_failed"), Some(1.0));
}

#[test]
fn d2_neutral_on_flat_volume_and_d3_too_few_pullbacks() {
    let n = 440;
    let mut c: Vec<f64> = (0..=330).map(|i| 150.0 - 60.0 * i as f64 / 330.0).collect();
    c.extend((331..n).map(|i| if i % 2 == 0 { 100.0 } else { 101.0 }));
    let w = bars(&fridays(n), &c, 0.5, &vec![1e6; n]);
    let rs = eval(w, None);
    let d2 = find(&rs, "wk_volume_accumulation");
    assert_state(d2, State::Neutral);
    assert!(d2.flags.contains(&Flag::AnchorAuto));
    assert_eq!(d2.branch, Branch::D2Mixed);
    let d3 = find(&rs, "wk_volume_trendline_support");
    assert_state(d3, State::Neutral);
    assert!(d3.flags.contains(&Flag::TooFewPullbacks));
}

#[test]
fn d2_unavailable_on_volume_gaps_or_recent_anchor() {
    let mut w = anchored_zigzag(2e6, 1e6);
    for i in (331..440).step_by(8) {
        w.volume[i] = 0.0;
    }
    let rs = eval(w, Some(2024));
    assert_eq!(find(&rs, "wk_volume_accumulation").reason, Some(Unavailable::VolumeGaps));
    assert_eq!(find(&rs, "wk_volume_trendline_support").reason, Some(Unavailable::VolumeGaps));
    // The 2026 low is less than 26 weeks before the last bar.
    let rs = eval(anchored_zigzag(2e6, 1e6), Some(2026));
    let d2 = find(&rs, "wk_volume_accumulation");
    assert_eq!(d2.state, State::Unavailable);
    assert!(matches!(d2.reason, Some(Unavailable::InsufficientHistory { .. })));
}

#[test]
fn d4_flip_after_long_contraction_and_other_states() {
    // Rise, a long accelerating decline (contraction), then a sharp 4-week rally.
    let mut c: Vec<f64> = (0..60).map(|i| 100.0 * 1.008f64.powi(i)).collect();
    let top = *c.last().unwrap();
    c.extend((1..=50).map(|k| top * (-0.01 * k as f64 - 0.0008 * (k * k) as f64).exp()));
    let low = *c.last().unwrap();
    c.extend((1..=4).map(|k| low * 1.04f64.powi(k)));
    let w = bars(&fridays(c.len()), &c, 0.5, &vec![1e6; c.len()]);
    let rs = eval(w, None);
    let d4 = find(&rs, "wk_momentum_wave_flip");
    assert_state(d4, State::Bullish);
    assert!(d4.num("contraction_len").unwrap() >= 8.0);
    assert!(d4.num("n_eu").unwrap() >= 2.0);
    assert!(d4.num("weeks_since_flip").unwrap() <= 12.0, "{d4:#?}");
    assert_eq!(d4.ev("faded"), Some(&Ev::YesNo { v: true }));

    // A long rise then a sharp 5-week drop: expanding downward.
    let mut c: Vec<f64> = (0..100).map(|i| 100.0 * 1.005f64.powi(i)).collect();
    let top = *c.last().unwrap();
    c.extend((1..=5).map(|k| top * 0.96f64.powi(k)));
    let rs = eval(bars(&fridays(c.len()), &c, 0.5, &vec![1e6; c.len()]), None);
    let d4 = find(&rs, "wk_momentum_wave_flip");
    assert_state(d4, State::Bearish);
    assert!(d4.num("n_ed").unwrap() >= 2.0);

    // A steady exponential rise: expanding for years, no fresh flip.
    let c: Vec<f64> = (0..150).map(|i| 100.0 * 1.01f64.powi(i)).collect();
    let rs = eval(bars(&fridays(c.len()), &c, 0.5, &vec![1e6; c.len()]), None);
    let d4 = find(&rs, "wk_momentum_wave_flip");
    assert_state(d4, State::Neutral);
}
