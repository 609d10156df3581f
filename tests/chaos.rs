//! Chaos from the browser (issue 12): registrations sent through the real
//! app while the network is cut and restored, while a proxy in front of the
//! server drops requests before they reach it and drops answers after the
//! server stored what they carried, and while tabs are closed and opened
//! again. Then each registration is on the server exactly once, with what
//! was typed, and a draft typed in a tab that was closed is there to go on
//! with. Headless Chromium against the real server and release build
//! (`scripts/test.sh`).
#![cfg(not(target_arch = "wasm32"))]

mod support;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde_json::json;
use support::wizard::*;
use support::{cdp, eventually, in_browser, local_storage_keys, text_of, wait_for_text};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the proxy does with a registration or an edit on its way.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Fate {
    Pass,
    /// Closed before a byte reaches the server: nothing is stored.
    DropBefore,
    /// The server gets it whole and answers; the answer never reaches the
    /// browser: stored, and the browser does not know.
    DropAfter,
}

/// An HTTP/1.1 proxy of one request per connection, between the browser and
/// the server, that decides the fate of each `POST /api/activities` and
/// `PUT /api/activities/…` from a seeded sequence while `chaos` is on; the
/// first two are `DropAfter` and `DropBefore`, so both happen in every run.
struct Proxy {
    addr: SocketAddr,
    chaos: Arc<AtomicBool>,
    dropped_before: Arc<AtomicU32>,
    dropped_after: Arc<AtomicU32>,
}

impl Proxy {
    async fn start(upstream: SocketAddr, seed: u64) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let proxy = Proxy {
            addr: listener.local_addr().unwrap(),
            chaos: Arc::new(AtomicBool::new(false)),
            dropped_before: Arc::new(AtomicU32::new(0)),
            dropped_after: Arc::new(AtomicU32::new(0)),
        };
        let fates = Arc::new(Mutex::new((
            StdRng::seed_from_u64(seed),
            vec![Fate::DropBefore, Fate::DropAfter],
        )));
        let (chaos, before, after) = (
            proxy.chaos.clone(),
            proxy.dropped_before.clone(),
            proxy.dropped_after.clone(),
        );
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let (chaos, fates) = (chaos.clone(), fates.clone());
                let (before, after) = (before.clone(), after.clone());
                tokio::spawn(async move {
                    let decide = |head: &str| {
                        let line = head.lines().next().unwrap_or_default();
                        let sends = line.starts_with("POST /api/activities ")
                            || line.starts_with("PUT /api/activities/");
                        if !sends || !chaos.load(Ordering::SeqCst) {
                            return Fate::Pass;
                        }
                        let mut fates = fates.lock().unwrap();
                        let fate =
                            fates
                                .1
                                .pop()
                                .unwrap_or_else(|| match fates.0.random_range(0..3) {
                                    0 => Fate::DropBefore,
                                    1 => Fate::DropAfter,
                                    _ => Fate::Pass,
                                });
                        match fate {
                            Fate::DropBefore => before.fetch_add(1, Ordering::SeqCst),
                            Fate::DropAfter => after.fetch_add(1, Ordering::SeqCst),
                            Fate::Pass => 0,
                        };
                        fate
                    };
                    let _ = relay(client, upstream, decide).await;
                });
            }
        });
        proxy
    }
}

/// Relays one request: its head (with `Connection: close`, so the server
/// closes after its answer), its body, and the answer unless its fate says
/// otherwise.
async fn relay(
    mut client: TcpStream,
    upstream: SocketAddr,
    decide: impl FnOnce(&str) -> Fate,
) -> std::io::Result<()> {
    let mut head = Vec::new();
    let mut buffer = [0u8; 8192];
    let end = loop {
        let n = client.read(&mut buffer).await?;
        if n == 0 {
            return Ok(());
        }
        head.extend_from_slice(&buffer[..n]);
        if let Some(at) = head.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
    };
    let rest = head.split_off(end);
    let text = String::from_utf8_lossy(&head).into_owned();
    let fate = decide(&text);
    if fate == Fate::DropBefore {
        return Ok(());
    }
    let mut rewritten: String = text
        .trim_end_matches("\r\n")
        .split("\r\n")
        .filter(|line| !line.to_ascii_lowercase().starts_with("connection:"))
        .map(|line| format!("{line}\r\n"))
        .collect();
    rewritten.push_str("Connection: close\r\n\r\n");
    let mut server = TcpStream::connect(upstream).await?;
    server.write_all(rewritten.as_bytes()).await?;
    server.write_all(&rest).await?;
    let (mut from_client, mut to_client) = client.split();
    let (mut from_server, mut to_server) = server.split();
    let upload = tokio::io::copy(&mut from_client, &mut to_server);
    let answer = async {
        if fate == Fate::DropAfter {
            // The server's whole answer is read, and thrown away.
            tokio::io::copy(&mut from_server, &mut tokio::io::sink()).await
        } else {
            tokio::io::copy(&mut from_server, &mut to_client).await
        }
    };
    // The answer decides the end: the browser keeps its side open.
    tokio::select! {
        _ = answer => {}
        _ = async { let _ = upload.await; std::future::pending::<()>().await } => {}
    }
    Ok(())
}

