//! `marketnote export`: bars (daily or resampled) in, a CSV of the bars and every indicator
//! column the signals use out (the audit trail behind the note, DESIGN.md "Command line").
//!
//! Columns: `date,open,high,low,close,volume`, then [`indicator_columns`] in order. An empty
//! cell marks a value that is not defined yet (warm-up) or missing; numbers are written in
//! shortest round-trip form, so parsing a cell gives back the exact f64.

use crate::data::Bars;
use crate::error::{Error, Result};
use crate::indicators as ind;
use rayon::prelude::*;
use std::fmt::Write as _;
use std::io::Write;

/// Every indicator series the signals use, named as in the export header, in column order.
///
/// `sma_N`/`ema_N` of close (SMA 20/50/100/200, EMA 20/21/50 and the GMMA ribbon EMAs),
/// `rsi_14`, MACD 12/26/9 (`macd`, `macd_signal`, `macd_hist`) and the 6/13/5 and 24/52/18
/// waves, Bollinger(20,2) with `bb_width`, Keltner (TTM: EMA20 ± 1.5·ATR20; the middle is
/// `ema_20`) with `ttm_on` (1 when the Bollinger bands lie inside it), `tr`, `atr_14`, `atr_20`,
/// `obv`, `ad`, volume SMAs 10/30/40/50 and the bar's close position `close_pos`.
pub fn indicator_columns(bars: &Bars) -> Vec<(String, Vec<f64>)> {
    let (h, l, c, v) = (&bars.high[..], &bars.low[..], &bars.close[..], &bars.volume[..]);
    let mut cols: Vec<(String, Vec<f64>)> = Vec::with_capacity(48);
    for n in [20, 50, 100, 200] {
        cols.push((format!("sma_{n}"), ind::sma(c, n)));
    }
    for n in [20, 21, 50] {
        cols.push((format!("ema_{n}"), ind::ema(c, n)));
    }
    cols.push(("rsi_14".into(), ind::rsi(c, 14)));
    let m = ind::macd(c, 12, 26, 9);
    cols.push(("macd".into(), m.macd));
    cols.push(("macd_signal".into(), m.signal));
    cols.push(("macd_hist".into(), m.hist));
    for (f, s, g) in [(6, 13, 5), (24, 52, 18)] {
        let m = ind::macd(c, f, s, g);
        cols.push((format!("macd_{f}_{s}_{g}"), m.macd));
        cols.push((format!("macd_signal_{f}_{s}_{g}"), m.signal));
        cols.push((format!("macd_hist_{f}_{s}_{g}"), m.hist));
    }
    let bb = ind::bbands(c, 20, 2.0);
    let bw = ind::bandwidth(&bb);
    let kc = ind::keltner(h, l, c, 20, 20, 1.5);
    let ttm: Vec<f64> = (0..c.len())
        .map(|i| {
            let (bu, bl, ku, kl) = (bb.upper[i], bb.lower[i], kc.upper[i], kc.lower[i]);
            if bu.is_nan() || ku.is_nan() {
                f64::NAN
            } else if bu < ku && bl > kl {
                1.0
            } else {
                0.0
            }
        })
        .collect();
    cols.push(("bb_upper".into(), bb.upper));
    cols.push(("bb_middle".into(), bb.middle));
    cols.push(("bb_lower".into(), bb.lower));
    cols.push(("bb_width".into(), bw));
    cols.push(("kc_upper".into(), kc.upper));
    cols.push(("kc_lower".into(), kc.lower));
    cols.push(("ttm_on".into(), ttm));
    cols.push(("tr".into(), ind::true_range(h, l, c)));
    cols.push(("atr_14".into(), ind::atr(h, l, c, 14)));
    cols.push(("atr_20".into(), ind::atr(h, l, c, 20)));
    cols.push(("obv".into(), ind::obv(c, v)));
    cols.push(("ad".into(), ind::ad(h, l, c, v)));
    for n in [10, 30, 40, 50] {
        cols.push((format!("vol_sma_{n}"), ind::sma(v, n)));
    }
    // GMMA ribbon (SIGNALS.md §2); EMA 50 is already a column above.
    for n in [3, 5, 8, 10, 12, 15, 30, 35, 40, 45, 60] {
        cols.push((format!("ema_{n}"), ind::ema(c, n)));
    }
    let cp = (0..c.len()).map(|i| ind::primitives::close_position(h[i], l[i], c[i])).collect();
    cols.push(("close_pos".into(), cp));
    cols
}

