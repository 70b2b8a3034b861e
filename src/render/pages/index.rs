//! The home page: the bands with their lesson counts, the term calendars,
//! meetings, the parent school and downloads.

use super::{Cx, Page, page};
use crate::model::schedule::last_day;
use crate::model::{Band, Lesson, Term};
use crate::plan::paths;
use serde::Serialize;

/// The home page.
pub fn page_of(cx: &Cx) -> Page {
    let (c, n) = (cx.c, &cx.n);
    #[derive(Serialize)]
    struct BandCard {
        name: String,
        grades: String,
        url: String,
        terms: Vec<(String, usize)>,
        total: usize,
    }
    #[derive(Serialize)]
    struct CalCard {
        name: String,
        url: String,
        term: String,
        dates: String,
        slots: usize,
    }
    #[derive(Serialize)]
    struct Data {
        bands: Vec<BandCard>,
        calendars: Vec<CalCard>,
        meetings: usize,
        handouts: usize,
        lessons: usize,
        has_packs: bool,
    }
    let bands = Band::ALL
        .iter()
        .map(|b| {
            let mine: Vec<&Lesson> = c.lessons.iter().filter(|l| l.band == *b).collect();
            BandCard {
                name: n.band(*b),
                grades: n.grades(*b, &[]),
                url: paths::band(*b),
                terms: Term::ALL
                    .iter()
                    .map(|t| (n.term(*t), mine.iter().filter(|l| l.term == *t).count()))
                    .collect(),
                total: mine.len(),
            }
        })
        .collect();
    let calendars = c
        .calendars
        .iter()
        .map(|k| CalCard {
            name: k.name.clone(),
            url: paths::calendar(&k.id),
            term: n.term(k.term),
            dates: format!(
                "{} – {}",
                n.date_long(k.first_monday),
                n.date_long(last_day(k))
            ),
            slots: cx.plan.term(k).map_or(0, |t| t.slots.len()),
        })
        .collect();
    let data = Data {
        bands,
        calendars,
        meetings: c.meetings.len(),
        handouts: c.handouts.len(),
        lessons: c.lessons.len(),
        has_packs: !c.calendars.is_empty(),
    };
    page(paths::INDEX.into(), "index.html", &c.settings.title, data)
}
