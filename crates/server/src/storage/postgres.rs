//! PostgreSQL: one database shared by any number of servers. Every change is
//! committed, and on disk, before its answer (`synchronous_commit = on` on
//! every connection). Concurrency across servers: a change reads its activity
//! `FOR UPDATE`; one idempotency key is registered under a transaction-scoped
//! advisory lock on it (and the table's unique key as the last guard); the
//! outbox is claimed `FOR UPDATE SKIP LOCKED`. A change of an edition or an
//! activity raises `programme_revision` and notifies channel `iv_programme`
//! (migration 8), which [`Storage::change_notices`] listens to.

use std::sync::Arc;
use std::time::Duration;

use programme::{Activity, ActivityStatus, Edition};
use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};
use sqlx::{PgPool, Row};

use super::rows::{
    self, ErasedColumns, Erasure, MailColumns, PersonalColumns, checked_row, erase_columns,
    messages_to, migrations_done, stamp, utc,
};
use super::{
    ActivityOrder, ActivityRecord, AuditAction, AuditEntry, Change, Decide, EXPORT_FORMAT,
    EXPORTED_TABLES, Erased, ErasedActivity, Export, KnownSubmission, MailOutcome, MailOverview,
    NewSubmission, QueuedMail, RETENTION, Retention, StatusCounts, Storage, StorageError,
    StorageFuture, StoredEdition, SubmissionOutcome,
};
use crate::AbortOnDrop;
use crate::mail::NewMail;

/// The channel the database tells of changes on (see migration 8).
pub const CHANGES_CHANNEL: &str = "iv_programme";

/// Connections each server keeps at most for its requests; PostgreSQL's
/// `max_connections` must allow this many per server, plus one each for
/// its listener.
pub const POOL_SIZE: u32 = 10;

/// Whether `url` names a PostgreSQL database (`postgres://…` or
/// `postgresql://…`, as PostgreSQL's own clients take them).
pub fn is_address(url: &str) -> bool {
    let url = url.trim_start();
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// A PostgreSQL database.
#[derive(Clone)]
pub struct PostgresStorage {
    pool: PgPool,
    notices: Arc<tokio::sync::Notify>,
    /// The listener for [`CHANGES_CHANNEL`]; it stops with the last clone.
    _listener: Arc<AbortOnDrop>,
}

impl std::fmt::Debug for PostgresStorage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The options may hold a password: not shown.
        f.debug_struct("PostgresStorage").finish_non_exhaustive()
    }
}

/// The schema, one file per version in `migrations/`, the same versions as
/// SQLite's; the table `schema_version` says how many have run. Append only.
const MIGRATIONS: &[&str] = &[
    include_str!("postgres/migrations/001_editions_and_activities.sql"),
    include_str!("postgres/migrations/002_registrations.sql"),
    include_str!("postgres/migrations/003_organiser_changes.sql"),
    include_str!("postgres/migrations/004_audit.sql"),
    include_str!("postgres/migrations/005_mail_outbox.sql"),
    include_str!("postgres/migrations/006_idempotency_per_edition.sql"),
    include_str!("postgres/migrations/007_personal_data_erasure.sql"),
    include_str!("postgres/migrations/008_programme_revision.sql"),
];

/// The advisory lock that servers starting at once take turns on while
/// migrating (any number; this one is ours).
const MIGRATION_LOCK: i64 = 0x1f_2027;

/// The column that orders each exported table's rows as they were stored:
/// `seq` where the key is text, else the `id` identity.
fn export_order(table: &str) -> &'static str {
    match table {
        "activities" | "submissions" => "seq",
        _ => "id",
    }
}

/// The schema version as `schema_version` records it.
async fn schema_version(tx: &mut sqlx::PgConnection) -> Result<i64, StorageError> {
    Ok(sqlx::query_scalar("SELECT version FROM schema_version")
        .fetch_one(tx)
        .await?)
}

impl PostgresStorage {
    /// Connects to the database at `url` (`postgres://user:password@host:port/name`,
    /// with `?sslmode=require` and the like as PostgreSQL's own clients take
    /// them) and brings its schema up to date.
    pub async fn connect(url: &str) -> Result<Self, StorageError> {
        let options: PgConnectOptions = url.parse()?;
        // Durable: a commit is on disk before the answer that follows it,
        // whatever the database's own default says.
        let options = options
            .application_name("innovationsveckan")
            .options([("synchronous_commit", "on")]);
        let pool = PgPoolOptions::new()
            .max_connections(POOL_SIZE)
            // A database that does not answer makes requests fail (503 at
            // the health check) within seconds, not hang.
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options.clone())
            .await?;
        migrate(&pool).await?;
        // The listener holds its connection for good: one of its own, not
        // one of the requests'.
        let listening = PgPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(5))
            .connect_lazy_with(options);
        let notices = Arc::new(tokio::sync::Notify::new());
        let listener = tokio::spawn(listen(listening, Arc::clone(&notices)));
        Ok(PostgresStorage {
            pool,
            notices,
            _listener: Arc::new(AbortOnDrop(listener)),
        })
    }
}

