//! Indicators: pure functions over slices, linear time, TA-Lib conventions (SIGNALS.md §2).
//! Input: price/volume columns as `&[f64]`. Output: a `Vec<f64>` of the input's length with `NaN`
//! before its lookback (warm-up), so index `i` always lines up with bar `i`.
//!
//! Operation order follows the TA-Lib C source (default compatibility, unstable period 0) so
//! results match TA-Lib to the last bit or within 1e-9 relative.
//!
//! Missing values: like TA-Lib's Python wrapper, a leading `NaN` prefix is skipped and the
//! lookback counts from the first finite value. A `NaN` (or infinity) inside the series restarts
//! the indicator after it (the windows that contain it are `NaN` and recursive indicators
//! such as EMA, RSI and ATR are re-seeded), instead of poisoning every later value.
//! OBV and AD are the exceptions (SIGNALS.md §0): they carry the prior value over a bar with a
//! missing close or volume.
//!
//! Shared primitives of SIGNALS.md §3 (ramp, pctrank, OLS, pivots, candles, drawdown episodes,
//! level merge, volume profile, histogram waves) live in the submodules.

pub mod composite;
pub mod obv_line;
pub mod primitives;

use std::collections::VecDeque;

/// TA-Lib's `TA_IS_ZERO` epsilon (C library 0.6 and later: 1e-14).
pub const TA_EPSILON: f64 = 1e-14;

/// `TA_IS_ZERO(v)`.
fn is_zero(v: f64) -> bool {
    -TA_EPSILON < v && v < TA_EPSILON
}

/// Relative floor under which a running-sum variance is rounding noise: σ² ≤ 1e-12·mean(x²),
/// i.e. σ below one millionth of the price level.
pub const VAR_REL_EPSILON: f64 = 1e-12;

/// TA-Lib's `TA_IS_ZERO_OR_NEG` test on a variance, made scale-aware.
///
/// σ² = mean(x²) − mean² from running sums carries rounding noise of order 1e-16·mean(x²), so
/// a perfectly flat window would otherwise show σ ≈ 1e-6 at a price of 100. Treating
/// σ² ≤ max(1e-14, 1e-12·mean(x²)) as 0 returns σ = 0 on flat windows, as TA-Lib 0.4
/// (absolute eps 1e-8) and 0.6+ (exact arithmetic) both do; at a price of 100 the threshold is
/// the same σ < 1e-4 as TA-Lib 0.4.
fn variance_is_zero(var: f64, mean2: f64) -> bool {
    var < TA_EPSILON.max(VAR_REL_EPSILON * mean2.abs())
}

/// Calls `f(start, end)` for every maximal run `start..end` of indices where `valid` holds.
fn for_each_run(len: usize, valid: impl Fn(usize) -> bool, mut f: impl FnMut(usize, usize)) {
    let mut i = 0;
    while i < len {
        if !valid(i) {
            i += 1;
            continue;
        }
        let start = i;
        while i < len && valid(i) {
            i += 1;
        }
        f(start, i);
    }
}

/// Applies a single-input kernel to every finite run of `x`, into a NaN-filled output.
fn by_runs(x: &[f64], kernel: impl Fn(&[f64], &mut [f64])) -> Vec<f64> {
    let mut out = vec![f64::NAN; x.len()];
    for_each_run(x.len(), |i| x[i].is_finite(), |s, e| kernel(&x[s..e], &mut out[s..e]));
    out
}

/// True when bar `i` has finite high, low and close.
fn hlc_ok(high: &[f64], low: &[f64], close: &[f64], i: usize) -> bool {
    high[i].is_finite() && low[i].is_finite() && close[i].is_finite()
}

fn sma_kernel(x: &[f64], n: usize, out: &mut [f64]) {
    if n == 0 || x.len() < n {
        return;
    }
    let nf = n as f64;
    let mut total = 0.0;
    for &v in &x[..n - 1] {
        total += v;
    }
    for i in n - 1..x.len() {
        total += x[i];
        out[i] = total / nf;
        total -= x[i + 1 - n];
    }
}

/// Simple moving average; lookback n-1.
pub fn sma(x: &[f64], n: usize) -> Vec<f64> {
    by_runs(x, |x, o| sma_kernel(x, n, o))
}

