//! Signals F1–F4 on the daily chart (SIGNALS.md §4 F): stacked-level reclaim, volume thrust,
//! shallow pullbacks, no distribution.
//!
//! Input: `SignalInput::daily` (instrument daily bars up to as_of), `params.reconstitution_days`
//! and the NYSE calendar for event days. Output: four [`SignalResult`]s, group `daily`, TF 1D.
//! ATR is Wilder ATR14 of the daily bars.
//!
//! Evidence keys (in order; charts read the dates and levels):
//!
//! | signal | keys |
//! |---|---|
//! | F1 `d1_stacked_level_reclaim` | `direction` (Text up/down), `leg_start`, `leg_end` (Date), `leg_days` (Count), `leg_low` / `leg_high` (Price: L_s and C_e for an up-leg, H_s and C_e for a down-leg), `leg_pct` (Pct), `leg_atr` (Atr), `leg_dir_ratio` (Ratio: share of closes in the leg's direction), `leg_dd_atr` (Atr: largest counter-move of closes inside the leg, each in the ATR14 of its own session), `leg_dd_share` (Ratio: largest counter-move as a share of the leg's progress before it; absent when a counter-move had no progress before it), `n_reclaimed`, `n_held` (Count), `held_ratio` (Ratio), `levels` (Levels: price and typed sources of each), then per level i = 1..n: `lvl{i}` (Price) and `lvl{i}_src` (LevelSources, worded e.g. "SMA200 + swing high 2025-02-14") |
//! | F2 `d1_volume_thrust` | `date` (Date), `ret` (Pct), `vol` (Shares), `rank` (Count, 1 = heaviest of 252), `since_bigger` (Count), `cp` (Ratio), `window_start`, `window_end` (Date), `event` (DayEvent, only on an event day) |
//! | F3 `d1_shallow_pullbacks` | `from_date` (Date), `n` (Count), `avg_retrace` (Pct), `max_depth_atr` (Atr), `n_bought`, `n_decided`, `max_recov` (Count), `shallow_ratio`, `bought_ratio` (Ratio), `n_sold`, `n_deep` (Count: decided dips not bought back within 3 sessions; dips deeper than .618 of their advance or 3 ATR), `deep_ratio` (Ratio), `retrace` (Pct, latest), `depth_atr` (Atr, latest), `open_depth_atr` (Atr, when a pullback is open), `dip_dates` (Dates of the troughs), `min_advance_atr` (Atr: the smallest advance a counted dip is measured against, in ATR at its peak: at least 1), `decline_peak_date`, `decline_depth_atr` (Date, Atr: when the latest dip had no advance before it) |
//! | F4 `d1_no_distribution` | `active` (Count), `dd_dates` (Dates of active distribution days), `hvr_dates` (Dates of high-volume reversals in 25 sessions), `window_start` (Date) |

use super::branch::{Branch, F2Span, Flag};
use super::cache;
use super::{
    DayEvent, Ev, LegDirection, LevelSource, SignalInput, SignalResult, StackedLevel, State, Tag,
    Unavailable, Unit,
};
use crate::data::BarsView;
use crate::indicators::atr;
use crate::indicators::composite::level_averages;
use crate::indicators::primitives::{
    close_position, drawdown_episodes, merge_levels, pivot_highs, pivot_lows, ramp, volume_profile,
};
use crate::resample::calendar::{is_half_day, is_quarterly_opex};
use crate::resample::Timeframe;
use chrono::NaiveDate;

const GROUP: &str = "daily";

/// Evaluates F1–F4, in that order.
pub fn evaluate(input: &SignalInput) -> Vec<SignalResult> {
    let b = input.daily;
    let own;
    let atr14: &[f64] = match input.pre {
        Some(p) => &p.daily_atr14[..b.len()],
        None => {
            own = atr(&b.high, &b.low, &b.close, 14);
            &own
        }
    };
    let up = leg(b, atr14, true);
    let down = leg(b, atr14, false);
    vec![
        f1_stacked_levels(input, atr14, up.as_ref(), down.as_ref()),
        f2_volume_thrust(input, up.as_ref(), down.as_ref()),
        f3_shallow_pullbacks(input, atr14, up.as_ref()),
        f4_no_distribution(input),
    ]
}

pub use crate::indicators::vol_ok;

