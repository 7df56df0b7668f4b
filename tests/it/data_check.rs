//! `marketnote check` end to end, `data::load`, and config errors that name the key path.

use marketnote::config::NoteConfig;
use marketnote::data;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn check(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_marketnote")).arg("check").args(args).output().expect("run marketnote")
}

/// Writes `toml` as `note.toml` in a temp dir with the sample data reachable as `data/`.
fn config_dir(toml: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    for entry in std::fs::read_dir(root().join("samples/data")).unwrap() {
        let p = entry.unwrap().path();
        std::fs::copy(&p, data.join(p.file_name().unwrap())).unwrap();
    }
    let bad = root().join("tests/fixtures/data/bad");
    for name in ["bad_number.csv", "macro_all_missing.csv"] {
        std::fs::copy(bad.join(name), data.join(name)).unwrap();
    }
    let path = dir.path().join("note.toml");
    std::fs::write(&path, toml).unwrap();
    (dir, path)
}

const BASE: &str = "[instrument]\nsymbol = \"IWM\"\nbars = \"data/IWM.csv\"\n";

#[test]
fn check_sample_exits_0_with_report() {
    let out = check(&[root().join("samples/iwm.toml").to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    for role in ["instrument", "benchmark", "macro:fed_funds", "macro:cpi", "macro:hy_oas"] {
        assert!(stdout.contains(role), "{stdout}");
    }
    assert!(
        stdout.contains("IWM.csv") && stdout.contains("6598") && stdout.contains("2026-08-21"),
        "{stdout}"
    );
    assert!(stdout.contains("8 files"), "{stdout}");
}

#[test]
fn check_is_deterministic() {
    let cfg = root().join("samples/iwm.toml");
    let a = check(&[cfg.to_str().unwrap()]);
    let b = check(&[cfg.to_str().unwrap()]);
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn check_bad_data_exits_2_with_one_line() {
    let (_dir, cfg) = config_dir("[instrument]\nsymbol = \"X\"\nbars = \"data/bad_number.csv\"\n");
    let out = check(&[cfg.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("bad_number.csv:3:5: bad number `19x4.20`"), "{stderr}");
    assert!(out.stdout.is_empty());
}

#[test]
fn check_bad_macro_exits_2() {
    let (_dir, cfg) =
        config_dir(&format!("{BASE}[[macro]]\nid = \"dgs10\"\nfile = \"data/macro_all_missing.csv\"\n"));
    let out = check(&[cfg.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("macro_all_missing.csv: no numeric values"));
}

#[test]
fn unknown_key_names_its_path() {
    let (_dir, cfg) = config_dir(&format!(
        "{BASE}[[macro]]\nid = \"cpi\"\nfile = \"data/CPIAUCSL.csv\"\n[[macro]]\nid = \"unrate\"\nfile = \"data/UNRATE.csv\"\nlable = \"x\"\n"
    ));
    let out = check(&[cfg.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("`macro[1].lable`") && stderr.contains("unknown field"), "{stderr}");
}

#[test]
fn missing_file_names_its_key() {
    let (_dir, cfg) = config_dir(&format!("{BASE}[[macro]]\nid = \"cpi\"\nfile = \"data/NOPE.csv\"\n"));
    let out = check(&[cfg.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("`macro[0].file`") && stderr.contains("NOPE.csv"), "{stderr}");
}

#[test]
fn load_keeps_config_order_and_roles() {
    let (_dir, cfg) = config_dir(&format!(
        "{BASE}[benchmark]\nsymbol = \"SPY\"\nbars = \"data/SPY.csv\"\n[mid_cap]\nsymbol = \"QQQ\"\nbars = \"data/QQQ.csv\"\n\
         [[macro]]\nid = \"unrate\"\nfile = \"data/UNRATE.csv\"\n[[macro]]\nid = \"cpi\"\nfile = \"data/CPIAUCSL.csv\"\nlabel = \"CPI\"\n"
    ));
    let cfg = NoteConfig::load(&cfg).unwrap();
    let ds = data::load(&cfg).unwrap();
    let roles: Vec<_> = ds.quality.iter().map(|r| r.role.as_str()).collect();
    assert_eq!(roles, ["instrument", "benchmark", "mid_cap", "macro:unrate", "macro:cpi"]);
    assert_eq!(ds.instrument.name, "IWM", "name defaults to the symbol");
    assert_eq!(ds.benchmark.as_ref().unwrap().symbol, "SPY");
    assert_eq!(ds.macros.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(), ["unrate", "cpi"]);
    assert_eq!(ds.macro_series("cpi").unwrap().label, "CPI");
    assert_eq!(ds.macro_series("cpi").unwrap().release_lag_days, 45);
    assert_eq!(ds.macro_series("unrate").unwrap().release_lag_days, 36);
    assert_eq!(ds.quality[0].rows, ds.instrument.bars.len());
}

#[test]
fn benchmark_without_common_dates_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let bars = "date,open,high,low,close,volume\n";
    std::fs::write(dir.path().join("a.csv"), format!("{bars}2024-01-02,1,2,1,2,5\n2024-01-03,1,2,1,2,5\n"))
        .unwrap();
    std::fs::write(dir.path().join("b.csv"), format!("{bars}2023-01-03,1,2,1,2,5\n")).unwrap();
    let path = dir.path().join("note.toml");
    std::fs::write(
        &path,
        "[instrument]\nsymbol = \"A\"\nbars = \"a.csv\"\n[benchmark]\nsymbol = \"B\"\nbars = \"b.csv\"\n",
    )
    .unwrap();
    let out = check(&[path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("`benchmark.bars`") && stderr.contains("no date in common"), "{stderr}");
}
