//! Signals E1–E4 (SIGNALS.md §4 E): the 3-day chart. Input: the instrument's complete 3-day
//! bars for phases 0, 1 and 2 (`SignalInput::three_day`), its daily dates (event days for E3)
//! and D4's state (E4's mirror). Output: four 3-day [`SignalResult`]s in group `three_day`.
//!
//! Phase robustness (§1): every signal is computed on each phase; `phase_agreement` counts the
//! phases (0 included) whose state equals phase 0's, and σ = σ₀·(0.5 + 0.5·agreement/3).
//! Evidence, sentence and `as_of` come from phase 0.
//!
//! | signal | evidence keys, in order (then `phase_agreement` Count, `phase_states` States) |
//! |---|---|
//! | E1 `d3_consolidation_hold` | `zone_start` Date, `zone_end` Date, `zlo` Price, `ztop` Price, `zone_bars` Count, `breakdown_date` Date (the start of the latest run of closes under `zlo` after the zone, when there is one), `breakout_date` Date, `n` Count, `closes_above` Count, `undercut` Atr (signed: < 0 means lows stayed above `ztop`), `lead` Atr (signed), `close` Price, `atr` Price |
//! | E2 `d3_higher_dip_absorption` | `window_start` Date, `k` Count, `dip_dates` Dates, `dip_lows` Prices, `absorbed` Count, `absorbed_ratio` Ratio, `max_recov` Count, `l_k` Price, `l_k1` Price, `provisional_dip_date` Date |
//! | E3 `d3_volume_trend` | `vtrend` Pct, `vr` Ratio, `udv20` Ratio, `event_dates` Dates (event bars in the last 30), `vtrend_ex_events` Pct, `udv20_ex_events` Ratio |
//! | E4 `d3_momentum_mirror` | `trough_date` Date, `trough_atr` Atr, `wave_end_date` Date, `fade_bars` Count, `cd_share` Pct, `faded` Text, `rising` Count, `falling` Count, `turned_up_on` Date (first bar of the rising run), `h_atr` Atr, `mirror` Text |
//!
//! Flags: E1 `no_zone`, `no_breakout`; E2 `too_few_dips`, `provisional_dip`; E3
//! `event_sensitive`; E4 `no_mirror`.

use super::branch::{Branch, E1NotFirm, Flag};
use super::cache::{self, or_compute};
use super::series::{at, dates_at, logtrend_vol, missing_share, price_list, ratio, sma_vol, vol_ok, yes_no};
use super::{Ev, SignalInput, SignalResult, State, Unavailable, Unit};
use crate::data::BarsView;
use crate::indicators::primitives::{self as p, WaveState};
use crate::indicators::{atr, macd};
use crate::resample::calendar::{is_half_day, is_quarterly_opex};
use crate::resample::Timeframe;
use chrono::{Duration, NaiveDate};

const GROUP: &str = "three_day";
const E1: &str = crate::signals::catalog::SignalId::D3ConsolidationHold.as_str();
const E1_CLAIM: &str = "price holding firmly above its 3-day consolidation zone";
const E2: &str = crate::signals::catalog::SignalId::D3HigherDipAbsorption.as_str();
const E2_CLAIM: &str = "3-day dips absorbed at higher levels";
const E3: &str = crate::signals::catalog::SignalId::D3VolumeTrend.as_str();
const E3_CLAIM: &str = "rising 3-day volume trend";
const E4: &str = crate::signals::catalog::SignalId::D3MomentumMirror.as_str();
const E4_CLAIM: &str = "3-day momentum mirroring the weekly expansion";

/// E1 and E2 need 45 complete 3-day bars (ATR14 plus 30-bar zone windows).
pub const E1_NEED: usize = 45;
/// E3 needs 31 bars (SMA30 of volume and one prior close).
pub const E3_NEED: usize = 31;
/// E4 needs 60 bars (MACD 12/26/9 lookback 33 plus waves).
pub const E4_NEED: usize = 60;

fn short(id: &'static str, claim: &'static str, b: BarsView<'_>, need: usize) -> SignalResult {
    SignalResult::unavailable(
        id,
        GROUP,
        claim,
        Timeframe::ThreeDay,
        b.date.last().copied(),
        Unavailable::InsufficientHistory { need, have: b.len() },
    )
}

