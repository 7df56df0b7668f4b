//! `marketnote batch`: a universe with one broken file, shards, unsafe symbols, CSV manifests,
//! and equivalence with `render` for the same settings.

use marketnote::batch::{self, Manifest, Options, Shard};
use proptest::prelude::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples")
}

fn data(name: &str) -> String {
    samples().join("data").join(name).display().to_string()
}

/// The shared part of a manifest: SPY as benchmark, two macro series, md + html + json.
fn defaults() -> String {
    format!(
        r#"[defaults]
benchmark = {{ symbol = "SPY", name = "SPDR S&P 500 ETF", bars = "{spy}" }}
output = {{ formats = ["md", "html", "json"] }}
signals = {{ history_start = "2010-01-04", anchor_year = 2024 }}

[[macro]]
id = "fed_funds"
file = "{ff}"
supportive_when = "falling"
release_lag_days = 32

[[macro]]
id = "hy_oas"
file = "{oas}"
supportive_when = "falling"
"#,
        spy = data("SPY.csv"),
        ff = data("FEDFUNDS.csv"),
        oas = data("BAMLH0A0HYM2.csv"),
    )
}

fn symbol(sym: &str, bars: &str) -> String {
    format!("\n[[symbol]]\nsymbol = \"{sym}\"\nname = \"{sym} <fund> & co\"\nbars = \"{bars}\"\n")
}

/// IWM's file with line 14, column 3 (High) replaced by text.
fn broken_copy(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(samples().join("data/IWM.csv")).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut cells: Vec<String> = lines[13].split(',').map(str::to_string).collect();
    cells[2] = "n/a?".into();
    lines[13] = cells.join(",");
    let p = dir.join("XYZ.csv");
    std::fs::write(&p, lines.join("\n") + "\n").unwrap();
    p
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_marketnote"))
}

fn index_json(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join("index.json")).unwrap()).unwrap()
}

fn symbols_of(v: &serde_json::Value) -> BTreeSet<String> {
    ["ranking", "failures"]
        .iter()
        .flat_map(|k| v[k].as_array().unwrap().iter().map(|r| r["symbol"].as_str().unwrap().to_string()))
        .collect()
}

