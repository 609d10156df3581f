//! What every database's rows mean, apart from how each database reads them:
//! a row's columns as plain values become the storage's types here, and the
//! erasure decides here what is left of a row. Each database module reads
//! its rows into these types and writes back what they say.

use chrono::NaiveDate;
use programme::{Activity, Contact, Edition};

use super::{
    ActivityRecord, AuditEntry, ImportRefusal, MailRow, QueuedMail, Retention, StatusCounts,
    StorageError, StoredEdition,
};

/// How many of `known` migrations a database at schema `version` has run
/// already, or why it is refused untouched: a newer schema, or a negative
/// number (which would wrap to a huge `usize` and skip every migration;
/// nothing of ours writes one, so the database is not ours).
pub(super) fn migrations_done(version: i64, known: usize) -> Result<usize, StorageError> {
    let known = known as i64;
    if version > known {
        return Err(StorageError::NewerSchema { version, known });
    }
    usize::try_from(version).map_err(|_| StorageError::UnknownSchema { version })
}

/// A value of an exported row as both databases store it.
#[derive(Debug, Clone, Copy)]
pub(super) enum Plain<'a> {
    Null,
    Text(&'a str),
    Integer(i64),
}

/// An exported row of `table` checked against the table's own `columns`:
/// each column named as the table has it (so a name from the file reaches
/// SQL only if it is one of the table's), with its plain value. Another
/// name, or a value that is not text, a whole number or null, is refused.
pub(super) fn checked_row<'a>(
    table: &str,
    columns: &'a [String],
    row: &'a serde_json::Map<String, serde_json::Value>,
) -> Result<Vec<(&'a str, Plain<'a>)>, ImportRefusal> {
    row.iter()
        .map(|(name, value)| {
            let Some(known) = columns.iter().find(|c| *c == name) else {
                return Err(ImportRefusal::UnknownColumn {
                    table: table.to_owned(),
                    column: name.clone(),
                });
            };
            let plain = match value {
                serde_json::Value::Null => Plain::Null,
                serde_json::Value::String(text) => Plain::Text(text),
                serde_json::Value::Number(n) if n.is_i64() => {
                    Plain::Integer(n.as_i64().unwrap_or_default())
                }
                _ => {
                    return Err(ImportRefusal::UnsupportedValue {
                        table: table.to_owned(),
                        column: name.clone(),
                    });
                }
            };
            Ok((known.as_str(), plain))
        })
        .collect()
}

/// A row of either database, read by column name as the types below need.
pub(super) trait Columns {
    fn text(&self, name: &str) -> Result<String, sqlx::Error>;
    fn maybe_text(&self, name: &str) -> Result<Option<String>, sqlx::Error>;
    fn integer(&self, name: &str) -> Result<i64, sqlx::Error>;
    fn integer32(&self, name: &str) -> Result<i32, sqlx::Error>;
    fn flag(&self, name: &str) -> Result<bool, sqlx::Error>;
    fn date(&self, name: &str) -> Result<NaiveDate, sqlx::Error>;
}

/// [`Columns`] for the rows of each database: the same calls, each
/// database's own decoding (SQLite's text dates, PostgreSQL's `DATE`).
macro_rules! columns_of_rows {
    ($($row:ty),*) => {$(
        impl Columns for $row {
            fn text(&self, name: &str) -> Result<String, sqlx::Error> {
                sqlx::Row::try_get(self, name)
            }
            fn maybe_text(&self, name: &str) -> Result<Option<String>, sqlx::Error> {
                sqlx::Row::try_get(self, name)
            }
            fn integer(&self, name: &str) -> Result<i64, sqlx::Error> {
                sqlx::Row::try_get(self, name)
            }
            fn integer32(&self, name: &str) -> Result<i32, sqlx::Error> {
                sqlx::Row::try_get(self, name)
            }
            fn flag(&self, name: &str) -> Result<bool, sqlx::Error> {
                sqlx::Row::try_get(self, name)
            }
            fn date(&self, name: &str) -> Result<NaiveDate, sqlx::Error> {
                sqlx::Row::try_get(self, name)
            }
        }
    )*};
}

columns_of_rows!(sqlx::sqlite::SqliteRow, sqlx::postgres::PgRow);

/// An edition row (`id, name, year, starts_on, ends_on, programme_opens_on,
/// is_demo`).
pub(super) fn edition(row: &impl Columns) -> Result<StoredEdition, StorageError> {
    Ok(StoredEdition {
        id: row.integer("id")?,
        is_demo: row.flag("is_demo")?,
        edition: Edition {
            name: row.text("name")?,
            year: row.integer32("year")?,
            starts_on: row.date("starts_on")?,
            ends_on: row.date("ends_on")?,
            programme_opens_on: row.date("programme_opens_on")?,
        },
    })
}

