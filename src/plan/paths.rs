//! Where every output file lives: the one owner of output paths, for the
//! site and for a pack. Nothing else spells an output path; templates and
//! Markdown links ask the [`Urls`] map, so a link to something that is not
//! in the output (a lesson from another fortnight, in a pack) is never
//! broken: it is left out or shown as plain text.
//!
//! Must not: touch the file system or know how a page looks.

use crate::model::Band;
use std::collections::BTreeMap;

/// The home page (of the site, and of a pack).
pub const INDEX: &str = "index.html";
/// The class-meeting list.
pub const MEETINGS: &str = "meetings.html";
/// The parent-school list.
pub const PARENTS: &str = "parents.html";
/// The list of teacher guides.
pub const GUIDES: &str = "guides.html";
/// The search page.
pub const SEARCH: &str = "search.html";
/// The downloads page.
pub const DOWNLOADS: &str = "downloads.html";
/// Every pack, for machines.
pub const PACKS_JSON: &str = "packs.json";
/// Every pack, as an Atom feed.
pub const PACKS_ATOM: &str = "packs.atom";

/// The search index: titles, URLs and filter fields of every document.
pub const SEARCH_INDEX: &str = "search-index.js";

/// Search postings shard `n` (loaded only when a query needs it).
pub fn search_shard(n: usize) -> String {
    format!("search/p-{n}.js")
}

/// Search text block `k` (the text of a few documents, for snippets).
pub fn search_text(k: usize) -> String {
    format!("search/x-{k}.js")
}

/// A project-relative `.md` path → its page in the site (`x.md` → `x.html`).
pub fn page(source: &str) -> String {
    let n = source.len();
    if n >= 3 && source.is_char_boundary(n - 3) && source[n - 3..].eq_ignore_ascii_case(".md") {
        format!("{}.html", &source[..n - 3])
    } else {
        source.to_string()
    }
}

/// A page's print copy or worksheet: `lessons/a.html` → `lessons/a.print.html`.
pub fn variant(out: &str, kind: &str) -> String {
    match out.strip_suffix(".html") {
        Some(stem) => format!("{stem}.{kind}.html"),
        None => format!("{out}.{kind}.html"),
    }
}

/// A lesson's or class meeting's classroom view (课堂投影), beside its
/// page in the site and in a pack: `lessons/a.html` → `lessons/a.classroom.html`.
pub fn classroom(out: &str) -> String {
    variant(out, "classroom")
}

/// A band's page.
pub fn band(b: Band) -> String {
    format!("bands/{}.html", b.slug())
}

/// A band's lesson list for the sidebar.
pub fn nav(b: Band) -> String {
    format!("nav/{}.js", b.slug())
}

/// A term calendar's page (`id` is the calendar's file name).
pub fn calendar(id: &str) -> String {
    format!("calendars/{id}.html")
}

/// A term calendar's A4 landscape print page.
pub fn calendar_print(id: &str) -> String {
    format!("calendars/{id}-print.html")
}

/// A term calendar as iCalendar.
pub fn ics(id: &str) -> String {
    format!("calendars/{id}.ics")
}

/// The site's "print this fortnight" page of one band.
pub fn slot_print(term_slug: &str, slot: u32, band: Band) -> String {
    format!("print/{term_slug}-s{slot:02}-{}.html", band.slug())
}

/// The "print this fortnight" page of one grade (made for `print --grade`).
pub fn slot_print_grade(term_slug: &str, slot: u32, grade: u8) -> String {
    format!("print/{term_slug}-s{slot:02}-grade{grade}.html")
}

/// A theme file under `static/`.
pub fn static_file(name: &str) -> String {
    format!("static/{name}")
}

/// A pack's zip inside the site.
pub fn pack_zip(id: &str) -> String {
    format!("packs/{id}.zip")
}

/// A pack's zip as `xinyu pack` writes it into its output folder.
pub fn pack_file(id: &str) -> String {
    format!("{id}.zip")
}

/// The PDF `xinyu print` makes of a site print page: `print/x.html` → `x.pdf`.
pub fn print_pdf(print_page: &str) -> String {
    print_page
        .trim_start_matches("print/")
        .replace(".html", ".pdf")
}

/// The PDF `xinyu print` makes of a term calendar.
pub fn calendar_pdf(term_slug: &str) -> String {
    format!("{term_slug}-calendar.pdf")
}

/// Paths inside a pack: short ASCII names that survive FAT32 and old zip
/// tools (a teacher copies packs from stick to stick).
pub mod pack {
    use crate::model::Band;

    /// The slot's lesson page of a band; when the band has several
    /// lessons in the slot (one per group of grades), each is named by its
    /// grades: `lessons/junior-high-8.html`.
    pub fn lesson(b: Band, grades: &[u8], several: bool) -> String {
        if several && !grades.is_empty() {
            let g: Vec<String> = grades.iter().map(u8::to_string).collect();
            format!("lessons/{}-{}.html", b.slug(), g.join("-"))
        } else {
            format!("lessons/{}.html", b.slug())
        }
    }

