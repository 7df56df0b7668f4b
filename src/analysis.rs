//! [`Analysis`]: everything computed for one note as of a date (bars cut and resampled, the
//! signals, the stance and checklist), and [`analyze`] / [`analyze_note`], which build it.
//! Re-exported from the crate root.

use crate::config::NoteConfig;
use crate::data::{Bars, Dataset};
use crate::error::{Error, Result};
use crate::resample::{resample, Resampled, Timeframe};
use crate::signals::stance::{Checklist, Stance};
use crate::signals::SignalResult;
use crate::{baserates, history, signals, since};
use chrono::NaiveDate;

/// Everything computed for one note, before charts and templates.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// The configuration.
    pub config: NoteConfig,
    /// All loaded inputs (with their quality reports and hashes).
    pub dataset: Dataset,
    /// The effective as-of date: the last instrument session on or before the requested date.
    pub as_of: NaiveDate,
    /// Instrument daily bars from `history_start` to `as_of`.
    pub daily: Bars,
    /// Instrument weekly bars.
    pub weekly: Resampled,
    /// Instrument 3-day bars, phases 0, 1, 2.
    pub three_day: [Resampled; 3],
    /// Instrument monthly bars.
    pub monthly: Resampled,
    /// Benchmark daily bars (same cut), when configured.
    pub bench_daily: Option<Bars>,
    /// Benchmark weekly bars.
    pub bench_weekly: Option<Resampled>,
    /// Mid-cap weekly bars.
    pub mid_weekly: Option<Resampled>,
    /// Every signal, in SIGNALS.md order.
    pub signals: Vec<SignalResult>,
    /// Score and stance.
    pub stance: Stance,
    /// The Overall Structure checklist.
    pub checklist: Checklist,
    /// Base rates of the active signals (empty until [`baserates::base_rates`] is run, e.g. by
    /// [`analyze_note`]).
    pub base_rates: Vec<baserates::BaseRate>,
    /// The stance's own track record over earlier week ends (None until [`analyze_note`]).
    pub track_record: Option<history::TrackRecord>,
    /// What changed since a previous note (`render --previous`); None otherwise.
    pub since_last: Option<since::SinceLast>,
}

/// Cuts daily bars to `[history_start, as_of]`.
fn cut(bars: &Bars, cfg: &NoteConfig, as_of: NaiveDate) -> Bars {
    bars.between(Some(cfg.signals.history_start), Some(as_of))
}

/// The effective as-of date (the last instrument session on or before the requested one, or the
/// last session) and the instrument's daily bars cut to `[history_start, as_of]`.
pub(crate) fn instrument_daily(
    config: &NoteConfig,
    dataset: &Dataset,
    as_of: Option<NaiveDate>,
) -> Result<(NaiveDate, Bars)> {
    let inst = &dataset.instrument.bars;
    let last = *inst.date.last().ok_or_else(|| Error::Usage("the instrument has no bars".into()))?;
    let requested = as_of.or(config.as_of).unwrap_or(last);
    let as_of = match inst.index_at_or_before(requested) {
        Some(i) => inst.date[i],
        None => {
            return Err(Error::Usage(format!(
                "--as-of {requested} is before the first {} bar ({})",
                dataset.instrument.symbol, inst.date[0]
            )))
        }
    };
    if requested > last {
        eprintln!(
            "warning: --as-of {requested} is after the last {} bar ({last}): the note is as of {last}",
            dataset.instrument.symbol
        );
    }
    let daily = cut(inst, config, as_of);
    if daily.is_empty() {
        return Err(Error::Usage(format!(
            "no {} bars between signals.history_start {} and {as_of}",
            dataset.instrument.symbol, config.signals.history_start
        )));
    }
    Ok((as_of, daily))
}

