//! Safe messaging and privacy in one file's text: the words of the lists
//! (one Aho-Corasick pass over the file finds every word at every place)
//! and personal data (four regexes, run only on lines that could hold a
//! match).

use super::Rules;
use crate::diagnostic::Diagnostic;
use crate::model::{Band, Settings};
use aho_corasick::{AhoCorasick, MatchKind};
use regex::Regex;
use std::collections::HashMap;

/// A line of a file as `str::lines` gives it: where it starts, and where
/// its text ends (before `\n`, or before `\r\n`).
struct Lines {
    /// (start, end of text) of each line, in bytes.
    spans: Vec<(usize, usize)>,
}

impl Lines {
    fn new(text: &str) -> Lines {
        let bytes = text.as_bytes();
        let mut spans = Vec::new();
        let mut start = 0;
        while start < text.len() {
            let (end, next) = match text[start..].find('\n') {
                Some(i) => {
                    let nl = start + i;
                    let end = if nl > start && bytes[nl - 1] == b'\r' {
                        nl - 1
                    } else {
                        nl
                    };
                    (end, nl + 1)
                }
                None => (text.len(), text.len()),
            };
            spans.push((start, end));
            start = next;
        }
        Lines { spans }
    }

    /// (line, column in characters), both from 1, of the text at
    /// `start..end`, when it sits inside one line.
    fn place(&self, text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
        let i = self
            .spans
            .partition_point(|(s, _)| *s <= start)
            .checked_sub(1)?;
        let (from, to) = self.spans[i];
        (end <= to).then(|| (i + 1, text[from..start].chars().count() + 1))
    }
}

/// Safe-messaging and privacy checks of one file's text, with the
/// patterns compiled once.
pub struct Words<'r> {
    rules: &'r Rules,
    /// Every distinct word of the `means`, `suicide` and `case` lists, one
    /// pattern each, found overlapping: `自杀` inside `撞车自杀` is found too.
    /// None only when the words are too many for one automaton.
    automaton: Option<AhoCorasick>,
    /// The same words, for the quick test of whether a file holds any.
    any: Option<AhoCorasick>,
    /// The distinct words, by pattern.
    words: Vec<&'r str>,
    /// The pattern of each word of those lists, in list order.
    means: Vec<usize>,
    suicide: Vec<usize>,
    case: Vec<usize>,
    /// Declared hotline numbers, digits only: not private.
    hotlines: Vec<String>,
    /// A mobile number; a landline with area code; an 18-digit ID number; a 学号.
    mobile: Regex,
    landline: Regex,
    id_card: Regex,
    student_no: Regex,
}