/// Evaluates E1–E4, each phase-robust.
pub fn evaluate(input: &SignalInput) -> Vec<SignalResult> {
    evaluate_with_mirror(input, super::weekly::d4(input).state == State::Bullish)
}

/// [`evaluate`] given whether D4 (`wk_momentum_wave_flip`) is bullish on the same input, for a
/// caller that has evaluated it already.
pub fn evaluate_with_mirror(input: &SignalInput, mirror: bool) -> Vec<SignalResult> {
    // E1 and E2 read the same zone of each phase: with the precomputed window lengths it is
    // found once for both.
    let zones = input.pre.map(|p| {
        std::array::from_fn(|ph| {
            let b = input.three_day[ph];
            (b.len() >= E1_NEED).then(|| find_zone_with(b, &p.three_day_zone_len[ph], b.len() - 1)).flatten()
        })
    });
    let zones = zones.as_ref();
    vec![
        robust(input, |i, b, ph| e1(i, b, ph, zones)),
        robust(input, |i, b, ph| e2(i, b, ph, zones)),
        robust(input, e3),
        robust(input, |i, b, ph| e4(i, b, ph, mirror)),
    ]
}

/// Each phase's zone at its last bar, when found once for E1 and E2.
type Zones = [Option<Zone>; 3];

/// Runs `f` on the three phases and scales phase 0's strength by their agreement.
fn robust(
    input: &SignalInput,
    f: impl Fn(&SignalInput, BarsView<'_>, usize) -> SignalResult,
) -> SignalResult {
    let mut r0 = f(input, input.three_day[0], 0);
    if r0.state == State::Unavailable {
        return r0;
    }
    // Only the other phases' states are read: build them without sentences.
    let (s1, s2) = super::without_sentences(|| {
        (f(input, input.three_day[1], 1).state, f(input, input.three_day[2], 2).state)
    });
    let states = [r0.state, s1, s2];
    let agreement = states.iter().filter(|s| **s == r0.state).count();
    r0.strength *= 0.5 + 0.5 * agreement as f64 / 3.0;
    r0.push_num("phase_agreement", agreement as f64, Unit::Count);
    r0.push("phase_states", Ev::States { v: states.to_vec() });
    r0
}

/// A 3-day consolidation zone.
#[derive(Debug, Clone, Copy)]
struct Zone {
    start: usize,
    end: usize,
    zlo: f64,
    ztop: f64,
    breakout: Option<usize>,
}

/// The windows ending at bar `e`, growing back one bar at a time up to 30 bars: yields
/// `(wlen, start, max close, min close, max high, min low)` and stops at a gap or a missing
/// close. Shared by [`zone_len`] and [`find_zone`], so the two read the same windows.
fn windows_back<'a>(
    b: BarsView<'a>,
    e: usize,
) -> impl Iterator<Item = (usize, usize, f64, f64, f64, f64)> + 'a {
    let (c, h, l) = (b.close, b.high, b.low);
    let gap = b.gap;
    let (mut maxc, mut minc, mut maxh, mut minl) =
        (f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY);
    (1..=30usize.min(e + 1)).map_while(move |wlen| {
        let s = e + 1 - wlen;
        if gap.get(s).copied().unwrap_or(false) || !c[s].is_finite() {
            return None;
        }
        maxc = maxc.max(c[s]);
        minc = minc.min(c[s]);
        maxh = maxh.max(h[s]);
        minl = minl.min(l[s]);
        Some((wlen, s, maxc, minc, maxh, minl))
    })
}

/// The longest window [`find_zone`] accepts ending at bar `e` (its windows ending at `e` are
/// exactly the lengths 8..=this), 0 when there is none. Reads bars `..=e` only, so it is
/// computed once per bar on the full bars ([`crate::signals::cache::Precomputed`]).
pub(crate) fn zone_len(b: BarsView<'_>, atr14: &[f64], e: usize) -> u8 {
    let Some(atr_e) = at(atr14, e) else { return 0 };
    let mut len = 0;
    for (wlen, _, maxc, minc, maxh, minl) in windows_back(b, e) {
        if wlen < 8 {
            continue;
        }
        if maxc - minc <= 2.5 * atr_e && maxh - minl <= 4.0 * atr_e {
            len = wlen;
        } else {
            break;
        }
    }
    len as u8
}

