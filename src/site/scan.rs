//! Site discovery: a site folder in, its series out. A series is a folder named by a valid
//! ticker holding note folders named `YYYY-MM-DD` with a `signals.json`; everything else (hidden
//! and temporary folders, the pages themselves, other files) is ignored. Every value of the pages
//! comes from the notes' signals.json documents.

use crate::error::{Error, Location, Result};
use chrono::NaiveDate;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The signals whose evidence carries the last complete bar's close, in order of preference:
/// the weekly compression reclaim (weekly close), then the 3-day consolidation (3-day close).
const CLOSE_SOURCES: [&str; 2] = [crate::signals::stance::ids::D1, crate::signals::stance::ids::E1];

/// One note of a site, as read from its signals.json.
#[derive(Debug, Clone, PartialEq)]
pub struct NoteEntry {
    /// Ticker (`instrument.symbol`).
    pub symbol: String,
    /// Display name (`instrument.name`, else the ticker).
    pub name: String,
    /// As-of date (`as_of`).
    pub as_of: NaiveDate,
    /// Title: the document's `title`, else derived from the stance as the note derives it.
    pub title: String,
    /// Lead: the document's `lead`, else a sentence built from the stance and signal counts.
    pub lead: String,
    /// `long`, `short` or `neutral`.
    pub stance: String,
    /// Conviction (`stance.conviction`).
    pub conviction: String,
    /// Score in [-1, 1].
    pub score: f64,
    /// The close in the evidence of the weekly (else 3-day) structure signal, when present.
    pub close: Option<f64>,
    /// Stance flags (`risk_watch`, ...).
    pub flags: Vec<String>,
    /// The page to link inside the note folder: `note.html`, else `note.md`, else `signals.json`.
    pub page: &'static str,
}

/// One symbol's notes, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Ticker (the folder name).
    pub symbol: String,
    /// Its notes, by as-of date ascending.
    pub notes: Vec<NoteEntry>,
}

fn bad(file: &Path, msg: impl Into<String>) -> Error {
    Error::input(Location::file(file), msg)
}

/// The stance's word as the note prints it.
pub fn stance_label(stance: &str) -> String {
    stance.to_uppercase()
}

/// The title shown for a note: its title, prefixed with the ticker unless it already names it.
pub fn display_title(symbol: &str, title: &str) -> String {
    if title.starts_with(symbol) {
        title.to_string()
    } else {
        format!("{symbol}: {title}")
    }
}

/// Signed with 2 decimals and a U+2212 minus; zero unsigned (as the note prints scores).
pub fn signed2(x: f64) -> String {
    crate::fmt::signed_body(x, 2)
}

fn derived_title(symbol: &str, stance: &str) -> String {
    match stance {
        "long" => format!("{symbol}: the structure supports a long"),
        "short" => format!("{symbol}: the structure points lower"),
        _ => format!("{symbol}: no clear edge yet"),
    }
}

fn derived_lead(
    stance: &str,
    conviction: &str,
    score: f64,
    states: &[(String, crate::signals::State)],
) -> String {
    let n = |s: &str| states.iter().filter(|(_, st)| st.name() == s).count();
    let (bull, bear) = (n("bullish"), n("bearish"));
    let assessed = states.len() - n("unavailable");
    let conv = if stance == "neutral" { String::new() } else { format!(", {conviction} conviction") };
    format!(
        "{} at a score of {}{conv}: {bull} of {assessed} assessed signals are bullish and {bear} bearish.",
        stance_label(stance),
        signed2(score)
    )
}

