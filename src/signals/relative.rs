//! Signals A1 `rs_small_cap_lag_ending`, A2 `rs_cap_ladder_rotation` and G1
//! `rs_large_cap_wave_complete` (SIGNALS.md §4 A, G). Input: the instrument's, the benchmark's
//! and optionally the mid cap's complete weekly bars. Output: three weekly [`SignalResult`]s in
//! group `thesis_rs`.
//!
//! The ratio R = instrument/benchmark uses `ratio_close` (adjusted close when present) on weeks
//! where both weekly bars are complete, joined by ISO week. `as_of` is the instrument's label of
//! the last joined week.
//!
//! Evidence keys, in order:
//!
//! | signal | keys |
//! |---|---|
//! | A1 | `lag104` Pct, `R_t` Ratio, `R_low` Ratio, `low_date` Date (the two-year window's low), `rebound` Pct, `roc13` Pct, `sma30` Ratio, `weeks_above_sma30` Count, `trend26` Pct, `R_high` Ratio, `high_date` Date (the window's high), `wks_since_low` Count |
//! | A2 | `spy_ext` Pct, `spy_ext_pct` Ratio (0..1 rank), `roc13_mid` Pct (absent without a mid cap), `roc13_small` Pct, `spy_sma40` Price |
//! | G1 | `spy_done` Text, `spy_peak_date` Date, `spy_h_frac` Pct, `spy_wave_age` Count, `spy_divergence` Text, `iwm_early` Text, `iwm_age` Count, `iwm_h_frac` Pct, `r_pct` Ratio, `r_below_sma30` Text, `roc13` Pct, `lean` Handoff (the three conditions) |
//!
//! Flags: A1 `no_lag`; G1 `spy_divergence`.

use super::branch::{Branch, Flag};
use super::cache::{PrefixWaves, RelativePre};
use super::series::{align_weeks, at, yes_no};
use super::{SignalInput, SignalResult, State, Unavailable, Unit};
use crate::data::BarsView;
use crate::indicators::primitives::{self as p};
use crate::indicators::{macd, sma};
use crate::resample::Timeframe;
use chrono::NaiveDate;
use std::borrow::Cow;

const GROUP: &str = "thesis_rs";
const A1: &str = crate::signals::catalog::SignalId::RsSmallCapLagEnding.as_str();
const A1_CLAIM: &str = "the instrument's two-year lag against the benchmark ending";
const A2: &str = crate::signals::catalog::SignalId::RsCapLadderRotation.as_str();
const A2_CLAIM: &str = "capital rotating toward the instrument";
const G1: &str = crate::signals::catalog::SignalId::RsLargeCapWaveComplete.as_str();
const G1_CLAIM: &str = "the benchmark's expansion wave complete while the instrument's is not";

/// The two-year window A1 reads (weeks back from the latest): the change is measured from the
/// week this far back, the low and high over the weeks after it. The relative chart draws the
/// same window, so text, chart and alt text speak of one span.
pub const LAG_WEEKS: usize = 104;
/// A1 needs 104 + 13 weekly ratio values.
pub const A1_NEED: usize = LAG_WEEKS + 13;
/// A2 needs SMA40 plus 130 ranked values (pctrank over 260 with at least half present).
pub const A2_NEED: usize = 169;
/// G1 needs 130 ratio values for its 5-year percentile rank.
pub const G1_NEED: usize = 130;
/// G1: the ratio's five-year percentile rank (0..1) at or below which the instrument's rotation
/// is "not done" (a handoff to it can still run; SIGNALS.md §4 G).
pub const G1_PCT_LOW: f64 = 0.40;
/// G1's mirror: the percentile rank at or above which the instrument has already outrun.
pub const G1_PCT_HIGH: f64 = 0.60;

