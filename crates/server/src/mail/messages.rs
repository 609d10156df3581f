//! The text of each message, in plain Swedish. Written when the message is
//! sent, from the [`Facts`] stored when the change happened and the links of
//! the site; nothing in them tracks the reader.

use super::{Facts, MailKind};

/// The links a message may carry. Its `Debug` hides the edit link.
#[derive(Clone)]
pub struct Links {
    /// The activity in the public programme.
    pub activity: String,
    /// The operators' screens.
    pub admin: String,
    /// The organiser's private link with the edit token; only in messages
    /// to the organiser.
    pub edit: Option<String>,
}

/// A message's subject and plain text. Its `Debug` leaves the body out: an
/// organiser's message carries the edit link.
#[derive(Clone, PartialEq, Eq)]
pub struct Text {
    pub subject: String,
    pub body: String,
}

impl std::fmt::Debug for Links {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Links")
            .field("activity", &self.activity)
            .field("admin", &self.admin)
            .field(
                "edit",
                &self.edit.as_deref().map(programme::submission::hidden),
            )
            .finish()
    }
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Text")
            .field("subject", &self.subject)
            .field(
                "body",
                &format_args!("<{} characters hidden>", self.body.chars().count()),
            )
            .finish()
    }
}

/// The longest title a subject line carries, in characters.
const SUBJECT_TITLE_MAX: usize = 100;

fn subject(lead: &str, title: &str) -> String {
    let mut short: String = title.chars().take(SUBJECT_TITLE_MAX).collect();
    if title.chars().count() > SUBJECT_TITLE_MAX {
        short.push('…');
    }
    format!("{lead}: {short}")
}

const GREETING: &str = "Hej!\n\n";

const SIGNATURE: &str = "\nVänliga hälsningar\nInnovationsveckan\n\n\
    Det här mejlet skickades automatiskt av Innovationsveckans programwebbplats.\n";

fn activity_block(facts: &Facts) -> String {
    format!(
        "  {}\n  {}\n  {}: {}\n",
        facts.title,
        facts.when,
        if facts.several_organisers {
            "Arrangörer"
        } else {
            "Arrangör"
        },
        facts.organisers
    )
}

fn private_link(links: &Links) -> String {
    match &links.edit {
        Some(edit) => format!(
            "\nDin egen länk till anmälan:\n{edit}\n\n\
             Med länken ser du hur det går med anmälan, och du kan ändra eller ställa in \
             aktiviteten. Länken fungerar som ett lösenord: dela den bara med dem som ska \
             kunna ändra aktiviteten. Spara mejlet, så har du kvar länken även om du byter \
             dator eller webbläsare.\n"
        ),
        None => String::new(),
    }
}

