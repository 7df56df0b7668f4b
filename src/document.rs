//! The signals.json document: an [`Analysis`](crate::Analysis) in, a stable JSON value out
//! (schema documented in `docs/signals-schema.md`). Pure; the report stage writes it.

use crate::narrative::format::format_ev;
use crate::signals::stance::{Checklist, Stance};
use crate::signals::{Ev, SignalResult};
use serde_json::{json, Map, Value};

/// Schema version of the document; bump on any breaking change.
pub const SCHEMA: u32 = 1;

/// The generator string, e.g. `marketnote 0.1.0`.
pub fn generator() -> String {
    format!("marketnote {}", env!("CARGO_PKG_VERSION"))
}

/// A finite number, or null.
fn num(v: f64) -> Value {
    serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
}

/// One evidence item: `{"key", "type", value fields, "text"}`, where `text` is the value as the
/// note renders it.
fn evidence(key: &str, ev: &Ev) -> Value {
    let mut m = Map::new();
    m.insert("key".into(), json!(key));
    match ev {
        Ev::Num { v, unit } => {
            m.insert("type".into(), json!("num"));
            m.insert("value".into(), num(*v));
            m.insert("unit".into(), json!(unit));
        }
        Ev::Date { v } => {
            m.insert("type".into(), json!("date"));
            m.insert("value".into(), json!(v.to_string()));
        }
        Ev::Dates { v } => {
            m.insert("type".into(), json!("dates"));
            m.insert("value".into(), json!(v.iter().map(|d| d.to_string()).collect::<Vec<_>>()));
        }
        Ev::Range { lo, hi } => {
            m.insert("type".into(), json!("range"));
            m.insert("lo".into(), num(*lo));
            m.insert("hi".into(), num(*hi));
        }
        Ev::Text { v } => {
            m.insert("type".into(), json!("text"));
            m.insert("value".into(), json!(v));
        }
        // A typed state: its word, as when it was text (schema 1).
        Ev::Tag { v } => {
            m.insert("type".into(), json!("text"));
            m.insert("value".into(), json!(v));
        }
        // Typed values shown as their words (schema 1 has them as text).
        Ev::YesNo { .. }
        | Ev::Prices { .. }
        | Ev::Residuals { .. }
        | Ev::States { .. }
        | Ev::Month { .. }
        | Ev::PolicyRate { .. }
        | Ev::DayEvent { .. }
        | Ev::Handoff { .. }
        | Ev::Levels { .. }
        | Ev::LevelSources { .. } => {
            m.insert("type".into(), json!("text"));
            m.insert("value".into(), json!(format_ev(ev, None)));
        }
    }
    m.insert("text".into(), json!(format_ev(ev, None)));
    Value::Object(m)
}

/// One signal as a JSON object.
pub fn signal(r: &SignalResult) -> Value {
    json!({
        "id": r.id,
        "group": r.group,
        "claim": r.claim,
        "tf": r.tf.code(),
        "as_of": r.as_of.map(|d| d.to_string()),
        "state": r.state,
        "direction": r.state.direction(),
        "strength": num(r.strength),
        "sentence": r.sentence,
        "reason": r.reason.as_ref().map(|u| json!({"detail": crate::narrative::format::unavailable_text(u), "info": u})),
        "flags": r.flags,
        "evidence": r.evidence.iter().map(|(k, e)| evidence(k, e)).collect::<Vec<_>>(),
    })
}

