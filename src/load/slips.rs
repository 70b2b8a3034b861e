//! The slips a Chinese typist makes in front matter and settings, found in
//! the line a parser choked on: the input method's full-width colon, a Tab
//! from Word or WPS, curly quotes. Parsers describe these in English and
//! at the wrong place ("simple key expected ':'", "string values must be
//! quoted"); this names the character, where it is and what to type.

/// One slip: where it is in its line and what to say about it.
#[derive(Debug, PartialEq, Eq)]
pub struct Slip {
    /// 1-based column, in characters.
    pub column: usize,
    /// Characters to underline.
    pub len: usize,
    pub message: String,
    pub hint: String,
}

/// Which file format the line belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    /// Front matter (`key: value`).
    Yaml,
    /// `xinyu.toml` and calendars (`key = "value"`).
    Toml,
}

/// The first slip in `line`, if any.
pub fn find(line: &str, syntax: Syntax) -> Option<Slip> {
    let col = |byte: usize| line[..byte].chars().count() + 1;
    let key_end = line.find([':', '=']).unwrap_or(line.len()).min(
        line.find(['：', '＝'])
            .map_or(line.len(), |i| i + '：'.len_utf8()),
    );
    // A full-width colon or equals sign right after a key.
    for (bad, good) in [('：', ':'), ('＝', '=')] {
        if let Some(at) = line[..key_end].find(bad) {
            let key = line[..at].trim();
            let looks_like_key = !key.is_empty()
                && key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '"');
            if looks_like_key {
                let rest = line[at + bad.len_utf8()..].trim();
                let rest = if rest.is_empty() { "…" } else { rest };
                let right = match syntax {
                    Syntax::Yaml => format!("{key}: {rest}"),
                    Syntax::Toml => format!("{key} = {rest}"),
                };
                return Some(Slip {
                    column: col(at),
                    len: 1,
                    message: format!("`{key}` 后面用了中文的“{bad}”"),
                    hint: format!(
                        "字段名后面要用英文半角的“{good}”{}\u{FF0C}写成 {right}（切换到英文输入法再打这个符号）",
                        if good == ':' && syntax == Syntax::Yaml {
                            "，后面再空一格"
                        } else {
                            ""
                        }
                    ),
                });
            }
        }
    }
    // A Tab in the indentation (one between a key and its value is allowed).
    let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
    if syntax == Syntax::Yaml
        && let Some(at) = line[..indent].find('\t')
    {
        return Some(Slip {
            column: col(at),
            len: 1,
            message: "这一行有 Tab（制表符）".into(),
            hint: "前置信息里只能用空格对齐\u{FF1A}把 Tab 删掉\u{FF0C}换成空格（缩进用两个空格）"
                .into(),
        });
    }
    if syntax == Syntax::Toml
        && let Some(eq) = line.find('=')
        && line[eq + 1..].trim_start().starts_with(['“', '‘'])
    {
        let at = eq + 1 + (line[eq + 1..].len() - line[eq + 1..].trim_start().len());
        let value = line[eq + 1..].trim();
        let inner = value.trim_matches(['“', '”', '‘', '’', '"']);
        return Some(Slip {
            column: col(at),
            len: 1,
            message: "文字用了中文引号“ ”".into(),
            hint: format!(
                "设置里的文字要用英文半角双引号括起来\u{FF1A}写成 {} = \"{inner}\"（切换到英文输入法再打引号）",
                line[..eq].trim()
            ),
        });
    }
    None
}

/// The first slip anywhere in `text`, with its 1-based line. Called only
/// once a parser failed: each slip is a mistake wherever it is, and the
/// parser's own place for it is often a line or more off (a key after a
/// full-width colon runs on into the value above it).
pub fn first(text: &str, syntax: Syntax) -> Option<(usize, Slip)> {
    text.lines()
        .enumerate()
        .find_map(|(i, l)| find(l, syntax).map(|s| (i + 1, s)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_colon_after_a_key() {
        let s = find("term：autumn", Syntax::Yaml).unwrap();
        assert_eq!((s.column, s.len), (5, 1));
        assert!(s.hint.contains("写成 term: autumn"), "{s:?}");
        // A colon inside a Chinese value is fine.
        assert_eq!(find("title: 时间：四十分钟", Syntax::Yaml), None);
        assert_eq!(find("  - 第一步：分组", Syntax::Yaml), None);
    }

    #[test]
    fn tabs_and_curly_quotes() {
        assert_eq!(find("\t45", Syntax::Yaml).unwrap().column, 1);
        assert_eq!(find("  \tcognitive: x", Syntax::Yaml).unwrap().column, 3);
        assert_eq!(find("duration:\t45", Syntax::Yaml), None);
        let s = find("title = “心育课程”", Syntax::Toml).unwrap();
        assert!(s.hint.contains("title = \"心育课程\""), "{s:?}");
        assert_eq!(s.column, 9);
        assert_eq!(find("title = \"“心育”课程\"", Syntax::Toml), None);
    }

    #[test]
    fn finds_the_line() {
        let text = "title: x\nterm：autumn\norder: 1\n";
        assert_eq!(first(text, Syntax::Yaml).map(|(n, _)| n), Some(2));
        assert_eq!(first("title: x\n", Syntax::Yaml), None);
    }
}
