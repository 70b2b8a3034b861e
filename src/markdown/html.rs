//! What the author's raw HTML holds, read from the tokens of `tokens.rs`
//! (html5ever's tokenizer, never a regex or substring search): what it
//! would load from the web, what it would run, what the allow-list would
//! remove, its local URLs and how deep it nests, each with its place; and
//! the active parts of an SVG picture. The allow-list itself and the URL
//! schemes are `sanitize.rs`.
//!
//! Decisions come from the tokens only; a place is found afterwards in the
//! text around the token (the tokenizer reports when a tag ends, not where
//! it began), so an odd place never changes what is reported.
//!
//! Must not: parse Markdown or know pulldown-cmark (it is handed HTML
//! strings), or let an html5ever type out of this file.

use super::sanitize::{self, is_active_url};
use super::tokens::{Piece, Tag, attr_at, pieces, tags};

/// Attributes whose value a browser loads, on any element: the asset's
/// own file, a picture set, a video's poster, an object's data, a legacy
/// background. `href` loads on `<link>` and on SVG's `<image>`/`<use>`.
fn loaded<'a>(tag: &'a Tag) -> impl Iterator<Item = (&'a str, String)> + 'a {
    tag.attrs.iter().flat_map(move |(name, value)| {
        let urls: Vec<String> = match name.as_str() {
            "src" | "poster" | "data" | "background" | "dynsrc" | "lowsrc" => vec![value.clone()],
            "srcset" => value
                .split(',')
                .filter_map(|c| c.split_whitespace().next())
                .map(str::to_string)
                .collect(),
            "href" | "xlink:href"
                if matches!(tag.name.as_str(), "link" | "image" | "use" | "feimage") =>
            {
                vec![value.clone()]
            }
            "style" => css_urls(value),
            _ => vec![],
        };
        urls.into_iter().map(move |u| (name.as_str(), u))
    })
}

/// The `url(…)` values of a piece of CSS.
fn css_urls(css: &str) -> Vec<String> {
    let lower = css.to_ascii_lowercase();
    lower
        .match_indices("url(")
        .map(|(i, _)| {
            let rest = css[i + 4..].trim_start();
            let rest = rest.trim_start_matches(['"', '\'']);
            let end = rest.find(['"', '\'', ')']).unwrap_or(rest.len());
            rest[..end].trim().to_string()
        })
        .collect()
}

/// A URL a browser would fetch from another computer: a web address, or
/// one starting with two slashes either way (`\\host\share` is a Windows
/// share that a page opened from `file://` would reach).
fn is_web(url: &str) -> bool {
    let u = url.trim();
    let b = u.as_bytes();
    (b.len() >= 2 && matches!(b[0], b'/' | b'\\') && matches!(b[1], b'/' | b'\\'))
        || sanitize::scheme(u).is_some_and(|s| s == "http" || s == "https" || s == "ftp")
}

/// False when HTML cannot name another computer in any way a browser
/// reads: no `//`, no backslash, no `http` or `ftp:` in any case, no
/// character reference (`&#47;` spells a slash). Most pages pass this
/// test, and are then not tokenized at all.
fn may_name_a_host(html: &[u8]) -> bool {
    // Every page is tested, so this is two SIMD searches: a backslash, and
    // the other hints with their case spelled out. A case-insensitive
    // automaton has no SIMD prefilter for these (it ran the whole page
    // through its DFA, a thirteenth of the speed).
    static HINTS: std::sync::LazyLock<aho_corasick::AhoCorasick> = std::sync::LazyLock::new(|| {
        let mut hints = vec!["//".to_string(), "&#".to_string()];
        hints.extend(["http", "ftp:"].iter().flat_map(|w| ascii_cases(w)));
        aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostFirst)
            .build(hints)
            .expect("26 short patterns fit an automaton")
    });
    memchr::memchr(b'\\', html).is_some() || HINTS.is_match(html)
}

/// Every spelling of an ASCII word in upper and lower case.
fn ascii_cases(word: &str) -> Vec<String> {
    word.chars().fold(vec![String::new()], |acc, c| {
        let (lo, up) = (c.to_ascii_lowercase(), c.to_ascii_uppercase());
        acc.iter()
            .flat_map(|a| {
                let mut v = vec![format!("{a}{lo}")];
                if up != lo {
                    v.push(format!("{a}{up}"));
                }
                v
            })
            .collect()
    })
}

/// Whether a rendered page may load anything from the web: `None` for
/// almost every page (one quick search of its bytes), else the first
/// such URL. The bytes are a page Tera wrote, so UTF-8; were they not,
/// they are read with replacement characters, which cannot hide a URL.
pub fn first_external_asset(html: &[u8]) -> Option<String> {
    if !may_name_a_host(html) {
        return None;
    }
    let text = String::from_utf8_lossy(html);
    external_assets_in_html(&text)
        .into_iter()
        .next()
        .map(|(_, url)| url)
}

