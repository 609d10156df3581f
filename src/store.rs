//! What the app keeps in the browser's local storage: drafts, the outbox of
//! registrations waiting to be sent, and the registrations already sent (with
//! their private edit tokens). Every key is versioned (`iv.v1.…`).
//!
//! When local storage cannot be used (private mode, storage full, turned off),
//! everything is kept in memory instead, so the wizard still works while the
//! page is open, and [`StorageHealth`] tells the person their draft is not saved.

use std::cell::RefCell;
use std::collections::BTreeMap;

use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;
use programme::ActivityStatus;
use programme::draft::{Draft, DraftProblem, EditOf};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

const DRAFT_PREFIX: &str = "iv.v1.draft.";
const KEPT_PREFIX: &str = "iv.kept.";
const OUTBOX_PREFIX: &str = "iv.v1.outbox.";
/// Edits waiting to be sent: a key of their own, so an app from before edits
/// existed (a tab left open across a deploy) never posts one as a new
/// registration.
const OUTBOX_EDIT_PREFIX: &str = "iv.v1.outbox-edit.";
const OUTBOX_STATE_PREFIX: &str = "iv.v1.outbox-state.";
const DELIVERED_PREFIX: &str = "iv.v1.delivered.";
const SENT_PREFIX: &str = "iv.v1.sent.";
const EDITION_KEY: &str = "iv.v1.edition";
/// The activities starred into "Mitt program".
const STARRED_KEY: &str = "iv.v1.mitt-program";

thread_local! {
    /// Stands in for local storage when it cannot be used.
    static MEMORY: RefCell<BTreeMap<String, String>> = const { RefCell::new(BTreeMap::new()) };
}

/// Whether everything written has reached local storage.
fn memory_is_empty() -> bool {
    MEMORY.with(|m| m.borrow().is_empty())
}

/// Tries again to move what is kept in memory into local storage (room may
/// have been made since).
pub fn flush_memory() {
    let Some(storage) = local() else {
        return;
    };
    let pending: Vec<(String, String)> = MEMORY.with(|m| {
        m.borrow()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    });
    for (key, value) in pending {
        if storage.set_item(&key, &value).is_ok() {
            MEMORY.with(|m| m.borrow_mut().remove(&key));
        }
    }
}

/// Local storage, if the browser gives access to it (it may still refuse
/// writes, when full).
fn local() -> Option<web_sys::Storage> {
    // The server renders pages with these components: it has no storage.
    if cfg!(not(target_arch = "wasm32")) {
        return None;
    }
    web_sys::window()?.local_storage().ok()?
}

/// Whether drafts are saved beyond this page's life: local storage takes a write.
pub fn is_persistent() -> bool {
    // The server, rendering a page, cannot know: it assumes the usual case,
    // and the browser tells the truth once the app runs.
    if cfg!(not(target_arch = "wasm32")) {
        return true;
    }
    local().is_some_and(|storage| {
        let writable = storage.set_item("iv.probe", "1").is_ok();
        let _ = storage.remove_item("iv.probe");
        writable
    })
}

/// What a key holds. A value kept in memory is newer than local storage's
/// (it is there because writing it to local storage failed).
fn read(key: &str) -> Option<String> {
    MEMORY
        .with(|m| m.borrow().get(key).cloned())
        .or_else(|| local()?.get_item(key).ok().flatten())
}

/// Writes a value as JSON. `false` when it could only be kept in memory.
fn write<T: Serialize>(key: &str, value: &T) -> bool {
    if local().is_some() && LocalStorage::set(key, value).is_ok() {
        MEMORY.with(|m| m.borrow_mut().remove(key));
        return true;
    }
    if let Ok(text) = serde_json::to_string(value) {
        MEMORY.with(|m| m.borrow_mut().insert(key.to_owned(), text));
    }
    false
}

fn write_raw(key: &str, text: &str) -> bool {
    if let Some(storage) = local()
        && storage.set_item(key, text).is_ok()
    {
        MEMORY.with(|m| m.borrow_mut().remove(key));
        return true;
    }
    MEMORY.with(|m| m.borrow_mut().insert(key.to_owned(), text.to_owned()));
    false
}

