//! From a term calendar to teaching weeks and lesson slots.
//!
//! Teaching weeks are numbered from `first_monday`. A week whose school days
//! (Monday to Friday) all fall inside breaks is skipped; the remaining weeks
//! are grouped `cadence` at a time, and slot N is the Nth group (the last
//! group may be shorter).

use super::{Calendar, Date};
use jiff::ToSpan;

/// One calendar week of the term.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Week {
    /// 1-based teaching-week number.
    pub number: u32,
    /// Monday of the week.
    pub monday: Date,
    /// Sunday of the week.
    pub sunday: Date,
    /// The break that covers every school day of this week, if any.
    pub break_name: Option<String>,
    /// The slot this week belongs to (`None` for skipped weeks).
    pub slot: Option<u32>,
}

/// A lesson slot: `cadence` teaching weeks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slot {
    /// 1-based slot number (a lesson's `order`).
    pub number: u32,
    /// Teaching-week numbers in the slot.
    pub weeks: Vec<u32>,
    /// Monday of the first week.
    pub start: Date,
    /// Sunday of the last week.
    pub end: Date,
}

/// Adds whole days to a date; dates in calendars are far from jiff's limits,
/// and the loader has checked them.
fn add_days(d: Date, days: i64) -> Date {
    d.checked_add(days.days()).unwrap_or(d)
}

/// The weeks of a term, with breaks and slot numbers.
pub fn weeks(cal: &Calendar) -> Vec<Week> {
    let mut out = Vec::new();
    let mut taught = 0u32;
    for n in 0..cal.weeks {
        let monday = add_days(cal.first_monday, i64::from(n) * 7);
        let sunday = add_days(monday, 6);
        let school_days: Vec<Date> = (0..5).map(|i| add_days(monday, i)).collect();
        let covering = cal.breaks.iter().find(|b| {
            school_days
                .iter()
                .all(|d| cal.breaks.iter().any(|b2| b2.start <= *d && *d <= b2.end))
                && b.start <= school_days[4]
                && b.end >= school_days[0]
        });
        let (break_name, slot) = match covering {
            Some(b) => (Some(b.name.clone()), None),
            None => {
                taught += 1;
                (None, Some((taught - 1) / cal.cadence.max(1) + 1))
            }
        };
        out.push(Week {
            number: n + 1,
            monday,
            sunday,
            break_name,
            slot,
        });
    }
    out
}

/// The lesson slots of a term.
pub fn slots(cal: &Calendar) -> Vec<Slot> {
    let mut out: Vec<Slot> = Vec::new();
    for w in weeks(cal) {
        let Some(n) = w.slot else { continue };
        match out.last_mut() {
            Some(s) if s.number == n => {
                s.weeks.push(w.number);
                s.end = w.sunday;
            }
            _ => out.push(Slot {
                number: n,
                weeks: vec![w.number],
                start: w.monday,
                end: w.sunday,
            }),
        }
    }
    out
}

/// Last day of the term (Sunday of the last week).
pub fn last_day(cal: &Calendar) -> Date {
    add_days(cal.first_monday, i64::from(cal.weeks.max(1)) * 7 - 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Break, Term};
    use jiff::civil::date;

    fn cal(breaks: Vec<Break>) -> Calendar {
        Calendar {
            id: "t".into(),
            path: "calendars/t.toml".into(),
            name: "t".into(),
            term: Term::Autumn,
            first_monday: date(2026, 8, 31),
            weeks: 8,
            cadence: 2,
            breaks,
            events: vec![],
            weeks_line: 3,
        }
    }

    #[test]
    fn plain_term_groups_weeks_by_cadence() {
        let s = slots(&cal(vec![]));
        assert_eq!(s.len(), 4);
        assert_eq!(s[0].weeks, vec![1, 2]);
        assert_eq!(s[0].start, date(2026, 8, 31));
        assert_eq!(s[0].end, date(2026, 9, 13));
        assert_eq!(s[3].weeks, vec![7, 8]);
    }

    #[test]
    fn a_week_wholly_inside_a_break_is_skipped() {
        let exams = || Break {
            name: "期中考试周".into(),
            start: date(2026, 9, 14),
            end: date(2026, 9, 18),
        };
        let w = weeks(&cal(vec![exams()]));
        assert_eq!(w[2].break_name.as_deref(), Some("期中考试周"));
        assert_eq!(w[2].slot, None);
        let s = slots(&cal(vec![exams()]));
        assert_eq!(s[1].weeks, vec![4, 5]);
        // 7 teaching weeks: the last slot has one week.
        assert_eq!(s.len(), 4);
        assert_eq!(s[3].weeks, vec![8]);
    }

    #[test]
    fn a_partial_break_keeps_the_week() {
        // 国庆 1–7 Oct covers Thu–Fri of one week and Mon–Wed of the next.
        let b = Break {
            name: "国庆节".into(),
            start: date(2026, 10, 1),
            end: date(2026, 10, 7),
        };
        let mut c = cal(vec![b]);
        c.weeks = 8;
        assert!(weeks(&c).iter().all(|w| w.slot.is_some()));
    }

    #[test]
    fn two_adjacent_breaks_together_cover_a_week() {
        let b1 = Break {
            name: "甲".into(),
            start: date(2026, 9, 7),
            end: date(2026, 9, 9),
        };
        let b2 = Break {
            name: "乙".into(),
            start: date(2026, 9, 10),
            end: date(2026, 9, 11),
        };
        let w = weeks(&cal(vec![b1, b2]));
        assert_eq!(w[1].slot, None);
        assert_eq!(w[1].break_name.as_deref(), Some("甲"));
    }
}
