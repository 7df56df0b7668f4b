//! Signals D1–D4: the weekly chart (compression cluster reclaim, accumulation, volume trendline, momentum waves).

use super::{SignalInput, SignalResult};

/// Evaluates this family's signals.
pub fn evaluate(input: &SignalInput) -> Vec<SignalResult> {
    let _ = input;
    Vec::new()
}
