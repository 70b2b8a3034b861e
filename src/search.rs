//! The offline search index: built at build time, loaded by a `<script>`
//! tag (a `fetch` of JSON fails from `file://`), searched by
//! `static/search.js` with the same tokenizer.
//!
//! Text is normalised with NFKC (full-width Latin and digits become ASCII)
//! and lowercased. Runs of CJK characters are indexed as overlapping
//! bigrams (a one-character run as itself), so any Chinese word is found
//! without a dictionary; runs of ASCII letters and digits are indexed as
//! words. A query's candidates come from the postings; the browser then
//! confirms them with a substring match, which drops bigram false positives.

use serde::Serialize;
use std::collections::BTreeMap;
use unicode_normalization::UnicodeNormalization;

/// One searchable page.
#[derive(Serialize, Debug, Clone)]
pub struct Doc {
    /// Title.
    pub t: String,
    /// URL relative to the output root.
    pub u: String,
    /// Kind label (活动课, 主题班会, 家长读本).
    pub k: String,
    /// Band labels.
    pub b: Vec<String>,
    /// Term label.
    pub r: String,
    /// Topics, areas and forms: ranked after the title.
    pub m: String,
    /// Objectives and body, as plain text.
    pub x: String,
}

/// NFKC and lowercase: what both the index and the query go through.
pub fn normalize(s: &str) -> String {
    s.nfkc().collect::<String>().to_lowercase()
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// The index terms of a text (already normalised).
pub fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cjk: Vec<char> = Vec::new();
    let mut word = String::new();
    let flush_cjk = |cjk: &mut Vec<char>, out: &mut Vec<String>| {
        if cjk.len() == 1 {
            out.push(cjk[0].to_string());
        }
        for w in cjk.windows(2) {
            out.push(w.iter().collect());
        }
        cjk.clear();
    };
    for c in text.chars() {
        if is_cjk(c) {
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            cjk.push(c);
        } else if c.is_alphanumeric() {
            flush_cjk(&mut cjk, &mut out);
            word.push(c);
        } else {
            flush_cjk(&mut cjk, &mut out);
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
        }
    }
    flush_cjk(&mut cjk, &mut out);
    if !word.is_empty() {
        out.push(word);
    }
    out
}

#[derive(Serialize)]
struct Index<'a> {
    docs: &'a [Doc],
    /// Term → ids of the docs that contain it, ascending.
    terms: BTreeMap<String, Vec<u32>>,
}

/// The `search-index.js` file for these docs.
pub fn index_js(docs: &[Doc]) -> String {
    use rayon::prelude::*;
    // Tokenising is most of the work and independent per doc.
    let per_doc: Vec<Vec<String>> = docs
        .par_iter()
        .map(|d| {
            let all = normalize(&format!("{} {} {} {}", d.t, d.m, d.b.join(" "), d.x));
            let mut toks = tokens(&all);
            toks.sort_unstable();
            toks.dedup();
            toks
        })
        .collect();
    let mut terms: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for (i, toks) in per_doc.into_iter().enumerate() {
        for t in toks {
            terms.entry(t).or_default().push(i as u32);
        }
    }
    let json = serde_json::to_string(&Index { docs, terms }).unwrap_or_else(|_| "{}".into());
    // `</script>` cannot appear in JSON strings as written by serde_json
    // only if escaped; escape `<` to be safe inside any page.
    format!("window.XINYU_SEARCH={};\n", json.replace('<', "\\u003c"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_runs_become_bigrams_and_latin_words_stay_whole() {
        assert_eq!(
            tokens(&normalize("考试焦虑 ABC")),
            ["考试", "试焦", "焦虑", "abc"]
        );
        assert_eq!(tokens(&normalize("3年级")), ["3", "年级"]);
        assert_eq!(tokens(&normalize("爱")), ["爱"]);
        // Full-width Latin and digits are folded by NFKC.
        assert_eq!(normalize("ＡＢＣ３"), "abc3");
    }

    #[test]
    fn index_lists_postings_and_is_safe_in_a_script_tag() {
        let d = Doc {
            t: "情绪".into(),
            u: "a.html".into(),
            k: "活动课".into(),
            b: vec!["初中".into()],
            r: "秋季学期".into(),
            m: "".into(),
            x: "</script>".into(),
        };
        let js = index_js(&[d]);
        assert!(js.starts_with("window.XINYU_SEARCH={"));
        assert!(js.contains("\"情绪\":[0]"));
        assert!(!js.contains("</script>"));
    }
}
