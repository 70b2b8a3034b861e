//! TOML files (settings and calendars) with errors that name file and line.

use crate::diagnostic::Diagnostic;
use crate::model::Date;
use crate::model::vocab::nearest;
use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::value::Datetime;

/// Line and column (1-based, in characters) of a byte offset.
pub fn position(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Deserialises a TOML file.
pub fn parse<T: DeserializeOwned>(rel: &str, text: &str) -> Result<T, Diagnostic> {
    toml::from_str::<T>(text).map_err(|e| {
        if let Some((n, s)) = super::slips::first(text, super::slips::Syntax::Toml) {
            return Diagnostic::error(rel, n, s.column, s.message)
                .with_len(s.len)
                .with_hint(s.hint);
        }
        let (line, col) = e.span().map_or((0, 0), |s| position(text, s.start));
        let len = e
            .span()
            .map_or(1, |s| text[s.clone()].chars().count().max(1));
        let msg = e.message();
        if let Some(field) = between(msg, "unknown field `", "`") {
            let expected: Vec<&str> = msg
                .split("expected")
                .nth(1)
                .map(|rest| rest.split('`').skip(1).step_by(2).collect())
                .unwrap_or_default();
            let d =
                Diagnostic::error(rel, line, col, format!("未知的设置项 `{field}`")).with_len(len);
            return match nearest(field, &expected) {
                Some(n) => d.with_hint(format!("你是不是想写 `{n}`？")),
                None if !expected.is_empty() => {
                    d.with_hint(format!("这里可以写的设置项有：{}", expected.join("、")))
                }
                None => d,
            };
        }
        if let Some(field) = between(msg, "missing field `", "`") {
            return Diagnostic::error(rel, line, col, format!("缺少必填的设置项 `{field}`"))
                .with_len(len)
                .with_hint(format!(
                    "加上 `{field} = …`，格式见用户手册的“内容格式”一章"
                ));
        }
        // TOML's bare keys are ASCII: `心理咨询室 = "…"` needs quotes.
        if msg.contains("invalid unquoted key")
            && let Some(key) = e.span().and_then(|s| text.get(s))
            && !key.is_ascii()
        {
            let key = key.trim();
            return Diagnostic::error(
                rel,
                line,
                col,
                format!("中文的名字 `{key}` 要用英文双引号括起来"),
            )
            .with_len(len)
            .with_hint(format!(
                "写成 \"{key}\" = \"……\"（TOML 的规定：等号左边的名字含有中文时要加引号）"
            ));
        }
        if let Some(rest) = msg.trim().strip_prefix("invalid type: ")
            && let Some((found, expected)) = rest.split_once(", expected ")
        {
            let value = e.span().and_then(|s| text.get(s)).unwrap_or("").trim();
            let d = Diagnostic::error(
                rel,
                line,
                col,
                format!(
                    "值的类型不对\u{FF1A}这里需要{}\u{FF0C}但写的是{}",
                    super::yaml::expected_zh(expected),
                    super::yaml::unexpected_zh(found)
                ),
            )
            .with_len(len);
            return if expected.contains("string") {
                d.with_hint(format!(
                    "文字（号码也算）要用英文双引号括起来\u{FF0C}写成 {}= \"{}\"",
                    text.lines()
                        .nth(line.saturating_sub(1))
                        .and_then(|l| l.split('=').next())
                        .unwrap_or(""),
                    value.trim_matches('"')
                ))
            } else {
                d.with_hint("数字直接写\u{FF0C}不加引号\u{FF1B}日期写成 2026-09-01")
            };
        }
        Diagnostic::error(rel, line, col, format!("TOML 格式错误：{}", msg.trim()))
            .with_len(len)
            .with_hint("日期写成 2026-09-01（不加引号），文字用英文双引号括起来")
    })
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = s.find(start)? + start.len();
    let to = s[from..].find(end)? + from;
    Some(&s[from..to])
}

/// An error at a spanned TOML value.
pub fn error_at<T>(rel: &str, text: &str, v: &Spanned<T>, msg: impl Into<String>) -> Diagnostic {
    let span = v.span();
    let (line, col) = position(text, span.start);
    Diagnostic::error(rel, line, col, msg).with_len(text[span].chars().count())
}

/// A warning at a value's place, like [`error_at`].
pub fn warning_at<T>(rel: &str, text: &str, v: &Spanned<T>, msg: impl Into<String>) -> Diagnostic {
    let span = v.span();
    let (line, col) = position(text, span.start);
    Diagnostic::warning(rel, line, col, msg).with_len(text[span].chars().count())
}

/// A calendar date from a TOML date value (`2026-09-01`, no time).
pub fn date(rel: &str, text: &str, v: &Spanned<Datetime>) -> Result<Date, Diagnostic> {
    let dt = v.get_ref();
    let bad = || {
        error_at(rel, text, v, format!("`{dt}` 不是一个日期"))
            .with_hint("日期写成 年-月-日，例如 2026-09-01，不加引号、不写时间")
    };
    let (Some(d), None) = (dt.date, dt.time) else {
        return Err(bad());
    };
    Date::new(d.year as i16, d.month as i8, d.day as i8).map_err(|_| {
        error_at(
            rel,
            text,
            v,
            format!("{}年{}月没有{}日", d.year, d.month, d.day),
        )
        .with_hint("请核对校历上的日期")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unquoted_chinese_key_gets_a_hint() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct T {
            facts: std::collections::BTreeMap<String, String>,
        }
        let e = parse::<T>("xinyu.toml", "[facts]\n心理老师 = \"王老师\"\n").unwrap_err();
        assert_eq!((e.line, e.column, e.len), (2, 1, 4));
        assert!(e.message.contains("`心理老师`"), "{e:?}");
        assert!(
            e.hint.unwrap().contains("\"心理老师\" = "),
            "the hint shows the quoted key"
        );
    }

    #[test]
    fn positions_count_characters() {
        assert_eq!(position("a\n情绪x", 8), (2, 3));
        assert_eq!(position("abc", 0), (1, 1));
    }
}
