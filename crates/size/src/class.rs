//! The four size classes.

use serde::Serialize;

/// 大型 / 中型 / 小型 / 微型, ordered from the smallest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SizeClass {
    /// 微型企业.
    Micro,
    /// 小型企业.
    Small,
    /// 中型企业.
    Medium,
    /// 大型企业.
    Large,
}

impl SizeClass {
    /// 大型 / 中型 / 小型 / 微型.
    pub fn name_zh(self) -> &'static str {
        match self {
            Self::Large => "大型",
            Self::Medium => "中型",
            Self::Small => "小型",
            Self::Micro => "微型",
        }
    }

    /// large / medium / small / micro.
    pub fn name_en(self) -> &'static str {
        match self {
            Self::Large => "large",
            Self::Medium => "medium",
            Self::Small => "small",
            Self::Micro => "micro",
        }
    }

    /// The class one band up (`None` for large).
    pub fn next_up(self) -> Option<SizeClass> {
        match self {
            Self::Micro => Some(Self::Small),
            Self::Small => Some(Self::Medium),
            Self::Medium => Some(Self::Large),
            Self::Large => None,
        }
    }

    /// True for 中型, 小型 and 微型 (the 中小企业 the programmes serve).
    pub fn is_sme(self) -> bool {
        self != Self::Large
    }
}
