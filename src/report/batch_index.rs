//! The batch index page (`marketnote batch -o DIR` → `DIR/index.html`): the ranked universe in,
//! HTML bytes out, through the Tera template [`BATCH_INDEX_HTML`](super::templates::BATCH_INDEX_HTML)
//! (embedded; a file of that name in the manifest's `templates` folder overrides it).
//!
//! Every value is escaped by Tera's HTML autoescape; each row's link is also percent-encoded
//! here ([`url_path`]), so it holds only `A-Z a-z 0-9 - . _ ~ / %`.

use super::templates::Templates;
use crate::error::Result;
use serde::Serialize;

/// What the index template sees. Numbers arrive formatted (the page prints them as given).
#[derive(Debug, Clone, Serialize)]
pub struct IndexPage {
    /// Page title and heading, e.g. `marketnote universe: 3 symbols (shard 1/2)`.
    pub title: String,
    /// The as-of date (`YYYY-MM-DD`) or `latest session of each symbol`.
    pub as_of: String,
    /// marketnote version.
    pub version: String,
    /// Successful symbols, ranked (the page numbers them 1, 2, …); the template sees them with
    /// their encoded `href`.
    #[serde(skip)]
    pub rows: Vec<IndexRow>,
    /// Failed symbols.
    pub failed: Vec<FailedRow>,
}

/// One ranked symbol.
#[derive(Debug, Clone, Serialize)]
pub struct IndexRow {
    /// The note page relative to the index (`IWM/note.html`), not yet encoded: [`render`]
    /// percent-encodes it into the template's `href`.
    #[serde(skip)]
    pub link: String,
    /// Ticker.
    pub symbol: String,
    /// Display name.
    pub name: String,
    /// `long`, `short` or `neutral` (also the CSS class).
    pub stance: String,
    /// Conviction, e.g. `moderate`.
    pub conviction: Option<String>,
    /// Score, e.g. `+0.25` (`—` when not finite).
    pub score: String,
    /// Coverage, e.g. `82%`.
    pub coverage: String,
    /// RS percentile, e.g. `44th` (`—` when not computed).
    pub rs_pctile: String,
    /// Stance flags such as `risk_watch`.
    pub flags: Vec<String>,
    /// The note's as-of date.
    pub as_of: String,
}

/// One failed symbol.
#[derive(Debug, Clone, Serialize)]
pub struct FailedRow {
    /// Ticker.
    pub symbol: String,
    /// Display name.
    pub name: String,
    /// The one-line error.
    pub error: String,
}

#[derive(Serialize)]
struct RowView<'a> {
    #[serde(flatten)]
    row: &'a IndexRow,
    href: String,
}

#[derive(Serialize)]
struct PageView<'a> {
    #[serde(flatten)]
    page: &'a IndexPage,
    rows: Vec<RowView<'a>>,
}

/// Percent-encodes a relative link (keeps letters, digits, `-._~/`).
pub fn url_path(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Renders `index.html`. Errors: the template's (`Error::Template`, naming the user's file when
/// overridden, the line and the problem).
pub fn render(tpl: &Templates, page: &IndexPage) -> Result<Vec<u8>> {
    let view = PageView {
        page,
        rows: page.rows.iter().map(|row| RowView { row, href: url_path(&row.link) }).collect(),
    };
    Ok(tpl.render_batch_index(&view)?.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(symbol: &str, name: &str) -> IndexPage {
        IndexPage {
            title: "marketnote universe: 2 symbols".into(),
            as_of: "2025-12-12".into(),
            version: "0.1.0".into(),
            rows: vec![IndexRow {
                link: format!("{symbol}/note.html"),
                symbol: symbol.into(),
                name: name.into(),
                stance: "long".into(),
                conviction: Some("moderate".into()),
                score: "+0.25".into(),
                coverage: "82%".into(),
                rs_pctile: "44th".into(),
                flags: vec!["risk_watch".into()],
                as_of: "2025-12-12".into(),
            }],
            failed: vec![FailedRow {
                symbol: "XYZ".into(),
                name: "<b>bad</b>".into(),
                error: "data/XYZ.csv:14:3: <script>alert(1)</script>".into(),
            }],
        }
    }

    #[test]
    fn the_page_lists_rows_and_failures_with_links() {
        let tpl = Templates::load(None).unwrap();
        let html = String::from_utf8(render(&tpl, &page("^GSPC", "S&P 500")).unwrap()).unwrap();
        assert!(html.starts_with("<!DOCTYPE html>\n"), "{html}");
        assert!(
            html.contains("<td class=\"num\">1</td><td><a href=\"%5EGSPC/note.html\">^GSPC</a></td>"),
            "{html}"
        );
        assert!(html.contains("<td>S&amp;P 500</td>"), "{html}");
        // The conviction in words (review: "NEUTRAL (low)" read as a code).
        assert!(html.contains("<span class=\"long\">LONG</span>, moderate conviction"), "{html}");
        assert!(html.contains("<span class=\"flag\">risk_watch</span>"), "{html}");
        assert!(html.contains("<h2>Failed (1)</h2>"), "{html}");
        assert!(html.contains("1 ok, 1 failed · as of 2025-12-12"), "{html}");
        // The ranking rule the reader can check (issue 13: IWM and SPY at −0.05 each).
        assert!(
            html.contains("ranked by score as shown, highest first; equal scores in symbol order (A to Z)"),
            "{html}"
        );
    }

    #[test]
    fn values_from_data_and_config_are_escaped() {
        let tpl = Templates::load(None).unwrap();
        let mut p = page("IWM", "<script>alert('name')</script>");
        p.title = "<script>alert(\"title\")</script>".into();
        p.rows[0].conviction = Some("<i>x</i>".into());
        p.rows[0].flags = vec!["<img src=x onerror=alert(1)>".into()];
        let html = String::from_utf8(render(&tpl, &p).unwrap()).unwrap();
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img") && !html.contains("<i>") && !html.contains("<b>"), "{html}");
        assert!(
            html.contains("<title>&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;</title>"),
            "{html}"
        );
        assert!(html.contains("<td>&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;</td>"), "{html}");
        // A link is percent-encoded, so it cannot leave its attribute.
        assert_eq!(url_path("a\"b <c>/note.html"), "a%22b%20%3Cc%3E/note.html");
    }

    #[test]
    fn a_template_of_that_name_overrides_the_embedded_one() {
        let t = tempfile::tempdir().unwrap();
        std::fs::write(
            t.path().join(super::super::templates::BATCH_INDEX_HTML),
            "{% for r in rows %}[{{ r.symbol }}|{{ r.href }}]{% endfor %}",
        )
        .unwrap();
        let tpl = Templates::load(Some(t.path())).unwrap();
        let html = String::from_utf8(render(&tpl, &page("A<B", "n")).unwrap()).unwrap();
        assert_eq!(html, "[A&lt;B|A%3CB/note.html]");
    }
}
