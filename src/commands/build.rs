//! `xinyu build`: load and check (`gate::open`), render, write.

use crate::diagnostic::Diagnostics;
use crate::gate::{self, Scope};
use crate::plan::{Job, Plan, Release};
use crate::render::{Failure, Renderer, pipeline};
use std::path::Path;

/// Exit codes.
pub const OK: i32 = 0;
/// The input has errors (or the output could not be written).
pub const FAILED: i32 = 1;

/// Builds the project at `project` into `out`; prints diagnostics and a
/// summary to stderr; returns the exit code. Every check of `xinyu check`
/// runs first; an error in any of them leaves `out` as it was. Packs that
/// carry a prompt left from a skeleton are not made (the site still
/// shows the draft).
pub fn run(
    project: &Path,
    out: &Path,
    pdf: bool,
    browser: Option<&Path>,
    release: Release,
    sign: Option<&Path>,
) -> i32 {
    // The password is asked before anything else is said.
    let signer = match sign.map(super::keygen::open_signer) {
        Some(Ok(s)) => Some(s),
        Some(Err(code)) => return code,
        None => None,
    };
    let started = std::time::Instant::now();
    // A build killed mid-swap left only the old copy: put it back first,
    // so the site is there whatever this build finds.
    if let Err(e) = crate::writer::recover(out) {
        super::report_io(&e, super::Place::Out);
        return FAILED;
    }
    // Never dropped: the process ends right after this command, and
    // freeing every lesson, body and source one by one took the last
    // 13 ms of a 10,000-lesson build on one thread, after the summary.
    let gate = std::mem::ManuallyDrop::new(gate::open(
        project,
        &Scope {
            release,
            ..Scope::default()
        },
    ));
    let mut diags = gate.all();
    let Some(curriculum) = gate.usable() else {
        super::report(&diags, &gate.sources);
        eprintln!("生成失败：请先修正上面的错误；原来的输出没有改动。");
        return FAILED;
    };
    if let Some(s) = &signer
        && !super::keygen::matches_project(s, curriculum.settings.public_key.as_deref())
    {
        return FAILED;
    }
    super::detail(format_args!(
        "读取和检查：{} 个文件，{}",
        gate.sources.len(),
        super::seconds(started)
    ));
    let plan = Plan::new(curriculum, release);
    // Slots without their lessons still build; they only get no packs.
    // Packs with unfinished files are left out the same way.
    let held: Vec<Job> = plan
        .packs
        .iter()
        .enumerate()
        .filter(|(_, s)| gate.unfinished(s))
        .map(|(i, _)| Job::Pack(i))
        .collect();
    let jobs: Vec<Job> = plan
        .site(true)
        .into_iter()
        .filter(|j| !held.contains(j))
        .collect();
    let browser = if pdf {
        match crate::print::find_browser(browser) {
            Ok(b) => Some(b),
            Err(e) => {
                super::report(&diags, &gate.sources);
                eprintln!("错误：{}", crate::diagnostic::error_text(&e));
                return FAILED;
            }
        }
    } else {
        None
    };
    let rendering = std::time::Instant::now();
    let bar = super::progress(jobs.len(), "生成网站");
    let tick = || bar.inc(1);
    let built = Renderer::new(project, curriculum).and_then(|r| {
        let run = pipeline::Run {
            root: project,
            plan: &plan,
            renderer: &r,
            pdf_browser: browser.as_deref(),
            zip_path: crate::plan::paths::pack_zip,
            tick: Some(&tick),
            signer: signer.as_ref(),
        };
        pipeline::site(&run, out, &jobs)
    });
    bar.finish_and_clear();
    match built {
        Ok(summary) => {
            super::report(&diags, &gate.sources);
            for p in &summary.packs {
                super::detail(format_args!(
                    "{}.zip  {} 字节  sha256 {}",
                    p.id, p.size, p.sha256
                ));
            }
            super::detail(format_args!("生成：{}", super::seconds(rendering)));
            super::say(format_args!(
                "已生成 {} 个页面、{} 个课程包、{} 个其他文件 → {}",
                summary.pages,
                summary.packs.len(),
                summary.files - summary.packs.len(),
                out.display()
            ));
            if !held.is_empty() {
                super::say(format_args!(
                    "有 {} 个课程包里还有没写完的占位提示（见上面的警告）\u{FF0C}这次没有生成\u{FF1B}写好后再生成即可。",
                    held.len()
                ));
            }
            super::say(format_args!(
                "用浏览器打开 {} 即可离线浏览。",
                out.join("index.html").display()
            ));
            OK
        }
        Err(Failure::Input(d)) => {
            let mut extra = Diagnostics::default();
            d.into_iter().for_each(|x| extra.push(x));
            diags.extend(extra);
            super::report(&diags, &gate.sources);
            eprintln!("生成失败：请先修正上面的错误；原来的输出没有改动。");
            FAILED
        }
        Err(Failure::Io(e)) => {
            super::report(&diags, &gate.sources);
            super::report_io(&e, super::Place::Out);
            eprintln!("生成失败；原来的输出没有改动。");
            FAILED
        }
    }
}
