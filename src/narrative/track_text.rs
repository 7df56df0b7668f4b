//! The track record's sentences: what the record shows (the lead's sentences, [`rank_sentence`]
//! for a neutral note, [`own_track_sentence`] for a long or short) and the
//! conviction overrides [`crate::history::edge::temper`] returns, in words.

use crate::history::edge::{Override, RankLink, TrackEdge, CLEAR_RANK_CORR, MIN_RANK_CORR};
use crate::history::{stance_name, TrackRecord, CITED_WEEKS};
use crate::signals::stance::{RecordCheck, RecordVerdict, StanceKind};
use chrono::Datelike;
use serde::Serialize;

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
            "No edge in the track record: rank correlation {} at {} weeks ({}), so conviction is low.",
            rho_text(*rho),
            weeks,
            link_words(RankLink::of(*rho))
        ),
    }
}

/// The lead's record sentence for an outright long or short: the stance's own earlier week ends
/// on the instrument's own return (what the track table's Read column gives), without the
/// score's rank correlation against the benchmark (the track record section's figure, not the
/// trade's; a neutral lead quotes [`rank_sentence`] instead). When those week ends did worse
/// than all week ends the stance's way it says the record argues against the idea (the lead then
/// closes on [`verdict`]). None when there is nothing of the stance's own to say.
pub fn own_track_sentence(
    e: &TrackEdge,
    symbol: &str,
    stance: StanceKind,
    check_off: Option<&RecordCheck>,
) -> Option<String> {
    let word = stance.word().to_lowercase();
    // Review 34: with `record_check = false` a note whose record runs against it is printed all
    // the same; review 36: the reader is told what the check would have done, in plain words.
    let off = match check_off.and_then(record_off_words) {
        Some(w) => format!("; with the record check on, {w}"),
        None => String::new(),
    };
    let t = match (e.stance_lead, e.medians) {
        (Some(d), Some((m, n))) if d < 0.0 => Some(format!(
            "The record argues against the {word}: after earlier {word} week ends {symbol} moved a median {} over {} weeks, against {} over all week ends.",
            crate::fmt::pct(m),
            e.weeks,
            crate::fmt::pct(n)
        )),
        (_, Some((m, n))) => Some(format!(
            "Its own record: after earlier {word} week ends {symbol} moved a median {} over {} weeks, against {} over all week ends.",
            crate::fmt::pct(m),
            e.weeks,
            crate::fmt::pct(n)
        )),
        _ => e.stance_cases.filter(|n| *n < crate::history::edge::MIN_CASES).map(|n| {
            format!(
                "Only {} earlier week {} read {word}, too few to judge its own record.",
                super::count_word(n),
                if n == 1 { "end" } else { "ends" },
            )
        }),
    };
    t.map(|t| format!("{}{off}.", t.trim_end_matches('.')))
}

/// What the record check, switched off in the config (`record_check = false`), would have done
/// to the printed long or short: "the note would read Neutral" (vetoed), "conviction would be
/// low" (too few cases); None when it would have passed (the note is the same either way). Said
/// once in the header ([`record_off_header`]) and once in the lead ("with the record check on,
/// …"); review 38 read "the record check, off here, …" as tool-speak.
pub fn record_off_words(c: &RecordCheck) -> Option<&'static str> {
    match c.verdict {
        RecordVerdict::Vetoed => Some("the note would read Neutral"),
        RecordVerdict::TooFew => Some("conviction would be low"),
        RecordVerdict::Passed => None,
    }
}

/// The header's words for a check switched off that would have changed the note: "record check
/// switched off (with it, the note would read Neutral)". None when it would have passed.
pub fn record_off_header(c: &RecordCheck) -> Option<String> {
    record_off_words(c).map(|w| format!("record check switched off (with it, {w})"))
}

