//! History: the note's own signals and stance re-evaluated point in time at every complete week
//! end of the analysis (issue 11), and what followed. Pure: no I/O.
//!
//! [`walk`] is the one pass over the week ends: at each it cuts the analysis' bars at that date
//! (complete weekly and 3-day bars never change when data is appended, so the cut is a prefix),
//! runs [`crate::signals::evaluate`] and [`crate::signals::stance::decide`] (score, invalidation
//! levels assessed on the cut's bars, the invalidation rule) — the same code path as
//! [`crate::analyze`] — and keeps every signal's state and strength, the score and the stance.
//! The expensive causal series are computed once on the full bars
//! ([`crate::signals::cache::Precomputed`]) and read up to each week end. Weeks run in parallel in
//! contiguous chunks whose cut only grows; the result does not depend on the thread count.
//!
//! Base rates ([`crate::baserates::base_rates_from_walk`]), the track record ([`track_record`])
//! and the `backtest` command ([`backtest_csv`]) all read the same walk.

pub mod edge;

use crate::baserates::{forward, Cut, Measure, HORIZONS};
use crate::signals::cache::Precomputed;
use crate::signals::catalog::{SignalId, ALL};
use crate::signals::stance::StanceKind;
use crate::signals::{self, State};
use crate::Analysis;
use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;

/// The horizon the note's sentence and table cite, in weeks.
pub const CITED_WEEKS: u32 = 13;

/// One week end of the walk.
#[derive(Debug, Clone, PartialEq)]
pub struct WeekRow {
    /// Instrument session index of the week end in the analysis' daily bars.
    pub di: usize,
    /// The week end's date.
    pub date: NaiveDate,
    /// Every signal's (id, state, strength), in SIGNALS.md order. 16 bytes a signal (a string id
    /// made it 32): the 1,000,000-row walk keeps ~200,000 rows of 25.
    pub signals: Box<[(SignalId, State, f64)]>,
    /// The score S in [-1, 1].
    pub score: f64,
    /// The weighted share of signals available.
    pub coverage: f64,
    /// The stance after overrides.
    pub stance: StanceKind,
}

impl WeekRow {
    /// The state of signal `id` (unavailable when it was not evaluated).
    pub fn state_of(&self, id: &str) -> State {
        self.signals.iter().find(|(i, ..)| i.as_str() == id).map_or(State::Unavailable, |s| s.1)
    }
}

/// Every complete week end of an analysis, oldest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Walk {
    /// One row per week end.
    pub rows: Vec<WeekRow>,
    /// Week ends left out at the start because the history is too long to walk in a few seconds
    /// ([`crate::baserates::first_week_evaluated`]); 0 for the sample.
    pub skipped: usize,
}

/// Walks every complete week end of `a` with the precomputed causal series.
pub fn walk(a: &Analysis) -> Walk {
    map_large_blocks(a.daily.len());
    walk_with(a, Some(&precompute(a)))
}

/// Histories from this many sessions have their large blocks mapped on their own
/// ([`map_large_blocks`]); shorter ones keep glibc's default.
const MAP_FROM_SESSIONS: usize = 100_000;

