//! The HTML of a body, split into `##` sections: a unique id for every
//! heading, links and images pointed at their output files (or dropped),
//! the spoken lines of class meetings marked, local facts filled in as
//! text, and sections holding the author's raw HTML passed through the
//! allow-list.
//!
//! Must not: report problems or places (the outline and the loader do that,
//! with lines and columns this file does not track), or decide which raw
//! HTML is allowed (that is `html::sanitize`).

use super::sanitize::{has_scheme, sanitize};
use super::{FW_COLON, events, protect_strong_with};
use crate::model::LocalFacts;
use pulldown_cmark::{CowStr, Event, HeadingLevel, Tag, TagEnd};
use std::collections::BTreeMap;

/// Rewrites a local link to a Markdown page into a link to its HTML page.
pub fn rewrite_link(dest: &str) -> String {
    if has_scheme(dest) || dest.starts_with('#') {
        return dest.to_string();
    }
    let (path, frag) = match dest.find(['#', '?']) {
        Some(i) => dest.split_at(i),
        None => (dest, ""),
    };
    match path.strip_suffix(".md") {
        Some(stem) => format!("{stem}.html{frag}"),
        None => dest.to_string(),
    }
}

/// A rendered `##` section of a body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    /// The `##` heading text (`None` for text before the first heading).
    pub title: Option<String>,
    /// The heading's id.
    pub id: String,
    /// HTML of the section's content, without its `##` heading.
    pub html: String,
}

/// Maps a link destination as written to the URL to use (`None`: drop it).
pub type Resolver<'a> = &'a dyn Fn(&str) -> Option<String>;

/// How to render a body.
#[derive(Clone, Copy, Default)]
pub struct RenderOptions<'a> {
    /// For class meetings: the roles whose lines are marked as spoken lines.
    pub roles: Option<&'a [String]>,
    /// Maps a local link or image destination, as written, to the URL to
    /// use; `None` drops the link (its text stays) or the image (its alt
    /// text stays). Without a resolver, `.md` links become `.html` links.
    pub resolve: Option<Resolver<'a>>,
    /// What `{{name}}` in the text stands for; without it references stay
    /// as written.
    pub facts: Option<&'a LocalFacts>,
    /// Where the `**` paired as strong emphasis are, as the loader found
    /// them in this same text ([`crate::model::Body::strong`]); without
    /// them the text is searched.
    pub strong: Option<&'a [u32]>,
}

/// Renders `markdown` as HTML sections split at `##` headings. Every heading
/// gets a unique id; links to `.md` pages point at their `.html` pages; in
/// meetings, spoken lines get `class="line"`; local facts are text.
pub fn render_sections(markdown: &str, opts: RenderOptions) -> Vec<Section> {
    render_sections_and_text(markdown, opts, None)
}

