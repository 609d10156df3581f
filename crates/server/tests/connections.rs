//! Slow and hostile clients over real sockets (issue 12, items 1 and 2): a
//! half-sent request or an idle connection is closed after the header
//! timeout, a body after the body timeout, connections over the limits are
//! closed at once while the server goes on answering, and SIGTERM ends the
//! real binary within its grace period with a stuck upload open.
//!
//! Bounds on time here are generous upper limits (a closed connection must
//! come, a process must end); only "not before the timeout" is exact.

mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use server::Config;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

const GET_EDITION: &[u8] =
    b"GET /api/edition HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";

/// Longer than any close these tests wait for should take.
const PATIENCE: Duration = Duration::from_secs(15);

async fn start(configure: impl FnOnce(&mut Config)) -> (tempfile::TempDir, server::RunningServer) {
    let dir = tempfile::tempdir().unwrap();
    let mut config = common::config(dir.path().join("data")).await;
    configure(&mut config);
    let running = server::start(config).await.unwrap();
    (dir, running)
}

/// A connection from `from` (any 127.x address: Linux's loopback takes them
/// all) that has sent `bytes`.
async fn connect_from(addr: SocketAddr, from: [u8; 4], bytes: &[u8]) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(SocketAddr::from((from, 0))).unwrap();
    let mut stream = socket.connect(addr).await.unwrap();
    if !bytes.is_empty() {
        stream.write_all(bytes).await.unwrap();
    }
    stream
}

/// Reads until the server closes the connection; what it sent before.
async fn read_until_closed(stream: &mut TcpStream) -> String {
    let mut all = Vec::new();
    let mut buffer = [0; 4096];
    loop {
        match tokio::time::timeout(PATIENCE, stream.read(&mut buffer)).await {
            Err(_) => panic!("the server kept the connection open for {PATIENCE:?}"),
            Ok(Ok(0) | Err(_)) => return String::from_utf8_lossy(&all).into_owned(),
            Ok(Ok(read)) => all.extend_from_slice(&buffer[..read]),
        }
    }
}

/// A whole request for the edition from `from`, and the answer.
async fn get_edition_from(addr: SocketAddr, from: [u8; 4]) -> String {
    let mut stream = connect_from(addr, from, GET_EDITION).await;
    read_until_closed(&mut stream).await
}

#[tokio::test]
async fn a_half_sent_request_is_closed_after_the_header_timeout() {
    let (_dir, running) = start(|config| config.header_timeout_seconds = 1).await;
    let sent = Instant::now();
    let mut half = connect_from(
        running.addr,
        [127, 0, 0, 1],
        b"GET /api/edition HTTP/1.1\r\nHost: loc",
    )
    .await;
    let answer = read_until_closed(&mut half).await;
    assert!(
        sent.elapsed() >= Duration::from_secs(1),
        "not before the timeout"
    );
    assert!(!answer.contains("200 OK"), "{answer}");
    running.stop().await;
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_after_the_header_timeout() {
    let (_dir, running) = start(|config| config.header_timeout_seconds = 1).await;
    let mut kept = connect_from(
        running.addr,
        [127, 0, 0, 1],
        b"GET /api/edition HTTP/1.1\r\nHost: localhost\r\n\r\n",
    )
    .await;
    let answered = Instant::now();
    let answer = read_until_closed(&mut kept).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(
        answered.elapsed() >= Duration::from_secs(1),
        "kept for a while"
    );
    running.stop().await;
}

#[tokio::test]
async fn a_body_sent_too_slowly_is_cut_off_with_our_json_error() {
    let (_dir, running) = start(|config| config.body_timeout_seconds = 1).await;
    let mut slow = connect_from(
        running.addr,
        [127, 0, 0, 1],
        b"POST /api/activities HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\
          Content-Type: application/json\r\nIdempotency-Key: slow\r\n\
          Content-Length: 1000\r\n\r\n{\"title\":",
    )
    .await;
    let answer = read_until_closed(&mut slow).await;
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("\"error\":\"unreadable_body\""), "{answer}");
    running.stop().await;
}

#[tokio::test]
async fn the_server_answers_while_many_idle_connections_are_held_open() {
    let (_dir, running) = start(|config| config.max_connections_per_address = 0).await;
    let mut held = Vec::new();
    for _ in 0..300 {
        held.push(connect_from(running.addr, [127, 0, 0, 1], b"GET / HTTP/1.1\r\n").await);
    }
    for _ in 0..5 {
        let answer = get_edition_from(running.addr, [127, 0, 0, 1]).await;
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    }
    drop(held);
    running.stop().await;
}

