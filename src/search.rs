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
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;
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
    /// Band slugs, for the band filter.
    pub g: Vec<String>,
    /// Area slugs, for the area filter.
    pub a: Vec<String>,
    /// Form slugs, for the form filter.
    pub f: Vec<String>,
    /// Term slug, for the term filter.
    pub s: String,
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
    /// Traditional → Simplified pairs, concatenated (`發发髮发…`), for the
    /// Simplified characters of this index only, sorted.
    t2s: String,
}

/// Every single Traditional character OpenCC converts to a different
/// Simplified one, as (traditional, simplified). Computed once per process:
/// the table depends only on the compiled-in dictionaries, so it is a
/// constant, not state; packs reuse it instead of converting again.
fn t2s_table() -> &'static [(char, char)] {
    static TABLE: OnceLock<Vec<(char, char)>> = OnceLock::new();
    TABLE.get_or_init(|| {
        use ferrous_opencc::{OpenCC, config::BuiltinConfig};
        // Mainland, Taiwan and Hong Kong forms: a teacher may type any of them.
        let converters: Vec<OpenCC> =
            [BuiltinConfig::T2s, BuiltinConfig::Tw2s, BuiltinConfig::Hk2s]
                .into_iter()
                .filter_map(|c| OpenCC::from_config(c).ok())
                .collect();
        let mut pairs = BTreeSet::new();
        for code in (0x3400..=0x4DBF).chain(0x4E00..=0x9FFF) {
            let Some(t) = char::from_u32(code) else {
                continue;
            };
            let mut buf = [0u8; 4];
            let ts: &str = t.encode_utf8(&mut buf);
            for cc in &converters {
                let out = cc.convert(ts);
                let mut chars = out.chars();
                if let (Some(s), None) = (chars.next(), chars.next())
                    && s != t
                {
                    pairs.insert((t, s));
                }
            }
        }
        pairs.into_iter().collect()
    })
}

/// The Traditional → Simplified pairs whose Simplified side occurs in
/// `chars`: enough to convert any Traditional query that can match.
fn t2s_pairs(chars: &BTreeSet<char>) -> String {
    let mut out = String::new();
    for (t, s) in t2s_table() {
        // A character that is written the same in both scripts in some
        // words (著, 乾…) still maps: the browser searches the query as
        // typed and as converted, so nothing Simplified is lost.
        if chars.contains(s) {
            out.push(*t);
            out.push(*s);
        }
    }
    out
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
    let mut chars = BTreeSet::new();
    for (i, toks) in per_doc.into_iter().enumerate() {
        // Every CJK character of a doc is in one of its tokens.
        for t in &toks {
            chars.extend(t.chars().filter(|c| is_cjk(*c)));
        }
        for t in toks {
            terms.entry(t).or_default().push(i as u32);
        }
    }
    let t2s = t2s_pairs(&chars);
    let json = serde_json::to_string(&Index { docs, terms, t2s }).unwrap_or_else(|_| "{}".into());
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
            g: vec!["junior-high".into()],
            a: vec!["emotions".into()],
            f: vec!["game".into()],
            s: "autumn".into(),
            m: "".into(),
            x: "</script>".into(),
        };
        let js = index_js(&[d]);
        assert!(js.starts_with("window.XINYU_SEARCH={"));
        assert!(js.contains("\"情绪\":[0]"));
        assert!(!js.contains("</script>"));
        // 情緒 → 情绪: only 绪 differs, and only characters in the index map.
        assert!(js.contains("\"t2s\":\"緒绪\""), "{js}");
    }

    #[test]
    fn traditional_characters_map_to_simplified_ones() {
        let chars: BTreeSet<char> = "考试焦虑朋友关系发".chars().collect();
        let pairs: Vec<char> = t2s_pairs(&chars).chars().collect();
        let map: BTreeMap<char, char> = pairs.chunks(2).map(|p| (p[0], p[1])).collect();
        for (t, s) in [
            ('試', '试'),
            ('慮', '虑'),
            ('關', '关'),
            ('係', '系'),
            ('發', '发'),
            ('髮', '发'),
        ] {
            assert_eq!(map.get(&t), Some(&s), "{t}");
        }
        // Sorted by the Traditional character, so the output is stable.
        let keys: Vec<char> = map.keys().copied().collect();
        assert_eq!(keys, pairs.chunks(2).map(|p| p[0]).collect::<Vec<_>>());
    }
}
