//! Chart annotations read from signal evidence: `&[SignalResult]` in, [`Annotations`] out.
//! This is the one place that knows signal ids and evidence keys; missing evidence means no
//! annotation, never a panic.

use crate::signals::catalog::SignalId;
use crate::signals::{Ev, LegDirection, ObvStatus, SignalResult, State, SwingStructure, ZoneStatus};
use chrono::NaiveDate;

/// A price band, optionally dated.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Band {
    /// Low edge.
    pub lo: f64,
    /// High edge.
    pub hi: f64,
    /// First date it covers, when known.
    pub from: Option<NaiveDate>,
    /// Last date it covers, when known.
    pub to: Option<NaiveDate>,
}

/// A labelled horizontal level.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Level {
    /// Price.
    pub price: f64,
    /// Short label (source).
    pub label: String,
}

/// The lower-high structure of H1.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LowerHigh {
    /// Prior swing high.
    pub h_prev: f64,
    /// Its date.
    pub h_prev_date: Option<NaiveDate>,
    /// Latest swing high.
    pub h_last: f64,
    /// Its date.
    pub h_last_date: Option<NaiveDate>,
    /// Lowest low between them (the confirmation level).
    pub lmid: Option<f64>,
    /// Its date (H1's `Lmid_date`).
    pub lmid_date: Option<NaiveDate>,
    /// The H1 state.
    pub state: State,
    /// H1's `structure` of the two highs, when the evidence gives it.
    pub structure: Option<SwingStructure>,
    /// First close above `h_prev` after a lower high (H1's `overturn_date`): from then on the
    /// lower high no longer stands, and the chart says so instead of marking it.
    pub overturned: Option<NaiveDate>,
}

/// What F2's volume day is, in the note's terms (its score table's "Daily volume thrust", its
/// text's "a volume thrust behind the move"): a "volume thrust day" when F2 reads it bullish; a
/// heavy day F2 does not count as a thrust is named for what the text says it is ("heavy volume
/// on a down day", "neither a thrust nor heavy selling").
pub(crate) fn volume_day_kind(state: Option<State>) -> &'static str {
    match state {
        Some(State::Bearish) => "heavy down day",
        Some(State::Neutral) => "heavy day, no thrust",
        _ => "volume thrust day",
    }
}

/// The legend name of F2's volume day: its kind ([`volume_day_kind`]) and its rank among the
/// year's sessions in the note's words ("volume thrust day (second heaviest of 252 sessions)";
/// only rank 1 is a record), so text and chart name one thing.
pub(crate) fn volume_day_name(rank: usize, state: Option<State>) -> String {
    format!("{} ({} of 252 sessions)", volume_day_kind(state), crate::narrative::format::heaviest_nth(rank))
}

/// F2's `rank` as the one whole number the chart's legend, its volume tag and its alt text print,
/// read as the note reads it (`rank as usize`); a missing rank is a record (1).
fn volume_rank_of(rank: Option<f64>) -> usize {
    rank.filter(|r| r.is_finite() && *r >= 1.0).map_or(1, |r| r as usize)
}

/// The macro or fundamentals signal that reads a configured series (by its well-known id, as
/// `signals::macro_` looks series up), with the name the note's tables give it. A series no
/// signal reads gives `None`: the chart calls it "not assessed".
pub(crate) fn macro_signal_of(series_id: &str) -> Option<(SignalId, &'static str)> {
    Some(match series_id {
        "dgs2" | "dff" | "fed_funds" => {
            (SignalId::MacroRateCutExpectations, "2-year yield against fed funds")
        }
        "cpi" | "core_cpi" => (SignalId::MacroInflationCooling, "Core and headline inflation"),
        "unrate" | "indpro" => (SignalId::MacroGrowthStabilising, "Unemployment trend"),
        "hy_oas" => (SignalId::MacroFinancingCostsFalling, "Financing costs"),
        "foreign_flows" => (SignalId::MacroForeignFlows, "Foreign flows"),
        "fwd_eps" => (SignalId::FundSmallCapEarningsTurn, "Earnings estimates"),
        "fwd_sales" => (SignalId::FundRevenueRevisionsStable, "Revenue estimates"),
        "ppi" | "ahe" => (SignalId::FundCostPressureEasing, "Producer prices"),
        _ => return None,
    })
}

