//! Page data: for every page, its output path, its template and the data
//! the template sees, built by pure functions, one file per page kind. Data
//! is built once per page; shared data (site, navigation, hotlines, labels)
//! goes into Tera's global context once.
//!
//! Must not: touch the file system or decide which pages exist (the plan
//! does).

pub mod band;
pub mod calendar;
pub mod classroom;
pub mod downloads;
pub mod guide;
pub mod handout;
pub mod index;
pub mod lesson;
pub mod lists;
pub mod meeting;
pub mod memo;
pub mod nav;
pub mod pack;
pub mod search;
pub mod slot_print;

use super::theme::Theme;
use crate::markdown::{self, RenderOptions, Resolver, Section};
use crate::model::{Band, Body, Curriculum, Date, Language, Lesson, Term};
use crate::plan::Plan;
use crate::plan::paths::{self, Urls, relative};
use percent_encoding::percent_decode_str;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// Everything a page builder needs: the curriculum, the labels, where each
/// page lives in this output, and whether the output is a pack.
pub struct Cx<'a> {
    /// The curriculum.
    pub c: &'a Curriculum,
    /// The plan: term slots and packs.
    pub plan: &'a Plan<'a>,
    /// Labels and date formats.
    n: Names<'a>,
    /// Output paths of pages and assets.
    pub urls: &'a Urls,
    /// True when rendering a pack: no site navigation.
    pub pack: bool,
    /// Bodies rendered for earlier packs of this run.
    memo: Option<&'a memo::Memo>,
    /// (calendar id, band) pairs that have packs, hence "print this slot"
    /// pages; computed once, not per calendar page.
    printable: std::collections::BTreeSet<(String, u32, Band)>,
}

impl<'a> Cx<'a> {
    /// A context for the site or a pack.
    pub fn new(plan: &'a Plan<'a>, theme: &'a Theme, urls: &'a Urls, pack: bool) -> Self {
        let c = plan.c;
        let printable = if pack {
            Default::default()
        } else {
            plan.printable()
        };
        Cx {
            c,
            plan,
            n: Names {
                theme,
                lang: c.settings.language,
            },
            urls,
            pack,
            memo: None,
            printable,
        }
    }

    /// This context, taking bodies rendered for other packs of the run
    /// from `memo` (and leaving its own there for them).
    pub fn with_memo(self, memo: &'a memo::Memo) -> Self {
        Cx {
            memo: Some(memo),
            ..self
        }
    }

    /// Root-relative URL of a page, if it is in this output.
    fn url(&self, source: &str) -> Option<String> {
        self.urls.page(source)
    }

