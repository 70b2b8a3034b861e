//! Page jobs: for every page of the site, its output path, its template and
//! the data the template sees. Data is built once per page; shared data
//! (site, navigation, hotlines, labels) goes into Tera's global context once.

use super::theme::Theme;
use crate::load::term_month_rank;
use crate::markdown::{self, RenderOptions, Section};
use crate::model::schedule::{self, last_day};
use crate::model::{
    Band, Calendar, Curriculum, Date, Handout, Language, Lesson, Meeting, Term, page_path,
};
use serde::Serialize;
use std::collections::BTreeMap;

/// One page to render.
pub struct Page {
    /// Output path relative to the site root, `/` separated.
    pub out: String,
    /// Template name.
    pub template: &'static str,
    /// Page data.
    pub context: tera::Context,
}

#[derive(Serialize)]
struct Link {
    title: String,
    url: String,
}

#[derive(Serialize)]
struct Named {
    name: String,
    url: String,
}

#[derive(Serialize)]
struct SectionView {
    title: Option<String>,
    id: String,
    html: String,
    minutes: Option<u32>,
}

impl From<Section> for SectionView {
    fn from(s: Section) -> Self {
        let (title, minutes) = match s.title.as_deref().and_then(markdown::split_minutes) {
            Some((t, m)) => (Some(t), Some(m)),
            None => (s.title, None),
        };
        SectionView {
            title,
            id: s.id,
            html: s.html,
            minutes,
        }
    }
}

#[derive(Serialize)]
struct LessonItem {
    title: String,
    url: String,
    order: u32,
    duration: u32,
    grades: String,
    areas: Vec<String>,
    forms: Vec<String>,
    sensitive: bool,
}

#[derive(Serialize)]
struct PhaseView {
    title: String,
    minutes: u32,
    id: String,
}

/// Display helpers bound to the theme's labels and the project language.
struct Names<'a> {
    theme: &'a Theme,
    lang: Language,
}

impl Names<'_> {
    fn band(&self, b: Band) -> String {
        self.theme.label("bands", b.slug())
    }
    fn term(&self, t: Term) -> String {
        self.theme.label("terms", t.slug())
    }
    fn areas(&self, l: &[crate::model::Area]) -> Vec<String> {
        l.iter()
            .map(|a| self.theme.label("areas", a.slug()))
            .collect()
    }
    fn forms(&self, l: &[crate::model::Form]) -> Vec<String> {
        l.iter()
            .map(|f| self.theme.label("forms", f.slug()))
            .collect()
    }
    fn grades(&self, band: Band, grades: &[u8]) -> String {
        let unit = self.theme.label("ui", "grade_unit");
        let list: Vec<u8> = if grades.is_empty() {
            band.grades().collect()
        } else {
            grades.to_vec()
        };
        match (list.first(), list.last()) {
            (Some(a), Some(b)) if a == b => unit.replace("{}", &a.to_string()),
            (Some(a), Some(b)) if list.len() == usize::from(b - a + 1) => {
                unit.replace("{}", &format!("{a}–{b}"))
            }
            _ => unit.replace(
                "{}",
                &list
                    .iter()
                    .map(u8::to_string)
                    .collect::<Vec<_>>()
                    .join("、"),
            ),
        }
    }
    fn date(&self, d: Date) -> String {
        match self.lang {
            Language::En => d.strftime("%b %-d").to_string(),
            _ => format!("{}月{}日", d.month(), d.day()),
        }
    }
    fn date_long(&self, d: Date) -> String {
        match self.lang {
            Language::En => d.strftime("%b %-d, %Y").to_string(),
            _ => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
        }
    }
    fn span(&self, a: Date, b: Date) -> String {
        if a == b {
            self.date(a)
        } else {
            format!("{}–{}", self.date(a), self.date(b))
        }
    }
    fn month(&self, m: u32) -> String {
        self.theme
            .label("ui", "month_unit")
            .replace("{}", &m.to_string())
    }
}

