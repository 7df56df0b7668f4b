//! Bar CSV reader. Input: a daily OHLCV CSV (Yahoo, Stooq, TradingView, Alpha Vantage or plain
//! `date,open,high,low,close,volume`); output: [`Bars`] oldest first and a [`FileReport`].
//!
//! Columns are found by header name in any order (English, German, Stooq's `<CLOSE>`, Nasdaq's
//! `Close/Last`, Investing's `Price`; yfinance's three-line header), or by the config's `columns`
//! map; the delimiter, the decimal mark, the date layout (day or month first decided from all of
//! the file's values) and the row order are detected once per file. Unusable rows are errors
//! naming file:line:column. Data wrong in a recognisable way is refused with the reason (weekly
//! bars, dates shifted off the sessions, an unexplained split-shaped gap); recoverable oddities
//! (null rows, zero volume, long gaps, identical duplicates, float noise in high/low, stray rows
//! on exchange closures, splits from a split column) become warnings, one per kind with counts.

use super::csvio::{self, DateFormat, NumError, Order, Step};
use super::{Bar, Bars, FileReport, Warning};
use crate::error::{Error, Location, Result};
use chrono::NaiveDate;
use std::path::Path;

/// Calendar days between two rows above which a gap is reported.
const GAP_WARN_DAYS: i64 = 7;

/// Relative gap between high/low and open/close taken as float noise (clipped with a warning);
/// anything larger is a real inconsistency and an error.
const RANGE_NOISE: f64 = 1e-6;

/// Details listed in an aggregated warning before "…".
const LISTED: usize = 3;

/// How to read one bar file beyond what is detected: the config's per-input escape hatch.
#[derive(Debug, Clone, Default)]
pub struct BarOptions {
    /// Scale open/high/low/close by `adj close / close`.
    pub adjust: bool,
    /// Column names to use instead of the recognised ones.
    pub columns: crate::config::ColumnMap,
    /// Field separator (sniffed from the header when `None`).
    pub separator: Option<u8>,
    /// Decimal comma (`Some(true)`), point (`Some(false)`), or detected from the values.
    pub decimal_comma: Option<bool>,
    /// A chrono strftime pattern for the dates (detected when `None`).
    pub date_format: Option<String>,
    /// Splits declared in the config (ratio 1: not a split).
    pub splits: Vec<crate::config::SplitConfig>,
}

impl BarOptions {
    /// The options an `[instrument]`-like config table asks for.
    pub fn from_config(ic: &crate::config::InstrumentConfig) -> BarOptions {
        BarOptions {
            adjust: ic.adjust,
            columns: ic.columns.clone().unwrap_or_default(),
            separator: ic.separator.as_deref().and_then(crate::config::separator_byte),
            decimal_comma: ic.decimal.as_deref().and_then(crate::config::decimal_is_comma),
            date_format: ic.date_format.clone(),
            splits: ic.splits.clone(),
        }
    }
}

/// Reads and parses a bar CSV; `adjust` scales open/high/low/close by `adj close / close`.
pub fn read_bars(path: &Path, adjust: bool) -> Result<(Bars, FileReport)> {
    read_bars_with(path, &BarOptions { adjust, ..BarOptions::default() })
}

/// Reads and parses a bar CSV with the config's reading options.
pub fn read_bars_with(path: &Path, opts: &BarOptions) -> Result<(Bars, FileReport)> {
    let bytes = super::read::read(path, super::read::Kind::Bars)
        .map_err(|e| Error::input(Location::file(path), format!("cannot read bar file: {e}")))?;
    parse_bars_with(&bytes, path, opts)
}

/// Column indices (0-based) of the fields a bar file needs.
#[derive(Debug, Clone, Copy)]
struct Columns {
    date: usize,
    open: usize,
    high: usize,
    low: usize,
    close: usize,
    adj: Option<usize>,
    volume: Option<usize>,
    split: Option<usize>,
}

const DATE_NAMES: [&str; 10] =
    ["date", "time", "timestamp", "datetime", "day", "<date>", "datum", "fecha", "date time", "trade date"];
const OPEN_NAMES: [&str; 7] =
    ["open", "<open>", "eröffnung", "eroeffnung", "erster", "apertura", "open price"];
const HIGH_NAMES: [&str; 8] =
    ["high", "<high>", "hoch", "höchst", "hoechst", "tageshoch", "max", "high price"];
const LOW_NAMES: [&str; 7] = ["low", "<low>", "tief", "tiefst", "tagestief", "min", "low price"];
const CLOSE_NAMES: [&str; 11] = [
    "close",
    "<close>",
    "last",
    "price",
    "close/last",
    "schluss",
    "schlusskurs",
    "letzter",
    "zuletzt",
    "close price",
    "closing price",
];
const ADJ_NAMES: [&str; 4] = ["adj close", "adjusted close", "adjclose", "adj close/last"];
const VOLUME_NAMES: [&str; 5] = ["volume", "vol", "<vol>", "volumen", "stücke"];
const SPLIT_NAMES: [&str; 6] =
    ["split coefficient", "stock splits", "splits", "split factor", "split ratio", "split"];