/// For a neutral note holding back a long or short (`lean`) that the record check did not judge
/// (a broken level or a stop too far away held it): when the lean's earlier readings went its way
/// less often than all week ends by the tables' five-point margin, one sentence says so, in the
/// track table's terms ("Short readings seldom paid: IWM was higher 13 weeks later after 26 of
/// 32 (81%, against 67% of all week ends)."). Review 34: the 2020-03-20 lead leaned short without saying
/// short readings were right only 19% of the time. None otherwise, or with too few readings.
pub fn lean_record_sentence(tr: &TrackRecord, lean: StanceKind, symbol: &str) -> Option<String> {
    let h = tr.horizon(CITED_WEEKS)?;
    let row = h.by_stance.iter().find(|o| o.stance == lean && lean != StanceKind::Neutral)?;
    let (n, up) = (row.price.count, row.price.share_higher?);
    if n < TOO_FEW {
        return None;
    }
    let long = lean == StanceKind::Long;
    let way = |x: f64| (100.0 * if long { x } else { 1.0 - x }).round();
    let (own, all) = (way(up), way(h.all.price.share_higher?));
    if own > all - super::BEAT_MARGIN_PTS {
        return None;
    }
    // Review 36: "lower after only 13 of 57" could not be checked against the table, whose
    // column counts "higher": the figures are said as the table gives them.
    let higher = (up * n as f64).round() as usize;
    let (own_up, all_up) = ((100.0 * up).round(), (100.0 * h.all.price.share_higher?).round());
    Some(format!(
        "{} readings seldom paid: {symbol} was higher {CITED_WEEKS} weeks later after {}{higher} of {n} ({own_up:.0}%, against {all_up:.0}% of all week ends).",
        crate::signals::capitalise(&lean.word().to_lowercase()),
        if long { "only " } else { "" },
    ))
}

/// True when the stance's own earlier week ends did worse than all week ends the stance's way:
/// the note's record argues against its idea, and the lead must close on a verdict.
pub fn record_against(e: &TrackEdge) -> bool {
    e.stance_lead.is_some_and(|d| d < 0.0) && e.medians.is_some()
}

/// The lead's last sentence when the record argues against the idea: the trade framed as
/// tactical at the stated conviction, with the stop and how far away it is ("Treat it as a
/// tactical short at low conviction: the stop is 3.0% away, inside the average 3-day range
/// (4.7% of the close)."). `stop` is the close's distance from the stop (a fraction)
/// and the tight-stop words when the Risk intro calls it tight; None when no level still holds.
pub fn verdict(stance: StanceKind, conviction: &str, stop: Option<(f64, Option<String>)>) -> String {
    let word = stance.word().to_lowercase();
    match stop {
        // The lead has just named the stop's level: the verdict gives its distance only.
        // Review 31: "So this is a tactical short …" read as an afterthought; "a tight stop,
        // inside the average 3-day range" said the same thing twice.
        Some((d, tight)) => format!(
            "Treat it as a tactical {word} at {conviction} conviction: the stop is {} away{}.",
            crate::fmt::pct_abs(d),
            tight
                .map(|t| format!(", {}", t.strip_prefix("a tight stop, ").unwrap_or(&t)))
                .unwrap_or_default()
        ),
        None => format!(
            "Treat it as a tactical {word} at {conviction} conviction, with no level left to set a stop by."
        ),
    }
}

/// The record check in words, as a clause: "the 19 earlier short signals since 2012 saw IWM
/// lower 13 weeks later only 7 times (37%), against 38% of all week ends"; with too few cases,
/// "only three earlier long signals since 2012, too few to judge". `who` names the instrument.
pub fn record_clause(c: &RecordCheck, who: &str) -> String {
    let word = c.lean.word().to_lowercase();
    let way = if c.lean == StanceKind::Long { "higher" } else { "lower" };
    let since = c.since.map(|d| format!(" since {}", d.year())).unwrap_or_default();
    let noun = if c.cases == 1 { "signal" } else { "signals" };
    if c.verdict == RecordVerdict::TooFew {
        return format!("only {} earlier {word} {noun}{since}, too few to judge", super::count_word(c.cases));
    }
    if c.went_its_way == 0 {
        return format!(
            "none of the {} earlier {word} {noun}{since} saw {who} {way} {} weeks later, against {} of all week ends",
            c.cases,
            c.weeks,
            share(c.base_rate()),
        );
    }
    let times = match c.went_its_way {
        1 => "once".to_string(),
        k => format!("{k} times"),
    };
    let only = if c.verdict == RecordVerdict::Vetoed { "only " } else { "" };
    format!(
        "the {} earlier {word} {noun}{since} saw {who} {way} {} weeks later {only}{times} ({}), against {} of all week ends",
        c.cases,
        c.weeks,
        share(c.share()),
        share(c.base_rate()),
    )
}

