//! Shared primitives of SIGNALS.md §3.
//! Input: scalars or series slices (oldest first) and window/lookback parameters.
//! Output: plain numbers, index lists and small structs the signals cite as evidence.
//!
//! Ambiguities resolved here (each also noted on its function):
//! - `ramp` with a = b is a step at a; a NaN input gives 0 (a missing value never adds strength).
//! - `pctrank` returns `None` when `x[t]` itself is NaN.
//! - `ols` computes the slope with TA-Lib's LINEARREG_SLOPE operation order, so
//!   `ols(&y[t+1-n..=t]).slope == linreg_slope(y, n)[t]` bit for bit; r² is 0 for a flat series.
//! - Pivots need a full left window (i ≥ L); a NaN anywhere in the window rejects the pivot.
//! - Drawdown episodes: `start` is the first bar closing below the running max (the peak bar is
//!   `start − 1`); the trough is the lowest low of the bars closing below the peak (first on ties).
//! - Level merge chains neighbours (single linkage): a level joins the group when it is within
//!   0.25·ATR of the previous level in price order.
//! - Volume profile: bars with missing volume add nothing but still set the price range; the POC
//!   takes the lowest bin on ties; the edge bins compare with their only neighbour for HVNs.
//! - Waves: `end` is inclusive; a leading h = 0 with no previous sign belongs to no wave; a NaN
//!   ends the current wave.

/// ramp(x,a,b) = clamp((x-a)/(b-a), 0, 1); decreasing when a > b.
///
/// a = b is a step (1 when x ≥ a); NaN gives 0.
pub fn ramp(x: f64, a: f64, b: f64) -> f64 {
    if x.is_nan() || a.is_nan() || b.is_nan() {
        return 0.0;
    }
    if a == b {
        return if x >= a { 1.0 } else { 0.0 };
    }
    ((x - a) / (b - a)).clamp(0.0, 1.0)
}

/// (#{x_j<x_t} + 0.5·#{x_j=x_t})/n over the last w values ending at t (inclusive), skipping NaN;
/// None if n < ceil(w/2), if `x[t]` is NaN or if t is out of range.
pub fn pctrank(x: &[f64], t: usize, w: usize) -> Option<f64> {
    if w == 0 || t >= x.len() || x[t].is_nan() {
        return None;
    }
    let xt = x[t];
    let from = (t + 1).saturating_sub(w);
    let (mut n, mut below, mut equal) = (0usize, 0usize, 0usize);
    for &v in &x[from..=t] {
        if v.is_nan() {
            continue;
        }
        n += 1;
        if v < xt {
            below += 1;
        } else if v == xt {
            equal += 1;
        }
    }
    if n < w.div_ceil(2) {
        return None;
    }
    Some((below as f64 + 0.5 * equal as f64) / n as f64)
}

/// An ordinary least-squares fit y = intercept + slope·x.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ols {
    /// Slope per unit of x (per bar for [`ols`]).
    pub slope: f64,
    /// Fitted value at x = 0 (the oldest bar for [`ols`]).
    pub intercept: f64,
    /// Coefficient of determination in [0, 1]; 0 when y is constant.
    pub r2: f64,
}

/// r² from centred sums, clamped to [0, 1]; 0 when either variance is 0.
fn r_squared(sxx: f64, syy: f64, sxy: f64) -> f64 {
    if sxx <= 0.0 || syy <= 0.0 {
        return 0.0;
    }
    ((sxy * sxy) / (sxx * syy)).clamp(0.0, 1.0)
}

/// OLS of y on x = 0..n; None if n<2 or any value is NaN.
///
/// The slope uses TA-Lib's LINEARREG_SLOPE operation order, so it equals
/// [`super::linreg_slope`] on the same window bit for bit.
pub fn ols(y: &[f64]) -> Option<Ols> {
    let n = y.len();
    if n < 2 || y.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let (slope, sy) = talib_slope(n, |j| y[j]);
    let p = n as f64;
    let sum_x = p * (p - 1.0) * 0.5;
    let intercept = (sy - slope * sum_x) / p;
    let (mx, my) = ((p - 1.0) * 0.5, sy / p);
    let (mut cxx, mut cyy, mut cxy) = (0.0, 0.0, 0.0);
    for (j, &v) in y.iter().enumerate() {
        let (dx, dy) = (j as f64 - mx, v - my);
        cxx += dx * dx;
        cyy += dy * dy;
        cxy += dx * dy;
    }
    Some(Ols { slope, intercept, r2: r_squared(cxx, cyy, cxy) })
}

