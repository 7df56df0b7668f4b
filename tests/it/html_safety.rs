//! Injection attempts in data, config and user templates come out escaped; the HTML makes no
//! external request (every `src` is a `data:` URI, every `href` is `#` or relative).

use marketnote::report::{build, demo, Outputs, RenderOptions};
use marketnote::signals::Ev;

const SCRIPT: &str = "<script>alert(1)</script>";

fn hostile() -> Outputs {
    let mut a = demo::analysis(SCRIPT);
    a.dataset.instrument.name = "<img src=x onerror=alert(2)>".into();
    a.config.title =
        Some("[click me](javascript:alert(3)) <iframe src=\"https://evil.example/\"></iframe>".into());
    a.signals[0].sentence = "Ratio **up** <b onmouseover=alert(4)>bold</b> [x](https://evil.example/) ![p](https://evil.example/p.png)".into();
    a.signals[0].evidence.push(("note".into(), Ev::Text { v: "| a | b |\n# heading".into() }));
    a.dataset.quality[0].warnings[0].message = "<script>alert(5)</script> & friends".into();
    let mut charts = demo::charts();
    charts[0].alt = "\"><script>alert(6)</script>".into();
    build(&a, &charts, &RenderOptions::default()).unwrap()
}

/// Every attribute value of `attr` in `html`.
fn attr_values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let key = format!(" {attr}=\"");
    html.match_indices(&key)
        .map(|(i, _)| {
            let rest = &html[i + key.len()..];
            &rest[..rest.find('"').unwrap_or(rest.len())]
        })
        .collect()
}

#[test]
fn data_and_config_values_are_escaped_in_html() {
    let out = hostile();
    let html = out.text("note.html").unwrap();
    // Escaped text like "&lt;script" is fine (it shows the attempt); a live tag is not.
    for bad in ["<script", "<iframe", "<img src=x", "<b onmouseover", "<b>bold"] {
        assert!(!html.to_lowercase().contains(bad), "{bad} in html");
    }
    for v in attr_values(html, "href").into_iter().chain(attr_values(html, "src")) {
        assert!(!v.contains("javascript") && !v.contains("evil.example"), "live URL {v}");
    }
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the symbol shows as text");
    assert!(html.contains("&lt;script&gt;alert(5)&lt;/script&gt;"), "the warning shows as text");
}

#[test]
fn markdown_escapes_values() {
    let out = hostile();
    let md = out.text("note.md").unwrap();
    assert!(md.contains("\\<script\\>alert(1)\\</script\\>"), "symbol escaped in markdown");
    assert!(!md.contains("<script>"));
    assert!(md.contains("\\[click me\\](javascript:alert(3))"), "link syntax escaped");
    // The table stays a table: a pipe in a value does not open a new column.
    assert!(!md.lines().any(|l| l.starts_with("# heading")));
}

#[test]
fn no_external_requests() {
    let out = hostile();
    let html = out.text("note.html").unwrap();
    let srcs = attr_values(html, "src");
    assert!(!srcs.is_empty());
    for s in srcs {
        assert!(s.starts_with("data:image/"), "external src: {s}");
    }
    for h in attr_values(html, "href") {
        assert!(h.starts_with('#') || !h.contains(':') && !h.starts_with("//"), "external href: {h}");
    }
    assert!(!html.contains("@import") && !html.contains("url(http"), "no external CSS");
    assert!(html.contains("Content-Security-Policy"));
}

#[test]
fn raw_html_in_a_user_template_is_neutralised() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("_disclaimer.md.tera"),
        "## Disclaimer\n\n<script>alert(7)</script>\n\n<a href=\"https://evil.example\">x</a> [y](javascript:alert(8))\n",
    )
    .unwrap();
    let opts = RenderOptions { templates: Some(dir.path().to_path_buf()), ..RenderOptions::default() };
    let out = build(&demo::analysis("IWM"), &demo::charts(), &opts).unwrap();
    let html = out.text("note.html").unwrap();
    assert!(!html.contains("<script>"));
    assert!(!html.contains("href=\"https://"));
    assert!(!html.contains("javascript:"));
    assert!(html.contains("&lt;script&gt;alert(7)&lt;/script&gt;"));
}
