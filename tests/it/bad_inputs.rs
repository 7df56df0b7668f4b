//! The catalogue of bad inputs (issue 7): every file under `tests/fixtures/bad/` (written by
//! `scripts/make_bad_fixtures.py`) run through the binary, with `check` and with `render -o`.
//! Each case must exit 2 with exactly one line on stderr, equal to the message in the table, and
//! leave the output folder (a previous note) and its parent byte-for-byte untouched.
//!
//! Placeholders in expected messages: `{dir}` is `tests/fixtures/bad` (absolute), `{config}` the
//! generated note.toml, `{tmp}` the temporary working folder.

use crate::tree;
use std::path::{Path, PathBuf};
use std::process::Command;
use tree::snapshot;

/// Which input a fixture stands in for.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Role {
    /// The instrument's bar file (benchmark: the good SPY file).
    Bars,
    /// The benchmark's bar file (instrument: the good IWM file).
    Bench,
    /// The one macro file (instrument: the good IWM file).
    Macro,
    /// The fixture is the config itself.
    Config,
}
use Role::*;

/// (fixture under tests/fixtures/bad, role, exact message after `error: `)
const CASES: &[(&str, Role, &str)] = &[
    // --- bar files: structure ---
    ("bars/truncated_last_row.csv", Bars, "{dir}/bars/truncated_last_row.csv:6: 2 fields: expected 6, as in the header"),
    ("bars/truncated_mid_file.csv", Bars, "{dir}/bars/truncated_mid_file.csv:4: 3 fields: expected 6, as in the header"),
    ("bars/stray_quote_unclosed.csv", Bars, "{dir}/bars/stray_quote_unclosed.csv:3: a quoted field runs over 5 lines (a stray `\"`?), leaving 2 fields: expected 6 fields per row, quotes closed on the same line"),
    ("bars/stray_quote_in_number.csv", Bars, "{dir}/bars/stray_quote_in_number.csv:3:3: bad number `197\"67` in `high`: expected a decimal number such as 123.45"),
    ("bars/footer_text.csv", Bars, "{dir}/bars/footer_text.csv:7: 1 field: expected 6, as in the header"),
    ("bars/semicolon_rows_in_comma_file.csv", Bars, "{dir}/bars/semicolon_rows_in_comma_file.csv:4: 1 field: expected 6, as in the header"),
    ("bars/empty_0_bytes.csv", Bars, "{dir}/bars/empty_0_bytes.csv: empty file: expected a header line and daily rows"),
    ("bars/header_only.csv", Bars, "{dir}/bars/header_only.csv: no data rows (header only, or every row null/empty): expected at least one daily bar"),
    ("bars/only_null_rows.csv", Bars, "{dir}/bars/only_null_rows.csv: no data rows (header only, or every row null/empty): expected at least one daily bar"),
    ("bars/no_close_column.csv", Bars, "{dir}/bars/no_close_column.csv:1: no close column in the header (`Date`, `Open`, `High`, `Low`, `Volume`): expected one named close (or name it in the config: `columns = { close = \"…\" }` on this input)"),
    ("bars/no_date_column.csv", Bars, "{dir}/bars/no_date_column.csv:1: no date column in the header (`Open`, `High`, `Low`, `Close`, `Volume`): expected one named date, time, timestamp or datetime (or name it in the config: `columns = { date = \"…\" }` on this input)"),
    ("bars/binary_png.png.csv", Bars, "{dir}/bars/binary_png.png.csv:3: binary data (a NUL byte at offset 8): expected a text CSV file"),
    ("bars/utf16_excel_export.csv", Bars, "{dir}/bars/utf16_excel_export.csv: UTF-16 text (byte-order mark FF FE or FE FF): expected a UTF-8 or ASCII CSV file"),
    ("bars/html_error_page.csv", Bars, "{dir}/bars/html_error_page.csv:1: no date, open, high, low, close columns in the header (`<!DOCTYPE html>`): expected date, open, high, low, close columns (the date one named date, time, timestamp or datetime) (or name them in the config: `columns = { date = \"…\", open = \"…\", high = \"…\", low = \"…\", close = \"…\" }` on this input)"),
    // --- bar files: numbers ---
    ("bars/thousands_separator_unquoted.csv", Bars, "{dir}/bars/thousands_separator_unquoted.csv:3: 8 fields: expected 6, as in the header (a thousands separator or decimal comma inside an unquoted number? expected plain numbers such as 1234.5)"),
    ("bars/decimal_comma_in_comma_file.csv", Bars, "{dir}/bars/decimal_comma_in_comma_file.csv:3:2: bad number `197,40` in `open`: expected a decimal number such as 123.45 (no thousands separators; a decimal comma only in a `;`-separated file)"),
    ("bars/thousands_dot_in_semicolon_file.csv", Bars, "{dir}/bars/thousands_dot_in_semicolon_file.csv:3:3: high 197.67 is below open 1197.4: expected high >= max(open, close)"),
    ("bars/empty_close_cell.csv", Bars, "{dir}/bars/empty_close_cell.csv:3:5: empty `close`: expected a number"),
    ("bars/nan_close.csv", Bars, "{dir}/bars/nan_close.csv:3:5: `NaN` in `close`: expected a finite number (NaN and infinity are not data)"),
    ("bars/inf_high.csv", Bars, "{dir}/bars/inf_high.csv:3:3: `inf` in `high`: expected a finite number (NaN and infinity are not data)"),
    ("bars/minus_inf_low.csv", Bars, "{dir}/bars/minus_inf_low.csv:3:4: `-inf` in `low`: expected a finite number (NaN and infinity are not data)"),
    ("bars/overflow_1e400.csv", Bars, "{dir}/bars/overflow_1e400.csv:3:3: `1e400` in `high`: expected a finite number (NaN and infinity are not data)"),
    ("bars/nan_volume.csv", Bars, "{dir}/bars/nan_volume.csv:3:6: `nan` in `volume`: expected a finite number (NaN and infinity are not data)"),
    ("bars/negative_volume.csv", Bars, "{dir}/bars/negative_volume.csv:3:6: negative volume `-57532500`: expected zero or more shares"),
    ("bars/fractional_volume.csv", Bars, "{dir}/bars/fractional_volume.csv:3:6: fractional volume `57532500.5`: expected a whole number of shares"),
    ("bars/zero_price.csv", Bars, "{dir}/bars/zero_price.csv:3:4: `0` in `low`: expected a positive price"),
    ("bars/negative_price.csv", Bars, "{dir}/bars/negative_price.csv:3:2: `-197.40` in `open`: expected a positive price"),
    ("bars/high_below_low.csv", Bars, "{dir}/bars/high_below_low.csv:3:3: high 193 is below low 197.67: expected high >= low"),
    ("bars/high_below_close.csv", Bars, "{dir}/bars/high_below_close.csv:3:3: high 197.67 is below close 198.2: expected high >= max(open, close)"),
    ("bars/low_above_open.csv", Bars, "{dir}/bars/low_above_open.csv:3:4: low 195.78 is above open 194: expected low <= min(open, close)"),
    // --- bar files: dates ---
    ("bars/three_date_formats.csv", Bars, "{dir}/bars/three_date_formats.csv:3:1: date `2024/01/03` is written as YYYY/MM/DD but the file's first row uses YYYY-MM-DD: expected one date format per file"),
    ("bars/us_date_format.csv", Bars, "{dir}/bars/us_date_format.csv:2:1: ambiguous date `01/02/2024`: every date of the file reads as month/day/year (US) and as day/month/year (no day is above 12), so the file cannot decide: set `date_format = \"%m/%d/%Y\"` (US) or `\"%d/%m/%Y\"` on this input in the config"),
    ("bars/impossible_date.csv", Bars, "{dir}/bars/impossible_date.csv:3:1: bad date `2024-02-30`: expected a real calendar day written as YYYY-MM-DD"),
    ("bars/timezone_named_suffix.csv", Bars, "{dir}/bars/timezone_named_suffix.csv:2:1: bad date-time `2024-01-02 16:00:00 EST`: expected YYYY-MM-DD, `T` or a space, then HH:MM:SS with an optional `Z` or ±HH:MM offset (zone names such as EST are not accepted)"),
    ("bars/timezone_mixed_with_plain.csv", Bars, "{dir}/bars/timezone_mixed_with_plain.csv:4:1: date `2024-01-04T00:00:00-05:00` is written as an ISO date-time (YYYY-MM-DDTHH:MM:SS) but the file's first row uses YYYY-MM-DD: expected one date format per file"),
    ("bars/intraday_timestamps.csv", Bars, "{dir}/bars/intraday_timestamps.csv:3:1: duplicate date 2024-01-02 with different values from line 2: expected one row per date (intraday bars? expected daily bars)"),
    ("bars/duplicate_date_different_values.csv", Bars, "{dir}/bars/duplicate_date_different_values.csv:4:1: duplicate date 2024-01-03 with different values from line 3: expected one row per date"),
    ("bars/out_of_order_dates.csv", Bars, "{dir}/bars/out_of_order_dates.csv:5:1: date 2024-01-01 is before 2024-01-04 on line 4: expected dates in ascending order (or a file wholly newest first)"),
    // --- benchmark ---
    ("bench/spy_2019_only.csv", Bench, "{config}: `benchmark.bars`: SPY (2019-01-02 to 2019-01-03) has no date in common with the instrument IWM (2024-01-02 to 2024-01-08): expected overlapping history"),
    // --- macro files ---
    ("macro/only_dots.csv", Macro, "{dir}/macro/only_dots.csv: no numeric values in column `FEDFUNDS` (3 missing): expected at least one number"),
    ("macro/bad_value.csv", Macro, "{dir}/macro/bad_value.csv:3:2: bad number `5.33%` in `FEDFUNDS`: expected a decimal number such as 123.45"),
    ("macro/out_of_order.csv", Macro, "{dir}/macro/out_of_order.csv:4:1: date 2024-02-01 is before 2024-03-01 on line 3: expected dates in ascending order (or a file wholly newest first)"),
    ("macro/duplicate_date.csv", Macro, "{dir}/macro/duplicate_date.csv:3:1: duplicate date 2024-01-01 with a different value from line 2: expected one row per date"),
    ("macro/one_column.csv", Macro, "{dir}/macro/one_column.csv:1: one column (`FEDFUNDS`): expected a date column and a value column"),
    ("macro/empty_0_bytes.csv", Macro, "{dir}/macro/empty_0_bytes.csv: empty file: expected a header line such as `DATE,SERIES`"),
    ("macro/binary_gzip.csv", Macro, "{dir}/macro/binary_gzip.csv:1: binary data (a NUL byte at offset 3): expected a text CSV file"),
    // --- configs ---
    ("config/typo_in_key.toml", Config, "{dir}/config/typo_in_key.toml: `benchmark.bras`: unknown field `bras`, expected one of `symbol`, `name`, `bars`, `adjust`, `columns`, `separator`, `decimal`, `date_format`, `splits`, `role`, `source` (line 7, column 1)"),
    ("config/typo_in_nested_key.toml", Config, "{dir}/config/typo_in_nested_key.toml: `macro[0].fiel`: unknown field `fiel`, expected one of `id`, `file`, `label`, `transform`, `supportive_when`, `release_lag_days`, `column`, `date_column`, `separator`, `decimal`, `date_format` (line 11, column 1)"),
    ("config/typo_in_macro_transform.toml", Config, "{dir}/config/typo_in_macro_transform.toml: `macro[0].transform`: unknown variant `yoyy`, expected one of `level`, `yoy`, `change` (line 12, column 13)"),
    ("config/wrong_type.toml", Config, "{dir}/config/wrong_type.toml: `output.charts.width`: invalid type: string \"wide\", expected u32 (line 10, column 9)"),
    ("config/syntax_error.toml", Config, "{dir}/config/syntax_error.toml: `(syntax)`: unclosed table, expected `]` (line 9, column 9)"),
    ("config/missing_instrument.toml", Config, "{dir}/config/missing_instrument.toml: `(root)`: missing field `instrument` (line 1, column 1)"),
    ("config/bars_is_directory.toml", Config, "{dir}/config/bars_is_directory.toml: `instrument.bars`: is a directory, expected a CSV file: {dir}/config/../good"),
    ("config/bars_not_found.toml", Config, "{dir}/config/bars_not_found.toml: `instrument.bars`: file not found: {dir}/config/../good/IWM_missing.csv"),
    ("config/duplicate_macro_id.toml", Config, "{dir}/config/duplicate_macro_id.toml: `macro[1].id`: duplicate id `fed_funds`"),
    ("config/negative_release_lag.toml", Config, "{dir}/config/negative_release_lag.toml: `macro[0].release_lag_days`: expected 0..=400 days"),
    ("config/bad_history_start.toml", Config, "{dir}/config/bad_history_start.toml: `signals.history_start`: input is out of range (line 10, column 17)"),
    ("config/nan_threshold.toml", Config, "{dir}/config/nan_threshold.toml: `signals.long_threshold`: NaN: expected a finite number"),
    ("config/thresholds_crossed.toml", Config, "{dir}/config/thresholds_crossed.toml: `signals.long_threshold`: must be above signals.short_threshold"),
    ("config/empty_symbol.toml", Config, "{dir}/config/empty_symbol.toml: `instrument.symbol`: must not be empty"),
    ("config/not_utf8.toml", Config, "{dir}/config/not_utf8.toml: `(file)`: not UTF-8 text (byte 26, line 2, column 14): expected a UTF-8 TOML file"),
    ("config/chart_too_small.toml", Config, "{dir}/config/chart_too_small.toml: `output.charts.width`: 10: expected 200..=6000 pixels"),
    ("config/bench_no_overlap.toml", Config, "{dir}/config/bench_no_overlap.toml: `benchmark.bars`: SPY (2019-01-02 to 2019-01-03) has no date in common with the instrument IWM (2024-01-02 to 2024-01-08): expected overlapping history"),
    ("config/macro_only_dots.toml", Config, "{dir}/config/../macro/only_dots.csv: no numeric values in column `FEDFUNDS` (3 missing): expected at least one number"),
    ("config/macro_column_missing.toml", Config, "{dir}/config/../good/FEDFUNDS.csv:1: no column `DFF` (from `column` of macro `fed_funds`): expected one of `DATE`, `FEDFUNDS`"),
];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad")
}

