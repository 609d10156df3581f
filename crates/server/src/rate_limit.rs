//! How many new registrations are let in: per client (an IPv4 address or an
//! IPv6 /64), per IPv6 /48 (one site: a household, an office, a
//! municipality's network), and from everyone together per hour. Each is a
//! GCRA limiter of `governor` ([`Quota`]: so many an hour flowing in evenly,
//! a burst of up to a few at once), with memory bounded by the clients seen
//! in the last hour and dropped as their allowance fills up again.
//!
//! The checks run from the narrowest to the widest, so one client that sends
//! too much is stopped by its own limit before it takes anything from its
//! network's or everyone's. A check that passes takes its share even when a
//! wider one then refuses: `governor` has no way to give a share back, and
//! the client would have been refused anyway. For the same reason a
//! registration that then fails to be stored (a 500), or that loses a race
//! with a concurrent request of the same key, has used its share. Replays of
//! a key already stored are answered before the limits and cost nothing.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock, Reference};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DashMapStateStore;
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter};

/// Most registrations one client may send at once, before its hourly rate applies.
pub const CLIENT_BURST: u32 = 10;

/// Most registrations one IPv6 /48 may send at once.
pub const NETWORK_BURST: u32 = 40;

/// Most registrations everyone together may send at once.
pub const TOTAL_BURST: u32 = 100;

/// How often the states of clients that have not registered lately are dropped.
const PRUNE_EVERY: Duration = Duration::from_secs(60);

/// Whose allowance a request draws from. IPv6 clients are counted by their /64
/// network, because one household or phone commonly holds a whole /64 and
/// could otherwise bring a fresh address for every request. Requests without
/// a known address (in-process tests) share one.
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

impl ClientKey {
    /// The IPv6 /48 the client is in; none for IPv4, whose addresses are
    /// scarce enough to count alone.
    pub fn site(self) -> Option<[u8; 6]> {
        match self {
            ClientKey::V6Network(network) => {
                let mut site = [0; 6];
                site.copy_from_slice(&network[..6]);
                Some(site)
            }
            ClientKey::V4(_) | ClientKey::Unknown => None,
        }
    }
}

/// Which limit refused a registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// The client's own (`IV_SUBMISSIONS_PER_HOUR`).
    Client,
    /// The client's IPv6 /48 (`IV_SUBMISSIONS_PER_HOUR_PER_48`).
    Network,
    /// Everyone's together (`IV_SUBMISSIONS_PER_HOUR_TOTAL`).
    Total,
}

/// A refused registration: which limit, and the whole seconds until it lets
/// one in again (at least one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    pub limit: Limit,
    pub retry_after: u64,
}

/// Registrations an hour for each limit; each at least one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rates {
    pub per_client: u32,
    pub per_network: u32,
    pub total: u32,
}

type Keyed<K, C> = RateLimiter<K, DashMapStateStore<K>, C, NoOpMiddleware<<C as Clock>::Instant>>;
type Direct<C> = RateLimiter<NotKeyed, InMemoryState, C, NoOpMiddleware<<C as Clock>::Instant>>;

/// The three limits on new registrations.
pub struct RegistrationLimits<C: Clock = DefaultClock> {
    per_client: Keyed<ClientKey, C>,
    per_network: Keyed<[u8; 6], C>,
    total: Direct<C>,
    pruned: Mutex<C::Instant>,
}

impl<C: Clock> std::fmt::Debug for RegistrationLimits<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistrationLimits")
            .field("clients", &self.per_client.len())
            .field("networks", &self.per_network.len())
            .finish_non_exhaustive()
    }
}

impl RegistrationLimits {
    /// The limits at `rates`, on the real clock.
    pub fn new(rates: Rates) -> Self {
        Self::with_clock(rates, DefaultClock::default())
    }
}

impl<C: Clock + Clone> RegistrationLimits<C> {
    /// Like [`RegistrationLimits::new`], on any clock (a fake one in tests).
    pub fn with_clock(rates: Rates, clock: C) -> Self {
        let now = clock.now();
        RegistrationLimits {
            per_client: RateLimiter::new(
                hourly(rates.per_client, CLIENT_BURST),
                DashMapStateStore::default(),
                clock.clone(),
            ),
            per_network: RateLimiter::new(
                hourly(rates.per_network, NETWORK_BURST),
                DashMapStateStore::default(),
                clock.clone(),
            ),
            total: RateLimiter::direct_with_clock(hourly(rates.total, TOTAL_BURST), clock),
            pruned: Mutex::new(now),
        }
    }

