//! Load: walk a project folder, decode and parse every file into the typed
//! model, then link: check what crosses files (duplicate orders, parent
//! handouts, links and images). Every problem becomes a diagnostic; nothing
//! here writes output.

mod assets;
mod calendar;
mod fields;
mod guide;
mod handout;
mod lesson;
mod links;
pub use crate::model::{normalize, term_month_rank};
pub use calendar::parse as parse_calendar;
pub use handout::parse as parse_handout;
pub use lesson::parse as parse_lesson;
pub use meeting::parse as parse_meeting;
pub use toml_file::parse as parse_toml;
mod meeting;
pub mod settings;
mod slips;
mod toml_file;
mod yaml;

use crate::diagnostic::{Diagnostic, Diagnostics, Sources};
use crate::model::vocab::nearest;
use crate::model::{Band, Curriculum};
use crate::source;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;
use walkdir::WalkDir;

/// What loading a project gives.
pub struct Loaded {
    /// The curriculum, when settings could be read (it may still have errors).
    pub curriculum: Option<Curriculum>,
    /// Every problem found.
    pub diagnostics: Diagnostics,
    /// Decoded text of every file read, by project-relative path, for
    /// showing source lines in diagnostics.
    pub sources: Sources,
}

/// The kinds of file in a project, from the folder they sit in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Lesson(Band),
    Meeting,
    Handout,
    Guide,
    Calendar,
}

enum Parsed {
    Lesson(Box<crate::model::Lesson>),
    Meeting(crate::model::Meeting),
    Handout(crate::model::Handout),
    Guide(crate::model::Guide),
    Calendar(crate::model::Calendar),
}

/// Project-relative path with `/` separators.
fn rel_path(root: &Path, p: &Path) -> String {
    let rel = p.strip_prefix(root).unwrap_or(p);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The most files one thread reads in a row before another may take over.
const MAX_PIECE: usize = 32;

/// Loads the project at `root`.
pub fn load(root: &Path) -> Loaded {
    let mut diags = Diagnostics::default();
    let mut sources = BTreeMap::new();
    let settings_path = root.join(settings::FILE);
    let settings = match std::fs::read(&settings_path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            diags.push(
                Diagnostic::error("", 0, 0, format!("{} 里没有 xinyu.toml，它不是一个课程项目", root.display()))
                    .with_hint("进入课程项目文件夹再运行，或把项目文件夹作为参数，例如 `xinyu build curriculum`"),
            );
            None
        }
        Err(e) => {
            diags.push(Diagnostic::error(
                settings::FILE,
                0,
                0,
                format!("无法读取：{}", crate::diagnostic::io_text(&e)),
            ));
            None
        }
        Ok(bytes) => match source::decode(settings::FILE, &bytes) {
            Err(d) => {
                diags.push(d);
                None
            }
            Ok(decoded) => {
                let mut v = Vec::new();
                if let Some(w) = decoded.warning {
                    v.push(w);
                }
                let s = settings::parse(&decoded.text, &mut v);
                sources.insert(settings::FILE.to_string(), decoded.text.into());
                v.into_iter().for_each(|d| diags.push(d));
                s
            }
        },
    };

    let facts = settings.as_ref().map(|s| &s.facts);
    let (files, assets, walk_diags) = discover(root);
    walk_diags.into_iter().for_each(|d| diags.push(d));

    // The sets of names the link checks need are made beside the parsing:
    // after it, one core waited on the other for them.
    let parse_all = || -> Vec<FileResult> {
        files
            .par_iter()
            // Small pieces: rayon splits a list a few times and hands each
            // piece to one thread, and a thread that finished early waited,
            // its core idle, while the other read a thousand lessons alone.
            .with_max_len(MAX_PIECE)
            .map(|(rel, kind)| read_file(root, rel, *kind, facts))
            .collect()
    };
    let (results, known) = rayon::join(parse_all, || known_of(&files));

    let mut c = Curriculum {
        settings: settings.clone().unwrap_or_default(),
        // Room for every lesson file up front: pushing one at a time grew
        // the list a dozen times on a big project, each into fresh memory.
        lessons: Vec::with_capacity(
            files
                .iter()
                .filter(|(_, k)| matches!(k, Kind::Lesson(_)))
                .count(),
        ),
        meetings: vec![],
        handouts: vec![],
        guides: vec![],
        calendars: vec![],
        assets,
    };
    for (rel, text, parsed, d) in results {
        if let Some(t) = text {
            sources.insert(rel, t);
        }
        d.into_iter().for_each(|x| diags.push(x));
        match parsed {
            Some(Parsed::Lesson(l)) => c.lessons.push(*l),
            Some(Parsed::Meeting(m)) => c.meetings.push(m),
            Some(Parsed::Handout(h)) => c.handouts.push(h),
            Some(Parsed::Guide(g)) => c.guides.push(g),
            Some(Parsed::Calendar(k)) => c.calendars.push(k),
            None => {}
        }
    }
    c.lessons.sort_by(|a, b| {
        (a.band, a.term, a.order, &a.path).cmp(&(b.band, b.term, b.order, &b.path))
    });
    c.meetings.sort_by(|a, b| {
        (a.term, term_month_rank(a.month), &a.path).cmp(&(
            b.term,
            term_month_rank(b.month),
            &b.path,
        ))
    });
    c.handouts.sort_by(|a, b| {
        (a.term, a.order, &a.bands, &a.path).cmp(&(b.term, b.order, &b.bands, &b.path))
    });
    c.calendars.sort_by(|a, b| a.id.cmp(&b.id));
    c.guides.sort_by(|a, b| a.path.cmp(&b.path));

    let mut link_diags = Vec::new();
    links::check(root, &mut c, &known, &mut link_diags);
    assets::check(root, &c.assets, c.settings.images, &mut link_diags);
    link_diags.into_iter().for_each(|d| diags.push(d));

    Loaded {
        curriculum: settings.map(|_| c),
        diagnostics: diags,
        sources,
    }
}

