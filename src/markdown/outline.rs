//! The outline of a body: what loading and checking need to know about it,
//! each with its file line and column. Headings (and the minutes of timed
//! parts), links and images, speaker lines, images without alt text, the
//! external assets and active content of raw HTML, references to local
//! facts that are not defined (or sit in raw HTML), and the plain text the
//! search index reads. Headings, speakers and plain text read the body with
//! its local facts filled in, as the page shows it.
//!
//! Must not: produce HTML for pages (that is `render.rs`), or judge raw HTML
//! itself (it asks `html.rs`); it reports what it finds and where, and
//! leaves the verdict to the loader and the checks.

use super::html::{
    active_content_in_html, external_assets_in_html, removed_by_sanitize, too_deep, urls_in_html,
};
#[cfg(test)]
use super::plain::plain_text;
use super::sanitize::{SAFE_SCHEMES, scheme};
use super::{FW_COLON, Lines, events, protect_strong, strong_pairs, with_strong};
use crate::model::{Body, LinkRef, LocalFacts, Text};
use pulldown_cmark::{Event, HeadingLevel, Tag, TagEnd};
use std::borrow::Cow;
use std::sync::Arc;

/// Full-width brackets, as input methods type them around a heading's minutes.
const FW_OPEN: char = '\u{FF08}';
const FW_CLOSE: char = '\u{FF09}';

/// A heading found in a body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heading {
    /// 1 for `#`, 2 for `##`…
    pub level: u8,
    /// Plain text of the heading.
    pub text: String,
    /// File line.
    pub line: usize,
}

/// A spoken line: a top-level paragraph that starts with a bold speaker and a colon.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpeakerLine {
    /// The speaker's name.
    pub speaker: String,
    /// File line and column.
    pub line: usize,
    /// 1-based column in characters.
    pub column: usize,
}

/// A `{{name}}` reference in a body, with its place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FactRef {
    /// The name.
    pub name: String,
    /// As written, braces included.
    pub raw: String,
    /// File line.
    pub line: usize,
    /// 1-based column in characters.
    pub column: usize,
}

/// What checking needs to know about a body.
#[derive(Clone, Debug, Default)]
pub struct Outline {
    /// Every heading, in order.
    pub headings: Vec<Heading>,
    /// Every link and image.
    pub links: Vec<LinkRef>,
    /// Every speaker line.
    pub speakers: Vec<SpeakerLine>,
    /// External assets found in raw HTML: (line, column, url).
    pub raw_html_assets: Vec<(usize, usize, String)>,
    /// Active content found in raw HTML (scripts, frames, event handlers,
    /// `javascript:` URLs): (line, column, what was found).
    pub raw_html_unsafe: Vec<(usize, usize, String)>,
    /// What the allow-list would take out of raw HTML that is not active
    /// content (an element, an attribute, a style property): (line,
    /// column, what).
    pub raw_html_removed: Vec<(usize, usize, String)>,
    /// Where the author's raw HTML first nests deeper than
    /// [`RAW_HTML_DEPTH`] elements: (line, column).
    pub raw_html_too_deep: Option<(usize, usize)>,
    /// References in the text to local facts that are not defined.
    pub unknown_facts: Vec<FactRef>,
    /// References inside raw HTML, which are shown as written.
    pub facts_in_html: Vec<FactRef>,
    /// Where the `**` paired as strong emphasis are ([`crate::model::Body::strong`]).
    pub strong: Option<Box<[u32]>>,
}

