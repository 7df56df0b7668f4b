//! `note.toml`: the schema (serde), defaults, path resolution and validation.
//! Input: a TOML file; output: a [`NoteConfig`] with every path absolute and checked.

use crate::error::{Error, Result};
use crate::types::{Direction, Transform};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The whole note configuration.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NoteConfig {
    /// Note title; derived from the stance when absent.
    #[serde(default)]
    pub title: Option<String>,
    /// The as-of date used when `--as-of` is not given (default: the instrument's last bar). The
    /// sample sets it to the last date every bundled series covers.
    #[serde(default)]
    pub as_of: Option<NaiveDate>,
    /// Declares the instrument and benchmark a size pair (e.g. small against large caps): the
    /// note may then speak of rotation along the market-cap ladder. Default false: plain
    /// relative-strength wording ("QQQ against SPY"). A configured `mid_cap` rung implies it.
    #[serde(default)]
    pub size_pair: bool,
    /// The instrument the note is about.
    pub instrument: InstrumentConfig,
    /// The large-cap benchmark (needed by the relative-strength signals).
    #[serde(default)]
    pub benchmark: Option<InstrumentConfig>,
    /// Optional mid-cap rung (MDY/IJH) for the cap-ladder signal.
    #[serde(default)]
    pub mid_cap: Option<InstrumentConfig>,
    /// Macro and fundamental series.
    #[serde(default, rename = "macro")]
    pub macros: Vec<MacroConfig>,
    /// Output settings.
    #[serde(default)]
    pub output: OutputConfig,
    /// Signal parameters (defaults of SIGNALS.md).
    #[serde(default)]
    pub signals: SignalParams,
    /// Publishing settings (`marketnote publish`, `batch --site`).
    #[serde(default)]
    pub site: SiteConfig,
    /// Set by `batch` when a symbol is its own benchmark: the benchmark is dropped for that note,
    /// and the note says why instead of comparing the instrument with itself.
    #[serde(skip)]
    pub benchmark_is_instrument: bool,
    /// The directory the config file sits in; relative paths resolve against it.
    #[serde(skip)]
    pub base_dir: PathBuf,
    /// The config file itself (for messages and the run manifest).
    #[serde(skip)]
    pub path: PathBuf,
}

/// One instrument's bar file.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct InstrumentConfig {
    /// Ticker.
    pub symbol: String,
    /// Display name (defaults to the symbol).
    #[serde(default)]
    pub name: Option<String>,
    /// Bar CSV path, relative to the config file.
    pub bars: PathBuf,
    /// Scale open/high/low/close by `adj close / close` (splits and dividends).
    #[serde(default)]
    pub adjust: bool,
    /// Column names when the header's are not recognised (`columns = { date = "Datum" }`).
    #[serde(default)]
    pub columns: Option<ColumnMap>,
    /// Field separator when sniffing picks the wrong one: `,`, `;`, `|` or `tab`.
    #[serde(default)]
    pub separator: Option<String>,
    /// Decimal mark, `.` or `,` (the other one then groups thousands); detected when absent.
    #[serde(default)]
    pub decimal: Option<String>,
    /// Date layout as a chrono strftime pattern (`%d.%m.%Y`); detected when absent.
    #[serde(default)]
    pub date_format: Option<String>,
    /// Splits the file's prices are not adjusted for: `[{ date = "2026-03-02", ratio = 2 }]`
    /// (2 = 2-for-1; ratio 1 declares that a split-shaped gap on that date is no split).
    #[serde(default)]
    pub splits: Vec<SplitConfig>,
    /// What the instrument stands for in the note's words, e.g. `small caps` or `large caps`
    /// (lower case, plural reads best). Absent: the note uses the symbol.
    #[serde(default)]
    pub role: Option<String>,
    /// Where the file comes from, in words, for Data and Method (`source = "Yahoo Finance, daily
    /// download"`). Absent: the vendor the layout was recognised as, or "source not stated".
    #[serde(default)]
    pub source: Option<String>,
}

/// Header names of a bar file's columns, for files whose names are not recognised.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ColumnMap {
    /// Date column.
    pub date: Option<String>,
    /// Open column.
    pub open: Option<String>,
    /// High column.
    pub high: Option<String>,
    /// Low column.
    pub low: Option<String>,
    /// Close column.
    pub close: Option<String>,
    /// Adjusted close column.
    pub adj_close: Option<String>,
    /// Volume column.
    pub volume: Option<String>,
}

