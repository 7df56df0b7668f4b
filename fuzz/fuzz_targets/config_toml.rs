//! Fuzz target: any text through `NoteConfig::parse` must return `Ok` or a config error
//! (exit code 2, one line), never panic. Paths resolve against the repository's `samples/`, so
//! a mutated copy of the sample config can still get through validation.
#![no_main]

use libfuzzer_sys::fuzz_target;
use marketnote::config::NoteConfig;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples/fuzz.toml");
    match NoteConfig::parse(text, &path) {
        Ok(cfg) => {
            assert!(cfg.signals.long_threshold > cfg.signals.short_threshold);
        }
        Err(e) => {
            assert_eq!(e.exit_code(), 2, "{e}");
            assert!(!e.to_string().contains('\n'), "multi-line message: {e}");
        }
    }
});