/// The instrument/benchmark ratio on jointly complete weeks.
struct Rel<'a> {
    inst: BarsView<'a>,
    bench: BarsView<'a>,
    /// Instrument label of each joined week.
    dates: Cow<'a, [NaiveDate]>,
    /// R = instrument / benchmark.
    r: Cow<'a, [f64]>,
    /// Index into the instrument's weekly bars.
    ii: Cow<'a, [usize]>,
    /// Index into the benchmark's weekly bars.
    bi: Cow<'a, [usize]>,
    /// SMA(30) of R.
    s30: Cow<'a, [f64]>,
    /// The series precomputed on the full bars (history walks), when given.
    pre: Option<&'a RelativePre>,
}

impl<'a> Rel<'a> {
    fn new(inst: BarsView<'a>, bench: BarsView<'a>, pre: Option<&'a RelativePre>) -> Self {
        if let Some(p) = pre {
            // The joined weeks of two prefixes are a prefix of the full join.
            let m = p.joined(inst.len(), bench.len());
            return Rel {
                inst,
                bench,
                dates: Cow::Borrowed(&p.dates[..m]),
                r: Cow::Borrowed(&p.r[..m]),
                ii: Cow::Borrowed(&p.ii[..m]),
                bi: Cow::Borrowed(&p.bi[..m]),
                s30: Cow::Borrowed(&p.r_sma30[..m]),
                pre,
            };
        }
        let pairs = align_weeks(inst, bench);
        let (ic, bc) = (inst.ratio_close(), bench.ratio_close());
        let (mut dates, mut r, mut ii, mut bi) = (
            Vec::with_capacity(pairs.len()),
            Vec::with_capacity(pairs.len()),
            Vec::with_capacity(pairs.len()),
            Vec::with_capacity(pairs.len()),
        );
        for (i, j) in pairs {
            dates.push(inst.date[i]);
            r.push(if bc[j] > 0.0 && ic[i].is_finite() { ic[i] / bc[j] } else { f64::NAN });
            ii.push(i);
            bi.push(j);
        }
        let s30 = sma(&r, 30);
        Rel {
            inst,
            bench,
            dates: Cow::Owned(dates),
            r: Cow::Owned(r),
            ii: Cow::Owned(ii),
            bi: Cow::Owned(bi),
            s30: Cow::Owned(s30),
            pre: None,
        }
    }
}

/// Evaluates A1, A2 and G1.
pub fn evaluate(input: &SignalInput) -> Vec<SignalResult> {
    let Some(bench) = input.bench_weekly else {
        let last = input.weekly.date.last().copied();
        let miss = || Unavailable::MissingInput { input: "benchmark".into() };
        return vec![
            SignalResult::unavailable(A1, GROUP, A1_CLAIM, Timeframe::Weekly, last, miss()),
            SignalResult::unavailable(A2, GROUP, A2_CLAIM, Timeframe::Weekly, last, miss()),
            SignalResult::unavailable(G1, GROUP, G1_CLAIM, Timeframe::Weekly, last, miss()),
        ];
    };
    let rel = Rel::new(input.weekly, bench, input.pre.and_then(|p| p.relative.as_ref()));
    let (a2, spy_ext_pct) = a2(input, &rel);
    vec![a1(&rel), a2, g1(input, &rel, spy_ext_pct)]
}

