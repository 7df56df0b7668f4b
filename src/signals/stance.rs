//! The transparent score, the stance and the Overall Structure checklist (SIGNALS.md §5, §6).

use super::{SignalResult, State};
use crate::config::SignalParams;
use serde::Serialize;

/// Long, short or neutral.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StanceKind {
    /// Score at or above the long threshold (and no override).
    Long,
    /// Score at or below the short threshold.
    Short,
    /// Otherwise.
    Neutral,
}

impl StanceKind {
    /// `long`, `short` or `neutral`, as in signals.json.
    pub fn as_str(self) -> &'static str {
        match self {
            StanceKind::Long => "long",
            StanceKind::Short => "short",
            StanceKind::Neutral => "neutral",
        }
    }
}

/// The stance's conviction (SIGNALS.md §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Conviction {
    /// The stance's track record shows no edge (see `history::edge::temper`).
    Low,
    /// |score| below 0.35, or capped by an override.
    Moderate,
    /// Otherwise.
    High,
}

impl Conviction {
    /// `low`, `moderate` or `high`, as in signals.json.
    pub fn as_str(self) -> &'static str {
        match self {
            Conviction::Low => "low",
            Conviction::Moderate => "moderate",
            Conviction::High => "high",
        }
    }
}

/// Which close decides an invalidation level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum InvalidationBasis {
    /// A weekly close (`weekly close`).
    #[serde(rename = "weekly close")]
    WeeklyClose,
    /// A 3-day close (`3-day close`).
    #[serde(rename = "3-day close")]
    ThreeDayClose,
    /// A daily close (`daily close`).
    #[serde(rename = "daily close")]
    DailyClose,
    /// Daily on-balance volume (`OBV`).
    #[serde(rename = "OBV")]
    Obv,
}

impl InvalidationBasis {
    /// The basis as printed and in signals.json: `weekly close`, `3-day close`, `daily close`,
    /// `OBV`.
    pub fn as_str(self) -> &'static str {
        match self {
            InvalidationBasis::WeeklyClose => "weekly close",
            InvalidationBasis::ThreeDayClose => "3-day close",
            InvalidationBasis::DailyClose => "daily close",
            InvalidationBasis::Obv => "OBV",
        }
    }

    /// The basis printed as `s` (a previous note's signals.json); None for any other text.
    pub fn parse(s: &str) -> Option<InvalidationBasis> {
        [Self::WeeklyClose, Self::ThreeDayClose, Self::DailyClose, Self::Obv]
            .into_iter()
            .find(|b| b.as_str() == s)
    }
}

macro_rules! str_like {
    ($t:ty) => {
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        /// Compares with the serialized name (for callers holding text from a previous note).
        impl PartialEq<str> for $t {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }
        /// Compares with the serialized name.
        impl PartialEq<&str> for $t {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }
    };
}
str_like!(StanceKind);
str_like!(Conviction);
str_like!(InvalidationBasis);

/// One signal's share of the score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contribution {
    /// Signal id.
    pub id: &'static str,
    /// Scoring group.
    pub group: &'static str,
    /// Its state.
    pub state: State,
    /// Its strength.
    pub strength: f64,
    /// Its weight in the score, W_g / |avail_g| / ΣW (0 when not assessed); the weights of the
    /// assessed signals sum to 1.
    pub weight: f64,
    /// weight · d · σ; the contributions sum to the score.
    pub contribution: f64,
}

/// Which close breaks a level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// A close above the level breaks it (levels that protect a short idea).
    CloseAbove,
    /// A close below the level breaks it (levels that protect a long idea).
    CloseBelow,
}

impl Trigger {
    /// `close_above` or `close_below`, as in signals.json.
    pub fn name(self) -> &'static str {
        match self {
            Trigger::CloseAbove => "close_above",
            Trigger::CloseBelow => "close_below",
        }
    }
    /// True when `close` is on the breaking side of `level`.
    pub fn broken(self, close: f64, level: f64) -> bool {
        match self {
            Trigger::CloseAbove => close > level,
            Trigger::CloseBelow => close < level,
        }
    }
}

/// Whether the last close has broken a level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LevelStatus {
    /// No close since the level formed is on the breaking side (for a level without a formation
    /// date: the last close is on the protected side; or the status could not be checked).
    Holding,
    /// A close since the level formed was on the breaking side (for a level without a formation
    /// date: the last close is on the breaking side).
    Triggered,
}

/// A price or OBV level whose break invalidates an idea, with its status on the as-of date.
///
/// Built by [`score`] for the stance's direction (a Long: levels broken by closes below; a Short:
/// by closes above; a Neutral: both sides, `side` telling which idea each protects), then checked
/// against the bars by [`assess_invalidation`]. Text, charts and signals.json read this one value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Invalidation {
    /// What it is, e.g. "weekly compression cluster top".
    pub label: String,
    /// The level (a price, or OBV in shares).
    pub value: f64,
    /// Which close decides it (serialized "weekly close", "3-day close", "daily close", "OBV").
    pub basis: InvalidationBasis,
    /// Signal id it comes from.
    pub signal: &'static str,
    /// Which close breaks it.
    pub trigger: Trigger,
    /// The idea it protects: `Long` for close-below levels, `Short` for close-above levels.
    pub side: StanceKind,
    /// Holding or triggered on the as-of date.
    pub status: LevelStatus,
    /// The first close on the breaking side since the level formed (for an undated level: the
    /// first close of the current run on the breaking side), when triggered and known.
    pub triggered_on: Option<chrono::NaiveDate>,
    /// The last close on the level's basis (OBV for an OBV level), when known.
    pub last_close: Option<f64>,
}

impl Invalidation {
    /// `weekly`, `3-day`, `daily` or `obv` (daily OBV).
    pub fn timeframe(&self) -> &'static str {
        match self.basis {
            InvalidationBasis::Obv => "obv",
            InvalidationBasis::WeeklyClose => "weekly",
            InvalidationBasis::ThreeDayClose => "3-day",
            InvalidationBasis::DailyClose => "daily",
        }
    }

    /// True when the last close (on the level's basis) is on the breaking side.
    pub fn broken_now(&self) -> bool {
        self.last_close.is_some_and(|c| c.is_finite() && self.trigger.broken(c, self.value))
    }

    /// True when the level triggered and a later close undid the break: the last close is back
    /// on its holding side ("crossed on …, since back below").
    pub fn undone(&self) -> bool {
        self.status == LevelStatus::Triggered
            && self.last_close.is_some_and(|c| c.is_finite() && !self.trigger.broken(c, self.value))
    }
}

/// A flag the stance raises, serialized as the string signals.json and the batch index have
/// always shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StanceFlag {
    /// `insufficient_data`: coverage too low for a stance.
    InsufficientData,
    /// `risk_triggered`: a risk signal fired (bearish).
    RiskTriggered,
    /// `risk_watch`: a risk signal is on watch.
    RiskWatch,
    /// `level_invalidated`: the score's Long or Short was already invalidated by its own levels.
    LevelInvalidated,
    /// `level_triggered`: an invalidation level was crossed since the stance was taken
    /// (`history::edge`).
    LevelTriggered,
    /// `no_track_edge`: the track record shows no edge for the stance (`history::edge`).
    NoTrackEdge,
    /// `risk_triggered_short`: both risk signals read up (a higher high and OBV above its rising
    /// support): a short is ruled out (the mirror of `risk_triggered`).
    RiskTriggeredShort,
    /// `extended`: the score's Long or Short has its nearest stop more than [`MAX_STOP_ATR`]
    /// ranges away, so it is held at Neutral (watch).
    Extended,
    /// `record_veto`: the Long or Short's own record argued against it (the record check), so it
    /// is held at Neutral (watch).
    RecordVeto,
}

