//! Templates: the embedded defaults (or a user's overrides of the same name) in, rendered
//! markdown and the HTML page out.
//!
//! Two Tera instances: markdown templates (`*.md.tera`) autoescape every value with a markdown
//! escaper, so data cannot inject markdown or HTML; the HTML shell (`*.html.tera`) autoescapes
//! with Tera's HTML escaper. Errors name the template (the user's file path when overridden),
//! the line and the problem.

use super::view::NoteView;
use crate::error::{Error, Result};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Longest time one template render may take, in seconds (`MARKETNOTE_TEMPLATE_SECS` overrides;
/// the embedded templates take milliseconds).
pub const RENDER_SECS: u64 = 20;

/// Most bytes one template render may produce (a note is well under 1 MiB before charts).
pub const MAX_RENDER_BYTES: usize = 64 << 20;

/// The text our limit writer fails with (found again in Tera's error chain).
const LIMIT_TAG: &str = "marketnote template limit";

fn render_limit() -> Duration {
    let secs = std::env::var("MARKETNOTE_TEMPLATE_SECS")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|&v| v >= 1)
        .unwrap_or(RENDER_SECS);
    Duration::from_secs(secs)
}

/// The render's output: stops the render (an I/O error inside Tera) past the deadline or the size
/// limit, so a template loop that writes is stopped where it is.
struct Limited {
    buf: Vec<u8>,
    deadline: Instant,
}

impl std::io::Write for Limited {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        if self.buf.len() + b.len() > MAX_RENDER_BYTES {
            return Err(std::io::Error::other(format!(
                "{LIMIT_TAG}: output above {} MiB",
                MAX_RENDER_BYTES >> 20
            )));
        }
        if Instant::now() > self.deadline {
            return Err(std::io::Error::other(format!("{LIMIT_TAG}: time")));
        }
        self.buf.extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The embedded default templates: (file name, content). `marketnote init` writes these out.
pub const EMBEDDED: &[(&str, &str)] = &[
    ("note.md.tera", include_str!("../../templates/note.md.tera")),
    ("_header.md.tera", include_str!("../../templates/_header.md.tera")),
    ("_thesis.md.tera", include_str!("../../templates/_thesis.md.tera")),
    ("_macro.md.tera", include_str!("../../templates/_macro.md.tera")),
    ("_read.md.tera", include_str!("../../templates/_read.md.tera")),
    ("_rates.md.tera", include_str!("../../templates/_rates.md.tera")),
    ("_technical.md.tera", include_str!("../../templates/_technical.md.tera")),
    ("_structure.md.tera", include_str!("../../templates/_structure.md.tera")),
    ("_track.md.tera", include_str!("../../templates/_track.md.tera")),
    ("_risk.md.tera", include_str!("../../templates/_risk.md.tera")),
    ("_since.md.tera", include_str!("../../templates/_since.md.tera")),
    ("_method.md.tera", include_str!("../../templates/_method.md.tera")),
    ("_disclaimer.md.tera", include_str!("../../templates/_disclaimer.md.tera")),
    ("note.html.tera", include_str!("../../templates/note.html.tera")),
    ("batch-index.html.tera", include_str!("../../templates/batch-index.html.tera")),
    ("style.css", include_str!("../../templates/style.css")),
];

/// The entry template of the markdown note.
pub const NOTE_MD: &str = "note.md.tera";
/// The HTML page shell.
pub const NOTE_HTML: &str = "note.html.tera";
/// The batch index page (`marketnote batch -o DIR` → `DIR/index.html`).
pub const BATCH_INDEX_HTML: &str = "batch-index.html.tera";
/// The stylesheet inlined into the HTML page.
pub const STYLE_CSS: &str = "style.css";

/// What the HTML shell template sees.
#[derive(Debug, Clone, Serialize)]
pub struct HtmlPage<'a> {
    /// Page title (escaped by the template).
    pub title: &'a str,
    /// `light` or `dark`.
    pub theme: &'a str,
    /// Language code.
    pub lang: &'a str,
    /// The note body: sanitised HTML from the markdown (inserted with `| safe`).
    pub body: &'a str,
    /// The stylesheet (inserted with `| safe`).
    pub css: &'a str,
    /// The note's as-of date.
    pub as_of: &'a str,
    /// marketnote version.
    pub version: &'a str,
    /// Site links and social tags for a note published into a site (`marketnote publish`);
    /// None for a plain `render`, and the template then adds nothing.
    pub site: Option<&'a crate::site::NoteHead>,
}

