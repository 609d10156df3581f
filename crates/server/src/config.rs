//! Settings, from flags or `IV_` environment variables.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use chrono::NaiveDate;
use programme::Edition;

/// Everything the server can be told at start.
#[derive(Clone, clap::Parser)]
#[command(
    version,
    about = "Innovationsveckan: the programme's API, database and web app"
)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "IV_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,

    /// Folder of the SQLite database (created if missing), the mail folder
    /// and the edit links' secret when none is set.
    #[arg(long, env = "IV_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,

    /// The database: `postgres://user:password@host:port/name` (several
    /// servers may share one) or `sqlite://FILE`. Unset: SQLite in the data
    /// folder.
    #[arg(long, env = "IV_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,

    /// Folder of the built web app (Trunk's output).
    #[arg(long, env = "IV_DIST_DIR", default_value = "./dist")]
    pub dist_dir: PathBuf,

    /// A JSON file with the edition: name, year, starts_on, ends_on, programme_opens_on.
    #[arg(long, env = "IV_EDITION_FILE")]
    pub edition_file: Option<PathBuf>,

    /// The edition's name, for example "Innovationsveckan 2027".
    #[arg(long, env = "IV_EDITION_NAME")]
    pub edition_name: Option<String>,

    /// The edition's first day (YYYY-MM-DD).
    #[arg(long, env = "IV_EDITION_STARTS_ON")]
    pub edition_starts_on: Option<NaiveDate>,

    /// The edition's last day (YYYY-MM-DD); defaults to four days after the first.
    #[arg(long, env = "IV_EDITION_ENDS_ON")]
    pub edition_ends_on: Option<NaiveDate>,

    /// The day the programme opens to the public (YYYY-MM-DD).
    #[arg(long, env = "IV_PROGRAMME_OPENS_ON")]
    pub programme_opens_on: Option<NaiveDate>,

    /// How many generated activities the demo edition is seeded with (on first
    /// start only); thousands, for load and interaction benchmarks.
    #[arg(long, env = "IV_DEMO_ACTIVITIES", default_value_t = programme::demo::DEMO_ACTIVITY_COUNT)]
    pub demo_activities: usize,

    /// Send Strict-Transport-Security: set when the site is reached over HTTPS
    /// (behind a TLS-terminating proxy).
    #[arg(long, env = "IV_HSTS", default_value_t = false)]
    pub hsts: bool,

    /// One operator's secret for the admin API (`Authorization: Bearer …`),
    /// at least 32 characters; the audit names this operator "operatör".
    /// Without it, `IV_ADMIN_TOKENS` and `IV_ADMIN_TOKENS_FILE` the admin
    /// API refuses everyone.
    #[arg(long, env = "IV_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,

    /// Named operators, each with a token of their own of at least 32
    /// characters: `name:token,name2:token2`. The audit shows who decided.
    #[arg(long, env = "IV_ADMIN_TOKENS", hide_env_values = true)]
    pub admin_tokens: Option<String>,

    /// A file of named operators, one `name:token` a line (lines starting
    /// with `#` are comments); like `IV_ADMIN_TOKENS`, and both may be used.
    #[arg(long, env = "IV_ADMIN_TOKENS_FILE")]
    pub admin_tokens_file: Option<PathBuf>,

    /// The secret the organisers' edit links are derived from, at least 32
    /// characters (`openssl rand -hex 32`). Without it the server makes one in
    /// the data folder (`token-secret`) on the first start. A new secret makes
    /// every edit link sent so far stop working.
    #[arg(long, env = "IV_TOKEN_SECRET", hide_env_values = true)]
    pub token_secret: Option<String>,

    /// Publish registered activities at once instead of waiting for review.
    #[arg(long, env = "IV_PUBLISH_WITHOUT_REVIEW", default_value_t = false)]
    pub publish_without_review: bool,

    /// How many new registrations one client address (IPv6: one /64) may
    /// send per hour (up to ten at once).
    #[arg(long, env = "IV_SUBMISSIONS_PER_HOUR", default_value_t = DEFAULT_SUBMISSIONS_PER_HOUR,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub submissions_per_hour: u32,

    /// How many new registrations the /64s of one IPv6 /48 may send together
    /// per hour (up to forty at once).
    #[arg(long, env = "IV_SUBMISSIONS_PER_HOUR_PER_48",
          default_value_t = DEFAULT_SUBMISSIONS_PER_HOUR_PER_48,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub submissions_per_hour_per_48: u32,

    /// How many new registrations everyone together may send per hour (up to
    /// a hundred at once): a ceiling on what a flood from many addresses can
    /// put in front of the operators.
    #[arg(long, env = "IV_SUBMISSIONS_PER_HOUR_TOTAL",
          default_value_t = DEFAULT_SUBMISSIONS_PER_HOUR_TOTAL,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub submissions_per_hour_total: u32,

    /// The SMTP server e-mail goes through, as a URL:
    /// `smtps://user:password@smtp.example.se` (TLS, port 465) or
    /// `smtp://user:password@smtp.example.se:587?tls=required` (STARTTLS).
    /// Without it every message is written as an `.eml` file to the folder
    /// `mail` in the data folder.
    #[arg(long, env = "IV_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,

    /// The sender of every e-mail.
    #[arg(long, env = "IV_MAIL_FROM", default_value = DEFAULT_MAIL_FROM)]
    pub mail_from: String,

    /// The operators' addresses, comma-separated: they are told of each new
    /// registration and each change of a published activity. Without it
    /// only organisers get e-mail.
    #[arg(long, env = "IV_OPERATOR_EMAILS")]
    pub operator_emails: Option<String>,

    /// The site's address as visitors reach it (`https://innovationsveckan.se`),
    /// for the links in e-mail; defaults to `http://` and IV_ADDR.
    #[arg(long, env = "IV_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Seconds before a failed e-mail is tried again the first time; the
    /// pause doubles with each failure, up to an hour.
    #[arg(long, env = "IV_MAIL_RETRY_SECONDS", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub mail_retry_seconds: u64,

    /// Seconds a client has to send a request's head, from the moment it
    /// connects or got its last answer; a connection kept open without a
    /// new request is closed after it, too.
    #[arg(long, env = "IV_HEADER_TIMEOUT_SECONDS", default_value_t = DEFAULT_HEADER_TIMEOUT_SECONDS,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub header_timeout_seconds: u64,

    /// Seconds a client has to send a request's whole body.
    #[arg(long, env = "IV_BODY_TIMEOUT_SECONDS", default_value_t = DEFAULT_BODY_TIMEOUT_SECONDS,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub body_timeout_seconds: u64,

    /// Most connections open at once; more are closed as they come. Lowered
    /// to what the process may open (`ulimit -n`) less 64.
    #[arg(long, env = "IV_MAX_CONNECTIONS", default_value_t = DEFAULT_MAX_CONNECTIONS,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub max_connections: u64,

    /// Most connections one client address (an IPv6 /64) may hold open; 0
    /// for no such limit, which is right behind a proxy: every connection
    /// then comes from the proxy's address.
    #[arg(long, env = "IV_MAX_CONNECTIONS_PER_ADDRESS",
          default_value_t = DEFAULT_MAX_CONNECTIONS_PER_ADDRESS)]
    pub max_connections_per_address: u64,

    /// Seconds a stop (SIGTERM, Ctrl-C) lets requests in flight finish
    /// before what is left is closed.
    #[arg(long, env = "IV_SHUTDOWN_GRACE_SECONDS",
          default_value_t = DEFAULT_SHUTDOWN_GRACE_SECONDS)]
    pub shutdown_grace_seconds: u64,

    /// Days an Idempotency-Key is remembered, so that a retry within them
    /// gets the registration it first made (clients promise 24 h; the app
    /// retries a queued registration whenever it is online again).
    #[arg(long, env = "IV_IDEMPOTENCY_DAYS", default_value_t = DEFAULT_IDEMPOTENCY_DAYS,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub idempotency_days: u32,

    /// Days the personal data of a registration that never became public
    /// (rejected, or called off before approval) is kept after its last
    /// change, and a sent or given-up e-mail after it left the outbox; then
    /// the server erases it (the hourly clean-up).
    #[arg(long, env = "IV_RETENTION_DAYS", default_value_t = DEFAULT_RETENTION_DAYS,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub retention_days: u32,

    /// Days after an edition's last day that the personal data of its
    /// activities (the contact, the submitter's e-mail) is kept; then the
    /// server erases it.
    #[arg(long, env = "IV_RETENTION_AFTER_WEEK_DAYS",
          default_value_t = DEFAULT_RETENTION_AFTER_WEEK_DAYS,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub retention_after_week_days: u32,
}

