//! Personal data is not kept for ever: the server erases what it has kept
//! long enough (`AppState::housekeep`, given the moment to act as of, so the
//! tests need not wait 90 days), and the operators erase one person's data
//! on request. In process with a SQLite file per test.

mod common;

use axum::http::StatusCode;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use common::TestApp;
use common::registration::{ADMIN_TOKEN, SUBMITTER, edited, spawn};
use programme::time::stockholm;
use serde_json::{Value, json};

const CONTACT: &str = "anna.andersson@umea.se";

/// The activity's contact and submitter's e-mail, as the operators see them.
async fn personal(app: &TestApp, id: &str) -> (Value, Value) {
    let record = app.admin_record(id).await;
    (record["contact"].clone(), record["submitter_email"].clone())
}

fn kept() -> (Value, Value) {
    (
        json!({ "name": "Anna Andersson", "email": CONTACT, "phone": "090-16 10 00" }),
        json!(SUBMITTER),
    )
}

fn erased() -> (Value, Value) {
    (json!({ "name": "", "email": "" }), Value::Null)
}

/// The audit's `erase` rows, as (operator, activity id).
async fn erasures(app: &TestApp) -> Vec<(String, String)> {
    let audit = app.admin_get("/api/admin/audit").await.json();
    audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|entry| entry["action"] == "erase")
        .map(|entry| {
            (
                entry["operator"].as_str().unwrap().to_owned(),
                entry["activity_id"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// How many rows of the database hold `text` anywhere in the activity, its
/// approved version, its submitter or the outbox (in any case).
async fn rows_holding(app: &TestApp, text: &str) -> i64 {
    let pattern = format!("%{}%", text.to_lowercase());
    let database = app.database().await;
    let (activities,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM activities
         WHERE lower(body) LIKE $1 OR lower(coalesce(approved_body, '')) LIKE $1
            OR lower(coalesce(submitter_email, '')) LIKE $1",
    )
    .bind(&pattern)
    .fetch_one(&database)
    .await
    .unwrap();
    let (messages,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM mail_outbox WHERE lower(recipients) LIKE $1")
            .bind(&pattern)
            .fetch_one(&database)
            .await
            .unwrap();
    activities + messages
}

async fn outbox_rows_of(app: &TestApp, id: &str) -> i64 {
    let (count,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM mail_outbox WHERE activity_id = $1")
            .bind(id)
            .fetch_one(&app.database().await)
            .await
            .unwrap();
    count
}

async fn edition_end(app: &TestApp) -> NaiveDate {
    let edition = app.get("/api/edition").await.json();
    edition["ends_on"].as_str().unwrap().parse().unwrap()
}

/// Noon in Stockholm, `days` after `day`.
fn noon_after(day: NaiveDate, days: i64) -> DateTime<Utc> {
    let noon = chrono::NaiveTime::from_hms_opt(12, 0, 0).unwrap();
    stockholm(day + Duration::days(days), noon).with_timezone(&Utc)
}

#[tokio::test]
async fn a_rejected_registrations_contact_is_erased_after_90_days_and_the_rest_stays() {
    let app = spawn().await;
    let body = app.valid_body().await;
    let (rejected, _) = app.register("rejected", &body).await;
    let (approved, _) = app.register("approved", &body).await;
    let (pending, _) = app.register("pending", &body).await;
    assert_eq!(
        app.reject(&rejected, "Passar inte veckan.").await.status,
        StatusCode::OK
    );
    assert_eq!(app.approve(&approved).await.status, StatusCode::OK);
    assert!(
        outbox_rows_of(&app, &rejected).await > 0,
        "a receipt and a rejection"
    );

    // 89 days on, everything is kept.
    let now = Utc::now();
    app.state.housekeep(now + Duration::days(89)).await;
    for id in [&rejected, &approved, &pending] {
        assert_eq!(personal(&app, id).await, kept(), "{id}");
    }
    assert!(erasures(&app).await.is_empty());

    // 91 days on, the rejected one has no contact, no submitter and no mail.
    app.state.housekeep(now + Duration::days(91)).await;
    assert_eq!(personal(&app, &rejected).await, erased());
    assert_eq!(outbox_rows_of(&app, &rejected).await, 0);
    for id in [&approved, &pending] {
        assert_eq!(personal(&app, id).await, kept(), "{id}");
    }
    // Its public fields stay, and the audit says who erased it (no address).
    let record = app.admin_record(&rejected).await;
    assert_eq!(record["title"], body["title"]);
    assert_eq!(record["status"], "rejected");
    assert_eq!(
        erasures(&app).await,
        [("gallring".to_owned(), rejected.clone())]
    );

    // Once is enough: the next clean-up finds nothing new.
    app.state.housekeep(now + Duration::days(92)).await;
    assert_eq!(erasures(&app).await.len(), 1);
}

#[tokio::test]
async fn a_withdrawn_registration_counts_as_never_public_and_a_cancelled_public_one_does_not() {
    let app = spawn().await;
    let body = app.valid_body().await;
    let (withdrawn, withdrawn_token) = app.register("withdrawn", &body).await;
    let (called_off, called_off_token) = app.register("called-off", &body).await;
    assert_eq!(app.approve(&called_off).await.status, StatusCode::OK);
    for (id, token) in [
        (&withdrawn, &withdrawn_token),
        (&called_off, &called_off_token),
    ] {
        let reply = app.cancel(id, Some(token), None).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    }
    app.state.housekeep(Utc::now() + Duration::days(91)).await;
    assert_eq!(personal(&app, &withdrawn).await, erased());
    // Called off after approval, it is still in the programme as "Inställd":
    // its contact stays until a year after the week.
    assert_eq!(personal(&app, &called_off).await, kept());
}

#[tokio::test]
async fn a_held_activitys_contact_is_erased_a_year_after_the_week_also_in_the_programme() {
    let app = spawn().await;
    let body = app.valid_body().await;
    let (held, _) = app.register("held", &body).await;
    assert_eq!(app.approve(&held).await.status, StatusCode::OK);
    let ends_on = edition_end(&app).await;

    app.state.housekeep(noon_after(ends_on, 364)).await;
    assert_eq!(personal(&app, &held).await, kept());

    app.state.housekeep(noon_after(ends_on, 366)).await;
    assert_eq!(personal(&app, &held).await, erased());
    // The public programme was published anew without it.
    let public = app.get(&format!("/api/activities/{held}")).await.json();
    assert_eq!(public["contact"], json!({ "name": "", "email": "" }));
    assert_eq!(public["title"], body["title"]);
    assert_eq!(rows_holding(&app, CONTACT).await, 0);
    assert_eq!(rows_holding(&app, SUBMITTER).await, 0);
}

#[tokio::test]
async fn what_an_erasure_on_request_leaves_is_erased_a_year_after_the_week() {
    // Regression: erasing the contact on request marked the whole activity
    // as erased, and the retention never took the submitter's address left.
    let app = spawn().await;
    let body = app.valid_body().await;
    let (held, _) = app.register("kvar", &body).await;
    assert_eq!(app.approve(&held).await.status, StatusCode::OK);
    let reply = app
        .admin(
            "POST",
            "/api/admin/erasure",
            Some(ADMIN_TOKEN),
            Some(json!({ "email": CONTACT })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(
        personal(&app, &held).await,
        (json!({ "name": "", "email": "" }), json!(SUBMITTER))
    );

    app.state
        .housekeep(noon_after(edition_end(&app).await, 366))
        .await;
    assert_eq!(personal(&app, &held).await, erased());
    assert!(
        erasures(&app)
            .await
            .contains(&("gallring".to_owned(), held.clone()))
    );
}

#[tokio::test]
async fn an_operator_erases_one_persons_data_everywhere_and_nobody_elses() {
    let app = spawn().await;
    let body = app.valid_body().await;
    // Anna is the contact of one, the submitter of another (typed otherwise).
    let (as_contact, _) = app.register("contact", &body).await;
    let as_submitter_body = edited(&body, |b| {
        b["contact"] = json!({ "name": "Bo Berg", "email": "bo.berg@umea.se" });
        b["submitter_email"] = json!("Anna.Andersson@UMEA.se");
    });
    let (as_submitter, _) = app.register("submitter", &as_submitter_body).await;
    let other_body = edited(&body, |b| {
        b["contact"] = json!({ "name": "Cecilia Ek", "email": "cecilia.ek@umea.se" });
        b["submitter_email"] = json!("cecilia.ek@umea.se");
    });
    let (other, _) = app.register("other", &other_body).await;
    assert_eq!(app.approve(&as_contact).await.status, StatusCode::OK);
    assert!(rows_holding(&app, CONTACT).await > 0);

    let reply = app
        .admin(
            "POST",
            "/api/admin/erasure",
            Some(ADMIN_TOKEN),
            Some(json!({ "email": " ANNA.andersson@umea.se " })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.headers["cache-control"], "no-store");
    let answer = reply.json();
    let ids: Vec<&str> = answer["activities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [as_contact.as_str(), as_submitter.as_str()]);
    assert_eq!(answer["activities"][0]["title"], body["title"]);
    // Mail goes to the submitter: one receipt was hers.
    assert_eq!(answer["messages"], 1, "{answer}");

    // Nothing in the database holds her address any more, the public
    // programme included; the others' data stays.
    assert_eq!(rows_holding(&app, CONTACT).await, 0);
    // Where she was the contact, the submitter (someone else) stays.
    assert_eq!(
        personal(&app, &as_contact).await,
        (json!({ "name": "", "email": "" }), json!(SUBMITTER))
    );
    let public = app
        .get(&format!("/api/activities/{as_contact}"))
        .await
        .json();
    assert_eq!(public["contact"], json!({ "name": "", "email": "" }));
    // In the activity she submitted, Bo is still the contact.
    assert_eq!(
        personal(&app, &as_submitter).await,
        (
            json!({ "name": "Bo Berg", "email": "bo.berg@umea.se" }),
            Value::Null
        )
    );
    assert_eq!(
        personal(&app, &other).await,
        (
            json!({ "name": "Cecilia Ek", "email": "cecilia.ek@umea.se" }),
            json!("cecilia.ek@umea.se")
        )
    );
    let mut audited = erasures(&app).await;
    audited.sort();
    let mut expected = vec![
        ("operatör".to_owned(), as_contact.clone()),
        ("operatör".to_owned(), as_submitter.clone()),
    ];
    expected.sort();
    assert_eq!(audited, expected);
    let audit = app.admin_get("/api/admin/audit").await.text();
    assert!(!audit.to_lowercase().contains(CONTACT), "{audit}");

    // An address that is nowhere: nothing to erase, and that is no error.
    let reply = app
        .admin(
            "POST",
            "/api/admin/erasure",
            Some(ADMIN_TOKEN),
            Some(json!({ "email": CONTACT })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json(), json!({ "activities": [], "messages": 0 }));
}

#[tokio::test]
async fn an_erasure_request_needs_an_operator_and_an_address() {
    let app = spawn().await;
    let reply = app
        .admin(
            "POST",
            "/api/admin/erasure",
            None,
            Some(json!({ "email": CONTACT })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    for (email, code, message) in [
        ("", "required", "Fyll i"),
        ("anna.andersson", "invalid_email", "namn@exempel.se"),
    ] {
        let reply = app
            .admin(
                "POST",
                "/api/admin/erasure",
                Some(ADMIN_TOKEN),
                Some(json!({ "email": email })),
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{email}");
        assert_eq!(reply.error(), "validation");
        assert_eq!(reply.codes("email"), [code]);
        let messages = reply.json()["messages"]["email"].to_string();
        assert!(messages.contains(message), "{messages}");
    }
    let reply = app
        .admin(
            "POST",
            "/api/admin/erasure",
            Some(ADMIN_TOKEN),
            Some(json!({ "e-post": CONTACT })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.error(), "invalid_body");
}
