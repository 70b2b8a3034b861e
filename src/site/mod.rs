//! Render and write: turn a checked curriculum into the offline site, its
//! term calendars (`.ics`) and its lesson packs.

pub mod feed;
pub mod packs;
pub mod pages;
pub mod theme;
pub mod urls;
pub mod writer;

use crate::diagnostic::Diagnostic;
use crate::markdown::external_assets_in_html;
use crate::model::Curriculum;
use anyhow::Result;
use pages::{Cx, Page};
use rayon::prelude::*;
use std::collections::HashSet;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use tera::Tera;
use urls::Urls;
use writer::Staging;

/// What a finished build reports.
#[derive(Debug)]
pub struct Summary {
    /// HTML pages written.
    pub pages: usize,
    /// Other files copied or made.
    pub files: usize,
    /// Lesson packs made.
    pub packs: usize,
}

/// Why a build stopped.
pub enum Failure {
    /// Problems in the user's input (templates included).
    Input(Vec<Diagnostic>),
    /// The file system said no.
    Io(anyhow::Error),
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure::Io(e)
    }
}

/// A theme ready to render: templates with the site-wide data set once.
pub struct Renderer {
    tera: Tera,
    /// Minify pages (`minify = true` in xinyu.toml).
    minify: bool,
    /// The theme (labels, static files).
    pub theme: theme::Theme,
}

impl Renderer {
    /// Loads the theme and sets the global data.
    pub fn new(root: &Path, c: &Curriculum) -> Result<Renderer, Failure> {
        let theme = theme::load(root, &c.settings).map_err(Failure::Input)?;
        let mut tera = theme.tera.clone();
        tera.global_context().extend(pages::globals(c, &theme));
        Ok(Renderer {
            tera,
            minify: c.settings.minify,
            theme,
        })
    }

    /// Renders one page and, if the project asks for it, minifies it. Every
    /// page is checked for external assets, since the offline rule holds
    /// for the theme too.
    pub fn render_one(&self, p: &Page) -> Result<Vec<u8>, Diagnostic> {
        let html = self.tera.render(p.template, &p.context).map_err(|e| {
            Diagnostic::error(
                &format!("templates/{}", p.template),
                0,
                0,
                format!("生成 {} 时模板出错\u{FF1A}{e:#}", p.out),
            )
        })?;
        if let Some(url) = external_assets_in_html(&html).into_iter().next() {
            return Err(Diagnostic::error(
                &format!("templates/{}", p.template),
                0,
                0,
                format!("页面 {} 引用了网上的资源 {url}", p.out),
            )
            .with_hint("离线网站不能加载网上的样式、字体、脚本或图片\u{FF1B}请把它们放进主题的 static/ 文件夹"));
        }
        Ok(if self.minify {
            writer::minify(&html)
        } else {
            html.into_bytes()
        })
    }

    /// Renders pages in parallel; all template problems at once.
    pub fn render(&self, pages: &[Page]) -> Result<Vec<(String, Vec<u8>)>, Failure> {
        let results: Vec<Result<(String, Vec<u8>), Diagnostic>> = pages
            .par_iter()
            .map(|p| Ok((p.out.clone(), self.render_one(p)?)))
            .collect();
        let mut out = Vec::with_capacity(results.len());
        let mut diags = Vec::new();
        for r in results {
            match r {
                Ok(x) => out.push(x),
                Err(d) => diags.push(d),
            }
        }
        if diags.is_empty() {
            Ok(out)
        } else {
            Err(Failure::Input(diags))
        }
    }
}

/// Writes pages and files into the staging folder as they are made, so a
/// big site is never held in memory; refuses two inputs for one output
/// file (e.g. `a.md` and `a.print.md`), which would race.
struct Sink<'a> {
    staging: &'a Staging,
    renderer: &'a Renderer,
    claimed: Mutex<HashSet<String>>,
    diags: Mutex<Vec<Diagnostic>>,
    pages: AtomicUsize,
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

    fn page(&self, p: &Page) -> Result<()> {
        match self.renderer.render_one(p) {
            Ok(bytes) => {
                self.pages.fetch_add(1, Ordering::Relaxed);
                self.file(&p.out, &bytes)
            }
            Err(d) => {
                self.problem(d);
                Ok(())
            }
        }
    }

    fn file(&self, path: &str, bytes: &[u8]) -> Result<()> {
        if self.claim(path) {
            self.staging.write(path, bytes)?;
        }
        Ok(())
    }
}

