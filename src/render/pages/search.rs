//! The search documents of an output and the search page.

use super::{Cx, Page, page};
use crate::markdown;
use crate::model::{Band, Body, Guide, Handout, Lesson, LocalFacts, Meeting, Term};
use crate::plan::paths;
use serde::Serialize;

/// The search documents of the pages in this output, and where each one's
/// text comes from.
pub struct Docs<'a> {
    /// In order: lessons, meetings, handouts, guides.
    pub list: Vec<crate::search::Doc>,
    sources: Vec<Source<'a>>,
}

/// What a search document is: the kind of item and its place in the list
/// [`docs`] was given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Item {
    Lesson(usize),
    Meeting(usize),
    Handout(usize),
    Guide(usize),
}

struct Source<'a> {
    item: Item,
    body: &'a Body,
    /// A lesson's objectives come before its body.
    objectives: Option<&'a Lesson>,
}

impl Docs<'_> {
    /// Doc `i`'s plain text: a lesson's objectives, then the body. The
    /// body is parsed again here rather than kept from loading, so only
    /// the chunk of docs the search index is reading holds its text.
    pub fn text(&self, facts: &LocalFacts, i: usize) -> String {
        match self.sources.get(i) {
            Some(s) => self.text_with(i, markdown::plain_text(&s.body.markdown, facts)),
            None => String::new(),
        }
    }

    /// Doc `i`'s plain text from its body's plain text, as the page that
    /// rendered the body made it ([`markdown::render_sections_and_text`]).
    pub fn text_with(&self, i: usize, body: String) -> String {
        match self.sources.get(i).and_then(|s| s.objectives) {
            Some(l) => format!(
                "{}\n{}",
                sentences(&[
                    &l.objectives.cognitive,
                    &l.objectives.affective,
                    &l.objectives.behavioral,
                ]),
                body
            ),
            None => body,
        }
    }

    /// What doc `i` is.
    pub fn item(&self, i: usize) -> Option<Item> {
        self.sources.get(i).map(|s| s.item)
    }
}

