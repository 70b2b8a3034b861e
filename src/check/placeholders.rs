//! Prompts left from the skeletons `init` and `new` write (`（活动名称）`):
//! reported once per file, at the first, so a fresh project's dozens do not
//! bury a real error.

use crate::diagnostic::Diagnostic;
use aho_corasick::{AhoCorasick, MatchKind};

/// The kind of a prompt finding, so a report can fold many into one.
pub const KIND: &str = "placeholder";

/// Prompts the skeletons write (`scaffold::PLACEHOLDERS`) still left in
/// any file of the project, settings and calendars included. Warnings for
/// `check`; `gate` turns those in what a pack or PDF carries into errors.
/// Files are read in parallel; findings stay in path order.
pub fn placeholders(sources: &crate::diagnostic::Sources) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    let files: Vec<(&String, &std::sync::Arc<str>)> = sources.iter().collect();
    let found: Vec<Vec<Diagnostic>> = files
        .par_iter()
        .map(|(path, text)| {
            let mut out = Vec::new();
            placeholders_in(path, text, &mut out);
            out
        })
        .collect();
    found.into_iter().flatten().collect()
}

/// Every prompt, in `PLACEHOLDERS` order: where two start at one place the
/// first listed is found, as a look at each in turn would. Leftmost-first
/// also lets aho-corasick use its SIMD search (a search for `（` alone
/// stops at every character that shares its last byte).
static PROMPTS: std::sync::LazyLock<AhoCorasick> = std::sync::LazyLock::new(|| {
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostFirst)
        .build(crate::scaffold::PLACEHOLDERS.iter().map(|p| p.text))
        .expect("a few dozen prompts fit an automaton")
});

pub(super) fn placeholders_in(path: &str, text: &str, out: &mut Vec<Diagnostic>) {
    // One pass over the text for all the prompts at once; lines are
    // counted only up to a prompt, not for every line.
    let mut found = Vec::new();
    let (mut line, mut line_start, mut counted) = (1, 0, 0);
    for m in PROMPTS.find_iter(text) {
        let at = m.start();
        let p = &crate::scaffold::PLACEHOLDERS[m.pattern().as_usize()];
        for (i, _) in text[counted..at].match_indices('\n') {
            line += 1;
            line_start = counted + i + 1;
        }
        counted = at;
        found.push((line, text[line_start..at].chars().count() + 1, p));
    }
    // One finding per file, at its first prompt: a fresh skeleton has
    // dozens, and a real error must not drown under them.
    let Some(&(line, column, first)) = found.first() else {
        return;
    };
    let unpublished = "写好之前\u{FF0C}带这个文件的课程包和 PDF 都不会生成";
    let d = if found.len() == 1 {
        Diagnostic::warning(
            path,
            line,
            column,
            format!("还有没写完的占位提示“{}”", first.text),
        )
        .with_hint(format!("{}\u{FF1B}{unpublished}", first.write))
    } else {
        let mut lines: Vec<String> = found[1..].iter().map(|(l, _, _)| l.to_string()).collect();
        lines.dedup();
        let more = if lines.len() > 8 {
            lines.truncate(8);
            "等"
        } else {
            ""
        };
        Diagnostic::warning(
            path,
            line,
            column,
            format!(
                "还有 {} 处没写完的占位提示\u{FF0C}第一处是“{}”",
                found.len(),
                first.text
            ),
        )
        .with_hint(format!(
            "{}\u{FF1B}其余在第 {} 行{more}\u{FF1B}{unpublished}",
            first.write,
            lines.join("、")
        ))
    };
    out.push(d.with_len(first.text.chars().count()).with_kind(KIND));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scaffold::PLACEHOLDERS;

    #[test]
    fn no_prompt_holds_the_start_of_another() {
        // The search does not look inside a prompt it found: none may
        // hold another's opening bracket.
        for p in PLACEHOLDERS {
            assert!(p.text.starts_with('（'), "{}", p.text);
            assert!(!p.text[3..].contains('（'), "{}", p.text);
        }
    }

    #[test]
    fn the_first_prompt_is_found_at_its_line_and_column_and_the_rest_listed() {
        let p = PLACEHOLDERS[0].text;
        let text = format!("标题（不是提示）\n\n  甲{p}乙{p}\r\n\n{p}\n");
        let mut out = Vec::new();
        placeholders_in("a.md", &text, &mut out);
        assert_eq!(out.len(), 1);
        let d = &out[0];
        assert_eq!((d.line, d.column), (3, 4), "{d:?}");
        assert!(d.message.contains("3 处"), "{}", d.message);
        // The other places: line 3 again (once) and line 5.
        assert!(d.hint.as_deref().unwrap_or("").contains("3、5"), "{d:?}");
        let mut none = Vec::new();
        placeholders_in("b.md", "（活动）\n（）", &mut none);
        assert!(none.is_empty());
    }
}