/// One file as loading found it: its path, its decoded text (when
/// readable), what it parsed into, and its diagnostics.
type FileResult = (
    String,
    Option<std::sync::Arc<str>>,
    Option<Parsed>,
    Vec<Diagnostic>,
);

/// Reads, decodes and parses one content file of the project at `root`.
fn read_file(
    root: &Path,
    rel: &str,
    kind: Kind,
    facts: Option<&crate::model::facts::LocalFacts>,
) -> FileResult {
    let mut d = Vec::new();
    let bytes = match std::fs::read(root.join(rel)) {
        Ok(b) => b,
        Err(e) => {
            d.push(Diagnostic::error(
                rel,
                0,
                0,
                format!("无法读取：{}", crate::diagnostic::io_text(&e)),
            ));
            return (rel.to_string(), None, None, d);
        }
    };
    let decoded = match source::decode(rel, &bytes) {
        Ok(x) => x,
        Err(e) => {
            d.push(e);
            return (rel.to_string(), None, None, d);
        }
    };
    if let Some(w) = decoded.warning.clone() {
        d.push(w);
    }
    let text: std::sync::Arc<str> = decoded.text.into();
    let parsed = match kind {
        Kind::Lesson(band) => {
            lesson::parse(rel, band, &text, facts, &mut d).map(|l| Parsed::Lesson(Box::new(l)))
        }
        Kind::Meeting => meeting::parse(rel, &text, facts, &mut d).map(Parsed::Meeting),
        Kind::Handout => handout::parse(rel, &text, facts, &mut d).map(Parsed::Handout),
        Kind::Guide => guide::parse(rel, &text, facts, &mut d).map(Parsed::Guide),
        Kind::Calendar => {
            let file = rel.trim_start_matches("calendars/");
            let id = &file[..file.len().saturating_sub(".toml".len())];
            calendar::parse(rel, id, &text, &mut d).map(Parsed::Calendar)
        }
    };
    (rel.to_string(), Some(text), parsed, d)
}