/// The state of a signal by id (`Unavailable` included), if it was evaluated.
pub(crate) fn state_of(signals: &[SignalResult], id: SignalId) -> Option<State> {
    signals.iter().find(|s| s.id == id.as_str()).map(|s| s.state)
}

/// What F1 says the latest leg did to its levels: `reclaimed` (bullish, up-leg), `lost`
/// (bearish, down-leg), else `None` (crossed but not held, or no F1 reading).
pub(crate) fn levels_verb(a: &Annotations) -> Option<&'static str> {
    match (a.levels_state, a.levels_dir) {
        (Some(State::Bullish), Some(LegDirection::Up)) => Some("reclaimed"),
        (Some(State::Bearish), Some(LegDirection::Down)) => Some("lost"),
        _ => None,
    }
}

/// The note's momentum reading for a timeframe chart, worded as the text words it: D4 for the
/// weekly chart, E4 for the 3-day chart; `None` for the daily chart (no momentum signal) or when
/// the signal is unavailable.
pub(crate) fn momentum_reading(layers: super::price::Layers, a: &Annotations) -> Option<String> {
    use super::price::Layers;
    match layers {
        Layers::Weekly => a.wk_momentum.map(|s| -> String {
            use crate::signals::branch::Branch;
            use crate::signals::MacdState;
            // Review 20: the title describes the one histogram drawn (12/26/9) with the text's
            // fact. An upturn whose 12/26/9 histogram has since contracted reads as the text
            // reads it ("has eased in the latest week, though still above zero"), on the same
            // D4 evidence (`macd_state`, `macd_state_weeks`, `flip_date`), not as a count of
            // settings the panel does not draw.
            if s != State::Bearish && a.wk_macd == Some(MacdState::ContractingUp) && a.wk_flip.is_some() {
                let span = match a.wk_macd_weeks {
                    Some(w) if w > 1 => format!("over the last {w} weeks"),
                    _ => "in the latest week".to_string(),
                };
                return match s {
                    State::Bullish => format!("weekly momentum turned up, eased {span}"),
                    _ => format!("weekly momentum above zero, eased {span}"),
                };
            }
            match (s, a.wk_momentum_branch) {
                (State::Bullish, _) => "weekly momentum has turned up after a contraction",
                // The text names D4's expanding-down measures; the panel draws one of them:
                // the title says which (review 20, 2020-03-20).
                (State::Bearish, _) => match (a.wk_n_ed, a.wk_macd) {
                    (Some(n), Some(MacdState::ExpandingDown)) if n >= 1 => {
                        return format!(
                            "weekly momentum expanding down on {n} of 3 MACD settings, 12/26/9 shown"
                        );
                    }
                    _ => "weekly momentum is expanding downward",
                },
                // A neutral reading says which one it is, as D4's sentence does (issue 13 item 4):
                // an upward expansion that is too old or came after too short a contraction is
                // still drawn as expanding bars, so the title says so.
                (_, Some(Branch::D4FlipTooOld)) => {
                    "weekly momentum expanding up, but the turn is too old to count"
                }
                (_, Some(Branch::D4ShortContraction)) => {
                    "weekly momentum expanding up, but after only a short contraction"
                }
                // D4 reads three MACD settings; the panel draws one (12/26/9). Review 19: "not
                // broadly expanding up" over bars that had mostly expanded up read as false; the
                // title names the measure and its window (how many of the 3 settings expand up
                // this week, D4's `n_eu`); the drawn bars show the 12/26/9's own state. Short: a
                // longer title took a phone's OBV panel's room.
                (_, Some(Branch::D4NoExpansion)) => match a.wk_n_eu {
                    Some(n) => {
                        let n = if n == 0 { "none".to_string() } else { n.to_string() };
                        return format!("{n} of 3 weekly MACD settings expanding up this week");
                    }
                    None => "weekly momentum not broadly expanding up",
                },
                _ => "weekly momentum has not turned up out of a long contraction",
            }
            .to_string()
        }),
        Layers::ThreeDay => a.d3_momentum.map(|s| {
            match s {
                State::Bullish => "3-day momentum is turning up",
                State::Bearish => "3-day momentum is falling",
                _ => "3-day momentum gives no clear signal",
            }
            .to_string()
        }),
        Layers::Daily => None,
    }
}

