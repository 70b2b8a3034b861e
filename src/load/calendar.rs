//! Term calendars: `calendars/<term-id>.toml`.

use super::toml_file::{self, error_at};
use crate::diagnostic::Diagnostic;
use crate::model::schedule::last_day;
use crate::model::{Break, Calendar, Date, Event, EventKind, Term};
use jiff::ToSpan;
use jiff::civil::Weekday;
use serde::Deserialize;
use toml::Spanned;
use toml::value::Datetime;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalendar {
    name: Spanned<String>,
    term: Spanned<String>,
    first_monday: Spanned<Datetime>,
    weeks: Spanned<u32>,
    #[serde(default)]
    cadence: Option<Spanned<u32>>,
    #[serde(default)]
    breaks: Vec<RawBreak>,
    #[serde(default)]
    events: Vec<RawEvent>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBreak {
    name: String,
    start: Spanned<Datetime>,
    end: Spanned<Datetime>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvent {
    name: String,
    #[serde(default)]
    date: Option<Spanned<Datetime>>,
    #[serde(default)]
    start: Option<Spanned<Datetime>>,
    #[serde(default)]
    end: Option<Spanned<Datetime>>,
    #[serde(default)]
    kind: Option<Spanned<String>>,
}

/// Parses one calendar file; `id` is its file stem.
pub fn parse(rel: &str, id: &str, text: &str, diags: &mut Vec<Diagnostic>) -> Option<Calendar> {
    let raw: RawCalendar = toml_file::parse(rel, text)
        .map_err(|d| diags.push(d))
        .ok()?;
    let before = diags.len();
    let date = |v: &Spanned<Datetime>, diags: &mut Vec<Diagnostic>| {
        toml_file::date(rel, text, v)
            .map_err(|d| diags.push(d))
            .ok()
    };
    let term = match Term::parse(raw.term.get_ref()) {
        Some(t) => Some(t),
        None => {
            diags.push(
                error_at(
                    rel,
                    text,
                    &raw.term,
                    format!("`{}` 不是可用的学期", raw.term.get_ref()),
                )
                .with_hint("term 写 \"autumn\"（秋季学期）或 \"spring\"（春季学期）"),
            );
            None
        }
    };
    let mut first_monday = date(&raw.first_monday, diags);
    // A school year: a typo like 9999 or 2062 for 2026 must not build a
    // term whose slots all fall on one day or far away.
    if let Some(d) = first_monday
        && !(2000..=2100).contains(&d.year())
    {
        diags.push(
            error_at(
                rel,
                text,
                &raw.first_monday,
                format!("first_monday 是 {d}，年份不对"),
            )
            .with_hint("写本学期第一个教学周的星期一，例如 2026-08-31"),
        );
        first_monday = None;
    }
    if let Some(d) = first_monday
        && d.weekday() != Weekday::Monday
    {
        let back = d.weekday().to_monday_zero_offset();
        let prev = d.checked_sub(i64::from(back).days()).unwrap_or(d);
        diags.push(
            error_at(
                rel,
                text,
                &raw.first_monday,
                format!("first_monday 是 {d}，这一天不是星期一"),
            )
            .with_hint(format!(
                "first_monday 是第一个教学周的星期一，也许应该是 {prev}"
            )),
        );
    }
    let weeks = *raw.weeks.get_ref();
    if !(1..=30).contains(&weeks) {
        diags.push(
            error_at(
                rel,
                text,
                &raw.weeks,
                format!("weeks 是 {weeks}，应在 1 到 30 之间"),
            )
            .with_hint("weeks 是本学期的教学周数，一般 19 到 20"),
        );
    }
    let cadence = raw.cadence.as_ref().map_or(2, |c| *c.get_ref());
    if let Some(c) = &raw.cadence
        && !(1..=8).contains(c.get_ref())
    {
        diags.push(
            error_at(
                rel,
                text,
                c,
                format!("cadence 是 {}，应在 1 到 8 之间", c.get_ref()),
            )
            .with_hint("cadence 是几个教学周上一次课，常见的是 2（两周一次）"),
        );
    }
    let span = first_monday.map(|fm| {
        let probe = Calendar {
            id: String::new(),
            path: String::new(),
            name: String::new(),
            term: Term::Autumn,
            first_monday: fm,
            weeks: weeks.clamp(1, 30),
            cadence: 1,
            breaks: vec![],
            events: vec![],
            weeks_line: 0,
        };
        (fm, last_day(&probe))
    });
    let outside = |s: Date, e: Date| span.is_some_and(|(a, b)| s > b || e < a);
    let term_hint = |what: &str| {
        span.map_or(String::new(), |(a, b)| {
            format!("本学期是 {a} 到 {b};{what}")
        })
    };

    let mut breaks = Vec::new();
    for b in &raw.breaks {
        let (Some(start), Some(end)) = (date(&b.start, diags), date(&b.end, diags)) else {
            continue;
        };
        if end < start {
            diags.push(
                error_at(
                    rel,
                    text,
                    &b.end,
                    format!("“{}”的结束日期 {end} 早于开始日期 {start}", b.name),
                )
                .with_hint("检查 start 和 end 是否写反了"),
            );
        } else if outside(start, end) {
            diags.push(
                error_at(
                    rel,
                    text,
                    &b.start,
                    format!("“{}”（{start} 到 {end}）不在本学期内", b.name),
                )
                .with_hint(term_hint("请核对日期，或把它放进对应学期的校历")),
            );
        } else {
            breaks.push(Break {
                name: b.name.trim().to_string(),
                start,
                end,
            });
        }
    }
    let mut events = Vec::new();
    for ev in &raw.events {
        let kind = match &ev.kind {
            None => EventKind::Other,
            Some(k) => match EventKind::parse(k.get_ref()) {
                Some(k) => k,
                None => {
                    diags.push(
                        error_at(
                            rel,
                            text,
                            k,
                            format!("`{}` 不是可用的事件类型", k.get_ref()),
                        )
                        .with_hint(format!("可用的类型：{}", EventKind::SLUGS.join("、"))),
                    );
                    continue;
                }
            },
        };
        let (start, end, at) = match (&ev.date, &ev.start, &ev.end) {
            (Some(d), None, None) => match date(d, diags) {
                Some(x) => (x, x, d),
                None => continue,
            },
            (None, Some(s), Some(e)) => match (date(s, diags), date(e, diags)) {
                (Some(a), Some(b)) => (a, b, s),
                _ => continue,
            },
            _ => {
                let (line, _) = toml_file::position(text, text.find(&ev.name).unwrap_or(0));
                diags.push(
                    Diagnostic::error(rel, line, 1, format!("事件“{}”的日期写法不对", ev.name))
                        .with_hint("一天的事件写 date = 2026-10-10；一段时间写 start = … 和 end = …（两者都写）"),
                );
                continue;
            }
        };
        if end < start {
            diags.push(
                error_at(
                    rel,
                    text,
                    at,
                    format!("“{}”的结束日期 {end} 早于开始日期 {start}", ev.name),
                )
                .with_hint("检查 start 和 end 是否写反了"),
            );
        } else if outside(start, end) {
            diags.push(
                error_at(
                    rel,
                    text,
                    at,
                    format!("事件“{}”({start})不在本学期内", ev.name),
                )
                .with_hint(term_hint("请核对日期，或把它放进对应学期的校历")),
            );
        } else {
            events.push(Event {
                name: ev.name.trim().to_string(),
                start,
                end,
                kind,
            });
        }
    }
    events.sort_by(|a, b| (a.start, a.end, &a.name).cmp(&(b.start, b.end, &b.name)));
    breaks.sort_by(|a, b| (a.start, &a.name).cmp(&(b.start, &b.name)));
    if diags.len() > before {
        return None;
    }
    Some(Calendar {
        id: id.to_string(),
        path: rel.to_string(),
        name: raw.name.into_inner().trim().to_string(),
        term: term?,
        first_monday: first_monday?,
        weeks,
        cadence,
        breaks,
        events,
        weeks_line: toml_file::position(text, raw.weeks.span().start).0,
    })
}
