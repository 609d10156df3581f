//! The organiser's edit token: `hex(HMAC-SHA256(secret, "edit-token:v1:" + id))`,
//! 64 hex characters. It is derived, not stored: whoever holds the database
//! without the secret holds no edit link.
//!
//! The secret is `IV_TOKEN_SECRET`, or else the file `token-secret` in the data
//! folder, made with 32 random bytes on the first start (readable by the
//! server's user only). The same secret gives the same links after a restart;
//! a new secret makes every link sent so far stop working.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::api::secrets_match;

/// The shortest secret accepted, in characters.
pub const SECRET_MIN_CHARS: usize = 32;

/// The file in the data folder that holds a generated secret.
pub const SECRET_FILE: &str = "token-secret";

/// What a token is derived from besides the id; a new version of the
/// derivation gets a new prefix, so old and new tokens never collide.
const PURPOSE: &str = "edit-token:v1:";

/// Makes and checks edit tokens with the server's secret.
#[derive(Clone)]
pub struct EditTokens {
    /// HMAC-SHA256 keyed with the secret once; each token starts from a copy.
    mac: Hmac<Sha256>,
}

/// The secret never shows, not even in debug output.
impl std::fmt::Debug for EditTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EditTokens(<hidden>)")
    }
}

impl EditTokens {
    /// The configured secret (`IV_TOKEN_SECRET`), or the one in the data folder,
    /// made there if there is none yet. Refuses a secret shorter than
    /// [`SECRET_MIN_CHARS`] with a message that says what to do.
    pub fn load(configured: Option<&str>, data_dir: &Path) -> anyhow::Result<Self> {
        let secret = match configured {
            Some(secret) => {
                anyhow::ensure!(
                    secret.chars().count() >= SECRET_MIN_CHARS,
                    "IV_TOKEN_SECRET is too short: it needs at least {SECRET_MIN_CHARS} characters \
                     (for example the 64 hex characters of `openssl rand -hex 32`)"
                );
                secret.to_owned()
            }
            None => secret_from_file(data_dir)?,
        };
        Self::with_key(secret.as_bytes())
    }

    fn with_key(key: &[u8]) -> anyhow::Result<Self> {
        let mac = Hmac::<Sha256>::new_from_slice(key)
            .map_err(|e| anyhow::anyhow!("the token secret cannot key HMAC-SHA256: {e}"))?;
        Ok(EditTokens { mac })
    }

    /// The edit token of an activity.
    pub fn edit_token(&self, activity_id: &str) -> String {
        self.sign(&format!("{PURPOSE}{activity_id}"))
    }

    fn sign(&self, message: &str) -> String {
        let mut mac = self.mac.clone();
        mac.update(message.as_bytes());
        crate::hex(&mac.finalize().into_bytes())
    }

    /// Whether `given` is the edit token of the activity, compared in constant time.
    pub fn verifies(&self, activity_id: &str, given: &str) -> bool {
        secrets_match(given, &self.edit_token(activity_id))
    }
}

/// The secret in `data_dir/token-secret`, made with 32 random bytes if the
/// file does not exist.
fn secret_from_file(data_dir: &Path) -> anyhow::Result<String> {
    let path = data_dir.join(SECRET_FILE);
    std::fs::create_dir_all(data_dir).with_context(|| {
        format!(
            "cannot create the data folder {} (IV_DATA_DIR)",
            data_dir.display()
        )
    })?;
    if !path.exists() {
        create_secret_file(data_dir, &path)?;
    }
    let unusable = || {
        format!(
            "the token secret in {} cannot be read or is shorter than {SECRET_MIN_CHARS} characters: \
             restore the file from a backup, or set IV_TOKEN_SECRET, or delete the file to make a \
             new secret (then every edit link sent so far stops working)",
            path.display()
        )
    };
    let text = std::fs::read_to_string(&path).with_context(unusable)?;
    let secret = text.trim();
    if secret.chars().count() < SECRET_MIN_CHARS {
        anyhow::bail!(unusable());
    }
    warn_if_others_can_read(&path);
    Ok(secret.to_owned())
}

/// Writes a new secret to a file of its own and links it into place, so a
/// second server starting at the same moment reads either no file or a whole
/// one, never half of it; whoever links second reads the first one's secret.
fn create_secret_file(data_dir: &Path, path: &Path) -> anyhow::Result<()> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| {
        anyhow::anyhow!("the system gave no random bytes for the token secret: {e}")
    })?;
    let staged = data_dir.join(format!(".{SECRET_FILE}-{}", uuid::Uuid::new_v4().simple()));
    let cannot_write = || {
        format!(
            "cannot write the token secret to {} (IV_DATA_DIR): is the folder writable?",
            data_dir.display()
        )
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let written = options.open(&staged).and_then(|mut file| {
        writeln!(file, "{}", crate::hex(&bytes))?;
        file.sync_all()
    });
    let linked = written.and_then(|()| match std::fs::hard_link(&staged, path) {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        other => other,
    });
    let _ = std::fs::remove_file(&staged);
    linked.with_context(cannot_write)?;
    tracing::info!(
        "made a new token secret for edit links in {}",
        path.display()
    );
    Ok(())
}

#[cfg(unix)]
fn warn_if_others_can_read(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(metadata) = std::fs::metadata(path)
        && metadata.permissions().mode() & 0o077 != 0
    {
        tracing::warn!(
            "{} can be read by other users than the server's: make it readable by the owner \
             only (chmod 600)",
            path.display()
        );
    }
}

#[cfg(not(unix))]
fn warn_if_others_can_read(_path: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_sha256_matches_rfc_4231() {
        // Test case 2 of RFC 4231.
        assert_eq!(
            EditTokens::with_key(b"Jefe")
                .unwrap()
                .sign("what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn a_token_is_64_hex_characters_bound_to_its_activity_and_secret() {
        let tokens = EditTokens::load(Some(&"s".repeat(32)), Path::new("unused")).unwrap();
        let token = tokens.edit_token("a");
        assert_eq!(token.len(), 64);
        assert!(token.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(token, tokens.edit_token("a"));
        assert_ne!(token, tokens.edit_token("b"));
        assert!(tokens.verifies("a", &token));
        assert!(!tokens.verifies("b", &token));
        let other = EditTokens::load(Some(&"t".repeat(32)), Path::new("unused")).unwrap();
        assert_ne!(token, other.edit_token("a"));
    }

    #[test]
    fn a_short_configured_secret_is_refused_and_the_secret_never_shows() {
        let error = EditTokens::load(Some(&"s".repeat(31)), Path::new("unused")).unwrap_err();
        assert!(error.to_string().contains("IV_TOKEN_SECRET"), "{error}");
        let tokens = EditTokens::load(Some("hemligt-hemligt-hemligt-hemligt!"), Path::new("x"));
        let printed = format!("{:?}", tokens.unwrap());
        assert!(!printed.contains("hemligt"), "{printed}");
    }

    #[test]
    fn a_generated_secret_is_kept_in_a_private_file_and_read_again() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let first = EditTokens::load(None, &data).unwrap();
        let path = data.join(SECRET_FILE);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.trim().len(), 64, "32 bytes as hex");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let again = EditTokens::load(None, &data).unwrap();
        assert_eq!(first.edit_token("a"), again.edit_token("a"));
        let files: Vec<_> = std::fs::read_dir(&data).unwrap().collect();
        assert_eq!(files.len(), 1, "no staged file is left behind");

        std::fs::write(&path, "för kort\n").unwrap();
        let error = EditTokens::load(None, &data).unwrap_err();
        assert!(error.to_string().contains("token-secret"), "{error}");
    }
}
