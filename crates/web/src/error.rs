//! Errors: [`ApiError`], the one shape every API failure takes on the wire, and [`WebError`],
//! what can stop the server from starting.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// One field's problem in a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The parameter or body field, as the client named it.
    pub field: String,
    /// What is wrong with it (zh-CN / English in one line).
    pub message: String,
}

/// An API failure: a machine code, the message in zh-CN and English, and per-field errors.
///
/// ```
/// use axum::http::StatusCode;
/// use shangyun_web::ApiError;
///
/// let e = ApiError::bad_request("invalid-filter", "筛选条件无效", "invalid filter")
///     .with_field("region", "须为 GB/T 2260 代码 / must be a GB/T 2260 code");
/// assert_eq!(e.status, StatusCode::BAD_REQUEST);
/// let json = serde_json::to_value(&e)?;
/// assert_eq!(json["code"], "invalid-filter");
/// assert_eq!(json["fields"][0]["field"], "region");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiError {
    #[serde(skip)]
    pub status: StatusCode,
    /// Stable, kebab-case: clients branch on this, never on the messages.
    pub code: &'static str,
    pub message_zh: String,
    pub message_en: String,
    pub fields: Vec<FieldError>,
    /// Seconds to wait before retrying (throttled logins).
    #[serde(skip)]
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(
        status: StatusCode,
        code: &'static str,
        message_zh: impl Into<String>,
        message_en: impl Into<String>,
    ) -> ApiError {
        ApiError {
            status,
            code,
            message_zh: message_zh.into(),
            message_en: message_en.into(),
            fields: Vec::new(),
            retry_after: None,
        }
    }

    /// 400 with `code`.
    pub fn bad_request(
        code: &'static str,
        message_zh: impl Into<String>,
        message_en: impl Into<String>,
    ) -> ApiError {
        Self::new(StatusCode::BAD_REQUEST, code, message_zh, message_en)
    }

    /// Adds a per-field error.
    pub fn with_field(mut self, field: &str, message: impl Into<String>) -> ApiError {
        self.fields.push(FieldError {
            field: field.to_owned(),
            message: message.into(),
        });
        self
    }

    /// 401: no valid session or token.
    pub fn unauthenticated() -> ApiError {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "请先登录",
            "sign in first",
        )
    }

    /// 403: the role may not do this at all.
    pub fn forbidden_role() -> ApiError {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "当前角色无权执行此操作",
            "your role may not do this",
        )
    }

    /// 403: the role may, but not for this region or enterprise.
    pub fn out_of_scope() -> ApiError {
        Self::new(
            StatusCode::FORBIDDEN,
            "out-of-scope",
            "超出您的管辖范围",
            "outside the regions or enterprises you may see",
        )
    }

    /// 429 with Retry-After: too many failed attempts (`what_zh` / `what_en` name them).
    pub fn too_many_attempts(what_zh: &str, what_en: &str, wait: u64) -> ApiError {
        let mut e = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too-many-attempts",
            format!("{what_zh}失败次数过多，请 {wait} 秒后再试"),
            format!("too many {what_en}; try again in {wait} s"),
        );
        e.retry_after = Some(wait);
        e
    }

    /// 404.
    pub fn not_found(what_zh: &str, what_en: &str) -> ApiError {
        Self::new(
            StatusCode::NOT_FOUND,
            "not-found",
            format!("未找到{what_zh}"),
            format!("no such {what_en}"),
        )
    }

    /// 500 without internals: the detail goes to the server log.
    pub fn internal(detail: impl std::fmt::Display) -> ApiError {
        eprintln!("shangyun-web: internal error: {detail}");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "服务器内部错误",
            "internal server error",
        )
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} / {}", self.message_zh, self.message_en)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status;
        let retry_after = self.retry_after;
        let mut response = (status, axum::Json(self)).into_response();
        if let Some(seconds) = retry_after
            && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}

impl From<shangyun_store::StoreError> for ApiError {
    fn from(e: shangyun_store::StoreError) -> ApiError {
        match e {
            shangyun_store::StoreError::InvalidFilter { reason } => {
                ApiError::bad_request("invalid-filter", "筛选条件无效", "invalid filter")
                    .with_field("filter", reason)
            }
            other => ApiError::internal(other),
        }
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> ApiError {
        ApiError::internal(e)
    }
}

/// What stops the server from starting or an account command from running.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("the registry cannot be opened: {0}")]
    Store(#[from] shangyun_store::StoreError),
    #[error("the account tables in {target} cannot be used: {reason}")]
    Database { target: String, reason: String },
    #[error("cannot listen on {addr}: {reason}")]
    Listen { addr: String, reason: String },
    #[error("the operating system gave no random bytes: {0}")]
    Random(String),
    #[error("password hashing failed: {0}")]
    Password(String),
    #[error("user '{0}' already exists")]
    UserExists(String),
    #[error("invalid account: {0}")]
    InvalidAccount(String),
    #[error("server stopped: {0}")]
    Serve(String),
}

impl From<sqlx::Error> for WebError {
    fn from(e: sqlx::Error) -> WebError {
        WebError::Database {
            target: "accounts".to_owned(),
            reason: e.to_string(),
        }
    }
}
