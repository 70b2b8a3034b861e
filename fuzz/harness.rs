//! What each fuzz target does with one input. Shared by the cargo-fuzz
//! targets in `fuzz/fuzz_targets/` and by `tests/fuzz_corpus.rs`, which
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
    let text = decoded.text;
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
    let lesson = format!("{LESSON}{body}");
    let _ = xinyu::load::parse_lesson(
        "lessons/junior-high/x.md",
        Band::JuniorHigh,
        &lesson,
        Some(&facts),
        &mut diags,
    );
    let meeting = format!("{MEETING}{body}");
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
        },
    ] {
        for s in markdown::render_sections(body, opts) {
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
    for t in search::tokens(&search::normalize(text)) {
        assert!(!t.is_empty() && !t.contains(char::is_whitespace), "{t:?}");
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
        m: text.to_string(),
        x: text.to_string(),
    };
    for (path, js) in search::index_files(&[doc]) {
        assert!(!path.contains(".."), "{path}");
        assert!(!js.to_ascii_lowercase().contains("</script"), "{js}");
    }
}
