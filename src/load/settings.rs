//! Project settings: `xinyu.toml`.

use super::toml_file::{self, error_at, warning_at};
use crate::diagnostic::Diagnostic;
use crate::model::facts::{self, Fact, LocalFacts};
use crate::model::{Hotline, Language, Settings};
use serde::Deserialize;
use std::collections::BTreeMap;
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
    facts: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
    #[serde(default)]
    minify: Option<Spanned<bool>>,
    #[serde(default)]
    public_key: Option<Spanned<String>>,
    #[serde(default)]
    images: Option<RawImages>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawImages {
    #[serde(default)]
    max_kb: Option<Spanned<i64>>,
    #[serde(default)]
    shrink: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHotline {
    name: Spanned<String>,
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
    let mut hotlines: Vec<Hotline> = Vec::new();
    for h in raw.hotlines {
        let name = h.name.get_ref().trim().to_string();
        // Content refers to a hotline by its name.
        if hotlines.iter().any(|o| o.name == name) {
            diags.push(
                error_at(FILE, text, &h.name, format!("热线“{name}”写了两次"))
                    .with_hint("每条热线的名字要不同：求助信息按名字列出热线，内容里也用 {{名字}} 引用热线的号码"),
            );
        }
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
            name,
            number,
            note: h.note.filter(|s| !s.trim().is_empty()),
            hours: h.hours.filter(|s| !s.trim().is_empty()),
            verified_on,
            at,
        });
    }
    let public_key = raw.public_key.as_ref().and_then(|k| {
        match crate::signing::public_key(k.get_ref()) {
            Ok(pk) => Some(pk.to_base64()),
            Err(why) => {
                diags.push(
                    error_at(FILE, text, k, format!("public_key 写得不对\u{FF1A}{why}"))
                        .with_hint("例如 public_key = \"RWQ…\"\u{FF1B}用 xinyu keygen 生成密钥\u{FF0C}把它打印的那一行原样抄过来"),
                );
                None
            }
        }
    });
    let mut images = crate::model::Images::default();
    if let Some(i) = &raw.images {
        images.shrink = i.shrink;
        if let Some(kb) = &i.max_kb {
            match u64::try_from(*kb.get_ref()) {
                Ok(v @ 10..=1_048_576) => images.max_kb = v,
                _ => diags.push(
                    error_at(FILE, text, kb, format!("max_kb = {} 不合适\u{FF1A}要在 10 到 1048576 之间", kb.get_ref()))
                        .with_hint("它是图片的大小上限，单位 KB\u{FF1B}例如 max_kb = 1024 表示超过 1 MB 的图片会得到提醒"),
                ),
            }
        }
    }
    let declared = facts(text, raw.facts, &hotlines, diags);
    if diags.len() > before {
        return None;
    }
    let facts = LocalFacts::new(declared, &hotlines);
    // A warning, not a refusal: pushed after the errors are counted.
    let mut warnings = Vec::new();
    if let Some(m) = &raw.minify
        && *m.get_ref()
        && !cfg!(feature = "minify")
    {
        warnings.push(
            warning_at(FILE, text, m, "这个 xinyu 没有带压缩网页的功能\u{FF0C}minify = true 不起作用\u{FF1A}网页照常生成\u{FF0C}只是不压缩")
                .with_hint("压缩只让网站小 2% 左右\u{FF0C}课程包本来就是压缩包\u{FF1B}可以删掉这一行。确实需要时\u{FF0C}请用 cargo build --release --features minify 编译 xinyu"),
        );
    }
    diags.extend(warnings);
    Some(Settings {
        title: raw.title.into_inner().trim().to_string(),
        publisher: raw.publisher.into_inner().trim().to_string(),
        language,
        theme,
        hotlines,
        facts,
        minify: raw.minify.as_ref().is_some_and(|m| *m.get_ref()),
        public_key,
        images,
    })
}

/// The `public_key` of a `xinyu.toml` (for `xinyu verify` run inside a
/// project), without loading the rest: `Err` says what is wrong with it.
pub fn public_key_of(text: &str) -> Result<Option<String>, String> {
    let Ok(table) = text.parse::<toml::Table>() else {
        return Ok(None);
    };
    match table.get("public_key") {
        None => Ok(None),
        Some(toml::Value::String(k)) => {
            crate::signing::public_key(k).map(|pk| Some(pk.to_base64()))
        }
        Some(_) => Err("public_key 要用英文双引号括起来".to_string()),
    }
}

