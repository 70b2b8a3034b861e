//! The link phase: what crosses files. Duplicate slots, parent handouts
//! named by lessons, and every link and image in every body.

use crate::diagnostic::Diagnostic;
use crate::markdown::{has_scheme, is_active_url};
use crate::model::vocab::nearest;
use crate::model::{Band, Body, Curriculum, Term, normalize, parent_dir};
use percent_encoding::percent_decode_str;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Every content file found on disk, whether or not it loaded.
pub struct Known {
    /// Lessons, meetings, handouts and guides (project-relative paths).
    pub pages: BTreeSet<String>,
    /// Handouts only.
    pub handouts: BTreeSet<String>,
    /// Teacher guides only.
    pub guides: BTreeSet<String>,
}

/// Runs every cross-file check; adds referenced files outside `assets/` to
/// the curriculum's assets.
pub fn check(root: &Path, c: &mut Curriculum, known: &Known, diags: &mut Vec<Diagnostic>) {
    // Packs and print pages are named after the term: two calendars that
    // give the same name would overwrite each other's packs.
    let mut slugs: BTreeMap<String, &str> = BTreeMap::new();
    for k in &c.calendars {
        let slug = crate::model::term_slug(k);
        if let Some(first) = slugs.insert(slug.clone(), &k.path) {
            diags.push(
                Diagnostic::error(
                    &k.path,
                    1,
                    1,
                    format!("这个校历和 {first} 都对应 {slug}\u{FF0C}课程包会重名"),
                )
                .with_hint("同一学年同一学期只能有一个校历文件\u{FF1B}请删除或合并其中一个"),
            );
        }
    }
    duplicate_lessons(c, diags);
    duplicate_handouts(c, diags);
    let handouts: BTreeSet<&str> = known.handouts.iter().map(String::as_str).collect();
    for l in &c.lessons {
        let Some(p) = &l.parents else { continue };
        let resolved = normalize("", p)
            .filter(|r| handouts.contains(r.as_str()))
            .or_else(|| {
                // Also accept a path relative to the lesson file.
                normalize(parent_dir(&l.path), p).filter(|r| handouts.contains(r.as_str()))
            });
        if resolved.is_none() {
            let all: Vec<&str> = handouts.iter().copied().collect();
            let hint = match nearest(p, &all) {
                Some(n) => format!("你是不是想写 `parents: {n}`？"),
                None => "parents 写家长读本相对项目根目录的路径，例如 parents: parents/emotion-coaching.md".into(),
            };
            diags.push(
                Diagnostic::error(&l.path, l.parents_line, 10, format!("找不到家长读本 `{p}`"))
                    .with_len(p.chars().count())
                    .with_hint(hint),
            );
        }
    }
    // Normalise `parents` to the handout's project path.
    for l in &mut c.lessons {
        if let Some(p) = &l.parents {
            let fixed = normalize("", p)
                .filter(|r| handouts.contains(r.as_str()))
                .or_else(|| normalize(parent_dir(&l.path), p));
            l.parents = fixed;
        }
    }

    let pages = &known.pages;
    let mut referenced = BTreeSet::new();
    // Links are followed through symlinks only while they stay inside.
    let real_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    // Every body on its own, in parallel (on one thread this was the
    // longest step between reading the files and checking them), then
    // their findings in the bodies' order.
    let bodies: Vec<(&str, &Body)> = c.bodies().collect();
    let found: Vec<(Vec<Diagnostic>, BTreeSet<String>)> = bodies
        .par_iter()
        .map(|(path, body)| {
            let (mut d, mut r) = (Vec::new(), BTreeSet::new());
            check_body(&real_root, path, body, pages, &mut r, &mut d);
            (d, r)
        })
        .collect();
    for (d, r) in found {
        diags.extend(d);
        referenced.extend(r);
    }
    // Guides are for adults at school: a handout that parents take home
    // must not lead to one.
    for h in &c.handouts {
        for link in &h.body.links {
            let p = link.target.split(['#', '?']).next().unwrap_or("");
            let decoded = percent_decode_str(p).decode_utf8_lossy().replace('\\', "/");
            if normalize(parent_dir(&h.path), &decoded).is_some_and(|t| known.guides.contains(&t)) {
                diags.push(
                    Diagnostic::error(
                        &h.path,
                        link.line,
                        link.column,
                        format!("家长读本链接了教师指南 `{}`", link.target),
                    )
                    .with_len(link.target.chars().count() + 4)
                    .with_hint("教师指南只给学校里的老师看，不能出现在家长读本里；请删掉这个链接，需要的内容用家长能读懂的话写进读本"),
                );
            }
        }
    }
    let mut assets: BTreeSet<String> = c.assets.iter().cloned().collect();
    assets.extend(referenced);
    c.assets = assets.into_iter().collect();
}

