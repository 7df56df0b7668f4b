//! Issue 13, a fresh analyst's chart review: the phone's daily window, prices on merged level
//! tags, the 3-day tag at the note's close, tick counts on printed panels, broken risk levels in
//! their own style, a compact daily legend and the weekly alt text's words. Each test failed on
//! the main branch before the change.

use chrono::NaiveDate;
use marketnote::chart::{pdf_layouts, pdf_layouts_at, render_all_svg, PHONE_DAILY_BARS, PHONE_W};
use marketnote::config::{ChartConfig, NoteConfig, Theme};
use marketnote::fmt::price;
use marketnote::Analysis;

fn iwm(as_of: Option<&str>) -> Analysis {
    let cfg = NoteConfig::load(std::path::Path::new("samples/iwm.toml")).unwrap();
    let data = marketnote::data::load(&cfg).unwrap();
    marketnote::analyze(&cfg, data, as_of.map(|s| s.parse::<NaiveDate>().unwrap())).unwrap()
}

fn qqq() -> Analysis {
    let m = marketnote::batch::Manifest::load(std::path::Path::new("samples/universe.toml")).unwrap();
    let e = m.entries.iter().find(|e| e.symbol == "QQQ").unwrap();
    let cfg = m.config_for(e).unwrap();
    let data = marketnote::data::load(&cfg).unwrap();
    marketnote::analyze(&cfg, data, None).unwrap()
}

fn svg_of(a: &Analysis, cfg: &ChartConfig, name: &str) -> String {
    render_all_svg(a, Theme::Light, cfg).unwrap().into_iter().find(|c| c.name == name).unwrap().svg.unwrap()
}

/// The SVG's text lines (the content between tags), with the anchor y of each.
fn texts(svg: &str) -> Vec<(i32, String)> {
    crate::phone_labels::svg_texts(svg).into_iter().map(|(_, y, t)| (y, t)).collect()
}

/// Item 1: the phone's daily chart shows the latest PHONE_DAILY_BARS sessions (its subtitle
/// names them), the wide chart its full window; the weekly and 3-day phone charts keep theirs.
#[test]
fn the_phone_daily_chart_shows_the_recent_sessions() {
    let a = iwm(None);
    let d = &a.daily.date;
    let span = |k: usize| {
        format!("{} to {}", d[d.len() - k].format("%b %-d, %Y"), d[d.len() - 1].format("%b %-d, %Y"))
    };
    let wide = ChartConfig { svg: true, ..ChartConfig::default() };
    let phone = ChartConfig { width: PHONE_W, svg: true, ..ChartConfig::default() };
    let w = svg_of(&a, &wide, "daily");
    let p = svg_of(&a, &phone, "daily");
    assert!(w.contains(&span(wide.daily_bars)), "the wide daily chart's window changed");
    assert!(PHONE_DAILY_BARS < wide.daily_bars);
    assert!(p.contains(&span(PHONE_DAILY_BARS)), "the phone daily chart does not show the recent sessions");
    let t3 = &a.three_day[0].bars.date;
    let k = wide.three_day_bars.min(t3.len());
    let span3 =
        format!("{} to {}", t3[t3.len() - k].format("%b %-d, %Y"), t3[t3.len() - 1].format("%b %-d, %Y"));
    assert!(svg_of(&a, &phone, "3day").contains(&span3), "the phone 3-day window changed");
}

/// Item 2: a tag joining several levels names their prices, never only how many there are
/// ("2 lost levels", "both risk levels", "14 lost levels" at these dates on main).
#[test]
fn a_tag_joining_levels_names_their_prices() {
    let cfg = ChartConfig { svg: true, ..ChartConfig::default() };
    for as_of in [Some("2020-03-20"), Some("2022-06-17"), Some("2025-12-12"), None] {
        let a = iwm(as_of);
        for name in ["weekly", "3day", "daily"] {
            for (_, t) in texts(&svg_of(&a, &cfg, name)) {
                let w: Vec<&str> = t.split(' ').collect();
                let count = match w.as_slice() {
                    ["both", ..] => true,
                    ["all", n, ..] | [n, ..] => n.parse::<usize>().is_ok(),
                    _ => false,
                };
                let priced = t.chars().any(|c| c.is_ascii_digit()) && t.contains('.');
                assert!(
                    !(t.ends_with("levels") && (count || !priced)),
                    "{as_of:?} {name}: '{t}' names no price"
                );
            }
        }
    }
}