/// For a long history (at least [`MAP_FROM_SESSIONS`] daily bars), makes glibc give every block
/// of 1 MiB or more its own mapping, returned to the system when freed. glibc's default
/// threshold rises to the largest mapping freed (the bar file's bytes, 48 MB at 1,000,000 rows),
/// after which the precomputed series' 8 MB temporaries come from the heap and stay resident
/// once freed: 1,000,000 rows peaked at 513 MB, 424 MB with this. Not for short histories: on
/// the sample every chart canvas would be mapped afresh, +8,000 page faults, +8% CPU. Results do
/// not depend on it; other platforms and allocators are left alone.
fn map_large_blocks(sessions: usize) {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if sessions >= MAP_FROM_SESSIONS {
        /// glibc's `mallopt` parameter that fixes the size from which a block is its own mapping.
        const M_MMAP_THRESHOLD: std::ffi::c_int = -3;
        unsafe extern "C" {
            /// glibc `int mallopt(int param, int value)`: 1 on success, 0 on error.
            fn mallopt(param: std::ffi::c_int, value: std::ffi::c_int) -> std::ffi::c_int;
        }
        // SAFETY: mallopt takes the allocator's lock and only changes its tuning (thread-safe);
        // a refusal (0) leaves glibc's default in place.
        unsafe {
            mallopt(M_MMAP_THRESHOLD, 1 << 20);
        }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    let _ = sessions;
}

/// The causal series every signal of the walk reads, computed once on the analysis' full bars:
/// the instrument's, the relative ones against the benchmark, and which macro series are plain.
pub fn precompute(a: &Analysis) -> Precomputed {
    let three_day = a.three_day.each_ref().map(|r| &r.bars);
    let mut pre = Precomputed::new(&a.daily, &a.weekly.bars, three_day).with_event_bars(
        &a.daily.date,
        three_day,
        &a.config.signals.reconstitution_days,
    );
    if let Some(bw) = &a.bench_weekly {
        pre = pre.with_relative(&a.weekly.bars, &bw.bars);
    }
    pre.with_macros(&a.dataset.macros)
}

/// [`walk`] reading `pre` when given; without it every week end recomputes everything on its
/// own cut (the reference path, slower, same result).
pub fn walk_with(a: &Analysis, pre: Option<&Precomputed>) -> Walk {
    let mut weeks: Vec<usize> =
        a.weekly.bars.date.iter().filter_map(|d| a.daily.date.binary_search(d).ok()).collect();
    let skipped = crate::baserates::first_week_evaluated(weeks.len(), a.daily.len());
    if skipped > 0 {
        eprintln!(
            "warning: base rates and the track record evaluate only the last {} of {} week ends (the \
             history is too long to evaluate in a few seconds); the note says so",
            weeks.len() - skipped,
            weeks.len()
        );
        weeks.drain(..skipped);
    }
    let chunk = match pre {
        Some(_) => weeks.len().div_ceil(4 * rayon::current_num_threads()).max(1),
        None => 1,
    };
    let rows: Vec<Vec<WeekRow>> = weeks
        .par_chunks(chunk)
        .map(|part| {
            part.iter()
                .map(|&di| {
                    // Borrowed prefixes of the analysis' bars: no copy per week end.
                    let c = Cut::new(a, None, di);
                    let date = a.daily.date[di];
                    let input = c.input(a, date, pre);
                    let results = signals::without_sentences(|| signals::evaluate(&input));
                    // The note's own stance function, invalidation rule included.
                    let st = signals::stance::decide(&results, &input);
                    WeekRow {
                        di,
                        date,
                        signals: compact(&results),
                        score: st.score,
                        coverage: st.coverage,
                        stance: st.stance,
                    }
                })
                .collect()
        })
        .collect();
    Walk { rows: rows.into_iter().flatten().collect(), skipped }
}

/// Every result's (id, state, strength) in one allocation of the exact size: a growing vector
/// shrunk to fit left freed blocks between the long-lived rows, and malloc's free lists made the
/// 200,000-row walk ~15% slower.
fn compact(results: &[signals::SignalResult]) -> Box<[(SignalId, State, f64)]> {
    let mut v = Vec::with_capacity(results.len());
    v.extend(
        results.iter().enumerate().filter_map(|(i, r)| Some((catalog_id(i, r.id)?, r.state, r.strength))),
    );
    v.into_boxed_slice()
}

/// The catalog id of the `i`-th result, whose string id is `id`: results come in catalog order,
/// so `ALL[i]` is tried first. Every result's id is a catalog id (they are built from
/// [`SignalId::as_str`]), so None does not occur.
fn catalog_id(i: usize, id: &str) -> Option<SignalId> {
    ALL.get(i).copied().filter(|c| c.as_str() == id).or_else(|| SignalId::parse(id))
}

/// Forward-return statistics of one group of week ends at one horizon (fractions; None when the
/// group has no outcome yet).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    /// Week ends with an outcome at this horizon (on or before the as-of date).
    pub count: usize,
    /// Share of them with a positive return.
    pub share_higher: Option<f64>,
    /// Median return.
    pub median: Option<f64>,
    /// Mean return.
    pub mean: Option<f64>,
    /// Lowest return.
    pub worst: Option<f64>,
}

impl Outcome {
    /// Statistics of `v` (non-finite values skipped).
    pub fn of(v: &[f64]) -> Outcome {
        let mut v: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
        v.sort_by(f64::total_cmp);
        let n = v.len();
        let median = match n {
            0 => None,
            n if n % 2 == 1 => Some(v[n / 2]),
            n => Some((v[n / 2 - 1] + v[n / 2]) / 2.0),
        };
        Outcome {
            count: n,
            share_higher: (n > 0).then(|| v.iter().filter(|x| **x > 0.0).count() as f64 / n as f64),
            median,
            mean: (n > 0).then(|| v.iter().sum::<f64>() / n as f64),
            worst: v.first().copied(),
        }
    }
}

