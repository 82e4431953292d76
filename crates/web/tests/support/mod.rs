//! Test servers on a throw-away database — an SQLite file in a temp dir, or a fresh schema on
//! the PostgreSQL server named by `SHANGYUN_TEST_POSTGRES` (default
//! `postgres://postgres@127.0.0.1:5432/test`; unreachable FAILS unless
//! `SHANGYUN_SKIP_POSTGRES=1`) — with three enterprises and one account per role and scope.

#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use http_body_util::BodyExt;
use shangyun_registry::{AnnualFigures, Enterprise};
use shangyun_store::{DatabaseLocation, EnterpriseRecord, OpenOptions, Registry};
use shangyun_web::accounts::secret;
use shangyun_web::{AppState, NewUser, Principal, Role, WebOptions, router};
use sqlx::Connection;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, Ordering};
use tower::ServiceExt;

pub type TestResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// (name, role, officer region, enterprises, provider).
type TestAccount = (
    &'static str,
    Role,
    Option<&'static str>,
    Vec<String>,
    Option<&'static str>,
);

pub const PASSWORD: &str = "test password 123";

/// A USCC with a correct check character, registered in `region`.
pub fn uscc(region: &str, serial: char) -> String {
    let first17 = format!("91{region}MA27XK7R{serial}");
    let check = shangyun_rules::ids::uscc_check_character(&first17).unwrap_or('0');
    format!("{first17}{check}")
}

/// 杭州 西湖区 (330106).
pub fn firm_a() -> String {
    uscc("330106", '1')
}
/// 杭州 上城区 (330102).
pub fn firm_b() -> String {
    uscc("330102", '2')
}
/// 南京 玄武区 (320102).
pub fn firm_c() -> String {
    uscc("320102", '3')
}

/// Device 1 of firm A (an electricity meter with a token) and its alarm 1, for the
/// authorization walk.
pub async fn device_of_firm_a(t: &TestApp) -> Result<(), Error> {
    use shangyun_devices::alarms::{Alarm, AlarmEvent, Severity};
    let store = t.state.device_store.as_ref().ok_or("no device store")?;
    let (dev, _) = store
        .add_device(
            shangyun_device_store::NewDeviceSpec {
                name: "walk-meter".into(),
                enterprise: Some(firm_a()),
                device_type: Some("electricity-meter".into()),
                ..Default::default()
            },
            shangyun_device_store::CredentialSpec::GenerateToken,
            "tester",
        )
        .await?;
    assert_eq!(dev.id.0, 1, "the walk names device 1");
    store
        .record_alarm_events(&[AlarmEvent::Raised(Alarm {
            device: dev.id,
            rule: "voltage-out-of-range".into(),
            key: "voltage_a".into(),
            severity: Severity::Major,
            message: "voltage_a 250 outside [198, 242]".into(),
            raised_at_ms: 1_000,
            value: Some(250.0),
            cleared_at_ms: None,
            acknowledged_at_ms: None,
            acknowledged_by: None,
        })])
        .await?;
    Ok(())
}

/// A name that would run script if it were not escaped.
pub const HOSTILE_NAME: &str = "杭州<img src=x onerror=alert(1)>有限公司";

pub struct TestApp {
    pub app: Router,
    pub state: AppState,
    /// Accounts by name: admin, ministry, zhejiang, jiangsu, xihu, ent-a, ent-c, provider,
    /// expert.
    pub users: BTreeMap<&'static str, Principal>,
    cleanup: Cleanup,
    /// The data directory (uploads, error reports) when the options left the default.
    _data_dir: Option<tempfile::TempDir>,
    _telemetry_dir: tempfile::TempDir,
}

enum Cleanup {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, schema: String },
}

impl TestApp {
    pub async fn sqlite() -> Result<TestApp, Error> {
        Self::sqlite_with(WebOptions::default()).await
    }

    pub async fn sqlite_with(options: WebOptions) -> Result<TestApp, Error> {
        let dir = tempfile::tempdir()?;
        let location = DatabaseLocation::parse(&dir.path().join("registry.db").to_string_lossy())?;
        Self::build(location, options, Cleanup::Sqlite(dir)).await
    }

