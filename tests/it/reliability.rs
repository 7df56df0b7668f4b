//! Issue 15 through the binary: inputs that never end or block (`/dev/zero`, a FIFO, a folder, a
//! huge sparse file) fail their note with exit 2 and never a whole batch; concurrent renders and
//! batches into one folder never exit 1 and never lose a note; a crashed run's leftovers are gone
//! after the next run; control characters are refused and the SVGs that are written are XML.

#![cfg(unix)]

use crate::tree;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_marketnote"))
}

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/data").join(name)
}

/// Waits for a child with a deadline (a hang is a failure, not a stuck test run).
fn wait(mut child: Child, secs: u64, what: &str) -> Output {
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if start.elapsed() > Duration::from_secs(secs) {
            let _ = child.kill();
            panic!("{what}: still running after {secs}s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn run(cmd: &mut Command, secs: u64, what: &str) -> Output {
    let child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    wait(child, secs, what)
}

/// Bar paths that must be refused without reading them: name → path.
fn hostile_bars(dir: &Path) -> Vec<(&'static str, PathBuf)> {
    let fifo = dir.join("fifo.csv");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let folder = dir.join("folder.csv");
    std::fs::create_dir(&folder).unwrap();
    let huge = dir.join("huge.csv");
    // 16 GiB, sparse: no disk space, far above the bar limit.
    std::fs::File::create(&huge).unwrap().set_len(16 << 30).unwrap();
    let lp = dir.join("loop.csv");
    std::os::unix::fs::symlink(&lp, &lp).unwrap();
    vec![
        ("/dev/zero", PathBuf::from("/dev/zero")),
        ("fifo", fifo),
        ("folder", folder),
        ("huge", huge),
        ("loop", lp),
    ]
}

fn note_config(dir: &Path, bars: &Path, extra: &str) -> PathBuf {
    let p = dir.join(format!("note-{}.toml", bars.file_name().unwrap().to_string_lossy()));
    std::fs::write(
        &p,
        format!(
            "[instrument]\nsymbol = \"IWM\"\nbars = \"{}\"\n[output]\nformats = [\"md\", \"json\"]\n{extra}",
            bars.display()
        ),
    )
    .unwrap();
    p
}

#[test]
fn never_ending_and_blocking_bar_files_fail_render_with_exit_2() {
    let t = tempfile::tempdir().unwrap();
    for (name, bars) in hostile_bars(t.path()) {
        let cfg = note_config(t.path(), &bars, "");
        let out = t.path().join(format!("out-{}", name.trim_start_matches('/').replace('/', "-")));
        let o = run(bin().arg("render").arg(&cfg).arg("-o").arg(&out), 60, name);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{name}: {stderr}");
        assert!(
            stderr.contains(&*bars.display().to_string()),
            "{name}: the message names the file: {stderr}"
        );
        assert!(!out.exists(), "{name}: nothing written");
    }
}

fn manifest(dir: &Path, third: &Path, tag: &str) -> PathBuf {
    let p = dir.join(format!("universe-{tag}.toml"));
    std::fs::write(
        &p,
        format!(
            "[defaults]\noutput = {{ formats = [\"md\", \"json\"] }}\n\
             [[symbol]]\nsymbol = \"IWM\"\nbars = \"{}\"\n\
             [[symbol]]\nsymbol = \"SPY\"\nbars = \"{}\"\n\
             [[symbol]]\nsymbol = \"BAD\"\nbars = \"{}\"\n",
            data("IWM.csv").display(),
            data("SPY.csv").display(),
            third.display()
        ),
    )
    .unwrap();
    p
}

#[test]
fn a_batch_survives_each_hostile_bar_file_and_writes_its_index() {
    let t = tempfile::tempdir().unwrap();
    for (name, bars) in hostile_bars(t.path()) {
        let tag = name.trim_start_matches('/').replace('/', "-");
        let m = manifest(t.path(), &bars, &tag);
        let out = t.path().join(format!("batch-{tag}"));
        // Peak memory bounded: the batch runs with 1 GB of address space (reading /dev/zero whole
        // would be killed).
        let o = run(
            Command::new("sh")
                .args(["-c", "ulimit -v 1000000; exec \"$0\" \"$@\""])
                .arg(env!("CARGO_BIN_EXE_marketnote"))
                .arg("batch")
                .arg(&m)
                .arg("-o")
                .arg(&out)
                .args(["-j", "100000"]),
            120,
            name,
        );
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{name}: {stderr}");
        assert!(stderr.contains("-j 100000 capped at 3"), "{name}: {stderr}");
        for f in ["IWM/note.md", "IWM/signals.json", "SPY/note.md", "index.html", "index.json"] {
            assert!(out.join(f).is_file(), "{name}: {f} missing; {stderr}");
        }
        assert!(!out.join("BAD").exists(), "{name}");
        let index: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("index.json")).unwrap()).unwrap();
        assert_eq!(index["ok"], 2, "{name}");
        assert_eq!(index["failures"][0]["symbol"], "BAD", "{name}");
    }
}