/// The search documents of the pages in this output.
pub fn docs<'a>(
    cx: &Cx,
    lessons: &[&'a Lesson],
    meetings: &[&'a Meeting],
    handouts: &[&'a Handout],
    guides: &[&'a Guide],
) -> Docs<'a> {
    let n = &cx.n;
    let t = |k: &str| n.theme.label("ui", k);
    let all = lessons.len() + meetings.len() + handouts.len() + guides.len();
    let mut list = Vec::with_capacity(all);
    let mut sources = Vec::with_capacity(all);
    for (k, l) in lessons.iter().enumerate() {
        let Some(u) = cx.url(&l.path) else { continue };
        let mut meta: Vec<String> = l.topics.clone();
        meta.extend(n.areas(&l.areas));
        meta.extend(n.forms(&l.forms));
        // Each grade on its own ("3年级"), so a grade finds its lessons.
        let unit = n.theme.label("ui", "grade_unit");
        let grades: Vec<u8> = if l.grades.is_empty() {
            l.band.grades().collect()
        } else {
            l.grades.clone()
        };
        meta.extend(grades.iter().map(|g| unit.replace("{}", &g.to_string())));
        list.push(crate::search::Doc {
            t: l.title.clone(),
            u,
            k: t("lesson_kind_short"),
            b: vec![n.band(l.band)],
            r: n.term(l.term),
            g: vec![l.band.slug().into()],
            a: l.areas.iter().map(|a| a.slug().into()).collect(),
            f: l.forms.iter().map(|f| f.slug().into()).collect(),
            s: l.term.slug().into(),
            y: l.served_grades().map(|g| g.to_string()).collect(),
            m: meta,
        });
        sources.push(Source {
            item: Item::Lesson(k),
            body: &l.body,
            objectives: Some(l),
        });
    }
    for (k, m) in meetings.iter().enumerate() {
        let Some(u) = cx.url(&m.path) else { continue };
        list.push(crate::search::Doc {
            t: m.title.clone(),
            u,
            k: t("meeting_kind"),
            b: m.bands.iter().map(|b| n.band(*b)).collect(),
            r: n.term(m.term),
            g: m.bands.iter().map(|b| b.slug().into()).collect(),
            a: m.areas.iter().map(|a| a.slug().into()).collect(),
            f: vec![],
            s: m.term.slug().into(),
            y: grades_of(&m.bands),
            m: n.areas(&m.areas),
        });
        sources.push(Source {
            item: Item::Meeting(k),
            body: &m.body,
            objectives: None,
        });
    }
    for (k, h) in handouts.iter().enumerate() {
        let Some(u) = cx.url(&h.path) else { continue };
        list.push(crate::search::Doc {
            t: h.title.clone(),
            u,
            k: t("handout_kind"),
            b: h.bands.iter().map(|b| n.band(*b)).collect(),
            r: n.term(h.term),
            g: h.bands.iter().map(|b| b.slug().into()).collect(),
            a: vec![],
            f: vec![],
            s: h.term.slug().into(),
            y: grades_of(&h.bands),
            m: vec![],
        });
        sources.push(Source {
            item: Item::Handout(k),
            body: &h.body,
            objectives: None,
        });
    }
    for (k, g) in guides.iter().enumerate() {
        let Some(u) = cx.url(&g.path) else { continue };
        list.push(crate::search::Doc {
            t: g.title.clone(),
            u,
            k: t("guide_kind"),
            b: g.bands.iter().map(|b| n.band(*b)).collect(),
            r: String::new(),
            g: g.bands.iter().map(|b| b.slug().into()).collect(),
            a: vec![],
            f: vec![],
            s: String::new(),
            y: grades_of(&g.bands),
            m: g.audiences
                .iter()
                .map(|a| n.theme.label("audiences", a.slug()))
                .collect(),
        });
        sources.push(Source {
            item: Item::Guide(k),
            body: &g.body,
            objectives: None,
        });
    }
    Docs { list, sources }
}

/// Sentences as one text, each ending in 。 (objectives are written
/// without it, or with it): a snippet then reads as Chinese, not as
/// phrases run together with spaces.
fn sentences(parts: &[&str]) -> String {
    parts
        .iter()
        .map(|p| p.trim().trim_end_matches(['。', '.', '；', ';']))
        .filter(|p| !p.is_empty())
        .map(|p| format!("{p}。"))
        .collect()
}

/// Grade filter values.
const GRADES: [&str; 12] = [
    "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12",
];

/// Every grade of these bands, as filter values.
fn grades_of(bands: &[Band]) -> Vec<String> {
    bands
        .iter()
        .flat_map(|b| b.grades())
        .map(|g| g.to_string())
        .collect()
}

/// The search page. Without JavaScript it lists every document by band.
pub fn page_of(cx: &Cx, docs: &[crate::search::Doc]) -> Page {
    #[derive(Serialize)]
    struct Group<'a> {
        band: String,
        docs: Vec<&'a crate::search::Doc>,
    }
    let mut groups: Vec<Group> = Vec::new();
    for b in Band::ALL {
        let name = cx.n.band(*b);
        let mine: Vec<&crate::search::Doc> = docs.iter().filter(|d| d.b.contains(&name)).collect();
        if !mine.is_empty() {
            groups.push(Group {
                band: name,
                docs: mine,
            });
        }
    }
    #[derive(Serialize)]
    struct Choice {
        value: &'static str,
        label: String,
    }
    #[derive(Serialize)]
    struct Filter {
        /// URL parameter and the id of the `<select>` (`f-…`).
        name: &'static str,
        label: String,
        choices: Vec<Choice>,
    }
    // Only the values that occur in this output, in the vocabulary's order.
    let theme = cx.n.theme;
    let filter = |name: &'static str,
                  label: &str,
                  section: &str,
                  slugs: Vec<&'static str>,
                  has: &dyn Fn(&crate::search::Doc, &str) -> bool| Filter {
        name,
        label: theme.label("ui", label),
        choices: slugs
            .into_iter()
            .filter(|v| docs.iter().any(|d| has(d, v)))
            .map(|value| Choice {
                value,
                label: theme.label(section, value),
            })
            .collect(),
    };
    let filters = vec![
        filter(
            "band",
            "band",
            "bands",
            Band::ALL.iter().map(|b| b.slug()).collect(),
            &|d, v| d.g.iter().any(|x| x == v),
        ),
        Filter {
            name: "grade",
            label: theme.label("ui", "grades"),
            choices: (1u8..=12)
                .filter(|g| docs.iter().any(|d| d.y.contains(&g.to_string())))
                .map(|g| Choice {
                    value: GRADES[usize::from(g - 1)],
                    label: theme
                        .label("ui", "grade_unit")
                        .replace("{}", &g.to_string()),
                })
                .collect(),
        },
        filter(
            "area",
            "areas",
            "areas",
            crate::model::Area::ALL.iter().map(|a| a.slug()).collect(),
            &|d, v| d.a.iter().any(|x| x == v),
        ),
        filter(
            "form",
            "forms",
            "forms",
            crate::model::Form::ALL.iter().map(|f| f.slug()).collect(),
            &|d, v| d.f.iter().any(|x| x == v),
        ),
        filter(
            "term",
            "term",
            "terms",
            Term::ALL.iter().map(|t| t.slug()).collect(),
            &|d, v| d.s == v,
        ),
    ];
    #[derive(Serialize)]
    struct Data<'a> {
        groups: Vec<Group<'a>>,
        total: usize,
        filters: Vec<Filter>,
    }
    page(
        paths::SEARCH.into(),
        "search.html",
        &cx.n.theme.label("ui", "search"),
        Data {
            groups,
            total: docs.len(),
            filters,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::sentences;

    #[test]
    fn objectives_read_as_sentences() {
        assert_eq!(
            sentences(&["认识情绪", "接纳自己。", " ", "说出感受；"]),
            "认识情绪。接纳自己。说出感受。"
        );
    }
}
