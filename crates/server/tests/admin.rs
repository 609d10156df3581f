//! The operators' API beyond what `submissions.rs` covers: named operator
//! tokens and the settings refused at start-up, wrong tokens slowed down,
//! the audit, what approval refuses, undoing a cancellation, the counts and
//! the queue. In process with a SQLite file per test.

mod common;

use axum::http::{StatusCode, header};
use chrono::{Duration, Utc};
use common::registration::{ADMIN_TOKEN, spawn, spawn_with};
use common::{Reply, TestApp};
use serde_json::{Value, json};
use server::{AppState, Config};

const ANNA: &str = "annas-egen-operatorsnyckel-med-32-tecken";
const BO: &str = "bos-egen-operatorsnyckel-med-minst-32-tecken";

/// The app with the operators Anna and Bo besides the single admin token.
async fn spawn_with_operators() -> common::TestApp {
    spawn_with(|c| c.admin_tokens = Some(format!("Anna:{ANNA},Bo:{BO}"))).await
}

/// Why `AppState::open` refuses settings made by `configure`.
async fn refusal(configure: impl FnOnce(&mut Config)) -> String {
    let dir = tempfile::tempdir().unwrap();
    let mut config = common::config(dir.path().join("data")).await;
    configure(&mut config);
    let error = AppState::open(config).await.err().expect("refused");
    format!("{error:#}")
}

#[tokio::test]
async fn each_named_operator_token_opens_the_admin_api_and_others_do_not() {
    let app = spawn_with_operators().await;
    for token in [ANNA, BO, ADMIN_TOKEN] {
        let reply = app
            .admin("GET", "/api/admin/activities", Some(token), None)
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{token}");
    }
    let wrong = app
        .admin("GET", "/api/admin/activities", Some(&ANNA[1..]), None)
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_short_operator_token_is_refused_at_start_up_naming_its_variable() {
    let message = refusal(|c| c.admin_token = Some("för-kort".into())).await;
    assert!(message.contains("IV_ADMIN_TOKEN:"), "{message}");
    assert!(message.contains("32"), "{message}");
    let message = refusal(|c| c.admin_tokens = Some(format!("Anna:{ANNA},Bo:kort"))).await;
    assert!(message.contains("IV_ADMIN_TOKENS (entry 2)"), "{message}");
    assert!(message.contains("Bo is too short"), "{message}");
}

#[tokio::test]
async fn a_duplicate_operator_name_or_token_or_an_empty_name_is_refused_at_start_up() {
    let message = refusal(|c| c.admin_tokens = Some(format!("Anna:{ANNA},Anna:{BO}"))).await;
    assert!(message.contains("IV_ADMIN_TOKENS"), "{message}");
    assert!(message.contains("Anna is given twice"), "{message}");
    let message = refusal(|c| c.admin_tokens = Some(format!("Anna:{ANNA},Bo:{ANNA}"))).await;
    assert!(message.contains("also another operator's"), "{message}");
    let message = refusal(|c| c.admin_tokens = Some(format!(":{ANNA}"))).await;
    assert!(message.contains("needs a name"), "{message}");

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("operatorer");
    std::fs::write(
        &file,
        format!("# Årets operatörer\nAnna:{ANNA}\nAnna:{BO}\n"),
    )
    .unwrap();
    let message = refusal(|c| c.admin_tokens_file = Some(file)).await;
    assert!(message.contains("IV_ADMIN_TOKENS_FILE"), "{message}");
    assert!(message.contains("line 3"), "{message}");
}

#[tokio::test]
async fn the_sixth_wrong_operator_token_in_a_row_gets_429_and_then_even_a_right_one_waits() {
    let app = spawn_with_operators().await;
    // In-process requests have no client address: they count as one client.
    for attempt in 1..=5 {
        let reply = app
            .admin("GET", "/api/admin/activities", Some("gissning"), None)
            .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
    }
    let sixth = app
        .admin("GET", "/api/admin/activities", Some("gissning"), None)
        .await;
    assert_eq!(sixth.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(sixth.error(), "rate_limited");
    let wait: u64 = sixth.headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=10).contains(&wait), "{wait}");
    assert!(
        sixth.json()["message"]
            .as_str()
            .unwrap()
            .contains("fel nyckel")
    );
    // While the address is blocked a hit cannot be told from a miss.
    let right = app
        .admin("GET", "/api/admin/activities", Some(ANNA), None)
        .await;
    assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS);
    // Without a token there is nothing to guess with: still 401.
    let none = app.admin("GET", "/api/admin/activities", None, None).await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn right_operator_tokens_are_never_counted_as_guesses() {
    let app = spawn_with_operators().await;
    for _ in 0..20 {
        let reply = app
            .admin("GET", "/api/admin/activities", Some(BO), None)
            .await;
        assert_eq!(reply.status, StatusCode::OK);
    }
    for attempt in 1..=5 {
        let reply = app
            .admin("GET", "/api/admin/activities", Some("gissning"), None)
            .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
    }
}

