//! What the server and the app say to each other: the JSON of the answers the
//! app reads, and what a sending's answer means for the outbox. Plain Rust with
//! no browser in it, so the API client ([`crate::api`]) and local storage
//! ([`crate::store`]) share it without depending on each other, and its rules
//! are tested natively.

use std::time::Duration;

use programme::{Activity, ActivityStatus, FieldErrors};
use serde::{Deserialize, Serialize};

/// The server's answer to a registration or an edit it accepted.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Accepted {
    pub id: String,
    pub edit_token: String,
    /// The activity's version after the change (`If-Match` of the next edit).
    #[serde(default)]
    pub version: u64,
    pub activity: AcceptedActivity,
}

/// The part of the accepted activity the app keeps.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct AcceptedActivity {
    pub status: ActivityStatus,
    #[serde(default)]
    pub title: String,
}

/// A refusal's message and field errors.
#[derive(Debug, Default, Deserialize)]
pub struct Refusal {
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub fields: FieldErrors,
}

impl Refusal {
    /// Reads a refusal as the server wrote it; a body that is no refusal of
    /// ours still gives a message.
    pub fn read(status: u16, response: &str) -> Refusal {
        let mut refusal: Refusal = serde_json::from_str(response).unwrap_or_default();
        if refusal.message.is_empty() {
            refusal.message = match status {
                404 => "Vi hittar inte aktiviteten, eller så stämmer inte länken.".to_owned(),
                _ => format!("Servern tog inte emot anmälan ({status})."),
            };
        }
        refusal
    }
}

/// What the organiser sees of their own registration (`GET /api/submissions/{id}`).
#[derive(Debug, Clone, Deserialize)]
pub struct OrganiserView {
    pub id: String,
    pub status: ActivityStatus,
    pub title: String,
    #[serde(default)]
    pub review_note: Option<String>,
    #[serde(default)]
    pub version: u64,
    #[serde(default)]
    pub submitter_email: String,
    pub activity: Activity,
    /// What happened to it, oldest first.
    #[serde(default)]
    pub history: Vec<HistoryEntry>,
}

/// One decision by the operators, or change by the organiser.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct HistoryEntry {
    /// When (RFC 3339).
    pub at: String,
    /// approve, reject, restore, edit or cancel.
    pub action: String,
    /// `operators` or `organiser`.
    pub by: String,
    #[serde(default)]
    pub reason: Option<String>,
}

impl HistoryEntry {
    /// What happened, in a sentence to the organiser.
    pub fn sentence(&self) -> String {
        let by_operators = self.by == "operators";
        let what = match (self.action.as_str(), by_operators) {
            ("approve", true) => "Redaktionen godkände aktiviteten, och den kom med i programmet.",
            ("reject", true) => "Redaktionen godkände inte aktiviteten för programmet.",
            ("restore", true) => "Redaktionen ångrade inställningen.",
            ("erase", _) => "Kontaktuppgifterna togs bort.",
            ("edit", false) => "Du ändrade anmälan.",
            ("cancel", false) => "Du ställde in aktiviteten.",
            (_, true) => "Redaktionen ändrade anmälans status.",
            (_, false) => "Du ändrade anmälan.",
        };
        match &self.reason {
            Some(reason) if self.action == "reject" => format!("{what} Skäl: {reason}"),
            Some(reason) => format!("{what} Förklaring: {reason}"),
            None => what.to_owned(),
        }
    }

    /// When, as "2 december 2026 kl. 14.05".
    pub fn when(&self) -> String {
        programme::time::format_moment_text(&self.at)
    }
}

/// What an answer to a sending means for the registration in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// Stored: keep the acceptance, let the draft go.
    Accepted,
    /// Not now (offline, the server down, busy or failing): send it again later.
    Retry,
    /// The server will not take it as it is; the person must act.
    Refused,
    /// The key was used before with another text: the first registration is
    /// in the answer, and the new text becomes an edit of it.
    KeyReused,
}

