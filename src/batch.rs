//! `marketnote batch`: a manifest (TOML or CSV) listing a universe of symbols in; one note folder
//! per symbol (`DIR/<SYMBOL>/`, the normal `render` layout, written atomically) plus
//! `DIR/index.html` and `DIR/index.json` ranking the universe out.
//!
//! The shared settings (benchmark, mid-cap, macro series, output, signal parameters) are parsed
//! and loaded once; each symbol gets its own [`NoteConfig`] built from them and validated by
//! [`NoteConfig::parse`], so batch and render accept exactly the same settings. Symbols run on a
//! rayon pool of `-j N` threads; each worker writes its note as soon as it is built and keeps only
//! a small [`Row`], so memory is bounded per worker, not per universe. One bad symbol fails only
//! itself. `--shard K/N` keeps the symbols whose FNV-1a hash (upper-cased ticker) is `K-1 mod N`.
//!
//! Exit status: 0 when every symbol succeeded; 2 when some failed on bad input or config (the
//! others are still written and indexed); 1 when some failed on an internal or output error.

use crate::config::{Format, NoteConfig, Theme};
use crate::data::Dataset;
use crate::error::{Error, Location, Result};
use crate::pipeline;
use crate::report::batch_index::{FailedRow, IndexPage, IndexRow};
use crate::report::{self, RenderOptions, Templates};
use crate::signals::stance::StanceKind;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// The marker file of a batch output folder (the folder may then be written into again).
pub const MARKER: &str = ".marketnote-batch";
const MARKER_TEXT: &str = "This folder is written by marketnote batch; its note folders and index are \
                           replaced on the next batch.\n";

/// Longest accepted ticker.
pub const MAX_SYMBOL_LEN: usize = 32;

/// The signal whose facts carry the relative-strength percentile (G1, `Facts::rs_percentile`).
const RS_SIGNAL: &str = crate::signals::catalog::SignalId::RsLargeCapWaveComplete.as_str();

// ---------------------------------------------------------------------------------------------
// Shards and symbols
// ---------------------------------------------------------------------------------------------

/// 64-bit FNV-1a of the upper-cased (ASCII) symbol: the stable shard key.
pub fn fnv1a(symbol: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in symbol.bytes() {
        h ^= u64::from(b.to_ascii_uppercase());
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// One shard of a manifest: `K/N`, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Shard {
    /// This shard, 1..=n.
    pub k: u64,
    /// Number of shards.
    pub n: u64,
}

impl std::str::FromStr for Shard {
    type Err = Error;
    fn from_str(s: &str) -> Result<Shard> {
        let bad = || Error::Usage(format!("--shard {s}: expected K/N with 1 <= K <= N, e.g. 2/8"));
        let (k, n) = s.trim().split_once('/').ok_or_else(bad)?;
        let k: u64 = k.trim().parse().map_err(|_| bad())?;
        let n: u64 = n.trim().parse().map_err(|_| bad())?;
        if n == 0 || k == 0 || k > n {
            return Err(bad());
        }
        Ok(Shard { k, n })
    }
}

impl Shard {
    /// True when `symbol` belongs to this shard. Depends on the symbol alone, so every shard
    /// agrees, shards are disjoint and cover the manifest, and adding a symbol moves no other.
    pub fn contains(&self, symbol: &str) -> bool {
        fnv1a(symbol) % self.n == self.k - 1
    }
}

/// Checks that a ticker can be used as a folder name inside the output folder: 1 to 32 characters
/// from `A-Z a-z 0-9 . - _ ^ =`, not starting with a dot (so no `.`, `..`, hidden folders, `/`,
/// `\`, NUL or control characters), and not one of the index file names.
pub fn validate_symbol(symbol: &str) -> std::result::Result<(), String> {
    if symbol.is_empty() {
        return Err("the symbol is empty".into());
    }
    if symbol.len() > MAX_SYMBOL_LEN {
        return Err(format!("`{}…` is longer than {MAX_SYMBOL_LEN} characters", short(symbol, 16)));
    }
    if let Some(c) =
        symbol.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '^' | '=')))
    {
        return Err(format!(
            "`{}` contains {c:?}; a symbol becomes a folder name, so only letters, digits and . - _ ^ = \
             are allowed",
            symbol.escape_debug()
        ));
    }
    if symbol.starts_with('.') {
        return Err(format!("`{symbol}` starts with a dot; a symbol becomes a folder name"));
    }
    let lower = symbol.to_ascii_lowercase();
    if lower == "index.html" || lower == "index.json" {
        return Err(format!("`{symbol}` would collide with the batch index"));
    }
    Ok(())
}

fn short(s: &str, n: usize) -> String {
    s.chars().take(n).collect::<String>().escape_debug().to_string()
}

// ---------------------------------------------------------------------------------------------
// Manifest
// ---------------------------------------------------------------------------------------------

/// Where a symbol was listed, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// `[[symbol]]` number `i` (0-based) of a TOML manifest.
    Toml(usize),
    /// Line `n` (1-based) of a CSV manifest.
    Csv(u64),
}

/// One symbol of the universe.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Ticker (validated: safe as a folder name).
    pub symbol: String,
    /// Display name.
    pub name: Option<String>,
    /// Bar CSV, as written in the manifest (relative to the manifest).
    pub bars: PathBuf,
    /// Adjust OHLC by adj close / close.
    pub adjust: bool,
    /// Note title (else `defaults.title`, else derived from the stance).
    pub title: Option<String>,
    /// The instrument's role in the pair's wording (`instrument.role`, e.g. "small caps").
    pub role: Option<String>,
    /// Where its bar file comes from, in words (`instrument.source`).
    pub source: Option<String>,
    /// True when this symbol and the benchmark form a size pair (`size_pair`; else
    /// `defaults.size_pair`): only then does the note use cap-ladder wording.
    pub size_pair: Option<bool>,
    /// Where it was listed.
    pub origin: Origin,
}

