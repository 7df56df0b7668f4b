//! The `signals` command on the bundled sample: table and --json.

use crate::common::cli as run;

#[test]
fn table_lists_every_signal_then_stance_and_checklist() {
    let (code, out, err) = run(&["signals", "samples/iwm.toml", "--as-of", "2026-07-28"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("IWM vs SPY signals as of 2026-07-28"), "{out}");
    for id in ["macro_rate_cut_expectations", "d1_no_distribution", "risk_obv_underside_retest_fail"] {
        assert!(out.contains(id), "{id} missing:\n{out}");
    }
    assert!(out.contains("not assessed: no foreign flows data supplied"));
    assert!(out.contains("Score ") && out.contains("stance ") && out.contains("coverage "));
    assert!(out.contains("Structure "));
}

#[test]
fn json_document_is_complete_and_deterministic() {
    let (code, a, err) = run(&["signals", "samples/iwm.toml", "--as-of", "2026-07-28", "--json"]);
    assert_eq!(code, 0, "{err}");
    let (_, b, _) = run(&["signals", "samples/iwm.toml", "--as-of", "2026-07-28", "--json"]);
    assert_eq!(a, b);
    let v: serde_json::Value = serde_json::from_str(&a).unwrap();
    assert_eq!(v["schema"], 1);
    assert_eq!(v["as_of"], "2026-07-28");
    assert_eq!(v["instrument"]["symbol"], "IWM");
    assert_eq!(v["benchmark"]["symbol"], "SPY");
    let contrib: f64 = v["stance"]["contributions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["contribution"].as_f64().unwrap())
        .sum();
    assert!((contrib - v["stance"]["score"].as_f64().unwrap()).abs() < 1e-12);
    assert_eq!(v["checklist"]["items"].as_array().unwrap().len(), 4);
    let sigs = v["signals"].as_array().unwrap();
    assert!(sigs.iter().any(|s| s["id"] == "macro_inflation_cooling" && s["state"] != "unavailable"));
    for s in sigs {
        assert!(!s["sentence"].as_str().unwrap().is_empty());
        assert!(!s["sentence"].as_str().unwrap().contains("n/a"), "{}", s["sentence"]);
    }
}

#[test]
fn bad_as_of_exits_2() {
    let (code, _, err) = run(&["signals", "samples/iwm.toml", "--as-of", "1990-01-01"]);
    assert_eq!(code, 2, "{err}");
}

/// The signal table on the bundled sample, as of two dates, against checked-in snapshots that were
/// read and judged against the charts (a bearish mid-2022 and the latest data). Any change to a
/// signal's state, evidence or sentence shows up here as a diff. Re-record deliberately with
/// `MARKETNOTE_UPDATE_SNAPSHOTS=1 cargo test --release --test it signals_cli`.
#[test]
fn signal_table_snapshots_on_the_sample() {
    for date in ["2022-06-17", "2026-08-21"] {
        let (code, out, err) = run(&["signals", "samples/iwm.toml", "--as-of", date]);
        assert_eq!(code, 0, "{err}");
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(format!("tests/snapshots/signals_{date}.txt"));
        if std::env::var("MARKETNOTE_UPDATE_SNAPSHOTS").as_deref() == Ok("1") {
            std::fs::write(&path, &out).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(out == want, "signal table as of {date} differs from {}:\n{out}", path.display());
    }
}
