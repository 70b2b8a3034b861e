//! What each fuzz target does with one input. Shared by the cargo-fuzz
//! targets in `fuzz/fuzz_targets/` and by `tests/all/fuzz_corpus.rs`, which
//! replays the committed corpus and every crash found in the normal
//! `cargo test`. Every function must return normally for any input.
#![allow(dead_code)]

use std::collections::BTreeMap;
use xinyu::diagnostic::{self, Diagnostics, Severity};
use xinyu::markdown::{self, RenderOptions};
use xinyu::model::{Band, Fact, LocalFacts, schedule};
use xinyu::search::{self, Doc};

/// Raw file bytes → decode (BOM, CRLF, GBK) → front-matter split → the
/// lesson, meeting and handout parsers → rustc-style rendering of every
/// diagnostic against the source.
pub fn frontmatter(data: &[u8]) {
    let rel = "lessons/junior-high/x.md";
    let Ok(decoded) = xinyu::source::decode(rel, data) else {
        return;
    };
    let text: std::sync::Arc<str> = decoded.text.into();
    if let Ok(split) = xinyu::frontmatter::split(rel, &text) {
        assert!(split.yaml_first_line >= 2);
        assert!(split.body_first_line > split.yaml_first_line);
    }
    let mut diags = Vec::new();
    let facts = facts();
    let _ = xinyu::load::parse_lesson(rel, Band::JuniorHigh, &text, Some(&facts), &mut diags);
    let _ = xinyu::load::parse_meeting(rel, &text, Some(&facts), &mut diags);
    let _ = xinyu::load::parse_handout(rel, &text, None, &mut diags);
    let mut all = Diagnostics::default();
    diags.into_iter().for_each(|d| all.push(d));
    let sources = BTreeMap::from([(rel.to_string(), text)]);
    let _ = diagnostic::render(&all, &sources);
}

/// Two local facts, one with characters that would be markup if pasted
/// into Markdown, so references in fuzzed input are found and filled.
fn facts() -> LocalFacts {
    let fact = |name: &str, value: &str| Fact {
        name: name.into(),
        value: value.into(),
        line: 1,
        column: 1,
    };
    LocalFacts::new(
        vec![fact("热线", "12356"), fact("x", "<script>*[a](b)")],
        &[],
    )
}

const LESSON: &str = "---\ntitle: 情绪气象站\nterm: autumn\norder: 1\nduration: 45\nareas: [emotions]\nforms: [game]\nobjectives:\n  cognitive: 知道\n  affective: 愿意\n  behavioral: 学会\n---\n";
const MEETING: &str = "---\ntitle: 你好\nbands: [lower-primary]\nterm: autumn\nmonth: 9\nduration: 40\nroles: [主持人甲, 班主任]\nareas: [adaptation]\n---\n";

/// The Markdown-to-lesson pipeline: a body under valid lesson and meeting
/// front matter (so phases, segments and speaker lines are reached), the
/// outline, the section renderer with and without roles and a link
/// resolver, and plain text, with local facts. Rendered HTML never carries
/// a script, though a fact's value spells one.
pub fn lesson(data: &[u8]) {
    let Ok(body) = std::str::from_utf8(data) else {
        return;
    };
    let mut diags = Vec::new();
    let facts = facts();
    let lesson = format!("{LESSON}{body}").into();
    let _ = xinyu::load::parse_lesson(
        "lessons/junior-high/x.md",
        Band::JuniorHigh,
        &lesson,
        Some(&facts),
        &mut diags,
    );
    let meeting = format!("{MEETING}{body}").into();
    let _ = xinyu::load::parse_meeting("meetings/x.md", &meeting, Some(&facts), &mut diags);
    let outline = markdown::outline(body, 13, &facts);
    for r in outline.unknown_facts.iter().chain(&outline.facts_in_html) {
        assert!(r.line >= 13 && r.column >= 1);
    }
    for l in &outline.links {
        assert!(l.line >= 13);
        let _ = xinyu::load::normalize("lessons/junior-high", &l.target);
        let _ = markdown::rewrite_link(&l.target);
    }
    for h in &outline.headings {
        let _ = markdown::split_minutes(&h.text);
    }
    let roles = vec!["主持人甲".to_string(), "班主任".to_string()];
    let resolve = |d: &str| (!d.contains("drop")).then(|| format!("x/{d}"));
    for opts in [
        RenderOptions::default(),
        RenderOptions {
            roles: Some(&roles),
            resolve: Some(&resolve),
            facts: Some(&facts),
            strong: None,
        },
    ] {
        let sections = markdown::render_sections(body, opts);
        // The `**` pairs the outline kept give the render a fresh search gives.
        let kept = RenderOptions {
            strong: outline.strong.as_deref(),
            ..opts
        };
        assert_eq!(markdown::render_sections(body, kept), sections);
        for s in sections {
            let lower = s.html.to_ascii_lowercase();
            assert!(!lower.contains("<script"), "script in output: {}", s.html);
        }
    }
    let _ = markdown::plain_text(body, &facts);
}

