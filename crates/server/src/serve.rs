//! Accepting connections with limits of our own, where `axum::serve` has
//! none: every connection must send a request's head within the header
//! timeout (which also ends an idle keep-alive connection), at most
//! `max_connections` are open at once and at most
//! `max_connections_per_address` from one address (IPv6 by its /64), and a
//! stop lets requests in flight finish for the grace period, then closes
//! what is left. Bodies have their own deadline, a layer of [`crate::app`].
//!
//! A connection over a limit is closed at once, before a byte is read, so
//! whoever holds connections open cannot take the file descriptors the
//! others need: the server goes on answering while an attack goes on.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;
use tower::ServiceExt;

use crate::rate_limit::ClientKey;

/// The connection limits, from [`crate::Config`].
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// How long a client has to send a request's head, from the moment the
    /// connection opens or the last answer was sent.
    pub header_timeout: Duration,
    /// How many connections may be open at once.
    pub max_connections: usize,
    /// How many of them one address may hold; `None` behind a proxy, where
    /// every connection comes from the proxy.
    pub max_per_address: Option<usize>,
    /// How long a stop waits for requests in flight.
    pub grace: Duration,
}

/// File descriptors kept free of connections: the database, its journal,
/// the built app's files, the mail folder, the listener.
const DESCRIPTORS_KEPT: usize = 64;

impl Limits {
    /// The limits, with `max_connections` lowered to what the process may
    /// open (`ulimit -n`), so the cap is reached before `accept` fails.
    pub fn fitted_to_process(mut self) -> Limits {
        if let Some(open_files) = open_files_limit() {
            let room = open_files.saturating_sub(DESCRIPTORS_KEPT).max(1);
            if self.max_connections > room {
                tracing::warn!(
                    max_connections = self.max_connections,
                    open_files,
                    "IV_MAX_CONNECTIONS is more than this process may open (ulimit -n): using {room}"
                );
                self.max_connections = room;
            }
        }
        self
    }
}

/// The soft limit of open files, raised to the hard one first where it is
/// lower; `None` for no limit.
#[cfg(unix)]
fn open_files_limit() -> Option<usize> {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let mut limit = getrlimit(Resource::Nofile);
    let below_hard = match (limit.current, limit.maximum) {
        (Some(current), Some(maximum)) => current < maximum,
        (Some(_), None) => true,
        (None, _) => false,
    };
    if below_hard {
        let raised = Rlimit {
            current: limit.maximum,
            maximum: limit.maximum,
        };
        if setrlimit(Resource::Nofile, raised).is_ok() {
            limit = raised;
        }
    }
    limit.current.and_then(|n| usize::try_from(n).ok())
}

#[cfg(not(unix))]
fn open_files_limit() -> Option<usize> {
    None
}

/// The open connections of each address.
#[derive(Default)]
struct PerAddress(Mutex<HashMap<ClientKey, usize>>);

/// A connection's place under the limits, given back when it closes.
struct Slot {
    _permit: OwnedSemaphorePermit,
    address: Option<(Arc<PerAddress>, ClientKey)>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        if let Some((per_address, key)) = &self.address {
            let mut counts = per_address.0.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(count) = counts.get_mut(key) {
                *count -= 1;
                if *count == 0 {
                    counts.remove(key);
                }
            }
        }
    }
}

struct Gate {
    limits: Limits,
    open: Arc<Semaphore>,
    per_address: Arc<PerAddress>,
}

impl Gate {
    fn new(limits: Limits) -> Gate {
        Gate {
            limits,
            open: Arc::new(Semaphore::new(limits.max_connections)),
            per_address: Arc::default(),
        }
    }

    /// A slot for a connection from `peer`, or `None` over a limit.
    fn admit(&self, peer: SocketAddr) -> Option<Slot> {
        let permit = self.open.clone().try_acquire_owned().ok()?;
        let Some(max) = self.limits.max_per_address else {
            return Some(Slot {
                _permit: permit,
                address: None,
            });
        };
        let key = ClientKey::from(Some(peer.ip()));
        let mut counts = self.per_address.0.lock().unwrap_or_else(|e| e.into_inner());
        let count = counts.entry(key).or_default();
        if *count >= max {
            return None;
        }
        *count += 1;
        drop(counts);
        Some(Slot {
            _permit: permit,
            address: Some((self.per_address.clone(), key)),
        })
    }
}

