//! The `render` and `init` commands: command-line arguments in, files on disk and the list of
//! paths written on stdout.

use super::{templates, write, RenderOptions};
use crate::cli::RenderArgs;
use crate::config::{Format, NoteConfig};
use crate::error::{Error, Result};
use crate::pipeline::{self, Previous};
use std::path::{Path, PathBuf};

/// Default output folder of `render`.
pub const DEFAULT_OUTPUT: &str = "marketnote-out";

/// Parses `md,html,pdf,json` (duplicates removed, order normalised).
pub fn parse_formats(list: &str) -> Result<Vec<Format>> {
    let mut v = Vec::new();
    for part in list.split(',').filter(|p| !p.trim().is_empty()) {
        let f: Format = part.parse().map_err(|e: String| Error::Usage(format!("--format: {e}")))?;
        if !v.contains(&f) {
            v.push(f);
        }
    }
    if v.is_empty() {
        return Err(Error::Usage("--format: expected at least one of md, html, pdf, json".into()));
    }
    v.sort();
    Ok(v)
}

/// `marketnote render`: config → data → analysis → charts → files, written atomically.
pub fn render(args: RenderArgs) -> Result<()> {
    let cfg_path = args.config.clone().unwrap_or_else(crate::default_config_path);
    let cfg = NoteConfig::load(&cfg_path)?;
    if let Some(b) = cfg.benchmark.as_ref().filter(|b| b.symbol.eq_ignore_ascii_case(&cfg.instrument.symbol))
    {
        return Err(Error::config(
            &cfg_path,
            "benchmark.symbol",
            format!(
                "`{}` is the instrument itself: a note compares the instrument with a different benchmark \
                 (name another symbol, or remove [benchmark] for a note without the relative part)",
                b.symbol
            ),
        ));
    }
    let formats = match &args.format {
        Some(list) => parse_formats(list)?,
        None => cfg.output.formats.clone(),
    };
    let theme = args.theme.unwrap_or(cfg.output.theme);
    let out = args.output.clone().unwrap_or_else(|| PathBuf::from(DEFAULT_OUTPUT));

    // Fail fast, before the expensive work, on everything that does not depend on the data.
    write::check_target(&out)?;
    let tpl = templates::Templates::load(args.templates.as_deref())?;
    // Read before anything is written: `--previous` may name the output folder itself.
    let previous = args.previous.as_deref().map(crate::since::load_previous).transpose()?;

    let dataset = pipeline::load(&cfg)?;
    let (mut analysis, charts) =
        pipeline::analyze_and_charts(&cfg, dataset, args.as_of, !args.no_base_rates, theme)?;
    pipeline::history(&mut analysis, previous.as_ref().map_or(Previous::None, Previous::Note))?;
    let opts = RenderOptions { formats, theme, templates: args.templates.clone() };
    let outputs = pipeline::build(&tpl, &analysis, &charts, &opts, None)?;
    let written = pipeline::write(&out, &outputs)?;
    for p in written {
        println!("{}", p.display());
    }
    Ok(())
}

/// The starter config written by `init` (the bundled sample, with its data).
const STARTER_TOML: &str = include_str!("../../samples/iwm.toml");
/// Sample data written by `init` next to the starter config.
const STARTER_DATA: &[(&str, &[u8])] = &[
    ("IWM.csv", include_bytes!("../../samples/data/IWM.csv")),
    ("SPY.csv", include_bytes!("../../samples/data/SPY.csv")),
    ("FEDFUNDS.csv", include_bytes!("../../samples/data/FEDFUNDS.csv")),
    ("DGS2.csv", include_bytes!("../../samples/data/DGS2.csv")),
    ("CPIAUCSL.csv", include_bytes!("../../samples/data/CPIAUCSL.csv")),
    ("CPILFESL.csv", include_bytes!("../../samples/data/CPILFESL.csv")),
    ("UNRATE.csv", include_bytes!("../../samples/data/UNRATE.csv")),
    ("BAMLH0A0HYM2.csv", include_bytes!("../../samples/data/BAMLH0A0HYM2.csv")),
];

fn out_err(p: &Path, e: impl std::fmt::Display) -> Error {
    Error::Output { path: p.to_path_buf(), message: e.to_string() }
}

/// `marketnote init DIR`: a starter note.toml (with the sample data it points at) and the
/// default templates to edit. DIR must be absent or empty.
pub fn init(dir: &Path) -> Result<()> {
    if std::fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink()) && !dir.exists() {
        return Err(Error::Usage(format!(
            "init: {} is a symbolic link to a missing folder (or a link loop); remove the link or \
             choose another folder",
            dir.display()
        )));
    }
    if dir.exists() {
        if !dir.is_dir() {
            return Err(Error::Usage(format!("init: {} exists and is not a folder", dir.display())));
        }
        let mut it = std::fs::read_dir(dir).map_err(|e| out_err(dir, e))?;
        if it.next().is_some() {
            return Err(Error::Usage(format!("init: {} is not empty; choose a new folder", dir.display())));
        }
    }
    let mut files: Vec<(PathBuf, &[u8])> = Vec::new();
    let header = "# marketnote starter config. Render it with:\n\
                  #   marketnote render note.toml -o out --templates templates\n\
                  # Replace the files under data/ with your own (Yahoo, Stooq, TradingView or FRED CSVs).\n";
    let toml = format!("{header}{STARTER_TOML}");
    let toml_path = dir.join("note.toml");
    for (name, bytes) in STARTER_DATA {
        files.push((dir.join("data").join(name), bytes));
    }
    for (name, text) in templates::EMBEDDED {
        files.push((dir.join("templates").join(name), text.as_bytes()));
    }
    std::fs::create_dir_all(dir.join("data")).map_err(|e| out_err(dir, e))?;
    std::fs::create_dir_all(dir.join("templates")).map_err(|e| out_err(dir, e))?;
    std::fs::write(&toml_path, toml.as_bytes()).map_err(|e| out_err(&toml_path, e))?;
    println!("{}", toml_path.display());
    for (p, bytes) in files {
        std::fs::write(&p, bytes).map_err(|e| out_err(&p, e))?;
        println!("{}", p.display());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse_and_dedupe() {
        assert_eq!(parse_formats("html, md,md").unwrap(), vec![Format::Md, Format::Html]);
        assert_eq!(parse_formats("docx").unwrap_err().exit_code(), 2);
        assert_eq!(parse_formats(",").unwrap_err().exit_code(), 2);
    }

    #[test]
    fn init_writes_a_config_that_loads_and_refuses_non_empty() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path().join("n");
        init(&d).unwrap();
        NoteConfig::load(&d.join("note.toml")).unwrap();
        assert!(d.join("templates/note.md.tera").is_file());
        templates::Templates::load(Some(&d.join("templates"))).unwrap();
        assert_eq!(init(&d).unwrap_err().exit_code(), 2);
    }
}
