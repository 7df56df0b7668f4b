//! Signals D1–D4 (SIGNALS.md §4 D): the weekly chart. Input: the instrument's complete weekly
//! bars (`SignalInput::weekly`) and `params.anchor_year`. Output: four weekly [`SignalResult`]s
//! in group `weekly`; `as_of` is the label of the last complete week.
//!
//! | signal | evidence keys, in order |
//! |---|---|
//! | D1 `wk_compression_cluster_reclaim` | `top` Price, `bottom` Price, `n_bands` Count, `reclaim_date` Date, `prior_below` Count (closes ≤ top in the 26 weeks before the reclaim), `weeks_below` Count (the uncapped run of such closes just before it), `n_since` Count, `closes_above` Count, `strong_above` Count, `strong_dates` Dates, `dist_atr` Atr, `close` Price, `atr` Price, `gmma_above_all` Text, `gmma_width_pct` Ratio, `bw_pct` Ratio, then per band i = 1.. (oldest first) `band{i}` Range (close lo–hi), `band{i}_dates` Dates (start, end), `band{i}_wick` Range, `band{i}_ttm` Count |
//! | D2 `wk_volume_accumulation` | `anchor_date` Date, `anchor_low` Price, `obv_rel` Shares, `obv_rel_n` Number (weeks of average volume), `obv_slope` Ratio (weeks of average volume per week), `udv` Ratio, `persist` Pct, `vol_trend` Pct, `vol_ratio` Ratio, `ad_rel_n` Ratio, then when a later low broke the anchor: `break_date` Date, `break_low` Price, `break_obv_divergence` Text (not emitted since the anchor moves to such a low), and when it moved: `prior_anchor_date` Date, `prior_anchor_low` Price |
//! | D3 `wk_volume_trendline_support` | `anchor_date` Date, `n_pullbacks` Count, `pullback_dates` Dates, `pullback_lows` Prices, `slope` Ratio (weeks of average volume per week), `r2` Ratio, `held`, `n_failed` Count, `held_ratio` Ratio, `failed_dates` Dates, `residuals_sigma` Residuals (week, residual in σ), `last_pullback_date` Date, `line` Shares (the fitted line at the as-of week), `obv` Shares (OBV then), `obv_vs_line_n` Number (OBV − line in weeks of average volume), `noise_n` Number (the margin under the line that is noise, same unit), `break_date` Date (when OBV closed under the line by more than the noise and has not closed back on it since), `prior_anchor_date` Date, `prior_anchor_low` Price (when the anchor moved) |
//! | D4 `wk_momentum_wave_flip` | `n_eu` Count, `n_ed` Count, `flip_date` Date, `contraction_len` Count, `contraction_start` Date, `weeks_since_flip` Count, `h1_atr`, `h2_atr`, `h3_atr` Atr (histograms W1 6/13/5, W2 12/26/9, W3 24/52/18 over ATR14), `w2_trough` Price, `w2_trough_date` Date, `faded` Text, `rsi` Number (0–100), `rsi_13ago` Number, `bw_pct` Ratio, `bw_pct_min` Ratio, `ed_since` Date (since when every histogram expanding down now has been expanding down), `macd_state` Text (the 12/26/9 histogram now: `expanding_up`, `contracting_up`, `fading_down`, `expanding_down`), `macd_state_weeks` Count, `macd_pos_since` Date (the week since which the 12/26/9 histogram has been above zero, when it is) |
//!
//! Flags: D1 `single_band`, `no_compression_found`; D2 `anchor_auto`, `re_anchored`; D3
//! `re_anchored`, `too_few_pullbacks`,
//! `one_breach`; D4 `mature_expansion`.
//!
//! The D2/D3 anchor is the week with the lowest low in `anchor_year`; without one (or when that
//! year has no complete week up to as-of) it is the lowest low in [t−156, t−26] (`anchor_auto`).
//! When a later weekly low up to as-of undercuts that low, the anchor moves to the lowest such
//! low (`re_anchored`), so no weekly low after the anchor is below it.

use super::branch::{Branch, D1Below, Flag};
use super::cache::{self, or_compute};
use super::series::{
    at, dates_at, logtrend_vol, mean_vol, missing_share, price_list, ratio, sma_vol, yes_no,
};
use super::{
    CompressionBand, Ev, MacdState, SignalInput, SignalResult, State, Tag, Unavailable, Unit, ZoneStatus,
};
use crate::data::BarsView;
use crate::indicators::composite::{compressed, gmma, squeeze, wave_hists};
use crate::indicators::primitives::{self as p, WaveState};
use crate::indicators::{ad, atr, bandwidth, bbands, obv, rsi};
use crate::resample::Timeframe;
use chrono::{Datelike, NaiveDate};

/// The weekly contraction D4 needs before a turn up counts (SIGNALS.md D4: contraction_len ≥ 8).
pub const D4_MIN_CONTRACTION: usize = 8;
const GROUP: &str = "weekly";
const D1: &str = crate::signals::catalog::SignalId::WkCompressionClusterReclaim.as_str();
const D1_CLAIM: &str = "weekly reclaim of the compression-band cluster";
const D2: &str = crate::signals::catalog::SignalId::WkVolumeAccumulation.as_str();
const D2_CLAIM: &str = "persistent weekly volume accumulation since the anchor low";
const D3: &str = crate::signals::catalog::SignalId::WkVolumeTrendlineSupport.as_str();
const D3_CLAIM: &str = "rising volume trendline through weekly pullbacks";
/// D4's id.
pub(crate) const D4: &str = crate::signals::catalog::SignalId::WkMomentumWaveFlip.as_str();
const D4_CLAIM: &str = "weekly momentum waves flipping from contraction to expansion";

/// D1 needs 72 complete weeks.
pub const D1_NEED: usize = 72;
/// D2/D3 need 26 weeks after the anchor.
pub const D2_MIN_SPAN: usize = 26;
/// D4 needs 90 complete weeks.
pub const D4_NEED: usize = 90;

