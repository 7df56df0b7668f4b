//! PDF: the note's markdown, charts and evidence in, PDF/A-3b bytes out, typeset in-process with
//! Typst (no browser, no system program, no system font).
//!
//! The markdown is converted to Typst markup by [`super::markup`] (every value escaped) and set
//! under a fixed preamble: A4 or US Letter with a 460 pt text width (the width the charts are
//! drawn for), a running header and a footer with symbol, as-of date and "page x of y", tables in
//! smaller type whose rows never break across pages (code in tables at 7 pt). Every chart closes
//! its section, after the section's text and tables (`chart_after_its_text`: one order in every
//! section). A chart that was pushed whole to the next page, leaving a gap, floats to the top of
//! that page instead (a layout pass over the typeset pages, see `typeset_floats`); a page that
//! still ends more than a tenth empty has a chart drawn again a little shorter, then set a little
//! narrower down to [`MIN_CHART_SCALE`] (its text at 7 pt), to fit under its text, or drawn
//! taller (to fill its page), see `typeset`. Keep-together rules (issue 13): a chart stays in its
//! section (between its heading and the next one) unless that would cost more than a page or
//! leave a page more than 40% empty; a floated chart lands between paragraphs, never inside one;
//! a short paragraph that introduces a table or list keeps with it; a table of at most six rows
//! is never split; headings (sticky in Typst) keep with what follows. Issue 13 follow-up: floats
//! still pending are placed before every heading (`place.flush`), so a floated chart never lands
//! in the next section; a heading left at a page foot with fewer than three lines of its section
//! under it starts the next page (see `stranded_headings`); the last item of a list
//! closed by a short paragraph keeps with it (`note-tail`); the paragraph before a short last
//! section (the disclaimer) keeps with it. The document is tagged (headings, tables,
//! chart alt text) and carries XMP metadata (title, author, instrument, as-of, generator and
//! version; Producer `marketnote <version>`, see `set_producer`) and two embedded files: `signals.json` and `input-manifest.json` (every input file's name,
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
        markup::Face::Mono => return text.chars().count() as f64 * MONO_ADVANCE * TABLE_RAW_PT / TABLE_PT,
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
/// Code in running text is set at this fraction of the surrounding type size. Typst's own rule
/// sets raw text at 0.8 em and a `set text(size: k em)` on raw multiplies it, so the preamble
/// writes `RAW_SCALE / 0.8`.
const RAW_SCALE: f64 = 0.92;
/// Table type size in points.
const TABLE_PT: f64 = 7.0;
/// Where the back matter starts in the typeset body: [`super::METHOD_HEADING`] as the markdown
/// converter sets a level-2 heading (checked by a test on the converter's own output).
fn back_matter() -> String {
    let text = super::METHOD_HEADING.trim_start_matches('#').trim();
    format!("\n#heading(level: 2)[{text}]")
}
/// Code in tables (hashes, ids) in points: an absolute size, so it never drops below 7 pt.
const TABLE_RAW_PT: f64 = 7.0;
/// Top and bottom page margins in points (the header and footer sit inside them).
const MARGIN_TOP_PT: f64 = 52.0;
const MARGIN_BOTTOM_PT: f64 = 50.0;
/// Horizontal cell padding in em of the table type.
const TABLE_INSET_EM: f64 = 0.45;

/// Space between paragraphs, in em (also the spacing of a paragraph kept whole or with the
/// block after it, see `note-par` in the preamble).
const PAR_SPACING_EM: f64 = 0.85;
/// Space kept between a chart and the text around it, in points.
const CHART_GAP_PT: f64 = 12.0;
/// A chart that opens a page (at most this far, in points, below the top of the text area: room
/// for its headings) after a page that ends with at least [`MIN_GAP_PT`] of empty space was
/// pushed there whole: it is floated so the text after it fills the gap.
const OPENS_PAGE_PT: f64 = 80.0;
/// See [`OPENS_PAGE_PT`]: a gap smaller than this (about six lines) is left alone.
const MIN_GAP_PT: f64 = 72.0;

/// The document author: `[output] author`, else the tool's name.
fn author<'a>(note: &PdfNote<'a>) -> &'a str {
    let a = note.author.trim();
    if a.is_empty() {
        "marketnote"
    } else {
        a
    }
}

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
    /// Author (`[output] author`); empty: "marketnote".
    pub author: &'a str,
    /// Draws a chart again at another height, for the layout pass that fills pages (see
    /// `typeset`); None: every chart keeps its height.
    pub redraw: Option<Redraw<'a>>,
}

/// Draws chart `name` again `ratio` times as tall as it is wide (the chart module keeps the
/// height within what stays legible: `chart::render_pdf_chart`, between `chart::PDF_SHRINK` and
/// `chart::PDF_GROW` times the chart's own height); `Ok(None)` when there is no such chart.
#[derive(Clone, Copy)]
pub struct Redraw<'a>(pub &'a (dyn Fn(&str, f64) -> Result<Option<Chart>> + Sync));

impl std::fmt::Debug for Redraw<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Redraw")
    }
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
/// `floated` lists the charts (numbered from 0 in the order the markdown places them) that float
/// to the top of the next page instead of standing where they are written.
pub fn typst_source(note: &PdfNote, floated: &[usize]) -> String {
    typst_source_charts(note, floated).0
}

/// [`typst_source`], and the alt text of chart `n` at index `n` (to find the charts on the pages).
fn typst_source_charts(note: &PdfNote, floated: &[usize]) -> (String, Vec<String>) {
    let (source, charts) = typst_source_breaks(note, floated, &[], &[]);
    (source, charts.into_iter().map(|c| c.alt).collect())
}