impl<'r> Words<'r> {
    /// The checks with `rules`; the hotlines of `settings` are allowed.
    pub fn new(rules: &'r Rules, settings: &Settings) -> Words<'r> {
        // One pattern per distinct word: a word in two lists (or twice in
        // one) is searched once and reported for each.
        let mut words: Vec<&str> = Vec::new();
        let mut ids: HashMap<&str, usize> = HashMap::new();
        let mut id_of = |w: &'r str| {
            *ids.entry(w).or_insert_with(|| {
                words.push(w);
                words.len() - 1
            })
        };
        let mut ids_of = |list: &'r [String]| list.iter().map(|w| id_of(w)).collect::<Vec<_>>();
        let means = ids_of(&rules.means.words);
        let suicide = ids_of(&rules.suicide.words);
        let case = ids_of(&rules.case.words);
        Words {
            rules,
            automaton: AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .build(&words)
                .ok(),
            // Leftmost-first lets aho-corasick use its SIMD prefilter
            // (Teddy), which the overlapping search cannot.
            any: AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostFirst)
                .build(&words)
                .ok(),
            words,
            means,
            suicide,
            case,
            hotlines: settings
                .hotlines
                .iter()
                .map(|h| h.number.replace([' ', '-'], ""))
                .collect(),
            mobile: Regex::new(r"(?:^|[^0-9])(1[3-9][0-9]{9})(?:[^0-9]|$)").expect("valid regex"),
            landline: Regex::new(r"0[0-9]{2,3}[-‐—－ ]?[0-9]{7,8}").expect("valid regex"),
            id_card: Regex::new(r"(?:^|[^0-9])([0-9]{17}[0-9Xx])(?:[^0-9]|$)")
                .expect("valid regex"),
            student_no: Regex::new(r"学号[:：\s]*[0-9A-Za-z]{4,}").expect("valid regex"),
        }
    }

    /// Every place each word occurs in `text`, by pattern: (line, column
    /// in characters), both from 1, in order, as a search for that word
    /// alone, line by line, finds them (an occurrence that overlaps the
    /// one before of the same word is not another place).
    fn places(&self, text: &str) -> Vec<Vec<(usize, usize)>> {
        let mut found: Vec<Vec<(usize, usize)>> = vec![Vec::new(); self.words.len()];
        let Some(automaton) = &self.automaton else {
            // Too many words for an automaton: each word on its own.
            for (w, places) in self.words.iter().zip(&mut found) {
                *places = find_all(text, w);
            }
            return found;
        };
        // Most files hold none of the words: a plain search, which skips
        // ahead on the words' rare bytes, says so far faster than the
        // overlapping one (any overlapping match is also a plain match).
        if self.any.as_ref().is_some_and(|any| !any.is_match(text)) {
            return found;
        }
        let lines = Lines::new(text);
        // Where the next place of each word may start.
        let mut next = vec![0; self.words.len()];
        // Overlapping matches come in order of their end, so one word's
        // come in order of their start.
        for m in automaton.find_overlapping_iter(text) {
            let p = m.pattern().as_usize();
            if m.start() < next[p] {
                continue;
            }
            if let Some(place) = lines.place(text, m.start(), m.end()) {
                next[p] = m.end();
                found[p].push(place);
            }
        }
        found
    }

    /// Checks the text of the file at `path`, written for `bands`.
    pub fn file(
        &self,
        path: &str,
        bands: &[Band],
        sensitive: bool,
        text: &str,
        out: &mut Vec<Diagnostic>,
    ) {
        let rules = self.rules;
        let lower_primary_only = bands == [Band::LowerPrimary];
        let lower_primary = bands.contains(&Band::LowerPrimary);
        let places = self.places(text);
        for (w, p) in rules.means.words.iter().zip(&self.means) {
            for &(line, col) in &places[*p] {
                out.push(
                    Diagnostic::error(path, line, col, format!("出现了描述自杀或自伤方法、手段的词“{w}”"))
                        .with_len(w.chars().count())
                        .with_hint("按安全报道原则，不描述方法、手段或地点\u{FF1B}改为讲清“感到撑不住时向谁求助”"),
                );
            }
        }
        let mut mentions_suicide = None;
        for (w, p) in rules.suicide.words.iter().zip(&self.suicide) {
            for &(line, col) in &places[*p] {
                mentions_suicide.get_or_insert((line, col, w));
                if lower_primary {
                    out.push(
                        Diagnostic::error(path, line, col, format!("小学低年级的内容里出现了“{w}”"))
                            .with_len(w.chars().count())
                            .with_hint("小学低年级不讲自杀话题\u{FF1B}只传递“很难过、很害怕时，告诉你信任的大人”"),
                    );
                }
            }
        }
        if let Some((line, col, w)) = mentions_suicide
            && !sensitive
            && !lower_primary_only
        {
            out.push(
                Diagnostic::warning(
                    path,
                    line,
                    col,
                    format!("提到了“{w}”，但文件没有标 sensitive: true"),
                )
                .with_len(w.chars().count())
                .with_hint(
                    "在前置信息里加上 sensitive: true\u{FF0C}页面会提醒老师提前通读并做好求助转介",
                ),
            );
        }
        self.private(path, text, out);
        let case = rules
            .case
            .words
            .iter()
            .zip(&self.case)
            .find_map(|(w, p)| places[*p].first().map(|(l, c)| (*l, *c, w)));
        // A case story is fine when the file says it is made up, anywhere.
        if let Some((line, col, w)) = case
            && !rules
                .case
                .fictional
                .iter()
                .any(|f| text.contains(f.as_str()))
        {
            out.push(
                Diagnostic::error(path, line, col, "有案例故事，但没有说明是虚构的")
                    .with_len(w.chars().count())
                    .with_hint(
                        "案例要用虚构或改编的人物，并写明“以下案例为虚构”或在名字后注明“（化名）”",
                    ),
            );
        }
    }

    /// Personal data in `text`, the file `path`: mobile numbers, phone
    /// numbers that are not declared hotlines, ID card numbers, 学号.
    pub fn private(&self, path: &str, text: &str, out: &mut Vec<Diagnostic>) {
        // Each number pattern needs at least ten ASCII digits on its line
        // (a landline: 0, a two-digit area code, seven digits), and a
        // student number the word 学号: most lines need no regex at all,
        // and a file with fewer than ten digits in all has no such line.
        // Digits are counted in bytes, 255 at a time: a `usize` count
        // widens every byte and the SIMD loop then reads two bytes a step.
        let mut numbers = Vec::new();
        let digits = |b: &[u8]| -> usize {
            b.chunks(255)
                .map(|c| c.iter().fold(0u8, |n, x| n + u8::from(x.is_ascii_digit())) as usize)
                .sum()
        };
        if digits(text.as_bytes()) >= 10 {
            let bytes = text.as_bytes();
            let mut start = 0;
            let ends = memchr::memchr_iter(b'\n', bytes).chain([bytes.len()]);
            for (i, end) in ends.enumerate() {
                if digits(&bytes[start..end]) >= 10 {
                    // As `str::lines` gives it: without the `\r` of `\r\n`.
                    let l = &text[start..end];
                    numbers.push((i + 1, l.strip_suffix('\r').unwrap_or(l)));
                }
                start = end + 1;
            }
        }
        let mut student = Vec::new();
        if text.contains("学号") {
            for (i, line) in text.lines().enumerate() {
                if line.contains("学号") {
                    student.push((i + 1, line));
                }
            }
        }
        for (line, col, m) in regex_all(&numbers, &self.mobile) {
            out.push(
                Diagnostic::error(path, line, col, format!("出现了手机号码 {m}"))
                    .with_len(m.chars().count())
                    .with_hint("课程材料里不能出现个人电话号码\u{FF1B}求助电话写在 xinyu.toml 的 [[hotlines]] 里，每页自动显示"),
            );
        }
        for (line, col, m) in regex_all(&numbers, &self.landline) {
            let digits: String = m.chars().filter(char::is_ascii_digit).collect();
            if self.hotlines.contains(&digits) {
                continue;
            }
            out.push(
                Diagnostic::error(
                    path,
                    line,
                    col,
                    format!("出现了没有登记为求助热线的电话号码 {m}"),
                )
                .with_len(m.chars().count())
                .with_hint("如果这是求助热线，请写进 xinyu.toml 的 [[hotlines]]\u{FF1B}否则请删除"),
            );
        }
        for (line, col, m) in regex_all(&numbers, &self.id_card) {
            out.push(
                Diagnostic::error(path, line, col, "出现了像身份证号的 18 位号码")
                    .with_len(m.chars().count())
                    .with_hint("课程材料里不能出现任何人的身份证号"),
            );
        }
        for (line, col, m) in regex_all(&student, &self.student_no) {
            out.push(
                Diagnostic::error(path, line, col, "出现了学号")
                    .with_len(m.chars().count())
                    .with_hint("课程材料里不能出现学生的学号、姓名等个人信息"),
            );
        }
    }

    /// Personal data in the values of the `[facts]` table: a value appears
    /// on every page that refers to it.
    pub(super) fn facts(&self, settings: &Settings, out: &mut Vec<Diagnostic>) {
        for f in &settings.facts.declared {
            let mut found = Vec::new();
            self.private(crate::load::settings::FILE, &f.value, &mut found);
            for mut d in found {
                // The value is one line; its text starts after the quote.
                d.column += f.column;
                d.line = f.line;
                if let Some(h) = d.hint.as_mut()
                    && d.message.contains("电话号码")
                {
                    *h = format!(
                        "本地信息“{}”会出现在每个引用它的页面上\u{FF1B}学校的求助电话请写成一条 [[hotlines]]\u{FF0C}再在内容里用 {{{{热线名字}}}} 引用它的号码",
                        f.name
                    );
                }
                out.push(d);
            }
        }
    }
}