/// An operator's POST on an activity, `/api/admin/activities/{id}/{what}`.
async fn decide(app: &TestApp, token: &str, id: &str, what: &str, body: Option<Value>) -> Reply {
    let uri = format!("/api/admin/activities/{id}/{what}");
    app.admin("POST", &uri, Some(token), body).await
}

/// The audit's entries, newest first.
async fn audit(app: &TestApp) -> Vec<Value> {
    let reply = app.admin_get("/api/admin/audit").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.headers[header::CACHE_CONTROL], "no-store");
    reply.json()["entries"].as_array().unwrap().clone()
}

/// Makes a stored activity begin an hour ago, as the clock would.
async fn start_an_hour_ago(app: &TestApp, id: &str) {
    let started = (Utc::now() - Duration::hours(1)).to_rfc3339();
    app.move_start(id, &started).await;
}

#[tokio::test]
async fn every_decision_is_in_the_audit_with_the_operators_name_newest_first() {
    let app = spawn_with_operators().await;
    let body = app.valid_body().await;
    let (first, token) = app.register("a", &body).await;
    let (second, _) = app.register("b", &body).await;

    let approved = decide(&app, ANNA, &first, "approve", None).await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.text());
    let reason = json!({ "reason": "Saknar offentlig arrangör." });
    let rejected = decide(&app, BO, &second, "reject", Some(reason)).await;
    assert_eq!(rejected.status, StatusCode::OK, "{}", rejected.text());
    let cancelled = app
        .cancel(&first, Some(&token), Some(json!({ "reason": "Sjuk." })))
        .await;
    assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.text());
    let restored = decide(&app, ADMIN_TOKEN, &first, "restore", None).await;
    assert_eq!(restored.status, StatusCode::OK, "{}", restored.text());

    let entries = audit(&app).await;
    let rows: Vec<_> = entries
        .iter()
        .map(|e| {
            (
                e["operator"].as_str().unwrap(),
                e["action"].as_str().unwrap(),
                e["activity_id"].as_str().unwrap(),
                e["reason"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("operatör", "restore", first.as_str(), None),
            ("arrangör", "cancel", first.as_str(), Some("Sjuk.")),
            (
                "Bo",
                "reject",
                second.as_str(),
                Some("Saknar offentlig arrangör.")
            ),
            ("Anna", "approve", first.as_str(), None),
        ]
    );
    assert_eq!(entries[0]["title"], body["title"]);
    let at = entries[0]["at"].as_str().unwrap();
    assert!(chrono::DateTime::parse_from_rfc3339(at).is_ok(), "{at}");

    // A refused decision changes nothing and is not in the audit.
    let again = decide(&app, ANNA, &first, "restore", None).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(audit(&app).await.len(), 4);
    // The audit is for operators only.
    let outsider = app.admin("GET", "/api/admin/audit", None, None).await;
    assert_eq!(outsider.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn approval_refuses_a_cancelled_activity_until_the_cancellation_is_undone() {
    let app = spawn().await;
    let (id, token) = app.register("k", &app.valid_body().await).await;
    app.cancel(&id, Some(&token), None).await;
    let refused = app.approve(&id).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.text());
    assert_eq!(refused.error(), "activity_cancelled");
    assert_eq!(
        refused.json()["message"],
        "Aktiviteten är inställd och kan inte godkännas. Ångra inställningen först."
    );
    assert!(!app.public_ids().await.contains(&id));
    assert_eq!(app.admin_record(&id).await["status"], "cancelled");

    let restored = decide(&app, ADMIN_TOKEN, &id, "restore", None).await;
    assert_eq!(
        restored.json()["status"],
        "pending",
        "never approved: back to review"
    );
    assert_eq!(app.approve(&id).await.status, StatusCode::OK);
    assert!(app.public_ids().await.contains(&id));
}

#[tokio::test]
async fn approval_refuses_an_activity_that_has_started() {
    let app = spawn().await;
    let (id, _) = app.register("k", &app.valid_body().await).await;
    start_an_hour_ago(&app, &id).await;
    let refused = app.approve(&id).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.text());
    assert_eq!(refused.error(), "activity_started");
    assert_eq!(
        refused.json()["message"],
        "Aktiviteten har redan börjat och kan inte godkännas."
    );
    assert_eq!(app.admin_record(&id).await["status"], "pending");
    assert!(audit(&app).await.is_empty());
}

#[tokio::test]
async fn approval_refuses_an_activity_of_another_edition() {
    let app = spawn().await;
    let (id, _) = app.register("k", &app.valid_body().await).await;
    let next_year = app.edition_start().await + Duration::days(364);
    let app = app.restart(|c| c.edition_starts_on = Some(next_year)).await;
    let refused = app.approve(&id).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.text());
    assert_eq!(refused.error(), "other_edition");
}