/// A working folder holding a previous note in `out/` (a marketnote folder, safe to replace).
fn workdir() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    std::fs::create_dir_all(out.join("charts")).unwrap();
    std::fs::write(out.join(".marketnote"), "previous\n").unwrap();
    std::fs::write(out.join("note.md"), "# The previous note\n").unwrap();
    std::fs::write(out.join("charts/weekly.png"), [0x89, b'P', b'N', b'G']).unwrap();
    t
}

/// The config a case runs with: the fixture itself, or a generated one naming it by absolute path.
fn config_for(case: &str, role: Role, work: &Path) -> PathBuf {
    let dir = fixtures();
    let file = dir.join(case);
    let good = |n: &str| dir.join("good").join(n).display().to_string();
    let toml = match role {
        Config => return file,
        Bars => format!(
            "[instrument]\nsymbol = \"IWM\"\nbars = '{}'\n[benchmark]\nsymbol = \"SPY\"\nbars = '{}'\n",
            file.display(),
            good("SPY.csv")
        ),
        Bench => format!(
            "[instrument]\nsymbol = \"IWM\"\nbars = '{}'\n[benchmark]\nsymbol = \"SPY\"\nbars = '{}'\n",
            good("IWM.csv"),
            file.display()
        ),
        Macro => format!(
            "[instrument]\nsymbol = \"IWM\"\nbars = '{}'\n[[macro]]\nid = \"fed_funds\"\nfile = '{}'\n",
            good("IWM.csv"),
            file.display()
        ),
    };
    let p = work.join("note.toml");
    std::fs::write(&p, toml).unwrap();
    p
}

