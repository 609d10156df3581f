//! The operators' API under `/api/admin`, behind `Authorization: Bearer
//! <an operator's token>` (see [`crate::operators`]): the registrations to
//! review and how many there are of each status, approving, rejecting and
//! undoing a cancellation, and the audit of who decided what.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use programme::changes::{Part, changed_parts};
use programme::submission::limits;
use programme::{Activity, ActivityStatus, ErrorCode, FieldErrors, FilterError};
use serde::{Deserialize, Serialize};
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::{IntoParams, PartialSchema, ToSchema};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

use crate::AppState;
use crate::api::IdPath;
use crate::api::auth::Admin;
use crate::api::body::{body_bytes, parse_json, require_json};
use crate::api::openapi::{AdminRefusals, OPERATORS_TAG};
use crate::api::organiser::judged;
use crate::changes::Context;
use crate::error::{ApiError, ErrorBody};
use crate::review::{RejectionCode, ReviewVerdict, judge_approve, judge_reject, judge_restore};
use crate::storage::{
    ActivityOrder, ActivityRecord, AuditAction, AuditEntry, Erased, MailOverview, NewAuditEntry,
    StatusCounts,
};

/// The largest body of a rejection: a reason of 1000 characters and room to spare.
pub const BODY_LIMIT: usize = 8 * 1024;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_activities))
        .routes(routes!(approve_activity))
        .routes(routes!(reject_activity).layer(DefaultBodyLimit::max(BODY_LIMIT)))
        .routes(routes!(restore_activity))
        .routes(routes!(get_counts))
        .routes(routes!(list_audit))
        .routes(routes!(get_me))
        .routes(routes!(get_mail))
        .routes(routes!(retry_mail))
        .routes(routes!(erase_person).layer(DefaultBodyLimit::max(BODY_LIMIT)))
}

/// How many troubled messages `GET /api/admin/mail` lists at most.
pub const MAIL_PROBLEMS_LIMIT: u32 = 100;

/// How many audit rows `GET /api/admin/audit` gives without `limit`.
pub const AUDIT_DEFAULT_LIMIT: u32 = 200;

/// The most audit rows one answer gives.
pub const AUDIT_MAX_LIMIT: u32 = 1000;

/// An activity as the operators see it: the public fields and the private ones.
#[derive(Serialize, ToSchema)]
struct AdminActivity<'a> {
    #[serde(flatten)]
    activity: &'a Activity,
    /// Where the edit link went; never public.
    submitter_email: Option<&'a str>,
    /// Why it was rejected, while it is.
    review_note: Option<&'a str>,
    /// Whether the organiser has changed it since it was last approved.
    changed_since_approval: bool,
    /// When it was last approved; `None` if never, or rejected since.
    approved_at: Option<&'a str>,
    /// What the organiser changed since the approval, by part (`title`,
    /// `time`, `place`, …; see `programme::changes::Part`); empty when
    /// nothing did.
    changed_parts: Vec<&'static str>,
    created_at: &'a str,
}

impl<'a> From<&'a ActivityRecord> for AdminActivity<'a> {
    fn from(record: &'a ActivityRecord) -> Self {
        AdminActivity {
            activity: &record.activity,
            submitter_email: record.submitter_email.as_deref(),
            review_note: record.review_note.as_deref(),
            changed_since_approval: record.changed_since_approval,
            approved_at: record.approved_at.as_deref(),
            changed_parts: match (&record.approved, record.changed_since_approval) {
                (Some(approved), true) => changed_parts(approved, &record.activity)
                    .into_iter()
                    .map(Part::key)
                    .collect(),
                _ => Vec::new(),
            },
            created_at: &record.created_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
struct AdminList<'a> {
    activities: Vec<AdminActivity<'a>>,
}

/// The body of a rejection: a `reason` the organiser will see, a standard
/// reason's `code`, or both. With a code and no reason of their own, the
/// organiser is told the code's standard text; the code `other` needs a
/// reason. The code is kept in the audit.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct Rejection {
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    code: Option<RejectionCode>,
}

fn private() -> [(header::HeaderName, HeaderValue); 1] {
    [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))]
}

fn no_such_activity() -> ApiError {
    ApiError::NotFound("Det finns ingen aktivitet med det id:t.")
}

