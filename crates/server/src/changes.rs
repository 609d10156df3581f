//! What an organiser's edit or cancellation does to a stored activity. The
//! rules are plain functions of the record as stored: the storage runs them
//! inside the transaction that writes their outcome
//! ([`crate::storage::Storage::update_activity`]), so what they saw is what
//! they change.

use chrono::{DateTime, Utc};
use programme::{ActivityStatus, Edition, FieldErrors, Submission};

use crate::storage::ActivityRecord;

/// What the rules need besides the activity.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The current edition: activities of any other can no longer be changed.
    pub edition_id: i64,
    pub edition: &'a Edition,
    pub now: DateTime<Utc>,
}

/// An organiser's edit: the whole registration again, based on a version.
#[derive(Debug, Clone)]
pub struct Edit {
    /// The version the organiser started from (`If-Match`).
    pub based_on: i64,
    /// As sent: validated as sent, stored normalized.
    pub submission: Submission,
}

/// What became of an edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditVerdict {
    /// No activity its organiser can see (one of the demo's).
    NotFound,
    /// Stored, as the next version.
    Edited,
    /// Based on an older version, but the stored content is already this
    /// edit's: the same edit sent again (its answer was lost). Nothing stored.
    Replayed,
    /// Based on another version than the stored one, with other content: the
    /// organiser has not seen the latest change. Nothing stored.
    Conflict,
    OtherEdition,
    Cancelled,
    Started,
    /// The edit breaks the rules a registration follows.
    Invalid(FieldErrors),
}

/// What became of a cancellation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelVerdict {
    NotFound,
    /// Cancelled now.
    Cancelled,
    /// Cancelled before; nothing changed (a repeated request, or a second tab).
    AlreadyCancelled,
    OtherEdition,
    Started,
}

/// Judges an edit of `current`: the verdict, and the record to store if any.
///
/// The edit is keyed by the version it was based on. Based on the current
/// version, it is applied (after the refusals and the registration's rules).
/// Based on another one, it is a repeat of an edit already applied if the
/// stored content equals it, and a conflict otherwise.
///
/// Applied, it makes the next version, with the sent e-mail address, and:
/// a pending activity stays pending; a published one stays published and is
/// marked as changed since its approval (if its content changed); a rejected
/// one is sent for review again: pending, without the rejection's note.
pub fn judge_edit(
    current: &ActivityRecord,
    edit: &Edit,
    context: &Context<'_>,
) -> (EditVerdict, Option<ActivityRecord>) {
    let Some(stored) = stored_submission(current) else {
        return (EditVerdict::NotFound, None);
    };
    let normalized = edit.submission.normalized();
    let same_content = stored == normalized;
    if edit.based_on != current.version {
        let verdict = if same_content {
            EditVerdict::Replayed
        } else {
            EditVerdict::Conflict
        };
        return (verdict, None);
    }
    if current.edition_id != context.edition_id {
        return (EditVerdict::OtherEdition, None);
    }
    let (status, review_note, changed_since_approval) = match current.activity.status {
        ActivityStatus::Cancelled => return (EditVerdict::Cancelled, None),
        ActivityStatus::Pending => (
            ActivityStatus::Pending,
            current.review_note.clone(),
            current.changed_since_approval,
        ),
        ActivityStatus::Published => (
            ActivityStatus::Published,
            current.review_note.clone(),
            current.changed_since_approval || !same_content,
        ),
        ActivityStatus::Rejected => (ActivityStatus::Pending, None, false),
    };
    if has_started(current, context) {
        return (EditVerdict::Started, None);
    }
    let errors = edit.submission.validate(context.edition, context.now);
    if !errors.is_empty() {
        return (EditVerdict::Invalid(errors), None);
    }
    let submitter_email = Some(normalized.submitter_email.clone());
    let next = ActivityRecord {
        activity: normalized.into_activity(current.activity.id.clone(), status),
        submitter_email,
        review_note,
        version: current.version + 1,
        changed_since_approval,
        ..current.clone()
    };
    (EditVerdict::Edited, Some(next))
}

