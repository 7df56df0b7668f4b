//! TA-Lib parity (SIGNALS.md §2): our indicators against TA-Lib's values on real IWM daily data
//! (`tests/fixtures/IWM_daily_talib.csv`) and on a synthetic OHLCV with edge cases
//! (`tests/fixtures/talib_synthetic.csv`, written by `scripts/talib_fixtures.py`).

use marketnote::indicators as ind;
use std::collections::HashMap;
use std::path::Path;

/// A CSV as named columns of f64 (empty cell = NaN); the `date` column is dropped.
struct Table {
    cols: HashMap<String, Vec<f64>>,
    len: usize,
}

impl Table {
    fn load(name: &str) -> Table {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
        let mut rdr = csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let headers: Vec<String> = rdr.headers().unwrap().iter().map(str::to_string).collect();
        let mut cols: HashMap<String, Vec<f64>> = headers.iter().map(|h| (h.clone(), Vec::new())).collect();
        let mut len = 0;
        for rec in rdr.records() {
            let rec = rec.unwrap();
            for (h, v) in headers.iter().zip(rec.iter()) {
                if h == "date" {
                    continue;
                }
                let x =
                    if v.is_empty() { f64::NAN } else { v.parse().unwrap_or_else(|_| panic!("{h}: {v}")) };
                cols.get_mut(h).unwrap().push(x);
            }
            len += 1;
        }
        Table { cols, len }
    }

    fn col(&self, name: &str) -> &[f64] {
        self.cols.get(name).unwrap_or_else(|| panic!("no column {name}"))
    }
}

/// Asserts the NaN prefix has length `lookback` and |ours − talib| ≤ 1e-9·max(1,|talib|) after it.
fn check(name: &str, ours: &[f64], talib: &[f64], lookback: usize) {
    check_masked(name, ours, talib, lookback, 0..0);
}

/// Like [`check`], but fixture cells left empty inside `masked` (windows the generator excluded)
/// are skipped; an empty cell anywhere else fails.
fn check_masked(name: &str, ours: &[f64], talib: &[f64], lookback: usize, masked: std::ops::Range<usize>) {
    assert_eq!(ours.len(), talib.len(), "{name}: length");
    let talib_prefix = talib.iter().take_while(|v| v.is_nan()).count();
    assert_eq!(talib_prefix, lookback, "{name}: fixture NaN prefix");
    let our_prefix = ours.iter().take_while(|v| v.is_nan()).count();
    assert_eq!(our_prefix, lookback, "{name}: our NaN prefix");
    let mut worst = 0.0f64;
    for (i, (&a, &b)) in ours.iter().zip(talib).enumerate().skip(lookback) {
        if b.is_nan() {
            assert!(masked.contains(&i), "{name}[{i}]: empty fixture cell outside the masked range");
            continue;
        }
        assert!(!a.is_nan(), "{name}[{i}]: ours is NaN, talib {b}");
        let tol = 1e-9 * b.abs().max(1.0);
        assert!((a - b).abs() <= tol, "{name}[{i}]: ours {a} talib {b} (diff {:e})", (a - b).abs());
        worst = worst.max((a - b).abs() / b.abs().max(1.0));
    }
    eprintln!("{name}: worst relative diff {worst:e}");
}

#[test]
fn iwm_daily_matches_talib() {
    let t = Table::load("IWM_daily_talib.csv");
    assert!(t.len > 6000);
    let (h, l, c, v) = (t.col("high"), t.col("low"), t.col("close"), t.col("volume"));
    for n in [20, 50, 200] {
        check(&format!("sma_{n}"), &ind::sma(c, n), t.col(&format!("sma_{n}")), n - 1);
    }
    for n in [20, 50] {
        check(&format!("ema_{n}"), &ind::ema(c, n), t.col(&format!("ema_{n}")), n - 1);
    }
    check("rsi_14", &ind::rsi(c, 14), t.col("rsi_14"), 14);
    let m = ind::macd(c, 12, 26, 9);
    check("macd", &m.macd, t.col("macd"), 33);
    check("macd_signal", &m.signal, t.col("macd_signal"), 33);
    check("macd_hist", &m.hist, t.col("macd_hist"), 33);
    let b = ind::bbands(c, 20, 2.0);
    check("bb_upper", &b.upper, t.col("bb_upper"), 19);
    check("bb_middle", &b.middle, t.col("bb_middle"), 19);
    check("bb_lower", &b.lower, t.col("bb_lower"), 19);
    check("atr_14", &ind::atr(h, l, c, 14), t.col("atr_14"), 14);
    check("obv", &ind::obv(c, v), t.col("obv"), 0);
    check("roc_10", &ind::roc(c, 10), t.col("roc_10"), 10);
    check("linearreg_slope_20", &ind::linreg_slope(c, 20), t.col("linearreg_slope_20"), 19);
    // max_20 / min_20 are TA-Lib MAX(high) / MIN(low).
    check("max_20", &ind::rolling_max(h, 20), t.col("max_20"), 19);
    check("min_20", &ind::rolling_min(l, 20), t.col("min_20"), 19);
}

