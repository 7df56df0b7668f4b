//! Score, stance overrides, invalidation levels and the checklist mapping (SIGNALS.md §5, §6).

use marketnote::config::SignalParams;
use marketnote::resample::Timeframe;
use marketnote::signals::catalog;
use marketnote::signals::stance::{
    checklist, ids, score, Conviction, Frame, Override, StanceFlag, StanceKind, Tick, GROUPS,
};
use marketnote::signals::{Branch, SignalResult, State, Unavailable, Unit};

/// Every signal with its scoring group, from the catalogue.
const ALL: [(&str, &str); 25] = {
    let mut out = [("", ""); 25];
    let mut i = 0;
    while i < 25 {
        out[i] = (catalog::SPECS[i].id.as_str(), catalog::SPECS[i].group.as_str());
        i += 1;
    }
    out
};

fn sig(id: &'static str, group: &'static str, state: State, s: f64) -> SignalResult {
    if state == State::Unavailable {
        return SignalResult::unavailable(
            id,
            group,
            "claim",
            Timeframe::Daily,
            None,
            Unavailable::MissingInput { input: "x".into() },
        );
    }
    SignalResult::new(id, group, "claim", Timeframe::Daily, None).conclude(state, s, Branch::None)
}

/// All 25 signals with the given (state, strength) chosen by a function of the index.
fn all(f: impl Fn(usize, &str) -> (State, f64)) -> Vec<SignalResult> {
    ALL.iter()
        .enumerate()
        .map(|(i, (id, g))| {
            let (st, s) = f(i, id);
            sig(id, g, st, s)
        })
        .collect()
}

fn set(rs: &mut [SignalResult], id: &str, state: State, s: f64) {
    let r = rs.iter_mut().find(|r| r.id == id).expect("id");
    *r = sig(r.id, r.group, state, s);
}

#[test]
fn contributions_sum_to_score_and_match_formula() {
    let states = [State::Bullish, State::Bearish, State::Neutral, State::Unavailable];
    for seed in 0..50usize {
        let rs = all(|i, _| {
            let k = (i * 7 + seed * 13 + i * i * seed) % 4;
            (states[k], ((i * 31 + seed * 17) % 100) as f64 / 100.0)
        });
        let st = score(&rs, &SignalParams::default());
        let sum: f64 = st.contributions.iter().map(|c| c.contribution).sum();
        assert_eq!(sum, st.score, "seed {seed}");
        // Formula: S = Σ W_g m_g / Σ_{avail} W_g.
        let mut num = 0.0;
        let mut den = 0.0;
        for (g, w, _) in GROUPS {
            let av: Vec<&SignalResult> =
                rs.iter().filter(|r| r.group == g && r.state != State::Unavailable).collect();
            if !av.is_empty() {
                let m = av.iter().map(|r| r.state.direction() * r.strength).sum::<f64>() / av.len() as f64;
                num += w * m;
                den += w;
            }
        }
        let expect = if den > 0.0 { num / den } else { 0.0 };
        assert!((st.score - expect).abs() < 1e-12, "seed {seed}: {} vs {expect}", st.score);
        assert!((-1.0..=1.0).contains(&st.score));
        assert_eq!(st.contributions.len(), 25);
        // The score table's Weight column: each assessed signal's share W_g / |avail_g| / ΣW,
        // summing to 1, and its contribution is weight · direction · strength (review 33: the
        // contributions could not be reproduced from the table).
        let assessed: Vec<_> = st.contributions.iter().filter(|c| c.state != State::Unavailable).collect();
        if den > 0.0 {
            let total: f64 = assessed.iter().map(|c| c.weight).sum();
            assert!((total - 1.0).abs() < 1e-12, "seed {seed}: weights sum to {total}");
        }
        for c in &st.contributions {
            if c.state == State::Unavailable {
                assert_eq!(c.weight, 0.0, "seed {seed}: {}", c.id);
            } else {
                let (_, w, _) = GROUPS.iter().find(|(g, _, _)| *g == c.group).unwrap();
                let n = assessed.iter().filter(|x| x.group == c.group).count() as f64;
                assert!((c.weight - w / n / den).abs() < 1e-12, "seed {seed}: {}", c.id);
            }
            assert_eq!(c.contribution, c.weight * c.state.direction() * c.strength, "seed {seed}: {}", c.id);
        }
    }
}

