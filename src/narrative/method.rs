//! Data and Method in a reader's words: each source by its series and vendor, the dates it
//! covers and the latest figure used, what could not be assessed and why. File names, formats,
//! hashes and signal ids stay in signals.json.

use super::{format, short_name, Voice};
use crate::signals::State;
use crate::Analysis;
use chrono::{Datelike, NaiveDate};

/// The vendor or layout a file was read as (`data::quality::FileReport::format`), in words:
/// "FRED", "Yahoo Finance", "a plain CSV file".
pub fn source_words(format: &str) -> String {
    let head = format.split(',').next().unwrap_or("").trim();
    match head {
        "fred" => "FRED (Federal Reserve Bank of St. Louis)".into(),
        "alfred" => "ALFRED (FRED's first-release vintages)".into(),
        "yahoo" => "Yahoo Finance".into(),
        "yfinance" => "Yahoo Finance (yfinance)".into(),
        "stooq" | "stooq ascii" => "Stooq".into(),
        "alphavantage" => "Alpha Vantage".into(),
        "tradingview" => "TradingView".into(),
        "nasdaq" => "Nasdaq".into(),
        "investing" => "Investing.com".into(),
        "european" => "a CSV file with decimal commas (source not stated)".into(),
        _ => "a CSV file (source not stated)".into(),
    }
}

/// Where a file comes from, by its role in the note: the config's `source` for a bar file when
/// given, else [`source_words`] of the layout it was read as.
pub fn file_source(a: &Analysis, role: &str, format: &str) -> String {
    let c = &a.config;
    let stated = match role {
        "instrument" => c.instrument.source.as_deref(),
        "benchmark" => c.benchmark.as_ref().and_then(|b| b.source.as_deref()),
        "mid_cap" => c.mid_cap.as_ref().and_then(|b| b.source.as_deref()),
        _ => None,
    };
    match stated.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => s.to_string(),
        None => source_words(format),
    }
}

/// The publication date a macro series is assumed to have, in calendar words, from the lag it is
/// read with (Data and Method): "the next session" for a daily series; "45 days after the month
/// starts (14 to 17 days after it ends)" for a monthly one, "the first Friday from …" when the
/// assumed dates are Fridays (the US Employment Situation calendar); "from the date each value was
/// first published" for ALFRED vintages.
pub fn lag_words(m: &crate::data::MacroSeries) -> String {
    use crate::signals::macro_::{frequency, Frequency};
    if m.has_vintages() {
        return "from the date each value was first published".into();
    }
    let d = m.release_lag_days;
    let days = |n: i64| if n == 1 { "1 day".to_string() } else { format!("{n} days") };
    let fridays = !m.obs.is_empty()
        && m.obs.iter().filter(|o| o.release.weekday() == chrono::Weekday::Fri).count() * 10
            >= m.obs.len() * 9;
    match frequency(&m.obs) {
        Frequency::Daily if d == 1 => "the next session".into(),
        Frequency::Daily => format!("{} later", days(d)),
        Frequency::Monthly => {
            // A month has 28 to 31 days: the same lag lands this many days after its end.
            let (lo, hi) = (d - 31, d - 28);
            let end = if lo >= 0 {
                format!(" ({lo} to {hi} days after it ends)")
            } else if hi >= 0 {
                " (around the month's end)".to_string()
            } else {
                " (before the month ends)".to_string()
            };
            let friday = if fridays { "the first Friday from " } else { "" };
            format!("{friday}{} after the month starts{end}", days(d))
        }
        _ => format!("{} after the period starts", days(d)),
    }
}

/// What a file holds, by its role in the note (`instrument`, `benchmark`, `mid_cap`,
/// `macro:<id>`): "IWM (iShares Russell 2000 ETF): daily prices and volume", "Fed funds rate
/// (monthly average)".
pub fn series_words(a: &Analysis, role: &str) -> String {
    let bars = |i: &crate::data::Instrument| {
        if i.name.is_empty() || i.name == i.symbol {
            format!("{}: daily prices and volume", i.symbol)
        } else {
            format!("{} ({}): daily prices and volume", i.symbol, i.name)
        }
    };
    let d = &a.dataset;
    match role {
        "instrument" => bars(&d.instrument),
        "benchmark" => d.benchmark.as_ref().map(bars).unwrap_or_else(|| "Benchmark prices".into()),
        "mid_cap" => d.mid_cap.as_ref().map(bars).unwrap_or_else(|| "Mid-cap prices".into()),
        r => match r.strip_prefix("macro:").and_then(|id| d.macro_series(id)) {
            Some(m) if !m.label.is_empty() => m.label.clone(),
            Some(m) => m.id.replace('_', " "),
            None => r.to_string(),
        },
    }
}