/// Appends one number: shortest round-trip, empty when NaN or infinite.
fn push_num(line: &mut String, x: f64) {
    line.push(',');
    if x.is_finite() {
        // A whole number under 2^53 (volumes, OBV) is its own shortest round-trip form: printed
        // as an integer, the same digits `{x}` gives, without the float formatter (-0 keeps
        // its sign through it).
        // Writing to a String cannot fail.
        if x.fract() == 0.0 && x.abs() < 9_007_199_254_740_992.0 && !(x == 0.0 && x.is_sign_negative()) {
            let _ = write!(line, "{}", x as i64);
        } else {
            let _ = write!(line, "{x}");
        }
    }
}

/// Rows `from..to` of the CSV (each with its line break).
fn rows_text(bars: &Bars, cols: &[(String, Vec<f64>)], from: usize, to: usize) -> String {
    let mut out = String::with_capacity((to - from) * (64 + 20 * cols.len()));
    for i in from..to {
        let _ = write!(out, "{}", bars.date[i]);
        for x in [bars.open[i], bars.high[i], bars.low[i], bars.close[i], bars.volume[i]] {
            push_num(&mut out, x);
        }
        for (_, col) in cols {
            push_num(&mut out, col[i]);
        }
        out.push('\n');
    }
    out
}

/// Writes the bars and every indicator column as CSV (header, then one row per bar).
///
/// Fails with [`Error::Output`] naming `<output>` when the writer fails; a closed pipe
/// (`marketnote export | head`) is reported as the `BrokenPipe` I/O error in the message.
pub fn export_csv(bars: &Bars, w: impl std::io::Write) -> Result<()> {
    write_csv(bars, w).map_err(|e| Error::Output { path: "<output>".into(), message: e.to_string() })
}

