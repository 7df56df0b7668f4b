//! Shared CSV plumbing for the bar and macro readers.
//! Input: raw file bytes; output: BOM-free bytes, the sniffed delimiter, the sha256, header
//! lookups, and allocation-free date and number parsing with messages that say what was expected.

use crate::error::{Error, Location, Result};
use chrono::NaiveDate;
use sha2::{Digest, Sha256};
use std::path::Path;

/// The bytes of a file after the BOM, with its delimiter and hash.
pub(crate) struct Prepared<'a> {
    /// File contents without a UTF-8 BOM.
    pub body: &'a [u8],
    /// `,`, `;` or `\t`, sniffed from the header line.
    pub delimiter: u8,
    /// Lower-case hex sha256 of the original bytes (BOM included).
    pub sha256: String,
}

/// Strips the BOM, sniffs the delimiter and hashes the bytes.
pub(crate) fn prepare(bytes: &[u8]) -> Prepared<'_> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    Prepared { body, delimiter: sniff_delimiter(body), sha256: sha256_hex(bytes) }
}

/// Lower-case hex sha256 of `bytes`.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest.iter() {
        s.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
        s.push(char::from(b"0123456789abcdef"[usize::from(b & 15)]));
    }
    s
}

/// The delimiter that occurs most often in the first line (comma on a tie or none).
fn sniff_delimiter(body: &[u8]) -> u8 {
    let end = body.iter().position(|&b| b == b'\n').unwrap_or(body.len());
    let head = &body[..end];
    let count = |c: u8| head.iter().filter(|&&b| b == c).count();
    let (comma, semi, tab) = (count(b','), count(b';'), count(b'\t'));
    if semi > comma && semi >= tab {
        b';'
    } else if tab > comma && tab > semi {
        b'\t'
    } else {
        b','
    }
}

/// A header name normalised for matching: lower case, `_ - .` as spaces, `*` dropped, spaces
/// collapsed. `Adj_Close`, `adj. close` and `Adj Close**` all become `adj close`.
pub(crate) fn norm_header(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    let mut out = String::with_capacity(text.len());
    for ch in text.trim().chars() {
        let c = match ch {
            '_' | '-' | '.' => ' ',
            '*' | '"' => continue,
            c => c.to_ascii_lowercase(),
        };
        if c == ' ' && (out.is_empty() || out.ends_with(' ')) {
            continue;
        }
        out.push(c);
    }
    while out.ends_with(' ') {
        out.pop();
    }
    out
}

/// The header names as text, for messages (`Date, Open, ...`).
/// Long headers show their first 12 names; each name goes through [`show`].
pub(crate) fn header_list(names: &[String]) -> String {
    if names.iter().all(|n| n.is_empty()) {
        return "(no names)".into();
    }
    let mut out =
        names.iter().take(12).map(|n| format!("`{}`", show(n.as_bytes()))).collect::<Vec<_>>().join(", ");
    if names.len() > 12 {
        out.push_str(&format!(", … ({} columns)", names.len()));
    }
    out
}

/// A field shown in a message: trimmed, lossy UTF-8, control characters escaped (`\n`, `\u{0}`)
/// so a message stays on one line, at most 40 characters.
pub(crate) fn show(field: &[u8]) -> String {
    let s = String::from_utf8_lossy(field.trim_ascii());
    let mut out = String::with_capacity(s.len().min(64));
    for (n, ch) in s.chars().enumerate() {
        if n == 40 {
            out.push('…');
            break;
        }
        if ch.is_control() {
            out.extend(ch.escape_default());
        } else {
            out.push(ch);
        }
    }
    out
}

/// Refuses bytes that are not a text CSV: UTF-16 (Excel "Unicode text") or binary data (a NUL
/// byte near the start), naming the file and what was found.
pub(crate) fn reject_non_text(bytes: &[u8], path: &Path) -> Result<()> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(Error::input(
            Location::file(path),
            "UTF-16 text (byte-order mark FF FE or FE FF): expected a UTF-8 or ASCII CSV file",
        ));
    }
    let head = &bytes[..bytes.len().min(8192)];
    if let Some(at) = head.iter().position(|&b| b == 0) {
        let line = 1 + head[..at].iter().filter(|&&b| b == b'\n').count() as u64;
        return Err(Error::input(
            Location::line(path, line),
            format!("binary data (a NUL byte at offset {at}): expected a text CSV file"),
        ));
    }
    Ok(())
}