/// The sender of e-mail, unless configured.
pub const DEFAULT_MAIL_FROM: &str = "Innovationsveckan <noreply@localhost>";

/// New registrations per client address and hour, unless configured.
pub const DEFAULT_SUBMISSIONS_PER_HOUR: u32 = 30;

/// How long personal data is kept, unless configured: see
/// `IV_RETENTION_DAYS` and `IV_RETENTION_AFTER_WEEK_DAYS`.
pub const DEFAULT_RETENTION_DAYS: u32 = 90;
pub const DEFAULT_RETENTION_AFTER_WEEK_DAYS: u32 = 365;

/// New registrations per IPv6 /48 and hour, unless configured.
pub const DEFAULT_SUBMISSIONS_PER_HOUR_PER_48: u32 = 120;

/// New registrations from everyone together per hour, unless configured: a
/// last-day rush is a few hundred an hour.
pub const DEFAULT_SUBMISSIONS_PER_HOUR_TOTAL: u32 = 1000;

/// The connection limits and the stop's grace period, unless configured
/// (see `IV_HEADER_TIMEOUT_SECONDS` and the others).
pub const DEFAULT_HEADER_TIMEOUT_SECONDS: u64 = 10;
pub const DEFAULT_BODY_TIMEOUT_SECONDS: u64 = 30;
pub const DEFAULT_MAX_CONNECTIONS: u64 = 4096;
pub const DEFAULT_MAX_CONNECTIONS_PER_ADDRESS: u64 = 256;
pub const DEFAULT_SHUTDOWN_GRACE_SECONDS: u64 = 10;

