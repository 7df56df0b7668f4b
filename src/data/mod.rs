//! Input: bar CSVs and macro CSVs in, typed [`Bars`] and [`MacroSeries`] out, with a data-quality
//! report. The only module that reads input files.

pub mod bars;
mod csvio;
pub mod f32noise;
pub mod macros;
pub mod quality;
pub mod read;

use chrono::NaiveDate;
use serde::Serialize;

pub use crate::types::{Direction, Transform};
pub use quality::{FileReport, Warning};

/// Daily (or resampled) OHLCV bars in columns, oldest first. Every column has the same length.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bars {
    /// Bar label: the session date (daily) or the last session in the bar (resampled).
    pub date: Vec<NaiveDate>,
    /// Open prices.
    pub open: Vec<f64>,
    /// High prices.
    pub high: Vec<f64>,
    /// Low prices.
    pub low: Vec<f64>,
    /// Close prices (split-adjusted, not dividend-adjusted, unless the config asks for adjustment).
    pub close: Vec<f64>,
    /// Volume in shares; `<= 0` or NaN counts as missing (SIGNALS.md §0).
    pub volume: Vec<f64>,
    /// Dividend-adjusted close when the source has one (used for ETF ratios).
    pub adj_close: Option<Vec<f64>>,
    /// Resampled bars: a scheduled NYSE session of the bar is missing from the data.
    pub gap: Vec<bool>,
    /// Number of data sessions aggregated into each bar (1 for daily bars).
    pub n_sessions: Vec<u8>,
}

/// One bar, for building [`Bars`] row by row.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Bar {
    /// Session date.
    pub date: NaiveDate,
    /// Open.
    pub open: f64,
    /// High.
    pub high: f64,
    /// Low.
    pub low: f64,
    /// Close.
    pub close: f64,
    /// Volume.
    pub volume: f64,
    /// Adjusted close, when known.
    pub adj_close: Option<f64>,
}

impl Bars {
    /// An empty set with room for `n` bars.
    pub fn with_capacity(n: usize, with_adj: bool) -> Self {
        Bars {
            date: Vec::with_capacity(n),
            open: Vec::with_capacity(n),
            high: Vec::with_capacity(n),
            low: Vec::with_capacity(n),
            close: Vec::with_capacity(n),
            volume: Vec::with_capacity(n),
            adj_close: if with_adj { Some(Vec::with_capacity(n)) } else { None },
            gap: Vec::with_capacity(n),
            n_sessions: Vec::with_capacity(n),
        }
    }

    /// Number of bars.
    pub fn len(&self) -> usize {
        self.date.len()
    }

    /// True when there are no bars.
    pub fn is_empty(&self) -> bool {
        self.date.is_empty()
    }

    /// Appends one bar (gap false, one session).
    pub fn push(&mut self, b: Bar) {
        self.push_full(b, false, 1);
    }

    /// Appends one bar with its resampling flags.
    pub fn push_full(&mut self, b: Bar, gap: bool, n_sessions: u8) {
        self.date.push(b.date);
        self.open.push(b.open);
        self.high.push(b.high);
        self.low.push(b.low);
        self.close.push(b.close);
        self.volume.push(b.volume);
        if let Some(adj) = self.adj_close.as_mut() {
            adj.push(b.adj_close.unwrap_or(b.close));
        }
        self.gap.push(gap);
        self.n_sessions.push(n_sessions);
    }

    /// The bar at index `i`.
    pub fn bar(&self, i: usize) -> Bar {
        Bar {
            date: self.date[i],
            open: self.open[i],
            high: self.high[i],
            low: self.low[i],
            close: self.close[i],
            volume: self.volume[i],
            adj_close: self.adj_close.as_ref().map(|a| a[i]),
        }
    }

    /// The closes to use for ratios between instruments: adjusted close when present, else close.
    pub fn ratio_close(&self) -> &[f64] {
        self.adj_close.as_deref().unwrap_or(&self.close)
    }