/// Finds the columns by name (or the config's `columns` map); duplicate names keep the first and
/// warn. A header that lacks columns is one error naming every missing column and the fix.
fn find_columns(
    names: &[String],
    raw: &[String],
    map: &crate::config::ColumnMap,
    path: &Path,
    warnings: &mut Vec<Warning>,
) -> Result<Columns> {
    let find = |wanted: &[&str]| -> Option<usize> { names.iter().position(|n| wanted.contains(&n.as_str())) };
    for (i, n) in names.iter().enumerate() {
        if !n.is_empty() && names[..i].contains(n) {
            let first = names.iter().position(|m| m == n).unwrap_or(i);
            warnings.push(Warning {
                line: Some(1),
                message: format!(
                    "column `{n}` appears twice: using column {}, ignoring column {}",
                    first + 1,
                    i + 1
                ),
            });
        }
    }
    let listed = || csvio::header_list(raw);
    // (missing key, what was expected) and config names that are not in the header.
    let mut missing: Vec<(&str, &str)> = Vec::new();
    let mut not_found: Vec<String> = Vec::new();
    let mut pick =
        |key: &'static str, given: &Option<String>, wanted: &[&str], expect: &'static str| -> Option<usize> {
            match given {
                Some(g) => {
                    let want = csvio::norm_header(g.as_bytes());
                    let i = names.iter().position(|n| *n == want);
                    if i.is_none() {
                        not_found.push(format!("`{}` (from `columns.{key}`)", csvio::show(g.as_bytes())));
                    }
                    i
                }
                None => {
                    let i = find(wanted);
                    if i.is_none() && !expect.is_empty() {
                        missing.push((key, expect));
                    }
                    i
                }
            }
        };
    let date = pick("date", &map.date, &DATE_NAMES, "one named date, time, timestamp or datetime");
    let open = pick("open", &map.open, &OPEN_NAMES, "one named open");
    let high = pick("high", &map.high, &HIGH_NAMES, "one named high");
    let low = pick("low", &map.low, &LOW_NAMES, "one named low");
    let close = pick("close", &map.close, &CLOSE_NAMES, "one named close");
    let adj = pick("adj_close", &map.adj_close, &ADJ_NAMES, "");
    let volume = pick("volume", &map.volume, &VOLUME_NAMES, "");
    if let (Some(date), Some(open), Some(high), Some(low), Some(close), true, true) =
        (date, open, high, low, close, missing.is_empty(), not_found.is_empty())
    {
        return Ok(Columns { date, open, high, low, close, adj, volume, split: find(&SPLIT_NAMES) });
    }
    let mut parts = Vec::new();
    if !not_found.is_empty() {
        parts.push(format!("no column {} in the header ({})", not_found.join(", "), listed()));
    }
    if !missing.is_empty() {
        let keys: Vec<&str> = missing.iter().map(|(k, _)| *k).collect();
        let expect = match &missing[..] {
            [(_, e)] => e.to_string(),
            _ if keys.contains(&"date") => {
                format!("{} columns (the date one named date, time, timestamp or datetime)", keys.join(", "))
            }
            _ => format!("{} columns", keys.join(", ")),
        };
        parts.push(format!(
            "no {} column{} in the header ({}): expected {expect}",
            keys.join(", "),
            if keys.len() == 1 { "" } else { "s" },
            listed(),
        ));
    }
    let example = missing.iter().map(|(k, _)| format!("{k} = \"…\"")).collect::<Vec<_>>().join(", ");
    let fix = if example.is_empty() {
        String::new()
    } else {
        format!(
            " (or name {} in the config: `columns = {{ {example} }}` on this input)",
            if missing.len() == 1 { "it" } else { "them" }
        )
    };
    Err(Error::input(Location::line(path, 1), format!("{}{fix}", parts.join("; "))))
}

/// The source a file most likely came from, for the report.
fn detect_format(
    header_line: &[u8],
    names: &[String],
    cols: &Columns,
    date_fmt: &DateFormat,
    multi_header: bool,
    decimal_comma: bool,
) -> &'static str {
    if multi_header {
        "yfinance"
    } else if matches!(date_fmt, DateFormat::UnixSeconds | DateFormat::UnixMillis) {
        "tradingview"
    } else if names.iter().any(|n| n == "<ticker>") {
        "stooq ascii"
    } else if decimal_comma {
        "european"
    } else if names[cols.close] == "close/last" {
        "nasdaq"
    } else if names[cols.close] == "price" || *date_fmt == DateFormat::MonthName {
        "investing"
    } else if names[cols.date] == "timestamp" {
        "alphavantage"
    } else if cols.adj.is_some() {
        "yahoo"
    } else if header_line.trim_ascii() == b"Date,Open,High,Low,Close,Volume"
        && matches!(date_fmt, DateFormat::Dash)
    {
        "stooq"
    } else {
        "plain"
    }
}

/// Counts one kind of recoverable oddity and keeps the first few places, so a file with 3,680
/// zero-volume rows gives one warning, not 3,680.
#[derive(Debug, Default)]
struct Tally {
    count: usize,
    first: Vec<(u64, String)>,
}

impl Tally {
    fn add(&mut self, line: u64, detail: impl FnOnce() -> String) {
        self.count += 1;
        if self.first.len() < LISTED {
            self.first.push((line, detail()));
        }
    }

    /// One warning: `single(detail)` for one case, else `"{n} {many}: first …"`.
    fn emit(self, out: &mut Vec<Warning>, single: impl FnOnce(&str) -> String, many: &str) {
        let Some((line, detail)) = self.first.first().cloned() else { return };
        if self.count == 1 {
            out.push(Warning { line: Some(line), message: single(&detail) });
            return;
        }
        let mut list =
            self.first.iter().map(|(l, d)| format!("{d} (line {l})")).collect::<Vec<_>>().join(", ");
        if self.count > self.first.len() {
            list.push_str(", …");
        }
        out.push(Warning { line: Some(line), message: format!("{} {many}: {list}", self.count) });
    }
}

/// Parses bar CSV bytes as if read from `path` (the path only names the file in messages).
pub fn parse_bars(bytes: &[u8], path: &Path, adjust: bool) -> Result<(Bars, FileReport)> {
    parse_bars_with(bytes, path, &BarOptions { adjust, ..BarOptions::default() })
}

