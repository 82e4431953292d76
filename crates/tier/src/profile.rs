//! The input: one enterprise's annual profile (企业年度画像).
//!
//! Every field is an `Option` so that "not provided" is explicit: the evaluator then says
//! whether the missing value could change the outcome. Money is in **万元** (10,000 CNY),
//! shares and ratios in **percent** (`55.0` means 55 %), counts are plain numbers.
//! "This year" (`revenue`, `rd_spend`, …) is the last completed fiscal year that the
//! standards call 上年度; `_prev` is the year before it, `_prev2` the year before that.

use crate::date::Date;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One enterprise's annual data, as the tier standards read it. See the module docs for units.
///
/// ```
/// use shangyun_tier::EnterpriseProfile;
/// let p = EnterpriseProfile::from_json(r#"{ "revenue": 3200.0, "rd_spend": 180.0 }"#).unwrap();
/// assert_eq!(p.revenue, Some(3200.0));
/// assert_eq!(p.net_profit, None); // missing stays missing
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnterpriseProfile {
    /// Date of the assessment; titles whose `expires_on` is before it are not valid.
    pub as_of: Option<Date>,
    /// Registered region code (GB/T 2260, 6 digits, e.g. `"330106"`); its first two digits name
    /// the province whose 特色化 rules apply.
    pub province_code: Option<String>,

    /// 营业收入, last completed year, 万元.
    pub revenue: Option<f64>,
    /// 营业收入, the year before, 万元.
    pub revenue_prev: Option<f64>,
    /// 营业收入, two years before, 万元.
    pub revenue_prev2: Option<f64>,
    /// 主营业务收入, last completed year, 万元.
    pub main_revenue: Option<f64>,
    /// 主营业务收入, the year before, 万元.
    pub main_revenue_prev: Option<f64>,
    /// 主营业务收入, two years before, 万元.
    pub main_revenue_prev2: Option<f64>,

    /// 研发费用, last completed year, 万元.
    pub rd_spend: Option<f64>,
    /// 研发费用, the year before, 万元.
    pub rd_spend_prev: Option<f64>,
    /// 研发人员 (people).
    pub rd_staff: Option<u32>,
    /// 职工总数 (people).
    pub total_staff: Option<u32>,

    /// 高价值Ⅰ类知识产权 tied to the main product (count).
    pub ip_high_value_class1: Option<u32>,
    /// Self-developed (自主研发) Ⅰ类 IP tied to the main product (count; never transferred in).
    pub ip_self_developed_class1: Option<u32>,
    /// All Ⅰ类 IP tied to the main product (count): invention patents, plant varieties,
    /// national crop varieties, national new drugs, first-class protected TCM varieties,
    /// IC layout designs.
    pub ip_class1: Option<u32>,
    /// Of `ip_class1`, those transferred in within the last year (count; they do not count).
    pub ip_class1_transferred_recent: Option<u32>,
    /// Ⅱ类 IP (count): software copyrights, utility models and designs held > 2 years after grant.
    pub ip_class2: Option<u32>,

    /// 资产负债率, percent.
    pub debt_ratio_pct: Option<f64>,
    /// 净利润, last completed year, 万元 (may be negative).
    pub net_profit: Option<f64>,
    /// Years in the specific niche market (从事特定细分市场时间), may be fractional.
    pub niche_years: Option<f64>,
    /// Main product belongs to the 战略性新兴产业分类.
    pub strategic_emerging_product: Option<bool>,
    /// Fields the main product belongs to (empty list = none of them).
    pub main_product_fields: Option<Vec<ProductField>>,
    /// 数字化水平 level, 1–4 (中小企业数字化水平评测).
    pub digital_level: Option<u8>,

    /// Holds a provincial-or-higher quality award (省级以上质量奖).
    pub quality_award: Option<bool>,
    /// Holds a management-system or product certification (e.g. ISO 9001).
    pub quality_certification: Option<bool>,
    /// Has its own brand (自主品牌).
    pub own_brand: Option<bool>,
    /// Took part in drafting a standard (参与制修订标准).
    pub standard_participation: Option<bool>,
    /// Highest level of the R&D institution it runs alone or jointly.
    pub rd_institution_level: Option<RdInstitutionLevel>,

    /// Titles held (empty list = none).
    pub titles: Option<Vec<TitleHeld>>,
    /// Awards received in the last 3 years (empty list = none).
    pub awards: Option<Vec<Award>>,
    /// New equity from qualified investors (paid in) over the last 2 years, 万元.
    pub equity_raised_2y: Option<f64>,
    /// New equity from qualified investors (paid in) over the last 3 years, 万元.
    pub equity_raised_3y: Option<f64>,

    /// Share of the national niche market, percent.
    pub niche_market_share_pct: Option<f64>,
    /// National rank in the niche market (1 = first).
    pub niche_national_rank: Option<u32>,
    /// Holds a leading position in the niche market (2026 专精特新, no number given).
    pub niche_leading_position: Option<bool>,
    /// 专精特新发展评价 score from the national platform, this year (0–100).
    pub development_score: Option<f64>,
    /// The same score, the year before (a re-review may use either year).
    pub development_score_prev: Option<f64>,
    /// The assessment is a re-review (复核) of a title already held.
    pub re_review: Option<bool>,

    /// Registered in China as an independent legal person (common condition).
    pub independent_legal_person: Option<bool>,
    /// An SME under the 2011 size-class rules (common condition).
    pub is_sme: Option<bool>,
    /// Not on the 经营异常名录 or the 严重失信主体名单 (common condition).
    pub not_listed_abnormal_or_dishonest: Option<bool>,
    /// Makes no prohibited or restricted products (common condition).
    pub no_prohibited_products: Option<bool>,
    /// No major safety (incl. cyber and data), quality or environmental incident and no tax
    /// evasion in the last 3 years (common condition).
    pub no_major_incidents: Option<bool>,

    /// Values for a province's own 特色化 indicators, by the key its rules file names
    /// (`measure = "local.<key>"`).
    pub local_values: Option<BTreeMap<String, f64>>,
}

