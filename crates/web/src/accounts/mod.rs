//! Accounts: who may sign in ([`Role`], [`Principal`]), sessions and API tokens.
//!
//! Passwords are argon2id hashes; session ids and API tokens are 256-bit random values of
//! which only the SHA-256 is stored, so a copy of the database opens no session.

mod changes;
pub mod secret;
mod token_cache;

pub use changes::TokenInfo;

use crate::db::{Db, with_pool};
use crate::error::WebError;
use crate::scope::region_prefix;
use changes::{Entry, account_json, append_audit};
use serde::{Deserialize, Serialize};
use std::time::Duration;
pub use token_cache::TOKEN_CACHE_TTL;
use token_cache::TokenCache;

/// The five kinds of account. What each may do is in [`crate::routes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// 平台管理员: everything, every region.
    Admin,
    /// 主管部门 (工信部门) programme officer: the registry of a region subtree (ministry =
    /// all regions, or a province, city or county code).
    Officer,
    /// 企业用户: its own enterprises.
    Enterprise,
    /// 服务商用户: its provider.
    Provider,
    /// 评审专家.
    Expert,
}

impl Role {
    /// Every role, in the order of the columns of the authorization table.
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Officer,
        Role::Enterprise,
        Role::Provider,
        Role::Expert,
    ];

    /// The stored and serialized name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Officer => "officer",
            Role::Enterprise => "enterprise",
            Role::Provider => "provider",
            Role::Expert => "expert",
        }
    }

    /// zh-CN label.
    pub fn name_zh(self) -> &'static str {
        match self {
            Role::Admin => "平台管理员",
            Role::Officer => "主管部门",
            Role::Enterprise => "企业用户",
            Role::Provider => "服务商",
            Role::Expert => "评审专家",
        }
    }

    /// English label.
    pub fn name_en(self) -> &'static str {
        match self {
            Role::Admin => "platform admin",
            Role::Officer => "programme officer",
            Role::Enterprise => "enterprise user",
            Role::Provider => "provider user",
            Role::Expert => "expert",
        }
    }

    /// Reads a stored or typed role name.
    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == text.trim())
    }

    /// The column of this role in the authorization table.
    pub fn index(self) -> usize {
        match self {
            Role::Admin => 0,
            Role::Officer => 1,
            Role::Enterprise => 2,
            Role::Provider => 3,
            Role::Expert => 4,
        }
    }
}

/// A signed-in account and what it is scoped to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Principal {
    pub id: i64,
    pub name: String,
    pub role: Role,
    /// Officer: the GB/T 2260 code overseen; `None` = ministry (all regions).
    pub region: Option<String>,
    /// Provider user: the provider's identifier.
    pub provider: Option<String>,
    /// Enterprise user: the USCCs it acts for.
    pub enterprises: Vec<String>,
    /// A bootstrap or reset password that should be replaced.
    pub must_change_password: bool,
}

/// An account to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    pub name: String,
    pub role: Role,
    pub region: Option<String>,
    pub provider: Option<String>,
    pub enterprises: Vec<String>,
    pub password: String,
    pub must_change_password: bool,
}

/// How long a browser session lasts after sign-in.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(12 * 3600);

/// The account tables.
#[derive(Clone, Debug)]
pub struct Accounts {
    db: Db,
    tokens: TokenCache,
}

type UserRow = (
    i64,
    String,
    String,
    Option<String>,
    Option<String>,
    bool,
    bool,
);

/// A [`UserRow`] and the token's `last_used_at`.
type TokenRow = (
    i64,
    String,
    String,
    Option<String>,
    Option<String>,
    bool,
    bool,
    Option<i64>,
);

/// How stale an API token's `last_used_at` may get, in seconds.
const TOKEN_USE_RESOLUTION_SECS: i64 = 60;

const USER_COLUMNS: &str =
    "u.id, u.name, u.role, u.region, u.provider, u.must_change_password, u.disabled";

impl Accounts {
    pub(crate) fn new(db: Db) -> Accounts {
        Accounts {
            db,
            tokens: TokenCache::default(),
        }
    }

    /// How many accounts exist (0 = bootstrap needed).
    pub async fn user_count(&self) -> Result<i64, WebError> {
        let sql = "SELECT COUNT(*) FROM web_users";
        let (n,): (i64,) = with_pool!(&self.db, p => sqlx::query_as(sql).fetch_one(p).await)?;
        Ok(n)
    }

    /// Creates an account after checking its scope fits its role (audited as `system`).
    pub async fn create_user(&self, user: &NewUser) -> Result<Principal, WebError> {
        self.create_user_as("system", user).await
    }

