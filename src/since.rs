//! "Since the last note": a previous note's `signals.json` and the current [`Analysis`] in, what
//! changed out (issue 6, part 2): stance and score, signals whose state flipped, and the previous
//! note's invalidation levels that price (or OBV) has since reclaimed or lost.
//! Typed facts only ([`SinceLast`]); the section's words are `narrative::since_text`'s.
//!
//! [`load_previous`] is the only I/O here (reading `DIR/signals.json`); [`compare`] is pure. The
//! closes on each level's basis at the previous as-of date are taken from the current analysis'
//! own bars, which is point in time because the previous as-of date must not be later than this
//! note's.

use crate::error::{Error, Location, Result};
use crate::resample::complete_prefix;
use crate::resample::Timeframe;
use crate::signals::stance::{Conviction, InvalidationBasis, StanceKind, Trigger};
use crate::signals::State;
use crate::Analysis;
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A previous note, as read from its `signals.json`.
#[derive(Debug, Clone, PartialEq)]
pub struct PreviousNote {
    /// The file it was read from.
    pub file: PathBuf,
    /// Its as-of date.
    pub as_of: NaiveDate,
    /// Its stance.
    pub stance: StanceKind,
    /// Its conviction.
    pub conviction: Conviction,
    /// Its score.
    pub score: f64,
    /// Every signal's (id, state).
    pub states: Vec<(String, State)>,
    /// Its invalidation levels.
    pub levels: Vec<PreviousLevel>,
}

/// One invalidation level of the previous note.
#[derive(Debug, Clone, PartialEq)]
pub struct PreviousLevel {
    /// What it is.
    pub label: String,
    /// The level.
    pub value: f64,
    /// Which close decides it.
    pub basis: InvalidationBasis,
    /// Signal id it comes from.
    pub signal: String,
    /// Which close breaks it (None in notes written before the field existed).
    pub trigger: Option<Trigger>,
}

/// A signal's state in the previous note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Was {
    /// The previous note had the signal in this state.
    State(State),
    /// The previous note did not list the signal.
    Absent,
}

impl Was {
    /// `bullish`, `bearish`, `neutral`, `unavailable` or `absent`, as in signals.json.
    pub fn as_str(self) -> &'static str {
        match self {
            Was::State(s) => s.name(),
            Was::Absent => "absent",
        }
    }
}

/// A signal whose state changed.
#[derive(Debug, Clone, PartialEq)]
pub struct Flip {
    /// Signal id.
    pub id: &'static str,
    /// Its claim.
    pub claim: &'static str,
    /// State in the previous note.
    pub from: Was,
    /// State now.
    pub to: State,
}

/// Where the close on a level's basis stood against it, then and now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LevelMove {
    /// Below then, at or above now.
    Reclaimed,
    /// At or above then, below now.
    Lost,
    /// At or above both times.
    HeldAbove,
    /// Below both times.
    StayedBelow,
    /// A close on that basis is not known at one of the two dates.
    Unknown,
}

/// A previous invalidation level checked against price (or OBV) now.
#[derive(Debug, Clone, PartialEq)]
pub struct LevelCheck {
    /// What it is.
    pub label: String,
    /// The level.
    pub value: f64,
    /// Which close decides it.
    pub basis: InvalidationBasis,
    /// Signal id it came from.
    pub signal: String,
    /// Which close breaks it, when the previous note said.
    pub trigger: Option<Trigger>,
    /// The close on that basis at the previous as-of date.
    pub then: Option<f64>,
    /// The close on that basis now.
    pub now: Option<f64>,
    /// The level now: the same value for a price level; for an OBV line (which moves), this
    /// note's OBV line of the same signal when it has one.
    pub value_now: f64,
    /// What happened.
    pub change: LevelMove,
}

/// What changed since the previous note: typed facts only (the sentences are
/// `narrative::since_text`'s).
#[derive(Debug, Clone, PartialEq)]
pub struct SinceLast {
    /// The previous note's signals.json.
    pub file: String,
    /// The previous note's as-of date.
    pub as_of: NaiveDate,
    /// Previous stance.
    pub stance_from: StanceKind,
    /// Current stance.
    pub stance_to: StanceKind,
    /// Previous conviction.
    pub conviction_from: Conviction,
    /// Current conviction.
    pub conviction_to: Conviction,
    /// Previous score.
    pub score_from: f64,
    /// Current score.
    pub score_to: f64,
    /// Signals whose state changed, in signal order.
    pub flips: Vec<Flip>,
    /// The previous note's invalidation levels, each checked now.
    pub levels: Vec<LevelCheck>,
}

