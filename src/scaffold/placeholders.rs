//! The prompts the skeletons leave where the author writes, in one list:
//! the templates in `scaffold.rs` are written from these constants, and
//! `check` looks for the same list. A unit test below holds the skeletons
//! to it: a bracketed prompt typed into a template without an entry here
//! fails, so a new prompt cannot be forgotten by the check.

/// A prompt a skeleton leaves where the author writes.
#[derive(Debug)]
pub struct Placeholder {
    /// The exact text, full-width brackets included.
    pub text: &'static str,
    /// What to write instead (the hint `check` gives while it is left in).
    pub write: &'static str,
}

// In a lesson plan.
pub(super) const ACTIVITY: &str = "（活动名称）";
pub(super) const COGNITIVE: &str = "（认知目标：学生知道……）";
pub(super) const AFFECTIVE: &str = "（情感目标：学生愿意……）";
pub(super) const BEHAVIORAL: &str = "（行为目标：学生学会……）";
pub(super) const KEY_POINTS: &str = "（教学重点）";
pub(super) const DIFFICULTIES: &str = "（教学难点）";
pub(super) const MATERIALS: &str = "（教学准备）";
pub(super) const RATIONALE: &str = "（为什么在这个年龄、这个时候上这节课。）";
pub(super) const TEACHER_SAYS: &str = "（教师的引导语。）";
pub(super) const STUDENTS_DO: &str = "（学生做什么，一步一步写清楚。）";
pub(super) const EXTENSION: &str = "（一周内可以完成的一件小事。）";
pub(super) const WORKSHEET: &str = "（给学生自己填写的问题）";
// In a class-meeting script.
pub(super) const MEETING_AIM: &str = "（通过这次班会，学生……）";
pub(super) const HOSTS: &str = "（两名学生，提前熟悉脚本。）";
pub(super) const MEETING_MATERIALS: &str = "（卡片、白纸……）";
pub(super) const SEATING: &str = "（分组坐。）";
pub(super) const THEME_INTRO: &str = "（介绍今天的主题。）";
pub(super) const GROUP_ACTIVITY: &str = "（小组活动的名称）";
pub(super) const RULES: &str = "（写清楚活动规则、分组方式和每一步的时间。）";
pub(super) const HOST_LINE: &str = "（台词。）";
pub(super) const GROUPS_SHARE: &str = "（请各组分享。）";
pub(super) const CLASS_TEACHER_SUMS_UP: &str = "（班主任的总结。）";
pub(super) const FOLLOW_UP: &str = "（班会后一周内的小任务。）";
// In a parent handout.
pub(super) const CHILD_NOW: &str = "（用家里老人也能看懂的话写。）";
pub(super) const AT_HOME: &str = "（一件具体的事，附上可以对孩子说的话。）";
pub(super) const AT_HOME_MORE: &str = "（再写一件具体的事。）";
pub(super) const DO_LESS: &str = "（一件家长常做、却帮不上孩子的事。）";
pub(super) const SIGNS: &str = "（哪些信号出现时，请联系班主任或学校心理辅导室。）";
// In the settings (`xinyu.toml`).
pub(super) const PUBLISHER: &str = "（教研室或学校名称）";
pub(super) const COUNSELLING_ROOM: &str =
    "（心理咨询室的位置和开放时间，如：行政楼二楼，周一至周五 12:30—13:30）";
pub(super) const PSYCHOLOGY_TEACHER: &str = "（学校心理老师的称呼，如：王老师）";
// In a teacher guide.
pub(super) const GUIDE_USE: &str =
    "（写清楚谁在什么时候用它，例如“班主任每周班级排查时对照使用”。）";
pub(super) const GUIDE_SIGNS: &str =
    "（具体、可观察的表现，例如“连续几天独自吃饭、不和同学说话”。）";
