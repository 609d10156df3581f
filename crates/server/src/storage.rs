//! Where activities live. The server talks to a [`Storage`]; SQLite (one file under
//! the data folder) is the implementation today, PostgreSQL can be a second one.

use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::str::FromStr;

use programme::submission::hidden;
use programme::{Activity, ActivityStatus, Edition};

use crate::mail::NewMail;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool};

/// A storage operation's future.
pub type StorageFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StorageError>> + Send + 'a>>;

/// What can go wrong in storage. Never shown to visitors; logged.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("stored activity {id} cannot be read: {source}")]
    Corrupt {
        id: String,
        source: serde_json::Error,
    },
    #[error("activity cannot be written: {0}")]
    Encode(serde_json::Error),
    #[error(
        "the database has schema version {version}, this server knows {known}: it was made by a newer version"
    )]
    NewerSchema { version: i64, known: i64 },
    #[error(
        "the database has schema version {version}, which no version of this server writes: it is refused untouched"
    )]
    UnknownSchema { version: i64 },
    #[error("the published programme could not be rebuilt: {0}")]
    Rebuild(String),
}

/// An activity with what only the server and its operators see. Its `Debug`
/// hides the submitter's e-mail.
#[derive(Clone, PartialEq, Eq)]
pub struct ActivityRecord {
    pub activity: Activity,
    pub edition_id: i64,
    /// Where the edit link goes; `None` for activities that did not come
    /// through `POST /api/activities` (the demo's), which have no organiser
    /// view. The edit token itself is stored nowhere (see [`crate::tokens`]).
    pub submitter_email: Option<String>,
    /// Why the operator rejected it, shown to the organiser.
    pub review_note: Option<String>,
    /// The version of its content, 1 when registered and one more with every
    /// change by its organiser (edit or cancellation); the `ETag` and
    /// `If-Match` of the organiser's API.
    pub version: i64,
    /// When it was last approved (RFC 3339, UTC): set by an approval, or when
    /// it was stored as published; cleared by a rejection. A cancelled
    /// activity stays in the programme only if it has one.
    pub approved_at: Option<String>,
    /// The activity as it was when last approved, for what changed since;
    /// `None` when it never was (or was rejected since).
    pub approved: Option<Activity>,
    /// Whether its organiser has changed it since it was approved.
    pub changed_since_approval: bool,
    /// When it was stored (RFC 3339, UTC).
    pub created_at: String,
}

/// A registration to store once per idempotency key. Its `Debug` hides the
/// submitter's e-mail.
#[derive(Clone)]
pub struct NewSubmission {
    pub idempotency_key: String,
    /// What a repeated request is compared by (see [`crate::request_hash`]).
    pub request_hash: String,
    pub edition_id: i64,
    pub activity: Activity,
    pub submitter_email: String,
    /// The e-mail it sends, stored with it (see [`crate::mail`]).
    pub mails: Vec<NewMail>,
}

impl std::fmt::Debug for ActivityRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActivityRecord")
            .field("activity", &self.activity)
            .field("edition_id", &self.edition_id)
            .field(
                "submitter_email",
                &self.submitter_email.as_deref().map(hidden),
            )
            .field("review_note", &self.review_note)
            .field("version", &self.version)
            .field("approved_at", &self.approved_at)
            .field("approved", &self.approved)
            .field("changed_since_approval", &self.changed_since_approval)
            .field("created_at", &self.created_at)
            .finish()
    }
}

impl std::fmt::Debug for NewSubmission {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewSubmission")
            .field("idempotency_key", &self.idempotency_key)
            .field("request_hash", &self.request_hash)
            .field("edition_id", &self.edition_id)
            .field("activity", &self.activity)
            .field("submitter_email", &hidden(&self.submitter_email))
            .field("mails", &self.mails)
            .finish()
    }
}

/// What an idempotency key already stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownSubmission {
    pub request_hash: String,
    pub record: ActivityRecord,
}

/// The result of [`Storage::insert_submission`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubmissionOutcome {
    /// Stored now.
    Created(ActivityRecord),
    /// The key was taken already (by an earlier or a concurrent request);
    /// nothing was stored.
    Known(KnownSubmission),
}

/// An edition as stored, with its row id and whether it is the generated demo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEdition {
    pub id: i64,
    pub edition: Edition,
    pub is_demo: bool,
}

/// What a change is recorded in the audit as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    /// An operator approved the activity (published it).
    Approve,
    /// An operator rejected it, with a reason.
    Reject,
    /// An operator undid its cancellation.
    Restore,
    /// Its organiser changed it.
    Edit,
    /// Its organiser called it off.
    Cancel,
    /// Its personal data was erased: by an operator on request, or by the
    /// server when it was kept long enough ([`RETENTION`]).
    Erase,
}

impl AuditAction {
    /// The name stored and shown in `GET /api/admin/audit`.
    pub fn key(self) -> &'static str {
        match self {
            AuditAction::Approve => "approve",
            AuditAction::Reject => "reject",
            AuditAction::Restore => "restore",
            AuditAction::Edit => "edit",
            AuditAction::Cancel => "cancel",
            AuditAction::Erase => "erase",
        }
    }
}

/// Who the audit names for an organiser's own change.
pub const ORGANISER: &str = "arrangör";

/// Who the audit names for what the server erases by itself ("gallring" is
/// the Swedish public sector's word for weeding out records).
pub const RETENTION: &str = "gallring";

/// Which activities' personal data is due to be erased, and which e-mail:
/// see [`Storage::erase_expired`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// An activity that never became public (rejected, or cancelled before
    /// an operator approved it) and has not changed since; an e-mail sent or
    /// given up before it.
    pub unpublished_before: chrono::DateTime<chrono::Utc>,
    /// An activity of an edition whose last day is before this one.
    pub edition_ended_before: chrono::NaiveDate,
}

/// What an erasure removed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Erased {
    /// The activities whose contact and submitter's e-mail are gone.
    pub activities: Vec<ErasedActivity>,
    /// How many messages left the outbox.
    pub messages: u64,
}

/// An activity whose personal data was erased.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct ErasedActivity {
    pub id: String,
    pub title: String,
}

/// A row to add to the audit with a change; when and which activity are
/// filled in by the storage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAuditEntry {
    /// The operator's name, or [`ORGANISER`].
    pub operator: String,
    pub action: AuditAction,
    /// A rejection's or a cancellation's reason.
    pub reason: Option<String>,
    /// A rejection's standard reason, as its code.
    pub code: Option<String>,
}

