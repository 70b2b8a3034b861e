//! `xinyu build`: load, check, render, write.

use crate::diagnostic::Diagnostics;
use crate::load;
use crate::plan::{Plan, Release};
use crate::render::{Failure, Renderer, pipeline};
use std::path::Path;

/// Exit codes.
pub const OK: i32 = 0;
/// The input has errors (or the output could not be written).
pub const FAILED: i32 = 1;

/// Builds the project at `project` into `out`; prints diagnostics and a
/// summary to stderr; returns the exit code.
pub fn run(project: &Path, out: &Path, pdf: bool, browser: Option<&Path>, release: Release) -> i32 {
    let loaded = load::load(project);
    let mut diags = loaded.diagnostics;
    let Some(curriculum) = loaded.curriculum.filter(|_| !diags.has_errors()) else {
        super::report(&diags, &loaded.sources);
        eprintln!("生成失败：请先修正上面的错误；原来的输出没有改动。");
        return FAILED;
    };
    let plan = Plan::new(&curriculum, release);
    // Slots without their lessons still build; they only get no packs.
    let mut coverage = Diagnostics::default();
    crate::plan::coverage(
        &curriculum,
        &plan.terms,
        release,
        crate::diagnostic::Severity::Warning,
        None,
    )
    .into_iter()
    .for_each(|d| coverage.push(d));
    diags.extend(coverage);
    let browser = if pdf {
        match crate::print::find_browser(browser) {
            Ok(b) => Some(b),
            Err(e) => {
                super::report(&diags, &loaded.sources);
                eprintln!("error: {e:#}");
                return FAILED;
            }
        }
    } else {
        None
    };
    let built = Renderer::new(project, &curriculum)
        .and_then(|r| pipeline::site(project, &plan, &r, out, true, browser.as_deref()));
    match built {
        Ok(summary) => {
            super::report(&diags, &loaded.sources);
            eprintln!(
                "已生成 {} 个页面、{} 个课程包、{} 个其他文件 → {}",
                summary.pages,
                summary.packs.len(),
                summary.files - summary.packs.len(),
                out.display()
            );
            eprintln!(
                "用浏览器打开 {} 即可离线浏览。",
                out.join("index.html").display()
            );
            OK
        }
        Err(Failure::Input(d)) => {
            let mut extra = Diagnostics::default();
            d.into_iter().for_each(|x| extra.push(x));
            diags.extend(extra);
            super::report(&diags, &loaded.sources);
            eprintln!("生成失败：请先修正上面的错误；原来的输出没有改动。");
            FAILED
        }
        Err(Failure::Io(e)) => {
            super::report(&diags, &loaded.sources);
            super::report_io(&e);
            eprintln!("生成失败；原来的输出没有改动。");
            FAILED
        }
    }
}