#[test]
fn stance_thresholds_and_conviction() {
    let rs = all(|_, _| (State::Bullish, 0.5));
    let st = score(&rs, &SignalParams::default());
    assert!((st.score - 0.5).abs() < 1e-12);
    assert_eq!(st.stance, StanceKind::Long);
    assert_eq!(st.conviction, Conviction::High);
    assert!((st.coverage - 1.0).abs() < 1e-12);

    let rs = all(|_, _| (State::Bullish, 0.25));
    let st = score(&rs, &SignalParams::default());
    assert_eq!(st.stance, StanceKind::Long);
    assert_eq!(st.conviction, Conviction::Moderate);

    let rs = all(|_, _| (State::Bearish, 0.5));
    let st = score(&rs, &SignalParams::default());
    assert_eq!(st.stance, StanceKind::Short);

    let rs = all(|i, _| (if i % 2 == 0 { State::Bullish } else { State::Neutral }, 0.1));
    let st = score(&rs, &SignalParams::default());
    assert_eq!(st.stance, StanceKind::Neutral);
    assert!(st.reasons.is_empty());
}

#[test]
fn override_insufficient_coverage() {
    // Only the weekly group (0.25) and daily (0.15) available: coverage 0.40.
    let rs = all(|_, id| {
        if id.starts_with("wk_") || id.starts_with("d1_") {
            (State::Bullish, 0.9)
        } else {
            (State::Unavailable, 0.0)
        }
    });
    let st = score(&rs, &SignalParams::default());
    assert!((st.coverage - 0.40).abs() < 1e-12);
    assert!(st.score > 0.8);
    assert_eq!(st.stance, StanceKind::Neutral);
    assert!(st.flags.contains(&StanceFlag::InsufficientData));
    assert_eq!(
        st.reasons[0],
        Override::InsufficientData { coverage: st.coverage, held: Some(StanceKind::Long) }
    );
    let words = marketnote::narrative::stance_text::override_sentence(&st.reasons[0], &st);
    assert!(words.contains("Insufficient data"), "{words}");
}

#[test]
fn override_risk_triggered_and_watch() {
    let mut rs = all(|_, _| (State::Bullish, 0.8));
    set(&mut rs, ids::H1, State::Bearish, 1.0);
    set(&mut rs, ids::H2, State::Bearish, 1.0);
    let st = score(&rs, &SignalParams::default());
    assert!(st.score >= 0.20);
    assert_eq!(st.stance, StanceKind::Neutral);
    assert!(st.flags.contains(&StanceFlag::RiskTriggered));

    let mut rs = all(|_, _| (State::Bullish, 0.8));
    set(&mut rs, ids::H2, State::Bearish, 1.0);
    let st = score(&rs, &SignalParams::default());
    assert!(st.score.abs() >= 0.35);
    assert_eq!(st.stance, StanceKind::Long);
    assert_eq!(st.conviction, Conviction::Moderate);
    assert!(st.flags.contains(&StanceFlag::RiskWatch));
}

