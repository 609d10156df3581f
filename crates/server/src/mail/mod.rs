//! E-mail to organisers and operators about what happened to an activity.
//!
//! A change that should be told about puts its messages in the outbox table
//! in the same transaction as the change itself ([`plan`] says which), so a
//! message is neither lost by a crash nor sent for a change that was rolled
//! back. The outbox holds what happened, never an edit token: the organiser's
//! private link is derived when the message is sent. A background task
//! ([`sender`]) claims one row at a time with a lease, sends it over SMTP
//! (`IV_SMTP_URL`) or writes it as an `.eml` file under `<data dir>/mail/`,
//! and retries a failure with a growing pause. Sending never holds up the
//! request that caused it.

pub mod messages;
pub mod sender;

use programme::time::{capitalize_first, format_day_with_year, format_time_span};
use programme::{Activity, ActivityStatus};
use serde::{Deserialize, Serialize};

use crate::storage::{ActivityRecord, AuditAction};

/// What a message is about; the name is stored in the outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailKind {
    /// To the organiser: the registration is received (waiting for review,
    /// or published at once).
    Received,
    /// To the organiser: an operator approved the activity.
    Approved,
    /// To the organiser: an operator rejected it, with the reason.
    Rejected,
    /// To the organiser: an operator undid its cancellation.
    Restored,
    /// To the operators: a registration waits for review (new, or changed
    /// after a rejection).
    ToReview,
    /// To the operators: the organiser changed a published activity.
    PublishedChanged,
    /// To the operators: the organiser cancelled a published activity.
    PublishedCancelled,
}

impl MailKind {
    const ALL: [MailKind; 7] = [
        MailKind::Received,
        MailKind::Approved,
        MailKind::Rejected,
        MailKind::Restored,
        MailKind::ToReview,
        MailKind::PublishedChanged,
        MailKind::PublishedCancelled,
    ];

    /// The name stored in the outbox and shown to operators.
    pub fn key(self) -> &'static str {
        match self {
            MailKind::Received => "received",
            MailKind::Approved => "approved",
            MailKind::Rejected => "rejected",
            MailKind::Restored => "restored",
            MailKind::ToReview => "to_review",
            MailKind::PublishedChanged => "published_changed",
            MailKind::PublishedCancelled => "published_cancelled",
        }
    }

    pub fn from_key(key: &str) -> Option<MailKind> {
        MailKind::ALL.into_iter().find(|kind| kind.key() == key)
    }

    /// Whether it goes to the organiser, and so carries their private link.
    pub fn is_for_organiser(self) -> bool {
        matches!(
            self,
            MailKind::Received | MailKind::Approved | MailKind::Rejected | MailKind::Restored
        )
    }
}

/// What a message says, as it was when the change happened (a later edit
/// does not rewrite a message still waiting to be sent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    pub title: String,
    /// "Måndag 5 oktober 2026, 09.00–10.30".
    pub when: String,
    /// "A, B och C".
    pub organisers: String,
    /// Whether there is more than one organiser.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub several_organisers: bool,
    /// The activity's status afterwards (its API name).
    pub status: String,
    /// A rejection's or cancellation's reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// What the organiser changed (labels of [`programme::changes::Part`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changed: Vec<String>,
    /// A registration that comes back to review after a rejection.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub resubmitted: bool,
}

impl Facts {
    fn of(activity: &Activity) -> Facts {
        Facts {
            title: activity.title.clone(),
            when: format!(
                "{}, {}",
                capitalize_first(&format_day_with_year(
                    programme::time::to_stockholm(&activity.starts_at).date_naive()
                )),
                format_time_span(&activity.starts_at, &activity.ends_at)
            ),
            organisers: activity.organiser_names(),
            several_organisers: activity.organisers.len() > 1,
            status: activity.status.key().to_owned(),
            reason: None,
            changed: Vec::new(),
            resubmitted: false,
        }
    }
}

/// A message to put in the outbox. Its `Debug` hides the addresses.
#[derive(Clone, PartialEq, Eq)]
pub struct NewMail {
    pub kind: MailKind,
    /// The addresses it goes to.
    pub to: Vec<String>,
    pub activity_id: String,
    pub facts: Facts,
}

impl std::fmt::Debug for NewMail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewMail")
            .field("kind", &self.kind)
            .field("to", &format_args!("<{} hidden>", self.to.len()))
            .field("activity_id", &self.activity_id)
            .field("facts", &self.facts)
            .finish()
    }
}

