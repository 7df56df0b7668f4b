//! A hand-built [`Analysis`] and fake charts (no files read) for tests and benches of the report
//! layer: every signal family in every state the note must phrase, a stance, a checklist and
//! invalidation levels. Not used by the pipeline.

use crate::chart::Chart;
use crate::config::{InstrumentConfig, NoteConfig, OutputConfig, SignalParams};
use crate::data::{Bar, Bars, Dataset, FileReport, Instrument, MacroObs, MacroSeries, Transform, Warning};
use crate::resample::{Resampled, Timeframe};
use crate::signals::stance::{
    Checklist, ChecklistItem, Contribution, Conviction, Invalidation, InvalidationBasis, LevelStatus, Stance,
    StanceKind, Tick, Trigger,
};
use crate::signals::{Ev, SignalResult, State, Unavailable, Unit};
use crate::Analysis;
use chrono::{Days, NaiveDate};
use std::path::PathBuf;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid demo date")
}

fn bars(start: NaiveDate, n: usize, step: u64, base: f64) -> Bars {
    let mut b = Bars::with_capacity(n, false);
    for i in 0..n {
        let c = base + (i as f64 * 0.37).sin() * 4.0 + i as f64 * 0.05;
        b.push(Bar {
            date: start + Days::new(i as u64 * step),
            open: c - 0.5,
            high: c + 1.5,
            low: c - 1.8,
            close: c,
            volume: 30e6 + (i % 7) as f64 * 1e6,
            adj_close: None,
        });
    }
    b
}