/// [`find_zone`] reading the precomputed [`zone_len`] of every bar (`lens`, at least `t + 1`
/// long): the same zone. Only windows of lengths 8..=`lens[e]` are tight, their top only rises
/// with the length, so the ones with a breakout are those whose top is under the highest close
/// after `e` (a NaN close never breaks out), and the longest of them is the one kept.
fn find_zone_with(b: BarsView<'_>, lens: &[u8], t: usize) -> Option<Zone> {
    if t < 2 {
        return None;
    }
    let c = &b.close;
    let mut fallback: Option<Zone> = None;
    // The highest close in (e, t], NaN skipped (f64::max keeps the other operand).
    let mut after = f64::NEG_INFINITY;
    let mut next = t;
    for e in (t.saturating_sub(30)..=t - 2).rev() {
        while next > e {
            after = after.max(c[next]);
            next -= 1;
        }
        let len = lens[e] as usize;
        if len < 8 {
            continue;
        }
        // Once a fallback is kept, only a breakout counts: none when even the shortest window's
        // top (the same fold as below) is not under the highest close after e.
        if fallback.is_some()
            && after.partial_cmp(&c[e - 7..=e].iter().rev().fold(f64::NEG_INFINITY, |m, x| m.max(*x)))
                != Some(std::cmp::Ordering::Greater)
        {
            continue;
        }
        let (mut maxc, mut minc) = (f64::NEG_INFINITY, f64::INFINITY);
        let mut longest = (e, minc, maxc);
        let mut with_break: Option<(usize, f64, f64)> = None;
        for wlen in 1..=len {
            let s = e + 1 - wlen;
            maxc = maxc.max(c[s]);
            minc = minc.min(c[s]);
            if wlen >= 8 {
                longest = (s, minc, maxc);
                if after > maxc {
                    with_break = Some(longest);
                }
            }
        }
        if let Some((start, zlo, ztop)) = with_break {
            let bo = (e + 1..=t).find(|&j| c[j].partial_cmp(&ztop) == Some(std::cmp::Ordering::Greater));
            return Some(Zone { start, end: e, zlo, ztop, breakout: bo });
        }
        if fallback.is_none() {
            let (start, zlo, ztop) = longest;
            fallback = Some(Zone { start, end: e, zlo, ztop, breakout: None });
        }
    }
    fallback
}

/// The zone of [`find_zone`] at `b`'s last bar `t`: the one found for E1 and E2 when there is
/// one, else the direct scan.
fn zone_at(zones: Option<&Zones>, phase: usize, b: BarsView<'_>, atr14: &[f64], t: usize) -> Option<Zone> {
    match zones {
        Some(z) => z[phase],
        None => find_zone(b, atr14, t),
    }
}

/// The E1 zone: among windows ending at e ∈ [t−30, t−2] with length 8..=30 and a tight range
/// (closes within 2.5·ATR_e, wicks within 4·ATR_e, no gap bar), the latest e with a breakout
/// (first close above the window's top), longest window on ties; else the latest valid window.
#[inline(never)]
fn find_zone(b: BarsView<'_>, atr14: &[f64], t: usize) -> Option<Zone> {
    if t < 2 {
        return None;
    }
    let c = &b.close;
    let mut fallback: Option<Zone> = None;
    for e in (t.saturating_sub(30)..=t - 2).rev() {
        let Some(atr_e) = at(atr14, e) else { continue };
        let mut with_break: Option<Zone> = None;
        let mut longest: Option<Zone> = None;
        // The first close above the window's top: the top only rises as the window grows, so
        // the search resumes where it stopped.
        let mut bo = e + 1;
        for (wlen, s, maxc, minc, maxh, minl) in windows_back(b, e) {
            if wlen < 8 {
                continue;
            }
            if maxc - minc <= 2.5 * atr_e && maxh - minl <= 4.0 * atr_e {
                // (`!(c > maxc)` rather than `c <= maxc`: a NaN close is not a breakout.)
                while bo <= t && c[bo].partial_cmp(&maxc) != Some(std::cmp::Ordering::Greater) {
                    bo += 1;
                }
                let breakout = (bo <= t).then_some(bo);
                let z = Zone { start: s, end: e, zlo: minc, ztop: maxc, breakout };
                longest = Some(z);
                if breakout.is_some() {
                    with_break = Some(z);
                }
            } else {
                break; // ranges only widen as the window grows
            }
        }
        if with_break.is_some() {
            return with_break;
        }
        if fallback.is_none() {
            fallback = longest;
        }
    }
    fallback
}

