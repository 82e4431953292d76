//! One suite, two backends: every case runs on SQLite and on the real PostgreSQL server.

mod support;

use shangyun_device_store::{
    AlarmFilter, CredentialKind, CredentialSpec, DeviceFilter, DeviceStoreError, Issued,
    NewDeviceSpec,
};
use shangyun_devices::alarms::{AlarmEngine, AlarmEvent, RuleBook};
use shangyun_devices::{
    Credential, DeviceDirectory, DeviceId, DirectoryError, Presence, ProvisionError,
    ProvisionRequest, ProvisionStatus, thing_model,
};
use std::sync::Arc;
use support::{TestDb, TestResult};

const USCC: &str = "91350100M000100Y43";
const OTHER_USCC: &str = "91110108551385082Q";

on_both!(
    tokens_authenticate_rotate_revoke_and_survive_reopen,
    basic_credentials_verify_and_rotation_drops_the_cache,
    names_are_unique_per_enterprise_and_types_must_exist,
    gateway_children_are_created_once_and_owned,
    provisioning_issues_credentials_once,
    attributes_round_trip_and_announce_shared_updates,
    enterprises_are_checked_against_the_registry_when_present,
    presence_is_flushed_in_batches_and_loaded_back,
    alarms_are_recorded_listed_and_acknowledged,
    every_write_is_audited_without_secrets,
    device_types_builtin_and_custom,
);

fn meter(name: &str) -> NewDeviceSpec {
    NewDeviceSpec {
        name: name.into(),
        enterprise: Some(USCC.into()),
        device_type: Some("electricity-meter".into()),
        is_gateway: false,
        label: None,
    }
}

fn token_of(issued: &Issued) -> Result<String, String> {
    match issued {
        Issued::AccessToken { token } => Ok(token.clone()),
        other => Err(format!("no token: {other:?}")),
    }
}

async fn tokens_authenticate_rotate_revoke_and_survive_reopen(db: TestDb) -> TestResult {
    let store = db.store().await?;
    let (dev, issued) = store
        .add_device(meter("M1"), CredentialSpec::GenerateToken, "admin")
        .await?;
    let token = token_of(&issued)?;
    assert_eq!(
        store.authenticate(Credential::AccessToken(&token)).await?,
        Some(dev.clone())
    );
    assert_eq!(
        store.authenticate(Credential::AccessToken("x")).await?,
        None
    );
    // a chosen token
    let (d2, _) = store
        .add_device(
            meter("M2"),
            CredentialSpec::Token("chosen-token-0123456789".into()),
            "admin",
        )
        .await?;
    let again = store
        .authenticate(Credential::AccessToken("chosen-token-0123456789"))
        .await?;
    assert_eq!(again.map(|d| d.id), Some(d2.id));
    // the same token again is a conflict
    let dup = store
        .add_device(
            meter("M3"),
            CredentialSpec::Token("chosen-token-0123456789".into()),
            "admin",
        )
        .await;
    assert!(matches!(dup, Err(DeviceStoreError::Conflict(_))), "{dup:?}");
    // rotate
    let new = store.rotate_token(dev.id, "admin").await?;
    assert_eq!(
        store.authenticate(Credential::AccessToken(&token)).await?,
        None
    );
    // reopen: the new token still works
    store.close().await;
    let store = db.store().await?;
    assert_eq!(
        store
            .authenticate(Credential::AccessToken(&new))
            .await?
            .map(|d| d.id),
        Some(dev.id)
    );
    store.revoke_credentials(dev.id, "admin").await?;
    assert_eq!(
        store.authenticate(Credential::AccessToken(&new)).await?,
        None
    );
    let rec = store.device_record(dev.id).await?.ok_or("device gone")?;
    assert_eq!(rec.credentials, CredentialKind::None);
    assert!(matches!(
        store.rotate_token(DeviceId(999_999), "admin").await,
        Err(DeviceStoreError::NotFound(_))
    ));
    Ok(())
}