/// The lead's sentence on a long or short's record check that let it stand: "Its record
/// supports it: …", or, with too few cases, "It is untested: …; conviction is low."
pub fn record_sentence(c: &RecordCheck, who: &str) -> String {
    match c.verdict {
        RecordVerdict::TooFew => {
            format!("The idea is untested: {}, so conviction is low.", record_clause(c, who))
        }
        _ => format!("Its record supports it: {}.", record_clause(c, who)),
    }
}

/// The reason a vetoed idea is not a trade, after the lean: "but no trade is offered: the 19
/// earlier short signals … against 38% of all week ends."
pub fn veto_sentence(score: f64, c: &RecordCheck, who: &str) -> String {
    let word = c.lean.word().to_lowercase();
    format!(
        "The signals lean {word} (score {}), but no trade is offered: {}.",
        crate::fmt::signed(score, 2),
        record_clause(c, who)
    )
}

/// A rank correlation as the note prints it: two decimals, U+2212 for a minus, no plus sign, and
/// no "−0.00". [`RankLink::of`] classifies this printed value.
pub fn rho_text(rho: f64) -> String {
    let r = if rho.is_finite() && rho.abs() >= 0.005 { rho } else { 0.0 };
    crate::fmt::signed(r, 2).replace('+', "")
}

/// The link in two or three words: "no link", "a weak link", "a clear link" (for the override's
/// parenthesis and the track-record intro).
pub fn link_words(l: RankLink) -> &'static str {
    match l {
        RankLink::None => "no link",
        RankLink::WeakAgainst | RankLink::WeakWith => "a weak link",
        RankLink::Against | RankLink::With => "a clear link",
    }
}

/// The rank correlations at the cited horizon with the stated rule behind [`RankLink::of`], for
/// the track record's intro: the instrument's own return first (the lead's figure: the trade is
/// outright), then its return against the benchmark (the chart's bars) when there is one:
/// "Rank correlation: −0.11 (weak) with IWM's return, −0.07 (no link) with its return against
/// SPY." (the bands are stated once, in the glossary: [`rank_bands`]). None
/// without a correlation.
pub fn rank_rule(tr: &TrackRecord, symbol: &str) -> Option<String> {
    // The symbol names the return only when the relative figure is all there is.
    let h = tr.horizon(CITED_WEEKS)?;
    let rel = h.rank_corr_relative.zip(tr.versus.as_deref());
    Some(match (h.rank_corr_price, rel) {
        (Some(p), Some((r, b))) => {
            // Review 40: "−0.11, weak (against SPY, as charted: −0.07, no link)" still read as two
            // figures for one thing; each said with what it ranks.
            format!(
                "Rank correlation: {} with {symbol}'s return, {} with its return against {b}.",
                rank_paren(p),
                rank_paren(r)
            )
        }
        (Some(p), None) => format!("Rank correlation: {}.", rank_said(p)),
        (None, Some((r, b))) => {
            format!("Rank correlation with {symbol}'s return against {b}: {}.", rank_said(r))
        }
        (None, None) => return None,
    })
}

/// A rank correlation as printed with its band: "−0.12, no link", "−0.22, weak".
fn rank_said(rho: f64) -> String {
    format!("{}, {}", rho_text(rho), rank_band(rho))
}

