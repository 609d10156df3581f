//! The API's errors: each knows its status code and writes the JSON body
//! `{ "error": code, "message": Swedish text, "fields": { … } }`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use programme::FilterError;
use serde_json::json;

use crate::storage::StorageError;

/// Everything a handler can answer with instead of success.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 404: the address or the thing it names does not exist.
    #[error("not found")]
    NotFound(&'static str),
    /// 400: a filter parameter has a value the API does not understand.
    #[error(transparent)]
    InvalidFilter(#[from] FilterError),
    /// 405: the address exists, but not for this method.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// 500: logged in full, never shown.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl ApiError {
    fn status(&self) -> StatusCode {
        match self {
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::InvalidFilter(_) => StatusCode::BAD_REQUEST,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Storage(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = match &self {
            ApiError::NotFound(message) => json!({ "error": "not_found", "message": message }),
            ApiError::InvalidFilter(e) => json!({
                "error": "invalid_filter",
                "message": format!("Filtret ”{}” har ett ogiltigt värde: ”{}”.", e.param, e.value),
                "fields": { e.param: ["invalid"] },
            }),
            ApiError::MethodNotAllowed => json!({
                "error": "method_not_allowed",
                "message": "Adressen finns, men inte för den här metoden.",
            }),
            ApiError::Storage(e) => {
                tracing::error!(error = %e, "storage failed");
                json!({ "error": "internal", "message": "Något gick fel hos oss. Försök igen om en stund." })
            }
        };
        (self.status(), Json(body)).into_response()
    }
}
