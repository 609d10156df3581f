//! The public programme of the current edition, held in memory: the list is
//! served from here with a ready-made JSON body and ETag, and filtered requests
//! run the domain crate's filter on it once per filter: the answer is kept,
//! compressed, until the programme changes (a new `Published` starts empty).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use programme::{Activity, Edition, Programme, ProgrammeFilter};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::http::Precompressed;

/// How many filtered lists are kept at most; when full, the cache starts
/// again (a crawler trying every filter cannot fill the memory).
pub const FILTERED_KEPT: usize = 2048;

/// The media type of the API's answers.
pub const JSON: &str = "application/json";

/// The programme as it is published right now.
#[derive(Debug)]
pub struct Published {
    pub edition: Edition,
    pub edition_id: i64,
    pub programme: Arc<Programme>,
    /// `{"activities":[…]}` of the whole programme, ready to send and compressed
    /// once, so the most requested answer costs no work per request.
    pub list: Precompressed,
    /// `GET /api/listing`: the whole programme in its compact form, made
    /// and compressed once.
    pub listing: Precompressed,
    /// `GET /api/stats` of the whole programme, made with it.
    pub stats: Precompressed,
    /// When this programme was put together: the DTSTAMP of its calendar files.
    pub built_at: chrono::DateTime<chrono::Utc>,
    /// The filtered lists asked for since, by their normalised filter (the
    /// query string [`ProgrammeFilter::to_query_string`] writes).
    filtered: Kept<Precompressed>,
    /// The web app's pages rendered since (their first screen as HTML), by
    /// the key [`crate::web`] makes of the address.
    pages: Kept<RenderedPage>,
}

/// Answers made for a key and kept, at most [`FILTERED_KEPT`] of them: when
/// full, it starts again (a crawler trying every filter or address cannot
/// fill the memory).
#[derive(Debug)]
struct Kept<T>(Mutex<HashMap<String, Arc<T>>>);

impl<T> Kept<T> {
    fn new() -> Self {
        Kept(Mutex::new(HashMap::new()))
    }

    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<T>>> {
        // A poisoned lock still holds whole answers: each is put in one step.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn get(&self, key: &str) -> Option<Arc<T>> {
        self.map().get(key).cloned()
    }

    fn keep(&self, key: String, value: Arc<T>) {
        let mut map = self.map();
        if map.len() >= FILTERED_KEPT {
            map.clear();
        }
        map.insert(key, value);
    }

    fn len(&self) -> usize {
        self.map().len()
    }
}

/// A page of the web app as rendered for one address: its status and its
/// HTML, compressed once.
#[derive(Debug)]
pub struct RenderedPage {
    pub status: u16,
    pub html: Precompressed,
}

/// The body of `GET /api/activities`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ActivityList<'a> {
    /// In programme order: by start, then by title.
    #[schema(value_type = Vec<Activity>)]
    pub activities: &'a [&'a Activity],
}

impl Published {
    /// Prepares the published programme for serving.
    pub fn new(edition: Edition, edition_id: i64, activities: Vec<Activity>) -> Self {
        let programme = Arc::new(Programme::new(activities));
        let all: Vec<&Activity> = programme.activities().iter().collect();
        let list = Precompressed::compressed(list_body(&all), JSON);
        let listing = Precompressed::compressed(
            programme::listing::lines(&all),
            programme::listing::MEDIA_TYPE,
        );
        let stats = Precompressed::compressed(stats_body(&programme, &edition), JSON);
        Published {
            edition,
            edition_id,
            programme,
            list,
            listing,
            stats,
            built_at: chrono::Utc::now(),
            filtered: Kept::new(),
            pages: Kept::new(),
        }
    }

    /// The ETag of a filtered list, known without making the list: derived
    /// from the whole list's (which follows the content) and the normalised
    /// filter, so every server gives the same for the same programme.
    pub fn filtered_etag(&self, key: &str) -> String {
        let digest = Sha256::new()
            .chain_update(self.list.etag.as_bytes())
            .chain_update(b"\n")
            .chain_update(key.as_bytes())
            .finalize();
        let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
        format!("W/\"{hex}\"")
    }

    /// The filtered list of `filter` (whose normalised form is `key`), from
    /// the cache or made now and kept. Making it filters, serialises and
    /// compresses: call it off the async runtime.
    pub fn filtered_list(&self, key: &str, filter: &ProgrammeFilter) -> Arc<Precompressed> {
        if let Some(kept) = self.kept(key) {
            return kept;
        }
        let body = list_body(&self.programme.filter(filter));
        let made =
            Arc::new(Precompressed::compressed(body, JSON).with_etag(self.filtered_etag(key)));
        self.filtered.keep(key.to_owned(), Arc::clone(&made));
        made
    }

    /// The filtered list kept for `key`, if it was made already.
    pub fn kept(&self, key: &str) -> Option<Arc<Precompressed>> {
        self.filtered.get(key)
    }

    /// The page kept for `key`, if it was rendered already.
    pub fn kept_page(&self, key: &str) -> Option<Arc<RenderedPage>> {
        self.pages.get(key)
    }

    /// Keeps a rendered page.
    pub fn keep_page(&self, key: String, page: Arc<RenderedPage>) {
        self.pages.keep(key, page);
    }

    /// How many filtered lists are kept (for the tests).
    pub fn kept_count(&self) -> usize {
        self.filtered.len()
    }
}

/// Serialises a list of activities as the list endpoint's body.
pub fn list_body(activities: &[&Activity]) -> Vec<u8> {
    serde_json::to_vec(&ActivityList { activities })
        .expect("activities always serialise: they hold only strings, dates and enums")
}

/// Serialises the figures of a programme as the statistics endpoint's body.
pub fn stats_body(programme: &Programme, edition: &Edition) -> Vec<u8> {
    serde_json::to_vec(&programme::stats::Stats::of(programme, edition))
        .expect("figures always serialise: they hold only strings, dates and numbers")
}
