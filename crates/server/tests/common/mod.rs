//! The harness the server's tests share: the app in-process on its own
//! database — a SQLite file in a temporary folder, or, when the test command
//! runs the tests against PostgreSQL (`IV_TEST_POSTGRES_URL`, set by
//! `scripts/with-postgres.sh`), a database of its own in that cluster — and a
//! reply read whole.
#![allow(dead_code)]

pub mod registration;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use programme::Activity;
use serde_json::Value;
use server::{AppState, Config, app};
use tempfile::TempDir;
use tower::ServiceExt;

/// The PostgreSQL cluster the tests run against, if they do: the address of
/// a database in it whose user may create databases.
pub fn postgres_cluster() -> Option<String> {
    std::env::var("IV_TEST_POSTGRES_URL")
        .ok()
        .filter(|url| !url.trim().is_empty())
}

/// Whether the tests run against PostgreSQL.
pub fn on_postgres() -> bool {
    postgres_cluster().is_some()
}

/// The edit links' secret of every server in a test on PostgreSQL, where
/// the server needs one set.
pub const TEST_TOKEN_SECRET: &str = "the-test-secret-of-every-server-0123456789";

/// Settings for a server whose data lives in `data`, with defaults for the
/// rest: its database is SQLite in `data`, or, on PostgreSQL, the database
/// [`postgres_database`] names after `data`, so that a server started again
/// on the same folder (or a second server beside it) finds the same data.
pub async fn config(data: impl Into<std::path::PathBuf>) -> Config {
    let data = data.into();
    let mut config = Config::with_data_dir(&data);
    if let Some(cluster) = postgres_cluster() {
        config.database_url = Some(postgres_database(&cluster, &data).await);
        config.token_secret = Some(TEST_TOKEN_SECRET.into());
    }
    config
}

/// Settings for a server on SQLite in `data`, whatever database the tests
/// run against: for the tests of the SQLite file itself.
pub fn sqlite_only(data: impl Into<std::path::PathBuf>) -> Config {
    Config::with_data_dir(data)
}

/// The address of the database in `cluster` that belongs to the data
/// folder `data` of this test process, made (empty) the first time.
pub async fn postgres_database(cluster: &str, data: &std::path::Path) -> String {
    use sqlx::Connection;
    use std::hash::{Hash, Hasher};
    // DefaultHasher::new() has fixed keys: the same folder, the same name.
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    (std::process::id(), data).hash(&mut hasher);
    let name = format!("iv_test_{:016x}", hasher.finish());
    let mut admin = sqlx::PgConnection::connect(cluster).await.unwrap();
    let exists: Option<i32> = sqlx::query_scalar("SELECT 1 FROM pg_database WHERE datname = $1")
        .bind(&name)
        .fetch_optional(&mut admin)
        .await
        .unwrap();
    if exists.is_none() {
        // A name made above of hex digits, not input.
        let create = format!("CREATE DATABASE {name}");
        sqlx::raw_sql(sqlx::AssertSqlSafe(create))
            .execute(&mut admin)
            .await
            .unwrap();
    }
    admin.close().await.unwrap();
    let (server, _database) = cluster.rsplit_once('/').expect("a database address");
    format!("{server}/{name}")
}

/// The app's database opened beside it, whichever it is, for what only an
/// older server or the clock would do: write SQL both databases take
/// (parameters as `$1`).
pub async fn database_of(config: &Config) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    let url = match &config.database_url {
        Some(url) => url.clone(),
        None => format!(
            "sqlite://{}",
            config
                .data_dir
                .join(server::storage::sqlite::FILE_NAME)
                .display()
        ),
    };
    sqlx::any::AnyPoolOptions::new()
        .max_connections(2)
        .connect(&url)
        .await
        .unwrap()
}

pub struct TestApp {
    pub router: axum::Router,
    pub state: AppState,
    _dir: TempDir,
}

#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The `error` code of a JSON error, empty if there is none.
    pub fn error(&self) -> String {
        self.json()["error"].as_str().unwrap_or_default().to_owned()
    }

    /// The codes of one field in a validation error.
    pub fn codes(&self, field: &str) -> Vec<String> {
        serde_json::from_value(self.json()["fields"][field].clone()).unwrap_or_default()
    }

    /// The activities of a list reply.
    pub fn activities(&self) -> Vec<Activity> {
        serde_json::from_value(self.json()["activities"].clone()).unwrap()
    }
}

impl TestApp {
    /// Opens the app with `config`; `dir` (which holds its data) lives as long
    /// as the app.
    pub async fn open(dir: TempDir, config: Config) -> TestApp {
        let state = AppState::open(config).await.unwrap();
        TestApp {
            router: app(state.clone()),
            state,
            _dir: dir,
        }
    }

    /// Stops the app and starts it again on the same data, `configure`d anew.
    pub async fn restart(self, configure: impl FnOnce(&mut Config)) -> TestApp {
        let mut config = self.state.config().clone();
        configure(&mut config);
        let TestApp {
            router,
            state,
            _dir: dir,
        } = self;
        drop((router, state));
        TestApp::open(dir, config).await
    }

    pub async fn request(&self, request: Request<Body>) -> Reply {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        Reply {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, uri: &str) -> Reply {
        self.request(Request::get(uri).body(Body::empty()).unwrap())
            .await
    }

    /// A GET with one request header.
    pub async fn get_with(&self, uri: &str, name: header::HeaderName, value: &str) -> Reply {
        self.request(
            Request::get(uri)
                .header(name, value)
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }
}

/// The address from the server binary's log line "serves on http://…",
/// waited for up to `patience`; the rest of its log is read on, so the
/// process never blocks on a full pipe.
pub async fn serving_address(
    process: &mut tokio::process::Child,
    patience: std::time::Duration,
) -> std::net::SocketAddr {
    use tokio::io::AsyncBufReadExt;
    let stdout = process.stdout.take().expect("the server's stdout is piped");
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    let found = tokio::time::timeout(patience, async {
        while let Ok(Some(line)) = lines.next_line().await {
            if let Some((_, rest)) = line.split_once("serves on http://") {
                let addr: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_digit() || matches!(c, '.' | ':'))
                    .collect();
                return addr.parse::<std::net::SocketAddr>().unwrap();
            }
        }
        panic!("the server ended before it served");
    })
    .await
    .expect("the server started");
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    found
}

/// The real server binary on the data folder `data` with more `IV_`
/// settings, on a free loopback port, killed when dropped; with its address,
/// once it serves (waited for up to `patience`).
pub async fn start_binary(
    data: &std::path::Path,
    settings: &[(&str, &str)],
    patience: std::time::Duration,
) -> (tokio::process::Child, std::net::SocketAddr) {
    let mut on_postgres = Vec::new();
    if let Some(cluster) = postgres_cluster() {
        on_postgres.push(("IV_DATABASE_URL", postgres_database(&cluster, data).await));
        on_postgres.push(("IV_TOKEN_SECRET", TEST_TOKEN_SECRET.to_owned()));
    }
    let mut process = tokio::process::Command::new(env!("CARGO_BIN_EXE_innovationsveckan-server"))
        .env("IV_ADDR", "127.0.0.1:0")
        .envs(on_postgres)
        .env("IV_DATA_DIR", data)
        .env("IV_DIST_DIR", data.join("no-app"))
        .env("IV_LOG", "warn,innovationsveckan_server=info")
        .env("NO_COLOR", "1")
        .envs(settings.iter().copied())
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let addr = serving_address(&mut process, patience).await;
    (process, addr)
}
