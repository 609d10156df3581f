//! After sending: the organiser's private link (`GET /api/submissions/{id}`),
//! changing (`PUT /api/activities/{id}`) and cancelling
//! (`POST /api/activities/{id}/cancel`) with the derived edit token, and the
//! token's secret. In-process, with a SQLite file per test.

mod common;

use axum::http::{StatusCode, header};
use chrono::{Duration, Utc};
use common::TestApp;
use common::registration::{SUBMITTER, edited, spawn, spawn_with, time, valid_body_on};
use programme::time::today_in_stockholm;
use serde_json::json;
use server::AppState;

/// An edition running from yesterday, so that "now" lies inside it.
async fn spawn_running_edition() -> TestApp {
    let today = today_in_stockholm(Utc::now());
    spawn_with(|c| {
        c.edition_starts_on = Some(today - Duration::days(1));
        c.edition_ends_on = Some(today + Duration::days(3));
    })
    .await
}

/// The titles of the public programme, by id.
async fn public_title(app: &TestApp, id: &str) -> Option<String> {
    let list = app.get("/api/activities").await.activities();
    list.into_iter().find(|a| a.id == id).map(|a| a.title)
}

#[tokio::test]
async fn an_edit_with_the_right_token_changes_the_activity_and_its_version() {
    let app = spawn().await;
    let body = app.valid_body().await;
    let (id, token) = app.register("k", &body).await;
    let changed = edited(&body, |b| {
        b["title"] = json!("  Öppna data, steg för steg  ");
        b["submitter_email"] = json!("ny.anmalare@example.se");
    });

    let reply = app.edit(&id, Some(&token), Some("\"1\""), &changed).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.headers[header::CACHE_CONTROL], "no-store");
    assert_eq!(reply.headers[header::ETAG], "\"2\"");
    assert!(reply.headers.get("idempotent-replayed").is_none());
    let json = reply.json();
    assert_eq!(json["id"], id.as_str());
    assert_eq!(
        json["edit_token"],
        token.as_str(),
        "the link stays the same"
    );
    assert_eq!(json["version"], 2);
    assert_eq!(json["activity"]["title"], "Öppna data, steg för steg");
    assert_eq!(json["activity"]["status"], "pending");
    assert!(
        !reply.text().contains("ny.anmalare"),
        "the e-mail stays private"
    );

    let view = app.view(&id, Some(&token)).await.json();
    assert_eq!(view["title"], "Öppna data, steg för steg");
    assert_eq!(view["activity"]["title"], "Öppna data, steg för steg");
    assert_eq!(view["version"], 2);
    assert_eq!(view["submitter_email"], "ny.anmalare@example.se");

    // A bare version is an If-Match too.
    let again = edited(&changed, |b| b["summary"] = json!("Kort och tydligt."));
    let reply = app.edit(&id, Some(&token), Some("2"), &again).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.json()["version"], 3);
    assert_eq!(app.admin_record(&id).await["version"], 3);
}

#[tokio::test]
async fn a_wrong_token_a_missing_token_and_an_unknown_id_get_the_same_answer() {
    let app = spawn().await;
    let body = app.valid_body().await;
    let (id, token) = app.register("mine", &body).await;
    let (other_id, other_token) = app.register("theirs", &body).await;
    let changed = edited(&body, |b| b["title"] = json!("Kapad titel"));
    let cases = [
        (id.as_str(), Some("0".repeat(64))),
        (id.as_str(), Some(other_token.clone())),
        (id.as_str(), Some(token.to_uppercase())),
        (id.as_str(), None),
        ("finns-inte", Some(token.clone())),
        (other_id.as_str(), Some(token.clone())),
    ];
    let mut answers = Vec::new();
    for (target, given) in &cases {
        let given = given.as_deref();
        answers.push(app.view(target, given).await);
        answers.push(app.edit(target, given, Some("\"1\""), &changed).await);
        answers.push(app.cancel(target, given, None).await);
        answers.push(
            app.cancel(target, given, Some(json!({ "reason": "Kapad." })))
                .await,
        );
    }
    let first = &answers[0];
    assert_eq!(first.status, StatusCode::NOT_FOUND);
    assert_eq!(first.error(), "not_found");
    for reply in &answers {
        assert_eq!(reply.status, first.status, "{}", reply.text());
        assert_eq!(reply.body, first.body, "the same answer reveals nothing");
    }
    // Nothing was changed by any of them.
    for (id, token) in [(&id, &token), (&other_id, &other_token)] {
        let view = app.view(id, Some(token)).await.json();
        assert_eq!(view["version"], 1);
        assert_eq!(view["status"], "pending");
        assert_eq!(view["title"], "Öppna data i praktiken");
    }
}

