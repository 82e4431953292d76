//! 统一社会信用代码 (GB 32100-2015): structure, checks and parts.

use crate::alphabet::uscc_value;
use crate::authority::{Authority, AuthorityTable, Edition, EntityType};
use crate::check::{bad_character, collect, org_check_of, uscc_check_of};
use crate::error::{CharClass, IdError, LengthHint};
use crate::org_code::OrgCode;
use crate::region::{RegionLookup, RegionStatus};
use crate::warning::Warning;
use serde::{Serialize, Serializer};
use std::fmt;

/// A valid 统一社会信用代码 and its parts, names taken from the authority/type table of
/// the edition it was checked against.
///
/// | positions | part |
/// |---|---|
/// | 1 | registering authority 登记管理部门 |
/// | 2 | entity type 机构类别 |
/// | 3–8 | region code of the registering authority 登记管理机关行政区划码 (GB/T 2260) |
/// | 9–17 | organization code 组织机构代码 (GB 11714, own check at 17) |
/// | 18 | check character 校验码 |
///
/// ```
/// use shangyun_ids::Uscc;
/// let uscc = Uscc::parse("91350100m000100y43")?;
/// assert_eq!(uscc.as_str(), "91350100M000100Y43");
/// assert_eq!(uscc.authority().name_zh, "工商（市场监管）");
/// assert_eq!(uscc.entity_type().name_zh, "企业");
/// assert_eq!(uscc.region_code(), "350100");
/// assert_eq!(uscc.org_code().as_str(), "M000100Y4");
/// assert_eq!(uscc.check_character(), '3');
/// assert!(uscc.is_programme_enterprise());
/// assert!(uscc.warnings().is_empty());
/// # Ok::<(), shangyun_ids::IdError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uscc<'t> {
    /// ASCII only, by construction.
    code: [u8; 18],
    authority: &'t Authority,
    entity_type: &'t EntityType,
    edition: &'t Edition,
    region_status: Option<RegionStatus>,
}

impl Uscc<'static> {
    /// Checks the structure against the embedded GB 32100-2015 table: length, characters,
    /// both check characters and the authority/type pair. The region code is only checked
    /// to be six digits; use [`Uscc::validate_with`] to check it against a region list.
    pub fn parse(input: &str) -> Result<Uscc<'static>, IdError> {
        AuthorityTable::embedded()?.parse_uscc(input)
    }

    /// [`Uscc::parse`], then asks `regions` whether the region code exists.
    ///
    /// ```
    /// use shangyun_ids::{IdError, RegionStatus, Uscc};
    /// let regions = |code: &str| match code {
    ///     "350100" => RegionStatus::Current,
    ///     _ => RegionStatus::Unknown,
    /// };
    /// assert!(Uscc::validate_with("91350100M000100Y43", &regions).is_ok());
    /// assert_eq!(
    ///     Uscc::validate_with("91110108551385082Q", &regions),
    ///     Err(IdError::UnknownRegion { code: "110108".into() })
    /// );
    /// ```
    pub fn validate_with<R: RegionLookup + ?Sized>(
        input: &str,
        regions: &R,
    ) -> Result<Uscc<'static>, IdError> {
        AuthorityTable::embedded()?.validate_uscc(input, regions)
    }

    /// Builds a code from its parts, computing both check characters.
    ///
    /// ```
    /// let uscc = shangyun_ids::Uscc::compose('9', '1', "350100", "M000100Y")?;
    /// assert_eq!(uscc.as_str(), "91350100M000100Y43");
    /// # Ok::<(), shangyun_ids::IdError>(())
    /// ```
    pub fn compose(
        authority: char,
        entity_type: char,
        region: &str,
        org_body: &str,
    ) -> Result<Uscc<'static>, IdError> {
        AuthorityTable::embedded()?.compose_uscc(authority, entity_type, region, org_body)
    }
}

