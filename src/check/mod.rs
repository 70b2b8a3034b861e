//! The content checks beyond what loading requires: safe messaging,
//! privacy, teaching practice, hotlines, the classroom view's 投影
//! blocks, and prompts left from the skeletons. Word lists are data (`rules/default.toml`, extended by a
//! project's `rules/check.toml`). `check`, `build`, `serve`, `pack` and
//! `print` all run them through `gate::open`; the severities here are
//! `check`'s, and `gate` decides what else blocks a pack or a PDF.

mod classroom;
mod placeholders;
mod template;
mod words;

pub use classroom::KIND as CLASSROOM_EMPTY;
use placeholders::placeholders_in;
pub use placeholders::{KIND as PLACEHOLDER, placeholders};
use template::filled_in;
pub use words::Words;

use crate::diagnostic::Diagnostic;
use crate::model::{Band, Curriculum, Date, Form, Lesson, Settings, Term};
use rayon::prelude::*;
use serde::Deserialize;
use std::collections::BTreeSet;
use std::path::Path;

/// The built-in word lists.
const DEFAULT_RULES: &str = include_str!("../../rules/default.toml");

#[derive(Deserialize, Default, Debug, Clone)]
#[serde(deny_unknown_fields)]
struct List {
    #[serde(default)]
    words: Vec<String>,
    #[serde(default)]
    fictional: Vec<String>,
}

/// Word lists for the checks.
#[derive(Deserialize, Default, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    #[serde(default)]
    means: List,
    #[serde(default)]
    suicide: List,
    #[serde(default)]
    case: List,
    #[serde(default)]
    activity: List,
}

impl Rules {
    /// The built-in lists plus the project's `rules/check.toml`, if any.
    pub fn load(root: &Path) -> Result<Rules, Diagnostic> {
        let mut rules: Rules = toml::from_str(DEFAULT_RULES)
            .map_err(|e| Diagnostic::error("rules/default.toml", 0, 0, e.message().to_string()))?;
        let extra = root.join("rules/check.toml");
        if extra.is_file() {
            let text = std::fs::read_to_string(&extra).map_err(|e| {
                Diagnostic::error(
                    "rules/check.toml",
                    0,
                    0,
                    format!("无法读取\u{FF1A}{}", crate::diagnostic::io_text(&e)),
                )
            })?;
            let more: Rules = crate::load::parse_toml("rules/check.toml", &text)?;
            rules.means.words.extend(more.means.words);
            rules.suicide.words.extend(more.suicide.words);
            rules.case.words.extend(more.case.words);
            rules.case.fictional.extend(more.case.fictional);
            rules.activity.words.extend(more.activity.words);
        }
        // A blank word would match everywhere (or never end a search).
        for list in [
            &mut rules.means,
            &mut rules.suicide,
            &mut rules.case,
            &mut rules.activity,
        ] {
            list.words.retain(|w| !w.trim().is_empty());
            list.fictional.retain(|w| !w.trim().is_empty());
        }
        Ok(rules)
    }
}

fn line_of(text: &str, prefix: &str) -> usize {
    text.lines()
        .position(|l| l.starts_with(prefix))
        .map_or(0, |i| i + 1)
}

/// One file to check: its path, bands and whether it is marked sensitive.
struct Item<'a> {
    path: &'a str,
    bands: Vec<Band>,
    sensitive: bool,
}

