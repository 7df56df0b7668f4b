//! Renders evidence into sentences: `{key}` placeholders, rounding only here (SIGNALS.md §0).
//!
//! | unit | `{key}` | `{key:abs}` |
//! |---|---|---|
//! | Price | `246.10` | same |
//! | Pct (a fraction) | `+5.1%` / `−21.4%` | `21.4%` |
//! | Pp | `+0.40` / `−0.40` | `0.40` |
//! | Ratio | `1.234` | same, unsigned |
//! | Shares | `48.2` (millions) | same |
//! | Atr | `0.62` | same, unsigned |
//! | Count | `7` | same |
//! | Number | `64.0` (1 dp) | same, unsigned |
//! | Level (a yield in %, $bn) | `4.33` / `−12.50` | `12.50` |
//!
//! `{key:pctile}` renders a 0..1 rank as an ordinal percentile (`0.7` → `70th`). Dates render
//! `YYYY-MM-DD`, date lists comma-separated, ranges `lo–hi`. A missing key renders `n/a`.

use crate::signals::{DayEvent, Ev, Handoff, LevelSource, PolicyRate, StackedLevel, Unavailable, Unit};
use chrono::NaiveDate;

/// Formats one evidence value with an optional modifier (`abs`, `pctile`).
pub fn format_ev(ev: &Ev, modifier: Option<&str>) -> String {
    let abs = modifier == Some("abs");
    match ev {
        Ev::Num { v, unit } => {
            if !v.is_finite() {
                return "n/a".into();
            }
            if modifier == Some("pctile") {
                return ordinal((v * 100.0).round() as i64);
            }
            let x = if abs { v.abs() } else { *v };
            match unit {
                Unit::Price => minus(x, 2),
                Unit::Pct => signed(x * 100.0, 1, !abs, "%"),
                Unit::Pp => signed(x, 2, !abs, ""),
                Unit::Ratio => minus(x, 3),
                Unit::Shares => minus(x / 1e6, 1),
                Unit::Atr => minus(x, 2),
                // `{k:word}`: a small count spelled out ("one of three"), as the note's own sentences do.
                Unit::Count if modifier == Some("word") && x >= 0.0 => match x.round() as usize {
                    0 => "none".into(),
                    n => super::count_word(n),
                },
                Unit::Count => format!("{}", x.round() as i64),
                Unit::Number => minus(x, 1),
                Unit::Level => minus(x, 2),
            }
        }
        Ev::Date { v } => v.format("%Y-%m-%d").to_string(),
        Ev::Dates { v } => v.iter().map(|d| d.format("%Y-%m-%d").to_string()).collect::<Vec<_>>().join(", "),
        Ev::Range { lo, hi } => format!("{lo:.2}–{hi:.2}"),
        Ev::Text { v } => v.clone(),
        Ev::Tag { v } => v.as_str().into(),
        Ev::YesNo { v } => if *v { "yes" } else { "no" }.into(),
        Ev::Prices { v } => v.iter().map(|x| minus(*x, 2)).collect::<Vec<_>>().join(", "),
        Ev::Residuals { v } => v
            .iter()
            .map(|(d, z)| format!("{} {}σ", d.format("%Y-%m-%d"), crate::fmt::signed_body(*z, 2)))
            .collect::<Vec<_>>()
            .join(", "),
        Ev::States { v } => v.iter().map(|s| s.name()).collect::<Vec<_>>().join(", "),
        Ev::Month { v } => month(*v),
        Ev::PolicyRate { v } => policy_rate(*v),
        Ev::DayEvent { v } => day_event(*v).into(),
        Ev::Handoff { v } => handoff(v),
        Ev::Levels { v } => levels(v),
        Ev::LevelSources { v } => level_sources(v),
    }
}

/// A month as the note names it: "May 2024".
pub fn month(d: NaiveDate) -> String {
    d.format("%B %Y").to_string()
}

/// B1's policy rate: "fed funds", or "fed funds (the May 2024 average)" for a monthly average
/// (so a stale average is never read as today's rate).
pub fn policy_rate(p: PolicyRate) -> String {
    match p {
        PolicyRate::Daily => "fed funds".into(),
        PolicyRate::MonthlyAverage(m) => format!("fed funds (the {} average)", month(m)),
    }
}

/// F2's event day in words.
pub fn day_event(e: DayEvent) -> &'static str {
    match e {
        DayEvent::QuarterlyOpex => "quarterly options expiration",
        DayEvent::Reconstitution => "Russell reconstitution",
        DayEvent::HalfDay => "half-day session",
        DayEvent::AfterHalfDay => "session after a half-day",
    }
}

