//! Whether the score has shown an edge, and what that does to conviction.
//!
//! [`TrackEdge::of`] reads the computed [`TrackRecord`] once (the cited 13-week horizon, relative
//! to the benchmark when there is one, else the price return); [`temper`] lowers the stance's
//! conviction from it and from already-triggered levels, so the header, the lead, signals.json,
//! batch and site all read one value (`Stance::conviction`, with a flag, and a typed
//! [`Override`] the narrative writes into `Stance::overrides`).

use crate::history::{TrackRecord, CITED_WEEKS};
use crate::signals::stance::{
    Conviction, LevelStatus, RecordCheck, RecordVerdict, RelativeRecord, Stance, StanceFlag, StanceKind,
};
use chrono::Datelike;
use serde::Serialize;

/// A rank correlation below this (in absolute value, at the two decimals the note prints) is no
/// link at all; see [`RankLink::of`].
pub const MIN_RANK_CORR: f64 = 0.1;

/// From this (in absolute value, at the two decimals the note prints) a rank correlation is more
/// than a weak link; see [`RankLink::of`].
pub const CLEAR_RANK_CORR: f64 = 0.3;

/// What a rank correlation of the score with later returns says, read once ([`RankLink::of`]) for
/// every sentence, table and flag that speaks of it. Overlapping 13-week windows make even a
/// "clear" figure generous: the words never claim more than a description.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RankLink {
    /// At or below −[`CLEAR_RANK_CORR`]: a higher score went with worse outcomes.
    Against,
    /// From −[`MIN_RANK_CORR`] down to −[`CLEAR_RANK_CORR`] (exclusive): slightly worse, weak.
    WeakAgainst,
    /// Under [`MIN_RANK_CORR`] either way: no link.
    None,
    /// From [`MIN_RANK_CORR`] up to [`CLEAR_RANK_CORR`] (exclusive): slightly better, weak.
    WeakWith,
    /// At or above [`CLEAR_RANK_CORR`]: a higher score went with better outcomes.
    With,
}

impl RankLink {
    /// Classifies `rho` as the note prints it (rounded to two decimals), so a printed −0.10 and a
    /// printed −0.11 are read by one stated rule: |ρ| < 0.10 no link, < 0.30 weak, else clear. A
    /// value that is not finite is no link.
    pub fn of(rho: f64) -> RankLink {
        // The figure as printed (`{:.2}`, as `fmt::signed` writes it), in hundredths.
        let printed = format!("{rho:.2}").parse::<f64>().unwrap_or(0.0);
        let h = if printed.is_finite() { (printed * 100.0).round() as i64 } else { 0 };
        let min = (MIN_RANK_CORR * 100.0).round() as i64;
        let clear = (CLEAR_RANK_CORR * 100.0).round() as i64;
        match h {
            h if h <= -clear => RankLink::Against,
            h if h <= -min => RankLink::WeakAgainst,
            h if h < min => RankLink::None,
            h if h < clear => RankLink::WeakWith,
            _ => RankLink::With,
        }
    }

    /// True when a higher score went with better outcomes (weakly or clearly).
    pub fn positive(self) -> bool {
        matches!(self, RankLink::WeakWith | RankLink::With)
    }

    /// True for a weak link either way.
    pub fn weak(self) -> bool {
        matches!(self, RankLink::WeakWith | RankLink::WeakAgainst)
    }
}

/// What the track record shows about the score, at the cited horizon.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackEdge {
    /// First week end counted.
    pub since_year: i32,
    /// Horizon in weeks.
    pub weeks: u32,
    /// Spearman rank correlation of the score with the instrument's own forward return (the
    /// trade is outright; review 36: the lead quoted the benchmark-relative figure only, −0.07 for
    /// IWM where its own return gave −0.11, and QQQ's own −0.22 went unsaid).
    pub rho: f64,
    /// What `rho` says ([`RankLink::of`]): every sentence about it reads this.
    pub link: RankLink,
    /// Median forward return of week ends with the note's stance minus that of all week ends
    /// (signed the stance's way: positive means the stance did better); None for a neutral
    /// stance or without outcomes.
    pub stance_lead: Option<f64>,
    /// Median forward price return of the instrument itself (the trade is outright, whatever
    /// `versus` is) after week ends with the note's stance and over all week ends, as
    /// fractions; None for a neutral stance or without outcomes.
    pub medians: Option<(f64, f64)>,
    /// Earlier week ends with the note's stance and an outcome (None for a neutral stance).
    pub stance_cases: Option<usize>,
    /// True when the score ranked returns (a positive [`RankLink`]) and, for a long or short
    /// stance, its week ends did better than all week ends the stance's way.
    pub shown: bool,
}

