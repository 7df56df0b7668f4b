//! The site's pages: its series in, `index.html`, `<SYMBOL>/index.html` and `feed.xml` (bytes) out.
//! Pure: the same series give the same bytes.
//!
//! Pages are self-contained (inline CSS and SVG, no external request; a Content-Security-Policy
//! allows only the inline style and, on the front page, the one sorting script by its sha256).
//! Text values are escaped by Tera's HTML autoescape; the SVG charts are built here from numbers
//! and dates, and the few strings they carry go through [`esc`].

use super::scan::{display_title, signed2, stance_label, NoteEntry, Series};
use super::url_segment;
use crate::error::{Error, Result};
use chrono::Datelike;
use serde::Serialize;
use sha2::Digest;
use std::fmt::Write;

const INDEX_TEMPLATE: &str = include_str!("../../templates/site/index.html.tera");
const SERIES_TEMPLATE: &str = include_str!("../../templates/site/series.html.tera");
const SITE_CSS: &str = include_str!("../../templates/site/site.css");

/// The front page's column sorting (a click on a column heading; without scripts the table stays
/// ranked by score). Allowed by the page's CSP through its sha256.
const SORT_SCRIPT: &str = "(function(){var t=document.getElementById('latest');if(!t)return;var b=t.tBodies[0];\
t.querySelectorAll('th button').forEach(function(btn){btn.addEventListener('click',function(){\
var th=btn.parentNode,k=btn.getAttribute('data-k'),num=btn.hasAttribute('data-num');\
var cur=th.getAttribute('aria-sort'),dir=cur?(cur==='descending'?'ascending':'descending'):(num?'descending':'ascending');\
t.querySelectorAll('th').forEach(function(x){x.removeAttribute('aria-sort')});th.setAttribute('aria-sort',dir);\
var s=dir==='ascending'?1:-1,rows=Array.prototype.slice.call(b.rows);\
rows.sort(function(x,y){var p=x.getAttribute('data-'+k),q=y.getAttribute('data-'+k);\
if(num){p=parseFloat(p);q=parseFloat(q);if(isNaN(p))p=-1e9;if(isNaN(q))q=-1e9;return (p-q)*s;}\
return p<q?-s:(p>q?s:0);});rows.forEach(function(r){b.appendChild(r)});});});})();";

/// HTML/XML-escapes text for the SVG built here.
pub fn esc(s: &str) -> String {
    crate::report::html::escape(s)
}

fn csp(script: Option<&str>) -> String {
    let mut s = String::from("default-src 'none'; img-src data:; style-src 'unsafe-inline'; ");
    if let Some(js) = script {
        let digest = sha2::Sha256::digest(js.as_bytes());
        let _ = write!(s, "script-src 'sha256-{}'; ", crate::report::html::base64(&digest));
    }
    s.push_str("base-uri 'none'; form-action 'none'");
    s
}

fn stance_colour(stance: &str) -> &'static str {
    match stance {
        "long" => "var(--long)",
        "short" => "var(--short)",
        _ => "var(--neutral)",
    }
}

/// One row of the front page.
#[derive(Debug, Serialize)]
struct LatestRow {
    symbol: String,
    name: String,
    series_href: String,
    note_href: String,
    as_of: String,
    stance: String,
    stance_label: String,
    conviction: String,
    score: String,
    score_key: String,
    change: Option<String>,
    change_key: String,
    change_dir: &'static str,
    title: String,
    lead: String,
    flags: Vec<String>,
    n_notes: usize,
    spark: String,
}

/// One note of a series page.
#[derive(Debug, Serialize)]
struct NoteRow {
    as_of: String,
    href: String,
    stance: String,
    stance_label: String,
    conviction: String,
    score: String,
    change: Option<String>,
    change_dir: &'static str,
    close: Option<String>,
    title: String,
    lead: String,
    flags: Vec<String>,
}

#[derive(Debug, Serialize)]
struct IndexPage<'a> {
    site_title: &'a str,
    version: &'a str,
    csp: String,
    css: &'a str,
    script: &'a str,
    canonical: Option<String>,
    feed: &'a str,
    n_symbols: usize,
    n_notes: usize,
    latest_as_of: Option<String>,
    rows: Vec<LatestRow>,
}

#[derive(Debug, Serialize)]
struct SeriesPage<'a> {
    site_title: &'a str,
    version: &'a str,
    csp: String,
    css: &'a str,
    canonical: Option<String>,
    home: &'a str,
    feed: &'a str,
    symbol: &'a str,
    name: &'a str,
    n_notes: usize,
    first_as_of: String,
    last_as_of: String,
    chart: String,
    notes: Vec<NoteRow>,
}

