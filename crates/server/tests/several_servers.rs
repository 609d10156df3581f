//! Several servers, one programme (issue 13): two real server processes on
//! one database (PostgreSQL in the test command's second run, the same
//! SQLite file in its first), each with its programme in memory. A change
//! made through one is in the other's programme soon after, both give the
//! same ETags for the same programme, each e-mail is sent once, and one
//! idempotency key sent to both at once stores one activity.

mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use common::registration::{ADMIN_TOKEN, time, valid_body_on};
use serde_json::{Value, json};
use tokio::process::Child;

/// Longer than a start should ever take.
const PATIENCE: Duration = Duration::from_secs(60);

/// How long a change may take to reach the other server before the test
/// fails: generous, the goal is under a second (see the benchmark).
const PROPAGATION_LIMIT: Duration = Duration::from_secs(20);

/// Two server binaries on the database of `data`, with room for many
/// registrations from one address.
async fn two_servers(data: &std::path::Path) -> [(Child, SocketAddr); 2] {
    let settings = [
        ("IV_ADMIN_TOKEN", ADMIN_TOKEN),
        ("IV_DEMO_ACTIVITIES", "20"),
        ("IV_SUBMISSIONS_PER_HOUR", "100000"),
        ("IV_SUBMISSIONS_PER_HOUR_PER_48", "100000"),
        ("IV_SUBMISSIONS_PER_HOUR_TOTAL", "100000"),
    ];
    // One after the other: the first makes the schema and the demo week.
    let first = common::start_binary(data, &settings, PATIENCE).await;
    let second = common::start_binary(data, &settings, PATIENCE).await;
    [first, second]
}

fn client() -> reqwest::Client {
    client_from([127, 0, 0, 1])
}

/// A client on its own loopback address, so that what it sends counts
/// against its own registration limit (at most 10 at once).
fn client_from(address: [u8; 4]) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(std::net::IpAddr::from(address))
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// The JSON answer of `request`.
async fn json_of(request: reqwest::RequestBuilder) -> Value {
    request.send().await.unwrap().json().await.unwrap()
}

/// A valid registration on the second day of the edition `addr` serves.
async fn valid_body(http: &reqwest::Client, addr: SocketAddr, title: &str) -> Value {
    let edition = json_of(http.get(format!("http://{addr}/api/edition"))).await;
    let start: chrono::NaiveDate = edition["starts_on"].as_str().unwrap().parse().unwrap();
    let mut body = valid_body_on(start + chrono::Duration::days(1), time(10, 0), time(11, 30));
    body["title"] = json!(title);
    body
}

async fn register(
    http: &reqwest::Client,
    addr: SocketAddr,
    key: &str,
    body: &Value,
) -> (u16, Value) {
    let reply = http
        .post(format!("http://{addr}/api/activities"))
        .header("idempotency-key", key)
        .json(body)
        .send()
        .await
        .unwrap();
    let status = reply.status().as_u16();
    (status, reply.json().await.unwrap())
}

/// `addr`'s public programme as (id, status), and the list's ETag.
async fn programme(
    http: &reqwest::Client,
    addr: SocketAddr,
    query: &str,
) -> (Vec<(String, String)>, String) {
    let reply = http
        .get(format!("http://{addr}/api/activities{query}"))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200);
    let etag = reply.headers()["etag"].to_str().unwrap().to_owned();
    let list: Value = reply.json().await.unwrap();
    let shown = list["activities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let text = |name: &str| a[name].as_str().unwrap().to_owned();
            (text("id"), text("status"))
        })
        .collect();
    (shown, etag)
}