/// A rank correlation's band in one word or two: "no link", "weak" or "clear".
fn rank_band(rho: f64) -> &'static str {
    match RankLink::of(rho) {
        RankLink::None => "no link",
        l if l.weak() => "weak",
        _ => "clear",
    }
}

/// A rank correlation with its band in brackets: "−0.11 (weak)".
fn rank_paren(rho: f64) -> String {
    format!("{} ({})", rho_text(rho), rank_band(rho))
}

/// The bands behind [`RankLink::of`] in words, for the glossary, stated on the printed
/// (two-decimal) figure with both edges, so a printed −0.10 is plainly weak, not "under 0.10":
/// "read on the printed figure: −0.09 to +0.09, no link; ±0.10 to ±0.29, weak; ±0.30 or beyond,
/// clear".
pub fn rank_bands() -> String {
    let min = (MIN_RANK_CORR * 100.0).round() as i64;
    let clear = (CLEAR_RANK_CORR * 100.0).round() as i64;
    let h = |k: i64| format!("{}.{:02}", k / 100, k % 100);
    format!(
        "read on the printed figure: \u{2212}{0} to +{0}, no link; \u{b1}{1} to \u{b1}{2}, weak; \u{b1}{3} or beyond, clear",
        h(min - 1),
        h(min),
        h(clear - 1),
        h(clear)
    )
}

/// Plain words for a rank correlation: whether a higher score went with better outcomes, read
/// from the one classification ([`TrackEdge::link`]).
pub fn rank_sentence(e: &TrackEdge, symbol: &str, stance: StanceKind) -> String {
    rank_sentence_with(e, symbol, stance, None)
}

/// [`rank_sentence`], with `against` (a clause on the outright record that runs against the
/// idea, "outright, short readings saw IWM higher 75% of the time, against 61% after neutral
/// ones") as its tail. No "a description, not a forecast" tail: every lead said it (review 15),
/// and the glossary's base-rate entry says it once.
pub fn rank_sentence_with(e: &TrackEdge, symbol: &str, stance: StanceKind, against: Option<&str>) -> String {
    let what = format!("{}-week outcomes for {symbol}", e.weeks);
    let rho = rho_text(e.rho);
    let word = stance.word().to_lowercase();
    let y = e.since_year;
    // How a higher score went with what followed, then what a reader should make of it.
    let how = match e.link {
        RankLink::Against => "a higher score has gone with worse",
        RankLink::WeakAgainst => "a higher score has gone with slightly worse",
        RankLink::None => "high and low scores saw similar",
        RankLink::WeakWith => "a higher score has gone with slightly better",
        RankLink::With => "a higher score has gone with better",
    };
    let tail = match (e.link, e.shown) {
        _ if against.is_some() => against.map(|x| format!("; {x}")).unwrap_or_default(),
        (RankLink::WeakWith | RankLink::With, false) => {
            format!(", but earlier {word} weeks did no better than all week ends")
        }
        _ => String::new(),
    };
    format!("Since {y}, {how} {what} (rank correlation {rho}){tail}.")
}

fn pct(v: Option<f64>) -> String {
    v.filter(|v| v.is_finite()).map_or_else(|| "n/a".into(), crate::fmt::pct)
}

fn pp(v: Option<f64>) -> String {
    match v {
        // A no-break space keeps the unit with its number in narrow table cells.
        Some(v) => format!("{}\u{a0}points", pct(Some(v)).trim_end_matches('%')),
        None => "n/a".into(),
    }
}

fn share(v: Option<f64>) -> String {
    v.map_or_else(|| "n/a".into(), |v| format!("{:.0}%", v * 100.0))
}

/// The track record as the note's partial template shows it: the sentence and one row per
/// stance at the cited horizon, every value already formatted.
#[derive(Debug, Clone, Serialize)]
pub struct TrackView {
    /// The plain sentence.
    pub sentence: String,
    /// The table's first words: since when, how the week ends overlap, which stances are too rare
    /// to read.
    pub intro: String,
    /// The horizon in weeks.
    pub weeks: u32,
    /// The instrument's symbol.
    pub symbol: String,
    /// The benchmark's symbol, when there is one.
    pub versus: Option<String>,
    /// Long, Neutral, Short.
    pub rows: Vec<TrackViewRow>,
}

