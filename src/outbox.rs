//! Sends the registrations and edits waiting in the outbox: when one is
//! queued, when either app starts, when the browser comes back online, and
//! every little while as long as one is waiting. Both apps run this same loop.
//! The draft leaves the browser only after the server has confirmed it; a
//! repeated send is harmless (the idempotency key of a registration, the
//! version an edit is based on). What an answer means, and how long to wait
//! before the next try, is [`crate::wire`]'s plain Rust.

use std::cell::Cell;

use leptos::prelude::*;
use programme::draft::EditOf;

use crate::api::{self, Outgoing, SubmitError};
use crate::store::{self, OutboxEntry, OutboxState, SentRecord, StorageHealth};
use crate::wire::{Accepted, retry_delay};

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

    /// Tells the pages that the outbox or the sent list changed.
    pub fn bump(&self) {
        self.changed.try_update(|n| *n = n.wrapping_add(1));
    }

    /// Puts a registration or an edit in the outbox and starts sending it.
    pub fn enqueue(&self, entry: OutboxEntry) {
        store::save_outbox(&entry, self.health);
        store::ask_to_persist();
        self.bump();
        self.deliver();
    }

    /// Takes a waiting entry back out of the outbox; its draft stays.
    pub fn take_back(&self, id: &str) {
        store::remove_outbox(id);
        self.bump();
    }

    /// Sends every waiting entry, one after the other.
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
        let outgoing = match &entry.edit {
            None => Outgoing::Register {
                key: &entry.id,
                body: &entry.body,
            },
            Some(edit) => Outgoing::Edit {
                activity_id: &edit.activity_id,
                token: &edit.token,
                version: edit.version,
                body: &entry.body,
            },
        };
        let error = match api::send(outgoing).await {
            Ok(accepted) => {
                // Only now, with the server's confirmation kept, does the draft go.
                store::mark_delivered(&entry.id, &accepted);
                self.record_sent(
                    &entry.id,
                    accepted,
                    entry.title.clone(),
                    entry.edit.is_some(),
                );
                return None;
            }
            Err(error) => error,
        };
        // Delivered meanwhile by another tab or the other app: nothing to
        // bring back.
        store::outbox_body(&entry.id)?;
        let attempts = match &entry.state {
            OutboxState::Waiting { attempts, .. } => attempts + 1,
            OutboxState::Refused { .. } => 1,
        };
        let (state, edit) = match error {
            SubmitError::Retry(message) => (
                OutboxState::Waiting {
                    attempts,
                    last_error: Some(message),
                },
                entry.edit.clone(),
            ),
            SubmitError::Refused { status, response } => (
                OutboxState::Refused { status, response },
                entry.edit.clone(),
            ),
            // The key came before with another text: keep the first
            // registration, and send this text as a change of it. No
            // duplicate, no loop, neither text lost.
            SubmitError::KeyReused(first) => {
                let edit = EditOf {
                    activity_id: first.id.clone(),
                    token: first.edit_token.clone(),
                    version: first.version,
                };
                self.keep_first(&entry.id, first, &entry.title);
                (
                    OutboxState::Waiting {
                        attempts: 0,
                        last_error: None,
                    },
                    Some(edit),
                )
            }
        };
        let again = matches!(&state, OutboxState::Waiting { attempts: 0, .. });
        let updated = OutboxEntry {
            state: state.clone(),
            edit,
            ..entry.clone()
        };
        store::save_outbox(&updated, self.health);
        if again {
            AGAIN.set(true);
        }
        Some(state)
    }

    /// Keeps the first registration of a reused key as sent. Its record is
    /// not the draft's own, so the draft stays open to changes until its text
    /// has arrived as an edit; sent again after a refusal, it meets the same
    /// answer and becomes an edit again.
    fn keep_first(&self, draft_id: &str, first: Accepted, title: &str) {
        if store::sent_for_activity(&first.id).is_some() {
            return;
        }
        let title = if first.activity.title.is_empty() {
            title.to_owned()
        } else {
            first.activity.title
        };
        store::save_sent(
            &SentRecord {
                draft_id: format!("{draft_id}.first"),
                id: first.id,
                edit_token: first.edit_token,
                title,
                status: first.activity.status,
                sent_at: store::now_ms(),
                review_note: None,
                last_edit: None,
            },
            self.health,
        );
    }

    /// Turns registrations accepted elsewhere (by an app of an older version,
    /// or this app in another tab) into sent records.
    pub fn collect_delivered(&self) {
        for (id, accepted, title) in store::delivered() {
            self.record_sent(&id, accepted, title, false);
        }
    }

    /// Keeps the server's acceptance, with its edit token, for "Mina
    /// anmälningar". A registration's record already kept stays as it is (a
    /// late repeat of the same answer must not rename it); an edit updates
    /// the record of its activity, or makes one (an edit link opened in a
    /// browser that did not send the registration).
    fn record_sent(&self, draft_id: &str, accepted: Accepted, title: String, is_edit: bool) {
        let existing = if is_edit {
            store::sent_for_activity(&accepted.id)
        } else {
            store::sent(draft_id)
        };
        let title = if accepted.activity.title.is_empty() {
            title
        } else {
            accepted.activity.title.clone()
        };
        let record = match existing {
            Some(record) if !is_edit => record,
            Some(record) => SentRecord {
                title,
                status: accepted.activity.status,
                review_note: None,
                last_edit: Some(draft_id.to_owned()),
                ..record
            },
            None => SentRecord {
                draft_id: draft_id.to_owned(),
                id: accepted.id,
                edit_token: accepted.edit_token,
                title,
                status: accepted.activity.status,
                sent_at: store::now_ms(),
                review_note: None,
                last_edit: is_edit.then(|| draft_id.to_owned()),
            },
        };
        store::save_sent(&record, self.health);
        // Until the record is in local storage, the answer stays too.
        if store::sent_is_stored(&record.draft_id) {
            store::forget_delivered(draft_id);
        }
    }

    /// Tries again after a pause that grows with the failures.
    fn retry_later(&self, attempts: u32) {
        if RETRY_SCHEDULED.get() {
            return;
        }
        RETRY_SCHEDULED.set(true);
        let outbox = *self;
        set_timeout(
            move || {
                RETRY_SCHEDULED.set(false);
                outbox.deliver();
            },
            retry_delay(attempts),
        );
    }
}