/// Asks `check` every 20 ms until it answers `Some`, for at most
/// [`PROPAGATION_LIMIT`] (then the test fails, saying `what` and the last
/// answer); the answer and how long it took.
async fn eventually<T, L: std::fmt::Debug>(
    what: &str,
    mut check: impl AsyncFnMut() -> Result<T, L>,
) -> (T, Duration) {
    let started = Instant::now();
    loop {
        match check().await {
            Ok(found) => return (found, started.elapsed()),
            Err(last) => assert!(
                started.elapsed() < PROPAGATION_LIMIT,
                "{what} not within {PROPAGATION_LIMIT:?}: {last:?}"
            ),
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits until `addr`'s programme shows `id` as `status`; how long that took.
async fn until_shown(http: &reqwest::Client, addr: SocketAddr, id: &str, status: &str) -> Duration {
    let what = format!("{addr} showing {id} as {status}");
    let (_, took) = eventually(&what, async || {
        let (shown, _) = programme(http, addr, "").await;
        match shown.iter().any(|(i, s)| i == id && s == status) {
            true => Ok(()),
            false => Err(shown),
        }
    })
    .await;
    took
}

#[tokio::test]
async fn a_registration_sent_to_one_server_and_approved_on_the_other_is_in_both_programmes() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let [(_a, one), (_b, other)] = two_servers(&data).await;
    let http = client();
    let body = valid_body(&http, one, "Registrerad på den ena servern").await;
    let (status, created) = register(&http, one, "two-servers-1", &body).await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();

    let approved = http
        .post(format!("http://{other}/api/admin/activities/{id}/approve"))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(approved.status(), 200, "{}", approved.text().await.unwrap());
    // The server that approved rebuilt at once; the other one follows.
    until_shown(&http, other, &id, "published").await;
    let took = until_shown(&http, one, &id, "published").await;
    eprintln!("the approval reached the other server after {took:?}");

    // The same programme, the same ETags: the whole list and a filtered one.
    for query in ["", "?format=digital", "?q=servern"] {
        let (shown_one, etag_one) = programme(&http, one, query).await;
        let (shown_other, etag_other) = programme(&http, other, query).await;
        assert_eq!(shown_one, shown_other, "{query}");
        assert_eq!(etag_one, etag_other, "{query}");
        // A client's If-None-Match works whichever server answers.
        let revalidated = http
            .get(format!("http://{one}/api/activities{query}"))
            .header("if-none-match", &etag_other)
            .send()
            .await
            .unwrap();
        assert_eq!(revalidated.status(), 304, "{query}");
    }

    // Cancelled through the second server: marked so on the first.
    let token = created["edit_token"].as_str().unwrap();
    let cancelled = http
        .post(format!("http://{other}/api/activities/{id}/cancel"))
        .bearer_auth(token)
        .json(&json!({ "reason": "Talaren är sjuk." }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        cancelled.status(),
        200,
        "{}",
        cancelled.text().await.unwrap()
    );
    until_shown(&http, one, &id, "cancelled").await;

    // The e-mail these steps made (written with each change, so all there
    // by now) was sent once, by one of the two senders: each outbox row
    // was claimed once.
    let database = common::database_of(&common::config(&data).await).await;
    let (rows, _) = eventually("every message sent", async || {
        let rows: Vec<(i64, Option<String>)> =
            sqlx::query_as("SELECT attempts, sent_at FROM mail_outbox ORDER BY id")
                .fetch_all(&database)
                .await
                .unwrap();
        match !rows.is_empty() && rows.iter().all(|(_, sent)| sent.is_some()) {
            true => Ok(rows),
            false => Err(rows),
        }
    })
    .await;
    assert!(rows.iter().all(|(attempts, _)| *attempts == 1), "{rows:?}");
}

#[tokio::test]
async fn one_key_sent_to_both_servers_at_once_stores_one_activity() {
    let dir = tempfile::tempdir().unwrap();
    let [(_a, one), (_b, other)] = two_servers(&dir.path().join("data")).await;
    let http = client();
    let body = valid_body(&http, one, "En nyckel, två servrar").await;
    for round in 0..5u8 {
        let key = format!("samtidigt-{round}");
        // One client a round, retrying at once on both servers: 4 sends to
        // each, within what one address may send at once.
        let http = client_from([127, 0, 0, 10 + round]);
        // Every send started before any is awaited: they race.
        let sends: Vec<_> = (0..8)
            .map(|i| {
                let addr = if i % 2 == 0 { one } else { other };
                let (http, key, body) = (http.clone(), key.clone(), body.clone());
                tokio::spawn(async move { register(&http, addr, &key, &body).await })
            })
            .collect();
        let mut ids = Vec::new();
        let mut created = 0;
        for send in sends {
            let (status, reply) = send.await.unwrap();
            assert!(status == 201 || status == 200, "{status}: {reply}");
            created += usize::from(status == 201);
            ids.push(reply["id"].as_str().unwrap().to_owned());
        }
        assert_eq!(
            created, 1,
            "round {round}: one answer says it was stored now"
        );
        ids.dedup();
        assert_eq!(
            ids.len(),
            1,
            "round {round}: every answer names one activity"
        );
    }
    // The queue, on either server, holds one activity per key.
    let queue = json_of(
        http.get(format!(
            "http://{other}/api/admin/activities?status=pending"
        ))
        .bearer_auth(ADMIN_TOKEN),
    )
    .await;
    let stored = queue["activities"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["title"] == "En nyckel, två servrar")
        .count();
    assert_eq!(stored, 5, "{queue}");
}