/// The latest recent price leg (SIGNALS.md §4 F1).
#[derive(Debug, Clone, PartialEq)]
pub struct Leg {
    /// Start index (lowest low for an up-leg, highest high for a down-leg).
    pub s: usize,
    /// End index (highest / lowest close of the last 20 sessions).
    pub e: usize,
    /// Direction.
    pub up: bool,
    /// (C_e − L_s)/ATR_s for an up-leg, (H_s − C_e)/ATR_s for a down-leg.
    pub leg_atr: f64,
    /// C_e / L_s − 1 (up) or C_e / H_s − 1 (down).
    pub leg_pct: f64,
    /// Share of closes moving in the leg's direction.
    pub dir_ratio: f64,
    /// Largest counter-move of closes inside the leg, each in the ATR14 of its own session.
    pub dd_atr: f64,
    /// Largest counter-move as a share of the leg's progress before it (start to the extreme
    /// close it pulls back from); infinite for a counter-move with no progress before it.
    pub dd_share: f64,
    /// ≥ 3 bars, ≥ 3 ATR_s, over 15 bars only at ≥ [`IMPULSE_PACE`] ATR_s a bar, ≥ 60%
    /// directional closes, and every counter-move ≤ 1 ATR (of its session) or ≤
    /// [`MAX_RETRACE`] of the progress before it.
    pub impulsive: bool,
}

/// The largest counter-move, as a share of the leg's progress before it, that an impulsive leg
/// allows when the counter-move exceeds one ATR of its session.
pub const MAX_RETRACE: f64 = 0.382;

/// Levels an impulsive leg must cross (and two thirds of them hold) to be a multi-level reclaim
/// or breakdown (F1).
pub const F1_MIN_LEVELS: usize = 3;

/// The pace, in ATR (at the leg's start) per session, at which a leg longer than 15 sessions is
/// still one impulsive move (10 ATR in 20 sessions): a crash leg, not a steady grind.
pub const IMPULSE_PACE: f64 = 0.5;
/// Sessions an impulsive leg may take at any pace; past them it must move [`IMPULSE_PACE`] ATR a
/// session (the narrative states the rule from these two).
pub const IMPULSE_FREE_BARS: usize = 15;

/// Finds the up (or down) leg ending at the extreme close of the last 20 sessions.
pub fn leg(b: BarsView<'_>, atr14: &[f64], up: bool) -> Option<Leg> {
    let n = b.len();
    if n < 41 {
        return None;
    }
    let t = n - 1;
    let c = &b.close;
    // Latest extreme close in [t-19, t].
    let mut e = t - 19;
    for i in t - 19..=t {
        if (up && c[i] >= c[e]) || (!up && c[i] <= c[e]) {
            e = i;
        }
    }
    let mut s = e - 20;
    for i in e - 20..=e {
        if (up && b.low[i] <= b.low[s]) || (!up && b.high[i] >= b.high[s]) {
            s = i;
        }
    }
    let a = atr14[s];
    let start = if up { b.low[s] } else { b.high[s] };
    let leg_atr = if up { (c[e] - start) / a } else { (start - c[e]) / a };
    let steps = e - s;
    let dir = (s + 1..=e).filter(|&i| if up { c[i] > c[i - 1] } else { c[i] < c[i - 1] }).count();
    let dir_ratio = if steps > 0 { dir as f64 / steps as f64 } else { 0.0 };
    // Each counter-move is measured in the ATR of its own session (causal: ATR14 through that
    // bar), not the ATR at the leg's start: in a crash the daily range widens fourfold within the
    // leg, and a bounce of one crash-time range is noise there, not a broken impulse (2020-03).
    // A counter-move is also allowed up to a quarter of the leg's progress before it (from the
    // leg's start to the extreme close it pulls back from): a shallow retrace of a long leg.
    let mut ext = c[s];
    let (mut dd_atr, mut dd_share, mut dd_ok): (f64, f64, bool) = (0.0, 0.0, true);
    for (i, &ci) in c.iter().enumerate().take(e + 1).skip(s) {
        ext = if up { ext.max(ci) } else { ext.min(ci) };
        let back = if up { ext - ci } else { ci - ext };
        if back <= 0.0 {
            continue;
        }
        let a_i = atr14.get(i).copied().filter(|v| v.is_finite() && *v > 0.0).unwrap_or(a);
        let progress = if up { ext - start } else { start - ext };
        let share = if progress > 0.0 { back / progress } else { f64::INFINITY };
        dd_atr = dd_atr.max(back / a_i);
        dd_share = dd_share.max(share);
        dd_ok &= back <= a_i || share <= MAX_RETRACE;
    }
    // Pace, not a fixed length: 3 ATR in 3 to 15 sessions, or a longer leg (the window allows
    // 20) that moved at least half an ATR a session: 10 ATR in 20 sessions, where a random walk
    // of daily moves (σ ≈ 0.7 ATR a session) reaches about 3 (√20 · 0.7).
    let paced = steps <= IMPULSE_FREE_BARS || leg_atr >= IMPULSE_PACE * steps as f64;
    let impulsive = steps >= 3 && paced && leg_atr >= 3.0 && dir_ratio >= 0.6 && dd_ok;
    Some(Leg { s, e, up, leg_atr, leg_pct: c[e] / start - 1.0, dir_ratio, dd_atr, dd_share, impulsive })
}

