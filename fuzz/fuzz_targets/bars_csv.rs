//! Fuzz target: any bytes through `parse_bars` (both `adjust` settings) must return `Ok` or an
//! input error (exit code 2), never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use marketnote::data::bars::parse_bars;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    for adjust in [false, true] {
        match parse_bars(data, Path::new("fuzz.csv"), adjust) {
            Ok((bars, report)) => {
                assert!(!bars.is_empty());
                assert_eq!(report.rows, bars.len());
                assert!(bars.date.windows(2).all(|w| w[0] < w[1]), "dates not strictly ascending");
                for i in 0..bars.len() {
                    let b = bars.bar(i);
                    assert!(
                        b.open.is_finite() && b.high.is_finite() && b.low.is_finite() && b.close.is_finite()
                    );
                    assert!(b.high >= b.low, "high < low at {i}");
                }
            }
            Err(e) => {
                assert_eq!(e.exit_code(), 2, "{e}");
                assert!(!e.to_string().contains('\n'), "multi-line message: {e}");
            }
        }
    }
});
