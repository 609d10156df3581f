//! The API's errors: each knows its status code and writes the JSON body
//! `{ "error": code, "message": Swedish text, "fields": { … } }`.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use programme::ErrorCode;
use programme::FilterError;
use programme::submission::{FieldErrors, error_message};
use serde_json::{Map, Value, json};
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, Type};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{PartialSchema, ToSchema};

use crate::rate_limit::{Limit, Refused};
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
    /// 401: no or a wrong bearer token (with `WWW-Authenticate: Bearer`).
    #[error("unauthorized")]
    Unauthorized,
    /// 415: the body is not declared as `application/json`.
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// 413: the body is larger than the route takes.
    #[error("payload too large")]
    PayloadTooLarge { limit: usize },
    /// 400: the body could not be read to its end (the client went away).
    #[error("unreadable body")]
    UnreadableBody,
    /// 400: the body is not JSON at all (syntax error, cut short, not UTF-8).
    #[error("malformed JSON: {0}")]
    MalformedJson(String),
    /// 422: JSON, but not of the expected shape: a wrong type, a missing or
    /// unknown field, a value outside a vocabulary. `path` names the field.
    #[error("invalid body at {path}: {detail}")]
    InvalidBody { path: String, detail: String },
    /// 400: the `Idempotency-Key` header is missing.
    #[error("missing Idempotency-Key")]
    MissingIdempotencyKey,
    /// 400: the `Idempotency-Key` header is empty, too long or not visible ASCII.
    #[error("invalid Idempotency-Key")]
    InvalidIdempotencyKey,
    /// 422: the `Idempotency-Key` was used before for a different body. With
    /// what the first request created (`id`, `edit_token`, `version`,
    /// `activity`): holding the random key shows that it is the same sender,
    /// who can then turn the new content into an edit of the first.
    #[error("Idempotency-Key reused with another body")]
    IdempotencyKeyReused { first: FirstRegistration },
    /// 428: a change without `If-Match` naming the version it is based on.
    #[error("missing If-Match")]
    PreconditionRequired,
    /// 412: a change based on another version than the stored one.
    #[error("edit conflict")]
    EditConflict,
    /// 409: the activity belongs to another edition than the current one;
    /// the message says what can no longer be done.
    #[error("activity of another edition")]
    OtherEdition(&'static str),
    /// 409: the activity is cancelled; the message says what cannot be done.
    #[error("activity cancelled")]
    ActivityCancelled(&'static str),
    /// 409: undoing the cancellation of an activity that is not cancelled.
    #[error("activity not cancelled")]
    NotCancelled,
    /// 409: the activity has begun; the message says what can no longer be done.
    #[error("activity started")]
    ActivityStarted(&'static str),
    /// 422: fields break the rules; each with its codes and Swedish messages.
    #[error("validation failed")]
    Validation(FieldErrors),
    /// 429: too many new registrations from this address, its network or
    /// everyone (with `Retry-After`).
    #[error("rate limited ({:?}) for {} s", .0.limit, .0.retry_after)]
    RateLimited(Refused),
    /// 429: too many wrong operator tokens from this address (with
    /// `Retry-After`); the code is `rate_limited` as for registrations.
    #[error("too many wrong tokens, wait {retry_after} s")]
    TooManyWrongTokens { retry_after: u64 },
    /// 500: logged in full, never shown. A storage error that is the
    /// database being unreachable becomes [`ApiError::Unavailable`] instead
    /// (see the `From` below).
    #[error(transparent)]
    Storage(StorageError),
    /// 503 `unavailable` (with `Retry-After`): the database cannot be
    /// reached; why is logged, never shown.
    #[error("the database cannot be reached: {0}")]
    Unavailable(String),
    /// 500: logged in full, never shown.
    #[error("internal: {0}")]
    Internal(String),
}

/// Every `error` code an answer can carry, as the OpenAPI document lists
/// them (a test below holds it to the variants).
pub const ERROR_CODES: [&str; 22] = [
    "not_found",
    "invalid_filter",
    "method_not_allowed",
    "unauthorized",
    "unsupported_media_type",
    "payload_too_large",
    "unreadable_body",
    "malformed_json",
    "invalid_body",
    "missing_idempotency_key",
    "invalid_idempotency_key",
    "idempotency_key_reused",
    "precondition_required",
    "edit_conflict",
    "other_edition",
    "activity_cancelled",
    "not_cancelled",
    "activity_started",
    "validation",
    "rate_limited",
    "unavailable",
    "internal",
];

/// The schema of the JSON error body, for the OpenAPI document; the body
/// itself is written by [`ApiError::into_response`].
pub struct ErrorBody;

impl utoipa::PartialSchema for ErrorBody {
    fn schema() -> RefOr<Schema> {
        let map_of = |items: RefOr<Schema>| {
            ObjectBuilder::new()
                .schema_type(Type::Object)
                .additional_properties(Some(ArrayBuilder::new().items(items)))
        };
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .description(Some(
                "Every error answer. `idempotency_key_reused` also carries what the first \
                 registration made (`id`, `edit_token`, `version`, `activity`).",
            ))
            .property(
                "error",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some(ERROR_CODES))
                    .description(Some("What went wrong, for programs.")),
            )
            .required("error")
            .property(
                "message",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .description(Some("What went wrong, in Swedish, for people.")),
            )
            .required("message")
            .property(
                "fields",
                map_of(RefOr::Ref(Ref::from_schema_name(ErrorCode::name()))).description(Some(
                    "The fields or parameters that are wrong, each with its codes \
                     (with `invalid_filter`, `invalid_body` and `validation`).",
                )),
            )
            .property(
                "messages",
                map_of(ObjectBuilder::new().schema_type(Type::String).into()).description(Some(
                    "With `validation`: each field's messages, in Swedish.",
                )),
            )
            .into()
    }
}

impl ToSchema for ErrorBody {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((ErrorCode::name().into_owned(), ErrorCode::schema()));
    }
}