async fn basic_credentials_verify_and_rotation_drops_the_cache(db: TestDb) -> TestResult {
    let store = db.store().await?;
    let (dev, issued) = store
        .add_device(
            meter("cnc"),
            CredentialSpec::Basic {
                client_id: Some("cnc-7".into()),
                username: Some("plant-a".into()),
                password: Some("s3cret".into()),
            },
            "admin",
        )
        .await?;
    assert!(matches!(issued, Issued::MqttBasic { .. }));
    let ok = Credential::from_mqtt_connect("cnc-7", Some("plant-a"), Some(b"s3cret"));
    assert_eq!(store.authenticate(ok).await?.map(|d| d.id), Some(dev.id));
    assert_eq!(store.authenticate(ok).await?.map(|d| d.id), Some(dev.id));
    let wrong = Credential::from_mqtt_connect("cnc-7", Some("plant-a"), Some(b"guess"));
    assert_eq!(store.authenticate(wrong).await?, None);
    let other_client = Credential::from_mqtt_connect("cnc-8", Some("plant-a"), Some(b"s3cret"));
    assert_eq!(store.authenticate(other_client).await?, None);
    // client id only
    let (d2, _) = store
        .add_device(
            meter("plc"),
            CredentialSpec::Basic {
                client_id: Some("plc-1".into()),
                username: None,
                password: None,
            },
            "admin",
        )
        .await?;
    let by_client = Credential::from_mqtt_connect("plc-1", None, None);
    assert_eq!(
        store.authenticate(by_client).await?.map(|d| d.id),
        Some(d2.id)
    );
    // the user name is taken
    let taken = store
        .set_basic(d2.id, None, Some("plant-a"), Some("x"), "admin")
        .await;
    assert!(
        matches!(taken, Err(DeviceStoreError::Conflict(_))),
        "{taken:?}"
    );
    store.rotate_token(dev.id, "admin").await?;
    assert_eq!(
        store.authenticate(ok).await?,
        None,
        "cached login survived rotation"
    );
    Ok(())
}

async fn names_are_unique_per_enterprise_and_types_must_exist(db: TestDb) -> TestResult {
    let store = db.store().await?;
    store
        .add_device(meter("M1"), CredentialSpec::None, "admin")
        .await?;
    let dup = store
        .add_device(meter("M1"), CredentialSpec::None, "admin")
        .await;
    assert!(matches!(dup, Err(DeviceStoreError::Conflict(_))), "{dup:?}");
    let mut elsewhere = meter("M1");
    elsewhere.enterprise = Some(OTHER_USCC.into());
    store
        .add_device(elsewhere, CredentialSpec::None, "admin")
        .await?;
    let mut bad_type = meter("M9");
    bad_type.device_type = Some("flux-capacitor".into());
    let e = store
        .add_device(bad_type, CredentialSpec::None, "admin")
        .await;
    assert!(
        matches!(&e, Err(DeviceStoreError::Invalid(m)) if m.contains("unknown device type")),
        "{e:?}"
    );
    let e = store
        .add_device(meter(" "), CredentialSpec::None, "admin")
        .await;
    assert!(matches!(e, Err(DeviceStoreError::Invalid(_))));
    let listed = store
        .list_devices(&DeviceFilter {
            enterprises: Some(vec![USCC.into()]),
            ..DeviceFilter::default()
        })
        .await?;
    assert_eq!(listed.len(), 1);
    let found = store
        .find_device(Some(OTHER_USCC), "M1")
        .await?
        .ok_or("not found")?;
    assert_eq!(found.identity.enterprise.as_deref(), Some(OTHER_USCC));
    let like = store
        .list_devices(&DeviceFilter {
            name_like: Some("%".into()),
            ..DeviceFilter::default()
        })
        .await?;
    assert!(like.is_empty(), "LIKE wildcards in the filter are literal");
    Ok(())
}