/// A split declared in the config: on `date` each old share became `ratio` shares.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SplitConfig {
    /// First session traded on the new basis.
    pub date: NaiveDate,
    /// New shares per old share (2 = 2-for-1, 0.1 = 1-for-10); 1 = not a split.
    pub ratio: f64,
}

/// One macro (or fundamental) series.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MacroConfig {
    /// Id. Well-known ids feed the macro signals: `fed_funds`, `dgs2`, `cpi`, `core_cpi`, `unrate`,
    /// `indpro`, `hy_oas`, `foreign_flows`, `fwd_eps`, `fwd_sales`, `ppi`, `ahe`.
    pub id: String,
    /// CSV path, relative to the config file.
    pub file: PathBuf,
    /// Human label.
    #[serde(default)]
    pub label: Option<String>,
    /// Transform for display: level, yoy or change.
    #[serde(default)]
    pub transform: Transform,
    /// Which direction is supportive for the instrument.
    #[serde(default)]
    pub supportive_when: Option<Direction>,
    /// Days from an observation's date to its publication; defaults per id (SIGNALS.md §0).
    #[serde(default)]
    pub release_lag_days: Option<i64>,
    /// Value column name when the file has several; required then, unless one column is the
    /// series' FRED code (`DGS2` for `dgs2`).
    #[serde(default)]
    pub column: Option<String>,
    /// Date column name when it is not recognised.
    #[serde(default)]
    pub date_column: Option<String>,
    /// Field separator when sniffing picks the wrong one: `,`, `;`, `|` or `tab`.
    #[serde(default)]
    pub separator: Option<String>,
    /// Decimal mark, `.` or `,`; detected when absent.
    #[serde(default)]
    pub decimal: Option<String>,
    /// Date layout as a chrono strftime pattern (`%d.%m.%Y`); detected when absent.
    #[serde(default)]
    pub date_format: Option<String>,
}

/// The byte a `separator` setting names.
pub fn separator_byte(s: &str) -> Option<u8> {
    match s {
        "," => Some(b','),
        ";" => Some(b';'),
        "|" => Some(b'|'),
        "tab" | "\\t" | "\t" => Some(b'\t'),
        _ => None,
    }
}

/// True for a `decimal` setting of `,`; `None` when the setting is neither `.` nor `,`.
pub fn decimal_is_comma(s: &str) -> Option<bool> {
    match s {
        "." => Some(false),
        "," => Some(true),
        _ => None,
    }
}

/// Checks the per-input format settings (`separator`, `decimal`, `date_format`) under `key`.
fn check_format_keys(
    cfg_path: &Path,
    key: &str,
    separator: Option<&str>,
    decimal: Option<&str>,
    date_format: Option<&str>,
) -> Result<()> {
    if let Some(s) = separator {
        if separator_byte(s).is_none() {
            return Err(Error::config(
                cfg_path,
                format!("{key}.separator"),
                format!("`{s}`: expected `,`, `;`, `|` or `tab`"),
            ));
        }
    }
    if let Some(d) = decimal {
        if decimal_is_comma(d).is_none() {
            return Err(Error::config(
                cfg_path,
                format!("{key}.decimal"),
                format!("`{d}`: expected `.` or `,`"),
            ));
        }
    }
    if let Some(f) = date_format {
        use chrono::format::{Item, StrftimeItems};
        let bad = StrftimeItems::new(f).any(|i| matches!(i, Item::Error));
        let has_date = ["%Y", "%F", "%D", "%y"].iter().any(|p| f.contains(p));
        if bad || !has_date {
            return Err(Error::config(
                cfg_path,
                format!("{key}.date_format"),
                format!(
                    "`{f}`: expected a chrono strftime pattern with a year, such as `%d.%m.%Y` or `%m/%d/%Y`"
                ),
            ));
        }
    }
    Ok(())
}

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// note.md
    Md,
    /// note.html
    Html,
    /// note.pdf (typeset in-process, PDF/A-3b)
    Pdf,
    /// signals.json
    Json,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "md" | "markdown" => Ok(Format::Md),
            "html" => Ok(Format::Html),
            "pdf" => Ok(Format::Pdf),
            "json" => Ok(Format::Json),
            other => Err(format!("unknown format `{other}` (expected md, html, pdf or json)")),
        }
    }
}

/// Colour theme of charts and HTML.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    /// Dark text on white.
    #[default]
    Light,
    /// Light text on near-black.
    Dark,
}