/// An audit row with its activity's `title`.
pub(super) fn audit_entry(row: &impl Columns) -> Result<AuditEntry, StorageError> {
    Ok(AuditEntry {
        at: row.text("at")?,
        operator: row.text("operator")?,
        action: row.text("action")?,
        activity_id: row.maybe_text("activity_id")?,
        title: row.maybe_text("title")?,
        reason: row.maybe_text("reason")?,
        code: row.maybe_text("code")?,
    })
}

/// An activity's row as its record (the columns [`RecordColumns`] names).
pub(super) fn record(row: &impl Columns) -> Result<ActivityRecord, StorageError> {
    RecordColumns {
        id: row.text("id")?,
        edition_id: row.integer("edition_id")?,
        body: row.text("body")?,
        submitter_email: row.maybe_text("submitter_email")?,
        review_note: row.maybe_text("review_note")?,
        version: row.integer("version")?,
        approved_at: row.maybe_text("approved_at")?,
        approved_body: row.maybe_text("approved_body")?,
        changed_since_approval: row.flag("changed_since_approval")?,
        created_at: row.text("created_at")?,
    }
    .into_record()
}

/// The public activities of rows with `id`, `body` and `version`. One
/// unreadable row is logged and left out; it must not take the whole
/// programme (and the next start) down with it.
pub(super) fn public_activities(rows: &[impl Columns]) -> Result<Vec<Activity>, StorageError> {
    let mut activities = Vec::with_capacity(rows.len());
    for row in rows {
        let id = row.text("id")?;
        match activity_from_columns(id.clone(), &row.text("body")?, row.integer("version")?) {
            Ok(activity) => activities.push(activity),
            Err(error) => tracing::error!(
                id,
                %error,
                "a published activity cannot be read: it is left out of the programme"
            ),
        }
    }
    Ok(activities)
}

/// The counts of rows with `status` and `n`.
pub(super) fn status_counts(rows: &[impl Columns]) -> Result<StatusCounts, StorageError> {
    let mut counts = StatusCounts::default();
    for row in rows {
        counts.set(&row.text("status")?, row.integer("n")?);
    }
    Ok(counts)
}

/// The columns of an activity that [`ActivityRecord`] is made of.
struct RecordColumns {
    pub id: String,
    pub edition_id: i64,
    pub body: String,
    pub submitter_email: Option<String>,
    pub review_note: Option<String>,
    pub version: i64,
    pub approved_at: Option<String>,
    pub approved_body: Option<String>,
    pub changed_since_approval: bool,
    pub created_at: String,
}

impl RecordColumns {
    fn into_record(self) -> Result<ActivityRecord, StorageError> {
        // The approved version only tells what changed: unreadable, it is missed.
        let approved = self
            .approved_body
            .and_then(|body| serde_json::from_str(&body).ok());
        Ok(ActivityRecord {
            activity: activity_from_columns(self.id, &self.body, self.version)?,
            approved,
            edition_id: self.edition_id,
            submitter_email: self.submitter_email,
            review_note: self.review_note,
            version: self.version,
            approved_at: self.approved_at,
            changed_since_approval: self.changed_since_approval,
            created_at: self.created_at,
        })
    }
}

/// The activity of a row's `id`, `body` and `version`, carrying the
/// `version` column (the column is the truth; the copy in the body may be
/// older).
fn activity_from_columns(id: String, body: &str, version: i64) -> Result<Activity, StorageError> {
    let mut activity: Activity =
        serde_json::from_str(body).map_err(|source| StorageError::Corrupt { id, source })?;
    activity.version = u32::try_from(version.max(1)).unwrap_or(u32::MAX);
    Ok(activity)
}

/// The start as stored in its column: UTC, so that text order is time order.
pub(super) fn utc(activity: &Activity) -> String {
    activity.starts_at.with_timezone(&chrono::Utc).to_rfc3339()
}