/// The current edition's activities, all or of one `status`. The queue of
/// `status=pending` comes oldest registration first, every other list in
/// start order; `order=created` or `order=start` asks for either.
#[utoipa::path(
    get,
    path = "/admin/activities",
    tag = OPERATORS_TAG,
    security(("admin_token" = [])),
    params(AdminListParams),
    responses(
        (status = 200, description = "The activities; never cached.", body = AdminList),
        (status = 400, description = "`invalid_filter`: an unknown `status` or `order`.",
            body = ErrorBody),
        AdminRefusals,
    )
)]
async fn list_activities(
    _: Admin,
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let mut status = None;
    let mut order = None;
    for (name, value) in form_urlencoded::parse(query.as_deref().unwrap_or_default().as_bytes()) {
        if name == "status" && !value.is_empty() {
            status = Some(ActivityStatus::from_key(&value).ok_or_else(|| FilterError {
                param: "status",
                value: value.clone().into_owned(),
            })?);
        } else if name == "order" && !value.is_empty() {
            order = Some(match value.as_ref() {
                "start" => ActivityOrder::Start,
                "created" => ActivityOrder::Created,
                _ => {
                    return Err(FilterError {
                        param: "order",
                        value: value.into_owned(),
                    }
                    .into());
                }
            });
        }
    }
    let order = order.unwrap_or(match status {
        Some(ActivityStatus::Pending) => ActivityOrder::Created,
        _ => ActivityOrder::Start,
    });
    let edition_id = state.published().edition_id;
    let records = state
        .storage()
        .activities_by_status(edition_id, status, order)
        .await?;
    let body = AdminList {
        activities: records.iter().map(AdminActivity::from).collect(),
    };
    Ok((private(), Json(body)).into_response())
}

/// `{ pending, published, rejected, cancelled }`: how many activities of the
/// current edition have each status.
#[utoipa::path(
    get,
    path = "/admin/counts",
    tag = OPERATORS_TAG,
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "How many of each status.", body = StatusCounts),
        AdminRefusals,
    )
)]
async fn get_counts(_: Admin, State(state): State<AppState>) -> Result<Response, ApiError> {
    let edition_id = state.published().edition_id;
    let counts = state.storage().count_by_status(edition_id).await?;
    Ok((private(), Json(counts)).into_response())
}

/// Publishes an activity (and clears an earlier rejection's note); it counts
/// as approved now, and no longer as changed since its approval. Refused
/// with 409 for a cancelled activity (`activity_cancelled`: undo the
/// cancellation first), one that has begun (`activity_started`) and one of
/// another edition (`other_edition`).
#[utoipa::path(
    post,
    path = "/admin/activities/{id}/approve",
    tag = OPERATORS_TAG,
    security(("admin_token" = [])),
    params(("id" = String, Path, description = "The activity's id.")),
    responses(
        (status = 200, description = "The activity as it is now.", body = AdminActivity),
        (status = 404, description = "`not_found`: no activity has this id.", body = ErrorBody),
        (status = 409, description = "`activity_cancelled`, `activity_started` or `other_edition`.", body = ErrorBody),
        AdminRefusals,
    )
)]
async fn approve_activity(
    admin: Admin,
    State(state): State<AppState>,
    IdPath(id): IdPath,
) -> Result<Response, ApiError> {
    let published = state.published();
    let context = Context {
        edition_id: published.edition_id,
        edition: &published.edition,
        now: Utc::now(),
    };
    let audit = NewAuditEntry::new(admin.name, AuditAction::Approve);
    let (verdict, record) = judged(
        &state,
        &id,
        |current| judge_approve(current, &context),
        audit,
    )
    .await?
    .ok_or_else(no_such_activity)?;
    match verdict {
        ReviewVerdict::Done => {}
        ReviewVerdict::Cancelled => {
            return Err(ApiError::ActivityCancelled(
                "Aktiviteten är inställd och kan inte godkännas. Ångra inställningen först.",
            ));
        }
        ReviewVerdict::Started => {
            return Err(ApiError::ActivityStarted(
                "Aktiviteten har redan börjat och kan inte godkännas.",
            ));
        }
        ReviewVerdict::NotCancelled => return Err(ApiError::NotCancelled),
        ReviewVerdict::OtherEdition => {
            return Err(ApiError::OtherEdition(
                "Aktiviteten hör till en annan Innovationsvecka än den som gäller nu och kan inte \
                 godkännas.",
            ));
        }
    }
    decided(&state, &record).await
}

