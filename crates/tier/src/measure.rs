//! Measures: the numbers rule data compares — profile fields and ratios derived from them.
//!
//! Derived percentages are computed as `a × 100 / b` and snapped to 9 decimals so that a
//! value meant to sit exactly on a band edge (e.g. 30 / 1000 = 3 %) is not pushed off it by
//! binary rounding.

use crate::field::{Field, FieldSet};
use crate::profile::{EnterpriseProfile, RdInstitutionLevel};

/// The value of a measure, or the fields whose absence makes it unknown.
pub(crate) type Value = Result<f64, FieldSet>;

macro_rules! measures {
    ($($variant:ident => $name:literal, $zh:literal, $en:literal;)*) => {
        /// A number the rule data can compare or band: a profile field (bools read as 1/0)
        /// or a ratio derived from several.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[allow(missing_docs)]
        pub enum Measure {
            $($variant,)*
        }

        impl Measure {
            /// Every measure.
            pub const ALL: &'static [Measure] = &[$(Measure::$variant,)*];

            /// The name rule data uses.
            pub const fn name(self) -> &'static str {
                match self { $(Measure::$variant => $name,)* }
            }

            /// Chinese label.
            pub const fn label_zh(self) -> &'static str {
                match self { $(Measure::$variant => $zh,)* }
            }

            /// English label.
            pub const fn label_en(self) -> &'static str {
                match self { $(Measure::$variant => $en,)* }
            }
        }
    };
}

measures! {
    Revenue => "revenue", "上年度营业收入(万元)", "revenue, last year (10k CNY)";
    RevenuePrev => "revenue_prev", "前一年度营业收入(万元)", "revenue, the year before (10k CNY)";
    RevenuePrev2 => "revenue_prev2", "前两年度营业收入(万元)", "revenue, two years before (10k CNY)";
    MainRevenue => "main_revenue", "上年度主营业务收入(万元)", "main-business revenue, last year (10k CNY)";
    RdSpend => "rd_spend", "上年度研发费用(万元)", "R&D spend, last year (10k CNY)";
    RdSpendPrev => "rd_spend_prev", "前一年度研发费用(万元)", "R&D spend, the year before (10k CNY)";
    RdStaff => "rd_staff", "研发人员数", "R&D staff";
    TotalStaff => "total_staff", "职工总数", "total staff";
    IpHighValueClass1 => "ip_high_value_class1", "高价值Ⅰ类知识产权数", "high-value class I IP";
    IpSelfDevelopedClass1 => "ip_self_developed_class1", "自主研发Ⅰ类知识产权数", "self-developed class I IP";
    IpClass1Effective => "ip_class1_effective", "Ⅰ类知识产权数(不含1年内转让取得)", "class I IP (excl. transferred in within 1 year)";
    IpClass2 => "ip_class2", "Ⅱ类知识产权数", "class II IP";
    DebtRatioPct => "debt_ratio_pct", "资产负债率(%)", "debt-to-asset ratio (%)";
    NetProfit => "net_profit", "净利润(万元)", "net profit (10k CNY)";
    NicheYears => "niche_years", "从事细分市场年限", "years in the niche";
    StrategicEmergingProduct => "strategic_emerging_product", "主导产品属战略性新兴产业", "main product in a strategic emerging industry";
    DigitalLevel => "digital_level", "数字化水平等级", "digital level";
    QualityAward => "quality_award", "省级以上质量奖", "provincial-or-higher quality award";
    QualityCertification => "quality_certification", "管理体系或产品认证", "management-system or product certification";
    OwnBrand => "own_brand", "自主品牌", "own brand";
    StandardParticipation => "standard_participation", "参与制修订标准", "took part in a standard";
    RdInstitutionLevel => "rd_institution_level", "研发机构级别", "R&D institution level";
    EquityRaised2y => "equity_raised_2y", "近2年新增股权融资(万元)", "new equity, 2 years (10k CNY)";
    EquityRaised3y => "equity_raised_3y", "近3年新增股权融资(万元)", "new equity, 3 years (10k CNY)";
    NicheMarketSharePct => "niche_market_share_pct", "细分市场全国占有率(%)", "national niche market share (%)";
    NicheNationalRank => "niche_national_rank", "细分市场全国排名", "national niche rank";
    NicheLeadingPosition => "niche_leading_position", "细分市场领先地位", "leading niche position";
    DevelopmentScore => "development_score", "专精特新发展评价得分", "specialisation development score";
    DevelopmentScorePrev => "development_score_prev", "前一年度专精特新发展评价得分", "development score, year before";
    ReReview => "re_review", "复核", "re-review";
    IndependentLegalPerson => "independent_legal_person", "独立法人", "independent legal person";
    IsSme => "is_sme", "属中小企业", "is an SME";
    NotListedAbnormalOrDishonest => "not_listed_abnormal_or_dishonest", "未列入经营异常名录或严重失信名单", "not on abnormal/dishonest lists";
    NoProhibitedProducts => "no_prohibited_products", "无禁止或限制类产品", "no prohibited/restricted products";
    NoMajorIncidents => "no_major_incidents", "近3年无重大安全、质量、环境事故及偷漏税", "no major incident or tax evasion in 3 years";
    MainBusinessSharePct => "main_business_share_pct", "主营业务收入占营业收入比重(%)", "main-business revenue share (%)";
    MainGrowthPct => "main_growth_pct", "上年主营业务收入增长率(%)", "main-business revenue growth, last year (%)";
    MainGrowthAvg2Pct => "main_growth_avg2_pct", "近2年主营业务收入平均增长率(%)", "2-year average main-business growth (%)";
    RevenueCagr2Pct => "revenue_cagr2_pct", "近2年营业收入复合增长率(%)", "2-year compound revenue growth (%)";
    RdRatioPct => "rd_ratio_pct", "上年度研发费用占营业收入比重(%)", "R&D spend / revenue, last year (%)";
    RdRatioPrevPct => "rd_ratio_prev_pct", "前一年度研发费用占营业收入比重(%)", "R&D spend / revenue, year before (%)";
    RdTotal2y => "rd_total_2y", "近2年研发费用总额(万元)", "R&D spend, 2-year total (10k CNY)";
    RdAvg2y => "rd_avg_2y", "近2年研发费用平均(万元)", "R&D spend, 2-year average (10k CNY)";
    RdStaffPct => "rd_staff_pct", "研发人员占职工总数比重(%)", "R&D staff share (%)";
    NetMarginPct => "net_margin_pct", "净利润率(%)", "net profit margin (%)";
}

