//! Serving the built web app from `dist/`: files by name, precompressed (`.br`,
//! `.gz`) when the browser accepts that; for every other path the page of the
//! app it belongs to (`anmal.html` for the registration's paths, `admin.html`
//! for the operators', `mitt-program.html`, `om.html` for the information
//! pages, `index.html` for the rest), so deep links work on reload. Hashed build files are cached for a year; the
//! app shell is revalidated on every visit (`no-cache` with an ETag).

use std::path::Path;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use innovationsveckan::api::ProgrammeData;
use innovationsveckan::{Part, Site, ssr};
use programme::ProgrammeFilter;
use tower_http::services::ServeDir;

use crate::AppState;
use crate::http::Precompressed;
use crate::published::{Published, RenderedPage};

/// `Cache-Control` of files whose name carries their content hash.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// A built app's page (`index.html` …), cut where the server puts what it
/// renders: the page's own title and tags before the head's end, its first
/// screen inside the app's (empty) element.
#[derive(Debug, Clone)]
struct Template {
    /// Up to `</head>`.
    head: String,
    /// From `</head>` to the inside of the app's element.
    middle: String,
    /// From the app element's end.
    tail: String,
}

/// The app's element in the built pages, where the first screen goes: the
/// first `>` after this ends its start tag.
const APP_ID: &str = "id=\"app\"";

impl Template {
    /// Cuts a page; a page without the app's element (a build of before the
    /// server rendered pages) is sent as it is.
    fn cut(html: &str) -> Self {
        let cut = || {
            let head_end = html.find("</head>")?;
            let app = html.find(APP_ID)?;
            let inside = app + html[app..].find('>')? + 1;
            (head_end < app).then(|| Template {
                head: html[..head_end].to_owned(),
                middle: html[head_end..inside].to_owned(),
                tail: html[inside..].to_owned(),
            })
        };
        cut().unwrap_or_else(|| {
            tracing::warn!("a page of the app has no `{APP_ID}` element to render into");
            Template {
                head: html.to_owned(),
                middle: String::new(),
                tail: String::new(),
            }
        })
    }

    fn fill(&self, page: &ssr::Page) -> String {
        if self.middle.is_empty() {
            return self.head.clone();
        }
        [
            self.head.as_str(),
            &page.head,
            &self.middle,
            &page.body,
            &self.tail,
        ]
        .concat()
    }
}

/// The apps' pages (`index.html`, `anmal.html`, `admin.html`,
/// `mitt-program.html`, `om.html`), read once at start.
#[derive(Debug, Clone, Default)]
pub struct AppShell {
    /// The programme's page, or `None` when the app has not been built.
    programme: Option<Template>,
    /// The registration's page; without it, the programme's serves.
    registration: Option<Template>,
    /// The operators' page (`admin.html`), for `/admin…`.
    admin: Option<Template>,
    /// Mitt program's page (`mitt-program.html`), for `/mitt-program`.
    my_programme: Option<Template>,
    /// The information app's page (`om.html`), for `/om`, `/statistik` …
    info: Option<Template>,
    /// The pages' text as built, for reading their inline scripts.
    html: String,
}

impl AppShell {
    /// Reads the pages from `dist`.
    pub fn load(dist: &Path) -> Self {
        let mut shell = AppShell::default();
        let mut read = |name: &str| {
            let html = std::fs::read_to_string(dist.join(name)).ok()?;
            shell.html.push_str(&html);
            Some(Template::cut(&html))
        };
        let programme = read("index.html");
        let registration = read("anmal.html");
        let admin = read("admin.html");
        let my_programme = read("mitt-program.html");
        let info = read("om.html");
        AppShell {
            programme,
            registration,
            admin,
            my_programme,
            info,
            ..shell
        }
    }

    /// Every page's HTML, for reading their inline scripts.
    pub fn html(&self) -> String {
        self.html.clone()
    }

