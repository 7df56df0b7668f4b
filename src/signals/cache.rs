//! Precomputed causal series: the analysis' full daily, weekly and 3-day bars in, the indicator
//! series the weekly, 3-day, daily and risk signals read out, so that base rates can evaluate
//! them at many past dates without recomputing them on every prefix.
//!
//! Every series here is causal: its value at bar `t` only depends on bars `..=t`, computed with
//! the same operations in the same order whatever follows. So the series computed on a prefix of
//! the bars equals the prefix of the series computed on the full bars, bit for bit, and a signal
//! evaluated on the prefix may read the first `len` values of the full series instead.
//! Pivots are stored as the full ascending list; those confirmed by `t` are the leading ones with
//! `i + right <= t`. OBV scans are stored as the scan's state after every bar.

use crate::data::Bars;
use crate::data::MacroSeries;
use crate::indicators::composite::{gmma, level_averages, squeeze, wave_hists};
use crate::indicators::obv_line::{scan_obv_states, scan_obv_states_at, ObvScan, ObvStatus};
use crate::indicators::primitives::{pctrank, pivot_highs, pivot_lows, wave_states, Wave, WaveState};
use crate::indicators::{ad, atr, macd, obv, rsi, sma};
use chrono::NaiveDate;
use std::borrow::Cow;

/// Series computed once on full bars; see the module documentation. A [`super::SignalInput`]
/// carrying one must have `daily` and `weekly` bars that are prefixes of the bars it was built
/// from.
#[derive(Debug, Clone, Default)]
pub struct Precomputed {
    /// ATR(14) of the daily bars.
    pub daily_atr14: Vec<f64>,
    /// OBV of the daily bars.
    pub daily_obv: Vec<f64>,
    /// Daily pivot highs 5/5 (all confirmed on the full bars).
    pub daily_pivot_highs5: Vec<usize>,
    /// Daily pivot lows 5/5.
    pub daily_pivot_lows5: Vec<usize>,
    /// The daily OBV scan (lookbacks 5/5) after each week-end session t (the sessions dated as
    /// the weekly bars): `(t, scan_obv(&obv[..=t], 5))`, ascending.
    pub daily_obv_scan5: Vec<(usize, ObvScan)>,
    /// F2's volume rank of each session among the 252 ending there.
    pub daily_vol_rank252: Vec<u32>,
    /// F1's level averages of daily closes (SMA 20, 50, 100, 200, EMA 21).
    pub daily_smas: [Vec<f64>; 5],
    /// F1's volume profile (point of control, high-volume nodes) of the 252 sessions ending at
    /// a leg's start session, filled as the signals ask for them.
    pub daily_profiles252: ProfileMemo,
    /// F2's distance back to the nearest earlier session with at least each session's volume
    /// (`daily::f2_bigger_dists`).
    pub daily_f2_bigger: Vec<u16>,
    /// F4's average volume of the 50 sessions before each session (`daily::f4_avg50`).
    pub daily_f4_avg50: Vec<f64>,
    /// F4's highest high of the 20 sessions before each session (`daily::f4_hmax20`).
    pub daily_f4_hmax20: Vec<f64>,
    /// ATR(14) of the weekly bars.
    pub weekly_atr14: Vec<f64>,
    /// Weekly pivot highs 2/2.
    pub weekly_pivot_highs2: Vec<usize>,
    /// The weekly OBV scan's (lookbacks 2/2) status after each bar.
    pub weekly_obv_status2: Vec<ObvStatus>,
    /// Weekly pivot lows 2/2.
    pub weekly_pivot_lows2: Vec<usize>,
    /// OBV of the weekly bars.
    pub weekly_obv: Vec<f64>,
    /// Accumulation/distribution line of the weekly bars.
    pub weekly_ad: Vec<f64>,
    /// RSI(14) of weekly closes.
    pub weekly_rsi14: Vec<f64>,
    /// Weekly Bollinger bandwidth (20, 2).
    pub weekly_bw20: Vec<f64>,
    /// D4's percentile rank of each week's bandwidth among the 104 weeks ending there (None when
    /// the bandwidth is not finite or too few weeks are present).
    pub weekly_bw_pct104: Vec<Option<f64>>,
    /// Weekly compression flags (D1).
    pub weekly_compressed: Vec<bool>,
    /// Weekly TTM squeeze on/off.
    pub weekly_ttm_on: Vec<bool>,
    /// Weekly GMMA EMAs and width.
    pub weekly_gmma: (Vec<Vec<f64>>, Vec<f64>),
    /// Weekly MACD histograms of D4.
    pub weekly_wave_hists: [Vec<f64>; 3],
    /// Their wave states.
    pub weekly_wave_states: [Vec<Option<WaveState>>; 3],
    /// Per 3-day phase: ATR(14).
    pub three_day_atr14: [Vec<f64>; 3],
    /// Per 3-day phase: the longest tight window of E1's zone ending at each bar
    /// (`three_day::zone_len`).
    pub three_day_zone_len: [Vec<u8>; 3],
    /// Per 3-day phase: whether each bar holds an event day (E3; empty until
    /// [`Precomputed::with_event_bars`]).
    pub three_day_event: [Vec<bool>; 3],
    /// Per 3-day phase: MACD(12, 26, 9) histogram.
    pub three_day_macd_hist: [Vec<f64>; 3],
    /// Per 3-day phase: wave states of that histogram.
    pub three_day_wave_states: [Vec<Option<WaveState>>; 3],
    /// Per 3-day phase: pivot lows 2/2.
    pub three_day_pivot_lows2: [Vec<usize>; 3],
    /// Per 3-day phase: pivot highs 2/2.
    pub three_day_pivot_highs2: [Vec<usize>; 3],
    /// Per 3-day phase: the waves of the MACD histogram, readable at any bar.
    pub three_day_waves: [PrefixWaves; 3],
    /// The waves of the weekly MACD(12, 26, 9) histogram (`weekly_wave_hists[1]`).
    pub weekly_waves2: PrefixWaves,
    /// The instrument/benchmark series of A1, A2 and G1 (None until [`Precomputed::with_relative`]).
    pub relative: Option<RelativePre>,
    /// Per configured macro series (the order of `SignalInput::macros`): true when its observations
    /// are plain (no vintages, releases in order, every value finite), so the observations known
    /// at a date are a prefix found by binary search (empty until [`Precomputed::with_macros`]).
    pub macro_plain: Vec<bool>,
}