/// Files (path, line of `order:`) that claim one band/term/order.
type ByOrder<'a> = BTreeMap<(Band, Term, u32), Vec<(&'a str, usize)>>;

/// Several lessons may share a band, term and slot when they serve
/// different grades (a lesson without `grades` serves the whole band); two
/// that serve a grade in common are an error on both, each naming the
/// other.
fn duplicate_lessons(c: &Curriculum, diags: &mut Vec<Diagnostic>) {
    let mut slots: BTreeMap<(Band, Term, u32), Vec<&crate::model::Lesson>> = BTreeMap::new();
    for l in &c.lessons {
        slots.entry((l.band, l.term, l.order)).or_default().push(l);
    }
    for ((band, term, order), lessons) in slots {
        for l in &lessons {
            let clashes: Vec<(&crate::model::Lesson, Vec<u8>)> = lessons
                .iter()
                .filter(|o| o.path != l.path)
                .filter_map(|o| {
                    let shared: Vec<u8> = l.served_grades().filter(|g| o.serves(*g)).collect();
                    (!shared.is_empty()).then_some((*o, shared))
                })
                .collect();
            if clashes.is_empty() {
                continue;
            }
            let grades: std::collections::BTreeSet<u8> = clashes
                .iter()
                .flat_map(|(_, g)| g.iter().copied())
                .collect();
            let grades: Vec<String> = grades.iter().map(u8::to_string).collect();
            let others: Vec<String> = clashes
                .iter()
                .map(|(o, _)| format!("{}:{}", o.path, o.order_line))
                .collect();
            diags.push(
                Diagnostic::error(
                    &l.path,
                    l.order_line,
                    1,
                    format!(
                        "{}{}的第 {order} 次课有 {} 份教案都适用于 {} 年级",
                        band.zh(),
                        term.zh(),
                        clashes.len() + 1,
                        grades.join("、")
                    ),
                )
                .with_len(5)
                .with_hint(format!(
                    "与 {} 的 order 相同\u{FF1B}同一课次的几份教案要分给不同的年级（grades 不能重叠\u{FF0C}不写 grades 表示整个学段）\u{FF0C}或改其中一份的 order",
                    others.join("、")
                )),
            );
        }
    }
}

fn duplicate_handouts(c: &Curriculum, diags: &mut Vec<Diagnostic>) {
    let mut seen = ByOrder::new();
    for h in &c.handouts {
        for b in &h.bands {
            seen.entry((*b, h.term, h.order))
                .or_default()
                .push((&h.path, h.order_line));
        }
    }
    let mut reported = BTreeSet::new();
    for ((band, term, order), files) in seen {
        if files.len() < 2 {
            continue;
        }
        for (path, line) in &files {
            if !reported.insert(*path) {
                continue;
            }
            let others: Vec<&str> = files
                .iter()
                .filter(|(p, _)| p != path)
                .map(|(p, _)| *p)
                .collect();
            diags.push(
                Diagnostic::error(
                    path,
                    *line,
                    1,
                    format!("{}{}的第 {order} 份家长读本重复了", band.zh(), term.zh()),
                )
                .with_len(5)
                .with_hint(format!(
                    "与 {} 的 order 相同，请改其中一份的 order",
                    others.join("、")
                )),
            );
        }
    }
}

