//! `GET /api/edition`: the current edition.

use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::api::openapi::PUBLIC_TAG;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_edition))
}

/// The current edition, as the app and open-data users see it.
#[derive(Serialize, ToSchema)]
#[schema(as = Edition)]
struct EditionResponse {
    /// For example "Innovationsveckan 2026".
    name: String,
    year: i32,
    /// The first day of the week.
    #[schema(value_type = String, format = Date)]
    starts_on: NaiveDate,
    /// The last day of the week, inclusive.
    #[schema(value_type = String, format = Date)]
    ends_on: NaiveDate,
    /// The day the programme becomes visible to the public.
    #[schema(value_type = String, format = Date)]
    programme_opens_on: NaiveDate,
    /// Whether the programme is open today (Stockholm time), by the server's clock.
    programme_is_open: bool,
}

/// The current edition: its week, and when its programme opens.
#[utoipa::path(
    get,
    path = "/edition",
    tag = PUBLIC_TAG,
    responses((status = 200, description = "The current edition.", body = EditionResponse))
)]
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