async fn migrate(pool: &PgPool) -> Result<(), StorageError> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(MIGRATION_LOCK)
        .execute(&mut *tx)
        .await?;
    sqlx::query("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)")
        .execute(&mut *tx)
        .await?;
    let version: Option<i64> = sqlx::query_scalar("SELECT version FROM schema_version")
        .fetch_optional(&mut *tx)
        .await?;
    let version = match version {
        Some(version) => version,
        None => {
            sqlx::query("INSERT INTO schema_version (version) VALUES (0)")
                .execute(&mut *tx)
                .await?;
            0
        }
    };
    let done = migrations_done(version, MIGRATIONS.len())?;
    for (index, migration) in MIGRATIONS.iter().enumerate().skip(done) {
        sqlx::raw_sql(*migration).execute(&mut *tx).await?;
        sqlx::query("UPDATE schema_version SET version = $1")
            .bind(index as i64 + 1)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Listens for [`CHANGES_CHANNEL`] and wakes `notices` at each notice, and
/// at each (re)connection, since what came while the connection was lost is
/// gone. Runs until aborted.
async fn listen(pool: PgPool, notices: Arc<tokio::sync::Notify>) {
    loop {
        match PgListener::connect_with(&pool).await {
            Ok(mut listener) => match listener.listen(CHANGES_CHANNEL).await {
                Ok(()) => {
                    notices.notify_one();
                    loop {
                        match listener.try_recv().await {
                            // A notice, or the connection lost (`None`: it is
                            // made again by the next call): look either way.
                            Ok(_) => notices.notify_one(),
                            Err(error) => {
                                tracing::warn!(%error, "the change listener lost the database");
                                break;
                            }
                        }
                    }
                }
                Err(error) => tracing::warn!(%error, "cannot listen for changes"),
            },
            Err(error) => tracing::warn!(%error, "the change listener cannot connect"),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// The columns [`rows::record`] reads, from `activities` as `a`.
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
                a.body::jsonb ->> 'title' AS title
         FROM audit l LEFT JOIN activities a ON a.id = l.activity_id"
    };
}

async fn known_submission<'c, E>(
    executor: E,
    edition_id: i64,
    idempotency_key: &str,
) -> Result<Option<KnownSubmission>, StorageError>
where
    E: sqlx::Executor<'c, Database = sqlx::Postgres>,
{
    let row = sqlx::query(concat!(
        "SELECT s.request_hash, ",
        record_columns!(),
        " FROM submissions s JOIN activities a ON a.id = s.activity_id
         WHERE s.edition_id = $1 AND s.idempotency_key = $2"
    ))
    .bind(edition_id)
    .bind(idempotency_key)
    .fetch_optional(executor)
    .await?;
    row.map(|row| {
        Ok(KnownSubmission {
            request_hash: row.try_get("request_hash")?,
            record: rows::record(&row)?,
        })
    })
    .transpose()
}

/// One activity's record; `FOR UPDATE` when `lock`, so that the rest of the
/// transaction is the only change of it.
async fn record<'c, E>(
    executor: E,
    id: &str,
    lock: bool,
) -> Result<Option<ActivityRecord>, StorageError>
where
    E: sqlx::Executor<'c, Database = sqlx::Postgres>,
{
    let query = if lock {
        concat!(
            "SELECT ",
            record_columns!(),
            " FROM activities a WHERE a.id = $1 FOR UPDATE"
        )
    } else {
        concat!(
            "SELECT ",
            record_columns!(),
            " FROM activities a WHERE a.id = $1"
        )
    };
    let row = sqlx::query(query).bind(id).fetch_optional(executor).await?;
    row.as_ref().map(rows::record).transpose()
}

fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.is_unique_violation())
}

const SELECT_CURRENT_EDITION: &str =
    "SELECT id, name, year, starts_on, ends_on, programme_opens_on, is_demo
     FROM editions WHERE is_current";

