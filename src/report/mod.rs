//! Report: an [`Analysis`](crate::Analysis) and its charts in, the note's files out: note.md,
//! note.html, note.pdf and signals.json, written atomically. The only module that writes output.
//!
//! Pure from I/O: [`build`] renders every file in memory (the PDF is typeset in-process by
//! [`pdf`]); [`write()`] puts them on disk (a temp folder beside the target, renamed into place).

pub mod batch_index;
pub mod cli;
#[doc(hidden)]
pub mod demo;
pub mod html;
pub mod markup;
pub mod pdf;
pub mod templates;
pub mod view;
pub mod write;

use crate::chart::Chart;
use crate::config::{Format, Theme};
use crate::error::{Error, Result};
use crate::Analysis;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The heading that opens the back matter (Data and Method, then the disclaimer), as the note
/// template `_method.md.tera` writes it: the glossary reads the body before it, and the PDF sets
/// everything from it on in the smaller back-matter type ([`pdf`]'s `back_matter`).
pub(crate) const METHOD_HEADING: &str = "## Data and Method";

pub use templates::Templates;
pub use view::{build_view, NoteView};
pub use write::write;

/// What to render.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// Formats to write (charts are always written; md links them).
    pub formats: Vec<Format>,
    /// HTML theme (`dark` forces the dark palette; `light` follows the reader's preference).
    pub theme: Theme,
    /// A folder whose files override the embedded templates of the same name.
    pub templates: Option<PathBuf>,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            formats: vec![Format::Md, Format::Html, Format::Json],
            theme: Theme::Light,
            templates: None,
        }
    }
}

/// Every output file, in memory.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outputs {
    /// Path relative to the output folder (`note.md`, `note.pdf`, `charts/weekly.png`) → bytes.
    pub files: BTreeMap<String, Vec<u8>>,
}

impl Outputs {
    /// A file's bytes as text, if present and UTF-8.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.files.get(name).and_then(|b| std::str::from_utf8(b).ok())
    }
}

/// The signals.json document (the same document `marketnote signals --json` prints).
pub fn signals_document(a: &Analysis) -> serde_json::Value {
    crate::document::document(a)
}

/// The input manifest embedded in the PDF: generator, as-of date, instrument, config file name
/// and every input file (role, file name, format, size in bytes, rows, date range, SHA-256).
pub fn input_manifest(a: &Analysis) -> serde_json::Value {
    serde_json::json!({
        "schema": 1,
        "generator": crate::document::generator(),
        "as_of": a.as_of.to_string(),
        "instrument": a.dataset.instrument.symbol,
        "config_file": a.config.path.file_name().map(|f| f.to_string_lossy().into_owned()),
        "inputs": a.dataset.quality.iter().map(|q| serde_json::json!({
            "role": q.role,
            "file": q.path.file_name().map(|f| f.to_string_lossy().into_owned()),
            "format": q.format,
            "bytes": q.bytes,
            "rows": q.rows,
            "first": q.first.map(|d| d.to_string()),
            "last": q.last.map(|d| d.to_string()),
            "sha256": q.sha256,
        })).collect::<Vec<_>>(),
    })
}

fn pretty_json(v: &serde_json::Value, what: &str) -> Result<Vec<u8>> {
    let mut json =
        serde_json::to_vec_pretty(v).map_err(|e| Error::Internal(format!("serialising {what}: {e}")))?;
    json.push(b'\n');
    Ok(json)
}

/// Renders every output file in memory. Deterministic: same analysis, charts and options give
/// the same bytes.
pub fn build(a: &Analysis, charts: &[Chart], opts: &RenderOptions) -> Result<Outputs> {
    let tpl = Templates::load(opts.templates.as_deref())?;
    build_with(&tpl, a, charts, opts)
}

/// Like [`build`] with templates already loaded (`opts.templates` is ignored): `batch` compiles
/// the templates once and renders every note with them.
pub fn build_with(tpl: &Templates, a: &Analysis, charts: &[Chart], opts: &RenderOptions) -> Result<Outputs> {
    build_with_head(tpl, a, charts, opts, None)
}