/// A moment as the outbox stores it: UTC with microseconds and `Z`, always
/// the same length, so that text order is time order.
pub(super) fn stamp(moment: chrono::DateTime<chrono::Utc>) -> String {
    moment.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// The columns of an outbox message.
pub(super) struct MailColumns {
    pub id: i64,
    pub kind: String,
    pub recipients: String,
    pub activity_id: String,
    pub facts: String,
    pub attempts: i64,
    pub created_at: String,
    pub next_attempt_at: String,
    pub sent_at: Option<String>,
    pub failed_at: Option<String>,
    pub last_error: Option<String>,
}

impl MailColumns {
    /// An outbox row, every column.
    pub fn read(row: &impl Columns) -> Result<Self, StorageError> {
        Ok(MailColumns {
            id: row.integer("id")?,
            kind: row.text("kind")?,
            recipients: row.text("recipients")?,
            activity_id: row.text("activity_id")?,
            facts: row.text("facts")?,
            attempts: row.integer("attempts")?,
            created_at: row.text("created_at")?,
            next_attempt_at: row.text("next_attempt_at")?,
            sent_at: row.maybe_text("sent_at")?,
            failed_at: row.maybe_text("failed_at")?,
            last_error: row.maybe_text("last_error")?,
        })
    }

    fn to(&self) -> Vec<String> {
        serde_json::from_str(&self.recipients).unwrap_or_default()
    }

    /// The message as a sender takes it.
    pub fn into_queued(self) -> QueuedMail {
        QueuedMail {
            to: self.to(),
            id: self.id,
            kind: self.kind,
            activity_id: self.activity_id,
            facts: self.facts,
            attempts: self.attempts,
        }
    }

    /// The message as the operators see it.
    pub fn into_mail_row(self) -> MailRow {
        let title = serde_json::from_str::<crate::mail::Facts>(&self.facts)
            .map(|facts| facts.title)
            .unwrap_or_default();
        let waiting = self.sent_at.is_none() && self.failed_at.is_none();
        MailRow {
            to: self.to(),
            title,
            id: self.id,
            kind: self.kind,
            activity_id: self.activity_id,
            attempts: self.attempts,
            created_at: self.created_at,
            next_attempt_at: waiting.then_some(self.next_attempt_at),
            sent_at: self.sent_at,
            failed_at: self.failed_at,
            last_error: self.last_error,
        }
    }
}

/// The ids of the outbox rows (`id`, `recipients`) whose recipients (as
/// stored: a JSON list) include `email`.
pub(super) fn messages_to(rows: &[impl Columns], email: &str) -> Result<Vec<i64>, StorageError> {
    let mut ids = Vec::new();
    for row in rows {
        let to: Vec<String> = serde_json::from_str(&row.text("recipients")?).unwrap_or_default();
        if to.iter().any(|address| same_address(address, email)) {
            ids.push(row.integer("id")?);
        }
    }
    Ok(ids)
}

/// What an erasure erases: see [`super::Storage::erase_expired`] and
/// [`super::Storage::erase_person`].
#[derive(Debug, Clone, Copy)]
pub(super) enum Erasure<'a> {
    Expired(Retention),
    Person(&'a str),
}

/// An activity's columns that hold personal data.
pub(super) struct PersonalColumns {
    pub id: String,
    pub body: String,
    pub approved_body: Option<String>,
    pub submitter_email: Option<String>,
}

impl PersonalColumns {
    pub fn read(row: &impl Columns) -> Result<Self, StorageError> {
        Ok(PersonalColumns {
            id: row.text("id")?,
            body: row.text("body")?,
            approved_body: row.maybe_text("approved_body")?,
            submitter_email: row.maybe_text("submitter_email")?,
        })
    }
}

/// What is left of an activity's personal columns after an erasure.
pub(super) struct ErasedColumns {
    pub id: String,
    pub title: String,
    pub body: String,
    pub approved_body: Option<String>,
    pub submitter_email: Option<String>,
    /// Nothing personal is left: the activity is marked as erased.
    pub nothing_left: bool,
}

/// Erases what `erasure` asks for from one activity's columns; `None` when
/// it names nobody in them, or when the row cannot be read (logged: it keeps
/// its data rather than lose the rest).
pub(super) fn erase_columns(
    erasure: Erasure<'_>,
    row: PersonalColumns,
) -> Result<Option<ErasedColumns>, StorageError> {
    let PersonalColumns {
        id,
        body,
        approved_body,
        submitter_email: submitter,
    } = row;
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
        return Ok(None);
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
        return Ok(None);
    }
    if in_body {
        erase_contact(&mut body);
    }
    if let Some(approved) = approved.as_mut().filter(|_| in_approved) {
        erase_contact(approved);
    }
    let submitter_email = submitter.filter(|_| !in_submitter);
    // Marked erased only once nothing personal is left: what a request
    // leaves of another person is still the retention's to erase.
    let nothing_left = submitter_email.is_none()
        && contact_erased(&body)
        && approved.as_ref().is_none_or(contact_erased);
    let title = body
        .get("title")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default()
        .to_owned();
    Ok(Some(ErasedColumns {
        id,
        title,
        body: serde_json::to_string(&body).map_err(StorageError::Encode)?,
        approved_body: approved
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(StorageError::Encode)?,
        submitter_email,
        nothing_left,
    }))
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

/// Whether the activity's contact is nobody any more (or it has none).
fn contact_erased(activity: &serde_json::Value) -> bool {
    activity.get("contact").is_none_or(|contact| {
        serde_json::from_value::<Contact>(contact.clone()).is_ok_and(|c| c.is_erased())
    })
}

/// The contact of an activity erased ([`Contact::is_erased`]): no name, no
/// address, no phone.
fn erase_contact(activity: &mut serde_json::Value) {
    if let Some(fields) = activity.as_object_mut() {
        let erased = serde_json::to_value(Contact::default()).unwrap_or_default();
        fields.insert("contact".to_owned(), erased);
    }
}
