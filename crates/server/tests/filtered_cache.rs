//! The filtered list is made once per filter and kept, under an ETag known
//! without making it, until the published programme changes.

mod common;

use axum::http::{StatusCode, header};
use common::registration::spawn;

#[tokio::test]
async fn a_filtered_list_is_kept_under_one_etag_until_an_activity_is_approved() {
    let app = spawn().await;
    // The registration below is held in Umeå (län 24) about data and AI.
    let query = "/api/activities?theme=data_ai&region=24";
    let first = app.get(query).await;
    assert_eq!(first.status, StatusCode::OK);
    let etag = first.headers[header::ETAG].to_str().unwrap().to_owned();
    // The same filter written another way is the same list, from the cache.
    let again = app.get("/api/activities?q=&region=24&theme=data_ai").await;
    assert_eq!(again.headers[header::ETAG].to_str().unwrap(), etag);
    assert_eq!(again.body, first.body);
    assert_eq!(app.state.published().kept_count(), 1);
    // A client that has it gets 304.
    let revalidated = app.get_with(query, header::IF_NONE_MATCH, &etag).await;
    assert_eq!(revalidated.status, StatusCode::NOT_MODIFIED);
    assert!(revalidated.body.is_empty());

    // Registered, waiting for review: the public list is as it was.
    let body = app.valid_body().await;
    let (id, _) = app.register("cache-1", &body).await;
    let waiting = app.get(query).await;
    assert_eq!(waiting.headers[header::ETAG].to_str().unwrap(), etag);
    assert!(!waiting.activities().iter().any(|a| a.id == id));

    // Approved: the list is made again, with the activity, under a new ETag,
    // and the old ETag gets the new list instead of a 304.
    assert_eq!(app.approve(&id).await.status, StatusCode::OK);
    assert_eq!(app.state.published().kept_count(), 0);
    let after = app.get(query).await;
    assert_ne!(after.headers[header::ETAG].to_str().unwrap(), etag);
    assert!(after.activities().iter().any(|a| a.id == id));
    let stale = app.get_with(query, header::IF_NONE_MATCH, &etag).await;
    assert_eq!(stale.status, StatusCode::OK);
}
