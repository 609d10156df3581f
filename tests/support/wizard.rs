//! Driving the registration wizard the way an organiser does, for the
//! browser tests of registering and of what follows sending.

use fantoccini::{Client, Locator};
use serde_json::{Value, json};
use server::Config;

use super::{WAIT, assert_accessible, eventually, field, text_of, visit_with};

pub const ADMIN_TOKEN: &str = "e2e-admin-token-with-enough-length";
pub const TITLE: &str = "Öppna data i kommunen";

pub fn with_admin(config: &mut Config) {
    config.admin_token = Some(ADMIN_TOKEN.into());
}

/// Runs a test that stops the server and starts it again: the body gets the
/// browser, the address, the running server, and the settings that bring the
/// same server back (same address, same database).
pub async fn with_stoppable_server<F, Fut>(body: F)
where
    F: FnOnce(Client, String, server::RunningServer, Config) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let visit = visit_with(with_admin).await;
    let test = body(
        visit.client.clone(),
        visit.base.clone(),
        visit.server,
        visit.config.clone(),
    );
    let outcome = tokio::spawn(test).await;
    let _ = visit.client.close().await;
    if let Err(error) = outcome {
        std::panic::resume_unwind(error.into_panic());
    }
}

/// Calls the API from the page with the operators' token, as any script
/// could: (status, JSON body).
pub async fn api(c: &Client, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    api_as(c, ADMIN_TOKEN, method, path, body).await
}

/// The registrations the operator sees, by status.
pub async fn admin_list(c: &Client, status: Option<&str>) -> Vec<Value> {
    let path = match status {
        Some(status) => format!("/api/admin/activities?status={status}"),
        None => "/api/admin/activities".to_owned(),
    };
    let (code, body) = api(c, "GET", &path, None).await;
    assert_eq!(code, 200, "{body}");
    body["activities"].as_array().cloned().unwrap_or_default()
}

pub async fn type_into(c: &Client, label: &str, text: &str) {
    let input = field(c, label).await;
    input.clear().await.unwrap();
    input.send_keys(text).await.unwrap();
}

pub async fn type_into_id(c: &Client, id: &str, text: &str) {
    let input = c.find(Locator::Id(id)).await.unwrap();
    input.clear().await.unwrap();
    input.send_keys(text).await.unwrap();
}

/// Clicks the label of a checkbox or radio button, as a person does.
pub async fn tick(c: &Client, label: &str) {
    c.find(Locator::XPath(&format!(
        "//label[normalize-space()='{label}']"
    )))
    .await
    .unwrap_or_else(|e| panic!("no choice labelled {label}: {e}"))
    .click()
    .await
    .unwrap();
}

pub async fn button(c: &Client, text: &str) -> fantoccini::elements::Element {
    super::app_started(c).await;
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::XPath(&format!(
            "//button[normalize-space()='{text}']"
        )))
        .await
        .unwrap_or_else(|e| panic!("no button {text}: {e}"))
}

pub async fn press_button(c: &Client, text: &str) {
    button(c, text).await.click().await.unwrap();
}

pub async fn wait_for_step(c: &Client, title: &str) {
    eventually(&format!("the step {title}"), || async {
        Ok(text_of(c, "h1").await? == title)
    })
    .await;
}

pub async fn value_of_id(c: &Client, id: &str) -> String {
    c.find(Locator::Id(id))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default()
}

/// Starts a new registration and fills the first step.
pub async fn start_and_fill_organisers(c: &Client, base: &str) {
    c.goto(&format!("{base}/anmal")).await.unwrap();
    press_button(c, "Börja anmälan").await;
    wait_for_step(c, "Arrangör").await;
    type_into(c, "Organisationens namn", "Umeå kommun").await;
    // A known kommun name brings its kind along.
    eventually("the kind to follow the name", || async {
        Ok(value_of_id(c, "organisers[0].kind").await == "municipality")
    })
    .await;
    press_button(c, "Lägg till en medarrangör").await;
    type_into_id(c, "organisers[1].name", "Exempel AB").await;
    c.find(Locator::Id("organisers[1].kind"))
        .await
        .unwrap()
        .select_by_value("business")
        .await
        .unwrap();
}

pub async fn fill_activity(c: &Client) {
    type_into(c, "Titel", TITLE).await;
    type_into(
        c,
        "Kort sammanfattning",
        "Så kommer ni igång med öppna data.",
    )
    .await;
    type_into(
        c,
        "Beskrivning",
        "En workshop om att publicera öppna data, med exempel från tre kommuner.",
    )
    .await;
    tick(c, "Data och AI").await;
    tick(c, "Medarbetare i offentlig sektor").await;
}

/// A new registration filled as far as the activity step, which is left filled in.
pub async fn fill_to_the_activity_step(c: &Client, base: &str) {
    start_and_fill_organisers(c, base).await;
    press_button(c, "Spara och fortsätt").await;
    wait_for_step(c, "Aktivitet").await;
    fill_activity(c).await;
}

/// Every step filled, the activity titled `title`, up to the review step.
pub async fn fill_up_to_review_with_title(c: &Client, base: &str, title: &str) {
    fill_to_the_activity_step(c, base).await;
    type_into(c, "Titel", title).await;
    continue_to(c, "Tid och plats").await;
    fill_time_and_place(c).await;
    continue_to(c, "Anmälan och kontakt").await;
    fill_contact(c).await;
    continue_to(c, "Granska och skicka").await;
}

