//! The import floors of docs/ARCHITECTURE.md, read from the source: which modules a module's
//! non-test code names through `crate::…`, and where files are read and written.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, sorted.
fn rs_files(dir: &Path) -> Vec<PathBuf> {
    crate::tree::files_under(dir).into_iter().filter(|p| p.extension().is_some_and(|x| x == "rs")).collect()
}

/// A source file's path relative to `src/` (with `/`) and its code without the unit tests
/// (everything from the first `#[cfg(test)]` on) and without `//` comments.
fn sources() -> Vec<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    rs_files(&src)
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
            let text = std::fs::read_to_string(&p).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap_or("");
            let code: Vec<&str> = code.lines().map(|l| l.split("//").next().unwrap_or("")).collect();
            (rel, code.join("\n"))
        })
        .collect()
}

/// The top-level modules `code` names as `crate::NAME` or inside `crate::{…}` groups.
fn crate_modules(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let ident = |s: &str| s.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect::<String>();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let inner = &group[..group.find('}').unwrap_or(group.len())];
            // Only the first segment of each comma-separated path of the group.
            for item in inner.split(',') {
                let name = ident(item.trim());
                if !name.is_empty() {
                    out.push(name);
                }
            }
        } else {
            let name = ident(rest);
            if !name.is_empty() {
                out.push(name);
            }
        }
    }
    out
}

/// Which files under `prefix` name any of `banned` (as `file: module`).
fn offenders(prefixes: &[&str], banned: &[&str]) -> Vec<String> {
    let mut bad = Vec::new();
    for (rel, code) in sources() {
        if !prefixes.iter().any(|p| rel.starts_with(p)) {
            continue;
        }
        for m in crate_modules(&code) {
            if banned.contains(&m.as_str()) {
                bad.push(format!("{rel}: crate::{m}"));
            }
        }
    }
    bad.sort();
    bad.dedup();
    bad
}

#[test]
fn crate_modules_reads_paths_and_groups() {
    let code = "use crate::signals::{Ev, State};\nuse crate::{fmt, narrative::format};\nlet x = crate::report::view::build();";
    assert_eq!(crate_modules(code), ["signals", "fmt", "narrative", "report"]);
}

#[test]
fn signals_and_everything_below_them_never_name_the_narrative_or_the_renderers() {
    let below = ["signals/", "indicators/", "indicators.rs", "resample", "data/", "types.rs", "fmt.rs"];
    let up = [
        "narrative",
        "report",
        "chart",
        "pipeline",
        "site",
        "batch",
        "document",
        "since",
        "baserates",
        "history",
    ];
    assert_eq!(offenders(&below, &up), Vec::<String>::new());
}

#[test]
fn history_and_base_rates_never_name_the_narrative_or_the_renderers() {
    let files = ["history.rs", "history/", "baserates.rs"];
    let up = ["narrative", "report", "chart", "pipeline", "site", "batch", "document"];
    assert_eq!(offenders(&files, &up), Vec::<String>::new());
}

#[test]
fn the_narrative_never_names_the_renderers() {
    let up = ["report", "chart", "pipeline", "site", "batch", "document"];
    assert_eq!(offenders(&["narrative/"], &up), Vec::<String>::new());
}

/// Files whose non-test code calls any of `calls`.
fn callers(calls: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = sources()
        .into_iter()
        .filter(|(_, code)| calls.iter().any(|c| code.contains(c)))
        .map(|(rel, _)| rel)
        .collect();
    out.sort();
    out
}

#[test]
fn only_data_and_the_site_scan_read_files() {
    let reads = callers(&["fs::read_to_string", "fs::read(", "File::open", ".read(true)"]);
    // `site` reads the previous notes' signals.json and its own index to publish beside them.
    let allowed = |f: &str| f.starts_with("data/") || f.starts_with("site/");
    let bad: Vec<&String> = reads.iter().filter(|f| !allowed(f)).collect();
    assert!(bad.is_empty(), "reading files outside data/: {bad:?}");
}

#[test]
fn only_report_and_the_site_write_files() {
    let writes = callers(&[
        "fs::write",
        "File::create",
        ".write(true)",
        ".create(true)",
        ".append(true)",
        "fs::rename",
        "create_dir",
    ]);
    // `batch` creates its output folder; `site` swaps its pages in with its own atomic writer.
    let allowed = |f: &str| f.starts_with("report/") || f.starts_with("site/") || f == "batch.rs";
    let bad: Vec<&String> = writes.iter().filter(|f| !allowed(f)).collect();
    assert!(bad.is_empty(), "writing files outside report/: {bad:?}");
}

#[test]
fn since_returns_facts_and_never_names_the_narrative() {
    assert_eq!(offenders(&["since.rs"], &["narrative", "report", "chart", "document"]), Vec::<String>::new());
}
