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
pub use crate::indicators::obv_line::ObvStatus;
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
    /// A short typed state (F1 `direction`, H1 `structure`, H2 `status`, D1 `top_level`, …);
    /// serialized, and shown in signals.json, as the word it had when it was text.
    Tag {
        /// The state.
        v: Tag,
    },
}

/// A short typed state carried as evidence. Serializes to its word (`"up"`, `"LH"`,
/// `"no_retest"`, `"n/a"`, …), the same string signals.json has always shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tag {
    /// F1 `direction`: the latest leg's direction.
    Leg(LegDirection),
    /// H1 `structure` / `W_structure`: the last two pivot highs.
    Swing(SwingStructure),
    /// H2 `status`: the OBV support line's status.
    Obv(ObvStatus),
    /// H2 `weekly_status`: the weekly OBV line's status (None: fewer than 30 weeks, `n/a`).
    WeeklyObv(Option<ObvStatus>),
    /// H2 `line_kind`: the support line's slope.
    Line(LineKind),
    /// D1 `top_level` / `short_level_status`: whether the band behind a zone is a level.
    Zone(ZoneStatus),
    /// D4 `macd_state`: the 12/26/9 weekly histogram now.
    Macd(MacdState),
}

impl Tag {
    /// The word of the state, as in signals.json.
    pub fn as_str(self) -> &'static str {
        match self {
            Tag::Leg(x) => x.as_str(),
            Tag::Swing(x) => x.as_str(),
            Tag::Obv(x) | Tag::WeeklyObv(Some(x)) => x.name(),
            Tag::WeeklyObv(None) => "n/a",
            Tag::Line(x) => x.as_str(),
            Tag::Zone(x) => x.as_str(),
            Tag::Macd(x) => x.as_str(),
        }
    }
}

