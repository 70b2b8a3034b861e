//! The domain model: plain typed data with no I/O. Loading turns text into
//! it; checking, scheduling and rendering only read it.

pub mod facts;
pub mod schedule;
pub mod vocab;

pub use facts::{Fact, LocalFacts};
pub use jiff::civil::Date;
pub use vocab::{Area, Audience, Band, Form, Term};

/// A whole curriculum project after loading.
#[derive(Clone, Debug)]
pub struct Curriculum {
    /// `xinyu.toml`.
    pub settings: Settings,
    /// Lesson plans, sorted by band, term, order, path.
    pub lessons: Vec<Lesson>,
    /// Class-meeting scripts, sorted by term, month, path.
    pub meetings: Vec<Meeting>,
    /// Parent handouts, sorted by term, order, path.
    pub handouts: Vec<Handout>,
    /// Teacher guides (教师指南), sorted by path.
    pub guides: Vec<Guide>,
    /// Term calendars, sorted by id.
    pub calendars: Vec<Calendar>,
    /// Project-relative paths of files copied as they are (images, audio…).
    pub assets: Vec<String>,
}

impl Curriculum {
    /// Every Markdown body with its file: lessons, meetings, handouts and
    /// guides, in that order.
    pub fn bodies(&self) -> impl Iterator<Item = (&str, &Body)> {
        self.lessons
            .iter()
            .map(|l| (l.path.as_str(), &l.body))
            .chain(self.meetings.iter().map(|m| (m.path.as_str(), &m.body)))
            .chain(self.handouts.iter().map(|h| (h.path.as_str(), &h.body)))
            .chain(self.guides.iter().map(|g| (g.path.as_str(), &g.body)))
    }
}

/// Project settings from `xinyu.toml`.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Site title.
    pub title: String,
    /// The office that publishes the curriculum.
    pub publisher: String,
    /// UI label language.
    pub language: Language,
    /// Name of the theme folder under `themes/` that overrides the built-in one.
    pub theme: String,
    /// Help lines printed in every help box, in the order given.
    pub hotlines: Vec<Hotline>,
    /// The `[facts]` table and the hotlines, as content refers to them
    /// (`{{心理咨询室}}`).
    pub facts: LocalFacts,
    /// Minify HTML pages (off by default: it costs a fifth of a build and
    /// saves little on a USB stick or in a zip).
    pub minify: bool,
    /// The county's minisign public key (`RW…`), checked when loaded:
    /// shown on the downloads page and every pack's pages, used by
    /// `xinyu verify` run inside the project.
    pub public_key: Option<String>,
    /// How big a picture may be before `check` warns, and whether the
    /// site and packs carry bigger pictures scaled down (`[images]`).
    pub images: Images,
}

/// The `[images]` table of `xinyu.toml`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Images {
    /// A picture larger than this many KB gets a warning.
    pub max_kb: u64,
    /// Scale JPEG and PNG pictures larger than `max_kb` down for the site
    /// and packs (the project's own file is never changed).
    pub shrink: bool,
}

impl Default for Settings {
    /// Settings with nothing filled in: what a project whose `xinyu.toml`
    /// could not be read is checked against.
    fn default() -> Self {
        Settings {
            title: String::new(),
            publisher: String::new(),
            language: Language::ZhHans,
            theme: "default".into(),
            hotlines: vec![],
            facts: Default::default(),
            minify: false,
            public_key: None,
            images: Images::default(),
        }
    }
}

impl Default for Images {
    fn default() -> Self {
        // A phone photo is 3–8 MB; a picture a lesson needs, scaled to fit
        // a projector, is a few hundred KB.
        Images {
            max_kb: 1024,
            shrink: false,
        }
    }
}

/// The language of the interface labels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    /// 简体中文 (default).
    ZhHans,
    /// 繁體中文.
    ZhHant,
    /// English.
    En,
}