/// [`parse_bars`] with the config's reading options.
pub fn parse_bars_with(bytes: &[u8], path: &Path, opts: &BarOptions) -> Result<(Bars, FileReport)> {
    csvio::reject_non_text(bytes, path)?;
    let prep = csvio::prepare(bytes);
    let body = prep.body;
    let delimiter = opts.separator.unwrap_or(prep.delimiter);
    let mut warnings = Vec::new();
    let reader =
        || csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(body);
    let mut rdr = reader();
    let mut rec = csv::ByteRecord::new();
    let mut lines = csvio::Lines::new(body);

    let empty = || Error::input(Location::file(path), "empty file: expected a header line and daily rows");
    if !rdr.read_byte_record(&mut rec).map_err(|e| csvio::csv_error(path, &e))? {
        return Err(empty());
    }
    let header_line = body.split(|&b| b == b'\n').next().unwrap_or_default();
    let mut names: Vec<String> = rec.iter().map(csvio::norm_header).collect();
    let raw_names: Vec<String> = rec.iter().map(|f| String::from_utf8_lossy(f).trim().to_string()).collect();
    if names.iter().all(String::is_empty) {
        return Err(empty());
    }
    let n_fields = rec.len();
    // yfinance >= 0.2.51: `Price,Close,…` / `Ticker,IWM,…` / `Date,,,,,` before the data.
    let mut header_rows = 1usize;
    if opts.columns.date.is_none()
        && names[0] == "price"
        && !names.iter().any(|n| DATE_NAMES.contains(&n.as_str()))
    {
        let mut peek = reader();
        let mut r = csv::ByteRecord::new();
        for k in 1..=3 {
            if !peek.read_byte_record(&mut r).unwrap_or(false) {
                break;
            }
            let first = csvio::norm_header(r.get(0).unwrap_or_default());
            if first == "ticker" {
                let mut tickers: Vec<String> =
                    r.iter().skip(1).map(csvio::show).filter(|t| !t.is_empty()).collect();
                tickers.dedup();
                if tickers.len() > 1 {
                    return Err(Error::input(
                        Location::line(path, 2),
                        format!(
                            "the file holds several tickers ({}): expected one instrument per file \
                             (yfinance: download one ticker, or save `df.xs(\"IWM\", axis=1, level=1)`)",
                            tickers.join(", ")
                        ),
                    ));
                }
            }
            if k > 1
                && DATE_NAMES.contains(&first.as_str())
                && r.iter().skip(1).all(|f| f.trim_ascii().is_empty())
            {
                header_rows = k;
                names[0] = first;
                break;
            }
        }
    }
    let multi_header = header_rows > 1;
    let cols = find_columns(&names, &raw_names, &opts.columns, path, &mut warnings)?;
    for _ in 1..header_rows {
        let _ = rdr.read_byte_record(&mut rec).map_err(|e| csvio::csv_error(path, &e))?;
        lines.of(&rec);
    }
    if opts.adjust && cols.adj.is_none() {
        return Err(Error::input(
            Location::line(path, 1),
            format!(
                "adjust = true needs an adjusted close column, the header has {}: expected `Adj Close`",
                csvio::header_list(&raw_names)
            ),
        ));
    }
    if cols.volume.is_none() {
        warnings.push(Warning {
            line: Some(1),
            message: "no volume column: volume is missing on every bar (volume signals unavailable)".into(),
        });
    }

    // One look at the data rows: the decimal mark and, for dates such as 01/02/2024, day or
    // month first (decided by the whole file).
    let mut date_fmt: Option<DateFormat> = opts.date_format.as_deref().map(|f| DateFormat::Custom(f.into()));
    let decimal_comma = match opts.decimal_comma {
        Some(c) => c,
        None => {
            delimiter != b','
                && reader().byte_records().skip(header_rows).take(500).filter_map(|r| r.ok()).any(|r| {
                    [cols.open, cols.high, cols.low, cols.close]
                        .iter()
                        .any(|&i| r.get(i).is_some_and(|f| f.contains(&b',')))
                })
        }
    };
    let style = csvio::NumStyle { decimal_comma };
    if date_fmt.is_none() {
        let mut scan_lines = csvio::Lines::new(body);
        let fields = reader().into_byte_records().filter_map(|r| r.ok()).map(move |r| {
            let line = scan_lines.of(&r);
            (line, r.get(cols.date).unwrap_or_default().to_vec())
        });
        let mut fields = fields.skip(header_rows).filter(|(_, f)| !f.trim_ascii().is_empty()).peekable();
        date_fmt = csvio::scan_day_month(&mut fields, path, cols.date)?;
    }

    let rows_hint = body.iter().filter(|&&b| b == b'\n').count() + 1;
    let mut bars = Bars::with_capacity(rows_hint, cols.adj.is_some());
    let mut bar_lines: Vec<u64> = Vec::with_capacity(rows_hint);
    let mut order = Order::default();
    let mut expected_line = 1 + header_rows as u64;
    let mut empty_volume: (usize, u64) = (0, 0);
    let (mut nulls, mut empties, mut blanks, mut dups, mut gaps, mut noise) = (
        Tally::default(),
        Tally::default(),
        Tally::default(),
        Tally::default(),
        Tally::default(),
        Tally::default(),
    );
    let mut file_splits: Vec<(NaiveDate, f64)> = Vec::new();

    while rdr.read_byte_record(&mut rec).map_err(|e| csvio::csv_error(path, &e))? {
        let line = lines.of(&rec);
        if line > expected_line {
            let n = line - expected_line;
            blanks.add(expected_line, || n.to_string());
        }
        expected_line = line + 1;
        if csvio::is_blank(&rec) {
            empties.add(line, String::new);
            continue;
        }
        csvio::check_field_count(&rec, n_fields, delimiter, path, line)?;
        let field = |i: usize| rec.get(i).unwrap_or_default();
        let cell = |i: usize| Location::cell(path, line, i + 1);

        let date_field = field(cols.date);
        let date = csvio::row_date(date_field, &mut date_fmt, || cell(cols.date))?;

        let value_cols = [cols.open, cols.high, cols.low, cols.close];
        if value_cols.iter().all(|&i| csvio::is_null(field(i))) {
            nulls.add(line, || date.to_string());
            continue;
        }
        let num = |i: usize, name: &str| -> Result<f64> {
            let f = field(i);
            csvio::parse_number(f, style, false)
                .map_err(|e| Error::input(cell(i), csvio::num_message(e, f, name)))
        };
        let price = |i: usize, name: &str| -> Result<f64> {
            let v = num(i, name)?;
            if v > 0.0 {
                Ok(v)
            } else {
                Err(Error::input(
                    cell(i),
                    format!("`{}` in `{name}`: expected a positive price", csvio::show(field(i))),
                ))
            }
        };
        let (open, mut high, mut low, close) = (
            price(cols.open, "open")?,
            price(cols.high, "high")?,
            price(cols.low, "low")?,
            price(cols.close, "close")?,
        );
        let adj_close = match cols.adj {
            Some(i) => Some(price(i, "adj close")?),
            None => None,
        };
        let volume = match cols.volume {
            None => f64::NAN,
            Some(i) => match csvio::parse_number(field(i), style, true) {
                Ok(v) if v < 0.0 => {
                    return Err(Error::input(
                        cell(i),
                        format!("negative volume `{}`: expected zero or more shares", csvio::show(field(i))),
                    ))
                }
                Ok(v) if v.fract() != 0.0 => {
                    return Err(Error::input(
                        cell(i),
                        format!(
                            "fractional volume `{}`: expected a whole number of shares",
                            csvio::show(field(i))
                        ),
                    ))
                }
                Ok(v) => v,
                Err(NumError::Empty) => {
                    empty_volume.0 += 1;
                    if empty_volume.1 == 0 {
                        empty_volume.1 = line;
                    }
                    f64::NAN
                }
                Err(e) => return Err(Error::input(cell(i), csvio::num_message(e, field(i), "volume"))),
            },
        };
        if let Some(i) = cols.split {
            if let Ok(c) = csvio::parse_number(field(i), style, false) {
                if c > 0.0 && c != 1.0 {
                    file_splits.push((date, c));
                }
            }
        }
        if check_range(open, &mut high, &mut low, close, path, line, &cols)? {
            noise.add(line, || date.to_string());
        }

        let mut bar = Bar { date, open, high, low, close, volume, adj_close };
        match order.step(date, line, path, cols.date + 1)? {
            Step::Duplicate { prev_line } => {
                let last = bars.bar(bars.len() - 1);
                if same_bar(&last, &bar) {
                    dups.add(line, || format!("{date}, same as line {prev_line}"));
                    continue;
                }
                return Err(Error::input(
                    cell(cols.date),
                    format!(
                        "duplicate date {date} with different values from line {prev_line}: \
                         expected one row per date{}",
                        if date_fmt == Some(DateFormat::DateTime) {
                            " (intraday bars? expected daily bars)"
                        } else {
                            ""
                        }
                    ),
                ));
            }
            Step::Next { gap_days } => {
                if gap_days > GAP_WARN_DAYS {
                    let prev = bars.date[bars.len() - 1];
                    gaps.add(line, || format!("{gap_days} calendar days between {prev} and {date}"));
                }
            }
        }
        if opts.adjust {
            if let Some(adj) = adj_close {
                let f = adj / close;
                bar.open *= f;
                bar.high *= f;
                bar.low *= f;
                bar.close = adj;
                if ![bar.open, bar.high, bar.low].iter().all(|v| v.is_finite() && *v > 0.0) {
                    return Err(Error::input(
                        cell(cols.adj.unwrap_or(cols.close)),
                        format!(
                            "adj close {adj} against close {close} scales the prices out of range: \
                             expected an adjustment factor of a sane size"
                        ),
                    ));
                }
            }
        }
        bars.push(bar);
        bar_lines.push(line);
    }

    nulls.emit(&mut warnings, |d| format!("null row for {d} skipped"), "null rows skipped, first");
    empties.emit(&mut warnings, |_| "empty row skipped".into(), "empty rows skipped, first");
    blanks.emit(
        &mut warnings,
        |n| format!("{n} blank line{} skipped", if n == "1" { "" } else { "s" }),
        "runs of blank lines skipped, first",
    );
    dups.emit(
        &mut warnings,
        |d| match d.split_once(", same as line ") {
            Some((date, l)) => format!("identical duplicate of line {l} ({date}) skipped"),
            None => format!("identical duplicate {d} skipped"),
        },
        "identical duplicate rows skipped, first",
    );
    gaps.emit(&mut warnings, |g| format!("gap of {g}"), "gaps of more than a week, first");
    noise.emit(
        &mut warnings,
        |d| format!("high/low on {d} miss open/close by float noise (at most 1e-6 relative): high taken as max(high, open, close), low as min(low, open, close)"),
        "rows whose high/low miss open/close by float noise (at most 1e-6 relative) clipped to max/min(open, close), first",
    );
    if empty_volume.0 > 0 {
        warnings.push(Warning {
            line: Some(empty_volume.1),
            message: format!("{} rows with empty volume (treated as missing), first here", empty_volume.0),
        });
    }
    if bars.is_empty() {
        return Err(Error::input(
            Location::file(path),
            "no data rows (header only, or every row null/empty): expected at least one daily bar",
        ));
    }
    if order.newest_first() {
        reverse(&mut bars);
        bar_lines.reverse();
        warnings.insert(0, Warning { line: None, message: "file is written newest first: reversed".into() });
    }
    check_spacing(&bars, path)?;
    drop_non_sessions(&mut bars, &mut bar_lines, path, &mut warnings)?;
    adjust_splits(&mut bars, &bar_lines, &file_splits, opts, cols, &raw_names, path, &mut warnings)?;
    warn_zero_volume(&bars, &bar_lines, &mut warnings);

    let format = detect_format(
        header_line,
        &names,
        &cols,
        date_fmt.as_ref().unwrap_or(&DateFormat::Dash),
        multi_header,
        decimal_comma,
    );
    let report = FileReport {
        role: String::new(),
        path: path.to_path_buf(),
        format: format.into(),
        rows: bars.len(),
        first: bars.date.first().copied(),
        last: bars.date.last().copied(),
        sha256: prep.sha256,
        bytes: bytes.len() as u64,
        warnings,
    };
    Ok((bars, report))
}

