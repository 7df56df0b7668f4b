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
    ("_risk.md.tera", include_str!("../../templates/_risk.md.tera")),
    ("_since.md.tera", include_str!("../../templates/_since.md.tera")),
    ("_method.md.tera", include_str!("../../templates/_method.md.tera")),
    ("_disclaimer.md.tera", include_str!("../../templates/_disclaimer.md.tera")),
    ("note.html.tera", include_str!("../../templates/note.html.tera")),
    ("style.css", include_str!("../../templates/style.css")),
];

/// The entry template of the markdown note.
pub const NOTE_MD: &str = "note.md.tera";
/// The HTML page shell.
pub const NOTE_HTML: &str = "note.html.tera";
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
}

/// The loaded template set: embedded defaults, each replaced by a user's file of the same name.
pub struct Templates {
    md: tera::Tera,
    html: tera::Tera,
    css: String,
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
            '\\' | '`' | '*' | '[' | ']' | '<' | '>' | '|' | '~' | '&' => {
                buf.push('\\');
                buf.push(c);
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
            '\n' => buf.push(' '),
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
    if !p.exists() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&p).map_err(|e| Error::Template {
        name: p.display().to_string(),
        message: format!("cannot read: {e}"),
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

        let mut html = tera::Tera::new();
        html.autoescape_on([".html.tera"]);
        let html_sources: Vec<(&str, &str)> = sources
            .iter()
            .filter(|(k, _)| k.ends_with(".html.tera"))
            .map(|(k, (t, _))| (k.as_str(), t.as_str()))
            .collect();
        html.add_raw_templates(html_sources).map_err(|e| tera_error(&e, &origin, NOTE_HTML))?;

        let css = sources.get(STYLE_CSS).map(|(t, _)| t.clone()).unwrap_or_default();
        Ok(Templates { md, html, css, origin })
    }

    /// Renders the markdown note.
    pub fn render_md(&self, view: &NoteView) -> Result<String> {
        let ctx = tera::Context::from_serialize(view).map_err(|e| Error::Template {
            name: NOTE_MD.into(),
            message: format!("cannot build the template context: {e}"),
        })?;
        self.md.render(NOTE_MD, &ctx).map_err(|e| tera_error(&e, &self.origin, NOTE_MD))
    }

    /// Renders the HTML page around an already sanitised body.
    pub fn render_html(&self, page: &HtmlPage) -> Result<String> {
        let ctx = tera::Context::from_serialize(page).map_err(|e| Error::Template {
            name: NOTE_HTML.into(),
            message: format!("cannot build the template context: {e}"),
        })?;
        self.html.render(NOTE_HTML, &ctx).map_err(|e| tera_error(&e, &self.origin, NOTE_HTML))
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
        assert_eq!(md_escape("- item"), "\\- item");
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
