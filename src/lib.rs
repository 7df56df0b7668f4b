//! marketnote: daily bars and macro series in, a data-checked research note out.
//!
//! The flow is one-way: [`config`] → [`data`] → [`resample`] → [`indicators`] → [`signals`]
//! → [`chart`] → [`report`]. Only `data` reads input files and only `report` writes output.

pub mod baserates;
pub mod batch;
pub mod chart;
pub mod cli;
pub mod config;
pub mod data;
pub mod document;
pub mod error;
pub mod export;
pub mod history;
pub mod indicators;
pub mod narrative;
pub mod report;
pub mod resample;
pub mod signals;
pub mod since;
pub mod site;

use chrono::NaiveDate;
use cli::{Cli, Command};
use config::NoteConfig;
use data::{Bars, Dataset};
use error::{Error, Result};
use resample::{resample, Resampled, Timeframe};
use signals::stance::{Checklist, Stance};
use signals::SignalResult;
use std::path::{Path, PathBuf};

/// Everything computed for one note, before charts and templates.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// The configuration.
    pub config: NoteConfig,
    /// All loaded inputs (with their quality reports and hashes).
    pub dataset: Dataset,
    /// The effective as-of date: the last instrument session on or before the requested date.
    pub as_of: NaiveDate,
    /// Instrument daily bars from `history_start` to `as_of`.
    pub daily: Bars,
    /// Instrument weekly bars.
    pub weekly: Resampled,
    /// Instrument 3-day bars, phases 0, 1, 2.
    pub three_day: [Resampled; 3],
    /// Instrument monthly bars.
    pub monthly: Resampled,
    /// Benchmark daily bars (same cut), when configured.
    pub bench_daily: Option<Bars>,
    /// Benchmark weekly bars.
    pub bench_weekly: Option<Resampled>,
    /// Mid-cap weekly bars.
    pub mid_weekly: Option<Resampled>,
    /// Every signal, in SIGNALS.md order.
    pub signals: Vec<SignalResult>,
    /// Score and stance.
    pub stance: Stance,
    /// The Overall Structure checklist.
    pub checklist: Checklist,
    /// Base rates of the active signals (empty until [`baserates::base_rates`] is run, e.g. by
    /// [`analyze_note`]).
    pub base_rates: Vec<baserates::BaseRate>,
    /// The stance's own track record over earlier week ends (None until [`analyze_note`]).
    pub track_record: Option<history::TrackRecord>,
    /// What changed since a previous note (`render --previous`); None otherwise.
    pub since_last: Option<since::SinceLast>,
}

/// Cuts daily bars to `[history_start, as_of]`.
fn cut(bars: &Bars, cfg: &NoteConfig, as_of: NaiveDate) -> Bars {
    bars.between(Some(cfg.signals.history_start), Some(as_of))
}

/// The effective as-of date (the last instrument session on or before the requested one, or the
/// last session) and the instrument's daily bars cut to `[history_start, as_of]`.
fn instrument_daily(
    config: &NoteConfig,
    dataset: &Dataset,
    as_of: Option<NaiveDate>,
) -> Result<(NaiveDate, Bars)> {
    let inst = &dataset.instrument.bars;
    let last = *inst.date.last().ok_or_else(|| Error::Usage("the instrument has no bars".into()))?;
    let requested = as_of.or(config.as_of).unwrap_or(last);
    let as_of = match inst.index_at_or_before(requested) {
        Some(i) => inst.date[i],
        None => {
            return Err(Error::Usage(format!(
                "--as-of {requested} is before the first {} bar ({})",
                dataset.instrument.symbol, inst.date[0]
            )))
        }
    };
    if requested > last {
        eprintln!(
            "warning: --as-of {requested} is after the last {} bar ({last}): the note is as of {last}",
            dataset.instrument.symbol
        );
    }
    let daily = cut(inst, config, as_of);
    if daily.is_empty() {
        return Err(Error::Usage(format!(
            "no {} bars between signals.history_start {} and {as_of}",
            dataset.instrument.symbol, config.signals.history_start
        )));
    }
    Ok((as_of, daily))
}

