//! Macro and fundamentals signals (B1–B5, C1–C3) on constructed series: every state, missing,
//! stale, short history, and point in time.

use crate::common;
use common::*;
use marketnote::signals::{macro_, Flag, SignalResult, State, Unavailable};

fn get<'a>(rs: &'a [SignalResult], id: &str) -> &'a SignalResult {
    rs.iter().find(|r| r.id == id).unwrap()
}

fn eval(macros: Vec<marketnote::data::MacroSeries>, as_of: &str) -> Vec<SignalResult> {
    let o = Owned::macros(macros, d(as_of));
    macro_::evaluate(&o.input())
}

const B1: &str = "macro_rate_cut_expectations";

#[test]
fn b1_states() {
    let last = d("2024-06-28");
    // 2-year falls from 5.0 to 4.0; fed funds 5.33 daily: pricing cuts.
    let rs = eval(
        vec![
            daily_series("dgs2", 130, last, |i| 5.0 - i as f64 / 129.0),
            daily_series("fed_funds", 130, last, |_| 5.33),
        ],
        "2024-07-01",
    );
    let r = get(&rs, B1);
    assert_eq!(r.state, State::Bullish, "{}", r.sentence);
    assert!((r.num("spread").unwrap() - (4.0 - 5.33)).abs() < 1e-12);
    assert!(
        r.sentence.contains("4.00%") && r.sentence.contains("1.33 pp below fed funds at 5.33%"),
        "{}",
        r.sentence
    );
    assert!(r.strength > 0.5);

    // 2-year above the policy rate: no cuts priced.
    let rs = eval(
        vec![daily_series("dgs2", 130, last, |_| 5.8), daily_series("fed_funds", 130, last, |_| 5.33)],
        "2024-07-01",
    );
    let r = get(&rs, B1);
    assert_eq!(r.state, State::Bearish);
    assert!(r.sentence.contains("0.47 pp above"), "{}", r.sentence);

    // Flat.
    let rs = eval(
        vec![daily_series("dgs2", 130, last, |_| 5.3), daily_series("fed_funds", 130, last, |_| 5.33)],
        "2024-07-01",
    );
    assert_eq!(get(&rs, B1).state, State::Neutral);
    assert_eq!(get(&rs, B1).strength, 0.0);
}

#[test]
fn b1_monthly_policy_rate_is_labelled() {
    let rs = eval(
        vec![
            daily_series("dgs2", 130, d("2024-06-28"), |_| 4.0),
            monthly_series("fed_funds", 32, 12, d("2024-05-01"), |_| 5.33),
        ],
        "2024-07-01",
    );
    let r = get(&rs, B1);
    // The monthly value names its month (issue 11: a stale average must not read as today's rate).
    assert!(
        r.sentence.contains("fed funds (the ") && r.sentence.contains(" 2024 average)"),
        "{}",
        r.sentence
    );
    assert!(r.flags.contains(&Flag::PolicyRateMonthly));
}

#[test]
fn b1_prefers_a_daily_policy_rate_when_both_are_configured() {
    let rs = eval(
        vec![
            daily_series("dgs2", 130, d("2024-06-28"), |_| 4.0),
            monthly_series("fed_funds", 32, 12, d("2024-05-01"), |_| 5.33),
            daily_series("dff", 130, d("2024-06-28"), |_| 4.83),
        ],
        "2024-07-01",
    );
    let r = get(&rs, B1);
    assert_eq!(r.num("dff"), Some(4.83), "{}", r.sentence);
    assert!(!r.flags.contains(&Flag::PolicyRateMonthly));
    assert!(!r.sentence.contains("average"), "{}", r.sentence);
}

#[test]
fn b1_unavailable_missing_stale_short() {
    let last = d("2024-06-28");
    let rs = eval(vec![daily_series("dgs2", 130, last, |_| 4.0)], "2024-07-01");
    assert!(matches!(get(&rs, B1).reason, Some(Unavailable::MissingInput { ref input }) if input == "dff"));
    assert_eq!(get(&rs, B1).state, State::Unavailable);

    let rs = eval(
        vec![daily_series("dgs2", 130, last, |_| 4.0), daily_series("fed_funds", 130, last, |_| 5.0)],
        "2024-08-01",
    );
    assert!(matches!(get(&rs, B1).reason, Some(Unavailable::Stale { .. })), "{:?}", get(&rs, B1).reason);
    assert_eq!(get(&rs, B1).state, State::Unavailable);

    let rs = eval(
        vec![daily_series("dgs2", 40, last, |_| 4.0), daily_series("fed_funds", 130, last, |_| 5.0)],
        "2024-07-01",
    );
    assert!(matches!(get(&rs, B1).reason, Some(Unavailable::InsufficientHistory { need: 64, have: 40 })));
}