/// `[site]`: how a published site is linked from outside.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct SiteConfig {
    /// The absolute `http(s)://` URL the site folder is served at (`https://example.org/notes/`).
    /// Gives note pages a canonical link and Open Graph / Twitter tags, and the feed absolute
    /// links. None: relative links only, no social tags.
    pub base_url: Option<String>,
}

/// Output settings.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct OutputConfig {
    /// Formats written by `render` (md and html by default; json is always cheap to add).
    pub formats: Vec<Format>,
    /// Chart and HTML theme.
    pub theme: Theme,
    /// Chart settings.
    pub charts: ChartConfig,
    /// Paper size of note.pdf.
    pub paper: Paper,
    /// Author named in note.pdf's metadata (default: "marketnote").
    pub author: Option<String>,
}

/// Paper size of the PDF (`[output] paper`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Paper {
    /// ISO A4, 210 × 297 mm.
    #[default]
    A4,
    /// US Letter, 8.5 × 11 in.
    Letter,
}

impl Default for OutputConfig {
    fn default() -> Self {
        OutputConfig {
            formats: vec![Format::Md, Format::Html, Format::Json],
            theme: Theme::Light,
            charts: ChartConfig::default(),
            paper: Paper::default(),
            author: None,
        }
    }
}

/// Chart sizes and windows.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ChartConfig {
    /// Width in pixels. The default, 1500, is the 750 CSS-pixel HTML column at 2× density (text
    /// scales with the size; see `chart`).
    pub width: u32,
    /// Height in pixels (default 1140: a 750 × 570 design at 2×).
    pub height: u32,
    /// Also write SVG next to each PNG.
    pub svg: bool,
    /// Weekly bars shown (~3 years).
    pub weekly_bars: usize,
    /// 3-day bars shown (~1 year).
    pub three_day_bars: usize,
    /// Daily bars shown (~6 months).
    pub daily_bars: usize,
}

impl Default for ChartConfig {
    fn default() -> Self {
        ChartConfig {
            width: 1500,
            height: 1140,
            svg: false,
            weekly_bars: 156,
            three_day_bars: 84,
            daily_bars: 126,
        }
    }
}

/// Signal parameters: the defaults of SIGNALS.md, each overridable in `[signals]`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct SignalParams {
    /// Indicators are computed from this date (reproducible EMA/Wilder seeds).
    pub history_start: NaiveDate,
    /// D2/D3 anchor: the week with the lowest low in this year; auto when absent.
    pub anchor_year: Option<i32>,
    /// Russell reconstitution days (event days for volume evidence).
    pub reconstitution_days: Vec<NaiveDate>,
    /// Score at or above which the stance is Long.
    pub long_threshold: f64,
    /// Score at or below which the stance is Short.
    pub short_threshold: f64,
    /// The record check (SIGNALS.md §5, override 6): a long or short is published only when its
    /// own earlier week ends went its way at least half the time and at least as often as all
    /// week ends; otherwise the note is Neutral and says which way the signals lean. `false`
    /// publishes the score's stance as it is.
    pub record_check: bool,
}

impl Default for SignalParams {
    fn default() -> Self {
        SignalParams {
            history_start: NaiveDate::from_ymd_opt(2010, 1, 4).expect("valid date"),
            anchor_year: None,
            reconstitution_days: Vec::new(),
            long_threshold: 0.20,
            short_threshold: -0.20,
            record_check: true,
        }
    }
}

/// Default release lag (days) for a well-known macro id (SIGNALS.md §0).
pub fn default_release_lag(id: &str) -> i64 {
    match id {
        "fed_funds" | "dff" | "dgs2" | "dgs10" | "hy_oas" | "t10y2y" => 1,
        "cpi" | "core_cpi" | "ppi" => 45,
        "unrate" | "ahe" | "indpro" => 36,
        "fed_funds_monthly" => 32,
        "foreign_flows" => 80,
        "fwd_eps" | "fwd_sales" => 0,
        _ => 1,
    }
}

