//! Inputs as people download them (issue 14): every file of `tests/fixtures/cases/` and every
//! vendor layout the README lists loads to the same bars as the sample's plain file, or is
//! refused with the reason; values are compared, not only exit codes.

use chrono::NaiveDate;
use marketnote::config::{ColumnMap, MacroConfig, SplitConfig};
use marketnote::data::bars::{parse_bars_with, read_bars, read_bars_with, BarOptions};
use marketnote::data::macros::read_macro;
use marketnote::data::Bars;
use marketnote::resample::{resample, Timeframe};
use std::path::{Path, PathBuf};

fn case(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cases").join(name)
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// The sample's plain IWM file cut to `[from, to]`.
fn sample(from: &str, to: &str) -> Bars {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/data/IWM.csv");
    read_bars(&p, false).unwrap().0.between(Some(d(from)), Some(d(to)))
}

/// The case files' 300 sessions: 2025-06-12 to 2026-08-21.
fn sample_300() -> Bars {
    sample("2025-06-12", "2026-08-21")
}

fn load(name: &str) -> (Bars, marketnote::data::FileReport) {
    read_bars(&case(name), false).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn err(name: &str, opts: &BarOptions) -> String {
    read_bars_with(&case(name), opts).map(|_| ()).expect_err(name).to_string()
}

/// Same dates; prices equal to the cent (vendors round the sample's float32 noise); volumes
/// within `vol_rel` relative (0 = exact).
fn assert_same(got: &Bars, want: &Bars, vol_rel: f64, what: &str) {
    assert_eq!(got.date, want.date, "{what}: dates");
    for i in 0..want.len() {
        let (g, w) = (got.bar(i), want.bar(i));
        for (name, a, b) in [
            ("open", g.open, w.open),
            ("high", g.high, w.high),
            ("low", g.low, w.low),
            ("close", g.close, w.close),
        ] {
            assert!((a - b).abs() <= 0.005 + 1e-9 * b.abs(), "{what}: {name} on {}: {a} vs {b}", w.date);
        }
        assert!(
            (g.volume - w.volume).abs() <= vol_rel * w.volume,
            "{what}: volume on {}: {} vs {}",
            w.date,
            g.volume,
            w.volume
        );
    }
}

/// Same daily bars, and so the same weekly, 3-day (every phase) and monthly bars.
fn assert_same_resampled(got: &Bars, want: &Bars, vol_rel: f64, what: &str) {
    assert_same(got, want, vol_rel, what);
    let tfs = [
        (Timeframe::Weekly, 0),
        (Timeframe::ThreeDay, 0),
        (Timeframe::ThreeDay, 1),
        (Timeframe::ThreeDay, 2),
        (Timeframe::Monthly, 0),
    ];
    for (tf, phase) in tfs {
        let (g, w) = (resample(got, tf, phase).bars, resample(want, tf, phase).bars);
        assert!(!w.is_empty());
        assert_same(&g, &w, vol_rel, &format!("{what} {tf:?}/{phase}"));
    }
}

fn messages(r: &marketnote::data::FileReport) -> Vec<String> {
    r.warnings.iter().map(|w| w.message.clone()).collect()
}

#[test]
fn yfinance_three_line_header_loads_the_same_bars() {
    let (b, r) = load("yfinance_three_line_header.csv");
    assert_eq!(r.format, "yfinance");
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    assert_eq!(b.bar(0).close, 212.77999877929688);
    assert_same_resampled(&b, &sample_300(), 0.0, "yfinance");
}

#[test]
fn european_export_loads_the_same_bars() {
    let (b, r) = load("european_semicolon_decimal_comma.csv");
    assert_eq!(r.format, "european");
    assert_eq!(messages(&r), ["file is written newest first: reversed"]);
    assert_eq!((b.date[0], b.open[0], b.volume[0]), (d("2025-06-12"), 212.17, 25_367_000.0));
    assert_same_resampled(&b, &sample_300(), 0.0, "european");
}

#[test]
fn alphavantage_split_is_adjusted_from_its_split_column() {
    let (b, r) = load("unadjusted_split_alphavantage_newest_first.csv");
    let m = messages(&r);
    assert!(
        m.iter().any(|w| w.starts_with("2:1 split on 2026-03-02 (from the `split_coefficient` column)")),
        "{m:?}"
    );
    // 425.56 before the split is 212.78 after it; 12,683,500 shares are 25,367,000.
    assert_eq!((b.close[0], b.volume[0]), (212.78, 25_367_000.0));
    assert_same_resampled(&b, &sample_300(), 0.0, "alphavantage split");
}

#[test]
fn unexplained_split_gap_is_refused_with_date_ratio_and_fix_then_adjusted_when_declared() {
    let e = err("unadjusted_split_plain.csv", &BarOptions::default());
    for part in [
        "unadjusted_split_plain.csv:181:",
        "a 2:1 split-shaped gap on 2026-03-02",
        "close 522.82 on 2026-02-27",
        "open 257.81",
        "splits = [{ date = \"2026-03-02\", ratio = 2 }]",
    ] {
        assert!(e.contains(part), "{part} in {e}");
    }
    let declared = BarOptions {
        splits: vec![SplitConfig { date: d("2026-03-02"), ratio: 2.0 }],
        ..BarOptions::default()
    };
    let (b, r) = read_bars_with(&case("unadjusted_split_plain.csv"), &declared).unwrap();
    assert!(
        messages(&r)[0].starts_with("2:1 split on 2026-03-02 (from the config's `splits`)"),
        "{:?}",
        r.warnings
    );
    assert_same_resampled(&b, &sample_300(), 0.0, "declared split");
    // Ratio 1: the user says it was no split; the prices are kept as they are.
    let none = BarOptions {
        splits: vec![SplitConfig { date: d("2026-03-02"), ratio: 1.0 }],
        ..BarOptions::default()
    };
    let (b, _) = read_bars_with(&case("unadjusted_split_plain.csv"), &none).unwrap();
    assert_eq!(b.close[0], 425.56);
}

#[test]
fn split_gap_with_adj_close_is_adjusted_from_it() {
    // Unadjusted OHLC with a split- and dividend-adjusted Adj Close (Alpha Vantage's columns).
    let text = std::fs::read_to_string(case("unadjusted_split_alphavantage_newest_first.csv")).unwrap();
    let without_split_column: String =
        text.lines().map(|l| l.rsplitn(3, ',').nth(2).unwrap_or(l).to_string() + "\n").collect();
    assert!(without_split_column.starts_with("timestamp,open,high,low,close,adjusted_close,volume\n"));
    let (b, r) =
        parse_bars_with(without_split_column.as_bytes(), Path::new("av.csv"), &BarOptions::default())
            .unwrap();
    assert!(
        messages(&r).iter().any(|m| m.starts_with("2:1 split on 2026-03-02 (from Adj Close")),
        "{:?}",
        r.warnings
    );
    assert_same(&b, &sample_300(), 0.0, "adj close split");
}

#[test]
fn rows_on_exchange_closures_are_dropped_and_named() {
    let (b, r) = load("rows_on_exchange_closures.csv");
    assert_eq!(
        messages(&r),
        [
            "2 rows on days the NYSE was closed dropped (weekly, 3-day and monthly bars use sessions only): \
          2025-01-09 (line 14, an NYSE holiday or closure), 2025-04-18 (line 83, an NYSE holiday or closure)"
        ]
    );
    assert!(!b.date.contains(&d("2025-01-09")) && !b.date.contains(&d("2025-04-18")));
    assert_same_resampled(&b, &sample("2024-12-20", "2025-05-02"), 0.0, "closures");
}

#[test]
fn float_noise_is_clipped_with_one_warning_a_real_inconsistency_is_an_error() {
    let (b, r) = load("high_below_close_by_float_noise.csv");
    assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
    assert_eq!(r.warnings[0].line, Some(32));
    assert!(r.warnings[0].message.starts_with("high/low on 2025-07-28 miss open/close by float noise"));
    let i = b.date.iter().position(|x| *x == d("2025-07-28")).unwrap();
    assert_eq!(b.high[i], b.open[i].max(b.close[i]));
    for i in 0..b.len() {
        assert!(b.high[i] >= b.open[i].max(b.close[i]) && b.low[i] <= b.open[i].min(b.close[i]));
    }
    let text = std::fs::read_to_string(case("high_below_close_by_float_noise.csv")).unwrap();
    let line = text.lines().nth(31).unwrap();
    let f: Vec<&str> = line.split(',').collect();
    let real = format!(
        "{},{},{},{},{},{},{}",
        f[0],
        f[1],
        f[4].parse::<f64>().unwrap() * 0.995,
        f[3],
        f[4],
        f[5],
        f[6]
    );
    let bad = text.replace(line, &real);
    let e =
        parse_bars_with(bad.as_bytes(), Path::new("n.csv"), &BarOptions::default()).unwrap_err().to_string();
    assert!(e.starts_with("n.csv:32:3: high ") && e.contains("expected high >= max(open, close)"), "{e}");
}

#[test]
fn index_without_volume_gives_one_warning() {
    let (b, r) = load("index_without_volume.csv");
    assert_eq!(
        messages(&r),
        ["volume is 0 on all 300 rows (an index?): volume treated as missing, volume signals not assessed"]
    );
    assert!(b.volume.iter().all(|v| *v == 0.0));
    let mut want = sample_300();
    want.volume.iter_mut().for_each(|v| *v = 0.0);
    assert_same(&b, &want, 0.0, "index");
}

#[test]
fn dates_shifted_to_the_previous_evening_are_refused() {
    let e = err("dates_shifted_previous_evening_utc.csv", &BarOptions::default());
    for part in [
        "dates_shifted_previous_evening_utc.csv:4:1:",
        "66 of 300 rows fall on days the NYSE was closed",
        "first 2025-06-15 (a Sunday)",
        "shifted to the previous day",
        "UTC",
    ] {
        assert!(e.contains(part), "{part} in {e}");
    }
}

#[test]
fn weekly_bars_configured_as_daily_are_refused() {
    let e = err("weekly_bars_given_as_daily.csv", &BarOptions::default());
    assert!(
        e.contains("these bars look weekly: the median spacing between rows is 7 days over 312 rows"),
        "{e}"
    );
    assert!(e.contains("expected daily bars"), "{e}");
}

fn macro_cfg(id: &str, name: &str) -> MacroConfig {
    MacroConfig { id: id.into(), file: case(name), ..Default::default() }
}

#[test]
fn fred_file_with_two_series_uses_the_column_named_after_the_series() {
    let (s, r) = read_macro(&macro_cfg("dgs2", "fred_two_series_one_file.csv")).unwrap();
    assert_eq!(r.format, "fred, daily");
    assert_eq!((s.obs[0].period, s.obs[0].value), (d("2024-01-02"), 4.33));
    // The same values as the sample's own DGS2 file.
    let mut own = macro_cfg("dgs2", "x");
    own.file = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/data/DGS2.csv");
    let (full, _) = read_macro(&own).unwrap();
    for o in &s.obs {
        let f = full.obs.iter().find(|x| x.period == o.period).unwrap();
        assert_eq!(f.value, o.value, "{}", o.period);
    }
    let e = read_macro(&macro_cfg("rates", "fred_two_series_one_file.csv")).unwrap_err().to_string();
    assert!(
        e.contains(":1: 2 value columns (`T10Y2Y`, `DGS2`) for macro `rates`") && e.contains("column = "),
        "{e}"
    );
}

#[test]
fn alfred_vintages_are_read_point_in_time() {
    let (s, r) = read_macro(&macro_cfg("unrate", "alfred_unrate_vintages.csv")).unwrap();
    assert_eq!(r.format, "alfred, monthly");
    assert!(s.has_vintages());
    assert!(
        messages(&r).iter().any(|m| m.starts_with("ALFRED vintages (3 from 2025-07-04 to 2025-09-05)")),
        "{:?}",
        r.warnings
    );
    let at =
        |day: &str| s.known_at(d(day)).iter().map(|o| (o.period.to_string(), o.value)).collect::<Vec<_>>();
    let p = |a: &str, v: f64| (a.to_string(), v);
    assert_eq!(at("2025-07-03"), vec![]);
    assert_eq!(at("2025-07-10"), vec![p("2025-05-01", 4.2), p("2025-06-01", 4.1)]);
    assert_eq!(at("2025-08-15"), vec![p("2025-05-01", 4.2), p("2025-06-01", 4.2), p("2025-07-01", 4.2)]);
    assert_eq!(
        at("2025-09-05"),
        vec![p("2025-05-01", 4.2), p("2025-06-01", 4.2), p("2025-07-01", 4.3), p("2025-08-01", 4.3)]
    );
}

/// The plain sample written the way each vendor writes it (README "Input formats").
fn write_layout(b: &Bars, layout: &str) -> String {
    let n = b.len();
    let fmt2 = |x: f64| format!("{x:.2}");
    let idx: Vec<usize> = match layout {
        "nasdaq" | "investing" => (0..n).rev().collect(),
        _ => (0..n).collect(),
    };
    let mut out = String::new();
    out.push_str(match layout {
        "nasdaq" => "Date,Close/Last,Volume,Open,High,Low\n",
        "investing" => "\"Date\",\"Price\",\"Open\",\"High\",\"Low\",\"Vol.\",\"Change %\"\n",
        "stooq_ascii" => "<TICKER>,<PER>,<DATE>,<TIME>,<OPEN>,<HIGH>,<LOW>,<CLOSE>,<VOL>,<OPENINT>\n",
        "sheets" | "excel" => "Date,Open,High,Low,Close,Volume\n",
        "tradingview" => "time,open,high,low,close,Volume\n",
        "custom" => "Tag|Anfang|Spitze|Boden|Ende|Stueck\n",
        _ => unreachable!(),
    });
    for i in idx {
        let bar = b.bar(i);
        let (o, h, l, c, v) = (fmt2(bar.open), fmt2(bar.high), fmt2(bar.low), fmt2(bar.close), bar.volume);
        let line = match layout {
            "nasdaq" => format!("{},${c},{v},${o},${h},${l}", bar.date.format("%m/%d/%Y")),
            "investing" => format!(
                "\"{}\",\"{c}\",\"{o}\",\"{h}\",\"{l}\",\"{:.2}M\",\"0.00%\"",
                bar.date.format("%b %d, %Y"),
                v / 1e6
            ),
            "stooq_ascii" => format!("IWM.US,D,{},000000,{o},{h},{l},{c},{v},0", bar.date.format("%Y%m%d")),
            "sheets" => format!("{} 16:00:00,{o},{h},{l},{c},{v}", bar.date.format("%-m/%-d/%Y")),
            "excel" => {
                let v = format!("{v}");
                let mut grouped = String::new();
                for (k, ch) in v.chars().enumerate() {
                    if k > 0 && (v.len() - k) % 3 == 0 {
                        grouped.push(',');
                    }
                    grouped.push(ch);
                }
                format!("{},{o},{h},{l},{c},\"{grouped}\"", bar.date.format("%d/%m/%Y"))
            }
            "tradingview" => format!(
                "{},{o},{h},{l},{c},{v}",
                bar.date.and_hms_opt(13, 30, 0).unwrap().and_utc().timestamp()
            ),
            "custom" => {
                let dc = |s: String| s.replace('.', ",");
                format!("{}|{}|{}|{}|{}|{v}", bar.date.format("%d-%m-%y"), dc(o), dc(h), dc(l), dc(c))
            }
            _ => unreachable!(),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[test]
fn every_listed_layout_loads_to_the_plain_files_bars() {
    let want = sample_300();
    for (layout, format, vol_rel) in [
        ("nasdaq", "nasdaq", 0.0),
        ("investing", "investing", 0.005),
        ("stooq_ascii", "stooq ascii", 0.0),
        ("sheets", "plain", 0.0),
        ("excel", "plain", 0.0),
        ("tradingview", "tradingview", 0.0),
    ] {
        let text = write_layout(&want, layout);
        let (b, r) = parse_bars_with(text.as_bytes(), Path::new("l.csv"), &BarOptions::default())
            .unwrap_or_else(|e| panic!("{layout}: {e}"));
        assert_eq!(r.format, format, "{layout}");
        assert_same_resampled(&b, &want, vol_rel, layout);
    }
}

#[test]
fn the_config_escape_hatch_reads_any_other_layout() {
    let want = sample_300();
    let text = write_layout(&want, "custom");
    let e =
        parse_bars_with(text.as_bytes(), Path::new("c.csv"), &BarOptions::default()).unwrap_err().to_string();
    assert!(e.starts_with("c.csv:1: no date, open, high, low, close columns in the header"), "{e}");
    let opts = BarOptions {
        columns: ColumnMap {
            date: Some("Tag".into()),
            open: Some("Anfang".into()),
            high: Some("Spitze".into()),
            low: Some("Boden".into()),
            close: Some("Ende".into()),
            volume: Some("Stueck".into()),
            adj_close: None,
        },
        separator: Some(b'|'),
        decimal_comma: Some(true),
        date_format: Some("%d-%m-%y".into()),
        ..BarOptions::default()
    };
    let (b, _) = parse_bars_with(text.as_bytes(), Path::new("c.csv"), &opts).unwrap();
    assert_same_resampled(&b, &want, 0.0, "custom");
}

#[test]
fn us_and_day_first_dates_are_decided_by_the_files_values() {
    let h = "Date,Open,High,Low,Close,Volume\n";
    let us = format!("{h}01/02/2024,1,2,1,2,5\n01/16/2024,1,2,1,2,5\n");
    let (b, _) = parse_bars_with(us.as_bytes(), Path::new("u.csv"), &BarOptions::default()).unwrap();
    assert_eq!(b.date, [d("2024-01-02"), d("2024-01-16")]);
    let eu = format!("{h}02/01/2024,1,2,1,2,5\n16/01/2024,1,2,1,2,5\n");
    let (b, _) = parse_bars_with(eu.as_bytes(), Path::new("e.csv"), &BarOptions::default()).unwrap();
    assert_eq!(b.date, [d("2024-01-02"), d("2024-01-16")]);
    let ambiguous = format!("{h}01/02/2024,1,2,1,2,5\n01/03/2024,1,2,1,2,5\n");
    let e = parse_bars_with(ambiguous.as_bytes(), Path::new("a.csv"), &BarOptions::default())
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("a.csv:2:1: ambiguous date `01/02/2024`") && e.contains("date_format"), "{e}");
}

#[test]
fn formerly_refused_number_layouts_load_with_their_values() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats");
    let at = |name: &str| {
        let (b, _) = read_bars(&dir.join(name), false).unwrap_or_else(|e| panic!("{name}: {e}"));
        let i = b.date.iter().position(|x| *x == d("2024-01-03")).unwrap();
        (b.open[i], b.volume[i])
    };
    assert_eq!(at("currency_symbol.csv"), (197.40, 57_532_500.0));
    assert_eq!(at("thousands_separator_quoted.csv"), (197.40, 57_532_500.0));
    assert_eq!(at("volume_with_suffix.csv"), (197.40, 57_500_000.0));
    let (b, _) = read_bars(&dir.join("day_first_date_format.csv"), false).unwrap();
    assert_eq!(b.date[0], d("2024-01-02"));
}

#[test]
fn warnings_are_one_per_kind_with_counts_and_first_places() {
    let mut text = String::from("Date,Open,High,Low,Close,Volume\n");
    let mut day = d("2024-01-02");
    for k in 0..10 {
        let vol = if k % 2 == 0 { 0 } else { 5 };
        text.push_str(&format!("{day},1,2,1,2,{vol}\n"));
        day = marketnote::resample::calendar::next_session(day).unwrap();
    }
    let (_, r) = parse_bars_with(text.as_bytes(), Path::new("z.csv"), &BarOptions::default()).unwrap();
    assert_eq!(
        messages(&r),
        ["5 rows with zero volume (treated as missing), first: 2024-01-02 (line 2), 2024-01-04 (line 4), 2024-01-08 (line 6), …"]
    );
    assert_eq!(r.warnings[0].line, Some(2));
}

fn run(args: &[&str], dir: &Path) -> (Option<i32>, String, String) {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_marketnote"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn bars_config(dir: &Path, bars: &Path, extra: &str) {
    let toml = format!("[instrument]\nsymbol = \"IWM\"\nbars = '{}'\n{extra}", bars.display());
    std::fs::write(dir.join("note.toml"), toml).unwrap();
}

#[test]
fn check_on_every_case_file_behaves_as_its_readme_row_says() {
    let t = tempfile::tempdir().unwrap();
    let cases = [
        ("yfinance_three_line_header.csv", 0, "300"),
        ("dates_shifted_previous_evening_utc.csv", 2, "shifted to the previous day"),
        ("weekly_bars_given_as_daily.csv", 2, "these bars look weekly"),
        ("unadjusted_split_alphavantage_newest_first.csv", 0, "2:1 split on 2026-03-02"),
        ("unadjusted_split_plain.csv", 2, "a 2:1 split-shaped gap on 2026-03-02"),
        ("rows_on_exchange_closures.csv", 0, "2 rows on days the NYSE was closed dropped"),
        ("high_below_close_by_float_noise.csv", 0, "float noise"),
        ("european_semicolon_decimal_comma.csv", 0, "european"),
        ("index_without_volume.csv", 0, "1 warning: data is usable"),
    ];
    for (name, code, needle) in cases {
        bars_config(t.path(), &case(name), "");
        let (rc, out, err) = run(&["check", "note.toml"], t.path());
        assert_eq!(rc, Some(code), "{name}: {err}");
        let text = if code == 0 { out } else { err };
        assert!(text.contains(needle), "{name}: {needle} in {text}");
    }
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/data/IWM.csv");
    bars_config(
        t.path(),
        &sample,
        &format!("[[macro]]\nid = \"dgs2\"\nfile = '{}'\n", case("fred_two_series_one_file.csv").display()),
    );
    let (rc, out, err) = run(&["check", "note.toml"], t.path());
    assert_eq!(rc, Some(0), "{err}");
    assert!(out.contains("macro:dgs2"), "{out}");
}

#[test]
fn check_flags_stale_macro_series_as_the_note_would() {
    let t = tempfile::tempdir().unwrap();
    // DGS2 ends 2026-07-28; the bars end 2026-08-21: more than 2x3 days + 1 day of lag.
    let macro_ =
        format!("[[macro]]\nid = \"dgs2\"\nfile = '{}'\n", case("fred_two_series_one_file.csv").display());
    bars_config(t.path(), &case("yfinance_three_line_header.csv"), &macro_);
    let (rc, out, _) = run(&["check", "note.toml"], t.path());
    assert_eq!(rc, Some(0));
    assert!(out.contains("stale as of 2026-08-21: the last observation (2026-07-28)"), "{out}");
    let (_, json, _) = run(&["signals", "note.toml", "--json"], t.path());
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let b1 =
        doc["signals"].as_array().unwrap().iter().find(|s| s["id"] == "macro_rate_cut_expectations").unwrap();
    assert_eq!(
        b1["reason"]["info"],
        serde_json::json!({"input": "dgs2", "kind": "stale", "last": "2026-07-28"}),
        "the note rejects it too"
    );
}

#[test]
fn as_of_after_the_last_bar_warns_and_signals_json_lists_the_macro_values_used() {
    let t = tempfile::tempdir().unwrap();
    let macro_ = format!(
        "[[macro]]\nid = \"dgs2\"\nfile = '{}'\n[[macro]]\nid = \"unrate\"\nfile = '{}'\n",
        case("fred_two_series_one_file.csv").display(),
        case("alfred_unrate_vintages.csv").display()
    );
    bars_config(t.path(), &case("yfinance_three_line_header.csv"), &macro_);
    let (rc, out, err) = run(&["signals", "note.toml", "--json", "--as-of", "2026-12-31"], t.path());
    assert_eq!(rc, Some(0), "{err}");
    assert_eq!(
        err,
        "warning: --as-of 2026-12-31 is after the last IWM bar (2026-08-21): the note is as of 2026-08-21\n"
    );
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        doc["macro"],
        serde_json::json!([
            {"id": "dgs2", "value": 4.26, "period": "2026-07-28", "public": "2026-07-29", "vintage": null, "release": "1 day after the period"},
            {"id": "unrate", "value": 4.3, "period": "2025-08-01", "public": "2025-09-05", "vintage": "2025-09-05", "release": "vintage dates"}
        ])
    );
    // Within the data: no warning.
    let (_, _, err) = run(&["signals", "note.toml", "--as-of", "2026-08-21"], t.path());
    assert!(err.is_empty(), "{err}");
}

#[test]
fn the_escape_hatch_is_read_from_the_config_and_checked() {
    let t = tempfile::tempdir().unwrap();
    let path = t.path().join("export.txt");
    std::fs::write(&path, write_layout(&sample_300(), "custom")).unwrap();
    let hatch = "columns = { date = \"Tag\", open = \"Anfang\", high = \"Spitze\", low = \"Boden\", close = \"Ende\", volume = \"Stueck\" }\n\
                 separator = \"|\"\ndecimal = \",\"\ndate_format = \"%d-%m-%y\"\n";
    bars_config(t.path(), &path, hatch);
    let (rc, out, err) = run(&["check", "note.toml"], t.path());
    assert_eq!(rc, Some(0), "{err}");
    assert!(out.contains("  300  2025-06-12  2026-08-21"), "{out}");
    bars_config(t.path(), &path, "separator = \"::\"\n");
    let (rc, _, err) = run(&["check", "note.toml"], t.path());
    assert_eq!(rc, Some(2));
    assert!(err.contains("`instrument.separator`: `::`: expected `,`, `;`, `|` or `tab`"), "{err}");
    bars_config(t.path(), &path, "date_format = \"%d-%m\"\n");
    let (rc, _, err) = run(&["check", "note.toml"], t.path());
    assert_eq!(rc, Some(2));
    assert!(err.contains("`instrument.date_format`"), "{err}");
    bars_config(
        t.path(),
        &case("unadjusted_split_plain.csv"),
        "splits = [{ date = \"2026-03-02\", ratio = 2 }]\n",
    );
    let (rc, out, err) = run(&["check", "note.toml"], t.path());
    assert_eq!(rc, Some(0), "{err}");
    assert!(out.contains("2:1 split on 2026-03-02 (from the config's `splits`)"), "{out}");
}
