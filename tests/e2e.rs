//! End to end: the real server (in-process, on a real socket, with its own SQLite
//! file) serves the real release build in dist/, and headless Chromium drives it
//! through ChromeDriver the way a visitor would, finding fields by their labels.
//!
//! These tests need `dist/` and Chromium, so a bare `cargo test` skips them;
//! `scripts/test.sh` builds the app and runs them with `--include-ignored`.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use fantoccini::{Client, Locator};
use programme::demo::DEMO_ACTIVITY_COUNT;
use serde_json::json;
use support::{
    WAIT, assert_accessible, axe_violations, cdp, eventually, field, focused, in_browser, press,
    tab_to, text_of, wait_for_text,
};

/// What the field labelled `label` holds now.
async fn field_value(client: &Client, label: &str) -> Option<String> {
    field(client, label).await.prop("value").await.unwrap()
}

async fn card_texts(client: &Client) -> Vec<String> {
    let mut texts = Vec::new();
    for card in client
        .find_all(Locator::Css("article.activity-card"))
        .await
        .unwrap()
    {
        texts.push(card.text().await.unwrap());
    }
    texts
}

/// The number in the result count ("12 av 180 aktiviteter …" gives 12).
async fn shown_count(client: &Client) -> Result<usize, String> {
    let text = text_of(client, ".result-count").await?;
    text.split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .ok_or(text)
}

/// The programme as the server publishes it, fetched from the page: tests
/// take their filters from it, so they hold for whatever week the demo is.
async fn published(client: &Client) -> Vec<serde_json::Value> {
    let script = r#"
        const done = arguments[arguments.length - 1];
        fetch('/api/activities').then(r => r.json()).then(b => done(b.activities))
          .catch(e => done(String(e)));
    "#;
    let answer = client.execute_async(script, vec![]).await.unwrap();
    answer
        .as_array()
        .cloned()
        .unwrap_or_else(|| panic!("the programme could not be fetched: {answer}"))
}

/// Waits until the page's main heading is `title`.
async fn wait_for_heading(client: &Client, what: &str, title: &str) {
    eventually(what, || async { Ok(text_of(client, "h1").await? == title) }).await;
}

/// Clicks the heading link of the first card `card` finds (a CSS selector
/// of the card) and waits for its activity page; returns its title.
async fn open_card(client: &Client, card: &str) -> String {
    let link = client
        .find(Locator::Css(&format!("{card} h3 a")))
        .await
        .unwrap();
    let title = link.text().await.unwrap();
    link.click().await.unwrap();
    wait_for_heading(client, "the activity page", &title).await;
    title
}

/// Makes every request to the API fail as if the server were unreachable.
async fn block_api(client: &Client, blocked: bool) {
    cdp(client, "Network.enable", json!({})).await;
    let urls = if blocked {
        json!(["*/api/*"])
    } else {
        json!([])
    };
    cdp(client, "Network.setBlockedURLs", json!({ "urls": urls })).await;
}

/// Opens an address and waits until the programme shows activities.
async fn open_programme(client: &Client, url: &str) {
    support::goto(client, url).await;
    wait_for_programme(client).await;
}

/// Waits until the URL's query string satisfies `check`, and then until the list
/// has caught up with it (it follows just after the next paint).
async fn wait_for_query(client: &Client, what: &str, check: impl Fn(&str) -> bool) {
    eventually(what, || async {
        let url = client.current_url().await.map_err(|e| e.to_string())?;
        Ok(check(url.query().unwrap_or_default()))
    })
    .await;
    eventually("the list to follow the filters", || async {
        let list = client
            .find(Locator::Css(".programme"))
            .await
            .map_err(|e| e.to_string())?;
        let busy = list.attr("aria-busy").await.map_err(|e| e.to_string())?;
        Ok(busy.as_deref() == Some("false"))
    })
    .await;
}

