//! The signal catalogue: the 25 signal ids of SIGNALS.md §4 as one enum, and one [`Spec`] per
//! signal (family, scoring group, report section, timeframe, polarity, history needed).
//!
//! Every list of signals (the report order, the stance groups and the ids it reads, the base-rate
//! families, the chart's marks) reads this module, so a mistyped id is a compile error rather
//! than a signal silently "not computed". The string ids ([`SignalId::as_str`]) are the ones
//! written to `signals.json` and must never change.

use crate::resample::Timeframe;
use serde::{Serialize, Serializer};

/// One of the 25 signals, in report order (SIGNALS.md §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SignalId {
    /// A1 `rs_small_cap_lag_ending`.
    RsSmallCapLagEnding,
    /// A2 `rs_cap_ladder_rotation`.
    RsCapLadderRotation,
    /// G1 `rs_large_cap_wave_complete`.
    RsLargeCapWaveComplete,
    /// B1 `macro_rate_cut_expectations`.
    MacroRateCutExpectations,
    /// B2 `macro_inflation_cooling`.
    MacroInflationCooling,
    /// B3 `macro_growth_stabilising`.
    MacroGrowthStabilising,
    /// B4 `macro_financing_costs_falling`.
    MacroFinancingCostsFalling,
    /// B5 `macro_foreign_flows`.
    MacroForeignFlows,
    /// C1 `fund_small_cap_earnings_turn`.
    FundSmallCapEarningsTurn,
    /// C2 `fund_revenue_revisions_stable`.
    FundRevenueRevisionsStable,
    /// C3 `fund_cost_pressure_easing`.
    FundCostPressureEasing,
    /// D1 `wk_compression_cluster_reclaim`.
    WkCompressionClusterReclaim,
    /// D2 `wk_volume_accumulation`.
    WkVolumeAccumulation,
    /// D3 `wk_volume_trendline_support`.
    WkVolumeTrendlineSupport,
    /// D4 `wk_momentum_wave_flip`.
    WkMomentumWaveFlip,
    /// E1 `d3_consolidation_hold`.
    D3ConsolidationHold,
    /// E2 `d3_higher_dip_absorption`.
    D3HigherDipAbsorption,
    /// E3 `d3_volume_trend`.
    D3VolumeTrend,
    /// E4 `d3_momentum_mirror`.
    D3MomentumMirror,
    /// F1 `d1_stacked_level_reclaim`.
    D1StackedLevelReclaim,
    /// F2 `d1_volume_thrust`.
    D1VolumeThrust,
    /// F3 `d1_shallow_pullbacks`.
    D1ShallowPullbacks,
    /// F4 `d1_no_distribution`.
    D1NoDistribution,
    /// H1 `risk_lower_high`.
    RiskLowerHigh,
    /// H2 `risk_obv_underside_retest_fail`.
    RiskObvUndersideRetestFail,
}

/// Every signal, in report order.
pub const ALL: [SignalId; 25] = [
    SignalId::RsSmallCapLagEnding,
    SignalId::RsCapLadderRotation,
    SignalId::RsLargeCapWaveComplete,
    SignalId::MacroRateCutExpectations,
    SignalId::MacroInflationCooling,
    SignalId::MacroGrowthStabilising,
    SignalId::MacroFinancingCostsFalling,
    SignalId::MacroForeignFlows,
    SignalId::FundSmallCapEarningsTurn,
    SignalId::FundRevenueRevisionsStable,
    SignalId::FundCostPressureEasing,
    SignalId::WkCompressionClusterReclaim,
    SignalId::WkVolumeAccumulation,
    SignalId::WkVolumeTrendlineSupport,
    SignalId::WkMomentumWaveFlip,
    SignalId::D3ConsolidationHold,
    SignalId::D3HigherDipAbsorption,
    SignalId::D3VolumeTrend,
    SignalId::D3MomentumMirror,
    SignalId::D1StackedLevelReclaim,
    SignalId::D1VolumeThrust,
    SignalId::D1ShallowPullbacks,
    SignalId::D1NoDistribution,
    SignalId::RiskLowerHigh,
    SignalId::RiskObvUndersideRetestFail,
];