impl StanceFlag {
    /// The flag's name in signals.json.
    pub fn as_str(self) -> &'static str {
        match self {
            StanceFlag::InsufficientData => "insufficient_data",
            StanceFlag::RiskTriggered => "risk_triggered",
            StanceFlag::RiskWatch => "risk_watch",
            StanceFlag::LevelInvalidated => "level_invalidated",
            StanceFlag::LevelTriggered => "level_triggered",
            StanceFlag::NoTrackEdge => "no_track_edge",
            StanceFlag::RiskTriggeredShort => "risk_triggered_short",
            StanceFlag::Extended => "extended",
            StanceFlag::RecordVeto => "record_veto",
        }
    }
}

impl Serialize for StanceFlag {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl std::fmt::Display for StanceFlag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The stance with everything needed to audit it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stance {
    /// The stance after overrides.
    pub stance: StanceKind,
    /// Moderate or high (serialized "moderate", "high").
    pub conviction: Conviction,
    /// S in [-1, 1].
    pub score: f64,
    /// Weighted share of signals available.
    pub coverage: f64,
    /// Per-signal contributions (sum = score).
    pub contributions: Vec<Contribution>,
    /// Per-group mean d·σ (None when no signal of the group is available).
    pub groups: Vec<(String, Option<f64>)>,
    /// Overrides applied, in order, as printed sentences: worded from [`Stance::reasons`] by
    /// `narrative::stance_text::override_sentence` (filled by `analysis`; empty in the walk),
    /// followed by the track record's conviction overrides.
    pub overrides: Vec<String>,
    /// The overrides as typed facts, in the order applied (SIGNALS.md §5).
    pub reasons: Vec<Override>,
    /// Flags (typed; serialized as `risk_triggered`, `risk_watch`, `insufficient_data`, …).
    pub flags: Vec<StanceFlag>,
    /// Invalidation levels.
    pub invalidation: Vec<Invalidation>,
    /// Set when the score gave a Long or Short whose own invalidation levels had already
    /// triggered, so the stance is held at Neutral ("watch"); see [`decide`].
    pub watch: Option<Watch>,
    /// The record check of the score's long or short (None for a Neutral score, with
    /// `record_check = false`, or before the history walk has run). The one place the check is
    /// kept: a vetoed idea's [`Watch`] reads it here ([`Stance::vetoed`]).
    pub record: Option<RecordCheck>,
    /// With `record_check = false`, the check's verdict on the printed long or short as it would
    /// have been: said to the reader ("with the record check on, as by default, the note would
    /// be Neutral") and written to signals.json with `applied: false`, never applied. None
    /// otherwise.
    pub record_off: Option<RecordCheck>,
}

impl Stance {
    /// The record check that vetoed the score's long or short (the note is Neutral and leans the
    /// check's way), None otherwise: [`Stance::record`] with verdict [`RecordVerdict::Vetoed`].
    pub fn vetoed(&self) -> Option<&RecordCheck> {
        self.record.as_ref().filter(|c| c.verdict == RecordVerdict::Vetoed)
    }
}

/// A Long or Short held at Neutral (watch): a level that would prove it wrong has triggered (flag
/// `level_invalidated`, `broken` non-empty), its nearest stop is too far away to be a trade (flag
/// `extended`, `extended` set), or its own record vetoed it (flag `record_veto`, neither set: the
/// check is [`Stance::record`], read through [`Stance::vetoed`]). Worded by
/// `narrative::stance_text`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Watch {
    /// The idea the score gave before the override (`long` or `short`).
    pub idea: StanceKind,
    /// The score, as in [`Stance::score`].
    pub score: f64,
    /// The idea's levels that had triggered, as assessed (status `triggered`).
    pub broken: Vec<Invalidation>,
    /// Set when the idea's nearest holding level is more than [`MAX_STOP_ATR`] ranges away.
    pub extended: Option<Extended>,
}

/// Fewest earlier cases of a lean for its record to be judged; with fewer the idea stands at low
/// conviction and the note says it is untested.
pub const MIN_RECORD_CASES: usize = 8;

/// What the record check concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordVerdict {
    /// The lean went its way at least half the time and at least as often as all week ends.
    Passed,
    /// It did not (or, with fewer cases, could no longer reach half of [`MIN_RECORD_CASES`]): the
    /// note is Neutral and says which way the signals lean.
    Vetoed,
    /// Fewer than [`MIN_RECORD_CASES`] earlier cases and not already decided against it: the idea
    /// stands, at low conviction.
    TooFew,
}

/// The record check of a long or short (SIGNALS.md §5, override 6): the earlier week ends whose
/// stance before this check was the same direction and whose 13-week outcome was known at the
/// as-of date, and how often the instrument's own price moved the idea's way (higher for a long,
/// lower for a short: the trade is outright), against all earlier week ends with a known outcome.
/// Computed by `history::edge::record_check`, worded by `narrative::track_text`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordCheck {
    /// The direction the signals lean (`long` or `short`).
    pub lean: StanceKind,
    /// Earlier week ends with that lean and a known outcome.
    pub cases: usize,
    /// How many of them went the lean's way.
    pub went_its_way: usize,
    /// All earlier week ends with a known outcome.
    pub all_cases: usize,
    /// How many of those moved the lean's way.
    pub all_went: usize,
    /// The first week end counted.
    pub since: Option<chrono::NaiveDate>,
    /// The horizon in weeks.
    pub weeks: u32,
    /// The conclusion.
    pub verdict: RecordVerdict,
    /// The same week ends against the benchmark, when there is one: context the lead gives when
    /// it runs the other way (the verdict reads the outright return only).
    pub relative: Option<RelativeRecord>,
}

/// The record check's week ends measured against the benchmark: how often the instrument's
/// 13-week return beat the benchmark's the lean's way (ahead for a long, behind for a short),
/// for the lean's week ends and for all of them. Context, not part of the verdict: the trade is
/// outright.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RelativeRecord {
    /// The benchmark's symbol.
    pub benchmark: String,
    /// The lean's earlier week ends with a relative outcome.
    pub cases: usize,
    /// How many of them beat the benchmark the lean's way.
    pub went_its_way: usize,
    /// All earlier week ends with a relative outcome.
    pub all_cases: usize,
    /// How many of those beat the benchmark the lean's way.
    pub all_went: usize,
}

impl RelativeRecord {
    /// The lean's share against the benchmark (None without cases).
    pub fn share(&self) -> Option<f64> {
        (self.cases > 0).then(|| self.went_its_way as f64 / self.cases as f64)
    }

    /// The share of all week ends that beat the benchmark the lean's way.
    pub fn base_rate(&self) -> Option<f64> {
        (self.all_cases > 0).then(|| self.all_went as f64 / self.all_cases as f64)
    }
}