/// What followed one stance at one horizon.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StanceOutcome {
    /// `Long`, `Neutral` or `Short`.
    pub stance: StanceKind,
    /// Week ends with this stance (with or without an outcome yet).
    pub weeks: usize,
    /// The instrument's price return.
    pub price: Outcome,
    /// The instrument's return minus the benchmark's (None without a benchmark).
    pub relative: Option<Outcome>,
}

/// What followed a group of week ends that is not one stance (all of them).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupOutcome {
    /// Week ends in the group (with or without an outcome yet).
    pub weeks: usize,
    /// The instrument's price return.
    pub price: Outcome,
    /// The instrument's return minus the benchmark's (None without a benchmark).
    pub relative: Option<Outcome>,
}

/// The track record at one horizon.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrackHorizon {
    /// Horizon in weeks (4, 13, 26).
    pub weeks: u32,
    /// Horizon in sessions (20, 65, 130).
    pub sessions: usize,
    /// Long, Neutral, Short, in that order: the score's reading before the record check.
    pub by_stance: Vec<StanceOutcome>,
    /// Long and Short: of `by_stance`'s week ends of that reading, those the note printed as such
    /// (the record check, as of each week end, let them stand).
    pub printed: Vec<StanceOutcome>,
    /// Long and Short: of `by_stance`'s week ends of that reading, those the record check held at
    /// Neutral (`printed` and `held` add up to the reading's row).
    pub held: Vec<StanceOutcome>,
    /// Every counted week end, whatever its stance: the base line the record check and the
    /// table's Read column compare with.
    pub all: GroupOutcome,
    /// Spearman rank correlation of the score with the forward price return (overlapping
    /// windows; None with fewer than 3 outcomes).
    pub rank_corr_price: Option<f64>,
    /// Spearman rank correlation of the score with the forward relative return.
    pub rank_corr_relative: Option<f64>,
    /// Week ends with a price outcome at this horizon.
    pub n: usize,
}

/// The stance's own track record: every week end since the score had enough coverage, grouped
/// by the stance the note would have printed then, with what followed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrackRecord {
    /// The first week end counted (coverage at least 0.5, so the stance is not the
    /// insufficient-data default); None if none.
    pub since: Option<NaiveDate>,
    /// The last week end counted.
    pub until: Option<NaiveDate>,
    /// Week ends counted.
    pub weeks: usize,
    /// The benchmark the relative return is measured against.
    pub versus: Option<String>,
    /// Statistics at 4, 13 and 26 weeks.
    pub horizons: Vec<TrackHorizon>,
    /// The note's plain sentence.
    pub sentence: String,
    /// Every counted week end with its score and what followed at the cited horizon, oldest
    /// first: what the track-record chart draws (not in `signals.json`).
    #[serde(skip)]
    pub points: Vec<TrackPoint>,
    /// Counted week ends whose score was past the Long or Short threshold but which read
    /// Neutral before the record check (an idea's invalidation level had triggered, or another
    /// override held it): the table counts them as Neutral, and says so (review 29).
    #[serde(skip)]
    pub past_threshold_neutral: usize,
}

/// One week end of the track record: the score then and the forward return at
/// [`CITED_WEEKS`] (relative to the benchmark when there is one, else the price return).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrackPoint {
    /// The week end.
    pub date: NaiveDate,
    /// The score S in [-1, 1] computed point in time at that week end.
    pub score: f64,
    /// The score's stance then, before the record check (what the track record's table counts).
    pub stance: StanceKind,
    /// The stance the note printed then: [`TrackPoint::stance`], or Neutral where the record
    /// check as of that week end vetoed it ([`edge::published_stances`]; the track chart's strip).
    pub published: StanceKind,
    /// The forward return over the next [`CITED_WEEKS`] weeks (a fraction; None while the
    /// horizon is after the as-of date).
    pub forward: Option<f64>,
}

impl TrackRecord {
    /// The statistics at `weeks`, if that horizon was computed.
    pub fn horizon(&self, weeks: u32) -> Option<&TrackHorizon> {
        self.horizons.iter().find(|h| h.weeks == weeks)
    }
}

