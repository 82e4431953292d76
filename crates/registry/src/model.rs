//! The registry's records. Money is in 万元 (10,000 yuan) as the official rules use it; every
//! figure is optional because programme offices rarely know all of them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// One enterprise's identity. The USCC (统一社会信用代码) is the key, always stored normalised
/// (18 upper-case characters).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Enterprise {
    /// 统一社会信用代码, normalised.
    pub uscc: String,
    /// 企业名称.
    pub name: String,
    /// 注册地 — GB/T 2260 code (6 digits).
    pub registered_region: String,
    /// 经营地 — GB/T 2260 code, when it differs from the registered region.
    pub operating_region: Option<String>,
    /// 所属行业 — GB/T 4754-2017 code without the section letter (usually a 4-digit class).
    pub industry: String,
    /// 成立日期.
    pub founded: Option<NaiveDate>,
    /// 联系人.
    pub contact_name: Option<String>,
    /// 联系电话.
    pub contact_phone: Option<String>,
    /// 电子邮箱.
    pub contact_email: Option<String>,
}

/// One enterprise's figures for one calendar year. Keyed by (uscc, year).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AnnualFigures {
    pub uscc: String,
    pub year: i32,
    /// 从业人员 (persons).
    pub employees: Option<i64>,
    /// 营业收入 (万元).
    pub revenue: Option<f64>,
    /// 主营业务收入 (万元).
    pub main_business_revenue: Option<f64>,
    /// 资产总额 (万元).
    pub assets: Option<f64>,
    /// 研发费用 (万元).
    pub rd_spend: Option<f64>,
    /// 研发人员 (persons).
    pub rd_staff: Option<i64>,
    /// 净利润 (万元).
    pub net_profit: Option<f64>,
    /// 资产负债率 (%).
    pub debt_ratio: Option<f64>,
    /// Ⅰ类知识产权 (invention patents etc.), count.
    pub ip_class1: Option<i64>,
    /// of which high-value (高价值) Ⅰ类, count.
    pub ip_class1_high_value: Option<i64>,
    /// Ⅱ类知识产权 (software copyrights, utility models, designs), count.
    pub ip_class2: Option<i64>,
    /// 综合能耗 / electricity use (kWh).
    pub energy_kwh: Option<f64>,
}

/// The three quality-SME tiers (优质中小企业梯度).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tier {
    /// 创新型中小企业.
    Innovative,
    /// 专精特新中小企业.
    Specialized,
    /// 专精特新"小巨人".
    LittleGiant,
}

/// A tier title the enterprise holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Title {
    pub uscc: String,
    pub tier: Tier,
    pub issued: NaiveDate,
    pub expires: NaiveDate,
    /// The rule edition it was granted under, e.g. "2022".
    pub edition: String,
}

/// Values computed from ground truth and a rule edition, stored per (uscc, year).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Derived {
    pub uscc: String,
    pub year: i32,
    /// "large" | "medium" | "small" | "micro", or None when it cannot be classified.
    pub size_class: Option<String>,
    /// The size-class edition id as the size crate names it, e.g. "2011".
    pub size_edition: String,
    /// Why: the metrics against the group's bounds, or what was missing (see
    /// [`crate::derive`] for the shape).
    pub size_explanation: Explanation,
    /// One verdict per tier evaluated.
    pub tiers: Vec<TierDerived>,
}

/// A tier verdict as stored. Edition and outcome borrow the rule crate's static text when
/// derived (six verdicts per enterprise-year: an import would otherwise allocate twelve
/// strings a row) and own it when read back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TierDerived {
    pub tier: Tier,
    /// Edition id, e.g. "tier-2026-specialized".
    pub edition: Cow<'static, str>,
    /// "eligible" | "not-eligible" | "not-enough-data".
    pub outcome: Cow<'static, str>,
    /// Why: the checks that failed, the fields whose absence keeps it open, the points.
    pub explanation: Explanation,
}

/// An explanation as JSON text, kept serialized: it is computed for every enterprise and year
/// on import and stored as is, so building a `serde_json::Value` tree for each would cost more
/// than the rules themselves. Serializes as the JSON it holds; [`Explanation::to_value`] parses
/// it for inspection.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Explanation(Box<serde_json::value::RawValue>);

impl Explanation {
    /// Serializes `value` into an explanation.
    pub fn new<T: Serialize + ?Sized>(value: &T) -> Result<Explanation, serde_json::Error> {
        serde_json::value::to_raw_value(value).map(Explanation)
    }

    /// Checks and wraps JSON text (as read from storage).
    pub fn from_json(text: String) -> Result<Explanation, serde_json::Error> {
        serde_json::value::RawValue::from_string(text).map(Explanation)
    }

    /// `null`, for a value that has no explanation.
    pub fn null() -> Explanation {
        Explanation(serde_json::value::RawValue::NULL.to_owned())
    }

    /// The JSON text.
    pub fn as_json(&self) -> &str {
        self.0.get()
    }

    /// The JSON parsed into a tree.
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::from_str(self.0.get()).unwrap_or(serde_json::Value::Null)
    }
}

impl PartialEq for Explanation {
    fn eq(&self, other: &Self) -> bool {
        self.as_json() == other.as_json()
    }
}
