//! Lesson packs: what goes into the pack of one fortnight (a calendar slot),
//! for the whole school, one band or one grade, and which slots lack a
//! lesson. A band's slot may hold several lessons for different grades.
//! Pure planning over the model; `render::pack` makes the files.
//!
//! Must not: render, read or write files.

use super::TermPlan;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::schedule::Slot;
pub use crate::model::term_slug;
use crate::model::{
    Band, Break, Calendar, Curriculum, Event, EventKind, Guide, Handout, Lesson, Meeting,
};
use std::collections::BTreeSet;

/// One pack to make.
#[derive(Debug)]
pub struct PackSpec<'a> {
    /// File-name id: `2026-autumn-s03` (whole school),
    /// `2026-autumn-s03-junior-high` (one band) or `2026-autumn-s03-grade8`
    /// (one grade). Short ASCII.
    pub id: String,
    /// The term calendar.
    pub calendar: &'a Calendar,
    /// The fortnight.
    pub slot: Slot,
    /// `None` for a whole-school pack.
    pub band: Option<Band>,
    /// `Some` for a one-grade pack (its `band` is the grade's band).
    pub grade: Option<u8>,
    /// The slot's lessons for each band in the pack, in band order; a band
    /// has one per group of grades.
    pub lessons: Vec<&'a Lesson>,
    /// Class meetings held in a month the slot touches, for the pack's bands.
    pub meetings: Vec<&'a Meeting>,
    /// Parent handouts that go with the slot's lessons.
    pub handouts: Vec<&'a Handout>,
    /// Teacher guides for a month the slot touches, for the pack's bands
    /// (they go into the pack's teacher folder).
    pub guides: Vec<&'a Guide>,
    /// Events that fall in the fortnight.
    pub events: Vec<&'a Event>,
    /// Breaks that fall in the fortnight.
    pub breaks: Vec<&'a Break>,
}

impl PackSpec<'_> {
    /// The bands the pack serves.
    pub fn bands(&self) -> Vec<Band> {
        let mut bands: Vec<Band> = self.lessons.iter().map(|l| l.band).collect();
        bands.dedup();
        bands
    }

    /// The pack's lessons of band `b`.
    pub fn lessons_of(&self, b: Band) -> Vec<&Lesson> {
        self.lessons
            .iter()
            .copied()
            .filter(|l| l.band == b)
            .collect()
    }

    /// The project files whose text the pack shows: its lessons, class
    /// meetings, parent handouts and calendar.
    pub fn files(&self) -> impl Iterator<Item = &str> {
        self.lessons
            .iter()
            .map(|l| l.path.as_str())
            .chain(self.meetings.iter().map(|m| m.path.as_str()))
            .chain(self.handouts.iter().map(|h| h.path.as_str()))
            .chain(self.guides.iter().map(|g| g.path.as_str()))
            .chain(std::iter::once(self.calendar.path.as_str()))
    }

    /// The project assets the pack's pages use, as project paths.
    pub fn assets(&self, c: &Curriculum, into: &mut BTreeSet<String>) {
        for l in &self.lessons {
            super::assets_of(&c.assets, &l.path, &l.body, into);
        }
        for m in &self.meetings {
            super::assets_of(&c.assets, &m.path, &m.body, into);
        }
        for h in &self.handouts {
            super::assets_of(&c.assets, &h.path, &h.body, into);
        }
        for g in &self.guides {
            super::assets_of(&c.assets, &g.path, &g.body, into);
        }
    }

    /// Family-education sessions in the fortnight.
    pub fn family_sessions(&self) -> Vec<&Event> {
        self.events
            .iter()
            .copied()
            .filter(|e| e.kind == EventKind::Family)
            .collect()
    }
}

/// Bands that teach in a term: those with at least one lesson in it.
fn bands_in_term(c: &Curriculum, cal: &Calendar) -> Vec<Band> {
    let set: BTreeSet<Band> = c
        .lessons
        .iter()
        .filter(|l| l.term == cal.term)
        .map(|l| l.band)
        .collect();
    set.into_iter().collect()
}

