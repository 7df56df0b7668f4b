//! Markdown in, Typst markup out: the note's markdown (the default templates or a user's) walked
//! as pulldown-cmark events and written as Typst markup for the PDF.
//!
//! Nothing from the markdown is ever Typst syntax: text is written with every ASCII punctuation
//! character backslash-escaped (so `#`, `*`, `_`, `$`, `<`, `@`, `=`, `-`, `/`, `[`, `]` and the
//! shorthands `--`, `...`, `~` stay literal), and values passed to Typst functions (code, link
//! targets, alt text, image paths) are written as escaped string literals. Raw HTML becomes
//! visible text (comments are dropped), as in the HTML output. Handled: headings, paragraphs,
//! emphasis, strong, strikethrough, inline code and code blocks, block quotes, ordered, unordered
//! and task lists, tables (with column alignment), footnotes, rules, hard breaks, images (with
//! alt text) and links (`http`, `https` and `mailto` become PDF links; other targets keep only
//! their text, since a relative path means nothing inside an archived PDF).

use super::html::markdown_options;
use pulldown_cmark::{Alignment, CodeBlockKind, Event, HeadingLevel, Parser, Tag, TagEnd};
use std::cell::RefCell;
use std::collections::BTreeMap;

/// Inline code longer than this (in characters, without whitespace) may break across lines...
const LONG_CODE: usize = 32;
/// ...every this many characters (a SHA-256 in a table cell breaks into two lines).
const CODE_CHUNK: usize = 32;

/// The pieces inline code `s` is set in: one, or chunks of [`CODE_CHUNK`] characters when it is
/// long and has no whitespace (so it can break between chunks).
fn code_pieces(s: &str) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= LONG_CODE || chars.iter().any(|c| c.is_whitespace()) {
        return vec![s.to_string()];
    }
    chars.chunks(CODE_CHUNK).map(|c| c.iter().collect()).collect()
}

/// Writes inline code: `#raw("...")`, long code as pieces joined by a hair of weak spacing (a
/// line break opportunity that adds no character to the text; Typst ignores zero spacing).
fn push_code(out: &mut String, s: &str) {
    for (i, piece) in code_pieces(s).iter().enumerate() {
        if i > 0 {
            out.push_str(CODE_BREAK);
        }
        out.push_str("#raw(");
        out.push_str(&string_literal(piece));
        out.push(')');
    }
}

/// Added to every column width, in em (rounding in measurement and layout).
const SLACK_EM: f64 = 0.1;

/// Between the pieces of long inline code.
const CODE_BREAK: &str = "#h(0.01pt, weak: true)";

/// The face a run of table text is set in (for measuring).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    /// Regular text.
    Regular,
    /// Bold text: header cells and strong emphasis.
    Bold,
    /// Code.
    Mono,
}

/// How tables are fitted to the text width: column widths are computed here, like a browser's
/// automatic table layout, from each column's narrowest possible width (its longest word) and its
/// natural width (its longest cell on one line), both measured with the real font.
pub struct TableFit<'a> {
    /// Width in em of a text run in a face. Must not panic on any text.
    pub measure: &'a dyn Fn(&str, Face) -> f64,
    /// The width available to a table, in em of the table's type size.
    pub available_em: f64,
    /// Horizontal cell padding on each side, in em of the table's type size.
    pub inset_em: f64,
}

/// The narrowest horizontal cell padding, in em of the table's type size: a crowded table (see
/// [`crowded`]) is set with it.
pub const TIGHT_INSET_EM: f64 = 0.25;
/// Vertical cell padding in em of the table's type size (written with a tight inset, which
/// replaces the preamble's whole `inset`).
pub const TABLE_INSET_Y_EM: f64 = 0.36;

/// Whether a table is crowded: the room its columns have beyond their narrowest widths is less
/// than what the tight inset would free (issue 13: the track table's eleven columns, whose text
/// needed the room more than the padding did).
fn crowded(widths: &[(f64, f64)], fit: &TableFit) -> bool {
    let pad = 2.0 * fit.inset_em + SLACK_EM;
    let sum_min: f64 = widths.iter().map(|w| w.0 + pad).sum();
    let sum_max: f64 = widths.iter().map(|w| w.1.max(w.0) + pad).sum();
    let freed = 2.0 * (fit.inset_em - TIGHT_INSET_EM).max(0.0) * widths.len() as f64;
    sum_max > fit.available_em && fit.available_em - sum_min < freed
}

/// Writes `s` as Typst markup text: ASCII punctuation backslash-escaped, line breaks and tabs as
/// spaces, other control characters dropped.
pub fn push_text(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            c if c.is_ascii_punctuation() => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
}

/// `s` as a Typst string literal (`"..."`), with `\`, `"` and line breaks escaped and other
/// control characters dropped.
pub fn string_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A link target the PDF keeps as a link: an absolute `http`, `https` or `mailto` URL without
/// whitespace or control characters.
fn is_pdf_link(dest: &str) -> bool {
    let lower = dest.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with("mailto:"))
        && !dest.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// One open container whose Typst form is only known when it closes.
enum Frame {
    /// A list: `start` is `Some(n)` for an ordered list; items are finished markup.
    List { start: Option<u64>, items: Vec<String> },
    /// A list item being written.
    Item,
    /// A table: alignments, the header cells, the body cells, per column the (narrowest,
    /// natural) width in em (natural: of the body cells; narrowest: of all) and the header's
    /// natural width.
    Table {
        align: Vec<Alignment>,
        head: Vec<String>,
        body: Vec<String>,
        widths: Vec<(f64, f64)>,
        head_widths: Vec<f64>,
        in_head: bool,
    },
    /// A table cell being written: its visible text as (text, face) runs.
    Cell { runs: Vec<(String, Face)> },
    /// An image: its resolved path (None: show the alt text) and the alt text so far.
    Image { path: Option<String>, alt: String, fallback: String },
    /// A footnote definition being written (its markup is stored, not emitted in place).
    Footnote { label: String },
    /// A code block: its text, passed to Typst as a string literal.
    Code { text: String },
    /// Other containers are written in place.
    Inline,
}