/// What a first registration made, as its answer's JSON members. It holds an
/// edit token, so its debug output does not show it (errors may be logged).
pub struct FirstRegistration(pub Map<String, Value>);

impl std::fmt::Debug for FirstRegistration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FirstRegistration(<hidden>)")
    }
}

/// The body limit of a route, in kibibytes as people read it.
fn kib(bytes: usize) -> usize {
    bytes / 1024
}

impl ApiError {
    fn status(&self) -> StatusCode {
        match self {
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::InvalidFilter(_)
            | ApiError::UnreadableBody
            | ApiError::MalformedJson(_)
            | ApiError::MissingIdempotencyKey
            | ApiError::InvalidIdempotencyKey => StatusCode::BAD_REQUEST,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::InvalidBody { .. }
            | ApiError::IdempotencyKeyReused { .. }
            | ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            ApiError::EditConflict => StatusCode::PRECONDITION_FAILED,
            ApiError::OtherEdition(_)
            | ApiError::ActivityCancelled(_)
            | ApiError::ActivityStarted(_)
            | ApiError::NotCancelled => StatusCode::CONFLICT,
            ApiError::RateLimited(_) | ApiError::TooManyWrongTokens { .. } => {
                StatusCode::TOO_MANY_REQUESTS
            }
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Storage(_) | ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// `{ field: [Swedish message, …] }` beside the codes of a validation error.
fn messages(errors: &FieldErrors) -> Map<String, Value> {
    errors
        .iter()
        .map(|(field, codes)| {
            let texts = codes
                .iter()
                .map(|code| Value::String(error_message(field, *code)))
                .collect();
            (field.to_owned(), Value::Array(texts))
        })
        .collect()
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
            ApiError::Unauthorized => json!({
                "error": "unauthorized",
                "message": "Du behöver logga in med en giltig nyckel för att komma åt det här.",
            }),
            ApiError::UnsupportedMediaType => json!({
                "error": "unsupported_media_type",
                "message": "Skicka innehållet som JSON, med Content-Type: application/json.",
            }),
            ApiError::PayloadTooLarge { limit } => json!({
                "error": "payload_too_large",
                "message": format!("Innehållet är för stort. Det får vara högst {} KiB.", kib(*limit)),
            }),
            ApiError::UnreadableBody => json!({
                "error": "unreadable_body",
                "message": "Innehållet kunde inte läsas. Försök igen.",
            }),
            ApiError::MalformedJson(detail) => json!({
                "error": "malformed_json",
                "message": format!("Innehållet är inte giltig JSON ({detail})."),
            }),
            // serde's detail is English; it says which field and why.
            ApiError::InvalidBody { path, detail } if path == "." => json!({
                "error": "invalid_body",
                "message": format!("Innehållet har fel form: {detail}."),
            }),
            ApiError::InvalidBody { path, detail } => json!({
                "error": "invalid_body",
                "message": format!("Fältet ”{path}” har fel form: {detail}."),
                "fields": { path: ["invalid"] },
            }),
            ApiError::MissingIdempotencyKey => json!({
                "error": "missing_idempotency_key",
                "message": "Skicka med rubriken Idempotency-Key, ett unikt värde per anmälan, så att en anmälan som skickas igen inte sparas två gånger.",
            }),
            ApiError::InvalidIdempotencyKey => json!({
                "error": "invalid_idempotency_key",
                "message": "Idempotency-Key ska vara 1–200 synliga ASCII-tecken, utan mellanslag.",
            }),
            ApiError::IdempotencyKeyReused { first } => {
                let mut body = Map::new();
                body.insert("error".into(), "idempotency_key_reused".into());
                body.insert(
                    "message".into(),
                    "Anmälan har redan tagits emot med annat innehåll. Skicka det nya innehållet som en ändring av den anmälan i stället för som en ny.".into(),
                );
                body.extend(first.0.clone());
                Value::Object(body)
            }
            ApiError::PreconditionRequired => json!({
                "error": "precondition_required",
                "message": "Skicka med rubriken If-Match med den version av aktiviteten som du utgår från, till exempel If-Match: \"2\". Då kan ingen ändring skriva över en annan.",
            }),
            ApiError::EditConflict => json!({
                "error": "edit_conflict",
                "message": "Aktiviteten har ändrats sedan du öppnade den. Öppna den igen från länken och gör ändringen på nytt.",
            }),
            ApiError::OtherEdition(message) => json!({
                "error": "other_edition",
                "message": message,
            }),
            ApiError::ActivityCancelled(message) => json!({
                "error": "activity_cancelled",
                "message": message,
            }),
            ApiError::NotCancelled => json!({
                "error": "not_cancelled",
                "message": "Aktiviteten är inte inställd, så det finns ingen inställning att ångra.",
            }),
            ApiError::ActivityStarted(message) => json!({
                "error": "activity_started",
                "message": message,
            }),
            ApiError::Validation(errors) => json!({
                "error": "validation",
                "message": "Några uppgifter behöver rättas innan aktiviteten kan sparas.",
                "fields": errors,
                "messages": messages(errors),
            }),
            ApiError::RateLimited(Refused { limit, retry_after }) => json!({
                "error": "rate_limited",
                "message": format!(
                    "{} Försök igen om {}.",
                    match limit {
                        Limit::Client => "Du har skickat många anmälningar på kort tid.",
                        Limit::Network =>
                            "Det har kommit många anmälningar från ditt nätverk på kort tid.",
                        Limit::Total => "Just nu kommer det in väldigt många anmälningar.",
                    },
                    minutes(*retry_after)
                ),
            }),
            ApiError::TooManyWrongTokens { retry_after } => json!({
                "error": "rate_limited",
                "message": format!(
                    "Du har försökt med fel nyckel för många gånger. Vänta {} och försök igen.",
                    seconds(*retry_after)
                ),
            }),
            ApiError::Unavailable(why) => {
                tracing::error!(why, "the database cannot be reached");
                json!({
                    "error": "unavailable",
                    "message": "Vi når inte vår databas just nu. Försök igen om en liten stund.",
                })
            }
            ApiError::Storage(e) => {
                tracing::error!(error = %e, "storage failed");
                internal_body()
            }
            ApiError::Internal(e) => {
                tracing::error!(error = %e, "internal error");
                internal_body()
            }
        };
        let mut response = (self.status(), Json(body)).into_response();
        match &self {
            ApiError::Unauthorized => {
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            ApiError::RateLimited(Refused { retry_after, .. })
            | ApiError::TooManyWrongTokens { retry_after } => {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(*retry_after));
            }
            ApiError::Unavailable(_) => {
                response.headers_mut().insert(
                    header::RETRY_AFTER,
                    HeaderValue::from(UNAVAILABLE_RETRY_AFTER),
                );
            }
            // It holds an edit token.
            ApiError::IdempotencyKeyReused { .. } => {
                response
                    .headers_mut()
                    .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            }
            _ => {}
        }
        response
    }
}

/// Storage errors by what they mean to a client: the database unreachable
/// (worth trying again soon) or a failure.
impl From<StorageError> for ApiError {
    fn from(error: StorageError) -> Self {
        if error.is_unreachable() {
            ApiError::Unavailable(error.to_string())
        } else {
            ApiError::Storage(error)
        }
    }
}

/// The `Retry-After` of a 503: the seconds a load balancer or client waits
/// while the database is unreachable.
pub const UNAVAILABLE_RETRY_AFTER: u64 = 5;

/// Seconds as whole minutes in Swedish, rounded up: "en minut", "30 minuter".
fn minutes(seconds: u64) -> String {
    match seconds.div_ceil(60) {
        0 | 1 => "en minut".to_owned(),
        n => format!("{n} minuter"),
    }
}

/// Whole seconds in Swedish: "en sekund", "10 sekunder".
fn seconds(seconds: u64) -> String {
    match seconds {
        0 | 1 => "en sekund".to_owned(),
        n => format!("{n} sekunder"),
    }
}

fn internal_body() -> Value {
    json!({ "error": "internal", "message": "Något gick fel hos oss. Försök igen om en stund." })
}

#[cfg(test)]
mod tests {
    use http_body_util::BodyExt;

