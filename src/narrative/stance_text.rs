//! The stance's sentences (SIGNALS.md §5): each typed [`Override`] of `signals::stance` in words,
//! the watch sentence of an idea held at Neutral (a broken level or a stop too far away) with
//! what would make it a trade again, and the checklist header. The stance returns facts (enums,
//! numbers, dates); this module is the one place they are worded.

use crate::fmt::{and_list, price, shares_m, signed};
use crate::signals::stance::{
    ids, Checklist, Extended, Frame, Invalidation, InvalidationBasis, Override, RiskSignal, Stance,
    StanceKind, Trigger, Watch, MAX_STOP_ATR,
};

fn lower(k: StanceKind) -> String {
    k.word().to_lowercase()
}

fn risk_words(r: RiskSignal) -> &'static str {
    match r {
        RiskSignal::LowerHigh => "a confirmed lower high",
        RiskSignal::HigherHigh => "a higher daily swing high with its swing low unbroken",
        RiskSignal::ObvFailedRetest => "a failed retest of the daily OBV support line",
        RiskSignal::ObvBreak => "a break of the daily OBV support line",
        RiskSignal::ObvAboveSupport => "OBV above the rising daily OBV support line",
    }
}

/// The sentence of one stance override; `st` is the stance after every override (its kind, and
/// the record check a vetoed idea's watch reads).
pub fn override_sentence(o: &Override, st: &Stance) -> String {
    let stance = st.stance;
    match o {
        Override::InsufficientData { coverage, held: Some(k) } => format!(
            "Insufficient data: only {:.0}% of the weighted signals could be assessed, so the {} score is held at Neutral.",
            coverage * 100.0,
            k.word()
        ),
        Override::InsufficientData { coverage, held: None } => format!(
            "Insufficient data: only {:.0}% of the weighted signals could be assessed; the stance stays Neutral.",
            coverage * 100.0
        ),
        Override::RiskAgainst { against, signals: [a, b], held } => {
            let head = match against {
                StanceKind::Short => "Risk against a short",
                _ => "Risk triggered",
            };
            let tail = if *held {
                format!("so the {} is held at Neutral", against.word())
            } else {
                format!("so they do not support a {}", lower(*against))
            };
            format!("{head}: both {} and {} are in place, {tail}.", risk_words(*a), risk_words(*b))
        }
        Override::RiskWatch { against, signal } if *against == stance => format!(
            "Risk watch: {} stands against the {}, so conviction is capped at moderate.",
            risk_words(*signal),
            lower(*against)
        ),
        Override::RiskWatch { against, signal } => {
            format!("Risk watch: {} stands against a {}.", risk_words(*signal), lower(*against))
        }
        Override::Timeframe { frame, mean, forbids } => {
            let lean = if *mean < 0.0 { "bearish" } else { "bullish" };
            let why = match frame {
                Frame::Weekly => "a lower timeframe never overrides a higher one",
                Frame::Daily => "an idea is not opened against the daily signals",
            };
            let name = match frame {
                Frame::Weekly => "weekly",
                Frame::Daily => "daily",
            };
            format!("The {name} signals are net {lean} ({}), which forbids a {}: {why}.", signed(*mean, 2), forbids.word())
        }
        // A watch with no broken level and no far stop is the record check's veto.
        Override::Watch(w) => match st.vetoed() {
            Some(c) if w.broken.is_empty() && w.extended.is_none() => {
                super::track_text::veto_sentence(w.score, c, "the price")
            }
            _ => watch_sentence(w),
        },
    }
}

/// The level's value as printed: a price, or OBV in millions of shares.
fn value(l: &Invalidation) -> String {
    match l.basis {
        InvalidationBasis::Obv => shares_m(l.value),
        _ => price(l.value),
    }
}

/// "a daily close above the latest daily swing high (246.38)"; for OBV "daily OBV above its
/// broken support line".
pub fn break_phrase(l: &Invalidation) -> String {
    let way = match l.trigger {
        Trigger::CloseAbove => "above",
        Trigger::CloseBelow => "below",
    };
    match l.basis {
        InvalidationBasis::Obv => {
            let line = if l.trigger == Trigger::CloseAbove { "broken support" } else { "support" };
            // An OBV line is named by its state, not its millions (signals.json keeps those).
            format!("daily OBV {way} its {line} line")
        }
        b => format!("a {b} {way} the {} ({})", super::level_name(l), value(l)),
    }
}

