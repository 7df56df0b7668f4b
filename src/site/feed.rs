//! `feed.xml`: an Atom 1.0 feed of every note of a site, newest first, written with the
//! `atom_syndication` crate. Entry ids never depend on the build: the note's permanent URL under
//! the base URL when one is set, else `urn:marketnote:<SYMBOL>:<AS-OF>`; `updated` is the as-of
//! date (midnight UTC) and the summary is the note's lead.

use super::scan::{display_title, Series};
use super::url_segment;
use crate::error::{Error, Result};
use atom_syndication::{Entry, Feed, FixedDateTime, Generator, Link, Person, Text, WriteConfig};
use chrono::NaiveDate;

fn midnight(d: NaiveDate) -> FixedDateTime {
    d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc().fixed_offset()
}

/// The id of a note's entry (stable across rebuilds; see the module docs).
pub fn entry_id(base_url: Option<&str>, symbol: &str, as_of: NaiveDate) -> String {
    match base_url {
        Some(b) => format!("{b}{}/{as_of}/", url_segment(symbol)),
        None => format!("urn:marketnote:{}:{as_of}", url_segment(symbol)),
    }
}

fn link(href: String, rel: &str, mime: Option<&str>) -> Link {
    Link { href, rel: rel.into(), mime_type: mime.map(str::to_string), ..Link::default() }
}

/// The feed document. `base_url` (with its trailing slash) makes every link absolute; without
/// it links are relative to the feed, which sits at the site's root.
pub fn feed_xml(series: &[Series], base_url: Option<&str>) -> Result<Vec<u8>> {
    let mut notes: Vec<_> = series.iter().flat_map(|s| s.notes.iter()).collect();
    notes.sort_by(|a, b| b.as_of.cmp(&a.as_of).then_with(|| a.symbol.cmp(&b.symbol)));
    let root = base_url.unwrap_or("");
    let entries: Vec<Entry> = notes
        .iter()
        .map(|n| {
            let href = format!("{root}{}/{}/{}", url_segment(&n.symbol), n.as_of, n.page);
            Entry {
                title: Text::plain(format!("{} ({})", display_title(&n.symbol, &n.title), n.as_of)),
                id: entry_id(base_url, &n.symbol, n.as_of),
                updated: midnight(n.as_of),
                summary: Some(Text::plain(n.lead.clone())),
                links: vec![link(
                    href,
                    "alternate",
                    Some(if n.page == "note.html" { "text/html" } else { "text/plain" }),
                )],
                ..Entry::default()
            }
        })
        .collect();
    let updated = notes.first().map_or_else(|| midnight(NaiveDate::default()), |n| midnight(n.as_of));
    let mut links = vec![link(format!("{root}index.html"), "alternate", Some("text/html"))];
    if let Some(b) = base_url {
        links.push(link(format!("{b}feed.xml"), "self", Some("application/atom+xml")));
    }
    let feed = Feed {
        title: Text::plain(super::SITE_TITLE),
        id: base_url.map_or_else(|| "urn:marketnote:site".to_string(), |b| format!("{b}feed.xml")),
        updated,
        authors: vec![Person { name: "marketnote".into(), ..Person::default() }],
        generator: Some(Generator {
            value: "marketnote".into(),
            uri: None,
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
        links,
        entries,
        ..Feed::default()
    };
    let config = WriteConfig { write_document_declaration: true, indent_size: Some(2) };
    let mut out = feed
        .write_with_config(Vec::new(), config)
        .map_err(|e| Error::Internal(format!("writing feed.xml: {e}")))?;
    out.push(b'\n');
    Ok(out)
}
