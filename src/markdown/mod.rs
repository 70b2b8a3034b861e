//! Markdown bodies: the pulldown-cmark setup every reader shares, and the
//! public paths of the three concerns built on it.
//!
//! Owns: the parser options, the event stream (`events`) with `**` paired
//! the way Chinese text needs (`protect_strong` and its private-use
//! stand-ins), and the full-width colon that speaker lines use in both the
//! outline and the rendering. The concerns live in files of their own:
//! `outline.rs` (what loading and checking need to know about a body, with
//! places), `render.rs` (the HTML of a body in `##` sections), `tokens.rs`
//! (html5ever's tokenizer over raw HTML), `html.rs` (what the author's raw
//! HTML loads, runs and would lose to the allow-list), `sanitize.rs` (the
//! allow-list and URL schemes),
//! `projection.rs` (the 投影 blocks the classroom view shows) and `facts.rs` (the `{{name}}` references to local facts, filled in on
//! the events that all three read).
//!
//! Must not: hold code only one concern uses, or let a pulldown-cmark or
//! ammonia type into a public signature. Callers use the `pub use` paths
//! below (`crate::markdown::outline`, `crate::markdown::sanitize`…), which
//! is why the concern modules themselves stay private.

mod facts;
mod html;
mod outline;
mod plain;
mod projection;
mod render;
mod sanitize;
mod tokens;

// The public paths predate the split into files; every caller keeps using
// them, so the concern modules can move code between them freely.
/// A link or image of a body with its place (defined with the model, which
/// keeps it for the cross-file link check).
pub use crate::model::LinkRef;
pub use html::{
    active_content_in_html, active_in_svg, external_assets_in_html, first_external_asset,
    urls_in_html,
};
pub use outline::{
    BrokenLink, FactRef, Heading, ImageWithoutAlt, Outline, RAW_HTML_DEPTH, SpeakerLine,
    broken_links, images_without_alt, outline, split_minutes,
};
pub use plain::plain_text;
pub use projection::{Projection, projections};
pub use render::{
    RenderOptions, Resolver, Section, render_sections, render_sections_and_text, rewrite_link, slug,
};
pub use sanitize::{SAFE_SCHEMES, has_scheme, is_active_url, sanitize, scheme};

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};
use std::borrow::Cow;
use std::ops::Range;

/// Maps byte offsets of a body to file lines and columns.
pub(super) struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
    first_line: usize,
}

impl<'a> Lines<'a> {
    pub(super) fn new(text: &'a str, first_line: usize) -> Self {
        let mut starts = Vec::with_capacity(text.len() / 32 + 1);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Lines {
            text,
            starts,
            first_line,
        }
    }

    pub(super) fn at(&self, offset: usize) -> (usize, usize) {
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

/// The full-width colon, as Chinese input methods type it after a speaker's
/// name; the outline and the renderer must agree on what a speaker line is.
const FW_COLON: char = '\u{FF1A}';

/// The extensions lessons use. [`protect_strong`]'s pre-pass and the real
/// parse must use the same ones, or they would disagree on where code
/// spans and HTML are.
fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS
}

/// The events of a body with their source ranges, with strong emphasis
/// paired the way Chinese text needs. `protected` is what
/// [`protect_strong`] made of the body; the events borrow from it, so a
/// caller writes `let p = protect_strong(md); let evs = events(&p);`.
// The `Cow` itself is the input: `Owned` says `**` pairs were made.
#[allow(clippy::ptr_arg)]
fn events<'a>(protected: &'a Cow<'_, str>) -> Vec<(Event<'a>, Range<usize>)> {
    // Only a body whose `**` were paired holds stand-ins.
    let paired = matches!(protected, Cow::Owned(_));
    let text: &'a str = protected;
    // About one event per 16 bytes of Chinese lesson text: most bodies
    // then fill the vector without moving it.
    let mut out = Vec::with_capacity(text.len() / 16 + 16);
    for (e, r) in Parser::new_ext(text, options()).into_offset_iter() {
        match e {
            Event::Text(t) if paired && stand_in(&t).is_some() => {
                // Each piece gets its own range when the text is the source
                // as written (the places of local-fact references need it).
                let exact = text.get(r.clone()) == Some(t.as_ref());
                let at = |from: usize, to: usize| {
                    if exact {
                        r.start + from..r.start + to
                    } else {
                        r.clone()
                    }
                };
                // A piece borrows from the body when the event did.
                let piece = |from: usize, to: usize| match &t {
                    CowStr::Borrowed(s) => CowStr::Borrowed(&s[from..to]),
                    other => CowStr::from(other[from..to].to_string()),
                };
                let mut pos = 0;
                while let Some(i) = stand_in(&t[pos..]) {
                    let i = pos + i;
                    if i > pos {
                        out.push((Event::Text(piece(pos, i)), at(pos, i)));
                    }
                    let open = t[i..].starts_with(STRONG_OPEN);
                    out.push((
                        if open {
                            Event::Start(Tag::Strong)
                        } else {
                            Event::End(TagEnd::Strong)
                        },
                        at(i, i + STRONG_OPEN.len_utf8()),
                    ));
                    pos = i + STRONG_OPEN.len_utf8();
                }
                if pos < t.len() {
                    out.push((Event::Text(piece(pos, t.len())), at(pos, t.len())));
                }
            }
            e => out.push((e, r)),
        }
    }
    out
}

