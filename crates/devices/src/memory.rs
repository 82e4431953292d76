//! An in-memory [`DeviceDirectory`]: for tests of the endpoint and ingest, and the reference
//! the SQL store's conformance tests agree with.

use crate::attributes::{self, AttributeSet, Attributes, SharedAttributesUpdate};
use crate::credentials::{
    self, BasicLookup, IssuedCredential, PasswordCache, ProvisionKey, StoredBasic,
};
use crate::directory::{BoxFuture, DeviceDirectory, DirectoryError};
use crate::identity::{Credential, DeviceId, DeviceIdentity, check_device_name};
use crate::provision::{ProvisionError, ProvisionRequest, ProvisionResponse};
use crate::secret::{self, TokenHash};
use parking_lot::RwLock;
use std::collections::HashMap;

/// A device to create.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewDevice {
    pub name: String,
    pub enterprise: Option<String>,
    pub device_type: Option<String>,
    pub is_gateway: bool,
}

impl NewDevice {
    /// A plain device named `name`, no enterprise, no type.
    pub fn named(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ..Self::default()
        }
    }

    /// The same, as a gateway.
    pub fn gateway(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            is_gateway: true,
            ..Self::default()
        }
    }
}

#[derive(Default)]
struct Inner {
    next_id: i64,
    devices: HashMap<DeviceId, DeviceIdentity>,
    /// (enterprise, name) → device: names are unique per enterprise.
    names: HashMap<(Option<String>, String), DeviceId>,
    tokens: HashMap<TokenHash, DeviceId>,
    token_of: HashMap<DeviceId, TokenHash>,
    basic: HashMap<DeviceId, StoredBasic>,
    provision_keys: HashMap<String, ProvisionKey>,
    client_attrs: HashMap<DeviceId, Attributes>,
    shared_attrs: HashMap<DeviceId, Attributes>,
}

/// The in-memory directory. Cheap to create; all methods take `&self`.
pub struct MemoryDirectory {
    inner: RwLock<Inner>,
    passwords: PasswordCache,
    shared_tx: tokio::sync::broadcast::Sender<SharedAttributesUpdate>,
}

impl Default for MemoryDirectory {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryDirectory {
    pub fn new() -> Self {
        Self {
            inner: RwLock::new(Inner {
                next_id: 1,
                ..Inner::default()
            }),
            passwords: PasswordCache::default(),
            shared_tx: tokio::sync::broadcast::channel(1024).0,
        }
    }

    /// Creates a device with a fresh access token; returns it and the token (shown once).
    pub fn add_device(
        &self,
        device: NewDevice,
    ) -> Result<(DeviceIdentity, String), DirectoryError> {
        let token = secret::generate_token();
        let identity = self.add_device_with_token(device, &token)?;
        Ok((identity, token))
    }

    /// Creates a device whose access token is `token` (16–128 printable characters).
    pub fn add_device_with_token(
        &self,
        device: NewDevice,
        token: &str,
    ) -> Result<DeviceIdentity, DirectoryError> {
        credentials::check_chosen_token(token).map_err(DirectoryError::Invalid)?;
        let hash = secret::hash_token(token);
        let mut inner = self.inner.write();
        if inner.tokens.contains_key(&hash) {
            return Err(DirectoryError::Invalid(
                "that access token is in use".into(),
            ));
        }
        let identity = inner.create(device, None)?;
        inner.set_token(identity.id, hash);
        Ok(identity)
    }

    /// Creates a device without credentials (give it some with [`Self::set_basic`] or
    /// [`Self::rotate_token`]).
    pub fn add_device_without_credentials(
        &self,
        device: NewDevice,
    ) -> Result<DeviceIdentity, DirectoryError> {
        self.inner.write().create(device, None)
    }

