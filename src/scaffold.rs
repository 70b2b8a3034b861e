//! Skeletons for `xinyu new` and `xinyu init`: complete, valid files with
//! every field, whose timed parts already add up, and prompts where the
//! author writes.
//!
//! Every prompt is a [`Placeholder`] from [`PLACEHOLDERS`]
//! (`scaffold/placeholders.rs`); the skeletons are written from that list
//! and `check` looks for the same list, so a prompt left in a file is
//! reported and keeps the file out of packs and PDFs.

mod placeholders;

use crate::model::{Band, Date, Term};
use placeholders::*;
pub use placeholders::{PLACEHOLDERS, Placeholder};

/// Minutes of the phases of a lesson of `duration` minutes.
fn phases(duration: u32) -> [(String, u32); 4] {
    let main = duration.saturating_sub(20).max(5);
    [
        (format!("暖身导入：{ACTIVITY}"), 5),
        (format!("主题活动：{ACTIVITY}"), main),
        ("分享交流".to_string(), 10),
        ("总结升华".to_string(), 5),
    ]
}

/// A lesson plan.
pub fn lesson(band: Band, term: Term, order: u32, title: &str) -> String {
    let duration = band.usual_duration();
    let mut s = format!(
        "---
title: {qtitle}
# grades: [{first}]          # 只适用于部分年级时再写,范围 {first}–{last}
term: {term}
order: {order}
duration: {duration}
areas: [self]                # self learning relationships emotions career adaptation
topics: []
forms: [game, discussion]    # group-guidance training discussion situation role-play game psychodrama talk
objectives:
  cognitive: {COGNITIVE}
  affective: {AFFECTIVE}
  behavioral: {BEHAVIORAL}
key_points: {KEY_POINTS}
difficulties: {DIFFICULTIES}
materials: [{MATERIALS}]
# parents: parents/xxx.md     # 配套家长读本
sensitive: false
---

## 设计理念

{RATIONALE}

## 活动过程

",
        qtitle = yaml_string(title),
        first = band.grades().start(),
        last = band.grades().end(),
        term = term.slug(),
    );
    for (name, minutes) in phases(duration) {
        s.push_str(&format!(
            "### {name}（{minutes}分钟）\n\n**教师**:{TEACHER_SAYS}\n\n1. {STUDENTS_DO}\n\n"
        ));
    }
    s.push_str(&format!(
        "## 课后延伸\n\n{EXTENSION}\n\n## 学习单\n\n1. {WORKSHEET}______\n\n（学习单只留给自己，不用上交。）\n\n## 教学反思\n\n1. 学生在哪个环节最投入？\n2. 哪个环节时间不够或太长？\n3. 有没有学生需要课后单独关心？\n",
    ));
    fullwidth(&s)
}

/// A class-meeting script.
pub fn meeting(bands: &[Band], term: Term, month: u32, title: &str) -> String {
    let duration = bands.iter().map(|b| b.usual_duration()).max().unwrap_or(40);
    let main = duration - 20;
    let list: Vec<&str> = bands.iter().map(|b| b.slug()).collect();
    fullwidth(&format!(
        "---
title: {qtitle}
bands: [{bands}]
term: {term}
month: {month}
duration: {duration}
roles: [主持人甲, 主持人乙, 班主任]
areas: [adaptation]
sensitive: false
---

## 班会目标

1. {MEETING_AIM}

## 会前准备

- 主持人:{HOSTS}
- 材料:{MEETING_MATERIALS}
- 座位:{SEATING}

## 开场（5分钟）

**主持人甲**:同学们好!

**主持人乙**:{THEME_INTRO}

## 主题活动{GROUP_ACTIVITY}（{main}分钟）

{RULES}

**主持人甲**:{HOST_LINE}

## 分享交流（10分钟）

**主持人乙**:{GROUPS_SHARE}

## 班主任总结（5分钟）

**班主任**:{CLASS_TEACHER_SUMS_UP}

## 会后跟进

- {FOLLOW_UP}
",
        bands = list.join(", "),
        term = term.slug(),
        qtitle = yaml_string(title),
    ))
}

