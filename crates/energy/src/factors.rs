//! Grid emission factors as dated data (`data/grid-emission-factors.toml`), and the choice of
//! the factor for an enterprise's region and year — explained.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

const BUILT_IN: &str = include_str!("../data/grid-emission-factors.toml");

/// How sure the project is of a figure: the rule crates' firm / likely / unsure.
pub use shangyun_digital::Confidence;

/// How wide a factor applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// The whole country.
    National,
    /// A regional grid (华北, 东北, …).
    Region,
    /// One province (GB/T 2260 prefix).
    Province,
}

/// One published factor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Factor {
    /// Stable id, e.g. `mee-2022-east`.
    pub id: String,
    /// What it averages: `average`, `average_excl_market_nonfossil`, `fossil`,
    /// `carbon_market_grid`.
    pub basis: String,
    /// National, regional grid or province.
    pub scope: Scope,
    /// Region id (`east`) or province prefix (`33`); none for national factors.
    #[serde(default)]
    pub region: Option<String>,
    /// tCO2/MWh (= kgCO2/kWh).
    pub value: f64,
    /// The year of the electricity data.
    pub data_year: i32,
    /// The publishing document.
    pub document: String,
    /// Its date (ISO).
    pub published: String,
    /// How sure we are of the value.
    pub confidence: Confidence,
    /// Anything a reader should know.
    #[serde(default)]
    pub note: Option<String>,
}

/// A regional grid and the provinces it covers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    /// Chinese name.
    pub zh: String,
    /// GB/T 2260 two-digit province prefixes.
    pub provinces: Vec<String>,
}

/// A factor file (one edition).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FactorTable {
    /// Edition id, named in every result.
    pub edition: String,
    /// Title.
    pub title: String,
    /// Must be `tCO2/MWh`.
    pub unit: String,
    /// The basis used unless the caller asks for another.
    pub default_basis: String,
    /// Region id → grid.
    pub regions: BTreeMap<String, Region>,
    /// The factors.
    #[serde(rename = "factor")]
    pub factors: Vec<Factor>,
}

/// A factor file that cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FactorError {
    /// Not valid TOML for this shape.
    #[error("factor file: {0}")]
    Parse(String),
    /// A value breaks a rule of the file.
    #[error("factor file: factor {id}: {problem}")]
    Invalid {
        /// The factor id.
        id: String,
        /// What is wrong.
        problem: String,
    },
    /// The file's unit is not tCO2/MWh.
    #[error("factor file: unit must be tCO2/MWh, got {0}")]
    Unit(String),
}

/// The factor chosen for a figure and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FactorChoice {
    /// The factor file's edition.
    pub edition: String,
    /// The factor.
    pub factor: Factor,
    /// Why this one (scope fallback, nearest data year).
    pub why: String,
}

impl FactorChoice {
    /// "mee-2022-east (0.5617 tCO2/MWh, 2022 data, region east; edition grid-ef-2026-11, likely)".
    pub fn label(&self) -> String {
        let f = &self.factor;
        format!(
            "{} ({} tCO2/MWh, {} data, {}{}; edition {}, {})",
            f.id,
            f.value,
            f.data_year,
            match f.scope {
                Scope::National => "national".to_owned(),
                Scope::Region => "region ".to_owned(),
                Scope::Province => "province ".to_owned(),
            },
            f.region.as_deref().unwrap_or(""),
            self.edition,
            f.confidence.en()
        )
    }
}