    /// Lets one new registration of `client` in, or says which limit refuses
    /// it and for how long.
    pub fn acquire(&self, client: ClientKey) -> Result<(), Refused> {
        self.prune_now_and_then();
        let clock = self.per_client.clock();
        let refused = |limit| {
            move |not_until: governor::NotUntil<C::Instant>| Refused {
                limit,
                retry_after: seconds(not_until.wait_time_from(clock.now())),
            }
        };
        self.per_client
            .check_key(&client)
            .map_err(refused(Limit::Client))?;
        if let Some(site) = client.site() {
            self.per_network
                .check_key(&site)
                .map_err(refused(Limit::Network))?;
        }
        self.total.check().map_err(refused(Limit::Total))
    }

    /// Drops, once a minute, the states of clients and networks whose
    /// allowance is whole again: such a state is the same as none.
    fn prune_now_and_then(&self) {
        let now = self.per_client.clock().now();
        let mut pruned = self
            .pruned
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if now.duration_since(*pruned) >= PRUNE_EVERY.into() {
            self.per_client.retain_recent();
            self.per_network.retain_recent();
            *pruned = now;
        }
    }

    /// How many clients and networks have a state now.
    pub fn tracked(&self) -> (usize, usize) {
        (self.per_client.len(), self.per_network.len())
    }
}

/// `per_hour` an hour flowing in evenly, at most `min(burst, per_hour)` at once.
fn hourly(per_hour: u32, burst: u32) -> Quota {
    let per_hour = NonZeroU32::new(per_hour).unwrap_or(NonZeroU32::MIN);
    let burst = NonZeroU32::new(burst.min(per_hour.get())).unwrap_or(NonZeroU32::MIN);
    // An hour divided by at most u32::MAX is over 800 ns: never zero.
    let period = Duration::from_secs(3600) / per_hour.get();
    Quota::with_period(period)
        .unwrap_or_else(|| Quota::per_second(per_hour))
        .allow_burst(burst)
}

/// A wait in whole seconds, rounded up, at least one: "Retry-After: 0"
/// would invite a retry loop.
pub fn seconds(wait: Duration) -> u64 {
    let whole = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    whole.max(1)
}

#[cfg(test)]
mod tests {
    use std::net::{Ipv4Addr, Ipv6Addr};

    use governor::clock::FakeRelativeClock;

    use super::*;

    const RATES: Rates = Rates {
        per_client: 30,
        per_network: 120,
        total: 1000,
    };

    fn v4(last: u8) -> ClientKey {
        ClientKey::from(Some(IpAddr::V4(Ipv4Addr::new(192, 0, 2, last))))
    }

    fn v6(address: &str) -> ClientKey {
        ClientKey::from(Some(IpAddr::V6(address.parse::<Ipv6Addr>().unwrap())))
    }

    fn refused(limit: Limit, retry_after: u64) -> Result<(), Refused> {
        Err(Refused { limit, retry_after })
    }

    #[test]
    fn a_client_gets_the_burst_then_waits_for_the_hourly_rate() {
        let clock = FakeRelativeClock::default();
        let limits = RegistrationLimits::with_clock(RATES, clock.clone());
        for _ in 0..CLIENT_BURST {
            assert_eq!(limits.acquire(v4(1)), Ok(()));
        }
        // 30 an hour: one every 120 s.
        assert_eq!(limits.acquire(v4(1)), refused(Limit::Client, 120));
        clock.advance(Duration::from_secs(100));
        assert_eq!(limits.acquire(v4(1)), refused(Limit::Client, 20));
        clock.advance(Duration::from_millis(19_500));
        assert_eq!(
            limits.acquire(v4(1)),
            refused(Limit::Client, 1),
            "rounded up"
        );
        clock.advance(Duration::from_millis(500));
        assert_eq!(limits.acquire(v4(1)), Ok(()));
        // Another client has its own allowance.
        assert_eq!(limits.acquire(v4(2)), Ok(()));
    }

    #[test]
    fn the_burst_is_never_more_than_the_hourly_rate() {
        let rates = Rates {
            per_client: 2,
            ..RATES
        };
        let limits = RegistrationLimits::with_clock(rates, FakeRelativeClock::default());
        assert_eq!(limits.acquire(ClientKey::Unknown), Ok(()));
        assert_eq!(limits.acquire(ClientKey::Unknown), Ok(()));
        assert_eq!(
            limits.acquire(ClientKey::Unknown),
            refused(Limit::Client, 1800)
        );
    }