#[test]
fn point_in_time_ignores_unreleased_observations() {
    let last = d("2024-06-28");
    let base = vec![
        daily_series("dgs2", 130, last, |i| 5.0 - i as f64 / 129.0),
        daily_series("fed_funds", 130, last, |_| 5.33),
    ];
    let a = eval(base.clone(), "2024-07-01");
    let mut later = base;
    // An observation for 2024-07-01 is released on 2024-07-02: invisible on 2024-07-01.
    later[0].obs.push(marketnote::data::MacroObs {
        period: d("2024-07-01"),
        release: d("2024-07-02"),
        value: 9.0,
    });
    let b = eval(later, "2024-07-01");
    assert_eq!(a, b);
}

#[test]
fn b2_inflation_states_and_missing_month() {
    // Core CPI +0.4%/month for 13 months, then +0.1%/month for 3: cooling.
    let f = |i: usize| {
        let mut x = 300.0;
        for k in 1..=i {
            x *= if k <= 13 { 1.004 } else { 1.001 };
        }
        x
    };
    let core = monthly_series("core_cpi", 45, 17, d("2024-05-01"), f);
    let rs = eval(vec![core.clone()], "2024-07-01");
    let r = get(&rs, "macro_inflation_cooling");
    assert_eq!(r.state, State::Bullish, "{}", r.sentence);
    assert!(r.num("d3_c").unwrap() < -0.1);
    assert!(r.sentence.contains("May 2024"), "{}", r.sentence);
    assert!(r.flags.contains(&Flag::HeadlineMissing));

    // Re-accelerating: +0.1%/month then +0.5%/month.
    let g = |i: usize| {
        let mut x = 300.0;
        for k in 1..=i {
            x *= if k <= 13 { 1.001 } else { 1.005 };
        }
        x
    };
    let rs = eval(vec![monthly_series("core_cpi", 45, 17, d("2024-05-01"), g)], "2024-07-01");
    assert_eq!(get(&rs, "macro_inflation_cooling").state, State::Bearish);

    // Steady 0.25%/month: neutral.
    let rs = eval(
        vec![monthly_series("core_cpi", 45, 17, d("2024-05-01"), |i| 300.0 * 1.0025f64.powi(i as i32))],
        "2024-07-01",
    );
    assert_eq!(get(&rs, "macro_inflation_cooling").state, State::Neutral);

    // May 2024 not yet released on 2024-06-10 (lag 45): April is the latest, still fresh.
    let rs = eval(vec![core.clone()], "2024-06-10");
    assert_eq!(get(&rs, "macro_inflation_cooling").as_of, Some(d("2024-04-01")));

    // A month never published (like October 2025) that the YoY needs: named, not guessed.
    let mut gap = core;
    gap.obs.retain(|o| o.period != d("2023-05-01"));
    let rs = eval(vec![gap], "2024-07-01");
    let r = get(&rs, "macro_inflation_cooling");
    assert!(matches!(r.reason, Some(Unavailable::MissingObservation { .. })), "{:?}", r.reason);
    assert!(
        matches!(r.reason, Some(Unavailable::MissingObservation { period, .. }) if period == d("2023-05-01")),
        "{:?}",
        r.reason
    );
}

#[test]
fn b3_sahm_states() {
    let rs = eval(vec![monthly_series("unrate", 36, 16, d("2024-05-01"), |_| 4.0)], "2024-07-01");
    let r = get(&rs, "macro_growth_stabilising");
    assert_eq!(r.state, State::Bullish);
    assert_eq!(r.strength, 1.0);
    // Unemployment up 1 pp over the last 4 months: Sahm triggered.
    let rs = eval(
        vec![monthly_series("unrate", 36, 16, d("2024-05-01"), |i| {
            if i < 12 {
                4.0
            } else {
                4.0 + 0.25 * (i - 11) as f64
            }
        })],
        "2024-07-01",
    );
    let r = get(&rs, "macro_growth_stabilising");
    assert_eq!(r.state, State::Bearish, "{}", r.sentence);
    assert!(r.num("sahm_gap").unwrap() >= 0.5);
    // Gap in [0.30, 0.50): neutral.
    let rs = eval(
        vec![monthly_series("unrate", 36, 16, d("2024-05-01"), |i| if i < 13 { 4.0 } else { 4.4 })],
        "2024-07-01",
    );
    assert_eq!(get(&rs, "macro_growth_stabilising").state, State::Neutral);
    // Stale: last observation long before as_of.
    let rs = eval(vec![monthly_series("unrate", 36, 16, d("2023-05-01"), |_| 4.0)], "2024-07-01");
    assert!(matches!(get(&rs, "macro_growth_stabilising").reason, Some(Unavailable::Stale { .. })));
}

