//! Indicators: pure functions over slices, linear time, TA-Lib conventions (SIGNALS.md §2).
//! Every series function returns a `Vec<f64>` of the input's length with `NaN` before its
//! lookback (warm-up), so index `i` always lines up with bar `i`.
//! Shared primitives of SIGNALS.md §3 (ramp, pctrank, OLS, pivots, candles, drawdown episodes,
//! level merge, volume profile, histogram waves) live in the submodules.

pub mod primitives;

/// Simple moving average; lookback n-1.
pub fn sma(x: &[f64], n: usize) -> Vec<f64> {
    let _ = (x, n);
    todo!()
}

/// Exponential moving average seeded with the SMA of the first n values; lookback n-1.
pub fn ema(x: &[f64], n: usize) -> Vec<f64> {
    let _ = (x, n);
    todo!()
}

/// MACD line, signal line and histogram.
#[derive(Debug, Clone, PartialEq)]
pub struct Macd {
    /// fast EMA - slow EMA (TA-Lib seeding: both seeds end on bar slow-1).
    pub macd: Vec<f64>,
    /// EMA(signal) of the MACD line.
    pub signal: Vec<f64>,
    /// macd - signal.
    pub hist: Vec<f64>,
}

/// TA-Lib MACD(fast, slow, signal); lookback (slow-1)+(signal-1).
pub fn macd(x: &[f64], fast: usize, slow: usize, signal: usize) -> Macd {
    let _ = (x, fast, slow, signal);
    todo!()
}

/// Wilder RSI; lookback n; 0.0 when average gain+loss is ~0 (TA-Lib).
pub fn rsi(x: &[f64], n: usize) -> Vec<f64> {
    let _ = (x, n);
    todo!()
}

/// Upper, middle and lower band series.
#[derive(Debug, Clone, PartialEq)]
pub struct Bands {
    /// Upper band.
    pub upper: Vec<f64>,
    /// Middle line.
    pub middle: Vec<f64>,
    /// Lower band.
    pub lower: Vec<f64>,
}

/// Bollinger bands: SMA(n) ± k·population stddev; lookback n-1.
pub fn bbands(x: &[f64], n: usize, k: f64) -> Bands {
    let _ = (x, n, k);
    todo!()
}

/// BandWidth (upper-lower)/middle.
pub fn bandwidth(b: &Bands) -> Vec<f64> {
    let _ = b;
    todo!()
}

/// Population standard deviation over n; lookback n-1.
pub fn stddev(x: &[f64], n: usize) -> Vec<f64> {
    let _ = (x, n);
    todo!()
}

/// True range; lookback 1 (index 0 is NaN).
pub fn true_range(high: &[f64], low: &[f64], close: &[f64]) -> Vec<f64> {
    let _ = (high, low, close);
    todo!()
}

/// Wilder ATR; lookback n.
pub fn atr(high: &[f64], low: &[f64], close: &[f64], n: usize) -> Vec<f64> {
    let _ = (high, low, close, n);
    todo!()
}

/// Keltner channel: EMA(close, n_ema) ± mult·ATR(n_atr) (TTM: 20, 20, 1.5).
pub fn keltner(high: &[f64], low: &[f64], close: &[f64], n_ema: usize, n_atr: usize, mult: f64) -> Bands {
    let _ = (high, low, close, n_ema, n_atr, mult);
    todo!()
}

/// On-balance volume, OBV[0] = V[0]; missing volume (<=0 or NaN) carries the prior value.
pub fn obv(close: &[f64], volume: &[f64]) -> Vec<f64> {
    let _ = (close, volume);
    todo!()
}

/// Chaikin accumulation/distribution line (TA-Lib AD).
pub fn ad(high: &[f64], low: &[f64], close: &[f64], volume: &[f64]) -> Vec<f64> {
    let _ = (high, low, close, volume);
    todo!()
}

/// Least-squares slope per bar over the last n values; lookback n-1.
pub fn linreg_slope(x: &[f64], n: usize) -> Vec<f64> {
    let _ = (x, n);
    todo!()
}

/// Rolling maximum over n (including the current bar); lookback n-1.
pub fn rolling_max(x: &[f64], n: usize) -> Vec<f64> {
    let _ = (x, n);
    todo!()
}

/// Rolling minimum over n; lookback n-1.
pub fn rolling_min(x: &[f64], n: usize) -> Vec<f64> {
    let _ = (x, n);
    todo!()
}

/// TA-Lib ROC: (x/x[-n] - 1)·100; lookback n.
pub fn roc(x: &[f64], n: usize) -> Vec<f64> {
    let _ = (x, n);
    todo!()
}