/// Stand-ins for a pair of `**`. Two bytes each, like `**`, so byte offsets
/// (and with them every line and column in diagnostics) stay exact; code
/// points that are unassigned, so no text contains them.
const STRONG_OPEN: char = '\u{0378}';
const STRONG_CLOSE: char = '\u{0379}';

/// The offset of the first stand-in for `**` in `t`. Both start with the
/// byte 0xCD, which Chinese text never holds (it leads U+0340–U+037F):
/// `str::find(char)` searches for the last byte, 0xB8 or 0xB9, which ends
/// many CJK characters.
fn stand_in(t: &str) -> Option<usize> {
    const LEAD: u8 = 0xCD;
    const _: () = assert!(STRONG_OPEN.len_utf8() == 2 && STRONG_CLOSE.len_utf8() == 2);
    const _: () = assert!((STRONG_OPEN as u32) >> 6 == 0x0D && (STRONG_CLOSE as u32) >> 6 == 0x0D);
    let b = t.as_bytes();
    memchr::memchr_iter(LEAD, b).find(|&i| {
        t.get(i..)
            .is_some_and(|rest| rest.starts_with(STRONG_OPEN) || rest.starts_with(STRONG_CLOSE))
    })
}

/// Texts with and without stand-ins, for the tests of what reads them:
/// none, several, neighbours, and characters whose UTF-8 shares the
/// stand-ins' lead byte 0xCD or their last byte.
#[cfg(test)]
fn stand_in_samples() -> Vec<String> {
    let (o, c) = (STRONG_OPEN, STRONG_CLOSE);
    vec![
        String::new(),
        "没有".to_string(),
        format!("{o}重要{c}"),
        format!("{o}教师{c}：好"),
        format!("{o}{c}{o}a{c}"),
        format!("情绪管理\u{0340}\u{037F}{c}ab{o}"),
        format!("ͷ͸ 乸{o}"),
        format!("Ͷ{o}ͷ{c}ͳ"),
    ]
}

/// Only code and HTML make places where `**` is not emphasis: a text with
/// no backtick, tilde or `<`, and no line with four spaces or a tab before
/// its first `**` (an indented code block, also inside a list or a quote),
/// has none.
fn may_hold_code_or_html(src: &str) -> bool {
    // Three ASCII bytes: a SIMD search, not a loop decoding every char.
    if memchr::memchr3(b'`', b'~', b'<', src.as_bytes()).is_some() {
        return true;
    }
    // What comes before the first `**` of each line that has one.
    star_lines(src).any(|(first, _)| {
        let line_start = memchr::memrchr(b'\n', &src.as_bytes()[..first]).map_or(0, |p| p + 1);
        let before = &src[line_start..first];
        before.contains("    ") || before.contains('\t')
    })
}

/// The lines of `src` that hold a `**`, found by one search of the whole
/// text: for each, the offset of its first `**` and the end of the line
/// (after its `\n`).
fn star_lines(src: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = src.as_bytes();
    let stars = memchr::memmem::Finder::new("**");
    let mut from = 0;
    std::iter::from_fn(move || {
        let first = from + stars.find(bytes.get(from..)?)?;
        let end = memchr::memchr(b'\n', &bytes[first..]).map_or(src.len(), |n| first + n + 1);
        from = end;
        Some((first, end))
    })
}

