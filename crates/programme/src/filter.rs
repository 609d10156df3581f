//! Filtering a programme and grouping it into days. The browser runs this on the
//! programme it fetched once; the server runs the very same code for the query
//! parameters of `GET /api/activities`.

use chrono::NaiveDate;

use crate::model::{Activity, ActivityFormat, Audience, Theme};
use crate::regions;
use crate::time::to_stockholm;

/// The longest free-text query that is honoured; longer input is cut here.
pub const MAX_QUERY_CHARS: usize = 200;

/// What a visitor narrowed the programme down to. Every field is optional; an
/// empty filter matches everything. In URLs it is the query string
/// `q`, `day`, `format`, `region`, `municipality`, `theme` and `audience`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProgrammeFilter {
    /// Free text, matched word by word against title, summary, organisers and place.
    pub q: Option<String>,
    /// One day (Stockholm time).
    pub day: Option<NaiveDate>,
    /// Digital matches digital and hybrid; Physical matches physical and hybrid.
    pub format: Option<ActivityFormat>,
    /// A two-digit län code; matches activities held there (physical and hybrid).
    pub region: Option<String>,
    /// A four-digit kommun code; matches activities held there.
    pub municipality: Option<String>,
    pub theme: Option<Theme>,
    pub audience: Option<Audience>,
}

/// A query parameter whose value cannot be understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("ogiltigt värde för {param}: {value:?}")]
pub struct FilterError {
    /// The parameter's name, for example "day".
    pub param: &'static str,
    /// What was given.
    pub value: String,
}

impl ProgrammeFilter {
    /// The parameter names, in the order they are written to a URL.
    pub const PARAMS: [&'static str; 7] = [
        "q",
        "day",
        "format",
        "region",
        "municipality",
        "theme",
        "audience",
    ];