async fn gateway_children_are_created_once_and_owned(db: TestDb) -> TestResult {
    let store = Arc::new(db.store().await?);
    let mut gw_spec = meter("gw-1");
    gw_spec.is_gateway = true;
    gw_spec.device_type = None;
    let (gw, _) = store
        .add_device(gw_spec.clone(), CredentialSpec::GenerateToken, "admin")
        .await?;
    gw_spec.name = "gw-2".into();
    let (gw2, _) = store
        .add_device(gw_spec, CredentialSpec::GenerateToken, "admin")
        .await?;
    let (plain, _) = store
        .add_device(meter("plain"), CredentialSpec::GenerateToken, "admin")
        .await?;
    // eight connections race to create the same sub-device
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (store, gw) = (store.clone(), gw.clone());
        tasks.push(tokio::spawn(async move {
            store
                .gateway_child(&gw, "Device A", Some("electricity-meter"))
                .await
        }));
    }
    let mut ids = Vec::new();
    for t in tasks {
        ids.push(t.await??.id);
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "one sub-device, not {ids:?}");
    let a = store.gateway_child(&gw, "Device A", None).await?;
    assert_eq!(a.gateway, Some(gw.id));
    assert_eq!(a.enterprise.as_deref(), Some(USCC));
    assert_eq!(a.device_type.as_deref(), Some("electricity-meter"));
    let unknown_type = store.gateway_child(&gw, "Device B", Some("nope")).await?;
    assert_eq!(unknown_type.device_type, None);
    assert!(matches!(
        store.gateway_child(&gw2, "Device A", None).await,
        Err(DirectoryError::NotYourDevice { .. })
    ));
    assert!(matches!(
        store.gateway_child(&gw, "plain", None).await,
        Err(DirectoryError::NotYourDevice { .. })
    ));
    assert!(matches!(
        store.gateway_child(&plain, "x", None).await,
        Err(DirectoryError::NotAGateway(_))
    ));
    let children = store
        .list_devices(&DeviceFilter {
            gateway: Some(gw.id.0),
            ..DeviceFilter::default()
        })
        .await?;
    assert_eq!(children.len(), 2);
    Ok(())
}

async fn provisioning_issues_credentials_once(db: TestDb) -> TestResult {
    let store = db.store().await?;
    let (key, secret) = store
        .add_provision_key(Some(USCC), Some("air-compressor"), "admin")
        .await?;
    let req = |name: &str, secret: &str| ProvisionRequest {
        device_name: name.into(),
        provision_device_key: key.clone(),
        provision_device_secret: secret.into(),
        ..ProvisionRequest::default()
    };
    let resp = store.provision(req("AC-1", &secret)).await?;
    assert_eq!(resp.status, ProvisionStatus::Success);
    let token = resp
        .credentials_value
        .as_ref()
        .and_then(|v| v.as_str())
        .ok_or("no token")?;
    let dev = store
        .authenticate(Credential::AccessToken(token))
        .await?
        .ok_or("issued token refused")?;
    assert_eq!(dev.enterprise.as_deref(), Some(USCC));
    assert_eq!(dev.device_type.as_deref(), Some("air-compressor"));
    assert_eq!(
        store.provision(req("AC-1", &secret)).await,
        Err(ProvisionError::DeviceExists("AC-1".into()))
    );
    assert_eq!(
        store.provision(req("AC-2", "bad")).await,
        Err(ProvisionError::NotFound)
    );
    let mut basic = req("AC-3", &secret);
    basic.credentials_type = Some(shangyun_devices::CredentialsType::MqttBasic);
    basic.client_id = Some("ac-3".into());
    basic.username = Some("ac3".into());
    basic.password = Some("pw-ac3".into());
    let resp = store.provision(basic).await?;
    assert_eq!(resp.status, ProvisionStatus::Success);
    let c = Credential::from_mqtt_connect("ac-3", Some("ac3"), Some(b"pw-ac3"));
    assert!(store.authenticate(c).await?.is_some());
    assert_eq!(store.list_provision_keys(Some(USCC)).await?.len(), 1);
    assert!(store.revoke_provision_key(&key, "admin").await?);
    assert_eq!(
        store.provision(req("AC-4", &secret)).await,
        Err(ProvisionError::NotFound)
    );
    assert!(!store.revoke_provision_key("pk-none", "admin").await?);
    Ok(())
}