/// The stance block.
pub fn stance(s: &Stance) -> Value {
    // The lean is the stance before the record check: the held idea when it vetoed it.
    let lean = s.watch.as_ref().filter(|_| s.vetoed().is_some()).map_or(s.stance, |w| w.idea);
    json!({
        "stance": s.stance,
        "lean": lean,
        // SIGNALS.md §5, override 6; null for a neutral lean. With `record_check = false` the
        // verdict it would have given, `applied: false`.
        "record_check": s.record.as_ref().or(s.record_off.as_ref()).map(|c| json!({
            "applied": s.record.is_some(),
            "lean": c.lean,
            "cases": c.cases,
            "went_its_way": c.went_its_way,
            "all_cases": c.all_cases,
            "all_went_its_way": c.all_went,
            "base_rate": c.base_rate().map_or(Value::Null, num),
            "since": c.since.map(|d| d.to_string()),
            "weeks": c.weeks,
            "verdict": c.verdict,
        })),
        "conviction": s.conviction,
        "score": num(s.score),
        "coverage": num(s.coverage),
        "groups": s.groups.iter().map(|(g, m)| json!({"group": g, "mean": m.map_or(Value::Null, num)})).collect::<Vec<_>>(),
        "contributions": s.contributions.iter().map(|c| json!({
            "id": c.id,
            "group": c.group,
            "state": c.state,
            "strength": num(c.strength),
            "contribution": num(c.contribution),
        })).collect::<Vec<_>>(),
        "overrides": s.overrides,
        "flags": s.flags,
        // An idea held at Neutral (SIGNALS.md §5, overrides 4 and 5): the levels that broke, or
        // its stop too far away.
        "watch": s.watch.as_ref().map(|w| json!({
            "idea": w.idea,
            "score": num(w.score),
            "broken": w.broken.iter().map(|l| json!({
                "label": l.label,
                "value": num(l.value),
                "basis": l.basis,
                "trigger": l.trigger.name(),
                "triggered_on": l.triggered_on.map(|d| d.to_string()),
            })).collect::<Vec<_>>(),
            "extended": w.extended.as_ref().map(|e| json!({
                "label": e.level.label,
                "value": num(e.level.value),
                "basis": e.level.basis,
                "trigger": e.level.trigger.name(),
                "last_close": num(e.close),
                "atr": num(e.atr),
                "atrs": num(e.atrs),
                "max_atrs": num(crate::signals::stance::MAX_STOP_ATR),
                "actionable_at": num(e.actionable_at),
            })),
        })),
        "invalidation": s.invalidation.iter().map(|i| json!({
            "label": i.label,
            "value": num(i.value),
            "basis": i.basis,
            "signal": i.signal,
            "trigger": i.trigger.name(),
            "status": i.status,
            "triggered_on": i.triggered_on.map(|d| d.to_string()),
        })).collect::<Vec<_>>(),
    })
}

/// The checklist block.
pub fn checklist(c: &Checklist) -> Value {
    json!({
        "header": c.header,
        "n_pass": c.n_pass,
        "items": c.items.iter().map(|i| json!({
            "title": i.title,
            "tick": i.tick,
            "symbol": i.tick.symbol(),
            "signals": i.signals,
            "detail": i.detail,
        })).collect::<Vec<_>>(),
    })
}

/// One base rate as a JSON object (see [`crate::baserates::BaseRate`]).
pub fn base_rate(b: &crate::baserates::BaseRate) -> Value {
    let opt = |v: Option<f64>| v.map_or(Value::Null, num);
    json!({
        "signal": b.signal,
        "claim": b.claim,
        "state": b.state,
        "measure": b.measure,
        "versus": b.versus,
        "since": b.since.map(|d| d.to_string()),
        "weeks_evaluated": b.weeks_evaluated,
        "occurrences": b.occurrences.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
        "current_onset": b.current_onset.map(|d| d.to_string()),
        "few": b.few,
        "horizons": b.horizons.iter().map(|h| json!({
            "weeks": h.weeks,
            "sessions": h.sessions,
            "count": h.count,
            "n_positive": h.n_positive,
            "share_positive": opt(h.share_positive),
            "median": opt(h.median),
            "worst": opt(h.worst),
            "best": opt(h.best),
        })).collect::<Vec<_>>(),
        "sentence": b.sentence,
    })
}

