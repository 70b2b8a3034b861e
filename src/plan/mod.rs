//! The build plan: everything the tool will make from a checked
//! curriculum, computed once and held as a value. The slots of every term,
//! the packs with their contents, and a flat list of [`Job`]s, one per
//! output (or per group of small outputs). `build`, `serve`, `pack` and
//! `print` differ only in which jobs they select; `render::pipeline` runs
//! any selection.
//!
//! Must not: render, touch the file system, or name pulldown-cmark or Tera
//! (`tests/all/tidy.rs` holds it to that).

pub mod packs;
pub mod paths;

pub use packs::{PackSpec, Release, coverage, term_slug};

use crate::model::schedule::{self, Slot};
use crate::model::{Band, Body, Calendar, Curriculum};
use percent_encoding::percent_decode_str;
use std::collections::BTreeSet;

/// One term calendar with its lesson slots.
#[derive(Debug)]
pub struct TermPlan<'c> {
    /// The calendar.
    pub calendar: &'c Calendar,
    /// Its short ASCII name (`2026-autumn`), used in pack ids and paths.
    pub slug: String,
    /// Its lesson slots, in order.
    pub slots: Vec<Slot>,
}

/// One unit of output. Indices point into the curriculum's lists
/// (`lessons`, `meetings`, `handouts`, `calendars`, `assets`) or into
/// [`Plan::packs`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Job {
    /// The home page.
    Index,
    /// The class-meeting and parent-school lists.
    Lists,
    /// A band's page.
    Band(Band),
    /// A lesson's screen page, print copy and worksheet.
    Lesson(usize),
    /// A class meeting's page and print copy.
    Meeting(usize),
    /// A parent handout's page and print copy.
    Handout(usize),
    /// A teacher guide's page and print copy.
    Guide(usize),
    /// The list of teacher guides.
    Guides,
    /// A term calendar's page.
    Calendar(usize),
    /// A term calendar's print page.
    CalendarPrint(usize),
    /// A term calendar as `.ics`.
    Ics(usize),
    /// The "print this fortnight" page of a band pack.
    SlotPrint(usize),
    /// The search page and its index files.
    Search,
    /// A band's sidebar list.
    Nav(Band),
    /// The theme's static files.
    Static,
    /// A project asset, copied as it is.
    Asset(usize),
    /// A lesson pack (zip).
    Pack(usize),
    /// The downloads page (after the packs: it lists their sizes).
    Downloads,
    /// `packs.json` and the Atom feed (after the packs).
    Feed,
}

impl Job {
    /// Jobs that list what the pack jobs made, so they run after them.
    pub fn needs_packs(self) -> bool {
        matches!(self, Job::Downloads | Job::Feed)
    }
}

/// Everything a curriculum builds into.
#[derive(Debug)]
pub struct Plan<'c> {
    /// The checked curriculum.
    pub c: &'c Curriculum,
    /// Every term calendar with its slots, in the curriculum's order.
    pub terms: Vec<TermPlan<'c>>,
    /// Every pack: for each slot the whole-school pack, then one per band.
    pub packs: Vec<PackSpec<'c>>,
    /// Every job of a full build with packs, in the order they are listed.
    pub jobs: Vec<Job>,
}