    /// The bars with `from <= date <= to` (either bound optional), as a new set.
    pub fn between(&self, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Bars {
        let start = from.map_or(0, |f| self.date.partition_point(|d| *d < f));
        let end = to.map_or(self.len(), |t| self.date.partition_point(|d| *d <= t));
        self.slice(start, end.max(start))
    }

    /// Bars `start..end` as a new set.
    pub fn slice(&self, start: usize, end: usize) -> Bars {
        Bars {
            date: self.date[start..end].to_vec(),
            open: self.open[start..end].to_vec(),
            high: self.high[start..end].to_vec(),
            low: self.low[start..end].to_vec(),
            close: self.close[start..end].to_vec(),
            volume: self.volume[start..end].to_vec(),
            adj_close: self.adj_close.as_ref().map(|a| a[start..end].to_vec()),
            gap: self.gap[start..end].to_vec(),
            n_sessions: self.n_sessions[start..end].to_vec(),
        }
    }

    /// Index of the last bar dated on or before `d`.
    pub fn index_at_or_before(&self, d: NaiveDate) -> Option<usize> {
        self.date.partition_point(|x| *x <= d).checked_sub(1)
    }

    /// All bars, borrowed (no copy).
    pub fn view(&self) -> BarsView<'_> {
        self.prefix(self.len())
    }

    /// The first `n` bars, borrowed (no copy): equal, column by column, to `self.slice(0, n)`.
    /// Panics when `n > self.len()`, like slicing.
    pub fn prefix(&self, n: usize) -> BarsView<'_> {
        BarsView {
            date: &self.date[..n],
            open: &self.open[..n],
            high: &self.high[..n],
            low: &self.low[..n],
            close: &self.close[..n],
            volume: &self.volume[..n],
            adj_close: self.adj_close.as_deref().map(|a| &a[..n]),
            gap: &self.gap[..n],
            n_sessions: &self.n_sessions[..n],
        }
    }
}

/// Borrowed [`Bars`]: the same columns as slices, so a reader indexes `v.close[i]` as it would
/// an owned set. What signals read, so that a point-in-time cut of the history walk is a prefix
/// of the full series rather than a copy of it (issue 11, part 4: the 1,000,000-row walk held
/// two copies of the bars per worker). `Copy`: pass it by value.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct BarsView<'a> {
    /// Bar labels (see [`Bars::date`]).
    pub date: &'a [NaiveDate],
    /// Open prices.
    pub open: &'a [f64],
    /// High prices.
    pub high: &'a [f64],
    /// Low prices.
    pub low: &'a [f64],
    /// Close prices.
    pub close: &'a [f64],
    /// Volume in shares (`<= 0` or NaN: missing).
    pub volume: &'a [f64],
    /// Dividend-adjusted close when the source has one.
    pub adj_close: Option<&'a [f64]>,
    /// Resampled bars: a scheduled session of the bar is missing.
    pub gap: &'a [bool],
    /// Data sessions aggregated into each bar.
    pub n_sessions: &'a [u8],
}

impl<'a> BarsView<'a> {
    /// Number of bars.
    pub fn len(&self) -> usize {
        self.date.len()
    }

    /// True when there are no bars.
    pub fn is_empty(&self) -> bool {
        self.date.is_empty()
    }

    /// The bar at index `i` (see [`Bars::bar`]).
    pub fn bar(&self, i: usize) -> Bar {
        Bar {
            date: self.date[i],
            open: self.open[i],
            high: self.high[i],
            low: self.low[i],
            close: self.close[i],
            volume: self.volume[i],
            adj_close: self.adj_close.map(|a| a[i]),
        }
    }

    /// The closes to use for ratios between instruments: adjusted close when present, else close.
    pub fn ratio_close(&self) -> &'a [f64] {
        self.adj_close.unwrap_or(self.close)
    }

    /// Bars `start..end` as a new owned set (see [`Bars::slice`]).
    pub fn slice(&self, start: usize, end: usize) -> Bars {
        Bars {
            date: self.date[start..end].to_vec(),
            open: self.open[start..end].to_vec(),
            high: self.high[start..end].to_vec(),
            low: self.low[start..end].to_vec(),
            close: self.close[start..end].to_vec(),
            volume: self.volume[start..end].to_vec(),
            adj_close: self.adj_close.map(|a| a[start..end].to_vec()),
            gap: self.gap[start..end].to_vec(),
            n_sessions: self.n_sessions[start..end].to_vec(),
        }
    }

    /// An owned copy.
    pub fn to_bars(&self) -> Bars {
        self.slice(0, self.len())
    }

    /// Index of the last bar dated on or before `d`.
    pub fn index_at_or_before(&self, d: NaiveDate) -> Option<usize> {
        self.date.partition_point(|x| *x <= d).checked_sub(1)
    }
}

