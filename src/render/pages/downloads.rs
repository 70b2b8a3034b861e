//! The downloads page and the listing of a made pack.

use super::{Cx, Names, Page, page};
use crate::model::{Curriculum, Date};
use crate::plan::paths;
use crate::render::theme::Theme;
use serde::Serialize;

/// One pack as listed on the downloads page.
#[derive(Serialize, Clone, Debug)]
pub struct PackListing {
    /// Pack id.
    pub id: String,
    /// Zip path relative to the site root.
    pub file: String,
    /// Calendar id and name.
    pub term_id: String,
    /// Display name of the term.
    pub term_name: String,
    /// Slot number.
    pub slot: u32,
    /// First and last day (ISO).
    pub first_date: String,
    /// Last day (ISO).
    pub last_date: String,
    /// Dates for people.
    pub dates: String,
    /// Band slugs.
    pub bands: Vec<String>,
    /// Band names for people.
    pub band_names: Vec<String>,
    /// Zip size in bytes.
    pub size: u64,
    /// Size for people.
    pub size_text: String,
    /// sha256 of the zip.
    pub sha256: String,
    /// The zip's minisign signature relative to the site root, when signed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    /// Whole-school pack?
    pub whole_school: bool,
}

/// The downloads page: every pack by term and slot. `preview` says the
/// packs were left out of this build (serve, print).
pub fn page_of(cx: &Cx, packs: &[PackListing], preview: bool) -> Page {
    let n = &cx.n;
    #[derive(Serialize)]
    struct SlotGroup<'a> {
        slot: u32,
        dates: String,
        packs: Vec<&'a PackListing>,
        /// Some pack has a signature: show the column.
        signed: bool,
    }
    #[derive(Serialize)]
    struct TermGroup<'a> {
        name: String,
        slots: Vec<SlotGroup<'a>>,
    }
    let mut terms: Vec<TermGroup> = Vec::new();
    for p in packs {
        if terms.last().is_none_or(|t| t.name != p.term_name) {
            terms.push(TermGroup {
                name: p.term_name.clone(),
                slots: vec![],
            });
        }
        let t = terms.last_mut().expect("pushed above");
        if t.slots.last().is_none_or(|s| s.slot != p.slot) {
            t.slots.push(SlotGroup {
                slot: p.slot,
                dates: p.dates.clone(),
                packs: vec![],
                signed: false,
            });
        }
        let s = t.slots.last_mut().expect("pushed above");
        s.signed |= p.signature.is_some();
        s.packs.push(p);
    }
    #[derive(Serialize)]
    struct Data<'a> {
        terms: Vec<TermGroup<'a>>,
        preview: bool,
    }
    page(
        paths::DOWNLOADS.into(),
        "downloads.html",
        &n.theme.label("ui", "downloads"),
        Data { terms, preview },
    )
}

/// Formats dates the way listings show them.
pub fn listing_dates(c: &Curriculum, theme: &Theme, a: Date, b: Date) -> String {
    let n = Names {
        theme,
        lang: c.settings.language,
    };
    format!("{} – {}", n.date_long(a), n.date_long(b))
}
