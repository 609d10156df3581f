//! Serving the built web app from `dist/`: files by name, precompressed (`.br`,
//! `.gz`) when the browser accepts that; `index.html` for every other path, so
//! deep links work on reload. Hashed build files are cached for a year; the
//! app shell is revalidated on every visit (`no-cache` with an ETag).

use std::path::Path;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tower_http::services::ServeDir;

use crate::published::etag_of;

/// `Cache-Control` of files whose name carries their content hash.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// `index.html` and its compressed forms, read once at start.
#[derive(Debug, Clone)]
pub struct AppShell {
    /// The HTML, or `None` when the app has not been built.
    html: Option<Bytes>,
    brotli: Option<Bytes>,
    gzip: Option<Bytes>,
    etag: String,
}

impl AppShell {
    /// Reads `index.html` (and `.br` / `.gz` beside it, when there) from `dist`.
    pub fn load(dist: &Path) -> Self {
        let read = |name: &str| std::fs::read(dist.join(name)).ok().map(Bytes::from);
        let html = read("index.html");
        let etag = etag_of(html.as_deref().unwrap_or_default());
        AppShell {
            brotli: html.as_ref().and(read("index.html.br")),
            gzip: html.as_ref().and(read("index.html.gz")),
            html,
            etag,
        }
    }

    /// The HTML as text, for reading its inline scripts.
    pub fn html(&self) -> &str {
        self.html
            .as_deref()
            .and_then(|html| std::str::from_utf8(html).ok())
            .unwrap_or_default()
    }
}

/// Whether the request path names a build file with a content hash, as Trunk
/// names them: `name-0123456789abcdef.js`, `name-0123456789abcdef_bg.wasm`.
pub fn is_hashed_asset(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or_default();
    let stem = file.split('.').next().unwrap_or_default();
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(name, hash)| {
        !name.is_empty() && hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

/// The web app's routes: static files, and the app shell for everything else.
pub fn router(dist: &Path, shell: AppShell) -> Router {
    let files = ServeDir::new(dist)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(false)
        .fallback(axum::routing::get(serve_shell).with_state(shell));
    Router::new()
        .fallback_service(files)
        .layer(middleware::from_fn(cache_headers))
}

async fn cache_headers(request: Request, next: Next) -> Response {
    let immutable = is_hashed_asset(request.uri().path());
    let mut response = next.run(request).await;
    if !response.headers().contains_key(header::CACHE_CONTROL) {
        // A 304 refreshes the stored headers: it must keep saying immutable.
        let status = response.status();
        let value = if immutable && (status.is_success() || status == StatusCode::NOT_MODIFIED) {
            IMMUTABLE
        } else {
            "no-cache"
        };
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    response
}

/// Whether the request's Accept-Encoding takes this encoding: named (or `*`)
/// with a quality above zero.
pub(crate) fn accepts(headers: &HeaderMap, encoding: &str) -> bool {
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

/// The app shell, for `/` and every deep link. A missing *file* (a name with an
/// extension, say a build file of an older deployment) is a 404 instead: the
/// shell under that name would be cached as if it were the file.
async fn serve_shell(
    State(shell): State<AppShell>,
    uri: axum::http::Uri,
    headers: HeaderMap,
) -> Response {
    let last_segment = uri.path().rsplit('/').next().unwrap_or_default();
    if last_segment.contains('.') {
        return (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "Filen finns inte.",
        )
            .into_response();
    }
    let Some(html) = shell.html.clone() else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            "<!DOCTYPE html><html lang=\"sv\"><meta charset=\"utf-8\"><title>Innovationsveckan</title>\
             <h1>Webbappen är inte byggd</h1><p>Servern svarar på API:et under /api, men appen \
             saknas. Bygg den med <code>scripts/build-app.sh</code>.</p></html>",
        )
            .into_response();
    };
    let etag = HeaderValue::from_str(&shell.etag).expect("an ETag is plain ASCII");
    if crate::api::etag_matches(&headers, &shell.etag) {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    let (body, encoding) = match (&shell.brotli, &shell.gzip) {
        (Some(br), _) if accepts(&headers, "br") => (br.clone(), Some("br")),
        (_, Some(gz)) if accepts(&headers, "gzip") => (gz.clone(), Some("gzip")),
        _ => (html, None),
    };
    let mut response = (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (header::ETAG, etag),
            (header::VARY, HeaderValue::from_static("accept-encoding")),
        ],
        body,
    )
        .into_response();
    if let Some(encoding) = encoding {
        response
            .headers_mut()
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trunk_build_names_are_recognised_as_hashed() {
        assert!(is_hashed_asset("/innovationsveckan-3a9a4312004f2e8d.js"));
        assert!(is_hashed_asset(
            "/innovationsveckan-3a9a4312004f2e8d_bg.wasm"
        ));
        assert!(is_hashed_asset("/main-65939adda9541ab5.css"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/favicon.svg"));
        assert!(!is_hashed_asset(
            "/aktivitet/c76ed586-75fe-449f-ab3c-45eed9eed68b"
        ));
        assert!(!is_hashed_asset("/-3a9a4312004f2e8d.js"));
    }

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