fn remove(key: &str) {
    if let Some(storage) = local() {
        let _ = storage.remove_item(key);
    }
    MEMORY.with(|m| m.borrow_mut().remove(key));
}

/// Every key with a prefix, from local storage and memory.
fn keys_with(prefix: &str) -> Vec<String> {
    let mut keys: Vec<String> = MEMORY.with(|m| {
        m.borrow()
            .keys()
            .filter(|k| k.starts_with(prefix))
            .cloned()
            .collect()
    });
    if let Some(storage) = local() {
        let count = storage.length().unwrap_or(0);
        keys.extend(
            (0..count)
                .filter_map(|i| storage.key(i).ok().flatten())
                .filter(|k| k.starts_with(prefix)),
        );
    }
    keys.sort();
    keys.dedup();
    keys
}

fn read_json<T: DeserializeOwned>(key: &str) -> Option<T> {
    read(key).and_then(|text| serde_json::from_str(&text).ok())
}

/// Whether the last write reached local storage; shared through the context so
/// every page can warn when drafts are not being saved.
#[derive(Clone, Copy)]
pub struct StorageHealth(pub RwSignal<bool>);

impl StorageHealth {
    pub fn new() -> Self {
        StorageHealth(RwSignal::new(is_persistent()))
    }

    pub fn use_context() -> Self {
        expect_context::<StorageHealth>()
    }

    /// Notes how things stand after a write: well only while nothing waits in
    /// memory for local storage to take it.
    fn refresh(&self) {
        let healthy = memory_is_empty();
        if self.0.get_untracked() != healthy {
            self.0.set(healthy);
        }
    }
}

impl Default for StorageHealth {
    fn default() -> Self {
        Self::new()
    }
}

/// Saves a draft and notes whether it reached local storage.
pub fn save_draft(draft: &Draft, health: StorageHealth) {
    write(&format!("{DRAFT_PREFIX}{}", draft.id), draft);
    health.refresh();
}

/// A stored draft that cannot be used, kept aside under its own key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptDraft {
    pub key: String,
    pub text: String,
}

/// Reads one draft. A draft that cannot be read is moved aside (never deleted)
/// and reported as the problem.
pub fn load_draft(id: &str) -> Result<Option<Draft>, DraftProblem> {
    let key = format!("{DRAFT_PREFIX}{id}");
    let Some(text) = read(&key) else {
        return Ok(None);
    };
    match Draft::decode(&text) {
        Ok(draft) => Ok(Some(draft)),
        // A newer app's draft stays exactly where it is, for the newer app.
        Err(problem @ DraftProblem::NewerVersion(_)) => Err(problem),
        Err(problem) => {
            keep_aside(&key, &text);
            Err(problem)
        }
    }
}

fn keep_aside(key: &str, text: &str) {
    // Already kept (it could not be removed, storage being full): once is enough.
    let already = keys_with(KEPT_PREFIX)
        .iter()
        .any(|k| k.ends_with(&format!(".{key}")) && read(k).as_deref() == Some(text));
    if already {
        return;
    }
    let kept = format!("{KEPT_PREFIX}{}.{key}", now_ms());
    if write_raw(&kept, text) {
        remove(key);
    }
}

/// Milliseconds since 1970, by the browser's clock.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Every readable draft, newest first. Unreadable ones (corrupt, or of another
/// version) are moved aside on the way; [`kept_drafts`] lists them.
pub fn list_drafts() -> Vec<Draft> {
    let mut drafts = Vec::new();
    for key in keys_with(DRAFT_PREFIX) {
        let Some(text) = read(&key) else { continue };
        match Draft::decode(&text) {
            Ok(draft) => drafts.push(draft),
            Err(DraftProblem::NewerVersion(_)) => {}
            Err(_) => keep_aside(&key, &text),
        }
    }
    drafts.sort_by_key(|d| std::cmp::Reverse(d.updated_at));
    drafts
}

/// How many drafts a newer version of the app has written (left alone here).
pub fn newer_drafts() -> usize {
    keys_with(DRAFT_PREFIX)
        .iter()
        .filter_map(|key| read(key))
        .filter(|text| matches!(Draft::decode(text), Err(DraftProblem::NewerVersion(_))))
        .count()
}

