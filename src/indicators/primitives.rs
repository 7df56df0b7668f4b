//! Shared primitives of SIGNALS.md §3.

/// ramp(x,a,b) = clamp((x-a)/(b-a), 0, 1); decreasing when a > b.
pub fn ramp(x: f64, a: f64, b: f64) -> f64 {
    let _ = (x, a, b);
    todo!()
}