/// [`typst_source_charts`] with a page break before each heading in `breaks` (numbered from 0 in
/// the order they are written, the title included): the headings the layout pass found with too
/// little of their section under them at the foot of a page (see [`stranded_headings`]); chart
/// `n` set at `scale` times the text width for each `(n, scale)` in `scaled` (at least
/// [`MIN_CHART_SCALE`]: see [`typeset`]).
fn typst_source_breaks(
    note: &PdfNote,
    floated: &[usize],
    breaks: &[usize],
    scaled: &[(usize, f64)],
) -> (String, Vec<markup::PlacedChart>) {
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
        "#set document(title: {title}, author: {author}, description: {description}, keywords: ({keywords},), date: {date})\n",
        title = lit(&format!("{} — {}", note.symbol, note.title)),
        author = lit(author(note)),
        description = lit(&description),
        keywords = keywords.join(", "),
        date = date_literal(note.as_of),
    ));
    s.push_str(&format!(
        r#"#set page(paper: "{paper}", margin: (x: {margin_x:.3}pt, top: {top}pt, bottom: {bottom}pt),
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
#set text(font: "DejaVu Sans", size: 9pt, lang: "en", hyphenate: false)
#set par(leading: 0.55em, spacing: {par_spacing}em, justify: false)
#show heading: set text(weight: "bold")
#show heading.where(level: 1): set text(13.5pt)
#show heading.where(level: 1): set block(above: 0pt, below: 0.8em)
#show heading.where(level: 2): set text(11.5pt)
#show heading.where(level: 2): set block(above: 1.35em, below: 0.65em)
#show heading.where(level: 3): set text(9.8pt)
#show heading.where(level: 3): set block(above: 1.1em, below: 0.55em)
#show raw: set text(font: "DejaVu Sans Mono", size: {raw_em:.4}em)
#set list(indent: 0.4em, body-indent: 0.5em, spacing: 0.55em)
#set enum(indent: 0.4em, body-indent: 0.5em, spacing: 0.55em)
#set table(inset: (x: {inset}em, y: {inset_y}em), stroke: (x, y) => (
  top: if y == 1 {{ 0.6pt + luma(60) }} else if y > 1 {{ 0.3pt + luma(205) }} else {{ none }},
  bottom: if y == 0 {{ 0.6pt + luma(60) }} else {{ none }},
))
#set table.cell(breakable: false)
#show table: set text({table_pt}pt)
#show table: it => {{ show raw: set text(size: {table_raw_pt}pt); it }}
#show table: set par(leading: 0.45em)
#show table: set block(above: 0.8em, below: 1em)
#show table.cell.where(y: 0): set text(weight: "bold")
#show quote.where(block: true): set block(inset: (left: 8pt), stroke: (left: 1pt + luma(180)))
// A chart is a block at the text width (never scaled down: its smallest text is 7 pt), or, when
// the layout pass found that it left a gap at the foot of the previous page, a float at the top
// of the next page so the text after it fills the gap.
#let floated = ({floated})
// A chart the layout pass set narrower (to fit what is left of a page, its text kept at 7 pt or
// more) is centred.
#let scaled = ({scaled})
#let note-chart(n, img) = {{
  let body = if str(n) in scaled {{ align(center, box(width: scaled.at(str(n)) * 100%, img)) }} else {{ img }}
  if n in floated {{
    place(top, float: true, clearance: {chart_gap}pt, block(width: 100%, body))
  }} else {{
    block(width: 100%, body)
  }}
}}
// Keep-together rules (issue 13). A paragraph that introduces a table or list sticks to it (no
// page break between them); a paragraph written after a floated chart in its section is set
// whole, so the float (at the top of a page) lands between paragraphs, never inside one. The
// block's spacing is the paragraph spacing, so a kept paragraph sits where a plain one would.
#let note-par(n, sticky, body) = if sticky or n in floated {{
  block(sticky: sticky, breakable: not (n in floated), spacing: {par_spacing}em, body)
}} else {{
  body
}}
// The last item of a list closed by a short paragraph keeps with that paragraph (set whole,
// sticky), at the list's item spacing.
#let note-tail(body) = block(sticky: true, breakable: false, above: 0.55em, body)
// A short table is set whole on one page.
#let note-whole(body) = {{
  set block(breakable: false)
  body
}}
#pdf.attach({signals}, relationship: "data", mime-type: "application/json", description: "The note's signals.json: every signal with its full evidence")
#pdf.attach({manifest}, relationship: "supplement", mime-type: "application/json", description: "Input manifest: every input file with its size in bytes and SHA-256")
"#,
        inset = TABLE_INSET_EM,
        inset_y = markup::TABLE_INSET_Y_EM,
        table_pt = TABLE_PT,
        raw_em = RAW_SCALE / 0.8,
        table_raw_pt = TABLE_RAW_PT,
        top = MARGIN_TOP_PT,
        bottom = MARGIN_BOTTOM_PT,
        chart_gap = CHART_GAP_PT,
        par_spacing = PAR_SPACING_EM,
        floated = floated.iter().map(|n| format!("{n},")).collect::<String>(),
        scaled = if scaled.is_empty() {
            ":".to_string()
        } else {
            scaled.iter().map(|(n, k)| format!("\"{n}\": {k:.4},")).collect::<String>()
        },
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
    let md = chart_after_its_text(note.markdown);
    let (body, placed) = markup::markdown_to_typst_charts(&md, &image, &fallback_alt, &fit);
    // The converter writes every heading as `\n#heading(`; user text never holds that (its `#`
    // is escaped).
    // Before every heading, floats still pending are placed (`place.flush`: nothing when none
    // is), so a floated chart never lands in the next section (issue 13).
    let body = {
        let mut out = String::with_capacity(body.len() + 32 * breaks.len());
        let mut rest = body.as_str();
        let mut k = 0;
        while let Some(i) = rest.find(HEADING_CALL) {
            out.push_str(&rest[..i]);
            if k > 0 {
                out.push_str(FLUSH_FLOATS);
            }
            if breaks.contains(&k) {
                out.push_str("\n#pagebreak(weak: true)");
            }
            out.push_str(HEADING_CALL);
            rest = &rest[i + HEADING_CALL.len()..];
            k += 1;
        }
        out.push_str(rest);
        out
    };
    // Data and Method and the disclaimer are back matter: set in the smaller type research notes
    // use for it (7.5 pt, above the 7 pt floor), so the archive copy keeps to eight A4 pages.
    match body.find(&back_matter()) {
        Some(i) => {
            s.push_str(&body[..i]);
            s.push_str("\n#set text(size: 7.5pt)\n#set par(leading: 0.5em)");
            s.push_str(&body[i..]);
        }
        None => s.push_str(&body),
    }
    (s, placed)
}

/// The bottom of the text area on `paper`, in points from the page top.
fn text_bottom_pt(paper: Paper) -> f64 {
    let height = match paper {
        Paper::A4 => 841.89,
        Paper::Letter => 792.0,
    };
    height - MARGIN_BOTTOM_PT
}

/// How the markdown converter starts every heading in the Typst source.
const HEADING_CALL: &str = "\n#heading(";
/// Written before every heading but the first: pending floats are placed first.
const FLUSH_FLOATS: &str = "\n#place.flush()";

/// A heading needs at least this many lines of its section under it on its page (review 32: "Macro
/// Backdrop" and two lines of its first bullet at the foot of page 1, the rest on page 2).
const HEADING_KEEP_LINES: usize = 3;

/// What the layout pass reads on a page, in the order it is laid out.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Mark {
    /// A heading starts (top of its block).
    HeadingStart,
    /// A heading ends.
    HeadingEnd,
    /// A line of text at this baseline (points from the page top), and whether it is a heading's.
    Line(f64, bool),
    /// A chart or other image whose top is here.
    Image(f64),
}

/// The marks of a page frame inside the text area (header and footer left out), in order.
fn page_marks(frame: &typst::layout::Frame, text_bottom: f64) -> Vec<Mark> {
    use typst::introspection::Tag;
    use typst::layout::FrameItem;
    let mut open: Vec<typst::introspection::Location> = Vec::new();
    let mut out = Vec::new();
    walk_frame(frame, 0.0, 0.0, &mut |_, y, item| match item {
        FrameItem::Tag(Tag::Start(c, _)) if c.is::<typst::model::HeadingElem>() => {
            if let Some(loc) = c.location() {
                open.push(loc);
                out.push(Mark::HeadingStart);
            }
        }
        FrameItem::Tag(Tag::End(loc, ..)) if open.last() == Some(loc) => {
            open.pop();
            out.push(Mark::HeadingEnd);
        }
        FrameItem::Text(_) if y >= MARGIN_TOP_PT && y <= text_bottom + 1.0 => {
            out.push(Mark::Line(y, !open.is_empty()));
        }
        FrameItem::Image(..) if y >= MARGIN_TOP_PT - 1.0 && y <= text_bottom => out.push(Mark::Image(y)),
        _ => {}
    });
    out
}

/// Calls `visit(x, y, item)` for every item of `frame` in layout order, `x` and `y` in points
/// from the page's top left, descending into groups (only translated in this document).
fn walk_frame(
    frame: &typst::layout::Frame,
    dx: f64,
    dy: f64,
    visit: &mut dyn FnMut(f64, f64, &typst::layout::FrameItem),
) {
    for (pos, item) in frame.items() {
        let (x, y) = (dx + pos.x.to_pt(), dy + pos.y.to_pt());
        match item {
            typst::layout::FrameItem::Group(g) => {
                walk_frame(&g.frame, x + g.transform.tx.to_pt(), y + g.transform.ty.to_pt(), visit)
            }
            _ => visit(x, y, item),
        }
    }
}

/// The headings (numbered from 0 in document order) left at the foot of a page with fewer than
/// [`HEADING_KEEP_LINES`] lines of their section under them while the section goes on past the
/// page; in order; of a run of headings with nothing between them (a section and its first
/// subsection), the run's first. Empty when every heading keeps with its text. (A chart that
/// closes its section and opens the next page is not its section going on: the heading has all
/// of its words under it, see [`chart_after_its_text`].)
fn stranded_headings(doc: &PagedDocument, text_bottom: f64) -> Vec<usize> {
    let mut out = Vec::new();
    let pages: Vec<Vec<Mark>> = doc.pages().iter().map(|p| page_marks(&p.frame, text_bottom)).collect();
    let mut k = 0; // headings seen before this page
    for (p, marks) in pages.iter().enumerate() {
        let starts: Vec<usize> =
            marks.iter().enumerate().filter(|(_, m)| **m == Mark::HeadingStart).map(|(i, _)| i).collect();
        // The last heading on the page is the only one whose section can run past it.
        let Some(&last) = starts.last() else { continue };
        // The section goes on past the page when the next page opens with its text (a chart
        // floated to the next page's top is not its text).
        let goes_on = pages.get(p + 1).is_some_and(|next| {
            next.iter().take_while(|m| **m != Mark::HeadingStart).any(|m| matches!(m, Mark::Line(_, false)))
        });
        let mut lines: Vec<f64> = Vec::new();
        let mut image = false;
        let mut in_heading = false;
        for m in &marks[last..] {
            match *m {
                Mark::HeadingStart => in_heading = true,
                Mark::HeadingEnd => in_heading = false,
                Mark::Line(y, false) if !in_heading && !lines.iter().any(|l| (l - y).abs() < 1.0) => {
                    lines.push(y)
                }
                Mark::Image(_) if !in_heading => image = true,
                _ => {}
            }
        }
        if !image && goes_on && lines.len() < HEADING_KEEP_LINES {
            // Walk back over headings with no text between them.
            let mut first = starts.len() - 1;
            while first > 0
                && !marks[starts[first - 1]..starts[first]]
                    .iter()
                    .scan(false, |inh, m| {
                        match m {
                            Mark::HeadingStart => *inh = true,
                            Mark::HeadingEnd => *inh = false,
                            _ => {}
                        }
                        Some(!*inh && matches!(m, Mark::Line(_, false) | Mark::Image(_)))
                    })
                    .any(|b| b)
            {
                first -= 1;
            }
            // A run that already opens the page gains nothing from a break.
            let opens = !marks[..starts[first]].iter().any(|m| matches!(m, Mark::Line(..) | Mark::Image(_)));
            if !opens {
                out.push(k + first);
            }
        }
        k += starts.len();
    }
    out
}

