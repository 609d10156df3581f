//! The operators' API under `/api/admin`, behind `Authorization: Bearer
//! <IV_ADMIN_TOKEN>`: the registrations to review, approving and rejecting.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use programme::submission::limits;
use programme::{Activity, ActivityStatus, ErrorCode, FieldErrors, FilterError};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::api::auth::Admin;
use crate::api::body::{body_bytes, parse_json, require_json};
use crate::error::ApiError;
use crate::storage::ActivityRecord;

/// The largest body of a rejection: a reason of 1000 characters and room to spare.
pub const BODY_LIMIT: usize = 8 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/activities", get(list_activities))
        .route("/admin/activities/{id}/approve", post(approve_activity))
        .route(
            "/admin/activities/{id}/reject",
            post(reject_activity).layer(DefaultBodyLimit::max(BODY_LIMIT)),
        )
}

/// An activity as the operators see it: the public fields and the private ones.
#[derive(Serialize)]
struct AdminActivity<'a> {
    #[serde(flatten)]
    activity: &'a Activity,
    submitter_email: Option<&'a str>,
    review_note: Option<&'a str>,
    /// One more with every change by the organiser.
    version: i64,
    /// Whether the organiser has changed it since it was last approved.
    changed_since_approval: bool,
    /// When it was last approved; `None` if never, or rejected since.
    approved_at: Option<&'a str>,
    created_at: &'a str,
}

impl<'a> From<&'a ActivityRecord> for AdminActivity<'a> {
    fn from(record: &'a ActivityRecord) -> Self {
        AdminActivity {
            activity: &record.activity,
            submitter_email: record.submitter_email.as_deref(),
            review_note: record.review_note.as_deref(),
            version: record.version,
            changed_since_approval: record.changed_since_approval,
            approved_at: record.approved_at.as_deref(),
            created_at: &record.created_at,
        }
    }
}

#[derive(Serialize)]
struct AdminList<'a> {
    activities: Vec<AdminActivity<'a>>,
}

/// The body of a rejection.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Rejection {
    reason: String,
}

fn private() -> [(header::HeaderName, HeaderValue); 1] {
    [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))]
}

/// The current edition's activities, all or of one `status`, in start order.
async fn list_activities(
    _: Admin,
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let mut status = None;
    for (name, value) in form_urlencoded::parse(query.as_deref().unwrap_or_default().as_bytes()) {
        if name == "status" && !value.is_empty() {
            status = Some(ActivityStatus::from_key(&value).ok_or_else(|| FilterError {
                param: "status",
                value: value.into_owned(),
            })?);
        }
    }
    let edition_id = state.published().edition_id;
    let records = state
        .storage()
        .activities_by_status(edition_id, status)
        .await?;
    let body = AdminList {
        activities: records.iter().map(AdminActivity::from).collect(),
    };
    Ok((private(), Json(body)).into_response())
}

/// Publishes an activity (and clears an earlier rejection's note); it counts
/// as approved now, and no longer as changed since its approval.
async fn approve_activity(
    admin: Admin,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    tracing::info!(operator = %admin.name, %id, "approval");
    change_status(&state, &id, ActivityStatus::Published, None).await
}

/// Rejects an activity with a reason the organiser will see; a published one
/// leaves the programme.
async fn reject_activity(
    admin: Admin,
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    tracing::info!(operator = %admin.name, %id, "rejection");
    require_json(&headers)?;
    let body = body_bytes(body, BODY_LIMIT)?;
    let Rejection { reason } = parse_json(&body)?;
    let reason = reason.trim();
    let mut errors = FieldErrors::default();
    if reason.is_empty() {
        errors.add("reason", ErrorCode::Required);
    } else if reason.chars().count() > limits::REVIEW_NOTE {
        errors.add("reason", ErrorCode::TooLong);
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    change_status(
        &state,
        &id,
        ActivityStatus::Rejected,
        Some(reason.to_owned()),
    )
    .await
}

async fn change_status(
    state: &AppState,
    id: &str,
    status: ActivityStatus,
    review_note: Option<String>,
) -> Result<Response, ApiError> {
    let record = state
        .storage()
        .set_status(id, status, review_note)
        .await?
        .ok_or(ApiError::NotFound(
            "Det finns ingen aktivitet med det id:t.",
        ))?;
    // Either change can alter the public list (a rejected activity may have
    // been published); rebuilding it is cheap next to an operator's click.
    state.republish().await?;
    Ok((private(), Json(AdminActivity::from(&record))).into_response())
}
