//! The one pipeline: runs a selection of the plan's jobs and hands every
//! file to one [`Out`]. `build` runs every job into a staging folder,
//! `serve` the site without packs (and, after an edit, one lesson's jobs
//! into the live folder), `pack` the chosen pack jobs into a folder, and
//! `print` the chosen print pages into a scratch folder for the browser.
//!
//! Jobs run in parallel, each file written as soon as it is made, so a big
//! site is never held in memory. Jobs that list the packs (downloads,
//! feed) run after the pack jobs.

use super::pack::{self, MadePack};
use super::pages::search::Item;
use super::pages::{self, Cx, Page, memo::Memo};
use super::{Failure, Renderer, feed};
use crate::diagnostic::Diagnostic;
use crate::model::Band;
use crate::plan::paths::{self, Urls};
use crate::plan::{Job, Plan};
use crate::writer::Out;
use anyhow::Context;
use rayon::prelude::*;
use std::collections::HashSet;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// What a finished run reports.
#[derive(Debug)]
pub struct Summary {
    /// HTML pages written.
    pub pages: usize,
    /// Other files copied or made.
    pub files: usize,
    /// Lesson packs made, in plan order.
    pub packs: Vec<MadePack>,
}

/// What a run needs besides its jobs.
pub struct Run<'a> {
    /// The project folder (assets are read from it).
    pub root: &'a Path,
    /// The plan.
    pub plan: &'a Plan<'a>,
    /// The theme, ready to render.
    pub renderer: &'a Renderer,
    /// Print PDFs into the packs with this browser.
    pub pdf_browser: Option<&'a Path>,
    /// Where a pack's zip goes in this output, from its id.
    pub zip_path: fn(&str) -> String,
    /// Called once per finished job (a progress bar; `None` for none).
    pub tick: Option<&'a (dyn Fn() + Sync)>,
    /// Signs each pack's zip into `NAME.zip.minisig` beside it.
    pub signer: Option<&'a crate::signing::Signer>,
}

impl Run<'_> {
    fn ticked(&self) {
        if let Some(t) = self.tick {
            t();
        }
    }
}

/// Hands files to the output as they are made; refuses two inputs for one
/// output file (e.g. `a.md` and `a.print.md`), which would race.
struct Sink<'a> {
    out: &'a dyn Out,
    renderer: &'a Renderer,
    // FxHash: every output path of a build passes here (SipHash was a
    // fifth of a percent of a build).
    claimed: Mutex<rustc_hash::FxHashSet<String>>,
    diags: Mutex<Vec<Diagnostic>>,
    /// Pages the theme could not render, each with its problem: one
    /// mistake in a shared template stops many pages.
    failed: Mutex<Vec<(Diagnostic, String)>>,
    pages: AtomicUsize,
    files: AtomicUsize,
}

impl Sink<'_> {
    fn claim(&self, path: &str) -> bool {
        let fresh = self
            .claimed
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(path.to_string());
        if !fresh {
            self.problem(
                Diagnostic::error("", 0, 0, format!("两个不同的输入都要生成 {path}"))
                    .with_hint("请给其中一个文件改名\u{FF08}文件名不要以 .print.md 或 .worksheet.md 结尾\u{FF09}"),
            );
        }
        fresh
    }

    fn problem(&self, d: Diagnostic) {
        self.diags.lock().unwrap_or_else(|p| p.into_inner()).push(d);
    }

    fn page(&self, p: &Page) -> anyhow::Result<()> {
        match self.renderer.render_one(p) {
            Ok(bytes) => {
                crate::signing::refuse_secret_key(&p.out, &bytes)?;
                if self.claim(&p.out) {
                    self.pages.fetch_add(1, Ordering::Relaxed);
                    self.out.put(&p.out, &bytes)?;
                }
                Ok(())
            }
            Err(d) => {
                self.failed
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push((d, p.out.clone()));
                Ok(())
            }
        }
    }

    fn pages(&self, pages: &[Page]) -> anyhow::Result<()> {
        pages.iter().try_for_each(|p| self.page(p))
    }

    fn file(&self, path: &str, bytes: &[u8]) -> anyhow::Result<()> {
        crate::signing::refuse_secret_key(path, bytes)?;
        if self.claim(path) {
            self.files.fetch_add(1, Ordering::Relaxed);
            self.out.put(path, bytes)?;
        }
        Ok(())
    }
}