/// The lessons of band `b` in slot `n` of `term`, youngest grade first
/// (lessons are sorted by band, term, order and path, so they are one
/// range of the list).
pub fn slot_lessons(c: &Curriculum, b: Band, term: crate::model::Term, n: u32) -> Vec<&Lesson> {
    let key = (b, term, n);
    let from = c
        .lessons
        .partition_point(|l| (l.band, l.term, l.order) < key);
    let to = c
        .lessons
        .partition_point(|l| (l.band, l.term, l.order) <= key);
    let mut out: Vec<&Lesson> = c.lessons[from..to].iter().collect();
    // Stable: lessons of one first grade keep their path order.
    out.sort_by_key(|l| l.served_grades().next());
    out
}

/// Grades of band `b` that no lesson serves in slot `n` of `term`.
pub fn unserved(c: &Curriculum, b: Band, term: crate::model::Term, n: u32) -> Vec<u8> {
    let lessons = slot_lessons(c, b, term, n);
    b.grades()
        .filter(|g| !lessons.iter().any(|l| l.serves(*g)))
        .collect()
}

/// Up to this many lessons beyond a term's slots are reported one by one.
const BEYOND_ONE_BY_ONE: usize = 5;

/// Slots of a band that lack a lesson, and lessons whose order has no slot.
/// A missing lesson's `severity` is a warning for `build` (the site still
/// builds; the affected packs are not made) and an error for `pack`. A
/// lesson beyond the slots is always a warning: it is on the site, in no
/// pack, and no pack is short because of it.
pub fn coverage(
    c: &Curriculum,
    terms: &[TermPlan],
    release: Release,
    severity: Severity,
    only: Option<Band>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for t in terms {
        let cal = t.calendar;
        let slots = t.slots.len() as u32;
        // What each band still lacks: one finding per term names them all.
        let mut lacking: Vec<(Band, String)> = Vec::new();
        for band in bands_in_term(c, cal)
            .into_iter()
            .filter(|b| only.is_none_or(|o| o == *b))
        {
            let mine: Vec<&Lesson> = c
                .lessons
                .iter()
                .filter(|l| l.band == band && l.term == cal.term)
                .collect();
            // Slots where no grade has a lesson, and slots where some do.
            let mut missing: Vec<u32> = Vec::new();
            let mut partial: Vec<String> = Vec::new();
            for n in 1..=slots {
                let lacking = unserved(c, band, cal.term, n);
                if lacking.len() == band.grades().count() {
                    missing.push(n);
                } else if !lacking.is_empty() {
                    let g: Vec<String> = lacking.iter().map(u8::to_string).collect();
                    partial.push(format!("第 {n} 课次的 {} 年级", g.join("、")));
                }
            }
            if !missing.is_empty() || !partial.is_empty() {
                let mut what = Vec::new();
                if !missing.is_empty() {
                    what.push(format!("第 {} 课次", runs(&missing)));
                }
                what.extend(partial);
                lacking.push((band, what.join("\u{FF1B}")));
            }
            let mut beyond: Vec<&&Lesson> = mine.iter().filter(|l| l.order > slots).collect();
            beyond.sort_by(|a, b| (a.order, &a.path).cmp(&(b.order, &b.path)));
            if beyond.len() > BEYOND_ONE_BY_ONE {
                // A large library of extra lessons: one warning, not thousands.
                let l = beyond[0];
                let mut d = Diagnostic::error(
                    &l.path,
                    l.order_line,
                    1,
                    format!(
                        "{}{}有 {} 份教案的 order 大于校历 {} 的 {slots} 个课次（从这一份起）",
                        band.zh(),
                        cal.term.zh(),
                        beyond.len(),
                        cal.id
                    ),
                )
                .with_len(5 + l.order.to_string().len())
                .with_hint("这些课会出现在网站上\u{FF0C}但排不进任何课次\u{FF0C}不会进课程包\u{FF1B}如果它们应按课次上\u{FF0C}请改 order 或在校历里增加教学周");
                d.severity = Severity::Warning;
                out.push(d);
                continue;
            }
            for l in beyond {
                let mut d = Diagnostic::error(
                    &l.path,
                    l.order_line,
                    1,
                    format!("order: {}，但校历 {} 只有 {slots} 个课次", l.order, cal.id),
                )
                .with_len(5 + l.order.to_string().len())
                .with_hint("这节课排不进任何课次\u{FF1B}请改 order\u{FF0C}或在校历里增加教学周");
                d.severity = Severity::Warning;
                out.push(d);
            }
        }
        if lacking.is_empty() {
            continue;
        }
        let message = match lacking.as_slice() {
            [(band, what)] => format!(
                "{}{}共 {slots} 个课次\u{FF0C}{what}还没有教案",
                band.zh(),
                cal.term.zh()
            ),
            all => format!(
                "{}共 {slots} 个课次\u{FF0C}还没有教案的有\u{FF1A}{}",
                cal.term.zh(),
                all.iter()
                    .map(|(b, what)| format!("{}{what}", b.zh()))
                    .collect::<Vec<_>>()
                    .join("\u{FF1B}")
            ),
        };
        let folders: Vec<String> = lacking
            .iter()
            .map(|(b, _)| format!("lessons/{}/", b.slug()))
            .collect();
        // The calendar decides how many slots there are; the place to act
        // is the lesson folder, so no line of the calendar is underlined.
        let mut d = Diagnostic::error(&cal.path, 0, 0, message).with_hint(format!(
            "在 {} 里为这些课次各加一份教案（order 写课次号）\u{FF1B}{}",
            folders.join("、"),
            match release {
                Release::Ready => "缺课的课次不会生成课程包\u{FF0C}已写好的课次照常生成",
                Release::Complete =>
                    "按 --require-complete\u{FF0C}整个学期写完之前这个学段不生成课程包",
            }
        ));
        d.severity = severity;
        out.push(d);
    }
    out
}