/// What H1's latest swing high is against the prior one: the one reading the chart's marker,
/// its label column, its legend and its alt text all take (issue 13 review: the rule lived in
/// three places, one with an arm it could never reach).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HighKind {
    /// Above the prior high.
    Higher,
    /// Below it, and no later close has overturned it: a lower high that stands.
    Lower,
    /// Within H1's tolerance of it.
    Equal,
    /// A lower high a later close above the prior high overturned: it no longer counts.
    Cancelled,
}

impl HighKind {
    /// The high's name in words, as the marker, the column and the phone labels print it.
    pub fn name(self) -> &'static str {
        match self {
            HighKind::Higher => "higher high",
            HighKind::Lower => "lower high",
            HighKind::Equal => "equal high",
            HighKind::Cancelled => "cancelled lower high",
        }
    }
}

impl LowerHigh {
    /// The latest high's kind, by H1's own `structure` when given (two highs within H1's
    /// tolerance are level, not a lower high, on the chart as in the text), else by the prices;
    /// a lower high with H1's `overturn_date` is cancelled.
    pub fn kind(&self) -> HighKind {
        let kind = match self.structure {
            Some(SwingStructure::HigherHigh) => HighKind::Higher,
            Some(SwingStructure::LowerHigh) => HighKind::Lower,
            Some(SwingStructure::Equal) => HighKind::Equal,
            None if self.h_last < self.h_prev => HighKind::Lower,
            None if self.h_last > self.h_prev => HighKind::Higher,
            None => HighKind::Equal,
        };
        match (kind, self.overturned) {
            (HighKind::Lower, Some(_)) => HighKind::Cancelled,
            (k, _) => k,
        }
    }

    /// True when the latest swing high is a lower high that stands ([`Self::kind`]).
    pub fn stands(&self) -> bool {
        self.kind() == HighKind::Lower
    }
}

/// The OBV support line of H2 (daily OBV units).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ObvLine {
    /// Line value at the as-of date (or the frozen level).
    pub value: f64,
    /// First pivot date, when known.
    pub p1_date: Option<NaiveDate>,
    /// Second pivot date, when known.
    pub p2_date: Option<NaiveDate>,
    /// Break date, when known.
    pub break_date: Option<NaiveDate>,
    /// The H2 status (intact, broken, retest, reclaimed, failed, ...), when given.
    pub status: Option<ObvStatus>,
    /// The H2 state.
    pub state: State,
}

