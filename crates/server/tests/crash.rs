//! The crash test (issue 12): the real server binary on a real database file,
//! registrations and operator approvals from several clients at once, the
//! server killed with SIGKILL at random moments and started again, and then,
//! on the database as the restarted server reads it: every registration a
//! client was answered 201 or 200 for is there, no registration is there
//! twice, every retried key got the activity it first made, and every
//! approval answered 200 is published.
//!
//! In the test command it runs a few kills; `scripts/crash.sh` runs the same
//! test long (`IV_CRASH_KILLS`, `IV_CRASH_CLIENTS`, `IV_CRASH_SEED`). The seed,
//! printed, repeats the kill moments; what the clients send between them
//! depends on the machine's timing.

mod common;

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use common::registration::{ADMIN_TOKEN, time, valid_body_on};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde_json::Value;
use tokio::process::Child;

/// Longer than a start of the server should ever take.
const PATIENCE: Duration = Duration::from_secs(60);

/// How long a client waits for one answer before it counts the request as
/// lost and sends it again.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

fn setting<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

/// The real binary on the database in `data`, on a port of its own, with
/// no limit the clients could reach.
async fn start(data: &Path) -> (Child, SocketAddr) {
    let settings = [
        ("IV_ADMIN_TOKEN", ADMIN_TOKEN),
        ("IV_DEMO_ACTIVITIES", "0"),
        ("IV_SUBMISSIONS_PER_HOUR", "1000000"),
        ("IV_SUBMISSIONS_PER_HOUR_PER_48", "1000000"),
        ("IV_SUBMISSIONS_PER_HOUR_TOTAL", "1000000"),
    ];
    common::start_binary(data, &settings, PATIENCE).await
}

fn kill_hard(process: &Child) {
    let pid = rustix::process::Pid::from_raw(process.id().unwrap() as i32).unwrap();
    rustix::process::kill_process(pid, rustix::process::Signal::KILL).unwrap();
}

/// What the clients were told, and what went wrong on the way.
#[derive(Default)]
struct Ledger {
    /// Idempotency key → the activity its first answer named.
    answered: HashMap<String, String>,
    /// Key → title, for the keys answered.
    titles: HashMap<String, String>,
    /// Activities whose approval was answered 200.
    approved: HashSet<String>,
    /// Answers a correct server never gives (a 5xx, a refusal of a valid
    /// body, a retried key naming another activity), with the detail.
    wrong: Vec<String>,
    /// Keys sent again after an answer, on purpose, that got the same activity.
    replays: u64,
}

struct Shared {
    addr: RwLock<SocketAddr>,
    ledger: Mutex<Ledger>,
    requests: AtomicU64,
    /// Requests that got no answer (the server was killed under them).
    unanswered: AtomicU64,
    stop: AtomicBool,
    http: reqwest::Client,
    day: NaiveDate,
}

