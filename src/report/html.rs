//! Markdown in, sanitised HTML body out (pulldown-cmark: tables, footnotes, strikethrough, task
//! lists). Raw HTML in the markdown becomes escaped text, links that are not relative or `#` are
//! dropped (their text kept), and images are inlined as `data:` URIs from the chart bytes, so the
//! page makes no external request. Tables are wrapped so they scroll on their own on a phone,
//! and a chart standing alone is wrapped so a tap enlarges it (CSS `:target`, see style.css).

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// The one place the markdown dialect is configured.
pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
}

/// A stylesheet made safe to place inside `<style>…</style>`: every `</` becomes `<\/`, so a user
/// `style.css` cannot close the element (`</style><meta http-equiv=refresh …>`). In CSS `\/` is an
/// escaped `/`, so selectors, strings and comments mean the same; CSS itself never needs `</`.
pub fn style_text(css: &str) -> String {
    css.replace("</", "<\\/")
}

/// Standard base64 (RFC 4648, with padding).
pub fn base64(bytes: &[u8]) -> String {
    let mut out = Vec::with_capacity(bytes.len().div_ceil(3) * 4);
    base64_into(&mut out, bytes);
    ascii_string(out)
}

/// A `data:` URI of `bytes` with media type `mime` (`image/png`), built in one allocation.
pub fn data_uri(mime: &str, bytes: &[u8]) -> String {
    let mut out = Vec::with_capacity(mime.len() + 13 + bytes.len().div_ceil(3) * 4);
    out.extend_from_slice(b"data:");
    out.extend_from_slice(mime.as_bytes());
    out.extend_from_slice(b";base64,");
    base64_into(&mut out, bytes);
    ascii_string(out)
}

/// `bytes` (ASCII by construction) as a String, without a copy.
fn ascii_string(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The base64 alphabet.
const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// The two base64 characters of every 12-bit value (one lookup per half of a 3-byte group).
static B64_PAIRS: [[u8; 2]; 4096] = {
    let mut t = [[0u8; 2]; 4096];
    let mut i = 0;
    while i < 4096 {
        t[i] = [B64[i >> 6], B64[i & 63]];
        i += 1;
    }
    t
};

/// Appends the base64 of `bytes` to `out` (charts are hundreds of KB: whole 3-byte groups are
/// encoded two characters per table lookup, without per-character pushes).
fn base64_into(out: &mut Vec<u8>, bytes: &[u8]) {
    let start = out.len();
    out.resize(start + base64_len(bytes.len()), 0);
    base64_to(&mut out[start..], bytes);
}

/// Length of the base64 of `n` bytes (with padding).
fn base64_len(n: usize) -> usize {
    n.div_ceil(3) * 4
}

/// Writes the base64 of `bytes` over `out`, which is [`base64_len`] bytes long.
fn base64_to(out: &mut [u8], bytes: &[u8]) {
    let whole = bytes.chunks_exact(3);
    let rest = whole.remainder();
    let (body, tail) = out.split_at_mut(whole.len() * 4);
    // Two groups (6 bytes, 8 characters) a step from one 8-byte load while 8 bytes remain to
    // read: four 12-bit lookups and one store instead of six loads and two stores (the charts'
    // ~3.8 MB of a default note: 33.1M -> 21.6M instructions). Then group by group as before.
    let mut done = 0;
    while done + 8 <= bytes.len() && done + 6 <= whole.len() * 3 {
        let Ok(eight) = <[u8; 8]>::try_from(&bytes[done..done + 8]) else { break };
        let v = u64::from_be_bytes(eight);
        let [a, b, c, d] = [52, 40, 28, 16].map(|s| B64_PAIRS[((v >> s) & 0xfff) as usize]);
        let o = done / 3 * 4;
        body[o..o + 8].copy_from_slice(&[a[0], a[1], b[0], b[1], c[0], c[1], d[0], d[1]]);
        done += 6;
    }
    let whole = bytes[done..whole.len() * 3].chunks_exact(3);
    for (c, o) in whole.zip(body[done / 3 * 4..].chunks_exact_mut(4)) {
        let n = (usize::from(c[0]) << 16) | (usize::from(c[1]) << 8) | usize::from(c[2]);
        let (hi, lo) = (B64_PAIRS[n >> 12], B64_PAIRS[n & 0xfff]);
        o.copy_from_slice(&[hi[0], hi[1], lo[0], lo[1]]);
    }
    if !rest.is_empty() {
        let b1 = rest.get(1).copied().unwrap_or(0);
        let n = (usize::from(rest[0]) << 16) | (usize::from(b1) << 8);
        tail.copy_from_slice(&[
            B64[(n >> 18) & 63],
            B64[(n >> 12) & 63],
            if rest.len() > 1 { B64[(n >> 6) & 63] } else { b'=' },
            b'=',
        ]);
    }
}

/// Where an image's `src` comes from in [`markdown_to_html_with`].
#[derive(Debug, Clone)]
pub enum Src {
    /// This URI (escaped into the attribute).
    Uri(String),
    /// Slot `k` of the caller's list: the attribute holds the token [`slot_token`]`(k)`, which
    /// [`assemble`] replaces with the slot's data URI. The data URIs of a note's charts are
    /// megabytes; building the body and the page around short tokens and writing each URI once,
    /// straight into the finished page, saves copying them through the markdown renderer and the
    /// page template (and faulting in a fresh buffer for each copy).
    Slot(usize),
}

/// The start of a slot token. Every `<` of a sanitised body opens a tag (text, attribute values
/// and raw HTML are escaped), and no tag is named `mn-img`, so the token cannot occur in a body
/// except where [`markdown_to_html_with`] wrote it; [`assemble`] also checks the count.
const SLOT_OPEN: &str = "<mn-img:";

/// The token standing for slot `k` in a body.
fn slot_token(k: usize) -> String {
    format!("{SLOT_OPEN}{k}>")
}

/// The token a page shell is rendered with in place of the body (see [`assemble`]).
pub const BODY_TOKEN: &str = "<mn-body>";

/// One inlined image of [`assemble`]: its media type and bytes.
#[derive(Debug, Clone, Copy)]
pub struct Inline<'a> {
    /// Media type (`image/png`).
    pub mime: &'a str,
    /// The bytes.
    pub bytes: &'a [u8],
}

