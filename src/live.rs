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
//!
//! Both ways run the content checks `build` runs (`gate::open` for a full
//! rebuild, `check::lesson` for an edited lesson): a privacy or
//! safe-messaging error stops the rebuild and is shown in the overlay.

use crate::check::{self, Rules};
use crate::diagnostic::{self, Diagnostic, Diagnostics, Severity};
use crate::gate::{self, Gate, Scope};
use crate::load::{self, Reload};
use crate::model::{Curriculum, Lesson};
use crate::plan::paths::{self, Urls};
use crate::plan::{Job, Plan, Release};
use crate::render::pages::{self, Cx};
use crate::render::pipeline::{self, Run};
use crate::render::{Failure, Renderer};
use crate::writer::{self, Batch};
use anyhow::Context;
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

/// The last good build, kept in memory between edits.
pub struct Live {
    c: Curriculum,
    sources: crate::diagnostic::Sources,
    /// The word lists of the content checks, for edited lessons.
    rules: Rules,
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

/// Why a rebuild failed, said twice: for the terminal (rustc-style, with
/// the source line) and for the page's overlay (plain sentences).
#[derive(Clone, Debug, Default)]
pub struct Failed {
    /// What the terminal prints.
    pub terminal: String,
    /// What the browser shows: one finding per paragraph.
    pub page: String,
}

impl Failed {
    fn io(e: &anyhow::Error) -> Self {
        let text = crate::diagnostic::error_text(e);
        Failed {
            terminal: format!("错误\u{FF1A}{text}\n"),
            page: format!("错误\u{FF1A}{text}"),
        }
    }
}

fn render(d: Vec<Diagnostic>, sources: &crate::diagnostic::Sources) -> Failed {
    let mut all = Diagnostics::default();
    d.into_iter().for_each(|x| all.push(x));
    Failed {
        terminal: diagnostic::render(&all, sources),
        page: all
            .sorted()
            .into_iter()
            .map(diagnostic::plain)
            .collect::<Vec<_>>()
            .join("\n\n"),
    }
}

/// Only the errors: a failed rebuild's overlay shows what stopped it.
fn errors(all: &Diagnostics, sources: &crate::diagnostic::Sources) -> Failed {
    render(
        all.sorted()
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .cloned()
            .collect(),
        sources,
    )
}

/// Loads, checks (`gate::open`, as `build` does) and builds `project`
/// into `out` (pages only, no packs).
pub fn full(project: &Path, out: &Path) -> Result<(usize, Live), Failed> {
    let gate = gate::open(project, &Scope::default());
    if gate.usable().is_none() {
        return Err(errors(&gate.all(), &gate.sources));
    }
    let Gate {
        curriculum: Some(c),
        sources,
        rules: Some(rules),
        ..
    } = gate
    else {
        return Err(Failed::default());
    };
    let renderer = match Renderer::new(project, &c) {
        Ok(r) => r,
        Err(Failure::Input(d)) => return Err(render(d, &sources)),
        Err(Failure::Io(e)) => return Err(Failed::io(&e)),
    };
    let plan = Plan::new(&c, Release::Ready);
    let run = Run {
        root: project,
        plan: &plan,
        renderer: &renderer,
        pdf_browser: None,
        zip_path: paths::pack_zip,
        tick: None,
        signer: None,
    };
    match pipeline::site(&run, out, &plan.site(false)) {
        Ok(s) => Ok((
            s.pages,
            Live {
                c,
                sources,
                rules,
                renderer: Arc::new(renderer),
                pending: BTreeSet::new(),
                stale: false,
            },
        )),
        Err(Failure::Input(d)) => Err(render(d, &sources)),
        Err(Failure::Io(e)) => Err(Failed::io(&e)),
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
    ) -> Result<Done, Failed> {
        if !self.stale
            && let Some(done) = self.quick(project, out, changed)
        {
            return done;
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
    ) -> Option<Result<Done, Failed>> {
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
                    // The content checks of this file, as a full build
                    // runs them: only errors stop a preview.
                    let text = self.sources.get(rel).map_or("", |t| &**t);
                    let blocking: Vec<Diagnostic> =
                        check::lesson(&self.rules, &self.c.settings, &l, text)
                            .into_iter()
                            .filter(|d| d.severity == Severity::Error)
                            .collect();
                    if blocking.is_empty() {
                        fresh.push((i, *l));
                    } else {
                        errors.extend(blocking);
                    }
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
        let plan = Plan::new(&self.c, Release::Ready);
        let jobs: Vec<Job> = fresh.iter().flat_map(|(i, _)| plan.lesson(*i)).collect();
        let run = Run {
            root: project,
            plan: &plan,
            renderer: &self.renderer,
            pdf_browser: None,
            zip_path: paths::pack_zip,
            tick: None,
            signer: None,
        };
        // Rendered in memory first: a failure leaves the live folder as it was.
        let batch = Batch::default();
        match pipeline::run(&run, &jobs, &batch) {
            Ok(_) => Some(
                batch
                    .write_to(&writer::Live(out))
                    .map(Done::Quick)
                    .map_err(|e| Failed::io(&e)),
            ),
            Err(Failure::Input(d)) => Some(Err(render(d, &self.sources))),
            Err(Failure::Io(e)) => Some(Err(Failed::io(&e))),
        }
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
    cancelled: impl Fn() -> bool + Sync,
) -> Result<(), String> {
    let c = &job.c;
    let plan = Plan::new(c, Release::Ready);
    let urls = Urls::site(c);
    let cx = Cx::new(&plan, &job.renderer.theme, &urls, false);
    let lessons: Vec<&Lesson> = c.lessons.iter().collect();
    let meetings: Vec<_> = c.meetings.iter().collect();
    let handouts: Vec<_> = c.handouts.iter().collect();
    let guides: Vec<_> = c.guides.iter().collect();
    let docs = pages::search::docs(&cx, &lessons, &meetings, &handouts, &guides);
    // The number of docs is unchanged (a quick rebuild never adds one), so
    // the same files are replaced; each is whole at any moment. Only files
    // whose bytes changed are written.
    let text = |i| Ok(docs.text(&c.settings.facts, i));
    let emit = |rel: String, js: String| {
        if cancelled() {
            return Ok(());
        }
        let path = out.join(&rel);
        if std::fs::read(&path).is_ok_and(|old| old == js.as_bytes()) {
            return Ok(());
        }
        writer::replace(&path, js.as_bytes()).with_context(|| format!("无法写入 {rel}"))
    };
    crate::search::index_files(&docs.list, &text, &emit)
        .map_err(|e| crate::diagnostic::error_text(&e))
}