/// The source ranges of code and HTML in `src`.
fn code_and_html(src: &str) -> Vec<Range<usize>> {
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
    skip
}

/// CommonMark closes `**` only when the delimiter is "right-flanking", which
/// fails exactly where Chinese puts it: `**教师提示：**学生…` (punctuation
/// inside the bold, a character right after it). pulldown-cmark then prints
/// the asterisks, or pairs the wrong ones. So before parsing, the `**` on
/// each line are paired in order and replaced by stand-ins that [`events`]
/// turns into strong emphasis. Left alone: code spans, code blocks, HTML,
/// escaped `\*`, runs of three or more `*`, a line with an odd count, and
/// pairs with nothing or only spaces inside.
fn protect_strong(src: &str) -> Cow<'_, str> {
    with_strong(src, strong_pairs(src))
}

/// The byte offsets of the `**` that [`protect_strong`] replaces, opening
/// and closing in turn. The loader keeps them with the body
/// ([`crate::model::Body::strong`]), so rendering it does not search again.
fn strong_pairs(src: &str) -> Vec<usize> {
    if !src.contains("**") {
        return Vec::new();
    }
    // Places where `**` is not emphasis. Most bodies have none, and are
    // then parsed once, not twice.
    let skip = if may_hold_code_or_html(src) {
        code_and_html(src)
    } else {
        Vec::new()
    };
    let bytes = src.as_bytes();
    // Byte offsets of the `**` to replace, opening and closing in turn.
    let mut pairs: Vec<usize> = Vec::new();
    let mut marks = Vec::new();
    // Only the lines with a `**`, from the first: a `*` before it is
    // alone, never a mark.
    for (first, end) in star_lines(src) {
        marks.clear();
        let mut i = first;
        while i + 1 < end {
            let Some(k) = memchr::memchr(b'*', &bytes[i..end]) else {
                break;
            };
            i += k;
            if i + 1 >= end {
                break;
            }
            let run = bytes[i..end].iter().take_while(|b| **b == b'*').count();
            let escaped = i > 0 && bytes[i - 1] == b'\\';
            if run == 2 && !escaped && !skip.iter().any(|z| z.contains(&i)) {
                marks.push(i);
            }
            i += run;
        }
        if marks.len() >= 2 && marks.len() % 2 == 0 {
            for pair in marks.chunks_exact(2) {
                let inner = &src[pair[0] + 2..pair[1]];
                if inner.trim().is_empty() || inner.trim() != inner {
                    continue;
                }
                pairs.extend_from_slice(pair);
            }
        }
    }
    pairs
}

/// [`protect_strong`] of `src`, with the pairs the loader found in it if
/// it kept them ([`crate::model::Body::strong`]).
fn protect_strong_with<'a>(src: &'a str, strong: Option<&[u32]>) -> Cow<'a, str> {
    match strong {
        Some(pairs) => with_strong(src, pairs.iter().map(|p| *p as usize)),
        None => protect_strong(src),
    }
}

