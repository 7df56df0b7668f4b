//! The track record's sentences: what the record shows (the lead's sentence) and the
//! conviction overrides [`crate::history::edge::temper`] returns, in words.

use crate::history::edge::{Override, TrackEdge, MIN_RANK_CORR};
use crate::signals::stance::StanceKind;

/// The sentence of one conviction override, for `Stance::overrides`.
pub fn override_sentence(o: &Override, stance: StanceKind) -> String {
    let word = stance.word().to_lowercase();
    match o {
        Override::LevelTriggered { levels } => {
            let named: Vec<String> = levels
                .iter()
                .map(|(label, on)| match on {
                    Some(d) => format!("the {label} (on {d})"),
                    None => format!("the {label}"),
                })
                .collect();
            format!(
                "Already triggered: {} would prove the {word} wrong and has broken, so conviction is at most moderate.",
                crate::fmt::and_list(&named)
            )
        }
        Override::NoTrackEdge { rho, weeks } => format!(
            "No edge in the track record: rank correlation {} at {} weeks, so conviction is low.",
            crate::fmt::signed(if rho.abs() < 0.005 { 0.0 } else { *rho }, 2).replace('+', ""),
            weeks
        ),
    }
}

/// The lead's sentence: what the record shows, in plain words; for a long or short whose own
/// earlier week ends did worse than neutral ones the stance's way, a second sentence says so
/// with both medians.
pub fn track_sentence(e: &TrackEdge, symbol: &str, stance: StanceKind) -> String {
    let base = rank_sentence(e, symbol, stance);
    match (e.stance_lead, e.medians) {
        (Some(d), Some((m, n))) if d < 0.0 => {
            let word = stance.word().to_lowercase();
            let (what, val) = match &e.versus {
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
                e.weeks,
                val(n)
            )
        }
        _ => base,
    }
}

// Plain words for a rank correlation: whether a higher score went with better outcomes.
fn rank_sentence(e: &TrackEdge, symbol: &str, stance: StanceKind) -> String {
    let what = match &e.versus {
        Some(b) => format!("{}-week outcomes for {symbol} against {b}", e.weeks),
        None => format!("{}-week outcomes for {symbol}", e.weeks),
    };
    let rho = crate::fmt::signed(if e.rho.abs() < 0.005 { 0.0 } else { e.rho }, 2).replace('+', "");
    let word = stance.word().to_lowercase();
    if e.rho <= -MIN_RANK_CORR {
        format!(
            "Since {} a higher score has gone with worse {what} (rank correlation {rho}), so treat the score as a description, not a forecast.",
            e.since_year
        )
    } else if e.rho < MIN_RANK_CORR {
        format!(
            "Since {} the score has not told better from worse {what} (rank correlation {rho}), so treat it as a description, not a forecast.",
            e.since_year
        )
    } else if !e.shown {
        format!(
            "Since {} the score has told better from worse {what} only loosely (rank correlation {rho}), and earlier {word} weeks did no better than neutral ones.",
            e.since_year
        )
    } else {
        format!(
            "Since {} a higher score has gone with better {what}, if loosely (rank correlation {rho}).",
            e.since_year
        )
    }
}
