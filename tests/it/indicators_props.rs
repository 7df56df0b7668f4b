//! Property tests: indicators against naive definitions on random series.

use marketnote::indicators::{self as ind, primitives as p};
use proptest::prelude::*;

fn series() -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(1.0f64..200.0, 1..120)
}

fn nan_prefix(v: &[f64]) -> usize {
    v.iter().take_while(|x| x.is_nan()).count()
}

proptest! {
    #[test]
    fn windows_match_naive(x in series(), n in 1usize..30) {
        let s = ind::sma(&x, n);
        let mx = ind::rolling_max(&x, n);
        let mn = ind::rolling_min(&x, n);
        prop_assert_eq!(s.len(), x.len());
        prop_assert_eq!(nan_prefix(&s), (n - 1).min(x.len()));
        for t in n - 1..x.len() {
            let w = &x[t + 1 - n..=t];
            let mean = w.iter().sum::<f64>() / n as f64;
            prop_assert!((s[t] - mean).abs() <= 1e-9 * mean.abs().max(1.0));
            prop_assert_eq!(mx[t], w.iter().cloned().fold(f64::MIN, f64::max));
            prop_assert_eq!(mn[t], w.iter().cloned().fold(f64::MAX, f64::min));
            if n >= 2 {
                prop_assert_eq!(ind::linreg_slope(&x, n)[t].to_bits(), p::ols(w).unwrap().slope.to_bits());
            }
        }
    }

    #[test]
    fn lookbacks_hold(x in series(), n in 2usize..20) {
        let lb = |v: &[f64], k: usize| nan_prefix(v) == k.min(x.len());
        prop_assert!(lb(&ind::ema(&x, n), n - 1));
        prop_assert!(lb(&ind::rsi(&x, n), n));
        prop_assert!(lb(&ind::roc(&x, n), n));
        prop_assert!(lb(&ind::atr(&x, &x, &x, n), n));
        prop_assert!(lb(&ind::stddev(&x, n), n - 1));
        prop_assert!(lb(&ind::macd(&x, n, n + 3, 2).hist, n + 3));
        let r = ind::rsi(&x, n);
        prop_assert!(r.iter().skip(n).all(|v| (0.0..=100.0).contains(v)));
        let sd = ind::stddev(&x, n);
        prop_assert!(sd.iter().skip(n - 1).all(|v| *v >= 0.0));
    }

    #[test]
    fn obv_steps_are_signed_volume(c in series(), seed in 0u64..1000) {
        let v: Vec<f64> = (0..c.len()).map(|i| ((i as u64 * 7919 + seed) % 1000) as f64).collect();
        let o = ind::obv(&c, &v);
        for i in 1..c.len() {
            let step = o[i] - o[i - 1];
            let want = if v[i] <= 0.0 { 0.0 } else if c[i] > c[i - 1] { v[i] } else if c[i] < c[i - 1] { -v[i] } else { 0.0 };
            prop_assert_eq!(step, want);
        }
    }

    #[test]
    fn pivots_match_definition(x in series(), left in 0usize..4, right in 0usize..4) {
        let t = x.len() - 1;
        let got = p::pivot_highs(&x, left, right, t);
        let want: Vec<usize> = (left..x.len())
            .filter(|&i| i + right <= t)
            .filter(|&i| x[i - left..i].iter().all(|&w| x[i] > w) && x[i + 1..=i + right].iter().all(|&w| x[i] >= w))
            .collect();
        prop_assert_eq!(got, want);
    }

    #[test]
    fn drawdown_episodes_are_ordered_and_sane(c in series()) {
        let h: Vec<f64> = c.iter().map(|v| v + 1.0).collect();
        let l: Vec<f64> = c.iter().map(|v| v - 1.0).collect();
        let eps = p::drawdown_episodes(&h, &l, &c, 0, c.len() - 1);
        let mut prev_end = 0;
        for (k, e) in eps.iter().enumerate() {
            prop_assert!(e.start >= 1 && e.start >= prev_end);
            prop_assert!(e.trough_idx >= e.start);
            prop_assert!(e.depth > 0.0);
            prop_assert_eq!(e.down_bars, e.trough_idx + 1 - e.start);
            prop_assert!(c[e.start] < e.peak);
            match e.end {
                Some(end) => {
                    prop_assert!(c[end] >= e.peak && end > e.trough_idx);
                    prop_assert!(e.recov_bars.is_some());
                    prev_end = end;
                }
                None => prop_assert_eq!(k, eps.len() - 1),
            }
        }
    }

    #[test]
    fn waves_partition_signed_bars(h in prop::collection::vec(-5.0f64..5.0, 0..80)) {
        let w = p::waves(&h);
        let covered: usize = w.iter().map(|w| w.age()).sum();
        let first_signed = h.iter().position(|v| *v != 0.0).unwrap_or(h.len());
        prop_assert_eq!(covered, h.len() - first_signed);
        for pair in w.windows(2) {
            prop_assert_eq!(pair[0].end + 1, pair[1].start);
            prop_assert!(pair[0].positive != pair[1].positive);
        }
        for wave in &w {
            prop_assert!(h[wave.start..=wave.end].iter().all(|v| v.abs() <= wave.amplitude));
        }
    }
}
