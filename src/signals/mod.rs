//! Signals: resampled bars and macro series in, named [`SignalResult`]s with evidence out
//! (SIGNALS.md §4), then the stance and the checklist (§5, §6). Pure: no I/O.

pub mod branch;
pub mod cache;
pub mod catalog;
// Signals read bars through `BarsView` (borrowed slices), whose columns they still pass as
// `&b.close` as they did with `Bars`' vectors: the borrow is redundant, the text unchanged, so
// signal bodies did not have to be rewritten with the view (issue 11, part 4).
#[allow(clippy::needless_borrow)]
pub mod daily;
pub mod macro_;
pub mod relative;
#[allow(clippy::needless_borrow)]
pub mod risk;
pub(crate) mod series;
#[allow(clippy::needless_borrow)]
pub mod stance;
#[allow(clippy::needless_borrow)]
pub mod three_day;
#[allow(clippy::needless_borrow)]
pub mod weekly;

use crate::config::SignalParams;
use crate::data::{BarsView, MacroSeries};
use crate::resample::Timeframe;
pub use branch::{Branch, Flag};
use chrono::NaiveDate;
use serde::Serialize;

/// A signal's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Supports the long thesis.
    Bullish,
    /// Against it.
    Bearish,
    /// Neither.
    Neutral,
    /// Not assessed (missing input, short history, stale data, volume gaps).
    Unavailable,
}

impl State {
    /// Lower-case name as in signals.json: `bullish`, `bearish`, `neutral`, `unavailable`.
    pub fn name(self) -> &'static str {
        match self {
            State::Bullish => "bullish",
            State::Bearish => "bearish",
            State::Neutral => "neutral",
            State::Unavailable => "unavailable",
        }
    }

    /// +1 bullish, -1 bearish, 0 otherwise.
    pub fn direction(self) -> f64 {
        match self {
            State::Bullish => 1.0,
            State::Bearish => -1.0,
            State::Neutral | State::Unavailable => 0.0,
        }
    }
}

/// The unit of a numeric evidence value; decides how it is rounded when rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A price (2 dp).
    Price,
    /// A fraction shown as percent (value 0.051 renders "+5.1%"; 1 dp).
    Pct,
    /// Percentage points (2 dp).
    Pp,
    /// A ratio (3 dp).
    Ratio,
    /// Shares (millions, 1 dp).
    Shares,
    /// Multiples of ATR (2 dp).
    Atr,
    /// A count (integer).
    Count,
    /// A plain quantity such as RSI or weeks of average volume (1 dp).
    Number,
    /// A level in the series' own units, e.g. a yield of 4.33 (%) or $bn (2 dp, unsigned).
    Level,
}

/// One piece of evidence.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Ev {
    /// A number with its unit.
    Num {
        /// The full-precision value.
        v: f64,
        /// Its unit.
        unit: Unit,
    },
    /// A date.
    Date {
        /// The date.
        v: NaiveDate,
    },
    /// Several dates.
    Dates {
        /// The dates, oldest first.
        v: Vec<NaiveDate>,
    },
    /// A price range.
    Range {
        /// Low end.
        lo: f64,
        /// High end.
        hi: f64,
    },
    /// Free text (e.g. a list of level sources).
    Text {
        /// The text.
        v: String,
    },
    /// A calendar month (the day is the month's first or any day in it); worded "May 2024".
    Month {
        /// A day of the month.
        v: NaiveDate,
    },
    /// B1: which policy rate the 2-year is compared with.
    PolicyRate {
        /// The rate's source.
        v: PolicyRate,
    },
    /// F2: the calendar event of the volume day.
    DayEvent {
        /// The event.
        v: DayEvent,
    },
    /// G1: the three conditions of the large-to-small handoff.
    Handoff {
        /// The conditions and the tickers they are about.
        v: Handoff,
    },
    /// F1: the levels a leg crossed, in price order (empty: none).
    Levels {
        /// The levels.
        v: Vec<StackedLevel>,
    },
    /// A yes/no condition (worded "yes" / "no").
    YesNo {
        /// The condition.
        v: bool,
    },
    /// A list of prices, e.g. dip lows (worded "246.10, 251.30").
    Prices {
        /// The prices, in the signal's order.
        v: Vec<f64>,
    },
    /// D3: each pullback's residual from the OBV trendline in standard deviations.
    Residuals {
        /// (week, residual in σ), oldest first.
        v: Vec<(NaiveDate, f64)>,
    },
    /// A 3-day signal: its state on each of the three 3-day phases (worded "bullish, neutral, …").
    States {
        /// Phase 0, 1, 2.
        v: Vec<State>,
    },
    /// F1: the sources merged into one level.
    LevelSources {
        /// The sources, in price order, without duplicates.
        v: Vec<LevelSource>,
    },
}