/// Every place `needle` occurs in `text`: (line, column in characters),
/// one line at a time. Slower than [`Words::places`] by the number of
/// words; used only when the words do not fit in one automaton.
fn find_all(text: &str, needle: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let mut from = 0;
        while let Some(pos) = line[from..].find(needle) {
            let at = from + pos;
            out.push((i + 1, line[..at].chars().count() + 1));
            from = at + needle.len();
        }
    }
    out
}

/// Every match of `re` in `lines` ((line number, text) pairs), its first
/// group when it has one, so context characters around a number are not
/// part of the span: (line, column in characters, the match).
fn regex_all(lines: &[(usize, &str)], re: &Regex) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    for &(n, line) in lines {
        for caps in re.captures_iter(line) {
            let Some(m) = caps.get(1).or_else(|| caps.get(0)) else {
                continue;
            };
            out.push((
                n,
                line[..m.start()].chars().count() + 1,
                m.as_str().to_string(),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> Settings {
        Settings::default()
    }

    fn rules(means: &[&str], suicide: &[&str]) -> Rules {
        let mut r = Rules::default();
        r.means.words = means.iter().map(|w| w.to_string()).collect();
        r.suicide.words = suicide.iter().map(|w| w.to_string()).collect();
        r.case.words = vec!["案例".into()];
        r
    }

    #[test]
    fn one_pass_finds_the_places_a_search_per_word_found() {
        // Overlapping words (自杀 in 撞车自杀, 安眠药 in 吃安眠药), a word
        // twice in a row and overlapping itself (哈哈 in 哈哈哈), a word in
        // two lists, multi-byte text before each, CRLF, a word that would
        // reach across a line end, and a last line without one.
        let r = rules(
            &[
                "撞车自杀",
                "吃安眠药",
                "安眠药",
                "哈哈",
                "自杀",
                "药\n吃",
                "药\r",
            ],
            &["自杀", "不想活", "自杀"],
        );
        let text = "第一行：撞车自杀和自杀。\r\n\
                    你好，ａｂｃ——吃安眠药，安眠药药\n\
                    哈哈哈哈哈　哈哈哈\n\
                    \n\
                    一二三不想活不想活自杀\r\n\
                    吃安眠药\r";
        let w = Words::new(&r, &settings());
        let places = w.places(text);
        for (p, word) in w.words.iter().enumerate() {
            assert_eq!(places[p], find_all(text, word), "{word}");
        }
        let at = |word: &str| &places[w.words.iter().position(|x| *x == word).unwrap()];
        assert_eq!(at("撞车自杀"), &[(1, 5)]);
        assert_eq!(at("自杀"), &[(1, 7), (1, 10), (5, 10)]);
        assert_eq!(at("安眠药"), &[(2, 10), (2, 14), (6, 2)]);
        assert_eq!(at("吃安眠药"), &[(2, 9), (6, 1)]);
        assert_eq!(at("哈哈"), &[(3, 1), (3, 3), (3, 7)]);
        assert_eq!(at("不想活"), &[(5, 4), (5, 7)]);
        assert!(at("药\n吃").is_empty());
        // `str::lines` keeps a last line's `\r`.
        assert_eq!(at("药\r"), &[(6, 4)]);
        assert_eq!(w.words.len(), 9, "one pattern per distinct word");
    }

    #[test]
    fn findings_are_in_list_order_with_every_place() {
        let r = rules(&["撞车自杀"], &["自杀"]);
        let mut out = Vec::new();
        Words::new(&r, &settings()).file(
            "a.md",
            &[Band::LowerPrimary],
            false,
            "ａ撞车自杀，自杀\n案例",
            &mut out,
        );
        let got: Vec<(usize, usize, &str)> = out
            .iter()
            .map(|d| (d.line, d.column, d.message.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (1, 2, "出现了描述自杀或自伤方法、手段的词“撞车自杀”"),
                (1, 4, "小学低年级的内容里出现了“自杀”"),
                (1, 7, "小学低年级的内容里出现了“自杀”"),
                (2, 1, "有案例故事，但没有说明是虚构的"),
            ]
        );
    }

    #[test]
    fn numbers_are_found_only_where_they_can_be() {
        let r = rules(&[], &[]);
        let mut out = Vec::new();
        Words::new(&r, &settings()).private(
            "a.md",
            "电话：13912345678\n短的 123456789\n学号：ab12cd\n身份证 11010519491231002X",
            &mut out,
        );
        let got: Vec<(usize, usize)> = out.iter().map(|d| (d.line, d.column)).collect();
        // Mobile, landline (inside the ID number, as before), ID, 学号.
        assert_eq!(got, [(1, 4), (4, 7), (4, 5), (3, 1)]);
        // Lines counted as `str::lines` counts them: CRLF, empty lines, a
        // number on the last line with and without its line end.
        for text in ["\r\n\r\n电话：13912345678\r\n", "\n\n电话：13912345678"] {
            let mut out = Vec::new();
            Words::new(&r, &settings()).private("a.md", text, &mut out);
            let got: Vec<(usize, usize, usize)> =
                out.iter().map(|d| (d.line, d.column, d.len)).collect();
            assert_eq!(got, [(3, 4, 11)], "{text:?}");
        }
        // The lines left out could hold none of them.
        let w = Words::new(&r, &settings());
        let text = "短的 123456789\n0１２３４５６７８９０\nab12cd 学 号 1234";
        let all: Vec<(usize, &str)> = text.lines().enumerate().map(|(i, l)| (i + 1, l)).collect();
        for re in [&w.mobile, &w.landline, &w.id_card, &w.student_no] {
            assert!(regex_all(&all, re).is_empty());
        }
    }
}