/// A volume profile's point of control and high-volume nodes.
pub type ProfileLevels = Option<(f64, Vec<f64>)>;

/// Values of a causal function of one session index, kept once computed (shared by the walk's
/// threads). F1 asks for the volume profile at its leg's start, and consecutive week ends mostly
/// share that start: the profile at session s reads only sessions up to s, so the value kept
/// from one week end is the one the next would compute (and two threads computing the same s at
/// once compute the same value).
#[derive(Default)]
pub struct ProfileMemo(std::sync::Mutex<std::collections::HashMap<usize, ProfileLevels>>);

impl ProfileMemo {
    /// The value at `s`, from `f` the first time.
    pub fn get_or(&self, s: usize, f: impl FnOnce() -> ProfileLevels) -> ProfileLevels {
        if let Some(v) = self.0.lock().ok().and_then(|m| m.get(&s).cloned()) {
            return v;
        }
        let v = f();
        if let Ok(mut m) = self.0.lock() {
            m.insert(s, v.clone());
        }
        v
    }
}

impl Clone for ProfileMemo {
    fn clone(&self) -> Self {
        ProfileMemo(std::sync::Mutex::new(self.0.lock().map(|m| m.clone()).unwrap_or_default()))
    }
}

impl std::fmt::Debug for ProfileMemo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.0.lock().map(|m| m.len()).unwrap_or(0);
        write!(f, "ProfileMemo({n} sessions)")
    }
}