/// What brings an idea back after `l` broke: the signal re-forming the level after the break,
/// as a clause after "once".
pub fn restore_words(l: &Invalidation) -> &'static str {
    match (l.signal, l.trigger) {
        (ids::H1, Trigger::CloseBelow) => "price makes a new daily swing low after its next swing high",
        (ids::H1, Trigger::CloseAbove) => "price forms a new, lower daily swing high",
        (ids::D1, Trigger::CloseBelow) => "a weekly close reclaims the squeeze zone again",
        (ids::D1, Trigger::CloseAbove) => "a weekly close falls back below the squeeze zone",
        (ids::E1, Trigger::CloseBelow) => "a new 3-day consolidation forms and breaks out",
        (ids::E1, Trigger::CloseAbove) => "a new 3-day consolidation forms and breaks down",
        (ids::H2, Trigger::CloseBelow) => "daily OBV forms a new rising support line",
        (ids::H2, Trigger::CloseAbove) => "OBV turns down and breaks a newer daily OBV support line",
        _ => "the level forms again after the break",
    }
}

fn count_levels(n: usize) -> String {
    match n {
        1 => "a level that would prove it wrong has broken".into(),
        2 => "two levels that would prove it wrong have already broken".into(),
        3 => "three levels that would prove it wrong have already broken".into(),
        n => format!("{n} levels that would prove it wrong have already broken"),
    }
}

/// The override sentence of a [`Watch`]: the idea the score gave, why it is held at Neutral
/// (which of its own levels broke, with dates; or its stop too far away), and what would make it
/// a trade.
pub fn watch_sentence(w: &Watch) -> String {
    watch_sentence_with(w, None)
}

/// [`watch_sentence`] with an aside inside the parenthesis that lists the broken levels ("the
/// weekly OBV trendline still holds").
pub fn watch_sentence_with(w: &Watch, aside: Option<&str>) -> String {
    let ww = watch_words(w, aside);
    match ww.restore {
        Some(r) => format!("{}. {}.", ww.head, crate::signals::capitalise(&r)),
        None => format!("{}.", ww.head),
    }
}

/// A watch in its two parts, so the lead can add to each: `head`, why the idea is held (without
/// its final full stop; it may hold an earlier sentence, as the far-stop words do), and
/// `restore`, what would bring it back ("the long comes back into play once …", no full stop) for an idea
/// held by a broken level.
#[derive(Debug, Clone, PartialEq)]
pub struct WatchWords {
    /// Why the idea is held, without the final full stop.
    pub head: String,
    /// What would bring it back, as a clause; None for a far stop (said in `head`).
    pub restore: Option<String>,
}

/// The parts of [`watch_sentence_with`].
pub fn watch_words(w: &Watch, aside: Option<&str>) -> WatchWords {
    let word = lower(w.idea);
    let head = format!("The score ({}) reads {word}, but the {word} is on hold", signed(w.score, 2));
    if let Some(e) = &w.extended {
        let t = if stop_out_of_reach(e) {
            far_words(e, w.score, &word)
        } else {
            format!("{head}: {}", extended_words(e, &word))
        };
        return WatchWords { head: t.trim_end_matches('.').to_string(), restore: None };
    }
    let items: Vec<String> = w
        .broken
        .iter()
        .map(|l| match (l.basis, l.triggered_on) {
            // An OBV line is named by its state and date, not by its millions of shares.
            (InvalidationBasis::Obv, d) => format!(
                "daily OBV {} its {}support line {}",
                if l.trigger == Trigger::CloseAbove { "back above" } else { "below" },
                if l.trigger == Trigger::CloseAbove { "broken " } else { "" },
                d.map_or("since a date unknown".to_string(), |d| format!("since {d}"))
            ),
            (_, Some(d)) => format!("{} on {d}", break_phrase(l)),
            (_, None) => format!("{}, date unknown", break_phrase(l)),
        })
        .collect();
    let mut restore: Vec<&str> = Vec::new();
    for l in &w.broken {
        let r = restore_words(l);
        if !restore.contains(&r) {
            restore.push(r);
        }
    }
    // One broken level is said as the event that put the idea on hold ("on hold since daily OBV
    // fell below its support line on 2025-10-21"); several are counted and listed.
    let head = match w.broken.as_slice() {
        [l] => {
            let when = |d: Option<chrono::NaiveDate>| {
                d.map_or_else(|| ", date unknown".to_string(), |d| format!(" on {d}"))
            };
            let event = match l.basis {
                InvalidationBasis::Obv if l.trigger == Trigger::CloseAbove => {
                    format!("since daily OBV rose back above its broken support line{}", when(l.triggered_on))
                }
                InvalidationBasis::Obv => {
                    format!("since daily OBV fell below its support line{}", when(l.triggered_on))
                }
                _ => format!("after {}{}", break_phrase(l), when(l.triggered_on)),
            };
            format!("{head} {event}{}", aside.map(|x| format!(" ({x})")).unwrap_or_default())
        }
        _ => format!(
            "{head}: {} ({}{})",
            count_levels(items.len()),
            and_list(&items),
            aside.map(|x| format!("; {x}")).unwrap_or_default(),
        ),
    };
    WatchWords {
        head,
        restore: (!restore.is_empty())
            .then(|| format!("the {word} comes back into play once {}", restore.join(", or once "))),
    }
}