/// Days an Idempotency-Key is remembered, unless configured.
pub const DEFAULT_IDEMPOTENCY_DAYS: u32 = 30;

/// A database address as it may be logged: the password, if any, hidden.
pub fn without_password(url: &str) -> String {
    match (url.split_once("://"), url.rfind('@')) {
        (Some((scheme, rest)), Some(at)) if at > scheme.len() => {
            let credentials = &rest[..at - scheme.len() - 3];
            let user = credentials.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:<hidden>{}", &url[at..])
        }
        _ => url.to_owned(),
    }
}

/// Like the derived one, with the secrets hidden: settings are logged.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("addr", &self.addr)
            .field("data_dir", &self.data_dir)
            .field(
                "database_url",
                &self.database_url.as_deref().map(without_password),
            )
            .field("dist_dir", &self.dist_dir)
            .field("edition_file", &self.edition_file)
            .field("edition_name", &self.edition_name)
            .field("edition_starts_on", &self.edition_starts_on)
            .field("edition_ends_on", &self.edition_ends_on)
            .field("programme_opens_on", &self.programme_opens_on)
            .field("demo_activities", &self.demo_activities)
            .field("hsts", &self.hsts)
            .field(
                "admin_token",
                &self.admin_token.as_ref().map(|_| "<hidden>"),
            )
            .field(
                "admin_tokens",
                &self.admin_tokens.as_ref().map(|_| "<hidden>"),
            )
            .field("admin_tokens_file", &self.admin_tokens_file)
            .field(
                "token_secret",
                &self.token_secret.as_ref().map(|_| "<hidden>"),
            )
            .field("publish_without_review", &self.publish_without_review)
            .field("submissions_per_hour", &self.submissions_per_hour)
            .field(
                "submissions_per_hour_per_48",
                &self.submissions_per_hour_per_48,
            )
            .field(
                "submissions_per_hour_total",
                &self.submissions_per_hour_total,
            )
            .field("smtp_url", &self.smtp_url.as_ref().map(|_| "<hidden>"))
            .field("mail_from", &self.mail_from)
            .field("operator_emails", &self.operator_emails)
            .field("public_url", &self.public_url)
            .field("mail_retry_seconds", &self.mail_retry_seconds)
            .field("header_timeout_seconds", &self.header_timeout_seconds)
            .field("body_timeout_seconds", &self.body_timeout_seconds)
            .field("max_connections", &self.max_connections)
            .field(
                "max_connections_per_address",
                &self.max_connections_per_address,
            )
            .field("shutdown_grace_seconds", &self.shutdown_grace_seconds)
            .field("idempotency_days", &self.idempotency_days)
            .field("retention_days", &self.retention_days)
            .field("retention_after_week_days", &self.retention_after_week_days)
            .finish()
    }
}