impl SignalId {
    /// The stable string id, as in `signals.json` (e.g. `wk_compression_cluster_reclaim`).
    pub const fn as_str(self) -> &'static str {
        match self {
            SignalId::RsSmallCapLagEnding => "rs_small_cap_lag_ending",
            SignalId::RsCapLadderRotation => "rs_cap_ladder_rotation",
            SignalId::RsLargeCapWaveComplete => "rs_large_cap_wave_complete",
            SignalId::MacroRateCutExpectations => "macro_rate_cut_expectations",
            SignalId::MacroInflationCooling => "macro_inflation_cooling",
            SignalId::MacroGrowthStabilising => "macro_growth_stabilising",
            SignalId::MacroFinancingCostsFalling => "macro_financing_costs_falling",
            SignalId::MacroForeignFlows => "macro_foreign_flows",
            SignalId::FundSmallCapEarningsTurn => "fund_small_cap_earnings_turn",
            SignalId::FundRevenueRevisionsStable => "fund_revenue_revisions_stable",
            SignalId::FundCostPressureEasing => "fund_cost_pressure_easing",
            SignalId::WkCompressionClusterReclaim => "wk_compression_cluster_reclaim",
            SignalId::WkVolumeAccumulation => "wk_volume_accumulation",
            SignalId::WkVolumeTrendlineSupport => "wk_volume_trendline_support",
            SignalId::WkMomentumWaveFlip => "wk_momentum_wave_flip",
            SignalId::D3ConsolidationHold => "d3_consolidation_hold",
            SignalId::D3HigherDipAbsorption => "d3_higher_dip_absorption",
            SignalId::D3VolumeTrend => "d3_volume_trend",
            SignalId::D3MomentumMirror => "d3_momentum_mirror",
            SignalId::D1StackedLevelReclaim => "d1_stacked_level_reclaim",
            SignalId::D1VolumeThrust => "d1_volume_thrust",
            SignalId::D1ShallowPullbacks => "d1_shallow_pullbacks",
            SignalId::D1NoDistribution => "d1_no_distribution",
            SignalId::RiskLowerHigh => "risk_lower_high",
            SignalId::RiskObvUndersideRetestFail => "risk_obv_underside_retest_fail",
        }
    }

    /// The id whose string is `s`; None for an id this version does not know.
    pub fn parse(s: &str) -> Option<SignalId> {
        ALL.iter().copied().find(|id| id.as_str() == s)
    }

    /// This signal's [`Spec`].
    pub const fn spec(self) -> &'static Spec {
        &SPECS[self as usize]
    }
}

impl std::fmt::Display for SignalId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for SignalId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for SignalId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        SignalId::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("unknown signal id `{s}`")))
    }
}

/// The signal families of `crate::signals`, each evaluated by its own module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// `signals::relative` (A1, A2, G1).
    Relative,
    /// `signals::macro_` (B1–B5, C1–C3).
    Macro,
    /// `signals::weekly` (D1–D4).
    Weekly,
    /// `signals::three_day` (E1–E4).
    ThreeDay,
    /// `signals::daily` (F1–F4).
    Daily,
    /// `signals::risk` (H1, H2).
    Risk,
}

impl Family {
    /// The family of a scoring group (SIGNALS.md §5).
    pub(crate) fn of(group: &str) -> Option<Family> {
        Some(match Group::parse(group)? {
            Group::ThesisRs => Family::Relative,
            Group::Macro | Group::Fundamentals => Family::Macro,
            Group::Weekly => Family::Weekly,
            Group::ThreeDay => Family::ThreeDay,
            Group::Daily => Family::Daily,
            Group::Risk => Family::Risk,
        })
    }

    /// Evaluates this family's signals on `input`.
    pub fn evaluate(self, input: &super::SignalInput) -> Vec<super::SignalResult> {
        match self {
            Family::Relative => super::relative::evaluate(input),
            Family::Macro => super::macro_::evaluate(input),
            Family::Weekly => super::weekly::evaluate(input),
            Family::ThreeDay => super::three_day::evaluate(input),
            Family::Daily => super::daily::evaluate(input),
            Family::Risk => super::risk::evaluate(input),
        }
    }

    /// Whether the family reads the daily bars (3-day, daily and risk signals).
    pub(crate) fn needs_daily(self) -> bool {
        matches!(self, Family::ThreeDay | Family::Daily | Family::Risk)
    }
}

/// A scoring group (SIGNALS.md §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// `thesis_rs`: relative strength (A1, A2, G1).
    ThesisRs,
    /// `macro` (B1–B5).
    Macro,
    /// `fundamentals` (C1–C3).
    Fundamentals,
    /// `weekly` (D1–D4).
    Weekly,
    /// `three_day` (E1–E4).
    ThreeDay,
    /// `daily` (F1–F4).
    Daily,
    /// `risk` (H1, H2).
    Risk,
}

/// The scoring groups in print order.
pub const GROUP_ORDER: [Group; 7] = [
    Group::ThesisRs,
    Group::Macro,
    Group::Fundamentals,
    Group::Weekly,
    Group::ThreeDay,
    Group::Daily,
    Group::Risk,
];