#[test]
fn b4_financing_states() {
    let last = d("2024-06-28");
    // OAS from 6.0 to 3.0 over 5 years (low percentile), 2-year falling.
    let oas = daily_series("hy_oas", 1300, last, |i| 6.0 - 3.0 * i as f64 / 1299.0);
    let rs = eval(vec![oas, daily_series("dgs2", 130, last, |i| 5.0 - i as f64 / 129.0)], "2024-07-01");
    let r = get(&rs, "macro_financing_costs_falling");
    assert_eq!(r.state, State::Bullish, "{}", r.sentence);
    assert!(r.sentence.contains("percentile over 5 years"));
    // OAS jumping 1 pp: tightening.
    let oas = daily_series("hy_oas", 1300, last, |i| if i > 1250 { 5.0 } else { 4.0 });
    let rs = eval(vec![oas, daily_series("dgs2", 130, last, |_| 4.0)], "2024-07-01");
    assert_eq!(get(&rs, "macro_financing_costs_falling").state, State::Bearish);
    // Too short for the 5-year percentile.
    let rs = eval(
        vec![daily_series("hy_oas", 200, last, |_| 4.0), daily_series("dgs2", 130, last, |_| 4.0)],
        "2024-07-01",
    );
    assert!(matches!(
        get(&rs, "macro_financing_costs_falling").reason,
        Some(Unavailable::InsufficientHistory { .. })
    ));
}

#[test]
fn b5_and_fundamentals() {
    let rs = eval(
        vec![monthly_series("foreign_flows", 80, 30, d("2024-03-01"), |i| if i >= 27 { 60.0 } else { 20.0 })],
        "2024-06-28",
    );
    let r = get(&rs, "macro_foreign_flows");
    assert_eq!(r.state, State::Bullish, "{}", r.sentence);
    assert!(r.sentence.contains("$180.00bn") && r.sentence.contains("$60.00bn"), "{}", r.sentence);
    let rs = eval(
        vec![monthly_series(
            "foreign_flows",
            80,
            30,
            d("2024-03-01"),
            |i| if i >= 27 { -30.0 } else { 20.0 },
        )],
        "2024-06-28",
    );
    let r = get(&rs, "macro_foreign_flows");
    assert_eq!(r.state, State::Bearish);
    assert!(r.sentence.contains("$90.00bn"), "{}", r.sentence);

    // Weekly EPS: falls 5% over 20 weeks then rises 3% over 13: a fresh turn.
    let weekly = |id: &str, n: usize, f: &dyn Fn(usize) -> f64| {
        let last = d("2024-06-28");
        let obs: Vec<_> =
            (0..n).map(|i| (last - chrono::Duration::weeks((n - 1 - i) as i64), f(i))).collect();
        series(id, 0, &obs)
    };
    let eps = weekly("fwd_eps", 45, &|i| {
        if i < 32 {
            100.0 - 0.25 * i as f64
        } else {
            92.25 + 0.25 * (i - 31) as f64
        }
    });
    let rs = eval(vec![eps], "2024-06-28");
    let r = get(&rs, "fund_small_cap_earnings_turn");
    assert_eq!(r.state, State::Bullish, "{}", r.sentence);
    assert!(r.flags.contains(&Flag::FreshTurn));
    let eps = weekly("fwd_eps", 45, &|i| 100.0 - 0.3 * i as f64);
    assert_eq!(get(&eval(vec![eps], "2024-06-28"), "fund_small_cap_earnings_turn").state, State::Bearish);

    let sales = weekly("fwd_sales", 30, &|_| 50.0);
    assert_eq!(get(&eval(vec![sales], "2024-06-28"), "fund_revenue_revisions_stable").state, State::Bullish);

    let ppi = monthly_series("ppi", 45, 17, d("2024-05-01"), |i| 100.0 * 1.002f64.powi(i as i32));
    let rs = eval(vec![ppi], "2024-07-01");
    let r = get(&rs, "fund_cost_pressure_easing");
    assert_eq!(r.state, State::Bullish, "{}", r.sentence);
    assert!(r.flags.contains(&Flag::AheMissing));

    // Nothing configured: every one not assessed, with the series named.
    let rs = eval(vec![], "2024-07-01");
    assert_eq!(rs.len(), 8);
    for r in &rs {
        assert_eq!(r.state, State::Unavailable);
        assert!(matches!(r.reason, Some(Unavailable::MissingInput { .. })));
    }
}
