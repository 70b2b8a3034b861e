//! Page jobs: for every page of the site, its output path, its template and
//! the data the template sees. Data is built once per page; shared data
//! (site, navigation, hotlines, labels) goes into Tera's global context once.

use super::theme::Theme;
use super::urls::{Urls, relative};
use crate::load::term_month_rank;
use crate::markdown::{self, RenderOptions, Section};
use crate::model::schedule::{self, last_day};
use crate::model::{
    Band, Body, Calendar, Curriculum, Date, EventKind, Handout, Language, Lesson, Meeting, Term,
};
use crate::pack::PackSpec;
use percent_encoding::percent_decode_str;
use serde::Serialize;
use std::collections::BTreeMap;

/// Everything a page builder needs: the curriculum, the labels, where each
/// page lives in this output, and whether the output is a pack.
pub struct Cx<'a> {
    /// The curriculum.
    pub c: &'a Curriculum,
    /// Labels and date formats.
    n: Names<'a>,
    /// Output paths of pages and assets.
    pub urls: &'a Urls,
    /// True when rendering a pack: no site navigation.
    pub pack: bool,
    /// (calendar id, band) pairs that have packs, hence "print this slot"
    /// pages; computed once, not per calendar page.
    printable: std::collections::BTreeSet<(String, Band)>,
}

impl<'a> Cx<'a> {
    /// A context for the site or a pack.
    pub fn new(c: &'a Curriculum, theme: &'a Theme, urls: &'a Urls, pack: bool) -> Self {
        let printable = if pack {
            Default::default()
        } else {
            crate::pack::plan(c)
                .iter()
                .filter_map(|s| Some((s.calendar.id.clone(), s.band?)))
                .collect()
        };
        Cx {
            c,
            n: Names {
                theme,
                lang: c.settings.language,
            },
            urls,
            pack,
            printable,
        }
    }

    /// Root-relative URL of a page, if it is in this output.
    fn url(&self, source: &str) -> Option<String> {
        self.urls.page(source)
    }

    /// Renders a body for the page at `out`, resolving its links through the
    /// URL map: a link to something not in this output keeps only its text.
    fn sections(
        &self,
        body: &Body,
        source: &str,
        out: &str,
        roles: Option<&[String]>,
    ) -> Vec<SectionView> {
        let dir = source.rfind('/').map_or("", |i| &source[..i]);
        let resolve = |dest: &str| -> Option<String> {
            let (path, frag) = dest
                .find(['#', '?'])
                .map_or((dest, ""), |i| dest.split_at(i));
            let decoded = percent_decode_str(path)
                .decode_utf8_lossy()
                .replace('\\', "/");
            let target = crate::load::normalize(dir, &decoded)?;
            let to = if target.to_lowercase().ends_with(".md") {
                self.urls.page(&target)?
            } else {
                self.urls.asset(&target)?.to_string()
            };
            Some(format!("{}{frag}", relative(out, &to)))
        };
        markdown::render_sections(
            &body.markdown,
            RenderOptions {
                roles,
                resolve: Some(&resolve),
            },
        )
        .into_iter()
        .map(SectionView::from)
        .collect()
    }
}

/// One page to render.
pub struct Page {
    /// Output path relative to the site root, `/` separated.
    pub out: String,
    /// Template name.
    pub template: &'static str,
    /// Page data.
    pub context: tera::Context,
}

#[derive(Serialize, Clone)]
struct Link {
    title: String,
    url: String,
}

#[derive(Serialize, Clone)]
struct Named {
    name: String,
    url: Option<String>,
}

#[derive(Serialize, Clone)]
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

#[derive(Serialize, Clone)]
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
    fn month_title(&self, y: i16, m: i8) -> String {
        match self.lang {
            Language::En => format!("{y}-{m:02}"),
            _ => format!("{y}年{m}月"),
        }
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

fn lesson_item(cx: &Cx, l: &Lesson) -> LessonItem {
    let n = &cx.n;
    LessonItem {
        title: l.title.clone(),
        url: cx.url(&l.path).unwrap_or_default(),
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
            url: Some(format!("bands/{}.html", b.slug())),
        })
        .collect();
    g.insert("nav_bands", &bands);
    let cals: Vec<Named> = c
        .calendars
        .iter()
        .map(|k| Named {
            name: k.name.clone(),
            url: Some(format!("calendars/{}.html", k.id)),
        })
        .collect();
    g.insert("nav_calendars", &cals);
    g.insert("t", theme.labels.get("ui").unwrap_or(&BTreeMap::new()));
    g
}