pub(super) const GUIDE_STEP: &str = "（第一步做什么、说什么；附上可以对学生说的原话。）";
pub(super) const GUIDE_REFER: &str = "（哪些情况当天告诉学校心理辅导室和分管领导，不单独处理。）";
pub(super) const GUIDE_ROOM: &str = "（地点和开放时间）";

/// Every prompt the skeletons write (lesson, class meeting, parent
/// handout, settings), with what belongs in its place.
pub const PLACEHOLDERS: &[Placeholder] = &[
    Placeholder {
        text: ACTIVITY,
        write: "写上这个环节的活动名称，例如“情绪天气预报”",
    },
    Placeholder {
        text: COGNITIVE,
        write: "写一句认知目标：学生知道或理解什么",
    },
    Placeholder {
        text: AFFECTIVE,
        write: "写一句情感目标：学生愿意接纳、体会到什么",
    },
    Placeholder {
        text: BEHAVIORAL,
        write: "写一句行为目标：学生学会做什么",
    },
    Placeholder {
        text: KEY_POINTS,
        write: "写这节课的教学重点；不写时删掉这一行",
    },
    Placeholder {
        text: DIFFICULTIES,
        write: "写这节课的教学难点；不写时删掉这一行",
    },
    Placeholder {
        text: MATERIALS,
        write: "列出要准备的东西，例如 [情绪卡片, 计时器]；不需要准备时删掉这一行",
    },
    Placeholder {
        text: RATIONALE,
        write: "写设计理念：这个年龄的学生有什么特点，为什么这时候上这节课",
    },
    Placeholder {
        text: TEACHER_SAYS,
        write: "写教师在这个环节说的话",
    },
    Placeholder {
        text: STUDENTS_DO,
        write: "一步一步写学生在这个环节做什么",
    },
    Placeholder {
        text: EXTENSION,
        write: "写一件学生课后一周内能做到的小事",
    },
    Placeholder {
        text: WORKSHEET,
        write: "写学习单上给学生自己填写的问题",
    },
    Placeholder {
        text: MEETING_AIM,
        write: "写这次班会的目标：通过班会，学生能做到什么",
    },
    Placeholder {
        text: HOSTS,
        write: "写主持人怎么选、怎么准备，例如“两名学生，提前一周拿到脚本”",
    },
    Placeholder {
        text: MEETING_MATERIALS,
        write: "列出班会要准备的材料",
    },
    Placeholder {
        text: SEATING,
        write: "写座位怎么安排",
    },
    Placeholder {
        text: THEME_INTRO,
        write: "写主持人介绍主题时说的话",
    },
    Placeholder {
        text: GROUP_ACTIVITY,
        write: "写上小组活动的名称",
    },
    Placeholder {
        text: RULES,
        write: "写清楚活动规则、分组方式和每一步的时间",
    },
    Placeholder {
        text: HOST_LINE,
        write: "写主持人在这里说的话",
    },
    Placeholder {
        text: GROUPS_SHARE,
        write: "写主持人请各组分享时说的话",
    },
    Placeholder {
        text: CLASS_TEACHER_SUMS_UP,
        write: "写班主任总结时说的话",
    },
    Placeholder {
        text: FOLLOW_UP,
        write: "写班会后一周内的小任务",
    },
    Placeholder {
        text: CHILD_NOW,
        write: "用家里老人也能看懂的话，写孩子这段时间在经历什么",
    },
    Placeholder {
        text: AT_HOME,
        write: "写一件家长在家能做的具体的事，附上可以对孩子说的话",
    },
    Placeholder {
        text: AT_HOME_MORE,
        write: "再写一件具体的事，或删掉这一行",
    },
    Placeholder {
        text: DO_LESS,
        write: "写一件家长常做、却帮不上孩子的事",
    },
    Placeholder {
        text: SIGNS,
        write: "写出现哪些信号时，家长要联系班主任或学校心理辅导室",
    },
    Placeholder {
        text: PUBLISHER,
        write: "写上发布单位，例如“某某县教育局教研室”",
    },
    Placeholder {
        text: COUNSELLING_ROOM,
        write: "写上本校心理咨询室的位置和开放时间，例如“行政楼二楼，周一至周五 12:30—13:30”",
    },
    Placeholder {
        text: PSYCHOLOGY_TEACHER,
        write: "写上学生怎么称呼心理老师，例如“王老师”",
    },
    Placeholder {
        text: GUIDE_USE,
        write: "写清楚这份指南由谁、在什么时候使用",
    },
    Placeholder {
        text: GUIDE_SIGNS,
        write: "写出老师能看见、能描述的具体表现",
    },
    Placeholder {
        text: GUIDE_STEP,
        write: "写出老师第一步做什么、说什么，附上原话",
    },
    Placeholder {
        text: GUIDE_REFER,
        write: "写出哪些情况必须当天转介、告诉谁",
    },
    Placeholder {
        text: GUIDE_ROOM,
        write: "写上心理辅导室的位置和开放时间，或引用本地信息 {{心理咨询室}}",
    },
];