/// Names in a folder that are not `keep` (leftovers, lock files).
fn extra_names(dir: &Path, keep: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !keep.contains(&n.as_str()))
        .collect();
    v.sort();
    v
}

fn complete_note(dir: &Path) {
    let s = tree::snapshot(dir);
    let names: Vec<String> = s.keys().map(|k| k.display().to_string()).collect();
    for f in [".marketnote", "note.md", "note.html", "signals.json"] {
        assert!(names.iter().any(|n| n == f), "{f} missing from {names:?}");
    }
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("signals.json")).unwrap()).unwrap();
    assert_eq!(json["schema"], 1);
    assert!(std::fs::read_to_string(dir.join("note.md")).unwrap().contains("## Disclaimer"));
}

#[test]
fn concurrent_renders_into_one_folder_never_fail_or_lose_the_note() {
    let t = tempfile::tempdir().unwrap();
    let cfg = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/iwm.toml");
    for round in 0..3 {
        let children: Vec<Child> = (0..4)
            .map(|_| {
                bin()
                    .arg("render")
                    .arg(&cfg)
                    .args(["-o", "out", "--format", "md,html,json", "--no-base-rates"])
                    .current_dir(t.path())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for c in children {
            let o = wait(c, 300, "render");
            assert_eq!(o.status.code(), Some(0), "round {round}: {}", String::from_utf8_lossy(&o.stderr));
        }
        complete_note(&t.path().join("out"));
        assert_eq!(extra_names(t.path(), &["out"]), Vec::<String>::new(), "no leftovers or lock files");
    }
}

#[test]
fn concurrent_batches_into_one_folder_never_fail_or_lose_a_note() {
    let t = tempfile::tempdir().unwrap();
    let m = t.path().join("u.toml");
    std::fs::write(
        &m,
        format!(
            "[defaults]\noutput = {{ formats = [\"md\", \"html\", \"json\"] }}\n\
             [[symbol]]\nsymbol = \"IWM\"\nbars = \"{}\"\n[[symbol]]\nsymbol = \"SPY\"\nbars = \"{}\"\n",
            data("IWM.csv").display(),
            data("SPY.csv").display()
        ),
    )
    .unwrap();
    let out = t.path().join("universe");
    for round in 0..2 {
        let children: Vec<Child> = (0..4)
            .map(|_| {
                bin()
                    .arg("batch")
                    .arg(&m)
                    .arg("-o")
                    .arg(&out)
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for c in children {
            let o = wait(c, 300, "batch");
            assert_eq!(o.status.code(), Some(0), "round {round}: {}", String::from_utf8_lossy(&o.stderr));
        }
        complete_note(&out.join("IWM"));
        complete_note(&out.join("SPY"));
        assert_eq!(
            extra_names(&out, &["IWM", "SPY", "index.html", "index.json", ".marketnote-batch"]),
            Vec::<String>::new(),
            "no leftovers or lock files"
        );
    }
}

#[test]
fn leftovers_of_a_crashed_run_are_gone_after_the_next_run() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    let cfg = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/iwm.toml");
    let render = |fmt: &str| {
        let mut c = bin();
        c.arg("render").arg(&cfg).args(["-o", "out", "--format", fmt, "--no-base-rates"]).current_dir(dir);
        c
    };
    assert!(run(&mut render("md,html,json"), 120, "first").status.success());
    // The leftovers a run killed mid-write leaves (both kinds). The PDF is typeset in memory now,
    // so there is no external step to kill a run in; every step of the swap itself is killed
    // in-process by the unit tests in src/report/write.rs.
    for n in [".out.tmp-99999-1-0", ".out.old-99999-2-0"] {
        std::fs::create_dir_all(dir.join(n).join("charts")).unwrap();
        std::fs::write(dir.join(n).join(".marketnote"), "x").unwrap();
        std::fs::write(dir.join(n).join("charts/big.png"), vec![0u8; 1 << 20]).unwrap();
    }
    let before = extra_names(dir, &["out"]);
    assert_eq!(before.len(), 2, "{before:?}");
    complete_note(&dir.join("out"));
    let o = run(&mut render("md,html,json"), 120, "next");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    complete_note(&dir.join("out"));
    assert_eq!(extra_names(dir, &["out"]), Vec::<String>::new());
}

#[test]
fn output_paths_that_are_links_or_under_files_are_exit_2() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    let cfg = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/iwm.toml");
    std::fs::write(dir.join("file"), "x").unwrap();
    std::os::unix::fs::symlink(dir.join("missing"), dir.join("dangling")).unwrap();
    std::os::unix::fs::symlink(dir.join("loop"), dir.join("loop")).unwrap();
    let long = "n".repeat(250);
    for out in ["dangling", "loop", "loop/out", "file/out", "file/.", &long] {
        let o = run(
            bin()
                .arg("render")
                .arg(&cfg)
                .args(["-o", out, "--format", "md", "--no-base-rates"])
                .current_dir(dir),
            60,
            out,
        );
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "-o {out}: {stderr}");
        assert!(stderr.contains(out), "-o {out}: names the path: {stderr}");
    }
    assert!(std::fs::symlink_metadata(dir.join("dangling")).unwrap().file_type().is_symlink());
    let o = run(bin().arg("init").arg(dir.join("dangling")), 60, "init");
    assert_eq!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stderr));
}

