//! The public programme of the current edition, held in memory: the list is
//! served from here with a ready-made JSON body and ETag, and filtered requests
//! run the domain crate's filter on it.

use programme::{Activity, Edition, Programme};
use serde::Serialize;

use crate::http::Precompressed;

/// The media type of the API's answers.
pub const JSON: &str = "application/json";

/// The programme as it is published right now.
#[derive(Debug)]
pub struct Published {
    pub edition: Edition,
    pub edition_id: i64,
    pub programme: Programme,
    /// `{"activities":[…]}` of the whole programme, ready to send and compressed
    /// once, so the most requested answer costs no work per request.
    pub list: Precompressed,
    /// `GET /api/stats` of the whole programme, made with it.
    pub stats: Precompressed,
    /// When this programme was put together: the DTSTAMP of its calendar files.
    pub built_at: chrono::DateTime<chrono::Utc>,
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
        let programme = Programme::new(activities);
        let all: Vec<&Activity> = programme.activities().iter().collect();
        let list = Precompressed::compressed(list_body(&all), JSON);
        let stats = Precompressed::compressed(stats_body(&programme, &edition), JSON);
        Published {
            edition,
            edition_id,
            programme,
            list,
            stats,
            built_at: chrono::Utc::now(),
        }
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