impl Serialize for Tag {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A typed state that can be read back from its [`Tag`] ([`SignalResult::tagged`]).
pub trait FromTag: Sized {
    /// The value when `t` holds one of this type.
    fn from_tag(t: Tag) -> Option<Self>;
}

macro_rules! tag_enum {
    ($(#[$m:meta])* $name:ident, $variant:ident { $($(#[$vm:meta])* $v:ident => $w:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
        pub enum $name {
            $($(#[$vm])* #[serde(rename = $w)] $v),+
        }
        impl $name {
            /// The word, as in signals.json.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$v => $w),+
                }
            }
        }
        impl FromTag for $name {
            fn from_tag(t: Tag) -> Option<Self> {
                match t {
                    Tag::$variant(x) => Some(x),
                    _ => None,
                }
            }
        }
    };
}

tag_enum!(
    /// F1: the direction of the latest leg.
    LegDirection, Leg {
        /// An up-leg (`up`).
        Up => "up",
        /// A down-leg (`down`).
        Down => "down",
    }
);

tag_enum!(
    /// H1: the last pivot high against the prior one (within 0.25·ATR: equal).
    SwingStructure, Swing {
        /// A higher high (`HH`).
        HigherHigh => "HH",
        /// A lower high (`LH`).
        LowerHigh => "LH",
        /// Level highs (`EQ`).
        Equal => "EQ",
    }
);

tag_enum!(
    /// H2: the slope of the OBV support line through its two pivot lows.
    LineKind, Line {
        /// The second low is higher (`rising`).
        Rising => "rising",
        /// Equal lows (`flat`).
        Flat => "flat",
        /// The second low is lower (`falling`).
        Falling => "falling",
    }
);

tag_enum!(
    /// D1: whether the band behind a squeeze zone is compact and recent enough to be a level.
    ZoneStatus, Zone {
        /// A level (`ok`).
        Ok => "ok",
        /// Wider than the ATR limit (`wide`).
        Wide => "wide",
        /// Older than the age limit (`old`).
        Old => "old",
    }
);

tag_enum!(
    /// D4: the 12/26/9 weekly MACD histogram now.
    MacdState, Macd {
        /// Above zero and rising (`expanding_up`).
        ExpandingUp => "expanding_up",
        /// Above zero and falling (`contracting_up`).
        ContractingUp => "contracting_up",
        /// Below zero and rising (`fading_down`).
        FadingDown => "fading_down",
        /// Below zero and falling (`expanding_down`).
        ExpandingDown => "expanding_down",
    }
);

impl FromTag for ObvStatus {
    fn from_tag(t: Tag) -> Option<Self> {
        match t {
            Tag::Obv(x) => Some(x),
            _ => None,
        }
    }
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

/// Why a signal is not assessed: typed facts only; the words are
/// `narrative::format::unavailable_text`'s (signals write no sentences).
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
        /// The config key of what is missing, e.g. `benchmark`, `mid_cap` or a macro series id.
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

/// An evidence key: a literal (`"close"`) is borrowed, a numbered one (`lvl2`, `band1_ttm`)
/// owned. The history walk evaluates every signal at each of hundreds of week ends; a `String`
/// per key was one allocation per value pushed.
pub type EvKey = std::borrow::Cow<'static, str>;

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
    pub evidence: Vec<(EvKey, Ev)>,
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
    pub fn push_num(&mut self, key: impl Into<EvKey>, v: f64, unit: Unit) {
        self.evidence.push((key.into(), Ev::Num { v, unit }));
    }

    /// Adds any evidence value.
    pub fn push(&mut self, key: impl Into<EvKey>, ev: Ev) {
        self.evidence.push((key.into(), ev));
    }

    /// Adds the next F1 level: the typed [`Facts::levels`] entry and its evidence `lvl{i}`
    /// (price) and `lvl{i}_src` (its sources).
    pub fn push_level(&mut self, price: f64, sources: Vec<LevelSource>) {
        let i = self.facts.levels.len() + 1;
        self.push_num(format!("lvl{i}"), price, Unit::Price);
        self.push(format!("lvl{i}_src"), Ev::LevelSources { v: sources.clone() });
        self.facts.levels.push(StackedLevel { price, sources });
    }

    /// Adds the next compression band (D1): the typed [`Facts::bands`] entry and its evidence
    /// `band{k}` (close range), `band{k}_dates` (start, end), `band{k}_wick`, `band{k}_ttm`.
    pub fn push_band(&mut self, b: CompressionBand) {
        let k = self.facts.bands.len() + 1;
        self.push(format!("band{k}"), Ev::Range { lo: b.lo, hi: b.hi });
        self.push(format!("band{k}_dates"), Ev::Dates { v: vec![b.start, b.end] });
        self.push(format!("band{k}_wick"), Ev::Range { lo: b.wick_lo, hi: b.wick_hi });
        self.push_num(format!("band{k}_ttm"), b.ttm as f64, Unit::Count);
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
    /// The typed state under `key` (e.g. `r.tagged::<SwingStructure>("structure")`); None when
    /// absent or of another type.
    pub fn tagged<T: FromTag>(&self, key: &str) -> Option<T> {
        match self.ev(key)? {
            Ev::Tag { v } => T::from_tag(*v),
            _ => None,
        }
    }
    /// Pushes a typed state as evidence.
    pub fn push_tag(&mut self, key: impl Into<EvKey>, v: Tag) {
        self.push(key, Ev::Tag { v });
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Each typed state serializes (alone, inside `Ev::Tag` and as its `Tag`) to the word the
    /// evidence carried as text before, so signals.json keeps its bytes.
    #[test]
    fn typed_states_serialize_to_their_old_words() {
        let words = |t: Tag| (serde_json::to_value(t).unwrap(), t.as_str());
        let cases: Vec<(Tag, serde_json::Value, &str)> = vec![
            (Tag::Leg(LegDirection::Up), serde_json::to_value(LegDirection::Up).unwrap(), "up"),
            (Tag::Leg(LegDirection::Down), serde_json::to_value(LegDirection::Down).unwrap(), "down"),
            (
                Tag::Swing(SwingStructure::HigherHigh),
                serde_json::to_value(SwingStructure::HigherHigh).unwrap(),
                "HH",
            ),
            (
                Tag::Swing(SwingStructure::LowerHigh),
                serde_json::to_value(SwingStructure::LowerHigh).unwrap(),
                "LH",
            ),
            (Tag::Swing(SwingStructure::Equal), serde_json::to_value(SwingStructure::Equal).unwrap(), "EQ"),
            (Tag::Line(LineKind::Rising), serde_json::to_value(LineKind::Rising).unwrap(), "rising"),
            (Tag::Line(LineKind::Flat), serde_json::to_value(LineKind::Flat).unwrap(), "flat"),
            (Tag::Line(LineKind::Falling), serde_json::to_value(LineKind::Falling).unwrap(), "falling"),
            (Tag::Zone(ZoneStatus::Ok), serde_json::to_value(ZoneStatus::Ok).unwrap(), "ok"),
            (Tag::Zone(ZoneStatus::Wide), serde_json::to_value(ZoneStatus::Wide).unwrap(), "wide"),
            (Tag::Zone(ZoneStatus::Old), serde_json::to_value(ZoneStatus::Old).unwrap(), "old"),
            (
                Tag::Macd(MacdState::ExpandingUp),
                serde_json::to_value(MacdState::ExpandingUp).unwrap(),
                "expanding_up",
            ),
            (
                Tag::Macd(MacdState::ContractingUp),
                serde_json::to_value(MacdState::ContractingUp).unwrap(),
                "contracting_up",
            ),
            (
                Tag::Macd(MacdState::FadingDown),
                serde_json::to_value(MacdState::FadingDown).unwrap(),
                "fading_down",
            ),
            (
                Tag::Macd(MacdState::ExpandingDown),
                serde_json::to_value(MacdState::ExpandingDown).unwrap(),
                "expanding_down",
            ),
            (Tag::WeeklyObv(None), serde_json::Value::Null, "n/a"),
        ];
        for (t, alone, word) in cases {
            assert_eq!(words(t), (serde_json::json!(word), word));
            if !alone.is_null() {
                assert_eq!(alone, serde_json::json!(word));
            }
            assert_eq!(
                serde_json::to_value(Ev::Tag { v: t }).unwrap(),
                serde_json::json!({"type": "tag", "v": word})
            );
        }
        use ObvStatus::*;
        for s in [NoLine, FallingLows, Intact, Broken, Retest, Reclaimed, Failed, NoRetest, Expired] {
            assert_eq!(serde_json::to_value(s).unwrap(), serde_json::json!(s.name()));
            assert_eq!(words(Tag::Obv(s)).1, s.name());
            assert_eq!(words(Tag::WeeklyObv(Some(s))).1, s.name());
        }
        assert_eq!(serde_json::to_value(NoRetest).unwrap(), serde_json::json!("no_retest"));
    }

    /// `tagged` reads back a state of the asked type only.
    #[test]
    fn tagged_reads_the_typed_state_back() {
        let mut r = SignalResult::new("x", "g", "c", Timeframe::Daily, NaiveDate::from_ymd_opt(2025, 1, 3));
        r.push_tag("structure", Tag::Swing(SwingStructure::Equal));
        r.push_tag("status", Tag::Obv(ObvStatus::Failed));
        assert_eq!(r.tagged("structure"), Some(SwingStructure::Equal));
        assert_eq!(r.tagged::<LegDirection>("structure"), None);
        assert_eq!(r.tagged("status"), Some(ObvStatus::Failed));
        assert_eq!(r.tagged::<ZoneStatus>("missing"), None);
    }
}
