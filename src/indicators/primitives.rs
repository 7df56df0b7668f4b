//! Shared primitives of SIGNALS.md §3.

/// ramp(x,a,b) = clamp((x-a)/(b-a), 0, 1); decreasing when a > b.
pub fn ramp(x: f64, a: f64, b: f64) -> f64 {
    let _ = (x, a, b);
    todo!()
}

// ---------------------------------------------------------------------------------------------
// Placeholder signatures (sigdaily branch) so signal code compiles before the `indicators`
// branch lands. On merge, the indicators engineer's implementations replace everything below.
// ---------------------------------------------------------------------------------------------

/// pctrank over the last w values ending at t inclusive; None if n < ceil(w/2).
pub fn pctrank(x: &[f64], t: usize, w: usize) -> Option<f64> {
    let _ = (x, t, w);
    todo!()
}
/// OLS fit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ols {
    /// Slope per bar.
    pub slope: f64,
    /// Intercept.
    pub intercept: f64,
    /// r².
    pub r2: f64,
}
/// OLS of y on 0..n.
pub fn ols(y: &[f64]) -> Option<Ols> {
    let _ = y;
    todo!()
}
/// OLS of y on x.
pub fn ols_xy(x: &[f64], y: &[f64]) -> Option<Ols> {
    let _ = (x, y);
    todo!()
}
/// Fitted % change over the last n values.
pub fn logtrend(y: &[f64], n: usize) -> Option<f64> {
    let _ = (y, n);
    todo!()
}
/// Confirmed pivot highs by t, ascending.
pub fn pivot_highs(high: &[f64], left: usize, right: usize, t: usize) -> Vec<usize> {
    let _ = (high, left, right, t);
    todo!()
}
/// Confirmed pivot lows by t, ascending.
pub fn pivot_lows(low: &[f64], left: usize, right: usize, t: usize) -> Vec<usize> {
    let _ = (low, left, right, t);
    todo!()
}
/// Close position in the bar's range.
pub fn close_position(h: f64, l: f64, c: f64) -> f64 {
    let _ = (h, l, c);
    todo!()
}
/// A drawdown episode.
#[derive(Debug, Clone, PartialEq)]
pub struct Episode {
    /// Start index.
    pub start: usize,
    /// Running max at start.
    pub peak: f64,
    /// Trough index.
    pub trough_idx: usize,
    /// Min low.
    pub trough: f64,
    /// End index.
    pub end: Option<usize>,
    /// peak - trough.
    pub depth: f64,
    /// depth / (peak - L_s).
    pub retrace: f64,
    /// Bars peak to trough.
    pub down_bars: usize,
    /// Bars trough to half recovery.
    pub recov_bars: Option<usize>,
}
/// Drawdown episodes on closes from s to t.
pub fn drawdown_episodes(high: &[f64], low: &[f64], close: &[f64], s: usize, t: usize) -> Vec<Episode> {
    let _ = (high, low, close, s, t);
    todo!()
}
/// A merged level.
#[derive(Debug, Clone, PartialEq)]
pub struct Level {
    /// Price.
    pub price: f64,
    /// Sources.
    pub sources: Vec<String>,
}
/// Merge levels within 0.25 ATR.
pub fn merge_levels(levels: Vec<(f64, String)>, atr: f64) -> Vec<Level> {
    let _ = (levels, atr);
    todo!()
}
/// A volume profile.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// Low.
    pub lo: f64,
    /// High.
    pub hi: f64,
    /// Bin volumes.
    pub bins: Vec<f64>,
    /// POC price.
    pub poc: f64,
    /// HVN prices.
    pub hvn: Vec<f64>,
}
/// Volume profile.
pub fn volume_profile(high: &[f64], low: &[f64], volume: &[f64], bins: usize) -> Option<Profile> {
    let _ = (high, low, volume, bins);
    todo!()
}
/// Median of the finite values.
pub fn median(x: &[f64]) -> Option<f64> {
    let _ = x;
    todo!()
}
