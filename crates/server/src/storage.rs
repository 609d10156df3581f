//! Where activities live. The server talks to a [`Storage`]; SQLite (one file under
//! the data folder) is the implementation today, PostgreSQL can be a second one.

use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::str::FromStr;

use programme::{Activity, ActivityStatus, Edition};
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
}

/// An edition as stored, with its row id and whether it is the generated demo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEdition {
    pub id: i64,
    pub edition: Edition,
    pub is_demo: bool,
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

    /// The activities of an edition that the public sees: published and cancelled.
    fn public_activities(&self, edition_id: i64) -> StorageFuture<'_, Vec<Activity>>;
}

/// SQLite, in `innovationsveckan.sqlite3` inside the data folder.
#[derive(Debug, Clone)]
pub struct SqliteStorage {
    pool: SqlitePool,
}

/// The schema, one entry per version; `PRAGMA user_version` says how many have run.
const MIGRATIONS: &[&str] = &[r#"
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
"#];

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
        for (index, migration) in MIGRATIONS.iter().enumerate().skip(version as usize) {
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
                let body = serde_json::to_string(activity).map_err(StorageError::Encode)?;
                sqlx::query(
                    "INSERT INTO activities (id, edition_id, status, starts_at, body, created_at, updated_at)
                     VALUES (?, ?, ?, ?, ?, ?, ?)",
                )
                .bind(&activity.id)
                .bind(edition_id)
                .bind(activity.status.key())
                .bind(activity.starts_at.with_timezone(&chrono::Utc).to_rfc3339())
                .bind(body)
                .bind(&now)
                .bind(&now)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    fn public_activities(&self, edition_id: i64) -> StorageFuture<'_, Vec<Activity>> {
        Box::pin(async move {
            let rows = sqlx::query(
                "SELECT id, body FROM activities
                 WHERE edition_id = ? AND status IN (?, ?)
                 ORDER BY starts_at, id",
            )
            .bind(edition_id)
            .bind(ActivityStatus::Published.key())
            .bind(ActivityStatus::Cancelled.key())
            .fetch_all(&self.pool)
            .await?;
            rows.iter()
                .map(|row| {
                    let id: String = row.try_get("id")?;
                    let body: String = row.try_get("body")?;
                    serde_json::from_str(&body)
                        .map_err(|source| StorageError::Corrupt { id, source })
                })
                .collect()
        })
    }
}