/// G1's three handoff conditions: "SPY's wave is complete; IWM's wave is not young and
/// expanding; IWM/SPY is in the bottom 40% of 5 years".
pub fn handoff(h: &Handoff) -> String {
    let sym = h.symbol.as_str();
    let bench = h.bench.as_deref().unwrap_or("the benchmark");
    let not = |b: bool| if b { "" } else { "not " };
    format!(
        "{bench}'s wave is {}complete; {sym}'s wave is {}young and expanding; {sym}/{bench} is {}",
        not(h.bench_done),
        not(h.inst_early),
        if h.ratio_low { "in the bottom 40% of 5 years" } else { "above the 40th percentile of 5 years" },
    )
}

/// A session's volume rank among the 252 sessions that end on it (F2's `rank`), in the one
/// phrase the note's text and the daily chart's alt text share, in words rather than a "#2":
/// "the second heaviest of the 252 sessions to that day" (rank 1: "the heaviest of …").
pub fn volume_rank(rank: usize) -> String {
    format!("the {} of the 252 sessions to that day", heaviest_nth(rank))
}

/// The rank's words in [`volume_rank`]: "heaviest", "second heaviest", …, "12th heaviest"; the
/// daily chart's volume tag says the same ("second heaviest of 252 sessions").
pub fn heaviest_nth(rank: usize) -> String {
    let nth = match rank {
        0 | 1 => return "heaviest".into(),
        2 => "second".to_string(),
        3 => "third".to_string(),
        4 => "fourth".to_string(),
        5 => "fifth".to_string(),
        k => ordinal(k as i64),
    };
    format!("{nth} heaviest")
}

/// One F1 level source: "SMA200", "EMA21", "swing high 2025-02-14", "volume POC", "HVN".
pub fn level_source(s: LevelSource) -> String {
    match s {
        LevelSource::SwingHigh(d) => format!("swing high {d}"),
        LevelSource::SwingLow(d) => format!("swing low {d}"),
        LevelSource::Sma(n) => format!("SMA{n}"),
        LevelSource::Ema(n) => format!("EMA{n}"),
        LevelSource::VolumePoc => "volume POC".into(),
        LevelSource::Hvn => "HVN".into(),
    }
}

/// The sources of one F1 level joined: "SMA200 + swing high 2025-02-14".
pub fn level_sources(v: &[LevelSource]) -> String {
    v.iter().map(|s| level_source(*s)).collect::<Vec<_>>().join(" + ")
}

/// F1's level list: "218.40 SMA200 + swing high 2025-02-14; 221.10 HVN" ("none" when empty).
pub fn levels(v: &[StackedLevel]) -> String {
    if v.is_empty() {
        return "none".into();
    }
    v.iter()
        .map(|l| format!("{} {}", minus(l.price, 2), level_sources(&l.sources)))
        .collect::<Vec<_>>()
        .join("; ")
}

use crate::fmt::minus;

/// `x` with `dp` decimals and `suffix`: signed ([`crate::fmt::signed_body`]) when `sign`, else
/// its absolute value.
fn signed(x: f64, dp: usize, sign: bool, suffix: &str) -> String {
    if sign {
        format!("{}{suffix}", crate::fmt::signed_body(x, dp))
    } else {
        format!("{:.*}{suffix}", dp, x.abs())
    }
}

