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
pub mod serve;
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
use tower_http::timeout::DeadlineBody;
use tower_http::trace::TraceLayer;

pub use config::{Config, without_password};
use operators::Operators;
use published::Published;
use rate_limit::RegistrationLimits;
use storage::{Storage, StorageError};
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
    /// Whether a failed rebuild is being tried again in the background.
    rebuild_retrying: std::sync::atomic::AtomicBool,
    /// The database's [`Storage::revision`] the published programme was
    /// built from.
    revision: std::sync::atomic::AtomicI64,
    /// Looks for changes made by other servers and rebuilds; it stops with
    /// the state. Set once the state exists.
    following: std::sync::OnceLock<AbortOnDrop>,
    /// Rebuilds still to fail on purpose, in this crate's tests.
    #[cfg(test)]
    failing_rebuilds: std::sync::atomic::AtomicUsize,
    submissions: RegistrationLimits,
    edit_tokens: EditTokens,
    operators: Operators,
    wrong_tokens: WrongTokens,
    mail_recipients: mail::Recipients,
    /// Woken when a change has put e-mail in the outbox.
    mail_wake: Arc<tokio::sync::Notify>,
    /// The e-mail sender; it stops with the state.
    _mail_sender: AbortOnDrop,
    /// Forgets old idempotency keys and erases old personal data every
    /// hour; it stops with the state. Set once the state exists.
    housekeeping: std::sync::OnceLock<AbortOnDrop>,
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
        if config.shares_database() && config.token_secret.is_none() {
            // Each server would make a secret of its own in its data folder,
            // and an edit link would work on one server only.
            anyhow::bail!(
                "IV_TOKEN_SECRET is needed with PostgreSQL (IV_DATABASE_URL): every server of the site must derive the edit links from the same secret (at least 32 characters, for example from `openssl rand -hex 32`)"
            );
        }
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

/// Opens the database the settings name (`IV_DATABASE_URL`, or SQLite in
/// `IV_DATA_DIR`), with a message a person can act on when it fails.
pub async fn open_storage(config: &Config) -> anyhow::Result<Arc<dyn Storage>> {
    let url = config.database_url.as_deref();
    storage::open(url, &config.data_dir)
        .await
        .with_context(|| match url {
            Some(url) => format!(
                "cannot open the database {} (IV_DATABASE_URL): is it running, and may this user reach it?",
                config::without_password(url)
            ),
            None => format!(
                "cannot open the database in {} (IV_DATA_DIR): is the folder writable?",
                config.data_dir.display()
            ),
        })
}

