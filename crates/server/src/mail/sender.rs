//! Sends what waits in the outbox: one row at a time, claimed with a lease
//! so that several servers can share the table, over SMTP or into the mail
//! folder; a failure is kept in the row (the operators see it in
//! `GET /api/admin/mail`) and tried again after a pause that doubles up to
//! an hour, for about a day, before the message is given up.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Body, Mailbox};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio::sync::Notify;

use super::messages::{self, Links};
use super::{Facts, MailKind};
use crate::Config;
use crate::storage::{MailOutcome, QueuedMail, Storage};
use crate::tokens::EditTokens;

/// How long a claimed message is left to one sender before another may try.
pub const LEASE: Duration = Duration::from_secs(120);

/// How long one SMTP conversation may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// After this many attempts a message is given up (and shown as failed).
pub const MAX_ATTEMPTS: i64 = 30;

/// The longest pause between two attempts.
const MAX_PAUSE: Duration = Duration::from_secs(3600);

/// The folder of `.eml` files, inside the data folder, when no SMTP server
/// is configured.
pub const MAIL_FOLDER: &str = "mail";

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Folder(PathBuf),
}

/// How messages leave: the sender's address, the way out, and the site's
/// address for the links.
pub struct Mailer {
    from: Mailbox,
    transport: Transport,
    site: String,
    first_pause: Duration,
}

impl Mailer {
    /// From the settings, with the site's address for the links; refuses,
    /// with what to fix, an SMTP URL or a sender that cannot work.
    pub fn from_config(config: &Config, site: String) -> anyhow::Result<Mailer> {
        let from: Mailbox = config.mail_from.parse().with_context(|| {
            format!(
                "IV_MAIL_FROM is not an e-mail address: {:?} (write it as \
                 \"Innovationsveckan <noreply@example.se>\" or noreply@example.se)",
                config.mail_from
            )
        })?;
        let transport = match config.smtp_url.as_deref().filter(|url| !url.is_empty()) {
            Some(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| {
                        anyhow::anyhow!(
                            "IV_SMTP_URL cannot be used ({e}): write it as \
                             smtps://user:password@smtp.example.se or \
                             smtp://smtp.example.se:587?tls=required"
                        )
                    })?
                    .timeout(Some(SMTP_TIMEOUT))
                    .build(),
            ),
            None => Transport::Folder(config.data_dir.join(MAIL_FOLDER)),
        };
        Ok(Mailer {
            from,
            transport,
            site,
            first_pause: Duration::from_secs(config.mail_retry_seconds.max(1)),
        })
    }

    /// Where messages go, for the log at start.
    pub fn describe(&self) -> String {
        match &self.transport {
            Transport::Smtp(_) => "e-mail is sent over SMTP (IV_SMTP_URL)".to_owned(),
            Transport::Folder(dir) => format!(
                "no IV_SMTP_URL: e-mail is written as .eml files to {}",
                dir.display()
            ),
        }
    }

    /// The pause before the attempt after `attempts` failed ones.
    fn pause_after(&self, attempts: i64) -> Duration {
        let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
        self.first_pause
            .saturating_mul(2u32.saturating_pow(doublings))
            .min(MAX_PAUSE)
    }

    /// How often the outbox is looked at without being woken.
    fn poll(&self) -> Duration {
        self.first_pause.min(Duration::from_secs(5))
    }

    fn links(&self, mail: &QueuedMail, kind: MailKind, tokens: &EditTokens) -> Links {
        let id = &mail.activity_id;
        Links {
            activity: format!("{}/aktivitet/{id}", self.site),
            admin: format!("{}/admin", self.site),
            edit: kind.is_for_organiser().then(|| {
                format!(
                    "{}/anmalan/{id}#nyckel={}",
                    self.site,
                    tokens.edit_token(id)
                )
            }),
        }
    }

    /// The message a row stands for. An error here does not go away by
    /// itself: the row is given up.
    fn message(&self, mail: &QueuedMail, tokens: &EditTokens) -> Result<Message, String> {
        let kind = MailKind::from_key(&mail.kind)
            .ok_or_else(|| format!("unknown kind of message: {}", mail.kind))?;
        let facts: Facts = serde_json::from_str(&mail.facts)
            .map_err(|e| format!("the message's facts cannot be read: {e}"))?;
        let text = messages::render(kind, &facts, &self.links(mail, kind, tokens));
        let mut builder = Message::builder()
            .from(self.from.clone())
            .subject(text.subject)
            .header(ContentType::TEXT_PLAIN);
        for to in &mail.to {
            let mailbox: Mailbox = to
                .parse()
                .map_err(|e| format!("not an address that mail can go to: {to} ({e})"))?;
            builder = builder.to(mailbox);
        }
        let body = match self.transport {
            Transport::Folder(_) => readable_body(text.body),
            // Over SMTP lettre picks an encoding every server takes.
            Transport::Smtp(_) => Body::new(text.body),
        };
        builder
            .body(body)
            .map_err(|e| format!("the message cannot be built: {e}"))
    }

    async fn deliver(&self, mail: &QueuedMail, message: Message) -> Result<(), String> {
        match &self.transport {
            Transport::Smtp(smtp) => smtp
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| format!("SMTP: {e}")),
            Transport::Folder(dir) => {
                let file = dir.join(format!("{:06}-{}.eml", mail.id, mail.kind));
                let partial = file.with_extension("eml.partial");
                let bytes = message.formatted();
                async {
                    tokio::fs::create_dir_all(dir).await?;
                    // Whole or not at all: a reader never sees half a message.
                    tokio::fs::write(&partial, bytes).await?;
                    tokio::fs::rename(&partial, &file).await
                }
                .await
                .map_err(|e| format!("cannot write {}: {e}", file.display()))
            }
        }
    }

    /// Tries one claimed message and records how it went.
    async fn attempt(&self, storage: &dyn Storage, tokens: &EditTokens, mail: QueuedMail) {
        let outcome = match self.message(&mail, tokens) {
            Err(error) => MailOutcome::GiveUp { error },
            Ok(message) => match self.deliver(&mail, message).await {
                Ok(()) => MailOutcome::Sent,
                Err(error) if mail.attempts >= MAX_ATTEMPTS => MailOutcome::GiveUp { error },
                Err(error) => {
                    let pause = chrono::Duration::from_std(self.pause_after(mail.attempts))
                        .unwrap_or_else(|_| chrono::Duration::hours(1));
                    MailOutcome::Retry {
                        at: Utc::now() + pause,
                        error,
                    }
                }
            },
        };
        match &outcome {
            MailOutcome::Sent => {
                tracing::info!(id = mail.id, kind = %mail.kind, "e-mail sent");
            }
            MailOutcome::Retry { at, error } => tracing::warn!(
                id = mail.id, kind = %mail.kind, attempts = mail.attempts, %error,
                "e-mail not sent; trying again at {at}"
            ),
            MailOutcome::GiveUp { error } => tracing::error!(
                id = mail.id, kind = %mail.kind, attempts = mail.attempts, %error,
                "e-mail given up"
            ),
        }
        if let Err(error) = storage.finish_mail(mail.id, outcome).await {
            // The lease runs out and the message is tried again.
            tracing::error!(id = mail.id, %error, "the outcome of an e-mail cannot be stored");
        }
    }
}

