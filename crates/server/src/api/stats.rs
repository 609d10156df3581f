//! `GET /api/stats`: the programme in figures (see [`programme::stats`]),
//! made once with each published programme.

use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use programme::Programme;

use crate::AppState;
use crate::http::Precompressed;
use crate::published::{JSON, stats_body};

pub fn router() -> Router<AppState> {
    Router::new().route("/stats", get(get_stats))
}

/// The figures of the published programme; before it opens, those of an
/// empty one (no activity is told before its time).
async fn get_stats(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let published = state.published();
    if !published.edition.programme_is_open(state.today()) {
        let empty = Programme::new(Vec::new());
        return Precompressed::plain(stats_body(&empty, &published.edition), JSON)
            .respond(&headers);
    }
    published.stats.respond(&headers)
}
