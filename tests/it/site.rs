//! Publishing a weekly series (issue 17): `publish` into a site folder, automatic "Since the Last
//! Note", the pages and Atom feed rebuilt from the notes' signals.json, republishing, shards
//! merged by copying folders, escaping, and refusing foreign folders. Runs the binary on the
//! bundled sample without base rates (the fast path).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

// Fridays on or before 2026-07-28, the last date every bundled series covers.
const DATES: [&str; 3] = ["2026-07-10", "2026-07-17", "2026-07-24"];
const BASE: &str = "https://notes.example.org/weekly";

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_marketnote")).args(args).output().expect("run marketnote")
}

fn ok(args: &[&str]) -> Output {
    let o = run(args);
    assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
    o
}

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples")
}

/// The sample config with absolute data paths and `[site] base_url`, written into `dir`.
fn config_with_base_url(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(samples().join("iwm.toml")).unwrap();
    let data = samples().join("data");
    let text = text.replace("\"data/", &format!("\"{}/", data.display()));
    let p = dir.join("iwm.toml");
    std::fs::write(&p, format!("{text}\n[site]\nbase_url = \"{BASE}\"\n")).unwrap();
    p
}

fn publish(cfg: &Path, site: &Path, as_of: &str) {
    ok(&[
        "publish",
        cfg.to_str().unwrap(),
        "--site",
        site.to_str().unwrap(),
        "--as-of",
        as_of,
        "--no-base-rates",
        "--format",
        "html,json",
    ]);
}

/// Every file under `dir`: relative path → bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, d: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn copy_into(from: &Path, to: &Path) {
    for (rel, bytes) in snapshot(from) {
        let p = to.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
}

