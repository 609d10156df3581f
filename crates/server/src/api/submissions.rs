//! `POST /api/activities`: an organiser registers an activity, once per
//! `Idempotency-Key`. What follows (the organiser's view, edits and
//! cancelling) is in `organiser.rs`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use programme::{Activity, ActivityStatus, Submission};
use serde::Serialize;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

use crate::AppState;
use crate::api::auth::ClientAddr;
use crate::api::body::{body_bytes, parse_json, require_json};
use crate::api::openapi::ORGANISER_TAG;
use crate::changes::is_public;
use crate::error::{ApiError, ErrorBody, FirstRegistration};
use crate::mail;
use crate::rate_limit::ClientKey;
use crate::request_hash;
use crate::storage::{ActivityRecord, KnownSubmission, NewSubmission, SubmissionOutcome};

/// The largest registration body. The texts' limits add up to about 14,200
/// characters, so a valid submission fits even at four bytes a character.
pub const BODY_LIMIT: usize = 64 * 1024;

/// The longest `Idempotency-Key`, in characters.
pub const IDEMPOTENCY_KEY_MAX: usize = 200;

const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");
pub(super) const IDEMPOTENT_REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(create_activity).layer(DefaultBodyLimit::max(BODY_LIMIT)))
}

/// The answer to a registration, to its replays and to an edit: the activity
/// with its edit token and version.
#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct Registration<'a> {
    id: &'a str,
    /// The bearer token of the organiser's own routes (also in the edit link
    /// that is e-mailed); keep it secret.
    edit_token: String,
    /// The version of the registration, for `If-Match`.
    version: i64,
    activity: &'a Activity,
}

impl<'a> Registration<'a> {
    pub(super) fn of(state: &AppState, record: &'a ActivityRecord) -> Self {
        Registration {
            id: &record.activity.id,
            edit_token: state.edit_tokens().edit_token(&record.activity.id),
            version: record.version,
            activity: &record.activity,
        }
    }
}

