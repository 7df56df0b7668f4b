//! Base rates: a constructed series with known distribution-day clusters (so known onsets of a
//! bearish F4 and known forward returns), the no-look-ahead property and prefix/pipeline
//! equivalence on the bundled sample.

use chrono::{Datelike, NaiveDate};
use marketnote::baserates::{base_rates, base_rates_uncached, complete_prefix, BaseRate, Measure};
use marketnote::config::NoteConfig;
use marketnote::resample::{calendar, resample, Timeframe};
use marketnote::signals::State;
use std::fmt::Write as _;
use std::path::Path;

const F4: &str = "d1_no_distribution";

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// NYSE sessions from `start`, `n` of them.
fn sessions(start: NaiveDate, n: usize) -> Vec<NaiveDate> {
    let mut out = Vec::with_capacity(n);
    let mut day = if calendar::is_session(start) { start } else { calendar::next_session(start).unwrap() };
    while out.len() < n {
        out.push(day);
        day = calendar::next_session(day).unwrap();
    }
    out
}

/// Writes a one-instrument note (no benchmark, no macro) into `dir` and loads it.
fn note(
    dir: &Path,
    dates: &[NaiveDate],
    close: &[f64],
    vol: &[f64],
) -> (NoteConfig, marketnote::data::Dataset) {
    let mut csv = String::from("date,open,high,low,close,volume\n");
    for i in 0..dates.len() {
        let o = if i == 0 { close[0] } else { close[i - 1] };
        let (h, l) = (o.max(close[i]) * 1.002, o.min(close[i]) * 0.998);
        writeln!(csv, "{},{o},{h},{l},{},{}", dates[i], close[i], vol[i]).unwrap();
    }
    std::fs::write(dir.join("X.csv"), csv).unwrap();
    let toml = format!(
        "[instrument]\nsymbol = \"XYZ\"\nname = \"Constructed\"\nbars = \"X.csv\"\n[signals]\nhistory_start = \"{}\"\n",
        dates[0]
    );
    std::fs::write(dir.join("note.toml"), toml).unwrap();
    let cfg = NoteConfig::load(&dir.join("note.toml")).unwrap();
    let ds = marketnote::data::load(&cfg).unwrap();
    (cfg, ds)
}

/// A slow wave on a gentle uptrend at constant volume (no distribution days: volume never
/// rises), with clusters of six distribution days (−0.5% on higher volume, every other session)
/// starting at each of `clusters`.
fn constructed(n: usize, clusters: &[usize]) -> (Vec<f64>, Vec<f64>) {
    let mut c: Vec<f64> = (0..n)
        .map(|i| {
            100.0 * (1.0 + 0.06 * (2.0 * std::f64::consts::PI * i as f64 / 400.0).sin()) + 0.02 * i as f64
        })
        .collect();
    let mut v = vec![1e6; n];
    for &s in clusters {
        for j in 0..6 {
            let i = s + 2 * j;
            c[i] = c[i - 1] * 0.995;
            v[i] = 1.2e6;
        }
    }
    (c, v)
}

fn f4(rates: &[BaseRate]) -> &BaseRate {
    rates.iter().find(|b| b.signal == F4).expect("F4 is active, so it has a base rate")
}

