//! SQLite: one file, `innovationsveckan.sqlite3`, in the data folder, in WAL
//! mode with `synchronous = FULL` (a change is on disk before its answer).
//! Writes that read first take the write lock at once (`BEGIN IMMEDIATE`).

use std::path::Path;
use std::str::FromStr;

use programme::{Activity, ActivityStatus, Edition};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool};

use super::rows::{
    self, ErasedColumns, Erasure, MailColumns, PersonalColumns, Plain, checked_row, erase_columns,
    messages_to, migrations_done, stamp, utc,
};
use super::{
    ActivityOrder, ActivityRecord, AuditAction, AuditEntry, Change, Decide, EXPORT_FORMAT,
    EXPORTED_TABLES, Erased, ErasedActivity, Export, KnownSubmission, MailOutcome, MailOverview,
    NewSubmission, QueuedMail, RETENTION, Retention, StatusCounts, Storage, StorageError,
    StorageFuture, StoredEdition, SubmissionOutcome,
};
use crate::mail::NewMail;

/// SQLite, in `innovationsveckan.sqlite3` inside the data folder.
#[derive(Debug, Clone)]
pub struct SqliteStorage {
    pool: SqlitePool,
}

/// The database's file name in the data folder.
pub const FILE_NAME: &str = "innovationsveckan.sqlite3";

/// The schema, one file per version in `migrations/`; `PRAGMA user_version`
/// says how many have run. Append only: a database that ran one never runs it
/// again.
const MIGRATIONS: &[&str] = &[
    include_str!("sqlite/migrations/001_editions_and_activities.sql"),
    include_str!("sqlite/migrations/002_registrations.sql"),
    include_str!("sqlite/migrations/003_organiser_changes.sql"),
    include_str!("sqlite/migrations/004_audit.sql"),
    include_str!("sqlite/migrations/005_mail_outbox.sql"),
    include_str!("sqlite/migrations/006_idempotency_per_edition.sql"),
    include_str!("sqlite/migrations/007_personal_data_erasure.sql"),
    include_str!("sqlite/migrations/008_programme_revision.sql"),
];

impl SqliteStorage {
    /// Opens (creating if needed) the database file in `data_dir` and brings its
    /// schema up to date.
    pub async fn open(data_dir: &Path) -> Result<Self, StorageError> {
        std::fs::create_dir_all(data_dir).map_err(sqlx::Error::Io)?;
        Self::open_file(&data_dir.join(FILE_NAME)).await
    }

    /// Opens (creating if needed) the database file `path` and brings its
    /// schema up to date.
    pub async fn open_file(path: &Path) -> Result<Self, StorageError> {
        let options = SqliteConnectOptions::from_str("sqlite://")?
            .filename(path)
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
        let done = migrations_done(version, MIGRATIONS.len())?;
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

/// The columns [`rows::record`] reads, from `activities` as `a`; a macro so
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
            record: rows::record(&row)?,
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
            row.as_ref().map(rows::edition).transpose()
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
            rows::edition(&row)
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
            rows.iter().map(rows::record).collect()
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
            rows::status_counts(&rows)
        })
    }

    fn audit_entries(&self, limit: u32) -> StorageFuture<'_, Vec<AuditEntry>> {
        Box::pin(async move {
            let rows = sqlx::query(concat!(audit_select!(), " ORDER BY l.id DESC LIMIT ?"))
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
                " WHERE l.activity_id = ? ORDER BY l.id"
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

    fn export(&self) -> StorageFuture<'_, Export> {
        Box::pin(self.sql_export())
    }

    fn import(&self, export: Export) -> StorageFuture<'_, Vec<(String, usize)>> {
        Box::pin(self.sql_import(export))
    }

    fn revision(&self) -> StorageFuture<'_, i64> {
        Box::pin(async move {
            let revision = sqlx::query_scalar("SELECT revision FROM programme_revision")
                .fetch_one(&self.pool)
                .await?;
            Ok(revision)
        })
    }

    fn ping(&self) -> StorageFuture<'_, ()> {
        Box::pin(async move {
            sqlx::query("SELECT 1").execute(&self.pool).await?;
            Ok(())
        })
    }
}