/// Converts markdown to Typst markup. `image` maps an image destination (`charts/weekly.png`) to
/// the path the Typst world serves it under; an image it does not know shows its alt text.
/// `fallback_alt` gives the alt text for an image written without one (from its destination).
/// Tables get explicit column widths from `fit`. Each image found is written as
/// `#note-chart(n, image(...))`, `n` counting from 0 (the PDF preamble defines `note-chart`).
/// Keep-together marks for the preamble's layout rules (issue 13): a top-level paragraph that
/// introduces a table or list ([`keep_with_next`]) or follows chart `n` in its section is written
/// `#note-par(n or none, sticky)[...]`, and a table of at most [`SHORT_TABLE_ROWS`] rows
/// `#note-whole[...]`.
pub fn markdown_to_typst(
    md: &str,
    image: &dyn Fn(&str) -> Option<String>,
    fallback_alt: &dyn Fn(&str) -> String,
    fit: &TableFit,
) -> String {
    markdown_to_typst_charts(md, image, fallback_alt, fit).0
}

/// A chart the conversion placed: the path `image` gave it and its alt text as Typst holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedChart {
    /// The path in the Typst world (`/charts/weekly.png`).
    pub path: String,
    /// Its alt text, control characters dropped as the Typst literal drops them.
    pub alt: String,
}

/// [`markdown_to_typst`], and chart `n` at index `n`.
pub fn markdown_to_typst_charts(
    md: &str,
    image: &dyn Fn(&str) -> Option<String>,
    fallback_alt: &dyn Fn(&str) -> String,
    fit: &TableFit,
) -> (String, Vec<PlacedChart>) {
    let events: Vec<Event> = Parser::new_ext(md, markdown_options()).collect();
    // Footnote definitions first, so a reference can carry its note.
    let mut notes: BTreeMap<String, String> = BTreeMap::new();
    let ctx =
        Ctx { image, fallback_alt, fit, charts: RefCell::new(Vec::new()), keep_tail: Default::default() };
    convert(&events, &ctx, &mut notes, true);
    let text = convert(&events, &ctx, &mut notes, false);
    (text, ctx.charts.into_inner())
}

/// What the conversion consults.
struct Ctx<'a> {
    image: &'a dyn Fn(&str) -> Option<String>,
    fallback_alt: &'a dyn Fn(&str) -> String,
    fit: &'a TableFit<'a>,
    /// Every chart written so far in this pass, in order.
    charts: RefCell<Vec<PlacedChart>>,
    /// Whether the list being closed is followed by a short paragraph that closes it (see
    /// [`closes_list`]): its last item is then written `#note-tail(...)`.
    keep_tail: std::cell::Cell<bool>,
}

fn convert(events: &[Event], ctx: &Ctx, notes: &mut BTreeMap<String, String>, collect_notes: bool) -> String {
    ctx.charts.borrow_mut().clear();
    // Output buffers: the bottom one is the document; each open frame that is assembled at its
    // end (list item, cell, image alt, footnote) writes into its own buffer.
    let mut bufs: Vec<String> = vec![String::new()];
    let mut frames: Vec<Frame> = Vec::new();
    let mut link_kept: Vec<bool> = Vec::new();
    let in_image = |frames: &[Frame]| frames.iter().any(|f| matches!(f, Frame::Image { .. }));
    // Open strong emphasis, and whether the table head is being written (bold text).
    let mut strong = 0usize;
    // The last chart written in the current section (reset at every heading), and whether the
    // top-level paragraph being written was wrapped in `note-par` (see [`keep_with_next`]).
    let mut section_chart: Option<usize> = None;
    let mut wrapped = false;
    let mut charts_before = 0;
    for (i, ev) in events.iter().enumerate() {
        let top_level = frames.is_empty() && bufs.len() == 1;
        match ev {
            Event::Start(Tag::Heading { .. }) if top_level => section_chart = None,
            Event::Start(Tag::Paragraph) if top_level => {
                let sticky = keep_with_next(events, i);
                let n = section_chart.filter(|_| !image_paragraph(events, i));
                wrapped = sticky || n.is_some();
                charts_before = ctx.charts.borrow().len();
                if wrapped {
                    let n = n.map_or("none".to_string(), |n| n.to_string());
                    top(&mut bufs).push_str(&format!("\n#note-par({n}, {sticky})[\n\n"));
                }
                continue;
            }
            Event::End(TagEnd::Paragraph) if top_level => {
                let n = ctx.charts.borrow().len();
                if n > charts_before && image_paragraph_ends(events, i) {
                    section_chart = Some(n - 1);
                }
                top(&mut bufs).push_str(if wrapped { "\n\n]\n\n" } else { "\n\n" });
                wrapped = false;
                continue;
            }
            _ => {}
        }
        match ev {
            Event::Start(Tag::Strong) => strong += 1,
            Event::End(TagEnd::Strong) => strong = strong.saturating_sub(1),
            _ => {}
        }
        let bold = strong > 0 || frames.iter().any(|f| matches!(f, Frame::Table { in_head: true, .. }));
        let face = if bold { Face::Bold } else { Face::Regular };
        // Inside an image only text counts, as alt text.
        if in_image(&frames) && !matches!(ev, Event::End(TagEnd::Image) | Event::Start(Tag::Image { .. })) {
            if let (
                Event::Text(s) | Event::Code(s) | Event::InlineHtml(s) | Event::Html(s),
                Some(Frame::Image { alt, .. }),
            ) = (ev, frames.iter_mut().rev().find(|f| matches!(f, Frame::Image { .. })))
            {
                alt.push_str(s);
            }
            continue;
        }
        if let (Event::Text(s), Some(Frame::Code { text })) = (ev, frames.last_mut()) {
            text.push_str(s);
            continue;
        }
        let out = bufs.last_mut().expect("the document buffer is never popped");
        match ev {
            Event::Text(s) => {
                push_text(out, s);
                count(&mut frames, s, face);
            }
            Event::Code(s) => {
                push_code(out, s);
                count(&mut frames, s, Face::Mono);
            }
            Event::Html(s) | Event::InlineHtml(s) => {
                let t = s.trim();
                if !(t.starts_with("<!--") && t.ends_with("-->")) {
                    push_text(out, s);
                    count(&mut frames, s, face);
                }
            }
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push_str("\\\n"),
            Event::Rule => out.push_str("\n#line(length: 100%, stroke: 0.5pt + luma(160))\n\n"),
            Event::TaskListMarker(done) => out.push_str(if *done { "☑ " } else { "☐ " }),
            Event::FootnoteReference(label) => {
                if collect_notes {
                    continue;
                }
                match notes.get(label.as_ref()) {
                    Some(n) => {
                        out.push_str("#footnote[");
                        out.push_str(n);
                        out.push(']');
                    }
                    None => {
                        push_text(out, &format!("[^{label}]"));
                    }
                }
            }
            Event::InlineMath(s) | Event::DisplayMath(s) => push_text(out, s),
            Event::Start(tag) => start(tag, &mut bufs, &mut frames, &mut link_kept, ctx),
            Event::End(tag) => {
                let top_list = matches!(tag, TagEnd::List(_)) && frames.len() == 1 && bufs.len() == 1;
                ctx.keep_tail.set(top_list && closes_list(events, i + 1));
                end(*tag, &mut bufs, &mut frames, &mut link_kept, notes, collect_notes, ctx)
            }
        }
    }
    bufs.truncate(1);
    bufs.pop().unwrap_or_default()
}