impl RecordCheck {
    /// Judges `went_its_way` of `cases` against `all_went` of `all_cases` (see [`RecordVerdict`]).
    pub fn judge(
        lean: StanceKind,
        (cases, went_its_way): (usize, usize),
        (all_cases, all_went): (usize, usize),
        since: Option<chrono::NaiveDate>,
        weeks: u32,
    ) -> RecordCheck {
        // Under MIN_RECORD_CASES the record is too short to judge, unless it is already decided:
        // even if every case still needed went its way, fewer than half of MIN_RECORD_CASES
        // would have (2012-11-16: seven earlier shorts, none of them right, is no "untested"
        // short).
        let decided = 2 * (went_its_way + MIN_RECORD_CASES.saturating_sub(cases)) < MIN_RECORD_CASES;
        let verdict = if cases < MIN_RECORD_CASES && !decided {
            RecordVerdict::TooFew
        } else if cases < MIN_RECORD_CASES {
            RecordVerdict::Vetoed
        } else {
            // Integer comparisons: at least half, and a share at least the base rate's.
            let half = 2 * went_its_way >= cases;
            let base = went_its_way as u128 * all_cases as u128 >= all_went as u128 * cases as u128;
            if half && base {
                RecordVerdict::Passed
            } else {
                RecordVerdict::Vetoed
            }
        };
        RecordCheck { lean, cases, went_its_way, all_cases, all_went, since, weeks, verdict, relative: None }
    }

    /// The lean's share of cases that went its way (None without cases).
    pub fn share(&self) -> Option<f64> {
        (self.cases > 0).then(|| self.went_its_way as f64 / self.cases as f64)
    }

    /// The base rate: the share of all earlier week ends that moved the lean's way.
    pub fn base_rate(&self) -> Option<f64> {
        (self.all_cases > 0).then(|| self.all_went as f64 / self.all_cases as f64)
    }
}

/// The record check's veto (SIGNALS.md §5, override 6): the stance's long or short is held at
/// Neutral with a [`Watch`] of the idea (flag `record_veto`, conviction low); `check` is kept once,
/// in [`Stance::record`]. The levels stay the leaning side's: they are what a reader watches on a
/// note that leans.
pub fn veto(st: &mut Stance, check: RecordCheck) {
    let watch = Watch { idea: st.stance, score: st.score, broken: Vec::new(), extended: None };
    st.record = Some(check);
    st.reasons.push(Override::Watch(watch.clone()));
    st.flags.push(StanceFlag::RecordVeto);
    st.stance = StanceKind::Neutral;
    st.conviction = Conviction::Low;
    st.watch = Some(watch);
}

/// The farthest an idea's nearest stop may sit from the last close, in average true ranges
/// (Wilder ATR 14) of the stop's own timeframe (SIGNALS.md §5, override 5). Three ranges is the
/// usual volatility stop (the chandelier exit's multiple): a stop farther than that is not a
/// level a trade is managed by, so the idea is not yet a trade. Not fitted to outcomes.
pub const MAX_STOP_ATR: f64 = 3.0;

/// An idea whose nearest stop is more than [`MAX_STOP_ATR`] ranges from the last close.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Extended {
    /// The nearest holding price level of the idea (its stop).
    pub level: Invalidation,
    /// The last close on the level's timeframe.
    pub close: f64,
    /// The date of that close (a 3-day bar can end before the as-of date).
    pub close_date: Option<chrono::NaiveDate>,
    /// ATR(14) of the level's timeframe at the last bar.
    pub atr: f64,
    /// |close − level| / atr.
    pub atrs: f64,
    /// |close − level| / close: the stop's distance as a share of the close.
    pub pct: f64,
    /// The as-of (last daily) close and its date: every distance the note quotes is measured
    /// from it.
    pub as_of_close: (f64, Option<chrono::NaiveDate>),
    /// The close at which the stop would be [`MAX_STOP_ATR`] ranges away: a short becomes a
    /// trade on a close at or above it, a long on a close at or below it (unless a nearer level
    /// forms first).
    pub actionable_at: f64,
}

/// Which of the two risk signals (H1, H2) a risk override names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskSignal {
    /// H1 bearish: a confirmed lower high.
    LowerHigh,
    /// H1 bullish: a higher high with no breach of the swing low.
    HigherHigh,
    /// H2 bearish after a failed retest.
    ObvFailedRetest,
    /// H2 bearish: a break of the OBV support line with no retest.
    ObvBreak,
    /// H2 bullish: OBV above its rising support line (intact or reclaimed).
    ObvAboveSupport,
}

/// The timeframe a precedence override reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Frame {
    /// The weekly group's mean d·σ.
    Weekly,
    /// The daily group's mean d·σ.
    Daily,
}

/// One override of SIGNALS.md §5, as a typed fact (worded by `narrative::stance_text`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Override {
    /// Coverage below .5: the score's idea (`held`, if any) is held at Neutral.
    InsufficientData {
        /// Weighted coverage.
        coverage: f64,
        /// The idea held at Neutral, None when the score was already Neutral.
        held: Option<StanceKind>,
    },
    /// Both risk signals stand against `against` (a Long: lower high and OBV break; a Short:
    /// higher high and OBV above its rising support): that idea is ruled out.
    RiskAgainst {
        /// The idea ruled out.
        against: StanceKind,
        /// The two signals' readings.
        signals: [RiskSignal; 2],
        /// True when the score's idea was `against` and is now held at Neutral.
        held: bool,
    },
    /// Exactly one risk signal stands against the stance's idea: conviction capped at moderate.
    RiskWatch {
        /// The idea it stands against.
        against: StanceKind,
        /// Which reading.
        signal: RiskSignal,
    },
    /// A timeframe group whose mean leans at least .20 against the idea forbids it.
    Timeframe {
        /// Weekly or daily.
        frame: Frame,
        /// The group's mean d·σ.
        mean: f64,
        /// The idea forbidden (held at Neutral).
        forbids: StanceKind,
    },
    /// The idea held at Neutral (watch): a broken level or a stop too far away.
    Watch(Watch),
}

/// ✓, ◐, ✗ or – (not assessed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tick {
    /// ✓
    Pass,
    /// ◐
    Partial,
    /// ✗
    Fail,
    /// –: none of the item's signals could be assessed (never a ✗).
    NotAssessed,
}

/// One checklist line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChecklistItem {
    /// The claim, e.g. "Reclaims across all higher timeframes".
    pub title: String,
    /// Its tick.
    pub tick: Tick,
    /// The signals it reads.
    pub signals: Vec<&'static str>,
    /// A short evidence-backed explanation.
    pub detail: String,
}

/// The Overall Structure checklist.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Checklist {
    /// "Structure confirmed (4/4)", "Structure partial (n/4 in place, k partly)", … worded by
    /// `narrative::stance_text::checklist_header` (filled by `analysis`; empty until then).
    pub header: String,
    /// Items passing.
    pub n_pass: usize,
    /// The four items.
    pub items: Vec<ChecklistItem>,
    /// Read for a short (the items are the long's mirrors); not in signals.json.
    #[serde(skip)]
    pub short: bool,
}

