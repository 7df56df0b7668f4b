//! Output safety through the binary: values from data and config are escaped in note.md and
//! note.html, raw HTML in a user's markdown template is neutralised, output paths stay inside the
//! output folder, and a template that fails midway leaves the previous note intact.

use crate::tree;
use std::path::{Path, PathBuf};
use std::process::Command;
use tree::snapshot;

const SCRIPT: &str = "<script>alert(1)</script>";
const IMG: &str = "\"><img src=x onerror=alert(1)>";
const LINK: &str = "[x](javascript:alert(1))";

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/data")
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_marketnote"))
}

/// A previous note in `dir/out`.
fn previous_note(dir: &Path) {
    std::fs::create_dir_all(dir.join("out/charts")).unwrap();
    std::fs::write(dir.join("out/.marketnote"), "previous\n").unwrap();
    std::fs::write(dir.join("out/note.md"), "# The previous note\n").unwrap();
    std::fs::write(dir.join("out/charts/weekly.png"), b"\x89PNG").unwrap();
}

/// A config whose every free-text value is hostile, and whose bar file has a hostile name and a
/// hostile duplicated header column (which surfaces as a data-quality warning in the note).
fn hostile_config(dir: &Path) -> PathBuf {
    let iwm = std::fs::read_to_string(data().join("IWM.csv")).unwrap();
    let mut bars = String::new();
    for (i, line) in iwm.lines().enumerate() {
        bars.push_str(line);
        bars.push_str(if i == 0 {
            ",<script>alert(1)</script>,<script>alert(1)</script>\n"
        } else {
            ",0,0\n"
        });
    }
    let bar_name = "<img src=x onerror=alert(1)>.csv";
    std::fs::write(dir.join(bar_name), bars).unwrap();
    let d = data();
    let toml = format!(
        r#"title = '{SCRIPT} {IMG} {LINK}'
[instrument]
symbol = '../../{SCRIPT}'
name = '{IMG}'
bars = '{bar_name}'
[benchmark]
symbol = '{LINK}'
name = '{SCRIPT}'
bars = '{spy}'
[[macro]]
id = 'fed_funds'
file = '{ff}'
label = '{SCRIPT} {LINK} {IMG}'
[[macro]]
id = '<b>x</b>'
file = '{cpi}'
label = '{LINK}'
[output.charts]
width = 400
height = 300
"#,
        spy = d.join("SPY.csv").display(),
        ff = d.join("FEDFUNDS.csv").display(),
        cpi = d.join("CPIAUCSL.csv").display(),
    );
    let p = dir.join("note.toml");
    std::fs::write(&p, toml).unwrap();
    p
}

/// Every `href`/`src` attribute value in the HTML.
fn urls(html: &str) -> Vec<String> {
    let mut v = Vec::new();
    for attr in ["href=\"", "src=\"", "href='", "src='"] {
        let quote = attr.chars().last().unwrap();
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let end = rest.find(quote).unwrap_or(rest.len());
            v.push(rest[..end].to_string());
            rest = &rest[end..];
        }
    }
    v
}

/// Every start tag in the HTML (`<name ...>`), lower-cased; escaped text (`&lt;...`) is not a tag.
fn start_tags(html: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let mut v = Vec::new();
    let mut rest = lower.as_str();
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        if rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            let end = rest.find('>').unwrap_or(rest.len());
            v.push(rest[..end].to_string());
            rest = &rest[end..];
        }
    }
    v
}

/// The attribute names of a start tag's text (after the tag name), skipping quoted values.
fn attr_names(attrs: &str) -> Vec<String> {
    let b = attrs.as_bytes();
    let (mut i, mut names) = (0, Vec::new());
    while i < b.len() {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        let s = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'=' && b[i] != b'/' {
            i += 1;
        }
        if i > s {
            names.push(attrs[s..i].to_string());
        }
        if i < b.len() && b[i] == b'=' {
            i += 1;
            if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                let q = b[i];
                i += 1;
                while i < b.len() && b[i] != q {
                    i += 1;
                }
                i += 1;
            } else {
                while i < b.len() && !b[i].is_ascii_whitespace() {
                    i += 1;
                }
            }
        }
    }
    names
}

fn assert_html_safe(html: &str, what: &str) {
    for tag in start_tags(html) {
        let name: String = tag.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        let short: String = tag.chars().take(120).collect();
        assert!(
            !["script", "iframe", "object", "embed", "form", "base"].contains(&name.as_str()),
            "{what}: a <{name}> element got through: <{short}"
        );
        let handler = attr_names(&tag[name.len()..]).into_iter().find(|a| a.starts_with("on"));
        assert!(handler.is_none(), "{what}: event handler {handler:?} got through: <{short}");
    }
    for u in urls(html) {
        let u = u.trim().to_ascii_lowercase();
        assert!(!u.starts_with("javascript:") && !u.starts_with("vbscript:"), "{what}: dangerous URL {u}");
        assert!(!u.starts_with("data:text/html"), "{what}: dangerous data URL");
    }
}

