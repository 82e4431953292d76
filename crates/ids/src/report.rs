//! One call that takes whatever was typed and says everything about it: for front ends.

use crate::authority::AuthorityTable;
use crate::check::{org_code_check_character, uscc_check_character};
use crate::error::{IdError, LengthHint};
use crate::org_code::OrgCode;
use crate::region::RegionLookup;
use crate::uscc::Uscc;
use crate::warning::Warning;
use serde::Serialize;

/// Which identifier an input was taken for, by its normalised length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IdKind {
    /// 18 characters: 统一社会信用代码.
    Uscc,
    /// 9 characters: 组织机构代码.
    OrgCode,
}

/// An error or warning with its messages in both languages, for display and JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explained<T> {
    /// The machine-readable detail (its `kind` and fields are flattened into this object).
    #[serde(flatten)]
    pub detail: T,
    /// The message in simplified Chinese.
    pub message_zh: String,
    /// The message in English.
    pub message_en: String,
}

impl From<IdError> for Explained<IdError> {
    fn from(detail: IdError) -> Self {
        Explained {
            message_zh: detail.message_zh(),
            message_en: detail.message_en(),
            detail,
        }
    }
}

impl<'t> From<Warning<'t>> for Explained<Warning<'t>> {
    fn from(detail: Warning<'t>) -> Self {
        Explained {
            message_zh: detail.message_zh(),
            message_en: detail.message_en(),
            detail,
        }
    }
}

/// Everything about one input: what it was taken for, whether it is valid, its parts, the
/// fault, the warnings. Serialises to the JSON the CLI prints.
#[derive(Debug, Clone, Serialize)]
pub struct IdReport<'t> {
    /// The input as given.
    pub input: String,
    /// The input after [`normalize`](crate::normalize).
    pub normalized: String,
    /// USCC for 18 characters, organization code for 9, `None` for any other length.
    pub kind: Option<IdKind>,
    /// Whether the input is a valid identifier of that kind.
    pub valid: bool,
    /// The parts, when a valid USCC.
    pub uscc: Option<Uscc<'t>>,
    /// The code, when a valid standalone organization code.
    pub org_code: Option<OrgCode>,
    /// The check character the other characters call for, whenever they are all legal
    /// characters (also for an invalid code, so a typo can be found).
    pub expected_check_character: Option<char>,
    /// The first fault, when invalid.
    pub error: Option<Explained<IdError>>,
    /// Findings that do not make the code invalid.
    pub warnings: Vec<Explained<Warning<'t>>>,
}

/// [`AuthorityTable::check_identifier`] with the embedded table.
///
/// ```
/// let report = shangyun_ids::check_identifier("91350100M000100Y44", None);
/// assert!(!report.valid);
/// assert_eq!(report.expected_check_character, Some('3'));
/// assert_eq!(report.error.map(|e| e.detail.kind()), Some("bad_check_character"));
///
/// let report = shangyun_ids::check_identifier("551385082", None);
/// assert!(report.valid);
/// assert_eq!(report.kind, Some(shangyun_ids::IdKind::OrgCode));
/// ```
pub fn check_identifier(input: &str, regions: Option<&dyn RegionLookup>) -> IdReport<'static> {
    match AuthorityTable::embedded() {
        Ok(table) => table.check_identifier(input, regions),
        Err(e) => {
            let normalized = crate::normalize(input);
            IdReport {
                input: input.to_string(),
                kind: kind_of(&normalized),
                normalized,
                valid: false,
                uscc: None,
                org_code: None,
                expected_check_character: None,
                error: Some(IdError::from(e).into()),
                warnings: Vec::new(),
            }
        }
    }
}

fn kind_of(normalized: &str) -> Option<IdKind> {
    match normalized.chars().count() {
        18 => Some(IdKind::Uscc),
        9 => Some(IdKind::OrgCode),
        _ => None,
    }
}

impl AuthorityTable {
    /// Detects the kind by length (18 → USCC, 9 → organization code), validates, and
    /// reports. With `regions`, a USCC's region code is checked too; without, only its
    /// structure. Any other length is a [`IdError::BadLength`] expecting 18.
    pub fn check_identifier<'t>(
        &'t self,
        input: &str,
        regions: Option<&dyn RegionLookup>,
    ) -> IdReport<'t> {
        let normalized = crate::normalize(input);
        let kind = kind_of(&normalized);
        let mut report = IdReport {
            input: input.to_string(),
            normalized,
            kind,
            valid: false,
            uscc: None,
            org_code: None,
            expected_check_character: None,
            error: None,
            warnings: Vec::new(),
        };
        let result = match kind {
            Some(IdKind::Uscc) => {
                let first17: String = report.normalized.chars().take(17).collect();
                report.expected_check_character = uscc_check_character(&first17).ok();
                let parsed = match regions {
                    Some(regions) => self.validate_uscc(input, regions),
                    None => self.parse_uscc(input),
                };
                parsed.map(|uscc| {
                    report.warnings = uscc.warnings().into_iter().map(Explained::from).collect();
                    report.uscc = Some(uscc);
                })
            }
            Some(IdKind::OrgCode) => {
                let body: String = report.normalized.chars().take(8).collect();
                report.expected_check_character = org_code_check_character(&body).ok();
                OrgCode::parse(input).map(|code| report.org_code = Some(code))
            }
            None => {
                let len = report.normalized.chars().count();
                let hint = (len == 15 && report.normalized.chars().all(|c| c.is_ascii_digit()))
                    .then_some(LengthHint::OldRegistrationNumber);
                Err(IdError::BadLength {
                    len,
                    expected: 18,
                    hint,
                })
            }
        };
        match result {
            Ok(()) => report.valid = true,
            Err(e) => report.error = Some(e.into()),
        }
        report
    }
}