async fn attributes_round_trip_and_announce_shared_updates(db: TestDb) -> TestResult {
    let store = db.store().await?;
    let (dev, _) = store
        .add_device(meter("M1"), CredentialSpec::GenerateToken, "admin")
        .await?;
    let mut rx = store.shared_updates();
    let obj = |v: serde_json::Value| v.as_object().cloned().unwrap_or_default();
    store
        .client_attributes_set(
            dev.id,
            obj(serde_json::json!({"fw": "2.1.0", "n": 3, "cfg": {"a": [1, 2]}})),
        )
        .await?;
    store
        .client_attributes_set(dev.id, obj(serde_json::json!({"fw": "2.2.0"})))
        .await?;
    store
        .shared_attributes_set(dev.id, obj(serde_json::json!({"interval": 10})))
        .await?;
    assert_eq!(rx.recv().await?.device, dev.id);
    let all = store.attributes_get(dev.id, None, None).await?;
    assert_eq!(
        serde_json::to_value(&all)?,
        serde_json::json!({"client": {"cfg": {"a": [1, 2]}, "fw": "2.2.0", "n": 3}, "shared": {"interval": 10}})
    );
    let keys = vec!["interval".to_owned()];
    let only = store.attributes_get(dev.id, None, Some(&keys)).await?;
    assert_eq!(
        serde_json::to_value(&only)?,
        serde_json::json!({"shared": {"interval": 10}})
    );
    assert!(matches!(
        store.attributes_get(DeviceId(424_242), None, None).await,
        Err(DirectoryError::UnknownDevice(_))
    ));
    Ok(())
}

async fn enterprises_are_checked_against_the_registry_when_present(db: TestDb) -> TestResult {
    // no registry here: a malformed USCC is refused, a well-formed one accepted
    {
        let store = db.store().await?;
        assert!(!store.checks_registry());
        let mut bad = meter("M1");
        bad.enterprise = Some("12345".into());
        assert!(matches!(
            store.add_device(bad, CredentialSpec::None, "admin").await,
            Err(DeviceStoreError::Invalid(_))
        ));
        store.close().await;
    }
    // the registry in the same database: the enterprise must be registered
    let registry = shangyun_store::Registry::open_location(
        &db.location,
        &shangyun_store::OpenOptions {
            actor: "tester".into(),
            ..shangyun_store::OpenOptions::default()
        },
    )
    .await?;
    let e = shangyun_registry::Enterprise {
        uscc: USCC.into(),
        name: "测试企业有限公司".into(),
        registered_region: "350102".into(),
        operating_region: None,
        industry: "3411".into(),
        founded: chrono::NaiveDate::from_ymd_opt(2010, 5, 17),
        contact_name: None,
        contact_phone: None,
        contact_email: None,
    };
    registry
        .upsert(&shangyun_store::EnterpriseRecord::new(e, vec![]))
        .await?;
    let store = db.store().await?;
    assert!(store.checks_registry());
    store
        .add_device(meter("M1"), CredentialSpec::None, "admin")
        .await?;
    let mut unknown = meter("M2");
    unknown.enterprise = Some(OTHER_USCC.into());
    assert!(matches!(
        store
            .add_device(unknown, CredentialSpec::None, "admin")
            .await,
        Err(DeviceStoreError::UnknownEnterprise(_))
    ));
    let in_fujian = store
        .list_devices(&DeviceFilter {
            region_prefix: Some("35".into()),
            ..DeviceFilter::default()
        })
        .await?;
    assert_eq!(in_fujian.len(), 1);
    let in_beijing = store
        .list_devices(&DeviceFilter {
            region_prefix: Some("11".into()),
            ..DeviceFilter::default()
        })
        .await?;
    assert!(in_beijing.is_empty());
    Ok(())
}

