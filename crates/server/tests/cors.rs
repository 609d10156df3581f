//! CORS: the public reads are open to every origin (and their preflights
//! for GET), the writes, the organiser's view and the admin API are not, not
//! even where a write shares its path with a public read.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Reply, TestApp};

const ORIGIN: &str = "https://kommun.example.se";

async fn spawn() -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let config = common::config(dir.path().join("data")).await;
    TestApp::open(dir, config).await
}

async fn from_elsewhere(app: &TestApp, method: &str, uri: &str) -> Reply {
    app.request(
        Request::builder()
            .method(method)
            .uri(uri)
            .header(header::ORIGIN, ORIGIN)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(if method == "GET" || method == "HEAD" {
                ""
            } else {
                "{}"
            }))
            .unwrap(),
    )
    .await
}

async fn preflight(app: &TestApp, uri: &str, method: &str) -> Reply {
    app.request(
        Request::options(uri)
            .header(header::ORIGIN, ORIGIN)
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, method)
            .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "if-none-match")
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

fn allowed_origin(reply: &Reply) -> Option<&str> {
    reply
        .headers
        .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
        .map(|value| value.to_str().unwrap())
}

/// Some id of a published activity.
async fn an_activity(app: &TestApp) -> String {
    app.get("/api/activities").await.activities()[0].id.clone()
}

#[tokio::test]
async fn every_public_read_is_open_to_any_origin_and_shows_its_etag() {
    let app = spawn().await;
    let id = an_activity(&app).await;
    let reads = [
        "/api/edition".to_owned(),
        "/api/activities".to_owned(),
        "/api/activities?format=digital".to_owned(),
        format!("/api/activities/{id}"),
        format!("/api/activities/{id}.ics"),
        "/api/activities.ics".to_owned(),
        "/api/activities.csv".to_owned(),
        "/api/stats".to_owned(),
        "/api/openapi.json".to_owned(),
    ];
    for uri in &reads {
        for method in ["GET", "HEAD"] {
            let reply = from_elsewhere(&app, method, uri).await;
            assert_eq!(reply.status, StatusCode::OK, "{method} {uri}");
            assert_eq!(allowed_origin(&reply), Some("*"), "{method} {uri}");
            let exposed = reply.headers[header::ACCESS_CONTROL_EXPOSE_HEADERS]
                .to_str()
                .unwrap()
                .to_ascii_lowercase();
            assert!(exposed.contains("etag"), "{method} {uri}: {exposed}");
        }
        let asked = preflight(&app, uri, "GET").await;
        assert!(asked.status.is_success(), "{uri}: {asked:?}");
        assert_eq!(allowed_origin(&asked), Some("*"), "{uri}");
        let methods = asked.headers[header::ACCESS_CONTROL_ALLOW_METHODS]
            .to_str()
            .unwrap();
        assert!(methods.contains("GET"), "{uri}: {methods}");
        assert!(
            !methods.contains("PUT") && !methods.contains("POST"),
            "{uri}"
        );
        let headers = asked.headers[header::ACCESS_CONTROL_ALLOW_HEADERS]
            .to_str()
            .unwrap()
            .to_ascii_lowercase();
        assert!(headers.contains("if-none-match"), "{uri}: {headers}");
    }
    // An error of a public read is readable too (the page can show it).
    let refused = from_elsewhere(&app, "GET", "/api/activities?day=nope").await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(allowed_origin(&refused), Some("*"));
}

#[tokio::test]
async fn writes_the_organisers_view_and_the_admin_api_get_no_cors() {
    let app = spawn().await;
    let id = an_activity(&app).await;
    let activity = format!("/api/activities/{id}");
    let closed = [
        ("POST", "/api/activities".to_owned()),
        ("PUT", activity.clone()),
        ("POST", format!("{activity}/cancel")),
        ("GET", format!("/api/submissions/{id}")),
        ("GET", "/api/admin/activities".to_owned()),
        ("GET", "/api/admin/me".to_owned()),
        ("POST", format!("/api/admin/activities/{id}/approve")),
    ];
    for (method, uri) in &closed {
        let reply = from_elsewhere(&app, method, uri).await;
        assert!(reply.status.is_client_error(), "{method} {uri}: {reply:?}");
        assert_eq!(allowed_origin(&reply), None, "{method} {uri}");
        assert!(
            !reply
                .headers
                .contains_key(header::ACCESS_CONTROL_EXPOSE_HEADERS),
            "{method} {uri}"
        );
        let asked = preflight(&app, uri, method).await;
        assert_eq!(allowed_origin(&asked), None, "preflight {method} {uri}");
        assert!(
            !asked
                .headers
                .contains_key(header::ACCESS_CONTROL_ALLOW_METHODS),
            "preflight {method} {uri}"
        );
    }
    // The admin API's GETs are not opened by a preflight asking for GET.
    for uri in ["/api/admin/activities", "/api/submissions/x"] {
        let asked = preflight(&app, uri, "GET").await;
        assert_eq!(allowed_origin(&asked), None, "{uri}");
    }
    // Nor is anything off the API's routes.
    let unknown = from_elsewhere(&app, "GET", "/api/no-such-route").await;
    assert_eq!(allowed_origin(&unknown), None);
}

#[tokio::test]
async fn the_public_reads_are_the_documents_untokened_programme_gets() {
    let document = server::api::document();
    let reads = server::api::cors::PublicReads::of(&document);
    let mut paths: Vec<&str> = reads.paths().collect();
    paths.sort_unstable();
    assert_eq!(
        paths,
        [
            "/api/activities",
            "/api/activities.csv",
            "/api/activities.ics",
            "/api/activities/{id}",
            "/api/edition",
            "/api/health",
            "/api/listing",
            "/api/openapi.json",
            "/api/stats",
        ]
    );
}