/// Runs `jobs` of the plan into `out`. Nothing is committed here: the
/// caller decides what happens to `out` (swap a staging folder in, keep a
/// scratch folder for the browser). On any problem every diagnostic is
/// returned at once.
pub fn run(r: &Run, jobs: &[Job], out: &dyn Out) -> Result<Summary, Failure> {
    let c = r.plan.c;
    let urls = Urls::site(c);
    let cx = Cx::new(r.plan, &r.renderer.theme, &urls, false);
    let sink = Sink {
        out,
        renderer: r.renderer,
        claimed: Mutex::default(),
        diags: Mutex::default(),
        failed: Mutex::default(),
        pages: AtomicUsize::new(0),
        files: AtomicUsize::new(0),
    };
    let (first, rest): (Vec<Job>, Vec<Job>) = jobs
        .iter()
        .copied()
        .filter(|j| !matches!(j, Job::Pack(_)))
        .partition(|j| !j.needs_packs());
    let packs: Vec<usize> = jobs
        .iter()
        .filter_map(|j| match j {
            Job::Pack(i) => Some(*i),
            _ => None,
        })
        .collect();
    // The search index starts first, beside the other pages: it is the
    // one long job, and started in its place near the end of the list it
    // ran alone for the last 2.5 s of a 10,000-lesson build with a core
    // half idle (its steps between chunks run on one thread).
    let (search, pages): (Vec<Job>, Vec<Job>) = first.into_iter().partition(|j| *j == Job::Search);
    // With the index, the pages of its docs are made by the index as it
    // reads them: each body is parsed once for its pages and its text.
    let (folded, pages): (HashSet<Job>, Vec<Job>) = if search.is_empty() {
        (HashSet::new(), pages)
    } else {
        let (folded, rest): (Vec<Job>, Vec<Job>) = pages.into_iter().partition(|j| is_item(*j));
        (folded.into_iter().collect(), rest)
    };
    let each = |jobs: &[Job]| {
        jobs.par_iter().try_for_each(|job| {
            one(r, &cx, &sink, *job)?;
            r.ticked();
            anyhow::Ok(())
        })
    };
    // The site's jobs and the packs side by side: a pack seals its zip on
    // one thread, and one after another the packs left a core idle for a
    // second of a 10,000-lesson build. A pack is small (its zip is under
    // a megabyte), so several at once cost little memory.
    let (site, made) = rayon::join(
        || {
            let index = || {
                if !search.is_empty() {
                    search_index(r, &cx, &sink, &folded)?;
                    r.ticked();
                }
                anyhow::Ok(())
            };
            let (a, b) = rayon::join(index, || each(&pages));
            a.and(b)
        },
        || -> Result<Vec<MadePack>, Failure> {
            // One pack's bodies are mostly another's: rendered once.
            let memo = Memo::default();
            let one_pack = |i: &usize| make_pack(r, &sink, &memo, *i);
            let tried: Vec<Result<Option<MadePack>, Failure>> = if r.pdf_browser.is_some() {
                // Each pack's PDFs start a browser: one at a time, up to
                // the first that fails.
                let mut tried = Vec::new();
                for i in &packs {
                    let t = one_pack(i);
                    let failed = t.is_err();
                    tried.push(t);
                    if failed {
                        break;
                    }
                }
                tried
            } else {
                packs.par_iter().map(one_pack).collect()
            };
            // The first failure in plan order, whichever finished first.
            let mut made = Vec::new();
            for t in tried {
                made.extend(t?);
            }
            Ok(made)
        },
    );
    site?;
    let made = made?;
    let preview = !jobs.contains(&Job::Feed);
    let listings = pack::listings(c, &r.renderer.theme, &made);
    for job in rest {
        match job {
            Job::Downloads => sink.page(&pages::downloads::page_of(&cx, &listings, preview))?,
            Job::Feed => {
                sink.file(paths::PACKS_JSON, &feed::packs_json(c, &listings))?;
                sink.file(paths::PACKS_ATOM, feed::atom(c, &listings).as_bytes())?;
            }
            _ => one(r, &cx, &sink, job)?,
        }
        r.ticked();
    }
    let mut diags = sink.diags.into_inner().unwrap_or_else(|p| p.into_inner());
    diags.extend(super::template_error::fold(
        sink.failed.into_inner().unwrap_or_else(|p| p.into_inner()),
    ));
    if !diags.is_empty() {
        diags.sort_by(|a, b| (&a.file, a.line, &a.message).cmp(&(&b.file, b.line, &b.message)));
        return Err(Failure::Input(diags));
    }
    Ok(Summary {
        pages: sink.pages.into_inner(),
        files: sink.files.into_inner(),
        packs: made,
    })
}

