//! The organiser's own registration, with its edit token as bearer token:
//! `GET /api/submissions/{id}` shows it, `PUT /api/activities/{id}` changes it
//! and `POST /api/activities/{id}/cancel` calls it off. An unknown id, a
//! missing and a wrong token all get the same 404, so an answer reveals
//! nothing about activities one holds no link to.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, FixedOffset, Utc};
use programme::submission::limits;
use programme::{Activity, ActivityStatus, FieldErrors, Submission};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

use crate::AppState;
use crate::api::IdPath;
use crate::api::auth::bearer_token;
use crate::api::body::{body_bytes, parse_json, require_json};
use crate::api::openapi::ORGANISER_TAG;
use crate::api::submissions::{BODY_LIMIT, IDEMPOTENT_REPLAYED, Registration, no_store};
use crate::changes::{
    CancelVerdict, Context, Edit, EditVerdict, is_public, judge_cancel, judge_edit,
};
use crate::error::{ApiError, ErrorBody};
use crate::mail;
use crate::storage::{ActivityRecord, AuditAction, AuditEntry, Change, NewAuditEntry, ORGANISER};

/// The largest body of a cancellation: a reason of 1000 characters and room to spare.
pub const CANCEL_BODY_LIMIT: usize = 8 * 1024;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_submission))
        .routes(routes!(update_activity).layer(DefaultBodyLimit::max(BODY_LIMIT)))
        .routes(routes!(cancel_activity).layer(DefaultBodyLimit::max(CANCEL_BODY_LIMIT)))
}

/// Why an activity of a past edition cannot be changed.
const OTHER_EDITION: &str = "Aktiviteten hör till en annan Innovationsvecka än den som gäller nu. \
                             Den kan inte längre ändras eller ställas in.";

fn not_found() -> ApiError {
    ApiError::NotFound("Det finns ingen anmälan med det id:t och den nyckeln.")
}

/// Lets through the holder of the activity's edit token. The token is
/// derived from the id, so this needs no lookup: an unknown id costs the
/// same as a wrong token.
fn authorise(state: &AppState, id: &str, headers: &HeaderMap) -> Result<(), ApiError> {
    let given = bearer_token(headers).ok_or_else(not_found)?;
    if state.edit_tokens().verifies(id, given) {
        Ok(())
    } else {
        Err(not_found())
    }
}

/// `ETag: "<version>"`: the version of the content, which `If-Match` names.
fn etag(version: i64) -> Result<(HeaderName, HeaderValue), ApiError> {
    let value = HeaderValue::from_str(&format!("\"{version}\""))
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok((header::ETAG, value))
}

/// The version an `If-Match` names: `"3"` as an ETag, or a bare `3`. None,
/// or one that names no version (`*`, a list), is refused with 428.
fn if_match(headers: &HeaderMap) -> Result<i64, ApiError> {
    let value = headers
        .get(header::IF_MATCH)
        .and_then(|value| value.to_str().ok())
        .map(str::trim)
        .ok_or(ApiError::PreconditionRequired)?;
    let bare = value
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
        .unwrap_or(value);
    let digits = !bare.is_empty() && bare.bytes().all(|b| b.is_ascii_digit());
    digits
        .then(|| bare.parse().ok())
        .flatten()
        .ok_or(ApiError::PreconditionRequired)
}

/// Runs `judge` on the stored activity inside the storage's transaction and
/// stores what it decides, with `audit` and the e-mail the change sends (see
/// [`crate::mail::plan`]) if it changes anything: its verdict and the
/// activity as stored afterwards, `None` when there is no such activity.
pub(super) async fn judged<V: Send>(
    state: &AppState,
    id: &str,
    judge: impl FnOnce(&ActivityRecord) -> (V, Option<ActivityRecord>) + Send,
    audit: NewAuditEntry,
) -> Result<Option<(V, ActivityRecord)>, ApiError> {
    let mut verdict = None;
    let mut mailed = false;
    let recipients = state.mail_recipients();
    let record = state
        .storage()
        .update_activity(
            id,
            Box::new(|current| {
                let (judged, next) = judge(current);
                verdict = Some(judged);
                let next = next?;
                let mails = mail::plan(audit.action, current, &next, recipients);
                mailed = !mails.is_empty();
                Some(Change {
                    record: next,
                    audit: Some(audit),
                    mails,
                })
            }),
        )
        .await?;
    if mailed {
        state.wake_mail_sender();
    }
    Ok(verdict.zip(record))
}

