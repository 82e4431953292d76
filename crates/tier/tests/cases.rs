//! Data-driven cases: every `tests/cases/*.json` names a profile (optionally an example file
//! with fields set over it; `null` removes a field), an edition and tier, optional provincial
//! rules, and the expected outcome, total, missing fields, direct route and failed checks.

use serde::Deserialize;
use serde_json::{Map, Value};
use shangyun_tier::{Edition, EnterpriseProfile, LocalRules, Outcome, Tier};
use std::path::Path;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    edition: String,
    tier: String,
    #[serde(default)]
    base: Option<String>,
    #[serde(default)]
    local_rules: Option<String>,
    #[serde(default)]
    profile: Map<String, Value>,
    expect: Expect,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    outcome: String,
    #[serde(default)]
    total: Option<Value>,
    #[serde(default)]
    missing: Option<Vec<String>>,
    #[serde(default)]
    direct_route: Option<String>,
    #[serde(default)]
    failed: Option<Vec<String>>,
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn run(case: &Case, dir: &Path) -> Result<(), String> {
    let edition: Edition = case.edition.parse().map_err(|e| format!("{e}"))?;
    let tier: Tier = case.tier.parse().map_err(|e| format!("{e}"))?;
    let mut profile = match &case.base {
        Some(name) => {
            let text = read(&dir.join("../../examples").join(format!("{name}.json")));
            match serde_json::from_str(&text).map_err(|e| e.to_string())? {
                Value::Object(map) => map,
                _ => return Err(format!("{name}: not an object")),
            }
        }
        None => Map::new(),
    };
    for (key, value) in &case.profile {
        if value.is_null() {
            profile.remove(key);
        } else {
            profile.insert(key.clone(), value.clone());
        }
    }
    let profile = EnterpriseProfile::from_json(&Value::Object(profile).to_string())
        .map_err(|e| e.to_string())?;
    let rules = shangyun_tier::rules(edition, tier).map_err(|e| e.to_string())?;
    let local = match &case.local_rules {
        Some(name) => {
            let text = read(
                &dir.join("../../editions/local")
                    .join(format!("{name}.toml")),
            );
            Some(LocalRules::from_toml(&text).map_err(|e| e.to_string())?)
        }
        None => None,
    };
    let verdict = rules
        .evaluate_with_local(&profile, local.as_ref())
        .map_err(|e| e.to_string())?;
    let json = serde_json::to_value(&verdict).map_err(|e| e.to_string())?;
    if local.is_none() {
        // The outcome alone comes from the same routine, without the account.
        let alone = rules.outcome(&profile).map_err(|e| e.to_string())?;
        if Outcome::from(alone) != verdict.outcome {
            return Err(format!(
                "outcome alone {alone:?} ≠ verdict {:?}",
                verdict.outcome
            ));
        }
    }

    let mut problems = Vec::new();
    let mut expect = |what: &str, got: Value, want: Value| {
        if got != want {
            problems.push(format!("{what}: got {got}, want {want}"));
        }
    };
    expect(
        "outcome",
        json["outcome"].clone(),
        Value::from(case.expect.outcome.clone()),
    );
    if let Some(total) = &case.expect.total {
        expect("total", json["score"]["total"].clone(), total.clone());
    }
    if let Some(missing) = &case.expect.missing {
        expect(
            "missing",
            json["missing"].clone(),
            Value::from(missing.clone()),
        );
    }
    if let Some(route) = &case.expect.direct_route {
        expect(
            "direct_route",
            json["direct_route"].clone(),
            Value::from(route.clone()),
        );
    }
    if let Some(failed) = &case.expect.failed {
        let got: Vec<String> = verdict
            .failed
            .iter()
            .map(|f| format!("{}:{}", f.condition, f.check))
            .collect();
        expect("failed", Value::from(got), Value::from(failed.clone()));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

#[test]
fn every_case_file_holds() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    assert!(
        paths.len() >= 10,
        "expected the case files, found {}",
        paths.len()
    );
    let mut failures = Vec::new();
    for path in &paths {
        let case: Case =
            serde_json::from_str(&read(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if let Err(why) = run(&case, &dir) {
            failures.push(format!("{} ({}): {why}", path.display(), case.name));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        paths.len(),
        failures.join("\n")
    );
}
