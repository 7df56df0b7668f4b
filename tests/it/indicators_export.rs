//! `marketnote export` end to end on the bundled sample (samples/iwm.toml): header, row counts,
//! empty warm-up cells, exact values, point in time, exit codes.

use marketnote::indicators as ind;
use std::path::Path;
use std::process::{Command, Output};

fn export(args: &[&str]) -> Output {
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/iwm.toml");
    Command::new(env!("CARGO_BIN_EXE_marketnote"))
        .arg("export")
        .arg(&config)
        .args(args)
        .output()
        .expect("run marketnote")
}

/// Parsed CSV: header and rows of cells.
fn csv_of(out: &Output) -> (Vec<String>, Vec<Vec<String>>) {
    assert!(out.status.success(), "exit {:?}: {}", out.status.code(), String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap().split(',').map(str::to_string).collect::<Vec<_>>();
    let rows = lines.map(|l| l.split(',').map(str::to_string).collect()).collect();
    (header, rows)
}

fn column(header: &[String], rows: &[Vec<String>], name: &str) -> Vec<f64> {
    let j = header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"));
    rows.iter().map(|r| if r[j].is_empty() { f64::NAN } else { r[j].parse().unwrap() }).collect()
}

#[test]
fn daily_export_matches_indicators_and_is_point_in_time() {
    let (header, rows) = csv_of(&export(&["--timeframe", "1D"]));
    assert_eq!(&header[..6], &["date", "open", "high", "low", "close", "volume"]);
    assert!(rows.len() > 4000);
    assert!(rows.iter().all(|r| r.len() == header.len()));
    // dates ascending, from history_start (2010-01-04 in the sample)
    assert_eq!(rows[0][0], "2010-01-04");
    assert!(rows.windows(2).all(|w| w[0][0] < w[1][0]));
    let close = column(&header, &rows, "close");
    let sma200 = column(&header, &rows, "sma_200");
    assert_eq!(sma200.iter().take_while(|v| v.is_nan()).count(), 199);
    let ours = ind::sma(&close, 200);
    for (a, b) in sma200.iter().zip(&ours).skip(199) {
        assert_eq!(a.to_bits(), b.to_bits());
    }
    let rsi = column(&header, &rows, "rsi_14");
    assert!(rsi[14..].iter().all(|v| (0.0..=100.0).contains(v)));

    // Point in time: exporting as of an earlier date gives exactly the earlier rows.
    let cut = &rows[rows.len() - 300][0];
    let (h2, rows2) = csv_of(&export(&["--timeframe", "1D", "--as-of", cut]));
    assert_eq!(h2, header);
    assert_eq!(rows2.len(), rows.len() - 299);
    assert_eq!(rows2[..], rows[..rows2.len()]);
}

#[test]
fn resampled_exports_and_append_stability() {
    for tf in ["3D", "1W", "1M"] {
        let (header, rows) = csv_of(&export(&["--timeframe", tf]));
        assert!(header.iter().any(|h| h == "macd_hist"));
        assert!(rows.len() > 100, "{tf}: {} rows", rows.len());
    }
    // Complete weekly bars (and their indicators) never change when later data arrives.
    let (_, full) = csv_of(&export(&["--timeframe", "1W"]));
    let cut = &full[full.len() - 50][0];
    let (_, early) = csv_of(&export(&["--timeframe", "1W", "--as-of", cut]));
    assert!(!early.is_empty());
    assert_eq!(early[..], full[..early.len()]);
}

#[test]
fn bad_timeframe_and_as_of_exit_2() {
    let out = export(&["--timeframe", "2D"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("2D"));
    let out = export(&["--timeframe", "1D", "--as-of", "1990-01-01"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}
