//! Rows as JSON arrays, the way the SQLite backend reads many rows through the driver in one
//! value (`json_group_array(json_array(…))`, keys passed as one `json_each(?1)` array): the
//! driver's cost is per row fetched, SQLite renders JSON faster than that.
//!
//! Tuple positions follow the column lists of the SQL in `sqlite.rs`.

use crate::error::{StoreError, StoreResult};
use crate::filter::tier_from_key;
use crate::rows;
use chrono::NaiveDate;
use serde::Serialize;
use shangyun_registry::{AnnualFigures, Derived, Enterprise, Explanation, Tier, Title};

pub(crate) fn encode<T: Serialize + ?Sized>(value: &T, what: &'static str) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| StoreError::corrupt(what, "batch", e))
}

pub(crate) fn decode<T: serde::de::DeserializeOwned>(text: &str) -> StoreResult<Vec<T>> {
    serde_json::from_str(text).map_err(|e| StoreError::corrupt("rows", "batch", e))
}

/// uscc, name, registered_region, operating_region, industry, founded, contact_name,
/// contact_phone, contact_email.
pub(crate) type EnterpriseRow = (
    String,
    String,
    String,
    Option<String>,
    String,
    Option<NaiveDate>,
    Option<String>,
    Option<String>,
    Option<String>,
);

pub(crate) fn enterprise(r: EnterpriseRow) -> Enterprise {
    Enterprise {
        uscc: r.0,
        name: r.1,
        registered_region: r.2,
        operating_region: r.3,
        industry: r.4,
        founded: r.5,
        contact_name: r.6,
        contact_phone: r.7,
        contact_email: r.8,
    }
}

/// uscc, year, employees, revenue, main_business_revenue, assets, rd_spend, rd_staff,
/// net_profit, debt_ratio, ip_class1, ip_class1_high_value, ip_class2, energy_kwh.
pub(crate) type FiguresRow = (
    String,
    i32,
    Option<i64>,
    Option<f64>,
    Option<f64>,
    Option<f64>,
    Option<f64>,
    Option<i64>,
    Option<f64>,
    Option<f64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<f64>,
);

pub(crate) fn figures(r: FiguresRow) -> AnnualFigures {
    AnnualFigures {
        uscc: r.0,
        year: r.1,
        employees: r.2,
        revenue: r.3,
        main_business_revenue: r.4,
        assets: r.5,
        rd_spend: r.6,
        rd_staff: r.7,
        net_profit: r.8,
        debt_ratio: r.9,
        ip_class1: r.10,
        ip_class1_high_value: r.11,
        ip_class2: r.12,
        energy_kwh: r.13,
    }
}

/// uscc, tier, issued, expires, edition.
pub(crate) type TitleRow = (String, String, NaiveDate, NaiveDate, String);

pub(crate) fn title(r: TitleRow) -> StoreResult<Title> {
    let tier: Tier =
        tier_from_key(&r.1).ok_or_else(|| StoreError::corrupt("title tier", &r.0, &r.1))?;
    Ok(Title {
        uscc: r.0,
        tier,
        issued: r.2,
        expires: r.3,
        edition: r.4,
    })
}

/// uscc, year, size_class, size_edition, size_explanation, tiers.
pub(crate) type DerivedReadRow = (
    String,
    i32,
    Option<String>,
    String,
    Explanation,
    Vec<rows::StoredVerdict>,
);

pub(crate) fn derived(r: DerivedReadRow) -> StoreResult<Derived> {
    let tiers = rows::decode_tiers(r.5, &r.0)?;
    Ok(Derived {
        uscc: r.0,
        year: r.1,
        size_class: r.2,
        size_edition: r.3,
        size_explanation: r.4,
        tiers,
    })
}