    /// The app a path belongs to, and its page.
    fn page_for(&self, path: &str) -> Option<(Part, &Template)> {
        let part = if programme::is_admin_path(path) {
            Part::Admin
        } else {
            Part::of_path(path)
        };
        let template = match part {
            Part::Admin => self.admin.as_ref(),
            Part::Registration => self.registration.as_ref(),
            Part::MyProgramme => self.my_programme.as_ref(),
            Part::Info => self.info.as_ref(),
            Part::Programme => None,
        };
        match template {
            Some(template) => Some((part, template)),
            // Without its own page, the programme's app answers (and shows
            // "not found").
            None => self
                .programme
                .as_ref()
                .map(|template| (Part::Programme, template)),
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

/// The web app's routes: static files, and the apps' pages for everything
/// else.
pub fn router(dist: &Path, shell: AppShell, state: AppState) -> Router {
    let files = ServeDir::new(dist)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(false)
        .fallback(axum::routing::get(serve_page).with_state((shell, state)));
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

/// A page of the apps, for `/` and every deep link: its first screen
/// rendered from the app's components, with the published programme, kept
/// until the programme changes. A missing *file* (a name with an extension,
/// say a build file of an older deployment) is a 404 instead: the page under
/// that name would be cached as if it were the file.
async fn serve_page(
    State((shell, state)): State<(AppShell, AppState)>,
    uri: axum::http::Uri,
    headers: HeaderMap,
) -> Response {
    let last_segment = uri.path().rsplit('/').next().unwrap_or_default();
    if last_segment.contains('.') {
        return plain_text(StatusCode::NOT_FOUND, "Filen finns inte.");
    }
    let Some((part, template)) = shell.page_for(uri.path()) else {
        return plain_text(
            StatusCode::SERVICE_UNAVAILABLE,
            "Webbappen är inte byggd. Servern svarar på API:et under /api, men appen saknas. \
             Bygg den med scripts/build-app.sh.",
        );
    };
    let published = state.published();
    let is_open = published.edition.programme_is_open(state.today());
    let url = page_url(part, &uri);
    let site = site(state.site(), &headers);
    let key = format!("{part:?} {is_open} {} {url}", site.origin);
    let page = match published.kept_page(&key) {
        Some(page) => page,
        None => {
            let template = template.clone();
            let published = Arc::clone(&published);
            let rendered = tokio::task::spawn_blocking(move || {
                let page = render(part, &url, &published, is_open, &site);
                let page = Arc::new(RenderedPage {
                    status: page.status,
                    html: Precompressed::compressed(template.fill(&page), HTML),
                });
                published.keep_page(key, Arc::clone(&page));
                page
            })
            .await;
            match rendered {
                Ok(page) => page,
                Err(error) => {
                    tracing::error!("rendering {uri} failed: {error}");
                    return plain_text(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "Sidan kunde inte visas. Försök igen om en stund.",
                    );
                }
            }
        }
    };
    let mut response = page.html.respond(&headers);
    if response.status() == StatusCode::OK {
        *response.status_mut() = StatusCode::from_u16(page.status).unwrap_or(StatusCode::OK);
    }
    response
}

const HTML: &str = "text/html; charset=utf-8";

fn plain_text(status: StatusCode, text: &'static str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text,
    )
        .into_response()
}

/// The address as the app reads it: the programme's filter normalised (so
/// `?q=&day=` and `?` are one page), other parameters dropped.
fn page_url(part: Part, uri: &axum::http::Uri) -> String {
    let path = uri.path();
    if part != Part::Programme {
        return path.to_owned();
    }
    let pairs = form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes());
    let query = ProgrammeFilter::from_pairs_lenient(pairs).to_query_string();
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}

/// The site's address for the page's absolute links (a calendar
/// subscription's `webcal://`): the host the visitor asked for, as the app
/// reads it from its location, with the scheme of `IV_PUBLIC_URL`;
/// that address itself when the request names no usable host.
fn site(public_url: &str, headers: &HeaderMap) -> Site {
    let (scheme, public_host) = public_url
        .split_once("://")
        .unwrap_or(("https", public_url));
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .unwrap_or(public_host);
    Site {
        origin: format!("{scheme}://{host}"),
        host: host.to_owned(),
    }
}

fn render(part: Part, url: &str, published: &Published, is_open: bool, site: &Site) -> ssr::Page {
    match part {
        Part::Programme => {
            let data = ProgrammeData {
                edition: published.edition.clone(),
                is_open,
                programme: if is_open {
                    Arc::clone(&published.programme)
                } else {
                    Arc::default()
                },
                complete: true,
                offline_since: None,
            };
            ssr::programme_page(url, Arc::new(data), site)
        }
        Part::Registration => ssr::registration_page(url, Some(published.edition.clone()), site),
        other => ssr::frame_page(other, url, site),
    }
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
