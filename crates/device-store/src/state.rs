//! Presence (flushed in batches), alarm history and per-device alarm rules, audit reads.

use crate::DeviceStore;
use crate::db::{BeginWrite, on_db};
use crate::error::{DeviceStoreError, DeviceStoreResult};
use crate::manage::audit;
use crate::records::{AlarmFilter, AlarmRecord, AuditRecord};
use shangyun_devices::alarms::{Alarm, AlarmEvent, AlarmRule, Severity};
use shangyun_devices::{DeviceId, PresenceRecord};
use sqlx::AssertSqlSafe;

type AlarmRow = (
    i64,
    i64,
    String,
    Option<String>,
    String,
    String,
    String,
    String,
    Option<f64>,
    i64,
    Option<i64>,
    Option<i64>,
    Option<String>,
);

const ALARM_SELECT: &str = "SELECT a.id, a.device_id, d.name, d.enterprise, a.rule, a.key, a.severity, \
     a.message, a.value, a.raised_ms, a.cleared_ms, a.acked_ms, a.acked_by \
     FROM alarms a JOIN devices d ON d.id = a.device_id";

fn alarm_record(r: AlarmRow) -> AlarmRecord {
    AlarmRecord {
        id: r.0,
        device_id: r.1,
        device_name: r.2,
        enterprise: r.3,
        rule: r.4,
        key: r.5,
        severity: Severity::parse(&r.6).unwrap_or(Severity::Indeterminate),
        message: r.7,
        value: r.8,
        raised_ms: r.9,
        cleared_ms: r.10,
        acked_ms: r.11,
        acked_by: r.12,
    }
}

/// `INSERT … SELECT … FROM (VALUES …)` of `rows` presence rows; the casts give PostgreSQL the
/// parameter types and are no-ops for SQLite.
fn presence_upsert_sql(rows: usize) -> String {
    let mut sql = String::from(
        "INSERT INTO device_presence (device_id, gateway_id, last_activity_ms, last_connect_ms, \
         last_disconnect_ms, online) SELECT column1, column2, column3, column4, column5, column6 \
         FROM (VALUES ",
    );
    for i in 0..rows {
        let b = i * 6;
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&format!(
            "(CAST(${} AS BIGINT), CAST(${} AS BIGINT), CAST(${} AS BIGINT), CAST(${} AS BIGINT), \
             CAST(${} AS BIGINT), CAST(${} AS BOOLEAN))",
            b + 1,
            b + 2,
            b + 3,
            b + 4,
            b + 5,
            b + 6
        ));
    }
    sql.push_str(
        ") AS v WHERE EXISTS (SELECT 1 FROM devices d WHERE d.id = v.column1) \
         ON CONFLICT (device_id) DO UPDATE SET gateway_id = excluded.gateway_id, \
         last_activity_ms = excluded.last_activity_ms, last_connect_ms = excluded.last_connect_ms, \
         last_disconnect_ms = excluded.last_disconnect_ms, online = excluded.online",
    );
    sql
}

impl DeviceStore {
    /// Writes presence records in one transaction (what `Presence::take_dirty` returned).
    /// Records of devices deleted meanwhile are skipped.
    pub async fn save_presence(&self, records: &[PresenceRecord]) -> DeviceStoreResult<()> {
        if records.is_empty() {
            return Ok(());
        }
        let _w = self.inner.write.lock().await;
        on_db!(&self.inner.db, pool => {
            let mut tx = pool.begin_write().await?;
            // 500 rows per statement (3,000 parameters: under both backends' limits); rows of
            // devices deleted meanwhile are skipped by the EXISTS.
            for chunk in records.chunks(500) {
                let sql = presence_upsert_sql(chunk.len());
                let mut q = sqlx::query(AssertSqlSafe(sql));
                for r in chunk {
                    q = q
                        .bind(r.device.0)
                        .bind(r.gateway.map(|g| g.0))
                        .bind(r.last_activity_ms)
                        .bind(r.last_connect_ms)
                        .bind(r.last_disconnect_ms)
                        .bind(r.online);
                }
                q.execute(&mut *tx).await?;
            }
            tx.commit().await
        })
        .map_err(|e| self.err(e))
    }

