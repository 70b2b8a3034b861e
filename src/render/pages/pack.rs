//! The pages of a pack: its index (what to teach this fortnight, with
//! dates and events), every item it carries, and a print page per band.

use super::calendar::{EventView, days, event_view};
use super::{
    Cx, LessonItem, Link, Page, guide, handout, lesson, lesson_item, meeting, page, slot_print,
};
use crate::model::EventKind;
use crate::plan::{PackSpec, paths};
use serde::Serialize;

/// The pages of one pack: its index, then every item it carries.
pub fn pages_of(cx: &Cx, spec: &PackSpec) -> Vec<Page> {
    let mut pages = vec![index(cx, spec)];
    pages.extend(spec.lessons.iter().flat_map(|l| lesson::pages_of(cx, l)));
    pages.extend(spec.meetings.iter().flat_map(|m| meeting::pages_of(cx, m)));
    pages.extend(spec.handouts.iter().flat_map(|h| handout::pages_of(cx, h)));
    pages.extend(spec.guides.iter().flat_map(|g| guide::pages_of(cx, g)));
    for b in spec.bands() {
        let title = format!(
            "{} · {}",
            cx.n.theme
                .label("ui", "slot_n")
                .replace("{}", &spec.slot.number.to_string()),
            cx.n.band(b)
        );
        pages.push(slot_print::page_of(
            cx,
            paths::pack::print(b),
            b,
            &title,
            &spec.lessons_of(b),
            &spec.meetings,
        ));
    }
    pages
}

fn index(cx: &Cx, spec: &PackSpec) -> Page {
    let (c, n) = (cx.c, &cx.n);
    #[derive(Serialize)]
    struct LessonCard {
        band: String,
        item: LessonItem,
        parent: Option<Link>,
        print: String,
        /// The band's print page is linked after its last lesson only:
        /// one link per band, not one per lesson.
        print_here: bool,
        slug: &'static str,
    }
    #[derive(Serialize)]
    struct Data {
        id: String,
        term_name: String,
        slot: u32,
        /// First and last day as `YYYY-MM-DD`, for the "today" note.
        start: String,
        end: String,
        dates: String,
        weeks: String,
        bands: Vec<String>,
        lessons: Vec<LessonCard>,
        meetings: Vec<Link>,
        handouts: Vec<Link>,
        guides: Vec<Link>,
        days: Vec<EventView>,
        events: Vec<EventView>,
        breaks: Vec<EventView>,
        family: Vec<EventView>,
    }
    let lessons = spec
        .lessons
        .iter()
        .enumerate()
        .map(|(i, l)| LessonCard {
            band: n.band(l.band),
            print: paths::pack::print(l.band),
            print_here: spec.lessons.get(i + 1).is_none_or(|x| x.band != l.band),
            slug: l.band.slug(),
            item: lesson_item(cx, l),
            parent: l.parents.as_ref().and_then(|p| {
                let h = c.handouts.iter().find(|h| &h.path == p)?;
                Some(Link {
                    title: h.title.clone(),
                    url: cx.url(&h.path)?,
                })
            }),
        })
        .collect();
    let link = |title: String, path: &str| {
        Some(Link {
            title,
            url: cx.url(path)?,
        })
    };
    let data = Data {
        id: spec.id.clone(),
        term_name: spec.calendar.name.clone(),
        slot: spec.slot.number,
        start: spec.slot.start.to_string(),
        end: spec.slot.end.to_string(),
        dates: format!(
            "{} – {}",
            n.date_long(spec.slot.start),
            n.date_long(spec.slot.end)
        ),
        weeks: spec
            .slot
            .weeks
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join("、"),
        bands: spec.bands().iter().map(|b| n.band(*b)).collect(),
        lessons,
        meetings: spec
            .meetings
            .iter()
            .filter_map(|m| {
                let bands: Vec<String> = m.bands.iter().map(|b| n.band(*b)).collect();
                link(
                    format!(
                        "{} · {}\u{FF08}{}\u{FF09}",
                        n.month(m.month),
                        m.title,
                        bands.join("、")
                    ),
                    &m.path,
                )
            })
            .collect(),
        handouts: spec
            .handouts
            .iter()
            .filter_map(|h| link(h.title.clone(), &h.path))
            .collect(),
        guides: guide::links(cx, &spec.guides),
        days: days(
            n,
            spec.events
                .iter()
                .copied()
                .filter(|e| e.kind != EventKind::Family),
            spec.breaks.iter().copied(),
        ),
        events: spec
            .events
            .iter()
            .filter(|e| e.kind != EventKind::Family)
            .map(|e| event_view(n, &e.name, e.start, e.end, Some(e.kind)))
            .collect(),
        breaks: spec
            .breaks
            .iter()
            .map(|b| event_view(n, &b.name, b.start, b.end, None))
            .collect(),
        family: spec
            .family_sessions()
            .iter()
            .map(|e| event_view(n, &e.name, e.start, e.end, Some(e.kind)))
            .collect(),
    };
    let title = format!(
        "{} · {}{}{}",
        spec.calendar.name,
        n.theme.label("ui", "slot"),
        spec.slot.number,
        ""
    );
    page(paths::INDEX.into(), "pack.html", &title, data)
}
