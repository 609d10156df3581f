//! `GET /api/activities` (filtered with the app's query parameters) and
//! `GET /api/activities/{id}`, and the same as calendar files
//! (`/api/activities.ics`, `/api/activities/{id}.ics`) and as a spreadsheet
//! (`/api/activities.csv`).

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use programme::{Activity, ProgrammeFilter, csv, ical};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::api::IdPath;
use crate::api::openapi::{FilterParams, InvalidFilter, PUBLIC_TAG};
use crate::error::{ApiError, ErrorBody};
use crate::http::{Precompressed, etag_matches, not_modified};
use crate::published::{ActivityList, JSON, Published, list_body};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_activities))
        .routes(routes!(listing))
        .routes(routes!(get_activity))
        .routes(routes!(list_calendar))
        .routes(routes!(list_csv))
}

/// The filter the query parameters ask for: the same for every form of the list.
fn filter_of(query: Option<&str>) -> Result<ProgrammeFilter, ApiError> {
    Ok(ProgrammeFilter::from_pairs(form_urlencoded::parse(
        query.unwrap_or_default().as_bytes(),
    ))?)
}

/// The activities of the filter in `query`, in programme order, and whether
/// anything is filtered; none before the programme opens.
fn chosen<'a>(
    state: &AppState,
    published: &'a Published,
    query: Option<&str>,
) -> Result<(Vec<&'a Activity>, bool), ApiError> {
    let filter = filter_of(query)?;
    if !published.edition.programme_is_open(state.today()) {
        return Ok((Vec::new(), !filter.is_empty()));
    }
    Ok((published.programme.filter(&filter), !filter.is_empty()))
}

/// A file to download (or subscribe to), never kept stale by a cache.
fn file(body: String, media_type: &'static str, name: &str) -> Response {
    let disposition = format!("attachment; filename=\"{name}\"");
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(media_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
            ),
        ],
        body,
    )
        .into_response()
}

/// "innovationsveckan-2027": the edition's name as a file name.
fn file_stem(published: &Published) -> String {
    ical::slug(&published.edition.name)
}

/// The published activities of the filter as an iCalendar file, for a
/// download or a subscription (webcal).
#[utoipa::path(
    get,
    path = "/activities.ics",
    tag = PUBLIC_TAG,
    params(FilterParams),
    responses(
        (status = 200, description = "An iCalendar file (RFC 5545) of the activities, one \
            VEVENT each; empty before the programme opens.",
            content_type = "text/calendar", body = String),
        InvalidFilter,
    )
)]
async fn list_calendar(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let published = state.published();
    let (activities, filtered) = chosen(&state, &published, query.as_deref())?;
    let name = if filtered {
        format!("{} (urval)", published.edition.name)
    } else {
        published.edition.name.clone()
    };
    let site = state.site();
    let info = ical::CalendarInfo {
        name: &name,
        site,
        stamp: published.built_at,
    };
    let body = ical::calendar(activities, &info);
    Ok(file(
        body,
        ical::MEDIA_TYPE,
        &format!("{}.ics", file_stem(&published)),
    ))
}

/// The published activities of the filter as a spreadsheet.
#[utoipa::path(
    get,
    path = "/activities.csv",
    tag = PUBLIC_TAG,
    params(FilterParams),
    responses(
        (status = 200, description = "A CSV file (UTF-8 with a BOM, `;` between fields, quoted \
            as RFC 4180 says), one activity a row; only \
            its header before the programme opens.", content_type = "text/csv", body = String),
        InvalidFilter,
    )
)]
async fn list_csv(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let published = state.published();
    let (activities, _) = chosen(&state, &published, query.as_deref())?;
    let body = csv::programme(activities, state.site());
    Ok(file(
        body,
        csv::MEDIA_TYPE,
        &format!("{}.csv", file_stem(&published)),
    ))
}