/// Runs `args` in `work` and checks exit 2, one stderr line equal to `error: {expect}`, nothing on
/// stdout, and `work` (with the previous note in `out/`) unchanged.
fn expect_refusal(args: &[&std::ffi::OsStr], work: &Path, expect: &str, what: &str) {
    let before = snapshot(work);
    let o = Command::new(env!("CARGO_BIN_EXE_marketnote")).args(args).current_dir(work).output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{what}: exit {:?}, stderr: {stderr}", o.status.code());
    assert_eq!(stderr, format!("error: {expect}\n"), "{what}");
    assert!(o.stdout.is_empty(), "{what}: stdout {}", String::from_utf8_lossy(&o.stdout));
    assert_eq!(snapshot(work), before, "{what}: the working folder or the previous note changed");
}

fn expected(template: &str, config: &Path, work: &Path) -> String {
    template
        .replace("{dir}", &fixtures().display().to_string())
        .replace("{config}", &config.display().to_string())
        .replace("{tmp}", &work.display().to_string())
}

#[test]
fn catalogue_has_at_least_40_distinct_cases_and_every_fixture_is_listed() {
    assert!(CASES.len() >= 40, "{} cases", CASES.len());
    let listed: std::collections::BTreeSet<&str> = CASES.iter().map(|c| c.0).collect();
    assert_eq!(listed.len(), CASES.len(), "a fixture is listed twice");
    for sub in ["bars", "bench", "macro", "config"] {
        for e in std::fs::read_dir(fixtures().join(sub)).unwrap() {
            let name = format!("{sub}/{}", e.unwrap().file_name().to_string_lossy());
            if name == "config/good.toml" {
                continue;
            }
            assert!(listed.contains(name.as_str()), "{name} has no entry in CASES");
        }
    }
}

