//! Making lesson packs: render the pages of one fortnight under short ASCII
//! paths, add the theme's static files and the assets those pages use, and
//! seal it all into a zip with its manifest.

use super::pages::{self, Cx, PackListing};
use super::theme::Theme;
use super::urls::Urls;
use super::{Failure, Renderer};
use crate::load::normalize;
use crate::model::{Band, Body, Curriculum, Date};
use crate::pack::archive::{self, Manifest, TermInfo};
use crate::pack::{self, PackSpec, term_slug};
use percent_encoding::percent_decode_str;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// A finished pack.
pub struct MadePack {
    /// Pack id (file name without `.zip`).
    pub id: String,
    /// Short ASCII term id.
    pub term_id: String,
    /// Display name of the term.
    pub term_name: String,
    /// Slot number.
    pub slot: u32,
    /// First day.
    pub first: Date,
    /// Last day.
    pub last: Date,
    /// Bands in the pack.
    pub bands: Vec<Band>,
    /// Whole-school pack?
    pub whole_school: bool,
    /// The zip.
    pub zip: Vec<u8>,
    /// sha256 of the zip.
    pub sha256: String,
}

#[derive(Serialize)]
struct PackNav {
    id: String,
    title: String,
}

/// The assets a body links to, as project paths.
fn assets_of(c: &Curriculum, path: &str, body: &Body, into: &mut BTreeSet<String>) {
    let dir = path.rfind('/').map_or("", |i| &path[..i]);
    for l in &body.links {
        let p = l.target.split(['#', '?']).next().unwrap_or("");
        let decoded = percent_decode_str(p).decode_utf8_lossy().replace('\\', "/");
        if let Some(t) = normalize(dir, &decoded)
            && c.assets.binary_search(&t).is_ok()
        {
            into.insert(t);
        }
    }
}

/// Makes one pack.
pub fn make(
    root: &Path,
    c: &Curriculum,
    r: &Renderer,
    spec: &PackSpec,
    browser: Option<&Path>,
) -> Result<MadePack, Failure> {
    let mut urls = Urls::default();
    for l in &spec.lessons {
        urls.add_page(&l.path, format!("lessons/{}.html", l.band.slug()));
    }
    for (i, m) in spec.meetings.iter().enumerate() {
        urls.add_page(&m.path, format!("meetings/m{}.html", i + 1));
    }
    for (i, h) in spec.handouts.iter().enumerate() {
        urls.add_page(&h.path, format!("parents/p{}.html", i + 1));
    }
    let mut used = BTreeSet::new();
    for l in &spec.lessons {
        assets_of(c, &l.path, &l.body, &mut used);
    }
    for m in &spec.meetings {
        assets_of(c, &m.path, &m.body, &mut used);
    }
    for h in &spec.handouts {
        assets_of(c, &h.path, &h.body, &mut used);
    }
    for (i, a) in used.iter().enumerate() {
        // Short ASCII names; the extension is kept so browsers know the type.
        let ext = a
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .filter(|e| {
                !e.is_empty() && e.len() <= 5 && e.chars().all(|c| c.is_ascii_alphanumeric())
            })
            .unwrap_or_else(|| "bin".into());
        urls.add_asset(a, format!("assets/a{}.{ext}", i + 1));
    }
    let cx = Cx::new(c, &r.theme, &urls, true);
    let mut pages = pages::pack(&cx, spec);
    let docs = pages::search_docs(&cx, &spec.lessons, &spec.meetings, &spec.handouts);
    pages.push(pages::search_page(&cx, &docs));
    let nav = PackNav {
        id: spec.id.clone(),
        title: format!(
            "{} · {}",
            spec.calendar.name,
            r.theme
                .label("ui", "slot_n")
                .replace("{}", &spec.slot.number.to_string())
        ),
    };
    for p in &mut pages {
        p.context.insert("pack", &nav);
        p.context.insert("with_pdf", &browser.is_some());
    }
    let mut files: BTreeMap<String, Vec<u8>> = r.render(&pages)?.into_iter().collect();
    for (path, js) in crate::search::index_files(&docs) {
        files.insert(path, js.into_bytes());
    }
    for (name, bytes) in &r.theme.statics {
        files.insert(format!("static/{name}"), bytes.clone());
    }
    for (source, out) in urls.assets() {
        let bytes = std::fs::read(root.join(source))
            .map_err(|e| Failure::Io(anyhow::anyhow!("无法读取 {source}\u{FF1A}{e}")))?;
        files.insert(out.to_string(), bytes);
    }
    if let Some(browser) = browser {
        // Print from a copy of the pack on disk, so relative links resolve.
        let tmp = tempfile::tempdir().map_err(|e| Failure::Io(e.into()))?;
        for (path, bytes) in &files {
            let dest = tmp.path().join(path);
            if let Some(parent) = dest.parent() {
                std::fs::create_dir_all(parent).map_err(|e| Failure::Io(e.into()))?;
            }
            std::fs::write(&dest, bytes).map_err(|e| Failure::Io(e.into()))?;
        }
        let stamp = spec.slot.start.strftime("%Y%m%d").to_string();
        for l in &spec.lessons {
            let html = tmp.path().join(format!("print/{}.html", l.band.slug()));
            let pdf = crate::print::to_pdf(browser, &html, &stamp).map_err(Failure::Io)?;
            files.insert(format!("pdf/{}.pdf", l.band.slug()), pdf);
        }
    }
    let bands = spec.bands();
    let manifest = Manifest {
        format_version: archive::FORMAT_VERSION,
        id: spec.id.clone(),
        title: c.settings.title.clone(),
        publisher: c.settings.publisher.clone(),
        term: TermInfo {
            id: term_slug(spec.calendar),
            name: spec.calendar.name.clone(),
            term: spec.calendar.term.slug().into(),
        },
        slot: spec.slot.number,
        first_date: spec.slot.start.to_string(),
        last_date: spec.slot.end.to_string(),
        bands: bands.iter().map(|b| b.slug().to_string()).collect(),
        generator: format!("xinyu {}", env!("CARGO_PKG_VERSION")),
        files: vec![],
    };
    let zip = archive::seal(files, manifest).map_err(Failure::Io)?;
    Ok(MadePack {
        id: spec.id.clone(),
        term_id: term_slug(spec.calendar),
        term_name: spec.calendar.name.clone(),
        slot: spec.slot.number,
        first: spec.slot.start,
        last: spec.slot.end,
        bands,
        whole_school: spec.band.is_none(),
        sha256: archive::sha256_hex(&zip),
        zip,
    })
}