/// [`render_sections`]; with `text`, also the body's plain text as
/// [`plain_text`](super::plain_text) with `opts.facts` gives it, made from
/// the same parse: the page that renders a body hands the search index its
/// text.
pub fn render_sections_and_text(
    markdown: &str,
    opts: RenderOptions,
    text: Option<&mut String>,
) -> Vec<Section> {
    let protected = protect_strong_with(markdown, opts.strong);
    let mut events = events(&protected);
    if let Some(facts) = opts.facts {
        events = super::facts::fill(events, markdown, facts).events;
    }
    if let Some(text) = text {
        *text = super::plain::of_events(events.iter().map(|(e, _)| e));
    }
    let special = |e: &Event| matches!(e, Event::Html(_) | Event::Start(Tag::Image { .. }));
    let events: Vec<Event> = if events.iter().any(|(e, _)| special(e)) {
        merge_html_and_make_players(events.into_iter().map(|(e, _)| e), opts)
    } else {
        // No raw HTML to merge and no image that may be a player (most
        // bodies): the events as they are, collected into the list they
        // already fill, not moved one by one into a new one.
        events.into_iter().map(|(e, _)| e).collect()
    };
    // First pass: heading texts, to give every heading an id.
    let mut ids = Vec::new();
    let mut used = BTreeMap::new();
    let mut current: Option<String> = None;
    for e in &events {
        match e {
            Event::Start(Tag::Heading { .. }) => current = Some(String::new()),
            Event::Text(t) | Event::Code(t) => {
                if let Some(c) = current.as_mut() {
                    c.push_str(t)
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                let text = current.take().unwrap_or_default();
                ids.push((text.trim().to_string(), unique_id(&mut used, &slug(&text))));
            }
            _ => {}
        }
    }
    let mut ids = ids.into_iter();
    let mut sections = vec![Section {
        title: None,
        id: String::new(),
        html: String::new(),
    }];
    let mut buf: Vec<Event> = Vec::new();
    let mut depth = 0usize;
    let mut in_h2 = false;
    let mut para_is_line = Vec::new();
    // For each open link or image: was it dropped?
    let mut dropped: Vec<bool> = Vec::new();
    let mut events = events;
    let n = events.len();
    let mut i = 0;
    while i < n {
        // Moved out, not cloned (a text the parser had to rewrite is a
        // string of its own): only the events after this one are read ahead.
        let e = std::mem::replace(&mut events[i], Event::SoftBreak);
        i += 1;
        match e {
            Event::Start(Tag::Heading {
                level,
                classes,
                attrs,
                ..
            }) => {
                let (text, id) = ids.next().unwrap_or_default();
                if level == HeadingLevel::H2 {
                    flush(&mut sections, &mut buf);
                    sections.push(Section {
                        title: Some(text),
                        id,
                        html: String::new(),
                    });
                    in_h2 = true;
                } else {
                    buf.push(Event::Start(Tag::Heading {
                        level,
                        id: Some(CowStr::from(id)),
                        classes,
                        attrs,
                    }));
                }
            }
            Event::End(TagEnd::Heading(HeadingLevel::H2)) if in_h2 => in_h2 = false,
            _ if in_h2 => {}
            e @ (Event::Start(Tag::Link { .. } | Tag::Image { .. })
            | Event::End(TagEnd::Link | TagEnd::Image)
            | Event::Html(_)
            | Event::InlineHtml(_)) => buf.extend(point(e, opts, &mut dropped)),
            Event::Start(Tag::BlockQuote(_)) if super::projection::is_marked(&events[i..]) => {
                // What the class will see, boxed on the teacher's page.
                depth += 1;
                buf.push(Event::Html(CowStr::from(PROJECTION_OPEN)));
            }
            Event::Start(Tag::Paragraph) if depth == 0 && opts.roles.is_some() => {
                let line = is_spoken_line(&events[i..], opts.roles.unwrap_or_default());
                para_is_line.push(line);
                buf.push(if line {
                    Event::Html(CowStr::from(LINE_OPEN))
                } else {
                    Event::Start(Tag::Paragraph)
                });
            }
            Event::End(TagEnd::Paragraph) if depth == 0 && opts.roles.is_some() => {
                let line = para_is_line.pop().unwrap_or(false);
                buf.push(if line {
                    Event::Html(CowStr::from(LINE_CLOSE))
                } else {
                    Event::End(TagEnd::Paragraph)
                });
            }
            other => {
                match &other {
                    Event::Start(Tag::List(_) | Tag::BlockQuote(_) | Tag::Table(_)) => depth += 1,
                    Event::End(TagEnd::List(_) | TagEnd::BlockQuote(_) | TagEnd::Table) => {
                        depth = depth.saturating_sub(1)
                    }
                    _ => {}
                }
                buf.push(other)
            }
        }
    }
    flush(&mut sections, &mut buf);
    if sections[0].html.trim().is_empty() {
        sections.remove(0);
    }
    sections
}

/// A link or image event, or the author's raw HTML, pointed where `opts`
/// says: `None` for the start and end of a dropped link or image (its text
/// stays). `dropped` remembers, for each open link or image, whether it
/// was dropped. Both the sections of a page and a 投影 block's content go
/// through this one function.
fn point<'a>(e: Event<'a>, opts: RenderOptions, dropped: &mut Vec<bool>) -> Option<Event<'a>> {
    match e {
        Event::Start(tag @ (Tag::Link { .. } | Tag::Image { .. })) => {
            let tag = retarget(tag, opts);
            dropped.push(tag.is_none());
            tag.map(Event::Start)
        }
        Event::End(end @ (TagEnd::Link | TagEnd::Image)) => {
            (!dropped.pop().unwrap_or(false)).then_some(Event::End(end))
        }
        Event::Html(h) => Some(Event::Html(CowStr::from(retarget_html(&h, opts)))),
        Event::InlineHtml(h) => Some(Event::InlineHtml(CowStr::from(retarget_html(&h, opts)))),
        other => Some(other),
    }
}