#[test]
fn good_fixture_config_passes_check() {
    let o = Command::new(env!("CARGO_BIN_EXE_marketnote"))
        .arg("check")
        .arg(fixtures().join("config/good.toml"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn every_case_is_refused_by_check_and_render_with_its_exact_message() {
    for &(case, role, template) in CASES {
        let t = workdir();
        let work = t.path();
        let cfg = config_for(case, role, work);
        let expect = expected(template, &cfg, work);
        expect_refusal(&["check".as_ref(), cfg.as_os_str()], work, &expect, &format!("check {case}"));
        expect_refusal(
            &[
                "render".as_ref(),
                cfg.as_os_str(),
                "-o".as_ref(),
                "out".as_ref(),
                "--format".as_ref(),
                "md".as_ref(),
            ],
            work,
            &expect,
            &format!("render {case}"),
        );
    }
}

/// Huge inputs are generated here rather than committed: a 2 MB field and a 3 MB header line.
#[test]
fn huge_lines_are_refused_with_a_short_message() {
    let t = workdir();
    let work = t.path();
    let good = std::fs::read_to_string(fixtures().join("good/IWM.csv")).unwrap();
    let mut huge_field = good.lines().take(2).collect::<Vec<_>>().join("\n");
    huge_field.push_str("\n2024-01-03,197.40,197.67,193.78,194.20,");
    huge_field.push_str(&"9".repeat(2_000_000));
    huge_field.push('\n');
    let cases = [
        ("huge_field.csv", huge_field, "{tmp}/huge_field.csv:3:6: `9999999999999999999999999999999999999999…` in `volume`: expected a finite number (NaN and infinity are not data)"),
        ("huge_header.csv", "x".repeat(3_000_000), "{tmp}/huge_header.csv:1: no date, open, high, low, close columns in the header (`xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…`): expected date, open, high, low, close columns (the date one named date, time, timestamp or datetime) (or name them in the config: `columns = { date = \"…\", open = \"…\", high = \"…\", low = \"…\", close = \"…\" }` on this input)"),
    ];
    for (name, text, template) in cases {
        std::fs::write(work.join(name), text).unwrap();
        let cfg = work.join("note.toml");
        std::fs::write(&cfg, format!("[instrument]\nsymbol = \"IWM\"\nbars = \"{name}\"\n")).unwrap();
        let expect = expected(template, &cfg, work);
        expect_refusal(&["check".as_ref(), cfg.as_os_str()], work, &expect, name);
    }
}

#[test]
fn output_path_that_is_an_existing_file_is_refused() {
    let t = workdir();
    let work = t.path();
    std::fs::write(work.join("report.pdf"), "not a folder").unwrap();
    let cfg = fixtures().join("config/good.toml");
    expect_refusal(
        &["render".as_ref(), cfg.as_os_str(), "-o".as_ref(), "report.pdf".as_ref()],
        work,
        "output report.pdf exists and is not a folder",
        "render -o FILE",
    );
}

#[test]
fn config_path_that_is_a_directory_is_refused() {
    let t = workdir();
    let work = t.path();
    let dir = fixtures().join("good");
    expect_refusal(
        &["check".as_ref(), dir.as_os_str()],
        work,
        &format!(
            "{0}: `(file)`: cannot read config: {0} is a folder, expected a config file (a regular file)",
            dir.display()
        ),
        "check DIR",
    );
}