/// LINEARREG_SLOPE of the n values `y(0..n)` (oldest first) in TA-Lib's operation order
/// (x = bars ago, negative divisor); also returns Σy.
fn talib_slope(n: usize, y: impl Fn(usize) -> f64) -> (f64, f64) {
    let p = n as f64;
    let sum_x = p * (p - 1.0) * 0.5;
    let sum_x_sqr = p * (p - 1.0) * (2.0 * p - 1.0) / 6.0;
    let divisor = sum_x * sum_x - p * sum_x_sqr;
    let (mut sxy, mut sy) = (0.0, 0.0);
    for j in 0..n {
        let v = y(j);
        sy += v;
        sxy += (n - 1 - j) as f64 * v;
    }
    ((p * sxy - sum_x * sy) / divisor, sy)
}

/// OLS of y on x; None if the lengths differ, n<2, any value is NaN, or x is constant.
pub fn ols_xy(x: &[f64], y: &[f64]) -> Option<Ols> {
    let n = x.len();
    if n != y.len() || n < 2 || x.iter().chain(y).any(|v| !v.is_finite()) {
        return None;
    }
    let p = n as f64;
    let mx = x.iter().sum::<f64>() / p;
    let my = y.iter().sum::<f64>() / p;
    let (mut cxx, mut cyy, mut cxy) = (0.0, 0.0, 0.0);
    for (&a, &b) in x.iter().zip(y) {
        let (dx, dy) = (a - mx, b - my);
        cxx += dx * dx;
        cyy += dy * dy;
        cxy += dx * dy;
    }
    if cxx <= 0.0 {
        return None;
    }
    let slope = cxy / cxx;
    Some(Ols { slope, intercept: my - slope * mx, r2: r_squared(cxx, cyy, cxy) })
}

/// exp(slope(ln y over the last n values)·(n−1)) − 1: the fitted % change over the window.
///
/// None if n < 2, y has fewer than n values, or any of them is ≤ 0 or NaN.
pub fn logtrend(y: &[f64], n: usize) -> Option<f64> {
    if n < 2 || y.len() < n {
        return None;
    }
    let window = &y[y.len() - n..];
    if window.iter().any(|&v| !(v > 0.0 && v.is_finite())) {
        return None;
    }
    let (slope, _) = talib_slope(n, |j| window[j].ln());
    Some((slope * (n - 1) as f64).exp() - 1.0)
}

/// Confirmed pivots (i + right ≤ t) with `beats(a, b)` the strict left test and `holds(a, b)`
/// the non-strict right test.
fn pivots(
    x: &[f64],
    left: usize,
    right: usize,
    t: usize,
    beats: impl Fn(f64, f64) -> bool,
    holds: impl Fn(f64, f64) -> bool,
) -> Vec<usize> {
    let mut out = Vec::new();
    if x.is_empty() {
        return out;
    }
    let t = t.min(x.len() - 1);
    if t < right {
        return out;
    }
    for i in left..=t - right {
        let v = x[i];
        if v.is_nan() {
            continue;
        }
        if x[i - left..i].iter().all(|&w| beats(v, w)) && x[i + 1..=i + right].iter().all(|&w| holds(v, w)) {
            out.push(i);
        }
    }
    out
}

/// Pivot highs, ascending: H_i > max H[i−L..i) ∧ H_i ≥ max H(i..i+R], confirmed (i+right ≤ t).
///
/// Left strict and right non-strict, so the first of equal highs wins. Needs i ≥ left.
pub fn pivot_highs(high: &[f64], left: usize, right: usize, t: usize) -> Vec<usize> {
    pivots(high, left, right, t, |v, w| v > w, |v, w| v >= w)
}

/// Pivot lows, ascending: the mirror of [`pivot_highs`].
pub fn pivot_lows(low: &[f64], left: usize, right: usize, t: usize) -> Vec<usize> {
    pivots(low, left, right, t, |v, w| v < w, |v, w| v <= w)
}