#[inline(never)]
fn e1(input: &SignalInput, b: BarsView<'_>, phase: usize, zones: Option<&Zones>) -> SignalResult {
    let n = b.len();
    if n < E1_NEED {
        return short(E1, E1_CLAIM, b, E1_NEED);
    }
    let t = n - 1;
    let c = &b.close;
    let atr14 =
        or_compute(input.pre.map(|p| &p.three_day_atr14[phase][..]), n, || atr(&b.high, &b.low, c, 14));
    let Some(atr_t) = at(&atr14, t).filter(|a| *a > 0.0) else {
        return short(E1, E1_CLAIM, b, E1_NEED);
    };
    let mut res = SignalResult::new(E1, GROUP, E1_CLAIM, Timeframe::ThreeDay, Some(b.date[t]));
    let Some(z) = zone_at(zones, phase, b, &atr14, t) else {
        res.push_num("close", c[t], Unit::Price);
        res.push_num("atr", atr_t, Unit::Price);
        res.flags.push(Flag::NoZone);
        return res.conclude(State::Neutral, 0.0, Branch::E1NoZone);
    };
    res.push("zone_start", Ev::Date { v: b.date[z.start] });
    res.push("zone_end", Ev::Date { v: b.date[z.end] });
    res.push_num("zlo", z.zlo, Unit::Price);
    res.push_num("ztop", z.ztop, Unit::Price);
    res.push_num("zone_bars", (z.end - z.start + 1) as f64, Unit::Count);
    let ct = c[t];
    let lead = (ct - z.ztop) / atr_t;
    // The breakdown: the start of the latest run of closes under the zone after it ended (a
    // short's level is dated from it; a break back below after a reclaim re-forms it).
    if let Some(k) = crate::indicators::primitives::latest_run_start(c, z.end + 1, t, |x| x < z.zlo) {
        res.push("breakdown_date", Ev::Date { v: b.date[k] });
    }
    let Some(bo) = z.breakout else {
        res.push_num("lead", lead, Unit::Atr);
        res.push_num("close", ct, Unit::Price);
        res.push_num("atr", atr_t, Unit::Price);
        res.flags.push(Flag::NoBreakout);
        if ct < z.zlo {
            let s = p::ramp((z.ztop - ct) / atr_t, 0.5, 2.5);
            return res.conclude(State::Bearish, s, Branch::E1BrokeDown);
        }
        return res.conclude(State::Neutral, 0.0, Branch::E1Inside);
    };
    let nb = t - bo + 1;
    let closes_above = (bo..=t).filter(|&j| c[j] >= z.ztop).count();
    let min_l = b.low[bo..=t].iter().cloned().fold(f64::INFINITY, f64::min);
    let undercut = (z.ztop - min_l) / atr_t;
    res.push("breakout_date", Ev::Date { v: b.date[bo] });
    res.push_num("n", nb as f64, Unit::Count);
    res.push_num("closes_above", closes_above as f64, Unit::Count);
    res.push_num("undercut", undercut, Unit::Atr);
    res.push_num("lead", lead, Unit::Atr);
    res.push_num("close", ct, Unit::Price);
    res.push_num("atr", atr_t, Unit::Price);

    if closes_above == nb && undercut <= 0.5 && lead >= 0.5 {
        let s = 0.4 * p::ramp(nb as f64, 2.0, 8.0)
            + 0.3 * p::ramp(lead, 0.5, 3.0)
            + 0.3 * p::ramp(undercut, 0.5, -0.5);
        return res.conclude(State::Bullish, s, Branch::E1Holding);
    }
    if ct < z.zlo || ct < z.ztop - 0.5 * atr_t {
        let s = p::ramp((z.ztop - ct) / atr_t, 0.5, 2.5);
        return res.conclude(State::Bearish, s, Branch::E1SlippedBack);
    }
    let branch = if closes_above == nb {
        // Every close held the top, so name what kept the hold from being firm.
        Branch::E1NotFirm(if undercut > 0.5 { E1NotFirm::Undercut } else { E1NotFirm::ShortLead })
    } else {
        Branch::E1NotHolding
    };
    res.conclude(State::Neutral, 0.0, branch)
}