/// Runs every check but the placeholders (see [`placeholders`]). `today`
/// decides when a hotline's `verified_on` is old.
pub fn run(
    c: &Curriculum,
    sources: &crate::diagnostic::Sources,
    rules: &Rules,
    today: Date,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let items: Vec<Item> = c
        .lessons
        .iter()
        .map(|l| Item {
            path: &l.path,
            bands: vec![l.band],
            sensitive: l.sensitive,
        })
        .chain(c.meetings.iter().map(|m| Item {
            path: &m.path,
            bands: m.bands.clone(),
            sensitive: m.sensitive,
        }))
        .chain(c.handouts.iter().map(|h| Item {
            path: &h.path,
            bands: h.bands.clone(),
            sensitive: h.sensitive,
        }))
        // Guides are read by adults, even those about young children: the
        // lower-primary wording rule is for what children read or hear.
        .chain(c.guides.iter().map(|g| Item {
            path: &g.path,
            bands: Vec::new(),
            sensitive: g.sensitive,
        }))
        .collect();
    let words = Words::new(rules, &c.settings);
    // Files in parallel, findings in the order of `items`.
    let per_file: Vec<Vec<Diagnostic>> = items
        .par_iter()
        .map(|it| {
            let mut found = Vec::new();
            if let Some(text) = sources.get(it.path) {
                words.file(it.path, &it.bands, it.sensitive, text, &mut found);
            }
            found
        })
        .collect();
    out.extend(per_file.into_iter().flatten());

    // Images need a description: screen readers read it, and a file that
    // fails to load still says what it showed.
    let bodies: Vec<(&str, &crate::model::Body)> = c.bodies().collect();
    let per_body: Vec<Vec<Diagnostic>> = bodies
        .par_iter()
        .map(|(path, body)| {
            let mut found = Vec::new();
            images(path, body, &mut found);
            found
        })
        .collect();
    out.extend(per_body.into_iter().flatten());
    for g in c.guides.iter().filter(|g| g.template) {
        out.extend(filled_in(&g.path, &g.body));
    }
    words.facts(&c.settings, &mut out);
    out.extend(classroom::classroom(c));
    for l in &c.lessons {
        let text = sources.get(&l.path).map_or("", |t| &**t);
        if l.forms.iter().all(|f| *f == Form::Talk) {
            out.push(
                Diagnostic::warning(&l.path, line_of(text, "forms:"), 1, "这节课的活动形式只有专题讲座（talk）")
                    .with_len(6)
                    .with_hint("心理健康教育活动课以活动为主，避免“学科化”\u{FF1B}加入游戏、讨论、角色扮演等形式"),
            );
        }
        if !l.phases.is_empty()
            && !l.phases.iter().any(|p| {
                rules
                    .activity
                    .words
                    .iter()
                    .any(|w| p.title.contains(w.as_str()))
            })
        {
            let line = l.phases.first().map_or(0, |p| p.line);
            out.push(
                Diagnostic::warning(&l.path, line, 1, "活动过程里看不出有学生活动的环节")
                    .with_hint("每节课至少安排一个学生动手、动口的环节（游戏、讨论、体验、演练……），并在环节标题里写明"),
            );
        }
    }
    // Sensitive lessons belong in a sequence, never alone.
    // (A set, not a scan of all lessons for each: that was quadratic.)
    let sensitive: BTreeSet<(Band, Term, u32)> = c
        .lessons
        .iter()
        .filter(|l| l.sensitive)
        .map(|l| (l.band, l.term, l.order))
        .collect();
    for l in c.lessons.iter().filter(|l| l.sensitive) {
        let neighbour = [l.order.checked_sub(1), l.order.checked_add(1)]
            .into_iter()
            .flatten()
            .any(|o| sensitive.contains(&(l.band, l.term, o)));
        if !neighbour {
            out.push(
                Diagnostic::warning(
                    &l.path,
                    l.order_line,
                    1,
                    "敏感话题的课单独出现，前后没有相连的同类课",
                )
                .with_hint("生命教育、求助等话题要放在连续两三节课的单元里讲，不要单独安排一节"),
            );
        }
    }
    // At least two parent handouts per band per term: one finding per
    // term, naming every band short of them.
    for term in Term::ALL {
        let short: Vec<String> = Band::ALL
            .iter()
            .filter(|b| c.lessons.iter().any(|l| l.band == **b && l.term == *term))
            .filter_map(|band| {
                let n = c
                    .handouts
                    .iter()
                    .filter(|h| h.term == *term && h.bands.contains(band))
                    .count();
                (n < 2).then(|| format!("{}只有 {n} 份", band.zh()))
            })
            .collect();
        if short.is_empty() {
            continue;
        }
        let file = c
            .calendars
            .iter()
            .find(|k| k.term == *term)
            .map_or("xinyu.toml", |k| k.path.as_str());
        out.push(
            Diagnostic::warning(
                file,
                0,
                0,
                format!(
                    "{}的家长读本不够\u{FF1A}{}",
                    term.zh(),
                    short.join("\u{FF0C}")
                ),
            )
            .with_hint(
                "每个学段每学期至少安排两次家庭教育指导\u{FF1B}在 parents/ 里为这些学段补写读本",
            ),
        );
    }
    hotlines(&c.settings, today, &mut out);
    out
}