/// A link or image pointed at its new destination; `None` drops it (its
/// text or alt text stays).
fn retarget<'a>(tag: Tag<'a>, opts: RenderOptions) -> Option<Tag<'a>> {
    let (Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = &tag else {
        return Some(tag);
    };
    let url = match local_target(dest_url, opts) {
        None => return Some(tag),
        Some(None) => return None,
        Some(Some(url)) => CowStr::from(url),
    };
    Some(match tag {
        Tag::Link {
            link_type,
            title,
            id,
            ..
        } => Tag::Link {
            link_type,
            dest_url: url,
            title,
            id,
        },
        Tag::Image {
            link_type,
            title,
            id,
            ..
        } => Tag::Image {
            link_type,
            dest_url: url,
            title,
            id,
        },
        other => other,
    })
}

/// The author's raw HTML with its local `href`/`src`/`poster` values
/// pointed where Markdown links and images would point (a pack's short
/// paths included); one whose target is dropped becomes `#`. xinyu's own
/// player markup (already pointed) is left alone.
fn retarget_html(html: &str, opts: RenderOptions) -> String {
    if html.starts_with(MEDIA_OPEN) {
        return html.to_string();
    }
    super::tokens::retarget(html, |dest| local_target(dest, opts))
}

/// Sound and video files a Markdown image may point at: the page gets a
/// player instead of a picture.
const AUDIO: [&str; 8] = ["mp3", "m4a", "aac", "ogg", "oga", "opus", "wav", "flac"];
const VIDEO: [&str; 4] = ["mp4", "m4v", "webm", "ogv"];

/// `audio` or `video` when a destination is a sound or video file.
pub fn media_kind(dest: &str) -> Option<&'static str> {
    let path = dest.split(['#', '?']).next().unwrap_or("");
    let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
    if AUDIO.contains(&ext.as_str()) {
        Some("audio")
    } else if VIDEO.contains(&ext.as_str()) {
        Some("video")
    } else {
        None
    }
}

/// The markup xinyu writes for a Markdown image of a sound or video file.
const MEDIA_OPEN: &str = "<span class=\"media\">";

/// In one pass over the events: consecutive raw HTML events as one (an
/// HTML block comes a line at a time, so a tag written across lines is
/// read whole), and `![caption](file.mp3)` (or `.mp4`…) turned into a
/// player with its caption, pointed like an image; the caption is also the
/// fallback link for a browser that cannot play it. A player whose file is
/// dropped leaves its caption as text. (No HTML block sits inside an
/// image, and a player is inline HTML, so merging first and then making
/// players would give the same events.)
fn merge_html_and_make_players<'a>(
    events: impl ExactSizeIterator<Item = Event<'a>>,
    opts: RenderOptions,
) -> Vec<Event<'a>> {
    let mut out: Vec<Event<'a>> = Vec::with_capacity(events.len());
    let mut it = events;
    while let Some(e) = it.next() {
        if let (Event::Html(h), Some(Event::Html(prev))) = (&e, out.last_mut()) {
            *prev = CowStr::from(format!("{prev}{h}"));
            continue;
        }
        let Event::Start(Tag::Image { dest_url, .. }) = &e else {
            out.push(e);
            continue;
        };
        let Some(kind) = media_kind(dest_url) else {
            out.push(e);
            continue;
        };
        let dest = dest_url.to_string();
        let mut caption = String::new();
        for inner in it.by_ref() {
            match inner {
                Event::End(TagEnd::Image) => break,
                Event::Text(t) | Event::Code(t) => caption.push_str(&t),
                _ => {}
            }
        }
        let url = match local_target(&dest, opts) {
            Some(Some(url)) => url,
            None if !has_scheme(&dest) => dest.clone(),
            // Dropped, or from the web (a load error, never published).
            _ => {
                out.push(Event::Text(CowStr::from(caption)));
                continue;
            }
        };
        let esc = |s: &str| {
            s.replace('&', "&amp;")
                .replace('"', "&quot;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
        };
        let (url, caption) = (esc(&url), esc(&caption));
        out.push(Event::InlineHtml(CowStr::from(format!(
            "{MEDIA_OPEN}<{kind} src=\"{url}\" controls=\"\" preload=\"metadata\" title=\"{caption}\"><a href=\"{url}\">{caption}</a></{kind}><span class=\"media-caption\">{caption}</span></span>"
        ))));
    }
    out
}

