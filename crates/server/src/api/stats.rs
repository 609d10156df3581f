//! `GET /api/stats`: the programme in figures (see [`programme::stats`]),
//! made once with each published programme.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use programme::Programme;
use programme::stats::Stats;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::api::openapi::PUBLIC_TAG;
use crate::http::Precompressed;
use crate::published::{JSON, stats_body};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_stats))
}

/// The figures of the published programme; before it opens, those of an
/// empty one (no activity is told before its time).
#[utoipa::path(
    get,
    path = "/stats",
    tag = PUBLIC_TAG,
    params(("If-None-Match" = Option<String>, Header, description = "The ETag of figures \
        fetched before: 304 if they are unchanged.")),
    responses(
        (status = 200, description = "The programme in figures, with an ETag.", body = Stats,
            headers(("ETag" = String, description = "The version of these figures."))),
        (status = 304, description = "Unchanged since the ETag in `If-None-Match`."),
    )
)]
async fn get_stats(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let published = state.published();
    if !published.edition.programme_is_open(state.today()) {
        let empty = Programme::new(Vec::new());
        return Precompressed::plain(stats_body(&empty, &published.edition), JSON)
            .respond(&headers);
    }
    published.stats.respond(&headers)
}
