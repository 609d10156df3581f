//! HTTP pieces shared by the API and the web app: ETags, content negotiation,
//! and documents kept in memory with their compressed copies.

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// A document held in memory with its ETag and, where made, its brotli and gzip
/// copies, answered with 304 when the client has it and otherwise in the best
/// encoding the client takes. Always revalidated (`no-cache`): it may change.
#[derive(Debug, Clone)]
pub struct Precompressed {
    pub identity: Bytes,
    pub brotli: Option<Bytes>,
    pub gzip: Option<Bytes>,
    pub etag: String,
    content_type: &'static str,
}

impl Precompressed {
    /// A document without compressed copies (the compression layer may still
    /// compress it on the way out).
    pub fn plain(identity: impl Into<Bytes>, content_type: &'static str) -> Self {
        let identity = identity.into();
        Precompressed {
            etag: etag_of(&identity),
            identity,
            brotli: None,
            gzip: None,
            content_type,
        }
    }

    /// A document compressed now, once, with brotli and gzip.
    pub fn compressed(identity: impl Into<Bytes>, content_type: &'static str) -> Self {
        let document = Self::plain(identity, content_type);
        let brotli = Bytes::from(brotli(&document.identity));
        let gzip = Bytes::from(gzip(&document.identity));
        document.with_copies(Some(brotli), Some(gzip))
    }

    /// The same document with compressed copies made elsewhere (at build time).
    pub fn with_copies(self, brotli: Option<Bytes>, gzip: Option<Bytes>) -> Self {
        Precompressed {
            brotli,
            gzip,
            ..self
        }
    }

    /// The same document under an ETag derived elsewhere (one that can be
    /// known before the document is made).
    pub fn with_etag(self, etag: String) -> Self {
        Precompressed { etag, ..self }
    }

    /// The answer to a GET with these request headers.
    pub fn respond(&self, headers: &HeaderMap) -> Response {
        if etag_matches(headers, &self.etag) {
            return not_modified(&self.etag);
        }
        let common = revalidated(&self.etag);
        let (body, encoding) = match (&self.brotli, &self.gzip) {
            (Some(br), _) if accepts(headers, "br") => (br.clone(), Some("br")),
            (_, Some(gz)) if accepts(headers, "gzip") => (gz.clone(), Some("gzip")),
            _ => (self.identity.clone(), None),
        };
        let mut response = (
            common,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static(self.content_type),
            )],
            body,
        )
            .into_response();
        if let Some(encoding) = encoding {
            // The compression layer leaves a response with a Content-Encoding alone.
            response
                .headers_mut()
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
        }
        response
    }
}

/// The headers of every answer of a [`Precompressed`] document.
fn revalidated(etag: &str) -> [(header::HeaderName, HeaderValue); 3] {
    [
        (
            header::ETAG,
            HeaderValue::from_str(etag).expect("an ETag is plain ASCII"),
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        (header::VARY, HeaderValue::from_static("accept-encoding")),
    ]
}

/// 304 for a document the client has under this ETag.
pub fn not_modified(etag: &str) -> Response {
    (StatusCode::NOT_MODIFIED, revalidated(etag)).into_response()
}

/// Whether the request's If-None-Match names this ETag (or `*`), compared
/// weakly as RFC 9110 asks for If-None-Match.
pub fn etag_matches(headers: &HeaderMap, etag: &str) -> bool {
    let ours = etag.trim_start_matches("W/");
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == ours || tag == "*")
}

/// Whether the request's Accept-Encoding takes this encoding: named (or `*`)
/// with a quality above zero.
pub fn accepts(headers: &HeaderMap, encoding: &str) -> bool {
    let mut named = None;
    let mut any = None;
    for item in headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
    {
        let mut parts = item.split(';');
        let name = parts.next().unwrap_or_default().trim();
        let quality = parts
            .filter_map(|p| p.split_once('='))
            .find(|(key, _)| key.trim().eq_ignore_ascii_case("q"))
            .map_or(1.0, |(_, q)| q.trim().parse::<f32>().unwrap_or(0.0));
        if name.eq_ignore_ascii_case(encoding) {
            named = Some(quality);
        } else if name == "*" {
            any = Some(quality);
        }
    }
    named.or(any).is_some_and(|q| q > 0.0)
}

/// A weak ETag from the body's 64-bit FNV-1a hash: the same bytes give the same
/// tag on every server, so several servers behind a load balancer agree. Weak,
/// because the same content is also sent brotli- or gzip-compressed.
pub fn etag_of(body: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in body {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("W/\"{hash:016x}-{:x}\"", body.len())
}

/// Quality 9 rather than 11: within a few per cent of the smallest, in a fraction
/// of the time, which matters because the list is compressed again on every change.
fn brotli(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() / 8);
    let params = brotli::enc::BrotliEncoderParams {
        quality: 9,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &data[..], &mut out, &params)
        .expect("compressing into memory cannot fail");
    out
}

fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder
        .write_all(data)
        .and_then(|()| encoder.finish())
        .expect("compressing into memory cannot fail")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_encoding_with_q_zero_is_refused() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_static("gzip, br;q=0"),
        );
        assert!(accepts(&headers, "gzip"));
        assert!(!accepts(&headers, "br"));
    }
}