impl NewAuditEntry {
    /// An entry without reason or code.
    pub fn new(operator: impl Into<String>, action: AuditAction) -> Self {
        NewAuditEntry {
            operator: operator.into(),
            action,
            reason: None,
            code: None,
        }
    }
}

/// A row of the audit as stored, with the title its activity has now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// When (RFC 3339, UTC).
    pub at: String,
    pub operator: String,
    /// An [`AuditAction::key`].
    pub action: String,
    pub activity_id: Option<String>,
    /// `None` when the activity is no longer stored.
    pub title: Option<String>,
    pub reason: Option<String>,
    pub code: Option<String>,
}

/// The order of [`Storage::activities_by_status`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ActivityOrder {
    /// By start, as the programme lists them.
    #[default]
    Start,
    /// Oldest registration first, as a queue is worked through.
    Created,
}

/// How many activities an edition has of each status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, utoipa::ToSchema)]
pub struct StatusCounts {
    pub pending: u64,
    pub published: u64,
    pub rejected: u64,
    pub cancelled: u64,
}

/// What a change stores: the activity as it becomes, the audit's row, and
/// the e-mail it sends.
#[derive(Debug, Clone)]
pub struct Change {
    pub record: ActivityRecord,
    pub audit: Option<NewAuditEntry>,
    pub mails: Vec<NewMail>,
}

/// Decides, from an activity as it is stored now, what changes; `None`
/// leaves it as it is. See [`Storage::update_activity`].
pub type Decide<'a> = Box<dyn FnOnce(&ActivityRecord) -> Option<Change> + Send + 'a>;

/// A message in the outbox, claimed by one sender for a while.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedMail {
    pub id: i64,
    /// A [`crate::mail::MailKind::key`].
    pub kind: String,
    pub to: Vec<String>,
    pub activity_id: String,
    /// The [`crate::mail::Facts`] as JSON.
    pub facts: String,
    /// Attempts so far, this one included.
    pub attempts: i64,
}

/// How an attempt to send went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailOutcome {
    Sent,
    /// Failed; try again at `at`.
    Retry {
        at: chrono::DateTime<chrono::Utc>,
        error: String,
    },
    /// Failed for good.
    GiveUp {
        error: String,
    },
}

/// A message in the outbox as the operators see it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct MailRow {
    pub id: i64,
    pub kind: String,
    pub to: Vec<String>,
    pub activity_id: String,
    /// The activity's title when the message was made.
    pub title: String,
    pub attempts: i64,
    pub created_at: String,
    /// When it is tried next; `None` once sent or given up.
    pub next_attempt_at: Option<String>,
    pub sent_at: Option<String>,
    pub failed_at: Option<String>,
    pub last_error: Option<String>,
}

/// The outbox in figures, with the messages that are in trouble.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct MailOverview {
    /// Not sent yet (also those being retried).
    pub waiting: u64,
    pub sent: u64,
    /// Given up.
    pub failed: u64,
    /// Unsent messages that have failed at least once, and the given-up
    /// ones, newest first.
    pub problems: Vec<MailRow>,
}

/// The operations the server needs from a database.
pub trait Storage: Send + Sync + 'static {
    /// The edition marked as current, if any.
    fn current_edition(&self) -> StorageFuture<'_, Option<StoredEdition>>;

    /// Stores an edition as the current one (replacing the mark on any other) and
    /// returns it. An edition with the same start day is updated, not duplicated.
    fn make_current(&self, edition: Edition, is_demo: bool) -> StorageFuture<'_, StoredEdition>;

    /// How many activities an edition has, whatever their status.
    fn count_activities(&self, edition_id: i64) -> StorageFuture<'_, u64>;

    /// Adds activities to an edition, all or none.
    fn insert_activities(
        &self,
        edition_id: i64,
        activities: Vec<Activity>,
    ) -> StorageFuture<'_, ()>;

    /// The activities of an edition that the public sees: the published ones,
    /// and the cancelled ones that were approved before (an activity called
    /// off before anyone approved it never becomes public).
    fn public_activities(&self, edition_id: i64) -> StorageFuture<'_, Vec<Activity>>;

    /// What an idempotency key was used for in an edition, if it was.
    fn find_submission(
        &self,
        edition_id: i64,
        idempotency_key: &str,
    ) -> StorageFuture<'_, Option<KnownSubmission>>;

    /// Forgets the idempotency keys stored before `before` (RFC 3339, UTC);
    /// returns how many. The registrations stay.
    fn forget_submissions_before(&self, before: &str) -> StorageFuture<'_, u64>;

    /// Stores a registration under its idempotency key, unless the key is taken:
    /// then nothing is stored and the earlier registration is returned. Atomic,
    /// also against concurrent requests with the same key.
    fn insert_submission(&self, submission: NewSubmission) -> StorageFuture<'_, SubmissionOutcome>;

    /// One activity with its private fields, in any edition and status.
    fn find_activity(&self, id: &str) -> StorageFuture<'_, Option<ActivityRecord>>;

    /// An edition's activities with their private fields, of one status or all,
    /// in the `order` asked for.
    fn activities_by_status(
        &self,
        edition_id: i64,
        status: Option<ActivityStatus>,
        order: ActivityOrder,
    ) -> StorageFuture<'_, Vec<ActivityRecord>>;

    /// How many activities an edition has of each status.
    fn count_by_status(&self, edition_id: i64) -> StorageFuture<'_, StatusCounts>;

    /// The newest `limit` rows of the audit, newest first.
    fn audit_entries(&self, limit: u32) -> StorageFuture<'_, Vec<AuditEntry>>;

    /// The audit of one activity, oldest first.
    fn activity_history(&self, id: &str) -> StorageFuture<'_, Vec<AuditEntry>>;

    /// Reads an activity, lets `decide` say what changes and stores that,
    /// in one transaction that holds the write lock from the read on, so no
    /// other change comes between what `decide` saw and what is written.
    /// Written are the activity (body, status, start), `submitter_email`,
    /// `review_note`, `version`, `approved_at`, `approved` and
    /// `changed_since_approval` of the [`Change`]'s record; its id, edition
    /// and `created_at` stay. In the same transaction the change's audit row
    /// (if any) is added to the audit and its e-mail to the outbox; when
    /// `decide` changes nothing, nothing is added. Returns the activity as
    /// stored afterwards, or `None` when there is no such activity (then
    /// `decide` is not called).
    fn update_activity<'a>(
        &'a self,
        id: &'a str,
        decide: Decide<'a>,
    ) -> StorageFuture<'a, Option<ActivityRecord>>;

    /// Takes the oldest message that is due and not leased to another
    /// sender, leases it for `lease` and counts the attempt.
    fn claim_mail(&self, lease: std::time::Duration) -> StorageFuture<'_, Option<QueuedMail>>;

    /// Records how an attempt to send a claimed message went.
    fn finish_mail(&self, id: i64, outcome: MailOutcome) -> StorageFuture<'_, ()>;

    /// The outbox for the operators: figures, and the newest `limit`
    /// messages in trouble.
    fn mail_overview(&self, limit: u32) -> StorageFuture<'_, MailOverview>;

    /// Puts a given-up message back in line, to be tried at once from the
    /// first attempt; `false` when there is no such given-up message.
    fn retry_mail(&self, id: i64) -> StorageFuture<'_, bool>;

    /// Erases the personal data kept long enough: of each activity that
    /// [`Retention`] picks and that was not erased before, the contact's
    /// name, e-mail and phone (in the activity and in its approved version)
    /// and the submitter's e-mail, with every message of the outbox about it;
    /// and every message sent or given up before
    /// `retention.unpublished_before`. Each erased activity gets an audit row
    /// `erase` by [`RETENTION`]. A row that cannot be read is left as it is
    /// and logged. All in one transaction.
    fn erase_expired(&self, retention: Retention) -> StorageFuture<'_, Erased>;

    /// Erases one person's data on request (GDPR, article 17), whatever the
    /// activity's status or edition: a contact (as it is, or as last
    /// approved) with the e-mail address `email` (in any case) loses its
    /// name, address and phone, a submitter's address that is `email` goes,
    /// and so does every message of the outbox to it. Each activity changed
    /// gets an audit row `erase` naming `operator`.
    fn erase_person<'a>(&'a self, email: &'a str, operator: &'a str) -> StorageFuture<'a, Erased>;
}