/// The `since_last` object (present only when rendered with `--previous`); each flip carries
/// the signal's current sentence, looked up in `signals`.
pub fn since_last(s: &crate::since::SinceLast, signals: &[crate::signals::SignalResult]) -> Value {
    let opt = |v: Option<f64>| v.map_or(Value::Null, num);
    let sentence = |id: &str| signals.iter().find(|r| r.id == id).map_or("", |r| r.sentence.as_str());
    json!({
        "previous_as_of": s.as_of.to_string(),
        "stance": {"from": s.stance_from, "to": s.stance_to},
        "conviction": {"from": s.conviction_from, "to": s.conviction_to},
        "score": {"from": num(s.score_from), "to": num(s.score_to), "change": num(s.score_to - s.score_from)},
        "flips": s.flips.iter().map(|f| json!({
            "id": f.id,
            "claim": f.claim,
            "from": f.from.as_str(),
            "to": f.to,
            "sentence": sentence(f.id),
        })).collect::<Vec<_>>(),
        "levels": s.levels.iter().map(|l| json!({
            "label": l.label,
            "value": num(l.value),
            "basis": l.basis,
            "signal": l.signal,
            "then": opt(l.then),
            "now": opt(l.now),
            "value_now": num(l.value_now),
            "change": l.change,
        })).collect::<Vec<_>>(),
        "sentences": crate::narrative::since_text::sentences(s),
    })
}

/// One configured macro series as the note used it: the last value public at `as_of`, the period
/// it describes, the day it became public, and its vintage when the file has vintages (null
/// values when nothing was public yet).
fn macro_used(m: &crate::data::MacroSeries, as_of: chrono::NaiveDate) -> Value {
    let last = m.known_at(as_of).into_iter().rev().find(|o| o.value.is_finite());
    let vintages = m.has_vintages();
    json!({
        "id": m.id,
        "value": last.map(|o| o.value),
        "period": last.map(|o| o.period.to_string()),
        "public": last.map(|o| o.release.to_string()),
        "vintage": if vintages { last.map(|o| o.release.to_string()) } else { None },
        "release": if vintages { "vintage dates".to_string() } else { format!("{} day{} after the period", m.release_lag_days, if m.release_lag_days == 1 { "" } else { "s" }) },
    })
}

/// The signals.json document of an analysis (schema 1). Deterministic: same analysis, same bytes
/// when serialised.
pub fn document(a: &crate::Analysis) -> Value {
    let inst = &a.dataset.instrument;
    let bench = a.dataset.benchmark.as_ref().map(|b| json!({"symbol": b.symbol, "name": b.name}));
    let story = crate::narrative::narrate(a);
    let mut doc = json!({
        "schema": SCHEMA,
        "generator": generator(),
        "as_of": a.as_of.to_string(),
        "title": story.title,
        "lead": story.lead.join(" "),
        "invalidation": a.stance.invalidation.iter().map(|i| json!({
            "name": i.label,
            "timeframe": i.timeframe(),
            "level": num(i.value),
            "trigger": i.trigger.name(),
            "side": i.side,
            "status": i.status,
            "triggered_on": i.triggered_on.map(|d| d.to_string()),
            "last_close": i.last_close.map_or(Value::Null, num),
            "signal": i.signal,
        })).collect::<Vec<_>>(),
        "instrument": {"symbol": inst.symbol, "name": inst.name},
        "benchmark": bench,
        "stance": stance(&a.stance),
        "checklist": checklist(&a.checklist),
        "signals": a.signals.iter().map(signal).collect::<Vec<_>>(),
        "base_rates": a.base_rates.iter().map(base_rate).collect::<Vec<_>>(),
        "track_record": serde_json::to_value(&a.track_record).unwrap_or(Value::Null),
        "macro": a.dataset.macros.iter().map(|m| macro_used(m, a.as_of)).collect::<Vec<_>>(),
        "inputs": a.dataset.quality.iter().map(|q| json!({
            "role": q.role,
            "file": q.path.file_name().map(|f| f.to_string_lossy().into_owned()),
            "rows": q.rows,
            "first": q.first.map(|d| d.to_string()),
            "last": q.last.map(|d| d.to_string()),
            "sha256": q.sha256,
        })).collect::<Vec<_>>(),
    });
    if let (Some(s), Value::Object(m)) = (&a.since_last, &mut doc) {
        m.insert("since_last".into(), since_last(s, &a.signals));
    }
    doc
}