/// Average ranks (1-based; ties share the mean of their ranks).
fn ranks(v: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..v.len()).collect();
    idx.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
    let mut r = vec![0.0; v.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && v[idx[j + 1]] == v[idx[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for k in i..=j {
            r[idx[k]] = avg;
        }
        i = j + 1;
    }
    r
}

/// Spearman's rank correlation of paired values (the Pearson correlation of their average
/// ranks). None with fewer than 3 pairs or a constant side.
pub fn spearman(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len().min(y.len());
    if n < 3 {
        return None;
    }
    let (rx, ry) = (ranks(&x[..n]), ranks(&y[..n]));
    let m = (n as f64 + 1.0) / 2.0;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for k in 0..n {
        let (a, b) = (rx[k] - m, ry[k] - m);
        sxy += a * b;
        sxx += a * a;
        syy += b * b;
    }
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}

/// The rows of the walk the track record counts: coverage at least 0.5.
fn counted(walk: &Walk) -> impl Iterator<Item = &WeekRow> {
    walk.rows.iter().filter(|r| is_counted(r))
}

/// Whether the track record counts week end `r` (coverage at least 0.5).
fn is_counted(r: &WeekRow) -> bool {
    r.coverage >= 0.5
}

/// The track record of `a`'s stance over the week ends of `walk` (a walk of `a`).
pub fn track_record(a: &Analysis, walk: &Walk) -> TrackRecord {
    let rows: Vec<&WeekRow> = counted(walk).collect();
    let has_bench = a.bench_daily.is_some();
    // The stance each counted week end's note printed (the record check applied as of then).
    let published: Vec<StanceKind> = walk
        .rows
        .iter()
        .zip(edge::published_stances(a, walk, a.config.signals.record_check))
        .filter(|(r, _)| is_counted(r))
        .map(|(_, p)| p)
        .collect();
    let horizons = HORIZONS
        .iter()
        .map(|&(weeks, h)| {
            let price: Vec<Option<f64>> = rows.iter().map(|r| forward(a, Measure::Price, r.di, h)).collect();
            let rel: Vec<Option<f64>> = rows.iter().map(|r| forward(a, Measure::Excess, r.di, h)).collect();
            // The outcomes of the counted week ends `keep` (given the reading and the printed
            // stance) selects.
            let group = |keep: &dyn Fn(StanceKind, StanceKind) -> bool| -> GroupOutcome {
                let pick = |v: &[Option<f64>]| -> Vec<f64> {
                    rows.iter()
                        .zip(&published)
                        .zip(v)
                        .filter(|((r, p), _)| keep(r.stance, **p))
                        .filter_map(|(_, x)| *x)
                        .collect()
                };
                GroupOutcome {
                    weeks: rows.iter().zip(&published).filter(|(r, p)| keep(r.stance, **p)).count(),
                    price: Outcome::of(&pick(&price)),
                    relative: has_bench.then(|| Outcome::of(&pick(&rel))),
                }
            };
            let stance_of = |k: StanceKind, g: GroupOutcome| StanceOutcome {
                stance: k,
                weeks: g.weeks,
                price: g.price,
                relative: g.relative,
            };
            let by_stance = [StanceKind::Long, StanceKind::Neutral, StanceKind::Short]
                .into_iter()
                .map(|k| stance_of(k, group(&|r, _| r == k)))
                .collect();
            let sides = [StanceKind::Long, StanceKind::Short];
            let printed = sides.into_iter().map(|k| stance_of(k, group(&|r, p| r == k && p == k))).collect();
            let held = sides.into_iter().map(|k| stance_of(k, group(&|r, p| r == k && p != k))).collect();
            let corr = |v: &[Option<f64>]| {
                let (xs, ys): (Vec<f64>, Vec<f64>) = rows
                    .iter()
                    .zip(v)
                    .filter_map(|(r, x)| x.filter(|x| x.is_finite()).map(|x| (r.score, x)))
                    .unzip();
                spearman(&xs, &ys)
            };
            TrackHorizon {
                weeks,
                sessions: h,
                by_stance,
                printed,
                held,
                all: group(&|_, _| true),
                rank_corr_price: corr(&price),
                rank_corr_relative: if has_bench { corr(&rel) } else { None },
                n: price.iter().filter(|x| x.is_some()).count(),
            }
        })
        .collect();
    let cited = HORIZONS.iter().find(|(w, _)| *w == CITED_WEEKS).map_or(65, |h| h.1);
    let measure = if has_bench { Measure::Excess } else { Measure::Price };
    let points: Vec<TrackPoint> = rows
        .iter()
        .zip(&published)
        .map(|(r, &published)| TrackPoint {
            date: r.date,
            score: r.score,
            stance: r.stance,
            published,
            forward: forward(a, measure, r.di, cited).filter(|v| v.is_finite()),
        })
        .collect();
    let (lt, st) = (a.config.signals.long_threshold, a.config.signals.short_threshold);
    // Over the week ends the track table counts: those with an outcome.
    let past_threshold_neutral = points
        .iter()
        .filter(|p| {
            p.forward.is_some() && p.stance == StanceKind::Neutral && (p.score >= lt || p.score <= st)
        })
        .count();
    let tr = TrackRecord {
        past_threshold_neutral,
        points,
        since: rows.first().map(|r| r.date),
        until: rows.last().map(|r| r.date),
        weeks: rows.len(),
        versus: a.dataset.benchmark.as_ref().map(|b| b.symbol.clone()),
        horizons,
        sentence: String::new(),
    };
    tr
}

/// `Long`, `Neutral` or `Short`.
pub fn stance_name(k: StanceKind) -> &'static str {
    match k {
        StanceKind::Long => "Long",
        StanceKind::Neutral => "Neutral",
        StanceKind::Short => "Short",
    }
}