/// Whether a markdown block (text between blank lines) is one image and nothing else.
fn image_block(b: &str) -> bool {
    let t = b.trim();
    t.starts_with("![") && t.ends_with(')') && !t.contains('\n')
}

/// Where the PDF sets its charts (issue 13 follow-up: one order in every section): each chart
/// closes its section, after the section's text and tables, in the order the charts are written.
/// The macro and track charts are written so; the technical sections write heading, chart, text,
/// table, and the PDF sets them heading, text, table, chart. So every section reads the same way
/// (its words and numbers, then its picture); a chart too tall for what is left of a page opens
/// the next page with nothing of its section after it, so no text or table of the section moves
/// over it and its heading never stands alone (review 16: a section opens with words).
fn chart_after_its_text(md: &str) -> String {
    let blocks: Vec<&str> = md.split("\n\n").collect();
    let heading = |b: &str| b.trim_start().starts_with('#');
    let mut out: Vec<&str> = Vec::with_capacity(blocks.len());
    let mut charts: Vec<&str> = Vec::new();
    for b in blocks {
        if heading(b) {
            out.append(&mut charts);
        }
        if image_block(b) {
            charts.push(b);
        } else {
            out.push(b);
        }
    }
    out.append(&mut charts);
    out.join("\n\n")
}

/// For chart `n` (in the order [`markup::markdown_to_typst_charts`] numbers them: images `image`
/// knows), the text of the first heading written after it, if any.
fn next_headings(md: &str, image: &dyn Fn(&str) -> Option<String>) -> Vec<Option<String>> {
    let mut out: Vec<Option<String>> = Vec::new();
    let mut open = 0; // charts waiting for their next heading: the last `open` of `out`
    for line in md.lines() {
        let t = line.trim();
        if t.starts_with('#') {
            let h = t.trim_start_matches('#').trim().to_string();
            let n = out.len();
            for slot in &mut out[n - open..] {
                *slot = Some(h.clone());
            }
            open = 0;
        } else if image_block(t) {
            let dest = t.rsplit_once("](").map(|(_, d)| d.trim_end_matches(')')).unwrap_or("");
            if image(dest).is_some() {
                out.push(None);
                open += 1;
            }
        }
    }
    out
}

/// For chart `n` (numbered as in [`next_headings`]), the text of the last heading written before
/// it, if any.
fn own_headings(md: &str, image: &dyn Fn(&str) -> Option<String>) -> Vec<Option<String>> {
    let mut out: Vec<Option<String>> = Vec::new();
    let mut last: Option<String> = None;
    for line in md.lines() {
        let t = line.trim();
        if t.starts_with('#') {
            last = Some(t.trim_start_matches('#').trim().to_string());
        } else if image_block(t) {
            let dest = t.rsplit_once("](").map(|(_, d)| d.trim_end_matches(')')).unwrap_or("");
            if image(dest).is_some() {
                out.push(last.clone());
            }
        }
    }
    out
}

/// Whether chart `n`, floated, shares a page with its own heading (`own[n]`): a float sits at the
/// top of its page, so it would stand above its heading (a page break before the heading left a
/// gap the float pass read as a chart pushed over).
fn float_above_own_heading(
    doc: &PagedDocument,
    text_bottom: f64,
    alts: &[String],
    own: &[Option<String>],
    n: usize,
) -> bool {
    let heads: Vec<String> = own.iter().flatten().cloned().collect();
    let pages = heading_pages(doc, &heads);
    let Some(k) = own.get(n).filter(|h| h.is_some()).map(|_| own[..n].iter().flatten().count()) else {
        return false;
    };
    let Some(hp) = pages.get(k).copied().flatten() else { return false };
    doc.pages()
        .get(hp)
        .is_some_and(|page| fill_of(&page.frame, text_bottom, alts).charts.iter().any(|c| c.0 == n))
}

/// The page (from 0) of each heading in `headings`, in order: a text run of heading size
/// (above the 9 pt body type) reading as the heading, found no earlier than the previous one.
fn heading_pages(doc: &PagedDocument, headings: &[String]) -> Vec<Option<usize>> {
    fn runs(f: &typst::layout::Frame, out: &mut Vec<String>) {
        for (_, item) in f.items() {
            match item {
                typst::layout::FrameItem::Group(g) => runs(&g.frame, out),
                typst::layout::FrameItem::Text(t) if t.size.to_pt() > 9.4 => out.push(t.text.to_string()),
                _ => {}
            }
        }
    }
    let pages: Vec<String> = doc
        .pages()
        .iter()
        .map(|p| {
            let mut v = Vec::new();
            runs(&p.frame, &mut v);
            v.join(" ")
        })
        .collect();
    let mut from = 0;
    headings
        .iter()
        .map(|h| {
            let at = (from..pages.len()).find(|&p| pages[p].contains(h.as_str()));
            if let Some(p) = at {
                from = p;
            }
            at
        })
        .collect()
}

/// Whether some chart lands on a later page than the heading that follows it (a section after
/// its own: the chart was floated past it). `next[n]` is chart `n`'s next heading.
fn chart_after_next_section(
    doc: &PagedDocument,
    text_bottom: f64,
    alts: &[String],
    next: &[Option<String>],
) -> bool {
    let heads: Vec<String> = next.iter().flatten().cloned().collect();
    let pages = heading_pages(doc, &heads);
    let mut k = 0;
    let heading_page: Vec<Option<usize>> = next
        .iter()
        .map(|h| {
            h.as_ref().and_then(|_| {
                k += 1;
                pages[k - 1]
            })
        })
        .collect();
    doc.pages().iter().enumerate().any(|(p, page)| {
        fill_of(&page.frame, text_bottom, alts)
            .charts
            .iter()
            .any(|(n, _)| heading_page.get(*n).copied().flatten().is_some_and(|hp| hp < p))
    })
}

/// Whether the charts appear on the pages in the order they are written (page by page, top down).
fn charts_in_order(doc: &PagedDocument, text_bottom: f64, alts: &[String]) -> bool {
    let placed: Vec<usize> = doc
        .pages()
        .iter()
        .flat_map(|page| {
            let mut f = fill_of(&page.frame, text_bottom, alts);
            f.charts.sort_by(|a, b| a.1.total_cmp(&b.1));
            f.charts.into_iter().map(|c| c.0)
        })
        .collect();
    placed.windows(2).all(|w| w[0] < w[1])
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
    let (world, doc, _) = typeset(note)?;
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
    let bytes = typst_pdf::pdf(&doc, &options)
        .map_err(|d| Error::Internal(format!("writing the PDF: {}", describe(&world, &d))))?;
    set_producer(&bytes, &crate::document::generator())
}

/// A page other than the last should end with at most this fraction of its text area empty (the
/// layout tests allow a quarter): the aim of [`typeset`]'s chart heights.
const MAX_EMPTY: f64 = 0.1;
/// A chart grown to fill its page fills it to this fraction of the text area.
const FILL_TO: f64 = 0.95;
/// Room kept above a chart shrunk to fit under the text of a page (the block spacing), in points.
const SHRINK_ROOM_PT: f64 = CHART_GAP_PT + 4.0;
/// At most this many charts are drawn again per note (each costs a typesetting run).
const MAX_REDRAWS: usize = 6;

/// A chart image's height over its width, from its PNG header.
fn png_ratio(png: &[u8]) -> Option<f64> {
    let be = |r: std::ops::Range<usize>| Some(u32::from_be_bytes(png.get(r)?.try_into().ok()?));
    if png.get(12..16) != Some(b"IHDR".as_slice()) {
        return None;
    }
    let (w, h) = (be(16..20)?, be(20..24)?);
    (w > 0).then(|| h as f64 / w as f64)
}

/// The name of chart `n` at index `n`, from the path the converter gave it
/// (`/charts/<name>.png`, see `typst_source_breaks`'s `image`).
fn chart_names(placed: &[markup::PlacedChart]) -> Vec<String> {
    placed
        .iter()
        .map(|c| {
            c.path
                .strip_prefix("/charts/")
                .and_then(|p| p.strip_suffix(".png"))
                .unwrap_or(&c.path)
                .to_string()
        })
        .collect()
}

