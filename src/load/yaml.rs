//! Typed front matter from YAML, with errors a teacher can act on.

use crate::diagnostic::Diagnostic;
use crate::model::vocab::nearest;
use serde::de::DeserializeOwned;
use serde_saphyr::{Error, Location, SnippetMode};

/// Deserialises `yaml`, whose first line is line `first_line` of `rel`.
pub fn parse<T: DeserializeOwned>(
    rel: &str,
    yaml: &str,
    first_line: usize,
) -> Result<T, Diagnostic> {
    serde_saphyr::from_str::<T>(yaml).map_err(|e| {
        // A full-width colon or a Tab is the cause wherever the parser
        // stopped; say so at its place.
        if let Some((n, s)) = super::slips::first(yaml, super::slips::Syntax::Yaml) {
            return Diagnostic::error(rel, n + first_line - 1, s.column, s.message)
                .with_len(s.len)
                .with_hint(s.hint);
        }
        let d = describe(rel, yaml, &e, first_line);
        // `title: {{学校}}心理课` reads as a YAML mapping: the braces need quotes.
        let braces = yaml
            .lines()
            .nth(d.line.saturating_sub(first_line))
            .is_some_and(|l| l.contains("{{"));
        let shape = matches!(
            e.without_snippet(),
            Error::SerdeInvalidType { .. } | Error::SerdeInvalidValue { .. }
        ) || d.message.starts_with("前置信息的格式不对");
        if braces && shape {
            d.with_hint(BRACES_HINT)
        } else {
            d
        }
    })
}

/// What to do when `{{…}}` broke the YAML.
const BRACES_HINT: &str = "以 {{ 开头的值，或写在 [ ] 列表里的 {{…}}，要整个用英文双引号括起来，例如 title: \"{{心理老师}}的一封信\"、materials: [\"{{心理咨询室}}的沙盘\"]";

/// The file line of a YAML location.
pub fn line_of(loc: &Location, first_line: usize) -> usize {
    (loc.line() as usize).max(1) + first_line - 1
}

/// The column of a YAML location.
pub fn col_of(loc: &Location) -> usize {
    loc.column() as usize
}

fn describe(rel: &str, yaml: &str, e: &Error, first_line: usize) -> Diagnostic {
    let e = e.without_snippet();
    let (line, col) = e
        .location()
        .map_or((first_line, 1), |l| (line_of(&l, first_line), col_of(&l)));
    match e {
        Error::SerdeUnknownField {
            field, expected, ..
        } => {
            let d = Diagnostic::error(rel, line, col, format!("未知的字段 `{field}`"))
                .with_len(field.chars().count());
            match nearest(field, expected) {
                Some(n) => d.with_hint(format!("你是不是想写 `{n}`？")),
                None => d.with_hint(format!("这里可以写的字段有：{}", expected.join("、"))),
            }
        }
        Error::SerdeMissingField { field, .. } => Diagnostic::error(
            rel,
            first_line.saturating_sub(1).max(1),
            1,
            format!("缺少必填字段 `{field}`"),
        )
        .with_len(3)
        .with_hint(field_hint(field)),
        Error::SerdeInvalidType {
            unexpected,
            expected,
            ..
        }
        | Error::SerdeInvalidValue {
            unexpected,
            expected,
            ..
        } => Diagnostic::error(
            rel,
            line,
            col,
            format!(
                "值的类型不对：这里需要{}，但写的是{}",
                expected_zh(expected),
                unexpected_zh(unexpected)
            ),
        ),
        Error::InvalidScalar { ty, .. } => {
            let value = yaml
                .lines()
                .nth(line.saturating_sub(first_line))
                .and_then(|l| {
                    l.get(
                        l.char_indices()
                            .nth(col.saturating_sub(1))
                            .map_or(0, |(i, _)| i)..,
                    )
                })
                .unwrap_or("")
                .trim();
            Diagnostic::error(
                rel,
                line,
                col,
                format!(
                    "值的类型不对：这里需要{}，但写的是“{value}”",
                    expected_zh(ty)
                ),
            )
            .with_len(value.chars().count())
            .with_hint("数字用阿拉伯数字，例如 order: 3；是/否写 true 或 false")
        }
        Error::NullIntoString { .. } => Diagnostic::error(rel, line, col, "这里的值是空的")
            .with_hint("在冒号后面写上内容；不需要的可选字段可以整行删掉"),
        Error::DuplicateMappingKey { .. } => {
            Diagnostic::error(rel, line, col, "同一个字段写了两次").with_hint("删掉重复的那一行")
        }
        other => {
            let opts = serde_saphyr::render_options! { snippets: SnippetMode::Off };
            let text = other.render_with_options(opts);
            let text = text.lines().next().unwrap_or("");
            // The position is shown separately, with the file's own line numbers.
            let text = text.split(" at line ").next().unwrap_or(text).to_string();
            Diagnostic::error(
                rel,
                line,
                col,
                format!("前置信息的格式不对（{}）", zh_yaml_error(&text)),
            )
            .with_hint(
                "检查冒号后面是否有空格、缩进是否对齐；含有 `: ` 或 `#` 的文字请用引号括起来",
            )
        }
    }
}

