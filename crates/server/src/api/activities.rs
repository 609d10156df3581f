//! `GET /api/activities` (filtered with the app's query parameters) and
//! `GET /api/activities/{id}`.

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use programme::ProgrammeFilter;

use super::json_with_etag;
use crate::AppState;
use crate::error::ApiError;
use crate::published::{Published, etag_of, list_body};
use crate::web::accepts;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/activities", get(list_activities))
        .route("/activities/{id}", get(get_activity))
}

/// The published activities, whole or filtered. Before the programme opens, none.
async fn list_activities(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let filter = ProgrammeFilter::from_pairs(form_urlencoded::parse(
        query.as_deref().unwrap_or_default().as_bytes(),
    ))?;
    let published = state.published();
    if !published.edition.programme_is_open(state.today()) {
        let body = list_body(&[]);
        return Ok(json_with_etag(&headers, &etag_of(&body), body));
    }
    if filter.is_empty() {
        let mut response = json_with_etag(&headers, &published.etag, published.list_json.clone());
        if response.status() == axum::http::StatusCode::OK {
            precompressed(&mut response, &headers, &published);
        }
        return Ok(response);
    }
    let body = list_body(&published.programme.filter(&filter));
    Ok(json_with_etag(&headers, &etag_of(&body), body))
}

/// Swaps the body for the ready-made brotli or gzip copy when the client takes it
/// (the compression layer leaves a response with a Content-Encoding alone).
fn precompressed(response: &mut Response, headers: &HeaderMap, published: &Published) {
    let (body, encoding) = if accepts(headers, "br") {
        (published.list_brotli.clone(), "br")
    } else if accepts(headers, "gzip") {
        (published.list_gzip.clone(), "gzip")
    } else {
        return;
    };
    *response.body_mut() = axum::body::Body::from(body);
    let response_headers = response.headers_mut();
    response_headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
    response_headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    response_headers.remove(header::CONTENT_LENGTH);
}

/// One published activity.
async fn get_activity(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let published = state.published();
    if !published.edition.programme_is_open(state.today()) {
        return Err(ApiError::NotFound("Programmet har inte öppnat än."));
    }
    published
        .programme
        .get(&id)
        .map(|activity| Json(activity).into_response())
        .ok_or(ApiError::NotFound(
            "Det finns ingen aktivitet med det id:t i programmet.",
        ))
}