#[tokio::test]
async fn an_activity_that_has_started_can_no_longer_be_edited_or_cancelled() {
    let app = spawn_running_edition().await;
    let tomorrow = today_in_stockholm(Utc::now()) + Duration::days(1);
    let body = valid_body_on(tomorrow, time(10, 0), time(11, 30));
    let (id, token) = app.register("k", &body).await;

    // The clock moves on: the activity began an hour ago.
    let started = (Utc::now() - Duration::hours(1)).to_rfc3339();
    app.move_start(&id, &started).await;

    let changed = edited(&body, |b| b["title"] = json!("För sent"));
    let edit = app.edit(&id, Some(&token), Some("\"1\""), &changed).await;
    assert_eq!(edit.status, StatusCode::CONFLICT, "{}", edit.text());
    assert_eq!(edit.error(), "activity_started");
    assert_eq!(
        edit.json()["message"],
        "Aktiviteten har redan börjat och kan inte längre ändras."
    );
    let cancel = app.cancel(&id, Some(&token), None).await;
    assert_eq!(cancel.status, StatusCode::CONFLICT, "{}", cancel.text());
    assert_eq!(cancel.error(), "activity_started");
    assert_eq!(
        cancel.json()["message"],
        "Aktiviteten har redan börjat och kan inte längre ställas in."
    );
    let view = app.view(&id, Some(&token)).await.json();
    assert_eq!(
        (view["status"].clone(), view["version"].clone()),
        (json!("pending"), json!(1))
    );
}

#[tokio::test]
async fn an_edit_cannot_move_an_activity_into_the_past_or_out_of_the_week() {
    let app = spawn_running_edition().await;
    let today = today_in_stockholm(Utc::now());
    let body = valid_body_on(today + Duration::days(1), time(10, 0), time(11, 30));
    let (id, token) = app.register("k", &body).await;
    let past = Utc::now() - Duration::hours(2);
    let cases = [
        (
            edited(&body, |b| {
                b["starts_at"] = json!(past.to_rfc3339());
                b["ends_at"] = json!((past + Duration::hours(1)).to_rfc3339());
            }),
            "starts_at",
            "already_started",
        ),
        (
            valid_body_on(today + Duration::days(20), time(10, 0), time(11, 0)),
            "starts_at",
            "outside_edition",
        ),
        (
            edited(&body, |b| b["title"] = json!("  ")),
            "title",
            "required",
        ),
    ];
    for (changed, field, code) in cases {
        let reply = app.edit(&id, Some(&token), Some("\"1\""), &changed).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert_eq!(reply.error(), "validation");
        assert_eq!(reply.codes(field), [code], "{}", reply.text());
        assert!(reply.json()["messages"][field][0].is_string());
    }
    assert_eq!(app.view(&id, Some(&token)).await.json()["version"], 1);
}