    /// Every stored presence record (start-up: `Presence::load`).
    pub async fn load_presence(&self) -> DeviceStoreResult<Vec<PresenceRecord>> {
        type Row = (
            i64,
            Option<i64>,
            Option<i64>,
            Option<i64>,
            Option<i64>,
            bool,
        );
        let rows: Vec<Row> = on_db!(&self.inner.db, pool => sqlx::query_as(
            "SELECT device_id, gateway_id, last_activity_ms, last_connect_ms, last_disconnect_ms, online \
             FROM device_presence ORDER BY device_id",
        )
        .fetch_all(pool)
        .await)
        .map_err(|e| self.err(e))?;
        Ok(rows
            .into_iter()
            .map(|r| PresenceRecord {
                device: DeviceId(r.0),
                gateway: r.1.map(DeviceId),
                last_activity_ms: r.2,
                last_connect_ms: r.3,
                last_disconnect_ms: r.4,
                online: r.5,
            })
            .collect())
    }

    /// Records what the alarm engine decided, in one transaction: a raise inserts, a clear
    /// or an acknowledgement updates the alarm (device, rule, raised time).
    pub async fn record_alarm_events(&self, events: &[AlarmEvent]) -> DeviceStoreResult<()> {
        if events.is_empty() {
            return Ok(());
        }
        let _w = self.inner.write.lock().await;
        on_db!(&self.inner.db, pool => {
            let mut tx = pool.begin_write().await?;
            for e in events {
                let a = e.alarm();
                match e {
                    AlarmEvent::Raised(_) => {
                        sqlx::query(
                            "INSERT INTO alarms (device_id, rule, key, severity, message, value, raised_ms, \
                             cleared_ms, acked_ms, acked_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                             ON CONFLICT (device_id, rule, raised_ms) DO NOTHING",
                        )
                        .bind(a.device.0)
                        .bind(&a.rule)
                        .bind(&a.key)
                        .bind(a.severity.as_str())
                        .bind(&a.message)
                        .bind(a.value)
                        .bind(a.raised_at_ms)
                        .bind(a.cleared_at_ms)
                        .bind(a.acknowledged_at_ms)
                        .bind(&a.acknowledged_by)
                        .execute(&mut *tx)
                        .await?;
                    }
                    AlarmEvent::Cleared(_) => {
                        sqlx::query(
                            "UPDATE alarms SET cleared_ms = $1 WHERE device_id = $2 AND rule = $3 \
                             AND raised_ms = $4 AND cleared_ms IS NULL",
                        )
                        .bind(a.cleared_at_ms)
                        .bind(a.device.0)
                        .bind(&a.rule)
                        .bind(a.raised_at_ms)
                        .execute(&mut *tx)
                        .await?;
                    }
                    AlarmEvent::Acknowledged(_) => {
                        sqlx::query(
                            "UPDATE alarms SET acked_ms = $1, acked_by = $2 WHERE device_id = $3 AND rule = $4 \
                             AND raised_ms = $5 AND acked_ms IS NULL",
                        )
                        .bind(a.acknowledged_at_ms)
                        .bind(&a.acknowledged_by)
                        .bind(a.device.0)
                        .bind(&a.rule)
                        .bind(a.raised_at_ms)
                        .execute(&mut *tx)
                        .await?;
                    }
                }
            }
            tx.commit().await
        })
        .map_err(|e| self.err(e))
    }