impl Measure {
    /// Finds a measure by the name rule data uses.
    pub fn from_name(name: &str) -> Option<Measure> {
        Measure::ALL.iter().copied().find(|m| m.name() == name)
    }

    /// For a measure with named levels, the number a level name stands for.
    pub(crate) fn level(self, name: &str) -> Option<f64> {
        match self {
            Measure::RdInstitutionLevel => RdInstitutionLevel::ALL
                .iter()
                .find(|l| l.name() == name)
                .map(|l| f64::from(l.ordinal())),
            _ => None,
        }
    }

    /// For a measure with named levels, the name of level `v` (for labels).
    pub(crate) fn level_name(self, v: f64) -> Option<&'static str> {
        match self {
            Measure::RdInstitutionLevel => RdInstitutionLevel::ALL
                .iter()
                .find(|l| f64::from(l.ordinal()) == v)
                .map(|l| l.name()),
            _ => None,
        }
    }

    /// The value for `p`, or the missing fields that make it unknown.
    pub(crate) fn value(self, p: &EnterpriseProfile) -> Value {
        use Measure as M;
        match self {
            M::Revenue => num(p.revenue, Field::Revenue),
            M::RevenuePrev => num(p.revenue_prev, Field::RevenuePrev),
            M::RevenuePrev2 => num(p.revenue_prev2, Field::RevenuePrev2),
            M::MainRevenue => num(p.main_revenue, Field::MainRevenue),
            M::RdSpend => num(p.rd_spend, Field::RdSpend),
            M::RdSpendPrev => num(p.rd_spend_prev, Field::RdSpendPrev),
            M::RdStaff => count(p.rd_staff, Field::RdStaff),
            M::TotalStaff => count(p.total_staff, Field::TotalStaff),
            M::IpHighValueClass1 => count(p.ip_high_value_class1, Field::IpHighValueClass1),
            M::IpSelfDevelopedClass1 => {
                count(p.ip_self_developed_class1, Field::IpSelfDevelopedClass1)
            }
            M::IpClass1Effective => {
                let all = count(p.ip_class1, Field::IpClass1);
                let moved = count(
                    p.ip_class1_transferred_recent,
                    Field::IpClass1TransferredRecent,
                );
                both(all, moved).map(|(a, m)| (a - m).max(0.0))
            }
            M::IpClass2 => count(p.ip_class2, Field::IpClass2),
            M::DebtRatioPct => num(p.debt_ratio_pct, Field::DebtRatioPct),
            M::NetProfit => num(p.net_profit, Field::NetProfit),
            M::NicheYears => num(p.niche_years, Field::NicheYears),
            M::StrategicEmergingProduct => flag(
                p.strategic_emerging_product,
                Field::StrategicEmergingProduct,
            ),
            M::DigitalLevel => num(p.digital_level.map(f64::from), Field::DigitalLevel),
            M::QualityAward => flag(p.quality_award, Field::QualityAward),
            M::QualityCertification => flag(p.quality_certification, Field::QualityCertification),
            M::OwnBrand => flag(p.own_brand, Field::OwnBrand),
            M::StandardParticipation => {
                flag(p.standard_participation, Field::StandardParticipation)
            }
            M::RdInstitutionLevel => num(
                p.rd_institution_level.map(|l| f64::from(l.ordinal())),
                Field::RdInstitutionLevel,
            ),
            M::EquityRaised2y => num(p.equity_raised_2y, Field::EquityRaised2y),
            M::EquityRaised3y => num(p.equity_raised_3y, Field::EquityRaised3y),
            M::NicheMarketSharePct => num(p.niche_market_share_pct, Field::NicheMarketSharePct),
            M::NicheNationalRank => count(p.niche_national_rank, Field::NicheNationalRank),
            M::NicheLeadingPosition => flag(p.niche_leading_position, Field::NicheLeadingPosition),
            M::DevelopmentScore => num(p.development_score, Field::DevelopmentScore),
            M::DevelopmentScorePrev => num(p.development_score_prev, Field::DevelopmentScorePrev),
            M::ReReview => flag(p.re_review, Field::ReReview),
            M::IndependentLegalPerson => {
                flag(p.independent_legal_person, Field::IndependentLegalPerson)
            }
            M::IsSme => flag(p.is_sme, Field::IsSme),
            M::NotListedAbnormalOrDishonest => flag(
                p.not_listed_abnormal_or_dishonest,
                Field::NotListedAbnormalOrDishonest,
            ),
            M::NoProhibitedProducts => flag(p.no_prohibited_products, Field::NoProhibitedProducts),
            M::NoMajorIncidents => flag(p.no_major_incidents, Field::NoMajorIncidents),
            M::MainBusinessSharePct => percent(
                num(p.main_revenue, Field::MainRevenue),
                num(p.revenue, Field::Revenue),
                Field::Revenue,
            ),
            M::MainGrowthPct => growth(
                num(p.main_revenue, Field::MainRevenue),
                num(p.main_revenue_prev, Field::MainRevenuePrev),
                Field::MainRevenuePrev,
            ),
            M::MainGrowthAvg2Pct => {
                let last = M::MainGrowthPct.value(p);
                let before = growth(
                    num(p.main_revenue_prev, Field::MainRevenuePrev),
                    num(p.main_revenue_prev2, Field::MainRevenuePrev2),
                    Field::MainRevenuePrev2,
                );
                both(last, before).map(|(a, b)| snap((a + b) / 2.0))
            }
            M::RevenueCagr2Pct => {
                let now = num(p.revenue, Field::Revenue);
                let then = num(p.revenue_prev2, Field::RevenuePrev2);
                match both(now, then) {
                    Ok((_, t)) if t <= 0.0 => Err(FieldSet::of(Field::RevenuePrev2)),
                    Ok((n, t)) => Ok(snap(((n / t).sqrt() - 1.0) * 100.0)),
                    Err(missing) => Err(missing),
                }
            }
            M::RdRatioPct => percent(
                num(p.rd_spend, Field::RdSpend),
                num(p.revenue, Field::Revenue),
                Field::Revenue,
            ),
            M::RdRatioPrevPct => percent(
                num(p.rd_spend_prev, Field::RdSpendPrev),
                num(p.revenue_prev, Field::RevenuePrev),
                Field::RevenuePrev,
            ),
            M::RdTotal2y => both(
                num(p.rd_spend, Field::RdSpend),
                num(p.rd_spend_prev, Field::RdSpendPrev),
            )
            .map(|(a, b)| a + b),
            M::RdAvg2y => both(
                num(p.rd_spend, Field::RdSpend),
                num(p.rd_spend_prev, Field::RdSpendPrev),
            )
            .map(|(a, b)| snap((a + b) / 2.0)),
            M::RdStaffPct => percent(
                count(p.rd_staff, Field::RdStaff),
                count(p.total_staff, Field::TotalStaff),
                Field::TotalStaff,
            ),
            M::NetMarginPct => percent(
                num(p.net_profit, Field::NetProfit),
                num(p.revenue, Field::Revenue),
                Field::Revenue,
            ),
        }
    }
}