/// Reads the status of an answer (`None`: no answer at all) and its error
/// code. 401, 403, 404, 405, 409 and 412 are refusals the person must act on
/// (retrying would be refused the same way for ever); 408, 429 and 5xx are the
/// server's trouble and pass.
pub fn classify(status: Option<u16>, error_code: &str) -> Delivery {
    match status {
        None => Delivery::Retry,
        Some(200..=299) => Delivery::Accepted,
        // The body was cut off on the way: it may arrive whole next time.
        Some(400) if error_code == "unreadable_body" => Delivery::Retry,
        Some(422) if error_code == "idempotency_key_reused" => Delivery::KeyReused,
        Some(408 | 425 | 429) | Some(500..=599) => Delivery::Retry,
        Some(_) => Delivery::Refused,
    }
}

/// How long to wait before the next attempt after `attempts` failed ones:
/// 5, 10 and 20 seconds, then every 30 (and at once when the browser is back
/// online).
pub fn retry_delay(attempts: u32) -> Duration {
    Duration::from_secs((5u64 << attempts.saturating_sub(1).min(3)).min(30))
}

/// The error code of an answer's body, if it is one of ours.
pub fn error_code(body: &str) -> String {
    #[derive(Deserialize)]
    struct Code {
        #[serde(default)]
        error: String,
    }
    serde_json::from_str::<Code>(body)
        .map(|c| c.error)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_history_reads_as_plain_sentences_to_the_organiser() {
        let entry = |action: &str, by: &str, reason: Option<&str>| HistoryEntry {
            at: "2026-12-02T13:05:00+00:00".into(),
            action: action.into(),
            by: by.into(),
            reason: reason.map(str::to_owned),
        };
        let rejected = entry("reject", "operators", Some("Ingen offentlig part."));
        assert_eq!(
            rejected.sentence(),
            "Redaktionen godkände inte aktiviteten för programmet. Skäl: Ingen offentlig part."
        );
        assert_eq!(rejected.when(), "2 december 2026 kl. 14.05");
        assert_eq!(
            entry("approve", "operators", None).sentence(),
            "Redaktionen godkände aktiviteten, och den kom med i programmet."
        );
        assert_eq!(
            entry("cancel", "organiser", Some("Sjuk talare.")).sentence(),
            "Du ställde in aktiviteten. Förklaring: Sjuk talare."
        );
        assert_eq!(
            entry("restore", "operators", None).sentence(),
            "Redaktionen ångrade inställningen."
        );
        assert_eq!(
            entry("erase", "operators", None).sentence(),
            "Kontaktuppgifterna togs bort."
        );
    }

    #[test]
    fn answers_that_cannot_get_better_are_refusals_not_retries() {
        // Regression: 401/403/404/405/409 were retried every 30 seconds for
        // ever, with nothing on screen to stop it.
        for status in [401, 403, 404, 405, 409, 412, 413, 415, 428] {
            assert_eq!(classify(Some(status), ""), Delivery::Refused, "{status}");
        }
        assert_eq!(classify(Some(422), "validation"), Delivery::Refused);
        for status in [408, 429, 500, 502, 503, 504] {
            assert_eq!(classify(Some(status), ""), Delivery::Retry, "{status}");
        }
        assert_eq!(classify(None, ""), Delivery::Retry);
        assert_eq!(classify(Some(400), "unreadable_body"), Delivery::Retry);
        assert_eq!(classify(Some(400), "malformed_json"), Delivery::Refused);
        assert_eq!(classify(Some(201), ""), Delivery::Accepted);
    }

    #[test]
    fn a_reused_key_is_recovered_not_sent_back_to_the_form() {
        // Regression: idempotency_key_reused sent the person back to the form,
        // which resent with the same key, in a loop.
        assert_eq!(
            classify(Some(422), "idempotency_key_reused"),
            Delivery::KeyReused
        );
        assert_eq!(
            error_code(r#"{"error":"idempotency_key_reused","message":"x"}"#),
            "idempotency_key_reused"
        );
        assert_eq!(error_code("<html>"), "");
    }

    #[test]
    fn retries_wait_longer_after_each_failure_up_to_half_a_minute() {
        let seconds: Vec<u64> = (1..=6).map(|n| retry_delay(n).as_secs()).collect();
        assert_eq!(seconds, [5, 10, 20, 30, 30, 30]);
        assert_eq!(retry_delay(0).as_secs(), 5);
    }
}
