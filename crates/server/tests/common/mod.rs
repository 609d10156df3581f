//! The harness both integration tests share: the app in-process on its own
//! SQLite file in a temporary folder, and a reply read whole.
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
    let mut process = tokio::process::Command::new(env!("CARGO_BIN_EXE_innovationsveckan-server"))
        .env("IV_ADDR", "127.0.0.1:0")
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