#[test]
fn values_from_data_and_config_are_escaped() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    let cfg = hostile_config(dir);
    let o = bin()
        .args(["render".as_ref(), cfg.as_os_str(), "-o".as_ref(), "out".as_ref()])
        .arg("--format")
        .arg("md,html,json")
        .current_dir(dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    let html = std::fs::read_to_string(dir.join("out/note.html")).unwrap();
    let md = std::fs::read_to_string(dir.join("out/note.md")).unwrap();
    assert_html_safe(&html, "note.html");
    // The hostile text reached the page, as text: the title and the instrument name.
    assert!(html.contains("&lt;script&gt;alert(1)&lt;"), "title not shown as text");
    assert!(
        html.contains("onerror=alert(1)&gt;") || html.contains("onerror&#x3D;alert(1)&gt;"),
        "name not shown"
    );
    // Markdown: every `<` and `[` of the hostile text is backslash-escaped, so no viewer sees a
    // tag or a link.
    for pat in ["<script>", "<img src=x", "[x](javascript:"] {
        let live = md.match_indices(pat).any(|(at, _)| !md[..at].ends_with('\\'));
        assert!(!live, "unescaped `{pat}` in note.md");
    }
    assert!(md.contains("\\<script\\>"), "the hostile title is not in note.md as text");
    // signals.json is valid JSON whatever the strings.
    let json = std::fs::read(dir.join("out/signals.json")).unwrap();
    serde_json::from_slice::<serde_json::Value>(&json).expect("signals.json parses");
    // Nothing was written outside `out/` (the symbol `../../...` names no path).
    let names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut names = names;
    names.sort();
    assert_eq!(names, vec!["<img src=x onerror=alert(1)>.csv", "note.toml", "out"]);
    for (rel, _) in snapshot(&dir.join("out")) {
        assert!(rel.components().all(|c| matches!(c, std::path::Component::Normal(_))), "{rel:?}");
    }
}

/// The embedded templates, written by `init`, with raw HTML and a javascript: link appended to the
/// main markdown template.
fn hostile_templates(dir: &Path) -> PathBuf {
    let o = bin().arg("init").arg(dir.join("starter")).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let tpl = dir.join("starter/templates");
    let main = tpl.join("note.md.tera");
    let mut text = std::fs::read_to_string(&main).unwrap();
    text.push_str(
        "\n\n<script>alert(1)</script>\n\n<iframe src=\"https://evil.example\"></iframe>\n\n\
         Inline <img src=x onerror=alert(1)> and <a href=\"javascript:alert(1)\">a link</a>.\n\n\
         [click](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=) \
         ![img](javascript:alert(1))\n",
    );
    std::fs::write(&main, text).unwrap();
    tpl
}

#[test]
fn raw_html_in_user_templates_is_sanitised() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    let tpl = hostile_templates(dir);
    let cfg = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/iwm.toml");
    let o = bin()
        .args([
            "render".as_ref(),
            cfg.as_os_str(),
            "-o".as_ref(),
            "out".as_ref(),
            "--templates".as_ref(),
            tpl.as_os_str(),
        ])
        .args(["--format", "md,html"])
        .current_dir(dir)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let html = std::fs::read_to_string(dir.join("out/note.html")).unwrap();
    assert_html_safe(&html, "note.html from a hostile template");
    // The user's text is kept, as text.
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;") || html.contains("&lt;script&gt;"),
        "raw HTML dropped silently"
    );
}

#[test]
fn output_paths_that_are_not_a_note_folder_are_refused() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    std::fs::create_dir(dir.join("work")).unwrap();
    std::fs::write(dir.join("work/thesis.docx"), "precious").unwrap();
    std::fs::write(dir.join("file.txt"), "a file").unwrap();
    let cfg = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/iwm.toml");
    let before = snapshot(dir);
    for out in [".", "..", "/", "work", "file.txt", "work/..", "/proc/self"] {
        let o = bin()
            .arg("render")
            .arg(&cfg)
            .args(["-o", out, "--format", "md"])
            .current_dir(dir)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "-o {out}: {stderr}");
        assert!(stderr.starts_with("error: ") && stderr.lines().count() == 1, "-o {out}: {stderr}");
        assert_eq!(snapshot(dir), before, "-o {out} changed something");
    }
}

#[test]
fn template_that_fails_midway_leaves_the_previous_note_intact() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    previous_note(dir);
    let o = bin().arg("init").arg(dir.join("starter")).output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    let tpl = dir.join("starter/templates");
    // Parses fine (so the early template check passes) but fails while rendering, after the
    // data, the analysis and the charts are done.
    let main = tpl.join("note.md.tera");
    let text = std::fs::read_to_string(&main).unwrap();
    std::fs::write(&main, format!("{text}\n{{{{ no_such_variable.field }}}}\n")).unwrap();
    let before = snapshot(dir);
    let cfg = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/iwm.toml");
    let o = bin()
        .arg("render")
        .arg(&cfg)
        .args(["-o", "out", "--format", "md,html"])
        .arg("--templates")
        .arg(&tpl)
        .current_dir(dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("note.md.tera"), "the message names the template: {stderr}");
    assert_eq!(snapshot(dir), before, "the previous note or its folder changed");
}

// The two tests that simulated a failing and a hanging PDF printer (a fake Chromium) are gone
// with Chromium: the PDF is now typeset in memory by `report::build` before anything is written,
// so no external step can fail or hang between the temporary folder and the swap. The swap itself
// is covered by the unit tests in src/report/write.rs.

#[test]
fn the_html_checker_catches_what_it_looks_for() {
    let bad = [
        "<p>x</p><script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<div><IFRAME src=\"https://x\"></iframe></div>",
        "<svg onload='alert(1)'></svg>",
    ];
    for html in bad {
        let caught = std::panic::catch_unwind(|| assert_html_safe(html, "self-test")).is_err();
        assert!(caught, "not caught: {html}");
    }
    assert_html_safe(
        "<p>&lt;script&gt; <img alt=\"onerror=alert(1) &lt;script&gt;\" src=\"charts/a.png\"></p>",
        "self-test",
    );
}