impl Language {
    /// The code used in `xinyu.toml` and label file names.
    pub fn code(self) -> &'static str {
        match self {
            Language::ZhHans => "zh-Hans",
            Language::ZhHant => "zh-Hant",
            Language::En => "en",
        }
    }

    /// The value of the HTML `lang` attribute.
    pub fn html_lang(self) -> &'static str {
        match self {
            Language::ZhHans => "zh-CN",
            Language::ZhHant => "zh-TW",
            Language::En => "en",
        }
    }
}

/// A help line.
#[derive(Clone, Debug)]
pub struct Hotline {
    /// What the line is.
    pub name: String,
    /// The number to dial.
    pub number: String,
    /// Optional remark (service hours vary…).
    pub note: Option<String>,
    /// Service hours, only printed when the settings state them.
    pub hours: Option<String>,
    /// When somebody last checked that the number works; `None` until
    /// somebody has (a new project's lines). Never shown as verified then.
    pub verified_on: Option<Date>,
    /// Line and column in `xinyu.toml` of the `verified_on` date, or of the
    /// `number` when there is none: where `check` points.
    pub at: (usize, usize),
}

/// A timed part of a lesson (phase) or a class meeting (segment).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timed {
    /// Heading text without the time suffix.
    pub title: String,
    /// Minutes given in the heading.
    pub minutes: u32,
    /// Line of the heading in the source file.
    pub line: usize,
}

/// The folders of a project whose files are content (walked by the loader).
pub const CONTENT_FOLDERS: [&str; 6] = [
    "lessons",
    "meetings",
    "parents",
    "guides",
    "calendars",
    "assets",
];

/// A body's Markdown: the end of its file's decoded text, shared with the
/// copy the loader keeps for showing diagnostics rather than copied (at
/// 100,000 lessons the copies were a gigabyte).
#[derive(Clone, Debug)]
pub struct Text {
    file: std::sync::Arc<str>,
    start: usize,
}

impl Text {
    /// `part` of `file`: shared when it is the end of `file`, copied
    /// otherwise.
    pub fn new(file: &std::sync::Arc<str>, part: &str) -> Text {
        let start = file.len().wrapping_sub(part.len());
        if file.get(start..) == Some(part) {
            Text {
                file: file.clone(),
                start,
            }
        } else {
            Text {
                file: part.into(),
                start: 0,
            }
        }
    }
}

impl std::ops::Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.file[self.start..]
    }
}

/// The Markdown body of a document.
#[derive(Clone, Debug)]
pub struct Body {
    /// The Markdown text after the front matter.
    pub markdown: Text,
    /// Line number (in the file) of the body's first line.
    pub first_line: usize,
    /// Every link and image in the body, for the link check.
    pub links: Vec<LinkRef>,
    /// External assets found in raw HTML: (line, column, url).
    pub raw_html_assets: Vec<(usize, usize, String)>,
    /// Scripts, frames, event handlers and the like in raw HTML: (line,
    /// column, what).
    pub raw_html_unsafe: Vec<(usize, usize, String)>,
    /// What the allow-list would remove from raw HTML that is not active
    /// content: (line, column, what).
    pub raw_html_removed: Vec<(usize, usize, String)>,
    /// Where raw HTML first nests too deep to render in reasonable time.
    pub raw_html_too_deep: Option<(usize, usize)>,
    /// The byte offsets of the `**` the loader paired as strong emphasis
    /// (opening and closing in turn), so rendering the body does not look
    /// for them again; `None` where an offset would not fit a `u32`.
    pub strong: Option<Box<[u32]>>,
}

/// A link or image destination found in a body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkRef {
    /// The destination as written.
    pub target: String,
    /// File line.
    pub line: usize,
    /// 1-based column in characters.
    pub column: usize,
    /// True for images (assets that a page loads).
    pub image: bool,
}

