//! Who may use the admin API: named operators, each with a token of their
//! own, from `IV_ADMIN_TOKENS` (`name:token,name2:token2`), from the file
//! `IV_ADMIN_TOKENS_FILE` (one `name:token` a line, `#` starts a comment
//! line) and from `IV_ADMIN_TOKEN` (one operator named [`SINGLE_OPERATOR`]).
//! All three may be used at once. Start-up refuses a token shorter than
//! [`TOKEN_MIN_CHARS`], an empty name, and a name or a token given twice.

use std::path::Path;

use anyhow::Context;
use sha2::{Digest, Sha256};

use crate::Config;

/// The shortest operator token accepted, in characters.
pub const TOKEN_MIN_CHARS: usize = 32;

/// The name of the operator whose token is `IV_ADMIN_TOKEN`: the audit says
/// who decided, and with one token that is "the operator".
pub const SINGLE_OPERATOR: &str = "operatör";

/// The configured operators. Only the SHA-256 digests of their tokens are
/// kept, so a token is compared in the same time wherever it differs.
#[derive(Clone, Default)]
pub struct Operators {
    operators: Vec<Operator>,
}

#[derive(Clone)]
struct Operator {
    name: String,
    digest: [u8; 32],
}

/// The names show, the tokens never do.
impl std::fmt::Debug for Operators {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.operators.iter().map(|o| &o.name))
            .finish()
    }
}

/// One `name:token` entry as read, with where it came from for the messages.
struct Entry {
    name: String,
    token: String,
    source: String,
}

impl Operators {
    /// The operators of the settings, or a message naming the variable whose
    /// entry is wrong. None configured is fine: then the admin API refuses
    /// everyone.
    pub fn from_config(config: &Config) -> anyhow::Result<Self> {
        let mut entries = Vec::new();
        // Empty is unset, as it always was.
        if let Some(token) = config.admin_token.as_ref().filter(|t| !t.is_empty()) {
            entries.push(Entry {
                name: SINGLE_OPERATOR.to_owned(),
                token: token.clone(),
                source: "IV_ADMIN_TOKEN".to_owned(),
            });
        }
        if let Some(list) = &config.admin_tokens {
            let pieces = list.split(',').enumerate();
            for (index, piece) in pieces.filter(|(_, p)| !p.trim().is_empty()) {
                entries.push(entry(
                    piece,
                    format!("IV_ADMIN_TOKENS (entry {})", index + 1),
                )?);
            }
        }
        if let Some(path) = &config.admin_tokens_file {
            entries.extend(entries_of_file(path)?);
        }
        Self::from_entries(entries)
    }

    fn from_entries(entries: Vec<Entry>) -> anyhow::Result<Self> {
        let mut operators: Vec<Operator> = Vec::with_capacity(entries.len());
        for Entry {
            name,
            token,
            source,
        } in entries
        {
            anyhow::ensure!(
                !name.is_empty(),
                "{source}: an operator needs a name before the colon (name:token)"
            );
            anyhow::ensure!(
                token.chars().count() >= TOKEN_MIN_CHARS,
                "{source}: the token of {name} is too short: it needs at least \
                 {TOKEN_MIN_CHARS} characters (for example the 64 hex characters of \
                 `openssl rand -hex 32`)"
            );
            anyhow::ensure!(
                operators.iter().all(|o| o.name != name),
                "{source}: the operator name {name} is given twice: each operator needs a name \
                 of their own, so the audit can tell them apart"
            );
            let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
            anyhow::ensure!(
                operators.iter().all(|o| o.digest != digest),
                "{source}: the token of {name} is also another operator's: each operator needs \
                 a token of their own"
            );
            operators.push(Operator { name, digest });
        }
        Ok(Operators { operators })
    }

    /// The name of the operator whose token `given` is. Every configured
    /// token is compared, all 32 bytes of each digest, whichever matches: the
    /// time taken says neither whether nor which one did.
    pub fn identify(&self, given: &str) -> Option<&str> {
        let given: [u8; 32] = Sha256::digest(given.as_bytes()).into();
        let mut found = None;
        for operator in &self.operators {
            let difference = given
                .iter()
                .zip(operator.digest.iter())
                .fold(0u8, |difference, (a, b)| difference | (a ^ b));
            if difference == 0 {
                found = Some(operator.name.as_str());
            }
        }
        found
    }

    /// Whether no operator is configured.
    pub fn is_empty(&self) -> bool {
        self.operators.is_empty()
    }

    /// The operators' names, in the order configured.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.operators.iter().map(|o| o.name.as_str())
    }
}

/// `name:token`, split at the first colon (a token may hold colons, a name
/// may not), both trimmed.
fn entry(text: &str, source: String) -> anyhow::Result<Entry> {
    let (name, token) = text
        .split_once(':')
        .with_context(|| format!("{source} is not of the form name:token"))?;
    Ok(Entry {
        name: name.trim().to_owned(),
        token: token.trim().to_owned(),
        source,
    })
}