/// How many checklist items carry each tick: the one count the header, the Overall Structure
/// sentence and `n_pass` all read ([`Checklist::counts`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckCounts {
    /// ✓ items.
    pub pass: usize,
    /// ◐ items.
    pub partial: usize,
    /// – items (none of their signals could be assessed).
    pub not_assessed: usize,
    /// Items that could be assessed (all but the – ones): the fraction's denominator.
    pub assessed: usize,
}

impl Checklist {
    /// The tick counts of the items.
    pub fn counts(&self) -> CheckCounts {
        let count = |t: Tick| self.items.iter().filter(|i| i.tick == t).count();
        let not_assessed = count(Tick::NotAssessed);
        CheckCounts {
            pass: count(Tick::Pass),
            partial: count(Tick::Partial),
            not_assessed,
            assessed: self.items.len() - not_assessed,
        }
    }
}

/// Scoring groups with their weights and sizes (SIGNALS.md §5), in print order; from
/// [`catalog`](super::catalog).
pub const GROUPS: [(&str, f64, usize); 7] = super::catalog::GROUP_WEIGHTS;

/// Signal ids by their SIGNALS.md code, from [`catalog`](super::catalog).
pub mod ids {
    use crate::signals::catalog::SignalId as S;
    /// A1.
    pub const A1: &str = S::RsSmallCapLagEnding.as_str();
    /// A2.
    pub const A2: &str = S::RsCapLadderRotation.as_str();
    /// G1.
    pub const G1: &str = S::RsLargeCapWaveComplete.as_str();
    /// B1.
    pub const B1: &str = S::MacroRateCutExpectations.as_str();
    /// B2.
    pub const B2: &str = S::MacroInflationCooling.as_str();
    /// B3.
    pub const B3: &str = S::MacroGrowthStabilising.as_str();
    /// B4.
    pub const B4: &str = S::MacroFinancingCostsFalling.as_str();
    /// B5.
    pub const B5: &str = S::MacroForeignFlows.as_str();
    /// C1.
    pub const C1: &str = S::FundSmallCapEarningsTurn.as_str();
    /// C2.
    pub const C2: &str = S::FundRevenueRevisionsStable.as_str();
    /// C3.
    pub const C3: &str = S::FundCostPressureEasing.as_str();
    /// D1.
    pub const D1: &str = S::WkCompressionClusterReclaim.as_str();
    /// D2.
    pub const D2: &str = S::WkVolumeAccumulation.as_str();
    /// D3.
    pub const D3: &str = S::WkVolumeTrendlineSupport.as_str();
    /// D4.
    pub const D4: &str = S::WkMomentumWaveFlip.as_str();
    /// E1.
    pub const E1: &str = S::D3ConsolidationHold.as_str();
    /// E2.
    pub const E2: &str = S::D3HigherDipAbsorption.as_str();
    /// E3.
    pub const E3: &str = S::D3VolumeTrend.as_str();
    /// E4.
    pub const E4: &str = S::D3MomentumMirror.as_str();
    /// F1.
    pub const F1: &str = S::D1StackedLevelReclaim.as_str();
    /// F2.
    pub const F2: &str = S::D1VolumeThrust.as_str();
    /// F3.
    pub const F3: &str = S::D1ShallowPullbacks.as_str();
    /// F4.
    pub const F4: &str = S::D1NoDistribution.as_str();
    /// H1.
    pub const H1: &str = S::RiskLowerHigh.as_str();
    /// H2.
    pub const H2: &str = S::RiskObvUndersideRetestFail.as_str();
}

fn find<'a>(results: &'a [SignalResult], id: &str) -> Option<&'a SignalResult> {
    results.iter().find(|r| r.id == id)
}

fn state_of(results: &[SignalResult], id: &str) -> State {
    find(results, id).map_or(State::Unavailable, |r| r.state)
}

fn available(r: &SignalResult) -> bool {
    r.state != State::Unavailable
}

/// Scores the signals and derives the stance with its overrides (SIGNALS.md §5).
///
/// A group's size is its size in the spec (e.g. 5 for macro), so a signal that is absent from
/// `results` counts as unavailable for coverage. The score is computed as the sum of the
/// per-signal contributions, in result order, so the contributions add up to it exactly.
pub fn score(results: &[SignalResult], params: &SignalParams) -> Stance {
    let mut avail_n = [0usize; GROUPS.len()];
    let mut sums = [0.0f64; GROUPS.len()];
    for r in results.iter().filter(|r| available(r)) {
        if let Some(g) = GROUPS.iter().position(|(name, _, _)| *name == r.group) {
            avail_n[g] += 1;
            sums[g] += r.state.direction() * r.strength;
        }
    }
    let w_avail: f64 = GROUPS.iter().zip(avail_n).filter(|(_, n)| *n > 0).map(|((_, w, _), _)| *w).sum();
    let coverage: f64 =
        GROUPS.iter().zip(avail_n).map(|((_, w, size), n)| w * (n.min(*size) as f64 / *size as f64)).sum();
    let groups: Vec<(String, Option<f64>)> = GROUPS
        .iter()
        .enumerate()
        .map(|(g, (name, _, _))| (name.to_string(), (avail_n[g] > 0).then(|| sums[g] / avail_n[g] as f64)))
        .collect();

    let mut contributions = Vec::with_capacity(results.len());
    let mut s = 0.0;
    for r in results {
        let g = GROUPS.iter().position(|(name, _, _)| *name == r.group);
        let weight = match g {
            Some(g) if available(r) && w_avail > 0.0 => GROUPS[g].1 / avail_n[g] as f64 / w_avail,
            _ => 0.0,
        };
        let c = weight * r.state.direction() * r.strength;
        s += c;
        contributions.push(Contribution {
            id: r.id,
            group: r.group,
            state: r.state,
            strength: r.strength,
            weight,
            contribution: c,
        });
    }

    let mut stance = if s >= params.long_threshold {
        StanceKind::Long
    } else if s <= params.short_threshold {
        StanceKind::Short
    } else {
        StanceKind::Neutral
    };
    let mut moderate = s.abs() < 0.35;
    let mut reasons = Vec::new();
    let mut flags = Vec::new();

    // 1. Coverage.
    if coverage < 0.5 {
        flags.push(StanceFlag::InsufficientData);
        let held = (stance != StanceKind::Neutral).then_some(stance);
        reasons.push(Override::InsufficientData { coverage, held });
        stance = StanceKind::Neutral;
    }
    // 2. Risk, both ways: the two risk signals against an idea rule it out; one caps it.
    let h1 = state_of(results, ids::H1);
    let h2 = state_of(results, ids::H2);
    // H2 is bearish either on a failed retest or on a break that was never retested.
    let obv_down = match find(results, ids::H2).and_then(|r| r.tagged("status")) {
        Some(crate::signals::ObvStatus::Failed) => RiskSignal::ObvFailedRetest,
        _ => RiskSignal::ObvBreak,
    };
    let against = |idea: StanceKind| -> (Option<RiskSignal>, Option<RiskSignal>) {
        match idea {
            StanceKind::Long => (
                (h1 == State::Bearish).then_some(RiskSignal::LowerHigh),
                (h2 == State::Bearish).then_some(obv_down),
            ),
            StanceKind::Short => (
                (h1 == State::Bullish).then_some(RiskSignal::HigherHigh),
                (h2 == State::Bullish).then_some(RiskSignal::ObvAboveSupport),
            ),
            StanceKind::Neutral => (None, None),
        }
    };
    for idea in [StanceKind::Long, StanceKind::Short] {
        if let (Some(a), Some(b)) = against(idea) {
            flags.push(if idea == StanceKind::Long {
                StanceFlag::RiskTriggered
            } else {
                StanceFlag::RiskTriggeredShort
            });
            let held = stance == idea;
            if held {
                stance = StanceKind::Neutral;
            }
            reasons.push(Override::RiskAgainst { against: idea, signals: [a, b], held });
        }
    }
    if let (Some(one), None) | (None, Some(one)) = against(stance) {
        flags.push(StanceFlag::RiskWatch);
        reasons.push(Override::RiskWatch { against: stance, signal: one });
        moderate = true;
    }
    // 3. Timeframe precedence, both ways: neither the weekly (the direction) nor the daily (the
    // timing) group may lean .20 or more against the idea.
    let m = |name: &str| groups.iter().find(|(g, _)| g == name).and_then(|(_, m)| *m);
    for (frame, name) in [(Frame::Weekly, "weekly"), (Frame::Daily, "daily")] {
        let Some(mean) = m(name) else { continue };
        let forbids = match stance {
            StanceKind::Long if mean <= -0.20 => StanceKind::Long,
            StanceKind::Short if mean >= 0.20 => StanceKind::Short,
            _ => continue,
        };
        stance = StanceKind::Neutral;
        reasons.push(Override::Timeframe { frame, mean, forbids });
    }
    let raw_kind = if s >= params.long_threshold {
        StanceKind::Long
    } else if s <= params.short_threshold {
        StanceKind::Short
    } else {
        StanceKind::Neutral
    };
    if stance != raw_kind {
        moderate = true;
    }

    let invalidation = levels(results, stance);
    Stance {
        stance,
        conviction: if moderate { Conviction::Moderate } else { Conviction::High },
        score: s,
        coverage,
        contributions,
        groups,
        overrides: Vec::new(),
        reasons,
        flags,
        invalidation,
        watch: None,
        record: None,
        record_off: None,
    }
}