/// Relative prefix from a page to the site root (`""`, `"../"`, …).
fn root_of(out: &str) -> String {
    "../".repeat(out.matches('/').count())
}

fn page(out: String, template: &'static str, title: &str, data: impl Serialize) -> Page {
    let mut context = tera::Context::from_serialize(&data).unwrap_or_default();
    context.insert("root", &root_of(&out));
    context.insert("page_title", title);
    Page {
        out,
        template,
        context,
    }
}

fn lesson_item(n: &Names, l: &Lesson) -> LessonItem {
    LessonItem {
        title: l.title.clone(),
        url: page_path(&l.path),
        order: l.order,
        duration: l.duration,
        grades: n.grades(l.band, &l.grades),
        areas: n.areas(&l.areas),
        forms: n.forms(&l.forms),
        sensitive: l.sensitive,
    }
}

/// Data every page shares, for Tera's global context.
pub fn globals(c: &Curriculum, theme: &Theme) -> tera::Context {
    #[derive(Serialize)]
    struct Site<'a> {
        title: &'a str,
        publisher: &'a str,
        lang: &'a str,
        generator: String,
    }
    #[derive(Serialize)]
    struct HotlineView<'a> {
        name: &'a str,
        number: &'a str,
        note: Option<&'a str>,
        hours: Option<&'a str>,
    }
    let n = Names {
        theme,
        lang: c.settings.language,
    };
    let mut g = tera::Context::new();
    g.insert(
        "site",
        &Site {
            title: &c.settings.title,
            publisher: &c.settings.publisher,
            lang: c.settings.language.html_lang(),
            generator: format!("xinyu {}", env!("CARGO_PKG_VERSION")),
        },
    );
    let hotlines: Vec<HotlineView> = c
        .settings
        .hotlines
        .iter()
        .map(|h| HotlineView {
            name: &h.name,
            number: &h.number,
            note: h.note.as_deref(),
            hours: h.hours.as_deref(),
        })
        .collect();
    g.insert("hotlines", &hotlines);
    let bands: Vec<Named> = Band::ALL
        .iter()
        .map(|b| Named {
            name: n.band(*b),
            url: format!("bands/{}.html", b.slug()),
        })
        .collect();
    g.insert("nav_bands", &bands);
    let cals: Vec<Named> = c
        .calendars
        .iter()
        .map(|k| Named {
            name: k.name.clone(),
            url: format!("calendars/{}.html", k.id),
        })
        .collect();
    g.insert("nav_calendars", &cals);
    g.insert("t", theme.labels.get("ui").unwrap_or(&BTreeMap::new()));
    g
}

/// Every page of the site.
pub fn all(c: &Curriculum, theme: &Theme) -> Vec<Page> {
    let n = Names {
        theme,
        lang: c.settings.language,
    };
    let mut pages = vec![index(c, &n), meetings_index(c, &n), parents_index(c, &n)];
    for b in Band::ALL {
        pages.push(band(c, &n, *b));
    }
    pages.extend(c.calendars.iter().map(|k| calendar(c, &n, k)));
    // Lessons are the bulk of the work: render their Markdown in parallel.
    use rayon::prelude::*;
    let lessons: Vec<Page> = c.lessons.par_iter().map(|l| lesson(c, &n, l)).collect();
    pages.extend(lessons);
    pages.extend(c.meetings.iter().map(|m| meeting(&n, m)));
    pages.extend(c.handouts.iter().map(|h| handout(c, &n, h)));
    pages
}