#[test]
fn constructed_distribution_clusters_give_known_onsets_and_returns() {
    let n = 1300;
    let dates = sessions(d("2015-01-02"), n);
    // Clusters far apart; the last one leaves F4 bearish at the as-of date (its fifth
    // distribution day is 8 sessions in, the first one ages out after 25).
    let clusters = [300, 420, 560, 700, 830, 940, 1060, 1180, n - 14];
    for &s in &clusters {
        for j in 0..6 {
            let prev = dates[s + 2 * j - 1];
            assert!(!calendar::is_half_day(prev), "choose clusters away from half-days ({prev})");
        }
    }
    let (close, vol) = constructed(n, &clusters);
    let tmp = tempfile::tempdir().unwrap();
    let (cfg, ds) = note(tmp.path(), &dates, &close, &vol);
    let mut a = marketnote::analyze(&cfg, ds, None).unwrap();
    let now = a.signals.iter().find(|r| r.id == F4).unwrap();
    assert_eq!(now.state, State::Bearish, "{}", now.sentence);
    a.base_rates = base_rates(&a);
    let br = f4(&a.base_rates);
    assert_eq!(br.state, State::Bearish);
    assert_eq!(br.measure, Measure::Price);

    // Week ends by hand: the last session of each ISO week (every week here is complete, the last
    // data date being a week end or not).
    let week_end = |i: usize| i + 1 == n || dates[i + 1].iso_week() != dates[i].iso_week();
    let last_complete = {
        let last = dates[n - 1];
        (0..n)
            .rev()
            .find(|&i| week_end(i) && calendar::last_session_of_iso_week(dates[i]) <= Some(last))
            .unwrap()
    };
    // The F4 bear window of a cluster at s: sessions s+8 ..= s+26 (five or six active days).
    // Its onset is the first week end in that window.
    let onset = |s: usize| (s + 8..=s + 26).find(|&i| week_end(i) && i <= last_complete);
    let expected: Vec<usize> = clusters[..clusters.len() - 1].iter().map(|&s| onset(s).unwrap()).collect();
    let got: Vec<NaiveDate> = br.occurrences.clone();
    assert_eq!(got, expected.iter().map(|&i| dates[i]).collect::<Vec<_>>());
    // The current episode (last cluster) is excluded and named, when it began at a week end.
    assert_eq!(br.current_onset, onset(clusters[clusters.len() - 1]).map(|i| dates[i]));

    // Forward returns, hand-computed from the constructed closes.
    for (weeks, h) in [(4u32, 20usize), (13, 65), (26, 130)] {
        let mut rets: Vec<f64> =
            expected.iter().filter(|&&i| i + h < n).map(|&i| close[i + h] / close[i] - 1.0).collect();
        let hs = br.horizon(weeks).unwrap();
        assert_eq!(hs.sessions, h);
        assert_eq!(hs.count, rets.len(), "{weeks} weeks");
        assert_eq!(hs.n_positive, rets.iter().filter(|r| **r > 0.0).count());
        rets.sort_by(f64::total_cmp);
        let m = rets.len();
        let median = if m % 2 == 1 { rets[m / 2] } else { (rets[m / 2 - 1] + rets[m / 2]) / 2.0 };
        assert!((hs.median.unwrap() - median).abs() < 1e-12);
        assert!((hs.worst.unwrap() - rets[0]).abs() < 1e-12);
        assert!((hs.best.unwrap() - rets[m - 1]).abs() < 1e-12);
        assert!((hs.share_positive.unwrap() - hs.n_positive as f64 / m as f64).abs() < 1e-15);
    }
    // 8 earlier onsets: enough to cite, and the sentence says "lower" for a bearish signal.
    let h13 = br.horizon(13).unwrap();
    assert_eq!(h13.count, 8);
    assert!(!br.few);
    let lower = h13.count - h13.n_positive;
    assert!(
        said(&a, br).starts_with(&format!(
            "Base rate: in the 8 earlier weekly onsets since {}, XYZ was lower 13 weeks later",
            br.since.unwrap().year()
        )),
        "{}",
        said(&a, br)
    );
    let times = match lower {
        1 => "once".to_string(),
        2 => "twice".to_string(),
        k => format!("{k} times"),
    };
    assert!(said(&a, br).contains(&format!("later {times} (median ")), "{}", said(&a, br));
}

#[test]
fn few_onsets_are_said_as_such() {
    let n = 700;
    let dates = sessions(d("2016-01-04"), n);
    let clusters = [300, 450, n - 14];
    let (close, vol) = constructed(n, &clusters);
    let tmp = tempfile::tempdir().unwrap();
    let (cfg, ds) = note(tmp.path(), &dates, &close, &vol);
    let a = marketnote::analyze(&cfg, ds, None).unwrap();
    let rates = base_rates(&a);
    let br = f4(&rates);
    assert_eq!(br.occurrences.len(), 2);
    assert!(br.few);
    assert_eq!(br.horizon(13).unwrap().count, 2);
    assert!(
        said(&a, br).contains("only 2 earlier cases") && said(&a, br).contains("too few to lean on"),
        "{}",
        said(&a, br)
    );
    assert!(!said(&a, br).contains("median"), "{}", said(&a, br));
}

fn sample() -> (NoteConfig, marketnote::data::Dataset) {
    let cfg = NoteConfig::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/iwm.toml")).unwrap();
    let ds = marketnote::data::load(&cfg).unwrap();
    (cfg, ds)
}

#[test]
fn no_look_ahead_appending_bars_after_as_of_changes_nothing() {
    let (mut cfg, full) = sample();
    // A shorter history keeps the debug-build test quick; the property does not depend on it.
    cfg.signals.history_start = d("2016-01-04");
    let as_of = d("2020-03-27");
    let mut cut = full.clone();
    let keep = |b: &mut marketnote::data::Bars| *b = b.between(None, Some(as_of));
    keep(&mut cut.instrument.bars);
    if let Some(b) = cut.benchmark.as_mut() {
        keep(&mut b.bars);
    }
    for m in cut.macros.iter_mut() {
        m.obs.retain(|o| o.period <= as_of);
    }
    let a_full = marketnote::analyze(&cfg, full, Some(as_of)).unwrap();
    let a_cut = marketnote::analyze(&cfg, cut, Some(as_of)).unwrap();
    let (r_full, r_cut) = (base_rates(&a_full), base_rates(&a_cut));
    assert!(!r_full.is_empty());
    assert_eq!(r_full, r_cut);
    // And nothing beyond as-of is ever measured.
    for b in &r_full {
        assert!(b.occurrences.iter().all(|o| *o < as_of));
    }
}