impl<'c> Plan<'c> {
    /// Plans the whole output of `c`; `release` says which packs a
    /// term with missing lessons gets.
    pub fn new(c: &'c Curriculum, release: Release) -> Plan<'c> {
        let terms = terms(c);
        let packs = packs::specs(c, &terms, release);
        let mut jobs = vec![Job::Index, Job::Lists];
        jobs.extend(Band::ALL.iter().map(|b| Job::Band(*b)));
        jobs.extend((0..c.lessons.len()).map(Job::Lesson));
        jobs.extend((0..c.meetings.len()).map(Job::Meeting));
        jobs.extend((0..c.handouts.len()).map(Job::Handout));
        jobs.push(Job::Guides);
        jobs.extend((0..c.guides.len()).map(Job::Guide));
        for k in 0..c.calendars.len() {
            jobs.extend([Job::Calendar(k), Job::CalendarPrint(k), Job::Ics(k)]);
        }
        // The site carries whole-school and band packs; one-grade packs
        // and their print pages are made on request (`--grade`).
        let on_site = |s: &PackSpec| s.grade.is_none();
        jobs.extend(
            packs
                .iter()
                .enumerate()
                .filter(|(_, s)| s.band.is_some() && on_site(s))
                .map(|(i, _)| Job::SlotPrint(i)),
        );
        jobs.push(Job::Search);
        jobs.extend(Band::ALL.iter().map(|b| Job::Nav(*b)));
        jobs.push(Job::Static);
        jobs.extend((0..c.assets.len()).map(Job::Asset));
        jobs.extend(
            packs
                .iter()
                .enumerate()
                .filter(|(_, s)| on_site(s))
                .map(|(i, _)| Job::Pack(i)),
        );
        jobs.extend([Job::Downloads, Job::Feed]);
        Plan {
            c,
            terms,
            packs,
            jobs,
        }
    }

    /// The jobs of the site; without `packs`, a preview (serve): no zips,
    /// no feed, and a downloads page that says so.
    pub fn site(&self, packs: bool) -> Vec<Job> {
        self.jobs
            .iter()
            .copied()
            .filter(|j| packs || !matches!(j, Job::Pack(_) | Job::Feed))
            .collect()
    }

    /// What an edit of lesson `i` changes when nothing other pages show of
    /// it changed (serve's quick path): its own pages and the "print this
    /// fortnight" pages that carry it.
    pub fn lesson(&self, i: usize) -> Vec<Job> {
        let path = &self.c.lessons[i].path;
        let mut jobs = vec![Job::Lesson(i)];
        jobs.extend(self.slot_prints().filter_map(|(j, s)| {
            (s.grade.is_none() && s.lessons.iter().any(|l| l.path == *path))
                .then_some(Job::SlotPrint(j))
        }));
        jobs
    }

    /// The pack jobs whose spec passes `keep`.
    pub fn packs_where(&self, keep: impl Fn(&PackSpec) -> bool) -> Vec<Job> {
        self.packs
            .iter()
            .enumerate()
            .filter(|(_, s)| keep(s))
            .map(|(i, _)| Job::Pack(i))
            .collect()
    }

    /// Band and grade packs, which have a "print this fortnight" page:
    /// (index, spec). The site carries the band packs' pages.
    pub fn slot_prints(&self) -> impl Iterator<Item = (usize, &PackSpec<'c>)> {
        self.packs
            .iter()
            .enumerate()
            .filter(|(_, s)| s.band.is_some())
    }

    /// The print pages `xinyu print` turns into PDFs, and what they need
    /// around them: the theme's static files and the assets they show.
    /// `slot_prints` are indices into [`Plan::packs`], `calendars` into the
    /// curriculum's calendars.
    pub fn print(&self, slot_prints: &[usize], calendars: &[usize]) -> Vec<Job> {
        let mut jobs: Vec<Job> = slot_prints.iter().map(|i| Job::SlotPrint(*i)).collect();
        jobs.extend(calendars.iter().map(|k| Job::CalendarPrint(*k)));
        jobs.push(Job::Static);
        let mut used = BTreeSet::new();
        for s in slot_prints.iter().filter_map(|i| self.packs.get(*i)) {
            s.assets(self.c, &mut used);
        }
        jobs.extend(
            used.iter()
                .filter_map(|a| self.c.assets.binary_search(a).ok())
                .map(Job::Asset),
        );
        jobs
    }

    /// The term plan of a calendar.
    pub fn term(&self, cal: &Calendar) -> Option<&TermPlan<'c>> {
        self.terms.iter().find(|t| t.calendar.path == cal.path)
    }

    /// (calendar id, slot, band) of every band pack, hence of every "print
    /// this fortnight" page.
    pub fn printable(&self) -> BTreeSet<(String, u32, Band)> {
        self.packs
            .iter()
            .filter(|s| s.grade.is_none())
            .filter_map(|s| Some((s.calendar.id.clone(), s.slot.number, s.band?)))
            .collect()
    }
}

/// Every term calendar of `c` with its slots (all a plan needs for
/// coverage checks, without the packs).
pub fn terms(c: &Curriculum) -> Vec<TermPlan<'_>> {
    c.calendars
        .iter()
        .map(|k| TermPlan {
            calendar: k,
            slug: term_slug(k),
            slots: schedule::slots(k),
        })
        .collect()
}

/// The project assets a body links to, as project paths (`assets` is the
/// curriculum's sorted asset list).
pub fn assets_of(assets: &[String], path: &str, body: &Body, into: &mut BTreeSet<String>) {
    let dir = crate::model::parent_dir(path);
    for l in &body.links {
        let p = l.target.split(['#', '?']).next().unwrap_or("");
        let decoded = percent_decode_str(p).decode_utf8_lossy().replace('\\', "/");
        if let Some(t) = crate::model::normalize(dir, &decoded)
            && assets.binary_search(&t).is_ok()
        {
            into.insert(t);
        }
    }
}