/// Close position in the bar's range: (C−L)/(H−L), 0.5 if H = L.
pub fn close_position(h: f64, l: f64, c: f64) -> f64 {
    let range = h - l;
    if range > 0.0 {
        (c - l) / range
    } else {
        0.5
    }
}

/// Strong bull candle: C > O ∧ C−O ≥ 0.5(H−L) ∧ cp ≥ 0.67 ∧ H−L ≥ 0.75·ATR of the prior bar.
pub fn strong_bull(o: f64, h: f64, l: f64, c: f64, atr_prev: f64) -> bool {
    let range = h - l;
    c > o && c - o >= 0.5 * range && close_position(h, l, c) >= 0.67 && range >= 0.75 * atr_prev
}

/// Strong bear candle, the exact mirror: C < O ∧ O−C ≥ 0.5(H−L) ∧ (H−C)/(H−L) ≥ 0.67 ∧
/// H−L ≥ 0.75·ATR of the prior bar.
pub fn strong_bear(o: f64, h: f64, l: f64, c: f64, atr_prev: f64) -> bool {
    let range = h - l;
    c < o && o - c >= 0.5 * range && close_position(-l, -h, -c) >= 0.67 && range >= 0.75 * atr_prev
}

/// One drawdown episode on closes (SIGNALS.md §3).
#[derive(Debug, Clone, PartialEq)]
pub struct Episode {
    /// First bar closing below the running max; the peak bar is `start − 1`.
    pub start: usize,
    /// The running max of closes when the episode started.
    pub peak: f64,
    /// Index of the lowest low among the episode's bars (the first one on ties).
    pub trough_idx: usize,
    /// That lowest low.
    pub trough: f64,
    /// The first bar closing ≥ peak; `None` while the episode is open at t.
    pub end: Option<usize>,
    /// peak − trough.
    pub depth: f64,
    /// depth / (peak − L_s); a zero denominator gives 10 (or NaN for 0/0).
    pub retrace: f64,
    /// Bars from the peak bar to the trough: `trough_idx − (start − 1)`.
    pub down_bars: usize,
    /// Bars from the trough to the first close ≥ peak − depth/2 (0 if the trough bar itself
    /// closes there); `None` while not yet recovered.
    pub recov_bars: Option<usize>,
}

/// Drawdown episodes on closes from s to t (inclusive) with running max M from s.
///
/// An episode is a maximal run with C_j < M_j; it ends on the first close ≥ the prior M.
/// Bars with a NaN close are skipped. Empty when s > t or s is out of range.
pub fn drawdown_episodes(high: &[f64], low: &[f64], close: &[f64], s: usize, t: usize) -> Vec<Episode> {
    let mut out = Vec::new();
    let len = high.len().min(low.len()).min(close.len());
    if len == 0 || s >= len {
        return out;
    }
    let t = t.min(len - 1);
    if s > t {
        return out;
    }
    let ls = low[s];
    let mut max = f64::NAN;
    let mut cur: Option<Episode> = None;
    let finish = |mut e: Episode, end: Option<usize>, upto: usize| -> Episode {
        e.end = end;
        e.depth = e.peak - e.trough;
        let denom = e.peak - ls;
        e.retrace = if denom > 0.0 {
            e.depth / denom
        } else if e.depth > 0.0 {
            10.0
        } else {
            f64::NAN
        };
        e.down_bars = e.trough_idx + 1 - e.start;
        let half = e.peak - e.depth / 2.0;
        e.recov_bars = (e.trough_idx..=upto).find(|&j| close[j] >= half).map(|j| j - e.trough_idx);
        e
    };
    for j in s..=t {
        let c = close[j];
        if c.is_nan() {
            continue;
        }
        if max.is_nan() {
            max = c;
            continue;
        }
        if c < max {
            let l = low[j];
            match cur.as_mut() {
                Some(e) => {
                    if l < e.trough {
                        e.trough = l;
                        e.trough_idx = j;
                    }
                }
                None => {
                    cur = Some(Episode {
                        start: j,
                        peak: max,
                        trough_idx: j,
                        trough: l,
                        end: None,
                        depth: 0.0,
                        retrace: 0.0,
                        down_bars: 0,
                        recov_bars: None,
                    })
                }
            }
        } else {
            if let Some(e) = cur.take() {
                out.push(finish(e, Some(j), j));
            }
            max = c;
        }
    }
    if let Some(e) = cur.take() {
        out.push(finish(e, None, t));
    }
    out
}