/// The mirror of the risk override: a higher high and OBV above its rising support rule out a
/// short as a lower high and an OBV break rule out a long; one of them caps a short's conviction.
#[test]
fn override_risk_mirror_holds_a_short() {
    let mut rs = all(|_, _| (State::Bearish, 0.8));
    set(&mut rs, ids::H1, State::Bullish, 1.0);
    set(&mut rs, ids::H2, State::Bullish, 1.0);
    let st = score(&rs, &SignalParams::default());
    assert!(st.score <= -0.20, "{}", st.score);
    assert_eq!(st.stance, StanceKind::Neutral);
    assert!(st.flags.contains(&StanceFlag::RiskTriggeredShort));
    assert!(!st.flags.contains(&StanceFlag::RiskTriggered));
    assert!(st
        .reasons
        .iter()
        .any(|o| matches!(o, Override::RiskAgainst { against: StanceKind::Short, held: true, .. })));

    let mut rs = all(|_, _| (State::Bearish, 0.8));
    set(&mut rs, ids::H1, State::Bullish, 1.0);
    let st = score(&rs, &SignalParams::default());
    assert_eq!(st.stance, StanceKind::Short);
    assert_eq!(st.conviction, Conviction::Moderate);
    assert!(st.flags.contains(&StanceFlag::RiskWatch));
    let w = marketnote::narrative::stance_text::override_sentence(&st.reasons[0], &st);
    assert!(w.contains("against the short") && w.contains("capped at moderate"), "{w}");

    // A bearish risk signal does not cap a short, a bullish one does not cap a long.
    let mut rs = all(|_, _| (State::Bearish, 0.8));
    set(&mut rs, ids::H2, State::Bearish, 1.0);
    let st = score(&rs, &SignalParams::default());
    assert_eq!((st.stance, st.conviction), (StanceKind::Short, Conviction::High));
    assert!(!st.flags.contains(&StanceFlag::RiskWatch));
}

#[test]
fn override_weekly_forbids_long_and_daily_forbids_short() {
    // (background state, the frame's four signals set the other way, the idea it forbids): the
    // score still passes the forbidden idea's threshold, and the stance is held at Neutral.
    let weekly = [ids::D1, ids::D2, ids::D3, ids::D4];
    let daily = [ids::F1, ids::F2, ids::F3, ids::F4];
    let cases = [
        (State::Bullish, weekly, Frame::Weekly, StanceKind::Long),
        (State::Bearish, daily, Frame::Daily, StanceKind::Short),
        // The mirrors: net bullish weekly signals forbid a short, net bearish daily ones a long.
        (State::Bearish, weekly, Frame::Weekly, StanceKind::Short),
        (State::Bullish, daily, Frame::Daily, StanceKind::Long),
    ];
    for (background, frame_ids, frame, forbids) in cases {
        let other = if background == State::Bullish { State::Bearish } else { State::Bullish };
        let mut rs = all(|_, _| (background, 0.9));
        for id in frame_ids {
            set(&mut rs, id, other, 0.5);
        }
        let st = score(&rs, &SignalParams::default());
        if forbids == StanceKind::Long {
            assert!(st.score >= 0.20, "{frame:?}: {}", st.score);
        } else {
            assert!(st.score <= -0.20, "{frame:?}: {}", st.score);
        }
        assert_eq!(st.stance, StanceKind::Neutral, "{frame:?} forbids {forbids:?}");
        assert!(
            st.reasons.iter().any(|o| matches!(o, Override::Timeframe { frame: f, forbids: k, .. } if *f == frame && *k == forbids)),
            "{frame:?} forbids {forbids:?}: {:?}",
            st.reasons
        );
    }
}

#[test]
fn invalidation_levels_read_agreed_keys() {
    let mut rs = all(|_, _| (State::Neutral, 0.0));
    let mut put = |id: &str, key: &'static str, v: f64| {
        let r = rs.iter_mut().find(|r| r.id == id).unwrap();
        r.push_num(key, v, Unit::Price);
    };
    put(ids::D1, "top", 230.5);
    put(ids::E1, "ztop", 240.25);
    put(ids::H1, "Lmid", 235.0);
    put(ids::H2, "obv_line", 1.5e9);
    let st = score(&rs, &SignalParams::default());
    let got: Vec<(&str, f64, &str)> =
        st.invalidation.iter().map(|i| (i.signal, i.value, i.basis.as_str())).collect();
    assert_eq!(
        got,
        vec![
            (ids::D1, 230.5, "weekly close"),
            (ids::E1, 240.25, "3-day close"),
            (ids::H1, 235.0, "daily close"),
            (ids::H2, 1.5e9, "OBV"),
        ]
    );
}

