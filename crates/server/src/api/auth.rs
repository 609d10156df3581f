//! Who is asking: bearer tokens (an operator's admin token, an organiser's
//! edit token) and the client's address for the rate limit.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::error::ApiError;
use crate::rate_limit::ClientKey;

/// The token of an `Authorization: Bearer <token>` header, if there is one.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Whether two secrets are equal, in time that does not depend on where they
/// differ: the SHA-256 digests are compared, all 32 bytes every time.
pub fn secrets_match(given: &str, expected: &str) -> bool {
    let given = Sha256::digest(given.as_bytes());
    let expected = Sha256::digest(expected.as_bytes());
    given
        .iter()
        .zip(expected.iter())
        .fold(0u8, |difference, (a, b)| difference | (a ^ b))
        == 0
}

/// Proof that the request carries an operator's token (see
/// [`crate::operators`]), and whose. As an extractor it runs before the
/// path or body is looked at, so a request without it learns nothing (401,
/// whatever it asks for). Wrong tokens are counted per client address, and
/// an address that sent too many gets 429 for a while, whatever token it
/// sends (see [`crate::wrong_tokens`]).
#[derive(Debug, Clone)]
pub struct Admin {
    /// The operator's name, as the audit records it.
    pub name: String,
}

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let ClientAddr(addr) = ClientAddr::from_request_parts(parts, state)
            .await
            .unwrap_or_else(|never| match never {});
        let given = bearer_token(&parts.headers).ok_or(ApiError::Unauthorized)?;
        let client = ClientKey::from(addr);
        let limited = |retry_after| ApiError::TooManyWrongTokens { retry_after };
        state.wrong_tokens().check(client).map_err(limited)?;
        match state.operators().identify(given) {
            Some(name) => {
                tracing::debug!(operator = %name, "an operator's request");
                Ok(Admin {
                    name: name.to_owned(),
                })
            }
            None => {
                if let Err(retry_after) = state.wrong_tokens().count(client) {
                    tracing::warn!(
                        client = ?addr,
                        "too many wrong operator tokens: the address waits {retry_after} s"
                    );
                    return Err(limited(retry_after));
                }
                Err(ApiError::Unauthorized)
            }
        }
    }
}

/// The client's IP address, when the server was started with connection
/// info (see [`crate::start`]); `None` in-process. Behind a reverse proxy
/// this is the proxy's address: forwarded headers are not trusted.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let addr = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|info| info.0.ip());
        Ok(ClientAddr(addr))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_bearer_header_with_a_token_counts() {
        let with = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::AUTHORIZATION, value.parse().unwrap());
            bearer_token(&headers).map(str::to_owned)
        };
        assert_eq!(with("Bearer abc").as_deref(), Some("abc"));
        assert_eq!(with("bearer  abc ").as_deref(), Some("abc"));
        assert_eq!(with("Basic abc"), None);
        assert_eq!(with("Bearer "), None);
        assert_eq!(with("Bearerabc"), None);
        assert_eq!(bearer_token(&HeaderMap::new()), None);
    }

    #[test]
    fn secrets_match_only_when_equal() {
        assert!(secrets_match("hemlig", "hemlig"));
        assert!(!secrets_match("hemlig", "hemlig2"));
        assert!(!secrets_match("", "hemlig"));
    }
}
