//! Everything that touches pulldown-cmark: the outline of a body (headings,
//! timed parts, speaker lines, links, with line numbers) for checking, and
//! the HTML of a body split into `##` sections for rendering. pulldown-cmark
//! types never leave this module.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::collections::BTreeMap;
use std::ops::Range;

/// Full-width punctuation, as Chinese input methods type it.
const FW_COLON: char = '\u{FF1A}';
const FW_OPEN: char = '\u{FF08}';
const FW_CLOSE: char = '\u{FF09}';

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS
}

/// The events of `markdown` with their source ranges, with strong emphasis
/// paired the way Chinese text needs (see [`protect_strong`]).
fn events(markdown: &str) -> Vec<(Event<'static>, Range<usize>)> {
    let protected = protect_strong(markdown);
    let mut out = Vec::new();
    for (e, r) in Parser::new_ext(&protected, options()).into_offset_iter() {
        match e {
            Event::Text(t) if t.contains([STRONG_OPEN, STRONG_CLOSE]) => {
                let mut rest: &str = &t;
                while let Some(i) = rest.find([STRONG_OPEN, STRONG_CLOSE]) {
                    if i > 0 {
                        out.push((Event::Text(CowStr::from(rest[..i].to_string())), r.clone()));
                    }
                    let open = rest[i..].starts_with(STRONG_OPEN);
                    out.push((
                        if open {
                            Event::Start(Tag::Strong)
                        } else {
                            Event::End(TagEnd::Strong)
                        },
                        r.clone(),
                    ));
                    rest = &rest[i + STRONG_OPEN.len_utf8()..];
                }
                if !rest.is_empty() {
                    out.push((Event::Text(CowStr::from(rest.to_string())), r));
                }
            }
            e => out.push((e.into_static(), r)),
        }
    }
    out
}

/// Stand-ins for a pair of `**`. Two bytes each, like `**`, so byte offsets
/// (and with them every line and column in diagnostics) stay exact; code
/// points that are unassigned, so no text contains them.
const STRONG_OPEN: char = '\u{0378}';
const STRONG_CLOSE: char = '\u{0379}';

/// CommonMark closes `**` only when the delimiter is "right-flanking", which
/// fails exactly where Chinese puts it: `**教师提示：**学生…` (punctuation
/// inside the bold, a character right after it). pulldown-cmark then prints
/// the asterisks, or pairs the wrong ones. So before parsing, the `**` on
/// each line are paired in order and replaced by stand-ins that [`events`]
/// turns into strong emphasis. Left alone: code spans, code blocks, HTML,
/// escaped `\*`, runs of three or more `*`, a line with an odd count, and
/// pairs with nothing or only spaces inside.
fn protect_strong(src: &str) -> std::borrow::Cow<'_, str> {
    if !src.contains("**") {
        return std::borrow::Cow::Borrowed(src);
    }
    // Places where `**` is not emphasis.
    let mut skip: Vec<Range<usize>> = Vec::new();
    let mut block_start = None;
    for (e, r) in Parser::new_ext(src, options()).into_offset_iter() {
        match e {
            Event::Code(_) | Event::Html(_) | Event::InlineHtml(_) => skip.push(r),
            Event::Start(Tag::CodeBlock(_)) | Event::Start(Tag::HtmlBlock) => {
                block_start = Some(r.start)
            }
            Event::End(TagEnd::CodeBlock) | Event::End(TagEnd::HtmlBlock) => {
                if let Some(s) = block_start.take() {
                    skip.push(s..r.end);
                }
            }
            _ => {}
        }
    }
    let bytes = src.as_bytes();
    let mut out = src.as_bytes().to_vec();
    let mut line_start = 0;
    for line in src.split_inclusive('\n') {
        let mut marks = Vec::new();
        let mut i = line_start;
        let end = line_start + line.len();
        while i + 1 < end {
            let run = bytes[i..end].iter().take_while(|b| **b == b'*').count();
            if run == 0 {
                i += 1;
                continue;
            }
            let escaped = i > 0 && bytes[i - 1] == b'\\';
            if run == 2 && !escaped && !skip.iter().any(|z| z.contains(&i)) {
                marks.push(i);
            }
            i += run.max(1);
        }
        if marks.len() >= 2 && marks.len() % 2 == 0 {
            for pair in marks.chunks_exact(2) {
                let inner = &src[pair[0] + 2..pair[1]];
                if inner.trim().is_empty() || inner.trim() != inner {
                    continue;
                }
                let mut buf = [0u8; 4];
                out[pair[0]..pair[0] + 2]
                    .copy_from_slice(STRONG_OPEN.encode_utf8(&mut buf).as_bytes());
                out[pair[1]..pair[1] + 2]
                    .copy_from_slice(STRONG_CLOSE.encode_utf8(&mut buf).as_bytes());
            }
        }
        line_start = end;
    }
    // Only ASCII `**` pairs were replaced by two-byte characters.
    std::borrow::Cow::Owned(String::from_utf8(out).unwrap_or_else(|_| src.to_string()))
}

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

