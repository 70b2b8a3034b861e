//! Lesson plans: `lessons/<band>/…/*.md`.

use super::fields::check_minutes;
use crate::diagnostic::Diagnostic;
use crate::markdown::{self, Outline};
use crate::model::{Band, Form, Lesson, LocalFacts, Objectives, Timed};
use serde::Deserialize;
use serde_saphyr::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLesson {
    title: Spanned<String>,
    #[serde(default)]
    grades: Option<Spanned<Vec<Spanned<u8>>>>,
    term: Spanned<String>,
    order: Spanned<u32>,
    duration: Spanned<u32>,
    areas: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    topics: Vec<Spanned<String>>,
    forms: Spanned<Vec<Spanned<String>>>,
    objectives: Spanned<RawObjectives>,
    #[serde(default)]
    key_points: Option<Spanned<String>>,
    #[serde(default)]
    difficulties: Option<Spanned<String>>,
    #[serde(default)]
    materials: Vec<Spanned<String>>,
    #[serde(default)]
    parents: Option<Spanned<String>>,
    #[serde(default)]
    sensitive: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawObjectives {
    #[serde(alias = "认知")]
    cognitive: Spanned<String>,
    #[serde(alias = "情感")]
    affective: Spanned<String>,
    #[serde(alias = "行为")]
    behavioral: Spanned<String>,
}

/// The `##` headings that hold the timed phases.
const PROCESS_HEADINGS: &[&str] = &["活动过程", "教学过程"];

/// Parses one lesson file, filling in the local facts `facts` defines
/// (`None`: the settings could not be read; references stay unchecked).
/// Problems go to `diags`; `None` when the file cannot become a lesson.
pub fn parse(
    rel: &str,
    band: Band,
    text: &std::sync::Arc<str>,
    facts: Option<&LocalFacts>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Lesson> {
    let (split, raw, at) = super::fields::front_matter::<RawLesson>(rel, text, facts, diags)?;
    let before = diags.len();
    at.title(&raw.title, "写上课题，例如 title: 情绪气象站", diags);
    let term = at.term(&raw.term, diags);
    at.in_range(
        &raw.order,
        1..=99_999,
        "order",
        "order 是这节课在本学段本学期的第几次课（课次），从 1 开始",
        diags,
    );
    at.in_range(
        &raw.duration,
        10..=120,
        "duration",
        "duration 是一节课的分钟数，小学一般 40，中学一般 45",
        diags,
    );
    let mut grades = Vec::new();
    if let Some(g) = &raw.grades {
        for grade in &g.value {
            if band.grades().contains(&grade.value) {
                grades.push(grade.value);
            } else {
                diags.push(
                    at.error(grade, grade.value.to_string().len(), format!(
                        "{} 年级不在{}（{}–{} 年级）内",
                        grade.value,
                        band.zh(),
                        band.grades().start(),
                        band.grades().end()
                    ))
                    .with_hint(format!(
                        "这个文件在 lessons/{}/ 下，grades 只能写 {} 到 {}；或者把文件移到对应学段的文件夹",
                        band.slug(),
                        band.grades().start(),
                        band.grades().end()
                    )),
                );
            }
        }
        grades.sort();
        grades.dedup();
    }
    let areas = at.areas(&raw.areas, diags);
    let forms = at.words(
        &raw.forms,
        Form::parse,
        &Form::spellings(),
        &Form::slugs(),
        "forms",
        "活动形式",
        diags,
    );
    let o = &raw.objectives.value;
    for (name, value) in [
        ("cognitive", &o.cognitive),
        ("affective", &o.affective),
        ("behavioral", &o.behavioral),
    ] {
        if value.value.trim().is_empty() {
            diags.push(
                at.error(&raw.objectives, 10, format!("objectives.{name} 不能为空"))
                    .with_hint(
                        "认知（cognitive）、情感（affective）、行为（behavioral）三个目标都要写",
                    ),
            );
        }
    }
    let parents = raw
        .parents
        .as_ref()
        .map(|p| p.value.trim().replace('\\', "/"));
    let parents_line = raw.parents.as_ref().map_or(0, |p| at.line(p));

    let title = at.text(&raw.title, diags);
    let objectives = Objectives {
        cognitive: at.text(&o.cognitive, diags).trim().to_string(),
        affective: at.text(&o.affective, diags).trim().to_string(),
        behavioral: at.text(&o.behavioral, diags).trim().to_string(),
    };
    let key_points = raw.key_points.as_ref().map(|v| at.text(v, diags));
    let difficulties = raw.difficulties.as_ref().map(|v| at.text(v, diags));
    let topics = at.texts(&raw.topics, diags);
    let materials = at.texts(&raw.materials, diags);

    let outline = markdown::outline(
        split.body,
        split.body_first_line,
        facts.unwrap_or(&LocalFacts::default()),
    );
    super::fields::body_facts(rel, &outline, facts, diags);
    let phases = phases(rel, &outline, diags);
    let process_line = outline
        .headings
        .iter()
        .find(|h| h.level == 2 && PROCESS_HEADINGS.contains(&h.text.as_str()))
        .map_or(split.body_first_line, |h| h.line);
    check_minutes(
        rel,
        &phases,
        raw.duration.value,
        process_line,
        "活动过程各环节",
        diags,
    );

    if super::fields::failed(&diags[before..]) {
        return None;
    }
    Some(Lesson {
        path: rel.to_string(),
        band,
        title: title.trim().to_string(),
        grades,
        term: term?,
        order: raw.order.value,
        duration: raw.duration.value,
        areas,
        topics,
        forms,
        objectives,
        key_points: key_points.filter(|s| !s.trim().is_empty()),
        difficulties: difficulties.filter(|s| !s.trim().is_empty()),
        materials,
        parents,
        sensitive: raw.sensitive,
        phases,
        body: outline.into_body(text, split.body, split.body_first_line),
        order_line: at.line(&raw.order),
        parents_line,
    })
}

/// The timed `###` phases under `## 活动过程`.
fn phases(rel: &str, outline: &Outline, diags: &mut Vec<Diagnostic>) -> Vec<Timed> {
    let Some(start) = outline
        .headings
        .iter()
        .position(|h| h.level == 2 && PROCESS_HEADINGS.contains(&h.text.as_str()))
    else {
        let line = outline.headings.first().map_or(0, |h| h.line);
        diags.push(
            Diagnostic::error(rel, line, 1, "教案缺少 `## 活动过程` 部分")
                .with_hint("加一个 `## 活动过程` 标题，每个环节写成 `### 暖身导入：……（5分钟）`，各环节分钟数之和等于 duration"),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for h in outline.headings[start + 1..]
        .iter()
        .take_while(|h| h.level > 2)
    {
        if h.level != 3 {
            continue;
        }
        match markdown::split_minutes(&h.text) {
            Some((title, minutes)) => out.push(Timed {
                title,
                minutes,
                line: h.line,
            }),
            None => diags.push(
                Diagnostic::error(rel, h.line, 1, format!("环节“{}”没有写时间", h.text))
                    .with_len(h.text.chars().count() + 4)
                    .with_hint(time_hint(&h.text)),
            ),
        }
    }
    if out.is_empty() && !diags.iter().any(|d| d.file == rel) {
        diags.push(
            Diagnostic::error(
                rel,
                outline.headings[start].line,
                1,
                "`## 活动过程` 下面没有任何环节",
            )
            .with_hint("每个环节写成 `### 暖身导入：……（5分钟）`"),
        );
    }
    out
}

/// What to write for a phase heading without a time the tool can read.
/// A time written in Chinese numerals (`（五分钟）`) gets the same heading
/// with the number in digits, never a second time after it.
fn time_hint(heading: &str) -> String {
    let trimmed = heading.trim_end();
    let open = trimmed.rfind(['（', '(']);
    if let Some(i) = open
        && trimmed.ends_with(['）', ')'])
    {
        let inner = &trimmed[i..].trim_start_matches(['（', '(']);
        let inner = inner.trim_end_matches(['）', ')']);
        if inner.contains('分') {
            let title = trimmed[..i].trim_end();
            let minutes = chinese_minutes(inner).unwrap_or(10);
            return format!("分钟数要用阿拉伯数字写：改成 `### {title}（{minutes}分钟）`");
        }
    }
    format!("在标题末尾写上分钟数，例如 `### {trimmed}（10分钟）`")
}

/// `五分钟` → 5, `十五分钟` → 15, `二十分` → 20; `None` when unreadable.
fn chinese_minutes(s: &str) -> Option<u32> {
    let digit = |c: char| {
        "零一二三四五六七八九"
            .chars()
            .position(|d| d == c)
            .map(|i| i as u32)
    };
    let s = s.split('分').next()?.trim();
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        ['十'] => Some(10),
        [d] => digit(*d),
        ['十', d] => Some(10 + digit(*d)?),
        [t, '十'] => Some(digit(*t)? * 10),
        [t, '十', d] => Some(digit(*t)? * 10 + digit(*d)?),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_in_chinese_numerals_is_rewritten_not_repeated() {
        assert_eq!(
            time_hint("暖身：情绪天气预报（五分钟）"),
            "分钟数要用阿拉伯数字写：改成 `### 暖身：情绪天气预报（5分钟）`"
        );
        assert!(time_hint("分享（十五分）").contains("（15分钟）"));
        assert!(time_hint("总结升华").contains("### 总结升华（10分钟）"));
        assert_eq!(chinese_minutes("二十五分钟"), Some(25));
    }
    use crate::diagnostic::Severity;

    const LESSON: &str = "---\ntitle: 找{{心理老师}}\nterm: autumn\norder: 1\nduration: 40\nareas: [self]\nforms: [game]\nobjectives:\n  cognitive: 知道\n  affective: 愿意\n  behavioral: 会\n---\n\n## 活动过程\n\n### 游戏（40分钟）\n\n";

    fn facts() -> LocalFacts {
        LocalFacts::one("心理老师", "王老师")
    }

    #[test]
    fn a_reference_in_raw_html_is_a_warning_and_the_lesson_loads() {
        let text = format!("{LESSON}<div title=\"{{{{心理老师}}}}\">\n块\n</div>\n");
        let mut d = Vec::new();
        let l = parse(
            "lessons/lower-primary/a.md",
            Band::LowerPrimary,
            &text.as_str().into(),
            Some(&facts()),
            &mut d,
        );
        assert_eq!(l.map(|l| l.title), Some("找王老师".to_string()));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(
            (d[0].severity, d[0].line, d[0].column),
            (Severity::Warning, 18, 13)
        );
    }

    #[test]
    fn without_settings_references_are_left_alone() {
        let mut d = Vec::new();
        let text = format!("{LESSON}{{{{未定义}}}}\n");
        let l = parse(
            "lessons/lower-primary/a.md",
            Band::LowerPrimary,
            &text.as_str().into(),
            None,
            &mut d,
        );
        assert_eq!(l.map(|l| l.title), Some("找{{心理老师}}".to_string()));
        assert!(d.is_empty(), "{d:?}");
    }
}