/// Everything the charts annotate, taken from signal evidence.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Annotations {
    /// D1 compression cluster [bottom, top].
    pub cluster: Option<Band>,
    /// D1 individual compression bands of the cluster.
    pub bands: Vec<Band>,
    /// D1 reclaim week.
    pub reclaim_date: Option<NaiveDate>,
    /// D1's strong weekly closes above the zone top since the reclaim (`strong_above`).
    pub strong_above: Option<usize>,
    /// D1 state.
    pub cluster_state: Option<State>,
    /// Why the cluster is no level (`old` or `wide`, from D1's `top_level`): then `cluster` is
    /// the latest band alone, labelled as old or wide.
    pub cluster_stale: Option<ZoneStatus>,
    /// E1 consolidation zone.
    pub zone: Option<Band>,
    /// E1 breakout bar.
    pub breakout_date: Option<NaiveDate>,
    /// E1 state.
    pub zone_state: Option<State>,
    /// F1 reclaimed (stacked) levels.
    pub levels: Vec<Level>,
    /// F2 record-volume day and its rank (1: the heaviest of the 252 sessions to that day).
    pub volume_day: Option<(NaiveDate, usize)>,
    /// F2's state for that day (bullish: a volume thrust), naming it ([`volume_day_kind`]).
    pub volume_day_state: Option<State>,
    /// D2's anchor low (week, price): the low the note's weekly volume measures run from
    /// ("Since the 2024-01-05 low"), marked on the weekly chart.
    pub anchor_low: Option<(NaiveDate, f64)>,
    /// The year D2's anchor low is the lowest low of, when it comes from the configured
    /// `anchor_year` (neither chosen automatically nor moved to a later, lower low): the chart
    /// then names it "2024 low", since it need not be the lowest low the chart shows.
    pub anchor_year: Option<i32>,
    /// F4 active distribution days.
    pub dist_days: Vec<NaiveDate>,
    /// F4 high-volume reversal days in its 25-session window (`hvr_dates`): volume at least 1.5×
    /// its 50-day average, a 20-session high and a close near the low.
    pub reversals: Vec<NaiveDate>,
    /// H1 lower-high structure.
    pub lower_high: Option<LowerHigh>,
    /// H2 OBV support line.
    pub obv_line: Option<ObvLine>,
    /// D3's weekly OBV trendline points: its anchor week and the pullback-low weeks it fits
    /// (`anchor_date`, `pullback_dates`); empty when D3 gives none.
    pub wk_obv_trend: Vec<NaiveDate>,
    /// D3's fitted slope (weeks of average volume per week): the chart's line must rise or fall
    /// with it.
    pub wk_obv_slope: Option<f64>,
    /// D3's `break_date`: the week OBV closed under its trendline (by more than the noise) and
    /// has not closed back on it since; `None` while the line holds.
    pub wk_obv_break: Option<NaiveDate>,
    /// A1 ratio low (date, value).
    pub ratio_low: Option<(NaiveDate, f64)>,
    /// A1 ratio high over the same two-year window (`high_date`, `R_high`): the high the text
    /// measures the ratio's fall from.
    pub ratio_high: Option<(NaiveDate, f64)>,
    /// A1 two-year change of the ratio (fraction).
    pub lag104: Option<f64>,
    /// F1 state.
    pub levels_state: Option<State>,
    /// F1 leg direction, from its `direction` evidence.
    pub levels_dir: Option<LegDirection>,
    /// D4 weekly momentum state (the reading the note gives for the weekly MACD).
    pub wk_momentum: Option<State>,
    /// D4's branch: which neutral reading (a flip too old, after too short a contraction, no
    /// expansion) the panel title must name, as the text does.
    pub wk_momentum_branch: Option<crate::signals::branch::Branch>,
    /// D4's `macd_state`: the 12/26/9 weekly histogram the chart draws, now.
    pub wk_macd: Option<crate::signals::MacdState>,
    /// D4's `n_eu`: how many of the three weekly MACD settings expand upward this week.
    pub wk_n_eu: Option<usize>,
    /// D4's `n_ed`: how many of the three weekly MACD settings expand downward this week.
    pub wk_n_ed: Option<usize>,
    /// D4's `macd_state_weeks`: how many weeks the drawn 12/26/9 histogram has been in its state.
    pub wk_macd_weeks: Option<usize>,
    /// D4's `flip_date`: the week weekly momentum last turned up.
    pub wk_flip: Option<NaiveDate>,
    /// E4 3-day momentum state.
    pub d3_momentum: Option<State>,
    /// E3 20-bar 3-day volume trend (fraction, `vtrend`).
    pub d3_vtrend: Option<f64>,
}

fn find<'a>(signals: &'a [SignalResult], id: &str) -> Option<&'a SignalResult> {
    signals.iter().find(|s| s.id == id && s.state != State::Unavailable)
}

fn num(s: &SignalResult, keys: &[&str]) -> Option<f64> {
    keys.iter().find_map(|k| s.num(k)).filter(|v| v.is_finite())
}

fn date(s: &SignalResult, keys: &[&str]) -> Option<NaiveDate> {
    keys.iter().find_map(|k| s.date(k))
}