/// Farthest move, as a fraction of the close, to the close at which a held idea's stop would
/// come within reach ([`Extended::actionable_at`]): beyond it the note says plainly there is no
/// trade rather than ask a reader to wait for the move.
pub const REACH: f64 = 0.10;

/// True when the close that would make a held idea a trade is more than [`REACH`] away.
pub fn stop_out_of_reach(e: &Extended) -> bool {
    e.close.is_finite() && e.close != 0.0 && (e.actionable_at / e.close - 1.0).abs() > REACH
}

/// "The score (−0.58) reads short, but price has fallen too far for a short with a sensible stop.
/// Its nearest stop, a 3-day close above the bottom of the 3-day consolidation zone (160.78), is
/// 59% above the close (101.40): 6.8 average 3-day ranges, where a stop usually sits within
/// three." The idea (no trade, and why)
/// first and plainly (review 16: "there is no short here until …" read as a watch note); two
/// sentences, so neither runs past the lead's 35 words (review: one 60-word sentence).
fn far_words(e: &Extended, score: f64, word: &str) -> String {
    let l = &e.level;
    let tf = tf_words(l.basis);
    let moved = match l.trigger {
        Trigger::CloseAbove => "fallen",
        Trigger::CloseBelow => "risen",
    };
    let (c, _) = e.as_of_close;
    format!(
        "The score ({}) reads {word}, but price has {moved} too far for a {word} with a sensible stop. Its nearest stop, {}, is {}: {:.1} average {tf} ranges, where a stop usually sits within {}.",
        signed(score, 2),
        break_phrase(l),
        crate::fmt::level_from_close_words(c, l.value, &format!("the close ({})", price(c))),
        e.atrs,
        super::count_word(MAX_STOP_ATR as usize),
    )
}

/// True when a held idea is no trade at all rather than one waiting on an event: its stop is out
/// of reach ([`stop_out_of_reach`]). The lead then opens "No trade on IWM", not "No trade yet".
pub fn no_trade(w: &Watch) -> bool {
    w.extended.as_ref().is_some_and(stop_out_of_reach)
}

/// "55% above the close of 2020-03-20 (103.87)": the stop's distance from the as-of close, the
/// one close every distance in the note is measured from.
fn distance(e: &Extended) -> String {
    let l = &e.level;
    let (c, d) = e.as_of_close;
    let what = format!(
        "the close of {} ({})",
        d.map_or_else(|| "the last session".to_string(), |d| d.to_string()),
        price(c)
    );
    crate::fmt::level_from_close_words(c, l.value, &what)
}

fn tf_words(b: InvalidationBasis) -> &'static str {
    match b {
        InvalidationBasis::WeeklyClose => "weekly",
        InvalidationBasis::ThreeDayClose => "3-day",
        InvalidationBasis::DailyClose | InvalidationBasis::Obv => "daily",
    }
}

/// "its stop, a weekly close above the … (144.30), is 42% above the last weekly close (101.40),
/// 4.5 times the average weekly range away; a stop usually sits within three. The short becomes a trade at a weekly
/// close at or above 115.70, or once price forms a new, lower daily swing high."
fn extended_words(e: &Extended, word: &str) -> String {
    let l = &e.level;
    let tf = tf_words(l.basis);
    let (at, nearer) = match l.trigger {
        Trigger::CloseAbove => ("at or above", "price forms a new, lower daily swing high"),
        Trigger::CloseBelow => ("at or below", "price makes a new, higher daily swing low"),
    };
    format!(
        "its stop, {}, is {}, {:.1} times the average {tf} range away; a stop usually sits within {}. The {word} becomes a trade at a {} {at} {}, or once {nearer}.",
        break_phrase(l),
        distance(e),
        e.atrs,
        super::count_word(MAX_STOP_ATR as usize),
        l.basis,
        price(e.actionable_at),
    )
}

/// The checklist header as signals.json and the signals table show it: "Structure confirmed
/// (4/4)", "Structure partial (n/4 in place, k partly)", "Structure absent (0/4)"; the fraction
/// counts assessed items only, with ", m not assessed" when some could not be assessed
/// ("Structure absent (0/3, 1 not assessed)"; "Structure not assessed (none of 4 items)" when
/// none could).
pub fn checklist_header(c: &Checklist) -> String {
    // The fraction counts assessed items only; the not-assessed ones are said apart.
    let n = c.counts();
    let (p, q, na, total) = (n.pass, n.partial, n.not_assessed, n.assessed);
    let tail = if na > 0 { format!(", {na} not assessed") } else { String::new() };
    if total == 0 {
        format!("Structure not assessed (none of {na} items)")
    } else if p == total {
        format!("Structure confirmed ({p}/{total}{tail})")
    } else if p == 0 && q == 0 {
        format!("Structure absent (0/{total}{tail})")
    } else {
        format!("Structure partial ({p}/{total} in place, {q} partly{tail})")
    }
}
