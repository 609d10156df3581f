//! Which parts of an activity changed between two versions of it: what the
//! operators are shown of an organiser's edit since the last approval.

use crate::Activity;

/// A part of an activity an organiser can change, as the operators read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Title,
    Summary,
    Description,
    Time,
    Format,
    Place,
    Online,
    Themes,
    Audiences,
    Language,
    Organisers,
    Contact,
    Signup,
    Accessibility,
}

impl Part {
    /// Every part, in the order the registration form asks for them.
    pub const ALL: &'static [Part] = &[
        Part::Organisers,
        Part::Title,
        Part::Summary,
        Part::Description,
        Part::Themes,
        Part::Audiences,
        Part::Language,
        Part::Time,
        Part::Format,
        Part::Place,
        Part::Online,
        Part::Contact,
        Part::Signup,
        Part::Accessibility,
    ];

    /// The name in the API.
    pub fn key(self) -> &'static str {
        match self {
            Part::Title => "title",
            Part::Summary => "summary",
            Part::Description => "description",
            Part::Time => "time",
            Part::Format => "format",
            Part::Place => "place",
            Part::Online => "online",
            Part::Themes => "themes",
            Part::Audiences => "audiences",
            Part::Language => "language",
            Part::Organisers => "organisers",
            Part::Contact => "contact",
            Part::Signup => "signup_url",
            Part::Accessibility => "accessibility",
        }
    }

    /// The part named `key` in the API.
    pub fn from_key(key: &str) -> Option<Part> {
        Part::ALL.iter().copied().find(|part| part.key() == key)
    }

    /// In a sentence: "Ändrat: titel, tid och plats".
    pub fn label(self) -> &'static str {
        match self {
            Part::Title => "titel",
            Part::Summary => "sammanfattning",
            Part::Description => "beskrivning",
            Part::Time => "tid",
            Part::Format => "form (på plats, digitalt eller hybrid)",
            Part::Place => "plats",
            Part::Online => "digital anslutning",
            Part::Themes => "teman",
            Part::Audiences => "målgrupper",
            Part::Language => "språk",
            Part::Organisers => "arrangörer",
            Part::Contact => "kontaktperson",
            Part::Signup => "länk för anmälan",
            Part::Accessibility => "tillgänglighet",
        }
    }

    fn differs(self, before: &Activity, after: &Activity) -> bool {
        match self {
            Part::Title => before.title != after.title,
            Part::Summary => before.summary != after.summary,
            Part::Description => before.description != after.description,
            Part::Time => before.starts_at != after.starts_at || before.ends_at != after.ends_at,
            Part::Format => before.format != after.format,
            Part::Place => before.venue != after.venue || before.region_code != after.region_code,
            Part::Online => before.online != after.online,
            Part::Themes => before.themes != after.themes,
            Part::Audiences => before.audiences != after.audiences,
            Part::Language => before.language != after.language,
            Part::Organisers => before.organisers != after.organisers,
            Part::Contact => before.contact != after.contact,
            Part::Signup => before.signup_url != after.signup_url,
            Part::Accessibility => before.accessibility != after.accessibility,
        }
    }
}

/// The parts that differ from `before` to `after`, in the form's order. The
/// status and a cancellation's reason are not parts: they are decisions.
pub fn changed_parts(before: &Activity, after: &Activity) -> Vec<Part> {
    Part::ALL
        .iter()
        .copied()
        .filter(|part| part.differs(before, after))
        .collect()
}

/// "titel", "titel och tid", "titel, tid och plats".
pub fn list_in_words(parts: &[Part]) -> String {
    let labels: Vec<&str> = parts.iter().map(|part| part.label()).collect();
    crate::in_words(&labels)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo;

    fn sample() -> Activity {
        demo::activities(demo::sample_edition().starts_on, 1).remove(0)
    }

    #[test]
    fn an_unchanged_activity_has_no_changed_parts_and_the_status_is_not_one() {
        let before = sample();
        let mut after = before.clone();
        assert!(changed_parts(&before, &after).is_empty());
        after.status = crate::ActivityStatus::Cancelled;
        after.cancellation_reason = Some("Sjuk".into());
        assert!(changed_parts(&before, &after).is_empty());
    }

    #[test]
    fn the_changed_parts_come_in_the_forms_order_and_read_as_a_sentence() {
        let before = sample();
        let mut after = before.clone();
        after.ends_at += chrono::Duration::minutes(30);
        after.title.push_str(" (ny tid)");
        after.contact.name = "Någon annan".into();
        let parts = changed_parts(&before, &after);
        assert_eq!(parts, vec![Part::Title, Part::Time, Part::Contact]);
        assert_eq!(list_in_words(&parts), "titel, tid och kontaktperson");
        assert_eq!(list_in_words(&parts[..1]), "titel");
        assert_eq!(list_in_words(&parts[..2]), "titel och tid");
    }

    #[test]
    fn every_part_has_a_key_of_its_own_that_reads_back() {
        for part in Part::ALL {
            assert_eq!(Part::from_key(part.key()), Some(*part));
            assert!(!part.label().is_empty());
        }
        let mut keys: Vec<&str> = Part::ALL.iter().map(|part| part.key()).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), Part::ALL.len());
        assert_eq!(Part::from_key("status"), None);
    }
}