fn change_of(prev: Option<&NoteEntry>, n: &NoteEntry) -> (Option<String>, String, &'static str) {
    match prev {
        Some(p) => {
            let d = n.score - p.score;
            let shown = signed2(d);
            let dir = if shown.starts_with('+') {
                "up"
            } else if shown.starts_with('−') {
                "down"
            } else {
                "flat"
            };
            (Some(shown), format!("{d:.6}"), dir)
        }
        None => (None, String::new(), "flat"),
    }
}

fn tera() -> Result<tera::Tera> {
    let mut t = tera::Tera::new();
    t.autoescape_on([".html.tera"]);
    t.add_raw_templates([("index.html.tera", INDEX_TEMPLATE), ("series.html.tera", SERIES_TEMPLATE)])
        .map_err(|e| Error::Internal(format!("site templates: {e}")))?;
    Ok(t)
}

fn render<T: Serialize>(t: &tera::Tera, name: &str, page: &T) -> Result<Vec<u8>> {
    let ctx =
        tera::Context::from_serialize(page).map_err(|e| Error::Internal(format!("site page {name}: {e}")))?;
    let mut out = t.render(name, &ctx).map_err(|e| Error::Internal(format!("site page {name}: {e}")))?;
    if !out.ends_with('\n') {
        out.push('\n');
    }
    Ok(out.into_bytes())
}

/// Every page of the site: (path relative to the site folder, bytes), in a fixed order.
pub fn render_all(series: &[Series], base_url: Option<&str>) -> Result<Vec<(String, Vec<u8>)>> {
    let t = tera()?;
    let version = env!("CARGO_PKG_VERSION");
    let mut files = Vec::with_capacity(series.len() + 2);
    let mut rows = Vec::with_capacity(series.len());
    for s in series {
        let Some(last) = s.notes.last() else { continue };
        let prev = s.notes.len().checked_sub(2).map(|i| &s.notes[i]);
        let (change, change_key, change_dir) = change_of(prev, last);
        let seg = url_segment(&s.symbol);
        rows.push(LatestRow {
            symbol: s.symbol.clone(),
            name: last.name.clone(),
            series_href: format!("{seg}/index.html"),
            note_href: format!("{seg}/{}/{}", last.as_of, last.page),
            as_of: last.as_of.to_string(),
            stance: last.stance.clone(),
            stance_label: stance_label(&last.stance),
            conviction: last.conviction.clone(),
            score: signed2(last.score),
            score_key: format!("{:.6}", last.score),
            change,
            change_key,
            change_dir,
            title: display_title(&s.symbol, &last.title),
            lead: last.lead.clone(),
            flags: last.flags.clone(),
            n_notes: s.notes.len(),
            spark: sparkline(s),
        });

        let mut notes: Vec<NoteRow> = s
            .notes
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let (change, _, change_dir) = change_of(i.checked_sub(1).map(|j| &s.notes[j]), n);
                NoteRow {
                    as_of: n.as_of.to_string(),
                    href: format!("{}/{}", n.as_of, n.page),
                    stance: n.stance.clone(),
                    stance_label: stance_label(&n.stance),
                    conviction: n.conviction.clone(),
                    score: signed2(n.score),
                    change,
                    change_dir,
                    close: n.close.map(|c| format!("{c:.2}")),
                    title: display_title(&s.symbol, &n.title),
                    lead: n.lead.clone(),
                    flags: n.flags.clone(),
                }
            })
            .collect();
        notes.reverse();
        let page = SeriesPage {
            site_title: super::SITE_TITLE,
            version,
            csp: csp(None),
            css: SITE_CSS,
            canonical: base_url.map(|b| format!("{b}{seg}/index.html")),
            home: "../index.html",
            feed: "../feed.xml",
            symbol: &s.symbol,
            name: &last.name,
            n_notes: s.notes.len(),
            first_as_of: s.notes[0].as_of.to_string(),
            last_as_of: last.as_of.to_string(),
            chart: format!("{}{}", series_chart(s, 720.0, "wide"), series_chart(s, 360.0, "narrow")),
            notes,
        };
        files.push((format!("{}/index.html", s.symbol), render(&t, "series.html.tera", &page)?));
    }
    rows.sort_by(|a, b| b.score_key_f().total_cmp(&a.score_key_f()).then_with(|| a.symbol.cmp(&b.symbol)));
    let n_notes = series.iter().map(|s| s.notes.len()).sum();
    let latest_as_of = series.iter().filter_map(|s| s.notes.last()).map(|n| n.as_of).max();
    let index = IndexPage {
        site_title: super::SITE_TITLE,
        version,
        csp: csp(Some(SORT_SCRIPT)),
        css: SITE_CSS,
        script: SORT_SCRIPT,
        canonical: base_url.map(|b| format!("{b}index.html")),
        feed: "feed.xml",
        n_symbols: rows.len(),
        n_notes,
        latest_as_of: latest_as_of.map(|d| d.to_string()),
        rows,
    };
    files.insert(0, ("index.html".into(), render(&t, "index.html.tera", &index)?));
    files.insert(1, ("feed.xml".into(), super::feed::feed_xml(series, base_url)?));
    Ok(files)
}

