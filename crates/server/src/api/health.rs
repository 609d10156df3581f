//! `GET /api/health`: whether this server can serve, for load balancers and
//! monitoring. It asks the database a trivial question each time.

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::api::openapi::PUBLIC_TAG;
use crate::error::{ApiError, ErrorBody};

/// How long the database has to answer before the server counts as
/// unhealthy: shorter than a load balancer's usual check timeout.
pub const DATABASE_PATIENCE: Duration = Duration::from_secs(2);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_health))
}

/// A healthy server.
#[derive(Serialize, ToSchema)]
struct Health {
    /// Always `ok`.
    status: &'static str,
    /// The number of activities in the programme this server serves now.
    activities: usize,
}

/// 200 while the server can reach its database and serve; 503
/// `unavailable` (with `Retry-After`) while it cannot. Never cached.
#[utoipa::path(
    get,
    path = "/health",
    tag = PUBLIC_TAG,
    responses(
        (status = 200, description = "The server and its database answer.", body = Health),
        (status = 503, description = "`unavailable`: the database does not answer.",
            body = ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait."))),
    )
)]
async fn get_health(State(state): State<AppState>) -> Response {
    let mut answer = match tokio::time::timeout(DATABASE_PATIENCE, state.storage().ping()).await {
        Ok(Ok(())) => Json(Health {
            status: "ok",
            activities: state.published().programme.activities().len(),
        })
        .into_response(),
        // Whatever keeps the database from answering, this server cannot
        // serve changes: a load balancer should send them elsewhere.
        Ok(Err(error)) => ApiError::Unavailable(error.to_string()).into_response(),
        Err(_) => {
            ApiError::Unavailable(format!("no answer within {DATABASE_PATIENCE:?}")).into_response()
        }
    };
    answer
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    answer
}