/// Judges a cancellation of `current`, with the organiser's reason (trimmed,
/// `None` if there is none): the verdict, and the record to store if any. A
/// cancelled activity keeps its content; it stays in the programme, marked
/// as cancelled, if it had been approved, and never becomes public if not.
pub fn judge_cancel(
    current: &ActivityRecord,
    reason: Option<String>,
    context: &Context<'_>,
) -> (CancelVerdict, Option<ActivityRecord>) {
    if current.submitter_email.is_none() {
        return (CancelVerdict::NotFound, None);
    }
    if current.activity.status == ActivityStatus::Cancelled {
        return (CancelVerdict::AlreadyCancelled, None);
    }
    if current.edition_id != context.edition_id {
        return (CancelVerdict::OtherEdition, None);
    }
    if has_started(current, context) {
        return (CancelVerdict::Started, None);
    }
    let mut next = current.clone();
    next.activity.status = ActivityStatus::Cancelled;
    next.activity.cancellation_reason = reason;
    next.version += 1;
    (CancelVerdict::Cancelled, Some(next))
}

/// Whether the activity is in the public programme (of its edition): when
/// published, or cancelled after it had been approved.
pub fn is_public(record: &ActivityRecord) -> bool {
    match record.activity.status {
        ActivityStatus::Published => true,
        ActivityStatus::Cancelled => record.approved_at.is_some(),
        ActivityStatus::Pending | ActivityStatus::Rejected => false,
    }
}

/// Once an activity has begun, what was announced stands.
fn has_started(current: &ActivityRecord, context: &Context<'_>) -> bool {
    current.activity.starts_at <= context.now
}