/// The subject and text of a message of `kind`.
pub fn render(kind: MailKind, facts: &Facts, links: &Links) -> Text {
    let block = activity_block(facts);
    let published = facts.status == programme::ActivityStatus::Published.key();
    let (subject, body) = match kind {
        MailKind::Received if published => (
            subject("Din aktivitet finns nu i programmet", &facts.title),
            format!(
                "{GREETING}Tack för din anmälan till Innovationsveckan. Aktiviteten finns nu \
                 i programmet:\n\n{block}\n{}\n{}",
                links.activity,
                private_link(links)
            ),
        ),
        MailKind::Received => (
            subject("Vi har tagit emot din anmälan", &facts.title),
            format!(
                "{GREETING}Tack för din anmälan till Innovationsveckan. Vi har tagit emot \
                 aktiviteten\n\n{block}\nInnovationsveckans redaktion granskar den nu. Du får \
                 ett mejl när den är granskad. När den är godkänd syns den i programmet.\n{}",
                private_link(links)
            ),
        ),
        MailKind::Approved => (
            subject("Din aktivitet är godkänd", &facts.title),
            format!(
                "{GREETING}Innovationsveckans redaktion har godkänt aktiviteten\n\n{block}\n\
                 Den finns nu i programmet:\n{}\n\nÄndringar som du gör efter det syns direkt \
                 i programmet.\n{}",
                links.activity,
                private_link(links)
            ),
        ),
        MailKind::Rejected => (
            subject("Din anmälan har inte godkänts", &facts.title),
            format!(
                "{GREETING}Innovationsveckans redaktion har granskat aktiviteten\n\n{block}\n\
                 och kan inte ta med den i programmet som den är nu.\n\nSkäl: {}\n\n\
                 Du kan ändra anmälan med din länk. Då granskas den på nytt.\n{}",
                facts.reason.as_deref().unwrap_or("inget skäl angavs."),
                private_link(links)
            ),
        ),
        MailKind::Restored => (
            subject("Din aktivitet är inte längre inställd", &facts.title),
            format!(
                "{GREETING}Innovationsveckans redaktion har ångrat inställningen av \
                 aktiviteten\n\n{block}\n{}\n{}",
                if published {
                    format!("Den finns i programmet igen:\n{}\n", links.activity)
                } else {
                    "Den granskas nu innan den kommer med i programmet.\n".to_owned()
                },
                private_link(links)
            ),
        ),
        MailKind::ToReview => (
            subject(
                if facts.resubmitted {
                    "Ändrad anmälan att granska"
                } else {
                    "Ny anmälan att granska"
                },
                &facts.title,
            ),
            format!(
                "{GREETING}{}\n\n{block}\nGranska den här:\n{}\n",
                if facts.resubmitted {
                    "Arrangören har ändrat en anmälan som inte godkändes, och den väntar på \
                     granskning igen:"
                } else {
                    "En ny anmälan väntar på granskning:"
                },
                links.admin
            ),
        ),
        MailKind::PublishedChanged => (
            subject("Publicerad aktivitet ändrad", &facts.title),
            format!(
                "{GREETING}Arrangören har ändrat en aktivitet som redan finns i \
                 programmet:\n\n{block}\nÄndrat: {}.\n\nÄndringen syns redan i programmet. \
                 Godkänn ändringen, eller ta bort aktiviteten ur programmet, här:\n{}\n",
                if facts.changed.is_empty() {
                    "inget som syns i programmet".to_owned()
                } else {
                    programme::in_words(&facts.changed)
                },
                links.admin
            ),
        ),
        MailKind::PublishedCancelled => (
            subject("Publicerad aktivitet inställd", &facts.title),
            format!(
                "{GREETING}Arrangören har ställt in en aktivitet som finns i programmet:\n\n\
                 {block}\n{}Den står kvar i programmet, markerad som inställd. Om det är fel \
                 kan inställningen ångras här:\n{}\n",
                facts
                    .reason
                    .as_deref()
                    .map(|reason| format!("Skäl: {reason}\n\n"))
                    .unwrap_or_default(),
                links.admin
            ),
        ),
    };
    Text {
        subject,
        body: format!("{body}{SIGNATURE}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> Facts {
        Facts {
            title: "Öppna data i Umeå".into(),
            when: "Måndag 5 oktober 2026, 09.00–10.30".into(),
            organisers: "Umeå kommun och Region Västerbotten".into(),
            several_organisers: true,
            status: "pending".into(),
            reason: None,
            changed: Vec::new(),
            resubmitted: false,
        }
    }

    fn links(edit: bool) -> Links {
        Links {
            activity: "https://example.se/aktivitet/a1".into(),
            admin: "https://example.se/admin".into(),
            edit: edit.then(|| "https://example.se/anmalan/a1#nyckel=abc".into()),
        }
    }

    #[test]
    fn the_organisers_receipt_carries_the_private_link_and_says_what_happens_next() {
        let text = render(MailKind::Received, &facts(), &links(true));
        assert_eq!(
            text.subject,
            "Vi har tagit emot din anmälan: Öppna data i Umeå"
        );
        assert!(
            text.body
                .contains("https://example.se/anmalan/a1#nyckel=abc")
        );
        assert!(text.body.contains("granskar den nu"));
        assert!(text.body.contains("Måndag 5 oktober 2026, 09.00–10.30"));
        assert!(
            text.body
                .contains("Arrangörer: Umeå kommun och Region Västerbotten")
        );
        let mut published = facts();
        published.status = "published".into();
        let text = render(MailKind::Received, &published, &links(true));
        assert_eq!(
            text.subject,
            "Din aktivitet finns nu i programmet: Öppna data i Umeå"
        );
        assert!(text.body.contains("https://example.se/aktivitet/a1"));
    }

    #[test]
    fn a_rejection_gives_the_reason_and_the_operators_messages_point_to_the_admin_screens() {
        let mut rejected = facts();
        rejected.status = "rejected".into();
        rejected.reason = Some("Ingen offentlig aktör är med.".into());
        let text = render(MailKind::Rejected, &rejected, &links(true));
        assert_eq!(
            text.subject,
            "Din anmälan har inte godkänts: Öppna data i Umeå"
        );
        assert!(text.body.contains("Skäl: Ingen offentlig aktör är med."));

        let mut changed = facts();
        changed.status = "published".into();
        changed.changed = vec!["titel".into(), "tid".into(), "plats".into()];
        let text = render(MailKind::PublishedChanged, &changed, &links(false));
        assert_eq!(
            text.subject,
            "Publicerad aktivitet ändrad: Öppna data i Umeå"
        );
        assert!(text.body.contains("Ändrat: titel, tid och plats."));
        assert!(text.body.contains("https://example.se/admin"));
        assert!(!text.body.contains("nyckel"));
    }

    #[test]
    fn a_long_title_is_shortened_in_the_subject_only() {
        let mut long = facts();
        long.title = "å".repeat(150);
        let text = render(MailKind::ToReview, &long, &links(false));
        assert_eq!(
            text.subject,
            format!("Ny anmälan att granska: {}…", "å".repeat(SUBJECT_TITLE_MAX))
        );
        assert!(text.body.contains(&long.title));
    }
}
