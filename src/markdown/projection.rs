//! 投影 blocks: what the class sees on the classroom screen. A blockquote
//! whose first line starts with `投影：` (or `投影:`, `【投影】`) holds it;
//! the text after the marker on that line is the screen's heading. This
//! file finds the blocks with their places and the headings they sit under,
//! and renders their content (local facts filled, links and images pointed
//! like the rest of the page); `render.rs` asks [`is_marked`] to box them
//! on the teacher's page.
//!
//! Must not: decide which screen a block belongs to (the page does, from
//! the headings' lines) or judge what a block says (`check` does).

use super::render::{RenderOptions, html_of};
use super::{events, protect_strong_with};
use pulldown_cmark::{Event, Tag, TagEnd};

/// The ways to start a 投影 block, as teachers type them.
const MARKERS: &[&str] = &["投影：", "投影:", "【投影】"];

/// One 投影 block of a body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Projection {
    /// File line of the block's first line.
    pub line: usize,
    /// File lines of the headings the block sits under, outermost first.
    pub under: Vec<usize>,
    /// The text after the marker on its line, if any: the screen's heading.
    pub title: Option<String>,
    /// HTML of what follows the marker line.
    pub html: String,
    /// The block's Markdown as written (for the check), and the file line
    /// it starts on is [`Projection::line`].
    pub source: String,
}

/// True when the events right after a blockquote's start open a 投影 block.
pub(super) fn is_marked(rest: &[Event]) -> bool {
    matches!(rest, [Event::Start(Tag::Paragraph), Event::Text(t), ..] if marker_len(t).is_some())
}

/// The byte length of the marker (and the spaces after it) that `text`
/// starts with.
fn marker_len(text: &str) -> Option<usize> {
    let t = text.trim_start();
    let lead = text.len() - t.len();
    MARKERS
        .iter()
        .find(|m| t.starts_with(*m))
        .map(|m| lead + m.len() + t[m.len()..].len() - t[m.len()..].trim_start().len())
}

/// True when `markdown` holds one of [`MARKERS`]: one SIMD search for
/// 投影, which every marker holds, then a look at its neighbours (three
/// searches of the whole body were a check and a page of every lesson).
fn has_marker(markdown: &str) -> bool {
    const WORD: &str = "投影";
    memchr::memmem::find_iter(markdown.as_bytes(), WORD).any(|at| {
        let after = &markdown[at + WORD.len()..];
        after.starts_with(['：', ':'])
            || (after.starts_with('】') && markdown[..at].ends_with('【'))
    })
}

/// Every 投影 block of `markdown` (whose first line is file line
/// `first_line`), in order, rendered with `opts`.
pub fn projections(markdown: &str, first_line: usize, opts: RenderOptions) -> Vec<Projection> {
    if !has_marker(markdown) {
        return Vec::new();
    }
    let protected = protect_strong_with(markdown, opts.strong);
    let mut evs = events(&protected);
    if let Some(facts) = opts.facts {
        evs = super::facts::fill(evs, markdown, facts).events;
    }
    let line_of = |at: usize| first_line + markdown[..at.min(markdown.len())].matches('\n').count();
    let mut out = Vec::new();
    // (level, file line) of the headings around the cursor.
    let mut headings: Vec<(u8, usize)> = Vec::new();
    let mut i = 0;
    while i < evs.len() {
        let (e, r) = &evs[i];
        i += 1;
        match e {
            Event::Start(Tag::Heading { level, .. }) => {
                let level = *level as u8;
                while headings.last().is_some_and(|h| h.0 >= level) {
                    headings.pop();
                }
                headings.push((level, line_of(r.start)));
            }
            Event::Start(Tag::BlockQuote(_)) => {
                let rest: Vec<Event> = evs[i..].iter().take(2).map(|(e, _)| e.clone()).collect();
                if !is_marked(&rest) {
                    continue;
                }
                let start = r.clone();
                // The block's events, up to its own end.
                let mut depth = 1;
                let mut inner = Vec::new();
                while i < evs.len() {
                    let (e, _) = &evs[i];
                    i += 1;
                    match e {
                        Event::Start(Tag::BlockQuote(_)) => depth += 1,
                        Event::End(TagEnd::BlockQuote(_)) => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    inner.push(e.clone());
                }
                let (title, body) = split_title(inner);
                out.push(Projection {
                    line: line_of(start.start),
                    under: headings.iter().map(|h| h.1).collect(),
                    title,
                    html: html_of(body, opts),
                    source: markdown[start].to_string(),
                });
            }
            _ => {}
        }
    }
    out
}

/// Splits a block's events into the heading after the marker (plain text)
/// and the content after the marker's line.
fn split_title(inner: Vec<Event<'_>>) -> (Option<String>, Vec<Event<'_>>) {
    let mut title = String::new();
    let mut it = inner.into_iter();
    // The opening paragraph.
    it.next();
    let mut body = Vec::new();
    let mut first = true;
    for e in it.by_ref() {
        match e {
            Event::Text(t) | Event::Code(t) => {
                let t = if first {
                    first = false;
                    t[marker_len(&t).unwrap_or(0)..].to_string()
                } else {
                    t.to_string()
                };
                title.push_str(&t);
            }
            Event::SoftBreak | Event::HardBreak => {
                body.push(Event::Start(Tag::Paragraph));
                break;
            }
            Event::End(TagEnd::Paragraph) => break,
            _ => {}
        }
    }
    body.extend(it);
    let title = title.trim().trim_end_matches(['：', ':']).trim();
    ((!title.is_empty()).then(|| title.to_string()), body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_marker_is_found_as_contains_finds_it() {
        for md in [
            "",
            "投影",
            "投影仪坏了：换一台",
            "> 投影：看这里",
            "> 投影:看这里",
            "【投影】",
            "投影】",
            "【投影",
            "投影投影：",
            "【投影投影】",
            "x投影\n：",
        ] {
            let want = MARKERS.iter().any(|m| md.contains(m));
            assert_eq!(has_marker(md), want, "{md:?}");
        }
    }

    #[test]
    fn blocks_with_their_heading_content_and_place() {
        let md = "## 活动过程\n\n### 一、暖身（5分钟）\n\n**教师**：好。\n\n> 投影：心情猜猜看\n> 想一想\n>\n> - 甲\n\n> 普通引用\n\n### 二、分享（5分钟）\n\n> 【投影】\n>\n> 说一说\n";
        let p = projections(md, 10, RenderOptions::default());
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].line, 16);
        assert_eq!(p[0].under, vec![10, 12]);
        assert_eq!(p[0].title.as_deref(), Some("心情猜猜看"));
        assert_eq!(p[0].html, "<p>想一想</p>\n<ul>\n<li>甲</li>\n</ul>\n");
        assert!(p[0].source.starts_with("> 投影：心情猜猜看"));
        assert_eq!(p[1].under, vec![10, 23]);
        assert_eq!(p[1].title, None);
        assert_eq!(p[1].html, "<p>说一说</p>\n");
    }

    #[test]
    fn the_teachers_page_boxes_the_block() {
        let s = super::super::render_sections(
            "> 投影：看\n>\n> 想\n\n> 引\n",
            RenderOptions::default(),
        );
        assert_eq!(
            s[0].html,
            "<blockquote class=\"projection\">\n<p>投影：看</p>\n<p>想</p>\n</blockquote>\n<blockquote>\n<p>引</p>\n</blockquote>\n"
        );
    }

    #[test]
    fn no_marker_no_blocks() {
        assert!(projections("> 投影仪坏了\n", 1, RenderOptions::default()).is_empty());
    }
}
