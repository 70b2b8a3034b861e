//! A class meeting's screen page, print copy and classroom view.

use super::{Cx, Page, PhaseView, SectionView, page, print_page, timed_views};
use crate::model::Meeting;
use crate::plan::paths::{self, variant};
use serde::Serialize;

/// What the meeting templates see.
#[derive(Serialize)]
pub(super) struct MeetingData {
    title: String,
    bands: Vec<String>,
    term: String,
    month: String,
    duration: u32,
    roles: Vec<String>,
    areas: Vec<String>,
    segments: Vec<PhaseView>,
    sections: Vec<SectionView>,
    sensitive: bool,
}

/// The data of meeting `m` for the page at `out`; with `text`, the body's
/// plain text for the search index.
pub(super) fn meeting_data(
    cx: &Cx,
    m: &Meeting,
    out: &str,
    text: Option<&mut String>,
) -> MeetingData {
    let n = &cx.n;
    let sections = cx.sections(&m.body, &m.path, out, Some(&m.roles), text);
    let segments = timed_views(&sections);
    MeetingData {
        title: m.title.clone(),
        bands: m.bands.iter().map(|b| n.band(*b)).collect(),
        term: n.term(m.term),
        month: n.month(m.month),
        duration: m.duration,
        roles: m.roles.clone(),
        areas: n.areas(&m.areas),
        segments,
        sections,
        sensitive: m.sensitive,
    }
}

/// The screen page and print copy of meeting `m`; with `text`, the body's
/// plain text for the search index, from the same parse.
pub fn pages_of(cx: &Cx, m: &Meeting, text: Option<&mut String>) -> Vec<Page> {
    let Some(out) = cx.url(&m.path) else {
        return vec![];
    };
    let data = meeting_data(cx, m, &out, text);
    let print = variant(&out, "print");
    let classroom = super::classroom::meeting_page(cx, m, &out);
    let mut screen = page(out.clone(), "meeting.html", &m.title, &data);
    screen.context.insert("print_url", &print);
    screen
        .context
        .insert("classroom_url", &paths::classroom(&out));
    vec![
        print_page(print, "print-meeting.html", &m.title, &data),
        classroom,
        screen,
    ]
}