#[tokio::test]
async fn undoing_a_cancellation_of_an_approved_activity_publishes_it_again() {
    let app = spawn().await;
    let (id, token) = app.register("k", &app.valid_body().await).await;
    app.approve(&id).await;
    let cancel = json!({ "reason": "Talaren är sjuk." });
    app.cancel(&id, Some(&token), Some(cancel)).await;
    let public = app.get(&format!("/api/activities/{id}")).await.json();
    assert_eq!(public["status"], "cancelled");

    let restored = decide(&app, ADMIN_TOKEN, &id, "restore", None).await;
    assert_eq!(restored.status, StatusCode::OK, "{}", restored.text());
    assert_eq!(restored.headers[header::CACHE_CONTROL], "no-store");
    assert_eq!(restored.json()["status"], "published");
    let public = app.get(&format!("/api/activities/{id}")).await.json();
    assert_eq!(public["status"], "published");
    assert!(public["cancellation_reason"].is_null(), "{public}");
    let view = app.view(&id, Some(&token)).await.json();
    assert_eq!(view["status"], "published");

    // Only a cancelled activity can be restored.
    let again = decide(&app, ADMIN_TOKEN, &id, "restore", None).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.error(), "not_cancelled");
    let unknown = decide(&app, ADMIN_TOKEN, "finns-inte", "restore", None).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_cancellation_cannot_be_undone_once_the_activity_has_started() {
    let app = spawn().await;
    let (id, token) = app.register("k", &app.valid_body().await).await;
    app.cancel(&id, Some(&token), None).await;
    start_an_hour_ago(&app, &id).await;
    let refused = decide(&app, ADMIN_TOKEN, &id, "restore", None).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(refused.error(), "activity_started");
    assert_eq!(app.admin_record(&id).await["status"], "cancelled");
}

#[tokio::test]
async fn the_counts_say_how_many_activities_of_the_edition_have_each_status() {
    let app = spawn().await;
    let before = app.admin_get("/api/admin/counts").await;
    assert_eq!(before.status, StatusCode::OK);
    assert_eq!(before.headers[header::CACHE_CONTROL], "no-store");
    let before = before.json();
    assert_eq!(before["pending"], 0);
    let demo_published = before["published"].as_u64().unwrap();
    let demo_cancelled = before["cancelled"].as_u64().unwrap();
    assert!(demo_published > 100, "{before}");

    let body = app.valid_body().await;
    let mut ids = Vec::new();
    for key in ["a", "b", "c", "d", "e"] {
        ids.push(app.register(key, &body).await);
    }
    app.approve(&ids[0].0).await;
    app.reject(&ids[1].0, "Dubbelanmäld.").await;
    app.cancel(&ids[2].0, Some(&ids[2].1), None).await;
    let counts = app.admin_get("/api/admin/counts").await.json();
    assert_eq!(
        counts,
        json!({
            "pending": 2,
            "published": demo_published + 1,
            "rejected": 1,
            "cancelled": demo_cancelled + 1,
        })
    );
    let outsider = app.admin("GET", "/api/admin/counts", None, None).await;
    assert_eq!(outsider.status, StatusCode::UNAUTHORIZED);
}

