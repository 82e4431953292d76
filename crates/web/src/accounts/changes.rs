//! Account writes and their audit entries: each change and its entry in the registry's
//! `audit_log` commit in ONE transaction (the account tables live in the same database), so
//! there is no change without its entry. Entries name who, when, what, before and after;
//! password hashes, token secrets and their hashes never enter them.

use super::{Accounts, NewUser, Principal, secret};
use crate::db::{Db, with_pool};
use crate::error::WebError;
use serde::Serialize;
use serde_json::{Value, json};

/// An API token as its owner sees it (never the secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenInfo {
    pub id: i64,
    pub label: String,
    /// Unix seconds.
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

/// One audit entry to write with an account change.
pub(crate) struct Entry<'a> {
    pub actor: &'a str,
    pub action: &'static str,
    pub entity: &'static str,
    pub key: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// The audit statement of the backend (JSON columns are `jsonb` on PostgreSQL, text on
/// SQLite).
pub(crate) fn audit_sql(db: &Db) -> &'static str {
    match db {
        Db::Sqlite(_) => {
            "INSERT INTO audit_log (at, actor, action, entity, entity_key, before_json, after_json) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)"
        }
        Db::Postgres(_) => {
            "INSERT INTO audit_log (at, actor, action, entity, entity_key, before_json, after_json) \
             VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb)"
        }
    }
}

/// Appends `entry` inside the open transaction `$tx` of `$db`.
macro_rules! append_audit {
    ($db:expr, $tx:expr, $entry:expr) => {{
        let entry = $entry;
        sqlx::query($crate::accounts::changes::audit_sql($db))
            .bind(chrono::Utc::now())
            .bind(entry.actor)
            .bind(entry.action)
            .bind(entry.entity)
            .bind(&entry.key)
            .bind(entry.before.as_ref().map(serde_json::Value::to_string))
            .bind(entry.after.as_ref().map(serde_json::Value::to_string))
            .execute(&mut *$tx)
            .await
    }};
}
pub(crate) use append_audit;

/// What an account looks like in the log.
pub(crate) fn account_json(user: &NewUser) -> Value {
    json!({
        "name": user.name,
        "role": user.role.as_str(),
        "region": user.region,
        "provider": user.provider,
        "enterprises": user.enterprises,
        "must_change_password": user.must_change_password,
    })
}

impl Accounts {
    /// Changes one's own password after checking the current one. Other sessions of the
    /// account end; API tokens stay (revoke them separately). `Ok(false)`: wrong current
    /// password.
    pub async fn change_password(
        &self,
        who: &Principal,
        current: &str,
        new: &str,
    ) -> Result<bool, WebError> {
        check_new_password(new)?;
        if self.authenticate(&who.name, current).await?.is_none() {
            return Ok(false);
        }
        self.set_password(
            who.id,
            &who.name,
            new,
            false,
            who.name.as_str(),
            "change-password",
        )
        .await?;
        Ok(true)
    }

    /// An admin's reset: a new one-time password (returned, shown once) that must be changed
    /// at the next sign-in; every session of the account ends. `None`: no such account.
    pub async fn reset_password(
        &self,
        actor: &Principal,
        name: &str,
    ) -> Result<Option<String>, WebError> {
        let sql = "SELECT id FROM web_users WHERE name = $1";
        let row: Option<(i64,)> =
            with_pool!(&self.db, p => sqlx::query_as(sql).bind(name).fetch_optional(p).await)?;
        let Some((id,)) = row else { return Ok(None) };
        let password = secret::one_time_password()?;
        self.set_password(id, name, &password, true, &actor.name, "reset-password")
            .await?;
        Ok(Some(password))
    }

    async fn set_password(
        &self,
        id: i64,
        name: &str,
        password: &str,
        must_change: bool,
        actor: &str,
        action: &'static str,
    ) -> Result<(), WebError> {
        let password = password.to_owned();
        let hash = tokio::task::spawn_blocking(move || secret::hash_password(&password))
            .await
            .map_err(|e| WebError::Password(e.to_string()))??;
        let update =
            "UPDATE web_users SET password_hash = $1, must_change_password = $2 WHERE id = $3";
        let sessions = "DELETE FROM web_sessions WHERE user_id = $1";
        let before: Option<(bool,)> = with_pool!(&self.db, p => sqlx::query_as(
            "SELECT must_change_password FROM web_users WHERE id = $1")
            .bind(id).fetch_optional(p).await)?;
        let entry = Entry {
            actor,
            action,
            entity: "account",
            key: name.to_owned(),
            // The password itself is never logged: only that it changed.
            before: before.map(|(m,)| json!({"must_change_password": m})),
            after: Some(json!({"password": "changed", "must_change_password": must_change})),
        };
        with_pool!(&self.db, p => {
            let mut tx = p.begin().await?;
            sqlx::query(update).bind(&hash).bind(must_change).bind(id).execute(&mut *tx).await?;
            sqlx::query(sessions).bind(id).execute(&mut *tx).await?;
            append_audit!(&self.db, tx, &entry)?;
            tx.commit().await?;
        });
        // After the commit: a lookup racing the write cannot leave the old account behind.
        self.tokens.clear();
        Ok(())
    }

    /// The API tokens of `user_id`, newest first.
    pub async fn tokens(&self, user_id: i64) -> Result<Vec<TokenInfo>, WebError> {
        let sql = "SELECT id, label, created_at, last_used_at FROM web_api_tokens \
                   WHERE user_id = $1 ORDER BY id DESC";
        let rows: Vec<(i64, String, i64, Option<i64>)> =
            with_pool!(&self.db, p => sqlx::query_as(sql).bind(user_id).fetch_all(p).await)?;
        Ok(rows
            .into_iter()
            .map(|(id, label, created_at, last_used_at)| TokenInfo {
                id,
                label,
                created_at,
                last_used_at,
            })
            .collect())
    }

    /// Revokes token `id` of `who`; `false` when `who` has no such token (another account's
    /// token is "not found", not "forbidden": its existence is none of their business).
    pub async fn revoke_token(&self, who: &Principal, id: i64) -> Result<bool, WebError> {
        let sql = "DELETE FROM web_api_tokens WHERE id = $1 AND user_id = $2 \
                   RETURNING label, created_at";
        let entry = |label: String, created_at: i64| Entry {
            actor: &who.name,
            action: "revoke-token",
            entity: "api-token",
            key: id.to_string(),
            before: Some(json!({"owner": who.name, "label": label, "created_at": created_at})),
            after: None,
        };
        let done = with_pool!(&self.db, p => {
            let mut tx = p.begin().await?;
            let row: Option<(String, i64)> =
                sqlx::query_as(sql).bind(id).bind(who.id).fetch_optional(&mut *tx).await?;
            match row {
                Some((label, created_at)) => {
                    append_audit!(&self.db, tx, &entry(label, created_at))?;
                    tx.commit().await?;
                    true
                }
                None => false,
            }
        });
        // After the commit: a lookup racing the revocation cannot leave the token behind.
        self.tokens.clear();
        Ok(done)
    }
}

/// The rule for every new password (the same as for new accounts).
pub(crate) fn check_new_password(password: &str) -> Result<(), WebError> {
    if password.chars().count() < 12 || password.chars().count() > 1024 {
        return Err(WebError::InvalidAccount(
            "password must have 12 to 1024 characters".to_owned(),
        ));
    }
    Ok(())
}