/// `src` with the `**` at `pairs` ([`strong_pairs`] of this same text)
/// replaced by stand-ins.
fn with_strong(src: &str, pairs: impl IntoIterator<Item = usize>) -> Cow<'_, str> {
    let mut pairs = pairs.into_iter().peekable();
    if pairs.peek().is_none() {
        return Cow::Borrowed(src);
    }
    // Each `**` (two bytes) becomes a two-byte stand-in: offsets stay.
    let mut out = String::with_capacity(src.len());
    let mut from = 0;
    for (k, at) in pairs.enumerate() {
        out.push_str(&src[from..at]);
        out.push(if k % 2 == 0 {
            STRONG_OPEN
        } else {
            STRONG_CLOSE
        });
        from = at + 2;
    }
    out.push_str(&src[from..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_colons_make_speaker_lines() {
        let o = outline(
            "**主持人甲**\u{FF1A}同学们好\n\n**班主任\u{FF1A}** 好\n",
            1,
            &crate::model::LocalFacts::default(),
        );
        let names: Vec<_> = o.speakers.iter().map(|s| s.speaker.as_str()).collect();
        assert_eq!(names, ["主持人甲", "班主任"]);
        let roles = vec!["主持人甲".to_string()];
        let s = render_sections(
            "**主持人甲**\u{FF1A}好\n",
            RenderOptions {
                roles: Some(&roles),
                resolve: None,
                facts: None,
                strong: None,
            },
        );
        assert!(s[0].html.starts_with("<p class=\"line\">"), "{}", s[0].html);
    }

    #[test]
    fn the_outline_keeps_the_strong_pairs_a_render_would_find() {
        let md = "**老师：**大家好。`**代码**` 里的不算。\n\n**甲** 和 **乙**\n";
        let pairs = strong_pairs(md);
        assert_eq!(pairs.len(), 6, "{pairs:?}");
        let o = outline(md, 1, &crate::model::LocalFacts::default());
        let kept: Vec<usize> = o
            .strong
            .as_deref()
            .unwrap()
            .iter()
            .map(|p| *p as usize)
            .collect();
        assert_eq!(kept, pairs);
        assert!(matches!(protect_strong(md), Cow::Owned(_)));
        assert_eq!(with_strong(md, pairs), protect_strong(md));
        let plain = "没有加粗。";
        assert_eq!(
            outline(plain, 1, &crate::model::LocalFacts::default())
                .strong
                .as_deref(),
            Some(&[][..])
        );
        assert!(matches!(with_strong(plain, []), Cow::Borrowed(_)));
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
                facts: None,
                strong: None,
            },
        );
        assert!(
            s[0].html.starts_with("<p class=\"line\"><strong>主持人甲"),
            "{}",
            s[0].html
        );
        let o = outline(
            "**主持人乙\u{FF1A}**同学们好\n",
            1,
            &crate::model::LocalFacts::default(),
        );
        assert_eq!(o.speakers[0].speaker, "主持人乙");
    }

    #[test]
    fn texts_the_quick_test_passes_have_no_code_or_html() {
        let samples = [
            "**教师提示：**学生…\n\n- **甲：**乙\n  **丙**\n",
            "> **引用**\n>\n> 1. **一**\n",
            "   **三个空格**\n",
            "| **表** | 格 |\n|---|---|\n| a | **b** |\n",
            "    **缩进代码**\n",
            "- 列表\n\n      **列表里的代码**\n",
            ">     **引用里的代码**\n",
            "\t**制表符**\n",
            "`**代码**`\n",
            "~~~\n**围栏**\n~~~\n",
            "<b>**HTML**</b>\n",
        ];
        let mut passed = 0;
        for s in samples {
            if !may_hold_code_or_html(s) {
                assert!(code_and_html(s).is_empty(), "{s:?}");
                passed += 1;
            } else {
                assert!(!code_and_html(s).is_empty(), "{s:?}");
            }
        }
        assert_eq!(passed, 4);
    }

    #[test]
    fn stand_ins_are_found_where_find_finds_them() {
        for t in stand_in_samples() {
            assert_eq!(stand_in(&t), t.find([STRONG_OPEN, STRONG_CLOSE]), "{t:?}");
        }
    }

    #[test]
    fn the_quick_test_reads_the_first_stars_of_every_line() {
        // The definition the scan implements, line by line.
        let reference = |src: &str| {
            src.contains(['`', '~', '<'])
                || src.lines().any(|l| {
                    l.find("**")
                        .is_some_and(|i| l[..i].contains("    ") || l[..i].contains('\t'))
                })
        };
        let pieces = ["**", "    ", "\t", "\n", "\r\n", "甲", " ", "*"];
        let mut checked = 0;
        // Every text of up to five pieces.
        let mut texts = vec![String::new()];
        for _ in 0..5 {
            let mut next = Vec::new();
            for t in &texts {
                for p in pieces {
                    next.push(format!("{t}{p}"));
                }
            }
            for t in &next {
                assert_eq!(may_hold_code_or_html(t), reference(t), "{t:?}");
                checked += 1;
            }
            texts = next;
        }
        assert_eq!(checked, 8 + 64 + 512 + 4096 + 32768);
    }

    #[test]
    fn escaped_and_unpaired_asterisks_stay_literal() {
        let s = render_sections("5 \\*\\* 3 与 2**x\n", RenderOptions::default());
        assert_eq!(s[0].html, "<p>5 ** 3 与 2**x</p>\n");
    }
}
