//! Every real input format loads with the right rows, dates and values.

use chrono::NaiveDate;
use marketnote::config::MacroConfig;
use marketnote::data::bars::{parse_bars, read_bars};
use marketnote::data::macros::read_macro;
use marketnote::data::{Bars, FileReport, Transform};
use std::path::{Path, PathBuf};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(rel)
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn load(rel: &str) -> (Bars, FileReport) {
    read_bars(&fixture(rel), false).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Asserts the bar at `date` has these open, high, low, close, volume.
fn assert_bar(b: &Bars, date: &str, ohlcv: [f64; 5]) {
    let i = b.date.iter().position(|x| *x == d(date)).unwrap_or_else(|| panic!("no bar on {date}"));
    assert_eq!([b.open[i], b.high[i], b.low[i], b.close[i], b.volume[i]], ohlcv, "bar {date}");
}

fn assert_invariants(b: &Bars) {
    assert!(b.date.windows(2).all(|w| w[0] < w[1]), "dates strictly ascending");
    for i in 0..b.len() {
        assert!(b.high[i] >= b.open[i].max(b.close[i]) && b.low[i] <= b.open[i].min(b.close[i]));
    }
    assert_eq!(b.gap.len(), b.len());
    assert!(b.n_sessions.iter().all(|&n| n == 1));
}

#[test]
fn yahoo_with_adj_close() {
    let (b, r) = load("formats/yahoo_iwm_adjclose.csv");
    assert_eq!(r.format, "yahoo");
    assert_eq!((b.len(), r.rows), (5658, 5658));
    assert_eq!((r.first, r.last), (Some(d("2000-05-26")), Some(d("2022-11-18"))));
    assert_bar(&b, "2000-05-26", [45.53125, 45.71875, 45.3125, 45.71875, 74800.0]);
    assert_bar(&b, "2022-11-18", [184.59, 185.31, 182.57001, 183.72, 26639900.0]);
    let adj = b.adj_close.as_ref().expect("adj close column kept");
    assert_eq!(adj[0], 34.40634);
    assert_eq!(b.ratio_close()[0], 34.40634);
    assert_eq!(r.sha256.len(), 64);
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    assert_invariants(&b);
}

#[test]
fn yahoo_adjusted_scales_ohlc() {
    let (b, _) = read_bars(&fixture("formats/yahoo_iwm_adjclose.csv"), true).unwrap();
    let f = 34.40634 / 45.71875;
    assert_eq!(b.close[0], 34.40634);
    assert!((b.open[0] - 45.53125 * f).abs() < 1e-12);
    assert!((b.high[0] - 45.71875 * f).abs() < 1e-12);
    assert!((b.low[0] - 45.3125 * f).abs() < 1e-12);
    assert_eq!(b.volume[0], 74800.0);
    // Recent rows have adj close == close: unchanged.
    let last = b.len() - 1;
    assert_eq!(b.close[last], 183.72);
    assert_eq!(b.open[last], 184.59);
}

#[test]
fn stooq_crlf_partial_last_bar() {
    let (b, r) = load("formats/stooq_spy.csv");
    assert_eq!(r.format, "stooq");
    assert_eq!(b.len(), 2000);
    assert_eq!((r.first, r.last), (Some(d("2018-02-26")), Some(d("2026-02-09"))));
    assert_bar(&b, "2018-02-26", [245.63, 247.46, 245.018, 247.373, 96911825.0]);
    assert_bar(&b, "2026-02-09", [689.42, 695.66, 688.34, 695.16, 34459507.0]);
    assert!(b.adj_close.is_none());
    assert_invariants(&b);
}

#[test]
fn alphavantage_newest_first_is_reversed_with_warning() {
    let (b, r) = load("formats/alphavantage_iwm_newest_first.csv");
    assert_eq!(r.format, "alphavantage");
    assert_eq!(b.len(), 100);
    assert_eq!((r.first, r.last), (Some(d("2026-05-13")), Some(d("2026-10-05"))));
    assert_eq!(b.date[0], d("2026-05-13"));
    assert_bar(&b, "2026-10-05", [281.95, 284.24, 280.03, 283.38, 22099459.0]);
    assert_bar(&b, "2026-05-13", [282.92, 283.56, 279.93, 282.67, 20742270.0]);
    assert_eq!(r.warnings.len(), 1);
    assert!(r.warnings[0].message.contains("newest first"));
    assert_invariants(&b);
}

#[test]
fn tradingview_unix_seconds_with_indicator_columns() {
    let (b, r) = load("data/tradingview_iwm.csv");
    assert_eq!(r.format, "tradingview");
    assert_eq!(b.len(), 30);
    assert_eq!((r.first, r.last), (Some(d("2024-01-02")), Some(d("2024-02-13"))));
    assert_bar(
        &b,
        "2024-01-02",
        [199.39999389648438, 201.6199951171875, 198.44000244140625, 199.52000427246094, 44341500.0],
    );
    // Same values as the IWM sample rows it was built from.
    let (iwm, _) =
        read_bars(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/samples/data/IWM.csv")), false).unwrap();
    let cut = iwm.between(Some(d("2024-01-02")), Some(d("2024-02-13")));
    assert_eq!(cut, b);
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
}

#[test]
fn samples_load_clean() {
    for (name, rows, first) in
        [("IWM", 6598, "2000-05-26"), ("SPY", 8448, "1993-01-29"), ("QQQ", 6906, "1999-03-10")]
    {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("samples/data/{name}.csv"));
        let (b, r) = read_bars(&path, false).unwrap();
        assert_eq!((b.len(), r.first), (rows, Some(d(first))), "{name}");
        assert_eq!(r.last, Some(d("2026-08-21")), "{name}");
        assert!(r.warnings.is_empty(), "{name}: {:?}", r.warnings);
        assert_invariants(&b);
    }
}

#[test]
fn yahoo_null_rows_are_skipped_with_line() {
    let (b, r) = load("data/yahoo_nulls.csv");
    assert_eq!(b.len(), 10);
    assert!(!b.date.contains(&d("2024-01-06")));
    assert_eq!(r.warnings.len(), 1);
    assert_eq!(r.warnings[0].line, Some(6));
    assert!(r.warnings[0].message.contains("null row"));
}

#[test]
fn semicolon_decimal_comma_bom_crlf() {
    let (b, r) = load("data/semicolon_bom_crlf.csv");
    assert_eq!(b.len(), 10);
    assert_bar(&b, "2024-01-02", [199.3999, 201.6199, 198.44, 199.52, 44341500.0]);
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    // The hash covers the original bytes, BOM included.
    let bytes = std::fs::read(fixture("data/semicolon_bom_crlf.csv")).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let (_, r2) = parse_bars(&bytes[3..], Path::new("x.csv"), false).unwrap();
    assert_ne!(r.sha256, r2.sha256);
}

fn macro_cfg(id: &str, rel: &str) -> MacroConfig {
    MacroConfig {
        id: id.into(),
        file: fixture(rel),
        label: None,
        transform: Transform::Level,
        supportive_when: None,
        release_lag_days: None,
        column: None,
        ..Default::default()
    }
}

#[test]
fn fred_legacy_monthly() {
    let (s, r) = read_macro(&macro_cfg("fed_funds", "formats/fred_legacy_dot_missing_FEDFUNDS.csv")).unwrap();
    assert_eq!(r.format, "fred, monthly");
    assert_eq!(s.obs.len(), 756);
    assert_eq!((r.first, r.last), (Some(d("1954-07-01")), Some(d("2017-06-01"))));
    assert_eq!(s.obs[0].value, 0.80);
    assert_eq!(s.obs[755].value, 1.04);
    // `fed_funds` defaults to one day (a daily DFF file); a monthly average read without a
    // configured lag counts from after its month (32 days from its start), never from the 2nd.
    assert_eq!(s.release_lag_days, 32);
    assert_eq!(s.obs[0].release, d("1954-08-02"));
    assert_eq!(s.label, "fed_funds");
}

#[test]
fn fred_observation_date_with_empty_missing() {
    let mut cfg = macro_cfg("dgs10", "formats/fred_obsdate_empty_missing_DGS10.csv");
    cfg.label = Some("10-year yield".into());
    let (s, r) = read_macro(&cfg).unwrap();
    assert_eq!(r.format, "fred, daily");
    assert_eq!(s.obs.len(), 1252);
    assert_eq!((r.first, r.last), (Some(d("2019-11-07")), Some(d("2024-11-07"))));
    assert_eq!((s.obs[0].value, s.obs[1251].value), (1.92, 4.31));
    assert_eq!(s.label, "10-year yield");
    assert_eq!(r.warnings.len(), 1, "one summary warning, not one per row");
    assert_eq!(r.warnings[0].line, Some(4));
    assert!(r.warnings[0].message.starts_with("54 missing values"), "{:?}", r.warnings);
    // Point in time: nothing released after the as-of date.
    let known = s.known_at(d("2020-01-01"));
    assert!(known.iter().all(|o| o.release <= d("2020-01-01")));
    // The 2019-12-31 value's release day is New Year's Day, rolled to the next session.
    assert_eq!(known.last().unwrap().period, d("2019-12-30"));
}

#[test]
fn fred_dot_missing_and_lag() {
    let mut cfg = macro_cfg("dff", "data/fred_dot_missing.csv");
    cfg.release_lag_days = Some(2);
    let (s, r) = read_macro(&cfg).unwrap();
    assert_eq!(s.obs.len(), 3);
    assert_eq!(s.obs[0].period, d("2024-01-02"));
    assert_eq!(s.obs[0].release, d("2024-01-04"));
    assert_eq!(r.warnings[0].line, Some(2));
    assert!(r.warnings[0].message.starts_with("2 missing values"));
}

#[test]
fn named_column_of_a_wide_file() {
    let mut cfg = macro_cfg("fwd_eps", "data/macro_wide.csv");
    // Behaviour changed deliberately (issue 14): with several value columns and none named after
    // the series, `column` is required instead of silently taking the first.
    let e = read_macro(&cfg).unwrap_err().to_string();
    assert!(e.contains("2 value columns (`sales`, `eps`)") && e.contains("column = "), "{e}");
    cfg.column = Some("eps".into());
    let (s, r) = read_macro(&cfg).unwrap();
    assert_eq!(s.obs.iter().map(|o| o.value).collect::<Vec<_>>(), vec![1.5, 1.55, 1.6]);
    assert_eq!(s.obs[0].release, s.obs[0].period, "fwd_eps default lag is 0");
    assert_eq!(r.format, "plain, weekly");
}

#[test]
fn sample_macros_load() {
    for (file, n) in [("FEDFUNDS", 318), ("CPIAUCSL", 281), ("UNRATE", 377), ("DGS2", 6645), ("T10Y2Y", 9149)]
    {
        let cfg = MacroConfig {
            file: Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("samples/data/{file}.csv")),
            ..macro_cfg("x", "unused")
        };
        let (s, r) = read_macro(&cfg).unwrap();
        assert_eq!(s.obs.len(), n, "{file}");
        assert!(r.format.starts_with("fred"), "{file}: {}", r.format);
        assert!(s.obs.windows(2).all(|w| w[0].period < w[1].period));
    }
}