/// Like [`build_with`], with a published note's site links and social tags in the HTML head
/// (`marketnote publish`; None renders exactly what [`build_with`] renders).
pub fn build_with_head(
    tpl: &Templates,
    a: &Analysis,
    charts: &[Chart],
    opts: &RenderOptions,
    head: Option<&crate::site::NoteHead>,
) -> Result<Outputs> {
    let want = |f: Format| opts.formats.contains(&f);
    // The page (view, markdown, HTML) and the rest (signals.json, the charts' files, the PDF's
    // charts) read only `a` and `charts`: built side by side on rayon's threads. Errors keep their order (the
    // page's first, as when built one after the other).
    let (page, rest) = rayon::join(
        || -> Result<(NoteView, String, Option<String>)> {
            let mut view = build_view(a, charts);
            // The glossary explains only the terms the body uses: read them from the rendered
            // body, then render once more with the glossary.
            let first = tpl.render_md(&view)?;
            view.glossary = crate::narrative::glossary(first.split(METHOD_HEADING).next().unwrap_or(""));
            let md = tidy_markdown(&if view.glossary.is_empty() { first } else { tpl.render_md(&view)? });
            let page = match want(Format::Html) {
                true => Some(render_page(tpl, &view, &md, charts, opts.theme, head)?),
                false => None,
            };
            Ok((view, md, page))
        },
        || -> Result<Beside> {
            let mut files = BTreeMap::new();
            for c in charts {
                files.insert(format!("charts/{}.png", c.name), c.png.clone());
                if let Some(svg) = &c.svg {
                    files.insert(format!("charts/{}.svg", c.name), svg.as_bytes().to_vec());
                }
            }
            let json = if want(Format::Json) || want(Format::Pdf) {
                Some(pretty_json(&signals_document(a), "signals.json")?)
            } else {
                None
            };
            // Charts laid out for the PDF's text width (text ≥ 7 pt there), not the HTML column's.
            let pdf_charts = match want(Format::Pdf) && !charts.is_empty() {
                true => crate::chart::render_pdf(a, opts.theme)?,
                false => Vec::new(),
            };
            Ok(Beside { files, json, pdf_charts })
        },
    );
    let (view, md, page) = page?;
    let Beside { mut files, json, pdf_charts } = rest?;
    if let Some(page) = page {
        files.insert("note.html".into(), page.into_bytes());
    }
    if want(Format::Pdf) {
        let manifest = pretty_json(&input_manifest(a), "the input manifest")?;
        // The layout pass may draw a chart a little taller or shorter to fill a page.
        let redraw = |name: &str, ratio: f64| crate::chart::render_pdf_chart(a, opts.theme, name, ratio);
        let bytes = pdf::render(&pdf::PdfNote {
            markdown: &md,
            charts: if pdf_charts.is_empty() { charts } else { &pdf_charts },
            symbol: &view.instrument.symbol,
            name: &view.instrument.name,
            title: &view.title,
            as_of: a.as_of,
            signals_json: json.as_deref().unwrap_or_default(),
            manifest_json: &manifest,
            paper: a.config.output.paper,
            author: a.config.output.author.as_deref().unwrap_or_default(),
            redraw: (!pdf_charts.is_empty()).then_some(pdf::Redraw(&redraw)),
        })?;
        files.insert("note.pdf".into(), bytes);
    }
    if want(Format::Md) {
        files.insert("note.md".into(), md.into_bytes());
    }
    if let (true, Some(json)) = (want(Format::Json), json) {
        files.insert("signals.json".into(), json);
    }
    Ok(Outputs { files })
}

/// What [`build_with_head`] builds beside the page: the charts' files, signals.json (also when
/// only the PDF embeds it) and the PDF's charts.
struct Beside {
    files: BTreeMap<String, Vec<u8>>,
    json: Option<Vec<u8>>,
    pdf_charts: Vec<Chart>,
}

/// Trims trailing spaces, collapses runs of blank lines (templates leave them around
/// conditional blocks) and ends the file with exactly one newline.
pub fn tidy_markdown(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    let mut blank = 0;
    for line in md.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(line);
    }
    out.push('\n');
    out
}

