//! Alt text: the chart's data and the signal evidence in, one or two plain sentences out, naming
//! what the chart shows and the readings it annotates.

use super::macro_panel::MacroScene;
use super::price::{wave_states, Layers, TfScene, Wave, MIN_BARS};
use super::relative::RelScene;
use crate::signals::{ObvStatus, State, ZoneStatus};
use chrono::NaiveDate;

fn month(d: NaiveDate) -> String {
    d.format("%Y-%m").to_string()
}

fn wave_phrase(hist: &[f64]) -> Option<&'static str> {
    let s = wave_states(hist).last().copied().flatten()?;
    Some(match s {
        Wave::EU => "MACD histogram expanding upward",
        Wave::CU => "MACD histogram positive but contracting",
        Wave::CD => "MACD histogram negative with downside pressure fading",
        Wave::ED => "MACD histogram expanding downward",
    })
}

/// Alt text of a weekly, 3-day or daily chart.
pub(crate) fn timeframe(sym: &str, sc: &TfScene) -> String {
    let name = sc.tf.name();
    let cap = crate::signals::capitalise(name);
    let n = sc.bars.len();
    if n < MIN_BARS {
        return format!(
            "{cap} {sym} chart: not enough history ({n} complete bars; at least {MIN_BARS} needed)."
        );
    }
    let (d0, d1) = (sc.bars.date[sc.start], sc.bars.date[n - 1]);
    let close = sc.bars.close[n - 1];
    // The bar's own close, named by its timeframe: a 3-day bar's close differs from the day's
    // (review 15: "close 292.09" beside the note's daily close 291.17).
    let cl = match sc.layers {
        Layers::Weekly => "weekly close",
        Layers::ThreeDay => "3-day close",
        _ => "close",
    };
    let mut parts: Vec<String> = Vec::new();
    let a = sc.ann;
    match sc.layers {
        Layers::Weekly => match (&a.cluster, a.cluster_state) {
            (Some(c), Some(State::Bullish)) => parts.push(match a.reclaim_date {
                Some(r) => format!("closes above the squeeze-zone top {:.2} since {r}", c.hi),
                None => format!("{cl} {close:.2} above the squeeze-zone top {:.2}", c.hi),
            }),
            (Some(c), Some(State::Bearish)) if close < c.lo => parts.push(format!(
                "{cl} {close:.2} below the whole squeeze zone {:.2}–{:.2}",
                c.lo, c.hi
            )),
            (Some(c), Some(State::Bearish)) => {
                parts.push(format!("{cl} {close:.2} back below the squeeze-zone top {:.2}", c.hi))
            }
            (Some(c), _) if close > c.hi => {
                // What confirming needs, where it is the count of strong closes (the Weekly
                // text's "only one has closed strongly; a confirmed reclaim needs two").
                let need = crate::signals::weekly::D1_MIN_STRONG;
                let why = match a.strong_above.filter(|k| *k < need) {
                    Some(k) => format!(
                        ": {} strong weekly close{} above it, {need} needed",
                        if k == 0 { "no".to_string() } else { k.to_string() },
                        if k == 1 { "" } else { "s" }
                    ),
                    None => String::new(),
                };
                parts.push(match a.reclaim_date {
                    Some(r) => format!(
                        "{cl} {close:.2} above the squeeze-zone top {:.2} since {r}, not yet confirmed{why}",
                        c.hi
                    ),
                    None => format!("{cl} {close:.2} above the squeeze-zone top {:.2}, not yet confirmed{why}", c.hi),
                })
            }
            (Some(c), _) if a.cluster_stale.is_some() => parts.push(format!(
                "no recent squeeze zone (the latest squeeze zone, {:.2}–{:.2}, is too {} to be a level); close {close:.2}",
                c.lo,
                c.hi,
                if a.cluster_stale == Some(ZoneStatus::Wide) { "wide" } else { "old" }
            )),
            (Some(c), _) => parts
                .push(format!("{cl} {close:.2} against the squeeze zone {:.2}–{:.2}", c.lo, c.hi)),
            (None, _) => parts.push(format!("last close {close:.2}")),
        },
        Layers::ThreeDay => match (&a.zone, a.zone_state) {
            (Some(z), Some(State::Bullish)) => parts.push(match a.breakout_date {
                Some(b) => format!(
                    "holding above the {:.2}–{:.2} consolidation zone since the {b} breakout",
                    z.lo, z.hi
                ),
                None => format!("holding above the {:.2}–{:.2} consolidation zone", z.lo, z.hi),
            }),
            // Said from where the close actually is (issue 13 item 5): under the zone's bottom,
            // back inside it, or still above it.
            (Some(z), Some(State::Bearish)) => parts.push(if close < z.lo {
                format!("{cl} {close:.2} below the {:.2}–{:.2} consolidation zone's bottom", z.lo, z.hi)
            } else if close <= z.hi {
                format!("{cl} {close:.2} back inside the {:.2}–{:.2} consolidation zone, below its top", z.lo, z.hi)
            } else {
                format!("{cl} {close:.2} above the {:.2}–{:.2} consolidation zone", z.lo, z.hi)
            }),
            (Some(z), _) => parts.push(if close > z.hi {
                format!(
                    "{cl} {close:.2} above the {:.2}–{:.2} consolidation zone, not a firm hold",
                    z.lo, z.hi
                )
            } else if close >= z.lo {
                format!("{cl} {close:.2} inside the {:.2}–{:.2} consolidation zone", z.lo, z.hi)
            } else {
                format!("{cl} {close:.2} below the {:.2}–{:.2} consolidation zone", z.lo, z.hi)
            }),
            (None, _) => parts.push(format!("last close {close:.2}")),
        },
        Layers::Daily => {
            parts.push(format!("last close {close:.2}"));
            if !a.levels.is_empty() {
                // Top to bottom, as the chart draws them.
                let mut ys: Vec<f64> = (0..a.levels.len()).map(|k| sc.level_y(k)).collect();
                ys.sort_by(|x, y| y.total_cmp(x));
                let list: Vec<String> = ys.iter().map(|y| format!("{y:.2}")).collect();
                // The levels the latest leg crossed; the text says how many are still held, so the
                // alt text does not call them all reclaimed.
                let noun = if a.levels.len() == 1 { "price level" } else { "price levels" };
                // A moving-average level is drawn at the average's value today, the value the
                // note quotes (not its value on the day the leg crossed it): say so.
                let ma = a
                    .levels
                    .iter()
                    .any(|l| l.label.split(" + ").any(super::price::is_moving_average));
                parts.push(format!(
                    "{} {noun} crossed by the latest leg marked ({}){}",
                    a.levels.len(),
                    list.join(", "),
                    if ma { ", moving averages at today's value" } else { "" }
                ));
            }
            let dd = a.dist_days.iter().filter(|d| **d >= d0).count();
            parts.push(match dd {
                0 => "no active distribution days".to_string(),
                1 => "1 active distribution day marked".to_string(),
                k => format!("{k} active distribution days marked"),
            });
            if let Some((d, rank)) = a.volume_day {
                if d >= d0 {
                    // The note's phrase for the rank (narrative::format::volume_rank).
                    parts.push(format!(
                        "{d} highlighted as a {}, {}",
                        super::annotate::volume_day_kind(a.volume_day_state),
                        crate::narrative::format::volume_rank(rank)
                    ));
                }
            }
            if let Some(lh) = &a.lower_high {
                use super::annotate::HighKind;
                parts.push(match lh.kind() {
                    HighKind::Cancelled => format!(
                        "swing high {:.2} under {:.2}, no longer a lower high after the close above it{}",
                        lh.h_last,
                        lh.h_prev,
                        lh.overturned.map(|d| format!(" on {d}")).unwrap_or_default()
                    ),
                    HighKind::Lower => {
                        let trig = match (lh.lmid, lh.state) {
                            (Some(m), State::Bearish) => format!(", confirmed by a close below {m:.2}"),
                            (Some(m), _) => format!("; a close below {m:.2} would confirm it"),
                            (None, _) => String::new(),
                        };
                        format!("lower high {:.2} under {:.2} marked{trig}", lh.h_last, lh.h_prev)
                    }
                    // H1's own reading of the two highs (two within its tolerance are level).
                    k @ (HighKind::Equal | HighKind::Higher) => {
                        let how = if k == HighKind::Equal { "level with" } else { "above" };
                        format!("latest swing high {:.2} {how} the prior {:.2}", lh.h_last, lh.h_prev)
                    }
                });
            }
        }
    }
    // Weekly and 3-day: the note's momentum reading (D4, E4), never a re-reading of the last
    // bar; daily (no momentum signal): what the histogram's last bar shows.
    match (sc.layers, super::annotate::momentum_reading(sc.layers, a)) {
        (_, Some(r)) => parts.push(r),
        (Layers::Daily, None) => {
            if let Some(w) = wave_phrase(&sc.hist) {
                parts.push(w.to_string());
            }
        }
        _ => {}
    }
    let obv_status = a.obv_line.as_ref().and_then(|l| l.status);
    let obv = match (sc.layers, a.obv_line.as_ref().map(|l| l.state), obv_status) {
        (Layers::Daily, Some(State::Bullish), Some(ObvStatus::Reclaimed)) => {
            Some("OBV back above its broken support line".to_string())
        }
        (Layers::Daily, Some(State::Bullish), _) => Some("OBV above its support line".to_string()),
        (Layers::Daily, Some(State::Bearish), Some(ObvStatus::Failed)) => {
            Some("OBV failed its retest of broken support".to_string())
        }
        (Layers::Daily, Some(State::Bearish), _) => {
            // The break is a past event: OBV may have drifted back above the extended line since,
            // so the alt text does not claim where OBV is now.
            Some("OBV broke its support line and did not retest it".to_string())
        }
        (Layers::Daily, Some(State::Neutral), Some(ObvStatus::Superseded)) => Some(
            "OBV broke its support line, then rose above its pre-break high: the break no longer counts"
                .to_string(),
        ),
        (Layers::Daily, Some(State::Neutral), Some(ObvStatus::Retest)) => {
            Some("OBV retesting broken support from below".to_string())
        }
        (Layers::Daily, Some(State::Neutral), _) => Some("OBV below its broken support line".to_string()),
        _ => {
            let (o0, o1) = (sc.obv.get(sc.start).copied(), sc.obv.last().copied());
            match (o0, o1) {
                (Some(x), Some(y)) if x.is_finite() && y.is_finite() => Some(
                    if y >= x {
                        "OBV higher than at the window start"
                    } else {
                        "OBV lower than at the window start"
                    }
                    .to_string(),
                ),
                _ => None,
            }
        }
    };
    if let Some(o) = obv {
        parts.push(o);
    }
    format!("{cap} {sym} candles, {} to {}: {}.", month(d0), month(d1), parts.join("; "))
}