/// The invalidation levels for a stance, status not yet checked (see [`assess_invalidation`]).
///
/// Long: the weekly compression cluster top (weekly close below), the 3-day consolidation zone
/// top (3-day close below), the daily swing low between the last two swing highs (daily close
/// below), the OBV support line (OBV below). Short: the top of the nearest weekly compression
/// band above the weekly close (or the cluster top), the 3-day zone bottom when price is below
/// the zone (else its top), the latest daily swing high, and the OBV line (each on a close
/// above). Neutral: per level the side price has not broken (so a break is news), and both the
/// daily swing low and the latest swing high. The daily swing low is left out once the lower high
/// it confirmed has been overturned (H1's `overturn_date`).
pub fn levels(results: &[SignalResult], stance: StanceKind) -> Vec<Invalidation> {
    let mut out = Vec::new();
    let num = |id: &str, key: &str| {
        find(results, id).filter(|r| available(r)).and_then(|r| r.num(key)).filter(|v| v.is_finite())
    };
    let mut push =
        |id: &'static str, v: Option<f64>, label: &str, basis: InvalidationBasis, trigger: Trigger| {
            if let Some(v) = v {
                out.push(Invalidation {
                    label: label.into(),
                    value: v,
                    basis,
                    signal: id,
                    trigger,
                    side: if trigger == Trigger::CloseBelow { StanceKind::Long } else { StanceKind::Short },
                    status: LevelStatus::Holding,
                    triggered_on: None,
                    last_close: None,
                });
            }
        };
    let (b, a) = (Trigger::CloseBelow, Trigger::CloseAbove);
    use InvalidationBasis::{DailyClose, Obv, ThreeDayClose, WeeklyClose};
    // Which side each level is listed for: a Long lists close-below levels, a Short close-above
    // levels; a Neutral lists, per level, the side price has not broken yet (so a break either
    // way is news), and both swing levels of the daily structure.
    let pick = |above: Option<bool>| -> [bool; 2] {
        match stance {
            StanceKind::Long => [true, false],
            StanceKind::Short => [false, true],
            StanceKind::Neutral => match above {
                Some(true) => [true, false],
                Some(false) => [false, true],
                None => [true, false],
            },
        }
    };
    // Weekly compression cluster. A zone is a level only while the band behind it is compact
    // and recent (D1's `top_level` / `short_level_status`: ok, wide or old); otherwise the
    // signal's evidence says why and no zone level is listed.
    let zone_ok = |key: &str| {
        find(results, ids::D1)
            .filter(|r| available(r))
            .is_some_and(|r| r.tagged::<super::ZoneStatus>(key).is_none_or(|z| z == super::ZoneStatus::Ok))
    };
    let (top, close) = (num(ids::D1, "top"), num(ids::D1, "close"));
    let [l, s] = pick(top.zip(close).map(|(t, c)| c >= t));
    if l && zone_ok("top_level") {
        push(ids::D1, top, "weekly compression cluster top", WeeklyClose, b);
    }
    if s && zone_ok("short_level_status") {
        // The nearest band top above the close (a reclaim of that band), else the cluster top.
        // (Evidence without `short_level`, e.g. an older signals.json: the nearest band top.)
        let band_top = find(results, ids::D1).filter(|r| available(r)).and_then(|r| {
            r.facts
                .bands
                .iter()
                .map(|b| b.hi)
                .filter(|hi| hi.is_finite())
                .filter(|hi| close.is_some_and(|c| *hi > c))
                .min_by(|x, y| x.total_cmp(y))
        });
        match num(ids::D1, "short_level").or(band_top) {
            Some(v) if Some(v) != top => push(
                ids::D1,
                Some(v),
                "top of the nearest weekly compression band above price",
                WeeklyClose,
                a,
            ),
            _ => push(ids::D1, top, "weekly compression cluster top", WeeklyClose, a),
        }
    }
    // 3-day consolidation zone.
    let (zlo, ztop, zc) = (num(ids::E1, "zlo"), num(ids::E1, "ztop"), num(ids::E1, "close"));
    let [l, s] = pick(ztop.zip(zc).map(|(t, c)| c >= t));
    if l {
        push(ids::E1, ztop, "3-day consolidation zone top", ThreeDayClose, b);
    }
    if s {
        match (zlo, zc) {
            (Some(lo), Some(c)) if c < lo => {
                push(ids::E1, Some(lo), "3-day consolidation zone bottom", ThreeDayClose, a)
            }
            _ => push(ids::E1, ztop, "3-day consolidation zone top", ThreeDayClose, a),
        }
    }
    // Daily swing structure: the swing low for a long, the latest swing high for a short.
    if stance != StanceKind::Short {
        // H1's `Lmid` is the lowest low between the two highs, or, while a lower high is forming,
        // the pivot low after the last high: the label says which one it is.
        let h1 = find(results, ids::H1).filter(|r| available(r));
        let lmid_date = h1.and_then(|r| r.date("Lmid_date"));
        let after_last = lmid_date.zip(h1.and_then(|r| r.date("H_last_date"))).is_some_and(|(m, h)| m > h);
        // A low after the last high is named by its date, the one fact that tells it apart
        // (issue 12: "the swing low after the last swing high" read as a riddle).
        let label = match lmid_date {
            // `after_last` implies a dated low.
            Some(d) if after_last => format!("daily swing low of {}", d.format("%Y-%m-%d")),
            _ => "daily swing low between the last two highs".to_string(),
        };
        // A lower high that later closes overturned (`overturn_date`: a close above the earlier
        // high) takes its confirming low with it: that low belongs to a pattern that no longer
        // stands, so it is no level for a long.
        if h1.and_then(|r| r.date("overturn_date")).is_none() {
            push(ids::H1, num(ids::H1, "Lmid"), &label, DailyClose, b);
        }
    }
    if stance != StanceKind::Long {
        // A later high above the last confirmed pivot (`H_new`, not yet confirmed) supersedes
        // it: a short's stop sits above the latest high, not an older, lower one.
        match num(ids::H1, "H_new") {
            Some(h) => {
                push(ids::H1, Some(h), "latest daily high, not yet a confirmed swing high", DailyClose, a)
            }
            None => push(ids::H1, num(ids::H1, "H_last"), "latest daily swing high", DailyClose, a),
        }
    }
    // OBV support line.
    // A break OBV overturned by a close above its pre-break high leaves a stale line: no level.
    let superseded = find(results, ids::H2).and_then(|r| r.tagged("status"))
        == Some(crate::signals::ObvStatus::Superseded);
    let line = num(ids::H2, "obv_line").filter(|_| !superseded);
    let obv_now = num(ids::H2, "obv");
    let [l, s] = pick(line.zip(obv_now).map(|(t, c)| c >= t));
    if l {
        push(ids::H2, line, "OBV support line", Obv, b);
    }
    if s {
        // OBV below the line: the same support line, broken; OBV back above it stops a short.
        push(ids::H2, line, "broken OBV support line", Obv, a);
    }
    out
}

