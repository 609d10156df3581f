//! What only PostgreSQL has: its schema's versions as servers that start at
//! once meet them, and the health check while the database refuses
//! connections. Every other test of the server runs against PostgreSQL as
//! well in the test command's second run; these need its cluster
//! (`IV_TEST_POSTGRES_URL`, from `scripts/with-postgres.sh`) and say so
//! without it.

mod common;

use common::registration::spawn;
use server::storage::{PostgresStorage, Storage, StorageError};
use sqlx::Connection;

/// A new, empty database of the cluster, or `None` (said) without one.
async fn fresh_database() -> Option<String> {
    let Some(cluster) = common::postgres_cluster() else {
        eprintln!("no IV_TEST_POSTGRES_URL: run with scripts/with-postgres.sh");
        return None;
    };
    let dir = tempfile::tempdir().unwrap();
    Some(common::postgres_database(&cluster, dir.path()).await)
}

async fn tables_in(url: &str) -> Vec<String> {
    let mut connection = sqlx::PgConnection::connect(url).await.unwrap();
    sqlx::query_scalar(
        "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    )
    .fetch_all(&mut connection)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_database_made_by_a_newer_version_is_refused_untouched() {
    let Some(url) = fresh_database().await else {
        return;
    };
    let mut connection = sqlx::PgConnection::connect(&url).await.unwrap();
    sqlx::raw_sql(
        "CREATE TABLE schema_version (version BIGINT NOT NULL);
         INSERT INTO schema_version VALUES (99);
         CREATE TABLE someone_elses (x INTEGER);",
    )
    .execute(&mut connection)
    .await
    .unwrap();
    let Err(error) = PostgresStorage::connect(&url).await else {
        panic!("refused")
    };
    assert!(
        matches!(error, StorageError::NewerSchema { version: 99, .. }),
        "{error}"
    );
    assert_eq!(tables_in(&url).await, ["schema_version", "someone_elses"]);
}

#[tokio::test]
async fn servers_starting_at_once_migrate_the_schema_once() {
    let Some(url) = fresh_database().await else {
        return;
    };
    let starts = (0..4).map(|_| {
        let url = url.clone();
        tokio::spawn(async move { PostgresStorage::connect(&url).await })
    });
    for start in starts {
        let storage = start.await.unwrap().unwrap();
        assert_eq!(storage.export().await.unwrap().schema_version, 8);
    }
    let mut connection = sqlx::PgConnection::connect(&url).await.unwrap();
    let versions: Vec<i64> = sqlx::query_scalar("SELECT version FROM schema_version")
        .fetch_all(&mut connection)
        .await
        .unwrap();
    assert_eq!(versions, [8]);
}

#[tokio::test]
async fn the_health_check_says_503_while_the_database_refuses_and_200_again_after() {
    let Some(cluster) = common::postgres_cluster() else {
        eprintln!("no IV_TEST_POSTGRES_URL: run with scripts/with-postgres.sh");
        return;
    };
    let app = spawn().await;
    assert_eq!(app.get("/api/health").await.status, 200);
    let url = app.state.config().database_url.clone().unwrap();
    let name = url.rsplit('/').next().unwrap().to_owned();
    let mut admin = sqlx::PgConnection::connect(&cluster).await.unwrap();
    let refuse = |allow: bool| {
        // A name the harness made of hex digits, not input.
        sqlx::AssertSqlSafe(format!(
            "ALTER DATABASE {name} WITH ALLOW_CONNECTIONS {allow}"
        ))
    };
    sqlx::raw_sql(refuse(false))
        .execute(&mut admin)
        .await
        .unwrap();
    sqlx::query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = $1 AND pid <> pg_backend_pid()",
    )
    .bind(&name)
    .execute(&mut admin)
    .await
    .unwrap();

    let down = app.get("/api/health").await;
    assert_eq!(down.status, 503, "{}", down.text());
    assert_eq!(down.error(), "unavailable");
    assert_eq!(down.headers["retry-after"], "5");
    assert_eq!(down.headers["cache-control"], "no-store");
    // The programme is served from memory all the same.
    assert_eq!(app.get("/api/activities").await.status, 200);

    sqlx::raw_sql(refuse(true))
        .execute(&mut admin)
        .await
        .unwrap();
    let mut healthy = false;
    for _ in 0..50 {
        if app.get("/api/health").await.status == 200 {
            healthy = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(healthy, "the server never found its database again");
}

#[tokio::test]
async fn without_a_token_secret_a_server_on_postgresql_refuses_to_start() {
    let Some(url) = fresh_database().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut config = server::Config::with_data_dir(dir.path().join("data"));
    config.database_url = Some(url);
    let error = server::AppState::open(config).await.err().expect("refused");
    let message = format!("{error:#}");
    assert!(message.contains("IV_TOKEN_SECRET"), "{message}");
    assert!(message.contains("every server"), "{message}");
    assert!(
        !dir.path().join("data").exists(),
        "refused before anything was made"
    );
}
