//! Skeletons for `xinyu new` and `xinyu init`: complete, valid files with
//! every field, whose timed parts already add up, and prompts where the
//! author writes.

use crate::model::{Band, Date, Term};

/// Minutes of the phases of a lesson of `duration` minutes.
fn phases(duration: u32) -> [(&'static str, u32); 4] {
    let main = duration.saturating_sub(20).max(5);
    [
        ("暖身导入：（活动名称）", 5),
        ("主题活动：（活动名称）", main),
        ("分享交流", 10),
        ("总结升华", 5),
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
  cognitive: （认知目标:学生知道……）
  affective: （情感目标:学生愿意……）
  behavioral: （行为目标:学生学会……）
key_points: （教学重点）
difficulties: （教学难点）
materials: [（教学准备）]
# parents: parents/xxx.md     # 配套家长读本
sensitive: false
---

## 设计理念

（为什么在这个年龄、这个时候上这节课。）

## 活动过程

",
        qtitle = yaml_string(title),
        first = band.grades().start(),
        last = band.grades().end(),
        term = term.slug(),
    );
    for (name, minutes) in phases(duration) {
        s.push_str(&format!(
            "### {name}（{minutes}分钟）\n\n**教师**:（教师的引导语。）\n\n1. （学生做什么,一步一步写清楚。）\n\n"
        ));
    }
    s.push_str(
        "## 课后延伸\n\n（一周内可以完成的一件小事。）\n\n## 学习单\n\n1. （给学生自己填写的问题）______\n\n（学习单只留给自己,不用上交。）\n\n## 教学反思\n\n1. 学生在哪个环节最投入?\n2. 哪个环节时间不够或太长?\n3. 有没有学生需要课后单独关心?\n",
    );
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

1. （通过这次班会,学生……）

## 会前准备

- 主持人:（两名学生,提前熟悉脚本。）
- 材料:（卡片、白纸……）
- 座位:（分组坐。）

## 开场（5分钟）

**主持人甲**:同学们好!

**主持人乙**:（介绍今天的主题。）

## 主题活动（小组活动的名称）（{main}分钟）

（写清楚活动规则、分组方式和每一步的时间。）

**主持人甲**:（台词。）

## 分享交流（10分钟）

**主持人乙**:（请各组分享。）

## 班主任总结（5分钟）

**班主任**:（班主任的总结。）

## 会后跟进

- （班会后一周内的小任务。）
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

（用家里老人也能看懂的话写。）

## 这周在家可以这样做

1. （一件具体的事,附上可以对孩子说的话。）
2. 
3. 

## 可以少做的事

- 

## 这些情况,请及时联系学校

- （哪些信号出现时,请联系班主任或学校心理辅导室。）
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

（写清楚谁在什么时候用它，例如“班主任每周班级排查时对照使用”。）

## 需要留意的信号

- （具体、可观察的表现，例如“连续几天独自吃饭、不和同学说话”。）

## 老师可以这样做

1. （第一步做什么、说什么；附上可以对学生说的原话。）
2. 

## 什么时候必须转介

- （哪些情况当天告诉学校心理辅导室和分管领导，不单独处理。）

## 求助渠道

- 学校心理辅导室：（地点和开放时间）
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

/// Settings for a new project.
pub fn settings(title: &str, today: Date) -> String {
    fullwidth(&format!(
        "# 课程项目设置,字段说明见用户手册“内容格式”一章。
title = \"{title}\"
publisher = \"（教研室或学校名称）\"
language = \"zh-Hans\"

[[hotlines]]
name = \"全国统一心理援助热线\"
number = \"12356\"
note = \"各地服务时段不同,请以当地公布为准\"
verified_on = {today}

[[hotlines]]
name = \"青少年服务台（共青团）\"
number = \"12355\"
verified_on = {today}

[[hotlines]]
name = \"报警（紧急危险时）\"
number = \"110\"
verified_on = {today}

[[hotlines]]
name = \"急救（紧急危险时）\"
number = \"120\"
verified_on = {today}

# 本地信息：课程内容的任何文字里写 {{{{心理咨询室}}}}，页面、打印页、课程包和搜索里
# 都显示这里写的内容；改这一处，所有页面一起改。名字要用英文双引号括起来。
# 上面的热线也能这样引用：{{{{全国统一心理援助热线}}}} 显示它的号码 12356。
# 请把括号里的提示换成本地的实际情况；用不到的整行删掉。
[facts]
\"心理咨询室\" = \"（心理咨询室的位置和开放时间，如：行政楼二楼，周一至周五 12:30—13:30）\"
\"心理老师\" = \"（学校心理老师的称呼，如：王老师）\"
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
                &text,
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
                &meeting(&[Band::JuniorHigh], Term::Spring, 3, "测试"),
                None,
                &mut d
            )
            .is_some(),
            "{d:?}"
        );
        assert!(
            crate::load::parse_handout(
                "parents/a.md",
                &handout(&[Band::LowerPrimary], Term::Autumn, 1, "测试"),
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
        let text = settings("心育", Date::new(2026, 11, 22).unwrap_or_default());
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