#[allow(clippy::too_many_arguments)]
fn sig(
    id: &'static str,
    group: &'static str,
    claim: &'static str,
    tf: Timeframe,
    state: State,
    strength: f64,
    template: &str,
    ev: Vec<(&'static str, Ev)>,
) -> SignalResult {
    let mut s = SignalResult::new(id, group, claim, tf, Some(d(2025, 11, 28)));
    for (k, v) in ev {
        s.push(k, v);
    }
    let mut s = s.conclude(state, strength, crate::signals::Branch::None);
    s.sentence = crate::narrative::format::fill(template, &s.evidence);
    s
}

fn num(v: f64, unit: Unit) -> Ev {
    Ev::Num { v, unit }
}

fn missing(
    id: &'static str,
    group: &'static str,
    claim: &'static str,
    tf: Timeframe,
    input: &str,
) -> SignalResult {
    SignalResult::unavailable(id, group, claim, tf, None, Unavailable::MissingInput { input: input.into() })
}

/// The demo signals: a constructive weekly and daily picture, a mixed 3-day, macro partly
/// configured, fundamentals absent.
pub fn signals() -> Vec<SignalResult> {
    use Timeframe::*;
    use Unit::*;
    vec![
        sig("rs_small_cap_lag_ending", "thesis_rs", "small caps lagged large caps and that phase is ending", Weekly, State::Bullish, 0.62,
            "IWM lost {lag104:abs} against SPY over two years, but the ratio is {rebound} off its {low_date} low and has held above its 30-week average for {weeks_above_sma30} weeks, so the lagging phase is ending.",
            vec![("lag104", num(-0.214, Pct)), ("rebound", num(0.062, Pct)), ("low_date", Ev::Date { v: d(2025, 4, 4) }), ("weeks_above_sma30", num(9.0, Count))]),
        sig("rs_cap_ladder_rotation", "thesis_rs", "capital rotates down the market-cap ladder", Weekly, State::Neutral, 0.0,
            "There is no clear rotation down the cap ladder yet.", vec![]),
        sig("rs_large_cap_wave_complete", "thesis_rs", "large caps completed their wave, small caps have not", Weekly, State::Neutral, 0.0,
            "The large-to-small handoff is incomplete ({lean}).", vec![("lean", Ev::Text { v: "SPY wave faded; IWM wave not yet early".into() })]),
        sig("macro_rate_cut_expectations", "macro", "rate cuts expected", Daily, State::Bullish, 0.55,
            "The 2-year ({dgs2}%) sits {spread:abs} pp below fed funds ({dff}%) after a {d2y_63} pp fall in three months, so the market is pricing cuts.",
            vec![("dgs2", num(3.48, Price)), ("spread", num(-0.40, Pp)), ("dff", num(3.88, Price)), ("d2y_63", num(-0.21, Pp))]),
        sig("macro_inflation_cooling", "macro", "inflation cools", Monthly, State::Neutral, 0.0,
            "Inflation is flat at {yoy_c} core YoY.", vec![("yoy_c", num(0.030, Pct))]),
        sig("macro_growth_stabilising", "macro", "growth stabilises", Monthly, State::Bullish, 0.5,
            "Growth is stabilising: the Sahm gap is {sahm_gap} pp against the 0.50 recession trigger.", vec![("sahm_gap", num(0.17, Pp))]),
        sig("macro_financing_costs_falling", "macro", "financing costs fall", Daily, State::Bullish, 0.4,
            "Financing costs are falling: HY spreads moved {d_oas_63} pp over 3 months to {oas}% ({oas_pct5y:pctile} percentile over 5 years) and the 2-year {d2y_63} pp, which matters most for leveraged, short-maturity small-cap balance sheets.",
            vec![("d_oas_63", num(-0.22, Pp)), ("oas", num(3.05, Price)), ("oas_pct5y", num(0.14, Ratio)), ("d2y_63", num(-0.21, Pp))]),
        missing("macro_foreign_flows", "macro", "foreign investment flows into the US are strong", Monthly, "foreign_flows"),
        missing("fund_small_cap_earnings_turn", "fundamentals", "forward earnings estimates turned higher", Weekly, "fwd_eps"),
        missing("fund_revenue_revisions_stable", "fundamentals", "revenue revisions stabilised", Weekly, "fwd_sales"),
        missing("fund_cost_pressure_easing", "fundamentals", "cost pressure is easing", Monthly, "ppi"),
        sig("wk_compression_cluster_reclaim", "weekly", "price reclaims the cluster of prior compression bands", Weekly, State::Bullish, 0.71,
            "IWM has closed above the entire cluster of {n_bands} weekly compression bands ({bottom}–{top}) in {closes_above} of {n_since} weeks since {reclaim_date}, {strong_above} of them strong candles; after {prior_below} weeks below, this is a reclaim, not a bounce.",
            vec![("n_bands", num(3.0, Count)), ("bottom", num(196.2, Price)), ("top", num(243.7, Price)), ("closes_above", num(4.0, Count)), ("n_since", num(6.0, Count)), ("reclaim_date", Ev::Date { v: d(2025, 10, 17) }), ("strong_above", num(2.0, Count)), ("prior_below", num(14.0, Count))]),
        sig("wk_volume_accumulation", "weekly", "persistent accumulation since the low", Weekly, State::Bullish, 0.58,
            "Weekly OBV is up {obv_rel_n} weeks of average volume since the {anchor_date} low; up-week volume is {udv}× down-week volume, OBV rose in {persist} of 13-week windows, and weekly volume trended {vol_trend} over the year.",
            vec![("obv_rel_n", num(7.4, Atr)), ("anchor_date", Ev::Date { v: d(2024, 8, 5) }), ("udv", num(1.31, Ratio)), ("persist", num(0.68, Pct)), ("vol_trend", num(0.019, Pct))]),
        sig("wk_volume_trendline_support", "weekly", "the volume trendline confirms demand through every pullback", Weekly, State::Neutral, 0.0,
            "Too few weekly pullbacks to test the volume trendline.", vec![]),
        sig("wk_momentum_wave_flip", "weekly", "weekly momentum flipped from contraction to expansion", Weekly, State::Bullish, 0.66,
            "Weekly momentum flipped into expansion on {flip_date} after {contraction_len} weeks of contraction; {n_eu} of the last 3 histogram waves are expanding upward (weekly RSI {rsi}).",
            vec![("flip_date", Ev::Date { v: d(2025, 10, 24) }), ("contraction_len", num(23.0, Count)), ("n_eu", num(3.0, Count)), ("rsi", num(61.2, Price))]),
        sig("d3_consolidation_hold", "three_day", "price holds above its prior consolidation zone", ThreeDay, State::Bullish, 0.5,
            "On the 3-day chart IWM has closed above its {zone_start}–{zone_end} consolidation ({zlo}–{ztop}) on all {n} bars since {breakout_date}, never undercutting by more than {undercut} ATR.",
            vec![("zone_start", Ev::Date { v: d(2025, 7, 2) }), ("zone_end", Ev::Date { v: d(2025, 8, 20) }), ("zlo", num(228.4, Price)), ("ztop", num(236.9, Price)), ("n", num(7.0, Count)), ("breakout_date", Ev::Date { v: d(2025, 10, 1) }), ("undercut", num(0.21, Atr))]),
        sig("d3_higher_dip_absorption", "three_day", "each dip is absorbed at a higher level", ThreeDay, State::Neutral, 0.0,
            "Not enough 3-day dips yet to judge absorption.", vec![]),
        sig("d3_volume_trend", "three_day", "3-day volume trends upward", ThreeDay, State::Bearish, 0.3,
            "Rising volume is coming on down bars (up/down {udv20}).", vec![("udv20", num(0.74, Ratio))]),
        sig("d3_momentum_mirror", "three_day", "3-day momentum mirrors the weekly", ThreeDay, State::Bullish, 0.45,
            "3-day momentum mirrors the weekly: the downside trough of {trough_date} faded over {fade_bars} bars and the histogram has expanded upward for {rising} bars.",
            vec![("trough_date", Ev::Date { v: d(2025, 9, 12) }), ("fade_bars", num(5.0, Count)), ("rising", num(3.0, Count))]),
        sig("d1_stacked_level_reclaim", "daily", "price reclaimed stacked levels in one impulsive leg", Daily, State::Bullish, 0.6,
            "In one {leg_days}-session leg from {s_date} ({leg_pct}, {leg_atr} ATR) IWM reclaimed {n_reclaimed} stacked levels ({levels}) and still holds {n_held}.",
            vec![("leg_days", num(7.0, Count)), ("s_date", Ev::Date { v: d(2025, 11, 12) }), ("leg_pct", num(0.048, Pct)), ("leg_atr", num(3.9, Atr)), ("n_reclaimed", num(3.0, Count)), ("levels", Ev::Text { v: "SMA200 232.80, swing high 238.90 of 2025-09-16, volume node 241.50".into() }), ("n_held", num(3.0, Count))]),
        sig("d1_volume_thrust", "daily", "one of the heaviest volume days in over a year", Daily, State::Bullish, 0.5,
            "On {date} ({ret}) IWM traded {vol}M shares, the #{rank} heaviest of 252 sessions ({since_bigger} sessions since a bigger day).",
            vec![("date", Ev::Date { v: d(2025, 11, 21) }), ("ret", num(0.027, Pct)), ("vol", num(48.2e6, Shares)), ("rank", num(3.0, Count)), ("since_bigger", num(148.0, Count))]),
        sig("d1_shallow_pullbacks", "daily", "pullbacks are shallow and bought", Daily, State::Bullish, 0.5,
            "Daily pullbacks have been shallow: {n} dips averaging {avg_retrace} of the advance (at most {max_depth_atr} ATR), each recovering half its loss within {max_recov} sessions.",
            vec![("n", num(2.0, Count)), ("avg_retrace", num(0.21, Pct)), ("max_depth_atr", num(0.9, Atr)), ("max_recov", num(2.0, Count))]),
        sig("d1_no_distribution", "daily", "no signs of distribution", Daily, State::Bullish, 0.66,
            "No distribution on the daily: {active} distribution days in the last 25 sessions and no high-volume reversal.", vec![("active", num(1.0, Count))]),
        sig("risk_lower_high", "risk", "a lower high", Daily, State::Neutral, 0.0,
            "A potential lower high is forming under {H_last}; a close below {Lmid} confirms it.", vec![("H_last", num(251.8, Price)), ("Lmid", num(240.1, Price))]),
        sig("risk_obv_underside_retest_fail", "risk", "OBV failing its underside retest", Daily, State::Bullish, 0.4,
            "OBV remains above its rising support (pivot lows {p1_date}, {p2_date}), {dist} average days of volume above the line.",
            vec![("p1_date", Ev::Date { v: d(2025, 10, 10) }), ("p2_date", Ev::Date { v: d(2025, 11, 6) }), ("dist", num(2.3, Atr))]),
    ]
}

/// A stance consistent with [`signals`] (contributions computed with the SIGNALS.md §5 weights).
pub fn stance(signals: &[SignalResult]) -> Stance {
    let weights = [
        ("thesis_rs", 0.15),
        ("macro", 0.15),
        ("fundamentals", 0.10),
        ("weekly", 0.25),
        ("three_day", 0.12),
        ("daily", 0.15),
        ("risk", 0.08),
    ];
    let avail = |g: &str| signals.iter().filter(|s| s.group == g && s.state != State::Unavailable).count();
    let wsum: f64 = weights.iter().filter(|(g, _)| avail(g) > 0).map(|(_, w)| w).sum();
    let contributions: Vec<Contribution> = signals
        .iter()
        .map(|s| {
            let w = weights.iter().find(|(g, _)| *g == s.group).map_or(0.0, |x| x.1);
            let n = avail(s.group).max(1) as f64;
            let weight = if s.state == State::Unavailable { 0.0 } else { w / n / wsum };
            Contribution {
                id: s.id,
                group: s.group,
                state: s.state,
                strength: s.strength,
                weight,
                contribution: weight * s.state.direction() * s.strength,
            }
        })
        .collect();
    let score: f64 = contributions.iter().map(|c| c.contribution).sum();
    let groups = weights
        .iter()
        .map(|(g, _)| {
            let xs: Vec<f64> = signals
                .iter()
                .filter(|s| s.group == *g && s.state != State::Unavailable)
                .map(|s| s.state.direction() * s.strength)
                .collect();
            (g.to_string(), (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64))
        })
        .collect();
    Stance {
        stance: if score >= 0.2 {
            StanceKind::Long
        } else if score <= -0.2 {
            StanceKind::Short
        } else {
            StanceKind::Neutral
        },
        conviction: if score.abs() < 0.35 { Conviction::Moderate } else { Conviction::High },
        score,
        coverage: 0.9,
        contributions,
        groups,
        overrides: Vec::new(),
        reasons: Vec::new(),
        flags: Vec::new(),
        watch: None,
        record: None,
        record_off: None,
        invalidation: vec![
            Invalidation {
                label: "weekly compression cluster top".into(),
                value: 243.7,
                basis: InvalidationBasis::WeeklyClose,
                signal: "wk_compression_cluster_reclaim",
                trigger: Trigger::CloseBelow,
                side: StanceKind::Long,
                status: LevelStatus::Holding,
                triggered_on: None,
                last_close: None,
            },
            Invalidation {
                label: "3-day consolidation zone top".into(),
                value: 236.9,
                basis: InvalidationBasis::ThreeDayClose,
                signal: "d3_consolidation_hold",
                trigger: Trigger::CloseBelow,
                side: StanceKind::Long,
                status: LevelStatus::Holding,
                triggered_on: None,
                last_close: None,
            },
            Invalidation {
                label: "daily swing low between the last two highs".into(),
                value: 240.1,
                basis: InvalidationBasis::DailyClose,
                signal: "risk_lower_high",
                trigger: Trigger::CloseBelow,
                side: StanceKind::Long,
                status: LevelStatus::Holding,
                triggered_on: None,
                last_close: None,
            },
            Invalidation {
                label: "OBV support line".into(),
                value: 1.234e9,
                basis: InvalidationBasis::Obv,
                signal: "risk_obv_underside_retest_fail",
                trigger: Trigger::CloseBelow,
                side: StanceKind::Long,
                status: LevelStatus::Holding,
                triggered_on: None,
                last_close: None,
            },
        ],
    }
}

/// A checklist consistent with [`signals`].
pub fn checklist() -> Checklist {
    let item = |title: &str, tick, signals: Vec<&'static str>, detail: &str| ChecklistItem {
        title: title.into(),
        tick,
        signals,
        detail: detail.into(),
    };
    Checklist {
        header: "Structure partial (2/4; failing: Persistent accumulation on volume)".into(),
        n_pass: 2,
        short: false,
        items: vec![
            item(
                "Reclaims across all higher timeframes",
                Tick::Pass,
                vec!["wk_compression_cluster_reclaim", "d3_consolidation_hold", "d1_stacked_level_reclaim"],
                "weekly, 3-day and daily all bullish",
            ),
            item(
                "Expanding momentum after a long contraction",
                Tick::Pass,
                vec!["wk_momentum_wave_flip", "d3_momentum_mirror"],
                "3 of 3 weekly waves expanding after 23 weeks; 3-day mirrors",
            ),
            item(
                "Persistent accumulation on volume",
                Tick::Partial,
                vec!["wk_volume_accumulation", "wk_volume_trendline_support", "d3_volume_trend"],
                "weekly OBV rising; trendline untested; 3-day volume on down bars",
            ),
            item(
                "No distribution signals on the daily",
                Tick::Pass,
                vec!["d1_no_distribution"],
                "1 distribution day in 25 sessions",
            ),
        ],
    }
}