impl<'a> From<&'a Bars> for BarsView<'a> {
    fn from(b: &'a Bars) -> Self {
        b.view()
    }
}

/// An instrument's daily bars with the identity and provenance the note cites.
#[derive(Debug, Clone)]
pub struct Instrument {
    /// Ticker, e.g. `IWM`.
    pub symbol: String,
    /// Display name, e.g. `iShares Russell 2000 ETF`.
    pub name: String,
    /// Daily bars, oldest first.
    pub bars: Bars,
}

/// One macro observation: the period it describes, the day it became public, and its value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MacroObs {
    /// The observation date as published (FRED: first of the month for monthly series).
    pub period: NaiveDate,
    /// The first day the value may be used (period + release lag, or a release date column).
    pub release: NaiveDate,
    /// The value.
    pub value: f64,
}

/// A macro series as configured, observations oldest first (by period).
#[derive(Debug, Clone)]
pub struct MacroSeries {
    /// Config id; well-known ids feed the macro signals (see `signals::macro_`).
    pub id: String,
    /// Human label, e.g. "Fed funds rate".
    pub label: String,
    /// Transform before reading.
    pub transform: Transform,
    /// Supportive direction, if configured.
    pub supportive_when: Option<Direction>,
    /// Release lag in days applied to every observation.
    pub release_lag_days: i64,
    /// Observations, oldest first (by period, then release; a vintage file has several per period).
    pub obs: Vec<MacroObs>,
}

impl MacroSeries {
    /// The observations already public on `as_of` (point in time), one per period: with
    /// vintages (several observations of a period), the latest one published by `as_of`.
    pub fn known_at(&self, as_of: NaiveDate) -> Vec<MacroObs> {
        let mut out: Vec<MacroObs> = Vec::with_capacity(self.obs.len());
        for o in self.obs.iter().filter(|o| o.release <= as_of) {
            match out.last_mut() {
                Some(last) if last.period == o.period => {
                    if o.release >= last.release {
                        *last = *o;
                    }
                }
                _ => out.push(*o),
            }
        }
        out
    }

    /// True when the series was read from vintages (a period published more than once), so
    /// each value counts from its vintage date rather than a fixed release lag.
    pub fn has_vintages(&self) -> bool {
        self.obs.windows(2).any(|w| w[0].period == w[1].period)
    }
}

/// Everything one note is computed from.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// The instrument of the note.
    pub instrument: Instrument,
    /// The large-cap benchmark.
    pub benchmark: Option<Instrument>,
    /// Optional mid-cap rung for the cap-ladder signal (MDY/IJH).
    pub mid_cap: Option<Instrument>,
    /// Macro and fundamental series, in config order.
    pub macros: Vec<MacroSeries>,
    /// One data-quality report per input file.
    pub quality: Vec<FileReport>,
}

impl Dataset {
    /// The macro series with the given id, if configured.
    pub fn macro_series(&self, id: &str) -> Option<&MacroSeries> {
        self.macros.iter().find(|m| m.id == id)
    }
}

/// Loads every input the config names: bars, benchmark, mid-cap, macro series, with quality
/// reports in the same order (`instrument`, `benchmark`, `mid_cap`, `macro:<id>`).
pub fn load(cfg: &crate::config::NoteConfig) -> crate::error::Result<Dataset> {
    // The files are independent: read them on two threads. The instrument's error, if any,
    // still comes first, as when they were read one after the other.
    let (instrument, shared) = rayon::join(|| load_instrument(cfg), || SharedInputs::load(cfg));
    let instrument = instrument?;
    shared?.dataset(cfg, instrument, "")
}

/// Reads the instrument's bars, with its quality report.
pub fn load_instrument(cfg: &crate::config::NoteConfig) -> crate::error::Result<(Instrument, FileReport)> {
    read_instrument(&cfg.instrument, "instrument")
}

