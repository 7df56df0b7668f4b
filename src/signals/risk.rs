//! Signals H1 `risk_lower_high`, H2 `risk_obv_underside_retest_fail`: the invalidation watch.

use super::{SignalInput, SignalResult};

/// Evaluates this family's signals.
pub fn evaluate(input: &SignalInput) -> Vec<SignalResult> {
    let _ = input;
    Vec::new()
}
