//! Where every source file ends up in an output tree. The site mirrors the
//! project's paths; a pack gives each item a short ASCII path. Templates and
//! Markdown links ask this map, so a link to something that is not in the
//! output (a lesson from another fortnight, in a pack) is never broken: it is
//! left out or shown as plain text.

use crate::model::page_path;
use std::collections::BTreeMap;

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
        Urls::mirror(
            c.lessons
                .iter()
                .map(|l| l.path.as_str())
                .chain(c.meetings.iter().map(|m| m.path.as_str()))
                .chain(c.handouts.iter().map(|h| h.path.as_str())),
            c.assets.iter().map(String::as_str),
        )
    }

    /// A site: every page and asset keeps its project path.
    pub fn mirror<'a>(
        pages: impl Iterator<Item = &'a str>,
        assets: impl Iterator<Item = &'a str>,
    ) -> Urls {
        let mut u = Urls::default();
        for p in pages {
            u.add_page(p, page_path(p));
        }
        for a in assets {
            u.add_asset(a, a.to_string());
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
}
