//! Bar CSV reader. Input: a daily OHLCV CSV (Yahoo, Stooq, TradingView, Alpha Vantage or plain
//! `date,open,high,low,close,volume`); output: [`Bars`] oldest first and a [`FileReport`].
//!
//! Columns are found by header name in any order; the delimiter, the date layout and the row order
//! are detected once per file. Unusable rows are errors naming file:line:column; recoverable
//! oddities (null rows, zero volume, long gaps, identical duplicates) become warnings.

use super::csvio::{self, DateFormat, NumError, Order, Step};
use super::{Bar, Bars, FileReport, Warning};
use crate::error::{Error, Location, Result};
use std::path::Path;

/// Calendar days between two rows above which a gap is reported.
const GAP_WARN_DAYS: i64 = 7;

/// Relative slack when checking high/low against open/close: forgives float rounding only.
const RANGE_EPS: f64 = 1e-9;

/// Reads and parses a bar CSV; `adjust` scales open/high/low/close by `adj close / close`.
pub fn read_bars(path: &Path, adjust: bool) -> Result<(Bars, FileReport)> {
    let bytes = std::fs::read(path)
        .map_err(|e| Error::input(Location::file(path), format!("cannot read bar file: {e}")))?;
    parse_bars(&bytes, path, adjust)
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
}

const DATE_NAMES: [&str; 5] = ["date", "time", "timestamp", "datetime", "day"];
const ADJ_NAMES: [&str; 3] = ["adj close", "adjusted close", "adjclose"];
const VOLUME_NAMES: [&str; 2] = ["volume", "vol"];

/// Finds the columns by name; duplicate names keep the first and warn.
fn find_columns(
    names: &[String],
    raw: &[String],
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
    let date = find(&DATE_NAMES).ok_or_else(|| {
        Error::input(
            Location::line(path, 1),
            format!(
                "no date column in the header ({}): expected one named date, time, timestamp or datetime",
                listed()
            ),
        )
    })?;
    let close = find(&["close", "last", "price"]).ok_or_else(|| {
        Error::input(
            Location::line(path, 1),
            format!("no close column in the header ({}): expected one named close", listed()),
        )
    })?;
    let mut missing = Vec::new();
    let mut need = |name: &'static str| {
        let i = find(&[name]);
        if i.is_none() {
            missing.push(name);
        }
        i.unwrap_or(0)
    };
    let (open, high, low) = (need("open"), need("high"), need("low"));
    if !missing.is_empty() {
        return Err(Error::input(
            Location::line(path, 1),
            format!(
                "no {} column in the header ({}): expected date, open, high, low, close and volume columns",
                missing.join(", "),
                listed()
            ),
        ));
    }
    Ok(Columns { date, open, high, low, close, adj: find(&ADJ_NAMES), volume: find(&VOLUME_NAMES) })
}

/// The source a file most likely came from, for the report.
fn detect_format(header_line: &[u8], names: &[String], cols: &Columns, date_fmt: DateFormat) -> &'static str {
    if matches!(date_fmt, DateFormat::UnixSeconds | DateFormat::UnixMillis) {
        "tradingview"
    } else if cols.adj.is_some() {
        "yahoo"
    } else if names[cols.date] == "timestamp" {
        "alphavantage"
    } else if header_line.trim_ascii() == b"Date,Open,High,Low,Close,Volume" {
        "stooq"
    } else {
        "plain"
    }
}

