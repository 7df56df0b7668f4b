//! Signals E1–E4: the 3-day chart, each computed for phases 0, 1, 2 (phase robustness).

use super::{SignalInput, SignalResult};

/// Evaluates this family's signals.
pub fn evaluate(input: &SignalInput) -> Vec<SignalResult> {
    let _ = input;
    Vec::new()
}