/// The stance a note prints, computed the same way for the note and for every past week end of
/// the track record ([`crate::history::walk`]): [`score`], then the levels of the stance's
/// direction assessed against every close since each formed ([`assess_invalidation`]), then the
/// invalidation rule (SIGNALS.md §5, override 4):
///
/// A Long (Short) is issued only while every level listed for it holds. If any has triggered —
/// a close on its breaking side since the level formed, even if a later close came back (a hit
/// stop ends that trade) — the stance is Neutral, flag `level_invalidated`, conviction at most
/// moderate, with a typed [`Watch`] naming the broken levels and the override sentence of
/// [`watch_sentence`]. The levels are then listed and assessed as for any Neutral. The idea comes
/// back when the signal re-forms the level after the break (a new pivot, zone, reclaim or line),
/// since the level's formation date then follows the break.
///
/// Reads only `input`'s bars (point in time); OBV comes from `input.pre` when it covers the
/// daily bars (the walk), else it is computed here.
pub fn decide(results: &[SignalResult], input: &super::SignalInput) -> Stance {
    let mut st = score(results, input.params);
    let own;
    let obv: &[f64] = match input.pre.map(|p| &p.daily_obv).filter(|o| o.len() >= input.daily.len()) {
        Some(o) => &o[..input.daily.len()],
        None => {
            own = crate::indicators::obv(&input.daily.close, &input.daily.volume);
            &own
        }
    };
    let (d, w, t) = (input.daily, input.weekly, input.three_day[0]);
    assess_invalidation(&mut st.invalidation, results, d, w, t, obv);
    if st.stance == StanceKind::Neutral {
        return st;
    }
    let broken: Vec<Invalidation> = st
        .invalidation
        .iter()
        .filter(|l| l.side == st.stance && l.status == LevelStatus::Triggered)
        .cloned()
        .collect();
    let watch = if !broken.is_empty() {
        st.flags.push(StanceFlag::LevelInvalidated);
        Watch { idea: st.stance, score: st.score, broken, extended: None }
    } else {
        // Override 5: the nearest stop more than MAX_STOP_ATR ranges of its timeframe away.
        let Some(ext) = extended(&st.invalidation, st.stance, input) else {
            return st;
        };
        st.flags.push(StanceFlag::Extended);
        Watch { idea: st.stance, score: st.score, broken: Vec::new(), extended: Some(ext) }
    };
    st.reasons.push(Override::Watch(watch.clone()));
    st.stance = StanceKind::Neutral;
    if st.conviction == Conviction::High {
        st.conviction = Conviction::Moderate;
    }
    st.invalidation = levels(results, StanceKind::Neutral);
    assess_invalidation(&mut st.invalidation, results, d, w, t, obv);
    st.watch = Some(watch);
    st
}

/// ATR(14) at the last bar of `basis`'s timeframe (None for OBV, or when not finite): read from
/// `input.pre` when it covers the bars (the walk), else computed on the bars.
fn last_atr(basis: InvalidationBasis, input: &super::SignalInput) -> Option<f64> {
    let (bars, pre): (crate::data::BarsView<'_>, Option<&Vec<f64>>) = match basis {
        InvalidationBasis::WeeklyClose => (input.weekly, input.pre.map(|p| &p.weekly_atr14)),
        InvalidationBasis::ThreeDayClose => (input.three_day[0], input.pre.map(|p| &p.three_day_atr14[0])),
        InvalidationBasis::DailyClose => (input.daily, input.pre.map(|p| &p.daily_atr14)),
        InvalidationBasis::Obv => return None,
    };
    let n = bars.len();
    if n == 0 {
        return None;
    }
    let v = match pre.filter(|p| p.len() >= n) {
        Some(p) => p[n - 1],
        None => {
            let a = crate::indicators::atr(&bars.high, &bars.low, &bars.close, 14);
            a.get(n - 1).copied().unwrap_or(f64::NAN)
        }
    };
    (v.is_finite() && v > 0.0).then_some(v)
}

/// Override 5 (SIGNALS.md §5): the idea's nearest holding price level ([`headline`]) measured
/// from the last close in ATR(14) of that level's timeframe; Some when it is more than
/// [`MAX_STOP_ATR`] away. None when no price level holds or its ATR is unknown (not assessed:
/// the rule does not apply).
pub fn extended(levels: &[Invalidation], idea: StanceKind, input: &super::SignalInput) -> Option<Extended> {
    let (l, _) = headline(levels, idea)?;
    let close = l.last_close.filter(|c| c.is_finite())?;
    let atr = last_atr(l.basis, input)?;
    let atrs = (close - l.value).abs() / atr;
    if atrs <= MAX_STOP_ATR {
        return None;
    }
    let actionable_at = match l.trigger {
        Trigger::CloseAbove => l.value - MAX_STOP_ATR * atr,
        Trigger::CloseBelow => l.value + MAX_STOP_ATR * atr,
    };
    let bars = match l.basis {
        InvalidationBasis::WeeklyClose => input.weekly,
        InvalidationBasis::ThreeDayClose => input.three_day[0],
        InvalidationBasis::DailyClose | InvalidationBasis::Obv => input.daily,
    };
    let close_date = bars.date.last().copied();
    let pct = (close - l.value).abs() / close;
    let as_of_close =
        (input.daily.close.last().copied().unwrap_or(f64::NAN), input.daily.date.last().copied());
    Some(Extended { level: l.clone(), close, close_date, atr, atrs, pct, as_of_close, actionable_at })
}