impl Inline<'_> {
    fn uri_len(&self) -> usize {
        "data:".len() + self.mime.len() + ";base64,".len() + base64_len(self.bytes.len())
    }

    fn write(&self, out: &mut [u8]) {
        let (head, b64) = out.split_at_mut(out.len() - base64_len(self.bytes.len()));
        let mut at = 0;
        for part in [&b"data:"[..], self.mime.as_bytes(), b";base64,"] {
            head[at..at + part.len()].copy_from_slice(part);
            at += part.len();
        }
        base64_to(b64, self.bytes);
    }
}

/// One piece of an assembled page.
enum Piece<'a> {
    Text(&'a str),
    Image(Inline<'a>),
}

/// The finished page: `shell` (a page rendered with [`BODY_TOKEN`] as its body) with `body` in
/// place of its one body token, and every slot token of `body` replaced by the data URI of its
/// slot in `slots`: the same text as rendering the page around the body that
/// [`markdown_to_html`] makes with those URIs. `written`: how many slot tokens
/// [`markdown_to_html_with`] wrote. None when the shell does not hold exactly one body token,
/// the body not exactly `written` slot tokens, or a token names no slot (then render the page
/// the plain way). The image data is encoded straight into the page, in parallel.
pub fn assemble(shell: &str, body: &str, written: usize, slots: &[Inline<'_>]) -> Option<String> {
    let mut at_body = shell.match_indices(BODY_TOKEN);
    let (b, _) = at_body.next()?;
    if at_body.next().is_some() {
        return None;
    }
    let mut pieces = vec![Piece::Text(&shell[..b])];
    let mut rest = body;
    let mut n = 0;
    while let Some(i) = rest.find(SLOT_OPEN) {
        let after = &rest[i + SLOT_OPEN.len()..];
        let close = after.find('>')?;
        let k: usize = after[..close].parse().ok()?;
        pieces.push(Piece::Text(&rest[..i]));
        pieces.push(Piece::Image(*slots.get(k)?));
        rest = &after[close + 1..];
        n += 1;
    }
    if n != written {
        return None;
    }
    pieces.push(Piece::Text(rest));
    pieces.push(Piece::Text(&shell[b + BODY_TOKEN.len()..]));
    let len = |p: &Piece| match p {
        Piece::Text(t) => t.len(),
        Piece::Image(im) => im.uri_len(),
    };
    let mut out = vec![0u8; pieces.iter().map(len).sum()];
    let mut jobs = Vec::with_capacity(pieces.len());
    let mut free = &mut out[..];
    for p in &pieces {
        let (dst, tail) = std::mem::take(&mut free).split_at_mut(len(p));
        jobs.push((dst, p));
        free = tail;
    }
    use rayon::prelude::*;
    jobs.into_par_iter().with_max_len(1).for_each(|(dst, p)| match p {
        Piece::Text(t) => dst.copy_from_slice(t.as_bytes()),
        Piece::Image(im) => im.write(dst),
    });
    // Text pieces are whole strings cut at ASCII tokens, the rest base64: valid UTF-8.
    String::from_utf8(out).ok()
}

/// A link target that stays inside the document or the output folder: `#frag` or a relative
/// path without a scheme (no `javascript:`, `http:`, `//host`, `data:`).
pub fn is_safe_link(dest: &str) -> bool {
    let d = dest.trim();
    if d.is_empty() {
        return false;
    }
    if d.starts_with('#') {
        return true;
    }
    if d.starts_with("//") || d.starts_with('\\') || d.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return false;
    }
    // A scheme is letters/digits/+.- followed by ':' before any '/', '?' or '#'.
    let head = d.split(['/', '?', '#']).next().unwrap_or("");
    !head.contains(':')
}

/// Inline code longer than this (characters, no whitespace) is a hash or id: it gets the class
/// `hash`, which the stylesheet sets in lines of 32 characters.
const LONG_CODE: usize = 32;

/// Table-cell text up to this many characters without whitespace is kept on one line.
const SHORT_WORD: usize = 12;

/// `s` escaped for HTML text and attribute values (`&`, `<`, `>`, `"`, `'`).
pub fn escape(s: &str) -> String {
    let mut e = String::with_capacity(s.len() + 8);
    escape_into(&mut e, s);
    e
}

/// Whether `b` is one of the bytes [`escape`] replaces.
#[inline]
fn special(b: u8) -> bool {
    (b == b'&') | (b == b'<') | (b == b'>') | (b == b'"') | (b == b'\'')
}

/// The index of the first byte of `s` that [`escape`] replaces. Scans 32-byte blocks without an
/// early exit inside a block (vectorised), since data URIs of charts are megabytes long.
fn find_special(s: &[u8]) -> Option<usize> {
    let mut i = 0;
    while let Some(Ok(block)) = s.get(i..i + 32).map(<&[u8; 32]>::try_from) {
        if block.iter().fold(0u8, |acc, &b| acc | u8::from(special(b))) != 0 {
            break;
        }
        i += 32;
    }
    s[i..].iter().position(|&b| special(b)).map(|p| i + p)
}

/// Appends `s`, escaped as by [`escape`], to `e`.
fn escape_into(e: &mut String, s: &str) {
    let mut rest = s;
    // Copies runs without special characters whole.
    while let Some(i) = find_special(rest.as_bytes()) {
        e.push_str(&rest[..i]);
        e.push_str(match rest.as_bytes()[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        });
        rest = &rest[i + 1..];
    }
    e.push_str(rest);
}

/// An image written by hand rather than by pulldown-cmark: one `<img>`, or the wide and phone
/// source, and for a chart standing alone in its paragraph the CSS-only enlarge links.
struct OpenImage {
    /// The resolved `src`.
    src: Src,
    /// The phone variant's `src`, if any.
    phone: Option<Src>,
    /// The image title attribute.
    title: String,
    /// Alt text collected so far.
    alt: String,
    /// `Some(n)`: the image is the whole paragraph, chart number `n` (`id="chart-n"`).
    chart: Option<usize>,
    /// Images nested in the alt text (their text joins the alt text).
    nested: usize,
}

/// Renders markdown to a sanitised HTML body. `image` maps an image destination (e.g.
/// `charts/weekly.png`) to the `src` to use (a `data:` URI); unknown images become their alt text.
/// `phone` maps a destination to the `src` of a variant drawn for phone screens, offered to
/// viewports up to 600 CSS px wide as `img.chart-phone` (None: the one image everywhere).
/// Level-2 headings open `<section>` elements (page breaks in print). Tables are wrapped in
/// `<div class="table-wrap">` (scrolls sideways on a narrow screen). An image that is a paragraph
/// of its own becomes `<div class="chart" id="chart-N">` with a link to itself (`:target`
/// enlarges it, CSS only) and a close link to the anchor `chart-N-at` just before it.
pub fn markdown_to_html(
    md: &str,
    image: &dyn Fn(&str) -> Option<String>,
    phone: &dyn Fn(&str) -> Option<String>,
) -> String {
    markdown_to_html_with(md, &|d| image(d).map(Src::Uri), &|d| phone(d).map(Src::Uri)).0
}

/// [`markdown_to_html`] with each image's `src` given as a [`Src`]; also returns how many slot
/// tokens the body holds (for [`assemble`]).
pub fn markdown_to_html_with(
    md: &str,
    image: &dyn Fn(&str) -> Option<Src>,
    phone: &dyn Fn(&str) -> Option<Src>,
) -> (String, usize) {
    let mut slots_written = 0usize;
    let events: Vec<Event> = Parser::new_ext(md, markdown_options()).collect();
    // Paragraphs that hold exactly one image and nothing else: index of the paragraph start.
    let lone_image = |i: usize| -> bool {
        if !matches!(events.get(i + 1), Some(Event::Start(Tag::Image { .. }))) {
            return false;
        }
        // The matching end of the image (alt text may hold markup and nested images).
        let mut depth = 0usize;
        for (j, ev) in events.iter().enumerate().skip(i + 1) {
            match ev {
                Event::Start(Tag::Image { .. }) => depth += 1,
                Event::End(TagEnd::Image) => {
                    depth -= 1;
                    if depth == 0 {
                        return matches!(events.get(j + 1), Some(Event::End(TagEnd::Paragraph)));
                    }
                }
                _ => {}
            }
        }
        false
    };
    let mut out: Vec<Event> = Vec::with_capacity(events.len() + 16);
    // Per open link/image: whether its start tag was kept (so the end tag is kept too).
    let mut kept: Vec<bool> = Vec::new();
    let mut in_section = false;
    // Inside an image, text is alt text (escaped by push_html as an attribute).
    let mut image_depth = 0usize;
    let mut n_sections = 0usize;
    let mut n_charts = 0usize;
    // The image being collected, and whether the current paragraph is a lone chart.
    let mut open_image: Option<OpenImage> = None;
    let mut chart_paragraph = false;
    // Open table cells.
    let mut in_cell = 0usize;
    // The table being written: its column alignments, its header cells' text (each body cell
    // carries its column's header as `data-label`, which a phone shows beside the value), whether
    // the head is open, and the next cell's column.
    let mut align: Vec<pulldown_cmark::Alignment> = Vec::new();
    let mut heads: Vec<String> = Vec::new();
    let mut in_head = false;
    let mut col = 0usize;
    for (i, ev) in events.iter().cloned().enumerate() {
        if in_head && in_cell > 0 {
            if let Event::Text(s) | Event::Code(s) = &ev {
                if let Some(h) = heads.last_mut() {
                    h.push_str(s);
                }
            }
        }
        if let Some(img) = open_image.as_mut() {
            match ev {
                Event::Text(s) | Event::Code(s) | Event::InlineHtml(s) | Event::Html(s) => {
                    img.alt.push_str(&s);
                    continue;
                }
                Event::SoftBreak | Event::HardBreak => {
                    img.alt.push(' ');
                    continue;
                }
                Event::Start(Tag::Image { .. }) => {
                    img.nested += 1;
                    continue;
                }
                Event::End(TagEnd::Image) if img.nested > 0 => {
                    img.nested -= 1;
                    continue;
                }
                Event::End(TagEnd::Image) => {}
                _ => continue,
            }
        }
        match ev {
            Event::Html(s) | Event::InlineHtml(s) => {
                // Comments are template notes: drop them. Anything else shows as text.
                let t = s.trim();
                if !(t.starts_with("<!--") && t.ends_with("-->")) {
                    out.push(text_event(s, image_depth));
                }
            }
            // In a table, a short word (a date, a number, a file name) is not broken at its
            // hyphens: `2000-05-26` stays on one line.
            Event::Text(s)
                if in_cell > 0
                    && image_depth == 0
                    && s.chars().count() <= SHORT_WORD
                    && !s.contains(char::is_whitespace) =>
            {
                out.push(Event::Html(CowStr::Boxed(
                    format!("<span class=\"nw\">{}</span>", escape(&s)).into_boxed_str(),
                )));
            }
            // In a table a path or key may break after `/` or `:` (`data/` `FEDFUNDS.csv`), so a
            // wide table still fits the column.
            Event::Text(s) if in_cell > 0 && image_depth == 0 && s.contains(['/', ':']) => {
                let e = escape(&s);
                let mut html = String::with_capacity(e.len() + 16);
                let mut chars = e.chars().peekable();
                while let Some(c) = chars.next() {
                    html.push(c);
                    if matches!(c, '/' | ':') && chars.peek().is_some_and(|n| !n.is_whitespace()) {
                        html.push_str("<wbr>");
                    }
                }
                out.push(Event::Html(CowStr::Boxed(html.into_boxed_str())));
            }
            Event::Text(s) => out.push(text_event(s, image_depth)),
            Event::Start(Tag::TableHead) => {
                in_head = true;
                heads.clear();
                col = 0;
                out.push(Event::Start(Tag::TableHead));
            }
            Event::End(TagEnd::TableHead) => {
                in_head = false;
                out.push(Event::End(TagEnd::TableHead));
            }
            Event::Start(Tag::TableRow) => {
                col = 0;
                out.push(Event::Start(Tag::TableRow));
            }
            Event::Start(Tag::TableCell) if in_head => {
                in_cell += 1;
                heads.push(String::new());
                out.push(Event::Start(Tag::TableCell));
            }
            Event::Start(Tag::TableCell) => {
                in_cell += 1;
                // Written by hand to add the column's header as `data-label`; the end tag is
                // the writer's (it counts the columns for the alignments).
                let style = match align.get(col) {
                    Some(pulldown_cmark::Alignment::Left) => " style=\"text-align: left\"",
                    Some(pulldown_cmark::Alignment::Center) => " style=\"text-align: center\"",
                    Some(pulldown_cmark::Alignment::Right) => " style=\"text-align: right\"",
                    _ => "",
                };
                let label = heads.get(col).map(|h| h.trim()).unwrap_or("");
                col += 1;
                out.push(Event::Html(CowStr::Boxed(
                    format!("<td data-label=\"{}\"{style}>", escape(label)).into_boxed_str(),
                )));
            }
            Event::End(TagEnd::TableCell) => {
                in_cell = in_cell.saturating_sub(1);
                out.push(Event::End(TagEnd::TableCell));
            }
            Event::Code(s)
                if image_depth == 0 && s.chars().count() > LONG_CODE && !s.contains(char::is_whitespace) =>
            {
                out.push(Event::Html(CowStr::Boxed(
                    format!("<code class=\"hash\">{}</code>", escape(&s)).into_boxed_str(),
                )));
            }
            Event::Start(Tag::HtmlBlock) | Event::End(TagEnd::HtmlBlock) => {}
            Event::Start(Tag::Paragraph) if lone_image(i) => chart_paragraph = true,
            Event::End(TagEnd::Paragraph) if chart_paragraph => chart_paragraph = false,
            Event::Start(Tag::Table(a)) => {
                align = a.clone();
                out.push(Event::Html(CowStr::Borrowed("<div class=\"table-wrap\">\n")));
                out.push(Event::Start(Tag::Table(a)));
            }
            Event::End(TagEnd::Table) => {
                out.push(Event::End(TagEnd::Table));
                out.push(Event::Html(CowStr::Borrowed("</div>\n")));
            }
            Event::Start(Tag::Heading { level: HeadingLevel::H2, id, classes, attrs }) => {
                if in_section {
                    out.push(Event::Html(CowStr::Borrowed("</section>\n")));
                }
                n_sections += 1;
                out.push(Event::Html(CowStr::Boxed(
                    format!("<section class=\"note-section\" id=\"s{n_sections}\">\n").into_boxed_str(),
                )));
                in_section = true;
                out.push(Event::Start(Tag::Heading { level: HeadingLevel::H2, id, classes, attrs }));
            }
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                if is_safe_link(&dest_url) {
                    kept.push(true);
                    out.push(Event::Start(Tag::Link { link_type, dest_url, title, id }));
                } else {
                    kept.push(false);
                }
            }
            Event::End(TagEnd::Link) => {
                if kept.pop().unwrap_or(false) {
                    out.push(Event::End(TagEnd::Link));
                }
            }
            Event::Start(Tag::Image { dest_url, title, .. }) => {
                image_depth += 1;
                let dest = dest_url.trim();
                match image(dest) {
                    Some(src) if image_depth == 1 => {
                        let chart = chart_paragraph.then(|| {
                            n_charts += 1;
                            n_charts
                        });
                        open_image = Some(OpenImage {
                            src,
                            phone: phone(dest),
                            title: title.to_string(),
                            alt: String::new(),
                            chart,
                            nested: 0,
                        });
                        kept.push(true);
                    }
                    _ => {
                        kept.push(false);
                        out.push(Event::Html(CowStr::Borrowed("<span class=\"missing-image\">")));
                    }
                }
            }
            Event::End(TagEnd::Image) => {
                image_depth = image_depth.saturating_sub(1);
                if kept.pop().unwrap_or(false) {
                    if let Some(img) = open_image.take() {
                        slots_written += [Some(&img.src), img.phone.as_ref()]
                            .iter()
                            .filter(|s| matches!(s, Some(Src::Slot(_))))
                            .count();
                        out.push(Event::Html(CowStr::Boxed(image_html(&img).into_boxed_str())));
                    }
                } else {
                    out.push(Event::Html(CowStr::Borrowed("</span>")));
                }
            }
            other => out.push(other),
        }
    }
    if in_section {
        out.push(Event::Html(CowStr::Borrowed("</section>\n")));
    }
    // Sized for the inlined charts too (megabytes of data URIs): growing by doubling copied
    // and page-faulted the page several times over.
    let inlined: usize = out.iter().map(|e| if let Event::Html(s) = e { s.len() } else { 0 }).sum();
    let mut html = String::with_capacity(md.len() * 2 + inlined);
    pulldown_cmark::html::push_html(&mut html, out.into_iter());
    (html, slots_written)
}