/// Rows needed before the spacing of a file is judged.
const SPACING_MIN_ROWS: usize = 8;

/// Daily bars are one session apart: a file whose rows are typically a week or a month apart is a
/// weekly or monthly download configured as daily, and is refused.
fn check_spacing(bars: &Bars, path: &Path) -> Result<()> {
    if bars.len() < SPACING_MIN_ROWS {
        return Ok(());
    }
    use crate::resample::calendar::sessions_through;
    let median_of = |mut v: Vec<i64>| {
        let mid = v.len() / 2;
        *v.select_nth_unstable(mid).1
    };
    // Spacing in NYSE sessions, so holidays and a sparse but daily file never look weekly.
    let sessions =
        median_of(bars.date.windows(2).map(|w| sessions_through(w[1]) - sessions_through(w[0])).collect());
    if sessions <= 3 {
        return Ok(());
    }
    let median = median_of(bars.date.windows(2).map(|w| (w[1] - w[0]).num_days()).collect());
    let kind = match sessions {
        ..=3 => return Ok(()),
        4..=6 => "weekly",
        15..=25 => "monthly",
        _ => "sparser than daily",
    };
    let first: Vec<String> = bars.date.iter().take(3).map(ToString::to_string).collect();
    Err(Error::input(
        Location::file(path),
        format!(
            "these bars look {kind}: the median spacing between rows is {median} days over {} rows ({}, …): \
             expected daily bars, one row per session; download the daily interval (yfinance `interval=\"1d\"`)",
            bars.len(),
            first.join(", ")
        ),
    ))
}