/// A parsed manifest: the shared settings and the symbols.
#[derive(Debug, Clone)]
pub struct Manifest {
    /// The manifest file (TOML, or the CSV).
    pub path: PathBuf,
    /// The file holding the shared settings (the TOML manifest, or the CSV's sibling TOML).
    pub settings_path: PathBuf,
    /// `[defaults]`: any note.toml key except `instrument`.
    defaults: toml::Table,
    /// `[[macro]]`, as in note.toml.
    macros: Vec<toml::Value>,
    /// A template folder overriding the embedded templates, relative to the manifest.
    pub templates: Option<PathBuf>,
    /// The symbols, in manifest order.
    pub entries: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    #[serde(default)]
    defaults: toml::Table,
    #[serde(default, rename = "macro")]
    macros: Vec<toml::Value>,
    #[serde(default)]
    templates: Option<PathBuf>,
    #[serde(default)]
    symbol: Vec<RawSymbol>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSymbol {
    symbol: String,
    #[serde(default)]
    name: Option<String>,
    bars: PathBuf,
    #[serde(default)]
    adjust: bool,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    role: Option<String>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    size_pair: Option<bool>,
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn parse_toml(text: &str, path: &Path) -> Result<RawManifest> {
    let de = toml::Deserializer::parse(text)
        .map_err(|e| Error::config(path, "(syntax)", one_line(&e.to_string())))?;
    serde_path_to_error::deserialize(de).map_err(|e| {
        let key = e.path().to_string();
        Error::config(path, if key == "." { "(root)".into() } else { key }, one_line(&e.inner().to_string()))
    })
}

fn read_text(path: &Path) -> Result<String> {
    crate::data::read::read_text(path, crate::data::read::Kind::Manifest)
        .map_err(|e| Error::config(path, "(file)", format!("cannot read the manifest: {e}")))
}

impl Manifest {
    /// Reads a manifest: `*.toml` (`[defaults]`, `[[macro]]`, `[[symbol]]`) or `*.csv`
    /// (`symbol,bars[,name,adjust,title]` with a header; shared settings from the sibling
    /// `<stem>.toml` when present). Checks every symbol and rejects duplicates (case-insensitive,
    /// as folders on some file systems are).
    pub fn load(path: &Path) -> Result<Manifest> {
        let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
        let m = match ext.as_str() {
            "toml" => {
                let raw = parse_toml(&read_text(path)?, path)?;
                let entries = raw
                    .symbol
                    .into_iter()
                    .enumerate()
                    .map(|(i, s)| Entry {
                        symbol: s.symbol.trim().to_string(),
                        name: s.name,
                        bars: s.bars,
                        adjust: s.adjust,
                        title: s.title,
                        role: s.role,
                        source: s.source,
                        size_pair: s.size_pair,
                        origin: Origin::Toml(i),
                    })
                    .collect();
                Manifest {
                    path: path.to_path_buf(),
                    settings_path: path.to_path_buf(),
                    defaults: raw.defaults,
                    macros: raw.macros,
                    templates: raw.templates,
                    entries,
                }
            }
            "csv" => {
                let entries = parse_csv(
                    &crate::data::read::read(path, crate::data::read::Kind::Manifest).map_err(|e| {
                        Error::input(Location::file(path), format!("cannot read the manifest: {e}"))
                    })?,
                    path,
                )?;
                let sibling = path.with_extension("toml");
                let (settings_path, raw) = if sibling.is_file() {
                    let raw = parse_toml(&read_text(&sibling)?, &sibling)?;
                    if !raw.symbol.is_empty() {
                        return Err(Error::config(
                            &sibling,
                            "symbol",
                            format!(
                                "the symbols of a CSV manifest come from {}; remove [[symbol]] here",
                                path.display()
                            ),
                        ));
                    }
                    (sibling, raw)
                } else {
                    (
                        path.to_path_buf(),
                        RawManifest {
                            defaults: toml::Table::new(),
                            macros: Vec::new(),
                            templates: None,
                            symbol: Vec::new(),
                        },
                    )
                };
                Manifest {
                    path: path.to_path_buf(),
                    settings_path,
                    defaults: raw.defaults,
                    macros: raw.macros,
                    templates: raw.templates,
                    entries,
                }
            }
            _ => {
                return Err(Error::Usage(format!(
                    "manifest {}: expected a .toml or .csv file",
                    path.display()
                )))
            }
        };
        m.check()?;
        Ok(m)
    }

    fn entry_error(&self, e: &Entry, field: &str, msg: impl Into<String>) -> Error {
        match e.origin {
            Origin::Toml(i) => Error::config(&self.path, format!("symbol[{i}].{field}"), msg),
            Origin::Csv(line) => {
                Error::input(Location::line(&self.path, line), format!("{field}: {}", msg.into()))
            }
        }
    }

    fn check(&self) -> Result<()> {
        for key in ["instrument"] {
            if self.defaults.contains_key(key) {
                return Err(Error::config(
                    &self.settings_path,
                    format!("defaults.{key}"),
                    "the instrument of each note comes from its symbol entry",
                ));
            }
        }
        if self.defaults.contains_key("macro") && !self.macros.is_empty() {
            return Err(Error::config(
                &self.settings_path,
                "defaults.macro",
                "macro series are given twice: keep either [[macro]] or defaults.macro",
            ));
        }
        let mut seen = std::collections::HashMap::new();
        for e in &self.entries {
            validate_symbol(&e.symbol).map_err(|m| self.entry_error(e, "symbol", m))?;
            if let Some(first) = seen.insert(e.symbol.to_ascii_uppercase(), e.symbol.clone()) {
                return Err(self.entry_error(
                    e,
                    "symbol",
                    format!(
                        "`{}` is listed twice (also as `{first}`); each symbol gets one folder",
                        e.symbol
                    ),
                ));
            }
            if e.bars.as_os_str().is_empty() {
                return Err(self.entry_error(e, "bars", "the bar file path is empty"));
            }
        }
        Ok(())
    }

    /// The note.toml table for one instrument: the defaults, the instrument, the macro series.
    fn table_for(
        &self,
        symbol: &str,
        name: Option<&str>,
        bars: &Path,
        adjust: bool,
        title: Option<&str>,
    ) -> toml::Table {
        let mut t = self.defaults.clone();
        let mut inst = toml::Table::new();
        inst.insert("symbol".into(), symbol.into());
        if let Some(n) = name {
            inst.insert("name".into(), n.into());
        }
        inst.insert("bars".into(), bars.to_string_lossy().into_owned().into());
        inst.insert("adjust".into(), adjust.into());
        t.insert("instrument".into(), toml::Value::Table(inst));
        if let Some(title) = title {
            t.insert("title".into(), title.into());
        }
        if !self.macros.is_empty() {
            t.insert("macro".into(), toml::Value::Array(self.macros.clone()));
        }
        t
    }

    /// Validates the shared settings once (with the manifest itself standing in for the
    /// instrument's bar file, which is never read) and returns that config.
    pub fn shared_config(&self) -> Result<NoteConfig> {
        let own_name =
            self.settings_path.file_name().map_or_else(|| self.settings_path.clone(), PathBuf::from);
        let t = self.table_for("SHARED", None, &own_name, false, None);
        let text = toml::to_string(&t).map_err(|e| Error::Internal(format!("manifest settings: {e}")))?;
        NoteConfig::parse(&text, &self.settings_path).map_err(|e| self.map_shared_error(e))
    }

    fn map_shared_error(&self, e: Error) -> Error {
        match e {
            Error::Config { file, key, message } => {
                let key = if key.starts_with("macro[") {
                    key
                } else if key == "(root)" {
                    "defaults".into()
                } else {
                    format!("defaults.{key}")
                };
                Error::Config { file, key, message }
            }
            other => other,
        }
    }

    /// The validated config of one symbol. Errors name the symbol's manifest entry.
    pub fn config_for(&self, e: &Entry) -> Result<NoteConfig> {
        let mut t = self.table_for(&e.symbol, e.name.as_deref(), &e.bars, e.adjust, e.title.as_deref());
        if let (Some(role), Some(toml::Value::Table(inst))) = (&e.role, t.get_mut("instrument")) {
            inst.insert("role".into(), role.clone().into());
        }
        if let (Some(source), Some(toml::Value::Table(inst))) = (&e.source, t.get_mut("instrument")) {
            inst.insert("source".into(), source.clone().into());
        }
        if let Some(sp) = e.size_pair {
            t.insert("size_pair".into(), sp.into());
        }
        let text = toml::to_string(&t).map_err(|err| Error::Internal(format!("manifest entry: {err}")))?;
        // Paths resolve against the manifest's folder (the CSV and its sibling TOML share it).
        NoteConfig::parse(&text, &self.path).map_err(|err| match err {
            Error::Config { key, message, .. } if key.starts_with("instrument.") => {
                self.entry_error(e, &key["instrument.".len()..], message)
            }
            Error::Config { key, message, .. } if key == "title" && e.title.is_some() => {
                self.entry_error(e, "title", message)
            }
            other => self.map_shared_error(other),
        })
    }
}

/// Parses a CSV manifest: a header naming `symbol` and `bars` (required) and optionally `name`,
/// `adjust` (true/false/yes/no/1/0, empty = false) and `title`; `#` starts a comment line.
fn parse_csv(bytes: &[u8], path: &Path) -> Result<Vec<Entry>> {
    let mut rdr =
        csv::ReaderBuilder::new().has_headers(true).trim(csv::Trim::All).flexible(true).from_reader(bytes);
    let csv_err = |e: csv::Error| {
        let line = e.position().map_or(1, |p| p.line());
        Error::input(Location::line(path, line), one_line(&e.to_string()))
    };
    let headers = rdr.headers().map_err(csv_err)?.clone();
    let col = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (Some(sym_col), Some(bars_col)) = (col("symbol"), col("bars")) else {
        return Err(Error::input(
            Location::line(path, 1),
            format!(
                "expected a header with `symbol` and `bars` columns (and optionally name, adjust, title), found `{}`",
                headers.iter().collect::<Vec<_>>().join(",")
            ),
        ));
    };
    let (name_col, adjust_col, title_col) = (col("name"), col("adjust"), col("title"));
    for (i, h) in headers.iter().enumerate() {
        if let Some(first) = headers.iter().take(i).position(|g| g.eq_ignore_ascii_case(h)) {
            return Err(Error::input(
                Location::cell(path, 1, i + 1),
                format!("column `{h}` appears twice (columns {} and {}); keep one", first + 1, i + 1),
            ));
        }
    }
    for (i, h) in headers.iter().enumerate() {
        if ![Some(sym_col), Some(bars_col), name_col, adjust_col, title_col].contains(&Some(i)) {
            return Err(Error::input(
                Location::cell(path, 1, i + 1),
                format!("unknown column `{h}` (expected symbol, bars, name, adjust, title)"),
            ));
        }
    }
    let mut out = Vec::new();
    let mut rec = csv::StringRecord::new();
    while rdr.read_record(&mut rec).map_err(csv_err)? {
        // From the byte offset: the csv crate's line counter skips blank lines.
        let line = rec.position().map_or(0, |p| {
            let mut at = usize::try_from(p.byte()).unwrap_or(usize::MAX).min(bytes.len());
            // The record's position may include the blank lines before it.
            while at < bytes.len() && matches!(bytes[at], b'\n' | b'\r') {
                at += 1;
            }
            1 + bytes[..at].iter().filter(|&&b| b == b'\n').count() as u64
        });
        // Comment lines (`# ...`) and blank lines are skipped; the csv crate's own comment
        // handling would shift the line numbers of later rows.
        if rec.iter().all(str::is_empty) || rec.get(0).is_some_and(|f| f.starts_with('#')) {
            continue;
        }
        if rec.len() != headers.len() {
            return Err(Error::input(
                Location::line(path, line),
                format!("expected {} fields like the header, found {}", headers.len(), rec.len()),
            ));
        }
        let get = |c: Option<usize>| c.and_then(|c| rec.get(c)).filter(|v| !v.is_empty()).map(str::to_string);
        let adjust = match get(adjust_col).map(|v| v.to_ascii_lowercase()) {
            None => false,
            Some(v) if matches!(v.as_str(), "true" | "yes" | "1") => true,
            Some(v) if matches!(v.as_str(), "false" | "no" | "0") => false,
            Some(v) => {
                return Err(Error::input(
                    Location::cell(path, line, adjust_col.unwrap_or(0) + 1),
                    format!("adjust: `{v}` is not true/false"),
                ))
            }
        };
        out.push(Entry {
            symbol: get(Some(sym_col)).unwrap_or_default(),
            name: get(name_col),
            bars: PathBuf::from(get(Some(bars_col)).unwrap_or_default()),
            adjust,
            title: get(title_col),
            role: None,
            source: None,
            size_pair: None,
            origin: Origin::Csv(line),
        });
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Shared inputs
// ---------------------------------------------------------------------------------------------

/// The inputs every note of the batch shares, loaded once.
pub type Shared = crate::data::SharedInputs;

/// The dataset of one symbol: its bars read now, the shared series copied in (the same dataset
/// `data::load` would build from that symbol's config).
fn symbol_dataset(shared: &Shared, cfg: &NoteConfig) -> Result<Dataset> {
    shared.dataset(cfg, crate::data::load_instrument(cfg)?, "defaults.")
}

// ---------------------------------------------------------------------------------------------
// Running
// ---------------------------------------------------------------------------------------------

/// What a batch is asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    /// Output folder.
    pub output: PathBuf,
    /// Worker threads (None: all cores).
    pub jobs: Option<usize>,
    /// Only this shard.
    pub shard: Option<Shard>,
    /// Use no data after this date.
    pub as_of: Option<NaiveDate>,
    /// Progress on stderr: None decides by whether stderr is a terminal.
    pub progress: Option<bool>,
    /// Compute base rates and the track record for every note, as `render` does (the CLI's
    /// default; `--no-base-rates` turns it off). The track record lowers conviction where the
    /// score shows no edge, so without it a batch note's conviction can differ from `render`'s.
    pub base_rates: bool,
}

/// Failures named in the one-line summary; the index lists them all.
const SUMMARY_FAILURES: usize = 10;

/// One line of the index: a symbol's outcome, small enough to keep for the whole universe.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// Ticker.
    pub symbol: String,
    /// Display name.
    pub name: String,
    /// `long`, `short` or `neutral` (None when the symbol failed).
    pub stance: Option<StanceKind>,
    /// Conviction, e.g. `moderate` (None for a neutral stance or a failed symbol).
    pub conviction: Option<String>,
    /// Score in [-1, 1].
    pub score: Option<f64>,
    /// Weighted share of signals available, 0..1.
    pub coverage: Option<f64>,
    /// Percentile (0..1) of the instrument/benchmark ratio over 5 years (G1 `r_pct`).
    pub rs_pct: Option<f64>,
    /// Stance flags such as `risk_watch`, `risk_triggered`, `insufficient_data`.
    pub flags: Vec<String>,
    /// The effective as-of date.
    pub as_of: Option<NaiveDate>,
    /// The note page, relative to the index (`IWM/note.html`).
    pub link: Option<String>,
    /// The one-line error, when the symbol failed.
    pub error: Option<String>,
    /// The failure's exit code class (2 bad input, 1 internal), when it failed.
    #[serde(skip)]
    pub exit_code: Option<i32>,
}

/// The outcome of a batch.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Successful symbols, ranked by score (highest first), then symbol.
    pub ok: Vec<Row>,
    /// Failed symbols, by symbol.
    pub failed: Vec<Row>,
    /// Symbols in the manifest before sharding.
    pub manifest_total: usize,
    /// The index files written.
    pub index: Vec<PathBuf>,
}

impl Summary {
    /// The one-line summary: `498 ok, 2 failed: XYZ (data/XYZ.csv:14:3: ...), ...`.
    pub fn line(&self) -> String {
        let mut s = format!("{} ok, {} failed", self.ok.len(), self.failed.len());
        for (i, r) in self.failed.iter().take(SUMMARY_FAILURES).enumerate() {
            s.push_str(if i == 0 { ": " } else { ", " });
            s.push_str(&format!("{} ({})", r.symbol, r.error.as_deref().unwrap_or("")));
        }
        if self.failed.len() > SUMMARY_FAILURES {
            s.push_str(&format!(
                ", and {} more (every failure is listed in index.html and index.json)",
                self.failed.len() - SUMMARY_FAILURES
            ));
        }
        s
    }

