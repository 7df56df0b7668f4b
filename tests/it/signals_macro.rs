//! Macro and fundamentals signals (B1–B5, C1–C3) on constructed series: every state, missing,
//! stale, short history, and point in time.

use crate::common;
use crate::sig_common::said;
use chrono::Datelike;
use common::*;
use marketnote::signals::{macro_, Branch, Ev, Flag, PolicyRate, SignalResult, State, Unavailable};

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
    assert_eq!(r.state, State::Bullish, "{:?}", r.branch);
    assert!((r.num("spread").unwrap() - (4.0 - 5.33)).abs() < 1e-12);
    assert_eq!(r.branch, Branch::B1Cuts);
    let t = said(r);
    assert!(t.contains("4.00%") && t.contains("1.33 pp below fed funds at 5.33%"), "{t}");
    assert!(r.strength > 0.5);

    // 2-year half a point or more above the policy rate and not falling: no cuts priced.
    let rs = eval(
        vec![daily_series("dgs2", 130, last, |_| 5.9), daily_series("fed_funds", 130, last, |_| 5.33)],
        "2024-07-01",
    );
    let r = get(&rs, B1);
    assert_eq!(r.state, State::Bearish);
    assert_eq!(r.branch, Branch::B1Hikes);
    assert!(said(r).contains("0.57 pp above"), "{}", said(r));
    // Under half a point above with a flat 2-year: no rate path is read.
    let rs = eval(
        vec![daily_series("dgs2", 130, last, |_| 5.8), daily_series("fed_funds", 130, last, |_| 5.33)],
        "2024-07-01",
    );
    assert_eq!(get(&rs, B1).state, State::Neutral);

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
        matches!(r.ev("ff_label"), Some(Ev::PolicyRate { v: PolicyRate::MonthlyAverage(m) }) if m.year() == 2024),
        "{:?}",
        r.ev("ff_label")
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
    assert_eq!(r.num("dff"), Some(4.83), "{:?}", r.branch);
    assert!(!r.flags.contains(&Flag::PolicyRateMonthly));
    assert_eq!(r.ev("ff_label"), Some(&Ev::PolicyRate { v: PolicyRate::Daily }));
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
    assert_eq!(r.state, State::Bullish, "{:?}", r.branch);
    assert!(r.num("d3_c").unwrap() < -0.1);
    assert_eq!(r.branch, Branch::B2Cooling);
    assert_eq!(r.ev("obs_month"), Some(&Ev::Month { v: d("2024-05-01") }));
    assert!(said(r).contains("(as of May 2024)"), "{}", said(r));
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
    // Flat unemployment: steady, nothing to stabilise from (issue 11: not bullish by default).
    let rs = eval(vec![monthly_series("unrate", 36, 16, d("2024-05-01"), |_| 4.0)], "2024-07-01");
    let r = get(&rs, "macro_growth_stabilising");
    assert_eq!(r.state, State::Neutral);
    assert!(r.flags.contains(&marketnote::signals::branch::Flag::NoRecentRise), "{:?}", r.flags);
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
    assert_eq!(r.state, State::Bearish, "{:?}", r.branch);
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
    assert_eq!(r.state, State::Bullish, "{:?}", r.branch);
    assert_eq!(r.branch, Branch::B4Falling);
    assert!(said(r).contains("percentile over 5 years"));
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
    assert_eq!(r.state, State::Bullish, "{:?}", r.branch);
    assert_eq!(r.branch, Branch::B5Strong);
    assert!(said(r).contains("$180.00bn") && said(r).contains("$60.00bn"), "{}", said(r));
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
    assert_eq!(r.branch, Branch::B5Selling);
    assert!(said(r).contains("$90.00bn"), "{}", said(r));

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
    assert_eq!(r.state, State::Bullish, "{:?}", r.branch);
    assert!(r.flags.contains(&Flag::FreshTurn));
    assert_eq!(r.branch, Branch::C1FreshTurn);
    let eps = weekly("fwd_eps", 45, &|i| 100.0 - 0.3 * i as f64);
    assert_eq!(get(&eval(vec![eps], "2024-06-28"), "fund_small_cap_earnings_turn").state, State::Bearish);

    let sales = weekly("fwd_sales", 30, &|_| 50.0);
    assert_eq!(get(&eval(vec![sales], "2024-06-28"), "fund_revenue_revisions_stable").state, State::Bullish);

    let ppi = monthly_series("ppi", 45, 17, d("2024-05-01"), |i| 100.0 * 1.002f64.powi(i as i32));
    let rs = eval(vec![ppi], "2024-07-01");
    let r = get(&rs, "fund_cost_pressure_easing");
    assert_eq!(r.state, State::Bullish, "{:?}", r.branch);
    assert!(r.flags.contains(&Flag::AheMissing));
    assert_eq!(r.branch, Branch::C3Easing);
    assert!(!said(r).contains("wage"), "{}", said(r));

    // Nothing configured: every one not assessed, with the series named.
    let rs = eval(vec![], "2024-07-01");
    assert_eq!(rs.len(), 8);
    for r in &rs {
        assert_eq!(r.state, State::Unavailable);
        assert!(matches!(r.reason, Some(Unavailable::MissingInput { .. })));
    }
}

