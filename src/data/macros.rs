//! Macro CSV reader. Input: a FRED download (`DATE,SERIES` or `observation_date,SERIES`, `.` or
//! empty for missing), any `date,value` file, or a named column of a wider file; output: a
//! [`MacroSeries`] oldest first with release dates (`period + release lag`) and a [`FileReport`].

use super::csvio::{self, DateFormat, Order, Step};
use super::{FileReport, MacroObs, MacroSeries, Warning};
use crate::config::{default_release_lag, MacroConfig};
use crate::error::{Error, Location, Result};
use chrono::{Days, NaiveDate};
use std::path::Path;

/// Reads and parses the macro file a config entry names.
pub fn read_macro(cfg: &MacroConfig) -> Result<(MacroSeries, FileReport)> {
    let bytes = std::fs::read(&cfg.file)
        .map_err(|e| Error::input(Location::file(&cfg.file), format!("cannot read macro file: {e}")))?;
    parse_macro(&bytes, &cfg.file, cfg)
}

const DATE_NAMES: [&str; 8] =
    ["date", "observation date", "time", "timestamp", "datetime", "period", "month", "day"];

/// Text that means "no value" in a macro file: FRED writes `.` (legacy) or nothing.
fn is_missing(field: &[u8]) -> bool {
    let f = field.trim_ascii();
    f.is_empty()
        || f == b"."
        || f.eq_ignore_ascii_case(b"null")
        || f.eq_ignore_ascii_case(b"na")
        || f.eq_ignore_ascii_case(b"n/a")
        || f.eq_ignore_ascii_case(b"#n/a")
}

/// The typical spacing of the observations, for the report.
fn frequency(obs: &[MacroObs]) -> &'static str {
    if obs.len() < 2 {
        return "single";
    }
    let mut gaps: Vec<i64> = obs.windows(2).map(|w| (w[1].period - w[0].period).num_days()).collect();
    gaps.sort_unstable();
    match gaps[gaps.len() / 2] {
        0..=4 => "daily",
        5..=10 => "weekly",
        25..=35 => "monthly",
        85..=95 => "quarterly",
        360..=370 => "annual",
        _ => "irregular",
    }
}

