//! Local facts in bodies: every `{{name}}` in the text of a body, found and
//! filled in on the parsed events, so a value is always text (escaped like
//! any text when rendered), never Markdown or HTML, whatever it holds.
//! Code spans and code blocks keep their braces; so does `\{{`, which
//! CommonMark reads as an escaped brace. Raw HTML is left as written: its
//! references are reported, not filled.
//!
//! Must not: judge what it finds (the loader reports unknown names with
//! their places), or change events that hold no reference, so a body
//! without references renders exactly as before.

use crate::model::LocalFacts;
use crate::model::facts::{Reference, references};
use pulldown_cmark::{CowStr, Event, Tag, TagEnd};
use std::ops::Range;

/// Events with their source ranges, as [`super::events`] gives them.
pub(super) type Events<'a> = Vec<(Event<'a>, Range<usize>)>;

/// A reference found in a body.
pub(super) struct Found {
    /// Byte offset of its `{{` in the body.
    pub offset: usize,
    /// As written, braces included.
    pub raw: String,
    /// The name.
    pub name: String,
}

/// What filling a body's events gave.
pub(super) struct Filled<'a> {
    /// The events, every reference to a defined name replaced by its text.
    pub events: Events<'a>,
    /// References in text to names that are not defined.
    pub unknown: Vec<Found>,
    /// References inside raw HTML, which stay as written.
    pub in_html: Vec<Found>,
}

/// Adjacent text events read as one string (a name may straddle the places
/// where pulldown-cmark splits text), with where each piece came from.
struct Run {
    /// Index of the first event and one past the last.
    events: Range<usize>,
    text: String,
    /// (offset in `text`, offset in the body, piece is the source as written).
    pieces: Vec<(usize, usize, bool)>,
    /// Offsets in `text` of braces written as `\{` or `&#123;`: literal.
    literal: Vec<usize>,
}

impl Run {
    /// The body offset of an offset in the run's text.
    fn source(&self, at: usize) -> usize {
        let i = self.pieces.partition_point(|p| p.0 <= at).saturating_sub(1);
        match self.pieces.get(i) {
            Some(&(off, src, true)) => src + (at - off),
            Some(&(_, src, false)) => src,
            None => 0,
        }
    }

    /// Whether a reference was meant as written.
    fn is_literal(&self, r: &Reference) -> bool {
        let s = r.range.start;
        self.literal.contains(&s) || self.literal.contains(&(s + 1))
    }
}

/// The text runs of `events` outside code blocks.
fn runs(events: &Events<'_>, src: &str) -> Vec<Run> {
    let mut out: Vec<Run> = Vec::new();
    let mut in_code = false;
    let mut open = false;
    for (i, (e, r)) in events.iter().enumerate() {
        match e {
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Text(t) if !in_code => {
                if !open {
                    out.push(Run {
                        events: i..i,
                        text: String::new(),
                        pieces: Vec::new(),
                        literal: Vec::new(),
                    });
                    open = true;
                }
                let Some(run) = out.last_mut() else { continue };
                let exact = src.get(r.clone()) == Some(t.as_ref());
                // pulldown-cmark starts a new text event at an escaped
                // character, leaving out its backslash.
                let escaped = r.start > 0 && src.as_bytes().get(r.start - 1) == Some(&b'\\');
                if (escaped || !exact) && t.starts_with('{') {
                    run.literal.push(run.text.len());
                }
                run.pieces.push((run.text.len(), r.start, exact));
                run.text.push_str(t);
                run.events.end = i + 1;
                continue;
            }
            _ => {}
        }
        open = false;
    }
    out.retain(|r| r.text.contains("{{"));
    out
}