// ---- Regression: the analyst review of 2025-12-12 (token moves called as signals) ----

/// B1 on a 2-year held at `y` after moving by `mv` over its last 63 sessions, fed funds `ff`.
fn b1_at(y: f64, mv: f64, ff: f64) -> SignalResult {
    let last = d("2024-06-28");
    let rs = eval(
        vec![
            daily_series("dgs2", 130, last, |i| if i + 63 <= 129 { y - mv } else { y }),
            daily_series("dff", 130, last, |_| ff),
        ],
        "2024-07-01",
    );
    get(&rs, B1).clone()
}

#[test]
fn b1_a_token_move_on_a_quarter_point_gap_is_not_cuts_priced() {
    // 2025-12-12: 2-year 0.36 below fed funds, down 0.02 over three months.
    let r = b1_at(3.52, -0.02, 3.88);
    assert_eq!(r.state, State::Neutral);
    assert!((r.num("spread").unwrap() + 0.36).abs() < 1e-9);
    assert!((r.num("d2y_63").unwrap() + 0.02).abs() < 1e-9);
    // The same gap with the 2-year falling beyond the noise band: cuts priced.
    let r = b1_at(3.52, -0.20, 3.88);
    assert_eq!(r.state, State::Bullish);
    assert!(r.num("d2y_63").unwrap() <= -macro_::B1_MOVE_NOISE_PP);
    // A half-point gap and a flat 2-year: cuts priced; the 2-year rising takes it back.
    assert_eq!(b1_at(3.30, 0.0, 3.88).state, State::Bullish);
    assert_eq!(b1_at(3.30, 0.05, 3.88).state, State::Neutral);
    // The rule itself, at its edges.
    assert_eq!(macro_::b1_priced(-0.36, -0.02), (false, false));
    assert_eq!(macro_::b1_priced(-0.25, -0.15), (true, false));
    assert_eq!(macro_::b1_priced(0.30, 0.10), (false, false));
    assert_eq!(macro_::b1_priced(0.30, 0.15), (false, true));
    assert_eq!(macro_::b1_priced(0.0, 0.50), (false, true));
}

/// A CPI index growing `a` a month for 13 months, then `b` a month for 3.
fn cpi(id: &str, a: f64, b: f64) -> marketnote::data::MacroSeries {
    let f = move |i: usize| (1..=i).fold(300.0, |x, k| x * if k <= 13 { 1.0 + a } else { 1.0 + b });
    monthly_series(id, 45, 17, d("2024-05-01"), f)
}

