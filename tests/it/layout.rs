//! The sample's HTML page at a phone's width in a real browser (headless Chromium; skipped with a
//! notice when absent unless MARKETNOTE_REQUIRE_CHROMIUM=1): the page never scrolls sideways,
//! table headers stay on one line, every table sits in its scrolling wrapper, and a chart opened
//! through its link is shown at least at its design width.
//!
//! Headless Chromium will not lay a window out narrower than 500 px, so the note is loaded in a
//! 390 px iframe of a probe page (`--allow-file-access-from-files` lets the probe read it).

use std::path::{Path, PathBuf};
use std::process::Command;

fn find_chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("MARKETNOTE_CHROMIUM").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]
        .iter()
        .find_map(|c| std::env::split_paths(&path).map(|d| d.join(c)).find(|p| p.is_file()))
}

/// The probe page's DOM after load, from headless Chromium (no network, throwaway profile,
/// killed after two minutes).
fn dump_dom(chromium: &Path, page: &Path) -> String {
    let profile = tempfile::tempdir().unwrap();
    let child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--proxy-server=127.0.0.1:9",
            "--allow-file-access-from-files",
            "--dump-dom",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("file://{}", page.display()))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(std::time::Duration::from_secs(120)) {
        Ok(out) => String::from_utf8_lossy(&out.unwrap().stdout).into_owned(),
        Err(_) => {
            let _ = Command::new("kill").arg(pid.to_string()).status();
            panic!("Chromium did not finish within 120 s");
        }
    }
}

/// Loads `note.html{fragment}` in a `width` px iframe and returns what `script` (a function body
/// receiving the iframe's document `d` and window `w`, returning a string) reports.
fn probe(chromium: &Path, dir: &Path, width: u32, fragment: &str, script: &str) -> String {
    let page = dir.join(format!("probe-{width}{}.html", fragment.replace('#', "-")));
    std::fs::write(
        &page,
        format!(
            "<!DOCTYPE html><html><body><iframe id=f src=\"note.html{fragment}\" \
             style=\"width:{width}px;height:844px;border:0\"></iframe><script>\
             document.getElementById('f').addEventListener('load',()=>{{\
             const w=document.getElementById('f').contentWindow,d=w.document;\
             document.body.setAttribute('data-probe',(function(d,w){{{script}}})(d,w));}});\
             </script></body></html>"
        ),
    )
    .unwrap();
    let dom = dump_dom(chromium, &page);
    let k = "data-probe=\"";
    let i = dom.find(k).unwrap_or_else(|| panic!("the probe did not report: {}", &dom[..dom.len().min(400)]));
    dom[i + k.len()..].split('"').next().unwrap().replace("&amp;", "&")
}

#[test]
fn the_sample_reads_on_a_phone() {
    let chromium = match find_chromium() {
        Some(c) => c,
        None if std::env::var("MARKETNOTE_REQUIRE_CHROMIUM").as_deref() == Ok("1") => {
            panic!("Chromium is required (MARKETNOTE_REQUIRE_CHROMIUM=1) but not installed")
        }
        None => {
            eprintln!("SKIPPED the_sample_reads_on_a_phone: Chromium not installed");
            return;
        }
    };
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("note");
    let cfg = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/iwm.toml");
    let out = Command::new(env!("CARGO_BIN_EXE_marketnote"))
        .args(["render", cfg.to_str().unwrap(), "-o", dir.to_str().unwrap(), "--format", "html"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    // The page: its width, the tallest table header, tables and their wrappers, the smallest
    // body text.
    let got = probe(
        &chromium,
        &dir,
        390,
        "",
        "const e=d.documentElement;let th=0;for(const x of d.querySelectorAll('th'))\
         {th=Math.max(th,x.getBoundingClientRect().height)}\
         const p=parseFloat(w.getComputedStyle(d.querySelector('main p')).fontSize);\
         return [e.scrollWidth,e.clientWidth,Math.round(th),d.querySelectorAll('table').length,\
         d.querySelectorAll('.table-wrap > table').length,p,\
         Math.max(0,...[...d.querySelectorAll('.table-wrap')].map(x=>x.scrollWidth-x.clientWidth))].join(' ')",
    );
    let v: Vec<f64> = got.split(' ').map(|x| x.parse().unwrap()).collect();
    assert!(v[0] <= v[1], "the page scrolls sideways at 390 px: scrollWidth {} > {}", v[0], v[1]);
    assert!(v[2] < 40.0, "a table header wraps at 390 px: {} px tall", v[2]);
    assert!(v[3] >= 3.0 && v[3] == v[4], "every table is in its wrapper: {got}");
    assert!(v[5] >= 15.0, "body text is {} px", v[5]);
    // Wide tables stack their rows on a phone: none scrolls sideways in its wrapper.
    assert!(v[6] <= 0.0, "a table scrolls sideways at 390 px by {} px", v[6]);

    // A chart opened through its link: a fixed overlay, the image at least 750 CSS px wide.
    let got = probe(
        &chromium,
        &dir,
        390,
        "#chart-1",
        "const c=d.getElementById('chart-1');const i=c.querySelector('img');\
         return w.getComputedStyle(c).position+' '+Math.round(i.getBoundingClientRect().width)+' '+\
         w.getComputedStyle(c.querySelector('.chart-close')).display",
    );
    let v: Vec<&str> = got.split(' ').collect();
    assert_eq!(v[0], "fixed", "{got}");
    assert!(v[1].parse::<f64>().unwrap() >= 749.0, "the enlarged chart is {} px wide", v[1]);
    assert_eq!(v[2], "block", "the close bar shows: {got}");
}