fn dates(s: &SignalResult, keys: &[&str]) -> Vec<NaiveDate> {
    keys.iter()
        .find_map(|k| match s.ev(k) {
            Some(Ev::Dates { v }) => Some(v.clone()),
            Some(Ev::Date { v }) => Some(vec![*v]),
            _ => None,
        })
        .unwrap_or_default()
}

fn text(s: &SignalResult, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| match s.ev(k) {
        Some(Ev::Text { v }) => Some(v.clone()),
        _ => None,
    })
}

/// Parses "218.40 (SMA200), 221.10 (swing high 2025-02-14)" style lists into levels: each
/// comma- or semicolon-separated item that starts with a number.
fn parse_levels(t: &str) -> Vec<Level> {
    let mut out = Vec::new();
    for item in split_top_level(t) {
        let item = item.trim();
        let num_end =
            item.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-')).unwrap_or(item.len());
        if let Ok(v) = item[..num_end].parse::<f64>() {
            if v.is_finite() {
                let rest = item[num_end..].trim().trim_start_matches('(').trim_end_matches(')').trim();
                out.push(Level { price: v, label: rest.to_string() });
            }
        }
    }
    out
}

/// Splits on `,` / `;` outside parentheses.
fn split_top_level(t: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0i32, 0usize);
    for (i, c) in t.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' | ';' if depth <= 0 => {
                out.push(&t[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&t[start..]);
    out
}

