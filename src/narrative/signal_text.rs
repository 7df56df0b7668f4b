//! Each signal's sentence, written from its typed branch and evidence (one voice: the signal
//! files return facts only). Templates use the `{key}` / `{key:modifier}` placeholder language
//! of [`crate::narrative::format::fill`] (numbers from the evidence, rounded there and in
//! [`crate::fmt`]); `%S` is the instrument's ticker, `%B` the benchmark's.
//!
//! Written for every family (relative strength A1, A2, G1; macro B1–B5; fundamentals C1–C3;
//! weekly D1–D4; 3-day E1–E4; daily F1–F4; risk H1, H2) and for every unavailable signal.

use crate::narrative::format::fill;
use crate::signals::branch::{Branch, D1Below, E1NotFirm, F2Span, Flag};
use crate::signals::Ev;
use crate::signals::{capitalise, LegDirection, SignalResult, State};
use std::borrow::Cow;

/// The names a sentence may use: the instrument's ticker (`%S`) and the benchmark's (`%B`).
#[derive(Debug, Clone, Copy)]
pub struct Names<'a> {
    /// The instrument's ticker.
    pub symbol: &'a str,
    /// The benchmark's ticker, when configured ("the benchmark" otherwise).
    pub bench: Option<&'a str>,
}

/// Writes the sentence of every signal that does not carry one yet (see the module docs).
pub fn write_sentences(results: &mut [SignalResult], names: Names) {
    for r in results.iter_mut() {
        if let Some(s) = sentence(r, names) {
            r.sentence = s;
        }
    }
}

/// The sentence of one signal: "{Claim}: not assessed ({reason})." when unavailable, else the
/// template of its branch filled from its evidence; None for [`Branch::None`] (a fixture that
/// carries its own sentence).
pub fn sentence(r: &SignalResult, names: Names) -> Option<String> {
    if r.state == State::Unavailable {
        let reason = r.reason.as_ref().map(super::format::unavailable_text).unwrap_or_default();
        // The claim in the note's words: "the anchor low" is the tool's name for the last major low.
        let claim = r.claim.replace("since the anchor low", "since the last major low");
        return Some(format!("{}: not assessed ({reason}).", capitalise(&claim)));
    }
    let tpl = template(r)?;
    let named = tpl.replace("%S", names.symbol).replace("%B", names.bench.unwrap_or("the benchmark"));
    Some(fill(&named, &r.evidence))
}

/// D1's "after N weeks below" phrase.
fn d1_below(b: D1Below) -> &'static str {
    match b {
        D1Below::DataStart => "never closing above the top in the {weeks_below} weeks of data before",
        D1Below::Run => "{weeks_below} straight weeks at or below the top",
        D1Below::InWindow => "closing at or below the top in {prior_below} of the 26 weeks before",
    }
}

/// Where E1's close stands against the zone top (`lead` in ATR).
fn e1_pos(lead: f64) -> &'static str {
    if lead.abs() < 0.005 {
        "right at it"
    } else if lead > 0.0 {
        "{lead:abs} ATR above it"
    } else {
        "{lead:abs} ATR below it"
    }
}

/// The window F2 searched, in words.
fn f2_span(span: F2Span) -> &'static str {
    match span {
        F2Span::RecentLeg => "the recent leg",
        F2Span::Last20 => "the last 20 sessions",
    }
}

/// F2's event-day tail (evidence `event`, present only on an event day).
fn f2_event(r: &SignalResult) -> &'static str {
    if r.ev("event").is_some() {
        ", on an event day: {event}"
    } else {
        ""
    }
}

/// F4's list of active distribution days, when there are any.
/// "1 distribution day" / "3 distribution days": F4's active count with its noun.
fn f4_days(r: &SignalResult) -> String {
    match r.num("active").map(|k| k as i64) {
        Some(1) => "1 distribution day".into(),
        Some(k) => format!("{k} distribution days"),
        None => "distribution days".into(),
    }
}

fn f4_dates(r: &SignalResult) -> &'static str {
    if r.num("active").unwrap_or(0.0) > 0.0 {
        " ({dd_dates})"
    } else {
        ""
    }
}

/// B2's headline tail, unless the headline series is missing (flag `headline_missing`).
fn b2_head(r: &SignalResult) -> &'static str {
    if r.flags.contains(&Flag::HeadlineMissing) {
        ""
    } else {
        "; headline {yoy_h} YoY, {d3_h} pp over 3 months"
    }
}

/// B3's industrial-production tail, unless it is missing (flag `indpro_missing`).
fn b3_indpro(r: &SignalResult) -> &'static str {
    if r.flags.contains(&Flag::IndproMissing) {
        ""
    } else {
        ", and industrial production is {indpro_yoy} YoY"
    }
}

/// C3's wage tail, unless earnings are missing (flag `ahe_missing`).
fn c3_wage(r: &SignalResult) -> &'static str {
    if r.flags.contains(&Flag::AheMissing) {
        ""
    } else {
        ", wage growth {ahe_yoy} YoY ({d3_ahe} pp)"
    }
}