    /// The active alarms (start-up: `AlarmEngine::watch`).
    pub async fn active_alarms(&self) -> DeviceStoreResult<Vec<Alarm>> {
        let sql = format!("{ALARM_SELECT} WHERE a.cleared_ms IS NULL ORDER BY a.id");
        let rows: Vec<AlarmRow> = on_db!(&self.inner.db, pool =>
            sqlx::query_as(AssertSqlSafe(sql)).fetch_all(pool).await)
        .map_err(|e| self.err(e))?;
        Ok(rows
            .into_iter()
            .map(alarm_record)
            .map(|r| Alarm {
                device: DeviceId(r.device_id),
                rule: r.rule,
                key: r.key,
                severity: r.severity,
                message: r.message,
                raised_at_ms: r.raised_ms,
                value: r.value,
                cleared_at_ms: None,
                acknowledged_at_ms: r.acked_ms,
                acknowledged_by: r.acked_by,
            })
            .collect())
    }

    /// Alarms matching `filter`, newest first.
    pub async fn list_alarms(&self, filter: &AlarmFilter) -> DeviceStoreResult<Vec<AlarmRecord>> {
        let mut sql = format!("{ALARM_SELECT} WHERE 1 = 1");
        let mut texts: Vec<String> = Vec::new();
        let mut device = None;
        if let Some(d) = filter.device {
            device = Some(d);
            sql.push_str(" AND a.device_id = $1");
        } else {
            sql.push_str(" AND $1 IS NULL");
        }
        if let Some(list) = &filter.enterprises {
            if list.is_empty() {
                return Ok(Vec::new());
            }
            let marks: Vec<String> = list
                .iter()
                .map(|e| {
                    texts.push(shangyun_ids::normalize(e));
                    format!("${}", texts.len() + 1)
                })
                .collect();
            sql.push_str(&format!(" AND d.enterprise IN ({})", marks.join(", ")));
        }
        if let Some(prefix) = &filter.region_prefix {
            if !self.inner.has_registry {
                return Err(DeviceStoreError::Invalid(
                    "a region filter needs the registry in the same database".into(),
                ));
            }
            texts.push(format!("{prefix}%"));
            sql.push_str(&format!(
                " AND d.enterprise IN (SELECT uscc FROM enterprises WHERE registered_region LIKE ${})",
                texts.len() + 1
            ));
        }
        if filter.active_only {
            sql.push_str(" AND a.cleared_ms IS NULL");
        }
        let limit = if filter.limit == 0 {
            100
        } else {
            filter.limit.min(10_000)
        };
        sql.push_str(&format!(
            " ORDER BY a.raised_ms DESC, a.id DESC LIMIT {limit}"
        ));
        let rows: Vec<AlarmRow> = on_db!(&self.inner.db, pool => {
            let mut q = sqlx::query_as(AssertSqlSafe(sql.clone())).bind(device);
            for t in &texts {
                q = q.bind(t.clone());
            }
            q.fetch_all(pool).await
        })
        .map_err(|e| self.err(e))?;
        Ok(rows.into_iter().map(alarm_record).collect())
    }