/// Dropped rows named in the warning before "…".
const DROPPED_LISTED: usize = 12;

/// Share of rows (in 1/N) on non-session days above which a file is refused rather than cleaned.
const OFF_SESSION_REFUSE: usize = 20;

/// Rows dated on days the NYSE was closed. A few (a vendor's flat rows on a special closure or
/// Good Friday) are dropped and each named; many mean the dates are not session dates (a
/// time-zone shift to the previous evening, a 7-day market) and the file is refused.
fn drop_non_sessions(
    bars: &mut Bars,
    lines: &mut Vec<u64>,
    path: &Path,
    warnings: &mut Vec<Warning>,
) -> Result<()> {
    use crate::resample::calendar::{is_holiday, is_session};
    use chrono::Datelike;
    let off: Vec<usize> = (0..bars.len()).filter(|&i| !is_session(bars.date[i])).collect();
    if off.is_empty() {
        return Ok(());
    }
    let n = bars.len();
    let why = |d: NaiveDate| -> String {
        if is_holiday(d) {
            "an NYSE holiday or closure".into()
        } else {
            format!("a {}", d.weekday_name())
        }
    };
    let what = |d: NaiveDate| format!("{d} ({})", why(d));
    if off.len() >= 3 && off.len() * OFF_SESSION_REFUSE > n {
        let i = off[0];
        let next_is_session = bars.date.iter().filter(|d| d.succ_opt().is_some_and(is_session)).count();
        let sundays = off.iter().filter(|&&i| bars.date[i].weekday() == chrono::Weekday::Sun).count();
        let why = if next_is_session * 50 >= n * 49 {
            format!(
                "every date is the day before a session ({sundays} Sundays): the stamps look shifted to the \
                 previous day, as when US sessions are converted to UTC or another zone upstream; \
                 expected each row dated on its session in New York time (export dates without a \
                 time-zone conversion, e.g. yfinance `df.index.tz_localize(None)` before converting)"
            )
        } else {
            "expected one row per NYSE session (a market open on weekends or holidays is not supported)"
                .into()
        };
        return Err(Error::input(
            Location::cell(path, lines[i], 1),
            format!(
                "{} of {n} rows fall on days the NYSE was closed, first {}: {why}",
                off.len(),
                what(bars.date[i])
            ),
        ));
    }
    let mut listed: Vec<String> = off
        .iter()
        .take(DROPPED_LISTED)
        .map(|&i| format!("{} (line {}, {})", bars.date[i], lines[i], why(bars.date[i])))
        .collect();
    if off.len() > DROPPED_LISTED {
        listed.push("…".into());
    }
    warnings.push(Warning {
        line: Some(lines[off[0]]),
        message: format!(
            "{} row{} on days the NYSE was closed dropped (weekly, 3-day and monthly bars use sessions only): {}",
            off.len(),
            if off.len() == 1 { "" } else { "s" },
            listed.join(", ")
        ),
    });
    // In place: a large file is not copied to drop a few rows.
    let keep: Vec<bool> = (0..n).map(|i| off.binary_search(&i).is_err()).collect();
    fn retain<T>(v: &mut Vec<T>, keep: &[bool]) {
        let mut k = keep.iter();
        v.retain(|_| *k.next().unwrap_or(&true));
    }
    retain(&mut bars.date, &keep);
    retain(&mut bars.open, &keep);
    retain(&mut bars.high, &keep);
    retain(&mut bars.low, &keep);
    retain(&mut bars.close, &keep);
    retain(&mut bars.volume, &keep);
    if let Some(a) = bars.adj_close.as_mut() {
        retain(a, &keep);
    }
    retain(&mut bars.gap, &keep);
    retain(&mut bars.n_sessions, &keep);
    retain(lines, &keep);
    Ok(())
}

trait WeekdayName {
    fn weekday_name(&self) -> &'static str;
}

impl WeekdayName for NaiveDate {
    fn weekday_name(&self) -> &'static str {
        use chrono::{Datelike, Weekday::*};
        match self.weekday() {
            Mon => "Monday",
            Tue => "Tuesday",
            Wed => "Wednesday",
            Thu => "Thursday",
            Fri => "Friday",
            Sat => "Saturday",
            Sun => "Sunday",
        }
    }
}