/// Calendar TOML → the calendar loader → teaching weeks and slots; for a
/// calendar that loads without errors, slots are numbered in order, lie
/// inside the term and never in a week that is all break.
pub fn calendar(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut diags = Vec::new();
    let Some(cal) = xinyu::load::parse_calendar(
        "calendars/2026-autumn.toml",
        "2026-autumn",
        text,
        &mut diags,
    ) else {
        return;
    };
    if diags.iter().any(|d| d.severity == Severity::Error) {
        return;
    }
    let weeks = schedule::weeks(&cal);
    assert_eq!(weeks.len() as u32, cal.weeks);
    let slots = schedule::slots(&cal);
    let last = schedule::last_day(&cal);
    let teaching = weeks.iter().filter(|w| w.slot.is_some()).count() as u32;
    assert_eq!(slots.len() as u32, teaching.div_ceil(cal.cadence));
    for (i, s) in slots.iter().enumerate() {
        assert_eq!(s.number as usize, i + 1);
        assert!(s.start <= s.end && s.end <= last && s.start >= cal.first_monday);
        assert!(!s.weeks.is_empty() && s.weeks.len() as u32 <= cal.cadence);
        for w in &s.weeks {
            assert!(weeks[*w as usize - 1].break_name.is_none());
        }
    }
}

/// The search tokenizer and index writer: tokens are non-empty and hold no
/// spaces; the index never closes its `<script>` early.
pub fn search(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let normal = search::normalize(text);
    let terms = search::tokens(&normal);
    for t in &terms {
        assert!(!t.is_empty() && !t.contains(char::is_whitespace), "{t:?}");
    }
    // The browser looks the text up by terms the index has for it.
    for t in search::query_terms(&normal) {
        assert!(terms.contains(&t), "{t:?}");
    }
    let doc = Doc {
        t: text.to_string(),
        u: "a.html".into(),
        k: text.chars().take(8).collect(),
        b: vec![text.to_string()],
        r: String::new(),
        g: vec![text.to_string()],
        a: vec![],
        f: vec![],
        s: String::new(),
        y: vec![],
        m: vec![text.to_string()],
    };
    let files = search::index_list(&[doc], &|_| text.to_string());
    for (path, js) in &files {
        assert!(!path.contains(".."), "{path}");
        assert!(!js.to_ascii_lowercase().contains("</script"), "{js}");
    }
    // Every term of the text is in the one shard (of one doc's index) the
    // browser looks it up in.
    let shard = files
        .iter()
        .find(|(p, _)| p.as_str() == "search/p-0.js")
        .map(|(_, js)| js.as_str())
        .unwrap_or("");
    for t in &terms {
        assert!(shard.contains(&format!("\"{t}\":[0]")), "{t:?} in {shard}");
    }
}

// ---------------------------------------------------------------------
// Targets added for hardening item 12: settings, raw HTML, .ics, packs,
// serve's paths and whole small projects.

