//! The OBV support line and its underside retest (SIGNALS.md §4 H2) as a causal scan over an
//! OBV series: pivots, line, break, retest, failure. Pure over slices; `signals::risk` (H2) and
//! `signals::cache` read it.

use super::primitives::pivot_lows;

/// Sessions after a break within which OBV must come back to its line (a retest); a break with
/// none by then resolves as [`ObvStatus::NoRetest`] (SIGNALS.md §4 H2 step 4).
pub const RETEST_WINDOW: usize = 20;

/// Where the OBV support-line scan stands on the last bar (serialized as [`ObvStatus::name`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ObvStatus {
    /// No pair of pivot lows to draw a line from.
    NoLine,
    /// The last two OBV pivot lows fall: there is no support line (falling lows are not support).
    FallingLows,
    /// OBV is above (or within tolerance of) its support line.
    Intact,
    /// OBV broke below the line and has not retested it yet.
    Broken,
    /// OBV came back to the line from below; not resolved yet.
    Retest,
    /// Resolved: OBV closed above the line for 2 sessions after a retest.
    Reclaimed,
    /// Resolved: after the retest OBV made a new low below the break-to-retest low.
    Failed,
    /// Resolved: no retest within [`RETEST_WINDOW`] sessions of the break.
    NoRetest,
    /// Resolved: 30 sessions after the retest without reclaim or failure.
    Expired,
    /// Overturned: after the break (broken, retesting, failed or unretested) OBV closed above its
    /// highest close from the line's first pivot to the break, so the trend the line stood for
    /// resumed and the break no longer counts (SIGNALS.md §4 H2, review 29).
    Superseded,
}

impl ObvStatus {
    /// Lower-case name for evidence.
    pub fn name(self) -> &'static str {
        match self {
            ObvStatus::NoLine => "no_line",
            ObvStatus::FallingLows => "falling_lows",
            ObvStatus::Intact => "intact",
            ObvStatus::Broken => "broken",
            ObvStatus::Retest => "retest",
            ObvStatus::Reclaimed => "reclaimed",
            ObvStatus::Failed => "failed",
            ObvStatus::NoRetest => "no_retest",
            ObvStatus::Expired => "expired",
            ObvStatus::Superseded => "superseded",
        }
    }
}

/// The result of the chronological OBV support-line scan.
#[derive(Debug, Clone, PartialEq)]
pub struct ObvScan {
    /// Status on the last bar (for a resolved episode with no newer line: its resolution).
    pub status: ObvStatus,
    /// The line's pivots (p1 < p2).
    pub p1: Option<usize>,
    /// Second pivot.
    pub p2: Option<usize>,
    /// Break session.
    pub t_b: Option<usize>,
    /// Retest session.
    pub t_r: Option<usize>,
    /// New-low session of a failed retest.
    pub fail: Option<usize>,
    /// Session the episode resolved on.
    pub resolved: Option<usize>,
    /// Depth of the failed retest's new low below the break-to-retest low (OBV units).
    pub fail_depth: f64,
    /// Tolerance in force (frozen at the break).
    pub tol: f64,
    /// OBV's highest close from the line's first pivot to the break session (`NAN` before a break).
    pub pre_break_high: f64,
    /// The first session after the break whose OBV closed above `pre_break_high` (status
    /// [`ObvStatus::Superseded`]).
    pub superseded: Option<usize>,
}

/// The support line through pivots p1, p2 at bar x: through both when rising, else flat at p2.
pub fn line_at(o: &[f64], p1: usize, p2: usize, x: usize) -> f64 {
    if o[p2] > o[p1] {
        o[p1] + (o[p2] - o[p1]) * (x as f64 - p1 as f64) / (p2 - p1) as f64
    } else {
        o[p2]
    }
}

#[derive(Clone, Copy)]
enum Phase {
    Building,
    Intact,
    Broken { tb: usize },
    Retest { tr: usize, minb: f64 },
}