fn read_instrument(
    ic: &crate::config::InstrumentConfig,
    role: &str,
) -> crate::error::Result<(Instrument, FileReport)> {
    let (mut bars, mut report) = bars::read_bars_with(&ic.bars, &bars::BarOptions::from_config(ic))?;
    f32noise::denoise_prices(&mut bars);
    report.role = role.to_string();
    let name = ic.name.clone().unwrap_or_else(|| ic.symbol.clone());
    Ok((Instrument { symbol: ic.symbol.clone(), name, bars }, report))
}

/// The inputs that do not depend on the instrument (benchmark, mid-cap, macro series): loaded
/// once per note, or once per batch and shared by every symbol.
#[derive(Debug, Clone)]
pub struct SharedInputs {
    /// The benchmark.
    pub benchmark: Option<Instrument>,
    /// The mid-cap rung.
    pub mid_cap: Option<Instrument>,
    /// Macro series, in config order.
    pub macros: Vec<MacroSeries>,
    /// Quality reports: benchmark, mid_cap, macro:<id>.
    pub quality: Vec<FileReport>,
}

impl SharedInputs {
    /// Loads the benchmark, mid-cap and macro series the config names.
    pub fn load(cfg: &crate::config::NoteConfig) -> crate::error::Result<SharedInputs> {
        use rayon::prelude::*;
        // Every file on rayon's threads; results are taken in config order, so the first error
        // and the order of the quality reports are those of reading them one by one.
        let ((benchmark, mid_cap), macro_series) = rayon::join(
            || {
                rayon::join(
                    || cfg.benchmark.as_ref().map(|b| read_instrument(b, "benchmark")),
                    || cfg.mid_cap.as_ref().map(|b| read_instrument(b, "mid_cap")),
                )
            },
            || cfg.macros.par_iter().map(macros::read_macro).collect::<Vec<_>>(),
        );
        let mut quality = Vec::new();
        let mut take = |r: Option<crate::error::Result<(Instrument, FileReport)>>| {
            r.transpose().map(|o| {
                o.map(|(i, report)| {
                    quality.push(report);
                    i
                })
            })
        };
        let benchmark = take(benchmark)?;
        let mid_cap = take(mid_cap)?;
        let mut series = Vec::with_capacity(cfg.macros.len());
        for (m, r) in cfg.macros.iter().zip(macro_series) {
            let (s, mut report) = r?;
            report.role = format!("macro:{}", m.id);
            quality.push(report);
            series.push(s);
        }
        Ok(SharedInputs { benchmark, mid_cap, macros: series, quality })
    }

    /// One note's dataset: the instrument plus copies of the shared series. A benchmark or
    /// mid-cap with no date in common with the instrument is a config error on
    /// `{key_prefix}benchmark.bars` / `{key_prefix}mid_cap.bars`.
    pub fn dataset(
        &self,
        cfg: &crate::config::NoteConfig,
        (instrument, report): (Instrument, FileReport),
        key_prefix: &str,
    ) -> crate::error::Result<Dataset> {
        for (key, other) in [("benchmark.bars", &self.benchmark), ("mid_cap.bars", &self.mid_cap)] {
            let Some(o) = other else { continue };
            if !shares_a_date(&instrument.bars.date, &o.bars.date) {
                let range = |b: &Bars| match (b.date.first(), b.date.last()) {
                    (Some(f), Some(l)) => format!("{f} to {l}"),
                    _ => "no bars".into(),
                };
                return Err(crate::error::Error::config(
                    &cfg.path,
                    format!("{key_prefix}{key}"),
                    format!(
                        "{} ({}) has no date in common with the instrument {} ({}): expected overlapping history",
                        o.symbol,
                        range(&o.bars),
                        instrument.symbol,
                        range(&instrument.bars)
                    ),
                ));
            }
        }
        let mut quality = Vec::with_capacity(1 + self.quality.len());
        quality.push(report);
        quality.extend(self.quality.iter().cloned());
        Ok(Dataset {
            instrument,
            benchmark: self.benchmark.clone(),
            mid_cap: self.mid_cap.clone(),
            macros: self.macros.clone(),
            quality,
        })
    }
}

/// True when two ascending date lists have at least one date in common (linear merge).
fn shares_a_date(a: &[NaiveDate], b: &[NaiveDate]) -> bool {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Equal => return true,
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
        }
    }
    false
}