/// A merged price level and the sources of the levels merged into it (any source type `S`:
/// the signals use a typed source, tests a label).
#[derive(Debug, Clone, PartialEq)]
pub struct Level<S = String> {
    /// Median price of the group.
    pub price: f64,
    /// Sources, in price order, without duplicates.
    pub sources: Vec<S>,
}

/// Sorted ascending, grouped within 0.25·ATR, median price, sources unioned in order.
///
/// Grouping chains neighbours: a level joins the current group when it is within 0.25·ATR of
/// the previous (lower) level. NaN prices are dropped; a NaN or non-positive ATR merges only
/// equal prices. Equal prices keep their input order.
pub fn merge_levels<S: PartialEq + Clone>(mut levels: Vec<(f64, S)>, atr: f64) -> Vec<Level<S>> {
    levels.retain(|(p, _)| p.is_finite());
    levels.sort_by(|a, b| a.0.total_cmp(&b.0));
    let tol = if atr.is_finite() && atr > 0.0 { 0.25 * atr } else { 0.0 };
    let mut out = Vec::new();
    let mut i = 0;
    while i < levels.len() {
        let mut j = i + 1;
        while j < levels.len() && levels[j].0 - levels[j - 1].0 <= tol {
            j += 1;
        }
        let group = &levels[i..j];
        let m = group.len();
        let price = if m % 2 == 1 { group[m / 2].0 } else { (group[m / 2 - 1].0 + group[m / 2].0) / 2.0 };
        let mut sources: Vec<S> = Vec::with_capacity(m);
        for (_, s) in group {
            if !sources.contains(s) {
                sources.push(s.clone());
            }
        }
        out.push(Level { price, sources });
        i = j;
    }
    out
}

/// A volume-by-price histogram.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// Lowest low of the window.
    pub lo: f64,
    /// Highest high of the window.
    pub hi: f64,
    /// Volume per bin, bin k covering [lo + k·w, lo + (k+1)·w] with w = (hi − lo)/bins.
    pub bins: Vec<f64>,
    /// Point of control: the centre of the largest bin (lowest on ties).
    pub poc: f64,
    /// High-volume nodes: centres of local-maximum bins with ≥ 1.5× the mean bin volume, ascending.
    pub hvn: Vec<f64>,
}

/// Volume profile over the given bars: `bins` bins over [min L, max H]; each bar's volume is
/// spread over the bins its [L, H] overlaps in proportion to the overlap; H = L puts it all in
/// one bin. None when `bins` is 0, no bar has finite H and L, or no volume is present.
pub fn volume_profile(high: &[f64], low: &[f64], volume: &[f64], bins: usize) -> Option<Profile> {
    let len = high.len().min(low.len()).min(volume.len());
    if bins == 0 {
        return None;
    }
    let ok = |i: usize| high[i].is_finite() && low[i].is_finite() && high[i] >= low[i];
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for i in (0..len).filter(|&i| ok(i)) {
        lo = lo.min(low[i]);
        hi = hi.max(high[i]);
    }
    if lo > hi {
        return None;
    }
    let width = (hi - lo) / bins as f64;
    let bin_of = |p: f64| -> usize {
        if width > 0.0 {
            // Truncation equals floor here: the value is clamped at 0 first (and NaN maps to 0).
            (((p - lo) / width).max(0.0) as usize).min(bins - 1)
        } else {
            0
        }
    };
    let mut hist = vec![0.0; bins];
    // Bin edges, each computed once per call rather than once per bar and bin (the same values:
    // bin k spans `lo + k * width` to `lo + (k + 1) * width`, the last bin ends at `hi`).
    let edges: Vec<f64> = (0..=bins).map(|k| if k == bins { hi } else { lo + k as f64 * width }).collect();
    let mut total = 0.0;
    for i in 0..len {
        let v = volume[i];
        if !(ok(i) && v.is_finite() && v > 0.0) {
            continue;
        }
        total += v;
        let (l, h) = (low[i], high[i]);
        let range = h - l;
        if range <= 0.0 || width <= 0.0 {
            hist[bin_of(l)] += v;
            continue;
        }
        let k0 = bin_of(l);
        let k1 = (bin_of(h) + 1).max(k0);
        for (slot, e) in hist[k0..k1].iter_mut().zip(edges[k0..=k1].windows(2)) {
            let (b_lo, b_hi) = (e[0], e[1]);
            let overlap = h.min(b_hi) - l.max(b_lo);
            if overlap > 0.0 {
                *slot += v * overlap / range;
            }
        }
    }
    if total <= 0.0 {
        return None;
    }
    let centre = |k: usize| lo + (k as f64 + 0.5) * width;
    let mut best = 0;
    for k in 1..bins {
        if hist[k] > hist[best] {
            best = k;
        }
    }
    let mean = hist.iter().sum::<f64>() / bins as f64;
    let hvn = (0..bins)
        .filter(|&k| {
            let left_ok = k == 0 || hist[k] >= hist[k - 1];
            let right_ok = k + 1 == bins || hist[k] >= hist[k + 1];
            left_ok && right_ok && hist[k] >= 1.5 * mean && hist[k] > 0.0
        })
        .map(centre)
        .collect();
    Some(Profile { lo, hi, poc: centre(best), bins: hist, hvn })
}