/// SQLite, in `innovationsveckan.sqlite3` inside the data folder.
#[derive(Debug, Clone)]
pub struct SqliteStorage {
    pool: SqlitePool,
}

/// The schema, one entry per version; `PRAGMA user_version` says how many have run.
/// Append only: a database that ran an entry never runs it again.
const MIGRATIONS: &[&str] = &[
    r#"
    CREATE TABLE editions (
        id                 INTEGER PRIMARY KEY,
        name               TEXT NOT NULL,
        year               INTEGER NOT NULL,
        starts_on          TEXT NOT NULL UNIQUE,
        ends_on            TEXT NOT NULL,
        programme_opens_on TEXT NOT NULL,
        is_demo            INTEGER NOT NULL DEFAULT 0,
        is_current         INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE activities (
        id          TEXT PRIMARY KEY,
        edition_id  INTEGER NOT NULL REFERENCES editions(id),
        status      TEXT NOT NULL,
        starts_at   TEXT NOT NULL,
        body        TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    );
    CREATE INDEX activities_by_edition_status ON activities(edition_id, status, starts_at);
"#,
    // 2: registrations through the API. The private fields stay out of `body`,
    // which is what the public sees; `submissions` remembers each
    // Idempotency-Key, so a repeated request never stores a second activity.
    r#"
    ALTER TABLE activities ADD COLUMN submitter_email TEXT;
    ALTER TABLE activities ADD COLUMN edit_token TEXT;
    ALTER TABLE activities ADD COLUMN review_note TEXT;
    CREATE TABLE submissions (
        idempotency_key TEXT PRIMARY KEY,
        request_hash    TEXT NOT NULL,
        activity_id     TEXT NOT NULL UNIQUE REFERENCES activities(id),
        created_at      TEXT NOT NULL
    );
"#,
    // 3: organisers change and cancel their activities. Edit tokens are now
    // derived from a secret (`tokens.rs`) and stored nowhere: the column goes,
    // and the random links of version 2 stop working. `version` counts the
    // organiser's changes (for If-Match); `approved_at` says whether an
    // operator has let the activity into the programme, which a cancelled one
    // needs to stay there: the published and cancelled rows so far were.
    r#"
    ALTER TABLE activities DROP COLUMN edit_token;
    ALTER TABLE activities ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE activities ADD COLUMN approved_at TEXT;
    ALTER TABLE activities ADD COLUMN changed_since_approval INTEGER NOT NULL DEFAULT 0;
    UPDATE activities SET approved_at = updated_at WHERE status IN ('published', 'cancelled');
"#,
    // 4: the audit, one row per decision (and per organiser's change), written
    // in the transaction of the change. No foreign key: the history of an
    // activity outlives it.
    r#"
    CREATE TABLE audit (
        id          INTEGER PRIMARY KEY,
        at          TEXT NOT NULL,
        operator    TEXT NOT NULL,
        action      TEXT NOT NULL,
        activity_id TEXT,
        reason      TEXT,
        code        TEXT
    );
    CREATE INDEX audit_by_activity ON audit(activity_id);
"#,
    // 5: e-mail. The outbox is written in the transaction of the change it
    // tells of and holds no edit token (the link is derived when sending);
    // `leased_until` lets several senders share it. `approved_body` keeps
    // the activity as last approved, to show what changed since.
    r#"
    CREATE TABLE mail_outbox (
        id              INTEGER PRIMARY KEY,
        kind            TEXT NOT NULL,
        recipients      TEXT NOT NULL,
        activity_id     TEXT NOT NULL,
        facts           TEXT NOT NULL,
        created_at      TEXT NOT NULL,
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        leased_until    TEXT,
        sent_at         TEXT,
        failed_at       TEXT,
        last_error      TEXT
    );
    CREATE INDEX mail_outbox_due ON mail_outbox(next_attempt_at)
        WHERE sent_at IS NULL AND failed_at IS NULL;
    ALTER TABLE activities ADD COLUMN approved_body TEXT;
    UPDATE activities SET approved_body = body WHERE approved_at IS NOT NULL;
"#,
    // 6: an Idempotency-Key belongs to one edition (the same key may come
    // again in next year's week), and is kept for a while, not for ever:
    // `created_at` is indexed for the server's hourly clean-up.
    r#"
    CREATE TABLE submissions_of_edition (
        edition_id      INTEGER NOT NULL REFERENCES editions(id),
        idempotency_key TEXT NOT NULL,
        request_hash    TEXT NOT NULL,
        activity_id     TEXT NOT NULL UNIQUE REFERENCES activities(id),
        created_at      TEXT NOT NULL,
        PRIMARY KEY (edition_id, idempotency_key)
    );
    INSERT INTO submissions_of_edition
        SELECT a.edition_id, s.idempotency_key, s.request_hash, s.activity_id, s.created_at
        FROM submissions s JOIN activities a ON a.id = s.activity_id;
    DROP TABLE submissions;
    ALTER TABLE submissions_of_edition RENAME TO submissions;
    CREATE INDEX submissions_by_age ON submissions(created_at);
"#,
    // 7: personal data is erased when kept long enough or asked for; an
    // erased activity keeps its public fields and says when.
    r#"
    ALTER TABLE activities ADD COLUMN personal_data_erased_at TEXT;
"#,
];

impl SqliteStorage {
    /// Opens (creating if needed) the database file in `data_dir` and brings its
    /// schema up to date.
    pub async fn open(data_dir: &Path) -> Result<Self, StorageError> {
        std::fs::create_dir_all(data_dir).map_err(sqlx::Error::Io)?;
        let path = data_dir.join("innovationsveckan.sqlite3");
        let options = SqliteConnectOptions::from_str("sqlite://")?
            .filename(&path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(std::time::Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        let storage = SqliteStorage { pool };
        storage.migrate().await?;
        Ok(storage)
    }

    async fn migrate(&self) -> Result<(), StorageError> {
        // IMMEDIATE: two servers starting at once take turns instead of both
        // reading the old version.
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let version: i64 = sqlx::query_scalar("PRAGMA user_version")
            .fetch_one(&mut *tx)
            .await?;
        let known = MIGRATIONS.len() as i64;
        if version > known {
            return Err(StorageError::NewerSchema { version, known });
        }
        // A negative number would wrap to a huge `usize` and skip every
        // migration; nothing of ours writes one, so the file is not ours.
        let Ok(done) = usize::try_from(version) else {
            return Err(StorageError::UnknownSchema { version });
        };
        for (index, migration) in MIGRATIONS.iter().enumerate().skip(done) {
            sqlx::raw_sql(*migration).execute(&mut *tx).await?;
            // A number we wrote ourselves, not input: safe in the statement.
            let set_version = format!("PRAGMA user_version = {}", index + 1);
            sqlx::raw_sql(sqlx::AssertSqlSafe(set_version))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

fn edition_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<StoredEdition, sqlx::Error> {
    Ok(StoredEdition {
        id: row.try_get("id")?,
        is_demo: row.try_get("is_demo")?,
        edition: Edition {
            name: row.try_get("name")?,
            year: row.try_get("year")?,
            starts_on: row.try_get("starts_on")?,
            ends_on: row.try_get("ends_on")?,
            programme_opens_on: row.try_get("programme_opens_on")?,
        },
    })
}

/// The columns [`record_from_row`] reads, from `activities` as `a`; a macro so
/// that `concat!` makes whole statements of it at compile time.
macro_rules! record_columns {
    () => {
        "a.id, a.edition_id, a.body, a.submitter_email, a.review_note, a.version, a.approved_at,
         a.approved_body, a.changed_since_approval, a.created_at"
    };
}

/// The audit's rows with the title their activity has now.
macro_rules! audit_select {
    () => {
        "SELECT l.at, l.operator, l.action, l.activity_id, l.reason, l.code,
                json_extract(a.body, '$.title') AS title
         FROM audit l LEFT JOIN activities a ON a.id = l.activity_id"
    };
}

fn audit_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<AuditEntry, StorageError> {
    Ok(AuditEntry {
        at: row.try_get("at")?,
        operator: row.try_get("operator")?,
        action: row.try_get("action")?,
        activity_id: row.try_get("activity_id")?,
        title: row.try_get("title")?,
        reason: row.try_get("reason")?,
        code: row.try_get("code")?,
    })
}

/// The `version` column as the public activity carries it (the column is
/// the truth; the copy in the body may be older).
fn public_version(version: i64) -> u32 {
    u32::try_from(version.max(1)).unwrap_or(u32::MAX)
}

fn record_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<ActivityRecord, StorageError> {
    let approved_body: Option<String> = row.try_get("approved_body")?;
    // The approved version only tells what changed: unreadable, it is missed.
    let approved = approved_body.and_then(|body| serde_json::from_str(&body).ok());
    let activity = activity_from_row(row)?;
    Ok(ActivityRecord {
        approved,
        activity,
        edition_id: row.try_get("edition_id")?,
        submitter_email: row.try_get("submitter_email")?,
        review_note: row.try_get("review_note")?,
        version: row.try_get("version")?,
        approved_at: row.try_get("approved_at")?,
        changed_since_approval: row.try_get("changed_since_approval")?,
        created_at: row.try_get("created_at")?,
    })
}

/// The activity of a row with `id`, `body` and `version`, with its public version.
fn activity_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<Activity, StorageError> {
    let id: String = row.try_get("id")?;
    let body: String = row.try_get("body")?;
    let version: i64 = row.try_get("version")?;
    let mut activity: Activity =
        serde_json::from_str(&body).map_err(|source| StorageError::Corrupt { id, source })?;
    activity.version = public_version(version);
    Ok(activity)
}

async fn known_submission<'c, E>(
    executor: E,
    edition_id: i64,
    idempotency_key: &str,
) -> Result<Option<KnownSubmission>, StorageError>
where
    E: sqlx::Executor<'c, Database = sqlx::Sqlite>,
{
    let row = sqlx::query(concat!(
        "SELECT s.request_hash, ",
        record_columns!(),
        " FROM submissions s JOIN activities a ON a.id = s.activity_id
         WHERE s.edition_id = ? AND s.idempotency_key = ?"
    ))
    .bind(edition_id)
    .bind(idempotency_key)
    .fetch_optional(executor)
    .await?;
    row.map(|row| {
        Ok(KnownSubmission {
            request_hash: row.try_get("request_hash")?,
            record: record_from_row(&row)?,
        })
    })
    .transpose()
}

fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.is_unique_violation())
}

const SELECT_CURRENT_EDITION: &str =
    "SELECT id, name, year, starts_on, ends_on, programme_opens_on, is_demo
     FROM editions WHERE is_current = 1";

impl Storage for SqliteStorage {
    fn current_edition(&self) -> StorageFuture<'_, Option<StoredEdition>> {
        Box::pin(async move {
            let row = sqlx::query(SELECT_CURRENT_EDITION)
                .fetch_optional(&self.pool)
                .await?;
            Ok(row.as_ref().map(edition_from_row).transpose()?)
        })
    }

    fn make_current(&self, edition: Edition, is_demo: bool) -> StorageFuture<'_, StoredEdition> {
        Box::pin(async move {
            let mut tx = self.pool.begin().await?;
            sqlx::query("UPDATE editions SET is_current = 0")
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO editions (name, year, starts_on, ends_on, programme_opens_on, is_demo, is_current)
                 VALUES (?, ?, ?, ?, ?, ?, 1)
                 ON CONFLICT (starts_on) DO UPDATE SET
                    name = excluded.name, year = excluded.year, ends_on = excluded.ends_on,
                    programme_opens_on = excluded.programme_opens_on, is_demo = excluded.is_demo,
                    is_current = 1",
            )
            .bind(&edition.name)
            .bind(edition.year)
            .bind(edition.starts_on)
            .bind(edition.ends_on)
            .bind(edition.programme_opens_on)
            .bind(is_demo)
            .execute(&mut *tx)
            .await?;
            let row = sqlx::query(SELECT_CURRENT_EDITION)
                .fetch_one(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(edition_from_row(&row)?)
        })
    }

    fn count_activities(&self, edition_id: i64) -> StorageFuture<'_, u64> {
        Box::pin(async move {
            let count: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM activities WHERE edition_id = ?")
                    .bind(edition_id)
                    .fetch_one(&self.pool)
                    .await?;
            Ok(count.max(0) as u64)
        })
    }

    fn insert_activities(
        &self,
        edition_id: i64,
        activities: Vec<Activity>,
    ) -> StorageFuture<'_, ()> {
        Box::pin(async move {
            let now = chrono::Utc::now().to_rfc3339();
            let mut tx = self.pool.begin().await?;
            for activity in &activities {
                insert_activity(&mut tx, edition_id, activity, None, &now).await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    fn public_activities(&self, edition_id: i64) -> StorageFuture<'_, Vec<Activity>> {
        Box::pin(async move {
            let rows = sqlx::query(
                "SELECT id, body, version FROM activities
                 WHERE edition_id = ?1
                   AND (status = ?2 OR (status = ?3 AND approved_at IS NOT NULL))
                 ORDER BY starts_at, id",
            )
            .bind(edition_id)
            .bind(ActivityStatus::Published.key())
            .bind(ActivityStatus::Cancelled.key())
            .fetch_all(&self.pool)
            .await?;
            // One unreadable row is logged and left out; it must not take
            // the whole programme (and the next start) down with it.
            let mut activities = Vec::with_capacity(rows.len());
            for row in &rows {
                match activity_from_row(row) {
                    Ok(activity) => activities.push(activity),
                    Err(error) => tracing::error!(
                        id = row.try_get::<String, _>("id").unwrap_or_default(),
                        %error,
                        "a published activity cannot be read: it is left out of the programme"
                    ),
                }
            }
            Ok(activities)
        })
    }

    fn find_submission(
        &self,
        edition_id: i64,
        idempotency_key: &str,
    ) -> StorageFuture<'_, Option<KnownSubmission>> {
        let key = idempotency_key.to_owned();
        Box::pin(async move { known_submission(&self.pool, edition_id, &key).await })
    }

    fn forget_submissions_before(&self, before: &str) -> StorageFuture<'_, u64> {
        let before = before.to_owned();
        Box::pin(async move {
            let done = sqlx::query("DELETE FROM submissions WHERE created_at < ?1")
                .bind(before)
                .execute(&self.pool)
                .await?;
            Ok(done.rows_affected())
        })
    }

    fn insert_submission(&self, submission: NewSubmission) -> StorageFuture<'_, SubmissionOutcome> {
        Box::pin(async move {
            match self.try_insert_submission(&submission).await {
                // The UNIQUE keys are the last guard should two writers ever
                // get past the lookup (another process without IMMEDIATE, say).
                Err(StorageError::Database(e)) if is_unique_violation(&e) => {
                    match known_submission(
                        &self.pool,
                        submission.edition_id,
                        &submission.idempotency_key,
                    )
                    .await?
                    {
                        Some(known) => Ok(SubmissionOutcome::Known(known)),
                        None => Err(StorageError::Database(e)),
                    }
                }
                outcome => outcome,
            }
        })
    }

    fn find_activity(&self, id: &str) -> StorageFuture<'_, Option<ActivityRecord>> {
        let id = id.to_owned();
        Box::pin(async move { self.record(&self.pool, &id).await })
    }

    fn activities_by_status(
        &self,
        edition_id: i64,
        status: Option<ActivityStatus>,
        order: ActivityOrder,
    ) -> StorageFuture<'_, Vec<ActivityRecord>> {
        Box::pin(async move {
            let query = match order {
                ActivityOrder::Start => concat!(
                    "SELECT ",
                    record_columns!(),
                    " FROM activities a
                     WHERE a.edition_id = ?1 AND (?2 IS NULL OR a.status = ?2)
                     ORDER BY a.starts_at, a.id"
                ),
                // The rowid keeps the order of activities stored at one instant.
                ActivityOrder::Created => concat!(
                    "SELECT ",
                    record_columns!(),
                    " FROM activities a
                     WHERE a.edition_id = ?1 AND (?2 IS NULL OR a.status = ?2)
                     ORDER BY a.created_at, a.rowid"
                ),
            };
            let rows = sqlx::query(query)
                .bind(edition_id)
                .bind(status.map(ActivityStatus::key))
                .fetch_all(&self.pool)
                .await?;
            rows.iter().map(record_from_row).collect()
        })
    }

    fn count_by_status(&self, edition_id: i64) -> StorageFuture<'_, StatusCounts> {
        Box::pin(async move {
            let rows = sqlx::query(
                "SELECT status, COUNT(*) AS n FROM activities WHERE edition_id = ? GROUP BY status",
            )
            .bind(edition_id)
            .fetch_all(&self.pool)
            .await?;
            let mut counts = StatusCounts::default();
            for row in &rows {
                let status: String = row.try_get("status")?;
                let n: i64 = row.try_get("n")?;
                let n = n.max(0) as u64;
                match ActivityStatus::from_key(&status) {
                    Some(ActivityStatus::Pending) => counts.pending = n,
                    Some(ActivityStatus::Published) => counts.published = n,
                    Some(ActivityStatus::Rejected) => counts.rejected = n,
                    Some(ActivityStatus::Cancelled) => counts.cancelled = n,
                    None => {}
                }
            }
            Ok(counts)
        })
    }

    fn audit_entries(&self, limit: u32) -> StorageFuture<'_, Vec<AuditEntry>> {
        Box::pin(async move {
            let rows = sqlx::query(concat!(audit_select!(), " ORDER BY l.id DESC LIMIT ?"))
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
            rows.iter().map(audit_from_row).collect()
        })
    }

    fn activity_history(&self, id: &str) -> StorageFuture<'_, Vec<AuditEntry>> {
        let id = id.to_owned();
        Box::pin(async move {
            let rows = sqlx::query(concat!(
                audit_select!(),
                " WHERE l.activity_id = ? ORDER BY l.id"
            ))
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
            rows.iter().map(audit_from_row).collect()
        })
    }

    fn update_activity<'a>(
        &'a self,
        id: &'a str,
        decide: Decide<'a>,
    ) -> StorageFuture<'a, Option<ActivityRecord>> {
        Box::pin(async move {
            // IMMEDIATE: the write lock from the read on, so what `decide`
            // saw is still what is stored when its answer is written.
            let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
            let Some(current) = self.record(&mut *tx, id).await? else {
                return Ok(None);
            };
            let Some(Change {
                record: next,
                audit,
                mails,
            }) = decide(&current)
            else {
                return Ok(Some(current));
            };
            let body = serde_json::to_string(&next.activity).map_err(StorageError::Encode)?;
            let approved_body = next
                .approved
                .as_ref()
                .map(serde_json::to_string)
                .transpose()
                .map_err(StorageError::Encode)?;
            let now = chrono::Utc::now().to_rfc3339();
            sqlx::query(
                "UPDATE activities
                 SET status = ?, starts_at = ?, body = ?, submitter_email = ?, review_note = ?,
                     version = ?, approved_at = ?, approved_body = ?, changed_since_approval = ?,
                     updated_at = ?
                 WHERE id = ?",
            )
            .bind(next.activity.status.key())
            .bind(utc(&next.activity))
            .bind(body)
            .bind(&next.submitter_email)
            .bind(&next.review_note)
            .bind(next.version)
            .bind(&next.approved_at)
            .bind(approved_body)
            .bind(next.changed_since_approval)
            .bind(&now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            insert_mails(&mut tx, &mails).await?;
            if let Some(entry) = audit {
                sqlx::query(
                    "INSERT INTO audit (at, operator, action, activity_id, reason, code)
                     VALUES (?, ?, ?, ?, ?, ?)",
                )
                .bind(&now)
                .bind(entry.operator)
                .bind(entry.action.key())
                .bind(id)
                .bind(entry.reason)
                .bind(entry.code)
                .execute(&mut *tx)
                .await?;
            }
            let record = self.record(&mut *tx, id).await?;
            tx.commit().await?;
            Ok(record)
        })
    }

    fn claim_mail(&self, lease: std::time::Duration) -> StorageFuture<'_, Option<QueuedMail>> {
        Box::pin(self.sql_claim_mail(lease))
    }

    fn finish_mail(&self, id: i64, outcome: MailOutcome) -> StorageFuture<'_, ()> {
        Box::pin(self.sql_finish_mail(id, outcome))
    }

    fn mail_overview(&self, limit: u32) -> StorageFuture<'_, MailOverview> {
        Box::pin(self.sql_mail_overview(limit))
    }

    fn retry_mail(&self, id: i64) -> StorageFuture<'_, bool> {
        Box::pin(self.sql_retry_mail(id))
    }

    fn erase_expired(&self, retention: Retention) -> StorageFuture<'_, Erased> {
        Box::pin(self.sql_erase(Erasure::Expired(retention), RETENTION))
    }

    fn erase_person<'a>(&'a self, email: &'a str, operator: &'a str) -> StorageFuture<'a, Erased> {
        Box::pin(self.sql_erase(Erasure::Person(email), operator))
    }
}