/// A complete demo analysis for `symbol` (the symbol may be hostile: tests inject markup).
pub fn analysis(symbol: &str) -> Analysis {
    let daily = bars(d(2023, 1, 2), 720, 1, 230.0);
    let weekly = bars(d(2020, 1, 3), 300, 7, 200.0);
    let three = bars(d(2023, 1, 4), 240, 3, 230.0);
    let resampled = |b: &Bars| Resampled { bars: b.clone(), partial: None };
    let signals = signals();
    let stance = stance(&signals);
    let inst_cfg = InstrumentConfig {
        symbol: symbol.into(),
        name: Some("iShares Russell 2000 ETF".into()),
        bars: "data/IWM.csv".into(),
        adjust: false,
        role: Some("small caps".into()),
        ..Default::default()
    };
    let config = NoteConfig {
        title: Some("Are Small Caps Entering Their Next Expansion Phase?".into()),
        as_of: None,
        size_pair: true,
        instrument: inst_cfg,
        benchmark: Some(InstrumentConfig {
            symbol: "SPY".into(),
            name: None,
            bars: "data/SPY.csv".into(),
            adjust: false,
            role: Some("large caps".into()),
            ..Default::default()
        }),
        mid_cap: None,
        macros: Vec::new(),
        output: OutputConfig::default(),
        signals: SignalParams::default(),
        site: Default::default(),
        benchmark_is_instrument: false,
        base_dir: PathBuf::from("/notes"),
        path: PathBuf::from("/notes/iwm.toml"),
    };
    let fed = MacroSeries {
        id: "fed_funds".into(),
        label: "Fed funds rate".into(),
        transform: Transform::Level,
        supportive_when: Some(crate::data::Direction::Falling),
        release_lag_days: 32,
        obs: vec![
            MacroObs { period: d(2025, 9, 1), release: d(2025, 10, 3), value: 4.22 },
            MacroObs { period: d(2025, 10, 1), release: d(2025, 11, 2), value: 4.09 },
            MacroObs { period: d(2025, 11, 1), release: d(2025, 12, 3), value: 3.88 },
        ],
    };
    let cpi = MacroSeries {
        id: "cpi".into(),
        label: "CPI, all items".into(),
        transform: Transform::Yoy,
        supportive_when: Some(crate::data::Direction::Falling),
        release_lag_days: 45,
        obs: vec![
            MacroObs { period: d(2024, 9, 1), release: d(2024, 10, 16), value: 315.3 },
            MacroObs { period: d(2025, 9, 1), release: d(2025, 10, 16), value: 324.4 },
        ],
    };
    let report = |role: &str, file: &str, rows, first, last, warnings| FileReport {
        role: role.into(),
        path: PathBuf::from("/notes/data").join(file),
        format: "yahoo".into(),
        rows,
        first: Some(first),
        last: Some(last),
        sha256: format!("{:064x}", rows * 7919),
        bytes: rows as u64 * 52,
        warnings,
    };
    let dataset = Dataset {
        instrument: Instrument {
            symbol: symbol.into(),
            name: "iShares Russell 2000 ETF".into(),
            bars: daily.clone(),
        },
        benchmark: Some(Instrument {
            symbol: "SPY".into(),
            name: "SPDR S&P 500 ETF".into(),
            bars: daily.clone(),
        }),
        mid_cap: None,
        macros: vec![fed, cpi],
        quality: vec![
            report(
                "instrument",
                "IWM.csv",
                6417,
                d(2000, 5, 26),
                d(2025, 11, 28),
                vec![Warning { line: Some(812), message: "zero volume".into() }],
            ),
            report("benchmark", "SPY.csv", 8250, d(1993, 1, 29), d(2025, 11, 28), Vec::new()),
            report("macro:fed_funds", "FEDFUNDS.csv", 857, d(1954, 7, 1), d(2025, 11, 1), Vec::new()),
        ],
    };
    let as_of = *daily.date.last().expect("demo bars");
    Analysis {
        config,
        dataset,
        as_of,
        daily: daily.clone(),
        weekly: resampled(&weekly),
        three_day: [resampled(&three), resampled(&three), resampled(&three)],
        monthly: resampled(&weekly),
        bench_daily: Some(daily.clone()),
        bench_weekly: Some(resampled(&weekly)),
        mid_weekly: None,
        signals,
        stance,
        checklist: checklist(),
        base_rates: Vec::new(),
        track_record: None,
        since_last: None,
    }
}

/// Fake charts: tiny valid PNGs (1×1) with titles and alt texts, one per stem.
pub fn charts() -> Vec<Chart> {
    // A 1×1 white PNG.
    const PNG: &[u8] = &[
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00,
        0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53, 0xDE, 0x00,
        0x00, 0x00, 0x0C, 0x49, 0x44, 0x41, 0x54, 0x08, 0xD7, 0x63, 0xF8, 0xFF, 0xFF, 0x3F, 0x00, 0x05, 0xFE,
        0x02, 0xFE, 0xDC, 0xCC, 0x59, 0xE7, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60,
        0x82,
    ];
    [
        ("weekly", "Weekly"),
        ("3day", "3-day"),
        ("daily", "Daily"),
        ("relative", "IWM/SPY ratio"),
        ("macro", "Macro"),
    ]
    .iter()
    .map(|(name, title)| Chart {
        name: name.to_string(),
        title: title.to_string(),
        alt: format!("{title} chart: price, volume and momentum panels"),
        png: PNG.to_vec(),
        svg: None,
        phone_png: Vec::new(),
    })
    .collect()
}