/// Line and column of a diagnostic lie inside (or just after) its source.
fn assert_in_source(d: &diagnostic::Diagnostic, text: &str) {
    if d.line == 0 {
        return;
    }
    let lines: Vec<&str> = text.split('\n').collect();
    assert!(
        d.line <= lines.len() + 1,
        "line {} of {}: {d:?}",
        d.line,
        lines.len()
    );
    if let Some(l) = lines.get(d.line - 1) {
        assert!(
            d.column <= l.chars().count() + 2,
            "column {} of {l:?}: {d:?}",
            d.column
        );
    }
}

/// `xinyu.toml` text → the settings loader (hotlines, `[facts]`, theme
/// name, language). Accepted settings keep every promise the loader
/// makes; refused ones come with an error placed inside the file.
pub fn settings(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut diags = Vec::new();
    let parsed = xinyu::load::settings::parse(text, &mut diags);
    for d in &diags {
        assert_eq!(d.file, "xinyu.toml");
        assert_in_source(d, text);
    }
    let mut all = Diagnostics::default();
    diags.iter().cloned().for_each(|d| all.push(d));
    let sources = BTreeMap::from([("xinyu.toml".to_string(), text.into())]);
    let _ = diagnostic::render(&all, &sources);
    let Some(s) = parsed else {
        assert!(
            diags.iter().any(|d| d.severity == Severity::Error),
            "refused without an error"
        );
        return;
    };
    assert!(!diags.iter().any(|d| d.severity == Severity::Error));
    for v in [&s.title, &s.publisher] {
        assert!(!v.is_empty() && v.trim() == v.as_str(), "{v:?}");
    }
    assert!(!s.theme.is_empty());
    assert!(
        s.theme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
        "theme {:?}",
        s.theme
    );
    assert!(!s.hotlines.is_empty());
    for (i, h) in s.hotlines.iter().enumerate() {
        assert!(
            !s.hotlines[..i].iter().any(|o| o.name == h.name),
            "{}",
            h.name
        );
        assert!(!h.number.is_empty());
        assert!(
            h.number
                .chars()
                .all(|c| c.is_ascii_digit() || c == '-' || c == ' ')
        );
        // Content reaches a hotline by name; a fact never shadows one.
        assert_eq!(s.facts.get(&h.name), Some(h.number.as_str()), "{}", h.name);
    }
    for name in s.facts.names() {
        assert!(xinyu::model::facts::valid_name(name), "{name:?}");
        let value = s.facts.get(name).unwrap_or_default();
        assert!(!value.contains('\n'), "{name}: {value:?}");
        // A reference to the name is filled with its value, once.
        let reference = format!("<{{{{{name}}}}}>");
        let filled = s.facts.fill(&reference);
        assert_eq!(filled, format!("<{value}>"), "{name}");
    }
}

/// Tags and attributes `markdown::sanitize` may let through.
const SAFE_TAGS: &[&str] = &[
    "a",
    "abbr",
    "audio",
    "video",
    "source",
    "track",
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
];
const SAFE_ATTRS: &[&str] = &[
    "id", "class", "title", "lang", "href", "src", "alt", "width", "height", "type", "checked",
    "disabled", "start", "style", "colspan", "rowspan", "open", "controls", "preload", "loop",
    "muted", "poster", "kind", "srclang", "label", "default",
];

/// Reads sanitised HTML as an HTML tokenizer would: each tag's name and
/// attributes (name, value with entities left as written).
fn tags_of(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        i += 1;
        let closing = b.get(i) == Some(&b'/');
        if closing {
            i += 1;
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' && b[i] != b'/' {
            i += 1;
        }
        let name = html[start..i].to_ascii_lowercase();
        let mut attrs = Vec::new();
        loop {
            while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' {
                i += 1;
                break;
            }
            let a = i;
            while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/')
            {
                i += 1;
            }
            let an = html[a..i].to_ascii_lowercase();
            let mut value = String::new();
            if b.get(i) == Some(&b'=') {
                i += 1;
                match b.get(i) {
                    Some(&q @ (b'"' | b'\'')) => {
                        let v = i + 1;
                        let end = html[v..].find(q as char).map_or(html.len(), |e| v + e);
                        value = html[v..end].to_string();
                        i = end + 1;
                    }
                    _ => {
                        let v = i;
                        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                            i += 1;
                        }
                        value = html[v..i].to_string();
                    }
                }
            }
            attrs.push((an, value));
        }
        if !closing {
            out.push((name, attrs));
        }
    }
    out
}