    /// The `i`-th class meeting (from 0).
    pub fn meeting(i: usize) -> String {
        format!("meetings/m{}.html", i + 1)
    }

    /// The `i`-th parent handout (from 0).
    pub fn handout(i: usize) -> String {
        format!("parents/p{}.html", i + 1)
    }

    /// The `i`-th teacher guide (from 0), in the teachers' folder.
    pub fn guide(i: usize) -> String {
        format!("teachers/g{}.html", i + 1)
    }

    /// The `i`-th asset (from 0); the extension is kept so browsers know
    /// the type.
    pub fn asset(i: usize, source: &str) -> String {
        let ext = source
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .filter(|e| {
                !e.is_empty() && e.len() <= 5 && e.chars().all(|c| c.is_ascii_alphanumeric())
            })
            .unwrap_or_else(|| "bin".into());
        format!("assets/a{}.{ext}", i + 1)
    }

    /// Everything printable of a band for the fortnight.
    pub fn print(b: Band) -> String {
        format!("print/{}.html", b.slug())
    }

    /// That page as a PDF.
    pub fn pdf(b: Band) -> String {
        format!("pdf/{}.pdf", b.slug())
    }
}

/// Source path → output path (both `/`-separated, relative to their roots).
#[derive(Clone, Debug, Default)]
pub struct Urls {
    pages: BTreeMap<String, String>,
    assets: BTreeMap<String, String>,
}

impl Urls {
    /// Adds a page.
    pub fn add_page(&mut self, source: &str, out: String) {
        self.pages.insert(source.to_string(), out);
    }

    /// Adds an asset.
    pub fn add_asset(&mut self, source: &str, out: String) {
        self.assets.insert(source.to_string(), out);
    }

    /// The site of a curriculum: every lesson, meeting, handout and asset
    /// at its project path.
    pub fn site(c: &crate::model::Curriculum) -> Urls {
        let mut u = Urls::default();
        let pages = c
            .lessons
            .iter()
            .map(|l| l.path.as_str())
            .chain(c.meetings.iter().map(|m| m.path.as_str()))
            .chain(c.handouts.iter().map(|h| h.path.as_str()))
            .chain(c.guides.iter().map(|g| g.path.as_str()));
        for p in pages {
            u.add_page(p, page(p));
        }
        for a in &c.assets {
            u.add_asset(a, a.clone());
        }
        u
    }

    /// The output path of a page, if it is in this output.
    pub fn page(&self, source: &str) -> Option<String> {
        self.pages.get(source).cloned()
    }

    /// The output path of an asset, if it is in this output.
    pub fn asset(&self, source: &str) -> Option<&str> {
        self.assets.get(source).map(String::as_str)
    }

    /// Every asset: (source, output path).
    pub fn assets(&self) -> impl Iterator<Item = (&str, &str)> {
        self.assets.iter().map(|(a, b)| (a.as_str(), b.as_str()))
    }
}

/// The relative URL from the page at `from` to the file at `to` (both
/// output paths relative to the same root).
pub fn relative(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> = from
        .split('/')
        .collect::<Vec<_>>()
        .split_last()
        .map_or(vec![], |(_, d)| d.to_vec());
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dir
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut out: Vec<&str> = vec![".."; from_dir.len() - common];
    out.extend(&to_parts[common..]);
    out.join("/")
}

/// Relative prefix from a page to its output root (`""`, `"../"`, …).
pub fn root_of(out: &str) -> String {
    "../".repeat(out.matches('/').count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        assert_eq!(relative("lessons/jh/a.html", "lessons/jh/b.html"), "b.html");
        assert_eq!(
            relative("lessons/jh/a.html", "parents/p.html"),
            "../../parents/p.html"
        );
        assert_eq!(relative("index.html", "lessons/x.html"), "lessons/x.html");
        assert_eq!(relative("a/b.html", "a/c/d.png"), "c/d.png");
    }

    #[test]
    fn root_prefix_matches_depth() {
        assert_eq!(root_of("index.html"), "");
        assert_eq!(root_of("lessons/junior-high/a.html"), "../../");
    }

    #[test]
    fn pages_and_variants() {
        assert_eq!(page("lessons/a/01.MD"), "lessons/a/01.html");
        assert_eq!(variant("lessons/a.html", "print"), "lessons/a.print.html");
        assert_eq!(
            print_pdf("print/2026-autumn-s01-junior-high.html"),
            "2026-autumn-s01-junior-high.pdf"
        );
        assert_eq!(pack::asset(0, "assets/图.PNG"), "assets/a1.png");
        assert_eq!(pack::asset(2, "assets/x"), "assets/a3.bin");
    }
}
