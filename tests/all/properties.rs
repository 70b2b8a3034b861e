//! Property tests: slot computation for any calendar, and determinism for
//! any valid generated project (built twice with the real binary).

use crate::common::*;
use proptest::prelude::*;
use std::fs;
use xinyu::model::schedule::{last_day, slots, weeks};
use xinyu::model::{Break, Calendar, Date, Term};

fn monday(offset_weeks: i64) -> Date {
    // 2026-08-31 is a Monday.
    jiff::civil::date(2026, 8, 31)
        .checked_add(jiff::Span::new().days(offset_weeks * 7))
        .unwrap()
}

prop_compose! {
    fn calendar()(
        start in -60i64..60,
        weeks in 1u32..=30,
        cadence in 1u32..=8,
        breaks in proptest::collection::vec((0i64..220, 0i64..30), 0..6),
    ) -> Calendar {
        let first_monday = monday(start);
        let breaks = breaks
            .into_iter()
            .enumerate()
            .map(|(i, (from, len))| {
                let s = first_monday.checked_add(jiff::Span::new().days(from)).unwrap();
                Break {
                    name: format!("假期{i}"),
                    start: s,
                    end: s.checked_add(jiff::Span::new().days(len)).unwrap(),
                }
            })
            .collect();
        Calendar {
            id: "t".into(),
            path: "calendars/t.toml".into(),
            name: "学期".into(),
            term: Term::Autumn,
            first_monday,
            weeks,
            cadence,
            breaks,
            events: vec![],
            weeks_line: 1,
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn slots_are_ordered_inside_the_term_and_never_in_a_break(cal in calendar()) {
        let ws = weeks(&cal);
        prop_assert_eq!(ws.len() as u32, cal.weeks);
        let ss = slots(&cal);
        let teaching = ws.iter().filter(|w| w.slot.is_some()).count() as u32;
        // Count bounded by teaching weeks and cadence.
        prop_assert_eq!(ss.len() as u32, teaching.div_ceil(cal.cadence));
        prop_assert!(ss.len() as u32 <= cal.weeks);
        let mut prev_end = None;
        for (i, s) in ss.iter().enumerate() {
            prop_assert_eq!(s.number as usize, i + 1);
            prop_assert!(!s.weeks.is_empty() && s.weeks.len() as u32 <= cal.cadence);
            // Only the last slot may be short.
            if i + 1 < ss.len() {
                prop_assert_eq!(s.weeks.len() as u32, cal.cadence);
            }
            prop_assert!(s.start >= cal.first_monday && s.end <= last_day(&cal));
            prop_assert!(s.start < s.end);
            if let Some(p) = prev_end {
                prop_assert!(s.start > p);
            }
            prev_end = Some(s.end);
            for w in &s.weeks {
                let week = &ws[*w as usize - 1];
                prop_assert!(week.break_name.is_none());
                // Some school day of a slot week is outside every break.
                let open = (0..5).any(|d| {
                    let day = week.monday.checked_add(jiff::Span::new().days(d)).unwrap();
                    !cal.breaks.iter().any(|b| b.start <= day && day <= b.end)
                });
                prop_assert!(open, "week {} is all break", w);
            }
        }
        // A skipped week is wholly inside breaks.
        for w in ws.iter().filter(|w| w.slot.is_none()) {
            prop_assert!(w.break_name.is_some());
        }
    }
}

/// A valid project: junior-high lessons with generated titles and
/// bodies (CJK, ASCII, Markdown emphasis and quotes; no backticks or `-`,
/// which could fence or underline a phase away) and the base settings and
/// calendar.
fn write_project(dir: &std::path::Path, lessons: &[(String, String)]) {
    let base = fixture("base");
    fs::create_dir_all(dir.join("lessons/junior-high")).unwrap();
    fs::create_dir_all(dir.join("calendars")).unwrap();
    fs::copy(base.join("xinyu.toml"), dir.join("xinyu.toml")).unwrap();
    fs::copy(
        base.join("calendars/2026-autumn.toml"),
        dir.join("calendars/2026-autumn.toml"),
    )
    .unwrap();
    for (i, (title, body)) in lessons.iter().enumerate() {
        let text = format!(
            "---\ntitle: \"{title}\"\nterm: autumn\norder: {}\nduration: 45\nareas: [emotions]\nforms: [game]\nobjectives:\n  cognitive: 知道\n  affective: 愿意\n  behavioral: 学会\n---\n\n## 活动过程\n\n### 暖身（5分钟）\n\n{body}\n\n### 主题活动（40分钟）\n\n四人一组。\n\n## 课后延伸\n\n{body}\n",
            i + 1
        );
        fs::write(
            dir.join(format!("lessons/junior-high/{:02}.md", i + 1)),
            text,
        )
        .unwrap();
    }
}

proptest! {
    // Each case runs two real builds: keep it to a few cases.
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn any_valid_project_builds_byte_identically_twice(
        lessons in proptest::collection::vec(
            ("[情绪心理课堂abc ]{1,12}", "[情绪学生老师，。！abcXYZ012 *_>\n]{0,300}"),
            1..4,
        )
    ) {
        let lessons: Vec<(String, String)> = lessons
            .into_iter()
            .map(|(t, b)| (format!("课{}", t.trim()), b))
            .collect();
        let tmp = tempfile::tempdir().unwrap();
        let project = tmp.path().join("p");
        write_project(&project, &lessons);
        let (one, two) = (tmp.path().join("one"), tmp.path().join("two"));
        let (code, err) = build(&project, &one);
        prop_assert_eq!(code, 0, "{}", err);
        let (code, err) = build(&project, &two);
        prop_assert_eq!(code, 0, "{}", err);
        let (a, b) = (snapshot_tree(&one), snapshot_tree(&two));
        prop_assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
        for (k, v) in &a {
            prop_assert!(&b[k] == v, "{} differs", k);
        }
    }
}