/// Every pack of the curriculum, in term, slot, band order.
pub fn make_all(
    root: &Path,
    c: &Curriculum,
    r: &Renderer,
    browser: Option<&Path>,
) -> Result<Vec<MadePack>, Failure> {
    make_some(root, c, r, browser, |_| true)
}

/// The packs whose spec passes `keep`.
pub fn make_some(
    root: &Path,
    c: &Curriculum,
    r: &Renderer,
    browser: Option<&Path>,
    keep: impl Fn(&PackSpec) -> bool,
) -> Result<Vec<MadePack>, Failure> {
    pack::plan(c)
        .iter()
        .filter(|s| keep(s))
        .map(|s| make(root, c, r, s, browser))
        .collect()
}

/// The downloads-page view of made packs.
pub fn listings(c: &Curriculum, theme: &Theme, made: &[MadePack]) -> Vec<PackListing> {
    made.iter()
        .map(|p| PackListing {
            id: p.id.clone(),
            file: format!("packs/{}.zip", p.id),
            term_id: p.term_id.clone(),
            term_name: p.term_name.clone(),
            slot: p.slot,
            first_date: p.first.to_string(),
            last_date: p.last.to_string(),
            dates: pages::listing_dates(c, theme, p.first, p.last),
            bands: p.bands.iter().map(|b| b.slug().to_string()).collect(),
            band_names: if p.whole_school {
                vec![theme.label("ui", "whole_school")]
            } else {
                p.bands
                    .iter()
                    .map(|b| theme.label("bands", b.slug()))
                    .collect()
            },
            size: p.zip.len() as u64,
            size_text: human_size(p.zip.len() as u64),
            sha256: p.sha256.clone(),
            whole_school: p.whole_school,
        })
        .collect()
}

fn human_size(n: u64) -> String {
    if n >= 1024 * 1024 {
        format!("{:.1} MB", n as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", n.div_ceil(1024))
    }
}
