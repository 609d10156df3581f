//! The operators' part of the API client: `/api/admin/…` with the operator's
//! token. Only the operators' app (`admin.html`) uses it.

use programme::moderation::RejectionCode;
use programme::{Activity, ActivityStatus};
use serde::{Deserialize, Serialize};

use super::{ApiError, authorized, read_json};

/// An activity as the operators see it.
#[derive(Debug, Clone, Deserialize)]
pub struct AdminActivity {
    #[serde(flatten)]
    pub activity: Activity,
    #[serde(default)]
    pub submitter_email: Option<String>,
    #[serde(default)]
    pub review_note: Option<String>,
    /// When it was registered (RFC 3339).
    #[serde(default)]
    pub created_at: String,
    #[serde(default)]
    pub changed_since_approval: bool,
    /// What changed since the approval, by `programme::changes::Part` key.
    #[serde(default)]
    pub changed_parts: Vec<String>,
}

/// Who is signed in.
#[derive(Debug, Clone, Deserialize)]
pub struct Me {
    pub name: String,
}

/// A row of the audit.
#[derive(Debug, Clone, Deserialize)]
pub struct AuditEntry {
    pub at: String,
    pub operator: String,
    pub action: String,
    #[serde(default)]
    pub activity_id: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Deserialize)]
struct AuditList {
    entries: Vec<AuditEntry>,
}

/// A message in the outbox that has run into trouble.
#[derive(Debug, Clone, Deserialize)]
pub struct MailProblem {
    pub id: i64,
    pub kind: String,
    pub to: Vec<String>,
    pub title: String,
    pub attempts: i64,
    #[serde(default)]
    pub next_attempt_at: Option<String>,
    #[serde(default)]
    pub failed_at: Option<String>,
    #[serde(default)]
    pub last_error: Option<String>,
}

/// The e-mail outbox in figures, with its troubles.
#[derive(Debug, Clone, Deserialize)]
pub struct MailOverview {
    pub waiting: u64,
    pub sent: u64,
    pub failed: u64,
    pub problems: Vec<MailProblem>,
}

#[derive(Deserialize)]
struct AdminList {
    activities: Vec<AdminActivity>,
}

/// A request to the admin API with the operator's token.
fn admin_request(
    method: &str,
    path: &str,
    token: &str,
    body: Option<String>,
) -> Result<wasm_bindgen_futures::JsFuture, ApiError> {
    authorized(method, &format!("/api/admin{path}"), token, body.as_deref())
}

/// Every activity of the current edition, whatever its status.
pub async fn all_activities(token: &str) -> Result<Vec<AdminActivity>, ApiError> {
    let list: AdminList = read_json(admin_request("GET", "/activities", token, None)?).await?;
    Ok(list.activities)
}

/// The operator the token belongs to.
pub async fn me(token: &str) -> Result<Me, ApiError> {
    read_json(admin_request("GET", "/me", token, None)?).await
}

/// The newest rows of the audit, newest first.
pub async fn audit(token: &str, limit: u32) -> Result<Vec<AuditEntry>, ApiError> {
    let path = format!("/audit?limit={limit}");
    let list: AuditList = read_json(admin_request("GET", &path, token, None)?).await?;
    Ok(list.entries)
}

/// The e-mail outbox.
pub async fn mail(token: &str) -> Result<MailOverview, ApiError> {
    read_json(admin_request("GET", "/mail", token, None)?).await
}

/// Tries a given-up message again.
pub async fn retry_mail(token: &str, id: i64) -> Result<MailOverview, ApiError> {
    read_json(admin_request(
        "POST",
        &format!("/mail/{id}/retry"),
        token,
        None,
    )?)
    .await
}

/// Undoes an activity's cancellation.
pub async fn restore(token: &str, id: &str) -> Result<AdminActivity, ApiError> {
    read_json(admin_request(
        "POST",
        &activity_path(id, "restore"),
        token,
        None,
    )?)
    .await
}

fn activity_path(id: &str, action: &str) -> String {
    format!(
        "/activities/{}/{action}",
        programme::filter::percent_encode(id)
    )
}

/// Publishes an activity.
pub async fn approve(token: &str, id: &str) -> Result<AdminActivity, ApiError> {
    read_json(admin_request(
        "POST",
        &activity_path(id, "approve"),
        token,
        None,
    )?)
    .await
}

/// Rejects an activity with the reason its organiser will read, and the
/// standard reason it was picked from (kept in the audit).
pub async fn reject(
    token: &str,
    id: &str,
    reason: &str,
    code: Option<RejectionCode>,
) -> Result<AdminActivity, ApiError> {
    #[derive(Serialize)]
    struct Rejection<'a> {
        reason: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        code: Option<&'static str>,
    }
    let body = serde_json::to_string(&Rejection {
        reason,
        code: code.map(RejectionCode::key),
    })
    .map_err(|_| ApiError::Decode)?;
    read_json(admin_request(
        "POST",
        &activity_path(id, "reject"),
        token,
        Some(body),
    )?)
    .await
}

/// What erasing one person's data changed.
#[derive(Debug, Clone, Deserialize)]
pub struct Erased {
    pub activities: Vec<ErasedActivity>,
    pub messages: u64,
}

/// An activity whose contact was erased.
#[derive(Debug, Clone, Deserialize)]
pub struct ErasedActivity {
    pub id: String,
    pub title: String,
}

/// Erases one person's contact data everywhere, on their request.
pub async fn erase_person(token: &str, email: &str) -> Result<Erased, ApiError> {
    #[derive(Serialize)]
    struct Erasure<'a> {
        email: &'a str,
    }
    let body = serde_json::to_string(&Erasure { email }).map_err(|_| ApiError::Decode)?;
    read_json(admin_request("POST", "/erasure", token, Some(body))?).await
}

/// How many activities there are of each status.
pub fn counts(activities: &[AdminActivity]) -> [(ActivityStatus, usize); 4] {
    ActivityStatus::ALL
        .iter()
        .map(|status| {
            (
                *status,
                activities
                    .iter()
                    .filter(|a| a.activity.status == *status)
                    .count(),
            )
        })
        .collect::<Vec<_>>()
        .try_into()
        .unwrap_or([
            (ActivityStatus::Pending, 0),
            (ActivityStatus::Published, 0),
            (ActivityStatus::Rejected, 0),
            (ActivityStatus::Cancelled, 0),
        ])
}
