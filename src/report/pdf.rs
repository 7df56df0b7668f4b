//! PDF: the note's markdown, charts and evidence in, PDF/A-3b bytes out, typeset in-process with
//! Typst (no browser, no system program, no system font).
//!
//! The markdown is converted to Typst markup by [`super::markup`] (every value escaped) and set
//! under a fixed preamble: A4 or US Letter with a 460 pt text width (the width the charts are
//! drawn for), a running header and a footer with symbol, as-of date and "page x of y", tables in
//! smaller type whose rows never break across pages. The document is tagged (headings, tables,
//! chart alt text) and carries XMP metadata (title, instrument, as-of, generator and version)
//! and two embedded files: `signals.json` and `input-manifest.json` (every input file's name,
//! size and SHA-256). Fonts are DejaVu Sans (regular, bold, oblique) and DejaVu Sans Mono,
//! embedded in the binary and subset into the file.
//!
//! Deterministic: no clock is read; the document date is the as-of date, the document id is
//! derived from symbol and as-of date, the instance id from the bytes. Typst's memo cache is
//! evicted after every note, so a long `batch` does not grow it.

use super::markup;
use crate::chart::Chart;
use crate::config::Paper;
use crate::error::{Error, Result};
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeMap;
use std::sync::LazyLock;
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::layout::Abs;
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook, FontInstance, FontVariant, FontVariations};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards};

/// Name of the embedded copy of signals.json.
pub const SIGNALS_ATTACHMENT: &str = "signals.json";
/// Name of the embedded input manifest (file names, sizes, SHA-256).
pub const MANIFEST_ATTACHMENT: &str = "input-manifest.json";

/// Width of the text column in points on every paper size (the width charts are drawn for).
pub const TEXT_WIDTH_PT: f64 = 460.0;

/// The fonts, embedded in the binary (licence: assets/DejaVu-LICENSE.txt).
static FONT_DATA: [&[u8]; 4] = [
    include_bytes!("../../assets/DejaVuSans.ttf"),
    include_bytes!("../../assets/DejaVuSans-Bold.ttf"),
    include_bytes!("../../assets/DejaVuSans-Oblique.ttf"),
    include_bytes!("../../assets/DejaVuSansMono.ttf"),
];

struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static FONTS: LazyLock<Fonts> = LazyLock::new(|| {
    let fonts: Vec<Font> = FONT_DATA.iter().flat_map(|d| Font::iter(Bytes::new(*d))).collect();
    Fonts { book: LazyHash::new(FontBook::from_fonts(&fonts)), fonts }
});

/// DejaVu Sans and DejaVu Sans Bold, instantiated once to measure table text.
static MEASURED: LazyLock<[Option<FontInstance>; 2]> = LazyLock::new(|| {
    [0, 1].map(|i| {
        FONTS
            .fonts
            .get(i)
            .map(|f| f.clone().instantiate(FontVariant::default(), Abs::pt(10.0), &FontVariations::default()))
    })
});

/// Width in em of `text` set in `face` (Mono: DejaVu Sans Mono, 0.602 em per character, at the
/// code scale). Characters the font lacks count 0.6 em.
fn measure(text: &str, face: markup::Face) -> f64 {
    let font = match face {
        markup::Face::Mono => return text.chars().count() as f64 * MONO_ADVANCE * RAW_SCALE,
        markup::Face::Regular => MEASURED[0].as_ref(),
        markup::Face::Bold => MEASURED[1].as_ref(),
    };
    let Some(font) = font else { return text.chars().count() as f64 * 0.6 };
    let face = font.ttf();
    text.chars()
        .map(|c| face.glyph_index(c).and_then(|g| font.x_advance(g.0)).map_or(0.6, |em| em.get()))
        .sum()
}

/// Advance of every DejaVu Sans Mono glyph, in em (1233 / 2048).
const MONO_ADVANCE: f64 = 0.602;
/// Code is set at this fraction of the surrounding type size (`#show raw: set text(...)`).
const RAW_SCALE: f64 = 0.92;
/// Table type size in points.
const TABLE_PT: f64 = 7.2;
/// Horizontal cell padding in em of the table type.
const TABLE_INSET_EM: f64 = 0.45;

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::builder().build()));

/// Everything the PDF is made from.
#[derive(Debug, Clone, Copy)]
pub struct PdfNote<'a> {
    /// The note's markdown (as written to note.md).
    pub markdown: &'a str,
    /// Charts; `charts/<name>.png` in the markdown is placed at the text width.
    pub charts: &'a [Chart],
    /// Instrument symbol (header, footer, XMP keywords).
    pub symbol: &'a str,
    /// Instrument name, may be empty (XMP).
    pub name: &'a str,
    /// Document title (XMP `dc:title`, header).
    pub title: &'a str,
    /// As-of date: footer, XMP, and the document date (so no clock is read).
    pub as_of: NaiveDate,
    /// The signals.json bytes to embed.
    pub signals_json: &'a [u8],
    /// The input manifest bytes to embed.
    pub manifest_json: &'a [u8],
    /// Paper size.
    pub paper: Paper,
}

