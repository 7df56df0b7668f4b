//! Base rates: an [`Analysis`] in, for each signal that is active now (bullish or bearish) the
//! forward returns after its earlier onsets out (issue 6, part 1). Pure: no I/O.
//!
//! Each active signal is re-evaluated point in time at the last session of every complete week
//! of the analysis, with the same signal code as [`crate::analyze`] on bars cut at that date.
//! Complete weekly and 3-day bars never change when data is appended (SIGNALS.md §1), so the bars
//! seen at a past week end are a prefix of the analysis' own resampled bars; only that prefix is
//! copied, never re-resampled. Only the signal family of an active signal is evaluated, weeks run
//! in parallel (rayon) in contiguous chunks whose cut only grows, and the result is the same
//! whatever the thread count. The expensive indicator series are causal, so they are computed once
//! on the full bars ([`crate::signals::cache::Precomputed`]) and each week end reads their prefix;
//! [`base_rates_uncached`] recomputes everything per week end and must give the same result.
//!
//! An *onset* is a week end whose state equals the signal's current state while the previous
//! week end's state was known (not unavailable) and different. The onset of the current episode
//! (the run of weeks that still has the current state) is excluded. Forward returns are measured
//! from the onset's close 20, 65 and 130 sessions later (4, 13, 26 weeks), only when that session
//! is on or before the as-of date; thesis signals (IWM/SPY) measure the excess return over the
//! benchmark instead of the price return.

use crate::data::{Bars, BarsView};
use crate::resample::Timeframe;
use crate::signals::cache::Precomputed;
use crate::signals::{SignalInput, SignalResult, State};
use crate::Analysis;
use chrono::NaiveDate;
use serde::Serialize;

/// Forward horizons: (weeks, sessions).
pub const HORIZONS: [(u32, usize); 3] = [(4, 20), (13, 65), (26, 130)];
/// The horizon the note's sentence cites.
pub const CITED_WEEKS: u32 = 13;
/// Fewer cases than this at the cited horizon are said to be too few to lean on.
pub const FEW: usize = 5;

/// Most week ends evaluated (the latest ones): a safety net, not a budget. The walk reads causal
/// series computed once and each signal's own window, so its cost is linear in week ends
/// (1,000,000 daily rows, ~200,000 week ends, are all walked); the net is for signals whose
/// window is anchored in the past by configuration (`anchor_year`) and so grows with history.
pub const MAX_WEEK_ENDS: usize = 300_000;

/// Work budget in (week ends x daily sessions) beyond which the latest week ends are kept: far
/// above 1,000,000 sessions x 200,000 week ends, so it too is only a safety net.
pub const WORK_BUDGET: usize = 1_000_000_000_000;

/// Fewest week ends evaluated however long the history (one year).
pub const MIN_WEEK_ENDS: usize = 52;

/// The first index of the `weeks` week ends to evaluate, for a history of `sessions` daily bars:
/// 0 (all) when within [`MAX_WEEK_ENDS`] and [`WORK_BUDGET`], else the start of the latest that
/// fit (at least [`MIN_WEEK_ENDS`]). Longer histories are cut with a warning and a sentence in the note.
pub fn first_week_evaluated(weeks: usize, sessions: usize) -> usize {
    let fit = (WORK_BUDGET / sessions.max(1)).clamp(MIN_WEEK_ENDS, MAX_WEEK_ENDS);
    weeks.saturating_sub(fit)
}

/// What a forward return measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// The instrument's close-to-close price change (a fraction).
    Price,
    /// The instrument's return minus the benchmark's over the same sessions (ratio closes; a
    /// fraction, rendered in percentage points).
    Excess,
}

/// Forward-return statistics at one horizon.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HorizonStats {
    /// Horizon in weeks (4, 13, 26).
    pub weeks: u32,
    /// Horizon in sessions (20, 65, 130).
    pub sessions: usize,
    /// Occurrences old enough to have an outcome at this horizon (on or before as-of).
    pub count: usize,
    /// How many of them ended higher (return > 0).
    pub n_positive: usize,
    /// `n_positive / count` (None when count is 0).
    pub share_positive: Option<f64>,
    /// Median forward return (a fraction).
    pub median: Option<f64>,
    /// Lowest forward return.
    pub worst: Option<f64>,
    /// Highest forward return.
    pub best: Option<f64>,
}