/// A file's short name for Data quality's lines: "IWM prices", or the macro series' label.
pub fn short_series_words(a: &Analysis, role: &str) -> String {
    let d = &a.dataset;
    match role {
        "instrument" => format!("{} prices", d.instrument.symbol),
        "benchmark" => {
            d.benchmark.as_ref().map_or("Benchmark prices".into(), |b| format!("{} prices", b.symbol))
        }
        "mid_cap" => d.mid_cap.as_ref().map_or("Mid-cap prices".into(), |b| format!("{} prices", b.symbol)),
        r => series_words(a, r),
    }
}

/// The latest figure the note used from a file, point in time: "close 291.17 on 2026-07-24",
/// "3.63 for June 2026, counted from 2026-07-03 (assumed publication)", "322.5 for June 2026 (+2.7%
/// on a year earlier), counted from ..."; "none published by 2012-11-16" when nothing was public yet.
pub fn latest_words(a: &Analysis, role: &str) -> Option<String> {
    let d = &a.dataset;
    let close = |i: &crate::data::Instrument| {
        let k = i.bars.date.partition_point(|x| *x <= a.as_of);
        (k > 0).then(|| format!("close {} on {}", crate::fmt::price(i.bars.close[k - 1]), i.bars.date[k - 1]))
    };
    match role {
        "instrument" => close(&d.instrument),
        "benchmark" => d.benchmark.as_ref().and_then(close),
        "mid_cap" => d.mid_cap.as_ref().and_then(close),
        r => {
            let m = d.macro_series(r.strip_prefix("macro:")?)?;
            let known = m.known_at(a.as_of);
            let Some(last) = known.last() else {
                return Some(format!("none published by {}", a.as_of));
            };
            let yoy = match m.transform {
                crate::data::Transform::Yoy => last
                    .period
                    .checked_sub_months(chrono::Months::new(12))
                    .and_then(|p| known.iter().rev().find(|o| o.period <= p && o.period.month() == p.month()))
                    .filter(|o| o.value != 0.0)
                    .map(|o| format!(" ({} on a year earlier)", crate::fmt::pct(last.value / o.value - 1.0))),
                _ => None,
            };
            let period = match crate::signals::macro_::frequency(&known) {
                crate::signals::macro_::Frequency::Daily | crate::signals::macro_::Frequency::Weekly => {
                    last.period.to_string()
                }
                _ => format::month(last.period),
            };
            Some(format!(
                "{} for {period}{}, counted from {} (assumed publication)",
                crate::fmt::fixed(last.value, 2),
                yoy.unwrap_or_default(),
                last.release
            ))
        }
    }
}

/// The first and last dates a file contributes to the note ("2000-05-26 to 2026-07-24"), point
/// in time: a macro series ends at its latest figure public on the as-of date.
pub fn covers_words(a: &Analysis, role: &str, first: Option<NaiveDate>, last: Option<NaiveDate>) -> String {
    let series = role.strip_prefix("macro:").and_then(|id| a.dataset.macro_series(id));
    let known = series.map(|m| m.known_at(a.as_of));
    let end = match &known {
        Some(k) => k.last().map(|o| o.period),
        None => last.map(|l| l.min(a.as_of)),
    };
    // A monthly or slower series is dated by its months ("January 2000 to June 2026").
    let monthly = known.as_ref().is_some_and(|k| {
        !matches!(
            crate::signals::macro_::frequency(k),
            crate::signals::macro_::Frequency::Daily | crate::signals::macro_::Frequency::Weekly
        )
    });
    match (first.filter(|f| *f <= a.as_of), end) {
        (Some(f), Some(e)) if monthly => format!("{} to {}", format::month(f), format::month(e)),
        (Some(f), Some(e)) => format!("{f} to {e}"),
        _ => format!("nothing before {}", a.as_of),
    }
}