/// A draft that changes the activity with this id, if one is being written.
pub fn draft_editing(activity_id: &str) -> Option<Draft> {
    list_drafts().into_iter().find(|d| {
        d.edit
            .as_ref()
            .is_some_and(|edit| edit.activity_id == activity_id)
    })
}

pub fn delete_draft(id: &str) {
    remove(&format!("{DRAFT_PREFIX}{id}"));
}

/// Drafts that could not be read, with their text, so nothing is lost.
pub fn kept_drafts() -> Vec<KeptDraft> {
    keys_with(KEPT_PREFIX)
        .into_iter()
        .filter_map(|key| read(&key).map(|text| KeptDraft { key, text }))
        .collect()
}

pub fn delete_kept(key: &str) {
    if key.starts_with(KEPT_PREFIX) {
        remove(key);
    }
}

/// Where a registration in the outbox stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxState {
    /// Waiting to be sent (again).
    Waiting {
        attempts: u32,
        /// Why the last attempt failed, in Swedish.
        last_error: Option<String>,
    },
    /// The server refused it; the person needs to change something. Its
    /// answer, as written ([`crate::wire::Refusal::read`] reads it).
    Refused { status: u16, response: String },
}

/// A registration on its way to the server. Its id is the draft's id, which is
/// also the request's `Idempotency-Key`.
///
/// Stored as two entries: the body alone under `iv.v1.outbox.{id}`, exactly as
/// it is sent, so the programme app can deliver it with no code to read one;
/// and the rest under `iv.v1.outbox-state.{id}`, which only the registration
/// app reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    pub id: String,
    pub title: String,
    /// The registration as JSON.
    pub body: String,
    pub queued_at: i64,
    pub state: OutboxState,
    /// Set when it changes an activity already sent (a `PUT`).
    pub edit: Option<EditOf>,
}

#[derive(Serialize, Deserialize)]
struct OutboxMeta {
    title: String,
    queued_at: i64,
    state: OutboxState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    edit: Option<EditOf>,
}

/// Where an entry's body waits: edits and registrations apart.
fn body_key(id: &str, edit: bool) -> String {
    if edit {
        format!("{OUTBOX_EDIT_PREFIX}{id}")
    } else {
        format!("{OUTBOX_PREFIX}{id}")
    }
}

/// Saves an entry. A refused one leaves the outbox proper (its body goes: the
/// draft is what the person corrects and sends again), so only the
/// registration app, which shows refusals, sees it.
pub fn save_outbox(entry: &OutboxEntry, health: StorageHealth) {
    let meta = OutboxMeta {
        title: entry.title.clone(),
        queued_at: entry.queued_at,
        state: entry.state.clone(),
        edit: entry.edit.clone(),
    };
    let body_key = body_key(&entry.id, entry.edit.is_some());
    // An entry that changed kind (a registration that became an edit) has
    // one body only.
    remove(&self::body_key(&entry.id, entry.edit.is_none()));
    match entry.state {
        OutboxState::Waiting { .. } => {
            write_raw(&body_key, &entry.body);
        }
        OutboxState::Refused { .. } => remove(&body_key),
    }
    write(&format!("{OUTBOX_STATE_PREFIX}{}", entry.id), &meta);
    health.refresh();
}

pub fn outbox_entry(id: &str) -> Option<OutboxEntry> {
    let body = outbox_body(id);
    let meta: Option<OutboxMeta> = read_json(&format!("{OUTBOX_STATE_PREFIX}{id}"));
    let meta = match (&body, meta) {
        (Some(_), Some(meta)) => meta,
        // Queued by an app that did not get to write the rest.
        (Some(_), None) => OutboxMeta {
            title: "Anmälan".to_owned(),
            queued_at: 0,
            state: OutboxState::Waiting {
                attempts: 0,
                last_error: None,
            },
            edit: None,
        },
        (None, Some(meta)) if matches!(meta.state, OutboxState::Refused { .. }) => meta,
        // Without a body, a waiting entry has been delivered.
        (None, _) => return None,
    };
    Some(OutboxEntry {
        id: id.to_owned(),
        title: meta.title,
        body: body.unwrap_or_default(),
        queued_at: meta.queued_at,
        state: meta.state,
        edit: meta.edit,
    })
}

