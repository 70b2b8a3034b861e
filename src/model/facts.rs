//! Local facts: named values a county sets once in `xinyu.toml` (its
//! counselling room, its psychology teacher…) that any text in content
//! refers to as `{{name}}`. The help box's hotlines are referable the same
//! way: `{{全国统一心理援助热线}}` is the line's number.
//!
//! This file owns the syntax of a reference and the filling in of plain
//! text. Markdown bodies are filled event by event (`markdown/facts.rs`),
//! so a value is always text, never markup; front matter is filled as the
//! model is built.

use super::Hotline;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::Range;

/// One entry of the `[facts]` table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fact {
    /// What content writes between `{{` and `}}`.
    pub name: String,
    /// The text that stands in its place (hotline references already filled).
    pub value: String,
    /// Line of the entry in `xinyu.toml`.
    pub line: usize,
    /// 1-based column in characters of the value (its opening quote).
    pub column: usize,
}

/// Everything content may refer to: the `[facts]` table and the hotlines.
#[derive(Clone, Debug, Default)]
pub struct LocalFacts {
    /// The `[facts]` table, in file order.
    pub declared: Vec<Fact>,
    /// Every name a reference may use → its text.
    values: BTreeMap<String, String>,
}

impl LocalFacts {
    /// Facts of one `[facts]` entry and no hotlines, for tests.
    #[cfg(test)]
    pub(crate) fn one(name: &str, value: &str) -> LocalFacts {
        LocalFacts::new(
            vec![Fact {
                name: name.into(),
                value: value.into(),
                line: 1,
                column: 1,
            }],
            &[],
        )
    }

    /// The facts of a project: its `[facts]` table, and each hotline under
    /// its name with its number as the text (what a spoken line needs).
    /// A fact of the same name as a hotline wins; settings reject that.
    pub fn new(declared: Vec<Fact>, hotlines: &[Hotline]) -> LocalFacts {
        let mut values = BTreeMap::new();
        for h in hotlines {
            values
                .entry(h.name.clone())
                .or_insert_with(|| h.number.clone());
        }
        for f in &declared {
            values.insert(f.name.clone(), f.value.clone());
        }
        LocalFacts { declared, values }
    }

    /// The text of `name`, if it is defined.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    /// Every name a reference may use, sorted.
    pub fn names(&self) -> Vec<&str> {
        self.values.keys().map(String::as_str).collect()
    }

    /// Fills the references of plain text (a front-matter value): `\{{` is a
    /// literal `{{` and loses its backslash; an unknown name stays as
    /// written (loading has reported it).
    pub fn fill<'t>(&self, text: &'t str) -> Cow<'t, str> {
        self.fill_inner(text, |r| r.backslash, true)
    }

    /// Fills the references of `text` except those `literal` says are meant
    /// as written, which stay exactly as they are. For text whose escapes
    /// were consumed already (Markdown turns `\{` into `{`).
    pub fn fill_except<'t>(
        &self,
        text: &'t str,
        literal: impl Fn(&Reference) -> bool,
    ) -> Cow<'t, str> {
        self.fill_inner(text, literal, false)
    }

    fn fill_inner<'t>(
        &self,
        text: &'t str,
        literal: impl Fn(&Reference) -> bool,
        drop_backslash: bool,
    ) -> Cow<'t, str> {
        let refs = references(text);
        if refs.is_empty() {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for r in &refs {
            let value = if literal(r) { None } else { self.get(r.name) };
            match value {
                Some(v) => {
                    out.push_str(&text[at..r.range.start]);
                    out.push_str(v);
                }
                None => {
                    let start = if drop_backslash && r.backslash {
                        r.range.start - 1
                    } else {
                        r.range.start
                    };
                    out.push_str(&text[at..start.max(at)]);
                    out.push_str(&text[r.range.clone()]);
                }
            }
            at = r.range.end;
        }
        out.push_str(&text[at..]);
        Cow::Owned(out)
    }
}

/// A `{{name}}` in some text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference<'a> {
    /// Byte range of the whole reference, braces included.
    pub range: Range<usize>,
    /// The name, without the spaces around it.
    pub name: &'a str,
    /// True when a backslash stands right before it (`\{{…}}`).
    pub backslash: bool,
}

/// Every reference in `text`: `{{`, a name, `}}` on one line, the name
/// holding no braces and not only spaces. Anything else with braces is
/// plain text.
pub fn references(text: &str) -> Vec<Reference<'_>> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find("{{") {
        let start = from + i;
        let inner_start = start + 2;
        let end = text[inner_start..]
            .find(['{', '}', '\n', '\r'])
            .map(|j| inner_start + j)
            .filter(|&j| text[j..].starts_with("}}"));
        match end {
            Some(j) if !text[inner_start..j].trim().is_empty() => {
                out.push(Reference {
                    range: start..j + 2,
                    name: text[inner_start..j].trim(),
                    backslash: text[..start].ends_with('\\'),
                });
                from = j + 2;
            }
            // `{{{x}}}`: the reference may start at the next brace.
            _ => from = start + 1,
        }
    }
    out
}

/// Whether `name` may name a fact: not empty, no braces, no line breaks,
/// no spaces around it (a reference could never reach it).
pub fn valid_name(name: &str) -> bool {
    !name.is_empty() && name.trim() == name && !name.contains(['{', '}', '\n', '\r'])
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn facts() -> LocalFacts {
        LocalFacts::new(
            vec![Fact {
                name: "心理咨询室".into(),
                value: "行政楼二楼 <b>*周三*</b>".into(),
                line: 3,
                column: 11,
            }],
            &[Hotline {
                name: "全国统一心理援助热线".into(),
                number: "12356".into(),
                note: None,
                hours: None,
                verified_on: Some(date(2026, 11, 1)),
                at: (1, 1),
            }],
        )
    }

    #[test]
    fn references_are_found_with_their_names() {
        let refs = references("到{{ 心理咨询室 }}找{{x}}，{{}} {{a\nb}} {{{热线}}}");
        let names: Vec<&str> = refs.iter().map(|r| r.name).collect();
        assert_eq!(names, ["心理咨询室", "x", "热线"]);
        assert_eq!(refs[0].range, 3..24);
        assert!(references("{{ 未闭合").is_empty());
        assert!(references("\\{{热线}}")[0].backslash);
    }

    #[test]
    fn plain_text_is_filled_and_a_backslash_keeps_the_braces() {
        let f = facts();
        assert_eq!(
            f.fill("拨打{{全国统一心理援助热线}}，去{{心理咨询室}}"),
            "拨打12356，去行政楼二楼 <b>*周三*</b>"
        );
        assert_eq!(
            f.fill("写成 \\{{心理咨询室}} 即可"),
            "写成 {{心理咨询室}} 即可"
        );
        assert_eq!(f.fill("{{未定义}}"), "{{未定义}}");
        assert!(matches!(f.fill("没有引用"), Cow::Borrowed(_)));
    }

    #[test]
    fn names_are_checked() {
        assert!(valid_name("心理老师"));
        for bad in ["", " 热线", "a{b", "a}b", "a\nb"] {
            assert!(!valid_name(bad), "{bad:?}");
        }
    }
}
