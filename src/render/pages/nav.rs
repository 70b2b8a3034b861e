//! `nav/<band>.js`: a band's lesson list for the sidebar.

use super::Cx;
use crate::model::{Band, Term};
use crate::plan::paths;
use serde::Serialize;

/// `nav/<band>.js`: every lesson of a band, by term, for the sidebar that
/// `static/nav.js` fills on that band's lesson pages. One file per band
/// instead of the list in every page keeps the output linear in the number
/// of lessons. `None` for a band without lessons.
pub fn js(cx: &Cx, band: Band) -> Option<(String, String)> {
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
                        if l.grades.is_empty() {
                            format!("{pre}{}{suf} {}", l.order, l.title)
                        } else {
                            format!(
                                "{pre}{}{suf} {}\u{FF08}{}\u{FF09}",
                                l.order,
                                l.title,
                                n.grades(l.band, &l.grades)
                            )
                        },
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
        paths::nav(band),
        format!("window.XINYU_NAV={};\n", json.replace('<', "\\u003c")),
    ))
}