/// After a change that the public may see, the programme is published anew
/// (retried until it works: stored is stored).
async fn republish_if_public(state: &AppState, record: &ActivityRecord) {
    if is_public(record) {
        state.republish().await;
    }
}

/// What an organiser sees of their own registration: the key facts, the
/// version (for `If-Match`), and the whole activity and e-mail address to
/// fill the edit form with.
#[derive(Serialize, ToSchema)]
struct SubmissionView<'a> {
    id: &'a str,
    status: ActivityStatus,
    title: &'a str,
    #[serde(with = "programme::time::moment_serde")]
    #[schema(value_type = String, format = DateTime)]
    starts_at: DateTime<FixedOffset>,
    /// Why the operators rejected it, while it is rejected.
    review_note: Option<&'a str>,
    /// The version, for `If-Match` (also the ETag).
    version: i64,
    /// Whether it has been changed since the operators approved it.
    changed_since_approval: bool,
    submitter_email: &'a str,
    activity: &'a Activity,
    /// What happened to it, oldest first.
    history: Vec<HistoryEntry<'a>>,
}

/// One decision or change, as the organiser sees it: by the operators
/// (whose names stay with them) or by the organiser.
#[derive(Serialize, ToSchema)]
struct HistoryEntry<'a> {
    /// When, as an RFC 3339 moment.
    at: &'a str,
    /// approve, reject, restore, edit, cancel or erase (the contact data
    /// removed, on request or after the retention time).
    action: &'a str,
    /// `operators` or `organiser`.
    by: &'static str,
    /// A rejection's or cancellation's reason.
    reason: Option<&'a str>,
}

impl<'a> From<&'a AuditEntry> for HistoryEntry<'a> {
    fn from(entry: &'a AuditEntry) -> Self {
        HistoryEntry {
            at: &entry.at,
            action: &entry.action,
            by: if entry.operator == ORGANISER {
                "organiser"
            } else {
                "operators"
            },
            reason: entry.reason.as_deref(),
        }
    }
}

/// The organiser's view of their registration, for the right edit token.
#[utoipa::path(
    get,
    path = "/submissions/{id}",
    tag = ORGANISER_TAG,
    security(("edit_token" = [])),
    params(("id" = String, Path, description = "The activity's id.")),
    responses(
        (status = 200, description = "The registration, its state and history; never \
            cached.", body = SubmissionView,
            headers(("ETag" = String, description = "The version, as `If-Match` takes it."))),
        (status = 404, description = "`not_found`: no such registration, or a missing or \
            wrong edit token (the same answer, so it reveals nothing).", body = ErrorBody),
        (status = 500, description = "`internal`.", body = ErrorBody),
    )
)]
async fn get_submission(
    State(state): State<AppState>,
    IdPath(id): IdPath,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    authorise(&state, &id, &headers)?;
    let record = state
        .storage()
        .find_activity(&id)
        .await?
        .ok_or_else(not_found)?;
    let submitter_email = record.submitter_email.as_deref().ok_or_else(not_found)?;
    let history = state.storage().activity_history(&id).await?;
    let activity = &record.activity;
    Ok((
        [no_store(), etag(record.version)?],
        Json(SubmissionView {
            id: &activity.id,
            status: activity.status,
            title: &activity.title,
            starts_at: activity.starts_at,
            review_note: record.review_note.as_deref(),
            version: record.version,
            changed_since_approval: record.changed_since_approval,
            submitter_email,
            activity,
            history: history.iter().map(HistoryEntry::from).collect(),
        }),
    )
        .into_response())
}