/// The instrument/benchmark weekly series the relative signals read, on the full bars: the
/// jointly complete weeks are a prefix of these for any prefix of both bar sets.
#[derive(Debug, Clone, Default)]
pub struct RelativePre {
    /// Instrument label of each joined week.
    pub dates: Vec<NaiveDate>,
    /// Instrument / benchmark ratio closes (NaN when undefined).
    pub r: Vec<f64>,
    /// Index into the instrument's weekly bars.
    pub ii: Vec<usize>,
    /// Index into the benchmark's weekly bars.
    pub bi: Vec<usize>,
    /// SMA(30) of `r`.
    pub r_sma30: Vec<f64>,
    /// The benchmark's weekly MACD(12, 26, 9) line of closes.
    pub bench_macd: Vec<f64>,
    /// Its histogram.
    pub bench_hist: Vec<f64>,
    /// The waves of its histogram.
    pub bench_waves: PrefixWaves,
    /// SMA(40) of the benchmark's weekly closes.
    pub bench_sma40: Vec<f64>,
}

impl RelativePre {
    /// How many joined weeks fall inside the first `ni` instrument and `nj` benchmark bars.
    pub fn joined(&self, ni: usize, nj: usize) -> usize {
        let k = self.ii.partition_point(|&i| i < ni);
        self.bi[..k].partition_point(|&j| j < nj)
    }
}

/// The waves of a histogram ([`crate::indicators::primitives::waves`]) computed once, with the
/// peak of the running wave at every bar, so the waves of any prefix `h[..=t]` are read without
/// rescanning: the full waves starting by `t`, the last one cut at `t`.
#[derive(Debug, Clone, Default)]
pub struct PrefixWaves {
    waves: Vec<Wave>,
    /// Peak index of the wave containing bar i, counted up to i (usize::MAX outside a wave).
    peak: Vec<usize>,
}

impl PrefixWaves {
    /// Indexes the waves of `h`. Linear.
    pub fn new(h: &[f64]) -> PrefixWaves {
        let waves = crate::indicators::primitives::waves(h);
        let mut peak = vec![usize::MAX; h.len()];
        for w in &waves {
            let mut best = w.start;
            for (i, slot) in peak.iter_mut().enumerate().take(w.end + 1).skip(w.start) {
                if h[i].abs() > h[best].abs() {
                    best = i;
                }
                *slot = best;
            }
        }
        PrefixWaves { waves, peak }
    }

    /// The waves of `h[..=t]`, newest first: equal to `waves(&h[..=t])` reversed. `h` is the
    /// series this index was built from.
    pub fn rev_upto<'s>(&'s self, h: &'s [f64], t: usize) -> impl Iterator<Item = Wave> + 's {
        let k = self.waves.partition_point(|w| w.start <= t);
        self.waves[..k].iter().rev().enumerate().map(move |(n, w)| {
            let mut w = *w;
            if n == 0 && w.end > t {
                w.end = t;
                w.peak_idx = self.peak[t];
                w.amplitude = h[w.peak_idx].abs();
            }
            w
        })
    }
}

impl Precomputed {
    /// Computes every series on `daily`, `weekly` and the 3-day bars of phases 0, 1, 2. Linear
    /// in bars. The independent series are computed side by side (`rayon::join`; each is a pure
    /// function of its bars, so the values do not depend on the thread count): at 1,000,000
    /// daily rows this took ~1 s on one core while the other waited.
    pub fn new(daily: &Bars, weekly: &Bars, three_day: [&Bars; 3]) -> Precomputed {
        let (pre, d) =
            rayon::join(|| Self::weekly_and_three_day(weekly, three_day), || DailySeries::of(daily, weekly));
        Precomputed {
            daily_atr14: d.atr14,
            daily_obv: d.obv,
            daily_pivot_highs5: d.pivot_highs5,
            daily_pivot_lows5: d.pivot_lows5,
            daily_obv_scan5: d.obv_scan5,
            daily_vol_rank252: d.vol_rank252,
            daily_smas: d.smas,
            daily_f2_bigger: d.f2_bigger,
            daily_f4_avg50: d.f4_avg50,
            daily_f4_hmax20: d.f4_hmax20,
            ..pre
        }
    }

