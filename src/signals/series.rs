//! Small helpers shared by the weekly, 3-day and relative-strength signals: bars and indices in,
//! aligned indices, volume statistics that skip missing bars, and evidence formatting out.

use crate::data::BarsView;
use chrono::{Datelike, NaiveDate};

pub(crate) use crate::indicators::vol_ok;

/// Share of missing volume in `v[from..=to]` (0 for an empty range).
pub(crate) fn missing_share(v: &[f64], from: usize, to: usize) -> f64 {
    if from > to || to >= v.len() {
        return 0.0;
    }
    let n = to - from + 1;
    let miss = v[from..=to].iter().filter(|x| !vol_ok(**x)).count();
    miss as f64 / n as f64
}

/// Mean of the present volume values in `v[from..=to]`.
pub(crate) fn mean_vol(v: &[f64], from: usize, to: usize) -> Option<f64> {
    if from > to || to >= v.len() {
        return None;
    }
    let (mut s, mut n) = (0.0, 0usize);
    for &x in &v[from..=to] {
        if vol_ok(x) {
            s += x;
            n += 1;
        }
    }
    (n > 0).then(|| s / n as f64)
}

/// Mean volume over the last `n` bars ending at `t`, skipping missing bars.
pub(crate) fn sma_vol(v: &[f64], t: usize, n: usize) -> Option<f64> {
    if n == 0 || t + 1 < n {
        return None;
    }
    mean_vol(v, t + 1 - n, t)
}

/// `logtrend` over the last `n` bars ending at `t`, fitted on the present values only
/// (missing volume is skipped, not zero): exp(slope·(n−1)) − 1.
pub(crate) fn logtrend_vol(v: &[f64], t: usize, n: usize) -> Option<f64> {
    if n < 2 || t + 1 < n || t >= v.len() {
        return None;
    }
    let from = t + 1 - n;
    let (mut sx, mut sy, mut sxx, mut sxy, mut m) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for (k, &x) in v[from..=t].iter().enumerate() {
        if vol_ok(x) {
            let (xi, yi) = (k as f64, x.ln());
            sx += xi;
            sy += yi;
            sxx += xi * xi;
            sxy += xi * yi;
            m += 1.0;
        }
    }
    if m < 3.0 {
        return None;
    }
    let den = m * sxx - sx * sx;
    if den.abs() < 1e-12 {
        return None;
    }
    let slope = (m * sxy - sx * sy) / den;
    Some((slope * (n as f64 - 1.0)).exp() - 1.0)
}

/// a/b with SIGNALS.md §0's rules: a zero denominator with a positive numerator caps at 10,
/// 0/0 (or anything non-finite) gives None.
pub(crate) fn ratio(a: f64, b: f64) -> Option<f64> {
    if !a.is_finite() || !b.is_finite() {
        return None;
    }
    if b.abs() < 1e-12 {
        return if a > 0.0 { Some(10.0) } else { None };
    }
    Some((a / b).min(10.0))
}

/// Index pairs `(i, j)` of two bar sets whose labels fall in the same ISO week, oldest first.
/// Weekly labels are the last session present, so two instruments can label the same week
/// differently when one misses a session; the ISO week is the key that joins them.
pub(crate) fn align_weeks(a: BarsView<'_>, b: BarsView<'_>) -> Vec<(usize, usize)> {
    let key = |d: NaiveDate| {
        let w = d.iso_week();
        (w.year(), w.week())
    };
    let mut out = Vec::with_capacity(a.len().min(b.len()));
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let (ka, kb) = (key(a.date[i]), key(b.date[j]));
        match ka.cmp(&kb) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push((i, j));
                i += 1;
                j += 1;
            }
        }
    }
    out
}

/// Dates at the given indices.
pub(crate) fn dates_at(bars: BarsView<'_>, idx: &[usize]) -> Vec<NaiveDate> {
    idx.iter().filter_map(|&i| bars.date.get(i).copied()).collect()
}

/// A list of prices as evidence (worded "246.10, 251.30").
pub(crate) fn price_list(p: &[f64]) -> super::Ev {
    super::Ev::Prices { v: p.to_vec() }
}

/// A yes/no condition as evidence (worded "yes" / "no").
pub(crate) fn yes_no(b: bool) -> super::Ev {
    super::Ev::YesNo { v: b }
}

/// `x[i]` when it exists and is finite.
pub(crate) fn at(x: &[f64], i: usize) -> Option<f64> {
    x.get(i).copied().filter(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Bars;

    #[test]
    fn ratio_rules() {
        assert_eq!(ratio(2.0, 0.0), Some(10.0));
        assert_eq!(ratio(0.0, 0.0), None);
        assert_eq!(ratio(1.0, 4.0), Some(0.25));
        assert_eq!(ratio(f64::NAN, 1.0), None);
    }

    #[test]
    fn volume_stats_skip_missing() {
        let v = [100.0, 0.0, f64::NAN, 100.0];
        assert_eq!(missing_share(&v, 0, 3), 0.5);
        assert_eq!(mean_vol(&v, 0, 3), Some(100.0));
        assert_eq!(sma_vol(&v, 3, 2), Some(100.0));
        assert_eq!(sma_vol(&v, 0, 2), None);
    }

    #[test]
    fn logtrend_of_doubling_volume() {
        // Volume doubles every bar: over 5 bars the fitted change is 2^4 - 1.
        let v: Vec<f64> = (0..5).map(|i| 2f64.powi(i)).collect();
        let g = logtrend_vol(&v, 4, 5).unwrap();
        assert!((g - 15.0).abs() < 1e-9, "{g}");
        let flat = [5.0; 10];
        assert!(logtrend_vol(&flat, 9, 10).unwrap().abs() < 1e-12);
    }

    #[test]
    fn weeks_align_on_iso_week() {
        let d = |m, dd| NaiveDate::from_ymd_opt(2025, m, dd).unwrap();
        let mut a = Bars::with_capacity(3, false);
        let mut b = Bars::with_capacity(3, false);
        for (bars, ds) in [(&mut a, [d(4, 11), d(4, 17), d(4, 25)]), (&mut b, [d(4, 10), d(4, 17), d(5, 2)])]
        {
            for dt in ds {
                bars.push(crate::data::Bar {
                    date: dt,
                    open: 1.0,
                    high: 1.0,
                    low: 1.0,
                    close: 1.0,
                    volume: 1.0,
                    adj_close: None,
                });
            }
        }
        assert_eq!(align_weeks(a.view(), b.view()), vec![(0, 0), (1, 1)]);
    }
}