    #[test]
    fn addresses_in_one_ipv6_64_share_a_client_and_mapped_ipv4_is_ipv4() {
        let a = v6("2001:db8:1:2::1");
        assert_eq!(a, v6("2001:db8:1:2:ffff::9"));
        assert_ne!(a, v6("2001:db8:1:3::1"));
        assert_eq!(v6("::ffff:192.0.2.1"), v4(1));
        assert_eq!(a.site(), v6("2001:db8:1:ffff::1").site());
        assert_ne!(a.site(), v6("2001:db8:2:2::1").site());
        assert_eq!(v4(1).site(), None);
    }

    #[test]
    fn the_64s_of_one_48_together_meet_the_network_limit() {
        let clock = FakeRelativeClock::default();
        let limits = RegistrationLimits::with_clock(RATES, clock.clone());
        // Forty /64s of one /48, one registration each: the /48's burst.
        for subnet in 0..NETWORK_BURST {
            let client = v6(&format!("2001:db8:1:{subnet:x}::1"));
            assert_eq!(limits.acquire(client), Ok(()), "/64 number {subnet}");
        }
        // A new /64 in the same /48 has its own allowance, but not its network's:
        // 120 an hour is one every 30 s.
        assert_eq!(
            limits.acquire(v6("2001:db8:1:ff::1")),
            refused(Limit::Network, 30)
        );
        // Another /48 and any IPv4 address are not held back.
        assert_eq!(limits.acquire(v6("2001:db8:2::1")), Ok(()));
        assert_eq!(limits.acquire(v4(1)), Ok(()));
        clock.advance(Duration::from_secs(30));
        assert_eq!(limits.acquire(v6("2001:db8:1:ff::1")), Ok(()));
    }

    #[test]
    fn everyone_together_meets_the_total_limit() {
        let clock = FakeRelativeClock::default();
        let limits = RegistrationLimits::with_clock(RATES, clock.clone());
        // A hundred clients, one registration each: the total burst.
        for last in 0..100 {
            assert_eq!(limits.acquire(v4(last)), Ok(()));
        }
        // 1 000 an hour: one every 3.6 s, whoever asks.
        assert_eq!(limits.acquire(v4(200)), refused(Limit::Total, 4));
        assert_eq!(
            limits.acquire(v6("2001:db8:9::1")),
            refused(Limit::Total, 4)
        );
        clock.advance(Duration::from_millis(3_600));
        assert_eq!(limits.acquire(v4(201)), Ok(()));
        assert_eq!(limits.acquire(v4(202)), refused(Limit::Total, 4));
    }

    #[test]
    fn a_client_over_its_own_limit_takes_nothing_from_the_wider_ones() {
        let rates = Rates {
            per_client: 1,
            per_network: 2,
            total: 3,
        };
        let limits = RegistrationLimits::with_clock(rates, FakeRelativeClock::default());
        let greedy = v6("2001:db8:1:1::1");
        assert_eq!(limits.acquire(greedy), Ok(()));
        for _ in 0..50 {
            assert_eq!(limits.acquire(greedy).unwrap_err().limit, Limit::Client);
        }
        // Its network and everyone still have what the one registration left.
        assert_eq!(limits.acquire(v6("2001:db8:1:2::1")), Ok(()));
        assert_eq!(limits.acquire(v4(1)), Ok(()));
        assert_eq!(limits.acquire(v4(2)).unwrap_err().limit, Limit::Total);
    }

    #[test]
    fn clients_whose_allowance_is_whole_again_are_forgotten() {
        let clock = FakeRelativeClock::default();
        let limits = RegistrationLimits::with_clock(RATES, clock.clone());
        for subnet in 0..30 {
            limits
                .acquire(v6(&format!("2001:db8:{subnet:x}::1")))
                .unwrap();
        }
        for last in 0..30 {
            limits.acquire(v4(last)).unwrap();
        }
        assert_eq!(limits.tracked(), (60, 30));
        // Two minutes on each has its registration back; governor keeps a
        // state one interval (two minutes) longer, and the next call prunes.
        clock.advance(Duration::from_secs(241));
        limits.acquire(v4(200)).unwrap();
        assert_eq!(limits.tracked(), (1, 0));
    }
}
