//! `xinyu calendar`: the term in the terminal, slot by slot.

use crate::diagnostic;
use crate::load;
use crate::model::schedule::{self, last_day};
use crate::model::{Band, Date};
use std::fmt::Write;
use std::path::Path;

/// Pads to a display width: a Chinese character takes two columns.
fn pad(s: &str, width: usize) -> String {
    let w = unicode_width::UnicodeWidthStr::width(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

fn md(d: Date) -> String {
    format!("{}月{}日", d.month(), d.day())
}

/// Prints every term (or the one named) slot by slot; returns the exit code.
pub fn run(project: &Path, term: Option<&str>) -> i32 {
    let loaded = load::load(project);
    if loaded.diagnostics.has_errors() || loaded.curriculum.is_none() {
        eprint!(
            "{}",
            diagnostic::render(&loaded.diagnostics, &loaded.sources)
        );
        return super::build::FAILED;
    }
    let Some(c) = loaded.curriculum else {
        return super::build::FAILED;
    };
    let plan = crate::plan::Plan::new(&c, crate::plan::Release::Ready);
    let cals: Vec<_> = c
        .calendars
        .iter()
        .filter(|k| super::term_matches(term, k))
        .collect();
    if cals.is_empty() {
        let ids: Vec<String> = c.calendars.iter().map(|k| k.id.clone()).collect();
        eprintln!(
            "错误：没有找到校历{}\u{FF1B}可用的学期\u{FF1A}{}",
            term.map(|t| format!(" `{t}`")).unwrap_or_default(),
            if ids.is_empty() {
                "（calendars/ 里还没有校历）".to_string()
            } else {
                ids.join("、")
            }
        );
        return 2;
    }
    let mut out = String::new();
    for k in cals {
        let _ = writeln!(
            out,
            "{}  {}–{}  {} 个教学周\u{FF0C}每 {} 周一次课",
            k.name,
            k.first_monday,
            last_day(k),
            k.weeks,
            k.cadence
        );
        let weeks = schedule::weeks(k);
        for s in plan.term(k).map_or(&[][..], |t| &t.slots[..]) {
            let wk: Vec<String> = s.weeks.iter().map(u32::to_string).collect();
            let _ = writeln!(
                out,
                "\n课次 {:<2} {}–{}\u{FF08}第 {} 周\u{FF09}",
                s.number,
                md(s.start),
                md(s.end),
                wk.join("、")
            );
            for b in Band::ALL {
                let mine = crate::plan::packs::slot_lessons(&c, *b, k.term, s.number);
                for l in &mine {
                    let label = if l.grades.is_empty() {
                        b.zh().to_string()
                    } else {
                        let g: Vec<String> = l.grades.iter().map(u8::to_string).collect();
                        format!("{} {}年级", b.zh(), g.join("、"))
                    };
                    let _ = writeln!(out, "  {}{}", pad(&label, 12), l.title);
                }
                let taught = c.lessons.iter().any(|l| l.band == *b && l.term == k.term);
                let lacking: Vec<String> = b
                    .grades()
                    .filter(|g| !mine.iter().any(|l| l.serves(*g)))
                    .map(|g| g.to_string())
                    .collect();
                if taught && lacking.len() == b.grades().count() {
                    let _ = writeln!(out, "  {}\u{FF08}缺教案\u{FF09}", pad(b.zh(), 12));
                } else if taught && !lacking.is_empty() {
                    let label = format!("{} {}年级", b.zh(), lacking.join("、"));
                    let _ = writeln!(out, "  {}\u{FF08}缺教案\u{FF09}", pad(&label, 12));
                }
            }
            // Events and breaks of the slot in one list, by date.
            let span = |a: Date, b: Date| {
                if a == b {
                    md(a)
                } else {
                    format!("{}–{}", md(a), md(b))
                }
            };
            let mut days: Vec<(Date, Date, String)> = k
                .events
                .iter()
                .filter(|e| e.start <= s.end && e.end >= s.start)
                .map(|e| (e.start, e.end, e.name.clone()))
                .chain(
                    k.breaks
                        .iter()
                        .filter(|b| b.start <= s.end && b.end >= s.start)
                        .map(|b| (b.start, b.end, format!("{}\u{FF08}不排课\u{FF09}", b.name))),
                )
                .collect();
            days.sort();
            for (a, b, name) in days {
                let _ = writeln!(out, "  · {}  {name}", span(a, b));
            }
        }
        for w in weeks.iter().filter(|w| w.break_name.is_some()) {
            let _ = writeln!(
                out,
                "\n第 {} 周\u{FF08}{}–{}\u{FF09}不排课\u{FF1A}{}",
                w.number,
                md(w.monday),
                md(w.sunday),
                w.break_name.as_deref().unwrap_or("")
            );
        }
        out.push('\n');
    }
    print!("{out}");
    super::build::OK
}
