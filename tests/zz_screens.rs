#![cfg(not(target_arch = "wasm32"))]
mod support;
use fantoccini::{Client, Locator};
use serde_json::json;
use support::{cdp, field, in_browser, wait_for_text};

async fn shot(c: &Client, name: &str, width: u32) {
    cdp(
        c,
        "Emulation.setDeviceMetricsOverride",
        json!({"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600}),
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let h = c
        .execute("return document.documentElement.scrollHeight", vec![])
        .await
        .unwrap()
        .as_u64()
        .unwrap();
    cdp(c, "Emulation.setDeviceMetricsOverride", json!({"width": width, "height": h.min(4000), "deviceScaleFactor": 1, "mobile": width < 600})).await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let png = c.screenshot().await.unwrap();
    std::fs::write(format!("/tmp/shots/{name}-{width}.png"), png).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore]
async fn screens() {
    std::fs::create_dir_all("/tmp/shots").unwrap();
    in_browser(
        |_| {},
        |c, base| async move {
            c.goto(&format!("{base}/anmal")).await.unwrap();
            wait_for_text(&c, "h1", "Anmäl en aktivitet").await;
            shot(&c, "0-start", 390).await;
            c.find(Locator::XPath(
                "//button[normalize-space()='Börja anmälan']",
            ))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
            wait_for_text(&c, "h1", "Arrangör").await;
            c.find(Locator::XPath(
                "//button[normalize-space()='Spara och fortsätt']",
            ))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            shot(&c, "1-organiser-errors", 390).await;
            shot(&c, "1-organiser-errors", 1280).await;
            field(&c, "Organisationens namn")
                .await
                .send_keys("Umeå kommun")
                .await
                .unwrap();
            c.find(Locator::XPath(
                "//button[normalize-space()='Spara och fortsätt']",
            ))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
            wait_for_text(&c, "h1", "Aktivitet").await;
            shot(&c, "2-activity", 390).await;
            let url = c
                .current_url()
                .await
                .unwrap()
                .to_string()
                .replace("aktivitet", "tid-och-plats");
            c.goto(&url).await.unwrap();
            wait_for_text(&c, "h1", "Tid och plats").await;
            c.find(Locator::XPath(
                "//label[normalize-space()='Både på plats och digitalt']",
            ))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
            shot(&c, "3-time", 390).await;
            let url = url.replace("tid-och-plats", "kontakt");
            c.goto(&url).await.unwrap();
            wait_for_text(&c, "h1", "Anmälan och kontakt").await;
            shot(&c, "4-contact", 390).await;
            let url = url.replace("kontakt", "granska");
            c.goto(&url).await.unwrap();
            wait_for_text(&c, "h1", "Granska").await;
            shot(&c, "5-review", 1280).await;
            c.goto(&format!("{base}/utkast")).await.unwrap();
            wait_for_text(&c, "h1", "Mina anmälningar").await;
            shot(&c, "6-drafts", 390).await;
        },
    )
    .await;
}
