//! The branch of a signal's rule that fired (SIGNALS.md §4): which outcome decided the state,
//! typed, so that readers (the narrative's sentence, tests) match on it instead of on prose;
//! and the typed [`Flag`]s a signal raises.
//!
//! One variant per outcome, prefixed by the signal's code (D1 … H2); the data a variant carries
//! is a choice the rule made that the evidence alone does not show. Not serialized: signals.json
//! shows the state, flags and evidence, and the sentence the narrative writes from the branch.

/// Which of D1's "after N weeks below" readings applies (the run before the reclaim).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum D1Below {
    /// Every close in the data before the reclaim was at or below the top.
    DataStart,
    /// All 26 weeks of the window were below: the measured, uncapped run (`weeks_below`).
    Run,
    /// Counted within the 26-week window (`prior_below`).
    InWindow,
}

/// Why E1's hold of the zone top is not firm although every close held it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum E1NotFirm {
    /// A low undercut the top by more than 0.5 ATR.
    Undercut,
    /// The close leads the top by less than 0.5 ATR.
    ShortLead,
}

/// Which window F2 searched for its heaviest day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum F2Span {
    /// The recent impulsive leg (up or down).
    RecentLeg,
    /// The last 20 sessions (no impulsive leg).
    Last20,
}

/// The branch of a signal's rule that fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Branch {
    /// Not set: the signal is unavailable (see its reason), or it was built outside the signal
    /// families (a fixture that carries its own sentence).
    #[default]
    None,

    // D1 wk_compression_cluster_reclaim
    /// No compression episode in the last three years.
    D1NoCompression,
    /// Bullish reclaim of the cluster top (`single`: the cluster is one band).
    D1Reclaim {
        /// The cluster is one band (flag `single_band`).
        single: bool,
        /// Which "weeks below" reading applies.
        below: D1Below,
    },
    /// Bearish: closed below the whole cluster.
    D1BelowCluster,
    /// Bearish: fell back more than 0.5 ATR below the top after a reclaim.
    D1FellBack,
    /// Neutral: above the top with no reclaim in 26 weeks.
    D1AboveNoRecentReclaim,
    /// Neutral: inside or below the top with no reclaim in 26 weeks.
    D1NoReclaim,
    /// Neutral: above the top since a reclaim that the strong closes do not confirm yet.
    D1Unconfirmed {
        /// Which "weeks below" reading applies.
        below: D1Below,
    },
    /// Neutral: back inside the cluster after a reclaim.
    D1InsideAfterReclaim,

    // D2 wk_volume_accumulation
    /// Bullish: OBV and up-week volume show accumulation.
    D2Accumulation,
    /// Bearish: net distribution.
    D2Distribution,
    /// Neutral: mixed.
    D2Mixed,

    // D3 wk_volume_trendline_support
    /// Neutral: fewer than two pullbacks.
    D3TooFewPullbacks,
    /// Neutral: the last pullback made a lower OBV low with a lower price low, the record mixed.
    D3BrokeLower,
    /// Neutral: the trendline does not rise, but the OBV lows are not falling at every pullback.
    D3NotRising,
    /// Bearish: a falling trendline with a lower OBV low at every pullback (one exception in
    /// five or more, strength × 0.6, flag `one_breach`): the mirror of `D3AllHeld`.
    D3LowerLows,
    /// Bullish: every pullback held.
    D3AllHeld,
    /// Bullish (tempered): one breach in five or more pullbacks.
    D3OneBreach,
    /// Neutral: rising line, too many breaches.
    D3SomeHeld,
    /// Bearish: a rising line the pullbacks held (the `D3AllHeld`/`D3OneBreach` record) that
    /// OBV closed under by more than the noise (the RMS residual of the fit, at least one week
    /// of average volume) and has not closed back on since.
    D3LineBroken,
    /// Neutral: the pullbacks held a rising line, but OBV is under it at the as-of week, by no
    /// more than the noise in every close since it went under.
    D3UnderLine,
    /// Neutral: OBV broke under the line, then closed above its highest close from the anchor to
    /// the break; the break no longer counts.
    D3BreakSuperseded,

    // D4 wk_momentum_wave_flip
    /// Bullish: a fresh flip out of a long contraction.
    D4Flip,
    /// Bearish: two or more waves expanding downward.
    D4ExpandingDown,
    /// Neutral: expanding, but the flip is more than 12 weeks old.
    D4FlipTooOld,
    /// Neutral: expanding after a short contraction.
    D4ShortContraction,
    /// Neutral: no broad expansion.
    D4NoExpansion,

    // E1 d3_consolidation_hold
    /// Neutral: no tight zone in the last 30 bars.
    E1NoZone,
    /// Bearish: broke down out of a zone with no breakout.
    E1BrokeDown,
    /// Neutral: inside the zone, no close above the top.
    E1Inside,
    /// Bullish: every close since the breakout held the top.
    E1Holding,
    /// Bearish: slipped back below the top after a breakout.
    E1SlippedBack,
    /// Neutral: every close held, but the hold is not firm.
    E1NotFirm(E1NotFirm),
    /// Neutral: near the top, not every close held.
    E1NotHolding,

    // E2 d3_higher_dip_absorption
    /// Neutral: fewer than two confirmed dips.
    E2TooFewDips,
    /// Bullish: higher dip lows, bought back (`all`: every one of them).
    E2Absorbed {
        /// Every dip was bought back within 4 bars.
        all: bool,
    },
    /// Bearish: the latest dip undercut the prior one.
    E2Undercut,
    /// Neutral: mixed.
    E2Mixed,

    // E3 d3_volume_trend
    /// Bullish: rising volume on up bars.
    E3Up,
    /// Bearish: rising volume on down bars.
    E3Down,
    /// Neutral: volume rising, not on up bars.
    E3RisingNotUp,
    /// Neutral: volume falling.
    E3Falling,
    /// Neutral: volume flat.
    E3Flat,

    // E4 d3_momentum_mirror
    /// Bullish: faded trough, expanding, the weekly flipped (mirror).
    E4Mirror,
    /// Bullish (tempered): as E4Mirror without the weekly flip.
    E4NoMirror,
    /// Bearish: expanding downward.
    E4Down,
    /// Neutral: rising without a faded wave before it.
    E4RisingNoFade,
    /// Neutral: positive, not expanding.
    E4PositiveFlat,
    /// Neutral: below zero, not expanding.
    E4NotExpanding,

    // F1 d1_stacked_level_reclaim
    /// Bullish: an impulsive up-leg reclaimed stacked levels and holds them.
    F1Reclaim,
    /// Bearish: an impulsive down-leg lost stacked levels and stays below them.
    F1Lost,
    /// Neutral: an impulsive leg that does not make a multi-level reclaim.
    F1NoReclaim,
    /// Neutral: the latest up-leg is not impulsive (flag `not_impulsive`).
    F1NotImpulsive,

    // F2 d1_volume_thrust
    /// Bullish: a top-5 annual volume day on an up day closing in its upper half.
    F2Thrust,
    /// Bearish: the heaviest day came on a down day closing low.
    F2DownDay(F2Span),
    /// Neutral: a top-5 day that did not close strongly enough.
    F2WeakClose(F2Span),
    /// Neutral: no top-5 annual volume day in the window.
    F2NoTopDay(F2Span),

    // F3 d1_shallow_pullbacks
    /// Neutral: the latest dip had no advance before it (flag `no_prior_advance`).
    F3Decline,
    /// Bearish: the latest pullback retraced more than 61.8% or went deeper than 3 ATR.
    F3Deep,
    /// Bullish: no material pullback (flag `no_material_pullback`).
    F3NoPullback,
    /// Bullish: shallow pullbacks, bought.
    F3Shallow,
    /// Neutral: mixed.
    F3Mixed,

    // F4 d1_no_distribution
    /// Bearish: distribution days or a high-volume reversal in the last 5 sessions (`reversal`).
    F4Selling {
        /// A high-volume reversal in the last 5 sessions.
        reversal: bool,
    },
    /// Bullish: at most two distribution days and no high-volume reversal in 10 sessions.
    F4Clean,
    /// Neutral: distribution to watch (`reversal`: a high-volume reversal in 10 sessions).
    F4Watch {
        /// A high-volume reversal in the last 10 sessions.
        reversal: bool,
    },

    // A1 rs_small_cap_lag_ending
    /// Bullish: the lag is ending.
    A1LagEnding,
    /// Bearish: still losing ground.
    A1StillLosing,
    /// Neutral: no lag to end (flag `no_lag`).
    A1NoLag,
    /// Neutral: not turning decisively.
    A1NotTurning,

    // A2 rs_cap_ladder_rotation
    /// Bullish: capital moving down the cap ladder.
    A2DownLadder,
    /// Bearish: moving up the ladder.
    A2UpLadder,
    /// Neutral: no clear rotation.
    A2NoRotation,

    // G1 rs_large_cap_wave_complete
    /// Bullish: the benchmark's wave is done, the instrument's young (`ended`: the benchmark's
    /// histogram has turned negative).
    G1Handoff {
        /// The benchmark's wave has ended (histogram negative).
        ended: bool,
    },
    /// Bearish, the mirror of the handoff: the instrument's wave is done, the benchmark's young
    /// and expanding, the ratio in the top 40% of 5 years (`negative`: the instrument's histogram
    /// is below zero).
    G1Fading {
        /// The instrument's histogram is below zero.
        negative: bool,
    },
    /// Neutral: the handoff is incomplete.
    G1Incomplete,

    // B1 macro_rate_cuts_priced
    /// Neutral: the monthly policy rate is too stale to read the spread (flag `policy_rate_stale`).
    B1Stale,
    /// Bullish: the 2-year prices rate cuts.
    B1Cuts,
    /// Bearish: the 2-year prices no cuts (spread ≥ 0.25 pp) or is pricing them out.
    B1Hikes,
    /// Neutral: rate expectations roughly flat.
    B1Flat,
    /// Bullish or bearish: the 2-year yield moved [`crate::signals::macro_::B1_SHARP_PP`] or more
    /// in four weeks (20 readings): the market is repricing the policy path now, whatever the
    /// (possibly stale) monthly policy rate says.
    B1SharpMove,

    // B2 macro_inflation_cooling
    /// Bullish: inflation cooling.
    B2Cooling,
    /// Bearish: core inflation re-accelerating.
    B2Reaccelerating,
    /// Neutral: not clearly cooling.
    B2NotCooling,

    // B3 macro_growth_stabilising
    /// Bullish: unemployment has turned down after a rise.
    B3Stabilising,
    /// Bearish: the Sahm rule has triggered.
    B3SahmTriggered,
    /// Neutral: the Sahm gap is drifting toward the trigger.
    B3Drifting,
    /// Neutral: unemployment turned, but industrial production is falling.
    B3IndproWeak,
    /// Neutral: steady unemployment, no recent rise (flag `no_recent_rise`).
    B3Steady,

    // B4 macro_financing_costs_falling
    /// Bullish: HY spreads and the 2-year falling.
    B4Falling,
    /// Bearish: financing tightening.
    B4Tightening,
    /// Neutral: broadly unchanged.
    B4Unchanged,

    // B5 macro_foreign_flows
    /// Bullish: net foreign buying at or above its 2-year norm.
    B5Strong,
    /// Bearish: net foreign selling.
    B5Selling,
    /// Neutral: positive but below the norm.
    B5BelowNorm,

    // C1 fund_small_cap_earnings_turn
    /// Bullish: a fresh turn up in estimates (flag `fresh_turn`).
    C1FreshTurn,
    /// Bullish (tempered): still rising, at a 26-week high (flag `continuation`).
    C1Continuation,
    /// Bearish: estimates still being cut.
    C1Cut,
    /// Neutral: flat.
    C1Flat,

    // C2 fund_revenue_revisions_stable
    /// Bullish: revenue estimates stabilised.
    C2Stable,
    /// Bearish: falling, and faster.
    C2Falling,
    /// Neutral: mixed.
    C2Mixed,

    // C3 fund_cost_pressure_easing
    /// Bullish: producer prices (and wages) easing.
    C3Easing,
    /// Bearish: producer prices rising.
    C3Rising,
    /// Neutral: steady.
    C3Steady,

    // H1 risk_lower_high
    /// Neutral: fewer than two swing highs.
    H1TooFewPivots,
    /// Bearish: a confirmed daily lower high and/or a weekly one.
    H1LowerHigh {
        /// Daily lower high confirmed.
        daily: bool,
        /// Weekly lower high.
        weekly: bool,
    },
    /// Neutral: a lower high overturned (`after_breach`: it had been confirmed first).
    H1Overturned {
        /// It was confirmed by a close under the midpoint before the overturn.
        after_breach: bool,
    },
    /// Bullish: a higher high, no breach.
    H1HigherHigh,
    /// Neutral: a higher high since breached.
    H1HigherHighBreached,
    /// Neutral: an unconfirmed lower high.
    H1Unconfirmed,
    /// Neutral: a potential lower high with a close below the midpoint.
    H1PotentialBreached,
    /// Neutral: a potential lower high.
    H1Potential,
    /// Neutral: level highs, breached.
    H1LevelBreached,
    /// Neutral: level highs.
    H1Level,

    // H2 risk_obv_underside_retest_fail
    /// Neutral: OBV just under an intact line.
    H2AtLine,
    /// Neutral: a bearish break overturned.
    H2Overturned,
    /// Neutral: falling pivot lows, no line.
    H2FallingLows,
    /// Bullish: above the support line.
    H2Intact,
    /// Bullish: reclaimed after a retest.
    H2Reclaimed,
    /// Bearish: failed retest.
    H2Failed,
    /// Bearish (weaker): no retest within 20 sessions.
    H2NoRetest,
    /// Neutral: retest in progress.
    H2Retest,
    /// Neutral: broken, awaiting a retest.
    H2Broken,
    /// Neutral: the break expired.
    H2Expired,
    /// Neutral: after the break OBV closed above its pre-break high; the break no longer counts.
    H2Superseded,
    /// Neutral: no line.
    H2NoLine,
}