fn a1(rel: &Rel) -> SignalResult {
    let n = rel.r.len();
    let as_of = rel.dates.last().copied();
    if n < A1_NEED {
        return SignalResult::unavailable(
            A1,
            GROUP,
            A1_CLAIM,
            Timeframe::Weekly,
            as_of,
            Unavailable::InsufficientHistory { need: A1_NEED, have: n },
        );
    }
    let r = &rel.r;
    let t = n - 1;
    let rt = r[t];
    let lag104 = rt / r[t - LAG_WEEKS] - 1.0;
    // The window lag104 is measured over, both ends included (review 26: the base week stood above
    // a "two-year high" taken over the 104 weeks after it).
    let from = t - LAG_WEEKS;
    let mut low = from;
    for (k, x) in r.iter().enumerate().take(t + 1).skip(from) {
        if *x < r[low] {
            low = k;
        }
    }
    let mut high = from;
    for (k, x) in r.iter().enumerate().take(t + 1).skip(from) {
        if *x > r[high] {
            high = k;
        }
    }
    let wks_since_low = t - low;
    let rebound = rt / r[low] - 1.0;
    let s30 = &rel.s30;
    let sma30 = s30[t];
    let roc13 = rt / r[t - 13] - 1.0;
    let trend26 = p::logtrend(&r[..=t], 26).unwrap_or(f64::NAN);
    let mut above = 0usize;
    for k in (0..=t).rev() {
        if s30[k].is_finite() && r[k] > s30[k] {
            above += 1;
        } else {
            break;
        }
    }

    let mut res = SignalResult::new(A1, GROUP, A1_CLAIM, Timeframe::Weekly, as_of);
    res.push_num("lag104", lag104, Unit::Pct);
    res.push_num("R_t", rt, Unit::Ratio);
    res.push_num("R_low", r[low], Unit::Ratio);
    res.push("low_date", super::Ev::Date { v: rel.dates[low] });
    res.push_num("rebound", rebound, Unit::Pct);
    res.push_num("roc13", roc13, Unit::Pct);
    res.push_num("sma30", sma30, Unit::Ratio);
    res.push_num("weeks_above_sma30", above as f64, Unit::Count);
    res.push_num("trend26", trend26, Unit::Pct);
    res.push_num("R_high", r[high], Unit::Ratio);
    res.push("high_date", super::Ev::Date { v: rel.dates[high] });
    res.push_num("wks_since_low", wks_since_low as f64, Unit::Count);

    let lagged = lag104 <= -0.05;
    if lagged && rt > sma30 && roc13 > 0.0 && wks_since_low >= 6 {
        let s = 0.4 * p::ramp(roc13, 0.0, 0.06)
            + 0.3 * p::ramp(rebound, 0.0, 0.10)
            + 0.3 * p::ramp(trend26, 0.0, 0.05);
        res.conclude(State::Bullish, s, Branch::A1LagEnding)
    } else if lagged && rt < sma30 && roc13 < 0.0 {
        let s = 0.5 * p::ramp(-roc13, 0.0, 0.06) + 0.5 * p::ramp(-trend26, 0.0, 0.05);
        res.conclude(State::Bearish, s, Branch::A1StillLosing)
    } else if !lagged {
        res.flags.push(Flag::NoLag);
        res.conclude(State::Neutral, 0.0, Branch::A1NoLag)
    } else {
        res.conclude(State::Neutral, 0.0, Branch::A1NotTurning)
    }
}

/// Ratio `a/b` for joined indices, NaN when undefined.
fn div(a: f64, b: f64) -> f64 {
    if b > 0.0 && a.is_finite() {
        a / b
    } else {
        f64::NAN
    }
}