/// Parses macro CSV bytes as if read from `path`, configured by `cfg` (id, label, column, lag).
pub fn parse_macro(bytes: &[u8], path: &Path, cfg: &MacroConfig) -> Result<(MacroSeries, FileReport)> {
    csvio::reject_non_text(bytes, path)?;
    let prep = csvio::prepare(bytes);
    let decimal_comma = prep.delimiter != b',';
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(prep.delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(prep.body);
    let mut rec = csv::ByteRecord::new();
    let mut lines = csvio::Lines::new(prep.body);
    let empty =
        || Error::input(Location::file(path), "empty file: expected a header line such as `DATE,SERIES`");
    if !rdr.read_byte_record(&mut rec).map_err(|e| csvio::csv_error(path, &e))? {
        return Err(empty());
    }
    let raw_names: Vec<String> = rec.iter().map(|f| String::from_utf8_lossy(f).trim().to_string()).collect();
    let names: Vec<String> = rec.iter().map(csvio::norm_header).collect();
    if names.iter().all(String::is_empty) {
        return Err(empty());
    }
    if names.len() < 2 {
        return Err(Error::input(
            Location::line(path, 1),
            format!(
                "one column ({}): expected a date column and a value column",
                csvio::header_list(&raw_names)
            ),
        ));
    }
    let n_fields = rec.len();
    let date_col = names.iter().position(|n| DATE_NAMES.contains(&n.as_str())).unwrap_or(0);
    let value_col = match &cfg.column {
        Some(want) => {
            let want_norm = csvio::norm_header(want.as_bytes());
            names.iter().position(|n| *n == want_norm).ok_or_else(|| {
                Error::input(
                    Location::line(path, 1),
                    format!(
                        "no column `{}` (from `column` of macro `{}`): expected one of {}",
                        csvio::show(want.as_bytes()),
                        csvio::show(cfg.id.as_bytes()),
                        csvio::header_list(&raw_names)
                    ),
                )
            })?
        }
        None => (0..names.len()).find(|&i| i != date_col).unwrap_or(1),
    };
    let value_name = raw_names[value_col].clone();
    let series_like = !value_name.is_empty()
        && value_name.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    let value_name = csvio::show(value_name.as_bytes());
    let fred = n_fields == 2
        && (raw_names[date_col] == "DATE" || names[date_col] == "observation date" || series_like);

    let lag = cfg.release_lag_days.unwrap_or_else(|| default_release_lag(&cfg.id));
    let mut obs: Vec<MacroObs> = Vec::new();
    let mut warnings = Vec::new();
    let mut order = Order::default();
    let mut date_fmt: Option<DateFormat> = None;
    let mut missing: (usize, u64) = (0, 0);
    let mut missing_periods: Vec<NaiveDate> = Vec::new();
    let mut blank: (usize, u64) = (0, 0);
    let count = |c: &mut (usize, u64), line: u64| {
        c.0 += 1;
        if c.1 == 0 {
            c.1 = line;
        }
    };

    while rdr.read_byte_record(&mut rec).map_err(|e| csvio::csv_error(path, &e))? {
        let line = lines.of(&rec);
        if csvio::is_blank(&rec) {
            count(&mut blank, line);
            continue;
        }
        csvio::check_field_count(&rec, n_fields, prep.delimiter, path, line)?;
        let field = |i: usize| rec.get(i).unwrap_or_default();
        let cell = |i: usize| Location::cell(path, line, i + 1);
        let date_field = field(date_col);
        let period = csvio::row_date(date_field, &mut date_fmt, || cell(date_col))?;
        let vf = field(value_col);
        if is_missing(vf) {
            count(&mut missing, line);
            missing_periods.push(period);
            continue;
        }
        let value = csvio::parse_num(vf, decimal_comma)
            .map_err(|e| Error::input(cell(value_col), csvio::num_message(e, vf, &value_name)))?;
        let release = release_date(period, lag).ok_or_else(|| {
            Error::input(cell(date_col), format!("date {period} plus a release lag of {lag} days: expected a lag of 0 days or more and a date in range"))
        })?;
        match order.step(period, line, path, date_col + 1)? {
            Step::Duplicate { prev_line } => {
                let last = obs[obs.len() - 1];
                if last.value == value {
                    warnings.push(Warning {
                        line: Some(line),
                        message: format!("identical duplicate of line {prev_line} ({period}) skipped"),
                    });
                    continue;
                }
                return Err(Error::input(
                    cell(date_col),
                    format!(
                        "duplicate date {period} with a different value from line {prev_line}: \
                         expected one row per date"
                    ),
                ));
            }
            Step::Next { .. } => obs.push(MacroObs { period, release, value }),
        }
    }

    if obs.is_empty() {
        let why = if missing.0 > 0 {
            format!(
                "no numeric values in column `{value_name}` ({} missing): expected at least one number",
                missing.0
            )
        } else {
            "no data rows: expected at least one dated value".to_string()
        };
        return Err(Error::input(Location::file(path), why));
    }
    if missing.0 > 0 {
        warnings.push(Warning {
            line: Some(missing.1),
            message: format!("{} missing values (`.` or empty) skipped, first here", missing.0),
        });
    }
    if blank.0 > 0 {
        warnings.push(Warning {
            line: Some(blank.1),
            message: format!("{} empty rows skipped, first here", blank.0),
        });
    }
    if order.newest_first() {
        obs.reverse();
        warnings.insert(0, Warning { line: None, message: "file is written newest first: reversed".into() });
    }
    let freq = frequency(&obs);
    if freq == "monthly" {
        warnings.extend(missing_months(&obs, &missing_periods));
    }
    let format = format!("{}, {}", if fred { "fred" } else { "plain" }, freq);
    let report = FileReport {
        role: String::new(),
        path: path.to_path_buf(),
        format,
        rows: obs.len(),
        first: obs.first().map(|o| o.period),
        last: obs.last().map(|o| o.period),
        sha256: prep.sha256,
        bytes: bytes.len() as u64,
        warnings,
    };
    let series = MacroSeries {
        id: cfg.id.clone(),
        label: cfg.label.clone().unwrap_or_else(|| cfg.id.clone()),
        transform: cfg.transform,
        supportive_when: cfg.supportive_when,
        release_lag_days: lag,
        obs,
    };
    Ok((series, report))
}

/// Months absent from a monthly series (e.g. CPI for 2025-10, never published): one warning per
/// gap, so the note's appendix says which observations do not exist rather than hiding them.
/// Months present as rows marked missing (`.`) are already reported and are not counted again.
fn missing_months(obs: &[MacroObs], dotted: &[NaiveDate]) -> Vec<Warning> {
    use chrono::Datelike;
    let month = |d: NaiveDate| i64::from(d.year()) * 12 + i64::from(d.month0());
    let dotted: std::collections::HashSet<i64> = dotted.iter().map(|d| month(*d)).collect();
    obs.windows(2)
        .filter_map(|w| {
            let (a, b) = (month(w[0].period), month(w[1].period));
            let gap = b - a - 1;
            let all_dotted = (a + 1..b).all(|m| dotted.contains(&m));
            (gap > 0 && !all_dotted).then(|| {
                let first = w[0].period.checked_add_months(chrono::Months::new(1)).unwrap_or(w[0].period);
                let what = if gap == 1 {
                    format!("no observation for {}", first.format("%Y-%m"))
                } else {
                    format!("no observations for {} months from {}", gap, first.format("%Y-%m"))
                };
                Warning {
                    line: None,
                    message: format!("{what} (a gap in a monthly series; signals treat it as missing)"),
                }
            })
        })
        .collect()
}

/// The first day an observation of `period` is public under `lag_days`.
pub fn release_date(period: NaiveDate, lag_days: i64) -> Option<NaiveDate> {
    period.checked_add_days(Days::new(u64::try_from(lag_days).ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Transform;
    use std::path::PathBuf;

    #[test]
    fn a_missing_month_is_a_warning() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let o = |s: &str| MacroObs { period: d(s), release: d(s), value: 1.0 };
        let w = missing_months(&[o("2025-08-01"), o("2025-09-01"), o("2025-11-01"), o("2026-03-01")], &[]);
        assert_eq!(w.len(), 2);
        assert!(w[0].message.starts_with("no observation for 2025-10 "), "{}", w[0].message);
        assert!(w[1].message.starts_with("no observations for 3 months from 2025-12 "), "{}", w[1].message);
        assert!(missing_months(&[o("2025-08-01"), o("2025-09-01")], &[]).is_empty());
        // A month present as a `.` row is reported by the missing-values warning instead.
        assert!(missing_months(&[o("2025-08-01"), o("2025-10-01")], &[d("2025-09-01")]).is_empty());
    }

    fn cfg(id: &str) -> MacroConfig {
        MacroConfig {
            id: id.into(),
            file: PathBuf::from("m.csv"),
            label: None,
            transform: Transform::Level,
            supportive_when: None,
            release_lag_days: None,
            column: None,
        }
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn fred_legacy_with_dots_and_default_lag() {
        let text = "DATE,CPIAUCSL\n2024-01-01,300.1\n2024-02-01,.\n2024-03-01,301.5\n2024-04-01,302\n2024-05-01,303\n";
        let (s, r) = parse_macro(text.as_bytes(), Path::new("m.csv"), &cfg("cpi")).unwrap();
        assert_eq!(s.obs.len(), 4);
        assert_eq!(s.label, "cpi");
        assert_eq!(s.release_lag_days, 45);
        assert_eq!(s.obs[0], MacroObs { period: d(2024, 1, 1), release: d(2024, 2, 15), value: 300.1 });
        assert_eq!(r.format, "fred, monthly");
        assert_eq!(r.warnings.len(), 1);
        assert_eq!(r.warnings[0].line, Some(3));
        assert!(r.warnings[0].message.starts_with("1 missing values"));
    }

    #[test]
    fn named_column_and_configured_lag() {
        let mut c = cfg("fwd_eps");
        c.column = Some("EPS".into());
        c.release_lag_days = Some(3);
        c.label = Some("Forward EPS".into());
        let text = "date,sales,eps\n2024-01-05,10,1.5\n2024-01-12,11,1.6\n";
        let (s, r) = parse_macro(text.as_bytes(), Path::new("m.csv"), &c).unwrap();
        assert_eq!(s.obs.iter().map(|o| o.value).collect::<Vec<_>>(), vec![1.5, 1.6]);
        assert_eq!(s.obs[1].release, d(2024, 1, 15));
        assert_eq!(s.label, "Forward EPS");
        assert_eq!(r.format, "plain, weekly");
        c.column = Some("pe".into());
        let e = parse_macro(text.as_bytes(), Path::new("m.csv"), &c).unwrap_err().to_string();
        assert!(e.contains("m.csv:1") && e.contains("`pe`") && e.contains("`eps`"), "{e}");
    }

    #[test]
    fn only_missing_values_is_an_error() {
        let e = parse_macro(
            b"observation_date,DGS10\n2024-01-02,\n2024-01-03,.\n",
            Path::new("m.csv"),
            &cfg("x"),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("no numeric values"), "{e}");
    }

    #[test]
    fn bad_value_and_order_errors() {
        let e = parse_macro(b"date,V\n2024-01-02,1\n2024-01-03,x1\n", Path::new("m.csv"), &cfg("x"))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("m.csv:3:2") && e.contains("`x1`"), "{e}");
        let e =
            parse_macro(b"date,V\n2024-01-02,1\n2024-01-03,2\n2024-01-01,3\n", Path::new("m.csv"), &cfg("x"))
                .unwrap_err()
                .to_string();
        assert!(e.starts_with("m.csv:4:1") && e.contains("ascending"), "{e}");
    }

    #[test]
    fn newest_first_reversed() {
        let (s, r) =
            parse_macro(b"date,V\n2024-03-01,3\n2024-02-01,2\n", Path::new("m.csv"), &cfg("x")).unwrap();
        assert_eq!(s.obs[0].value, 2.0);
        assert!(r.warnings[0].message.contains("newest first"));
    }
}