fn text(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn json(p: &Path) -> serde_json::Value {
    serde_json::from_str(&text(p)).unwrap()
}

fn feed(site: &Path) -> atom_syndication::Feed {
    let f = std::fs::File::open(site.join("feed.xml")).unwrap();
    atom_syndication::Feed::read_from(std::io::BufReader::new(f)).expect("feed.xml parses as Atom")
}

/// The site's pages (not the note folders).
fn pages(site: &Path) -> BTreeMap<String, Vec<u8>> {
    snapshot(site)
        .into_iter()
        .filter(|(k, _)| k == "index.html" || k == "feed.xml" || k.ends_with("/index.html"))
        .collect()
}

#[test]
fn three_weekly_notes_link_to_their_predecessors_and_are_listed_everywhere() {
    let t = tempfile::tempdir().unwrap();
    let cfg = config_with_base_url(t.path());
    let site = t.path().join("site");
    for d in DATES {
        publish(&cfg, &site, d);
    }

    // Notes in <SYMBOL>/<AS-OF>/, each "since" pointing at its own predecessor.
    for (i, d) in DATES.iter().enumerate() {
        let dir = site.join("IWM").join(d);
        let doc = json(&dir.join("signals.json"));
        // Dates are kept on one line by a no-wrap span; the heading's words are what matter.
        let html = text(&dir.join("note.html")).replace("<span class=\"nw\">", "").replace("</span>", "");
        match i {
            0 => {
                assert!(doc.get("since_last").is_none(), "the first note has no predecessor");
                assert!(!html.contains("Since the Last Note"));
            }
            _ => {
                assert_eq!(doc["since_last"]["previous_as_of"], DATES[i - 1], "{d}");
                assert!(html.contains(&format!("Since the Last Note ({})", DATES[i - 1])), "{d}");
            }
        }
        // Head: canonical, feed, Open Graph / Twitter with the weekly chart; links relative.
        let url = format!("{BASE}/IWM/{d}/note.html");
        assert!(html.contains(&format!("<link rel=\"canonical\" href=\"{url}\">")), "{d}");
        assert!(html.contains("type=\"application/atom+xml\""), "{d}");
        assert!(html
            .contains(&format!("<meta property=\"og:image\" content=\"{BASE}/IWM/{d}/charts/weekly.png\">")));
        assert!(html.contains("<meta name=\"twitter:card\" content=\"summary_large_image\">"));
        assert!(html.contains("href=\"../index.html\"") && html.contains("href=\"../../index.html\""));
        assert!(dir.join("charts/weekly.png").is_file());
    }

    // The front page, the series page and the feed list the three notes.
    let index = text(&site.join("index.html"));
    assert!(index.contains("href=\"IWM/index.html\""));
    assert!(index.contains(&format!("href=\"IWM/{}/note.html\"", DATES[2])), "the latest note is linked");
    assert!(index.contains("3 notes"));
    assert!(index.contains("<svg class=\"spark\""));
    let series = text(&site.join("IWM/index.html"));
    assert_eq!(series.matches("<li class=\"note-item\">").count(), 3);
    let pos: Vec<usize> =
        DATES.iter().map(|d| series.find(&format!("href=\"{d}/note.html\"")).unwrap()).collect();
    assert!(pos[2] < pos[1] && pos[1] < pos[0], "newest first");
    assert!(series.contains("<svg class=\"chart wide\""));
    for page in [&index, &series] {
        assert!(!page.contains("http://") && !page.contains("src=\"http"), "no external request");
        assert!(page.contains("Content-Security-Policy"));
    }

    let f = feed(&site);
    assert_eq!(f.entries.len(), 3);
    let ids: Vec<String> = f.entries.iter().map(|e| e.id.clone()).collect();
    for (e, d) in f.entries.iter().zip(DATES.iter().rev()) {
        assert_eq!(e.id, format!("{BASE}/IWM/{d}/"));
        assert_eq!(e.updated.to_rfc3339(), format!("{d}T00:00:00+00:00"));
        let doc = json(&site.join("IWM").join(d).join("signals.json"));
        let lead = doc.get("lead").and_then(|v| v.as_str()).map(str::to_string);
        let summary = e.summary.as_ref().unwrap().value.clone();
        match lead {
            Some(l) => assert_eq!(summary, l),
            None => assert!(summary.contains("assessed signals"), "{summary}"),
        }
        assert_eq!(e.links[0].href, format!("{BASE}/IWM/{d}/note.html"));
    }

    // Rebuilding from the folders alone gives the same bytes.
    let before = pages(&site);
    ok(&["site", site.to_str().unwrap()]);
    assert_eq!(pages(&site), before);

    // Republishing the middle date replaces it and keeps the others (the later note untouched).
    let later = snapshot(&site.join("IWM").join(DATES[2]));
    // Asked as of the Sunday after it: the note goes to the folder of its last session.
    publish(&cfg, &site, "2026-07-19");
    assert!(!site.join("IWM/2026-07-19").exists());
    assert_eq!(snapshot(&site.join("IWM").join(DATES[2])), later, "a later note is left as it was");
    assert_eq!(
        json(&site.join("IWM").join(DATES[1]).join("signals.json"))["since_last"]["previous_as_of"],
        DATES[0]
    );
    let f2 = feed(&site);
    assert_eq!(f2.entries.iter().map(|e| e.id.clone()).collect::<Vec<_>>(), ids);
    assert_eq!(pages(&site), before, "same folders, same pages");
    // No temporary files or folders are left behind.
    let stray: Vec<String> =
        snapshot(&site).into_keys().filter(|k| k.contains(".tmp-") || k.contains(".old-")).collect();
    assert!(stray.is_empty(), "{stray:?}");

    // A copy of the folders elsewhere builds byte-identical pages.
    let copy = t.path().join("copy");
    copy_into(&site, &copy);
    for p in ["index.html", "feed.xml", "IWM/index.html"] {
        std::fs::remove_file(copy.join(p)).unwrap();
    }
    ok(&["site", copy.to_str().unwrap()]);
    assert_eq!(snapshot(&copy), snapshot(&site));
}

#[test]
fn shards_published_apart_and_merged_equal_one_run() {
    let t = tempfile::tempdir().unwrap();
    let manifest = samples().join("universe.toml");
    let m = manifest.to_str().unwrap();
    let one = t.path().join("one");
    let shards = [t.path().join("s1"), t.path().join("s2")];
    for d in &DATES[1..] {
        ok(&["batch", m, "--site", one.to_str().unwrap(), "--as-of", d]);
        for (k, s) in shards.iter().enumerate() {
            let shard = format!("{}/2", k + 1);
            ok(&["batch", m, "--site", s.to_str().unwrap(), "--shard", &shard, "--as-of", d]);
        }
    }
    let merged = t.path().join("merged");
    for s in &shards {
        copy_into(s, &merged);
    }
    ok(&["site", merged.to_str().unwrap()]);
    let a = snapshot(&one);
    assert_eq!(snapshot(&merged).keys().collect::<Vec<_>>(), a.keys().collect::<Vec<_>>());
    assert!(snapshot(&merged) == a, "the merged site differs from the one-run site");
    // Each symbol's second note carries "since" against its first, in every shard.
    for sym in ["IWM", "QQQ", "SPY"] {
        let doc = json(&one.join(sym).join(DATES[2]).join("signals.json"));
        assert_eq!(doc["since_last"]["previous_as_of"], DATES[1], "{sym}");
    }
    let f = feed(&one);
    assert_eq!(f.entries.len(), 6);
    assert!(f.entries.iter().all(|e| e.id.starts_with("urn:marketnote:")), "no base URL: urn ids");
    let index = text(&one.join("index.html"));
    for sym in ["IWM", "QQQ", "SPY"] {
        assert!(index.contains(&format!("href=\"{sym}/index.html\"")), "{sym}");
    }
}

#[test]
fn titles_and_leads_from_signals_json_are_escaped_everywhere() {
    let t = tempfile::tempdir().unwrap();
    let site = t.path().join("site");
    let cfg = samples().join("iwm.toml");
    publish(&cfg, &site, DATES[2]);
    let file = site.join("IWM").join(DATES[2]).join("signals.json");
    let mut doc = json(&file);
    let evil_title = "<script>alert(1)</script> & \"quotes\"";
    let evil_lead = "\"><img src=x onerror=alert(1)> lead";
    doc["title"] = serde_json::json!(evil_title);
    doc["lead"] = serde_json::json!(evil_lead);
    std::fs::write(&file, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
    ok(&["site", site.to_str().unwrap()]);
    for p in ["index.html", "IWM/index.html"] {
        let html = text(&site.join(p));
        assert!(!html.contains("<script>alert"), "{p}");
        assert!(!html.contains("<img src=x"), "{p}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;"), "{p}: the title is shown, escaped");
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt; lead"), "{p}: the lead is shown, escaped");
    }
    let before = pages(&site);
    let o = run(&["site", site.to_str().unwrap(), "--base-url", "javascript:alert(1)"]);
    assert_eq!(o.status.code(), Some(2), "a base URL must be http(s)");
    assert_eq!(pages(&site), before);
    let f = feed(&site);
    assert_eq!(f.entries[0].summary.as_ref().unwrap().value, evil_lead);
    assert!(f.entries[0].title.value.contains(evil_title));
}

#[test]
fn plain_render_is_unchanged_and_foreign_folders_are_refused() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    ok(&["render", "--no-base-rates", "--format", "html", "-o", out.to_str().unwrap()]);
    let html = text(&out.join("note.html"));
    assert!(!html.contains("site-nav") && !html.contains("og:") && !html.contains("canonical"));

    let foreign = t.path().join("mine");
    std::fs::create_dir(&foreign).unwrap();
    std::fs::write(foreign.join("index.html"), "precious").unwrap();
    let cfg = samples().join("iwm.toml");
    let o = run(&["publish", cfg.to_str().unwrap(), "--site", foreign.to_str().unwrap(), "--no-base-rates"]);
    assert_eq!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains(".marketnote-site"));
    let o = run(&["site", foreign.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(text(&foreign.join("index.html")), "precious");
}