#[tokio::test]
async fn the_body_of_an_edit_is_checked_like_a_registrations_and_first() {
    let app = spawn().await;
    let body = app.valid_body().await;
    let (id, token) = app.register("k", &body).await;
    // Body errors come before the token: even a stranger learns only about JSON.
    let request = |content_type: &'static str, payload: &'static str| {
        axum::http::Request::put(format!("/api/activities/{id}"))
            .header(header::CONTENT_TYPE, content_type)
            .header(header::IF_MATCH, "\"1\"")
            .body(axum::body::Body::from(payload))
            .unwrap()
    };
    let plain = app.request(request("text/plain", "{}")).await;
    assert_eq!(plain.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let broken = app.request(request("application/json", "{")).await;
    assert_eq!(broken.status, StatusCode::BAD_REQUEST);
    assert_eq!(broken.error(), "malformed_json");
    let shape = edited(&body, |b| b["status"] = json!("published"));
    let reply = app.edit(&id, Some(&token), Some("\"1\""), &shape).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.error(), "invalid_body");
    let mut big = body.clone();
    big["description"] = json!("x".repeat(server::api::SUBMISSION_BODY_LIMIT));
    let reply = app.edit(&id, Some(&token), Some("\"1\""), &big).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn an_edit_sent_again_is_replayed_a_stale_one_conflicts_and_one_without_if_match_is_refused()
{
    let app = spawn().await;
    let body = app.valid_body().await;
    let (id, token) = app.register("k", &body).await;
    let changed = edited(&body, |b| b["title"] = json!("Första ändringen"));
    let applied = app.edit(&id, Some(&token), Some("\"1\""), &changed).await;
    assert_eq!(applied.status, StatusCode::OK);

    // Its answer was lost; the app sends it again, based on version 1.
    let replayed = app.edit(&id, Some(&token), Some("\"1\""), &changed).await;
    assert_eq!(replayed.status, StatusCode::OK, "{}", replayed.text());
    assert_eq!(replayed.headers["idempotent-replayed"], "true");
    assert_eq!(replayed.headers[header::ETAG], "\"2\"");
    assert_eq!(replayed.json(), applied.json());

    // Another tab, still on version 1, with other content.
    let stale = edited(&body, |b| b["title"] = json!("Andra flikens ändring"));
    let conflict = app.edit(&id, Some(&token), Some("\"1\""), &stale).await;
    assert_eq!(conflict.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(conflict.error(), "edit_conflict");
    assert_eq!(
        conflict.json()["message"],
        "Aktiviteten har ändrats sedan du öppnade den. Öppna den igen från länken och gör ändringen på nytt."
    );

    for if_match in [None, Some("*"), Some("W/\"2\""), Some("två")] {
        let reply = app.edit(&id, Some(&token), if_match, &stale).await;
        assert_eq!(
            reply.status,
            StatusCode::PRECONDITION_REQUIRED,
            "{if_match:?}"
        );
        assert_eq!(reply.error(), "precondition_required");
        assert!(
            reply.json()["message"]
                .as_str()
                .unwrap()
                .contains("If-Match")
        );
    }
    let view = app.view(&id, Some(&token)).await.json();
    assert_eq!(view["version"], 2);
    assert_eq!(view["title"], "Första ändringen");
}

#[tokio::test]
async fn an_edit_of_a_published_activity_keeps_it_public_and_marks_it_changed_until_approved_again()
{
    let app = spawn().await;
    let body = app.valid_body().await;
    let (id, token) = app.register("k", &body).await;
    assert_eq!(app.approve(&id).await.status, StatusCode::OK);
    let approved = app.admin_record(&id).await;
    assert_eq!(approved["changed_since_approval"], false);
    assert!(approved["approved_at"].is_string());

    let changed = edited(&body, |b| b["title"] = json!("Ny titel i programmet"));
    let reply = app.edit(&id, Some(&token), Some("\"1\""), &changed).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.json()["activity"]["status"], "published");
    assert_eq!(
        public_title(&app, &id).await.as_deref(),
        Some("Ny titel i programmet")
    );
    let single = app.get(&format!("/api/activities/{id}")).await;
    assert_eq!(single.status, StatusCode::OK);
    assert_eq!(single.json()["title"], "Ny titel i programmet");

    let record = app.admin_record(&id).await;
    assert_eq!(record["changed_since_approval"], true);
    assert_eq!(record["version"], 2);
    assert_eq!(record["approved_at"], approved["approved_at"]);
    let view = app.view(&id, Some(&token)).await.json();
    assert_eq!(view["changed_since_approval"], true);

    assert_eq!(app.approve(&id).await.status, StatusCode::OK);
    let record = app.admin_record(&id).await;
    assert_eq!(record["changed_since_approval"], false);
    assert!(record["approved_at"].is_string());
}

#[tokio::test]
async fn a_cancelled_approved_activity_stays_public_with_its_reason_and_a_cancelled_pending_one_never_shows()
 {
    let app = spawn().await;
    let body = app.valid_body().await;
    let (approved, approved_token) = app.register("approved", &body).await;
    app.approve(&approved).await;
    let (pending, pending_token) = app.register("pending", &body).await;

    let reason = json!({ "reason": "  Föreläsaren är sjuk. Vi återkommer med ett nytt datum.  " });
    let reply = app
        .cancel(&approved, Some(&approved_token), Some(reason))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.headers[header::CACHE_CONTROL], "no-store");
    let json = reply.json();
    assert_eq!(json["id"], approved.as_str());
    assert_eq!(json["status"], "cancelled");
    assert_eq!(json["version"], 2);
    let said = "Föreläsaren är sjuk. Vi återkommer med ett nytt datum.";
    assert_eq!(json["activity"]["cancellation_reason"], said);
    assert!(json.get("edit_token").is_none());

    let listed = app.get("/api/activities").await.activities();
    let shown = listed.iter().find(|a| a.id == approved).unwrap();
    assert!(shown.is_cancelled());
    assert_eq!(shown.cancellation_reason.as_deref(), Some(said));
    let single = app.get(&format!("/api/activities/{approved}")).await.json();
    assert_eq!(single["status"], "cancelled");
    assert_eq!(single["cancellation_reason"], said);

    // Cancelling again changes nothing, whatever it says.
    let again = app
        .cancel(
            &approved,
            Some(&approved_token),
            Some(json!({ "reason": "Annat." })),
        )
        .await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json(), json);
    // And a cancelled activity is not edited.
    let edit = app
        .edit(&approved, Some(&approved_token), Some("\"2\""), &body)
        .await;
    assert_eq!(edit.status, StatusCode::CONFLICT);
    assert_eq!(edit.error(), "activity_cancelled");
    assert_eq!(
        edit.json()["message"],
        "Aktiviteten är inställd och kan inte ändras."
    );

    // Never approved, never public: also not once cancelled.
    let reply = app.cancel(&pending, Some(&pending_token), None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.json()["status"], "cancelled");
    assert!(
        reply.json()["activity"]
            .get("cancellation_reason")
            .is_none()
    );
    // Also once the programme is built again from the database.
    app.state.republish().await;
    assert_eq!(public_title(&app, &pending).await, None);
    assert_eq!(
        app.get(&format!("/api/activities/{pending}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(app.admin_record(&pending).await["approved_at"].is_null());
    assert!(public_title(&app, &approved).await.is_some());
}

#[tokio::test]
async fn a_cancellation_takes_an_empty_body_or_a_reason_of_at_most_1000_characters() {
    let app = spawn().await;
    let body = app.valid_body().await;
    let (id, token) = app.register("k", &body).await;
    let long = app
        .cancel(
            &id,
            Some(&token),
            Some(json!({ "reason": "x".repeat(1001) })),
        )
        .await;
    assert_eq!(long.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(long.codes("reason"), ["too_long"]);
    let unknown = app
        .cancel(&id, Some(&token), Some(json!({ "orsak": "x" })))
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(unknown.error(), "invalid_body");
    assert_eq!(
        app.view(&id, Some(&token)).await.json()["status"],
        "pending"
    );

    let blank = app
        .cancel(&id, Some(&token), Some(json!({ "reason": "   " })))
        .await;
    assert_eq!(blank.status, StatusCode::OK, "{}", blank.text());
    assert!(
        blank.json()["activity"]
            .get("cancellation_reason")
            .is_none()
    );
    let (other, other_token) = app.register("other", &body).await;
    let empty = app
        .cancel(&other, Some(&other_token), Some(json!({})))
        .await;
    assert_eq!(empty.status, StatusCode::OK);
    let (third, third_token) = app.register("third", &body).await;
    let exactly = app
        .cancel(
            &third,
            Some(&third_token),
            Some(json!({ "reason": "å".repeat(1000) })),
        )
        .await;
    assert_eq!(exactly.status, StatusCode::OK);
}

#[tokio::test]
async fn a_rejected_activity_edited_goes_back_to_review_without_the_note() {
    let app = spawn().await;
    let body = app.valid_body().await;
    let (id, token) = app.register("k", &body).await;
    app.reject(&id, "Beskriv vad deltagarna får göra.").await;
    let view = app.view(&id, Some(&token)).await.json();
    assert_eq!(view["status"], "rejected");

    let fixed = edited(&body, |b| {
        b["description"] = json!("Du får publicera ett eget dataset under workshopen.");
    });
    let reply = app.edit(&id, Some(&token), Some("\"1\""), &fixed).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.json()["activity"]["status"], "pending");
    let view = app.view(&id, Some(&token)).await.json();
    assert_eq!(view["status"], "pending");
    assert!(view["review_note"].is_null());
    let pending = app
        .admin_get("/api/admin/activities?status=pending")
        .await
        .json();
    assert!(
        pending["activities"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["id"] == id.as_str())
    );
    assert_eq!(public_title(&app, &id).await, None);
}

#[tokio::test]
async fn an_activity_of_another_edition_can_no_longer_be_changed() {
    let app = spawn().await;
    let body = app.valid_body().await;
    let (id, token) = app.register("k", &body).await;
    let next_year = app.edition_start().await + Duration::days(364);
    let app = app.restart(|c| c.edition_starts_on = Some(next_year)).await;
    // The link still shows it...
    assert_eq!(app.view(&id, Some(&token)).await.status, StatusCode::OK);
    // ...but it belongs to a week that is no longer the current one.
    let edit = app.edit(&id, Some(&token), Some("\"1\""), &body).await;
    assert_eq!(edit.status, StatusCode::CONFLICT, "{}", edit.text());
    assert_eq!(edit.error(), "other_edition");
    let cancel = app.cancel(&id, Some(&token), None).await;
    assert_eq!(cancel.status, StatusCode::CONFLICT);
    assert_eq!(cancel.error(), "other_edition");
}

/// Every text of the database: on SQLite the files in the data folder but
/// the secret's own (the database and its journal; the folder of sent e-mail
/// is no database, and the organiser's e-mail carries the link on purpose);
/// on PostgreSQL every row of every table, as `export` writes them.
async fn database_bytes(app: &TestApp) -> Vec<u8> {
    if common::on_postgres() {
        let export = app.state.storage().export().await.unwrap();
        return serde_json::to_vec(&export).unwrap();
    }
    let data = &app.state.config().data_dir;
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(data).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() && path.file_name().unwrap() != server::tokens::SECRET_FILE {
            bytes.extend(std::fs::read(&path).unwrap());
        }
    }
    bytes
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

#[tokio::test]
async fn the_edit_token_is_in_no_public_answer_and_nowhere_in_the_database() {
    let app = spawn_with(|c| c.publish_without_review = true).await;
    let body = app.valid_body().await;
    let created = app.submit("k", &body).await;
    let token = created.json()["edit_token"].as_str().unwrap().to_owned();
    let id = created.json()["id"].as_str().unwrap().to_owned();
    let changed = edited(&body, |b| b["title"] = json!("Ändrad och publicerad"));
    let edit = app.edit(&id, Some(&token), Some("\"1\""), &changed).await;
    assert_eq!(edit.status, StatusCode::OK);
    let (cancelled, cancelled_token) = app.register("other", &body).await;
    app.cancel(&cancelled, Some(&cancelled_token), None).await;
    assert_eq!(
        public_title(&app, &id).await.as_deref(),
        Some("Ändrad och publicerad")
    );

    let mut public = vec![
        app.get("/api/activities").await,
        app.get(&format!("/api/activities/{id}")).await,
        app.get(&format!("/api/activities/{cancelled}")).await,
        app.get("/api/activities?q=publicerad").await,
    ];
    public.push(
        app.get_with("/api/activities", header::ACCEPT_ENCODING, "identity")
            .await,
    );
    for reply in &public {
        assert!(!reply.text().contains(&token), "{}", reply.text());
        for value in reply.headers.values() {
            assert!(!value.to_str().unwrap_or_default().contains(&token));
        }
    }
    for reply in [&created, &edit] {
        for name in [header::ETAG, header::LOCATION] {
            if let Some(value) = reply.headers.get(&name) {
                assert!(!value.to_str().unwrap().contains(&token), "{name}");
            }
        }
    }

    let bytes = database_bytes(&app).await;
    assert!(bytes.len() > 10_000, "the database files were read");
    assert!(
        contains(&bytes, &id),
        "the id is there, as a check of the search"
    );
    for secret in [&token, &cancelled_token] {
        assert!(!contains(&bytes, secret));
        assert!(!contains(&bytes, &secret.to_uppercase()));
    }
}

#[tokio::test]
async fn the_token_secret_is_made_once_for_the_owner_only_and_keeps_links_working_after_a_restart()
{
    // The file is SQLite's way: with PostgreSQL the secret must be set.
    let app = spawn_with(|c| {
        c.database_url = None;
        c.token_secret = None;
    })
    .await;
    let (id, token) = app.register("k", &app.valid_body().await).await;
    let path = app
        .state
        .config()
        .data_dir
        .join(server::tokens::SECRET_FILE);
    let secret = std::fs::read_to_string(&path).unwrap();
    assert_eq!(secret.trim().len(), 64);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }
    let app = app.restart(|_| {}).await;
    assert_eq!(std::fs::read_to_string(&path).unwrap(), secret);
    let view = app.view(&id, Some(&token)).await;
    assert_eq!(view.status, StatusCode::OK, "{}", view.text());
}

#[tokio::test]
async fn a_configured_token_secret_replaces_the_file_and_a_short_one_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = common::config(dir.path().join("data")).await;
    config.token_secret = Some("för-kort".into());
    let error = AppState::open(config.clone()).await.err().unwrap();
    let message = format!("{error:#}");
    assert!(message.contains("IV_TOKEN_SECRET"), "{message}");
    assert!(message.contains("32"), "{message}");

    let one = "a".repeat(32);
    let app = spawn_with(|c| c.token_secret = Some(one.clone())).await;
    let (id, token) = app.register("k", &app.valid_body().await).await;
    let secret_file = app
        .state
        .config()
        .data_dir
        .join(server::tokens::SECRET_FILE);
    assert!(
        !secret_file.exists(),
        "no file when the secret is configured"
    );
    let app = app.restart(|c| c.token_secret = Some("b".repeat(32))).await;
    assert_eq!(
        app.view(&id, Some(&token)).await.status,
        StatusCode::NOT_FOUND,
        "another secret, other links"
    );
    let app = app.restart(|c| c.token_secret = Some(one)).await;
    assert_eq!(app.view(&id, Some(&token)).await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_first_registration_in_a_reused_key_refusal_can_be_edited_into_the_new_text() {
    let app = spawn().await;
    let body = app.valid_body().await;
    app.register("draft-1", &body).await;
    // The same draft, changed in another tab and sent with its key again.
    let newer = edited(&body, |b| b["title"] = json!("Den nyare texten"));
    let refusal = app.submit("draft-1", &newer).await;
    assert_eq!(refusal.error(), "idempotency_key_reused");
    let first = refusal.json();
    let id = first["id"].as_str().unwrap();
    let token = first["edit_token"].as_str().unwrap();
    let version = format!("\"{}\"", first["version"]);

    let reply = app.edit(id, Some(token), Some(&version), &newer).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.json()["activity"]["title"], "Den nyare texten");
    // Sent once more, the new text is refused again, now with the edit in it,
    // and the edit made from that is a replay: no loop, no second activity.
    let again = app.submit("draft-1", &newer).await.json();
    assert_eq!(again["activity"]["title"], "Den nyare texten");
    let version = format!("\"{}\"", first["version"]);
    let replay = app.edit(id, Some(token), Some(&version), &newer).await;
    assert_eq!(replay.status, StatusCode::OK);
    assert_eq!(replay.headers["idempotent-replayed"], "true");
    assert_eq!(app.stored_count().await, 1);
    assert_eq!(
        app.view(id, Some(token)).await.json()["submitter_email"],
        SUBMITTER
    );
}

#[tokio::test]
async fn an_activity_withdrawn_by_the_operators_and_then_cancelled_stays_out_of_the_programme() {
    let app = spawn().await;
    let (id, token) = app.register("k", &app.valid_body().await).await;
    app.approve(&id).await;
    app.reject(&id, "Dubbelanmäld.").await;
    assert!(app.admin_record(&id).await["approved_at"].is_null());
    let reply = app.cancel(&id, Some(&token), None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    app.state.republish().await;
    assert_eq!(public_title(&app, &id).await, None);
}

#[tokio::test]
async fn the_organiser_sees_what_happened_without_the_operators_names() {
    let app = spawn_with(|c| {
        c.admin_tokens = Some("Astrid Granskare:en-nyckel-till-astrid-med-minst-32-tecken".into());
    })
    .await;
    let body = app.valid_body().await;
    let (id, token) = app.register("history", &body).await;
    assert_eq!(
        app.view(&id, Some(&token)).await.json()["history"],
        json!([])
    );
    let reject = app
        .admin(
            "POST",
            &format!("/api/admin/activities/{id}/reject"),
            Some("en-nyckel-till-astrid-med-minst-32-tecken"),
            Some(json!({ "reason": "Ingen offentlig aktör." })),
        )
        .await;
    assert_eq!(reject.status, StatusCode::OK, "{}", reject.text());
    let edit = app.edit(&id, Some(&token), Some("\"1\""), &body).await;
    assert_eq!(edit.status, StatusCode::OK, "{}", edit.text());
    let view = app.view(&id, Some(&token)).await;
    let history = view.json()["history"].clone();
    assert_eq!(history.as_array().unwrap().len(), 2, "{history}");
    assert_eq!(history[0]["action"], "reject");
    assert_eq!(history[0]["by"], "operators");
    assert_eq!(history[0]["reason"], "Ingen offentlig aktör.");
    assert_eq!(history[1]["action"], "edit");
    assert_eq!(history[1]["by"], "organiser");
    assert!(!view.text().contains("Astrid"), "{}", view.text());
}