/// Fills the references of `events` (of the body `src`) from `facts`.
pub(super) fn fill<'a>(events: Events<'a>, src: &str, facts: &LocalFacts) -> Filled<'a> {
    let mut unknown = Vec::new();
    let mut in_html = Vec::new();
    // Braces that are not side by side in the source are an escape or an
    // entity, which are literal: nearly every body stops here.
    if !src.contains("{{") {
        return Filled {
            events,
            unknown,
            in_html,
        };
    }
    for (e, r) in &events {
        if let Event::Html(h) | Event::InlineHtml(h) = e {
            for x in references(h) {
                in_html.push(Found {
                    offset: r.start + x.range.start,
                    raw: h[x.range.clone()].to_string(),
                    name: x.name.to_string(),
                });
            }
        }
    }
    // Each run that changes: (its events, the filled text).
    let mut changes: Vec<(Range<usize>, String)> = Vec::new();
    for run in runs(&events, src) {
        let mut changed = false;
        for x in references(&run.text) {
            if run.is_literal(&x) {
                continue;
            }
            if facts.get(x.name).is_some() {
                changed = true;
            } else {
                unknown.push(Found {
                    offset: run.source(x.range.start),
                    raw: run.text[x.range.clone()].to_string(),
                    name: x.name.to_string(),
                });
            }
        }
        if changed {
            let text = facts
                .fill_except(&run.text, |x| run.is_literal(x))
                .into_owned();
            changes.push((run.events.clone(), text));
        }
    }
    if changes.is_empty() {
        return Filled {
            events,
            unknown,
            in_html,
        };
    }
    let mut out = Vec::with_capacity(events.len());
    let mut changes = changes.into_iter().peekable();
    let mut skip_to = 0;
    for (i, (e, r)) in events.into_iter().enumerate() {
        if i < skip_to {
            // Merged into the filled text of its run; extend that range.
            if let Some((_, last)) = out.last_mut() {
                let last: &mut Range<usize> = last;
                last.end = last.end.max(r.end);
            }
            continue;
        }
        if let Some((range, text)) = changes.next_if(|(range, _)| range.start == i) {
            skip_to = range.end;
            out.push((Event::Text(CowStr::from(text)), r));
        } else {
            out.push((e, r));
        }
    }
    Filled {
        events: out,
        unknown,
        in_html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> LocalFacts {
        LocalFacts::one("热线", "<b>*12356*</b>")
    }

    fn texts(md: &str) -> (Vec<String>, Vec<(usize, String)>) {
        let p = super::super::protect_strong(md);
        let f = fill(super::super::events(&p), md, &facts());
        let t = f
            .events
            .iter()
            .filter_map(|(e, _)| match e {
                Event::Text(t) | Event::Code(t) => Some(t.to_string()),
                _ => None,
            })
            .collect();
        (
            t,
            f.unknown.into_iter().map(|u| (u.offset, u.raw)).collect(),
        )
    }

    #[test]
    fn text_is_filled_code_and_escapes_are_not() {
        let (t, unknown) = texts("拨打 {{热线}}，`{{热线}}` 与 \\{{热线}}\n\n```\n{{热线}}\n```\n");
        assert_eq!(
            t,
            [
                "拨打 <b>*12356*</b>，",
                "{{热线}}",
                " 与 ",
                "{{热线}}",
                "{{热线}}\n"
            ]
        );
        assert!(unknown.is_empty());
    }

    #[test]
    fn unknown_names_have_their_offset_even_after_bold() {
        let md = "**注意**：{{热线}}、&amp;{{热线电话}}";
        let (t, unknown) = texts(md);
        assert_eq!(t[0], "注意");
        assert_eq!(
            unknown,
            [(md.find("{{热线电话").unwrap(), "{{热线电话}}".into())]
        );
    }

    #[test]
    fn raw_html_is_reported_not_filled() {
        let md = "<div title=\"{{热线}}\">\n\n</div>\n";
        let p = super::super::protect_strong(md);
        let f = fill(super::super::events(&p), md, &facts());
        assert_eq!(f.in_html.len(), 1);
        assert_eq!(f.in_html[0].offset, 12);
    }
}
