//! Tera's errors as diagnostics a theme author can act on: the template
//! file and the place Tera points at, what is wrong in Chinese (for the
//! mistakes people make: a misspelt variable or field, an unknown filter,
//! a filter's missing or unseparated arguments, an unclosed tag, a missing
//! template, `+` on text, `list.0` for `list[0]`, `super()` outside a
//! block), and the lines of the template
//! from Tera's own report. One mistake in a shared template breaks every
//! page that uses it; [`fold`] reports it once, naming the first page.
//!
//! Must not: render anything, or decide whether a build stops.

use crate::diagnostic::Diagnostic;
use regex::Regex;
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// Tera's list of names (`a, b`) as Chinese lists them (`a、b`).
fn list(c: &regex::Captures, i: usize) -> Option<String> {
    c.get(i)
        .map(|m| m.as_str().split(", ").collect::<Vec<_>>().join("、"))
}

/// A Tera value type, as a theme author would call it.
fn kind(name: &str) -> &str {
    match name {
        "i64" | "u64" | "i128" | "u128" | "f64" | "number" => "数字",
        "string" => "文字",
        "bool" => "是或否",
        "map" => "表",
        "array" => "列表",
        "none" | "undefined" => "空值",
        other => other,
    }
}

/// A token Tera's parser names, as a theme author would call it.
fn token(name: &str) -> String {
    match name {
        "identifier" => "名字".into(),
        "integer" => "整数".into(),
        "float" => "小数".into(),
        "string" => "文字".into(),
        "bool" => "是或否".into(),
        // A symbol, which Tera quotes: `,` `%}`.
        other => format!(" {other}"),
    }
}

/// What is wrong and what would be right, for the mistakes Tera names.
/// `None`: Tera's own message is shown as it is.
fn explain(message: &str) -> Option<(String, String)> {
    /// What to say for a message a pattern matched.
    type Say = fn(&regex::Captures) -> (String, String);
    /// Tera 2.4's messages, each with what to say instead.
    static PATTERNS: LazyLock<Vec<(Regex, Say)>> = LazyLock::new(|| {
        let re = |s: &str| Regex::new(s).expect("valid regex");
        vec![
            (
                re(r"^Variable `(.+?)` is not defined\.(?: Available variables: (.*))?$"),
                |c| {
                    (
                        format!("没有叫 `{}` 的变量", &c[1]),
                        match list(c, 2) {
                            Some(l) => format!("这里能用的变量有：{l}（见用户手册“主题”一章）"),
                            None => "变量名要和模板数据里的一样（见用户手册“主题”一章）".into(),
                        },
                    )
                },
            ),
            (
                re(r"^Variable `(.+?)` exists but its value is undefined$"),
                |c| {
                    (
                        format!("变量 `{}` 在这里没有值", &c[1]),
                        format!("先用 {{% if {0} %}} 判断它有没有值，再用它", &c[1]),
                    )
                },
            ),
            (
                re(r"^Field `(.+?)` is not defined\.?(?: Available fields: (.*))?$"),
                |c| {
                    (
                        format!("没有 `{}` 这一项", &c[1]),
                        match list(c, 2) {
                            Some(l) => format!("这里能用的有：{l}"),
                            None => "检查点号后面的名字是否写对（见用户手册“主题”一章）".into(),
                        },
                    )
                },
            ),
            (
                re(r"^(?:Unknown filter `(.+?)`|Filter `(.+?)` is not registered)$"),
                |c| {
                    let name = c.get(1).or(c.get(2)).map_or("", |m| m.as_str());
                    (
                        format!("没有叫 `{name}` 的过滤器"),
                        "竖线 | 后面要写 Tera 的过滤器，例如 length、join(sep=\"、\")、safe".into(),
                    )
                },
            ),
            (re(r"^Unknown template `(.+?)`$"), |c| {
                (format!("找不到模板 `{}`", &c[1]), NOT_FOUND_HINT.into())
            }),
            (re(r"^Found (.+?) but expected one of: .*$"), |c| {
                (
                    format!("模板的写法不对：这里不该是 {}", &c[1]),
                    TAGS_HINT.into(),
                )
            }),
            (re(r"^Unexpected end of input$"), |_| {
                ("模板在这里没写完就结束了".into(), TAGS_HINT.into())
            }),
            (re(r"^Found (.+?) but expected identifier\.$"), |c| {
                (
                    format!("模板的写法不对：这里要写一个名字，不能是{}", token(&c[1])),
                    "点号后面要写名字\u{FF1B}取列表里的第几项用方括号，例如 hotlines[0].name"
                        .into(),
                )
            }),
            (re(r"^Found .+? but expected ,\.$"), |_| {
                (
                    "模板的写法不对：这里少了一个逗号".into(),
                    "括号里的几个参数之间要用英文逗号隔开，例如 truncate(length=20, end=\"…\")"
                        .into(),
                )
            }),
            (re(r"^Missing keyword argument `(.+?)`$"), |c| {
                (
                    format!("少了参数 `{}`", &c[1]),
                    format!(
                        "在过滤器或函数后面的括号里写上 {}=…\u{FF0C}参数名要一字不差",
                        &c[1]
                    ),
                )
            }),
            (
                re(r"^`(.+?)` requires both operands to be numbers, found `(.+?)` and `(.+?)`$"),
                |c| {
                    (
                        format!(
                            "`{}` 两边都要是数字，这里是{}和{}",
                            &c[1],
                            kind(&c[2]),
                            kind(&c[3])
                        ),
                        "要把文字接起来，用 ~，例如 {{ site.title ~ \"（示范）\" }}".into(),
                    )
                },
            ),
            (re(r"^super\(\) called outside of a block$"), |_| {
                (
                    "super() 只能写在 {% block %} 里".into(),
                    "super() 取的是上一级模板里同名 block 的内容\u{FF1B}把它挪到 {% block 名字 %} 和 {% endblock %} 之间".into(),
                )
            }),
            (re(r"^Iteration not possible on type `(.+?)`$"), |c| {
                (
                    format!("这个值（{}）不能用 {{% for %}} 逐项列出", kind(&c[1])),
                    "{% for %} 只能用在列表、表和文字上".into(),
                )
            }),
        ]
    });
    PATTERNS
        .iter()
        .find_map(|(re, say)| re.captures(message).map(|c| say(&c)))
}