/// What a piece of the author's raw HTML holds, each with its place:
/// local links and pictures (checked like Markdown ones: the file exists,
/// stays in the project, goes into the pack), assets from the web, active
/// content, what the allow-list would remove, and nesting too deep.
/// `at` maps an offset in `html` to one in the body.
fn raw_html(
    html: &str,
    at: &dyn Fn(usize) -> usize,
    lines: &Lines,
    depth: &mut usize,
    out: &mut Outline,
) {
    for (off, target, image) in urls_in_html(html) {
        // Web addresses are the external-asset check's (below); local
        // paths and other schemes are the link check's.
        let web = scheme(&target).is_some_and(|s| SAFE_SCHEMES.contains(&s.as_str()));
        if target.trim().is_empty() || web {
            continue;
        }
        let (line, column) = lines.at(at(off));
        out.links.push(LinkRef {
            target,
            line,
            column,
            image,
        });
    }
    for (off, url) in external_assets_in_html(html) {
        let (line, column) = lines.at(at(off));
        out.raw_html_assets.push((line, column, url));
    }
    if out.raw_html_too_deep.is_none()
        && let Some(off) = too_deep(html, depth, RAW_HTML_DEPTH)
    {
        out.raw_html_too_deep = Some(lines.at(at(off)));
    }
    for (off, what) in active_content_in_html(html) {
        let (line, column) = lines.at(at(off));
        out.raw_html_unsafe.push((line, column, what));
    }
    for (off, what) in removed_by_sanitize(html) {
        let (line, column) = lines.at(at(off));
        out.raw_html_removed.push((line, column, what));
    }
}

impl Outline {
    /// The body of a document, keeping what the link check needs.
    /// `markdown` is the end of `file`, which the body then shares.
    pub fn into_body(self, file: &Arc<str>, markdown: &str, first_line: usize) -> Body {
        Body {
            markdown: Text::new(file, markdown),
            first_line,
            links: self.links,
            raw_html_assets: self.raw_html_assets,
            raw_html_unsafe: self.raw_html_unsafe,
            raw_html_removed: self.raw_html_removed,
            raw_html_too_deep: self.raw_html_too_deep,
            strong: self.strong,
        }
    }
}

/// How deep the author's raw HTML may nest. Lessons use a few levels
/// (`<details>` around a table); a hundred thousand `<div>`s took the HTML
/// parser minutes.
pub const RAW_HTML_DEPTH: usize = 100;

