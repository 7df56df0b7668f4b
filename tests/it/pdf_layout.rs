//! The PDF's layout read back from the file (issue 13, review 32) at the five review dates, on A4
//! and US Letter: a heading keeps with its section's text, and the track table's headers take at
//! most two lines. Skipped with a notice when poppler-utils is absent (unless CI requires it).

use std::path::{Path, PathBuf};
use std::process::Command;

const DATES: [&str; 5] = ["2020-03-20", "2022-06-17", "2025-09-12", "2025-12-12", "2026-07-24"];

/// The sample config with its data paths made absolute, on the given paper, written into `dir`.
fn config(dir: &Path, paper: &str) -> PathBuf {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/iwm.toml");
    let base = sample.parent().unwrap().to_path_buf();
    let text = std::fs::read_to_string(&sample)
        .unwrap()
        .replace("\"data/", &format!("\"{}/data/", base.display()))
        .replace("[output]\n", &format!("[output]\npaper = \"{paper}\"\n"));
    let p = dir.join(format!("{paper}.toml"));
    std::fs::write(&p, text).unwrap();
    p
}

/// Renders the sample's markdown and PDF as of `date` into `out`.
fn render(cfg: &Path, out: &Path, date: &str) {
    let o = Command::new(env!("CARGO_BIN_EXE_marketnote"))
        .args(["render", cfg.to_str().unwrap(), "-o", out.to_str().unwrap(), "--as-of", date])
        .args(["--format", "md,pdf"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{date}: {}", String::from_utf8_lossy(&o.stderr));
}

/// The non-empty text lines of each page (`pdftotext -layout`), trimmed, without the running
/// header (pages after the first) and the footer; None when poppler-utils is not installed.
fn page_lines(pdf: &Path) -> Option<Vec<Vec<String>>> {
    let run = |args: &[&str]| match Command::new(args[0]).args(&args[1..]).output() {
        Ok(o) => Some(String::from_utf8_lossy(&o.stdout).into_owned()),
        Err(_) if std::env::var("MARKETNOTE_REQUIRE_CHROMIUM").as_deref() == Ok("1") => {
            panic!("{} is required (MARKETNOTE_REQUIRE_CHROMIUM=1): install poppler-utils", args[0])
        }
        Err(_) => {
            eprintln!("SKIPPED {} check: poppler-utils not installed", args[0]);
            None
        }
    };
    let p = pdf.to_str().unwrap();
    let info = run(&["pdfinfo", p])?;
    let n: usize = info.lines().find_map(|l| l.strip_prefix("Pages:")).unwrap().trim().parse().unwrap();
    let mut pages = Vec::new();
    for page in 1..=n {
        let text = run(&["pdftotext", "-layout", "-f", &page.to_string(), "-l", &page.to_string(), p, "-"])?;
        let mut lines: Vec<String> =
            text.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect();
        lines.pop();
        if page > 1 && !lines.is_empty() {
            lines.remove(0);
        }
        pages.push(lines);
    }
    Some(pages)
}

/// Headings left at the foot of a page with fewer than `min` lines of their section under them
/// while the section goes on on the next page: (page, heading, lines under it).
fn stranded(md: &str, pages: &[Vec<String>], min: usize) -> Vec<(usize, String, usize)> {
    let heads: Vec<&str> = md
        .lines()
        .filter(|l| l.starts_with("## ") || l.starts_with("### "))
        .map(|l| l.trim_start_matches('#').trim())
        .collect();
    let is_head = |l: &str| heads.contains(&l);
    let mut out = Vec::new();
    for (p, lines) in pages.iter().enumerate() {
        // The last run of headings on the page and the lines after it.
        let Some(last) = lines.iter().rposition(|l| is_head(l)) else { continue };
        let first = (0..=last).rev().take_while(|&i| is_head(&lines[i])).last().unwrap();
        let under = lines.len() - last - 1;
        let goes_on = pages.get(p + 1).and_then(|n| n.first()).is_some_and(|l| !is_head(l));
        if goes_on && under < min {
            out.push((p + 1, lines[first].clone(), under));
        }
    }
    out
}

/// The number of lines the track table's header row takes: from the line holding its first
/// header to the line before the first stance row.
fn track_header_lines(pages: &[Vec<String>]) -> Option<usize> {
    for lines in pages {
        let Some(top) = lines.iter().position(|l| l.starts_with("Score") || l.starts_with("The score"))
        else {
            continue;
        };
        let rows = lines[top..]
            .iter()
            .position(|l| ["Long", "Neutral", "Short"].iter().any(|s| l.starts_with(s)))?;
        return Some(rows);
    }
    None
}

/// Review 32: "Macro Backdrop" ended page 1 (A4, 2026-07-24) with two lines of its first bullet
/// under it; the track table's headers took four or five lines. Every heading now keeps at least
/// three lines of its section on its page on A4 (on Letter, where a break would cost a page, it
/// keeps at least one: never the last line of its page), and the headers take two lines at most.
#[test]
fn headings_keep_with_their_text_and_track_headers_take_two_lines() {
    let t = tempfile::tempdir().unwrap();
    for (paper, min) in [("a4", 3), ("letter", 1)] {
        let cfg = config(t.path(), paper);
        for date in DATES {
            let out = t.path().join(format!("{paper}-{date}"));
            render(&cfg, &out, date);
            let Some(pages) = page_lines(&out.join("note.pdf")) else { return };
            let md = std::fs::read_to_string(out.join("note.md")).unwrap();
            let bad = stranded(&md, &pages, min);
            assert!(bad.is_empty(), "{paper} {date}: headings at the foot of a page: {bad:?}");
            let head = track_header_lines(&pages).unwrap_or_else(|| panic!("{paper} {date}: no track table"));
            assert!((1..=2).contains(&head), "{paper} {date}: the track table's header takes {head} lines");
        }
    }
}
