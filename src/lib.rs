//! marketnote: daily bars and macro series in, a data-checked research note out.
//!
//! The flow is one-way: [`config`] → [`data`] → [`resample`] → [`indicators`] → [`signals`]
//! → [`chart`] → [`report`]. Only `data` reads input files and only `report` writes output.

pub mod analysis;
pub mod baserates;
pub mod batch;
pub mod chart;
pub mod cli;
pub mod config;
pub mod data;
pub mod document;
pub mod error;
pub mod export;
pub mod fmt;
pub mod history;
pub mod indicators;
pub mod narrative;
pub mod pipeline;
pub mod report;
pub mod resample;
pub mod signals;
pub mod since;
pub mod site;
pub mod types;

use analysis::instrument_daily;
pub use analysis::{analyze, analyze_note, Analysis};
use cli::{Cli, Command};
use config::NoteConfig;
use error::{Error, Result};
use resample::{resample, Timeframe};
use std::path::{Path, PathBuf};

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
        Command::Batch { manifest, output, site, jobs, shard, as_of, no_base_rates, base_rates: _ } => {
            let shard = shard.as_deref().map(str::parse).transpose()?;
            let Some(output) = output.or_else(|| site.clone()) else {
                return Err(Error::Usage("batch: give -o DIR or --site DIR".into()));
            };
            let opts =
                batch::Options { output, jobs, shard, as_of, progress: None, base_rates: !no_base_rates };
            match site {
                Some(dir) => site::batch(&manifest, &dir, &opts),
                None => batch::run(&manifest, &opts),
            }
        }
        Command::Publish(args) => site::publish(args),
        Command::Site { dir, base_url } => site::rebuild_command(&dir, base_url.as_deref()),
    }
}
