//! Render and write: turn a checked curriculum into the offline site.

pub mod pages;
pub mod theme;
pub mod writer;

use crate::diagnostic::Diagnostic;
use crate::markdown::external_assets_in_html;
use crate::model::Curriculum;
use anyhow::Result;
use rayon::prelude::*;
use std::path::Path;
use writer::Staging;

/// What a finished build reports.
#[derive(Debug)]
pub struct Summary {
    /// HTML pages written.
    pub pages: usize,
    /// Other files copied.
    pub files: usize,
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

/// Renders every page into a staging folder and swaps it in for `out`.
pub fn build(root: &Path, c: &Curriculum, out: &Path) -> Result<Summary, Failure> {
    let theme = theme::load(root, &c.settings).map_err(Failure::Input)?;
    let staging = Staging::begin(out, root)?;
    let mut tera = theme.tera.clone();
    tera.global_context().extend(pages::globals(c, &theme));
    let jobs = pages::all(c, &theme);
    let results: Vec<Result<(), Failure>> = jobs
        .par_iter()
        .map(|p| {
            let html = tera.render(p.template, &p.context).map_err(|e| {
                Failure::Input(vec![Diagnostic::error(
                    &format!("templates/{}", p.template),
                    0,
                    0,
                    format!("生成 {} 时模板出错：{e:#}", p.out),
                )])
            })?;
            // The offline rule holds for the theme too, not only for content.
            if let Some(url) = external_assets_in_html(&html).into_iter().next() {
                return Err(Failure::Input(vec![Diagnostic::error(
                    &format!("templates/{}", p.template),
                    0,
                    0,
                    format!("页面 {} 引用了网上的资源 {url}", p.out),
                )
                .with_hint("离线网站不能加载网上的样式、字体、脚本或图片；请把它们放进主题的 static/ 文件夹")]));
            }
            staging.write(&p.out, &writer::minify(&html))?;
            Ok(())
        })
        .collect();
    let mut diags = Vec::new();
    for r in results {
        match r {
            Ok(()) => {}
            Err(Failure::Input(d)) => diags.extend(d),
            Err(io) => return Err(io),
        }
    }
    if !diags.is_empty() {
        return Err(Failure::Input(diags));
    }
    for (name, bytes) in &theme.statics {
        staging.write(&format!("static/{name}"), bytes)?;
    }
    for asset in &c.assets {
        let bytes = std::fs::read(root.join(asset))
            .map_err(|e| Failure::Io(anyhow::anyhow!("无法读取 {asset}:{e}")))?;
        staging.write(asset, &bytes)?;
    }
    let summary = Summary {
        pages: jobs.len(),
        files: theme.statics.len() + c.assets.len(),
    };
    staging.commit()?;
    Ok(summary)
}
