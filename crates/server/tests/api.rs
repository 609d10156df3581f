//! The API in-process (`app(state).oneshot(..)`), each test with its own SQLite
//! file in a temporary folder, and one test over a real socket.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{Duration, NaiveDate};
use common::TestApp;
use programme::time::{to_stockholm, today_in_stockholm};
use programme::{Activity, ActivityFormat, ActivityStatus};
use server::{AppState, Config};

/// The app with a small built web app in `dist/`, `configure`d.
async fn spawn_with(configure: impl FnOnce(&mut Config)) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(
        dist.join("index.html"),
        "<!DOCTYPE html><title>app shell</title><script type=\"module\">start();</script>",
    )
    .unwrap();
    std::fs::write(dist.join("index.html.br"), b"brotli shell").unwrap();
    std::fs::write(dist.join("app-0123456789abcdef.js"), "console.log(1)").unwrap();
    std::fs::write(dist.join("app-0123456789abcdef.js.br"), b"brotli js").unwrap();
    std::fs::write(dist.join("favicon.svg"), "<svg/>").unwrap();
    let mut config = common::config(dir.path().join("data")).await;
    config.dist_dir = dist;
    configure(&mut config);
    TestApp::open(dir, config).await
}

async fn spawn() -> TestApp {
    spawn_with(|_| {}).await
}

#[tokio::test]
async fn the_edition_is_a_coming_week_with_an_open_programme() {
    let app = spawn().await;
    let reply = app.get("/api/edition").await;
    assert_eq!(reply.status, StatusCode::OK);
    let edition = reply.json();
    let starts: NaiveDate = edition["starts_on"].as_str().unwrap().parse().unwrap();
    let ends: NaiveDate = edition["ends_on"].as_str().unwrap().parse().unwrap();
    let opens: NaiveDate = edition["programme_opens_on"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let today = today_in_stockholm(chrono::Utc::now());
    assert!(starts > today, "the demo week is ahead");
    assert_eq!(ends - starts, Duration::days(4));
    assert!(opens <= today);
    assert_eq!(edition["programme_is_open"], true);
    assert!(
        edition["name"]
            .as_str()
            .unwrap()
            .starts_with("Innovationsveckan")
    );
    assert!(edition["year"].is_i64());
}

#[tokio::test]
async fn the_list_holds_the_published_demo_programme_in_start_order() {
    let app = spawn().await;
    assert_eq!(
        app.state.config().demo_activities,
        programme::demo::DEMO_ACTIVITY_COUNT
    );
    let reply = app.get("/api/activities").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.headers[header::CONTENT_TYPE], "application/json");
    let activities = reply.activities();
    assert!(activities.len() >= 150, "{} activities", activities.len());
    assert!(
        activities
            .windows(2)
            .all(|w| w[0].starts_at <= w[1].starts_at)
    );
    assert!(
        activities
            .iter()
            .any(|a| a.status == ActivityStatus::Cancelled)
    );
    assert!(activities.iter().all(|a| matches!(
        a.status,
        ActivityStatus::Published | ActivityStatus::Cancelled
    )));
    // Every field of the contract is there, times carry the Stockholm offset.
    let raw = &reply.json()["activities"][0];
    for field in [
        "id",
        "status",
        "title",
        "summary",
        "description",
        "starts_at",
        "ends_at",
        "format",
        "venue",
        "online",
        "region_code",
        "themes",
        "audiences",
        "language",
        "organisers",
        "contact",
        "signup_url",
        "accessibility",
    ] {
        assert!(raw.get(field).is_some(), "missing {field}");
    }
    let starts_at = raw["starts_at"].as_str().unwrap();
    assert!(
        starts_at.ends_with("+01:00") || starts_at.ends_with("+02:00"),
        "{starts_at}"
    );
}