/// Rejects an activity with a reason the organiser will see (see
/// [`Rejection`]); a published one leaves the programme.
#[utoipa::path(
    post,
    path = "/admin/activities/{id}/reject",
    tag = OPERATORS_TAG,
    security(("admin_token" = [])),
    params(("id" = String, Path, description = "The activity's id.")),
    request_body(content = Rejection, content_type = "application/json", description = "At most 8 KiB."),
    responses(
        (status = 200, description = "The activity as it is now.", body = AdminActivity),
        (status = 400, description = "`malformed_json` or `unreadable_body`.", body = ErrorBody),
        (status = 404, description = "`not_found`: no activity has this id.", body = ErrorBody),
        (status = 413, description = "`payload_too_large`: the body is over 8 KiB.",
            body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`: the body is not declared as \
            `application/json`.", body = ErrorBody),
        (status = 422, description = "`invalid_body`, or `validation`: no reason (nor a \
            standard one), or one over 1000 characters.", body = ErrorBody),
        AdminRefusals,
    )
)]
async fn reject_activity(
    admin: Admin,
    State(state): State<AppState>,
    IdPath(id): IdPath,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    require_json(&headers)?;
    let body = body_bytes(body, BODY_LIMIT)?;
    let Rejection { reason, code } = parse_json(&body)?;
    let written = reason.as_deref().map(str::trim).unwrap_or_default();
    let reason = match code.and_then(RejectionCode::standard_text) {
        Some(standard) if written.is_empty() => standard,
        _ => written,
    };
    let mut errors = FieldErrors::default();
    if reason.is_empty() {
        errors.add("reason", ErrorCode::Required);
    } else {
        errors.length("reason", reason, limits::REVIEW_NOTE);
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let audit = NewAuditEntry {
        reason: Some(reason.to_owned()),
        code: code.map(|code| code.key().to_owned()),
        ..NewAuditEntry::new(admin.name, AuditAction::Reject)
    };
    let note = reason.to_owned();
    let (_, record) = judged(
        &state,
        &id,
        |current| {
            let (verdict, next) = judge_reject(current, note);
            (verdict, Some(next))
        },
        audit,
    )
    .await?
    .ok_or_else(no_such_activity)?;
    decided(&state, &record).await
}

/// Undoes a cancellation: the activity is published again if it had been
/// approved, and back in the queue for review if not, without the
/// cancellation's reason. Refused with 409 for an activity that is not
/// cancelled (`not_cancelled`), one that has begun (`activity_started`) and
/// one of another edition (`other_edition`).
#[utoipa::path(
    post,
    path = "/admin/activities/{id}/restore",
    tag = OPERATORS_TAG,
    security(("admin_token" = [])),
    params(("id" = String, Path, description = "The activity's id.")),
    responses(
        (status = 200, description = "The activity as it is now.", body = AdminActivity),
        (status = 404, description = "`not_found`: no activity has this id.", body = ErrorBody),
        (status = 409, description = "`not_cancelled`, `activity_started` or `other_edition`.", body = ErrorBody),
        AdminRefusals,
    )
)]
async fn restore_activity(
    admin: Admin,
    State(state): State<AppState>,
    IdPath(id): IdPath,
) -> Result<Response, ApiError> {
    let published = state.published();
    let context = Context {
        edition_id: published.edition_id,
        edition: &published.edition,
        now: Utc::now(),
    };
    let audit = NewAuditEntry::new(admin.name, AuditAction::Restore);
    let (verdict, record) = judged(
        &state,
        &id,
        |current| judge_restore(current, &context),
        audit,
    )
    .await?
    .ok_or_else(no_such_activity)?;
    match verdict {
        ReviewVerdict::Done => {}
        ReviewVerdict::NotCancelled => return Err(ApiError::NotCancelled),
        ReviewVerdict::Cancelled => {
            return Err(ApiError::ActivityCancelled(
                "Aktiviteten är inställd och kan inte ändras.",
            ));
        }
        ReviewVerdict::Started => {
            return Err(ApiError::ActivityStarted(
                "Aktiviteten har redan börjat och inställningen kan inte ångras.",
            ));
        }
        ReviewVerdict::OtherEdition => {
            return Err(ApiError::OtherEdition(
                "Aktiviteten hör till en annan Innovationsvecka än den som gäller nu och \
                 inställningen kan inte ångras.",
            ));
        }
    }
    decided(&state, &record).await
}

/// The answer to a decision that was stored: the activity as the operators
/// see it, after the programme has been published anew.
async fn decided(state: &AppState, record: &ActivityRecord) -> Result<Response, ApiError> {
    // A decision can alter the public list (a rejected activity may have
    // been published); rebuilding it is cheap next to an operator's click.
    // The decision is stored: a failed rebuild is retried, never a 500.
    state.republish().await;
    Ok((private(), Json(AdminActivity::from(record))).into_response())
}

/// A row of the audit as the operators see it.
#[derive(Serialize, ToSchema)]
struct AuditView<'a> {
    at: &'a str,
    /// The operator's name, or "arrangör" for the organiser's own changes.
    operator: &'a str,
    /// approve, reject, restore, edit, cancel or erase.
    action: &'a str,
    activity_id: Option<&'a str>,
    /// The activity's title now; missing when it is no longer stored.
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    reason: Option<&'a str>,
    /// A rejection's standard reason.
    code: Option<&'a str>,
}

impl<'a> From<&'a AuditEntry> for AuditView<'a> {
    fn from(entry: &'a AuditEntry) -> Self {
        AuditView {
            at: &entry.at,
            operator: &entry.operator,
            action: &entry.action,
            activity_id: entry.activity_id.as_deref(),
            title: entry.title.as_deref(),
            reason: entry.reason.as_deref(),
            code: entry.code.as_deref(),
        }
    }
}

#[derive(Serialize, ToSchema)]
struct AuditList<'a> {
    entries: Vec<AuditView<'a>>,
}

/// `{ entries: [...] }`: who decided what, newest first; the newest
/// [`AUDIT_DEFAULT_LIMIT`], or `limit` (1 to [`AUDIT_MAX_LIMIT`]).
#[utoipa::path(
    get,
    path = "/admin/audit",
    tag = OPERATORS_TAG,
    security(("admin_token" = [])),
    params(("limit" = Option<u32>, Query, minimum = 1, maximum = 1000, description = "How many rows, newest first; 200 if not given.")),
    responses(
        (status = 200, description = "The audit; never cached.", body = AuditList),
        (status = 400, description = "`invalid_filter`: `limit` is not 1 to 1000.",
            body = ErrorBody),
        AdminRefusals,
    )
)]
async fn list_audit(
    _: Admin,
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let mut limit = AUDIT_DEFAULT_LIMIT;
    for (name, value) in form_urlencoded::parse(query.as_deref().unwrap_or_default().as_bytes()) {
        if name == "limit" {
            limit = value
                .parse()
                .ok()
                .filter(|limit| (1..=AUDIT_MAX_LIMIT).contains(limit))
                .ok_or_else(|| FilterError {
                    param: "limit",
                    value: value.into_owned(),
                })?;
        }
    }
    let entries = state.storage().audit_entries(limit).await?;
    let body = AuditList {
        entries: entries.iter().map(AuditView::from).collect(),
    };
    Ok((private(), Json(body)).into_response())
}

/// `{ waiting, sent, failed, problems: [...] }`: the e-mail outbox in
/// figures, and the newest messages that have failed at least once or were
/// given up, each with its last error.
#[utoipa::path(
    get,
    path = "/admin/mail",
    tag = OPERATORS_TAG,
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "The outbox; never cached.", body = MailOverview),
        AdminRefusals,
    )
)]
async fn get_mail(_: Admin, State(state): State<AppState>) -> Result<Response, ApiError> {
    let overview = state.storage().mail_overview(MAIL_PROBLEMS_LIMIT).await?;
    Ok((private(), Json(overview)).into_response())
}

/// Tries a given-up message again, from the first attempt, and answers with
/// the outbox as `GET /api/admin/mail` does; 404 when there is no given-up
/// message with that id.
#[utoipa::path(
    post,
    path = "/admin/mail/{id}/retry",
    tag = OPERATORS_TAG,
    security(("admin_token" = [])),
    params(("id" = i64, Path, description = "The message's id.")),
    responses(
        (status = 200, description = "The outbox, as `GET /api/admin/mail` gives it.",
            body = MailOverview),
        (status = 404, description = "`not_found`: no given-up message has this id.",
            body = ErrorBody),
        AdminRefusals,
    )
)]
async fn retry_mail(
    admin: Admin,
    State(state): State<AppState>,
    IdPath(id): IdPath,
) -> Result<Response, ApiError> {
    let id: i64 = id
        .parse()
        .map_err(|_| ApiError::NotFound("Det finns inget uppgivet mejl med det id:t."))?;
    if !state.storage().retry_mail(id).await? {
        return Err(ApiError::NotFound(
            "Det finns inget uppgivet mejl med det id:t.",
        ));
    }
    state.wake_mail_sender();
    get_mail(admin, State(state)).await
}

/// Whose data to erase: `{ "email": "namn@exempel.se" }`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct ErasureRequest {
    email: String,
}

/// Erases one person's data on their request (GDPR, article 17), in every
/// activity of any status and edition: a contact (as it is, or as last
/// approved) with this e-mail address (in any case) loses its name, address
/// and phone, a submitter's address that is this one goes, and so does every
/// message of the outbox to it. The activities themselves stay, with their
/// other fields, and another person's contact stays. Each activity changed
/// gets an audit row `erase` with the operator's name, which holds no
/// address. An address that is nowhere gives 200 with nothing erased.
#[utoipa::path(
    post,
    path = "/admin/erasure",
    tag = OPERATORS_TAG,
    security(("admin_token" = [])),
    request_body = ErasureRequest,
    responses(
        (status = 200, description = "What was erased; never cached.", body = Erased),
        (status = 400, description = "`malformed_json` or `unreadable_body`.", body = ErrorBody),
        (status = 413, description = "`payload_too_large`: the body is over 8 KiB.",
            body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`: the body is not declared as \
            `application/json`.", body = ErrorBody),
        (status = 422, description = "`invalid_body`, or `validation`: no e-mail address, or \
            not one.", body = ErrorBody),
        AdminRefusals,
    )
)]
async fn erase_person(
    admin: Admin,
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    require_json(&headers)?;
    let body = body_bytes(body, BODY_LIMIT)?;
    let ErasureRequest { email } = parse_json(&body)?;
    let mut errors = FieldErrors::default();
    errors.email("email", &email);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let erased = state
        .storage()
        .erase_person(email.trim(), &admin.name)
        .await?;
    tracing::info!(
        operator = %admin.name,
        activities = erased.activities.len(),
        messages = erased.messages,
        "one person's data erased on request"
    );
    if !erased.activities.is_empty() {
        // An erased contact may have been public.
        state.republish().await;
    }
    Ok((private(), Json(erased)).into_response())
}

#[derive(Serialize, ToSchema)]
struct Me<'a> {
    /// The operator's name, as the audit records it.
    name: &'a str,
}

/// `{ name }`: who the token belongs to.
#[utoipa::path(
    get,
    path = "/admin/me",
    tag = OPERATORS_TAG,
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "Whose token it is.", body = Me),
        AdminRefusals,
    )
)]
async fn get_me(admin: Admin) -> Response {
    (private(), Json(Me { name: &admin.name })).into_response()
}

/// The query parameters of `GET /api/admin/activities`.
struct AdminListParams;

impl IntoParams for AdminListParams {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let param = |name: &str, description: &str, schema| {
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Query)
                .description(Some(description))
                .schema(Some(schema))
                .build()
        };
        vec![
            param(
                "status",
                "Only the activities of this status.",
                ActivityStatus::schema(),
            ),
            param(
                "order",
                "`created`: oldest registration first (the default with `status=pending`); \
                 `start`: by start (the default otherwise).",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some(["created", "start"]))
                    .into(),
            ),
        ]
    }
}
