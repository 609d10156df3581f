//! The web app's pages as the server sends them: the first screen rendered
//! from the app's own components, with the published programme, so that it
//! reads before (and without) the WebAssembly, and a shared link previews.

mod common;

use axum::http::{StatusCode, header};
use common::TestApp;
use programme::Activity;

/// The page a build writes, as far as the server cares: a head, and the
/// app's element to render into.
const TEMPLATE: &str = "<!DOCTYPE html><html lang=\"sv\"><head><meta charset=\"utf-8\">\
    <script type=\"module\">start();</script></head><body><div id=\"app\"></div></body></html>";

/// The app with every app's page built as [`TEMPLATE`], and an admin token.
async fn spawn() -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    for page in [
        "index.html",
        "anmal.html",
        "admin.html",
        "mitt-program.html",
        "om.html",
    ] {
        std::fs::write(dist.join(page), TEMPLATE).unwrap();
    }
    let mut config = common::config(dir.path().join("data")).await;
    config.dist_dir = dist;
    config.admin_token = Some(common::registration::ADMIN_TOKEN.into());
    TestApp::open(dir, config).await
}

/// Text as HTML writes it.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The ids of the activity cards, in the order the page shows them.
fn card_ids(html: &str) -> Vec<String> {
    html.split("data-id=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_owned)
        .collect()
}

/// The `content` of a `<meta property=…>`.
fn meta_property(html: &str, property: &str) -> Option<String> {
    let at = html.find(&format!("property=\"{property}\""))?;
    let tag_start = html[..at].rfind('<')?;
    let tag = &html[tag_start..tag_start + html[tag_start..].find('>')?];
    let content = tag.split("content=\"").nth(1)?;
    Some(content.split('"').next()?.to_owned())
}

async fn activities(app: &TestApp, query: &str) -> Vec<Activity> {
    app.get(&format!("/api/activities{query}"))
        .await
        .activities()
}

#[tokio::test]
async fn an_activity_page_carries_the_activity_in_its_title_and_link_preview() {
    let app = spawn().await;
    let activity = activities(&app, "").await.remove(3);
    let page = app.get(&format!("/aktivitet/{}", activity.id)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.headers[header::CONTENT_TYPE],
        "text/html; charset=utf-8"
    );
    let html = page.text();
    let title = escaped(&activity.title);
    assert!(
        html.contains(&format!("<title>{title} – Innovationsveckan</title>")),
        "{html}"
    );
    assert_eq!(meta_property(&html, "og:title"), Some(title.clone()));
    assert_eq!(meta_property(&html, "og:type").as_deref(), Some("article"));
    // The preview says when and where.
    let description = meta_property(&html, "og:description").unwrap();
    let time = programme::time::format_time_span(&activity.starts_at, &activity.ends_at);
    assert!(description.contains(&time), "{description}");
    assert!(
        description.contains(&escaped(&activity.place_label())),
        "{description}"
    );
    // The page itself: the heading and the description, readable as HTML.
    assert!(html.contains(&format!("{title}</h1>")), "{html}");
    let first_paragraph = activity.description.split("\n\n").next().unwrap().trim();
    assert!(html.contains(&escaped(first_paragraph)));
    // The same app's script still starts on it.
    assert!(html.contains("<script type=\"module\">start();</script>"));
}

#[tokio::test]
async fn an_unknown_activity_and_an_unknown_address_are_404_with_their_pages() {
    let app = spawn().await;
    for (path, heading) in [
        ("/aktivitet/finns-inte", "Aktiviteten finns inte"),
        ("/aktivitet/%FF%FE", "Aktiviteten finns inte"),
        ("/ingen-sida-alls", "Sidan finns inte"),
    ] {
        let page = app.get(path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        let html = page.text();
        assert!(
            html.contains(&format!("<title>{heading} – Innovationsveckan</title>")),
            "{path}: {html}"
        );
        assert!(html.contains(&format!("<h1>{heading}</h1>")), "{path}");
        assert!(html.contains("class=\"site-header\""), "{path}");
    }
}

#[tokio::test]
async fn the_first_screen_shows_the_first_activities_of_the_filter_in_the_address() {
    let app = spawn().await;
    // A filter taken from the data: the län and a theme of the first
    // activity held on site.
    let all = activities(&app, "").await;
    let sample = all.iter().find(|a| a.municipality().is_some()).unwrap();
    let region = &sample.municipality().unwrap().county_code().to_owned();
    let theme = sample.themes[0].key();
    let query = format!("?region={region}&theme={theme}");
    let listed: Vec<String> = activities(&app, &query)
        .await
        .into_iter()
        .map(|a| a.id)
        .collect();
    assert!(!listed.is_empty());

    let html = app.get(&format!("/{query}")).await.text();
    let shown = card_ids(&html);
    let expected = &listed[..listed.len().min(innovationsveckan::PAGE_SIZE)];
    assert_eq!(shown, expected, "the page's cards are the list's first");
    // The count and the filters as they will be in the app.
    assert!(html.contains(&format!(
        "{} av {} matchar dina filter.",
        listed.len(),
        programme::activities_in_words(all.len())
    )));
    assert!(
        html.contains(&format!("<option value=\"{region}\" selected>")),
        "the län is chosen in its list"
    );

    // The whole programme, unfiltered: its first activities, and the count.
    let html = app.get("/").await.text();
    let expected: Vec<String> = all
        .iter()
        .take(innovationsveckan::PAGE_SIZE)
        .map(|a| a.id.clone())
        .collect();
    assert_eq!(card_ids(&html), expected);
}

#[tokio::test]
async fn a_page_is_rendered_again_when_an_activity_is_approved() {
    let app = spawn().await;
    let body = app.valid_body().await;
    let title = body["title"].as_str().unwrap().to_owned();
    let search = format!("/?q={}", programme::filter::percent_encode(&title));
    let before = app.get(&search).await;
    let etag = before.headers[header::ETAG].to_str().unwrap().to_owned();
    let card_title = format!("{}</a></h3>", escaped(&title));
    assert!(!before.text().contains(&card_title));
    // Asked again: the page kept, under the same ETag.
    let again = app.get_with(&search, header::IF_NONE_MATCH, &etag).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);

    let (id, _) = app.register("page-1", &body).await;
    assert_eq!(app.approve(&id).await.status, StatusCode::OK);
    let after = app.get_with(&search, header::IF_NONE_MATCH, &etag).await;
    assert_eq!(after.status, StatusCode::OK, "the old page is not current");
    assert!(after.text().contains(&card_title));
    assert!(card_ids(&after.text()).contains(&id));
    assert_eq!(
        app.get(&format!("/aktivitet/{id}")).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_other_apps_pages_are_their_frame_from_the_same_components() {
    let app = spawn().await;
    let start = app.get("/anmal").await.text();
    assert!(start.contains("<title>Anmäl en aktivitet – Innovationsveckan</title>"));
    assert!(start.contains("<h1>Anmäl en aktivitet</h1>"));
    assert!(start.contains("Börja anmälan"));
    for path in ["/mitt-program", "/om", "/anmal/utkast-1/arrangor", "/admin"] {
        let page = app.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        let html = page.text();
        assert!(html.contains("class=\"site-header\""), "{path}: {html}");
        assert!(html.contains("Sidan laddas …"), "{path}");
        assert!(html.contains("class=\"site-footer\""), "{path}");
    }
}

/// The pages' markup comes from the app's components alone: the server's
/// own source writes none (it only finds where a built page's head ends
/// and where the app's element is).
#[test]
fn the_servers_source_holds_no_markup_of_its_own() {
    let tags = [
        "<!DOCTYPE",
        "<html",
        "<body",
        "<title",
        "<meta",
        "<div",
        "<p>",
        "<p ",
        "<h1",
        "<h2",
        "<a ",
        "<ul",
        "<li",
        "<main",
        "<header",
        "<footer",
        "<span",
        "<button",
        "<form",
        "<article",
        "<section",
        "<br",
    ];
    let mut found = Vec::new();
    let mut folders = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src"
    ))];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            // A module's own tests may feed it HTML to read.
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            for tag in tags {
                if code
                    .to_ascii_lowercase()
                    .contains(&tag.to_ascii_lowercase())
                {
                    found.push(format!("{}: {tag}", path.display()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "markup in the server's source: {found:#?}"
    );
}
