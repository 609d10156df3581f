//! A token bucket per client address for new registrations: `per_hour` tokens
//! flow in evenly over an hour, a bucket holds at most `burst`, and each new
//! registration takes one.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Most registrations one address can send at once, before the hourly rate applies.
pub const MAX_BURST: u32 = 10;

/// How often full buckets are dropped: a full bucket is the same as none.
const PRUNE_EVERY: Duration = Duration::from_secs(60);

/// Whose bucket a request draws from. IPv6 clients are counted by their /64
/// network, because one household or phone commonly holds a whole /64 and
/// could otherwise bring a fresh address for every request. Requests without
/// a known address (in-process tests) share one bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClientKey {
    V4([u8; 4]),
    V6Network([u8; 8]),
    Unknown,
}

impl From<Option<IpAddr>> for ClientKey {
    fn from(addr: Option<IpAddr>) -> Self {
        match addr.map(|a| a.to_canonical()) {
            Some(IpAddr::V4(v4)) => ClientKey::V4(v4.octets()),
            Some(IpAddr::V6(v6)) => {
                let mut network = [0; 8];
                network.copy_from_slice(&v6.octets()[..8]);
                ClientKey::V6Network(network)
            }
            None => ClientKey::Unknown,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

/// The buckets of all clients that sent something lately.
#[derive(Debug)]
pub struct RateLimiter {
    /// Tokens per second.
    rate: f64,
    burst: f64,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    buckets: HashMap<ClientKey, Bucket>,
    pruned: Instant,
}

impl RateLimiter {
    /// `per_hour` registrations an hour, at most `min(10, per_hour)` at once.
    pub fn per_hour(per_hour: u32) -> Self {
        let per_hour = per_hour.max(1);
        RateLimiter {
            rate: f64::from(per_hour) / 3600.0,
            burst: f64::from(per_hour.min(MAX_BURST)),
            state: Mutex::new(State {
                buckets: HashMap::new(),
                pruned: Instant::now(),
            }),
        }
    }

    /// Takes a token for `client`, or says in how many whole seconds one is there.
    pub fn acquire(&self, client: ClientKey) -> Result<(), u64> {
        self.acquire_at(client, Instant::now())
    }

    /// Gives back a token taken for a registration that turned out not to be new.
    pub fn refund(&self, client: ClientKey) {
        let now = Instant::now();
        let mut state = self.lock();
        if let Some(bucket) = state.buckets.get_mut(&client) {
            self.refill(bucket, now);
            bucket.tokens = (bucket.tokens + 1.0).min(self.burst);
        }
    }

    fn acquire_at(&self, client: ClientKey, now: Instant) -> Result<(), u64> {
        let mut state = self.lock();
        if now.saturating_duration_since(state.pruned) >= PRUNE_EVERY {
            self.prune(&mut state, now);
        }
        let bucket = state.buckets.entry(client).or_insert(Bucket {
            tokens: self.burst,
            updated: now,
        });
        self.refill(bucket, now);
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            let wait = (1.0 - bucket.tokens) / self.rate;
            // At least one second: "Retry-After: 0" would invite a retry loop.
            Err((wait.ceil() as u64).max(1))
        }
    }

    fn refill(&self, bucket: &mut Bucket, now: Instant) {
        let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * self.rate).min(self.burst);
        bucket.updated = now;
    }

    /// Drops the buckets that have filled up again, which keeps the map as
    /// small as the number of clients that sent something in the last
    /// `burst / rate` (at most an hour).
    fn prune(&self, state: &mut State, now: Instant) {
        state.buckets.retain(|_, bucket| {
            let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
            bucket.tokens + elapsed * self.rate < self.burst
        });
        state.pruned = now;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state is a cache of counters: after a panic elsewhere it is still usable.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// How many clients have a bucket now.
    pub fn tracked_clients(&self) -> usize {
        self.lock().buckets.len()
    }
}

#[cfg(test)]
mod tests {
    use std::net::{Ipv4Addr, Ipv6Addr};

    use super::*;

    fn v4(last: u8) -> ClientKey {
        ClientKey::from(Some(IpAddr::V4(Ipv4Addr::new(192, 0, 2, last))))
    }

    #[test]
    fn a_client_gets_the_burst_then_waits_for_the_hourly_rate() {
        let limiter = RateLimiter::per_hour(30);
        let start = Instant::now();
        for _ in 0..MAX_BURST {
            assert_eq!(limiter.acquire_at(v4(1), start), Ok(()));
        }
        // 30 an hour: one token every 120 s.
        assert_eq!(limiter.acquire_at(v4(1), start), Err(120));
        assert_eq!(
            limiter.acquire_at(v4(1), start + Duration::from_secs(100)),
            Err(20)
        );
        assert_eq!(
            limiter.acquire_at(v4(1), start + Duration::from_secs(120)),
            Ok(())
        );
        // Another client has its own bucket.
        assert_eq!(limiter.acquire_at(v4(2), start), Ok(()));
    }

    #[test]
    fn the_burst_is_never_more_than_the_hourly_rate() {
        let limiter = RateLimiter::per_hour(2);
        let now = Instant::now();
        assert_eq!(limiter.acquire_at(ClientKey::Unknown, now), Ok(()));
        assert_eq!(limiter.acquire_at(ClientKey::Unknown, now), Ok(()));
        assert_eq!(limiter.acquire_at(ClientKey::Unknown, now), Err(1800));
    }

    #[test]
    fn a_refund_gives_the_token_back() {
        let limiter = RateLimiter::per_hour(1);
        assert!(limiter.acquire(v4(1)).is_ok());
        assert!(limiter.acquire(v4(1)).is_err());
        limiter.refund(v4(1));
        assert!(limiter.acquire(v4(1)).is_ok());
    }

    #[test]
    fn addresses_in_one_ipv6_64_share_a_bucket_and_mapped_ipv4_is_ipv4() {
        let a: Ipv6Addr = "2001:db8:1:2::1".parse().unwrap();
        let b: Ipv6Addr = "2001:db8:1:2:ffff::9".parse().unwrap();
        let other: Ipv6Addr = "2001:db8:1:3::1".parse().unwrap();
        let key = |ip: Ipv6Addr| ClientKey::from(Some(IpAddr::V6(ip)));
        assert_eq!(key(a), key(b));
        assert_ne!(key(a), key(other));
        let mapped: Ipv6Addr = "::ffff:192.0.2.1".parse().unwrap();
        assert_eq!(key(mapped), v4(1));
    }

    #[test]
    fn buckets_that_filled_up_again_are_dropped() {
        let limiter = RateLimiter::per_hour(60);
        let start = Instant::now();
        for last in 0..100 {
            limiter.acquire_at(v4(last), start).unwrap();
        }
        assert_eq!(limiter.tracked_clients(), 100);
        // A minute later each has its token back; the next request prunes them.
        limiter
            .acquire_at(v4(200), start + PRUNE_EVERY + Duration::from_secs(1))
            .unwrap();
        assert_eq!(limiter.tracked_clients(), 1);
    }
}
