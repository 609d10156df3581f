//! End to end, the operators' app at `/admin`: signing in, the queue, approving
//! and rejecting, in headless Chromium against the real server and release
//! build (`scripts/test.sh`).
#![cfg(not(target_arch = "wasm32"))]

mod support;

use fantoccini::Locator;
use support::wizard::*;
use support::{
    assert_accessible, eventually, focused, in_browser, press, tab_to, text_of, wait_for_text,
};

const SECOND: &str = "Digitalt samråd om nya torget";

/// Registers a second activity through the wizard, with another title.
async fn register_another(c: &fantoccini::Client, base: &str) {
    fill_up_to_review_with_title(c, base, SECOND).await;
    consent_and_send(c).await;
    wait_for_text(c, "h1", "Tack! Anmälan är skickad").await;
}

async fn sign_in(c: &fantoccini::Client, base: &str, token: &str) {
    support::goto(c, &format!("{base}/admin")).await;
    wait_for_text(c, "h1", "Logga in för att granska").await;
    type_into(c, "Operatörsnyckel", token).await;
    press_button(c, "Logga in").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn an_operator_rejects_one_approves_another_and_only_that_one_is_in_the_programme() {
    in_browser(with_admin, |c, base| async move {
        register_through_the_wizard(&c, &base).await;
        register_another(&c, &base).await;

        // A wrong key is refused without detail.
        sign_in(&c, &base, "fel-nyckel-som-inte-finns-alls-i-servern").await;
        wait_for_text(&c, "main", "Nyckeln stämmer inte").await;
        assert_accessible(&c, "a refused sign-in").await;
        type_into(&c, "Operatörsnyckel", ADMIN_TOKEN).await;
        press_button(&c, "Logga in").await;
        wait_for_text(&c, "main", "Väntar på granskning (2)").await;
        // The queue shows the public-sector rule as checked.
        wait_for_text(&c, "main", "Uppfyllt: Offentlig part: Umeå kommun.").await;
        assert_accessible(&c, "the moderation queue").await;

        press_button(&c, &format!("Avvisa ”{SECOND}”")).await;
        assert_accessible(&c, "rejecting with a reason").await;
        c.find(Locator::XPath(
            "//label[normalize-space()='Ingen offentlig part']",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
        type_into(
            &c,
            "Mer om skälet (visas för arrangören)",
            "Region Skåne står bara som talare.",
        )
        .await;
        press_button(&c, "Avvisa aktiviteten").await;
        wait_for_text(&c, "main", "Väntar på granskning (1)").await;
        wait_for_text(&c, "[role=status]", "är avvisad").await;
        press_button(&c, &format!("Godkänn ”{TITLE}”")).await;
        wait_for_text(&c, "main", "Väntar på granskning (0)").await;
        wait_for_text(&c, "ol.audit", &format!("operatör avvisade ”{SECOND}”.")).await;
        wait_for_text(&c, "ol.audit", "Region Skåne står bara som talare.").await;

        // Only the approved one is public.
        support::goto(&c, &format!("{base}/?q=öppna%20data%20i%20kommunen")).await;
        wait_for_text(&c, ".programme", TITLE).await;
        support::goto(&c, &format!("{base}/?q=samråd%20om%20nya%20torget")).await;
        wait_for_text(&c, "main", "Inga aktiviteter matchar").await;

        // The organiser reads the reason in Mina anmälningar.
        support::goto(&c, &format!("{base}/utkast")).await;
        wait_for_text(&c, "main", "Avvisad").await;
        wait_for_text(&c, "main", "Region Skåne står bara som talare.").await;
        wait_for_text(&c, "main", "ingen arrangör från offentlig sektor").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn an_operator_approves_an_activity_with_the_keyboard_alone() {
    use fantoccini::key::Key;
    in_browser(with_admin, |c, base| async move {
        register_through_the_wizard(&c, &base).await;
        support::goto(&c, &format!("{base}/admin")).await;
        wait_for_text(&c, "h1", "Logga in för att granska").await;
        tab_to(&c, "input#admin-token", 10).await;
        c.active_element()
            .await
            .unwrap()
            .send_keys(ADMIN_TOKEN)
            .await
            .unwrap();
        press(&c, Key::Enter).await;
        wait_for_text(&c, "main", "Väntar på granskning (1)").await;
        tab_to(&c, &format!("button# Godkänn ”{TITLE}”"), 40).await;
        press(&c, Key::Enter).await;
        wait_for_text(&c, "main", "Väntar på granskning (0)").await;
        eventually("focus on the queue's heading", || async {
            Ok(focused(&c).await.starts_with("h2#koen"))
        })
        .await;
        let published = admin_list(&c, Some("published")).await;
        assert!(published.iter().any(|a| a["title"] == TITLE));
        assert!(text_of(&c, "main").await.unwrap().contains("Publicerad"));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn an_operator_undoes_a_cancellation_sees_the_mail_trouble_and_the_organiser_reads_both() {
    // An SMTP server that is not there: every message fails and waits.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let configure = move |config: &mut server::Config| {
        with_admin(config);
        config.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
    };
    in_browser(configure, |c, base| async move {
        let link = register_through_the_wizard(&c, &base).await;
        let id = admin_id_of(&c, TITLE).await;
        let (code, body) = api(
            &c,
            "POST",
            &format!("/api/admin/activities/{id}/approve"),
            None,
        )
        .await;
        assert_eq!(code, 200, "{body}");
        let token = link.split("#nyckel=").nth(1).unwrap().to_owned();
        let (code, body) = api_as(
            &c,
            &token,
            "POST",
            &format!("/api/activities/{id}/cancel"),
            Some(serde_json::json!({ "reason": "Lokalen är dubbelbokad." })),
        )
        .await;
        assert_eq!(code, 200, "{body}");

        sign_in(&c, &base, ADMIN_TOKEN).await;
        wait_for_text(&c, "main", "Inloggad som operatör.").await;
        // Listed with the demo week's own cancelled activities.
        wait_for_text(&c, "main", "Inställda (").await;
        wait_for_text(&c, "main", "Skäl: Lokalen är dubbelbokad.").await;
        // The receipt could not be sent: the operators see it waiting, with the error.
        wait_for_text(&c, "main", "Kvitto till arrangören om").await;
        wait_for_text(&c, "main", "Senaste felet: SMTP").await;
        // The latest decisions, newest first.
        wait_for_text(&c, "ol.audit", &format!("Arrangören ställde in ”{TITLE}”.")).await;
        wait_for_text(&c, "ol.audit", &format!("operatör godkände ”{TITLE}”.")).await;
        assert_accessible(
            &c,
            "the operators' screen with a cancellation and mail trouble",
        )
        .await;
        // A picture of the operators' screen, for whoever reads the results.
        let shots = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
        std::fs::create_dir_all(&shots).unwrap();
        std::fs::write(shots.join("admin.png"), c.screenshot().await.unwrap()).unwrap();

        press_button(&c, &format!("Ångra inställningen av ”{TITLE}”")).await;
        wait_for_text(&c, "[role=status]", "Den finns i programmet igen.").await;
        let undo = format!("//button[normalize-space()='Ångra inställningen av ”{TITLE}”']");
        eventually("the undo gone with the cancellation", || async {
            Ok(c.find(Locator::XPath(&undo)).await.is_err())
        })
        .await;
        wait_for_text(
            &c,
            "ol.audit",
            &format!("operatör ångrade inställningen av ”{TITLE}”."),
        )
        .await;
        let published = admin_list(&c, Some("published")).await;
        assert!(published.iter().any(|a| a["id"] == id.as_str()));

        // The organiser's page tells what happened, without the operator's name.
        support::goto(&c, &link).await;
        wait_for_text(&c, "main", "Vad har hänt").await;
        wait_for_text(
            &c,
            "ol.history",
            "Du ställde in aktiviteten. Förklaring: Lokalen är dubbelbokad.",
        )
        .await;
        wait_for_text(&c, "ol.history", "Redaktionen ångrade inställningen.").await;
        wait_for_text(&c, "main", "Godkänd och publicerad i programmet.").await;
        assert!(!text_of(&c, "main").await.unwrap().contains("operatör"));
        assert_accessible(&c, "a registration with its history").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn an_operator_erases_one_persons_data_on_request() {
    in_browser(with_admin, |c, base| async move {
        register_through_the_wizard(&c, &base).await;
        sign_in(&c, &base, ADMIN_TOKEN).await;
        wait_for_text(&c, "main", "Väntar på granskning (1)").await;

        // Not an address: said at the field, and nothing is asked or erased.
        type_into(&c, "E-postadress", "anna.andersson").await;
        press_button(&c, "Ta bort uppgifterna").await;
        wait_for_text(
            &c,
            ".field-error",
            "Skriv e-postadressen i formatet namn@exempel.se.",
        )
        .await;
        assert_accessible(&c, "an erasure with a wrong address").await;
        assert!(c.find(Locator::Id("radera-bekrafta")).await.is_err());

        // The confirmation names the address; only "Ja" erases.
        type_into(&c, "E-postadress", "Anna.Andersson@umea.se").await;
        press_button(&c, "Ta bort uppgifterna").await;
        wait_for_text(
            &c,
            ".confirm",
            "Ta bort alla uppgifter om Anna.Andersson@umea.se?",
        )
        .await;
        assert_accessible(&c, "confirming an erasure").await;
        press_button(&c, "Ja, ta bort dem").await;
        wait_for_text(&c, "[role=status]", "togs bort ur 1 aktivitet och").await;
        wait_for_text(
            &c,
            "ol.audit",
            &format!("operatör tog bort personuppgifterna i ”{TITLE}”."),
        )
        .await;

        let all = admin_list(&c, None).await;
        let activity = all.iter().find(|a| a["title"] == TITLE).unwrap();
        assert_eq!(activity["contact"]["email"], "", "{activity}");
        assert_eq!(activity["contact"]["name"], "", "{activity}");
        assert!(activity["submitter_email"].is_null(), "{activity}");
    })
    .await;
}