#[test]
fn synthetic_edge_cases_match_talib() {
    let t = Table::load("talib_synthetic.csv");
    assert_eq!(t.len, 600);
    let (h, l, c, v) = (t.col("high"), t.col("low"), t.col("close"), t.col("volume"));
    // The fixture really holds the edge cases it claims.
    assert!(v.contains(&0.0), "zero-volume bar");
    assert!((1..600).any(|i| h[i] == l[i] && (h[i - 1] != l[i - 1])), "single H = L bar");
    assert!((1..600).any(|i| l[i] > h[i - 1]), "gap");
    assert!(c.windows(20).any(|w| w.iter().all(|&x| x == w[0])), "flat stretch");

    check("sma_20", &ind::sma(c, 20), t.col("sma_20"), 19);
    check("sma_50", &ind::sma(c, 50), t.col("sma_50"), 49);
    check("ema_20", &ind::ema(c, 20), t.col("ema_20"), 19);
    check("ema_50", &ind::ema(c, 50), t.col("ema_50"), 49);
    for (f, s, g) in [(12, 26, 9), (6, 13, 5), (24, 52, 18)] {
        let m = ind::macd(c, f, s, g);
        let lb = (s - 1) + (g - 1);
        check(&format!("macd_{f}_{s}_{g}"), &m.macd, t.col(&format!("macd_{f}_{s}_{g}")), lb);
        check(&format!("macd_signal_{f}_{s}_{g}"), &m.signal, t.col(&format!("macd_signal_{f}_{s}_{g}")), lb);
        check(&format!("macd_hist_{f}_{s}_{g}"), &m.hist, t.col(&format!("macd_hist_{f}_{s}_{g}")), lb);
    }
    // sigma < 1e-4 windows (inside the flat stretch) are left out of the fixture (SIGNALS.md §2).
    let flat_start = (0..600).find(|&i| c[i..i + 20].iter().all(|&x| x == c[i])).unwrap();
    let flat_end = (flat_start..600).find(|&i| c[i] != c[flat_start]).unwrap();
    let masked = flat_start..flat_end + 1;
    let sd_fixture = t.col("stddev_20");
    let n_masked = sd_fixture.iter().skip(19).filter(|v| v.is_nan()).count();
    assert!(n_masked > 0 && n_masked <= masked.len(), "masked {n_masked} cells");
    let b = ind::bbands(c, 20, 2.0);
    check_masked("bb_upper", &b.upper, t.col("bb_upper"), 19, masked.clone());
    check_masked("bb_middle", &b.middle, t.col("bb_middle"), 19, masked.clone());
    check_masked("bb_lower", &b.lower, t.col("bb_lower"), 19, masked.clone());
    check_masked("stddev_20", &ind::stddev(c, 20), sd_fixture, 19, masked);
    // Inside a fully flat window our sigma is exactly 0 (variance below eps).
    assert_eq!(ind::stddev(c, 20)[flat_start + 25], 0.0);
    check("trange", &ind::true_range(h, l, c), t.col("trange"), 1);
    check("atr_14", &ind::atr(h, l, c, 14), t.col("atr_14"), 14);
    check("atr_20", &ind::atr(h, l, c, 20), t.col("atr_20"), 20);
    check("rsi_14", &ind::rsi(c, 14), t.col("rsi_14"), 14);
    check("obv", &ind::obv(c, v), t.col("obv"), 0);
    check("ad", &ind::ad(h, l, c, v), t.col("ad"), 0);
    check("linearreg_slope_20", &ind::linreg_slope(c, 20), t.col("linearreg_slope_20"), 19);
    check("max_20", &ind::rolling_max(h, 20), t.col("max_20"), 19);
    check("min_20", &ind::rolling_min(l, 20), t.col("min_20"), 19);
    check("roc_10", &ind::roc(c, 10), t.col("roc_10"), 10);
}
