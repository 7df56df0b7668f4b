//! Every kind of bad input is refused with exit code 2 and a message naming the file, the line
//! (and column when it is one cell), the offending text and what was expected.

use marketnote::config::MacroConfig;
use marketnote::data::bars::read_bars;
use marketnote::data::macros::read_macro;
use marketnote::data::Transform;
use std::path::{Path, PathBuf};

fn bad(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/data/bad").join(name)
}

/// Reads a bad bar fixture and returns the message, checking it starts with `file:place:`.
fn bars_error(name: &str, place: &str) -> String {
    let path = bad(name);
    let err = read_bars(&path, false).expect_err(name);
    assert_eq!(err.exit_code(), 2, "{name}");
    let msg = err.to_string();
    let prefix = format!("{}{place}: ", path.display());
    assert!(msg.starts_with(&prefix), "`{msg}` should start with `{prefix}`");
    msg
}

fn assert_has(msg: &str, parts: &[&str]) {
    for p in parts {
        assert!(msg.contains(p), "`{msg}` should contain `{p}`");
    }
}

#[test]
fn bad_number() {
    let m = bars_error("bad_number.csv", ":3:5");
    assert_has(&m, &["`19x4.20`", "`close`", "expected a decimal number"]);
}

#[test]
fn bad_date() {
    let m = bars_error("bad_date.csv", ":3:1");
    assert_has(&m, &["`2024-13-03`", "expected a real calendar day", "YYYY-MM-DD"]);
}

#[test]
fn high_below_low() {
    let m = bars_error("high_below_low.csv", ":4:3");
    assert_has(&m, &["high 193 is below low 193.69", "expected high >= low"]);
}

#[test]
fn high_below_close() {
    let m = bars_error("high_below_close.csv", ":3:3");
    assert_has(&m, &["high 197 is below open 197.4", "expected high >= max(open, close)"]);
}

#[test]
fn low_above_open() {
    let m = bars_error("low_above_open.csv", ":3:4");
    assert_has(&m, &["low 197.5 is above open 197.4", "expected low <= min(open, close)"]);
}

#[test]
fn negative_volume() {
    let m = bars_error("negative_volume.csv", ":3:6");
    assert_has(&m, &["`-57532500`", "expected zero or more"]);
}

#[test]
fn nan_close() {
    let m = bars_error("nan_close.csv", ":3:5");
    assert_has(&m, &["`NaN`", "expected a finite number"]);
}

#[test]
fn inf_high() {
    let m = bars_error("inf_high.csv", ":3:3");
    assert_has(&m, &["`inf`", "`high`", "expected a finite number"]);
}

#[test]
fn duplicate_date_with_different_values() {
    let m = bars_error("duplicate_date.csv", ":4:1");
    assert_has(&m, &["duplicate date 2024-01-03", "line 3", "expected one row per date"]);
}

#[test]
fn dates_out_of_order() {
    let m = bars_error("out_of_order.csv", ":4:1");
    assert_has(&m, &["2024-01-03 is before 2024-01-04 on line 3", "expected dates in ascending order"]);
}

#[test]
fn empty_file() {
    let m = bars_error("empty.csv", "");
    assert_has(&m, &["empty file", "expected a header line"]);
}

#[test]
fn header_only() {
    let m = bars_error("header_only.csv", "");
    assert_has(&m, &["no data rows", "expected at least one daily bar"]);
}

#[test]
fn only_null_rows() {
    let m = bars_error("only_null_rows.csv", "");
    assert_has(&m, &["no data rows"]);
}

#[test]
fn header_without_date_column() {
    let m = bars_error("no_date_column.csv", ":1");
    assert_has(&m, &["no date column", "`Day of trade`", "expected one named date"]);
}

#[test]
fn header_without_close_column() {
    let m = bars_error("no_close_column.csv", ":1");
    assert_has(&m, &["no close column", "expected one named close"]);
}

#[test]
fn wrong_field_count() {
    let m = bars_error("wrong_field_count.csv", ":3");
    assert_has(&m, &["5 fields", "expected 6, as in the header"]);
}

#[test]
fn mixed_date_formats() {
    let m = bars_error("mixed_date_formats.csv", ":3:1");
    assert_has(&m, &["`2024/01/03`", "YYYY/MM/DD", "first row uses YYYY-MM-DD", "one date format per file"]);
}

#[test]
fn crlf_and_blank_lines_keep_line_numbers_right() {
    // Line 3 is blank; the bad cell is on line 5 (csv::Position::line() would say otherwise).
    let m = bars_error("crlf_blank_line_bad_number.csv", ":5:5");
    assert_has(&m, &["`bad`"]);
}

#[test]
fn adjust_without_adj_close() {
    let path = bad("bad_number.csv");
    let m = read_bars(&path, true).unwrap_err().to_string();
    assert!(m.starts_with(&format!("{}:1: ", path.display())), "{m}");
    assert_has(&m, &["adjust = true", "expected `Adj Close`"]);
}

#[test]
fn missing_file_is_an_input_error() {
    let err = read_bars(&bad("no_such_file.csv"), false).unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert_has(&err.to_string(), &["no_such_file.csv", "cannot read"]);
}

fn macro_error(name: &str, place: &str) -> String {
    let path = bad(name);
    let cfg = MacroConfig {
        id: "x".into(),
        file: path.clone(),
        label: None,
        transform: Transform::Level,
        supportive_when: None,
        release_lag_days: None,
        column: None,
        ..Default::default()
    };
    let err = read_macro(&cfg).expect_err(name);
    assert_eq!(err.exit_code(), 2);
    let msg = err.to_string();
    let prefix = format!("{}{place}: ", path.display());
    assert!(msg.starts_with(&prefix), "`{msg}` should start with `{prefix}`");
    msg
}

#[test]
fn macro_only_missing_values() {
    let m = macro_error("macro_all_missing.csv", "");
    assert_has(&m, &["no numeric values in column `DGS10`", "3 missing"]);
}

#[test]
fn macro_bad_value() {
    let m = macro_error("macro_bad_value.csv", ":3:2");
    assert_has(&m, &["`five`", "`FEDFUNDS`", "expected a decimal number"]);
}

#[test]
fn macro_wrong_field_count() {
    let m = macro_error("macro_wrong_field_count.csv", ":3");
    assert_has(&m, &["3 fields", "expected 2"]);
}
