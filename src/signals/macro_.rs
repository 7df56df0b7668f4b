//! Signals B1–B5 macro and C1–C3 fundamentals (SIGNALS.md §4 B, C).
//!
//! Input: `SignalInput::macros` by well-known id (`fed_funds` or `dff`, `dgs2`, `cpi`,
//! `core_cpi`, `unrate`, `indpro`, `hy_oas`, `foreign_flows`, `fwd_eps`, `fwd_sales`, `ppi`,
//! `ahe`), read point in time through [`MacroSeries::known_at`]. Output: one [`SignalResult`]
//! per signal, group `macro` (B) or `fundamentals` (C).
//!
//! A missing series gives `Unavailable(missing_input)`; a series whose last usable observation
//! is older than 2×its period plus its release lag (and was not itself released within the last
//! period) gives `Unavailable(stale)`; too few
//! observations give `Unavailable(insufficient_history)`. "63-session change" on a daily series
//! is the change over its last 63 observations. Nothing is guessed.
//!
//! Evidence keys (in order):
//!
//! | signal | keys |
//! |---|---|
//! | B1 | `dgs2` (Level %), `dff` (Level %), `ff_label` (PolicyRate: daily, or the month of a monthly average), `spread` (Pp), `d2y_63` (Pp), `dff_126` (Pp: policy-rate change over ~6 months), `dgs2_date`, `dff_date` |
//! | B2 | `yoy_c`, `ann3_c` (Pct), `d3_c` (Pp), `yoy_h` (Pct), `d3_h` (Pp), `obs_month` (Month), `obs_date`, and when the rate turned inside the three months `turn_c`/`turn_h` (Pct), `turn_c_month`/`turn_h_month` (Month) |
//! | B3 | `unrate` (Level %), `u3avg` (Level %), `u3avg_low12` (Level %), `sahm_gap` (Pp), `indpro_yoy` (Pct, when configured), `obs_month`, `obs_date` |
//! | B4 | `oas` (Level %), `d_oas_63` (Pp), `oas_pct5y` (Ratio, 0..1), `dgs2` (Level %), `d2y_63` (Pp), `oas_date`, and when the spread turned inside the 63 sessions `turn_oas` (Level %), `turn_oas_date` |
//! | B5 | `sum3` (Level $bn), `med24` (Level $bn), `month` (Month), `obs_date` |
//! | C1 | `eps` (Level), `g13` (Pct), `min26` (Pct), `eps_high26` (Text yes/no), `obs_date` |
//! | C2 | `sales` (Level), `g13s` (Pct), `g13s_prev` (Pct), `obs_date` |
//! | C3 | `ppi_yoy` (Pct), `d3_ppi` (Pp), `ahe_yoy` (Pct, when configured), `d3_ahe` (Pp), `obs_month`, `obs_date` |

use super::branch::{Branch, Flag};
use super::{Ev, PolicyRate, SignalInput, SignalResult, State, Unavailable, Unit};
use crate::data::{MacroObs, MacroSeries};
use crate::indicators::primitives::{median, pctrank, ramp};
use crate::resample::Timeframe;
use chrono::{Datelike, NaiveDate};

/// Evaluates B1–B5 and C1–C3, in that order.
pub fn evaluate(input: &SignalInput) -> Vec<SignalResult> {
    vec![
        b1_rate_cuts(input),
        b2_inflation(input),
        b3_growth(input),
        b4_financing(input),
        b5_foreign_flows(input),
        c1_earnings(input),
        c2_revenue(input),
        c3_cost_pressure(input),
    ]
}

/// How often a series is observed, inferred from its observation dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frequency {
    /// Business-daily (FRED daily series).
    Daily,
    /// Weekly.
    Weekly,
    /// Monthly.
    Monthly,
    /// Quarterly.
    Quarterly,
    /// Anything slower.
    Annual,
}

impl Frequency {
    /// The period in calendar days used by the staleness rule. A daily series' period is three
    /// days so that a weekend or a one-day holiday never makes it stale.
    pub fn period_days(self) -> i64 {
        match self {
            Frequency::Daily => 3,
            Frequency::Weekly => 7,
            Frequency::Monthly => 31,
            Frequency::Quarterly => 92,
            Frequency::Annual => 366,
        }
    }
}

/// The usable (released, finite) observations of one series at the as-of date.
#[derive(Debug, Clone)]
pub struct Known<'a> {
    /// The series id.
    pub id: String,
    /// Observations with `release <= as_of` and a finite value, oldest first (borrowed from the
    /// series when those are a prefix of it, as they are when releases are in order and every
    /// value is finite: no copy per evaluation).
    pub obs: std::borrow::Cow<'a, [MacroObs]>,
    /// Inferred frequency.
    pub freq: Frequency,
}

