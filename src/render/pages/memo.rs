//! Bodies rendered once for every pack that carries them. A whole-school
//! pack carries all of its term's class meetings, every band's print page
//! carries them again, and the next slot's packs carry most of them once
//! more: without this, a meeting's Markdown was parsed and rendered about
//! fifteen times in a 10,000-lesson build (4,704 of 5,384 renders in its
//! packs were repeats).
//!
//! A rendered body depends on the page it is rendered for only through the
//! answers of its link resolver (the facts and a meeting's roles come from
//! the project and the body's own file). So each entry keeps the links it
//! asked about with their answers, and is used for another page only when
//! every one of them resolves the same there: the HTML is then the HTML a
//! fresh render would give, byte for byte, whichever pack came first.
//!
//! Must not: outlive one run (`serve` renders edited bodies again), or be
//! used where a body is rendered once anyway (the site's own pages).

use crate::markdown::{Projection, Resolver, Section};
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// At most this many renders of one body, for pages whose links resolve
/// differently (a link to a handout one pack carries and another does not).
const VARIANTS: usize = 4;

/// What one render of a body asked the resolver, and what it was told.
type Asked = Vec<(String, Option<String>)>;

/// One body's renders, each with the answers it depended on.
type Entries<T> = Mutex<HashMap<String, Vec<Arc<(T, Asked)>>>>;

/// The rendered bodies of one run's packs, by source file.
#[derive(Default)]
pub struct Memo {
    /// Sections and plain text.
    sections: Entries<(Vec<Section>, String)>,
    /// 投影 blocks.
    projections: Entries<Vec<Projection>>,
}

impl Memo {
    /// The sections and plain text of `source`'s body for a page whose links
    /// `resolve` answers, from an earlier render when it asked the same, or
    /// from `render` (handed a resolver that records what it is asked).
    pub(super) fn sections(
        &self,
        source: &str,
        resolve: Resolver,
        render: impl FnOnce(Resolver) -> (Vec<Section>, String),
    ) -> (Vec<Section>, String) {
        cached(&self.sections, source, resolve, render)
    }

    /// The 投影 blocks of `source`'s body, as [`Memo::sections`] does.
    pub(super) fn projections(
        &self,
        source: &str,
        resolve: Resolver,
        render: impl FnOnce(Resolver) -> Vec<Projection>,
    ) -> Vec<Projection> {
        cached(&self.projections, source, resolve, render)
    }
}

fn cached<T: Clone>(
    entries: &Entries<T>,
    source: &str,
    resolve: Resolver,
    render: impl FnOnce(Resolver) -> T,
) -> T {
    let lock = || entries.lock().unwrap_or_else(|p| p.into_inner());
    let known = lock().get(source).cloned().unwrap_or_default();
    if let Some(hit) = known
        .iter()
        .find(|e| e.1.iter().all(|(dest, got)| resolve(dest) == *got))
    {
        return hit.0.clone();
    }
    // Rendered outside the lock: another thread may render the same body
    // meanwhile, to the same result.
    let asked = RefCell::new(Vec::new());
    let recording = |dest: &str| {
        let got = resolve(dest);
        asked.borrow_mut().push((dest.to_string(), got.clone()));
        got
    };
    let made = render(&recording);
    let entry = Arc::new((made.clone(), asked.into_inner()));
    let mut all = lock();
    let list = all.entry(source.to_string()).or_default();
    if list.len() < VARIANTS {
        list.push(entry);
    }
    made
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn section(html: &str) -> Section {
        Section {
            title: None,
            id: String::new(),
            html: html.into(),
        }
    }

    #[test]
    fn a_body_is_rendered_again_only_when_its_links_resolve_differently() {
        let memo = Memo::default();
        let renders = Cell::new(0);
        // The body links to a.md; the page decides where that points.
        let render = |resolve: Resolver| {
            renders.set(renders.get() + 1);
            let to = resolve("a.md").unwrap_or_default();
            (
                vec![section(&format!("<a href=\"{to}\">"))],
                "t".to_string(),
            )
        };
        let here = |d: &str| (d == "a.md").then(|| "../a.html".to_string());
        let there = |d: &str| (d == "a.md").then(|| "x/a.html".to_string());
        let first = memo.sections("m.md", &here, render);
        assert_eq!(first.0[0].html, "<a href=\"../a.html\">");
        // Another page where a.md resolves the same: no second render.
        let again = memo.sections("m.md", &|d: &str| here(d), render);
        assert_eq!(again, first);
        assert_eq!(renders.get(), 1);
        // Where it resolves elsewhere, the body is rendered for that page.
        let other = memo.sections("m.md", &there, render);
        assert_eq!(other.0[0].html, "<a href=\"x/a.html\">");
        assert_eq!(renders.get(), 2);
        // Both renders are kept; another body is its own entry.
        memo.sections("m.md", &here, render);
        memo.sections("m.md", &there, render);
        assert_eq!(renders.get(), 2);
        memo.sections("n.md", &here, render);
        assert_eq!(renders.get(), 3);
    }
}