impl LatestRow {
    fn score_key_f(&self) -> f64 {
        self.score_key.parse().unwrap_or(f64::NEG_INFINITY)
    }
}

/// A symmetric score scale that holds every score and at least ±0.3, rounded up to 0.1.
fn score_span(scores: impl Iterator<Item = f64>) -> f64 {
    let m = scores.fold(0.3_f64, |m, s| m.max(s.abs()));
    ((m * 10.0).ceil() / 10.0).clamp(0.1, 1.0)
}

/// Inline SVG sparkline of the last 26 scores of a series (zero line dashed, the last point in
/// the stance's colour).
fn sparkline(s: &Series) -> String {
    const W: f64 = 112.0;
    const H: f64 = 28.0;
    const PAD: f64 = 3.0;
    let notes = &s.notes[s.notes.len().saturating_sub(26)..];
    let span = score_span(notes.iter().map(|n| n.score));
    let y = |v: f64| H / 2.0 - v / span * (H / 2.0 - PAD);
    let x = |i: usize| {
        if notes.len() < 2 {
            W - PAD
        } else {
            PAD + (W - 2.0 * PAD) * i as f64 / (notes.len() - 1) as f64
        }
    };
    let first = &notes[0];
    let last = &notes[notes.len() - 1];
    let label = if notes.len() == 1 {
        format!("{} score {} as of {}", s.symbol, signed2(last.score), last.as_of)
    } else {
        format!(
            "{} score over the last {} notes: {} on {} to {} on {}",
            s.symbol,
            notes.len(),
            signed2(first.score),
            first.as_of,
            signed2(last.score),
            last.as_of
        )
    };
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg class=\"spark\" viewBox=\"0 0 {W} {H}\" width=\"{W}\" height=\"{H}\" role=\"img\" aria-label=\"{l}\"><title>{l}</title>",
        l = esc(&label)
    );
    let _ = write!(out, "<line class=\"zero\" x1=\"0\" x2=\"{W}\" y1=\"{0:.1}\" y2=\"{0:.1}\"/>", y(0.0));
    if notes.len() > 1 {
        let pts: Vec<String> =
            notes.iter().enumerate().map(|(i, n)| format!("{:.1},{:.1}", x(i), y(n.score))).collect();
        let _ = write!(out, "<polyline class=\"line\" points=\"{}\"/>", pts.join(" "));
    }
    let _ = write!(
        out,
        "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.6\" fill=\"{}\"/></svg>",
        x(notes.len() - 1),
        y(last.score),
        stance_colour(&last.stance)
    );
    out
}