impl Known<'_> {
    fn last(&self) -> &MacroObs {
        // `known` never returns an empty set.
        &self.obs[self.obs.len() - 1]
    }
    fn values(&self) -> Vec<f64> {
        self.obs.iter().map(|o| o.value).collect()
    }
    /// The last `m` values (all when fewer): a window's input without copying the whole history.
    fn tail_values(&self, m: usize) -> Vec<f64> {
        self.obs[self.obs.len().saturating_sub(m)..].iter().map(|o| o.value).collect()
    }
    /// Change over the last `k` observations (value_t − value_{t−k}).
    fn change(&self, k: usize) -> Option<f64> {
        let n = self.obs.len();
        (n > k).then(|| self.obs[n - 1].value - self.obs[n - 1 - k].value)
    }
    /// The turn inside the change over the last `k` observations: the extreme between the
    /// window's start and the last value (both excluded) on the side of the change (the highest
    /// for a rise, the lowest for a fall) when the last value stands at least `min_move` back
    /// from it, with its period (review 29: a three-month change alone hid a reversal).
    fn turn(&self, k: usize, min_move: f64) -> Option<(f64, NaiveDate)> {
        let n = self.obs.len();
        let d = self.change(k)?;
        let last = self.obs[n - 1].value;
        turn_back(d, last, self.obs[n - k..n - 1].iter().map(|o| (o.value, o.period)), 1.0, min_move)
    }
    /// The value whose period is exactly `k` months before the last observation's month.
    fn months_back(&self, k: i32) -> Option<f64> {
        let target = month_index(self.last().period) - k;
        // `month_index(p) < target` is `p` before the target month's first day: one date
        // comparison per probe instead of a year and month computation (the walk calls this
        // ~80,000 times on the sample).
        let i = match NaiveDate::from_ymd_opt(target.div_euclid(12), target.rem_euclid(12) as u32 + 1, 1) {
            Some(first) => self.obs.partition_point(|o| o.period < first),
            None => self.obs.partition_point(|o| month_index(o.period) < target),
        };
        self.obs.get(i).filter(|o| month_index(o.period) == target).map(|o| o.value)
    }
    /// Like [`Known::months_back`], but says which month is missing.
    fn months_back_or(&self, k: i32) -> Result<f64, Unavailable> {
        self.months_back(k).ok_or_else(|| {
            let target = month_index(self.last().period) - k;
            let first = month_index(self.obs[0].period);
            if target < first {
                Unavailable::InsufficientHistory { need: (k + 1) as usize, have: self.obs.len() }
            } else {
                let (y, m) = (target.div_euclid(12), target.rem_euclid(12) as u32 + 1);
                Unavailable::MissingObservation {
                    input: self.id.clone(),
                    period: NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(self.last().period),
                }
            }
        })
    }
    /// The value `k` observations before the last.
    fn obs_back(&self, k: usize) -> Option<f64> {
        let n = self.obs.len();
        (n > k).then(|| self.obs[n - 1 - k].value)
    }
}

fn month_index(d: NaiveDate) -> i32 {
    d.year() * 12 + d.month0() as i32
}

/// Infers the frequency from the median gap between the last (up to 25) observation dates.
pub fn frequency(obs: &[MacroObs]) -> Frequency {
    let tail = &obs[obs.len().saturating_sub(25)..];
    // At most 24 gaps, all finite: their median without allocating.
    let mut gaps = [0i64; 24];
    let m = tail.len().saturating_sub(1);
    for (g, w) in gaps.iter_mut().zip(tail.windows(2)) {
        *g = (w[1].period - w[0].period).num_days();
    }
    let gaps = &mut gaps[..m];
    gaps.sort_unstable();
    let med = match m {
        0 => None,
        m if m % 2 == 1 => Some(gaps[m / 2] as f64),
        m => Some((gaps[m / 2 - 1] as f64 + gaps[m / 2] as f64) / 2.0),
    };
    match med {
        Some(g) if g <= 4.0 => Frequency::Daily,
        Some(g) if g <= 10.0 => Frequency::Weekly,
        Some(g) if g <= 45.0 => Frequency::Monthly,
        Some(g) if g <= 120.0 => Frequency::Quarterly,
        Some(_) => Frequency::Annual,
        None => Frequency::Monthly,
    }
}

fn series<'a>(input: &SignalInput<'a>, ids: &[&str]) -> Option<&'a MacroSeries> {
    ids.iter().find_map(|id| input.macros.iter().find(|m| m.id == *id))
}

/// The point-in-time observations of the first configured series among `ids`, or why the signal
/// cannot use it (missing, nothing released yet, stale).
pub fn known<'a>(input: &SignalInput<'a>, ids: &[&str]) -> Result<Known<'a>, Unavailable> {
    let s = series(input, ids).ok_or_else(|| Unavailable::MissingInput { input: ids[0].to_string() })?;
    // A history walk knows which series are plain (checked once): their known observations are
    // the prefix released by as_of, found without scanning the series.
    let plain = input.pre.is_some_and(|p| {
        let k = input.macros.iter().position(|m| std::ptr::eq(m, s));
        k.and_then(|k| p.macro_plain.get(k).copied()).unwrap_or(false)
    });
    if plain {
        let k = s.obs.partition_point(|o| o.release <= input.as_of);
        return known_obs(s, std::borrow::Cow::Borrowed(&s.obs[..k]), input.as_of);
    }
    known_series(s, input.as_of)
}

