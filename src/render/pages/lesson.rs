//! A lesson's pages: the screen page with its band sidebar, the teacher's
//! print copy, the student worksheet and the classroom view; and the lesson data the "print
//! this fortnight" page reuses.

use super::{
    Cx, Link, Named, Page, PhaseView, SectionView, page_shared, print_page_shared, shared,
};
use crate::markdown;
use crate::model::Lesson;
use crate::plan::paths::{self, variant};
use serde::Serialize;

/// What the lesson templates see.
#[derive(Serialize, Clone)]
pub(super) struct LessonData {
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
    pub(super) worksheet: Option<SectionView>,
    parent: Option<Link>,
    sensitive: bool,
    prev: Option<Link>,
    next: Option<Link>,
}

/// The data of lesson `l` for the page at `out` (links are relative to it);
/// with `text`, the body's plain text for the search index.
pub(super) fn lesson_data(cx: &Cx, l: &Lesson, out: &str, text: Option<&mut String>) -> LessonData {
    let (c, n) = (cx.c, &cx.n);
    let mut sections = cx.sections(&l.body, &l.path, out, None, text);
    let worksheet = sections
        .iter()
        .position(|s| s.title.as_deref().is_some_and(|t| t.starts_with("学习单")))
        .map(|i| sections.remove(i));
    // Phase headings are the `###` under 活动过程; their ids come from the same slugging.
    let phases = {
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
                id: ids
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| markdown::slug(&p.title)),
            })
            .collect()
    };
    // Lessons are sorted by (band, term, order, path), so the neighbours in
    // the band's term sequence are the neighbours in the list: a binary
    // search, not a scan per page (which made a big site quadratic).
    let pos = c
        .lessons
        .binary_search_by(|x| {
            (x.band, x.term, x.order, &x.path).cmp(&(l.band, l.term, l.order, &l.path))
        })
        .ok();
    let link = |x: &Lesson| {
        (x.band == l.band && x.term == l.term).then_some(())?;
        Some(Link {
            title: x.title.clone(),
            url: cx.url(&x.path)?,
        })
    };
    // With grade-level lessons the neighbour is the nearest lesson taught
    // in one of this lesson's grades (usually the adjacent one).
    let same_run = |x: &&Lesson| x.band == l.band && x.term == l.term;
    let shares = |x: &&Lesson| x.served_grades().any(|g| l.serves(g));
    let prev = pos
        .and_then(|i| {
            c.lessons[..i]
                .iter()
                .rev()
                .take_while(same_run)
                .find(shares)
        })
        .and_then(link);
    let next = pos
        .and_then(|i| c.lessons.get(i + 1..))
        .and_then(|rest| rest.iter().take_while(same_run).find(shares))
        .and_then(link);
    let parent = l.parents.as_ref().and_then(|p| {
        let h = c.handouts.iter().find(|h| &h.path == p)?;
        Some(Link {
            title: h.title.clone(),
            url: cx.url(&h.path)?,
        })
    });
    let t = |k: &str| n.theme.label("ui", k);
    let band_url = (!cx.pack).then(|| paths::band(l.band));
    LessonData {
        title: l.title.clone(),
        band: Named {
            name: n.band(l.band),
            url: band_url,
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
    }
}

/// A lesson's screen page, its teacher print copy and, if it has one, its
/// student worksheet; with `text`, the body's plain text for the search
/// index, from the same parse.
pub fn pages_of(cx: &Cx, l: &Lesson, text: Option<&mut String>) -> Vec<Page> {
    let Some(out) = cx.url(&l.path) else {
        return vec![];
    };
    let data = lesson_data(cx, l, &out, text);
    let has_worksheet = data.worksheet.is_some();
    // Made into Tera's values once for the three pages.
    let data = shared(&data);
    let print = variant(&out, "print");
    let sheet = variant(&out, "worksheet");
    let mut pages = Vec::new();
    if has_worksheet {
        pages.push(print_page_shared(
            sheet.clone(),
            "print-worksheet.html",
            &l.title,
            data.as_ref(),
        ));
    }
    pages.push(print_page_shared(
        print.clone(),
        "print-lesson.html",
        &l.title,
        data.as_ref(),
    ));
    let mut screen = page_shared(out.clone(), "lesson.html", &l.title, data.as_ref());
    screen.context.insert("print_url", &print);
    screen
        .context
        .insert("classroom_url", &paths::classroom(&out));
    pages.push(super::classroom::lesson_page(cx, l, &out));
    if has_worksheet {
        screen.context.insert("worksheet_url", &sheet);
    }
    // The site's lesson pages get the band sidebar; a pack is a handful of
    // pages with its own index, so its pages do not.
    if !cx.pack {
        #[derive(Serialize)]
        struct Sidebar {
            slug: &'static str,
            band_link: String,
            current: String,
        }
        screen.context.insert(
            "sidebar",
            &Sidebar {
                slug: l.band.slug(),
                band_link: cx
                    .n
                    .theme
                    .label("ui", "sidebar_band")
                    .replace("{}", &cx.n.band(l.band)),
                current: out,
            },
        );
    }
    pages.push(screen);
    pages
}

/// Ids of the `<h3>` headings in rendered HTML, in order.
fn phase_ids(html: &str) -> Vec<String> {
    // memmem's SIMD search: `str::match_indices` took half a percent of a
    // build on the activity sections of every lesson page.
    const OPEN: &[u8] = b"<h3 id=\"";
    memchr::memmem::find_iter(html.as_bytes(), OPEN)
        .filter_map(|i| {
            let rest = &html[i + OPEN.len()..];
            rest.find('"').map(|end| rest[..end].to_string())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phase_ids_in_order() {
        assert_eq!(
            phase_ids("<h3 id=\"a\">x</h3><p/><h3 id=\"b-2\">y</h3>"),
            vec!["a", "b-2"]
        );
    }
}