/// `None` for destinations that are not local files (URLs with a scheme,
/// in-page anchors); otherwise what the resolver (or the `.md` → `.html`
/// rule) makes of it.
fn local_target(dest: &str, opts: RenderOptions) -> Option<Option<String>> {
    if dest.is_empty() || has_scheme(dest) || dest.starts_with('#') {
        return None;
    }
    Some(match opts.resolve {
        Some(f) => f(dest),
        None => Some(rewrite_link(dest)),
    })
}

/// The markup xinyu itself adds around a speaker's line.
const LINE_OPEN: &str = "<p class=\"line\">";
const LINE_CLOSE: &str = "</p>\n";
/// The markup xinyu adds around a 投影 block on the teacher's page (the
/// block's own end closes it).
const PROJECTION_OPEN: &str = "<blockquote class=\"projection\">\n";

/// The HTML of a run of events (a 投影 block's content): links and images
/// pointed where `opts` says, raw HTML through the allow-list.
pub(super) fn html_of(events: Vec<Event<'_>>, opts: RenderOptions) -> String {
    let events = merge_html_and_make_players(events.into_iter(), opts);
    let mut buf = Vec::with_capacity(events.len());
    let mut dropped: Vec<bool> = Vec::new();
    for e in events {
        match e {
            e @ (Event::Start(Tag::Link { .. } | Tag::Image { .. })
            | Event::End(TagEnd::Link | TagEnd::Image)
            | Event::Html(_)
            | Event::InlineHtml(_)) => buf.extend(point(e, opts, &mut dropped)),
            other => buf.push(other),
        }
    }
    let mut s = [Section {
        title: None,
        id: String::new(),
        html: String::new(),
    }];
    flush(&mut s, &mut buf);
    std::mem::take(&mut s[0].html)
}

fn flush(sections: &mut [Section], buf: &mut Vec<Event>) {
    if let Some(last) = sections.last_mut() {
        // pulldown-cmark escapes text and attributes, and dangerous link
        // targets are load errors: only raw HTML from the author needs the
        // allow-list. Skipping it elsewhere saves a fifth of a build.
        let raw = buf.iter().any(|e| {
            matches!(e, Event::Html(h) | Event::InlineHtml(h) if ![LINE_OPEN, LINE_CLOSE, PROJECTION_OPEN].contains(&h.as_ref()) && !h.starts_with(MEDIA_OPEN))
        });
        if raw {
            let mut html = String::new();
            pulldown_cmark::html::push_html(&mut html, buf.drain(..));
            last.html.push_str(&sanitize(&html));
        } else {
            pulldown_cmark::html::push_html(&mut last.html, buf.drain(..));
        }
    }
}

/// True when the paragraph starting at `rest` opens with `**Speaker**:` for a known role.
fn is_spoken_line(rest: &[Event], roles: &[String]) -> bool {
    let mut it = rest.iter();
    if !matches!(it.next(), Some(Event::Start(Tag::Strong))) {
        return false;
    }
    let mut name = String::new();
    for e in it.by_ref() {
        match e {
            Event::Text(t) => name.push_str(t),
            Event::End(TagEnd::Strong) => break,
            _ => return false,
        }
    }
    let name = name.trim();
    if let Some(n) = name
        .strip_suffix(':')
        .or_else(|| name.strip_suffix(FW_COLON))
    {
        return roles.iter().any(|r| r == n.trim());
    }
    matches!(it.next(), Some(Event::Text(t)) if t.starts_with(':') || t.starts_with(FW_COLON))
        && roles.iter().any(|r| r == name)
}

/// A heading id: letters, digits and CJK kept, spaces to `-`, punctuation dropped.
pub fn slug(text: &str) -> String {
    let mut s = String::new();
    for c in text.trim().chars() {
        if CJK.contains(&c) {
            // Letters with no case: what the general test below gives,
            // without its table searches for every Chinese character.
            s.push(c);
        } else if c.is_alphanumeric() {
            s.extend(c.to_lowercase());
        } else if (c.is_whitespace() || c == '-' || c == '_') && !s.ends_with('-') {
            s.push('-');
        }
    }
    let s = s.trim_matches('-').to_string();
    if s.is_empty() { "section".into() } else { s }
}