    /// 0 when all succeeded, 1 when any failure was internal, else 2.
    pub fn exit_code(&self) -> i32 {
        if self.failed.is_empty() {
            0
        } else if self.failed.iter().any(|r| r.exit_code == Some(1)) {
            1
        } else {
            2
        }
    }
}

/// `marketnote batch`: runs the batch, prints the index paths on stdout and the summary on stderr;
/// an error (exit 2 or 1) when any symbol failed.
pub fn run(manifest: &Path, opts: &Options) -> Result<()> {
    run_in(manifest, opts, None)
}

/// [`run`], publishing into a site instead of `opts.output` when `site` is given (`batch --site`).
pub fn run_in(manifest: &Path, opts: &Options, site: Option<&crate::site::Site>) -> Result<()> {
    keep_freed_memory();
    let m = Manifest::load(manifest)?;
    let summary = run_manifest_in(&m, opts, site)?;
    for p in &summary.index {
        println!("{}", p.display());
    }
    match summary.exit_code() {
        0 => {
            eprintln!("{}", summary.line());
            Ok(())
        }
        code => {
            let msg = format!("batch: {}", summary.line());
            Err(if code == 1 { Error::Internal(msg) } else { Error::Usage(msg) })
        }
    }
}

/// Every note allocates and frees the same large buffers (a 1400x900 RGB canvas per chart, PNG
/// and HTML strings of megabytes). With glibc's defaults those are fresh `mmap`s or trimmed heap,
/// so each note page-faults them in again: measured, a third of the batch's system time. Keeping
/// freed memory in the worker arenas (allocations up to 32 MiB from the heap, trim above 256 MiB)
/// removes ~95% of the page faults; peak RSS stays flat (one note per worker).
fn keep_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        const M_TRIM_THRESHOLD: std::ffi::c_int = -1;
        const M_MMAP_THRESHOLD: std::ffi::c_int = -3;
        extern "C" {
            fn mallopt(param: std::ffi::c_int, value: std::ffi::c_int) -> std::ffi::c_int;
        }
        // SAFETY: mallopt only sets allocator tunables; it is called before any worker thread
        // starts, and a refused value (return 0) leaves the defaults in place.
        unsafe {
            mallopt(M_MMAP_THRESHOLD, 32 << 20);
            mallopt(M_TRIM_THRESHOLD, 256 << 20);
        }
    }
}