/// B1: the policy rate the 2-year yield is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyRate {
    /// The daily effective fed funds rate (DFF).
    Daily,
    /// A monthly fed funds average, for the month of this date.
    MonthlyAverage(NaiveDate),
}

/// F2: a session whose volume a calendar event explains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DayEvent {
    /// Quarterly options expiration (third Friday of Mar, Jun, Sep, Dec).
    QuarterlyOpex,
    /// A configured index reconstitution day.
    Reconstitution,
    /// A half-day session.
    HalfDay,
    /// The session after a half-day.
    AfterHalfDay,
}

/// G1: the three conditions of the handoff from the benchmark to the instrument.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Handoff {
    /// The instrument's ticker.
    pub symbol: String,
    /// The benchmark's ticker (None: not configured).
    pub bench: Option<String>,
    /// The benchmark's weekly MACD wave is complete.
    pub bench_done: bool,
    /// The instrument's wave is young (≤ 13 weeks) and expanding.
    pub inst_early: bool,
    /// The instrument/benchmark ratio is in the bottom 40% of 5 years.
    pub ratio_low: bool,
}

/// Where an F1 level comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LevelSource {
    /// A confirmed daily swing high of this date.
    SwingHigh(NaiveDate),
    /// A confirmed daily swing low of this date.
    SwingLow(NaiveDate),
    /// A simple moving average of this many sessions.
    Sma(u16),
    /// An exponential moving average of this many sessions.
    Ema(u16),
    /// The point of control of the 252-session volume profile.
    VolumePoc,
    /// Another high-volume node of that profile.
    Hvn,
}

/// Why a signal is not assessed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Unavailable {
    /// Too few bars.
    InsufficientHistory {
        /// Bars needed.
        need: usize,
        /// Bars available.
        have: usize,
    },
    /// An input series is not configured.
    MissingInput {
        /// What is missing, e.g. `benchmark` or `foreign_flows`.
        input: String,
    },
    /// The last usable observation is too old.
    Stale {
        /// The series.
        input: String,
        /// Its last observation date.
        last: NaiveDate,
    },
    /// More than 5% missing volume in the window.
    VolumeGaps,
    /// A later low undercut the anchor low a signal measures from, and the new low is too recent
    /// to measure from (weekly D2/D3).
    AnchorTooRecent {
        /// The undercut anchor low's week.
        prior: NaiveDate,
        /// The week of the new (lowest) low.
        anchor: NaiveDate,
        /// Weeks since the new low.
        weeks: usize,
        /// Weeks after the low the signal needs.
        need: usize,
    },
    /// A monthly policy-rate average (no daily series configured) too old to score against the
    /// 2-year (B1): its month is more than one month before the as-of month, or the 2-year has
    /// moved a quarter point or more (one policy step) since that month.
    PolicyRateStale {
        /// The month of the average (its first day).
        month: NaiveDate,
        /// The average, %.
        value: f64,
        /// Months between it and the as-of month.
        months: u32,
        /// The 2-year's move since that month, pp (None when it could not be measured).
        moved: Option<f64>,
    },
    /// A specific observation the calculation needs was never published (e.g. a month skipped
    /// by the statistics agency).
    MissingObservation {
        /// The series.
        input: String,
        /// The period that is missing.
        period: NaiveDate,
    },
}