/// A weekly signal not assessed as of week `t`, for `why`.
fn not_assessed(
    id: &'static str,
    claim: &'static str,
    w: BarsView<'_>,
    t: usize,
    why: Unavailable,
) -> Box<SignalResult> {
    Box::new(SignalResult::unavailable(id, GROUP, claim, Timeframe::Weekly, Some(w.date[t]), why))
}

fn short(id: &'static str, claim: &'static str, w: BarsView<'_>, need: usize) -> SignalResult {
    SignalResult::unavailable(
        id,
        GROUP,
        claim,
        Timeframe::Weekly,
        w.date.last().copied(),
        Unavailable::InsufficientHistory { need, have: w.len() },
    )
}

/// Evaluates D1–D4.
pub fn evaluate(input: &SignalInput) -> Vec<SignalResult> {
    // D2 and D3 measure from the same anchor: found once.
    let anc = anchor(input);
    vec![d1(input), d2_with(input, anc), d3_with(input, anc), d4(input)]
}

/// One compression episode of D1.
#[derive(Debug, Clone, Copy)]
struct Band {
    start: usize,
    end: usize,
    lo: f64,
    hi: f64,
    wick_lo: f64,
    wick_hi: f64,
    ttm: usize,
}

/// Compression episodes: runs of ≥ 3 bars with BandWidth at or below the 20th percentile of
/// 104 weeks (at least 52 present), a single-bar interruption merged. The band is the range of
/// closes of the episode's non-gap bars.
/// `comp` is [`compressed`] of the bandwidth.
/// Only the episodes that start at or after `from` are found; `from` must be 0 or follow two
/// uncompressed bars (where an episode can neither continue nor bridge), so that they are the
/// same as the full scan's.
fn compression_bands(w: BarsView<'_>, comp: &[bool], ttm_on: &[bool], from: usize) -> Vec<Band> {
    let n = w.len();
    let mut out = Vec::new();
    let mut j = from;
    while j < n {
        if !comp[j] {
            j += 1;
            continue;
        }
        let (start, mut end, mut cnt, mut k) = (j, j, 1usize, j + 1);
        loop {
            if k < n && comp[k] {
                end = k;
                cnt += 1;
                k += 1;
            } else if k + 1 < n && comp[k + 1] {
                end = k + 1;
                cnt += 1;
                k += 2;
            } else {
                break;
            }
        }
        if cnt >= 3 {
            let mut b = Band {
                start,
                end,
                lo: f64::INFINITY,
                hi: f64::NEG_INFINITY,
                wick_lo: f64::INFINITY,
                wick_hi: f64::NEG_INFINITY,
                ttm: 0,
            };
            for (i, on) in ttm_on.iter().enumerate().take(end + 1).skip(start) {
                if *on {
                    b.ttm += 1;
                }
                if w.gap.get(i).copied().unwrap_or(false) {
                    continue;
                }
                b.lo = b.lo.min(w.close[i]);
                b.hi = b.hi.max(w.close[i]);
                b.wick_lo = b.wick_lo.min(w.low[i]);
                b.wick_hi = b.wick_hi.max(w.high[i]);
            }
            if b.lo.is_finite() && b.hi.is_finite() {
                out.push(b);
            }
        }
        j = k;
    }
    out
}

/// The bands whose episode ended in [j−156, j): the cluster as seen from bar j.
fn cluster(bands: &[Band], j: usize) -> Vec<Band> {
    bands.iter().filter(|b| b.end < j && b.end + 156 >= j).copied().collect()
}

fn top_bottom(c: &[Band]) -> (f64, f64) {
    let top = c.iter().map(|b| b.hi).fold(f64::NEG_INFINITY, f64::max);
    let bottom = c.iter().map(|b| b.lo).fold(f64::INFINITY, f64::min);
    (top, bottom)
}