/// A field the main product belongs to (主导产品所属领域).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProductField {
    /// Fills a gap in a key industry chain (补短板/锻长板/填空白) with results.
    KeyChainGap,
    /// A key link of an industry chain (traditional, emerging or future industries).
    KeyChainLink,
    /// 工业"六基" (core components, key materials, advanced processes, basic software, …).
    SixBasics,
    /// A key field of 制造强国 or 网络强国.
    StrategicField,
    /// 中华老字号.
    TimeHonoredBrand,
    /// Supplies a chain-leading enterprise (为链主企业配套).
    ChainLeaderSupplier,
}

impl ProductField {
    /// Every product field.
    pub const ALL: [ProductField; 6] = [
        ProductField::KeyChainGap,
        ProductField::KeyChainLink,
        ProductField::SixBasics,
        ProductField::StrategicField,
        ProductField::TimeHonoredBrand,
        ProductField::ChainLeaderSupplier,
    ];

    /// The snake_case name used in JSON and rule data.
    pub const fn name(self) -> &'static str {
        match self {
            ProductField::KeyChainGap => "key_chain_gap",
            ProductField::KeyChainLink => "key_chain_link",
            ProductField::SixBasics => "six_basics",
            ProductField::StrategicField => "strategic_field",
            ProductField::TimeHonoredBrand => "time_honored_brand",
            ProductField::ChainLeaderSupplier => "chain_leader_supplier",
        }
    }
}

/// Level of the enterprise's R&D institution (研发机构级别); ordered from none to national.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RdInstitutionLevel {
    /// No R&D institution.
    None,
    /// Below city level (市级以下).
    BelowCity,
    /// City level (市级).
    City,
    /// Provincial (省级).
    Provincial,
    /// National (国家级).
    National,
}

impl RdInstitutionLevel {
    /// Every level, lowest first.
    pub const ALL: [RdInstitutionLevel; 5] = [
        RdInstitutionLevel::None,
        RdInstitutionLevel::BelowCity,
        RdInstitutionLevel::City,
        RdInstitutionLevel::Provincial,
        RdInstitutionLevel::National,
    ];

    /// The snake_case name used in JSON and rule data.
    pub const fn name(self) -> &'static str {
        match self {
            RdInstitutionLevel::None => "none",
            RdInstitutionLevel::BelowCity => "below_city",
            RdInstitutionLevel::City => "city",
            RdInstitutionLevel::Provincial => "provincial",
            RdInstitutionLevel::National => "national",
        }
    }

    /// The level as a number, 0 (none) to 4 (national), as rule data compares it.
    pub const fn ordinal(self) -> u8 {
        self as u8
    }
}

/// A title (称号/资质) the enterprise holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TitleHeld {
    /// Which title.
    pub title: TitleKind,
    /// Edition of the rules it was granted under, e.g. `"2022"` (informational).
    pub edition: Option<String>,
    /// Last day it is valid; absent = valid (the caller vouches for it).
    pub expires_on: Option<Date>,
}

/// Kinds of title the tier rules look at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TitleKind {
    /// 创新型中小企业 (2022 tier 1).
    InnovativeSme,
    /// 科技和创新型中小企业 (2026 tier 1).
    TechInnovativeSme,
    /// 专精特新中小企业.
    SpecializedSme,
    /// 专精特新"小巨人".
    LittleGiant,
    /// 高新技术企业.
    HighTechEnterprise,
    /// 国家级技术创新示范企业.
    TechInnovationDemo,
    /// 知识产权优势企业 or 知识产权示范企业.
    IpAdvantageOrDemo,
}