/// The loaded template set: embedded defaults, each replaced by a user's file of the same name.
pub struct Templates {
    md: Arc<tera::Tera>,
    html: Arc<tera::Tera>,
    css: String,
    /// Set when a render ran out of time: its thread may still be running, so later renders of
    /// this set fail at once instead of starting another.
    timed_out: Arc<AtomicBool>,
    /// The render time limit (from `MARKETNOTE_TEMPLATE_SECS` at load).
    limit: Duration,
    /// Template name → what error messages call it (the user file path when overridden).
    origin: BTreeMap<String, String>,
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Templates").field("origin", &self.origin).finish_non_exhaustive()
    }
}

/// Escapes text for inline markdown: punctuation that could open markdown or HTML constructs is
/// backslash-escaped, line breaks become spaces, and a leading block marker is neutralised.
pub fn escape_markdown(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut buf = String::with_capacity(input.len() + 8);
    let chars: Vec<char> = input.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let prev = if i > 0 { Some(chars[i - 1]) } else { None };
        let next = chars.get(i + 1).copied();
        match c {
            '\\' | '`' | '*' | '[' | ']' | '<' | '>' | '|' | '~' => {
                buf.push('\\');
                buf.push(c);
            }
            // An ampersand only opens a character reference when a name or number and a `;`
            // follow ("&lt;", "&#60;"): that one is escaped; "S&P 500" stays as written (review
            // 26 read "S\&P" in note.md).
            '&' => {
                let name =
                    chars[i + 1..].iter().take_while(|c| c.is_ascii_alphanumeric() || **c == '#').count();
                if name > 0 && chars.get(i + 1 + name) == Some(&';') {
                    buf.push('\\');
                }
                buf.push('&');
            }
            // Intraword underscores cannot open or close emphasis; keep ids readable.
            '_' => {
                let inner =
                    prev.is_some_and(char::is_alphanumeric) && next.is_some_and(char::is_alphanumeric);
                if !inner {
                    buf.push('\\');
                }
                buf.push('_');
            }
            '\r' => {}
            '\n' | '\t' => buf.push(' '),
            // Any other control or bidi character from data (a CSV header, a previous note) is
            // shown as U+FFFD: it would corrupt the markdown and HTML or spoof the text.
            c if crate::config::forbidden_char(c) => buf.push('\u{FFFD}'),
            // A block marker at the very start of a value (heading, list item) is neutralised;
            // mid-line it means nothing, so numbers like +0.36 and 246.10 stay readable.
            '#' if i == 0 => {
                buf.push('\\');
                buf.push(c);
            }
            '+' | '-' if i == 0 && next.is_none_or(char::is_whitespace) => {
                buf.push('\\');
                buf.push(c);
            }
            '.' | ')'
                if next.is_none_or(char::is_whitespace)
                    && prev.is_some_and(|p| p.is_ascii_digit())
                    && chars[..i].iter().all(char::is_ascii_digit) =>
            {
                buf.push('\\');
                buf.push(c);
            }
            _ => buf.push(c),
        }
    }
    out.write_all(buf.as_bytes())
}

/// Markdown-escapes a string (the same escaper the markdown templates autoescape with).
pub fn md_escape(s: &str) -> String {
    let mut v = Vec::with_capacity(s.len() + 8);
    escape_markdown(s, &mut v).expect("writing to a Vec cannot fail");
    String::from_utf8(v).expect("escaping keeps UTF-8")
}

fn read_user(dir: &Path, name: &str) -> Result<Option<(String, PathBuf)>> {
    let p = dir.join(name);
    if std::fs::symlink_metadata(&p).is_err() {
        return Ok(None);
    }
    let text = crate::data::read::read_text(&p, crate::data::read::Kind::Template).map_err(|e| {
        Error::Template { name: p.display().to_string(), message: format!("cannot read: {e}") }
    })?;
    Ok(Some((text, p)))
}