/// Scans OBV chronologically (SIGNALS.md §4 H2) with pivot lookbacks `lr`/`lr`.
/// Linear in bars; the tolerance buffer is reused, nothing is allocated per bar.
pub fn scan_obv(o: &[f64], lr: usize) -> ObvScan {
    scan(o, lr, |_| {})
}

/// The scan's state after every bar: `[t]` equals `scan_obv(&o[..=t], lr)`, because the scan at
/// `t` only reads OBV up to `t` and pivots confirmed by `t`. Linear in bars.
pub fn scan_obv_states(o: &[f64], lr: usize) -> Vec<ObvScan> {
    let mut states = Vec::with_capacity(o.len());
    scan(o, lr, |s| states.push(s.clone()));
    states
}

/// The scan's state after each bar of `at` (ascending indices into `o`): `(t, state)` with the
/// state equal to `scan_obv(&o[..=t], lr)`. Keeps only those states (a history walk reads the
/// scan at week ends; keeping every bar's would cost ~120 bytes a session).
pub fn scan_obv_states_at(o: &[f64], lr: usize, at: &[usize]) -> Vec<(usize, ObvScan)> {
    let mut out = Vec::with_capacity(at.len());
    let (mut t, mut k) = (0usize, 0usize);
    scan(o, lr, |s| {
        while k < at.len() && at[k] < t {
            k += 1;
        }
        if at.get(k) == Some(&t) {
            out.push((t, s.clone()));
        }
        t += 1;
    });
    out
}

