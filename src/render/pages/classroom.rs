//! The classroom view (课堂投影) of a lesson or class meeting: one screen per
//! timed part, in order, showing only the part's 投影 blocks (or its title
//! and a calm default line), with the minutes the timer counts down.
//!
//! Must not: show anything of a part but its 投影 blocks and its title; the
//! teacher's text never reaches this page.

use super::{Cx, Page, page};
use crate::markdown::Projection;
use crate::model::{Body, Lesson, Meeting, Timed};
use crate::plan::paths::{self, relative};
use serde::Serialize;

/// One screen: a timed part of the lesson or meeting.
#[derive(Serialize)]
struct Screen {
    /// 1-based position.
    n: usize,
    /// The heading the class sees.
    heading: String,
    /// The part's title as the teacher's page names it.
    part: String,
    minutes: u32,
    /// The 投影 blocks' HTML; empty: the calm default.
    html: String,
}

/// What `classroom.html` sees.
#[derive(Serialize)]
struct ClassroomData {
    title: String,
    /// 教案 or 班会.
    kind: String,
    duration: u32,
    /// The teacher's page, relative to this one.
    back_url: String,
    screens: Vec<Screen>,
}

/// The classroom view of lesson `l`, whose page is at `out`.
pub fn lesson_page(cx: &Cx, l: &Lesson, out: &str) -> Page {
    let kind = cx.n.theme.label("ui", "lesson_kind");
    build(
        cx,
        (&l.title, kind, l.duration),
        &l.body,
        &l.path,
        &l.phases,
        out,
    )
}

/// The classroom view of meeting `m`, whose page is at `out`.
pub fn meeting_page(cx: &Cx, m: &Meeting, out: &str) -> Page {
    let kind = cx.n.theme.label("ui", "meeting_kind");
    build(
        cx,
        (&m.title, kind, m.duration),
        &m.body,
        &m.path,
        &m.segments,
        out,
    )
}

fn build(
    cx: &Cx,
    (title, kind, duration): (&str, String, u32),
    body: &Body,
    source: &str,
    parts: &[Timed],
    out: &str,
) -> Page {
    let at = paths::classroom(out);
    let blocks = cx.projections(body, source, &at);
    let data = ClassroomData {
        title: title.to_string(),
        kind,
        duration,
        back_url: relative(&at, out),
        screens: screens(parts, &blocks),
    };
    page(at, "classroom.html", title, &data)
}

/// One screen per part, holding the blocks under its heading.
fn screens(parts: &[Timed], blocks: &[Projection]) -> Vec<Screen> {
    parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mine: Vec<&Projection> = blocks
                .iter()
                .filter(|b| b.under.contains(&p.line))
                .collect();
            let heading = mine
                .first()
                .and_then(|b| b.title.clone())
                .unwrap_or_else(|| unnumbered(&p.title).to_string());
            let mut html = String::new();
            for (k, b) in mine.iter().enumerate() {
                // The first block's heading is the screen's; later ones
                // head their own part of it.
                if k > 0
                    && let Some(t) = &b.title
                {
                    html.push_str(&format!("<h2>{}</h2>\n", escape(t)));
                }
                html.push_str(&b.html);
            }
            Screen {
                n: i + 1,
                heading,
                part: p.title.clone(),
                minutes: p.minutes,
                html,
            }
        })
        .collect()
}

/// A part's title without its numbering: `二、心情猜猜看` → `心情猜猜看`.
fn unnumbered(title: &str) -> &str {
    let t = title.trim();
    let rest =
        t.trim_start_matches(|c: char| "一二三四五六七八九十".contains(c) || c.is_ascii_digit());
    if rest.len() < t.len()
        && let Some(r) = ['、', '.', '．']
            .iter()
            .find_map(|sep| rest.strip_prefix(*sep))
        && !r.trim().is_empty()
    {
        return r.trim();
    }
    t
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(title: &str, line: usize) -> Timed {
        Timed {
            title: title.into(),
            minutes: 5,
            line,
        }
    }

    fn block(line: usize, under: Vec<usize>, title: Option<&str>, html: &str) -> Projection {
        Projection {
            line,
            under,
            title: title.map(String::from),
            html: html.into(),
            source: String::new(),
        }
    }

    #[test]
    fn each_part_gets_its_blocks_or_its_bare_title() {
        let parts = [part("一、暖身：天气预报", 3), part("二、分享", 9)];
        let blocks = [
            block(5, vec![1, 3], Some("看<天>"), "<p>a</p>\n"),
            block(7, vec![1, 3], Some("再看"), "<p>b</p>\n"),
        ];
        let s = screens(&parts, &blocks);
        assert_eq!(s[0].heading, "看<天>");
        assert_eq!(s[0].html, "<p>a</p>\n<h2>再看</h2>\n<p>b</p>\n");
        assert_eq!(s[1].heading, "分享");
        assert_eq!(s[1].html, "");
        assert_eq!(unnumbered("十二、结束"), "结束");
        assert_eq!(unnumbered("3. 结束"), "结束");
        assert_eq!(unnumbered("一起来"), "一起来");
        assert_eq!(unnumbered("十一"), "十一");
    }
}