impl Shared {
    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr.read().unwrap())
    }

    fn wrong(&self, what: String) {
        self.ledger.lock().unwrap().wrong.push(what);
    }

    /// One request; `None` when no whole answer came.
    async fn send(&self, request: reqwest::RequestBuilder) -> Option<(u16, Value)> {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let answer = async {
            let response = request.timeout(REQUEST_TIMEOUT).send().await.ok()?;
            let status = response.status().as_u16();
            let body = response.bytes().await.ok()?;
            Some((status, serde_json::from_slice(&body).unwrap_or(Value::Null)))
        }
        .await;
        if answer.is_none() {
            self.unanswered.fetch_add(1, Ordering::Relaxed);
        }
        answer
    }

    /// Registers under `key` until an answer comes (the server may be
    /// down for a while); the activity's id, or `None` after a wrong answer.
    async fn register(&self, key: &str, body: &Value) -> Option<String> {
        loop {
            let request = self
                .http
                .post(self.url("/api/activities"))
                .header("content-type", "application/json")
                .header("idempotency-key", key)
                .body(body.to_string());
            match self.send(request).await {
                Some((201 | 200, answer)) => {
                    return answer["id"].as_str().map(str::to_owned).or_else(|| {
                        self.wrong(format!("{key}: an answer with no id: {answer}"));
                        None
                    });
                }
                // Busy or starting: the documented answers to try again.
                Some((429 | 503, _)) => {}
                Some((status, answer)) => {
                    self.wrong(format!("{key}: {status} {answer}"));
                    return None;
                }
                None => {}
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn record(&self, key: &str, title: &str, id: &str) {
        let mut ledger = self.ledger.lock().unwrap();
        match ledger.answered.get(key) {
            Some(first) if first != id => {
                let first = first.clone();
                ledger.wrong.push(format!("{key} named {first}, then {id}"));
            }
            Some(_) => ledger.replays += 1,
            None => {
                ledger.answered.insert(key.to_owned(), id.to_owned());
                ledger.titles.insert(key.to_owned(), title.to_owned());
            }
        }
    }
}

/// An organiser's client: new registrations one after the other, each sent
/// until answered, and now and then the same key again, as a client does
/// that lost the answer.
async fn organiser(shared: Arc<Shared>, client: usize, seed: u64) {
    let mut rng = StdRng::seed_from_u64(seed ^ (client as u64).wrapping_mul(0x9e37_79b9));
    let mut n = 0;
    while !shared.stop.load(Ordering::Relaxed) {
        n += 1;
        let key = format!("krock-{client}-{n}");
        let title = format!("Krocktest {client}-{n}");
        let mut body = valid_body_on(shared.day, time(9, 0), time(10, 0));
        body["title"] = Value::from(title.clone());
        let Some(id) = shared.register(&key, &body).await else {
            continue;
        };
        shared.record(&key, &title, &id);
        if rng.random_range(0..4) == 0
            && let Some(again) = shared.register(&key, &body).await
        {
            shared.record(&key, &title, &again);
        }
    }
}

/// The operators' client: approves what waits, as fast as it can.
async fn operator(shared: Arc<Shared>) {
    while !shared.stop.load(Ordering::Relaxed) {
        let list = shared
            .http
            .get(shared.url("/api/admin/activities?status=pending"));
        let Some((200, list)) = shared.send(list.bearer_auth(ADMIN_TOKEN)).await else {
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        };
        let ids: Vec<String> = list["activities"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|a| a["id"].as_str().map(str::to_owned))
            .take(5)
            .collect();
        if ids.is_empty() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        for id in ids {
            let path = format!("/api/admin/activities/{id}/approve");
            let approve = shared.http.post(shared.url(&path)).bearer_auth(ADMIN_TOKEN);
            match shared.send(approve).await {
                Some((200, _)) => {
                    shared.ledger.lock().unwrap().approved.insert(id);
                }
                Some((429 | 503, _)) | None => {}
                Some((status, answer)) => {
                    shared.wrong(format!("approving {id}: {status} {answer}"))
                }
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_answered_is_lost_and_nothing_is_stored_twice_across_sigkills() {
    let kills: u32 = setting("IV_CRASH_KILLS", 6);
    let clients: usize = setting("IV_CRASH_CLIENTS", 3);
    let seed: u64 = setting("IV_CRASH_SEED", 20_261_203);
    // The longest run of the server between two kills, in milliseconds.
    let longest: u64 = setting("IV_CRASH_MAX_UP_MS", 700);
    println!(
        "crash test: seed {seed}, {kills} kills, {clients} clients (IV_CRASH_SEED repeats it)"
    );

    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (mut server, addr) = start(&data).await;
    let edition: Value = reqwest::get(format!("http://{addr}/api/edition"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let starts_on: NaiveDate = edition["starts_on"].as_str().unwrap().parse().unwrap();
    let shared = Arc::new(Shared {
        addr: RwLock::new(addr),
        ledger: Mutex::default(),
        requests: AtomicU64::new(0),
        unanswered: AtomicU64::new(0),
        stop: AtomicBool::new(false),
        http: reqwest::Client::builder()
            .pool_max_idle_per_host(0)
            .build()
            .unwrap(),
        day: starts_on + chrono::Duration::days(1),
    });
    let mut tasks = Vec::new();
    for client in 0..clients {
        tasks.push(tokio::spawn(organiser(shared.clone(), client, seed)));
    }
    tasks.push(tokio::spawn(operator(shared.clone())));

    let mut rng = StdRng::seed_from_u64(seed);
    let began = Instant::now();
    for _ in 0..kills {
        tokio::time::sleep(Duration::from_millis(rng.random_range(20..=longest))).await;
        kill_hard(&server);
        let status = server.wait().await.unwrap();
        assert!(!status.success(), "killed, not ended: {status}");
        let (again, addr) = start(&data).await;
        server = again;
        *shared.addr.write().unwrap() = addr;
    }
    // Let every client finish the key it is on (each is sent until answered),
    // then one more kill with nothing in flight, and a last start to read.
    tokio::time::sleep(Duration::from_millis(200)).await;
    shared.stop.store(true, Ordering::Relaxed);
    for task in tasks {
        tokio::time::timeout(PATIENCE, task)
            .await
            .expect("the clients finished")
            .unwrap();
    }
    kill_hard(&server);
    server.wait().await.unwrap();
    let (server, addr) = start(&data).await;
    *shared.addr.write().unwrap() = addr;
    let took = began.elapsed();

    let list = shared.http.get(shared.url("/api/admin/activities"));
    let (status, list) = shared.send(list.bearer_auth(ADMIN_TOKEN)).await.unwrap();
    assert_eq!(status, 200, "{list}");
    let stored: Vec<&Value> = list["activities"].as_array().unwrap().iter().collect();
    let mut by_title: HashMap<&str, Vec<&Value>> = HashMap::new();
    for activity in &stored {
        by_title
            .entry(activity["title"].as_str().unwrap())
            .or_default()
            .push(activity);
    }
    let by_id: HashMap<&str, &Value> = stored
        .iter()
        .map(|a| (a["id"].as_str().unwrap(), *a))
        .collect();

    let ledger = shared.ledger.lock().unwrap();
    let lost: Vec<&String> = ledger
        .answered
        .iter()
        .filter(|(key, id)| {
            by_id
                .get(id.as_str())
                .is_none_or(|a| a["title"].as_str() != ledger.titles.get(*key).map(String::as_str))
        })
        .map(|(key, _)| key)
        .collect();
    let duplicated: Vec<&&str> = by_title
        .iter()
        .filter(|(_, same)| same.len() > 1)
        .map(|(title, _)| title)
        .collect();
    let unapproved: Vec<&String> = ledger
        .approved
        .iter()
        .filter(|id| {
            by_id
                .get(id.as_str())
                .is_none_or(|a| a["status"] != "published")
        })
        .collect();
    let requests = shared.requests.load(Ordering::Relaxed);
    println!(
        "crash test: {kills} kills, {requests} requests ({} unanswered, sent again), \
         {} registrations, {} replays, {} approvals, {} lost, {} duplicated, {} approvals lost \
         in {:.1} s",
        shared.unanswered.load(Ordering::Relaxed),
        ledger.answered.len(),
        ledger.replays,
        ledger.approved.len(),
        lost.len(),
        duplicated.len(),
        unapproved.len(),
        took.as_secs_f64(),
    );
    assert!(
        ledger.wrong.is_empty(),
        "wrong answers: {:#?}",
        ledger.wrong
    );
    assert!(lost.is_empty(), "answered but not stored: {lost:?}");
    assert!(duplicated.is_empty(), "stored twice: {duplicated:?}");
    assert!(
        unapproved.is_empty(),
        "approved but not published: {unapproved:?}"
    );
    // Nothing stored that no client was told of: each stored registration is
    // one a key was answered for.
    assert_eq!(
        stored.len(),
        ledger.answered.len(),
        "stored against answered"
    );
    // The run did what it is for: several registrations between the kills.
    assert!(
        ledger.answered.len() as u32 > kills,
        "too few registrations to tell"
    );
    drop(server);
}