/// The HTML of one image: an `<img>`, or, when a phone variant exists, the wide image
/// (`img.chart-wide`) followed by the phone one (`img.chart-phone`); style.css shows one by
/// viewport and the enlarged view always the wide one. For a lone chart, the enlarge and close
/// links go around it.
fn image_html(img: &OpenImage) -> String {
    // Written into one buffer: the `src` values are chart data URIs of hundreds of KB each.
    let src_len = |s: &Src| match s {
        Src::Uri(u) => u.len(),
        Src::Slot(_) => 16,
    };
    let size = src_len(&img.src) + img.phone.as_ref().map_or(0, src_len) + 2 * img.alt.len() + 512;
    let mut t = String::with_capacity(size);
    let tag = |t: &mut String, src: &Src, class: &str| {
        t.push_str("<img");
        if !class.is_empty() {
            t.push_str(" class=\"");
            t.push_str(class);
            t.push('"');
        }
        t.push_str(" src=\"");
        match src {
            Src::Uri(u) => escape_into(t, u),
            Src::Slot(k) => t.push_str(&slot_token(*k)),
        }
        t.push_str("\" alt=\"");
        escape_into(t, &img.alt);
        t.push('"');
        if !img.title.is_empty() {
            t.push_str(" title=\"");
            escape_into(t, &img.title);
            t.push('"');
        }
        t.push('>');
    };
    let pic = |t: &mut String| match &img.phone {
        Some(p) => {
            tag(t, &img.src, "chart-wide");
            tag(t, p, "chart-phone");
        }
        None => tag(t, &img.src, ""),
    };
    match img.chart {
        None => pic(&mut t),
        Some(n) => {
            t.push_str(&format!(
                "<span class=\"chart-at\" id=\"chart-{n}-at\"></span>\n<div class=\"chart\" id=\"chart-{n}\">\
                 <a class=\"chart-open\" href=\"#chart-{n}\" title=\"Show the chart full size\">"
            ));
            pic(&mut t);
            t.push_str(&format!("</a><a class=\"chart-close\" href=\"#chart-{n}-at\">Close</a></div>\n"));
        }
    }
    t
}