/// Computes every signal of a note from loaded data, as of a date (point in time: nothing after
/// `as_of` is seen by any stage).
pub fn analyze(config: &NoteConfig, dataset: Dataset, as_of: Option<NaiveDate>) -> Result<Analysis> {
    let (as_of, daily) = instrument_daily(config, &dataset, as_of)?;
    let weekly = resample(&daily, Timeframe::Weekly, 0);
    let three_day = [0u8, 1, 2].map(|p| resample(&daily, Timeframe::ThreeDay, p));
    let monthly = resample(&daily, Timeframe::Monthly, 0);
    let bench_daily = dataset.benchmark.as_ref().map(|b| cut(&b.bars, config, as_of));
    let bench_weekly = bench_daily.as_ref().map(|b| resample(b, Timeframe::Weekly, 0));
    let mid_weekly =
        dataset.mid_cap.as_ref().map(|m| resample(&cut(&m.bars, config, as_of), Timeframe::Weekly, 0));

    let input = signals::SignalInput {
        as_of,
        symbol: &dataset.instrument.symbol,
        bench_symbol: dataset.benchmark.as_ref().map(|b| b.symbol.as_str()),
        daily: daily.view(),
        weekly: weekly.bars.view(),
        three_day: [three_day[0].bars.view(), three_day[1].bars.view(), three_day[2].bars.view()],
        bench_daily: bench_daily.as_ref().map(Bars::view),
        bench_weekly: bench_weekly.as_ref().map(|r| r.bars.view()),
        mid_weekly: mid_weekly.as_ref().map(|r| r.bars.view()),
        macros: &dataset.macros,
        params: &config.signals,
        pre: None,
    };
    let mut signals = signals::evaluate(&input);
    // The sentences are the narrative's, written from each signal's branch and evidence.
    let names = crate::narrative::signal_text::Names { symbol: input.symbol, bench: input.bench_symbol };
    crate::narrative::signal_text::write_sentences(&mut signals, names);
    // The same function the track record runs at every past week end (`history::walk`).
    let mut stance = signals::stance::decide(&signals, &input);
    // The stance's overrides are typed facts; the narrative words them.
    stance.overrides =
        stance.reasons.iter().map(|o| crate::narrative::stance_text::override_sentence(o, &stance)).collect();
    for o in history::edge::temper(&mut stance, None) {
        stance.overrides.push(crate::narrative::track_text::override_sentence(&o, stance.stance));
    }
    // An idea on hold (watch) is read for its own direction: the short's structure for a short.
    let idea = stance.watch.as_ref().map_or(stance.stance, |w| w.idea);
    let mut checklist = signals::stance::checklist_for(&signals, idea);
    checklist.header = crate::narrative::stance_text::checklist_header(&checklist);
    Ok(Analysis {
        config: config.clone(),
        dataset,
        as_of,
        daily,
        weekly,
        three_day,
        monthly,
        bench_daily,
        bench_weekly,
        mid_weekly,
        signals,
        stance,
        checklist,
        base_rates: Vec::new(),
        track_record: None,
        since_last: None,
    })
}

/// [`analyze`], then the base rates of the active signals and the stance's track record, both
/// read from one walk over the week ends ([`history::walk`]): what `signals` and `render` print.
pub fn analyze_note(config: &NoteConfig, dataset: Dataset, as_of: Option<NaiveDate>) -> Result<Analysis> {
    let mut a = analyze(config, dataset, as_of)?;
    let walk = history::walk(&a);
    let tr = track_record_of(&a, &walk);
    add_history(&mut a, &walk, tr);
    Ok(a)
}

/// The stance's track record read from `walk` ([`history::walk`] of `a`), with its sentence.
pub fn track_record_of(a: &Analysis, walk: &history::Walk) -> history::TrackRecord {
    let mut tr = history::track_record(a, walk);
    tr.sentence = crate::narrative::history_text::track_record_sentence(&tr, &a.dataset.instrument.symbol);
    tr
}

/// The second half of [`analyze_note`]: fills `a`'s base rates from `walk` (which must be
/// [`history::walk`] of `a`) and its track record `tr` ([`track_record_of`] the same walk), and
/// tempers the stance's conviction by the track record. Split out so the walk can run beside
/// work that reads only [`analyze`]'s result (the charts, `pipeline::analyze_and_charts`).
pub fn add_history(a: &mut Analysis, walk: &history::Walk, tr: history::TrackRecord) {
    let symbol = a.dataset.instrument.symbol.clone();
    a.base_rates = baserates::base_rates_from_walk(a, walk);
    for br in &mut a.base_rates {
        br.sentence = crate::narrative::history_text::base_rate_sentence(br, &symbol);
    }
    a.track_record = Some(tr);
    record_check(a, walk);
    for o in history::edge::temper(&mut a.stance, a.track_record.as_ref()) {
        a.stance.overrides.push(crate::narrative::track_text::override_sentence(&o, a.stance.stance));
    }
}

/// Whether the record check reads `a`'s stance: on (`[signals] record_check`) and a long or a
/// short. Only then can [`add_history`] change the stance or its levels (a vetoed idea is held
/// at Neutral with a Neutral note's levels).
pub fn record_check_applies(a: &Analysis) -> bool {
    a.config.signals.record_check && a.stance.stance != crate::signals::stance::StanceKind::Neutral
}

/// The record check (SIGNALS.md §5, override 6; `[signals] record_check`, on by default): the
/// score's long or short is checked against its own record in `walk`; a vetoed idea is held at
/// Neutral (the levels become a Neutral note's), and one with too few earlier cases to judge
/// stands at low conviction.
fn record_check(a: &mut Analysis, walk: &history::Walk) {
    use crate::signals::stance::{self, Conviction, RecordVerdict};
    if !record_check_applies(a) {
        // Off in the config: the verdict is kept for the reader, not applied (review 36:
        // "printed with the record check off" did not say what the check would have done).
        if a.stance.stance != crate::signals::stance::StanceKind::Neutral {
            a.stance.record_off = history::edge::record_check(a, walk, a.stance.stance);
        }
        return;
    }
    let Some(check) = history::edge::record_check(a, walk, a.stance.stance) else {
        return;
    };
    a.stance.record = Some(check.clone());
    match check.verdict {
        RecordVerdict::Passed => {}
        RecordVerdict::TooFew => a.stance.conviction = Conviction::Low,
        RecordVerdict::Vetoed => {
            stance::veto(&mut a.stance, check);
            let sentence = a
                .stance
                .reasons
                .last()
                .map(|o| crate::narrative::stance_text::override_sentence(o, &a.stance));
            a.stance.overrides.extend(sentence);
        }
    }
}