/// The base rate of one active signal.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BaseRate {
    /// Signal id.
    pub signal: &'static str,
    /// The signal's claim.
    pub claim: &'static str,
    /// Its current state (bullish or bearish), the state whose onsets are counted.
    pub state: State,
    /// What the forward returns measure.
    pub measure: Measure,
    /// The benchmark symbol for [`Measure::Excess`].
    pub versus: Option<String>,
    /// The first week end at which the signal could be assessed (None if never).
    pub since: Option<NaiveDate>,
    /// Week ends evaluated.
    pub weeks_evaluated: usize,
    /// Earlier onsets (week-end dates), oldest first; the current episode is excluded.
    pub occurrences: Vec<NaiveDate>,
    /// The onset of the current episode, when it started at a week end of the history.
    pub current_onset: Option<NaiveDate>,
    /// Fewer than [`FEW`] cases at the cited horizon.
    pub few: bool,
    /// Statistics at 4, 13 and 26 weeks.
    pub horizons: Vec<HorizonStats>,
    /// True when the walk evaluated only the last week ends of a longer history.
    pub history_cut: bool,
    /// The note's sentence (written by `narrative::history_text::base_rate_sentence`; empty
    /// until then).
    pub sentence: String,
}

impl BaseRate {
    /// The statistics at `weeks`, if that horizon was computed.
    pub fn horizon(&self, weeks: u32) -> Option<&HorizonStats> {
        self.horizons.iter().find(|h| h.weeks == weeks)
    }
}

pub(crate) use crate::signals::catalog::Family;

pub use crate::resample::complete_prefix;

/// The benchmark's daily and complete weekly bars and the mid-cap's complete weekly bars as of
/// `d` (the relative family's extra inputs), borrowed prefixes of the analysis' own.
#[allow(clippy::type_complexity)]
fn relative_bars(
    a: &Analysis,
    d: NaiveDate,
) -> (Option<BarsView<'_>>, Option<BarsView<'_>>, Option<BarsView<'_>>) {
    let weekly_prefix = |r: &Bars, last: NaiveDate| complete_prefix(r, Timeframe::Weekly, 0, last);
    let (mut bench_daily, mut bench_weekly, mut mid_weekly) = (None, None, None);
    if let (Some(bd), Some(bw)) = (&a.bench_daily, &a.bench_weekly) {
        let n = bd.date.partition_point(|x| *x <= d);
        bench_daily = Some(bd.prefix(n));
        bench_weekly = Some(match n {
            0 => BarsView::default(),
            _ => bw.bars.prefix(weekly_prefix(&bw.bars, bd.date[n - 1])),
        });
    }
    if let (Some(m), Some(mw)) = (&a.dataset.mid_cap, &a.mid_weekly) {
        mid_weekly = Some(match last_on_or_before(&m.bars.date, d) {
            Some(last) => mw.bars.prefix(weekly_prefix(&mw.bars, last)),
            None => BarsView::default(),
        });
    }
    (bench_daily, bench_weekly, mid_weekly)
}

/// The last date of `dates` on or before `d`.
fn last_on_or_before(dates: &[NaiveDate], d: NaiveDate) -> Option<NaiveDate> {
    let n = dates.partition_point(|x| *x <= d);
    (n > 0).then(|| dates[n - 1])
}

/// The bars every signal of a family would see if the note were computed as of `d`: borrowed
/// prefixes of the analysis' bars (complete weekly and 3-day bars never change when data is
/// appended), so a week end of the walk copies no bar (issue 11, part 4: the owned copies were
/// most of the 1,000,000-row walk's peak memory).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Cut<'a> {
    daily: BarsView<'a>,
    weekly: BarsView<'a>,
    three_day: [BarsView<'a>; 3],
    bench_daily: Option<BarsView<'a>>,
    bench_weekly: Option<BarsView<'a>>,
    mid_weekly: Option<BarsView<'a>>,
}