    /// Replaces the device's credentials by MQTT Basic ones.
    pub fn set_basic(
        &self,
        device: DeviceId,
        client_id: Option<&str>,
        username: Option<&str>,
        password: Option<&str>,
    ) -> Result<(), DirectoryError> {
        let stored =
            StoredBasic::new(client_id, username, password).map_err(DirectoryError::Invalid)?;
        let mut inner = self.inner.write();
        inner.known(device)?;
        inner.check_basic_free(&stored, Some(device))?;
        inner.clear_credentials(device);
        inner.basic.insert(device, stored);
        drop(inner);
        self.passwords.forget(device);
        Ok(())
    }

    /// Issues a new access token, replacing any credentials; the old token stops working.
    pub fn rotate_token(&self, device: DeviceId) -> Result<String, DirectoryError> {
        let token = secret::generate_token();
        let mut inner = self.inner.write();
        inner.known(device)?;
        inner.clear_credentials(device);
        inner.set_token(device, secret::hash_token(&token));
        drop(inner);
        self.passwords.forget(device);
        Ok(token)
    }

    /// Removes every credential of the device: it can no longer connect.
    pub fn revoke(&self, device: DeviceId) -> Result<(), DirectoryError> {
        let mut inner = self.inner.write();
        inner.known(device)?;
        inner.clear_credentials(device);
        drop(inner);
        self.passwords.forget(device);
        Ok(())
    }

    /// A new provisioning key for an enterprise and/or device type; returns (key, secret).
    pub fn add_provision_key(
        &self,
        enterprise: Option<String>,
        device_type: Option<String>,
    ) -> (String, String) {
        let (key, secret) = ProvisionKey::generate(enterprise, device_type);
        let name = key.key.clone();
        self.inner.write().provision_keys.insert(name.clone(), key);
        (name, secret)
    }

    /// Revokes a provisioning key (devices it issued keep their own credentials).
    pub fn revoke_provision_key(&self, key: &str) -> bool {
        match self.inner.write().provision_keys.get_mut(key) {
            Some(k) => {
                k.revoked = true;
                true
            }
            None => false,
        }
    }

    /// Every device, in id order.
    pub fn list(&self) -> Vec<DeviceIdentity> {
        let mut all: Vec<_> = self.inner.read().devices.values().cloned().collect();
        all.sort_by_key(|d| d.id);
        all
    }

    fn authenticate_now(&self, credential: Credential<'_>) -> Option<DeviceIdentity> {
        match credential {
            Credential::AccessToken(token) => {
                let inner = self.inner.read();
                let id = inner.tokens.get(&secret::hash_token(token))?;
                inner.devices.get(id).cloned()
            }
            Credential::Basic {
                client_id,
                username,
                password,
            } => {
                let cache_key = password.map(|p| secret::basic_cache_key(client_id, username, p));
                if let Some(id) = cache_key.and_then(|k| self.passwords.get(&k)) {
                    return self.inner.read().devices.get(&id).cloned();
                }
                let candidates: Vec<(DeviceId, StoredBasic)> = {
                    let inner = self.inner.read();
                    credentials::basic_lookups(client_id, username)
                        .into_iter()
                        .filter_map(|l| inner.basic_by(l))
                        .map(|id| (id, inner.basic[&id].clone()))
                        .collect()
                };
                // argon2 outside the lock
                let id = candidates
                    .into_iter()
                    .find(|(_, s)| s.matches(client_id, username, password))
                    .map(|(id, _)| id)?;
                if let Some(k) = cache_key {
                    self.passwords.put(k, id);
                }
                self.inner.read().devices.get(&id).cloned()
            }
        }
    }
}

impl Inner {
    fn known(&self, device: DeviceId) -> Result<&DeviceIdentity, DirectoryError> {
        self.devices
            .get(&device)
            .ok_or(DirectoryError::UnknownDevice(device))
    }