/// A table with at most this many body rows is set whole on one page (issue 13: a base-rate
/// table of one row opened a page on its own).
pub const SHORT_TABLE_ROWS: usize = 6;
/// A paragraph that introduces a table or list keeps with it when its text is at most this many
/// characters (about five lines): a longer one may break across the page, its tail keeping the
/// table company, rather than move whole and leave a gap.
pub const KEEP_INTRO_CHARS: usize = 480;

/// The index of the event closing the top-level paragraph opened at `events[i]`.
fn paragraph_end(events: &[Event], i: usize) -> usize {
    events[i..]
        .iter()
        .position(|e| matches!(e, Event::End(TagEnd::Paragraph)))
        .map_or(events.len(), |k| i + k)
}

/// Whether the paragraph opened at `events[i]` is an image and nothing else (a chart).
fn image_paragraph(events: &[Event], i: usize) -> bool {
    let inner = &events[i + 1..paragraph_end(events, i)];
    matches!(inner.first(), Some(Event::Start(Tag::Image { .. })))
        && matches!(inner.last(), Some(Event::End(TagEnd::Image)))
}

/// Whether the paragraph closed at `events[j]` is an image and nothing else.
fn image_paragraph_ends(events: &[Event], j: usize) -> bool {
    j > 0 && matches!(events[j - 1], Event::End(TagEnd::Image)) && {
        let i = events[..j].iter().rposition(|e| matches!(e, Event::Start(Tag::Paragraph)));
        i.is_some_and(|i| image_paragraph(events, i))
    }
}

/// Whether the top-level paragraph opened at `events[i]` keeps with the block after it (sticks
/// to it: no page break between them): it introduces a table or a list (a bold lead-in such as
/// "**Not assessed.**" before its bullets, a sentence before the table it describes) and is
/// short enough to move whole (see [`KEEP_INTRO_CHARS`]).
///
/// Also the paragraph right before the note's last heading when that last section is short
/// (at most [`TAIL_CHARS`] of text: the disclaimer): the end of the section before keeps with it,
/// so the last page never holds the disclaimer alone (issue 13 follow-up, Letter 2025-09-12).
fn keep_with_next(events: &[Event], i: usize) -> bool {
    let (introduces, chars) = paragraph_shape(events, i);
    introduces && !image_paragraph(events, i) && chars <= KEEP_INTRO_CHARS || before_short_tail(events, i)
}

/// The note's last section (after its last heading) keeps the paragraph before it on its page
/// when it holds at most this many characters of text (see [`keep_with_next`]).
pub const TAIL_CHARS: usize = 800;

/// Whether the top-level paragraph opened at `events[i]` is followed by the note's last heading
/// and that heading's section is short (see [`TAIL_CHARS`]).
fn before_short_tail(events: &[Event], i: usize) -> bool {
    let j = paragraph_end(events, i);
    let rest = events.get(j + 1..).unwrap_or(&[]);
    matches!(rest.first(), Some(Event::Start(Tag::Heading { .. })))
        && !rest[1..].iter().any(|e| matches!(e, Event::Start(Tag::Heading { .. })))
        && rest
            .iter()
            .map(|e| match e {
                Event::Text(s) | Event::Code(s) => s.chars().count(),
                _ => 0,
            })
            .sum::<usize>()
            <= TAIL_CHARS
        && !image_paragraph(events, i)
}