/// D1 `wk_compression_cluster_reclaim`.
#[inline(never)]
pub(crate) fn d1(input: &SignalInput) -> SignalResult {
    let w = input.weekly;
    let n = w.len();
    if n < D1_NEED {
        return short(D1, D1_CLAIM, w, D1_NEED);
    }
    let t = n - 1;
    let (c, h, l, o) = (&w.close, &w.high, &w.low, &w.open);
    let pre = input.pre;
    let own_sq;
    let own_comp;
    let (bw, ttm_on, comp): (&[f64], &[bool], &[bool]) = match pre {
        Some(p) => (&p.weekly_bw20[..n], &p.weekly_ttm_on[..n], &p.weekly_compressed[..n]),
        None => {
            own_sq = squeeze(w);
            own_comp = compressed(&own_sq.0);
            (&own_sq.0, &own_sq.1, &own_comp)
        }
    };
    let atr14 = or_compute(pre.map(|p| &p.weekly_atr14[..]), n, || atr(h, l, c, 14));
    let Some(atr_t) = at(&atr14, t).filter(|a| *a > 0.0) else {
        return short(D1, D1_CLAIM, w, D1_NEED);
    };
    // The reclaim reads the bands that ended within 156 weeks of one of the last 26 bars: scan
    // from the last point before that where two uncompressed bars reset the episode scan.
    let mut from = t.saturating_sub(25 + 156);
    while from >= 2 && (comp[from - 1] || comp[from - 2]) {
        from -= 1;
    }
    if from < 2 {
        from = 0;
    }
    let bands = compression_bands(w, comp, ttm_on, from);

    // Reclaim: the latest bar in the last 26 closing above the cluster top after closing at or below it.
    let mut r = None;
    for j in (t.saturating_sub(25).max(1)..=t).rev() {
        let cl = cluster(&bands, j);
        if cl.is_empty() {
            continue;
        }
        let (top_j, _) = top_bottom(&cl);
        if c[j] > top_j && top_j >= c[j - 1] {
            r = Some(j);
            break;
        }
    }
    let cl = cluster(&bands, r.unwrap_or(t));
    let (top, bottom) = top_bottom(&cl);
    let n_bands = cl.len();

    // GMMA (evidence only).
    let own_gmma;
    let (emas, width): (&[Vec<f64>], &[f64]) = match pre {
        Some(p) => (&p.weekly_gmma.0, &p.weekly_gmma.1[..n]),
        None => {
            own_gmma = gmma(c);
            (&own_gmma.0, &own_gmma.1)
        }
    };
    let above_all = emas.iter().all(|e| e[t].is_finite() && c[t] > e[t]);
    let width_pct = p::pctrank(width, t, 104).unwrap_or(f64::NAN);
    let bw_pct = match pre {
        Some(pc) => pc.weekly_bw_pct104[t],
        None if bw[t].is_finite() => p::pctrank(bw, t, 104),
        None => None,
    }
    .unwrap_or(f64::NAN);

    let mut res = SignalResult::new(D1, GROUP, D1_CLAIM, Timeframe::Weekly, Some(w.date[t]));
    if n_bands == 0 {
        res.push_num("n_bands", 0.0, Unit::Count);
        res.push_num("close", c[t], Unit::Price);
        res.push_num("atr", atr_t, Unit::Price);
        res.push("gmma_above_all", yes_no(above_all));
        res.push_num("gmma_width_pct", width_pct, Unit::Ratio);
        res.push_num("bw_pct", bw_pct, Unit::Ratio);
        res.flags.push(Flag::NoCompressionFound);
        return res.conclude(State::Neutral, 0.0, Branch::D1NoCompression);
    }

    let (mut prior_below, mut n_since, mut closes_above) = (0usize, 0usize, 0usize);
    let mut weeks_below = 0usize;
    let mut strong = Vec::new();
    if let Some(r) = r {
        prior_below = (r.saturating_sub(26)..r).filter(|&j| c[j] <= top).count();
        // The run of closes at or below the top just before the reclaim, measured without a cap.
        weeks_below = (0..r).rev().take_while(|&j| c[j] <= top).count();
        n_since = t - r + 1;
        closes_above = (r..=t).filter(|&j| c[j] > top).count();
        for j in r..=t {
            let prev_atr = atr14[j - 1];
            if c[j] > top && prev_atr.is_finite() && p::strong_bull(o[j], h[j], l[j], c[j], prev_atr) {
                strong.push(j);
            }
        }
    }
    let dist_atr = (c[t] - top) / atr_t;
    res.push_num("top", top, Unit::Price);
    res.push_num("bottom", bottom, Unit::Price);
    res.push_num("n_bands", n_bands as f64, Unit::Count);
    if let Some(r) = r {
        res.push("reclaim_date", Ev::Date { v: w.date[r] });
    }
    res.push_num("prior_below", prior_below as f64, Unit::Count);
    if r.is_some() {
        res.push_num("weeks_below", weeks_below as f64, Unit::Count);
    }
    res.push_num("n_since", n_since as f64, Unit::Count);
    res.push_num("closes_above", closes_above as f64, Unit::Count);
    res.push_num("strong_above", strong.len() as f64, Unit::Count);
    res.push("strong_dates", Ev::Dates { v: dates_at(w, &strong) });
    res.push_num("dist_atr", dist_atr, Unit::Atr);
    res.push_num("close", c[t], Unit::Price);
    res.push_num("atr", atr_t, Unit::Price);
    res.push("gmma_above_all", yes_no(above_all));
    res.push_num("gmma_width_pct", width_pct, Unit::Ratio);
    res.push_num("bw_pct", bw_pct, Unit::Ratio);
    for b in &cl {
        res.push_band(CompressionBand {
            lo: b.lo,
            hi: b.hi,
            wick_lo: b.wick_lo,
            wick_hi: b.wick_hi,
            start: w.date[b.start],
            end: w.date[b.end],
            ttm: b.ttm,
        });
    }

    zone_levels(&mut res, w, &cl, top, r, atr_t);

    // `prior_below` counts within a 26-week window: all 26 is read as the measured run instead.
    let below = if prior_below >= 26 && r.is_some_and(|r| weeks_below >= r) {
        D1Below::DataStart
    } else if prior_below >= 26 {
        D1Below::Run
    } else {
        D1Below::InWindow
    };
    let ct = c[t];
    let bull = r.is_some()
        && ct > top
        && strong.len() >= D1_MIN_STRONG
        && closes_above as f64 / n_since.max(1) as f64 >= D1_MIN_ABOVE_SHARE
        && prior_below >= D1_MIN_PRIOR_BELOW;
    if bull {
        let mut s = 0.35 * p::ramp(strong.len() as f64, 1.0, 4.0)
            + 0.25 * p::ramp(dist_atr, 0.0, 2.0)
            + 0.2 * p::ramp(n_bands as f64, 1.0, 4.0)
            + 0.2 * p::ramp(closes_above as f64, 1.0, 6.0);
        let single = n_bands == 1;
        if single {
            s *= 0.7;
            res.flags.push(Flag::SingleBand);
        }
        return res.conclude(State::Bullish, s, Branch::D1Reclaim { single, below });
    }
    if ct < bottom || (r.is_some() && ct < top - 0.5 * atr_t) {
        let s = p::ramp((top - ct) / atr_t, 0.5, 3.0);
        let branch = if ct < bottom { Branch::D1BelowCluster } else { Branch::D1FellBack };
        return res.conclude(State::Bearish, s, branch);
    }
    let branch = match r {
        None if ct > top => Branch::D1AboveNoRecentReclaim,
        None => Branch::D1NoReclaim,
        Some(_) if ct > top => Branch::D1Unconfirmed { below },
        Some(_) => Branch::D1InsideAfterReclaim,
    };
    res.conclude(State::Neutral, 0.0, branch)
}

/// A confirmed reclaim: at least this many strong weekly closes above the zone top …
pub const D1_MIN_STRONG: usize = 2;
/// … closes above the top in at least this share of the weeks since the reclaim …
pub const D1_MIN_ABOVE_SHARE: f64 = 0.75;
/// … and at least this many weekly closes at or below the top in the 26 weeks before it.
pub const D1_MIN_PRIOR_BELOW: usize = 8;