    use super::*;

    /// One error of each variant.
    fn one_of_each() -> Vec<ApiError> {
        let mut errors = FieldErrors::default();
        errors.add("title", ErrorCode::Required);
        vec![
            ApiError::NotFound("x"),
            ApiError::InvalidFilter(FilterError {
                param: "day",
                value: "x".into(),
            }),
            ApiError::MethodNotAllowed,
            ApiError::Unauthorized,
            ApiError::UnsupportedMediaType,
            ApiError::PayloadTooLarge { limit: 1024 },
            ApiError::UnreadableBody,
            ApiError::MalformedJson("x".into()),
            ApiError::InvalidBody {
                path: "title".into(),
                detail: "x".into(),
            },
            ApiError::MissingIdempotencyKey,
            ApiError::InvalidIdempotencyKey,
            ApiError::IdempotencyKeyReused {
                first: FirstRegistration(Map::new()),
            },
            ApiError::PreconditionRequired,
            ApiError::EditConflict,
            ApiError::OtherEdition("x"),
            ApiError::ActivityCancelled("x"),
            ApiError::NotCancelled,
            ApiError::ActivityStarted("x"),
            ApiError::Validation(errors),
            ApiError::RateLimited(Refused {
                limit: Limit::Client,
                retry_after: 1,
            }),
            ApiError::TooManyWrongTokens { retry_after: 1 },
            ApiError::Storage(StorageError::Rebuild("x".into())),
            ApiError::Unavailable("x".into()),
            ApiError::Internal("x".into()),
        ]
    }

    #[tokio::test]
    async fn the_documented_error_codes_are_exactly_those_the_variants_answer() {
        let mut answered = Vec::new();
        for error in one_of_each() {
            let body = error.into_response().into_body().collect().await.unwrap();
            let body: Value = serde_json::from_slice(&body.to_bytes()).unwrap();
            let code = body["error"].as_str().unwrap().to_owned();
            assert!(
                ERROR_CODES.contains(&code.as_str()),
                "{code} is not documented"
            );
            answered.push(code);
        }
        for code in ERROR_CODES {
            assert!(
                answered.iter().any(|a| a == code),
                "no variant answers {code}"
            );
        }
    }
}