fn index(c: &Curriculum, n: &Names) -> Page {
    #[derive(Serialize)]
    struct BandCard {
        name: String,
        grades: String,
        url: String,
        terms: Vec<(String, usize)>,
        total: usize,
    }
    #[derive(Serialize)]
    struct CalCard {
        name: String,
        url: String,
        term: String,
        dates: String,
        slots: usize,
    }
    #[derive(Serialize)]
    struct Data {
        bands: Vec<BandCard>,
        calendars: Vec<CalCard>,
        meetings: usize,
        handouts: usize,
        lessons: usize,
    }
    let bands = Band::ALL
        .iter()
        .map(|b| {
            let mine: Vec<&Lesson> = c.lessons.iter().filter(|l| l.band == *b).collect();
            BandCard {
                name: n.band(*b),
                grades: n.grades(*b, &[]),
                url: format!("bands/{}.html", b.slug()),
                terms: Term::ALL
                    .iter()
                    .map(|t| (n.term(*t), mine.iter().filter(|l| l.term == *t).count()))
                    .collect(),
                total: mine.len(),
            }
        })
        .collect();
    let calendars = c
        .calendars
        .iter()
        .map(|k| CalCard {
            name: k.name.clone(),
            url: format!("calendars/{}.html", k.id),
            term: n.term(k.term),
            dates: format!(
                "{} – {}",
                n.date_long(k.first_monday),
                n.date_long(last_day(k))
            ),
            slots: schedule::slots(k).len(),
        })
        .collect();
    let data = Data {
        bands,
        calendars,
        meetings: c.meetings.len(),
        handouts: c.handouts.len(),
        lessons: c.lessons.len(),
    };
    page("index.html".into(), "index.html", &c.settings.title, data)
}

fn band(c: &Curriculum, n: &Names, b: Band) -> Page {
    #[derive(Serialize)]
    struct TermView {
        name: String,
        lessons: Vec<LessonItem>,
    }
    #[derive(Serialize)]
    struct Data {
        band: String,
        grades: String,
        terms: Vec<TermView>,
        handouts: Vec<Link>,
    }
    let terms = Term::ALL
        .iter()
        .map(|t| TermView {
            name: n.term(*t),
            lessons: c
                .lessons
                .iter()
                .filter(|l| l.band == b && l.term == *t)
                .map(|l| lesson_item(n, l))
                .collect(),
        })
        .collect();
    let handouts = c
        .handouts
        .iter()
        .filter(|h| h.bands.contains(&b))
        .map(|h| Link {
            title: format!("{} · {}", n.term(h.term), h.title),
            url: page_path(&h.path),
        })
        .collect();
    let data = Data {
        band: n.band(b),
        grades: n.grades(b, &[]),
        terms,
        handouts,
    };
    page(
        format!("bands/{}.html", b.slug()),
        "band.html",
        &n.band(b),
        data,
    )
}

