//! Full render of a note from an analysis: view, templates, markdown, sanitised HTML with inlined
//! charts, signals.json (in memory; disk and PDF excluded). Uses the demo analysis until the
//! pipeline lands; swap in `analyze` on the sample for an end-to-end number.

use criterion::{criterion_group, criterion_main, Criterion};
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

criterion_group!(benches, render);
criterion_main!(benches);