/// Where a template must be, and how it is named.
const NOT_FOUND_HINT: &str = "模板放在主题的 templates/ 文件夹里；include 和 extends 里写的名字要和文件名一样，例如 \"partials/help.html\"";

/// What to check when a tag is broken.
const TAGS_HINT: &str = "检查 {{ }} 和 {% %} 是否成对，每个 {% if %}、{% for %}、{% block %} 是否都有 {% endif %}、{% endfor %}、{% endblock %}（见用户手册“主题”一章）";

/// Where one of Tera's reports points, and what it says.
struct Report {
    /// Tera's message, in English.
    message: String,
    /// The template's name (`partials/help.html`).
    name: String,
    /// From 1.
    line: usize,
    /// From 1, in characters.
    column: usize,
    /// Characters under the caret.
    len: usize,
}

/// A Tera error as a diagnostic. `shown` maps a template's name
/// (`partials/help.html`) to the path shown to the user (the project's
/// override, or the built-in theme's file); `fallback` is the file named
/// when Tera points at none.
pub fn diagnostic(e: &tera::Error, shown: &BTreeMap<String, String>, fallback: &str) -> Diagnostic {
    use tera::ErrorKind as K;
    let file_of = |name: &str| shown.get(name).map_or(fallback, String::as_str);
    let report = match e.kind() {
        K::SyntaxError(r) | K::RenderingError(r) => {
            let span = r.span();
            Some(Report {
                message: r.message().to_string(),
                name: r.filename().to_string(),
                line: span.start_line,
                column: span.start_col + 1,
                len: if span.start_line == span.end_line {
                    span.end_col.saturating_sub(span.start_col)
                } else {
                    1
                },
            })
        }
        // Problems found when the templates are checked together (an
        // unknown filter, a block no parent has) come as Tera's reports
        // joined into one message: read the first.
        K::Msg(text) => first_report(text),
        _ => None,
    };
    if let Some(r) = report {
        let (what, hint) = explain(&r.message)
            .unwrap_or_else(|| (format!("模板出错：{}", r.message), DEFAULT_HINT.into()));
        // Tera's lines of the template below what is wrong.
        let message = format!("{what}\n{}", report_lines(&e.to_string()));
        return Diagnostic::error(file_of(&r.name), r.line, r.column, message)
            .with_len(r.len)
            .with_hint(hint);
    }
    let (file, what, hint) = match e.kind() {
        K::TemplateNotFound(name) => (fallback, format!("找不到模板 `{name}`"), NOT_FOUND_HINT),
        K::MissingParent { current, parent } => (
            file_of(current),
            format!("模板 `{current}` 要继承的 `{parent}` 不存在"),
            "检查 {% extends \"…\" %} 里的名字，例如 {% extends \"base.html\" %}",
        ),
        K::CircularExtend { tpl, .. } | K::CircularInclude { tpl, .. } => (
            file_of(tpl),
            format!("模板 `{tpl}` 通过 extends 或 include 绕回了自己"),
            "一个模板不能直接或间接地继承、包含它自己",
        ),
        _ => (fallback, format!("模板出错：{e:#}"), DEFAULT_HINT),
    };
    Diagnostic::error(file, 0, 0, what).with_hint(hint)
}