/// URLs of assets from the web (things a browser would load) in a piece of
/// HTML, with the byte offset of each: `src`, `srcset`, `poster`, `data`,
/// `<link href>`, SVG `href`, `url()` in `style` attributes and in
/// `<style>` elements.
pub fn external_assets_in_html(html: &str) -> Vec<(usize, String)> {
    if !may_name_a_host(html.as_bytes()) {
        return Vec::new();
    }
    let pieces = pieces(html);
    let mut found = Vec::new();
    let mut in_style = None;
    for p in &pieces {
        match p {
            Piece::Tag(t) => {
                in_style = (t.name == "style" && !t.end).then_some(t.span.end);
                for (name, url) in loaded(t) {
                    if is_web(&url) {
                        found.push((attr_at(html, t, name, &url), url));
                    }
                }
            }
            Piece::Text(text) => {
                if let Some(at) = in_style {
                    found.extend(css_urls(text).into_iter().filter(|u| is_web(u)).map(|u| {
                        let off = html[at..].find(u.as_str()).map_or(at, |i| at + i);
                        (off, u)
                    }));
                }
            }
        }
    }
    found
}

/// Elements that run code, embed another page or change where links go.
const ACTIVE: [&str; 12] = [
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "base", "meta",
    "link", "style",
];

/// Attributes that hold a URL a browser follows or loads.
const URL_ATTRS: [&str; 12] = [
    "href",
    "src",
    "srcset",
    "action",
    "formaction",
    "data",
    "poster",
    "xlink:href",
    "background",
    "cite",
    "longdesc",
    "lowsrc",
];

/// Elements and attributes in raw HTML that would run code or load another
/// page: `<script>`, frames, plug-ins, forms, `on…=` event handlers and
/// `javascript:`/`vbscript:`/`data:` URLs. Returns (byte offset in `html`,
/// what was found), in order. Authors get an error for each; the
/// allow-list removes them (and anything else outside it) again at render
/// time.
pub fn active_content_in_html(html: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for t in tags(html) {
        if t.end {
            continue;
        }
        if ACTIVE.contains(&t.name.as_str()) {
            found.push((t.span.start, format!("<{}>", t.name)));
        }
        for (name, value) in &t.attrs {
            if name.starts_with("on") {
                found.push((attr_at(html, &t, name, ""), format!("{name}=")));
            } else if URL_ATTRS.contains(&name.as_str()) && is_active_url(value) {
                let scheme = value
                    .chars()
                    .filter(|c| !c.is_whitespace() && !c.is_control())
                    .take_while(|c| *c != ':')
                    .collect::<String>()
                    .to_ascii_lowercase();
                found.push((attr_at(html, &t, name, value), format!("{scheme}:")));
            }
        }
    }
    found.sort();
    found
}

/// What the allow-list would take out of a piece of raw HTML that is not
/// already active content: elements outside it (their text stays),
/// attributes outside it, style properties other than `text-align` in a
/// table cell. (byte offset, what), in order.
pub fn removed_by_sanitize(html: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    // Inside a removed <svg> or <math>, its drawing goes with it: one
    // finding for the whole.
    let mut foreign: Option<(String, usize)> = None;
    for t in tags(html) {
        if let Some((name, depth)) = foreign.as_mut() {
            if *name == t.name && !t.self_closing {
                if t.end {
                    *depth -= 1;
                } else {
                    *depth += 1;
                }
            }
            if *depth == 0 {
                foreign = None;
            }
            continue;
        }
        if t.end || ACTIVE.contains(&t.name.as_str()) {
            continue;
        }
        if !sanitize::tag_allowed(&t.name) {
            found.push((t.span.start, format!("<{}>", t.name)));
            if matches!(t.name.as_str(), "svg" | "math") && !t.self_closing {
                foreign = Some((t.name.clone(), 1));
            }
            continue;
        }
        // `<input>` is kept only as the ticked-or-not box of a Markdown
        // task list: the cleaner makes every one a disabled checkbox, so
        // a text field (a worksheet's blank) would print as a box.
        if t.name == "input" {
            let kind = t
                .attrs
                .iter()
                .find(|(n, _)| n == "type")
                .map(|(_, v)| v.trim().to_ascii_lowercase());
            if kind.as_deref() != Some("checkbox") {
                let shown = kind.map_or("<input>".to_string(), |k| format!("<input type=\"{k}\">"));
                found.push((t.span.start, shown));
            }
        }
        for (name, value) in &t.attrs {
            if name.starts_with("on")
                || (URL_ATTRS.contains(&name.as_str()) && is_active_url(value))
            {
                continue;
            }
            if !sanitize::attr_allowed(&t.name, name) {
                found.push((attr_at(html, &t, name, ""), format!("{name}=")));
            } else if name == "style" {
                for decl in value.split(';') {
                    let prop = decl.split(':').next().unwrap_or("").trim();
                    if !prop.is_empty() && !prop.eq_ignore_ascii_case("text-align") {
                        found.push((attr_at(html, &t, name, ""), format!("style 里的 {prop}")));
                    }
                }
            }
        }
    }
    found
}

