//! Signals H1 `risk_lower_high` and H2 `risk_obv_underside_retest_fail`: the invalidation watch
//! (SIGNALS.md §4 H).
//!
//! Input: `SignalInput::daily` (pivots 5/5) and `SignalInput::weekly` (pivots 2/2, secondary).
//! Output: two [`SignalResult`]s, group `risk`, TF 1D.
//!
//! Evidence keys (in order; charts read the dates and levels):
//!
//! | signal | keys |
//! |---|---|
//! | H1 | `H_prev`, `H_prev_date`, `H_last`, `H_last_date` (Price, Date: the last two confirmed daily pivot highs), `Lmid`, `Lmid_date` (Price, Date: the low that confirms a lower high — the lowest low between the two highs, or the pivot low after `H_last` when a potential lower high is forming), `structure` (Text HH/LH/EQ), `tol` (Price: 0.25·ATR at `H_last`), `breach_date` (Date: the first close under `Lmid` after `H_last`), `overturn_date` (Date: for a lower high, the first close above `H_prev` after it), `H_new`, `H_new_date` (Price, Date: the highest high after `H_last` when it tops `H_last`: a later high not yet confirmed as a pivot), `W_H_prev`, `W_H_prev_date`, `W_H_last`, `W_H_last_date`, `W_structure` (weekly pivots, when there are two) |
//! | H2 | `status` (Text: intact, broken, retest, reclaimed, failed, no_retest, expired, superseded, no_line, falling_lows), `line_kind` (Text rising/flat/falling; falling lows are no support line), `p1_date`, `p1_obv`, `p2_date`, `p2_obv` (Date, Shares: the line's two OBV pivot lows; the line is the straight line through them, or flat at `p2_obv`), `obv_line` (Shares: the line's value on the last session; a broken rising line keeps rising — its definition is frozen at the break, as the retest test uses it), `obv` (Shares), `dist` (Ratio: (OBV − line)/median daily volume of 20 sessions), `tol` (Shares), `t_b_date`, `t_r_date`, `fail_date`, `resolved_date` (Date, when they exist), `superseded_date` (Date) and `pre_break_high` (Shares) for a superseded break, `med_v20` (Shares), `weekly_status` (Text) |

use super::branch::{Branch, Flag};
use super::cache;
use super::{Ev, LineKind, SignalInput, SignalResult, State, SwingStructure, Tag, Unavailable, Unit};
use crate::data::BarsView;
use crate::indicators::primitives::{median, pivot_highs, pivot_lows, ramp};
use crate::indicators::{atr, obv};
use crate::resample::Timeframe;

const GROUP: &str = "risk";

/// Evaluates H1 and H2, in that order.
pub fn evaluate(input: &SignalInput) -> Vec<SignalResult> {
    vec![h1_lower_high(input), h2_obv_retest(input)]
}

/// The swing structure of the last two confirmed pivot highs.
#[derive(Debug, Clone, PartialEq)]
pub struct Swing {
    /// Index of the prior pivot high.
    pub i_prev: usize,
    /// Index of the last pivot high.
    pub i_last: usize,
    /// Index of the lowest low between them.
    pub i_mid: usize,
    /// Higher, lower or equal (within `tol`).
    pub structure: SwingStructure,
    /// 0.25·ATR at the last pivot high (the time of the pivots compared, not the as-of bar, so a
    /// later volatility spike cannot make two different highs "level").
    pub tol: f64,
}

/// The last two confirmed pivot highs (left/right lookbacks) of `b` and their structure; `atr`
/// is the ATR series of `b` (read at the last pivot high).
pub fn swing(b: BarsView<'_>, atr: &[f64], lr: usize) -> Option<Swing> {
    let t = b.len().checked_sub(1)?;
    swing_from(b, &pivot_highs(&b.high, lr, lr, t), atr)
}

