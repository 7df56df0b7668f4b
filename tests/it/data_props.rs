//! Properties of the CSV readers: no input makes them panic, and any valid bar set written in any
//! accepted layout (column order, delimiter, date format, line ending, row order) reads back exactly.

use chrono::NaiveDate;
use marketnote::config::MacroConfig;
use marketnote::data::bars::parse_bars;
use marketnote::data::macros::parse_macro;
use marketnote::data::{Bar, Bars, Transform};
use marketnote::resample::calendar::next_session;
use proptest::prelude::*;
use std::path::{Path, PathBuf};

/// Valid bars: ascending NYSE sessions one to three sessions apart, positive prices moving a few
/// percent a day (no split-shaped gaps), high/low enclosing open/close, volume >= 0.
fn bars_strategy() -> impl Strategy<Value = Vec<Bar>> {
    prop::collection::vec(
        (1u64..4, -0.03f64..0.03, -0.02f64..0.02, 0.0f64..0.1, 0.0f64..0.1, 0u32..100_000_000),
        1..60,
    )
    .prop_map(|rows| {
        let mut date = NaiveDate::from_ymd_opt(2000, 12, 29).unwrap();
        let mut prev_close = 100.0f64;
        rows.into_iter()
            .map(|(step, ret, gap, up, down, vol)| {
                for _ in 0..step {
                    date = next_session(date).unwrap();
                }
                let open = prev_close * (1.0 + gap);
                let close = open * (1.0 + ret);
                prev_close = close;
                let high = open.max(close) * (1.0 + up);
                let low = open.min(close) * (1.0 - down);
                Bar { date, open, high, low, close, volume: f64::from(vol), adj_close: None }
            })
            .collect()
    })
}

#[derive(Debug, Clone, Copy)]
struct Layout {
    delimiter: char,
    crlf: bool,
    bom: bool,
    date: usize,
    order: [usize; 6],
    newest_first: bool,
}

fn layout_strategy() -> impl Strategy<Value = Layout> {
    (
        prop::sample::select(vec![',', ';', '\t']),
        any::<bool>(),
        any::<bool>(),
        0usize..5,
        Just([0usize, 1, 2, 3, 4, 5]).prop_shuffle(),
        any::<bool>(),
    )
        .prop_map(|(delimiter, crlf, bom, date, order, newest_first)| Layout {
            delimiter,
            crlf,
            bom,
            date,
            order,
            newest_first,
        })
}

fn write(bars: &[Bar], l: Layout) -> Vec<u8> {
    let names = ["Date", "Open", "High", "Low", "Close", "Volume"];
    let nl = if l.crlf { "\r\n" } else { "\n" };
    let sep = l.delimiter.to_string();
    let mut s = String::new();
    if l.bom {
        s.push('\u{feff}');
    }
    s.push_str(&l.order.iter().map(|&i| names[i]).collect::<Vec<_>>().join(&sep));
    s.push_str(nl);
    let mut rows: Vec<&Bar> = bars.iter().collect();
    if l.newest_first {
        rows.reverse();
    }
    for b in rows {
        let date = match l.date {
            0 => b.date.format("%Y-%m-%d").to_string(),
            1 => b.date.format("%Y/%m/%d").to_string(),
            2 => b.date.format("%Y%m%d").to_string(),
            3 => format!("{}T00:00:00Z", b.date.format("%Y-%m-%d")),
            _ => b.date.and_hms_opt(14, 30, 0).unwrap().and_utc().timestamp().to_string(),
        };
        // `{}` on f64 prints the shortest string that reads back to the same value.
        let cells = [
            date,
            b.open.to_string(),
            b.high.to_string(),
            b.low.to_string(),
            b.close.to_string(),
            b.volume.to_string(),
        ];
        s.push_str(&l.order.iter().map(|&i| cells[i].clone()).collect::<Vec<_>>().join(&sep));
        s.push_str(nl);
    }
    s.into_bytes()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_layout_reads_back_exactly(bars in bars_strategy(), layout in layout_strategy()) {
        let bytes = write(&bars, layout);
        let (got, report) = parse_bars(&bytes, Path::new("p.csv"), false).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut want = Bars::with_capacity(bars.len(), false);
        for b in &bars {
            want.push(*b);
        }
        prop_assert_eq!(&got, &want);
        prop_assert_eq!(report.rows, bars.len());
        let reversed = report.warnings.iter().any(|w| w.message.contains("newest first"));
        prop_assert_eq!(reversed, layout.newest_first && bars.len() > 1);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400), adjust in any::<bool>()) {
        let _ = parse_bars(&bytes, Path::new("p.csv"), adjust);
        let _ = parse_macro(&bytes, Path::new("p.csv"), &macro_cfg());
    }

    #[test]
    fn mutated_valid_files_never_panic(
        bars in bars_strategy(),
        layout in layout_strategy(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), prop::sample::select(b"0123456789-/.,;\t\r\nTZ :nulNaeE+ ".to_vec())), 1..8),
    ) {
        let mut bytes = write(&bars, layout);
        for (at, byte) in edits {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        match parse_bars(&bytes, Path::new("p.csv"), false) {
            Ok((b, r)) => {
                prop_assert_eq!(b.len(), r.rows);
                prop_assert!(b.date.windows(2).all(|w| w[0] < w[1]));
                for i in 0..b.len() {
                    prop_assert!(b.high[i] >= b.low[i]);
                    prop_assert!(b.close[i].is_finite() && b.close[i] > 0.0);
                }
            }
            Err(e) => {
                prop_assert_eq!(e.exit_code(), 2);
                prop_assert!(e.to_string().starts_with("p.csv"), "{}", e);
            }
        }
        let _ = parse_macro(&bytes, Path::new("p.csv"), &macro_cfg());
    }
}

fn macro_cfg() -> MacroConfig {
    MacroConfig {
        id: "x".into(),
        file: PathBuf::from("p.csv"),
        label: None,
        transform: Transform::Level,
        supportive_when: None,
        release_lag_days: None,
        column: None,
        ..Default::default()
    }
}