const F1: &str = crate::signals::catalog::SignalId::D1StackedLevelReclaim.as_str();
const F1_CLAIM: &str = "multiple stacked levels reclaimed in one impulsive leg";

struct Crossed {
    levels: Vec<crate::indicators::primitives::Level<LevelSource>>,
    held: usize,
}

/// The stacked levels a leg crossed, computed only from data up to its start s.
fn crossed(input: &SignalInput, lg: &Leg, a_s: f64, smas: &[&[f64]; 5]) -> Crossed {
    let b = input.daily;
    let s = lg.s;
    let (cs, ce, ct) = (b.close[s], b.close[lg.e], b.close[b.len() - 1]);
    let mut raw: Vec<(f64, LevelSource)> = Vec::new();
    // The levels a leg can have crossed; tested before a source is named (the same filter as below).
    let keep = |p: f64| {
        p.is_finite() && if lg.up { p > cs && p <= ce + 2.0 * a_s } else { p < cs && p >= ce - 2.0 * a_s }
    };
    let lo = s.saturating_sub(252);
    if lg.up {
        let highs = match input.pre {
            Some(p) => cache::confirmed(&p.daily_pivot_highs5, 5, s),
            None => pivot_highs(&b.high[..=s], 5, 5, s).into(),
        };
        // Pivots are ascending: start at the first one in the window.
        for &i in &highs[highs.partition_point(|&i| i < lo)..] {
            if i >= lo && i + 5 <= s && keep(b.high[i]) {
                raw.push((b.high[i], LevelSource::SwingHigh(b.date[i])));
            }
        }
    } else {
        let lows = match input.pre {
            Some(p) => cache::confirmed(&p.daily_pivot_lows5, 5, s),
            None => pivot_lows(&b.low[..=s], 5, 5, s).into(),
        };
        for &i in &lows[lows.partition_point(|&i| i < lo)..] {
            if i >= lo && i + 5 <= s && keep(b.low[i]) {
                raw.push((b.low[i], LevelSource::SwingLow(b.date[i])));
            }
        }
    }
    // The order of `smas` (see `level_averages`).
    let names = [
        LevelSource::Sma(20),
        LevelSource::Sma(50),
        LevelSource::Sma(100),
        LevelSource::Sma(200),
        LevelSource::Ema(21),
    ];
    for (k, name) in names.iter().enumerate() {
        let v = smas[k][s];
        if v.is_finite() {
            raw.push((v, *name));
        }
    }
    // The volume profile of the 252 sessions to s (causal: read once per leg start from the
    // walk's memo, as consecutive week ends mostly share their leg's start).
    let profile = || {
        let from = (s + 1).saturating_sub(252);
        let vols: Vec<f64> = b.volume[from..=s].iter().map(|&v| if vol_ok(v) { v } else { 0.0 }).collect();
        volume_profile(&b.high[from..=s], &b.low[from..=s], &vols, 50).map(|p| (p.poc, p.hvn))
    };
    let profile = match input.pre {
        Some(p) => p.daily_profiles252.get_or(s, profile),
        None => profile(),
    };
    if let Some((poc, hvn)) = profile {
        raw.push((poc, LevelSource::VolumePoc));
        for h in hvn {
            if (h - poc).abs() > 1e-12 {
                raw.push((h, LevelSource::Hvn));
            }
        }
    }
    raw.retain(|(p, _)| {
        p.is_finite() && if lg.up { *p > cs && *p <= ce + 2.0 * a_s } else { *p < cs && *p >= ce - 2.0 * a_s }
    });
    let merged = merge_levels(raw, a_s);
    let levels: Vec<_> = merged
        .into_iter()
        .filter(|l| if lg.up { cs < l.price && l.price < ce } else { ce < l.price && l.price < cs })
        .collect();
    // Held: price is still on the far side of the level now. A moving average has moved since the
    // leg crossed it, so it is read at its value today (the chart draws it there); a swing high
    // or low or a volume level stays at its price. A level made of both must hold both ways.
    let t = b.len() - 1;
    let beyond = |p: f64| if lg.up { p < ct } else { p > ct };
    let held = levels
        .iter()
        .filter(|l| {
            l.sources.iter().all(|src| match names.iter().position(|n| n == src) {
                Some(k) => smas[k][t].is_finite() && beyond(smas[k][t]),
                None => beyond(l.price),
            })
        })
        .count();
    Crossed { levels, held }
}

