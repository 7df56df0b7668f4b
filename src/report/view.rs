//! The Tera context: an [`Analysis`] and its [`Chart`]s in, a [`NoteView`] out.
//!
//! The view is a `#[derive(Serialize)]` projection built for templates, not the domain structs:
//! every number is already rounded and formatted (rounding happens only here and in
//! `narrative::format`), every optional slot is present (as `null`) so templates never hit an
//! undefined variable, and every claim carries the state that chose it.

use crate::chart::Chart;
use crate::data::{Bars, Transform};
use crate::narrative::format::format_ev;
use crate::signals::stance::{ids, InvalidationBasis, StanceKind, Tick};
use crate::signals::{capitalise, SignalResult, State, Unavailable};
use crate::Analysis;
use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// Every signal of SIGNALS.md §4 in note order: (id, section, topic label for the macro list).
pub const SIGNAL_ORDER: [(&str, &str); 25] = crate::signals::catalog::SIGNAL_ORDER;

/// The topic a macro or fundamentals signal is listed under in the Macro Backdrop.
fn macro_topic(id: &str) -> &'static str {
    match id {
        ids::B1 => "Rates",
        ids::B2 => "Inflation",
        ids::B3 => "Growth",
        ids::B4 => "Financing costs",
        ids::B5 => "Foreign flows",
        ids::C1 | ids::C2 => "Earnings revisions",
        ids::C3 => "Cost pressure",
        _ => "Other",
    }
}

/// Topics whose absence is reported together in one line ("Foreign flows, earnings revisions").
fn collapsible(id: &str) -> bool {
    matches!(id, ids::B5 | ids::C1 | ids::C2 | ids::C3)
}

/// The whole template context.
#[derive(Debug, Clone, Serialize)]
pub struct NoteView {
    /// Every sentence of the note (title, lead, reads, checklist, risk), from
    /// [`crate::narrative::narrate`].
    #[serde(rename = "n")]
    pub narrative: crate::narrative::Narrative,
    /// Note title (config, or derived from the stance).
    pub title: String,
    /// True when the title came from the config.
    pub title_from_config: bool,
    /// The instrument.
    pub instrument: InstrumentView,
    /// The benchmark, when configured.
    pub benchmark: Option<InstrumentView>,
    /// Effective as-of date, `YYYY-MM-DD`.
    pub as_of: String,
    /// Weekday of the as-of date, e.g. `Friday`.
    pub as_of_weekday: String,
    /// The last daily close.
    pub daily_close: String,
    /// The last complete weekly bar: close and label date.
    pub weekly_close: Option<LabelledValue>,
    /// Stance, score and its audit.
    pub stance: StanceView,
    /// Every signal by id (all 25 ids are present; a signal not computed is "not assessed").
    pub signals: BTreeMap<String, SignalView>,
    /// Signals grouped by note section: thesis, macro, weekly, three_day, daily, risk.
    pub sections: BTreeMap<String, SectionView>,
    /// Macro Backdrop lines (signal sentences; topics with no data supplied are left out).
    pub macro_lines: Vec<MacroLine>,
    /// The latest released observation of every configured macro series.
    pub macro_rows: Vec<MacroRow>,
    /// The Overall Structure checklist.
    pub checklist: ChecklistView,
    /// Invalidation levels with what would trigger them.
    pub invalidation: Vec<InvalidationView>,
    /// Charts by stem (`weekly`, `3day`, `daily`, `relative`, `macro`); `null` when not drawn.
    pub charts: ChartsView,
    /// Data and Method: sources, ranges, hashes, lags, warnings, version.
    pub data: DataView,
    /// "Since the last note": left empty until a previous note is supplied.
    pub previous: Option<PreviousView>,
    /// The stance's track record (`_track.md.tera`); None when not computed.
    pub track_record: Option<crate::narrative::track_text::TrackView>,
    /// The terms the note's body uses, explained (`_method.md.tera`); filled by the report from
    /// the rendered body ([`crate::narrative::glossary`]), empty until then.
    pub glossary: Vec<crate::narrative::Term>,
}

/// An instrument's identity.
#[derive(Debug, Clone, Serialize)]
pub struct InstrumentView {
    /// Ticker.
    pub symbol: String,
    /// Display name.
    pub name: String,
    /// True when the name differs from the symbol (so the title can show both).
    pub has_name: bool,
}

/// A formatted value with the date it refers to.
#[derive(Debug, Clone, Serialize)]
pub struct LabelledValue {
    /// Formatted value.
    pub value: String,
    /// `YYYY-MM-DD`.
    pub date: String,
}

