//! Signals A1 `rs_small_cap_lag_ending`, A2 `rs_cap_ladder_rotation`, G1 `rs_large_cap_wave_complete` (weekly, against the benchmark).

use super::{SignalInput, SignalResult};

/// Evaluates this family's signals.
pub fn evaluate(input: &SignalInput) -> Vec<SignalResult> {
    let _ = input;
    Vec::new()
}