/// CJK Unified Ideographs: every one is alphanumeric and its own lower
/// case (a test checks each).
const CJK: std::ops::RangeInclusive<char> = '\u{4E00}'..='\u{9FFF}';

fn unique_id(used: &mut BTreeMap<String, usize>, base: &str) -> String {
    let n = used.entry(base.to_string()).or_insert(0);
    *n += 1;
    if *n == 1 {
        base.to_string()
    } else {
        format!("{base}-{n}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_ideographs_are_slugged_as_the_general_rule_would() {
        for c in CJK {
            assert!(c.is_alphanumeric(), "{c:?}");
            assert!(c.to_lowercase().eq([c]), "{c:?}");
        }
        assert_eq!(
            slug("一、暖身导入：反口令（5分钟）"),
            "一暖身导入反口令5分钟"
        );
    }

    #[test]
    fn sections_split_at_h2_with_ids_and_rewritten_links() {
        let md = "导言\n\n## 活动过程\n\n### 暖身(5分钟)\n\n见[读本](../../parents/a.md#做法)\n\n## 活动过程\n";
        let s = render_sections(md, RenderOptions::default());
        assert_eq!(s.len(), 3);
        assert_eq!(s[1].title.as_deref(), Some("活动过程"));
        assert_eq!(s[1].id, "活动过程");
        assert_eq!(s[2].id, "活动过程-2");
        assert!(s[1].html.contains("<h3 id=\"暖身5分钟\">"), "{}", s[1].html);
        // The HTML writer percent-encodes the fragment; browsers decode it.
        assert!(
            s[1].html
                .contains("href=\"../../parents/a.html#%E5%81%9A%E6%B3%95\""),
            "{}",
            s[1].html
        );
    }

    #[test]
    fn spoken_lines_are_marked_for_known_roles_only() {
        let roles = vec!["主持人甲".to_string()];
        let s = render_sections(
            "**主持人甲**:大家好\n\n**提示**:不是台词\n",
            RenderOptions {
                roles: Some(&roles),
                resolve: None,
                facts: None,
                strong: None,
            },
        );
        assert!(
            s[0].html
                .starts_with("<p class=\"line\"><strong>主持人甲</strong>"),
            "{}",
            s[0].html
        );
        assert!(
            s[0].html.contains("<p><strong>提示</strong>"),
            "{}",
            s[0].html
        );
    }

    #[test]
    fn local_facts_are_escaped_text_everywhere_but_code() {
        let facts = LocalFacts::one("热线", "<b>*12356*</b> & [x](y)");
        let roles = vec!["班主任".to_string()];
        let s = render_sections(
            "## 求助：{{热线}}\n\n**班主任**：请拨打{{ 热线 }}。`{{热线}}`、\\{{热线}}\n\n[{{热线}}](a.md)\n",
            RenderOptions {
                roles: Some(&roles),
                resolve: None,
                facts: Some(&facts),
                strong: None,
            },
        );
        let v = "&lt;b&gt;*12356*&lt;/b&gt; &amp; [x](y)";
        assert_eq!(s[0].title.as_deref(), Some("求助：<b>*12356*</b> & [x](y)"));
        assert_eq!(s[0].id, "求助b12356b-xy");
        assert_eq!(
            s[0].html,
            format!(
                "<p class=\"line\"><strong>班主任</strong>：请拨打{v}。<code>{{{{热线}}}}</code>、{{{{热线}}}}</p>\n<p><a href=\"a.html\">{v}</a></p>\n"
            )
        );
    }

    #[test]
    fn a_resolver_rewrites_or_drops_links_and_images() {
        let resolve = |d: &str| (d == "a.md").then(|| "../x/a.html".to_string());
        let s = render_sections(
            "[甲](a.md) [乙](b.md#x) ![图](c.png) [网](https://e.cn)\n",
            RenderOptions {
                roles: None,
                resolve: Some(&resolve),
                facts: None,
                strong: None,
            },
        );
        assert_eq!(
            s[0].html,
            "<p><a href=\"../x/a.html\">甲</a> 乙 图 <a href=\"https://e.cn\">网</a></p>\n"
        );
    }
}