    /// Creates an account, audited as done by `actor`.
    pub async fn create_user_as(&self, actor: &str, user: &NewUser) -> Result<Principal, WebError> {
        self.tokens.clear();
        validate(user)?;
        let password = user.password.clone();
        let hash = tokio::task::spawn_blocking(move || secret::hash_password(&password))
            .await
            .map_err(|e| WebError::Password(e.to_string()))??;
        let now = now_secs();
        let insert = "INSERT INTO web_users \
            (name, role, region, provider, password_hash, must_change_password, disabled, created_at) \
            VALUES ($1, $2, $3, $4, $5, $6, FALSE, $7) RETURNING id";
        let link = "INSERT INTO web_user_enterprises (user_id, uscc) VALUES ($1, $2)";
        let exists = "SELECT COUNT(*) FROM web_users WHERE name = $1";
        let id = with_pool!(&self.db, p => {
            let mut tx = p.begin().await?;
            let (n,): (i64,) = sqlx::query_as(exists).bind(&user.name).fetch_one(&mut *tx).await?;
            if n > 0 {
                return Err(WebError::UserExists(user.name.clone()));
            }
            let (id,): (i64,) = sqlx::query_as(insert)
                .bind(&user.name)
                .bind(user.role.as_str())
                .bind(&user.region)
                .bind(&user.provider)
                .bind(&hash)
                .bind(user.must_change_password)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
            for uscc in &user.enterprises {
                let uscc = shangyun_rules::ids::normalize(uscc);
                sqlx::query(link).bind(id).bind(uscc).execute(&mut *tx).await?;
            }
            append_audit!(&self.db, tx, &Entry {
                actor,
                action: "create-user",
                entity: "account",
                key: user.name.clone(),
                before: None,
                after: Some(account_json(user)),
            })?;
            tx.commit().await?;
            id
        });
        self.principal(id)
            .await?
            .ok_or_else(|| WebError::InvalidAccount(format!("user {} vanished", user.name)))
    }

