//! The programme's listing: each published activity with what the list's
//! cards, the filters and the free-text search need, and without what only
//! its own page shows (description, contact, address, link to join,
//! accessibility). One activity per line of JSON, so that a browser can
//! read ten thousand of them a slice at a time, between frames.
//!
//! Read back, a listed activity is an [`Activity`] whose page-only fields
//! are empty (they are `#[serde(default)]`, so the browser needs no second
//! decoder): the domain's filter, search and day groups work on it as on
//! the full record.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use crate::model::{Activity, ActivityFormat, ActivityStatus, Audience, Organiser, Theme};

/// The media type of the listing: JSON Lines.
pub const MEDIA_TYPE: &str = "application/jsonl";

/// One activity in the listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Listed {
    pub id: String,
    pub status: ActivityStatus,
    pub title: String,
    pub summary: String,
    #[serde(with = "crate::time::moment_serde")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub starts_at: DateTime<FixedOffset>,
    #[serde(with = "crate::time::moment_serde")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub ends_at: DateTime<FixedOffset>,
    pub format: ActivityFormat,
    /// Where, for activities held on site: the venue's name, town and kommun.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub venue: Option<ListedVenue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region_code: Option<String>,
    pub themes: Vec<Theme>,
    pub audiences: Vec<Audience>,
    pub organisers: Vec<Organiser>,
    pub version: u32,
}

/// The part of a venue the list shows and searches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ListedVenue {
    pub name: String,
    pub city: String,
    pub municipality_code: String,
}

impl From<&Activity> for Listed {
    fn from(activity: &Activity) -> Self {
        Listed {
            id: activity.id.clone(),
            status: activity.status,
            title: activity.title.clone(),
            summary: activity.summary.clone(),
            starts_at: activity.starts_at,
            ends_at: activity.ends_at,
            format: activity.format,
            // A digital activity's leftover venue is no place: left out.
            venue: activity
                .venue
                .as_ref()
                .filter(|_| activity.format.has_venue())
                .map(|venue| ListedVenue {
                    name: venue.name.clone(),
                    city: venue.city.clone(),
                    municipality_code: venue.municipality_code.clone(),
                }),
            region_code: activity.region_code.clone(),
            themes: activity.themes.clone(),
            audiences: activity.audiences.clone(),
            organisers: activity.organisers.clone(),
            version: activity.version,
        }
    }
}

/// The listing of `activities`, in their order: one JSON object per line.
pub fn lines(activities: &[&Activity]) -> Vec<u8> {
    let mut body = Vec::with_capacity(activities.len() * 400);
    for activity in activities {
        serde_json::to_writer(&mut body, &Listed::from(*activity))
            .expect("a listed activity holds only strings, dates and enums");
        body.push(b'\n');
    }
    body
}

/// One line of the listing, read as an activity whose page-only fields are
/// empty.
pub fn read_line(line: &str) -> Result<Activity, serde_json::Error> {
    serde_json::from_str(line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Programme, ProgrammeFilter, demo};

    fn demo_programme(weeks_from: i64) -> Vec<Activity> {
        let start = demo::sample_edition().starts_on + chrono::Duration::weeks(weeks_from);
        demo::activities(start, 400)
    }

    #[test]
    fn the_listing_filters_and_searches_as_the_full_records_do() {
        for week in [0, 7, 30] {
            let full = demo_programme(week);
            let refs: Vec<&Activity> = full.iter().collect();
            let body = String::from_utf8(lines(&refs)).unwrap();
            let listed: Vec<Activity> = body.lines().map(|line| read_line(line).unwrap()).collect();
            assert_eq!(listed.len(), full.len());
            let full = Programme::new(full);
            let listed = Programme::new(listed);
            let sample = &full.activities()[17];
            let county = sample.municipality().map(|m| m.county_code().to_owned());
            let mut filters = vec![ProgrammeFilter::default()];
            for (key, value) in [
                ("q", sample.organisers[0].name.as_str()),
                ("q", "digitalt"),
                (
                    "q",
                    sample.venue.as_ref().map_or("umeå", |v| v.city.as_str()),
                ),
                ("format", "hybrid"),
                ("theme", sample.themes[0].key()),
                ("audience", "residents"),
                ("region", county.as_deref().unwrap_or("01")),
                ("day", &sample.starts_at.date_naive().to_string()),
            ] {
                let mut filter = ProgrammeFilter::default();
                filter.set(key, value).unwrap();
                filters.push(filter);
            }
            for filter in &filters {
                let ids = |p: &Programme| -> Vec<String> {
                    p.filter(filter).iter().map(|a| a.id.clone()).collect()
                };
                assert_eq!(ids(&listed), ids(&full), "{filter:?}");
                assert!(!ids(&full).is_empty() || filter.q.is_some(), "{filter:?}");
            }
            // What a card shows is the same.
            for (a, b) in listed.activities().iter().zip(full.activities()) {
                assert_eq!(a.place_label(), b.place_label());
                assert_eq!(a.organiser_names(), b.organiser_names());
                assert_eq!(a.summary, b.summary);
                assert!(a.description.is_empty() && !b.description.is_empty());
            }
        }
    }

    #[test]
    fn the_listing_is_a_fraction_of_the_full_records() {
        let full = demo_programme(0);
        let refs: Vec<&Activity> = full.iter().collect();
        let listing = lines(&refs).len();
        let records = serde_json::to_vec(&refs).unwrap().len();
        assert!(listing * 2 < records, "{listing} of {records} bytes");
    }
}
