//! The words of "Since the Last Note": the stance line, the signals that changed state and the
//! previous note's levels that price (or OBV) has since crossed, from the typed facts of
//! [`crate::since::SinceLast`] (which holds no sentences).

use crate::signals::stance::{InvalidationBasis, StanceKind, Trigger};
use crate::signals::State;
use crate::since::{Flip, LevelCheck, LevelMove, SinceLast, Was};

/// "claim (old → new)". For the risk signals, whose claim names the danger ("a lower high"),
/// bullish means the risk is absent, so their states are said as present / watch / not present.
pub fn flip_text(f: &Flip) -> String {
    let risk = f.id.starts_with("risk_");
    let word = |w: Was| -> &'static str {
        match (risk, w) {
            (_, Was::Absent) => "absent",
            (_, Was::State(State::Unavailable)) => "not assessed",
            (true, Was::State(State::Bullish)) => "not present",
            (true, Was::State(State::Bearish)) => "present",
            (true, Was::State(State::Neutral)) => "watch",
            (false, Was::State(State::Bullish)) => "up",
            (false, Was::State(State::Bearish)) => "down",
            (false, Was::State(State::Neutral)) => "neutral",
        }
    };
    format!("{} ({} → {})", f.claim, word(f.from), word(Was::State(f.to)))
}

/// A level on `basis` as printed: shares in millions for OBV, else a price.
fn level_text(value: f64, basis: InvalidationBasis) -> String {
    match basis {
        InvalidationBasis::Obv => crate::fmt::shares_m(value),
        _ => crate::fmt::price(value),
    }
}

/// The sentence of a previous level that was reclaimed or lost since (None when it was not
/// crossed or a close is unknown). `idea` is the previous note's stance: whether a crossing
/// proves the previous idea wrong depends on the level's trigger (a long's levels break on closes
/// below, a short's on closes above).
pub fn level_sentence(l: &LevelCheck, idea: StanceKind) -> Option<String> {
    let (Some(t), Some(n)) = (l.then, l.now) else { return None };
    let up = match l.change {
        LevelMove::Reclaimed => true,
        LevelMove::Lost => false,
        _ => return None,
    };
    let idea = match idea {
        StanceKind::Long => Some("long"),
        StanceKind::Short => Some("short"),
        StanceKind::Neutral => None,
    };
    let verb = if up { "rose above" } else { "fell below" };
    let what = match l.trigger {
        Some(tr) => {
            let breaks = (tr == Trigger::CloseAbove) == up;
            match (breaks, idea) {
                (true, Some(i)) => format!(": the level that would prove the {i} wrong has triggered"),
                (true, None) => ": the level the previous note watched has been crossed".to_string(),
                (false, Some(i)) => format!(": back on the {i}'s side of the level"),
                (false, None) => ": back on the other side of a watched level".to_string(),
            }
        }
        None => String::new(),
    };
    Some(if l.basis == InvalidationBasis::Obv {
        format!(
            "OBV {verb} the daily OBV support line{what}: {} against the line at {} then, {} against {} now.",
            level_text(t, l.basis),
            level_text(l.value, l.basis),
            level_text(n, l.basis),
            level_text(l.value_now, l.basis)
        )
    } else {
        format!(
            "Price {verb} the {} ({}){what}: {} {} then, {} now.",
            super::plain_words(&l.label),
            level_text(l.value, l.basis),
            l.basis.as_str(),
            level_text(t, l.basis),
            level_text(n, l.basis)
        )
    })
}

/// The section's sentences: the stance line, the flips, each crossed level (or that none was).
pub fn sentences(s: &SinceLast) -> Vec<String> {
    let signed2 = |x: f64| crate::fmt::signed_body(x, 2);
    let upper = |k: StanceKind| k.as_str().to_uppercase();
    let mut out = Vec::new();
    let score = format!("score {} → {}", signed2(s.score_from), signed2(s.score_to));
    out.push(if s.stance_from == s.stance_to {
        let conv = if s.conviction_to == s.conviction_from {
            String::new()
        } else {
            format!(", conviction {} → {}", s.conviction_from.as_str(), s.conviction_to.as_str())
        };
        format!("Stance unchanged at {} ({score}{conv}).", upper(s.stance_to))
    } else {
        format!("Stance changed from {} to {} ({score}).", upper(s.stance_from), upper(s.stance_to))
    });
    if s.flips.is_empty() {
        out.push("No signal changed state.".into());
    } else {
        let list: Vec<String> = s.flips.iter().map(flip_text).collect();
        let head = match s.flips.len() {
            1 => "One signal changed state".to_string(),
            n => format!("{n} signals changed state"),
        };
        out.push(format!("{head}: {}.", list.join("; ")));
    }
    out.extend(s.levels.iter().filter_map(|l| level_sentence(l, s.stance_from)));
    if !s.levels.is_empty()
        && !s.levels.iter().any(|l| matches!(l.change, LevelMove::Reclaimed | LevelMove::Lost))
    {
        out.push("No level of the previous note was crossed.".into());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signals::stance::Conviction;
    use chrono::NaiveDate;

    fn facts() -> SinceLast {
        SinceLast {
            file: "old/signals.json".into(),
            as_of: NaiveDate::from_ymd_opt(2025, 9, 12).unwrap(),
            stance_from: StanceKind::Long,
            stance_to: StanceKind::Long,
            conviction_from: Conviction::High,
            conviction_to: Conviction::Moderate,
            score_from: 0.4,
            score_to: 0.3,
            flips: vec![Flip {
                id: "risk_lower_high",
                claim: "a lower high",
                from: Was::Absent,
                to: State::Neutral,
            }],
            levels: vec![
                LevelCheck {
                    label: "weekly compression cluster top".into(),
                    value: 200.0,
                    basis: InvalidationBasis::WeeklyClose,
                    signal: "s".into(),
                    trigger: Some(Trigger::CloseBelow),
                    then: Some(210.0),
                    now: Some(190.5),
                    value_now: 200.0,
                    change: LevelMove::Lost,
                },
                LevelCheck {
                    label: "OBV line".into(),
                    value: 2.0e9,
                    basis: InvalidationBasis::Obv,
                    signal: "h".into(),
                    trigger: None,
                    then: Some(1.9e9),
                    now: Some(2.5e9),
                    value_now: 2.1e9,
                    change: LevelMove::Reclaimed,
                },
            ],
        }
    }

    #[test]
    fn the_words_follow_the_typed_facts() {
        let s = facts();
        assert_eq!(
            sentences(&s),
            [
                "Stance unchanged at LONG (score +0.40 → +0.30, conviction high → moderate).",
                "One signal changed state: a lower high (absent → watch).",
                "Price fell below the weekly squeeze zone top (200.00): the level that would prove \
                 the long wrong has triggered: weekly close 210.00 then, 190.50 now.",
                "OBV rose above the daily OBV support line: 1,900.0M against the line at 2,000.0M then, 2,500.0M against \
                 2,100.0M now.",
            ]
        );
        let mut quiet = facts();
        quiet.stance_to = StanceKind::Neutral;
        quiet.flips.clear();
        for l in &mut quiet.levels {
            l.change = LevelMove::HeldAbove;
        }
        assert_eq!(
            sentences(&quiet),
            [
                "Stance changed from LONG to NEUTRAL (score +0.40 → +0.30).",
                "No signal changed state.",
                "No level of the previous note was crossed."
            ]
        );
    }
}
