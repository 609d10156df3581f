//! E-mail: what the organiser and the operators are sent, written to the
//! mail folder when there is no SMTP server, and tried again after an SMTP
//! server that refuses (a real TCP listener on this machine) until it takes
//! the message.

mod common;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::StatusCode;
use common::TestApp;
use common::registration::{ADMIN_TOKEN, SUBMITTER, edited, spawn_with};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

const OPERATOR: &str = "granskning@innovationsveckan.example";

/// A message as a reader's mail program shows it.
#[derive(Debug, Clone)]
struct Mail {
    file: String,
    to: Vec<String>,
    subject: String,
    body: String,
}

fn parse(file: String, raw: &[u8]) -> Mail {
    let message = mail_parser::MessageParser::default()
        .parse(raw)
        .unwrap_or_else(|| panic!("{file} is no e-mail"));
    let to = message
        .to()
        .map(|to| {
            to.iter()
                .filter_map(|address| address.address().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    Mail {
        to,
        subject: message.subject().unwrap_or_default().to_owned(),
        body: message.body_text(0).unwrap_or_default().into_owned(),
        file,
    }
}

fn mail_folder(app: &TestApp) -> PathBuf {
    app.state.config().data_dir.join("mail")
}

/// The messages in the folder, oldest first, once there are `count` (or
/// after ten seconds, however many there are then).
async fn wait_for_folder(folder: &Path, count: usize) -> Vec<Mail> {
    let mut mails = Vec::new();
    for _ in 0..200 {
        mails = std::fs::read_dir(folder)
            .map(|entries| {
                let mut files: Vec<PathBuf> = entries
                    .filter_map(|entry| entry.ok().map(|entry| entry.path()))
                    .filter(|path| path.extension().is_some_and(|ext| ext == "eml"))
                    .collect();
                files.sort();
                files
                    .into_iter()
                    .map(|path| {
                        let name = path.file_name().unwrap().to_string_lossy().into_owned();
                        parse(name, &std::fs::read(&path).unwrap())
                    })
                    .collect()
            })
            .unwrap_or_default();
        if mails.len() >= count {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    mails
}

fn with_operators(config: &mut server::Config) {
    config.operator_emails = Some(OPERATOR.into());
    config.public_url = Some("https://program.example.se/".into());
}

fn title(body: &Value) -> String {
    body["title"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn each_step_mails_the_right_people_and_only_the_organisers_mail_has_the_edit_link() {
    let app = spawn_with(with_operators).await;
    let body = app.valid_body().await;
    let (id, token) = app.register("mail-1", &body).await;
    let edit_link = format!("https://program.example.se/anmalan/{id}#nyckel={token}");

    let mails = wait_for_folder(&mail_folder(&app), 2).await;
    assert_eq!(mails.len(), 2, "{mails:#?}");
    let receipt = mails
        .iter()
        .find(|m| m.to == [SUBMITTER])
        .expect("to the organiser");
    assert_eq!(
        receipt.subject,
        format!("Vi har tagit emot din anmälan: {}", title(&body))
    );
    assert!(receipt.body.contains(&edit_link), "{}", receipt.body);
    let review = mails
        .iter()
        .find(|m| m.to == [OPERATOR])
        .expect("to the operators");
    assert_eq!(
        review.subject,
        format!("Ny anmälan att granska: {}", title(&body))
    );
    assert!(review.body.contains("https://program.example.se/admin"));
    assert!(!review.body.contains(&token), "{}", review.body);

    // A replay of the registration sends nothing again.
    assert_eq!(app.submit("mail-1", &body).await.status, StatusCode::OK);

    // The rejection's reason goes to the organiser, with the link to change it.
    let reason = "Det framgår inte vilken offentlig aktör som är med.";
    assert_eq!(app.reject(&id, reason).await.status, StatusCode::OK);
    let mails = wait_for_folder(&mail_folder(&app), 3).await;
    assert_eq!(mails.len(), 3, "{mails:#?}");
    let rejection = &mails[2];
    assert_eq!(rejection.to, [SUBMITTER]);
    assert_eq!(
        rejection.subject,
        format!("Din anmälan har inte godkänts: {}", title(&body))
    );
    assert!(rejection.body.contains(reason), "{}", rejection.body);
    assert!(rejection.body.contains(&edit_link));

    // Changed, it comes back to the operators; approved, the organiser hears.
    let changed = edited(&body, |b| {
        b["title"] = "Öppna data, nu med en kommun".into()
    });
    let edit = app.edit(&id, Some(&token), Some("\"1\""), &changed).await;
    assert_eq!(edit.status, StatusCode::OK, "{}", edit.text());
    assert_eq!(app.approve(&id).await.status, StatusCode::OK);
    let mails = wait_for_folder(&mail_folder(&app), 5).await;
    assert_eq!(mails.len(), 5, "{mails:#?}");
    assert_eq!(mails[3].to, [OPERATOR]);
    assert_eq!(
        mails[3].subject,
        "Ändrad anmälan att granska: Öppna data, nu med en kommun"
    );
    assert_eq!(mails[4].to, [SUBMITTER]);
    assert_eq!(
        mails[4].subject,
        "Din aktivitet är godkänd: Öppna data, nu med en kommun"
    );
    assert!(
        mails[4]
            .body
            .contains(&format!("https://program.example.se/aktivitet/{id}"))
    );

    // A change of the published activity goes to the operators, saying what changed.
    let moved = edited(&changed, |b| {
        let ends = chrono::DateTime::parse_from_rfc3339(b["ends_at"].as_str().unwrap()).unwrap();
        b["ends_at"] = (ends + chrono::Duration::minutes(15)).to_rfc3339().into();
    });
    let edit = app.edit(&id, Some(&token), Some("\"2\""), &moved).await;
    assert_eq!(edit.status, StatusCode::OK, "{}", edit.text());
    let mails = wait_for_folder(&mail_folder(&app), 6).await;
    assert_eq!(mails.len(), 6, "{mails:#?}");
    assert_eq!(mails[5].to, [OPERATOR]);
    assert_eq!(
        mails[5].subject,
        "Publicerad aktivitet ändrad: Öppna data, nu med en kommun"
    );
    assert!(mails[5].body.contains("Ändrat: tid."), "{}", mails[5].body);
    // The operators' list says the same.
    let record = app.admin_record(&id).await;
    assert_eq!(record["changed_since_approval"], true);
    assert_eq!(record["changed_parts"], serde_json::json!(["time"]));

    // The token is in the organiser's messages and in no one else's.
    for mail in &mails {
        assert_eq!(
            mail.body.contains(&token),
            mail.to == [SUBMITTER],
            "{}: {}",
            mail.file,
            mail.subject
        );
    }
    let overview = app.admin_get("/api/admin/mail").await.json();
    assert_eq!(overview["sent"], 6, "{overview}");
    assert_eq!(overview["waiting"], 0);
    assert_eq!(overview["problems"], serde_json::json!([]));
}

#[tokio::test]
async fn the_outbox_holds_no_edit_token_and_survives_a_restart() {
    // An SMTP address where nobody listens: nothing can be sent.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let app = spawn_with(|c| {
        c.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        c.mail_retry_seconds = 1;
    })
    .await;
    let body = app.valid_body().await;
    let (_, token) = app.register("mail-2", &body).await;

    let outbox: Vec<(String, String)> = {
        let pool = app.database().await;
        sqlx::query_as("SELECT recipients, facts FROM mail_outbox")
            .fetch_all(&pool)
            .await
            .unwrap()
    };
    assert_eq!(outbox.len(), 1);
    assert!(outbox[0].0.contains(SUBMITTER));
    assert!(!outbox[0].1.contains(&token));

    // Once an attempt has failed (a server stopped in the middle of one
    // leaves the message to the next after the lease, two minutes)...
    for _ in 0..100 {
        let overview = app.admin_get("/api/admin/mail").await.json();
        if overview["problems"][0]["last_error"].is_string() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // ...and the server is started again without SMTP, the message waiting is written out.
    let app = app.restart(|c| c.smtp_url = None).await;
    let mails = wait_for_folder(&mail_folder(&app), 1).await;
    assert_eq!(mails.len(), 1);
    assert!(mails[0].body.contains(&token));
}

/// An SMTP server on this machine that refuses every connection while
/// `refusing`, and else takes each message.
struct SmtpServer {
    addr: std::net::SocketAddr,
    refusing: Arc<AtomicBool>,
    connections: Arc<AtomicUsize>,
    received: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl SmtpServer {
    async fn start() -> SmtpServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let server = SmtpServer {
            addr: listener.local_addr().unwrap(),
            refusing: Arc::new(AtomicBool::new(true)),
            connections: Arc::new(AtomicUsize::new(0)),
            received: Arc::new(Mutex::new(Vec::new())),
        };
        let (refusing, connections, received) = (
            Arc::clone(&server.refusing),
            Arc::clone(&server.connections),
            Arc::clone(&server.received),
        );
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                connections.fetch_add(1, Ordering::SeqCst);
                if refusing.load(Ordering::SeqCst) {
                    let mut stream = stream;
                    let _ = stream.write_all(b"554 5.3.2 No service here\r\n").await;
                    continue;
                }
                tokio::spawn(converse(stream, Arc::clone(&received)));
            }
        });
        server
    }
}

/// The server's side of SMTP, as little as lettre needs.
async fn converse(stream: tokio::net::TcpStream, received: Arc<Mutex<Vec<Vec<u8>>>>) {
    let (reader, mut writer) = stream.into_split();
    let mut reader = BufReader::new(reader);
    let _ = writer.write_all(b"220 test.localhost ESMTP\r\n").await;
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
            return;
        }
        let command = line.trim_end().to_ascii_uppercase();
        let reply: &[u8] = if command.starts_with("EHLO") || command.starts_with("HELO") {
            b"250-test.localhost\r\n250 8BITMIME\r\n"
        } else if command == "DATA" {
            let _ = writer.write_all(b"354 End with <CRLF>.<CRLF>\r\n").await;
            let mut message = Vec::new();
            loop {
                let mut data = String::new();
                if reader.read_line(&mut data).await.unwrap_or(0) == 0 {
                    return;
                }
                if data == ".\r\n" {
                    break;
                }
                message.extend_from_slice(data.strip_prefix('.').unwrap_or(&data).as_bytes());
            }
            received.lock().unwrap().push(message);
            b"250 2.0.0 Queued\r\n"
        } else if command == "QUIT" {
            let _ = writer.write_all(b"221 2.0.0 Bye\r\n").await;
            return;
        } else {
            b"250 2.0.0 OK\r\n"
        };
        let _ = writer.write_all(reply).await;
    }
}

#[tokio::test]
async fn a_message_refused_by_the_smtp_server_is_tried_again_until_it_is_taken() {
    let smtp = SmtpServer::start().await;
    let app = spawn_with(|c| {
        c.smtp_url = Some(format!("smtp://{}", smtp.addr));
        c.mail_retry_seconds = 1;
    })
    .await;
    let body = app.valid_body().await;
    let (id, token) = app.register("mail-3", &body).await;

    // Refused twice: the operators see the message, its attempts and the error.
    let mut problem = Value::Null;
    for _ in 0..100 {
        let overview = app.admin_get("/api/admin/mail").await.json();
        if overview["problems"][0]["attempts"].as_i64().unwrap_or(0) >= 2 {
            problem = overview["problems"][0].clone();
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(problem["kind"], "received", "{problem}");
    assert_eq!(problem["to"], serde_json::json!([SUBMITTER]));
    assert_eq!(problem["activity_id"], id.as_str());
    assert_eq!(problem["title"], title(&body).as_str());
    assert!(problem["next_attempt_at"].is_string(), "{problem}");
    let error = problem["last_error"].as_str().unwrap_or_default();
    assert!(error.contains("SMTP"), "{error}");
    assert!(smtp.connections.load(Ordering::SeqCst) >= 2);
    assert!(smtp.received.lock().unwrap().is_empty());

    // The server takes mail again: the next attempt delivers it, once.
    smtp.refusing.store(false, Ordering::SeqCst);
    let mut overview = Value::Null;
    for _ in 0..100 {
        overview = app.admin_get("/api/admin/mail").await.json();
        if overview["sent"] == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(overview["sent"], 1, "{overview}");
    assert_eq!(overview["waiting"], 0);
    assert_eq!(overview["problems"], serde_json::json!([]));
    let received = smtp.received.lock().unwrap().clone();
    assert_eq!(received.len(), 1);
    let mail = parse("smtp".into(), &received[0]);
    assert_eq!(mail.to, [SUBMITTER]);
    assert!(mail.subject.starts_with("Vi har tagit emot din anmälan"));
    assert!(mail.body.contains(&format!("#nyckel={token}")));
}

#[tokio::test]
async fn the_mail_overview_is_for_operators_only() {
    let app = spawn_with(|_| {}).await;
    let reply = app.admin("GET", "/api/admin/mail", None, None).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    let reply = app
        .admin("POST", "/api/admin/mail/1/retry", Some(ADMIN_TOKEN), None)
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.error(), "not_found");
}

#[tokio::test]
async fn mail_settings_that_cannot_work_are_refused_at_start() {
    for (configure, expected) in [
        (
            Box::new(|c: &mut server::Config| {
                c.operator_emails = Some("a@b.se, inte-en-adress".into())
            }) as Box<dyn FnOnce(&mut server::Config)>,
            "IV_OPERATOR_EMAILS",
        ),
        (
            Box::new(|c: &mut server::Config| c.mail_from = "Innovationsveckan".into()),
            "IV_MAIL_FROM",
        ),
        (
            Box::new(|c: &mut server::Config| c.smtp_url = Some("http://smtp.example.se".into())),
            "IV_SMTP_URL",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let mut config = common::config(dir.path().join("data")).await;
        configure(&mut config);
        let error = server::AppState::open(config)
            .await
            .err()
            .expect("refused")
            .to_string();
        assert!(error.contains(expected), "{error}");
        assert!(
            !dir.path().join("data").exists(),
            "refused before the database"
        );
    }
}

#[tokio::test]
async fn two_servers_on_one_database_send_each_message_once() {
    // Two servers on the same data folder share the outbox (and its mail
    // folder); both are woken by their own registrations and look every
    // second, so they reach for the same rows.
    let first = spawn_with(|c| {
        with_operators(c);
        c.mail_retry_seconds = 1;
    })
    .await;
    let second = TestApp::open(tempfile::tempdir().unwrap(), first.state.config().clone()).await;
    let body = first.valid_body().await;
    let mut titles = Vec::new();
    for n in 0..12 {
        let app = if n % 2 == 0 { &first } else { &second };
        let body = edited(&body, |b| {
            b["title"] = Value::from(format!("Två servrar {n}"))
        });
        titles.push(title(&body));
        app.register(&format!("two-servers-{n}"), &body).await;
    }
    let expected = 2 * titles.len();
    wait_for_folder(&mail_folder(&first), expected).await;
    // Long enough for either sender to have sent anything a second time.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let mails = wait_for_folder(&mail_folder(&first), expected).await;
    assert_eq!(mails.len(), expected, "{mails:#?}");
    for title in &titles {
        for (to, subject) in [
            (SUBMITTER, format!("Vi har tagit emot din anmälan: {title}")),
            (OPERATOR, format!("Ny anmälan att granska: {title}")),
        ] {
            let sent = mails
                .iter()
                .filter(|m| m.to == [to] && m.subject == subject)
                .count();
            assert_eq!(sent, 1, "{subject} to {to}");
        }
    }
    // A file is named by its message, so a second sending would only write
    // it again: the outbox itself says each was claimed and sent once.
    let rows: Vec<(i64, Option<String>)> =
        sqlx::query_as("SELECT attempts, sent_at FROM mail_outbox")
            .fetch_all(&first.database().await)
            .await
            .unwrap();
    assert_eq!(rows.len(), expected);
    assert!(
        rows.iter()
            .all(|(attempts, sent)| *attempts == 1 && sent.is_some()),
        "{rows:?}"
    );
}