impl Config {
    /// Defaults for everything, with the database in `data_dir`: what tests start from.
    pub fn with_data_dir(data_dir: impl Into<PathBuf>) -> Self {
        Config {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir: data_dir.into(),
            database_url: None,
            dist_dir: PathBuf::from("dist"),
            edition_file: None,
            edition_name: None,
            edition_starts_on: None,
            edition_ends_on: None,
            programme_opens_on: None,
            demo_activities: programme::demo::DEMO_ACTIVITY_COUNT,
            hsts: false,
            admin_token: None,
            admin_tokens: None,
            admin_tokens_file: None,
            token_secret: None,
            publish_without_review: false,
            submissions_per_hour: DEFAULT_SUBMISSIONS_PER_HOUR,
            submissions_per_hour_per_48: DEFAULT_SUBMISSIONS_PER_HOUR_PER_48,
            submissions_per_hour_total: DEFAULT_SUBMISSIONS_PER_HOUR_TOTAL,
            smtp_url: None,
            mail_from: DEFAULT_MAIL_FROM.to_owned(),
            operator_emails: None,
            public_url: None,
            mail_retry_seconds: 60,
            header_timeout_seconds: DEFAULT_HEADER_TIMEOUT_SECONDS,
            body_timeout_seconds: DEFAULT_BODY_TIMEOUT_SECONDS,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            max_connections_per_address: DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
            shutdown_grace_seconds: DEFAULT_SHUTDOWN_GRACE_SECONDS,
            idempotency_days: DEFAULT_IDEMPOTENCY_DAYS,
            retention_days: DEFAULT_RETENTION_DAYS,
            retention_after_week_days: DEFAULT_RETENTION_AFTER_WEEK_DAYS,
        }
    }

    /// Whether the database is one several servers may share (PostgreSQL).
    pub fn shares_database(&self) -> bool {
        self.database_url
            .as_deref()
            .is_some_and(crate::storage::postgres::is_address)
    }

    /// The connection limits these settings make.
    pub fn connection_limits(&self) -> crate::serve::Limits {
        let count = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
        crate::serve::Limits {
            header_timeout: std::time::Duration::from_secs(self.header_timeout_seconds),
            max_connections: count(self.max_connections),
            max_per_address: (self.max_connections_per_address > 0)
                .then(|| count(self.max_connections_per_address)),
            grace: std::time::Duration::from_secs(self.shutdown_grace_seconds),
        }
    }

    /// The site's address for links, without a trailing slash.
    pub fn site_url(&self) -> anyhow::Result<String> {
        match &self.public_url {
            Some(url) => {
                let url = url.trim().trim_end_matches('/');
                anyhow::ensure!(
                    (url.starts_with("https://") || url.starts_with("http://"))
                        && url.len() > "https://".len(),
                    "IV_PUBLIC_URL must be the site's address with http:// or https://, \
                     for example https://innovationsveckan.se (it is {url:?})"
                );
                Ok(url.to_owned())
            }
            None => Ok(format!("http://{}", self.addr)),
        }
    }

    /// The operators' addresses (`IV_OPERATOR_EMAILS`); refuses one that is
    /// not an e-mail address.
    pub fn operator_addresses(&self) -> anyhow::Result<Vec<String>> {
        let list = self.operator_emails.as_deref().unwrap_or_default();
        list.split(',')
            .map(str::trim)
            .filter(|address| !address.is_empty())
            .map(|address| {
                address
                    .parse::<lettre::Address>()
                    .map(|_| address.to_owned())
                    .map_err(|e| {
                        anyhow::anyhow!(
                            "IV_OPERATOR_EMAILS holds {address:?}, which is not an e-mail \
                             address ({e}); separate addresses with commas"
                        )
                    })
            })
            .collect()
    }

