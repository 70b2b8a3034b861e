//! The home page: what to teach now (every slot of every term, which a
//! small script picks by today's date), the bands with their lesson
//! counts, the term calendars, meetings, the parent school and downloads.

use super::calendar::{SlotView, slot_views};
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
    /// A term for "what to teach now": its slots, in date order.
    #[derive(Serialize)]
    struct NowTerm {
        name: String,
        url: String,
        slots: Vec<SlotView>,
    }
    #[derive(Serialize)]
    struct Data {
        now: Vec<NowTerm>,
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
    // Terms by first day, so the slots on the page run in date order.
    let mut terms: Vec<_> = c.calendars.iter().collect();
    terms.sort_by_key(|k| (k.first_monday, k.id.clone()));
    let now = terms
        .into_iter()
        .map(|k| NowTerm {
            name: k.name.clone(),
            url: paths::calendar(&k.id),
            slots: slot_views(cx, k),
        })
        .collect();
    let data = Data {
        now,
        bands,
        calendars,
        meetings: c.meetings.len(),
        handouts: c.handouts.len(),
        lessons: c.lessons.len(),
        has_packs: !c.calendars.is_empty(),
    };
    page(paths::INDEX.into(), "index.html", &c.settings.title, data)
}