#[test]
fn b2_core_and_headline_must_agree() {
    // Core cooling, headline cooling: bullish.
    let rs = eval(vec![cpi("core_cpi", 0.004, 0.001), cpi("cpi", 0.004, 0.002)], "2024-07-01");
    let r = get(&rs, "macro_inflation_cooling");
    assert_eq!(r.state, State::Bullish, "{:?}", r.branch);
    assert!(r.num("d3_c").unwrap() <= -0.10 && r.num("d3_h").unwrap() < 0.0);
    // Core cooling, headline rising (the old rule allowed up to +0.20): neutral, flagged.
    let rs = eval(vec![cpi("core_cpi", 0.004, 0.001), cpi("cpi", 0.003, 0.0035)], "2024-07-01");
    let r = get(&rs, "macro_inflation_cooling");
    assert!(r.num("d3_c").unwrap() <= -0.10 && r.num("d3_h").unwrap() > 0.0);
    assert_eq!(r.state, State::Neutral);
    assert!(r.flags.contains(&marketnote::signals::branch::Flag::CoreHeadlineDisagree), "{:?}", r.flags);
    // A token core move (the old 3-month-pace path called −0.04 cooling): neutral.
    assert_eq!(macro_::b2_reading(-0.04, -0.003, Some(0.18)), State::Neutral);
    assert_eq!(macro_::b2_reading(-0.04, -0.003, None), State::Neutral);
    // Core re-accelerating while headline falls: neutral; both rising: bearish.
    assert_eq!(macro_::b2_reading(0.30, 0.01, Some(-0.2)), State::Neutral);
    assert_eq!(macro_::b2_reading(0.30, 0.01, Some(0.2)), State::Bearish);
}

#[test]
fn b3_stabilising_means_unemployment_turned_down_after_a_rise() {
    let at = |f: fn(usize) -> f64| {
        let rs = eval(vec![monthly_series("unrate", 36, 30, d("2024-05-01"), f)], "2024-07-01");
        get(&rs, "macro_growth_stabilising").clone()
    };
    // Rose 0.8 pp over months 14–19, then came down 0.6 pp: stabilising.
    let r = at(|i| match i {
        0..=13 => 4.0,
        14..=19 => 4.0 + 0.8 * (i - 13) as f64 / 6.0,
        _ => (4.8 - 0.1 * (i - 19) as f64).max(4.2),
    });
    assert_eq!(r.state, State::Bullish, "{:?}", r.branch);
    assert!(r.num("sahm_gap_peak12").unwrap() >= macro_::B3_RISE_PP);
    assert!(r.num("u3avg_high12").unwrap() - r.num("u3avg").unwrap() >= macro_::B3_TURN_PP);
    assert!(r.num("d3_u3avg").unwrap() <= 0.0 && r.num("d3_unrate").unwrap() <= 0.0);
    // Low and falling with no earlier rise: neutral, not "stabilising".
    let r = at(|i| 5.0 - 0.03 * i as f64);
    assert_eq!(r.state, State::Neutral);
    assert!(r.flags.contains(&marketnote::signals::branch::Flag::NoRecentRise));
    // Rose and still rising: Sahm triggered, bearish.
    let r = at(|i| if i < 22 { 4.0 } else { 4.0 + 0.15 * (i - 21) as f64 });
    assert_eq!(r.state, State::Bearish);
    assert!(r.num("sahm_gap").unwrap() >= 0.5);
    // The rule: a turn needs the earlier rise, the distance from the high and no new rise.
    assert!(macro_::b3_stabilised(4.3, Some(4.45), Some(0.35), Some(-0.07), Some(-0.1)));
    assert!(!macro_::b3_stabilised(4.3, Some(4.45), Some(0.25), Some(-0.07), Some(-0.1)));
    assert!(!macro_::b3_stabilised(4.4, Some(4.45), Some(0.35), Some(-0.07), Some(-0.1)));
    assert!(!macro_::b3_stabilised(4.3, Some(4.45), Some(0.35), Some(-0.07), Some(0.1)));
}

#[test]
fn fixed_lag_release_dates_land_on_sessions_and_the_bls_calendar() {
    use marketnote::data::macros::{release_date, us_release_calendar};
    // November 2025 + 36 days is Sunday 2025-12-07: a session at least (Monday 12-08) ...
    assert_eq!(release_date(d("2025-11-01"), 36), Some(d("2025-12-08")));
    // ... and the Employment Situation comes out on a Friday, after the shutdown on 12-16.
    assert_eq!(us_release_calendar("unrate", d("2025-11-01"), d("2025-12-08")), d("2025-12-16"));
    assert_eq!(us_release_calendar("unrate", d("2025-01-01"), d("2025-02-06")), d("2025-02-07"));
    assert_eq!(us_release_calendar("core_cpi", d("2025-09-01"), d("2025-10-16")), d("2025-10-24"));
    assert_eq!(us_release_calendar("dgs2", d("2025-09-01"), d("2025-09-02")), d("2025-09-02"));
    // A daily value for a Friday counts from Monday; New Year's Day rolls to the next session.
    assert_eq!(release_date(d("2025-12-12"), 1), Some(d("2025-12-15")));
    assert_eq!(release_date(d("2019-12-31"), 1), Some(d("2020-01-02")));
}

