//! A parent handout's screen page and large-type print copy.

use super::{Cx, Link, Page, SectionView, page, print_page};
use crate::model::Handout;
use crate::plan::paths::variant;
use serde::Serialize;

/// What the handout templates see.
#[derive(Serialize)]
pub(super) struct HandoutData {
    title: String,
    bands: Vec<String>,
    term: String,
    order: u32,
    sections: Vec<SectionView>,
    lessons: Vec<Link>,
    sensitive: bool,
}

/// The data of handout `h` for the page at `out`; with `text`, the body's
/// plain text for the search index.
pub(super) fn handout_data(
    cx: &Cx,
    h: &Handout,
    out: &str,
    text: Option<&mut String>,
) -> HandoutData {
    let (c, n) = (cx.c, &cx.n);
    let sections = cx.sections(&h.body, &h.path, out, None, text);
    let lessons = c
        .lessons
        .iter()
        .filter(|l| l.parents.as_deref() == Some(h.path.as_str()))
        .filter_map(|l| {
            Some(Link {
                title: format!("{} · {}", n.band(l.band), l.title),
                url: cx.url(&l.path)?,
            })
        })
        .collect();
    HandoutData {
        title: h.title.clone(),
        bands: h.bands.iter().map(|b| n.band(*b)).collect(),
        term: n.term(h.term),
        order: h.order,
        sections,
        lessons,
        sensitive: h.sensitive,
    }
}

/// The screen page and print copy of handout `h`; with `text`, the body's
/// plain text for the search index, from the same parse.
pub fn pages_of(cx: &Cx, h: &Handout, text: Option<&mut String>) -> Vec<Page> {
    let Some(out) = cx.url(&h.path) else {
        return vec![];
    };
    let data = handout_data(cx, h, &out, text);
    let print = variant(&out, "print");
    let mut screen = page(out, "handout.html", &h.title, &data);
    screen.context.insert("print_url", &print);
    vec![
        print_page(print, "print-handout.html", &h.title, &data),
        screen,
    ]
}
