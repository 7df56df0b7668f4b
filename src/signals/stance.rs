//! The transparent score, the stance and the Overall Structure checklist (SIGNALS.md §5, §6).

use super::{SignalResult, State};
use crate::config::SignalParams;
use serde::Serialize;

/// Long, short or neutral.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StanceKind {
    /// Score at or above the long threshold (and no override).
    Long,
    /// Score at or below the short threshold.
    Short,
    /// Otherwise.
    Neutral,
}

/// One signal's share of the score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contribution {
    /// Signal id.
    pub id: &'static str,
    /// Scoring group.
    pub group: &'static str,
    /// Its state.
    pub state: State,
    /// Its strength.
    pub strength: f64,
    /// W_g / |avail_g| / ΣW · d · σ; the contributions sum to the score.
    pub contribution: f64,
}

/// A price or OBV level whose loss invalidates the thesis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Invalidation {
    /// What it is, e.g. "weekly compression cluster top".
    pub label: String,
    /// The level.
    pub value: f64,
    /// Which close decides it: "weekly close", "3-day close", "daily close", "OBV".
    pub basis: String,
    /// Signal id it comes from.
    pub signal: &'static str,
}

/// The stance with everything needed to audit it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stance {
    /// The stance after overrides.
    pub stance: StanceKind,
    /// "moderate" or "high".
    pub conviction: String,
    /// S in [-1, 1].
    pub score: f64,
    /// Weighted share of signals available.
    pub coverage: f64,
    /// Per-signal contributions (sum = score).
    pub contributions: Vec<Contribution>,
    /// Per-group mean d·σ (None when no signal of the group is available).
    pub groups: Vec<(String, Option<f64>)>,
    /// Overrides applied, in order, as printed sentences.
    pub overrides: Vec<String>,
    /// Flags: `risk_triggered`, `risk_watch`, `insufficient_data`.
    pub flags: Vec<String>,
    /// Invalidation levels.
    pub invalidation: Vec<Invalidation>,
}

/// ✓, ◐ or ✗.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Tick {
    /// ✓
    Pass,
    /// ◐
    Partial,
    /// ✗
    Fail,
}

/// One checklist line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChecklistItem {
    /// The claim, e.g. "Reclaims across all higher timeframes".
    pub title: String,
    /// Its tick.
    pub tick: Tick,
    /// The signals it reads.
    pub signals: Vec<&'static str>,
    /// A short evidence-backed explanation.
    pub detail: String,
}

/// The Overall Structure checklist.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Checklist {
    /// "Structure confirmed (4/4)" or "Structure partial (n/4; failing: ...)".
    pub header: String,
    /// Items passing.
    pub n_pass: usize,
    /// The four items.
    pub items: Vec<ChecklistItem>,
}

/// Scores the signals and derives the stance with its overrides.
pub fn score(results: &[SignalResult], params: &SignalParams) -> Stance {
    let _ = (results, params);
    todo!("stance")
}

/// Builds the checklist from the signals.
pub fn checklist(results: &[SignalResult]) -> Checklist {
    let _ = results;
    todo!("checklist")
}