/// Checks that the batch output folder may be written: absent, empty, or a previous batch folder.
fn check_output(dir: &Path) -> Result<()> {
    match std::fs::metadata(dir) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if std::fs::symlink_metadata(dir).is_ok() {
                return Err(Error::Usage(format!(
                    "output {} is a symbolic link to a missing folder; remove the link or point it at a folder",
                    dir.display()
                )));
            }
            // Absent: made by the batch; a parent that is a file is said now, not as a write error.
            if let Some(file) = dir.ancestors().skip(1).find(|a| a.is_file()) {
                return Err(Error::Usage(format!(
                    "output {}: {} is a file, so no folder can be made under it; choose another -o folder",
                    dir.display(),
                    file.display()
                )));
            }
            return Ok(());
        }
        Err(e) => {
            return Err(Error::Usage(format!(
                "output {}: {}; choose another -o folder",
                dir.display(),
                crate::data::read::describe_io(&e)
            )))
        }
    }
    if !dir.is_dir() {
        return Err(Error::Usage(format!("output {} exists and is not a folder", dir.display())));
    }
    if dir.join(MARKER).is_file() {
        return Ok(());
    }
    // Empty, or holding only the marker's own lock and temporary file: another batch is writing
    // the marker into it right now (`report::write::write_file`), so the folder is a batch's.
    let mut ours = true;
    for e in std::fs::read_dir(dir).map_err(|e| out_err(dir, e))? {
        let e = e.map_err(|e| out_err(dir, e))?;
        // `..marketnote-batch.lock`, `..marketnote-batch.tmp-*` (write_file's `.NAME.*`).
        if !e.file_name().to_string_lossy().starts_with(&format!(".{MARKER}")) {
            ours = false;
            break;
        }
    }
    if ours || dir.join(MARKER).is_file() {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "output {} is a non-empty folder that was not written by marketnote batch (no {MARKER} file); \
         refusing to write into it: choose another -o folder or empty it",
        dir.display()
    )))
}