/// The point-in-time observations of one series at `as_of`, or why a signal cannot use it
/// (nothing released yet, stale): the rule every macro signal and `check` apply. Borrows the
/// series when the known observations are a prefix of it (releases in order, finite values, no
/// vintages), so the history walk copies nothing per week end.
pub fn known_series(s: &MacroSeries, as_of: NaiveDate) -> Result<Known<'_>, Unavailable> {
    let input_as_of = as_of;
    let all: &[MacroObs] = &s.obs;
    let k = all.partition_point(|o| o.release <= as_of);
    let prefix = &all[..k];
    let obs: std::borrow::Cow<'_, [MacroObs]> = if !s.has_vintages()
        && all[k..].iter().all(|o| o.release > as_of)
        && prefix.iter().all(|o| o.value.is_finite())
    {
        std::borrow::Cow::Borrowed(prefix)
    } else {
        std::borrow::Cow::Owned(s.known_at(as_of).into_iter().filter(|o| o.value.is_finite()).collect())
    };
    known_obs(s, obs, input_as_of)
}

/// The staleness rule on the observations of `s` known at `as_of`.
fn known_obs<'a>(
    s: &'a MacroSeries,
    obs: std::borrow::Cow<'a, [MacroObs]>,
    input_as_of: NaiveDate,
) -> Result<Known<'a>, Unavailable> {
    let Some(last) = obs.last().copied() else {
        return Err(Unavailable::InsufficientHistory { need: 1, have: 0 });
    };
    let freq = frequency(&obs);
    let age = (input_as_of - last.period).num_days();
    // A value released within the last period is the latest the agency has published (a delayed
    // release, such as the BLS reports after the 2025 shutdown), never "too old to use".
    let fresh = (input_as_of - last.release).num_days() <= freq.period_days();
    if age > 2 * freq.period_days() + s.release_lag_days.max(0) && !fresh {
        return Err(Unavailable::Stale { input: s.id.clone(), last: last.period });
    }
    Ok(Known { id: s.id.clone(), obs, freq })
}

fn unavailable(
    id: &'static str,
    group: &'static str,
    claim: &'static str,
    tf: Timeframe,
    r: Unavailable,
) -> SignalResult {
    SignalResult::unavailable(id, group, claim, tf, None, r)
}

fn short(need: usize, have: usize) -> Unavailable {
    Unavailable::InsufficientHistory { need, have }
}

macro_rules! try_known {
    ($input:expr, $ids:expr, $id:expr, $group:expr, $claim:expr, $tf:expr) => {
        match known($input, $ids) {
            Ok(k) => k,
            Err(r) => return unavailable($id, $group, $claim, $tf, r),
        }
    };
}

const B1: &str = crate::signals::catalog::SignalId::MacroRateCutExpectations.as_str();
const B1_CLAIM: &str = "rate cuts expected";

/// B1: the 2-year against the policy rate.
fn b1_rate_cuts(input: &SignalInput) -> SignalResult {
    let tf = Timeframe::Daily;
    let dgs2 = try_known!(input, &["dgs2"], B1, "macro", B1_CLAIM, tf);
    // A daily policy rate (DFF) is preferred when configured: a monthly average is published a
    // month late and misses any move made since.
    let ff = try_known!(input, &["dff", "fed_funds"], B1, "macro", B1_CLAIM, tf);
    let Some(d2y_63) = dgs2.change(63) else {
        return unavailable(B1, "macro", B1_CLAIM, tf, short(64, dgs2.obs.len()));
    };
    let monthly = ff.freq != Frequency::Daily;
    let ff_back = if monthly { 6 } else { 126 };
    let y = dgs2.last().value;
    let f = ff.last().value;
    let spread = y - f;
    let as_of = dgs2.last().period.max(ff.last().period);
    let mut r = SignalResult::new(B1, "macro", B1_CLAIM, tf, Some(as_of));
    r.push_num("dgs2", y, Unit::Level);
    r.push_num("dff", f, Unit::Level);
    // A monthly value names its month, so a stale average is never read as today's rate.
    let rate = if monthly { PolicyRate::MonthlyAverage(ff.last().period) } else { PolicyRate::Daily };
    r.push("ff_label", Ev::PolicyRate { v: rate });
    r.push_num("spread", spread, Unit::Pp);
    r.push_num("d2y_63", d2y_63, Unit::Pp);
    r.push_num("dff_126", ff.change(ff_back).unwrap_or(f64::NAN), Unit::Pp);
    r.push("dgs2_date", Ev::Date { v: dgs2.last().period });
    r.push("dff_date", Ev::Date { v: ff.last().period });
    if monthly {
        r.flags.push(Flag::PolicyRateMonthly);
    }
    // A monthly average is for month M, published with a lag: the policy rate may have moved
    // since. One rule (SIGNALS.md §4 B1), the same for every instrument: a monthly value is scored
    // only while its month is the one before the as-of month (the latest an average can be) and
    // the 2-year (against its own average over M) has moved less than a quarter point (one
    // policy step) since; otherwise it is reported with its month and not assessed.
    let ff_month = ff.last().period;
    let since_month = if monthly {
        let next = ff_month.checked_add_months(chrono::Months::new(1)).unwrap_or(ff_month);
        // Observations are in period order: the month is one run, found by bisection (a scan of
        // the whole series at every week end of a walk made it quadratic in history).
        let from = dgs2.obs.partition_point(|o| o.period < ff_month);
        let in_month: Vec<f64> =
            dgs2.obs[from..].iter().take_while(|o| o.period < next).map(|o| o.value).collect();
        (!in_month.is_empty()).then(|| y - in_month.iter().sum::<f64>() / in_month.len() as f64)
    } else {
        None
    };
    let month_no = |d: NaiveDate| d.year() * 12 + d.month() as i32;
    let months = u32::try_from(month_no(input.as_of) - month_no(ff_month)).unwrap_or(0);
    let stale = monthly && (months > 1 || since_month.is_some_and(|d| d.abs() >= 0.25));
    if let Some(d) = since_month {
        r.push_num("d2y_since_ff_month", d, Unit::Pp);
    }
    if monthly {
        r.push("ff_month", Ev::Month { v: ff_month });
    }
    // A sharp four-week move of the 2-year is the market repricing the policy path now (March
    // 2020: down 0.97 points in four weeks, around the emergency cuts of 3 and 15 March): read it
    // whether or not the monthly policy rate is stale, since it needs no policy rate at all.
    let d2y_20 = dgs2.change(B1_SHARP_READINGS);
    if let Some(d20) = d2y_20 {
        r.push_num("d2y_20", d20, Unit::Pp);
    }
    if let Some(d20) = d2y_20.filter(|d| d.abs() >= B1_SHARP_PP) {
        if stale {
            r.flags.push(Flag::PolicyRateStale);
        }
        let s = ramp(d20.abs(), B1_SHARP_PP, 2.0 * B1_SHARP_PP);
        let state = if d20 < 0.0 { State::Bullish } else { State::Bearish };
        return r.conclude(state, s, Branch::B1SharpMove);
    }
    if stale {
        r.flags.push(Flag::PolicyRateStale);
        r.state = State::Unavailable;
        r.strength = 0.0;
        r.branch = Branch::B1Stale;
        r.reason =
            Some(Unavailable::PolicyRateStale { month: ff_month, value: f, months, moved: since_month });
        return r;
    }
    // Cuts are priced when the 2-year sits clearly below the policy rate and is not being priced
    // back up: either deep below (half a point, two quarter-point cuts) and not rising, or a
    // quarter point below and still falling by more than the noise of a 63-session change
    // (0.15 pp: the median absolute 63-session change of DGS2 at the sample's week-ends since
    // 2012, and its 90th percentile in the calm 2012–2015). Hikes priced mirror it.
    let (cuts, hikes) = b1_priced(spread, d2y_63);
    if cuts {
        let s = 0.6 * ramp(-spread, 0.25, 1.0) + 0.4 * ramp(-d2y_63, 0.0, 0.5);
        r.conclude(State::Bullish, s, Branch::B1Cuts)
    } else if hikes {
        let s = 0.6 * ramp(spread, 0.25, 1.0) + 0.4 * ramp(d2y_63, 0.5, 1.0);
        r.conclude(State::Bearish, s, Branch::B1Hikes)
    } else {
        r.conclude(State::Neutral, 0.0, Branch::B1Flat)
    }
}