/// A parent handout.
pub fn handout(bands: &[Band], term: Term, order: u32, title: &str) -> String {
    let list: Vec<&str> = bands.iter().map(|b| b.slug()).collect();
    fullwidth(&format!(
        "---
title: {qtitle}
bands: [{bands}]
term: {term}
order: {order}
sensitive: false
---

## 孩子这段时间在经历什么

{CHILD_NOW}

## 这周在家可以这样做

1. {AT_HOME}
2. {AT_HOME_MORE}

## 可以少做的事

- {DO_LESS}

## 这些情况,请及时联系学校

- {SIGNS}
",
        bands = list.join(", "),
        term = term.slug(),
        qtitle = yaml_string(title),
    ))
}

/// A teacher guide (教师指南): who it is for, what to watch for, what to
/// do, when to refer, where help is. Not timed; a training session adds
/// `duration` and times its `##` parts.
pub fn guide(bands: &[Band], month: Option<u32>, title: &str) -> String {
    let list: Vec<&str> = bands.iter().map(|b| b.slug()).collect();
    let month = month.map(|m| format!("month: {m}\n")).unwrap_or_default();
    fullwidth(&format!(
        "---
title: {qtitle}
audience: [班主任, 心理教师]
bands: [{bands}]
{month}sensitive: false
---

## 这份指南用来做什么

{GUIDE_USE}

## 需要留意的信号

- {GUIDE_SIGNS}

## 老师可以这样做

1. {GUIDE_STEP}
2. 

## 什么时候必须转介

- {GUIDE_REFER}

## 求助渠道

- 学校心理辅导室：{GUIDE_ROOM}
- 紧急情况：拨打 110 或 120
",
        bands = list.join(", "),
        qtitle = yaml_string(title),
    ))
}

/// A title as a YAML double-quoted scalar (JSON strings are valid YAML), so
/// `第3课: 情绪` or `#1` cannot break the front matter.
fn yaml_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{}\"", s.replace('"', "")))
}

/// Settings for a new project. The hotlines carry no `verified_on`:
/// nobody has called them yet, and a date written by the tool would say
/// somebody had (`check` reports each until it has one).
pub fn settings(title: &str) -> String {
    fullwidth(&format!(
        "# 课程项目设置,字段说明见用户手册“内容格式”一章。
title = \"{title}\"
publisher = \"{PUBLISHER}\"
language = \"zh-Hans\"

# 求助热线,每一页的求助信息里都会列出。每条热线请先打一次,确认能打通、
# 名称和备注都对,再在这条热线下面加一行 verified_on = 核实的日期,
# 日期写成 2026-09-01 这样,不加引号。还没核实的热线,xinyu check 会提醒。

[[hotlines]]
name = \"全国统一心理援助热线\"
number = \"12356\"
note = \"各地服务时段不同,请以当地公布为准\"

[[hotlines]]
name = \"青少年服务台（共青团）\"
number = \"12355\"

[[hotlines]]
name = \"报警（紧急危险时）\"
number = \"110\"

[[hotlines]]
name = \"急救（紧急危险时）\"
number = \"120\"

# 本地信息：课程内容的任何文字里写 {{{{心理咨询室}}}}，页面、打印页、课程包和搜索里
# 都显示这里写的内容；改这一处，所有页面一起改。名字要用英文双引号括起来。
# 上面的热线也能这样引用：{{{{全国统一心理援助热线}}}} 显示它的号码 12356。
# 请把括号里的提示换成本地的实际情况；用不到的整行删掉。
[facts]
\"心理咨询室\" = \"{COUNSELLING_ROOM}\"
\"心理老师\" = \"{PSYCHOLOGY_TEACHER}\"
"
    ))
}