    /// Reads a filter from decoded query pairs. Unknown parameters are ignored and
    /// empty values mean "no filter"; a value that cannot be understood is an error.
    pub fn from_pairs<K, V>(pairs: impl IntoIterator<Item = (K, V)>) -> Result<Self, FilterError>
    where
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let mut filter = ProgrammeFilter::default();
        for (key, value) in pairs {
            filter.set(key.as_ref(), value.as_ref())?;
        }
        filter.complete_region();
        Ok(filter)
    }

    /// Like [`ProgrammeFilter::from_pairs`], but a value that cannot be understood
    /// is left out instead: an old or mistyped link still opens the programme.
    pub fn from_pairs_lenient<K, V>(pairs: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let mut filter = ProgrammeFilter::default();
        for (key, value) in pairs {
            // A bad value leaves that field as it was: unset.
            let _ = filter.set(key.as_ref(), value.as_ref());
        }
        filter.complete_region();
        filter
    }

    /// A kommun without its län (a hand-made link) gets the län, so the filters
    /// show what narrows the list.
    fn complete_region(&mut self) {
        if self.region.is_none() {
            self.region = self.municipality.as_ref().map(|m| m[..2].to_owned());
        }
    }

    /// Sets one parameter from its URL value; an empty value clears it.
    pub fn set(&mut self, param: &str, value: &str) -> Result<(), FilterError> {
        let raw = value;
        let value = value.trim();
        let invalid = |param: &'static str| FilterError {
            param,
            value: value.to_owned(),
        };
        let present = !value.is_empty();
        match param {
            "q" => {
                // Kept as typed (a trailing space included), so a search box bound to
                // the URL does not swallow the space between two words.
                self.q = present.then(|| raw.chars().take(MAX_QUERY_CHARS).collect());
            }
            "day" => {
                self.day = if present {
                    Some(crate::time::parse_date(value).ok_or_else(|| invalid("day"))?)
                } else {
                    None
                };
            }
            "format" => {
                self.format = if present {
                    Some(ActivityFormat::from_key(value).ok_or_else(|| invalid("format"))?)
                } else {
                    None
                };
            }
            "region" => {
                self.region = if present {
                    regions::county(value).ok_or_else(|| invalid("region"))?;
                    Some(value.to_owned())
                } else {
                    None
                };
            }
            "municipality" => {
                self.municipality = if present {
                    regions::municipality(value).ok_or_else(|| invalid("municipality"))?;
                    Some(value.to_owned())
                } else {
                    None
                };
            }
            "theme" => {
                self.theme = if present {
                    Some(Theme::from_key(value).ok_or_else(|| invalid("theme"))?)
                } else {
                    None
                };
            }
            "audience" => {
                self.audience = if present {
                    Some(Audience::from_key(value).ok_or_else(|| invalid("audience"))?)
                } else {
                    None
                };
            }
            _ => {}
        }
        Ok(())
    }

    /// The set parameters as URL pairs, in a stable order.
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if let Some(q) = &self.q {
            pairs.push(("q", q.clone()));
        }
        if let Some(day) = self.day {
            pairs.push(("day", day.to_string()));
        }
        if let Some(format) = self.format {
            pairs.push(("format", format.key().to_owned()));
        }
        if let Some(region) = &self.region {
            pairs.push(("region", region.clone()));
        }
        if let Some(municipality) = &self.municipality {
            pairs.push(("municipality", municipality.clone()));
        }
        if let Some(theme) = self.theme {
            pairs.push(("theme", theme.key().to_owned()));
        }
        if let Some(audience) = self.audience {
            pairs.push(("audience", audience.key().to_owned()));
        }
        pairs
    }

    /// The filter as a URL query string without the leading `?`, percent-encoded.
    pub fn to_query_string(&self) -> String {
        self.to_pairs()
            .iter()
            .map(|(key, value)| format!("{key}={}", percent_encode(value)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// Whether nothing is filtered.
    pub fn is_empty(&self) -> bool {
        *self == ProgrammeFilter::default()
    }
}

/// What filtering needs of one activity, prepared once and kept side by side in
/// one array, so a filter pass reads a few bytes per activity instead of chasing
/// the activity's strings.
#[derive(Debug, Clone, Copy)]
struct Facets {
    day: NaiveDate,
    format: ActivityFormat,
    /// The venue's kommun code as a number (0180 is 180), for activities on site.
    municipality: Option<u16>,
    /// One bit per theme, by its position in [`Theme::ALL`].
    themes: u32,
    /// One bit per audience, by its position in [`Audience::ALL`].
    audiences: u32,
}

impl Facets {
    fn of(activity: &Activity) -> Self {
        Facets {
            day: to_stockholm(&activity.starts_at).date_naive(),
            format: activity.format,
            municipality: activity.municipality().and_then(|m| m.code.parse().ok()),
            themes: activity.themes.iter().fold(0, |bits, t| bits | t.bit()),
            audiences: activity.audiences.iter().fold(0, |bits, a| bits | a.bit()),
        }
    }
}

/// A filter turned into the cheapest tests against [`Facets`] and search text.
struct CompiledFilter {
    day: Option<NaiveDate>,
    format: Option<ActivityFormat>,
    region: Option<u16>,
    municipality: Option<u16>,
    themes: u32,
    audiences: u32,
    words: Vec<String>,
}

impl CompiledFilter {
    fn new(filter: &ProgrammeFilter) -> Self {
        CompiledFilter {
            day: filter.day,
            format: filter.format,
            // Codes were checked against the region data when the filter was made;
            // one that is not a number matches nothing.
            region: filter
                .region
                .as_ref()
                .map(|r| r.parse().unwrap_or(u16::MAX)),
            municipality: filter
                .municipality
                .as_ref()
                .map(|m| m.parse().unwrap_or(u16::MAX)),
            themes: filter.theme.map_or(0, Theme::bit),
            audiences: filter.audience.map_or(0, Audience::bit),
            words: query_words(filter.q.as_deref()),
        }
    }

    fn matches_facets(&self, facets: &Facets) -> bool {
        let format_ok = match self.format {
            None => true,
            Some(ActivityFormat::Digital) => facets.format.is_online(),
            Some(ActivityFormat::Physical) => facets.format.has_venue(),
            Some(ActivityFormat::Hybrid) => facets.format == ActivityFormat::Hybrid,
        };
        let place_ok = match (self.region, self.municipality) {
            (None, None) => true,
            (region, municipality) => facets.municipality.is_some_and(|code| {
                region.is_none_or(|r| code / 100 == r) && municipality.is_none_or(|m| code == m)
            }),
        };
        format_ok
            && place_ok
            && facets.themes & self.themes == self.themes
            && facets.audiences & self.audiences == self.audiences
            && self.day.is_none_or(|day| facets.day == day)
    }

    fn matches_text(&self, text: &str) -> bool {
        self.words.iter().all(|word| text.contains(word.as_str()))
    }
}

/// Lower-cased words of a free-text query.
fn query_words(q: Option<&str>) -> Vec<String> {
    q.map(|q| q.split_whitespace().map(crate::text::lower).collect())
        .unwrap_or_default()
}

/// Percent-encodes a URL query value (RFC 3986 unreserved characters stay).
pub fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A programme ready to be filtered quickly, again and again: activities sorted by
/// start, with their filter facets and lower-cased search text prepared once.
#[derive(Debug, Clone, Default)]
pub struct Programme {
    activities: Vec<Activity>,
    facets: Vec<Facets>,
    /// Every activity's search text, one after the other.
    text: String,
    /// Where each activity's search text ends in `text`.
    text_ends: Vec<usize>,
}

/// The programme's order: by start, end and title.
fn in_order(a: &Activity, b: &Activity) -> std::cmp::Ordering {
    a.starts_at
        .cmp(&b.starts_at)
        .then(a.ends_at.cmp(&b.ends_at))
        .then_with(|| a.title.cmp(&b.title))
}

/// A programme prepared an activity at a time, so that a browser can prepare
/// ten thousand of them in slices between frames rather than in one long
/// task. Activities that come in the programme's order (as the server sends
/// them) need no sorting at the end.
#[derive(Debug, Default)]
pub struct ProgrammeBuilder {
    programme: Programme,
}

impl ProgrammeBuilder {
    /// Prepares one more activity's facets and search text.
    pub fn push(&mut self, activity: Activity) {
        let programme = &mut self.programme;
        programme.facets.push(Facets::of(&activity));
        programme.text.push_str(&search_text(&activity));
        programme.text_ends.push(programme.text.len());
        programme.activities.push(activity);
    }

    /// The programme, in its order: activities that came out of order are
    /// sorted, with what was prepared for them, which is not made again.
    pub fn finish(self) -> Programme {
        let mut programme = self.programme;
        let activities = &programme.activities;
        if activities.is_sorted_by(|a, b| in_order(a, b).is_le()) {
            return programme;
        }
        let mut order: Vec<usize> = (0..activities.len()).collect();
        order.sort_by(|&a, &b| in_order(&activities[a], &activities[b]));
        let mut sorted = ProgrammeBuilder::default();
        let mut activities: Vec<Option<Activity>> = std::mem::take(&mut programme.activities)
            .into_iter()
            .map(Some)
            .collect();
        for index in order {
            let sorted = &mut sorted.programme;
            sorted.facets.push(programme.facets[index]);
            sorted.text.push_str(programme.text_of(index));
            sorted.text_ends.push(sorted.text.len());
            sorted.activities.extend(activities[index].take());
        }
        sorted.programme
    }
}

impl Programme {
    /// Sorts the activities by start, end and title, and prepares their search text.
    pub fn new(activities: Vec<Activity>) -> Self {
        let mut builder = ProgrammeBuilder::default();
        for activity in activities {
            builder.push(activity);
        }
        builder.finish()
    }

    /// All activities, in start order.
    pub fn activities(&self) -> &[Activity] {
        &self.activities
    }

    /// The activity with this id.
    pub fn get(&self, id: &str) -> Option<&Activity> {
        self.activities.iter().find(|a| a.id == id)
    }

    /// The day (Stockholm time) the activity at this position starts: the
    /// day its list groups it under.
    pub fn day_of(&self, index: usize) -> NaiveDate {
        self.facets[index].day
    }

    fn text_of(&self, index: usize) -> &str {
        let start = index.checked_sub(1).map_or(0, |i| self.text_ends[i]);
        &self.text[start..self.text_ends[index]]
    }

    /// The activities that match the filter, in start order.
    pub fn filter(&self, filter: &ProgrammeFilter) -> Vec<&Activity> {
        self.filter_indices(filter)
            .into_iter()
            .map(|i| &self.activities[i])
            .collect()
    }

    /// The positions in [`Programme::activities`] of the activities that match.
    pub fn filter_indices(&self, filter: &ProgrammeFilter) -> Vec<usize> {
        let compiled = CompiledFilter::new(filter);
        self.facets
            .iter()
            .enumerate()
            .filter(|(i, facets)| {
                compiled.matches_facets(facets) && compiled.matches_text(self.text_of(*i))
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// Groups activities, given by position and in start order, into days
    /// (Stockholm time), keeping the positions: what the app's keyed list renders.
    pub fn day_groups(&self, indices: &[usize]) -> Vec<(NaiveDate, Vec<usize>)> {
        let mut groups: Vec<(NaiveDate, Vec<usize>)> = Vec::new();
        for &i in indices {
            let day = self.facets[i].day;
            match groups.last_mut() {
                Some((group_day, positions)) if *group_day == day => positions.push(i),
                _ => groups.push((day, vec![i])),
            }
        }
        groups
    }
}

/// What free text is searched in: title, summary, organisers and place.
fn search_text(activity: &Activity) -> String {
    let mut text = String::with_capacity(activity.title.len() + activity.summary.len() + 128);
    text.push_str(&activity.title);
    text.push('\n');
    text.push_str(&activity.summary);
    for organiser in &activity.organisers {
        text.push('\n');
        text.push_str(&organiser.name);
    }
    if let Some(venue) = activity
        .venue
        .as_ref()
        .filter(|_| activity.format.has_venue())
    {
        text.push('\n');
        text.push_str(&venue.name);
        text.push('\n');
        text.push_str(&venue.city);
    }
    if let Some(municipality) = activity.municipality() {
        text.push('\n');
        text.push_str(municipality.name);
        if let Some(county) = regions::county(municipality.county_code()) {
            text.push('\n');
            text.push_str(county.name);
        }
    }
    if activity.format.is_online() {
        text.push_str("\ndigitalt");
    }
    crate::text::lower(&text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo;
    use crate::model::ActivityStatus;
    use chrono::Datelike;

    fn programme() -> Programme {
        Programme::new(demo::activities(demo::sample_edition().starts_on, 200))
    }

    fn filter(query: &[(&str, &str)]) -> ProgrammeFilter {
        ProgrammeFilter::from_pairs(query.iter().copied()).unwrap()
    }

    #[test]
    fn a_programme_prepared_an_activity_at_a_time_is_the_same_in_any_order() {
        let activities = demo::activities(demo::sample_edition().starts_on, 200);
        let whole = Programme::new(activities.clone());
        let ids = |p: &Programme, f: &ProgrammeFilter| -> Vec<String> {
            p.filter(f).iter().map(|a| a.id.clone()).collect()
        };
        let search = filter(&[("q", &whole.activities()[3].organisers[0].name)]);
        // In the programme's order (as the server sends the listing), and
        // backwards.
        for order in [whole.activities().to_vec(), {
            let mut reversed = activities;
            reversed.reverse();
            reversed
        }] {
            let mut builder = ProgrammeBuilder::default();
            for activity in order {
                builder.push(activity);
            }
            let built = builder.finish();
            assert_eq!(built.activities(), whole.activities());
            for f in [ProgrammeFilter::default(), search.clone()] {
                assert_eq!(ids(&built, &f), ids(&whole, &f));
            }
            assert!(ids(&built, &search).len() < 200);
        }
    }

    #[test]
    fn an_empty_filter_matches_everything() {
        let p = programme();
        assert_eq!(
            p.filter(&ProgrammeFilter::default()).len(),
            p.activities().len()
        );
    }

    #[test]
    fn digital_matches_digital_and_hybrid_physical_matches_physical_and_hybrid() {
        let p = programme();
        let count = |f| p.activities().iter().filter(|a| a.format == f).count();
        let (physical, digital, hybrid) = (
            count(ActivityFormat::Physical),
            count(ActivityFormat::Digital),
            count(ActivityFormat::Hybrid),
        );
        assert!(physical > 0 && digital > 0 && hybrid > 0);
        assert_eq!(
            p.filter(&filter(&[("format", "digital")])).len(),
            digital + hybrid
        );
        assert_eq!(
            p.filter(&filter(&[("format", "physical")])).len(),
            physical + hybrid
        );
        assert_eq!(p.filter(&filter(&[("format", "hybrid")])).len(), hybrid);
    }

    #[test]
    fn a_region_or_municipality_matches_activities_held_there() {
        let p = programme();
        let in_skane = p.filter(&filter(&[("region", "12")]));
        assert!(!in_skane.is_empty());
        for a in &in_skane {
            assert!(a.format.has_venue());
            assert!(
                a.venue
                    .as_ref()
                    .unwrap()
                    .municipality_code
                    .starts_with("12")
            );
        }
        let malmo = p.filter(&filter(&[("region", "12"), ("municipality", "1280")]));
        assert!(
            malmo
                .iter()
                .all(|a| a.venue.as_ref().unwrap().municipality_code == "1280")
        );
        assert!(malmo.len() <= in_skane.len());
        // A kommun outside the chosen län matches nothing.
        assert!(
            p.filter(&filter(&[("region", "01"), ("municipality", "1280")]))
                .is_empty()
        );
    }

    #[test]
    fn filters_combine_with_and() {
        let p = programme();
        let f = filter(&[
            ("format", "digital"),
            ("theme", "data_ai"),
            ("audience", "staff"),
        ]);
        let hits = p.filter(&f);
        assert!(!hits.is_empty());
        for a in hits {
            assert!(a.format.is_online());
            assert!(a.themes.contains(&Theme::DataAi));
            assert!(a.audiences.contains(&Audience::Staff));
        }
    }

    #[test]
    fn free_text_matches_every_word_in_title_organiser_or_place_ignoring_case() {
        let p = programme();
        let first = &p.activities()[0];
        let word = first
            .title
            .split_whitespace()
            .next()
            .unwrap()
            .to_uppercase();
        assert!(
            p.filter(&filter(&[("q", &word)]))
                .iter()
                .any(|a| a.id == first.id)
        );
        let organiser = first.organisers[0].name.to_lowercase();
        assert!(
            p.filter(&filter(&[("q", &organiser)]))
                .iter()
                .any(|a| a.id == first.id)
        );
        let in_umea = p.filter(&filter(&[("q", "umeå")]));
        assert!(!in_umea.is_empty());
        assert!(p.filter(&filter(&[("q", "umeå xyzzy")])).is_empty());
    }

    #[test]
    fn a_day_filter_keeps_that_stockholm_day_only() {
        let p = programme();
        let day = to_stockholm(&p.activities()[100].starts_at).date_naive();
        let hits = p.filter(&ProgrammeFilter {
            day: Some(day),
            ..Default::default()
        });
        assert!(!hits.is_empty());
        assert!(
            hits.iter()
                .all(|a| to_stockholm(&a.starts_at).date_naive() == day)
        );
    }

    #[test]
    fn groups_are_days_in_order_and_activities_by_start_time() {
        let p = programme();
        let all = p.filter_indices(&ProgrammeFilter::default());
        let groups = p.day_groups(&all);
        assert_eq!(groups.len(), 5);
        assert!(groups.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(groups[0].0.weekday(), chrono::Weekday::Mon);
        let activities = p.activities();
        for (day, positions) in &groups {
            assert!(
                positions
                    .windows(2)
                    .all(|w| activities[w[0]].starts_at <= activities[w[1]].starts_at)
            );
            assert!(
                positions
                    .iter()
                    .all(|&i| to_stockholm(&activities[i].starts_at).date_naive() == *day)
            );
        }
        assert_eq!(
            groups
                .iter()
                .map(|(_, positions)| positions.len())
                .sum::<usize>(),
            all.len()
        );
    }

    #[test]
    fn bad_values_are_errors_but_unknown_and_empty_parameters_are_ignored() {
        assert_eq!(
            ProgrammeFilter::from_pairs([("day", "måndag")]).unwrap_err(),
            FilterError {
                param: "day",
                value: "måndag".into()
            }
        );
        assert!(ProgrammeFilter::from_pairs([("format", "paper")]).is_err());
        assert!(ProgrammeFilter::from_pairs([("region", "99")]).is_err());
        assert!(ProgrammeFilter::from_pairs([("municipality", "9999")]).is_err());
        assert!(ProgrammeFilter::from_pairs([("theme", "cooking")]).is_err());
        assert!(
            ProgrammeFilter::from_pairs([("utm_source", "x"), ("q", "")])
                .unwrap()
                .is_empty()
        );
        let lenient = ProgrammeFilter::from_pairs_lenient([("format", "paper"), ("q", "ai")]);
        assert_eq!(
            lenient,
            ProgrammeFilter {
                q: Some("ai".into()),
                ..Default::default()
            }
        );
    }

    #[test]
    fn a_kommun_alone_brings_its_län() {
        let f = filter(&[("municipality", "2480")]);
        assert_eq!(f.region.as_deref(), Some("24"));
        let lenient = ProgrammeFilter::from_pairs_lenient([("municipality", "1280")]);
        assert_eq!(lenient.region.as_deref(), Some("12"));
    }

    #[test]
    fn a_filter_round_trips_through_its_query_string() {
        let f = filter(&[
            ("q", "grön & hållbar"),
            ("day", "2026-10-06"),
            ("format", "hybrid"),
            ("region", "24"),
            ("municipality", "2480"),
            ("theme", "green_transition"),
            ("audience", "residents"),
        ]);
        let qs = f.to_query_string();
        assert!(qs.starts_with("q=gr%C3%B6n%20%26%20h%C3%A5llbar&day=2026-10-06"));
        let pairs: Vec<(String, String)> = f
            .to_pairs()
            .into_iter()
            .map(|(k, v)| (k.into(), v))
            .collect();
        assert_eq!(ProgrammeFilter::from_pairs(pairs).unwrap(), f);
    }

    #[test]
    fn cancelled_activities_are_kept_by_filters() {
        let p = programme();
        let cancelled = p
            .activities()
            .iter()
            .filter(|a| a.status == ActivityStatus::Cancelled)
            .count();
        assert!(cancelled > 0);
        let kept = p
            .filter(&ProgrammeFilter::default())
            .iter()
            .filter(|a| a.is_cancelled())
            .count();
        assert_eq!(kept, cancelled);
    }
}