fn bad(file: &Path, msg: impl Into<String>) -> Error {
    Error::input(Location::file(file), msg)
}

fn field<'a>(v: &'a Value, path: &[&str], file: &Path) -> Result<&'a Value> {
    let mut cur = v;
    for k in path {
        cur = cur.get(k).ok_or_else(|| {
            bad(file, format!("not a marketnote signals.json: missing `{}`", path.join(".")))
        })?;
    }
    Ok(cur)
}

fn text(v: &Value, path: &[&str], file: &Path) -> Result<String> {
    field(v, path, file)?
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| bad(file, format!("`{}` must be a string", path.join("."))))
}

/// Reads and validates `DIR/signals.json` of a previous render. A missing, unreadable or
/// malformed file is an input error (exit 2) naming the file.
pub fn load_previous(dir: &Path) -> Result<PreviousNote> {
    let file = dir.join("signals.json");
    let raw = crate::data::read::read_text(&file, crate::data::read::Kind::Previous).map_err(|e| {
        bad(
            &file,
            format!("cannot read the previous note's signals.json (--previous {}): {e}", dir.display()),
        )
    })?;
    let v: Value = serde_json::from_str(&raw).map_err(|e| {
        Error::input(
            Location { file: file.clone(), line: Some(e.line() as u64), column: Some(e.column()) },
            format!("not valid JSON: {e}"),
        )
    })?;
    parse_previous(&v, &file)
}

/// Validates a previous signals.json document (schema 1).
pub fn parse_previous(v: &Value, file: &Path) -> Result<PreviousNote> {
    match field(v, &["schema"], file)?.as_u64() {
        Some(1) => {}
        other => {
            return Err(bad(
                file,
                format!("unsupported signals.json schema {other:?} (this version reads schema 1)"),
            ))
        }
    }
    let as_of_s = text(v, &["as_of"], file)?;
    let as_of = NaiveDate::parse_from_str(&as_of_s, "%Y-%m-%d")
        .map_err(|_| bad(file, format!("`as_of` {as_of_s:?} is not a YYYY-MM-DD date")))?;
    let stance_s = text(v, &["stance", "stance"], file)?;
    let stance = [StanceKind::Long, StanceKind::Short, StanceKind::Neutral]
        .into_iter()
        .find(|k| k.as_str() == stance_s)
        .ok_or_else(|| bad(file, format!("`stance.stance` {stance_s:?} must be long, short or neutral")))?;
    let conviction_s = text(v, &["stance", "conviction"], file)?;
    let conviction = [Conviction::Low, Conviction::Moderate, Conviction::High]
        .into_iter()
        .find(|c| c.as_str() == conviction_s)
        .ok_or_else(|| {
            bad(file, format!("`stance.conviction` {conviction_s:?} must be low, moderate or high"))
        })?;
    let score = field(v, &["stance", "score"], file)?
        .as_f64()
        .ok_or_else(|| bad(file, "`stance.score` must be a number"))?;
    let sigs =
        field(v, &["signals"], file)?.as_array().ok_or_else(|| bad(file, "`signals` must be an array"))?;
    let mut states = Vec::with_capacity(sigs.len());
    for (i, s) in sigs.iter().enumerate() {
        let id = s.get("id").and_then(Value::as_str);
        let st = s.get("state").and_then(Value::as_str);
        match (id, st) {
            (Some(id), Some(st)) => {
                let state = [State::Bullish, State::Bearish, State::Neutral, State::Unavailable]
                    .into_iter()
                    .find(|x| x.name() == st)
                    .ok_or_else(|| {
                        bad(
                            file,
                            format!(
                                "`signals[{i}].state` {st:?} must be bullish, bearish, neutral or unavailable"
                            ),
                        )
                    })?;
                states.push((id.to_string(), state))
            }
            _ => return Err(bad(file, format!("`signals[{i}]` needs string `id` and `state`"))),
        }
    }
    let mut levels = Vec::new();
    if let Some(inv) = v.get("stance").and_then(|s| s.get("invalidation")).and_then(Value::as_array) {
        for (i, l) in inv.iter().enumerate() {
            let get = |k: &str| l.get(k).and_then(Value::as_str).map(str::to_string);
            match (get("label"), l.get("value").and_then(Value::as_f64), get("basis"), get("signal")) {
                (Some(label), Some(value), Some(basis_s), Some(signal)) => {
                    let basis = InvalidationBasis::parse(&basis_s).ok_or_else(|| {
                        bad(
                            file,
                            format!(
                                "`stance.invalidation[{i}].basis` {basis_s:?} must be weekly close, 3-day close, daily close or OBV"
                            ),
                        )
                    })?;
                    let trigger = match get("trigger") {
                        None => None,
                        Some(t) => Some(
                            [Trigger::CloseAbove, Trigger::CloseBelow].into_iter().find(|x| x.name() == t).ok_or_else(
                                || {
                                    bad(
                                        file,
                                        format!(
                                            "`stance.invalidation[{i}].trigger` {t:?} must be close_above or close_below"
                                        ),
                                    )
                                },
                            )?,
                        ),
                    };
                    levels.push(PreviousLevel { label, value, basis, signal, trigger })
                }
                _ => {
                    return Err(bad(
                        file,
                        format!("`stance.invalidation[{i}]` needs `label`, `value`, `basis` and `signal`"),
                    ))
                }
            }
        }
    }
    Ok(PreviousNote { file: file.to_path_buf(), as_of, stance, conviction, score, states, levels })
}