#[inline(never)]
fn f1_stacked_levels(
    input: &SignalInput,
    atr14: &[f64],
    up: Option<&Leg>,
    down: Option<&Leg>,
) -> SignalResult {
    let b = input.daily;
    let tf = Timeframe::Daily;
    let as_of = b.date.last().copied();
    const NEED: usize = 300;
    let (Some(up), Some(down)) = (up, down) else {
        return SignalResult::unavailable(F1, GROUP, F1_CLAIM, tf, as_of, short(NEED, b.len()));
    };
    if b.len() < NEED {
        return SignalResult::unavailable(F1, GROUP, F1_CLAIM, tf, as_of, short(NEED, b.len()));
    }
    let c = &b.close;
    let own;
    let smas: [&[f64]; 5] = match input.pre {
        Some(p) => p.daily_smas.each_ref().map(|x| &x[..b.len()]),
        None => {
            own = level_averages(c);
            own.each_ref().map(|x| &x[..])
        }
    };
    // In a walk (states and strengths only) a leg that is not impulsive is never reported with
    // a state, so the levels it crossed are evidence only.
    let cu = if up.impulsive || !super::quiet() {
        crossed(input, up, atr14[up.s], &smas)
    } else {
        Crossed { levels: Vec::new(), held: 0 }
    };
    // The down-leg's levels matter only when it is impulsive (else it is never the one reported).
    let cd = if down.impulsive || (down.e > up.e && !super::quiet()) {
        crossed(input, down, atr14[down.s], &smas)
    } else {
        Crossed { levels: Vec::new(), held: 0 }
    };
    let ok = |lg: &Leg, x: &Crossed| {
        let n = x.levels.len();
        lg.impulsive && n >= F1_MIN_LEVELS && x.held as f64 / n as f64 >= 0.67
    };
    let (up_ok, down_ok) = (ok(up, &cu), ok(down, &cd));
    let (lg, x, state) = match (up_ok, down_ok) {
        (true, true) if down.e > up.e => (down, &cd, State::Bearish),
        (true, _) => (up, &cu, State::Bullish),
        (false, true) => (down, &cd, State::Bearish),
        // Neither leg qualifies: the one that ended last is the latest leg (a down-leg in a
        // crash, not an older up-leg it has since erased).
        (false, false) if down.e > up.e => (down, &cd, State::Neutral),
        (false, false) => (up, &cu, State::Neutral),
    };
    let n_rec = x.levels.len();
    let held_ratio = if n_rec > 0 { x.held as f64 / n_rec as f64 } else { 0.0 };
    let mut r = SignalResult::new(F1, GROUP, F1_CLAIM, tf, as_of);
    r.push_tag("direction", Tag::Leg(if lg.up { LegDirection::Up } else { LegDirection::Down }));
    r.push("leg_start", Ev::Date { v: b.date[lg.s] });
    r.push("leg_end", Ev::Date { v: b.date[lg.e] });
    r.push_num("leg_days", (lg.e - lg.s) as f64, Unit::Count);
    if lg.up {
        r.push_num("leg_low", b.low[lg.s], Unit::Price);
    } else {
        r.push_num("leg_high", b.high[lg.s], Unit::Price);
    }
    r.push_num("leg_close", c[lg.e], Unit::Price);
    r.push_num("leg_pct", lg.leg_pct, Unit::Pct);
    r.push_num("leg_atr", lg.leg_atr, Unit::Atr);
    r.push_num("leg_dir_ratio", lg.dir_ratio, Unit::Ratio);
    r.push_num("leg_dd_atr", lg.dd_atr, Unit::Atr);
    if lg.dd_share.is_finite() {
        r.push_num("leg_dd_share", lg.dd_share, Unit::Ratio);
    }
    r.push_num("n_reclaimed", n_rec as f64, Unit::Count);
    r.push_num("n_held", x.held as f64, Unit::Count);
    r.push_num("held_ratio", held_ratio, Unit::Ratio);
    let levels: Vec<StackedLevel> =
        x.levels.iter().map(|l| StackedLevel { price: l.price, sources: l.sources.clone() }).collect();
    r.push("levels", Ev::Levels { v: levels });
    for l in &x.levels {
        r.push_level(l.price, l.sources.clone());
    }
    if !lg.impulsive {
        r.flags.push(Flag::NotImpulsive);
    }
    let s = 0.4 * ramp(n_rec as f64, 2.0, 6.0) + 0.3 * ramp(lg.leg_atr, 3.0, 8.0) + 0.3 * held_ratio;
    let branch = match state {
        State::Bullish => Branch::F1Reclaim,
        State::Bearish => Branch::F1Lost,
        _ if lg.impulsive => Branch::F1NoReclaim,
        _ => Branch::F1NotImpulsive,
    };
    r.conclude(state, s, branch)
}

