//! The Innovationsveckan server: the JSON API under `/api`, the SQLite database,
//! and the built web app (any other path serves `index.html`, so deep links work).
//!
//! Run it with `cargo run -p innovationsveckan-server` (settings: `--help`, or the
//! README). Tests build the whole app in-process with [`app`], or start it on a
//! real socket with [`start`].

pub mod api;
pub mod changes;
mod config;
pub mod error;
pub mod http;
pub mod mail;
pub mod operators;
pub mod published;
pub mod rate_limit;
pub mod request_hash;
pub mod review;
pub mod security;
pub mod storage;
pub mod tokens;
pub mod web;
pub mod wrong_tokens;

use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use chrono::{NaiveDate, Utc};
use programme::{demo, time::today_in_stockholm};
use tower_http::trace::TraceLayer;

pub use config::Config;
use operators::Operators;
use published::Published;
use rate_limit::RateLimiter;
use storage::{SqliteStorage, Storage, StorageError};
use tokens::EditTokens;
use wrong_tokens::WrongTokens;

/// What every request handler shares.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    storage: Arc<dyn Storage>,
    published: RwLock<Arc<Published>>,
    /// Held while the programme is rebuilt, so two changes in quick
    /// succession cannot install their snapshots in the wrong order.
    republishing: tokio::sync::Mutex<()>,
    submissions: RateLimiter,
    edit_tokens: EditTokens,
    operators: Operators,
    wrong_tokens: WrongTokens,
    mail_recipients: mail::Recipients,
    /// Woken when a change has put e-mail in the outbox.
    mail_wake: Arc<tokio::sync::Notify>,
    /// The e-mail sender; it stops with the state.
    _mail_sender: AbortOnDrop,
    /// The site's address for links (`IV_PUBLIC_URL`), without a trailing slash.
    site: String,
}

/// What the settings make, checked before the database is touched: the
/// operators, the way e-mail leaves and whom it goes to, the site's address.
struct Settings {
    operators: Operators,
    mailer: mail::sender::Mailer,
    mail_recipients: mail::Recipients,
    site: String,
}

impl Settings {
    fn check(config: &Config) -> anyhow::Result<Settings> {
        let site = config.site_url()?;
        Ok(Settings {
            operators: Operators::from_config(config)?,
            mailer: mail::sender::Mailer::from_config(config, site.clone())?,
            mail_recipients: mail::Recipients {
                operators: config.operator_addresses()?,
            },
            site,
        })
    }
}

/// A background task that ends when its owner is dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl AppState {
    /// Opens the database, settles the current edition (configured, or the demo
    /// edition, seeded with demo activities on first start) and loads the programme.
    /// Settings that cannot work (an operator token that is too short, say)
    /// are refused before the database is touched.
    pub async fn open(config: Config) -> anyhow::Result<Self> {
        let settings = Settings::check(&config)?;
        let storage = SqliteStorage::open(&config.data_dir)
            .await
            .with_context(|| {
                format!(
                    "cannot open the database in {} (IV_DATA_DIR): is the folder writable?",
                    config.data_dir.display()
                )
            })?;
        Self::build(config, Arc::new(storage), settings).await
    }

    /// Like [`AppState::open`], with any storage. The secret of the edit
    /// links comes from the settings or the data folder (see [`tokens`]).
    pub async fn with_storage(config: Config, storage: Arc<dyn Storage>) -> anyhow::Result<Self> {
        let settings = Settings::check(&config)?;
        Self::build(config, storage, settings).await
    }

    async fn build(
        config: Config,
        storage: Arc<dyn Storage>,
        settings: Settings,
    ) -> anyhow::Result<Self> {
        let Settings {
            operators,
            mailer,
            mail_recipients,
            site,
        } = settings;
        let edit_tokens = EditTokens::load(config.token_secret.as_deref(), &config.data_dir)?;
        let today = today_in_stockholm(Utc::now());
        let (mut edition, is_demo) = match config.configured_edition()? {
            Some(edition) => (edition, false),
            None => match storage.current_edition().await? {
                // A demo week that has passed makes way for a coming one.
                Some(current) if !current.is_demo || current.edition.ends_on >= today => {
                    (current.edition, current.is_demo)
                }
                _ => (demo::edition_for(today), true),
            },
        };
        if is_demo {
            // The demo's programme is open unless IV_PROGRAMME_OPENS_ON says
            // otherwise, also after a start that said otherwise.
            edition.programme_opens_on = config
                .programme_opens_on
                .unwrap_or_else(|| edition.programme_opens_on.min(today));
        }
        let stored = storage.make_current(edition, is_demo).await?;
        if stored.is_demo && storage.count_activities(stored.id).await? == 0 {
            let count = config.demo_activities;
            let activities = demo::activities(stored.edition.starts_on, count);
            storage.insert_activities(stored.id, activities).await?;
            tracing::info!(
                "seeded the demo edition {} with {count} activities",
                stored.edition.name
            );
        }
        let activities = storage.public_activities(stored.id).await?;
        let published = Published::new(stored.edition, stored.id, activities);
        let submissions = RateLimiter::per_hour(config.submissions_per_hour);
        tracing::info!("{}", mailer.describe());
        if mail_recipients.operators.is_empty() {
            tracing::info!("no IV_OPERATOR_EMAILS: the operators get no e-mail");
        }
        let mail_wake = Arc::new(tokio::sync::Notify::new());
        let mail_sender = AbortOnDrop(tokio::spawn(mail::sender::run(
            Arc::clone(&storage),
            Arc::new(mailer),
            edit_tokens.clone(),
            Arc::clone(&mail_wake),
        )));
        Ok(AppState {
            inner: Arc::new(Inner {
                config,
                storage,
                published: RwLock::new(Arc::new(published)),
                republishing: tokio::sync::Mutex::new(()),
                submissions,
                edit_tokens,
                operators,
                wrong_tokens: WrongTokens::new(),
                mail_recipients,
                mail_wake,
                _mail_sender: mail_sender,
                site,
            }),
        })
    }

    /// Reloads the public activities and replaces the published programme,
    /// after a change of what is public.
    pub async fn republish(&self) -> Result<(), StorageError> {
        let _turn = self.inner.republishing.lock().await;
        let current = self.published();
        let activities = self.storage().public_activities(current.edition_id).await?;
        let (edition, edition_id) = (current.edition.clone(), current.edition_id);
        // Building compresses the whole list: work for a blocking thread, not
        // for the threads that answer requests.
        let rebuilt =
            tokio::task::spawn_blocking(move || Published::new(edition, edition_id, activities))
                .await
                .map_err(|e| StorageError::Rebuild(e.to_string()))?;
        let mut guard = self
            .inner
            .published
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *guard = Arc::new(rebuilt);
        Ok(())
    }

    /// The database.
    pub fn storage(&self) -> &dyn Storage {
        self.inner.storage.as_ref()
    }

    /// Makes and checks the organisers' edit tokens.
    pub fn edit_tokens(&self) -> &EditTokens {
        &self.inner.edit_tokens
    }

    /// Who may use the admin API.
    pub fn operators(&self) -> &Operators {
        &self.inner.operators
    }

    /// The wrong operator tokens of each client address lately.
    pub fn wrong_tokens(&self) -> &WrongTokens {
        &self.inner.wrong_tokens
    }

    /// Who is told of what by e-mail, besides the organiser.
    pub fn mail_recipients(&self) -> &mail::Recipients {
        &self.inner.mail_recipients
    }

    /// Tells the e-mail sender that the outbox has new messages.
    pub fn wake_mail_sender(&self) {
        self.inner.mail_wake.notify_one();
    }

    /// The token buckets of new registrations.
    pub fn submission_limiter(&self) -> &RateLimiter {
        &self.inner.submissions
    }

    /// The programme as published now.
    pub fn published(&self) -> Arc<Published> {
        // A poisoned lock still holds a complete programme: it is only ever replaced whole.
        let guard = self
            .inner
            .published
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        Arc::clone(&guard)
    }

    /// Today's date in Stockholm.
    pub fn today(&self) -> NaiveDate {
        today_in_stockholm(Utc::now())
    }

    /// The site's address for links (`IV_PUBLIC_URL`), without a trailing slash.
    pub fn site(&self) -> &str {
        &self.inner.site
    }

    /// The settings the server started with.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }
}