/// Makes pack `i` of the plan, hands its zip (and signature) to the
/// output and reports it.
fn make_pack(r: &Run, sink: &Sink, memo: &Memo, i: usize) -> Result<Option<MadePack>, Failure> {
    let Some(spec) = r.plan.packs.get(i) else {
        return Ok(None);
    };
    let (zip, mut m) = pack::make(r.root, r.plan, r.renderer, spec, r.pdf_browser, memo)?;
    let path = (r.zip_path)(&m.id);
    sink.file(&path, &zip)?;
    if let Some(signer) = r.signer {
        let sig = signer.sign(&paths::pack_file(&m.id), &zip)?;
        sink.file(&format!("{path}.minisig"), &sig)?;
        m.signed = true;
    }
    r.ticked();
    Ok(Some(m))
}

/// Makes and hands over the files of one job of the site.
fn one(r: &Run, cx: &Cx, sink: &Sink, job: Job) -> anyhow::Result<()> {
    let c = r.plan.c;
    match job {
        Job::Index => sink.page(&pages::index::page_of(cx)),
        Job::Lists => {
            sink.page(&pages::lists::meetings(cx))?;
            sink.page(&pages::lists::parents(cx))
        }
        Job::Band(b) => sink.page(&pages::band::page_of(cx, b)),
        Job::Lesson(_) | Job::Meeting(_) | Job::Handout(_) | Job::Guide(_) => {
            sink.pages(&item_pages(cx, job, None))
        }
        Job::Guides => sink.page(&pages::guide::list(cx)),
        Job::Calendar(k) => sink.page(&pages::calendar::page_of(cx, &c.calendars[k], false)),
        Job::CalendarPrint(k) => sink.page(&pages::calendar::page_of(cx, &c.calendars[k], true)),
        Job::Ics(k) => {
            let Some(t) = r.plan.terms.get(k) else {
                return Ok(());
            };
            sink.file(
                &paths::ics(&t.calendar.id),
                super::ics::term(c, t).as_bytes(),
            )
        }
        Job::SlotPrint(i) => match r.plan.packs.get(i) {
            Some(spec) => pages::slot_print::site_page(cx, spec).map_or(Ok(()), |p| sink.page(&p)),
            None => Ok(()),
        },
        Job::Nav(b) => nav(cx, sink, b),
        Job::Static => r
            .renderer
            .theme
            .statics
            .iter()
            .try_for_each(|(name, bytes)| sink.file(&paths::static_file(name), bytes)),
        Job::Asset(i) => {
            let asset = &c.assets[i];
            let bytes = crate::images::asset_bytes(r.root, asset, c.settings.images)
                .with_context(|| format!("无法读取 {asset}"))?;
            sink.file(cx.urls.asset(asset).unwrap_or(asset), &bytes)
        }
        // Run by `run` itself: the search index beside the other jobs,
        // the rest in order.
        Job::Search | Job::Pack(_) | Job::Downloads | Job::Feed => Ok(()),
    }
}