/// How a typeset note fills its pages: the page count, the pages other than the last that end
/// with more than [`MAX_EMPTY`] of the text area empty, and by how many points in all. Lower is
/// better, in that order.
fn page_gaps(doc: &PagedDocument, text_bottom: f64, alts: &[String]) -> (usize, usize, f64) {
    let allowed = MAX_EMPTY * (text_bottom - MARGIN_TOP_PT);
    let pages = doc.pages();
    let over: Vec<f64> = pages[..pages.len().saturating_sub(1)]
        .iter()
        .map(|p| text_bottom - fill_of(&p.frame, text_bottom, alts).bottom - allowed)
        .filter(|&o| o > 0.0)
        .collect();
    (pages.len(), over.len(), over.iter().sum())
}

/// Typesets the note ([`typeset_breaks`]); then, while a page other than the last ends with more
/// than [`MAX_EMPTY`] of its text area empty (the chart after its text did not fit under it, so
/// it opens the next page), draws a chart again at another height (`note.redraw`) and keeps the
/// result when it fills the pages better without adding one: first the chart that opens the next
/// page, a little shorter so it fits under the text (held at its shortest, also set narrower,
/// down to [`MIN_CHART_SCALE`] of the text width); else a chart on the page, a little taller
/// so it fills it to [`FILL_TO`]. The chart module keeps every height within what stays legible
/// (its text keeps its size; only the plots change height). Every chart stays in its section and
/// in the order it is written: those rules are [`typeset_floats`]'s, run again on every try.
fn typeset(note: &PdfNote) -> Result<(NoteWorld, PagedDocument, Vec<usize>)> {
    let mut best = typeset_breaks(note, &[])?;
    let Some(redraw) = note.redraw else { return Ok(best) };
    let text_bottom = text_bottom_pt(note.paper);
    let area = text_bottom - MARGIN_TOP_PT;
    let placed = typst_source_breaks(note, &[], &[], &[]).1;
    let names = chart_names(&placed);
    let alts: Vec<String> = placed.into_iter().map(|c| c.alt).collect();
    let mut charts: Vec<Chart> = note.charts.to_vec();
    let mut scaled: Vec<(usize, f64)> = Vec::new();
    let mut score = page_gaps(&best.1, text_bottom, &alts);
    let height = |c: &Chart| png_ratio(&c.png).map(|r| r * TEXT_WIDTH_PT);
    // Tried redraws: (chart name, height asked for in whole points).
    let mut tried: Vec<(String, i64)> = Vec::new();
    let mut given_up: Vec<usize> = Vec::new();
    let mut redraws = 0;
    while redraws < MAX_REDRAWS {
        let fills: Vec<PageFill> =
            best.1.pages().iter().map(|p| fill_of(&p.frame, text_bottom, &alts)).collect();
        let gappy = |p: &usize| text_bottom - fills[*p].bottom > MAX_EMPTY * area && !given_up.contains(p);
        let Some(p) = (0..fills.len().saturating_sub(1)).find(gappy) else { break };
        let gap = text_bottom - fills[p].bottom;
        // (chart number, printed height to ask for, whether it must come out at most that tall)
        let mut options: Vec<(usize, f64, bool)> = Vec::new();
        let mut next = fills[p + 1].charts.clone();
        next.sort_by(|a, b| a.1.total_cmp(&b.1));
        if let Some(&(n, top)) = next.first().filter(|c| c.1 - MARGIN_TOP_PT <= OPENS_PAGE_PT) {
            // What stands above it on its page (its heading and intro, moved over with it) must
            // fit in the gap too.
            options.push((n, gap - SHRINK_ROOM_PT - (top - MARGIN_TOP_PT), true));
        }
        let mut here = fills[p].charts.clone();
        here.sort_by(|a, b| b.1.total_cmp(&a.1));
        options.extend(
            here.iter().map(|&(n, _)| (n, FILL_TO * area - (fills[p].bottom - MARGIN_TOP_PT), false)),
        );
        let mut improved = false;
        for (n, ask, shrink) in options {
            let Some(c) = names.get(n).and_then(|name| charts.iter().position(|c| &c.name == name)) else {
                continue;
            };
            let Some(now) = height(&charts[c]) else { continue };
            // Shrink: the height it must fit in; grow: the points to add.
            let ask = if shrink { ask } else { now + ask };
            if shrink && ask >= now || !shrink && ask <= now {
                continue;
            }
            let key = (charts[c].name.clone(), ask.round() as i64);
            if tried.contains(&key) {
                continue;
            }
            tried.push(key);
            if !shrink && scaled.iter().any(|k| k.0 == n) {
                continue;
            }
            let Some(drawn) = (redraw.0)(&charts[c].name, ask / TEXT_WIDTH_PT)? else { continue };
            let Some(got) = height(&drawn) else { continue };
            // Held at its shortest above what fits: set narrower, down to the 7 pt floor.
            let scale = if shrink && got > ask + 1.0 { ask / got } else { 1.0 };
            if scale < MIN_CHART_SCALE || scale >= 1.0 && (got - now).abs() < 2.0 {
                continue;
            }
            redraws += 1;
            let mut trial = charts.clone();
            trial[c] = drawn;
            let mut trial_scaled: Vec<(usize, f64)> = scaled.iter().copied().filter(|k| k.0 != n).collect();
            if scale < 1.0 {
                trial_scaled.push((n, (scale * 1e4).floor() / 1e4));
                trial_scaled.sort_by_key(|k| k.0);
            }
            let placed = typeset_breaks(&PdfNote { charts: &trial, ..*note }, &trial_scaled)?;
            let s = page_gaps(&placed.1, text_bottom, &alts);
            if s.0 <= score.0 && (s.1 < score.1 || s.1 == score.1 && s.2 < score.2 - 1.0) {
                (best, charts, scaled, score, improved) = (placed, trial, trial_scaled, s, true);
                break;
            }
            if redraws >= MAX_REDRAWS {
                break;
            }
        }
        if !improved {
            given_up.push(p);
        }
    }
    Ok(best)
}

/// Typesets the note ([`typeset_floats`]), then, while a heading is stranded at the foot of a page
/// ([`stranded_headings`]), sets a page break before it and typesets again (each heading at most
/// once; a break that would add a page is not set).
fn typeset_breaks(note: &PdfNote, scaled: &[(usize, f64)]) -> Result<(NoteWorld, PagedDocument, Vec<usize>)> {
    let text_bottom = text_bottom_pt(note.paper);
    let mut breaks: Vec<usize> = Vec::new();
    let mut refused: Vec<usize> = Vec::new();
    let mut placed = typeset_floats(note, &breaks, scaled)?;
    while let Some(k) = stranded_headings(&placed.1, text_bottom)
        .into_iter()
        .find(|k| !breaks.contains(k) && !refused.contains(k))
    {
        let mut with = breaks.clone();
        with.push(k);
        with.sort_unstable();
        let next = typeset_floats(note, &with, scaled)?;
        // A break that costs a page (the charts after it float differently) is not kept: the
        // heading keeps what fits under it.
        if next.1.pages().len() > placed.1.pages().len() {
            refused.push(k);
            continue;
        }
        (breaks, placed) = (with, next);
    }
    Ok(placed)
}

