//! Resampling throughput: 1,000,000 consecutive NYSE sessions from 2000-01-03 (the table to 2035,
//! then weekdays) in, weekly and 3-day bars out. Reports daily bars per second.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use marketnote::data::{Bar, Bars};
use marketnote::resample::{calendar, resample, Timeframe};
use std::hint::black_box;

const N: usize = 1_000_000;

fn sessions(n: usize) -> Bars {
    let mut bars = Bars::with_capacity(n, true);
    let mut date = calendar::ANCHOR;
    let mut px = 100.0_f64;
    for i in 0..n {
        let wiggle = ((i * 7919) % 200) as f64 / 100.0 - 1.0;
        let open = px;
        let close = (px + wiggle).max(1.0);
        bars.push(Bar {
            date,
            open,
            high: open.max(close) + 0.5,
            low: open.min(close) - 0.5,
            close,
            volume: 1_000_000.0 + (i % 997) as f64,
            adj_close: Some(close),
        });
        px = close;
        date = calendar::next_session(date).expect("within chrono's range");
    }
    bars
}

fn bench(c: &mut Criterion) {
    let daily = sessions(N);
    let mut g = c.benchmark_group("resample_1M_sessions");
    g.throughput(Throughput::Elements(N as u64));
    g.sample_size(20);
    g.bench_function("weekly", |b| b.iter(|| resample(black_box(&daily), Timeframe::Weekly, 0)));
    g.bench_function("3day_phase0", |b| b.iter(|| resample(black_box(&daily), Timeframe::ThreeDay, 0)));
    g.bench_function("monthly", |b| b.iter(|| resample(black_box(&daily), Timeframe::Monthly, 0)));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
