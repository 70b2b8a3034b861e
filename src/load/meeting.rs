//! Class-meeting scripts: `meetings/**/*.md`.

use super::fields::{check_minutes, front_matter, timed_parts};
use crate::diagnostic::Diagnostic;
use crate::markdown;
use crate::model::{LocalFacts, Meeting, Timed};
use serde::Deserialize;
use serde_saphyr::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMeeting {
    title: Spanned<String>,
    bands: Spanned<Vec<Spanned<String>>>,
    term: Spanned<String>,
    month: Spanned<u32>,
    duration: Spanned<u32>,
    roles: Spanned<Vec<Spanned<String>>>,
    areas: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    sensitive: bool,
}

/// Parses one meeting script, filling in the local facts `facts` defines
/// (see [`super::lesson::parse`]).
pub fn parse(
    rel: &str,
    text: &std::sync::Arc<str>,
    facts: Option<&LocalFacts>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Meeting> {
    let (split, raw, at) = front_matter::<RawMeeting>(rel, text, facts, diags)?;
    let before = diags.len();
    at.title(&raw.title, "写上班会主题", diags);
    let bands = at.bands(&raw.bands, diags);
    let term = at.term(&raw.term, diags);
    at.in_range(
        &raw.month,
        1..=12,
        "month",
        "month 是举行班会的月份，1 到 12",
        diags,
    );
    at.in_range(
        &raw.duration,
        10..=120,
        "duration",
        "duration 是班会的分钟数",
        diags,
    );
    let title = at.text(&raw.title, diags);
    // Roles are filled too, so `**{{心理老师}}**：` in the body (filled as
    // well) is a line of the role `{{心理老师}}`.
    let roles: Vec<String> = raw
        .roles
        .value
        .iter()
        .map(|r| at.text(r, diags).trim().to_string())
        .collect();
    if roles.is_empty() {
        diags.push(
            at.error(&raw.roles, 1, "roles 至少要写一个角色")
                .with_hint("例如 roles: [主持人甲， 主持人乙， 班主任]"),
        );
    }
    let areas = at.areas(&raw.areas, diags);

    let outline = markdown::outline(
        split.body,
        split.body_first_line,
        facts.unwrap_or(&LocalFacts::default()),
    );
    super::fields::body_facts(rel, &outline, facts, diags);
    let segments: Vec<Timed> = timed_parts(&outline);
    if segments.is_empty() {
        diags.push(
            Diagnostic::error(
                rel,
                split.body_first_line,
                1,
                "班会脚本没有任何带时间的环节",
            )
            .with_hint("每个环节写成 `## 开场（5分钟）`，各环节分钟数之和等于 duration"),
        );
    }
    let first = segments.first().map_or(split.body_first_line, |s| s.line);
    check_minutes(
        rel,
        &segments,
        raw.duration.value,
        first,
        "班会各环节",
        diags,
    );
    for line in &outline.speakers {
        if !roles.contains(&line.speaker) {
            diags.push(
                Diagnostic::error(
                    rel,
                    line.line,
                    line.column,
                    format!("发言人“{}”不在 roles 里", line.speaker),
                )
                .with_len(line.speaker.chars().count() + 4)
                .with_hint(format!(
                    "把“{}”加进 roles（现在是：{}），或改成其中一个角色",
                    line.speaker,
                    roles.join("、")
                )),
            );
        }
    }
    if super::fields::failed(&diags[before..]) {
        return None;
    }
    Some(Meeting {
        path: rel.to_string(),
        title: title.trim().to_string(),
        bands,
        term: term?,
        month: raw.month.value,
        duration: raw.duration.value,
        roles,
        areas,
        sensitive: raw.sensitive,
        segments,
        body: outline.into_body(text, split.body, split.body_first_line),
    })
}