/// The local and scheme-carrying URLs of the author's raw HTML: (byte
/// offset of the value, the value, true when the browser loads it rather
/// than follows it). `href` on `<a>`/`<area>` is followed; `src`,
/// `srcset`, `poster` and a media `<source>`/`<track>` are loaded. Both
/// the loader's link check and the pack's asset list read raw HTML
/// through this one scan.
pub fn urls_in_html(html: &str) -> Vec<(usize, String, bool)> {
    let mut out = Vec::new();
    for t in tags(html) {
        if t.end {
            continue;
        }
        for (name, value) in &t.attrs {
            let urls: Vec<String> = match name.as_str() {
                "href" => vec![value.clone()],
                "src" | "poster" => vec![value.clone()],
                "srcset" => value
                    .split(',')
                    .filter_map(|c| c.split_whitespace().next())
                    .map(str::to_string)
                    .collect(),
                _ => continue,
            };
            let loads = name != "href" || matches!(t.name.as_str(), "link" | "image" | "use");
            for u in urls {
                out.push((attr_at(html, &t, name, &u), u, loads));
            }
        }
    }
    out
}

/// Elements with no end tag: they never nest.
const VOID: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// Follows the nesting of elements through one piece of raw HTML (pieces
/// of a body share `depth`); the offset where it first exceeds `max`.
/// Void elements and self-closed tags do not nest.
pub fn too_deep(html: &str, depth: &mut usize, max: usize) -> Option<usize> {
    for t in tags(html) {
        if VOID.contains(&t.name.as_str()) || t.self_closing {
            continue;
        }
        if t.end {
            *depth = depth.saturating_sub(1);
        } else {
            *depth += 1;
            if *depth > max {
                return Some(t.span.start);
            }
        }
    }
    None
}