    /// Adds E3's event flags of every 3-day bar (`three_day::event_bars` over all of them), the
    /// daily dates `dd` covering the bars and the configured reconstitution days `recon`.
    pub fn with_event_bars(mut self, dd: &[NaiveDate], three_day: [&Bars; 3], recon: &[NaiveDate]) -> Self {
        self.three_day_event = three_day.map(|b| {
            let ev = crate::signals::three_day::event_bars(dd, b.view(), recon, 0..b.len());
            let mut flags = vec![false; b.len()];
            for i in ev {
                flags[i] = true;
            }
            flags
        });
        self
    }

    /// The weekly and 3-day series of [`Precomputed::new`] (the daily ones left empty).
    fn weekly_and_three_day(weekly: &Bars, three_day: [&Bars; 3]) -> Precomputed {
        let last = |b: &Bars| b.len().saturating_sub(1);
        let weekly_obv = obv(&weekly.close, &weekly.volume);
        let (weekly_bw20, weekly_ttm_on) = squeeze(weekly.view());
        let weekly_wave_hists = wave_hists(&weekly.close);
        let three_day_macd_hist = three_day.map(|b| macd(&b.close, 12, 26, 9).hist);
        let weekly_bw_pct104: Vec<Option<f64>> = (0..weekly_bw20.len())
            .map(|j| if weekly_bw20[j].is_finite() { pctrank(&weekly_bw20, j, 104) } else { None })
            .collect();
        let three_day_atr14 = three_day.map(|b| atr(&b.high, &b.low, &b.close, 14));
        let three_day_zone_len = std::array::from_fn(|p| {
            (0..three_day[p].len())
                .map(|e| crate::signals::three_day::zone_len(three_day[p].view(), &three_day_atr14[p], e))
                .collect()
        });
        Precomputed {
            three_day_waves: three_day_macd_hist.each_ref().map(|h| PrefixWaves::new(h)),
            weekly_waves2: PrefixWaves::new(&weekly_wave_hists[1]),
            weekly_pivot_lows2: pivot_lows(&weekly.low, 2, 2, last(weekly)),
            weekly_ad: ad(&weekly.high, &weekly.low, &weekly.close, &weekly.volume),
            weekly_rsi14: rsi(&weekly.close, 14),
            // `compressed` of the bandwidth, read from the same percentile ranks.
            weekly_compressed: weekly_bw_pct104.iter().map(|q| q.is_some_and(|q| q <= 0.20)).collect(),
            weekly_bw_pct104,
            weekly_bw20,
            weekly_ttm_on,
            weekly_gmma: gmma(&weekly.close),
            weekly_wave_states: weekly_wave_hists.each_ref().map(|h| wave_states(h)),
            weekly_wave_hists,
            three_day_atr14,
            three_day_zone_len,
            three_day_wave_states: three_day_macd_hist.each_ref().map(|h| wave_states(h)),
            three_day_macd_hist,
            three_day_pivot_lows2: three_day.map(|b| pivot_lows(&b.low, 2, 2, last(b))),
            three_day_pivot_highs2: three_day.map(|b| pivot_highs(&b.high, 2, 2, last(b))),
            weekly_atr14: atr(&weekly.high, &weekly.low, &weekly.close, 14),
            weekly_pivot_highs2: pivot_highs(&weekly.high, 2, 2, last(weekly)),
            weekly_obv_status2: scan_obv_states(&weekly_obv, 2).into_iter().map(|s| s.status).collect(),
            weekly_obv,
            ..Precomputed::default()
        }
    }
}

/// The daily series of [`Precomputed::new`] (its `daily_*` fields, same meanings).
struct DailySeries {
    obv: Vec<f64>,
    obv_scan5: Vec<(usize, ObvScan)>,
    vol_rank252: Vec<u32>,
    smas: [Vec<f64>; 5],
    atr14: Vec<f64>,
    pivot_highs5: Vec<usize>,
    pivot_lows5: Vec<usize>,
    f2_bigger: Vec<u16>,
    f4_avg50: Vec<f64>,
    f4_hmax20: Vec<f64>,
}

