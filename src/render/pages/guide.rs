//! Teacher guides (教师指南): a guide's screen page and print copy, and the
//! list of guides by who they are for. Guides are for adults: no worksheet,
//! classroom view or parent page ever includes one.

use super::{Cx, Link, Page, PhaseView, SectionView, page, print_page, timed_views};
use crate::model::{Audience, Guide};
use crate::plan::paths::{self, variant};
use serde::Serialize;

/// What the guide templates see.
#[derive(Serialize)]
struct GuideData {
    title: String,
    audiences: Vec<String>,
    bands: Vec<String>,
    month: Option<String>,
    duration: Option<u32>,
    template: bool,
    sections: Vec<SectionView>,
    parts: Vec<PhaseView>,
    sensitive: bool,
}

fn guide_data(cx: &Cx, g: &Guide, out: &str, text: Option<&mut String>) -> GuideData {
    let n = &cx.n;
    let sections = cx.sections(&g.body, &g.path, out, None, text);
    let parts = timed_views(&sections);
    GuideData {
        title: g.title.clone(),
        audiences: g
            .audiences
            .iter()
            .map(|a| n.theme.label("audiences", a.slug()))
            .collect(),
        bands: g.bands.iter().map(|b| n.band(*b)).collect(),
        month: g.month.map(|m| n.month(m)),
        duration: g.duration,
        template: g.template,
        sections,
        parts,
        sensitive: g.sensitive,
    }
}

/// The screen page and print copy of guide `g`; with `text`, the body's
/// plain text for the search index, from the same parse.
pub fn pages_of(cx: &Cx, g: &Guide, text: Option<&mut String>) -> Vec<Page> {
    let Some(out) = cx.url(&g.path) else {
        return vec![];
    };
    let data = guide_data(cx, g, &out, text);
    let print = variant(&out, "print");
    let mut screen = page(out, "guide.html", &g.title, &data);
    screen.context.insert("print_url", &print);
    vec![
        print_page(print, "print-guide.html", &g.title, &data),
        screen,
    ]
}

/// Every guide, grouped by who it is for (a guide for two audiences is
/// listed under both).
pub fn list(cx: &Cx) -> Page {
    let n = &cx.n;
    #[derive(Serialize)]
    struct Item {
        title: String,
        url: String,
        bands: Vec<String>,
        month: Option<String>,
        template: bool,
    }
    #[derive(Serialize)]
    struct Group {
        name: String,
        guides: Vec<Item>,
    }
    let groups: Vec<Group> = Audience::ALL
        .iter()
        .map(|a| Group {
            name: n.theme.label("audiences", a.slug()),
            guides: cx
                .c
                .guides
                .iter()
                .filter(|g| g.audiences.contains(a))
                .filter_map(|g| {
                    Some(Item {
                        title: g.title.clone(),
                        url: cx.url(&g.path)?,
                        bands: g.bands.iter().map(|b| n.band(*b)).collect(),
                        month: g.month.map(|m| n.month(m)),
                        template: g.template,
                    })
                })
                .collect(),
        })
        .filter(|g| !g.guides.is_empty())
        .collect();
    #[derive(Serialize)]
    struct Data {
        groups: Vec<Group>,
    }
    page(
        paths::GUIDES.into(),
        "guides.html",
        &n.theme.label("ui", "guides"),
        Data { groups },
    )
}

/// Links to guides, for a pack's index.
pub(super) fn links(cx: &Cx, guides: &[&Guide]) -> Vec<Link> {
    guides
        .iter()
        .filter_map(|g| {
            Some(Link {
                title: g.title.clone(),
                url: cx.url(&g.path)?,
            })
        })
        .collect()
}