/// The split ratios a gap is compared with (new shares per old share; below 1: reverse splits).
const SPLIT_RATIOS: [f64; 12] = [2.0, 3.0, 4.0, 5.0, 10.0, 1.5, 0.5, 1.0 / 3.0, 0.25, 0.2, 0.1, 2.0 / 3.0];

/// Relative tolerance of a price gap against a split ratio.
const SPLIT_PRICE_TOL: f64 = 0.04;

/// Sessions on each side whose median volume is compared.
const SPLIT_VOLUME_WINDOW: usize = 20;

/// A split ratio as people write it: `2:1`, `1:10`, `3:2`.
fn ratio_text(k: f64) -> String {
    for den in 1..=4u32 {
        let num = k * f64::from(den);
        if (num - num.round()).abs() < 1e-6 && num.round() >= 1.0 {
            return format!("{}:{den}", num.round());
        }
    }
    let inv = 1.0 / k;
    if (inv - inv.round()).abs() < 1e-6 {
        return format!("1:{}", inv.round());
    }
    format!("{k}")
}

/// Divides every price before bar `at` by `k` and multiplies the volumes by `k`.
fn apply_split(bars: &mut Bars, at: usize, k: f64) {
    for j in 0..at {
        bars.open[j] /= k;
        bars.high[j] /= k;
        bars.low[j] /= k;
        bars.close[j] /= k;
        bars.volume[j] *= k;
    }
}

/// `open[at] / close[at - 1]`: the overnight price ratio across a possible split.
fn gap_ratio(bars: &Bars, at: usize) -> f64 {
    bars.open[at] / bars.close[at - 1]
}

/// True when the overnight gap at `at` is closer to a `k`-for-1 split than to no move.
fn looks_unadjusted(bars: &Bars, at: usize, k: f64) -> bool {
    let r = gap_ratio(bars, at);
    (r * k).ln().abs() < r.ln().abs()
}

/// Median of the finite, positive volumes in `v`.
fn median_volume(v: &[f64]) -> Option<f64> {
    let mut x: Vec<f64> = v.iter().copied().filter(|v| v.is_finite() && *v > 0.0).collect();
    if x.len() < 5 {
        return None;
    }
    x.sort_by(f64::total_cmp);
    Some(x[x.len() / 2])
}

/// Splits: applied from the file's split column or the config's `splits` when the prices show the
/// gap; otherwise a split-shaped gap (price ratio near a split ratio with volume in the inverse
/// ratio) is adjusted from Adj Close when that column moves by the same ratio, and is an error
/// naming the date and ratio when nothing in the file says what happened.
#[allow(clippy::too_many_arguments)]
fn adjust_splits(
    bars: &mut Bars,
    lines: &[u64],
    file_splits: &[(NaiveDate, f64)],
    opts: &BarOptions,
    cols: Columns,
    raw_names: &[String],
    path: &Path,
    warnings: &mut Vec<Warning>,
) -> Result<()> {
    let mut declared: Vec<(NaiveDate, f64, String)> = Vec::new();
    if let Some(i) = cols.split {
        let name = raw_names.get(i).cloned().unwrap_or_default();
        declared.extend(
            file_splits
                .iter()
                .map(|&(d, k)| (d, k, format!("the `{}` column", csvio::show(name.as_bytes())))),
        );
    }
    declared.extend(opts.splits.iter().map(|s| (s.date, s.ratio, "the config's `splits`".to_string())));
    declared.sort_by_key(|d| std::cmp::Reverse(d.0));
    for (date, k, source) in &declared {
        let Some(at) = bars.date.iter().position(|d| d >= date).filter(|&at| at > 0) else { continue };
        if *k == 1.0 || !looks_unadjusted(bars, at, *k) {
            continue;
        }
        apply_split(bars, at, *k);
        warnings.push(Warning {
            line: Some(lines[at]),
            message: format!(
                "{} split on {} (from {source}): prices before it divided by {k} and volumes multiplied by {k}",
                ratio_text(*k),
                bars.date[at]
            ),
        });
    }
    let is_declared = |d: NaiveDate| declared.iter().any(|(x, _, _)| *x == d);
    for at in 1..bars.len() {
        if is_declared(bars.date[at]) {
            continue;
        }
        let r = gap_ratio(bars, at);
        let Some(k) = SPLIT_RATIOS.iter().copied().find(|k| ((r * k) - 1.0).abs() < SPLIT_PRICE_TOL) else {
            continue;
        };
        let before = median_volume(&bars.volume[at.saturating_sub(SPLIT_VOLUME_WINDOW)..at]);
        let after = median_volume(&bars.volume[at..(at + SPLIT_VOLUME_WINDOW).min(bars.len())]);
        let (Some(vb), Some(va)) = (before, after) else { continue };
        let vr = va / vb;
        // Volume in the inverse ratio: nearer to k than to unchanged, within a factor of 1.4.
        if !((vr / k).ln().abs() < 0.35 && (vr / k).ln().abs() < vr.ln().abs()) {
            continue;
        }
        let (d, prev) = (bars.date[at], bars.date[at - 1]);
        let adj_says = bars.adj_close.as_ref().is_some_and(|a| {
            let before = a[at - 1] / bars.close[at - 1];
            let after = a[at] / bars.close[at];
            ((before / after) * k - 1.0).abs() < 0.01
        });
        if adj_says {
            apply_split(bars, at, k);
            warnings.push(Warning {
                line: Some(lines[at]),
                message: format!(
                    "{} split on {d} (from Adj Close, which moves by the same ratio): prices before it divided by {k} and volumes multiplied by {k}",
                    ratio_text(k)
                ),
            });
            continue;
        }
        return Err(Error::input(
            Location::line(path, lines[at]),
            format!(
                "a {} split-shaped gap on {d}: close {} on {prev}, open {} on {d} (ratio {:.3}) while the \
                 median volume went from {vb:.0} to {va:.0} (x{vr:.2}): the prices before look \
                 unadjusted for a split. Expected split-adjusted prices: download adjusted data, or \
                 declare it on this input in the config, `splits = [{{ date = \"{d}\", ratio = {} }}]` \
                 (ratio = 1 if it was no split)",
                ratio_text(k),
                bars.close[at - 1],
                bars.open[at],
                r,
                if k.fract() == 0.0 { format!("{k:.0}") } else { format!("{k}") }
            ),
        ));
    }
    Ok(())
}