/// MACD-histogram wave state (SIGNALS.md §3).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum WaveState {
    /// Expanding up: h > 0 and rising.
    EU,
    /// Contracting up: h > 0 and not rising.
    CU,
    /// Contracting down: h < 0 and rising (downside pressure fading).
    CD,
    /// Expanding down: h < 0 and not rising.
    ED,
}

/// The sign of each bar (h = 0 takes the previous sign; `None` for NaN or no sign yet).
fn signs(h: &[f64]) -> impl Iterator<Item = Option<bool>> + '_ {
    let mut prev: Option<bool> = None;
    h.iter().map(move |&v| {
        let s = if v.is_nan() {
            None
        } else if v > 0.0 {
            Some(true)
        } else if v < 0.0 {
            Some(false)
        } else {
            prev
        };
        prev = s;
        s
    })
}

/// Wave state per bar; None during NaN warm-up (and on the first bar after it, which has no
/// prior value to compare with).
pub fn wave_states(h: &[f64]) -> Vec<Option<WaveState>> {
    signs(h)
        .enumerate()
        .map(|(i, sign)| {
            let positive = sign?;
            let prev = *h.get(i.checked_sub(1)?)?;
            if prev.is_nan() {
                return None;
            }
            let rising = h[i] > prev;
            Some(match (positive, rising) {
                (true, true) => WaveState::EU,
                (true, false) => WaveState::CU,
                (false, true) => WaveState::CD,
                (false, false) => WaveState::ED,
            })
        })
        .collect()
}

/// A maximal same-sign run of the histogram.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Wave {
    /// First bar.
    pub start: usize,
    /// Last bar (inclusive); age = end − start + 1.
    pub end: usize,
    /// Positive (h > 0) or negative wave.
    pub positive: bool,
    /// max |h| in the wave.
    pub amplitude: f64,
    /// Bar of that maximum (the first on ties).
    pub peak_idx: usize,
}

impl Wave {
    /// Length in bars.
    pub fn age(&self) -> usize {
        self.end - self.start + 1
    }
}

/// Maximal same-sign runs (h=0 takes previous sign), oldest first.
pub fn waves(h: &[f64]) -> Vec<Wave> {
    let mut out: Vec<Wave> = Vec::new();
    let mut cur: Option<Wave> = None;
    for (i, sign) in signs(h).enumerate() {
        match (sign, cur.as_mut()) {
            (Some(p), Some(w)) if w.positive == p => {
                w.end = i;
                if h[i].abs() > w.amplitude {
                    w.amplitude = h[i].abs();
                    w.peak_idx = i;
                }
            }
            (sign, _) => {
                if let Some(w) = cur.take() {
                    out.push(w);
                }
                cur =
                    sign.map(|p| Wave { start: i, end: i, positive: p, amplitude: h[i].abs(), peak_idx: i });
            }
        }
    }
    out.extend(cur);
    out
}