/// The pages of a lesson, meeting, handout or guide job (none for any
/// other job); with `text`, the body's plain text for the search index.
fn item_pages(cx: &Cx, job: Job, text: Option<&mut String>) -> Vec<Page> {
    let c = cx.c;
    match job {
        Job::Lesson(i) => pages::lesson::pages_of(cx, &c.lessons[i], text),
        Job::Meeting(i) => pages::meeting::pages_of(cx, &c.meetings[i], text),
        Job::Handout(i) => pages::handout::pages_of(cx, &c.handouts[i], text),
        Job::Guide(i) => pages::guide::pages_of(cx, &c.guides[i], text),
        _ => Vec::new(),
    }
}

fn is_item(job: Job) -> bool {
    matches!(
        job,
        Job::Lesson(_) | Job::Meeting(_) | Job::Handout(_) | Job::Guide(_)
    )
}

/// The search page and index of the site. The pages of a doc whose job is
/// in `folded` are made here, as the index reads the doc: its body is
/// parsed once, for its pages and its text. The index reads its docs a
/// chunk at a time, so their texts are never all in memory.
fn search_index(r: &Run, cx: &Cx, sink: &Sink, folded: &HashSet<Job>) -> anyhow::Result<()> {
    let c = r.plan.c;
    // Every item of the curriculum, so a doc's place is its job's index.
    let lessons: Vec<_> = c.lessons.iter().collect();
    let meetings: Vec<_> = c.meetings.iter().collect();
    let handouts: Vec<_> = c.handouts.iter().collect();
    let guides: Vec<_> = c.guides.iter().collect();
    let docs = pages::search::docs(cx, &lessons, &meetings, &handouts, &guides);
    sink.page(&pages::search::page_of(cx, &docs.list))?;
    let facts = &c.settings.facts;
    let folded_job = |i: usize| {
        let job = match docs.item(i)? {
            Item::Lesson(k) => Job::Lesson(k),
            Item::Meeting(k) => Job::Meeting(k),
            Item::Handout(k) => Job::Handout(k),
            Item::Guide(k) => Job::Guide(k),
        };
        folded.contains(&job).then_some(job)
    };
    let text = |i: usize| -> anyhow::Result<String> {
        match folded_job(i) {
            Some(job) => {
                let mut body = String::new();
                sink.pages(&item_pages(cx, job, Some(&mut body)))?;
                r.ticked();
                Ok(docs.text_with(i, body))
            }
            None => Ok(docs.text(facts, i)),
        }
    };
    crate::search::index_files(&docs.list, &text, &|path, js| {
        sink.file(&path, js.as_bytes())
    })?;
    // The job of an item that is not in this output has no doc and no
    // pages; it is done all the same.
    let made = (0..docs.list.len()).filter_map(folded_job).count();
    for _ in made..folded.len() {
        r.ticked();
    }
    Ok(())
}

fn nav(cx: &Cx, sink: &Sink, b: Band) -> anyhow::Result<()> {
    match pages::nav::js(cx, b) {
        Some((path, js)) => sink.file(&path, js.as_bytes()),
        None => Ok(()),
    }
}

/// The site: `jobs` (from [`Plan::site`]) of `r` (its zips at
/// [`paths::pack_zip`]), rendered into a staging folder and swapped in for
/// `out` only when all of it succeeded.
pub fn site(r: &Run, out: &Path, jobs: &[Job]) -> Result<Summary, Failure> {
    let staging = crate::writer::Staging::begin(out, r.root)?;
    let summary = run(r, jobs, &staging)?;
    staging.commit()?;
    Ok(summary)
}