/// Every page of the site.
/// The lesson pages of the site are made one lesson at a time by the
/// caller ([`lesson_pages`]), so a big site never holds them all at once.
pub fn site(cx: &Cx) -> Vec<Page> {
    let c = cx.c;
    let mut pages = vec![index(cx), meetings_index(cx), parents_index(cx)];
    for b in Band::ALL {
        pages.push(band(cx, *b));
    }
    for k in &c.calendars {
        pages.push(calendar(cx, k, false));
        pages.push(calendar(cx, k, true));
    }
    pages.extend(c.meetings.iter().flat_map(|m| meeting(cx, m)));
    pages.extend(c.handouts.iter().flat_map(|h| handout(cx, h)));
    pages.extend(slot_prints(cx, None));
    pages
}

/// "Print this slot" for every band of every planned pack; with `only`,
/// just the pages that carry that lesson (what `serve` redoes after an edit).
pub fn slot_prints(cx: &Cx, only: Option<&Lesson>) -> Vec<Page> {
    let c = cx.c;
    let mut pages = Vec::new();
    for spec in crate::pack::plan(c).iter().filter(|s| s.band.is_some()) {
        let (Some(band), Some(l)) = (spec.band, spec.lessons.first()) else {
            continue;
        };
        if only.is_some_and(|o| o.path != l.path) {
            continue;
        }
        let out = slot_print_path(
            &crate::pack::term_slug(spec.calendar),
            spec.slot.number,
            band,
        );
        let title = format!(
            "{} · {} · {}",
            spec.calendar.name,
            cx.n.theme
                .label("ui", "slot_n")
                .replace("{}", &spec.slot.number.to_string()),
            cx.n.band(band)
        );
        pages.push(slot_print(cx, out, band, &title, l, &spec.meetings));
    }
    pages
}

/// The pages of one pack: its index, then every item it carries.
pub fn pack(cx: &Cx, spec: &PackSpec) -> Vec<Page> {
    let mut pages = vec![pack_index(cx, spec)];
    pages.extend(spec.lessons.iter().flat_map(|l| lesson(cx, l)));
    pages.extend(spec.meetings.iter().flat_map(|m| meeting(cx, m)));
    pages.extend(spec.handouts.iter().flat_map(|h| handout(cx, h)));
    for l in &spec.lessons {
        let title = format!(
            "{} · {}",
            cx.n.theme
                .label("ui", "slot_n")
                .replace("{}", &spec.slot.number.to_string()),
            cx.n.band(l.band)
        );
        pages.push(slot_print(
            cx,
            format!("print/{}.html", l.band.slug()),
            l.band,
            &title,
            l,
            &spec.meetings,
        ));
    }
    pages
}

fn index(cx: &Cx) -> Page {
    let (c, n) = (cx.c, &cx.n);
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
        has_packs: bool,
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
        has_packs: !c.calendars.is_empty(),
    };
    page("index.html".into(), "index.html", &c.settings.title, data)
}