/// The first thing in an SVG picture that would run or reach the web when
/// the picture is opened on its own: a script, an embedded page or
/// plug-in, an event handler, a `javascript:` link, or a link or picture
/// from another site. An embedded `data:` picture is a drawing's own.
/// (byte offset, what).
pub fn active_in_svg(svg: &str) -> Option<(usize, String)> {
    const EMBEDS: [&str; 6] = [
        "script",
        "foreignobject",
        "iframe",
        "embed",
        "object",
        "handler",
    ];
    let mut found = tags(svg).find_map(|t| {
        if t.end {
            return None;
        }
        if EMBEDS.contains(&t.name.as_str()) {
            return Some((t.span.start, format!("<{}>", t.name)));
        }
        t.attrs.iter().find_map(|(name, value)| {
            let v = value.trim().to_ascii_lowercase();
            if name.starts_with("on") {
                Some((attr_at(svg, &t, name, ""), format!("{name}=")))
            } else if URL_ATTRS.contains(&name.as_str())
                && (v.starts_with("javascript:") || v.starts_with("vbscript:") || is_web(&v))
            {
                Some((
                    attr_at(svg, &t, name, value.trim()),
                    format!("{name}=\"{}\"", value.trim()),
                ))
            } else {
                None
            }
        })
    });
    if found.is_none() {
        found = external_assets_in_html(svg).into_iter().next();
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn external_assets_are_found_in_raw_html() {
        let html = r#"<img src="https://x.org/a.png"><link rel="stylesheet" href="http://cdn/x.css"><svg xmlns="http://www.w3.org/2000/svg"></svg><a href="https://ok">x</a>"#;
        let found: Vec<String> = external_assets_in_html(html)
            .into_iter()
            .map(|(_, u)| u)
            .collect();
        assert_eq!(found, vec!["https://x.org/a.png", "http://cdn/x.css"]);
    }

    #[test]
    fn spaces_around_the_equals_sign_do_not_hide_a_web_address() {
        // The case the old substring scanner missed.
        let html = "<p>看图</p><img alt=\"图\" src = \"https://e.cn/a.png\">";
        let found = external_assets_in_html(html);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(&html[found[0].0..found[0].0 + 18], "https://e.cn/a.png");
        let found = external_assets_in_html("<video poster = 'https://e.cn/p.jpg' src=a.mp4>");
        assert_eq!(found[0].1, "https://e.cn/p.jpg");
        let found = external_assets_in_html("<img srcset=\"a.png 1x, //e.cn/b.png 2x\">");
        assert_eq!(found[0].1, "//e.cn/b.png");
        let found = external_assets_in_html(
            "<style>\n@import url( \"https://e.cn/x.css\" );</style><p style=\"background:url(HTTPS://e.cn/b.png)\">",
        );
        let urls: Vec<&str> = found.iter().map(|(_, u)| u.as_str()).collect();
        assert_eq!(urls, ["https://e.cn/x.css", "HTTPS://e.cn/b.png"]);
        // A Windows share is another computer too; so is a spelled-out URL.
        let found = external_assets_in_html(
            "<img src=\"\\\\server\\share\\a.png\"><img src=\"&#104;ttps:&#47;&#47;e.cn/b.png\">",
        );
        let urls: Vec<&str> = found.iter().map(|(_, u)| u.as_str()).collect();
        assert_eq!(urls, ["\\\\server\\share\\a.png", "https://e.cn/b.png"]);
        assert!(!may_name_a_host(
            "<p class=\"x\">没有网址</p><img src=\"a/b.png\">".as_bytes()
        ));
        for hint in ["a//b", "a\\b", "&#47;", "HtTp", "FTP:", "hTTP", "fTp:"] {
            assert!(
                may_name_a_host(format!("<p>文字{hint}文字</p>").as_bytes()),
                "{hint}"
            );
        }
        assert!(!may_name_a_host(
            "<p>htt ftp ht-tp & # ftp; fttp</p>".as_bytes()
        ));
        assert_eq!(ascii_cases("ftp:").len(), 8);
        assert_eq!(ascii_cases("http").len(), 16);
        assert_eq!(
            first_external_asset(b"<p>x</p><script src=\"HTTP://e.cn/a.js\"></script>").as_deref(),
            Some("HTTP://e.cn/a.js")
        );
        assert_eq!(
            first_external_asset("<a href=\"../a.html\">课</a>".as_bytes()),
            None
        );
        // Text that only looks like an attribute is text.
        assert!(external_assets_in_html("<p>写 src=\"https://e.cn\" 就行</p>").is_empty());
    }

    #[test]
    fn active_content_is_found_with_its_place() {
        let found = active_content_in_html(
            "<p>on=1 javascript: 文字</p><span  onClick = \"x\"><SCRIPT src=a.js>",
        );
        let what: Vec<&str> = found.iter().map(|(_, w)| w.as_str()).collect();
        assert_eq!(what, ["onclick=", "<script>"]);
        assert_eq!(found[0].0, "<p>on=1 javascript: 文字</p><span  ".len());
        assert_eq!(
            active_content_in_html("<a href=\" JavaScript:x\">")
                .iter()
                .map(|(_, w)| w.as_str())
                .collect::<Vec<_>>(),
            ["javascript:"]
        );
        // A title that mentions javascript: runs nothing.
        assert!(
            active_content_in_html("<abbr title=\"javascript: 一种语言\">JS</abbr>").is_empty()
        );
        assert!(active_content_in_html("<details><summary>提示</summary>").is_empty());
        // Inside <style> text, nothing is a tag.
        let found = active_content_in_html("<style>p{}</style><b onclick=x>");
        assert_eq!(found.len(), 2, "{found:?}");
    }

    #[test]
    fn what_the_allow_list_removes_is_named() {
        let found = removed_by_sanitize(
            "<center>标题</center><p style=\"color:red\" class=x>字</p><td style=\"text-align:left; color: red\">1</td><audio src=a.mp3 controls autoplay></audio><svg><circle/></svg><script>x</script>",
        );
        let what: Vec<&str> = found.iter().map(|(_, w)| w.as_str()).collect();
        assert_eq!(
            what,
            [
                "<center>",
                "style=",
                "style 里的 color",
                "autoplay=",
                "<svg>"
            ]
        );
        assert!(
            removed_by_sanitize(
                "<details open><summary>提示</summary><ruby>心<rt>xīn</rt></ruby></details>"
            )
            .is_empty()
        );
        // A text field would print as a box; a checkbox stays one.
        let found = removed_by_sanitize(
            "我的名字：<input type=\"TEXT\" size=10> <input> <input type=checkbox disabled>",
        );
        let what: Vec<&str> = found.iter().map(|(_, w)| w.as_str()).collect();
        assert_eq!(what, ["<input type=\"text\">", "size=", "<input>"]);
    }

    #[test]
    fn nesting_is_counted_on_tags_only() {
        let mut depth = 0;
        assert_eq!(
            too_deep("<div><p>a<br></p><img></div>", &mut depth, 2),
            None
        );
        assert_eq!(depth, 0);
        let deep = "<div>".repeat(5);
        assert_eq!(too_deep(&deep, &mut depth, 3), Some(15));
        // `<div>` written in text does not nest.
        let mut d = 0;
        assert_eq!(
            too_deep("<p>&lt;div&gt; <code>x</code></p>", &mut d, 1),
            Some("<p>&lt;div&gt; ".len())
        );
    }
}