async fn wait_for_programme(client: &Client) {
    support::app_started(client).await;
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css("article.activity-card"))
        .await
        .expect("the programme shows activities");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn the_programme_shows_the_demo_activities_by_day() {
    in_browser(
        |_| {},
        |c, base| async move {
            open_programme(&c, &base).await;
            let h1 = text_of(&c, "h1").await.unwrap();
            assert!(h1.starts_with("Innovationsveckan"), "{h1}");
            let count = text_of(&c, ".result-count").await.unwrap();
            assert_eq!(
                count,
                format!("{DEMO_ACTIVITY_COUNT} aktiviteter i programmet.")
            );
            let first_day = text_of(&c, ".day__heading").await.unwrap().to_lowercase();
            assert!(first_day.starts_with("måndag "), "{first_day}");
            let cards = card_texts(&c).await;
            assert_eq!(cards.len(), innovationsveckan::PAGE_SIZE);
            // Time spans the Swedish way, and every card names format and place.
            assert!(
                cards[0].contains('–') && cards[0].contains('.'),
                "{}",
                cards[0]
            );
            assert!(
                cards
                    .iter()
                    .all(|t| t.contains("Format") && t.contains("Plats"))
            );
            assert!(cards.iter().any(|t| t.contains("Digitalt")));
            assert_eq!(
                c.title().await.unwrap(),
                format!("{h1} – Innovationsveckan")
            );
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn typing_a_search_narrows_the_list() {
    in_browser(
        |_| {},
        |c, base| async move {
            open_programme(&c, &base).await;
            // A town that has an activity this week (the demo varies by week).
            let town = published(&c)
                .await
                .iter()
                .find_map(|a| a["venue"]["city"].as_str().map(str::to_owned))
                .expect("an activity on site");
            field(&c, "Sök").await.send_keys(&town).await.unwrap();
            // The search goes to the URL when typing pauses; wait for the whole word.
            let query = format!("q={}", programme::filter::percent_encode(&town));
            wait_for_query(&c, "the whole word in the URL", |q| q == query).await;
            let n = shown_count(&c).await.unwrap();
            assert!(
                n > 0 && n < DEMO_ACTIVITY_COUNT,
                "{town} has some activities: {n}"
            );
            let cards = card_texts(&c).await;
            assert_eq!(cards.len(), n.min(innovationsveckan::PAGE_SIZE));
            let town = town.to_lowercase();
            assert!(
                cards.iter().all(|t| t.to_lowercase().contains(&town)),
                "{cards:#?}"
            );
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn county_and_format_narrow_the_list_live_in_the_url_and_survive_a_reload() {
    in_browser(
        |_| {},
        |c, base| async move {
            open_programme(&c, &base).await;
            field(&c, "Län")
                .await
                .select_by_label("Skåne län")
                .await
                .unwrap();
            wait_for_query(&c, "the county in the URL", |q| q.contains("region=12")).await;
            field(&c, "Format")
                .await
                .select_by_label("Digitalt")
                .await
                .unwrap();
            wait_for_query(&c, "the format in the URL", |q| {
                q.contains("format=digital")
            })
            .await;
            let n = shown_count(&c).await.unwrap();
            assert!(n > 0 && n < DEMO_ACTIVITY_COUNT, "{n}");
            let cards = card_texts(&c).await;
            assert!(
                cards
                    .iter()
                    .all(|t| t.contains("Skåne län") && t.contains("På plats och digitalt")),
                "{cards:#?}"
            );

            c.refresh().await.unwrap();
            wait_for_programme(&c).await;
            assert_eq!(shown_count(&c).await.unwrap(), n);
            assert_eq!(field_value(&c, "Län").await.as_deref(), Some("12"));
            assert_eq!(field_value(&c, "Format").await.as_deref(), Some("digital"));

            // Back in history undoes the last choice.
            c.back().await.unwrap();
            wait_for_query(&c, "the format gone from the URL", |q| {
                !q.contains("format=")
            })
            .await;
            eventually("a wider list", || async { Ok(shown_count(&c).await? > n) }).await;
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn opening_an_activity_and_going_back_keeps_the_filter() {
    in_browser(
        |_| {},
        |c, base| async move {
            support::goto(&c, &format!("{base}/?format=physical&region=01")).await;
            wait_for_programme(&c).await;
            let n = shown_count(&c).await.unwrap();
            let title = open_card(&c, "article.activity-card").await;
            let url = c.current_url().await.unwrap();
            assert!(url.path().starts_with("/aktivitet/"), "{url}");
            let page = text_of(&c, "main").await.unwrap();
            assert!(page.contains("Stockholms län"), "{page}");
            assert!(page.contains("Arrangörer") && page.contains("Kontakt"));

            c.find(Locator::LinkText("← Tillbaka till programmet"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            wait_for_programme(&c).await;
            let url = c.current_url().await.unwrap();
            assert_eq!(url.path(), "/");
            assert_eq!(url.query(), Some("format=physical&region=01"));
            assert_eq!(shown_count(&c).await.unwrap(), n);

            // The browser's own back button returns to the activity, and forward again.
            c.back().await.unwrap();
            wait_for_heading(&c, "the activity again", &title).await;
            c.back().await.unwrap();
            wait_for_programme(&c).await;
            assert_eq!(shown_count(&c).await.unwrap(), n);

            // A reload on the activity page (a deep link) shows the activity.
            c.forward().await.unwrap();
            wait_for_heading(&c, "the activity after forward", &title).await;
            c.refresh().await.unwrap();
            wait_for_heading(&c, "the activity after reload", &title).await;
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn a_cancelled_activity_is_marked_inställd() {
    in_browser(
        |_| {},
        |c, base| async move {
            open_programme(&c, &base).await;
            // Page through until a cancelled one is on screen.
            let cancelled = loop {
                if let Ok(card) = c
                    .find(Locator::Css("article.activity-card--cancelled"))
                    .await
                {
                    break card;
                }
                c.find(Locator::Css("button.show-more"))
                    .await
                    .expect("a cancelled activity in the demo")
                    .click()
                    .await
                    .unwrap();
            };
            let text = cancelled.text().await.unwrap();
            assert!(text.starts_with("Inställd"), "{text}");
            cancelled
                .find(Locator::Css("h3 a"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            eventually("the cancelled activity's page", || async {
                Ok(text_of(&c, "main")
                    .await?
                    .contains("Aktiviteten är inställd."))
            })
            .await;
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn an_empty_result_says_so_and_offers_to_clear_the_filters() {
    in_browser(
        |_| {},
        |c, base| async move {
            support::goto(&c, &format!("{base}/?q=inget-sådant-ord")).await;
            eventually("the empty notice", || async {
                Ok(text_of(&c, "main")
                    .await?
                    .contains("Inga aktiviteter matchar"))
            })
            .await;
            assert!(
                text_of(&c, ".result-count")
                    .await
                    .unwrap()
                    .starts_with("0 av ")
            );
            c.find(Locator::XPath(
                "//div[contains(@class,'empty')]//button[normalize-space()='Rensa alla filter']",
            ))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
            wait_for_programme(&c).await;
            assert_eq!(shown_count(&c).await.unwrap(), DEMO_ACTIVITY_COUNT);
            assert_eq!(c.current_url().await.unwrap().query(), None);
            // The button is gone; focus went to the search field, not to nowhere.
            let focused = c.active_element().await.unwrap();
            assert_eq!(
                focused.attr("id").await.unwrap().as_deref(),
                Some("filter-sok")
            );
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn before_the_opening_day_visitors_see_when_it_opens() {
    let opens =
        programme::time::today_in_stockholm(chrono::Utc::now()) + chrono::Duration::days(30);
    let expected = programme::time::format_day_with_year(opens);
    in_browser(
        move |config| config.programme_opens_on = Some(opens),
        move |c, base| async move {
            support::goto(&c, &base).await;
            eventually("the opening notice", || async {
                Ok(text_of(&c, "main")
                    .await?
                    .contains(&format!("Programmet öppnar {expected}")))
            })
            .await;
            assert!(c.find(Locator::Css("article.activity-card")).await.is_err());
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn an_unreachable_api_gets_a_clear_message_and_a_retry() {
    in_browser(
        |_| {},
        |c, base| async move {
            block_api(&c, true).await;
            support::goto(&c, &base).await;
            eventually("the error message", || async {
                let main = text_of(&c, "main").await?;
                Ok(main.contains("Programmet kunde inte hämtas")
                    && main.contains("Vi når inte servern just nu"))
            })
            .await;
            let alert = c.find(Locator::Css("[role=alert]")).await.unwrap();
            assert!(alert.text().await.unwrap().contains("Försök igen"));

            block_api(&c, false).await;
            c.find(Locator::XPath("//button[normalize-space()='Försök igen']"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            wait_for_programme(&c).await;
            assert_eq!(shown_count(&c).await.unwrap(), DEMO_ACTIVITY_COUNT);
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn every_page_and_state_passes_axe_at_320_and_1280_px() {
    in_browser(
        |_| {},
        |c, base| async move {
            // Loading: the API's answers are held back until released.
            cdp(
                &c,
                "Fetch.enable",
                json!({ "patterns": [{ "urlPattern": "*/api/*" }] }),
            )
            .await;
            support::goto(&c, &base).await;
            wait_for_text(&c, "main", "Programmet laddas").await;
            assert_accessible(&c, "the loading programme").await;
            cdp(&c, "Fetch.disable", json!({})).await;

            open_programme(&c, &base).await;
            assert_accessible(&c, "the programme").await;

            // A län with a hybrid activity this week, taken from the data.
            let region = published(&c)
                .await
                .iter()
                .find(|a| a["format"] == "hybrid")
                .and_then(|a| a["region_code"].as_str().map(str::to_owned))
                .expect("a hybrid activity in the programme");
            support::goto(&c, &format!("{base}/?format=digital&region={region}")).await;
            wait_for_programme(&c).await;
            field(&c, "Kommun").await;
            assert_accessible(&c, "the filtered programme").await;

            support::goto(&c, &format!("{base}/?q=inget-sådant-ord")).await;
            wait_for_text(&c, "main", "Inga aktiviteter matchar").await;
            assert_accessible(&c, "an empty result").await;

            open_programme(&c, &base).await;
            c.find(Locator::Css("article.activity-card h3 a"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            wait_for_text(&c, "main", "Om aktiviteten").await;
            assert_accessible(&c, "an activity").await;

            support::goto(&c, &format!("{base}/tillganglighet")).await;
            wait_for_text(&c, "h1", "Tillgänglighetsredogörelse").await;
            assert_accessible(&c, "the accessibility statement").await;

            support::goto(&c, &format!("{base}/finns/inte")).await;
            wait_for_text(&c, "h1", "Sidan finns inte").await;
            assert_accessible(&c, "a page that does not exist").await;

            block_api(&c, true).await;
            support::goto(&c, &base).await;
            wait_for_text(&c, "main", "Programmet kunde inte hämtas").await;
            assert_accessible(&c, "the error state").await;
            block_api(&c, false).await;
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn the_closed_programme_passes_axe() {
    let opens =
        programme::time::today_in_stockholm(chrono::Utc::now()) + chrono::Duration::days(30);
    in_browser(
        move |config| config.programme_opens_on = Some(opens),
        |c, base| async move {
            support::goto(&c, &base).await;
            wait_for_text(&c, "main", "Programmet öppnar").await;
            assert_accessible(&c, "the programme before it opens").await;
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn the_programme_works_with_the_keyboard_alone() {
    use fantoccini::key::Key;
    in_browser(
        |_| {},
        |c, base| async move {
            open_programme(&c, &base).await;
            // The first Tab reaches the skip link, which jumps to the content.
            press(&c, Key::Tab).await;
            assert!(
                focused(&c).await.contains("Hoppa till innehållet"),
                "{}",
                focused(&c).await
            );
            press(&c, Key::Enter).await;
            assert!(
                focused(&c).await.starts_with("main#innehall"),
                "{}",
                focused(&c).await
            );
            // From there, past the heading, to the search.
            tab_to(&c, "input#filter-sok", 3).await;
            c.active_element()
                .await
                .unwrap()
                .send_keys("kommun")
                .await
                .unwrap();
            // Arrow keys choose in a drop-down without opening it.
            tab_to(&c, "select#filter-format", 5).await;
            press(&c, Key::Down).await;
            // The first format in the list: På plats.
            wait_for_query(&c, "the format chosen by keyboard in the URL", |q| {
                q.contains("format=physical")
            })
            .await;
            let n = shown_count(&c).await.unwrap();
            assert!(n < DEMO_ACTIVITY_COUNT);
            // Shift-Tab goes back, to the day before the format.
            c.active_element()
                .await
                .unwrap()
                .send_keys(&format!(
                    "{}{}",
                    char::from(Key::Shift),
                    char::from(Key::Tab)
                ))
                .await
                .unwrap();
            assert!(
                focused(&c).await.starts_with("select#filter-dag"),
                "{}",
                focused(&c).await
            );
            // Past the calendar links (reachable too) to the first activity,
            // and Enter opens it; focus lands on its heading.
            tab_to(&c, "a# Lägg urvalet i din kalender", 40).await;
            tab_to(&c, "a# Prenumerera på urvalet", 2).await;
            // Past the day links, to the first activity's title.
            let mut on_a_card = false;
            for _ in 0..10 {
                press(&c, Key::Tab).await;
                let here = c
                    .execute(
                        "return !!document.activeElement.closest('article.activity-card h3')",
                        vec![],
                    )
                    .await
                    .unwrap();
                if here == json!(true) {
                    on_a_card = true;
                    break;
                }
            }
            assert!(
                on_a_card,
                "Tab never reached an activity: {}",
                focused(&c).await
            );
            let title = focused(&c).await;
            assert!(title.starts_with("a#"), "{title}");
            press(&c, Key::Enter).await;
            wait_for_text(&c, "main", "Om aktiviteten").await;
            eventually("focus on the activity's heading", || async {
                Ok(focused(&c).await.starts_with("h1"))
            })
            .await;
            assert!(title.contains(&text_of(&c, "h1").await.unwrap()), "{title}");
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn the_axe_check_catches_a_real_violation() {
    // Guards the accessibility tests themselves: were axe not running, or its
    // results not read, every page would pass.
    in_browser(
        |_| {},
        |c, base| async move {
            open_programme(&c, &base).await;
            c.execute(
                "const img = document.createElement('img'); img.src = '/favicon.svg'; document.querySelector('main').append(img);",
                vec![],
            )
            .await
            .unwrap();
            let violations = axe_violations(&c).await;
            assert!(violations.iter().any(|v| v.starts_with("image-alt")), "{violations:?}");
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn the_content_security_policy_refuses_an_injected_inline_script() {
    in_browser(
        |_| {},
        |c, base| async move {
            open_programme(&c, &base).await;
            c.execute(
                "const s = document.createElement('script'); s.textContent = 'window.__injected = true'; document.body.append(s);",
                vec![],
            )
            .await
            .unwrap();
            eventually("the violation reported", || async {
                let seen = c.execute("return window.__cspViolations.length", vec![]).await.map_err(|e| e.to_string())?;
                Ok(seen.as_u64() == Some(1))
            })
            .await;
            let ran = c.execute("return window.__injected === true", vec![]).await.unwrap();
            assert_eq!(ran, json!(false), "the injected script ran");
            // Expected here; the check every test ends with must not count it.
            c.execute("window.__cspViolations = []", vec![]).await.unwrap();
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn choosing_all_of_sweden_drops_the_kommun_too() {
    // Regression: the kommun stayed in the filter, with its list hidden.
    in_browser(
        |_| {},
        |c, base| async move {
            // Malmö may have no demo activity: wait for the count, not for cards.
            support::goto(&c, &format!("{base}/?municipality=1280")).await;
            wait_for_text(&c, ".result-count", "matchar dina filter").await;
            // A kommun alone brings its län, so both choices show.
            assert_eq!(field_value(&c, "Län").await.as_deref(), Some("12"));
            assert_eq!(field_value(&c, "Kommun").await.as_deref(), Some("1280"));
            field(&c, "Län")
                .await
                .select_by_label("Hela Sverige")
                .await
                .unwrap();
            wait_for_query(&c, "no place in the URL", |q| q.is_empty()).await;
            eventually("the whole programme", || async {
                Ok(shown_count(&c).await? == DEMO_ACTIVITY_COUNT)
            })
            .await;
        },
    )
    .await;
}

/// A text fetched from the page, as the browser gets it.
async fn fetch_text(client: &Client, path: &str) -> String {
    let script = r#"
        const [path, done] = arguments;
        fetch(path).then(r => r.text()).then(done).catch(e => done('ERROR ' + e));
    "#;
    let answer = client
        .execute_async(script, vec![json!(path)])
        .await
        .unwrap();
    answer.as_str().unwrap_or_default().to_owned()
}

/// The activity ids of a calendar file, in its order.
fn calendar_ids(text: &str) -> Vec<String> {
    text.replace("\r\n ", "")
        .split("\r\n")
        .filter_map(|line| line.strip_prefix("UID:"))
        .map(|uid| uid.trim_end_matches("@innovationsveckan").to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn the_calendar_export_holds_exactly_the_activities_on_screen() {
    in_browser(
        |_| {},
        |c, base| async move {
            open_programme(&c, &base).await;
            // A län taken from the data, and the digital ones of it.
            let region = published(&c)
                .await
                .iter()
                .find_map(|a| a["region_code"].as_str().map(str::to_owned))
                .expect("an activity on site");
            field(&c, "Län")
                .await
                .select_by_value(&region)
                .await
                .unwrap();
            field(&c, "Format")
                .await
                .select_by_label("Digitalt")
                .await
                .unwrap();
            wait_for_query(&c, "both filters in the URL", |q| {
                q.contains(&format!("region={region}")) && q.contains("format=digital")
            })
            .await;
            let link = c
                .find(Locator::LinkText("Lägg urvalet i din kalender (.ics)"))
                .await
                .unwrap();
            let href = link.attr("href").await.unwrap().unwrap();
            let ids = calendar_ids(&fetch_text(&c, &href).await);
            assert_eq!(ids.len(), shown_count(&c).await.unwrap(), "{href}");
            let query = href.trim_start_matches("/api/activities.ics");
            let script = r#"
                const [path, done] = arguments;
                fetch(path).then(r => r.json()).then(b => done(b.activities.map(a => a.id)));
            "#;
            let listed = c
                .execute_async(script, vec![json!(format!("/api/activities{query}"))])
                .await
                .unwrap();
            assert_eq!(json!(ids), listed);
            let subscribe = c
                .find(Locator::LinkText("Prenumerera på urvalet"))
                .await
                .unwrap()
                .attr("href")
                .await
                .unwrap()
                .unwrap();
            assert!(
                subscribe.starts_with("webcal://") && subscribe.ends_with(query),
                "{subscribe}"
            );

            // One activity: its own file, and the Google and Outlook links.
            open_card(&c, "article.activity-card:not(.activity-card--cancelled)").await;
            let file = c
                .find(Locator::LinkText("Lägg i din kalender (.ics)"))
                .await
                .unwrap()
                .attr("href")
                .await
                .unwrap()
                .unwrap();
            let id = c
                .current_url()
                .await
                .unwrap()
                .path()
                .trim_start_matches("/aktivitet/")
                .to_owned();
            assert_eq!(calendar_ids(&fetch_text(&c, &file).await), [id]);
            let google = c
                .find(Locator::LinkText("Lägg till i Google Kalender"))
                .await
                .unwrap()
                .attr("href")
                .await
                .unwrap()
                .unwrap();
            assert!(
                google.starts_with("https://calendar.google.com/calendar/render?action=TEMPLATE")
            );
            assert!(
                c.find(Locator::LinkText("Lägg till i Outlook"))
                    .await
                    .is_ok()
            );
            assert_accessible(&c, "an activity with its calendar links").await;
        },
    )
    .await;
}

/// Waits until the service worker runs and has kept the programme's data.
async fn wait_for_the_kept_programme(c: &Client) {
    eventually("the service worker to keep the programme", || async {
        let kept = c
            .execute_async(
                r#"const done = arguments[0];
                   navigator.serviceWorker.ready
                     .then(() => caches.open('innovationsveckan-data-v1'))
                     .then(cache => Promise.all([cache.match('/api/edition'), cache.match('/api/listing')]))
                     .then(found => done(found.every(Boolean)))
                     .catch(() => done(false));"#,
                vec![],
            )
            .await
            .map_err(|e| e.to_string())?;
        Ok(kept == json!(true))
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn the_programme_and_an_activity_open_again_with_the_server_down() {
    support::wizard::with_stoppable_server(|c, base, running, config| async move {
        open_programme(&c, &base).await;
        wait_for_the_kept_programme(&c).await;
        let total = shown_count(&c).await.unwrap();
        let title = open_card(&c, "article.activity-card").await;

        running.stop().await;
        // A reload of the activity page, with nobody answering but the service worker.
        c.refresh().await.unwrap();
        wait_for_heading(&c, "the activity page offline", &title).await;
        wait_for_text(
            &c,
            "[role=status]",
            "Du läser programmet utan anslutning. Det hämtades",
        )
        .await;
        assert_accessible(&c, "an activity read offline").await;
        // Back to the programme inside the app, and a reload of it.
        c.find(Locator::LinkText("← Tillbaka till programmet"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for_programme(&c).await;
        c.refresh().await.unwrap();
        wait_for_programme(&c).await;
        assert_eq!(shown_count(&c).await.unwrap(), total);
        wait_for_text(&c, "[role=status]", "utan anslutning").await;
        assert_accessible(&c, "the programme read offline").await;

        // The server is back: the page notices by itself and drops the notice.
        let restarted = server::start(config).await.unwrap();
        eventually("the notice gone with the server back", || async {
            Ok(!text_of(&c, "main").await?.contains("utan anslutning"))
        })
        .await;
        assert_eq!(shown_count(&c).await.unwrap(), total);
        restarted.stop().await;
    })
    .await;
}

/// Runs `script` (async, its last argument the callback) in the page and
/// returns what it hands back.
async fn in_page(c: &Client, script: &str) -> serde_json::Value {
    c.execute_async(script, vec![]).await.unwrap()
}

/// Regression (issue 12, item 12): the service worker awaited `cache.put`
/// inside `respondWith`, so a full storage quota made the app's own files
/// fail to load.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn the_app_loads_through_the_service_worker_with_the_storage_quota_full() {
    in_browser(
        |_| {},
        |c, base| async move {
            open_programme(&c, &base).await;
            wait_for_the_kept_programme(&c).await;
            // Nothing of the app kept, and no room to keep anything.
            let emptied = in_page(
                &c,
                r#"const done = arguments[0];
                   caches.delete('innovationsveckan-app-v1').then(() => done(true), e => done(String(e)));"#,
            )
            .await;
            assert_eq!(emptied, json!(true));
            cdp(
                &c,
                "Storage.overrideQuotaForOrigin",
                json!({ "origin": base.trim_end_matches('/'), "quotaSize": 1 }),
            )
            .await;
            let put = in_page(
                &c,
                r#"const done = arguments[0];
                   caches.open('probe')
                     .then(cache => cache.put('/probe', new Response('x'.repeat(100000))))
                     .then(() => done('stored'), e => done(e.name));"#,
            )
            .await;
            assert_eq!(put, json!("QuotaExceededError"), "the quota is full");
            let controlled = in_page(
                &c,
                "arguments[0](Boolean(navigator.serviceWorker.controller));",
            )
            .await;
            assert_eq!(controlled, json!(true), "the page goes through the service worker");
            // A reload fetches every file of the app through it again.
            c.refresh().await.unwrap();
            wait_for_programme(&c).await;
            assert!(shown_count(&c).await.unwrap() > 0);
        },
    )
    .await;
}

/// Issue 12, item 12: on a network so slow that the server seems not to
/// answer, a page once visited comes from its kept copy after a few seconds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn a_page_falls_back_to_its_kept_copy_when_the_server_answers_too_slowly() {
    support::wizard::with_stoppable_server(|c, base, running, config| async move {
        open_programme(&c, &base).await;
        wait_for_the_kept_programme(&c).await;
        let first_card = text_of(&c, "article.activity-card h3").await.unwrap();
        running.stop().await;
        // Something listens where the server was and never answers.
        let black_hole = tokio::net::TcpListener::bind(config.addr).await.unwrap();
        let held = tokio::spawn(async move {
            let mut streams = Vec::new();
            while let Ok((stream, _)) = black_hole.accept().await {
                streams.push(stream);
            }
        });
        let asked = std::time::Instant::now();
        c.refresh().await.unwrap();
        // The page, and then the programme's data, from their kept copies.
        eventually("the kept page shown", || async {
            Ok(text_of(&c, "article.activity-card h3").await? == first_card)
        })
        .await;
        wait_for_text(&c, "[role=status]", "utan anslutning").await;
        assert!(
            asked.elapsed() >= std::time::Duration::from_secs(3),
            "the server had its chance first"
        );
        held.abort();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn starred_activities_stay_in_mitt_program_after_a_reload_and_offline() {
    support::wizard::with_stoppable_server(|c, base, running, _config| async move {
        open_programme(&c, &base).await;
        // Star the first two activities on screen.
        let cards = c
            .find_all(Locator::Css("article.activity-card"))
            .await
            .unwrap();
        let mut titles = Vec::new();
        for card in &cards[..2] {
            let title = card
                .find(Locator::Css("h3 a"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            let star = card.find(Locator::Css("button.star")).await.unwrap();
            assert_eq!(
                star.attr("aria-pressed").await.unwrap().as_deref(),
                Some("false")
            );
            star.click().await.unwrap();
            assert_eq!(
                star.attr("aria-pressed").await.unwrap().as_deref(),
                Some("true")
            );
            titles.push(title.trim_start_matches("Inställd ").to_owned());
        }
        wait_for_the_kept_programme(&c).await;
        c.refresh().await.unwrap();
        wait_for_programme(&c).await;
        let pressed = c
            .find_all(Locator::Css("button.star[aria-pressed=true]"))
            .await
            .unwrap();
        assert_eq!(pressed.len(), 2, "the stars survive a reload");

        // To Mitt program by the header's link.
        c.find(Locator::LinkText("Mitt program"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for_text(&c, "h1", "Mitt program").await;
        wait_for_text(&c, "main", "2 aktiviteter sparade.").await;
        for title in &titles {
            wait_for_text(&c, "main", title).await;
        }
        assert_accessible(&c, "Mitt program").await;

        // The calendar file is made in the browser: it downloads with the server down.
        running.stop().await;
        c.refresh().await.unwrap();
        wait_for_text(&c, "main", "2 aktiviteter sparade.").await;
        let downloads = tempfile::tempdir().unwrap();
        cdp(
            &c,
            "Page.setDownloadBehavior",
            json!({ "behavior": "allow", "downloadPath": downloads.path().to_str().unwrap() }),
        )
        .await;
        c.find(Locator::XPath(
            "//button[normalize-space()='Ladda ner Mitt program som kalenderfil (.ics)']",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
        let file = downloads.path().join("mitt-program.ics");
        // The browser makes the file before it has written it: wait for its end.
        eventually("the calendar file downloaded", || async {
            Ok(std::fs::read_to_string(&file).is_ok_and(|t| t.ends_with("END:VCALENDAR\r\n")))
        })
        .await;
        let text = std::fs::read_to_string(&file).unwrap();
        assert_eq!(calendar_ids(&text).len(), 2, "{text}");
        for title in &titles {
            let escaped = programme::ical::escape_text(title);
            assert!(text.replace("\r\n ", "").contains(&escaped), "{title}");
        }

        // Taking a star away, with the keyboard's Enter on the toggle.
        let star = c
            .find(Locator::Css("button.star[aria-pressed=true]"))
            .await
            .unwrap();
        star.send_keys("\u{E007}").await.unwrap();
        wait_for_text(&c, "main", "1 aktivitet sparad.").await;
    })
    .await;
}

/// Whether the element `css` finds is shown (not folded away).
async fn is_displayed(client: &Client, css: &str) -> bool {
    client
        .find(Locator::Css(css))
        .await
        .unwrap()
        .is_displayed()
        .await
        .unwrap()
}

/// Makes the window a phone of `width` × `height` CSS pixels.
async fn as_phone(client: &Client, width: u32, height: u32) {
    let metrics =
        json!({ "width": width, "height": height, "deviceScaleFactor": 2, "mobile": true });
    cdp(client, "Emulation.setDeviceMetricsOverride", metrics).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn on_a_320_px_phone_the_first_activity_is_on_the_first_screen() {
    in_browser(
        |_| {},
        |c, base| async move {
            // The smallest phone in use: 320 × 568 (an iPhone SE).
            as_phone(&c, 320, 568).await;
            open_programme(&c, &base).await;
            let width = c.execute("return window.innerWidth", vec![]).await.unwrap();
            assert_eq!(width.as_i64(), Some(320));
            // The count and the whole title of the first activity, unscrolled.
            let seen = c
                .execute(
                    "const h = window.innerHeight;
                     const title = document.querySelector('article.activity-card h3').getBoundingClientRect();
                     const count = document.querySelector('.result-count').getBoundingClientRect();
                     return [window.scrollY, title.bottom <= h && title.top >= 0, count.bottom <= h, title.bottom];",
                    vec![],
                )
                .await
                .unwrap();
            let shot = c.screenshot().await.unwrap();
            let shots = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
            std::fs::create_dir_all(&shots).unwrap();
            std::fs::write(shots.join("programme-320.png"), shot).unwrap();
            assert_eq!(seen[0], json!(0), "{seen}");
            assert_eq!(seen[1], json!(true), "first activity below the first screen: {seen}");
            assert_eq!(seen[2], json!(true), "{seen}");

            // The filters are folded behind one button, which opens them.
            assert!(!is_displayed(&c, "#filter-format").await);
            let toggle = c.find(Locator::Css("button.filters-toggle")).await.unwrap();
            assert_eq!(toggle.text().await.unwrap(), "Filtrera");
            assert_eq!(toggle.attr("aria-expanded").await.unwrap().as_deref(), Some("false"));
            toggle.click().await.unwrap();
            assert!(is_displayed(&c, "#filter-format").await);
            assert_eq!(toggle.attr("aria-expanded").await.unwrap().as_deref(), Some("true"));
            c.find(Locator::Id("filter-format"))
                .await
                .unwrap()
                .select_by_label("Digitalt")
                .await
                .unwrap();
            wait_for_query(&c, "the format in the URL", |q| q == "format=digital").await;
            eventually("the button to count the choice", || async {
                Ok(text_of(&c, "button.filters-toggle").await? == "Filtrera (1 valt)")
            })
            .await;
            // Folded again, the choice still counts.
            toggle.click().await.unwrap();
            assert!(!is_displayed(&c, "#filter-format").await);
            cdp(&c, "Emulation.clearDeviceMetricsOverride", json!({})).await;
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn the_day_links_jump_to_a_day_further_down_than_shown() {
    in_browser(
        |_| {},
        |c, base| async move {
            open_programme(&c, &base).await;
            let links = c.find_all(Locator::Css(".day-links a")).await.unwrap();
            let edition: serde_json::Value =
                serde_json::from_str(&fetch_text(&c, "/api/edition").await).unwrap();
            let day = |key: &str| {
                programme::time::parse_date(edition[key].as_str().unwrap()).unwrap()
            };
            let days = (day("ends_on") - day("starts_on")).num_days() + 1;
            assert_eq!(links.len() as i64, days, "a link for each day of the week");
            // The last day with activities: beyond the first page of the list.
            let last = links.last().unwrap();
            let target = last.attr("href").await.unwrap().unwrap();
            let label = last.text().await.unwrap();
            assert!(
                ["mån", "tis", "ons", "tor", "fre", "lör", "sön"]
                    .iter()
                    .any(|d| label.starts_with(d)),
                "{label}"
            );
            let heading_id = target.trim_start_matches('#').to_owned();
            assert!(
                c.find(Locator::Id(&heading_id)).await.is_err(),
                "the last day is not shown before the jump"
            );
            last.click().await.unwrap();
            eventually("the day's heading on screen with focus", || async {
                let here = c
                    .execute(
                        "const e = document.getElementById(arguments[0]);
                         if (!e) return false;
                         const r = e.getBoundingClientRect();
                         return document.activeElement === e && r.top >= 0 && r.top < window.innerHeight;",
                        vec![json!(heading_id)],
                    )
                    .await
                    .map_err(|e| e.to_string())?;
                Ok(here == json!(true))
            })
            .await;
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn back_from_an_activity_returns_to_the_same_place_in_the_list() {
    in_browser(
        |_| {},
        |c, base| async move {
            open_programme(&c, &base).await;
            let page = innovationsveckan::PAGE_SIZE;
            for _ in 0..2 {
                c.find(Locator::Css("button.show-more"))
                    .await
                    .unwrap()
                    .click()
                    .await
                    .unwrap();
            }
            eventually("three pages of the list", || async {
                Ok(card_texts(&c).await.len() == 3 * page)
            })
            .await;
            // An activity far down: its card in view, then its link followed.
            let nth = 2 * page + 5;
            let where_is =
                "const a = document.querySelectorAll('article.activity-card h3 a')[arguments[0]];
                            a.scrollIntoView({block: 'center'});
                            return [window.scrollY, a.textContent];";
            let before = c.execute(where_is, vec![json!(nth)]).await.unwrap();
            let scroll = before[0].as_f64().unwrap();
            assert!(scroll > 1000.0, "{before}");
            let title = before[1].as_str().unwrap().to_owned();
            let link = c
                .find_all(Locator::Css("article.activity-card h3 a"))
                .await
                .unwrap()
                .swap_remove(nth);
            let check_place = |how: &'static str| {
                let c = c.clone();
                let title = title.clone();
                async move {
                    wait_for_programme(&c).await;
                    eventually(how, || async {
                        let now = c
                            .execute(
                                "const f = document.activeElement;
                                 const r = f.getBoundingClientRect();
                                 return [document.querySelectorAll('article.activity-card').length,
                                         window.scrollY, f.textContent,
                                         r.top >= 0 && r.bottom <= window.innerHeight];",
                                vec![],
                            )
                            .await
                            .map_err(|e| e.to_string())?;
                        let same = now[0] == json!(3 * page)
                            && (now[1].as_f64().unwrap_or(0.0) - scroll).abs() < 2.0
                            && now[2] == json!(title)
                            && now[3] == json!(true);
                        if same {
                            Ok(true)
                        } else {
                            Err(format!("{now} (wanted {scroll}, {title})"))
                        }
                    })
                    .await;
                }
            };
            link.click().await.unwrap();
            wait_for_heading(&c, "the activity far down", &title).await;
            c.find(Locator::LinkText("← Tillbaka till programmet"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            check_place("the same place after the back link").await;

            // And with the browser's own back button.
            c.find_all(Locator::Css("article.activity-card h3 a"))
                .await
                .unwrap()
                .swap_remove(nth)
                .click()
                .await
                .unwrap();
            wait_for_heading(&c, "the activity again", &title).await;
            c.back().await.unwrap();
            check_place("the same place after the browser's back").await;
        },
    )
    .await;
}

/// A point inside the län `code` on the map, in the window's coordinates,
/// where the län is what a click hits.
async fn point_in_lan(client: &Client, code: &str) -> (f64, f64) {
    let script = r#"
        const code = arguments[0];
        const link = document.querySelector(`.map a[data-region="${code}"]`);
        link.scrollIntoView({block: 'center'});
        const path = link.querySelector('path');
        const box = path.getBoundingClientRect();
        for (let i = 1; i < 20; i++) {
            for (let j = 1; j < 20; j++) {
                const x = box.left + box.width * i / 20, y = box.top + box.height * j / 20;
                const hit = document.elementFromPoint(x, y);
                if (hit && hit.closest('a') === link) return [x, y];
            }
        }
        return null;
    "#;
    let point = client.execute(script, vec![json!(code)]).await.unwrap();
    let point = point
        .as_array()
        .unwrap_or_else(|| panic!("no point inside län {code}"));
    (point[0].as_f64().unwrap(), point[1].as_f64().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn clicking_a_lan_on_the_map_filters_the_programme_to_it() {
    use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
    in_browser(
        |_| {},
        |c, base| async move {
            open_programme(&c, &base).await;
            let all = published(&c).await;
            // The programme links to its figures.
            c.find(Locator::LinkText("Programmet i siffror"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            wait_for_heading(&c, "the figures", "Programmet i siffror").await;
            wait_for_text(
                &c,
                "main",
                &format!("{} aktiviteter i programmet", all.len()),
            )
            .await;
            assert_accessible(&c, "the programme in figures").await;
            // The län with most activities on site, from the data.
            let mut counts = std::collections::BTreeMap::<String, usize>::new();
            for a in &all {
                if a["format"] != "digital"
                    && let Some(code) = a["region_code"].as_str()
                {
                    *counts.entry(code.to_owned()).or_default() += 1;
                }
            }
            let (code, count) = counts.iter().max_by_key(|(_, n)| **n).unwrap();
            let named = c
                .find(Locator::Css(&format!(".map a[data-region=\"{code}\"]")))
                .await
                .unwrap()
                .attr("aria-label")
                .await
                .unwrap()
                .unwrap();
            assert!(
                named.ends_with(&format!(": {count} aktiviteter")),
                "{named}"
            );
            let (x, y) = point_in_lan(&c, code).await;
            let click = MouseActions::new("mus".to_owned())
                .then(PointerAction::MoveTo {
                    duration: None,
                    x,
                    y,
                })
                .then(PointerAction::Down {
                    button: MOUSE_BUTTON_LEFT,
                })
                .then(PointerAction::Up {
                    button: MOUSE_BUTTON_LEFT,
                });
            c.perform_actions(click).await.unwrap();
            wait_for_query(&c, "the län in the URL", |q| q == format!("region={code}")).await;
            wait_for_programme(&c).await;
            eventually("the programme filtered to the län", || async {
                Ok(shown_count(&c).await? == *count)
            })
            .await;
            assert_eq!(field_value(&c, "Län").await.as_deref(), Some(code.as_str()));
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn the_about_pages_and_open_data_are_reached_from_every_app_with_the_keyboard() {
    in_browser(
        |_| {},
        |c, base| async move {
            // From the registration's app, by the header's "Om".
            support::goto(&c, &format!("{base}/anmal")).await;
            wait_for_text(&c, "h1", "Anmäl").await;
            tab_to(&c, "a# Om", 30).await;
            press(&c, fantoccini::key::Key::Enter).await;
            wait_for_heading(&c, "the about page", "Om Innovationsveckan").await;
            wait_for_text(&c, "main", "SKR").await;
            // The edition's own dates, from the server.
            wait_for_text(&c, "main", " pågår ").await;
            assert_accessible(&c, "the about page").await;
            tab_to(&c, "a# Så anmäler du en aktivitet", 40).await;
            press(&c, fantoccini::key::Key::Enter).await;
            wait_for_heading(&c, "how to take part", "Så anmäler du en aktivitet").await;
            assert_accessible(&c, "how to take part").await;
            // The footer's open data, within the same app.
            c.find(Locator::LinkText("Öppna data"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            wait_for_heading(&c, "open data", "Öppna data").await;
            wait_for_text(&c, "main", "CC0").await;
            assert_accessible(&c, "open data").await;
            // Its links to the data are ordinary links out of the app.
            c.find(Locator::Css("a[href$='/api/stats']"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            wait_for_text(&c, "body", "\"total\":").await;
            c.back().await.unwrap();
            wait_for_heading(&c, "open data again", "Öppna data").await;
            // Its example addresses answer.
            // (The browser's text decoding drops the BOM; the server's tests
            // check it.)
            let csv = fetch_text(&c, "/api/activities.csv?region=01").await;
            assert!(csv.starts_with("id;titel;"), "{csv:.80}");
            // And back to the programme by the header.
            c.find(Locator::Css("header nav a[href='/']"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            wait_for_programme(&c).await;
        },
    )
    .await;
}

/// Serialises an element the same way whichever parser made it: attributes
/// sorted, comments left out, text as it is.
const SAME_MARKUP: &str = r#"
window.__canonical = (node) => {
  if (node.nodeType === Node.TEXT_NODE) return node.textContent;
  if (node.nodeType !== Node.ELEMENT_NODE) return '';
  const attributes = [...node.attributes].map((a) => `${a.name}="${a.value}"`).sort().join(' ');
  const children = [...node.childNodes].map(window.__canonical).join('');
  return `<${node.localName}${attributes ? ' ' + attributes : ''}>${children}</${node.localName}>`;
};
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn without_javascript_the_programme_and_an_activity_read_as_html() {
    in_browser(
        |_| {},
        |c, base| async move {
            cdp(
                &c,
                "Emulation.setScriptExecutionDisabled",
                json!({ "value": true }),
            )
            .await;
            c.goto(&base).await.unwrap();
            let h1 = text_of(&c, "h1").await.unwrap();
            assert!(h1.starts_with("Innovationsveckan"), "{h1}");
            assert_eq!(card_texts(&c).await.len(), innovationsveckan::PAGE_SIZE);
            assert_eq!(
                text_of(&c, ".result-count").await.unwrap(),
                format!("{DEMO_ACTIVITY_COUNT} aktiviteter i programmet.")
            );
            // The filters are an ordinary form: a choice and its button.
            c.find(Locator::Css("#filter-format option[value=digital]"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            c.find(Locator::XPath("//button[normalize-space()='Visa urvalet']"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            eventually("the filtered page", || async {
                let url = c.current_url().await.map_err(|e| e.to_string())?;
                Ok(url.query().is_some_and(|q| q.contains("format=digital")))
            })
            .await;
            let cards = card_texts(&c).await;
            assert!(!cards.is_empty());
            assert!(
                cards
                    .iter()
                    .all(|card| card.to_lowercase().contains("digitalt")),
                "{cards:?}"
            );
            // An activity's page: its heading and its description.
            let link = c
                .find(Locator::Css("article.activity-card h3 a"))
                .await
                .unwrap();
            let title = link.text().await.unwrap();
            link.click().await.unwrap();
            wait_for_heading(&c, "the activity page", &title).await;
            let about = c
                .find(Locator::XPath(
                    "//h2[normalize-space()='Om aktiviteten']/following-sibling::p",
                ))
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            assert!(about.len() > 20, "{about}");
            assert_eq!(
                c.title().await.unwrap(),
                format!("{title} – Innovationsveckan")
            );
            cdp(
                &c,
                "Emulation.setScriptExecutionDisabled",
                json!({ "value": false }),
            )
            .await;
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn the_app_takes_over_the_servers_first_screen_with_the_same_markup_and_no_shift() {
    in_browser(
        |_| {},
        |c, base| async move {
            support::goto(&c, &base).await;
            let activities = published(&c).await;
            let region = activities
                .iter()
                .find_map(|a| a["venue"]["municipality_code"].as_str())
                .map(|code| code[..2].to_owned())
                .unwrap();
            support::goto(&c, &format!("{base}/?region={region}")).await;
            c.execute(SAME_MARKUP, vec![]).await.unwrap();
            // The server's HTML of the page, read as the browser read it,
            // against what the app shows now that it runs.
            let script = r#"
                const done = arguments[arguments.length - 1];
                fetch(location.href).then((r) => r.text()).then((html) => {
                  const server = new DOMParser().parseFromString(html, 'text/html');
                  const pick = (doc, css) => [...doc.querySelectorAll(css)].map(window.__canonical);
                  done({
                    server: pick(server, 'main'),
                    app: pick(document, 'main'),
                    serverCards: pick(server, 'article.activity-card'),
                    appCards: pick(document, 'article.activity-card'),
                  });
                }).catch((e) => done({ error: String(e) }));
            "#;
            let seen = c.execute_async(script, vec![]).await.unwrap();
            let cards = seen["appCards"].as_array().unwrap();
            assert!(!cards.is_empty(), "{seen}");
            assert_eq!(seen["serverCards"], seen["appCards"]);
            assert_eq!(seen["server"], seen["app"], "the whole page, the same");
            let shift = c
                .execute("return window.__layoutShift", vec![])
                .await
                .unwrap()
                .as_f64()
                .unwrap();
            assert!(shift <= 0.01, "layout shift {shift}");
            // The app runs: a choice filters at once, without a page load.
            c.execute("window.__samePage = true", vec![]).await.unwrap();
            let format = field(&c, "Format").await;
            format
                .find(Locator::Css("option[value=digital]"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            wait_for_query(&c, "the format in the URL", |q| {
                q.contains("format=digital")
            })
            .await;
            assert_eq!(
                c.execute("return window.__samePage === true", vec![])
                    .await
                    .unwrap(),
                json!(true)
            );
            for card in card_texts(&c).await {
                assert!(card.to_lowercase().contains("digitalt"), "{card}");
            }
        },
    )
    .await;
}