/// Registers an activity: 201 when stored now, 200 with
/// `Idempotent-Replayed: true` when the same Idempotency-Key and body came
/// before, 422 `idempotency_key_reused` (with the first registration) when
/// the key came with another body.
#[utoipa::path(
    post,
    path = "/activities",
    tag = ORGANISER_TAG,
    params(("Idempotency-Key" = String, Header, description = "A value of your own, unique \
        for each registration (1–200 visible ASCII characters): sending the same \
        registration again with it registers it once.")),
    request_body(content = Submission, content_type = "application/json",
        description = "The registration. At most 64 KiB."),
    responses(
        (status = 201, description = "Registered; pending review unless the server publishes \
            without review.", body = Registration, headers(
            ("Location" = String, description = "`/api/submissions/{id}`."),
        )),
        (status = 200, description = "The same Idempotency-Key and body came before: the \
            registration made then.", body = Registration, headers(
            ("Idempotent-Replayed" = String, description = "`true`."),
        )),
        (status = 400, description = "`malformed_json`, `unreadable_body`, \
            `missing_idempotency_key` or `invalid_idempotency_key`.", body = ErrorBody),
        (status = 413, description = "`payload_too_large`: the body is over 64 KiB.",
            body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`: the body is not declared as \
            `application/json`.", body = ErrorBody),
        (status = 422, description = "`invalid_body` (JSON of the wrong shape; `fields` names \
            the field), `validation` (fields break the rules; `fields` and `messages`) or \
            `idempotency_key_reused` (the key came before with another body; with the first \
            registration).", body = ErrorBody),
        (status = 429, description = "`rate_limited`: too many new registrations lately from this \
            address, its network or everyone; the message says which.",
            body = ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait."))),
        (status = 500, description = "`internal`.", body = ErrorBody),
    )
)]
async fn create_activity(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    require_json(&headers)?;
    let body = body_bytes(body, BODY_LIMIT)?;
    let key = idempotency_key(&headers)?;
    let submission: Submission = parse_json(&body)?;
    let normalized = submission.normalized();

    // A replay is answered before validation (the activity may have started
    // since) and before the rate limit (a retry is not a new registration).
    let published = state.published();
    if let Some(known) = state
        .storage()
        .find_submission(published.edition_id, &key)
        .await?
    {
        return replay(&state, known, &normalized);
    }

    let errors = submission.validate(&published.edition, Utc::now());
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }

    state
        .submission_limits()
        .acquire(ClientKey::from(addr))
        .map_err(ApiError::RateLimited)?;

    let status = if state.config().publish_without_review {
        ActivityStatus::Published
    } else {
        ActivityStatus::Pending
    };
    let request_hash =
        request_hash::canonical(&normalized).map_err(|e| ApiError::Internal(e.to_string()))?;
    let submitter_email = normalized.submitter_email.clone();
    let id = uuid::Uuid::new_v4().to_string();
    let mut new = NewSubmission {
        idempotency_key: key,
        request_hash,
        edition_id: published.edition_id,
        activity: normalized.clone().into_activity(id, status),
        submitter_email,
        mails: Vec::new(),
    };
    new.mails =
        mail::plan_registration(&new.activity, &new.submitter_email, state.mail_recipients());
    match state.storage().insert_submission(new).await? {
        SubmissionOutcome::Created(record) => {
            state.wake_mail_sender();
            if is_public(&record) {
                // Stored is stored: a failed rebuild is retried until it works.
                state.republish().await;
            }
            let location =
                HeaderValue::from_str(&format!("/api/submissions/{}", record.activity.id))
                    .map_err(|e| ApiError::Internal(e.to_string()))?;
            Ok((
                StatusCode::CREATED,
                [(header::LOCATION, location), no_store()],
                Json(Registration::of(&state, &record)),
            )
                .into_response())
        }
        // A concurrent request with the same key got there first.
        SubmissionOutcome::Known(known) => replay(&state, known, &normalized),
    }
}

/// The stored registration again, when the body is the same as the first
/// time (as its hash of either kind says); else the refusal, with the first
/// registration in it.
fn replay(
    state: &AppState,
    known: KnownSubmission,
    normalized: &Submission,
) -> Result<Response, ApiError> {
    let same = request_hash::matches(&known.request_hash, normalized)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let registration = Registration::of(state, &known.record);
    if !same {
        let first = match serde_json::to_value(&registration) {
            Ok(serde_json::Value::Object(first)) => first,
            Ok(_) => return Err(ApiError::Internal("a registration is an object".into())),
            Err(e) => return Err(ApiError::Internal(e.to_string())),
        };
        return Err(ApiError::IdempotencyKeyReused {
            first: FirstRegistration(first),
        });
    }
    Ok((
        StatusCode::OK,
        [
            (IDEMPOTENT_REPLAYED, HeaderValue::from_static("true")),
            no_store(),
        ],
        Json(registration),
    )
        .into_response())
}

/// Answers with a secret in them are kept by no cache.
pub(super) fn no_store() -> (HeaderName, HeaderValue) {
    (header::CACHE_CONTROL, HeaderValue::from_static("no-store"))
}

/// The `Idempotency-Key` header: 1 to 200 visible ASCII characters.
fn idempotency_key(headers: &HeaderMap) -> Result<String, ApiError> {
    let value = headers
        .get(IDEMPOTENCY_KEY)
        .ok_or(ApiError::MissingIdempotencyKey)?;
    let bytes = value.as_bytes();
    let valid = !bytes.is_empty()
        && bytes.len() <= IDEMPOTENCY_KEY_MAX
        && bytes.iter().all(u8::is_ascii_graphic);
    if !valid {
        return Err(ApiError::InvalidIdempotencyKey);
    }
    value
        .to_str()
        .map(str::to_owned)
        .map_err(|_| ApiError::InvalidIdempotencyKey)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_idempotency_key_is_one_to_200_visible_ascii_characters() {
        let with = |value: &[u8]| {
            let mut headers = HeaderMap::new();
            headers.insert(IDEMPOTENCY_KEY, HeaderValue::from_bytes(value).unwrap());
            idempotency_key(&headers)
        };
        assert_eq!(with(b"abc-123_XYZ:~").unwrap(), "abc-123_XYZ:~");
        assert!(with(&[b'k'; IDEMPOTENCY_KEY_MAX]).is_ok());
        for bad in [
            &b""[..],
            &[b'k'; IDEMPOTENCY_KEY_MAX + 1],
            b"has space",
            b"tab\there",
            "å".as_bytes(),
        ] {
            assert!(
                matches!(with(bad), Err(ApiError::InvalidIdempotencyKey)),
                "{bad:?}"
            );
        }
        assert!(matches!(
            idempotency_key(&HeaderMap::new()),
            Err(ApiError::MissingIdempotencyKey)
        ));
    }
}