/// The autumn term calendar of the school year that starts in `year`: 20
/// weeks from the first Monday of September, with 国庆 and exam weeks. A
/// district replaces the dates with its own.
pub fn autumn_calendar(year: i16) -> String {
    let sept1 = Date::new(year, 9, 1).unwrap_or_default();
    let back = i64::from(sept1.weekday().to_monday_zero_offset());
    // The Monday of the week containing 1 September.
    let first = sept1
        .checked_sub(jiff::Span::new().days(back))
        .unwrap_or(sept1);
    let week = |n: i64| {
        first
            .checked_add(jiff::Span::new().days(7 * (n - 1)))
            .unwrap_or(first)
    };
    let friday = |d: Date| d.checked_add(jiff::Span::new().days(4)).unwrap_or(d);
    let (mid, fin) = (week(11), week(20));
    fullwidth(&format!(
        "# 示例校历:请改成本地区的日期。
name = \"{year}—{next}学年第一学期\"
term = \"autumn\"
first_monday = {first}
weeks = 20
cadence = 2

[[breaks]]
name = \"国庆节\"
start = {year}-10-01
end = {year}-10-07

[[breaks]]
name = \"期中考试周\"
start = {mid}
end = {midf}

[[breaks]]
name = \"期末考试周\"
start = {fin}
end = {finf}

[[events]]
name = \"开学适应活动月\"
start = {year}-09-01
end = {year}-09-30
kind = \"activity-month\"

[[events]]
name = \"世界精神卫生日\"
date = {year}-10-10
kind = \"observance\"
",
        next = year + 1,
        midf = friday(mid),
        finf = friday(fin),
    ))
}

/// Full-width punctuation for the Chinese text of the skeletons: `:`, `,`,
/// `?` next to Chinese characters. Markdown syntax (`**`, `###`)
/// and YAML keys are ASCII and stay as they are.
fn fullwidth(s: &str) -> String {
    // YAML lists (`roles: [主持人甲, 主持人乙]`) keep their ASCII commas.
    s.split_inclusive('\n')
        .map(|line| {
            let key = line.split(':').next().unwrap_or("");
            let yaml_list = !key.is_empty()
                && key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ' ')
                && line.contains('[');
            if yaml_list {
                line.to_string()
            } else {
                fullwidth_line(line)
            }
        })
        .collect()
}

fn fullwidth_line(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let cjk = |c: Option<&char>| {
        c.is_some_and(|c| ('\u{4e00}'..='\u{9fff}').contains(c) || "“”，。、".contains(*c))
    };
    let mut out = String::with_capacity(s.len());
    for (i, c) in chars.iter().enumerate() {
        let (prev, next) = (
            if i > 0 { chars.get(i - 1) } else { None },
            chars.get(i + 1),
        );
        let near = cjk(prev) || cjk(next) || (*c == ':' && prev == Some(&'*'));
        let mapped = match c {
            ',' if near => '，',
            ':' if near && !(prev.is_some_and(|p| p.is_ascii_alphabetic())) => '：',
            '?' if near => '？',
            c => *c,
        };
        out.push(mapped);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Diagnostic;

    #[test]
    fn skeletons_are_valid_and_add_up() {
        for band in Band::ALL {
            let text = lesson(*band, Term::Autumn, 3, "第3课: #情绪 [草稿]");
            let mut d: Vec<Diagnostic> = Vec::new();
            let l = crate::load::parse_lesson(
                &format!("lessons/{}/a.md", band.slug()),
                *band,
                &text.as_str().into(),
                None,
                &mut d,
            );
            assert!(d.is_empty(), "{band:?}: {d:?}\n{text}");
            let l = l.unwrap();
            assert_eq!(
                l.phases.iter().map(|p| p.minutes).sum::<u32>(),
                band.usual_duration()
            );
            assert!(text.contains("**教师**："), "{text}");
        }
        let mut d = Vec::new();
        assert!(
            crate::load::parse_meeting(
                "meetings/a.md",
                &meeting(&[Band::JuniorHigh], Term::Spring, 3, "测试").into(),
                None,
                &mut d
            )
            .is_some(),
            "{d:?}"
        );
        assert!(
            crate::load::parse_handout(
                "parents/a.md",
                &handout(&[Band::LowerPrimary], Term::Autumn, 1, "测试").into(),
                None,
                &mut d
            )
            .is_some(),
            "{d:?}"
        );
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn new_settings_define_placeholder_facts() {
        let text = settings("心育");
        let mut d = Vec::new();
        let s = crate::load::settings::parse(&text, &mut d).unwrap();
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(
            s.facts.get("心理老师"),
            Some("（学校心理老师的称呼，如：王老师）")
        );
        assert!(text.contains("{{心理咨询室}}"), "{text}");
    }

    #[test]
    fn the_calendar_starts_on_a_monday() {
        let text = autumn_calendar(2027);
        assert!(text.contains("first_monday = 2027-08-30"), "{text}");
        assert!(text.contains("name = \"2027—2028学年第一学期\""));
    }
}
