//! `xinyu pack`: make the lesson packs of chosen fortnights as zip files.

use crate::diagnostic::Severity;
use crate::gate::{self, Scope};
use crate::plan::{PackSpec, Plan, Release, paths};
use crate::render::pipeline::{self, Run};
use crate::render::{Failure, Renderer};
use crate::writer::Folder;
use std::collections::BTreeSet;
use std::path::Path;

/// Which packs to make.
#[derive(Debug, Default)]
pub struct Filter {
    /// Calendar id (`2026-autumn`), or `autumn` / `spring`.
    pub term: Option<String>,
    /// Slot number.
    pub slot: Option<u32>,
    /// A band: its band packs. Without it, the whole-school packs.
    pub band: Option<String>,
    /// A grade: its one-grade packs.
    pub grade: Option<u8>,
    /// Also print PDFs into the packs.
    pub pdf: bool,
    /// The browser for PDFs, if not found by itself.
    pub browser: Option<std::path::PathBuf>,
    /// Which slots get packs.
    pub release: Release,
    /// Sign each zip with this secret key file.
    pub sign: Option<std::path::PathBuf>,
}

/// Makes the packs that pass the filter into `out`; returns the exit code.
pub fn run(project: &Path, out: &Path, filter: &Filter) -> i32 {
    let band = match filter
        .band
        .as_deref()
        .map(super::band_arg)
        .transpose()
        .and_then(|b| super::grade_arg(filter.grade, b))
    {
        Ok(b) => b,
        Err(code) => return code,
    };
    // Missing lessons are warnings: the slots that are written are packed
    // (a pack is never short; see plan::packs). With --require-complete
    // they are errors, as a whole term must be written first.
    let scope = Scope {
        release: filter.release,
        missing: match filter.release {
            Release::Ready => Severity::Warning,
            Release::Complete => Severity::Error,
        },
        band,
        term: filter.term.as_deref(),
    };
    // The password is asked before anything else is said.
    let signer = match filter.sign.as_deref().map(super::keygen::open_signer) {
        Some(Ok(s)) => Some(s),
        Some(Err(code)) => return code,
        None => None,
    };
    let gate = gate::open(project, &scope);
    let Some(c) = gate.usable() else {
        super::report(&gate.all(), &gate.sources);
        eprintln!("没有生成课程包\u{FF1A}请先修正上面的错误。");
        return super::build::FAILED;
    };
    if let Some(s) = &signer
        && !super::keygen::matches_project(s, c.settings.public_key.as_deref())
    {
        return super::build::FAILED;
    }
    if c.calendars.is_empty() {
        eprintln!(
            "错误：项目里没有校历（calendars/*.toml）\u{FF0C}无法划分课次\u{FF1B}课程包按校历的课次生成"
        );
        return super::build::FAILED;
    }
    let term_ok = |k: &crate::model::Calendar| super::term_matches(filter.term.as_deref(), k);
    if let Some(t) = &filter.term
        && !c.calendars.iter().any(&term_ok)
    {
        let ids: Vec<String> = c.calendars.iter().map(|k| k.id.clone()).collect();
        eprintln!(
            "错误：没有学期 `{t}`\u{FF1B}可用的学期\u{FF1A}{}（也可以写 autumn 或 spring）",
            ids.join("、")
        );
        return 2;
    }
    let plan = Plan::new(c, filter.release);
    let keep = |s: &PackSpec| {
        term_ok(s.calendar)
            && filter.slot.is_none_or(|n| n == s.slot.number)
            && match filter.grade {
                Some(g) => s.grade == Some(g),
                None => s.grade.is_none() && s.band == band,
            }
    };
    let jobs = plan.packs_where(keep);
    // A prompt left in anything these packs carry is an error.
    let carried: BTreeSet<String> = plan
        .packs
        .iter()
        .filter(|s| keep(s))
        .flat_map(gate::carried)
        .collect();
    let mut diags = gate.diagnostics(|f| carried.contains(f));
    if diags.has_errors() {
        super::report(&diags, &gate.sources);
        eprintln!("没有生成课程包\u{FF1A}上面标为错误的占位提示还没写完\u{FF1B}写好后再打包。");
        return super::build::FAILED;
    }
    if jobs.is_empty() {
        super::report(&diags, &gate.sources);
        match filter.slot {
            Some(n)
                if plan
                    .terms
                    .iter()
                    .any(|t| term_ok(t.calendar) && t.slots.iter().any(|s| s.number == n)) =>
            {
                eprintln!(
                    "错误：第 {n} 课次{}还不能打包\u{FF1A}{}",
                    band.map(|b| format!("（{}）", b.zh())).unwrap_or_default(),
                    missing_for_slot(c, &plan, n, band, &term_ok)
                );
            }
            _ => eprintln!("错误：没有符合条件的课程包（请检查 --term 和 --slot）"),
        }
        return super::build::FAILED;
    }
    let browser = if filter.pdf {
        match crate::print::find_browser(filter.browser.as_deref()) {
            Ok(b) => Some(b),
            Err(e) => {
                eprintln!("错误：{}", crate::diagnostic::error_text(&e));
                return super::build::FAILED;
            }
        }
    } else {
        None
    };
    let bar = super::progress(jobs.len(), "生成课程包");
    let tick = || bar.inc(1);
    let made = Renderer::new(project, c).and_then(|r| {
        let run = Run {
            root: project,
            plan: &plan,
            renderer: &r,
            pdf_browser: browser.as_deref(),
            zip_path: paths::pack_file,
            tick: Some(&tick),
            signer: signer.as_ref(),
        };
        pipeline::run(&run, &jobs, &Folder(out))
    });
    bar.finish_and_clear();
    let made = match made {
        Ok(summary) => summary.packs,
        Err(Failure::Input(d)) => {
            d.into_iter().for_each(|x| diags.push(x));
            super::report(&diags, &gate.sources);
            return super::build::FAILED;
        }
        Err(Failure::Io(e)) => {
            super::report_io(&e, super::Place::Out);
            return super::build::FAILED;
        }
    };
    super::report(&diags, &gate.sources);
    for p in &made {
        println!("{}.zip  {} 字节  sha256 {}", p.id, p.size, p.sha256);
        if p.signed {
            println!("{}.zip.minisig  签名", p.id);
        }
    }
    super::say(format_args!(
        "已生成 {} 个课程包 → {}",
        made.len(),
        out.display()
    ));
    super::build::OK
}

