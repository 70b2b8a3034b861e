//! The offline search index: built at build time, loaded by a `<script>`
//! tag (a `fetch` of JSON fails from `file://`), searched by
//! `static/search.js` with the same tokenizer.
//!
//! Text is normalised with NFKC (full-width Latin and digits become ASCII)
//! and lowercased. Every CJK character is indexed on its own (a unigram)
//! and with the next one in its run (an overlapping bigram), so any Chinese
//! word is found without a dictionary: a one-character query looks up its
//! unigram, a longer one its bigrams. Runs of other letters and digits are
//! indexed as whole words. A query's candidates come from the postings; a
//! query of one term (one character, two characters, one word) is exact,
//! and the browser confirms any other with a substring match, which drops
//! bigram false positives.

mod encode;
mod normalize;
mod postings;

use crate::plan::paths;
use encode::{Row, rows, script_json, text_block};
use normalize::is_cjk;
pub use normalize::normalize;
use postings::{Buckets, DocTerms, Shard};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

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
    /// Topics, areas, forms and grades, one phrase each: ranked after the
    /// title.
    pub m: Vec<String>,
}

/// The runs of a text (already normalised): CJK characters (`true`), or
/// other letters and digits (`false`); anything else separates runs.
fn runs(text: &str) -> Vec<(bool, Vec<char>)> {
    let mut out: Vec<(bool, Vec<char>)> = Vec::new();
    let mut open = false;
    for c in text.chars() {
        let kind = if is_cjk(c) {
            true
        } else if c.is_alphanumeric() {
            false
        } else {
            open = false;
            continue;
        };
        match out.last_mut() {
            Some((k, run)) if open && *k == kind => run.push(c),
            _ => out.push((kind, vec![c])),
        }
        open = true;
    }
    out
}

/// The index terms of a text (already normalised): every CJK character,
/// every pair of neighbours in a CJK run, and every word of other letters
/// and digits. The definition `search.js` mirrors; the index itself makes
/// the same terms packed, without a string each (`postings::DocTerms`,
/// tested equal to this).
pub fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (cjk, run) in runs(text) {
        if cjk {
            out.extend(run.iter().map(char::to_string));
            out.extend(run.windows(2).map(|w| w.iter().collect::<String>()));
        } else {
            out.push(run.into_iter().collect());
        }
    }
    out
}

/// The terms `search.js` looks a query word up by (already normalised): a
/// CJK run of one character by its unigram, a longer run by its bigrams,
/// other words whole. Each is a term of every text the word occurs in.
pub fn query_terms(word: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (cjk, run) in runs(word) {
        if cjk && run.len() > 1 {
            out.extend(run.windows(2).map(|w| w.iter().collect::<String>()));
        } else if cjk {
            out.push(run[0].to_string());
        } else {
            out.push(run.into_iter().collect());
        }
    }
    out
}

/// `search-index.js`: small enough to parse at once when the search page
/// opens (at 10,000 lessons it was 3.5 MB of objects with repeated keys;
/// as rows over one dictionary it is about a third of that).
#[derive(Serialize)]
struct Index<'a> {
    /// Every label, slug, grade and phrase the docs use, once, in the order
    /// they first occur; rows refer to them by position.
    w: Vec<&'a str>,
    /// One row per doc, see [`Row`].
    d: Vec<Row<'a>>,
    /// Normalised titles, by doc, where NFKC changes a title's CJK
    /// characters (a compatibility ideograph, ㈠): elsewhere `search.js`
    /// finds a Chinese word in the title as written, without normalising
    /// thousands of titles per query. Usually empty.
    n: BTreeMap<usize, String>,
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

/// Docs tokenised and merged into the postings at a time: enough to keep
/// both cores busy, few enough that their texts and terms stay small. A
/// multiple of [`BLOCK`], so text blocks never straddle two chunks.
const CHUNK: usize = 1024;

/// A doc's objectives and body as plain text, by position in the doc list
/// (made by the job that renders the doc's pages, which can fail).
pub type Text<'a> = dyn Fn(usize) -> anyhow::Result<String> + Sync + 'a;

/// Takes each finished file: (path under the output root, contents).
pub type Emit<'a> = dyn Fn(String, String) -> anyhow::Result<()> + Sync + 'a;