/// [`swing`] from the confirmed pivot highs `piv` of `b`.
fn swing_from(b: BarsView<'_>, piv: &[usize], atr: &[f64]) -> Option<Swing> {
    if piv.len() < 2 {
        return None;
    }
    let (i_prev, i_last) = (piv[piv.len() - 2], piv[piv.len() - 1]);
    let range = if i_last > i_prev + 1 { i_prev + 1..i_last } else { i_prev..i_last + 1 };
    let i_mid = range.min_by(|&a, &c| b.low[a].total_cmp(&b.low[c]))?;
    let tol = 0.25 * atr.get(i_last).copied().unwrap_or(f64::NAN);
    let (hp, hl) = (b.high[i_prev], b.high[i_last]);
    let structure = if hl > hp + tol {
        SwingStructure::HigherHigh
    } else if hl < hp - tol {
        SwingStructure::LowerHigh
    } else {
        SwingStructure::Equal
    };
    Some(Swing { i_prev, i_last, i_mid, structure, tol })
}

/// The first index in `from..=to` whose close satisfies `pred` (every close after a trigger is
/// checked, so a state that a later close overturned is never reported).
fn first_close(close: &[f64], from: usize, to: usize, pred: impl Fn(f64) -> bool) -> Option<usize> {
    (from..=to.min(close.len().saturating_sub(1))).find(|&j| pred(close[j]))
}

const H1: &str = crate::signals::catalog::SignalId::RiskLowerHigh.as_str();
const H1_CLAIM: &str = "a lower high";