async fn presence_is_flushed_in_batches_and_loaded_back(db: TestDb) -> TestResult {
    let store = db.store().await?;
    let mut gw_spec = meter("gw");
    gw_spec.is_gateway = true;
    let (gw, _) = store
        .add_device(gw_spec, CredentialSpec::GenerateToken, "admin")
        .await?;
    let child = store.gateway_child(&gw, "sub", None).await?;
    let presence = Presence::new(600_000);
    presence.on_connect(&gw, 1_000);
    for t in 0..1_000 {
        presence.on_activity(&child, 1_000 + t);
    }
    let dirty = presence.take_dirty(2_000);
    assert_eq!(dirty.len(), 2, "one record per device, not per message");
    store.save_presence(&dirty).await?;
    presence.on_disconnect(&gw, 3_000);
    store.save_presence(&presence.take_dirty(3_001)).await?;
    let loaded = store.load_presence().await?;
    assert_eq!(loaded.len(), 2);
    let c = loaded
        .iter()
        .find(|r| r.device == child.id)
        .ok_or("child missing")?;
    assert_eq!(c.last_activity_ms, Some(1_999));
    assert_eq!(
        c.last_disconnect_ms,
        Some(3_000),
        "gateway disconnect reached the child"
    );
    assert!(!c.online);
    assert_eq!(c.gateway, Some(gw.id));
    // a record for a device that does not exist is skipped, not an error
    let mut ghost = c.clone();
    ghost.device = DeviceId(987_654);
    store.save_presence(&[ghost]).await?;
    assert_eq!(store.load_presence().await?.len(), 2);
    let rec = store.device_record(child.id).await?.ok_or("gone")?;
    assert_eq!(rec.last_activity_ms, Some(1_999));
    Ok(())
}

async fn alarms_are_recorded_listed_and_acknowledged(db: TestDb) -> TestResult {
    let store = db.store().await?;
    let (dev, _) = store
        .add_device(meter("M1"), CredentialSpec::GenerateToken, "admin")
        .await?;
    let engine = AlarmEngine::new(RuleBook::from_models(&thing_model::builtin()?));
    let raised = engine.on_points(&dev, &[("voltage_a", 1_000, 250.0)]);
    assert_eq!(raised.len(), 1);
    store.record_alarm_events(&raised).await?;
    // recording the same events again changes nothing
    store.record_alarm_events(&raised).await?;
    let active = store
        .list_alarms(&AlarmFilter {
            active_only: true,
            ..AlarmFilter::default()
        })
        .await?;
    assert_eq!(active.len(), 1);
    assert_eq!(active[0].rule, "voltage-out-of-range");
    // the database itself refuses a second active alarm for (device, rule)
    let mut second = raised[0].alarm().clone();
    second.raised_at_ms = 2_000;
    let dup = store
        .record_alarm_events(&[AlarmEvent::Raised(second)])
        .await;
    assert!(dup.is_err(), "two active alarms for one (device, rule)");
    let acked = store
        .acknowledge_alarm(active[0].id, "alice", 1_500)
        .await?;
    assert_eq!(
        (acked.acked_ms, acked.acked_by.as_deref()),
        (Some(1_500), Some("alice"))
    );
    let again = store.acknowledge_alarm(active[0].id, "bob", 1_600).await?;
    assert_eq!(
        again.acked_by.as_deref(),
        Some("alice"),
        "first acknowledgement kept"
    );
    // restore into a new engine, then clear
    let restored = store.active_alarms().await?;
    assert_eq!(restored.len(), 1);
    let engine2 = AlarmEngine::new(RuleBook::from_models(&thing_model::builtin()?));
    engine2.watch(&dev, 1_000, restored);
    let cleared = engine2.on_points(&dev, &[("voltage_a", 3_000, 220.0)]);
    assert_eq!(cleared.len(), 1);
    store.record_alarm_events(&cleared).await?;
    let all = store
        .list_alarms(&AlarmFilter {
            device: Some(dev.id.0),
            ..AlarmFilter::default()
        })
        .await?;
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].cleared_ms, Some(3_000));
    assert!(
        store
            .list_alarms(&AlarmFilter {
                active_only: true,
                ..AlarmFilter::default()
            })
            .await?
            .is_empty()
    );
    let mine = store
        .list_alarms(&AlarmFilter {
            enterprises: Some(vec![OTHER_USCC.into()]),
            ..AlarmFilter::default()
        })
        .await?;
    assert!(mine.is_empty());
    // per-device rules persist
    let rule: shangyun_devices::AlarmRule = serde_json::from_value(serde_json::json!(
        {"id": "voltage-out-of-range", "key": "voltage_a", "outside": [200.0, 240.0], "severity": "critical"}
    ))?;
    store
        .set_device_alarm_rules(dev.id, std::slice::from_ref(&rule), "admin")
        .await?;
    assert_eq!(
        store.device_alarm_rules().await?,
        vec![(dev.id, vec![rule])]
    );
    Ok(())
}