/// Regression (issue 12, item 1): with no limit, 1 100 held connections
/// against 1 024 file descriptors left `accept` failing and nobody answered.
#[tokio::test]
async fn connections_over_the_limit_are_closed_at_once_and_the_server_recovers() {
    let (_dir, running) = start(|config| {
        config.max_connections = 20;
        config.max_connections_per_address = 0;
        config.header_timeout_seconds = 2;
    })
    .await;
    let attack_began = Instant::now();
    let mut held = Vec::new();
    for _ in 0..20 {
        held.push(connect_from(running.addr, [127, 0, 0, 1], b"GET / HTTP/1.1\r\n").await);
    }
    // The 21st is closed without an answer, long before the header timeout.
    let mut over = connect_from(running.addr, [127, 0, 0, 1], b"").await;
    assert_eq!(read_until_closed(&mut over).await, "");
    assert!(
        attack_began.elapsed() < Duration::from_secs(2),
        "closed at once"
    );
    // The attacker keeps opening connections; once the held ones time out,
    // a visitor's request gets through between them.
    let mut answered = None;
    while attack_began.elapsed() < PATIENCE {
        let answer = get_edition_from(running.addr, [127, 0, 0, 1]).await;
        if answer.starts_with("HTTP/1.1 200") {
            answered = Some(answer);
            break;
        }
        held.push(connect_from(running.addr, [127, 0, 0, 1], b"GET / HTTP/1.1\r\n").await);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(answered.is_some(), "the server recovered by itself");
    drop(held);
    running.stop().await;
}

#[tokio::test]
async fn one_address_cannot_take_every_connection() {
    let (_dir, running) = start(|config| config.max_connections_per_address = 5).await;
    let mut held = Vec::new();
    for _ in 0..5 {
        held.push(connect_from(running.addr, [127, 0, 0, 3], b"GET / HTTP/1.1\r\n").await);
    }
    let mut sixth = connect_from(running.addr, [127, 0, 0, 3], GET_EDITION).await;
    assert_eq!(read_until_closed(&mut sixth).await, "", "over its limit");
    let other = get_edition_from(running.addr, [127, 0, 0, 4]).await;
    assert!(other.starts_with("HTTP/1.1 200"), "{other}");
    // A connection that closes gives its place back.
    held.pop();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let again = get_edition_from(running.addr, [127, 0, 0, 3]).await;
    assert!(again.starts_with("HTTP/1.1 200"), "{again}");
    running.stop().await;
}

/// Regression (issue 12, item 2): the grace period of a stop, on the real
/// binary and a real signal, with an upload that never finishes.
#[tokio::test]
async fn sigterm_ends_the_process_within_the_grace_period_with_a_stuck_upload() {
    let dir = tempfile::tempdir().unwrap();
    let settings = [
        ("IV_SHUTDOWN_GRACE_SECONDS", "2"),
        ("IV_BODY_TIMEOUT_SECONDS", "600"),
        ("IV_HEADER_TIMEOUT_SECONDS", "600"),
    ];
    let (mut process, addr) =
        common::start_binary(&dir.path().join("data"), &settings, PATIENCE).await;
    // The answer to a whole request comes; the upload stays half-sent.
    let answer = get_edition_from(addr, [127, 0, 0, 1]).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let mut stuck = connect_from(
        addr,
        [127, 0, 0, 1],
        b"POST /api/activities HTTP/1.1\r\nHost: localhost\r\n\
          Content-Type: application/json\r\nIdempotency-Key: stuck\r\n\
          Content-Length: 5000\r\n\r\n{\"title\":",
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    let pid = rustix::process::Pid::from_raw(process.id().unwrap() as i32).unwrap();
    let signalled = Instant::now();
    rustix::process::kill_process(pid, rustix::process::Signal::TERM).unwrap();
    let status = tokio::time::timeout(PATIENCE, process.wait())
        .await
        .expect("the server ended")
        .unwrap();
    let took = signalled.elapsed();
    assert!(status.success(), "{status}");
    assert!(
        took >= Duration::from_secs(2),
        "the upload had its grace: {took:?}"
    );
    assert!(took < Duration::from_secs(2) + PATIENCE / 3, "{took:?}");
    let _ = read_until_closed(&mut stuck).await;
    assert!(TcpStream::connect(addr).await.is_err(), "nobody listens");
}