impl NoteConfig {
    /// Reads, parses and validates a config file; relative paths become absolute.
    pub fn load(path: &Path) -> Result<NoteConfig> {
        let bytes = crate::data::read::read(path, crate::data::read::Kind::Config)
            .map_err(|e| Error::config(path, "(file)", format!("cannot read config: {e}")))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let at = e.utf8_error().valid_up_to();
            let before = &e.as_bytes()[..at];
            let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
            let column = 1 + at - before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            Error::config(
                path,
                "(file)",
                format!(
                    "not UTF-8 text (byte {at}, line {line}, column {column}): expected a UTF-8 TOML file"
                ),
            )
        })?;
        Self::parse(&text, path)
    }

    /// Parses config text as if read from `path`, then validates it.
    pub fn parse(text: &str, path: &Path) -> Result<NoteConfig> {
        let de = toml::Deserializer::parse(text)
            .map_err(|e| Error::config(path, "(syntax)", toml_message(&e, text)))?;
        if let Ok(table) = text.parse::<toml::Table>() {
            check_text(&toml::Value::Table(table), &mut String::new())
                .map_err(|(key, msg)| Error::config(path, key, msg))?;
        }
        let mut cfg: NoteConfig = serde_path_to_error::deserialize(de).map_err(|e| {
            let key = one_line(&e.path().to_string());
            Error::config(path, if key == "." { "(root)".into() } else { key }, toml_message(e.inner(), text))
        })?;
        cfg.path = path.to_path_buf();
        cfg.base_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        cfg.resolve_and_validate()?;
        Ok(cfg)
    }

    fn resolve_and_validate(&mut self) -> Result<()> {
        let base = self.base_dir.clone();
        let cfg_path = self.path.clone();
        let check = |key: &str, p: &mut PathBuf| -> Result<()> {
            if !p.is_absolute() {
                *p = base.join(&*p);
            }
            if let Err(e) = std::fs::metadata(&*p) {
                let what = crate::data::read::describe_io(&e);
                return Err(Error::config(&cfg_path, key, format!("{what}: {}", p.display())));
            }
            if p.is_dir() {
                return Err(Error::config(
                    &cfg_path,
                    key,
                    format!("is a directory, expected a CSV file: {}", p.display()),
                ));
            }
            Ok(())
        };
        if self.instrument.symbol.trim().is_empty() {
            return Err(Error::config(&cfg_path, "instrument.symbol", "must not be empty"));
        }
        check("instrument.bars", &mut self.instrument.bars)?;
        if let Some(u) = &self.site.base_url {
            crate::site::check_base_url(u).map_err(|m| Error::config(&cfg_path, "site.base_url", m))?;
        }
        if let Some(b) = self.benchmark.as_mut() {
            check("benchmark.bars", &mut b.bars)?;
        }
        if let Some(b) = self.mid_cap.as_mut() {
            check("mid_cap.bars", &mut b.bars)?;
        }
        for (key, ic) in [
            ("instrument", Some(&self.instrument)),
            ("benchmark", self.benchmark.as_ref()),
            ("mid_cap", self.mid_cap.as_ref()),
        ] {
            let Some(ic) = ic else { continue };
            check_format_keys(
                &cfg_path,
                key,
                ic.separator.as_deref(),
                ic.decimal.as_deref(),
                ic.date_format.as_deref(),
            )?;
            for (j, s) in ic.splits.iter().enumerate() {
                if !(s.ratio.is_finite() && s.ratio > 0.0 && s.ratio <= 1000.0) {
                    return Err(Error::config(
                        &cfg_path,
                        format!("{key}.splits[{j}].ratio"),
                        format!(
                            "{}: expected a positive number of new shares per old share (2 for 2-for-1)",
                            s.ratio
                        ),
                    ));
                }
            }
        }
        let mut seen = std::collections::HashSet::new();
        for (i, m) in self.macros.iter_mut().enumerate() {
            if !seen.insert(m.id.clone()) {
                return Err(Error::config(
                    &cfg_path,
                    format!("macro[{i}].id"),
                    format!("duplicate id `{}`", m.id),
                ));
            }
            check(&format!("macro[{i}].file"), &mut m.file)?;
            check_format_keys(
                &cfg_path,
                &format!("macro[{i}]"),
                m.separator.as_deref(),
                m.decimal.as_deref(),
                m.date_format.as_deref(),
            )?;
            if let Some(l) = m.release_lag_days {
                if !(0..=400).contains(&l) {
                    return Err(Error::config(
                        &cfg_path,
                        format!("macro[{i}].release_lag_days"),
                        "expected 0..=400 days",
                    ));
                }
            }
        }
        let c = &self.output.charts;
        if !(200..=6000).contains(&c.width) {
            return Err(Error::config(
                &cfg_path,
                "output.charts.width",
                format!("{}: expected 200..=6000 pixels", c.width),
            ));
        }
        if !(150..=6000).contains(&c.height) {
            return Err(Error::config(
                &cfg_path,
                "output.charts.height",
                format!("{}: expected 150..=6000 pixels", c.height),
            ));
        }
        for (key, v) in [
            ("signals.long_threshold", self.signals.long_threshold),
            ("signals.short_threshold", self.signals.short_threshold),
        ] {
            if !v.is_finite() {
                return Err(Error::config(&cfg_path, key, format!("{v}: expected a finite number")));
            }
        }
        if self.signals.long_threshold <= self.signals.short_threshold {
            return Err(Error::config(
                &cfg_path,
                "signals.long_threshold",
                "must be above signals.short_threshold",
            ));
        }
        Ok(())
    }
}

