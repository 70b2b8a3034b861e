//! Teacher guides (教师指南): `guides/**/*.md`.

use super::fields::{check_minutes, front_matter, timed_parts};
use crate::diagnostic::Diagnostic;
use crate::markdown;
use crate::model::{Audience, Guide, LocalFacts};
use serde::Deserialize;
use serde_saphyr::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGuide {
    title: Spanned<String>,
    audience: Spanned<Vec<Spanned<String>>>,
    bands: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    month: Option<Spanned<u32>>,
    #[serde(default)]
    duration: Option<Spanned<u32>>,
    #[serde(default)]
    template: bool,
    #[serde(default)]
    sensitive: bool,
}

/// Parses one teacher guide, filling in the local facts `facts` defines
/// (see [`super::lesson::parse`]).
pub fn parse(
    rel: &str,
    text: &std::sync::Arc<str>,
    facts: Option<&LocalFacts>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Guide> {
    let (split, raw, at) = front_matter::<RawGuide>(rel, text, facts, diags)?;
    let before = diags.len();
    let title = at.text(&raw.title, diags);
    at.title(&raw.title, "写上指南的标题", diags);
    let audiences = at.words(
        &raw.audience,
        Audience::parse,
        &Audience::spellings(),
        &Audience::slugs(),
        "audience",
        "读者（班主任、心理教师、学校管理者、心理委员）",
        diags,
    );
    let bands = at.bands(&raw.bands, diags);
    if let Some(m) = &raw.month {
        at.in_range(
            m,
            1..=12,
            "month",
            "month 是使用这份指南的月份，1 到 12；不限月份就不写",
            diags,
        );
    }
    if let Some(d) = &raw.duration {
        at.in_range(
            d,
            10..=600,
            "duration",
            "duration 是培训的总分钟数；不是培训课就不写",
            diags,
        );
    }
    let outline = markdown::outline(
        split.body,
        split.body_first_line,
        facts.unwrap_or(&LocalFacts::default()),
    );
    super::fields::body_facts(rel, &outline, facts, diags);
    // A training session is timed like a meeting: `## 第一讲：倾听（20分钟）`.
    let sections = timed_parts(&outline);
    match (&raw.duration, sections.first()) {
        (Some(d), Some(first)) => {
            check_minutes(rel, &sections, d.value, first.line, "指南各部分", diags);
        }
        (Some(d), None) => diags.push(
            at.error(d, 1, "写了 duration，但正文没有带时间的部分")
                .with_hint("培训的每一部分写成 `## 第一讲：学会倾听（20分钟）`，分钟数之和等于 duration；不是培训就删掉 duration"),
        ),
        (None, Some(first)) => diags.push(
            Diagnostic::error(rel, first.line, 1, "正文有带时间的部分，但前置信息里没有 duration")
                .with_hint("在前置信息里加上 duration（各部分分钟数之和），这样才能核对时间"),
        ),
        (None, None) => {}
    }
    if super::fields::failed(&diags[before..]) {
        return None;
    }
    Some(Guide {
        path: rel.to_string(),
        title: title.trim().to_string(),
        audiences,
        bands,
        month: raw.month.map(|m| m.value),
        duration: raw.duration.map(|d| d.value),
        template: raw.template,
        sensitive: raw.sensitive,
        sections,
        body: outline.into_body(text, split.body, split.body_first_line),
    })
}
