//! How sure the project is of a rule's text (standards.md: firm / likely / unsure).

use serde::{Deserialize, Serialize};
use std::fmt;

/// Confidence in an edition, a question, an option or a threshold table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Official text, or several independent sources agree.
    Firm,
    /// One detailed source that cites the official document.
    Likely,
    /// Conflicting or thin sources.
    Unsure,
}

impl Confidence {
    /// The label in Chinese.
    pub fn zh(self) -> &'static str {
        match self {
            Confidence::Firm => "确定",
            Confidence::Likely => "较确定",
            Confidence::Unsure => "不确定",
        }
    }

    /// The label in English (the serialized form).
    pub fn en(self) -> &'static str {
        match self {
            Confidence::Firm => "firm",
            Confidence::Likely => "likely",
            Confidence::Unsure => "unsure",
        }
    }
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.en())
    }
}
