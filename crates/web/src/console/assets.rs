//! Vendored static assets, embedded in the binary: nothing is fetched at build or run time.

use axum::http::header;
use axum::response::IntoResponse;

/// htmx 2.0.11 (npm `htmx.org`, 0BSD), `dist/htmx.min.js` copied unmodified.
pub const HTMX_JS: &str = include_str!("../../assets/htmx-2.0.11.min.js");

pub async fn htmx() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        HTMX_JS,
    )
}
