//! Making one lesson pack: render the pages of one fortnight under short
//! ASCII paths, add the theme's static files and the assets those pages
//! use, optionally print PDFs, and seal it all into a zip with its manifest.
//!
//! Must not: decide what goes into a pack (`plan::packs` does).

use super::archive::{self, Manifest, TermInfo};
use super::pages::{self, Cx, downloads::PackListing, memo::Memo};
use super::theme::Theme;
use super::{Failure, Renderer};
use crate::model::{Band, Curriculum, Date};
use crate::plan::paths::{self, Urls};
use crate::plan::{PackSpec, Plan};
use crate::writer::{Out, Scratch};
use anyhow::Context;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// A finished pack (its zip is already written).
#[derive(Debug)]
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
    /// Size of the zip in bytes.
    pub size: u64,
    /// sha256 of the zip.
    pub sha256: String,
    /// Signed: `NAME.zip.minisig` lies beside the zip.
    pub signed: bool,
}

#[derive(Serialize)]
struct PackNav {
    id: String,
    title: String,
}

/// Where each item of a pack lives inside it.
fn urls_of(c: &Curriculum, spec: &PackSpec) -> Urls {
    let mut urls = Urls::default();
    for l in &spec.lessons {
        let several = spec.lessons_of(l.band).len() > 1;
        urls.add_page(&l.path, paths::pack::lesson(l.band, &l.grades, several));
    }
    for (i, m) in spec.meetings.iter().enumerate() {
        urls.add_page(&m.path, paths::pack::meeting(i));
    }
    for (i, h) in spec.handouts.iter().enumerate() {
        urls.add_page(&h.path, paths::pack::handout(i));
    }
    for (i, g) in spec.guides.iter().enumerate() {
        urls.add_page(&g.path, paths::pack::guide(i));
    }
    let mut used = BTreeSet::new();
    spec.assets(c, &mut used);
    for (i, a) in used.iter().enumerate() {
        urls.add_asset(a, paths::pack::asset(i, a));
    }
    urls
}

/// Makes the zip of one pack: (its bytes, what the listings say of it).
/// Bodies rendered for the run's other packs are taken from `memo`.
pub fn make(
    root: &Path,
    plan: &Plan,
    r: &Renderer,
    spec: &PackSpec,
    browser: Option<&Path>,
    memo: &Memo,
) -> Result<(Vec<u8>, MadePack), Failure> {
    let c = plan.c;
    let urls = urls_of(c, spec);
    let cx = Cx::new(plan, &r.theme, &urls, true).with_memo(memo);
    let (mut pages, texts) = pages::pack::pages_of(&cx, spec);
    let docs = pages::search::docs(
        &cx,
        &spec.lessons,
        &spec.meetings,
        &spec.handouts,
        &spec.guides,
    );
    pages.push(pages::search::page_of(&cx, &docs.list));
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
    // Each body's text as its page's parse made it.
    let text = |i| match docs.item(i).and_then(|item| texts.get(&item)) {
        Some(t) => docs.text_with(i, t.clone()),
        None => docs.text(&c.settings.facts, i),
    };
    for (path, js) in crate::search::index_list(&docs.list, &text) {
        files.insert(path, js.into_bytes());
    }
    for (name, bytes) in &r.theme.statics {
        files.insert(paths::static_file(name), bytes.clone());
    }
    for (source, out) in urls.assets() {
        let bytes = crate::images::asset_bytes(root, source, c.settings.images)
            .with_context(|| format!("无法读取 {source}"))
            .map_err(Failure::Io)?;
        files.insert(out.to_string(), bytes);
    }
    if let Some(browser) = browser {
        // Print from a copy of the pack on disk, so relative links resolve.
        let tmp = Scratch::new()?;
        for (path, bytes) in &files {
            tmp.put(path, bytes)?;
        }
        let stamp = spec.slot.start.strftime("%Y%m%d").to_string();
        for b in spec.bands() {
            let html = tmp.path().join(paths::pack::print(b));
            let pdf = crate::print::to_pdf(browser, &html, &stamp).map_err(Failure::Io)?;
            files.insert(paths::pack::pdf(b), pdf);
        }
    }
    let bands = spec.bands();
    let term_id = plan
        .term(spec.calendar)
        .map_or_else(|| crate::plan::term_slug(spec.calendar), |t| t.slug.clone());
    let manifest = Manifest {
        format_version: archive::FORMAT_VERSION,
        id: spec.id.clone(),
        title: c.settings.title.clone(),
        publisher: c.settings.publisher.clone(),
        term: TermInfo {
            id: term_id.clone(),
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
    let made = MadePack {
        id: spec.id.clone(),
        term_id,
        term_name: spec.calendar.name.clone(),
        slot: spec.slot.number,
        first: spec.slot.start,
        last: spec.slot.end,
        bands,
        whole_school: spec.band.is_none(),
        size: zip.len() as u64,
        sha256: archive::sha256_hex(&zip),
        signed: false,
    };
    Ok((zip, made))
}

/// The downloads-page view of made packs.
pub fn listings(c: &Curriculum, theme: &Theme, made: &[MadePack]) -> Vec<PackListing> {
    made.iter()
        .map(|p| PackListing {
            id: p.id.clone(),
            file: paths::pack_zip(&p.id),
            term_id: p.term_id.clone(),
            term_name: p.term_name.clone(),
            slot: p.slot,
            first_date: p.first.to_string(),
            last_date: p.last.to_string(),
            dates: pages::downloads::listing_dates(c, theme, p.first, p.last),
            bands: p.bands.iter().map(|b| b.slug().to_string()).collect(),
            band_names: if p.whole_school {
                vec![theme.label("ui", "whole_school")]
            } else {
                p.bands
                    .iter()
                    .map(|b| theme.label("bands", b.slug()))
                    .collect()
            },
            size: p.size,
            size_text: human_size(p.size),
            sha256: p.sha256.clone(),
            signature: p
                .signed
                .then(|| format!("{}.minisig", paths::pack_zip(&p.id))),
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