/// `2、3、5` as `2、3、5`, and `2、3、4、5` as `2–5`: slot numbers for people.
fn runs(ns: &[u32]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < ns.len() {
        let mut j = i;
        while j + 1 < ns.len() && ns[j + 1] == ns[j] + 1 {
            j += 1;
        }
        parts.push(if j >= i + 2 {
            format!("{}–{}", ns[i], ns[j])
        } else if j == i + 1 {
            format!("{}、{}", ns[i], ns[j])
        } else {
            ns[i].to_string()
        });
        i = j + 1;
    }
    parts.join("、")
}

/// Which packs a plan makes when lessons are missing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Release {
    /// Every slot that has its lessons: a band pack when the band's lesson
    /// for the slot exists, a whole-school pack when every band teaching
    /// that term has it. How a county releases a fortnight at a time.
    #[default]
    Ready,
    /// Only bands whose whole term is written get packs
    /// (`--require-complete`).
    Complete,
}

/// Every pack the curriculum can make: for each calendar slot, a
/// whole-school pack and one pack per band. A pack is never short: a band
/// that misses the slot's lesson gets no pack for it, and the whole-school
/// pack of a slot needs every band's lesson (see [`coverage`]).
pub fn specs<'c>(c: &'c Curriculum, terms: &[TermPlan<'c>], release: Release) -> Vec<PackSpec<'c>> {
    let mut out = Vec::new();
    for t in terms {
        let cal = t.calendar;
        let bands = bands_in_term(c, cal);
        let slots = t.slots.len() as u32;
        let ready_in = |b: Band, n: u32| unserved(c, b, cal.term, n).is_empty();
        let complete: Vec<Band> = bands
            .iter()
            .copied()
            .filter(|b| (1..=slots).all(|n| ready_in(*b, n)))
            .collect();
        for slot in &t.slots {
            let ready: Vec<Band> = match release {
                Release::Complete => complete.clone(),
                Release::Ready => bands
                    .iter()
                    .copied()
                    .filter(|b| ready_in(*b, slot.number))
                    .collect(),
            };
            if !ready.is_empty() {
                // The whole-school pack carries every band that teaches
                // this term, or it is not made.
                if release == Release::Complete || ready.len() == bands.len() {
                    out.push(spec(c, cal, slot, None, None, &ready));
                }
                for b in &ready {
                    out.push(spec(c, cal, slot, Some(*b), None, &ready));
                }
            }
            // One-grade packs (`pack --grade`): every grade whose lesson
            // for the slot exists, within the release rule.
            for b in &bands {
                if release == Release::Complete && !complete.contains(b) {
                    continue;
                }
                for g in b.grades() {
                    if slot_lessons(c, *b, cal.term, slot.number)
                        .iter()
                        .any(|l| l.serves(g))
                    {
                        out.push(spec(c, cal, slot, Some(*b), Some(g), &[*b]));
                    }
                }
            }
        }
    }
    out
}

fn spec<'a>(
    c: &'a Curriculum,
    cal: &'a Calendar,
    slot: &Slot,
    band: Option<Band>,
    grade: Option<u8>,
    complete: &[Band],
) -> PackSpec<'a> {
    let bands: Vec<Band> = match band {
        Some(b) => vec![b],
        None => complete.to_vec(),
    };
    let lessons: Vec<&Lesson> = bands
        .iter()
        .flat_map(|b| slot_lessons(c, *b, cal.term, slot.number))
        .filter(|l| grade.is_none_or(|g| l.serves(g)))
        .collect();
    let months: BTreeSet<i8> = {
        let mut m = BTreeSet::new();
        let mut d = slot.start;
        while d <= slot.end {
            m.insert(d.month());
            d = d
                .first_of_month()
                .checked_add(jiff::Span::new().months(1))
                .unwrap_or(slot.end.tomorrow().unwrap_or(slot.end));
        }
        m
    };
    let meetings = c
        .meetings
        .iter()
        .filter(|m| {
            m.term == cal.term
                && months.contains(&(m.month as i8))
                && m.bands.iter().any(|b| bands.contains(b))
        })
        .collect();
    let mut handouts: Vec<&Handout> = lessons
        .iter()
        .filter_map(|l| l.parents.as_ref())
        .filter_map(|p| c.handouts.iter().find(|h| &h.path == p))
        .collect();
    handouts.sort_by(|a, b| a.path.cmp(&b.path));
    handouts.dedup_by(|a, b| a.path == b.path);
    let guides = c
        .guides
        .iter()
        .filter(|g| {
            g.month.is_some_and(|m| months.contains(&(m as i8)))
                && g.bands.iter().any(|b| bands.contains(b))
        })
        .collect();
    let in_slot = |s: crate::model::Date, e: crate::model::Date| s <= slot.end && e >= slot.start;
    let id = match (band, grade) {
        (_, Some(g)) => format!("{}-s{:02}-grade{g}", term_slug(cal), slot.number),
        (None, None) => format!("{}-s{:02}", term_slug(cal), slot.number),
        (Some(b), None) => format!("{}-s{:02}-{}", term_slug(cal), slot.number, b.slug()),
    };
    PackSpec {
        id,
        calendar: cal,
        slot: slot.clone(),
        band,
        grade,
        lessons,
        meetings,
        handouts,
        guides,
        events: cal
            .events
            .iter()
            .filter(|e| in_slot(e.start, e.end))
            .collect(),
        breaks: cal
            .breaks
            .iter()
            .filter(|b| in_slot(b.start, b.end))
            .collect(),
    }
}