#[cfg(test)]
mod tests {
    use super::PLACEHOLDERS;
    use crate::model::{Band, Term};
    use crate::scaffold::{autumn_calendar, guide, handout, lesson, meeting, settings};

    /// Bracketed text the skeletons write that is meant to stay.
    const NOT_PLACEHOLDERS: &[&str] = &[
        "（学习单只留给自己，不用上交。）",
        "（共青团）",
        "（紧急危险时）",
    ];

    /// Every `（…）` in `text`, without the minutes of timed headings.
    fn bracketed(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find('（') {
            let after = &rest[open..];
            let Some(close) = after.find('）') else {
                break;
            };
            let inner = &after['（'.len_utf8()..close];
            let inner = inner.rsplit('（').next().unwrap_or(inner);
            let whole = &after[close - inner.len() - '（'.len_utf8()..close + '）'.len_utf8()];
            if !inner.ends_with("分钟") {
                out.push(whole);
            }
            rest = &after[close + '）'.len_utf8()..];
        }
        out
    }

    #[test]
    fn every_prompt_a_skeleton_writes_is_a_listed_placeholder() {
        let mut all = vec![
            settings("课程"),
            meeting(&[Band::JuniorHigh], Term::Spring, 3, "测试"),
            handout(&[Band::LowerPrimary], Term::Autumn, 1, "测试"),
            guide(&[Band::JuniorHigh], Some(9), "测试"),
            autumn_calendar(2026),
        ];
        all.extend(
            Band::ALL
                .iter()
                .map(|b| lesson(*b, Term::Autumn, 1, "测试")),
        );
        let listed: Vec<&str> = PLACEHOLDERS.iter().map(|p| p.text).collect();
        for text in &all {
            for b in bracketed(text) {
                assert!(
                    listed.contains(&b) || NOT_PLACEHOLDERS.contains(&b),
                    "`{b}` is written by a skeleton but is not in PLACEHOLDERS"
                );
            }
        }
        for p in PLACEHOLDERS {
            assert!(
                all.iter().any(|t| t.contains(p.text)),
                "`{}` is listed but no skeleton writes it",
                p.text
            );
            assert!(p.text.starts_with('（') && p.text.ends_with('）'));
            assert!(!p.write.is_empty());
        }
        assert_eq!(
            bracketed("## 主题活动（小组活动的名称）（25分钟）"),
            ["（小组活动的名称）"]
        );
    }

    #[test]
    fn a_new_project_does_not_claim_its_hotlines_are_verified() {
        let text = settings("课程");
        assert!(
            !text.lines().any(|l| l.starts_with("verified_on")),
            "{text}"
        );
        let mut d = Vec::new();
        let s = crate::load::settings::parse(&text, &mut d).expect("valid settings");
        assert!(d.is_empty(), "{d:?}");
        assert!(s.hotlines.iter().all(|h| h.verified_on.is_none()));
    }
}
