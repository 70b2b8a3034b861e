//! A term calendar: month grids with breaks and events, the slot table
//! with each band's lesson, and an A4 landscape print version.

use super::{Cx, Link, Names, Page, page};
use crate::model::schedule::{self, last_day};
use crate::model::{Band, Calendar, Date, EventKind};
use crate::plan::paths;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Serialize)]
pub(super) struct Cell {
    band: String,
    /// The slot's first lesson (kept for themes written before grades).
    lesson: Option<Link>,
    /// Every lesson of the slot, labelled by grade when there are several.
    lessons: Vec<Link>,
    /// The band's "print this slot" page, when the band has packs.
    print: Option<String>,
}

#[derive(Serialize)]
pub(super) struct SlotView {
    number: u32,
    /// First and last day as `YYYY-MM-DD`, for the home page's script.
    start: String,
    end: String,
    dates: String,
    weeks: String,
    cells: Vec<Cell>,
    /// The bands' "print this slot" pages, named by band: listed once per
    /// slot, not in every cell.
    prints: Vec<Link>,
}

#[derive(Serialize)]
pub(super) struct EventView {
    name: String,
    dates: String,
    kind: String,
    kind_slug: String,
}

#[derive(Serialize)]
struct DayView {
    /// Day of month; `None` for days of the neighbouring month.
    day: Option<i8>,
    off: bool,
    weekend: bool,
    marks: Vec<String>,
    classes: String,
}

#[derive(Serialize)]
struct WeekRow {
    number: u32,
    slot: Option<u32>,
    slot_start: bool,
    break_name: Option<String>,
    days: Vec<DayView>,
}

#[derive(Serialize)]
struct MonthView {
    title: String,
    weeks: Vec<WeekRow>,
    slots: Vec<SlotView>,
    meetings: Vec<Link>,
    family: Vec<EventView>,
}

/// The slots of `k`, each with every band's lessons and print page.
pub(super) fn slot_views(cx: &Cx, k: &Calendar) -> Vec<SlotView> {
    let (c, n) = (cx.c, &cx.n);
    let slots = cx.plan.term(k).map_or(&[][..], |t| &t.slots[..]);
    slots
        .iter()
        .map(|s| {
            let cells: Vec<Cell> = Band::ALL
                .iter()
                .filter(|b| c.lessons.iter().any(|l| l.band == **b && l.term == k.term))
                .map(|b| {
                    let mine = crate::plan::packs::slot_lessons(c, *b, k.term, s.number);
                    let lessons: Vec<Link> = mine
                        .iter()
                        .filter_map(|l| {
                            let title = if mine.len() > 1 {
                                format!("{}\u{FF1A}{}", n.grades(l.band, &l.grades), l.title)
                            } else {
                                l.title.clone()
                            };
                            Some(Link {
                                title,
                                url: cx.url(&l.path)?,
                            })
                        })
                        .collect();
                    Cell {
                        band: n.band(*b),
                        lesson: lessons.first().cloned(),
                        lessons,
                        print: cx
                            .printable
                            .contains(&(k.id.clone(), s.number, *b))
                            .then(|| paths::slot_print(&crate::plan::term_slug(k), s.number, *b)),
                    }
                })
                .collect();
            SlotView {
                number: s.number,
                start: s.start.to_string(),
                end: s.end.to_string(),
                dates: n.span(s.start, s.end),
                weeks: s
                    .weeks
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join("、"),
                prints: cells
                    .iter()
                    .filter_map(|c| {
                        Some(Link {
                            title: c.band.clone(),
                            url: c.print.clone()?,
                        })
                    })
                    .collect(),
                cells,
            }
        })
        .collect()
}

/// Events and breaks in one list by date (a break such as 国庆 between
/// two events is listed between them).
pub(super) fn days<'e>(
    n: &Names,
    events: impl Iterator<Item = &'e crate::model::Event>,
    breaks: impl Iterator<Item = &'e crate::model::Break>,
) -> Vec<EventView> {
    let mut all: Vec<(Date, Date, EventView)> = events
        .map(|e| {
            (
                e.start,
                e.end,
                event_view(n, &e.name, e.start, e.end, Some(e.kind)),
            )
        })
        .chain(breaks.map(|b| (b.start, b.end, event_view(n, &b.name, b.start, b.end, None))))
        .collect();
    all.sort_by_key(|x| (x.0, x.1));
    all.into_iter().map(|(_, _, v)| v).collect()
}

pub(super) fn event_view(
    n: &Names,
    name: &str,
    a: Date,
    b: Date,
    kind: Option<EventKind>,
) -> EventView {
    EventView {
        name: name.to_string(),
        dates: n.span(a, b),
        kind: kind
            .map(|k| n.theme.label("event_kinds", k.slug()))
            .unwrap_or_default(),
        kind_slug: kind.map_or("break", |k| k.slug()).to_string(),
    }
}