/// The organiser changes their activity: the whole registration again, as
/// for `POST /api/activities`, with `If-Match: "<version>"` naming the
/// version the change is based on.
///
/// Idempotency: an edit is keyed by the version it was based on. Based on the
/// current version, it is applied and makes the next one (200). Based on
/// another version, it is a repeat of an edit already applied if the stored
/// content equals it (200 with `Idempotent-Replayed: true` and the current
/// state), and otherwise a change the organiser made without seeing the
/// latest one (412 `edit_conflict`). So a retry after a lost answer is
/// harmless, and two tabs cannot overwrite each other unseen.
///
/// Checked in this order: the body (415, 413, 400, 422 `invalid_body`), the
/// token (404), `If-Match` (428), the version (412 or a replay), then 409
/// for an activity of another edition, a cancelled one and one that has
/// begun, then the registration's rules (422 `validation`, as for a new
/// one: the new time must also be ahead).
///
/// A pending activity stays pending, a published one stays published (and
/// is marked as changed for the operators), a rejected one goes back to
/// review without the rejection's note.
#[utoipa::path(
    put,
    path = "/activities/{id}",
    tag = ORGANISER_TAG,
    security(("edit_token" = [])),
    params(
        ("id" = String, Path, description = "The activity's id."),
        ("If-Match" = String, Header, description = "The version the change is based on, \
            as the ETag (`\"3\"`) or bare (`3`)."),
    ),
    request_body(content = Submission, content_type = "application/json",
        description = "The whole registration again, changed. At most 64 KiB."),
    responses(
        (status = 200, description = "Changed, or the same change again (then with \
            `Idempotent-Replayed: true`).", body = Registration, headers(
            ("ETag" = String, description = "The new version."),
            ("Idempotent-Replayed" = String, description = "`true` for a repeated change."),
        )),
        (status = 400, description = "`malformed_json` or `unreadable_body`.", body = ErrorBody),
        (status = 404, description = "`not_found`: no such registration, or a missing or \
            wrong edit token.", body = ErrorBody),
        (status = 409, description = "`other_edition`, `activity_cancelled` or \
            `activity_started`: it can no longer be changed.", body = ErrorBody),
        (status = 412, description = "`edit_conflict`: it has been changed since the version \
            in `If-Match`.", body = ErrorBody),
        (status = 413, description = "`payload_too_large`: the body is over 64 KiB.",
            body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`: the body is not declared as \
            `application/json`.", body = ErrorBody),
        (status = 422, description = "`invalid_body` or `validation`, as for a new \
            registration.", body = ErrorBody),
        (status = 428, description = "`precondition_required`: no `If-Match` naming a version.",
            body = ErrorBody),
        (status = 500, description = "`internal`.", body = ErrorBody),
    )
)]
async fn update_activity(
    State(state): State<AppState>,
    IdPath(id): IdPath,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    require_json(&headers)?;
    let body = body_bytes(body, BODY_LIMIT)?;
    let submission: Submission = parse_json(&body)?;
    authorise(&state, &id, &headers)?;
    let edit = Edit {
        based_on: if_match(&headers)?,
        submission,
    };
    let published = state.published();
    let context = Context {
        edition_id: published.edition_id,
        edition: &published.edition,
        now: Utc::now(),
    };
    let audit = NewAuditEntry::new(ORGANISER, AuditAction::Edit);
    let (verdict, record) = judged(
        &state,
        &id,
        |current| judge_edit(current, &edit, &context),
        audit,
    )
    .await?
    .ok_or_else(not_found)?;
    let replayed = match verdict {
        EditVerdict::Edited => {
            republish_if_public(&state, &record).await;
            false
        }
        EditVerdict::Replayed => true,
        EditVerdict::NotFound => return Err(not_found()),
        EditVerdict::Conflict => return Err(ApiError::EditConflict),
        EditVerdict::OtherEdition => return Err(ApiError::OtherEdition(OTHER_EDITION)),
        EditVerdict::Cancelled => {
            return Err(ApiError::ActivityCancelled(
                "Aktiviteten är inställd och kan inte ändras.",
            ));
        }
        EditVerdict::Started => {
            return Err(ApiError::ActivityStarted(
                "Aktiviteten har redan börjat och kan inte längre ändras.",
            ));
        }
        EditVerdict::Invalid(errors) => return Err(ApiError::Validation(errors)),
    };
    let mut response = (
        StatusCode::OK,
        [no_store(), etag(record.version)?],
        Json(Registration::of(&state, &record)),
    )
        .into_response();
    if replayed {
        response
            .headers_mut()
            .insert(IDEMPOTENT_REPLAYED, HeaderValue::from_static("true"));
    }
    Ok(response)
}

/// The body of a cancellation; it may also be empty.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct Cancellation {
    /// Shown in the programme beside "Inställd".
    #[serde(default)]
    reason: Option<String>,
}

/// The answer to a cancellation.
#[derive(Serialize, ToSchema)]
struct Cancelled<'a> {
    id: &'a str,
    status: ActivityStatus,
    version: i64,
    activity: &'a Activity,
}

/// The organiser calls their activity off, with an optional reason
/// (`{"reason": "…"}`, or no body). An approved activity stays in the
/// programme, marked as cancelled; one that was never approved never becomes
/// public. Cancelling again answers with the activity as it is (200); once
/// the activity has begun it can no longer be cancelled (409). The organiser
/// cannot undo a cancellation; the operators can.
#[utoipa::path(
    post,
    path = "/activities/{id}/cancel",
    tag = ORGANISER_TAG,
    security(("edit_token" = [])),
    params(("id" = String, Path, description = "The activity's id.")),
    request_body(content = Option<Cancellation>, content_type = "application/json",
        description = "Optional: no body at all, or this object. The reason at most 1000 \
        characters, the body at most 8 KiB."),
    responses(
        (status = 200, description = "Cancelled (also when it already was).", body = Cancelled,
            headers(("ETag" = String, description = "The new version."))),
        (status = 400, description = "`malformed_json` or `unreadable_body`.", body = ErrorBody),
        (status = 404, description = "`not_found`: no such registration, or a missing or \
            wrong edit token.", body = ErrorBody),
        (status = 409, description = "`other_edition` or `activity_started`: it can no longer \
            be cancelled.", body = ErrorBody),
        (status = 413, description = "`payload_too_large`: the body is over 8 KiB.",
            body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`: a body not declared as \
            `application/json`.", body = ErrorBody),
        (status = 422, description = "`invalid_body`, or `validation` (the reason is too \
            long).", body = ErrorBody),
        (status = 500, description = "`internal`.", body = ErrorBody),
    )
)]
async fn cancel_activity(
    State(state): State<AppState>,
    IdPath(id): IdPath,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body_bytes(body, CANCEL_BODY_LIMIT)?;
    let Cancellation { reason } = if body.is_empty() {
        Cancellation::default()
    } else {
        require_json(&headers)?;
        parse_json(&body)?
    };
    authorise(&state, &id, &headers)?;
    let reason = reason
        .as_deref()
        .map(str::trim)
        .filter(|reason| !reason.is_empty())
        .map(str::to_owned);
    let mut errors = FieldErrors::default();
    if let Some(reason) = reason.as_deref() {
        errors.length("reason", reason, limits::CANCELLATION_REASON);
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let published = state.published();
    let context = Context {
        edition_id: published.edition_id,
        edition: &published.edition,
        now: Utc::now(),
    };
    let audit = NewAuditEntry {
        reason: reason.clone(),
        ..NewAuditEntry::new(ORGANISER, AuditAction::Cancel)
    };
    let (verdict, record) = judged(
        &state,
        &id,
        |current| judge_cancel(current, reason, &context),
        audit,
    )
    .await?
    .ok_or_else(not_found)?;
    match verdict {
        CancelVerdict::Cancelled => republish_if_public(&state, &record).await,
        CancelVerdict::AlreadyCancelled => {}
        CancelVerdict::NotFound => return Err(not_found()),
        CancelVerdict::OtherEdition => return Err(ApiError::OtherEdition(OTHER_EDITION)),
        CancelVerdict::Started => {
            return Err(ApiError::ActivityStarted(
                "Aktiviteten har redan börjat och kan inte längre ställas in.",
            ));
        }
    }
    let activity = &record.activity;
    Ok((
        [no_store(), etag(record.version)?],
        Json(Cancelled {
            id: &activity.id,
            status: activity.status,
            version: record.version,
            activity,
        }),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_match_names_a_version_quoted_or_bare() {
        let with = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::IF_MATCH, HeaderValue::from_str(value).unwrap());
            if_match(&headers).ok()
        };
        assert_eq!(with("\"3\""), Some(3));
        assert_eq!(with("3"), Some(3));
        assert_eq!(with(" \"12\" "), Some(12));
        for bad in [
            "*",
            "W/\"3\"",
            "\"1\", \"2\"",
            "\"\"",
            "-1",
            "\"x\"",
            "99999999999999999999",
        ] {
            assert_eq!(with(bad), None, "{bad}");
        }
        assert!(matches!(
            if_match(&HeaderMap::new()),
            Err(ApiError::PreconditionRequired)
        ));
    }
}