impl AuthorityTable {
    /// [`Uscc::parse`] against this table.
    pub fn parse_uscc<'t>(&'t self, input: &str) -> Result<Uscc<'t>, IdError> {
        let got = collect::<18>(input);
        if got.len != 18 {
            let hint = match got.len {
                9 => Some(LengthHint::OrganizationCode),
                15 if got.all_ascii_digits => Some(LengthHint::OldRegistrationNumber),
                _ => None,
            };
            return Err(IdError::BadLength {
                len: got.len,
                expected: 18,
                hint,
            });
        }
        let chars = &got.chars;
        for (i, &c) in chars.iter().enumerate() {
            let allowed = if (2..8).contains(&i) {
                CharClass::Digit
            } else {
                CharClass::UsccAlphabet
            };
            let ok = match allowed {
                CharClass::Digit => c.is_ascii_digit(),
                _ => uscc_value(c).is_some(),
            };
            if !ok {
                return Err(bad_character(i + 1, c, allowed));
            }
        }
        let expected = uscc_check_of(&chars[..17]);
        if chars[17] != expected {
            return Err(IdError::BadCheckCharacter {
                position: 18,
                expected,
                found: chars[17],
            });
        }
        let expected = org_check_of(&chars[8..16]);
        if chars[16] != expected {
            return Err(IdError::BadOrgCodeCheck {
                expected,
                found: chars[16],
            });
        }
        let Some((authority, entity_type)) = self.lookup(chars[0], chars[1]) else {
            return Err(IdError::UnknownAuthorityType {
                authority: chars[0],
                entity_type: chars[1],
                authority_known: self.authority(chars[0]).is_some(),
            });
        };
        let mut code = [b'0'; 18];
        for (slot, &c) in code.iter_mut().zip(chars) {
            *slot = u8::try_from(c).unwrap_or(b'?');
        }
        Ok(Uscc {
            code,
            authority,
            entity_type,
            edition: self.edition(),
            region_status: None,
        })
    }

    /// [`Uscc::validate_with`] against this table.
    pub fn validate_uscc<'t, R: RegionLookup + ?Sized>(
        &'t self,
        input: &str,
        regions: &R,
    ) -> Result<Uscc<'t>, IdError> {
        let mut uscc = self.parse_uscc(input)?;
        let status = regions.region_status(uscc.region_code());
        if status == RegionStatus::Unknown {
            return Err(IdError::UnknownRegion {
                code: uscc.region_code().to_string(),
            });
        }
        uscc.region_status = Some(status);
        Ok(uscc)
    }

    /// [`Uscc::compose`] against this table.
    pub fn compose_uscc<'t>(
        &'t self,
        authority: char,
        entity_type: char,
        region: &str,
        org_body: &str,
    ) -> Result<Uscc<'t>, IdError> {
        let region = crate::normalize(region);
        let region_len = region.chars().count();
        if region_len != 6 {
            return Err(IdError::BadLength {
                len: region_len,
                expected: 6,
                hint: None,
            });
        }
        let org = OrgCode::from_body(org_body)?;
        let first17: String = [authority, entity_type]
            .into_iter()
            .chain(region.chars())
            .chain(org.as_str().chars())
            .collect();
        let check = crate::check::uscc_check_character(&first17)?;
        self.parse_uscc(&format!("{first17}{check}"))
    }
}

impl<'t> Uscc<'t> {
    /// The 18 characters.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.code).unwrap_or_default()
    }

    /// Position 1, the registering authority, with its names.
    pub fn authority(&self) -> &'t Authority {
        self.authority
    }

    /// Position 2, the entity type, with its names.
    pub fn entity_type(&self) -> &'t EntityType {
        self.entity_type
    }

    /// Positions 3–8, the GB/T 2260 code of the registering authority's region (which may
    /// differ from where the entity operates).
    pub fn region_code(&self) -> &str {
        self.as_str().get(2..8).unwrap_or_default()
    }

    /// Positions 9–17, the organization code.
    pub fn org_code(&self) -> OrgCode {
        let chars: Vec<char> = self.as_str().chars().skip(8).take(9).collect();
        OrgCode::from_ascii(&chars)
    }

    /// Position 18.
    pub fn check_character(&self) -> char {
        char::from(self.code[17])
    }

    /// Whether the entity is an enterprise of the SME programme (types 9-1 企业 and
    /// 9-3 农民专业合作社 in the embedded table).
    pub fn is_programme_enterprise(&self) -> bool {
        self.entity_type.programme_enterprise
    }

    /// What the region list said, `None` when parsed without one.
    pub fn region_status(&self) -> Option<RegionStatus> {
        self.region_status
    }

    /// The edition of GB 32100 the code was checked against.
    pub fn edition(&self) -> &'t Edition {
        self.edition
    }

    /// Things worth telling that do not make the code invalid.
    ///
    /// ```
    /// let uscc = shangyun_ids::Uscc::compose('5', '1', "110000", "50000000")?;
    /// let warnings = uscc.warnings();
    /// assert_eq!(warnings.len(), 1);
    /// assert_eq!(warnings[0].message_en(), "5-1 Social organisation is not an enterprise of the SME programme (only 9-1 and 9-3 are)");
    /// # Ok::<(), shangyun_ids::IdError>(())
    /// ```
    pub fn warnings(&self) -> Vec<Warning<'t>> {
        let mut warnings = Vec::new();
        if !self.is_programme_enterprise() {
            warnings.push(Warning::NotProgrammeEnterprise {
                authority: self.authority.code,
                entity_type: self.entity_type.code,
                entity_type_zh: &self.entity_type.name_zh,
                entity_type_en: &self.entity_type.name_en,
            });
        }
        if self.region_status == Some(RegionStatus::Retired) {
            warnings.push(Warning::RetiredRegion {
                code: self.region_code().to_string(),
            });
        }
        warnings
    }
}

impl fmt::Display for Uscc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A code or name pair as it appears in results.
#[derive(Serialize)]
struct Label<'a> {
    code: char,
    name_zh: &'a str,
    name_en: &'a str,
}

impl Serialize for Uscc<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct View<'a> {
            code: &'a str,
            edition: &'a str,
            authority: Label<'a>,
            entity_type: Label<'a>,
            region_code: &'a str,
            region_status: Option<RegionStatus>,
            org_code: OrgCode,
            check_character: char,
            programme_enterprise: bool,
        }
        View {
            code: self.as_str(),
            edition: &self.edition.id,
            authority: Label {
                code: self.authority.code,
                name_zh: &self.authority.name_zh,
                name_en: &self.authority.name_en,
            },
            entity_type: Label {
                code: self.entity_type.code,
                name_zh: &self.entity_type.name_zh,
                name_en: &self.entity_type.name_en,
            },
            region_code: self.region_code(),
            region_status: self.region_status,
            org_code: self.org_code(),
            check_character: self.check_character(),
            programme_enterprise: self.is_programme_enterprise(),
        }
        .serialize(serializer)
    }
}