fn num(v: Option<f64>, field: Field) -> Value {
    v.ok_or(FieldSet::of(field))
}

fn count(v: Option<u32>, field: Field) -> Value {
    v.map(f64::from).ok_or(FieldSet::of(field))
}

fn flag(v: Option<bool>, field: Field) -> Value {
    v.map(|b| if b { 1.0 } else { 0.0 })
        .ok_or(FieldSet::of(field))
}

fn both(a: Value, b: Value) -> Result<(f64, f64), FieldSet> {
    match (a, b) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        (Err(x), Err(y)) => Err(x.union(y)),
        (Err(x), _) | (_, Err(x)) => Err(x),
    }
}

/// `num × 100 / den`; a zero denominator leaves the ratio undefined, reported as the
/// denominator's field being unusable.
fn percent(num: Value, den: Value, den_field: Field) -> Value {
    match both(num, den)? {
        (_, d) if d <= 0.0 => Err(FieldSet::of(den_field)),
        (n, d) => Ok(snap(n * 100.0 / d)),
    }
}

/// Growth in percent from `before` to `now`; undefined from a zero base.
fn growth(now: Value, before: Value, before_field: Field) -> Value {
    match both(now, before)? {
        (_, b) if b <= 0.0 => Err(FieldSet::of(before_field)),
        (n, b) => Ok(snap((n - b) * 100.0 / b)),
    }
}