/// Stance, score and the audit of both.
#[derive(Debug, Clone, Serialize)]
pub struct StanceView {
    /// `long`, `short` or `neutral`.
    pub kind: String,
    /// `LONG`, `SHORT` or `NEUTRAL`.
    pub label: String,
    /// `moderate` or `high`.
    pub conviction: String,
    /// For a long or short printed with `[signals] record_check = false` whose check would not
    /// have passed, what it would have done ("record check switched off (with it, the note would read Neutral)"), for
    /// the header; empty otherwise (review 35: a short the record check
    /// would have held at Neutral read as any short).
    pub record_check_off: String,
    /// Score, signed 2 dp (`+0.46`).
    pub score: String,
    /// Score as a number (for template conditions).
    pub score_value: f64,
    /// Long threshold, signed 2 dp.
    pub long_threshold: String,
    /// Short threshold, signed 2 dp.
    pub short_threshold: String,
    /// Coverage in percent (`86%`).
    pub coverage: String,
    /// The signal weight not assessed, in percent (`14%`); empty when every signal was assessed.
    pub uncovered: String,
    /// Assessed signals.
    pub n_available: usize,
    /// All signals.
    pub n_total: usize,
    /// Bullish signals.
    pub n_bullish: usize,
    /// Bearish signals.
    pub n_bearish: usize,
    /// Neutral (assessed) signals.
    pub n_neutral: usize,
    /// Overrides applied, as printed sentences.
    pub overrides: Vec<String>,
    /// Flags (`risk_triggered`, `risk_watch`, `insufficient_data`).
    pub flags: Vec<String>,
    /// Per-signal contributions, in signal order.
    pub contributions: Vec<ContributionView>,
    /// Per-group means.
    pub groups: Vec<GroupView>,
    /// Sum of contributions, signed 3 dp (equals the score).
    pub contribution_sum: String,
}

/// One row of the score table.
#[derive(Debug, Clone, Serialize)]
pub struct ContributionView {
    /// Signal id.
    pub id: String,
    /// The signal's reader-facing name ([`crate::narrative::short_name`]).
    pub claim: String,
    /// Scoring group.
    pub group: String,
    /// State.
    pub state: String,
    /// Strength, 2 dp.
    pub strength: String,
    /// Weight in the score, 3 dp ("–" when not assessed).
    pub weight: String,
    /// Contribution, signed 3 dp.
    pub contribution: String,
}

/// One scoring group's mean d·σ.
#[derive(Debug, Clone, Serialize)]
pub struct GroupView {
    /// Group name.
    pub group: String,
    /// Mean, signed 2 dp, or `null` when no signal of the group is available.
    pub mean: Option<String>,
}

/// One signal, rendered.
#[derive(Debug, Clone, Serialize)]
pub struct SignalView {
    /// Stable id.
    pub id: String,
    /// Scoring group.
    pub group: String,
    /// The claim it checks.
    pub claim: String,
    /// Timeframe name (`weekly`, `3-day`, ...).
    pub tf: String,
    /// `bullish`, `bearish`, `neutral` or `unavailable`.
    pub state: String,
    /// False when not assessed.
    pub available: bool,
    /// Strength, 2 dp.
    pub strength: String,
    /// The note's sentence (chosen by the state, numbers from the evidence).
    pub sentence: String,
    /// Evidence, rendered, in the signal's key order.
    pub evidence: Vec<EvidenceView>,
    /// Flags.
    pub flags: Vec<String>,
    /// Why it is not assessed, when it is not.
    pub reason: Option<String>,
    /// True when the reason is a missing input series.
    pub missing_input: bool,
    /// The last bar or observation it read, `YYYY-MM-DD`.
    pub as_of: Option<String>,
    /// The base-rate sentence of an active signal (`null` when none was computed).
    pub base_rate: Option<String>,
    /// True when this unassessed signal's sentence was folded into an earlier one with the same
    /// reason (the note prints that reason once).
    pub folded: bool,
}

/// One rendered evidence value.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceView {
    /// Evidence key.
    pub key: String,
    /// Rendered value.
    pub value: String,
}

/// One note section's signals and their tally.
#[derive(Debug, Clone, Serialize)]
pub struct SectionView {
    /// Signals in note order.
    pub signals: Vec<SignalView>,
    /// Assessed signals.
    pub n_available: usize,
    /// Bullish.
    pub n_bullish: usize,
    /// Bearish.
    pub n_bearish: usize,
    /// Neutral.
    pub n_neutral: usize,
    /// From the tally: `constructive` (a majority bullish), `leans_positive` (more bullish than
    /// bearish), `negative`, `leans_negative`, `mixed` (as many of each), `neutral` (none of
    /// either) or `not_assessed`.
    pub lean: String,
}

/// One line of the Macro Backdrop.
#[derive(Debug, Clone, Serialize)]
pub struct MacroLine {
    /// Topic label, e.g. `Rates` or `Foreign flows, earnings revisions`.
    pub topic: String,
    /// The sentence (a signal's, or "not assessed (...)" for collapsed missing inputs).
    pub text: String,
    /// State of the line's signal (`unavailable` for collapsed lines).
    pub state: String,
    /// Base-rate sentences of the line's active signals.
    pub base_rates: Vec<String>,
}

