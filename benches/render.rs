//! Full render of a note from an analysis: view, templates, markdown, sanitised HTML with inlined
//! charts, signals.json (in memory; disk excluded), and the PDF on the bundled sample (typeset
//! in-process: markdown → typst markup, layout, PDF/A-3b export with the attachments).

use criterion::{criterion_group, criterion_main, Criterion};
use marketnote::config::{Format, NoteConfig, Theme};
use marketnote::report::{build, demo, RenderOptions};
use std::hint::black_box;

fn render(c: &mut Criterion) {
    let a = demo::analysis("IWM");
    let mut charts = demo::charts();
    // Chart-sized payloads (~150 kB PNG each) so base64 inlining is measured realistically.
    for ch in &mut charts {
        ch.png = (0..150_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
    }
    let opts = RenderOptions::default();
    c.bench_function("report_build_md_html_json", |b| {
        b.iter(|| build(black_box(&a), black_box(&charts), &opts).unwrap())
    });
}

/// The sample note (real analysis with base rates, real charts) rendered to md and PDF: what
/// `render --format pdf,md` spends after the analysis and charts.
fn render_pdf(c: &mut Criterion) {
    let cfg = NoteConfig::load(&marketnote::default_config_path()).expect("sample config");
    let dataset = marketnote::data::load(&cfg).expect("sample data");
    let a = marketnote::analyze_note(&cfg, dataset, None).expect("sample analysis");
    let charts = marketnote::chart::render_all(&a, Theme::Light, &cfg.output.charts).expect("charts");
    let opts = RenderOptions { formats: vec![Format::Md, Format::Pdf], ..RenderOptions::default() };
    let mut g = c.benchmark_group("report_pdf");
    g.sample_size(10);
    g.bench_function("sample_md_pdf", |b| {
        b.iter(|| build(black_box(&a), black_box(&charts), &opts).unwrap())
    });
    g.finish();
}

criterion_group!(benches, render, render_pdf);
criterion_main!(benches);
