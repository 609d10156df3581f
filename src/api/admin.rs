//! The operators' part of the API client: `/api/admin/…` with the operator's
//! token. Only the operators' app (`admin.html`) uses it.

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

/// Rejects an activity with the reason its organiser will read.
pub async fn reject(token: &str, id: &str, reason: &str) -> Result<AdminActivity, ApiError> {
    #[derive(Serialize)]
    struct Rejection<'a> {
        reason: &'a str,
    }
    let body = serde_json::to_string(&Rejection { reason }).map_err(|_| ApiError::Decode)?;
    read_json(admin_request(
        "POST",
        &activity_path(id, "reject"),
        token,
        Some(body),
    )?)
    .await
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
