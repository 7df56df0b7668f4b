//! Markdown in, sanitised HTML body out (pulldown-cmark: tables, footnotes, strikethrough, task
//! lists). Raw HTML in the markdown becomes escaped text, links that are not relative or `#` are
//! dropped (their text kept), and images are inlined as `data:` URIs from the chart bytes, so the
//! page makes no external request.

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
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for c in bytes.chunks(3) {
        let b = [c[0], *c.get(1).unwrap_or(&0), *c.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        out.push(T[(n >> 18) as usize & 63] as char);
        out.push(T[(n >> 12) as usize & 63] as char);
        out.push(if c.len() > 1 { T[(n >> 6) as usize & 63] as char } else { '=' });
        out.push(if c.len() > 2 { T[n as usize & 63] as char } else { '=' });
    }
    out
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

/// Renders markdown to a sanitised HTML body. `image` maps an image destination (e.g.
/// `charts/weekly.png`) to the `src` to use (a `data:` URI); unknown images become their alt text.
/// Level-2 headings open `<section>` elements (page breaks in print).
pub fn markdown_to_html(md: &str, image: &dyn Fn(&str) -> Option<String>) -> String {
    let events: Vec<Event> = Parser::new_ext(md, markdown_options()).collect();
    let mut out: Vec<Event> = Vec::with_capacity(events.len() + 16);
    // Per open link/image: whether its start tag was kept (so the end tag is kept too).
    let mut kept: Vec<bool> = Vec::new();
    let mut in_section = false;
    // Inside an image, text is alt text (escaped by push_html as an attribute).
    let mut image_depth = 0usize;
    let mut n_sections = 0usize;
    for ev in events {
        match ev {
            Event::Html(s) | Event::InlineHtml(s) => {
                // Comments are template notes: drop them. Anything else shows as text.
                let t = s.trim();
                if !(t.starts_with("<!--") && t.ends_with("-->")) {
                    out.push(text_event(s, image_depth));
                }
            }
            Event::Text(s) => out.push(text_event(s, image_depth)),
            Event::Start(Tag::HtmlBlock) | Event::End(TagEnd::HtmlBlock) => {}
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
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                image_depth += 1;
                match image(dest_url.trim()) {
                    Some(src) => {
                        kept.push(true);
                        out.push(Event::Start(Tag::Image {
                            link_type,
                            dest_url: CowStr::Boxed(src.into_boxed_str()),
                            title,
                            id,
                        }));
                    }
                    None => {
                        kept.push(false);
                        out.push(Event::Html(CowStr::Borrowed("<span class=\"missing-image\">")));
                    }
                }
            }
            Event::End(TagEnd::Image) => {
                image_depth = image_depth.saturating_sub(1);
                if kept.pop().unwrap_or(false) {
                    out.push(Event::End(TagEnd::Image));
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
    let mut html = String::with_capacity(md.len() * 2);
    pulldown_cmark::html::push_html(&mut html, out.into_iter());
    html
}

/// Text escaped for HTML including quotes (so text never looks like an attribute, even to a
/// naive scanner); alt text inside an image is left to push_html's attribute escaping.
fn text_event(s: CowStr<'_>, image_depth: usize) -> Event<'_> {
    if image_depth > 0 {
        return Event::Text(s);
    }
    Event::Html(CowStr::Boxed(escape(&s).into_boxed_str()))
}

/// Escapes text for HTML element content and attribute values (`& < > " '`); also used for the
/// strings inside SVG built in code (`site::pages`).
pub fn escape(s: &str) -> String {
    let mut e = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => e.push_str("&amp;"),
            '<' => e.push_str("&lt;"),
            '>' => e.push_str("&gt;"),
            '"' => e.push_str("&quot;"),
            '\'' => e.push_str("&#39;"),
            _ => e.push(c),
        }
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none(_: &str) -> Option<String> {
        None
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
    fn raw_html_becomes_text() {
        let h = markdown_to_html("hi <script>alert(1)</script>\n\n<div onclick=x>block</div>\n", &none);
        assert!(!h.contains("<script"), "{h}");
        assert!(!h.contains("<div"), "{h}");
        assert!(h.contains("&lt;script&gt;"), "{h}");
    }

    #[test]
    fn unsafe_links_are_dropped_but_text_kept() {
        let h =
            markdown_to_html("[a](javascript:alert(1)) [b](https://x.org) [c](#s1) [d](charts/x.png)", &none);
        assert!(!h.contains("javascript"), "{h}");
        assert!(!h.contains("https://"), "{h}");
        assert!(h.contains("<a href=\"#s1\">c</a>"), "{h}");
        assert!(h.contains("<a href=\"charts/x.png\">d</a>"), "{h}");
        assert!(h.contains('a') && h.contains('b'));
    }

    #[test]
    fn images_inline_or_fall_back_to_alt() {
        let f = |d: &str| (d == "charts/w.png").then(|| "data:image/png;base64,AAAA".to_string());
        let h = markdown_to_html("![weekly chart](charts/w.png)\n\n![ext](http://evil/x.png)", &f);
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
        );
        assert_eq!(h.matches("<section").count(), 2);
        assert_eq!(h.matches("</section>").count(), 2);
        assert!(h.contains("type=\"checkbox\""));
        assert!(h.contains("<table>"));
        assert!(h.contains("<del>old</del>"));
        assert!(h.contains("footnote"));
    }
}
