//! What an operator's decision does to a stored activity: approving,
//! rejecting (with a reason, or one of the standard reasons) and undoing a
//! cancellation. Like the organiser's rules in [`crate::changes`], these are
//! plain functions of the record as stored, run inside the transaction that
//! writes their outcome.

use programme::ActivityStatus;

use crate::changes::Context;
use crate::storage::ActivityRecord;

/// What became of an operator's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewVerdict {
    /// Stored.
    Done,
    /// The activity belongs to another edition than the current one.
    OtherEdition,
    /// It is cancelled, and cannot be approved before the cancellation is undone.
    Cancelled,
    /// It has begun: what was announced then stands.
    Started,
    /// Undoing a cancellation of an activity that is not cancelled.
    NotCancelled,
}

/// Judges an approval: a pending, rejected or published activity of the
/// current edition that has not begun is published, counts as approved now
/// (which also acknowledges an organiser's edit since the last approval) and
/// loses a rejection's note.
pub fn judge_approve(
    current: &ActivityRecord,
    context: &Context<'_>,
) -> (ReviewVerdict, Option<ActivityRecord>) {
    if current.edition_id != context.edition_id {
        return (ReviewVerdict::OtherEdition, None);
    }
    if current.activity.status == ActivityStatus::Cancelled {
        return (ReviewVerdict::Cancelled, None);
    }
    if current.activity.starts_at <= context.now {
        return (ReviewVerdict::Started, None);
    }
    let mut next = current.clone();
    next.activity.status = ActivityStatus::Published;
    next.activity.cancellation_reason = None;
    next.review_note = None;
    next.approved_at = Some(context.now.to_rfc3339());
    next.approved = Some(next.activity.clone());
    next.changed_since_approval = false;
    (ReviewVerdict::Done, Some(next))
}

/// Judges a rejection with the note the organiser will see. Any activity can
/// be rejected (also one that was published: it leaves the programme, or a
/// cancelled one: it then stays out of the programme for good); it no longer
/// counts as approved.
pub fn judge_reject(current: &ActivityRecord, note: String) -> (ReviewVerdict, ActivityRecord) {
    let mut next = current.clone();
    next.activity.status = ActivityStatus::Rejected;
    next.activity.cancellation_reason = None;
    next.review_note = Some(note);
    next.approved_at = None;
    next.approved = None;
    next.changed_since_approval = false;
    (ReviewVerdict::Done, next)
}

/// Judges undoing a cancellation: the activity goes back to where it was
/// before it was called off, published if it had been approved and pending
/// for review if not, without the cancellation's reason. Not once it has
/// begun, nor for an activity of another edition.
pub fn judge_restore(
    current: &ActivityRecord,
    context: &Context<'_>,
) -> (ReviewVerdict, Option<ActivityRecord>) {
    if current.edition_id != context.edition_id {
        return (ReviewVerdict::OtherEdition, None);
    }
    if current.activity.status != ActivityStatus::Cancelled {
        return (ReviewVerdict::NotCancelled, None);
    }
    if current.activity.starts_at <= context.now {
        return (ReviewVerdict::Started, None);
    }
    let mut next = current.clone();
    next.activity.status = if current.approved_at.is_some() {
        ActivityStatus::Published
    } else {
        ActivityStatus::Pending
    };
    next.activity.cancellation_reason = None;
    (ReviewVerdict::Done, Some(next))
}

/// The standard reasons of a rejection, from the domain (the operators'
/// screen offers the same).
pub use programme::moderation::RejectionCode;

#[cfg(test)]
mod tests {
    use chrono::{Duration, NaiveDate};
    use programme::{Edition, demo};

    use super::*;

    fn record(status: ActivityStatus) -> (Edition, ActivityRecord) {
        let edition = demo::edition_for(NaiveDate::from_ymd_opt(2027, 1, 4).unwrap());
        let mut activity = demo::activities(edition.starts_on, 1).remove(0);
        activity.status = status;
        activity.cancellation_reason =
            (status == ActivityStatus::Cancelled).then(|| "Sjuk.".to_owned());
        let record = ActivityRecord {
            activity,
            edition_id: 1,
            submitter_email: Some("anmalare@example.se".into()),
            review_note: None,
            version: 2,
            approved_at: None,
            approved: None,
            changed_since_approval: false,
            created_at: "2026-12-01T00:00:00+00:00".into(),
        };
        (edition, record)
    }