/// The series chart: the close (top panel) and the score (bottom panel) at every note, over bands
/// coloured by the stance each note took, from its date to the next note's.
///
/// `w` is the viewBox width: the page carries a wide chart and a narrow one (shown on phones) so
/// the labels keep a readable size on both.
fn series_chart(s: &Series, w: f64, class: &str) -> String {
    const H: f64 = 300.0;
    const L: f64 = 52.0;
    const R: f64 = 14.0;
    const TOP: (f64, f64) = (12.0, 168.0);
    const BOT: (f64, f64) = (188.0, 272.0);
    let notes = &s.notes;
    let day = |d: chrono::NaiveDate| d.num_days_from_ce() as f64;
    let first = day(notes[0].as_of);
    let last = day(notes[notes.len() - 1].as_of);
    // The last stance holds for a week after its note (the next note is due then).
    let end = last + 7.0;
    let x = |d: chrono::NaiveDate| L + (w - L - R) * (day(d) - first) / (end - first);

    let closes: Vec<f64> = notes.iter().filter_map(|n| n.close).collect();
    let (mut lo, mut hi) =
        closes.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &c| (l.min(c), h.max(c)));
    if closes.is_empty() {
        (lo, hi) = (0.0, 1.0);
    } else if hi - lo < 1e-9 * hi.abs().max(1.0) {
        let pad = (hi.abs() * 0.01).max(0.01);
        (lo, hi) = (lo - pad, hi + pad);
    } else {
        let pad = (hi - lo) * 0.08;
        (lo, hi) = (lo - pad, hi + pad);
    }
    let yc = |v: f64| TOP.1 - (v - lo) / (hi - lo) * (TOP.1 - TOP.0);
    let span = score_span(notes.iter().map(|n| n.score));
    let mid = (BOT.0 + BOT.1) / 2.0;
    let ys = |v: f64| mid - v / span * (BOT.1 - BOT.0) / 2.0;

    let label = format!(
        "{}: weekly close and score at each of {} notes from {} to {}, over bands coloured by stance",
        s.symbol,
        notes.len(),
        notes[0].as_of,
        notes[notes.len() - 1].as_of
    );
    let mut o = String::new();
    let _ = write!(
        o,
        "<svg class=\"chart {class}\" viewBox=\"0 0 {w} {H}\" role=\"img\" aria-label=\"{l}\"><title>{l}</title>",
        l = esc(&label)
    );
    // Stance bands across both panels.
    for (i, n) in notes.iter().enumerate() {
        let x0 = x(n.as_of);
        let x1 = notes.get(i + 1).map_or(w - R, |m| x(m.as_of));
        for (a, b) in [TOP, BOT] {
            let _ = write!(
                o,
                "<rect class=\"band\" x=\"{x0:.1}\" y=\"{a:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{}\"><title>{} {}</title></rect>",
                (x1 - x0).max(0.5),
                b - a,
                stance_colour(&n.stance),
                n.as_of,
                esc(&stance_label(&n.stance))
            );
        }
    }
    // Panel frames, zero line and axis labels.
    for (a, b) in [TOP, BOT] {
        let _ = write!(
            o,
            "<rect class=\"frame\" x=\"{L}\" y=\"{a}\" width=\"{:.1}\" height=\"{:.1}\"/>",
            w - L - R,
            b - a
        );
    }
    let _ =
        write!(o, "<line class=\"zero\" x1=\"{L}\" x2=\"{:.1}\" y1=\"{mid:.1}\" y2=\"{mid:.1}\"/>", w - R);
    let tick = |o: &mut String, y: f64, text: &str| {
        let _ = write!(
            o,
            "<text class=\"tick\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            L - 6.0,
            y + 4.0,
            esc(text)
        );
    };
    if !closes.is_empty() {
        for v in [hi, (hi + lo) / 2.0, lo] {
            tick(&mut o, yc(v), &format!("{v:.2}"));
        }
    }
    for v in [span, 0.0, -span] {
        tick(&mut o, ys(v), &signed2(v));
    }
    // Date labels under the first and the last note (the last centred on its point when there
    // is room, so it does not read as the right edge's date).
    let _ = write!(o, "<text class=\"tick\" x=\"{L}\" y=\"{:.1}\">{}</text>", H - 8.0, notes[0].as_of);
    if notes.len() > 1 {
        let xl = x(notes[notes.len() - 1].as_of);
        let xl = xl.min(w - R - 34.0).max(L + 110.0);
        let _ = write!(
            o,
            "<text class=\"tick\" x=\"{xl:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            H - 8.0,
            notes[notes.len() - 1].as_of
        );
    }
    // Lines and points.
    let close_pts: Vec<String> =
        notes.iter().filter_map(|n| n.close.map(|c| format!("{:.1},{:.1}", x(n.as_of), yc(c)))).collect();
    if close_pts.len() > 1 {
        let _ = write!(o, "<polyline class=\"close\" points=\"{}\"/>", close_pts.join(" "));
    }
    let score_pts: Vec<String> =
        notes.iter().map(|n| format!("{:.1},{:.1}", x(n.as_of), ys(n.score))).collect();
    if score_pts.len() > 1 {
        let _ = write!(o, "<polyline class=\"score\" points=\"{}\"/>", score_pts.join(" "));
    }
    // Points as small as the spacing needs (a long series stays a line).
    let r = if notes.len() > 60 { 1.5 } else { 3.0 };
    for n in notes {
        if let Some(c) = n.close {
            let _ = write!(
                o,
                "<circle class=\"close\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"{r}\"><title>{} close {c:.2}</title></circle>",
                x(n.as_of),
                yc(c),
                n.as_of
            );
        }
        let _ = write!(
            o,
            "<circle class=\"score\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"{r}\"><title>{} score {}</title></circle>",
            x(n.as_of),
            ys(n.score),
            n.as_of,
            signed2(n.score)
        );
    }
    // Panel names last, over the lines.
    let _ =
        write!(o, "<text class=\"panel\" x=\"{:.1}\" y=\"{:.1}\">Weekly close</text>", L + 6.0, TOP.0 + 14.0);
    let _ = write!(o, "<text class=\"panel\" x=\"{:.1}\" y=\"{:.1}\">Score</text>", L + 6.0, BOT.0 + 14.0);
    o.push_str("</svg>");
    o
}
