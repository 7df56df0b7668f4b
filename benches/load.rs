//! Bar CSV parsing speed: 1,000,000 synthetic daily rows (plain `date,open,high,low,close,volume`)
//! parsed from memory by `parse_bars`. Criterion reports the throughput in rows per second.

use chrono::{Days, NaiveDate};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use marketnote::data::bars::parse_bars;
use std::fmt::Write;
use std::hint::black_box;
use std::path::Path;

const ROWS: usize = 1_000_000;

/// A deterministic random walk written as CSV bytes, one row per weekday.
fn synthetic_csv(rows: usize) -> Vec<u8> {
    let mut s = String::with_capacity(rows * 64);
    s.push_str("Date,Open,High,Low,Close,Volume\n");
    let start = NaiveDate::from_ymd_opt(1900, 1, 1).expect("valid date");
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut close = 100.0_f64;
    for i in 0..rows {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let u = (state >> 11) as f64 / (1u64 << 53) as f64;
        let open = close;
        close = (open * (1.0 + (u - 0.5) * 0.04)).max(1.0);
        let high = open.max(close) * (1.0 + u * 0.01);
        let low = open.min(close) * (1.0 - u * 0.01);
        let volume = 1_000_000 + (state % 50_000_000);
        // Weekdays only: rows on weekends are not sessions and would be refused.
        let date = start + Days::new((i / 5 * 7 + i % 5) as u64);
        writeln!(s, "{date},{open:.4},{high:.4},{low:.4},{close:.4},{volume}").expect("write to string");
    }
    s.into_bytes()
}

fn bench_parse(c: &mut Criterion) {
    let bytes = synthetic_csv(ROWS);
    let path = Path::new("synthetic.csv");
    // Guard: the bench measures a successful parse of every row.
    let (bars, _) = parse_bars(&bytes, path, false).expect("synthetic data parses");
    assert_eq!(bars.len(), ROWS);

    let mut group = c.benchmark_group("load");
    group.sample_size(10);
    group.throughput(Throughput::Elements(ROWS as u64));
    group.bench_function("parse_bars_1m_rows", |b| {
        b.iter(|| parse_bars(black_box(&bytes), path, false).expect("parses"))
    });
    // Baseline: the csv crate alone splitting the same bytes into records, to show parse overhead.
    group.bench_function("csv_records_only_1m_rows", |b| {
        b.iter(|| {
            let mut rdr = csv::ReaderBuilder::new().has_headers(false).from_reader(black_box(&bytes[..]));
            let mut rec = csv::ByteRecord::new();
            let mut n = 0usize;
            while rdr.read_byte_record(&mut rec).expect("reads") {
                n += rec.len();
            }
            n
        })
    });
    group.finish();
}

criterion_group!(benches, bench_parse);
criterion_main!(benches);
