//! A band's page: its lessons by term and its parent handouts.

use super::{Cx, LessonItem, Link, Page, lesson_item, page};
use crate::model::{Band, Term};
use crate::plan::paths;
use serde::Serialize;

/// The page of band `b`.
pub fn page_of(cx: &Cx, b: Band) -> Page {
    let (c, n) = (cx.c, &cx.n);
    #[derive(Serialize)]
    struct TermView {
        name: String,
        lessons: Vec<LessonItem>,
    }
    #[derive(Serialize)]
    struct Data {
        band: String,
        grades: String,
        terms: Vec<TermView>,
        handouts: Vec<Link>,
    }
    let terms = Term::ALL
        .iter()
        .map(|t| TermView {
            name: n.term(*t),
            lessons: c
                .lessons
                .iter()
                .filter(|l| l.band == b && l.term == *t)
                .map(|l| lesson_item(cx, l))
                .collect(),
        })
        .collect();
    let handouts = c
        .handouts
        .iter()
        .filter(|h| h.bands.contains(&b))
        .filter_map(|h| {
            Some(Link {
                title: format!("{} · {}", n.term(h.term), h.title),
                url: cx.url(&h.path)?,
            })
        })
        .collect();
    let data = Data {
        band: n.band(b),
        grades: n.grades(b, &[]),
        terms,
        handouts,
    };
    page(paths::band(b), "band.html", &n.band(b), data)
}
