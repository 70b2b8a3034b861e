//! html5ever's tokenizer (the one the browser standard describes,
//! maintained by Servo) over a piece of raw HTML: the tags and text a
//! browser would read, each tag with where it is, and the piece written
//! back from its tokens with some URLs changed.
//!
//! Must not: judge what it reads (that is `html.rs`), or let an html5ever
//! type out of this file.

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use std::cell::{Cell, RefCell};
use std::ops::Range;

/// One tag as the tokenizer read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tag {
    /// The element's name, lower-case.
    pub name: String,
    /// True for an end tag (`</p>`).
    pub end: bool,
    /// True for `<br/>`-style tags.
    pub self_closing: bool,
    /// Attribute names (lower-case) and values (character references
    /// decoded), in order.
    pub attrs: Vec<(String, String)>,
    /// Where the tag is in the scanned HTML, `<` to `>` inclusive.
    pub span: Range<usize>,
}

/// A token of raw HTML: a tag or a run of text (comments and doctypes are
/// dropped: the allow-list strips them, and they show nothing).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    Tag(Tag),
    Text(String),
}

struct Sink {
    pieces: RefCell<Vec<Piece>>,
    /// Where the chunk being fed ends: a tag token ends there.
    chunk_end: Cell<usize>,
}

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut pieces = self.pieces.borrow_mut();
        match token {
            Token::TagToken(t) => {
                let name = t.name.to_string();
                let end = t.kind == TagKind::EndTag;
                // The tokenizer alone does not know that a `<style>` or
                // `<script>` holds text, not tags: the tree builder tells
                // it, and here the sink does.
                let raw = match name.as_str() {
                    _ if end => None,
                    "script" => Some(RawKind::ScriptData),
                    "style" | "xmp" | "iframe" | "noembed" | "noframes" => Some(RawKind::Rawtext),
                    "textarea" | "title" => Some(RawKind::Rcdata),
                    _ => None,
                };
                let at = self.chunk_end.get();
                pieces.push(Piece::Tag(Tag {
                    name,
                    end,
                    self_closing: t.self_closing,
                    attrs: t
                        .attrs
                        .into_iter()
                        .map(|a| (a.name.local.to_string(), a.value.to_string()))
                        .collect(),
                    span: at..at,
                }));
                if let Some(kind) = raw {
                    return TokenSinkResult::RawData(kind);
                }
            }
            Token::CharacterTokens(s) => match pieces.last_mut() {
                Some(Piece::Text(t)) => t.push_str(&s),
                _ => pieces.push(Piece::Text(s.to_string())),
            },
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

/// The tokens of a piece of HTML, each tag with its span. The input is fed
/// in chunks that end at a `>`, so a tag token is known to end where its
/// chunk does; its start is the last `<name` before that.
pub fn pieces(html: &str) -> Vec<Piece> {
    let sink = Sink {
        pieces: RefCell::new(Vec::new()),
        chunk_end: Cell::new(0),
    };
    let tok = Tokenizer::new(sink, TokenizerOpts::default());
    let queue = BufferQueue::default();
    let mut from = 0;
    while from < html.len() {
        let to = html[from..].find('>').map_or(html.len(), |i| from + i + 1);
        tok.sink.chunk_end.set(to);
        queue.push_back(StrTendril::from_slice(&html[from..to]));
        let _ = tok.feed(&queue);
        from = to;
    }
    tok.end();
    let mut pieces = tok.sink.pieces.take();
    for p in &mut pieces {
        if let Piece::Tag(t) = p {
            let end = t.span.end;
            t.span = tag_start(html, end, &t.name, t.end)..end;
        }
    }
    pieces
}

/// Where a tag that ends at `end` begins: the last `<name` (or `</name`)
/// before it, else the last `<`.
fn tag_start(html: &str, end: usize, name: &str, is_end: bool) -> usize {
    let bytes = html.as_bytes();
    let open = if is_end { "</" } else { "<" };
    let head = &html[..end.min(html.len())];
    let mut fallback = None;
    for (i, _) in head.rmatch_indices('<') {
        fallback.get_or_insert(i);
        let rest = &bytes[i..];
        let n = open.len() + name.len();
        if rest.len() >= n
            && rest.starts_with(open.as_bytes())
            && rest[open.len()..n].eq_ignore_ascii_case(name.as_bytes())
        {
            return i;
        }
    }
    fallback.unwrap_or(0)
}

/// The tags of a piece of HTML.
pub fn tags(html: &str) -> impl Iterator<Item = Tag> {
    pieces(html).into_iter().filter_map(|p| match p {
        Piece::Tag(t) => Some(t),
        Piece::Text(_) => None,
    })
}

/// Where an attribute's value (or, if it cannot be found as written, its
/// name, or the tag) is in `html`.
pub fn attr_at(html: &str, tag: &Tag, name: &str, value: &str) -> usize {
    let src = html.get(tag.span.clone()).unwrap_or("");
    let lower = src.to_ascii_lowercase();
    let named = lower.find(name).unwrap_or(0);
    let found = (!value.is_empty())
        .then(|| src[named..].find(value).map(|i| named + i))
        .flatten()
        .unwrap_or(named);
    tag.span.start + found
}

/// The author's raw HTML with the local `href`, `src` and `poster` values
/// replaced by what `to` makes of them (`Some(None)`: the target is
/// dropped, the value becomes `#`; `None`: leave it). Written back from
/// the tokens when anything changed (the allow-list reads the result
/// again), returned as it was otherwise.
pub fn retarget(html: &str, to: impl Fn(&str) -> Option<Option<String>>) -> String {
    let mut pieces = pieces(html);
    let mut changed = false;
    for p in &mut pieces {
        let Piece::Tag(t) = p else { continue };
        for (name, value) in &mut t.attrs {
            if !matches!(name.as_str(), "href" | "src" | "poster") {
                continue;
            }
            if let Some(target) = to(value.trim()) {
                *value = target.unwrap_or_else(|| "#".into());
                changed = true;
            }
        }
    }
    if !changed {
        return html.to_string();
    }
    let mut out = String::with_capacity(html.len() + 16);
    for p in &pieces {
        match p {
            Piece::Text(s) => escape(s, false, &mut out),
            Piece::Tag(t) => {
                out.push('<');
                if t.end {
                    out.push('/');
                }
                out.push_str(&t.name);
                for (name, value) in &t.attrs {
                    out.push(' ');
                    out.push_str(name);
                    out.push_str("=\"");
                    escape(value, true, &mut out);
                    out.push('"');
                }
                if t.self_closing {
                    out.push_str(" /");
                }
                out.push('>');
            }
        }
    }
    out
}

fn escape(s: &str, attr: bool, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' if !attr => out.push_str("&lt;"),
            '>' if !attr => out.push_str("&gt;"),
            '"' if attr => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::urls_in_html;

    fn is_local(dest: &str) -> bool {
        !(dest.is_empty() || crate::markdown::has_scheme(dest) || dest.starts_with('#'))
    }

    #[test]
    fn places_point_at_the_tag_across_lines() {
        let html = "<figure>\n<img alt=\"a\"\n  src=\"pic one.png\">\n</figure>";
        let t: Vec<Tag> = tags(html).collect();
        assert_eq!(
            &html[t[1].span.clone()],
            "<img alt=\"a\"\n  src=\"pic one.png\">"
        );
        let urls = urls_in_html(html);
        assert_eq!(urls.len(), 1);
        assert_eq!(&html[urls[0].0..urls[0].0 + 11], "pic one.png");
        // A `>` inside a quoted value does not end the tag.
        let t: Vec<Tag> = tags("<a title=\"1 > 0\" href=x.md>y</a>").collect();
        assert_eq!(t[0].attrs[1], ("href".to_string(), "x.md".to_string()));
        assert_eq!(t[0].span, 0..27);
    }

    #[test]
    fn retargeting_rewrites_local_values_only() {
        let html = "<figure><img src=\"../a.png\" alt=\"温度 & 计\"><a href='https://e.cn'>网</a><a href=b.md>本</a></figure>";
        let out = retarget(html, |d| {
            is_local(d).then(|| (d != "b.md").then(|| format!("x/{d}")))
        });
        assert_eq!(
            out,
            "<figure><img src=\"x/../a.png\" alt=\"温度 &amp; 计\"><a href=\"https://e.cn\">网</a><a href=\"#\">本</a></figure>"
        );
        // Nothing local: the HTML comes back as written.
        let same = "<p class=x>只有文字</p>";
        assert_eq!(
            retarget(same, |d| is_local(d).then(|| Some(d.into()))),
            same
        );
    }
}