/// The message for a row whose field count differs from the header's, with the likely cause.
pub(crate) fn field_count_message(rec: &csv::ByteRecord, n_fields: usize, delimiter: u8) -> String {
    let got = rec.len();
    let base =
        format!("{got} field{}: expected {n_fields}, as in the header", if got == 1 { "" } else { "s" });
    if let Some(f) = rec.iter().find(|f| f.contains(&b'\n')) {
        let lines = 1 + f.iter().filter(|&&b| b == b'\n').count();
        return format!(
            "a quoted field runs over {lines} lines (a stray `\"`?), leaving {got} fields: \
             expected {n_fields} fields per row, quotes closed on the same line"
        );
    }
    if got > n_fields && delimiter == b',' {
        return format!(
            "{base} (a thousands separator or decimal comma inside an unquoted number? \
             expected plain numbers such as 1234.5)"
        );
    }
    if got < n_fields && rec.iter().any(|f| f.contains(&b'"')) {
        return format!("{base} (a stray `\"`?)");
    }
    base
}

/// True when every field of the record is empty or whitespace.
pub(crate) fn is_blank(rec: &csv::ByteRecord) -> bool {
    rec.iter().all(|f| f.trim_ascii().is_empty())
}

/// Tracks 1-based line numbers of records. `csv::Position::line()` miscounts after CRLF and blank
/// lines, so lines are counted here from the record's byte offset, which the reader sets to the
/// first byte after the previous record (possibly a line terminator or a blank line).
pub(crate) struct Lines<'a> {
    body: &'a [u8],
    pos: usize,
    line: u64,
}

impl<'a> Lines<'a> {
    /// A counter over the bytes the reader reads.
    pub(crate) fn new(body: &'a [u8]) -> Self {
        Lines { body, pos: 0, line: 1 }
    }

    /// The line `rec` starts on. Records must be passed in reading order (linear overall).
    pub(crate) fn of(&mut self, rec: &csv::ByteRecord) -> u64 {
        let mut b = rec.position().map_or(self.pos, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX));
        b = b.clamp(self.pos, self.body.len());
        while b < self.body.len() && matches!(self.body[b], b'\r' | b'\n') {
            b += 1;
        }
        self.line += self.body[self.pos..b].iter().filter(|&&c| c == b'\n').count() as u64;
        self.pos = b;
        self.line
    }
}

/// Maps a CSV reader error to an input error at its position.
pub(crate) fn csv_error(path: &Path, e: &csv::Error) -> Error {
    let loc = match e.position() {
        Some(p) => Location::line(path, p.line()),
        None => Location::file(path),
    };
    Error::input(loc, format!("unreadable CSV: {e}"))
}

/// One date layout. A file uses one layout throughout, chosen from its first data row (day or
/// month first from all of its values, see [`scan_day_month`]) or given in the config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DateFormat {
    /// `2024-01-02`
    Dash,
    /// `2024/01/02`
    Slash,
    /// `20240102`
    Compact,
    /// `2024-01-02T00:00:00Z`, `2024-01-02 00:00:00`, `2024-01-02T09:30:00-05:00`: the date part.
    DateTime,
    /// Unix seconds (TradingView `time`), taken as a UTC date.
    UnixSeconds,
    /// Unix milliseconds, taken as a UTC date.
    UnixMillis,
    /// `21.08.2026`, `21/08/2026`, `21-08-2026` (day first), optionally followed by a time.
    DayFirst(u8),
    /// `08/21/2026`, `8/21/2026 16:00:00` (month first, US), optionally followed by a time.
    MonthFirst(u8),
    /// `Aug 21, 2026`, `August 21 2026`, `21 Aug 2026`, `21-Aug-2026` (English month names).
    MonthName,
    /// A chrono `strftime` pattern from the config (`date_format = "%d.%m.%Y"`).
    Custom(std::sync::Arc<str>),
}

/// What every accepted date layout looks like, for messages.
pub(crate) const DATE_FORMATS: &str =
    "YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD, an ISO date-time such as 2024-01-02T00:00:00Z, unix seconds, \
     MM/DD/YYYY or DD.MM.YYYY, or Aug 21, 2026 (other layouts: `date_format` in the config)";