#[test]
fn one_broken_symbol_fails_alone_and_the_index_links_the_rest() {
    let t = tempfile::tempdir().unwrap();
    let broken = broken_copy(t.path());
    let mut m = defaults();
    for s in ["IWM", "QQQ", "SPY"] {
        m.push_str(&symbol(s, &data(&format!("{s}.csv"))));
    }
    m.push_str(&symbol("XYZ", &broken.display().to_string()));
    let manifest = t.path().join("universe.toml");
    std::fs::write(&manifest, m).unwrap();
    let out = t.path().join("out");

    let o = bin().arg("batch").arg(&manifest).arg("-o").arg(&out).args(["-j", "2"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    // Plain progress lines (stderr is not a terminal here), then the summary naming the cell.
    for s in ["IWM ok", "QQQ ok", "SPY ok", "XYZ failed"] {
        assert!(stderr.contains(s), "{s}: {stderr}");
    }
    assert!(stderr.contains("[4/4]"), "{stderr}");
    assert!(stderr.contains("3 ok, 1 failed: XYZ ("), "{stderr}");
    assert!(stderr.contains("XYZ.csv:14:3"), "{stderr}");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("index.html"), "{stdout}");

    for s in ["IWM", "QQQ", "SPY"] {
        for f in ["note.md", "note.html", "signals.json", "charts/weekly.png"] {
            assert!(out.join(s).join(f).is_file(), "{s}/{f}");
        }
    }
    assert!(!out.join("XYZ").exists(), "a failed symbol leaves no folder");

    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    let mut links = Vec::new();
    for part in html.split("href=\"").skip(1) {
        links.push(part.split('"').next().unwrap().to_string());
    }
    assert_eq!(links.len(), 3, "{links:?}");
    for l in &links {
        assert!(out.join(l).is_file(), "dangling link {l}");
    }
    // Every value is escaped; the failure is listed with its cell.
    assert!(html.contains("IWM &lt;fund&gt; &amp; co"), "names are escaped");
    assert!(!html.contains("<fund>"));
    assert!(html.contains("XYZ.csv:14:3"));
    assert!(!html.contains("http://") && !html.contains("https://"), "self-contained");

    let j = index_json(&out);
    assert_eq!(j["ok"], 3);
    assert_eq!(j["failed"], 1);
    // Ranked by the score as printed (two decimals), then by symbol, as the page says (issue 13).
    let ranked: Vec<(f64, String)> = j["ranking"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let printed: f64 = format!("{:.2}", r["score"].as_f64().unwrap()).parse().unwrap();
            (printed + 0.0, r["symbol"].as_str().unwrap().to_string())
        })
        .collect();
    assert!(
        ranked.windows(2).all(|w| w[0].0 > w[1].0 || w[0].0 == w[1].0 && w[0].1 < w[1].1),
        "ranked by printed score, then symbol: {ranked:?}"
    );
    assert!(html.contains("equal scores in symbol order (A to Z)"), "the page states the rule");
    let iwm = j["ranking"].as_array().unwrap().iter().find(|r| r["symbol"] == "IWM").unwrap();
    let pct = iwm["rs_pct"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&pct));
    assert!(j["failures"][0]["error"].as_str().unwrap().contains("XYZ.csv:14:3"));
    // Every note has the same as-of (each symbol's last session), so the index states it (review
    // 26 found `"as_of": null`), as its page does.
    let dates: BTreeSet<&str> =
        j["ranking"].as_array().unwrap().iter().map(|r| r["as_of"].as_str().unwrap()).collect();
    assert_eq!(dates.len(), 1, "{dates:?}");
    assert_eq!(j["as_of"].as_str(), dates.first().copied());
    assert!(html.contains(&format!("as of {}", dates.first().unwrap())), "{html}");
    // A neutral stance states no conviction (review 26: "NEUTRAL, low conviction" on every row).
    for r in j["ranking"].as_array().unwrap() {
        assert_eq!(r["conviction"].is_null(), r["stance"] == "neutral", "{r}");
    }
    assert!(!html.contains("NEUTRAL</span>, "), "{html}");

    // A second run into the same folder is allowed (it is a batch folder) and gives the same bytes.
    let before = std::fs::read(out.join("IWM/note.html")).unwrap();
    let index_before = std::fs::read(out.join("index.json")).unwrap();
    let o2 = bin().arg("batch").arg(&manifest).arg("-o").arg(&out).args(["-j", "1"]).output().unwrap();
    assert_eq!(o2.status.code(), Some(2));
    assert_eq!(before, std::fs::read(out.join("IWM/note.html")).unwrap());
    assert_eq!(index_before, std::fs::read(out.join("index.json")).unwrap());
}

#[test]
fn batch_note_equals_render_for_the_same_settings() {
    let t = tempfile::tempdir().unwrap();
    let mut m = defaults();
    m.push_str(&symbol("IWM", &data("IWM.csv")));
    let manifest = t.path().join("u.toml");
    std::fs::write(&manifest, &m).unwrap();
    let out = t.path().join("out");
    let man = Manifest::load(&manifest).unwrap();
    let s = batch::run_manifest(
        &man,
        &Options {
            output: out.clone(),
            jobs: Some(1),
            shard: None,
            as_of: None,
            progress: Some(false),
            base_rates: true,
        },
    )
    .unwrap();
    assert_eq!(s.exit_code(), 0);

    // The same note as a note.toml, computed by the single-note path.
    let note = format!(
        "{}\n[instrument]\nsymbol = \"IWM\"\nname = \"IWM <fund> & co\"\nbars = \"{}\"\n",
        m.split("\n[[symbol]]").next().unwrap().replace("[defaults]\n", ""),
        data("IWM.csv")
    );
    let cfg = marketnote::config::NoteConfig::parse(&note, &t.path().join("note.toml")).unwrap();
    let ds = marketnote::data::load(&cfg).unwrap();
    let a = marketnote::analyze_note(&cfg, ds, None).unwrap();
    let mut want = serde_json::to_vec_pretty(&marketnote::document::document(&a)).unwrap();
    want.push(b'\n');
    assert_eq!(std::fs::read(out.join("IWM/signals.json")).unwrap(), want);
}

