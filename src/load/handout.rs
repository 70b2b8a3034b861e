//! Parent handouts: `parents/**/*.md`.

use super::fields::front_matter;
use crate::diagnostic::Diagnostic;
use crate::markdown;
use crate::model::{Handout, LocalFacts};
use serde::Deserialize;
use serde_saphyr::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHandout {
    title: Spanned<String>,
    bands: Spanned<Vec<Spanned<String>>>,
    term: Spanned<String>,
    order: Spanned<u32>,
    #[serde(default)]
    sensitive: bool,
}

/// Parses one parent handout, filling in the local facts `facts` defines
/// (see [`super::lesson::parse`]).
pub fn parse(
    rel: &str,
    text: &std::sync::Arc<str>,
    facts: Option<&LocalFacts>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Handout> {
    let (split, raw, at) = front_matter::<RawHandout>(rel, text, facts, diags)?;
    let before = diags.len();
    let title = at.text(&raw.title, diags);
    let outline = markdown::outline(
        split.body,
        split.body_first_line,
        facts.unwrap_or(&LocalFacts::default()),
    );
    super::fields::body_facts(rel, &outline, facts, diags);
    at.title(&raw.title, "写上读本标题", diags);
    let bands = at.bands(&raw.bands, diags);
    let term = at.term(&raw.term, diags);
    at.in_range(
        &raw.order,
        1..=60,
        "order",
        "order 是这份读本在本学期家长读本中的顺序，从 1 开始",
        diags,
    );
    if super::fields::failed(&diags[before..]) {
        return None;
    }
    Some(Handout {
        path: rel.to_string(),
        title: title.trim().to_string(),
        bands,
        term: term?,
        order: raw.order.value,
        sensitive: raw.sensitive,
        body: outline.into_body(text, split.body, split.body_first_line),
        order_line: at.line(&raw.order),
    })
}