/// A move of the 2-year yield over [`B1_SHARP_READINGS`] daily readings (about four weeks) at
/// least this large, in pp, is the market repricing the policy path now (B1 `B1SharpMove`): two
/// quarter-point steps in a month.
pub const B1_SHARP_PP: f64 = 0.50;

/// The readings (business days of the daily 2-year series) over which B1 measures a sharp move.
pub const B1_SHARP_READINGS: usize = 20;

/// The noise band of a 63-session change in the 2-year yield, in pp (see [`b1_priced`]).
pub const B1_MOVE_NOISE_PP: f64 = 0.15;

/// B1's two readings from the spread (2-year minus policy rate, pp) and the 2-year's 63-session
/// change (pp): `(cuts priced, cuts priced out)`. Cuts: spread ≤ −0.50 with the 2-year not
/// rising, or spread ≤ −0.25 with the 2-year down more than [`B1_MOVE_NOISE_PP`]. Priced out:
/// the mirror (spread ≥ +0.50 not falling, or ≥ +0.25 up more than the noise), or a 63-session
/// jump of 0.50 pp or more. A token move (−0.02 pp) on a quarter-point gap is neither.
pub fn b1_priced(spread: f64, d2y_63: f64) -> (bool, bool) {
    let cuts = (spread <= -0.50 && d2y_63 <= 0.0) || (spread <= -0.25 && d2y_63 <= -B1_MOVE_NOISE_PP);
    let hikes = !cuts
        && ((spread >= 0.50 && d2y_63 >= 0.0)
            || (spread >= 0.25 && d2y_63 >= B1_MOVE_NOISE_PP)
            || d2y_63 >= 0.50);
    (cuts, hikes)
}

const B2: &str = crate::signals::catalog::SignalId::MacroInflationCooling.as_str();
/// The turn inside a window whose change is `change`: among `between` (the values strictly
/// inside it, with their dates), the extreme on the change's side (the highest for a rise, the
/// lowest for a fall) that stands at least `min_move` back from `last`, differences measured in
/// `scale` × the values' unit (100 for a YoY fraction against points). None for no change or no
/// such value.
fn turn_back(
    change: f64,
    last: f64,
    between: impl Iterator<Item = (f64, NaiveDate)>,
    scale: f64,
    min_move: f64,
) -> Option<(f64, NaiveDate)> {
    let sign = if change > 0.0 {
        1.0
    } else if change < 0.0 {
        -1.0
    } else {
        return None;
    };
    between
        .filter(|(v, _)| (v - last) * scale * sign >= min_move - 1e-9)
        .max_by(|a, b| (a.0 * sign).total_cmp(&(b.0 * sign)))
}