impl std::fmt::Display for Unavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unavailable::InsufficientHistory { need, have } => {
                let s = if *need == 1 { "" } else { "s" };
                write!(f, "insufficient history: needs {need} bar{s}, has {have}")
            }
            Unavailable::MissingInput { input } => write!(f, "no {input} series configured"),
            Unavailable::Stale { input, last } => write!(f, "{input} is stale: last observation {last}"),
            Unavailable::VolumeGaps => write!(f, "more than 5% of volume missing in the window"),
            Unavailable::AnchorTooRecent { prior, anchor, weeks, need } => {
                let ago = match weeks {
                    0 => "this week".to_string(),
                    1 => "only 1 week ago".to_string(),
                    w => format!("only {w} weeks ago"),
                };
                write!(
                    f,
                    "the {prior} anchor low was undercut by the {anchor} low, {ago}; {need} weeks after the \
                     low are needed"
                )
            }
            Unavailable::MissingObservation { input, period } => {
                write!(f, "{input} has no observation for {}", period.format("%B %Y"))
            }
            Unavailable::PolicyRateStale { month, value, months, moved } => {
                write!(
                    f,
                    "the latest fed funds figure is the {} average, {value:.2}%",
                    month.format("%B %Y")
                )?;
                match moved {
                    Some(d) if *months <= 1 => write!(
                        f,
                        ", and the 2-year yield has moved {}{:.2} points since, a policy step or more; a daily fed funds series (DFF) would settle it",
                        if *d < 0.0 { "\u{2212}" } else { "+" },
                        d.abs()
                    ),
                    _ => write!(f, ", {months} months before this one; a daily fed funds series (DFF) would settle it"),
                }
            }
        }
    }
}

/// One computed signal.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SignalResult {
    /// Stable id, e.g. `wk_compression_cluster_reclaim`.
    pub id: &'static str,
    /// Group for scoring (SIGNALS.md §5): thesis_rs, macro, fundamentals, weekly, three_day, daily, risk.
    pub group: &'static str,
    /// The claim of the note it checks, in a few words.
    pub claim: &'static str,
    /// Timeframe it is computed on.
    pub tf: Timeframe,
    /// The last complete bar (or observation) it looked at.
    pub as_of: Option<NaiveDate>,
    /// State.
    pub state: State,
    /// Strength in 0..=1 (0 when neutral or unavailable).
    pub strength: f64,
    /// Evidence in a fixed key order.
    pub evidence: Vec<(String, Ev)>,
    /// Flags such as `single_band`, `event_sensitive`, `no_lag` (serialized as those names).
    pub flags: Vec<Flag>,
    /// Why it is unavailable, when it is.
    pub reason: Option<Unavailable>,
    /// The branch of the rule that fired ([`Branch::None`] when unavailable). Not serialized.
    #[serde(skip)]
    pub branch: Branch,
    /// The sentence the note prints: written by `narrative::signal_text` from the branch and the
    /// evidence (empty until then: no signal family writes prose).
    pub sentence: String,
    /// Typed facts for readers that need values (the stance, the charts), never parsed back
    /// from evidence keys or text. Not serialized: `signals.json` shows them as evidence.
    #[serde(skip)]
    pub facts: Facts,
}

/// Typed facts a signal carries beside its evidence.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    /// D1: the weekly compression bands of the cluster, oldest first.
    pub bands: Vec<CompressionBand>,
    /// G1: percentile rank (0..1) of the instrument/benchmark ratio over 5 years (evidence
    /// `r_pct`).
    pub rs_percentile: Option<f64>,
    /// F1: the levels the leg reclaimed (or lost), in evidence order (`lvl{i}`, `lvl{i}_src`).
    pub levels: Vec<StackedLevel>,
}