fn short(need: usize, have: usize) -> Unavailable {
    Unavailable::InsufficientHistory { need, have }
}

/// Quarterly options expiration, a reconstitution day, a half-day or the session after one.
pub fn day_event(b: BarsView<'_>, d: usize, recon: &[NaiveDate]) -> Option<DayEvent> {
    let date = b.date[d];
    if is_quarterly_opex(date) {
        Some(DayEvent::QuarterlyOpex)
    } else if recon.contains(&date) {
        Some(DayEvent::Reconstitution)
    } else if is_half_day(date) {
        Some(DayEvent::HalfDay)
    } else if d > 0 && is_half_day(b.date[d - 1]) {
        Some(DayEvent::AfterHalfDay)
    } else {
        None
    }
}

const F2: &str = crate::signals::catalog::SignalId::D1VolumeThrust.as_str();
const F2_CLAIM: &str = "one of the strongest volume days in over a year";

/// F2 looks this many sessions back for a day with at least the thrust day's volume.
const F2_LOOKBACK: usize = 756;

/// For each session d with a present volume, how many sessions back the nearest earlier session
/// with a present volume at least v\[d\] is (F2's `since_bigger`): 1..=756, or 0 when there is
/// none that close (or v\[d\] is missing). Causal; one pass with a stack of the sessions whose
/// volume no later session has reached.
pub(crate) fn f2_bigger_dists(v: &[f64]) -> Vec<u16> {
    let mut out = vec![0u16; v.len()];
    let mut stack: Vec<usize> = Vec::new();
    for (d, slot) in out.iter_mut().enumerate() {
        if !vol_ok(v[d]) {
            continue;
        }
        while stack.last().is_some_and(|&j| v[j] < v[d]) {
            stack.pop();
        }
        if let Some(&j) = stack.last() {
            if d - j <= F2_LOOKBACK {
                *slot = (d - j) as u16;
            }
        }
        stack.push(d);
    }
    out
}

#[inline(never)]
fn f2_volume_thrust(input: &SignalInput, up: Option<&Leg>, down: Option<&Leg>) -> SignalResult {
    let b = input.daily;
    let tf = Timeframe::Daily;
    let n = b.len();
    let as_of = b.date.last().copied();
    if n < 252 {
        return SignalResult::unavailable(F2, GROUP, F2_CLAIM, tf, as_of, short(252, n));
    }
    let t = n - 1;
    let v = &b.volume;
    let missing = v[n - 252..].iter().filter(|x| !vol_ok(**x)).count();
    if missing as f64 > 0.05 * 252.0 {
        return SignalResult::unavailable(F2, GROUP, F2_CLAIM, tf, as_of, Unavailable::VolumeGaps);
    }
    let (w0, w1, span) = match (up, down) {
        (Some(l), _) if l.impulsive => (l.s + 1, l.e, F2Span::RecentLeg),
        (_, Some(l)) if l.impulsive => (l.s + 1, l.e, F2Span::RecentLeg),
        _ => (t - 19, t, F2Span::Last20),
    };
    // Best (lowest) rank; ties go to the later day.
    let mut best: Option<(usize, usize)> = None;
    for d in w0.max(1)..=w1 {
        if !vol_ok(v[d]) {
            continue;
        }
        let rank = match input.pre {
            Some(p) => p.daily_vol_rank252[d] as usize,
            None => crate::indicators::composite::vol_rank252(v, d),
        };
        if best.is_none_or(|(_, r)| rank <= r) {
            best = Some((d, rank));
        }
    }
    let Some((d, rank)) = best else {
        return SignalResult::unavailable(F2, GROUP, F2_CLAIM, tf, as_of, Unavailable::VolumeGaps);
    };
    let lo = d.saturating_sub(F2_LOOKBACK);
    let bigger = match input.pre {
        Some(p) => Some(p.daily_f2_bigger[d] as usize).filter(|&k| k >= 1 && k <= d - lo).map(|k| d - k),
        None => (lo..d).rev().find(|&j| vol_ok(v[j]) && v[j] >= v[d]),
    };
    let since = bigger.map_or(d - lo, |j| d - j);
    let cp = close_position(b.high[d], b.low[d], b.close[d]);
    let ret = b.close[d] / b.close[d - 1] - 1.0;
    let event = day_event(b, d, &input.params.reconstitution_days);
    let mut r = SignalResult::new(F2, GROUP, F2_CLAIM, tf, as_of);
    r.push("date", Ev::Date { v: b.date[d] });
    r.push_num("ret", ret, Unit::Pct);
    r.push_num("vol", v[d], Unit::Shares);
    r.push_num("rank", rank as f64, Unit::Count);
    r.push_num("since_bigger", since as f64, Unit::Count);
    r.push_num("cp", cp, Unit::Ratio);
    r.push("window_start", Ev::Date { v: b.date[w0.max(1)] });
    r.push("window_end", Ev::Date { v: b.date[w1] });
    if let Some(e) = event {
        r.push("event", Ev::DayEvent { v: e });
        r.flags.push(Flag::EventDay);
    }
    if bigger.is_none() {
        r.flags.push(Flag::NoBiggerDayFound);
    }
    let top = ramp(rank as f64, 6.0, 1.0);
    if rank <= 5 && ret > 0.0 && cp >= 0.5 {
        let s = top * (0.5 + 0.5 * cp) * if event.is_some() { 0.6 } else { 1.0 };
        r.conclude(State::Bullish, s, Branch::F2Thrust)
    } else if rank <= 5 && ret < 0.0 && cp <= 0.35 {
        r.conclude(State::Bearish, top * (1.5 - cp) / 1.5, Branch::F2DownDay(span))
    } else if rank <= 5 {
        r.conclude(State::Neutral, 0.0, Branch::F2WeakClose(span))
    } else {
        r.conclude(State::Neutral, 0.0, Branch::F2NoTopDay(span))
    }
}

