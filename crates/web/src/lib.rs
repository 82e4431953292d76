//! `shangyun-web` — the HTTP API (`/api/v1`) and the browser console of shangyun (上云).
//!
//! The web layer is thin: handlers translate HTTP into calls on the registry
//! ([`shangyun_store::Registry`]) and the account tables, and back.
//!
//! * **Access** is decided in one place: [`routes`] lists every route with its action and,
//!   per action, what each [`Role`] may do; [`access`] applies it to every request before a
//!   handler runs (401 without an account, 403 for a denied role or a foreign region).
//! * **Accounts** ([`accounts`]): argon2id passwords, session cookies (HttpOnly,
//!   SameSite=Lax, only their SHA-256 stored), CSRF tokens on writes made with a cookie,
//!   login throttling per account and per address, API tokens (stored hashed) for machines.
//! * **Errors** have one shape: [`ApiError`] `{code, message_zh, message_en, fields}`.
//! * **Storage**: the account tables live in the registry's database (SQLite or PostgreSQL)
//!   with their own migrations, recorded apart from the store's.
//!
//! ```
//! use axum::body::Body;
//! use axum::http::{Request, StatusCode};
//! use shangyun_web::{AppState, WebOptions, router};
//! use tower::ServiceExt;
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let dir = tempfile::tempdir()?;
//! let location = shangyun_store::DatabaseLocation::parse(
//!     &dir.path().join("registry.db").to_string_lossy(),
//! )?;
//! let state = AppState::open(&location, WebOptions::default()).await?;
//! let app = router(state);
//!
//! let doc = app.clone().oneshot(Request::get("/api/v1/openapi.json").body(Body::empty())?).await?;
//! assert_eq!(doc.status(), StatusCode::OK);
//! let search = app.oneshot(Request::get("/api/v1/enterprises").body(Body::empty())?).await?;
//! assert_eq!(search.status(), StatusCode::UNAUTHORIZED); // no session, no token
//! # Ok(())
//! # }
//! # tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(demo())
//! #     .map_err(|e| std::io::Error::other(e.to_string()))?;
//! # Ok::<(), std::io::Error>(())
//! ```

pub mod access;
pub mod accounts;
pub mod api;
pub mod config;
pub mod console;
mod db;
mod error;
pub mod imports;
pub mod jobs;
pub mod labels;
mod multipart_csrf;
pub mod routes;
pub mod scope;
pub mod search;
mod server;
mod state;
pub mod throttle;

pub use accounts::{Accounts, NewUser, Principal, Role};
pub use error::{ApiError, FieldError, WebError};
pub use server::{add_user_blocking, bootstrap_admin, router, serve, serve_blocking};
pub use state::{AppState, WebOptions};