    fn create(
        &mut self,
        device: NewDevice,
        gateway: Option<DeviceId>,
    ) -> Result<DeviceIdentity, DirectoryError> {
        check_device_name(&device.name).map_err(DirectoryError::Invalid)?;
        let key = (device.enterprise.clone(), device.name.clone());
        if self.names.contains_key(&key) {
            return Err(DirectoryError::Invalid(format!(
                "a device named {:?} exists already",
                device.name
            )));
        }
        let id = DeviceId(self.next_id);
        self.next_id += 1;
        let identity = DeviceIdentity {
            id,
            name: device.name,
            enterprise: device.enterprise,
            device_type: device.device_type,
            is_gateway: device.is_gateway,
            gateway,
        };
        self.names.insert(key, id);
        self.devices.insert(id, identity.clone());
        Ok(identity)
    }

    fn set_token(&mut self, device: DeviceId, hash: TokenHash) {
        self.tokens.insert(hash, device);
        self.token_of.insert(device, hash);
    }

    fn clear_credentials(&mut self, device: DeviceId) {
        if let Some(hash) = self.token_of.remove(&device) {
            self.tokens.remove(&hash);
        }
        self.basic.remove(&device);
    }

    fn basic_by(&self, lookup: BasicLookup<'_>) -> Option<DeviceId> {
        self.basic.iter().find_map(|(id, s)| {
            let hit = match lookup {
                BasicLookup::Username(u) => s.username.as_deref() == Some(u),
                BasicLookup::ClientId(c) => {
                    s.username.is_none() && s.client_id.as_deref() == Some(c)
                }
            };
            hit.then_some(*id)
        })
    }

