//! The closed vocabularies of the format: grade bands, terms, the
//! guideline's six areas, the activity forms and who a teacher guide is for. Each knows its slug (what
//! authors write) and its Chinese name (what the fallback labels show).

use serde::Serialize;

/// Defines a closed vocabulary: an enum with slug, Chinese names and parsing.
macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $slug:literal, $hans:literal, $hant:literal $(| $alias:literal)*;)+ }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum $name { $($variant,)+ }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The slug authors write in front matter.
            pub fn slug(self) -> &'static str {
                match self { $($name::$variant => $slug,)+ }
            }

            /// The simplified-Chinese name.
            pub fn zh(self) -> &'static str {
                match self { $($name::$variant => $hans,)+ }
            }

            /// Parses a slug or a Chinese name (simplified or traditional).
            pub fn parse(s: &str) -> Option<$name> {
                let s = s.trim();
                // Some names are the same in both scripts.
                #[allow(unreachable_patterns)]
                match s {
                    $($slug | $hans | $hant $(| $alias)* => Some($name::$variant),)+
                    _ => None,
                }
            }

            /// Every accepted slug, for hints and suggestions.
            pub fn slugs() -> Vec<&'static str> {
                vec![$($slug,)+]
            }

            /// Every accepted spelling (slugs and Chinese names), for suggestions.
            pub fn spellings() -> Vec<&'static str> {
                vec![$($slug, $hans, $hant,)+]
            }
        }
    };
}

vocabulary! {
    /// The five grade bands of the 2012 national guideline.
    Band {
        LowerPrimary => "lower-primary", "小学低年级", "小學低年級";
        MiddlePrimary => "middle-primary", "小学中年级", "小學中年級";
        UpperPrimary => "upper-primary", "小学高年级", "小學高年級";
        JuniorHigh => "junior-high", "初中", "國中";
        SeniorHigh => "senior-high", "高中", "高中";
    }
}

vocabulary! {
    /// A school term.
    Term {
        Autumn => "autumn", "秋季学期", "秋季學期" | "秋季" | "秋";
        Spring => "spring", "春季学期", "春季學期" | "春季" | "春";
    }
}

vocabulary! {
    /// The guideline's six content areas.
    Area {
        SelfAwareness => "self", "认识自我", "認識自我";
        Learning => "learning", "学会学习", "學會學習";
        Relationships => "relationships", "人际交往", "人際交往";
        Emotions => "emotions", "情绪调适", "情緒調適";
        Career => "career", "升学择业", "升學擇業";
        Adaptation => "adaptation", "生活和社会适应", "生活和社會適應";
    }
}

vocabulary! {
    /// The activity forms of a 心理健康教育活动课.
    Form {
        GroupGuidance => "group-guidance", "团体辅导", "團體輔導" | "团辅";
        Training => "training", "行为训练", "行為訓練" | "训练";
        Discussion => "discussion", "问题辨析", "問題辨析" | "讨论" | "討論" | "小组讨论";
        Situation => "situation", "情境体验", "情境體驗" | "情景体验";
        RolePlay => "role-play", "角色扮演", "角色扮演";
        Game => "game", "游戏", "遊戲";
        Psychodrama => "psychodrama", "心理剧", "心理劇";
        Talk => "talk", "专题讲座", "專題講座" | "讲座";
    }
}

vocabulary! {
    /// Who a teacher guide is for: adults only, never students or parents.
    Audience {
        HeadTeacher => "head-teacher", "班主任", "班導師";
        PsychologyTeacher => "psychology-teacher", "心理教师", "心理教師";
        SchoolLeader => "school-leader", "学校管理者", "學校管理者";
        StudentMonitor => "student-monitor", "心理委员", "心理委員";
    }
}

impl Band {
    /// The grades a band covers.
    pub fn grades(self) -> std::ops::RangeInclusive<u8> {
        match self {
            Band::LowerPrimary => 1..=2,
            Band::MiddlePrimary => 3..=4,
            Band::UpperPrimary => 5..=6,
            Band::JuniorHigh => 7..=9,
            Band::SeniorHigh => 10..=12,
        }
    }

    /// Primary bands teach 40-minute lessons, secondary 45.
    pub fn usual_duration(self) -> u32 {
        match self {
            Band::LowerPrimary | Band::MiddlePrimary | Band::UpperPrimary => 40,
            Band::JuniorHigh | Band::SeniorHigh => 45,
        }
    }
}

/// The closest accepted spelling to `got`, if it is close enough to be a typo.
pub fn nearest<'a>(got: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::damerau_levenshtein(got, c), *c))
        .filter(|(d, c)| *d <= (c.chars().count() / 3).max(2))
        .min()
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_parse_from_slug_and_chinese() {
        assert_eq!(Band::parse("junior-high"), Some(Band::JuniorHigh));
        assert_eq!(Band::parse("初中"), Some(Band::JuniorHigh));
        assert_eq!(Band::parse("小學低年級"), Some(Band::LowerPrimary));
        assert_eq!(Band::parse("middle-school"), None);
    }

    #[test]
    fn nearest_suggests_typos_only() {
        assert_eq!(nearest("junior-hihg", &Band::slugs()), Some("junior-high"));
        assert_eq!(nearest("emotion", &Area::slugs()), Some("emotions"));
        assert_eq!(nearest("xyz", &Area::slugs()), None);
    }
}