/// What to make besides the pages.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options<'a> {
    /// Make every lesson pack (and packs.json, packs.atom). Previews and
    /// PDF printing leave them out: they only need the pages.
    pub packs: bool,
    /// Print PDFs into the packs with this browser.
    pub pdf_browser: Option<&'a Path>,
}

/// Renders the site, the calendars and (with `packs`) every lesson pack
/// into a staging folder and swaps it in for `out`.
pub fn build(root: &Path, c: &Curriculum, out: &Path, opts: Options) -> Result<Summary, Failure> {
    let renderer = Renderer::new(root, c)?;
    let staging = Staging::begin(out, root)?;
    let urls = Urls::site(c);
    let cx = Cx::new(c, &renderer.theme, &urls, false);

    let sink = Sink {
        staging: &staging,
        renderer: &renderer,
        claimed: Mutex::default(),
        diags: Mutex::default(),
        pages: AtomicUsize::new(0),
    };
    // Lessons are the bulk of the work: each is rendered and written as
    // soon as it is made.
    c.lessons.par_iter().try_for_each(|l| {
        pages::lesson_pages(&cx, l)
            .iter()
            .try_for_each(|p| sink.page(p))
    })?;
    let mut site_pages = pages::site(&cx);
    let lessons: Vec<&crate::model::Lesson> = c.lessons.iter().collect();
    let meetings: Vec<&crate::model::Meeting> = c.meetings.iter().collect();
    let handouts: Vec<&crate::model::Handout> = c.handouts.iter().collect();
    let docs = pages::search_docs(&cx, &lessons, &meetings, &handouts);
    site_pages.push(pages::search_page(&cx, &docs));
    site_pages.par_iter().try_for_each(|p| sink.page(p))?;
    drop(site_pages);
    let mut files: Vec<(String, Vec<u8>)> = crate::search::index_files(&docs)
        .into_iter()
        .map(|(path, js)| (path, js.into_bytes()))
        .collect();
    drop(docs);
    files.extend(
        crate::model::Band::ALL
            .iter()
            .filter_map(|b| pages::nav_js(&cx, *b))
            .map(|(path, js)| (path, js.into_bytes())),
    );
    for k in &c.calendars {
        files.push((
            format!("calendars/{}.ics", k.id),
            crate::ics::term(c, k).into_bytes(),
        ));
    }
    let made = if opts.packs {
        packs::make_all(root, c, &renderer, opts.pdf_browser)?
    } else {
        Vec::new()
    };
    let listings = packs::listings(c, &renderer.theme, &made);
    for p in &made {
        files.push((format!("packs/{}.zip", p.id), p.zip.clone()));
    }
    sink.page(&pages::downloads(&cx, &listings, !opts.packs))?;
    if opts.packs {
        files.push(("packs.json".into(), feed::packs_json(c, &listings)));
        files.push(("packs.atom".into(), feed::atom(c, &listings).into_bytes()));
    }
    for (name, bytes) in &renderer.theme.statics {
        files.push((format!("static/{name}"), bytes.clone()));
    }
    for asset in &c.assets {
        let bytes = std::fs::read(root.join(asset))
            .map_err(|e| Failure::Io(anyhow::anyhow!("无法读取 {asset}\u{FF1A}{e}")))?;
        files.push((asset.clone(), bytes));
    }
    files
        .par_iter()
        .try_for_each(|(path, bytes)| sink.file(path, bytes))?;
    let mut diags = sink.diags.into_inner().unwrap_or_else(|p| p.into_inner());
    if !diags.is_empty() {
        diags.sort_by(|a, b| (&a.file, a.line, &a.message).cmp(&(&b.file, b.line, &b.message)));
        return Err(Failure::Input(diags));
    }
    let page_count = sink.pages.into_inner();
    let summary = Summary {
        pages: page_count,
        files: files.len(),
        packs: made.len(),
    };
    staging.commit()?;
    Ok(summary)
}