impl TitleKind {
    /// Every title kind.
    pub const ALL: [TitleKind; 7] = [
        TitleKind::InnovativeSme,
        TitleKind::TechInnovativeSme,
        TitleKind::SpecializedSme,
        TitleKind::LittleGiant,
        TitleKind::HighTechEnterprise,
        TitleKind::TechInnovationDemo,
        TitleKind::IpAdvantageOrDemo,
    ];

    /// The snake_case name used in JSON and rule data.
    pub const fn name(self) -> &'static str {
        match self {
            TitleKind::InnovativeSme => "innovative_sme",
            TitleKind::TechInnovativeSme => "tech_innovative_sme",
            TitleKind::SpecializedSme => "specialized_sme",
            TitleKind::LittleGiant => "little_giant",
            TitleKind::HighTechEnterprise => "high_tech_enterprise",
            TitleKind::TechInnovationDemo => "tech_innovation_demo",
            TitleKind::IpAdvantageOrDemo => "ip_advantage_or_demo",
        }
    }
}

/// An award received in the last 3 years.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Award {
    /// Which award.
    pub kind: AwardKind,
    /// For S&T awards the enterprise's place among the winning units (1 = first); for
    /// 创客中国 the smallest national "top N" list it entered (50 for 全国50强, 500 for 500强).
    pub rank: Option<u32>,
}

/// Kinds of award the tier rules look at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AwardKind {
    /// 国家级科技奖励.
    NationalSt,
    /// 省级科技奖励.
    ProvincialSt,
    /// "创客中国"中小企业创新创业大赛, national list.
    MakerChinaNational,
}

impl AwardKind {
    /// Every award kind.
    pub const ALL: [AwardKind; 3] = [
        AwardKind::NationalSt,
        AwardKind::ProvincialSt,
        AwardKind::MakerChinaNational,
    ];

    /// The snake_case name used in JSON and rule data.
    pub const fn name(self) -> &'static str {
        match self {
            AwardKind::NationalSt => "national_st",
            AwardKind::ProvincialSt => "provincial_st",
            AwardKind::MakerChinaNational => "maker_china_national",
        }
    }
}

/// Why a profile's values cannot be evaluated.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ProfileError {
    /// A number is NaN or infinite.
    #[error("{field}: not a finite number")]
    NotFinite {
        /// The field's JSON name.
        field: &'static str,
    },
    /// An amount that cannot be negative is negative.
    #[error("{field}: must not be negative, got {value}")]
    Negative {
        /// The field's JSON name.
        field: &'static str,
        /// The value given.
        value: f64,
    },
    /// A percentage share is above 100.
    #[error("{field}: a share cannot exceed 100 %, got {value}")]
    ShareAbove100 {
        /// The field's JSON name.
        field: &'static str,
        /// The value given.
        value: f64,
    },
    /// `digital_level` is not 1–4.
    #[error("digital_level: must be 1–4, got {0}")]
    DigitalLevel(u8),
    /// A part of the data contradicts another (e.g. more transferred IP than IP).
    #[error("{0}")]
    Inconsistent(&'static str),
    /// `province_code` is not six digits.
    #[error("province_code: expected 6 digits (GB/T 2260), got {0:?}")]
    ProvinceCode(String),
}

/// Where and why a profile's JSON does not parse.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message} (line {line}, column {column})")]
pub struct ProfileParseError {
    /// Path of the offending field, e.g. `titles[0].expires_on`; `.` when the problem is not
    /// in one field (malformed JSON).
    pub path: String,
    /// Line (1-based) where the problem was found.
    pub line: usize,
    /// Column (1-based) where the problem was found.
    pub column: usize,
    /// What serde said.
    pub message: String,
}

impl EnterpriseProfile {
    /// Parses a profile from JSON, naming the field, line and column of any problem.
    ///
    /// ```
    /// use shangyun_tier::EnterpriseProfile;
    /// let err = EnterpriseProfile::from_json("{\n  \"revenue\": \"lots\"\n}").unwrap_err();
    /// assert_eq!(err.path, "revenue");
    /// assert_eq!(err.line, 2);
    /// ```
    pub fn from_json(text: &str) -> Result<EnterpriseProfile, ProfileParseError> {
        let de = &mut serde_json::Deserializer::from_str(text);
        let parsed: Result<EnterpriseProfile, _> = serde_path_to_error::deserialize(de);
        let profile = parsed.map_err(|e| {
            // serde_path_to_error writes `?` where no field applies (a syntax error).
            let path = match e.path().to_string() {
                p if p == "?" || p.is_empty() => ".".to_owned(),
                p => p,
            };
            let inner = e.into_inner();
            let message = inner.to_string();
            // serde_json appends " at line L column C"; keep the message short.
            let message = match message.rfind(" at line ") {
                Some(i) => message[..i].to_owned(),
                None => message,
            };
            ProfileParseError {
                path,
                line: inner.line(),
                column: inner.column(),
                message,
            }
        })?;
        Ok(profile)
    }