/// The latest released value of a configured macro series.
#[derive(Debug, Clone, Serialize)]
pub struct MacroRow {
    /// Config id.
    pub id: String,
    /// Human label.
    pub label: String,
    /// Latest value (level), 2 dp, or `null` when nothing was released by the as-of date.
    pub value: Option<String>,
    /// Year-over-year change in percent when the transform is `yoy` and a year-ago value exists.
    pub yoy: Option<String>,
    /// Period of the observation, `YYYY-MM-DD`.
    pub period: Option<String>,
    /// First day it was public, `YYYY-MM-DD`.
    pub released: Option<String>,
    /// Release lag in days.
    pub lag_days: i64,
    /// Which direction is supportive, when configured.
    pub supportive_when: Option<String>,
}

/// The checklist.
#[derive(Debug, Clone, Serialize)]
pub struct ChecklistView {
    /// "Structure confirmed (4/4)" or "Structure partial (...)".
    pub header: String,
    /// Items passing.
    pub n_pass: usize,
    /// Items.
    pub items: Vec<ChecklistItemView>,
}

/// One checklist line.
#[derive(Debug, Clone, Serialize)]
pub struct ChecklistItemView {
    /// The claim.
    pub title: String,
    /// `pass`, `partial` or `fail`.
    pub tick: String,
    /// `x` when passing, a space otherwise (markdown task marker).
    pub mark: String,
    /// ✓, ◐ or ✗.
    pub symbol: String,
    /// Evidence-backed explanation.
    pub detail: String,
    /// The signals it reads.
    pub signals: Vec<String>,
}

/// One invalidation level.
#[derive(Debug, Clone, Serialize)]
pub struct InvalidationView {
    /// What it is.
    pub label: String,
    /// The level, formatted (price 2 dp, OBV in millions).
    pub value: String,
    /// Which close decides it.
    pub basis: String,
    /// Signal id it comes from.
    pub signal: String,
    /// True for an OBV level (not a price).
    pub is_obv: bool,
    /// The latest close on the same basis, when it is a price level.
    pub last: Option<String>,
    /// `above` or `below` when the latest close on that basis is known, else `null`.
    pub position: Option<String>,
}

/// Charts by stem.
#[derive(Debug, Clone, Serialize, Default)]
pub struct ChartsView {
    /// Weekly chart.
    pub weekly: Option<ChartView>,
    /// 3-day chart (stem `3day`).
    pub three_day: Option<ChartView>,
    /// Daily chart.
    pub daily: Option<ChartView>,
    /// Relative-strength chart.
    pub relative: Option<ChartView>,
    /// Macro chart (template name `macro_chart`; `macro` is a Tera keyword).
    #[serde(rename = "macro_chart")]
    pub macro_: Option<ChartView>,
    /// The stance's track-record chart (score against what followed).
    pub track: Option<ChartView>,
}

/// One chart as the note references it.
#[derive(Debug, Clone, Serialize)]
pub struct ChartView {
    /// Path relative to the note: `charts/weekly.png`.
    pub file: String,
    /// Title.
    pub title: String,
    /// Alt text.
    pub alt: String,
}

/// Data and Method.
#[derive(Debug, Clone, Serialize)]
pub struct DataView {
    /// Input files.
    pub files: Vec<FileView>,
    /// Release lags per macro series.
    pub release_lags: Vec<LagView>,
    /// When the instrument file starts after `history_start` with fewer weekly bars than the
    /// longest look-backs: which windows are cut by the file's start (None otherwise).
    pub history_cut: Option<String>,
    /// Effective as-of.
    pub as_of: String,
    /// The latest file end, when some file runs past the as-of date (the note then says the
    /// files run to it and that it uses data to the as-of date only).
    pub files_end_after: Option<String>,
    /// Whether the as-of date is the one note.toml sets (`as_of`), not a `--as-of` or the last
    /// session.
    pub as_of_configured: bool,
    /// Requested history start of indicators.
    pub history_start: String,
    /// Daily bars used (history_start..as_of).
    pub daily_bars: usize,
    /// Complete weekly bars used.
    pub weekly_bars: usize,
    /// Complete 3-day bars used (phase 0).
    pub three_day_bars: usize,
    /// Number of data-quality warnings over all files.
    pub n_warnings: usize,
    /// marketnote version.
    pub version: String,
    /// The config file name.
    pub config_file: String,
    /// Long and short thresholds as configured.
    pub thresholds: String,
    /// What could not be assessed and why, one line per reason (`narrative::method`).
    pub not_assessed: Vec<String>,
}

/// One input file of the run manifest.
#[derive(Debug, Clone, Serialize)]
pub struct FileView {
    /// `instrument`, `benchmark`, `mid_cap` or `macro:<id>`.
    pub role: String,
    /// Path relative to the config (file name when outside its folder).
    pub path: String,
    /// Detected format.
    pub format: String,
    /// Rows kept.
    pub rows: usize,
    /// First date.
    pub first: Option<String>,
    /// Last date.
    pub last: Option<String>,
    /// The last date this note uses: the file's end or the as-of date, whichever is earlier.
    pub used_to: Option<String>,
    /// Hex sha256.
    pub sha256: String,
    /// Warnings, one line each (`line 12: all-null row skipped`).
    pub warnings: Vec<String>,
    /// The first warnings, for the note (the rest are counted).
    pub warnings_shown: Vec<String>,
    /// Warnings not shown.
    pub warnings_more: usize,
    /// What it holds, in a reader's words ("IWM (iShares Russell 2000 ETF): daily prices and
    /// volume", "Fed funds rate (monthly average)").
    pub series: String,
    /// Its short name for the data-quality lines ("IWM prices").
    pub name: String,
    /// Its vendor or layout in words ("FRED (Federal Reserve Bank of St. Louis)").
    pub source: String,
    /// The dates it contributes ("2000-05-26 to 2026-07-24"), point in time.
    pub covers: String,
    /// The latest figure the note used from it.
    pub latest: Option<String>,
}