/// Cuts the current tab's network, or gives it back.
async fn network(c: &Client, offline: bool) {
    cdp(c, "Network.enable", json!({})).await;
    cdp(
        c,
        "Network.emulateNetworkConditions",
        json!({ "offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1 }),
    )
    .await;
}

/// Presses "Försök skicka nu" now and then until the app says the
/// registration is sent: each try meets the proxy's chaos again.
async fn keep_trying_until_sent(c: &Client) {
    let started = Instant::now();
    loop {
        if text_of(c, "h1")
            .await
            .is_ok_and(|h1| h1.contains("Tack! Anmälan är skickad"))
        {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "never sent: {:?}",
            text_of(c, "main").await
        );
        if let Ok(retry) = c
            .find(Locator::XPath(
                "//button[normalize-space()='Försök skicka nu']",
            ))
            .await
        {
            let _ = retry.click().await;
        }
        tokio::time::sleep(Duration::from_millis(700)).await;
    }
}

/// Opens a new tab, closes the one in use, and goes on in the new one.
async fn replace_the_tab(c: &Client) {
    let new = c.new_window(true).await.unwrap();
    c.close_window().await.unwrap();
    c.switch_to_window(new.handle).await.unwrap();
}

/// The value in local storage that holds `text`, if any.
async fn stored_with(c: &Client, text: &str) -> bool {
    c.execute(
        "for (let i = 0; i < localStorage.length; i++) { \
           if ((localStorage.getItem(localStorage.key(i)) || '').includes(arguments[0])) return true; } \
         return false;",
        vec![json!(text)],
    )
    .await
    .unwrap()
        == json!(true)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs dist/ and Chromium: run scripts/test.sh"]
async fn registrations_sent_through_cuts_drops_and_closed_tabs_are_stored_exactly_once() {
    in_browser(with_admin, |c, direct| async move {
        let upstream: SocketAddr = direct.trim_start_matches("http://").parse().unwrap();
        let proxy = Proxy::start(upstream, 20_261_203).await;
        let base = format!("http://{}", proxy.addr);
        let titles = ["Kaosprov ett", "Kaosprov två", "Kaosprov tre"];

        // 1. Sent while the network is cut; the network comes back, and the
        // proxy drops the first try after the server stored it, the next
        // before it gets there.
        fill_up_to_review_with_title(&c, &base, titles[0]).await;
        proxy.chaos.store(true, Ordering::SeqCst);
        network(&c, true).await;
        consent_and_send(&c).await;
        wait_for_text(&c, "h1", "Anmälan väntar på att skickas").await;
        network(&c, false).await;
        keep_trying_until_sent(&c).await;

        // 2. Sent while cut, and the tab closed before the network is back;
        // a new tab (online) sends what waits, through the same chaos.
        fill_up_to_review_with_title(&c, &base, titles[1]).await;
        network(&c, true).await;
        consent_and_send(&c).await;
        wait_for_text(&c, "h1", "Anmälan väntar på att skickas").await;
        replace_the_tab(&c).await;
        support::goto(&c, &format!("{base}/utkast")).await;
        let started = Instant::now();
        loop {
            let main = text_of(&c, "main").await.unwrap_or_default();
            if main.contains(titles[1]) && !main.contains("Väntar på att skickas") {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(90),
                "never sent: {main}"
            );
            tokio::time::sleep(Duration::from_secs(2)).await;
            // The app's own retry waits longer than a test should; a reload,
            // as a person might do, starts the app, which sends it again.
            c.refresh().await.unwrap();
            support::app_started(&c).await;
        }

        // 3. A draft typed in a tab that is then closed: a new tab finds it
        // whole in Mina anmälningar, goes on with it and sends it.
        fill_to_the_activity_step(&c, &base).await;
        type_into(&c, "Titel", titles[2]).await;
        eventually("the draft to be saved", || async {
            Ok(stored_with(&c, titles[2]).await)
        })
        .await;
        replace_the_tab(&c).await;
        support::goto(&c, &format!("{base}/utkast")).await;
        click_link(&c, &format!("Fortsätt med {}", titles[2])).await;
        wait_for_step(&c, "Aktivitet").await;
        assert_eq!(
            value_of_id(&c, "title").await,
            titles[2],
            "nothing typed is lost"
        );
        continue_to(&c, "Tid och plats").await;
        fill_time_and_place(&c).await;
        continue_to(&c, "Anmälan och kontakt").await;
        fill_contact(&c).await;
        continue_to(&c, "Granska och skicka").await;
        consent_and_send(&c).await;
        keep_trying_until_sent(&c).await;
        proxy.chaos.store(false, Ordering::SeqCst);

        // Each exactly once, with what was typed; and the chaos happened.
        let all = admin_list(&c, None).await;
        for title in titles {
            let stored: Vec<_> = all.iter().filter(|a| a["title"] == title).collect();
            assert_eq!(stored.len(), 1, "{title}: {stored:?}");
            assert_eq!(stored[0]["summary"], "Så kommer ni igång med öppna data.");
            assert_eq!(stored[0]["contact"]["email"], "anna.andersson@umea.se");
        }
        let before = proxy.dropped_before.load(Ordering::SeqCst);
        let after = proxy.dropped_after.load(Ordering::SeqCst);
        println!("chaos: {before} sends dropped before the server, {after} after it");
        assert!(before >= 1 && after >= 1, "before {before}, after {after}");
        let waiting = local_storage_keys(&c, "iv.v1.outbox").await;
        assert!(waiting.is_empty(), "nothing left waiting: {waiting:?}");
    })
    .await;
}