pub fn outbox() -> Vec<OutboxEntry> {
    let mut ids: Vec<String> = keys_with(OUTBOX_STATE_PREFIX)
        .into_iter()
        .map(|key| key[OUTBOX_STATE_PREFIX.len()..].to_owned())
        .chain(outbox_ids())
        .collect();
    ids.sort();
    ids.dedup();
    let mut entries: Vec<OutboxEntry> = ids.iter().filter_map(|id| outbox_entry(id)).collect();
    entries.sort_by_key(|e| e.queued_at);
    entries
}

/// The ids of the registrations and edits waiting to be sent.
pub fn outbox_ids() -> Vec<String> {
    let mut ids: Vec<String> = keys_with(OUTBOX_PREFIX)
        .into_iter()
        .map(|key| key[OUTBOX_PREFIX.len()..].to_owned())
        .chain(
            keys_with(OUTBOX_EDIT_PREFIX)
                .into_iter()
                .map(|key| key[OUTBOX_EDIT_PREFIX.len()..].to_owned()),
        )
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// The body of a registration or an edit waiting to be sent.
pub fn outbox_body(id: &str) -> Option<String> {
    read(&body_key(id, false)).or_else(|| read(&body_key(id, true)))
}

/// Takes an entry out of the outbox (the draft stays).
pub fn remove_outbox(id: &str) {
    remove(&body_key(id, false));
    remove(&body_key(id, true));
    remove(&format!("{OUTBOX_STATE_PREFIX}{id}"));
}

/// Records the server's acceptance of a registration and, once that is in
/// local storage, lets the draft and the outbox entry go. If it cannot be
/// stored (storage full), both stay: the next send is a replay that brings the
/// same answer back. The registration app turns it into a [`SentRecord`]
/// ([`delivered`]).
pub fn mark_delivered(id: &str, accepted: &crate::wire::Accepted) {
    if write(&format!("{DELIVERED_PREFIX}{id}"), accepted) {
        remove(&body_key(id, false));
        remove(&body_key(id, true));
        delete_draft(id);
    }
}

/// Where a registration stands in this browser, by its draft's id: the one
/// answer every page asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    /// Nothing has been sent: a draft to go on with (or none at all).
    Draft,
    /// In the outbox, on its way to the server.
    Waiting(OutboxEntry),
    /// The server refused it; the draft is there to correct and send again.
    Refused(OutboxEntry),
    /// Accepted: the record of its activity. For an edit, the record it
    /// changed ([`SentRecord::last_edit`] names the edit's draft).
    Sent(SentRecord),
}

pub fn stage(draft_id: &str) -> Stage {
    match outbox_entry(draft_id) {
        Some(entry) if matches!(entry.state, OutboxState::Refused { .. }) => Stage::Refused(entry),
        Some(entry) => Stage::Waiting(entry),
        None => match sent(draft_id).or_else(|| sent_by_edit(draft_id)) {
            Some(record) => Stage::Sent(record),
            None => Stage::Draft,
        },
    }
}

/// Whether a registration from this draft is on its way or has been accepted:
/// the draft is then no longer to be changed or sent from a form.
pub fn is_sent_or_queued(id: &str) -> bool {
    sent(id).is_some()
        || read(&format!("{DELIVERED_PREFIX}{id}")).is_some()
        || outbox_body(id).is_some()
}

/// Accepted registrations not yet kept as sent records: (draft id, the
/// server's answer, the title).
pub fn delivered() -> Vec<(String, crate::wire::Accepted, String)> {
    keys_with(DELIVERED_PREFIX)
        .into_iter()
        .filter_map(|key| {
            let id = key[DELIVERED_PREFIX.len()..].to_owned();
            let accepted = read_json(&key)?;
            let meta: Option<OutboxMeta> = read_json(&format!("{OUTBOX_STATE_PREFIX}{id}"));
            let title = meta.map_or_else(|| "Anmälan".to_owned(), |m| m.title);
            Some((id, accepted, title))
        })
        .collect()
}

pub fn forget_delivered(id: &str) {
    remove(&format!("{DELIVERED_PREFIX}{id}"));
    remove(&format!("{OUTBOX_STATE_PREFIX}{id}"));
}