/// One stance's row of [`TrackView`].
#[derive(Debug, Clone, Serialize)]
pub struct TrackViewRow {
    /// `Long`, `Neutral` or `Short`.
    pub stance: String,
    /// Week ends with an outcome at the horizon.
    pub count: usize,
    /// Share of them with the instrument higher.
    pub higher: String,
    /// Median price return.
    pub median: String,
    /// Worst price return.
    pub worst: String,
    /// Share with the instrument ahead of the benchmark.
    pub ahead: String,
    /// Median relative return (pp).
    pub rel_median: String,
    /// Worst relative return (pp).
    pub rel_worst: String,
    /// What the row says, every row alike ([`row_comment`]): "too few to judge (a verdict needs eight)", "the base
    /// line", or how often the instrument went the stance's way against all week ends (and against the benchmark).
    pub comment: String,
}

/// One side of a track-record row's comparison: a share (0–1) of the row's week ends and the
/// same share over all week ends, as the table prints them.
#[derive(Debug, Clone, Copy)]
pub struct RowShare {
    /// The row's share of week ends with the instrument higher (or ahead of the benchmark).
    pub own: Option<f64>,
    /// The same share over all week ends (the All week ends row).
    pub all: Option<f64>,
}

/// How the row's share compares with all week ends, compared as printed with the base-rate
/// tables' margin: "more often", "less often", "as often", "about as often".
fn how_often(own: &str, base: &str) -> &'static str {
    let n = |t: &str| t.parse::<f64>().unwrap_or(0.0);
    let margin = super::BEAT_MARGIN_PTS;
    if n(own) >= n(base) + margin {
        "more often"
    } else if n(own) <= n(base) - margin {
        "less often"
    } else if own == base {
        "as often"
    } else {
        "about as often"
    }
}

/// The comment of one Long or Short track-record row (or a sub-row of one), worded the same way
/// for every row: a reading seen at fewer than [`TOO_FEW`] week ends is too few to judge;
/// otherwise how often the instrument itself went the reading's way (higher for a long, lower for
/// a short: the trade is outright) against all week ends (the column's header says so), then,
/// with a benchmark, how often it beat the benchmark that way ("higher more often; ahead of SPY
/// less often"). Review 34: the Read column judged only the outright
/// rise while the Ahead column ran the other way. Shares are compared as printed, with the
/// base-rate tables' five-point margin.
pub fn row_comment(
    stance: StanceKind,
    count: usize,
    price: RowShare,
    relative: Option<(RowShare, &str)>,
) -> String {
    if count == 0 {
        return "no week ends".into();
    }
    if count < TOO_FEW {
        return format!("too few to judge ({})", verdict_needs());
    }
    let long = match stance {
        StanceKind::Neutral => return "no call".into(),
        k => k == StanceKind::Long,
    };
    // A share of "higher" read the stance's way, as printed.
    let way = |x: f64| format!("{:.0}", 100.0 * if long { x } else { 1.0 - x });
    let part = |r: RowShare| r.own.zip(r.all).map(|(o, a)| (way(o), way(a)));
    let Some((own, base)) = part(price) else {
        return "no outcome to compare".into();
    };
    // The figures are in the row and the All week ends row; the words only (review 34's PDF:
    // the figures in words wrapped the Read column to nine lines).
    let mut out = format!("{} {}", if long { "higher" } else { "lower" }, how_often(&own, &base));
    if let Some(((own, base), bench)) = relative.and_then(|(r, b)| Some((part(r)?, b))) {
        out.push_str(&format!(
            "; {} {bench} {}",
            if long { "ahead of" } else { "behind" },
            how_often(&own, &base)
        ));
    }
    out
}