impl<'a> Cut<'a> {
    /// Cuts the analysis' bars at instrument session index `di` (date `d`) for one family, or for
    /// every family with `fam = None`. A family that does not read an input sees it empty.
    pub(crate) fn new(a: &'a Analysis, fam: impl Into<Option<Family>>, di: usize) -> Cut<'a> {
        let fam: Option<Family> = fam.into();
        let d = a.daily.date[di];
        let wb = &a.weekly.bars;
        let weekly = wb.prefix(complete_prefix(wb, Timeframe::Weekly, 0, d));
        let daily =
            if fam.is_none_or(Family::needs_daily) { a.daily.prefix(di + 1) } else { BarsView::default() };
        let three_day = if fam.is_none_or(|f| f == Family::ThreeDay) {
            [0u8, 1, 2].map(|p| {
                let b = &a.three_day[usize::from(p)].bars;
                b.prefix(complete_prefix(b, Timeframe::ThreeDay, p, d))
            })
        } else {
            Default::default()
        };
        let (bench_daily, bench_weekly, mid_weekly) =
            if fam.is_none_or(|f| f == Family::Relative) { relative_bars(a, d) } else { (None, None, None) };
        Cut { daily, weekly, three_day, bench_daily, bench_weekly, mid_weekly }
    }

    /// The signals' input at `as_of` over this cut.
    pub(crate) fn input(
        &self,
        a: &'a Analysis,
        as_of: NaiveDate,
        pre: Option<&'a Precomputed>,
    ) -> SignalInput<'a> {
        SignalInput {
            as_of,
            symbol: &a.dataset.instrument.symbol,
            bench_symbol: a.dataset.benchmark.as_ref().map(|b| b.symbol.as_str()),
            daily: self.daily,
            weekly: self.weekly,
            three_day: self.three_day,
            bench_daily: self.bench_daily,
            bench_weekly: self.bench_weekly,
            mid_weekly: self.mid_weekly,
            macros: &a.dataset.macros,
            params: &a.config.signals,
            pre,
        }
    }
}

/// Evaluates one signal family point in time at instrument session index `di` of the analysis,
/// reading `pre` (computed on the analysis' daily and weekly bars) when given.
#[cfg(test)]
fn evaluate_at(a: &Analysis, fam: Family, di: usize, pre: Option<&Precomputed>) -> Vec<SignalResult> {
    let cut = Cut::new(a, fam, di);
    fam.evaluate(&cut.input(a, a.daily.date[di], pre))
}

/// Onsets of `current` in a weekly state sequence: indices `w` with `states[w] == current` whose
/// previous state is known (not unavailable) and different. Returns the earlier onsets and,
/// separately, the onset of the current episode (the run of `current` that reaches the last
/// week), which is excluded from the earlier ones.
pub fn onsets(states: &[State], current: State) -> (Vec<usize>, Option<usize>) {
    let mut out: Vec<usize> = (1..states.len())
        .filter(|&w| states[w] == current && states[w - 1] != current && states[w - 1] != State::Unavailable)
        .collect();
    let mut current_onset = None;
    if states.last() == Some(&current) {
        let start = states.iter().rposition(|s| *s != current).map_or(0, |i| i + 1);
        if out.last() == Some(&start) {
            current_onset = out.pop();
        }
    }
    (out, current_onset)
}

