//! `xinyu check`: every check, no output written.

use crate::diagnostic::{Diagnostics, Severity};
use crate::load;
use crate::model::Date;

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// rustc-style, with the source line and a caret.
    Human,
    /// One JSON object per line.
    Json,
}

/// Today's date, or `XINYU_TODAY` (YYYY-MM-DD) when set, so a check of
/// `verified_on` can be reproduced.
fn today() -> Date {
    if let Some(d) = std::env::var("XINYU_TODAY")
        .ok()
        .and_then(|s| s.parse::<Date>().ok())
    {
        return d;
    }
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
        .date()
}

/// Runs every check; exit 0 when clean, 1 on errors (or on warnings with
/// `deny_warnings`).
pub fn run(project: &std::path::Path, format: Format, deny_warnings: bool) -> i32 {
    let loaded = load::load(project);
    let mut diags = loaded.diagnostics;
    if let Some(c) = &loaded.curriculum {
        let mut more = Diagnostics::default();
        crate::pack::coverage(c, Severity::Warning, None)
            .into_iter()
            .for_each(|d| more.push(d));
        match crate::check::Rules::load(project) {
            Ok(rules) => crate::check::run(c, &loaded.sources, &rules, today())
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
