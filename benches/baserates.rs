//! Base rates on the bundled sample (IWM vs SPY, history from 2010, ~870 complete weeks): the
//! analysis is computed once, then `base_rates` re-evaluates every active signal family at every
//! week end. Also times one family-free `analyze` for scale, the walk shared by base rates and
//! the track record (issue 11), and `analyze_note` (analyze + walk + both).

use criterion::{criterion_group, criterion_main, Criterion};
use marketnote::config::NoteConfig;
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let cfg_path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/iwm.toml");
    let cfg = NoteConfig::load(&cfg_path).expect("sample config");
    let dataset = marketnote::data::load(&cfg).expect("sample data");
    let a = marketnote::analyze(&cfg, dataset.clone(), None).expect("analysis");
    let active = a.signals.iter().filter(|r| r.state.direction() != 0.0).count();
    eprintln!("{} complete weeks, {active} active signals", a.weekly.bars.len());
    let mut g = c.benchmark_group("baserates_sample");
    g.sample_size(10);
    g.bench_function("analyze", |b| b.iter(|| marketnote::analyze(&cfg, black_box(dataset.clone()), None)));
    g.bench_function("base_rates_all_active", |b| {
        b.iter(|| marketnote::baserates::base_rates(black_box(&a)))
    });
    // The note's history work: one walk over every week end (all signals and the stance), read
    // by both the base rates and the track record, as `analyze_note` does.
    g.bench_function("walk_base_rates_and_track_record", |b| {
        b.iter(|| {
            let w = marketnote::history::walk(black_box(&a));
            let br = marketnote::baserates::base_rates_from_walk(&a, &w);
            let tr = marketnote::history::track_record(&a, &w);
            (br.len(), tr.weeks)
        })
    });
    g.bench_function("analyze_note", |b| {
        b.iter(|| marketnote::analyze_note(&cfg, black_box(dataset.clone()), None))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