const B2_CLAIM: &str = "inflation cooling";

struct Yoy {
    yoy: f64,
    d3_pp: f64,
    /// The turn inside the three months: the YoY rate one or two months back that stands at
    /// least [`B2_CORE_COOL_PP`] beyond the latest against the three-month change (a high the
    /// rate fell from after a rise, a low it rose from after a fall), with its month.
    turn: Option<(f64, NaiveDate)>,
}

fn yoy_d3(k: &Known) -> Result<Yoy, Unavailable> {
    let x = k.last().value;
    let yoy = x / k.months_back_or(12)? - 1.0;
    let yoy3 = k.months_back_or(3)? / k.months_back_or(15)? - 1.0;
    let d3_pp = (yoy - yoy3) * 100.0;
    // Review 29: "up 0.18 points in three months" of a rate that peaked two months ago and has
    // fallen since read as still rising; the months between say the turn.
    let between = (1..=2).filter_map(|m| {
        let y = k.months_back(m)? / k.months_back(m + 12)? - 1.0;
        let month = k.last().period.checked_sub_months(chrono::Months::new(m as u32))?;
        Some((y, month))
    });
    let turn = turn_back(d3_pp, yoy, between, 100.0, B2_CORE_COOL_PP);
    Ok(Yoy { yoy, d3_pp, turn })
}

/// B2: core (and headline) CPI momentum.
fn b2_inflation(input: &SignalInput) -> SignalResult {
    let tf = Timeframe::Monthly;
    let core = try_known!(input, &["core_cpi"], B2, "macro", B2_CLAIM, tf);
    let (c, c3) = match (yoy_d3(&core), core.months_back_or(3)) {
        (Ok(c), Ok(c3)) => (c, c3),
        (Err(e), _) | (_, Err(e)) => return unavailable(B2, "macro", B2_CLAIM, tf, e),
    };
    let ann3 = (core.last().value / c3).powi(4) - 1.0;
    let head = known(input, &["cpi"]).ok().and_then(|h| yoy_d3(&h).ok());
    let last = core.last().period;
    let mut r = SignalResult::new(B2, "macro", B2_CLAIM, tf, Some(last));
    r.push_num("yoy_c", c.yoy, Unit::Pct);
    r.push_num("ann3_c", ann3, Unit::Pct);
    r.push_num("d3_c", c.d3_pp, Unit::Pp);
    r.push_num("yoy_h", head.as_ref().map_or(f64::NAN, |h| h.yoy), Unit::Pct);
    r.push_num("d3_h", head.as_ref().map_or(f64::NAN, |h| h.d3_pp), Unit::Pp);
    r.push("obs_month", Ev::Month { v: last });
    r.push("obs_date", Ev::Date { v: last });
    for (key, mkey, y) in [("turn_c", "turn_c_month", Some(&c)), ("turn_h", "turn_h_month", head.as_ref())] {
        if let Some((v, m)) = y.and_then(|y| y.turn) {
            r.push_num(key, v, Unit::Pct);
            r.push(mkey, Ev::Month { v: m });
        }
    }
    if head.is_none() {
        r.flags.push(Flag::HeadlineMissing);
    }
    let gap_pp = (c.yoy - ann3) * 100.0; // yoy minus 3-month annualised, in pp
    match b2_reading(c.d3_pp, ann3 - c.yoy, head.as_ref().map(|h| h.d3_pp)) {
        State::Bullish => {
            let s = 0.5 * ramp(-c.d3_pp, 0.0, 0.5) + 0.5 * ramp(gap_pp, 0.0, 1.0);
            r.conclude(State::Bullish, s, Branch::B2Cooling)
        }
        State::Bearish => {
            let s = 0.5 * ramp(c.d3_pp, 0.2, 0.7) + 0.5 * ramp(-gap_pp, 0.0, 1.0);
            r.conclude(State::Bearish, s, Branch::B2Reaccelerating)
        }
        _ => {
            if head.as_ref().is_some_and(|h| h.d3_pp * c.d3_pp < 0.0) {
                r.flags.push(Flag::CoreHeadlineDisagree);
            }
            r.conclude(State::Neutral, 0.0, Branch::B2NotCooling)
        }
    }
}

/// The core change beyond which B2 reads a direction, in pp of the YoY rate over 3 months.
pub const B2_CORE_COOL_PP: f64 = 0.10;

/// B2's state from core CPI's 3-month change in YoY (`d3_c`, pp), its 3-month annualised pace
/// less its YoY (`pace_minus_yoy`, fraction) and headline's 3-month change (`d3_h`, pp; `None`
/// when headline CPI is not configured, and then core alone decides). Core and headline must
/// agree: cooling needs core down at least [`B2_CORE_COOL_PP`] and headline down too;
/// re-accelerating needs core up at least 0.20 pp with a pace above its YoY, and headline up.
/// Anything else (a token core move, or core and headline moving apart) is neutral.
pub fn b2_reading(d3_c: f64, pace_minus_yoy: f64, d3_h: Option<f64>) -> State {
    if d3_c <= -B2_CORE_COOL_PP && d3_h.is_none_or(|h| h < 0.0) {
        State::Bullish
    } else if d3_c >= 0.20 && pace_minus_yoy > 0.0 && d3_h.is_none_or(|h| h > 0.0) {
        State::Bearish
    } else {
        State::Neutral
    }
}