const F3: &str = crate::signals::catalog::SignalId::D1ShallowPullbacks.as_str();
const F3_CLAIM: &str = "pullbacks shallow and immediately bought";

#[inline(never)]
fn f3_shallow_pullbacks(input: &SignalInput, atr14: &[f64], up: Option<&Leg>) -> SignalResult {
    let b = input.daily;
    let tf = Timeframe::Daily;
    let n = b.len();
    let as_of = b.date.last().copied();
    if n < 60 {
        return SignalResult::unavailable(F3, GROUP, F3_CLAIM, tf, as_of, short(60, n));
    }
    let t = n - 1;
    let a = atr14[t];
    let from = match up {
        Some(l) if l.impulsive => l.s,
        _ => t - 39,
    };
    // Each dip is measured against the advance that precedes it: from the lowest low of the
    // window before the peak bar up to the dip's peak close (the leg the dip pulls back from).
    // A dip with less than one ATR (at the peak) of advance before it is a decline, not a
    // pullback: a window that starts at a peak has no advance to retrace, and the peak bar's own
    // intraday range is no advance (2022-06-17 had called a one-session uptick from the window's
    // first bar, +0.6% close to close, "the rebound … sold").
    let mut declines = Vec::new();
    let mut eps = Vec::new();
    let mut min_advance_atr = f64::INFINITY;
    for mut e in drawdown_episodes(&b.high, &b.low, &b.close, from, t) {
        let peak_bar = e.start.saturating_sub(1).max(from);
        let base = b.low[from..peak_bar].iter().copied().fold(f64::INFINITY, f64::min);
        let advance = e.peak - base;
        if e.depth < 0.5 * a {
            continue;
        }
        let atr_peak = atr14.get(peak_bar).copied().filter(|v| v.is_finite()).unwrap_or(a);
        if advance >= atr_peak && advance > 0.0 {
            e.retrace = e.depth / advance;
            min_advance_atr = min_advance_atr.min(advance / atr_peak);
            eps.push(e);
        } else {
            declines.push((e, peak_bar));
        }
    }
    let k = eps.len();
    // The two states mirror each other on the same dips: shallow is small on both measures, deep
    // is large on either; bought is recovered half the loss within 3 sessions, sold is the
    // decided rest. Bullish when every dip is shallow and most decided dips were bought; bearish
    // when every dip is deep and most decided dips were not bought (issue 11: bearish on the
    // latest dip alone against bullish on all dips made the signal bearish on half the week-ends).
    let shallow = |e: &crate::indicators::primitives::Episode| e.retrace <= 0.382 && e.depth <= 1.5 * a;
    let deep = |e: &crate::indicators::primitives::Episode| e.retrace > 0.618 || e.depth > 3.0 * a;
    // A pullback still open whose trough is under 4 sessions old is undecided for "bought".
    let decided: Vec<_> = eps.iter().filter(|e| e.recov_bars.is_some() || t - e.trough_idx > 3).collect();
    let n_bought =
        decided.iter().filter(|e| e.down_bars <= 3 && e.recov_bars.is_some_and(|r| r <= 3)).count();
    let n_sold = decided.len() - n_bought;
    let n_shallow = eps.iter().filter(|e| shallow(e)).count();
    let n_deep = eps.iter().filter(|e| deep(e)).count();
    let shallow_ratio = if k > 0 { n_shallow as f64 / k as f64 } else { 1.0 };
    let deep_ratio = if k > 0 { n_deep as f64 / k as f64 } else { 0.0 };
    // No decided dip: "bought" is not yet known, and counts neither for nor against either state.
    let bought_ratio = if decided.is_empty() { 1.0 } else { n_bought as f64 / decided.len() as f64 };
    let sold_ratio = if decided.is_empty() { 1.0 } else { n_sold as f64 / decided.len() as f64 };
    let avg_retrace = if k > 0 { eps.iter().map(|e| e.retrace).sum::<f64>() / k as f64 } else { 0.0 };
    let max_depth = eps.iter().map(|e| e.depth / a).fold(0.0, f64::max);
    let max_recov = eps.iter().filter_map(|e| e.recov_bars).max().unwrap_or(0);
    let mut r = SignalResult::new(F3, GROUP, F3_CLAIM, tf, as_of);
    r.push("from_date", Ev::Date { v: b.date[from] });
    r.push_num("n", k as f64, Unit::Count);
    r.push_num("avg_retrace", avg_retrace, Unit::Pct);
    r.push_num("max_depth_atr", max_depth, Unit::Atr);
    r.push_num("n_bought", n_bought as f64, Unit::Count);
    r.push_num("n_decided", decided.len() as f64, Unit::Count);
    r.push_num("max_recov", max_recov as f64, Unit::Count);
    r.push_num("shallow_ratio", shallow_ratio, Unit::Ratio);
    r.push_num("bought_ratio", bought_ratio, Unit::Ratio);
    r.push_num("n_sold", n_sold as f64, Unit::Count);
    r.push_num("n_deep", n_deep as f64, Unit::Count);
    r.push_num("deep_ratio", deep_ratio, Unit::Ratio);
    if let Some(last) = eps.last() {
        r.push_num("retrace", last.retrace, Unit::Pct);
        r.push_num("depth_atr", last.depth / a, Unit::Atr);
        if last.end.is_none() {
            r.push_num("open_depth_atr", last.depth / a, Unit::Atr);
            r.flags.push(Flag::OpenPullback);
        }
    }
    r.push("dip_dates", Ev::Dates { v: eps.iter().map(|e| b.date[e.trough_idx]).collect() });
    if k > 0 {
        r.push_num("min_advance_atr", min_advance_atr, Unit::Atr);
    }
    let last = eps.last();
    // The latest dip had no advance before it: the chart is declining, there is no pullback to
    // judge (neither shallow nor deep).
    if let Some((d, peak_bar)) = declines.last().filter(|(d, _)| last.is_none_or(|l| d.start > l.start)) {
        r.push("decline_peak_date", Ev::Date { v: b.date[*peak_bar] });
        r.push_num("decline_depth_atr", d.depth / a, Unit::Atr);
        r.flags.push(Flag::NoPriorAdvance);
        return r.conclude(State::Neutral, 0.0, Branch::F3Decline);
    }
    let weight = ramp(k as f64, 1.0, 3.0).max(0.5);
    if k == 0 {
        r.flags.push(Flag::NoMaterialPullback);
        r.conclude(State::Bullish, 0.5, Branch::F3NoPullback)
    } else if n_shallow == k && bought_ratio >= 2.0 / 3.0 {
        let s = weight * (0.5 * shallow_ratio + 0.5 * bought_ratio);
        r.conclude(State::Bullish, s, Branch::F3Shallow)
    } else if n_deep == k && sold_ratio >= 2.0 / 3.0 {
        let s = weight * (0.5 * deep_ratio + 0.5 * sold_ratio);
        r.conclude(State::Bearish, s, Branch::F3Deep)
    } else {
        r.conclude(State::Neutral, 0.0, Branch::F3Mixed)
    }
}