/// Zero-volume rows as one warning: for the whole file (an index), or counted with the first dates.
fn warn_zero_volume(bars: &Bars, lines: &[u64], warnings: &mut Vec<Warning>) {
    let zero: Vec<usize> = (0..bars.len()).filter(|&i| bars.volume[i] == 0.0).collect();
    if zero.is_empty() {
        return;
    }
    if zero.len() == bars.len() && bars.len() > 1 {
        warnings.push(Warning {
            line: None,
            message: format!(
                "volume is 0 on all {} rows (an index?): volume treated as missing, volume signals not assessed",
                bars.len()
            ),
        });
        return;
    }
    let mut t = Tally::default();
    for &i in &zero {
        t.add(lines[i], || bars.date[i].to_string());
    }
    t.emit(warnings, |d| format!("zero volume on {d}"), "rows with zero volume (treated as missing), first");
}

/// High must be the highest and low the lowest price of the bar. A miss of at most
/// [`RANGE_NOISE`] relative is float noise: clipped (`true` returned); more is an error.
fn check_range(
    o: f64,
    h: &mut f64,
    l: &mut f64,
    c: f64,
    path: &Path,
    line: u64,
    cols: &Columns,
) -> Result<bool> {
    let tol = |x: f64| x.abs() * RANGE_NOISE;
    if *h < *l - tol(*l) {
        return Err(Error::input(
            Location::cell(path, line, cols.high + 1),
            format!("high {h} is below low {l}: expected high >= low"),
        ));
    }
    let (top_name, top) = if o >= c { ("open", o) } else { ("close", c) };
    if *h + tol(*h) < top {
        return Err(Error::input(
            Location::cell(path, line, cols.high + 1),
            format!("high {h} is below {top_name} {top}: expected high >= max(open, close)"),
        ));
    }
    let (bottom_name, bottom) = if o <= c { ("open", o) } else { ("close", c) };
    if *l - tol(*l) > bottom {
        return Err(Error::input(
            Location::cell(path, line, cols.low + 1),
            format!("low {l} is above {bottom_name} {bottom}: expected low <= min(open, close)"),
        ));
    }
    let clipped = *h < top || *l > bottom || *h < *l;
    *h = h.max(top);
    *l = l.min(bottom);
    Ok(clipped)
}

/// Two rows carry the same values (NaN volume equals NaN volume).
fn same_bar(a: &Bar, b: &Bar) -> bool {
    let eq = |x: f64, y: f64| x == y || (x.is_nan() && y.is_nan());
    eq(a.open, b.open)
        && eq(a.high, b.high)
        && eq(a.low, b.low)
        && eq(a.close, b.close)
        && eq(a.volume, b.volume)
        && a.adj_close.zip(b.adj_close).is_none_or(|(x, y)| eq(x, y))
}