/// What a missing field should look like.
/// The parser's words for what it found, in Chinese where a teacher may
/// meet them; anything else is passed on as it is.
fn zh_yaml_error(text: &str) -> String {
    for (en, zh) in [
        ("did not find expected key", "这里应该是“字段名: 值”的一行"),
        (
            "mapping values are not allowed",
            "一行里有两个“冒号加空格”，含有“: ”的文字要用引号括起来",
        ),
        ("simple key expected", "字段名后面缺少英文冒号“:”"),
        ("did not find expected node content", "冒号后面缺少内容"),
        (
            "found character that cannot start any token",
            "有一个字符不能放在开头（例如 @ 或 `），这样的文字要用引号括起来",
        ),
        ("found unexpected end of stream", "引号或括号没有配对"),
        (
            "did not find expected ',' or ']'",
            "列表的方括号没有配对，或者用了中文逗号",
        ),
        ("block indentation", "缩进没有对齐"),
        ("tabs disallowed", "用了 Tab 缩进"),
    ] {
        if text.contains(en) {
            return zh.to_string();
        }
    }
    text.to_string()
}

fn field_hint(field: &str) -> String {
    let example = match field {
        "title" => "title: 情绪气象站",
        "term" => "term: autumn    # autumn（秋季）或 spring（春季）",
        "order" => "order: 3    # 本学期第几次课",
        "duration" => "duration: 45    # 分钟，小学一般 40，中学一般 45",
        "areas" => "areas: [emotions]",
        "forms" => "forms: [game, role-play]",
        "objectives" => "objectives:\n  cognitive: …\n  affective: …\n  behavioral: …",
        "cognitive" | "affective" | "behavioral" => {
            return format!(
                "在 objectives 下面加一行 `{field}: …`（认知 / 情感 / 行为 三个目标都要写）"
            );
        }
        "bands" => "bands: [junior-high]",
        "month" => "month: 9",
        "roles" => "roles: [主持人甲， 主持人乙， 班主任]",
        "publisher" => "publisher = \"某某区教育局教研室\"",
        _ => return format!("加上 `{field}` 字段"),
    };
    format!("加上这一项，例如：\n{example}")
}

pub(super) fn expected_zh(expected: &str) -> String {
    let e = expected.trim();
    if e.contains("sequence") {
        "一个列表，例如 [a, b]".into()
    } else if e.starts_with('u') || e.starts_with('i') || e.contains("integer") {
        "一个整数".into()
    } else if e.contains("bool") {
        "true 或 false".into()
    } else if e.contains("string") || e.contains("str") {
        "一段文字".into()
    } else if e.contains("struct") || e.contains("map") {
        "一组字段（在下一行缩进两格写 字段： 值）".into()
    } else {
        e.to_string()
    }
}

pub(super) fn unexpected_zh(unexpected: &str) -> String {
    let u = unexpected.trim();
    for (en, zh) in [
        ("string", "文字"),
        ("integer", "整数"),
        ("floating point", "小数"),
        ("boolean", "布尔值"),
        ("sequence", "列表"),
        ("map", "一组字段"),
        ("unit value", "空值"),
    ] {
        if let Some(rest) = u.strip_prefix(en) {
            return format!("{zh}{rest}");
        }
    }
    u.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        title: String,
        order: u32,
    }

    #[test]
    fn unknown_field_suggests_the_nearest() {
        let e = parse::<T>("a.md", "title: x\nordre: 3\n", 2).unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("ordre"), "{e:?}");
        assert!(e.hint.unwrap().contains("`order`"));
    }

    #[test]
    fn wrong_type_names_the_line() {
        let e = parse::<T>("a.md", "title: x\norder: 三\n", 2).unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("整数"), "{e:?}");
    }

    #[test]
    fn braces_that_break_yaml_get_the_quoting_hint() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct L {
            title: String,
            materials: Vec<String>,
        }
        for yaml in [
            "title: {{心理老师}}的信\nmaterials: []\n",
            "title: x\nmaterials: [{{心理咨询室}}]\n",
            "title: x\nmaterials: [去{{心理咨询室}}]\n",
        ] {
            let e = parse::<L>("a.md", yaml, 2).unwrap_err();
            assert!(
                e.hint.as_deref().unwrap_or("").contains("双引号"),
                "{yaml}: {e:?}"
            );
        }
        let ok: L = parse(
            "a.md",
            "title: 给{{心理老师}}的信\nmaterials: [\"{{x}}\"]\n",
            2,
        )
        .unwrap();
        assert_eq!(ok.materials, ["{{x}}"]);
    }

    #[test]
    fn missing_field_is_named() {
        let e = parse::<T>("a.md", "title: x\n", 2).unwrap_err();
        assert!(e.message.contains("`order`"), "{e:?}");
    }
}
