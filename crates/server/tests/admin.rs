//! The operators' API beyond what `submissions.rs` covers: named operator
//! tokens and the settings refused at start-up, and wrong tokens slowed
//! down. In process with a SQLite file per test.

mod common;

use axum::http::{StatusCode, header};
use common::registration::{ADMIN_TOKEN, spawn_with};
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
    let mut config = Config::with_data_dir(dir.path().join("data"));
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
