//! CORS for the public reads only: any web site may read the programme
//! (`Access-Control-Allow-Origin: *`), none may register, edit, cancel or
//! administer from a browser on another origin.
//!
//! Which routes are public reads, the OpenAPI document says: those whose GET
//! is tagged as the public programme ([`super::openapi::PUBLIC_TAG`]) and needs
//! no token. Two of them share their path with a write (`POST
//! /api/activities`, `PUT /api/activities/{id}`), so CORS cannot be a layer
//! on whole paths, and axum sends a preflight (`OPTIONS`) to no handler of
//! its own; so one middleware around the API picks, per request, what goes
//! through tower-http's [`CorsLayer`]: a GET or HEAD of a public read, and a
//! preflight asking for GET or HEAD there. Anything else, a preflight asking
//! for PUT included, never meets the layer and gets no CORS header (the
//! preflight gets the API's 405).

use std::collections::HashSet;
use std::sync::Arc;

use axum::extract::{MatchedPath, Request};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower::{Layer, ServiceExt};
use tower_http::cors::{Any, CorsLayer};
use utoipa::openapi::OpenApi;

use super::openapi::PUBLIC_TAG;

/// How long a browser may keep a preflight's answer.
const PREFLIGHT_MAX_AGE: std::time::Duration = std::time::Duration::from_secs(24 * 60 * 60);

/// The routes (as axum matched them, for example `/api/activities/{id}`)
/// whose GET and HEAD are open to every origin, and the policy they get.
#[derive(Clone)]
pub struct PublicReads {
    paths: Arc<HashSet<String>>,
    cors: CorsLayer,
}

impl PublicReads {
    /// The public reads of the document (with its paths under `/api`).
    pub fn of(document: &OpenApi) -> Self {
        let paths = document
            .paths
            .paths
            .iter()
            .filter(|(_, item)| {
                item.get.as_ref().is_some_and(|get| {
                    let public = get.tags.iter().flatten().any(|tag| tag == PUBLIC_TAG);
                    let needs_token = get.security.as_ref().is_some_and(|s| !s.is_empty());
                    public && !needs_token
                })
            })
            .map(|(path, _)| path.clone())
            .collect();
        let cors = CorsLayer::new()
            .allow_origin(Any)
            .allow_methods([Method::GET, Method::HEAD])
            .allow_headers([header::IF_NONE_MATCH])
            .expose_headers([header::ETAG])
            .max_age(PREFLIGHT_MAX_AGE);
        PublicReads {
            paths: Arc::new(paths),
            cors,
        }
    }

    /// The paths of the public reads, for the tests.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.paths.iter().map(String::as_str)
    }

    /// Whether the request is a public read, or the preflight of one.
    fn covers(&self, request: &Request) -> bool {
        let Some(path) = request.extensions().get::<MatchedPath>() else {
            return false;
        };
        if !self.paths.contains(path.as_str()) {
            return false;
        }
        let method = request.method();
        if method == Method::GET || method == Method::HEAD {
            return true;
        }
        let asks_for = request
            .headers()
            .get(header::ACCESS_CONTROL_REQUEST_METHOD)
            .and_then(|value| value.to_str().ok());
        method == Method::OPTIONS && matches!(asks_for, Some("GET" | "HEAD"))
    }
}

/// The middleware: a public read goes through the CORS layer, anything else
/// straight on.
pub async fn public_reads_only(
    axum::extract::State(reads): axum::extract::State<PublicReads>,
    request: Request,
    next: Next,
) -> Response {
    if !reads.covers(&request) {
        return next.run(request).await;
    }
    match reads.cors.layer(next).oneshot(request).await {
        Ok(response) => response.into_response(),
        Err(never) => match never {},
    }
}
