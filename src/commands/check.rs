//! `xinyu check`: every check, no output written.

use crate::diagnostic::{Diagnostics, Severity};
use crate::load;

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// rustc-style, with the source line and a caret.
    Human,
    /// One JSON object per line.
    Json,
}

/// Runs every check; exit 0 when clean, 1 on errors (or on warnings with
/// `deny_warnings`).
pub fn run(project: &std::path::Path, format: Format, deny_warnings: bool) -> i32 {
    let loaded = load::load(project);
    let mut diags = loaded.diagnostics;
    if let Some(c) = &loaded.curriculum {
        let mut more = Diagnostics::default();
        crate::plan::coverage(
            c,
            &crate::plan::terms(c),
            crate::plan::Release::Ready,
            Severity::Warning,
            None,
        )
        .into_iter()
        .for_each(|d| more.push(d));
        match crate::check::Rules::load(project) {
            Ok(rules) => crate::check::run(c, &loaded.sources, &rules, super::today())
                .into_iter()
                .for_each(|d| more.push(d)),
            Err(d) => more.push(d),
        }
        diags.extend(more);
    }
    let (errors, warnings) = diags.counts();
    match format {
        Format::Human => {
            super::report(&diags, &loaded.sources);
            if errors == 0 && warnings == 0 {
                eprintln!("检查完毕\u{FF0C}没有发现问题。");
            }
        }
        Format::Json => {
            for d in diags.sorted() {
                println!("{}", d.to_json());
            }
        }
    }
    if errors > 0 || (deny_warnings && warnings > 0) {
        super::build::FAILED
    } else {
        super::build::OK
    }
}