const STATES: [State; 4] = [State::Bullish, State::Bearish, State::Neutral, State::Unavailable];

/// One rule for every line: ✓ all bullish, ◐ some, ✗ none bullish and some assessed; – when
/// none could be assessed (review 17).
fn expect_tick(states: &[State]) -> Tick {
    let assessed = states.iter().filter(|s| **s != State::Unavailable).count();
    let bull = states.iter().filter(|s| **s == State::Bullish).count();
    match (assessed, bull) {
        (0, 0) => Tick::NotAssessed,
        (_, 0) => Tick::Fail,
        (_, b) if b == states.len() => Tick::Pass,
        _ => Tick::Partial,
    }
}

#[test]
fn checklist_item1_reclaims_exhaustive() {
    for a in STATES {
        for b in STATES {
            for c in STATES {
                let mut rs = all(|_, _| (State::Neutral, 0.0));
                set(&mut rs, ids::D1, a, 0.5);
                set(&mut rs, ids::E1, b, 0.5);
                set(&mut rs, ids::F1, c, 0.5);
                let expect = expect_tick(&[a, b, c]);
                assert_eq!(checklist(&rs).items[0].tick, expect, "{a:?} {b:?} {c:?}");
            }
        }
    }
}

#[test]
fn checklist_items_2_3_4_exhaustive() {
    for a in STATES {
        for b in STATES {
            let mut rs = all(|_, _| (State::Neutral, 0.0));
            set(&mut rs, ids::D4, a, 0.5);
            set(&mut rs, ids::E4, b, 0.5);
            let expect = expect_tick(&[a, b]);
            assert_eq!(checklist(&rs).items[1].tick, expect, "{a:?} {b:?}");
        }
    }
    for a in STATES {
        for b in STATES {
            for c in STATES {
                let mut rs = all(|_, _| (State::Neutral, 0.0));
                set(&mut rs, ids::D2, a, 0.5);
                set(&mut rs, ids::D3, b, 0.5);
                set(&mut rs, ids::E3, c, 0.5);
                let expect = expect_tick(&[a, b, c]);
                assert_eq!(checklist(&rs).items[2].tick, expect, "{a:?} {b:?} {c:?}");
            }
        }
    }
    for (s, expect) in [
        (State::Bullish, Tick::Pass),
        (State::Neutral, Tick::Fail),
        (State::Bearish, Tick::Fail),
        (State::Unavailable, Tick::NotAssessed),
    ] {
        let mut rs = all(|_, _| (State::Neutral, 0.0));
        set(&mut rs, ids::F4, s, 0.5);
        assert_eq!(checklist(&rs).items[3].tick, expect);
    }
}

#[test]
fn checklist_d4_needs_long_contraction_and_headers() {
    let mut rs = all(|_, _| (State::Bullish, 0.5));
    let cl = checklist(&rs);
    assert_eq!(marketnote::narrative::stance_text::checklist_header(&cl), "Structure confirmed (4/4)");
    assert_eq!(cl.n_pass, 4);
    let d4 = rs.iter_mut().find(|r| r.id == ids::D4).unwrap();
    d4.push_num("contraction_len", 5.0, Unit::Count);
    let cl = checklist(&rs);
    assert_eq!(cl.items[1].tick, Tick::Partial);
    assert_eq!(
        marketnote::narrative::stance_text::checklist_header(&cl),
        "Structure partial (3/4 in place, 1 partly)"
    );
    // Nothing passing and nothing partial is "absent", never "partial".
    let none = all(|_, _| (State::Bearish, 0.5));
    assert_eq!(
        marketnote::narrative::stance_text::checklist_header(&checklist(&none)),
        "Structure absent (0/4)"
    );
    assert!(
        cl.items[0].detail.starts_with("Weekly squeeze-zone reclaim bullish, 3-day zone hold bullish"),
        "{}",
        cl.items[0].detail
    );
}
