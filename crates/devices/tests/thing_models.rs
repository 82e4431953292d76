//! Thing-model files: the built-in templates, clear errors, and a parser that never panics.

use proptest::prelude::*;
use shangyun_devices::thing_model::{self, BusinessLink, EnergyRole, ThingModel};

#[test]
fn builtin_templates_parse_and_say_what_they_are() -> Result<(), Box<dyn std::error::Error>> {
    let models = thing_model::builtin()?;
    let names: Vec<&str> = models.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "electricity-meter",
            "cnc-machine",
            "air-compressor",
            "injection-moulding-machine",
            "environment-sensor"
        ]
    );
    let meter = &models[0];
    let (p, role) = meter
        .energy_property()
        .ok_or("meter has no energy property")?;
    assert_eq!(
        (p.key.as_str(), role),
        ("energy_kwh", EnergyRole::CumulativeKwh)
    );
    assert!(!meter.production_equipment);
    let cnc = &models[1];
    assert!(cnc.production_equipment);
    assert_eq!(
        cnc.energy_property().map(|(p, r)| (p.key.as_str(), r)),
        Some(("power_kw", EnergyRole::PowerKw))
    );
    assert!(cnc.business_links.contains(&BusinessLink::Production));
    assert_eq!(models[4].inactivity_timeout_ms(), 1_800_000);
    Ok(())
}

fn err_of(text: &str) -> String {
    match thing_model::parse("t.toml", text) {
        Ok(m) => panic!("accepted: {m:?}"),
        Err(e) => e.to_string(),
    }
}

const HEAD: &str = "name = \"m\"\ntitle = \"M\"\n";

#[test]
fn errors_name_the_file_and_field() {
    assert_eq!(
        err_of("name = \"Bad Name\"\ntitle = \"x\""),
        "t.toml: name: \"Bad Name\" is not a device-type name (1–64 of a-z, 0-9 and -)"
    );
    let e = err_of("name = \"m\"\ntitle = \"M\"\ncolour = 1\n");
    assert!(
        e.starts_with("t.toml: line 3, column 1: unknown field `colour`"),
        "{e}"
    );
    let e = err_of(&format!(
        "{HEAD}[[properties]]\nkey = \"e\"\nname = \"E\"\nunit = \"Wh\"\nenergy = \"cumulative_kwh\"\n"
    ));
    assert!(
        e.contains(
            "properties[0].unit: an energy property of role CumulativeKwh must have unit \"kWh\""
        ),
        "{e}"
    );
    let e = err_of(&format!(
        "{HEAD}[[properties]]\nkey = \"t\"\nname = \"T\"\nmin = 5\nmax = 1\n"
    ));
    assert!(e.contains("properties[0].min: min 5 is above max 1"), "{e}");
    let e = err_of(&format!(
        "{HEAD}[[properties]]\nkey = \"t\"\nname = \"T\"\n[[alarms]]\nid = \"a\"\nkey = \"zz\"\nabove = 1\nseverity = \"major\"\n"
    ));
    assert!(e.contains("alarms[0].key: \"zz\" is not a property"), "{e}");
    let e = err_of(&format!(
        "{HEAD}[[properties]]\nkey = \"t\"\nname = \"T\"\n[[alarms]]\nid = \"a\"\nkey = \"t\"\nabove = 1\nbelow = 0\nseverity = \"major\"\n"
    ));
    assert!(
        e.contains("needs exactly one of above, below, outside, no_data_minutes"),
        "{e}"
    );
    let e = err_of(&format!(
        "{HEAD}[[properties]]\nkey = \"t\"\nname = \"T\"\ntype = \"text\"\n[[alarms]]\nid = \"a\"\nkey = \"t\"\nabove = 1\nseverity = \"major\"\n"
    ));
    assert!(e.contains("is not numeric; thresholds need numbers"), "{e}");
    let e = err_of(&format!(
        "{HEAD}business_links = [\"energy\", \"energy\"]\n"
    ));
    assert!(e.contains("business_links[1]"), "{e}");
    let e = err_of(&format!("{HEAD}business_links = [\"finance\"]\n"));
    assert!(e.contains("unknown variant `finance`"), "{e}");
}

proptest! {
    #[test]
    fn parser_never_panics_on_any_text(text in ".{0,400}") {
        let _ = thing_model::parse("fuzz.toml", &text);
    }

    #[test]
    fn parser_never_panics_on_mutated_templates(idx in 0usize..5, at in 0usize..4000, junk in ".{0,8}") {
        let (_, text) = thing_model::BUILTIN_FILES[idx];
        let mut cut = at.min(text.len());
        while !text.is_char_boundary(cut) { cut -= 1; }
        let mutated = format!("{}{}{}", &text[..cut], junk, &text[cut..]);
        let _ = thing_model::parse("fuzz.toml", &mutated);
    }

    #[test]
    fn valid_models_round_trip(
        name in "[a-z][a-z0-9-]{0,20}",
        prod in any::<bool>(),
        timeout in 10u32..100_000,
        lo in -1e6f64..1e6, span in 0.001f64..1e6,
        links in proptest::sample::subsequence(BusinessLink::ALL.to_vec(), 0..=7),
    ) {
        let text = format!(
            "name = \"{name}\"\ntitle = \"T\"\nproduction_equipment = {prod}\ninactivity_timeout_s = {timeout}\n\
             business_links = [{}]\n[[properties]]\nkey = \"v\"\nname = \"V\"\nmin = {lo:?}\nmax = {:?}\n\
             [[alarms]]\nid = \"hi\"\nkey = \"v\"\noutside = [{lo:?}, {:?}]\nseverity = \"minor\"\n",
            links.iter().map(|l| format!("\"{}\"", l.as_str())).collect::<Vec<_>>().join(","),
            lo + span, lo + span,
        );
        let model = thing_model::parse("gen.toml", &text).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&model.business_links, &links);
        let again_text = toml::to_string(&model).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let again: ThingModel = thing_model::parse("again.toml", &again_text).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(again, model);
    }
}