/// True when a browser would run or embed this URL: the WHATWG URL
/// parser strips leading and trailing C0 controls and spaces and removes
/// tabs and line breaks anywhere before reading the scheme. (A space
/// inside `javascrip t:` makes it a relative path, not a script.)
fn runs_code(url: &str) -> bool {
    let u: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .to_ascii_lowercase();
    u.starts_with("javascript:") || u.starts_with("vbscript:") || u.starts_with("data:")
}

/// HTML entities a browser would decode in an attribute, for the checks.
fn decode_entities(v: &str) -> String {
    v.replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

/// The raw-HTML scanners and the sanitiser on any string: what the
/// scanners report lies in the input; sanitised HTML holds only
/// allow-listed tags and attributes, no handler, no script URL, no image
/// from another site, and sanitising it again changes nothing.
pub fn html(data: &[u8]) {
    let Ok(html) = std::str::from_utf8(data) else {
        return;
    };
    // Places lie in the input, on a character boundary; an element's place
    // is its `<`. What was found is read from the tokens (attribute values
    // decoded), so it need not be spelled the same in the input.
    for (at, what) in markdown::active_content_in_html(html) {
        assert!(at < html.len() && html.is_char_boundary(at), "{at} {what}");
        if what.starts_with('<') {
            assert!(html[at..].starts_with('<'), "{what} at {at}");
        }
    }
    for (at, url) in markdown::external_assets_in_html(html) {
        assert!(at <= html.len() && html.is_char_boundary(at), "{at} {url}");
        let l = url.trim().to_ascii_lowercase();
        assert!(
            l.starts_with("http:")
                || l.starts_with("https:")
                || l.starts_with("ftp:")
                || (l.len() >= 2 && l.as_bytes()[..2].iter().all(|b| *b == b'/' || *b == b'\\')),
            "{url}"
        );
    }
    for (at, _, _) in markdown::urls_in_html(html) {
        assert!(at <= html.len() && html.is_char_boundary(at), "{at}");
    }
    let clean = markdown::sanitize(html);
    assert_safe(&clean);
    // Sanitising again may re-nest or add empty elements where the HTML
    // parser fixes up the tree (`<rt>…<rp>` in `<ruby>`, a stray `</p>`),
    // but stays safe and keeps the same text.
    let again = markdown::sanitize(&clean);
    assert_safe(&again);
    assert_eq!(
        text_of(&again),
        text_of(&clean),
        "sanitising twice changed {html:?}"
    );
}

/// Text of HTML outside its tags.
fn text_of(h: &str) -> String {
    let mut text = String::new();
    let mut inside = false;
    for c in h.chars() {
        match c {
            '<' => inside = true,
            '>' if inside => inside = false,
            c if !inside => text.push(c),
            _ => {}
        }
    }
    text
}

/// Sanitised HTML holds only allow-listed tags and attributes, no URL a
/// browser would run and no image from another site.
fn assert_safe(clean: &str) {
    for (tag, attrs) in tags_of(clean) {
        assert!(
            SAFE_TAGS.contains(&tag.as_str()),
            "tag {tag:?} in {clean:?}"
        );
        for (name, value) in attrs {
            assert!(
                SAFE_ATTRS.contains(&name.as_str()),
                "attr {name:?} in {clean:?}"
            );
            let value = decode_entities(&value);
            if name == "href" || name == "src" {
                assert!(!runs_code(&value), "{name}={value:?} in {clean:?}");
            }
            if ["img", "audio", "video", "source", "track"].contains(&tag.as_str())
                && (name == "src" || name == "poster")
            {
                assert!(
                    !markdown::has_scheme(&value),
                    "{tag} {name} {value:?} in {clean:?}"
                );
            }
        }
    }
}

/// The settings every built project in these targets starts from.
const SETTINGS: &str = "title = \"测试课程\"\npublisher = \"测试区教研室\"\n\n[[hotlines]]\nname = \"全国统一心理援助热线\"\nnumber = \"12356\"\nverified_on = 2026-11-01\n";

/// RFC 5545 unescaping of a TEXT value.
fn ics_unescape(v: &str) -> String {
    let mut out = String::new();
    let mut it = v.chars();
    while let Some(c) = it.next() {
        if c == '\\' {
            match it.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(o) => out.push(o),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The `.ics` writer on a fuzzed calendar. The first line of the input is
/// the project's title and the slot lessons' title; the rest is the
/// calendar file. Lines end in CRLF and fold at 75 octets, no value holds
/// a bare line break or a control character, and every summary reads back
/// (unfolded and unescaped) as the name it came from.
pub fn ics(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (title, cal_text) = text.split_once('\n').unwrap_or((text, ""));
    let mut diags = Vec::new();
    let Some(cal) = xinyu::load::parse_calendar(
        "calendars/2026-autumn.toml",
        "2026-autumn",
        cal_text,
        &mut diags,
    ) else {
        return;
    };
    if diags.iter().any(|d| d.severity == Severity::Error) || cal.weeks > 60 {
        return;
    }
    let Some(mut settings) = xinyu::load::settings::parse(SETTINGS, &mut diags) else {
        panic!("fixed settings refused: {diags:?}");
    };
    settings.title = title.to_string();
    let term = if cal.term == xinyu::model::Term::Autumn {
        "autumn"
    } else {
        "spring"
    };
    let lesson_text = LESSON.replace("term: autumn", &format!("term: {term}"))
        + "## 活动过程\n\n### 暖身导入：说一说（45分钟）\n\n说一说。\n";
    let mut lessons = Vec::new();
    for order in 1..=2 {
        let t = lesson_text
            .replace("order: 1", &format!("order: {order}"))
            .into();
        let Some(mut l) = xinyu::load::parse_lesson(
            &format!("lessons/junior-high/{order}.md"),
            Band::JuniorHigh,
            &t,
            None,
            &mut diags,
        ) else {
            panic!("fixed lesson refused: {diags:?}");
        };
        l.title = title.to_string();
        if order == 2 {
            l.objectives.behavioral = title.to_string();
        }
        lessons.push(l);
    }
    // Names are written on one line: a control character becomes a space.
    let one_line = |s: &str| -> String {
        s.chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect()
    };
    let mut expected: Vec<String> = cal
        .breaks
        .iter()
        .map(|b| one_line(&b.name))
        .chain(cal.events.iter().map(|e| one_line(&e.name)))
        .collect();
    let title = &one_line(title);
    let calendar_name = format!("{title} · {}", one_line(&cal.name));
    let c = xinyu::model::Curriculum {
        settings,
        lessons,
        meetings: vec![],
        handouts: vec![],
        guides: vec![],
        calendars: vec![cal],
        assets: vec![],
    };
    for t in xinyu::plan::terms(&c) {
        let out = xinyu::render::ics::term(&c, &t);
        let again = xinyu::render::ics::term(&c, &t);
        assert_eq!(out, again, "not deterministic");
        assert!(out.ends_with("\r\n"), "no final CRLF");
        let body = &out[..out.len() - 2];
        let mut unfolded: Vec<String> = Vec::new();
        for line in body.split("\r\n") {
            assert!(line.len() <= 75, "line of {} octets: {line:?}", line.len());
            assert!(
                !line.chars().any(|c| c.is_control() && c != '\t'),
                "control character in line {line:?}"
            );
            if let Some(rest) = line.strip_prefix([' ', '\t']) {
                unfolded
                    .last_mut()
                    .expect("folded first line")
                    .push_str(rest);
            } else {
                assert!(!line.is_empty(), "empty line");
                unfolded.push(line.to_string());
            }
        }
        assert_eq!(
            unfolded.first().map(String::as_str),
            Some("BEGIN:VCALENDAR")
        );
        assert_eq!(unfolded.last().map(String::as_str), Some("END:VCALENDAR"));
        let mut summaries = Vec::new();
        for l in &unfolded {
            let (name, value) = l
                .split_once(':')
                .unwrap_or_else(|| panic!("no colon: {l:?}"));
            assert!(!name.is_empty(), "{l:?}");
            if name == "SUMMARY" {
                summaries.push(ics_unescape(value));
            }
            if name == "NAME" || name == "X-WR-CALNAME" {
                assert_eq!(ics_unescape(value), calendar_name, "{l:?}");
            }
            if name == "DESCRIPTION" {
                assert!(
                    ics_unescape(value).ends_with(&c.lessons[0].objectives.behavioral)
                        || ics_unescape(value).ends_with(title),
                    "{l:?}"
                );
            }
        }
        let slot_summaries = summaries.len() - expected.len().min(summaries.len());
        for want in &expected {
            let i = summaries
                .iter()
                .position(|s| s == want)
                .unwrap_or_else(|| panic!("summary {want:?} not in {summaries:?}"));
            summaries.remove(i);
        }
        assert_eq!(summaries.len(), slot_summaries);
        for s in summaries {
            assert!(s.ends_with(&format!("：{title}")), "{s:?}");
        }
        expected.clear();
    }
}

/// Splits an input into files: a line `==> path` starts each one. Paths
/// that could not name a file in a project are skipped; at most `max`
/// files.
fn files_of(text: &str, max: usize) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = Vec::new();
    for chunk in text.split("==> ").skip(1) {
        let (path, content) = chunk.split_once('\n').unwrap_or((chunk, ""));
        files.push((path.trim().to_string(), content.to_string()));
        if files.len() >= max {
            break;
        }
    }
    files
}

/// Pack sealing of fuzzed file names and bytes: the same files give the
/// same zip; it holds exactly those files plus `manifest.json` and
/// `SHA256SUMS`, both true to the bytes; or sealing refuses a name that
/// is not a clean relative path, so no entry can leave its folder.
pub fn pack(data: &[u8]) {
    use xinyu::render::archive::{self, Manifest, TermInfo};
    let text = String::from_utf8_lossy(data);
    let (title, _) = text.split_once('\n').unwrap_or((&text, ""));
    let mut files = BTreeMap::new();
    for (path, content) in files_of(&text, 32) {
        if path == "manifest.json" || path == "SHA256SUMS" {
            continue;
        }
        files.insert(path, content.into_bytes());
    }
    let manifest = Manifest {
        format_version: archive::FORMAT_VERSION,
        id: "t-s01".into(),
        title: title.to_string(),
        publisher: "p".into(),
        term: TermInfo {
            id: "2026-autumn".into(),
            name: title.to_string(),
            term: "autumn".into(),
        },
        slot: 1,
        first_date: "2026-08-31".into(),
        last_date: "2026-09-13".into(),
        bands: vec!["junior-high".into()],
        generator: "xinyu fuzz".into(),
        files: vec![],
    };
    let a = archive::seal(files.clone(), manifest.clone());
    let b = archive::seal(files.clone(), manifest);
    let (a, b) = match (a, b) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(_), Err(_)) => return,
        _ => panic!("sealing the same files once failed, once not"),
    };
    assert!(a == b, "same files, different zips");
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(a)).expect("zip reads back");
    let mut names = Vec::new();
    let mut back = BTreeMap::new();
    for i in 0..z.len() {
        let mut e = z.by_index(i).expect("entry");
        let name = e.name().expect("entry name is text").to_string();
        assert!(
            e.enclosed_name().is_some(),
            "entry {name:?} leaves its folder"
        );
        assert!(
            !name.starts_with('/')
                && !name.contains('\\')
                && !name.split('/').any(|s| s == ".." || s.is_empty()),
            "unclean entry {name:?}"
        );
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut e, &mut bytes).expect("entry reads");
        names.push(name.clone());
        back.insert(name, bytes);
    }
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "entries not sorted");
    let manifest = back.remove("manifest.json").expect("manifest.json");
    let sums = back.remove("SHA256SUMS").expect("SHA256SUMS");
    assert_eq!(back, files, "files changed in the zip");
    let m: serde_json::Value = serde_json::from_slice(&manifest).expect("manifest is JSON");
    assert_eq!(m["title"].as_str(), Some(title));
    let listed = m["files"].as_array().expect("files");
    assert_eq!(listed.len(), files.len());
    for (entry, (path, bytes)) in listed.iter().zip(&files) {
        assert_eq!(entry["path"].as_str(), Some(path.as_str()));
        assert_eq!(entry["size"].as_u64(), Some(bytes.len() as u64));
        assert_eq!(
            entry["sha256"].as_str(),
            Some(archive::sha256_hex(bytes).as_str())
        );
    }
    let sums = String::from_utf8(sums).expect("SHA256SUMS is text");
    assert_eq!(sums.lines().count(), files.len() + 1, "{sums}");
}

