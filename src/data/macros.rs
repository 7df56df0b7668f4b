//! Macro CSV reader. Input: a FRED download (`DATE,SERIES` or `observation_date,SERIES`, `.` or
//! empty for missing), any `date,value` file, or a named column of a wider file; output: a
//! [`MacroSeries`] oldest first with release dates (`period + release lag`) and a [`FileReport`].

use super::csvio::{self, DateFormat, Order, Step};
use super::{FileReport, MacroObs, MacroSeries, Warning};
use crate::config::{default_release_lag, MacroConfig};
use crate::error::{Error, Location, Result};
use chrono::{Days, NaiveDate};
use std::path::Path;

/// The index of the header `want` (normalised like every header) named by the config key `key`
/// of macro `cfg`; else an error at line 1 listing the file's columns.
fn named_column(
    names: &[String],
    raw_names: &[String],
    want: &str,
    key: &str,
    cfg: &MacroConfig,
    path: &Path,
) -> Result<usize> {
    let want_norm = csvio::norm_header(want.as_bytes());
    names.iter().position(|n| *n == want_norm).ok_or_else(|| {
        Error::input(
            Location::line(path, 1),
            format!(
                "no column `{}` (from `{key}` of macro `{}`): expected one of {}",
                csvio::show(want.as_bytes()),
                csvio::show(cfg.id.as_bytes()),
                csvio::header_list(raw_names)
            ),
        )
    })
}

