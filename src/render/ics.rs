//! Term calendars as iCalendar (RFC 5545) files for Outlook, Apple and
//! Google calendars: events, breaks and one entry per band per lesson slot.
//!
//! School days have no times, so every entry is an all-day date (DTEND is
//! the day after the last day, as RFC 5545 says); the calendar declares
//! Asia/Shanghai as its zone. UIDs are built from the term, kind and a hash
//! of the name, so re-importing an updated file replaces entries instead of
//! duplicating them; DTSTAMP is fixed, so the same calendar gives the same
//! bytes.

use crate::model::{Band, Curriculum, Date};
use crate::plan::TermPlan;
use crate::render::archive::sha256_hex;
use icalendar::{Calendar as Ical, Component, Event as IcalEvent, Property};

/// `text` on one line: a line break or other control character (which
/// TOML's `"\n"` or `"\r"` can put into a title or a name) becomes a space.
/// The icalendar crate escapes `\n` in a TEXT value but not `\r`, and
/// nothing in `NAME`, so either would break the file's lines.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// RFC 5545 TEXT escaping, for `NAME` and `X-WR-CALNAME`, which the
/// icalendar version in Cargo.lock writes as they are (a `\\`, `,` or `;`
/// in a title would read back as something else).
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace(',', "\\,")
        .replace(';', "\\;")
}

fn ymd(d: Date) -> String {
    format!("{:04}{:02}{:02}", d.year(), d.month(), d.day())
}

fn all_day(
    uid: String,
    stamp: &str,
    summary: &str,
    start: Date,
    end: Date,
    description: &str,
    category: &str,
) -> IcalEvent {
    let mut e = IcalEvent::new();
    e.uid(&uid);
    e.add_property("DTSTAMP", stamp);
    e.summary(&one_line(summary));
    let mut s = Property::new("DTSTART", ymd(start));
    s.add_parameter("VALUE", "DATE");
    e.append_property(s);
    let mut t = Property::new("DTEND", ymd(end.tomorrow().unwrap_or(end)));
    t.add_parameter("VALUE", "DATE");
    e.append_property(t);
    e.add_property("TRANSP", "TRANSPARENT");
    e.add_property("CATEGORIES", category);
    if !description.is_empty() {
        e.description(&one_line(description));
    }
    e.done()
}

/// The `.ics` text of one term.
pub fn term(c: &Curriculum, t: &TermPlan) -> String {
    let (cal, slug) = (t.calendar, &t.slug);
    let uid = |kind: &str, key: &str| {
        format!("{slug}-{kind}-{}@xinyu", &sha256_hex(key.as_bytes())[..16])
    };
    // A fixed stamp: the Monday the term starts.
    let stamp = format!("{}T000000Z", ymd(cal.first_monday));
    let mut ical = Ical::new();
    let name = one_line(&format!("{} · {}", c.settings.title, cal.name));
    ical.append_property(Property::new("NAME", escape(&name)));
    ical.append_property(Property::new("X-WR-CALNAME", escape(&name)));
    ical.timezone("Asia/Shanghai");
    ical.append_property(Property::new("PRODID", "-//xinyu//xinyu//ZH"));
    for b in &cal.breaks {
        let key = format!("{}|{}|{}", b.name, b.start, b.end);
        ical.push(all_day(
            uid("break", &key),
            &stamp,
            &b.name,
            b.start,
            b.end,
            "",
            "假期",
        ));
    }
    for e in &cal.events {
        let key = format!("{}|{}|{}", e.name, e.start, e.end);
        ical.push(all_day(
            uid("event", &key),
            &stamp,
            &e.name,
            e.start,
            e.end,
            "",
            e.kind.slug(),
        ));
    }
    for s in &t.slots {
        for band in Band::ALL {
            let mine = crate::plan::packs::slot_lessons(c, *band, cal.term, s.number);
            for l in mine {
                // One entry per lesson; a slot's grade-level lessons are told
                // apart by their grades (in the summary and the stable UID).
                let (summary, key) = if l.grades.is_empty() {
                    (
                        format!("{} 第{}课次：{}", band.zh(), s.number, l.title),
                        format!("s{:02}-{}", s.number, band.slug()),
                    )
                } else {
                    let g: Vec<String> = l.grades.iter().map(u8::to_string).collect();
                    (
                        format!(
                            "{} {}年级 第{}课次：{}",
                            band.zh(),
                            g.join("、"),
                            s.number,
                            l.title
                        ),
                        format!("s{:02}-{}-g{}", s.number, band.slug(), g.join("-")),
                    )
                };
                let description =
                    format!("{} 分钟。教学目标：{}", l.duration, l.objectives.behavioral);
                ical.push(all_day(
                    uid("slot", &key),
                    &stamp,
                    &summary,
                    s.start,
                    s.end,
                    &description,
                    "心理健康教育活动课",
                ));
            }
        }
    }
    refold(&ical.done().to_string())
}

/// RFC 5545 lines of at most 75 octets. The icalendar crate folds its
/// first line at 75 but lets a continuation line (which starts with a
/// space) carry 75 more, 76 in all, when exactly 75 remain (found by the
/// `ics` fuzz target); so the text is unfolded and folded again here, at
/// character boundaries: 75 octets on the first line, a space and 74 on
/// each next.
fn refold(ics: &str) -> String {
    let unfolded = ics.replace("\r\n ", "");
    let mut out = String::with_capacity(ics.len() + 64);
    for line in unfolded.split_inclusive("\r\n") {
        let (body, end) = match line.strip_suffix("\r\n") {
            Some(b) => (b, "\r\n"),
            None => (line, ""),
        };
        let mut room = 75;
        let mut used = 0;
        for c in body.chars() {
            if used + c.len_utf8() > room {
                out.push_str("\r\n ");
                room = 74;
                used = 0;
            }
            out.push(c);
            used += c.len_utf8();
        }
        out.push_str(end);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::refold;

    #[test]
    fn every_line_fits_75_octets_and_unfolds_to_what_was_written() {
        // 75 octets left after the first fold: the crate's own folding
        // wrote a 76-octet line here.
        for n in [74, 75, 76, 149, 150, 151, 160] {
            let value = format!("SUMMARY:{}", "a".repeat(n));
            let name = format!("{value}一二三四五六七八九十");
            let ics = format!("BEGIN:VEVENT\r\n{name}\r\nEND:VEVENT\r\n");
            let out = refold(&ics);
            for line in out.split("\r\n") {
                assert!(line.len() <= 75, "{n}: {} octets: {line:?}", line.len());
            }
            assert_eq!(out.replace("\r\n ", ""), ics, "{n}");
        }
    }
}