/// `d{1,2} sep d{1,2} sep d{4}` followed by nothing or a space and a time: the separator and
/// the two leading numbers.
fn numeric_dmy(s: &[u8]) -> Option<(u8, u32, u32, i32)> {
    let s = s.trim_ascii();
    let date_part = s.split(|&b| b == b' ' || b == b'T').next()?;
    let rest = &s[date_part.len()..];
    if !rest.is_empty() && !rest[1..].iter().all(|c| c.is_ascii_digit() || b":.+-Z ".contains(c)) {
        return None;
    }
    let sep = *date_part.iter().find(|b| !b.is_ascii_digit())?;
    if !b"/.-".contains(&sep) {
        return None;
    }
    let mut parts = date_part.split(|&b| b == sep);
    let (a, b, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || !(1..=2).contains(&a.len()) || !(1..=2).contains(&b.len()) || y.len() != 4 {
        return None;
    }
    let num = |r: &[u8]| -> Option<u32> {
        r.iter().try_fold(0u32, |acc, &c| c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0')))
    };
    Some((sep, num(a)?, num(b)?, i32::try_from(num(y)?).ok()?))
}

const MONTHS: [&str; 12] =
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/// `Aug 21, 2026`, `August 21 2026`, `21 Aug 2026`, `21-Aug-2026`.
fn month_name_date(s: &[u8]) -> Option<NaiveDate> {
    let s = std::str::from_utf8(s.trim_ascii()).ok()?;
    let tokens: Vec<&str> = s.split([' ', ',', '-']).filter(|t| !t.is_empty()).collect();
    if tokens.len() != 3 {
        return None;
    }
    let month = |t: &str| -> Option<u32> {
        let l = t.to_ascii_lowercase();
        let l = l.trim_end_matches('.');
        if l.len() < 3 || !l.bytes().all(|b| b.is_ascii_alphabetic()) {
            return None;
        }
        let i = MONTHS.iter().position(|m| l.starts_with(m))?;
        let full = [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ][i];
        (l.len() == 3 || (l == "sept" && i == 8) || full == l).then_some(i as u32 + 1)
    };
    let num = |t: &str| -> Option<u32> {
        (t.len() <= 4 && t.bytes().all(|b| b.is_ascii_digit())).then(|| t.parse().ok())?
    };
    let (m, d, y) = if let Some(m) = month(tokens[0]) {
        (m, tokens[1], tokens[2])
    } else {
        (month(tokens[1])?, tokens[0], tokens[2])
    };
    if tokens[2].len() != 4
        || tokens[1..].iter().chain(&tokens[..1]).filter(|t| month(t).is_none()).any(|t| t.len() > 4)
    {
        return None;
    }
    NaiveDate::from_ymd_opt(i32::try_from(num(y)?).ok()?, m, num(d)?)
}

/// Decides day-first or month-first for a file whose dates look like `01/02/2024`, from all of
/// its values: a first number above 12 means day first, a second above 12 month first. `Ok(None)`
/// when the first date is not of that shape. A file where no value decides is an error naming the
/// ambiguity, except with `.` (no locale writes month.day.year: day first).
pub(crate) fn scan_day_month(
    mut fields: impl Iterator<Item = (u64, Vec<u8>)>,
    path: &Path,
    col: usize,
) -> Result<Option<DateFormat>> {
    let Some((first_line, first)) = fields.next() else { return Ok(None) };
    let Some((sep, _, _, _)) = numeric_dmy(&first) else { return Ok(None) };
    let first_text = show(&first);
    let (mut day_first, mut month_first) = (None, None);
    for (line, f) in std::iter::once((first_line, first)).chain(fields) {
        let Some((_, a, b, _)) = numeric_dmy(&f) else { continue };
        if a > 12 && day_first.is_none() {
            day_first = Some((line, show(&f)));
        }
        if b > 12 && month_first.is_none() {
            month_first = Some((line, show(&f)));
        }
        if day_first.is_some() && month_first.is_some() {
            break;
        }
    }
    let s = char::from(sep);
    match (day_first, month_first) {
        (Some(_), None) => Ok(Some(DateFormat::DayFirst(sep))),
        (None, Some(_)) => Ok(Some(DateFormat::MonthFirst(sep))),
        (Some((l1, t1)), Some((l2, t2))) => Err(Error::input(
            Location::cell(path, l2.max(l1), col + 1),
            format!(
                "dates are day first on line {l1} (`{t1}`) and month first on line {l2} (`{t2}`): \
                 expected one date format per file"
            ),
        )),
        (None, None) if sep == b'.' => Ok(Some(DateFormat::DayFirst(sep))),
        (None, None) => Err(Error::input(
            Location::cell(path, first_line, col + 1),
            format!(
                "ambiguous date `{}`: every date of the file reads as month{s}day{s}year (US) and as \
                 day{s}month{s}year (no day is above 12), so the file cannot decide: set \
                 `date_format = \"%m{s}%d{s}%Y\"` (US) or `\"%d{s}%m{s}%Y\"` on this input in the config",
                first_text,
            ),
        )),
    }
}

impl DateFormat {
    /// The layout of `s`, if it is one of the accepted ones (the value itself is not validated).
    pub(crate) fn detect(s: &[u8]) -> Option<DateFormat> {
        let s = s.trim_ascii();
        let digits = |r: &[u8]| r.iter().all(u8::is_ascii_digit);
        let ymd_like = |sep: u8| {
            s.len() >= 10
                && digits(&s[0..4])
                && s[4] == sep
                && digits(&s[5..7])
                && s[7] == sep
                && digits(&s[8..10])
        };
        if !s.is_empty() && digits(s) {
            return match s.len() {
                8 => Some(DateFormat::Compact),
                9 | 10 => Some(DateFormat::UnixSeconds),
                12 | 13 => Some(DateFormat::UnixMillis),
                _ => None,
            };
        }
        if ymd_like(b'-') {
            return match s.len() {
                10 => Some(DateFormat::Dash),
                _ if s[10] == b'T' || s[10] == b' ' => Some(DateFormat::DateTime),
                _ => None,
            };
        }
        if s.len() == 10 && ymd_like(b'/') {
            return Some(DateFormat::Slash);
        }
        month_name_date(s).map(|_| DateFormat::MonthName)
    }

    /// How this layout is described in messages.
    pub(crate) fn describe(&self) -> String {
        match self {
            DateFormat::DayFirst(sep) => {
                let s = char::from(*sep);
                format!("DD{s}MM{s}YYYY")
            }
            DateFormat::MonthFirst(sep) => {
                let s = char::from(*sep);
                format!("MM{s}DD{s}YYYY")
            }
            DateFormat::MonthName => "a month name, day and year (Aug 21, 2026)".into(),
            DateFormat::Custom(f) => format!("`{f}` (date_format)"),
            other => other.describe_fixed().into(),
        }
    }

    fn describe_fixed(&self) -> &'static str {
        match self {
            DateFormat::Dash => "YYYY-MM-DD",
            DateFormat::Slash => "YYYY/MM/DD",
            DateFormat::Compact => "YYYYMMDD",
            DateFormat::DateTime => "an ISO date-time (YYYY-MM-DDTHH:MM:SS)",
            DateFormat::UnixSeconds => "unix seconds",
            DateFormat::UnixMillis => "unix milliseconds",
            _ => "a date",
        }
    }

    /// Parses `s` in this layout; `None` when it does not fit or names no real day.
    pub(crate) fn parse(&self, s: &[u8]) -> Option<NaiveDate> {
        let s = s.trim_ascii();
        match *self {
            DateFormat::DayFirst(sep) | DateFormat::MonthFirst(sep) => {
                let (got, a, b, y) = numeric_dmy(s)?;
                let (d, m) = if matches!(self, DateFormat::DayFirst(_)) { (a, b) } else { (b, a) };
                (got == sep).then(|| NaiveDate::from_ymd_opt(y, m, d))?
            }
            DateFormat::MonthName => month_name_date(s),
            DateFormat::Custom(ref f) => {
                let text = std::str::from_utf8(s).ok()?;
                NaiveDate::parse_from_str(text, f)
                    .ok()
                    .or_else(|| chrono::NaiveDateTime::parse_from_str(text, f).ok().map(|t| t.date()))
            }
            DateFormat::Dash | DateFormat::Slash => {
                let sep = if *self == DateFormat::Dash { b'-' } else { b'/' };
                if s.len() != 10 || s[4] != sep || s[7] != sep {
                    return None;
                }
                ymd(&s[0..4], &s[5..7], &s[8..10])
            }
            DateFormat::Compact => {
                if s.len() != 8 {
                    return None;
                }
                ymd(&s[0..4], &s[4..6], &s[6..8])
            }
            DateFormat::DateTime => {
                if s.len() < 12 || s[4] != b'-' || s[7] != b'-' || !(s[10] == b'T' || s[10] == b' ') {
                    return None;
                }
                let rest = &s[11..];
                let time_ok = rest.first().is_some_and(u8::is_ascii_digit)
                    && rest.iter().all(|c| c.is_ascii_digit() || b":.+-Z ".contains(c));
                if !time_ok {
                    return None;
                }
                ymd(&s[0..4], &s[5..7], &s[8..10])
            }
            DateFormat::UnixSeconds | DateFormat::UnixMillis => {
                if s.is_empty() || s.len() > 13 || !s.iter().all(u8::is_ascii_digit) {
                    return None;
                }
                let n: i64 = s.iter().fold(0i64, |acc, &c| acc * 10 + i64::from(c - b'0'));
                let secs = if *self == DateFormat::UnixMillis { n / 1000 } else { n };
                if (*self == DateFormat::UnixSeconds) != (s.len() <= 11) {
                    return None;
                }
                chrono::DateTime::from_timestamp(secs, 0).map(|t| t.date_naive())
            }
        }
    }
}

fn ymd(y: &[u8], m: &[u8], d: &[u8]) -> Option<NaiveDate> {
    let num = |r: &[u8]| -> Option<u32> {
        r.iter().try_fold(0u32, |acc, &c| c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0')))
    };
    NaiveDate::from_ymd_opt(i32::try_from(num(y)?).ok()?, num(m)?, num(d)?)
}

/// The date of one row: the first row fixes the file's date layout (`fmt`), every row is then
/// parsed with it. Errors name the cell and what was expected.
pub(crate) fn row_date(
    field: &[u8],
    fmt: &mut Option<DateFormat>,
    loc: impl Fn() -> Location,
) -> Result<NaiveDate> {
    let f = match fmt {
        Some(f) => f,
        None => fmt.insert(DateFormat::detect(field).ok_or_else(|| {
            Error::input(loc(), format!("bad date `{}`: expected {}", show(field), DATE_FORMATS))
        })?),
    };
    parse_date(field, f, loc)
}

/// Fails with a line-level message when a row does not have the header's field count.
pub(crate) fn check_field_count(
    rec: &csv::ByteRecord,
    n_fields: usize,
    delimiter: u8,
    path: &std::path::Path,
    line: u64,
) -> Result<()> {
    if rec.len() == n_fields {
        return Ok(());
    }
    Err(Error::input(Location::line(path, line), field_count_message(rec, n_fields, delimiter)))
}

/// Parses the date in `field` with the file's layout, or says what was expected.
pub(crate) fn parse_date(
    field: &[u8],
    fmt: &DateFormat,
    loc: impl FnOnce() -> Location,
) -> Result<NaiveDate> {
    if let Some(d) = fmt.parse(field) {
        return Ok(d);
    }
    let text = show(field);
    let msg = if text.is_empty() {
        format!("empty date: expected {}", fmt.describe())
    } else {
        match DateFormat::detect(field) {
            Some(other) if other != *fmt && !matches!(fmt, DateFormat::Custom(_)) => format!(
                "date `{text}` is written as {} but the file's first row uses {}: expected one date format per file",
                other.describe(),
                fmt.describe()
            ),
            _ if *fmt == DateFormat::DateTime && DateFormat::Dash.parse(field.trim_ascii().get(..10).unwrap_or_default()).is_some() => {
                format!(
                    "bad date-time `{text}`: expected YYYY-MM-DD, `T` or a space, then HH:MM:SS with an \
                     optional `Z` or ±HH:MM offset (zone names such as EST are not accepted)"
                )
            }
            _ => format!("bad date `{text}`: expected a real calendar day written as {}", fmt.describe()),
        }
    };
    Err(Error::input(loc(), msg))
}

/// Why a number field did not parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NumError {
    /// Empty field.
    Empty,
    /// Not a number.
    Bad,
    /// NaN or infinity.
    NonFinite,
}

/// Parses a decimal number (`74800`, `74800.0`, `1e6`); `decimal_comma` also accepts `1,5`.
pub(crate) fn parse_num(field: &[u8], decimal_comma: bool) -> std::result::Result<f64, NumError> {
    let f = field.trim_ascii();
    if f.is_empty() {
        return Err(NumError::Empty);
    }
    let s = std::str::from_utf8(f).map_err(|_| NumError::Bad)?;
    let v = match s.parse::<f64>() {
        Ok(v) => v,
        Err(_) if decimal_comma && s.bytes().filter(|&b| b == b',').count() == 1 && !s.contains('.') => {
            s.replacen(',', ".", 1).parse::<f64>().map_err(|_| NumError::Bad)?
        }
        Err(_) => return Err(NumError::Bad),
    };
    if v.is_finite() {
        Ok(v)
    } else {
        Err(NumError::NonFinite)
    }
}

/// How the numbers of one file are written: the decimal mark (the other of `.` and `,` may then
/// group thousands, in groups of three digits), with currency signs (`$ € £`) allowed in front.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct NumStyle {
    /// `,` is the decimal mark and `.` groups thousands (`1.234,56`).
    pub decimal_comma: bool,
}