/// Text escaped for HTML including quotes (so text never looks like an attribute, even to a
/// naive scanner); alt text inside an image is left to push_html's attribute escaping.
fn text_event(s: CowStr<'_>, image_depth: usize) -> Event<'_> {
    if image_depth > 0 {
        return Event::Text(s);
    }
    Event::Html(CowStr::Boxed(nowrap_dates(&escape(&s)).into_boxed_str()))
}

/// Escaped text with every ISO date (`2026-07-24`) kept on one line: browsers break after a
/// hyphen, and review 30 saw "as of Friday 2026-" / "07-24" in the header box.
fn nowrap_dates(e: &str) -> String {
    let b = e.as_bytes();
    let is_date = |i: usize| {
        i + 10 <= b.len()
            && b[i..i + 10].iter().enumerate().all(|(k, c)| {
                if k == 4 || k == 7 {
                    *c == b'-'
                } else {
                    c.is_ascii_digit()
                }
            })
            && (i == 0 || !b[i - 1].is_ascii_digit())
            && b.get(i + 10).is_none_or(|c| !c.is_ascii_digit())
    };
    let mut out = String::with_capacity(e.len());
    let mut last = 0;
    let mut i = 0;
    while i < b.len() {
        if is_date(i) {
            out.push_str(&e[last..i]);
            out.push_str("<span class=\"nw\">");
            out.push_str(&e[i..i + 10]);
            out.push_str("</span>");
            i += 10;
            last = i;
        } else {
            i += 1;
        }
    }
    out.push_str(&e[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn iso_dates_stay_on_one_line_in_running_text() {
        assert_eq!(
            nowrap_dates("as of Friday 2026-07-24 · close"),
            "as of Friday <span class=\"nw\">2026-07-24</span> · close"
        );
        // Not part of a longer number, and nothing else changes.
        assert_eq!(nowrap_dates("12026-07-241 and 2026-7-24"), "12026-07-241 and 2026-7-24");
        assert_eq!(nowrap_dates("é 2000-05-26"), "é <span class=\"nw\">2000-05-26</span>");
    }

    #[test]
    fn base64_matches_rfc4648_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
        ];
        for (i, o) in cases {
            assert_eq!(base64(i.as_bytes()), o);
        }
        assert_eq!(base64(&[0xff, 0xfe, 0x00]), "//4A");
    }

    #[test]
    fn base64_and_data_uri_match_a_plain_encoder_at_every_length() {
        let plain = |b: &[u8]| {
            let t = B64;
            let mut o = String::new();
            for c in b.chunks(3) {
                let n = (u32::from(c[0]) << 16)
                    | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
                    | u32::from(*c.get(2).unwrap_or(&0));
                o.push(t[(n >> 18) as usize & 63] as char);
                o.push(t[(n >> 12) as usize & 63] as char);
                o.push(if c.len() > 1 { t[(n >> 6) as usize & 63] as char } else { '=' });
                o.push(if c.len() > 2 { t[n as usize & 63] as char } else { '=' });
            }
            o
        };
        let bytes: Vec<u8> = (0..300u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        for n in 0..bytes.len() {
            assert_eq!(base64(&bytes[..n]), plain(&bytes[..n]), "length {n}");
        }
        assert_eq!(data_uri("image/png", b"foob"), "data:image/png;base64,Zm9vYg==");
    }

    #[test]
    fn escape_finds_specials_at_every_offset_of_long_text() {
        let plain = |s: &str| {
            s.replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&quot;")
                .replace('\'', "&#39;")
        };
        let base: String = "abcdefghijklmnopqrstuvwxyz0123456789+/=".chars().cycle().take(100).collect();
        for at in 0..base.len() {
            for sp in ["&", "<", ">", "\"", "'", "é<"] {
                let s = format!("{}{sp}{}", &base[..at], &base[at..]);
                assert_eq!(escape(&s), plain(&s), "special {sp} at {at}");
            }
        }
        assert_eq!(escape(&base), base);
    }

    #[test]
    fn raw_html_becomes_text() {
        let h =
            markdown_to_html("hi <script>alert(1)</script>\n\n<div onclick=x>block</div>\n", &none, &none);
        assert!(!h.contains("<script"), "{h}");
        assert!(!h.contains("<div"), "{h}");
        assert!(h.contains("&lt;script&gt;"), "{h}");
    }

    #[test]
    fn unsafe_links_are_dropped_but_text_kept() {
        let h = markdown_to_html(
            "[a](javascript:alert(1)) [b](https://x.org) [c](#s1) [d](charts/x.png)",
            &none,
            &none,
        );
        assert!(!h.contains("javascript"), "{h}");
        assert!(!h.contains("https://"), "{h}");
        assert!(h.contains("<a href=\"#s1\">c</a>"), "{h}");
        assert!(h.contains("<a href=\"charts/x.png\">d</a>"), "{h}");
        assert!(h.contains('a') && h.contains('b'));
    }

    #[test]
    fn images_inline_or_fall_back_to_alt() {
        let f = |d: &str| (d == "charts/w.png").then(|| "data:image/png;base64,AAAA".to_string());
        let h = markdown_to_html("![weekly chart](charts/w.png)\n\n![ext](http://evil/x.png)", &f, &none);
        assert!(h.contains("src=\"data:image/png;base64,AAAA\""), "{h}");
        assert!(h.contains("alt=\"weekly chart\""), "{h}");
        assert!(!h.contains("evil"), "{h}");
        assert!(h.contains("<span class=\"missing-image\">ext</span>"), "{h}");
    }

    #[test]
    fn sections_and_extensions() {
        let h = markdown_to_html(
            "# T\n\n## A\n\n- [x] done\n- [ ] not\n\n|a|b|\n|-|-|\n|1|2|\n\n~~old~~ x[^1]\n\n[^1]: note\n\n## B\n",
            &none,
            &none,
        );
        assert_eq!(h.matches("<section").count(), 2);
        assert_eq!(h.matches("</section>").count(), 2);
        assert!(h.contains("type=\"checkbox\""));
        assert!(h.contains("<table>"));
        assert!(h.contains("<del>old</del>"));
        assert!(h.contains("footnote"));
    }

    #[test]
    fn tables_are_wrapped_so_they_scroll_not_the_page() {
        let h = markdown_to_html("|a|b|\n|-|-|\n|1|2|\n\n|c|\n|-|\n|3|\n", &none, &none);
        assert_eq!(h.matches("<div class=\"table-wrap\">\n<table>").count(), 2, "{h}");
        assert_eq!(h.matches("</table>\n</div>").count(), 2, "{h}");
        // Short words in cells stay whole; long text may wrap.
        let h = markdown_to_html("|a|b|\n|-|-|\n|2000-05-26|two words|\n", &none, &none);
        assert!(h.contains("<td data-label=\"a\"><span class=\"nw\">2000-05-26</span></td>"), "{h}");
        assert!(h.contains("<td data-label=\"b\">two words</td>"), "{h}");
        let h = markdown_to_html("|a|\n|-|\n|macro:fed_funds data/FEDFUNDS.csv a / b|\n", &none, &none);
        assert!(
            h.contains("<td data-label=\"a\">macro:<wbr>fed_funds data/<wbr>FEDFUNDS.csv a / b</td>"),
            "{h}"
        );
    }

    #[test]
    fn body_cells_carry_their_columns_header_and_alignment() {
        // A phone shows each row as a card whose cells are led by their header (style.css reads
        // `data-label`); the header text is escaped and the column's alignment kept.
        let h = markdown_to_html(
            "|Signal `id`|Went \"its\" way|n|\n|-|-:|:-:|\n|x|43 of 59|3|\n|y||4|\n",
            &none,
            &none,
        );
        assert!(h.contains("<td data-label=\"Signal id\"><span class=\"nw\">x</span></td>"), "{h}");
        assert!(
            h.contains(
                "<td data-label=\"Went &quot;its&quot; way\" style=\"text-align: right\">43 of 59</td>"
            ),
            "{h}"
        );
        assert!(
            h.contains("<td data-label=\"n\" style=\"text-align: center\"><span class=\"nw\">4</span></td>"),
            "{h}"
        );
        assert!(
            h.contains("<td data-label=\"Went &quot;its&quot; way\" style=\"text-align: right\"></td>"),
            "{h}"
        );
        // The header row is the writer's own.
        assert!(h.contains("<th style=\"text-align: right\">"), "{h}");
    }

    #[test]
    fn a_lone_chart_links_to_itself_and_offers_a_phone_variant() {
        let f = |d: &str| d.starts_with("charts/").then(|| format!("data:image/png;base64,{}", &d[7..8]));
        let phone = |d: &str| (d == "charts/w.png").then(|| "data:image/png;base64,P".to_string());
        let h = markdown_to_html(
            "![a \"<b>\" & c](charts/w.png)\n\n![second](charts/x.png)\n\ntext ![inline](charts/w.png) more\n",
            &f,
            &phone,
        );
        // Charts alone in their paragraph: numbered, linking to themselves, with a close link to
        // the anchor above them.
        assert!(h.contains("<span class=\"chart-at\" id=\"chart-1-at\"></span>\n<div class=\"chart\" id=\"chart-1\"><a class=\"chart-open\" href=\"#chart-1\""), "{h}");
        assert!(h.contains("<a class=\"chart-close\" href=\"#chart-1-at\">Close</a></div>"), "{h}");
        assert!(h.contains("id=\"chart-2\"") && !h.contains("chart-3"), "{h}");
        assert!(
            !h.contains("<p><span class=\"chart-at\"") && !h.contains("</div></p>"),
            "no div inside a p: {h}"
        );
        // Alt text escaped; the phone variant only where one exists.
        assert!(
            h.contains("<img class=\"chart-wide\" src=\"data:image/png;base64,w\" alt=\"a &quot;&lt;b&gt;&quot; &amp; c\">"),
            "{h}"
        );
        assert_eq!(h.matches("<img class=\"chart-phone\" src=\"data:image/png;base64,P\"").count(), 2, "{h}");
        assert!(h.contains("<img src=\"data:image/png;base64,x\" alt=\"second\">"), "{h}");
        // An image inside running text stays inline, without the enlarge links.
        assert!(h.contains("<p>text <img class=\"chart-wide\""), "{h}");
    }

    /// The body and page built around slot tokens and assembled equal the page built with the
    /// data URIs in place: lone charts, inline ones, phone variants, an image nested in alt text,
    /// unknown images, and text that looks like a token.
    #[test]
    fn assembled_page_equals_the_page_with_uris_inline() {
        let md = "# T\n\n## A\n\n![wide \"chart\"](charts/w.png)\n\ntext ![in](charts/x.png) and \
                  ![outer ![nested](charts/x.png) alt](charts/w.png) and ![gone](charts/none.png)\n\n\
                  `<mn-img:0>` <mn-img:1> &lt;mn-body&gt; <mn-body>\n\n|a|b|\n|-|-|\n|1|![c](./charts/x.png)|\n";
        let w: Vec<u8> = (0..1000u32).map(|i| (i * 7 % 251) as u8).collect();
        let x: Vec<u8> = (0..5u8).collect();
        let p: Vec<u8> = (0..301u32).map(|i| (i * 13 % 256) as u8).collect();
        let of = |d: &str| -> Option<Inline<'_>> {
            match d.strip_prefix("./").unwrap_or(d) {
                "charts/w.png" => Some(Inline { mime: "image/png", bytes: &w }),
                "charts/x.png" => Some(Inline { mime: "image/svg+xml", bytes: &x }),
                _ => None,
            }
        };
        let phone_of = |d: &str| (d == "charts/w.png").then_some(Inline { mime: "image/png", bytes: &p });
        let uri = |im: Inline<'_>| data_uri(im.mime, im.bytes);
        let plain = markdown_to_html(md, &|d| of(d).map(uri), &|d| phone_of(d).map(uri));
        fn slot<'a>(slots: &std::cell::RefCell<Vec<Inline<'a>>>, im: Option<Inline<'a>>) -> Option<Src> {
            im.map(|im| {
                slots.borrow_mut().push(im);
                Src::Slot(slots.borrow().len() - 1)
            })
        }
        let slots = std::cell::RefCell::new(Vec::new());
        let (body, written) =
            markdown_to_html_with(md, &|d| slot(&slots, of(d)), &|d| slot(&slots, phone_of(d)));
        assert_eq!(written, 6, "{body}");
        assert!(body.len() < 2000, "the body holds tokens, not data: {body}");
        let slots = slots.into_inner();
        let shell = |b: &str| format!("<html><style>a{{}}</style>\n{b}\n</html>");
        let page = assemble(&shell(BODY_TOKEN), &body, written, &slots).unwrap();
        assert_eq!(page, shell(&plain));
        assert!(page.contains(&data_uri("image/png", &p)) && page.contains("&lt;mn-img:0&gt;"), "{page}");
        // The checks: one body token in the shell, exactly the tokens written, known slots.
        assert!(assemble(&shell("<mn-body><mn-body>"), &body, written, &slots).is_none());
        assert!(assemble(&shell("none"), &body, written, &slots).is_none());
        assert!(assemble(&shell(BODY_TOKEN), &body, written - 1, &slots).is_none());
        assert!(assemble(&shell(BODY_TOKEN), &format!("{body}<mn-img:0>"), written, &slots).is_none());
        assert!(assemble(&shell(BODY_TOKEN), &body, written, &slots[..2]).is_none());
        assert_eq!(assemble(BODY_TOKEN, "no images", 0, &[]).as_deref(), Some("no images"));
    }

    #[test]
    fn long_code_is_a_hash() {
        let hash = "a76d61ac0777b04951155893e03e216aad5ddfeb449ac8ef1f464c6120080e34";
        let h = markdown_to_html(&format!("`{hash}` `short` `<{hash}>`"), &none, &none);
        assert!(h.contains(&format!("<code class=\"hash\">{hash}</code>")), "{h}");
        assert!(h.contains("<code>short</code>"), "{h}");
        assert!(h.contains(&format!("<code class=\"hash\">&lt;{hash}&gt;</code>")), "{h}");
    }
}