fn out_err(p: &Path, e: impl std::fmt::Display) -> Error {
    Error::Output { path: p.to_path_buf(), message: e.to_string() }
}

/// Most workers per CPU core `-j` may ask for: notes are CPU-bound, so more only costs memory
/// (one note's buffers per worker).
pub const JOBS_PER_CORE: usize = 4;

/// The worker count: `-j` (all cores when absent), at most one per symbol and
/// [`JOBS_PER_CORE`] per core, at least one.
pub fn worker_count(requested: Option<usize>, symbols: usize, cores: usize) -> usize {
    let cores = cores.max(1);
    requested.unwrap_or(cores).min(cores.saturating_mul(JOBS_PER_CORE)).min(symbols).max(1)
}

/// Runs a loaded manifest: every symbol of the shard, then the index. Errors only for problems
/// that concern the whole batch (shared settings or data, output folder, templates); a symbol's
/// own failure becomes a failed [`Row`].
pub fn run_manifest(m: &Manifest, opts: &Options) -> Result<Summary> {
    run_manifest_in(m, opts, None)
}

/// [`run_manifest`]; with a site, each note goes to `SITE/<SYMBOL>/<AS-OF>/` with "Since the Last
/// Note" against the latest earlier note there, json is always written, and the site's pages
/// replace the batch index (`Summary::index` lists them).
pub fn run_manifest_in(m: &Manifest, opts: &Options, site: Option<&crate::site::Site>) -> Result<Summary> {
    let shared_cfg = m.shared_config()?;
    let mut formats = shared_cfg.output.formats.clone();
    if site.is_some() && !formats.contains(&Format::Json) {
        formats.push(Format::Json);
        formats.sort();
    }
    let theme: Theme = shared_cfg.output.theme;
    if site.is_none() {
        check_output(&opts.output)?;
    }
    let templates_dir = m.templates.as_ref().map(|t| shared_cfg.base_dir.join(t));
    let tpl = Templates::load(templates_dir.as_deref())?;
    let shared = Shared::load(&shared_cfg)?;
    let entries: Vec<&Entry> =
        m.entries.iter().filter(|e| opts.shard.is_none_or(|s| s.contains(&e.symbol))).collect();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let jobs = match opts.jobs {
        Some(0) => return Err(Error::Usage("-j 0: expected at least one worker".into())),
        Some(j) => {
            let capped = worker_count(Some(j), entries.len(), cores);
            if capped < j {
                eprintln!(
                    "batch: -j {j} capped at {capped} (at most one worker per symbol and {JOBS_PER_CORE} per core)"
                );
            }
            capped
        }
        None => worker_count(None, entries.len(), cores),
    };

    if site.is_none() {
        std::fs::create_dir_all(&opts.output).map_err(|e| match e.kind() {
            std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem => Error::Usage(
                format!("output {}: cannot create it: {e}; choose a writable folder", opts.output.display()),
            ),
            _ => out_err(&opts.output, e),
        })?;
        report::write::write_file(&opts.output, MARKER, MARKER_TEXT.as_bytes())?;
    }

    let ropts = RenderOptions { formats, theme, templates: None };
    let progress =
        Progress::new(entries.len(), opts.progress.unwrap_or_else(|| std::io::stderr().is_terminal()));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .thread_name(|i| format!("marketnote-batch-{i}"))
        .build()
        .map_err(|e| Error::Internal(format!("cannot start {jobs} worker threads: {e}")))?;
    let cwd = std::env::current_dir().ok();
    let rows: Vec<Row> = pool.install(|| {
        use rayon::prelude::*;
        entries
            .par_iter()
            .map(|e| {
                let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    one_symbol(m, e, &shared, &tpl, &ropts, opts, site)
                }))
                .unwrap_or_else(|p| {
                    let what = p
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| p.downcast_ref::<String>().cloned())
                        .unwrap_or_else(|| "panic".into());
                    Err(Error::Internal(format!("a bug in marketnote while building this note: {what}")))
                });
                let row = match result {
                    Ok(row) => row,
                    Err(err) => failed_row(e, &err, cwd.as_deref()),
                };
                progress.done(&row);
                row
            })
            .collect()
    });
    progress.finish();
    if let Some(t) = STAGES.report() {
        eprintln!("{t}");
    }

    let (mut ok, mut failed): (Vec<Row>, Vec<Row>) = rows.into_iter().partition(|r| r.error.is_none());
    rank(&mut ok);
    failed.sort_by(|a, b| a.symbol.cmp(&b.symbol));
    let mut summary = Summary { ok, failed, manifest_total: m.entries.len(), index: Vec::new() };
    summary.index = match site {
        Some(s) => s.rebuild()?,
        None => write_index(&opts.output, &summary, opts, &tpl)?,
    };
    Ok(summary)
}