/// Item 2 on a phone: a label joining several levels inside the plot names the run's span (the
/// four levels of QQQ's daily leg were cut to their first value, "686.37").
#[test]
fn a_phone_label_joining_levels_names_their_span() {
    let a = qqq();
    let phone = ChartConfig { width: PHONE_W, svg: true, ..ChartConfig::default() };
    let t = texts(&svg_of(&a, &phone, "daily"));
    let run: Vec<&String> =
        t.iter().map(|(_, s)| s).filter(|s| s.contains("levels ") && s.contains('–')).collect();
    assert!(
        run.iter().any(|s| s.contains("686.37") && s.contains("718.29")),
        "no label spans the leg's levels: {:?}",
        t.iter().map(|(_, s)| s).filter(|s| s.contains("686.37")).collect::<Vec<_>>()
    );
}

/// Item 3: the 3-day chart's last-price tag is the last daily close, the one the note quotes
/// (it read 292.09, the last 3-day bar's close, beside the note's 291.17); the legend says what
/// the last 3-day bar closed at.
#[test]
fn the_three_day_tag_is_the_last_daily_close() {
    let a = iwm(None);
    let bar = a.three_day[0].bars.date.last().copied().unwrap();
    assert!(bar < a.as_of, "the case needs a 3-day bar ending before the as-of date");
    let day = price(*a.daily.close.last().unwrap());
    let three = price(*a.three_day[0].bars.close.last().unwrap());
    assert_ne!(day, three);
    let cfg = ChartConfig { svg: true, ..ChartConfig::default() };
    for c in [cfg.clone(), ChartConfig { width: PHONE_W, ..cfg }] {
        let t = texts(&svg_of(&a, &c, "3day"));
        assert!(t.iter().any(|(_, s)| *s == day), "no tag at the last daily close {day}");
        assert!(!t.iter().any(|(_, s)| *s == three), "a tag at the 3-day bar's close {three}");
        assert!(
            t.iter().any(|(_, s)| s.contains(&format!("closed {three}"))),
            "the legend does not name the 3-day bar's close"
        );
    }
}

/// Item 4: no printed price, volume, momentum or OBV axis labels more than MAX_VALUE_TICKS ticks
/// (the PDF's 3-day price axis labelled fifteen, 190 to 330 by tens), at every height the PDF's
/// layout pass may set a chart; still at least three.
#[test]
fn printed_panels_label_at_most_eight_ticks() {
    let cap = marketnote::chart::MAX_VALUE_TICKS;
    for as_of in [Some("2020-03-20"), Some("2022-06-17"), Some("2025-12-12"), None] {
        let a = iwm(as_of);
        let mut lays = pdf_layouts(&a, Theme::Light).unwrap();
        for r in [0.7, 1.0, 1.3] {
            lays.extend(pdf_layouts_at(&a, Theme::Light, r).unwrap());
        }
        for l in lays.iter().filter(|l| matches!(l.name.as_str(), "weekly" | "3day" | "daily")) {
            for n in &l.axis_ticks {
                assert!(*n <= cap, "{as_of:?} {} {:?}: {n} ticks on an axis", l.name, l.size);
                assert!(*n >= 3, "{as_of:?} {} {:?}: {n} ticks on an axis", l.name, l.size);
            }
        }
    }
}

/// Item 5: a risk level a close has broken (price still beyond it) is drawn in the broken style:
/// a "broken" tag and a legend entry naming it, never the live level's name in the risk colour
/// (QQQ's swing low 702.81, broken on 2026-07-17, read "swing low 702.81" like a level to watch;
/// IWM's 171.79 at 2022-06-17 likewise). A level still holding is not called broken.
#[test]
fn a_broken_risk_level_is_drawn_as_broken() {
    let cfg = ChartConfig { svg: true, ..ChartConfig::default() };
    let check = |a: &Analysis, what: &str| {
        let broken: Vec<_> = a
            .stance
            .invalidation
            .iter()
            .filter(|l| l.timeframe() == "daily" && l.value.is_finite())
            .filter(|l| l.status == marketnote::signals::stance::LevelStatus::Triggered)
            .filter(|l| l.last_close.is_some_and(|c| l.trigger.broken(c, l.value)))
            .collect();
        assert!(!broken.is_empty(), "{what}: the case needs a broken daily level");
        let t = texts(&svg_of(a, &cfg, "daily"));
        for l in broken {
            let v = price(l.value);
            assert!(t.iter().any(|(_, s)| *s == format!("broken {v}")), "{what}: no 'broken {v}' tag");
            assert!(
                t.iter().any(|(_, s)| s.starts_with("broken risk level:") && s.contains(&v)),
                "{what}: no legend entry for the broken {v}"
            );
            assert!(
                !t.iter().any(|(_, s)| *s == format!("swing low {v}")),
                "{what}: {v} tagged as a live level"
            );
        }
    };
    check(&qqq(), "QQQ");
    check(&iwm(Some("2022-06-17")), "IWM 2022-06-17");
    // The default note's levels hold (or were crossed and are back): none is called broken.
    let t = texts(&svg_of(&iwm(None), &cfg, "daily"));
    assert!(!t.iter().any(|(_, s)| s.starts_with("broken")), "a holding level drawn as broken");
}

