//! Whether the score has shown an edge, and what that does to conviction.
//!
//! [`TrackEdge::of`] reads the computed [`TrackRecord`] once (the cited 13-week horizon, relative
//! to the benchmark when there is one, else the price return); [`temper`] lowers the stance's
//! conviction from it and from already-triggered levels, so the header, the lead, signals.json,
//! batch and site all read one value (`Stance::conviction`, with a flag and a sentence in
//! `Stance::overrides`).

use crate::history::{TrackRecord, CITED_WEEKS};
use crate::signals::stance::{Conviction, LevelStatus, Stance, StanceKind};
use chrono::Datelike;

/// A rank correlation below this (in absolute value) is no ranking at all.
pub const MIN_RANK_CORR: f64 = 0.1;

/// What the track record shows about the score, at the cited horizon.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackEdge {
    /// First week end counted.
    pub since_year: i32,
    /// Horizon in weeks.
    pub weeks: u32,
    /// Spearman rank correlation of the score with the forward return (relative when `versus`).
    pub rho: f64,
    /// The benchmark the return is measured against, when there is one.
    pub versus: Option<String>,
    /// Median forward return of week ends with the note's stance minus that of neutral week ends
    /// (signed the stance's way: positive means the stance did better); None for a neutral
    /// stance or without outcomes.
    pub stance_lead: Option<f64>,
    /// Median forward return (relative when `versus`) of week ends with the note's stance and of
    /// neutral week ends, as fractions; None for a neutral stance or without outcomes.
    pub medians: Option<(f64, f64)>,
    /// True when the score ranked returns (rho ≥ [`MIN_RANK_CORR`]) and, for a long or short
    /// stance, its week ends did better than neutral ones the stance's way.
    pub shown: bool,
}

impl TrackEdge {
    /// The edge of `stance` in `tr`; None when the record has no cited horizon or no correlation.
    pub fn of(tr: &TrackRecord, stance: StanceKind) -> Option<TrackEdge> {
        let h = tr.horizon(CITED_WEEKS)?;
        let since_year = tr.since?.year();
        let rel = tr.versus.is_some() && h.rank_corr_relative.is_some();
        let rho = if rel { h.rank_corr_relative? } else { h.rank_corr_price? };
        let median = |k: StanceKind| {
            let o = h.by_stance.iter().find(|s| s.stance == k)?;
            if rel {
                o.relative.as_ref()?.median
            } else {
                o.price.median
            }
        };
        let medians = match stance {
            StanceKind::Neutral => None,
            k => median(k).zip(median(StanceKind::Neutral)),
        };
        let sign = if stance == StanceKind::Long { 1.0 } else { -1.0 };
        let stance_lead = medians.map(|(m, n)| sign * (m - n));
        let shown =
            rho >= MIN_RANK_CORR && (stance == StanceKind::Neutral || stance_lead.is_some_and(|d| d > 0.0));
        Some(TrackEdge {
            since_year,
            weeks: h.weeks,
            rho,
            versus: if rel { tr.versus.clone() } else { None },
            stance_lead,
            medians,
            shown,
        })
    }

    /// The lead's sentence: what the record shows, in plain words; for a long or short whose own
    /// earlier week ends did worse than neutral ones the stance's way, a second sentence says so
    /// with both medians.
    pub fn sentence(&self, symbol: &str, stance: StanceKind) -> String {
        let base = self.rank_sentence(symbol, stance);
        match (self.stance_lead, self.medians) {
            (Some(d), Some((m, n))) if d < 0.0 => {
                let word = stance.word().to_lowercase();
                let (what, val) = match &self.versus {
                    Some(b) => (
                        format!("{symbol} against {b}"),
                        Box::new(|x: f64| format!("{} pp", crate::fmt::signed(x * 100.0, 1)))
                            as Box<dyn Fn(f64) -> String>,
                    ),
                    None => (symbol.to_string(), Box::new(crate::fmt::pct) as Box<dyn Fn(f64) -> String>),
                };
                format!(
                    "{base} The record argues against the {word}: after earlier {word} week ends {what} moved a median {} over {} weeks, against {} after neutral ones, worse for a {word} than no stance.",
                    val(m),
                    self.weeks,
                    val(n)
                )
            }
            _ => base,
        }
    }

    fn rank_sentence(&self, symbol: &str, stance: StanceKind) -> String {
        // Plain words for a rank correlation: whether a higher score went with better outcomes.
        let what = match &self.versus {
            Some(b) => format!("{}-week outcomes for {symbol} against {b}", self.weeks),
            None => format!("{}-week outcomes for {symbol}", self.weeks),
        };
        let rho = crate::fmt::signed(if self.rho.abs() < 0.005 { 0.0 } else { self.rho }, 2).replace('+', "");
        let word = stance.word().to_lowercase();
        if self.rho <= -MIN_RANK_CORR {
            format!(
                "Since {} a higher score has gone with worse {what} (rank correlation {rho}), so treat the score as a description, not a forecast.",
                self.since_year
            )
        } else if self.rho < MIN_RANK_CORR {
            format!(
                "Since {} the score has not told better from worse {what} (rank correlation {rho}), so treat it as a description, not a forecast.",
                self.since_year
            )
        } else if !self.shown {
            format!(
                "Since {} the score has told better from worse {what} only loosely (rank correlation {rho}), and earlier {word} weeks did no better than neutral ones.",
                self.since_year
            )
        } else {
            format!(
                "Since {} a higher score has gone with better {what}, if loosely (rank correlation {rho}).",
                self.since_year
            )
        }
    }
}

/// Lowers conviction where the evidence does not support it: a level that would prove a long or
/// short wrong has already triggered (at most moderate, flag `level_triggered`), and the track
/// record shows no edge (low, flag `no_track_edge`). Each change adds its sentence to
/// `overrides`. A neutral stance has no level of its own, but the same no-edge rule applies to
/// its conviction, so every stance without an edge reads "low" in the header, signals.json and
/// the batch index.
pub fn temper(stance: &mut Stance, tr: Option<&TrackRecord>) {
    let word = stance.stance.word().to_lowercase();
    let triggered: Vec<String> = stance
        .invalidation
        .iter()
        .filter(|l| l.side == stance.stance && l.status == LevelStatus::Triggered)
        .map(|l| match l.triggered_on {
            Some(d) => format!("the {} (on {d})", l.label),
            None => format!("the {}", l.label),
        })
        .collect();
    if !triggered.is_empty() && !stance.flags.iter().any(|f| f == "level_triggered") {
        stance.flags.push("level_triggered".into());
        if stance.conviction == Conviction::High {
            stance.conviction = Conviction::Moderate;
        }
        stance.overrides.push(format!(
            "Already triggered: {} would prove the {word} wrong and has broken, so conviction is at most moderate.",
            crate::fmt::and_list(&triggered)
        ));
    }
    if let Some(e) = tr.and_then(|t| TrackEdge::of(t, stance.stance)) {
        if !e.shown && !stance.flags.iter().any(|f| f == "no_track_edge") {
            stance.flags.push("no_track_edge".into());
            stance.conviction = Conviction::Low;
            stance.overrides.push(format!(
                "No edge in the track record: rank correlation {} at {} weeks, so conviction is low.",
                crate::fmt::signed(if e.rho.abs() < 0.005 { 0.0 } else { e.rho }, 2).replace('+', ""),
                e.weeks
            ));
        }
    }
}