impl Group {
    /// The group's name in `signals.json` (e.g. `thesis_rs`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Group::ThesisRs => "thesis_rs",
            Group::Macro => "macro",
            Group::Fundamentals => "fundamentals",
            Group::Weekly => "weekly",
            Group::ThreeDay => "three_day",
            Group::Daily => "daily",
            Group::Risk => "risk",
        }
    }

    /// The group named `s`.
    pub fn parse(s: &str) -> Option<Group> {
        GROUP_ORDER.iter().copied().find(|g| g.as_str() == s)
    }

    /// The group's weight in the score (SIGNALS.md §5; the weights add up to 1).
    pub const fn weight(self) -> f64 {
        match self {
            Group::ThesisRs => 0.15,
            Group::Macro => 0.15,
            Group::Fundamentals => 0.10,
            Group::Weekly => 0.25,
            Group::ThreeDay => 0.12,
            Group::Daily => 0.15,
            Group::Risk => 0.08,
        }
    }

    /// The number of signals in the group, counted from the catalogue.
    pub const fn size(self) -> usize {
        let mut n = 0;
        let mut i = 0;
        while i < SPECS.len() {
            if SPECS[i].group as usize == self as usize {
                n += 1;
            }
            i += 1;
        }
        n
    }

    /// The report section its signals are listed under: `thesis`, `macro`, `weekly`,
    /// `three_day`, `daily` or `risk`.
    pub const fn section(self) -> &'static str {
        match self {
            Group::ThesisRs => "thesis",
            Group::Macro | Group::Fundamentals => "macro",
            Group::Weekly => "weekly",
            Group::ThreeDay => "three_day",
            Group::Daily => "daily",
            Group::Risk => "risk",
        }
    }
}

/// Which way a signal reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Polarity {
    /// Bullish supports the long thesis.
    Normal,
    /// A risk: bearish means the risk is active (H1, H2).
    Risk,
}

/// One signal's fixed facts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spec {
    /// The id.
    pub id: SignalId,
    /// Its letter code in SIGNALS.md (e.g. `D1`).
    pub code: &'static str,
    /// The module that evaluates it.
    pub family: Family,
    /// Its scoring group.
    pub group: Group,
    /// The timeframe it is computed on.
    pub timeframe: Timeframe,
    /// Normal or risk.
    pub polarity: Polarity,
    /// The fewest bars (or observations) of `timeframe` it needs before it is assessed, as the
    /// family module checks it (D2/D3: weeks after the anchor).
    pub min_bars: usize,
}

impl Spec {
    /// [`Spec::min_bars`] in weeks (rounded up; a month counts 52/12 weeks, a 3-day bar 3/5).
    pub const fn weeks_needed(&self) -> usize {
        match self.timeframe {
            Timeframe::Daily => self.min_bars.div_ceil(5),
            Timeframe::ThreeDay => (self.min_bars * 3).div_ceil(5),
            Timeframe::Weekly => self.min_bars,
            Timeframe::Monthly => (self.min_bars * 52).div_ceil(12),
        }
    }
}

const fn spec(
    id: SignalId,
    code: &'static str,
    family: Family,
    group: Group,
    timeframe: Timeframe,
    polarity: Polarity,
    min_bars: usize,
) -> Spec {
    Spec { id, code, family, group, timeframe, polarity, min_bars }
}

use Family as F;
use Group as G;
use Polarity::{Normal, Risk};
use SignalId as S;
use Timeframe as T;