/// The search files for these docs, each handed to `emit` as soon as it is
/// made: `search-index.js` (the docs' titles, URLs and filter fields,
/// loaded with the search page), postings shards `search/p-N.js` (term →
/// doc ids, delta-encoded) and text blocks `search/x-K.js` (plain text for
/// snippets, from `text`). The browser loads only the shards of the
/// query's terms and the blocks of the results it shows, so a big site
/// searches as fast as a small one. Every file is a script calling a
/// function the page defines: `<script>` tags work from `file://`, where
/// `fetch` does not.
///
/// Docs are read [`CHUNK`] at a time: each chunk's texts are made and
/// tokenised in parallel, then, while the next chunk is read, written as
/// text blocks and merged into the postings with every shard in parallel;
/// only the postings outlive two chunks.
pub fn index_files(docs: &[Doc], text: &Text, emit: &Emit) -> anyhow::Result<()> {
    use rayon::prelude::*;
    // About 20 docs' worth of postings per shard, at most 512 shards: a
    // query loads one shard per term, and a smaller one arrives sooner.
    let shards = docs.len().div_ceil(20).clamp(1, 512) as u32;
    let mut postings: Vec<Shard> = (0..shards).map(|_| Shard::default()).collect();
    // A chunk's docs, read: their texts and terms, their first id.
    type Read = (usize, Vec<(String, DocTerms)>);
    let read = |c: usize, chunk: &[Doc]| -> anyhow::Result<Read> {
        let base = c * CHUNK;
        // All the chunk's texts first, then all its terms: making a text may
        // render the doc's pages, and tokenising between pages ran a third
        // slower (each core's cache held pages, not the terms of docs).
        let texts: Vec<String> = (base..base + chunk.len())
            .into_par_iter()
            .map(text)
            .collect::<anyhow::Result<_>>()?;
        let done = texts
            .into_par_iter()
            .zip(chunk)
            .map(|(x, d)| {
                // The title, phrases, bands and text, as if joined by spaces.
                let mut parts: Vec<&str> = Vec::with_capacity(d.m.len() + d.b.len() + 2);
                parts.push(&d.t);
                parts.extend(d.m.iter().map(String::as_str));
                parts.extend(d.b.iter().map(String::as_str));
                parts.push(&x);
                let terms = DocTerms::of_parts(&parts, shards);
                (x, terms)
            })
            .collect();
        Ok((base, done))
    };
    let merge = |(base, done): Read,
                 postings: &mut Vec<Shard>,
                 spare: &mut Vec<Vec<u64>>|
     -> anyhow::Result<()> {
        done.par_chunks(BLOCK)
            .enumerate()
            .try_for_each(|(k, block)| {
                let k = base / BLOCK + k;
                emit(
                    paths::search_text(k),
                    text_block(k, block.iter().map(|(x, _)| x.as_str())),
                )
            })?;
        let lists = std::mem::take(spare);
        let buckets = Buckets::of(done.iter().map(|(_, t)| t), base as u32, shards, lists);
        postings
            .par_iter_mut()
            .enumerate()
            .for_each(|(n, shard)| shard.add(n, &buckets));
        *spare = buckets.into_spare();
        Ok(())
    };
    // Each chunk is merged while the next one is read: the merge's steps
    // on one thread (regrouping by shard) then overlap with reading, which
    // keeps every core busy.
    let mut pending: Option<Read> = None;
    let mut spare = Vec::new();
    for (c, chunk) in docs.chunks(CHUNK).enumerate() {
        let (next, merged) = rayon::join(
            || read(c, chunk),
            || {
                pending
                    .take()
                    .map_or(Ok(()), |p| merge(p, &mut postings, &mut spare))
            },
        );
        merged?;
        pending = Some(next?);
    }
    if let Some(p) = pending {
        merge(p, &mut postings, &mut spare)?;
    }
    let chars: BTreeSet<char> = postings.iter().flat_map(Shard::chars).collect();
    // The index file is made on one thread while the shards are written
    // on the others: it was the last step of a big build with a core idle.
    let index = || {
        let t2s = t2s_pairs(&chars);
        let (w, d) = rows(docs);
        let cjk = |s: &str| s.chars().filter(|c| is_cjk(*c)).collect::<String>();
        let n = docs
            .iter()
            .enumerate()
            .filter_map(|(i, doc)| {
                let normal = normalize(&doc.t);
                (cjk(&normal) != cjk(&doc.t)).then_some((i, normal))
            })
            .collect();
        let index = Index {
            w,
            d,
            n,
            shards,
            block: BLOCK as u32,
            t2s,
        };
        emit(
            paths::SEARCH_INDEX.to_string(),
            format!("window.XINYU_SEARCH={};\n", script_json(&index)),
        )
    };
    let write_shards = || {
        postings
            .into_par_iter()
            .enumerate()
            .try_for_each(|(n, shard)| emit(paths::search_shard(n), shard.script(n)))
    };
    let (a, b) = rayon::join(index, write_shards);
    a.and(b)
}

