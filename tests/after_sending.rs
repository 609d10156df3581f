//! End to end, what follows sending a registration: the private edit link,
//! changing and cancelling without an account, "Använd som mall", and "Mina
//! anmälningar" — the real server and release build in headless Chromium,
//! moved through by clicking as an organiser does. Like the other browser
//! tests these need `dist/` and Chromium (`scripts/test.sh`).
#![cfg(not(target_arch = "wasm32"))]

mod support;

use fantoccini::Locator;
use serde_json::{Value, json};
use support::wizard::*;
use support::{
    assert_accessible, cdp, eventually, field, focused, in_browser, local_storage_keys, press,
    tab_to, text_of, wait_for_text,
};

const NEW_TITLE: &str = "Öppna data i hela länet";

/// Approves an activity as the operators do.
async fn approve(c: &fantoccini::Client, id: &str) {
    let (status, body) = api(
        c,
        "POST",
        &format!("/api/admin/activities/{id}/approve"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
}

/// The draft's id in a wizard address: `/anmal/{id}/…`.
async fn draft_id_in_address(c: &fantoccini::Client) -> String {
    let url = c.current_url().await.unwrap();
    url.path()
        .trim_start_matches("/anmal/")
        .split('/')
        .next()
        .unwrap()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn an_organiser_changes_the_title_through_the_edit_link_and_the_programme_shows_it() {
    in_browser(with_admin, |c, base| async move {
        let link = register_through_the_wizard(&c, &base).await;
        let id = admin_id_of(&c, TITLE).await;
        approve(&c, &id).await;

        // The link as it arrives by e-mail: a page load of its own.
        support::goto(&c, &link).await;
        wait_for_text(&c, "main", "Godkänd och publicerad i programmet.").await;
        assert_accessible(&c, "a published registration opened by its link").await;
        press_button(&c, "Ändra anmälan").await;
        wait_for_step(&c, "Arrangör").await;
        wait_for_text(&c, ".caption", "Ändra anmälan").await;
        assert_eq!(value_of_id(&c, "organisers[0].name").await, "Umeå kommun");
        assert_eq!(value_of_id(&c, "organisers[1].kind").await, "business");
        assert_accessible(&c, "the first step of a change").await;
        continue_to(&c, "Aktivitet").await;
        assert_eq!(value_of_id(&c, "title").await, TITLE);
        type_into(&c, "Titel", NEW_TITLE).await;
        continue_to(&c, "Tid och plats").await;
        assert_eq!(value_of_id(&c, "starts_at").await, "13.00");
        continue_to(&c, "Granska och skicka").await;
        wait_for_text(&c, "main", NEW_TITLE).await;
        assert_accessible(&c, "the review of a change").await;
        tick(
            &c,
            "Jag godkänner att uppgifterna om aktiviteten publiceras i Innovationsveckans program.",
        )
        .await;
        press_button(&c, "Skicka ändringen").await;
        wait_for_text(&c, "h1", "Ändringen är sparad").await;

        // Still published, with the new title, and marked for the operators.
        let published = admin_list(&c, Some("published")).await;
        let ours = published
            .iter()
            .find(|a| a["id"] == id.as_str())
            .expect("still published");
        assert_eq!(ours["title"], NEW_TITLE);
        assert_eq!(ours["changed_since_approval"], json!(true), "{ours}");
        support::goto(&c, &base).await;
        field(&c, "Sök")
            .await
            .send_keys("hela länet")
            .await
            .unwrap();
        wait_for_text(&c, ".programme", NEW_TITLE).await;
        // Only one activity: the change did not register a second.
        assert_eq!(
            admin_list(&c, None)
                .await
                .iter()
                .filter(|a| a["title"] == NEW_TITLE || a["title"] == TITLE)
                .count(),
            1
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn an_organiser_cancels_and_the_programme_shows_inställd_with_the_reason() {
    in_browser(with_admin, |c, base| async move {
        let link = register_through_the_wizard(&c, &base).await;
        let id = admin_id_of(&c, TITLE).await;
        approve(&c, &id).await;
        support::goto(&c, &link).await;
        press_button(&c, "Ställ in aktiviteten").await;
        // The question takes focus to the reason (in the next frame: wait for it).
        eventually("focus on the reason", || async {
            let focused = c
                .execute("return document.activeElement.id", vec![])
                .await
                .map_err(|e| e.to_string())?;
            Ok(focused == json!("cancel-reason"))
        })
        .await;
        assert_accessible(&c, "the question before cancelling").await;
        type_into(
            &c,
            "Förklaring till deltagarna (frivilligt)",
            "Föreläsaren är sjuk.",
        )
        .await;
        press_button(&c, "Ja, ställ in aktiviteten").await;
        wait_for_text(&c, "main", "Inställd.").await;
        wait_for_text(&c, "main", "Föreläsaren är sjuk.").await;
        assert!(
            c.find(Locator::XPath(
                "//button[normalize-space()='Ändra anmälan']"
            ))
            .await
            .is_err(),
            "a cancelled activity cannot be changed by its organiser"
        );
        assert_accessible(&c, "a cancelled registration").await;

        // In the programme it stays, marked.
        click_link(&c, "Se aktiviteten i programmet").await;
        wait_for_text(&c, "main", "Aktiviteten är inställd.").await;
        wait_for_text(&c, "main", "Föreläsaren är sjuk.").await;
        support::goto(&c, &format!("{base}/?q=öppna%20data%20i%20kommunen")).await;
        wait_for_text(&c, ".programme", TITLE).await;
        let card = text_of(&c, "article.activity-card--cancelled")
            .await
            .unwrap();
        assert!(
            card.starts_with("Inställd") && card.contains(TITLE),
            "{card}"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn använd_som_mall_opens_a_prefilled_draft_without_a_date() {
    in_browser(with_admin, |c, base| async move {
        support::goto(&c, &base).await;
        let link = c
            .wait()
            .at_most(support::WAIT)
            // Not a cancelled one: its link reads "Inställd" before the title.
            .for_element(Locator::Css(
                "article.activity-card:not(.activity-card--cancelled) h3 a",
            ))
            .await
            .unwrap();
        let title = link.text().await.unwrap();
        link.click().await.unwrap();
        wait_for_text(&c, "main", "Om aktiviteten").await;
        click_link(&c, "Använd som mall").await;
        wait_for_step(&c, "Arrangör").await;
        assert!(!value_of_id(&c, "organisers[0].name").await.is_empty());
        continue_to(&c, "Aktivitet").await;
        assert_eq!(value_of_id(&c, "title").await, title);
        continue_to(&c, "Tid och plats").await;
        assert_eq!(value_of_id(&c, "day").await, "", "no day");
        assert_eq!(value_of_id(&c, "starts_at").await, "", "no start");
        assert_eq!(value_of_id(&c, "ends_at").await, "", "no end");
        // It is a draft of its own, listed with the others.
        click_link(&c, "Mina anmälningar").await;
        wait_for_text(&c, "main", &title).await;
        wait_for_text(&c, "main", "Steg 3 av 5").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn clicking_a_sent_registration_in_mina_anmälningar_shows_its_status() {
    // Regression: the click showed "Vi hittar ingen anmälan för den här
    // länken" (the fragment was read before the router had moved), while the
    // same link worked on a page load.
    in_browser(with_admin, |c, base| async move {
        register_through_the_wizard(&c, &base).await;
        click_link(&c, "Mina anmälningar").await;
        wait_for_text(&c, "main", "Skickade anmälningar").await;
        c.find(Locator::XPath(&format!(
            "//h3/a[normalize-space()='{TITLE}']"
        )))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
        wait_for_text(&c, "main", "Väntar på granskning").await;
        let page = text_of(&c, "main").await.unwrap();
        assert!(!page.contains("Vi hittar ingen anmälan"), "{page}");
        // "Använd som mall" from here starts a new draft with the content.
        press_button(&c, "Använd som mall").await;
        wait_for_step(&c, "Arrangör").await;
        assert_eq!(value_of_id(&c, "organisers[0].name").await, "Umeå kommun");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn a_waiting_registration_can_be_taken_back_before_an_answer() {
    with_stoppable_server(|c, base, running, config| async move {
        fill_everything(&c, &base, false).await;
        running.stop().await;
        consent_and_send(&c).await;
        wait_for_text(&c, "h1", "Anmälan väntar på att skickas").await;
        press_button(&c, "Ta tillbaka anmälan").await;
        assert_accessible(&c, "the question before taking a registration back").await;
        press_button(&c, "Ja, ta tillbaka").await;
        wait_for_step(&c, "Granska och skicka").await;
        assert!(local_storage_keys(&c, "iv.v1.outbox").await.is_empty());
        // Back online, nothing is sent: it is a draft again.
        let restarted = server::start(config).await.unwrap();
        click_link(&c, "Mina anmälningar").await;
        wait_for_text(&c, "main", TITLE).await;
        let page = text_of(&c, "main").await.unwrap();
        assert!(
            page.contains("Utkast") && !page.contains("Skickade anmälningar"),
            "{page}"
        );
        assert!(
            admin_list(&c, None)
                .await
                .iter()
                .all(|a| a["title"] != TITLE)
        );
        restarted.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn an_answer_that_retrying_cannot_change_is_not_retried_for_ever() {
    // Regression: an outbox entry answered with 401, 403, 404, 405, 409 or
    // 500 was retried every 30 seconds for ever, and nothing on screen could
    // remove it.
    with_stoppable_server(|c, base, running, config| async move {
        fill_everything(&c, &base, false).await;
        running.stop().await;
        let (stand_in, requests) = answer_everything_with(
            config.addr,
            "404 Not Found",
            r#"{"error":"not_found","message":"Det finns ingen sådan adress i API:et."}"#,
        )
        .await;
        consent_and_send(&c).await;
        wait_for_text(&c, "h1", "Anmälan behöver ändras").await;
        wait_for_text(&c, "main", "Det finns ingen sådan adress i API:et.").await;
        // Nothing is left to send again, and the draft is there to change.
        assert!(local_storage_keys(&c, "iv.v1.outbox.").await.is_empty());
        // Longer than the first retry's pause: no second attempt.
        let seen = requests.load(std::sync::atomic::Ordering::SeqCst);
        tokio::time::sleep(std::time::Duration::from_secs(7)).await;
        assert_eq!(requests.load(std::sync::atomic::Ordering::SeqCst), seen);
        click_link(&c, "Ändra anmälan").await;
        wait_for_step(&c, "Granska och skicka").await;
        stand_in.abort();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn a_reused_idempotency_key_keeps_the_first_registration_and_sends_the_new_text_as_an_edit() {
    // Regression: 422 idempotency_key_reused sent the person back to the form,
    // which sent the same key again and got the same answer, in a loop.
    with_stoppable_server(|c, base, running, config| async move {
        fill_everything(&c, &base, false).await;
        running.stop().await;
        consent_and_send(&c).await;
        wait_for_text(&c, "h1", "Anmälan väntar på att skickas").await;
        let key = draft_id_in_address(&c).await;
        let body: String = serde_json::from_value(
            c.execute(
                "return localStorage.getItem('iv.v1.outbox.' + arguments[0])",
                vec![json!(key)],
            )
            .await
            .unwrap(),
        )
        .unwrap();
        // The same key arrived first with another text (a send from an older
        // version, say), while this browser could not reach the server.
        let mut first: Value = serde_json::from_str(&body).unwrap();
        first["title"] = json!("Första texten");
        cdp(&c, "Network.enable", json!({})).await;
        cdp(&c, "Network.setBlockedURLs", json!({ "urls": ["*/api/*"] })).await;
        let restarted = server::start(config.clone()).await.unwrap();
        let (status, answer) = raw_request(
            config.addr,
            "POST",
            "/api/activities",
            &[
                ("Content-Type", "application/json"),
                ("Idempotency-Key", &key),
            ],
            &first.to_string(),
        )
        .await;
        assert_eq!(status, 201, "{answer}");
        cdp(&c, "Network.setBlockedURLs", json!({ "urls": [] })).await;
        press_button(&c, "Försök skicka nu").await;
        wait_for_text(&c, "h1", "Ändringen är sparad").await;
        let all = admin_list(&c, None).await;
        let ours: Vec<_> = all
            .iter()
            .filter(|a| a["title"] == TITLE || a["title"] == "Första texten")
            .collect();
        assert_eq!(ours.len(), 1, "no duplicate: {ours:?}");
        assert_eq!(ours[0]["title"], TITLE, "the newer text is kept");
        restarted.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn two_tabs_editing_different_fields_within_the_save_delay_keep_both() {
    // Regression: one of the two edits was lost. Here the other tab's save
    // arrives (as the storage event another tab causes) in the same moment
    // as this tab's typing, before this tab's save delay has passed.
    in_browser(with_admin, |c, base| async move {
        fill_to_the_activity_step(&c, &base).await;
        // Let the typing so far be saved.
        tokio::time::sleep(std::time::Duration::from_millis(600)).await;
        let id = draft_id_in_address(&c).await;
        c.execute(
            r#"
            const id = arguments[0];
            const title = document.getElementById('title');
            title.value = 'Titel från den här fliken';
            title.dispatchEvent(new Event('input', { bubbles: true }));
            const key = 'iv.v1.draft.' + id;
            const draft = JSON.parse(localStorage.getItem(key));
            draft.form.summary = 'Sammanfattning från den andra fliken';
            const text = JSON.stringify(draft);
            localStorage.setItem(key, text);
            window.dispatchEvent(new StorageEvent('storage', { key, newValue: text }));
            "#,
            vec![json!(id)],
        )
        .await
        .unwrap();
        eventually("both edits on screen", || async {
            Ok(
                value_of_id(&c, "summary").await == "Sammanfattning från den andra fliken"
                    && value_of_id(&c, "title").await == "Titel från den här fliken",
            )
        })
        .await;
        tokio::time::sleep(std::time::Duration::from_millis(600)).await;
        c.refresh().await.unwrap();
        wait_for_step(&c, "Aktivitet").await;
        assert_eq!(value_of_id(&c, "title").await, "Titel från den här fliken");
        assert_eq!(
            value_of_id(&c, "summary").await,
            "Sammanfattning från den andra fliken"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn a_draft_of_a_newer_version_is_left_untouched() {
    // Regression: an older app (a tab left open across a deploy) moved a newer
    // app's drafts aside as unreadable, again and again.
    in_browser(with_admin, |c, base| async move {
        support::goto(&c, &format!("{base}/utkast")).await;
        let future = r#"{"version":99,"id":"framtid","form":{"rubrik":"Från en nyare version"}}"#;
        c.execute(
            "localStorage.setItem('iv.v1.draft.framtid', arguments[0])",
            vec![json!(future)],
        )
        .await
        .unwrap();
        c.refresh().await.unwrap();
        wait_for_text(&c, "main", "har sparats av en nyare version av sidan").await;
        assert_accessible(&c, "a draft from a newer version").await;
        let kept: Value = c
            .execute("return localStorage.getItem('iv.v1.draft.framtid')", vec![])
            .await
            .unwrap();
        assert_eq!(kept, json!(future), "left exactly as it was");
        assert!(local_storage_keys(&c, "iv.kept.").await.is_empty());
        // Opening it in this version does not move it either.
        support::goto(&c, &format!("{base}/anmal/framtid/arrangor")).await;
        wait_for_text(&c, "h1", "Ladda om sidan").await;
        assert!(local_storage_keys(&c, "iv.kept.").await.is_empty());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn a_night_activity_typed_with_commas_is_registered_and_shown_in_its_language() {
    // Regressions: "9,30" (a Swedish phone keyboard's decimal sign) and an
    // activity from 22.00 to 01.00 were refused; the activity page showed
    // language codes such as "fi" raw.
    in_browser(with_admin, |c, base| async move {
        fill_to_the_activity_step(&c, &base).await;
        field(&c, "Språk")
            .await
            .select_by_label("Finska")
            .await
            .unwrap();
        continue_to(&c, "Tid och plats").await;
        fill_time_and_place(&c).await;
        type_into(&c, "Starttid", "22,00").await;
        type_into(&c, "Sluttid", "1,00").await;
        continue_to(&c, "Anmälan och kontakt").await;
        fill_contact(&c).await;
        continue_to(&c, "Granska och skicka").await;
        wait_for_text(&c, "main", "22.00–01.00").await;
        consent_and_send(&c).await;
        wait_for_text(&c, "h1", "Tack! Anmälan är skickad").await;
        let id = admin_id_of(&c, TITLE).await;
        approve(&c, &id).await;
        support::goto(&c, &format!("{base}/?q=öppna%20data%20i%20kommunen")).await;
        click_link(&c, TITLE).await;
        wait_for_text(&c, "main", "22.00–01.00 (dagen efter)").await;
        wait_for_text(&c, "main", "Finska").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn a_rejected_registration_shows_the_reason_and_goes_back_for_review_when_changed() {
    in_browser(with_admin, |c, base| async move {
        let link = register_through_the_wizard(&c, &base).await;
        let id = admin_id_of(&c, TITLE).await;
        let (status, body) = api(
            &c,
            "POST",
            &format!("/api/admin/activities/{id}/reject"),
            Some(json!({ "reason": "Ange vilken kommun som är medarrangör." })),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        // Mina anmälningar asks the server, and shows the decision and its reason.
        click_link(&c, "Mina anmälningar").await;
        wait_for_text(&c, "main", "Avvisad").await;
        wait_for_text(&c, "main", "Ange vilken kommun som är medarrangör.").await;
        support::goto(&c, &link).await;
        wait_for_text(&c, "main", "Inte godkänd för programmet").await;
        wait_for_text(&c, "main", "Ange vilken kommun som är medarrangör.").await;
        assert_accessible(&c, "a rejected registration").await;
        press_button(&c, "Ändra anmälan").await;
        wait_for_step(&c, "Arrangör").await;
        press_button(&c, "Lägg till en medarrangör").await;
        type_into_id(&c, "organisers[2].name", "Region Västerbotten").await;
        continue_to(&c, "Granska och skicka").await;
        tick(
            &c,
            "Jag godkänner att uppgifterna om aktiviteten publiceras i Innovationsveckans program.",
        )
        .await;
        press_button(&c, "Skicka ändringen").await;
        wait_for_text(&c, "h1", "Ändringen är sparad").await;
        let pending = admin_list(&c, Some("pending")).await;
        assert!(
            pending.iter().any(|a| a["id"] == id.as_str()),
            "{pending:?}"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn an_organiser_cancels_with_the_keyboard_alone_and_wrong_links_say_so() {
    use fantoccini::key::Key;
    in_browser(with_admin, |c, base| async move {
        let link = register_through_the_wizard(&c, &base).await;
        let id = admin_id_of(&c, TITLE).await;
        approve(&c, &id).await;

        // A link with a wrong key, and a template of nothing, say what is wrong.
        support::goto(&c, &format!("{base}/anmalan/{id}#nyckel=fel")).await;
        wait_for_text(&c, "main", "Vi hittar ingen anmälan för den här länken").await;
        assert_accessible(&c, "a link with a wrong key").await;
        support::goto(&c, &format!("{base}/anmal/mall/finns-inte")).await;
        wait_for_text(&c, "main", "finns inte i programmet längre").await;
        assert_accessible(&c, "a template of an activity that does not exist").await;

        support::goto(&c, &link).await;
        wait_for_text(&c, "main", "Godkänd och publicerad i programmet.").await;
        tab_to(&c, "button# Ställ in aktiviteten", 40).await;
        press(&c, Key::Enter).await;
        eventually("focus on the reason", || async {
            Ok(focused(&c).await.starts_with("textarea#cancel-reason"))
        })
        .await;
        c.active_element()
            .await
            .unwrap()
            .send_keys("Lokalen är inte tillgänglig.")
            .await
            .unwrap();
        tab_to(&c, "button# Ja, ställ in aktiviteten", 3).await;
        press(&c, Key::Enter).await;
        wait_for_text(&c, "main", "Lokalen är inte tillgänglig.").await;
        wait_for_text(&c, "main", "Inställd.").await;
        eventually("focus back on the heading", || async {
            Ok(focused(&c).await.starts_with("h1#din-anmalan"))
        })
        .await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn an_edit_sent_while_the_server_is_down_waits_and_is_applied_once() {
    with_stoppable_server(|c, base, running, config| async move {
        let link = register_through_the_wizard(&c, &base).await;
        support::goto(&c, &link).await;
        press_button(&c, "Ändra anmälan").await;
        wait_for_step(&c, "Arrangör").await;
        continue_to(&c, "Aktivitet").await;
        type_into(&c, "Titel", NEW_TITLE).await;
        continue_to(&c, "Granska och skicka").await;
        tick(
            &c,
            "Jag godkänner att uppgifterna om aktiviteten publiceras i Innovationsveckans program.",
        )
        .await;
        running.stop().await;
        press_button(&c, "Skicka ändringen").await;
        wait_for_text(&c, "h1", "Ändringen väntar på att skickas").await;
        assert_accessible(&c, "a change waiting to be sent").await;
        // Kept apart from new registrations, so no app takes it for one.
        assert_eq!(local_storage_keys(&c, "iv.v1.outbox-edit.").await.len(), 1);
        assert!(local_storage_keys(&c, "iv.v1.outbox.").await.is_empty());
        c.refresh().await.unwrap();
        wait_for_text(&c, "h1", "Ändringen väntar på att skickas").await;
        let restarted = server::start(config).await.unwrap();
        // Sent by the retry timer, without anyone touching anything.
        wait_for_text(&c, "h1", "Ändringen är sparad").await;
        let all = admin_list(&c, None).await;
        let ours: Vec<_> = all
            .iter()
            .filter(|a| a["title"] == NEW_TITLE || a["title"] == TITLE)
            .collect();
        assert_eq!(ours.len(), 1, "changed, not registered again: {ours:?}");
        assert_eq!(ours[0]["title"], NEW_TITLE);
        assert_eq!(ours[0]["version"], json!(2), "applied once");
        click_link(&c, "Mina anmälningar").await;
        wait_for_text(&c, "main", NEW_TITLE).await;
        restarted.stop().await;
    })
    .await;
}