#[inline(never)]
fn e2(input: &SignalInput, b: BarsView<'_>, phase: usize, zones: Option<&Zones>) -> SignalResult {
    let n = b.len();
    if n < E1_NEED {
        return short(E2, E2_CLAIM, b, E1_NEED);
    }
    let t = n - 1;
    let (c, h, l) = (&b.close, &b.high, &b.low);
    let atr14 = or_compute(input.pre.map(|p| &p.three_day_atr14[phase][..]), n, || atr(h, l, c, 14));
    if at(&atr14, t).is_none() {
        return short(E2, E2_CLAIM, b, E1_NEED);
    }
    let from = match zone_at(zones, phase, b, &atr14, t) {
        Some(z) => z.end + 1,
        None => t.saturating_sub(29),
    };
    let gap = |i: usize| b.gap.get(i).copied().unwrap_or(false);
    let (lows, highs) = match input.pre {
        Some(pc) => (
            cache::confirmed(&pc.three_day_pivot_lows2[phase], 2, t),
            cache::confirmed(&pc.three_day_pivot_highs2[phase], 2, t),
        ),
        None => (p::pivot_lows(l, 2, 2, t).into(), p::pivot_highs(h, 2, 2, t).into()),
    };
    let dips: Vec<usize> =
        lows[lows.partition_point(|&i| i < from)..].iter().copied().filter(|&i| !gap(i)).collect();
    let k = dips.len();
    let mut absorbed = 0usize;
    let mut max_recov = 0usize;
    for (q, &d) in dips.iter().enumerate() {
        let prior_high = match highs.iter().rev().find(|&&ph| ph < d) {
            Some(&ph) => h[ph],
            None => {
                let s = if q > 0 { dips[q - 1] } else { from.min(d) };
                h[s..d.max(s + 1).min(n)].iter().cloned().fold(f64::NEG_INFINITY, f64::max)
            }
        };
        let a = at(&atr14, d).unwrap_or(0.0);
        if let Some(j) = (d + 1..=(d + 4).min(t)).find(|&j| c[j] >= prior_high - 0.25 * a) {
            absorbed += 1;
            max_recov = max_recov.max(j - d);
        }
    }
    // A provisional last dip: a low in the last two bars, below the two bars before it and not
    // undercut since, that pivots cannot confirm yet.
    let last_piv = dips.last().copied();
    let provisional = (t.saturating_sub(1)..=t).find(|&j| {
        j >= 2
            && j >= from
            && last_piv.is_none_or(|pv| j > pv)
            && l[j] < l[j - 1].min(l[j - 2])
            && l[j + 1..=t].iter().all(|x| *x >= l[j])
    });
    let lows: Vec<f64> = dips.iter().map(|&i| l[i]).collect();
    let all_higher = lows.windows(2).all(|w| w[1] > w[0]);
    let absorbed_ratio = if k > 0 { absorbed as f64 / k as f64 } else { f64::NAN };

    let mut res = SignalResult::new(E2, GROUP, E2_CLAIM, Timeframe::ThreeDay, Some(b.date[t]));
    res.push("window_start", Ev::Date { v: b.date[from.min(t)] });
    res.push_num("k", k as f64, Unit::Count);
    res.push("dip_dates", Ev::Dates { v: dates_at(b, &dips) });
    res.push("dip_lows", price_list(&lows));
    res.push_num("absorbed", absorbed as f64, Unit::Count);
    res.push_num("absorbed_ratio", absorbed_ratio, Unit::Ratio);
    res.push_num("max_recov", max_recov as f64, Unit::Count);
    if k >= 1 {
        res.push_num("l_k", lows[k - 1], Unit::Price);
    }
    if k >= 2 {
        res.push_num("l_k1", lows[k - 2], Unit::Price);
    }
    if let Some(j) = provisional {
        res.push("provisional_dip_date", Ev::Date { v: b.date[j] });
        res.flags.push(Flag::ProvisionalDip);
    }

    if k < 2 {
        res.flags.push(Flag::TooFewDips);
        return res.conclude(State::Neutral, 0.0, Branch::E2TooFewDips);
    }
    if all_higher && absorbed_ratio >= 0.5 {
        let s = p::ramp(k as f64, 2.0, 4.0) * (0.5 + 0.5 * absorbed_ratio);
        return res.conclude(State::Bullish, s, Branch::E2Absorbed { all: absorbed == k });
    }
    if lows[k - 1] < lows[k - 2] {
        let a = at(&atr14, t).unwrap_or(f64::NAN);
        let s = p::ramp((lows[k - 2] - lows[k - 1]) / a, 0.0, 1.5);
        return res.conclude(State::Bearish, s, Branch::E2Undercut);
    }
    res.conclude(State::Neutral, 0.0, Branch::E2Mixed)
}