/// The scan, calling `each` with the state after every bar.
fn scan(o: &[f64], lr: usize, mut each: impl FnMut(&ObvScan)) -> ObvScan {
    let mut out = ObvScan {
        status: ObvStatus::NoLine,
        p1: None,
        p2: None,
        t_b: None,
        t_r: None,
        fail: None,
        resolved: None,
        fail_depth: 0.0,
        tol: f64::NAN,
        pre_break_high: f64::NAN,
        superseded: None,
    };
    let Some(last) = o.len().checked_sub(1) else { return out };
    let piv = pivot_lows(o, lr, lr, last);
    let mut k = 0;
    let (mut a, mut b): (Option<usize>, Option<usize>) = (None, None);
    let mut phase = Phase::Building;
    let mut tol = f64::NAN;
    let mut win: Vec<f64> = Vec::with_capacity(21);
    let mut resolved_at: Option<usize> = None;
    let mut line: Option<(usize, usize)> = None;
    for t in 0..=last {
        // Tolerance: half the median |ΔOBV| over the last 20 sessions, from a sorted sliding
        // window (insert the new change, drop the one leaving): O(20) per session.
        if t >= 1 {
            let d = (o[t] - o[t - 1]).abs();
            let at = win.partition_point(|x| x.total_cmp(&d).is_lt());
            win.insert(at, d);
            if t >= 21 {
                let old = (o[t - 20] - o[t - 21]).abs();
                if let Some(i) = win.iter().position(|x| x.total_cmp(&old).is_eq()) {
                    win.remove(i);
                }
            }
        }
        let tol_t = if t >= 20 && win.len() == 20 { 0.25 * (win[9] + win[10]) } else { f64::NAN };
        while k < piv.len() && piv[k] + lr <= t {
            if resolved_at.is_none_or(|r| piv[k] > r) {
                a = b;
                b = Some(piv[k]);
            }
            k += 1;
        }
        let mut resolve = |status: ObvStatus, out: &mut ObvScan| {
            out.status = status;
            out.resolved = Some(t);
            resolved_at = Some(t);
        };
        match phase {
            Phase::Building | Phase::Intact => {
                // Newer pivots rebuild the line (after a resolution only pivots formed after it).
                if let (Some(p1), Some(p2)) = (a, b) {
                    if line != Some((p1, p2)) || matches!(phase, Phase::Building) {
                        line = Some((p1, p2));
                        out = ObvScan {
                            status: ObvStatus::Intact,
                            p1: Some(p1),
                            p2: Some(p2),
                            t_b: None,
                            t_r: None,
                            fail: None,
                            resolved: None,
                            fail_depth: 0.0,
                            tol: tol_t,
                            pre_break_high: f64::NAN,
                            superseded: None,
                        };
                    }
                }
                if let Some((p1, p2)) = line {
                    if o[p2] < o[p1] {
                        // Falling lows: no support line to hold or break.
                        out.status = ObvStatus::FallingLows;
                        phase = Phase::Building;
                    } else {
                        phase = Phase::Intact;
                        if out.status == ObvStatus::Intact {
                            out.tol = tol_t;
                        }
                        // A reclaimed line stays in force until newer pivots replace it, so OBV
                        // falling back under it is a new break, never "reclaimed".
                        if t > p2 + lr && tol_t.is_finite() && o[t] < line_at(o, p1, p2, t) - tol_t {
                            tol = tol_t;
                            phase = Phase::Broken { tb: t };
                            out.status = ObvStatus::Broken;
                            out.t_b = Some(t);
                            out.t_r = None;
                            out.fail = None;
                            out.resolved = None;
                            out.fail_depth = 0.0;
                            out.tol = tol;
                            out.pre_break_high = o[p1..=t].iter().copied().fold(f64::NEG_INFINITY, f64::max);
                            out.superseded = None;
                        }
                    }
                }
            }
            Phase::Broken { tb } => {
                let (p1, p2) = (out.p1.unwrap_or(0), out.p2.unwrap_or(0));
                if t <= tb + RETEST_WINDOW && o[t] >= line_at(o, p1, p2, t) - tol {
                    let minb = o[tb..=t].iter().copied().fold(f64::INFINITY, f64::min);
                    phase = Phase::Retest { tr: t, minb };
                    out.status = ObvStatus::Retest;
                    out.t_r = Some(t);
                } else if t > tb + RETEST_WINDOW {
                    resolve(ObvStatus::NoRetest, &mut out);
                }
            }
            Phase::Retest { tr, minb } => {
                let (p1, p2) = (out.p1.unwrap_or(0), out.p2.unwrap_or(0));
                let above = |i: usize| o[i] > line_at(o, p1, p2, i) + tol;
                if t > tr && above(t) && above(t - 1) {
                    resolve(ObvStatus::Reclaimed, &mut out);
                } else if t <= tr + 10 && o[t] < minb {
                    out.fail = Some(t);
                    out.fail_depth = minb - o[t];
                    resolve(ObvStatus::Failed, &mut out);
                } else if t >= tr + 30 {
                    resolve(ObvStatus::Expired, &mut out);
                }
            }
        }
        // A break OBV has overturned: a close above the highest OBV close from the line's first
        // pivot to the break (by more than the tolerance) while still under the line (by more
        // than the tolerance): the line outran OBV. OBV back at or above the line is the retest,
        // reclaim or overturn the scan and H2 already read. Checked after the phase step, so the
        // break session itself never supersedes; a break still in play (broken or retesting)
        // resolves here, a resolved one (failed, no retest) keeps its resolution date.
        let bearish = matches!(
            out.status,
            ObvStatus::Broken | ObvStatus::Retest | ObvStatus::NoRetest | ObvStatus::Failed
        );
        let under_line = match (out.p1, out.p2) {
            (Some(p1), Some(p2)) => o[t] < line_at(o, p1, p2, t) - out.tol,
            _ => false,
        };
        if bearish && under_line && out.t_b.is_some_and(|tb| t > tb) && o[t] > out.pre_break_high + out.tol {
            out.superseded = Some(t);
            if matches!(phase, Phase::Broken { .. } | Phase::Retest { .. }) {
                resolve(ObvStatus::Superseded, &mut out);
            } else {
                out.status = ObvStatus::Superseded;
            }
        }
        if out.resolved == Some(t) {
            // A reclaimed line stays the line (watched for a new break); any other resolution
            // leaves no line until two newer pivots form.
            if out.status == ObvStatus::Reclaimed {
                phase = Phase::Intact;
            } else {
                phase = Phase::Building;
                line = None;
            }
            a = None;
            b = None;
        }
        each(&out);
    }
    out
}