fn non_empty(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

fn close_of(v: &Value) -> Option<f64> {
    let sigs = v.get("signals")?.as_array()?;
    CLOSE_SOURCES.iter().find_map(|id| {
        let s = sigs.iter().find(|s| s.get("id").and_then(Value::as_str) == Some(id))?;
        let ev = s.get("evidence")?.as_array()?;
        let c = ev.iter().find(|e| e.get("key").and_then(Value::as_str) == Some("close"))?;
        c.get("value").and_then(Value::as_f64).filter(|x| x.is_finite())
    })
}

impl NoteEntry {
    /// Reads a signals.json document (schema 1, validated as `render --previous` validates it).
    /// `file` names it in errors (exit 2). `page` is set to `note.html`.
    pub fn from_doc(v: &Value, file: &Path) -> Result<NoteEntry> {
        let p = crate::since::parse_previous(v, file)?;
        let symbol = v
            .get("instrument")
            .and_then(|i| i.get("symbol"))
            .and_then(Value::as_str)
            .ok_or_else(|| bad(file, "not a marketnote signals.json: missing `instrument.symbol`"))?
            .to_string();
        let name = v
            .get("instrument")
            .and_then(|i| i.get("name"))
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty())
            .map_or_else(|| symbol.clone(), str::to_string);
        let title = non_empty(v, "title").unwrap_or_else(|| derived_title(&symbol, p.stance.as_str()));
        let lead = non_empty(v, "lead")
            .unwrap_or_else(|| derived_lead(p.stance.as_str(), p.conviction.as_str(), p.score, &p.states));
        let flags = v
            .get("stance")
            .and_then(|s| s.get("flags"))
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
            .unwrap_or_default();
        if !p.score.is_finite() {
            return Err(bad(file, "`stance.score` must be a finite number"));
        }
        Ok(NoteEntry {
            symbol,
            name,
            as_of: p.as_of,
            title,
            lead,
            stance: p.stance.as_str().to_string(),
            conviction: p.conviction.as_str().to_string(),
            score: p.score,
            close: close_of(v),
            flags,
            page: "note.html",
        })
    }

    /// Reads `dir/signals.json` of a note folder `<SYMBOL>/<AS-OF>/` and checks that the document
    /// is that symbol's note of that date.
    pub fn load(dir: &Path, symbol: &str, date: NaiveDate) -> Result<NoteEntry> {
        let file = dir.join("signals.json");
        let raw = std::fs::read_to_string(&file).map_err(|e| bad(&file, format!("cannot read: {e}")))?;
        let v: Value = serde_json::from_str(&raw).map_err(|e| {
            Error::input(
                Location { file: file.clone(), line: Some(e.line() as u64), column: Some(e.column()) },
                format!("not valid JSON: {e}"),
            )
        })?;
        let mut n = NoteEntry::from_doc(&v, &file)?;
        if n.symbol != symbol {
            return Err(bad(
                &file,
                format!("the note is about `{}` but sits in the `{symbol}` folder", n.symbol.escape_debug()),
            ));
        }
        if n.as_of != date {
            return Err(bad(&file, format!("the note is as of {} but sits in the {date} folder", n.as_of)));
        }
        n.page =
            ["note.html", "note.md"].into_iter().find(|p| dir.join(p).is_file()).unwrap_or("signals.json");
        Ok(n)
    }
}

/// The dates of the note folders of one symbol folder (`YYYY-MM-DD` folders holding a
/// signals.json), ascending; none when the folder is absent.
pub fn note_dates(sym_dir: &Path) -> Result<Vec<NaiveDate>> {
    if !sym_dir.is_dir() {
        return Ok(Vec::new());
    }
    let rd = std::fs::read_dir(sym_dir).map_err(|e| bad(sym_dir, format!("cannot list: {e}")))?;
    let mut out = Vec::new();
    for entry in rd {
        let entry = entry.map_err(|e| bad(sym_dir, format!("cannot list: {e}")))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let Ok(d) = NaiveDate::parse_from_str(&name, "%Y-%m-%d") else { continue };
        // Only the canonical spelling (2026-08-21, not 2026-8-21) names a note folder.
        if d.to_string() == name && entry.path().join("signals.json").is_file() {
            out.push(d);
        }
    }
    out.sort();
    Ok(out)
}