/// The whole HTTP application: the API under `/api`, and the web app for the
/// rest, every response with the security headers.
pub fn app(state: AppState) -> Router {
    let config = state.config();
    let shell = web::AppShell::load(&config.dist_dir);
    let router = Router::new()
        .nest("/api", api::router(state.clone()))
        .merge(web::router(&config.dist_dir, shell.clone(), state.clone()));
    security::with_security_headers(router, &shell.html(), config.hsts)
        .layer(TraceLayer::new_for_http())
}

/// A server listening on a socket.
pub struct RunningServer {
    /// Where it listens (useful when started on port 0).
    pub addr: SocketAddr,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
    stop: tokio::sync::oneshot::Sender<()>,
}

/// How long [`RunningServer::stop`] lets requests in flight finish.
const STOP_GRACE: Duration = Duration::from_secs(5);

impl RunningServer {
    /// Runs until the server stops (Ctrl-C or SIGTERM).
    pub async fn wait(self) -> anyhow::Result<()> {
        self.task.await.context("the server task failed")??;
        Ok(())
    }

    /// Stops serving at once.
    pub fn abort(&self) {
        self.task.abort();
    }

    /// Stops the server and returns when it is gone: the listener is closed,
    /// idle keep-alive connections too (so a client cannot go on talking to
    /// the stopped server), and the address can be bound again. Requests in
    /// flight get a few seconds to finish.
    pub async fn stop(self) {
        let RunningServer { mut task, stop, .. } = self;
        let _ = stop.send(());
        if tokio::time::timeout(STOP_GRACE, &mut task).await.is_err() {
            task.abort();
            let _ = task.await;
        }
    }
}

/// Opens the state, binds the address and serves in a background task.
pub async fn start(config: Config) -> anyhow::Result<RunningServer> {
    if !config.dist_dir.join("index.html").exists() {
        tracing::warn!(
            "no built web app in {} (IV_DIST_DIR): only the API is served; build it with scripts/build-app.sh",
            config.dist_dir.display()
        );
    }
    let addr = config.addr;
    let state = AppState::open(config).await?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr} (IV_ADDR): is the port taken?"))?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        // With the peer's address, for the per-client limits.
        let service = app(state).into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(listener, service)
            .with_graceful_shutdown(async move {
                // A handle dropped without `stop` leaves the server running, as before.
                let stop_requested = async {
                    if stopped.await.is_err() {
                        std::future::pending::<()>().await;
                    }
                };
                tokio::select! {
                    () = shutdown_signal() => {},
                    () = stop_requested => {},
                }
            })
            .await
    });
    Ok(RunningServer { addr, task, stop })
}

/// Bytes as lowercase hex, two characters each.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut out, byte| {
        let _ = write!(out, "{byte:02x}");
        out
    })
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}
