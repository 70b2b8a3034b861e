//! "Print this fortnight": everything printable of one band for one slot
//! on one page, one item per printed page.

use super::handout::{HandoutData, handout_data};
use super::lesson::{LessonData, lesson_data};
use super::meeting::{MeetingData, meeting_data};
use super::{Cx, Link, Page, page};
use crate::model::{Band, Lesson, Meeting};
use crate::plan::{PackSpec, paths};
use serde::Serialize;

/// The "print this fortnight" page of a band pack (on the site) or of a
/// one-grade pack (for `print --grade`); `None` for a whole-school pack,
/// which has one per band instead.
pub fn site_page(cx: &Cx, spec: &PackSpec) -> Option<Page> {
    let band = spec.band?;
    if spec.lessons.is_empty() {
        return None;
    }
    let term = cx.plan.term(spec.calendar)?;
    let (out, who) = match spec.grade {
        Some(g) => (
            paths::slot_print_grade(&term.slug, spec.slot.number, g),
            cx.n.grades(band, &[g]),
        ),
        None => (
            paths::slot_print(&term.slug, spec.slot.number, band),
            cx.n.band(band),
        ),
    };
    let title = format!(
        "{} · {} · {}",
        spec.calendar.name,
        cx.n.theme
            .label("ui", "slot_n")
            .replace("{}", &spec.slot.number.to_string()),
        who
    );
    Some(page_of(
        cx,
        out,
        band,
        &title,
        &spec.lessons,
        &spec.meetings,
    ))
}

#[derive(Serialize)]
struct PrintItem {
    kind: &'static str,
    lesson: Option<LessonData>,
    meeting: Option<MeetingData>,
    handout: Option<HandoutData>,
}

/// Everything printable of one band for one fortnight, one item per page:
/// each lesson (teacher copy, one per group of grades) with its worksheet,
/// the month's class meetings and the parent handouts.
pub(super) fn page_of(
    cx: &Cx,
    out: String,
    band: Band,
    title: &str,
    lessons: &[&Lesson],
    meetings: &[&Meeting],
) -> Page {
    let c = cx.c;
    // The classroom views of the fortnight, linked on screen (not printed).
    let classroom = |title: &str, source: &str| {
        Some(Link {
            title: title.to_string(),
            url: paths::classroom(&cx.url(source)?),
        })
    };
    let mut views: Vec<Link> = lessons
        .iter()
        .filter_map(|l| classroom(&l.title, &l.path))
        .collect();
    views.extend(
        meetings
            .iter()
            .filter(|m| m.bands.contains(&band))
            .filter_map(|m| classroom(&m.title, &m.path)),
    );
    let mut items = Vec::new();
    for lesson in lessons {
        let ld = lesson_data(cx, lesson, &out, None);
        // The worksheet item shows the same rendered lesson: render it once.
        let sheet = ld.worksheet.is_some().then(|| ld.clone());
        items.push(PrintItem {
            kind: "lesson",
            lesson: Some(ld),
            meeting: None,
            handout: None,
        });
        if let Some(sheet) = sheet {
            items.push(PrintItem {
                kind: "worksheet",
                lesson: Some(sheet),
                meeting: None,
                handout: None,
            });
        }
    }
    for m in meetings.iter().filter(|m| m.bands.contains(&band)) {
        items.push(PrintItem {
            kind: "meeting",
            lesson: None,
            meeting: Some(meeting_data(cx, m, &out, None)),
            handout: None,
        });
    }
    let mut handouts: Vec<&str> = lessons
        .iter()
        .filter_map(|l| l.parents.as_deref())
        .collect();
    handouts.dedup();
    for h in handouts
        .iter()
        .filter_map(|p| c.handouts.iter().find(|h| h.path == *p))
    {
        items.push(PrintItem {
            kind: "handout",
            lesson: None,
            meeting: None,
            handout: Some(handout_data(cx, h, &out, None)),
        });
    }
    #[derive(Serialize)]
    struct Data<'a> {
        title: &'a str,
        band: String,
        items: Vec<PrintItem>,
        count: usize,
        classroom: Vec<Link>,
    }
    let count = items.len();
    page(
        out,
        "print-slot.html",
        title,
        Data {
            title,
            band: cx.n.band(band),
            items,
            count,
            classroom: views,
        },
    )
}