/// Which bands still lack their lesson for slot `n` (in the terms asked),
/// in words: `2026—2027学年第一学期 小学低年级、初中还没有 order: 3 的教案`.
fn missing_for_slot(
    c: &crate::model::Curriculum,
    plan: &Plan,
    n: u32,
    only: Option<crate::model::Band>,
    term_ok: &dyn Fn(&crate::model::Calendar) -> bool,
) -> String {
    let mut parts = Vec::new();
    for t in plan.terms.iter().filter(|t| term_ok(t.calendar)) {
        let teaching: std::collections::BTreeSet<crate::model::Band> = c
            .lessons
            .iter()
            .filter(|l| l.term == t.calendar.term)
            .map(|l| l.band)
            .collect();
        // A band lacks the slot when some grade of it has no lesson there
        // (a one-grade lesson serves only its grade).
        let lacking: Vec<String> = teaching
            .into_iter()
            .filter(|b| only.is_none_or(|o| o == *b))
            .filter_map(|b| {
                let grades = crate::plan::packs::unserved(c, b, t.calendar.term, n);
                if grades.is_empty() {
                    None
                } else if grades.len() == b.grades().count() {
                    Some(b.zh().to_string())
                } else {
                    let g: Vec<String> = grades.iter().map(u8::to_string).collect();
                    Some(format!("{}的 {} 年级", b.zh(), g.join("、")))
                }
            })
            .collect();
        if !lacking.is_empty() {
            parts.push(format!(
                "{} {}还没有 order: {n} 的教案（{}）",
                t.calendar.name,
                lacking.join("、"),
                t.calendar.path
            ));
        } else if only.is_some_and(|o| {
            !c.lessons
                .iter()
                .any(|l| l.band == o && l.term == t.calendar.term)
        }) {
            parts.push(format!("{} 这个学段没有教案", t.calendar.name));
        }
    }
    if parts.is_empty() {
        "这个课次没有教案".to_string()
    } else {
        parts.join("\u{FF1B}")
    }
}