/// TA-Lib `INT_EMA` over a run: seed = mean of the first n values at index n-1.
fn ema_kernel(x: &[f64], n: usize, out: &mut [f64]) {
    if n == 0 || x.len() < n {
        return;
    }
    let k = 2.0 / ((n + 1) as f64);
    let mut total = 0.0;
    for &v in &x[..n] {
        total += v;
    }
    let mut prev = total / n as f64;
    out[n - 1] = prev;
    for i in n..x.len() {
        prev = (x[i] - prev) * k + prev;
        out[i] = prev;
    }
}

/// Exponential moving average seeded with the SMA of the first n values; lookback n-1.
pub fn ema(x: &[f64], n: usize) -> Vec<f64> {
    by_runs(x, |x, o| ema_kernel(x, n, o))
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

/// TA-Lib `INT_MACD` over one finite run. `fast_buf` is scratch (NaN-filled on entry).
fn macd_kernel(
    x: &[f64],
    (fast, slow, signal): (usize, usize, usize),
    macd: &mut [f64],
    sig: &mut [f64],
    hist: &mut [f64],
) {
    let (fast, slow) = if slow < fast { (slow, fast) } else { (fast, slow) };
    if fast == 0 || signal == 0 || x.len() < slow + signal - 1 {
        return;
    }
    // Both EMA seeds are means of windows ending on bar slow-1.
    ema_kernel(&x[slow - fast..], fast, &mut sig[slow - fast..]);
    ema_kernel(x, slow, macd);
    for i in slow - 1..x.len() {
        macd[i] = sig[i] - macd[i];
        sig[i] = f64::NAN;
    }
    ema_kernel(&macd[slow - 1..], signal, &mut sig[slow - 1..]);
    let first = slow + signal - 2;
    for v in &mut macd[..first] {
        *v = f64::NAN;
    }
    for i in first..x.len() {
        hist[i] = macd[i] - sig[i];
    }
}

/// TA-Lib MACD(fast, slow, signal); lookback (slow-1)+(signal-1).
pub fn macd(x: &[f64], fast: usize, slow: usize, signal: usize) -> Macd {
    let n = x.len();
    let mut out = Macd { macd: vec![f64::NAN; n], signal: vec![f64::NAN; n], hist: vec![f64::NAN; n] };
    for_each_run(
        n,
        |i| x[i].is_finite(),
        |s, e| {
            macd_kernel(
                &x[s..e],
                (fast, slow, signal),
                &mut out.macd[s..e],
                &mut out.signal[s..e],
                &mut out.hist[s..e],
            )
        },
    );
    out
}

fn rsi_value(g: f64, l: f64) -> f64 {
    let t = g + l;
    if is_zero(t) {
        0.0
    } else {
        100.0 * (g / t)
    }
}

fn rsi_kernel(x: &[f64], n: usize, out: &mut [f64]) {
    if n == 0 || x.len() <= n {
        return;
    }
    let nf = n as f64;
    let nm1 = (n - 1) as f64;
    let (mut g, mut l) = (0.0, 0.0);
    let mut prev = x[0];
    for &v in &x[1..=n] {
        let d = v - prev;
        prev = v;
        if d < 0.0 {
            l -= d;
        } else {
            g += d;
        }
    }
    l /= nf;
    g /= nf;
    out[n] = rsi_value(g, l);
    for i in n + 1..x.len() {
        let d = x[i] - prev;
        prev = x[i];
        l *= nm1;
        g *= nm1;
        if d < 0.0 {
            l -= d;
        } else {
            g += d;
        }
        l /= nf;
        g /= nf;
        out[i] = rsi_value(g, l);
    }
}

/// Wilder RSI; lookback n; 0.0 when average gain+loss is ~0 (TA-Lib).
pub fn rsi(x: &[f64], n: usize) -> Vec<f64> {
    by_runs(x, |x, o| rsi_kernel(x, n, o))
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
///
/// TA-Lib `BBANDS(x, n, k, k, SMA)`: σ² = Σx²/n − SMA² from a running sum of squares,
/// and σ = 0 when σ² is below the scale-aware eps of [`VAR_REL_EPSILON`].
pub fn bbands(x: &[f64], n: usize, k: f64) -> Bands {
    let middle = sma(x, n);
    let mut upper = vec![f64::NAN; x.len()];
    let mut lower = vec![f64::NAN; x.len()];
    if n > 0 {
        let nf = n as f64;
        for_each_run(
            x.len(),
            |i| x[i].is_finite(),
            |s, e| {
                if e - s < n {
                    return;
                }
                let (x, mid) = (&x[s..e], &middle[s..e]);
                let mut total2 = 0.0;
                for &v in &x[..n - 1] {
                    total2 += v * v;
                }
                for i in n - 1..x.len() {
                    total2 += x[i] * x[i];
                    let mean2 = total2 / nf;
                    let old = x[i + 1 - n];
                    total2 -= old * old;
                    let var = mean2 - mid[i] * mid[i];
                    let sd = if variance_is_zero(var, mean2) { 0.0 } else { var.sqrt() };
                    let dev = if k == 1.0 { sd } else { sd * k };
                    upper[s + i] = mid[i] + dev;
                    lower[s + i] = mid[i] - dev;
                }
            },
        );
    }
    Bands { upper, middle, lower }
}

/// BandWidth (upper-lower)/middle.
///
/// Middle = 0: a positive width is capped at 10 and 0/0 is `NaN` (SIGNALS.md §0 ratios).
pub fn bandwidth(b: &Bands) -> Vec<f64> {
    b.upper
        .iter()
        .zip(&b.lower)
        .zip(&b.middle)
        .map(|((&u, &l), &m)| {
            let w = u - l;
            if m != 0.0 {
                w / m
            } else if w > 0.0 {
                10.0
            } else {
                f64::NAN
            }
        })
        .collect()
}

/// Population standard deviation over n; lookback n-1 (TA-Lib `STDDEV(x, n, 1)`).
pub fn stddev(x: &[f64], n: usize) -> Vec<f64> {
    by_runs(x, |x, out| {
        if n == 0 || x.len() < n {
            return;
        }
        let nf = n as f64;
        let (mut t1, mut t2) = (0.0, 0.0);
        for &v in &x[..n - 1] {
            t1 += v;
            t2 += v * v;
        }
        for i in n - 1..x.len() {
            let v = x[i];
            t1 += v;
            t2 += v * v;
            let m1 = t1 / nf;
            let m2 = t2 / nf;
            let old = x[i + 1 - n];
            t1 -= old;
            t2 -= old * old;
            let var = m2 - m1 * m1;
            out[i] = if variance_is_zero(var, m2) { 0.0 } else { var.sqrt() };
        }
    })
}

/// TA-Lib TRANGE for bar i >= 1.
fn tr_at(high: &[f64], low: &[f64], close: &[f64], i: usize) -> f64 {
    let (h, l, cy) = (high[i], low[i], close[i - 1]);
    let mut greatest = h - l;
    let v2 = (cy - h).abs();
    if v2 > greatest {
        greatest = v2;
    }
    let v3 = (cy - l).abs();
    if v3 > greatest {
        greatest = v3;
    }
    greatest
}

/// True range; lookback 1 (index 0 is NaN).
pub fn true_range(high: &[f64], low: &[f64], close: &[f64]) -> Vec<f64> {
    let n = high.len().min(low.len()).min(close.len());
    let mut out = vec![f64::NAN; high.len()];
    for_each_run(
        n,
        |i| hlc_ok(high, low, close, i),
        |s, e| {
            for (i, o) in out.iter_mut().enumerate().take(e).skip(s + 1) {
                *o = tr_at(high, low, close, i);
            }
        },
    );
    out
}

/// Wilder ATR; lookback n.
///
/// ATR[n] = mean(TR[1..=n]) summed in order, then `atr = (atr·(n−1) + TR)/n` (TA-Lib).
pub fn atr(high: &[f64], low: &[f64], close: &[f64], n: usize) -> Vec<f64> {
    let len = high.len().min(low.len()).min(close.len());
    let mut out = vec![f64::NAN; high.len()];
    if n == 0 {
        return out;
    }
    let nf = n as f64;
    let nm1 = (n - 1) as f64;
    for_each_run(
        len,
        |i| hlc_ok(high, low, close, i),
        |s, e| {
            if e - s <= n {
                return;
            }
            let mut total = 0.0;
            for i in s + 1..=s + n {
                total += tr_at(high, low, close, i);
            }
            let mut prev = total / nf;
            out[s + n] = prev;
            for (i, o) in out.iter_mut().enumerate().take(e).skip(s + n + 1) {
                prev *= nm1;
                prev += tr_at(high, low, close, i);
                prev /= nf;
                *o = prev;
            }
        },
    );
    out
}

/// Keltner channel: EMA(close, n_ema) ± mult·ATR(n_atr) (TTM: 20, 20, 1.5).
pub fn keltner(high: &[f64], low: &[f64], close: &[f64], n_ema: usize, n_atr: usize, mult: f64) -> Bands {
    let middle = ema(close, n_ema);
    let a = atr(high, low, close, n_atr);
    let upper = middle.iter().zip(&a).map(|(&m, &a)| m + mult * a).collect();
    let lower = middle.iter().zip(&a).map(|(&m, &a)| m - mult * a).collect();
    Bands { upper, middle, lower }
}

/// True when a volume counts as present (SIGNALS.md §0: V <= 0 or NaN is missing).
pub fn vol_ok(v: f64) -> bool {
    v.is_finite() && v > 0.0
}

/// On-balance volume, OBV[0] = V[0]; missing volume (<=0 or NaN) carries the prior value.
///
/// A missing close also carries the prior value, and the next close is compared with the last
/// finite one. OBV[0] is 0 when the first volume is missing.
pub fn obv(close: &[f64], volume: &[f64]) -> Vec<f64> {
    let n = close.len().min(volume.len());
    let mut out = vec![f64::NAN; close.len()];
    if n == 0 {
        return out;
    }
    let mut acc = if vol_ok(volume[0]) { volume[0] } else { 0.0 };
    let mut prev = close[0];
    out[0] = acc;
    for i in 1..n {
        let c = close[i];
        if c.is_finite() {
            if vol_ok(volume[i]) && prev.is_finite() {
                if c > prev {
                    acc += volume[i];
                } else if c < prev {
                    acc -= volume[i];
                }
            }
            prev = c;
        }
        out[i] = acc;
    }
    out
}

/// Chaikin accumulation/distribution line (TA-Lib AD).
///
/// Cumulative CLV·V with CLV = ((C−L)−(H−C))/(H−L), nothing added when H = L; a bar with
/// missing volume or prices carries the prior value.
pub fn ad(high: &[f64], low: &[f64], close: &[f64], volume: &[f64]) -> Vec<f64> {
    let n = high.len().min(low.len()).min(close.len()).min(volume.len());
    let mut out = vec![f64::NAN; high.len()];
    let mut acc = 0.0;
    for i in 0..n {
        let (h, l, c) = (high[i], low[i], close[i]);
        if hlc_ok(high, low, close, i) && vol_ok(volume[i]) {
            let range = h - l;
            if range > 0.0 {
                acc += (((c - l) - (h - c)) / range) * volume[i];
            }
        }
        out[i] = acc;
    }
    out
}

/// Least-squares slope per bar over the last n values; lookback n-1.
///
/// TA-Lib's operation order (x = bars ago, negative divisor), O(len·n).
pub fn linreg_slope(x: &[f64], n: usize) -> Vec<f64> {
    by_runs(x, |x, out| {
        if n == 0 || x.len() < n {
            return;
        }
        let p = n as f64;
        let sum_x = p * (p - 1.0) * 0.5;
        let sum_x_sqr = p * (p - 1.0) * (2.0 * p - 1.0) / 6.0;
        let divisor = sum_x * sum_x - p * sum_x_sqr;
        for t in n - 1..x.len() {
            let (mut sxy, mut sy) = (0.0, 0.0);
            for i in (0..n).rev() {
                let v = x[t - i];
                sy += v;
                sxy += i as f64 * v;
            }
            out[t] = (p * sxy - sum_x * sy) / divisor;
        }
    })
}

/// Rolling extreme with a monotonic deque; `better(a, b)` is true when a beats or ties b.
fn rolling_ext(x: &[f64], n: usize, better: impl Fn(f64, f64) -> bool) -> Vec<f64> {
    let mut out = vec![f64::NAN; x.len()];
    if n == 0 {
        return out;
    }
    let mut dq: VecDeque<usize> = VecDeque::with_capacity(n + 1);
    for_each_run(
        x.len(),
        |i| x[i].is_finite(),
        |s, e| {
            dq.clear();
            for i in s..e {
                while let Some(&b) = dq.back() {
                    if better(x[i], x[b]) {
                        dq.pop_back();
                    } else {
                        break;
                    }
                }
                dq.push_back(i);
                if let Some(&f) = dq.front() {
                    if f + n <= i {
                        dq.pop_front();
                    }
                }
                if i + 1 >= s + n {
                    out[i] = x[dq[0]];
                }
            }
        },
    );
    out
}

/// Rolling maximum over n (including the current bar); lookback n-1.
pub fn rolling_max(x: &[f64], n: usize) -> Vec<f64> {
    rolling_ext(x, n, |a, b| a >= b)
}

/// Rolling minimum over n; lookback n-1.
pub fn rolling_min(x: &[f64], n: usize) -> Vec<f64> {
    rolling_ext(x, n, |a, b| a <= b)
}

/// TA-Lib ROC: (x/x[-n] - 1)·100; lookback n. A zero base gives 0.0, as in TA-Lib.
pub fn roc(x: &[f64], n: usize) -> Vec<f64> {
    by_runs(x, |x, out| {
        if n == 0 {
            return;
        }
        for i in n..x.len() {
            let base = x[i - n];
            out[i] = if base != 0.0 { ((x[i] / base) - 1.0) * 100.0 } else { 0.0 };
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nan_prefix(v: &[f64]) -> usize {
        v.iter().take_while(|x| x.is_nan()).count()
    }

    #[test]
    fn sma_and_ema_by_hand() {
        let x = [1.0, 2.0, 3.0, 4.0, 5.0];
        let s = sma(&x, 3);
        assert_eq!(nan_prefix(&s), 2);
        assert_eq!(&s[2..], &[2.0, 3.0, 4.0]);
        let e = ema(&x, 3);
        // seed mean(1,2,3) = 2, k = 0.5: 3.0, then 4.0
        assert_eq!(&e[2..], &[2.0, 3.0, 4.0]);
        assert!(sma(&x, 6).iter().all(|v| v.is_nan()));
        assert!(sma(&x, 0).iter().all(|v| v.is_nan()));
        assert!(sma(&[], 3).is_empty());
    }

    #[test]
    fn leading_nan_is_skipped_and_inner_nan_restarts() {
        let x = [f64::NAN, f64::NAN, 1.0, 2.0, 3.0, f64::NAN, 4.0, 5.0, 6.0];
        let s = sma(&x, 2);
        assert_eq!(nan_prefix(&s), 3);
        assert_eq!(s[3], 1.5);
        assert_eq!(s[4], 2.5);
        assert!(s[5].is_nan() && s[6].is_nan());
        assert_eq!(s[7], 4.5);
        let e = ema(&x, 3);
        assert_eq!(e[4], 2.0);
        assert!(e[6].is_nan() && e[7].is_nan());
        assert_eq!(e[8], 5.0);
    }

    #[test]
    fn macd_seeds_end_on_slow_minus_one() {
        let x: Vec<f64> = (0..40).map(|i| ((i * 7) % 11) as f64 + i as f64 * 0.3).collect();
        let m = macd(&x, 3, 5, 2);
        assert_eq!(nan_prefix(&m.macd), 5);
        assert_eq!(nan_prefix(&m.signal), 5);
        // fast seed = mean(x[2..5]) at index 4, slow seed = mean(x[0..5]).
        let f4 = (x[2] + x[3] + x[4]) / 3.0;
        let s4 = (x[0] + x[1] + x[2] + x[3] + x[4]) / 5.0;
        let f5 = (x[5] - f4) * 0.5 + f4;
        let s5 = (x[5] - s4) * (2.0 / 6.0) + s4;
        let (m4, m5) = (f4 - s4, f5 - s5);
        assert_eq!(m.macd[5], m5);
        let sig5 = (m4 + m5) / 2.0;
        assert_eq!(m.signal[5], sig5);
        assert_eq!(m.hist[5], m5 - sig5);
        // swapped periods give the same result
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&macd(&x, 5, 3, 2).hist), bits(&m.hist));
    }

    #[test]
    fn rsi_flat_is_zero_and_monotone_is_100() {
        assert_eq!(rsi(&[5.0; 10], 3)[3..], [0.0; 7]);
        let up: Vec<f64> = (0..10).map(f64::from).collect();
        let r = rsi(&up, 3);
        assert_eq!(nan_prefix(&r), 3);
        assert!(r[3..].iter().all(|&v| v == 100.0));
        // 1 up 1, then down 1, up 2: g = 3/3 = 1, l = 1/3 -> 75
        assert_eq!(rsi(&[1.0, 2.0, 1.0, 3.0], 3)[3], 75.0);
    }

    #[test]
    fn bbands_and_stddev() {
        let x = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        let sd = stddev(&x, 8);
        assert_eq!(sd[7], 2.0);
        let b = bbands(&x, 8, 2.0);
        assert_eq!(b.middle[7], 5.0);
        assert_eq!(b.upper[7], 9.0);
        assert_eq!(b.lower[7], 1.0);
        let flat = bbands(&[3.0; 5], 3, 2.0);
        assert_eq!(flat.upper[4], 3.0);
        // Running sums leave rounding noise on a flat window after non-flat values; it is 0.
        let mut y = vec![114.9701, 117.3, 101.77, 99.123];
        y.extend([114.97; 25]);
        assert_eq!(stddev(&y, 20)[28], 0.0);
        assert_eq!(bbands(&y, 20, 2.0).upper[28], bbands(&y, 20, 2.0).middle[28]);
        // ...but a real σ of 1e-3 at a price of 100 survives.
        let z: Vec<f64> = (0..20).map(|i| 100.0 + if i % 2 == 0 { 1e-3 } else { -1e-3 }).collect();
        assert!((stddev(&z, 20)[19] - 1e-3).abs() < 1e-9);
        let bw = bandwidth(&b);
        assert_eq!(bw[7], 8.0 / 5.0);
        assert!(bw[0].is_nan());
    }

    #[test]
    fn true_range_and_atr() {
        let h = [10.0, 11.0, 12.0, 11.0, 13.0];
        let l = [9.0, 10.0, 10.5, 8.0, 12.5];
        let c = [9.5, 10.5, 11.0, 9.0, 13.0];
        let tr = true_range(&h, &l, &c);
        assert!(tr[0].is_nan());
        assert_eq!(&tr[1..], &[1.5, 1.5, 3.0, 4.0]);
        let a = atr(&h, &l, &c, 2);
        assert_eq!(nan_prefix(&a), 2);
        assert_eq!(a[2], 1.5);
        assert_eq!(a[3], (1.5 + 3.0) / 2.0);
        assert_eq!(a[4], (2.25 + 4.0) / 2.0);
        let k = keltner(&h, &l, &c, 2, 2, 1.5);
        assert_eq!(k.upper[2], k.middle[2] + 1.5 * 1.5);
    }

    #[test]
    fn obv_and_ad_carry_missing_volume() {
        let c = [10.0, 11.0, 10.5, 10.5, 12.0, 11.0];
        let v = [100.0, 50.0, 20.0, 30.0, f64::NAN, 0.0];
        assert_eq!(obv(&c, &v), vec![100.0, 150.0, 130.0, 130.0, 130.0, 130.0]);
        let h = [11.0, 12.0, 11.0, 10.5, 12.0, 12.0];
        let l = [9.0, 10.0, 10.0, 10.5, 11.0, 10.0];
        let a = ad(&h, &l, &c, &v);
        // CLV: 0, 0, 0, H=L -> 0; bar 4 missing volume.
        assert_eq!(a, vec![0.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
        let a2 = ad(&[2.0], &[0.0], &[2.0], &[10.0]);
        assert_eq!(a2, vec![10.0]);
    }

    #[test]
    fn slope_extremes_roc() {
        let x = [1.0, 3.0, 5.0, 7.0, 6.0];
        let s = linreg_slope(&x, 3);
        assert_eq!(nan_prefix(&s), 2);
        assert_eq!(s[2], 2.0);
        assert_eq!(s[4], 0.5);
        assert_eq!(rolling_max(&x, 2)[1..], [3.0, 5.0, 7.0, 7.0]);
        assert_eq!(rolling_min(&x, 3)[2..], [1.0, 3.0, 5.0]);
        let r = roc(&x, 2);
        assert_eq!(nan_prefix(&r), 2);
        assert_eq!(r[2], 400.0);
        assert_eq!(roc(&[0.0, 1.0], 1)[1], 0.0);
    }
}
