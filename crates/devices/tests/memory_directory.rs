//! The in-memory directory's behaviour (the SQL store's conformance suite checks the same).

use shangyun_devices::{
    Credential, DeviceDirectory, DirectoryError, MemoryDirectory, NewDevice, ProvisionError,
    ProvisionRequest, ProvisionStatus,
};
use std::sync::Arc;

type R = Result<(), Box<dyn std::error::Error>>;

#[tokio::test]
async fn tokens_authenticate_rotate_and_revoke() -> R {
    let dir: Arc<dyn DeviceDirectory> = Arc::new(MemoryDirectory::new());
    let mem = MemoryDirectory::new();
    let (dev, token) = mem.add_device(NewDevice::named("meter-1"))?;
    assert_eq!(
        mem.authenticate(Credential::AccessToken(&token)).await?,
        Some(dev.clone())
    );
    assert_eq!(
        mem.authenticate(Credential::AccessToken("nope")).await?,
        None
    );
    let new = mem.rotate_token(dev.id)?;
    assert_eq!(
        mem.authenticate(Credential::AccessToken(&token)).await?,
        None
    );
    assert!(
        mem.authenticate(Credential::AccessToken(&new))
            .await?
            .is_some()
    );
    mem.revoke(dev.id)?;
    assert_eq!(mem.authenticate(Credential::AccessToken(&new)).await?, None);
    // dyn-compatible
    assert_eq!(dir.authenticate(Credential::AccessToken(&new)).await?, None);
    Ok(())
}

#[tokio::test]
async fn basic_credentials_verify_passwords() -> R {
    let mem = MemoryDirectory::new();
    let dev = mem.add_device_without_credentials(NewDevice::named("cnc-7"))?;
    mem.set_basic(dev.id, Some("cnc7"), Some("plant"), Some("pw-1"))?;
    let ok = Credential::from_mqtt_connect("cnc7", Some("plant"), Some(b"pw-1"));
    assert_eq!(mem.authenticate(ok).await?.map(|d| d.id), Some(dev.id));
    // cached now; still right
    assert_eq!(mem.authenticate(ok).await?.map(|d| d.id), Some(dev.id));
    let bad = Credential::from_mqtt_connect("cnc7", Some("plant"), Some(b"pw-2"));
    assert_eq!(mem.authenticate(bad).await?, None);
    let wrong_client = Credential::from_mqtt_connect("other", Some("plant"), Some(b"pw-1"));
    assert_eq!(mem.authenticate(wrong_client).await?, None);
    // a rotation drops the cached login
    mem.rotate_token(dev.id)?;
    assert_eq!(mem.authenticate(ok).await?, None);
    Ok(())
}

#[tokio::test]
async fn gateways_own_their_sub_devices() -> R {
    let mem = MemoryDirectory::new();
    let (gw, _) = mem.add_device(NewDevice::gateway("gw-1"))?;
    let (gw2, _) = mem.add_device(NewDevice::gateway("gw-2"))?;
    let (plain, _) = mem.add_device(NewDevice::named("plain"))?;
    let a = mem
        .gateway_child(&gw, "Device A", Some("electricity-meter"))
        .await?;
    assert_eq!(a.gateway, Some(gw.id));
    assert_eq!(a.device_type.as_deref(), Some("electricity-meter"));
    assert_eq!(mem.gateway_child(&gw, "Device A", None).await?, a);
    assert!(matches!(
        mem.gateway_child(&gw2, "Device A", None).await,
        Err(DirectoryError::NotYourDevice { .. })
    ));
    assert!(matches!(
        mem.gateway_child(&gw, "plain", None).await,
        Err(DirectoryError::NotYourDevice { .. })
    ));
    assert!(matches!(
        mem.gateway_child(&plain, "x", None).await,
        Err(DirectoryError::NotAGateway(_))
    ));
    Ok(())
}

#[tokio::test]
async fn provisioning_issues_own_credentials() -> R {
    let mem = MemoryDirectory::new();
    let (key, secret) = mem.add_provision_key(
        Some("91350100M000100Y43".into()),
        Some("electricity-meter".into()),
    );
    let req = |name: &str, secret: &str| ProvisionRequest {
        device_name: name.into(),
        provision_device_key: key.clone(),
        provision_device_secret: secret.into(),
        ..ProvisionRequest::default()
    };
    let resp = mem.provision(req("M1", &secret)).await?;
    assert_eq!(resp.status, ProvisionStatus::Success);
    let token = resp
        .credentials_value
        .as_ref()
        .and_then(|v| v.as_str())
        .ok_or("no token")?
        .to_owned();
    let dev = mem
        .authenticate(Credential::AccessToken(&token))
        .await?
        .ok_or("token does not work")?;
    assert_eq!(dev.enterprise.as_deref(), Some("91350100M000100Y43"));
    assert_eq!(dev.device_type.as_deref(), Some("electricity-meter"));
    assert_eq!(
        mem.provision(req("M1", &secret)).await,
        Err(ProvisionError::DeviceExists("M1".into()))
    );
    assert_eq!(
        mem.provision(req("M2", "wrong")).await,
        Err(ProvisionError::NotFound)
    );
    assert!(mem.revoke_provision_key(&key));
    assert_eq!(
        mem.provision(req("M3", &secret)).await,
        Err(ProvisionError::NotFound)
    );
    Ok(())
}

#[tokio::test]
async fn attributes_round_trip_and_shared_updates_are_announced() -> R {
    let mem = MemoryDirectory::new();
    let (dev, _) = mem.add_device(NewDevice::named("d"))?;
    let mut rx = mem.shared_updates();
    let obj = |v: serde_json::Value| v.as_object().cloned().unwrap_or_default();
    mem.client_attributes_set(
        dev.id,
        obj(serde_json::json!({"fw": "2.1.0", "model": "X"})),
    )
    .await?;
    mem.shared_attributes_set(dev.id, obj(serde_json::json!({"interval": 10})))
        .await?;
    let upd = rx.recv().await?;
    assert_eq!(upd.device, dev.id);
    let all = mem.attributes_get(dev.id, None, None).await?;
    assert_eq!(all.client.len(), 2);
    assert_eq!(all.shared.len(), 1);
    let keys = vec!["fw".to_owned()];
    let some = mem.attributes_get(dev.id, Some(&keys), None).await?;
    assert_eq!(
        serde_json::to_value(&some)?,
        serde_json::json!({"client": {"fw": "2.1.0"}})
    );
    Ok(())
}
