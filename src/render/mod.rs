//! Render: turn jobs of the plan into bytes (pages through Tera, search
//! index files, `.ics`, zips) and hand them to the writer.
//! [`pipeline::run`] runs any selection of jobs; everything else here makes
//! the bytes of one kind of output.
//!
//! Must not: import `load`, decide which outputs exist (the plan does), or
//! write files except through `crate::writer`.

pub mod archive;
pub mod feed;
pub mod ics;
pub mod pack;
pub mod pages;
pub mod pipeline;
mod template_error;
pub mod theme;

use crate::diagnostic::Diagnostic;
use crate::markdown::first_external_asset;
use crate::model::Curriculum;
pub use pages::Page;
use rayon::prelude::*;
use std::path::Path;
use tera::Tera;

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
        // Into bytes: `render` would check the whole page is UTF-8 again,
        // and Tera writes nothing but UTF-8.
        let mut html = Vec::with_capacity(32 * 1024);
        let template = || {
            self.theme
                .shown
                .get(p.template)
                .cloned()
                .unwrap_or_else(|| format!("templates/{}", p.template))
        };
        self.tera
            .render_to(p.template, &p.context, &mut html)
            .map_err(|e| template_error::diagnostic(&e, &self.theme.shown, &template()))?;
        if let Some(url) = first_external_asset(&html) {
            return Err(Diagnostic::error(
                &template(),
                0,
                0,
                format!("页面引用了网上的资源 {url}"),
            )
            .with_hint("离线网站不能加载网上的样式、字体、脚本或图片\u{FF1B}请把它们放进主题的 static/ 文件夹"));
        }
        Ok(if self.minify {
            crate::writer::minify(&String::from_utf8_lossy(&html))
        } else {
            html
        })
    }

    /// Renders pages in parallel; all template problems at once, each
    /// once however many pages it stopped.
    pub fn render(&self, pages: &[Page]) -> Result<Vec<(String, Vec<u8>)>, Failure> {
        let results: Vec<(String, Result<Vec<u8>, Diagnostic>)> = pages
            .par_iter()
            .map(|p| (p.out.clone(), self.render_one(p)))
            .collect();
        let mut out = Vec::with_capacity(results.len());
        let mut failed = Vec::new();
        for (page, r) in results {
            match r {
                Ok(bytes) => out.push((page, bytes)),
                Err(d) => failed.push((d, page)),
            }
        }
        if failed.is_empty() {
            Ok(out)
        } else {
            Err(Failure::Input(template_error::fold(failed)))
        }
    }
}
