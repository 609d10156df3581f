//! Slowing down whoever guesses operator tokens: per client address (see
//! [`ClientKey`]: IPv6 by its /64), [`BURST`] wrong tokens are let through
//! at once, then one every [`REPLENISH_EVERY`] (governor's GCRA).
//!
//! An address that has used up its allowance is *blocked* until the next
//! wrong token would be let through, and while it is, every request of it
//! that carries a token is refused with 429, before the token is compared:
//! otherwise a guesser could go on at full speed and tell a hit by its 200.
//! A correct token never uses up the allowance, so operators working as usual
//! are never slowed; only from an address that has just sent five wrong
//! tokens does a correct one have to wait, at most ten seconds.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock, Reference};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DashMapStateStore;
use governor::{Quota, RateLimiter};

use crate::rate_limit::{ClientKey, seconds};

/// Wrong tokens one address may send at once.
pub const BURST: NonZeroU32 = match NonZeroU32::new(5) {
    Some(five) => five,
    None => NonZeroU32::MIN,
};

/// After the burst, one more wrong token per this time.
pub const REPLENISH_EVERY: Duration = Duration::from_secs(10);

/// How often the states of addresses that have not guessed lately are dropped.
const PRUNE_EVERY: Duration = Duration::from_secs(60);

/// The wrong tokens of every address lately, and which are blocked now.
pub struct WrongTokens<C: Clock = DefaultClock> {
    limiter: Limiter<C>,
    state: Mutex<State<C::Instant>>,
}

type Limiter<C> =
    RateLimiter<ClientKey, DashMapStateStore<ClientKey>, C, NoOpMiddleware<<C as Clock>::Instant>>;

struct State<I> {
    /// Until when each blocked address is blocked; only addresses blocked
    /// lately are in it.
    blocked_until: HashMap<ClientKey, I>,
    pruned: I,
}

impl<C: Clock> std::fmt::Debug for WrongTokens<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WrongTokens")
            .field("tracked", &self.limiter.len())
            .finish_non_exhaustive()
    }
}

impl WrongTokens {
    /// [`BURST`] at once, then one per [`REPLENISH_EVERY`], on the real clock.
    pub fn new() -> Self {
        Self::with_clock(DefaultClock::default())
    }
}

impl Default for WrongTokens {
    fn default() -> Self {
        Self::new()
    }
}

impl<C: Clock> WrongTokens<C> {
    /// Like [`WrongTokens::new`], on any clock (a fake one in tests).
    pub fn with_clock(clock: C) -> Self {
        // A period of ten seconds is not zero.
        let quota = Quota::with_period(REPLENISH_EVERY)
            .unwrap_or_else(|| Quota::per_second(BURST))
            .allow_burst(BURST);
        let now = clock.now();
        WrongTokens {
            limiter: RateLimiter::new(quota, DashMapStateStore::default(), clock),
            state: Mutex::new(State {
                blocked_until: HashMap::new(),
                pruned: now,
            }),
        }
    }

    /// Whether `client` is blocked now: `Err` with the whole seconds to wait.
    pub fn check(&self, client: ClientKey) -> Result<(), u64> {
        let now = self.limiter.clock().now();
        match self.lock().blocked_until.get(&client) {
            Some(until) if *until > now => Err(seconds(until.duration_since(now).into())),
            _ => Ok(()),
        }
    }

    /// Counts a wrong token of `client`; `Err` with the whole seconds to wait
    /// when that was one too many, and the address is blocked from now on.
    pub fn count(&self, client: ClientKey) -> Result<(), u64> {
        let outcome = self.limiter.check_key(&client);
        let now = self.limiter.clock().now();
        let mut state = self.lock();
        if now.duration_since(state.pruned) >= PRUNE_EVERY.into() {
            self.limiter.retain_recent();
            state.blocked_until.retain(|_, until| *until > now);
            state.pruned = now;
        }
        match outcome {
            Ok(()) => Ok(()),
            Err(not_until) => {
                let until = not_until.earliest_possible();
                state.blocked_until.insert(client, until);
                Err(seconds(until.duration_since(now).into()))
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State<C::Instant>> {
        // A cache of deadlines: after a panic elsewhere it is still usable.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use std::net::{IpAddr, Ipv4Addr};

    use governor::clock::FakeRelativeClock;

    use super::*;

    fn v4(last: u8) -> ClientKey {
        ClientKey::from(Some(IpAddr::V4(Ipv4Addr::new(192, 0, 2, last))))
    }

    #[test]
    fn five_wrong_tokens_pass_then_the_address_is_blocked_for_ten_seconds() {
        let clock = FakeRelativeClock::default();
        let guard = WrongTokens::with_clock(clock.clone());
        for _ in 0..5 {
            assert_eq!(guard.check(v4(1)), Ok(()));
            assert_eq!(guard.count(v4(1)), Ok(()));
        }
        assert_eq!(guard.count(v4(1)), Err(10));
        assert_eq!(guard.check(v4(1)), Err(10));
        clock.advance(Duration::from_millis(7_500));
        assert_eq!(guard.check(v4(1)), Err(3), "rounded up");
        // Another address is not blocked.
        assert_eq!(guard.check(v4(2)), Ok(()));
        assert_eq!(guard.count(v4(2)), Ok(()));

        // Ten seconds on, one more wrong token passes, and the next is refused.
        clock.advance(Duration::from_millis(2_500));
        assert_eq!(guard.check(v4(1)), Ok(()));
        assert_eq!(guard.count(v4(1)), Ok(()));
        assert_eq!(guard.count(v4(1)), Err(10));
    }

    #[test]
    fn addresses_that_stopped_guessing_are_forgotten() {
        let clock = FakeRelativeClock::default();
        let guard = WrongTokens::with_clock(clock.clone());
        for last in 0..50 {
            guard.count(v4(last)).unwrap();
        }
        for _ in 0..6 {
            let _ = guard.count(v4(200));
        }
        assert!(guard.limiter.len() >= 51);
        assert_eq!(guard.lock().blocked_until.len(), 1);
        clock.advance(PRUNE_EVERY * 2);
        guard.count(v4(201)).unwrap();
        assert_eq!(guard.limiter.len(), 1);
        assert!(guard.lock().blocked_until.is_empty());
    }
}
