//! The JSON API under `/api`: one router per resource, merged here.

mod activities;
mod edition;

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use tower_http::compression::CompressionLayer;

use crate::AppState;
use crate::error::ApiError;

/// Every API route, with JSON answers for unknown paths and methods.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(edition::router())
        .merge(activities::router())
        .fallback(api_not_found)
        .method_not_allowed_fallback(api_method_not_allowed)
        .layer(CompressionLayer::new())
        .with_state(state)
}

async fn api_not_found() -> ApiError {
    ApiError::NotFound("Det finns ingen sådan adress i API:et.")
}

async fn api_method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

/// Whether the request's If-None-Match names this ETag (or `*`), compared
/// weakly as RFC 9110 asks for If-None-Match.
pub(crate) fn etag_matches(headers: &HeaderMap, etag: &str) -> bool {
    let ours = etag.trim_start_matches("W/");
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == ours || tag == "*")
}

/// A JSON body with its ETag, or 304 when the client has it already. Lists must be
/// revalidated on every use (`no-cache`), since the programme changes.
fn json_with_etag(headers: &HeaderMap, etag: &str, body: impl Into<Bytes>) -> Response {
    let etag_value = HeaderValue::from_str(etag).expect("an ETag is plain ASCII");
    let cache = HeaderValue::from_static("no-cache");
    if etag_matches(headers, etag) {
        return (
            axum::http::StatusCode::NOT_MODIFIED,
            [
                (header::ETAG, etag_value),
                (header::CACHE_CONTROL, cache),
                (header::VARY, HeaderValue::from_static("accept-encoding")),
            ],
        )
            .into_response();
    }
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (header::ETAG, etag_value),
            (header::CACHE_CONTROL, cache),
            (header::VARY, HeaderValue::from_static("accept-encoding")),
        ],
        body.into(),
    )
        .into_response()
}