impl Annotations {
    /// Reads every annotation from the signals (by id and evidence key).
    pub fn from_signals(signals: &[SignalResult]) -> Annotations {
        let mut a = Annotations::default();
        if let Some(s) = find(signals, SignalId::WkCompressionClusterReclaim.as_str()) {
            a.cluster_state = Some(s.state);
            let top = num(s, &["top"]);
            let bottom = num(s, &["bottom"]);
            if let (Some(lo), Some(hi)) = (bottom, top) {
                a.cluster = Some(Band { lo: lo.min(hi), hi: hi.max(lo), from: None, to: None });
            } else if let Some(hi) = top {
                a.cluster = Some(Band { lo: hi, hi, from: None, to: None });
            }
            // An old or wide latest band is no level: the chart shows that band alone, marked.
            if let Some(why) =
                s.tagged("top_level").filter(|w| matches!(w, ZoneStatus::Old | ZoneStatus::Wide))
            {
                if let Some(crate::signals::Ev::Range { lo, hi }) = s.ev("top_band") {
                    a.cluster = Some(Band { lo: lo.min(*hi), hi: hi.max(*lo), from: None, to: None });
                }
                a.cluster_stale = Some(why);
            }
            a.reclaim_date = date(s, &["reclaim_date"]);
            a.strong_above =
                num(s, &["strong_above"]).filter(|v| v.is_finite() && *v >= 0.0).map(|v| v as usize);
            // Individual bands (close ranges with their first and last week), up to 32.
            for b in s.facts.bands.iter().take(32).take_while(|b| b.lo.is_finite() && b.hi.is_finite()) {
                a.bands.push(Band { lo: b.lo, hi: b.hi, from: Some(b.start), to: Some(b.end) })
            }
        }
        if let Some(s) = find(signals, SignalId::D3ConsolidationHold.as_str()) {
            a.zone_state = Some(s.state);
            let lo = num(s, &["zlo"]);
            let hi = num(s, &["ztop"]);
            if let (Some(lo), Some(hi)) = (lo, hi) {
                a.zone = Some(Band {
                    lo: lo.min(hi),
                    hi: hi.max(lo),
                    from: date(s, &["zone_start"]),
                    to: date(s, &["zone_end"]),
                });
            }
            a.breakout_date = date(s, &["breakout_date"]);
        }
        if let Some(s) = find(signals, SignalId::D1StackedLevelReclaim.as_str()) {
            a.levels_state = Some(s.state);
            a.levels_dir = s.tagged("direction");
            // The typed levels (up to 32) when present; else the `levels` text of a result built
            // without them (the demo note: "218.40 SMA200; ...").
            for l in s.facts.levels.iter().take(32).take_while(|l| l.price.is_finite()) {
                a.levels.push(Level {
                    price: l.price,
                    label: crate::narrative::format::level_sources(&l.sources),
                });
            }
            if a.levels.is_empty() {
                if let Some(t) = text(s, &["levels"]) {
                    a.levels = parse_levels(&t);
                }
            }
        }
        a.wk_momentum = find(signals, SignalId::WkMomentumWaveFlip.as_str()).map(|s| s.state);
        a.wk_momentum_branch = find(signals, SignalId::WkMomentumWaveFlip.as_str()).map(|s| s.branch);
        a.wk_macd = find(signals, SignalId::WkMomentumWaveFlip.as_str()).and_then(|s| s.tagged("macd_state"));
        a.wk_n_eu = find(signals, SignalId::WkMomentumWaveFlip.as_str())
            .and_then(|s| num(s, &["n_eu"]))
            .filter(|n| (0.0..=3.0).contains(n))
            .map(|n| n as usize);
        a.wk_n_ed = find(signals, SignalId::WkMomentumWaveFlip.as_str())
            .and_then(|s| num(s, &["n_ed"]))
            .filter(|n| (0.0..=3.0).contains(n))
            .map(|n| n as usize);
        a.wk_macd_weeks = find(signals, SignalId::WkMomentumWaveFlip.as_str())
            .and_then(|s| num(s, &["macd_state_weeks"]))
            .filter(|n| *n >= 0.0 && *n < 1e6)
            .map(|n| n as usize);
        a.wk_flip =
            find(signals, SignalId::WkMomentumWaveFlip.as_str()).and_then(|s| date(s, &["flip_date"]));
        a.d3_momentum = find(signals, SignalId::D3MomentumMirror.as_str()).map(|s| s.state);
        a.d3_vtrend = find(signals, SignalId::D3VolumeTrend.as_str()).and_then(|s| num(s, &["vtrend"]));
        if let Some(s) = find(signals, SignalId::WkVolumeAccumulation.as_str()) {
            if let (Some(d), Some(v)) = (date(s, &["anchor_date"]), num(s, &["anchor_low"])) {
                a.anchor_low = Some((d, v)).filter(|(_, v)| v.is_finite());
                use crate::signals::branch::Flag;
                let configured = !s.flags.iter().any(|f| matches!(f, Flag::AnchorAuto | Flag::ReAnchored));
                a.anchor_year = configured.then(|| chrono::Datelike::year(&d));
            }
        }
        if let Some(s) = find(signals, SignalId::D1VolumeThrust.as_str()) {
            // Only a top-5 day of the year is a "record-volume day" (F2's own threshold).
            let rank = num(s, &["rank"]);
            if let Some(d) = date(s, &["date"]).filter(|_| rank.is_none_or(|r| r <= 5.0)) {
                a.volume_day = Some((d, volume_rank_of(rank)));
                a.volume_day_state = Some(s.state);
            }
        }
        if let Some(s) = find(signals, SignalId::D1NoDistribution.as_str()) {
            a.dist_days = dates(s, &["dd_dates"]);
            a.reversals = dates(s, &["hvr_dates"]);
        }
        if let Some(s) = find(signals, SignalId::RiskLowerHigh.as_str()) {
            if let (Some(hp), Some(hl)) = (num(s, &["H_prev"]), num(s, &["H_last"])) {
                a.lower_high = Some(LowerHigh {
                    h_prev: hp,
                    h_prev_date: date(s, &["H_prev_date"]),
                    h_last: hl,
                    h_last_date: date(s, &["H_last_date"]),
                    lmid: num(s, &["Lmid"]),
                    lmid_date: date(s, &["Lmid_date"]),
                    state: s.state,
                    structure: s.tagged("structure"),
                    overturned: date(s, &["overturn_date"]),
                });
            }
        }
        if let Some(s) = find(signals, SignalId::WkVolumeTrendlineSupport.as_str()) {
            let pulls = dates(s, &["pullback_dates"]);
            if let (Some(a0), false) = (date(s, &["anchor_date"]), pulls.is_empty()) {
                a.wk_obv_trend = std::iter::once(a0).chain(pulls).collect();
            }
            a.wk_obv_slope = num(s, &["slope"]);
            a.wk_obv_break = date(s, &["break_date"]);
        }
        if let Some(s) = find(signals, SignalId::RiskObvUndersideRetestFail.as_str()) {
            if let Some(v) = num(s, &["obv_line", "line"]) {
                a.obv_line = Some(ObvLine {
                    status: s.tagged("status"),
                    value: v,
                    p1_date: date(s, &["p1_date"]),
                    p2_date: date(s, &["p2_date"]),
                    break_date: date(s, &["t_b_date"]),
                    state: s.state,
                });
            }
        }
        if let Some(s) = find(signals, SignalId::RsSmallCapLagEnding.as_str()) {
            if let (Some(d), Some(v)) = (date(s, &["low_date"]), num(s, &["R_low"])) {
                a.ratio_low = Some((d, v));
            }
            if let (Some(d), Some(v)) = (date(s, &["high_date"]), num(s, &["R_high"])) {
                a.ratio_high = Some((d, v));
            }
            a.lag104 = num(s, &["lag104"]);
        }
        a
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resample::Timeframe;
    use crate::signals::Unit;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn reads_evidence_and_skips_missing() {
        let mut d1 = SignalResult::new(
            SignalId::WkCompressionClusterReclaim.as_str(),
            "weekly",
            "c",
            Timeframe::Weekly,
            None,
        );
        d1.push_num("bottom", 190.5, Unit::Price);
        d1.push_num("top", 219.4, Unit::Price);
        d1.push("reclaim_date", Ev::Date { v: d("2025-10-03") });
        d1.push_band(crate::signals::CompressionBand {
            lo: 195.0,
            hi: 205.0,
            wick_lo: 194.0,
            wick_hi: 206.0,
            start: d("2024-03-01"),
            end: d("2024-04-12"),
            ttm: 2,
        });
        let mut f1 =
            SignalResult::new(SignalId::D1StackedLevelReclaim.as_str(), "daily", "c", Timeframe::Daily, None);
        f1.push("levels", Ev::Text { v: "218.40 (SMA200), 221.10 (swing high 2025-02-14, POC)".into() });
        let mut f1b =
            SignalResult::new(SignalId::D1StackedLevelReclaim.as_str(), "daily", "c", Timeframe::Daily, None);
        f1b.push("levels", Ev::Text { v: "218.40 SMA200; 221.10 POC".into() });
        use crate::signals::LevelSource;
        f1b.push_level(218.4, vec![LevelSource::Sma(200)]);
        f1b.push_level(221.1, vec![LevelSource::SwingHigh(d("2025-02-14")), LevelSource::VolumePoc]);
        let b = Annotations::from_signals(&[f1b]);
        assert_eq!(b.levels.iter().map(|l| l.price).collect::<Vec<_>>(), vec![218.4, 221.1]);
        assert_eq!(b.levels[1].label, "swing high 2025-02-14 + volume POC");
        let h1 = SignalResult::unavailable(
            SignalId::RiskLowerHigh.as_str(),
            "risk",
            "c",
            Timeframe::Daily,
            None,
            crate::signals::Unavailable::VolumeGaps,
        );
        let a = Annotations::from_signals(&[d1, f1, h1]);
        let c = a.cluster.unwrap();
        assert_eq!((c.lo, c.hi), (190.5, 219.4));
        assert_eq!(a.reclaim_date, Some(d("2025-10-03")));
        assert_eq!(a.bands.len(), 1);
        assert_eq!((a.bands[0].from, a.bands[0].to), (Some(d("2024-03-01")), Some(d("2024-04-12"))));
        assert_eq!(a.levels.len(), 2);
        assert_eq!(a.levels[1].price, 221.10);
        assert_eq!(a.levels[1].label, "swing high 2025-02-14, POC");
        assert!(a.lower_high.is_none());
        assert!(a.zone.is_none());
        assert_eq!(Annotations::from_signals(&[]), Annotations::default());
    }
}
