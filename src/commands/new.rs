//! `xinyu init` and `xinyu new`: a new project, or a new file with every
//! field, whose timed parts already add up, at the next free order.

use crate::load;
use crate::model::{Band, Date, Term};
use crate::scaffold;
use std::path::Path;

/// What `new` makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A lesson plan.
    Lesson,
    /// A class-meeting script.
    Meeting,
    /// A parent handout.
    Handout,
    /// A teacher guide.
    Guide,
}

/// The term a date falls in: autumn from August to January.
fn term_of(d: Date) -> Term {
    if d.month() >= 8 || d.month() == 1 {
        Term::Autumn
    } else {
        Term::Spring
    }
}

fn write_new(root: &Path, rel: &str, text: &str) -> Result<(), String> {
    let path = root.join(rel);
    if path.exists() {
        return Err(format!("{} 已经存在\u{FF0C}没有覆盖它", path.display()));
    }
    crate::writer::create(&path, text.as_bytes()).map_err(|e| crate::diagnostic::error_text(&e))
}

/// `xinyu init DIR`.
pub fn init(dir: &Path) -> i32 {
    if dir.join(crate::load::settings::FILE).exists() {
        eprintln!(
            "错误：{} 里已经有课程项目（xinyu.toml）\u{FF0C}没有改动任何文件",
            dir.display()
        );
        return 1;
    }
    let today = super::today();
    let year = if today.month() == 1 {
        today.year() - 1
    } else {
        today.year()
    };
    let mut files: Vec<(String, String)> = vec![
        ("xinyu.toml".into(), scaffold::settings("心理健康教育课程")),
        (
            format!("calendars/{year}-autumn.toml"),
            scaffold::autumn_calendar(year),
        ),
    ];
    for b in Band::ALL {
        files.push((
            format!("lessons/{}/autumn-01.md", b.slug()),
            scaffold::lesson(*b, Term::Autumn, 1, &format!("示例：{}第一课", b.zh())),
        ));
    }
    files.push((
        "meetings/autumn-09-01.md".into(),
        scaffold::meeting(&[Band::JuniorHigh], Term::Autumn, 9, "示例：新学期主题班会"),
    ));
    files.push((
        "parents/autumn-1.md".into(),
        scaffold::handout(
            Band::ALL,
            Term::Autumn,
            1,
            "示例：开学第一个月，家长可以这样陪伴",
        ),
    ));
    if let Some((rel, _)) = files.iter().find(|(rel, _)| dir.join(rel).exists()) {
        eprintln!(
            "错误：{} 已经存在\u{FF0C}没有改动任何文件",
            dir.join(rel).display()
        );
        return 1;
    }
    for (rel, text) in &files {
        if let Err(e) = write_new(dir, rel, text) {
            eprintln!("错误：{e}");
            return 1;
        }
        println!("{}", dir.join(rel).display());
    }
    eprintln!(
        "已新建课程项目 {}。\n下一步\u{FF1A}改好 xinyu.toml 里的标题、单位和本校心理辅导室电话\u{FF0C}按本地校历修改 calendars/ 里的日期\u{FF0C}然后运行 xinyu build {}",
        dir.display(),
        dir.display()
    );
    0
}

/// `xinyu new KIND`.
pub fn new(
    project: &Path,
    kind: Kind,
    band: &str,
    title: &str,
    term: Option<&str>,
    month: Option<u32>,
) -> i32 {
    let bands: Vec<Band> = match band
        .split([',', '\u{FF0C}', '\u{3001}'])
        .map(super::band_arg)
        .collect()
    {
        Ok(b) => b,
        Err(code) => return code,
    };
    let term = match term {
        None => term_of(super::today()),
        Some(t) => match Term::parse(t) {
            Some(t) => t,
            None => {
                eprintln!("错误：`{t}` 不是学期\u{FF1B}写 autumn 或 spring");
                return 2;
            }
        },
    };
    if title.trim().is_empty() {
        eprintln!("错误：--title 不能为空");
        return 2;
    }
    let loaded = load::load(project);
    let Some(c) = loaded.curriculum else {
        eprint!(
            "{}",
            crate::diagnostic::render(&loaded.diagnostics, &loaded.sources)
        );
        return 1;
    };
    let first = bands[0];
    let (rel, text) = match kind {
        Kind::Lesson => {
            let order = c
                .lessons
                .iter()
                .filter(|l| l.band == first && l.term == term)
                .map(|l| l.order)
                .max()
                .unwrap_or(0)
                + 1;
            // Keep the band's lessons together, in the folder they already use.
            let folder = c
                .lessons
                .iter()
                .find(|l| l.band == first)
                .and_then(|l| l.path.split('/').nth(1).map(str::to_string))
                .unwrap_or_else(|| first.slug().to_string());
            (
                free_name(
                    project,
                    &format!("lessons/{folder}/{}-{order:02}", term.slug()),
                ),
                scaffold::lesson(first, term, order, title.trim()),
            )
        }
        Kind::Meeting => {
            let month = month.unwrap_or(if term == Term::Autumn { 9 } else { 3 });
            if !(1..=12).contains(&month) {
                eprintln!("错误：--month 是 1 到 12");
                return 2;
            }
            (
                free_name(project, &format!("meetings/{}-{month:02}", term.slug())),
                scaffold::meeting(&bands, term, month, title.trim()),
            )
        }
        Kind::Handout => {
            let order = c
                .handouts
                .iter()
                .filter(|h| h.term == term && h.bands.iter().any(|b| bands.contains(b)))
                .map(|h| h.order)
                .max()
                .unwrap_or(0)
                + 1;
            (
                free_name(
                    project,
                    &format!("parents/{}-{}-{order}", first.slug(), term.slug()),
                ),
                scaffold::handout(&bands, term, order, title.trim()),
            )
        }
        Kind::Guide => {
            if month.is_some_and(|m| !(1..=12).contains(&m)) {
                eprintln!("错误：--month 是 1 到 12");
                return 2;
            }
            (
                free_name(project, &format!("guides/{}", first.slug())),
                scaffold::guide(&bands, month, title.trim()),
            )
        }
    };
    match write_new(project, &rel, &text) {
        Ok(()) => {
            println!("{}", project.join(&rel).display());
            0
        }
        Err(e) => {
            eprintln!("错误：{e}");
            1
        }
    }
}

/// `stem.md`, or `stem-2.md`… when taken.
fn free_name(root: &Path, stem: &str) -> String {
    let mut n = 1;
    loop {
        let rel = if n == 1 {
            format!("{stem}.md")
        } else {
            format!("{stem}-{n}.md")
        };
        if !root.join(&rel).exists() {
            return rel;
        }
        n += 1;
    }
}
