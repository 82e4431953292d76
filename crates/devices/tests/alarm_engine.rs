//! The alarm engine: raise, clear, hysteresis, late points, no-data, acknowledge, one active
//! alarm per (device, rule), device rules overriding type rules.

use shangyun_devices::alarms::{AlarmEngine, AlarmEvent, AlarmRule, Condition, RuleBook, Severity};
use shangyun_devices::thing_model;
use shangyun_devices::{DeviceId, DeviceIdentity};

fn cnc(id: i64) -> DeviceIdentity {
    DeviceIdentity {
        id: DeviceId(id),
        name: format!("cnc-{id}"),
        enterprise: None,
        device_type: Some("cnc-machine".into()),
        is_gateway: false,
        gateway: None,
    }
}

fn engine() -> AlarmEngine {
    let models = thing_model::builtin().unwrap_or_default();
    assert!(!models.is_empty());
    AlarmEngine::new(RuleBook::from_models(&models))
}

fn kinds(events: &[AlarmEvent]) -> Vec<(&'static str, String)> {
    events
        .iter()
        .map(|e| {
            let k = match e {
                AlarmEvent::Raised(_) => "raised",
                AlarmEvent::Cleared(_) => "cleared",
                AlarmEvent::Acknowledged(_) => "acked",
            };
            (k, e.alarm().rule.clone())
        })
        .collect()
}

#[test]
fn raise_once_clear_with_hysteresis() {
    let e = engine();
    let d = cnc(1);
    assert!(e.on_points(&d, &[("spindle_temp", 1, 60.0)]).is_empty());
    let ev = e.on_points(&d, &[("spindle_temp", 2, 71.0)]);
    assert_eq!(kinds(&ev), [("raised", "spindle-overheat".to_owned())]);
    assert_eq!(ev[0].alarm().severity, Severity::Major);
    assert_eq!(ev[0].alarm().value, Some(71.0));
    assert!(ev[0].alarm().message.contains("主轴温度过高"));
    // still high: no second alarm; 68 is within the 3-degree hysteresis: stays
    assert!(
        e.on_points(&d, &[("spindle_temp", 3, 75.0), ("spindle_temp", 4, 68.0)])
            .is_empty()
    );
    assert_eq!(e.active(d.id).len(), 1);
    let ev = e.on_points(&d, &[("spindle_temp", 5, 66.9)]);
    assert_eq!(kinds(&ev), [("cleared", "spindle-overheat".to_owned())]);
    assert_eq!(ev[0].alarm().cleared_at_ms, Some(5));
    assert!(e.active(d.id).is_empty());
}

#[test]
fn late_points_do_not_flip_alarms() {
    let e = engine();
    let d = cnc(1);
    e.on_points(&d, &[("spindle_load", 100, 130.0)]);
    assert!(e.on_points(&d, &[("spindle_load", 50, 10.0)]).is_empty());
    assert_eq!(e.active(d.id).len(), 1);
}

#[test]
fn no_data_raises_on_tick_and_clears_on_data() {
    let e = engine();
    let d = cnc(1);
    e.watch(&d, 0, vec![]);
    assert!(e.tick(9 * 60_000).is_empty());
    let ev = e.tick(10 * 60_000);
    assert_eq!(kinds(&ev), [("raised", "no-data".to_owned())]);
    assert_eq!(ev[0].alarm().raised_at_ms, 600_000);
    assert!(
        e.tick(11 * 60_000).is_empty(),
        "one active alarm per (device, rule)"
    );
    let ev = e.on_points(&d, &[("run_state", 11 * 60_000, 2.0)]);
    assert_eq!(kinds(&ev), [("cleared", "no-data".to_owned())]);
}

#[test]
fn acknowledge_marks_the_active_alarm() {
    let e = engine();
    let d = cnc(1);
    e.on_points(&d, &[("spindle_temp", 1, 90.0)]);
    let ack = e.acknowledge(d.id, "spindle-overheat", "alice", 10);
    let Some(AlarmEvent::Acknowledged(a)) = ack else {
        panic!("no ack: {ack:?}")
    };
    assert_eq!(
        (a.acknowledged_at_ms, a.acknowledged_by.as_deref()),
        (Some(10), Some("alice"))
    );
    assert!(
        e.acknowledge(d.id, "spindle-overload", "alice", 10)
            .is_none()
    );
}

#[test]
fn device_rules_override_type_rules_and_untyped_devices_cost_nothing() {
    let e = engine();
    let d = cnc(1);
    let own = AlarmRule {
        id: "spindle-overheat".into(),
        key: "spindle_temp".into(),
        condition: Condition::Above(50.0),
        severity: Severity::Critical,
        hysteresis: 0.0,
        message: None,
    };
    e.set_device_rules(d.id, vec![own]);
    let ev = e.on_points(&d, &[("spindle_temp", 1, 55.0)]);
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0].alarm().severity, Severity::Critical);
    let other = cnc(2);
    assert!(e.on_points(&other, &[("spindle_temp", 1, 55.0)]).is_empty());
    let untyped = DeviceIdentity {
        device_type: None,
        ..cnc(3)
    };
    assert!(
        e.on_points(&untyped, &[("spindle_temp", 1, 500.0)])
            .is_empty()
    );
}

#[test]
fn outside_range_both_sides() {
    let e = engine();
    let mut m = cnc(7);
    m.device_type = Some("electricity-meter".into());
    assert_eq!(e.on_points(&m, &[("voltage_a", 1, 197.0)]).len(), 1);
    assert_eq!(e.on_points(&m, &[("voltage_a", 2, 220.0)]).len(), 1);
    assert_eq!(e.on_points(&m, &[("voltage_a", 3, 243.0)]).len(), 1);
    assert!(
        e.on_points(&m, &[("voltage_a", 4, 241.0)]).is_empty(),
        "hysteresis 2 V"
    );
}
