//! `GET /api/activities` (filtered with the app's query parameters) and
//! `GET /api/activities/{id}`.

use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use programme::ProgrammeFilter;

use crate::AppState;
use crate::error::ApiError;
use crate::http::Precompressed;
use crate::published::{JSON, list_body};

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
        return Ok(Precompressed::plain(list_body(&[]), JSON).respond(&headers));
    }
    if filter.is_empty() {
        return Ok(published.list.respond(&headers));
    }
    let body = list_body(&published.programme.filter(&filter));
    Ok(Precompressed::plain(body, JSON).respond(&headers))
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
