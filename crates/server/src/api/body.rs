//! Reading JSON request bodies ourselves, so every way a body can be wrong
//! gets our JSON error: 415 (not declared JSON), 413 (too large, also when
//! sent chunked), 400 `malformed_json` (not JSON at all) or 422 `invalid_body`
//! (JSON of the wrong shape, naming the field).

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode, header};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Refuses a body not declared as `application/json` (parameters such as
/// `charset` are fine).
pub fn require_json(headers: &HeaderMap) -> Result<(), ApiError> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"));
    if is_json {
        Ok(())
    } else {
        Err(ApiError::UnsupportedMediaType)
    }
}

/// The body as read under the route's `DefaultBodyLimit` of `limit` bytes,
/// with axum's plain-text rejection turned into our error.
pub fn body_bytes(body: Result<Bytes, BytesRejection>, limit: usize) -> Result<Bytes, ApiError> {
    body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge { limit }
        } else {
            ApiError::UnreadableBody
        }
    })
}

/// Parses a whole body as `T`; the error names the field where it went wrong.
///
/// In two steps, because serde_json reports some shape errors of a body read
/// straight into `T` as syntax errors (a number where an enum's string
/// belongs is "expected value"): first any JSON value, where every error is
/// about syntax, then `T` from that value, where every error is about shape.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|error| ApiError::MalformedJson(error.to_string()))?;
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        ApiError::InvalidBody {
            path,
            detail: error.into_inner().to_string(),
        }
    })
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)] // read only through Debug
    struct Shape {
        name: String,
        items: Vec<Item>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Item {
        count: u8,
    }

    fn error(body: &str) -> ApiError {
        parse_json::<Shape>(body.as_bytes()).unwrap_err()
    }

    #[test]
    fn syntax_errors_are_malformed_and_shape_errors_name_the_field() {
        for body in [
            "",
            "{",
            "{\"name\":",
            r#"{"name":"a","items":[]} x"#,
            "nul",
            "\u{feff}{}",
        ] {
            assert!(
                matches!(error(body), ApiError::MalformedJson(_)),
                "{body:?}"
            );
        }
        assert!(matches!(
            parse_json::<Shape>(b"\xff\xfe").unwrap_err(),
            ApiError::MalformedJson(_)
        ));
        match error(r#"{"name":"a","items":[{"count":1},{"count":"x"}]}"#) {
            ApiError::InvalidBody { path, detail } => {
                assert_eq!(path, "items[1].count");
                assert!(detail.contains("invalid type"), "{detail}");
            }
            other => panic!("{other:?}"),
        }
        match error(r#"{"name":"a","items":[],"colour":1}"#) {
            ApiError::InvalidBody { detail, .. } => assert!(detail.contains("colour"), "{detail}"),
            other => panic!("{other:?}"),
        }
        match error(r#"{"items":[]}"#) {
            ApiError::InvalidBody { detail, .. } => assert!(detail.contains("name"), "{detail}"),
            other => panic!("{other:?}"),
        }
        match error(r#"{"name":"a","items":[{"count":[]}]}"#) {
            ApiError::InvalidBody { path, .. } => assert_eq!(path, "items[0].count"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(error("[]"), ApiError::InvalidBody { .. }));
        assert!(matches!(error("\"x\""), ApiError::InvalidBody { .. }));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let body = format!("{{\"name\":\"a\",\"items\":{}", "[".repeat(100_000));
        assert!(parse_json::<Shape>(body.as_bytes()).is_err());
    }

    #[test]
    fn json_with_parameters_is_json() {
        let with = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::CONTENT_TYPE, value.parse().unwrap());
            require_json(&headers).is_ok()
        };
        assert!(with("application/json"));
        assert!(with("Application/JSON; charset=utf-8"));
        assert!(!with("text/plain"));
        assert!(!with("application/jsonx"));
        assert!(!with("multipart/form-data; boundary=application/json"));
        assert!(require_json(&HeaderMap::new()).is_err());
    }
}
