//! Publishing a weekly series (issue 17): notes go to `SITE/<SYMBOL>/<AS-OF>/` (the folder
//! `render` writes, through the same atomic writer), each with "Since the Last Note" against the
//! latest earlier note of its symbol in the site, and the site's pages are rebuilt from the note
//! folders' `signals.json` alone:
//!
//! - `SITE/index.html`: the latest note of every symbol (stance, score, change, lead, sparkline);
//! - `SITE/<SYMBOL>/index.html`: every note of the series, newest first, with a score and close
//!   chart over stance bands;
//! - `SITE/feed.xml`: Atom 1.0, one entry per note.
//!
//! The folders are the only state (plus the optional base URL kept in the `.marketnote-site`
//! marker), so shards published on different machines merge by copying folders and running
//! `marketnote site SITE`. Same folders, same bytes.

pub mod feed;
pub mod pages;
pub mod scan;

use crate::chart::Chart;
use crate::cli::PublishArgs;
use crate::config::{Format, NoteConfig};
use crate::error::{Error, Result};
use crate::pipeline;
use crate::report::{self, RenderOptions, Templates};
use crate::Analysis;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The marker file of a site folder; it also keeps the site's base URL for `marketnote site`.
pub const MARKER: &str = ".marketnote-site";
const MARKER_HEAD: &str = "# This folder is a marketnote site: notes in <SYMBOL>/<AS-OF>/, pages rebuilt from them by\n\
                           # `marketnote publish` and `marketnote site`. Keep this file when copying the site.\n";

/// The marker's content.
#[derive(Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct MarkerFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    base_url: Option<String>,
}

fn out_err(p: &Path, e: impl std::fmt::Display) -> Error {
    Error::Output { path: p.to_path_buf(), message: e.to_string() }
}