/// Hotlines that nobody has verified (one finding, at the first), or not
/// for 180 days.
fn hotlines(settings: &Settings, today: Date, out: &mut Vec<Diagnostic>) {
    let unverified: Vec<_> = settings
        .hotlines
        .iter()
        .filter(|h| h.verified_on.is_none())
        .collect();
    if let Some(first) = unverified.first() {
        let (line, col) = first.at;
        let message = match unverified.as_slice() {
            [h] => format!("热线“{}”的号码 {} 还没有核实", h.name, h.number),
            all => format!(
                "有 {} 条热线还没有核实\u{FF1A}{}",
                all.len(),
                all.iter()
                    .map(|h| format!("{} {}", h.name, h.number))
                    .collect::<Vec<_>>()
                    .join("\u{FF0C}")
            ),
        };
        out.push(
            Diagnostic::warning(crate::load::settings::FILE, line, col, message)
                .with_len(first.number.chars().count() + 2)
                .with_hint(format!(
                    "请逐一打一次这些号码，确认能打通、名称和备注都对，再在每条热线下面加一行 verified_on = {today}（写核实当天的日期）"
                )),
        );
    }
    for h in &settings.hotlines {
        let (line, col) = h.at;
        if let Some(on) = h.verified_on {
            let age = (today - on).get_days();
            if age > 180 {
                out.push(
                    Diagnostic::warning(
                        crate::load::settings::FILE,
                        line,
                        col,
                        format!("“{}”的号码 {age} 天前核实过，已超过 180 天", h.name),
                    )
                    .with_len(10)
                    .with_hint("请打一次这个号码，确认仍然可用，再更新 verified_on"),
                );
            }
        }
    }
}

/// What [`run`] and [`placeholders`] find in one lesson on its own (no
/// check that compares files), for `serve` after an edit of its body.
pub fn lesson(rules: &Rules, settings: &Settings, l: &Lesson, text: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    Words::new(rules, settings).file(&l.path, &[l.band], l.sensitive, text, &mut out);
    images(&l.path, &l.body, &mut out);
    placeholders_in(&l.path, text, &mut out);
    out
}

/// Images without a description in one body, and links and images that
/// would show as text.
fn images(path: &str, body: &crate::model::Body, out: &mut Vec<Diagnostic>) {
    for b in crate::markdown::broken_links(&body.markdown, body.first_line) {
        let what = if b.image { "图片" } else { "链接" };
        let (message, why) = if b.space {
            (
                format!("{what}的文件名里有空格\u{FF0C}页面上会原样显示这串字\u{FF0C}{what}出不来"),
                "文件名有空格时要用尖括号把它括起来",
            )
        } else {
            (
                format!(
                    "{what}用了中文括号“（ ）”\u{FF0C}页面上会原样显示这串字\u{FF0C}{what}出不来"
                ),
                "方括号和圆括号都要用英文半角的",
            )
        };
        out.push(
            Diagnostic::error(path, b.line, b.column, message)
                .with_len(b.len)
                .with_hint(format!(
                    "{why}\u{FF0C}写成 {}{}",
                    b.fixed,
                    if b.space {
                        "\u{FF1B}也可以把文件改名\u{FF0C}去掉空格"
                    } else {
                        ""
                    }
                )),
        );
    }
    // Every Markdown image opens with `![`: most bodies need no parse.
    let images = if body.markdown.contains("![") {
        crate::markdown::images_without_alt(&body.markdown, body.first_line)
    } else {
        Vec::new()
    };
    for img in images {
        out.push(
            Diagnostic::warning(path, img.line, img.column, "图片没有替代文字")
                .with_len(img.len)
                .with_hint("在 ![ ] 的方括号里写一句话说明图片的内容\u{FF0C}例如 ![学生分组讨论的照片](photo.jpg)\u{FF1B}读屏软件会读出这句话\u{FF0C}图片打不开时也会显示它"),
        );
    }
}