/// The longest line RFC 5322 allows, in bytes, without the CRLF.
const LINE_MAX: usize = 998;

/// A body for the mail folder, where a person reads the file itself: the
/// text as written (8 bit, CRLF line ends), not quoted-printable, which
/// breaks each link over several lines. The folder is no SMTP server, so
/// what 8 bit needs of one does not matter; a line longer than RFC 5322
/// allows is encoded as usual instead.
fn readable_body(text: String) -> Body {
    if text.lines().any(|line| line.len() > LINE_MAX) || text.contains('\0') {
        return Body::new(text);
    }
    let crlf: String = text.lines().flat_map(|line| [line, "\r\n"]).collect();
    Body::dangerous_pre_encoded(crlf.into_bytes(), ContentTransferEncoding::EightBit)
}

/// Sends what the outbox holds, for as long as the task runs: woken by
/// `wake` after a change put messages there, and every few seconds for the
/// retries (and the leases other servers left behind).
pub async fn run(
    storage: Arc<dyn Storage>,
    mailer: Arc<Mailer>,
    tokens: EditTokens,
    wake: Arc<Notify>,
) {
    loop {
        match storage.claim_mail(LEASE).await {
            Ok(Some(mail)) => {
                mailer.attempt(storage.as_ref(), &tokens, mail).await;
                continue;
            }
            Ok(None) => {}
            Err(error) => tracing::error!(%error, "the mail outbox cannot be read"),
        }
        tokio::select! {
            () = wake.notified() => {}
            () = tokio::time::sleep(mailer.poll()) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pause_doubles_from_the_first_up_to_an_hour() {
        let mut config = Config::with_data_dir("data");
        config.mail_retry_seconds = 60;
        let mailer = Mailer::from_config(&config, config.site_url().unwrap()).unwrap();
        let pauses: Vec<u64> = (1..=8).map(|n| mailer.pause_after(n).as_secs()).collect();
        assert_eq!(pauses, [60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(mailer.pause_after(1000).as_secs(), 3600);
        // Tried 30 times, a message is given up after more than a day.
        let waited: u64 = (1..MAX_ATTEMPTS)
            .map(|n| mailer.pause_after(n).as_secs())
            .sum();
        assert!(waited > 24 * 3600, "{waited}");
    }

    #[test]
    fn settings_that_cannot_send_mail_are_refused_with_what_to_write() {
        let mut config = Config::with_data_dir("data");
        config.mail_from = "inte en adress".into();
        let error = Mailer::from_config(&config, config.site_url().unwrap())
            .err()
            .unwrap()
            .to_string();
        assert!(error.contains("IV_MAIL_FROM"), "{error}");
        let mut config = Config::with_data_dir("data");
        config.smtp_url = Some("ftp://smtp.example.se".into());
        let error = Mailer::from_config(&config, config.site_url().unwrap())
            .err()
            .unwrap()
            .to_string();
        assert!(error.contains("IV_SMTP_URL"), "{error}");
        let mut config = Config::with_data_dir("data");
        config.public_url = Some("example.se".into());
        let error = config.site_url().err().unwrap().to_string();
        assert!(error.contains("IV_PUBLIC_URL"), "{error}");
    }
}
