//! Rebuilds for `serve`: a full build the first time and whenever the
//! change could reach anywhere; after an edit to the body of a lesson, only
//! that lesson's pages (screen, print, worksheet, its "print this slot"
//! page), written file by file into the live folder, then its search index.
//!
//! What may take the quick path is decided by what other pages show of a
//! lesson: band pages, calendars, neighbours, handouts and the search page
//! show its title, band, term, order, grades, duration, areas, forms,
//! `sensitive` and parent handout. An edit that changes none of those
//! changes no other page. Anything else (a new or deleted file, a
//! calendar, settings, the theme, a new asset) rebuilds everything.

use crate::diagnostic::{self, Diagnostic, Diagnostics};
use crate::load::{self, Reload};
use crate::model::{Curriculum, Lesson};
use crate::site::pages::{self, Cx};
use crate::site::urls::Urls;
use crate::site::{self, Renderer};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

/// The last good build, kept in memory between edits.
pub struct Live {
    c: Curriculum,
    sources: BTreeMap<String, String>,
    renderer: Arc<Renderer>,
    /// Lessons whose last quick rebuild failed: checked again each time, so
    /// fixing another file cannot hide their errors.
    pending: BTreeSet<String>,
    /// The last full rebuild failed: the next one must be full too.
    stale: bool,
}

/// What a rebuild did.
#[derive(Debug, PartialEq, Eq)]
pub enum Done {
    /// Everything was rebuilt: this many pages.
    Full(usize),
    /// Only these pages were rewritten.
    Quick(Vec<String>),
}

fn render(d: Vec<Diagnostic>, sources: &BTreeMap<String, String>) -> String {
    let mut all = Diagnostics::default();
    d.into_iter().for_each(|x| all.push(x));
    diagnostic::render(&all, sources)
}

/// Loads and builds `project` into `out` (pages only, no packs).
pub fn full(project: &Path, out: &Path) -> Result<(usize, Live), String> {
    let loaded = load::load(project);
    let Some(c) = loaded
        .curriculum
        .filter(|_| !loaded.diagnostics.has_errors())
    else {
        return Err(diagnostic::render(&loaded.diagnostics, &loaded.sources));
    };
    let built = site::build(project, &c, out, site::Options::default());
    let renderer = Renderer::new(project, &c);
    match (built, renderer) {
        (Ok(s), Ok(renderer)) => Ok((
            s.pages,
            Live {
                c,
                sources: loaded.sources,
                renderer: Arc::new(renderer),
                pending: BTreeSet::new(),
                stale: false,
            },
        )),
        (Err(site::Failure::Input(d)), _) | (_, Err(site::Failure::Input(d))) => {
            Err(render(d, &loaded.sources))
        }
        (Err(site::Failure::Io(e)), _) | (_, Err(site::Failure::Io(e))) => Err(format!("{e:#}")),
    }
}

/// What other pages show of a lesson.
fn shown_elsewhere(l: &Lesson) -> impl PartialEq + '_ {
    (
        (l.band, l.term, l.order, &l.title, &l.parents),
        (&l.grades, l.duration, &l.areas, &l.forms, l.sensitive),
    )
}

impl Live {
    /// Rebuilds after `changed` (project-relative paths) changed: the quick
    /// way when every change is an edit of a lesson that other pages see no
    /// differently, else in full. On errors the live folder is untouched.
    pub fn rebuild(
        &mut self,
        project: &Path,
        out: &Path,
        changed: &[String],
    ) -> Result<Done, String> {
        if !self.stale {
            if let Some(done) = self.quick(project, out, changed) {
                return done;
            }
        }
        match full(project, out) {
            Ok((n, fresh)) => {
                *self = fresh;
                Ok(Done::Full(n))
            }
            Err(e) => {
                self.stale = true;
                Err(e)
            }
        }
    }