const B3: &str = crate::signals::catalog::SignalId::MacroGrowthStabilising.as_str();
const B3_CLAIM: &str = "growth stabilising";

/// B3: the Sahm gap on UNRATE, INDPRO optional.
fn b3_growth(input: &SignalInput) -> SignalResult {
    let tf = Timeframe::Monthly;
    let u = try_known!(input, &["unrate"], B3, "macro", B3_CLAIM, tf);
    // 3-month average over the months present (at least 2 of 3: BLS skipped October 2025).
    let avg3 = |k: i32| -> Option<f64> {
        let v: Vec<f64> = (k..k + 3).filter_map(|j| u.months_back(j)).collect();
        (v.len() >= 2).then(|| v.iter().sum::<f64>() / v.len() as f64)
    };
    // A month missing from the averages the gap now reads (the last 15 months).
    let skipped = (0..15).any(|j| u.months_back(j).is_none());
    // The three-month averages now and for each of the 24 months before: the Sahm gap now and
    // at each of the last 12 months needs the 12 averages before each.
    let avgs: Vec<Option<f64>> = (0..=24).map(avg3).collect();
    let sahm_at = |k: usize| -> Option<f64> {
        let low = avgs[k + 1..=k + 12].iter().try_fold(f64::INFINITY, |m, v| v.map(|v| m.min(v)))?;
        Some(avgs[k]? - low)
    };
    let (Some(now), Some(gap)) = (avgs[0], sahm_at(0)) else {
        return unavailable(B3, "macro", B3_CLAIM, tf, short(15, u.obs.len()));
    };
    let low12 = now - gap;
    // The highest three-month average of the previous 12 months and the highest Sahm gap seen
    // in them (how far unemployment had risen), where the history reaches that far.
    let high12 = avgs[1..=12].iter().try_fold(f64::NEG_INFINITY, |m, v| v.map(|v| m.max(v)));
    let peak_gap = (1..=12).map(sahm_at).try_fold(f64::NEG_INFINITY, |m, v| v.map(|v| m.max(v)));
    let d3_avg = avgs[3].map(|b| now - b);
    let d3_unrate = u.months_back(3).map(|b| u.last().value - b);
    let indpro = match known(input, &["indpro"]) {
        Ok(k) => k.months_back(12).map(|b| k.last().value / b - 1.0),
        Err(_) => None,
    };
    let last = u.last().period;
    let mut r = SignalResult::new(B3, "macro", B3_CLAIM, tf, Some(last));
    r.push_num("unrate", u.last().value, Unit::Level);
    r.push_num("u3avg", now, Unit::Level);
    r.push_num("u3avg_low12", low12, Unit::Level);
    r.push_num("sahm_gap", gap, Unit::Pp);
    r.push_num("u3avg_high12", high12.unwrap_or(f64::NAN), Unit::Level);
    r.push_num("sahm_gap_peak12", peak_gap.unwrap_or(f64::NAN), Unit::Pp);
    r.push_num("d3_u3avg", d3_avg.unwrap_or(f64::NAN), Unit::Pp);
    r.push_num("d3_unrate", d3_unrate.unwrap_or(f64::NAN), Unit::Pp);
    if let Some(ip) = indpro {
        r.push_num("indpro_yoy", ip, Unit::Pct);
    } else {
        r.flags.push(Flag::IndproMissing);
    }
    r.push("obs_month", Ev::Month { v: last });
    r.push("obs_date", Ev::Date { v: last });
    if skipped {
        r.flags.push(Flag::MissingMonths);
    }
    let turned = b3_stabilised(now, high12, peak_gap, d3_avg, d3_unrate);
    if turned && indpro.is_none_or(|ip| ip >= -0.01) {
        let s = ramp(high12.unwrap_or(now) - now, 0.10, 0.50);
        r.conclude(State::Bullish, s, Branch::B3Stabilising)
    } else if gap >= 0.50 {
        r.conclude(State::Bearish, ramp(gap, 0.5, 1.0), Branch::B3SahmTriggered)
    } else if gap >= 0.30 {
        r.conclude(State::Neutral, 0.0, Branch::B3Drifting)
    } else if turned {
        r.conclude(State::Neutral, 0.0, Branch::B3IndproWeak)
    } else {
        r.flags.push(Flag::NoRecentRise);
        r.conclude(State::Neutral, 0.0, Branch::B3Steady)
    }
}

/// The rise in the Sahm gap over the previous 12 months that counts as a slowdown, in pp.
pub const B3_RISE_PP: f64 = 0.30;
/// How far the three-month average must be below its high of the previous 12 months, in pp.
pub const B3_TURN_PP: f64 = 0.10;

