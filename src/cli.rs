//! Command-line definitions (clap derive). No logic here.

use crate::config::Theme;
use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// marketnote: turns daily bars and macro series into a data-checked research note.
#[derive(Debug, Parser)]
#[command(name = "marketnote", version, about, long_about = None)]
pub struct Cli {
    /// What to do; `render` on the bundled sample when omitted.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The commands of DESIGN.md.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write the note (md, html, pdf, json, charts) into an output folder, atomically.
    Render(RenderArgs),
    /// Print the signal table (or the signals.json document with --json).
    Signals {
        /// note.toml (default: the bundled sample).
        config: Option<PathBuf>,
        /// Use no data after this date (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        as_of: Option<NaiveDate>,
        /// Print the signals.json document instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// CSV on stdout: resampled bars with every indicator column.
    Export {
        /// note.toml (default: the bundled sample).
        config: Option<PathBuf>,
        /// 1D, 3D, 1W or 1M.
        #[arg(long, value_name = "TF")]
        timeframe: String,
        /// Use no data after this date (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        as_of: Option<NaiveDate>,
    },
    /// CSV on stdout: the score, stance and every signal's state and strength at each past week
    /// end (point in time), with the forward 4/13/26-week returns that followed.
    Backtest {
        /// note.toml (default: the bundled sample).
        config: Option<PathBuf>,
        /// First week end to print (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        from: Option<NaiveDate>,
        /// Last week end to print (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        to: Option<NaiveDate>,
    },
    /// Validate config and data; print a data-quality report. Exit 2 when unusable.
    Check {
        /// note.toml (default: the bundled sample).
        config: Option<PathBuf>,
    },
    /// Write a starter note.toml and the default templates into DIR.
    Init {
        /// Folder to create (must be empty or absent).
        dir: PathBuf,
    },
    /// One note per symbol of a manifest, plus an index page.
    Batch {
        /// Manifest (TOML or CSV).
        manifest: PathBuf,
        /// Output folder (one folder per symbol and an index; not with --site).
        #[arg(short, long, value_name = "DIR", required_unless_present = "site", conflicts_with = "site")]
        output: Option<PathBuf>,
        /// Publish into this site folder instead: `DIR/<SYMBOL>/<AS-OF>/`, each note with "Since the
        /// Last Note" against the latest earlier one there, then the site's pages.
        #[arg(long, value_name = "DIR")]
        site: Option<PathBuf>,
        /// Worker threads (default: all cores).
        #[arg(short = 'j', long)]
        jobs: Option<usize>,
        /// Only this shard of the manifest: K/N, 1-based.
        #[arg(long, value_name = "K/N")]
        shard: Option<String>,
        /// Skip the base rates and the track record (as `render --no-base-rates`); by default
        /// each note computes them exactly as `render` does, so both give one stance and conviction.
        #[arg(long)]
        no_base_rates: bool,
        /// Accepted for compatibility: base rates are now on by default.
        #[arg(long, hide = true)]
        base_rates: bool,
        /// Use no data after this date (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        as_of: Option<NaiveDate>,
    },
    /// Publish a note into a site folder (`DIR/<SYMBOL>/<AS-OF>/`) with "Since the Last Note"
    /// against the latest earlier note there, then rebuild the site's pages and feed.
    Publish(PublishArgs),
    /// Rebuild a site's pages (index.html, <SYMBOL>/index.html, feed.xml) from its note folders.
    Site {
        /// The site folder.
        dir: PathBuf,
        /// Set the URL the site is served at (kept in DIR/.marketnote-site for later rebuilds).
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
    },
}

/// Arguments of `publish`.
#[derive(Debug, clap::Args, Default)]
pub struct PublishArgs {
    /// note.toml (default: the bundled sample).
    pub config: Option<PathBuf>,
    /// The site folder (created when absent).
    #[arg(long, value_name = "DIR")]
    pub site: PathBuf,
    /// Use no data after this date (YYYY-MM-DD); the note goes to the folder of the last session
    /// on or before it.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<NaiveDate>,
    /// Comma-separated formats: md,html,pdf,json (json is always written: the site is built from it).
    #[arg(long, value_name = "LIST")]
    pub format: Option<String>,
    /// Chart and HTML theme.
    #[arg(long, value_enum)]
    pub theme: Option<Theme>,
    /// Folder of templates overriding the embedded ones (same file names).
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Skip the base rates.
    #[arg(long)]
    pub no_base_rates: bool,
}

/// Arguments of `render`.
#[derive(Debug, clap::Args, Default)]
pub struct RenderArgs {
    /// note.toml (default: the bundled sample).
    pub config: Option<PathBuf>,
    /// Output folder (default: ./marketnote-out).
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Use no data after this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<NaiveDate>,
    /// Comma-separated formats: md,html,pdf,json (default: the config's).
    #[arg(long, value_name = "LIST")]
    pub format: Option<String>,
    /// Chart and HTML theme.
    #[arg(long, value_enum)]
    pub theme: Option<Theme>,
    /// Folder of templates overriding the embedded ones (same file names).
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// A previous output folder: adds a "Since the last note" section.
    #[arg(long, value_name = "DIR")]
    pub previous: Option<PathBuf>,
    /// Skip the base rates (the point-in-time re-evaluation over the whole history, most of a
    /// render's time).
    #[arg(long)]
    pub no_base_rates: bool,
}