/// Parses a number as people's exports write it: `1234.5`, `"1,234.50"`, `$1,234.50`, `1.234,50`
/// (with `style.decimal_comma`), and, when `suffixes` is set (volume), `22.22M`, `850K`, `1.2B`
/// (the result rounded to a whole number). The plain form is tried first.
pub(crate) fn parse_number(
    field: &[u8],
    style: NumStyle,
    suffixes: bool,
) -> std::result::Result<f64, NumError> {
    let f = field.trim_ascii();
    if f.is_empty() {
        return Err(NumError::Empty);
    }
    match parse_num(f, false) {
        Ok(v) if !style.decimal_comma => return Ok(v),
        Err(NumError::NonFinite) => return Err(NumError::NonFinite),
        _ => {}
    }
    let s = std::str::from_utf8(f).map_err(|_| NumError::Bad)?.trim();
    let (neg, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, s),
    };
    let s = s.trim_start_matches(['$', '€', '£']).trim_start();
    let (s, mult) = match s.as_bytes().last() {
        Some(b'K' | b'k') if suffixes => (&s[..s.len() - 1], 1e3),
        Some(b'M' | b'm') if suffixes => (&s[..s.len() - 1], 1e6),
        Some(b'B' | b'b') if suffixes => (&s[..s.len() - 1], 1e9),
        _ => (s, 1.0),
    };
    let (dec, group) = if style.decimal_comma { (',', '.') } else { ('.', ',') };
    let (int_part, frac_part) = match s.split_once(dec) {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    if int_part.is_empty()
        || frac_part.is_some_and(|f| f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(NumError::Bad);
    }
    let mut digits = String::with_capacity(s.len());
    if int_part.contains(group) {
        let mut groups = int_part.split(group);
        let head = groups.next().unwrap_or_default();
        if head.is_empty() || head.len() > 3 || !head.bytes().all(|b| b.is_ascii_digit()) {
            return Err(NumError::Bad);
        }
        digits.push_str(head);
        for g in groups {
            if g.len() != 3 || !g.bytes().all(|b| b.is_ascii_digit()) {
                return Err(NumError::Bad);
            }
            digits.push_str(g);
        }
    } else if int_part.bytes().all(|b| b.is_ascii_digit()) {
        digits.push_str(int_part);
    } else {
        return Err(NumError::Bad);
    }
    if let Some(frac) = frac_part {
        digits.push('.');
        digits.push_str(frac);
    }
    let v: f64 = digits.parse().map_err(|_| NumError::Bad)?;
    let v = if mult == 1.0 { v } else { (v * mult).round() };
    let v = if neg { -v } else { v };
    if v.is_finite() {
        Ok(v)
    } else {
        Err(NumError::NonFinite)
    }
}