/// [`export_csv`] with the raw I/O error, so a caller can tell a closed pipe from a failure.
pub fn write_csv(bars: &Bars, w: impl std::io::Write) -> std::io::Result<()> {
    let mut w = std::io::BufWriter::new(w);
    let cols = indicator_columns(bars);
    let mut line = String::with_capacity(64 + 24 * cols.len());
    line.push_str("date,open,high,low,close,volume");
    for (name, _) in &cols {
        line.push(',');
        line.push_str(name);
    }
    line.push('\n');
    w.write_all(line.as_bytes())?;
    // Formatting the numbers is nearly all of the work (1,000,000 rows: 53 million of them):
    // blocks of rows are formatted side by side on the thread pool, a few at a time so little
    // text is held, and written in order, so the bytes are those of one row after another.
    const BLOCK: usize = 1024;
    let (n, batch) = (bars.len(), 4 * rayon::current_num_threads());
    let blocks = n.div_ceil(BLOCK);
    let mut b0 = 0;
    while b0 < blocks {
        let b1 = (b0 + batch).min(blocks);
        let texts: Vec<String> = (b0..b1)
            .into_par_iter()
            .map(|k| rows_text(bars, &cols, k * BLOCK, ((k + 1) * BLOCK).min(n)))
            .collect();
        for t in &texts {
            w.write_all(t.as_bytes())?;
        }
        b0 = b1;
    }
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Bar;
    use chrono::NaiveDate;

    fn bars(n: usize) -> Bars {
        let mut b = Bars::with_capacity(n, false);
        let d0 = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        for i in 0..n {
            let c = 100.0 + (i as f64 * 0.7).sin() * 5.0 + i as f64 * 0.1;
            b.push(Bar {
                date: d0 + chrono::Days::new(i as u64),
                open: c - 0.3,
                high: c + 1.0,
                low: c - 1.25,
                close: c,
                volume: if i == 5 { f64::NAN } else { 1_000_000.0 + i as f64 },
                adj_close: None,
            });
        }
        b
    }

    #[test]
    fn header_and_required_columns() {
        let cols = indicator_columns(&bars(10));
        let names: Vec<&str> = cols.iter().map(|(n, _)| n.as_str()).collect();
        for want in [
            "sma_20",
            "sma_50",
            "sma_200",
            "ema_21",
            "ema_50",
            "rsi_14",
            "macd",
            "macd_signal",
            "macd_hist",
            "bb_upper",
            "bb_middle",
            "bb_lower",
            "bb_width",
            "kc_upper",
            "kc_lower",
            "atr_14",
            "obv",
            "ad",
        ] {
            assert!(names.contains(&want), "missing {want}");
        }
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), names.len(), "duplicate column names");
        assert!(cols.iter().all(|(_, v)| v.len() == 10));
    }

    #[test]
    fn csv_cells_round_trip_and_warmup_is_empty() {
        let b = bars(60);
        let mut out = Vec::new();
        export_csv(&b, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        assert_eq!(&header[..6], &["date", "open", "high", "low", "close", "volume"]);
        let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
        assert_eq!(rows.len(), 60);
        assert!(rows.iter().all(|r| r.len() == header.len()));
        let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
        assert_eq!(rows[0][0], "2024-01-01");
        // missing volume -> empty cell
        assert_eq!(rows[5][col("volume")], "");
        // SMA20 warm-up: empty through row 18, exact value at 19
        assert_eq!(rows[18][col("sma_20")], "");
        let sma = ind::sma(&b.close, 20);
        assert_eq!(rows[19][col("sma_20")].parse::<f64>().unwrap().to_bits(), sma[19].to_bits());
        assert_eq!(rows[59][col("close")].parse::<f64>().unwrap().to_bits(), b.close[59].to_bits());
        assert_eq!(rows[59][col("sma_200")], "");
        assert_eq!(rows[3][col("volume")], "1000003");
        // deterministic
        let mut again = Vec::new();
        export_csv(&b, &mut again).unwrap();
        assert_eq!(again, text.as_bytes());
    }

    #[test]
    fn numbers_print_as_the_float_formatter_prints_them() {
        let mut xs = vec![0.0, -0.0, 1.0, -1.0, 63.29, 1e15, -1e15, 9_007_199_254_740_991.0, 2f64.powi(53)];
        xs.extend([2f64.powi(60), 1e22, 1e-7, 0.1 + 0.2, 1_000_003.0, -2_765_800_000.0, 5e-324]);
        let mut seed = 1u64;
        for _ in 0..20_000 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let f = f64::from_bits(seed);
            let scale = 10f64.powi((seed >> 58) as i32);
            xs.extend([f, (f.fract() * 1e6).round() * scale, ((seed >> 11) as f64 / 1e3).round()]);
        }
        for x in xs.into_iter().filter(|x| x.is_finite()) {
            let mut got = String::new();
            push_num(&mut got, x);
            assert_eq!(got, format!(",{x}"), "{x:e}");
        }
    }

    #[test]
    fn empty_bars_write_only_the_header() {
        let mut out = Vec::new();
        export_csv(&Bars::default(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().count(), 1);
        assert!(text.starts_with("date,open,high,low,close,volume,sma_20"));
    }

    #[test]
    fn writer_failure_is_an_output_error() {
        struct Fail;
        impl std::io::Write for Fail {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("disk full"))
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let e = export_csv(&bars(30), Fail).unwrap_err();
        assert_eq!(e.exit_code(), 1);
        assert!(e.to_string().contains("disk full"));
    }
}