fn entries_of_file(path: &Path) -> anyhow::Result<Vec<Entry>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read IV_ADMIN_TOKENS_FILE {}", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, line)| {
            let line = line.trim();
            !line.is_empty() && !line.starts_with('#')
        })
        .map(|(index, line)| {
            let source = format!("IV_ADMIN_TOKENS_FILE {} line {}", path.display(), index + 1);
            entry(line, source)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANNA: &str = "anna-har-en-nyckel-med-minst-32-tecken";
    const BO: &str = "bo-har-en-annan-nyckel-med-32-tecken-eller-fler";

    fn config(configure: impl FnOnce(&mut Config)) -> Config {
        let mut config = Config::with_data_dir("unused");
        configure(&mut config);
        config
    }

    fn refusal(configure: impl FnOnce(&mut Config)) -> String {
        Operators::from_config(&config(configure))
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn named_tokens_from_the_list_the_file_and_the_single_token_all_count() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("operators");
        std::fs::write(
            &file,
            format!("# Operatörerna\n\n  Cecilia : {}\n", "c".repeat(40)),
        )
        .unwrap();
        let operators = Operators::from_config(&config(|c| {
            c.admin_token = Some("e".repeat(32));
            c.admin_tokens = Some(format!("Anna:{ANNA}, Bo:{BO},"));
            c.admin_tokens_file = Some(file);
        }))
        .unwrap();
        let names: Vec<_> = operators.names().collect();
        assert_eq!(names, [SINGLE_OPERATOR, "Anna", "Bo", "Cecilia"]);
        assert_eq!(operators.identify(ANNA), Some("Anna"));
        assert_eq!(operators.identify(BO), Some("Bo"));
        assert_eq!(operators.identify(&"c".repeat(40)), Some("Cecilia"));
        assert_eq!(operators.identify(&"e".repeat(32)), Some(SINGLE_OPERATOR));
        assert_eq!(operators.identify("Anna"), None);
        assert_eq!(operators.identify(""), None);
        assert!(Operators::from_config(&config(|_| {})).unwrap().is_empty());
    }

    #[test]
    fn a_token_may_hold_colons_and_the_tokens_never_show_in_debug_output() {
        let token = format!("{ANNA}:med:kolon");
        let operators = Operators::from_config(&config(|c| {
            c.admin_tokens = Some(format!("Anna:{token}"));
        }))
        .unwrap();
        assert_eq!(operators.identify(&token), Some("Anna"));
        let printed = format!("{operators:?}");
        assert!(
            printed.contains("Anna") && !printed.contains("nyckel"),
            "{printed}"
        );
    }

    #[test]
    fn a_token_shorter_than_32_characters_is_refused_naming_its_variable() {
        let short = "å".repeat(TOKEN_MIN_CHARS - 1);
        let error = refusal(|c| c.admin_token = Some(short.clone()));
        assert!(error.contains("IV_ADMIN_TOKEN:"), "{error}");
        assert!(error.contains("too short"), "{error}");
        let error = refusal(|c| c.admin_tokens = Some(format!("Anna:{ANNA},Bo:{short}")));
        assert!(error.contains("IV_ADMIN_TOKENS (entry 2)"), "{error}");
        assert!(error.contains("too short"), "{error}");
        // 32 characters of two bytes each are enough.
        let enough = "å".repeat(TOKEN_MIN_CHARS);
        assert!(Operators::from_config(&config(|c| c.admin_token = Some(enough))).is_ok());
    }

    #[test]
    fn an_empty_name_or_an_entry_without_a_colon_is_refused() {
        let error = refusal(|c| c.admin_tokens = Some(format!(" :{ANNA}")));
        assert!(
            error.contains("IV_ADMIN_TOKENS") && error.contains("name"),
            "{error}"
        );
        let error = refusal(|c| c.admin_tokens = Some(ANNA.to_owned()));
        assert!(error.contains("name:token"), "{error}");
    }

    #[test]
    fn a_name_or_a_token_given_twice_is_refused() {
        let error = refusal(|c| c.admin_tokens = Some(format!("Anna:{ANNA},Anna:{BO}")));
        assert!(error.contains("Anna is given twice"), "{error}");
        let error = refusal(|c| c.admin_tokens = Some(format!("Anna:{ANNA},Bo:{ANNA}")));
        assert!(error.contains("also another operator's"), "{error}");
        // Across the variables too.
        let error = refusal(|c| {
            c.admin_token = Some(ANNA.to_owned());
            c.admin_tokens = Some(format!("Anna:{ANNA}"));
        });
        assert!(error.contains("also another operator's"), "{error}");
    }

    #[test]
    fn a_file_entry_is_refused_naming_the_file_and_line_and_a_missing_file_too() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("operators");
        std::fs::write(&file, format!("# kommentar\nAnna:{ANNA}\nBo:kort\n")).unwrap();
        let error = refusal(|c| c.admin_tokens_file = Some(file.clone()));
        assert!(error.contains("IV_ADMIN_TOKENS_FILE"), "{error}");
        assert!(error.contains("line 3"), "{error}");
        let error = refusal(|c| c.admin_tokens_file = Some(dir.path().join("finns-inte")));
        assert!(
            error.contains("cannot read IV_ADMIN_TOKENS_FILE"),
            "{error}"
        );
    }
}
