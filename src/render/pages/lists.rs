//! The class-meeting list (by term and month) and the parent-school list.

use super::{Cx, Page, page};
use crate::model::{Term, term_month_rank};
use crate::plan::paths;
use serde::Serialize;
use std::collections::BTreeMap;

/// Every class meeting, by term and month.
pub fn meetings(cx: &Cx) -> Page {
    let (c, n) = (cx.c, &cx.n);
    #[derive(Serialize)]
    struct Item {
        title: String,
        url: String,
        bands: Vec<String>,
        duration: u32,
        sensitive: bool,
    }
    #[derive(Serialize)]
    struct Month {
        name: String,
        meetings: Vec<Item>,
    }
    #[derive(Serialize)]
    struct TermView {
        name: String,
        months: Vec<Month>,
    }
    let terms = Term::ALL
        .iter()
        .map(|t| {
            let mut months: BTreeMap<u32, Vec<Item>> = BTreeMap::new();
            for m in c.meetings.iter().filter(|m| m.term == *t) {
                months
                    .entry(term_month_rank(m.month))
                    .or_default()
                    .push(Item {
                        title: m.title.clone(),
                        url: cx.url(&m.path).unwrap_or_default(),
                        bands: m.bands.iter().map(|b| n.band(*b)).collect(),
                        duration: m.duration,
                        sensitive: m.sensitive,
                    });
            }
            TermView {
                name: n.term(*t),
                months: months
                    .into_iter()
                    .map(|(rank, meetings)| Month {
                        name: n.month((rank + 8 - 1) % 12 + 1),
                        meetings,
                    })
                    .collect(),
            }
        })
        .collect();
    #[derive(Serialize)]
    struct Data {
        terms: Vec<TermView>,
    }
    page(
        paths::MEETINGS.into(),
        "meetings.html",
        &n.theme.label("ui", "meetings"),
        Data { terms },
    )
}

/// Every parent handout, by term.
pub fn parents(cx: &Cx) -> Page {
    let (c, n) = (cx.c, &cx.n);
    #[derive(Serialize)]
    struct Item {
        title: String,
        url: String,
        bands: Vec<String>,
        order: u32,
        sensitive: bool,
    }
    #[derive(Serialize)]
    struct TermView {
        name: String,
        handouts: Vec<Item>,
    }
    let terms = Term::ALL
        .iter()
        .map(|t| TermView {
            name: n.term(*t),
            handouts: c
                .handouts
                .iter()
                .filter(|h| h.term == *t)
                .map(|h| Item {
                    title: h.title.clone(),
                    url: cx.url(&h.path).unwrap_or_default(),
                    bands: h.bands.iter().map(|b| n.band(*b)).collect(),
                    order: h.order,
                    sensitive: h.sensitive,
                })
                .collect(),
        })
        .collect();
    #[derive(Serialize)]
    struct Data {
        terms: Vec<TermView>,
    }
    page(
        paths::PARENTS.into(),
        "parents.html",
        &n.theme.label("ui", "parents"),
        Data { terms },
    )
}
