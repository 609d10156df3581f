//! Serving the built web app from `dist/`: files by name, precompressed (`.br`,
//! `.gz`) when the browser accepts that; for every other path the page of the
//! app it belongs to (`anmal.html` for the registration's paths, `admin.html`
//! for the operators', `mitt-program.html`, `om.html` for the information
//! pages, `index.html` for the rest), so deep links work on reload. Hashed build files are cached for a year; the
//! app shell is revalidated on every visit (`no-cache` with an ETag).

use std::path::Path;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tower_http::services::ServeDir;

use crate::http::Precompressed;

/// `Cache-Control` of files whose name carries their content hash.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The apps' pages (`index.html`, `anmal.html`, `admin.html`,
/// `mitt-program.html`, `om.html`) and their compressed forms, read once at
/// start.
#[derive(Debug, Clone)]
pub struct AppShell {
    /// The programme's page, or `None` when the app has not been built.
    programme: Option<Precompressed>,
    /// The registration's page; without it, the programme's serves.
    registration: Option<Precompressed>,
    /// The operators' page (`admin.html`), for `/admin…`.
    admin: Option<Precompressed>,
    /// Mitt program's page (`mitt-program.html`), for `/mitt-program`.
    my_programme: Option<Precompressed>,
    /// The information app's page (`om.html`), for `/om`, `/statistik` …
    info: Option<Precompressed>,
}

impl AppShell {
    /// Reads the pages (and `.br` / `.gz` beside them, when there) from `dist`.
    pub fn load(dist: &Path) -> Self {
        let read = |name: &str| std::fs::read(dist.join(name)).ok().map(Bytes::from);
        let page = |name: &str| {
            read(name).map(|html| {
                Precompressed::plain(html, "text/html; charset=utf-8")
                    .with_copies(read(&format!("{name}.br")), read(&format!("{name}.gz")))
            })
        };
        AppShell {
            programme: page("index.html"),
            registration: page("anmal.html"),
            admin: page("admin.html"),
            my_programme: page("mitt-program.html"),
            info: page("om.html"),
        }
    }

    /// Every page's HTML, for reading their inline scripts.
    pub fn html(&self) -> String {
        [
            &self.programme,
            &self.registration,
            &self.admin,
            &self.my_programme,
            &self.info,
        ]
        .into_iter()
        .flatten()
        .filter_map(|page| std::str::from_utf8(&page.identity).ok())
        .collect()
    }

    /// The page that serves a path.
    fn page_for(&self, path: &str) -> Option<&Precompressed> {
        if programme::is_admin_path(path) {
            self.admin.as_ref().or(self.programme.as_ref())
        } else if programme::is_registration_path(path) {
            self.registration.as_ref().or(self.programme.as_ref())
        } else if programme::is_my_programme_path(path) {
            self.my_programme.as_ref().or(self.programme.as_ref())
        } else if programme::is_info_path(path) {
            self.info.as_ref().or(self.programme.as_ref())
        } else {
            self.programme.as_ref()
        }
    }
}

/// Whether the request path names a build file with a content hash, as Trunk
/// names them: `name-0123456789abcdef.js`, `name-0123456789abcdef_bg.wasm`.
/// Trunk writes the 64-bit hash without leading zeros, so it can be shorter.
pub fn is_hashed_asset(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or_default();
    let Some((stem, _extension)) = file.split_once('.') else {
        return false; // a page's address, not a file
    };
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(name, hash)| {
        !name.is_empty()
            && (12..=16).contains(&hash.len())
            && hash.bytes().all(|b| b.is_ascii_hexdigit())
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
    let Some(html) = shell.page_for(uri.path()) else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            "<!DOCTYPE html><html lang=\"sv\"><meta charset=\"utf-8\"><title>Innovationsveckan</title>\
             <h1>Webbappen är inte byggd</h1><p>Servern svarar på API:et under /api, men appen \
             saknas. Bygg den med <code>scripts/build-app.sh</code>.</p></html>",
        )
            .into_response();
    };
    html.respond(&headers)
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
        assert!(
            is_hashed_asset("/main-1476b94f609d398.css"),
            "a hash with a leading zero dropped"
        );
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/favicon.svg"));
        assert!(!is_hashed_asset(
            "/aktivitet/c76ed586-75fe-449f-ab3c-45eed9eed68b"
        ));
        assert!(!is_hashed_asset("/-3a9a4312004f2e8d.js"));
    }
}