/// One level of F1's stacked-level move.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StackedLevel {
    /// The level (price).
    pub price: f64,
    /// Its sources in price order (worded by `narrative::format::level_sources`, e.g.
    /// "SMA200 + swing high 2025-02-14").
    pub sources: Vec<LevelSource>,
}

/// One weekly compression band (D1): an episode of low Bollinger bandwidth.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CompressionBand {
    /// Lowest close of the episode (price).
    pub lo: f64,
    /// Highest close of the episode (price).
    pub hi: f64,
    /// Low of the episode's bars (price).
    pub wick_lo: f64,
    /// High of the episode's bars (price).
    pub wick_hi: f64,
    /// First week of the episode.
    pub start: NaiveDate,
    /// Last week of the episode.
    pub end: NaiveDate,
    /// Weeks of the episode with the TTM squeeze on.
    pub ttm: usize,
}

impl SignalResult {
    /// A neutral result with no evidence yet; fill it, then call [`SignalResult::conclude`].
    pub fn new(
        id: &'static str,
        group: &'static str,
        claim: &'static str,
        tf: Timeframe,
        as_of: Option<NaiveDate>,
    ) -> Self {
        SignalResult {
            id,
            group,
            claim,
            tf,
            as_of,
            state: State::Neutral,
            strength: 0.0,
            // Most signals push 8 to 20 values: one allocation instead of a growing vector.
            evidence: Vec::with_capacity(16),
            flags: Vec::new(),
            reason: None,
            branch: Branch::None,
            sentence: String::new(),
            facts: Facts::default(),
        }
    }

    /// An unavailable result (the narrative's sentence: "{Claim}: not assessed ({reason}).").
    pub fn unavailable(
        id: &'static str,
        group: &'static str,
        claim: &'static str,
        tf: Timeframe,
        as_of: Option<NaiveDate>,
        reason: Unavailable,
    ) -> Self {
        let mut r = SignalResult::new(id, group, claim, tf, as_of);
        r.state = State::Unavailable;
        r.reason = Some(reason);
        r
    }

    /// Adds a numeric evidence value.
    pub fn push_num(&mut self, key: &str, v: f64, unit: Unit) {
        self.evidence.push((key.to_string(), Ev::Num { v, unit }));
    }

    /// Adds any evidence value.
    pub fn push(&mut self, key: &str, ev: Ev) {
        self.evidence.push((key.to_string(), ev));
    }

    /// Adds the next F1 level: the typed [`Facts::levels`] entry and its evidence `lvl{i}`
    /// (price) and `lvl{i}_src` (its sources).
    pub fn push_level(&mut self, price: f64, sources: Vec<LevelSource>) {
        let i = self.facts.levels.len() + 1;
        self.push_num(&format!("lvl{i}"), price, Unit::Price);
        self.push(&format!("lvl{i}_src"), Ev::LevelSources { v: sources.clone() });
        self.facts.levels.push(StackedLevel { price, sources });
    }

    /// Adds the next compression band (D1): the typed [`Facts::bands`] entry and its evidence
    /// `band{k}` (close range), `band{k}_dates` (start, end), `band{k}_wick`, `band{k}_ttm`.
    pub fn push_band(&mut self, b: CompressionBand) {
        let k = self.facts.bands.len() + 1;
        self.push(&format!("band{k}"), Ev::Range { lo: b.lo, hi: b.hi });
        self.push(&format!("band{k}_dates"), Ev::Dates { v: vec![b.start, b.end] });
        self.push(&format!("band{k}_wick"), Ev::Range { lo: b.wick_lo, hi: b.wick_hi });
        self.push_num(&format!("band{k}_ttm"), b.ttm as f64, Unit::Count);
        self.facts.bands.push(b);
    }

    /// Sets state, strength (clamped to 0..=1; 0 unless bullish or bearish) and the branch that
    /// fired. The sentence is the narrative's (`narrative::signal_text`).
    pub fn conclude(mut self, state: State, strength: f64, branch: Branch) -> Self {
        self.state = state;
        self.strength = match state {
            State::Bullish | State::Bearish if strength.is_finite() => strength.clamp(0.0, 1.0),
            _ => 0.0,
        };
        self.branch = branch;
        self
    }