    /// `None` when PostgreSQL tests are skipped on purpose.
    pub async fn postgres() -> Result<Option<TestApp>, Error> {
        if std::env::var("SHANGYUN_SKIP_POSTGRES").as_deref() == Ok("1") {
            eprintln!("SHANGYUN_SKIP_POSTGRES=1: PostgreSQL test skipped");
            return Ok(None);
        }
        let admin_url = std::env::var("SHANGYUN_TEST_POSTGRES")
            .ok()
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/test".to_owned());
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let schema = format!(
            "web_test_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let mut admin = sqlx::PgConnection::connect(&admin_url).await.map_err(|e| {
            format!(
                "PostgreSQL at {admin_url} is unreachable ({e}); start it, point \
                 SHANGYUN_TEST_POSTGRES elsewhere, or set SHANGYUN_SKIP_POSTGRES=1"
            )
        })?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .execute(&mut admin)
            .await?;
        admin.close().await?;
        let sep = if admin_url.contains('?') { '&' } else { '?' };
        let url = format!("{admin_url}{sep}options[search_path]={schema}");
        let location = DatabaseLocation::parse(&url)?;
        let cleanup = Cleanup::Postgres { admin_url, schema };
        Ok(Some(
            Self::build(location, WebOptions::default(), cleanup).await?,
        ))
    }

    async fn build(
        location: DatabaseLocation,
        mut options: WebOptions,
        cleanup: Cleanup,
    ) -> Result<TestApp, Error> {
        // Never the working directory's ./shangyun-data.
        let data_dir = if options.data_dir == WebOptions::default().data_dir {
            let dir = tempfile::tempdir()?;
            options.data_dir = dir.path().to_path_buf();
            Some(dir)
        } else {
            None
        };
        let registry = Registry::open_location(
            &location,
            &OpenOptions {
                actor: "tester".to_owned(),
                ..OpenOptions::default()
            },
        )
        .await?;
        let firms = [
            (firm_a(), "杭州甲科技有限公司", "330106", "6511"),
            (firm_b(), HOSTILE_NAME, "330102", "6511"),
            (firm_c(), "南京丙制造有限公司", "320102", "3311"),
        ];
        for (uscc, name, region, industry) in firms {
            let enterprise = Enterprise {
                uscc: uscc.clone(),
                name: name.to_owned(),
                registered_region: region.to_owned(),
                operating_region: None,
                industry: industry.to_owned(),
                founded: None,
                contact_name: None,
                contact_phone: None,
                contact_email: None,
            };
            let figures = AnnualFigures {
                uscc,
                year: 2024,
                employees: Some(80),
                revenue: Some(3_000.0),
                assets: Some(2_000.0),
                ..AnnualFigures::default()
            };
            registry
                .upsert(&EnterpriseRecord::new(enterprise, vec![figures]))
                .await?;
        }
        // Every server has a time-series store (`serve` opens one in `<data_dir>/tsdb`); here
        // its own directory, as tests may share a data directory and the store locks its own.
        let telemetry_dir = tempfile::tempdir()?;
        let (tsdb, _) = shangyun_tsdb::Tsdb::open(telemetry_dir.path(), Default::default())?;
        let state = AppState::with_registry(registry, options)
            .await?
            .with_telemetry(std::sync::Arc::new(tsdb));
        let mut users = BTreeMap::new();
        let accounts: [TestAccount; 9] = [
            ("admin", Role::Admin, None, vec![], None),
            ("ministry", Role::Officer, None, vec![], None),
            ("zhejiang", Role::Officer, Some("330000"), vec![], None),
            ("jiangsu", Role::Officer, Some("320000"), vec![], None),
            ("xihu", Role::Officer, Some("330106"), vec![], None),
            ("ent-a", Role::Enterprise, None, vec![firm_a()], None),
            ("ent-c", Role::Enterprise, None, vec![firm_c()], None),
            ("provider", Role::Provider, None, vec![], Some("P-001")),
            ("expert", Role::Expert, None, vec![], None),
        ];
        for (name, role, region, enterprises, provider) in accounts {
            let principal = state
                .accounts
                .create_user(&NewUser {
                    name: name.to_owned(),
                    role,
                    region: region.map(str::to_owned),
                    provider: provider.map(str::to_owned),
                    enterprises,
                    password: PASSWORD.to_owned(),
                    must_change_password: false,
                })
                .await?;
            users.insert(name, principal);
        }
        Ok(TestApp {
            app: router(state.clone()),
            state,
            users,
            cleanup,
            _data_dir: data_dir,
            _telemetry_dir: telemetry_dir,
        })
    }

    /// A fresh session for `user`: (cookie header value, CSRF token).
    pub async fn session(&self, user: &str) -> Result<(String, String), Error> {
        let id = self
            .users
            .get(user)
            .ok_or_else(|| format!("no test user {user}"))?
            .id;
        let raw = self.state.accounts.create_session(id).await?;
        Ok((format!("sy_session={raw}"), secret::csrf_token(&raw)))
    }

    pub async fn send(&self, request: Request<Body>) -> Result<Response<Body>, Error> {
        Ok(self.app.clone().oneshot(request).await?)
    }

    /// GET as `user` (or anonymously), returning status and body text.
    pub async fn get(&self, user: Option<&str>, uri: &str) -> Result<(StatusCode, String), Error> {
        let mut request = Request::get(uri);
        if let Some(user) = user {
            request = request.header(header::COOKIE, self.session(user).await?.0);
        }
        let response = self.send(request.body(Body::empty())?).await?;
        let status = response.status();
        Ok((status, body_text(response).await?))
    }

    /// GET JSON as `user`.
    pub async fn get_json(
        &self,
        user: Option<&str>,
        uri: &str,
    ) -> Result<(StatusCode, serde_json::Value), Error> {
        let (status, text) = self.get(user, uri).await?;
        Ok((status, serde_json::from_str(&text)?))
    }
}

pub async fn body_text(response: Response<Body>) -> Result<String, Error> {
    let bytes = response.into_body().collect().await?.to_bytes();
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Cleanup::Postgres { admin_url, schema } = &self.cleanup {
            shangyun_test_postgres::drop_schema_blocking(admin_url, schema);
        }
    }
}
