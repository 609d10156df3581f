//! Where activities live. The server talks to a [`Storage`], this module's
//! trait, in the types defined here; each database is a module of its own
//! that implements it, with its migrations beside it:
//!
//! - [`sqlite`]: one file under the data folder (`sqlite/migrations/`), the
//!   default: one server, nothing to run beside it.
//! - [`postgres`]: a PostgreSQL database (`postgres/migrations/`), shared by
//!   several servers.
//!
//! [`rows`] holds what the rows mean whatever the database. A further
//! database needs a module that implements [`Storage`] with the same meaning
//! (each method's documentation is the contract), its own migrations to the
//! same tables and schema versions, and a scheme in [`open`].

use std::future::Future;
use std::pin::Pin;

use programme::submission::hidden;
use programme::{Activity, ActivityStatus, Edition};

use crate::mail::NewMail;

pub mod postgres;
mod rows;
pub mod sqlite;

pub use postgres::PostgresStorage;
pub use sqlite::SqliteStorage;

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
    #[error(transparent)]
    Import(#[from] ImportRefusal),
    #[error(
        "IV_DATABASE_URL names no database this server knows: use postgres://user:password@host:port/name or sqlite://FILE"
    )]
    UnknownDatabase,
}

impl StorageError {
    /// Whether the database could not be reached at all (down, or no
    /// connection free in time), rather than refusing or failing a query:
    /// worth trying again soon, and a server that says so is not healthy.
    pub fn is_unreachable(&self) -> bool {
        matches!(
            self,
            StorageError::Database(
                sqlx::Error::PoolTimedOut
                    | sqlx::Error::PoolClosed
                    | sqlx::Error::Io(_)
                    | sqlx::Error::Tls(_)
                    | sqlx::Error::WorkerCrashed
            )
        )
    }
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

impl StatusCounts {
    /// `n` activities of the status stored as `key`; a key of no status is
    /// not counted.
    fn set(&mut self, key: &str, n: i64) {
        let n = n.max(0) as u64;
        match ActivityStatus::from_key(key) {
            Some(ActivityStatus::Pending) => self.pending = n,
            Some(ActivityStatus::Published) => self.published = n,
            Some(ActivityStatus::Rejected) => self.rejected = n,
            Some(ActivityStatus::Cancelled) => self.cancelled = n,
            None => {}
        }
    }
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

/// The whole database, as `export` writes it and `import` reads it: every
/// row of every table, each a JSON object of its columns (text, integer or
/// null), so a week moves between servers and databases.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Export {
    /// Always [`EXPORT_FORMAT`].
    pub format: String,
    /// The schema the rows are in; an import needs the same.
    pub schema_version: i64,
    /// Table name → its rows, in the order of their key.
    pub tables: std::collections::BTreeMap<String, Vec<serde_json::Map<String, serde_json::Value>>>,
}

impl Export {
    /// Refuses, before a database is touched, a file that is not an export
    /// of this server or holds a table it does not know.
    fn check_shape(&self) -> Result<(), ImportRefusal> {
        if self.format != EXPORT_FORMAT {
            return Err(ImportRefusal::NotAnExport(self.format.clone()));
        }
        match self
            .tables
            .keys()
            .find(|name| !EXPORTED_TABLES.contains(&name.as_str()))
        {
            Some(unknown) => Err(ImportRefusal::UnknownTable(unknown.clone())),
            None => Ok(()),
        }
    }

    /// Refuses a database of another schema version (`here`), or one that
    /// holds editions already.
    fn check_target(&self, here: i64, editions: i64) -> Result<(), ImportRefusal> {
        if self.schema_version != here {
            return Err(ImportRefusal::OtherSchema {
                found: self.schema_version,
                here,
            });
        }
        if editions > 0 {
            return Err(ImportRefusal::NotEmpty(editions));
        }
        Ok(())
    }

    /// The rows of `table`; none when the file has no such table.
    fn rows(&self, table: &str) -> &[serde_json::Map<String, serde_json::Value>] {
        self.tables
            .get(table)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }
}

/// What an export file says it is.
pub const EXPORT_FORMAT: &str = "innovationsveckan-export";

/// The tables of an export, in the order an import fills them (a row's
/// references come before it).
pub const EXPORTED_TABLES: [&str; 5] = [
    "editions",
    "activities",
    "submissions",
    "audit",
    "mail_outbox",
];

/// Why an export cannot be imported; said as it is to whoever runs `import`.
#[derive(Debug, thiserror::Error)]
pub enum ImportRefusal {
    #[error("the file is not an export of this server (format {0:?})")]
    NotAnExport(String),
    #[error(
        "the export has schema version {found}, this database {here}: export and import with the same version of the server"
    )]
    OtherSchema { found: i64, here: i64 },
    #[error("the database already holds {0} editions: import only into a new, empty database")]
    NotEmpty(i64),
    #[error("the export has a table {0:?} that this server does not know")]
    UnknownTable(String),
    #[error("a row of {table} has a column {column:?} that the table does not have")]
    UnknownColumn { table: String, column: String },
    #[error("a row of {table} has a value for {column} that is not text, a whole number or null")]
    UnsupportedValue { table: String, column: String },
}

/// Which database a server uses: `url` (`IV_DATABASE_URL`) names it,
/// `postgres://…` (or `postgresql://…`) or `sqlite://FILE`; without one it is
/// SQLite in `data_dir`.
pub async fn open(
    url: Option<&str>,
    data_dir: &std::path::Path,
) -> Result<std::sync::Arc<dyn Storage>, StorageError> {
    match url.map(str::trim).filter(|url| !url.is_empty()) {
        None => Ok(std::sync::Arc::new(SqliteStorage::open(data_dir).await?)),
        Some(url) if postgres::is_address(url) => {
            Ok(std::sync::Arc::new(PostgresStorage::connect(url).await?))
        }
        Some(url) => match url.strip_prefix("sqlite://") {
            Some(file) if !file.is_empty() => Ok(std::sync::Arc::new(
                SqliteStorage::open_file(std::path::Path::new(file)).await?,
            )),
            _ => Err(StorageError::UnknownDatabase),
        },
    }
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

    /// Every row of [`EXPORTED_TABLES`], read in one transaction.
    fn export(&self) -> StorageFuture<'_, Export>;

    /// Writes an [`Export`] into this database, which must be empty (no
    /// edition) and at the same schema version, in one transaction: all of
    /// it or nothing. Answers how many rows each table got.
    fn import(&self, export: Export) -> StorageFuture<'_, Vec<(String, usize)>>;

    /// A number that changes with every committed change of an edition or
    /// an activity, by any server on this database: a programme built at
    /// one revision is out of date when the number differs.
    fn revision(&self) -> StorageFuture<'_, i64>;

    /// Woken soon after another connection commits a change that moves
    /// [`Storage::revision`], where the database can tell (PostgreSQL's
    /// `NOTIFY`); `None` where it cannot, and then only looking at the
    /// revision finds a change. A wake-up can be missed (while reconnecting):
    /// it hurries the look, it never replaces it.
    fn change_notices(&self) -> Option<std::sync::Arc<tokio::sync::Notify>> {
        None
    }

    /// Answers once the database has answered a trivial query: the health
    /// check's question.
    fn ping(&self) -> StorageFuture<'_, ()>;
}