/// Fewest outcomes of a stance for its median to be compared with the neutral one: the record
/// check's count, one rule with the track table's "too few to judge" (review 19).
pub const MIN_CASES: usize = crate::signals::stance::MIN_RECORD_CASES;

impl TrackEdge {
    /// The edge of `stance` in `tr`; None when the record has no cited horizon or no correlation.
    pub fn of(tr: &TrackRecord, stance: StanceKind) -> Option<TrackEdge> {
        let h = tr.horizon(CITED_WEEKS)?;
        let since_year = tr.since?.year();
        let rho = h.rank_corr_price?;
        // A median of fewer than MIN_CASES outcomes says nothing either way: no comparison.
        // The stance's own record is judged on the instrument's own forward return: a long or
        // short is an outright trade in it, the benchmark is context (issue 12: a short judged
        // against SPY while the trade is outright). The rank correlation above is outright too.
        let median = |k: StanceKind| {
            let o = h.by_stance.iter().find(|s| s.stance == k)?;
            let out = &o.price;
            out.median.filter(|_| out.count >= MIN_CASES)
        };
        // Set against all week ends, the record check's and the track table's base line (review
        // 34: the lead's "after neutral ones" beside the table's "all week ends").
        let all = h.all.price.median.filter(|_| h.all.price.count >= MIN_CASES);
        let medians = match stance {
            StanceKind::Neutral => None,
            k => median(k).zip(all),
        };
        let stance_cases = match stance {
            StanceKind::Neutral => None,
            k => Some(h.by_stance.iter().find(|s| s.stance == k).map_or(0, |o| o.price.count)),
        };
        let sign = if stance == StanceKind::Long { 1.0 } else { -1.0 };
        let stance_lead = medians.map(|(m, n)| sign * (m - n));
        let link = RankLink::of(rho);
        let shown =
            link.positive() && (stance == StanceKind::Neutral || stance_lead.is_some_and(|d| d > 0.0));
        Some(TrackEdge { since_year, weeks: h.weeks, rho, link, stance_lead, medians, stance_cases, shown })
    }
}

/// A change [`temper`] made to the stance's conviction; the narrative puts it in words
/// (`narrative::track_text::override_sentence`) for `Stance::overrides`.
#[derive(Debug, Clone, PartialEq)]
pub enum Override {
    /// Levels on the stance's side have triggered: conviction at most moderate (flag
    /// `level_triggered`). Each level's label and the day it triggered, when known.
    LevelTriggered {
        /// (label, triggered on), in the stance's level order.
        levels: Vec<(String, Option<chrono::NaiveDate>)>,
    },
    /// The track record shows no edge: conviction low (flag `no_track_edge`).
    NoTrackEdge {
        /// The rank correlation at the cited horizon.
        rho: f64,
        /// The cited horizon in weeks.
        weeks: u32,
    },
}

/// Lowers conviction where the evidence does not support it: a level that would prove a long or
/// short wrong has already triggered (at most moderate, flag `level_triggered`), and the track
/// record shows no edge (low, flag `no_track_edge`). Returns each change as an [`Override`] (the
/// caller adds its sentence to `Stance::overrides`). A neutral stance has no level of its own, but the same no-edge rule applies to
/// its conviction, so every stance without an edge reads "low" in the header, signals.json and
/// the batch index.
pub fn temper(stance: &mut Stance, tr: Option<&TrackRecord>) -> Vec<Override> {
    let mut out = Vec::new();
    let levels: Vec<(String, Option<chrono::NaiveDate>)> = stance
        .invalidation
        .iter()
        .filter(|l| l.side == stance.stance && l.status == LevelStatus::Triggered)
        .map(|l| (l.label.clone(), l.triggered_on))
        .collect();
    if !levels.is_empty() && !stance.flags.contains(&StanceFlag::LevelTriggered) {
        stance.flags.push(StanceFlag::LevelTriggered);
        if stance.conviction == Conviction::High {
            stance.conviction = Conviction::Moderate;
        }
        out.push(Override::LevelTriggered { levels });
    }
    if let Some(e) = tr.and_then(|t| TrackEdge::of(t, stance.stance)) {
        if !e.shown && !stance.flags.contains(&StanceFlag::NoTrackEdge) {
            stance.flags.push(StanceFlag::NoTrackEdge);
            stance.conviction = Conviction::Low;
            out.push(Override::NoTrackEdge { rho: e.rho, weeks: e.weeks });
        }
    }
    out
}