/// The message for a number that did not parse in column `name`.
pub(crate) fn num_message(err: NumError, field: &[u8], name: &str) -> String {
    match err {
        NumError::Empty => format!("empty `{name}`: expected a number"),
        NumError::Bad => {
            let hint = if field.contains(&b',') {
                " (no thousands separators; a decimal comma only in a `;`-separated file)"
            } else {
                ""
            };
            format!(
                "bad number `{}` in `{name}`: expected a decimal number such as 123.45{hint}",
                show(field)
            )
        }
        NumError::NonFinite => {
            format!("`{}` in `{name}`: expected a finite number (NaN and infinity are not data)", show(field))
        }
    }
}

/// True for the text Yahoo and others write for a missing value.
pub(crate) fn is_null(field: &[u8]) -> bool {
    let f = field.trim_ascii();
    f.is_empty() || f.eq_ignore_ascii_case(b"null")
}

/// Result of placing one date after the previous one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// The first row, or a new date in the file's order; `gap_days` since the previous row.
    Next {
        /// Calendar days between this row and the previous one (0 for the first row).
        gap_days: i64,
    },
    /// The same date as the previous kept row, which sits on `prev_line`.
    Duplicate {
        /// Line of the earlier row with this date.
        prev_line: u64,
    },
}

/// Checks that dates run one way: oldest first, or (a whole file) newest first.
#[derive(Debug, Default)]
pub(crate) struct Order {
    newest_first: Option<bool>,
    prev: Option<(NaiveDate, u64)>,
}