/// The term as month grids: one row per calendar week (Monday first), days
/// of breaks greyed, events marked; under each month the slots that start
/// in it, its class meetings and family sessions.
fn months(cx: &Cx, k: &Calendar) -> Vec<MonthView> {
    let (c, n) = (cx.c, &cx.n);
    let weeks = schedule::weeks(k);
    let slots = slot_views(cx, k);
    let slot_starts: BTreeMap<u32, Date> = cx
        .plan
        .term(k)
        .map_or(&[][..], |t| &t.slots[..])
        .iter()
        .map(|s| (s.number, s.start))
        .collect();
    let first = k.first_monday.first_of_month();
    let last = last_day(k);
    let mut out = Vec::new();
    let mut month = first;
    while month <= last {
        let (y, m) = (month.year(), month.month());
        let in_month = |d: Date| d.year() == y && d.month() == m;
        let rows: Vec<WeekRow> = weeks
            .iter()
            .filter(|w| {
                (0..7).any(|i| {
                    w.monday
                        .checked_add(jiff::Span::new().days(i))
                        .is_ok_and(in_month)
                })
            })
            .map(|w| {
                let days = (0..7)
                    .map(|i| {
                        let d = w
                            .monday
                            .checked_add(jiff::Span::new().days(i))
                            .unwrap_or(w.monday);
                        if !in_month(d) {
                            return DayView {
                                day: None,
                                off: false,
                                weekend: i >= 5,
                                marks: vec![],
                                classes: String::new(),
                            };
                        }
                        let off = k.breaks.iter().any(|b| b.start <= d && d <= b.end);
                        let evs: Vec<_> = k
                            .events
                            .iter()
                            .filter(|e| e.start <= d && d <= e.end)
                            .collect();
                        let mut classes: Vec<&str> = evs.iter().map(|e| e.kind.slug()).collect();
                        classes.sort();
                        classes.dedup();
                        // Activity months span weeks: mark their first day only.
                        let marks = evs
                            .iter()
                            .filter(|e| e.kind != EventKind::ActivityMonth || e.start == d)
                            .map(|e| e.name.clone())
                            .chain(
                                k.breaks
                                    .iter()
                                    .filter(|b| b.start == d)
                                    .map(|b| b.name.clone()),
                            )
                            .collect();
                        DayView {
                            day: Some(d.day()),
                            off,
                            weekend: i >= 5,
                            marks,
                            classes: classes.join(" "),
                        }
                    })
                    .collect();
                WeekRow {
                    number: w.number,
                    slot: w.slot,
                    slot_start: w
                        .slot
                        .is_some_and(|s| slot_starts.get(&s) == Some(&w.monday)),
                    break_name: w.break_name.clone(),
                    days,
                }
            })
            .collect();
        let month_slots = slots
            .iter()
            .filter(|s| slot_starts.get(&s.number).is_some_and(|d| in_month(*d)))
            .map(|s| SlotView {
                number: s.number,
                start: s.start.clone(),
                end: s.end.clone(),
                dates: s.dates.clone(),
                weeks: s.weeks.clone(),
                cells: s
                    .cells
                    .iter()
                    .map(|c| Cell {
                        band: c.band.clone(),
                        lesson: c.lesson.clone(),
                        lessons: c.lessons.clone(),
                        print: c.print.clone(),
                    })
                    .collect(),
                prints: s.prints.clone(),
            })
            .collect();
        let meetings = c
            .meetings
            .iter()
            .filter(|mt| mt.term == k.term && mt.month as i8 == m)
            .filter_map(|mt| {
                let bands: Vec<String> = mt.bands.iter().map(|b| n.band(*b)).collect();
                Some(Link {
                    title: format!("{}\u{FF08}{}\u{FF09}", mt.title, bands.join("、")),
                    url: cx.url(&mt.path)?,
                })
            })
            .collect();
        let family = k
            .events
            .iter()
            .filter(|e| e.kind == EventKind::Family && in_month(e.start))
            .map(|e| event_view(n, &e.name, e.start, e.end, Some(e.kind)))
            .collect();
        if !rows.is_empty() {
            out.push(MonthView {
                title: n.month_title(y, m),
                weeks: rows,
                slots: month_slots,
                meetings,
                family,
            });
        }
        month = match month.checked_add(jiff::Span::new().months(1)) {
            Ok(d) => d,
            Err(_) => break,
        };
    }
    out
}

/// The page of calendar `k`, or its print version.
pub fn page_of(cx: &Cx, k: &Calendar, print: bool) -> Page {
    let n = &cx.n;
    #[derive(Serialize)]
    struct Data {
        name: String,
        term: String,
        dates: String,
        weeks_count: u32,
        cadence: u32,
        slots: Vec<SlotView>,
        months: Vec<MonthView>,
        breaks: Vec<EventView>,
        events: Vec<EventView>,
        days: Vec<EventView>,
        ics: String,
        print_url: String,
        screen_url: String,
        weekdays: Vec<String>,
    }
    let data = Data {
        name: k.name.clone(),
        term: n.term(k.term),
        dates: format!(
            "{} – {}",
            n.date_long(k.first_monday),
            n.date_long(last_day(k))
        ),
        weeks_count: k.weeks,
        cadence: k.cadence,
        slots: slot_views(cx, k),
        months: months(cx, k),
        breaks: k
            .breaks
            .iter()
            .map(|b| event_view(n, &b.name, b.start, b.end, None))
            .collect(),
        events: k
            .events
            .iter()
            .map(|e| event_view(n, &e.name, e.start, e.end, Some(e.kind)))
            .collect(),
        days: days(n, k.events.iter(), k.breaks.iter()),
        ics: paths::ics(&k.id),
        print_url: paths::calendar_print(&k.id),
        screen_url: paths::calendar(&k.id),
        weekdays: n
            .theme
            .label("ui", "weekdays")
            .split(' ')
            .map(str::to_string)
            .collect(),
    };
    if print {
        page(
            paths::calendar_print(&k.id),
            "calendar-print.html",
            &k.name,
            data,
        )
    } else {
        page(paths::calendar(&k.id), "calendar.html", &k.name, data)
    }
}