/// Reads and parses the macro file a config entry names.
pub fn read_macro(cfg: &MacroConfig) -> Result<(MacroSeries, FileReport)> {
    let bytes = super::read::read(&cfg.file, super::read::Kind::Macro)
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

/// The shortest default lag of a monthly series: 32 days after the month starts, 1 to 4 days
/// after it ends (a monthly average such as FEDFUNDS is published on the next month's first
/// business day).
const MONTHLY_MIN_LAG: i64 = 32;

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
    let delimiter =
        cfg.separator.as_deref().and_then(crate::config::separator_byte).unwrap_or(prep.delimiter);
    let reader = || {
        csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(prep.body)
    };
    let mut rdr = reader();
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
    let date_col = match &cfg.date_column {
        Some(want) => named_column(&names, &raw_names, want, "date_column", cfg, path)?,
        None => names.iter().position(|n| DATE_NAMES.contains(&n.as_str())).unwrap_or(0),
    };
    let vintages = if cfg.column.is_none() { alfred_vintages(&raw_names, date_col) } else { Vec::new() };
    let value_col = match &cfg.column {
        Some(want) => named_column(&names, &raw_names, want, "column", cfg, path)?,
        None if !vintages.is_empty() => vintages[0].0,
        None => pick_value_column(&names, &raw_names, date_col, cfg, path)?,
    };
    let value_name = raw_names[value_col].clone();
    let series_like = !value_name.is_empty()
        && value_name.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    let value_name = csvio::show(value_name.as_bytes());
    let fred = (n_fields == 2 || cfg.column.is_none())
        && (raw_names[date_col] == "DATE" || names[date_col] == "observation date" || series_like);
    let style = csvio::NumStyle {
        decimal_comma: match cfg.decimal.as_deref().and_then(crate::config::decimal_is_comma) {
            Some(c) => c,
            None => {
                delimiter != b','
                    && reader()
                        .byte_records()
                        .skip(1)
                        .take(500)
                        .filter_map(|r| r.ok())
                        .any(|r| r.get(value_col).is_some_and(|f| f.contains(&b',')))
            }
        },
    };
    let mut date_fmt: Option<DateFormat> = cfg.date_format.as_deref().map(|f| DateFormat::Custom(f.into()));
    if date_fmt.is_none() {
        let mut scan_lines = csvio::Lines::new(prep.body);
        let fields = reader().into_byte_records().filter_map(|r| r.ok()).map(move |r| {
            let line = scan_lines.of(&r);
            (line, r.get(date_col).unwrap_or_default().to_vec())
        });
        date_fmt = csvio::scan_day_month(
            fields.skip(1).filter(|(_, f)| !f.trim_ascii().is_empty()),
            path,
            date_col,
        )?;
    }

    let lag = cfg.release_lag_days.unwrap_or_else(|| default_release_lag(&cfg.id));
    let mut obs: Vec<MacroObs> = Vec::new();
    let mut warnings = Vec::new();
    let mut order = Order::default();
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
        csvio::check_field_count(&rec, n_fields, delimiter, path, line)?;
        let field = |i: usize| rec.get(i).unwrap_or_default();
        let cell = |i: usize| Location::cell(path, line, i + 1);
        let date_field = field(date_col);
        let period = csvio::row_date(date_field, &mut date_fmt, || cell(date_col))?;
        if !vintages.is_empty() {
            if let Step::Duplicate { prev_line } = order.step(period, line, path, date_col + 1)? {
                return Err(Error::input(
                    cell(date_col),
                    format!("duplicate date {period} (also on line {prev_line}): expected one row per date in a vintage file"),
                ));
            }
            let before = obs.len();
            read_vintages(&rec, &vintages, period, style, path, line, &mut obs)?;
            if obs.len() == before {
                count(&mut missing, line);
            }
            continue;
        }
        let vf = field(value_col);
        if is_missing(vf) {
            count(&mut missing, line);
            missing_periods.push(period);
            continue;
        }
        let value = csvio::parse_number(vf, style, false)
            .map_err(|e| Error::input(cell(value_col), csvio::num_message(e, vf, &value_name)))?;
        let release = release_date(period, lag)
            .map(|r| if cfg.release_lag_days.is_none() { us_release_calendar(&cfg.id, period, r) } else { r })
            .ok_or_else(|| {
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
    let mut lag = lag;
    if !vintages.is_empty() {
        obs.sort_by(|a, b| a.period.cmp(&b.period).then(a.release.cmp(&b.release)));
        lag = first_release_lag(&obs);
        warnings.push(Warning {
            line: Some(1),
            message: format!(
                "ALFRED vintages ({} from {} to {}): read point in time, each value counts from its vintage date (no fixed release lag)",
                vintages.len(),
                vintages[0].1,
                vintages[vintages.len() - 1].1
            ),
        });
    }
    let freq = frequency(&first_releases(&obs));
    // A default lag meant for a daily series (`fed_funds` also reads DFF) would count a monthly
    // average from the 2nd of its own month, before the month is over: a monthly file read
    // without a configured lag counts each value from the next month at the earliest.
    if vintages.is_empty() && cfg.release_lag_days.is_none() && freq == "monthly" && lag < MONTHLY_MIN_LAG {
        lag = MONTHLY_MIN_LAG;
        for o in &mut obs {
            if let Some(r) = release_date(o.period, lag) {
                o.release = us_release_calendar(&cfg.id, o.period, r);
            }
        }
    }
    if freq == "monthly" {
        warnings.extend(missing_months(&first_releases(&obs), &missing_periods));
    }
    let source = if !vintages.is_empty() {
        "alfred"
    } else if fred {
        "fred"
    } else {
        "plain"
    };
    let format = format!("{source}, {freq}");
    let report = FileReport {
        role: String::new(),
        path: path.to_path_buf(),
        format,
        rows: if vintages.is_empty() { obs.len() } else { first_releases(&obs).len() },
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

/// FRED codes of the well-known ids (README table): a file with several value columns uses the
/// one named after its series.
pub fn fred_codes(id: &str) -> &'static [&'static str] {
    match id {
        "fed_funds" => &["DFF", "FEDFUNDS"],
        "dff" => &["DFF"],
        "fed_funds_monthly" => &["FEDFUNDS"],
        "dgs2" => &["DGS2"],
        "dgs10" => &["DGS10"],
        "t10y2y" => &["T10Y2Y"],
        "cpi" => &["CPIAUCSL", "CPIAUCNS"],
        "core_cpi" => &["CPILFESL", "CPILFENS"],
        "unrate" => &["UNRATE"],
        "indpro" => &["INDPRO"],
        "hy_oas" => &["BAMLH0A0HYM2"],
        "ppi" => &["PPIFIS"],
        "ahe" => &["CES0500000003"],
        _ => &[],
    }
}

/// The value column of a file without `column`: the only non-date column, or the one named
/// after the series (its FRED code, or the id itself); several others are an error listing them.
fn pick_value_column(
    names: &[String],
    raw_names: &[String],
    date_col: usize,
    cfg: &MacroConfig,
    path: &Path,
) -> Result<usize> {
    let values: Vec<usize> = (0..names.len()).filter(|&i| i != date_col && !names[i].is_empty()).collect();
    if values.len() <= 1 {
        return Ok(values.first().copied().unwrap_or(if date_col == 0 { 1 } else { 0 }));
    }
    let id_norm = csvio::norm_header(cfg.id.as_bytes());
    let matching: Vec<usize> = values
        .iter()
        .copied()
        .filter(|&i| {
            names[i] == id_norm
                || fred_codes(&cfg.id).iter().any(|c| names[i] == csvio::norm_header(c.as_bytes()))
        })
        .collect();
    if let [one] = matching[..] {
        return Ok(one);
    }
    let listed: Vec<String> = values.iter().map(|&i| raw_names[i].clone()).collect();
    let codes = fred_codes(&cfg.id);
    let why = if codes.is_empty() {
        "none is named after it".to_string()
    } else {
        format!("none is named {}, its FRED code", codes.join(" or "))
    };
    Err(Error::input(
        Location::line(path, 1),
        format!(
            "{} value columns ({}) for macro `{}` and {why}: expected `column = \"…\"` naming one of them in the config",
            values.len(),
            csvio::header_list(&listed),
            csvio::show(cfg.id.as_bytes())
        ),
    ))
}

/// ALFRED's all-vintages layout: every value column named `SERIES_YYYYMMDD` (one per vintage,
/// the date it was published), oldest vintage first. Empty when the header is not that layout.
fn alfred_vintages(raw_names: &[String], date_col: usize) -> Vec<(usize, NaiveDate)> {
    let mut out = Vec::new();
    let mut series: Option<&str> = None;
    for (i, n) in raw_names.iter().enumerate() {
        if i == date_col {
            continue;
        }
        let Some((code, stamp)) = n.rsplit_once('_') else { return Vec::new() };
        let Some(date) = (stamp.len() == 8).then(|| DateFormat::Compact.parse(stamp.as_bytes())).flatten()
        else {
            return Vec::new();
        };
        if code.is_empty() || series.is_some_and(|s| s != code) {
            return Vec::new();
        }
        series = Some(code);
        out.push((i, date));
    }
    out.sort_by_key(|&(_, d)| d);
    out
}

/// One row of a vintage file: an observation each time the value is new or revised, public from
/// its vintage date.
fn read_vintages(
    rec: &csv::ByteRecord,
    vintages: &[(usize, NaiveDate)],
    period: NaiveDate,
    style: csvio::NumStyle,
    path: &Path,
    line: u64,
    obs: &mut Vec<MacroObs>,
) -> Result<()> {
    let mut last: Option<f64> = None;
    for &(col, vintage) in vintages {
        let f = rec.get(col).unwrap_or_default();
        if is_missing(f) {
            continue;
        }
        let value = csvio::parse_number(f, style, false).map_err(|e| {
            Error::input(Location::cell(path, line, col + 1), csvio::num_message(e, f, "value"))
        })?;
        if last != Some(value) {
            obs.push(MacroObs { period, release: vintage.max(period), value });
            last = Some(value);
        }
    }
    Ok(())
}

/// The first-published observation of each period (observations sorted by period, then release).
fn first_releases(obs: &[MacroObs]) -> Vec<MacroObs> {
    let mut out: Vec<MacroObs> = Vec::with_capacity(obs.len());
    for o in obs {
        if out.last().is_none_or(|l| l.period != o.period) {
            out.push(*o);
        }
    }
    out
}

/// The median days from a period to its first vintage: the lag the staleness rule allows.
fn first_release_lag(obs: &[MacroObs]) -> i64 {
    let mut lags: Vec<i64> = first_releases(obs).iter().map(|o| (o.release - o.period).num_days()).collect();
    lags.sort_unstable();
    lags.get(lags.len() / 2).copied().unwrap_or(0)
}

/// Releases of the well-known monthly series that came out later than any fixed lag allows:
/// the 2025 federal shutdown delayed the BLS reports (series ids, period, release date).
/// Sources: BLS release schedule notices (Employment Situation for September 2025 on
/// 2025-11-20 and November 2025 on 2025-12-16; CPI for September 2025 on 2025-10-24 and
/// November 2025 on 2025-12-18; October 2025 was not collected for either).
const LATE_RELEASES: &[(&[&str], &str, &str)] = &[
    (&["unrate", "ahe"], "2025-09-01", "2025-11-20"),
    (&["unrate", "ahe"], "2025-11-01", "2025-12-16"),
    (&["cpi", "core_cpi"], "2025-09-01", "2025-10-24"),
    (&["cpi", "core_cpi"], "2025-11-01", "2025-12-18"),
];

/// Whether [`us_release_calendar`] moves some of a series' dates to a known late release
/// (see [`LATE_RELEASES`]), so the note's list of assumed publication dates can say so. False
/// for a series whose lag is configured (the calendar does not touch it).
pub fn has_known_late_releases(id: &str, lag_configured: bool) -> bool {
    !lag_configured && LATE_RELEASES.iter().any(|(ids, _, _)| ids.contains(&id))
}

/// The release date of a well-known series under its default lag, with what is known of the US
/// release calendar: the Employment Situation (`unrate`, `ahe`) comes out on a Friday, so its
/// date is the first Friday on or after `rolled` (the period plus the default lag, on a
/// session); a release known to have come later (see [`LATE_RELEASES`]) takes that date. Only
/// ever later than `rolled`, never earlier. Other ids keep `rolled`.
pub fn us_release_calendar(id: &str, period: NaiveDate, rolled: NaiveDate) -> NaiveDate {
    use chrono::{Datelike, Weekday};
    let mut d = rolled;
    if matches!(id, "unrate" | "ahe") {
        let ahead = (Weekday::Fri.num_days_from_monday() + 7 - d.weekday().num_days_from_monday()) % 7;
        d = d.checked_add_days(Days::new(u64::from(ahead))).unwrap_or(d);
    }
    for (ids, p, r) in LATE_RELEASES {
        if ids.contains(&id) && p.parse::<NaiveDate>().ok() == Some(period) {
            if let Ok(r) = r.parse::<NaiveDate>() {
                d = d.max(r);
            }
        }
    }
    d
}

/// The first day an observation of `period` is taken as public under a fixed `lag_days`: the
/// period plus the lag, rolled forward to the next NYSE session when that lands on a weekend or
/// an exchange holiday (agencies publish on weekdays; a fixed lag from the first of the month
/// falls on a Sunday one time in seven). Rolling only ever moves the date later, so a note as of
/// D never counts a value before the assumed date; on a session date it changes nothing a note
/// can see, and the date the note prints is a weekday. `None` for a negative lag or a date out
/// of range. Series read from ALFRED vintages keep their vintage dates (see `read_vintages`).
pub fn release_date(period: NaiveDate, lag_days: i64) -> Option<NaiveDate> {
    let d = period.checked_add_days(Days::new(u64::try_from(lag_days).ok()?))?;
    if crate::resample::calendar::is_session(d) {
        Some(d)
    } else {
        crate::resample::calendar::next_session(d)
    }
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
            ..Default::default()
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
    fn a_monthly_file_is_never_counted_before_its_month_ends() {
        // `fed_funds` defaults to one day (a daily DFF file); the monthly FEDFUNDS average read
        // without a configured lag counts from early the next month, not from the 2nd.
        let text = "DATE,FEDFUNDS\n2024-01-01,5.33\n2024-02-01,5.33\n2024-03-01,5.33\n";
        let (s, _) = parse_macro(text.as_bytes(), Path::new("m.csv"), &cfg("fed_funds")).unwrap();
        assert_eq!(s.release_lag_days, 32);
        assert_eq!(s.obs[0].release, d(2024, 2, 2));
        assert_eq!(s.obs[1].release, d(2024, 3, 4));
        assert_eq!(
            crate::narrative::method::lag_words(&s),
            "32 days after the month starts (1 to 4 days after it ends)"
        );
        // A daily file keeps the one-day default.
        let text = "DATE,DFF\n2024-01-02,5.33\n2024-01-03,5.33\n2024-01-04,5.33\n";
        let (s, _) = parse_macro(text.as_bytes(), Path::new("m.csv"), &cfg("fed_funds")).unwrap();
        assert_eq!(s.release_lag_days, 1);
        assert_eq!(crate::narrative::method::lag_words(&s), "the next session");
        // The unemployment rate's dates are Fridays: said so.
        let text = "DATE,UNRATE\n2024-01-01,3.7\n2024-02-01,3.9\n2024-03-01,3.8\n";
        let (s, _) = parse_macro(text.as_bytes(), Path::new("m.csv"), &cfg("unrate")).unwrap();
        assert_eq!(
            crate::narrative::method::lag_words(&s),
            "the first Friday from 36 days after the month starts (5 to 8 days after it ends)"
        );
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
        // 2024-01-12 + 3 days is Martin Luther King Day (NYSE closed): the next session.
        assert_eq!(s.obs[1].release, d(2024, 1, 16));
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
