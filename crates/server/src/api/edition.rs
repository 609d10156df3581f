//! `GET /api/edition`: the current edition.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use chrono::NaiveDate;
use serde::Serialize;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/edition", get(get_edition))
}

/// The current edition, as the app and open-data users see it.
#[derive(Serialize)]
struct EditionResponse {
    name: String,
    year: i32,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    programme_opens_on: NaiveDate,
    /// Whether the programme is open today (Stockholm time), by the server's clock.
    programme_is_open: bool,
}

async fn get_edition(State(state): State<AppState>) -> Json<EditionResponse> {
    let published = state.published();
    let edition = &published.edition;
    Json(EditionResponse {
        name: edition.name.clone(),
        year: edition.year,
        starts_on: edition.starts_on,
        ends_on: edition.ends_on,
        programme_opens_on: edition.programme_opens_on,
        programme_is_open: edition.programme_is_open(state.today()),
    })
}