/// An in-memory Typst world: the generated source, the charts and the attachments.
struct NoteWorld {
    main: Source,
    files: BTreeMap<String, Bytes>,
    today: Option<Datetime>,
}

fn file_id(path: &str) -> Result<FileId> {
    let vpath = VirtualPath::new(path)
        .map_err(|e| Error::Internal(format!("PDF: bad virtual path {path}: {e:?}")))?;
    Ok(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

impl World for NoteWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotSource)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main.id() {
            return Ok(Bytes::from_string(self.main.clone()));
        }
        let p = id.vpath().get_without_slash();
        self.files.get(p).cloned().ok_or_else(|| FileError::NotFound(p.into()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        self.today
    }
}

fn date_literal(d: NaiveDate) -> String {
    format!("datetime(year: {}, month: {}, day: {})", d.year(), d.month(), d.day())
}

/// The Typst source of the note: preamble, attachments, then the converted markdown.
pub fn typst_source(note: &PdfNote) -> String {
    let lit = markup::string_literal;
    let as_of = note.as_of.to_string();
    let (paper, margin_x) = match note.paper {
        Paper::A4 => ("a4", (595.276 - TEXT_WIDTH_PT) / 2.0),
        Paper::Letter => ("us-letter", (612.0 - TEXT_WIDTH_PT) / 2.0),
    };
    let who = if note.name.is_empty() {
        note.symbol.to_string()
    } else {
        format!("{} ({})", note.symbol, note.name)
    };
    let description = format!("{}: research note on {who} as of {as_of}", note.title);
    let mut keywords = vec![note.symbol.to_string()];
    if !note.name.is_empty() {
        keywords.push(note.name.to_string());
    }
    keywords.push(format!("as of {as_of}"));
    keywords.push(crate::document::generator());
    let keywords: Vec<String> = keywords.iter().map(|k| lit(k)).collect();
    let mut running = String::new();
    markup::push_text(&mut running, note.symbol);
    let mut date_text = String::new();
    markup::push_text(&mut date_text, &as_of);
    let mut title_text = String::new();
    markup::push_text(&mut title_text, note.title);

    let mut s = String::with_capacity(note.markdown.len() * 2 + 4096);
    s.push_str(&format!(
        "#set document(title: {title}, description: {description}, keywords: ({keywords},), date: {date})\n",
        title = lit(&format!("{} — {}", note.symbol, note.title)),
        description = lit(&description),
        keywords = keywords.join(", "),
        date = date_literal(note.as_of),
    ));
    s.push_str(&format!(
        r#"#set page(paper: "{paper}", margin: (x: {margin_x:.3}pt, top: 52pt, bottom: 50pt),
  header: context {{
    if here().page() > 1 {{
      set text(7pt, fill: luma(100))
      block(width: 100%, stroke: (bottom: 0.4pt + luma(180)), inset: (bottom: 3pt))[{running} — {title_text} #h(1fr) as of {date_text}]
    }}
  }},
  footer: context {{
    set text(7pt, fill: luma(100))
    [{running} · research note as of {date_text} #h(1fr) page #counter(page).display() of #counter(page).final().first()]
  }},
)
#set text(font: "DejaVu Sans", size: 8.8pt, lang: "en", hyphenate: false)
#set par(leading: 0.55em, spacing: 0.85em, justify: false)
#show heading: set text(weight: "bold")
#show heading.where(level: 1): set text(13.5pt)
#show heading.where(level: 1): set block(above: 0pt, below: 0.8em)
#show heading.where(level: 2): set text(11.5pt)
#show heading.where(level: 2): set block(above: 1.35em, below: 0.65em)
#show heading.where(level: 3): set text(9.8pt)
#show heading.where(level: 3): set block(above: 1.1em, below: 0.55em)
#show raw: set text(font: "DejaVu Sans Mono", size: {raw_scale}em)
#set list(indent: 0.4em, body-indent: 0.5em, spacing: 0.55em)
#set enum(indent: 0.4em, body-indent: 0.5em, spacing: 0.55em)
#set table(inset: (x: {inset}em, y: 0.36em), stroke: (x, y) => (
  top: if y == 1 {{ 0.6pt + luma(60) }} else if y > 1 {{ 0.3pt + luma(205) }} else {{ none }},
  bottom: if y == 0 {{ 0.6pt + luma(60) }} else {{ none }},
))
#set table.cell(breakable: false)
#show table: set text({table_pt}pt)
#show table: set par(leading: 0.45em)
#show table: set block(above: 0.8em, below: 1em)
#show table.cell.where(y: 0): set text(weight: "bold")
#show quote.where(block: true): set block(inset: (left: 8pt), stroke: (left: 1pt + luma(180)))
#pdf.attach({signals}, relationship: "data", mime-type: "application/json", description: "The note's signals.json: every signal with its full evidence")
#pdf.attach({manifest}, relationship: "supplement", mime-type: "application/json", description: "Input manifest: every input file with its size in bytes and SHA-256")
"#,
        inset = TABLE_INSET_EM,
        table_pt = TABLE_PT,
        raw_scale = RAW_SCALE,
        signals = lit(SIGNALS_ATTACHMENT),
        manifest = lit(MANIFEST_ATTACHMENT),
    ));
    let image = |dest: &str| -> Option<String> {
        let dest = dest.strip_prefix("./").unwrap_or(dest);
        note.charts
            .iter()
            .find(|c| dest == format!("charts/{}.png", c.name))
            .map(|c| format!("/charts/{}.png", c.name))
    };
    let fallback_alt = |dest: &str| -> String {
        let dest = dest.strip_prefix("./").unwrap_or(dest);
        note.charts
            .iter()
            .find(|c| dest == format!("charts/{}.png", c.name) && !c.alt.trim().is_empty())
            .map(|c| c.alt.clone())
            .unwrap_or_else(|| format!("Chart {dest}"))
    };
    let fit = markup::TableFit {
        measure: &measure,
        available_em: TEXT_WIDTH_PT / TABLE_PT,
        inset_em: TABLE_INSET_EM,
    };
    s.push_str(&markup::markdown_to_typst(note.markdown, &image, &fallback_alt, &fit));
    s
}

