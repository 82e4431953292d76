//! The export's columns: the import mapping's, in its order, each header naming its unit so
//! that re-import reads the values unscaled.

use shangyun_import::{Field, Kind, Mapping};
use shangyun_registry::{AnnualFigures, Enterprise};
use shangyun_sheets::{Cell, ColumnKind};

/// One export column: the field and its header as the import mapping names it.
pub struct ExportColumn {
    pub field: Field,
    pub header: String,
    pub kind: ColumnKind,
}

/// The import mapping's columns in its order: the canonical Chinese header, followed by the
/// field's own unit (万元, 人, %, kWh …) in brackets, so re-import reads the values unscaled.
pub fn columns() -> Vec<ExportColumn> {
    let mapping = Mapping::embedded();
    mapping
        .columns()
        .iter()
        .map(|spec| {
            let unit = spec
                .units
                .first()
                .and_then(|id| mapping.unit(id))
                .map(|u| format!("({})", u.label))
                .unwrap_or_default();
            let kind = match spec.kind {
                Kind::Uscc | Kind::Region | Kind::Industry => ColumnKind::Code,
                Kind::Name | Kind::Text | Kind::Phone | Kind::Email => ColumnKind::Text,
                Kind::Date => ColumnKind::Date,
                Kind::Year | Kind::Count | Kind::Amount | Kind::Percent => ColumnKind::Number,
            };
            ExportColumn {
                field: spec.field,
                header: format!("{}{unit}", spec.zh),
                kind,
            }
        })
        .collect()
}

fn text(value: &str) -> Cell {
    Cell::Text(value.to_owned())
}

fn optional_text(value: Option<&String>) -> Cell {
    value.map_or(Cell::Empty, |v| Cell::Text(v.clone()))
}

fn amount(value: Option<f64>) -> Cell {
    value.map_or(Cell::Empty, Cell::Number)
}

fn count(value: Option<i64>) -> Cell {
    value.map_or(Cell::Empty, |n| Cell::Number(n as f64))
}

/// The cell of `field` for one enterprise-year (`figures` is `None` for an enterprise
/// without figures: its row has the identity only).
pub fn cell(field: Field, e: &Enterprise, figures: Option<&AnnualFigures>) -> Cell {
    let f = |get: fn(&AnnualFigures) -> Cell| figures.map_or(Cell::Empty, get);
    match field {
        Field::Uscc => text(&e.uscc),
        Field::Name => text(&e.name),
        Field::RegisteredRegion => text(&e.registered_region),
        Field::OperatingRegion => optional_text(e.operating_region.as_ref()),
        Field::Industry => text(&e.industry),
        Field::Founded => e
            .founded
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map_or(Cell::Empty, Cell::Date),
        Field::ContactName => optional_text(e.contact_name.as_ref()),
        Field::ContactPhone => optional_text(e.contact_phone.as_ref()),
        Field::ContactEmail => optional_text(e.contact_email.as_ref()),
        Field::Year => f(|x| Cell::Number(f64::from(x.year))),
        Field::Employees => f(|x| count(x.employees)),
        Field::Revenue => f(|x| amount(x.revenue)),
        Field::MainBusinessRevenue => f(|x| amount(x.main_business_revenue)),
        Field::Assets => f(|x| amount(x.assets)),
        Field::RdSpend => f(|x| amount(x.rd_spend)),
        Field::RdStaff => f(|x| count(x.rd_staff)),
        Field::NetProfit => f(|x| amount(x.net_profit)),
        Field::DebtRatio => f(|x| amount(x.debt_ratio)),
        Field::IpClass1 => f(|x| count(x.ip_class1)),
        Field::IpClass1HighValue => f(|x| count(x.ip_class1_high_value)),
        Field::IpClass2 => f(|x| count(x.ip_class2)),
        Field::EnergyKwh => f(|x| amount(x.energy_kwh)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_header_reads_back_as_its_own_field_unscaled() {
        let mapping = Mapping::embedded();
        let columns = columns();
        assert_eq!(columns.len(), Field::ALL.len());
        for c in &columns {
            let found = mapping.lookup(&c.header);
            assert_eq!(found.map(|m| m.field), Some(c.field), "{}", c.header);
            assert_eq!(found.map(|m| m.factor), Some(1.0), "{}", c.header);
            assert_eq!(
                found.map(|m| m.unit_assumed),
                Some(false),
                "{} must name its unit",
                c.header
            );
        }
        let headers: Vec<&str> = columns.iter().map(|c| c.header.as_str()).collect();
        assert_eq!(headers[0], "统一社会信用代码");
        assert!(headers.contains(&"营业收入(万元)"), "{headers:?}");
    }

    #[test]
    fn an_enterprise_without_figures_has_an_identity_only_row() {
        let e = Enterprise {
            uscc: "91330106MA27XK7R3B".into(),
            name: "杭州示例科技有限公司".into(),
            registered_region: "330106".into(),
            operating_region: None,
            industry: "0111".into(),
            founded: None,
            contact_name: None,
            contact_phone: None,
            contact_email: None,
        };
        assert_eq!(cell(Field::Industry, &e, None), Cell::Text("0111".into()));
        assert_eq!(cell(Field::Year, &e, None), Cell::Empty);
        assert_eq!(cell(Field::Revenue, &e, None), Cell::Empty);
    }
}
