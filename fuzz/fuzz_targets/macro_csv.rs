//! Fuzz target: any bytes through `parse_macro` (with and without a named column) must return
//! `Ok` or an input error (exit code 2), never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use marketnote::config::MacroConfig;
use marketnote::data::macros::parse_macro;
use marketnote::data::Transform;
use std::path::{Path, PathBuf};

fuzz_target!(|data: &[u8]| {
    // The first byte picks the config variant; the rest is the file.
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
    match parse_macro(body, Path::new("fuzz.csv"), &cfg) {
        Ok((series, report)) => {
            assert!(!series.obs.is_empty());
            assert_eq!(report.rows, series.obs.len());
            assert!(series.obs.windows(2).all(|w| w[0].period < w[1].period));
            assert!(series.obs.iter().all(|o| o.value.is_finite() && o.release >= o.period));
        }
        Err(e) => {
            assert_eq!(e.exit_code(), 2, "{e}");
            assert!(!e.to_string().contains('\n'), "multi-line message: {e}");
        }
    }
});