/// The nearest level on `side` that still holds, with its distance from the last close as a
/// fraction of the level (positive on the protected side): the level a reader watches first.
/// OBV lines are not price levels and are left out; None when no price level on `side` holds.
pub fn headline(levels: &[Invalidation], side: StanceKind) -> Option<(&Invalidation, f64)> {
    levels
        .iter()
        .filter(|l| l.side == side && l.status == LevelStatus::Holding && l.basis != InvalidationBasis::Obv)
        .filter_map(|l| {
            let c = l.last_close.filter(|c| c.is_finite() && l.value.is_finite() && l.value != 0.0)?;
            let d = match l.trigger {
                Trigger::CloseBelow => c / l.value - 1.0,
                Trigger::CloseAbove => 1.0 - c / l.value,
            };
            Some((l, d))
        })
        .min_by(|x, y| x.1.abs().total_cmp(&y.1.abs()))
}

/// Sets each level's `status`, `triggered_on` and `last_close` from the bars the note reads:
/// weekly, 3-day (phase 0) and daily closes, and daily OBV (`obv`, one value per daily bar)
/// against its support line (the line through the OBV pivots `p1_date`, `p2_date` of
/// `risk_obv_underside_retest_fail`, as that signal draws it).
///
/// A level that [`level_formed`] dates is triggered by the first close on its breaking side
/// after it formed (every close since is checked, not only the last: a level broken and later
/// reclaimed stays triggered until its signal re-forms it); the OBV line's break is the one the
/// OBV signal dates (`t_b_date`, with its tolerance). An undated level is triggered while the
/// last close is on the breaking side, `triggered_on` being the first close of that run.
pub fn assess_invalidation(
    levels: &mut [Invalidation],
    results: &[SignalResult],
    daily: crate::data::BarsView<'_>,
    weekly: crate::data::BarsView<'_>,
    three_day: crate::data::BarsView<'_>,
    obv: &[f64],
) {
    let obv_series = &obv[..obv.len().min(daily.len())];
    let h2 = find(results, ids::H2).filter(|r| available(r));
    let idx = |d: Option<chrono::NaiveDate>| d.and_then(|d| daily.date.binary_search(&d).ok());
    let pivots = h2.map(|r| (idx(r.date("p1_date")), idx(r.date("p2_date"))));
    let obv_pts = match pivots {
        Some((Some(p1), Some(p2))) if p2 > p1 && p2 < obv_series.len() => Some((p1, p2)),
        _ => None,
    };
    for l in levels.iter_mut() {
        let is_obv = l.basis == InvalidationBasis::Obv;
        let (closes, dates): (&[f64], &[chrono::NaiveDate]) = match l.basis {
            InvalidationBasis::WeeklyClose => (&weekly.close, &weekly.date),
            InvalidationBasis::ThreeDayClose => (&three_day.close, &three_day.date),
            InvalidationBasis::Obv => (obv_series, &daily.date[..obv_series.len()]),
            InvalidationBasis::DailyClose => (&daily.close, &daily.date),
        };
        let level_at = |i: usize| match (is_obv, obv_pts) {
            (true, Some((p1, p2))) => super::risk::line_at(obv_series, p1, p2, i),
            _ => l.value,
        };
        l.last_close = if is_obv {
            h2.and_then(|r| r.num("obv")).or(closes.last().copied())
        } else {
            closes.last().copied()
        };
        l.status = LevelStatus::Holding;
        l.triggered_on = None;
        let n = closes.len();
        if n == 0 || !l.value.is_finite() {
            continue;
        }
        let broken_at = |i: usize| closes[i].is_finite() && l.trigger.broken(closes[i], level_at(i));
        let tb = h2.and_then(|r| r.date("t_b_date"));
        if let Some(f) = level_formed(l, results) {
            // The OBV signal's own break of its line (with its tolerance) after the line formed.
            let first = if is_obv && l.trigger == Trigger::CloseBelow {
                tb.filter(|b| *b > f)
            } else if is_obv && obv_pts.is_none() {
                None
            } else {
                let from = dates.partition_point(|d| *d <= f);
                (from..n).find(|&i| broken_at(i)).map(|i| dates[i])
            };
            if let Some(d) = first {
                l.status = LevelStatus::Triggered;
                l.triggered_on = Some(d);
                continue;
            }
        }
        // Undated, or dated and not broken since: the last close decides (a line that OBV is
        // below now is never holding).
        let last = l.last_close.unwrap_or(closes[n - 1]);
        let last_level = if is_obv { l.value } else { level_at(n - 1) };
        if !last.is_finite() || !l.trigger.broken(last, last_level) {
            continue;
        }
        l.status = LevelStatus::Triggered;
        // OBV below its line: the break the OBV signal dates (`t_b_date`), so both say one date.
        if is_obv && l.trigger == Trigger::CloseBelow && (obv_pts.is_none() || tb.is_some()) {
            l.triggered_on = tb;
            continue;
        }
        let mut i = n - 1;
        while i > 0 && broken_at(i - 1) {
            i -= 1;
        }
        l.triggered_on = Some(dates[i]);
    }
}

/// The date after which a level exists, from its signal's typed evidence; the level is judged
/// against every close after it ([`assess_invalidation`]). None: the level is judged by the
/// current run of closes.
///
/// - daily swing low of `risk_lower_high` (`Lmid`): the later of its date and the last swing
///   high's (`H_last_date`), where that signal looks for its breach; the latest swing high
///   (`H_last`, or the later, higher `H_new` when there is one): its date;
/// - weekly squeeze-zone top, for a long: the weekly reclaim (`reclaim_date` of
///   `wk_compression_cluster_reclaim`); for a short: the breakdown below that band
///   (`breakdown_date`), else undated (the short begins with the current run below the zone);
/// - 3-day zone top, for a long: the breakout (`breakout_date` of `d3_consolidation_hold`); for
///   a close above it: the zone's last bar (`zone_end`), so a breakout that did not hold counts;
///   the zone bottom (a short's level after a break down): the breakdown (`breakdown_date`: the
///   first 3-day close under the zone after it ended);
/// - OBV support line, for a long: its second pivot (`p2_date`); for a short: the break
///   (`t_b_date`).
pub fn level_formed(l: &Invalidation, results: &[SignalResult]) -> Option<chrono::NaiveDate> {
    let r = find(results, l.signal).filter(|r| available(r))?;
    match (l.signal, l.trigger) {
        (ids::H1, Trigger::CloseBelow) => {
            let h_last = r.date("H_last_date")?;
            Some(r.date("Lmid_date").map_or(h_last, |m| m.max(h_last)))
        }
        (ids::H1, Trigger::CloseAbove) => r.date("H_new_date").or_else(|| r.date("H_last_date")),
        (ids::D1, Trigger::CloseBelow) => r.date("reclaim_date"),
        (ids::D1, Trigger::CloseAbove) => r.date("breakdown_date"),
        (ids::E1, Trigger::CloseBelow) => r.date("breakout_date"),
        (ids::E1, Trigger::CloseAbove) => {
            let top = r.num("ztop").filter(|t| (t - l.value).abs() < 1e-9);
            let bottom = r.num("zlo").filter(|t| (t - l.value).abs() < 1e-9);
            top.and(r.date("zone_end")).or(bottom.and(r.date("breakdown_date")))
        }
        (ids::H2, Trigger::CloseBelow) => r.date("p2_date"),
        (ids::H2, Trigger::CloseAbove) => r.date("t_b_date"),
        _ => None,
    }
}