/// Checks a `[site] base_url`: an absolute `http://` or `https://` URL with a host, without
/// spaces, quotes, `<`, `>`, a query or a fragment. Returns the problem as a sentence.
pub fn check_base_url(url: &str) -> std::result::Result<(), String> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")).ok_or_else(|| {
        format!(
            "`{}`: expected an absolute http:// or https:// URL such as https://example.org/notes/",
            url.escape_debug()
        )
    })?;
    if rest.is_empty() || rest.starts_with('/') {
        return Err(format!("`{}`: the URL has no host", url.escape_debug()));
    }
    if let Some(c) = url
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>' | '\\' | '`'))
    {
        return Err(format!("`{}` contains {c:?}", url.escape_debug()));
    }
    if url.contains(['?', '#']) {
        return Err(format!("`{}`: a base URL has no query or fragment", url.escape_debug()));
    }
    Ok(())
}

/// The base URL with exactly one trailing slash.
fn normalise_base(url: &str) -> String {
    format!("{}/", url.trim_end_matches('/'))
}

/// Checks that a ticker can name a series folder of a site: the batch rules
/// ([`crate::batch::validate_symbol`]) and not `feed.xml`.
pub fn check_symbol(symbol: &str) -> std::result::Result<(), String> {
    crate::batch::validate_symbol(symbol)?;
    if symbol.eq_ignore_ascii_case("feed.xml") {
        return Err(format!("`{symbol}` would collide with the site's feed"));
    }
    Ok(())
}

/// Percent-encodes one URL path segment (keeps letters, digits and `-._~`), so a ticker such as
/// `^GSPC` links correctly from the file system and from a web server.
pub fn url_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// What a published note's HTML head and top bar get (see `templates/note.html.tera`): links
/// relative to the note folder, absolute ones only from the base URL.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NoteHead {
    /// The ticker.
    pub symbol: String,
    /// The site's front page, relative (`../../index.html`).
    pub home: String,
    /// The series page, relative (`../index.html`).
    pub series: String,
    /// The Atom feed, relative (`../../feed.xml`).
    pub feed: String,
    /// The feed's title.
    pub feed_title: String,
    /// The note's absolute URL, with a base URL.
    pub canonical: Option<String>,
    /// Open Graph / Twitter card values, with a base URL.
    pub social: Option<Social>,
}

/// Open Graph / Twitter card values of a note.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Social {
    /// The note's title.
    pub title: String,
    /// The lead, as the description.
    pub description: String,
    /// The note's absolute URL.
    pub url: String,
    /// The weekly chart's absolute URL.
    pub image: String,
    /// The image's alt text.
    pub image_alt: String,
}

/// The title of the site's pages and feed.
pub const SITE_TITLE: &str = "marketnote: weekly notes";

/// A site folder opened for writing.
#[derive(Debug, Clone)]
pub struct Site {
    /// The folder.
    pub dir: PathBuf,
    /// Its base URL with one trailing slash, when known.
    pub base_url: Option<String>,
}

fn read_marker(dir: &Path) -> Result<Option<MarkerFile>> {
    let p = dir.join(MARKER);
    if !p.is_file() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&p).map_err(|e| out_err(&p, e))?;
    let m: MarkerFile =
        toml::from_str(&text).map_err(|e| Error::config(&p, "(file)", one_line(&e.to_string())))?;
    if let Some(u) = &m.base_url {
        check_base_url(u).map_err(|msg| Error::config(&p, "base_url", msg))?;
    }
    Ok(Some(m))
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Site {
    /// Opens (creating when absent) a site folder for publishing: it must be absent, empty, or
    /// hold the site marker (anything else is refused, exit 2). `base_url` (from the config or
    /// the command line) replaces the one kept in the marker; without it the kept one is used.
    pub fn open(dir: &Path, base_url: Option<&str>) -> Result<Site> {
        if dir.exists() && !dir.is_dir() {
            return Err(Error::Usage(format!("site {} exists and is not a folder", dir.display())));
        }
        let marker = read_marker(dir)?;
        if marker.is_none() && dir.is_dir() {
            let mut it = std::fs::read_dir(dir).map_err(|e| out_err(dir, e))?;
            if it.next().is_some() {
                return Err(Error::Usage(format!(
                    "site {} is a non-empty folder that is not a marketnote site (no {MARKER} file); \
                     refusing to write into it: choose another --site folder or empty it",
                    dir.display()
                )));
            }
        }
        if let Some(u) = base_url {
            check_base_url(u).map_err(|m| Error::Usage(format!("base URL {m}")))?;
        }
        let kept = marker.as_ref().and_then(|m| m.base_url.clone());
        let base = base_url.map(str::to_string).or(kept);
        let want = MarkerFile { base_url: base.clone() };
        if marker.as_ref() != Some(&want) {
            std::fs::create_dir_all(dir).map_err(|e| out_err(dir, e))?;
            let body = toml::to_string(&want).map_err(|e| Error::Internal(format!("site marker: {e}")))?;
            write_atomic(&dir.join(MARKER), format!("{MARKER_HEAD}{body}").as_bytes())?;
        }
        Ok(Site { dir: dir.to_path_buf(), base_url: base.as_deref().map(normalise_base) })
    }

    /// Opens an existing site for `marketnote site` (the marker must be there).
    pub fn existing(dir: &Path, base_url: Option<&str>) -> Result<Site> {
        if !dir.is_dir() {
            return Err(Error::Usage(format!("site {} is not a folder", dir.display())));
        }
        if read_marker(dir)?.is_none() {
            return Err(Error::Usage(format!(
                "{} is not a marketnote site (no {MARKER} file): publish into it first, or copy the \
                 shards' folders including their {MARKER}",
                dir.display()
            )));
        }
        Site::open(dir, base_url)
    }

    /// The folder of a symbol's note as of a date.
    pub fn note_dir(&self, symbol: &str, as_of: NaiveDate) -> PathBuf {
        self.dir.join(symbol).join(as_of.to_string())
    }

    /// Sets `a.since_last` from the latest note of the same symbol in the site dated before
    /// `a.as_of` (none: the note has no "Since the Last Note"). A note of the same date is not
    /// its own predecessor, so republishing a date compares with the one before it.
    /// The symbol must be able to name a series folder ([`check_symbol`]; exit 2 otherwise).
    pub fn attach_previous(&self, a: &mut Analysis) -> Result<()> {
        let symbol = &a.dataset.instrument.symbol;
        check_symbol(symbol).map_err(|m| Error::Usage(format!("symbol {m}")))?;
        let sym_dir = self.dir.join(symbol);
        let prev = scan::note_dates(&sym_dir)?.into_iter().filter(|d| *d < a.as_of).max();
        if let Some(d) = prev {
            let p = crate::since::load_previous(&sym_dir.join(d.to_string()))?;
            a.since_last = Some(crate::since::compare(&p, a)?);
        }
        Ok(())
    }

    /// The head links and social tags of a note of this site.
    pub fn note_head(&self, symbol: &str, as_of: NaiveDate, title: &str, lead: &str) -> NoteHead {
        let folder = format!("{}/{as_of}/", url_segment(symbol));
        let canonical = self.base_url.as_ref().map(|b| format!("{b}{folder}note.html"));
        let social = self.base_url.as_ref().map(|b| Social {
            title: format!("{} ({as_of})", scan::display_title(symbol, title)),
            description: lead.to_string(),
            url: format!("{b}{folder}note.html"),
            image: format!("{b}{folder}charts/weekly.png"),
            image_alt: format!("{symbol} weekly chart as of {as_of}"),
        });
        NoteHead {
            symbol: symbol.to_string(),
            home: "../../index.html".into(),
            series: "../index.html".into(),
            feed: "../../feed.xml".into(),
            feed_title: SITE_TITLE.into(),
            canonical,
            social,
        }
    }

    /// Builds a note's files with this site's head (title and lead read from the note's own
    /// signals.json document, as the pages read them).
    pub fn build_note(
        &self,
        tpl: &Templates,
        a: &Analysis,
        charts: &[Chart],
        opts: &RenderOptions,
    ) -> Result<report::Outputs> {
        let doc = report::signals_document(a);
        let file = self.note_dir(&a.dataset.instrument.symbol, a.as_of).join("signals.json");
        let entry = scan::NoteEntry::from_doc(&doc, &file)?;
        let head = self.note_head(&entry.symbol, a.as_of, &entry.title, &entry.lead);
        report::build_with_head(tpl, a, charts, opts, Some(&head))
    }

    /// Rebuilds `index.html`, every `<SYMBOL>/index.html` and `feed.xml` from the note folders;
    /// returns the paths written (sorted).
    pub fn rebuild(&self) -> Result<Vec<PathBuf>> {
        let series = scan::scan(&self.dir)?;
        let files = pages::render_all(&series, self.base_url.as_deref())?;
        let mut written = Vec::with_capacity(files.len());
        for (rel, bytes) in files {
            let p = self.dir.join(&rel);
            write_atomic(&p, &bytes)?;
            written.push(p);
        }
        written.sort();
        Ok(written)
    }
}

/// Writes one file atomically: a temporary file beside it, then a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|e| out_err(&parent, e))?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    let tmp = parent.join(format!(".{name}.tmp-{}-{nanos}", std::process::id()));
    if let Err(e) = std::fs::write(&tmp, bytes) {
        let _ = std::fs::remove_file(&tmp);
        return Err(out_err(&tmp, e));
    }
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        out_err(path, e)
    })
}

/// `marketnote publish CONFIG --site DIR [--as-of D]`: renders the note into
/// `DIR/<SYMBOL>/<AS-OF>/` (replacing a note of that date atomically, leaving every other note
/// untouched) with "Since the Last Note" against the latest earlier note in the site, then
/// rebuilds the site's pages. Prints the paths written.
pub fn publish(args: PublishArgs) -> Result<()> {
    let cfg_path = args.config.clone().unwrap_or_else(crate::default_config_path);
    let cfg = NoteConfig::load(&cfg_path)?;
    let symbol = cfg.instrument.symbol.clone();
    check_symbol(&symbol).map_err(|m| Error::config(&cfg.path, "instrument.symbol", m))?;
    let mut formats = match &args.format {
        Some(list) => report::cli::parse_formats(list)?,
        None => cfg.output.formats.clone(),
    };
    if !formats.contains(&Format::Json) {
        formats.push(Format::Json);
        formats.sort();
    }
    let theme = args.theme.unwrap_or(cfg.output.theme);
    let tpl = Templates::load(args.templates.as_deref())?;
    let site = Site::open(&args.site, cfg.site.base_url.as_deref())?;
    let dataset = pipeline::load(&cfg)?;
    let (mut a, charts) =
        pipeline::analyze_and_charts(&cfg, dataset, args.as_of, !args.no_base_rates, theme)?;
    pipeline::history(&mut a, pipeline::Previous::Site(&site))?;
    let opts = RenderOptions { formats, theme, templates: None };
    let outputs = pipeline::build(&tpl, &a, &charts, &opts, Some(&site))?;
    let mut written = pipeline::write(&site.note_dir(&symbol, a.as_of), &outputs)?;
    written.extend(site.rebuild()?);
    for p in written {
        println!("{}", p.display());
    }
    Ok(())
}

/// `marketnote batch MANIFEST --site DIR`: every symbol published into the site (see
/// [`crate::batch::run_manifest_in`]), then the site's pages.
pub fn batch(manifest: &Path, dir: &Path, opts: &crate::batch::Options) -> Result<()> {
    // The shared settings decide the base URL (`[defaults] site.base_url`), as for every note.
    let m = crate::batch::Manifest::load(manifest)?;
    let shared = m.shared_config()?;
    let site = Site::open(dir, shared.site.base_url.as_deref())?;
    crate::batch::run_in(manifest, opts, Some(&site))
}

/// `marketnote site DIR [--base-url URL]`: rebuilds the pages of an existing site.
pub fn rebuild_command(dir: &Path, base_url: Option<&str>) -> Result<()> {
    let site = Site::existing(dir, base_url)?;
    for p in site.rebuild()? {
        println!("{}", p.display());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_checked() {
        assert!(check_base_url("https://example.org/notes/").is_ok());
        assert!(check_base_url("http://localhost:8000").is_ok());
        for bad in [
            "example.org",
            "ftp://x",
            "https://",
            "https:///x",
            "https://a b",
            "https://x/\"",
            "https://x/?q",
        ] {
            assert!(check_base_url(bad).is_err(), "{bad}");
        }
        assert_eq!(normalise_base("https://x/notes//"), "https://x/notes/");
    }

    #[test]
    fn segments_are_percent_encoded() {
        assert_eq!(url_segment("^GSPC"), "%5EGSPC");
        assert_eq!(url_segment("EURUSD=X"), "EURUSD%3DX");
        assert_eq!(url_segment("BRK.B"), "BRK.B");
        assert!(check_symbol("feed.XML").is_err());
        assert!(check_symbol("../x").is_err());
    }

    #[test]
    fn foreign_folders_are_refused_and_the_marker_keeps_the_base_url() {
        let t = tempfile::tempdir().unwrap();
        let foreign = t.path().join("f");
        std::fs::create_dir(&foreign).unwrap();
        std::fs::write(foreign.join("index.html"), "mine").unwrap();
        assert_eq!(Site::open(&foreign, None).unwrap_err().exit_code(), 2);
        assert_eq!(Site::existing(&foreign, None).unwrap_err().exit_code(), 2);
        assert_eq!(std::fs::read_to_string(foreign.join("index.html")).unwrap(), "mine");

        let d = t.path().join("s");
        let s = Site::open(&d, Some("https://example.org/n")).unwrap();
        assert_eq!(s.base_url.as_deref(), Some("https://example.org/n/"));
        let again = Site::existing(&d, None).unwrap();
        assert_eq!(again.base_url.as_deref(), Some("https://example.org/n/"));
        assert_eq!(Site::open(&d, Some("nope")).unwrap_err().exit_code(), 2);
    }
}