/// Of the top-level paragraph opened at `events[i]`: whether a table or list follows it, and its
/// visible length in characters (a soft break counts one).
fn paragraph_shape(events: &[Event], i: usize) -> (bool, usize) {
    let j = paragraph_end(events, i);
    let introduces = matches!(events.get(j + 1), Some(Event::Start(Tag::Table(_) | Tag::List(_))));
    let chars: usize = events[i..j]
        .iter()
        .map(|e| match e {
            Event::Text(s) | Event::Code(s) => s.chars().count(),
            Event::SoftBreak => 1,
            _ => 0,
        })
        .sum();
    (introduces, chars)
}

/// A paragraph of at most this many characters (about two lines) that closes a list keeps with
/// the list's last item (issue 13 follow-up: "For a short, two of the four parts are partly
/// there" alone at the top of a Letter page, its list on the page before).
pub const LIST_TAIL_CHARS: usize = 200;

/// Whether `events[i]` opens a top-level paragraph that closes the list before it: short (see
/// [`LIST_TAIL_CHARS`]), not a chart, and not the introduction of a table or list (that one keeps
/// with what follows it instead, see [`keep_with_next`]).
fn closes_list(events: &[Event], i: usize) -> bool {
    if !matches!(events.get(i), Some(Event::Start(Tag::Paragraph))) {
        return false;
    }
    let (introduces, chars) = paragraph_shape(events, i);
    !introduces && !image_paragraph(events, i) && chars <= LIST_TAIL_CHARS
}

/// Records the visible text `s` in the innermost open table cell.
fn count(frames: &mut [Frame], s: &str, face: Face) {
    if let Some(Frame::Cell { runs }) = frames.iter_mut().rev().find(|f| matches!(f, Frame::Cell { .. })) {
        runs.push((s.to_string(), face));
    }
}

/// Spaces Typst never breaks a line at.
const NO_BREAK: [char; 3] = ['\u{a0}', '\u{202f}', '\u{2007}'];

/// A cell's (narrowest, natural) width in em: its longest unbreakable word, and all its text on
/// one line. Words break at whitespace other than no-break spaces only (what Typst does for this
/// text, near enough).
fn cell_widths(runs: &[(String, Face)], fit: &TableFit) -> (f64, f64) {
    let mut natural = 0.0;
    let mut narrowest: f64 = 0.0;
    let mut word = 0.0;
    for (text, face) in runs {
        // A no-break space (between a figure and its unit) joins, it does not break.
        for (i, piece) in text.split(|c: char| c.is_whitespace() && !NO_BREAK.contains(&c)).enumerate() {
            if i > 0 {
                narrowest = narrowest.max(word);
                word = 0.0;
                natural += (fit.measure)(" ", *face);
            }
            let chunks = if *face == Face::Mono { code_pieces(piece) } else { vec![piece.to_string()] };
            for (j, chunk) in chunks.iter().enumerate() {
                if j > 0 {
                    narrowest = narrowest.max(word);
                    word = 0.0;
                }
                let w = (fit.measure)(chunk, *face);
                word += w;
                natural += w;
            }
        }
    }
    (narrowest.max(word), natural)
}

/// The narrowest width in em that sets a cell's text on at most two lines: the wider half of its
/// best split between two words (words break where [`cell_widths`] breaks them).
fn two_line_width(runs: &[(String, Face)], fit: &TableFit) -> f64 {
    // The cell's words with their faces, in order.
    let mut words: Vec<Vec<(String, Face)>> = vec![Vec::new()];
    for (text, face) in runs {
        for (i, piece) in text.split(|c: char| c.is_whitespace() && !NO_BREAK.contains(&c)).enumerate() {
            if i > 0 && words.last().is_some_and(|w| !w.is_empty()) {
                words.push(Vec::new());
            }
            if !piece.is_empty() {
                if let Some(w) = words.last_mut() {
                    w.push((piece.to_string(), *face));
                }
            }
        }
    }
    words.retain(|w| !w.is_empty());
    let width = |ws: &[Vec<(String, Face)>]| -> f64 {
        ws.iter()
            .enumerate()
            .map(|(i, w)| {
                let space = if i > 0 { (fit.measure)(" ", w[0].1) } else { 0.0 };
                space + w.iter().map(|(t, f)| (fit.measure)(t, *f)).sum::<f64>()
            })
            .sum()
    };
    if words.len() < 2 {
        return width(&words);
    }
    (1..words.len()).map(|k| width(&words[..k]).max(width(&words[k..]))).fold(f64::INFINITY, f64::min)
}

/// Whether every column of `widths` fits at its natural width (padding included).
fn fits_natural(widths: &[(f64, f64)], fit: &TableFit) -> bool {
    let pad = 2.0 * fit.inset_em + SLACK_EM;
    widths.iter().map(|w| w.1.max(w.0) + pad).sum::<f64>() <= fit.available_em
}

/// Column widths in em (padding included) that fit `available`: every column gets at least its
/// narrowest width; the rest of the room goes to the columns that would wrap, in proportion to
/// how much they would still need (so a long text column wraps least). A table that fits at
/// natural width keeps it.
fn fit_columns(widths: &[(f64, f64)], fit: &TableFit) -> Vec<f64> {
    // Padding, and a hair for rounding so a cell measured to fit does not wrap.
    let pad = 2.0 * fit.inset_em + SLACK_EM;
    let min: Vec<f64> = widths.iter().map(|w| w.0 + pad).collect();
    let max: Vec<f64> = widths.iter().map(|w| w.1.max(w.0) + pad).collect();
    let (sum_min, sum_max): (f64, f64) = (min.iter().sum(), max.iter().sum());
    if sum_max <= fit.available_em {
        return max;
    }
    if sum_min >= fit.available_em || sum_max <= sum_min {
        return min;
    }
    // The fewest lines `l` every column can wrap to: each column gets the width its text needs
    // on `l` lines (a tenth more for where words break), so one long column does not wrap to
    // seven lines while short ones keep a line each (review 16: the track table's "Read"). The
    // room left goes, as below, to the columns still short of one line.
    let base = (2..=24).find_map(|l| {
        let w: Vec<f64> =
            min.iter().zip(&max).map(|(lo, hi)| lo.max(pad + (hi - pad) / l as f64 * 1.1).min(*hi)).collect();
        (w.iter().sum::<f64>() <= fit.available_em).then_some(w)
    });
    let base = base.unwrap_or(min);
    let sum_base: f64 = base.iter().sum();
    if sum_max <= sum_base {
        return base;
    }
    let spare = fit.available_em - sum_base;
    base.iter().zip(&max).map(|(lo, hi)| lo + (hi - lo) * spare / (sum_max - sum_base)).collect()
}