/// Reads the outline of `markdown`, whose first line is file line
/// `first_line`, with the local facts `facts` defines.
pub fn outline(markdown: &str, first_line: usize, facts: &LocalFacts) -> Outline {
    let lines = Lines::new(markdown, first_line);
    let mut out = Outline::default();
    let mut html_depth = 0usize;
    let pairs = strong_pairs(markdown);
    out.strong = pairs.iter().map(|p| u32::try_from(*p).ok()).collect();
    let protected = with_strong(markdown, pairs);
    let filled = super::facts::fill(events(&protected), markdown, facts);
    for (found, list) in [
        (filled.unknown, &mut out.unknown_facts),
        (filled.in_html, &mut out.facts_in_html),
    ] {
        for f in found {
            let (line, column) = lines.at(f.offset);
            list.push(FactRef {
                name: f.name,
                raw: f.raw,
                line,
                column,
            });
        }
    }
    let mut heading: Option<(u8, String, usize)> = None;
    // Depth of block containers (lists, quotes, tables…) around the cursor.
    let mut container_depth = 0usize;
    // State for speaker detection inside a top-level paragraph. The name
    // borrows from the events while it is one piece of text (nearly
    // always): no string is made for each bold word.
    #[derive(PartialEq)]
    enum Sp<'e> {
        Idle,
        ParaStart(usize),
        InStrong(usize, Cow<'e, str>),
        AfterStrong(usize, Cow<'e, str>),
    }
    let mut sp = Sp::Idle;
    // The text of the HTML block being read, and where each of its lines
    // starts: (offset in the text, offset in the body).
    let mut html_block: Option<(String, Vec<(usize, usize)>)> = None;
    for (event, range) in &filled.events {
        let range = range.clone();
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some((
                    heading_level(*level),
                    String::new(),
                    lines.at(range.start).0,
                ));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, text, line)) = heading.take() {
                    let trimmed = text.trim();
                    out.headings.push(Heading {
                        level,
                        text: if trimmed.len() == text.len() {
                            text
                        } else {
                            trimmed.to_string()
                        },
                        line,
                    });
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, text, _)) = heading.as_mut() {
                    text.push_str(t);
                }
            }
            Event::Start(Tag::Link { dest_url, .. })
            | Event::Start(Tag::Image { dest_url, .. }) => {
                let (line, column) = lines.at(range.start);
                out.links.push(LinkRef {
                    target: dest_url.to_string(),
                    line,
                    column,
                    image: matches!(event, Event::Start(Tag::Image { .. })),
                });
            }
            Event::Start(Tag::HtmlBlock) => html_block = Some((String::new(), Vec::new())),
            Event::Html(h) if html_block.is_some() => {
                // An HTML block comes a line at a time; a tag may span
                // lines, so the block is read whole.
                if let Some((text, starts)) = html_block.as_mut() {
                    starts.push((text.len(), range.start));
                    text.push_str(h);
                }
            }
            Event::End(TagEnd::HtmlBlock) => {
                if let Some((text, starts)) = html_block.take() {
                    let at = |off: usize| {
                        let i = starts.partition_point(|(b, _)| *b <= off).saturating_sub(1);
                        starts.get(i).map_or(0, |(b, src)| src + (off - b))
                    };
                    raw_html(&text, &at, &lines, &mut html_depth, &mut out);
                }
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                let start = range.start;
                raw_html(h, &|off| start + off, &lines, &mut html_depth, &mut out);
            }
            _ => {}
        }
        // Speaker lines: only paragraphs directly in the body.
        match event {
            Event::Start(
                Tag::List(_) | Tag::BlockQuote(_) | Tag::Table(_) | Tag::FootnoteDefinition(_),
            ) => container_depth += 1,
            Event::End(
                TagEnd::List(_)
                | TagEnd::BlockQuote(_)
                | TagEnd::Table
                | TagEnd::FootnoteDefinition,
            ) => container_depth = container_depth.saturating_sub(1),
            _ => {}
        }
        sp = match (sp, event) {
            (_, Event::Start(Tag::Paragraph)) if container_depth == 0 => Sp::ParaStart(range.start),
            (Sp::ParaStart(at), Event::Start(Tag::Strong)) => Sp::InStrong(at, Cow::Borrowed("")),
            (Sp::InStrong(at, s), Event::Text(t)) => Sp::InStrong(
                at,
                if s.is_empty() {
                    Cow::Borrowed(&**t)
                } else {
                    Cow::Owned(s.into_owned() + t)
                },
            ),
            (Sp::InStrong(at, s), Event::End(TagEnd::Strong)) => {
                let name = s.trim();
                if let Some(n) = name
                    .strip_suffix(':')
                    .or_else(|| name.strip_suffix(FW_COLON))
                {
                    push_speaker(&mut out, &lines, at, n);
                    Sp::Idle
                } else {
                    // A speaker if the next text starts with a colon
                    // (`push_speaker` trims the name).
                    Sp::AfterStrong(at, s)
                }
            }
            (Sp::AfterStrong(at, name), Event::Text(t)) => {
                if t.starts_with(':') || t.starts_with(FW_COLON) {
                    push_speaker(&mut out, &lines, at, &name);
                }
                Sp::Idle
            }
            _ => Sp::Idle,
        };
    }
    out
}

fn push_speaker(out: &mut Outline, lines: &Lines, at: usize, name: &str) {
    let (line, column) = lines.at(at);
    out.speakers.push(SpeakerLine {
        speaker: name.trim().to_string(),
        line,
        column,
    });
}

fn heading_level(l: HeadingLevel) -> u8 {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// An image written without a description: `![](photo.jpg)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageWithoutAlt {
    /// File line of the `![`.
    pub line: usize,
    /// 1-based column in characters.
    pub column: usize,
    /// Length of the whole image in characters, for the caret.
    pub len: usize,
}

/// Every image whose alt text is empty or only spaces. Screen readers then
/// read nothing (or the file name), and a missing file shows nothing.
pub fn images_without_alt(markdown: &str, first_line: usize) -> Vec<ImageWithoutAlt> {
    let lines = Lines::new(markdown, first_line);
    let mut out = Vec::new();
    // (start offset, end offset, alt text so far) of the open image.
    let mut open: Option<(usize, usize, String)> = None;
    for (event, range) in events(&protect_strong(markdown)) {
        match event {
            Event::Start(Tag::Image { .. }) => open = Some((range.start, range.end, String::new())),
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, _, alt)) = open.as_mut() {
                    alt.push_str(&t);
                }
            }
            Event::End(TagEnd::Image) => {
                if let Some((start, end, alt)) = open.take()
                    && alt.trim().is_empty()
                {
                    let (line, column) = lines.at(start);
                    let len = markdown.get(start..end).map_or(1, |s| s.chars().count());
                    out.push(ImageWithoutAlt { line, column, len });
                }
            }
            _ => {}
        }
    }
    out
}