fn lesson(c: &Curriculum, n: &Names, l: &Lesson) -> Page {
    #[derive(Serialize)]
    struct Data {
        title: String,
        band: Named,
        grades: String,
        term: String,
        order: u32,
        duration: u32,
        areas: Vec<String>,
        forms: Vec<String>,
        topics: Vec<String>,
        objectives: [(String, String); 3],
        key_points: Option<String>,
        difficulties: Option<String>,
        materials: Vec<String>,
        phases: Vec<PhaseView>,
        sections: Vec<SectionView>,
        worksheet: Option<SectionView>,
        parent: Option<Link>,
        sensitive: bool,
        prev: Option<Link>,
        next: Option<Link>,
    }
    let mut sections: Vec<SectionView> =
        markdown::render_sections(&l.body.markdown, RenderOptions::default())
            .into_iter()
            .map(SectionView::from)
            .collect();
    let worksheet = sections
        .iter()
        .position(|s| s.title.as_deref().is_some_and(|t| t.starts_with("学习单")))
        .map(|i| sections.remove(i));
    // Phase headings are the `###` under 活动过程; their ids come from the same slugging.
    let phases = {
        let mut used = BTreeMap::new();
        let process = sections
            .iter()
            .find(|s| matches!(s.title.as_deref(), Some("活动过程" | "教学过程")));
        let ids: Vec<String> = process.map(|s| phase_ids(&s.html)).unwrap_or_default();
        l.phases
            .iter()
            .enumerate()
            .map(|(i, p)| PhaseView {
                title: p.title.clone(),
                minutes: p.minutes,
                id: ids.get(i).cloned().unwrap_or_else(|| {
                    let slug = markdown::slug(&p.title);
                    let k = used.entry(slug.clone()).or_insert(0);
                    *k += 1;
                    slug
                }),
            })
            .collect()
    };
    let seq: Vec<&Lesson> = c
        .lessons
        .iter()
        .filter(|x| x.band == l.band && x.term == l.term)
        .collect();
    let pos = seq.iter().position(|x| x.path == l.path);
    let link = |x: &Lesson| Link {
        title: x.title.clone(),
        url: page_path(&x.path),
    };
    let prev = pos
        .and_then(|i| i.checked_sub(1))
        .and_then(|i| seq.get(i))
        .map(|x| link(x));
    let next = pos.and_then(|i| seq.get(i + 1)).map(|x| link(x));
    let parent = l.parents.as_ref().and_then(|p| {
        c.handouts.iter().find(|h| &h.path == p).map(|h| Link {
            title: h.title.clone(),
            url: page_path(&h.path),
        })
    });
    let t = |k: &str| n.theme.label("ui", k);
    let data = Data {
        title: l.title.clone(),
        band: Named {
            name: n.band(l.band),
            url: format!("bands/{}.html", l.band.slug()),
        },
        grades: n.grades(l.band, &l.grades),
        term: n.term(l.term),
        order: l.order,
        duration: l.duration,
        areas: n.areas(&l.areas),
        forms: n.forms(&l.forms),
        topics: l.topics.clone(),
        objectives: [
            (t("objective_cognitive"), l.objectives.cognitive.clone()),
            (t("objective_affective"), l.objectives.affective.clone()),
            (t("objective_behavioral"), l.objectives.behavioral.clone()),
        ],
        key_points: l.key_points.clone(),
        difficulties: l.difficulties.clone(),
        materials: l.materials.clone(),
        phases,
        sections,
        worksheet,
        parent,
        sensitive: l.sensitive,
        prev,
        next,
    };
    page(page_path(&l.path), "lesson.html", &l.title, data)
}

/// Ids of the `<h3>` headings in rendered HTML, in order.
fn phase_ids(html: &str) -> Vec<String> {
    html.match_indices("<h3 id=\"")
        .filter_map(|(i, m)| {
            let rest = &html[i + m.len()..];
            rest.find('"').map(|end| rest[..end].to_string())
        })
        .collect()
}

fn meeting(n: &Names, m: &Meeting) -> Page {
    #[derive(Serialize)]
    struct Data {
        title: String,
        bands: Vec<String>,
        term: String,
        month: String,
        duration: u32,
        roles: Vec<String>,
        areas: Vec<String>,
        segments: Vec<PhaseView>,
        sections: Vec<SectionView>,
        sensitive: bool,
    }
    let sections: Vec<SectionView> = markdown::render_sections(
        &m.body.markdown,
        RenderOptions {
            roles: Some(&m.roles),
        },
    )
    .into_iter()
    .map(SectionView::from)
    .collect();
    let segments = sections
        .iter()
        .filter_map(|s| {
            s.minutes.map(|minutes| PhaseView {
                title: s.title.clone().unwrap_or_default(),
                minutes,
                id: s.id.clone(),
            })
        })
        .collect();
    let data = Data {
        title: m.title.clone(),
        bands: m.bands.iter().map(|b| n.band(*b)).collect(),
        term: n.term(m.term),
        month: n.month(m.month),
        duration: m.duration,
        roles: m.roles.clone(),
        areas: n.areas(&m.areas),
        segments,
        sections,
        sensitive: m.sensitive,
    };
    page(page_path(&m.path), "meeting.html", &m.title, data)
}

