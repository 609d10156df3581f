//! End to end, the registration wizard: the real server and release build, driven
//! in headless Chromium the way an organiser would, finding fields by their
//! labels. Like tests/e2e.rs these need `dist/` and Chromium (`scripts/test.sh`).
#![cfg(not(target_arch = "wasm32"))]

mod support;

use fantoccini::Locator;
use serde_json::json;
use support::wizard::*;
use support::{assert_accessible, eventually, in_browser, text_of, wait_for_text};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn a_new_organiser_registers_an_activity_that_is_in_the_programme_once_approved() {
    in_browser(with_admin, |c, base| async move {
        support::goto(&c, &base).await;
        c.find(Locator::LinkText("Anmäl aktivitet"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for_text(&c, "h1", "Anmäl en aktivitet").await;
        assert_accessible(&c, "the start of a registration").await;
        fill_everything(&c, &base, true).await;
        let review = text_of(&c, "main").await.unwrap();
        for answer in [
            "Umeå kommun (kommun), Exempel AB (företag)",
            TITLE,
            "13.00–14.30",
            "Stadshuset, sal B, Skolgatan 31, 901 84 Umeå, Umeå kommun",
            "Data och AI",
        ] {
            assert!(
                review.contains(answer),
                "{answer:?} not in the review:\n{review}"
            );
        }
        assert_accessible(&c, "the review step").await;
        consent_and_send(&c).await;
        wait_for_text(&c, "h1", "Tack! Anmälan är skickad").await;
        wait_for_text(&c, "main", "väntar nu på granskning").await;
        assert_accessible(&c, "the confirmation").await;
        let link = value_of_id(&c, "edit-link").await;
        assert!(
            link.contains("/anmalan/") && link.contains("#nyckel="),
            "{link}"
        );

        // Waiting for review: not public yet.
        let pending = admin_list(&c, Some("pending")).await;
        assert_eq!(pending.len(), 1, "{pending:?}");
        assert_eq!(pending[0]["title"], TITLE);
        let id = pending[0]["id"].as_str().unwrap().to_owned();
        let (status, _) = api(&c, "GET", &format!("/api/activities/{id}"), None).await;
        assert_eq!(status, 404, "a pending activity is not public");

        // The private link shows the status.
        support::goto(&c, &link).await;
        wait_for_text(&c, "main", "Väntar på granskning").await;
        assert_accessible(&c, "a registration opened by its link").await;

        let (status, body) = api(
            &c,
            "POST",
            &format!("/api/admin/activities/{id}/approve"),
            None,
        )
        .await;
        assert_eq!(status, 200, "{body}");

        support::goto(&c, &format!("{base}/?q=öppna%20data%20i%20kommunen")).await;
        wait_for_text(&c, "main", TITLE).await;
        support::goto(&c, &format!("{base}/utkast")).await;
        wait_for_text(&c, "main", "Skickade anmälningar").await;
        wait_for_text(&c, "main", "Publicerad").await;
        assert_accessible(&c, "my registrations").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn reloading_mid_wizard_keeps_every_field_and_the_step() {
    in_browser(with_admin, |c, base| async move {
        fill_to_the_activity_step(&c, &base).await;
        let step_url = c.current_url().await.unwrap();
        // Straight after typing: the save must not wait for a pause.
        c.refresh().await.unwrap();
        wait_for_step(&c, "Aktivitet").await;
        assert_eq!(c.current_url().await.unwrap(), step_url);
        assert_eq!(value_of_id(&c, "title").await, TITLE);
        assert_eq!(
            value_of_id(&c, "description").await,
            "En workshop om att publicera öppna data, med exempel från tre kommuner."
        );
        let ticked = c
            .find(Locator::Id("themes-data_ai"))
            .await
            .unwrap()
            .is_selected()
            .await
            .unwrap();
        assert!(ticked, "the theme stays ticked");

        // The browser's back button goes to the previous step, with its answers.
        c.back().await.unwrap();
        wait_for_step(&c, "Arrangör").await;
        assert_eq!(value_of_id(&c, "organisers[0].name").await, "Umeå kommun");
        assert_eq!(value_of_id(&c, "organisers[1].name").await, "Exempel AB");
        assert_eq!(value_of_id(&c, "organisers[1].kind").await, "business");
        c.forward().await.unwrap();
        wait_for_step(&c, "Aktivitet").await;
        assert_eq!(value_of_id(&c, "title").await, TITLE);
        // A step the wizard does not have leads to the draft's own step.
        let unknown = step_url.as_str().replace("/aktivitet", "/betalning");
        support::goto(&c, &unknown).await;
        wait_for_step(&c, "Aktivitet").await;
        assert_eq!(c.current_url().await.unwrap(), step_url);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn a_draft_survives_closing_the_app_and_can_be_deleted() {
    in_browser(with_admin, |c, base| async move {
        fill_to_the_activity_step(&c, &base).await;
        type_into(&c, "Titel", "Utkast som ska finnas kvar").await;
        // Close the app: leave it for another site, then open it anew.
        c.goto("about:blank").await.unwrap();
        support::goto(&c, &base).await;
        c.find(Locator::LinkText("Mina anmälningar"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for_text(&c, "main", "Utkast som ska finnas kvar").await;
        wait_for_text(&c, "main", "Steg 2 av 5: Aktivitet").await;
        assert_accessible(&c, "the drafts page").await;

        c.find(Locator::XPath(
            "//a[starts-with(normalize-space(), 'Fortsätt')]",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
        wait_for_step(&c, "Aktivitet").await;
        assert_eq!(value_of_id(&c, "title").await, "Utkast som ska finnas kvar");

        support::goto(&c, &format!("{base}/utkast")).await;
        press_button(&c, "Ta bort utkastet ”Utkast som ska finnas kvar”").await;
        press_button(&c, "Ja, ta bort").await;
        wait_for_text(&c, "main", "Du har inga utkast").await;
        // The button that had focus is gone: focus is on the heading, and the
        // deletion is announced.
        let focused = c
            .execute("return document.activeElement.id", vec![])
            .await
            .unwrap();
        assert_eq!(focused, json!("mina-anmalningar"));
        wait_for_text(&c, "[role=status]", "Utkastet är borttaget.").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn an_invalid_step_shows_the_error_summary_and_the_field_messages() {
    in_browser(with_admin, |c, base| async move {
        support::goto(&c, &format!("{base}/anmal")).await;
        press_button(&c, "Börja anmälan").await;
        wait_for_step(&c, "Arrangör").await;
        type_into(&c, "Organisationens namn", "Exempel AB").await;
        c.find(Locator::Id("organisers[0].kind"))
            .await
            .unwrap()
            .select_by_value("business")
            .await
            .unwrap();
        press_button(&c, "Spara och fortsätt").await;
        wait_for_text(
            &c,
            ".error-summary",
            "Minst en arrangör eller medarrangör måste vara",
        )
        .await;
        // The summary has focus, so it is read out at once.
        let focused = c
            .execute("return document.activeElement.className", vec![])
            .await
            .unwrap();
        assert_eq!(focused, json!("error-summary"));
        assert_eq!(
            text_of(&c, "h1").await.unwrap(),
            "Arrangör",
            "still on the step"
        );
        assert!(
            c.title().await.unwrap().starts_with("Fel: "),
            "the page title says there are errors"
        );
        assert_accessible(&c, "the organiser step with an error").await;

        // Next step, nothing filled in: a message beside every field.
        c.find(Locator::Id("organisers[0].kind"))
            .await
            .unwrap()
            .select_by_value("municipality")
            .await
            .unwrap();
        press_button(&c, "Spara och fortsätt").await;
        wait_for_step(&c, "Aktivitet").await;
        press_button(&c, "Spara och fortsätt").await;
        wait_for_text(&c, ".error-summary", "Fyll i titel.").await;
        let title = c.find(Locator::Id("title")).await.unwrap();
        assert_eq!(
            title.attr("aria-invalid").await.unwrap().as_deref(),
            Some("true")
        );
        let described = title.attr("aria-describedby").await.unwrap().unwrap();
        assert!(described.contains("title-error"), "{described}");
        assert!(
            text_of(&c, "#title-error")
                .await
                .unwrap()
                .contains("Fyll i titel.")
        );
        assert!(
            text_of(&c, ".error-summary")
                .await
                .unwrap()
                .contains("Välj minst ett tema.")
        );
        // A link in the summary takes focus to its field.
        c.find(Locator::LinkText("Fyll i titel."))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let focused = c
            .execute("return document.activeElement.id", vec![])
            .await
            .unwrap();
        assert_eq!(focused, json!("title"));
        assert_accessible(&c, "the activity step with errors").await;

        // Back never validates.
        c.find(Locator::LinkText("Tillbaka"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for_step(&c, "Arrangör").await;
        assert!(c.find(Locator::Css(".error-summary")).await.is_err());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn a_registration_sent_while_the_server_is_down_is_delivered_once_when_it_is_back() {
    with_stoppable_server(|c, base, running, config| async move {
        fill_everything(&c, &base, false).await;
        // The service worker has kept the app's files by now.
        let ready = c
            .execute_async(
                "const done = arguments[0]; navigator.serviceWorker.ready.then(() => done(true));",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(ready, json!(true));

        running.stop().await;
        consent_and_send(&c).await;
        wait_for_text(&c, "h1", "Anmälan väntar på att skickas").await;
        wait_for_text(&c, "main", "Vi har inte kunnat skicka anmälan än").await;
        assert_accessible(&c, "a registration waiting to be sent").await;

        // Closing and opening the app while the server is down: the service
        // worker serves the app, and the registration is still waiting.
        c.refresh().await.unwrap();
        wait_for_text(&c, "h1", "Anmälan väntar på att skickas").await;

        let restarted = server::start(config).await.unwrap();
        // Sent by the retry timer, without anyone touching anything.
        wait_for_text(&c, "h1", "Tack! Anmälan är skickad").await;
        let pending = admin_list(&c, Some("pending")).await;
        let ours: Vec<_> = pending.iter().filter(|a| a["title"] == TITLE).collect();
        assert_eq!(ours.len(), 1, "delivered exactly once: {pending:?}");
        support::goto(&c, &format!("{base}/utkast")).await;
        wait_for_text(&c, "main", "Skickade anmälningar").await;
        let page = text_of(&c, "main").await.unwrap();
        assert!(!page.contains("Väntar på att skickas"), "{page}");
        let all = admin_list(&c, None).await;
        assert_eq!(all.iter().filter(|a| a["title"] == TITLE).count(), 1);
        restarted.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn an_unreadable_draft_is_kept_aside_and_shown() {
    in_browser(with_admin, |c, base| async move {
        support::goto(&c, &base).await;
        c.execute(
            "localStorage.setItem('iv.v1.draft.broken', '{\"version\":1,\"form\":'); \
             localStorage.setItem('iv.v1.draft.old', '{\"version\":0,\"id\":\"old\",\"titel\":\"Gammalt\"}');",
            vec![],
        )
        .await
        .unwrap();
        support::goto(&c, &format!("{base}/utkast")).await;
        wait_for_text(&c, "main", "Utkast som inte kunde läsas").await;
        let kept = c
            .execute(
                "return Object.keys(localStorage).filter(k => k.startsWith('iv.kept.')).length",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(kept, json!(2), "both kept aside, nothing dropped");
        let text = value_of_id(&c, "kept-0").await + &value_of_id(&c, "kept-1").await;
        assert!(text.contains("Gammalt"), "the old draft's text is shown: {text}");
        assert_accessible(&c, "drafts that could not be read").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn without_storage_the_wizard_warns_and_still_works() {
    in_browser(with_admin, |c, base| async move {
        // Storage that refuses every write, as in a full or locked-down browser.
        support::cdp(
            &c,
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": "Storage.prototype.setItem = function () { throw new DOMException('full', 'QuotaExceededError'); };" }),
        )
        .await;
        support::goto(&c, &format!("{base}/anmal")).await;
        wait_for_text(&c, "main", "Utkastet sparas inte").await;
        press_button(&c, "Börja anmälan").await;
        wait_for_step(&c, "Arrangör").await;
        wait_for_text(&c, "main", "Utkastet sparas inte").await;
        type_into(&c, "Organisationens namn", "Region Västerbotten").await;
        eventually("the kind to follow the name", || async {
            Ok(value_of_id(&c, "organisers[0].kind").await == "region")
        })
        .await;
        press_button(&c, "Spara och fortsätt").await;
        wait_for_step(&c, "Aktivitet").await;
        c.back().await.unwrap();
        wait_for_step(&c, "Arrangör").await;
        assert_eq!(value_of_id(&c, "organisers[0].name").await, "Region Västerbotten");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn a_waiting_registration_is_sent_when_the_programme_is_opened_next() {
    with_stoppable_server(|c, base, running, config| async move {
        fill_everything(&c, &base, false).await;
        running.stop().await;
        consent_and_send(&c).await;
        wait_for_text(&c, "h1", "Anmälan väntar på att skickas").await;
        // The organiser closes the registration; later the server is back and
        // they open the programme, which sends what waits.
        c.goto("about:blank").await.unwrap();
        let restarted = server::start(config).await.unwrap();
        support::goto(&c, &base).await;
        eventually("the outbox to be empty", || async {
            let waiting = c
                .execute(
                    "return Object.keys(localStorage).filter(k => k.startsWith('iv.v1.outbox.')).length",
                    vec![],
                )
                .await
                .map_err(|e| e.to_string())?;
            Ok(waiting == json!(0))
        })
        .await;
        let ours = admin_list(&c, Some("pending")).await;
        assert_eq!(ours.iter().filter(|a| a["title"] == TITLE).count(), 1);
        // The registration app lists it as sent, with its status, and the
        // draft is gone.
        support::goto(&c, &format!("{base}/utkast")).await;
        wait_for_text(&c, "main", "Skickade anmälningar").await;
        wait_for_text(&c, "main", "Väntar på granskning").await;
        assert!(
            c.find(Locator::XPath("//h2[normalize-space()='Utkast']"))
                .await
                .is_err(),
            "the draft left with the delivery"
        );
        restarted.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn when_storage_fills_up_the_saved_drafts_stay_and_new_text_is_kept() {
    in_browser(with_admin, |c, base| async move {
        fill_to_the_activity_step(&c, &base).await;
        type_into(&c, "Titel", "Sparat före").await;
        let step_url = c.current_url().await.unwrap();
        // From now on local storage is full: it reads, but takes no writes.
        support::cdp(
            &c,
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": "Storage.prototype.setItem = function () { throw new DOMException('full', 'QuotaExceededError'); };" }),
        )
        .await;
        support::goto(&c, &format!("{base}/utkast")).await;
        wait_for_text(&c, "main", "Sparat före").await;
        support::goto(&c, step_url.as_str()).await;
        wait_for_step(&c, "Aktivitet").await;
        assert_eq!(value_of_id(&c, "title").await, "Sparat före");
        type_into(&c, "Titel", "Skrivet när lagringen var full").await;
        wait_for_text(&c, "main", "Utkastet sparas inte").await;
        // Within the page the newer text is the one kept.
        press_button(&c, "Spara och fortsätt").await;
        wait_for_step(&c, "Tid och plats").await;
        c.back().await.unwrap();
        wait_for_step(&c, "Aktivitet").await;
        assert_eq!(value_of_id(&c, "title").await, "Skrivet när lagringen var full");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn a_registration_the_server_refuses_comes_back_to_the_form_with_its_reasons() {
    with_stoppable_server(|c, base, running, mut config| async move {
        fill_everything(&c, &base, false).await;
        running.stop().await;
        consent_and_send(&c).await;
        wait_for_text(&c, "h1", "Anmälan väntar på att skickas").await;
        // While it waits, the operator moves the week: the chosen day is no
        // longer in it, and the server says so when the registration arrives.
        let today = programme::time::today_in_stockholm(chrono::Utc::now());
        let demo = programme::demo::edition_for(today);
        config.edition_starts_on = Some(demo.starts_on + chrono::Days::new(14));
        let restarted = server::start(config).await.unwrap();
        wait_for_text(&c, "h1", "Anmälan behöver ändras").await;
        wait_for_text(&c, "main", "Välj en dag under Innovationsveckan.").await;
        assert_accessible(&c, "a refused registration").await;
        assert!(
            admin_list(&c, None)
                .await
                .iter()
                .all(|a| a["title"] != TITLE),
            "nothing stored"
        );

        c.find(Locator::LinkText("Ändra anmälan"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for_step(&c, "Granska och skicka").await;
        wait_for_text(&c, ".error-summary", "Välj en dag under Innovationsveckan.").await;
        c.find(Locator::LinkText("Välj en dag under Innovationsveckan."))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for_step(&c, "Tid och plats").await;
        // The server's reason stays beside the field it is about.
        wait_for_text(&c, "main", "Välj en dag under Innovationsveckan.").await;
        restarted.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn a_draft_open_in_two_tabs_shows_the_latest_text_in_both() {
    in_browser(with_admin, |c, base| async move {
        fill_to_the_activity_step(&c, &base).await;
        let step_url = c.current_url().await.unwrap();
        let first = c.window().await.unwrap();
        let second = c.new_window(true).await.unwrap().handle;
        c.switch_to_window(second).await.unwrap();
        support::goto(&c, step_url.as_str()).await;
        wait_for_step(&c, "Aktivitet").await;
        assert_eq!(value_of_id(&c, "title").await, TITLE);
        type_into(&c, "Titel", "Ändrad i den andra fliken").await;
        c.switch_to_window(first).await.unwrap();
        eventually("the first tab to show the other tab's text", || async {
            Ok(value_of_id(&c, "title").await == "Ändrad i den andra fliken")
        })
        .await;
    })
    .await;
}