impl FactorTable {
    /// Parses and checks a factor file.
    pub fn from_toml(text: &str) -> Result<Self, FactorError> {
        let t: FactorTable = toml::from_str(text).map_err(|e| FactorError::Parse(e.to_string()))?;
        if t.unit != "tCO2/MWh" {
            return Err(FactorError::Unit(t.unit));
        }
        let mut ids = std::collections::BTreeSet::new();
        for f in &t.factors {
            let bad = |problem: &str| FactorError::Invalid {
                id: f.id.clone(),
                problem: problem.to_owned(),
            };
            if !ids.insert(f.id.as_str()) {
                return Err(bad("duplicate id"));
            }
            if !(f.value.is_finite() && f.value > 0.0 && f.value < 2.0) {
                return Err(bad("value must be in (0, 2) tCO2/MWh"));
            }
            if !(1990..=2100).contains(&f.data_year) {
                return Err(bad("data year out of range"));
            }
            match (f.scope, &f.region) {
                (Scope::National, None) => {}
                (Scope::Region, Some(r)) if t.regions.contains_key(r) => {}
                (Scope::Province, Some(p))
                    if p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()) => {}
                _ => return Err(bad("region does not match the scope")),
            }
        }
        Ok(t)
    }

    /// The built-in edition (`data/grid-emission-factors.toml`).
    pub fn built_in() -> &'static FactorTable {
        static T: OnceLock<FactorTable> = OnceLock::new();
        T.get_or_init(|| match FactorTable::from_toml(BUILT_IN) {
            Ok(t) => t,
            // The built-in file is checked by this crate's tests; a broken one is a build bug.
            Err(e) => panic!("built-in grid emission factor file is invalid: {e}"),
        })
    }

    /// The regional grid of a GB/T 2260 region code (6 digits or a 2-digit prefix).
    pub fn region_of(&self, region_code: &str) -> Option<&str> {
        let prefix = region_code.get(..2)?;
        self.regions
            .iter()
            .find(|(_, r)| r.provinces.iter().any(|p| p == prefix))
            .map(|(id, _)| id.as_str())
    }

    /// The factor for electricity used in `year` by an enterprise in `region_code` (GB/T 2260;
    /// `None`: national), on `basis` (`None`: the file's default). The most specific scope
    /// that has a factor wins (province, then regional grid, then national); within it the
    /// latest data year not after `year`, else the earliest after it (factors are published
    /// about two years late).
    pub fn choose(
        &self,
        region_code: Option<&str>,
        year: i32,
        basis: Option<&str>,
    ) -> Option<FactorChoice> {
        let basis = basis.unwrap_or(&self.default_basis);
        let province = region_code.and_then(|c| c.get(..2));
        let grid = region_code.and_then(|c| self.region_of(c));
        let candidates = [
            (Scope::Province, province),
            (Scope::Region, grid),
            (Scope::National, None),
        ];
        // First pass: the most specific scope with a factor for `year` or earlier (the latest
        // of those); second pass: the most specific scope's earliest later factor.
        for later in [false, true] {
            for (scope, region) in candidates {
                if scope != Scope::National && region.is_none() {
                    continue;
                }
                let of_scope = self.factors.iter().filter(|f| {
                    f.basis == basis && f.scope == scope && f.region.as_deref() == region
                });
                let best = if later {
                    of_scope.min_by_key(|f| f.data_year)
                } else {
                    of_scope
                        .filter(|f| f.data_year <= year)
                        .max_by_key(|f| f.data_year)
                };
                if let Some(f) = best {
                    return Some(self.explain(f, scope, region, region_code, year));
                }
            }
        }
        None
    }

    fn explain(
        &self,
        f: &Factor,
        scope: Scope,
        region: Option<&str>,
        region_code: Option<&str>,
        year: i32,
    ) -> FactorChoice {
        let mut why = match scope {
            Scope::Province => format!("province {} has its own factor", region.unwrap_or("")),
            Scope::Region => format!(
                "regional grid {} ({})",
                region.unwrap_or(""),
                region
                    .and_then(|r| self.regions.get(r))
                    .map_or("", |r| r.zh.as_str())
            ),
            Scope::National => match region_code {
                Some(c) => format!("national average (no provincial or regional factor for {c})"),
                None => "national average (no region given)".to_owned(),
            },
        };
        if f.data_year != year {
            why.push_str(&format!(
                "; no {year} factor for this scope, nearest published year {} used",
                f.data_year
            ));
        }
        FactorChoice {
            edition: self.edition.clone(),
            factor: f.clone(),
            why,
        }
    }
}
