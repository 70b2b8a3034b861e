//! The allow-list every rendered body section with raw HTML passes through
//! (ammonia), the one table it is built from (which `html.rs` also reads to
//! name what would be removed), and the URL schemes a link may use.
//!
//! Must not: let an ammonia type out of this file, or keep a second copy of
//! the allow-list anywhere.

/// Attributes every allowed element may carry.
const GENERIC: [&str; 4] = ["id", "class", "title", "lang"];

/// The elements that get through and the attributes each may carry besides
/// [`GENERIC`]: what Markdown produces (headings with ids, lists, tables
/// with alignment, task-list check boxes, code, links, images) plus what
/// lessons use in raw HTML (`<details>`/`<summary>`, `<ruby>`/`<rt>`/`<rp>`
/// for pinyin, `<mark>`, `<sub>`/`<sup>`, `<kbd>`, `<figure>`, local
/// `<audio>`/`<video>` for relaxation recordings and short clips).
const ALLOWED: [(&str, &[&str]); 59] = [
    ("a", &["href"]),
    ("abbr", &[]),
    ("audio", &["src", "controls", "preload", "loop", "muted"]),
    ("b", &[]),
    ("blockquote", &[]),
    ("br", &[]),
    ("caption", &[]),
    ("code", &[]),
    ("col", &[]),
    ("colgroup", &[]),
    ("dd", &[]),
    ("del", &[]),
    ("details", &["open"]),
    ("div", &[]),
    ("dl", &[]),
    ("dt", &[]),
    ("em", &[]),
    ("figcaption", &[]),
    ("figure", &[]),
    ("h1", &[]),
    ("h2", &[]),
    ("h3", &[]),
    ("h4", &[]),
    ("h5", &[]),
    ("h6", &[]),
    ("hr", &[]),
    ("i", &[]),
    ("img", &["src", "alt", "width", "height"]),
    ("input", &["type", "checked", "disabled"]),
    ("ins", &[]),
    ("kbd", &[]),
    ("li", &[]),
    ("mark", &[]),
    ("ol", &["start"]),
    ("p", &[]),
    ("pre", &[]),
    ("q", &[]),
    ("rp", &[]),
    ("rt", &[]),
    ("ruby", &[]),
    ("s", &[]),
    ("small", &[]),
    ("source", &["src", "type"]),
    ("span", &[]),
    ("strong", &[]),
    ("sub", &[]),
    ("summary", &[]),
    ("sup", &[]),
    ("table", &[]),
    ("tbody", &[]),
    ("td", &["style", "colspan", "rowspan"]),
    ("tfoot", &[]),
    ("th", &["style", "colspan", "rowspan"]),
    ("thead", &[]),
    ("tr", &[]),
    ("track", &["src", "kind", "srclang", "label", "default"]),
    ("u", &[]),
    ("ul", &[]),
    (
        "video",
        &[
            "src", "controls", "preload", "loop", "muted", "poster", "width", "height",
        ],
    ),
];

/// True when the allow-list keeps this element.
pub fn tag_allowed(tag: &str) -> bool {
    ALLOWED.iter().any(|(t, _)| *t == tag)
}

/// True when the allow-list keeps this attribute on this element.
pub fn attr_allowed(tag: &str, attr: &str) -> bool {
    GENERIC.contains(&attr)
        || ALLOWED
            .iter()
            .any(|(t, attrs)| *t == tag && attrs.contains(&attr))
}

/// Elements whose `src` (or `poster`) must be a file of the pack.
const LOCAL_ONLY: [&str; 5] = ["img", "audio", "video", "source", "track"];

/// The allow-list every rendered body passes through (the table above).
/// Scripts, styles, frames, forms, event handlers, `javascript:` URLs and
/// pictures, sound or video from other sites never get through, whatever
/// the loader let pass. Sound and video always show their controls, since
/// a player without them cannot be started.
pub fn sanitize(html: &str) -> String {
    use std::collections::{HashMap, HashSet};
    use std::sync::LazyLock;
    static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
        let tags: HashSet<&str> = ALLOWED.iter().map(|(t, _)| *t).collect();
        let attrs: HashMap<&str, HashSet<&str>> = ALLOWED
            .iter()
            .filter(|(_, a)| !a.is_empty())
            .map(|(t, a)| (*t, a.iter().copied().collect()))
            .collect();
        let mut b = ammonia::Builder::empty();
        b.tags(tags)
            .generic_attributes(GENERIC.into_iter().collect())
            .tag_attributes(attrs)
            .set_tag_attribute_value("input", "disabled", "")
            .set_tag_attribute_value("input", "type", "checkbox")
            .set_tag_attribute_value("audio", "controls", "")
            .set_tag_attribute_value("video", "controls", "")
            .filter_style_properties(["text-align"].into_iter().collect())
            .url_schemes(SAFE_SCHEMES.into_iter().collect())
            .url_relative(ammonia::UrlRelative::PassThrough)
            .link_rel(None)
            .strip_comments(true)
            .attribute_filter(|element, attribute, value| {
                // Pictures, sound and video must come from the pack itself.
                if LOCAL_ONLY.contains(&element)
                    && matches!(attribute, "src" | "poster")
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
    fn schemes_and_drives() {
        assert!(has_scheme("https://a"));
        assert!(has_scheme("mailto:x@y"));
        assert!(!has_scheme("C:\\x.png"));
        assert!(!has_scheme("../a.md"));
        assert!(is_active_url(" java\tscript:x"));
        assert!(is_active_url("DATA:text/html,x"));
        assert!(!is_active_url("https://e.cn"));
        assert!(!is_active_url("metadata.md"));
    }

    #[test]
    fn the_table_is_sorted_and_has_no_duplicates() {
        let names: Vec<&str> = ALLOWED.iter().map(|(t, _)| *t).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(names, sorted);
    }

    #[test]
    fn the_allow_list_keeps_what_lessons_need() {
        let md = "<details><summary>提示</summary>\n\n先深呼吸。\n\n</details>\n\n<ruby>心<rp>(</rp><rt>xīn</rt><rp>)</rp></ruby>\n\n| 情境 | 温度 |\n|:--|--:|\n| 考试 | 7 |\n\n- [x] 完成\n\n<mark>重点</mark> H<sub>2</sub>O\n\n<audio src=\"relax.mp3\"></audio>\n";
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
            // A player without controls could not be started.
            "<audio src=\"relax.mp3\" controls=\"\">",
        ] {
            assert!(html.contains(kept), "{kept} missing from {html}");
        }
    }

    #[test]
    fn active_content_never_survives_rendering() {
        let md = "<script>alert(1)</script>\n\n<p onclick=\"x()\" onmouseover='y()'>点</p>\n\n<iframe src=\"a.html\"></iframe>\n\n[坏](javascript:alert(1)) [也坏](JaVaScRiPt:x) <a href=\"vbscript:x\">v</a>\n\n<img src=\"https://e.cn/a.png\" onerror=\"z()\"> <img src=\"//e.cn/b.png\"> <img src=\"a.png\">\n\n<style>p{}</style><object data=\"x.swf\"></object><embed src=\"x\"><form><input type=\"text\"></form><svg onload=\"x()\"></svg>\n\n<audio src=\"https://e.cn/a.mp3\" autoplay></audio><video poster=\"https://e.cn/p.jpg\"><source src=\"//e.cn/v.mp4\"></video>\n";
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
            "autoplay",
        ] {
            assert!(!lower.contains(gone), "{gone} survived: {html}");
        }
        assert!(html.contains("<img src=\"a.png\">"), "{html}");
        assert!(html.contains("点"), "{html}");
    }
}