/// A link or image that Markdown did not recognise and would print as
/// written: a file name with a space (as Windows names files: “新建 位图图像.png”)
/// or the input method's full-width brackets `![说明]（图片.png）`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    /// 1-based line in the file.
    pub line: usize,
    /// 1-based column in characters.
    pub column: usize,
    /// Length of what was written, in characters.
    pub len: usize,
    /// An image (`![…]`) rather than a link.
    pub image: bool,
    /// The target has a space (rather than full-width brackets).
    pub space: bool,
    /// What to write instead.
    pub fixed: String,
}

/// Links and images written so that Markdown shows them as text (see
/// [`BrokenLink`]). Code, raw HTML and real links are not looked at.
pub fn broken_links(markdown: &str, first_line: usize) -> Vec<BrokenLink> {
    // memmem's SIMD search: `str::contains` scanned every body twice.
    let has = |pat: &str| memchr::memmem::find(markdown.as_bytes(), pat.as_bytes()).is_some();
    if !has("](") && !has("]（") {
        return Vec::new();
    }
    let lines = Lines::new(markdown, first_line);
    // Ranges that are not plain text: parsed only once the text shows a slip.
    let mut skip: Option<Vec<std::ops::Range<usize>>> = None;
    let mut skipped = |at: usize| {
        let skip = skip.get_or_insert_with(|| {
            events(&protect_strong(markdown))
                .into_iter()
                .filter_map(|(event, range)| match event {
                    Event::Start(Tag::CodeBlock(_) | Tag::Link { .. } | Tag::Image { .. })
                    | Event::Code(_)
                    | Event::Html(_)
                    | Event::InlineHtml(_) => Some(range),
                    _ => None,
                })
                .collect()
        });
        skip.iter().any(|r| r.contains(&at))
    };
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = markdown[from..].find(']').map(|i| i + from) {
        from = i + 1;
        let after = &markdown[i + 1..];
        let (full_width, open_len) = if after.starts_with('(') {
            (false, 1)
        } else if after.starts_with('（') {
            (true, '（'.len_utf8())
        } else {
            continue;
        };
        // The opening bracket on the same line, and the closing one.
        let line_start = markdown[..i].rfind('\n').map_or(0, |p| p + 1);
        let Some(start) = markdown[line_start..i].rfind('[').map(|p| p + line_start) else {
            continue;
        };
        let rest = &after[open_len..];
        let line_rest = rest.split('\n').next().unwrap_or("");
        let close = if full_width {
            line_rest.find(['）', ')'])
        } else {
            line_rest.find(')')
        };
        let Some(close) = close else { continue };
        let target = &line_rest[..close];
        let image = start > 0 && markdown[..start].ends_with('!');
        let begin = if image { start - 1 } else { start };
        let text = &markdown[start + 1..i];
        let space = !full_width && target.trim().contains(char::is_whitespace);
        // `(file.png "title")` is a link with a title, not a slip.
        let titled = target
            .trim()
            .split_once(char::is_whitespace)
            .is_some_and(|(_, t)| t.trim_start().starts_with(['"', '\'', '(']));
        if !(full_width || space) || titled || target.trim().starts_with('<') || skipped(i) {
            continue;
        }
        let end =
            i + 1 + open_len + close + line_rest[close..].chars().next().map_or(0, char::len_utf8);
        let bang = if image { "!" } else { "" };
        let fixed = if space {
            format!("{bang}[{text}](<{}>)", target.trim())
        } else {
            format!("{bang}[{text}]({})", target.trim())
        };
        let (line, column) = lines.at(begin);
        out.push(BrokenLink {
            line,
            column,
            len: markdown[begin..end].chars().count(),
            image,
            space,
            fixed,
        });
        from = end;
    }
    out
}