/// Warnings listed per file in the note; `marketnote check` prints them all.
const WARNINGS_SHOWN: usize = 8;

/// One release lag.
#[derive(Debug, Clone, Serialize)]
pub struct LagView {
    /// Series id.
    pub id: String,
    /// Label.
    pub label: String,
    /// Days.
    pub days: i64,
    /// Read from ALFRED vintages: each value counts from its vintage date (no fixed lag).
    pub vintages: bool,
    /// The assumed publication date in calendar words ([`crate::narrative::method::lag_words`]).
    pub words: String,
}

/// Weekly look-backs of the signals (SIGNALS.md) that a short file can cut.
const WEEKLY_LOOKBACKS: [(usize, &str); 3] = [
    (104, "the 104-week compression percentiles"),
    (156, "the 156-week squeeze zone"),
    (260, "the 260-week relative-strength percentiles"),
];

/// "History cut by the file's start" for Data and Method, when the instrument's data begins
/// after `history_start` and some weekly look-back is longer than the bars available.
fn history_cut(a: &crate::Analysis) -> Option<String> {
    let first = *a.daily.date.first()?;
    let n = a.weekly.bars.len();
    let cut: Vec<&str> = WEEKLY_LOOKBACKS.iter().filter(|(w, _)| n < *w).map(|(_, what)| *what).collect();
    if first <= a.config.signals.history_start || cut.is_empty() {
        return None;
    }
    let listed = match cut.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => cut.join(""),
    };
    Some(format!(
        "the {} data begin on {} ({n} complete weekly bars), so {listed} use only the bars available",
        a.dataset.instrument.symbol,
        date(first),
    ))
}

/// "Since the last note" (`render --previous DIR`), from [`crate::since::SinceLast`].
#[derive(Debug, Clone, Serialize)]
pub struct PreviousView {
    /// Its as-of date.
    pub as_of: String,
    /// Its stance label (`LONG`, ...).
    pub stance: String,
    /// Its score, signed 2 dp.
    pub score: String,
    /// True when the stance changed.
    pub stance_changed: bool,
    /// Signals whose state changed: "claim (old → new)".
    pub flipped: Vec<String>,
    /// Levels of the previous note that were reclaimed or lost, one sentence each.
    pub levels: Vec<String>,
    /// The whole section as sentences (stance, flips, levels).
    pub sentences: Vec<String>,
}

fn previous_view(s: &crate::since::SinceLast) -> PreviousView {
    PreviousView {
        as_of: date(s.as_of),
        stance: s.stance_from.as_str().to_uppercase(),
        score: signed(s.score_from, 2),
        stance_changed: s.stance_from != s.stance_to,
        flipped: s.flips.iter().map(crate::narrative::since_text::flip_text).collect(),
        levels: s
            .levels
            .iter()
            .filter_map(|l| crate::narrative::since_text::level_sentence(l, s.stance_from))
            .collect(),
        sentences: crate::narrative::since_text::sentences(s),
    }
}

use crate::fmt::fixed;
pub use crate::fmt::{signed, thousands};

fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn signal_view(s: &SignalResult) -> SignalView {
    SignalView {
        id: s.id.to_string(),
        group: s.group.to_string(),
        claim: s.claim.to_string(),
        tf: s.tf.name().to_string(),
        state: s.state.name().to_string(),
        available: s.state != State::Unavailable,
        strength: fixed(s.strength, 2),
        sentence: if s.sentence.trim().is_empty() {
            // A signal must always say something; never print an empty line.
            format!("{}: {}.", capitalise(s.claim), s.state.name())
        } else {
            s.sentence.clone()
        },
        evidence: s
            .evidence
            .iter()
            .map(|(k, v)| EvidenceView { key: k.to_string(), value: format_ev(v, None) })
            .collect(),
        flags: s.flags.iter().map(|f| f.as_str().to_string()).collect(),
        reason: s.reason.as_ref().map(crate::narrative::format::unavailable_text),
        missing_input: matches!(s.reason, Some(Unavailable::MissingInput { .. })),
        as_of: s.as_of.map(date),
        base_rate: None,
        folded: false,
    }
}