impl DailySeries {
    /// Computes them on `daily` (the OBV scan at the sessions dated as `weekly`'s bars), the
    /// independent ones side by side.
    fn of(daily: &Bars, weekly: &Bars) -> DailySeries {
        let last = daily.len().saturating_sub(1);
        let ((obv, obv_scan5), vol_rank252) = rayon::join(
            || {
                let o = obv(&daily.close, &daily.volume);
                let week_ends: Vec<usize> =
                    weekly.date.iter().filter_map(|d| daily.date.binary_search(d).ok()).collect();
                let scan = scan_obv_states_at(&o, 5, &week_ends);
                (o, scan)
            },
            || vol_ranks252(&daily.volume),
        );
        let ((smas, atr14), (pivot_highs5, pivot_lows5)) = rayon::join(
            || {
                rayon::join(
                    || level_averages(&daily.close),
                    || atr(&daily.high, &daily.low, &daily.close, 14),
                )
            },
            || rayon::join(|| pivot_highs(&daily.high, 5, 5, last), || pivot_lows(&daily.low, 5, 5, last)),
        );
        let ((f4_avg50, f4_hmax20), f2_bigger) = rayon::join(
            || {
                rayon::join(
                    || (0..daily.len()).map(|d| super::daily::f4_avg50(&daily.volume, d)).collect(),
                    || (0..daily.len()).map(|d| super::daily::f4_hmax20(&daily.high, d)).collect(),
                )
            },
            || super::daily::f2_bigger_dists(&daily.volume),
        );
        DailySeries {
            obv,
            obv_scan5,
            vol_rank252,
            smas,
            atr14,
            pivot_highs5,
            pivot_lows5,
            f2_bigger,
            f4_avg50,
            f4_hmax20,
        }
    }
}

/// [`vol_rank252`](crate::indicators::composite::vol_rank252) at every index of `v`, equal to it
/// (a count, so exactly). A valid volume above q is one with max(q, 0) < x < ∞ (none above a NaN
/// q), so each session's count is 252 branch-free comparisons the compiler vectorises, over a
/// window that stays in the first-level cache; sessions are split over the thread pool (an
/// indexed collect, so in order). The Fenwick tree over the sorted distinct volumes this
/// replaced ran fewer instructions, but at 1,000,000 sessions its binary searches over 8 MB of
/// sorted values missed the cache at every step: ~13% of the 1,000,000-row render's CPU time.
fn vol_ranks252(v: &[f64]) -> Vec<u32> {
    use rayon::prelude::*;
    (0..v.len())
        .into_par_iter()
        .with_min_len(4096)
        .map(|d| {
            let q = v[d];
            if q.is_nan() {
                return 1;
            }
            let lo = q.max(0.0);
            1 + v[d.saturating_sub(251)..=d]
                .iter()
                .map(|&x| u32::from(x > lo && x < f64::INFINITY))
                .sum::<u32>()
        })
        .collect()
}

impl Precomputed {
    /// Adds the relative series of the instrument's and the benchmark's complete weekly bars
    /// (the full bars of which the walk's cuts are prefixes).
    pub fn with_relative(mut self, inst: &Bars, bench: &Bars) -> Precomputed {
        let pairs = super::series::align_weeks(inst.view(), bench.view());
        let (ic, bc) = (inst.ratio_close(), bench.ratio_close());
        let mut rel = RelativePre::default();
        for (i, j) in pairs {
            rel.dates.push(inst.date[i]);
            rel.r.push(if bc[j] > 0.0 && ic[i].is_finite() { ic[i] / bc[j] } else { f64::NAN });
            rel.ii.push(i);
            rel.bi.push(j);
        }
        rel.r_sma30 = sma(&rel.r, 30);
        let m = macd(&bench.close, 12, 26, 9);
        rel.bench_waves = PrefixWaves::new(&m.hist);
        (rel.bench_macd, rel.bench_hist) = (m.macd, m.hist);
        rel.bench_sma40 = sma(&bench.close, 40);
        self.relative = Some(rel);
        self
    }