    /// Maps a link destination in `source`, as written, to a URL relative
    /// to the page at `out`: `None` when the target is not in this output.
    fn resolver<'s>(
        &'s self,
        source: &'s str,
        out: &'s str,
    ) -> impl Fn(&str) -> Option<String> + 's {
        let dir = source.rfind('/').map_or("", |i| &source[..i]);
        move |dest: &str| -> Option<String> {
            let (path, frag) = dest
                .find(['#', '?'])
                .map_or((dest, ""), |i| dest.split_at(i));
            let decoded = percent_decode_str(path)
                .decode_utf8_lossy()
                .replace('\\', "/");
            let target = crate::model::normalize(dir, &decoded)?;
            let to = if target.to_lowercase().ends_with(".md") {
                self.urls.page(&target)?
            } else {
                self.urls.asset(&target)?.to_string()
            };
            Some(format!("{}{frag}", relative(out, &to)))
        }
    }

    /// Renders a body for the page at `out`, resolving its links through the
    /// URL map: a link to something not in this output keeps only its text.
    /// With `text`, the body's plain text for the search index is put there,
    /// made from the same parse.
    fn sections(
        &self,
        body: &Body,
        source: &str,
        out: &str,
        roles: Option<&[String]>,
        text: Option<&mut String>,
    ) -> Vec<SectionView> {
        let resolve = self.resolver(source, out);
        let render = |resolve: Resolver, text: Option<&mut String>| {
            let opts = RenderOptions {
                roles,
                resolve: Some(resolve),
                facts: Some(&self.c.settings.facts),
                strong: body.strong.as_deref(),
            };
            markdown::render_sections_and_text(&body.markdown, opts, text)
        };
        let sections = match self.memo {
            None => render(&resolve, text),
            Some(memo) => {
                let (sections, plain) = memo.sections(source, &resolve, |resolve| {
                    let mut plain = String::new();
                    (render(resolve, Some(&mut plain)), plain)
                });
                if let Some(text) = text {
                    *text = plain;
                }
                sections
            }
        };
        sections.into_iter().map(SectionView::from).collect()
    }

    /// The 投影 blocks of a body, rendered for the page at `out`.
    fn projections(&self, body: &Body, source: &str, out: &str) -> Vec<markdown::Projection> {
        let resolve = self.resolver(source, out);
        let render = |resolve: Resolver| {
            let opts = RenderOptions {
                roles: None,
                resolve: Some(resolve),
                facts: Some(&self.c.settings.facts),
                strong: body.strong.as_deref(),
            };
            markdown::projections(&body.markdown, body.first_line, opts)
        };
        match self.memo {
            None => render(&resolve),
            Some(memo) => memo.projections(source, &resolve, render),
        }
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

/// The timed sections of a rendered body (`## 开场（5分钟）`), for a
/// meeting's or a training guide's timeline.
fn timed_views(sections: &[SectionView]) -> Vec<PhaseView> {
    sections
        .iter()
        .filter_map(|s| {
            s.minutes.map(|minutes| PhaseView {
                title: s.title.clone().unwrap_or_default(),
                minutes,
                id: s.id.clone(),
            })
        })
        .collect()
}

/// A page: its data, plus the relative way back to the output root and its
/// title.
fn page(out: String, template: &'static str, title: &str, data: impl Serialize) -> Page {
    page_shared(out, template, title, shared(&data).as_ref())
}

/// Page data made into Tera's value once, for the several pages that show
/// it (a lesson's screen, print and worksheet pages): a value's maps, lists
/// and long strings are shared, so each page's copy costs little.
fn shared(data: &impl Serialize) -> Option<tera::Value> {
    tera::Value::try_from_serializable(data).ok()
}

/// [`page`] with data made by [`shared`]: its fields are the page's
/// variables.
fn page_shared(
    out: String,
    template: &'static str,
    title: &str,
    data: Option<&tera::Value>,
) -> Page {
    let mut context = tera::Context::new();
    for (k, v) in data.and_then(tera::Value::as_map).into_iter().flatten() {
        // A struct's field names are `&'static str` in Tera's map: each
        // page's context takes them without a copy.
        let name: Cow<'static, str> = match k {
            tera::value::Key::Str(s) => Cow::Borrowed(*s),
            other => Cow::Owned(other.to_string()),
        };
        context.insert_value(name, v.clone());
    }
    context.insert("root", &paths::root_of(&out));
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
        public_key: Option<&'a str>,
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
            public_key: c.settings.public_key.as_deref(),
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
            url: Some(paths::band(*b)),
        })
        .collect();
    g.insert("nav_bands", &bands);
    let cals: Vec<Named> = c
        .calendars
        .iter()
        .map(|k| Named {
            name: k.name.clone(),
            url: Some(paths::calendar(&k.id)),
        })
        .collect();
    g.insert("nav_calendars", &cals);
    g.insert("has_guides", &!c.guides.is_empty());
    g.insert("t", theme.labels.get("ui").unwrap_or(&BTreeMap::new()));
    g
}

/// A print page: the item's data under `x`, so the same partial serves a
/// single print page and the gathered "print this slot" page.
fn print_page(out: String, template: &'static str, title: &str, data: &impl Serialize) -> Page {
    print_page_shared(out, template, title, shared(data).as_ref())
}

/// [`print_page`] with data made by [`shared`].
fn print_page_shared(
    out: String,
    template: &'static str,
    title: &str,
    data: Option<&tera::Value>,
) -> Page {
    let mut p = page_shared(out, template, title, None);
    if let Some(v) = data {
        p.context.insert_value("x", v.clone());
    }
    p
}