fn not_computed(id: &str, section: &str) -> SignalView {
    SignalView {
        id: id.to_string(),
        group: section.to_string(),
        claim: id.replace('_', " "),
        tf: String::new(),
        state: "unavailable".into(),
        available: false,
        strength: fixed(0.0, 2),
        sentence: format!(
            "{}: not assessed (not computed by this version).",
            capitalise(&id.replace('_', " "))
        ),
        evidence: Vec::new(),
        flags: Vec::new(),
        reason: Some("not computed by this version".into()),
        missing_input: false,
        as_of: None,
        base_rate: None,
        folded: false,
    }
}

/// "The 2-year ..." → "the 2-year ..." after a "Topic:" label; acronyms ("HY", "CPI") are kept.
fn lower_first(s: &str) -> String {
    let mut it = s.chars();
    match (it.next(), it.next()) {
        (Some(a), Some(b)) if a.is_uppercase() && !b.is_uppercase() && !b.is_ascii_digit() => {
            a.to_lowercase().chain(s.chars().skip(1)).collect()
        }
        _ => s.to_string(),
    }
}

/// Folds unassessed signals of one section that share a reason into one sentence ("A and b: not
/// assessed (reason)."), so the reason is printed once; the later ones are marked `folded`.
fn fold_unassessed(signals: &mut [SignalView]) {
    let split = |t: &str| -> Option<(String, String)> {
        let (head, rest) = t.split_once(": not assessed (")?;
        Some((head.to_string(), rest.to_string()))
    };
    for i in 0..signals.len() {
        if signals[i].available || signals[i].folded {
            continue;
        }
        let Some((head, reason)) = split(&signals[i].sentence) else { continue };
        let mut heads = vec![head];
        for later in signals.iter_mut().skip(i + 1) {
            if later.available || later.folded {
                continue;
            }
            if let Some((h, r)) = split(&later.sentence) {
                if r == reason {
                    heads.push(lower_first(&h));
                    later.folded = true;
                }
            }
        }
        if heads.len() > 1 {
            signals[i].sentence = format!("{}: not assessed ({reason}", crate::fmt::and_list(&heads));
        }
    }
}

fn section_view(mut signals: Vec<SignalView>) -> SectionView {
    fold_unassessed(&mut signals);
    let count = |st: &str| signals.iter().filter(|s| s.state == st).count();
    let (b, r, n) = (count("bullish"), count("bearish"), count("neutral"));
    let avail = b + r + n;
    let lean = if avail == 0 {
        "not_assessed"
    } else if b == 0 && r == 0 {
        "neutral"
    } else if b > r {
        if b * 2 > avail {
            "constructive"
        } else {
            "leans_positive"
        }
    } else if r > b {
        if r * 2 > avail {
            "negative"
        } else {
            "leans_negative"
        }
    } else {
        "mixed"
    };
    SectionView { signals, n_available: avail, n_bullish: b, n_bearish: r, n_neutral: n, lean: lean.into() }
}

fn last_close(b: &Bars) -> Option<(f64, NaiveDate)> {
    Some((*b.close.last()?, *b.date.last()?))
}

fn relative_path(p: &Path, base: &Path) -> String {
    match p.strip_prefix(base) {
        Ok(r) if !r.as_os_str().is_empty() => r.to_string_lossy().replace('\\', "/"),
        _ => p.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default(),
    }
}