/// Serve's URL path → file resolution over a real folder: a path either
/// is refused or names something inside the site, through plain names.
pub fn serve_path(data: &[u8]) {
    use std::path::Component;
    use std::sync::OnceLock;
    static ROOT: OnceLock<tempfile::TempDir> = OnceLock::new();
    let root = ROOT.get_or_init(|| {
        let d = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(d.path().join("site/a/b")).expect("mkdir");
        std::fs::write(d.path().join("site/index.html"), "x").expect("write");
        std::fs::write(d.path().join("secret"), "x").expect("write");
        d
    });
    let site = root.path().join("site");
    let Ok(url) = std::str::from_utf8(data) else {
        return;
    };
    let Some(p) = xinyu::commands::serve::resolve(&site, url) else {
        return;
    };
    let rest = p
        .strip_prefix(&site)
        .unwrap_or_else(|_| panic!("{url:?} → {p:?} outside"));
    for c in rest.components() {
        match c {
            Component::Normal(s) => {
                let s = s.to_string_lossy();
                assert!(!s.contains(['\\', ':', '/']), "{url:?} → {p:?}");
            }
            other => panic!("{url:?} → {p:?}: component {other:?}"),
        }
    }
    let decoded = String::from_utf8_lossy(&percent_decode(url)).into_owned();
    assert!(!decoded.split('/').any(|s| s == ".."), "{url:?} accepted");
    if let Ok(real) = p.canonicalize() {
        assert!(
            real.starts_with(site.canonicalize().expect("site")),
            "{url:?} → {real:?}"
        );
    }
}