impl Templates {
    /// Loads the embedded templates, each overridden by `user_dir/<name>` when that file exists.
    /// Extra `*.md.tera` files in `user_dir` are loaded too (new partials).
    pub fn load(user_dir: Option<&Path>) -> Result<Templates> {
        let mut sources: BTreeMap<String, (String, String)> = BTreeMap::new();
        for (name, text) in EMBEDDED {
            sources.insert(name.to_string(), (text.to_string(), format!("{name} (embedded)")));
        }
        if let Some(dir) = user_dir {
            if !dir.is_dir() {
                return Err(Error::Usage(format!("--templates {}: not a directory", dir.display())));
            }
            let mut extra = Vec::new();
            let entries = std::fs::read_dir(dir)
                .map_err(|e| Error::Usage(format!("--templates {}: {e}", dir.display())))?;
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.ends_with(".md.tera") || name.ends_with(".html.tera") || name == STYLE_CSS {
                    extra.push(name);
                }
            }
            extra.sort();
            for name in extra {
                if let Some((text, p)) = read_user(dir, &name)? {
                    sources.insert(name, (text, p.display().to_string()));
                }
            }
        }
        let origin: BTreeMap<String, String> =
            sources.iter().map(|(k, (_, o))| (k.clone(), o.clone())).collect();

        let mut md = tera::Tera::new();
        md.set_escape_fn(escape_markdown);
        md.autoescape_on([".md.tera"]);
        let md_sources: Vec<(&str, &str)> = sources
            .iter()
            .filter(|(k, _)| k.ends_with(".md.tera"))
            .map(|(k, (t, _))| (k.as_str(), t.as_str()))
            .collect();
        md.add_raw_templates(md_sources).map_err(|e| tera_error(&e, &origin, NOTE_MD))?;
        let md = Arc::new(md);

        let mut html = tera::Tera::new();
        html.autoescape_on([".html.tera"]);
        let html_sources: Vec<(&str, &str)> = sources
            .iter()
            .filter(|(k, _)| k.ends_with(".html.tera"))
            .map(|(k, (t, _))| (k.as_str(), t.as_str()))
            .collect();
        html.add_raw_templates(html_sources).map_err(|e| tera_error(&e, &origin, NOTE_HTML))?;
        let html = Arc::new(html);

