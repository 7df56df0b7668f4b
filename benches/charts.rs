//! Rendering every chart of one note (weekly, 3-day, daily, relative, macro) on the bundled
//! sample data (IWM vs SPY, six FRED series), PNG and SVG measured separately.

use criterion::{criterion_group, criterion_main, Criterion};
use marketnote::config::{ChartConfig, NoteConfig, Theme};
use marketnote::resample::{resample, Timeframe};
use marketnote::signals::stance::{Checklist, Stance, StanceKind};
use marketnote::Analysis;
use std::hint::black_box;

/// The sample note's analysis, built from the loaded data and resampled bars (signals empty:
/// this measures drawing, not signal evaluation).
fn sample_analysis() -> Analysis {
    let cfg = NoteConfig::load(&marketnote::default_config_path()).expect("sample config");
    let dataset = marketnote::data::load(&cfg).expect("sample data");
    let daily = dataset.instrument.bars.between(Some(cfg.signals.history_start), None);
    let bench = dataset.benchmark.as_ref().map(|b| b.bars.between(Some(cfg.signals.history_start), None));
    Analysis {
        as_of: *daily.date.last().expect("bars"),
        weekly: resample(&daily, Timeframe::Weekly, 0),
        three_day: [0u8, 1, 2].map(|p| resample(&daily, Timeframe::ThreeDay, p)),
        monthly: resample(&daily, Timeframe::Monthly, 0),
        bench_weekly: bench.as_ref().map(|b| resample(b, Timeframe::Weekly, 0)),
        bench_daily: bench,
        mid_weekly: None,
        daily,
        config: cfg,
        dataset,
        signals: Vec::new(),
        stance: Stance {
            stance: StanceKind::Neutral,
            conviction: "moderate".into(),
            score: 0.0,
            coverage: 0.0,
            contributions: Vec::new(),
            groups: Vec::new(),
            overrides: Vec::new(),
            flags: Vec::new(),
            invalidation: Vec::new(),
        },
        checklist: Checklist { header: String::new(), n_pass: 0, items: Vec::new() },
    }
}

fn bench_charts(c: &mut Criterion) {
    let a = sample_analysis();
    let cfg = ChartConfig::default();
    let mut g = c.benchmark_group("charts_one_note");
    g.sample_size(20);
    g.bench_function("png_all_5", |b| {
        b.iter(|| black_box(marketnote::chart::render_all(&a, Theme::Light, &cfg).expect("render")))
    });
    g.bench_function("svg_all_5", |b| {
        b.iter(|| black_box(marketnote::chart::render_all_svg(&a, Theme::Light, &cfg).expect("render")))
    });
    g.finish();
}

criterion_group!(benches, bench_charts);
criterion_main!(benches);