/// Alt text of the relative-strength chart.
pub(crate) fn relative(sc: &RelScene) -> String {
    let n = sc.dates.len();
    if n < super::relative::MIN_WEEKS {
        return format!(
            "{}/{} relative-strength chart: not enough history ({n} common weeks; at least {} needed).",
            sc.sym,
            sc.bench,
            super::relative::MIN_WEEKS
        );
    }
    let t = n - 1;
    let mut parts = Vec::new();
    let two = sc.lag104();
    if let Some((_, chg)) = two {
        // As the Thesis text prints the two-year change (fmt::pct_abs): one number for one fact.
        let verb = if chg < 0.0 { "fell" } else { "rose" };
        parts.push(format!("the ratio {verb} {} over two years", crate::fmt::pct_abs(chg)));
    }
    if sc.sma30[t].is_finite() {
        let side = if sc.ratio[t] >= sc.sma30[t] { "above" } else { "below" };
        parts.push(format!("it is {side} its 30-week average"));
    }
    if let Some((d, v)) = sc.low {
        parts.push(format!("its two-year low was {v:.3} on {d}"));
    }
    // The high the text measures the ratio's fall from (review 20, QQQ), marked like the low.
    if let Some((d, v)) = sc.high {
        parts.push(format!("its two-year high was {v:.3} on {d}"));
    }
    // The returns over the window the text speaks of (two years, from where the change is
    // measured), not the chart's longer span: one window for the text and the alt text.
    let (from, over) = match two {
        Some((i, _)) => (i, "Over the same two years"),
        None => (sc.start, "Over the whole chart"),
    };
    let (a0, b0) = (sc.a[from], sc.b[from]);
    let perf = format!(
        "{over} (from {}), {} returned {} and {} {}.",
        sc.dates[from],
        sc.sym,
        signed_pct(sc.a[t] / a0 - 1.0),
        sc.bench,
        signed_pct(sc.b[t] / b0 - 1.0)
    );
    format!(
        "Weekly {}/{} ratio, {} to {}: {}. {perf}",
        sc.sym,
        sc.bench,
        month(sc.dates[sc.start]),
        month(sc.dates[t]),
        if parts.is_empty() { "ratio and its 30-week average".to_string() } else { parts.join("; ") }
    )
}

