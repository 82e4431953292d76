//! The router and the server loop.

use crate::access;
use crate::accounts::{Accounts, NewUser, Role, secret};
use crate::error::{ApiError, WebError};
use crate::routes::ROUTES;
use crate::state::AppState;
use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;

/// The whole application: every route of [`ROUTES`] behind the access layer, security
/// headers on every response, JSON 404 for unknown API paths.
pub fn router(state: AppState) -> Router {
    let mut router = Router::new();
    for route in ROUTES {
        router = router.route(route.path, route.method_router());
    }
    router
        .route_layer(middleware::from_fn_with_state(state.clone(), access::layer))
        .fallback(not_found)
        .layer(middleware::from_fn(security_headers))
        .with_state(state)
}

async fn not_found(request: Request) -> Response {
    let e = ApiError::not_found("该页面", "page");
    if request.uri().path().starts_with("/api/") {
        e.into_response()
    } else {
        (StatusCode::NOT_FOUND, "404 未找到 / not found").into_response()
    }
}

async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
             img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
        ),
    );
    response
}

/// On an empty account table, creates `admin` with a random one-time password and returns
/// it (to be shown once); `None` when accounts exist.
pub async fn bootstrap_admin(accounts: &Accounts) -> Result<Option<String>, WebError> {
    if accounts.user_count().await? > 0 {
        return Ok(None);
    }
    let password = secret::one_time_password()?;
    accounts
        .create_user(&NewUser {
            name: "admin".to_owned(),
            role: Role::Admin,
            region: None,
            provider: None,
            enterprises: Vec::new(),
            password: password.clone(),
            must_change_password: true,
        })
        .await?;
    Ok(Some(password))
}

/// Serves until Ctrl-C: bootstraps the first admin if needed (its password goes to stderr,
/// once), then answers on `listen`.
pub async fn serve(state: AppState, listen: SocketAddr) -> Result<(), WebError> {
    if let Some(password) = bootstrap_admin(&state.accounts).await? {
        eprintln!(
            "首次启动：已创建管理员 admin，一次性密码如下（仅显示这一次）\n\
             first start: created user 'admin' with this one-time password (shown only now):\n\
             \n    {password}\n"
        );
    }
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| WebError::Listen {
            addr: listen.to_string(),
            reason: e.to_string(),
        })?;
    let bound = listener.local_addr().unwrap_or(listen);
    eprintln!(
        "shangyun 控制台 / console: http://{bound}/   API: http://{bound}/api/v1/openapi.json   \
         registry: {}",
        state.registry.location()
    );
    let app = router(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await;
    state.accounts.close().await;
    state.registry.close().await;
    served.map_err(|e| WebError::Serve(e.to_string()))
}

/// [`serve`] on a multi-threaded runtime of its own, for a synchronous `main`: opens the
/// registry and the account tables at `location` first.
pub fn serve_blocking(
    location: &shangyun_store::DatabaseLocation,
    options: crate::WebOptions,
    listen: SocketAddr,
) -> Result<(), WebError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| WebError::Serve(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(async {
        let state = AppState::open(location, options).await?;
        serve(state, listen).await
    })
}

/// Creates an account with a random one-time password (returned, to be shown once), for a
/// synchronous `main`.
pub fn add_user_blocking(
    location: &shangyun_store::DatabaseLocation,
    mut user: NewUser,
) -> Result<(crate::Principal, String), WebError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| WebError::Serve(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(async {
        let state = AppState::open(location, crate::WebOptions::default()).await?;
        let password = secret::one_time_password()?;
        user.password = password.clone();
        user.must_change_password = true;
        let created = state.accounts.create_user(&user).await;
        state.accounts.close().await;
        state.registry.close().await;
        Ok((created?, password))
    })
}