/// A flag a signal raises beside its state (SIGNALS.md §4): a typed name, serialized as the
/// string signals.json has always shown (`single_band`, `potential_LH`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Flag {
    /// `no_compression_found`: D1: no compression episode in three years.
    NoCompressionFound,
    /// `single_band`: D1: the cluster is one band (strength × 0.7).
    SingleBand,
    /// `anchor_auto`: D2: the anchor low was chosen automatically (no `anchor_year` week).
    AnchorAuto,
    /// `re_anchored`: D2/D3: a later weekly low undercut the anchor; it moved there.
    ReAnchored,
    /// `too_few_pullbacks`: D3: fewer than two pullbacks.
    TooFewPullbacks,
    /// `one_breach`: D3: one exception in five or more pullbacks (strength × 0.6): one breach of a rising line, or one higher low on a falling one.
    OneBreach,
    /// `mature_expansion`: D4: the flip is 9–12 weeks old (strength × 0.6).
    MatureExpansion,
    /// `no_zone`: E1: no tight 3-day zone.
    NoZone,
    /// `no_breakout`: E1: no close above the zone top.
    NoBreakout,
    /// `provisional_dip`: E2: the latest dip is not yet confirmed.
    ProvisionalDip,
    /// `too_few_dips`: E2: fewer than two confirmed dips.
    TooFewDips,
    /// `event_sensitive`: E3: the state changes without the event bars (strength × 0.7).
    EventSensitive,
    /// `no_mirror`: E4: the weekly has not flipped (strength × 0.6).
    NoMirror,
    /// `not_impulsive`: F1: the leg is not impulsive.
    NotImpulsive,
    /// `event_day`: F2: the thrust day is an event day.
    EventDay,
    /// `no_bigger_day_found`: F2: no bigger volume day in the window.
    NoBiggerDayFound,
    /// `open_pullback`: F3: the latest pullback is still open.
    OpenPullback,
    /// `no_prior_advance`: F3: no advance before the pullbacks.
    NoPriorAdvance,
    /// `no_material_pullback`: F3: no pullback deep enough to measure.
    NoMaterialPullback,
    /// `no_lag`: A1: no lag of more than 5% over two years.
    NoLag,
    /// `spy_divergence`: G1: the benchmark divergence reading (evidence `spy_divergence`) is yes.
    SpyDivergence,
    /// `too_few_pivots`: H1: fewer than two swing highs.
    TooFewPivots,
    /// `confirmed`: H1: a daily lower high confirmed by a close under the midpoint.
    Confirmed,
    /// `potential_LH`: H1: a potential lower high is forming.
    PotentialLowerHigh,
    /// `weekly_LH`: H1: the weekly chart shows a lower high.
    WeeklyLowerHigh,
    /// `overturned`: H1/H2: a bearish reading overturned by later closes.
    Overturned,
    /// `higher_high_breached`: H1: a higher high since breached.
    HigherHighBreached,
    /// `at_line`: H2: OBV just under an intact support line.
    AtLine,
    /// `retest_in_progress`: H2: a retest of broken support is under way.
    RetestInProgress,
    /// `broken_awaiting_retest`: H2: support broken, no retest yet.
    BrokenAwaitingRetest,
    /// `no_support_line`: H2: no pair of pivot lows to draw a line from.
    NoSupportLine,
    /// `policy_rate_monthly`: B1: the policy rate is a monthly average.
    PolicyRateMonthly,
    /// `policy_rate_stale`: B1: the policy rate series is stale.
    PolicyRateStale,
    /// `headline_missing`: B2: the headline series is missing.
    HeadlineMissing,
    /// `core_headline_disagree`: B2: core and headline move apart, so neither cooling nor
    /// re-accelerating is read.
    CoreHeadlineDisagree,
    /// `no_recent_rise`: B3: unemployment is steady with no recent rise to recover from.
    NoRecentRise,
    /// `indpro_missing`: B3: industrial production is missing.
    IndproMissing,
    /// `missing_months`: B3: months missing in the window.
    MissingMonths,
    /// `fresh_turn`: C1: a fresh turn in estimates.
    FreshTurn,
    /// `continuation`: C1: a continuation of the trend in estimates.
    Continuation,
    /// `ahe_missing`: C3: average hourly earnings are missing.
    AheMissing,
}