/// What [`SqliteStorage::sql_erase`] erases.
#[derive(Debug, Clone, Copy)]
enum Erasure<'a> {
    Expired(Retention),
    Person(&'a str),
}

impl SqliteStorage {
    /// The erasures of [`Storage`]; see there.
    async fn sql_erase(&self, erasure: Erasure<'_>, by: &str) -> Result<Erased, StorageError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let rows = match erasure {
            Erasure::Expired(retention) => {
                sqlx::query(
                    "SELECT a.id, a.body, a.approved_body, a.submitter_email
                     FROM activities a JOIN editions e ON e.id = a.edition_id
                     WHERE a.personal_data_erased_at IS NULL
                       AND ((a.approved_at IS NULL AND a.status IN ('rejected', 'cancelled')
                             AND a.updated_at < ?1)
                            OR e.ends_on < ?2)
                     ORDER BY a.rowid",
                )
                .bind(retention.unpublished_before.to_rfc3339())
                .bind(retention.edition_ended_before.to_string())
                .fetch_all(&mut *tx)
                .await?
            }
            // Whoever has the address, in whatever activity.
            Erasure::Person(_) => {
                sqlx::query(
                    "SELECT id, body, approved_body, submitter_email FROM activities
                     ORDER BY rowid",
                )
                .fetch_all(&mut *tx)
                .await?
            }
        };
        let now = chrono::Utc::now().to_rfc3339();
        let mut erased = Erased::default();
        for row in rows {
            let id: String = row.try_get("id")?;
            let body: String = row.try_get("body")?;
            let approved_body: Option<String> = row.try_get("approved_body")?;
            let submitter: Option<String> = row.try_get("submitter_email")?;
            let (Some(mut body), Ok(mut approved)) = (
                json_object(&body),
                approved_body
                    .as_deref()
                    .map(|approved| json_object(approved).ok_or(()))
                    .transpose(),
            ) else {
                tracing::warn!(
                    id,
                    "an activity that cannot be read keeps its personal data"
                );
                continue;
            };
            // Of one person, only what names her: another contact stays.
            let (in_submitter, in_body, in_approved) = match erasure {
                Erasure::Expired(_) => (true, true, true),
                Erasure::Person(email) => (
                    submitter.as_deref().is_some_and(|s| same_address(s, email)),
                    contact_is(&body, email),
                    approved.as_ref().is_some_and(|a| contact_is(a, email)),
                ),
            };
            if !(in_submitter || in_body || in_approved) {
                continue;
            }
            if in_body {
                erase_contact(&mut body);
            }
            if let Some(approved) = approved.as_mut().filter(|_| in_approved) {
                erase_contact(approved);
            }
            let submitter = submitter.filter(|_| !in_submitter);
            let title = body
                .get("title")
                .and_then(serde_json::Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let body = serde_json::to_string(&body).map_err(StorageError::Encode)?;
            let approved = approved
                .as_ref()
                .map(serde_json::to_string)
                .transpose()
                .map_err(StorageError::Encode)?;
            sqlx::query(
                "UPDATE activities
                 SET body = ?, approved_body = ?, submitter_email = ?,
                     personal_data_erased_at = ?
                 WHERE id = ?",
            )
            .bind(body)
            .bind(approved)
            .bind(submitter)
            .bind(&now)
            .bind(&id)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO audit (at, operator, action, activity_id) VALUES (?, ?, ?, ?)",
            )
            .bind(&now)
            .bind(by)
            .bind(AuditAction::Erase.key())
            .bind(&id)
            .execute(&mut *tx)
            .await?;
            // The messages about it hold the addresses and the facts; of one
            // person, those to her go below.
            if let Erasure::Expired(_) = erasure {
                erased.messages += sqlx::query("DELETE FROM mail_outbox WHERE activity_id = ?")
                    .bind(&id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            }
            erased.activities.push(ErasedActivity { id, title });
        }
        erased.messages += match erasure {
            Erasure::Expired(retention) => {
                let before = stamp(retention.unpublished_before);
                sqlx::query("DELETE FROM mail_outbox WHERE sent_at < ?1 OR failed_at < ?1")
                    .bind(before)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
            }
            Erasure::Person(email) => {
                let messages = sqlx::query("SELECT id, recipients FROM mail_outbox")
                    .fetch_all(&mut *tx)
                    .await?;
                let mut deleted = 0;
                for message in messages {
                    let recipients: String = message.try_get("recipients")?;
                    let to: Vec<String> = serde_json::from_str(&recipients).unwrap_or_default();
                    if to.iter().any(|address| same_address(address, email)) {
                        let id: i64 = message.try_get("id")?;
                        deleted += sqlx::query("DELETE FROM mail_outbox WHERE id = ?")
                            .bind(id)
                            .execute(&mut *tx)
                            .await?
                            .rows_affected();
                    }
                }
                deleted
            }
        };
        tx.commit().await?;
        Ok(erased)
    }
}