fn band(cx: &Cx, b: Band) -> Page {
    let (c, n) = (cx.c, &cx.n);
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
                .map(|l| lesson_item(cx, l))
                .collect(),
        })
        .collect();
    let handouts = c
        .handouts
        .iter()
        .filter(|h| h.bands.contains(&b))
        .filter_map(|h| {
            Some(Link {
                title: format!("{} · {}", n.term(h.term), h.title),
                url: cx.url(&h.path)?,
            })
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

#[derive(Serialize, Clone)]
struct LessonData {
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

fn lesson_data(cx: &Cx, l: &Lesson, out: &str) -> LessonData {
    let (c, n) = (cx.c, &cx.n);
    let mut sections = cx.sections(&l.body, &l.path, out, None);
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
    let prev = pos
        .and_then(|i| i.checked_sub(1))
        .and_then(|i| c.lessons.get(i))
        .and_then(link);
    let next = pos.and_then(|i| c.lessons.get(i + 1)).and_then(link);
    let parent = l.parents.as_ref().and_then(|p| {
        let h = c.handouts.iter().find(|h| &h.path == p)?;
        Some(Link {
            title: h.title.clone(),
            url: cx.url(&h.path)?,
        })
    });
    let t = |k: &str| n.theme.label("ui", k);
    let band_url = (!cx.pack).then(|| format!("bands/{}.html", l.band.slug()));
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

/// `lessons/a.html` → `lessons/a.print.html`.
fn variant(out: &str, kind: &str) -> String {
    match out.strip_suffix(".html") {
        Some(stem) => format!("{stem}.{kind}.html"),
        None => format!("{out}.{kind}.html"),
    }
}

/// A print page: the item's data under `x`, so the same partial serves a
/// single print page and the gathered "print this slot" page.
fn print_page(out: String, template: &'static str, title: &str, data: &impl Serialize) -> Page {
    let mut p = page(out, template, title, ());
    p.context.insert("x", data);
    p
}

/// A lesson's screen page, its teacher print copy and, if it has one, its
/// student worksheet.
pub fn lesson_pages(cx: &Cx, l: &Lesson) -> Vec<Page> {
    lesson(cx, l)
}

fn lesson(cx: &Cx, l: &Lesson) -> Vec<Page> {
    let Some(out) = cx.url(&l.path) else {
        return vec![];
    };
    let data = lesson_data(cx, l, &out);
    let print = variant(&out, "print");
    let sheet = variant(&out, "worksheet");
    let mut pages = Vec::new();
    if data.worksheet.is_some() {
        pages.push(print_page(
            sheet.clone(),
            "print-worksheet.html",
            &l.title,
            &data,
        ));
    }
    pages.push(print_page(
        print.clone(),
        "print-lesson.html",
        &l.title,
        &data,
    ));
    let mut screen = page(out.clone(), "lesson.html", &l.title, &data);
    screen.context.insert("print_url", &print);
    if data.worksheet.is_some() {
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

/// `nav/<band>.js`: every lesson of a band, by term, for the sidebar that
/// `static/nav.js` fills on that band's lesson pages. One file per band
/// instead of the list in every page keeps the output linear in the number
/// of lessons. `None` for a band without lessons.
pub fn nav_js(cx: &Cx, band: Band) -> Option<(String, String)> {
    let n = &cx.n;
    #[derive(Serialize)]
    struct TermNav {
        name: String,
        /// (label, URL relative to the output root).
        items: Vec<(String, String)>,
    }
    #[derive(Serialize)]
    struct Nav {
        band: String,
        terms: Vec<TermNav>,
    }
    let (pre, suf) = (
        n.theme.label("ui", "order_prefix"),
        n.theme.label("ui", "order_suffix"),
    );
    let terms: Vec<TermNav> = Term::ALL
        .iter()
        .map(|t| TermNav {
            name: n.term(*t),
            items: cx
                .c
                .lessons
                .iter()
                .filter(|l| l.band == band && l.term == *t)
                .filter_map(|l| {
                    Some((
                        format!("{pre}{}{suf} {}", l.order, l.title),
                        cx.url(&l.path)?,
                    ))
                })
                .collect(),
        })
        .filter(|t| !t.items.is_empty())
        .collect();
    if terms.is_empty() {
        return None;
    }
    let json = serde_json::to_string(&Nav {
        band: n.band(band),
        terms,
    })
    .ok()?;
    Some((
        format!("nav/{}.js", band.slug()),
        format!("window.XINYU_NAV={};\n", json.replace('<', "\\u003c")),
    ))
}

fn meeting(cx: &Cx, m: &Meeting) -> Vec<Page> {
    let Some(out) = cx.url(&m.path) else {
        return vec![];
    };
    let data = meeting_data(cx, m, &out);
    let print = variant(&out, "print");
    let mut screen = page(out, "meeting.html", &m.title, &data);
    screen.context.insert("print_url", &print);
    vec![
        print_page(print, "print-meeting.html", &m.title, &data),
        screen,
    ]
}

fn handout(cx: &Cx, h: &Handout) -> Vec<Page> {
    let Some(out) = cx.url(&h.path) else {
        return vec![];
    };
    let data = handout_data(cx, h, &out);
    let print = variant(&out, "print");
    let mut screen = page(out, "handout.html", &h.title, &data);
    screen.context.insert("print_url", &print);
    vec![
        print_page(print, "print-handout.html", &h.title, &data),
        screen,
    ]
}

#[derive(Serialize)]
struct PrintItem {
    kind: &'static str,
    lesson: Option<LessonData>,
    meeting: Option<MeetingData>,
    handout: Option<HandoutData>,
}

/// Everything printable of one band for one fortnight, one item per page:
/// the lesson (teacher copy), its worksheet, the month's class meetings and
/// the parent handouts.
fn slot_print(
    cx: &Cx,
    out: String,
    band: Band,
    title: &str,
    lesson: &Lesson,
    meetings: &[&Meeting],
) -> Page {
    let c = cx.c;
    let mut items = Vec::new();
    let ld = lesson_data(cx, lesson, &out);
    // The worksheet item shows the same rendered lesson: render it once.
    let sheet = ld.worksheet.is_some().then(|| ld.clone());
    items.push(PrintItem {
        kind: "lesson",
        lesson: Some(ld),
        meeting: None,
        handout: None,
    });
    if let Some(sheet) = sheet {
        items.push(PrintItem {
            kind: "worksheet",
            lesson: Some(sheet),
            meeting: None,
            handout: None,
        });
    }
    for m in meetings.iter().filter(|m| m.bands.contains(&band)) {
        items.push(PrintItem {
            kind: "meeting",
            lesson: None,
            meeting: Some(meeting_data(cx, m, &out)),
            handout: None,
        });
    }
    if let Some(h) = lesson
        .parents
        .as_ref()
        .and_then(|p| c.handouts.iter().find(|h| &h.path == p))
    {
        items.push(PrintItem {
            kind: "handout",
            lesson: None,
            meeting: None,
            handout: Some(handout_data(cx, h, &out)),
        });
    }
    #[derive(Serialize)]
    struct Data<'a> {
        title: &'a str,
        band: String,
        items: Vec<PrintItem>,
        count: usize,
    }
    let count = items.len();
    page(
        out,
        "print-slot.html",
        title,
        Data {
            title,
            band: cx.n.band(band),
            items,
            count,
        },
    )
}

/// Where the "print this slot" page of a band lives in the site.
pub fn slot_print_path(term_slug: &str, slot: u32, band: Band) -> String {
    format!("print/{term_slug}-s{slot:02}-{}.html", band.slug())
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

#[derive(Serialize)]
struct MeetingData {
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

fn meeting_data(cx: &Cx, m: &Meeting, out: &str) -> MeetingData {
    let n = &cx.n;
    let sections = cx.sections(&m.body, &m.path, out, Some(&m.roles));
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
    MeetingData {
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
    }
}

#[derive(Serialize)]
struct HandoutData {
    title: String,
    bands: Vec<String>,
    term: String,
    order: u32,
    sections: Vec<SectionView>,
    lessons: Vec<Link>,
    sensitive: bool,
}

fn handout_data(cx: &Cx, h: &Handout, out: &str) -> HandoutData {
    let (c, n) = (cx.c, &cx.n);
    let sections = cx.sections(&h.body, &h.path, out, None);
    let lessons = c
        .lessons
        .iter()
        .filter(|l| l.parents.as_deref() == Some(h.path.as_str()))
        .filter_map(|l| {
            Some(Link {
                title: format!("{} · {}", n.band(l.band), l.title),
                url: cx.url(&l.path)?,
            })
        })
        .collect();
    HandoutData {
        title: h.title.clone(),
        bands: h.bands.iter().map(|b| n.band(*b)).collect(),
        term: n.term(h.term),
        order: h.order,
        sections,
        lessons,
        sensitive: h.sensitive,
    }
}

fn meetings_index(cx: &Cx) -> Page {
    let (c, n) = (cx.c, &cx.n);
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
                        url: cx.url(&m.path).unwrap_or_default(),
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

fn parents_index(cx: &Cx) -> Page {
    let (c, n) = (cx.c, &cx.n);
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
                    url: cx.url(&h.path).unwrap_or_default(),
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

#[derive(Serialize)]
struct Cell {
    band: String,
    lesson: Option<Link>,
    /// The band's "print this slot" page, when the band has packs.
    print: Option<String>,
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
    kind_slug: String,
}

#[derive(Serialize)]
struct DayView {
    /// Day of month; `None` for days of the neighbouring month.
    day: Option<i8>,
    off: bool,
    weekend: bool,
    marks: Vec<String>,
    classes: String,
}

#[derive(Serialize)]
struct WeekRow {
    number: u32,
    slot: Option<u32>,
    slot_start: bool,
    break_name: Option<String>,
    days: Vec<DayView>,
}

#[derive(Serialize)]
struct MonthView {
    title: String,
    weeks: Vec<WeekRow>,
    slots: Vec<SlotView>,
    meetings: Vec<Link>,
    family: Vec<EventView>,
}

fn slot_views(cx: &Cx, k: &Calendar) -> Vec<SlotView> {
    let (c, n) = (cx.c, &cx.n);
    schedule::slots(k)
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
                .filter(|b| c.lessons.iter().any(|l| l.band == **b && l.term == k.term))
                .map(|b| Cell {
                    band: n.band(*b),
                    lesson: c
                        .lessons
                        .iter()
                        .find(|l| l.band == *b && l.term == k.term && l.order == s.number)
                        .and_then(|l| {
                            Some(Link {
                                title: l.title.clone(),
                                url: cx.url(&l.path)?,
                            })
                        }),
                    print: cx
                        .printable
                        .contains(&(k.id.clone(), *b))
                        .then(|| slot_print_path(&crate::pack::term_slug(k), s.number, *b)),
                })
                .collect(),
        })
        .collect()
}

fn event_view(n: &Names, name: &str, a: Date, b: Date, kind: Option<EventKind>) -> EventView {
    EventView {
        name: name.to_string(),
        dates: n.span(a, b),
        kind: kind
            .map(|k| n.theme.label("event_kinds", k.slug()))
            .unwrap_or_default(),
        kind_slug: kind.map_or("break", |k| k.slug()).to_string(),
    }
}

/// The term as month grids: one row per calendar week (Monday first), days
/// of breaks greyed, events marked; under each month the slots that start
/// in it, its class meetings and family sessions.
fn months(cx: &Cx, k: &Calendar) -> Vec<MonthView> {
    let (c, n) = (cx.c, &cx.n);
    let weeks = schedule::weeks(k);
    let slots = slot_views(cx, k);
    let slot_starts: BTreeMap<u32, Date> = schedule::slots(k)
        .into_iter()
        .map(|s| (s.number, s.start))
        .collect();
    let first = k.first_monday.first_of_month();
    let last = last_day(k);
    let mut out = Vec::new();
    let mut month = first;
    while month <= last {
        let (y, m) = (month.year(), month.month());
        let in_month = |d: Date| d.year() == y && d.month() == m;
        let rows: Vec<WeekRow> = weeks
            .iter()
            .filter(|w| {
                (0..7).any(|i| {
                    w.monday
                        .checked_add(jiff::Span::new().days(i))
                        .is_ok_and(in_month)
                })
            })
            .map(|w| {
                let days = (0..7)
                    .map(|i| {
                        let d = w
                            .monday
                            .checked_add(jiff::Span::new().days(i))
                            .unwrap_or(w.monday);
                        if !in_month(d) {
                            return DayView {
                                day: None,
                                off: false,
                                weekend: i >= 5,
                                marks: vec![],
                                classes: String::new(),
                            };
                        }
                        let off = k.breaks.iter().any(|b| b.start <= d && d <= b.end);
                        let evs: Vec<_> = k
                            .events
                            .iter()
                            .filter(|e| e.start <= d && d <= e.end)
                            .collect();
                        let mut classes: Vec<&str> = evs.iter().map(|e| e.kind.slug()).collect();
                        classes.sort();
                        classes.dedup();
                        // Activity months span weeks: mark their first day only.
                        let marks = evs
                            .iter()
                            .filter(|e| e.kind != EventKind::ActivityMonth || e.start == d)
                            .map(|e| e.name.clone())
                            .chain(
                                k.breaks
                                    .iter()
                                    .filter(|b| b.start == d)
                                    .map(|b| b.name.clone()),
                            )
                            .collect();
                        DayView {
                            day: Some(d.day()),
                            off,
                            weekend: i >= 5,
                            marks,
                            classes: classes.join(" "),
                        }
                    })
                    .collect();
                WeekRow {
                    number: w.number,
                    slot: w.slot,
                    slot_start: w
                        .slot
                        .is_some_and(|s| slot_starts.get(&s) == Some(&w.monday)),
                    break_name: w.break_name.clone(),
                    days,
                }
            })
            .collect();
        let month_slots = slots
            .iter()
            .filter(|s| slot_starts.get(&s.number).is_some_and(|d| in_month(*d)))
            .map(|s| SlotView {
                number: s.number,
                dates: s.dates.clone(),
                weeks: s.weeks.clone(),
                cells: s
                    .cells
                    .iter()
                    .map(|c| Cell {
                        band: c.band.clone(),
                        lesson: c.lesson.as_ref().map(|l| Link {
                            title: l.title.clone(),
                            url: l.url.clone(),
                        }),
                        print: c.print.clone(),
                    })
                    .collect(),
            })
            .collect();
        let meetings = c
            .meetings
            .iter()
            .filter(|mt| mt.term == k.term && mt.month as i8 == m)
            .filter_map(|mt| {
                let bands: Vec<String> = mt.bands.iter().map(|b| n.band(*b)).collect();
                Some(Link {
                    title: format!("{}\u{FF08}{}\u{FF09}", mt.title, bands.join("、")),
                    url: cx.url(&mt.path)?,
                })
            })
            .collect();
        let family = k
            .events
            .iter()
            .filter(|e| e.kind == EventKind::Family && in_month(e.start))
            .map(|e| event_view(n, &e.name, e.start, e.end, Some(e.kind)))
            .collect();
        if !rows.is_empty() {
            out.push(MonthView {
                title: n.month_title(y, m),
                weeks: rows,
                slots: month_slots,
                meetings,
                family,
            });
        }
        month = match month.checked_add(jiff::Span::new().months(1)) {
            Ok(d) => d,
            Err(_) => break,
        };
    }
    out
}

fn calendar(cx: &Cx, k: &Calendar, print: bool) -> Page {
    let n = &cx.n;
    #[derive(Serialize)]
    struct Data {
        name: String,
        term: String,
        dates: String,
        weeks_count: u32,
        cadence: u32,
        slots: Vec<SlotView>,
        months: Vec<MonthView>,
        breaks: Vec<EventView>,
        events: Vec<EventView>,
        ics: String,
        print_url: String,
        screen_url: String,
        weekdays: Vec<String>,
    }
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
        slots: slot_views(cx, k),
        months: months(cx, k),
        breaks: k
            .breaks
            .iter()
            .map(|b| event_view(n, &b.name, b.start, b.end, None))
            .collect(),
        events: k
            .events
            .iter()
            .map(|e| event_view(n, &e.name, e.start, e.end, Some(e.kind)))
            .collect(),
        ics: format!("calendars/{}.ics", k.id),
        print_url: format!("calendars/{}-print.html", k.id),
        screen_url: format!("calendars/{}.html", k.id),
        weekdays: n
            .theme
            .label("ui", "weekdays")
            .split(' ')
            .map(str::to_string)
            .collect(),
    };
    if print {
        page(
            format!("calendars/{}-print.html", k.id),
            "calendar-print.html",
            &k.name,
            data,
        )
    } else {
        page(
            format!("calendars/{}.html", k.id),
            "calendar.html",
            &k.name,
            data,
        )
    }
}

fn pack_index(cx: &Cx, spec: &PackSpec) -> Page {
    let (c, n) = (cx.c, &cx.n);
    #[derive(Serialize)]
    struct LessonCard {
        band: String,
        item: LessonItem,
        parent: Option<Link>,
        print: String,
        slug: &'static str,
    }
    #[derive(Serialize)]
    struct Data {
        id: String,
        term_name: String,
        slot: u32,
        dates: String,
        weeks: String,
        bands: Vec<String>,
        lessons: Vec<LessonCard>,
        meetings: Vec<Link>,
        handouts: Vec<Link>,
        events: Vec<EventView>,
        breaks: Vec<EventView>,
        family: Vec<EventView>,
    }
    let lessons = spec
        .lessons
        .iter()
        .map(|l| LessonCard {
            band: n.band(l.band),
            print: format!("print/{}.html", l.band.slug()),
            slug: l.band.slug(),
            item: lesson_item(cx, l),
            parent: l.parents.as_ref().and_then(|p| {
                let h = c.handouts.iter().find(|h| &h.path == p)?;
                Some(Link {
                    title: h.title.clone(),
                    url: cx.url(&h.path)?,
                })
            }),
        })
        .collect();
    let link = |title: String, path: &str| {
        Some(Link {
            title,
            url: cx.url(path)?,
        })
    };
    let data = Data {
        id: spec.id.clone(),
        term_name: spec.calendar.name.clone(),
        slot: spec.slot.number,
        dates: format!(
            "{} – {}",
            n.date_long(spec.slot.start),
            n.date_long(spec.slot.end)
        ),
        weeks: spec
            .slot
            .weeks
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join("、"),
        bands: spec.bands().iter().map(|b| n.band(*b)).collect(),
        lessons,
        meetings: spec
            .meetings
            .iter()
            .filter_map(|m| {
                let bands: Vec<String> = m.bands.iter().map(|b| n.band(*b)).collect();
                link(
                    format!(
                        "{} · {}\u{FF08}{}\u{FF09}",
                        n.month(m.month),
                        m.title,
                        bands.join("、")
                    ),
                    &m.path,
                )
            })
            .collect(),
        handouts: spec
            .handouts
            .iter()
            .filter_map(|h| link(h.title.clone(), &h.path))
            .collect(),
        events: spec
            .events
            .iter()
            .filter(|e| e.kind != EventKind::Family)
            .map(|e| event_view(n, &e.name, e.start, e.end, Some(e.kind)))
            .collect(),
        breaks: spec
            .breaks
            .iter()
            .map(|b| event_view(n, &b.name, b.start, b.end, None))
            .collect(),
        family: spec
            .family_sessions()
            .iter()
            .map(|e| event_view(n, &e.name, e.start, e.end, Some(e.kind)))
            .collect(),
    };
    let title = format!(
        "{} · {}{}{}",
        spec.calendar.name,
        n.theme.label("ui", "slot"),
        spec.slot.number,
        ""
    );
    page("index.html".into(), "pack.html", &title, data)
}

/// The search documents of the pages in this output.
pub fn search_docs(
    cx: &Cx,
    lessons: &[&Lesson],
    meetings: &[&Meeting],
    handouts: &[&Handout],
) -> Vec<crate::search::Doc> {
    let n = &cx.n;
    let t = |k: &str| n.theme.label("ui", k);
    // Plain text means parsing every body again: do lessons in parallel.
    use rayon::prelude::*;
    let mut docs: Vec<crate::search::Doc> = lessons
        .par_iter()
        .filter_map(|l| {
            let u = cx.url(&l.path)?;
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
            Some(crate::search::Doc {
                t: l.title.clone(),
                u,
                k: t("lesson_kind_short"),
                b: vec![n.band(l.band)],
                r: n.term(l.term),
                g: vec![l.band.slug().into()],
                a: l.areas.iter().map(|a| a.slug().into()).collect(),
                f: l.forms.iter().map(|f| f.slug().into()).collect(),
                s: l.term.slug().into(),
                m: meta.join(" "),
                x: format!(
                    "{} {} {}\n{}",
                    l.objectives.cognitive,
                    l.objectives.affective,
                    l.objectives.behavioral,
                    markdown::plain_text(&l.body.markdown)
                ),
            })
        })
        .collect();
    for m in meetings {
        let Some(u) = cx.url(&m.path) else { continue };
        docs.push(crate::search::Doc {
            t: m.title.clone(),
            u,
            k: t("meeting_kind"),
            b: m.bands.iter().map(|b| n.band(*b)).collect(),
            r: n.term(m.term),
            g: m.bands.iter().map(|b| b.slug().into()).collect(),
            a: m.areas.iter().map(|a| a.slug().into()).collect(),
            f: vec![],
            s: m.term.slug().into(),
            m: n.areas(&m.areas).join(" "),
            x: markdown::plain_text(&m.body.markdown),
        });
    }
    for h in handouts {
        let Some(u) = cx.url(&h.path) else { continue };
        docs.push(crate::search::Doc {
            t: h.title.clone(),
            u,
            k: t("handout_kind"),
            b: h.bands.iter().map(|b| n.band(*b)).collect(),
            r: n.term(h.term),
            g: h.bands.iter().map(|b| b.slug().into()).collect(),
            a: vec![],
            f: vec![],
            s: h.term.slug().into(),
            m: String::new(),
            x: markdown::plain_text(&h.body.markdown),
        });
    }
    docs
}

/// The search page. Without JavaScript it lists every document by band.
pub fn search_page(cx: &Cx, docs: &[crate::search::Doc]) -> Page {
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
        "search.html".into(),
        "search.html",
        &cx.n.theme.label("ui", "search"),
        Data {
            groups,
            total: docs.len(),
            filters,
        },
    )
}

/// One pack as listed on the downloads page.
#[derive(Serialize, Clone, Debug)]
pub struct PackListing {
    /// Pack id.
    pub id: String,
    /// Zip path relative to the site root.
    pub file: String,
    /// Calendar id and name.
    pub term_id: String,
    /// Display name of the term.
    pub term_name: String,
    /// Slot number.
    pub slot: u32,
    /// First and last day (ISO).
    pub first_date: String,
    /// Last day (ISO).
    pub last_date: String,
    /// Dates for people.
    pub dates: String,
    /// Band slugs.
    pub bands: Vec<String>,
    /// Band names for people.
    pub band_names: Vec<String>,
    /// Zip size in bytes.
    pub size: u64,
    /// Size for people.
    pub size_text: String,
    /// sha256 of the zip.
    pub sha256: String,
    /// Whole-school pack?
    pub whole_school: bool,
}

/// The downloads page: every pack by term and slot. `preview` says the
/// packs were left out of this build (serve, print).
pub fn downloads(cx: &Cx, packs: &[PackListing], preview: bool) -> Page {
    let n = &cx.n;
    #[derive(Serialize)]
    struct SlotGroup<'a> {
        slot: u32,
        dates: String,
        packs: Vec<&'a PackListing>,
    }
    #[derive(Serialize)]
    struct TermGroup<'a> {
        name: String,
        slots: Vec<SlotGroup<'a>>,
    }
    let mut terms: Vec<TermGroup> = Vec::new();
    for p in packs {
        if terms.last().is_none_or(|t| t.name != p.term_name) {
            terms.push(TermGroup {
                name: p.term_name.clone(),
                slots: vec![],
            });
        }
        let t = terms.last_mut().expect("pushed above");
        if t.slots.last().is_none_or(|s| s.slot != p.slot) {
            t.slots.push(SlotGroup {
                slot: p.slot,
                dates: p.dates.clone(),
                packs: vec![],
            });
        }
        t.slots.last_mut().expect("pushed above").packs.push(p);
    }
    #[derive(Serialize)]
    struct Data<'a> {
        terms: Vec<TermGroup<'a>>,
        preview: bool,
    }
    page(
        "downloads.html".into(),
        "downloads.html",
        &n.theme.label("ui", "downloads"),
        Data { terms, preview },
    )
}

/// Formats dates the way listings show them.
pub fn listing_dates(c: &Curriculum, theme: &Theme, a: Date, b: Date) -> String {
    let n = Names {
        theme,
        lang: c.settings.language,
    };
    format!("{} – {}", n.date_long(a), n.date_long(b))
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
