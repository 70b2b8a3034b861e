//! The plain text of a body, which the search index reads: text and code,
//! blocks separated by newlines, local facts filled in.
//!
//! Must not: produce HTML or report problems (the outline does that).

use super::{STRONG_OPEN, events, options, protect_strong, stand_in};
use crate::model::LocalFacts;
use pulldown_cmark::{Event, Parser, TagEnd};
use std::borrow::Cow;

/// The plain text of a body (for the search index): text and code, with
/// blocks separated by newlines, and local facts filled in.
pub fn plain_text(markdown: &str, facts: &LocalFacts) -> String {
    // Local facts are filled on the event list with its source ranges.
    if markdown.contains("{{") {
        return of_events(
            super::facts::fill(events(&protect_strong(markdown)), markdown, facts)
                .events
                .iter()
                .map(|(e, _)| e),
        );
    }
    // Nearly every body has none: the parser's events as they come, with
    // the stand-ins for paired `**` dropped from the text (`events` would
    // split the text at them into strong emphasis, which has no text).
    let protected = protect_strong(markdown);
    let paired = matches!(protected, Cow::Owned(_));
    from_events(Parser::new_ext(&protected, options()), paired)
}

/// The text of the events of a body as [`events`] gives them (with local
/// facts filled, if they were): what [`plain_text`] gives for the body.
/// The page that renders a body makes the search index's text this way,
/// from the events it already has, not from a second parse.
pub(super) fn of_events<'e, 'a: 'e>(events: impl Iterator<Item = &'e Event<'a>>) -> String {
    from_events(events, false)
}

fn from_events<'a, E: std::borrow::Borrow<Event<'a>>>(
    events: impl Iterator<Item = E>,
    stand_ins: bool,
) -> String {
    let mut out = String::new();
    for e in events {
        match e.borrow() {
            Event::Text(t) if stand_ins => without_stand_ins(t, &mut out),
            Event::Text(t) | Event::Code(t) => out.push_str(t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::CodeBlock
                | TagEnd::BlockQuote(_),
            ) if !out.ends_with('\n') => out.push('\n'),
            _ => {}
        }
    }
    out
}

/// Appends `t` to `out` without the stand-ins for paired `**`: the runs
/// between them copied whole (a memchr finds each), not char by char.
fn without_stand_ins(mut t: &str, out: &mut String) {
    while let Some(i) = stand_in(t) {
        out.push_str(&t[..i]);
        // Both stand-ins are two bytes long.
        t = &t[i + STRONG_OPEN.len_utf8()..];
    }
    out.push_str(t);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::STRONG_CLOSE;

    /// The text `events` gives, every body through the filled event list.
    fn reference(markdown: &str, facts: &LocalFacts) -> String {
        of_events(
            super::super::facts::fill(events(&protect_strong(markdown)), markdown, facts)
                .events
                .iter()
                .map(|(e, _)| e),
        )
    }

    #[test]
    fn stand_ins_are_dropped_and_nothing_else() {
        let (o, c) = (STRONG_OPEN, STRONG_CLOSE);
        for t in crate::markdown::stand_in_samples() {
            let mut out = String::from("前");
            without_stand_ins(&t, &mut out);
            let want: String = std::iter::once('前')
                .chain(t.chars().filter(|ch| *ch != o && *ch != c))
                .collect();
            assert_eq!(out, want, "{t:?}");
        }
    }

    #[test]
    fn a_rendered_body_gives_the_text_plain_text_gives() {
        let facts = LocalFacts::one("心理老师", "王老师");
        for md in [
            "",
            "## 暖身（5分钟）\n\n**老师：** 同学们好。**重要**的是`代码 **不算**`\n",
            "- 一\n- **二** 和 **三**\n\n> 投影：**看这里**\n\n| 甲 | **乙** |\n|---|---|\n| 1 | 2 |\n",
            "<div>**HTML 里**</div>\n\n```\n**代码块**\n```\n\n单个 ** 不配对\n",
            "## 找{{心理老师}}\n\n**{{心理老师}}**：你好，{{不认识}} 和 \\{{心理老师}}\n",
            "![图 **说明**](a.png) [链接 **文字**](b.md)\n\n<audio src=\"a.mp3\"></audio>\n",
        ] {
            let opts = crate::markdown::RenderOptions {
                facts: Some(&facts),
                ..Default::default()
            };
            let mut text = String::new();
            let sections = crate::markdown::render_sections_and_text(md, opts, Some(&mut text));
            assert_eq!(text, plain_text(md, &facts), "{md:?}");
            assert_eq!(
                sections,
                crate::markdown::render_sections(md, opts),
                "{md:?}"
            );
        }
    }

    #[test]
    fn the_quick_way_reads_what_the_event_list_reads() {
        let facts = LocalFacts::default();
        for md in [
            "",
            "## 暖身（5分钟）\n\n**老师：** 同学们好。**重要**的是`代码 **不算**`\n",
            "- 一\n- **二** 和 **三**\n\n> 投影：**看这里**\n\n| 甲 | **乙** |\n|---|---|\n| 1 | 2 |\n",
            "<div>**HTML 里**</div>\n\n```\n**代码块**\n```\n\n单个 ** 不配对\n",
            "一行 **甲** 二 **乙**\\\n硬换行 ***三*** 和 \\*\\*转义\\*\\*\n",
            "![图 **说明**](a.png) [链接 **文字**](b.md)\n",
        ] {
            assert_eq!(plain_text(md, &facts), reference(md, &facts), "{md:?}");
        }
        // With a reference to a local fact the event list is used itself.
        let md = "找{{老师}}，**马上**。\n";
        assert_eq!(plain_text(md, &facts), reference(md, &facts));
    }
}