/// A stored activity as JSON, to change one part and keep the rest as it is.
fn json_object(text: &str) -> Option<serde_json::Value> {
    serde_json::from_str(text)
        .ok()
        .filter(serde_json::Value::is_object)
}

/// Whether two e-mail addresses are the same person's, as people type them.
fn same_address(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

/// Whether the activity's contact has the address `email`.
fn contact_is(activity: &serde_json::Value, email: &str) -> bool {
    activity
        .pointer("/contact/email")
        .and_then(serde_json::Value::as_str)
        .is_some_and(|address| same_address(address, email))
}

/// The contact of an activity, empty: no name, no address, no phone.
fn erase_contact(activity: &mut serde_json::Value) {
    if let Some(fields) = activity.as_object_mut() {
        fields.insert(
            "contact".to_owned(),
            serde_json::json!({ "name": "", "email": "" }),
        );
    }
}

impl SqliteStorage {
    /// The outbox's side of [`Storage`]; see there.
    async fn sql_claim_mail(
        &self,
        lease: std::time::Duration,
    ) -> Result<Option<QueuedMail>, StorageError> {
        let now = chrono::Utc::now();
        let until = now + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::minutes(2));
        // One statement: of two senders only one gets the row.
        let row = sqlx::query(
            "UPDATE mail_outbox SET leased_until = ?1, attempts = attempts + 1
             WHERE id = (SELECT id FROM mail_outbox
                         WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ?2
                           AND (leased_until IS NULL OR leased_until <= ?2)
                         ORDER BY next_attempt_at, id LIMIT 1)
             RETURNING id, kind, recipients, activity_id, facts, attempts",
        )
        .bind(stamp(until))
        .bind(stamp(now))
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            let recipients: String = row.try_get("recipients")?;
            Ok(QueuedMail {
                id: row.try_get("id")?,
                kind: row.try_get("kind")?,
                to: serde_json::from_str(&recipients).unwrap_or_default(),
                activity_id: row.try_get("activity_id")?,
                facts: row.try_get("facts")?,
                attempts: row.try_get("attempts")?,
            })
        })
        .transpose()
    }

    async fn sql_finish_mail(&self, id: i64, outcome: MailOutcome) -> Result<(), StorageError> {
        let now = stamp(chrono::Utc::now());
        let query = match &outcome {
            MailOutcome::Sent => sqlx::query(
                "UPDATE mail_outbox SET sent_at = ?, leased_until = NULL, last_error = NULL
                 WHERE id = ?",
            )
            .bind(now)
            .bind(id),
            MailOutcome::Retry { at, error } => sqlx::query(
                "UPDATE mail_outbox SET next_attempt_at = ?, leased_until = NULL, last_error = ?
                 WHERE id = ?",
            )
            .bind(stamp(*at))
            .bind(error)
            .bind(id),
            MailOutcome::GiveUp { error } => sqlx::query(
                "UPDATE mail_outbox SET failed_at = ?, leased_until = NULL, last_error = ?
                 WHERE id = ?",
            )
            .bind(now)
            .bind(error)
            .bind(id),
        };
        query.execute(&self.pool).await?;
        Ok(())
    }

    async fn sql_mail_overview(&self, limit: u32) -> Result<MailOverview, StorageError> {
        let figures = sqlx::query(
            "SELECT
                 COUNT(*) FILTER (WHERE sent_at IS NULL AND failed_at IS NULL) AS waiting,
                 COUNT(*) FILTER (WHERE sent_at IS NOT NULL) AS sent,
                 COUNT(*) FILTER (WHERE failed_at IS NOT NULL) AS failed
             FROM mail_outbox",
        )
        .fetch_one(&self.pool)
        .await?;
        let count = |name: &str| -> Result<u64, StorageError> {
            let n: i64 = figures.try_get(name)?;
            Ok(n.max(0) as u64)
        };
        let rows = sqlx::query(
            "SELECT * FROM mail_outbox
             WHERE sent_at IS NULL AND (attempts > 0 AND last_error IS NOT NULL OR failed_at IS NOT NULL)
             ORDER BY id DESC LIMIT ?",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        Ok(MailOverview {
            waiting: count("waiting")?,
            sent: count("sent")?,
            failed: count("failed")?,
            problems: rows.iter().map(mail_row).collect::<Result<_, _>>()?,
        })
    }

    async fn sql_retry_mail(&self, id: i64) -> Result<bool, StorageError> {
        let done = sqlx::query(
            "UPDATE mail_outbox SET failed_at = NULL, attempts = 0, next_attempt_at = ?,
                                    leased_until = NULL
             WHERE id = ? AND failed_at IS NOT NULL AND sent_at IS NULL",
        )
        .bind(stamp(chrono::Utc::now()))
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}