    /// One alarm by id.
    pub async fn alarm(&self, id: i64) -> DeviceStoreResult<Option<AlarmRecord>> {
        let sql = format!("{ALARM_SELECT} WHERE a.id = $1");
        let row: Option<AlarmRow> = on_db!(&self.inner.db, pool =>
            sqlx::query_as(AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await)
        .map_err(|e| self.err(e))?;
        Ok(row.map(alarm_record))
    }

    /// Acknowledges alarm `id` (active or cleared; a second acknowledgement keeps the
    /// first). Audited. Returns the alarm as stored afterwards.
    pub async fn acknowledge_alarm(
        &self,
        id: i64,
        actor: &str,
        now_ms: i64,
    ) -> DeviceStoreResult<AlarmRecord> {
        let before = self
            .alarm(id)
            .await?
            .ok_or_else(|| DeviceStoreError::NotFound(format!("alarm {id}")))?;
        {
            let _w = self.inner.write.lock().await;
            on_db!(&self.inner.db, pool => {
                let mut tx = pool.begin_write().await?;
                sqlx::query("UPDATE alarms SET acked_ms = $1, acked_by = $2 WHERE id = $3 AND acked_ms IS NULL")
                    .bind(now_ms)
                    .bind(actor)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                audit!(tx, actor, "alarm.acknowledge", Some(before.device_id), &before.enterprise,
                    serde_json::json!({"alarm": id, "rule": before.rule}))?;
                tx.commit().await
            })
            .map_err(|e| self.err(e))?;
        }
        self.alarm(id)
            .await?
            .ok_or_else(|| DeviceStoreError::NotFound(format!("alarm {id}")))
    }

    /// Sets a device's own alarm rules (replacing the type's rule of the same id). Audited.
    pub async fn set_device_alarm_rules(
        &self,
        device: DeviceId,
        rules: &[AlarmRule],
        actor: &str,
    ) -> DeviceStoreResult<()> {
        let json =
            serde_json::to_string(rules).map_err(|e| DeviceStoreError::Invalid(e.to_string()))?;
        let record = self
            .device_record(device)
            .await?
            .ok_or_else(|| DeviceStoreError::NotFound(format!("device {device}")))?;
        let _w = self.inner.write.lock().await;
        on_db!(&self.inner.db, pool => {
            let mut tx = pool.begin_write().await?;
            if rules.is_empty() {
                sqlx::query("DELETE FROM device_alarm_rules WHERE device_id = $1")
                    .bind(device.0).execute(&mut *tx).await?;
            } else {
                sqlx::query(
                    "INSERT INTO device_alarm_rules (device_id, rules) VALUES ($1, $2) \
                     ON CONFLICT (device_id) DO UPDATE SET rules = excluded.rules",
                )
                .bind(device.0)
                .bind(&json)
                .execute(&mut *tx)
                .await?;
            }
            audit!(tx, actor, "device.alarm_rules", Some(device.0), &record.identity.enterprise,
                serde_json::json!({"rules": rules.iter().map(|r| r.id.clone()).collect::<Vec<_>>()}))?;
            tx.commit().await
        })
        .map_err(|e| self.err(e))
    }

    /// Every device's own alarm rules (start-up: `RuleBook::set_device_rules`).
    pub async fn device_alarm_rules(&self) -> DeviceStoreResult<Vec<(DeviceId, Vec<AlarmRule>)>> {
        let rows: Vec<(i64, String)> = on_db!(&self.inner.db, pool =>
            sqlx::query_as("SELECT device_id, rules FROM device_alarm_rules ORDER BY device_id")
                .fetch_all(pool).await)
        .map_err(|e| self.err(e))?;
        rows.into_iter()
            .map(|(id, json)| {
                serde_json::from_str(&json)
                    .map(|r| (DeviceId(id), r))
                    .map_err(|e| {
                        DeviceStoreError::Invalid(format!("stored rules of device {id}: {e}"))
                    })
            })
            .collect()
    }

    /// Audit entries, newest first, optionally of one device.
    pub async fn audit_log(
        &self,
        device: Option<DeviceId>,
        limit: u32,
    ) -> DeviceStoreResult<Vec<AuditRecord>> {
        type Row = (
            i64,
            i64,
            String,
            String,
            Option<i64>,
            Option<String>,
            String,
        );
        let limit = i64::from(if limit == 0 { 100 } else { limit.min(10_000) });
        let rows: Vec<Row> = on_db!(&self.inner.db, pool => sqlx::query_as(
            "SELECT id, at_ms, actor, action, device_id, enterprise, detail FROM device_audit \
             WHERE $1 IS NULL OR device_id = $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(device.map(|d| d.0))
        .bind(limit)
        .fetch_all(pool)
        .await)
        .map_err(|e| self.err(e))?;
        Ok(rows
            .into_iter()
            .map(|r| AuditRecord {
                id: r.0,
                at_ms: r.1,
                actor: r.2,
                action: r.3,
                device_id: r.4,
                enterprise: r.5,
                detail: serde_json::from_str(&r.6).unwrap_or(serde_json::Value::Null),
            })
            .collect())
    }
}