fn handout(c: &Curriculum, n: &Names, h: &Handout) -> Page {
    #[derive(Serialize)]
    struct Data {
        title: String,
        bands: Vec<String>,
        term: String,
        order: u32,
        sections: Vec<SectionView>,
        lessons: Vec<Link>,
        sensitive: bool,
    }
    let sections = markdown::render_sections(&h.body.markdown, RenderOptions::default())
        .into_iter()
        .map(SectionView::from)
        .collect();
    let lessons = c
        .lessons
        .iter()
        .filter(|l| l.parents.as_deref() == Some(h.path.as_str()))
        .map(|l| Link {
            title: format!("{} · {}", n.band(l.band), l.title),
            url: page_path(&l.path),
        })
        .collect();
    let data = Data {
        title: h.title.clone(),
        bands: h.bands.iter().map(|b| n.band(*b)).collect(),
        term: n.term(h.term),
        order: h.order,
        sections,
        lessons,
        sensitive: h.sensitive,
    };
    page(page_path(&h.path), "handout.html", &h.title, data)
}

fn meetings_index(c: &Curriculum, n: &Names) -> Page {
    #[derive(Serialize)]
    struct Item {
        title: String,
        url: String,
        bands: Vec<String>,
        duration: u32,
        sensitive: bool,
    }
    #[derive(Serialize)]
    struct Month {
        name: String,
        meetings: Vec<Item>,
    }
    #[derive(Serialize)]
    struct TermView {
        name: String,
        months: Vec<Month>,
    }
    let terms = Term::ALL
        .iter()
        .map(|t| {
            let mut months: BTreeMap<u32, Vec<Item>> = BTreeMap::new();
            for m in c.meetings.iter().filter(|m| m.term == *t) {
                months
                    .entry(term_month_rank(m.month))
                    .or_default()
                    .push(Item {
                        title: m.title.clone(),
                        url: page_path(&m.path),
                        bands: m.bands.iter().map(|b| n.band(*b)).collect(),
                        duration: m.duration,
                        sensitive: m.sensitive,
                    });
            }
            TermView {
                name: n.term(*t),
                months: months
                    .into_iter()
                    .map(|(rank, meetings)| Month {
                        name: n.month((rank + 8 - 1) % 12 + 1),
                        meetings,
                    })
                    .collect(),
            }
        })
        .collect();
    #[derive(Serialize)]
    struct Data {
        terms: Vec<TermView>,
    }
    page(
        "meetings.html".into(),
        "meetings.html",
        &n.theme.label("ui", "meetings"),
        Data { terms },
    )
}

fn parents_index(c: &Curriculum, n: &Names) -> Page {
    #[derive(Serialize)]
    struct Item {
        title: String,
        url: String,
        bands: Vec<String>,
        order: u32,
        sensitive: bool,
    }
    #[derive(Serialize)]
    struct TermView {
        name: String,
        handouts: Vec<Item>,
    }
    let terms = Term::ALL
        .iter()
        .map(|t| TermView {
            name: n.term(*t),
            handouts: c
                .handouts
                .iter()
                .filter(|h| h.term == *t)
                .map(|h| Item {
                    title: h.title.clone(),
                    url: page_path(&h.path),
                    bands: h.bands.iter().map(|b| n.band(*b)).collect(),
                    order: h.order,
                    sensitive: h.sensitive,
                })
                .collect(),
        })
        .collect();
    #[derive(Serialize)]
    struct Data {
        terms: Vec<TermView>,
    }
    page(
        "parents.html".into(),
        "parents.html",
        &n.theme.label("ui", "parents"),
        Data { terms },
    )
}

