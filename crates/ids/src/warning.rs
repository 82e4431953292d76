//! Findings that do not make an identifier invalid.

use serde::Serialize;

/// Something worth telling about a valid code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Warning<'t> {
    /// The authority/type pair is not an enterprise of the SME programme (only 9-1 企业
    /// and 9-3 农民专业合作社 are).
    NotProgrammeEnterprise {
        /// Position 1.
        authority: char,
        /// Position 2.
        entity_type: char,
        /// Chinese name of the type.
        entity_type_zh: &'t str,
        /// English name of the type.
        entity_type_en: &'t str,
    },
    /// The region code has been retired since the code was issued (the code stays valid).
    RetiredRegion {
        /// The six-digit region code.
        code: String,
    },
}

impl Warning<'_> {
    /// A stable snake_case name of the variant (the `kind` field of the JSON form).
    pub fn kind(&self) -> &'static str {
        match self {
            Warning::NotProgrammeEnterprise { .. } => "not_programme_enterprise",
            Warning::RetiredRegion { .. } => "retired_region",
        }
    }

    /// The message in simplified Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            Warning::NotProgrammeEnterprise {
                authority,
                entity_type,
                entity_type_zh,
                ..
            } => format!(
                "{authority}-{entity_type} {entity_type_zh}不是中小企业数字化转型的企业主体（仅 9-1 企业、9-3 农民专业合作社是）"
            ),
            Warning::RetiredRegion { code } => {
                format!("行政区划码 {code} 已撤销（代码终身不变，仍然有效）")
            }
        }
    }

    /// The message in English.
    pub fn message_en(&self) -> String {
        match self {
            Warning::NotProgrammeEnterprise {
                authority,
                entity_type,
                entity_type_en,
                ..
            } => format!(
                "{authority}-{entity_type} {entity_type_en} is not an enterprise of the SME programme (only 9-1 and 9-3 are)"
            ),
            Warning::RetiredRegion { code } => {
                format!(
                    "region code {code} has been retired (the code is for life and stays valid)"
                )
            }
        }
    }
}

impl std::fmt::Display for Warning<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} / {}", self.message_zh(), self.message_en())
    }
}
