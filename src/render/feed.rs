//! Machine-readable pack listings: `packs.json` and an Atom feed, so a
//! school's system can notice a new pack.

use super::pages::downloads::PackListing;
use crate::model::Curriculum;
use serde::Serialize;

#[derive(Serialize)]
struct PacksJson<'a> {
    format_version: u32,
    title: &'a str,
    publisher: &'a str,
    generator: String,
    packs: &'a [PackListing],
}

/// `packs.json`: every pack with term, slot, dates, bands, size and sha256.
pub fn packs_json(c: &Curriculum, packs: &[PackListing]) -> Vec<u8> {
    let doc = PacksJson {
        format_version: crate::render::archive::FORMAT_VERSION,
        title: &c.settings.title,
        publisher: &c.settings.publisher,
        generator: format!("xinyu {}", env!("CARGO_PKG_VERSION")),
        packs,
    };
    let mut v = serde_json::to_vec_pretty(&doc).unwrap_or_default();
    v.push(b'\n');
    v
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// An Atom feed (RFC 4287) of the packs. An entry's id contains the zip's
/// sha256, so a changed pack is a new entry, never an edit of an old one.
/// Dates come from the calendar (the fortnight's first day), not the clock,
/// so the feed is reproducible. Links are relative to the feed.
pub fn atom(c: &Curriculum, packs: &[PackListing]) -> String {
    let updated = packs
        .iter()
        .map(|p| p.first_date.as_str())
        .max()
        .unwrap_or("2000-01-01");
    let mut s = String::new();
    s.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    s.push_str(&format!("  <title>{}</title>\n", esc(&c.settings.title)));
    s.push_str(&format!(
        "  <subtitle>{}</subtitle>\n",
        esc(&c.settings.publisher)
    ));
    s.push_str(&format!(
        "  <id>urn:xinyu:{}</id>\n",
        crate::render::archive::sha256_hex(c.settings.title.as_bytes())
    ));
    s.push_str(&format!("  <updated>{updated}T00:00:00+08:00</updated>\n"));
    s.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        esc(&c.settings.publisher)
    ));
    s.push_str(&format!(
        "  <link rel=\"alternate\" href=\"{}\"/>\n",
        crate::plan::paths::DOWNLOADS
    ));
    s.push_str(&format!(
        "  <generator>xinyu {}</generator>\n",
        env!("CARGO_PKG_VERSION")
    ));
    for p in packs {
        s.push_str("  <entry>\n");
        s.push_str(&format!(
            "    <title>{} · 第{}课次 · {}</title>\n",
            esc(&p.term_name),
            p.slot,
            esc(&p.band_names.join("、"))
        ));
        s.push_str(&format!(
            "    <id>urn:xinyu:pack:{}:{}</id>\n",
            p.id, p.sha256
        ));
        s.push_str(&format!(
            "    <updated>{}T00:00:00+08:00</updated>\n",
            p.first_date
        ));
        s.push_str(&format!(
            "    <link rel=\"enclosure\" type=\"application/zip\" length=\"{}\" href=\"{}\"/>\n",
            p.size,
            esc(&p.file)
        ));
        s.push_str(&format!(
            "    <summary>{}\u{FF08}{} – {}\u{FF09}sha256 {}</summary>\n",
            esc(&p.dates),
            p.first_date,
            p.last_date,
            p.sha256
        ));
        s.push_str("  </entry>\n");
    }
    s.push_str("</feed>\n");
    s
}
