//! The registry fields a column can feed.

use serde::{Deserialize, Serialize};

/// A field of [`Enterprise`](shangyun_registry::Enterprise) or
/// [`AnnualFigures`](shangyun_registry::AnnualFigures) that a spreadsheet column can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// 统一社会信用代码.
    Uscc,
    /// 企业名称.
    Name,
    /// 注册地区划代码.
    RegisteredRegion,
    /// 经营地区划代码.
    OperatingRegion,
    /// 行业代码.
    Industry,
    /// 成立日期.
    Founded,
    /// 年度 of the figures.
    Year,
    /// 从业人员.
    Employees,
    /// 营业收入.
    Revenue,
    /// 主营业务收入.
    MainBusinessRevenue,
    /// 资产总额.
    Assets,
    /// 研发费用.
    RdSpend,
    /// 研发人员.
    RdStaff,
    /// 净利润.
    NetProfit,
    /// 资产负债率.
    DebtRatio,
    /// Ⅰ类知识产权.
    IpClass1,
    /// 高价值Ⅰ类知识产权.
    IpClass1HighValue,
    /// Ⅱ类知识产权.
    IpClass2,
    /// 能耗.
    EnergyKwh,
    /// 联系人.
    ContactName,
    /// 联系电话.
    ContactPhone,
    /// 电子邮箱.
    ContactEmail,
}

impl Field {
    /// Every field, in the order of the documentation.
    pub const ALL: [Field; 22] = [
        Field::Uscc,
        Field::Name,
        Field::RegisteredRegion,
        Field::OperatingRegion,
        Field::Industry,
        Field::Founded,
        Field::Year,
        Field::Employees,
        Field::Revenue,
        Field::MainBusinessRevenue,
        Field::Assets,
        Field::RdSpend,
        Field::RdStaff,
        Field::NetProfit,
        Field::DebtRatio,
        Field::IpClass1,
        Field::IpClass1HighValue,
        Field::IpClass2,
        Field::EnergyKwh,
        Field::ContactName,
        Field::ContactPhone,
        Field::ContactEmail,
    ];

    /// Position in [`Field::ALL`], for per-field arrays.
    pub fn index(self) -> usize {
        self as usize
    }

    /// True for the yearly figures (everything that goes into `AnnualFigures` except the year).
    pub fn is_figure(self) -> bool {
        matches!(
            self,
            Field::Employees
                | Field::Revenue
                | Field::MainBusinessRevenue
                | Field::Assets
                | Field::RdSpend
                | Field::RdStaff
                | Field::NetProfit
                | Field::DebtRatio
                | Field::IpClass1
                | Field::IpClass1HighValue
                | Field::IpClass2
                | Field::EnergyKwh
        )
    }

    /// The snake_case name used in the mapping file.
    pub fn key(self) -> &'static str {
        match self {
            Field::Uscc => "uscc",
            Field::Name => "name",
            Field::RegisteredRegion => "registered_region",
            Field::OperatingRegion => "operating_region",
            Field::Industry => "industry",
            Field::Founded => "founded",
            Field::Year => "year",
            Field::Employees => "employees",
            Field::Revenue => "revenue",
            Field::MainBusinessRevenue => "main_business_revenue",
            Field::Assets => "assets",
            Field::RdSpend => "rd_spend",
            Field::RdStaff => "rd_staff",
            Field::NetProfit => "net_profit",
            Field::DebtRatio => "debt_ratio",
            Field::IpClass1 => "ip_class1",
            Field::IpClass1HighValue => "ip_class1_high_value",
            Field::IpClass2 => "ip_class2",
            Field::EnergyKwh => "energy_kwh",
            Field::ContactName => "contact_name",
            Field::ContactPhone => "contact_phone",
            Field::ContactEmail => "contact_email",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Field;

    #[test]
    fn all_is_in_index_order() {
        for (i, field) in Field::ALL.iter().enumerate() {
            assert_eq!(field.index(), i, "{field:?}");
        }
    }
}
