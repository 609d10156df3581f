//! Sends the registrations waiting in the outbox: when one is queued, when
//! either app starts, when the browser comes back online, and (in the
//! registration app) every little while as long as one is waiting. The draft
//! leaves the browser only after the server has confirmed it; a repeated send
//! is harmless (the idempotency key).

use std::cell::Cell;
use std::time::Duration;

use leptos::prelude::*;

use crate::api::{self, SubmitError};
use crate::store::{self, OutboxEntry, OutboxState, SentRecord, StorageHealth};

thread_local! {
    static DELIVERING: Cell<bool> = const { Cell::new(false) };
    /// Asked to deliver while a round was under way: another round follows.
    static AGAIN: Cell<bool> = const { Cell::new(false) };
    static RETRY_SCHEDULED: Cell<bool> = const { Cell::new(false) };
}

/// Changes whenever the outbox or the sent list changes, so pages showing them
/// read storage again.
#[derive(Clone, Copy)]
pub struct Outbox {
    changed: RwSignal<u32>,
    health: StorageHealth,
}

/// The programme app's part: send what waits, now and when the browser comes
/// back online, with no more code than it takes to post a stored body. Refusals
/// and retries are left to the registration app, which shows them.
pub fn deliver_quietly() {
    let send_all = || {
        leptos::task::spawn_local(async {
            for id in store::outbox_ids() {
                let Some(body) = store::outbox_body(&id) else {
                    continue;
                };
                if let Ok(accepted) = api::submit(&id, &body).await {
                    store::mark_delivered(&id, &accepted);
                }
            }
        })
    };
    let handle = window_event_listener(leptos::ev::online, move |_| send_all());
    // The listener lives as long as the app.
    std::mem::forget(handle);
    send_all();
}

impl Outbox {
    /// Starts delivering: now, and whenever the browser comes back online.
    pub fn start(health: StorageHealth) -> Self {
        let outbox = Outbox {
            changed: RwSignal::new(0),
            health,
        };
        outbox.collect_delivered();
        let handle = window_event_listener(leptos::ev::online, move |_| outbox.deliver());
        // Another tab changed the drafts or the outbox: pages read them again.
        let other_tab = window_event_listener(leptos::ev::storage, move |_| outbox.bump());
        // The listeners live as long as the app.
        std::mem::forget(handle);
        std::mem::forget(other_tab);
        outbox.deliver();
        outbox
    }

    pub fn use_context() -> Self {
        expect_context::<Outbox>()
    }

    /// Subscribes the caller to changes.
    pub fn track(&self) {
        self.changed.track();
    }

    fn bump(&self) {
        self.changed.try_update(|n| *n = n.wrapping_add(1));
    }

    /// Puts a registration in the outbox and starts sending it.
    pub fn enqueue(&self, entry: OutboxEntry) {
        store::save_outbox(&entry, self.health);
        self.bump();
        self.deliver();
    }

    /// Sends every waiting registration, one after the other.
    pub fn deliver(&self) {
        if DELIVERING.get() {
            AGAIN.set(true);
            return;
        }
        DELIVERING.set(true);
        AGAIN.set(false);
        // Room may have been made in local storage since the last round.
        store::flush_memory();
        let outbox = *self;
        leptos::task::spawn_local(async move {
            let mut next_retry: Option<u32> = None;
            for entry in store::outbox() {
                if !matches!(entry.state, OutboxState::Waiting { .. }) {
                    continue;
                }
                if let Some(OutboxState::Waiting { attempts, .. }) = outbox.send(&entry).await {
                    next_retry = Some(next_retry.map_or(attempts, |n: u32| n.min(attempts)));
                }
                outbox.bump();
            }
            DELIVERING.set(false);
            if AGAIN.get() {
                outbox.deliver();
            } else if let Some(attempts) = next_retry {
                outbox.retry_later(attempts);
            }
        });
    }

    /// One attempt; returns the entry's new state if it stays in the outbox.
    async fn send(&self, entry: &OutboxEntry) -> Option<OutboxState> {
        match api::submit(&entry.id, &entry.body).await {
            Ok(accepted) => {
                // Only now, with the server's confirmation kept, does the draft go.
                store::mark_delivered(&entry.id, &accepted);
                self.record_sent(&entry.id, accepted, entry.title.clone());
                None
            }
            Err(error) => {
                let attempts = match &entry.state {
                    OutboxState::Waiting { attempts, .. } => attempts + 1,
                    OutboxState::Refused { .. } => 1,
                };
                let state = match error {
                    SubmitError::Retry(message) => OutboxState::Waiting {
                        attempts,
                        last_error: Some(message),
                    },
                    SubmitError::Refused { status, response } => {
                        OutboxState::Refused { status, response }
                    }
                };
                // Delivered meanwhile by another tab or the other app: nothing
                // to bring back.
                store::outbox_body(&entry.id)?;
                let updated = OutboxEntry {
                    state: state.clone(),
                    ..entry.clone()
                };
                store::save_outbox(&updated, self.health);
                Some(state)
            }
        }
    }

    /// Turns registrations accepted elsewhere (by the programme app, or this
    /// app in another tab) into sent records.
    pub fn collect_delivered(&self) {
        for (id, accepted, title) in store::delivered() {
            self.record_sent(&id, accepted, title);
        }
    }

    /// Keeps the server's acceptance of a registration, with its edit token,
    /// for "Mina anmälningar". A record already kept stays as it is (a late
    /// repeat of the same answer must not rename it).
    fn record_sent(&self, draft_id: &str, accepted: api::Accepted, title: String) {
        if store::sent(draft_id).is_none() {
            store::save_sent(
                &SentRecord {
                    draft_id: draft_id.to_owned(),
                    id: accepted.id,
                    edit_token: accepted.edit_token,
                    title,
                    status: accepted.activity.status,
                    sent_at: store::now_ms(),
                },
                self.health,
            );
        }
        // Until the record is in local storage, the answer stays too.
        if store::sent_is_stored(draft_id) {
            store::forget_delivered(draft_id);
        }
    }

    /// Tries again after a pause that grows with the failures: 5 s, 10 s, 20 s,
    /// then every 30 s.
    fn retry_later(&self, attempts: u32) {
        if RETRY_SCHEDULED.get() {
            return;
        }
        RETRY_SCHEDULED.set(true);
        let seconds = (5u64 << attempts.saturating_sub(1).min(3)).min(30);
        let outbox = *self;
        set_timeout(
            move || {
                RETRY_SCHEDULED.set(false);
                outbox.deliver();
            },
            Duration::from_secs(seconds),
        );
    }
}
