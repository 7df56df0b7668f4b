//! Builders shared by the weekly, 3-day and relative-strength signal tests: constructed bar
//! series (no files) and a `SignalInput` around them.
#![allow(dead_code)]

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use marketnote::config::SignalParams;
use marketnote::data::{Bar, Bars};
use marketnote::narrative::signal_text::{sentence, Names};
use marketnote::signals::{SignalInput, SignalResult, State};

/// `n` Fridays from 2018-01-05.
pub fn fridays(n: usize) -> Vec<NaiveDate> {
    let start = NaiveDate::from_ymd_opt(2018, 1, 5).unwrap();
    (0..n).map(|i| start + Duration::weeks(i as i64)).collect()
}

/// `n` weekdays from 2018-01-02.
pub fn weekdays(n: usize) -> Vec<NaiveDate> {
    let mut d = NaiveDate::from_ymd_opt(2018, 1, 2).unwrap();
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            out.push(d);
        }
        d += Duration::days(1);
    }
    out
}

/// Labels of `n` 3-day bars: every third weekday.
pub fn three_day_dates(n: usize) -> Vec<NaiveDate> {
    weekdays(3 * n).into_iter().skip(2).step_by(3).collect()
}

/// Bars from closes: open = previous close, wicks of `wick` beyond the body, volume per bar.
pub fn bars(dates: &[NaiveDate], closes: &[f64], wick: f64, vol: &[f64]) -> Bars {
    let mut b = Bars::with_capacity(closes.len(), false);
    for i in 0..closes.len() {
        let c = closes[i];
        let o = if i == 0 { c } else { closes[i - 1] };
        b.push(Bar {
            date: dates[i],
            open: o,
            high: o.max(c) + wick,
            low: o.min(c) - wick,
            close: c,
            volume: vol[i],
            adj_close: None,
        });
    }
    b
}

/// Bars with explicit OHLC.
pub fn ohlc(dates: &[NaiveDate], rows: &[(f64, f64, f64, f64)], vol: &[f64]) -> Bars {
    let mut b = Bars::with_capacity(rows.len(), false);
    for (i, &(o, h, l, c)) in rows.iter().enumerate() {
        b.push(Bar { date: dates[i], open: o, high: h, low: l, close: c, volume: vol[i], adj_close: None });
    }
    b
}

/// Everything a `SignalInput` borrows.
pub struct Fixture {
    pub daily: Bars,
    pub weekly: Bars,
    pub three_day: [Bars; 3],
    pub bench_weekly: Option<Bars>,
    pub mid_weekly: Option<Bars>,
    pub params: SignalParams,
}

impl Fixture {
    pub fn new() -> Self {
        Fixture {
            daily: Bars::default(),
            weekly: Bars::default(),
            three_day: [Bars::default(), Bars::default(), Bars::default()],
            bench_weekly: None,
            mid_weekly: None,
            params: SignalParams::default(),
        }
    }

    pub fn input(&self) -> SignalInput<'_> {
        let as_of = [self.weekly.date.last(), self.three_day[0].date.last(), self.daily.date.last()]
            .into_iter()
            .flatten()
            .max()
            .copied()
            .unwrap_or(NaiveDate::from_ymd_opt(2026, 1, 2).unwrap());
        SignalInput {
            as_of,
            symbol: "IWM",
            bench_symbol: self.bench_weekly.as_ref().map(|_| "SPY"),
            daily: self.daily.view(),
            weekly: self.weekly.view(),
            three_day: [self.three_day[0].view(), self.three_day[1].view(), self.three_day[2].view()],
            bench_daily: None,
            bench_weekly: self.bench_weekly.as_ref().map(Bars::view),
            mid_weekly: self.mid_weekly.as_ref().map(Bars::view),
            macros: &[],
            params: &self.params,
            pre: None,
        }
    }
}

/// The result with `id`.
pub fn find<'a>(rs: &'a [SignalResult], id: &str) -> &'a SignalResult {
    rs.iter().find(|r| r.id == id).unwrap_or_else(|| panic!("no signal {id}"))
}

/// Asserts the state, printing the whole result when it differs.
pub fn assert_state(r: &SignalResult, s: State) {
    assert_eq!(r.state, s, "{}: {:#?}", r.id, r);
    match s {
        State::Bullish | State::Bearish => assert!(r.strength > 0.0 && r.strength <= 1.0, "{r:#?}"),
        _ => assert_eq!(r.strength, 0.0),
    }
    let text = said(r);
    assert!(!text.contains("n/a"), "sentence has n/a: {text}");
}

/// The sentence the narrative writes for `r` (instrument IWM, benchmark SPY), or the one its
/// family wrote itself: for prose checks only; signal tests assert on state, branch, evidence.
pub fn said(r: &SignalResult) -> String {
    sentence(r, Names { symbol: "IWM", bench: Some("SPY") }).unwrap_or_else(|| r.sentence.clone())
}

/// Linear interpolation of `n` points from a to b (inclusive of a, exclusive of b).
pub fn lin(a: f64, b: f64, n: usize) -> Vec<f64> {
    (0..n).map(|i| a + (b - a) * i as f64 / n as f64).collect()
}

/// The real sample (samples/data/IWM.csv and SPY.csv) resampled to weekly and 3-day bars,
/// from the default history start, with the sample's anchor year 2024.
pub fn sample() -> Fixture {
    use marketnote::data::bars::read_bars;
    use marketnote::resample::{resample, Timeframe};
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/data");
    let (iwm, _) = read_bars(&root.join("IWM.csv"), false).expect("IWM sample");
    let (spy, _) = read_bars(&root.join("SPY.csv"), false).expect("SPY sample");
    let mut f = Fixture::new();
    f.params.anchor_year = Some(2024);
    let start = Some(f.params.history_start);
    let iwm = iwm.between(start, None);
    let spy = spy.between(start, None);
    f.weekly = resample(&iwm, Timeframe::Weekly, 0).bars;
    f.three_day = [0u8, 1, 2].map(|p| resample(&iwm, Timeframe::ThreeDay, p).bars);
    f.bench_weekly = Some(resample(&spy, Timeframe::Weekly, 0).bars);
    f.daily = iwm;
    f
}

/// Prints results one per line with their key evidence.
pub fn print(rs: &[SignalResult]) {
    for r in rs {
        println!(
            "{} [{:?} σ={:.3}] as_of={:?} flags={:?}\n  {}",
            r.id,
            r.state,
            r.strength,
            r.as_of,
            r.flags,
            said(r)
        );
        let ev: Vec<String> = r
            .evidence
            .iter()
            .map(|(k, v)| format!("{k}={}", marketnote::narrative::format::format_ev(v, None)))
            .collect();
        println!("  {}", ev.join(" | "));
    }
}