/// The 20-bar volume trend at or above which E3 calls 3-day volume rising (either state needs it).
pub const E3_RISING: f64 = 0.10;

/// The E3 reading of one volume series: (vtrend, vr, udv20, state, σ).
fn e3_read(v: &[f64], c: &[f64], t: usize) -> (f64, f64, f64, State, f64) {
    let vtrend = logtrend_vol(v, t, 20).unwrap_or(f64::NAN);
    let vr = match (sma_vol(v, t, 10), sma_vol(v, t, 30)) {
        (Some(a), Some(b)) => ratio(a, b).unwrap_or(f64::NAN),
        _ => f64::NAN,
    };
    let (mut up, mut down) = (0.0, 0.0);
    for j in t + 1 - 20..=t {
        if vol_ok(v[j]) {
            if c[j] > c[j - 1] {
                up += v[j];
            } else if c[j] < c[j - 1] {
                down += v[j];
            }
        }
    }
    let udv = ratio(up, down).unwrap_or(f64::NAN);
    if vtrend >= E3_RISING && udv >= 1.0 {
        let s =
            0.5 * p::ramp(vtrend, 0.1, 0.5) + 0.25 * p::ramp(vr, 1.0, 1.3) + 0.25 * p::ramp(udv, 1.0, 2.0);
        (vtrend, vr, udv, State::Bullish, s)
    } else if vtrend >= E3_RISING && udv < 0.8 {
        let s = 0.5 * p::ramp(vtrend, 0.1, 0.5) + 0.5 * p::ramp(udv, 0.8, 0.4);
        (vtrend, vr, udv, State::Bearish, s)
    } else {
        (vtrend, vr, udv, State::Neutral, 0.0)
    }
}

/// True when a daily session is an event day: quarterly opex, a reconstitution day, a half-day or
/// the session after one.
fn event_day(d: NaiveDate, prev: Option<NaiveDate>, recon: &[NaiveDate]) -> bool {
    is_quarterly_opex(d) || recon.contains(&d) || is_half_day(d) || prev.is_some_and(is_half_day)
}

/// The bars of `window` (ascending) among whose daily sessions (`dd`, the instrument's daily
/// dates, covering them) is an event day. Causal: a bar's answer reads only sessions up to it.
pub(crate) fn event_bars(
    dd: &[NaiveDate],
    b: BarsView<'_>,
    recon: &[NaiveDate],
    window: impl Iterator<Item = usize>,
) -> Vec<usize> {
    let mut events = Vec::new();
    // Bar i's sessions end where bar i + 1's start: each search is done once.
    let mut last_to: Option<(usize, usize)> = None;
    for i in window {
        let from = match last_to {
            Some((j, to)) if j + 1 == i => to,
            _ => {
                let lo = if i > 0 { b.date[i - 1] } else { b.date[i] - Duration::days(7) };
                dd.partition_point(|d| *d <= lo)
            }
        };
        let to = dd.partition_point(|d| *d <= b.date[i]);
        last_to = Some((i, to));
        if (from..to).any(|k| event_day(dd[k], k.checked_sub(1).map(|q| dd[q]), recon)) {
            events.push(i);
        }
    }
    events
}