/// The registration as stored now: the organiser's fields of the activity and
/// the private e-mail address; `None` for an activity that was not registered
/// through the API. Equal to the normalized submission that made it.
pub fn stored_submission(record: &ActivityRecord) -> Option<Submission> {
    let activity = record.activity.clone();
    Some(Submission {
        title: activity.title,
        summary: activity.summary,
        description: activity.description,
        starts_at: activity.starts_at,
        ends_at: activity.ends_at,
        format: activity.format,
        venue: activity.venue,
        online: activity.online,
        themes: activity.themes,
        audiences: activity.audiences,
        language: activity.language,
        organisers: activity.organisers,
        contact: activity.contact,
        signup_url: activity.signup_url,
        accessibility: activity.accessibility,
        submitter_email: record.submitter_email.clone()?,
    })
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, NaiveDate};
    use programme::demo;

    use super::*;

    struct Fixture {
        edition: Edition,
        record: ActivityRecord,
    }

    /// A registered activity of a demo week, seen a month before the week.
    fn fixture(status: ActivityStatus) -> Fixture {
        let edition = demo::edition_for(NaiveDate::from_ymd_opt(2027, 1, 4).unwrap());
        let mut activity = demo::activities(edition.starts_on, 1).remove(0);
        activity.status = status;
        activity.cancellation_reason = None;
        let record = ActivityRecord {
            activity,
            edition_id: 1,
            submitter_email: Some("anmalare@example.se".into()),
            review_note: (status == ActivityStatus::Rejected).then(|| "Skäl.".to_owned()),
            version: 3,
            approved_at: None,
            approved: None,
            changed_since_approval: false,
            created_at: "2026-12-01T00:00:00+00:00".into(),
        };
        Fixture { edition, record }
    }

    impl Fixture {
        fn context(&self) -> Context<'_> {
            Context {
                edition_id: 1,
                edition: &self.edition,
                now: self.record.activity.starts_at.to_utc() - Duration::days(30),
            }
        }

        /// The stored registration, retitled, based on `version`.
        fn edit(&self, version: i64, title: &str) -> Edit {
            let mut submission = stored_submission(&self.record).unwrap();
            submission.title = title.to_owned();
            Edit {
                based_on: version,
                submission,
            }
        }
    }

    #[test]
    fn an_edit_of_the_current_version_is_stored_as_the_next_one() {
        let f = fixture(ActivityStatus::Pending);
        let (verdict, next) = judge_edit(&f.record, &f.edit(3, "Ny titel"), &f.context());
        assert_eq!(verdict, EditVerdict::Edited);
        let next = next.unwrap();
        assert_eq!(next.activity.title, "Ny titel");
        assert_eq!(next.activity.status, ActivityStatus::Pending);
        assert_eq!(next.version, 4);
        assert_eq!(next.activity.id, f.record.activity.id);
    }

    #[test]
    fn an_edit_of_another_version_is_a_replay_when_its_content_is_stored_and_a_conflict_if_not() {
        let f = fixture(ActivityStatus::Pending);
        let title = f.record.activity.title.clone();
        let (verdict, next) = judge_edit(&f.record, &f.edit(2, &title), &f.context());
        assert_eq!((verdict, next), (EditVerdict::Replayed, None));
        let (verdict, next) = judge_edit(&f.record, &f.edit(2, "Annan"), &f.context());
        assert_eq!((verdict, next), (EditVerdict::Conflict, None));
    }

    #[test]
    fn a_published_activity_stays_published_and_is_marked_changed_only_when_it_changed() {
        let mut f = fixture(ActivityStatus::Published);
        f.record.approved_at = Some("2026-12-02T00:00:00+00:00".into());
        let (_, next) = judge_edit(&f.record, &f.edit(3, "Ny titel"), &f.context());
        let next = next.unwrap();
        assert_eq!(next.activity.status, ActivityStatus::Published);
        assert!(next.changed_since_approval);
        assert_eq!(next.approved_at, f.record.approved_at);
        let title = f.record.activity.title.clone();
        let (_, same) = judge_edit(&f.record, &f.edit(3, &title), &f.context());
        assert!(!same.unwrap().changed_since_approval);
    }

    #[test]
    fn a_rejected_activity_edited_goes_back_to_review_without_its_note() {
        let f = fixture(ActivityStatus::Rejected);
        let (_, next) = judge_edit(&f.record, &f.edit(3, "Bättre titel"), &f.context());
        let next = next.unwrap();
        assert_eq!(next.activity.status, ActivityStatus::Pending);
        assert_eq!(next.review_note, None);
    }

    #[test]
    fn refusals_come_in_order_edition_cancelled_started_rules() {
        let f = fixture(ActivityStatus::Cancelled);
        let mut other = f.context();
        other.edition_id = 2;
        let edit = f.edit(3, "Ny titel");
        assert_eq!(
            judge_edit(&f.record, &edit, &other).0,
            EditVerdict::OtherEdition
        );
        assert_eq!(
            judge_edit(&f.record, &edit, &f.context()).0,
            EditVerdict::Cancelled
        );
        let f = fixture(ActivityStatus::Pending);
        let mut late = f.context();
        late.now = f.record.activity.starts_at.to_utc();
        assert_eq!(judge_edit(&f.record, &edit, &late).0, EditVerdict::Started);
        let (verdict, next) = judge_edit(&f.record, &f.edit(3, " "), &f.context());
        assert!(matches!(verdict, EditVerdict::Invalid(e) if e.first("title").is_some()));
        assert_eq!(next, None);
    }

    #[test]
    fn a_cancellation_keeps_the_content_and_is_public_only_after_an_approval() {
        let f = fixture(ActivityStatus::Pending);
        let reason = Some("Sjuk.".to_owned());
        let (verdict, next) = judge_cancel(&f.record, reason.clone(), &f.context());
        assert_eq!(verdict, CancelVerdict::Cancelled);
        let next = next.unwrap();
        assert_eq!(next.activity.status, ActivityStatus::Cancelled);
        assert_eq!(next.activity.cancellation_reason, reason);
        assert_eq!(next.activity.title, f.record.activity.title);
        assert_eq!(next.version, 4);
        assert!(!is_public(&next));
        let approved = ActivityRecord {
            approved_at: Some("2026-12-02T00:00:00+00:00".into()),
            approved: None,
            ..next.clone()
        };
        assert!(is_public(&approved));
        assert_eq!(
            judge_cancel(&next, None, &f.context()),
            (CancelVerdict::AlreadyCancelled, None)
        );
        let mut late = f.context();
        late.now = f.record.activity.starts_at.to_utc() + Duration::minutes(1);
        assert_eq!(
            judge_cancel(&f.record, None, &late).0,
            CancelVerdict::Started
        );
    }

    #[test]
    fn an_activity_not_registered_through_the_api_has_no_organiser() {
        let mut f = fixture(ActivityStatus::Published);
        let edit = f.edit(3, "Ny titel");
        f.record.submitter_email = None;
        assert_eq!(
            judge_edit(&f.record, &edit, &f.context()).0,
            EditVerdict::NotFound
        );
        assert_eq!(
            judge_cancel(&f.record, None, &f.context()).0,
            CancelVerdict::NotFound
        );
    }
}