/// The names the link checks know, from every content file found. Files
/// that failed to load still exist: links to them are not broken, their
/// own errors are reported already.
fn known_of(files: &[(String, Kind)]) -> links::Known {
    let named = |keep: &dyn Fn(Kind) -> bool| {
        files
            .iter()
            .filter(|(_, k)| keep(*k))
            .map(|(p, _)| p.clone())
            .collect()
    };
    links::Known {
        pages: named(&|k| k != Kind::Calendar),
        handouts: named(&|k| k == Kind::Handout),
        guides: named(&|k| k == Kind::Guide),
    }
}

/// Finds the content files and assets of a project.
fn discover(root: &Path) -> (Vec<(String, Kind)>, Vec<String>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut assets = Vec::new();
    let mut diags = Vec::new();
    let real_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let outside = |rel: &str| {
        Diagnostic::error(rel, 0, 0, "这是一个指到项目文件夹外面的符号链接")
            .with_hint("项目外的文件不会被读取或复制；请把文件或文件夹本身复制进项目")
    };
    for folder in crate::model::CONTENT_FOLDERS {
        let dir = root.join(folder);
        if !dir.is_dir() {
            continue;
        }
        if !links::is_inside(&real_root, &dir) {
            diags.push(outside(folder));
            continue;
        }
        let walker = WalkDir::new(&dir)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                e.depth() == 0 || !crate::source::is_editor_temp(&e.file_name().to_string_lossy())
            });
        for entry in walker {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let rel = e.path().map(|p| rel_path(root, p)).unwrap_or_default();
                    diags.push(Diagnostic::error(
                        &rel,
                        0,
                        0,
                        format!("无法读取：{}", crate::diagnostic::walk_text(&e)),
                    ));
                    continue;
                }
            };
            let rel = rel_path(root, entry.path());
            // A name that is not UTF-8 (GBK bytes from an old archive tool)
            // cannot be linked to or published: say so, by its place.
            if entry.depth() > 0 && entry.file_name().to_str().is_none() {
                diags.push(
                    Diagnostic::error(&rel, 0, 0, "文件名不是 UTF-8 编码，读不出它的名字")
                        .with_hint("这常见于旧的压缩软件用 GBK 解出的文件\u{FF1A}请在资源管理器里把这个文件（或文件夹）重新命名一次，或用新版的解压软件重新解压"),
                );
                continue;
            }
            if entry.path_is_symlink() && entry.depth() > 0 {
                // Followed only while it stays inside the project.
                if !links::is_inside(&real_root, entry.path()) {
                    diags.push(outside(&rel));
                    continue;
                }
                if !entry.path().is_file() {
                    continue;
                }
            } else if !entry.file_type().is_file() {
                continue;
            }
            let lower = rel.to_lowercase();
            let kind = match folder {
                "calendars" if lower.ends_with(".toml") => {
                    if rel.matches('/').count() > 1 {
                        diags.push(
                            Diagnostic::error(&rel, 0, 0, "校历文件要直接放在 calendars/ 下")
                                .with_hint("例如 calendars/2026-autumn.toml"),
                        );
                        continue;
                    }
                    Kind::Calendar
                }
                "lessons" if lower.ends_with(".md") => {
                    let mut parts = rel.split('/').skip(1);
                    let first = parts.next().unwrap_or("");
                    if parts.next().is_none() {
                        diags.push(
                            Diagnostic::error(&rel, 0, 0, "教案要放在学段文件夹里").with_hint(
                                format!(
                                    "移到 lessons/<学段>/ 下；学段文件夹：{}",
                                    Band::slugs().join("、")
                                ),
                            ),
                        );
                        continue;
                    }
                    match Band::parse(first) {
                        Some(b) => Kind::Lesson(b),
                        None => {
                            let hint = match nearest(first, &Band::spellings()) {
                                Some(n) => format!("你是不是想用 `lessons/{n}/`？"),
                                None => format!(
                                    "学段文件夹只能是：{}（也可以用中文名）",
                                    Band::slugs().join("、")
                                ),
                            };
                            diags.push(
                                Diagnostic::error(
                                    &rel,
                                    0,
                                    0,
                                    format!("`lessons/{first}/` 不是学段文件夹"),
                                )
                                .with_hint(hint),
                            );
                            continue;
                        }
                    }
                }
                "meetings" if lower.ends_with(".md") => Kind::Meeting,
                "parents" if lower.ends_with(".md") => Kind::Handout,
                "guides" if lower.ends_with(".md") => Kind::Guide,
                _ => {
                    if !lower.ends_with(".md") && !lower.ends_with(".toml") {
                        assets.push(rel);
                    }
                    continue;
                }
            };
            files.push((rel, kind));
        }
    }
    (files, assets, diags)
}