/// A registration the server has accepted, with the private edit token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentRecord {
    /// The draft's id (the idempotency key).
    pub draft_id: String,
    /// The activity's id on the server.
    pub id: String,
    pub edit_token: String,
    pub title: String,
    pub status: ActivityStatus,
    pub sent_at: i64,
    /// Why the operators rejected it, as last heard from the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_note: Option<String>,
    /// The draft of the latest change sent for it, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_edit: Option<String>,
}

impl SentRecord {
    /// The private link to the registration: the token stays in the fragment,
    /// which browsers never send to a server.
    pub fn edit_path(&self) -> String {
        format!("/anmalan/{}#nyckel={}", self.id, self.edit_token)
    }
}

pub fn save_sent(record: &SentRecord, health: StorageHealth) {
    write(&format!("{SENT_PREFIX}{}", record.draft_id), record);
    health.refresh();
}

/// Whether a sent record has reached local storage (not only memory).
pub fn sent_is_stored(draft_id: &str) -> bool {
    let key = format!("{SENT_PREFIX}{draft_id}");
    MEMORY.with(|m| !m.borrow().contains_key(&key))
        && local().is_some_and(|s| s.get_item(&key).ok().flatten().is_some())
}

pub fn sent(draft_id: &str) -> Option<SentRecord> {
    read_json(&format!("{SENT_PREFIX}{draft_id}"))
}

/// Brings a sent record in step with what the server says of its activity;
/// `true` when something changed (and was saved).
pub fn follow_server(
    record: SentRecord,
    view: &crate::wire::OrganiserView,
    health: StorageHealth,
) -> bool {
    let same = record.status == view.status
        && record.review_note == view.review_note
        && record.title == view.title;
    if !same {
        save_sent(
            &SentRecord {
                status: view.status,
                review_note: view.review_note.clone(),
                title: view.title.clone(),
                ..record
            },
            health,
        );
    }
    !same
}

/// The sent record of an activity, by its id on the server.
pub fn sent_for_activity(activity_id: &str) -> Option<SentRecord> {
    all_sent().into_iter().find(|r| r.id == activity_id)
}

/// The sent record an edit draft changed.
pub fn sent_by_edit(draft_id: &str) -> Option<SentRecord> {
    all_sent()
        .into_iter()
        .find(|r| r.last_edit.as_deref() == Some(draft_id))
}

/// Asks the browser to keep this site's storage when space runs low, so
/// drafts and edit links are not evicted. The browser may say no; the edit
/// link is e-mailed too, so nothing depends on the answer.
pub fn ask_to_persist() {
    if let Some(window) = web_sys::window() {
        let _ = window.navigator().storage().persist();
    }
}

pub fn all_sent() -> Vec<SentRecord> {
    let mut records: Vec<SentRecord> = keys_with(SENT_PREFIX)
        .iter()
        .filter_map(|key| read_json(key))
        .collect();
    records.sort_by_key(|r| std::cmp::Reverse(r.sent_at));
    records
}

/// The last edition the server told us about, for drafting offline.
pub fn save_edition(edition: &programme::Edition) {
    write(EDITION_KEY, edition);
}

pub fn last_edition() -> Option<programme::Edition> {
    read_json(EDITION_KEY)
}

/// A new random id (UUID version 4) from the browser's cryptographic generator.
pub fn new_id() -> String {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        // Without crypto (very old browsers): time and Math.random still make
        // a collision between one person's drafts practically impossible.
        let seed = now_ms() as u64;
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = ((seed >> ((i % 8) * 8)) as u8) ^ (random_byte());
        }
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

fn random_byte() -> u8 {
    (js_sys::Math::random() * 256.0) as u8
}

/// An activity in "Mitt program": its id, and its title and start as they
/// were when it was starred, to tell what it was should it leave the
/// programme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Starred {
    pub id: String,
    pub title: String,
    /// Milliseconds since 1970.
    pub starts_at_ms: i64,
}

/// The starred activities, in the order they were starred.
pub fn starred() -> Vec<Starred> {
    read_json(STARRED_KEY).unwrap_or_default()
}

/// Stores the starred activities; `false` when local storage refused them
/// (they are then kept in memory for the page's life).
pub fn save_starred(list: &[Starred]) -> bool {
    write(STARRED_KEY, &list)
}
