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

use crate::plan::paths;
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
    /// Grades taught (`"7"`), for the grade filter.
    pub y: Vec<String>,
    /// Topics, areas and forms: ranked after the title.
    pub m: String,
    /// Objectives and body, as plain text: in the text blocks, not in
    /// `search-index.js`.
    #[serde(skip)]
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
    /// How many postings shards (`search/p-N.js`) there are.
    shards: u32,
    /// How many docs each text block (`search/x-K.js`) holds.
    block: u32,
    /// Traditional → Simplified pairs, concatenated (`發发髮发…`), for the
    /// Simplified characters of this index only, sorted.
    t2s: String,
}

/// Docs per text block: a block is loaded for a shown result's snippet;
/// small, so the 50 results shown load little text they do not need.
const BLOCK: usize = 4;

/// Which postings shard holds a term. `search.js` computes the same:
/// h = h * 31 + code point, wrapping at 2^32.
pub fn shard_of(term: &str, shards: u32) -> u32 {
    let h = term
        .chars()
        .fold(0u32, |h, c| h.wrapping_mul(31).wrapping_add(c as u32));
    h % shards.max(1)
}

/// As JSON that is safe inside a `<script>`: `<` escaped.
fn script_json(v: &impl Serialize) -> String {
    serde_json::to_string(v)
        .unwrap_or_else(|_| "null".into())
        .replace('<', "\\u003c")
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

/// The search files for these docs, as (path under the output root,
/// contents): `search-index.js` (the docs' titles, URLs and filter fields,
/// loaded with the search page), postings shards `search/p-N.js` (term →
/// doc ids, delta-encoded) and text blocks `search/x-K.js` (plain text for
/// snippets). The browser loads only the shards of the query's terms and
/// the blocks of the results it shows, so a big site searches as fast as a
/// small one. Every file is a script calling a function the page defines:
/// `<script>` tags work from `file://`, where `fetch` does not.
pub fn index_files(docs: &[Doc]) -> Vec<(String, String)> {
    use rayon::prelude::*;
    // About 60 docs' worth of postings per shard, at most 256 shards.
    let shards = docs.len().div_ceil(60).clamp(1, 256) as u32;
    // Tokenise in parallel; each doc's distinct terms, with their shard.
    let per_doc: Vec<Vec<(u32, String)>> = docs
        .par_iter()
        .map(|d| {
            let all = normalize(&format!("{} {} {} {}", d.t, d.m, d.b.join(" "), d.x));
            let mut toks = tokens(&all);
            toks.sort_unstable();
            toks.dedup();
            toks.into_iter()
                .map(|t| (shard_of(&t, shards), t))
                .collect()
        })
        .collect();
    let mut chars = BTreeSet::new();
    let mut postings: Vec<BTreeMap<String, Vec<u32>>> = vec![BTreeMap::new(); shards as usize];
    for (i, toks) in per_doc.into_iter().enumerate() {
        for (shard, t) in toks {
            // Every CJK character of a doc is in one of its terms.
            chars.extend(t.chars().filter(|c| is_cjk(*c)));
            postings[shard as usize]
                .entry(t)
                .or_default()
                .push(i as u32);
        }
    }
    let t2s = t2s_pairs(&chars);
    let index = Index {
        docs,
        shards,
        block: BLOCK as u32,
        t2s,
    };
    let mut out = vec![(
        paths::SEARCH_INDEX.to_string(),
        format!("window.XINYU_SEARCH={};\n", script_json(&index)),
    )];
    let shard_files: Vec<(String, String)> = postings
        .into_par_iter()
        .enumerate()
        .map(|(n, terms)| {
            // Ascending ids as gaps: small numbers, a smaller file.
            let delta: BTreeMap<String, Vec<u32>> = terms
                .into_iter()
                .map(|(t, ids)| {
                    let mut prev = 0;
                    let gaps = ids
                        .into_iter()
                        .map(|id| {
                            let g = id - prev;
                            prev = id;
                            g
                        })
                        .collect();
                    (t, gaps)
                })
                .collect();
            (
                paths::search_shard(n),
                format!("XINYU_SHARD({n},{});\n", script_json(&delta)),
            )
        })
        .collect();
    out.extend(shard_files);
    for (k, chunk) in docs.chunks(BLOCK).enumerate() {
        let texts: Vec<String> = chunk
            .iter()
            .map(|d| d.x.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        out.push((
            paths::search_text(k),
            format!("XINYU_TEXT({k},{});\n", script_json(&texts)),
        ));
    }
    out
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
            y: vec![],
            m: "".into(),
            x: "</script>".into(),
        };
        let files = index_files(&[d]);
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["search-index.js", "search/p-0.js", "search/x-0.js"]);
        let js = &files[0].1;
        assert!(js.starts_with("window.XINYU_SEARCH={"));
        assert!(js.contains("\"shards\":1"));
        assert!(
            !js.contains("script"),
            "body text stays out of the main file"
        );
        assert!(files[1].1.contains("\"情绪\":[0]"));
        assert!(files[2].1.starts_with("XINYU_TEXT(0,["));
        assert!(!files[2].1.contains("</script>"));
        // 情緒 → 情绪: only 绪 differs, and only characters in the index map.
        assert!(js.contains("\"t2s\":\"緒绪\""), "{js}");
    }

    #[test]
    fn postings_are_gaps_in_the_shard_the_browser_computes() {
        let doc = |t: &str, x: &str| Doc {
            t: t.into(),
            u: "a.html".into(),
            k: String::new(),
            b: vec![],
            r: String::new(),
            g: vec![],
            a: vec![],
            f: vec![],
            s: String::new(),
            y: vec![],
            m: String::new(),
            x: x.into(),
        };
        let docs: Vec<Doc> = (0..130)
            .map(|i| {
                doc(
                    &format!("第{i}课"),
                    if i % 50 == 7 {
                        "考试焦虑"
                    } else {
                        "心情"
                    },
                )
            })
            .collect();
        let files = index_files(&docs);
        let shards = 130usize.div_ceil(60) as u32;
        let n = shard_of("焦虑", shards);
        let shard = &files
            .iter()
            .find(|(p, _)| *p == format!("search/p-{n}.js"))
            .unwrap()
            .1;
        // Docs 7, 57 and 107: gaps 7, 50, 50.
        assert!(shard.contains("\"焦虑\":[7,50,50]"), "{shard}");
        // The same hash as search.js: (h * 31 + code point) mod 2^32.
        assert_eq!(shard_of("ab", 1000), ((97u32 * 31 + 98) % 1000));
        // 130 docs → 33 text blocks of 4.
        assert_eq!(
            files
                .iter()
                .filter(|(p, _)| p.starts_with("search/x-"))
                .count(),
            33
        );
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