pub(crate) fn check_body(
    root: &Path,
    path: &str,
    body: &Body,
    pages: &BTreeSet<String>,
    referenced: &mut BTreeSet<String>,
    diags: &mut Vec<Diagnostic>,
) {
    for (line, col, url) in &body.raw_html_assets {
        diags.push(
            Diagnostic::error(path, *line, *col, format!("引用了网上的资源 {url}"))
                .with_len(url.chars().count())
                .with_hint("离线课程包里不能有需要联网才能加载的图片、样式或脚本；请把文件下载后放进 assets/，再用相对路径引用"),
        );
    }
    if let Some((line, col)) = body.raw_html_too_deep {
        diags.push(
            Diagnostic::error(path, line, col, format!("HTML 标签一层套一层\u{FF0C}超过了 {} 层", crate::markdown::RAW_HTML_DEPTH))
                .with_hint("这么深的嵌套多半是从网页或 Word 复制来的\u{FF1B}请把这段改写成 Markdown（标题、列表、表格）"),
        );
    }
    for (line, col, what) in &body.raw_html_unsafe {
        diags.push(
            Diagnostic::error(path, *line, *col, format!("正文的 HTML 里有 {what}，课程包里不能带会运行的代码或嵌入的网页"))
                .with_len(what.chars().count())
                .with_hint("请删掉它；正文里只能用表格、<details>/<summary>、<ruby> 注音等不带脚本的 HTML，可用的标签见使用手册“正文里的 HTML”"),
        );
    }
    for (line, col, what) in &body.raw_html_removed {
        let (message, hint) = if what.starts_with("<svg") || what.starts_with("<math") {
            (
                format!("正文里直接写的 {what} 图形不会显示：生成网页时会被去掉"),
                "请把图形另存为 .svg 或 .png 文件放进 assets/，再用 ![图的说明](../../assets/文件名.svg) 插入".to_string(),
            )
        } else if what.starts_with("<input") {
            (
                format!("正文里的 {what} 在网页和打印稿上会变成一个不能勾的小方框\u{FF0C}不是填空的横线"),
                "学习单上要学生填写的地方请写成下划线\u{FF08}例如“我的名字：________”\u{FF09}或留出表格的空格子\u{FF1B}要打勾的方框请用 Markdown 的 - [ ] 写法".to_string(),
            )
        } else if let Some(prop) = what.strip_prefix("style 里的 ") {
            (
                format!("表格格子的 style 里只有 text-align 会保留，{prop} 会被去掉"),
                "对齐方式请用 Markdown 表格的 :-- 和 --: 来写；颜色、字号由主题决定".to_string(),
            )
        } else if what.ends_with('=') {
            let attr = what.trim_end_matches('=');
            (
                format!("HTML 属性 {attr} 生成网页时会被去掉"),
                format!(
                    "请删掉 {attr}；正文的 HTML 只保留 id、class、title 和各标签必需的属性，可用的标签和属性见使用手册“正文里的 HTML”"
                ),
            )
        } else {
            (
                format!("HTML 标签 {what} 生成网页时会被去掉，只留下它里面的文字"),
                "请改用 Markdown（标题、列表、表格、加粗），或使用手册“正文里的 HTML”列出的标签"
                    .to_string(),
            )
        };
        diags.push(
            Diagnostic::warning(path, *line, *col, message)
                .with_len(what.chars().count())
                .with_hint(hint),
        );
    }
    for link in &body.links {
        let target = link.target.trim();
        if target.is_empty() || target.starts_with('#') {
            continue;
        }
        let err = |msg: String, hint: &str| {
            Diagnostic::error(path, link.line, link.column, msg)
                .with_len(link.target.chars().count() + 4)
                .with_hint(hint)
        };
        if is_active_url(target) {
            diags.push(err(
                format!("链接 `{target}` 会运行代码或嵌入内容，不能放进课程包"),
                "链接只能指向项目里的文件，或以 https:// 开头的网址",
            ));
            continue;
        }
        if let Some(sch) = crate::markdown::scheme(target)
            && !crate::markdown::SAFE_SCHEMES.contains(&sch.as_str())
        {
            diags.push(err(
                format!("链接用了 `{sch}:`，点开可能会在学校电脑上启动别的程序"),
                "链接只能指向项目里的文件（写相对路径），或以 https:// 开头的网址、mailto: 邮箱、tel: 电话；共享文件夹里的文件请复制进项目的 assets/",
            ));
            continue;
        }
        if has_scheme(target) {
            if link.image {
                diags.push(err(
                    format!("图片来自网上：{target}"),
                    "离线课程包里不能有需要联网才能加载的图片；请把图片下载后放进 assets/，再用半角括号写 ![说明](../../assets/图片.png) 这样的相对路径",
                ));
            }
            continue;
        }
        let path_part = target.split(['#', '?']).next().unwrap_or("");
        let decoded = percent_decode_str(path_part)
            .decode_utf8_lossy()
            .replace('\\', "/");
        if decoded.starts_with('/') || decoded.chars().nth(1) == Some(':') {
            diags.push(err(
                format!("链接用了绝对路径 `{target}`"),
                "从 U 盘或别的电脑打开时绝对路径会失效；请写相对于本文件的路径，例如 ../../parents/xxx.md",
            ));
            continue;
        }
        let Some(resolved) = normalize(parent_dir(path), &decoded) else {
            diags.push(err(
                format!("链接 `{target}` 指到了项目文件夹外面"),
                "只能链接项目里的文件",
            ));
            continue;
        };
        if resolved.to_lowercase().ends_with(".md") {
            if !pages.contains(&resolved) {
                let all: Vec<&str> = pages.iter().map(String::as_str).collect();
                let hint = match nearest(&resolved, &all) {
                    Some(n) => format!(
                        "没有 {resolved} 这一页；你是不是想链接 {n}？链接路径相对于本文件所在的文件夹"
                    ),
                    None => format!("没有 {resolved} 这一页；链接路径相对于本文件所在的文件夹"),
                };
                diags.push(err(format!("链接指向的页面不存在：{target}"), &hint));
            }
            continue;
        }
        let file = root.join(&resolved);
        if file.is_file() && !is_inside(root, &file) {
            diags.push(err(
                format!("链接 `{target}` 经过符号链接指到了项目文件夹外面"),
                "只能链接项目里的文件；请把文件复制进项目（例如 assets/），不要用指向外面的符号链接",
            ));
        } else if file.is_file() {
            referenced.insert(resolved);
        } else {
            let what = if link.image { "图片" } else { "文件" };
            diags.push(err(
                format!("链接的{what}不存在：{target}"),
                &format!("找不到 {resolved}；路径相对于本文件所在的文件夹，注意大小写和扩展名"),
            ));
        }
    }
}

/// True when `path`, with every symlink resolved, lies inside `real_root`
/// (itself already resolved).
pub fn is_inside(real_root: &Path, path: &Path) -> bool {
    path.canonicalize().is_ok_and(|p| p.starts_with(real_root))
}

#[cfg(test)]
mod tests {
    use crate::model::normalize;

    #[test]
    fn normalize_resolves_and_refuses_escapes() {
        assert_eq!(
            normalize("lessons/junior-high", "../../parents/a.md").as_deref(),
            Some("parents/a.md")
        );
        assert_eq!(
            normalize("", "parents/./a.md").as_deref(),
            Some("parents/a.md")
        );
        assert_eq!(normalize("lessons", "../../etc/passwd"), None);
        assert_eq!(normalize("lessons/jh", "../../C:/Users/x.xlsx"), None);
        assert_eq!(normalize("", "a\\..\\..\\b"), None);
    }
}