/// What to check when Tera's message is not one [`explain`] knows.
const DEFAULT_HINT: &str =
    "检查模板里的 {{ }} 和 {% %} 是否成对，变量名是否写对（见用户手册“主题”一章）";

/// The first of Tera's reports in `text`.
fn first_report(text: &str) -> Option<Report> {
    let mut lines = text.lines();
    let message = lines.next()?.strip_prefix("error: ")?.to_string();
    let at = lines.next()?.trim_start().strip_prefix("--> ")?;
    let mut parts = at.rsplitn(3, ':');
    let column = parts.next()?.parse().ok()?;
    let line = parts.next()?.parse().ok()?;
    let name = parts.next()?.to_string();
    let len = lines
        .take(4)
        .find_map(|l| {
            let carets = l.chars().filter(|c| *c == '^').count();
            (carets > 0).then_some(carets)
        })
        .unwrap_or(1);
    Some(Report {
        message,
        name,
        line,
        column,
        len,
    })
}

/// The template lines of Tera's report, without its English heading:
/// `--> file:line:col`, the line with its caret, and where it was
/// included or extended from.
fn report_lines(report: &str) -> String {
    report
        .lines()
        .filter(|l| !l.starts_with("error: "))
        .map(|l| match l.strip_prefix("note: called from ") {
            Some(at) => format!("由 {at} 调用"),
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
        .trim_matches('\n')
        .to_string()
}

/// The same template error on many pages, reported once, naming the
/// first page in path order. `pages` holds each error with the page it
/// stopped.
pub fn fold(pages: Vec<(Diagnostic, String)>) -> Vec<Diagnostic> {
    // By file, line, column and message: the same mistake.
    type Mistake = (String, usize, usize, String);
    let mut by: BTreeMap<Mistake, (Diagnostic, Vec<String>)> = BTreeMap::new();
    for (d, page) in pages {
        let key = (d.file.clone(), d.line, d.column, d.message.clone());
        by.entry(key)
            .or_insert_with(|| (d, Vec::new()))
            .1
            .push(page);
    }
    by.into_values()
        .map(|(d, mut pages)| {
            pages.sort();
            // No count: a build stops its packs at the first that fails,
            // so the pages tried are fewer than the pages that use it.
            let place = match pages.len() {
                1 => format!("生成 {} 时出错", pages[0]),
                _ => format!("生成 {} 等页面时出错", pages[0]),
            };
            let hint = match &d.hint {
                Some(h) => format!("{place}\u{FF1B}{h}"),
                None => place,
            };
            d.with_hint(hint)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(templates: &[(&str, &str)], render: &str) -> tera::Error {
        let mut tera = tera::Tera::new();
        if let Err(e) = tera.add_raw_templates(templates.iter().copied()) {
            return e;
        }
        let mut ctx = tera::Context::new();
        ctx.insert("site", &BTreeMap::from([("title", "心育")]));
        tera.render(render, &ctx)
            .expect_err("the template must fail")
    }

    fn shown() -> BTreeMap<String, String> {
        BTreeMap::from([
            (
                "partials/help.html".to_string(),
                "themes/default/templates/partials/help.html".to_string(),
            ),
            (
                "base.html".to_string(),
                "（内置主题）templates/base.html".to_string(),
            ),
        ])
    }

    #[test]
    fn a_misspelt_field_is_named_in_chinese_at_its_place() {
        let e = error_of(
            &[
                (
                    "base.html",
                    "<main>\n{% include \"partials/help.html\" %}</main>",
                ),
                ("partials/help.html", "<p>{{ site.titel }}</p>"),
            ],
            "base.html",
        );
        let d = diagnostic(&e, &shown(), "templates/base.html");
        assert_eq!(d.file, "themes/default/templates/partials/help.html");
        assert_eq!((d.line, d.column, d.len), (1, 12, 5), "{d:?}");
        assert!(
            d.message.starts_with("没有 `titel` 这一项\n"),
            "{}",
            d.message
        );
        // Tera's lines stay, without its English heading.
        assert!(
            d.message.contains("<p>{{ site.titel }}</p>"),
            "{}",
            d.message
        );
        assert!(
            d.message.contains("由 base.html:2:12 调用"),
            "{}",
            d.message
        );
        assert!(!d.message.contains("error:"), "{}", d.message);
        assert_eq!(d.hint.as_deref(), Some("这里能用的有：title"));
    }

    #[test]
    fn the_common_mistakes_are_explained() {
        let cases = [
            ("{{ sitee.title }}", "没有叫 `sitee` 的变量"),
            ("{{ site.title | lenght }}", "没有叫 `lenght` 的过滤器"),
            ("{% if site %}", "模板在这里没写完就结束了"),
            ("{% if %}{% endif %}", "模板的写法不对：这里不该是 `%}`"),
            (
                "{% for x in 3 %}{% endfor %}",
                "这个值（数字）不能用 {% for %} 逐项列出",
            ),
            (
                "{{ hotlines.0.name }}",
                "模板的写法不对：这里要写一个名字，不能是小数",
            ),
            (
                "{{ site.title | truncate(length=5 end=\"x\") }}",
                "模板的写法不对：这里少了一个逗号",
            ),
            ("{{ site.title | truncate }}", "少了参数 `length`"),
            (
                "{{ site.title + 1 }}",
                "`+` 两边都要是数字，这里是文字和数字",
            ),
            ("{{ super() }}", "super() 只能写在 {% block %} 里"),
        ];
        for (source, said) in cases {
            let e = error_of(&[("partials/help.html", source)], "partials/help.html");
            let d = diagnostic(&e, &shown(), "templates/base.html");
            assert!(d.message.starts_with(said), "{source}: {}", d.message);
            assert_eq!(
                d.file, "themes/default/templates/partials/help.html",
                "{source}"
            );
            assert!(d.line >= 1, "{source}: {d:?}");
        }
        let e = error_of(&[("a.html", "{% include \"nope.html\" %}")], "a.html");
        let d = diagnostic(&e, &shown(), "templates/a.html");
        assert!(d.message.contains("nope.html"), "{}", d.message);
        assert!(!d.message.is_ascii(), "{}", d.message);
        assert!(
            d.message.starts_with("找不到模板 `nope.html`"),
            "{}",
            d.message
        );
    }

    #[test]
    fn one_mistake_on_many_pages_is_reported_once() {
        let e = error_of(
            &[("partials/help.html", "{{ site.titel }}")],
            "partials/help.html",
        );
        let d = diagnostic(&e, &shown(), "templates/base.html");
        let other = Diagnostic::error("templates/lesson.html", 3, 1, "另一个错误");
        let folded = fold(vec![
            (d.clone(), "lessons/b.html".into()),
            (other, "lessons/a.html".into()),
            (d.clone(), "index.html".into()),
            (d, "lessons/a.html".into()),
        ]);
        assert_eq!(folded.len(), 2, "{folded:?}");
        let help = folded
            .iter()
            .find(|d| d.file.ends_with("help.html"))
            .unwrap();
        assert_eq!(
            help.hint.as_deref(),
            Some("生成 index.html 等页面时出错；这里能用的有：title")
        );
        let lesson = folded
            .iter()
            .find(|d| d.file.ends_with("lesson.html"))
            .unwrap();
        assert_eq!(lesson.hint.as_deref(), Some("生成 lessons/a.html 时出错"));
    }
}