/// Typesets the note with page breaks before the headings in `breaks`: lays it out, then floats
/// the first chart that was pushed whole to the next page (leaving a gap at the foot of the
/// previous one), and again, until no chart does (at most once per chart). A float that would add a page is not kept. Returns the world, the document
/// and the floated charts' numbers.
fn typeset_floats(
    note: &PdfNote,
    breaks: &[usize],
    scaled: &[(usize, f64)],
) -> Result<(NoteWorld, PagedDocument, Vec<usize>)> {
    let mut files = BTreeMap::new();
    for c in note.charts {
        files.insert(format!("charts/{}.png", c.name), Bytes::new(c.png.clone()));
    }
    files.insert(SIGNALS_ATTACHMENT.to_string(), Bytes::new(note.signals_json.to_vec()));
    files.insert(MANIFEST_ATTACHMENT.to_string(), Bytes::new(note.manifest_json.to_vec()));
    let today = Datetime::from_ymd(note.as_of.year(), note.as_of.month() as u8, note.as_of.day() as u8);
    // Bottom of the text area in points from the page top.
    let text_bottom = text_bottom_pt(note.paper);
    let compile = |floated: &[usize]| -> Result<(NoteWorld, PagedDocument, Vec<String>)> {
        let (source, placed) = typst_source_breaks(note, floated, breaks, scaled);
        let alts = placed.into_iter().map(|c| c.alt).collect();
        let main = Source::new(file_id("/main.typ")?, source);
        let world = NoteWorld { main, files: files.clone(), today };
        let doc: PagedDocument = typst::compile(&world)
            .output
            .map_err(|d| Error::Internal(format!("typesetting the PDF: {}", describe(&world, &d))))?;
        Ok((world, doc, alts))
    };
    let next_heads = {
        let image = |dest: &str| -> Option<String> {
            let dest = dest.strip_prefix("./").unwrap_or(dest);
            note.charts.iter().any(|c| dest == format!("charts/{}.png", c.name)).then(String::new)
        };
        let md = chart_after_its_text(note.markdown);
        (next_headings(&md, &image), own_headings(&md, &image))
    };
    let (next_heads, own_heads) = next_heads;
    // Floats one pushed chart at a time. A float that carried its chart past the next
    // section's heading (that section's text filled the gap ahead of the chart, review 16: the
    // daily chart two pages after its text) is not kept unless the chart is in `allow`: the
    // chart stays where the flow put it. Returns the placement and the charts not floated so.
    type Placed = (NoteWorld, PagedDocument, Vec<usize>);
    let place = |allow: &[usize]| -> Result<(Placed, Vec<usize>)> {
        let mut floated: Vec<usize> = Vec::new();
        let mut kept: Vec<usize> = Vec::new();
        let (mut world, mut doc, alts) = compile(&floated)?;
        loop {
            let tried: Vec<usize> = floated.iter().chain(&kept).copied().collect();
            let Some(n) = pushed_chart(&doc, text_bottom, &tried, &alts) else { break };
            if tried.len() >= alts.len() {
                break;
            }
            let mut next = floated.clone();
            next.push(n);
            let (w, d, _) = compile(&next)?;
            if d.pages().len() > doc.pages().len() {
                break;
            }
            // A float never lets a later chart overtake it (review 25, Letter: the macro chart
            // floated to page 3 while the weekly chart after it filled page 2).
            if !charts_in_order(&d, text_bottom, &alts)
                || float_above_own_heading(&d, text_bottom, &alts, &own_heads, n)
                || !allow.contains(&n) && chart_after_next_section(&d, text_bottom, &alts, &next_heads)
            {
                kept.push(n);
                continue;
            }
            (world, doc, floated) = (w, d, next);
        }
        Ok(((world, doc, floated), kept))
    };
    // Every chart in its section (issue 13: a chart floated past the next heading reads as part
    // of the wrong section), unless that takes more than one page beyond floating every pushed
    // chart, or leaves a page other than the last less than [`MIN_PLACED_FILL`] full (a gap the
    // chart heights cannot close: Letter, 2025-09-12, the relative chart too tall for what the
    // lead leaves of page 1); then the charts kept in place are let float one by one, first
    // first, until neither holds.
    let (strict, kept) = place(&[])?;
    if kept.is_empty() {
        return Ok(strict);
    }
    let all: Vec<usize> = (0..note.charts.len().max(kept.iter().max().map_or(0, |m| m + 1))).collect();
    let (loose, _) = place(&all)?;
    let budget = loose.1.pages().len() + 1;
    let alts: Vec<String> =
        typst_source_breaks(note, &[], breaks, scaled).1.into_iter().map(|c| c.alt).collect();
    // How far a placement is from acceptable: pages over the budget, then pages (not the last)
    // less than [`MIN_PLACED_FILL`] full. Lower is better; (0, 0) is acceptable.
    let score = |p: &Placed| {
        let pages = p.1.pages();
        let underfull = pages[..pages.len().saturating_sub(1)]
            .iter()
            .filter(|page| {
                fill_of(&page.frame, text_bottom, &alts).bottom - MARGIN_TOP_PT
                    < MIN_PLACED_FILL * (text_bottom - MARGIN_TOP_PT)
            })
            .count();
        (pages.len().saturating_sub(budget), underfull)
    };
    // Greedy, first chart first: a chart is let float past its section only when that brings
    // the placement closer to acceptable.
    let mut best = strict;
    let mut best_score = score(&best);
    let mut allow: Vec<usize> = Vec::new();
    for &n in &kept {
        if best_score == (0, 0) {
            break;
        }
        let mut with = allow.clone();
        with.push(n);
        let (p, _) = place(&with)?;
        let s = score(&p);
        if s < best_score {
            (best, best_score, allow) = (p, s, with);
        }
    }
    // Floating every pushed chart only when nothing less comes as close.
    Ok(if best_score <= score(&loose) { best } else { loose })
}

/// The narrowest a chart is set, as a fraction of the text width: its smallest text (11.5 of
/// [`crate::chart::PDF_DESIGN_W`] design pixels, about 8.0 pt at the full width) stays at 7 pt.
const MIN_CHART_SCALE: f64 = 7.0 / (11.5 * TEXT_WIDTH_PT / crate::chart::PDF_DESIGN_W);

/// Whether an image `width` points wide is set as a chart (the text width, or narrower down to
/// [`MIN_CHART_SCALE`] of it).
fn is_chart_width(width: f64) -> bool {
    (TEXT_WIDTH_PT * MIN_CHART_SCALE - 1.0..TEXT_WIDTH_PT + 1.0).contains(&width)
}

/// See `typeset_floats`: a placement that keeps every chart in its section but leaves a page
/// (not the last) less full than this fraction of its text area lets a chart float instead. Lower
/// than the quarter the layout tests allow, since the redraw pass in [`typeset`] closes smaller
/// gaps by drawing a chart shorter or taller.
const MIN_PLACED_FILL: f64 = 0.6;

/// Where a page's body content ends and where its charts start, in points from the page top.
#[derive(Debug, Default)]
struct PageFill {
    /// Bottom of the lowest text line or image in the text area.
    bottom: f64,
    /// Charts on the page: (number, top).
    charts: Vec<(usize, f64)>,
}

/// A page frame's [`PageFill`]: where its body content ends and where its charts start.
fn fill_of(page: &typst::layout::Frame, text_bottom: f64, alts: &[String]) -> PageFill {
    use typst::layout::FrameItem;
    let mut out = PageFill { bottom: MARGIN_TOP_PT, charts: Vec::new() };
    // The bottom of the body content and its charts, recognised by their width (the text width)
    // and their alt text (`alts[n]` is chart `n`'s).
    walk_frame(page, 0.0, 0.0, &mut |_, y, item| match item {
        FrameItem::Text(t) => {
            let bottom = y + 0.3 * t.size.to_pt();
            if y >= MARGIN_TOP_PT && bottom <= text_bottom + 1.0 {
                out.bottom = out.bottom.max(bottom);
            }
        }
        FrameItem::Image(img, size, _) => {
            let bottom = y + size.y.to_pt();
            if y >= MARGIN_TOP_PT - 1.0 && bottom <= text_bottom + 1.0 {
                out.bottom = out.bottom.max(bottom);
                if is_chart_width(size.x.to_pt()) {
                    if let Some(n) = img.alt().and_then(|a| alts.iter().position(|b| b == a)) {
                        out.charts.push((n, y));
                    }
                }
            }
        }
        _ => {}
    });
    out
}

/// The first chart (not yet floated) that opens a page after a page ending in a gap of at least
/// [`MIN_GAP_PT`]: it was moved there whole with its headings.
fn pushed_chart(doc: &PagedDocument, text_bottom: f64, floated: &[usize], alts: &[String]) -> Option<usize> {
    let fills: Vec<PageFill> = doc.pages().iter().map(|p| fill_of(&p.frame, text_bottom, alts)).collect();
    let mut pushed: Vec<usize> = fills
        .windows(2)
        .filter(|w| text_bottom - w[0].bottom >= MIN_GAP_PT)
        .flat_map(|w| w[1].charts.iter().filter(|c| c.1 - MARGIN_TOP_PT <= OPENS_PAGE_PT).map(|c| c.0))
        .filter(|n| !floated.contains(n))
        .collect();
    pushed.sort_unstable();
    pushed.first().copied()
}

/// Position of `needle` in `hay` at or after `from`.
fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|i| i + from)
}

/// Position of the last `needle` in `hay`.
fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// The object number `n` in the trailer entry `key n 0 R` (e.g. `/Info 683 0 R`) found after
/// `from`.
fn reference(pdf: &[u8], key: &[u8], from: usize) -> Option<u32> {
    let at = find(pdf, key, from)? + key.len();
    let digits: Vec<u8> =
        pdf[at..].iter().skip_while(|b| **b == b' ').take_while(|b| b.is_ascii_digit()).copied().collect();
    std::str::from_utf8(&digits).ok()?.parse().ok()
}