/// Alt text of the macro small multiples, short (review 15: about 120 words, each reading said
/// per series): each series' latest value and its recent change, and each signal's reading once,
/// after the series it reads (fed funds and the 2-year; CPI and core CPI). A series no signal
/// assesses gives its value only; why it is not assessed is in the note's Data and Method.
pub(crate) fn macros(sc: &MacroScene, as_of: NaiveDate) -> String {
    // A label's head: "Fed funds rate (monthly average)" → "Fed funds rate".
    let short = |l: &str| l.split(" (").next().unwrap_or(l).trim().to_string();
    let assessed = |c: &super::macro_panel::MacroCell| {
        c.verdict.signal.is_some() && c.verdict.reading() != super::macro_panel::Reading::NotAssessed
    };
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for c in &sc.cells {
        let item = match c.pts.last() {
            Some((_, v)) => {
                // The usual window (three months) is said once, up front; another is said
                // with its change ("over four weeks", "over 6 months").
                let change = c
                    .recent
                    .as_ref()
                    .filter(|_| assessed(c))
                    .map(|r| {
                        let w = r.words(c.suffix);
                        format!(", {}", w.strip_prefix("over 3 months ").unwrap_or(&w))
                    })
                    .unwrap_or_default();
                format!("{} {}{change}", short(&c.label), c.value_text(*v))
            }
            // Review 43: "no data published yet" read as a claim about the series (the high-yield
            // spread was published long before 2022); what is missing is the supplied file's data.
            None => format!("{}: no data supplied up to this date", short(&c.label)),
        };
        let reading = match c.verdict.signal {
            Some(name) if !assessed(c) => format!("{name}: not assessed"),
            _ => c.verdict.words(),
        };
        match groups.last_mut() {
            Some((r, items)) if *r == reading => items.push(item),
            _ => groups.push((reading, vec![item])),
        }
    }
    let body: Vec<String> =
        groups.into_iter().map(|(r, items)| format!("{} ({r})", items.join("; "))).collect();
    format!(
        "Macro series published by {as_of}, changes over three months unless stated: {}.",
        body.join(". ")
    )
}

/// A fraction as a signed percent with one decimal and the typographic minus the note uses
/// (`+2.4%`, `−0.1%`), so alt text reads like the sentences next to it.
fn signed_pct(x: f64) -> String {
    crate::narrative::format::format_ev(
        &crate::signals::Ev::Num { v: x, unit: crate::signals::Unit::Pct },
        None,
    )
}