/// Splits a timed heading such as `暖身:情绪天气预报(5分钟)` into its title
/// and minutes. Full- or half-width brackets; `分钟`, `分` or `min`.
pub fn split_minutes(heading: &str) -> Option<(String, u32)> {
    let h = heading.trim_end();
    let inner_end = h.len()
        - h.chars()
            .next_back()
            .filter(|c| *c == ')' || *c == FW_CLOSE)?
            .len_utf8();
    let open = h[..inner_end].rfind(['(', FW_OPEN])?;
    let inner = h[open..inner_end].trim_start_matches(['(', FW_OPEN]).trim();
    let digits: String = inner.chars().take_while(|c| c.is_ascii_digit()).collect();
    let unit = inner[digits.len()..].trim().to_lowercase();
    if digits.is_empty() || !matches!(unit.as_str(), "分钟" | "分" | "min" | "mins" | "minutes")
    {
        return None;
    }
    let minutes = digits.parse().ok()?;
    Some((h[..open].trim().to_string(), minutes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minutes_in_all_the_ways_teachers_write_them() {
        assert_eq!(
            split_minutes("暖身:情绪天气预报(5分钟)"),
            Some(("暖身:情绪天气预报".into(), 5))
        );
        assert_eq!(split_minutes("分享 (10 min)"), Some(("分享".into(), 10)));
        assert_eq!(split_minutes("总结(3分)"), Some(("总结".into(), 3)));
        assert_eq!(split_minutes("总结(三分钟)"), None);
        assert_eq!(split_minutes("总结"), None);
        assert_eq!(split_minutes("(5分钟)"), Some(("".into(), 5)));
        assert_eq!(
            split_minutes("暖身\u{FF1A}情绪天气预报\u{FF08}5分钟\u{FF09}"),
            Some(("暖身\u{FF1A}情绪天气预报".into(), 5))
        );
        assert_eq!(
            split_minutes("分享\u{FF08}10 min\u{FF09}"),
            Some(("分享".into(), 10))
        );
    }

    #[test]
    fn outline_finds_headings_links_and_speakers_with_lines() {
        let md = "## 开场(5分钟)\n\n**主持人甲**:同学们好!\n\n- **注意**:不是台词\n\n[读本](../parents/a.md) ![图](img.png)\n";
        let o = outline(md, 10, &LocalFacts::default());
        assert_eq!(o.headings[0].text, "开场(5分钟)");
        assert_eq!(o.headings[0].line, 10);
        assert_eq!(o.speakers.len(), 1);
        assert_eq!(o.speakers[0].speaker, "主持人甲");
        assert_eq!(o.speakers[0].line, 12);
        assert_eq!(o.links.len(), 2);
        assert_eq!(o.links[0].target, "../parents/a.md");
        assert_eq!((o.links[0].line, o.links[0].column), (16, 1));
        assert!(o.links[1].image);
    }

    #[test]
    fn facts_are_filled_and_unknown_ones_have_their_place() {
        let facts = LocalFacts::one("心理老师", "王老师");
        let md = "## 找{{心理老师}}（5分钟）\n\n**{{心理老师}}**：大家好，{{心理咨询师}}\n\n<p title=\"{{x}}\">\n";
        let o = outline(md, 5, &facts);
        assert_eq!(o.headings[0].text, "找王老师（5分钟）");
        assert_eq!(o.speakers[0].speaker, "王老师");
        assert_eq!(
            o.unknown_facts,
            [FactRef {
                name: "心理咨询师".into(),
                raw: "{{心理咨询师}}".into(),
                line: 7,
                column: 18,
            }]
        );
        assert_eq!(
            (o.facts_in_html[0].line, o.facts_in_html[0].column),
            (9, 11)
        );
        assert_eq!(
            plain_text(md, &facts).lines().next(),
            Some("找王老师（5分钟）")
        );
    }

    #[test]
    fn colon_inside_bold_is_a_speaker_too() {
        let o = outline("**班主任:** 同学们\n", 1, &LocalFacts::default());
        assert_eq!(o.speakers[0].speaker, "班主任");
    }

    #[test]
    fn images_without_alt_text_are_found_with_their_place() {
        let md = "前言\n\n![](a.png) 和 ![照片](b.png)\n\n![  ](c.png)\n";
        let found = images_without_alt(md, 10);
        assert_eq!(
            found,
            [
                ImageWithoutAlt {
                    line: 12,
                    column: 1,
                    len: 10
                },
                ImageWithoutAlt {
                    line: 14,
                    column: 1,
                    len: 12
                },
            ]
        );
    }
}
