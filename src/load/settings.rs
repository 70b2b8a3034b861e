//! Project settings: `xinyu.toml`.

use super::toml_file::{self, error_at};
use crate::diagnostic::Diagnostic;
use crate::model::{Hotline, Language, Settings};
use serde::Deserialize;
use toml::Spanned;
use toml::value::Datetime;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    title: Spanned<String>,
    publisher: Spanned<String>,
    #[serde(default)]
    language: Option<Spanned<String>>,
    #[serde(default)]
    theme: Option<Spanned<String>>,
    #[serde(default)]
    hotlines: Vec<RawHotline>,
    #[serde(default)]
    minify: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHotline {
    name: String,
    number: Spanned<String>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    hours: Option<String>,
    /// Optional: a line nobody has called yet has none.
    #[serde(default)]
    verified_on: Option<Spanned<Datetime>>,
}

/// The settings file's name.
pub const FILE: &str = "xinyu.toml";

/// Parses `xinyu.toml`.
pub fn parse(text: &str, diags: &mut Vec<Diagnostic>) -> Option<Settings> {
    let raw: RawSettings = toml_file::parse(FILE, text)
        .map_err(|d| diags.push(d))
        .ok()?;
    let before = diags.len();
    for (field, v) in [("title", &raw.title), ("publisher", &raw.publisher)] {
        if v.get_ref().trim().is_empty() {
            diags.push(error_at(FILE, text, v, format!("{field} 不能为空")));
        }
    }
    let language = match &raw.language {
        None => Language::ZhHans,
        Some(l) => match l.get_ref().as_str() {
            "zh-Hans" | "zh-CN" | "zh" => Language::ZhHans,
            "zh-Hant" | "zh-TW" | "zh-HK" => Language::ZhHant,
            "en" => Language::En,
            other => {
                diags.push(
                    error_at(FILE, text, l, format!("不支持的界面语言 `{other}`"))
                        .with_hint("可用的值：zh-Hans（简体，默认）、zh-Hant（繁体）、en"),
                );
                Language::ZhHans
            }
        },
    };
    let theme = match &raw.theme {
        None => "default".to_string(),
        Some(t) => {
            let name = t.get_ref().trim();
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                diags.push(
                    error_at(FILE, text, t, format!("主题名 `{name}` 不可用"))
                        .with_hint("主题名是 themes/ 下的文件夹名，只用英文字母、数字、- 和 _"),
                );
            }
            name.to_string()
        }
    };
    if raw.hotlines.is_empty() {
        diags.push(
            Diagnostic::error(FILE, 1, 1, "至少要有一条求助热线 [[hotlines]]").with_hint(
                "每个页面的求助信息都会列出这些热线，例如：\n[[hotlines]]\nname = \"全国统一心理援助热线\"\nnumber = \"12356\"\nverified_on = 2026-11-01",
            ),
        );
    }
    let mut hotlines = Vec::new();
    for h in raw.hotlines {
        let number = h.number.get_ref().trim().to_string();
        if number.is_empty()
            || !number
                .chars()
                .all(|c| c.is_ascii_digit() || c == '-' || c == ' ')
        {
            diags.push(
                error_at(
                    FILE,
                    text,
                    &h.number,
                    format!("热线号码 `{number}` 格式不对"),
                )
                .with_hint("号码只写数字和连字符，例如 \"12356\" 或 \"010-82951332\""),
            );
        }
        let verified_on = match &h.verified_on {
            None => None,
            Some(v) => match toml_file::date(FILE, text, v) {
                Ok(d) => Some(d),
                Err(d) => {
                    diags.push(d);
                    continue;
                }
            },
        };
        let at = match &h.verified_on {
            Some(v) => toml_file::position(text, v.span().start),
            None => toml_file::position(text, h.number.span().start),
        };
        hotlines.push(Hotline {
            name: h.name.trim().to_string(),
            number,
            note: h.note.filter(|s| !s.trim().is_empty()),
            hours: h.hours.filter(|s| !s.trim().is_empty()),
            verified_on,
            at,
        });
    }
    if diags.len() > before {
        return None;
    }
    Some(Settings {
        title: raw.title.into_inner().trim().to_string(),
        publisher: raw.publisher.into_inner().trim().to_string(),
        language,
        theme,
        hotlines,
        minify: raw.minify,
    })
}