/// A2 and the benchmark's extension percentile (which G1 reads even when A2 is not assessed).
fn a2(input: &SignalInput, rel: &Rel) -> (SignalResult, Option<f64>) {
    let n = rel.r.len();
    let as_of = rel.dates.last().copied();
    // Without a mid-cap series the ladder is never assessed, so that is the reason given at any
    // history length (a short history is not the reason then).
    let unavailable = |have| {
        let reason = match input.mid_weekly {
            None => Unavailable::MissingInput { input: "mid_cap".into() },
            Some(_) => Unavailable::InsufficientHistory { need: A2_NEED, have },
        };
        SignalResult::unavailable(A2, GROUP, A2_CLAIM, Timeframe::Weekly, as_of, reason)
    };
    if n < 130 {
        return (unavailable(n), None);
    }
    let t = n - 1;
    let jt = rel.bi[t];
    let bc = &rel.bench.close;
    let s40 = match rel.pre {
        Some(p) => Cow::Borrowed(&p.bench_sma40[..=jt]),
        None => Cow::Owned(sma(&bc[..=jt], 40)),
    };
    // Only the 260 weeks the percentile ranks are needed.
    let lo = (jt + 1).saturating_sub(260);
    let ext: Vec<f64> = bc[lo..=jt].iter().zip(&s40[lo..]).map(|(c, s)| div(*c, *s) - 1.0).collect();
    let Some(ext_pct) = p::pctrank(&ext, jt - lo, 260) else {
        return (unavailable(jt + 1), None);
    };
    let spy_ext = ext[jt - lo];

    // Mid-cap rung: join the mid cap onto the instrument's weeks.
    let mut roc_mid = None;
    let mut roc_small = None;
    let mut mid_weeks = 0;
    if let Some(mid) = input.mid_weekly {
        let mut mid_of = vec![usize::MAX; rel.inst.len()];
        for (i, m) in align_weeks(rel.inst, mid) {
            mid_of[i] = m;
        }
        let tri: Vec<(usize, usize, usize)> = (0..n)
            .filter(|&k| mid_of[rel.ii[k]] != usize::MAX)
            .map(|k| (rel.ii[k], rel.bi[k], mid_of[rel.ii[k]]))
            .collect();
        mid_weeks = tri.len();
        if tri.len() >= 14 && tri.last().map(|x| x.0) == Some(rel.ii[t]) {
            let (ic, bcr, mc) = (rel.inst.ratio_close(), rel.bench.ratio_close(), mid.ratio_close());
            let (i1, j1, m1) = tri[tri.len() - 1];
            let (i0, j0, m0) = tri[tri.len() - 14];
            roc_mid = Some(div(mc[m1], bcr[j1]) / div(mc[m0], bcr[j0]) - 1.0);
            roc_small = Some(div(ic[i1], mc[m1]) / div(ic[i0], mc[m0]) - 1.0);
        }
    }
    // The ladder needs its middle rung: without a mid-cap series the signal reduces to "small
    // caps fell against large caps over 13 weeks", which A1 already measures (and which held on
    // most week-ends), so it is not assessed rather than scored on half a ladder.
    let (Some(roc_mid), Some(roc_small)) = (roc_mid, roc_small) else {
        let reason = match input.mid_weekly {
            None => Unavailable::MissingInput { input: "mid_cap".into() },
            Some(_) => Unavailable::InsufficientHistory { need: 14, have: mid_weeks },
        };
        return (
            SignalResult::unavailable(A2, GROUP, A2_CLAIM, Timeframe::Weekly, as_of, reason),
            Some(ext_pct),
        );
    };

    let mut res = SignalResult::new(A2, GROUP, A2_CLAIM, Timeframe::Weekly, as_of);
    res.push_num("spy_ext", spy_ext, Unit::Pct);
    res.push_num("spy_ext_pct", ext_pct, Unit::Ratio);
    res.push_num("roc13_mid", roc_mid, Unit::Pct);
    res.push_num("roc13_small", roc_small, Unit::Pct);
    res.push_num("spy_sma40", s40[jt], Unit::Price);

    let rocs = [roc_mid, roc_small];
    let all_up = rocs.iter().all(|r| *r > 0.0);
    let all_down = rocs.iter().all(|r| *r < 0.0);
    if ext_pct >= 0.70 && all_up {
        let rung = 0.5 / rocs.len() as f64;
        let s = 0.5 * p::ramp(ext_pct, 0.7, 0.95)
            + rocs.iter().map(|r| rung * p::ramp(*r, 0.0, 0.04)).sum::<f64>();
        (res.conclude(State::Bullish, s, Branch::A2DownLadder), Some(ext_pct))
    } else if all_down {
        let s = rocs.iter().map(|r| p::ramp(-r, 0.0, 0.04)).sum::<f64>() / rocs.len() as f64;
        (res.conclude(State::Bearish, s, Branch::A2UpLadder), Some(ext_pct))
    } else {
        (res.conclude(State::Neutral, 0.0, Branch::A2NoRotation), Some(ext_pct))
    }
}