        let css = sources.get(STYLE_CSS).map(|(t, _)| super::html::style_text(t)).unwrap_or_default();
        Ok(Templates {
            md,
            html,
            css,
            origin,
            timed_out: Arc::new(AtomicBool::new(false)),
            limit: render_limit(),
        })
    }

    /// Renders the markdown note.
    pub fn render_md(&self, view: &NoteView) -> Result<String> {
        let ctx = tera::Context::from_serialize(view).map_err(|e| Error::Template {
            name: NOTE_MD.into(),
            message: format!("cannot build the template context: {e}"),
        })?;
        self.render_limited(&self.md, NOTE_MD, ctx, 0)
    }

    /// Whether the HTML page shell is the embedded `note.html.tera` (which inserts the body once,
    /// as it is), not a user's.
    pub fn html_is_embedded(&self) -> bool {
        self.origin.get(NOTE_HTML).is_some_and(|o| o.ends_with(" (embedded)"))
    }

    /// Renders the HTML page around an already sanitised body.
    pub fn render_html(&self, page: &HtmlPage) -> Result<String> {
        let ctx = tera::Context::from_serialize(page).map_err(|e| Error::Template {
            name: NOTE_HTML.into(),
            message: format!("cannot build the template context: {e}"),
        })?;
        self.render_limited(&self.html, NOTE_HTML, ctx, page.body.len() + page.css.len() + (16 << 10))
    }

    /// Renders the batch index page (see [`super::batch_index`], which builds `page`).
    pub fn render_batch_index(&self, page: &impl Serialize) -> Result<String> {
        let ctx = tera::Context::from_serialize(page).map_err(|e| Error::Template {
            name: BATCH_INDEX_HTML.into(),
            message: format!("cannot build the template context: {e}"),
        })?;
        self.render_limited(&self.html, BATCH_INDEX_HTML, ctx, 0)
    }

    /// Renders `name` on its own thread with a time limit ([`RENDER_SECS`]) and an output limit
    /// ([`MAX_RENDER_BYTES`]). Tera has no hook to stop a render, so: the output writer fails the
    /// render once past the deadline or the size (stops loops that write), and the caller stops
    /// waiting at the deadline (loops that write nothing); such a thread is left to finish on its
    /// own and this template set refuses further renders. `size_hint`: the bytes expected (the
    /// output buffer is reserved up front, so a page with megabytes of inlined charts is not
    /// copied at every doubling; capped at the size limit).
    fn render_limited(
        &self,
        tera: &Arc<tera::Tera>,
        name: &'static str,
        ctx: tera::Context,
        size_hint: usize,
    ) -> Result<String> {
        let limit = self.limit;
        let too_long = || {
            Error::Template {
            name: self.origin.get(name).cloned().unwrap_or_else(|| name.to_string()),
            message: format!(
                "rendering it (and the templates it includes) took longer than {}s (set MARKETNOTE_TEMPLATE_SECS to allow more): a loop \
                 in the template that never ends or is too large; simplify it",
                limit.as_secs()
            ),
        }
        };
        if self.timed_out.load(Ordering::Relaxed) {
            return Err(too_long());
        }
        let (tx, rx) = std::sync::mpsc::channel();
        let tera = Arc::clone(tera);
        let deadline = Instant::now() + limit;
        std::thread::Builder::new()
            .name("marketnote-template".into())
            .stack_size(8 << 20)
            .spawn(move || {
                let mut out = Limited { buf: Vec::with_capacity(size_hint.min(MAX_RENDER_BYTES)), deadline };
                let r = tera.render_to(name, &ctx, &mut out).map(|()| out.buf);
                let _ = tx.send(r);
            })
            .map_err(|e| Error::Internal(format!("cannot start the template thread: {e}")))?;
        let bytes = match rx.recv_timeout(limit + Duration::from_millis(250)) {
            Ok(Ok(bytes)) => bytes,
            Ok(Err(e)) => {
                let chain = error_chain(&e);
                if chain.contains(LIMIT_TAG) {
                    if chain.contains("MiB") {
                        return Err(Error::Template {
                            name: self.origin.get(name).cloned().unwrap_or_else(|| name.to_string()),
                            message: format!(
                                "the rendered text is above {} MiB: a loop in the template that is too large; simplify it",
                                MAX_RENDER_BYTES >> 20
                            ),
                        });
                    }
                    self.timed_out.store(true, Ordering::Relaxed);
                    return Err(too_long());
                }
                return Err(tera_error(&e, &self.origin, name));
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                self.timed_out.store(true, Ordering::Relaxed);
                return Err(too_long());
            }
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                return Err(Error::Internal(format!(
                    "the template thread rendering {name} stopped without a result"
                )))
            }
        };
        String::from_utf8(bytes)
            .map_err(|e| Error::Internal(format!("template {name} rendered invalid UTF-8: {e}")))
    }

    /// The stylesheet.
    pub fn css(&self) -> &str {
        &self.css
    }
}

/// Turns a Tera error into `Error::Template` naming the template, line and problem.
fn tera_error(e: &tera::Error, origin: &BTreeMap<String, String>, fallback: &str) -> Error {
    let name_of = |n: &str| origin.get(n).cloned().unwrap_or_else(|| n.to_string());
    let mut message = match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            let name = if r.filename().is_empty() { fallback } else { r.filename() };
            return Error::Template {
                name: name_of(name),
                message: format!(
                    "line {}, column {}: {}",
                    r.span().start_line,
                    r.span().start_col + 1,
                    r.message()
                ),
            };
        }
        tera::ErrorKind::TemplateNotFound(n) => {
            format!("includes `{n}`, which is neither embedded nor in --templates")
        }
        other => {
            let text = other.to_string();
            // Validation errors arrive as a pre-formatted report: "error: ...\n --> name:line:col".
            if let Some((name, line, col)) = report_location(&text) {
                let problem = text.lines().next().unwrap_or("").trim().trim_start_matches("error:").trim();
                return Error::Template {
                    name: name_of(&name),
                    message: format!("line {line}, column {}: {problem}", col + 1),
                };
            }
            text
        }
    };
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        message.push_str(": ");
        message.push_str(&s.to_string());
        src = s.source();
    }
    Error::Template { name: name_of(fallback), message }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(x) = src {
        s.push_str(": ");
        s.push_str(&x.to_string());
        src = x.source();
    }
    s
}

