//! The data-quality report: per input file, what was read and what looked odd.

use chrono::NaiveDate;
use serde::Serialize;
use std::path::PathBuf;

/// A recoverable oddity in an input file (kept, reported, never silently dropped).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Warning {
    /// 1-based line in the file, when it concerns one row.
    pub line: Option<u64>,
    /// What was seen, e.g. "all-null row skipped", "zero volume", "gap of 9 days".
    pub message: String,
}

/// What was read from one input file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileReport {
    /// Role in the note: `instrument`, `benchmark`, `mid_cap` or `macro:<id>`.
    pub role: String,
    /// Path as resolved from the config.
    pub path: PathBuf,
    /// The detected format, e.g. `yahoo`, `stooq`, `tradingview`, `fred`, `plain`.
    pub format: String,
    /// Rows kept.
    pub rows: usize,
    /// First date kept.
    pub first: Option<NaiveDate>,
    /// Last date kept.
    pub last: Option<NaiveDate>,
    /// Hex sha256 of the file bytes (the run manifest).
    pub sha256: String,
    /// Recoverable oddities.
    pub warnings: Vec<Warning>,
}

/// The human data-quality report printed by `check`.
pub fn render_report(files: &[FileReport]) -> String {
    let _ = files;
    todo!("quality report")
}