#[tokio::test]
async fn one_activity_and_a_json_404_for_an_unknown_id() {
    let app = spawn().await;
    let first = app.get("/api/activities").await.activities().remove(0);
    let reply = app.get(&format!("/api/activities/{}", first.id)).await;
    assert_eq!(reply.status, StatusCode::OK);
    let one: Activity = serde_json::from_slice(&reply.body).unwrap();
    assert_eq!(one, first);

    let missing = app.get("/api/activities/finns-inte").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.json()["error"], "not_found");
    assert!(!missing.json()["message"].as_str().unwrap().is_empty());
}

#[tokio::test]
async fn each_filter_narrows_the_list_as_in_the_app() {
    let app = spawn().await;
    let all = app.get("/api/activities").await.activities();
    let count = |pred: &dyn Fn(&Activity) -> bool| all.iter().filter(|a| pred(a)).count();

    let digital = app.get("/api/activities?format=digital").await.activities();
    assert_eq!(digital.len(), count(&|a| a.format.is_online()));
    assert!(digital.iter().any(|a| a.format == ActivityFormat::Hybrid));

    let physical = app
        .get("/api/activities?format=physical")
        .await
        .activities();
    assert_eq!(physical.len(), count(&|a| a.format.has_venue()));

    let skane = app.get("/api/activities?region=12").await.activities();
    assert!(!skane.is_empty());
    assert!(skane.iter().all(|a| a.region_code.as_deref() == Some("12")));

    let code = all
        .iter()
        .find_map(|a| a.venue.as_ref())
        .unwrap()
        .municipality_code
        .clone();
    let in_kommun = app
        .get(&format!("/api/activities?municipality={code}"))
        .await
        .activities();
    assert!(!in_kommun.is_empty());
    assert!(
        in_kommun
            .iter()
            .all(|a| a.venue.as_ref().unwrap().municipality_code == code)
    );

    let day = to_stockholm(&all[0].starts_at).date_naive();
    let on_day = app
        .get(&format!("/api/activities?day={day}"))
        .await
        .activities();
    assert_eq!(
        on_day.len(),
        count(&|a| to_stockholm(&a.starts_at).date_naive() == day)
    );

    let theme = app.get("/api/activities?theme=data_ai").await.activities();
    assert_eq!(
        theme.len(),
        count(&|a| a.themes.contains(&programme::Theme::DataAi))
    );

    let audience = app
        .get("/api/activities?audience=politicians")
        .await
        .activities();
    assert_eq!(
        audience.len(),
        count(&|a| a.audiences.contains(&programme::Audience::Politicians))
    );

    let title_word = all[3]
        .title
        .split_whitespace()
        .last()
        .unwrap()
        .to_lowercase();
    let searched = app
        .get(&format!(
            "/api/activities?q={}",
            programme::filter::percent_encode(&title_word)
        ))
        .await
        .activities();
    assert!(searched.iter().any(|a| a.id == all[3].id));
    assert!(searched.len() < all.len());

    let none = app.get("/api/activities?q=zzzyxxq").await.activities();
    assert!(none.is_empty());
}