/// Who is told: the operators' addresses (`IV_OPERATOR_EMAILS`; none, and
/// operators get no e-mail).
#[derive(Debug, Clone, Default)]
pub struct Recipients {
    pub operators: Vec<String>,
}

impl Recipients {
    /// A message about `activity` to the operators, if they have addresses.
    fn operators(&self, kind: MailKind, activity: &Activity, facts: Facts) -> Option<NewMail> {
        (!self.operators.is_empty()).then(|| NewMail {
            kind,
            to: self.operators.clone(),
            activity_id: activity.id.clone(),
            facts,
        })
    }
}

/// A message about `activity` to its organiser, if there is an address.
fn organiser(
    kind: MailKind,
    address: Option<&str>,
    activity: &Activity,
    facts: Facts,
) -> Option<NewMail> {
    address.map(|address| NewMail {
        kind,
        to: vec![address.to_owned()],
        activity_id: activity.id.clone(),
        facts,
    })
}

/// The messages a new registration sends: a receipt with the private link
/// to the organiser (`submitter_email`), and, unless it was published at
/// once, a note to the operators that it waits for review.
pub fn plan_registration(
    activity: &Activity,
    submitter_email: &str,
    recipients: &Recipients,
) -> Vec<NewMail> {
    let facts = Facts::of(activity);
    let receipt = organiser(
        MailKind::Received,
        Some(submitter_email),
        activity,
        facts.clone(),
    );
    let review = (activity.status == ActivityStatus::Pending)
        .then(|| recipients.operators(MailKind::ToReview, activity, facts))
        .flatten();
    receipt.into_iter().chain(review).collect()
}