/// The template of a signal's branch (None: [`Branch::None`]).
fn template(r: &SignalResult) -> Option<Cow<'static, str>> {
    let num = |k: &str| r.num(k).unwrap_or(f64::NAN);
    let t: Cow<'static, str> = match r.branch {
        Branch::None => return None,

        // B1
        Branch::B1Stale => {
            "The 2-year yield ({dgs2}%) has moved {d2y_since_ff_month} pp since {ff_month}, the month of the latest \
             published fed funds average ({dff}%): with only a monthly policy rate, a spread of {spread} pp \
             against that average cannot tell rate moves still priced from moves already made, so no rate \
             expectation is read from it."
                .into()
        }
        Branch::B1SharpMove if num("d2y_20") < 0.0 => {
            "The 2-year yield fell {d2y_20:abs} pp in four weeks to {dgs2}%: the market is pricing rate cuts now \
             ({ff_label}: {dff}%)."
                .into()
        }
        Branch::B1SharpMove => {
            "The 2-year yield rose {d2y_20:abs} pp in four weeks to {dgs2}%: the market is pricing tighter policy now \
             ({ff_label}: {dff}%)."
                .into()
        }
        Branch::B1Cuts => {
            "The 2-year yield ({dgs2}%) sits {spread:abs} pp below {ff_label} at {dff}% and moved {d2y_63} pp \
             over the last 63 sessions, so the market is pricing rate cuts (policy rate {dff_126} pp over six months)."
                .into()
        }
        Branch::B1Hikes if num("spread") >= 0.25 => {
            "The 2-year yield ({dgs2}%) sits {spread:abs} pp above {ff_label} at {dff}%, so no rate cuts are priced."
                .into()
        }
        Branch::B1Hikes => "The 2-year yield jumped {d2y_63} pp over the last 63 sessions to {dgs2}% ({spread} pp \
                            against {ff_label}), so the market is pricing cuts out."
            .into(),
        Branch::B1Flat => {
            "Rate expectations are roughly flat: the 2-year yield ({dgs2}%) is {spread} pp against {ff_label} \
             ({dff}%) and moved {d2y_63} pp over the last 63 sessions."
                .into()
        }

        // B2
        Branch::B2Cooling => format!(
            "Inflation is cooling: core CPI runs {{yoy_c}} YoY ({{d3_c}} pp over 3 months) and {{ann3_c}} \
             annualised over the last 3 months{} (as of {{obs_month}}).",
            b2_head(r)
        )
        .into(),
        Branch::B2Reaccelerating => format!(
            "Core inflation is re-accelerating: {{yoy_c}} YoY ({{d3_c}} pp over 3 months), with a 3-month \
             annualised pace of {{ann3_c}}{} (as of {{obs_month}}).",
            b2_head(r)
        )
        .into(),
        Branch::B2NotCooling => format!(
            "Inflation is not clearly cooling: core CPI {{yoy_c}} YoY ({{d3_c}} pp over 3 months, 3-month \
             annualised {{ann3_c}}){} (as of {{obs_month}}).",
            b2_head(r)
        )
        .into(),

        // B3
        Branch::B3Stabilising => format!(
            "Growth is stabilising: unemployment ({{unrate}}%, 3-month average {{u3avg}}%) has come down from its \
             3-month average high of {{u3avg_high12}}% after a rise of up to {{sahm_gap_peak12}} pp{} (as of \
             {{obs_month}}).",
            b3_indpro(r)
        )
        .into(),
        Branch::B3SahmTriggered => format!(
            "The Sahm rule has triggered: the 3-month average unemployment rate ({{u3avg}}%) is {{sahm_gap}} pp \
             above its 12-month low{} (as of {{obs_month}}).",
            b3_indpro(r)
        )
        .into(),
        Branch::B3Drifting => format!(
            "The Sahm gap of {{sahm_gap}} pp is drifting toward the 0.50 recession trigger{} (as of {{obs_month}}).",
            b3_indpro(r)
        )
        .into(),
        Branch::B3IndproWeak => {
            "Unemployment has come down from its high, but industrial production is {indpro_yoy} YoY, \
             so growth is not clearly stabilising (as of {obs_month})."
                .into()
        }
        Branch::B3Steady => {
            "Unemployment is steady (Sahm gap {sahm_gap} pp) with no recent rise to recover from, so there is \
             no stabilisation to read (as of {obs_month})."
                .into()
        }

        // B4
        Branch::B4Falling => {
            "Financing costs are falling: HY spreads moved {d_oas_63} pp over 3 months to {oas}% ({oas_pct5y:pctile} \
             percentile over 5 years) and the 2-year {d2y_63} pp, which matters most for leveraged, short-maturity \
             small-cap balance sheets."
                .into()
        }
        Branch::B4Tightening => {
            "Financing is tightening: HY spreads moved {d_oas_63} pp over 3 months to {oas}% and the 2-year \
             {d2y_63} pp."
                .into()
        }
        Branch::B4Unchanged => {
            "Financing costs are broadly unchanged: HY spreads {d_oas_63} pp over 3 months at {oas}% \
             ({oas_pct5y:pctile} percentile over 5 years), the 2-year {d2y_63} pp."
                .into()
        }

        // B5
        Branch::B5Strong => {
            "Foreigners bought a net ${sum3}bn of US long-term securities in the 3 months to {month}, at or above \
             the 2-year median of ${med24}bn."
                .into()
        }
        Branch::B5Selling => {
            "Foreigners were net sellers of US long-term securities: ${sum3:abs}bn over the 3 months to {month}.".into()
        }
        Branch::B5BelowNorm => {
            "Foreign inflows are positive but below their norm (${sum3}bn in the 3 months to {month} against a \
             2-year median of ${med24}bn)."
                .into()
        }

        // C1
        Branch::C1FreshTurn => {
            "Small-cap forward EPS turned up {g13} over 13 weeks after a 13-week change as low as {min26}.".into()
        }
        Branch::C1Continuation => {
            "Small-cap forward EPS keeps rising ({g13} over 13 weeks) and sits at a 26-week high.".into()
        }
        Branch::C1Cut => "Small-cap EPS estimates are still being cut ({g13} over 13 weeks).".into(),
        Branch::C1Flat => "Small-cap EPS estimates are flat ({g13} over 13 weeks).".into(),

        // C2
        Branch::C2Stable => {
            "Revenue estimates have stabilised ({g13s} over 13 weeks, against {g13s_prev} in the 13 weeks before)."
                .into()
        }
        Branch::C2Falling => {
            "Revenue estimates are still falling, and faster ({g13s} over 13 weeks after {g13s_prev}).".into()
        }
        Branch::C2Mixed => {
            "Revenue revisions are mixed ({g13s} over 13 weeks, {g13s_prev} in the 13 weeks before).".into()
        }

        // C3
        Branch::C3Easing => format!(
            "Cost pressure is easing: producer prices {{ppi_yoy}} YoY ({{d3_ppi}} pp in 3 months){} (as of \
             {{obs_month}}).",
            c3_wage(r)
        )
        .into(),
        Branch::C3Rising => format!(
            "Cost pressure is rising: producer prices {{ppi_yoy}} YoY ({{d3_ppi}} pp in 3 months){} (as of \
             {{obs_month}}).",
            c3_wage(r)
        )
        .into(),
        Branch::C3Steady => format!(
            "Cost pressure is steady: producer prices {{ppi_yoy}} YoY ({{d3_ppi}} pp in 3 months){} (as of \
             {{obs_month}}).",
            c3_wage(r)
        )
        .into(),

        // D1
        Branch::D1NoCompression => {
            "No weekly Bollinger squeeze in the last three years gives a compression cluster to reclaim.".into()
        }
        Branch::D1Reclaim { single, below } => {
            let tpl = if single {
                "%S has closed above its only weekly compression band ({bottom}–{top}) in {closes_above} of \
                 {n_since} weeks since {reclaim_date}, {strong_above} of them strong candles; after BELOW, this is \
                 a reclaim, not a bounce."
            } else {
                "%S has closed above the entire cluster of {n_bands} weekly compression bands ({bottom}–{top}) in \
                 {closes_above} of {n_since} weeks since {reclaim_date}, {strong_above} of them strong candles; \
                 after BELOW, this is a reclaim, not a bounce."
            };
            tpl.replace("BELOW", d1_below(below)).into()
        }
        Branch::D1BelowCluster => {
            "%S has fallen below the whole weekly compression cluster ({bottom}–{top}), closing at {close}.".into()
        }
        Branch::D1FellBack => "%S has fallen back below the compression cluster top {top} after reclaiming it on \
                               {reclaim_date} (weekly close {close}, {dist_atr:abs} ATR below the top)."
            .into(),
        Branch::D1AboveNoRecentReclaim => {
            "%S has been above its weekly compression cluster ({bottom}–{top}) for more than 26 weeks; there is \
             no recent reclaim to confirm."
                .into()
        }
        Branch::D1NoReclaim => {
            "%S is still working through the weekly compression cluster ({bottom}–{top}), closing at {close} \
             with no reclaim of the top in 26 weeks."
                .into()
        }
        Branch::D1Unconfirmed { below } => {
            "%S has been above the compression cluster top {top} since {reclaim_date}, but {strong_above} of \
             the {n_since} weeks since closed strongly; after BELOW, it is not yet a confirmed reclaim."
                .replace("BELOW", d1_below(below))
                .into()
        }
        Branch::D1InsideAfterReclaim => {
            "%S is still working through the compression cluster ({bottom}–{top}; strong closes above since \
             {reclaim_date}: {strong_above})."
                .into()
        }

        // D2
        Branch::D2Accumulation => {
            "Weekly OBV is up {obv_rel_n} weeks of average volume since the {anchor_date} low; an average \
             up week traded {udv}× the volume of an average down week, OBV rose in {persist:abs} of 13-week \
             windows, and weekly volume trended {vol_trend} over the year."
                .into()
        }
        Branch::D2Distribution => {
            "Volume has been net distributive since the {anchor_date} low: weekly OBV is down \
             {obv_rel_n:abs} weeks of average volume and an average up week traded only {udv}× the volume of an \
             average down week."
                .into()
        }
        Branch::D2Mixed => {
            let dir = if num("obv_rel") >= 0.0 { "up" } else { "down" };
            format!(
                "Accumulation since the {{anchor_date}} low is mixed: average up-week over down-week volume {{udv}}, weekly OBV {dir} \
                 {{obv_rel_n:abs}} weeks of average volume, rising in {{persist:abs}} of 13-week windows."
            )
            .into()
        }

        // D3
        Branch::D3TooFewPullbacks => {
            "Too few weekly pullbacks to test the volume trendline ({n_pullbacks} since the {anchor_date} low).".into()
        }
        Branch::D3BrokeLower => "OBV made a lower low alongside a lower price low on the {last_pullback_date} \
                                 weekly pullback, after {held} of {n_pullbacks} pullbacks since the {anchor_date} low \
                                 held: a break, not yet a falling trendline."
            .into(),
        Branch::D3NotRising => {
            "The OBV trendline through the {n_pullbacks} weekly pullbacks since the {anchor_date} low is not \
             rising (slope {slope} weeks of average volume per week), but OBV made lower lows at only {n_failed} of \
             them: volume neither confirms demand nor shows steady supply."
                .into()
        }
        Branch::D3LowerLows if r.flags.contains(&Flag::OneBreach) => {
            "OBV made lower lows at {n_failed} of {n_pullbacks} weekly pullbacks since the {anchor_date} low along \
             a falling trendline (slope {slope} weeks of average volume per week, r² {r2}): volume shows supply."
                .into()
        }
        Branch::D3LowerLows => {
            "Through all {n_pullbacks} weekly pullbacks since the {anchor_date} low ({pullback_dates}) OBV made \
             lower lows along a falling trendline (slope {slope} weeks of average volume per week, r² {r2}): \
             volume shows supply, not demand."
                .into()
        }
        Branch::D3AllHeld => {
            "Through all {n_pullbacks} weekly pullbacks since the {anchor_date} low ({pullback_dates}) OBV made \
             higher lows along an upward trendline (r² {r2})."
                .into()
        }
        Branch::D3OneBreach => {
            "OBV made higher lows at {held} of {n_pullbacks} weekly pullbacks since the {anchor_date} low along \
             an upward trendline (r² {r2}), with one breach on {failed_dates}."
                .into()
        }
        Branch::D3LineBroken => {
            "On {break_date} OBV closed under the rising trendline that its {n_pullbacks} weekly pullbacks since \
             the {anchor_date} low had held ({held} of them), and it has not closed back on it since: it is \
             {obv_vs_line_n:abs} weeks of average volume below the line (noise {noise_n}), so the volume support \
             is lost."
                .into()
        }
        Branch::D3BreakSuperseded => {
            "On {break_date} OBV closed under the rising trendline that its {n_pullbacks} weekly pullbacks since \
             the {anchor_date} low had held, but on {superseded_date} it closed above its highest level before \
             that break ({pre_break_high}): the break is overturned and no longer counts."
                .into()
        }
        Branch::D3UnderLine => {
            "OBV held its rising trendline at {held} of {n_pullbacks} weekly pullbacks since the {anchor_date} \
             low but is under it now by {obv_vs_line_n:abs} weeks of average volume, within the line's noise \
             ({noise_n}): support is being tested, not yet lost."
                .into()
        }
        Branch::D3SomeHeld => {
            "The volume trendline since the {anchor_date} low rises, but OBV held only {held} of \
             {n_pullbacks} weekly pullbacks (breaches on {failed_dates})."
                .into()
        }

        // D4
        Branch::D4Flip => {
            "Weekly momentum flipped into expansion on {flip_date} after {contraction_len} weeks of \
             contraction; {n_eu} of the last 3 histogram waves are expanding upward (weekly RSI {rsi}, from {rsi_13ago} \
             13 weeks ago)."
                .into()
        }
        Branch::D4ExpandingDown => {
            "Weekly momentum is expanding downward on {n_ed} of the last 3 histogram waves (weekly RSI {rsi}).".into()
        }
        Branch::D4FlipTooOld => {
            "Weekly momentum has been expanding on {n_eu} of the last 3 waves since {flip_date}; at {weeks_since_flip} \
             weeks the flip is too old to count as a fresh expansion."
                .into()
        }
        Branch::D4ShortContraction => {
            "Weekly momentum is expanding on {n_eu} of the last 3 waves since {flip_date}, but after only \
             {contraction_len} weeks of contraction this is not a flip out of a long contraction."
                .into()
        }
        Branch::D4NoExpansion => {
            "No broad weekly momentum expansion yet ({n_eu} of the last 3 histogram waves expanding upward, weekly RSI \
              {rsi})."
                .into()
        }
        // E1
        Branch::E1NoZone => {
            "No tight 3-day consolidation (closes within 2.5 ATR for 8 or more bars) in the last 30 bars.".into()
        }
        Branch::E1BrokeDown => "%S broke down out of its {zone_start}–{zone_end} 3-day consolidation \
                                ({zlo}–{ztop}), closing at {close}."
            .into(),
        Branch::E1Inside => "%S is still inside its {zone_start}–{zone_end} 3-day consolidation ({zlo}–{ztop}) \
                             with no close above the top yet."
            .into(),
        Branch::E1Holding => {
            let tail = if num("undercut") > 0.0 {
                "never undercutting it by more than {undercut} ATR"
            } else {
                "with every low staying above the top"
            };
            format!(
                "On the 3-day chart %S has closed above its {{zone_start}}–{{zone_end}} consolidation \
                 ({{zlo}}–{{ztop}}) on all {{n}} bars since {{breakout_date}}, {tail}; it now leads the top by \
                 {{lead}} ATR."
            )
            .into()
        }
        Branch::E1SlippedBack => "%S slipped back below the 3-day zone top {ztop} after breaking out on \
                                  {breakout_date} (close {close})."
            .into(),
        Branch::E1NotFirm(why) => {
            let why = match why {
                E1NotFirm::Undercut => "a low undercut the top by {undercut} ATR",
                E1NotFirm::ShortLead => "the lead is under 0.5 ATR",
            };
            format!(
                "%S has closed at or above the 3-day zone top {{ztop}} on all {{n}} bars since {{breakout_date}}, \
                 now {}, but the hold is not firm: {why}.",
                e1_pos(num("lead"))
            )
            .into()
        }
        Branch::E1NotHolding => format!(
            "%S is near the 3-day zone top {{ztop}} but not holding firmly: {{closes_above}} of {{n}} closes at \
             or above it since {{breakout_date}}, now {}.",
            e1_pos(num("lead"))
        )
        .into(),

        // E2
        Branch::E2TooFewDips => {
            "Too few 3-day dips yet to judge dip buying ({k} confirmed since {window_start}).".into()
        }
        Branch::E2Absorbed { all: true } => {
            "Each of the last {k} 3-day dips ({dip_dates}) bottomed higher ({dip_lows}) and was bought back to \
             the prior swing high within {max_recov} 3-day bars."
                .into()
        }
        Branch::E2Absorbed { all: false } => {
            "Each of the last {k} 3-day dips ({dip_dates}) bottomed higher ({dip_lows}); {absorbed} of them \
             were bought back to the prior swing high within {max_recov} 3-day bars."
                .into()
        }
        Branch::E2Undercut => {
            "The latest 3-day dip undercut the prior one ({l_k} below {l_k1}), so dips no longer bottom \
             higher."
                .into()
        }
        Branch::E2Mixed => {
            "3-day dips since {window_start} are mixed: lows {dip_lows}; {absorbed:word} of {k:word} recovered to the \
             prior high within four 3-day bars."
                .into()
        }

        // E3
        Branch::E3Up => {
            "3-day volume trended up {vtrend} over 20 bars, with up-bar volume {udv20}× down-bar volume.".into()
        }
        Branch::E3Down => {
            "Rising 3-day volume ({vtrend} over 20 bars) is coming on down bars (up/down volume {udv20}).".into()
        }
        Branch::E3RisingNotUp => {
            "3-day volume is rising ({vtrend} over 20 bars) but not on up bars (up/down volume {udv20}).".into()
        }
        Branch::E3Falling => "3-day volume is falling ({vtrend} over 20 bars; up/down volume {udv20}).".into(),
        Branch::E3Flat => "3-day volume is flat ({vtrend} over 20 bars; up/down volume {udv20}).".into(),

        // E4
        Branch::E4Mirror => {
            "3-day momentum mirrors the weekly: the downside trough of {trough_date} faded over {fade_bars} bars \
             and the histogram has expanded upward for {rising} bars."
                .into()
        }
        Branch::E4NoMirror => {
            "On the 3-day chart the downside trough of {trough_date} faded over {fade_bars} bars and the \
             histogram has expanded upward for {rising} bars, but the weekly has not flipped into expansion \
             yet, so there is no mirror."
                .into()
        }
        Branch::E4Down => {
            "3-day momentum is expanding to the downside: the MACD histogram is below zero and has fallen for \
             {falling} bars."
                .into()
        }
        Branch::E4RisingNoFade => {
            "3-day momentum is rising for {rising} bars, but without a faded downside wave before it this is not yet \
             the expansion the weekly mirror needs."
                .into()
        }
        Branch::E4PositiveFlat => "3-day momentum is positive but not expanding upward ({rising} rising bars).".into(),
        Branch::E4NotExpanding => {
            "3-day momentum is not yet expanding upward (histogram below zero, {rising} rising bars).".into()
        }
        // F1
        Branch::F1Reclaim | Branch::F1Lost | Branch::F1NoReclaim | Branch::F1NotImpulsive => {
            let one = num("n_reclaimed") == 1.0;
            let lv = if one { "level" } else { "levels" };
            // "holds 1 of them" after a single level reads badly: say "it" then.
            let (held_of, below_of, holds_of) = if one {
                let held = num("n_held") >= 1.0;
                (
                    if held { "and still holds it" } else { "but no longer holds it" },
                    if held { "and stays below it" } else { "but is back above it" },
                    if held { "and %S holds it" } else { "but %S no longer holds it" },
                )
            } else {
                (
                    "and still holds {n_held} of them",
                    "and stays below {n_held} of them",
                    "and %S holds {n_held} of them",
                )
            };
            match r.branch {
                Branch::F1Reclaim => format!(
                    "In one {{leg_days}}-session leg from {{leg_start}} ({{leg_pct}}, {{leg_atr}} ATR) %S reclaimed \
                     {{n_reclaimed}} price {lv} ({{levels}}) {held_of}."
                ),
                Branch::F1Lost => format!(
                    "In one {{leg_days}}-session down-leg from {{leg_start}} ({{leg_pct}}, {{leg_atr}} ATR) %S lost \
                     {{n_reclaimed}} price {lv} ({{levels}}) {below_of}."
                ),
                Branch::F1NoReclaim => format!(
                    "There is no multi-level reclaim on the daily chart: the {{leg_days}}-session leg from {{leg_start}} \
                     ({{leg_pct}}, {{leg_atr}} ATR) crossed {{n_reclaimed}} price {lv} {holds_of}."
                ),
                _ => format!(
                    "There is no impulsive multi-level reclaim on the daily chart: the latest {} from {{leg_start}} \
                     spans {{leg_days}} sessions and {{leg_atr}} ATR ({{leg_pct}}), crossing {{n_reclaimed}} price {lv}.",
                    if r.tagged("direction") == Some(LegDirection::Down) { "down-leg" } else { "up-leg" }
                ),
            }
            .into()
        }

        // F2
        Branch::F2Thrust => {
            let since_txt = if r.flags.contains(&Flag::NoBiggerDayFound) {
                "no bigger day in the prior {since_bigger} sessions"
            } else {
                "{since_bigger} sessions since a bigger day"
            };
            format!(
                "On {{date}} ({{ret}}) %S traded {{vol}}M shares, the #{{rank}} heaviest of 252 sessions ({since_txt}){}.",
                f2_event(r)
            )
            .into()
        }
        Branch::F2DownDay(span) => format!(
            "The heaviest volume of {} came on a down day: {{date}} ({{ret}}, {{vol}}M shares, #{{rank}} \
             of 252 sessions) closed in the lower part of its range{}.",
            f2_span(span),
            f2_event(r)
        )
        .into(),
        Branch::F2WeakClose(span) => format!(
            "The heaviest day of {}, {{date}} (#{{rank}} of 252 sessions, {{vol}}M shares, {{ret}}), did not close \
             strongly enough to count as a thrust{}.",
            f2_span(span),
            f2_event(r)
        )
        .into(),
        Branch::F2NoTopDay(span) => format!(
            "No top-5 annual volume day in {}: the heaviest, {{date}} ({{vol}}M shares, {{ret}}), ranks #{{rank}} \
             of 252 sessions.",
            f2_span(span)
        )
        .into(),

        // F3
        Branch::F3Decline => "The latest daily dip ({decline_depth_atr} ATR from the {decline_peak_date} close) came \
                              without an advance before it since {from_date}, so it is a decline, not a pullback to \
                              judge."
            .into(),
        // Past 100% the pullbacks erased the whole advance they are measured against: say so
        // rather than print a four-digit percentage.
        Branch::F3Deep => {
            let dips = if num("n") == 1.0 { "1 dip" } else { "{n} dips" };
            let depth = if num("avg_retrace") >= 1.0 {
                "giving back on average more than the entire advance before them"
            } else {
                "averaging {avg_retrace:abs} of the advance"
            };
            let sold = if num("n_decided") == 0.0 {
                "too recent to say whether it is bought back"
            } else {
                "{n_sold} of {n_decided} not recovering half their loss within 3 sessions"
            };
            format!("Daily pullbacks have been deep: {dips} since {{from_date}} {depth} (deepest {{max_depth_atr}} ATR), {sold}.")
                .into()
        }
        Branch::F3NoPullback => {
            "There has been no material daily pullback since {from_date}: no dip went deeper than half an ATR.".into()
        }
        Branch::F3Shallow => {
            "Daily pullbacks have been shallow: {n} dips since {from_date} averaging {avg_retrace:abs} of the advance \
             (at most {max_depth_atr} ATR), {n_bought} of {n_decided} recovering half their loss within 3 sessions."
                .into()
        }
        Branch::F3Mixed => {
            "Pullbacks are mixed in depth: {n} dips since {from_date} averaging {avg_retrace:abs} of the advance \
             (deepest {max_depth_atr} ATR), {n_bought} of {n_decided} bought back within 3 sessions."
                .into()
        }

        // F4
        Branch::F4Selling { reversal: true } => format!(
            "A high-volume reversal ({{hvr_dates}}: volume at least 1.5× its 50-day average, a 20-session high \
             and a close near the low) points to institutional selling, with {} active{}.",
            f4_days(r),
            f4_dates(r)
        )
        .into(),
        Branch::F4Selling { reversal: false } => {
            format!("{} in the last 25 sessions ({{dd_dates}}) point to institutional selling.", f4_days(r)).into()
        }
        Branch::F4Clean => {
            let none = matches!(r.ev("hvr_dates"), Some(Ev::Dates { v }) if v.is_empty());
            let hv = if none {
                " and no high-volume reversal"
            } else {
                " and no high-volume reversal in the last 10 sessions (the last was {hvr_dates})"
            };
            format!("No distribution on the daily: {} in the last 25 sessions{}{hv}.", f4_days(r), f4_dates(r)).into()
        }
        Branch::F4Watch { reversal } => {
            let hv = if reversal { ", plus a high-volume reversal ({hvr_dates})" } else { "" };
            format!("{} in the last 25 sessions{}{hv} to watch.", f4_days(r), f4_dates(r)).into()
        }

        // A1
        Branch::A1LagEnding => {
            "%S lost {lag104:abs} against %B over two years, but the ratio has rebounded {rebound:abs} \
             from its {low_date} low ({wks_since_low} weeks ago) and has held above its 30-week average \
             for {weeks_above_sma30} weeks, so the lagging phase is ending."
                .into()
        }
        Branch::A1StillLosing => {
            "%S is still losing ground: %S/%B moved {roc13} over 13 weeks and sits below its \
             30-week average, after {lag104} over two years."
                .into()
        }
        Branch::A1NoLag => {
            "%S has not lagged %B by more than 5% over two years ({lag104}), so there is no lagging phase to end \
             (13-week change {roc13})."
                .into()
        }
        Branch::A1NotTurning => {
            "%S/%B is not yet turning decisively: {lag104} over two years, {roc13} over 13 weeks, \
             {rebound} off its {low_date} low."
                .into()
        }

        // A2
        Branch::A2DownLadder => {
            "%B is {spy_ext} above its 40-week average ({spy_ext_pct:pctile} percentile over 5 years) \
             while mid caps beat large ({roc13_mid}) and small beat mid ({roc13_small}) over 13 weeks, \
             so money is moving toward smaller companies."
                .into()
        }
        Branch::A2UpLadder => {
            "Money is moving toward larger companies (mid/large {roc13_mid}, small/mid {roc13_small} over 13 weeks).".into()
        }
        Branch::A2NoRotation => {
            "There is no clear move toward smaller companies yet: %B is {spy_ext} from its 40-week average \
             ({spy_ext_pct:pctile} percentile over 5 years), mid/large {roc13_mid}, small/mid {roc13_small} \
             over 13 weeks."
                .into()
        }

        // G1
        Branch::G1Handoff { ended } => {
            let spy_part = if ended {
                "%B's weekly momentum wave peaked on {spy_peak_date} and has since turned negative \
                 ({spy_h_frac} of its peak)"
            } else {
                "%B's weekly momentum wave peaked on {spy_peak_date} and has faded to {spy_h_frac:abs} of its peak"
            };
            format!(
                "{spy_part}, while %S's wave is only {{iwm_age}} weeks old and still expanding; with %S/%B \
                 at the {{r_pct:pctile}} percentile of 5 years, %S has not had its expansion."
            )
            .into()
        }
        Branch::G1Fading { negative: true } => {
            "%S's weekly momentum wave has ended while %B's is only {spy_wave_age} weeks old and still \
             expanding; with %S/%B at the {r_pct:pctile} percentile of 5 years, %S has had its expansion."
                .into()
        }
        Branch::G1Fading { negative: false } => {
            "%S's weekly momentum wave has faded to {iwm_h_frac:abs} of its peak while %B's is only \
             {spy_wave_age} weeks old and still expanding; with %S/%B at the {r_pct:pctile} percentile of \
             5 years, %S has had its expansion."
                .into()
        }
        Branch::G1Incomplete => "The handoff from %B to %S is incomplete: {lean} ({r_pct:pctile} percentile).".into(),
        // H1
        Branch::H1TooFewPivots => "Fewer than two confirmed daily swing highs, so no lower high can be judged.".into(),
        Branch::H1LowerHigh { daily: true, weekly: true } => {
            "A lower high is confirmed: {H_last} on {H_last_date} failed below {H_prev} and price closed under \
             {Lmid}; the weekly chart also shows a lower high ({W_H_last} on {W_H_last_date} below {W_H_prev})."
                .into()
        }
        Branch::H1LowerHigh { daily: true, weekly: false } => {
            "A lower high is confirmed: {H_last} on {H_last_date} failed below {H_prev} and price closed under {Lmid}."
                .into()
        }
        Branch::H1LowerHigh { daily: false, .. } => {
            "The weekly chart shows a lower high: {W_H_last} on {W_H_last_date} failed below {W_H_prev} \
             ({W_H_prev_date}) and price has not closed back above it."
                .into()
        }
        Branch::H1Overturned { after_breach: true } => {
            "A lower high at {H_last} ({H_last_date}, under the prior {H_prev}) was confirmed by a close under {Lmid} \
             on {breach_date}, but price closed back above {H_prev} on {overturn_date}, so it no longer stands."
                .into()
        }
        Branch::H1Overturned { after_breach: false } => {
            "A lower high at {H_last} ({H_last_date}, under the prior {H_prev}) did not hold: price closed above \
             {H_prev} on {overturn_date}."
                .into()
        }
        Branch::H1HigherHigh => {
            "No lower high: the latest daily swing high {H_last} ({H_last_date}) tops the prior {H_prev} \
             ({H_prev_date}); a failure below {H_last} and then a close under {Lmid} would create one."
                .into()
        }
        Branch::H1HigherHighBreached => {
            "The latest daily swing high {H_last} ({H_last_date}) topped the prior {H_prev}, but price has since closed \
             under {Lmid} (first on {breach_date}); a swing high below {H_last} from here would be a lower high."
                .into()
        }
        Branch::H1Unconfirmed => {
            "A lower high at {H_last} ({H_last_date}, under the prior {H_prev}) is not yet confirmed; a close below \
             {Lmid} would confirm it."
                .into()
        }
        Branch::H1PotentialBreached => {
            "A potential lower high is forming under {H_last} ({H_last_date}) and price has already closed below \
             {Lmid} (on {breach_date}); it is confirmed once a swing high forms below {H_last}."
                .into()
        }
        Branch::H1Potential => {
            "A potential lower high is forming under {H_last} ({H_last_date}); a close below {Lmid} confirms it.".into()
        }
        Branch::H1LevelBreached => {
            "The last two daily swing highs are level ({H_prev} and {H_last}) and price has since closed below {Lmid} \
             (first on {breach_date})."
                .into()
        }
        Branch::H1Level => {
            "The last two daily swing highs are level ({H_prev} and {H_last}); a close below {Lmid} would turn \
             this into a lower high."
                .into()
        }

        // H2
        Branch::H2AtLine => {
            "OBV is testing its {line_kind} support line (pivot lows {p1_date}, {p2_date}) from just below, within \
             the tolerance of a break."
                .into()
        }
        Branch::H2Overturned => {
            "OBV broke its support line on {t_b_date} but has since climbed back above it ({dist} days of median \
             volume above the line)."
                .into()
        }
        Branch::H2FallingLows => {
            "OBV's last two pivot lows are falling ({p1_obv} on {p1_date}, {p2_obv} on {p2_date}), so there is no \
             support line for it to hold."
                .into()
        }
        Branch::H2Intact => {
            "OBV remains above its {line_kind} support (pivot lows {p1_date}, {p2_date}), {dist} days of median \
             volume above the line."
                .into()
        }
        Branch::H2Reclaimed => {
            "OBV broke its support on {t_b_date}, retested it from below on {t_r_date} and reclaimed the line on \
             {resolved_date}."
                .into()
        }
        Branch::H2Failed => {
            "OBV broke support on {t_b_date}, retested it from below on {t_r_date}, failed and made a new low on \
             {fail_date}; this is a bearish volume signal."
                .into()
        }
        Branch::H2NoRetest => {
            "OBV broke support on {t_b_date} and did not come back to retest it within 20 sessions: not a failed \
             retest, but OBV stayed under its broken support, a weaker bearish volume signal."
                .into()
        }
        Branch::H2Retest => {
            "OBV is retesting broken support from below (broken {t_b_date}, retest since {t_r_date}); a failure \
             there would be bearish."
                .into()
        }
        Branch::H2Broken => {
            "OBV broke its support line on {t_b_date}; a retest from below that fails would be bearish.".into()
        }
        Branch::H2Expired => {
            "OBV's last break of support ({t_b_date}) was neither reclaimed nor failed within 30 sessions of the retest."
                .into()
        }
        Branch::H2Superseded => {
            "OBV broke its support line on {t_b_date}, then closed above its highest level before the break \
             ({pre_break_high}) on {superseded_date}: the break is overturned and no longer counts."
                .into()
        }
        Branch::H2NoLine => "OBV has no recent pair of pivot lows to draw a support line from.".into(),
    };
    Some(t)
}
