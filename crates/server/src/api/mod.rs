//! The JSON API under `/api`: one router per resource, merged here, each
//! route registered with its OpenAPI description (see [`openapi`]).

mod activities;
mod admin;
mod auth;
mod body;
pub mod cors;
mod edition;
mod health;
pub mod openapi;
mod organiser;
mod stats;
mod submissions;

use axum::{Extension, Router};
use tower_http::compression::CompressionLayer;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::ApiError;

pub use auth::secrets_match;
pub use organiser::CANCEL_BODY_LIMIT;
pub use submissions::{BODY_LIMIT as SUBMISSION_BODY_LIMIT, IDEMPOTENCY_KEY_MAX};

/// Every API route with its description, paths relative to `/api`. Routes
/// are added with `.routes(routes!(handler))` only, never with axum's
/// `.route(...)`: the test of the document fails on a route it lacks.
fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(edition::router())
        .merge(activities::router())
        .merge(submissions::router())
        .merge(organiser::router())
        .merge(admin::router())
        .merge(stats::router())
        .merge(health::router())
        .routes(routes!(openapi::get_openapi))
}

/// The OpenAPI document of the API, as `GET /api/openapi.json` serves it.
pub fn document() -> utoipa::openapi::OpenApi {
    openapi::document(routes().into_openapi())
}

/// Every API route, with JSON answers for unknown paths and methods, CORS
/// for the public reads, and the OpenAPI document.
pub fn router(state: AppState) -> Router {
    let (router, routes) = routes().split_for_parts();
    let document = openapi::document(routes);
    let public_reads = cors::PublicReads::of(&document);
    router
        .fallback(api_not_found)
        .method_not_allowed_fallback(api_method_not_allowed)
        .layer(Extension(openapi::Document::new(&document)))
        .layer(axum::middleware::from_fn_with_state(
            public_reads,
            cors::public_reads_only,
        ))
        .layer(CompressionLayer::new())
        .with_state(state)
}

/// The `{id}` of a route. axum's own `Path` answers an id that is not text
/// once decoded (`/api/activities/%FF`) with a plain-text 400; no activity or
/// message has such an id, so this answers our JSON 404 instead.
pub struct IdPath(pub String);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for IdPath {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, ApiError> {
        match axum::extract::Path::<String>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(id)) => Ok(IdPath(id)),
            Err(rejection) => {
                tracing::debug!(%rejection, "an id that is not text");
                Err(ApiError::NotFound(
                    "Det finns inget med det id:t: det innehåller tecken som inget id har.",
                ))
            }
        }
    }
}

async fn api_not_found() -> ApiError {
    ApiError::NotFound("Det finns ingen sådan adress i API:et.")
}

async fn api_method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}