#[inline(never)]
fn e3(input: &SignalInput, b: BarsView<'_>, phase: usize) -> SignalResult {
    let n = b.len();
    if n < E3_NEED {
        return short(E3, E3_CLAIM, b, E3_NEED);
    }
    let t = n - 1;
    let (c, v) = (&b.close, &b.volume);
    if missing_share(v, t + 1 - 30, t) > 0.05 {
        return SignalResult::unavailable(
            E3,
            GROUP,
            E3_CLAIM,
            Timeframe::ThreeDay,
            Some(b.date[t]),
            Unavailable::VolumeGaps,
        );
    }
    let (vtrend, vr, udv, state, mut s) = e3_read(v, c, t);

    // Event bars among the last 30: any daily session of the bar is an event day. They can only
    // weaken an active state, so a walk skips them when the state is neutral.
    let window = if state == State::Neutral && super::quiet() { t + 1..=t } else { t + 1 - 30..=t };
    let events: Vec<usize> = match input.pre.map(|p| &p.three_day_event[phase]).filter(|f| f.len() >= n) {
        Some(flags) => window.filter(|&i| flags[i]).collect(),
        None => event_bars(&input.daily.date, b, &input.params.reconstitution_days, window),
    };
    let mut res = SignalResult::new(E3, GROUP, E3_CLAIM, Timeframe::ThreeDay, Some(b.date[t]));
    res.push_num("vtrend", vtrend, Unit::Pct);
    res.push_num("vr", vr, Unit::Ratio);
    res.push_num("udv20", udv, Unit::Ratio);
    res.push("event_dates", Ev::Dates { v: dates_at(b, &events) });
    if !events.is_empty() {
        let mut last20: Vec<f64> = v[t + 1 - 20..=t].iter().copied().filter(|x| vol_ok(*x)).collect();
        last20.sort_by(f64::total_cmp);
        let med = p::median(&last20).unwrap_or(f64::NAN);
        // e3_read looks back 30 bars (and one more close): copy only those.
        let o = t + 1 - 31;
        let mut v2 = v[o..=t].to_vec();
        for &i in &events {
            v2[i - o] = med;
        }
        let (vt2, _, udv2, state2, _) = e3_read(&v2, &c[o..=t], t - o);
        res.push_num("vtrend_ex_events", vt2, Unit::Pct);
        res.push_num("udv20_ex_events", udv2, Unit::Ratio);
        if state2 != state {
            s *= 0.7;
            res.flags.push(Flag::EventSensitive);
        }
    }
    match state {
        State::Bullish => res.conclude(State::Bullish, s, Branch::E3Up),
        State::Bearish => res.conclude(State::Bearish, s, Branch::E3Down),
        _ => {
            let branch = if vtrend >= E3_RISING {
                Branch::E3RisingNotUp
            } else if vtrend <= -0.10 {
                Branch::E3Falling
            } else {
                Branch::E3Flat
            };
            res.conclude(State::Neutral, 0.0, branch)
        }
    }
}

