//! The note pipeline as one flat list of stages, each a function with typed input and output:
//!
//! 1. [`load`]: config → [`Dataset`] (the only stage that reads input files);
//! 2. [`analyze`]: dataset → [`Analysis`] (signals, stance, checklist; with base rates and the
//!    track record unless skipped);
//! 3. [`history`]: adds "Since the last note" from a previous note ([`Previous`]);
//! 4. [`charts`]: analysis → [`Chart`]s (PNG, and SVG when configured);
//! 5. [`build`]: analysis + charts → [`Outputs`] (the narrative is written here, by
//!    `report::build_view`; md, html, pdf and json are rendered to bytes);
//! 6. [`write`]: outputs → files, swapped in atomically by `report::write`.
//!
//! `render`, `publish` and `batch` run these stages in this order (batch loads through its
//! shared cache instead of [`load`], so one file read serves every symbol). `render` and
//! `publish` run stages 2 and 4 as [`analyze_and_charts`], the history walk beside the charts.

use crate::chart::Chart;
use crate::config::{NoteConfig, Theme};
use crate::data::Dataset;
use crate::error::Result;
use crate::report::{Outputs, RenderOptions, Templates};
use crate::since::PreviousNote;
use crate::site::Site;
use crate::Analysis;
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

/// Stage 1: loads every input the config names (see [`crate::data::load`]).
pub fn load(cfg: &NoteConfig) -> Result<Dataset> {
    crate::data::load(cfg)
}

/// Stage 2: the analysis as of `as_of` (None: the config's, else the last session). With
/// `base_rates`, also the base rates and the stance's track record ([`crate::analyze_note`]);
/// without, [`crate::analyze`] only.
pub fn analyze(
    cfg: &NoteConfig,
    dataset: Dataset,
    as_of: Option<NaiveDate>,
    base_rates: bool,
) -> Result<Analysis> {
    if base_rates {
        crate::analyze_note(cfg, dataset, as_of)
    } else {
        crate::analyze(cfg, dataset, as_of)
    }
}

/// Stages 2 and 4 together, the same analysis and charts as [`analyze`] then [`charts`] (same
/// bytes), in less wall time, each chart drawn once. With `base_rates`:
/// - a neutral stance (or one the record check does not read, `record_check = false`) does not
///   change after the walk: the history walk, its track record and the `track` chart run beside
///   every other chart (which read nothing the walk adds: not the base rates, the track record
///   or the conviction it tempers);
/// - a long or short may be held at Neutral by its own record (SIGNALS.md §5, override 6), with a
///   Neutral note's levels, which the price charts mark and the macro panels are coloured by; only
///   the walk tells. The walk runs first (its week ends in parallel), then every chart, the
///   `track` chart with them, from the stance the note publishes.
///
/// Stage 3 ([`history`]) may run after this: no chart reads "Since the last note".
pub fn analyze_and_charts(
    cfg: &NoteConfig,
    dataset: Dataset,
    as_of: Option<NaiveDate>,
    base_rates: bool,
    theme: Theme,
) -> Result<(Analysis, Vec<Chart>)> {
    let mut a = crate::analyze(cfg, dataset, as_of)?;
    if !base_rates {
        let c = charts(&a, theme)?;
        return Ok((a, c));
    }
    if crate::analysis::record_check_applies(&a) {
        let walk = crate::history::walk(&a);
        let tr = crate::analysis::track_record_of(&a, &walk);
        crate::analysis::add_history(&mut a, &walk, tr);
        drop(walk);
        let c = charts(&a, theme)?;
        return Ok((a, c));
    }
    let ((walk, tr, track), drawn) = rayon::join(
        || {
            let walk = crate::history::walk(&a);
            let tr = crate::analysis::track_record_of(&a, &walk);
            let track = crate::chart::render_track(&a, &tr, theme, &a.config.output.charts);
            (walk, tr, track)
        },
        || charts(&a, theme),
    );
    let before = (a.stance.stance, a.stance.invalidation.clone());
    crate::analysis::add_history(&mut a, &walk, tr);
    if (a.stance.stance, &a.stance.invalidation) != (before.0, &before.1) {
        // Not reached (only the record check changes the stance or its levels, and it did not
        // apply); kept so a future rule that does cannot publish charts of another stance.
        let c = charts(&a, theme)?;
        return Ok((a, c));
    }
    let mut drawn = drawn?;
    if let Some(t) = track? {
        crate::chart::insert_track(&mut drawn, t);
    }
    Ok((a, drawn))
}

/// Where "Since the last note" compares from.
#[derive(Clone, Copy)]
pub enum Previous<'a> {
    /// No comparison.
    None,
    /// A previous note's signals.json, already read (`render --previous`).
    Note(&'a PreviousNote),
    /// The latest earlier note of the same symbol in a site (`publish`, `batch --site`).
    Site(&'a Site),
}

/// Stage 3: fills `a.since_last` from the previous note, if any.
pub fn history(a: &mut Analysis, previous: Previous) -> Result<()> {
    match previous {
        Previous::None => Ok(()),
        Previous::Note(p) => {
            a.since_last = Some(crate::since::compare(p, a)?);
            Ok(())
        }
        Previous::Site(s) => s.attach_previous(a),
    }
}

/// Stage 4: every chart of the note in `theme`, sized by the analysis' `[output.charts]`.
pub fn charts(a: &Analysis, theme: Theme) -> Result<Vec<Chart>> {
    crate::chart::render_all(a, theme, &a.config.output.charts)
}

/// Stage 5: every output file in memory. With a site, the HTML head carries the site's links
/// and social tags.
pub fn build(
    tpl: &Templates,
    a: &Analysis,
    charts: &[Chart],
    opts: &RenderOptions,
    site: Option<&Site>,
) -> Result<Outputs> {
    match site {
        Some(s) => s.build_note(tpl, a, charts, opts),
        None => crate::report::build_with(tpl, a, charts, opts),
    }
}

/// Stage 6: writes the outputs into `dir` atomically; returns the paths written.
pub fn write(dir: &Path, outputs: &Outputs) -> Result<Vec<PathBuf>> {
    crate::report::write(dir, outputs)
}
