//! The shipped curriculum is held to its plan: every lesson slot of every
//! term calendar has exactly one lesson per band, PLAN.md matches the files,
//! and the year meets the coverage rules of DOMAIN.md.

use crate::common::repo;
use std::collections::{BTreeMap, BTreeSet};
use xinyu::load;
use xinyu::model::schedule;
use xinyu::model::{Area, Band, Curriculum, Term};

fn curriculum() -> Curriculum {
    let loaded = load::load(&repo().join("curriculum"));
    assert!(
        !loaded.diagnostics.has_errors(),
        "the shipped curriculum has errors"
    );
    assert!(
        loaded.diagnostics.is_empty(),
        "the shipped curriculum has warnings"
    );
    loaded.curriculum.expect("curriculum loads")
}

#[test]
fn every_grade_has_exactly_one_lesson_in_every_slot() {
    let c = curriculum();
    for term in Term::ALL {
        let cals: Vec<_> = c.calendars.iter().filter(|k| k.term == *term).collect();
        assert!(!cals.is_empty(), "no calendar for {term:?}");
        for cal in cals {
            let slots = schedule::slots(cal).len() as u32;
            for band in Band::ALL {
                let mine: Vec<_> = c
                    .lessons
                    .iter()
                    .filter(|l| l.band == *band && l.term == *term)
                    .collect();
                assert!(
                    mine.iter().all(|l| (1..=slots).contains(&l.order)),
                    "{} {:?}: a lesson outside the calendar's slots",
                    band.slug(),
                    term
                );
                for n in 1..=slots {
                    for g in band.grades() {
                        let serving = mine.iter().filter(|l| l.order == n && l.serves(g)).count();
                        assert_eq!(
                            serving,
                            1,
                            "{} {:?} ({}) slot {n}: lessons for grade {g}",
                            band.slug(),
                            term,
                            cal.id
                        );
                    }
                }
            }
        }
    }
}

/// Rows of the slot grids in PLAN.md: (term, slot) → titles by band.
fn plan_grid() -> BTreeMap<(Term, u32), Vec<String>> {
    let text = std::fs::read_to_string(repo().join("curriculum/PLAN.md")).unwrap();
    let mut term = None;
    let mut grid = BTreeMap::new();
    for line in text.lines() {
        if line.starts_with("### ") {
            term = if line.contains("秋季学期") {
                Some(Term::Autumn)
            } else if line.contains("春季学期") {
                Some(Term::Spring)
            } else {
                None
            };
            continue;
        }
        let Some(t) = term else { continue };
        let cells: Vec<String> = line.split('|').map(|c| c.trim().to_string()).collect();
        // | slot | dates | five bands |
        if cells.len() == 9
            && let Ok(slot) = cells[1].parse::<u32>()
        {
            grid.insert((t, slot), cells[3..8].to_vec());
        }
    }
    grid
}

#[test]
fn plan_matches_the_files() {
    let c = curriculum();
    let grid = plan_grid();
    assert!(!grid.is_empty(), "PLAN.md has no slot grid");
    // A slot's grade-level lessons share one cell: "title（7年级）／…",
    // youngest grade first.
    let mut from_files: BTreeMap<(Term, u32), Vec<String>> = BTreeMap::new();
    for band in Band::ALL {
        let mut cells: BTreeMap<(Term, u32), Vec<(u8, String)>> = BTreeMap::new();
        for l in c.lessons.iter().filter(|l| l.band == *band) {
            let label = match l.grades.as_slice() {
                [] => l.title.clone(),
                g => format!(
                    "{}（{}年级）",
                    l.title,
                    g.iter().map(u8::to_string).collect::<Vec<_>>().join("、")
                ),
            };
            let first = l.served_grades().next().unwrap_or(0);
            cells
                .entry((l.term, l.order))
                .or_default()
                .push((first, label));
        }
        for (key, mut lessons) in cells {
            lessons.sort();
            let cell: Vec<String> = lessons.into_iter().map(|(_, t)| t).collect();
            from_files.entry(key).or_default().push(cell.join("／"));
        }
    }
    assert_eq!(
        grid, from_files,
        "PLAN.md's grid and the lesson files disagree"
    );
}

