//! Shared primitives of SIGNALS.md §3.

/// ramp(x,a,b) = clamp((x-a)/(b-a), 0, 1); decreasing when a > b.
pub fn ramp(x: f64, a: f64, b: f64) -> f64 {
    let _ = (x, a, b);
    todo!()
}

// ---- Contract stubs (signatures agreed with the `indicators` branch; replaced when it lands) ----

/// Percentile rank of x[t] over the last w values ending at t (NaN skipped); None if n < ceil(w/2).
pub fn pctrank(x: &[f64], t: usize, w: usize) -> Option<f64> {
    let _ = (x, t, w);
    todo!()
}

/// Ordinary least squares fit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ols {
    /// Slope per step.
    pub slope: f64,
    /// Intercept.
    pub intercept: f64,
    /// Coefficient of determination.
    pub r2: f64,
}

/// OLS of y against 0..n.
pub fn ols(y: &[f64]) -> Option<Ols> {
    let _ = y;
    todo!()
}

/// OLS of y against x.
pub fn ols_xy(x: &[f64], y: &[f64]) -> Option<Ols> {
    let _ = (x, y);
    todo!()
}

/// Fitted % change of the log-linear trend over the last n values of y.
pub fn logtrend(y: &[f64], n: usize) -> Option<f64> {
    let _ = (y, n);
    todo!()
}

/// Pivot highs confirmed by t, ascending.
pub fn pivot_highs(high: &[f64], left: usize, right: usize, t: usize) -> Vec<usize> {
    let _ = (high, left, right, t);
    todo!()
}

/// Pivot lows confirmed by t, ascending.
pub fn pivot_lows(low: &[f64], left: usize, right: usize, t: usize) -> Vec<usize> {
    let _ = (low, left, right, t);
    todo!()
}

/// Close position in the bar's range.
pub fn close_position(h: f64, l: f64, c: f64) -> f64 {
    let _ = (h, l, c);
    todo!()
}

/// Strong bull candle.
pub fn strong_bull(o: f64, h: f64, l: f64, c: f64, atr_prev: f64) -> bool {
    let _ = (o, h, l, c, atr_prev);
    todo!()
}

/// Strong bear candle.
pub fn strong_bear(o: f64, h: f64, l: f64, c: f64, atr_prev: f64) -> bool {
    let _ = (o, h, l, c, atr_prev);
    todo!()
}

/// Histogram wave state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaveState {
    /// Expanding up.
    EU,
    /// Contracting up.
    CU,
    /// Contracting down.
    CD,
    /// Expanding down.
    ED,
}

/// Wave state per bar.
pub fn wave_states(h: &[f64]) -> Vec<Option<WaveState>> {
    let _ = h;
    todo!()
}

/// A same-sign run of the histogram.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Wave {
    /// First bar.
    pub start: usize,
    /// Last bar.
    pub end: usize,
    /// Sign.
    pub positive: bool,
    /// max |h|.
    pub amplitude: f64,
    /// Bar of max |h|.
    pub peak_idx: usize,
}

/// The waves of h.
pub fn waves(h: &[f64]) -> Vec<Wave> {
    let _ = h;
    todo!()
}

/// Median of the finite values.
pub fn median(x: &[f64]) -> Option<f64> {
    let _ = x;
    todo!()
}
