//! `note.toml`: the schema (serde), defaults, path resolution and validation.
//! Input: a TOML file; output: a [`NoteConfig`] with every path absolute and checked.

use crate::data::{Direction, Transform};
use crate::error::{Error, Result};
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
    /// The directory the config file sits in; relative paths resolve against it.
    #[serde(skip)]
    pub base_dir: PathBuf,
    /// The config file itself (for messages and the run manifest).
    #[serde(skip)]
    pub path: PathBuf,
}

/// One instrument's bar file.
#[derive(Debug, Clone, Deserialize, Serialize)]
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
}

/// One macro (or fundamental) series.
#[derive(Debug, Clone, Deserialize, Serialize)]
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
    /// Value column name when the file has several; defaults to the first non-date column.
    #[serde(default)]
    pub column: Option<String>,
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
        }
    }
}

/// Chart sizes and windows.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ChartConfig {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
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
            width: 1400,
            height: 900,
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
}

impl Default for SignalParams {
    fn default() -> Self {
        SignalParams {
            history_start: NaiveDate::from_ymd_opt(2010, 1, 4).expect("valid date"),
            anchor_year: None,
            reconstitution_days: Vec::new(),
            long_threshold: 0.20,
            short_threshold: -0.20,
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
        let bytes = std::fs::read(path)
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
            if !p.exists() {
                return Err(Error::config(&cfg_path, key, format!("file not found: {}", p.display())));
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
        if let Some(b) = self.benchmark.as_mut() {
            check("benchmark.bars", &mut b.bars)?;
        }
        if let Some(b) = self.mid_cap.as_mut() {
            check("mid_cap.bars", &mut b.bars)?;
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