fn h1_lower_high(input: &SignalInput) -> SignalResult {
    let b = input.daily;
    let tf = Timeframe::Daily;
    let n = b.len();
    let as_of = b.date.last().copied();
    if n < 30 {
        return SignalResult::unavailable(
            H1,
            GROUP,
            H1_CLAIM,
            tf,
            as_of,
            Unavailable::InsufficientHistory { need: 30, have: n },
        );
    }
    let t = n - 1;
    let pre = input.pre;
    let a_own;
    let a: &[f64] = match pre {
        Some(p) => &p.daily_atr14[..n],
        None => {
            a_own = atr(&b.high, &b.low, &b.close, 14);
            &a_own
        }
    };
    let mut r = SignalResult::new(H1, GROUP, H1_CLAIM, tf, as_of);
    let highs = match pre {
        Some(p) => cache::confirmed(&p.daily_pivot_highs5, 5, t),
        None => pivot_highs(&b.high, 5, 5, t).into(),
    };
    let Some(sw) = swing_from(b, &highs, a) else {
        r.flags.push(Flag::TooFewPivots);
        return r.conclude(State::Neutral, 0.0, Branch::H1TooFewPivots);
    };
    let (hp, hl) = (b.high[sw.i_prev], b.high[sw.i_last]);
    // Potential lower high: a pivot low after H_last (at least 3 bars old) and the highest high
    // since it is still below H_last − tol.
    let lows = match pre {
        Some(p) => cache::confirmed(&p.daily_pivot_lows5, 5, t),
        None => pivot_lows(&b.low, 5, 5, t).into(),
    };
    // `lows` is ascending: scan back only over the lows after H_last (not the whole history).
    let after = lows.iter().rev().copied().take_while(|&p| p > sw.i_last).find(|&p| t - p >= 3);
    let potential = after.is_some_and(|p| {
        let hi = b.high[p + 1..=t].iter().copied().fold(f64::NEG_INFINITY, f64::max);
        hi < hl - sw.tol
    });
    let mut i_mid = sw.i_mid;
    if potential && sw.structure != SwingStructure::LowerHigh {
        i_mid = after.unwrap_or(i_mid);
    }
    let lmid = b.low[i_mid];
    // Every close after the trigger is checked up to the as-of date: the first close under Lmid
    // after H_last (a lower high's confirmation, a higher high's breach), and for a lower high
    // the first close above the earlier high H_prev, which overturns it.
    let below_from = if i_mid > sw.i_last { i_mid + 1 } else { sw.i_last + 1 };
    let breach = first_close(&b.close, below_from, t, |c| c < lmid);
    let overturn = if sw.structure == SwingStructure::LowerHigh {
        first_close(&b.close, sw.i_last + 1, t, |c| c > hp)
    } else {
        None
    };
    let confirmed = sw.structure == SwingStructure::LowerHigh && breach.is_some() && overturn.is_none();
    r.push_num("H_prev", hp, Unit::Price);
    r.push("H_prev_date", Ev::Date { v: b.date[sw.i_prev] });
    r.push_num("H_last", hl, Unit::Price);
    r.push("H_last_date", Ev::Date { v: b.date[sw.i_last] });
    r.push_num("Lmid", lmid, Unit::Price);
    r.push("Lmid_date", Ev::Date { v: b.date[i_mid] });
    r.push_tag("structure", Tag::Swing(sw.structure));
    r.push_num("tol", sw.tol, Unit::Price);
    if let Some(k) = breach {
        r.push("breach_date", Ev::Date { v: b.date[k] });
    }
    if let Some(k) = overturn {
        r.push("overturn_date", Ev::Date { v: b.date[k] });
    }
    // A high after the last confirmed pivot that tops it (not yet confirmed: a pivot needs five
    // sessions after it) supersedes it as the latest high: `H_last` stays the latest confirmed
    // swing high, and `H_new` names the higher, later high so no reader (nor a short's stop)
    // takes the older, lower one for the latest.
    if let Some(k) = (sw.i_last + 1..=t).max_by(|&x, &y| b.high[x].total_cmp(&b.high[y]).then(y.cmp(&x))) {
        if b.high[k] > hl {
            r.push_num("H_new", b.high[k], Unit::Price);
            r.push("H_new_date", Ev::Date { v: b.date[k] });
        }
    }

    // Weekly secondary (pivots 2/2): a lower high that no weekly close since, nor the last daily
    // close, has overturned.
    let w = input.weekly;
    let mut weekly_lh = false;
    if w.len() >= 20 {
        let wt = w.len() - 1;
        let w_atr_own;
        let (whighs, watr): (std::borrow::Cow<'_, [usize]>, &[f64]) = match pre {
            Some(p) => (cache::confirmed(&p.weekly_pivot_highs2, 2, wt), &p.weekly_atr14[..w.len()]),
            None => {
                w_atr_own = atr(&w.high, &w.low, &w.close, 14);
                (pivot_highs(&w.high, 2, 2, wt).into(), &w_atr_own)
            }
        };
        if let Some(ws) = swing_from(w, &whighs, watr) {
            let wl = w.high[ws.i_last];
            weekly_lh = ws.structure == SwingStructure::LowerHigh
                && first_close(&w.close, ws.i_last + 1, wt, |c| c >= wl).is_none()
                && b.close[t] < wl;
            r.push_num("W_H_prev", w.high[ws.i_prev], Unit::Price);
            r.push("W_H_prev_date", Ev::Date { v: w.date[ws.i_prev] });
            r.push_num("W_H_last", wl, Unit::Price);
            r.push("W_H_last_date", Ev::Date { v: w.date[ws.i_last] });
            r.push_tag("W_structure", Tag::Swing(ws.structure));
        }
    }
    if confirmed {
        r.flags.push(Flag::Confirmed);
    }
    if potential {
        r.flags.push(Flag::PotentialLowerHigh);
    }
    if weekly_lh {
        r.flags.push(Flag::WeeklyLowerHigh);
    }
    if overturn.is_some() {
        r.flags.push(Flag::Overturned);
    }
    if confirmed || weekly_lh {
        let s = (0.6 * f64::from(u8::from(confirmed)) + 0.4 * f64::from(u8::from(weekly_lh))).min(1.0);
        r.conclude(State::Bearish, s, Branch::H1LowerHigh { daily: confirmed, weekly: weekly_lh })
    } else if overturn.is_some() {
        let after_breach = breach.is_some_and(|k| overturn.is_some_and(|o| k < o));
        r.conclude(State::Neutral, 0.0, Branch::H1Overturned { after_breach })
    } else if sw.structure == SwingStructure::HigherHigh && !potential && breach.is_none() {
        r.conclude(State::Bullish, ramp((hl - hp) / a[sw.i_last], 0.25, 2.0), Branch::H1HigherHigh)
    } else if sw.structure == SwingStructure::HigherHigh && !potential {
        r.flags.push(Flag::HigherHighBreached);
        r.conclude(State::Neutral, 0.0, Branch::H1HigherHighBreached)
    } else if sw.structure == SwingStructure::LowerHigh {
        r.conclude(State::Neutral, 0.0, Branch::H1Unconfirmed)
    } else if potential && breach.is_some() {
        r.conclude(State::Neutral, 0.0, Branch::H1PotentialBreached)
    } else if potential {
        r.conclude(State::Neutral, 0.0, Branch::H1Potential)
    } else if breach.is_some() {
        r.conclude(State::Neutral, 0.0, Branch::H1LevelBreached)
    } else {
        r.conclude(State::Neutral, 0.0, Branch::H1Level)
    }
}

