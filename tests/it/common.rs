//! Builders for constructed signal inputs (shared by the signal test files).
#![allow(dead_code)]

use chrono::NaiveDate;
use marketnote::config::SignalParams;
use marketnote::data::{Bar, Bars, MacroObs, MacroSeries, Transform};
use marketnote::resample::calendar::next_session;
use marketnote::signals::SignalInput;

pub fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// NYSE sessions from 2019-01-02.
pub fn sessions(n: usize) -> Vec<NaiveDate> {
    let mut out = Vec::with_capacity(n);
    let mut x = d("2019-01-02");
    for _ in 0..n {
        out.push(x);
        x = next_session(x).unwrap();
    }
    out
}

/// Bars from closes and volumes: open = previous close, high/low = max/min(open, close) ± 0.5.
pub fn bars(closes: &[f64], vols: &[f64]) -> Bars {
    let dates = sessions(closes.len());
    let mut b = Bars::with_capacity(closes.len(), false);
    for i in 0..closes.len() {
        let o = if i == 0 { closes[0] } else { closes[i - 1] };
        let c = closes[i];
        b.push(Bar {
            date: dates[i],
            open: o,
            high: o.max(c) + 0.5,
            low: o.min(c) - 0.5,
            close: c,
            volume: vols[i],
            adj_close: None,
        });
    }
    b
}

/// A gently varying volume around 1e6 (deterministic, no two equal neighbours).
pub fn vol_noise(n: usize) -> Vec<f64> {
    (0..n).map(|i| 1e6 * (1.0 + 0.2 * ((i as f64) * 1.7).sin())).collect()
}

pub struct Owned {
    pub daily: Bars,
    pub weekly: Bars,
    pub three: Bars,
    pub macros: Vec<MacroSeries>,
    pub params: SignalParams,
    pub as_of: NaiveDate,
}

impl Owned {
    pub fn new(daily: Bars) -> Self {
        let as_of = daily.date.last().copied().unwrap_or(d("2024-06-28"));
        Owned {
            daily,
            weekly: Bars::default(),
            three: Bars::default(),
            macros: vec![],
            params: SignalParams::default(),
            as_of,
        }
    }
    pub fn macros(macros: Vec<MacroSeries>, as_of: NaiveDate) -> Self {
        let mut o = Owned::new(Bars::default());
        o.macros = macros;
        o.as_of = as_of;
        o
    }
    pub fn input(&self) -> SignalInput<'_> {
        SignalInput {
            as_of: self.as_of,
            symbol: "IWM",
            bench_symbol: None,
            daily: self.daily.view(),
            weekly: self.weekly.view(),
            three_day: [self.three.view(), self.three.view(), self.three.view()],
            bench_daily: None,
            bench_weekly: None,
            mid_weekly: None,
            macros: &self.macros,
            params: &self.params,
            pre: None,
        }
    }
}

/// A macro series from (period, value) pairs with a fixed release lag.
pub fn series(id: &str, lag: i64, obs: &[(NaiveDate, f64)]) -> MacroSeries {
    MacroSeries {
        id: id.into(),
        label: id.into(),
        transform: Transform::Level,
        supportive_when: None,
        release_lag_days: lag,
        obs: obs
            .iter()
            .map(|&(p, v)| MacroObs { period: p, release: p + chrono::Duration::days(lag), value: v })
            .collect(),
    }
}

/// Daily observations on NYSE sessions ending on `last`, values from `f(i)` (i = 0 oldest).
pub fn daily_series(id: &str, n: usize, last: NaiveDate, f: impl Fn(usize) -> f64) -> MacroSeries {
    let mut dates = Vec::with_capacity(n);
    let mut x = last;
    while dates.len() < n {
        if marketnote::resample::calendar::is_session(x) {
            dates.push(x);
        }
        x = x.pred_opt().unwrap();
    }
    dates.reverse();
    let obs: Vec<(NaiveDate, f64)> = dates.iter().enumerate().map(|(i, &p)| (p, f(i))).collect();
    series(id, 1, &obs)
}

/// Monthly observations (first of the month) ending with `last_month`, values from `f(i)`.
pub fn monthly_series(
    id: &str,
    lag: i64,
    n: usize,
    last_month: NaiveDate,
    f: impl Fn(usize) -> f64,
) -> MacroSeries {
    use chrono::Months;
    let obs: Vec<(NaiveDate, f64)> =
        (0..n).map(|i| (last_month - Months::new((n - 1 - i) as u32), f(i))).collect();
    series(id, lag, &obs)
}

/// Runs the built `marketnote` binary with `args` in the crate root (where `samples/` lives):
/// (exit code, or −1 when killed; stdout; stderr).
pub fn cli(args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_marketnote"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}