pub use crate::model::LinkRef;

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
}

/// Maps byte offsets of a body to file lines and columns.
struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
    first_line: usize,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str, first_line: usize) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines {
            text,
            starts,
            first_line,
        }
    }

    fn at(&self, offset: usize) -> (usize, usize) {
        let idx = self
            .starts
            .partition_point(|s| *s <= offset)
            .saturating_sub(1);
        let start = self.starts[idx];
        let offset = offset.min(self.text.len());
        let col = self
            .text
            .get(start..offset)
            .map_or(0, |s| s.chars().count())
            + 1;
        (self.first_line + idx, col)
    }
}

impl Outline {
    /// The body of a document, keeping what the link check needs.
    pub fn into_body(self, markdown: &str, first_line: usize) -> crate::model::Body {
        crate::model::Body {
            markdown: markdown.to_string(),
            first_line,
            links: self.links,
            raw_html_assets: self.raw_html_assets,
            raw_html_unsafe: self.raw_html_unsafe,
        }
    }
}

/// Reads the outline of `markdown`, whose first line is file line `first_line`.
pub fn outline(markdown: &str, first_line: usize) -> Outline {
    let lines = Lines::new(markdown, first_line);
    let mut out = Outline::default();
    let mut heading: Option<(u8, String, usize)> = None;
    // Depth of block containers (lists, quotes, tables…) around the cursor.
    let mut container_depth = 0usize;
    // State for speaker detection inside a top-level paragraph.
    #[derive(PartialEq)]
    enum Sp {
        Idle,
        ParaStart(usize),
        InStrong(usize, String),
        AfterStrong(usize, String),
    }
    let mut sp = Sp::Idle;
    for (event, range) in events(markdown) {
        match &event {
            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some((
                    heading_level(*level),
                    String::new(),
                    lines.at(range.start).0,
                ));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, text, line)) = heading.take() {
                    out.headings.push(Heading {
                        level,
                        text: text.trim().to_string(),
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
            Event::Html(h) | Event::InlineHtml(h) => {
                for url in external_assets_in_html(h) {
                    let (line, column) = lines.at(range.start);
                    out.raw_html_assets.push((line, column, url));
                }
                for (at, what) in active_content_in_html(h) {
                    let (line, column) = lines.at(range.start + at);
                    out.raw_html_unsafe.push((line, column, what));
                }
            }
            _ => {}
        }
        // Speaker lines: only paragraphs directly in the body.
        match &event {
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
        sp = match (sp, &event) {
            (_, Event::Start(Tag::Paragraph)) if container_depth == 0 => Sp::ParaStart(range.start),
            (Sp::ParaStart(at), Event::Start(Tag::Strong)) => Sp::InStrong(at, String::new()),
            (Sp::InStrong(at, mut s), Event::Text(t)) => {
                s.push_str(t);
                Sp::InStrong(at, s)
            }
            (Sp::InStrong(at, s), Event::End(TagEnd::Strong)) => {
                let name = s.trim();
                if let Some(n) = name
                    .strip_suffix(':')
                    .or_else(|| name.strip_suffix(FW_COLON))
                {
                    push_speaker(&mut out, &lines, at, n);
                    Sp::Idle
                } else {
                    Sp::AfterStrong(at, name.to_string())
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
    for (event, range) in events(markdown) {
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

/// The plain text of a body (for the search index): text and code, with
/// blocks separated by newlines.
pub fn plain_text(markdown: &str) -> String {
    let mut out = String::new();
    for (e, _) in events(markdown) {
        match e {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
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

/// URLs of external assets (things a browser would load) in a piece of HTML:
/// `src`, `srcset`, `poster`, `data` attributes, `<link href>` and CSS `url()`.
pub fn external_assets_in_html(html: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let mut found = Vec::new();
    let is_external =
        |u: &str| u.starts_with("http://") || u.starts_with("https://") || u.starts_with("//");
    for attr in ["src=", "srcset=", "poster=", "data=", "url("] {
        let mut from = 0;
        while let Some(pos) = lower[from..].find(attr) {
            let at = from + pos;
            from = at + attr.len();
            // An attribute name must not be the tail of a longer word (e.g. `data-src=` is fine to catch, `xsrc=` not).
            if attr != "url(" && at > 0 {
                let prev = lower.as_bytes()[at - 1];
                if prev.is_ascii_alphanumeric() || prev == b'_' {
                    continue;
                }
            }
            let rest = lower[from..].trim_start_matches(['"', '\'', ' ']);
            if is_external(rest) {
                let start = html.len() - rest.len();
                let end = html[start..]
                    .find(['"', '\'', ' ', ')', '>'])
                    .map_or(html.len(), |i| start + i);
                found.push(html[start..end].to_string());
            }
        }
    }
    // <link href="…"> loads a stylesheet or icon.
    let mut from = 0;
    while let Some(pos) = lower[from..].find("<link") {
        let at = from + pos;
        let end = lower[at..].find('>').map_or(lower.len(), |i| at + i);
        if let Some(h) = lower[at..end].find("href=") {
            let vstart = at + h + "href=".len();
            let raw = &lower[vstart..end];
            let value = raw.trim_start_matches(['"', '\'']);
            if is_external(value) {
                let start = vstart + (raw.len() - value.len());
                let stop = html[start..end]
                    .find(['"', '\'', ' '])
                    .map_or(end, |i| start + i);
                found.push(html[start..stop].to_string());
            }
        }
        from = end.max(at + 1);
    }
    found
}

/// Elements and attributes in raw HTML that would run code or load another
/// page: `<script>`, frames, plug-ins, forms, `on…=` event handlers and
/// `javascript:`/`vbscript:`/`data:` URLs. Returns (byte offset in `html`,
/// what was found). Authors get an error for each; [`sanitize`] removes
/// them (and anything else outside the allow-list) again at render time.
pub fn active_content_in_html(html: &str) -> Vec<(usize, String)> {
    use std::sync::LazyLock;
    static TAG: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(
            r"(?i)<\s*/?\s*(script|iframe|frame|frameset|object|embed|applet|form|base|meta|link|style)\b",
        )
        .expect("valid regex")
    });
    static HANDLER: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r#"(?i)[\s"'/](on[a-z]+)\s*="#).expect("valid regex"));
    static URL: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(javascript|vbscript|data)\s*:").expect("valid regex")
    });
    let mut found = Vec::new();
    for m in TAG.captures_iter(html) {
        let (Some(all), Some(name)) = (m.get(0), m.get(1)) else {
            continue;
        };
        if !all.as_str().contains('/') {
            found.push((
                all.start(),
                format!("<{}>", name.as_str().to_ascii_lowercase()),
            ));
        }
    }
    // Handlers and URLs only count inside a tag, not in text between tags.
    let mut in_tag = vec![false; html.len() + 1];
    let mut inside = false;
    for (i, b) in html.bytes().enumerate() {
        if b == b'<' {
            inside = true;
        } else if b == b'>' {
            inside = false;
        }
        in_tag[i] = inside;
    }
    for m in HANDLER.captures_iter(html) {
        if let Some(name) = m.get(1)
            && in_tag[name.start()]
        {
            found.push((
                name.start(),
                format!("{}=", name.as_str().to_ascii_lowercase()),
            ));
        }
    }
    for m in URL.captures_iter(html) {
        if let Some(scheme) = m.get(1)
            && in_tag[scheme.start()]
        {
            found.push((
                scheme.start(),
                format!("{}:", scheme.as_str().to_ascii_lowercase()),
            ));
        }
    }
    found.sort();
    found
}

/// True for link destinations that run code or embed a document instead of
/// pointing at one: `javascript:`, `vbscript:`, `data:`.
pub fn is_active_url(dest: &str) -> bool {
    let d: String = dest
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(12)
        .collect::<String>()
        .to_ascii_lowercase();
    d.starts_with("javascript:") || d.starts_with("vbscript:") || d.starts_with("data:")
}

/// The allow-list every rendered body passes through: what Markdown
/// produces (headings with ids, lists, tables with alignment, task-list
/// check boxes, code, links, images) plus what lessons use in raw HTML
/// (`<details>`/`<summary>`, `<ruby>`/`<rt>`/`<rp>` for pinyin, `<mark>`,
/// `<sub>`/`<sup>`, `<kbd>`, `<figure>`…). Scripts, styles, frames, forms,
/// event handlers, `javascript:` URLs and images from other sites never get
/// through, whatever the loader let pass.
pub fn sanitize(html: &str) -> String {
    use std::collections::HashSet;
    use std::sync::LazyLock;
    static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
        let tags: HashSet<&str> = [
            "a",
            "abbr",
            "b",
            "blockquote",
            "br",
            "caption",
            "code",
            "col",
            "colgroup",
            "dd",
            "del",
            "details",
            "div",
            "dl",
            "dt",
            "em",
            "figcaption",
            "figure",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "hr",
            "i",
            "img",
            "input",
            "ins",
            "kbd",
            "li",
            "mark",
            "ol",
            "p",
            "pre",
            "q",
            "rp",
            "rt",
            "ruby",
            "s",
            "small",
            "span",
            "strong",
            "sub",
            "summary",
            "sup",
            "table",
            "tbody",
            "td",
            "tfoot",
            "th",
            "thead",
            "tr",
            "u",
            "ul",
        ]
        .into_iter()
        .collect();
        let mut b = ammonia::Builder::empty();
        b.tags(tags)
            .generic_attributes(["id", "class", "title", "lang"].into_iter().collect())
            .tag_attributes(
                [
                    ("a", ["href"].into_iter().collect()),
                    (
                        "img",
                        ["src", "alt", "width", "height"].into_iter().collect(),
                    ),
                    (
                        "input",
                        ["type", "checked", "disabled"].into_iter().collect(),
                    ),
                    ("ol", ["start"].into_iter().collect()),
                    ("td", ["style", "colspan", "rowspan"].into_iter().collect()),
                    ("th", ["style", "colspan", "rowspan"].into_iter().collect()),
                    ("details", ["open"].into_iter().collect()),
                ]
                .into_iter()
                .collect(),
            )
            .set_tag_attribute_value("input", "disabled", "")
            .set_tag_attribute_value("input", "type", "checkbox")
            .filter_style_properties(["text-align"].into_iter().collect())
            .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect())
            .url_relative(ammonia::UrlRelative::PassThrough)
            .link_rel(None)
            .strip_comments(true)
            .attribute_filter(|element, attribute, value| {
                // Images must come from the pack itself.
                if element == "img"
                    && attribute == "src"
                    && (has_scheme(value) || value.starts_with("//"))
                {
                    None
                } else {
                    Some(value.into())
                }
            });
        b
    });
    CLEANER.clean(html).to_string()
}

/// True when a destination has a URL scheme (`https:`, `mailto:`…) or is
/// protocol-relative.
pub fn has_scheme(dest: &str) -> bool {
    if dest.starts_with("//") {
        return true;
    }
    match dest.find(':') {
        // A single letter before ':' is a Windows drive, not a scheme.
        Some(i) if i > 1 => dest[..i]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-' || c == '.'),
        _ => false,
    }
}

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
}

/// Renders `markdown` as HTML sections split at `##` headings. Every heading
/// gets a unique id; links to `.md` pages point at their `.html` pages; in
/// meetings, spoken lines get `class="line"`.
pub fn render_sections(markdown: &str, opts: RenderOptions) -> Vec<Section> {
    let events: Vec<Event> = events(markdown).into_iter().map(|(e, _)| e).collect();
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
    let n = events.len();
    let mut i = 0;
    while i < n {
        let e = events[i].clone();
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
            Event::Start(tag @ (Tag::Link { .. } | Tag::Image { .. })) => match retarget(tag, opts)
            {
                Some(tag) => {
                    dropped.push(false);
                    buf.push(Event::Start(tag));
                }
                None => dropped.push(true),
            },
            Event::End(end @ (TagEnd::Link | TagEnd::Image)) => {
                if !dropped.pop().unwrap_or(false) {
                    buf.push(Event::End(end));
                }
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

fn flush(sections: &mut [Section], buf: &mut Vec<Event>) {
    if let Some(last) = sections.last_mut() {
        // pulldown-cmark escapes text and attributes, and dangerous link
        // targets are load errors: only raw HTML from the author needs the
        // allow-list. Skipping it elsewhere saves a fifth of a build.
        let raw = buf.iter().any(|e| {
            matches!(e, Event::Html(h) | Event::InlineHtml(h) if h.as_ref() != LINE_OPEN && h.as_ref() != LINE_CLOSE)
        });
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, buf.drain(..));
        if raw {
            last.html.push_str(&sanitize(&html));
        } else {
            last.html.push_str(&html);
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
        if c.is_alphanumeric() {
            s.extend(c.to_lowercase());
        } else if (c.is_whitespace() || c == '-' || c == '_') && !s.ends_with('-') {
            s.push('-');
        }
    }
    let s = s.trim_matches('-').to_string();
    if s.is_empty() { "section".into() } else { s }
}

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
        let o = outline(md, 10);
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
    fn colon_inside_bold_is_a_speaker_too() {
        let o = outline("**班主任:** 同学们\n", 1);
        assert_eq!(o.speakers[0].speaker, "班主任");
    }

    #[test]
    fn full_width_colons_make_speaker_lines() {
        let o = outline("**主持人甲**\u{FF1A}同学们好\n\n**班主任\u{FF1A}** 好\n", 1);
        let names: Vec<_> = o.speakers.iter().map(|s| s.speaker.as_str()).collect();
        assert_eq!(names, ["主持人甲", "班主任"]);
        let roles = vec!["主持人甲".to_string()];
        let s = render_sections(
            "**主持人甲**\u{FF1A}好\n",
            RenderOptions {
                roles: Some(&roles),
                resolve: None,
            },
        );
        assert!(s[0].html.starts_with("<p class=\"line\">"), "{}", s[0].html);
    }

    #[test]
    fn external_assets_are_found_in_raw_html() {
        let html = r#"<img src="https://x.org/a.png"><link rel="stylesheet" href="http://cdn/x.css"><svg xmlns="http://www.w3.org/2000/svg"></svg><a href="https://ok">x</a>"#;
        let found = external_assets_in_html(html);
        assert_eq!(found, vec!["https://x.org/a.png", "http://cdn/x.css"]);
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
    fn bold_closed_after_chinese_punctuation_renders_as_bold() {
        let s = render_sections(
            "**教师提示\u{FF1A}**学生可以\u{FF1B}看**\u{201C}情绪\u{201D}**吧\n",
            RenderOptions::default(),
        );
        assert_eq!(
            s[0].html,
            "<p><strong>教师提示\u{FF1A}</strong>学生可以\u{FF1B}看<strong>\u{201C}情绪\u{201D}</strong>吧</p>\n"
        );
        let roles = vec!["主持人甲".to_string()];
        let s = render_sections(
            "**主持人甲\u{FF1A}**同学们好\n",
            RenderOptions {
                roles: Some(&roles),
                resolve: None,
            },
        );
        assert!(
            s[0].html.starts_with("<p class=\"line\"><strong>主持人甲"),
            "{}",
            s[0].html
        );
        let o = outline("**主持人乙\u{FF1A}**同学们好\n", 1);
        assert_eq!(o.speakers[0].speaker, "主持人乙");
    }

    #[test]
    fn escaped_and_unpaired_asterisks_stay_literal() {
        let s = render_sections("5 \\*\\* 3 与 2**x\n", RenderOptions::default());
        assert_eq!(s[0].html, "<p>5 ** 3 与 2**x</p>\n");
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

    #[test]
    fn a_resolver_rewrites_or_drops_links_and_images() {
        let resolve = |d: &str| (d == "a.md").then(|| "../x/a.html".to_string());
        let s = render_sections(
            "[甲](a.md) [乙](b.md#x) ![图](c.png) [网](https://e.cn)\n",
            RenderOptions {
                roles: None,
                resolve: Some(&resolve),
            },
        );
        assert_eq!(
            s[0].html,
            "<p><a href=\"../x/a.html\">甲</a> 乙 图 <a href=\"https://e.cn\">网</a></p>\n"
        );
    }

    #[test]
    fn schemes_and_drives() {
        assert!(has_scheme("https://a"));
        assert!(has_scheme("mailto:x@y"));
        assert!(!has_scheme("C:\\x.png"));
        assert!(!has_scheme("../a.md"));
    }

    #[test]
    fn the_allow_list_keeps_what_lessons_need() {
        let md = "<details><summary>提示</summary>\n\n先深呼吸。\n\n</details>\n\n<ruby>心<rp>(</rp><rt>xīn</rt><rp>)</rp></ruby>\n\n| 情境 | 温度 |\n|:--|--:|\n| 考试 | 7 |\n\n- [x] 完成\n\n<mark>重点</mark> H<sub>2</sub>O\n";
        let html: String = render_sections(md, RenderOptions::default())
            .into_iter()
            .map(|s| s.html)
            .collect();
        for kept in [
            "<details>",
            "<summary>提示</summary>",
            "<ruby>心<rp>(</rp><rt>xīn</rt><rp>)</rp></ruby>",
            "<table>",
            "<th style=\"text-align:left\">",
            "<td style=\"text-align:right\">7</td>",
            "type=\"checkbox\"",
            "<mark>重点</mark>",
            "<sub>2</sub>",
        ] {
            assert!(html.contains(kept), "{kept} missing from {html}");
        }
    }

    #[test]
    fn active_content_never_survives_rendering() {
        let md = "<script>alert(1)</script>\n\n<p onclick=\"x()\" onmouseover='y()'>点</p>\n\n<iframe src=\"a.html\"></iframe>\n\n[坏](javascript:alert(1)) [也坏](JaVaScRiPt:x) <a href=\"vbscript:x\">v</a>\n\n<img src=\"https://e.cn/a.png\" onerror=\"z()\"> <img src=\"//e.cn/b.png\"> <img src=\"a.png\">\n\n<style>p{}</style><object data=\"x.swf\"></object><embed src=\"x\"><form><input type=\"text\"></form><svg onload=\"x()\"></svg>\n";
        let html: String = render_sections(md, RenderOptions::default())
            .into_iter()
            .map(|s| s.html)
            .collect();
        let lower = html.to_ascii_lowercase();
        for gone in [
            "<script",
            "alert",
            "onclick",
            "onmouseover",
            "onerror",
            "onload",
            "<iframe",
            "javascript:",
            "vbscript:",
            "e.cn",
            "<style",
            "<object",
            "<embed",
            "<form",
            "type=\"text\"",
            "<svg",
        ] {
            assert!(!lower.contains(gone), "{gone} survived: {html}");
        }
        assert!(html.contains("<img src=\"a.png\">"), "{html}");
        assert!(html.contains("点"), "{html}");
    }

    #[test]
    fn active_content_is_found_with_its_place() {
        let found = active_content_in_html(
            "<p>on=1 javascript: 文字</p><span  onClick = \"x\"><SCRIPT src=a.js>",
        );
        let what: Vec<&str> = found.iter().map(|(_, w)| w.as_str()).collect();
        assert_eq!(what, ["onclick=", "<script>"]);
        assert_eq!(found[0].0, "<p>on=1 javascript: 文字</p><span  ".len());
        assert!(
            active_content_in_html("<a href=\" JavaScript:x\">")
                .iter()
                .any(|(_, w)| w == "javascript:")
        );
        assert!(active_content_in_html("<details><summary>提示</summary>").is_empty());
        assert!(is_active_url(" java\tscript:x"));
        assert!(is_active_url("DATA:text/html,x"));
        assert!(!is_active_url("https://e.cn"));
        assert!(!is_active_url("metadata.md"));
    }
}
