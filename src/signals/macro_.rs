//! Signals B1–B5 macro and C1–C3 fundamentals (FRED and vendor series; "not assessed" when absent).

use super::{SignalInput, SignalResult};

/// Evaluates this family's signals.
pub fn evaluate(input: &SignalInput) -> Vec<SignalResult> {
    let _ = input;
    Vec::new()
}