/// The self-contained HTML page: the markdown note, sanitised, charts inlined, stylesheet inlined.
/// The charts' data URIs (megabytes) are written once, straight into the finished page
/// ([`html::assemble`]): the body and the page shell are rendered around short tokens. When that
/// cannot be done exactly (a user's page template, which may do anything with the body), the body
/// with its images goes through the template as a whole; the page is the same text either way.
fn render_page<'c>(
    tpl: &Templates,
    view: &NoteView,
    md: &str,
    charts: &'c [Chart],
    theme: Theme,
    site: Option<&crate::site::NoteHead>,
) -> Result<String> {
    // The image a destination names: (chart, phone variant?), as the plain renderer resolves it.
    let find = |dest: &str| -> Option<html::Inline<'c>> {
        let dest = dest.strip_prefix("./").unwrap_or(dest);
        charts.iter().find_map(|c| {
            if dest == format!("charts/{}.png", c.name) {
                Some(html::Inline { mime: "image/png", bytes: &c.png })
            } else if c.svg.is_some() && dest == format!("charts/{}.svg", c.name) {
                c.svg.as_ref().map(|s| html::Inline { mime: "image/svg+xml", bytes: s.as_bytes() })
            } else {
                None
            }
        })
    };
    // A chart's phone variant (laid out for a 360 CSS px column), when drawn, is shown to screens
    // up to 600 CSS px wide; markdown, PDF and the enlarged view use the wide chart.
    let find_phone = |dest: &str| -> Option<html::Inline<'c>> {
        let dest = dest.strip_prefix("./").unwrap_or(dest);
        let stem = dest.strip_prefix("charts/")?.strip_suffix(".png")?;
        charts
            .iter()
            .find(|c| c.name == stem && !c.phone_png.is_empty())
            .map(|c| html::Inline { mime: "image/png", bytes: &c.phone_png })
    };
    let title = if view.instrument.symbol.is_empty() {
        view.title.clone()
    } else {
        format!("{} — {}", view.instrument.symbol, view.title)
    };
    let page = |body: &str| {
        tpl.render_html(&templates::HtmlPage {
            title: &title,
            theme: match theme {
                Theme::Light => "light",
                Theme::Dark => "dark",
            },
            lang: "en",
            body,
            css: tpl.css(),
            as_of: &view.as_of,
            version: &view.data.version,
            site,
        })
    };

    let slots: std::cell::RefCell<Vec<html::Inline<'c>>> = std::cell::RefCell::new(Vec::new());
    let slot = |im: Option<html::Inline<'c>>| {
        im.map(|im| {
            let mut s = slots.borrow_mut();
            s.push(im);
            html::Src::Slot(s.len() - 1)
        })
    };
    let (body, written) = html::markdown_to_html_with(md, &|d| slot(find(d)), &|d| slot(find_phone(d)));
    let slots = slots.into_inner();
    if tpl.html_is_embedded() {
        if let Ok(shell) = page(html::BODY_TOKEN) {
            if let Some(p) = html::assemble(&shell, &body, written, &slots) {
                if p.len() <= templates::MAX_RENDER_BYTES {
                    return Ok(p);
                }
            }
        }
    } else if let Some(full) = html::assemble(html::BODY_TOKEN, &body, written, &slots) {
        return page(&full);
    }
    // The plain way (also reproduces any error of the template or the size limit exactly).
    let uri = |im: html::Inline<'_>| html::data_uri(im.mime, im.bytes);
    let body = html::markdown_to_html(md, &|d| find(d).map(uri), &|d| find_phone(d).map(uri));
    page(&body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_note_renders_every_section() {
        let a = demo::analysis("IWM");
        let out = build(&a, &demo::charts(), &RenderOptions::default()).unwrap();
        let md = out.text("note.md").unwrap();
        println!("{md}");
        for s in [
            "## Thesis",
            "## Macro Backdrop",
            "## Technical Structure",
            "### Weekly",
            "### 3-Day",
            "### Daily",
            "## Overall Structure",
            "## Risk",
            "## Data and Method",
            "## Disclaimer",
        ] {
            assert!(md.contains(s), "missing {s}");
        }
        assert!(
            // Topics with no data are listed once, in Data and Method's "Not assessed".
            md.contains("**Not assessed.**")
                && md.contains("Foreign flows")
                && md.contains("(no data supplied)."),
            "{md}"
        );
        // The stance opens the subline under the title (issue 12: the lead replaced "Stance: ").
        assert!(md.contains("\n**LONG"), "{md}");
        let html = out.text("note.html").unwrap();
        assert!(html.contains("data:image/png;base64,"));
        assert!(out.files.contains_key("signals.json"));
        // Deterministic.
        assert_eq!(out, build(&a, &demo::charts(), &RenderOptions::default()).unwrap());
    }

    /// The page assembled around tokens ([`html::assemble`]) is the page rendered with the data
    /// URIs in the body, with the embedded template and with a user's copy of it.
    #[test]
    fn html_page_is_the_same_assembled_or_rendered_whole() {
        let a = demo::analysis("IWM");
        let mut charts = demo::charts();
        for (i, c) in charts.iter_mut().enumerate() {
            c.phone_png = (0..100 + i as u8).collect();
        }
        let view = build_view(&a, &charts);
        let tpl = Templates::load(None).unwrap();
        assert!(tpl.html_is_embedded());
        let md = tpl.render_md(&view).unwrap();
        let uri = |b: &[u8]| html::data_uri("image/png", b);
        let body = html::markdown_to_html(
            &md,
            &|d| charts.iter().find(|c| d == format!("charts/{}.png", c.name)).map(|c| uri(&c.png)),
            &|d| charts.iter().find(|c| d == format!("charts/{}.png", c.name)).map(|c| uri(&c.phone_png)),
        );
        assert!(body.contains(&uri(&charts[0].phone_png)));
        let title = format!("{} — {}", view.instrument.symbol, view.title);
        let whole = tpl
            .render_html(&templates::HtmlPage {
                title: &title,
                theme: "light",
                lang: "en",
                body: &body,
                css: tpl.css(),
                as_of: &view.as_of,
                version: &view.data.version,
                site: None,
            })
            .unwrap();
        assert_eq!(render_page(&tpl, &view, &md, &charts, Theme::Light, None).unwrap(), whole);
        // A user's page template (here a copy of the embedded one) renders the body whole.
        let dir = tempfile::tempdir().unwrap();
        let (_, shell) = templates::EMBEDDED.iter().find(|(n, _)| *n == templates::NOTE_HTML).unwrap();
        std::fs::write(dir.path().join(templates::NOTE_HTML), shell).unwrap();
        let user = Templates::load(Some(dir.path())).unwrap();
        assert!(!user.html_is_embedded());
        assert_eq!(render_page(&user, &view, &md, &charts, Theme::Light, None).unwrap(), whole);
    }
}
