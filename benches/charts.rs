//! Rendering every chart of one note (weekly, 3-day, daily, relative, macro) on the bundled
//! sample data (IWM vs SPY, six FRED series), PNG and SVG measured separately.

use criterion::{criterion_group, criterion_main, Criterion};
use marketnote::config::{ChartConfig, NoteConfig, Theme};
use marketnote::Analysis;
use std::hint::black_box;

/// The sample note's analysis (real signals, so every annotation is drawn).
fn sample_analysis() -> Analysis {
    let cfg = NoteConfig::load(&marketnote::default_config_path()).expect("sample config");
    let dataset = marketnote::data::load(&cfg).expect("sample data");
    marketnote::analyze(&cfg, dataset, None).expect("sample analysis")
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