async fn every_write_is_audited_without_secrets(db: TestDb) -> TestResult {
    let store = db.store().await?;
    let (dev, issued) = store
        .add_device(meter("M1"), CredentialSpec::GenerateToken, "alice")
        .await?;
    let t1 = token_of(&issued)?;
    let t2 = store.rotate_token(dev.id, "bob").await?;
    store
        .set_basic(dev.id, Some("c"), Some("u"), Some("password-123"), "bob")
        .await?;
    store.revoke_credentials(dev.id, "carol").await?;
    let (key, secret) = store.add_provision_key(Some(USCC), None, "alice").await?;
    store.revoke_provision_key(&key, "alice").await?;
    let log = store.audit_log(None, 100).await?;
    let actions: Vec<&str> = log.iter().rev().map(|a| a.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "device.add",
            "device.token_rotate",
            "device.basic_set",
            "device.revoke",
            "provision_key.add",
            "provision_key.revoke"
        ]
    );
    assert_eq!(log.last().map(|a| a.actor.as_str()), Some("alice"));
    let text = serde_json::to_string(&log)?;
    for s in [&t1, &t2, &secret, &"password-123".to_owned()] {
        assert!(!text.contains(s.as_str()), "a secret is in the audit log");
    }
    assert_eq!(store.audit_log(Some(dev.id), 100).await?.len(), 4);
    Ok(())
}

async fn device_types_builtin_and_custom(db: TestDb) -> TestResult {
    let store = db.store().await?;
    let names: Vec<String> = store.device_types().into_iter().map(|m| m.name).collect();
    assert_eq!(names.len(), 5, "{names:?}");
    let text = "name = \"kiln\"\ntitle = \"Kiln\"\nproduction_equipment = true\nbusiness_links = [\"production\"]\n\
                [[properties]]\nkey = \"temp\"\nname = \"Temperature\"\nunit = \"°C\"\n";
    let model = thing_model::parse("kiln.toml", text)?;
    store.put_device_type(&model, "admin").await?;
    store.close().await;
    let store = db.store().await?;
    assert_eq!(store.device_type("kiln"), Some(model));
    let mut spec = meter("K1");
    spec.device_type = Some("kiln".into());
    store
        .add_device(spec, CredentialSpec::None, "admin")
        .await?;
    Ok(())
}