impl Flag {
    /// The flag's name in signals.json.
    pub fn as_str(self) -> &'static str {
        match self {
            Flag::NoCompressionFound => "no_compression_found",
            Flag::SingleBand => "single_band",
            Flag::AnchorAuto => "anchor_auto",
            Flag::ReAnchored => "re_anchored",
            Flag::TooFewPullbacks => "too_few_pullbacks",
            Flag::OneBreach => "one_breach",
            Flag::MatureExpansion => "mature_expansion",
            Flag::NoZone => "no_zone",
            Flag::NoBreakout => "no_breakout",
            Flag::ProvisionalDip => "provisional_dip",
            Flag::TooFewDips => "too_few_dips",
            Flag::EventSensitive => "event_sensitive",
            Flag::NoMirror => "no_mirror",
            Flag::NotImpulsive => "not_impulsive",
            Flag::EventDay => "event_day",
            Flag::NoBiggerDayFound => "no_bigger_day_found",
            Flag::OpenPullback => "open_pullback",
            Flag::NoPriorAdvance => "no_prior_advance",
            Flag::NoMaterialPullback => "no_material_pullback",
            Flag::NoLag => "no_lag",
            Flag::SpyDivergence => "spy_divergence",
            Flag::TooFewPivots => "too_few_pivots",
            Flag::Confirmed => "confirmed",
            Flag::PotentialLowerHigh => "potential_LH",
            Flag::WeeklyLowerHigh => "weekly_LH",
            Flag::Overturned => "overturned",
            Flag::HigherHighBreached => "higher_high_breached",
            Flag::AtLine => "at_line",
            Flag::RetestInProgress => "retest_in_progress",
            Flag::BrokenAwaitingRetest => "broken_awaiting_retest",
            Flag::NoSupportLine => "no_support_line",
            Flag::PolicyRateMonthly => "policy_rate_monthly",
            Flag::PolicyRateStale => "policy_rate_stale",
            Flag::HeadlineMissing => "headline_missing",
            Flag::CoreHeadlineDisagree => "core_headline_disagree",
            Flag::NoRecentRise => "no_recent_rise",
            Flag::IndproMissing => "indpro_missing",
            Flag::MissingMonths => "missing_months",
            Flag::FreshTurn => "fresh_turn",
            Flag::Continuation => "continuation",
            Flag::AheMissing => "ahe_missing",
        }
    }
}

impl serde::Serialize for Flag {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl std::fmt::Display for Flag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