/// Running counts of resolved week ends for the record check: all of them, and each stance's.
#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    /// Week ends with a known outcome.
    all: usize,
    /// Of those, with the instrument higher / lower.
    up: usize,
    down: usize,
    /// Long week ends with an outcome, and how many saw the instrument higher.
    long: (usize, usize),
    /// Short week ends with an outcome, and how many saw the instrument lower.
    short: (usize, usize),
    /// The first week end counted.
    since: Option<chrono::NaiveDate>,
}

impl Tally {
    fn add(&mut self, stance: StanceKind, date: chrono::NaiveDate, ret: f64) {
        if !ret.is_finite() {
            return;
        }
        self.since.get_or_insert(date);
        self.all += 1;
        self.up += usize::from(ret > 0.0);
        self.down += usize::from(ret < 0.0);
        match stance {
            StanceKind::Long => self.long = (self.long.0 + 1, self.long.1 + usize::from(ret > 0.0)),
            StanceKind::Short => self.short = (self.short.0 + 1, self.short.1 + usize::from(ret < 0.0)),
            StanceKind::Neutral => {}
        }
    }

    /// (the lean's cases and how many went its way, all cases and how many went the lean's way);
    /// None for a neutral lean.
    fn counts(&self, lean: StanceKind) -> Option<((usize, usize), (usize, usize))> {
        match lean {
            StanceKind::Long => Some((self.long, (self.all, self.up))),
            StanceKind::Short => Some((self.short, (self.all, self.down))),
            StanceKind::Neutral => None,
        }
    }

    fn check(&self, lean: StanceKind) -> Option<RecordCheck> {
        let (own, all) = self.counts(lean)?;
        Some(RecordCheck::judge(lean, own, all, self.since, CITED_WEEKS))
    }
}

/// The cited horizon in sessions.
fn cited_sessions() -> usize {
    crate::baserates::HORIZONS.iter().find(|(w, _)| *w == CITED_WEEKS).map_or(65, |h| h.1)
}

/// The record check of `lean` at `a`'s as-of date (SIGNALS.md §5, override 6), read from
/// `walk` (a walk of `a`): the counted week ends (those the track record counts) whose stance
/// before the check was `lean` and whose 13-week price outcome ended on or before the as-of date
/// (no look-ahead), against all counted week ends with an outcome. None for a neutral lean. With
/// a benchmark, the same week ends against it ([`RecordCheck::relative`], context only).
pub fn record_check(
    a: &crate::Analysis,
    walk: &crate::history::Walk,
    lean: StanceKind,
) -> Option<RecordCheck> {
    use crate::baserates::{forward, Measure};
    let h = cited_sessions();
    let (mut t, mut rel) = (Tally::default(), Tally::default());
    for r in super::counted(walk) {
        if let Some(f) = forward(a, Measure::Price, r.di, h) {
            t.add(r.stance, r.date, f);
        }
        if let Some(f) = forward(a, Measure::Excess, r.di, h) {
            rel.add(r.stance, r.date, f);
        }
    }
    let mut c = t.check(lean)?;
    c.relative = a.dataset.benchmark.as_ref().filter(|_| rel.all > 0).and_then(|b| {
        let ((cases, went_its_way), (all_cases, all_went)) = rel.counts(lean)?;
        Some(RelativeRecord { benchmark: b.symbol.clone(), cases, went_its_way, all_cases, all_went })
    });
    Some(c)
}

/// The stance each week end of `walk` would have published: its stance before the check, or
/// Neutral where the record check as of that week end vetoed it (the same rule as
/// [`record_check`], reading only outcomes that ended by that week end). With `enabled` false,
/// the stance as it was. One pass: outcomes are added as their windows close.
pub fn published_stances(a: &crate::Analysis, walk: &crate::history::Walk, enabled: bool) -> Vec<StanceKind> {
    if !enabled {
        return walk.rows.iter().map(|r| r.stance).collect();
    }
    let h = cited_sessions();
    let counted: Vec<&crate::history::WeekRow> = super::counted(walk).collect();
    let mut next = 0;
    let mut t = Tally::default();
    walk.rows
        .iter()
        .map(|r| {
            while next < counted.len() && counted[next].di + h <= r.di {
                let c = counted[next];
                // The same forward return as `record_check` (c.di + h <= r.di: always known).
                if let Some(ret) = crate::baserates::forward(a, crate::baserates::Measure::Price, c.di, h) {
                    t.add(c.stance, c.date, ret);
                }
                next += 1;
            }
            match t.check(r.stance) {
                Some(c) if c.verdict == RecordVerdict::Vetoed => StanceKind::Neutral,
                _ => r.stance,
            }
        })
        .collect()
}