/// Parses bar CSV bytes as if read from `path` (the path only names the file in messages).
pub fn parse_bars(bytes: &[u8], path: &Path, adjust: bool) -> Result<(Bars, FileReport)> {
    csvio::reject_non_text(bytes, path)?;
    let prep = csvio::prepare(bytes);
    let body = prep.body;
    let decimal_comma = prep.delimiter != b',';
    let mut warnings = Vec::new();
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(prep.delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(body);
    let mut rec = csv::ByteRecord::new();
    let mut lines = csvio::Lines::new(body);

    let empty = || Error::input(Location::file(path), "empty file: expected a header line and daily rows");
    if !rdr.read_byte_record(&mut rec).map_err(|e| csvio::csv_error(path, &e))? {
        return Err(empty());
    }
    let header_line = body.split(|&b| b == b'\n').next().unwrap_or_default();
    let names: Vec<String> = rec.iter().map(csvio::norm_header).collect();
    let raw_names: Vec<String> = rec.iter().map(|f| String::from_utf8_lossy(f).trim().to_string()).collect();
    if names.iter().all(String::is_empty) {
        return Err(empty());
    }
    let n_fields = rec.len();
    let cols = find_columns(&names, &raw_names, path, &mut warnings)?;
    if adjust && cols.adj.is_none() {
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

    let rows_hint = body.iter().filter(|&&b| b == b'\n').count() + 1;
    let mut bars = Bars::with_capacity(rows_hint, cols.adj.is_some());
    let mut order = Order::default();
    let mut date_fmt: Option<DateFormat> = None;
    let mut expected_line = 2u64;
    let mut empty_volume: (usize, u64) = (0, 0);

    while rdr.read_byte_record(&mut rec).map_err(|e| csvio::csv_error(path, &e))? {
        let line = lines.of(&rec);
        if line > expected_line {
            let n = line - expected_line;
            warnings.push(Warning {
                line: Some(expected_line),
                message: format!("{n} blank line{} skipped", if n == 1 { "" } else { "s" }),
            });
        }
        expected_line = line + 1;
        if csvio::is_blank(&rec) {
            warnings.push(Warning { line: Some(line), message: "empty row skipped".into() });
            continue;
        }
        csvio::check_field_count(&rec, n_fields, prep.delimiter, path, line)?;
        let field = |i: usize| rec.get(i).unwrap_or_default();
        let cell = |i: usize| Location::cell(path, line, i + 1);

        let date_field = field(cols.date);
        let date = csvio::row_date(date_field, &mut date_fmt, || cell(cols.date))?;

        let value_cols = [cols.open, cols.high, cols.low, cols.close];
        if value_cols.iter().all(|&i| csvio::is_null(field(i))) {
            warnings.push(Warning { line: Some(line), message: format!("null row for {date} skipped") });
            continue;
        }
        let num = |i: usize, name: &str| -> Result<f64> {
            let f = field(i);
            csvio::parse_num(f, decimal_comma)
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
        let (open, high, low, close) = (
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
            Some(i) => match csvio::parse_num(field(i), decimal_comma) {
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
        check_range(open, high, low, close, path, line, &cols)?;

        let mut bar = Bar { date, open, high, low, close, volume, adj_close };
        match order.step(date, line, path, cols.date + 1)? {
            Step::Duplicate { prev_line } => {
                let last = bars.bar(bars.len() - 1);
                if same_bar(&last, &bar) {
                    warnings.push(Warning {
                        line: Some(line),
                        message: format!("identical duplicate of line {prev_line} ({date}) skipped"),
                    });
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
                    warnings.push(Warning {
                        line: Some(line),
                        message: format!("gap of {gap_days} calendar days between {prev} and {date}"),
                    });
                }
            }
        }
        if volume == 0.0 {
            warnings.push(Warning { line: Some(line), message: format!("zero volume on {date}") });
        }
        if adjust {
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
    }

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
        warnings.insert(0, Warning { line: None, message: "file is written newest first: reversed".into() });
    }
    let format = detect_format(header_line, &names, &cols, date_fmt.unwrap_or(DateFormat::Dash));
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

/// High must be the highest and low the lowest price of the bar.
fn check_range(o: f64, h: f64, l: f64, c: f64, path: &Path, line: u64, cols: &Columns) -> Result<()> {
    let tol = |x: f64| x.abs() * RANGE_EPS;
    if h < l {
        return Err(Error::input(
            Location::cell(path, line, cols.high + 1),
            format!("high {h} is below low {l}: expected high >= low"),
        ));
    }
    let (top_name, top) = if o >= c { ("open", o) } else { ("close", c) };
    if h + tol(h) < top {
        return Err(Error::input(
            Location::cell(path, line, cols.high + 1),
            format!("high {h} is below {top_name} {top}: expected high >= max(open, close)"),
        ));
    }
    let (bottom_name, bottom) = if o <= c { ("open", o) } else { ("close", c) };
    if l - tol(l) > bottom {
        return Err(Error::input(
            Location::cell(path, line, cols.low + 1),
            format!("low {l} is above {bottom_name} {bottom}: expected low <= min(open, close)"),
        ));
    }
    Ok(())
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
            (format!("{h}02.01.2024,1,2,1,2,5\n"), "t.csv:2:1", "YYYY-MM-DD"),
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
    fn tradingview_unix_seconds() {
        let (b, r) = parse("time,open,high,low,close,Volume,MA,RSI\n1704205800,1,2,1,2,5,1.5,50\n").unwrap();
        assert_eq!(b.date[0], NaiveDate::from_ymd_opt(2024, 1, 2).unwrap());
        assert_eq!(r.format, "tradingview");
    }
}