/// A CSV field: quoted when it holds a comma, quote or line break.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn num(v: Option<f64>) -> String {
    v.filter(|v| v.is_finite()).map_or_else(String::new, |v| format!("{v:.6}"))
}

/// The `backtest` CSV: a header, then one row per week end of `walk` with `from <= date <= to`:
/// date, score, the stance before the record check (`raw_stance`), the stance the note would
/// have published (`published_stance`: Neutral where the record check as of that week end
/// vetoed it, [`edge::published_stances`]), coverage, every signal's state and strength, and the forward 4/13/26-week
/// price returns and returns relative to the benchmark (fractions; empty when the horizon is
/// after the as-of date or there is no benchmark).
pub fn backtest_csv(a: &Analysis, walk: &Walk, from: Option<NaiveDate>, to: Option<NaiveDate>) -> String {
    let ids: Vec<&'static str> =
        walk.rows.first().map(|r| r.signals.iter().map(|s| s.0.as_str()).collect()).unwrap_or_default();
    let mut head: Vec<String> =
        ["date", "score", "raw_stance", "published_stance", "coverage"].map(String::from).to_vec();
    let published = edge::published_stances(a, walk, a.config.signals.record_check);
    for id in &ids {
        head.push(format!("{id}_state"));
        head.push(format!("{id}_strength"));
    }
    for (w, _) in HORIZONS {
        head.push(format!("fwd_{w}w"));
    }
    for (w, _) in HORIZONS {
        head.push(format!("rel_{w}w"));
    }
    let mut out = head.join(",");
    out.push('\n');
    for (r, p) in walk
        .rows
        .iter()
        .zip(&published)
        .filter(|(r, _)| from.is_none_or(|f| r.date >= f) && to.is_none_or(|t| r.date <= t))
    {
        let mut row = vec![
            r.date.to_string(),
            format!("{:.6}", r.score),
            stance_name(r.stance).to_string(),
            stance_name(*p).to_string(),
            format!("{:.4}", r.coverage),
        ];
        for id in &ids {
            match r.signals.iter().find(|s| s.0.as_str() == *id) {
                Some((_, st, s)) => {
                    row.push(st.name().to_string());
                    row.push(format!("{s:.4}"));
                }
                None => row.extend([String::new(), String::new()]),
            }
        }
        for (_, h) in HORIZONS {
            row.push(num(forward(a, Measure::Price, r.di, h)));
        }
        for (_, h) in HORIZONS {
            row.push(num(forward(a, Measure::Excess, r.di, h)));
        }
        out.push_str(&row.iter().map(|s| field(s)).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spearman_by_hand() {
        assert_eq!(spearman(&[1.0, 2.0, 3.0, 4.0], &[10.0, 20.0, 30.0, 40.0]), Some(1.0));
        assert_eq!(spearman(&[1.0, 2.0, 3.0, 4.0], &[4.0, 3.0, 2.0, 1.0]), Some(-1.0));
        // Ties take average ranks: x ranks 1.5 1.5 3, y ranks 1 2 3 -> r = 0.866.
        let r = spearman(&[1.0, 1.0, 2.0], &[1.0, 2.0, 3.0]).unwrap();
        assert!((r - 0.75f64.sqrt()).abs() < 1e-12, "{r}");
        assert_eq!(spearman(&[1.0, 1.0, 1.0], &[1.0, 2.0, 3.0]), None);
        assert_eq!(spearman(&[1.0, 2.0], &[1.0, 2.0]), None);
    }

    #[test]
    fn outcome_by_hand() {
        let o = Outcome::of(&[0.05, -0.10, 0.02, 0.0, f64::NAN]);
        assert_eq!(o.count, 4);
        assert_eq!(o.share_higher, Some(0.5));
        assert_eq!(o.median, Some(0.01));
        assert!((o.mean.unwrap() - (-0.0075)).abs() < 1e-15);
        assert_eq!(o.worst, Some(-0.10));
        assert_eq!(Outcome::of(&[]).median, None);
    }

    #[test]
    fn csv_fields_are_quoted_when_needed() {
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"x\""), "\"say \"\"x\"\"\"");
        assert_eq!(field("plain"), "plain");
    }
}