/// A scoring group in words (the score table): "relative strength", "3-day".
pub fn group_words(group: &str) -> String {
    match group {
        "thesis_rs" => "relative strength".into(),
        "three_day" => "3-day".into(),
        // Review 28: "risk" named no idea the reader could check; the lead's words for them.
        "risk" => "daily warning signs".into(),
        other => other.replace('_', " "),
    }
}

/// What the note could not assess and why, one line per reason: "Financing costs (high-yield
/// spread data start in August 2023: 2.2 of the 2.5 years needed)."; signals that share a
/// reason are listed together.
pub fn not_assessed(a: &Analysis) -> Vec<String> {
    let v = Voice::of(a);
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for r in a.signals.iter().filter(|r| r.state == State::Unavailable) {
        let why = match &r.reason {
            // No file for a macro or fundamentals topic: one reason for every such topic.
            Some(crate::signals::Unavailable::MissingInput { .. })
                if r.group == "macro" || r.group == "fundamentals" =>
            {
                "no data supplied".to_string()
            }
            Some(u) if r.group == "macro" || r.group == "fundamentals" => {
                super::macro_reason(u, &a.dataset.macros, a.as_of, r.id)
            }
            // A batch symbol that is its own benchmark: the reason the Thesis gives, not "no
            // benchmark data supplied" (review: SPY's note gave both).
            Some(crate::signals::Unavailable::MissingInput { input })
                if a.config.benchmark_is_instrument && input == "benchmark" =>
            {
                format!("{} is its own benchmark here", v.symbol)
            }
            Some(u) => format::unavailable_text(u),
            None => "no reason recorded".into(),
        };
        let name = short_name(r.id, &v);
        match groups.iter_mut().find(|(w, _)| *w == why) {
            Some((_, names)) => names.push(super::lower_first(&name)),
            None => groups.push((why, vec![name])),
        }
    }
    let own = format!("{} is its own benchmark here", v.symbol);
    groups
        .into_iter()
        .map(|(why, names)| {
            // Named as what they are (review 19: "SPY against the benchmark, lag ending, rotation
            // through mid caps and SPY momentum against the benchmark" read as a garbled list).
            let names = if why == own && a.config.benchmark_is_instrument {
                match names.len() {
                    1 => format!("The one signal that compares {} with a benchmark", v.symbol),
                    k => format!(
                        "The {} signals that compare {} with a benchmark",
                        super::count_word(k),
                        v.symbol
                    ),
                }
            } else {
                crate::fmt::and_list(&names)
            };
            format!("{names} ({why}).")
        })
        .collect()
}

/// The score table's State cell for signal `id` in `state`: the state's name, and for a daily
/// warning sign that scores 0 although its level broke, why (review 34: on 2022-06-17 "Daily
/// swing structure | neutral | 0.00" beside a Risk table whose swing low had broken read as a
/// scoring error): a close under the swing low after a higher high is no lower high, and an OBV
/// break counts against price only once its retest fails (SIGNALS.md §4, H1 and H2).
pub fn state_words(a: &Analysis, id: &str, state: State) -> String {
    use crate::signals::{branch::Flag, stance::ids, ObvStatus};
    let r = a.signals.iter().find(|r| r.id == id);
    let why = match (id, state, r) {
        (ids::H1, State::Neutral, Some(r)) if r.flags.contains(&Flag::HigherHighBreached) => {
            Some("a higher high, then a close under the swing low: no lower high".to_string())
        }
        (ids::H2, State::Neutral, Some(r)) => match r.tagged::<ObvStatus>("status") {
            Some(ObvStatus::Broken) => Some(format!(
                "OBV under its line, not yet retested: bearish if a retest fails or none comes within {} sessions",
                crate::indicators::obv_line::RETEST_WINDOW
            )),
            Some(ObvStatus::Retest) => Some("OBV back at its line: bearish only if the retest fails".to_string()),
            _ => None,
        },
        _ => None,
    };
    match why {
        Some(w) => format!("{} ({w})", state.name()),
        None => state.name().to_string(),
    }
}