    /// The evidence value under `key`.
    pub fn ev(&self, key: &str) -> Option<&Ev> {
        self.evidence.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
    /// The numeric evidence under `key`.
    pub fn num(&self, key: &str) -> Option<f64> {
        match self.ev(key)? {
            Ev::Num { v, .. } => Some(*v),
            _ => None,
        }
    }
    /// The date evidence under `key`.
    pub fn date(&self, key: &str) -> Option<NaiveDate> {
        match self.ev(key)? {
            Ev::Date { v } => Some(*v),
            _ => None,
        }
    }
    /// The text evidence under `key` (a state word such as `EQ` or `old`).
    pub fn text(&self, key: &str) -> Option<&str> {
        match self.ev(key)? {
            Ev::Text { v } => Some(v),
            _ => None,
        }
    }
}

/// Everything the signals read, already cut at the as-of date and resampled.
#[derive(Debug, Clone)]
pub struct SignalInput<'a> {
    /// The note's as-of date.
    pub as_of: NaiveDate,
    /// The instrument's ticker.
    pub symbol: &'a str,
    /// The benchmark's ticker, when configured.
    pub bench_symbol: Option<&'a str>,
    /// Instrument daily bars (from history_start to as_of).
    pub daily: BarsView<'a>,
    /// Instrument complete weekly bars.
    pub weekly: BarsView<'a>,
    /// Instrument complete 3-day bars for phases 0, 1, 2.
    pub three_day: [BarsView<'a>; 3],
    /// Benchmark daily bars.
    pub bench_daily: Option<BarsView<'a>>,
    /// Benchmark complete weekly bars.
    pub bench_weekly: Option<BarsView<'a>>,
    /// Mid-cap complete weekly bars, when configured.
    pub mid_weekly: Option<BarsView<'a>>,
    /// Macro series (observations not yet released at as_of must be ignored: use `known_at`).
    pub macros: &'a [MacroSeries],
    /// Parameters.
    pub params: &'a SignalParams,
    /// Series precomputed on bars of which `daily` and `weekly` are prefixes (base rates only;
    /// None in [`crate::analyze`]). Signals read them instead of recomputing; results are equal.
    pub pre: Option<&'a cache::Precomputed>,
}

/// Evaluates every signal of SIGNALS.md §4: thesis and rotation, macro and fundamentals, weekly,
/// 3-day, daily, risks.
pub fn evaluate(input: &SignalInput) -> Vec<SignalResult> {
    let mut out = Vec::with_capacity(25);
    out.extend(relative::evaluate(input));
    out.extend(macro_::evaluate(input));
    out.extend(weekly::evaluate(input));
    // E4 mirrors D4: read its state rather than evaluate it twice.
    let mirror = out.iter().any(|r| r.id == weekly::D4 && r.state == State::Bullish);
    out.extend(three_day::evaluate_with_mirror(input, mirror));
    out.extend(daily::evaluate(input));
    out.extend(risk::evaluate(input));
    out
}

thread_local! {
    /// Set by [`without_sentences`]: a walk that keeps only states and strengths.
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` on this thread in walk mode (no sentence is ever written there): for walks over history that keep only states and strengths. States and
/// strengths are unchanged; evidence that no state, strength or stance rule reads may be left
/// out (F1's levels crossed by a leg that is not impulsive, E3's event bars when neutral).
pub fn without_sentences<T>(f: impl FnOnce() -> T) -> T {
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            QUIET.with(|q| q.set(self.0));
        }
    }
    let _reset = Reset(QUIET.with(|q| q.replace(true)));
    f()
}

/// True inside [`without_sentences`]: a walk that keeps only states and strengths. A signal may
/// then leave out evidence that no state, strength or stance rule reads.
pub(crate) fn quiet() -> bool {
    QUIET.with(std::cell::Cell::get)
}

/// "small caps lag" -> "Small caps lag".
pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
