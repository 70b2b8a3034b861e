//! The one way into a project for every command that checks or publishes
//! it (`check`, `build`, `serve`, `pack`, `print`): load, the content
//! checks of `check.rs`, and coverage (`plan::coverage`), in one function,
//! so no command can skip a check and all print the same findings in the
//! same words.
//!
//! What blocks: every error blocks every command: load errors, privacy
//! findings and unsafe messaging (errors in `check.rs`), coverage errors
//! under `pack --require-complete`. The one finding whose weight differs
//! by command is a prompt left from a skeleton (`（活动名称）`): a warning
//! for `check`, `build` and `serve`, so a draft can be previewed, and an
//! error for a pack or a PDF that carries its file, so nothing unfinished
//! reaches a school. `build` leaves such packs out of the site.

use crate::check;
use crate::diagnostic::{Diagnostic, Diagnostics, Severity};
use crate::load;
use crate::model::{Band, Calendar, Curriculum, Date};
use crate::plan::{PackSpec, Release};
use std::collections::BTreeSet;
use std::path::Path;

/// Which slots a command looks at, for the coverage check.
#[derive(Clone, Copy, Debug)]
pub struct Scope<'a> {
    /// Which slots get packs.
    pub release: Release,
    /// What a slot without its lesson is: a warning, or an error where the
    /// whole term must be written (`pack --require-complete`).
    pub missing: Severity,
    /// Only this band's slots (`--band`).
    pub band: Option<Band>,
    /// Only the terms this names (`--term`).
    pub term: Option<&'a str>,
}

impl Default for Scope<'_> {
    fn default() -> Self {
        Scope {
            release: Release::Ready,
            missing: Severity::Warning,
            band: None,
            term: None,
        }
    }
}

/// A loaded and checked project.
pub struct Gate {
    /// The curriculum, when the settings could be read (it may still have
    /// errors: see [`Gate::usable`]).
    pub curriculum: Option<Curriculum>,
    /// Decoded text of every file read, for showing source lines.
    pub sources: crate::diagnostic::Sources,
    /// The word lists, when they could be read (serve checks edits with them).
    pub rules: Option<check::Rules>,
    /// Load, content and coverage findings.
    found: Vec<Diagnostic>,
    /// Prompts left from the skeletons, as warnings.
    placeholders: Vec<Diagnostic>,
}

/// Loads `project` and runs every check on it.
pub fn open(project: &Path, scope: &Scope) -> Gate {
    let loaded = load::load(project);
    // A file that failed to load is missing from the curriculum: counting
    // slots then would report its lesson as unwritten, below the real error.
    let load_failed = loaded.diagnostics.has_errors();
    let mut found = loaded.diagnostics.into_vec();
    let mut placeholders = Vec::new();
    let mut rules = None;
    if let Some(c) = &loaded.curriculum {
        match check::Rules::load(project) {
            Ok(r) => {
                found.extend(check::run(c, &loaded.sources, &r, today()));
                rules = Some(r);
            }
            Err(d) => found.push(d),
        }
        placeholders = check::placeholders(&loaded.sources);
    }
    if let Some(c) = loaded.curriculum.as_ref().filter(|_| !load_failed) {
        let terms = crate::plan::terms(c);
        let in_term = |t: crate::model::Term| {
            c.calendars
                .iter()
                .any(|k| k.term == t && term_matches(scope.term, k))
        };
        found.extend(
            crate::plan::coverage(c, &terms, scope.release, scope.missing, scope.band)
                .into_iter()
                .filter(|d| {
                    c.calendars
                        .iter()
                        .any(|k| d.file == k.path && term_matches(scope.term, k))
                        || c.lessons
                            .iter()
                            .any(|l| l.path == d.file && in_term(l.term))
                }),
        );
    }
    Gate {
        curriculum: loaded.curriculum,
        sources: loaded.sources,
        rules,
        found,
        placeholders,
    }
}

impl Gate {
    /// The curriculum, when nothing blocks every command.
    pub fn usable(&self) -> Option<&Curriculum> {
        let blocked = self.found.iter().any(|d| d.severity == Severity::Error);
        self.curriculum.as_ref().filter(|_| !blocked)
    }

    /// Every finding; a prompt left in a file for which `carried` holds
    /// (a file a pack or PDF being made carries) is an error.
    pub fn diagnostics(&self, carried: impl Fn(&str) -> bool) -> Diagnostics {
        let mut all = Diagnostics::default();
        self.found.iter().cloned().for_each(|d| all.push(d));
        for d in &self.placeholders {
            let mut d = d.clone();
            if carried(&d.file) {
                d.severity = Severity::Error;
            }
            all.push(d);
        }
        all
    }

    /// Every finding as `check`, `build` and `serve` see it.
    pub fn all(&self) -> Diagnostics {
        self.diagnostics(|_| false)
    }

    /// True when a file `spec` carries still holds a prompt.
    pub fn unfinished(&self, spec: &PackSpec) -> bool {
        let files = carried(spec);
        self.placeholders.iter().any(|d| files.contains(&d.file))
    }
}

/// The files whose text a pack (or its print page) shows: its lessons,
/// class meetings, parent handouts and calendar, and the settings
/// (publisher, hotlines), which every page shows.
pub fn carried(spec: &PackSpec) -> BTreeSet<String> {
    let mut files: BTreeSet<String> = spec.files().map(str::to_string).collect();
    files.insert(load::settings::FILE.to_string());
    files
}

/// The files a term calendar's print page shows.
pub fn carried_by_calendar(cal: &Calendar) -> BTreeSet<String> {
    [cal.path.clone(), load::settings::FILE.to_string()]
        .into_iter()
        .collect()
}

/// Today in China, or `XINYU_TODAY` (YYYY-MM-DD) when set, so results that
/// depend on the date (hotline age, the default term) can be reproduced.
pub fn today() -> Date {
    std::env::var("XINYU_TODAY")
        .ok()
        .and_then(|s| s.parse::<Date>().ok())
        .unwrap_or_else(|| {
            jiff::Timestamp::now()
                .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
                .date()
        })
}

/// True when a `--term` value names this calendar: its file name, its pack
/// name (`2026-autumn`) or `autumn` / `spring`. No value matches all.
pub fn term_matches(term: Option<&str>, cal: &Calendar) -> bool {
    term.is_none_or(|t| t == cal.id || t == crate::plan::term_slug(cal) || t == cal.term.slug())
}
