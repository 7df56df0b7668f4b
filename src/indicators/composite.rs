//! Multi-series indicators the signals and their cache read: the weekly compression test, the
//! TTM squeeze, the GMMA ribbon, D4's three MACD histograms and F1's moving averages. Pure and
//! causal (value `j` reads bars up to `j`), built from the TA-Lib-exact series of this module.

use super::primitives as p;
use super::{bandwidth, bbands, ema, keltner, macd, sma};
use crate::data::BarsView;

/// Per bar: BandWidth at or below the 20th percentile of the 104 weeks to date (at least 52
/// present); causal.
pub fn compressed(bw: &[f64]) -> Vec<bool> {
    (0..bw.len()).map(|j| bw[j].is_finite() && p::pctrank(bw, j, 104).is_some_and(|q| q <= 0.20)).collect()
}

/// Bollinger bandwidth (20, 2) and the TTM squeeze (Bollinger inside Keltner 20, 20, 1.5) of
/// weekly bars; causal.
pub fn squeeze(w: BarsView<'_>) -> (Vec<f64>, Vec<bool>) {
    let (c, h, l) = (&w.close, &w.high, &w.low);
    let bb = bbands(c, 20, 2.0);
    let bw = bandwidth(&bb);
    let kc = keltner(h, l, c, 20, 20, 1.5);
    let ttm_on: Vec<bool> =
        (0..w.len()).map(|j| bb.upper[j] < kc.upper[j] && bb.lower[j] > kc.lower[j]).collect();
    (bw, ttm_on)
}

/// The GMMA EMAs (3 … 60) of closes and their width (max − min)/close; causal.
pub fn gmma(c: &[f64]) -> (Vec<Vec<f64>>, Vec<f64>) {
    let periods = [3, 5, 8, 10, 12, 15, 30, 35, 40, 45, 50, 60];
    let emas: Vec<Vec<f64>> = periods.iter().map(|&k| ema(c, k)).collect();
    let width: Vec<f64> = (0..c.len())
        .map(|j| {
            let (mut mx, mut mn) = (f64::NEG_INFINITY, f64::INFINITY);
            for e in &emas {
                mx = mx.max(e[j]);
                mn = mn.min(e[j]);
            }
            if mx.is_finite() && mn.is_finite() && c[j] > 0.0 {
                (mx - mn) / c[j]
            } else {
                f64::NAN
            }
        })
        .collect();
    (emas, width)
}

/// The three MACD histograms of D4 (6/13/5, 12/26/9, 24/52/18); causal.
pub fn wave_hists(c: &[f64]) -> [Vec<f64>; 3] {
    [macd(c, 6, 13, 5).hist, macd(c, 12, 26, 9).hist, macd(c, 24, 52, 18).hist]
}

/// The moving averages F1 counts as levels: SMA 20, 50, 100, 200 and EMA 21 of closes; causal.
pub fn level_averages(c: &[f64]) -> [Vec<f64>; 5] {
    [sma(c, 20), sma(c, 50), sma(c, 100), sma(c, 200), ema(c, 21)]
}

/// F2's rank of session `d`'s volume among the 252 sessions ending at `d`: 1 + the number of
/// valid volumes strictly above it (ranks count from 1). Causal.
pub fn vol_rank252(v: &[f64], d: usize) -> usize {
    1 + v[d.saturating_sub(251)..=d].iter().filter(|&&x| super::vol_ok(x) && x > v[d]).count()
}