#[test]
fn the_sample_note_uses_no_macro_value_published_after_its_date() {
    // 2025-12-12: November's unemployment rate was published on 2025-12-16 (BLS, after the
    // shutdown): the note reads September's, published 2025-11-20, and calls it usable.
    let cfg = marketnote::config::NoteConfig::load(std::path::Path::new("samples/iwm.toml")).unwrap();
    let data = marketnote::data::load(&cfg).unwrap();
    let u = data.macros.iter().find(|m| m.id == "unrate").unwrap();
    for o in &u.obs {
        use chrono::Datelike;
        assert!(o.release.weekday() == chrono::Weekday::Fri || o.period >= d("2025-09-01"), "{o:?}");
        // A weekday (the Friday rule may give Good Friday: BLS publishes on it, NYSE is shut).
        assert!(o.release.weekday().num_days_from_monday() < 5, "{o:?}");
    }
    let a = marketnote::analyze(&cfg, data, Some(d("2025-12-12"))).unwrap();
    let b3 = a.signals.iter().find(|s| s.id == "macro_growth_stabilising").unwrap();
    assert_eq!(b3.as_of, Some(d("2025-09-01")), "{:?}", b3.reason);
    assert_ne!(b3.state, State::Unavailable);
}

/// A sharp four-week move of the 2-year (0.50 points or more in 20 readings) is the market
/// repricing the policy path now, read whether or not the monthly policy rate is stale (2020-03:
/// the 2-year fell about a point around the emergency cuts while February's average was the
/// latest fed funds figure). A smaller move with a stale rate stays unassessed.
#[test]
fn b1_a_sharp_four_week_move_is_read_even_with_a_stale_policy_rate() {
    let last = d("2024-06-28");
    // Flat at 1.5, then down 1.0 over the last 20 readings; fed funds is the April average
    // (two months old on 2024-07-01: stale).
    let falling = |i: usize| if i < 110 { 1.5 } else { 1.5 - (i - 109) as f64 * 0.05 };
    let rs = eval(
        vec![
            daily_series("dgs2", 130, last, falling),
            monthly_series("fed_funds", 32, 12, d("2024-04-01"), |_| 1.58),
        ],
        "2024-07-01",
    );
    let r = get(&rs, B1);
    assert_eq!((r.state, r.branch), (State::Bullish, Branch::B1SharpMove), "{:?}", r.reason);
    assert!((r.num("d2y_20").unwrap() + 1.0).abs() < 1e-9);
    assert!(r.flags.contains(&Flag::PolicyRateStale));
    assert!(said(r).contains("pricing rate cuts now"), "{}", said(r));
    // The mirror: a sharp rise prices tighter policy.
    let rising = |i: usize| if i < 110 { 1.5 } else { 1.5 + (i - 109) as f64 * 0.03 };
    let rs = eval(
        vec![
            daily_series("dgs2", 130, last, rising),
            monthly_series("fed_funds", 32, 12, d("2024-04-01"), |_| 1.58),
        ],
        "2024-07-01",
    );
    assert_eq!((get(&rs, B1).state, get(&rs, B1).branch), (State::Bearish, Branch::B1SharpMove));
    // Just under the mark with a stale rate: not assessed, as before.
    let mild = |i: usize| if i < 110 { 1.5 } else { 1.5 - (i - 109) as f64 * 0.024 };
    let rs = eval(
        vec![
            daily_series("dgs2", 130, last, mild),
            monthly_series("fed_funds", 32, 12, d("2024-04-01"), |_| 1.58),
        ],
        "2024-07-01",
    );
    assert_eq!(get(&rs, B1).state, State::Unavailable, "{:?}", get(&rs, B1).branch);
}