/// Decimals of the score as the index prints it.
const SCORE_DP: usize = 2;

/// The score as the index prints it (two decimals), for ranking: what the reader sees decides
/// the order, and a symbol without a score comes last.
fn printed_score(r: &Row) -> f64 {
    match r.score.filter(|v| v.is_finite()) {
        Some(v) => format!("{:.*}", SCORE_DP, v).parse().unwrap_or(f64::NEG_INFINITY),
        None => f64::NEG_INFINITY,
    }
}

/// Ranks the universe as the index says it does (issue 13): by the printed score, highest first,
/// then by symbol (A to Z) among equal printed scores. Ranking by the unrounded score put IWM
/// before SPY at −0.05 each for a reason the reader could not see.
fn rank(ok: &mut [Row]) {
    ok.sort_by(|a, b| {
        // −0.00 and 0.00 print alike: compare them as equal.
        let s = |r: &Row| printed_score(r) + 0.0;
        s(b).total_cmp(&s(a)).then_with(|| a.symbol.cmp(&b.symbol))
    });
}

/// Loads, analyses, charts, builds and writes one symbol's note; returns its index row.
fn one_symbol(
    m: &Manifest,
    e: &Entry,
    shared: &Shared,
    tpl: &Templates,
    ropts: &RenderOptions,
    opts: &Options,
    site: Option<&crate::site::Site>,
) -> Result<Row> {
    let mut clock = STAGES.start();
    let mut cfg = m.config_for(e)?;
    let mut dataset = symbol_dataset(shared, &cfg)?;
    // A symbol that is its own benchmark: the note leaves the relative part out and says why.
    if dataset.benchmark.as_ref().is_some_and(|b| b.symbol.eq_ignore_ascii_case(&e.symbol)) {
        dataset.benchmark = None;
        cfg.benchmark_is_instrument = true;
    }
    clock.lap(0);
    let mut a = pipeline::analyze(&cfg, dataset, opts.as_of, opts.base_rates)?;
    pipeline::history(&mut a, site.map_or(pipeline::Previous::None, pipeline::Previous::Site))?;
    clock.lap(1);
    let charts = pipeline::charts(&a, ropts.theme)?;
    clock.lap(2);
    let outputs = pipeline::build(tpl, &a, &charts, ropts, site)?;
    drop(charts);
    clock.lap(3);
    let (dir, folder) = match site {
        Some(s) => (s.note_dir(&e.symbol, a.as_of), format!("{}/{}", e.symbol, a.as_of)),
        None => (opts.output.join(&e.symbol), e.symbol.clone()),
    };
    pipeline::write(&dir, &outputs)?;
    drop(outputs);
    clock.lap(4);
    let page = if ropts.formats.contains(&Format::Html) {
        "note.html"
    } else if ropts.formats.contains(&Format::Md) {
        "note.md"
    } else if ropts.formats.contains(&Format::Pdf) {
        "note.pdf"
    } else {
        "signals.json"
    };
    let rs_pct = a
        .signals
        .iter()
        .find(|s| s.id == RS_SIGNAL)
        .and_then(|s| s.facts.rs_percentile)
        .filter(|v| v.is_finite());
    Ok(Row {
        symbol: e.symbol.clone(),
        name: a.dataset.instrument.name.clone(),
        stance: Some(a.stance.stance),
        // A neutral stance has no conviction to state (the note's header says none either).
        conviction: (a.stance.stance != StanceKind::Neutral).then(|| a.stance.conviction.to_string()),
        score: Some(a.stance.score).filter(|v| v.is_finite()),
        coverage: Some(a.stance.coverage).filter(|v| v.is_finite()),
        rs_pct,
        flags: a.stance.flags.iter().map(|f| f.as_str().to_string()).collect(),
        as_of: Some(a.as_of),
        link: Some(format!("{folder}/{page}")),
        error: None,
        exit_code: None,
    })
}

/// Per-stage wall time summed over symbols, printed on stderr when `MARKETNOTE_BATCH_TIMINGS` is
/// set (the profile behind `bench/run.sh`; costs two clock reads per stage otherwise unused).
struct Stages {
    nanos: [std::sync::atomic::AtomicU64; 5],
}

const STAGE_NAMES: [&str; 5] = ["config+load", "analyze", "charts", "build", "write"];

static STAGES: Stages = Stages { nanos: [const { std::sync::atomic::AtomicU64::new(0) }; 5] };

struct Clock {
    last: std::time::Instant,
}

impl Stages {
    fn start(&'static self) -> Clock {
        Clock { last: std::time::Instant::now() }
    }

    fn report(&self) -> Option<String> {
        std::env::var_os("MARKETNOTE_BATCH_TIMINGS")?;
        let total: u64 = self.nanos.iter().map(|n| n.load(Ordering::Relaxed)).sum();
        let mut s = String::from("stage timings (worker wall time summed over symbols):");
        for (name, n) in STAGE_NAMES.iter().zip(&self.nanos) {
            let v = n.load(Ordering::Relaxed);
            s.push_str(&format!(
                " {name} {:.2}s ({:.0}%);",
                v as f64 / 1e9,
                if total > 0 { 100.0 * v as f64 / total as f64 } else { 0.0 }
            ));
        }
        Some(s)
    }
}

impl Clock {
    fn lap(&mut self, stage: usize) {
        let now = std::time::Instant::now();
        let d = u64::try_from(now.duration_since(self.last).as_nanos()).unwrap_or(u64::MAX);
        STAGES.nanos[stage].fetch_add(d, Ordering::Relaxed);
        self.last = now;
    }
}

fn failed_row(e: &Entry, err: &Error, cwd: Option<&Path>) -> Row {
    let mut msg = one_line(&err.to_string());
    if let Some(c) = cwd {
        let prefix = format!("{}/", c.display());
        msg = msg.replace(&prefix, "");
    }
    Row {
        symbol: e.symbol.clone(),
        name: e.name.clone().unwrap_or_else(|| e.symbol.clone()),
        stance: None,
        conviction: None,
        score: None,
        coverage: None,
        rs_pct: None,
        flags: Vec::new(),
        as_of: None,
        link: None,
        error: Some(msg),
        exit_code: Some(err.exit_code()),
    }
}