#[test]
fn shards_are_disjoint_and_cover_the_manifest_end_to_end() {
    let t = tempfile::tempdir().unwrap();
    // Thirty symbols whose bar files are missing: each fails fast, and the shard's index lists it.
    let mut m = String::from("[defaults]\n");
    let all: BTreeSet<String> = (0..30).map(|i| format!("S{i:02}")).collect();
    for s in &all {
        m.push_str(&symbol(s, &format!("missing/{s}.csv")));
    }
    let manifest = t.path().join("u.toml");
    std::fs::write(&manifest, m).unwrap();
    let mut seen = BTreeSet::new();
    for k in 1..=3 {
        let out = t.path().join(format!("shard{k}"));
        let o = bin()
            .arg("batch")
            .arg(&manifest)
            .arg("-o")
            .arg(&out)
            .args(["--shard", &format!("{k}/3")])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stderr));
        let j = index_json(&out);
        assert_eq!(j["shard"]["k"], k);
        assert_eq!(j["manifest_symbols"], 30);
        let mine = symbols_of(&j);
        assert!(!mine.is_empty(), "shard {k} is empty");
        for s in &mine {
            assert!(seen.insert(s.clone()), "{s} in two shards");
            assert!(Shard { k, n: 3 }.contains(s));
        }
        let err = j["failures"][0]["error"].as_str().unwrap();
        assert!(err.contains("symbol[") && err.contains("file not found"), "{err}");
    }
    assert_eq!(seen, all);
    let bad =
        bin().arg("batch").arg(&manifest).arg("-o").arg(t.path().join("x")).args(["--shard", "4/3"]).output();
    assert_eq!(bad.unwrap().status.code(), Some(2));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn shards_partition_any_symbol_list(
        syms in proptest::collection::btree_set("[A-Z][A-Z0-9.^=-]{0,7}", 1..80),
        extra in proptest::collection::btree_set("[A-Z]{1,5}", 0..20),
        n in 1u64..9,
    ) {
        let owner = |s: &str| -> Vec<u64> { (1..=n).filter(|&k| Shard { k, n }.contains(s)).collect() };
        for s in &syms {
            // Exactly one shard holds each symbol: disjoint and covering.
            prop_assert_eq!(owner(s).len(), 1);
            // The owner depends on the symbol alone (case-insensitively), not on the list.
            prop_assert_eq!(owner(s), owner(&s.to_ascii_lowercase()));
        }
        // Adding symbols moves no existing one.
        let before: Vec<Vec<u64>> = syms.iter().map(|s| owner(s)).collect();
        let mut grown = syms.clone();
        grown.extend(extra);
        let after: Vec<Vec<u64>> = syms.iter().map(|s| owner(s)).collect();
        prop_assert_eq!(before, after);
        prop_assert!(grown.len() >= syms.len());
    }
}

#[test]
fn symbols_that_could_escape_the_output_are_rejected() {
    let t = tempfile::tempdir().unwrap();
    for evil in ["../evil", "a/b", "..", "/etc", ".hidden"] {
        let mut m = defaults();
        m.push_str(&symbol("IWM", &data("IWM.csv")));
        m.push_str(&symbol(evil, &data("QQQ.csv")));
        let manifest = t.path().join("evil.toml");
        std::fs::write(&manifest, m).unwrap();
        let out = t.path().join("out").join("inner");
        let o = bin().arg("batch").arg(&manifest).arg("-o").arg(&out).output().unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{evil}: {stderr}");
        assert!(stderr.contains("symbol[1].symbol"), "{evil}: {stderr}");
        assert!(!out.exists(), "nothing written for a bad manifest");
        assert!(!t.path().join("out").join("evil").exists());
    }
}

#[test]
fn duplicate_symbols_and_foreign_output_folders_are_refused() {
    let t = tempfile::tempdir().unwrap();
    let mut m = defaults();
    m.push_str(&symbol("IWM", &data("IWM.csv")));
    m.push_str(&symbol("iwm", &data("IWM.csv")));
    let manifest = t.path().join("dup.toml");
    std::fs::write(&manifest, m).unwrap();
    let e = Manifest::load(&manifest).unwrap_err();
    assert_eq!(e.exit_code(), 2);
    assert!(e.to_string().contains("symbol[1].symbol"), "{e}");

    let mut m = defaults();
    m.push_str(&symbol("IWM", &data("IWM.csv")));
    std::fs::write(&manifest, m).unwrap();
    let foreign = t.path().join("mine");
    std::fs::create_dir(&foreign).unwrap();
    std::fs::write(foreign.join("thesis.docx"), "precious").unwrap();
    let man = Manifest::load(&manifest).unwrap();
    let e = batch::run_manifest(
        &man,
        &Options {
            output: foreign.clone(),
            jobs: Some(1),
            shard: None,
            as_of: None,
            progress: Some(false),
            base_rates: false,
        },
    )
    .unwrap_err();
    assert_eq!(e.exit_code(), 2);
    assert_eq!(std::fs::read_to_string(foreign.join("thesis.docx")).unwrap(), "precious");
}