/// Rounds to 9 decimals: far below any threshold's precision, far above f64 noise.
fn snap(x: f64) -> f64 {
    // Adding and removing 1.5 × 2⁵² rounds to an integer in two additions (f64::round is a
    // library call on baseline x86-64); beyond 2⁵¹ every f64 is an integer already.
    const MAGIC: f64 = 6_755_399_441_055_744.0;
    let scaled = x * 1e9;
    if scaled.abs() < 2_251_799_813_685_248.0 {
        ((scaled + MAGIC) - MAGIC) / 1e9
    } else {
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile() -> EnterpriseProfile {
        EnterpriseProfile {
            revenue: Some(1000.0),
            revenue_prev: Some(900.0),
            revenue_prev2: Some(826.4462809917355),
            main_revenue: Some(700.0),
            main_revenue_prev: Some(625.0),
            main_revenue_prev2: Some(500.0),
            rd_spend: Some(30.0),
            rd_spend_prev: Some(20.0),
            ip_class1: Some(3),
            ip_class1_transferred_recent: Some(1),
            ..Default::default()
        }
    }

    #[test]
    fn derived_values_land_exactly_on_round_numbers() {
        let p = profile();
        assert_eq!(Measure::RdRatioPct.value(&p), Ok(3.0));
        assert_eq!(Measure::MainBusinessSharePct.value(&p), Ok(70.0));
        // 700/625 = +12 %, 625/500 = +25 % → average 18.5 %
        assert_eq!(Measure::MainGrowthPct.value(&p), Ok(12.0));
        assert_eq!(Measure::MainGrowthAvg2Pct.value(&p), Ok(18.5));
        // 1000 / 826.446… = 1.21 → √ = 1.1 → 10 %
        assert_eq!(Measure::RevenueCagr2Pct.value(&p), Ok(10.0));
        assert_eq!(Measure::RdTotal2y.value(&p), Ok(50.0));
        assert_eq!(Measure::RdAvg2y.value(&p), Ok(25.0));
        assert_eq!(Measure::IpClass1Effective.value(&p), Ok(2.0));
    }

    #[test]
    fn missing_and_zero_denominators_name_the_fields() {
        let p = EnterpriseProfile {
            rd_spend: Some(1.0),
            ..Default::default()
        };
        assert_eq!(
            Measure::RdRatioPct.value(&p),
            Err(FieldSet::of(Field::Revenue))
        );
        let zero = EnterpriseProfile {
            rd_spend: Some(1.0),
            revenue: Some(0.0),
            ..Default::default()
        };
        assert_eq!(
            Measure::RdRatioPct.value(&zero),
            Err(FieldSet::of(Field::Revenue))
        );
        let none = EnterpriseProfile::default();
        assert_eq!(
            Measure::MainGrowthAvg2Pct.value(&none),
            Err(FieldSet::of(Field::MainRevenue)
                .union(FieldSet::of(Field::MainRevenuePrev))
                .union(FieldSet::of(Field::MainRevenuePrev2)))
        );
    }

    #[test]
    fn snap_rounds_to_nine_decimals() {
        assert_eq!(snap(0.03 * 100.0), 3.0);
        assert_eq!(snap(-7.000_000_000_000_001), -7.0);
        assert_eq!(snap(12.345_678_901_4), 12.345_678_901);
        assert_eq!(snap(1e300), 1e300);
        assert!(snap(f64::NAN).is_nan());
    }

    #[test]
    fn names_are_unique_and_round_trip() {
        for m in Measure::ALL {
            assert_eq!(Measure::from_name(m.name()), Some(*m));
        }
        assert_eq!(Measure::RdInstitutionLevel.level("provincial"), Some(3.0));
        assert_eq!(Measure::RdInstitutionLevel.level("galactic"), None);
        assert_eq!(Measure::Revenue.level("provincial"), None);
    }
}