// ---------------------------------------------------------------------------------------------
// Progress
// ---------------------------------------------------------------------------------------------

/// A progress bar on a terminal; plain `[12/500] IWM ok` lines otherwise.
enum Progress {
    Bar(indicatif::ProgressBar),
    Lines { total: usize, done: AtomicUsize, lock: Mutex<()> },
}

impl Progress {
    fn new(total: usize, terminal: bool) -> Progress {
        if terminal {
            let bar = indicatif::ProgressBar::with_draw_target(
                Some(total as u64),
                indicatif::ProgressDrawTarget::stderr(),
            );
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} symbols  {elapsed_precise} (eta {eta})  {msg}",
            ) {
                bar.set_style(style);
            }
            Progress::Bar(bar)
        } else {
            Progress::Lines { total, done: AtomicUsize::new(0), lock: Mutex::new(()) }
        }
    }

    fn done(&self, row: &Row) {
        match self {
            Progress::Bar(bar) => {
                if let Some(err) = &row.error {
                    bar.println(format!("{} failed: {err}", row.symbol));
                }
                bar.set_message(row.symbol.clone());
                bar.inc(1);
            }
            Progress::Lines { total, done, lock } => {
                // The lock keeps the counter and the line in step across workers.
                let _g = lock.lock().unwrap_or_else(|p| p.into_inner());
                let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                match &row.error {
                    None => eprintln!("[{n}/{total}] {} ok", row.symbol),
                    Some(err) => eprintln!("[{n}/{total}] {} failed: {err}", row.symbol),
                }
            }
        }
    }

    fn finish(&self) {
        if let Progress::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Index
// ---------------------------------------------------------------------------------------------

fn stance_word(s: StanceKind) -> &'static str {
    match s {
        StanceKind::Long => "long",
        StanceKind::Short => "short",
        StanceKind::Neutral => "neutral",
    }
}

/// What the index page shows (rendered by [`report::batch_index`]): the rows, ranked, with their
/// numbers formatted.
fn index_page(s: &Summary, opts: &Options) -> IndexPage {
    let total = s.ok.len() + s.failed.len();
    let title = match opts.shard {
        Some(sh) => format!("marketnote universe: {total} symbols (shard {}/{})", sh.k, sh.n),
        None => format!("marketnote universe: {total} symbols"),
    };
    let rows =
        s.ok.iter()
            .map(|r| IndexRow {
                link: r.link.clone().unwrap_or_default(),
                symbol: r.symbol.clone(),
                name: r.name.clone(),
                stance: r.stance.map_or("", stance_word).to_string(),
                conviction: r.conviction.clone(),
                score: r.score.map_or_else(|| "—".into(), |v| crate::fmt::signed(v, SCORE_DP)),
                coverage: r.coverage.map_or_else(|| "—".into(), |v| format!("{:.0}%", v * 100.0)),
                rs_pctile: r.rs_pct.map_or_else(
                    || "—".into(),
                    |v| crate::narrative::format::ordinal((v * 100.0).round().clamp(0.0, 100.0) as i64),
                ),
                flags: r.flags.iter().map(|f| flag_words(f)).collect(),
                as_of: r.as_of.map(|d| d.to_string()).unwrap_or_default(),
            })
            .collect();
    let failed = s
        .failed
        .iter()
        .map(|r| FailedRow {
            symbol: r.symbol.clone(),
            name: r.name.clone(),
            error: r.error.clone().unwrap_or_default(),
        })
        .collect();
    IndexPage {
        title,
        // Without --as-of each note takes its config's as-of or its last session: one date
        // when they agree.
        as_of: common_as_of(s, opts)
            .map(|d| d.to_string())
            .unwrap_or_else(|| "each symbol's own date (see the table)".to_string()),
        version: env!("CARGO_PKG_VERSION").to_string(),
        rows,
        failed,
    }
}

/// The batch's as-of date: `--as-of`, or else the one date every written note has (each note
/// takes its config's as-of or its last session); None when they differ.
fn common_as_of(s: &Summary, opts: &Options) -> Option<NaiveDate> {
    opts.as_of.or_else(|| {
        let mut dates: Vec<NaiveDate> = s.ok.iter().filter_map(|r| r.as_of).collect();
        dates.sort();
        dates.dedup();
        match dates.as_slice() {
            [d] => Some(*d),
            _ => None,
        }
    })
}

#[derive(Serialize)]
struct IndexJson<'a> {
    version: &'static str,
    as_of: Option<NaiveDate>,
    shard: Option<Shard>,
    manifest_symbols: usize,
    ok: usize,
    failed: usize,
    ranking: &'a [Row],
    failures: &'a [Row],
}

/// Writes `index.html` (the `batch-index.html.tera` template) and `index.json`, each atomically
/// through [`report::write::write_file`].
fn write_index(dir: &Path, s: &Summary, opts: &Options, tpl: &Templates) -> Result<Vec<PathBuf>> {
    let json = IndexJson {
        version: env!("CARGO_PKG_VERSION"),
        as_of: common_as_of(s, opts),
        shard: opts.shard,
        manifest_symbols: s.manifest_total,
        ok: s.ok.len(),
        failed: s.failed.len(),
        ranking: &s.ok,
        failures: &s.failed,
    };
    let mut json_bytes = serde_json::to_vec_pretty(&json)
        .map_err(|e| Error::Internal(format!("serialising index.json: {e}")))?;
    json_bytes.push(b'\n');
    let html = report::batch_index::render(tpl, &index_page(s, opts))?;
    Ok(vec![
        report::write::write_file(dir, "index.html", &html)?,
        report::write::write_file(dir, "index.json", &json_bytes)?,
    ])
}

