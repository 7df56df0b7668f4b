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
    /// Size of the file in bytes (the run manifest).
    pub bytes: u64,
    /// Recoverable oddities.
    pub warnings: Vec<Warning>,
}

/// Adds to each macro file's report the warning the note would act on: a series that is stale
/// (or has nothing released) at `as_of`, by the same rule the macro signals apply
/// ([`crate::signals::macro_::known_series`]). Reports are matched by role `macro:<id>`.
pub fn flag_stale_macros(reports: &mut [FileReport], macros: &[super::MacroSeries], as_of: NaiveDate) {
    use crate::signals::Unavailable;
    for m in macros {
        let role = format!("macro:{}", m.id);
        let Some(r) = reports.iter_mut().find(|r| r.role == role) else { continue };
        let message = match crate::signals::macro_::known_series(m, as_of) {
            Ok(_) => continue,
            Err(Unavailable::Stale { last, .. }) => format!(
                "stale as of {as_of}: the last observation ({last}) is older than twice the series' period \
                 plus its release lag, so the signals using `{}` are not assessed",
                m.id
            ),
            Err(_) => format!("no value released by {as_of}: the signals using `{}` are not assessed", m.id),
        };
        r.warnings.push(Warning { line: None, message });
    }
}

/// Warnings listed per file before the rest are summarised in one line.
const MAX_LISTED: usize = 25;

/// The human data-quality report printed by `check`: one aligned table row per file (role, path,
/// format, rows, date range, short sha256, warning count), then every warning as `path:line: text`.
pub fn render_report(files: &[FileReport]) -> String {
    let cwd = std::env::current_dir().ok();
    let shown = |p: &std::path::Path| -> String {
        cwd.as_deref().and_then(|c| p.strip_prefix(c).ok()).unwrap_or(p).display().to_string()
    };
    let date = |d: Option<NaiveDate>| d.map_or_else(|| "-".to_string(), |d| d.to_string());
    let header = ["role", "file", "format", "rows", "first", "last", "sha256", "warnings"];
    let rows: Vec<[String; 8]> = files
        .iter()
        .map(|f| {
            [
                f.role.clone(),
                shown(&f.path),
                f.format.clone(),
                f.rows.to_string(),
                date(f.first),
                date(f.last),
                f.sha256.chars().take(12).collect(),
                f.warnings.len().to_string(),
            ]
        })
        .collect();
    let mut width = header.map(|h| h.chars().count());
    for r in &rows {
        for (w, cell) in width.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    // Numbers right-aligned, text left-aligned.
    let right = [false, false, false, true, false, false, false, true];
    let mut out = String::new();
    let mut line = |cells: &[String]| {
        let mut l = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                l.push_str("  ");
            }
            let pad = width[i].saturating_sub(cell.chars().count());
            if right[i] {
                l.push_str(&" ".repeat(pad));
                l.push_str(cell);
            } else {
                l.push_str(cell);
                l.push_str(&" ".repeat(pad));
            }
        }
        out.push_str(l.trim_end());
        out.push('\n');
    };
    line(&header.map(String::from));
    line(&width.map(|w| "-".repeat(w)));
    for r in &rows {
        line(r);
    }

    let total: usize = files.iter().map(|f| f.warnings.len()).sum();
    if total > 0 {
        out.push_str(&format!("\nwarnings ({total}):\n"));
        for f in files {
            let p = shown(&f.path);
            for w in f.warnings.iter().take(MAX_LISTED) {
                match w.line {
                    Some(l) => out.push_str(&format!("  {p}:{l}: {}\n", w.message)),
                    None => out.push_str(&format!("  {p}: {}\n", w.message)),
                }
            }
            if f.warnings.len() > MAX_LISTED {
                out.push_str(&format!("  {p}: ... and {} more warnings\n", f.warnings.len() - MAX_LISTED));
            }
        }
    }
    let rows_total: usize = files.iter().map(|f| f.rows).sum();
    out.push_str(&format!(
        "\n{} file{}, {rows_total} rows, {total} warning{}: data is usable\n",
        files.len(),
        if files.len() == 1 { "" } else { "s" },
        if total == 1 { "" } else { "s" }
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(role: &str, path: &str, warnings: Vec<Warning>) -> FileReport {
        FileReport {
            role: role.into(),
            path: PathBuf::from(path),
            format: "yahoo".into(),
            rows: 1234,
            first: NaiveDate::from_ymd_opt(2000, 5, 26),
            last: NaiveDate::from_ymd_opt(2024, 1, 2),
            sha256: "0123456789abcdef0123".into(),
            bytes: 4096,
            warnings,
        }
    }

    #[test]
    fn table_is_aligned_and_warnings_name_file_and_line() {
        let files = [
            report(
                "instrument",
                "/nowhere/IWM.csv",
                vec![Warning { line: Some(7), message: "zero volume".into() }],
            ),
            report("macro:cpi", "/nowhere/a/much/longer/CPI.csv", vec![]),
        ];
        let text = render_report(&files);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("role"), "{text}");
        // Columns line up: "format" starts at the same offset in the header and both rows.
        let col = lines[0].find("format").unwrap();
        assert_eq!(&lines[2][col..col + 5], "yahoo", "{text}");
        assert_eq!(&lines[3][col..col + 5], "yahoo", "{text}");
        assert!(lines[2].contains("0123456789ab") && !lines[2].contains("0123456789abc"), "{text}");
        assert!(text.contains("/nowhere/IWM.csv:7: zero volume"), "{text}");
        assert!(text.contains("2 files, 2468 rows, 1 warning"), "{text}");
    }

    #[test]
    fn long_warning_lists_are_capped() {
        let many = (0..30).map(|i| Warning { line: Some(i + 2), message: "zero volume".into() }).collect();
        let text = render_report(&[report("instrument", "/x/IWM.csv", many)]);
        assert_eq!(text.matches("zero volume").count(), MAX_LISTED, "{text}");
        assert!(text.contains("... and 5 more warnings"), "{text}");
    }
}