/// A small XML well-formedness check: only XML characters, balanced tags, quoted attributes, no
/// raw `<` or stray `&` in text.
fn assert_xml(text: &str, what: &str) {
    if let Some(c) = text.chars().find(|&c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')) {
        panic!("{what}: control character U+{:04X}", c as u32);
    }
    let b = text.as_bytes();
    let mut stack: Vec<String> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'<' => {
                let end = text[i..]
                    .find('>')
                    .map(|e| i + e)
                    .unwrap_or_else(|| panic!("{what}: unclosed tag at {i}"));
                let tag = &text[i + 1..end];
                if tag.starts_with('?') || tag.starts_with('!') {
                    // declaration or comment (ours contain no '>')
                } else if let Some(name) = tag.strip_prefix('/') {
                    let open = stack.pop().unwrap_or_else(|| panic!("{what}: stray </{name}>"));
                    assert_eq!(open, name.trim(), "{what}: mismatched tags");
                } else {
                    let name: String = tag.chars().take_while(|c| !c.is_whitespace() && *c != '/').collect();
                    assert!(!name.is_empty(), "{what}: empty tag at {i}");
                    assert_eq!(tag.matches('"').count() % 2, 0, "{what}: unbalanced quotes in <{tag}>");
                    assert!(!tag.contains('<'), "{what}: '<' inside a tag");
                    if !tag.ends_with('/') {
                        stack.push(name);
                    }
                }
                i = end + 1;
            }
            b'&' => {
                let semi = text[i..].find(';').unwrap_or_else(|| panic!("{what}: stray & at {i}"));
                let ent = &text[i + 1..i + semi];
                assert!(
                    matches!(ent, "amp" | "lt" | "gt" | "quot" | "apos") || ent.starts_with('#'),
                    "{what}: unknown entity &{ent};"
                );
                i += semi + 1;
            }
            _ => i += 1,
        }
    }
    assert!(stack.is_empty(), "{what}: unclosed {stack:?}");
}