/// Moving a week: the whole database as JSON and back.
impl SqliteStorage {
    async fn sql_export(&self) -> Result<Export, StorageError> {
        use sqlx::{Column, TypeInfo, ValueRef};
        // One read transaction: the tables agree with each other.
        let mut tx = self.pool.begin().await?;
        let schema_version: i64 = sqlx::query_scalar("PRAGMA user_version")
            .fetch_one(&mut *tx)
            .await?;
        let mut tables = std::collections::BTreeMap::new();
        for table in EXPORTED_TABLES {
            // A name from our own list, not input: safe in the statement.
            let select = format!("SELECT * FROM {table} ORDER BY rowid");
            let rows = sqlx::query(sqlx::AssertSqlSafe(select))
                .fetch_all(&mut *tx)
                .await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in rows {
                let mut object = serde_json::Map::new();
                for column in row.columns() {
                    let raw = row.try_get_raw(column.ordinal())?;
                    let value = if raw.is_null() {
                        serde_json::Value::Null
                    } else if raw.type_info().name() == "INTEGER" {
                        serde_json::Value::from(row.try_get::<i64, _>(column.ordinal())?)
                    } else {
                        serde_json::Value::from(row.try_get::<String, _>(column.ordinal())?)
                    };
                    object.insert(column.name().to_owned(), value);
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

    async fn sql_import(&self, export: Export) -> Result<Vec<(String, usize)>, StorageError> {
        export.check_shape()?;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let here: i64 = sqlx::query_scalar("PRAGMA user_version")
            .fetch_one(&mut *tx)
            .await?;
        let editions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM editions")
            .fetch_one(&mut *tx)
            .await?;
        export.check_target(here, editions)?;
        let mut counts = Vec::new();
        for table in EXPORTED_TABLES {
            let rows = export.rows(table);
            // The table's own columns, which every name from the file must be.
            let info = format!("SELECT name FROM pragma_table_info('{table}')");
            let columns: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(info))
                .fetch_all(&mut *tx)
                .await?;
            for row in rows {
                let row = checked_row(table, &columns, row)?;
                let names: Vec<&str> = row.iter().map(|(name, _)| *name).collect();
                let insert = format!(
                    "INSERT INTO {table} ({}) VALUES ({})",
                    names.join(", "),
                    vec!["?"; names.len()].join(", ")
                );
                let mut query = sqlx::query(sqlx::AssertSqlSafe(insert));
                for (_, value) in row {
                    query = match value {
                        Plain::Null => query.bind(None::<String>),
                        Plain::Text(text) => query.bind(text),
                        Plain::Integer(n) => query.bind(n),
                    };
                }
                query.execute(&mut *tx).await?;
            }
            counts.push((table.to_owned(), rows.len()));
        }
        tx.commit().await?;
        Ok(counts)
    }
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
                       AND ((a.approved_at IS NULL AND a.status IN (?3, ?4)
                             AND a.updated_at < ?1)
                            OR e.ends_on < ?2)
                     ORDER BY a.rowid",
                )
                .bind(retention.unpublished_before.to_rfc3339())
                .bind(retention.edition_ended_before.to_string())
                .bind(ActivityStatus::Rejected.key())
                .bind(ActivityStatus::Cancelled.key())
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
                 SET body = ?, approved_body = ?, submitter_email = ?,
                     personal_data_erased_at = COALESCE(personal_data_erased_at, ?)
                 WHERE id = ?",
            )
            .bind(body)
            .bind(approved_body)
            .bind(submitter_email)
            .bind(nothing_left.then_some(&now))
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
                for id in messages_to(&messages, email)? {
                    deleted += sqlx::query("DELETE FROM mail_outbox WHERE id = ?")
                        .bind(id)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                }
                deleted
            }
        };
        tx.commit().await?;
        Ok(erased)
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
            problems: rows
                .iter()
                .map(|row| MailColumns::read(row).map(MailColumns::into_mail_row))
                .collect::<Result<_, _>>()?,
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
        row.as_ref().map(rows::record).transpose()
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