    /// Checks values that no rule can read sensibly (negative amounts, shares over 100 %,
    /// a digital level outside 1–4, more transferred-in IP than IP).
    ///
    /// ```
    /// use shangyun_tier::{EnterpriseProfile, ProfileError};
    /// let p = EnterpriseProfile { digital_level: Some(5), ..Default::default() };
    /// assert_eq!(p.validate(), Err(ProfileError::DigitalLevel(5)));
    /// ```
    pub fn validate(&self) -> Result<(), ProfileError> {
        // Inline checks (no table of fields): this runs on every evaluation.
        macro_rules! non_negative {
            ($($field:ident),*) => {$(
                if let Some(value) = self.$field {
                    if !value.is_finite() {
                        return Err(ProfileError::NotFinite { field: stringify!($field) });
                    }
                    if value < 0.0 {
                        return Err(ProfileError::Negative { field: stringify!($field), value });
                    }
                }
            )*};
        }
        non_negative!(
            revenue,
            revenue_prev,
            revenue_prev2,
            main_revenue,
            main_revenue_prev,
            main_revenue_prev2,
            rd_spend,
            rd_spend_prev,
            debt_ratio_pct,
            niche_years,
            equity_raised_2y,
            equity_raised_3y,
            niche_market_share_pct,
            development_score,
            development_score_prev
        );
        if let Some(v) = self.net_profit
            && !v.is_finite()
        {
            return Err(ProfileError::NotFinite {
                field: "net_profit",
            });
        }
        if let Some(value) = self.niche_market_share_pct
            && value > 100.0
        {
            return Err(ProfileError::ShareAbove100 {
                field: "niche_market_share_pct",
                value,
            });
        }
        if let Some(level) = self.digital_level
            && !(1..=4).contains(&level)
        {
            return Err(ProfileError::DigitalLevel(level));
        }
        if let (Some(all), Some(moved)) = (self.ip_class1, self.ip_class1_transferred_recent)
            && moved > all
        {
            return Err(ProfileError::Inconsistent(
                "ip_class1_transferred_recent exceeds ip_class1",
            ));
        }
        if let (Some(rd), Some(all)) = (self.rd_staff, self.total_staff)
            && rd > all
        {
            return Err(ProfileError::Inconsistent("rd_staff exceeds total_staff"));
        }
        if let Some(code) = &self.province_code
            && (code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(ProfileError::ProvinceCode(code.clone()));
        }
        if let Some(values) = &self.local_values {
            for value in values.values() {
                if !value.is_finite() {
                    return Err(ProfileError::NotFinite {
                        field: "local_values",
                    });
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_error_names_nested_field_and_line() {
        let text = "{\n \"titles\": [\n  {\"title\": \"specialized_sme\", \"expires_on\": \"2026-02-30\"}\n ]\n}";
        let err = EnterpriseProfile::from_json(text).expect_err("bad date");
        assert_eq!(err.path, "titles[0].expires_on");
        assert_eq!(err.line, 3);
        assert!(err.message.contains("2026-02-30"), "{}", err.message);
    }

    #[test]
    fn syntax_error_has_no_field_but_a_line() {
        let err =
            EnterpriseProfile::from_json("{\n \"revenue\": 1,\n}").expect_err("trailing comma");
        assert_eq!((err.path.as_str(), err.line), (".", 3));
    }

    #[test]
    fn unknown_field_is_rejected_by_name() {
        let err = EnterpriseProfile::from_json("{\"revenu\": 1}").expect_err("typo");
        assert!(err.message.contains("revenu"), "{}", err.message);
    }

    #[test]
    fn validate_rejects_nonsense() {
        let neg = EnterpriseProfile {
            rd_spend: Some(-1.0),
            ..Default::default()
        };
        assert!(matches!(
            neg.validate(),
            Err(ProfileError::Negative {
                field: "rd_spend",
                ..
            })
        ));
        let ip = EnterpriseProfile {
            ip_class1: Some(1),
            ip_class1_transferred_recent: Some(2),
            ..Default::default()
        };
        assert!(matches!(ip.validate(), Err(ProfileError::Inconsistent(_))));
        let code = EnterpriseProfile {
            province_code: Some("33".into()),
            ..Default::default()
        };
        assert!(matches!(
            code.validate(),
            Err(ProfileError::ProvinceCode(_))
        ));
        assert_eq!(EnterpriseProfile::default().validate(), Ok(()));
    }
}