/// Statistics of a set of forward returns (non-finite values are skipped).
pub fn horizon_stats(weeks: u32, sessions: usize, returns: &[f64]) -> HorizonStats {
    let mut v: Vec<f64> = returns.iter().copied().filter(|r| r.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    let count = v.len();
    let n_positive = v.iter().filter(|r| **r > 0.0).count();
    let median = match count {
        0 => None,
        n if n % 2 == 1 => Some(v[n / 2]),
        n => Some((v[n / 2 - 1] + v[n / 2]) / 2.0),
    };
    HorizonStats {
        weeks,
        sessions,
        count,
        n_positive,
        share_positive: (count > 0).then(|| n_positive as f64 / count as f64),
        median,
        worst: v.first().copied(),
        best: v.last().copied(),
    }
}

/// The forward return from instrument session `di` to `di + h`, or None when that session is
/// after the as-of date (or, for excess returns, the benchmark has no bar on either date).
pub(crate) fn forward(a: &Analysis, measure: Measure, di: usize, h: usize) -> Option<f64> {
    let j = di.checked_add(h).filter(|&j| j < a.daily.len())?;
    match measure {
        Measure::Price => Some(a.daily.close[j] / a.daily.close[di] - 1.0),
        Measure::Excess => {
            let b = a.bench_daily.as_ref()?;
            let at = |d: NaiveDate| b.date.binary_search(&d).ok().map(|k| b.ratio_close()[k]);
            let (b0, b1) = (at(a.daily.date[di])?, at(a.daily.date[j])?);
            let c = a.daily.ratio_close();
            Some((c[j] / c[di] - 1.0) - (b1 / b0 - 1.0))
        }
    }
}

/// Base rates from a week-end state sequence: `weeks[w]` is the instrument session index of week
/// end `w` and `states[w]` the signal's state there. Pure given the analysis' daily bars.
fn from_states(
    a: &Analysis,
    r: &SignalResult,
    measure: Measure,
    weeks: &[usize],
    states: &[State],
) -> BaseRate {
    let (occ, cur) = onsets(states, r.state);
    let since = states.iter().position(|s| *s != State::Unavailable).map(|w| a.daily.date[weeks[w]]);
    let horizons: Vec<HorizonStats> = HORIZONS
        .iter()
        .map(|&(wk, h)| {
            let rets: Vec<f64> = occ.iter().filter_map(|&w| forward(a, measure, weeks[w], h)).collect();
            horizon_stats(wk, h, &rets)
        })
        .collect();
    let cited = horizons.iter().find(|h| h.weeks == CITED_WEEKS).map_or(0, |h| h.count);
    let br = BaseRate {
        signal: r.id,
        claim: r.claim,
        state: r.state,
        measure,
        versus: match measure {
            Measure::Excess => a.dataset.benchmark.as_ref().map(|b| b.symbol.clone()),
            Measure::Price => None,
        },
        since,
        weeks_evaluated: states.len(),
        occurrences: occ.iter().map(|&w| a.daily.date[weeks[w]]).collect(),
        current_onset: cur.map(|w| a.daily.date[weeks[w]]),
        few: cited < FEW,
        horizons,
        history_cut: false,
        sentence: String::new(),
    };
    br
}

/// The base rates of every signal that is bullish or bearish in `a`, in signal order.
///
/// Cost: one walk over the complete weeks of history ([`crate::history::walk`], shared with the
/// track record when both are wanted); the expensive causal series (ATR, OBV and its scan,
/// pivots) are computed once on the full bars ([`Precomputed`]) and read up to each week end.
pub fn base_rates(a: &Analysis) -> Vec<BaseRate> {
    base_rates_from_walk(a, &crate::history::walk(a))
}

/// [`base_rates`] without the precomputed series: every signal recomputes everything on each
/// prefix, exactly as [`crate::analyze`] would. Slower; the reference the fast path is tested
/// against.
pub fn base_rates_uncached(a: &Analysis) -> Vec<BaseRate> {
    base_rates_from_walk(a, &crate::history::walk_with(a, None))
}

/// The base rates of the active signals of `a`, read from a walk over its week ends.
pub fn base_rates_from_walk(a: &Analysis, walk: &crate::history::Walk) -> Vec<BaseRate> {
    let weeks: Vec<usize> = walk.rows.iter().map(|r| r.di).collect();
    a.signals
        .iter()
        .filter(|r| matches!(r.state, State::Bullish | State::Bearish))
        .filter_map(|r| Family::of(r.group).map(|f| (r, f)))
        .map(|(r, fam)| {
            let states: Vec<State> = walk.rows.iter().map(|row| row.state_of(r.id)).collect();
            let measure = if fam == Family::Relative { Measure::Excess } else { Measure::Price };
            let mut br = from_states(a, r, measure, &weeks, &states);
            br.history_cut = walk.skipped > 0;
            br
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use State::{Bearish as Be, Bullish as Bu, Neutral as Ne, Unavailable as Un};

    #[test]
    fn onsets_need_a_known_different_previous_state_and_skip_the_current_episode() {
        // 0:Un 1:Bu (after Un: not an onset) 2:Ne 3:Bu (onset) 4:Bu 5:Be 6:Bu (onset) 7:Un 8:Bu
        // (after Un: no) 9:Ne 10:Bu (current episode onset) 11:Bu
        let s = [Un, Bu, Ne, Bu, Bu, Be, Bu, Un, Bu, Ne, Bu, Bu];
        assert_eq!(onsets(&s, Bu), (vec![3, 6], Some(10)));
        // The last week differs from the current state: nothing to exclude.
        let s = [Ne, Bu, Ne, Bu, Ne];
        assert_eq!(onsets(&s, Bu), (vec![1, 3], None));
        // The current episode started with the history (no known previous state).
        let s = [Bu, Bu, Ne, Bu, Ne, Bu, Bu];
        assert_eq!(onsets(&s, Bu), (vec![3], Some(5)));
        let s = [Bu, Bu, Bu];
        assert_eq!(onsets(&s, Bu), (vec![], None));
        assert_eq!(onsets(&[], Be), (vec![], None));
        // Bearish onsets count from neutral and from bullish alike.
        let s = [Ne, Be, Bu, Be, Ne];
        assert_eq!(onsets(&s, Be), (vec![1, 3], None));
    }

    #[test]
    fn horizon_stats_by_hand() {
        let h = horizon_stats(13, 65, &[0.05, -0.10, 0.02, 0.0, 0.08, f64::NAN]);
        assert_eq!((h.count, h.n_positive), (5, 3));
        assert_eq!(h.share_positive, Some(0.6));
        assert_eq!(h.median, Some(0.02));
        assert_eq!(h.worst, Some(-0.10));
        assert_eq!(h.best, Some(0.08));
        let h = horizon_stats(4, 20, &[0.04, -0.02, 0.01, 0.03]);
        assert_eq!(h.median, Some(0.02));
        let h = horizon_stats(4, 20, &[]);
        assert_eq!((h.count, h.share_positive, h.median, h.worst), (0, None, None, None));
    }

    #[test]
    fn precomputed_series_give_identical_signal_results_at_every_week_end() {
        // Not just the states: every evidence value, flag and sentence of the families that read
        // the precomputed series equals the recomputed one (Debug text, so NaN equals NaN).
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let cfg = crate::config::NoteConfig::load(&dir.join("samples/iwm.toml")).unwrap();
        let ds = crate::data::load(&cfg).unwrap();
        let a = crate::analyze(&cfg, ds, NaiveDate::from_ymd_opt(2026, 8, 21)).unwrap();
        let pre = crate::history::precompute(&a);
        let weeks: Vec<usize> =
            a.weekly.bars.date.iter().filter_map(|d| a.daily.date.binary_search(d).ok()).collect();
        assert!(weeks.len() > 500);
        let mut assessed = 0;
        for fam in
            [Family::Risk, Family::Daily, Family::Weekly, Family::ThreeDay, Family::Relative, Family::Macro]
        {
            for &di in weeks.iter().step_by(3).chain(weeks.last()) {
                let fast = evaluate_at(&a, fam, di, Some(&pre));
                let slow = evaluate_at(&a, fam, di, None);
                assert_eq!(format!("{fast:?}"), format!("{slow:?}"), "{fam:?} at {}", a.daily.date[di]);
                assessed += fast.iter().filter(|r| r.state != State::Unavailable).count();
            }
        }
        assert!(assessed > 500);
    }

    #[test]
    fn a_cut_borrows_the_prefix_an_owned_copy_would_hold() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let cfg = crate::config::NoteConfig::load(&dir.join("samples/iwm.toml")).unwrap();
        let ds = crate::data::load(&cfg).unwrap();
        let a = crate::analyze(&cfg, ds, NaiveDate::from_ymd_opt(2026, 8, 21)).unwrap();
        let weeks: Vec<usize> =
            a.weekly.bars.date.iter().filter_map(|d| a.daily.date.binary_search(d).ok()).collect();
        // The owned copies the walk made before the view: `slice(0, n)` of each full series.
        let wk = |b: &Bars, last: NaiveDate| b.slice(0, complete_prefix(b, Timeframe::Weekly, 0, last));
        for &di in weeks.iter().step_by(5).chain([&(a.daily.len() - 2), &(a.daily.len() - 1)]) {
            let d = a.daily.date[di];
            let cut = Cut::new(&a, None, di);
            assert_eq!(cut.daily.to_bars(), a.daily.slice(0, di + 1), "{d}");
            assert_eq!(cut.weekly.to_bars(), wk(&a.weekly.bars, d), "{d}");
            for p in 0..3u8 {
                let b = &a.three_day[usize::from(p)].bars;
                let owned = b.slice(0, complete_prefix(b, Timeframe::ThreeDay, p, d));
                assert_eq!(cut.three_day[usize::from(p)].to_bars(), owned, "{d} phase {p}");
            }
            let (bd, bw) = (a.bench_daily.as_ref().unwrap(), &a.bench_weekly.as_ref().unwrap().bars);
            let n = bd.date.partition_point(|x| *x <= d);
            assert_eq!(cut.bench_daily.unwrap().to_bars(), bd.slice(0, n), "{d}");
            assert_eq!(cut.bench_weekly.unwrap().to_bars(), wk(bw, bd.date[n - 1]), "{d}");
            assert!(cut.daily.adj_close.is_some() == a.daily.adj_close.is_some());
            // A family that does not read the daily bars sees none.
            assert!(Cut::new(&a, Family::Weekly, di).daily.is_empty());
        }
    }
}