#[test]
fn control_characters_are_refused_and_written_svgs_are_xml() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    for (field, value, key) in [
        ("name", "IWM\\u0007 bell", "instrument.name"),
        ("name", "\\u202Eevil", "instrument.name"),
        ("symbol", "IW\\u0000M", "instrument.symbol"),
        ("symbol", "IWM\\u001b[31m", "instrument.symbol"),
    ] {
        let cfg = dir.join("ctl.toml");
        let inst = if field == "symbol" {
            format!("symbol = \"{value}\"")
        } else {
            format!("symbol = \"IWM\"\nname = \"{value}\"")
        };
        std::fs::write(&cfg, format!("[instrument]\n{inst}\nbars = \"{}\"\n", data("IWM.csv").display()))
            .unwrap();
        let o = run(
            bin().arg("render").arg(&cfg).args(["-o", "ctl", "--no-base-rates"]).current_dir(dir),
            60,
            value,
        );
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{value}: {stderr}");
        assert!(stderr.contains(key) && stderr.contains("U+"), "{value}: {stderr}");
        assert!(!dir.join("ctl").exists());
    }
    // Markup characters and non-ASCII text are allowed: every SVG written is still XML.
    let cfg = dir.join("ok.toml");
    std::fs::write(
        &cfg,
        format!(
            "title = \"<b>Small & \\\"caps\\\"</b> — ünïcode 📈\"\n\
             [instrument]\nsymbol = \"IWM\"\nname = \"R<2000> & 'co' ]]>\"\nbars = \"{}\"\n\
             [benchmark]\nsymbol = \"SPY\"\nname = \"S&P <500>\"\nbars = \"{}\"\n\
             [[macro]]\nid = \"hy_oas\"\nfile = \"{}\"\nlabel = \"HY <OAS> & \\\"spread\\\"\"\n\
             [output]\nformats = [\"md\", \"html\", \"json\"]\ncharts = {{ svg = true }}\n",
            data("IWM.csv").display(),
            data("SPY.csv").display(),
            data("BAMLH0A0HYM2.csv").display()
        ),
    )
    .unwrap();
    let o =
        run(bin().arg("render").arg(&cfg).args(["-o", "ok", "--no-base-rates"]).current_dir(dir), 120, "ok");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut svgs = 0;
    for e in std::fs::read_dir(dir.join("ok/charts")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "svg") {
            assert_xml(&std::fs::read_to_string(&p).unwrap(), &p.display().to_string());
            svgs += 1;
        }
    }
    assert!(svgs >= 3, "{svgs} SVGs");
    for f in ["note.md", "note.html"] {
        let text = std::fs::read_to_string(dir.join("ok").join(f)).unwrap();
        assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "{f}");
    }
}

#[test]
fn the_xml_checker_catches_what_it_looks_for() {
    for bad in ["<a><b></a>", "<a>x & y</a>", "<a>\u{7}</a>", "<a x=\"1></a>", "<a>"] {
        assert!(std::panic::catch_unwind(|| assert_xml(bad, "self-test")).is_err(), "{bad}");
    }
    assert_xml("<?xml version=\"1.0\"?><svg a=\"&lt;\"><g/><text>&amp; &#39;</text></svg>", "self-test");
}