    /// Marks which of `macros` (the order of `SignalInput::macros`) are plain; see
    /// [`Precomputed::macro_plain`].
    pub fn with_macros(mut self, macros: &[MacroSeries]) -> Precomputed {
        self.macro_plain = macros
            .iter()
            .map(|s| {
                !s.has_vintages()
                    && s.obs.windows(2).all(|w| w[0].release <= w[1].release)
                    && s.obs.iter().all(|o| o.value.is_finite())
            })
            .collect();
        self
    }
}

/// The pivots of `all` confirmed by bar `t` with right lookback `right` (`i + right <= t`): a
/// prefix, borrowed (a history walk reads it at every week end without copying).
pub fn confirmed(all: &[usize], right: usize, t: usize) -> Cow<'_, [usize]> {
    let k = all.partition_point(|&i| i + right <= t);
    Cow::Borrowed(&all[..k])
}

/// The first `n` values of a precomputed series when there is one, else `compute()` (the series
/// on the signal's own bars, of length `n`).
pub fn or_compute<T: Clone>(
    cached: Option<&[T]>,
    n: usize,
    compute: impl FnOnce() -> Vec<T>,
) -> Cow<'_, [T]> {
    match cached {
        Some(s) => Cow::Borrowed(&s[..n]),
        None => Cow::Owned(compute()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::primitives::waves;

    #[test]
    fn prefix_waves_equal_the_waves_of_every_prefix() {
        // Signs flip, zeros take the previous sign, NaN breaks a wave, ties keep the first peak.
        let h =
            [f64::NAN, 1.0, 3.0, 3.0, 0.0, 2.0, -1.0, -4.0, -2.0, f64::NAN, -1.0, 0.5, 0.5, 2.0, 0.0, -3.0];
        let pw = PrefixWaves::new(&h);
        for t in 0..h.len() {
            let mut want = waves(&h[..=t]);
            want.reverse();
            let got: Vec<Wave> = pw.rev_upto(&h, t).collect();
            assert_eq!(format!("{got:?}"), format!("{want:?}"), "t = {t}");
        }
    }

    #[test]
    fn vol_ranks_equal_the_direct_count_at_every_session() {
        // Duplicates, missing (NaN, 0, negative) and infinite volumes, windows shorter and longer
        // than 252 sessions.
        let mut seed = 11u64;
        let mut v = Vec::new();
        for i in 0..900 {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            let r = (seed >> 33) % 1000;
            v.push(match i % 97 {
                0 => f64::NAN,
                1 => 0.0,
                2 => -5.0,
                3 => f64::INFINITY,
                _ => (r % 50) as f64 * 1000.0 + if r > 900 { 0.5 } else { 0.0 },
            });
        }
        for n in [0, 1, 251, 252, 253, 900] {
            let got = vol_ranks252(&v[..n]);
            let want: Vec<u32> =
                (0..n).map(|d| crate::indicators::composite::vol_rank252(&v[..n], d) as u32).collect();
            assert_eq!(got, want, "n = {n}");
        }
    }

    #[test]
    fn confirmed_pivots_are_a_borrowed_prefix() {
        let all = [3, 8, 12, 20];
        assert_eq!(&*confirmed(&all, 2, 10), &[3, 8]);
        assert_eq!(&*confirmed(&all, 2, 14), &[3, 8, 12]);
        assert!(matches!(confirmed(&all, 2, 1), Cow::Borrowed(s) if s.is_empty()));
    }

    #[test]
    fn the_walk_cap_does_not_trigger_for_a_million_sessions() {
        // ~200,000 week ends of 1,000,000 daily rows are all walked (the walk is linear); the
        // cap is a safety net beyond that.
        assert_eq!(crate::baserates::first_week_evaluated(200_000, 1_000_000), 0);
        assert!(crate::baserates::first_week_evaluated(2_000_000, 10_000_000) > 0);
    }
}