    /// The configured edition, if the settings name one; `None` means the demo edition.
    /// A lone `programme_opens_on` only moves the demo's opening day.
    pub fn configured_edition(&self) -> anyhow::Result<Option<Edition>> {
        let mut edition = match &self.edition_file {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read IV_EDITION_FILE {}", path.display()))?;
                let edition: Edition = serde_json::from_str(&text).with_context(|| {
                    format!(
                        "IV_EDITION_FILE {} is not an edition: it needs name, year, starts_on, \
                         ends_on and programme_opens_on (dates as YYYY-MM-DD)",
                        path.display()
                    )
                })?;
                Some(edition)
            }
            None => None,
        };
        if let Some(starts_on) = self.edition_starts_on {
            let ends_on = self
                .edition_ends_on
                .unwrap_or(starts_on + chrono::Duration::days(4));
            edition = Some(Edition {
                name: self.edition_name.clone().unwrap_or_else(|| {
                    format!("Innovationsveckan {}", chrono::Datelike::year(&starts_on))
                }),
                year: chrono::Datelike::year(&starts_on),
                starts_on,
                ends_on,
                programme_opens_on: self.programme_opens_on.unwrap_or(starts_on),
            });
        } else if let Some(edition) = edition.as_mut() {
            if let Some(name) = &self.edition_name {
                edition.name.clone_from(name);
            }
            if let Some(opens) = self.programme_opens_on {
                edition.programme_opens_on = opens;
            }
        }
        if let Some(edition) = &edition {
            anyhow::ensure!(
                edition.starts_on <= edition.ends_on,
                "the edition ends ({}) before it starts ({})",
                edition.ends_on,
                edition.starts_on
            );
        }
        Ok(edition)
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[test]
    fn the_secrets_never_show_in_debug_output() {
        let mut config = Config::with_data_dir("data");
        config.admin_token = Some("hemligt-värde".into());
        config.admin_tokens = Some("Anna:hemligt-för-anna".into());
        config.token_secret = Some("hemligt-hemligt-hemligt-hemligt-hemligt".into());
        let printed = format!("{config:?}");
        assert!(!printed.contains("hemligt"), "{printed}");
        assert!(printed.contains("<hidden>"));
    }

    #[test]
    fn the_new_settings_parse_from_flags_with_their_defaults() {
        let config = Config::try_parse_from(["server"]).unwrap();
        assert_eq!(config.submissions_per_hour, DEFAULT_SUBMISSIONS_PER_HOUR);
        assert_eq!(
            config.submissions_per_hour_per_48,
            DEFAULT_SUBMISSIONS_PER_HOUR_PER_48
        );
        assert_eq!(
            config.submissions_per_hour_total,
            DEFAULT_SUBMISSIONS_PER_HOUR_TOTAL
        );
        assert!(!config.publish_without_review);
        assert_eq!(config.retention_days, DEFAULT_RETENTION_DAYS);
        assert_eq!(
            config.retention_after_week_days,
            DEFAULT_RETENTION_AFTER_WEEK_DAYS
        );
        assert!(Config::try_parse_from(["server", "--retention-days", "0"]).is_err());
        let config = Config::try_parse_from([
            "server",
            "--retention-days",
            "30",
            "--retention-after-week-days",
            "400",
            "--publish-without-review",
            "--submissions-per-hour",
            "5",
            "--submissions-per-hour-per-48",
            "6",
            "--submissions-per-hour-total",
            "7",
            "--admin-token",
            "x",
            "--token-secret",
            "y",
            "--admin-tokens",
            "Anna:z",
        ])
        .unwrap();
        assert_eq!(config.token_secret.as_deref(), Some("y"));
        assert_eq!(config.retention_days, 30);
        assert_eq!(config.retention_after_week_days, 400);
        assert_eq!(config.submissions_per_hour, 5);
        assert_eq!(config.submissions_per_hour_per_48, 6);
        assert_eq!(config.submissions_per_hour_total, 7);
        assert!(config.publish_without_review);
        assert_eq!(config.admin_token.as_deref(), Some("x"));
        assert_eq!(config.admin_tokens.as_deref(), Some("Anna:z"));
        assert!(Config::try_parse_from(["server", "--submissions-per-hour", "0"]).is_err());
    }
}