/// Item 6: the daily price legend takes at most three lines at the default date (it took four;
/// its entries run on over the label column and short ones fill earlier lines).
#[test]
fn the_daily_price_legend_is_compact() {
    let a = iwm(None);
    let cfg = ChartConfig { svg: true, ..ChartConfig::default() };
    let svg = svg_of(&a, &cfg, "daily");
    let t = texts(&svg);
    let lays = marketnote::chart::layouts(&a, Theme::Light, &ChartConfig::default()).unwrap();
    let l = lays.iter().find(|l| l.name == "daily").unwrap();
    let top = l.boxes.iter().filter(|(k, _)| *k == "panel").map(|(_, b)| b[1]).min().unwrap();
    let sub = t.iter().find(|(_, s)| s.starts_with("iShares")).map(|(y, _)| *y).unwrap();
    let mut ys: Vec<i32> = t.iter().filter(|(y, _)| *y > sub && *y < top).map(|(y, _)| *y).collect();
    ys.sort();
    ys.dedup_by(|a, b| (*a - *b).abs() <= 3);
    assert!(t.iter().any(|(y, s)| *y > sub && *y < top && s == "Daily price"));
    assert!(ys.len() <= 3, "the daily price legend takes {} lines", ys.len());
}

/// Item 7: the weekly alt text says what an unconfirmed reclaim lacks, in its own words (it
/// read "(the Weekly text says what it needs)").
#[test]
fn the_weekly_alt_text_says_what_the_reclaim_needs() {
    let a = iwm(None);
    let charts = render_all_svg(&a, Theme::Light, &ChartConfig::default()).unwrap();
    let alt = &charts.iter().find(|c| c.name == "weekly").unwrap().alt;
    assert!(!alt.contains("says what it needs"), "{alt}");
    let need = marketnote::signals::weekly::D1_MIN_STRONG;
    assert!(
        alt.contains(&format!("not yet confirmed: 1 strong weekly close above it, {need} needed")),
        "{alt}"
    );
}

/// Issue 13 follow-ups (a fresh reviewer's chart labels): the cases read, each analysed once.
fn review_cases() -> Vec<(String, Analysis)> {
    let mut out: Vec<(String, Analysis)> = [Some("2020-03-20"), Some("2022-06-17"), Some("2025-12-12"), None]
        .into_iter()
        .map(|d| (format!("IWM {}", d.unwrap_or("default")), iwm(d)))
        .collect();
    out.push(("QQQ".into(), qqq()));
    out
}

/// Every text of the weekly, 3-day and daily charts of `a`, wide and phone, with its chart.
fn chart_texts(a: &Analysis) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for width in [ChartConfig::default().width, PHONE_W] {
        let cfg = ChartConfig { width, svg: true, ..ChartConfig::default() };
        for c in render_all_svg(a, Theme::Light, &cfg).unwrap() {
            if ["weekly", "3day", "daily"].contains(&c.name.as_str()) {
                let what = format!("{} {width}", c.name);
                out.push((what.clone(), format!("ALT {}", c.alt)));
                out.extend(texts(&c.svg.unwrap()).into_iter().map(|(_, t)| (what.clone(), t)));
            }
        }
    }
    out
}