pub use crate::indicators::obv_line::{line_at, scan_obv, scan_obv_states, ObvScan, ObvStatus};

const H2: &str = crate::signals::catalog::SignalId::RiskObvUndersideRetestFail.as_str();
const H2_CLAIM: &str = "OBV failing its underside retest";

/// A resolved episode older than this many sessions no longer sets the state.
const RESOLUTION_MEMORY: usize = 60;

fn h2_obv_retest(input: &SignalInput) -> SignalResult {
    let b = input.daily;
    let tf = Timeframe::Daily;
    let n = b.len();
    let as_of = b.date.last().copied();
    if n < 60 {
        return SignalResult::unavailable(
            H2,
            GROUP,
            H2_CLAIM,
            tf,
            as_of,
            Unavailable::InsufficientHistory { need: 60, have: n },
        );
    }
    let t = n - 1;
    let ok = |v: f64| v.is_finite() && v > 0.0;
    if b.volume[n - 60..].iter().filter(|v| !ok(**v)).count() as f64 > 0.05 * 60.0 {
        return SignalResult::unavailable(H2, GROUP, H2_CLAIM, tf, as_of, Unavailable::VolumeGaps);
    }
    let o_own;
    let (o, sc): (&[f64], ObvScan) = match input.pre {
        Some(p) => {
            let o = &p.daily_obv[..n];
            // Stored at week ends; any other session is scanned on its own prefix.
            match p.daily_obv_scan5.binary_search_by_key(&t, |x| x.0) {
                Ok(k) => (o, p.daily_obv_scan5[k].1.clone()),
                Err(_) => (o, scan_obv(o, 5)),
            }
        }
        None => {
            o_own = obv(&b.close, &b.volume);
            let sc = scan_obv(&o_own, 5);
            (&o_own, sc)
        }
    };
    let vols: Vec<f64> = b.volume[n - 20..].iter().copied().filter(|v| ok(*v)).collect();
    let med_v = median(&vols).unwrap_or(f64::NAN);
    let mut r = SignalResult::new(H2, GROUP, H2_CLAIM, tf, as_of);
    let stale = sc.resolved.is_some_and(|rs| t - rs > RESOLUTION_MEMORY);
    // A reclaim older than the memory is plain support again (the scan still watches the line).
    let status = match sc.status {
        ObvStatus::Reclaimed if stale => ObvStatus::Intact,
        _ if stale => ObvStatus::NoLine,
        s => s,
    };
    let stale = stale && status == ObvStatus::NoLine;
    r.push_tag("status", Tag::Obv(status));
    let mut line_t = f64::NAN;
    if let (Some(p1), Some(p2)) = (sc.p1, sc.p2) {
        line_t = line_at(o, p1, p2, t);
        let kind = if o[p2] > o[p1] {
            LineKind::Rising
        } else if o[p2] < o[p1] {
            LineKind::Falling
        } else {
            LineKind::Flat
        };
        r.push_tag("line_kind", Tag::Line(kind));
        r.push("p1_date", Ev::Date { v: b.date[p1] });
        r.push_num("p1_obv", o[p1], Unit::Shares);
        r.push("p2_date", Ev::Date { v: b.date[p2] });
        r.push_num("p2_obv", o[p2], Unit::Shares);
        if status == ObvStatus::FallingLows {
            line_t = f64::NAN;
        } else if !stale {
            r.push_num("obv_line", line_t, Unit::Shares);
        }
    }
    r.push_num("obv", o[t], Unit::Shares);
    let dist = (o[t] - line_t) / med_v;
    r.push_num("dist", dist, Unit::Ratio);
    r.push_num("tol", sc.tol, Unit::Shares);
    for (key, idx) in [
        ("t_b_date", sc.t_b),
        ("t_r_date", sc.t_r),
        ("fail_date", sc.fail),
        ("resolved_date", sc.resolved),
        ("superseded_date", sc.superseded.filter(|_| status == ObvStatus::Superseded)),
    ] {
        if let Some(i) = idx {
            r.push(key, Ev::Date { v: b.date[i] });
        }
    }
    if status == ObvStatus::Superseded {
        r.push_num("pre_break_high", sc.pre_break_high, Unit::Shares);
    }
    r.push_num("med_v20", med_v, Unit::Shares);
    let w = input.weekly;
    let ws = match input.pre {
        _ if w.len() < 30 => None,
        Some(p) => Some(p.weekly_obv_status2[w.len() - 1]),
        None => Some(scan_obv(&obv(&w.close, &w.volume), 2).status),
    };
    r.push_tag("weekly_status", Tag::WeeklyObv(ws));
    // Intact or reclaimed only while OBV is at or above the line on the last session.
    let at_or_above = o[t] >= line_t;
    let under_line = matches!(status, ObvStatus::Intact | ObvStatus::Reclaimed) && !at_or_above;
    if under_line {
        r.flags.push(Flag::AtLine);
        return r.conclude(State::Neutral, 0.0, Branch::H2AtLine);
    }
    // A failed or unretested break that OBV has since climbed back above (line + tol) no longer
    // stands: the bearish state is overturned by the later sessions, not reported.
    let back_above = o[t] > line_t + sc.tol;
    if matches!(status, ObvStatus::Failed | ObvStatus::NoRetest) && back_above {
        r.flags.push(Flag::Overturned);
        return r.conclude(State::Neutral, 0.0, Branch::H2Overturned);
    }
    match status {
        ObvStatus::FallingLows => r.conclude(State::Neutral, 0.0, Branch::H2FallingLows),
        ObvStatus::Intact => r.conclude(State::Bullish, ramp(dist, 0.0, 5.0), Branch::H2Intact),
        ObvStatus::Reclaimed => r.conclude(State::Bullish, 0.4, Branch::H2Reclaimed),
        ObvStatus::Failed => {
            r.conclude(State::Bearish, 0.8 + 0.2 * ramp(sc.fail_depth / med_v, 0.0, 3.0), Branch::H2Failed)
        }
        ObvStatus::NoRetest => r.conclude(State::Bearish, 0.4, Branch::H2NoRetest),
        ObvStatus::Retest => {
            r.flags.push(Flag::RetestInProgress);
            r.conclude(State::Neutral, 0.0, Branch::H2Retest)
        }
        ObvStatus::Broken => {
            r.flags.push(Flag::BrokenAwaitingRetest);
            r.conclude(State::Neutral, 0.0, Branch::H2Broken)
        }
        ObvStatus::Expired => r.conclude(State::Neutral, 0.0, Branch::H2Expired),
        // OBV above its pre-break high: the break is overturned, whatever the steep line says.
        ObvStatus::Superseded => {
            r.flags.push(Flag::Overturned);
            r.conclude(State::Neutral, 0.0, Branch::H2Superseded)
        }
        ObvStatus::NoLine => {
            r.flags.push(Flag::NoSupportLine);
            r.conclude(State::Neutral, 0.0, Branch::H2NoLine)
        }
    }
}