/// The messages a stored change sends, from the activity as it was
/// (`before`) and as it is now (`after`): the organiser hears of each
/// operator's decision; the operators hear of each change to a published
/// activity and of a rejected registration that comes back to review.
pub fn plan(
    action: AuditAction,
    before: &ActivityRecord,
    after: &ActivityRecord,
    recipients: &Recipients,
) -> Vec<NewMail> {
    let mut facts = Facts::of(&after.activity);
    let (activity, address) = (&after.activity, after.submitter_email.as_deref());
    let was_published = before.activity.status == ActivityStatus::Published;
    let mail = match action {
        AuditAction::Approve => organiser(MailKind::Approved, address, activity, facts),
        AuditAction::Reject => {
            facts.reason.clone_from(&after.review_note);
            organiser(MailKind::Rejected, address, activity, facts)
        }
        AuditAction::Restore => organiser(MailKind::Restored, address, activity, facts),
        AuditAction::Edit if was_published => {
            facts.changed = programme::changes::changed_parts(&before.activity, &after.activity)
                .into_iter()
                .map(|part| part.label().to_owned())
                .collect();
            recipients.operators(MailKind::PublishedChanged, activity, facts)
        }
        AuditAction::Edit if before.activity.status == ActivityStatus::Rejected => {
            facts.resubmitted = true;
            recipients.operators(MailKind::ToReview, activity, facts)
        }
        AuditAction::Cancel if was_published => {
            facts.reason.clone_from(&after.activity.cancellation_reason);
            recipients.operators(MailKind::PublishedCancelled, activity, facts)
        }
        // An erasure tells nobody: the address is gone.
        AuditAction::Edit | AuditAction::Cancel | AuditAction::Erase => None,
    };
    mail.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(status: ActivityStatus) -> ActivityRecord {
        let mut activity =
            programme::demo::activities(programme::demo::sample_edition().starts_on, 1).remove(0);
        activity.status = status;
        ActivityRecord {
            activity,
            edition_id: 1,
            submitter_email: Some("arrangor@kommun.se".into()),
            review_note: None,
            version: 1,
            approved_at: None,
            approved: None,
            changed_since_approval: false,
            created_at: "2026-01-01T00:00:00Z".into(),
        }
    }

    fn operators() -> Recipients {
        Recipients {
            operators: vec!["granskare@innovationsveckan.se".into()],
        }
    }

    fn kinds(mails: &[NewMail]) -> Vec<(MailKind, &str)> {
        mails
            .iter()
            .map(|mail| (mail.kind, mail.to[0].as_str()))
            .collect()
    }

    /// Regression (issue 12, item 8): the records with the submitter's e-mail,
    /// the addresses and the edit link derived `Debug`.
    #[test]
    fn debug_hides_addresses_and_the_edit_link() {
        let record = record(ActivityStatus::Pending);
        let mails = plan_registration(&record.activity, "arrangor@kommun.se", &operators());
        let new = crate::storage::NewSubmission {
            idempotency_key: "k".into(),
            request_hash: "h".into(),
            edition_id: 1,
            activity: record.activity.clone(),
            submitter_email: "arrangor@kommun.se".into(),
            mails: mails.clone(),
        };
        let links = messages::Links {
            activity: "https://iv.se/aktivitet/a1".into(),
            admin: "https://iv.se/admin".into(),
            edit: Some("https://iv.se/mina/a1#f00dfeedf00dfeed".into()),
        };
        let text = messages::render(MailKind::Received, &mails[0].facts, &links);
        assert!(
            text.body.contains("f00dfeed"),
            "the message itself has the link"
        );
        let shown = format!("{record:?} {new:?} {mails:?} {links:?} {text:?}");
        for secret in [
            "arrangor@kommun.se",
            "granskare@innovationsveckan.se",
            "f00dfeed",
        ] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(shown.contains(&record.activity.title) && shown.contains("<hidden>"));
    }

    #[test]
    fn a_registration_tells_the_organiser_and_the_operators_unless_it_is_published_at_once() {
        let pending = record(ActivityStatus::Pending);
        assert_eq!(
            kinds(&plan_registration(
                &pending.activity,
                "arrangor@kommun.se",
                &operators()
            )),
            [
                (MailKind::Received, "arrangor@kommun.se"),
                (MailKind::ToReview, "granskare@innovationsveckan.se")
            ]
        );
        let published = record(ActivityStatus::Published);
        assert_eq!(
            kinds(&plan_registration(
                &published.activity,
                "arrangor@kommun.se",
                &operators()
            )),
            [(MailKind::Received, "arrangor@kommun.se")]
        );
        // Without operators' addresses only the organiser is told.
        assert_eq!(
            kinds(&plan_registration(
                &pending.activity,
                "arrangor@kommun.se",
                &Recipients::default()
            )),
            [(MailKind::Received, "arrangor@kommun.se")]
        );
    }

    #[test]
    fn decisions_go_to_the_organiser_and_changes_of_published_activities_to_the_operators() {
        let pending = record(ActivityStatus::Pending);
        let published = record(ActivityStatus::Published);
        let mut rejected = record(ActivityStatus::Rejected);
        rejected.review_note = Some("Saknar offentlig aktör.".into());
        let mails = plan(AuditAction::Reject, &pending, &rejected, &operators());
        assert_eq!(kinds(&mails), [(MailKind::Rejected, "arrangor@kommun.se")]);
        assert_eq!(
            mails[0].facts.reason.as_deref(),
            Some("Saknar offentlig aktör.")
        );
        assert_eq!(
            kinds(&plan(
                AuditAction::Approve,
                &pending,
                &published,
                &operators()
            )),
            [(MailKind::Approved, "arrangor@kommun.se")]
        );

        let mut edited = published.clone();
        edited.activity.title = "Ny titel".into();
        let mails = plan(AuditAction::Edit, &published, &edited, &operators());
        assert_eq!(
            kinds(&mails),
            [(MailKind::PublishedChanged, "granskare@innovationsveckan.se")]
        );
        assert_eq!(mails[0].facts.changed, ["titel"]);
        // An edit while waiting for review tells nobody: it is reviewed as it is.
        assert!(plan(AuditAction::Edit, &pending, &pending, &operators()).is_empty());
        // Back to review after a rejection.
        let mails = plan(AuditAction::Edit, &rejected, &pending, &operators());
        assert_eq!(
            kinds(&mails),
            [(MailKind::ToReview, "granskare@innovationsveckan.se")]
        );
        assert!(mails[0].facts.resubmitted);

        let mut cancelled = record(ActivityStatus::Cancelled);
        cancelled.activity.cancellation_reason = Some("Talaren är sjuk.".into());
        let mails = plan(AuditAction::Cancel, &published, &cancelled, &operators());
        assert_eq!(
            kinds(&mails),
            [(
                MailKind::PublishedCancelled,
                "granskare@innovationsveckan.se"
            )]
        );
        assert_eq!(mails[0].facts.reason.as_deref(), Some("Talaren är sjuk."));
        assert!(plan(AuditAction::Cancel, &pending, &cancelled, &operators()).is_empty());
        assert_eq!(
            kinds(&plan(
                AuditAction::Restore,
                &cancelled,
                &published,
                &operators()
            )),
            [(MailKind::Restored, "arrangor@kommun.se")]
        );
    }

    #[test]
    fn every_kind_reads_back_from_its_key() {
        for kind in MailKind::ALL {
            assert_eq!(MailKind::from_key(kind.key()), Some(kind));
        }
        assert_eq!(MailKind::from_key("spam"), None);
    }
}
