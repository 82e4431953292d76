//! Rows as JSON arrays, the way the SQLite backend moves a whole batch through the driver in
//! one value (`json_each(?1)` to write, `json_group_array(…)` to read). Binding thousands of
//! parameters costs more in the driver than SQLite spends parsing the same data as JSON.
//!
//! Tuple positions follow the column lists of the SQL in `sqlite.rs`.

use crate::error::{StoreError, StoreResult};
use crate::filter::{tier_from_key, tier_key};
use crate::plan::DerivedRow;
use chrono::NaiveDate;
use serde::Serialize;
use shangyun_registry::{
    AnnualFigures, Derived, Enterprise, Explanation, Tier, TierDerived, Title,
};

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

pub(crate) fn encode_enterprises(rows: &[&Enterprise]) -> StoreResult<String> {
    let tuples: Vec<_> = rows
        .iter()
        .map(|e| {
            (
                &e.uscc,
                &e.name,
                &e.registered_region,
                &e.operating_region,
                &e.industry,
                e.founded,
                &e.contact_name,
                &e.contact_phone,
                &e.contact_email,
            )
        })
        .collect();
    encode(&tuples, "enterprises")
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

pub(crate) fn encode_figures(rows: &[&AnnualFigures]) -> StoreResult<String> {
    let tuples: Vec<_> = rows
        .iter()
        .map(|f| {
            (
                &f.uscc,
                f.year,
                f.employees,
                f.revenue,
                f.main_business_revenue,
                f.assets,
                f.rd_spend,
                f.rd_staff,
                f.net_profit,
                f.debt_ratio,
                f.ip_class1,
                f.ip_class1_high_value,
                f.ip_class2,
                f.energy_kwh,
            )
        })
        .collect();
    encode(&tuples, "annual figures")
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

pub(crate) fn encode_titles(rows: &[&Title]) -> StoreResult<String> {
    let tuples: Vec<_> = rows
        .iter()
        .map(|t| (&t.uscc, tier_key(t.tier), t.issued, t.expires, &t.edition))
        .collect();
    encode(&tuples, "titles")
}

/// uscc, year, size_class, size_edition, size_explanation, tiers.
pub(crate) type DerivedReadRow = (
    String,
    i32,
    Option<String>,
    String,
    Explanation,
    Vec<TierDerived>,
);

pub(crate) fn derived(r: DerivedReadRow) -> Derived {
    Derived {
        uscc: r.0,
        year: r.1,
        size_class: r.2,
        size_edition: r.3,
        size_explanation: r.4,
        tiers: r.5,
    }
}

/// uscc, year, is_latest, size_class, size_edition, size_explanation, the three tier
/// summaries, tiers. The two JSON columns travel as strings holding their JSON text: SQLite
/// then copies them instead of re-rendering nested objects.
pub(crate) fn encode_derived(rows: &[DerivedRow]) -> StoreResult<String> {
    let tuples = rows
        .iter()
        .map(|r| {
            let d = &r.derived;
            Ok((
                &d.uscc,
                d.year,
                r.is_latest,
                &d.size_class,
                &d.size_edition,
                d.size_explanation.as_json(),
                r.tier_summary(Tier::Innovative),
                r.tier_summary(Tier::Specialized),
                r.tier_summary(Tier::LittleGiant),
                encode(&d.tiers, "tier verdicts")?,
            ))
        })
        .collect::<StoreResult<Vec<_>>>()?;
    encode(&tuples, "derived values")
}