fn heading_level(l: HeadingLevel) -> u8 {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn start(tag: &Tag, bufs: &mut Vec<String>, frames: &mut Vec<Frame>, link_kept: &mut Vec<bool>, ctx: &Ctx) {
    let out = top(bufs);
    match tag {
        Tag::Paragraph => {}
        Tag::Heading { level, .. } => {
            out.push_str(&format!("\n#heading(level: {})[", heading_level(*level)));
        }
        Tag::BlockQuote(_) => out.push_str("\n#quote(block: true)["),
        Tag::CodeBlock(kind) => {
            out.push_str("\n#raw(block: true, ");
            if let CodeBlockKind::Fenced(lang) = kind {
                let lang = lang.split_whitespace().next().unwrap_or("");
                if !lang.is_empty() {
                    out.push_str("lang: ");
                    out.push_str(&string_literal(lang));
                    out.push_str(", ");
                }
            }
            // The code text arrives as Text events, collected raw in the frame.
            frames.push(Frame::Code { text: String::new() });
        }
        Tag::List(start) => {
            frames.push(Frame::List { start: *start, items: Vec::new() });
        }
        Tag::Item => {
            frames.push(Frame::Item);
            bufs.push(String::new());
        }
        Tag::Table(align) => {
            frames.push(Frame::Table {
                align: align.clone(),
                head: Vec::new(),
                body: Vec::new(),
                widths: vec![(0.0, 0.0); align.len()],
                head_widths: vec![0.0; align.len()],
                in_head: false,
            });
        }
        Tag::TableHead => {
            if let Some(Frame::Table { in_head, .. }) = frames.last_mut() {
                *in_head = true;
            }
        }
        Tag::TableRow => {}
        Tag::TableCell => {
            frames.push(Frame::Cell { runs: Vec::new() });
            bufs.push(String::new());
        }
        Tag::Emphasis => out.push_str("#emph["),
        Tag::Strong => out.push_str("#strong["),
        Tag::Strikethrough => out.push_str("#strike["),
        Tag::Link { dest_url, .. } => {
            let keep = is_pdf_link(dest_url);
            if keep {
                out.push_str("#link(");
                out.push_str(&string_literal(dest_url));
                out.push_str(")[");
            }
            link_kept.push(keep);
        }
        Tag::Image { dest_url, .. } => {
            let dest = dest_url.trim();
            frames.push(Frame::Image {
                path: (ctx.image)(dest),
                alt: String::new(),
                fallback: (ctx.fallback_alt)(dest),
            });
        }
        Tag::FootnoteDefinition(label) => {
            frames.push(Frame::Footnote { label: label.to_string() });
            bufs.push(String::new());
        }
        // Not enabled by the markdown options; their content is written in place.
        _ => frames.push(Frame::Inline),
    }
}

fn end(
    tag: TagEnd,
    bufs: &mut Vec<String>,
    frames: &mut Vec<Frame>,
    link_kept: &mut Vec<bool>,
    notes: &mut BTreeMap<String, String>,
    collect_notes: bool,
    ctx: &Ctx,
) {
    let fit = ctx.fit;
    match tag {
        TagEnd::Paragraph => top(bufs).push_str("\n\n"),
        TagEnd::Heading(level) => {
            let out = top(bufs);
            // The title's last two words on one line (review 41: Letter's headline wrapped to
            // leave "zone" alone): its last space made non-breaking.
            if level == HeadingLevel::H1 {
                if let Some(open) = out.rfind("#heading(level: 1)[") {
                    let body = open + "#heading(level: 1)[".len();
                    if let Some(sp) = out[body..].rfind(' ').map(|i| body + i) {
                        if out[body..sp].contains(' ') {
                            out.replace_range(sp..sp + 1, "\u{a0}");
                        }
                    }
                }
            }
            out.push_str("]\n\n")
        }
        TagEnd::BlockQuote(_) => top(bufs).push_str("]\n\n"),
        TagEnd::CodeBlock => {
            let code = match frames.pop() {
                Some(Frame::Code { text }) => text,
                _ => String::new(),
            };
            let out = top(bufs);
            out.push_str(&string_literal(code.trim_end_matches('\n')));
            out.push_str(")\n\n");
        }
        TagEnd::Item => {
            frames.pop();
            let item = if bufs.len() > 1 { bufs.pop().unwrap_or_default() } else { String::new() };
            if let Some(Frame::List { items, .. }) = frames.last_mut() {
                items.push(item.trim().to_string());
            }
        }
        TagEnd::List(_) => {
            if let Some(Frame::List { start, mut items }) = frames.pop() {
                let out = top(bufs);
                // A list closed by a short paragraph: its last item is set apart, in
                // `note-tail` (PDF preamble), which keeps it with that paragraph.
                let tail = if ctx.keep_tail.get() && items.len() > 1 { items.pop() } else { None };
                // `hash`: in markup (`#list(...)`), else as an argument (`list(...)`).
                let write = |out: &mut String, start: Option<u64>, items: &[String], hash: bool| {
                    if hash {
                        out.push('#');
                    }
                    match start {
                        Some(n) => out.push_str(&format!("enum(start: {n}, tight: true")),
                        None => out.push_str("list(tight: true"),
                    }
                    for it in items {
                        out.push_str(", [");
                        out.push_str(it);
                        out.push(']');
                    }
                    out.push(')');
                };
                out.push('\n');
                write(out, start, &items, true);
                if let Some(last) = tail {
                    out.push_str("\n#note-tail(");
                    write(out, start.map(|n| n + items.len() as u64), &[last], false);
                    out.push(')');
                }
                out.push_str("\n\n");
            }
        }
        TagEnd::TableHead => {
            if let Some(Frame::Table { in_head, .. }) = frames.last_mut() {
                *in_head = false;
            }
        }
        TagEnd::TableRow => {}
        TagEnd::TableCell => {
            let runs = match frames.pop() {
                Some(Frame::Cell { runs }) => runs,
                _ => Vec::new(),
            };
            let cell = if bufs.len() > 1 { bufs.pop().unwrap_or_default() } else { String::new() };
            if let Some(Frame::Table { head, body, widths, head_widths, in_head, .. }) = frames.last_mut() {
                let n_cols = widths.len().max(1);
                let col = (if *in_head { head.len() } else { body.len() }) % n_cols;
                let (mut lo, mut hi) = cell_widths(&runs, fit);
                if *in_head {
                    if let Some(h) = head_widths.get_mut(col) {
                        *h = h.max(hi);
                    }
                    // A header wraps to two lines at most (issue 13: the track table's headers
                    // took four or five): its column is at least as wide as that needs.
                    lo = lo.max(two_line_width(&runs, fit));
                    hi = lo;
                }
                if let Some(w) = widths.get_mut(col) {
                    *w = (w.0.max(lo), w.1.max(hi));
                }
                let cell = format!("[{}]", cell.trim());
                if *in_head {
                    head.push(cell);
                } else {
                    body.push(cell);
                }
            }
        }
        TagEnd::Table => {
            if let Some(Frame::Table { align, head, body, widths, head_widths, .. }) = frames.pop() {
                // A table whose header and body fit on one line each keeps them so; otherwise a
                // header wraps at its words (it claims its longest word, not its whole line) and
                // the room goes to the body's text (review 16: the track table's long headers took
                // it and its "Read" column wrapped to seven lines).
                let whole: Vec<(f64, f64)> =
                    widths.iter().zip(&head_widths).map(|(w, h)| (w.0, w.1.max(*h))).collect();
                let tight = TableFit { inset_em: TIGHT_INSET_EM.min(fit.inset_em), ..*fit };
                let (cols, inset) = if fits_natural(&whole, fit) {
                    (fit_columns(&whole, fit), None)
                } else if crowded(&widths, fit) {
                    (fit_columns(&widths, &tight), Some(tight.inset_em))
                } else {
                    (fit_columns(&widths, fit), None)
                };
                let rows = body.len() / widths.len().max(1);
                if rows <= SHORT_TABLE_ROWS {
                    // A short table is never split across pages (`note-whole`, PDF preamble).
                    let out = top(bufs);
                    out.push_str("\n#note-whole[");
                    write_table(out, &align, &head, &body, &cols, inset);
                    out.push_str("]\n\n");
                } else {
                    write_table(top(bufs), &align, &head, &body, &cols, inset);
                }
            }
        }
        TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough => top(bufs).push(']'),
        TagEnd::Link => {
            if link_kept.pop().unwrap_or(false) {
                top(bufs).push(']');
            }
        }
        TagEnd::Image => {
            if let Some(Frame::Image { path, alt, fallback }) = frames.pop() {
                let alt = if alt.trim().is_empty() { fallback } else { alt.trim().to_string() };
                let out = top(bufs);
                match path {
                    // `note-chart` (defined in the PDF preamble) places it: where it is written, or
                    // floated to the top of the next page. Its alt text is kept as Typst will
                    // hold it (the literal drops control characters) to find it on the pages.
                    Some(p) => {
                        let mut charts = ctx.charts.borrow_mut();
                        out.push_str(&format!("#note-chart({}, image(", charts.len()));
                        charts.push(PlacedChart {
                            path: p.clone(),
                            alt: alt
                                .chars()
                                .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
                                .collect(),
                        });
                        out.push_str(&string_literal(&p));
                        out.push_str(", width: 100%, alt: ");
                        out.push_str(&string_literal(&alt));
                        out.push_str("))");
                    }
                    None => push_text(out, &alt),
                }
            }
        }
        TagEnd::FootnoteDefinition => {
            let label = match frames.pop() {
                Some(Frame::Footnote { label }) => label,
                _ => String::new(),
            };
            let text = if bufs.len() > 1 { bufs.pop().unwrap_or_default() } else { String::new() };
            if collect_notes {
                notes.insert(label, text.trim().to_string());
            }
        }
        _ => {
            frames.pop();
        }
    }
}

fn top(bufs: &mut [String]) -> &mut String {
    bufs.last_mut().expect("the document buffer is never popped")
}

/// Writes a table with the given column widths (em); its header repeats on a new page.
fn write_table(
    out: &mut String,
    align: &[Alignment],
    head: &[String],
    body: &[String],
    widths: &[f64],
    inset: Option<f64>,
) {
    let n = align.len().max(1);
    let cols: Vec<String> = widths.iter().map(|w| format!("{w:.2}em")).collect();
    let aligns: Vec<&str> = align
        .iter()
        .map(|a| match a {
            Alignment::Right => "right",
            Alignment::Center => "center",
            Alignment::Left | Alignment::None => "left",
        })
        .collect();
    out.push_str("\n#table(columns: (");
    out.push_str(&cols.join(", "));
    if n == 1 {
        out.push(',');
    }
    out.push_str("), align: (");
    out.push_str(&aligns.join(", "));
    if n == 1 {
        out.push(',');
    }
    out.push(')');
    if let Some(x) = inset {
        out.push_str(&format!(", inset: (x: {x:.2}em, y: {TABLE_INSET_Y_EM:.2}em)"));
    }
    if !head.is_empty() {
        out.push_str(",\n  table.header(");
        out.push_str(&head.join(", "));
        out.push(')');
    }
    for row in body.chunks(n) {
        out.push_str(",\n  ");
        out.push_str(&row.join(", "));
        // A short last row (malformed markdown cannot produce one, but stay safe) is padded.
        for _ in row.len()..n {
            out.push_str(", []");
        }
    }
    out.push_str(")\n\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character half an em wide; a 20 em table width; no padding.
    fn fit() -> TableFit<'static> {
        TableFit { measure: &|s: &str, _| s.chars().count() as f64 * 0.5, available_em: 20.1, inset_em: 0.0 }
    }

    fn conv(md: &str) -> String {
        markdown_to_typst(
            md,
            &|d: &str| (d == "charts/w.png").then(|| "/charts/w.png".to_string()),
            &|d: &str| format!("Chart {d}"),
            &fit(),
        )
    }

    /// Review 41: the title's last two words stay on one line (a non-breaking last space); a
    /// one-word title and lower headings are left alone.
    #[test]
    fn the_title_never_leaves_its_last_word_alone() {
        let t = conv("# Long small caps: reclaimed the zone\n\n## Risk levels\n\n# One\n");
        assert!(t.contains("reclaimed the\u{a0}zone]"), "{t}");
        assert!(t.contains("Risk levels]"), "{t}");
        assert!(t.contains("[One]"), "{t}");
    }

    /// Issue 13 (keep-together): a short paragraph before a table or list sticks to it; a
    /// paragraph after a chart in its section names the chart (set whole when it floats); a
    /// short table is set whole; a long intro, a long table and other paragraphs are left alone.
    #[test]
    fn intros_stick_to_their_tables_and_short_tables_stay_whole() {
        let rows = |n: usize| format!("| h |\n|---|\n{}", "| r |\n".repeat(n));
        let md = format!(
            "## A\n\nPlain.\n\n**Not assessed.**\n\n- one\n- two\n\nIntro.\n\n{}\n{}\n\n{}\n\
             ![w](charts/w.png)\n\nAfter the chart.\n\n{}\n## B\n\nNext section.\n",
            rows(SHORT_TABLE_ROWS),
            "Long intro. ".repeat(KEEP_INTRO_CHARS / 12 + 1),
            rows(SHORT_TABLE_ROWS + 1),
            rows(1),
        );
        let t = conv(&md);
        assert!(t.contains("\nPlain\\.\n\n"), "{t}");
        assert!(t.contains("#note-par(none, true)[\n\n#strong[Not assessed\\.]\n\n]"), "{t}");
        assert!(t.contains("#note-par(none, true)[\n\nIntro\\.\n\n]\n\n\n#note-whole[\n#table("), "{t}");
        // The long intro is not kept, and its long table may break.
        assert!(!t.contains("#note-par(none, true)[\n\nLong"), "{t}");
        assert_eq!(t.matches("#note-whole[").count(), 2, "{t}");
        // After the chart (number 0) in its section; the next section's text names no chart.
        assert!(t.contains("#note-par(0, true)[\n\nAfter the chart\\.\n\n]"), "{t}");
        assert!(t.contains("]\n\nNext section\\.\n\n"), "{t}");
        assert!(!t.contains("#note-par(0, false)[\n\nNext"), "{t}");
    }

    /// Issue 13 follow-up: the last item of a list closed by a short paragraph is set apart in
    /// `note-tail` (kept with that paragraph); a list followed by a long paragraph, by a
    /// paragraph that introduces a table, or by nothing keeps its items together as before.
    #[test]
    fn a_list_closed_by_a_short_paragraph_keeps_its_last_item_with_it() {
        let t = conv("- a\n- b\n- c\n\nCloses it.\n");
        assert!(t.contains("#list(tight: true, [a], [b])\n#note-tail(list(tight: true, [c]))"), "{t}");
        let t = conv("3. a\n4. b\n\nCloses it.\n");
        assert!(
            t.contains("#enum(start: 3, tight: true, [a])\n#note-tail(enum(start: 4, tight: true, [b]))"),
            "{t}"
        );
        let long = format!("- a\n- b\n\n{}\n", "Word ".repeat(50));
        let intro = "- a\n- b\n\nIntro.\n\n| h |\n|---|\n| 1 |\n";
        for md in [long.as_str(), intro, "- a\n- b\n", "- a\n\nCloses it.\n"] {
            let t = conv(md);
            assert!(!t.contains("note-tail") && t.contains("#list(tight: true, [a]"), "{md}: {t}");
        }
    }

    #[test]
    fn text_is_escaped() {
        let t = conv("a #let x = 1 $y$ <b> @c [d] *e* -- ... ~ // f\n");
        assert!(
            t.contains(
                "a \\#let x \\= 1 \\$y\\$ \\<b\\> \\@c \\[d\\] #emph[e] \\-\\- \\.\\.\\. \\~ \\/\\/ f"
            ),
            "{t}"
        );
        // Every `#` the converter did not write itself is escaped.
        let unescaped = t.match_indices('#').filter(|(i, _)| *i == 0 || &t[i - 1..*i] != "\\").count();
        assert_eq!(unescaped, 1, "only #emph is code: {t}");
    }

    #[test]
    fn literals_are_escaped() {
        assert_eq!(string_literal("a\"b\\c\nd\u{7}"), "\"a\\\"b\\\\c\\nd\"");
        let t = conv("`x\") #panic(\"`\n\n[l](https://x.org/a\"b)\n");
        assert!(t.contains("#raw(\"x\\\") #panic(\\\"\")"), "{t}");
        assert!(t.contains("#link(\"https://x.org/a\\\"b\")[l]"), "{t}");
    }

    #[test]
    fn structure() {
        let t = conv("# T\n\n## A\n\npara one\nline two\n\n- x\n- **y**\n\n1. one\n2. two\n");
        assert!(t.contains("#heading(level: 1)[T]"), "{t}");
        assert!(t.contains("#heading(level: 2)[A]"), "{t}");
        assert!(t.contains("para one line two"), "{t}");
        assert!(t.contains("#list(tight: true, [x], [#strong[y]])"), "{t}");
        assert!(t.contains("#enum(start: 1, tight: true, [one], [two])"), "{t}");
    }

    #[test]
    fn tables_keep_alignment_and_size_columns() {
        // Natural widths 19.5 em and 1 em do not fit 20 em: the short column keeps its width,
        // the long one wraps into what is left.
        let t =
            conv("| Claim | n |\n|---|---:|\n| a long claim that needs room to breathe | 1 |\n| b | 22 |\n");
        assert!(t.contains("#table(columns: (19.00em, 1.10em), align: (left, right)"), "{t}");
        // A table that fits keeps its natural widths.
        assert!(t.contains("table.header([Claim], [n])"), "{t}");
        assert!(t.contains("[b], [22]"), "{t}");
        let t = conv("| a | bb |\n|---|---|\n| x | y |\n");
        assert!(t.contains("columns: (0.60em, 1.10em)"), "{t}");
        // Every column at least as wide as its longest word.
        let w = fit_columns(&[(9.0, 30.0), (12.0, 12.0)], &fit());
        assert_eq!(w, vec![9.1, 12.1]);
    }

    /// Issue 13: a header wraps to two lines at most, so its column is at least the wider half of
    /// its best split (the track table's headers took four or five lines over narrow figures).
    #[test]
    fn a_header_takes_two_lines_at_most() {
        let run = |s: &str| vec![(s.to_string(), Face::Bold)];
        // 0.5 em a character: "aaaa bb cccc" splits best as "aaaa bb" / "cccc" (3.5 em).
        assert_eq!(two_line_width(&run("aaaa bb cccc"), &fit()), 3.5);
        assert_eq!(two_line_width(&run("word"), &fit()), 2.0);
        assert_eq!(two_line_width(&[], &fit()), 0.0);
        // The header's column gets that width (plus 0.1 em slack) though the body is one figure
        // wide; before, it got its longest word (2 em) and the header took three lines.
        let t = conv(
            "| aaaa bb cccc | n |\n|---:|---|\n| 1 | a long text that must wrap to fit the room left |\n",
        );
        assert!(t.contains("#table(columns: (3.60em,"), "{t}");
    }

    #[test]
    fn a_no_break_space_joins_a_word() {
        // "−2.3\u{a0}points" cannot wrap: its narrowest width is all of it (11 chars), not
        // "points" (6), so the column is not set narrower than the figure and its unit.
        let (narrowest, natural) = cell_widths(&[("−2.3\u{a0}points".to_string(), Face::Regular)], &fit());
        assert_eq!((narrowest, natural), (5.5, 5.5));
        let (narrowest, _) = cell_widths(&[("−2.3 points".to_string(), Face::Regular)], &fit());
        assert_eq!(narrowest, 3.0);
    }

    #[test]
    fn images_links_and_html() {
        let t = conv(
            "![weekly \"chart\"](charts/w.png)\n\n![](charts/w.png)\n\n![gone](http://evil/x.png)\n\n\
             [a](javascript:alert(1)) [b](charts/x.png) <script>x</script> <!-- a comment -->\n",
        );
        assert!(
            t.contains(
                "#note-chart(0, image(\"/charts/w.png\", width: 100%, alt: \"weekly \\\"chart\\\"\"))"
            ),
            "{t}"
        );
        assert!(t.contains("alt: \"Chart charts/w.png\""), "{t}");
        assert!(!t.contains("evil") && t.contains("gone"), "{t}");
        assert!(!t.contains("javascript") && !t.contains("#link"), "{t}");
        assert!(t.contains("\\<script\\>x\\<\\/script\\>"), "{t}");
        assert!(!t.contains("comment"), "{t}");
    }

    #[test]
    fn long_code_may_break_between_chunks() {
        let hash = "a76d61ac0777b04951155893e03e216aad5ddfeb449ac8ef1f464c6120080e34";
        let t = conv(&format!("`{hash}` `short`"));
        assert!(
            t.contains(&format!(
                "#raw(\"a76d61ac0777b04951155893e03e216a\"){CODE_BREAK}#raw(\"ad5ddfeb449ac8ef1f464c6120080e34\")"
            )),
            "{t}"
        );
        assert!(t.contains("#raw(\"short\")"), "{t}");
        let (lo, hi) = cell_widths(&[(hash.to_string(), Face::Mono)], &fit());
        assert_eq!((lo, hi), (16.0, 32.0));
    }

    #[test]
    fn code_blocks_footnotes_quotes() {
        let t = conv("```rust\nlet a = \"#x\";\n```\n\n> quoted\n\nsee[^1]\n\n[^1]: the *note*\n");
        assert!(t.contains("#raw(block: true, lang: \"rust\", \"let a = \\\"#x\\\";\")"), "{t}");
        assert!(t.contains("#quote(block: true)[quoted"), "{t}");
        assert!(t.contains("see#footnote[the #emph[note]"), "{t}");
    }
}