/// Median of the finite values; None if there are none.
pub fn median(x: &[f64]) -> Option<f64> {
    let mut v: Vec<f64> = x.iter().copied().filter(|v| v.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len();
    Some(if m % 2 == 1 { v[m / 2] } else { (v[m / 2 - 1] + v[m / 2]) / 2.0 })
}

/// The start of the latest run of indices in `from..=to` whose value satisfies `pred` (the run
/// need not reach `to`): None when no index in the range does. Used to date a breakdown from
/// the current (or last) run of closes under a zone, so a break back below re-forms it.
pub fn latest_run_start(x: &[f64], from: usize, to: usize, pred: impl Fn(f64) -> bool) -> Option<usize> {
    let to = to.min(x.len().checked_sub(1)?);
    let mut j = (from..=to).rev().find(|&j| pred(x[j]))?;
    while j > from && pred(x[j - 1]) {
        j -= 1;
    }
    Some(j)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::linreg_slope;

    #[test]
    fn ramp_cases() {
        assert_eq!(ramp(0.5, 0.0, 1.0), 0.5);
        assert_eq!(ramp(-1.0, 0.0, 1.0), 0.0);
        assert_eq!(ramp(2.0, 0.0, 1.0), 1.0);
        // decreasing
        assert_eq!(ramp(0.25, 0.5, 0.0), 0.5);
        assert_eq!(ramp(0.6, 0.5, 0.0), 0.0);
        assert_eq!(ramp(-0.1, 0.5, 0.0), 1.0);
        assert_eq!(ramp(3.0, 3.0, 3.0), 1.0);
        assert_eq!(ramp(2.9, 3.0, 3.0), 0.0);
        assert_eq!(ramp(f64::NAN, 0.0, 1.0), 0.0);
    }

    #[test]
    fn pctrank_cases() {
        let x = [1.0, 2.0, 3.0, 2.0];
        // last 4: below 2 -> {1}, equal -> {2, 2}: (1 + 1)/4
        assert_eq!(pctrank(&x, 3, 4), Some(0.5));
        assert_eq!(pctrank(&x, 2, 3), Some((2.0 + 0.5) / 3.0));
        // window 10 ending at 3 has 4 values >= ceil(10/2)=5? no
        assert_eq!(pctrank(&x, 3, 10), None);
        assert_eq!(pctrank(&x, 3, 8), Some(0.5));
        let y = [f64::NAN, 1.0, 5.0, f64::NAN, 3.0];
        assert_eq!(pctrank(&y, 4, 5), Some((1.0 + 0.5) / 3.0));
        assert_eq!(pctrank(&y, 3, 2), None);
        assert_eq!(pctrank(&y, 9, 2), None);
    }

    #[test]
    fn ols_cases() {
        let f = ols(&[1.0, 3.0, 5.0, 7.0]).unwrap();
        assert_eq!((f.slope, f.intercept, f.r2), (2.0, 1.0, 1.0));
        let g = ols(&[1.0, 2.0, 1.0, 2.0]).unwrap();
        // x̄ = 1.5, ȳ = 1.5, Sxy = 1, Sxx = 5, Syy = 1 -> slope 0.2, intercept 1.2, r² = 0.2
        assert!((g.slope - 0.2).abs() < 1e-15);
        assert!((g.intercept - 1.2).abs() < 1e-15);
        assert!((g.r2 - 0.2).abs() < 1e-15);
        assert_eq!(ols(&[2.0, 2.0, 2.0]).unwrap().r2, 0.0);
        assert!(ols(&[1.0]).is_none());
        assert!(ols(&[1.0, f64::NAN]).is_none());
        let y: Vec<f64> = (0..50).map(|i| (i as f64 * 0.37).sin() * 10.0 + 100.0).collect();
        assert_eq!(ols(&y[30..50]).unwrap().slope, linreg_slope(&y, 20)[49]);
        let h = ols_xy(&[0.0, 2.0, 4.0], &[1.0, 2.0, 3.0]).unwrap();
        assert_eq!((h.slope, h.intercept, h.r2), (0.5, 1.0, 1.0));
        assert!(ols_xy(&[1.0, 1.0], &[1.0, 2.0]).is_none());
        assert!(ols_xy(&[1.0, 2.0], &[1.0]).is_none());
    }

    #[test]
    fn logtrend_cases() {
        // geometric growth of 10% per bar over 3 bars -> 21% fitted change
        let y = [5.0, 100.0, 110.0, 121.0];
        assert!((logtrend(&y, 3).unwrap() - 0.21).abs() < 1e-12);
        assert!(logtrend(&y, 5).is_none());
        assert!(logtrend(&[1.0, 0.0], 2).is_none());
        assert!(logtrend(&y, 1).is_none());
    }

    #[test]
    fn pivot_cases() {
        //        0    1    2    3    4    5    6    7    8
        let h = [1.0, 2.0, 5.0, 3.0, 5.0, 2.0, 1.0, 6.0, 1.0];
        // i=2: left {1,2} < 5, right {3,5} -> 5 >= 5 ok: pivot (first of equal highs wins)
        // i=4: left {5,3}: 5 > 5 fails
        assert_eq!(pivot_highs(&h, 2, 2, 8), vec![2]);
        // i=7 needs 7+1 <= t
        assert_eq!(pivot_highs(&h, 2, 1, 8), vec![2, 7]);
        assert_eq!(pivot_highs(&h, 2, 1, 7), vec![2]);
        let l: Vec<f64> = h.iter().map(|v| -v).collect();
        assert_eq!(pivot_lows(&l, 2, 1, 8), vec![2, 7]);
        assert!(pivot_highs(&h, 2, 2, 1).is_empty());
        assert!(pivot_highs(&[], 2, 2, 10).is_empty());
        // t beyond the data is clamped
        assert_eq!(pivot_highs(&h, 2, 1, 100), vec![2, 7]);
    }

    #[test]
    fn candle_cases() {
        assert_eq!(close_position(10.0, 8.0, 9.5), 0.75);
        assert_eq!(close_position(9.0, 9.0, 9.0), 0.5);
        // range 2, body 1.5, cp 0.9, ATR 2 -> 2 >= 1.5
        assert!(strong_bull(8.2, 10.0, 8.0, 9.8, 2.0));
        assert!(!strong_bull(8.2, 10.0, 8.0, 9.8, 3.0));
        assert!(!strong_bull(9.0, 10.0, 8.0, 9.8, 2.0)); // body 0.8 < 1
        assert!(!strong_bull(8.2, 10.0, 8.0, 9.8, f64::NAN));
        // mirror
        assert!(strong_bear(9.8, 10.0, 8.0, 8.2, 2.0));
        assert!(!strong_bear(8.2, 10.0, 8.0, 9.8, 2.0));
        assert!(!strong_bear(9.8, 10.0, 8.0, 8.8, 2.0)); // body 1.0 >= 1 but (H-C)/(H-L) = 0.6
    }

    #[test]
    fn drawdown_cases() {
        //           0     1     2     3     4     5     6     7
        let c = [10.0, 12.0, 11.0, 10.5, 11.5, 12.5, 12.0, 11.0];
        let l = [9.5, 11.0, 10.8, 10.0, 10.9, 12.0, 11.5, 10.9];
        let h = [10.5, 12.2, 11.9, 11.0, 11.8, 12.6, 12.4, 12.1];
        let e = drawdown_episodes(&h, &l, &c, 0, 7);
        assert_eq!(e.len(), 2);
        let a = &e[0];
        assert_eq!((a.start, a.peak, a.trough_idx, a.trough, a.end), (2, 12.0, 3, 10.0, Some(5)));
        assert_eq!(a.depth, 2.0);
        assert_eq!(a.retrace, 2.0 / (12.0 - 9.5));
        assert_eq!(a.down_bars, 2); // peak bar 1 -> trough bar 3
                                    // half recovery level 11.0: bar 4 closes 11.5
        assert_eq!(a.recov_bars, Some(1));
        let b = &e[1];
        assert_eq!((b.start, b.peak, b.trough_idx, b.trough, b.end), (6, 12.5, 7, 10.9, None));
        assert!((b.depth - 1.6).abs() < 1e-12);
        assert_eq!(b.down_bars, 2);
        assert_eq!(b.recov_bars, None);
        // the window start matters: from bar 3 the running max starts at 10.5
        let e3 = drawdown_episodes(&h, &l, &c, 3, 7);
        assert_eq!(e3.len(), 1);
        assert_eq!(e3[0].start, 6);
        assert!(drawdown_episodes(&h, &l, &c, 5, 4).is_empty());
        assert!(drawdown_episodes(&h, &l, &c, 9, 12).is_empty());
    }

    #[test]
    fn merge_levels_cases() {
        let lv = vec![
            (100.0, "SMA200".to_string()),
            (95.0, "POC".to_string()),
            (100.4, "swing high 2025-02-14".to_string()),
            (100.9, "SMA50".to_string()),
            (100.4, "SMA200".to_string()),
            (f64::NAN, "bad".to_string()),
        ];
        let m = merge_levels(lv, 2.0);
        assert_eq!(m.len(), 2);
        assert_eq!(m[0], Level { price: 95.0, sources: vec!["POC".into()] });
        // chain 100.0 - 100.4 - 100.4 - 100.9 (steps <= 0.5): median of 4 = 100.4
        assert_eq!(m[1].price, 100.4);
        assert_eq!(m[1].sources, ["SMA200", "swing high 2025-02-14", "SMA50"]);
        let none = merge_levels(vec![(1.0, "a".to_string()), (1.1, "b".to_string())], f64::NAN);
        assert_eq!(none.len(), 2);
        assert!(merge_levels(Vec::<(f64, String)>::new(), 1.0).is_empty());
    }

    #[test]
    fn volume_profile_cases() {
        // range [0, 4], 4 bins of width 1
        let h = [4.0, 2.0, 1.5, 3.0];
        let l = [0.0, 1.0, 1.5, 3.0];
        let v = [400.0, 100.0, 50.0, f64::NAN];
        let p = volume_profile(&h, &l, &v, 4).unwrap();
        assert_eq!((p.lo, p.hi), (0.0, 4.0));
        assert_eq!(p.bins, vec![100.0, 250.0, 100.0, 100.0]);
        assert_eq!(p.poc, 1.5);
        // mean 137.5, 1.5x = 206.25: only bin 1
        assert_eq!(p.hvn, vec![1.5]);
        // H = L on the top edge goes to the last bin
        let q = volume_profile(&[2.0, 2.0], &[0.0, 2.0], &[10.0, 5.0], 2).unwrap();
        assert_eq!(q.bins, vec![5.0, 10.0]);
        assert!(volume_profile(&h, &l, &v, 0).is_none());
        assert!(volume_profile(&h, &l, &[0.0; 4], 4).is_none());
        let flat = volume_profile(&[5.0, 5.0], &[5.0, 5.0], &[1.0, 2.0], 3).unwrap();
        assert_eq!(flat.bins, vec![3.0, 0.0, 0.0]);
        assert_eq!(flat.poc, 5.0);
    }

    #[test]
    fn wave_cases() {
        use WaveState::*;
        let h = [f64::NAN, 0.5, 1.0, 0.8, 0.0, -0.2, -0.5, -0.3, 0.0, 0.4];
        let s = wave_states(&h);
        assert_eq!(
            s,
            vec![None, None, Some(EU), Some(CU), Some(CU), Some(ED), Some(ED), Some(CD), Some(CD), Some(EU)]
        );
        let w = waves(&h);
        assert_eq!(w.len(), 3);
        assert_eq!(
            (w[0].start, w[0].end, w[0].positive, w[0].amplitude, w[0].peak_idx),
            (1, 4, true, 1.0, 2)
        );
        assert_eq!(
            (w[1].start, w[1].end, w[1].positive, w[1].amplitude, w[1].peak_idx),
            (5, 8, false, 0.5, 6)
        );
        assert_eq!((w[2].start, w[2].end, w[2].age()), (9, 9, 1));
        // a leading zero has no sign yet
        assert_eq!(waves(&[0.0, 1.0]).len(), 1);
        assert_eq!(wave_states(&[0.0, 1.0]), vec![None, Some(EU)]);
        assert!(waves(&[]).is_empty());
    }

    #[test]
    fn median_cases() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, f64::NAN, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[f64::NAN]), None);
        assert_eq!(median(&[]), None);
    }
}