/// The wave containing the last bar of `h` and the latest positive wave that ended before it,
/// read from `pw` (the waves of a series of which `h` is a prefix) when given.
fn current_and_prev_positive(
    h: &[f64],
    pw: Option<(&PrefixWaves, &[f64])>,
) -> (Option<p::Wave>, Option<p::Wave>) {
    let Some(last) = h.len().checked_sub(1) else {
        return (None, None);
    };
    let own;
    let mut ws: Box<dyn Iterator<Item = p::Wave>> = match pw {
        Some((pw, full)) => Box::new(pw.rev_upto(full, last)),
        None => {
            own = p::waves(h);
            Box::new(own.iter().rev().copied())
        }
    };
    // Waves are in order and disjoint: the newest one contains the last bar if any does.
    let mut first = ws.next();
    let cur = first.filter(|w| w.start <= last && w.end >= last);
    let before = cur.map_or(last + 1, |c| c.start);
    if cur.is_some() {
        first = None;
    }
    let prev_pos = first.into_iter().chain(ws).find(|w| w.positive && w.end < before);
    (cur, prev_pos)
}

fn g1(input: &SignalInput, rel: &Rel, spy_ext_pct: Option<f64>) -> SignalResult {
    let n = rel.r.len();
    let as_of = rel.dates.last().copied();
    let unavailable = |have| {
        SignalResult::unavailable(
            G1,
            GROUP,
            G1_CLAIM,
            Timeframe::Weekly,
            as_of,
            Unavailable::InsufficientHistory { need: G1_NEED, have },
        )
    };
    if n < G1_NEED {
        return unavailable(n);
    }
    let t = n - 1;
    let Some(r_pct) = p::pctrank(&rel.r, t, 260) else {
        return unavailable(n);
    };
    let (it, jt) = (rel.ii[t], rel.bi[t]);

    // SPY: is its positive wave done?
    let own_sm;
    let (sm_line, sh, spw): (&[f64], &[f64], _) = match rel.pre {
        Some(p) => (&p.bench_macd[..=jt], &p.bench_hist[..=jt], Some((&p.bench_waves, &p.bench_hist[..]))),
        None => {
            own_sm = macd(&rel.bench.close[..=jt], 12, 26, 9);
            (&own_sm.macd, &own_sm.hist, None)
        }
    };
    let Some(sh_t) = at(sh, jt) else {
        return unavailable(n);
    };
    let (scur, sprev) = current_and_prev_positive(sh, spw);
    let age = |w: &p::Wave| w.end - w.start + 1;
    let mut spy_done = false;
    let mut spy_wave: Option<p::Wave> = None;
    if let Some(w) = scur.filter(|w| w.positive) {
        spy_wave = Some(w);
        spy_done = age(&w) >= 8 && sh_t <= 0.6 * w.amplitude;
    }
    let mut spy_ended = false;
    if sh_t <= 0.0 {
        if let Some(w) = sprev {
            spy_wave = Some(w);
            if age(&w) >= 13 && jt - w.end <= 26 {
                spy_done = true;
                spy_ended = true;
            }
        }
    }
    // SPY divergence: a 52-week closing high while the MACD line is below its prior 52-week peak.
    let bc = &rel.bench.close;
    let spy_div = jt >= 52 && {
        let hi = bc[jt + 1 - 52..=jt].iter().cloned().fold(f64::MIN, f64::max);
        let prior_peak =
            sm_line[jt - 52..jt].iter().cloned().filter(|x| x.is_finite()).fold(f64::MIN, f64::max);
        bc[jt] >= hi && sm_line[jt].is_finite() && sm_line[jt] < prior_peak
    };

    // IWM: is its wave young and still expanding?
    // The instrument's weekly MACD(12, 26, 9) histogram and its wave states are D4's second
    // wave, precomputed on the full bars when walking history (causal: the prefix is equal).
    let ih_all = super::cache::or_compute(input.pre.map(|pc| &pc.weekly_wave_hists[1][..]), it + 1, || {
        macd(&rel.inst.close[..=it], 12, 26, 9).hist
    });
    let ih: &[f64] = &ih_all;
    let Some(ih_t) = at(ih, it) else {
        return unavailable(n);
    };
    let ipw = input.pre.map(|pc| (&pc.weekly_waves2, &pc.weekly_wave_hists[1][..]));
    let (icur, iprev) = current_and_prev_positive(ih, ipw);
    let (mut iwm_early, mut iwm_age, mut iwm_frac) = (false, 0usize, f64::NAN);
    if let Some(w) = icur.filter(|w| w.positive) {
        iwm_age = age(&w);
        iwm_frac = if w.amplitude > 0.0 { ih_t / w.amplitude } else { f64::NAN };
        iwm_early = iwm_age <= 13 && ih_t >= 0.8 * w.amplitude;
    }
    // The mirror of the handoff (SIGNALS.md §4 G): the instrument's wave is done by the test the
    // benchmark's is held to, and the benchmark's wave is young and expanding by the instrument's.
    let iwm_done = icur.filter(|w| w.positive).is_some_and(|w| age(&w) >= 8 && ih_t <= 0.6 * w.amplitude)
        || (ih_t <= 0.0 && iprev.is_some_and(|w| age(&w) >= 13 && it - w.end <= 26));
    let spy_early = scur.filter(|w| w.positive).is_some_and(|w| age(&w) <= 13 && sh_t >= 0.8 * w.amplitude);
    let s30 = &rel.s30;
    let below_sma = s30[t].is_finite() && rel.r[t] < s30[t];
    let roc13 = rel.r[t] / rel.r[t - 13] - 1.0;
    let small_not_done = r_pct <= G1_PCT_LOW;

    let mut res = SignalResult::new(G1, GROUP, G1_CLAIM, Timeframe::Weekly, as_of);
    res.push("spy_done", yes_no(spy_done));
    if let Some(w) = spy_wave {
        res.push("spy_peak_date", super::Ev::Date { v: rel.bench.date[w.peak_idx] });
        res.push_num("spy_h_frac", if w.amplitude > 0.0 { sh_t / w.amplitude } else { f64::NAN }, Unit::Pct);
        res.push_num("spy_wave_age", age(&w) as f64, Unit::Count);
    }
    res.push("spy_divergence", yes_no(spy_div));
    res.push("iwm_early", yes_no(iwm_early));
    res.push_num("iwm_age", iwm_age as f64, Unit::Count);
    res.push_num("iwm_h_frac", iwm_frac, Unit::Pct);
    res.push_num("r_pct", r_pct, Unit::Ratio);
    res.facts.rs_percentile = Some(r_pct);
    res.push("r_below_sma30", yes_no(below_sma));
    res.push_num("roc13", roc13, Unit::Pct);
    let lean = super::Handoff {
        symbol: input.symbol.to_string(),
        bench: input.bench_symbol.map(str::to_string),
        bench_done: spy_done,
        inst_early: iwm_early,
        ratio_low: small_not_done,
    };
    res.push("lean", super::Ev::Handoff { v: lean });
    if spy_div {
        res.flags.push(Flag::SpyDivergence);
    }

    if spy_done && iwm_early && small_not_done {
        let s = 0.4 * (0.5 + 0.5 * p::ramp(spy_ext_pct.unwrap_or(0.0), 0.6, 0.95))
            + 0.3
            + 0.3 * p::ramp(r_pct, 0.4, 0.1);
        res.conclude(State::Bullish, s, Branch::G1Handoff { ended: spy_ended })
    } else if iwm_done && spy_early && r_pct >= G1_PCT_HIGH {
        // The mirror of the Bull conjunction: small caps have had their expansion, large caps'
        // is starting. (It was "the instrument's wave fading ∧ the ratio below its 30-week
        // average", a momentum reading D4 and A1 already score, true on 353 of 864 week ends
        // against 5 for Bull: the stance's largest bearish bias, issue 11/12.)
        let s = 0.5 + 0.2 * p::ramp(r_pct, 0.6, 0.9) + 0.3 * p::ramp(-roc13, 0.0, 0.05);
        res.conclude(State::Bearish, s, Branch::G1Fading { negative: ih_t < 0.0 })
    } else {
        res.conclude(State::Neutral, 0.0, Branch::G1Incomplete)
    }
}