fn kind_word(k: StanceKind) -> &'static str {
    match k {
        StanceKind::Long => "Long",
        StanceKind::Short => "Short",
        StanceKind::Neutral => "Neutral",
    }
}

/// A short human label for a signal the checklist cites.
fn label(id: &str) -> &'static str {
    match id {
        // The note's names (narrative::short_name), so signals.json and the note agree.
        ids::D1 => "weekly squeeze-zone reclaim",
        ids::D2 => "weekly volume accumulation",
        ids::D3 => "weekly OBV trendline",
        ids::D4 => "weekly momentum",
        ids::E1 => "3-day zone hold",
        ids::E3 => "3-day volume trend",
        ids::E4 => "3-day momentum",
        ids::F1 => "daily level reclaim",
        ids::F4 => "daily distribution days",
        _ => "signal",
    }
}

fn state_word(s: State) -> &'static str {
    match s {
        State::Bullish => "bullish",
        State::Bearish => "bearish",
        State::Neutral => "neutral",
        State::Unavailable => "not assessed",
    }
}

fn cite(results: &[SignalResult], list: &[&'static str]) -> String {
    list.iter()
        .map(|id| format!("{} {}", label(id), state_word(state_of(results, id))))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One rule for every checklist line: ✓ when every cited signal supports the stance's
/// direction, ◐ when some do, ✗ when some were assessed and none supports; – (not assessed)
/// only when none could be assessed. A part that was read and failed is a failure even beside
/// unread parts (review 17: "–" for "…: not assessed; rising 3-day volume on up bars: not met"
/// hid a failed test and flattered the long; the line's text names the unread parts). Neutral
/// and not-assessed signals do not support either way (so a line with a signal not assessed is
/// at best ◐).
fn tick_of(supportive: usize, assessed: usize, total: usize) -> Tick {
    match supportive {
        0 if assessed == 0 && total > 0 => Tick::NotAssessed,
        0 => Tick::Fail,
        k if k >= total => Tick::Pass,
        _ => Tick::Partial,
    }
}

/// Builds the Overall Structure checklist from the signals (SIGNALS.md §6). It is a view over the
/// same signals and does not enter the score. Each line is ticked by [`tick_of`] on the count of
/// its signals that are bullish (the weekly momentum flip only after a contraction of 8+ weeks).
pub fn checklist(results: &[SignalResult]) -> Checklist {
    lines(results, StanceKind::Long)
}

fn lines(results: &[SignalResult], kind: StanceKind) -> Checklist {
    let want = if kind == StanceKind::Short { State::Bearish } else { State::Bullish };
    let supports = |id: &str| {
        state_of(results, id) == want
            && (want == State::Bearish
                || id != ids::D4
                || find(results, ids::D4).and_then(|r| r.num("contraction_len")).is_none_or(|c| c >= 8.0))
    };
    let short = kind == StanceKind::Short;
    let titles: [(&str, &str); 4] = [
        ("Reclaims across all higher timeframes", "Breakdowns across the higher timeframes"),
        ("Expanding momentum after long contraction", "Momentum expanding downward"),
        ("Persistent accumulation on volume", "Distribution on volume"),
        ("At most two distribution days on the daily", "Distribution on the daily"),
    ];
    // The distribution item's detail (narrative) reads the one count F4 computed (`active`), so
    // the checklist and the Daily section cannot disagree.
    let lists: [&[&'static str]; 4] =
        [&[ids::D1, ids::E1, ids::F1], &[ids::D4, ids::E4], &[ids::D2, ids::D3, ids::E3], &[ids::F4]];
    let items = titles
        .iter()
        .zip(lists)
        .map(|((long_t, short_t), list)| {
            // F4 is "no distribution" when bullish: for a Short the distribution line is
            // supported by F4 bearish, which `want` already expresses.
            let k = list.iter().filter(|id| supports(id)).count();
            let assessed = list.iter().filter(|id| state_of(results, id) != State::Unavailable).count();
            let t = if short { short_t } else { long_t };
            item(t, tick_of(k, assessed, list.len()), list, results)
        })
        .collect();
    Checklist { short, ..finish_checklist(items) }
}

fn finish_checklist(items: Vec<ChecklistItem>) -> Checklist {
    let mut c = Checklist { header: String::new(), n_pass: 0, items, short: false };
    c.n_pass = c.counts().pass;
    c
}

/// The checklist read for the stance's direction: for a Short, the mirror of [`checklist`]
/// (breakdowns across the higher timeframes, momentum expanding downward, distribution on
/// volume, distribution days on the daily), ticked by the same rule on bearish states; for a
/// Long or Neutral, [`checklist`].
pub fn checklist_for(results: &[SignalResult], kind: StanceKind) -> Checklist {
    lines(results, kind)
}

fn item(title: &str, tick: Tick, list: &[&'static str], results: &[SignalResult]) -> ChecklistItem {
    let mut detail = capitalise_first(&cite(results, list));
    detail.push('.');
    ChecklistItem { title: title.into(), tick, signals: list.to_vec(), detail }
}

fn capitalise_first(s: &str) -> String {
    super::capitalise(s)
}

impl Tick {
    /// ✓, ◐, ✗ or – (not assessed).
    pub fn symbol(self) -> &'static str {
        match self {
            Tick::Pass => "✓",
            Tick::Partial => "◐",
            Tick::Fail => "✗",
            Tick::NotAssessed => "–",
        }
    }
}

impl StanceKind {
    /// "Long", "Short" or "Neutral".
    pub fn word(self) -> &'static str {
        kind_word(self)
    }
}

#[cfg(test)]
mod record_tests {
    use super::*;

    #[test]
    fn a_line_failing_only_on_its_assessed_parts_is_not_assessed() {
        assert_eq!(tick_of(0, 1, 3), Tick::Fail);
        assert_eq!(tick_of(0, 0, 3), Tick::NotAssessed);
        assert_eq!(tick_of(0, 3, 3), Tick::Fail);
        assert_eq!(tick_of(1, 2, 3), Tick::Partial);
        assert_eq!(tick_of(3, 3, 3), Tick::Pass);
    }

    #[test]
    fn a_short_record_is_untested_unless_already_decided() {
        let j =
            |cases, went| RecordCheck::judge(StanceKind::Short, (cases, went), (100, 40), None, 13).verdict;
        // Seven earlier shorts, none right: even an eighth right one is 1 of 8, under half.
        assert_eq!(j(7, 0), RecordVerdict::Vetoed);
        assert_eq!(j(5, 0), RecordVerdict::Vetoed);
        // Six with three right could still reach half: untested.
        assert_eq!(j(6, 3), RecordVerdict::TooFew);
        assert_eq!(j(0, 0), RecordVerdict::TooFew);
        assert_eq!(j(4, 0), RecordVerdict::TooFew);
        // Judged once there are enough.
        assert_eq!(j(8, 4), RecordVerdict::Passed);
        assert_eq!(j(8, 3), RecordVerdict::Vetoed);
    }
}