/// Builds the template context from an analysis and its charts.
pub fn build_view(a: &Analysis, charts: &[Chart]) -> NoteView {
    let inst = &a.dataset.instrument;
    let by_id: BTreeMap<&str, &SignalResult> = a.signals.iter().map(|s| (s.id, s)).collect();

    let mut signals = BTreeMap::new();
    let mut sections: BTreeMap<String, Vec<SignalView>> = BTreeMap::new();
    let base_rate = |id: &str| a.base_rates.iter().find(|b| b.signal == id).map(|b| b.sentence.clone());
    for (id, section) in SIGNAL_ORDER {
        let mut v = by_id.get(id).map(|s| signal_view(s)).unwrap_or_else(|| not_computed(id, section));
        v.base_rate = base_rate(id);
        sections.entry(section.to_string()).or_default().push(v.clone());
        signals.insert(id.to_string(), v);
    }
    // Signals this version of the report does not know still appear, by their group.
    for s in &a.signals {
        if !signals.contains_key(s.id) {
            let mut v = signal_view(s);
            v.base_rate = base_rate(s.id);
            let section = match s.group {
                "thesis_rs" => "thesis",
                "macro" | "fundamentals" => "macro",
                other => other,
            };
            sections.entry(section.to_string()).or_default().push(v.clone());
            signals.insert(s.id.to_string(), v);
        }
    }

    // Macro Backdrop lines (topics with no data supplied are left to Data and Method).
    let mut macro_lines = Vec::new();
    for v in sections.get("macro").map(|v| v.as_slice()).unwrap_or(&[]) {
        let topic = macro_topic(&v.id);
        // A topic with no data supplied is listed once, in Data and Method's "Not assessed"
        // (body9: the body says each fact once, of what could be assessed).
        if v.missing_input && collapsible(&v.id) {
            continue;
        }
        // A stale monthly policy rate leaves the gap unread, not the 2-year's own move: the
        // line states what is assessable and says what is not.
        let stale_rates = by_id.get(v.id.as_str()).and_then(|r| crate::narrative::rates_stale_sentence(r, a));
        if let Some(text) = stale_rates.filter(|_| !v.available) {
            macro_lines.push(MacroLine {
                topic: topic.into(),
                text: lower_first(&text),
                state: v.state.clone(),
                base_rates: Vec::new(),
            });
        } else if !v.available {
            macro_lines.push(MacroLine {
                topic: topic.into(),
                text: format!(
                    "not assessed ({}).",
                    match by_id.get(v.id.as_str()).and_then(|s| s.reason.as_ref()) {
                        Some(r) => crate::narrative::macro_reason(r, &a.dataset.macros, a.as_of, &v.id),
                        None => v.reason.clone().unwrap_or_default(),
                    }
                ),
                state: v.state.clone(),
                base_rates: Vec::new(),
            });
        } else if let Some(prev) = macro_lines.iter_mut().find(|l| l.topic == topic) {
            // Two signals on one topic (earnings and revenue revisions): one line, both sentences.
            prev.text = format!("{} {}", prev.text, v.sentence);
            prev.base_rates.extend(v.base_rate.clone());
        } else {
            let sentence = by_id
                .get(v.id.as_str())
                .and_then(|r| crate::narrative::macro_sentence(r, a))
                .unwrap_or_else(|| v.sentence.clone());
            macro_lines.push(MacroLine {
                topic: topic.into(),
                text: lower_first(&sentence),
                state: v.state.clone(),
                base_rates: v.base_rate.iter().cloned().collect(),
            });
        }
    }
    let macro_rows = a
        .dataset
        .macros
        .iter()
        .map(|m| {
            let known = m.known_at(a.as_of);
            let last = known.last().copied();
            let yoy = match (m.transform, last) {
                (Transform::Yoy, Some(l)) => l
                    .period
                    .checked_sub_months(Months::new(12))
                    .and_then(|p| known.iter().rev().find(|o| o.period <= p && o.period.month() == p.month()))
                    .filter(|o| o.value != 0.0)
                    .map(|o| signed((l.value / o.value - 1.0) * 100.0, 1) + "%"),
                _ => None,
            };
            MacroRow {
                id: m.id.clone(),
                label: m.label.clone(),
                value: last.map(|o| fixed(o.value, 2)),
                yoy,
                period: last.map(|o| date(o.period)),
                released: last.map(|o| date(o.release)),
                lag_days: m.release_lag_days,
                supportive_when: m.supportive_when.map(|d| format!("{d:?}").to_lowercase()),
            }
        })
        .collect();

    let st = &a.stance;
    let count = |s: State| a.signals.iter().filter(|r| r.state == s).count();
    let (nb, nr, nn) = (count(State::Bullish), count(State::Bearish), count(State::Neutral));
    let voice = crate::narrative::Voice::of(a);
    let contributions: Vec<ContributionView> = st
        .contributions
        .iter()
        .map(|c| ContributionView {
            id: c.id.to_string(),
            // The signal's reader-facing name for the state it is in (the same as in the base-rate
            // tables and checklist), so a label never fights its state ("lag ending | bearish").
            claim: crate::narrative::reading_name(a, c.id, c.state, &voice),
            group: crate::narrative::method::group_words(c.group),
            state: crate::narrative::method::state_words(a, c.id, c.state),
            strength: fixed(c.strength, 2),
            weight: if c.weight > 0.0 { fixed(c.weight, 3) } else { "–".into() },
            contribution: signed(c.contribution, 3),
        })
        .collect();
    let sum: f64 = st.contributions.iter().map(|c| c.contribution).sum();
    let (kind, label) = match st.stance {
        StanceKind::Long => ("long", "LONG"),
        StanceKind::Short => ("short", "SHORT"),
        StanceKind::Neutral => ("neutral", "NEUTRAL"),
    };
    let stance = StanceView {
        kind: kind.into(),
        label: label.into(),
        conviction: st.conviction.to_string(),
        record_check_off: st
            .record_off
            .as_ref()
            .and_then(crate::narrative::track_text::record_off_header)
            .unwrap_or_default(),
        score: signed(st.score, 2),
        score_value: if st.score.is_finite() { st.score } else { 0.0 },
        long_threshold: signed(a.config.signals.long_threshold, 2),
        short_threshold: signed(a.config.signals.short_threshold, 2),
        coverage: format!("{:.0}%", st.coverage * 100.0),
        uncovered: match ((1.0 - st.coverage) * 100.0).round() {
            u if u >= 1.0 => format!("{u:.0}%"),
            _ => String::new(),
        },
        n_available: nb + nr + nn,
        n_total: a.signals.len(),
        n_bullish: nb,
        n_bearish: nr,
        n_neutral: nn,
        overrides: st.overrides.clone(),
        flags: st.flags.iter().map(|f| f.as_str().to_string()).collect(),
        contributions,
        groups: st
            .groups
            .iter()
            .map(|(g, m)| GroupView { group: g.clone(), mean: m.map(|x| signed(x, 2)) })
            .collect(),
        // One rounding for the score everywhere (header, lead, this total): 2 dp.
        contribution_sum: signed(sum, 2),
    };

    let checklist = ChecklistView {
        header: a.checklist.header.clone(),
        n_pass: a.checklist.n_pass,
        items: a
            .checklist
            .items
            .iter()
            .map(|i| {
                let (tick, symbol) = match i.tick {
                    Tick::Pass => ("pass", "✓"),
                    Tick::Partial => ("partial", "◐"),
                    Tick::Fail => ("fail", "✗"),
                    Tick::NotAssessed => ("not_assessed", "–"),
                };
                ChecklistItemView {
                    title: i.title.clone(),
                    tick: tick.into(),
                    mark: if i.tick == Tick::Pass { "x".into() } else { " ".into() },
                    symbol: symbol.into(),
                    detail: i.detail.clone(),
                    signals: i.signals.iter().map(|s| s.to_string()).collect(),
                }
            })
            .collect(),
    };

    let weekly_last = last_close(&a.weekly.bars);
    let three_last = last_close(&a.three_day[0].bars);
    let daily_last = last_close(&a.daily);
    let obv_now = a.signals.iter().find(|r| r.id == ids::H2).and_then(|r| r.num("obv"));
    let invalidation = st
        .invalidation
        .iter()
        .map(|l| {
            let is_obv = l.basis == InvalidationBasis::Obv;
            let last = match l.basis {
                InvalidationBasis::Obv => obv_now.map(|v| (v, a.as_of)),
                InvalidationBasis::WeeklyClose => weekly_last,
                InvalidationBasis::ThreeDayClose => three_last,
                InvalidationBasis::DailyClose => daily_last,
            };
            InvalidationView {
                label: capitalise(&l.label),
                value: if is_obv { format!("{}M", thousands(l.value / 1e6, 1)) } else { fixed(l.value, 2) },
                basis: l.basis.to_string(),
                signal: l.signal.to_string(),
                is_obv,
                last: last
                    .map(|(c, _)| if is_obv { format!("{}M", thousands(c / 1e6, 1)) } else { fixed(c, 2) }),
                position: last.filter(|(c, _)| c.is_finite() && l.value.is_finite()).map(|(c, _)| {
                    if c >= l.value {
                        "above".into()
                    } else {
                        "below".into()
                    }
                }),
            }
        })
        .collect();

    let mut chart_view = ChartsView::default();
    for c in charts {
        let v = Some(ChartView {
            file: format!("charts/{}.png", c.name),
            title: c.title.clone(),
            alt: c.alt.clone(),
        });
        match c.name.as_str() {
            "weekly" => chart_view.weekly = v,
            "3day" => chart_view.three_day = v,
            "daily" => chart_view.daily = v,
            "relative" => chart_view.relative = v,
            "macro" => chart_view.macro_ = v,
            "track" => chart_view.track = v,
            _ => {}
        }
    }

    let base = &a.config.base_dir;
    let files: Vec<FileView> = a
        .dataset
        .quality
        .iter()
        // A benchmark file the note does not use (batch dropped the benchmark: the symbol is its
        // own) is no source of it (review 19: SPY's Sources listed an empty "Benchmark prices").
        .filter(|f| f.role != "benchmark" || a.dataset.benchmark.is_some())
        .map(|f| {
            // Point in time: a warning about a date after the as-of date is not the note's.
            let warnings: Vec<String> = f
                .warnings
                .iter()
                .filter(|w| !mentions_date_after(&w.message, a.as_of))
                .map(|w| match w.line {
                    Some(l) => format!("line {l}: {}", w.message),
                    None => w.message.clone(),
                })
                .collect();
            FileView {
                role: f.role.clone(),
                path: relative_path(&f.path, base),
                format: f.format.clone(),
                rows: f.rows,
                // A file that starts after the as-of date contributes nothing to this note.
                first: f.first.filter(|d| *d <= a.as_of).map(date),
                last: f.last.map(date),
                used_to: match (f.first, f.last) {
                    (Some(first), _) if first > a.as_of => Some("no rows yet".into()),
                    (_, l) => l.map(|l| date(l.min(a.as_of))),
                },
                sha256: f.sha256.clone(),
                series: crate::narrative::method::series_words(a, &f.role),
                name: crate::narrative::method::short_series_words(a, &f.role),
                source: crate::narrative::method::file_source(a, &f.role, &f.format),
                covers: crate::narrative::method::covers_words(a, &f.role, f.first, f.last),
                latest: crate::narrative::method::latest_words(a, &f.role),
                warnings_shown: warnings.iter().take(WARNINGS_SHOWN).cloned().collect(),
                warnings_more: warnings.len().saturating_sub(WARNINGS_SHOWN),
                warnings,
            }
        })
        .collect();
    let n_warnings = files.iter().map(|f| f.warnings.len()).sum();
    let data = DataView {
        n_warnings,
        files,
        release_lags: a
            .dataset
            .macros
            .iter()
            .map(|m| LagView {
                id: m.id.clone(),
                label: m.label.clone(),
                days: m.release_lag_days,
                vintages: m.has_vintages(),
                words: {
                    let mut w = crate::narrative::method::lag_words(m);
                    let configured =
                        a.config.macros.iter().any(|c| c.id == m.id && c.release_lag_days.is_some());
                    if crate::data::macros::has_known_late_releases(&m.id, configured) {
                        w.push_str(", or the actual date of a release known to have come later");
                    }
                    w
                },
            })
            .collect(),
        history_cut: history_cut(a),
        as_of: date(a.as_of),
        files_end_after: a
            .dataset
            .quality
            .iter()
            .filter_map(|f| f.last)
            .max()
            .filter(|l| *l > a.as_of)
            .map(date),
        as_of_configured: a.config.as_of == Some(a.as_of),
        history_start: date(a.config.signals.history_start),
        daily_bars: a.daily.len(),
        weekly_bars: a.weekly.bars.len(),
        three_day_bars: a.three_day[0].bars.len(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        config_file: a.config.path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default(),
        thresholds: format!(
            "long at ≥ {}, short at ≤ {}",
            signed(a.config.signals.long_threshold, 2),
            signed(a.config.signals.short_threshold, 2)
        ),
        not_assessed: crate::narrative::method::not_assessed(a),
    };

    let narrative = crate::narrative::narrate(a);
    let title_from_config = a.config.title.as_ref().is_some_and(|t| !t.trim().is_empty());
    let title = narrative.title.clone();

    NoteView {
        narrative,
        title,
        title_from_config,
        instrument: InstrumentView {
            symbol: inst.symbol.clone(),
            name: inst.name.clone(),
            has_name: !inst.name.is_empty() && inst.name != inst.symbol,
        },
        benchmark: a.dataset.benchmark.as_ref().map(|b| InstrumentView {
            symbol: b.symbol.clone(),
            name: b.name.clone(),
            has_name: !b.name.is_empty() && b.name != b.symbol,
        }),
        as_of: date(a.as_of),
        as_of_weekday: a.as_of.format("%A").to_string(),
        daily_close: daily_last.map(|(c, _)| fixed(c, 2)).unwrap_or_else(|| "n/a".into()),
        weekly_close: weekly_last.map(|(c, d)| LabelledValue { value: fixed(c, 2), date: date(d) }),
        stance,
        signals,
        sections: sections.into_iter().map(|(k, v)| (k, section_view(v))).collect(),
        macro_lines,
        macro_rows,
        checklist,
        invalidation,
        charts: chart_view,
        data,
        previous: a.since_last.as_ref().map(previous_view),
        track_record: a
            .track_record
            .as_ref()
            .map(|t| crate::narrative::track_text::track_view(t, &inst.symbol)),
        glossary: Vec::new(),
    }
}

/// True when `msg` names a date (`YYYY-MM-DD`, or a month `YYYY-MM`, read as its first day)
/// later than `as_of`.
fn mentions_date_after(msg: &str, as_of: NaiveDate) -> bool {
    let b = msg.as_bytes();
    let digits = |i: usize, n: usize| i + n <= b.len() && b[i..i + n].iter().all(u8::is_ascii_digit);
    let mut i = 0;
    while i + 7 <= b.len() {
        let starts = i == 0 || !b[i - 1].is_ascii_digit();
        if starts && digits(i, 4) && b[i + 4] == b'-' && digits(i + 5, 2) {
            let y: i32 = msg[i..i + 4].parse().unwrap_or(0);
            let m: u32 = msg[i + 5..i + 7].parse().unwrap_or(0);
            let d: u32 = if i + 10 <= b.len() && b[i + 7] == b'-' && digits(i + 8, 2) {
                msg[i + 8..i + 10].parse().unwrap_or(1)
            } else {
                1
            };
            if NaiveDate::from_ymd_opt(y, m, d).is_some_and(|x| x > as_of) {
                return true;
            }
            i += 7;
        } else {
            i += 1;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_after_the_as_of_date_are_recognised() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert!(mentions_date_after("no observation for 2025-10 (a gap)", d("2022-06-17")));
        assert!(!mentions_date_after("no observation for 2025-10 (a gap)", d("2025-12-12")));
        assert!(mentions_date_after("gap from 2024-01-02 to 2024-01-09", d("2024-01-05")));
        assert!(!mentions_date_after("zero volume", d("2024-01-05")));
    }

    #[test]
    fn number_helpers() {
        assert_eq!(signed(0.456, 2), "+0.46");
        assert_eq!(signed(-0.001, 2), "0.00");
        assert_eq!(signed(-0.2, 2), "−0.20");
        assert_eq!(thousands(1234.04, 1), "1,234.0");
        assert_eq!(thousands(-1234567.0, 0), "−1,234,567");
        assert_eq!(thousands(999.0, 0), "999");
        assert_eq!(lower_first("The 2-year"), "the 2-year");
        assert_eq!(lower_first("HY spreads"), "HY spreads");
    }
}
