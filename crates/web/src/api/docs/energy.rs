//! The energy, carbon and evidence operations of the document (kept apart: one `json!` for
//! the whole document reaches the macro's recursion limit).

use super::{ok, op, q};
use serde_json::{Value, json};

/// Adds the operations and their schemas to `doc`.
pub(super) fn add(doc: &mut Value) {
    let string = json!({"type": "string"});
    let paths = json!({
            "/api/v1/enterprises/{uscc}/energy": {"get": op("Energy and carbon of one enterprise from its meters (thing-model energy property: cumulative kWh or power kW), per local day or month (Asia/Shanghai), kWh and tCO2 with the grid emission factor (value, scope, region, data year, source document, data-file edition) beside every figure; kWh per ¥100 revenue for years with revenue on file", json!([
                {"name": "uscc", "in": "path", "required": true, "schema": string.clone()},
                q("from", "first local day, inclusive (default: the first day of the month eleven months back)", json!({"type": "string", "format": "date"})),
                q("to", "last local day, inclusive (default: today); at most 3,700 days after from", json!({"type": "string", "format": "date"})),
                q("by", "granularity of periods", json!({"type": "string", "enum": ["day", "month"], "default": "month"}))
            ]), {
                let mut r = ok("200", "EnergyReport");
                r["404"] = json!({"description": "no such enterprise", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
                r["503"] = json!({"description": "the server runs without the time-series store, or cannot read it now", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
                r
            }, json!({}))},
            "/api/v1/enterprises/{uscc}/evidence": {"get": op("Measured evidence for the 2024 digital-level questionnaire: share of production equipment that reported in the last 30 days, business links with automatic data collection, metered kWh per ¥100 revenue of the two latest complete years with revenue; each a pre-filled answer with source measured, and the questions that could not be measured with the reason", json!([
                {"name": "uscc", "in": "path", "required": true, "schema": string.clone()}
            ]), {
                let mut r = ok("200", "EvidenceReport");
                r["404"] = json!({"description": "no such enterprise", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
                r["503"] = json!({"description": "the server runs without the time-series store, or cannot read it now", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
                r
            }, json!({}))}
    });
    let schemas = json!({
                "PeriodFigure": {"type": "object", "properties": {
                    "period": {"type": "string", "description": "2025-12-01, 2025-12 or total"}, "kwh": {"type": "number"},
                    "carbon": {"type": "object", "nullable": true, "properties": {
                        "tco2": {"type": "number"}, "factor_label": {"type": "string"},
                        "factor": {"type": "object", "description": "edition, factor {id, basis, scope, region, value, data_year, document, published, confidence}, why"}
                    }}
                }},
                "EnergyReport": {"type": "object", "properties": {
                    "enterprise": {"type": "string"}, "name": {"type": "string"}, "region_code": {"type": "string"}, "tz": {"type": "string"},
                    "from": {"type": "string", "format": "date"}, "to": {"type": "string", "format": "date"}, "by": {"type": "string", "enum": ["day", "month"]},
                    "periods": {"type": "array", "items": {"$ref": "#/components/schemas/PeriodFigure"}},
                    "total": {"$ref": "#/components/schemas/PeriodFigure"},
                    "factors": {"type": "array", "items": {"type": "object"}},
                    "meters": {"type": "array", "items": {"type": "object"}},
                    "intensity": {"type": "array", "items": {"type": "object", "description": "year, months_metered, kwh, revenue_wan_yuan, kwh_per_100_yuan, explanation"}}
                }},
                "EvidenceReport": {"type": "object", "properties": {
                    "enterprise": {"type": "string"}, "name": {"type": "string"},
                    "devices": {"type": "integer"}, "production_equipment": {"type": "integer"},
                    "periods": {"type": "array", "nullable": true, "items": {"type": "object"}},
                    "evidence": {"type": "object", "description": "mapping_edition, questionnaire, window_start_ms, window_end_ms, window_days, answers [{question, answer {value, source: measured}, measurement, explanation}], not_measured [{question, reason}]"}
                }}
    });
    super::merge(doc, paths, schemas);
}