fn reverse(b: &mut Bars) {
    b.date.reverse();
    b.open.reverse();
    b.high.reverse();
    b.low.reverse();
    b.close.reverse();
    b.volume.reverse();
    if let Some(a) = b.adj_close.as_mut() {
        a.reverse();
    }
    b.gap.reverse();
    b.n_sessions.reverse();
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn parse(text: &str) -> Result<(Bars, FileReport)> {
        parse_bars(text.as_bytes(), Path::new("t.csv"), false)
    }

    fn err(text: &str) -> String {
        parse(text).unwrap_err().to_string()
    }

    #[test]
    fn plain_file_any_column_order_and_extra_columns() {
        let (b, r) = parse("Close,Volume,Low,Date,High,Open,RSI\n10,100,9,2024-01-02,11,9.5,55\n10.5,0,10,2024-01-03,11,10,56\n")
            .unwrap();
        assert_eq!(b.len(), 2);
        assert_eq!(b.date[0], NaiveDate::from_ymd_opt(2024, 1, 2).unwrap());
        assert_eq!((b.open[0], b.high[0], b.low[0], b.close[0], b.volume[0]), (9.5, 11.0, 9.0, 10.0, 100.0));
        assert_eq!(r.format, "plain");
        assert_eq!(r.warnings.len(), 1);
        assert!(r.warnings[0].message.contains("zero volume"));
        assert_eq!(r.warnings[0].line, Some(3));
        assert_eq!(b.gap, vec![false, false]);
        assert_eq!(b.n_sessions, vec![1, 1]);
    }

    #[test]
    fn semicolon_bom_crlf_and_decimal_comma() {
        let text = "\u{feff}date;open;high;low;close;volume\r\n2024-01-02;1,5;2;1;1,5;10\r\n";
        let (b, r) = parse(text).unwrap();
        assert_eq!(b.open[0], 1.5);
        assert_eq!(b.volume[0], 10.0);
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    }

    #[test]
    fn tab_delimited_compact_dates() {
        let (b, _) = parse("Date\tOpen\tHigh\tLow\tClose\tVolume\n20240102\t1\t2\t1\t2\t5\n").unwrap();
        assert_eq!(b.date[0], NaiveDate::from_ymd_opt(2024, 1, 2).unwrap());
    }

    #[test]
    fn missing_volume_column_is_nan_with_warning() {
        let (b, r) = parse("date,open,high,low,close\n2024-01-02,1,2,1,2\n").unwrap();
        assert!(b.volume[0].is_nan());
        assert!(r.warnings[0].message.contains("no volume column"));
    }

    #[test]
    fn null_and_empty_rows_are_skipped_with_warnings() {
        let text = "Date,Open,High,Low,Close,Adj Close,Volume\n2024-01-02,1,2,1,2,2,5\n2024-01-03,null,null,null,null,null,null\n,,,,,,\n\n2024-01-04,1,2,1,2,2,5\n";
        let (b, r) = parse(text).unwrap();
        assert_eq!(b.len(), 2);
        let msgs: Vec<_> = r.warnings.iter().map(|w| (w.line, w.message.as_str())).collect();
        assert_eq!(msgs[0], (Some(3), "null row for 2024-01-03 skipped"));
        assert_eq!(msgs[1], (Some(4), "empty row skipped"));
        assert_eq!(msgs.get(2), Some(&(Some(5), "1 blank line skipped")), "{msgs:?}");
    }

    #[test]
    fn newest_first_is_reversed() {
        let (b, r) =
            parse("date,open,high,low,close,volume\n2024-01-03,1,2,1,2,5\n2024-01-02,1,2,1,1.5,6\n").unwrap();
        assert_eq!(b.close, vec![1.5, 2.0]);
        assert_eq!(b.volume, vec![6.0, 5.0]);
        assert!(r.warnings[0].message.contains("newest first"));
        assert_eq!(r.first, Some(NaiveDate::from_ymd_opt(2024, 1, 2).unwrap()));
    }

    #[test]
    fn identical_duplicate_warns_different_duplicate_errors() {
        let (b, r) =
            parse("date,open,high,low,close,volume\n2024-01-02,1,2,1,2,5\n2024-01-02,1,2,1,2,5\n").unwrap();
        assert_eq!(b.len(), 1);
        assert!(r.warnings[0].message.contains("identical duplicate of line 2"));
        let e = err("date,open,high,low,close,volume\n2024-01-02,1,2,1,2,5\n2024-01-02,1,2,1,2,6\n");
        assert!(
            e.contains("t.csv:3:1") && e.contains("duplicate date 2024-01-02") && e.contains("line 2"),
            "{e}"
        );
    }

    #[test]
    fn adjust_scales_ohlc_by_adj_ratio() {
        let text = "Date,Open,High,Low,Close,Adj Close,Volume\n2024-01-02,10,12,8,10,5,100\n";
        let (b, _) = parse_bars(text.as_bytes(), Path::new("t.csv"), true).unwrap();
        assert_eq!((b.open[0], b.high[0], b.low[0], b.close[0]), (5.0, 6.0, 4.0, 5.0));
        assert_eq!(b.adj_close.as_deref(), Some(&[5.0][..]));
        let (raw, _) = parse(text).unwrap();
        assert_eq!(raw.close[0], 10.0);
        assert_eq!(raw.ratio_close(), &[5.0]);
        let e = parse_bars(b"date,open,high,low,close\n2024-01-02,1,2,1,2\n", Path::new("t.csv"), true)
            .unwrap_err()
            .to_string();
        assert!(e.contains("t.csv:1") && e.contains("Adj Close"), "{e}");
    }

    #[test]
    fn gap_over_a_week_warns() {
        let (_, r) =
            parse("date,open,high,low,close,volume\n2024-01-02,1,2,1,2,5\n2024-01-12,1,2,1,2,5\n").unwrap();
        assert_eq!(r.warnings[0].line, Some(3));
        assert!(r.warnings[0].message.contains("gap of 10 calendar days"), "{:?}", r.warnings);
    }

    #[test]
    fn errors_name_place_text_and_expectation() {
        let h = "date,open,high,low,close,volume\n";
        let cases = [
            (format!("{h}2024-01-02,1,2,1,abc,5\n"), "t.csv:2:5", "`abc`"),
            (format!("{h}2024-01-02,1,2,1,NaN,5\n"), "t.csv:2:5", "finite"),
            (format!("{h}2024-01-02,1,2,1,2,-5\n"), "t.csv:2:6", "negative volume"),
            (format!("{h}2024-01-02,1,1,2,1,5\n"), "t.csv:2:3", "expected high >= low"),
            (format!("{h}2024-01-02,1,2,1,3,5\n"), "t.csv:2:3", "max(open, close)"),
            (format!("{h}2024-01-02,1,2,1.5,2,5\n"), "t.csv:2:4", "min(open, close)"),
            (format!("{h}2024-01-02,1,2,1,2\n"), "t.csv:2", "expected 6"),
            (
                format!("{h}2024-01-03,1,2,1,2,5\n2024-01-04,1,2,1,2,5\n2024-01-02,1,2,1,2,5\n"),
                "t.csv:4:1",
                "ascending",
            ),
            (format!("{h}2024-01-02,1,2,1,2,5\n2024/01/03,1,2,1,2,5\n"), "t.csv:3:1", "one date format"),
            (format!("{h}02.01.24,1,2,1,2,5\n"), "t.csv:2:1", "YYYY-MM-DD"),
            (format!("{h}2024-01-02,0,2,1,2,5\n"), "t.csv:2:2", "positive price"),
            (h.to_string(), "t.csv", "no data rows"),
            (String::new(), "t.csv", "empty file"),
            ("open,high,low,close\n1,2,1,2\n".into(), "t.csv:1", "no date column"),
            ("date,open,high,low\n2024-01-02,1,2,1\n".into(), "t.csv:1", "no close column"),
        ];
        for (text, place, expect) in cases {
            let e = err(&text);
            assert!(e.starts_with(place), "{e} should start with {place}");
            assert!(e.contains(expect), "{e} should contain {expect}");
        }
    }

    #[test]
    fn yfinance_multi_ticker_header_is_refused() {
        let e = err("Price,Close,Close\nTicker,IWM,SPY\nDate,,\n2024-01-02,1,2\n");
        assert!(e.starts_with("t.csv:2: the file holds several tickers (IWM, SPY)"), "{e}");
    }

    #[test]
    fn tradingview_unix_seconds() {
        let (b, r) = parse("time,open,high,low,close,Volume,MA,RSI\n1704205800,1,2,1,2,5,1.5,50\n").unwrap();
        assert_eq!(b.date[0], NaiveDate::from_ymd_opt(2024, 1, 2).unwrap());
        assert_eq!(r.format, "tradingview");
    }
}