#[test]
fn prefix_cuts_equal_resampling_the_cut_daily_bars() {
    let (cfg, ds) = sample();
    let a = marketnote::analyze(&cfg, ds, None).unwrap();
    let n = a.daily.len();
    // Every 7th session (hitting every weekday and 3-day position), plus holiday-adjacent days.
    for i in (200..n).step_by(7).chain([n - 1]) {
        let last = a.daily.date[i];
        let cut = a.daily.slice(0, i + 1);
        let w = resample(&cut, Timeframe::Weekly, 0).bars;
        assert_eq!(complete_prefix(&a.weekly.bars, Timeframe::Weekly, 0, last), w.len(), "weekly at {last}");
        assert_eq!(a.weekly.bars.slice(0, w.len()), w, "weekly at {last}");
        for p in 0..3u8 {
            let t = resample(&cut, Timeframe::ThreeDay, p).bars;
            let full = &a.three_day[usize::from(p)].bars;
            assert_eq!(
                complete_prefix(full, Timeframe::ThreeDay, p, last),
                t.len(),
                "3-day phase {p} at {last}"
            );
        }
    }
}

#[test]
fn week_end_evaluations_match_the_full_pipeline() {
    // The states base_rates sees at a past week end are those `analyze` computes as of that date.
    let (mut cfg, ds) = sample();
    cfg.signals.history_start = d("2016-01-04");
    let a = marketnote::analyze(&cfg, ds.clone(), Some(d("2021-06-30"))).unwrap();
    let rates = base_rates(&a);
    assert!(!rates.is_empty());
    for br in &rates {
        for &o in br.occurrences.iter().rev().take(2) {
            let past = marketnote::analyze(&cfg, ds.clone(), Some(o)).unwrap();
            let r = past.signals.iter().find(|r| r.id == br.signal).unwrap();
            assert_eq!(r.state, br.state, "{} at onset {o}: {}", br.signal, r.sentence);
            // The previous week end had a different, known state.
            let wi = a.weekly.bars.date.binary_search(&o).unwrap();
            let prev = a.weekly.bars.date[wi - 1];
            let before = marketnote::analyze(&cfg, ds.clone(), Some(prev)).unwrap();
            let r = before.signals.iter().find(|r| r.id == br.signal).unwrap();
            assert!(r.state != br.state && r.state != State::Unavailable, "{} at {prev}", br.signal);
        }
    }
}

#[test]
fn precomputed_series_give_the_same_base_rates_as_recomputing_every_prefix() {
    // The fast path reads ATR, OBV, its scan and pivots computed once on the full bars; the
    // reference recomputes them on every week-end prefix. Full history, two as-of dates (2020-03-20
    // rather than 2022-06-17 since issue 11: on 2022-06-17 no risk signal is active any more, the
    // breached higher high is neutral).
    let (cfg, ds) = sample();
    for as_of in ["2020-03-20", "2026-08-21"] {
        let a = marketnote::analyze(&cfg, ds.clone(), Some(d(as_of))).unwrap();
        let fast = base_rates(&a);
        let slow = base_rates_uncached(&a);
        assert!(fast.iter().any(|b| b.signal.starts_with("risk_")), "{as_of}: no risk signal active");
        assert!(fast.iter().any(|b| b.signal.starts_with("d1_")), "{as_of}: no daily signal active");
        assert!(fast.iter().any(|b| !b.occurrences.is_empty()), "{as_of}: no onsets at all");
        assert_eq!(fast, slow, "{as_of}");
    }
}

/// The note's sentence for a base rate (written by the narrative).
fn said(a: &marketnote::Analysis, br: &marketnote::baserates::BaseRate) -> String {
    marketnote::narrative::history_text::base_rate_sentence(br, &a.dataset.instrument.symbol)
}

/// `render`'s overlapped stages (the walk and the track chart beside the other charts) give the
/// same analysis and the same charts, in the same order, as the analysis with base rates followed
/// by the charts.
#[test]
fn analyze_and_charts_equals_analyze_then_charts() {
    let cfg = NoteConfig::load(Path::new("samples/iwm.toml")).unwrap();
    let theme = cfg.output.theme;
    let as_of = Some(d("2022-06-17"));
    let ds = marketnote::pipeline::load(&cfg).unwrap();
    let (a, got) = marketnote::pipeline::analyze_and_charts(&cfg, ds.clone(), as_of, true, theme).unwrap();
    let b = marketnote::pipeline::analyze(&cfg, ds, as_of, true).unwrap();
    let want = marketnote::pipeline::charts(&b, theme).unwrap();
    let names = |c: &[marketnote::chart::Chart]| c.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(&got), names(&want));
    assert!(names(&got).contains(&"track".to_string()), "{:?}", names(&got));
    assert!(got == want, "the charts differ");
    assert_eq!(a.base_rates, b.base_rates);
    assert_eq!(a.track_record, b.track_record);
    assert_eq!(format!("{:?}", a.stance), format!("{:?}", b.stance));
}