/// The ids of the pending queue, in the order the operators get them.
async fn queue(app: &TestApp) -> Vec<String> {
    let reply = app.admin_get("/api/admin/activities?status=pending").await;
    let list = reply.json()["activities"].as_array().unwrap().clone();
    list.iter()
        .map(|a| a["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_queue_comes_oldest_registration_first_and_survives_a_restart() {
    let app = spawn().await;
    let start = app.edition_start().await;
    let mut registered = Vec::new();
    // Registered late in the week first, so start order is the other way round.
    for (key, day) in [("a", 4), ("b", 2), ("c", 1)] {
        let body = common::registration::valid_body_on(
            start + Duration::days(day),
            common::registration::time(10, 0),
            common::registration::time(11, 0),
        );
        registered.push(app.register(key, &body).await.0);
    }
    assert_eq!(queue(&app).await, registered);
    let by_start = app
        .admin_get("/api/admin/activities?status=pending&order=start")
        .await
        .json();
    let by_start: Vec<_> = by_start["activities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_owned())
        .collect();
    let reversed: Vec<_> = registered.iter().rev().cloned().collect();
    assert_eq!(by_start, reversed);
    let bad = app
        .admin_get("/api/admin/activities?status=pending&order=maybe")
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);

    let app = app.restart(|_| {}).await;
    assert_eq!(queue(&app).await, registered);
}

#[tokio::test]
async fn a_rejection_can_give_a_standard_reason_by_its_code_and_the_audit_keeps_the_code() {
    let app = spawn().await;
    let body = app.valid_body().await;
    let (first, token) = app.register("a", &body).await;
    let (second, _) = app.register("b", &body).await;
    let by_code = json!({ "code": "no_public_party" });
    let rejected = decide(&app, ADMIN_TOKEN, &first, "reject", Some(by_code)).await;
    assert_eq!(rejected.status, StatusCode::OK, "{}", rejected.text());
    let note = rejected.json()["review_note"].as_str().unwrap().to_owned();
    assert!(note.contains("offentlig arrangör"), "{note}");
    assert_eq!(
        app.view(&first, Some(&token)).await.json()["review_note"],
        note
    );

    let own = json!({ "code": "duplicate", "reason": "Samma som förra veckans." });
    let rejected = decide(&app, ADMIN_TOKEN, &second, "reject", Some(own)).await;
    assert_eq!(rejected.json()["review_note"], "Samma som förra veckans.");

    let other = json!({ "code": "other" });
    let refused = decide(&app, ADMIN_TOKEN, &second, "reject", Some(other)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.codes("reason"), ["required"]);
    let unknown = json!({ "code": "ful", "reason": "Skäl." });
    let refused = decide(&app, ADMIN_TOKEN, &second, "reject", Some(unknown)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.error(), "invalid_body");

    let entries = audit(&app).await;
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["code"], "duplicate");
    assert_eq!(entries[0]["reason"], "Samma som förra veckans.");
    assert_eq!(entries[1]["code"], "no_public_party");
    assert_eq!(entries[1]["reason"], note);
}

#[tokio::test]
async fn an_edited_activity_has_one_version_in_the_operators_list() {
    // Regression: the list wrote "version" twice (the record's and the
    // activity's), and the operators' app could not read it.
    let app = spawn_with(|_| {}).await;
    let body = app.valid_body().await;
    let (id, token) = app.register("one-version", &body).await;
    let edit = app.edit(&id, Some(&token), Some("\"1\""), &body).await;
    assert_eq!(edit.status, StatusCode::OK, "{}", edit.text());
    let list = app.admin_get("/api/admin/activities?status=pending").await;
    let text = list.text();
    assert_eq!(text.matches("\"version\":").count(), 1, "{text}");
    assert_eq!(list.json()["activities"][0]["version"], 2);
}