/// Serves `router` on `listener` until `stop` completes, then lets requests
/// in flight finish for the grace period and closes the rest.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    stop: impl Future<Output = ()>,
) {
    let gate = Gate::new(limits);
    let graceful = GracefulShutdown::new();
    let mut connections = JoinSet::new();
    let mut refused_lately = false;
    tokio::pin!(stop);
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of descriptors or memory: wait for connections to
                    // close rather than spin.
                    tracing::warn!(%error, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        while connections.try_join_next().is_some() {}
        let Some(slot) = gate.admit(peer) else {
            if !refused_lately {
                tracing::warn!(
                    %peer,
                    open = limits.max_connections - gate.open.available_permits(),
                    "connection limit reached: new connections are closed at once"
                );
            }
            refused_lately = true;
            drop(stream);
            continue;
        };
        refused_lately = false;
        let connection = run_connection(stream, peer, router.clone(), limits, graceful.watcher());
        connections.spawn(async move {
            connection.await;
            drop(slot);
        });
    }
    drop(listener);
    if tokio::time::timeout(limits.grace, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            left = connections.len(),
            "requests still open after the grace period are closed"
        );
    }
    connections.abort_all();
    while connections.join_next().await.is_some() {}
}

/// One HTTP/1.1 connection, until it closes or the stop tells it to finish.
/// HTTP/2 is left to the proxy in front, which browsers reach over TLS; in
/// clear text they speak HTTP/1.1.
async fn run_connection(
    stream: TcpStream,
    peer: SocketAddr,
    router: Router,
    limits: Limits,
    watcher: Watcher,
) {
    let _ = stream.set_nodelay(true);
    let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(peer));
        router.clone().oneshot(request.map(axum::body::Body::new))
    });
    let connection = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .serve_connection(TokioIo::new(stream), service);
    if let Err(error) = watcher.watch(connection).await {
        tracing::debug!(%peer, %error, "connection ended");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(max_connections: usize, max_per_address: Option<usize>) -> Limits {
        Limits {
            header_timeout: Duration::from_secs(1),
            max_connections,
            max_per_address,
            grace: Duration::from_secs(1),
        }
    }

    fn peer(address: &str) -> SocketAddr {
        format!("{address}:40000").parse().unwrap()
    }

    #[test]
    fn the_gate_counts_in_total_and_per_address_and_gives_slots_back() {
        let gate = Gate::new(limits(3, Some(2)));
        let a1 = gate.admit(peer("192.0.2.1")).unwrap();
        let _a2 = gate.admit(peer("192.0.2.1")).unwrap();
        assert!(gate.admit(peer("192.0.2.1")).is_none(), "two per address");
        let _b1 = gate.admit(peer("192.0.2.2")).unwrap();
        assert!(gate.admit(peer("192.0.2.3")).is_none(), "three in all");
        drop(a1);
        assert!(
            gate.admit(peer("192.0.2.2")).is_some(),
            "a closed one frees its place"
        );
        // IPv6 addresses of one /64 are one address.
        let gate = Gate::new(limits(10, Some(1)));
        let _c = gate.admit(peer("[2001:db8:1:2::1]")).unwrap();
        assert!(gate.admit(peer("[2001:db8:1:2:ffff::9]")).is_none());
        assert!(gate.admit(peer("[2001:db8:1:3::1]")).is_some());
        // Behind a proxy only the total counts.
        let gate = Gate::new(limits(2, None));
        let _d = gate.admit(peer("192.0.2.1")).unwrap();
        let _e = gate.admit(peer("192.0.2.1")).unwrap();
        assert!(gate.admit(peer("192.0.2.9")).is_none());
        assert!(gate.per_address.0.lock().unwrap().is_empty());
    }

    #[test]
    fn an_address_leaves_the_table_with_its_last_connection() {
        let gate = Gate::new(limits(10, Some(5)));
        let slots: Vec<_> = (0..3)
            .map(|_| gate.admit(peer("192.0.2.7")).unwrap())
            .collect();
        assert_eq!(gate.per_address.0.lock().unwrap().len(), 1);
        drop(slots);
        assert!(gate.per_address.0.lock().unwrap().is_empty());
        assert_eq!(gate.open.available_permits(), 10);
    }
}