const F4: &str = crate::signals::catalog::SignalId::D1NoDistribution.as_str();
const F4_CLAIM: &str = "no signs of distribution";

#[inline(never)]
/// F4's average volume of the 50 sessions before `d` (valid volumes only; NaN if none, or if
/// `d < 50`).
pub(super) fn f4_avg50(v: &[f64], d: usize) -> f64 {
    let Some(w) = d.checked_sub(50).and_then(|a| v.get(a..d)) else { return f64::NAN };
    let (sum, cnt) = w.iter().filter(|x| vol_ok(**x)).fold((0.0, 0usize), |(s, k), x| (s + x, k + 1));
    if cnt == 0 {
        f64::NAN
    } else {
        sum / cnt as f64
    }
}

/// F4's highest high of the 20 sessions before `d` (NaN if `d < 20`).
pub(super) fn f4_hmax20(h: &[f64], d: usize) -> f64 {
    match d.checked_sub(20).and_then(|a| h.get(a..d)) {
        Some(w) => w.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        None => f64::NAN,
    }
}

fn f4_no_distribution(input: &SignalInput) -> SignalResult {
    let b = input.daily;
    let tf = Timeframe::Daily;
    let n = b.len();
    let as_of = b.date.last().copied();
    const NEED: usize = 76;
    if n < NEED {
        return SignalResult::unavailable(F4, GROUP, F4_CLAIM, tf, as_of, short(NEED, n));
    }
    let t = n - 1;
    let (c, v, h) = (&b.close, &b.volume, &b.high);
    if v[t - 25..=t].iter().filter(|x| !vol_ok(**x)).count() as f64 > 0.05 * 26.0 {
        return SignalResult::unavailable(F4, GROUP, F4_CLAIM, tf, as_of, Unavailable::VolumeGaps);
    }
    let w0 = t - 24;
    let mut dd = Vec::new();
    let mut hvr = Vec::new();
    // Both per-session values read only sessions before d: the walk reads them precomputed.
    let pre = |f: fn(&cache::Precomputed) -> &[f64], d: usize| input.pre.and_then(|p| f(p).get(d).copied());
    for d in w0..=t {
        let ret = c[d] / c[d - 1] - 1.0;
        let avg = pre(|p| &p.daily_f4_avg50, d).unwrap_or_else(|| f4_avg50(v, d));
        // A distribution day is a decline on heavier volume than the day before AND than usual
        // (its 50-session average): "higher than yesterday" alone holds on about half of all down
        // days, which made the signal bearish on most week ends (docs/signal-stats.md).
        if ret <= -0.002
            && vol_ok(v[d])
            && vol_ok(v[d - 1])
            && v[d] > v[d - 1]
            && v[d] > avg
            && !is_half_day(b.date[d - 1])
        {
            let cut = 1.05 * c[d];
            if c[d + 1..=t].iter().all(|&x| x < cut) {
                dd.push(d);
            }
        }
        // High-volume reversal against the same average.
        let hmax = pre(|p| &p.daily_f4_hmax20, d).unwrap_or_else(|| f4_hmax20(h, d));
        if vol_ok(v[d])
            && v[d] >= 1.5 * avg
            && h[d] >= hmax
            && close_position(h[d], b.low[d], c[d]) <= 0.25
            && c[d] < c[d - 1]
        {
            hvr.push(d);
        }
    }
    let active = dd.len();
    let hvr5 = hvr.iter().any(|&d| d + 5 > t);
    let hvr10 = hvr.iter().any(|&d| d + 10 > t);
    let mut r = SignalResult::new(F4, GROUP, F4_CLAIM, tf, as_of);
    r.push_num("active", active as f64, Unit::Count);
    r.push("dd_dates", Ev::Dates { v: dd.iter().map(|&d| b.date[d]).collect() });
    r.push("hvr_dates", Ev::Dates { v: hvr.iter().map(|&d| b.date[d]).collect() });
    r.push("window_start", Ev::Date { v: b.date[w0] });
    if active >= 5 || hvr5 {
        let s = ramp(active as f64, 4.0, 7.0).max(if hvr5 { 0.7 } else { 0.0 });
        r.conclude(State::Bearish, s, Branch::F4Selling { reversal: hvr5 })
    } else if active <= 2 && !hvr10 {
        let s = ramp(active as f64, 3.0, 0.0) * if hvr.is_empty() { 1.0 } else { 0.7 };
        r.conclude(State::Bullish, s, Branch::F4Clean)
    } else {
        r.conclude(State::Neutral, 0.0, Branch::F4Watch { reversal: hvr10 })
    }
}