/// Computes every signal of a note from loaded data, as of a date (point in time: nothing after
/// `as_of` is seen by any stage).
pub fn analyze(config: &NoteConfig, dataset: Dataset, as_of: Option<NaiveDate>) -> Result<Analysis> {
    let (as_of, daily) = instrument_daily(config, &dataset, as_of)?;
    let weekly = resample(&daily, Timeframe::Weekly, 0);
    let three_day = [0u8, 1, 2].map(|p| resample(&daily, Timeframe::ThreeDay, p));
    let monthly = resample(&daily, Timeframe::Monthly, 0);
    let bench_daily = dataset.benchmark.as_ref().map(|b| cut(&b.bars, config, as_of));
    let bench_weekly = bench_daily.as_ref().map(|b| resample(b, Timeframe::Weekly, 0));
    let mid_weekly =
        dataset.mid_cap.as_ref().map(|m| resample(&cut(&m.bars, config, as_of), Timeframe::Weekly, 0));

    let input = signals::SignalInput {
        as_of,
        symbol: &dataset.instrument.symbol,
        bench_symbol: dataset.benchmark.as_ref().map(|b| b.symbol.as_str()),
        daily: &daily,
        weekly: &weekly.bars,
        three_day: [&three_day[0].bars, &three_day[1].bars, &three_day[2].bars],
        bench_daily: bench_daily.as_ref(),
        bench_weekly: bench_weekly.as_ref().map(|r| &r.bars),
        mid_weekly: mid_weekly.as_ref().map(|r| &r.bars),
        macros: &dataset.macros,
        params: &config.signals,
        pre: None,
    };
    let signals = signals::evaluate(&input);
    let mut stance = signals::stance::score(&signals, &config.signals);
    signals::stance::assess_invalidation(
        &mut stance.invalidation,
        &signals,
        &daily,
        &weekly.bars,
        &three_day[0].bars,
    );
    narrative::edge::temper(&mut stance, None);
    let checklist = signals::stance::checklist_for(&signals, stance.stance);
    Ok(Analysis {
        config: config.clone(),
        dataset,
        as_of,
        daily,
        weekly,
        three_day,
        monthly,
        bench_daily,
        bench_weekly,
        mid_weekly,
        signals,
        stance,
        checklist,
        base_rates: Vec::new(),
        track_record: None,
        since_last: None,
    })
}

/// [`analyze`], then the base rates of the active signals and the stance's track record, both
/// read from one walk over the week ends ([`history::walk`]): what `signals` and `render` print.
pub fn analyze_note(config: &NoteConfig, dataset: Dataset, as_of: Option<NaiveDate>) -> Result<Analysis> {
    let mut a = analyze(config, dataset, as_of)?;
    let walk = history::walk(&a);
    a.base_rates = baserates::base_rates_from_walk(&a, &walk);
    a.track_record = Some(history::track_record(&a, &walk));
    narrative::edge::temper(&mut a.stance, a.track_record.as_ref());
    Ok(a)
}

/// The bundled sample config: `./samples/iwm.toml`, else the one in the source tree.
pub fn default_config_path() -> PathBuf {
    let local = Path::new("samples/iwm.toml");
    if local.exists() {
        return local.to_path_buf();
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/iwm.toml")
}

fn load_config(path: Option<PathBuf>) -> Result<NoteConfig> {
    NoteConfig::load(&path.unwrap_or_else(default_config_path))
}

/// Runs one command line.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command.unwrap_or(Command::Render(cli::RenderArgs::default())) {
        Command::Check { config } => {
            let cfg = load_config(config)?;
            let mut dataset = data::load(&cfg)?;
            // Staleness as the note would judge it on the instrument's last session.
            if let Some(&last) = dataset.instrument.bars.date.last() {
                data::quality::flag_stale_macros(&mut dataset.quality, &dataset.macros, last);
            }
            print!("{}", data::quality::render_report(&dataset.quality));
            Ok(())
        }
        Command::Signals { config, as_of, json } => {
            let cfg = load_config(config)?;
            let dataset = data::load(&cfg)?;
            let a = analyze_note(&cfg, dataset, as_of)?;
            if json {
                let text = serde_json::to_string_pretty(&document::document(&a))
                    .map_err(|e| Error::Internal(format!("cannot serialise signals.json: {e}")))?;
                println!("{text}");
            } else {
                print!("{}", document::render_table(&a));
            }
            Ok(())
        }
        Command::Export { config, timeframe, as_of } => {
            let tf: Timeframe = timeframe.parse().map_err(Error::Usage)?;
            let cfg = load_config(config)?;
            let dataset = data::load(&cfg)?;
            let (_, daily) = instrument_daily(&cfg, &dataset, as_of)?;
            // Complete bars only, as the signals see them (3-day: phase 0).
            let bars = if tf == Timeframe::Daily { daily } else { resample(&daily, tf, 0).bars };
            match export::write_csv(&bars, std::io::stdout().lock()) {
                Ok(()) => Ok(()),
                // `marketnote export | head`: the reader has what it wanted.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => Err(Error::Output { path: "<stdout>".into(), message: e.to_string() }),
            }
        }
        Command::Backtest { config, from, to } => {
            let cfg = load_config(config)?;
            let dataset = data::load(&cfg)?;
            let a = analyze(&cfg, dataset, None)?;
            let csv = history::backtest_csv(&a, &history::walk(&a), from, to);
            use std::io::Write;
            match std::io::stdout().lock().write_all(csv.as_bytes()) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => Err(Error::Output { path: "<stdout>".into(), message: e.to_string() }),
            }
        }
        Command::Render(args) => report::cli::render(args),
        Command::Init { dir } => report::cli::init(&dir),
        Command::Batch { manifest, output, site, jobs, shard, as_of, base_rates } => {
            let shard = shard.as_deref().map(str::parse).transpose()?;
            let Some(output) = output.or_else(|| site.clone()) else {
                return Err(Error::Usage("batch: give -o DIR or --site DIR".into()));
            };
            let opts = batch::Options { output, jobs, shard, as_of, progress: None, base_rates };
            match site {
                Some(dir) => site::batch(&manifest, &dir, &opts),
                None => batch::run(&manifest, &opts),
            }
        }
        Command::Publish(args) => site::publish(args),
        Command::Site { dir, base_url } => site::rebuild_command(&dir, base_url.as_deref()),
    }
}