    /// The account `id`, unless it is missing or disabled.
    pub async fn principal(&self, id: i64) -> Result<Option<Principal>, WebError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM web_users u WHERE u.id = $1");
        let row: Option<UserRow> = with_pool!(&self.db, p =>
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(p).await)?;
        self.finish(row).await
    }

    /// Checks a name and password; `None` for an unknown name, a wrong password or a disabled
    /// account (the same time is spent in each case).
    pub async fn authenticate(
        &self,
        name: &str,
        password: &str,
    ) -> Result<Option<Principal>, WebError> {
        let sql = "SELECT id, password_hash FROM web_users WHERE name = $1 AND disabled = FALSE";
        let row: Option<(i64, String)> = with_pool!(&self.db, p =>
            sqlx::query_as(sql).bind(name).fetch_optional(p).await)?;
        let (id, stored) = match row {
            Some((id, stored)) => (Some(id), stored),
            None => (None, secret::decoy_hash().to_owned()),
        };
        let password = password.to_owned();
        let ok = tokio::task::spawn_blocking(move || secret::verify_password(&password, &stored))
            .await
            .map_err(|e| WebError::Password(e.to_string()))?;
        match (ok, id) {
            (true, Some(id)) => self.principal(id).await,
            _ => Ok(None),
        }
    }

    /// Starts a session; returns the secret cookie value.
    pub async fn create_session(&self, user_id: i64) -> Result<String, WebError> {
        let raw = secret::random_hex()?;
        let now = now_secs();
        let expires = now + i64::try_from(SESSION_LIFETIME.as_secs()).unwrap_or(43_200);
        let sql = "INSERT INTO web_sessions (token_hash, user_id, created_at, expires_at) \
                   VALUES ($1, $2, $3, $4)";
        with_pool!(&self.db, p => sqlx::query(sql)
            .bind(secret::sha256_hex(&raw))
            .bind(user_id)
            .bind(now)
            .bind(expires)
            .execute(p)
            .await
            .map(|_| ()))?;
        Ok(raw)
    }

    /// The account of a live session.
    pub async fn session_principal(&self, raw: &str) -> Result<Option<Principal>, WebError> {
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM web_sessions s JOIN web_users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2"
        );
        let row: Option<UserRow> = with_pool!(&self.db, p =>
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(secret::sha256_hex(raw))
                .bind(now_secs())
                .fetch_optional(p)
                .await)?;
        self.finish(row).await
    }

    /// Ends a session (and sweeps expired ones).
    pub async fn delete_session(&self, raw: &str) -> Result<(), WebError> {
        let sql = "DELETE FROM web_sessions WHERE token_hash = $1 OR expires_at <= $2";
        with_pool!(&self.db, p => sqlx::query(sql)
            .bind(secret::sha256_hex(raw))
            .bind(now_secs())
            .execute(p)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Issues an API token for `who`; returns the secret (shown once). Audited without it.
    pub async fn create_token(&self, who: &Principal, label: &str) -> Result<String, WebError> {
        let raw = format!("sy_{}", secret::random_hex()?);
        let now = now_secs();
        let sql = "INSERT INTO web_api_tokens (user_id, label, token_hash, created_at) \
                   VALUES ($1, $2, $3, $4) RETURNING id";
        with_pool!(&self.db, p => {
            let mut tx = p.begin().await?;
            let (id,): (i64,) = sqlx::query_as(sql)
                .bind(who.id)
                .bind(label)
                .bind(secret::sha256_hex(&raw))
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
            append_audit!(&self.db, tx, &Entry {
                actor: &who.name,
                action: "create-token",
                entity: "api-token",
                key: id.to_string(),
                before: None,
                after: Some(serde_json::json!({"owner": who.name, "label": label, "created_at": now})),
            })?;
            tx.commit().await?;
        });
        Ok(raw)
    }

    /// The account of an API token. Its `last_used_at` is kept to the minute: writing it on
    /// every request would put a write transaction on every API read (on SQLite, one writer
    /// at a time for the whole server).
    pub async fn token_principal(&self, raw: &str) -> Result<Option<Principal>, WebError> {
        let hash = secret::sha256_hex(raw);
        if let Some(principal) = self.tokens.get(&hash) {
            return Ok(Some(principal));
        }
        let sql = format!(
            "SELECT {USER_COLUMNS}, t.last_used_at FROM web_api_tokens t \
             JOIN web_users u ON u.id = t.user_id WHERE t.token_hash = $1"
        );
        let found: Option<TokenRow> = with_pool!(&self.db, p =>
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(&hash).fetch_optional(p).await)?;
        let Some((id, name, role, region, provider, must_change, disabled, last_used)) = found
        else {
            return Ok(None);
        };
        let now = now_secs();
        if last_used.is_none_or(|at| now - at >= TOKEN_USE_RESOLUTION_SECS) {
            let touch = "UPDATE web_api_tokens SET last_used_at = $1 WHERE token_hash = $2";
            with_pool!(&self.db, p =>
                sqlx::query(touch).bind(now).bind(&hash).execute(p).await.map(|_| ()))?;
        }
        let principal = self
            .finish(Some((
                id,
                name,
                role,
                region,
                provider,
                must_change,
                disabled,
            )))
            .await?;
        if let Some(p) = &principal {
            self.tokens.put(hash, p.clone());
        }
        Ok(principal)
    }

    async fn finish(&self, row: Option<UserRow>) -> Result<Option<Principal>, WebError> {
        let Some((id, name, role, region, provider, must_change, disabled)) = row else {
            return Ok(None);
        };
        // An unknown stored role or a disabled account signs nobody in.
        let Some(role) = Role::parse(&role).filter(|_| !disabled) else {
            return Ok(None);
        };
        let sql = "SELECT uscc FROM web_user_enterprises WHERE user_id = $1 ORDER BY uscc";
        let enterprises: Vec<(String,)> = with_pool!(&self.db, p =>
            sqlx::query_as(sql).bind(id).fetch_all(p).await)?;
        Ok(Some(Principal {
            id,
            name,
            role,
            region,
            provider,
            enterprises: enterprises.into_iter().map(|(u,)| u).collect(),
            must_change_password: must_change,
        }))
    }

    /// Closes the pool.
    pub async fn close(&self) {
        self.db.close().await;
    }
}

/// A role's scope must be given exactly where the role has one.
fn validate(user: &NewUser) -> Result<(), WebError> {
    let bad = |why: String| Err(WebError::InvalidAccount(why));
    let name = user.name.as_str();
    if name.is_empty()
        || name.chars().count() > 64
        || name.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return bad(format!(
            "name '{name}' must be 1 to 64 characters without spaces"
        ));
    }
    changes::check_new_password(&user.password)?;
    if let Some(region) = &user.region {
        if user.role != Role::Officer {
            return bad("only officers have a region".to_owned());
        }
        if region_prefix(region).is_none()
            || shangyun_rules::codes::RegionList::embedded()
                .find(region)
                .is_none()
        {
            return bad(format!("region '{region}' is not a GB/T 2260 code"));
        }
    }
    match user.role {
        Role::Enterprise if user.enterprises.is_empty() => {
            return bad("an enterprise user needs at least one USCC".to_owned());
        }
        Role::Provider if user.provider.is_none() => {
            return bad("a provider user needs its provider".to_owned());
        }
        _ => {}
    }
    if user.role != Role::Enterprise && !user.enterprises.is_empty() {
        return bad("only enterprise users have enterprises".to_owned());
    }
    if user.role != Role::Provider && user.provider.is_some() {
        return bad("only provider users have a provider".to_owned());
    }
    Ok(())
}

fn now_secs() -> i64 {
    chrono::Utc::now().timestamp()
}