/// Sets the document's Producer to `producer` (an ASCII name and version, no parentheses or
/// backslashes), in the Info dictionary and in the XMP metadata alike (PDF/A requires them to
/// agree). Typst's writer exposes Creator but not Producer, so the two objects are edited in the
/// bytes and the cross-reference table is shifted to match. The layout this relies on (a classic
/// `xref` table, an uncompressed Info dictionary and XMP stream) is checked; anything else is an
/// internal error rather than a broken file.
fn set_producer(pdf: &[u8], producer: &str) -> Result<Vec<u8>> {
    let bad = |what: &str| Error::Internal(format!("setting the PDF producer: {what}"));
    if producer
        .bytes()
        .any(|b| !(b' '..=b'~').contains(&b) || matches!(b, b'(' | b')' | b'\\' | b'<' | b'>' | b'&'))
    {
        return Err(bad("the producer name is not plain ASCII"));
    }
    let trailer = rfind(pdf, b"\ntrailer\n").ok_or_else(|| bad("no trailer"))?;
    let xref = rfind(&pdf[..trailer], b"\nxref\n").ok_or_else(|| bad("no xref table"))? + 1;
    let info = reference(pdf, b"/Info", trailer).ok_or_else(|| bad("no Info entry"))?;
    let root = reference(pdf, b"/Root", trailer).ok_or_else(|| bad("no Root entry"))?;
    let object = |n: u32| -> Result<usize> {
        find(pdf, format!("\n{n} 0 obj\n").as_bytes(), 0)
            .map(|i| i + 1)
            .ok_or_else(|| bad("an object is missing"))
    };
    let root_at = object(root)?;
    let meta = reference(pdf, b"/Metadata", root_at).ok_or_else(|| bad("no Metadata entry"))?;

    // Edits as (position, bytes removed, bytes inserted), applied in position order.
    let mut edits: Vec<(usize, usize, Vec<u8>)> = Vec::new();
    // Info: `/Producer(...)` before the dictionary's closing `>>`.
    let info_at = object(info)?;
    let info_end = find(pdf, b">>\nendobj", info_at).ok_or_else(|| bad("Info is not a dictionary"))?;
    if find(&pdf[..info_end], b"/Producer", info_at).is_some() {
        return Ok(pdf.to_vec());
    }
    edits.push((info_end, 0, format!("/Producer({producer})").into_bytes()));
    // XMP: `<pdf:Producer>` before `<pdf:PDFVersion>`, and the stream's /Length grown to match.
    let meta_at = object(meta)?;
    let len_key =
        find(pdf, b"/Length ", meta_at).ok_or_else(|| bad("XMP has no length"))? + b"/Length ".len();
    let stream = find(pdf, b"stream\n", meta_at).ok_or_else(|| bad("XMP has no stream"))?;
    let len_digits = pdf[len_key..].iter().take_while(|b| b.is_ascii_digit()).count();
    let old_len: usize = std::str::from_utf8(&pdf[len_key..len_key + len_digits])
        .ok()
        .and_then(|d| d.parse().ok())
        .ok_or_else(|| bad("XMP length is not a number"))?;
    let anchor = find(pdf, b"<pdf:PDFVersion>", stream)
        .filter(|&i| i < stream + 7 + old_len)
        .ok_or_else(|| bad("XMP has no pdf:PDFVersion"))?;
    if len_key > stream || find(&pdf[..stream], b"/Filter", meta_at).is_some() {
        return Err(bad("XMP stream is not plain"));
    }
    let element = format!("<pdf:Producer>{producer}</pdf:Producer>").into_bytes();
    edits.push((len_key, len_digits, (old_len + element.len()).to_string().into_bytes()));
    edits.push((anchor, 0, element));
    edits.sort_by_key(|e| e.0);
    if edits.iter().any(|e| e.0 >= xref) {
        return Err(bad("metadata after the xref table"));
    }
    // New offset of an old position: shifted by every edit before it.
    let shift =
        |pos: usize| -> usize { edits.iter().filter(|e| e.0 < pos).fold(pos, |p, e| p + e.2.len() - e.1) };

    let mut out = Vec::with_capacity(pdf.len() + 128);
    let mut at = 0;
    for (pos, removed, inserted) in &edits {
        out.extend_from_slice(&pdf[at..*pos]);
        out.extend_from_slice(inserted);
        at = pos + removed;
    }
    out.extend_from_slice(&pdf[at..xref]);
    // The xref table: `xref`, then subsections `first count` of 20-byte entries.
    let mut i = xref;
    let line_end = |i: usize| find(pdf, b"\n", i).ok_or_else(|| bad("xref table is cut short"));
    let e = line_end(i)?;
    out.extend_from_slice(&pdf[i..=e]);
    i = e + 1;
    while i < trailer + 1 {
        let e = line_end(i)?;
        let head = std::str::from_utf8(&pdf[i..e]).map_err(|_| bad("xref subsection header"))?;
        let count: usize = head
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .ok_or_else(|| bad("xref subsection header"))?;
        out.extend_from_slice(&pdf[i..=e]);
        i = e + 1;
        for _ in 0..count {
            let entry = pdf.get(i..i + 20).ok_or_else(|| bad("xref entry is cut short"))?;
            if entry[17] == b'n' {
                let off: usize = std::str::from_utf8(&entry[..10])
                    .ok()
                    .and_then(|d| d.parse().ok())
                    .ok_or_else(|| bad("xref offset is not a number"))?;
                out.extend_from_slice(format!("{:010}", shift(off)).as_bytes());
                out.extend_from_slice(&entry[10..]);
            } else {
                out.extend_from_slice(entry);
            }
            i += 20;
        }
    }
    // The trailer, with `startxref` moved.
    let start = find(pdf, b"startxref\n", trailer).ok_or_else(|| bad("no startxref"))? + b"startxref\n".len();
    out.extend_from_slice(&pdf[i..start]);
    let digits = pdf[start..].iter().take_while(|b| b.is_ascii_digit()).count();
    out.extend_from_slice(shift(xref).to_string().as_bytes());
    out.extend_from_slice(&pdf[start + digits..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Format;
    use crate::report::{build, demo, RenderOptions};

    fn note<'a>(md: &'a str, charts: &'a [Chart]) -> PdfNote<'a> {
        PdfNote {
            markdown: md,
            charts,
            symbol: "IWM",
            name: "",
            title: "Test",
            as_of: NaiveDate::from_ymd_opt(2024, 1, 5).unwrap(),
            signals_json: b"{}",
            manifest_json: b"{}",
            paper: Paper::A4,
            author: "",
            redraw: None,
        }
    }

    /// The text on each page, runs joined by spaces.
    fn page_texts(doc: &PagedDocument) -> Vec<String> {
        fn walk(f: &typst::layout::Frame, out: &mut String) {
            for (_, item) in f.items() {
                match item {
                    typst::layout::FrameItem::Group(g) => walk(&g.frame, out),
                    typst::layout::FrameItem::Text(t) => {
                        out.push_str(&t.text);
                        out.push(' ');
                    }
                    _ => {}
                }
            }
        }
        doc.pages()
            .iter()
            .map(|p| {
                let mut s = String::new();
                walk(&p.frame, &mut s);
                s
            })
            .collect()
    }

    /// Six paragraphs (about 400 pt) and then a section whose chart (a 1×1 PNG: 460 pt square at
    /// the text width) cannot fit below them, with text written after the chart (the PDF sets it
    /// before the chart: `chart_after_its_text`).
    fn pushed_markdown() -> String {
        let para = "Every word of this paragraph is filler text set to take up room on the page. ".repeat(5);
        format!(
            "# Title\n\n{}## Weekly\n\n![w](charts/weekly.png)\n\nIntro.\n\nAfter the chart.\n",
            format!("{para}\n\n").repeat(6)
        )
    }

    #[test]
    fn a_chart_pushed_to_the_next_page_floats_and_its_text_fills_the_gap() {
        let charts = demo::charts();
        let md = pushed_markdown();
        let (_, doc, floated) = typeset(&note(&md, &charts)).unwrap();
        assert_eq!(floated, vec![0]);
        let pages = page_texts(&doc);
        assert_eq!(pages.len(), 2, "{pages:?}");
        // The heading stays with the text after the chart on page 1; the chart opens page 2.
        assert!(pages[0].contains("Weekly") && pages[0].contains("After"), "{pages:?}");
        let fill = fill_of(&doc.pages()[1].frame, text_bottom_pt(Paper::A4), &["w".into()]);
        assert_eq!(fill.charts.len(), 1);
        assert!((fill.charts[0].1 - MARGIN_TOP_PT).abs() < 1.0, "chart at the top: {fill:?}");
        // Nothing is left to float: the result is a fixed point.
        assert_eq!(pushed_chart(&doc, text_bottom_pt(Paper::A4), &floated, &["w".into()]), None);
        // Without the float the heading and chart would open page 2, leaving page 1 part empty.
        let (source, placed) = typst_source_breaks(&note(&md, &charts), &[], &[], &[]);
        assert!(source.contains("#let floated = ()") && source.contains("#note-chart(0, image("), "{source}");
        // The layout pass knows each chart by the name the converter placed it under.
        assert_eq!(chart_names(&placed), ["weekly"]);
        assert_eq!(placed.len(), 1);
    }

    /// Issue 13 (Letter review): a chart floated to the top of the next page landed between two
    /// lines of the paragraph after it. The paragraphs after a floated chart in its section are
    /// now set whole, so the text after the float opens a paragraph, whatever the filler length.
    #[test]
    fn a_floated_chart_lands_between_paragraphs() {
        let charts = demo::charts();
        let para = "Every word of this paragraph is filler text set to take up room on the page. ".repeat(5);
        let after: String = (0..12)
            .map(|k| {
                format!(
                    "Paragraph {k} after the chart. {}\n\n",
                    "Words that fill several lines here. ".repeat(14)
                )
            })
            .collect();
        let (mut floats, mut split_tested) = (0, 0);
        for extra in 0..16 {
            let md = format!(
                "# Title\n\n{}{}## Weekly\n\n![w](charts/weekly.png)\n\n{after}## Next\n\nEnd.\n",
                format!("{para}\n\n").repeat(6),
                "Line.\n\n".repeat(extra)
            );
            let (_, doc, floated) = typeset(&note(&md, &charts)).unwrap();
            if floated != vec![0] {
                continue;
            }
            floats += 1;
            // On the chart's page, the first line under it opens a paragraph.
            let text_bottom = text_bottom_pt(Paper::A4);
            let page = doc
                .pages()
                .iter()
                .find(|p| !fill_of(&p.frame, text_bottom, &["w".into()]).charts.is_empty())
                .unwrap();
            let mut lines: Vec<(f64, String)> = Vec::new();
            walk_frame(&page.frame, 0.0, 0.0, &mut |_, y, item| {
                if let typst::layout::FrameItem::Text(t) = item {
                    if y > MARGIN_TOP_PT + 100.0 && y < text_bottom {
                        lines.push((y, t.text.to_string()));
                    }
                }
            });
            lines.sort_by(|a, b| a.0.total_cmp(&b.0));
            // (Nothing under it: the text all fitted before it.)
            if let Some((_, first)) = lines.first() {
                assert!(first.starts_with("Paragraph") || first.starts_with("Next"), "{extra}: {first:?}");
                split_tested += 1;
            }
        }
        assert!(floats > 0 && split_tested > 0, "some filler length floats the chart above text");
    }

    /// The back matter is found in a real note: the template writes [`super::super::METHOD_HEADING`]
    /// and the converter turns it into the heading `back_matter` looks for, so the smaller type
    /// starts there (a renamed heading would silently set the whole note in the body type).
    #[test]
    fn the_back_matter_starts_at_the_method_heading() {
        let method =
            super::super::templates::EMBEDDED.iter().find(|(n, _)| *n == "_method.md.tera").unwrap().1;
        assert!(method.starts_with(super::super::METHOD_HEADING), "{method}");
        let charts = demo::charts();
        let md = format!("# Title\n\nBody text.\n\n{}\n\nSources.\n", super::super::METHOD_HEADING);
        let (source, _) = typst_source_charts(&note(&md, &charts), &[]);
        let at = source.find(&back_matter()).expect("the method heading in the typst source");
        let small = source.find("#set text(size: 7.5pt)").expect("the back-matter type");
        assert!(small < at && source[small..at].trim_end().ends_with("leading: 0.5em)"), "{source}");
        assert!(source[..small].contains("Body text") && source[at..].contains("Sources"), "{source}");
    }

    /// A tall chart pushed to the next page does not float when that would let the shorter chart
    /// after it (in the same section) fill the gap ahead of it (review 25, Letter: the macro chart floated to page 3
    /// while the weekly chart came up onto page 2): figures keep the order they are written in.
    #[test]
    fn a_float_never_lets_a_later_chart_overtake_it() {
        let mut charts = demo::charts();
        // The weekly chart is wide and short: 460 × 115 pt at the text width.
        charts[0].png = crate::chart::encode::png_rgb(&[255; 4 * 3], 4, 1).unwrap();
        let para = "Every word of this paragraph is filler text set to take up room on the page. ".repeat(5);
        let md = format!(
            "# Title\n\n{}## Macro\n\n![m](charts/macro.png)\n\nAfter the macro chart.\n\n\
             ![w](charts/weekly.png)\n\nAfter the weekly chart.\n",
            format!("{para}\n\n").repeat(6)
        );
        let (_, doc, _) = typeset(&note(&md, &charts)).unwrap();
        let alts = ["m".to_string(), "w".to_string()];
        let text_bottom = text_bottom_pt(Paper::A4);
        assert!(charts_in_order(&doc, text_bottom, &alts), "{:?}", page_texts(&doc));
        // Floating the macro chart alone would have put the weekly chart first.
        let (source, _) = typst_source_charts(&note(&md, &charts), &[0]);
        let main = Source::new(file_id("/main.typ").unwrap(), source);
        let mut files = BTreeMap::new();
        for c in &charts {
            files.insert(format!("charts/{}.png", c.name), Bytes::new(c.png.clone()));
        }
        files.insert(SIGNALS_ATTACHMENT.to_string(), Bytes::new(b"{}".to_vec()));
        files.insert(MANIFEST_ATTACHMENT.to_string(), Bytes::new(b"{}".to_vec()));
        let world = NoteWorld { main, files, today: Datetime::from_ymd(2024, 1, 5) };
        let floated: PagedDocument = typst::compile(&world).output.unwrap();
        assert!(!charts_in_order(&floated, text_bottom, &alts), "the case is one where order is at stake");
    }

    /// Review 32 (issue 13): a heading with two lines of its section under it at the foot of a
    /// page ("Macro Backdrop" and the first bullet) starts the next page instead.
    #[test]
    fn a_heading_keeps_three_lines_of_its_section_on_its_page() {
        let charts = demo::charts();
        let para = "Every word of this paragraph is filler text set to take up room on the page. ".repeat(5);
        let bullets = "- A bullet long enough to wrap onto a second line of the page: it holds the words a \
                       reader of the section needs before the next one starts.\n"
            .repeat(6);
        // Find how many filler lines leave the heading with one or two lines under it.
        let text_bottom = text_bottom_pt(Paper::A4);
        let mut tested = 0;
        for extra in 0..24 {
            let filler = format!("{}{}", format!("{para}\n\n").repeat(10), "Line.\n\n".repeat(extra));
            let md = format!("# Title\n\n{filler}## Macro\n\n{bullets}\n## After\n\nMore.\n");
            let (source, _) = typst_source_charts(&note(&md, &charts), &[]);
            let main = Source::new(file_id("/main.typ").unwrap(), source);
            let mut files = BTreeMap::new();
            files.insert(SIGNALS_ATTACHMENT.to_string(), Bytes::new(b"{}".to_vec()));
            files.insert(MANIFEST_ATTACHMENT.to_string(), Bytes::new(b"{}".to_vec()));
            let world = NoteWorld { main, files, today: Datetime::from_ymd(2024, 1, 5) };
            let plain: PagedDocument = typst::compile(&world).output.unwrap();
            let stranded = stranded_headings(&plain, text_bottom);
            if stranded.is_empty() {
                continue;
            }
            // Heading 1 is "Macro" (the title is 0), stranded without the layout pass ...
            assert_eq!(stranded, vec![1], "{:?}", page_texts(&plain));
            tested += 1;
            // ... and set on the next page with its bullets by it.
            let (_, doc, _) = typeset(&note(&md, &charts)).unwrap();
            assert!(stranded_headings(&doc, text_bottom).is_empty(), "{:?}", page_texts(&doc));
            let pages = page_texts(&doc);
            let at = pages.iter().position(|p| p.contains("Macro")).unwrap();
            assert!(at > 0 && pages[at].contains("bullet"), "{pages:?}");
        }
        assert!(tested > 0, "some filler length strands the heading");
    }

    /// A redraw as the chart module's, on the demo charts: chart `name` set `ratio` times as tall
    /// as it is wide (100 px wide), held between [`crate::chart::PDF_SHRINK`] and
    /// [`crate::chart::PDF_GROW`] times its own height.
    fn demo_redraw(charts: &[Chart]) -> impl Fn(&str, f64) -> Result<Option<Chart>> + Sync + '_ {
        move |name, ratio| {
            let Some(c) = charts.iter().find(|c| c.name == name) else { return Ok(None) };
            let own = png_ratio(&c.png).unwrap();
            let r = ratio.clamp(own * crate::chart::PDF_SHRINK, own * crate::chart::PDF_GROW);
            let h = (100.0 * r).round() as u32;
            let png = crate::chart::encode::png_rgb(&vec![255; 100 * h as usize * 3], 100, h)?;
            Ok(Some(Chart { png, ..c.clone() }))
        }
    }

    /// The page gaps ([`page_gaps`]) of `md` typeset as it is and with the chart redraw pass,
    /// and the redrawn document.
    fn with_and_without_redraw(
        md: &str,
        charts: &[Chart],
        redraw: &(dyn Fn(&str, f64) -> Result<Option<Chart>> + Sync),
        text_bottom: f64,
    ) -> ((usize, usize, f64), (usize, usize, f64), PagedDocument) {
        let plain = note(md, charts);
        let alts = typst_source_charts(&plain, &[]).1;
        let (_, before, _) = typeset(&plain).unwrap();
        let (_, after, _) = typeset(&PdfNote { redraw: Some(Redraw(redraw)), ..plain }).unwrap();
        (page_gaps(&before, text_bottom, &alts), page_gaps(&after, text_bottom, &alts), after)
    }

    /// The printed heights of the charts on each page.
    fn chart_heights(doc: &PagedDocument) -> Vec<Vec<f64>> {
        doc.pages()
            .iter()
            .map(|p| {
                let mut v = Vec::new();
                walk_frame(&p.frame, 0.0, 0.0, &mut |_, _, item| {
                    if let typst::layout::FrameItem::Image(_, size, _) = item {
                        v.push(size.y.to_pt());
                    }
                });
                v
            })
            .collect()
    }

    /// Issue 13 (pages that fill): a chart a little too tall for what its text leaves of the page
    /// moved whole to the next one, leaving the page part empty; it is drawn a little shorter
    /// and stays under its text. Held at its shortest, it is set narrower, down to
    /// [`MIN_CHART_SCALE`] of the text width (its text at 7 pt); a chart that would need more is
    /// not, and the pass never makes the pages worse.
    #[test]
    fn a_chart_a_little_too_tall_for_its_page_is_drawn_shorter_to_fit() {
        let charts = demo::charts();
        let redraw = demo_redraw(&charts);
        let para = "Every word of this paragraph is filler text set to take up room on the page. ".repeat(5);
        let text_bottom = text_bottom_pt(Paper::A4);
        let (mut fixed, mut narrower) = (0, 0);
        for extra in 0..30 {
            let md = format!(
                "# Title\n\n{}{}## Weekly\n\nIntro.\n\n![w](charts/weekly.png)\n\nAfter the chart.\n",
                format!("{para}\n\n").repeat(3),
                "Line.\n\n".repeat(extra)
            );
            let (b, a, after) = with_and_without_redraw(&md, &charts, &redraw, text_bottom);
            assert!(a.0 <= b.0 && a.1 <= b.1, "{extra}: {b:?} -> {a:?}");
            if b.1 > 0 && a.1 == 0 {
                // The chart (460 pt at its own height) is on page 1, shorter, under its text.
                assert_eq!(after.pages().len(), 1, "{extra}");
                let h = chart_heights(&after)[0][0];
                let lowest = crate::chart::PDF_SHRINK * MIN_CHART_SCALE * 460.0;
                assert!((lowest - 1.0..459.0).contains(&h), "{extra}: {h}");
                // Narrower only once drawn at its shortest, and never below the floor.
                let mut widths = Vec::new();
                walk_frame(&after.pages()[0].frame, 0.0, 0.0, &mut |_, _, item| {
                    if let typst::layout::FrameItem::Image(_, size, _) = item {
                        widths.push(size.x.to_pt());
                    }
                });
                let w = widths[0];
                assert!((MIN_CHART_SCALE * 460.0 - 0.5..=460.5).contains(&w), "{extra}: {w}");
                if w < 459.0 {
                    assert!(h <= crate::chart::PDF_SHRINK * 460.0 * w / 460.0 + 1.0, "{extra}: {w} × {h}");
                    narrower += 1;
                }
                fixed += 1;
            }
        }
        assert!(fixed > 0, "some filler length leaves the chart a little too tall for page 1");
        assert!(narrower > 0, "some filler length needs the chart set narrower");
    }

    /// Issue 13 (pages that fill): a page whose next chart cannot fit under its text even drawn
    /// shorter has a chart on it drawn taller to fill it.
    #[test]
    fn a_page_the_next_chart_leaves_empty_has_its_own_chart_drawn_taller() {
        let charts = demo::charts();
        let redraw = demo_redraw(&charts);
        let text_bottom = text_bottom_pt(Paper::A4);
        let mut grown = 0;
        for extra in 0..16 {
            let md = format!(
                "# Title\n\n{}## Weekly\n\nIntro.\n\n![w](charts/weekly.png)\n\n## Daily\n\nIntro.\n\n\
                 ![d](charts/daily.png)\n\nAfter the chart.\n",
                "Line.\n\n".repeat(extra)
            );
            let (b, a, after) = with_and_without_redraw(&md, &charts, &redraw, text_bottom);
            assert!(a.0 <= b.0 && (a.1, a.2) <= (b.1, b.2), "{extra}: {b:?} -> {a:?}");
            if b.1 > 0 && a.1 == 0 {
                // The weekly chart on page 1 is taller; the daily chart still opens page 2.
                let heights = chart_heights(&after);
                assert!(
                    heights[0][0] > 461.0 && heights[0][0] <= crate::chart::PDF_GROW * 460.0 + 1.0,
                    "{extra}: {heights:?}"
                );
                assert_eq!(heights[1].first().map(|h| h.round()), Some(460.0), "{extra}: {heights:?}");
                grown += 1;
            }
        }
        assert!(grown > 0, "some filler length leaves page 1 a little too empty");
    }

    #[test]
    fn a_chart_that_fits_stays_where_it_is_written() {
        let charts = demo::charts();
        let md = "# Title\n\nShort text.\n\n## Weekly\n\n![w](charts/weekly.png)\n\nAfter the chart.\n";
        let (_, doc, floated) = typeset(&note(md, &charts)).unwrap();
        assert!(floated.is_empty());
        assert_eq!(doc.pages().len(), 1);
    }

    /// Every in-use xref entry points at `n 0 obj` and startxref at the table.
    fn assert_xref_exact(pdf: &[u8]) {
        let xref = rfind(pdf, b"\nxref\n").unwrap() + 1;
        let sx = find(pdf, b"startxref\n", xref).unwrap() + 10;
        let start: usize =
            std::str::from_utf8(&pdf[sx..sx + 12]).unwrap().split('\n').next().unwrap().parse().unwrap();
        assert_eq!(start, xref);
        let head_end = find(pdf, b"\n", xref + 5).unwrap();
        let head = std::str::from_utf8(&pdf[xref + 5..head_end]).unwrap();
        let mut it = head.split_whitespace().map(|v| v.parse::<usize>().unwrap());
        let (first, count) = (it.next().unwrap(), it.next().unwrap());
        let mut used = 0;
        for i in 0..count {
            let e = &pdf[head_end + 1 + 20 * i..head_end + 21 + 20 * i];
            if e[17] == b'n' {
                let off: usize = std::str::from_utf8(&e[..10]).unwrap().parse().unwrap();
                assert!(pdf[off..].starts_with(format!("{} 0 obj", first + i).as_bytes()), "entry {i}");
                used += 1;
            }
        }
        assert!(used > 10);
    }

    #[test]
    fn producer_and_author_are_set_and_the_xref_stays_exact() {
        let opts = RenderOptions { formats: vec![Format::Pdf], ..RenderOptions::default() };
        let mut a = demo::analysis("IWM");
        let pdf = build(&a, &demo::charts(), &opts).unwrap().files.remove("note.pdf").unwrap();
        let has = |b: &[u8], n: &str| find(b, n.as_bytes(), 0).is_some();
        let producer = crate::document::generator();
        assert!(has(&pdf, &format!("/Producer({producer})")), "Info Producer");
        assert!(has(&pdf, &format!("<pdf:Producer>{producer}</pdf:Producer>")), "XMP Producer");
        assert!(has(&pdf, "/Author(marketnote)"), "default author");
        assert_xref_exact(&pdf);
        // The XMP stream's /Length is its length.
        let meta = find(&pdf, b"/Type/Metadata", 0).unwrap();
        let obj = rfind(&pdf[..meta], b" 0 obj\n").unwrap();
        let len_at = find(&pdf, b"/Length ", obj).unwrap() + 8;
        let len: usize = std::str::from_utf8(&pdf[len_at..len_at + 8])
            .unwrap()
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let body = find(&pdf, b"stream\n", meta).unwrap() + 7;
        assert_eq!(&pdf[body + len..body + len + 10], b"\nendstream");
        // Idempotent, and the author comes from the config.
        assert_eq!(set_producer(&pdf, &producer).unwrap(), pdf);
        a.config.output.author = Some("Research (desk) \\ one".into());
        let pdf = build(&a, &demo::charts(), &opts).unwrap().files.remove("note.pdf").unwrap();
        assert!(has(&pdf, "<rdf:li>Research (desk) \\ one</rdf:li>"), "XMP author");
        assert_xref_exact(&pdf);
        // A layout it does not know is an error, not a broken file.
        assert!(set_producer(b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", &producer).is_err());
    }
}