/// [`index_files`] into a list sorted by path (small outputs and tests).
pub fn index_list(docs: &[Doc], text: &(dyn Fn(usize) -> String + Sync)) -> Vec<(String, String)> {
    let files = std::sync::Mutex::new(BTreeMap::new());
    let emit = |path: String, js: String| {
        files
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(path, js);
        Ok(())
    };
    // `emit` cannot fail, so neither can the index.
    let _ = index_files(docs, &|i| Ok(text(i)), &emit);
    files
        .into_inner()
        .unwrap_or_else(|p| p.into_inner())
        .into_iter()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_runs_give_characters_and_bigrams_and_latin_words_stay_whole() {
        assert_eq!(
            tokens(&normalize("考试焦虑 ABC")),
            ["考", "试", "焦", "虑", "考试", "试焦", "焦虑", "abc"]
        );
        assert_eq!(tokens(&normalize("3年级")), ["3", "年", "级", "年级"]);
        assert_eq!(tokens(&normalize("爱")), ["爱"]);
        // Full-width Latin and digits are folded by NFKC.
        assert_eq!(normalize("ＡＢＣ３"), "abc3");
    }

    #[test]
    fn every_chinese_substring_is_looked_up_by_terms_the_text_has() {
        let text = normalize("关爱自己，爱护同伴：3年级的ABC游戏。");
        let have: BTreeSet<String> = tokens(&text).into_iter().collect();
        let chars: Vec<char> = text.chars().collect();
        let mut tried = 0;
        for i in 0..chars.len() {
            for j in i + 1..=chars.len() {
                let q: String = chars[i..j].iter().collect();
                // Words of other letters are looked up whole.
                if !q.chars().all(is_cjk) {
                    continue;
                }
                let terms = query_terms(&q);
                assert!(!terms.is_empty(), "{q}");
                for t in &terms {
                    assert!(have.contains(t), "{q}: {t} is not indexed");
                }
                tried += 1;
            }
        }
        // 关爱自己 and 爱护同伴: 10 each; 年级的: 6; 游戏: 3.
        assert_eq!(tried, 29);
        // A single character inside a longer run: 爱 in 关爱 and 爱护.
        assert_eq!(query_terms("爱"), ["爱"]);
        assert!(have.contains("爱"));
        assert_eq!(query_terms("考试焦虑"), ["考试", "试焦", "焦虑"]);
        assert_eq!(query_terms("3年"), ["3", "年"]);
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
            m: vec![],
        };
        let files = index_list(&[d], &|_| "</script>".into());
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
        assert!(js.contains("\"n\":{}"), "{js}");
        // 情緒 → 情绪: only 绪 differs, and only characters in the index map.
        assert!(js.contains("\"t2s\":\"緒绪\""), "{js}");
    }

    #[test]
    fn postings_are_gaps_in_the_shard_the_browser_computes() {
        let doc = |t: &str| Doc {
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
            m: vec![],
        };
        // Over two chunks, so postings and text blocks cross chunk edges.
        let count = 2 * CHUNK + 52;
        let docs: Vec<Doc> = (0..count).map(|i| doc(&format!("第{i}课"))).collect();
        let text = |i: usize| {
            if i % 1000 == 7 {
                format!("考试焦虑 {i}")
            } else {
                format!("心情 {i}")
            }
        };
        let files = index_list(&docs, &text);
        let shards = count.div_ceil(20) as u32;
        let n = shard_of("焦虑", shards);
        let shard = &files
            .iter()
            .find(|(p, _)| *p == format!("search/p-{n}.js"))
            .unwrap()
            .1;
        // Docs 7, 1007 and 2007: gaps 7, 1000, 1000.
        assert!(shard.contains("\"焦虑\":[7,1000,1000]"), "{shard}");
        // 心情 is in every other doc: runs folded.
        let n = shard_of("心情", shards);
        let shard = &files
            .iter()
            .find(|(p, _)| *p == format!("search/p-{n}.js"))
            .unwrap()
            .1;
        assert!(
            shard.contains("\"心情\":[0,-6,2,-998,2,-998,2,-91]"),
            "{shard}"
        );
        // The same hash as search.js: (h * 31 + code point) mod 2^32.
        assert_eq!(shard_of("ab", 1000), ((97u32 * 31 + 98) % 1000));
        // 2,100 docs → 525 text blocks of 4, each with its docs' text.
        let blocks: Vec<&(String, String)> = files
            .iter()
            .filter(|(p, _)| p.starts_with("search/x-"))
            .collect();
        assert_eq!(blocks.len(), 525);
        let block = |k: usize| {
            &files
                .iter()
                .find(|(p, _)| *p == format!("search/x-{k}.js"))
                .unwrap()
                .1
        };
        assert_eq!(
            block(256),
            "XINYU_TEXT(256,[\"心情 1024\",\"心情 1025\",\"心情 1026\",\"心情 1027\"]);\n"
        );
        assert!(block(251).contains("\"考试焦虑 1007\""));
    }

    #[test]
    fn titles_whose_chinese_nfkc_changes_are_given_normalised() {
        let doc = |t: &str| Doc {
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
            m: vec![],
        };
        // Full-width Latin and punctuation change, but not the Chinese.
        let files = index_list(&[doc("情绪：ＡＢＣ"), doc("第㈠课")], &|_| {
            String::new()
        });
        assert!(
            files[0].1.contains("\"n\":{\"1\":\"第(一)课\"}"),
            "{}",
            files[0].1
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
