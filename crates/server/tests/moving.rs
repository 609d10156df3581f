//! Moving a week (issue 13, item 3): `innovationsveckan-server export FILE`
//! writes the whole database to one JSON file, `import FILE` reads it into a
//! new database, and the server on the new database is the same week: the
//! same programme, the same records, edit links and idempotency keys that
//! still work. An import that cannot be whole is refused and changes nothing.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use common::registration::{ADMIN_TOKEN, spawn_with};
use serde_json::json;
use server::Config;
use server::storage::{ImportRefusal, StorageError};

const SECRET: &str = "the-same-token-secret-on-both-servers-of-a-move";

/// The server binary with `args`, on the database of `config`: its status
/// and output.
fn run(config: &Config, args: &[&str]) -> (bool, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_innovationsveckan-server"))
        .arg("--data-dir")
        .arg(&config.data_dir)
        .envs(
            config
                .database_url
                .iter()
                .map(|url| ("IV_DATABASE_URL", url)),
        )
        .args(args)
        .env("IV_LOG", "warn")
        .env("RUST_BACKTRACE", "0")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    (output.status.success(), text)
}

#[tokio::test]
async fn a_week_exported_and_imported_is_the_same_week_with_its_links_and_keys_working() {
    let app = spawn_with(|c| c.token_secret = Some(SECRET.into())).await;
    let body = app.valid_body().await;
    let (kept, token) = app.register("flytt-1", &body).await;
    let mut other = body.clone();
    other["title"] = json!("En andra aktivitet");
    let (rejected, _) = app.register("flytt-2", &other).await;
    assert_eq!(app.approve(&kept).await.status, StatusCode::OK);
    assert_eq!(
        app.reject(&rejected, "Ingen offentlig part.").await.status,
        StatusCode::OK
    );
    let before = app.storage_export().await;
    assert_eq!(before.tables["submissions"].len(), 2);
    assert!(before.tables["audit"].len() >= 2);
    assert!(!before.tables["mail_outbox"].is_empty());

    // Out with the binary, while the first server still runs.
    let target = tempfile::tempdir().unwrap();
    let file = target.path().join("vecka.json");
    let file_arg = file.to_str().unwrap();
    let (ok, said) = run(app.state.config(), &["export", file_arg]);
    assert!(ok, "{said}");
    assert!(said.contains("exported"), "{said}");
    let data = target.path().join("data");
    let mut config = common::config(&data).await;
    let (ok, said) = run(&config, &["import", file_arg]);
    assert!(ok, "{said}");
    assert!(said.contains("activities 182"), "{said}");

    config.dist_dir = target.path().join("no-dist");
    config.admin_token = Some(ADMIN_TOKEN.into());
    config.token_secret = Some(SECRET.into());
    let moved = TestApp::open(tempfile::tempdir().unwrap(), config).await;
    assert_eq!(moved.storage_export().await, before, "every row, as it was");
    assert_eq!(
        moved.get("/api/activities").await.json(),
        app.get("/api/activities").await.json()
    );
    assert_eq!(
        moved.admin_record(&rejected).await,
        app.admin_record(&rejected).await
    );
    // The organiser's link and a retry of a registration work on the new one.
    assert_eq!(moved.view(&kept, Some(&token)).await.status, StatusCode::OK);
    let retry = moved.submit("flytt-1", &body).await;
    assert_eq!(retry.status, StatusCode::OK, "{}", retry.text());
    assert_eq!(retry.json()["id"], kept.as_str());

    // A second import into the same database is refused, and says why.
    let (ok, said) = run(moved.state.config(), &["import", file_arg]);
    assert!(!ok);
    assert!(said.contains("already holds 1 editions"), "{said}");
}