/// Stores a new activity. One stored as published or cancelled (the demo's,
/// or a registration published without review) counts as approved now.
async fn insert_activity(
    tx: &mut sqlx::PgConnection,
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
         VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8, $9)",
    )
    .bind(&activity.id)
    .bind(edition_id)
    .bind(activity.status.key())
    .bind(utc(activity))
    .bind(&body)
    .bind(now)
    .bind(submitter_email)
    .bind(approved.then_some(now))
    .bind(approved.then_some(&body))
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Puts messages in the outbox, due now, in the caller's transaction.
async fn insert_mails(tx: &mut sqlx::PgConnection, mails: &[NewMail]) -> Result<(), StorageError> {
    let now = stamp(chrono::Utc::now());
    for mail in mails {
        let recipients = serde_json::to_string(&mail.to).map_err(StorageError::Encode)?;
        let facts = serde_json::to_string(&mail.facts).map_err(StorageError::Encode)?;
        sqlx::query(
            "INSERT INTO mail_outbox (kind, recipients, activity_id, facts, created_at,
                                      next_attempt_at)
             VALUES ($1, $2, $3, $4, $5, $5)",
        )
        .bind(mail.kind.key())
        .bind(recipients)
        .bind(&mail.activity_id)
        .bind(facts)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

impl Storage for PostgresStorage {
    fn current_edition(&self) -> StorageFuture<'_, Option<StoredEdition>> {
        Box::pin(async move {
            let row = sqlx::query(SELECT_CURRENT_EDITION)
                .fetch_optional(&self.pool)
                .await?;
            row.as_ref().map(rows::edition).transpose()
        })
    }

    fn make_current(&self, edition: Edition, is_demo: bool) -> StorageFuture<'_, StoredEdition> {
        Box::pin(async move {
            let mut tx = self.pool.begin().await?;
            sqlx::query("UPDATE editions SET is_current = FALSE WHERE is_current")
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO editions (name, year, starts_on, ends_on, programme_opens_on, is_demo, is_current)
                 VALUES ($1, $2, $3, $4, $5, $6, TRUE)
                 ON CONFLICT (starts_on) DO UPDATE SET
                    name = EXCLUDED.name, year = EXCLUDED.year, ends_on = EXCLUDED.ends_on,
                    programme_opens_on = EXCLUDED.programme_opens_on, is_demo = EXCLUDED.is_demo,
                    is_current = TRUE",
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
            rows::edition(&row)
        })
    }

    fn count_activities(&self, edition_id: i64) -> StorageFuture<'_, u64> {
        Box::pin(async move {
            let count: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM activities WHERE edition_id = $1")
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
                 WHERE edition_id = $1
                   AND (status = $2 OR (status = $3 AND approved_at IS NOT NULL))
                 ORDER BY starts_at, id",
            )
            .bind(edition_id)
            .bind(ActivityStatus::Published.key())
            .bind(ActivityStatus::Cancelled.key())
            .fetch_all(&self.pool)
            .await?;
            rows::public_activities(&rows)
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
            let done = sqlx::query("DELETE FROM submissions WHERE created_at < $1")
                .bind(before)
                .execute(&self.pool)
                .await?;
            Ok(done.rows_affected())
        })
    }

    fn insert_submission(&self, submission: NewSubmission) -> StorageFuture<'_, SubmissionOutcome> {
        Box::pin(async move {
            match self.try_insert_submission(&submission).await {
                // The unique key is the last guard, should a writer ever get
                // past the lock (one that does not take it, say).
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
        Box::pin(async move { record(&self.pool, &id, false).await })
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
                     WHERE a.edition_id = $1 AND ($2::text IS NULL OR a.status = $2)
                     ORDER BY a.starts_at, a.id"
                ),
                // `seq` keeps the order of activities stored at one instant.
                ActivityOrder::Created => concat!(
                    "SELECT ",
                    record_columns!(),
                    " FROM activities a
                     WHERE a.edition_id = $1 AND ($2::text IS NULL OR a.status = $2)
                     ORDER BY a.created_at, a.seq"
                ),
            };
            let rows = sqlx::query(query)
                .bind(edition_id)
                .bind(status.map(ActivityStatus::key))
                .fetch_all(&self.pool)
                .await?;
            rows.iter().map(rows::record).collect()
        })
    }

    fn count_by_status(&self, edition_id: i64) -> StorageFuture<'_, StatusCounts> {
        Box::pin(async move {
            let rows = sqlx::query(
                "SELECT status, COUNT(*) AS n FROM activities WHERE edition_id = $1 GROUP BY status",
            )
            .bind(edition_id)
            .fetch_all(&self.pool)
            .await?;
            rows::status_counts(&rows)
        })
    }

    fn audit_entries(&self, limit: u32) -> StorageFuture<'_, Vec<AuditEntry>> {
        Box::pin(async move {
            let rows = sqlx::query(concat!(audit_select!(), " ORDER BY l.id DESC LIMIT $1"))
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
            rows.iter().map(rows::audit_entry).collect()
        })
    }

    fn activity_history(&self, id: &str) -> StorageFuture<'_, Vec<AuditEntry>> {
        let id = id.to_owned();
        Box::pin(async move {
            let rows = sqlx::query(concat!(
                audit_select!(),
                " WHERE l.activity_id = $1 ORDER BY l.id"
            ))
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
            rows.iter().map(rows::audit_entry).collect()
        })
    }

    fn update_activity<'a>(
        &'a self,
        id: &'a str,
        decide: Decide<'a>,
    ) -> StorageFuture<'a, Option<ActivityRecord>> {
        Box::pin(async move {
            let mut tx = self.pool.begin().await?;
            // Locked from the read on: what `decide` saw is still what is
            // stored when its answer is written, whichever server asks.
            let Some(current) = record(&mut *tx, id, true).await? else {
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
                 SET status = $1, starts_at = $2, body = $3, submitter_email = $4, review_note = $5,
                     version = $6, approved_at = $7, approved_body = $8, changed_since_approval = $9,
                     updated_at = $10
                 WHERE id = $11",
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
                     VALUES ($1, $2, $3, $4, $5, $6)",
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
            let record = record(&mut *tx, id, false).await?;
            tx.commit().await?;
            Ok(record)
        })
    }

    fn claim_mail(&self, lease: std::time::Duration) -> StorageFuture<'_, Option<QueuedMail>> {
        Box::pin(async move {
            let now = chrono::Utc::now();
            let until =
                now + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::minutes(2));
            // SKIP LOCKED: senders on other servers take other messages
            // instead of waiting for this one; the lease keeps it taken
            // after the commit.
            let row = sqlx::query(
                "UPDATE mail_outbox SET leased_until = $1, attempts = attempts + 1
                 WHERE id = (SELECT id FROM mail_outbox
                             WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $2
                               AND (leased_until IS NULL OR leased_until <= $2)
                             ORDER BY next_attempt_at, id LIMIT 1
                             FOR UPDATE SKIP LOCKED)
                 RETURNING *",
            )
            .bind(stamp(until))
            .bind(stamp(now))
            .fetch_optional(&self.pool)
            .await?;
            Ok(row
                .as_ref()
                .map(MailColumns::read)
                .transpose()?
                .map(MailColumns::into_queued))
        })
    }

    fn finish_mail(&self, id: i64, outcome: MailOutcome) -> StorageFuture<'_, ()> {
        Box::pin(async move {
            let now = stamp(chrono::Utc::now());
            let query = match &outcome {
                MailOutcome::Sent => sqlx::query(
                    "UPDATE mail_outbox SET sent_at = $1, leased_until = NULL, last_error = NULL
                     WHERE id = $2",
                )
                .bind(now)
                .bind(id),
                MailOutcome::Retry { at, error } => sqlx::query(
                    "UPDATE mail_outbox SET next_attempt_at = $1, leased_until = NULL, last_error = $2
                     WHERE id = $3",
                )
                .bind(stamp(*at))
                .bind(error)
                .bind(id),
                MailOutcome::GiveUp { error } => sqlx::query(
                    "UPDATE mail_outbox SET failed_at = $1, leased_until = NULL, last_error = $2
                     WHERE id = $3",
                )
                .bind(now)
                .bind(error)
                .bind(id),
            };
            query.execute(&self.pool).await?;
            Ok(())
        })
    }

    fn mail_overview(&self, limit: u32) -> StorageFuture<'_, MailOverview> {
        Box::pin(async move {
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
                 WHERE sent_at IS NULL
                   AND (attempts > 0 AND last_error IS NOT NULL OR failed_at IS NOT NULL)
                 ORDER BY id DESC LIMIT $1",
            )
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
            Ok(MailOverview {
                waiting: count("waiting")?,
                sent: count("sent")?,
                failed: count("failed")?,
                problems: rows
                    .iter()
                    .map(|row| MailColumns::read(row).map(MailColumns::into_mail_row))
                    .collect::<Result<_, _>>()?,
            })
        })
    }

    fn retry_mail(&self, id: i64) -> StorageFuture<'_, bool> {
        Box::pin(async move {
            let done = sqlx::query(
                "UPDATE mail_outbox SET failed_at = NULL, attempts = 0, next_attempt_at = $1,
                                        leased_until = NULL
                 WHERE id = $2 AND failed_at IS NOT NULL AND sent_at IS NULL",
            )
            .bind(stamp(chrono::Utc::now()))
            .bind(id)
            .execute(&self.pool)
            .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    fn erase_expired(&self, retention: Retention) -> StorageFuture<'_, Erased> {
        Box::pin(self.erase(Erasure::Expired(retention), RETENTION))
    }

    fn erase_person<'a>(&'a self, email: &'a str, operator: &'a str) -> StorageFuture<'a, Erased> {
        Box::pin(self.erase(Erasure::Person(email), operator))
    }

    fn export(&self) -> StorageFuture<'_, Export> {
        Box::pin(self.export_all())
    }

    fn import(&self, export: Export) -> StorageFuture<'_, Vec<(String, usize)>> {
        Box::pin(self.import_all(export))
    }

    fn revision(&self) -> StorageFuture<'_, i64> {
        Box::pin(async move {
            let revision = sqlx::query_scalar("SELECT revision FROM programme_revision")
                .fetch_one(&self.pool)
                .await?;
            Ok(revision)
        })
    }

    fn change_notices(&self) -> Option<Arc<tokio::sync::Notify>> {
        Some(Arc::clone(&self.notices))
    }

    fn ping(&self) -> StorageFuture<'_, ()> {
        Box::pin(async move {
            sqlx::query("SELECT 1").execute(&self.pool).await?;
            Ok(())
        })
    }
}