    /// User names are unique; so are client ids among credentials without a user name.
    fn check_basic_free(
        &self,
        stored: &StoredBasic,
        except: Option<DeviceId>,
    ) -> Result<(), DirectoryError> {
        let lookup = match (&stored.username, &stored.client_id) {
            (Some(u), _) => BasicLookup::Username(u),
            (None, Some(c)) => BasicLookup::ClientId(c),
            (None, None) => return Ok(()),
        };
        match self.basic_by(lookup) {
            Some(other) if Some(other) != except => Err(DirectoryError::Invalid(
                "those MQTT credentials are in use by another device".into(),
            )),
            _ => Ok(()),
        }
    }
}

impl DeviceDirectory for MemoryDirectory {
    fn authenticate<'a>(
        &'a self,
        credential: Credential<'a>,
    ) -> BoxFuture<'a, Result<Option<DeviceIdentity>, DirectoryError>> {
        Box::pin(async move { Ok(self.authenticate_now(credential)) })
    }

    fn gateway_child<'a>(
        &'a self,
        gateway: &'a DeviceIdentity,
        name: &'a str,
        device_type: Option<&'a str>,
    ) -> BoxFuture<'a, Result<DeviceIdentity, DirectoryError>> {
        Box::pin(async move {
            let mut inner = self.inner.write();
            let gw = inner.known(gateway.id)?;
            if !gw.is_gateway {
                return Err(DirectoryError::NotAGateway(gateway.id));
            }
            let enterprise = gw.enterprise.clone();
            if let Some(id) = inner.names.get(&(enterprise.clone(), name.to_owned())) {
                let child = &inner.devices[id];
                return if child.gateway == Some(gateway.id) {
                    Ok(child.clone())
                } else {
                    Err(DirectoryError::NotYourDevice {
                        gateway: gateway.id,
                        name: name.to_owned(),
                    })
                };
            }
            inner.create(
                NewDevice {
                    name: name.to_owned(),
                    enterprise,
                    device_type: device_type.map(str::to_owned),
                    is_gateway: false,
                },
                Some(gateway.id),
            )
        })
    }

    fn provision<'a>(
        &'a self,
        request: ProvisionRequest,
    ) -> BoxFuture<'a, Result<ProvisionResponse, ProvisionError>> {
        Box::pin(async move {
            let key = self
                .inner
                .read()
                .provision_keys
                .get(&request.provision_device_key)
                .cloned()
                .ok_or(ProvisionError::NotFound)?;
            if !key.opens(&request.provision_device_secret) {
                return Err(ProvisionError::NotFound);
            }
            let issued = credentials::issue_for(&request)?;
            let mut inner = self.inner.write();
            if inner
                .names
                .contains_key(&(key.enterprise.clone(), request.device_name.clone()))
            {
                return Err(ProvisionError::DeviceExists(request.device_name));
            }
            match &issued {
                IssuedCredential::AccessToken(t) => {
                    if inner.tokens.contains_key(&secret::hash_token(t)) {
                        return Err(ProvisionError::Invalid(
                            "that access token is in use".into(),
                        ));
                    }
                }
                IssuedCredential::Basic { stored, .. } => inner
                    .check_basic_free(stored, None)
                    .map_err(|e| ProvisionError::Invalid(e.to_string()))?,
            }
            let identity = inner
                .create(
                    NewDevice {
                        name: request.device_name.clone(),
                        enterprise: key.enterprise.clone(),
                        device_type: key.device_type.clone(),
                        is_gateway: false,
                    },
                    None,
                )
                .map_err(|e| ProvisionError::Invalid(e.to_string()))?;
            Ok(match issued {
                IssuedCredential::AccessToken(token) => {
                    inner.set_token(identity.id, secret::hash_token(&token));
                    ProvisionResponse::access_token(identity, token)
                }
                IssuedCredential::Basic {
                    client_id,
                    username,
                    password,
                    stored,
                } => {
                    inner.basic.insert(identity.id, stored);
                    ProvisionResponse::mqtt_basic(
                        identity,
                        &client_id,
                        username.as_deref(),
                        password.as_deref(),
                    )
                }
            })
        })
    }

    fn client_attributes_set<'a>(
        &'a self,
        device: DeviceId,
        attributes: Attributes,
    ) -> BoxFuture<'a, Result<(), DirectoryError>> {
        Box::pin(async move {
            let mut inner = self.inner.write();
            inner.known(device)?;
            inner
                .client_attrs
                .entry(device)
                .or_default()
                .extend(attributes);
            Ok(())
        })
    }

    fn attributes_get<'a>(
        &'a self,
        device: DeviceId,
        client_keys: Option<&'a [String]>,
        shared_keys: Option<&'a [String]>,
    ) -> BoxFuture<'a, Result<AttributeSet, DirectoryError>> {
        Box::pin(async move {
            let inner = self.inner.read();
            inner.known(device)?;
            let neither = client_keys.is_none() && shared_keys.is_none();
            let empty = Attributes::new();
            Ok(AttributeSet {
                client: attributes::select(
                    inner.client_attrs.get(&device).unwrap_or(&empty),
                    client_keys,
                    neither,
                ),
                shared: attributes::select(
                    inner.shared_attrs.get(&device).unwrap_or(&empty),
                    shared_keys,
                    neither,
                ),
            })
        })
    }

    fn shared_attributes_set<'a>(
        &'a self,
        device: DeviceId,
        attributes: Attributes,
    ) -> BoxFuture<'a, Result<(), DirectoryError>> {
        Box::pin(async move {
            {
                let mut inner = self.inner.write();
                inner.known(device)?;
                inner
                    .shared_attrs
                    .entry(device)
                    .or_default()
                    .extend(attributes.clone());
            }
            // no receiver is not an error: nobody is connected
            let _ = self.shared_tx.send(SharedAttributesUpdate {
                device,
                values: attributes,
            });
            Ok(())
        })
    }

    fn shared_updates(&self) -> tokio::sync::broadcast::Receiver<SharedAttributesUpdate> {
        self.shared_tx.subscribe()
    }

    fn device<'a>(
        &'a self,
        id: DeviceId,
    ) -> BoxFuture<'a, Result<Option<DeviceIdentity>, DirectoryError>> {
        Box::pin(async move { Ok(self.inner.read().devices.get(&id).cloned()) })
    }
}
