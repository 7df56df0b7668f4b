//! Replays every input the fuzzers (`fuzz/`) ever flagged, kept in
//! `tests/fixtures/fuzz_regressions/{bars,macro,config}/`, with the same checks as the fuzz
//! targets: no panic, `Ok` with sane output or an exit-2 error whose message is one line.

use marketnote::config::{MacroConfig, NoteConfig};
use marketnote::data::bars::parse_bars;
use marketnote::data::macros::parse_macro;
use marketnote::data::Transform;
use marketnote::error::Error;
use std::path::{Path, PathBuf};

fn inputs(kind: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz_regressions").join(kind);
    let mut v: Vec<_> = match std::fs::read_dir(&dir) {
        Ok(rd) => rd.map(|e| e.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    };
    v.sort();
    v.into_iter().map(|p| (p.clone(), std::fs::read(&p).unwrap())).collect()
}

fn check_err(e: &Error, what: &Path) {
    assert_eq!(e.exit_code(), 2, "{}: {e}", what.display());
    let msg = e.to_string();
    assert!(!msg.contains('\n') && !msg.contains('\r'), "{}: multi-line message {msg:?}", what.display());
}

#[test]
fn bar_inputs_never_panic() {
    let all = inputs("bars");
    assert!(!all.is_empty(), "the bars regression folder is empty");
    for (p, bytes) in all {
        for adjust in [false, true] {
            let r = std::panic::catch_unwind(|| parse_bars(&bytes, Path::new("fuzz.csv"), adjust));
            match r.unwrap_or_else(|_| panic!("{} panicked", p.display())) {
                Ok((bars, report)) => {
                    assert_eq!(report.rows, bars.len());
                    assert!(bars.date.windows(2).all(|w| w[0] < w[1]), "{}", p.display());
                    assert!((0..bars.len()).all(|i| bars.high[i] >= bars.low[i]), "{}", p.display());
                }
                Err(e) => check_err(&e, &p),
            }
        }
    }
}

/// The macro fuzz target's layout: the first byte picks the config variant, the rest is the file.
fn macro_case(data: &[u8]) -> (MacroConfig, &[u8]) {
    let (sel, body) = match data.split_first() {
        Some((s, b)) => (*s, b),
        None => (0, data),
    };
    let cfg = MacroConfig {
        id: if sel & 1 == 0 { "cpi".into() } else { "x".into() },
        file: PathBuf::from("fuzz.csv"),
        label: None,
        transform: Transform::Level,
        supportive_when: None,
        release_lag_days: if sel & 2 == 0 { None } else { Some(i64::from(sel)) },
        column: if sel & 4 == 0 { None } else { Some("VALUE".into()) },
        ..Default::default()
    };
    (cfg, body)
}

#[test]
fn macro_inputs_never_panic() {
    for (p, bytes) in inputs("macro") {
        let (cfg, body) = macro_case(&bytes);
        let r = std::panic::catch_unwind(|| parse_macro(body, Path::new("fuzz.csv"), &cfg));
        match r.unwrap_or_else(|_| panic!("{} panicked", p.display())) {
            Ok((s, _)) => {
                assert!(s.obs.windows(2).all(|w| w[0].period < w[1].period), "{}", p.display());
                assert!(s.obs.iter().all(|o| o.value.is_finite()), "{}", p.display());
            }
            Err(e) => check_err(&e, &p),
        }
    }
}

#[test]
fn config_inputs_never_panic() {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/fuzz.toml");
    for (p, bytes) in inputs("config") {
        let Ok(text) = std::str::from_utf8(&bytes) else { continue };
        let r = std::panic::catch_unwind(|| NoteConfig::parse(text, &base));
        match r.unwrap_or_else(|_| panic!("{} panicked", p.display())) {
            Ok(cfg) => assert!(
                cfg.signals.long_threshold > cfg.signals.short_threshold,
                "{}: thresholds accepted out of order",
                p.display()
            ),
            Err(e) => check_err(&e, &p),
        }
    }
}