fn percent_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (
                (b[i + 1] as char).to_digit(16),
                (b[i + 2] as char).to_digit(16),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

/// An output that keeps files in memory.
#[derive(Default)]
struct Memory(std::sync::Mutex<BTreeMap<String, Vec<u8>>>);

impl xinyu::writer::Out for Memory {
    fn put(&self, rel: &str, bytes: &[u8]) -> anyhow::Result<()> {
        let old = self
            .0
            .lock()
            .unwrap()
            .insert(rel.to_string(), bytes.to_vec());
        assert!(old.is_none(), "{rel} written twice");
        Ok(())
    }
}

/// True for a path a project file could have: relative, `/`-separated,
/// plain names, not too deep or long.
fn project_path(p: &str) -> bool {
    !p.is_empty()
        && p.len() <= 100
        && !p.starts_with('/')
        && !p.contains(['\\', ':', '\0'])
        && p.split('/').count() <= 4
        && p.split('/').all(|s| !s.is_empty() && s != "." && s != "..")
}

/// A whole small project: `==> path` lines split the input into files
/// (at most 10, laid over a valid `xinyu.toml` and calendar), written to
/// a temp folder, then load → check (`gate::open`) → plan → render of the
/// home page, a few lessons, meetings, handouts, guides, assets, the
/// calendar and its `.ics`. Diagnostics name project files by relative
/// path; a project the gate lets through renders without an input error
/// other than two inputs for one output, twice to the same bytes, with
/// every output path clean and no external asset in any page.
pub fn project(data: &[u8]) {
    use xinyu::plan::{Job, Plan, Release};
    let text = String::from_utf8_lossy(data);
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    let mut written = vec![
        ("xinyu.toml".to_string(), SETTINGS.to_string()),
        (
            "calendars/2026-autumn.toml".to_string(),
            "name = \"秋季\"\nterm = \"autumn\"\nfirst_monday = 2026-08-31\nweeks = 4\ncadence = 2\n".to_string(),
        ),
    ];
    written.extend(
        files_of(&text, 10)
            .into_iter()
            .filter(|(p, _)| project_path(p)),
    );
    for (path, content) in &written {
        let p = root.join(path);
        if let Some(parent) = p.parent()
            && std::fs::create_dir_all(parent).is_err()
        {
            return;
        }
        if p.is_dir() || std::fs::write(&p, content).is_err() {
            return;
        }
    }
    let root_text = root.to_string_lossy().into_owned();
    let gate = xinyu::gate::open(root, &xinyu::gate::Scope::default());
    let all = gate.all();
    for d in all.sorted() {
        assert!(
            !d.file.starts_with('/') && !d.file.contains(&root_text),
            "{d:?}"
        );
        if let Some(src) = gate.sources.get(&d.file) {
            assert_in_source(d, src);
        }
    }
    let _ = diagnostic::render(&all, &gate.sources);
    let Some(c) = gate.usable() else {
        return;
    };
    let Ok(renderer) = xinyu::render::Renderer::new(root, c) else {
        return;
    };
    let plan = Plan::new(c, Release::Ready);
    let keep = |j: &Job| match *j {
        Job::Index | Job::Calendar(_) | Job::Ics(_) | Job::Nav(_) => true,
        Job::Lesson(i) | Job::Meeting(i) | Job::Handout(i) | Job::Guide(i) | Job::Asset(i) => i < 3,
        _ => false,
    };
    let jobs: Vec<Job> = plan.site(false).into_iter().filter(keep).collect();
    let run = xinyu::render::pipeline::Run {
        root,
        plan: &plan,
        renderer: &renderer,
        pdf_browser: None,
        zip_path: xinyu::plan::paths::pack_zip,
        tick: None,
        signer: None,
    };
    let once = || {
        let out = Memory::default();
        match xinyu::render::pipeline::run(&run, &jobs, &out) {
            Ok(_) => Some(out.0.into_inner().unwrap()),
            Err(xinyu::render::Failure::Input(d)) => {
                assert!(
                    d.iter().all(|d| d.message.starts_with("两个不同的输入")),
                    "checked project failed to render: {d:?}"
                );
                None
            }
            Err(xinyu::render::Failure::Io(e)) => panic!("render I/O error: {e:#}"),
        }
    };
    let Some(first) = once() else {
        return;
    };
    let second = once().expect("second render failed");
    assert!(first == second, "two renders differ");
    for (path, bytes) in &first {
        assert!(
            project_path(path) || path.split('/').count() > 4,
            "output path {path:?}"
        );
        assert!(
            !path
                .split('/')
                .any(|s| s.is_empty() || s == ".." || s == "."),
            "{path:?}"
        );
        if path.ends_with(".html") {
            let html = String::from_utf8_lossy(bytes);
            let ext = markdown::external_assets_in_html(&html);
            assert!(ext.is_empty(), "{path}: external assets {ext:?}");
        }
    }
}