    /// `None`: the change needs a full build.
    fn quick(
        &mut self,
        project: &Path,
        out: &Path,
        changed: &[String],
    ) -> Option<Result<Done, String>> {
        if changed.is_empty() {
            return None;
        }
        let todo: BTreeSet<String> = changed
            .iter()
            .cloned()
            .chain(self.pending.iter().cloned())
            .collect();
        let mut fresh = Vec::new();
        let mut errors = Vec::new();
        for rel in &todo {
            if !rel.starts_with("lessons/") {
                return None;
            }
            match load::reload_lesson(project, &self.c, rel, &mut self.sources) {
                Reload::Everything => return None,
                Reload::Errors(d) => errors.extend(d),
                Reload::Lesson(l) => {
                    let i = self.c.lessons.iter().position(|x| x.path == *rel)?;
                    if shown_elsewhere(&self.c.lessons[i]) != shown_elsewhere(&l) {
                        return None;
                    }
                    fresh.push((i, *l));
                }
            }
        }
        if !errors.is_empty() {
            self.pending = todo;
            return Some(Err(render(errors, &self.sources)));
        }
        self.pending.clear();
        // Nothing has been written yet; from here on the change is good.
        for (i, l) in fresh.iter().cloned() {
            self.c.lessons[i] = l;
        }
        let c = &self.c;
        let urls = Urls::site(c);
        let cx = Cx::new(c, &self.renderer.theme, &urls, false);
        let mut jobs = Vec::new();
        for (i, _) in &fresh {
            let l = &c.lessons[*i];
            jobs.extend(pages::lesson_pages(&cx, l));
            jobs.extend(pages::slot_prints(&cx, Some(l)));
        }
        let mut rendered = Vec::new();
        for p in &jobs {
            match self.renderer.render_one(p) {
                Ok(bytes) => rendered.push((p.out.clone(), bytes)),
                Err(d) => return Some(Err(render(vec![d], &self.sources))),
            }
        }
        for (rel, bytes) in &rendered {
            if let Err(e) = write_replacing(&out.join(rel), bytes) {
                return Some(Err(format!("无法写入 {rel}\u{FF1A}{e}")));
            }
        }
        Some(Ok(Done::Quick(
            rendered.into_iter().map(|(p, _)| p).collect(),
        )))
    }

    /// What [`write_search`] needs, to run apart from the rebuilds: on a
    /// big project the index takes far longer than the pages.
    pub fn search_job(&self) -> SearchJob {
        SearchJob {
            c: self.c.clone(),
            renderer: Arc::clone(&self.renderer),
        }
    }
}

/// A copy of the curriculum as of one quick rebuild, for its search index.
pub struct SearchJob {
    c: Curriculum,
    renderer: Arc<Renderer>,
}

/// Rewrites the search index after a quick rebuild (a full build already
/// made it). `cancelled` is checked before each file: a full build that
/// happened meanwhile wrote a newer index, which must not be overwritten.
pub fn write_search(
    job: &SearchJob,
    out: &Path,
    cancelled: impl Fn() -> bool,
) -> Result<(), String> {
    let c = &job.c;
    let urls = Urls::site(c);
    let cx = Cx::new(c, &job.renderer.theme, &urls, false);
    let lessons: Vec<&Lesson> = c.lessons.iter().collect();
    let meetings: Vec<_> = c.meetings.iter().collect();
    let handouts: Vec<_> = c.handouts.iter().collect();
    let docs = pages::search_docs(&cx, &lessons, &meetings, &handouts);
    // The number of docs is unchanged (a quick rebuild never adds one), so
    // the same files are replaced; each is whole at any moment. Only files
    // whose bytes changed are written.
    for (rel, js) in crate::search::index_files(&docs) {
        if cancelled() {
            return Ok(());
        }
        let path = out.join(&rel);
        if std::fs::read(&path).is_ok_and(|old| old == js.as_bytes()) {
            continue;
        }
        write_replacing(&path, js.as_bytes()).map_err(|e| format!("无法写入 {rel}\u{FF1A}{e}"))?;
    }
    Ok(())
}

/// Replaces one file so a reader sees the old or the new bytes, never half.
fn write_replacing(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    std::io::Write::write_all(&mut tmp, bytes)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