/// A background task that ends when its owner is dropped.
pub(crate) struct AbortOnDrop(pub(crate) tokio::task::JoinHandle<()>);

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
        let storage = open_storage(&config).await?;
        Self::build(config, storage, settings).await
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
        let revision = storage.revision().await?;
        let activities = storage.public_activities(stored.id).await?;
        let published = Published::new(stored.edition, stored.id, activities);
        let submissions = RegistrationLimits::new(rate_limit::Rates {
            per_client: config.submissions_per_hour,
            per_network: config.submissions_per_hour_per_48,
            total: config.submissions_per_hour_total,
        });
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

        let state = AppState {
            inner: Arc::new(Inner {
                config,
                storage,
                published: RwLock::new(Arc::new(published)),
                republishing: tokio::sync::Mutex::new(()),
                rebuild_retrying: std::sync::atomic::AtomicBool::new(false),
                revision: std::sync::atomic::AtomicI64::new(revision),
                following: std::sync::OnceLock::new(),
                #[cfg(test)]
                failing_rebuilds: std::sync::atomic::AtomicUsize::new(0),
                submissions,
                edit_tokens,
                operators,
                wrong_tokens: WrongTokens::new(),
                mail_recipients,
                mail_wake,
                _mail_sender: mail_sender,
                housekeeping: std::sync::OnceLock::new(),
                site,
            }),
        };
        // Weak: the task must not keep alive the state it cleans up.
        let task = tokio::spawn(housekeeping_hourly(Arc::downgrade(&state.inner)));
        let _ = state.inner.housekeeping.set(AbortOnDrop(task));
        let notices = state.storage().change_notices();
        let task = tokio::spawn(follow_changes(Arc::downgrade(&state.inner), notices));
        let _ = state.inner.following.set(AbortOnDrop(task));
        Ok(state)
    }

    /// Publishes the programme anew after a committed change of what is
    /// public. It cannot fail the request that made the change, which is
    /// stored whatever happens here: when the rebuild fails (the database
    /// unreachable for a moment), that is logged and the rebuild is tried
    /// again in the background, after pauses growing from 0.1 s to 30 s,
    /// until it succeeds.
    pub async fn republish(&self) {
        if let Err(error) = self.rebuild().await {
            tracing::error!(
                %error,
                "the programme could not be rebuilt: it is tried again until it is"
            );
            self.retry_rebuild();
        }
    }

    /// What the server cleans up by itself, as of `now`: it forgets the
    /// idempotency keys older than `IV_IDEMPOTENCY_DAYS` and erases the
    /// personal data kept long enough (`IV_RETENTION_DAYS`,
    /// `IV_RETENTION_AFTER_WEEK_DAYS`; see [`Storage::erase_expired`]),
    /// publishing the programme anew when that changed an activity. Failures
    /// are logged and tried again the next time.
    pub async fn housekeep(&self, now: chrono::DateTime<Utc>) {
        let config = self.config();
        let storage = self.storage();
        let days = config.idempotency_days;
        match forget_old_submissions(storage, days, now).await {
            Ok(0) => {}
            Ok(forgotten) => tracing::info!(forgotten, days, "old idempotency keys forgotten"),
            Err(error) => tracing::warn!(%error, "old idempotency keys could not be forgotten"),
        }
        let retention = storage::Retention {
            unpublished_before: now - chrono::TimeDelta::days(i64::from(config.retention_days)),
            edition_ended_before: today_in_stockholm(now)
                - chrono::TimeDelta::days(i64::from(config.retention_after_week_days)),
        };
        match storage.erase_expired(retention).await {
            Ok(erased) => {
                if !erased.activities.is_empty() || erased.messages > 0 {
                    tracing::info!(
                        activities = erased.activities.len(),
                        messages = erased.messages,
                        "personal data kept long enough was erased"
                    );
                }
                if !erased.activities.is_empty() {
                    self.republish().await;
                }
            }
            Err(error) => tracing::warn!(%error, "old personal data could not be erased"),
        }
    }

    /// Starts the background retries of a failed rebuild, unless they run.
    fn retry_rebuild(&self) {
        use std::sync::atomic::Ordering;
        if self.inner.rebuild_retrying.swap(true, Ordering::AcqRel) {
            return;
        }
        // Weak: a state dropped (a server stopped) ends the retries.
        let inner = Arc::downgrade(&self.inner);
        tokio::spawn(async move {
            let mut pause = Duration::from_millis(100);
            loop {
                tokio::time::sleep(pause).await;
                let Some(inner) = inner.upgrade() else {
                    return;
                };
                let state = AppState { inner };
                match state.rebuild().await {
                    Ok(()) => {
                        tracing::info!("the programme is published again");
                        state.inner.rebuild_retrying.store(false, Ordering::Release);
                        return;
                    }
                    Err(error) => {
                        tracing::warn!(%error, ?pause, "rebuilding the programme failed again");
                    }
                }
                pause = (pause * 2).min(Duration::from_secs(30));
            }
        });
    }

    /// Reloads the public activities and replaces the published programme.
    async fn rebuild(&self) -> Result<(), StorageError> {
        let _turn = self.inner.republishing.lock().await;
        #[cfg(test)]
        {
            use std::sync::atomic::Ordering;
            let failing = &self.inner.failing_rebuilds;
            if failing
                .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1))
                .is_ok()
            {
                return Err(StorageError::Rebuild("failed on purpose".into()));
            }
        }
        let current = self.published();
        // Read before the activities: a change committed in between makes
        // the next look rebuild again, never miss it.
        let revision = self.storage().revision().await?;
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
        self.inner
            .revision
            .store(revision, std::sync::atomic::Ordering::Release);
        Ok(())
    }

    /// Rebuilds the programme if the database has changed since it was
    /// built (by this server or another); answers whether it did.
    pub async fn catch_up(&self) -> Result<bool, StorageError> {
        use std::sync::atomic::Ordering;
        let revision = self.storage().revision().await?;
        if revision == self.inner.revision.load(Ordering::Acquire) {
            return Ok(false);
        }
        self.rebuild().await?;
        Ok(true)
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

    /// The limits on new registrations.
    pub fn submission_limits(&self) -> &RegistrationLimits {
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
        .merge(web::router(&config.dist_dir, shell.clone(), state.clone()))
        .layer(axum::middleware::map_request_with_state(
            Duration::from_secs(config.body_timeout_seconds),
            body_deadline,
        ));
    security::with_security_headers(router, &shell.html(), config.hsts)
        .layer(TraceLayer::new_for_http())
}

/// [`AppState::housekeep`], now and every hour, while the state lives.
async fn housekeeping_hourly(state: std::sync::Weak<Inner>) {
    let mut every_hour = tokio::time::interval(Duration::from_secs(3600));
    loop {
        every_hour.tick().await;
        let Some(inner) = state.upgrade() else {
            return;
        };
        AppState { inner }.housekeep(Utc::now()).await;
    }
}

/// How often a server looks whether another one changed the programme.
/// PostgreSQL's notices bring a change sooner; the look is what finds one
/// whose notice was lost (while the listener reconnected, say).
pub const CHANGE_CHECK_INTERVAL: Duration = Duration::from_secs(1);

/// [`AppState::catch_up`] at each notice of a change and every
/// [`CHANGE_CHECK_INTERVAL`], while the state lives.
async fn follow_changes(state: std::sync::Weak<Inner>, notices: Option<Arc<tokio::sync::Notify>>) {
    let mut every_second = tokio::time::interval(CHANGE_CHECK_INTERVAL);
    every_second.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut failing = false;
    loop {
        match &notices {
            Some(notices) => tokio::select! {
                _ = every_second.tick() => {}
                () = notices.notified() => {}
            },
            None => {
                every_second.tick().await;
            }
        }
        let Some(inner) = state.upgrade() else {
            return;
        };
        match (AppState { inner }).catch_up().await {
            Ok(rebuilt) => {
                if failing {
                    tracing::info!("the database answers again");
                } else if rebuilt {
                    tracing::debug!("the programme was changed elsewhere: rebuilt");
                }
                failing = false;
            }
            // Said once, not every second while it lasts.
            Err(error) if !failing => {
                tracing::warn!(%error, "cannot look for changes of the programme");
                failing = true;
            }
            Err(_) => {}
        }
    }
}

/// Forgets the idempotency keys stored more than `days` before `now`.
pub async fn forget_old_submissions(
    storage: &dyn Storage,
    days: u32,
    now: chrono::DateTime<Utc>,
) -> Result<u64, StorageError> {
    let before = now - chrono::TimeDelta::days(i64::from(days));
    storage
        .forget_submissions_before(&before.to_rfc3339())
        .await
}

/// A request body not all there within `deadline` is unreadable: 400
/// `unreadable_body`. Requests without a body (most of them) get no timer.
async fn body_deadline(
    axum::extract::State(deadline): axum::extract::State<Duration>,
    request: axum::extract::Request,
) -> axum::extract::Request {
    use axum::body::HttpBody;
    if request.body().size_hint().exact() == Some(0) {
        return request;
    }
    request.map(|body| axum::body::Body::new(DeadlineBody::new(deadline, body)))
}

/// A server listening on a socket.
pub struct RunningServer {
    /// Where it listens (useful when started on port 0).
    pub addr: SocketAddr,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
    stop: tokio::sync::oneshot::Sender<()>,
    /// How long a stop lets requests in flight finish.
    grace: Duration,
}

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
    /// flight get the grace period (`IV_SHUTDOWN_GRACE_SECONDS`) to finish.
    pub async fn stop(self) {
        let RunningServer {
            mut task,
            stop,
            grace,
            ..
        } = self;
        let _ = stop.send(());
        // The serving task closes what is left after the grace period itself.
        if tokio::time::timeout(grace + Duration::from_secs(1), &mut task)
            .await
            .is_err()
        {
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
    let limits = state.config().connection_limits().fitted_to_process();
    tracing::info!(?limits, "connection limits");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let stop = async move {
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
        };
        serve::serve(listener, app(state), limits, stop).await;
        Ok(())
    });
    Ok(RunningServer {
        addr,
        task,
        stop,
        grace: limits.grace,
    })
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

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering;

    use axum::body::Body;
    use axum::http::{Request, StatusCode, header};
    use programme::ActivityStatus;
    use tower::ServiceExt;

    use super::*;

    const ADMIN_TOKEN: &str = "a-test-operator-token-of-32-chars-or-more";

    async fn published_has(state: &AppState, id: &str) -> bool {
        state
            .published()
            .programme
            .activities()
            .iter()
            .any(|a| a.id == id)
    }

    /// Waits (up to 20 s, the retries' pauses are 0.1 s, 0.2 s, 0.4 s, …).
    async fn eventually_published(state: &AppState, id: &str) {
        for _ in 0..200 {
            if published_has(state, id).await {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{id} never reached the published programme");
    }

    /// Regression (issue 12, item 6): a failed rebuild after a committed
    /// decision answered the operator 500 and nothing tried again, so the
    /// public list stayed stale until the next change.
    #[tokio::test]
    async fn a_failed_rebuild_is_retried_and_the_operator_is_not_told_500() {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::with_data_dir(dir.path());
        config.admin_token = Some(ADMIN_TOKEN.into());
        let state = AppState::open(config).await.unwrap();
        let edition = state.published().edition.clone();
        let mut pending = demo::activities(edition.starts_on, 1).remove(0);
        pending.id = "waiting-for-review".into();
        pending.status = ActivityStatus::Pending;
        state
            .storage()
            .insert_activities(state.published().edition_id, vec![pending])
            .await
            .unwrap();

        state.inner.failing_rebuilds.store(3, Ordering::Release);
        let approve = Request::post("/api/admin/activities/waiting-for-review/approve")
            .header(header::AUTHORIZATION, format!("Bearer {ADMIN_TOKEN}"))
            .body(Body::empty())
            .unwrap();
        let reply = app(state.clone()).oneshot(approve).await.unwrap();
        assert_eq!(reply.status(), StatusCode::OK, "the decision is stored");
        assert!(
            !published_has(&state, "waiting-for-review").await,
            "the rebuild failed"
        );
        eventually_published(&state, "waiting-for-review").await;
        assert_eq!(state.inner.failing_rebuilds.load(Ordering::Acquire), 0);
        assert!(!state.inner.rebuild_retrying.load(Ordering::Acquire));
    }

    #[tokio::test]
    async fn retries_stop_when_the_server_is_gone() {
        let dir = tempfile::tempdir().unwrap();
        let state = AppState::open(Config::with_data_dir(dir.path()))
            .await
            .unwrap();
        state
            .inner
            .failing_rebuilds
            .store(usize::MAX, Ordering::Release);
        state.republish().await;
        assert!(state.inner.rebuild_retrying.load(Ordering::Acquire));
        let weak = Arc::downgrade(&state.inner);
        drop(state);
        // The retrying task holds the state only while it tries.
        for _ in 0..50 {
            if weak.upgrade().is_none() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the retries kept the stopped server's state alive");
    }
}