/// Every series of a site folder, by ticker; symbols without a note are left out. Unreadable or
/// malformed notes are input errors naming their signals.json (exit 2).
pub fn scan(dir: &Path) -> Result<Vec<Series>> {
    let rd = std::fs::read_dir(dir).map_err(|e| bad(dir, format!("cannot list the site: {e}")))?;
    let mut folders: Vec<(String, PathBuf)> = Vec::new();
    for entry in rd {
        let entry = entry.map_err(|e| bad(dir, format!("cannot list the site: {e}")))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if super::check_symbol(&name).is_ok() && entry.path().is_dir() {
            folders.push((name, entry.path()));
        }
    }
    folders.sort();
    let mut jobs: Vec<(String, PathBuf, NaiveDate)> = Vec::new();
    for (sym, path) in &folders {
        for d in note_dates(path)? {
            jobs.push((sym.clone(), path.join(d.to_string()), d));
        }
    }
    let notes: Vec<NoteEntry> = {
        use rayon::prelude::*;
        jobs.par_iter().map(|(sym, p, d)| NoteEntry::load(p, sym, *d)).collect::<Result<Vec<_>>>()?
    };
    let mut series: Vec<Series> = Vec::new();
    for n in notes {
        match series.last_mut() {
            Some(s) if s.symbol == n.symbol => s.notes.push(n),
            _ => series.push(Series { symbol: n.symbol.clone(), notes: vec![n] }),
        }
    }
    Ok(series)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({"schema": 1, "as_of": "2026-08-21", "instrument": {"symbol": "IWM", "name": "iShares"},
            "stance": {"stance": "long", "conviction": "high", "score": 0.31, "flags": ["risk_watch"]},
            "signals": [
                {"id": "a", "state": "bullish"}, {"id": "b", "state": "bearish"},
                {"id": "c", "state": "unavailable"},
                {"id": "d3_consolidation_hold", "state": "neutral", "evidence": [{"key": "close", "value": 2.5}]},
                {"id": "wk_compression_cluster_reclaim", "state": "bullish", "evidence": [{"key": "close", "value": 3.5}]}]})
    }

    #[test]
    fn falls_back_to_the_stance_when_there_is_no_title_or_lead() {
        let n = NoteEntry::from_doc(&doc(), Path::new("x/signals.json")).unwrap();
        assert_eq!(n.title, "IWM: the structure supports a long");
        assert_eq!(
            n.lead,
            "LONG at a score of +0.31, high conviction: 2 of 4 assessed signals are bullish and 1 bearish."
        );
        assert_eq!(n.close, Some(3.5), "the weekly close comes first");
        assert_eq!(n.flags, vec!["risk_watch".to_string()]);
    }

    #[test]
    fn reads_title_and_lead_when_present() {
        let mut v = doc();
        v["title"] = json!("Small caps lead");
        v["lead"] = json!("The reclaim holds.");
        let n = NoteEntry::from_doc(&v, Path::new("x/signals.json")).unwrap();
        assert_eq!((n.title.as_str(), n.lead.as_str()), ("Small caps lead", "The reclaim holds."));
        assert_eq!(display_title("IWM", &n.title), "IWM: Small caps lead");
    }

    #[test]
    fn misplaced_and_malformed_notes_are_input_errors() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path().join("QQQ/2026-08-21");
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join("signals.json"), serde_json::to_string(&doc()).unwrap()).unwrap();
        let e = scan(t.path()).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("QQQ"), "{e}");
        std::fs::write(d.join("signals.json"), "{").unwrap();
        let e = scan(t.path()).unwrap_err();
        assert!(e.to_string().contains("signals.json:1:"), "{e}");
        // Hidden folders, non-date folders and files are not notes.
        std::fs::remove_dir_all(t.path().join("QQQ")).unwrap();
        std::fs::create_dir_all(t.path().join(".tmp/2026-08-21")).unwrap();
        std::fs::create_dir_all(t.path().join("IWM/latest")).unwrap();
        std::fs::write(t.path().join("index.html"), "x").unwrap();
        assert!(scan(t.path()).unwrap().is_empty());
    }
}