/// The three kinds of lesson objective.
#[derive(Clone, Debug)]
pub struct Objectives {
    /// 认知目标.
    pub cognitive: String,
    /// 情感目标.
    pub affective: String,
    /// 行为目标.
    pub behavioral: String,
}

/// A 心理健康教育活动课 lesson plan.
#[derive(Clone, Debug)]
pub struct Lesson {
    /// Project-relative source path with `/` separators.
    pub path: String,
    /// From the first folder under `lessons/`.
    pub band: Band,
    /// 课题.
    pub title: String,
    /// Grades inside the band (empty: the whole band).
    pub grades: Vec<u8>,
    /// Autumn or spring.
    pub term: Term,
    /// Slot number in the band's term sequence.
    pub order: u32,
    /// Lesson length in minutes.
    pub duration: u32,
    /// Guideline areas.
    pub areas: Vec<Area>,
    /// Free tags.
    pub topics: Vec<String>,
    /// Activity forms.
    pub forms: Vec<Form>,
    /// 教学目标.
    pub objectives: Objectives,
    /// 教学重点.
    pub key_points: Option<String>,
    /// 教学难点.
    pub difficulties: Option<String>,
    /// 教学准备.
    pub materials: Vec<String>,
    /// Project-relative path of the accompanying parent handout.
    pub parents: Option<String>,
    /// Life education, crisis or self-harm topics.
    pub sensitive: bool,
    /// The timed phases under `## 活动过程`.
    pub phases: Vec<Timed>,
    /// The body.
    pub body: Body,
    /// Line of `order:` (for duplicate-order messages).
    pub order_line: usize,
    /// Line of `parents:`.
    pub parents_line: usize,
}

impl Lesson {
    /// True when the lesson is taught in `grade` (a lesson without
    /// `grades` serves every grade of its band).
    pub fn serves(&self, grade: u8) -> bool {
        if self.grades.is_empty() {
            self.band.grades().any(|g| g == grade)
        } else {
            self.grades.contains(&grade)
        }
    }

    /// The grades the lesson is taught in.
    pub fn served_grades(&self) -> impl Iterator<Item = u8> + '_ {
        self.band.grades().filter(|g| self.serves(*g))
    }
}

/// A 主题班会 script.
#[derive(Clone, Debug)]
pub struct Meeting {
    /// Project-relative source path.
    pub path: String,
    /// Theme.
    pub title: String,
    /// Bands it is written for.
    pub bands: Vec<Band>,
    /// Autumn or spring.
    pub term: Term,
    /// Month it is held (1–12).
    pub month: u32,
    /// Length in minutes.
    pub duration: u32,
    /// Every speaker.
    pub roles: Vec<String>,
    /// Guideline areas.
    pub areas: Vec<Area>,
    /// Life education, crisis or self-harm topics.
    pub sensitive: bool,
    /// The timed `##` segments.
    pub segments: Vec<Timed>,
    /// The body.
    pub body: Body,
}

/// A 家长学校 handout.
#[derive(Clone, Debug)]
pub struct Handout {
    /// Project-relative source path.
    pub path: String,
    /// Title.
    pub title: String,
    /// Bands it is written for.
    pub bands: Vec<Band>,
    /// Autumn or spring.
    pub term: Term,
    /// Position in the term's parent sequence.
    pub order: u32,
    /// Life education, crisis or self-harm topics.
    pub sensitive: bool,
    /// The body.
    pub body: Body,
    /// Line of `order:`.
    pub order_line: usize,
}

/// A teacher guide (教师指南): material for adults — 班主任, 心理教师,
/// school leaders, and the 心理委员 they train — never for a worksheet, a
/// classroom view or a parent handout.
#[derive(Clone, Debug)]
pub struct Guide {
    /// Project-relative source path.
    pub path: String,
    /// Title.
    pub title: String,
    /// Who it is for.
    pub audiences: Vec<Audience>,
    /// Bands it concerns.
    pub bands: Vec<Band>,
    /// The month it is used in (5 for a 5·25 plan), if any: a pack of a
    /// fortnight in that month carries it.
    pub month: Option<u32>,
    /// Minutes, when the guide is a timed training session.
    pub duration: Option<u32>,
    /// A blank form to fill in per student (一生一策): it must hold no
    /// personal data.
    pub template: bool,
    /// Crisis, death or self-harm topics.
    pub sensitive: bool,
    /// The timed `##` sections of a training session.
    pub sections: Vec<Timed>,
    /// The body.
    pub body: Body,
}

