//! Checks shared by every kind of front matter: closed vocabularies, with a
//! suggestion when a value looks like a typo.

use super::yaml::{col_of, line_of};
use crate::diagnostic::Diagnostic;
use crate::model::vocab::nearest;
use crate::model::{Area, Band, LocalFacts, Term, facts};
use serde_saphyr::Spanned;

/// Where a YAML value sits in its file.
/// The longest title, in characters: a line on a printed page.
pub const TITLE_MAX: usize = 80;

pub struct At<'a> {
    /// Project-relative path.
    pub rel: &'a str,
    /// The front matter's text.
    pub yaml: &'a str,
    /// File line of the YAML's first line.
    pub first_line: usize,
    /// What `{{name}}` may refer to; `None` when the settings could not be
    /// read (their errors are reported, references are not checked).
    pub facts: Option<&'a LocalFacts>,
}

impl At<'_> {
    /// An error at a spanned value.
    pub fn error<T>(&self, v: &Spanned<T>, len: usize, msg: impl Into<String>) -> Diagnostic {
        Diagnostic::error(
            self.rel,
            line_of(&v.referenced, self.first_line),
            col_of(&v.referenced),
            msg,
        )
        .with_len(len)
    }

    /// The file line of a spanned value.
    /// A title must be written and fit on a page: empty or longer than
    /// [`TITLE_MAX`] characters is an error (`hint` says what to write).
    pub fn title(&self, v: &Spanned<String>, hint: &str, diags: &mut Vec<Diagnostic>) {
        let n = v.value.trim().chars().count();
        if n == 0 {
            diags.push(self.error(v, 1, "title 不能为空").with_hint(hint));
        } else if n > TITLE_MAX {
            diags.push(
                self.error(v, 1, format!("标题有 {n} 个字\u{FF0C}太长了（最多 {TITLE_MAX} 个字）"))
                    .with_hint("标题放在页面顶部、目录和课程包里\u{FF1B}请缩短到一句话\u{FF0C}详细内容写进正文"),
            );
        }
    }

    pub fn line<T>(&self, v: &Spanned<T>) -> usize {
        line_of(&v.referenced, self.first_line)
    }

    /// A text value with its local facts filled in. A reference to a name
    /// that is not defined is reported at its own line and column.
    pub fn text(&self, v: &Spanned<String>, diags: &mut Vec<Diagnostic>) -> String {
        let value = v.value.as_str();
        let Some(facts) = self.facts else {
            return value.to_string();
        };
        // Where the value is written, to find each reference in the source.
        let span = v.referenced.span();
        let start = span.byte_offset().map_or(0, |o| o as usize);
        let end = span
            .byte_len()
            .map_or(self.yaml.len(), |l| start + l as usize);
        let source = self.yaml.get(start..end).unwrap_or("");
        let mut from = 0;
        for r in facts::references(value) {
            let raw = &value[r.range.clone()];
            let found = source.get(from..).and_then(|s| s.find(raw));
            if let Some(i) = found {
                from += i + raw.len();
            }
            if r.backslash || facts.get(r.name).is_some() {
                continue;
            }
            let (line, col) = match found {
                Some(_) => self.position(start + from - raw.len()),
                None => (self.line(v), super::yaml::col_of(&v.referenced)),
            };
            diags.push(
                unknown_fact(self.rel, line, col, raw, r.name, &facts.names())
                    .with_len(raw.chars().count()),
            );
        }
        facts.fill(value).into_owned()
    }

    /// Each text of a list, filled (see [`At::text`]).
    pub fn texts(&self, v: &[Spanned<String>], diags: &mut Vec<Diagnostic>) -> Vec<String> {
        v.iter().map(|x| self.text(x, diags)).collect()
    }

    /// File line and column of a byte offset in the front matter.
    fn position(&self, offset: usize) -> (usize, usize) {
        let before = self.yaml.get(..offset).unwrap_or(self.yaml);
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (
            self.first_line + before.matches('\n').count(),
            before[line_start..].chars().count() + 1,
        )
    }

    /// Parses one word of a closed vocabulary.
    pub fn word<T>(
        &self,
        v: &Spanned<String>,
        parse: fn(&str) -> Option<T>,
        spellings: &[&str],
        slugs: &[&str],
        what: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<T> {
        if let Some(x) = parse(&v.value) {
            return Some(x);
        }
        let d = self.error(
            v,
            v.value.chars().count(),
            format!("`{}` 不是可用的{what}", v.value),
        );
        // Chinese input methods type list separators as full-width commas.
        if v.value.contains(['\u{FF0C}', '\u{3001}', '\u{FF1B}']) {
            let items: Vec<&str> = v
                .value
                .split(['\u{FF0C}', '\u{3001}', '\u{FF1B}'])
                .map(str::trim)
                .collect();
            diags.push(d.with_hint(format!(
                "列表里的各项要用英文逗号 , 分开\u{FF0C}例如 [{}]",
                items.join(", ")
            )));
            return None;
        }
        let hint = match nearest(&v.value, spellings) {
            Some(n) => format!("你是不是想写 `{n}`？可用的{what}：{}", slugs.join("、")),
            None => format!("可用的{what}：{}", slugs.join("、")),
        };
        diags.push(d.with_hint(hint));
        None
    }

    /// Parses `term`.
    pub fn term(&self, v: &Spanned<String>, diags: &mut Vec<Diagnostic>) -> Option<Term> {
        self.word(
            v,
            Term::parse,
            &Term::spellings(),
            &Term::slugs(),
            "学期",
            diags,
        )
    }

    /// Parses a non-empty list of bands.
    pub fn bands(
        &self,
        v: &Spanned<Vec<Spanned<String>>>,
        diags: &mut Vec<Diagnostic>,
    ) -> Vec<Band> {
        if v.value.is_empty() {
            diags.push(
                self.error(v, 1, "bands 至少要写一个学段")
                    .with_hint(format!(
                        "例如 bands: [junior-high]；可用的学段：{}",
                        Band::slugs().join("、")
                    )),
            );
        }
        let mut out: Vec<Band> = v
            .value
            .iter()
            .filter_map(|b| {
                self.word(
                    b,
                    Band::parse,
                    &Band::spellings(),
                    &Band::slugs(),
                    "学段",
                    diags,
                )
            })
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// Parses a non-empty list of words of one vocabulary (`field` names
    /// the list in messages, `what` one of its words); repeats are dropped.
    #[allow(clippy::too_many_arguments)]
    pub fn words<T: PartialEq + Copy>(
        &self,
        v: &Spanned<Vec<Spanned<String>>>,
        parse: fn(&str) -> Option<T>,
        spellings: &[&str],
        slugs: &[&str],
        field: &str,
        what: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> Vec<T> {
        if v.value.is_empty() {
            diags.push(
                self.error(v, 1, format!("{field} 至少要写一个{what}"))
                    .with_hint(format!("可用的{what}：{}", slugs.join("、"))),
            );
        }
        let mut out: Vec<T> = v
            .value
            .iter()
            .filter_map(|a| self.word(a, parse, spellings, slugs, what, diags))
            .collect();
        dedup_keep_first(&mut out);
        out
    }

    /// Parses a non-empty list of areas.
    pub fn areas(
        &self,
        v: &Spanned<Vec<Spanned<String>>>,
        diags: &mut Vec<Diagnostic>,
    ) -> Vec<Area> {
        self.words(
            v,
            Area::parse,
            &Area::spellings(),
            &Area::slugs(),
            "areas",
            "领域",
            diags,
        )
    }

    /// Checks that a number lies in a range.
    pub fn in_range(
        &self,
        v: &Spanned<u32>,
        range: std::ops::RangeInclusive<u32>,
        field: &str,
        hint: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> bool {
        if range.contains(&v.value) {
            return true;
        }
        diags.push(
            self.error(
                v,
                v.value.to_string().len(),
                format!(
                    "{field} 是 {}，应在 {} 到 {} 之间",
                    v.value,
                    range.start(),
                    range.end()
                ),
            )
            .with_hint(hint),
        );
        false
    }
}

/// The front matter of a Markdown file, parsed into `T`, with the body
/// and where the YAML sits (local facts fill its text fields); problems go
/// into `diags`.
pub fn front_matter<'t, T: serde::de::DeserializeOwned>(
    rel: &'t str,
    text: &'t str,
    facts: Option<&'t LocalFacts>,
    diags: &mut Vec<Diagnostic>,
) -> Option<(crate::frontmatter::Split<'t>, T, At<'t>)> {
    let split = crate::frontmatter::split(rel, text)
        .map_err(|d| diags.push(d))
        .ok()?;
    let raw: T = super::yaml::parse(rel, split.yaml, split.yaml_first_line)
        .map_err(|d| diags.push(d))
        .ok()?;
    let at = At {
        rel,
        yaml: split.yaml,
        first_line: split.yaml_first_line,
        facts,
    };
    Some((split, raw, at))
}

/// The timed `##` parts of a body (`## 开场（5分钟）`): a meeting's
/// segments, a training guide's sessions.
pub fn timed_parts(outline: &crate::markdown::Outline) -> Vec<crate::model::Timed> {
    outline
        .headings
        .iter()
        .filter(|h| h.level == 2)
        .filter_map(|h| {
            crate::markdown::split_minutes(&h.text).map(|(title, minutes)| crate::model::Timed {
                title,
                minutes,
                line: h.line,
            })
        })
        .collect()
}

/// A reference to a local fact that is not defined, with the nearest
/// defined name when it looks like a typo.
pub fn unknown_fact(
    rel: &str,
    line: usize,
    column: usize,
    raw: &str,
    name: &str,
    names: &[&str],
) -> Diagnostic {
    let d = Diagnostic::error(rel, line, column, format!("没有定义的本地信息 `{raw}`"))
        .with_len(raw.chars().count());
    match nearest(name, names) {
        Some(n) => d.with_hint(format!(
            "你是不是想写 `{{{{{n}}}}}`？本地信息在 xinyu.toml 的 [facts] 里定义"
        )),
        None => d.with_hint(format!(
            "在 xinyu.toml 的 [facts] 里加上一行 \"{name}\" = \"……\"；已经定义的名字：{}。要写出 {{{{ 本身，在前面加反斜杠：\\{{{{",
            names.join("、")
        )),
    }
}

/// Whether `diags` holds an error: a file with only warnings still loads.
pub fn failed(diags: &[Diagnostic]) -> bool {
    diags
        .iter()
        .any(|d| d.severity == crate::diagnostic::Severity::Error)
}

/// Reports the local facts a body refers to: an unknown name is an error,
/// a reference inside raw HTML (which is shown as written) a warning.
pub fn body_facts(
    rel: &str,
    outline: &crate::markdown::Outline,
    facts: Option<&LocalFacts>,
    diags: &mut Vec<Diagnostic>,
) {
    let Some(facts) = facts else {
        return;
    };
    for r in &outline.unknown_facts {
        diags.push(unknown_fact(
            rel,
            r.line,
            r.column,
            &r.raw,
            &r.name,
            &facts.names(),
        ));
    }
    for r in &outline.facts_in_html {
        diags.push(
            Diagnostic::warning(
                rel,
                r.line,
                r.column,
                format!("HTML 里的 `{}` 不会换成本地信息", r.raw),
            )
            .with_len(r.raw.chars().count())
            .with_hint(
                "本地信息只在 Markdown 文字里替换；把它移到 HTML 标签外面，或不用 HTML 改写这一段",
            ),
        );
    }
}

/// Checks that the timed parts of a body add up to `duration`.
pub fn check_minutes(
    rel: &str,
    parts: &[crate::model::Timed],
    duration: u32,
    line: usize,
    what: &str,
    diags: &mut Vec<Diagnostic>,
) {
    // Summed wide: a heading may claim any number of minutes.
    let total: u64 = parts.iter().map(|p| u64::from(p.minutes)).sum();
    if parts.is_empty() || total == u64::from(duration) {
        return;
    }
    let sum = parts
        .iter()
        .map(|p| format!("{}({})", p.title, p.minutes))
        .collect::<Vec<_>>()
        .join(" + ");
    diags.push(
        Diagnostic::error(
            rel,
            line,
            1,
            format!("{what}合计 {total} 分钟，与 duration: {duration} 不一致"),
        )
        .with_hint(format!(
            "{sum} = {total}；请调整各部分的分钟数或 duration，使两者相等"
        )),
    );
}

/// Removes repeated values, keeping the first of each in place.
pub fn dedup_keep_first<T: PartialEq + Copy>(v: &mut Vec<T>) {
    let mut seen: Vec<T> = Vec::new();
    v.retain(|x| {
        if seen.contains(x) {
            false
        } else {
            seen.push(*x);
            true
        }
    });
}