/// What re-reading one lesson gave (see [`reload_lesson`]).
pub enum Reload {
    /// The lesson, checked; nothing else needs to change.
    Lesson(Box<crate::model::Lesson>),
    /// The file has errors: show them.
    Errors(Vec<Diagnostic>),
    /// The edit reaches beyond the file (a new asset, say): load everything.
    Everything,
}

/// Re-reads one lesson that is already part of `c`, for `serve` after an
/// edit: the same decoding, parsing and link checks as a full load, for
/// that file only. `sources` gets the new text, for showing errors.
pub fn reload_lesson(root: &Path, c: &Curriculum, rel: &str, sources: &mut Sources) -> Reload {
    use crate::diagnostic::Severity;
    let Some(old) = c.lessons.iter().find(|l| l.path == rel) else {
        return Reload::Everything;
    };
    let Ok(bytes) = std::fs::read(root.join(rel)) else {
        return Reload::Everything;
    };
    let decoded = match source::decode(rel, &bytes) {
        Ok(d) => d,
        Err(e) => return Reload::Errors(vec![e]),
    };
    let mut d: Vec<Diagnostic> = decoded.warning.clone().into_iter().collect();
    let text: std::sync::Arc<str> = decoded.text.into();
    let parsed = lesson::parse(rel, old.band, &text, Some(&c.settings.facts), &mut d);
    sources.insert(rel.to_string(), text);
    let failed = |d: &[Diagnostic]| d.iter().any(|x| x.severity == Severity::Error);
    let Some(mut l) = parsed.filter(|_| !failed(&d)) else {
        return Reload::Errors(d);
    };
    let pages: std::collections::BTreeSet<String> = c
        .lessons
        .iter()
        .map(|x| x.path.clone())
        .chain(c.meetings.iter().map(|x| x.path.clone()))
        .chain(c.handouts.iter().map(|x| x.path.clone()))
        .collect();
    let mut referenced = std::collections::BTreeSet::new();
    links::check_body(root, rel, &l.body, &pages, &mut referenced, &mut d);
    if failed(&d) {
        return Reload::Errors(d);
    }
    if referenced
        .iter()
        .any(|a| c.assets.binary_search(a).is_err())
    {
        return Reload::Everything;
    }
    // `parents` as the full load normalises it; a changed one means other
    // pages (the handout's list of lessons) change too.
    let handouts: std::collections::BTreeSet<&str> =
        c.handouts.iter().map(|h| h.path.as_str()).collect();
    l.parents = l.parents.as_ref().and_then(|p| {
        crate::model::normalize("", p)
            .filter(|r| handouts.contains(r.as_str()))
            .or_else(|| crate::model::normalize(crate::model::parent_dir(rel), p))
    });
    Reload::Lesson(Box::new(l))
}