#[tokio::test]
async fn a_bad_filter_value_is_a_precise_json_error() {
    let app = spawn().await;
    let reply = app.get("/api/activities?day=imorgon").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let body = reply.json();
    assert_eq!(body["error"], "invalid_filter");
    assert_eq!(body["fields"]["day"][0], "invalid");
    assert!(body["message"].as_str().unwrap().contains("day"));
    assert_eq!(
        app.get("/api/activities?format=papper").await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn a_matching_etag_gets_304_and_a_changed_one_the_list() {
    let app = spawn().await;
    let first = app.get("/api/activities").await;
    let etag = first.headers[header::ETAG].to_str().unwrap().to_owned();
    assert_eq!(first.headers[header::CACHE_CONTROL], "no-cache");

    let cached = app
        .get_with("/api/activities", header::IF_NONE_MATCH, &etag)
        .await;
    assert_eq!(cached.status, StatusCode::NOT_MODIFIED);
    assert!(cached.body.is_empty());
    assert_eq!(cached.headers[header::ETAG], etag.as_str());

    let stale = app
        .get_with("/api/activities", header::IF_NONE_MATCH, "\"old\"")
        .await;
    assert_eq!(stale.status, StatusCode::OK);

    // A filtered list has its own tag, and 304s too.
    let filtered = app.get("/api/activities?format=hybrid").await;
    let filtered_etag = filtered.headers[header::ETAG].to_str().unwrap().to_owned();
    assert_ne!(filtered_etag, etag);
    let again = app
        .get_with(
            "/api/activities?format=hybrid",
            header::IF_NONE_MATCH,
            &filtered_etag,
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn deep_links_get_the_app_and_unknown_api_paths_json() {
    let app = spawn().await;
    let deep = app.get("/tillganglighet?format=digital").await;
    assert_eq!(deep.status, StatusCode::OK);
    assert!(deep.text().contains("app shell"));
    // An activity that does not exist is the app's page too, as a 404.
    let unknown = app.get("/aktivitet/abc?format=digital").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(unknown.text().contains("app shell"));

    let asset = app.get("/app-0123456789abcdef.js").await;
    assert_eq!(asset.status, StatusCode::OK);
    assert_eq!(asset.body, b"console.log(1)");

    for path in ["/api/nothing-here", "/api/activities/x/y", "/api"] {
        let reply = app.get(path).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(reply.json()["error"], "not_found", "{path}");
    }

    let post = app
        .request(Request::post("/api/edition").body(Body::empty()).unwrap())
        .await;
    assert_eq!(post.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(post.json()["error"], "method_not_allowed");
}

#[tokio::test]
async fn before_the_opening_day_the_programme_is_not_public() {
    let opens = today_in_stockholm(chrono::Utc::now()) + Duration::days(10);
    let app = spawn_with(|c| c.programme_opens_on = Some(opens)).await;
    let edition = app.get("/api/edition").await.json();
    assert_eq!(edition["programme_is_open"], false);
    assert_eq!(edition["programme_opens_on"], opens.to_string());
    assert!(app.get("/api/activities").await.activities().is_empty());
    let id = app.state.published().programme.activities()[0].id.clone();
    assert_eq!(
        app.get(&format!("/api/activities/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_configured_edition_replaces_the_demo_and_gets_no_demo_activities() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("edition.json");
    std::fs::write(
        &file,
        r#"{"name":"Innovationsveckan 2027","year":2027,"starts_on":"2027-10-04","ends_on":"2027-10-08","programme_opens_on":"2027-08-16"}"#,
    )
    .unwrap();
    let app = spawn_with(|c| c.edition_file = Some(file.clone())).await;
    let edition = app.get("/api/edition").await.json();
    assert_eq!(edition["name"], "Innovationsveckan 2027");
    assert_eq!(edition["starts_on"], "2027-10-04");
    assert_eq!(edition["programme_opens_on"], "2027-08-16");
    assert!(app.state.published().programme.activities().is_empty());
}

#[tokio::test]
async fn a_broken_edition_file_stops_the_start_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("edition.json");
    std::fs::write(&file, r#"{"name":"x"}"#).unwrap();
    let mut config = common::config(dir.path().join("data")).await;
    config.edition_file = Some(file);
    let error = AppState::open(config).await.err().expect("the start fails");
    assert!(
        format!("{error:#}").contains("IV_EDITION_FILE"),
        "{error:#}"
    );
}

#[tokio::test]
async fn a_restart_keeps_the_database_and_does_not_seed_twice() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let ids = |state: &AppState| -> Vec<String> {
        let published = state.published();
        published
            .programme
            .activities()
            .iter()
            .map(|a| a.id.clone())
            .collect()
    };
    let first = AppState::open(common::config(&data).await).await.unwrap();
    let before = ids(&first);
    drop(first);
    // With PostgreSQL no SQLite file is made.
    assert_eq!(
        data.join("innovationsveckan.sqlite3").exists(),
        !common::on_postgres()
    );
    let second = AppState::open(common::config(&data).await).await.unwrap();
    assert_eq!(before, ids(&second));
}

#[tokio::test]
async fn the_server_answers_over_a_real_socket() {
    let dir = tempfile::tempdir().unwrap();
    let running = server::start(common::config(dir.path()).await)
        .await
        .unwrap();
    let mut stream = tokio::net::TcpStream::connect(running.addr).await.unwrap();
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    stream
        .write_all(b"GET /api/edition HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("\"programme_is_open\":true"));
    running.abort();
}

#[tokio::test]
async fn hashed_build_files_are_cached_for_a_year_and_the_shell_is_revalidated() {
    let app = spawn().await;
    let asset = app.get("/app-0123456789abcdef.js").await;
    assert_eq!(
        asset.headers[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );

    let icon = app.get("/favicon.svg").await;
    assert_eq!(icon.headers[header::CACHE_CONTROL], "no-cache");

    let shell = app.get("/aktivitet/abc").await;
    assert_eq!(shell.headers[header::CACHE_CONTROL], "no-cache");
    let etag = shell.headers[header::ETAG].to_str().unwrap().to_owned();
    let again = app.get_with("/", header::IF_NONE_MATCH, &etag).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);

    // A build file that is gone (an older deployment's) is a 404, not the shell
    // cached for a year under the file's name.
    let missing = app.get("/gone-0123456789abcdef.js").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.headers[header::CACHE_CONTROL], "no-cache");

    // Revalidating a hashed file keeps it immutable.
    let modified = asset.headers[header::LAST_MODIFIED]
        .to_str()
        .unwrap()
        .to_owned();
    let revalidated = app
        .get_with(
            "/app-0123456789abcdef.js",
            header::IF_MODIFIED_SINCE,
            &modified,
        )
        .await;
    assert_eq!(revalidated.status, StatusCode::NOT_MODIFIED);
    assert_eq!(
        revalidated.headers[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
}

#[tokio::test]
async fn precompressed_files_are_sent_to_browsers_that_accept_them() {
    let app = spawn().await;
    let br = app
        .get_with(
            "/app-0123456789abcdef.js",
            header::ACCEPT_ENCODING,
            "gzip, br",
        )
        .await;
    assert_eq!(br.headers[header::CONTENT_ENCODING], "br");
    assert_eq!(br.body, b"brotli js");
    let plain = app
        .get_with(
            "/app-0123456789abcdef.js",
            header::ACCEPT_ENCODING,
            "identity",
        )
        .await;
    assert!(plain.headers.get(header::CONTENT_ENCODING).is_none());
    assert_eq!(plain.body, b"console.log(1)");

    let shell = app
        .get_with("/program?format=digital", header::ACCEPT_ENCODING, "br")
        .await;
    // A page is rendered (here into a build without the app's element: as
    // it is) and compressed by the server once.
    assert_eq!(shell.headers[header::CONTENT_ENCODING], "br");
    let mut page = Vec::new();
    brotli::BrotliDecompress(&mut shell.body.as_slice(), &mut page).unwrap();
    assert!(String::from_utf8(page).unwrap().contains("app shell"));

    // The whole list is compressed once, ahead; a filtered one on the fly.
    let plain = app.get("/api/activities").await.body;
    for encoding in ["br", "gzip"] {
        let api = app
            .get_with("/api/activities", header::ACCEPT_ENCODING, encoding)
            .await;
        assert_eq!(api.headers[header::CONTENT_ENCODING], encoding);
        assert_eq!(api.headers[header::VARY], "accept-encoding");
        assert!(
            api.body.len() < plain.len() / 4,
            "{encoding}: {}",
            api.body.len()
        );
    }
    let gz = app
        .get_with("/api/activities", header::ACCEPT_ENCODING, "gzip")
        .await
        .body;
    let mut unpacked = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut unpacked).unwrap();
    assert_eq!(unpacked, plain);
    let filtered = app
        .get_with(
            "/api/activities?format=digital",
            header::ACCEPT_ENCODING,
            "gzip",
        )
        .await;
    assert_eq!(filtered.headers[header::CONTENT_ENCODING], "gzip");
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = spawn().await;
    for path in [
        "/",
        "/aktivitet/x",
        "/api/activities",
        "/api/nothing",
        "/app-0123456789abcdef.js",
    ] {
        let reply = app.get(path).await;
        let csp = reply.headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap();
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-"),
            "{path}: {csp}"
        );
        for part in [
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "connect-src 'self'",
        ] {
            assert!(csp.contains(part), "{path}: {part}");
        }
        assert_eq!(
            reply.headers[header::X_CONTENT_TYPE_OPTIONS],
            "nosniff",
            "{path}"
        );
        assert_eq!(
            reply.headers[header::REFERRER_POLICY],
            "strict-origin-when-cross-origin",
            "{path}"
        );
        assert!(
            reply
                .headers
                .get(header::STRICT_TRANSPORT_SECURITY)
                .is_none(),
            "{path}"
        );
    }
    let https = spawn_with(|c| c.hsts = true).await;
    let reply = https.get("/").await;
    assert!(
        reply.headers[header::STRICT_TRANSPORT_SECURITY]
            .to_str()
            .unwrap()
            .starts_with("max-age=")
    );
}

#[tokio::test]
async fn without_a_built_app_the_server_says_so_in_swedish() {
    let app = spawn_with(|c| c.dist_dir = c.data_dir.join("no-dist")).await;
    let reply = app.get("/").await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(reply.text().contains("Webbappen är inte byggd"));
    assert_eq!(app.get("/api/edition").await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_passed_demo_week_makes_way_for_a_new_one_on_restart() {
    // Regression: every demo week had the same activity ids, so storing a new
    // week next to a passed one failed and the server no longer started.
    use server::storage::{SqliteStorage, Storage};
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let storage = SqliteStorage::open(&data).await.unwrap();
    let past = programme::demo::edition_for(NaiveDate::from_ymd_opt(2025, 9, 1).unwrap());
    let stored = storage.make_current(past.clone(), true).await.unwrap();
    let old = programme::demo::activities(past.starts_on, programme::demo::DEMO_ACTIVITY_COUNT);
    let old_ids: Vec<String> = old.iter().map(|a| a.id.clone()).collect();
    storage.insert_activities(stored.id, old).await.unwrap();
    drop(storage);

    let state = AppState::open(common::sqlite_only(&data)).await.unwrap();
    let published = state.published();
    assert!(published.edition.starts_on > today_in_stockholm(chrono::Utc::now()));
    assert_eq!(
        published.programme.activities().len(),
        programme::demo::DEMO_ACTIVITY_COUNT
    );
    assert!(
        published
            .programme
            .activities()
            .iter()
            .all(|a| !old_ids.contains(&a.id))
    );
}

#[tokio::test]
async fn a_programme_closed_by_setting_opens_again_when_the_setting_goes() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut closed = common::config(&data).await;
    closed.programme_opens_on = Some(today_in_stockholm(chrono::Utc::now()) + Duration::days(30));
    let state = AppState::open(closed).await.unwrap();
    assert!(!state.published().edition.programme_is_open(state.today()));
    drop(state);
    let state = AppState::open(common::config(&data).await).await.unwrap();
    assert!(state.published().edition.programme_is_open(state.today()));
}

#[tokio::test]
async fn the_health_check_answers_ok_with_the_programmes_size_and_is_never_cached() {
    let app = spawn().await;
    let reply = app.get("/api/health").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.headers[header::CACHE_CONTROL], "no-store");
    let listed = app.get("/api/activities").await.activities().len();
    assert_eq!(reply.json()["status"], "ok");
    assert_eq!(reply.json()["activities"], listed);
}