/// Widest band (close range, in weekly ATR(14) at the last week) that a zone level may come from.
pub const ZONE_MAX_ATR: f64 = 3.0;
/// Oldest a zone level may be, in weeks: since the band ended (no reclaim or breakdown), the
/// reclaim (a long's level) or the first breakdown (a short's level). 26 weeks: D1's own window for a
/// reclaim, so a zone level is as recent as the reclaim the signal would read.
pub const ZONE_MAX_AGE_WEEKS: usize = 26;

/// A zone level's check: `ok`, `wide` (the band spans more than [`ZONE_MAX_ATR`]) or `old`
/// (its reference week is more than [`ZONE_MAX_AGE_WEEKS`] back).
fn zone_status(b: &Band, since: usize, t: usize, atr_t: f64) -> ZoneStatus {
    if b.hi - b.lo > ZONE_MAX_ATR * atr_t {
        ZoneStatus::Wide
    } else if t - since > ZONE_MAX_AGE_WEEKS {
        ZoneStatus::Old
    } else {
        ZoneStatus::Ok
    }
}

/// D1's zone levels (SIGNALS.md §4 D1, "Zone levels"): a squeeze zone is a level only while the
/// band behind it is compact and recent, so a cluster spanning years (149.14–232.28) never
/// becomes a stop. Pushes, for a long, `top_level` (Text ok/wide/old), `top_band` (Range: the
/// band whose top is the cluster top), `top_level_age` (Count, weeks), `top_level_width_atr`
/// (Atr); for a short, `short_level` (Price: the top of the nearest band above the last close,
/// else the cluster top), `short_band` (Range), `short_band_end` (Date), `breakdown_date` (Date:
/// the start of the latest run of weekly closes below that band after it ended, when there is one),
/// `first_breakdown_date` (Date: the first such close; the short level's age runs from it), `short_level_status`
/// (Text ok/wide/old), `short_level_age` (Count), `short_level_width_atr` (Atr).
fn zone_levels(res: &mut SignalResult, w: BarsView<'_>, cl: &[Band], top: f64, r: Option<usize>, atr_t: f64) {
    let t = w.len() - 1;
    let c = &w.close;
    let width = |b: &Band| (b.hi - b.lo) / atr_t;
    if let Some(tb) = cl.iter().filter(|b| b.hi == top).max_by_key(|b| b.end) {
        let since = r.unwrap_or(tb.end);
        res.push_tag("top_level", Tag::Zone(zone_status(tb, since, t, atr_t)));
        res.push("top_band", Ev::Range { lo: tb.lo, hi: tb.hi });
        res.push_num("top_level_age", (t - since) as f64, Unit::Count);
        res.push_num("top_level_width_atr", width(tb), Unit::Atr);
    }
    let near = cl
        .iter()
        .filter(|b| b.hi > c[t])
        .min_by(|x, y| x.hi.total_cmp(&y.hi))
        .or_else(|| cl.iter().filter(|b| b.hi == top).max_by_key(|b| b.end));
    if let Some(sb) = near {
        // The level's age runs from when price first left the band downward; its date (what a
        // close above is checked after) from the latest run below it.
        let first = (sb.end + 1..=t).find(|&j| c[j] < sb.lo);
        let bd = p::latest_run_start(c, sb.end + 1, t, |x| x < sb.lo);
        let since = first.unwrap_or(sb.end);
        res.push_num("short_level", sb.hi, Unit::Price);
        res.push("short_band", Ev::Range { lo: sb.lo, hi: sb.hi });
        res.push("short_band_end", Ev::Date { v: w.date[sb.end] });
        if let Some(k) = first {
            res.push("first_breakdown_date", Ev::Date { v: w.date[k] });
        }
        if let Some(k) = bd {
            res.push("breakdown_date", Ev::Date { v: w.date[k] });
        }
        res.push_tag("short_level_status", Tag::Zone(zone_status(sb, since, t, atr_t)));
        res.push_num("short_level_age", (t - since) as f64, Unit::Count);
        res.push_num("short_level_width_atr", width(sb), Unit::Atr);
    }
}

/// The D2/D3 anchor: (index, chosen automatically, the configured or automatic low it replaces).
///
/// An anchor low that a later weekly low (up to as-of) undercuts is no longer the low "since"
/// which anything is measured: the anchor moves to the lowest weekly low after it (the newest of
/// equal lows), and the undercut low is returned so the evidence can name it.
fn anchor(input: &SignalInput) -> Option<(usize, bool, Option<usize>)> {
    let w = input.weekly;
    let t = w.len().checked_sub(1)?;
    let (a, auto) = first_anchor(input)?;
    let mut b = a;
    for j in a + 1..=t {
        if w.low[j].is_finite() && w.low[j] <= w.low[b] && (b != a || w.low[j] < w.low[a]) {
            b = j;
        }
    }
    Some((b, auto, (b != a).then_some(a)))
}

/// The anchor as configured (`anchor_year`) or chosen automatically: (index, automatic).
fn first_anchor(input: &SignalInput) -> Option<(usize, bool)> {
    let w = input.weekly;
    let t = w.len().checked_sub(1)?;
    let argmin = |from: usize, to: usize| -> Option<usize> {
        let mut best: Option<usize> = None;
        for i in from..=to.min(t) {
            if w.low[i].is_finite() && best.is_none_or(|b| w.low[i] < w.low[b]) {
                best = Some(i);
            }
        }
        best
    };
    if let Some(y) = input.params.anchor_year {
        let from = w.date.partition_point(|d| d.year() < y);
        let to = w.date.partition_point(|d| d.year() <= y);
        if to > from {
            if let Some(a) = argmin(from, to - 1) {
                return Some((a, false));
            }
        }
    }
    if t < D2_MIN_SPAN {
        return None;
    }
    argmin(t.saturating_sub(156), t - D2_MIN_SPAN).map(|a| (a, true))
}

/// What [`anchored`] finds: the anchor, the last bar, whether the anchor was chosen
/// automatically, the mean volume and the undercut prior anchor (for [`push_prior_anchor`], so
/// the anchor is found once per signal).
type Anchored = (usize, usize, bool, f64, Option<usize>);