fn calendar(c: &Curriculum, n: &Names, k: &Calendar) -> Page {
    #[derive(Serialize)]
    struct WeekView {
        number: u32,
        dates: String,
        break_name: Option<String>,
        slot: Option<u32>,
        slot_start: bool,
        events: Vec<String>,
    }
    #[derive(Serialize)]
    struct Cell {
        band: String,
        lesson: Option<Link>,
    }
    #[derive(Serialize)]
    struct SlotView {
        number: u32,
        dates: String,
        weeks: String,
        cells: Vec<Cell>,
    }
    #[derive(Serialize)]
    struct EventView {
        name: String,
        dates: String,
        kind: String,
    }
    #[derive(Serialize)]
    struct Data {
        name: String,
        term: String,
        dates: String,
        weeks_count: u32,
        cadence: u32,
        weeks: Vec<WeekView>,
        slots: Vec<SlotView>,
        breaks: Vec<EventView>,
        events: Vec<EventView>,
        meetings: Vec<Link>,
    }
    let weeks = schedule::weeks(k);
    let mut seen_slot = 0;
    let week_views = weeks
        .iter()
        .map(|w| {
            let slot_start = w.slot.is_some_and(|s| s != seen_slot);
            if let Some(s) = w.slot {
                seen_slot = s;
            }
            WeekView {
                number: w.number,
                dates: n.span(
                    w.monday,
                    w.sunday
                        .checked_sub(jiff::Span::new().days(2))
                        .unwrap_or(w.sunday),
                ),
                break_name: w.break_name.clone(),
                slot: w.slot,
                slot_start,
                // Breaks that take only part of a teaching week are worth
                // knowing when planning the lesson; then the week's events.
                events: k
                    .breaks
                    .iter()
                    .filter(|b| w.break_name.is_none() && b.start <= w.sunday && b.end >= w.monday)
                    .map(|b| format!("{}\u{FF08}{}\u{FF09}", b.name, n.span(b.start, b.end)))
                    .chain(
                        k.events
                            .iter()
                            .filter(|e| e.start <= w.sunday && e.end >= w.monday)
                            .map(|e| e.name.clone()),
                    )
                    .collect(),
            }
        })
        .collect();
    let slots = schedule::slots(k)
        .into_iter()
        .map(|s| SlotView {
            number: s.number,
            dates: n.span(s.start, s.end),
            weeks: s
                .weeks
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join("、"),
            cells: Band::ALL
                .iter()
                .map(|b| Cell {
                    band: n.band(*b),
                    lesson: c
                        .lessons
                        .iter()
                        .find(|l| l.band == *b && l.term == k.term && l.order == s.number)
                        .map(|l| Link {
                            title: l.title.clone(),
                            url: page_path(&l.path),
                        }),
                })
                .collect(),
        })
        .collect();
    let ev = |name: &str, a: Date, b: Date, kind: String| EventView {
        name: name.to_string(),
        dates: n.span(a, b),
        kind,
    };
    let data = Data {
        name: k.name.clone(),
        term: n.term(k.term),
        dates: format!(
            "{} – {}",
            n.date_long(k.first_monday),
            n.date_long(last_day(k))
        ),
        weeks_count: k.weeks,
        cadence: k.cadence,
        weeks: week_views,
        slots,
        breaks: k
            .breaks
            .iter()
            .map(|b| ev(&b.name, b.start, b.end, String::new()))
            .collect(),
        events: k
            .events
            .iter()
            .map(|e| {
                ev(
                    &e.name,
                    e.start,
                    e.end,
                    n.theme.label("event_kinds", e.kind.slug()),
                )
            })
            .collect(),
        meetings: c
            .meetings
            .iter()
            .filter(|m| m.term == k.term)
            .map(|m| Link {
                title: format!("{} · {}", n.month(m.month), m.title),
                url: page_path(&m.path),
            })
            .collect(),
    };
    page(
        format!("calendars/{}.html", k.id),
        "calendar.html",
        &k.name,
        data,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_prefix_matches_depth() {
        assert_eq!(root_of("index.html"), "");
        assert_eq!(root_of("lessons/junior-high/a.html"), "../../");
    }

    #[test]
    fn phase_ids_in_order() {
        assert_eq!(
            phase_ids("<h3 id=\"a\">x</h3><p/><h3 id=\"b-2\">y</h3>"),
            vec!["a", "b-2"]
        );
    }
}