/// B3's "stabilising" reading: unemployment rose (the Sahm gap reached [`B3_RISE_PP`] at some
/// month of the previous 12), and has turned: the three-month average `now` is at least
/// [`B3_TURN_PP`] below its high of the previous 12 months (`high12`), is not higher than
/// three months ago (`d3_avg`), and the rate itself is not up over three months (`d3_unrate`,
/// when that month was published). Low, steady unemployment is not "stabilising" (issue 11:
/// the old rule, Sahm gap under 0.30, was bullish on 83% of week-ends since 2012).
pub fn b3_stabilised(
    now: f64,
    high12: Option<f64>,
    peak_gap: Option<f64>,
    d3_avg: Option<f64>,
    d3_unrate: Option<f64>,
) -> bool {
    peak_gap.is_some_and(|p| p >= B3_RISE_PP)
        && high12.is_some_and(|h| now <= h - B3_TURN_PP)
        && d3_avg.is_some_and(|d| d <= 0.0)
        && d3_unrate.is_none_or(|d| d <= 0.0)
}

const B4: &str = crate::signals::catalog::SignalId::MacroFinancingCostsFalling.as_str();
const B4_CLAIM: &str = "financing costs falling";

/// B4: HY OAS and the 2-year.
fn b4_financing(input: &SignalInput) -> SignalResult {
    let tf = Timeframe::Daily;
    let oas = try_known!(input, &["hy_oas"], B4, "macro", B4_CLAIM, tf);
    let dgs2 = try_known!(input, &["dgs2"], B4, "macro", B4_CLAIM, tf);
    // The 5-year percentile reads only its window (1,260 sessions ending at the last value).
    let vals = oas.tail_values(1260);
    let pct = pctrank(&vals, vals.len() - 1, 1260);
    let (Some(d_oas), Some(d2y), Some(pct)) = (oas.change(63), dgs2.change(63), pct) else {
        let have = oas.obs.len().min(dgs2.obs.len());
        return unavailable(B4, "macro", B4_CLAIM, tf, short(630, have));
    };
    let mut r = SignalResult::new(B4, "macro", B4_CLAIM, tf, Some(oas.last().period));
    r.push_num("oas", oas.last().value, Unit::Level);
    r.push_num("d_oas_63", d_oas, Unit::Pp);
    r.push_num("oas_pct5y", pct, Unit::Ratio);
    r.push_num("dgs2", dgs2.last().value, Unit::Level);
    r.push_num("d2y_63", d2y, Unit::Pp);
    r.push("oas_date", Ev::Date { v: oas.last().period });
    // A reversal inside the 63 sessions of at least a tenth of a point (as B2's turn).
    if let Some((v, d)) = oas.turn(63, B2_CORE_COOL_PP) {
        r.push_num("turn_oas", v, Unit::Level);
        r.push("turn_oas_date", Ev::Date { v: d });
    }
    if d_oas <= 0.0 && d2y <= 0.0 && pct <= 0.60 {
        let s = 0.4 * ramp(-d_oas, 0.0, 0.75) + 0.3 * ramp(-d2y, 0.0, 0.5) + 0.3 * ramp(pct, 0.6, 0.1);
        r.conclude(State::Bullish, s, Branch::B4Falling)
    } else if d_oas >= 0.50 || (d2y >= 0.40 && d_oas > 0.0) {
        let s = 0.6 * ramp(d_oas, 0.0, 1.0) + 0.4 * ramp(d2y, 0.0, 0.8);
        r.conclude(State::Bearish, s, Branch::B4Tightening)
    } else {
        r.conclude(State::Neutral, 0.0, Branch::B4Unchanged)
    }
}

const B5: &str = crate::signals::catalog::SignalId::MacroForeignFlows.as_str();
const B5_CLAIM: &str = "foreign investment flows into the US strong";

/// B5: TIC net foreign purchases, 3-month sum against its 2-year norm.
fn b5_foreign_flows(input: &SignalInput) -> SignalResult {
    let tf = Timeframe::Monthly;
    let k = try_known!(input, &["foreign_flows"], B5, "macro", B5_CLAIM, tf);
    let v = k.values();
    let n = v.len();
    if n < 27 {
        return unavailable(B5, "macro", B5_CLAIM, tf, short(27, n));
    }
    let sum3 = v[n - 3..].iter().sum::<f64>();
    let prior: Vec<f64> = (1..=24).map(|b| v[n - 3 - b..n - b].iter().sum::<f64>()).collect();
    let med24 = median(&prior).unwrap_or(f64::NAN);
    let last = k.last().period;
    let mut r = SignalResult::new(B5, "macro", B5_CLAIM, tf, Some(last));
    r.push_num("sum3", sum3, Unit::Level);
    r.push_num("med24", med24, Unit::Level);
    r.push("month", Ev::Month { v: last });
    r.push("obs_date", Ev::Date { v: last });
    let norm = med24.abs().max(1.0);
    if sum3 > 0.0 && sum3 >= med24 {
        r.conclude(State::Bullish, 0.5 + 0.5 * ramp(sum3 / norm, 1.0, 2.0), Branch::B5Strong)
    } else if sum3 < 0.0 {
        r.conclude(State::Bearish, ramp(-sum3 / norm, 0.0, 1.0), Branch::B5Selling)
    } else {
        r.conclude(State::Neutral, 0.0, Branch::B5BelowNorm)
    }
}

const C1: &str = crate::signals::catalog::SignalId::FundSmallCapEarningsTurn.as_str();
const C1_CLAIM: &str = "forward earnings estimates turned higher";