/// Items 1-3 and 7 on every chart text: a swing high's label names the distribution days
/// stacked on it as a second fact, in brackets ("swing high 745.45 (and a distribution day)",
/// never "swing high 745.45 · distribution day"); F2's day is named by the text's term
/// ("volume thrust day"), never a bare "volume day"; every price a label prints has the text's
/// two decimals ("levels 238.63–239.29", never "238.6–239.3"); a level where several averages
/// met is named by all of them ("20/21-day avg"), as the text names them.
#[test]
fn chart_labels_use_the_texts_terms_and_precision() {
    let mut bad = Vec::new();
    let mut seen_days = false;
    let mut seen_thrust = false;
    let mut seen_avgs = false;
    for (case, a) in review_cases() {
        for (what, t) in chart_texts(&a) {
            let at = format!("{case} {what}: '{t}'");
            if t.contains("volume day") {
                bad.push(format!("{at} is not the text's term"));
            }
            seen_thrust |= t.contains("volume thrust day");
            if t.starts_with("ALT ") || !t.chars().any(char::is_alphabetic) {
                continue;
            }
            if t.contains("distribution day") && (t.contains(" high ") || t.starts_with("high ")) {
                seen_days = true;
                if !t.contains("(also a distribution day)") && !t.contains("(and ") {
                    bad.push(format!("{at} reads as one thing"));
                }
            }
            seen_avgs |= t.contains("20/21-day");
            for w in t.split([' ', '–', '/', '(', ')', ',', '·', ':']) {
                let Some((_, dec)) = w.split_once('.') else { continue };
                if w.parse::<f64>().is_ok() && dec.len() != 2 {
                    bad.push(format!("{at}: {w} is not at the text's two decimals"));
                }
            }
        }
        // Item 7: F1's levels made by several averages, by all of them.
        let f1 = a.signals.iter().find(|s| s.id == "d1_stacked_level_reclaim");
        let stacked =
            f1.is_some_and(|s| s.evidence.iter().any(|e| format!("{e:?}").contains("SMA20 + EMA21")));
        if stacked {
            let daily = chart_texts(&a);
            let alone = daily.iter().any(|(w, t)| w.starts_with("daily") && t.starts_with("20-day avg"));
            if alone {
                bad.push(format!("{case}: a 20- and 21-day level named by one average"));
            }
        }
    }
    assert!(seen_days && seen_thrust && seen_avgs, "the cases no longer show the labels checked");
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// Item 5: no tag of a price chart (the label column's, the last-price tag) covers a value-axis
/// tick label, wide, on the phone and in the PDF, at the review's dates and for QQQ.
#[test]
fn price_tags_never_cover_tick_labels() {
    let ov = |a: &[i32; 4], b: &[i32; 4]| a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
    let mut bad = Vec::new();
    for (case, a) in review_cases() {
        let sets = [
            ("wide", marketnote::chart::layouts(&a, Theme::Light, &ChartConfig::default()).unwrap()),
            ("phone", marketnote::chart::phone_layouts(&a, Theme::Light).unwrap()),
            ("pdf", pdf_layouts(&a, Theme::Light).unwrap()),
        ];
        for (v, lays) in sets {
            for l in lays.iter().filter(|l| ["weekly", "3day", "daily"].contains(&l.name.as_str())) {
                let ticks: Vec<&[i32; 4]> =
                    l.boxes.iter().filter(|(k, _)| *k == "tick").map(|(_, b)| b).collect();
                assert!(!ticks.is_empty(), "{case} {v} {}: no tick labels recorded", l.name);
                for (_, t) in l.boxes.iter().filter(|(k, _)| *k == "tag" || *k == "label") {
                    if let Some(x) = ticks.iter().find(|x| ov(t, x)) {
                        bad.push(format!("{case} {v} {}: {t:?} covers tick {x:?}", l.name));
                    }
                }
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// Item 6: the weekly chart marks the anchor low the note's weekly volume measures run from
/// ("Since the 2024-01-05 low"), a dot named with its price and week in the legend, for every
/// instrument of the universe, on every variant (wide, phone, PDF: issue 13 follow-up item 3,
/// the phone's had none). An anchor from the configured `anchor_year` is named as that year's
/// low (item 4: QQQ's "anchor low 395.34" was not the chart's lowest low, which lies in 2023):
/// "2024 low 395.34 (anchor, 2024-01-05)"; one chosen automatically or moved to a later low
/// keeps "anchor low 171.73 (2025-04-11)" (IWM, whose 2024 low was undercut in 2025).
#[test]
fn the_weekly_chart_marks_the_anchor_low() {
    let m = marketnote::batch::Manifest::load(std::path::Path::new("samples/universe.toml")).unwrap();
    let wide = ChartConfig { svg: true, ..ChartConfig::default() };
    let phone = ChartConfig { width: PHONE_W, svg: true, ..ChartConfig::default() };
    let pdf = ChartConfig {
        width: marketnote::chart::PDF_W,
        height: marketnote::chart::PDF_H,
        svg: true,
        ..ChartConfig::default()
    };
    let mut by_year = 0;
    for e in &m.entries {
        let c = m.config_for(e).unwrap();
        let a = marketnote::analyze(&c, marketnote::data::load(&c).unwrap(), None).unwrap();
        let d2 = a.signals.iter().find(|s| s.id == "wk_volume_accumulation").unwrap();
        let (d, v) = (d2.date("anchor_date").unwrap(), d2.num("anchor_low").unwrap());
        let flags = format!("{:?}", d2.flags);
        let configured = !flags.contains("AnchorAuto") && !flags.contains("ReAnchored");
        let want = if configured {
            by_year += 1;
            let y = chrono::Datelike::year(&d);
            assert_eq!(c.signals.anchor_year, Some(y), "{}", e.symbol);
            format!("{y} low {} (anchor, {d})", price(v))
        } else {
            format!("anchor low {} ({d})", price(v))
        };
        for cfg in [&wide, &phone, &pdf] {
            let svg = svg_of(&a, cfg, "weekly");
            let all = texts(&svg).into_iter().map(|(_, t)| t).collect::<Vec<_>>().join(" ");
            assert!(all.contains(&want), "{} weekly ({} px): no '{want}'", e.symbol, cfg.width);
        }
    }
    assert!(by_year > 0 && by_year < m.entries.len(), "the universe no longer shows both namings");
}