#[test]
fn each_band_covers_all_six_areas_across_the_year() {
    let c = curriculum();
    for band in Band::ALL {
        let areas: BTreeSet<Area> = c
            .lessons
            .iter()
            .filter(|l| l.band == *band)
            .flat_map(|l| l.areas.iter().copied())
            .collect();
        assert_eq!(
            areas.len(),
            Area::ALL.len(),
            "{} covers only {areas:?}",
            band.slug()
        );
    }
}

#[test]
fn no_lesson_is_only_a_talk_and_forms_vary() {
    let c = curriculum();
    for l in &c.lessons {
        assert!(
            l.forms.iter().any(|f| *f != xinyu::model::Form::Talk),
            "{}: a lesson must be activity-based",
            l.path
        );
    }
    for band in Band::ALL {
        let forms: BTreeSet<_> = c
            .lessons
            .iter()
            .filter(|l| l.band == *band)
            .flat_map(|l| l.forms.clone())
            .collect();
        assert!(
            forms.len() >= 6,
            "{}: only {} activity forms in a year",
            band.slug(),
            forms.len()
        );
    }
}

#[test]
fn sensitive_lessons_come_in_sequences_never_in_lower_primary() {
    let c = curriculum();
    for l in c.lessons.iter().filter(|l| l.sensitive) {
        assert_ne!(
            l.band,
            Band::LowerPrimary,
            "{}: lower primary carries no sensitive lesson",
            l.path
        );
        let neighbours = c.lessons.iter().filter(|o| {
            o.sensitive && o.band == l.band && o.term == l.term && o.order.abs_diff(l.order) == 1
        });
        assert!(
            neighbours.count() >= 1,
            "{}: a sensitive lesson must not stand alone",
            l.path
        );
    }
    for band in [
        Band::MiddlePrimary,
        Band::UpperPrimary,
        Band::JuniorHigh,
        Band::SeniorHigh,
    ] {
        assert!(
            c.lessons.iter().any(|l| l.band == band && l.sensitive),
            "{}: life education / help-seeking sequence missing",
            band.slug()
        );
    }
}

#[test]
fn parents_and_meetings_meet_the_minimums() {
    let c = curriculum();
    for band in Band::ALL {
        for term in Term::ALL {
            let mine: Vec<_> = c
                .handouts
                .iter()
                .filter(|h| h.term == *term && h.bands.contains(band))
                .collect();
            let titles: BTreeSet<&str> = mine.iter().map(|h| h.title.as_str()).collect();
            assert!(
                mine.len() >= 4 && titles.len() == mine.len(),
                "{} {:?}: {} parent handouts with distinct titles, need at least 4",
                band.slug(),
                term,
                titles.len()
            );
            let linked = c
                .lessons
                .iter()
                .filter(|l| l.band == *band && l.term == *term && l.parents.is_some())
                .count();
            assert!(
                linked >= 4,
                "{} {:?}: handouts must be linked from lessons",
                band.slug(),
                term
            );
        }
    }
}

/// 一年级 … 九年级, 高一 … 高三: how a lesson's grade notes name a grade.
fn grade_name(g: u8) -> String {
    const DIGITS: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match g {
        1..=9 => format!("{}年级", DIGITS[g as usize]),
        _ => format!("高{}", DIGITS[(g - 9) as usize]),
    }
}

#[test]
fn a_lesson_serves_at_most_two_grades_with_a_note_for_each() {
    let c = curriculum();
    for l in &c.lessons {
        let grades: Vec<u8> = l.served_grades().collect();
        assert!(
            grades.len() <= 2,
            "{}: serves grades {grades:?}; a lesson may serve two grades at most",
            l.path
        );
        if grades.len() < 2 {
            continue;
        }
        let body = &l.body.markdown;
        let notes = body
            .split("\n## ")
            .find(|s| s.starts_with("年级说明"))
            .unwrap_or_else(|| panic!("{}: serves two grades without ## 年级说明", l.path));
        for g in grades {
            let name = grade_name(g);
            let line = notes
                .lines()
                .find(|line| line.starts_with(&format!("- **{name}**\u{FF1A}")))
                .unwrap_or_else(|| panic!("{}: no note for {name}", l.path));
            assert!(
                line.chars().count() > 30,
                "{}: the note for {name} is too short to help: {line}",
                l.path
            );
        }
    }
}