impl Order {
    /// True when the file turned out to be written newest first.
    pub(crate) fn newest_first(&self) -> bool {
        self.newest_first == Some(true)
    }

    /// Places `date` (on `line`, column `col`) after the previous row.
    pub(crate) fn step(&mut self, date: NaiveDate, line: u64, path: &Path, col: usize) -> Result<Step> {
        let Some((prev, prev_line)) = self.prev else {
            self.prev = Some((date, line));
            return Ok(Step::Next { gap_days: 0 });
        };
        if date == prev {
            return Ok(Step::Duplicate { prev_line });
        }
        let desc = *self.newest_first.get_or_insert(date < prev);
        if desc != (date < prev) {
            let msg = if desc {
                format!(
                    "date {date} is after {prev} on line {prev_line}: the file runs newest first, \
                     expected each date to be earlier than the one before"
                )
            } else {
                format!(
                    "date {date} is before {prev} on line {prev_line}: expected dates in ascending order \
                     (or a file wholly newest first)"
                )
            };
            return Err(Error::input(Location::cell(path, line, col), msg));
        }
        self.prev = Some((date, line));
        Ok(Step::Next { gap_days: (date - prev).num_days().abs() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn detects_and_parses_every_layout() {
        let cases: [(&[u8], DateFormat, NaiveDate); 8] = [
            (b"2024-01-02", DateFormat::Dash, d(2024, 1, 2)),
            (b"2024/01/02", DateFormat::Slash, d(2024, 1, 2)),
            (b"20240102", DateFormat::Compact, d(2024, 1, 2)),
            (b"2024-01-02T00:00:00Z", DateFormat::DateTime, d(2024, 1, 2)),
            (b"2024-01-02 00:00:00", DateFormat::DateTime, d(2024, 1, 2)),
            (b"2024-01-02T09:30:00-05:00", DateFormat::DateTime, d(2024, 1, 2)),
            (b"1704153600", DateFormat::UnixSeconds, d(2024, 1, 2)),
            (b"959299200", DateFormat::UnixSeconds, d(2000, 5, 26)),
        ];
        for (text, fmt, date) in cases {
            assert_eq!(DateFormat::detect(text), Some(fmt.clone()), "{}", show(text));
            assert_eq!(fmt.parse(text), Some(date), "{}", show(text));
        }
        assert_eq!(DateFormat::detect(b"1704153600000"), Some(DateFormat::UnixMillis));
        assert_eq!(DateFormat::UnixMillis.parse(b"1704153600000"), Some(d(2024, 1, 2)));
    }

    #[test]
    fn rejects_impossible_or_foreign_dates() {
        assert_eq!(DateFormat::Dash.parse(b"2024-02-30"), None);
        assert_eq!(DateFormat::Dash.parse(b"2024/02/03"), None);
        assert_eq!(DateFormat::DateTime.parse(b"2024-01-02Tnoon"), None);
        assert_eq!(DateFormat::detect(b"02.01.2024"), None);
        assert_eq!(DateFormat::detect(b"Jan 2 2024"), Some(DateFormat::MonthName));
        assert_eq!(DateFormat::detect(b"Jam 2 2024"), None);
        let err = parse_date(b"2024/01/03", &DateFormat::Dash, || Location::cell("f.csv", 3, 1)).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("f.csv:3:1") && msg.contains("YYYY/MM/DD") && msg.contains("YYYY-MM-DD"),
            "{msg}"
        );
    }

    #[test]
    fn numbers_and_their_errors() {
        assert_eq!(parse_num(b" 74800.0 ", false), Ok(74800.0));
        assert_eq!(parse_num(b"1e3", false), Ok(1000.0));
        assert_eq!(parse_num(b"", false), Err(NumError::Empty));
        assert_eq!(parse_num(b"abc", false), Err(NumError::Bad));
        assert_eq!(parse_num(b"NaN", false), Err(NumError::NonFinite));
        assert_eq!(parse_num(b"inf", false), Err(NumError::NonFinite));
        assert_eq!(parse_num(b"1,5", false), Err(NumError::Bad));
        assert_eq!(parse_num(b"1,5", true), Ok(1.5));
    }

    #[test]
    fn numbers_as_exports_write_them() {
        let dot = NumStyle { decimal_comma: false };
        let comma = NumStyle { decimal_comma: true };
        assert_eq!(parse_number(b"$1,234.50", dot, false), Ok(1234.5));
        assert_eq!(parse_number(b"22,219,869", dot, true), Ok(22_219_869.0));
        assert_eq!(parse_number(b"22.22M", dot, true), Ok(22_220_000.0));
        assert_eq!(parse_number(b"850K", dot, true), Ok(850_000.0));
        assert_eq!(parse_number(b"1.2B", dot, true), Ok(1_200_000_000.0));
        assert_eq!(parse_number(b"22.22M", dot, false), Err(NumError::Bad));
        assert_eq!(parse_number(b"299,85", comma, false), Ok(299.85));
        assert_eq!(parse_number(b"22.219.869", comma, true), Ok(22_219_869.0));
        assert_eq!(parse_number(b"1.197,40", comma, false), Ok(1197.4));
        assert_eq!(parse_number(b"-$3.5", dot, false), Ok(-3.5));
        // Not thousands groups, or a decimal comma in a point file: still errors.
        assert_eq!(parse_number(b"197,40", dot, false), Err(NumError::Bad));
        assert_eq!(parse_number(b"1,23,456", dot, false), Err(NumError::Bad));
        assert_eq!(parse_number(b"299.85", comma, false), Err(NumError::Bad));
        assert_eq!(parse_number(b"NaN", dot, false), Err(NumError::NonFinite));
        assert_eq!(parse_number(b"", dot, false), Err(NumError::Empty));
    }

    #[test]
    fn day_month_and_month_names() {
        assert_eq!(DateFormat::MonthFirst(b'/').parse(b"8/21/2026 16:00:00"), Some(d(2026, 8, 21)));
        assert_eq!(DateFormat::DayFirst(b'.').parse(b"21.08.2026"), Some(d(2026, 8, 21)));
        assert_eq!(DateFormat::DayFirst(b'.').parse(b"21/08/2026"), None);
        for t in ["Aug 21, 2026", "August 21 2026", "21 Aug 2026", "21-Aug-2026", "aug 21, 2026"] {
            assert_eq!(DateFormat::detect(t.as_bytes()), Some(DateFormat::MonthName), "{t}");
            assert_eq!(DateFormat::MonthName.parse(t.as_bytes()), Some(d(2026, 8, 21)), "{t}");
        }
        assert_eq!(DateFormat::MonthName.parse(b"Foo 21, 2026"), None);
        let p = Path::new("x.csv");
        let rows = |v: &[&str]| {
            v.iter().enumerate().map(|(i, t)| (i as u64 + 2, t.as_bytes().to_vec())).collect::<Vec<_>>()
        };
        let scan = |v: &[&str]| scan_day_month(rows(v).into_iter(), p, 0);
        assert_eq!(scan(&["08/20/2026", "08/21/2026"]).unwrap(), Some(DateFormat::MonthFirst(b'/')));
        assert_eq!(scan(&["20/08/2026", "21/08/2026"]).unwrap(), Some(DateFormat::DayFirst(b'/')));
        assert_eq!(scan(&["02.01.2024", "03.01.2024"]).unwrap(), Some(DateFormat::DayFirst(b'.')));
        assert_eq!(scan(&["2024-01-02"]).unwrap(), None);
        let e = scan(&["01/02/2024", "01/03/2024"]).unwrap_err().to_string();
        assert!(
            e.starts_with("x.csv:2:1") && e.contains("ambiguous date `01/02/2024`") && e.contains("%m/%d/%Y"),
            "{e}"
        );
        let e = scan(&["13/01/2024", "01/13/2024"]).unwrap_err().to_string();
        assert!(e.contains("day first on line 2") && e.contains("month first on line 3"), "{e}");
        let custom = DateFormat::Custom("%d.%m.%Y".into());
        assert_eq!(custom.parse(b"21.08.2026"), Some(d(2026, 8, 21)));
    }

    #[test]
    fn header_normalisation_and_sniffing() {
        assert_eq!(norm_header(b" Adj_Close "), "adj close");
        assert_eq!(norm_header(b"Adj Close**"), "adj close");
        assert_eq!(norm_header(b"adj. close"), "adj close");
        assert_eq!(sniff_delimiter(b"a;b;c\n1,2;3;4"), b';');
        assert_eq!(sniff_delimiter(b"a\tb\tc"), b'\t');
        assert_eq!(sniff_delimiter(b"a,b,c"), b',');
        assert_eq!(sniff_delimiter(b""), b',');
    }

    #[test]
    fn line_numbers_survive_crlf_and_blank_lines() {
        for text in ["a,b\n1,2\n\n3,4\n\n\n5,6\n", "a,b\r\n1,2\r\n\r\n3,4\r\n\r\n\r\n5,6"] {
            let mut r =
                csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
            let mut rec = csv::ByteRecord::new();
            let mut lines = Lines::new(text.as_bytes());
            let mut got = Vec::new();
            while r.read_byte_record(&mut rec).unwrap() {
                got.push(lines.of(&rec));
            }
            assert_eq!(got, vec![1, 2, 4, 7], "{text:?}");
        }
    }

    #[test]
    fn sha256_is_hex_of_known_vector() {
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn order_accepts_one_direction_only() {
        let p = Path::new("x.csv");
        let mut o = Order::default();
        assert_eq!(o.step(d(2024, 1, 5), 2, p, 1).unwrap(), Step::Next { gap_days: 0 });
        assert_eq!(o.step(d(2024, 1, 4), 3, p, 1).unwrap(), Step::Next { gap_days: 1 });
        assert!(o.newest_first());
        assert_eq!(o.step(d(2024, 1, 4), 4, p, 1).unwrap(), Step::Duplicate { prev_line: 3 });
        let err = o.step(d(2024, 1, 9), 5, p, 1).unwrap_err().to_string();
        assert!(err.contains("x.csv:5:1") && err.contains("newest first"), "{err}");
    }
}
