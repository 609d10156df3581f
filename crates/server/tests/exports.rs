//! The programme as calendar files and as a spreadsheet: for the same
//! query, exactly the activities the JSON list gives.

mod common;

use axum::http::{StatusCode, header};
use common::registration::spawn_with;

/// The UIDs of a calendar file, as ids.
fn calendar_ids(text: &str) -> Vec<String> {
    text.replace("\r\n ", "")
        .split("\r\n")
        .filter_map(|line| line.strip_prefix("UID:"))
        .map(|uid| uid.trim_end_matches("@innovationsveckan").to_owned())
        .collect()
}

/// The first column of a spreadsheet's rows (none of the demo's fields hold
/// a line break), without the header.
fn csv_ids(text: &str) -> Vec<String> {
    text.trim_start_matches('\u{feff}')
        .split("\r\n")
        .skip(1)
        .filter(|row| !row.is_empty())
        .map(|row| row.split(';').next().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn calendar_and_spreadsheet_hold_exactly_what_the_list_holds_for_the_same_filter() {
    let app = spawn_with(|c| c.public_url = Some("https://program.example.se".into())).await;
    let all = app.get("/api/activities").await.activities();
    // Filters taken from the data, so they find something whatever the week:
    // a län with an activity, and the theme of an activity held on site.
    let region = all
        .iter()
        .find_map(|a| a.region_code.clone())
        .expect("an activity on site");
    let theme = all
        .iter()
        .find(|a| a.format == programme::ActivityFormat::Physical)
        .expect("an activity on site only")
        .themes[0]
        .key();
    for query in [
        String::new(),
        "?format=digital".to_owned(),
        format!("?region={region}"),
        format!("?theme={theme}&format=physical"),
        "?q=kommun".to_owned(),
    ] {
        let list: Vec<String> = app
            .get(&format!("/api/activities{query}"))
            .await
            .activities()
            .into_iter()
            .map(|a| a.id)
            .collect();
        assert!(!list.is_empty(), "{query} finds something");

        let ics = app.get(&format!("/api/activities.ics{query}")).await;
        assert_eq!(ics.status, StatusCode::OK);
        assert_eq!(
            ics.headers[header::CONTENT_TYPE],
            "text/calendar; charset=utf-8"
        );
        let text = ics.text();
        assert!(text.starts_with("BEGIN:VCALENDAR\r\n"), "{query}");
        assert_eq!(calendar_ids(&text), list, "{query}");

        let csv = app.get(&format!("/api/activities.csv{query}")).await;
        assert_eq!(csv.status, StatusCode::OK);
        assert_eq!(csv.headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
        assert_eq!(csv_ids(&csv.text()), list, "{query}");
    }
    assert!(all.len() > 20);
    // The whole programme's calendar has every activity, cancelled ones as such.
    let text = app.get("/api/activities.ics").await.text();
    let cancelled = all.iter().filter(|a| a.is_cancelled()).count();
    assert!(cancelled > 0);
    assert_eq!(text.matches("STATUS:CANCELLED\r\n").count(), cancelled);
    assert!(text.contains("URL:https://program.example.se/aktivitet/"));
}

#[tokio::test]
async fn one_activity_as_a_calendar_file_and_bad_input_as_json_errors() {
    let app = spawn_with(|_| {}).await;
    let first = app.get("/api/activities").await.activities().remove(0);
    let one = app.get(&format!("/api/activities/{}.ics", first.id)).await;
    assert_eq!(one.status, StatusCode::OK);
    assert_eq!(calendar_ids(&one.text()), vec![first.id.clone()]);
    let disposition = one.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(disposition.starts_with("attachment; filename=\"") && disposition.ends_with(".ics\""));
    // The JSON of the same activity is where it was.
    let json = app.get(&format!("/api/activities/{}", first.id)).await;
    assert_eq!(json.json()["id"], first.id.as_str());

    let unknown = app.get("/api/activities/finns-inte.ics").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.error(), "not_found");
    let bad = app.get("/api/activities.ics?format=flygande").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(!bad.error().is_empty(), "{}", bad.text());
    let bad = app.get("/api/activities.csv?day=igår").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn before_the_programme_opens_the_exports_are_empty() {
    let app = spawn_with(|c| {
        c.programme_opens_on = Some(chrono::NaiveDate::from_ymd_opt(2999, 1, 1).unwrap());
    })
    .await;
    let text = app.get("/api/activities.ics").await.text();
    assert!(calendar_ids(&text).is_empty());
    assert!(text.ends_with("END:VCALENDAR\r\n"));
    assert!(csv_ids(&app.get("/api/activities.csv").await.text()).is_empty());
}

#[tokio::test]
async fn the_figures_are_the_counts_of_the_lists_they_link_to() {
    let app = spawn_with(|_| {}).await;
    let stats: programme::stats::Stats =
        serde_json::from_value(app.get("/api/stats").await.json()).unwrap();
    let all = app.get("/api/activities").await.activities();
    assert_eq!(stats.total, all.len());
    assert!(stats.total > 0);
    let count_of = |query: String| {
        let app = &app;
        async move {
            app.get(&format!("/api/activities?{query}"))
                .await
                .activities()
                .len()
        }
    };
    for region in &stats.regions {
        assert_eq!(
            region.count,
            count_of(format!("region={}", region.key)).await,
            "{}",
            region.label
        );
    }
    for day in &stats.days {
        assert_eq!(day.count, count_of(format!("day={}", day.day)).await);
    }
    for theme in &stats.themes {
        assert_eq!(theme.count, count_of(format!("theme={}", theme.key)).await);
    }
    for audience in &stats.audiences {
        assert_eq!(
            audience.count,
            count_of(format!("audience={}", audience.key)).await
        );
    }
    // Each format alone: hybrid is its own filter; digital and physical
    // include the hybrid ones.
    let hybrid = stats.format_count(programme::ActivityFormat::Hybrid);
    assert_eq!(hybrid, count_of("format=hybrid".into()).await);
    assert_eq!(
        stats.format_count(programme::ActivityFormat::Digital) + hybrid,
        count_of("format=digital".into()).await
    );
    assert_eq!(
        stats.format_count(programme::ActivityFormat::Physical) + hybrid,
        count_of("format=physical".into()).await
    );
}