/// Describes Typst diagnostics with the offending source line (they indicate a bug in the
/// converter or preamble, never a user error, since every user value is escaped).
fn describe(world: &NoteWorld, diags: &[SourceDiagnostic]) -> String {
    diags
        .iter()
        .take(3)
        .map(|d| {
            let line = d
                .span
                .id()
                .filter(|id| *id == world.main.id())
                .and_then(|_| {
                    use typst::WorldExt;
                    world.range(d.span)
                })
                .and_then(|r| {
                    let text = world.main.text();
                    let start = text[..r.start].rfind('\n').map_or(0, |i| i + 1);
                    let end = text[r.end..].find('\n').map_or(text.len(), |i| r.end + i);
                    text.get(start..end).map(|l| l.chars().take(160).collect::<String>())
                })
                .unwrap_or_default();
            format!("{} [{line}]", d.message)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Typesets the note to PDF/A-3b bytes. Errors are internal (exit 1): every user value reaches
/// Typst escaped, so a failure here is a bug, reported with the Typst message and source line.
pub fn render(note: &PdfNote) -> Result<Vec<u8>> {
    let result = render_inner(note);
    // Per note, so a long batch does not grow the memo cache.
    typst::comemo::evict(0);
    result
}

fn render_inner(note: &PdfNote) -> Result<Vec<u8>> {
    let source = typst_source(note);
    let main = Source::new(file_id("/main.typ")?, source);
    let mut files = BTreeMap::new();
    for c in note.charts {
        files.insert(format!("charts/{}.png", c.name), Bytes::new(c.png.clone()));
    }
    files.insert(SIGNALS_ATTACHMENT.to_string(), Bytes::new(note.signals_json.to_vec()));
    files.insert(MANIFEST_ATTACHMENT.to_string(), Bytes::new(note.manifest_json.to_vec()));
    let today = Datetime::from_ymd(note.as_of.year(), note.as_of.month() as u8, note.as_of.day() as u8);
    let world = NoteWorld { main, files, today };

    let doc: PagedDocument = typst::compile(&world)
        .output
        .map_err(|d| Error::Internal(format!("typesetting the PDF: {}", describe(&world, &d))))?;
    let standards = PdfStandards::new(&[PdfStandard::A_3b])
        .map_err(|e| Error::Internal(format!("PDF standards: {e:?}")))?;
    let options = PdfOptions {
        ident: Smart::Custom(format!("marketnote/{}/{}", note.symbol, note.as_of)),
        creator: Smart::Custom(Some(crate::document::generator())),
        timestamp: None,
        page_ranges: None,
        standards,
        tagged: true,
        pretty: false,
    };
    typst_pdf::pdf(&doc, &options)
        .map_err(|d| Error::Internal(format!("writing the PDF: {}", describe(&world, &d))))
}