/// One short line of key evidence: the first few evidence items as `key value`, cut at
/// `max` characters.
fn key_evidence(r: &SignalResult, max: usize) -> String {
    if let Some(reason) = &r.reason {
        return format!("not assessed: {}", crate::narrative::format::unavailable_text(reason));
    }
    let mut out = String::new();
    for (k, e) in r.evidence.iter().filter(|(_, e)| !matches!(e, Ev::Levels { .. } | Ev::LevelSources { .. }))
    {
        let unit = if matches!(e, Ev::Num { unit: crate::signals::Unit::Shares, .. }) { "M" } else { "" };
        let piece = format!("{k} {}{unit}", format_ev(e, None));
        let add = if out.is_empty() { piece.chars().count() } else { piece.chars().count() + 2 };
        if out.chars().count() + add > max {
            break;
        }
        if !out.is_empty() {
            out.push_str("; ");
        }
        out.push_str(&piece);
    }
    out
}

fn pad(s: &str, w: usize) -> String {
    let n = s.chars().count();
    if n >= w {
        s.to_string()
    } else {
        format!("{s}{}", " ".repeat(w - n))
    }
}

/// The `marketnote signals` table: one aligned row per signal (timeframe, signal, state,
/// strength, key evidence), then score, stance, coverage, overrides, invalidation levels and the
/// checklist.
pub fn render_table(a: &crate::Analysis) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let bench = a.dataset.benchmark.as_ref().map_or(String::new(), |b| format!(" vs {}", b.symbol));
    let _ = writeln!(out, "{}{} signals as of {}", a.dataset.instrument.symbol, bench, a.as_of);
    let _ = writeln!(out);
    let w_id = a.signals.iter().map(|r| r.id.len()).max().unwrap_or(6).max(6);
    let _ = writeln!(
        out,
        "{}  {}  {}  {}  key evidence",
        pad("tf", 2),
        pad("signal", w_id),
        pad("state", 11),
        pad("σ", 4),
    );
    let _ = writeln!(out, "{}", "-".repeat(2 + 2 + w_id + 2 + 11 + 2 + 4 + 2 + 60));
    for r in &a.signals {
        let state = match r.state {
            crate::signals::State::Bullish => "bullish",
            crate::signals::State::Bearish => "bearish",
            crate::signals::State::Neutral => "neutral",
            crate::signals::State::Unavailable => "n/a",
        };
        let _ = writeln!(
            out,
            "{}  {}  {}  {:.2}  {}",
            r.tf.code(),
            pad(r.id, w_id),
            pad(state, 11),
            r.strength,
            key_evidence(r, 72)
        );
    }
    let s = &a.stance;
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "Score {}  stance {} ({} conviction)  coverage {:.0}%",
        crate::fmt::signed_body(s.score, 3),
        s.stance.word(),
        s.conviction,
        s.coverage * 100.0
    );
    for o in &s.overrides {
        let _ = writeln!(out, "  override: {o}");
    }
    for i in &s.invalidation {
        let v = if i.basis == "OBV" { format!("{:.1}M", i.value / 1e6) } else { format!("{:.2}", i.value) };
        let status = match (i.status, i.triggered_on) {
            (crate::signals::stance::LevelStatus::Triggered, Some(d)) => format!("triggered on {d}"),
            (crate::signals::stance::LevelStatus::Triggered, None) => "triggered".into(),
            _ => "holding".into(),
        };
        let _ =
            writeln!(out, "  invalidation: {} {v} ({}, {}, {status})", i.label, i.basis, i.trigger.name());
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "{}", a.checklist.header);
    for i in &a.checklist.items {
        let _ = writeln!(out, "  {} {}: {}", i.tick.symbol(), i.title, i.detail);
    }
    out
}