/// [`anchor`]'s result.
type Anchor = Option<(usize, bool, Option<usize>)>;

/// Checks the anchor `anc` (that [`anchor`] found on `input`) and the volume in [a, t]; Err is
/// the unavailable result.
fn anchored(
    input: &SignalInput,
    id: &'static str,
    claim: &'static str,
    anc: Anchor,
) -> Result<Anchored, Box<SignalResult>> {
    let w = input.weekly;
    let n = w.len();
    let Some((a, auto, prior)) = anc else {
        return Err(Box::new(short(id, claim, w, D2_MIN_SPAN + 1)));
    };
    let t = n - 1;
    if let Some(p) = prior.filter(|_| t < a + D2_MIN_SPAN) {
        return Err(not_assessed(
            id,
            claim,
            w,
            t,
            Unavailable::AnchorTooRecent {
                prior: w.date[p],
                anchor: w.date[a],
                weeks: t - a,
                need: D2_MIN_SPAN,
            },
        ));
    }
    if t < a + D2_MIN_SPAN {
        return Err(Box::new(short(id, claim, w, a + D2_MIN_SPAN + 1)));
    }
    if missing_share(&w.volume, a, t) > 0.05 {
        return Err(not_assessed(id, claim, w, t, Unavailable::VolumeGaps));
    }
    let Some(mean_v) = mean_vol(&w.volume, a, t) else {
        return Err(not_assessed(id, claim, w, t, Unavailable::VolumeGaps));
    };
    Ok((a, t, auto, mean_v, prior))
}

/// D2 `wk_volume_accumulation`.
/// (Given [`anchor`]'s result on the same input, found once for D2 and D3.)
#[inline(never)]
fn d2_with(input: &SignalInput, anc: Anchor) -> SignalResult {
    let (a, t, auto, mean_v, prior) = match anchored(input, D2, D2_CLAIM, anc) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let w = input.weekly;
    let (c, v) = (&w.close, &w.volume);
    let n = w.len();
    let ob = or_compute(input.pre.map(|p| &p.weekly_obv[..]), n, || obv(c, v));
    let adl = or_compute(input.pre.map(|p| &p.weekly_ad[..]), n, || ad(&w.high, &w.low, c, v));
    let obv_rel = ob[t] - ob[a];
    let obv_rel_n = obv_rel / mean_v;
    let obv_slope = p::ols(&ob[a..=t]).map_or(f64::NAN, |f| f.slope / mean_v);
    // Volume of the average up week over the average down week. Totals would be biased: from a
    // price low, up weeks outnumber down weeks by construction, so total up/down volume (and OBV)
    // rises whatever the volume does. Per-week averages measure where the volume is heavier.
    let (mut up, mut down, mut n_up, mut n_down) = (0.0, 0.0, 0u32, 0u32);
    for j in a + 1..=t {
        if v[j].is_finite() && v[j] > 0.0 {
            if c[j] > c[j - 1] {
                up += v[j];
                n_up += 1;
            } else if c[j] < c[j - 1] {
                down += v[j];
                n_down += 1;
            }
        }
    }
    let udv = match (n_up, n_down) {
        (0, _) | (_, 0) => f64::NAN,
        _ => ratio(up / f64::from(n_up), down / f64::from(n_down)).unwrap_or(f64::NAN),
    };
    let windows = t - a - 12;
    let rose = (a + 13..=t).filter(|&i| ob[i] > ob[i - 13]).count();
    let persist = rose as f64 / windows as f64;
    let vol_trend = logtrend_vol(v, t, 52).unwrap_or(f64::NAN);
    let vol_ratio = match (sma_vol(v, t, 10), sma_vol(v, t, 40)) {
        (Some(x), Some(y)) => ratio(x, y).unwrap_or(f64::NAN),
        _ => f64::NAN,
    };

    let mut res = SignalResult::new(D2, GROUP, D2_CLAIM, Timeframe::Weekly, Some(w.date[t]));
    res.push("anchor_date", Ev::Date { v: w.date[a] });
    res.push_num("anchor_low", w.low[a], Unit::Price);
    res.push_num("obv_rel", obv_rel, Unit::Shares);
    res.push_num("obv_rel_n", obv_rel_n, Unit::Number);
    res.push_num("obv_slope", obv_slope, Unit::Ratio);
    res.push_num("udv", udv, Unit::Ratio);
    res.push_num("persist", persist, Unit::Pct);
    res.push_num("vol_trend", vol_trend, Unit::Pct);
    res.push_num("vol_ratio", vol_ratio, Unit::Ratio);
    res.push_num("ad_rel_n", (adl[t] - adl[a]) / mean_v, Unit::Ratio);
    let mut brk = None;
    for j in a + 1..=t {
        if w.low[j] < w.low[a] && brk.is_none_or(|b: usize| w.low[j] < w.low[b]) {
            brk = Some(j);
        }
    }
    if let Some(b) = brk {
        res.push("break_date", Ev::Date { v: w.date[b] });
        res.push_num("break_low", w.low[b], Unit::Price);
        res.push("break_obv_divergence", yes_no(ob[b] > ob[a]));
    }
    if auto {
        res.flags.push(Flag::AnchorAuto);
    }
    push_prior_anchor(&mut res, input, prior);

    if obv_rel > 0.0 && obv_slope > 0.0 && udv >= 1.10 && persist >= 0.55 {
        let s = 0.3 * p::ramp(udv, 1.0, 1.5)
            + 0.3 * p::ramp(persist, 0.5, 0.8)
            + 0.2 * p::ramp(obv_slope, 0.0, 0.05)
            + if vol_trend > 0.0 && vol_ratio >= 1.0 { 0.2 } else { 0.0 };
        res.conclude(State::Bullish, s, Branch::D2Accumulation)
    } else if obv_rel < 0.0 && obv_slope < 0.0 && udv < 0.90 {
        let s = 0.5 * p::ramp(udv, 0.9, 0.6) + 0.5 * p::ramp(-obv_slope, 0.0, 0.05);
        res.conclude(State::Bearish, s, Branch::D2Distribution)
    } else {
        res.conclude(State::Neutral, 0.0, Branch::D2Mixed)
    }
}