/// A character that config text may not hold: a control character (C0, DEL, C1: NUL, BEL, ESC,
/// line breaks…) or a bidirectional formatting character (U+202A–U+202E, U+2066–U+2069, U+200E,
/// U+200F, U+061C), which would corrupt the note's markdown, HTML and SVG or spoof its text.
pub fn forbidden_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Finds the first config string (value or key) holding a [`forbidden_char`]; returns its key
/// path (`macro[2].label`) and a message naming the character and the fix.
fn check_text(v: &toml::Value, key: &mut String) -> std::result::Result<(), (String, String)> {
    let bad = |s: &str| {
        s.chars().enumerate().find(|(_, c)| forbidden_char(*c)).map(|(i, c)| {
            format!(
                "contains the character U+{:04X} at character {}: control characters and bidirectional \
                 overrides are not allowed in config text (they would corrupt the note); remove it",
                c as u32,
                i + 1
            )
        })
    };
    match v {
        toml::Value::String(s) => match bad(s) {
            Some(m) => Err((key.clone(), m)),
            None => Ok(()),
        },
        toml::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                let len = key.len();
                key.push_str(&format!("[{i}]"));
                check_text(x, key)?;
                key.truncate(len);
            }
            Ok(())
        }
        toml::Value::Table(t) => {
            for (k, x) in t {
                let len = key.len();
                if !key.is_empty() {
                    key.push('.');
                }
                key.push_str(k);
                if let Some(m) = bad(k) {
                    return Err((key.escape_debug().to_string(), format!("the key {m}")));
                }
                check_text(x, key)?;
                key.truncate(len);
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// A TOML error as one line: the problem, then where it is (`line 7, column 1`).
fn toml_message(e: &toml::de::Error, text: &str) -> String {
    let msg = one_line(e.message());
    match e.span() {
        Some(span) => {
            let start = span.start.min(text.len());
            let before = text.as_bytes().get(..start).unwrap_or_default();
            let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
            let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            let column = 1 + String::from_utf8_lossy(&before[line_start..]).chars().count();
            format!("{msg} (line {line}, column {column})")
        }
        None => msg,
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_and_bidi_characters_in_config_text_are_refused_with_their_key() {
        let t = tempfile::tempdir().unwrap();
        std::fs::write(t.path().join("a.csv"), "date,close\n").unwrap();
        let path = t.path().join("note.toml");
        for (text, key) in [
            ("[instrument]\nsymbol = \"IWM\\u0007\"\nbars = \"a.csv\"\n", "instrument.symbol"),
            ("title = \"a\\u202Eb\"\n[instrument]\nsymbol = \"IWM\"\nbars = \"a.csv\"\n", "title"),
            (
                "[instrument]\nsymbol = \"IWM\"\nbars = \"a.csv\"\n[[macro]]\nid = \"x\"\nfile = \"a.csv\"\nlabel = \"\\u0000\"\n",
                "macro[0].label",
            ),
            ("[instrument]\nsymbol = \"IWM\"\nname = \"a\\u001b[31m\"\nbars = \"a.csv\"\n", "instrument.name"),
            ("[instrument]\nsymbol = \"IWM\"\nbars = \"a\\u2066.csv\"\n", "instrument.bars"),
        ] {
            let e = NoteConfig::parse(text, &path).unwrap_err();
            assert_eq!(e.exit_code(), 2, "{e}");
            match &e {
                Error::Config { key: k, message, .. } => {
                    assert_eq!(k, key, "{e}");
                    assert!(message.contains("U+"), "{e}");
                }
                other => panic!("{other}"),
            }
        }
        NoteConfig::parse(
            "title = \"Tab\tand émoji 📈 fine?\"\n[instrument]\nsymbol = \"IWM\"\nbars = \"a.csv\"\n",
            &path,
        )
        .unwrap_err(); // tab is a control character too
        NoteConfig::parse(
            "title = \"émoji 📈 ok\"\n[instrument]\nsymbol = \"IWM\"\nbars = \"a.csv\"\n",
            &path,
        )
        .unwrap();
    }
}