/// C1: 13-week change in forward EPS.
fn c1_earnings(input: &SignalInput) -> SignalResult {
    let tf = Timeframe::Weekly;
    let k = try_known!(input, &["fwd_eps"], C1, "fundamentals", C1_CLAIM, tf);
    let v = k.values();
    let n = v.len();
    if n < 39 {
        return unavailable(C1, "fundamentals", C1_CLAIM, tf, short(39, n));
    }
    let g = |i: usize| v[i] / v[i - 13] - 1.0;
    let g13 = g(n - 1);
    let min26 = (n - 26..n).map(g).fold(f64::INFINITY, f64::min);
    let high26 = v[n - 1] >= v[n - 26..].iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let last = k.last().period;
    let mut r = SignalResult::new(C1, "fundamentals", C1_CLAIM, tf, Some(last));
    r.push_num("eps", v[n - 1], Unit::Level);
    r.push_num("g13", g13, Unit::Pct);
    r.push_num("min26", min26, Unit::Pct);
    r.push("eps_high26", Ev::YesNo { v: high26 });
    r.push("obs_date", Ev::Date { v: last });
    if g13 > 0.0 && min26 < 0.0 {
        r.flags.push(Flag::FreshTurn);
        r.conclude(State::Bullish, ramp(g13, 0.0, 0.04), Branch::C1FreshTurn)
    } else if g13 > 0.0 && high26 {
        r.flags.push(Flag::Continuation);
        r.conclude(State::Bullish, 0.7 * ramp(g13, 0.0, 0.04), Branch::C1Continuation)
    } else if g13 < -0.02 {
        r.conclude(State::Bearish, ramp(-g13, 0.02, 0.06), Branch::C1Cut)
    } else {
        r.conclude(State::Neutral, 0.0, Branch::C1Flat)
    }
}

const C2: &str = crate::signals::catalog::SignalId::FundRevenueRevisionsStable.as_str();
const C2_CLAIM: &str = "revenue revisions stabilised";

/// C2: 13-week change in forward sales against the prior 13 weeks.
fn c2_revenue(input: &SignalInput) -> SignalResult {
    let tf = Timeframe::Weekly;
    let k = try_known!(input, &["fwd_sales"], C2, "fundamentals", C2_CLAIM, tf);
    let (Some(x), Some(x13), Some(x26)) = (k.obs_back(0), k.obs_back(13), k.obs_back(26)) else {
        return unavailable(C2, "fundamentals", C2_CLAIM, tf, short(27, k.obs.len()));
    };
    let g = x / x13 - 1.0;
    let gp = x13 / x26 - 1.0;
    let last = k.last().period;
    let mut r = SignalResult::new(C2, "fundamentals", C2_CLAIM, tf, Some(last));
    r.push_num("sales", x, Unit::Level);
    r.push_num("g13s", g, Unit::Pct);
    r.push_num("g13s_prev", gp, Unit::Pct);
    r.push("obs_date", Ev::Date { v: last });
    if g >= -0.005 && g >= gp {
        r.conclude(State::Bullish, ramp(g, -0.005, 0.02), Branch::C2Stable)
    } else if g < -0.02 && g < gp {
        r.conclude(State::Bearish, ramp(-g, 0.02, 0.05), Branch::C2Falling)
    } else {
        r.conclude(State::Neutral, 0.0, Branch::C2Mixed)
    }
}

const C3: &str = crate::signals::catalog::SignalId::FundCostPressureEasing.as_str();
const C3_CLAIM: &str = "cost pressure easing";

/// C3: PPI (and wage) YoY momentum.
fn c3_cost_pressure(input: &SignalInput) -> SignalResult {
    let tf = Timeframe::Monthly;
    let ppi = try_known!(input, &["ppi"], C3, "fundamentals", C3_CLAIM, tf);
    let p = match yoy_d3(&ppi) {
        Ok(p) => p,
        Err(e) => return unavailable(C3, "fundamentals", C3_CLAIM, tf, e),
    };
    let ahe = known(input, &["ahe"]).ok().and_then(|k| yoy_d3(&k).ok());
    let last = ppi.last().period;
    let mut r = SignalResult::new(C3, "fundamentals", C3_CLAIM, tf, Some(last));
    r.push_num("ppi_yoy", p.yoy, Unit::Pct);
    r.push_num("d3_ppi", p.d3_pp, Unit::Pp);
    r.push_num("ahe_yoy", ahe.as_ref().map_or(f64::NAN, |a| a.yoy), Unit::Pct);
    r.push_num("d3_ahe", ahe.as_ref().map_or(f64::NAN, |a| a.d3_pp), Unit::Pp);
    r.push("obs_month", Ev::Month { v: last });
    r.push("obs_date", Ev::Date { v: last });
    if ahe.is_none() {
        r.flags.push(Flag::AheMissing);
    }
    let d3_ahe = ahe.as_ref().map(|a| a.d3_pp);
    if p.d3_pp <= 0.0 && d3_ahe.is_none_or(|d| d <= 0.0) {
        let s = 0.6 * ramp(-p.d3_pp, 0.0, 1.0) + 0.4 * d3_ahe.map_or(0.0, |d| ramp(-d, 0.0, 0.3));
        r.conclude(State::Bullish, s, Branch::C3Easing)
    } else if p.d3_pp >= 0.5 {
        r.conclude(State::Bearish, ramp(p.d3_pp, 0.5, 1.5), Branch::C3Rising)
    } else {
        r.conclude(State::Neutral, 0.0, Branch::C3Steady)
    }
}