/// The template view of a track record.
pub fn track_view(tr: &TrackRecord, symbol: &str) -> TrackView {
    let intro = track_intro(tr, symbol);
    let rows = tr
        .horizon(CITED_WEEKS)
        .map(|h| {
            let all_rel = h.all.relative.as_ref().and_then(|r| r.share_higher);
            let bench = tr.versus.as_deref();
            let row = |label: String, o: &crate::history::StanceOutcome, comment: Option<String>| {
                let r = o.relative.as_ref();
                TrackViewRow {
                    stance: label,
                    count: o.price.count,
                    higher: share(o.price.share_higher),
                    median: pct(o.price.median),
                    worst: pct(o.price.worst),
                    ahead: share(r.and_then(|r| r.share_higher)),
                    rel_median: pp(r.and_then(|r| r.median)),
                    rel_worst: pp(r.and_then(|r| r.worst)),
                    comment: comment.unwrap_or_else(|| {
                        row_comment(
                            o.stance,
                            o.price.count,
                            RowShare { own: o.price.share_higher, all: h.all.price.share_higher },
                            bench.zip(r).map(|(b, r)| (RowShare { own: r.share_higher, all: all_rel }, b)),
                        )
                    }),
                }
            };
            let mut rows = Vec::new();
            // The record check held some readings back (they have rows of their own).
            let held_any = h.held.iter().any(|o| o.weeks > 0 && o.stance != StanceKind::Neutral);
            for s in &h.by_stance {
                let comment = match (s.stance, tr.past_threshold_neutral) {
                    // Review 29: the invalidation rule beside the count it changes, in the
                    // Neutral row, which counts them. Review 38: beside the "printed Neutral"
                    // rows it read as one hold counted twice; it says which hold it counts.
                    (StanceKind::Neutral, k) if k > 0 => Some(format!(
                        "no call; includes {k} past a threshold, held by a {}",
                        if held_any {
                            "level or risk signal, not the record check"
                        } else {
                            "broken level or risk signal"
                        }
                    )),
                    _ => None,
                };
                rows.push(row(stance_name(s.stance).to_string(), s, comment));
                // Review 34: a reading's row mixed the calls the note printed with those the
                // record check held back; where it held some, both parts get a row of their own
                // under it (the reading's row is what the record check reads).
                let part =
                    |v: &[crate::history::StanceOutcome]| v.iter().find(|o| o.stance == s.stance).cloned();
                if let (Some(p), Some(held)) = (part(&h.printed), part(&h.held)) {
                    if held.weeks > 0 {
                        let name = stance_name(s.stance);
                        // Review 36: "Short: held at Neutral" beside the Neutral row's "held by a
                        // broken level" read as one hold counted twice; the label says what
                        // the note printed, the intro says why.
                        rows.push(row(format!("{name}: printed"), &p, None));
                        rows.push(row(format!("{name}: printed Neutral"), &held, None));
                    }
                }
            }
            let all = crate::history::StanceOutcome {
                stance: StanceKind::Neutral,
                weeks: h.all.weeks,
                price: h.all.price.clone(),
                relative: h.all.relative.clone(),
            };
            // "All" (was "All week ends", three lines in the PDF table's narrow first column).
            rows.push(row("All".into(), &all, Some("the base line".into())));
            rows
        })
        .unwrap_or_default();
    TrackView {
        sentence: tr.sentence.clone(),
        intro,
        weeks: CITED_WEEKS,
        symbol: symbol.to_string(),
        versus: tr.versus.clone(),
        rows,
    }
}

/// Stances seen at fewer week ends than this are named as too rare to judge: the record check's
/// own count ([`crate::signals::stance::MIN_RECORD_CASES`]), so the lead's "a verdict needs
/// eight" and the table's "too few to judge" are one rule (review 19: "needs eight" beside
/// "under 20").
pub const TOO_FEW: usize = crate::signals::stance::MIN_RECORD_CASES;

/// The one wording of that rule, said by the lead and the track table alike: "a verdict needs
/// eight".
pub fn verdict_needs() -> String {
    format!("a verdict needs {}", super::count_word(TOO_FEW))
}

