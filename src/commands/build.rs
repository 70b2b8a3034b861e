//! `xinyu build`: load, check, render, write.

use crate::diagnostic::Diagnostics;
use crate::load;
use crate::site::{self, Failure};
use std::path::Path;

/// Exit codes.
pub const OK: i32 = 0;
/// The input has errors (or the output could not be written).
pub const FAILED: i32 = 1;

/// Builds the project at `project` into `out`; prints diagnostics and a
/// summary to stderr; returns the exit code.
pub fn run(project: &Path, out: &Path, pdf: bool, browser: Option<&Path>) -> i32 {
    let loaded = load::load(project);
    let mut diags = loaded.diagnostics;
    let Some(curriculum) = loaded.curriculum.filter(|_| !diags.has_errors()) else {
        super::report(&diags, &loaded.sources);
        eprintln!("生成失败：请先修正上面的错误；原来的输出没有改动。");
        return FAILED;
    };
    // A band with gaps in its term still builds, but its packs are not made.
    let mut coverage = Diagnostics::default();
    crate::pack::coverage(&curriculum, crate::diagnostic::Severity::Warning, None)
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
    match site::build(
        project,
        &curriculum,
        out,
        site::Options {
            packs: true,
            pdf_browser: browser.as_deref(),
        },
    ) {
        Ok(summary) => {
            super::report(&diags, &loaded.sources);
            eprintln!(
                "已生成 {} 个页面、{} 个课程包、{} 个其他文件 → {}",
                summary.pages,
                summary.packs,
                summary.files - summary.packs,
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