/// One spec per signal, indexed by `SignalId as usize` (report order).
pub const SPECS: [Spec; 25] = [
    spec(S::RsSmallCapLagEnding, "A1", F::Relative, G::ThesisRs, T::Weekly, Normal, 117),
    spec(S::RsCapLadderRotation, "A2", F::Relative, G::ThesisRs, T::Weekly, Normal, 169),
    spec(S::RsLargeCapWaveComplete, "G1", F::Relative, G::ThesisRs, T::Weekly, Normal, 130),
    spec(S::MacroRateCutExpectations, "B1", F::Macro, G::Macro, T::Daily, Normal, 64),
    spec(S::MacroInflationCooling, "B2", F::Macro, G::Macro, T::Monthly, Normal, 16),
    spec(S::MacroGrowthStabilising, "B3", F::Macro, G::Macro, T::Monthly, Normal, 15),
    spec(S::MacroFinancingCostsFalling, "B4", F::Macro, G::Macro, T::Daily, Normal, 630),
    spec(S::MacroForeignFlows, "B5", F::Macro, G::Macro, T::Monthly, Normal, 27),
    spec(S::FundSmallCapEarningsTurn, "C1", F::Macro, G::Fundamentals, T::Weekly, Normal, 39),
    spec(S::FundRevenueRevisionsStable, "C2", F::Macro, G::Fundamentals, T::Weekly, Normal, 27),
    spec(S::FundCostPressureEasing, "C3", F::Macro, G::Fundamentals, T::Monthly, Normal, 16),
    spec(S::WkCompressionClusterReclaim, "D1", F::Weekly, G::Weekly, T::Weekly, Normal, 72),
    spec(S::WkVolumeAccumulation, "D2", F::Weekly, G::Weekly, T::Weekly, Normal, 26),
    spec(S::WkVolumeTrendlineSupport, "D3", F::Weekly, G::Weekly, T::Weekly, Normal, 26),
    spec(S::WkMomentumWaveFlip, "D4", F::Weekly, G::Weekly, T::Weekly, Normal, 90),
    spec(S::D3ConsolidationHold, "E1", F::ThreeDay, G::ThreeDay, T::ThreeDay, Normal, 45),
    spec(S::D3HigherDipAbsorption, "E2", F::ThreeDay, G::ThreeDay, T::ThreeDay, Normal, 45),
    spec(S::D3VolumeTrend, "E3", F::ThreeDay, G::ThreeDay, T::ThreeDay, Normal, 31),
    spec(S::D3MomentumMirror, "E4", F::ThreeDay, G::ThreeDay, T::ThreeDay, Normal, 60),
    spec(S::D1StackedLevelReclaim, "F1", F::Daily, G::Daily, T::Daily, Normal, 300),
    spec(S::D1VolumeThrust, "F2", F::Daily, G::Daily, T::Daily, Normal, 252),
    spec(S::D1ShallowPullbacks, "F3", F::Daily, G::Daily, T::Daily, Normal, 60),
    spec(S::D1NoDistribution, "F4", F::Daily, G::Daily, T::Daily, Normal, 76),
    spec(S::RiskLowerHigh, "H1", F::Risk, G::Risk, T::Daily, Risk, 30),
    spec(S::RiskObvUndersideRetestFail, "H2", F::Risk, G::Risk, T::Daily, Risk, 60),
];

/// `(id, report section)` in report order, as the report lists the signals.
pub const SIGNAL_ORDER: [(&str, &str); 25] = {
    let mut out = [("", ""); 25];
    let mut i = 0;
    while i < 25 {
        out[i] = (SPECS[i].id.as_str(), SPECS[i].group.section());
        i += 1;
    }
    out
};

/// `(group name, weight, size)` in print order (SIGNALS.md §5), as the stance scores them.
pub const GROUP_WEIGHTS: [(&str, f64, usize); 7] = {
    let mut out = [("", 0.0, 0); 7];
    let mut i = 0;
    while i < 7 {
        let g = GROUP_ORDER[i];
        out[i] = (g.as_str(), g.weight(), g.size());
        i += 1;
    }
    out
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_are_indexed_by_id_and_in_report_order() {
        for (i, id) in ALL.iter().enumerate() {
            assert_eq!(*id as usize, i);
            assert_eq!(SPECS[i].id, *id);
            assert_eq!(id.spec().id, *id);
            assert_eq!(SignalId::parse(id.as_str()), Some(*id));
        }
        assert_eq!(SignalId::parse("wk_compression_cluster_reclam"), None);
    }

    #[test]
    fn groups_match_the_spec_sizes_and_weights() {
        let sizes: Vec<usize> = GROUP_WEIGHTS.iter().map(|g| g.2).collect();
        assert_eq!(sizes, [3, 5, 3, 4, 4, 4, 2]);
        let w: f64 = GROUP_WEIGHTS.iter().map(|g| g.1).sum();
        assert!((w - 1.0).abs() < 1e-12);
    }

    #[test]
    fn serializes_as_the_string_id() {
        let j = serde_json::to_string(&SignalId::RiskLowerHigh).unwrap();
        assert_eq!(j, "\"risk_lower_high\"");
        let back: SignalId = serde_json::from_str(&j).unwrap();
        assert_eq!(back, SignalId::RiskLowerHigh);
        assert!(serde_json::from_str::<SignalId>("\"risk_lower_hihg\"").is_err());
    }

    #[test]
    fn history_needed_in_weeks() {
        assert_eq!(SignalId::WkCompressionClusterReclaim.spec().weeks_needed(), 72);
        assert_eq!(SignalId::D1StackedLevelReclaim.spec().weeks_needed(), 60);
        assert_eq!(SignalId::D3ConsolidationHold.spec().weeks_needed(), 27);
    }
}