/// D4's evidence keys of the three histograms' values in ATRs (`h1_atr`, `h2_atr`, `h3_atr`).
const H_ATR: [&str; 3] = ["h1_atr", "h2_atr", "h3_atr"];

/// When a later weekly low undercut the configured or automatic anchor: flag `re_anchored` and
/// evidence `prior_anchor_date`, `prior_anchor_low` (the undercut low, from [`anchored`]).
fn push_prior_anchor(res: &mut SignalResult, input: &SignalInput, prior: Option<usize>) {
    if let Some(old) = prior {
        let w = input.weekly;
        res.flags.push(Flag::ReAnchored);
        res.push("prior_anchor_date", Ev::Date { v: w.date[old] });
        res.push_num("prior_anchor_low", w.low[old], Unit::Price);
    }
}

/// D3 `wk_volume_trendline_support`.
/// (Given [`anchor`]'s result on the same input, found once for D2 and D3.)
#[inline(never)]
fn d3_with(input: &SignalInput, anc: Anchor) -> SignalResult {
    let (a, t, _auto, mean_v, prior) = match anchored(input, D3, D3_CLAIM, anc) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let w = input.weekly;
    let ob = or_compute(input.pre.map(|p| &p.weekly_obv[..]), w.len(), || obv(&w.close, &w.volume));
    let lows = match input.pre {
        Some(pc) => cache::confirmed(&pc.weekly_pivot_lows2, 2, t),
        None => p::pivot_lows(&w.low, 2, 2, t).into(),
    };
    let piv: Vec<usize> =
        lows[lows.partition_point(|&i| i <= a)..].iter().copied().filter(|&i| i <= t).collect();
    let n = piv.len();
    let pts: Vec<usize> = std::iter::once(a).chain(piv.iter().copied()).collect();
    let xs: Vec<f64> = pts.iter().map(|&i| i as f64).collect();
    let ys: Vec<f64> = pts.iter().map(|&i| ob[i]).collect();
    let fit = if n >= 1 { p::ols_xy(&xs, &ys) } else { None };
    let slope = fit.map_or(f64::NAN, |f| f.slope / mean_v);
    let r2 = fit.map_or(f64::NAN, |f| f.r2);
    let held: Vec<bool> = (1..pts.len()).map(|k| ob[pts[k]] >= ob[pts[k - 1]]).collect();
    let n_held = held.iter().filter(|h| **h).count();
    let failed: Vec<usize> = (1..pts.len()).filter(|&k| !held[k - 1]).map(|k| pts[k]).collect();
    let residuals: Vec<(NaiveDate, f64)> = match fit {
        // Evidence only: a walk (states and strengths) leaves it out.
        Some(_) if super::quiet() => Vec::new(),
        Some(f) => {
            let res: Vec<f64> = xs.iter().zip(&ys).map(|(x, y)| y - (f.intercept + f.slope * x)).collect();
            let sd = (res.iter().map(|r| r * r).sum::<f64>() / res.len() as f64).sqrt();
            res.iter().zip(&pts).map(|(r, &i)| (w.date[i], if sd > 0.0 { r / sd } else { 0.0 })).collect()
        }
        None => Vec::new(),
    };
    let held_ratio = if n > 0 { n_held as f64 / n as f64 } else { f64::NAN };
    let line = LineRead::new(fit, &xs, &ys, &ob, pts[n], t, mean_v);

    let mut res = SignalResult::new(D3, GROUP, D3_CLAIM, Timeframe::Weekly, Some(w.date[t]));
    res.push("anchor_date", Ev::Date { v: w.date[a] });
    res.push_num("n_pullbacks", n as f64, Unit::Count);
    res.push("pullback_dates", Ev::Dates { v: dates_at(w, &piv) });
    res.push("pullback_lows", price_list(&piv.iter().map(|&i| w.low[i]).collect::<Vec<_>>()));
    res.push_num("slope", slope, Unit::Ratio);
    res.push_num("r2", r2, Unit::Ratio);
    res.push_num("held", n_held as f64, Unit::Count);
    res.push_num("held_ratio", held_ratio, Unit::Ratio);
    res.push("failed_dates", Ev::Dates { v: dates_at(w, &failed) });
    res.push("residuals_sigma", Ev::Residuals { v: residuals });
    if let Some(&last) = piv.last() {
        res.push("last_pullback_date", Ev::Date { v: w.date[last] });
    }
    if let Some(l) = &line {
        res.push_num("line", l.line_t, Unit::Shares);
        res.push_num("obv", ob[t], Unit::Shares);
        res.push_num("obv_vs_line_n", (ob[t] - l.line_t) / mean_v, Unit::Number);
        res.push_num("noise_n", l.noise / mean_v, Unit::Number);
        if let Some(b) = l.break_week {
            res.push("break_date", Ev::Date { v: w.date[b] });
        }
    }
    // A break OBV overturned (SIGNALS.md §3 D3, review 29): a weekly close above OBV's highest
    // weekly close from the anchor to the break. The first such week, and that high.
    let superseded = line.as_ref().and_then(|l| l.break_week).and_then(|b| {
        let high = ob[a..=b].iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (b + 1..=t).find(|&j| ob[j] > high).map(|j| (j, high))
    });
    if let Some((j, high)) = superseded {
        res.push("superseded_date", Ev::Date { v: w.date[j] });
        res.push_num("pre_break_high", high, Unit::Shares);
    }
    push_prior_anchor(&mut res, input, prior);

    if n < 2 {
        res.flags.push(Flag::TooFewPullbacks);
        return res.conclude(State::Neutral, 0.0, Branch::D3TooFewPullbacks);
    }
    // The two states mirror each other (issue 11: bearish on a flat or falling fit alone, or on
    // the latest pullback alone, against bullish on every pullback made the signal bearish on 31%
    // of week-ends): bullish when the fit rises and every OBV low is higher (one exception in five
    // or more, not the latest), bearish when the fit falls and every OBV low is lower (one
    // exception in five or more, not the latest). A latest lower low after higher ones, or a
    // mixed record, is neutral.
    let n_failed = n - n_held;
    res.push_num("n_failed", n_failed as f64, Unit::Count);
    let last_failed_lower = !held[n - 1] && w.low[pts[n]] < w.low[pts[n - 1]];
    let fit_weight = p::ramp(n as f64, 2.0, 5.0) * (0.5 + 0.5 * p::ramp(r2, 0.3, 0.9));
    // Support is judged at the as-of week too, not only at the pullback lows (issue 11: the
    // signal was never bearish, and bullish with OBV under its own line). A line the pullbacks
    // held (the bullish record) is support; OBV closing under it by more than the noise, and not
    // closing back on it since, is support lost (bearish); under it by less, support tested
    // (neutral). A rising line with breaches was never support, so OBV under it stays neutral
    // (counting it made the signal bearish on 36% of week-ends since 2012, mostly such lines).
    let support = slope > 0.0 && (n_held == n || (n >= 5 && n_failed == 1 && held[n - 1]));
    if let (true, Some(l)) = (support, &line) {
        if superseded.is_some() {
            return res.conclude(State::Neutral, 0.0, Branch::D3BreakSuperseded);
        }
        if l.break_week.is_some() {
            let depth = (l.line_t - ob[t]) / l.noise;
            let s = fit_weight * held_ratio * (0.5 + 0.5 * p::ramp(depth, 1.0, 3.0));
            return res.conclude(State::Bearish, s, Branch::D3LineBroken);
        }
        if ob[t] < l.line_t {
            return res.conclude(State::Neutral, 0.0, Branch::D3UnderLine);
        }
    }
    if slope > 0.0 && n_held == n {
        res.conclude(State::Bullish, fit_weight * held_ratio, Branch::D3AllHeld)
    } else if slope > 0.0 && n >= 5 && n_failed == 1 && held[n - 1] {
        res.flags.push(Flag::OneBreach);
        res.conclude(State::Bullish, fit_weight * held_ratio * 0.6, Branch::D3OneBreach)
    } else if slope < 0.0 && n_failed == n {
        res.conclude(State::Bearish, fit_weight * (1.0 - held_ratio), Branch::D3LowerLows)
    } else if slope < 0.0 && n >= 5 && n_held == 1 && !held[n - 1] {
        res.flags.push(Flag::OneBreach);
        res.conclude(State::Bearish, fit_weight * (1.0 - held_ratio) * 0.6, Branch::D3LowerLows)
    } else if last_failed_lower {
        res.conclude(State::Neutral, 0.0, Branch::D3BrokeLower)
    } else if slope > 0.0 {
        res.conclude(State::Neutral, 0.0, Branch::D3SomeHeld)
    } else {
        res.conclude(State::Neutral, 0.0, Branch::D3NotRising)
    }
}