/// `1` → `1st`, `22` → `22nd`, `13` → `13th`.
pub fn ordinal(n: i64) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// Fills `{key}` / `{key:modifier}` placeholders of `template` from `evidence`.
pub fn fill(template: &str, evidence: &[(crate::signals::EvKey, Ev)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => {
                let spec = &after[..end];
                let (key, modifier) = match spec.split_once(':') {
                    Some((k, m)) => (k, Some(m)),
                    None => (spec, None),
                };
                rest = &after[end + 1..];
                match evidence.iter().find(|(k, _)| k == key) {
                    Some((_, ev)) => {
                        let v = format_ev(ev, modifier);
                        rest = agree(&mut out, &v, rest);
                    }
                    None => out.push_str("n/a"),
                }
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Plural nouns a count in a template may precede, with their singular.
const NOUNS: [(&str, &str); 12] = [
    (" weeks", " week"),
    (" sessions", " session"),
    (" days", " day"),
    (" bars", " bar"),
    (" months", " month"),
    (" years", " year"),
    (" candles", " candle"),
    (" pullbacks", " pullback"),
    (" windows", " window"),
    (" times", " time"),
    (" dips", " dip"),
    (" levels", " level"),
];

/// Pushes the filled value `v` and makes the words after it agree with it: "1 weeks" becomes
/// "1 week" (and `{k:word}`'s "one weeks" "one week") and "0 of them" becomes "none of them". Returns the rest of the template.
fn agree<'a>(out: &mut String, v: &str, rest: &'a str) -> &'a str {
    if v == "0" && rest.starts_with(" of them") {
        out.push_str("none");
        return rest;
    }
    out.push_str(v);
    if v == "1" || v == "one" {
        for (pl, sg) in NOUNS {
            if let Some(tail) = rest.strip_prefix(pl) {
                if !tail.starts_with(|c: char| c.is_alphanumeric()) {
                    out.push_str(sg);
                    return tail;
                }
            }
        }
    }
    rest
}

/// Why a signal is not assessed, in words (the "{reason}" of "{Claim}: not assessed ({reason})."
/// and signals.json's `reason.detail`): what is missing in market terms, never the tool's words
/// ("configured", "series", "anchor"); the Data and Method section keeps the tool details.
pub fn unavailable_text(u: &Unavailable) -> String {
    match u {
        Unavailable::InsufficientHistory { have: 0, .. } => "no data yet".into(),
        Unavailable::InsufficientHistory { need, have } => {
            let s = if *need == 1 { "" } else { "s" };
            format!("not enough history yet: {have} of the {need} bar{s} needed")
        }
        Unavailable::MissingInput { input } => format!("no {} data supplied", input_words(input)),
        Unavailable::Stale { input, last } => {
            format!("the latest {} figure, {last}, is too old to use", input_words(input))
        }
        Unavailable::VolumeGaps => "more than 5% of volume missing in the window".into(),
        Unavailable::AnchorTooRecent { prior, anchor, weeks, need } => {
            let ago = match weeks {
                0 => "this week".to_string(),
                1 => "only 1 week ago".to_string(),
                w => format!("only {w} weeks ago"),
            };
            format!(
                "price made a new low on {anchor}, below the {prior} low, {ago}; {need} weeks after a low are needed to measure from it"
            )
        }
        Unavailable::MissingObservation { input, period } => {
            format!("no {} figure was published for {}", input_words(input), period.format("%B %Y"))
        }
        Unavailable::PolicyRateStale { month, value, months, moved } => {
            let head =
                format!("the latest fed funds figure is the {} average, {value:.2}%", month.format("%B %Y"));
            match moved {
                Some(d) if *months <= 1 => format!(
                    "{head}, and the 2-year yield has moved {}{:.2} points since, so it may miss a rate change",
                    if *d < 0.0 { "\u{2212}" } else { "+" },
                    d.abs()
                ),
                _ => format!("{head}, {months} months old, so it may miss a rate change"),
            }
        }
    }
}

/// An input's config key in words ("mid_cap" → "mid-cap", "fed_funds" → "fed funds").
fn input_words(input: &str) -> String {
    match input {
        "mid_cap" => "mid-cap".into(),
        "fed_funds" => "fed funds".into(),
        "dgs2" => "2-year yield".into(),
        "hy_oas" => "high-yield spread".into(),
        "core_cpi" => "core CPI".into(),
        "cpi" => "CPI".into(),
        "unrate" => "unemployment".into(),
        "ppi" => "producer price".into(),
        "fwd_eps" => "forward earnings estimate".into(),
        "fwd_sales" => "forward revenue estimate".into(),
        "foreign_flows" => "foreign flows".into(),
        other => other.replace('_', " "),
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn unavailable_reasons_are_worded_here() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        let cases = [
            (Unavailable::InsufficientHistory { need: 1, have: 0 }, "no data yet"),
            (Unavailable::InsufficientHistory { need: 60, have: 12 }, "not enough history yet: 12 of the 60 bars needed"),
            (Unavailable::MissingInput { input: "benchmark".into() }, "no benchmark data supplied"),
            (
                Unavailable::Stale { input: "ICSA".into(), last: d(2025, 1, 4) },
                "the latest ICSA figure, 2025-01-04, is too old to use",
            ),
            (Unavailable::VolumeGaps, "more than 5% of volume missing in the window"),
            (
                Unavailable::AnchorTooRecent { prior: d(2018, 12, 28), anchor: d(2020, 3, 20), weeks: 0, need: 4 },
                "price made a new low on 2020-03-20, below the 2018-12-28 low, this week; 4 weeks after a low are needed to measure from it",
            ),
            (
                Unavailable::AnchorTooRecent { prior: d(2018, 12, 28), anchor: d(2020, 3, 13), weeks: 1, need: 4 },
                "price made a new low on 2020-03-13, below the 2018-12-28 low, only 1 week ago; 4 weeks after a low are needed to measure from it",
            ),
            (
                Unavailable::MissingObservation { input: "CPIAUCSL".into(), period: d(2025, 10, 1) },
                "no CPIAUCSL figure was published for October 2025",
            ),
            (
                Unavailable::PolicyRateStale { month: d(2022, 5, 1), value: 0.77, months: 1, moved: Some(0.52) },
                "the latest fed funds figure is the May 2022 average, 0.77%, and the 2-year yield has moved +0.52 points since, so it may miss a rate change",
            ),
            (
                Unavailable::PolicyRateStale { month: d(2025, 6, 1), value: 4.33, months: 3, moved: Some(-0.1) },
                "the latest fed funds figure is the June 2025 average, 4.33%, 3 months old, so it may miss a rate change",
            ),
        ];
        for (u, want) in cases {
            assert_eq!(unavailable_text(&u), want);
        }
    }

    #[test]
    fn counts_agree_with_their_nouns() {
        let ev = vec![("n".into(), num(1.0, Unit::Count)), ("z".into(), num(0.0, Unit::Count))];
        assert_eq!(
            fill("only {n} weeks old, {z} of them strong", &ev),
            "only 1 week old, none of them strong"
        );
        assert_eq!(fill("{n} sessions; {n} weeksX; {z} weeks", &ev), "1 session; 1 weeksX; 0 weeks");
        let two = vec![("n".into(), num(2.0, Unit::Count))];
        assert_eq!(fill("{n} weeks, {n} of them", &two), "2 weeks, 2 of them");
    }

    use super::*;

    fn num(v: f64, unit: Unit) -> Ev {
        Ev::Num { v, unit }
    }

    #[test]
    fn fills_with_units_and_modifiers() {
        let ev = vec![
            ("lag".into(), num(-0.2143, Unit::Pct)),
            ("px".into(), num(246.1, Unit::Price)),
            ("spread".into(), num(-0.4, Unit::Pp)),
            ("rank".into(), num(0.72, Unit::Ratio)),
            ("vol".into(), num(48_230_000.0, Unit::Shares)),
            ("n".into(), num(3.0, Unit::Count)),
        ];
        assert_eq!(
            fill(
                "{lag} / {lag:abs} at {px}; {spread:abs} pp ({spread}); {rank:pctile}; {vol}M; {n}; {nope}",
                &ev
            ),
            "−21.4% / 21.4% at 246.10; 0.40 pp (−0.40); 72nd; 48.2M; 3; n/a"
        );
    }

    #[test]
    fn plain_numbers_use_the_typographic_minus_and_no_negative_zero() {
        let ev = vec![
            ("a".into(), num(-3.5612, Unit::Atr)),
            ("b".into(), num(-0.001, Unit::Atr)),
            ("c".into(), num(-68.2771, Unit::Ratio)),
            ("d".into(), num(-2.0, Unit::Price)),
        ];
        assert_eq!(fill("{a} {b} {c} {d} {a:abs}", &ev), "−3.56 0.00 −68.277 −2.00 3.56");
    }

    #[test]
    fn unterminated_brace_is_kept() {
        assert_eq!(fill("a {b", &[]), "a {b");
    }

    /// `{k:word}` spells a small count ("none", "one" … "nine"), keeps digits from ten on, and leaves other units and counts without the modifier as digits.
    #[test]
    fn the_word_modifier_spells_small_counts() {
        let ev = vec![
            ("z".into(), num(0.0, Unit::Count)),
            ("one".into(), num(1.0, Unit::Count)),
            ("three".into(), num(3.0, Unit::Count)),
            ("nine".into(), num(9.0, Unit::Count)),
            ("ten".into(), num(10.0, Unit::Count)),
            ("px".into(), num(3.0, Unit::Price)),
        ];
        assert_eq!(
            fill("{z:word} of {three:word}; {one:word}; {nine:word}; {ten:word}; {px:word}; {three}", &ev),
            "none of three; one; nine; 10; 3.00; 3"
        );
        // A spelled-out one makes its noun agree as the digit does.
        assert_eq!(
            fill("{one} weeks, {one:word} weeks, {three:word} weeks", &ev),
            "1 week, one week, three weeks"
        );
    }

    /// The volume rank in words: "heaviest" for rank 1 (and a 0 the signal never gives), words
    /// for second to fifth, digits with the right ordinal suffix from sixth on.
    #[test]
    fn volume_ranks_read_as_words_then_ordinals() {
        let tail = " heaviest of the 252 sessions to that day";
        assert_eq!(volume_rank(0), format!("the{tail}"));
        assert_eq!(volume_rank(1), format!("the{tail}"));
        for (k, w) in [
            (2, "second"),
            (3, "third"),
            (4, "fourth"),
            (5, "fifth"),
            (6, "6th"),
            (11, "11th"),
            (12, "12th"),
            (13, "13th"),
            (21, "21st"),
            (22, "22nd"),
            (23, "23rd"),
            (101, "101st"),
            (252, "252nd"),
        ] {
            assert_eq!(volume_rank(k), format!("the {w}{tail}"), "{k}");
        }
    }

    #[test]
    fn ordinals() {
        assert_eq!(ordinal(1), "1st");
        assert_eq!(ordinal(11), "11th");
        assert_eq!(ordinal(22), "22nd");
        assert_eq!(ordinal(103), "103rd");
    }
}
