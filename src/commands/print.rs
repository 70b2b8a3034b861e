//! `xinyu print`: PDFs of everything printable, one per band per fortnight,
//! and the term calendars, through a local headless browser.

use crate::diagnostic::Diagnostics;
use crate::gate::{self, Scope};
use crate::plan::{Plan, Release, paths};
use crate::render::pipeline::{self, Run};
use crate::render::{Failure, Renderer};
use crate::writer::{Folder, Out, Scratch};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Which PDFs to make.
#[derive(Debug, Default)]
pub struct Options {
    /// Calendar id, or `autumn` / `spring`.
    pub term: Option<String>,
    /// Slot number.
    pub slot: Option<u32>,
    /// Band (slug or Chinese name).
    pub band: Option<String>,
    /// Grade: that grade's lessons only.
    pub grade: Option<u8>,
    /// The browser, if not found by itself.
    pub browser: Option<PathBuf>,
    /// Which slots have print pages.
    pub release: Release,
}

/// Makes the PDFs into `out`; returns the exit code.
pub fn run(project: &Path, out: &Path, o: &Options) -> i32 {
    let band = match o
        .band
        .as_deref()
        .map(super::band_arg)
        .transpose()
        .and_then(|b| super::grade_arg(o.grade, b))
    {
        Ok(b) => b,
        Err(code) => return code,
    };
    let gate = gate::open(
        project,
        &Scope {
            release: o.release,
            band,
            term: o.term.as_deref(),
            ..Scope::default()
        },
    );
    let Some(c) = gate.usable() else {
        super::report(&gate.all(), &gate.sources);
        eprintln!("没有生成 PDF\u{FF1A}请先修正上面的错误。");
        return super::build::FAILED;
    };
    let term_ok = |k: &crate::model::Calendar| super::term_matches(o.term.as_deref(), k);
    // Slots without their lessons have no print pages: coverage says which.
    let plan = Plan::new(c, o.release);
    let slot_prints: Vec<usize> = plan
        .slot_prints()
        .filter(|(_, s)| term_ok(s.calendar))
        .filter(|(_, s)| {
            o.slot.is_none_or(|n| n == s.slot.number)
                && band.is_none_or(|b| Some(b) == s.band)
                && s.grade == o.grade
        })
        .map(|(i, _)| i)
        .collect();
    let calendars: Vec<usize> = if o.slot.is_none() {
        (0..c.calendars.len())
            .filter(|k| term_ok(&c.calendars[*k]))
            .collect()
    } else {
        vec![]
    };
    // A prompt left in anything these pages show is an error.
    let mut carried: BTreeSet<String> = slot_prints
        .iter()
        .flat_map(|i| gate::carried(&plan.packs[*i]))
        .collect();
    for k in &calendars {
        carried.extend(gate::carried_by_calendar(&c.calendars[*k]));
    }
    let diags = gate.diagnostics(|f| carried.contains(f));
    super::report(&diags, &gate.sources);
    if diags.has_errors() {
        eprintln!("没有生成 PDF\u{FF1A}上面标为错误的占位提示还没写完\u{FF1B}写好后再打印。");
        return super::build::FAILED;
    }
    if slot_prints.is_empty() && calendars.is_empty() {
        eprintln!(
            "错误：没有可以打印的内容（请检查 --term、--slot、--band\u{FF0C}以及每个课次是否都有教案）"
        );
        return super::build::FAILED;
    }
    let browser = match crate::print::find_browser(o.browser.as_deref()) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("错误：{}", crate::diagnostic::error_text(&e));
            return super::build::FAILED;
        }
    };
    // Only the pages to print (and the styles and images they use), in a
    // scratch folder the browser reads them from.
    let scratch = match Scratch::new() {
        Ok(t) => t,
        Err(e) => {
            eprintln!("错误：{}", crate::diagnostic::error_text(&e));
            return super::build::FAILED;
        }
    };
    let rendered = Renderer::new(project, c).and_then(|r| {
        let run = Run {
            root: project,
            plan: &plan,
            renderer: &r,
            pdf_browser: None,
            zip_path: paths::pack_zip,
            tick: None,
            signer: None,
        };
        pipeline::run(&run, &plan.print(&slot_prints, &calendars), &scratch)
    });
    match rendered {
        Ok(_) => {}
        Err(Failure::Input(d)) => {
            let mut all = Diagnostics::default();
            d.into_iter().for_each(|x| all.push(x));
            super::report(&all, &gate.sources);
            return super::build::FAILED;
        }
        Err(Failure::Io(e)) => {
            eprintln!("错误：{}", crate::diagnostic::error_text(&e));
            return super::build::FAILED;
        }
    }
    super::say(format_args!("用 {} 生成 PDF……", browser.display()));
    let mut jobs: Vec<(String, PathBuf, String)> = Vec::new();
    for s in slot_prints.iter().map(|i| &plan.packs[*i]) {
        let (Some(b), Some(t)) = (s.band, plan.term(s.calendar)) else {
            continue;
        };
        let page = match s.grade {
            Some(g) => paths::slot_print_grade(&t.slug, s.slot.number, g),
            None => paths::slot_print(&t.slug, s.slot.number, b),
        };
        jobs.push((
            paths::print_pdf(&page),
            scratch.path().join(&page),
            s.slot.start.strftime("%Y%m%d").to_string(),
        ));
    }
    for t in calendars.iter().map(|k| &plan.terms[*k]) {
        jobs.push((
            paths::calendar_pdf(&t.slug),
            scratch.path().join(paths::calendar_print(&t.calendar.id)),
            t.calendar.first_monday.strftime("%Y%m%d").to_string(),
        ));
    }
    let folder = Folder(out);
    // A PDF takes the browser a second or two: show how far it has got.
    let bar = super::progress(jobs.len(), "生成 PDF");
    for (name, html, stamp) in &jobs {
        let pdf = match crate::print::to_pdf(&browser, html, stamp) {
            Ok(pdf) => pdf,
            Err(e) => {
                bar.finish_and_clear();
                eprintln!("错误：{}", crate::diagnostic::error_text(&e));
                return super::build::FAILED;
            }
        };
        // Writing it can fail for reasons the teacher can fix (a full or
        // read-only USB stick): those get report_io's hint.
        if let Err(e) = folder.put(name, &pdf) {
            bar.finish_and_clear();
            super::report_io(&e, super::Place::Out);
            return super::build::FAILED;
        }
        bar.suspend(|| println!("{name}  {} 字节", pdf.len()));
        bar.inc(1);
    }
    bar.finish_and_clear();
    super::say(format_args!(
        "已生成 {} 个 PDF → {}",
        jobs.len(),
        out.display()
    ));
    super::build::OK
}