fn track_intro(tr: &TrackRecord, symbol: &str) -> String {
    let since = tr.since.map(|d| format!(" since {}", d.format("%Y"))).unwrap_or_default();
    // When the record check held some readings back, the table's counts are not the chart
    // strip's (review 19: the strip's "Short 5" beside the table's "Short 53"): said plainly.
    let held = tr.points.iter().any(|p| p.published != p.stance);
    // Review 22: the table's "with an outcome" beside the chart strip's larger count (8 weeks
    // read Long, 6 with an outcome) needs the horizon said once: the latest weeks have none yet.
    // Review 29: what is counted said in words: only week ends with an outcome, so the current
    // week (and the latest ones) are not in the table though the chart's strip marks them.
    // Review 38: "(not the latest 14)" beside a 13-week horizon was questioned again; the chart's
    // caption counts the week ends with an outcome, so the words say the rule only.
    let after = format!(" with a {CITED_WEEKS}-week outcome");
    let mut s = if held {
        // Review 20: the table counts the stance before the record check, which is the chart
        // strip's printed weeks plus its grey ones.
        // Review 31: "held at Neutral by the record check (the table counts both: Short 57)"
        // beside "Neutral includes 63 … held it back" read as one hold counted two ways.
        // Review 33: "by the score's reading before the record check, whose holds count as Long
        // or Short" asked the reader to model two gates; the count of holds, said as the chart's
        // strip says it, is plainer.
        let held_n = tr.points.iter().filter(|p| p.published != p.stance && p.forward.is_some()).count();
        // The chart's grey strip marks every hold; where some have no outcome yet, both counts
        // (review 33: the text's 27 beside the chart's 29).
        let held_all = tr.points.iter().filter(|p| p.published != p.stance).count();
        let (count, with) = if held_all == held_n {
            (held_n, String::new())
        } else {
            (held_all, format!(" ({held_n} with an outcome)"))
        };
        // Review 34: the holds have rows of their own, under the reading they held back.
        // Review 36: which readings, and why, in words ("held at Neutral: the 52 the record
        // check kept there" beside the Neutral row's own holds read as one count twice).
        let sides: Vec<&str> = [StanceKind::Long, StanceKind::Short]
            .into_iter()
            .filter(|k| tr.points.iter().any(|p| p.published != p.stance && p.stance == *k))
            .map(|k| if k == StanceKind::Long { "longs" } else { "shorts" })
            .collect();
        format!(
            "Week ends{since}{after}; the record check printed {count} {} as Neutral{with}: earlier ones trailed all week ends",
            sides.join(" and ")
        )
    } else {
        // The overlap caveat is in Data and Method (the Score paragraph).
        format!("Week ends{since}{after}, by the score's reading")
    };
    // The week ends a broken invalidation level or risk signal kept Neutral are counted in the
    // Neutral row's comment (`TrackView::rows`).
    s.push('.');
    // Review 39: with only the charted figure here, the lead's own-return figure (QQQ −0.22)
    // could be found nowhere else; both are said, whether or not the lead quoted one.
    if let Some(r) = rank_rule(tr, symbol) {
        s.push(' ');
        s.push_str(&r);
    }
    // Which stances are too rare to read is each row's comment ([`row_comment`]), said the same
    // way for every row.
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_that_never_went_its_way_says_none() {
        let c = RecordCheck::judge(StanceKind::Short, (7, 0), (100, 45), None, 13);
        let t = record_clause(&c, "IWM");
        assert!(
            t.starts_with("none of the 7 earlier short signals saw IWM lower 13 weeks later, against 45%"),
            "{t}"
        );
        assert!(!t.contains("0 times"), "{t}");
    }

    fn edge(rho: f64, stance: StanceKind, lead: Option<f64>) -> TrackEdge {
        let link = RankLink::of(rho);
        TrackEdge {
            since_year: 2011,
            weeks: 13,
            rho,
            link,
            stance_lead: lead,
            medians: lead.map(|d| (d, 0.0)),
            stance_cases: Some(20),
            shown: link.positive() && (stance == StanceKind::Neutral || lead.is_some_and(|d| d > 0.0)),
        }
    }

    /// The analyst review found −0.10 read "has not told better from worse" (now "saw similar") and −0.11 "a higher
    /// score has gone with worse": one classification, of the printed value, with the stated
    /// bands. Swept over every printed value from −0.60 to +0.60 (and values just either side of
    /// each rounding edge), the sentence's words follow the printed figure alone.
    #[test]
    fn the_rank_words_follow_the_printed_correlation_by_one_stated_rule() {
        let words = |t: &str| -> RankLink {
            if t.contains("saw similar") {
                RankLink::None
            } else if t.contains("slightly worse") {
                RankLink::WeakAgainst
            } else if t.contains("slightly better") {
                RankLink::WeakWith
            } else if t.contains("gone with worse") {
                RankLink::Against
            } else if t.contains("gone with better") {
                RankLink::With
            } else {
                panic!("no rank words in {t}")
            }
        };
        for i in -600..=600 {
            for off in [-0.00499, -0.0001, 0.0, 0.0001, 0.00499] {
                let rho = i as f64 / 1000.0 + off;
                for stance in [StanceKind::Long, StanceKind::Neutral, StanceKind::Short] {
                    let e = edge(rho, stance, Some(0.01));
                    let t = rank_sentence(&e, "IWM", stance);
                    let printed = rho_text(rho);
                    assert!(t.contains(&format!("rank correlation {printed}")), "{t}");
                    // The printed figure, read back, decides the words.
                    let back: f64 = printed.replace('−', "-").parse().unwrap();
                    let want = if back.abs() < MIN_RANK_CORR - 1e-9 {
                        RankLink::None
                    } else if back.abs() < CLEAR_RANK_CORR - 1e-9 {
                        if back < 0.0 {
                            RankLink::WeakAgainst
                        } else {
                            RankLink::WeakWith
                        }
                    } else if back < 0.0 {
                        RankLink::Against
                    } else {
                        RankLink::With
                    };
                    assert_eq!(words(&t), want, "{rho}: {t}");
                    assert_eq!(e.link, want, "{rho}");
                    // A weak link is "slightly" better or worse, and only a weak one.
                    assert_eq!(t.contains("slightly"), want.weak(), "{t}");
                    assert!(!t.contains("no link") || want == RankLink::None, "{t}");
                    // The override sentence names the same link.
                    let o = override_sentence(&Override::NoTrackEdge { rho, weeks: 13 }, stance);
                    assert!(o.contains(&printed) && o.contains(link_words(want)), "{o}");
                }
            }
        }
        // The boundary the review saw: −0.10 and −0.11 read alike (both weak), −0.09 reads none.
        assert_eq!(RankLink::of(-0.0999), RankLink::WeakAgainst);
        assert_eq!(RankLink::of(-0.11), RankLink::WeakAgainst);
        assert_eq!(RankLink::of(-0.094), RankLink::None);
        assert_eq!(RankLink::of(0.296), RankLink::With);
        assert_eq!(RankLink::of(f64::NAN), RankLink::None);
        // The glossary states each band by its printed edges, and each edge reads as stated.
        assert_eq!(
            rank_bands(),
            "read on the printed figure: \u{2212}0.09 to +0.09, no link; \u{b1}0.10 to \u{b1}0.29, weak; \u{b1}0.30 or beyond, clear"
        );
        for (printed, want) in [
            (-0.09, RankLink::None),
            (0.09, RankLink::None),
            (-0.10, RankLink::WeakAgainst),
            (0.10, RankLink::WeakWith),
            (-0.29, RankLink::WeakAgainst),
            (0.29, RankLink::WeakWith),
            (-0.30, RankLink::Against),
            (0.30, RankLink::With),
        ] {
            assert_eq!(RankLink::of(printed), want, "{printed}");
        }
    }
}
