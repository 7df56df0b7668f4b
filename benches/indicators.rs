//! Indicator speed on ~26 years of real IWM daily bars (tests/fixtures/IWM_daily_talib.csv,
//! 6,598 rows): every series function, the §3 primitives that scan a window, all export columns
//! at once, and the export CSV writer.

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use marketnote::data::{Bar, Bars};
use marketnote::indicators::{self as ind, primitives as p};
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

fn load() -> Bars {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/IWM_daily_talib.csv");
    let mut rdr = csv::Reader::from_path(&path).expect("fixture");
    let mut bars = Bars::with_capacity(7000, false);
    for rec in rdr.records() {
        let r = rec.expect("row");
        let f = |i: usize| r[i].parse::<f64>().expect("number");
        bars.push(Bar {
            date: NaiveDate::parse_from_str(&r[0], "%Y-%m-%d").expect("date"),
            open: f(1),
            high: f(2),
            low: f(3),
            close: f(4),
            volume: f(5),
            adj_close: None,
        });
    }
    bars
}

fn bench(c: &mut Criterion) {
    let b = load();
    let (h, l, cl, v) = (&b.high[..], &b.low[..], &b.close[..], &b.volume[..]);
    let mut g = c.benchmark_group("indicators");
    g.sample_size(30).measurement_time(Duration::from_secs(2)).warm_up_time(Duration::from_millis(500));
    g.throughput(Throughput::Elements(b.len() as u64));
    g.bench_function("sma_200", |z| z.iter(|| ind::sma(black_box(cl), 200)));
    g.bench_function("ema_50", |z| z.iter(|| ind::ema(black_box(cl), 50)));
    g.bench_function("macd_12_26_9", |z| z.iter(|| ind::macd(black_box(cl), 12, 26, 9)));
    g.bench_function("rsi_14", |z| z.iter(|| ind::rsi(black_box(cl), 14)));
    g.bench_function("bbands_20", |z| z.iter(|| ind::bbands(black_box(cl), 20, 2.0)));
    g.bench_function("stddev_20", |z| z.iter(|| ind::stddev(black_box(cl), 20)));
    g.bench_function("atr_14", |z| z.iter(|| ind::atr(black_box(h), l, cl, 14)));
    g.bench_function("keltner_20", |z| z.iter(|| ind::keltner(black_box(h), l, cl, 20, 20, 1.5)));
    g.bench_function("obv", |z| z.iter(|| ind::obv(black_box(cl), v)));
    g.bench_function("ad", |z| z.iter(|| ind::ad(black_box(h), l, cl, v)));
    g.bench_function("linreg_slope_20", |z| z.iter(|| ind::linreg_slope(black_box(cl), 20)));
    g.bench_function("rolling_max_20", |z| z.iter(|| ind::rolling_max(black_box(h), 20)));
    g.bench_function("roc_10", |z| z.iter(|| ind::roc(black_box(cl), 10)));
    g.bench_function("pivot_highs_5_5", |z| z.iter(|| p::pivot_highs(black_box(h), 5, 5, h.len() - 1)));
    g.bench_function("drawdown_episodes", |z| {
        z.iter(|| p::drawdown_episodes(black_box(h), l, cl, 0, cl.len() - 1))
    });
    g.bench_function("volume_profile_50", |z| z.iter(|| p::volume_profile(black_box(h), l, v, 50)));
    let hist = ind::macd(cl, 12, 26, 9).hist;
    g.bench_function("waves", |z| z.iter(|| p::waves(black_box(&hist))));
    g.bench_function("all_export_columns", |z| {
        z.iter(|| marketnote::export::indicator_columns(black_box(&b)))
    });
    g.bench_function("export_csv", |z| {
        z.iter(|| marketnote::export::export_csv(black_box(&b), std::io::sink()).expect("sink"))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
