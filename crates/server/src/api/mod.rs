//! The JSON API under `/api`: one router per resource, merged here.

mod activities;
mod admin;
mod auth;
mod body;
mod edition;
mod organiser;
mod stats;
mod submissions;

use axum::Router;
use tower_http::compression::CompressionLayer;

use crate::AppState;
use crate::error::ApiError;

pub use auth::secrets_match;
pub use organiser::CANCEL_BODY_LIMIT;
pub use submissions::{BODY_LIMIT as SUBMISSION_BODY_LIMIT, IDEMPOTENCY_KEY_MAX};

/// Every API route, with JSON answers for unknown paths and methods.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(edition::router())
        .merge(activities::router())
        .merge(submissions::router())
        .merge(organiser::router())
        .merge(admin::router())
        .merge(stats::router())
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