/// A stance flag in the index's words (`risk_watch` → "risk watch"); `index.json` keeps the ids.
fn flag_words(flag: &str) -> String {
    match flag {
        "risk_watch" => "risk watch".into(),
        "risk_triggered" => "risk triggered".into(),
        "level_triggered" => "a level has triggered".into(),
        "level_invalidated" => "on hold: a level broke".into(),
        "risk_triggered_short" => "risk against a short".into(),
        "extended" => "on hold: stop too far away".into(),
        "no_track_edge" => "no edge in the track record".into(),
        "insufficient_data" => "too few signals assessed".into(),
        other => other.replace('_', " "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scored(symbol: &str, score: Option<f64>) -> Row {
        Row {
            symbol: symbol.into(),
            name: String::new(),
            stance: None,
            conviction: None,
            score,
            coverage: None,
            rs_pct: None,
            flags: Vec::new(),
            as_of: None,
            link: None,
            error: None,
            exit_code: None,
        }
    }

    /// Issue 13: the index ranks by the score it prints, then by symbol. SPY −0.0487 and IWM
    /// −0.0467 both print −0.05: IWM comes first because of its symbol, not its hidden third
    /// decimal; here the hidden decimals point the other way, so ranking by them would fail.
    #[test]
    fn the_index_ranks_by_the_printed_score_then_the_symbol() {
        let mut rows = vec![
            scored("ZZZ", Some(-0.0467)),
            scored("NONE", None),
            scored("AAA", Some(-0.0487)),
            scored("QQQ", Some(-0.0137)),
            scored("NEG0", Some(-0.004)),
            scored("MMM", Some(-0.0471)),
            scored("POS0", Some(0.001)),
            scored("NAN", Some(f64::NAN)),
        ];
        rank(&mut rows);
        let order: Vec<&str> = rows.iter().map(|r| r.symbol.as_str()).collect();
        assert_eq!(order, ["NEG0", "POS0", "QQQ", "AAA", "MMM", "ZZZ", "NAN", "NONE"]);
    }

    #[test]
    fn fnv1a_matches_reference_vectors_and_ignores_case() {
        // 64-bit FNV-1a reference values (computed independently in Python).
        assert_eq!(fnv1a(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a("A"), 0xaf63_fc4c_8602_22ec);
        assert_eq!(fnv1a("a"), fnv1a("A"));
        assert_eq!(fnv1a("IWM"), 0x415a_e419_c94b_4f0c);
        assert_eq!(fnv1a("iwm"), fnv1a("IWM"));
    }

    #[test]
    fn workers_are_capped_by_symbols_and_cores() {
        assert_eq!(worker_count(Some(100_000), 3, 2), 3);
        assert_eq!(worker_count(Some(100_000), 500, 2), 2 * JOBS_PER_CORE);
        assert_eq!(worker_count(Some(5), 500, 2), 5);
        assert_eq!(worker_count(None, 500, 2), 2);
        assert_eq!(worker_count(None, 0, 0), 1);
    }

    #[test]
    fn shard_parsing() {
        assert_eq!("2/8".parse::<Shard>().unwrap(), Shard { k: 2, n: 8 });
        for bad in ["0/3", "4/3", "1/0", "x/2", "3", ""] {
            assert_eq!(bad.parse::<Shard>().unwrap_err().exit_code(), 2, "{bad}");
        }
        assert!(Shard { k: 1, n: 1 }.contains("ANY"));
    }

    #[test]
    fn symbols_that_could_escape_are_rejected() {
        for bad in ["../evil", "..", ".", "a/b", "a\\b", "a\0b", "", ".hidden", "index.html", "a b", "x\n"] {
            assert!(validate_symbol(bad).is_err(), "{bad:?}");
        }
        for good in ["IWM", "BRK.B", "BRK-B", "^GSPC", "EURUSD=X", "btc_usd"] {
            validate_symbol(good).unwrap();
        }
        assert!(validate_symbol(&"A".repeat(33)).is_err());
    }

    #[test]
    fn ordinals() {
        assert_eq!(crate::narrative::format::ordinal(1), "1st");
        assert_eq!(crate::narrative::format::ordinal(12), "12th");
        assert_eq!(crate::narrative::format::ordinal(23), "23rd");
    }

    #[test]
    fn summary_names_the_first_failures_and_counts_the_rest() {
        let e = Entry {
            symbol: "X".into(),
            name: None,
            bars: "x.csv".into(),
            adjust: false,
            title: None,
            role: None,
            source: None,
            size_pair: None,
            origin: Origin::Toml(0),
        };
        let failed: Vec<Row> = (0..12)
            .map(|i| {
                let mut r = failed_row(&e, &Error::Usage(format!("bad {i}")), None);
                r.symbol = format!("S{i:02}");
                r
            })
            .collect();
        let s = Summary { ok: Vec::new(), failed, manifest_total: 12, index: Vec::new() };
        let line = s.line();
        assert!(line.starts_with("0 ok, 12 failed: S00 (bad 0), S01 (bad 1)"), "{line}");
        assert!(line.contains("S09 (bad 9), and 2 more"), "{line}");
        assert!(!line.contains("S10"), "{line}");
        assert_eq!(s.exit_code(), 2);
    }

    #[test]
    fn csv_manifest_parses_and_reports_cells() {
        let p = Path::new("u.csv");
        let e = parse_csv(
            b"symbol,name,bars,adjust\n# comment\nIWM,Russell,data/IWM.csv,yes\n\nQQQ,,data/QQQ.csv,\n",
            p,
        )
        .unwrap();
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].symbol, "IWM");
        assert!(e[0].adjust);
        assert_eq!(e[1].name, None);
        assert_eq!(e[1].origin, Origin::Csv(5));
        let err = parse_csv(b"symbol,bars,adjust\nIWM,a.csv,maybe\n", p).unwrap_err().to_string();
        assert!(err.contains("u.csv:2:3"), "{err}");
        let err = parse_csv(b"symbol,bars\nIWM\n", p).unwrap_err().to_string();
        assert!(err.contains("u.csv:2:"), "{err}");
        let err = parse_csv(b"ticker,bars\n", p).unwrap_err().to_string();
        assert!(err.contains("symbol"), "{err}");
        let err = parse_csv(b"symbol,bars,colour\n", p).unwrap_err().to_string();
        assert!(err.contains("u.csv:1:3"), "{err}");
        let err = parse_csv(b"symbol,bars,Symbol\n", p).unwrap_err().to_string();
        assert!(err.contains("u.csv:1:3") && err.contains("appears twice (columns 1 and 3)"), "{err}");
    }
}