/// The published activities, whole or filtered. Before the programme opens, none.
#[utoipa::path(
    get,
    path = "/activities",
    tag = PUBLIC_TAG,
    params(
        FilterParams,
        ("If-None-Match" = Option<String>, Header, description = "The ETag of a list \
            fetched before: 304 if it is unchanged."),
    ),
    responses(
        (status = 200, description = "The activities, with an ETag.", body = ActivityList,
            headers(("ETag" = String, description = "The version of this list."))),
        (status = 304, description = "Unchanged since the ETag in `If-None-Match`."),
        InvalidFilter,
    )
)]
async fn list_activities(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let filter = filter_of(query.as_deref())?;
    let published = state.published();
    if !published.edition.programme_is_open(state.today()) {
        return Ok(Precompressed::plain(list_body(&[]), JSON).respond(&headers));
    }
    if filter.is_empty() {
        return Ok(published.list.respond(&headers));
    }
    // The same filter however it was written: one cache entry, one ETag.
    let key = filter.to_query_string();
    let etag = published.filtered_etag(&key);
    if etag_matches(&headers, &etag) {
        return Ok(not_modified(&etag));
    }
    if let Some(kept) = published.kept(&key) {
        return Ok(kept.respond(&headers));
    }
    // Filtering, serialising and compressing a long list is work for a
    // blocking thread, not for the runtime that answers everyone else.
    let list = tokio::task::spawn_blocking(move || published.filtered_list(&key, &filter))
        .await
        .map_err(|e| ApiError::Internal(format!("making a filtered list: {e}")))?;
    Ok(list.respond(&headers))
}

/// The whole programme in its compact listing form, what the web app
/// fetches: one JSON object per line, each activity with what a list's
/// cards, filters and search need (its page's details come with
/// `GET /api/activities/{id}`). Made once with each published programme.
#[utoipa::path(
    get,
    path = "/listing",
    tag = PUBLIC_TAG,
    params(
        ("If-None-Match" = Option<String>, Header, description = "The ETag of a listing \
            fetched before: 304 if it is unchanged."),
    ),
    responses(
        (status = 200, description = "JSON Lines (one `Listed` activity per line, in \
            programme order); empty before the programme opens.",
            content_type = "application/jsonl", body = programme::listing::Listed,
            headers(("ETag" = String, description = "The version of this listing."))),
        (status = 304, description = "Unchanged since the ETag in `If-None-Match`."),
    )
)]
async fn listing(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let published = state.published();
    if !published.edition.programme_is_open(state.today()) {
        return Precompressed::plain(Vec::new(), programme::listing::MEDIA_TYPE).respond(&headers);
    }
    published.listing.respond(&headers)
}

/// One published activity, as JSON, or as a calendar file when the id ends
/// in `.ics` (`/api/activities/{id}.ics`).
#[utoipa::path(
    get,
    path = "/activities/{id}",
    tag = PUBLIC_TAG,
    params(("id" = String, Path, description = "The activity's id; with `.ics` after it, \
        the activity as a calendar file.")),
    responses(
        (status = 200, description = "The activity.", content(
            (Activity = "application/json"),
            (String = "text/calendar"),
        )),
        (status = 404, description = "`not_found`: no published activity has this id, or \
            the programme has not opened yet.", body = ErrorBody),
    )
)]
async fn get_activity(
    State(state): State<AppState>,
    IdPath(id): IdPath,
) -> Result<Response, ApiError> {
    let published = state.published();
    if !published.edition.programme_is_open(state.today()) {
        return Err(ApiError::NotFound("Programmet har inte öppnat än."));
    }
    let (id, calendar) = match id.strip_suffix(".ics") {
        Some(id) => (id, true),
        None => (id.as_str(), false),
    };
    let activity = published.programme.get(id).ok_or(ApiError::NotFound(
        "Det finns ingen aktivitet med det id:t i programmet.",
    ))?;
    if !calendar {
        return Ok(Json(activity).into_response());
    }
    let site = state.site();
    let info = ical::CalendarInfo {
        name: &activity.title,
        site,
        stamp: published.built_at,
    };
    let body = ical::calendar([activity], &info);
    Ok(file(
        body,
        ical::MEDIA_TYPE,
        &ical::file_name(&activity.title),
    ))
}