#[test]
fn shared_settings_errors_name_the_manifest_key() {
    let t = tempfile::tempdir().unwrap();
    let manifest = t.path().join("u.toml");
    let cases = [
        ("[defaults]\nbenchmark = { symbol = \"SPY\", bars = \"nope.csv\" }\n", "defaults.benchmark.bars"),
        ("[defaults]\ncolour = 1\n", "defaults"),
        ("[[macro]]\nid = \"x\"\nfile = \"nope.csv\"\n", "macro[0].file"),
        ("[defaults]\ninstrument = { symbol = \"A\", bars = \"a.csv\" }\n", "defaults.instrument"),
        ("[[symbol]]\nsymbol = \"A\"\nbars = \"a.csv\"\ncolour = 2\n", "symbol[0]"),
    ];
    for (text, key) in cases {
        std::fs::write(&manifest, format!("{text}\n[[symbol]]\nsymbol = \"Z\"\nbars = \"z.csv\"\n")).unwrap();
        let r = Manifest::load(&manifest).and_then(|m| m.shared_config().map(|_| ()));
        let e = r.unwrap_err();
        assert_eq!(e.exit_code(), 2, "{text}");
        assert!(e.to_string().contains(key), "{key}: {e}");
    }
}

#[test]
fn csv_manifest_with_sibling_settings() {
    let t = tempfile::tempdir().unwrap();
    std::fs::write(t.path().join("u.toml"), defaults()).unwrap();
    let csv = t.path().join("u.csv");
    std::fs::write(&csv, format!("symbol,name,bars\n# the tech fund\nQQQ,Invesco QQQ,{}\n", data("QQQ.csv")))
        .unwrap();
    let man = Manifest::load(&csv).unwrap();
    assert_eq!(man.entries.len(), 1);
    let cfg = man.config_for(&man.entries[0]).unwrap();
    assert_eq!(cfg.benchmark.as_ref().unwrap().symbol, "SPY");
    assert_eq!(cfg.macros.len(), 2);
    assert_eq!(cfg.instrument.name.as_deref(), Some("Invesco QQQ"));

    // A missing bar file fails that symbol with its CSV line.
    std::fs::write(&csv, "symbol,bars\nQQQ,missing.csv\n").unwrap();
    let man = Manifest::load(&csv).unwrap();
    let e = man.config_for(&man.entries[0]).unwrap_err().to_string();
    assert!(e.contains("u.csv:2"), "{e}");
}

#[test]
fn the_index_is_a_template_that_escapes_values_and_can_be_overridden() {
    let t = tempfile::tempdir().unwrap();
    let mut m = defaults();
    m.push_str(&format!(
        "\n[[symbol]]\nsymbol = \"IWM\"\nname = \"<script>alert('x')</script>\"\nbars = \"{}\"\n",
        data("IWM.csv")
    ));
    let manifest = t.path().join("universe.toml");
    std::fs::write(&manifest, &m).unwrap();
    let out = t.path().join("out");
    let o = bin().arg("batch").arg(&manifest).arg("-o").arg(&out).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(!html.contains("<script"), "{html}");
    assert!(html.contains("<td>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</td>"), "{html}");
    assert!(html.contains("<a href=\"IWM/note.html\">IWM</a>"), "{html}");

    // The manifest's template folder overrides the index template like the note templates.
    let tpl = t.path().join("tpl");
    std::fs::create_dir(&tpl).unwrap();
    std::fs::write(
        tpl.join("batch-index.html.tera"),
        "{% for r in rows %}{{ r.name }} {{ r.href }}{% endfor %}\n",
    )
    .unwrap();
    std::fs::write(&manifest, format!("templates = \"tpl\"\n{m}")).unwrap();
    let o = bin().arg("batch").arg(&manifest).arg("-o").arg(&out).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert_eq!(html, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; IWM/note.html\n");
}
