//! The author's raw HTML inside a body, and link targets as written: the
//! external assets it would load and the active content it would run (both
//! with their place, for load-time errors), which destinations carry a
//! scheme or run code, and the ammonia allow-list that every rendered
//! section with raw HTML passes through.
//!
//! Must not: parse Markdown or know pulldown-cmark (it is handed HTML
//! strings and destinations), or let an ammonia type out of this file.

use std::ops::Range;

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
    // <link href="…"> loads a stylesheet or icon. The `href=` must be in
    // the same tag as the first `<link` of that tag.
    for tag in tag_spans(&lower) {
        let Some(pos) = lower[tag.clone()].find("<link") else {
            continue;
        };
        let (at, end) = (tag.start + pos, tag.end);
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
    let tags: Vec<Range<usize>> = tag_spans(html).collect();
    let in_tag = |at: usize| {
        // The spans are sorted and disjoint: the only candidate is the
        // first one that ends after `at`.
        let i = tags.partition_point(|t| t.end <= at);
        tags.get(i).is_some_and(|t| t.start <= at)
    };
    for m in HANDLER.captures_iter(html) {
        if let Some(name) = m.get(1)
            && in_tag(name.start())
        {
            found.push((
                name.start(),
                format!("{}=", name.as_str().to_ascii_lowercase()),
            ));
        }
    }
    for m in URL.captures_iter(html) {
        if let Some(scheme) = m.get(1)
            && in_tag(scheme.start())
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

/// Where the tags of `html` are, as byte ranges in order: each runs from a
/// `<` up to (not including) the next `>`, or to the end of `html` if no
/// `>` follows; a `<` inside a tag does not start another. This is the one
/// notion of "inside a tag" the two scanners above share, so `<link href>`
/// and event handlers are looked for in the same places. It is deliberately
/// cruder than an HTML parser: the loader only has to point at suspicious
/// text, and [`sanitize`] (a real parser) decides what gets through.
fn tag_spans(html: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut from = 0;
    std::iter::from_fn(move || {
        let start = from + html.get(from..)?.find('<')?;
        let end = html[start..].find('>').map_or(html.len(), |i| start + i);
        from = end;
        Some(start..end)
    })
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

/// The `href` and `src` values of the author's raw HTML: (byte range of
/// the value in `html`, the value, true for `src`). Both the loader's link
/// check and the renderer's rewriting read raw HTML through this one scan.
pub fn urls_in_html(html: &str) -> Vec<(Range<usize>, String, bool)> {
    use std::sync::LazyLock;
    static ATTR: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r#"(?i)[\s"'/](href|src)\s*=\s*(?:"([^"]*)"|'([^']*)')"#)
            .expect("valid regex")
    });
    let tags: Vec<Range<usize>> = tag_spans(html).collect();
    let in_tag = |at: usize| {
        let i = tags.partition_point(|t| t.end <= at);
        tags.get(i).is_some_and(|t| t.start <= at)
    };
    ATTR.captures_iter(html)
        .filter_map(|c| {
            let name = c.get(1)?;
            let value = c.get(2).or_else(|| c.get(3))?;
            in_tag(name.start()).then(|| {
                (
                    value.range(),
                    value.as_str().to_string(),
                    name.as_str().eq_ignore_ascii_case("src"),
                )
            })
        })
        .collect()
}

/// Follows the nesting of elements through one piece of raw HTML (pieces
/// of a body share `depth`); the offset where it first exceeds `max`.
/// Void elements and self-closed tags do not nest.
pub fn too_deep(html: &str, depth: &mut usize, max: usize) -> Option<usize> {
    use std::sync::LazyLock;
    static TAG: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"<\s*(/)?\s*([A-Za-z][A-Za-z0-9-]*)[^<>]*?(/)?\s*>")
            .expect("valid regex")
    });
    const VOID: [&str; 14] = [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr",
    ];
    for c in TAG.captures_iter(html) {
        let (Some(all), Some(name)) = (c.get(0), c.get(2)) else {
            continue;
        };
        let name = name.as_str().to_ascii_lowercase();
        if VOID.contains(&name.as_str()) || c.get(3).is_some() {
            continue;
        }
        if c.get(1).is_some() {
            *depth = depth.saturating_sub(1);
        } else {
            *depth += 1;
            if *depth > max {
                return Some(all.start());
            }
        }
    }
    None
}

/// The schemes a link may use: web pages, e-mail and phone numbers. Any
/// other (`ms-msdt:`, `search-ms:`, `file:`, an app's own scheme) can start
/// a program on a school PC and is refused.
pub const SAFE_SCHEMES: [&str; 4] = ["http", "https", "mailto", "tel"];

/// The scheme of a destination that has one (lower-cased), else `None`.
/// Protocol-relative `//host` counts as `https`.
pub fn scheme(dest: &str) -> Option<String> {
    let dest = dest.trim_start();
    if dest.starts_with("//") {
        return Some("https".into());
    }
    has_scheme(dest).then(|| dest[..dest.find(':').unwrap_or(0)].to_ascii_lowercase())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::{RenderOptions, render_sections};

    #[test]
    fn external_assets_are_found_in_raw_html() {
        let html = r#"<img src="https://x.org/a.png"><link rel="stylesheet" href="http://cdn/x.css"><svg xmlns="http://www.w3.org/2000/svg"></svg><a href="https://ok">x</a>"#;
        let found = external_assets_in_html(html);
        assert_eq!(found, vec!["https://x.org/a.png", "http://cdn/x.css"]);
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

    #[test]
    fn both_scanners_read_the_same_tags() {
        // A `<` inside a tag starts no other; an unclosed tag runs to the end.
        let spans: Vec<_> = tag_spans("a<b c<d>e>f<g").collect();
        assert_eq!(spans, [1..7, 11..13]);
        assert_eq!(
            external_assets_in_html("<a <link href=//x.org/a.css>"),
            ["//x.org/a.css"]
        );
        assert!(external_assets_in_html("<a> <link> href=//x.org/a.css").is_empty());
        assert!(active_content_in_html("x> onclick=y").is_empty());
        let found = active_content_in_html("<p title=a<b onclick=y");
        assert_eq!(found, [(13, "onclick=".to_string())]);
    }
}
