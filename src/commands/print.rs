//! `xinyu print`: PDFs of everything printable, one per band per fortnight,
//! and the term calendars, through a local headless browser.

use crate::diagnostic::Diagnostics;
use crate::load;
use crate::pack::term_slug;
use crate::site::{self, Failure};
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
    /// The browser, if not found by itself.
    pub browser: Option<PathBuf>,
}

/// Makes the PDFs into `out`; returns the exit code.
pub fn run(project: &Path, out: &Path, o: &Options) -> i32 {
    let band = match o.band.as_deref().map(super::band_arg).transpose() {
        Ok(b) => b,
        Err(code) => return code,
    };
    let browser = match crate::print::find_browser(o.browser.as_deref()) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e:#}");
            return super::build::FAILED;
        }
    };
    let loaded = load::load(project);
    let diags = loaded.diagnostics;
    let Some(c) = loaded.curriculum.filter(|_| !diags.has_errors()) else {
        super::report(&diags, &loaded.sources);
        eprintln!("没有生成 PDF\u{FF1A}请先修正上面的错误。");
        return super::build::FAILED;
    };
    super::report(&diags, &loaded.sources);
    let term_ok = |k: &crate::model::Calendar| super::term_matches(o.term.as_deref(), k);
    let specs: Vec<_> = crate::pack::plan(&c)
        .into_iter()
        .filter(|s| s.band.is_some() && term_ok(s.calendar))
        .filter(|s| {
            o.slot.is_none_or(|n| n == s.slot.number) && band.is_none_or(|b| Some(b) == s.band)
        })
        .collect();
    let calendars: Vec<_> = if o.slot.is_none() {
        c.calendars.iter().filter(|k| term_ok(k)).collect()
    } else {
        vec![]
    };
    if specs.is_empty() && calendars.is_empty() {
        eprintln!(
            "error: 没有可以打印的内容（请检查 --term、--slot、--band\u{FF0C}以及每个课次是否都有教案）"
        );
        return super::build::FAILED;
    }
    // The print pages come from a full build in a temporary folder.
    let tmp = match tempfile::tempdir() {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: 无法创建临时文件夹\u{FF1A}{e}");
            return super::build::FAILED;
        }
    };
    let site_dir = tmp.path().join("site");
    match site::build(project, &c, &site_dir, site::Options::default()) {
        Ok(_) => {}
        Err(Failure::Input(d)) => {
            let mut all = Diagnostics::default();
            d.into_iter().for_each(|x| all.push(x));
            super::report(&all, &loaded.sources);
            return super::build::FAILED;
        }
        Err(Failure::Io(e)) => {
            eprintln!("error: {e:#}");
            return super::build::FAILED;
        }
    }
    eprintln!("用 {} 生成 PDF……", browser.display());
    let mut jobs: Vec<(String, PathBuf, String)> = Vec::new();
    for s in &specs {
        let Some(b) = s.band else { continue };
        let page = site::pages::slot_print_path(&term_slug(s.calendar), s.slot.number, b);
        let name = page.trim_start_matches("print/").replace(".html", ".pdf");
        jobs.push((
            name,
            site_dir.join(&page),
            s.slot.start.strftime("%Y%m%d").to_string(),
        ));
    }
    for k in calendars {
        jobs.push((
            format!("{}-calendar.pdf", term_slug(k)),
            site_dir.join(format!("calendars/{}-print.html", k.id)),
            k.first_monday.strftime("%Y%m%d").to_string(),
        ));
    }
    for (name, html, stamp) in &jobs {
        let result = crate::print::to_pdf(&browser, html, stamp)
            .and_then(|pdf| super::write_atomically(out, name, &pdf).map(|_| pdf.len()));
        match result {
            Ok(n) => println!("{name}  {n} 字节"),
            Err(e) => {
                eprintln!("error: {e:#}");
                return super::build::FAILED;
            }
        }
    }
    eprintln!("已生成 {} 个 PDF → {}", jobs.len(), out.display());
    super::build::OK
}
