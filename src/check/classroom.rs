//! The classroom view's checks: a 投影 block that holds the teacher's text
//! (the class would read it on the screen), and, once a project marks what
//! the class sees anywhere, a lesson or meeting whose classroom view would
//! show only titles. The second is one warning per file of kind [`KIND`],
//! folded into one finding when many files lack it.
//!
//! Must not: change what the view shows (`render::pages::classroom` does).

use crate::diagnostic::Diagnostic;
use crate::markdown::{self, RenderOptions};
use crate::model::{Body, Curriculum, Timed};
use rayon::prelude::*;

/// The kind of the "nothing marked for the class" warning, for folding.
pub const KIND: &str = "classroom-empty";

/// What only the teacher should read, as lessons write it.
const TEACHER_ONLY: &[&str] = &[
    "教师提示",
    "**教师**",
    "教师：",
    "教师讲述",
    "示例",
    "预设",
    "参考答案",
    "参考：",
    "设计意图",
    "主持人提示",
];

/// The classroom checks of every lesson and meeting of `c`.
pub fn classroom(c: &Curriculum) -> Vec<Diagnostic> {
    let docs: Vec<(&str, &Body, &[Timed])> = c
        .lessons
        .iter()
        .map(|l| (l.path.as_str(), &l.body, l.phases.as_slice()))
        .chain(
            c.meetings
                .iter()
                .map(|m| (m.path.as_str(), &m.body, m.segments.as_slice())),
        )
        .collect();
    // Each file in parallel: its teacher-text warnings, whether it has a
    // 投影 block, and its "only titles" warning; gathered in file order.
    let per_doc: Vec<(Vec<Diagnostic>, bool, Option<Diagnostic>)> = docs
        .par_iter()
        .map(|&(path, body, parts)| {
            let blocks =
                markdown::projections(&body.markdown, body.first_line, RenderOptions::default());
            let mut teacher = Vec::new();
            for b in &blocks {
                teacher_text(path, b.line, &b.source, &mut teacher);
            }
            let shown = parts
                .iter()
                .any(|p| blocks.iter().any(|b| b.under.contains(&p.line)));
            let empty = parts.first().filter(|_| !shown).map(|first| {
                Diagnostic::warning(path, first.line, 1, "课堂投影的每一屏都只有标题")
                    .with_kind(KIND)
                    .with_hint("在环节里加一段以“> 投影：”开头的引用，写学生要看的任务、问题或规则\u{FF1B}教师的话、参考答案不要放进去")
            });
            (teacher, !blocks.is_empty(), empty)
        })
        .collect();
    let adopted = per_doc.iter().any(|(_, has, _)| *has);
    let mut out = Vec::new();
    let mut empty = Vec::new();
    for (teacher, _, e) in per_doc {
        out.extend(teacher);
        empty.extend(e);
    }
    if adopted {
        out.extend(empty);
    }
    out
}

/// A warning for each line of a 投影 block (starting at file line `line`)
/// that holds a teacher-only marker.
fn teacher_text(path: &str, line: usize, source: &str, out: &mut Vec<Diagnostic>) {
    for (k, text) in source.lines().enumerate() {
        if let Some(m) = TEACHER_ONLY.iter().find(|m| text.contains(*m)) {
            let column = text[..text.find(m).unwrap_or(0)].chars().count() + 1;
            out.push(
                Diagnostic::warning(
                    path,
                    line + k,
                    column,
                    format!("投影给学生看的内容里有“{m}”"),
                )
                .with_len(m.chars().count())
                .with_hint("投影块里的字会显示在教室大屏上\u{FF1B}把教师的话、示例和参考答案移到投影块外面"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn teacher_markers_are_found_on_their_line() {
        let mut out = Vec::new();
        teacher_text(
            "a.md",
            10,
            "> 投影：想一想\n>\n> 参考答案：开心\n",
            &mut out,
        );
        assert_eq!(out.len(), 1);
        assert_eq!((out[0].line, out[0].column), (12, 3));
        assert!(out[0].message.contains("参考答案"));
    }
}
