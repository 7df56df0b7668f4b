//! The sentences of the history: each base rate's ([`crate::baserates::BaseRate`]) and the
//! track record's ([`crate::history::TrackRecord`]), written from their numbers (percents
//! through [`crate::fmt`]). `analysis::analyze_note` fills `sentence` with them.

use crate::baserates::{BaseRate, Measure, CITED_WEEKS, FEW};
use crate::history::TrackRecord;
use crate::signals::State;
use chrono::Datelike;

fn pct(v: f64) -> String {
    if v.is_finite() {
        crate::fmt::pct(v)
    } else {
        "n/a".into()
    }
}

fn pp(v: f64) -> String {
    let s = pct(v);
    format!("{} pp", s.trim_end_matches('%'))
}

fn times(n: usize) -> String {
    match n {
        1 => "once".into(),
        2 => "twice".into(),
        n => format!("{n} times"),
    }
}

/// The note's sentence for a base rate, citing the 13-week horizon. Few cases are said as such,
/// without statistics.
pub fn base_rate_sentence(br: &BaseRate, symbol: &str) -> String {
    let mut s = base_rate_body(br, symbol);
    if br.history_cut {
        s.push_str(&format!(
            " (Only the last {} week ends were evaluated; the history is longer.)",
            br.weeks_evaluated
        ));
    }
    s
}

fn base_rate_body(br: &BaseRate, symbol: &str) -> String {
    let Some(since) = br.since else {
        return "Base rate: not enough history to look for earlier onsets.".into();
    };
    let year = since.year();
    let Some(h) = br.horizon(CITED_WEEKS) else {
        return "Base rate: not computed.".into();
    };
    let wk = h.weeks;
    let n = h.count;
    if n == 0 {
        return format!(
            "Base rate: no earlier weekly onset since {year} with a {wk}-week outcome, so there is nothing to compare with."
        );
    }
    if n < FEW {
        let cases = if n == 1 { "case" } else { "cases" };
        return format!(
            "Base rate: only {n} earlier {cases} since {year} with a {wk}-week outcome — too few to lean on."
        );
    }
    let (Some(median), Some(worst), Some(best)) = (h.median, h.worst, h.best) else {
        return "Base rate: not computed.".into();
    };
    let lead = format!("Base rate: in the {n} earlier weekly onsets since {year}");
    let bench = br.versus.as_deref().unwrap_or("the benchmark");
    match (br.measure, br.state) {
        (Measure::Price, State::Bearish) => format!(
            "{lead}, {symbol} was lower {wk} weeks later {} (median {}, largest rise {}).",
            times(n - h.n_positive),
            pct(median),
            pct(best)
        ),
        (Measure::Price, _) => format!(
            "{lead}, {symbol} was higher {wk} weeks later {} (median {}, worst {}).",
            times(h.n_positive),
            pct(median),
            pct(worst)
        ),
        (Measure::Excess, State::Bearish) => format!(
            "{lead}, {symbol} lagged {bench} over the next {wk} weeks {} (median {}, largest lead {}).",
            times(n - h.n_positive),
            pp(median),
            pp(best)
        ),
        (Measure::Excess, _) => format!(
            "{lead}, {symbol} beat {bench} over the next {wk} weeks {} (median {}, worst {}).",
            times(h.n_positive),
            pp(median),
            pp(worst)
        ),
    }
}

/// The note's sentence: whether the score ranked the cited horizon's forward returns (relative
/// to the benchmark when there is one), with the rank correlation.
pub fn track_record_sentence(tr: &TrackRecord, symbol: &str) -> String {
    let (Some(since), Some(h)) = (tr.since, tr.horizon(crate::history::CITED_WEEKS)) else {
        return "Track record: not enough history to compute the stance at earlier week ends.".into();
    };
    let (rho, what) = match (h.rank_corr_relative, tr.versus.as_deref()) {
        (Some(r), Some(b)) => (r, format!("{symbol}'s {}-week return relative to {b}", h.weeks)),
        _ => match h.rank_corr_price {
            Some(r) => (r, format!("{symbol}'s {}-week return", h.weeks)),
            None => {
                return format!(
                    "Track record: too few week ends since {} with a {}-week outcome to judge the score.",
                    since.year(),
                    h.weeks
                )
            }
        },
    };
    // One classification of the correlation for every sentence (history::edge::RankLink).
    let verdict = match crate::history::edge::RankLink::of(rho) {
        crate::history::edge::RankLink::None => "has not ranked",
        crate::history::edge::RankLink::WeakWith => "has ranked, if loosely,",
        crate::history::edge::RankLink::With => "has ranked",
        crate::history::edge::RankLink::WeakAgainst => "has ranked inversely, if loosely,",
        crate::history::edge::RankLink::Against => "has ranked inversely",
    };
    format!(
        "Since {} the score {verdict} {what}: rank correlation {} over {} week ends (overlapping windows, \
         so fewer independent cases than that).",
        since.year(),
        super::track_text::rho_text(rho),
        h.n
    )
}
