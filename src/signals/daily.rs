//! Signals F1–F4: the daily chart (stacked-level reclaim, volume thrust, shallow pullbacks, no distribution).

use super::{SignalInput, SignalResult};

/// Evaluates this family's signals.
pub fn evaluate(input: &SignalInput) -> Vec<SignalResult> {
    let _ = input;
    Vec::new()
}