    fn context<'a>(edition: &'a Edition, record: &ActivityRecord) -> Context<'a> {
        Context {
            edition_id: 1,
            edition,
            now: record.activity.starts_at.to_utc() - Duration::days(3),
        }
    }

    #[test]
    fn approval_publishes_and_acknowledges_the_organisers_edit() {
        let (edition, mut current) = record(ActivityStatus::Published);
        current.changed_since_approval = true;
        current.review_note = Some("Gammalt skäl.".into());
        let (verdict, next) = judge_approve(&current, &context(&edition, &current));
        assert_eq!(verdict, ReviewVerdict::Done);
        let next = next.unwrap();
        assert_eq!(next.activity.status, ActivityStatus::Published);
        assert!(!next.changed_since_approval);
        assert!(next.approved_at.is_some());
        assert_eq!(next.review_note, None);
        assert_eq!(next.version, current.version, "not the organiser's change");
    }

    #[test]
    fn approval_refuses_a_cancelled_a_started_and_another_editions_activity() {
        let (edition, cancelled) = record(ActivityStatus::Cancelled);
        let at = context(&edition, &cancelled);
        assert_eq!(
            judge_approve(&cancelled, &at),
            (ReviewVerdict::Cancelled, None)
        );
        let (edition, pending) = record(ActivityStatus::Pending);
        let mut late = context(&edition, &pending);
        late.now = pending.activity.starts_at.to_utc();
        assert_eq!(
            judge_approve(&pending, &late),
            (ReviewVerdict::Started, None)
        );
        let mut other = context(&edition, &pending);
        other.edition_id = 2;
        assert_eq!(
            judge_approve(&pending, &other),
            (ReviewVerdict::OtherEdition, None)
        );
    }

    #[test]
    fn undoing_a_cancellation_goes_back_to_published_if_approved_and_to_review_if_not() {
        let (edition, mut cancelled) = record(ActivityStatus::Cancelled);
        let at = context(&edition, &cancelled);
        let (verdict, next) = judge_restore(&cancelled, &at);
        assert_eq!(verdict, ReviewVerdict::Done);
        let next = next.unwrap();
        assert_eq!(next.activity.status, ActivityStatus::Pending);
        assert_eq!(next.activity.cancellation_reason, None);
        cancelled.approved_at = Some("2026-12-02T00:00:00+00:00".into());
        let (_, next) = judge_restore(&cancelled, &at);
        assert_eq!(next.unwrap().activity.status, ActivityStatus::Published);

        let (_, pending) = record(ActivityStatus::Pending);
        assert_eq!(
            judge_restore(&pending, &at),
            (ReviewVerdict::NotCancelled, None)
        );
        let mut late = at;
        late.now = cancelled.activity.starts_at.to_utc();
        assert_eq!(
            judge_restore(&cancelled, &late),
            (ReviewVerdict::Started, None)
        );
    }

    #[test]
    fn a_rejection_takes_the_activity_out_and_every_standard_reason_but_other_has_a_text() {
        let (_, published) = record(ActivityStatus::Published);
        let (verdict, next) = judge_reject(&published, "Skäl.".into());
        assert_eq!(verdict, ReviewVerdict::Done);
        assert_eq!(next.activity.status, ActivityStatus::Rejected);
        assert_eq!(next.review_note.as_deref(), Some("Skäl."));
        assert_eq!(next.approved_at, None);
        for code in [
            RejectionCode::NoPublicParty,
            RejectionCode::Incomplete,
            RejectionCode::NotInnovation,
            RejectionCode::Duplicate,
        ] {
            let text = code.standard_text().unwrap();
            assert!(text.chars().count() <= programme::submission::limits::REVIEW_NOTE);
            let parsed: RejectionCode =
                serde_json::from_value(serde_json::json!(code.key())).unwrap();
            assert_eq!(parsed, code);
        }
        assert_eq!(RejectionCode::Other.standard_text(), None);
    }
}