/// A term calendar from `calendars/<id>.toml`.
#[derive(Clone, Debug)]
pub struct Calendar {
    /// File stem, e.g. `2026-autumn`.
    pub id: String,
    /// Project-relative source path.
    pub path: String,
    /// Display name.
    pub name: String,
    /// Autumn or spring.
    pub term: Term,
    /// Monday of teaching week 1.
    pub first_monday: Date,
    /// Number of teaching weeks.
    pub weeks: u32,
    /// One lesson every `cadence` teaching weeks.
    pub cadence: u32,
    /// Holidays and exam weeks.
    pub breaks: Vec<Break>,
    /// Observances, activity months, family sessions.
    pub events: Vec<Event>,
    /// Line of `weeks =` (for messages about the term's slots).
    pub weeks_line: usize,
}

/// A holiday or exam period: no lesson slot falls in a week wholly inside it.
#[derive(Clone, Debug)]
pub struct Break {
    /// Display name.
    pub name: String,
    /// First day.
    pub start: Date,
    /// Last day (inclusive).
    pub end: Date,
}

/// Something on the calendar: one day or a span.
#[derive(Clone, Debug)]
pub struct Event {
    /// Display name.
    pub name: String,
    /// First day.
    pub start: Date,
    /// Last day (inclusive; equal to `start` for one day).
    pub end: Date,
    /// What kind of event.
    pub kind: EventKind,
}

/// The kinds of calendar event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum EventKind {
    /// A day such as 世界精神卫生日.
    Observance,
    /// An activity month or week.
    ActivityMonth,
    /// A family-education (家长学校) session.
    Family,
    /// Anything else.
    Other,
}

impl EventKind {
    /// Parses the `kind` field.
    pub fn parse(s: &str) -> Option<EventKind> {
        match s {
            "observance" => Some(EventKind::Observance),
            "activity-month" => Some(EventKind::ActivityMonth),
            "family" => Some(EventKind::Family),
            "other" => Some(EventKind::Other),
            _ => None,
        }
    }

    /// The slug written in calendar files.
    pub fn slug(self) -> &'static str {
        match self {
            EventKind::Observance => "observance",
            EventKind::ActivityMonth => "activity-month",
            EventKind::Family => "family",
            EventKind::Other => "other",
        }
    }

    /// Every slug, for hints.
    pub const SLUGS: &'static [&'static str] = &["observance", "activity-month", "family", "other"];
}

/// The folder part of a project-relative path.
pub fn parent_dir(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..i])
}

/// Joins `target` to `dir` and removes `.` and `..`; `None` when the result
/// would leave the project.
pub fn normalize(dir: &str, target: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            // `C:` or `a\b` would escape the project on Windows.
            s if s.contains([':', '\\']) => return None,
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// Months in school-year order (September first), so an autumn term's
/// January comes after its December.
pub fn term_month_rank(month: u32) -> u32 {
    (month + 12 - 8) % 12
}

/// A short ASCII name for a term: the calendar's file name when it is
/// ASCII (`2026-autumn`), else year and term (`2026-autumn` for
/// `calendars/2026秋季.toml`).
pub fn term_slug(cal: &Calendar) -> String {
    let ascii = !cal.id.is_empty()
        && cal
            .id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ascii {
        cal.id.to_ascii_lowercase()
    } else {
        format!("{}-{}", cal.first_monday.year(), cal.term.slug())
    }
}