/// D3's trendline read at the as-of week: the OLS line through (week, OBV) at the anchor and
/// the pullback lows, extended to week t.
struct LineRead {
    /// The line's value at week t (shares).
    line_t: f64,
    /// What counts as noise below the line (shares): the RMS residual of the fitted points, at
    /// least one week of average volume (OBV moves by a whole week's volume each week).
    noise: f64,
    /// The week OBV closed more than `noise` under the line, in the run of closes under it that
    /// reaches week t and began after the last fitted point; `None` when OBV closed at or above
    /// the line at t or never went under by more than the noise in that run.
    break_week: Option<usize>,
}

impl LineRead {
    fn new(
        fit: Option<p::Ols>,
        xs: &[f64],
        ys: &[f64],
        ob: &[f64],
        last_pt: usize,
        t: usize,
        mean_v: f64,
    ) -> Option<Self> {
        let f = fit?;
        let at = |j: usize| f.intercept + f.slope * j as f64;
        let rms = (xs.iter().zip(ys).map(|(x, y)| (y - (f.intercept + f.slope * x)).powi(2)).sum::<f64>()
            / xs.len() as f64)
            .sqrt();
        let noise = rms.max(mean_v);
        let mut break_week = None;
        let mut j = t;
        while j > last_pt && ob[j] < at(j) {
            if ob[j] < at(j) - noise {
                break_week = Some(j);
            }
            j -= 1;
        }
        Some(Self { line_t: at(t), noise, break_week })
    }
}