pub async fn fill_time_and_place(c: &Client) {
    // The first day of the week (the demo edition is always weeks ahead).
    field(c, "Dag").await.select_by_index(1).await.unwrap();
    type_into(c, "Starttid", "13.00").await;
    type_into(c, "Sluttid", "14.30").await;
    tick(c, "På plats och digitalt").await;
    type_into(c, "Lokal", "Stadshuset, sal B").await;
    type_into(c, "Gatuadress", "Skolgatan 31").await;
    type_into(c, "Postnummer", "901 84").await;
    type_into(c, "Ort", "Umeå").await;
    field(c, "Kommun")
        .await
        .select_by_value("2480")
        .await
        .unwrap();
    type_into(c, "Plattform", "Microsoft Teams").await;
    type_into(
        c,
        "Länk till sändningen eller mötet",
        "https://teams.example.se/mote/42",
    )
    .await;
}

pub async fn fill_contact(c: &Client) {
    type_into(c, "Kontaktperson", "Anna Andersson").await;
    type_into(c, "Kontaktpersonens e-postadress", "anna.andersson@umea.se").await;
    type_into(c, "Din e-postadress", "anna.andersson@umea.se").await;
}

/// From the start page to the review step, every step filled and checked.
pub async fn fill_everything(c: &Client, base: &str, check_each_step: bool) {
    start_and_fill_organisers(c, base).await;
    if check_each_step {
        assert_accessible(c, "the organiser step").await;
    }
    press_button(c, "Spara och fortsätt").await;
    wait_for_step(c, "Aktivitet").await;
    fill_activity(c).await;
    if check_each_step {
        assert_accessible(c, "the activity step").await;
    }
    press_button(c, "Spara och fortsätt").await;
    wait_for_step(c, "Tid och plats").await;
    fill_time_and_place(c).await;
    if check_each_step {
        assert_accessible(c, "the time and place step").await;
    }
    press_button(c, "Spara och fortsätt").await;
    wait_for_step(c, "Anmälan och kontakt").await;
    fill_contact(c).await;
    if check_each_step {
        assert_accessible(c, "the contact step").await;
    }
    press_button(c, "Spara och fortsätt").await;
    wait_for_step(c, "Granska och skicka").await;
}

pub async fn consent_and_send(c: &Client) {
    tick(
        c,
        "Jag godkänner att uppgifterna om aktiviteten publiceras i Innovationsveckans program.",
    )
    .await;
    press_button(c, "Skicka anmälan").await;
}

/// Calls the API from the page with a bearer token of one's choosing (an
/// organiser's edit token): (status, JSON body).
pub async fn api_as(
    c: &Client,
    token: &str,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let script = r#"
        const [method, path, token, body, done] = arguments;
        const headers = { 'Authorization': 'Bearer ' + token };
        if (body) headers['Content-Type'] = 'application/json';
        fetch(path, { method, headers, body: body ? JSON.stringify(body) : undefined })
          .then(async r => done([r.status, await r.json().catch(() => null)]))
          .catch(e => done([0, String(e)]));
    "#;
    let args = vec![
        json!(method),
        json!(path),
        json!(token),
        body.unwrap_or(Value::Null),
    ];
    let answer = c.execute_async(script, args).await.unwrap();
    (answer[0].as_u64().unwrap_or(0) as u16, answer[1].clone())
}

/// Clicks a link by its whole visible text.
pub async fn click_link(c: &Client, text: &str) {
    super::app_started(c).await;
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::XPath(&format!("//a[normalize-space()='{text}']")))
        .await
        .unwrap_or_else(|e| panic!("no link {text}: {e}"))
        .click()
        .await
        .unwrap();
}

/// Presses "Spara och fortsätt" until the wizard reaches the step `title`.
pub async fn continue_to(c: &Client, title: &str) {
    for _ in 0..5 {
        if text_of(c, "h1").await.is_ok_and(|h1| h1 == title) {
            return;
        }
        let before = text_of(c, "h1").await.unwrap_or_default();
        press_button(c, "Spara och fortsätt").await;
        eventually("the next step", || async {
            Ok(text_of(c, "h1").await? != before)
        })
        .await;
    }
    wait_for_step(c, title).await;
}

/// Registers an activity through the wizard and returns its private link.
pub async fn register_through_the_wizard(c: &Client, base: &str) -> String {
    fill_everything(c, base, false).await;
    consent_and_send(c).await;
    wait_for_text_in(c, "h1", "Tack! Anmälan är skickad").await;
    value_of_id(c, "edit-link").await
}

async fn wait_for_text_in(c: &Client, css: &str, text: &str) {
    eventually(&format!("{text:?} in {css}"), || async {
        Ok(text_of(c, css).await?.contains(text))
    })
    .await;
}

/// The id of the one activity the operators see with this title.
pub async fn admin_id_of(c: &Client, title: &str) -> String {
    let all = admin_list(c, None).await;
    let ours: Vec<_> = all.iter().filter(|a| a["title"] == title).collect();
    assert_eq!(ours.len(), 1, "one activity titled {title}: {all:?}");
    ours[0]["id"].as_str().unwrap().to_owned()
}

/// A request straight to the server over a socket, as another client would
/// send it: (status, body).
pub async fn raw_request(
    addr: std::net::SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// A stand-in on the server's address that answers every request with the
/// same status and JSON body (a server that has lost the activity, say), and
/// counts the requests.
pub async fn answer_everything_with(
    addr: std::net::SocketAddr,
    status: &'static str,
    body: &'static str,
) -> (
    tokio::task::JoinHandle<()>,
    std::sync::Arc<std::sync::atomic::AtomicUsize>,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    let count = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = count.clone();
    let task = tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buffer = vec![0u8; 128 * 1024];
                // One read is enough for what the browser sends here.
                let _ = stream.read(&mut buffer).await;
                let answer = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(answer.as_bytes()).await;
            });
        }
    });
    (task, count)
}
