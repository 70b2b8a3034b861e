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

/// The data of handout `h` for the page at `out`.
pub(super) fn handout_data(cx: &Cx, h: &Handout, out: &str) -> HandoutData {
    let (c, n) = (cx.c, &cx.n);
    let sections = cx.sections(&h.body, &h.path, out, None);
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

/// The screen page and print copy of handout `h`.
pub fn pages_of(cx: &Cx, h: &Handout) -> Vec<Page> {
    let Some(out) = cx.url(&h.path) else {
        return vec![];
    };
    let data = handout_data(cx, h, &out);
    let print = variant(&out, "print");
    let mut screen = page(out, "handout.html", &h.title, &data);
    screen.context.insert("print_url", &print);
    vec![
        print_page(print, "print-handout.html", &h.title, &data),
        screen,
    ]
}