/// The start as stored in its column: UTC, so that text order is time order.
fn utc(activity: &Activity) -> String {
    activity.starts_at.with_timezone(&chrono::Utc).to_rfc3339()
}

/// Stores a new activity. One stored as published or cancelled (the demo's,
/// or a registration published without review) counts as approved now.
async fn insert_activity(
    tx: &mut sqlx::SqliteConnection,
    edition_id: i64,
    activity: &Activity,
    submitter_email: Option<&str>,
    now: &str,
) -> Result<(), StorageError> {
    let body = serde_json::to_string(activity).map_err(StorageError::Encode)?;
    let approved = matches!(
        activity.status,
        ActivityStatus::Published | ActivityStatus::Cancelled
    );
    sqlx::query(
        "INSERT INTO activities (id, edition_id, status, starts_at, body, created_at, updated_at,
                                 submitter_email, approved_at, approved_body)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&activity.id)
    .bind(edition_id)
    .bind(activity.status.key())
    .bind(utc(activity))
    .bind(&body)
    .bind(now)
    .bind(now)
    .bind(submitter_email)
    .bind(approved.then_some(now))
    .bind(approved.then_some(&body))
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// A moment as the outbox stores it: UTC with microseconds and `Z`, always
/// the same length, so that text order is time order.
fn stamp(moment: chrono::DateTime<chrono::Utc>) -> String {
    moment.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// Puts messages in the outbox, due now, in the caller's transaction.
async fn insert_mails(
    tx: &mut sqlx::SqliteConnection,
    mails: &[NewMail],
) -> Result<(), StorageError> {
    let now = stamp(chrono::Utc::now());
    for mail in mails {
        let recipients = serde_json::to_string(&mail.to).map_err(StorageError::Encode)?;
        let facts = serde_json::to_string(&mail.facts).map_err(StorageError::Encode)?;
        sqlx::query(
            "INSERT INTO mail_outbox (kind, recipients, activity_id, facts, created_at,
                                      next_attempt_at)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(mail.kind.key())
        .bind(recipients)
        .bind(&mail.activity_id)
        .bind(facts)
        .bind(&now)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

fn mail_row(row: &sqlx::sqlite::SqliteRow) -> Result<MailRow, StorageError> {
    let recipients: String = row.try_get("recipients")?;
    let facts: String = row.try_get("facts")?;
    let title = serde_json::from_str::<crate::mail::Facts>(&facts)
        .map(|facts| facts.title)
        .unwrap_or_default();
    let sent_at: Option<String> = row.try_get("sent_at")?;
    let failed_at: Option<String> = row.try_get("failed_at")?;
    Ok(MailRow {
        id: row.try_get("id")?,
        kind: row.try_get("kind")?,
        to: serde_json::from_str(&recipients).unwrap_or_default(),
        activity_id: row.try_get("activity_id")?,
        title,
        attempts: row.try_get("attempts")?,
        created_at: row.try_get("created_at")?,
        next_attempt_at: if sent_at.is_none() && failed_at.is_none() {
            row.try_get("next_attempt_at")?
        } else {
            None
        },
        sent_at,
        failed_at,
        last_error: row.try_get("last_error")?,
    })
}

impl SqliteStorage {
    async fn record(
        &self,
        executor: impl sqlx::Executor<'_, Database = sqlx::Sqlite>,
        id: &str,
    ) -> Result<Option<ActivityRecord>, StorageError> {
        let row = sqlx::query(concat!(
            "SELECT ",
            record_columns!(),
            " FROM activities a WHERE a.id = ?"
        ))
        .bind(id)
        .fetch_optional(executor)
        .await?;
        row.as_ref().map(record_from_row).transpose()
    }

    /// The transaction of [`Storage::insert_submission`]. IMMEDIATE takes the
    /// write lock before the lookup, so of two requests with the same key the
    /// second waits and then finds the first one's row.
    async fn try_insert_submission(
        &self,
        submission: &NewSubmission,
    ) -> Result<SubmissionOutcome, StorageError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        if let Some(known) =
            known_submission(&mut *tx, submission.edition_id, &submission.idempotency_key).await?
        {
            return Ok(SubmissionOutcome::Known(known));
        }
        let now = chrono::Utc::now().to_rfc3339();
        insert_activity(
            &mut tx,
            submission.edition_id,
            &submission.activity,
            Some(&submission.submitter_email),
            &now,
        )
        .await?;
        sqlx::query(
            "INSERT INTO submissions (edition_id, idempotency_key, request_hash, activity_id, created_at)
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(submission.edition_id)
        .bind(&submission.idempotency_key)
        .bind(&submission.request_hash)
        .bind(&submission.activity.id)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        insert_mails(&mut tx, &submission.mails).await?;
        let record = self
            .record(&mut *tx, &submission.activity.id)
            .await?
            .ok_or(StorageError::Database(sqlx::Error::RowNotFound))?;
        tx.commit().await?;
        Ok(SubmissionOutcome::Created(record))
    }
}