/// D4 `wk_momentum_wave_flip`; also read by E4 (mirror).
#[inline(never)]
pub(crate) fn d4(input: &SignalInput) -> SignalResult {
    let w = input.weekly;
    let n = w.len();
    if n < D4_NEED {
        return short(D4, D4_CLAIM, w, D4_NEED);
    }
    let t = n - 1;
    let c = &w.close;
    let pre = input.pre;
    let own_hs;
    let own_st: Vec<Vec<Option<WaveState>>>;
    let (hs, st): ([&[f64]; 3], [&[Option<WaveState>]; 3]) = match pre {
        Some(pc) => (
            pc.weekly_wave_hists.each_ref().map(|h| &h[..n]),
            pc.weekly_wave_states.each_ref().map(|s| &s[..n]),
        ),
        None => {
            own_hs = wave_hists(c);
            own_st = own_hs.iter().map(|h| p::wave_states(h)).collect();
            (own_hs.each_ref().map(|h| &h[..]), [&own_st[0][..], &own_st[1][..], &own_st[2][..]])
        }
    };
    let valid = |i: usize| st.iter().all(|s| s.get(i).copied().flatten().is_some());
    let count =
        |i: usize, ws: WaveState| st.iter().filter(|s| s.get(i).copied().flatten() == Some(ws)).count();
    if !valid(t) {
        return short(D4, D4_CLAIM, w, D4_NEED);
    }
    let n_eu = count(t, WaveState::EU);
    let n_ed = count(t, WaveState::ED);
    let flip = (1..=t).rev().find(|&i| {
        valid(i) && valid(i - 1) && count(i, WaveState::EU) >= 2 && count(i - 1, WaveState::EU) <= 1
    });
    let atr14 = or_compute(pre.map(|p| &p.weekly_atr14[..]), n, || atr(&w.high, &w.low, c, 14));
    let atr_t = at(&atr14, t).filter(|a| *a > 0.0).unwrap_or(f64::NAN);
    let rs = or_compute(pre.map(|p| &p.weekly_rsi14[..]), n, || rsi(c, 14));
    let bw = or_compute(pre.map(|p| &p.weekly_bw20[..]), n, || bandwidth(&bbands(c, 20, 2.0)));
    let bwp = |j: usize| match pre {
        Some(pc) => pc.weekly_bw_pct104[j],
        None if bw[j].is_finite() => p::pctrank(&bw, j, 104),
        None => None,
    };

    let mut res = SignalResult::new(D4, GROUP, D4_CLAIM, Timeframe::Weekly, Some(w.date[t]));
    res.push_num("n_eu", n_eu as f64, Unit::Count);
    res.push_num("n_ed", n_ed as f64, Unit::Count);
    let mut cl = 0usize;
    if let Some(f) = flip {
        let mut k = f;
        while k > 0 && valid(k - 1) && count(k - 1, WaveState::EU) <= 1 {
            cl += 1;
            k -= 1;
        }
        let cs = f - cl;
        res.push("flip_date", Ev::Date { v: w.date[f] });
        res.push_num("contraction_len", cl as f64, Unit::Count);
        res.push("contraction_start", Ev::Date { v: w.date[cs] });
        res.push_num("weeks_since_flip", (t - f) as f64, Unit::Count);
        for (key, h) in H_ATR.into_iter().zip(hs) {
            res.push_num(key, h[t] / atr_t, Unit::Atr);
        }
        let mut trough = None;
        for j in cs..f {
            if hs[1][j].is_finite() && trough.is_none_or(|b: usize| hs[1][j] < hs[1][b]) {
                trough = Some(j);
            }
        }
        if let Some(j) = trough {
            res.push_num("w2_trough", hs[1][j], Unit::Price);
            res.push("w2_trough_date", Ev::Date { v: w.date[j] });
        }
        let cd = (f.saturating_sub(8)..f).filter(|&j| st[1][j] == Some(WaveState::CD)).count();
        res.push("faded", yes_no(cd >= 3));
        res.push_num("rsi", rs[t], Unit::Number);
        res.push_num("rsi_13ago", rs[t - 13], Unit::Number);
        res.push_num("bw_pct", bwp(t).unwrap_or(f64::NAN), Unit::Ratio);
        let min_in = (cs..f).filter_map(bwp).fold(f64::INFINITY, f64::min);
        res.push_num("bw_pct_min", if min_in.is_finite() { min_in } else { f64::NAN }, Unit::Ratio);
    } else {
        for (key, h) in H_ATR.into_iter().zip(hs) {
            res.push_num(key, h[t] / atr_t, Unit::Atr);
        }
        res.push_num("rsi", rs[t], Unit::Number);
        res.push_num("rsi_13ago", rs[t - 13], Unit::Number);
        res.push_num("bw_pct", bwp(t).unwrap_or(f64::NAN), Unit::Ratio);
    }

    // The latest downward expansion (not the first), dated by the measures it names: the week
    // since which every histogram expanding down now has been expanding down, so "building on
    // its short-, medium- and long-term measures since" is true of all three (review 16: a run
    // of two dated a sentence naming three, one of them above zero until the last bar).
    if n_ed >= 2 {
        let now: Vec<usize> = (0..3).filter(|&i| st[i][t] == Some(WaveState::ED)).collect();
        let mut k = t;
        while k > 0 && now.iter().all(|&i| st[i][k - 1] == Some(WaveState::ED)) {
            k -= 1;
        }
        res.push("ed_since", Ev::Date { v: w.date[k] });
    }
    // The 12/26/9 histogram (W2, the one the weekly chart draws) now and for how many weeks:
    // a note says "fading" when the bars it shows are fading.
    if let Some(ws) = st[1][t] {
        let weeks = (0..=t).rev().take_while(|&j| st[1][j] == Some(ws)).count();
        let state = match ws {
            WaveState::EU => MacdState::ExpandingUp,
            WaveState::CU => MacdState::ContractingUp,
            WaveState::CD => MacdState::FadingDown,
            WaveState::ED => MacdState::ExpandingDown,
        };
        res.push_tag("macd_state", Tag::Macd(state));
        res.push_num("macd_state_weeks", weeks as f64, Unit::Count);
        // Since when the bars the chart draws have stayed above zero, so a note can date them
        // (review 28: "turned up in June" read against bars above zero since April).
        if hs[1][t] > 0.0 {
            let k = (0..=t).rev().take_while(|&j| hs[1][j] > 0.0).last().unwrap_or(t);
            res.push("macd_pos_since", Ev::Date { v: w.date[k] });
        }
    }
    if let Some(f) = flip.filter(|&f| n_eu >= 2 && cl >= D4_MIN_CONTRACTION && t - f <= 12) {
        let rec = if t - f <= 8 {
            1.0
        } else {
            res.flags.push(Flag::MatureExpansion);
            0.6
        };
        let s = (n_eu as f64 / 3.0) * (0.5 + 0.5 * p::ramp(cl as f64, 8.0, 40.0)) * rec;
        return res.conclude(State::Bullish, s, Branch::D4Flip);
    }
    if n_ed >= 2 {
        return res.conclude(State::Bearish, n_ed as f64 / 3.0, Branch::D4ExpandingDown);
    }
    let branch = match flip {
        Some(f) if n_eu >= 2 && t - f > 12 => Branch::D4FlipTooOld,
        Some(_) if n_eu >= 2 => Branch::D4ShortContraction,
        _ => Branch::D4NoExpansion,
    };
    res.conclude(State::Neutral, 0.0, branch)
}