#[inline(never)]
fn e4(input: &SignalInput, b: BarsView<'_>, phase: usize, mirror: bool) -> SignalResult {
    let n = b.len();
    if n < E4_NEED {
        return short(E4, E4_CLAIM, b, E4_NEED);
    }
    let t = n - 1;
    let c = &b.close;
    let pre = input.pre;
    let hist = or_compute(pre.map(|p| &p.three_day_macd_hist[phase][..]), n, || macd(c, 12, 26, 9).hist);
    let atr14 = or_compute(pre.map(|p| &p.three_day_atr14[phase][..]), n, || atr(&b.high, &b.low, c, 14));
    let (Some(ht), Some(atr_t)) = (at(&hist, t), at(&atr14, t).filter(|a| *a > 0.0)) else {
        return short(E4, E4_CLAIM, b, E4_NEED);
    };
    let states = or_compute(pre.map(|p| &p.three_day_wave_states[phase][..]), n, || p::wave_states(&hist));
    let own_ws;
    let mut ws: Box<dyn Iterator<Item = p::Wave>> = match pre {
        Some(pc) => Box::new(pc.three_day_waves[phase].rev_upto(&pc.three_day_macd_hist[phase], t)),
        None => {
            own_ws = p::waves(&hist);
            Box::new(own_ws.iter().rev().copied())
        }
    };
    let mut rising = 0usize;
    let mut i = t;
    while i > 0 && hist[i].is_finite() && hist[i - 1].is_finite() && hist[i] > hist[i - 1] {
        rising += 1;
        i -= 1;
    }
    let mut falling = 0usize;
    let mut i = t;
    while i > 0 && hist[i].is_finite() && hist[i - 1].is_finite() && hist[i] < hist[i - 1] {
        falling += 1;
        i -= 1;
    }
    let mut res = SignalResult::new(E4, GROUP, E4_CLAIM, Timeframe::ThreeDay, Some(b.date[t]));
    let mut faded = false;
    if let Some(w) = ws.find(|w| !w.positive && w.end <= t) {
        let tau = w.peak_idx;
        let fade = w.end.saturating_sub(tau);
        let cd =
            (tau + 1..=w.end).filter(|&j| states.get(j).copied().flatten() == Some(WaveState::CD)).count();
        let share = if fade > 0 { cd as f64 / fade as f64 } else { 0.0 };
        faded = fade >= 3 && share >= 0.67;
        res.push("trough_date", Ev::Date { v: b.date[tau] });
        res.push_num("trough_atr", hist[tau] / atr_t, Unit::Atr);
        res.push("wave_end_date", Ev::Date { v: b.date[w.end] });
        res.push_num("fade_bars", fade as f64, Unit::Count);
        res.push_num("cd_share", share, Unit::Pct);
    }
    res.push("faded", yes_no(faded));
    res.push_num("rising", rising as f64, Unit::Count);
    res.push_num("falling", falling as f64, Unit::Count);
    // The bar the current run of rising histogram bars began on: the date of the 3-day turn, so
    // the note orders it against the weekly turn by dates rather than by assumption.
    if rising >= 1 {
        res.push("turned_up_on", Ev::Date { v: b.date[t + 1 - rising] });
    }
    res.push_num("h_atr", ht / atr_t, Unit::Atr);
    res.push("mirror", yes_no(mirror));

    if faded && ht > 0.0 && rising >= 2 {
        let mut s = 0.4 * p::ramp(rising as f64, 2.0, 5.0)
            + 0.3 * p::ramp(ht / atr_t, 0.0, 0.5)
            + if mirror { 0.3 } else { 0.0 };
        let branch = if mirror {
            Branch::E4Mirror
        } else {
            s *= 0.6;
            res.flags.push(Flag::NoMirror);
            Branch::E4NoMirror
        };
        return res.conclude(State::Bullish, s, branch);
    }
    if ht < 0.0 && falling >= 2 {
        let s = p::ramp(-ht / atr_t, 0.0, 0.5);
        return res.conclude(State::Bearish, s, Branch::E4Down);
    }
    let branch = if ht > 0.0 && rising >= 2 {
        Branch::E4RisingNoFade
    } else if ht > 0.0 {
        Branch::E4PositiveFlat
    } else {
        Branch::E4NotExpanding
    };
    res.conclude(State::Neutral, 0.0, branch)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{Bar, Bars};

    /// The zone read from the precomputed window lengths is the zone the direct scan finds, at
    /// every bar: tight ranges, breakouts, NaN closes and gap bars included.
    #[test]
    fn precomputed_zone_lengths_find_the_same_zone() {
        let d0 = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
        let mut b = Bars::with_capacity(900, false);
        let mut seed = 7u64;
        let mut rnd = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut c = 100.0;
        for i in 0..900 {
            // Quiet stretches (tight zones) between trending ones.
            let step = if (i / 40) % 2 == 0 { 0.3 } else { 3.0 };
            c += (rnd() - 0.45) * step;
            let close = if i % 97 == 50 { f64::NAN } else { (c * 100.0f64).round() / 100.0 };
            let bar = Bar {
                date: d0 + chrono::Days::new(i as u64),
                open: c,
                high: c + rnd() * step,
                low: c - rnd() * step,
                close,
                volume: 1e6,
                adj_close: None,
            };
            b.push_full(bar, i % 131 == 70, 3);
        }
        let atr14 = atr(&b.high, &b.low, &b.close, 14);
        let lens: Vec<u8> = (0..b.len()).map(|e| zone_len(b.view(), &atr14, e)).collect();
        let (mut zones, mut breakouts) = (0, 0);
        for t in 0..b.len() {
            let slow = find_zone(b.view(), &atr14, t);
            let fast = find_zone_with(b.view(), &lens, t);
            assert_eq!(format!("{fast:?}"), format!("{slow:?}"), "t = {t}");
            zones += slow.is_some() as usize;
            breakouts += slow.is_some_and(|z| z.breakout.is_some()) as usize;
        }
        assert!(zones > 100 && breakouts > 50 && breakouts < zones, "{zones} {breakouts}");
    }
}