impl PostgresStorage {
    /// The transaction of [`Storage::insert_submission`]. The advisory lock
    /// on the edition and key makes a second request with the same key wait,
    /// on whichever server, and then find the first one's row.
    async fn try_insert_submission(
        &self,
        submission: &NewSubmission,
    ) -> Result<SubmissionOutcome, StorageError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, $2))")
            .bind(&submission.idempotency_key)
            .bind(submission.edition_id)
            .execute(&mut *tx)
            .await?;
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
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(submission.edition_id)
        .bind(&submission.idempotency_key)
        .bind(&submission.request_hash)
        .bind(&submission.activity.id)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        insert_mails(&mut tx, &submission.mails).await?;
        let record = record(&mut *tx, &submission.activity.id, false)
            .await?
            .ok_or(StorageError::Database(sqlx::Error::RowNotFound))?;
        tx.commit().await?;
        Ok(SubmissionOutcome::Created(record))
    }

    /// The erasures of [`Storage`]; see there.
    async fn erase(&self, erasure: Erasure<'_>, by: &str) -> Result<Erased, StorageError> {
        let mut tx = self.pool.begin().await?;
        let rows = match erasure {
            Erasure::Expired(retention) => {
                sqlx::query(
                    "SELECT a.id, a.body, a.approved_body, a.submitter_email
                     FROM activities a JOIN editions e ON e.id = a.edition_id
                     WHERE a.personal_data_erased_at IS NULL
                       AND ((a.approved_at IS NULL AND a.status IN ($3, $4)
                             AND a.updated_at < $1)
                            OR e.ends_on < $2)
                     ORDER BY a.seq
                     FOR UPDATE OF a",
                )
                .bind(retention.unpublished_before.to_rfc3339())
                .bind(retention.edition_ended_before)
                .bind(ActivityStatus::Rejected.key())
                .bind(ActivityStatus::Cancelled.key())
                .fetch_all(&mut *tx)
                .await?
            }
            // Whoever has the address, in whatever activity.
            Erasure::Person(_) => {
                sqlx::query(
                    "SELECT id, body, approved_body, submitter_email FROM activities
                     ORDER BY seq FOR UPDATE",
                )
                .fetch_all(&mut *tx)
                .await?
            }
        };
        let now = chrono::Utc::now().to_rfc3339();
        let mut erased = Erased::default();
        for row in rows {
            let columns = PersonalColumns::read(&row)?;
            let Some(ErasedColumns {
                id,
                title,
                body,
                approved_body,
                submitter_email,
                nothing_left,
            }) = erase_columns(erasure, columns)?
            else {
                continue;
            };
            sqlx::query(
                "UPDATE activities
                 SET body = $1, approved_body = $2, submitter_email = $3,
                     personal_data_erased_at = COALESCE(personal_data_erased_at, $4)
                 WHERE id = $5",
            )
            .bind(body)
            .bind(approved_body)
            .bind(submitter_email)
            .bind(nothing_left.then_some(&now))
            .bind(&id)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO audit (at, operator, action, activity_id) VALUES ($1, $2, $3, $4)",
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
                erased.messages += sqlx::query("DELETE FROM mail_outbox WHERE activity_id = $1")
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
                sqlx::query("DELETE FROM mail_outbox WHERE sent_at < $1 OR failed_at < $1")
                    .bind(before)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
            }
            Erasure::Person(email) => {
                let messages = sqlx::query("SELECT id, recipients FROM mail_outbox FOR UPDATE")
                    .fetch_all(&mut *tx)
                    .await?;
                let to_her = messages_to(&messages, email)?;
                sqlx::query("DELETE FROM mail_outbox WHERE id = ANY($1)")
                    .bind(to_her)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
            }
        };
        tx.commit().await?;
        Ok(erased)
    }

    /// [`Storage::export`]: each row as PostgreSQL writes it as JSON, with
    /// what SQLite would have written (flags as 0 and 1, no `seq`), so an
    /// export reads the same from either database.
    async fn export_all(&self) -> Result<Export, StorageError> {
        // REPEATABLE READ: every table as of one moment.
        let mut tx = self.pool.begin().await?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .execute(&mut *tx)
            .await?;
        let schema_version = schema_version(&mut tx).await?;
        let mut tables = std::collections::BTreeMap::new();
        for table in EXPORTED_TABLES {
            // A name from our own list, not input: safe in the statement.
            let select = format!(
                "SELECT to_jsonb(t)::text FROM {table} t ORDER BY t.{}",
                export_order(table)
            );
            let rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(select))
                .fetch_all(&mut *tx)
                .await?;
            let mut out = Vec::with_capacity(rows.len());
            for text in rows {
                let mut object: serde_json::Map<String, serde_json::Value> =
                    serde_json::from_str(&text).map_err(StorageError::Encode)?;
                object.remove("seq");
                for value in object.values_mut() {
                    if let serde_json::Value::Bool(flag) = value {
                        *value = serde_json::Value::from(i64::from(*flag));
                    }
                }
                out.push(object);
            }
            tables.insert(table.to_owned(), out);
        }
        tx.commit().await?;
        Ok(Export {
            format: EXPORT_FORMAT.to_owned(),
            schema_version,
            tables,
        })
    }

    /// [`Storage::import`]: each row through `jsonb_populate_record`, which
    /// reads every value as its column's type.
    async fn import_all(&self, export: Export) -> Result<Vec<(String, usize)>, StorageError> {
        export.check_shape()?;
        let mut tx = self.pool.begin().await?;
        // Two imports at once: the second waits, then finds editions.
        sqlx::query("LOCK TABLE editions IN EXCLUSIVE MODE")
            .execute(&mut *tx)
            .await?;
        let here = schema_version(&mut tx).await?;
        let editions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM editions")
            .fetch_one(&mut *tx)
            .await?;
        export.check_target(here, editions)?;
        let mut counts = Vec::new();
        for table in EXPORTED_TABLES {
            let rows = export.rows(table);
            // The table's own columns but `seq`, which every name from the
            // file must be.
            let columns: Vec<String> = sqlx::query_scalar(
                "SELECT column_name::text FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name = $1 AND column_name <> 'seq'",
            )
            .bind(table)
            .fetch_all(&mut *tx)
            .await?;
            for row in rows {
                let names: Vec<&str> = checked_row(table, &columns, row)?
                    .into_iter()
                    .map(|(name, _)| name)
                    .collect();
                let names = names.join(", ");
                let insert = format!(
                    "INSERT INTO {table} ({names})
                     SELECT {names} FROM jsonb_populate_record(NULL::{table}, $1::jsonb)"
                );
                let json = serde_json::to_string(row).map_err(StorageError::Encode)?;
                sqlx::query(sqlx::AssertSqlSafe(insert))
                    .bind(json)
                    .execute(&mut *tx)
                    .await?;
            }
            counts.push((table.to_owned(), rows.len()));
        }
        // The identities (the tables ordered by `id`) go on after the
        // imported ids.
        for table in EXPORTED_TABLES
            .into_iter()
            .filter(|table| export_order(table) == "id")
        {
            let reset = format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'),
                               (SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
            );
            sqlx::query(sqlx::AssertSqlSafe(reset))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(counts)
    }
}