/// The `[facts]` table, checked: names a reference can reach, one-line
/// values, no name shared with a hotline. A value may refer to a hotline
/// (`"热线" = "{{全国统一心理援助热线}}"`), never to another fact.
fn facts(
    text: &str,
    raw: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
    hotlines: &[Hotline],
    diags: &mut Vec<Diagnostic>,
) -> Vec<Fact> {
    let only_hotlines = LocalFacts::new(Vec::new(), hotlines);
    let hotline_names = only_hotlines.names();
    let mut out = Vec::new();
    for (key, value) in &raw {
        let name = key.get_ref();
        if !facts::valid_name(name) {
            diags.push(
                error_at(FILE, text, key, format!("本地信息的名字“{name}”不能用"))
                    .with_hint("名字不能是空的，不能有 { } 或换行，前后不要有空格，例如 \"心理咨询室\" = \"行政楼二楼\""),
            );
            continue;
        }
        if hotline_names.contains(&name.as_str()) {
            diags.push(
                error_at(FILE, text, key, format!("本地信息“{name}”和一条热线同名"))
                    .with_hint(format!("热线可以直接写成 {{{{{name}}}}} 引用，得到它的号码；请删掉这一项，或换一个名字")),
            );
            continue;
        }
        let Some(v) = value.get_ref().as_str() else {
            diags.push(
                error_at(
                    FILE,
                    text,
                    value,
                    format!("本地信息“{name}”的值要写成带引号的文字"),
                )
                .with_hint(format!("例如 \"{name}\" = \"12356\"：号码也要加英文双引号")),
            );
            continue;
        };
        let v = v.trim();
        if v.is_empty() {
            diags.push(
                error_at(FILE, text, value, format!("本地信息“{name}”的值是空的"))
                    .with_hint("写上页面上要显示的内容；用不到的本地信息可以整行删掉"),
            );
            continue;
        }
        if v.contains(['\n', '\r']) {
            diags.push(
                error_at(FILE, text, value, format!("本地信息“{name}”的值有好几行"))
                    .with_hint("它会出现在一句话中间，只能写一行；较长的说明请写在课程文件里"),
            );
            continue;
        }
        let span = value.span();
        let (line, column) = toml_file::position(text, span.start);
        let mut ok = true;
        for r in facts::references(v).into_iter().filter(|r| !r.backslash) {
            if only_hotlines.get(r.name).is_some() {
                continue;
            }
            ok = false;
            let raw_ref = &v[r.range.clone()];
            let at = text[span.clone()]
                .find(raw_ref)
                .map_or(span.start, |i| span.start + i);
            let (l, c) = toml_file::position(text, at);
            let d = if raw.keys().any(|k| k.get_ref() == r.name) {
                Diagnostic::error(
                    FILE,
                    l,
                    c,
                    format!("本地信息的值里不能再引用本地信息 `{raw_ref}`"),
                )
                .with_hint("值里只能引用热线（得到它的号码）；请把内容直接写出来")
            } else {
                super::fields::unknown_fact(FILE, l, c, raw_ref, r.name, &hotline_names)
            };
            diags.push(d.with_len(raw_ref.chars().count()));
        }
        if ok {
            out.push(Fact {
                name: name.clone(),
                value: only_hotlines.fill(v).into_owned(),
                line,
                column,
            });
        }
    }
    out.sort_by_key(|f| (f.line, f.column));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "title = \"t\"\npublisher = \"p\"\n\n[[hotlines]]\nname = \"全国统一心理援助热线\"\nnumber = \"12356\"\nverified_on = 2026-11-01\n\n[facts]\n";

    fn parse_facts(table: &str) -> Result<Settings, Vec<Diagnostic>> {
        let mut d = Vec::new();
        parse(&format!("{HEAD}{table}"), &mut d).ok_or(d)
    }

    #[test]
    fn minify_without_the_feature_is_a_warning_at_its_line_and_images_have_limits() {
        let mut d = Vec::new();
        let s = parse(&format!("minify = true\n{HEAD}"), &mut d).unwrap();
        assert!(s.minify);
        if cfg!(feature = "minify") {
            assert!(d.is_empty(), "{d:?}");
        } else {
            assert_eq!(d.len(), 1, "{d:?}");
            assert_eq!(
                (d[0].line, d[0].severity),
                (1, crate::diagnostic::Severity::Warning)
            );
            assert!(
                d[0].message.contains("minify = true 不起作用"),
                "{}",
                d[0].message
            );
        }
        let mut d = Vec::new();
        let s = parse(
            &format!("{HEAD}\n[images]\nmax_kb = 500\nshrink = true\n"),
            &mut d,
        )
        .unwrap();
        assert_eq!(
            s.images,
            crate::model::Images {
                max_kb: 500,
                shrink: true
            }
        );
        let mut d = Vec::new();
        assert!(parse(&format!("{HEAD}\n[images]\nmax_kb = 0\n"), &mut d).is_none());
        assert!(d[0].message.contains("max_kb = 0 不合适"), "{d:?}");
    }

    #[test]
    fn facts_and_hotlines_are_referable() {
        let s = parse_facts(
            "\"心理老师\" = \"王老师\"\n\"热线\" = \"{{全国统一心理援助热线}}（全国统一）\"\n",
        )
        .unwrap();
        let f = &s.facts;
        assert_eq!(f.get("心理老师"), Some("王老师"));
        assert_eq!(f.get("热线"), Some("12356（全国统一）"));
        assert_eq!(f.get("全国统一心理援助热线"), Some("12356"));
        let names: Vec<&str> = f.declared.iter().map(|x| x.name.as_str()).collect();
        assert_eq!(names, ["心理老师", "热线"], "file order");
        assert_eq!((f.declared[0].line, f.declared[0].column), (10, 10));
    }

    #[test]
    fn bad_facts_are_reported_at_their_place() {
        let cases = [
            ("\" 热线\" = \"1\"\n", (10, 1), "名字"),
            (
                "\"全国统一心理援助热线\" = \"1\"\n",
                (10, 1),
                "和一条热线同名",
            ),
            ("\"热线\" = 12356\n", (10, 8), "带引号的文字"),
            ("\"热线\" = \" \"\n", (10, 8), "是空的"),
            ("\"热线\" = \"\"\"\n一\n二\"\"\"\n", (10, 8), "好几行"),
            (
                "\"a\" = \"x\"\n\"b\" = \"见{{a}}\"\n",
                (11, 9),
                "不能再引用本地信息",
            ),
            (
                "\"b\" = \"拨{{全国统一心理援助热钱}}\"\n",
                (10, 9),
                "没有定义的本地信息",
            ),
        ];
        for (table, (line, col), msg) in cases {
            let d = parse_facts(table).err().unwrap_or_default();
            assert_eq!(d.len(), 1, "{table}: {d:?}");
            assert_eq!((d[0].line, d[0].column), (line, col), "{table}: {d:?}");
            assert!(d[0].message.contains(msg), "{table}: {d:?}");
        }
        let d = parse_facts("\"b\" = \"拨{{全国统一心理援助热钱}}\"\n").unwrap_err();
        assert!(
            d[0].hint
                .as_deref()
                .unwrap()
                .contains("`{{全国统一心理援助热线}}`"),
            "{d:?}"
        );
        // A literal `{{` in a value stays, without its backslash.
        let s = parse_facts("\"a\" = '写成 \\{{热线}}'\n").unwrap();
        assert_eq!(s.facts.get("a"), Some("写成 {{热线}}"));
    }

    #[test]
    fn two_hotlines_of_one_name_are_an_error() {
        let mut d = Vec::new();
        let twice = format!(
            "{}\n[[hotlines]]\nname = \"全国统一心理援助热线\"\nnumber = \"1\"\nverified_on = 2026-11-01\n",
            HEAD.trim_end_matches("[facts]\n")
        );
        assert!(parse(&twice, &mut d).is_none());
        assert!(d[0].message.contains("写了两次"), "{d:?}");
    }
}
