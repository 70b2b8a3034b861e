//! The pages of a pack: its index (what to teach this fortnight, with
//! dates and events), every item it carries, and a print page per band.

use super::calendar::{EventView, days, event_view};
use super::search::Item;
use super::{
    Cx, LessonItem, Link, Page, guide, handout, lesson, lesson_item, meeting, page, slot_print,
};
use crate::model::EventKind;
use crate::plan::{PackSpec, paths};
use serde::Serialize;
use std::collections::HashMap;

/// The pages of one pack: its index, then every item it carries; and the
/// plain text of each item's body for the pack's search index, made while
/// rendering it (by its place in the spec's lists, as [`Item`] names it).
pub fn pages_of(cx: &Cx, spec: &PackSpec) -> (Vec<Page>, HashMap<Item, String>) {
    let mut pages = vec![index(cx, spec)];
    let mut texts = HashMap::new();
    let mut text_of = |item: Item, pages_of: &dyn Fn(Option<&mut String>) -> Vec<Page>| {
        let mut text = String::new();
        let made = pages_of(Some(&mut text));
        texts.insert(item, text);
        made
    };
    for (k, l) in spec.lessons.iter().enumerate() {
        pages.extend(text_of(Item::Lesson(k), &|t| lesson::pages_of(cx, l, t)));
    }
    for (k, m) in spec.meetings.iter().enumerate() {
        pages.extend(text_of(Item::Meeting(k), &|t| meeting::pages_of(cx, m, t)));
    }
    for (k, h) in spec.handouts.iter().enumerate() {
        pages.extend(text_of(Item::Handout(k), &|t| handout::pages_of(cx, h, t)));
    }
    for (k, g) in spec.guides.iter().enumerate() {
        pages.extend(text_of(Item::Guide(k), &|t| guide::pages_of(cx, g, t)));
    }
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
    (pages, texts)
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