#[tokio::test]
async fn an_import_that_cannot_be_whole_is_refused_and_changes_nothing() {
    let app = spawn_with(|_| {}).await;
    let export = app.storage_export().await;
    let dir = tempfile::tempdir().unwrap();
    let storage = server::open_storage(&common::config(dir.path()).await)
        .await
        .unwrap();
    let empty = storage.export().await.unwrap();
    assert!(empty.tables.values().all(Vec::is_empty));

    let mut newer = export.clone();
    newer.schema_version += 1;
    let mut unknown_table = export.clone();
    unknown_table.tables.insert("users".into(), Vec::new());
    // A column name is never written into SQL unless the table has it.
    let mut hostile = export.clone();
    hostile.tables.get_mut("activities").unwrap()[5].insert(
        "body) VALUES ('x'); DROP TABLE editions; --".into(),
        json!(1),
    );
    let mut not_a_value = export.clone();
    not_a_value.tables.get_mut("activities").unwrap()[3]
        .insert("status".into(), json!(["published"]));
    for (what, bad) in [
        ("newer", newer),
        ("unknown table", unknown_table),
        ("hostile column", hostile),
        ("not a value", not_a_value),
    ] {
        let refused = storage.import(bad).await.unwrap_err();
        assert!(
            matches!(refused, StorageError::Import(_)),
            "{what}: {refused}"
        );
        assert_eq!(
            storage.export().await.unwrap(),
            empty,
            "{what}: nothing written"
        );
    }
    let counts = storage.import(export.clone()).await.unwrap();
    assert!(
        counts.contains(&("activities".to_owned(), 180)),
        "{counts:?}"
    );
    assert_eq!(storage.export().await.unwrap(), export);
    assert!(matches!(
        storage.import(export).await.unwrap_err(),
        StorageError::Import(ImportRefusal::NotEmpty(1))
    ));
}

/// Issue 13, item 3: a week moves from SQLite to PostgreSQL and back with
/// the binary, and is the same week on each (needs the test command's
/// PostgreSQL: without it there is nothing to move to).
#[tokio::test]
async fn a_week_moves_from_sqlite_to_postgresql_and_back_unchanged() {
    let Some(cluster) = common::postgres_cluster() else {
        eprintln!("no IV_TEST_POSTGRES_URL: run with scripts/with-postgres.sh");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    // Both ends with the same operator and edit links' secret.
    let on_sqlite_in = |folder: &str| {
        let mut config = common::sqlite_only(dir.path().join(folder));
        config.dist_dir = dir.path().join("no-dist");
        config.admin_token = Some(ADMIN_TOKEN.into());
        config.token_secret = Some(SECRET.into());
        config
    };
    let on_sqlite = on_sqlite_in("sqlite");
    let app = TestApp::open(tempfile::tempdir().unwrap(), on_sqlite.clone()).await;
    let body = app.valid_body().await;
    let (kept, token) = app.register("fram-1", &body).await;
    let mut other = body.clone();
    other["title"] = json!("Inställd efter godkännande");
    let (cancelled, other_token) = app.register("fram-2", &other).await;
    assert_eq!(app.approve(&kept).await.status, StatusCode::OK);
    assert_eq!(app.approve(&cancelled).await.status, StatusCode::OK);
    let reply = app
        .cancel(
            &cancelled,
            Some(&other_token),
            Some(json!({ "reason": "Sjukdom." })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let before = app.storage_export().await;

    let file = dir.path().join("fram.json");
    let file = file.to_str().unwrap();
    let (ok, said) = run(&on_sqlite, &["export", file]);
    assert!(ok, "{said}");
    let mut on_postgres = on_sqlite.clone();
    on_postgres.data_dir = dir.path().join("postgres");
    on_postgres.database_url =
        Some(common::postgres_database(&cluster, &on_postgres.data_dir).await);
    let (ok, said) = run(&on_postgres, &["import", file]);
    assert!(ok, "{said}");
    let moved = TestApp::open(tempfile::tempdir().unwrap(), on_postgres.clone()).await;
    assert_eq!(
        moved.storage_export().await,
        before,
        "every row, on PostgreSQL"
    );
    assert_eq!(
        moved.get("/api/activities").await.json(),
        app.get("/api/activities").await.json()
    );
    assert_eq!(moved.view(&kept, Some(&token)).await.status, StatusCode::OK);
    // A change on PostgreSQL, then back to SQLite.
    assert_eq!(
        moved.reject(&kept, "Flyttad och avböjd.").await.status,
        StatusCode::OK
    );
    let changed = moved.storage_export().await;
    assert_ne!(changed, before);

    let back = dir.path().join("tillbaka.json");
    let back = back.to_str().unwrap();
    let (ok, said) = run(&on_postgres, &["export", back]);
    assert!(ok, "{said}");
    let again = on_sqlite_in("sqlite-again");
    let (ok, said) = run(&again, &["import", back]);
    assert!(ok, "{said}");
    let returned = TestApp::open(tempfile::tempdir().unwrap(), again).await;
    assert_eq!(
        returned.storage_export().await,
        changed,
        "every row, on SQLite again"
    );
    assert_eq!(
        returned.admin_record(&kept).await,
        moved.admin_record(&kept).await
    );
    let retry = returned.submit("fram-1", &body).await;
    assert_eq!(retry.json()["id"], kept.as_str());
}

impl TestApp {
    async fn storage_export(&self) -> server::storage::Export {
        self.state.storage().export().await.unwrap()
    }
}