#[test]
fn every_band_holds_a_class_meeting_every_month_that_names_its_lesson() {
    let c = curriculum();
    for cal in &c.calendars {
        let slots = schedule::slots(cal);
        let months: &[u32] = match cal.term {
            Term::Autumn => &[9, 10, 11, 12],
            Term::Spring => &[3, 4, 5, 6],
        };
        for band in Band::ALL {
            for &month in months {
                let held: Vec<_> = c
                    .meetings
                    .iter()
                    .filter(|m| m.term == cal.term && m.month == month && m.bands.contains(band))
                    .collect();
                assert_eq!(
                    held.len(),
                    1,
                    "{} {month}月: {} class meetings",
                    band.slug(),
                    held.len()
                );
                // The lessons taught that month: slots that touch it.
                let taught: Vec<&str> = c
                    .lessons
                    .iter()
                    .filter(|l| l.band == *band && l.term == cal.term)
                    .filter(|l| {
                        slots.iter().any(|s| {
                            let (from, to) = (s.start.month() as u32, s.end.month() as u32);
                            s.number == l.order
                                && if from <= to {
                                    (from..=to).contains(&month)
                                } else {
                                    month >= from || month <= to
                                }
                        })
                    })
                    .map(|l| l.title.as_str())
                    .collect();
                let m = held[0];
                assert!(
                    taught
                        .iter()
                        .any(|t| m.body.markdown.contains(&format!("《{t}》"))),
                    "{}: names none of the {month}月 lessons of {}: {taught:?}",
                    m.path,
                    band.slug()
                );
                assert!(
                    !taught.contains(&m.title.as_str()),
                    "{}: repeats a lesson of its month instead of complementing it",
                    m.path
                );
            }
        }
    }
}

#[test]
fn scripted_student_answers_are_marked_as_examples() {
    let c = curriculum();
    for m in &c.meetings {
        for role in &m.roles {
            let answers = role.contains("代表") || role.starts_with("学生");
            assert!(
                !answers || role.contains("示例"),
                "{}: `{role}` speaks students' answers; mark it （示例）",
                m.path
            );
        }
    }
}

#[test]
fn lower_primary_has_no_suicide_wording() {
    let c = curriculum();
    let words = [
        "自杀",
        "自伤",
        "自残",
        "轻生",
        "伤害自己",
        "结束生命",
        "不想活",
    ];
    for l in c.lessons.iter().filter(|l| l.band == Band::LowerPrimary) {
        for w in words {
            assert!(
                !l.body.markdown.contains(w),
                "{}: `{w}` in a lower-primary lesson",
                l.path
            );
        }
    }
    for h in c
        .handouts
        .iter()
        .filter(|h| h.bands == [Band::LowerPrimary])
    {
        for w in words {
            assert!(
                !h.body.markdown.contains(w),
                "{}: `{w}` in a lower-primary handout",
                h.path
            );
        }
    }
}

#[test]
fn teacher_guides_cover_what_county_plans_ask_for() {
    let c = curriculum();
    let by = |file: &str| {
        c.guides
            .iter()
            .find(|g| g.path == format!("guides/{file}.md"))
            .unwrap_or_else(|| panic!("no guides/{file}.md"))
    };
    // A template for individual plans, blank (the check holds it so).
    assert!(by("individual-support-plan").template);
    // A timed training course for 心理委员 that reaches schools in September.
    let training = by("student-monitors-training");
    assert!(
        training
            .audiences
            .contains(&xinyu::model::Audience::StudentMonitor)
    );
    assert_eq!(training.month, Some(9));
    assert!(training.duration.is_some() && training.sections.len() >= 3);
    // Crisis response and postvention are marked sensitive.
    assert!(by("crisis-response").sensitive && by("after-a-death").sensitive);
    // A May (5·25) plan for every band.
    for band in Band::ALL {
        assert!(
            c.guides
                .iter()
                .any(|g| g.month == Some(5) && g.bands.contains(band)),
            "no May plan for {band:?}"
        );
    }
    // Every guide is listed in PLAN.md.
    let plan = std::fs::read_to_string(repo().join("curriculum/PLAN.md")).unwrap();
    for g in &c.guides {
        assert!(
            plan.contains(&format!("]({})", g.path)),
            "{} not in PLAN.md",
            g.path
        );
    }
}