/// Finds `--> name:line:col` in a formatted Tera report (col 0-based as Tera prints it).
fn report_location(text: &str) -> Option<(String, usize, usize)> {
    let at = text.find("--> ")?;
    let loc = text[at + 4..].lines().next()?.trim();
    let mut parts = loc.rsplitn(3, ':');
    let col = parts.next()?.parse().ok()?;
    let line = parts.next()?.parse().ok()?;
    Some((parts.next()?.to_string(), line, col))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escaper_neutralises_markup() {
        assert_eq!(md_escape("<script>alert(1)</script>"), "\\<script\\>alert(1)\\</script\\>");
        assert_eq!(md_escape("[x](javascript:alert(1))"), "\\[x\\](javascript:alert(1))");
        assert_eq!(md_escape("# head\n- item"), "\\# head - item");
        assert_eq!(md_escape("a|b *c* _d_ wk_flip"), "a\\|b \\*c\\* \\_d\\_ wk_flip");
        assert_eq!(md_escape("1. first"), "1\\. first");
        assert_eq!(md_escape("IWM 246.10 on 2025-11-28"), "IWM 246.10 on 2025-11-28");
        assert_eq!(md_escape("+0.36"), "+0.36");
        // A character reference is escaped; a plain ampersand is not.
        assert_eq!(md_escape("S&P 500 & co"), "S&P 500 & co");
        assert_eq!(md_escape("&lt;b&gt; &#60;i&#x3c;"), "\\&lt;b\\&gt; \\&#60;i\\&#x3c;");
        assert_eq!(md_escape("- item"), "\\- item");
        assert_eq!(md_escape("a\u{7}b\u{1b}[31m\u{202E}c\td"), "a\u{FFFD}b\u{FFFD}\\[31m\u{FFFD}c d");
    }

    fn runaway(body: &str, secs: u64) -> (Error, Duration) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("_risk.md.tera"), body).unwrap();
        let mut t = Templates::load(Some(dir.path())).unwrap();
        t.limit = Duration::from_secs(secs);
        let view =
            crate::report::build_view(&crate::report::demo::analysis("IWM"), &crate::report::demo::charts());
        let start = Instant::now();
        let e = t.render_md(&view).unwrap_err();
        let took = start.elapsed();
        assert_eq!(e.exit_code(), 2);
        // Refused at once afterwards when the thread may still run.
        if e.to_string().contains("longer than") {
            let again = Instant::now();
            assert!(t.render_md(&view).unwrap_err().to_string().contains("longer than"));
            assert!(again.elapsed() < Duration::from_millis(100));
        }
        (e, took)
    }

    #[test]
    fn a_runaway_template_loop_is_stopped_with_a_clear_error() {
        // Writes nothing: only the caller's deadline stops it (the thread is left behind).
        let (e, took) = runaway(
            "{% for a in range(end=100000) %}{% for b in range(end=100000) %}{% endfor %}{% endfor %}",
            1,
        );
        assert!(e.to_string().contains("longer than 1s"), "{e}");
        assert!(took < Duration::from_secs(3), "{took:?}");
        // Writes: stopped by the output limit, the thread ends itself.
        let (e, took) = runaway(
            "{% for a in range(end=100000) %}{% for b in range(end=100000) %}xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx{% endfor %}{% endfor %}",
            30,
        );
        assert!(e.to_string().contains("MiB") || e.to_string().contains("longer than"), "{e}");
        assert!(took < Duration::from_secs(31), "{took:?}");
    }

    #[test]
    fn user_css_cannot_close_its_style_element() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("style.css"),
            "p{color:red}</STYLE><meta http-equiv=refresh content=0></style >",
        )
        .unwrap();
        let t = Templates::load(Some(dir.path())).unwrap();
        assert!(!t.css().to_ascii_lowercase().contains("</style"), "{}", t.css());
        assert!(t.css().starts_with("p{color:red}<\\/STYLE>"), "{}", t.css());
    }

    #[test]
    fn embedded_templates_parse() {
        Templates::load(None).unwrap();
    }

    #[test]
    fn syntax_error_names_template_and_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("_risk.md.tera"), "ok\n{% if %}\n").unwrap();
        let e = Templates::load(Some(dir.path())).unwrap_err();
        let s = e.to_string();
        assert!(s.contains("_risk.md.tera"), "{s}");
        assert!(s.contains("line 2"), "{s}");
        assert_eq!(e.exit_code(), 2);
    }
}