/// The close on `basis` at date `t` (the last complete bar on or before it), from the analysis'
/// bars; OBV is computed from its daily bars.
fn close_on(a: &Analysis, basis: InvalidationBasis, t: NaiveDate, obv: &[f64]) -> Option<f64> {
    let daily_i = a.daily.date.partition_point(|d| *d <= t).checked_sub(1)?;
    match basis {
        InvalidationBasis::WeeklyClose => {
            let n = complete_prefix(&a.weekly.bars, Timeframe::Weekly, 0, a.daily.date[daily_i]);
            n.checked_sub(1).map(|i| a.weekly.bars.close[i])
        }
        InvalidationBasis::ThreeDayClose => {
            let b = &a.three_day[0].bars;
            let n = complete_prefix(b, Timeframe::ThreeDay, 0, a.daily.date[daily_i]);
            n.checked_sub(1).map(|i| b.close[i])
        }
        InvalidationBasis::DailyClose => Some(a.daily.close[daily_i]),
        InvalidationBasis::Obv => obv.get(daily_i).copied().filter(|v| v.is_finite()),
    }
}

/// Compares a previous note with the current analysis. The previous note must not be dated after
/// this one (its levels are checked with this note's bars at its date).
pub fn compare(prev: &PreviousNote, a: &Analysis) -> Result<SinceLast> {
    if prev.as_of > a.as_of {
        return Err(bad(
            &prev.file,
            format!("the previous note is as of {}, after this note's as-of {}", prev.as_of, a.as_of),
        ));
    }
    let st = &a.stance;
    let flips: Vec<Flip> = a
        .signals
        .iter()
        .filter_map(|r| {
            let from =
                prev.states.iter().find(|(id, _)| id == r.id).map_or(Was::Absent, |(_, s)| Was::State(*s));
            (from != Was::State(r.state)).then_some(Flip { id: r.id, claim: r.claim, from, to: r.state })
        })
        .collect();
    let obv = if prev.levels.iter().any(|l| l.basis == InvalidationBasis::Obv) {
        crate::indicators::obv(&a.daily.close, &a.daily.volume)
    } else {
        Vec::new()
    };
    let levels: Vec<LevelCheck> = prev
        .levels
        .iter()
        .map(|l| {
            let then = close_on(a, l.basis, prev.as_of, &obv);
            let now = close_on(a, l.basis, a.as_of, &obv);
            let value_now = if l.basis == InvalidationBasis::Obv {
                st.invalidation
                    .iter()
                    .find(|i| i.basis == InvalidationBasis::Obv && i.signal == l.signal)
                    .map_or(l.value, |i| i.value)
            } else {
                l.value
            };
            let change = match (then, now) {
                (Some(t), Some(n)) => match (t >= l.value, n >= value_now) {
                    (false, true) => LevelMove::Reclaimed,
                    (true, false) => LevelMove::Lost,
                    (true, true) => LevelMove::HeldAbove,
                    (false, false) => LevelMove::StayedBelow,
                },
                _ => LevelMove::Unknown,
            };
            LevelCheck {
                label: l.label.clone(),
                value: l.value,
                basis: l.basis,
                signal: l.signal.clone(),
                trigger: l.trigger,
                then,
                now,
                value_now,
                change,
            }
        })
        .collect();
    Ok(SinceLast {
        file: prev.file.display().to_string(),
        as_of: prev.as_of,
        stance_from: prev.stance,
        stance_to: st.stance,
        conviction_from: prev.conviction,
        conviction_to: st.conviction,
        score_from: prev.score,
        score_to: st.score,
        flips,
        levels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn malformed_documents_are_input_errors_naming_the_file() {
        let f = Path::new("old/signals.json");
        let ok = json!({"schema": 1, "as_of": "2025-11-21",
            "stance": {"stance": "long", "conviction": "high", "score": 0.38,
                       "invalidation": [{"label": "x", "value": 1.5, "basis": "daily close", "signal": "s"}]},
            "signals": [{"id": "a", "state": "bullish"}]});
        let p = parse_previous(&ok, f).unwrap();
        assert_eq!(p.as_of, NaiveDate::from_ymd_opt(2025, 11, 21).unwrap());
        assert_eq!(p.states, vec![("a".to_string(), State::Bullish)]);
        assert_eq!(p.levels.len(), 1);
        assert_eq!((p.stance, p.conviction), (StanceKind::Long, Conviction::High));
        assert_eq!((p.levels[0].basis, p.levels[0].trigger), (InvalidationBasis::DailyClose, None));
        for bad_doc in [
            json!({"schema": 2, "as_of": "2025-11-21"}),
            json!({"schema": 1, "as_of": "21/11/2025"}),
            json!({"schema": 1, "as_of": "2025-11-21", "stance": {"stance": "long"}}),
            json!({"schema": 1, "as_of": "2025-11-21", "stance": {"stance": "long", "conviction": "high", "score": 0.1}, "signals": [{"id": 3}]}),
            json!([1, 2]),
            json!({"schema": 1, "as_of": "2025-11-21", "stance": {"stance": "sideways", "conviction": "high", "score": 0.1}, "signals": []}),
            json!({"schema": 1, "as_of": "2025-11-21", "stance": {"stance": "long", "conviction": "huge", "score": 0.1}, "signals": []}),
            json!({"schema": 1, "as_of": "2025-11-21", "stance": {"stance": "long", "conviction": "high", "score": 0.1}, "signals": [{"id": "a", "state": "up"}]}),
            json!({"schema": 1, "as_of": "2025-11-21", "stance": {"stance": "long", "conviction": "high", "score": 0.1,
                   "invalidation": [{"label": "x", "value": 1.5, "basis": "hourly close", "signal": "s"}]}, "signals": []}),
            json!({"schema": 1, "as_of": "2025-11-21", "stance": {"stance": "long", "conviction": "high", "score": 0.1,
                   "invalidation": [{"label": "x", "value": 1.5, "basis": "OBV", "signal": "s", "trigger": "touch"}]}, "signals": []}),
        ] {
            let e = parse_previous(&bad_doc, f).unwrap_err();
            assert_eq!(e.exit_code(), 2);
            assert!(e.to_string().starts_with("old/signals.json"), "{e}");
        }
    }

    #[test]
    fn missing_and_invalid_files() {
        let t = tempfile::tempdir().unwrap();
        let e = load_previous(t.path()).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("signals.json"), "{e}");
        std::fs::write(t.path().join("signals.json"), "{\"schema\": 1,\n oops}").unwrap();
        let e = load_previous(t.path()).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("signals.json:2:"), "{e}");
    }
}
