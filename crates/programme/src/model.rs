//! The activity model and its vocabularies. Every vocabulary is an enum with a
//! stable English key (used in JSON and URLs) and a Swedish label (shown to people).

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

/// Defines a vocabulary enum with its keys, Swedish labels and the list of all values.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $key:literal : $label:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $key)] $variant,)+
        }

        impl $name {
            /// Every value, in the order they are offered to people.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The stable English key used in JSON and in URLs.
            pub const fn key(self) -> &'static str {
                match self { $($name::$variant => $key,)+ }
            }

            /// The Swedish label shown to people.
            pub const fn label(self) -> &'static str {
                match self { $($name::$variant => $label,)+ }
            }

            /// A bit of its own, for sets of values kept as a bit mask.
            pub const fn bit(self) -> u32 {
                1 << (self as u32)
            }

            /// Looks a value up by its key.
            pub fn from_key(key: &str) -> Option<Self> {
                match key { $($key => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }

        /// The schema is a string of the keys, each key's label beside it,
        /// as the JSON carries them (the derive would not list the labels).
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                crate::openapi::vocabulary_schema(
                    $name::ALL.iter().map(|value| (value.key(), value.label())),
                )
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($name))
            }
        }
    };
}

vocabulary! {
    /// Where an activity is publicly listed in its life cycle.
    ActivityStatus {
        /// Submitted, waiting for the operator's review.
        Pending = "pending": "Väntar på granskning",
        /// Approved and in the public programme.
        Published = "published": "Publicerad",
        /// Not accepted into the programme.
        Rejected = "rejected": "Avvisad",
        /// Called off by its organiser; stays in the programme, marked as cancelled.
        Cancelled = "cancelled": "Inställd",
    }
}

vocabulary! {
    /// How an activity is attended: its format. The labels are the one name of
    /// each everywhere (filters, cards, wizard, exports, statistics).
    ActivityFormat {
        Physical = "physical": "På plats",
        Digital = "digital": "Digitalt",
        Hybrid = "hybrid": "På plats och digitalt",
    }
}

impl ActivityFormat {
    /// Whether people can attend on site.
    pub const fn has_venue(self) -> bool {
        matches!(self, ActivityFormat::Physical | ActivityFormat::Hybrid)
    }

    /// Whether people can attend online.
    pub const fn is_online(self) -> bool {
        matches!(self, ActivityFormat::Digital | ActivityFormat::Hybrid)
    }
}

vocabulary! {
    /// What an activity is about.
    Theme {
        Digitalisation = "digitalisation": "Digitalisering",
        DataAi = "data_ai": "Data och AI",
        InnovationProcurement = "innovation_procurement": "Innovationsupphandling",
        GreenTransition = "green_transition": "Grön omställning och cirkulär ekonomi",
        ServiceDesign = "service_design": "Tjänstedesign",
        Leadership = "leadership": "Ledarskap och organisation",
        HealthCare = "health_care": "Vård och omsorg",
        Education = "education": "Skola och lärande",
        UrbanDevelopment = "urban_development": "Samhällsbyggnad",
        CitizenDialogue = "citizen_dialogue": "Medborgardialog och delaktighet",
        CrisisPreparedness = "crisis_preparedness": "Innovation i kris och beredskap",
        Foresight = "foresight": "Strategisk omvärldsanalys",
        International = "international": "Internationellt samarbete",
    }
}

vocabulary! {
    /// Whom an activity wants to reach.
    Audience {
        Staff = "staff": "Medarbetare i offentlig sektor",
        Politicians = "politicians": "Förtroendevalda",
        Partners = "partners": "Näringsliv, akademi och civilsamhälle",
        Residents = "residents": "Invånare",
    }
}

vocabulary! {
    /// What kind of organisation an organiser is.
    OrganiserKind {
        Municipality = "municipality": "Kommun",
        Region = "region": "Region",
        GovernmentAgency = "government_agency": "Statlig myndighet",
        OtherPublic = "other_public": "Annan offentlig organisation",
        Business = "business": "Företag",
        Academia = "academia": "Akademi",
        CivilSociety = "civil_society": "Civilsamhälle",
        Other = "other": "Annan",
    }
}

impl OrganiserKind {
    /// Whether this kind of organisation belongs to the public sector; every
    /// activity needs at least one such organiser.
    pub const fn is_public_sector(self) -> bool {
        matches!(
            self,
            OrganiserKind::Municipality
                | OrganiserKind::Region
                | OrganiserKind::GovernmentAgency
                | OrganiserKind::OtherPublic
        )
    }
}

vocabulary! {
    /// Accessibility features of an activity, the set visitors know from Almedalsveckan.
    AccessibilityFeature {
        HearingLoop = "hearing_loop": "Hörslinga",
        AudioDescription = "audio_description": "Syntolkning",
        SignLanguage = "sign_language": "Teckenspråkstolkning",
        WheelchairAccessible = "wheelchair_accessible": "Rullstolsanpassad lokal",
        AccessibleToilet = "accessible_toilet": "Tillgänglig toalett",
        Captions = "captions": "Textning",
        Webcast = "webcast": "Webbsändning",
    }
}

/// One edition of Innovationsveckan: a week and the date its programme opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Edition {
    /// For example "Innovationsveckan 2026".
    pub name: String,
    pub year: i32,
    /// The first day of the week (a Monday for a normal edition).
    #[serde(with = "crate::time::date_serde")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub starts_on: NaiveDate,
    /// The last day of the week, inclusive.
    #[serde(with = "crate::time::date_serde")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub ends_on: NaiveDate,
    /// The day the programme becomes visible to the public.
    #[serde(with = "crate::time::date_serde")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub programme_opens_on: NaiveDate,
}

impl Edition {
    /// Whether the public programme is open on the given (Stockholm) date.
    pub fn programme_is_open(&self, today: NaiveDate) -> bool {
        today >= self.programme_opens_on
    }

    /// The days of the edition, first to last.
    pub fn days(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.starts_on
            .iter_days()
            .take_while(move |day| *day <= self.ends_on)
    }
}

/// A place where an activity is held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Venue {
    /// The venue's name, for example "Stadshuset, sal B".
    pub name: String,
    /// Left out of the listing ([`crate::listing`]), as are the other
    /// `#[serde(default)]` fields of an activity.
    #[serde(default)]
    pub street_address: String,
    #[serde(default)]
    pub postal_code: String,
    pub city: String,
    /// The four-digit kommun code (see [`crate::regions`]).
    pub municipality_code: String,
}

/// How to attend an activity online.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Online {
    /// For example "Microsoft Teams" or "Webbsändning".
    pub platform: String,
    pub url: String,
}

/// An organising or participating organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Organiser {
    pub name: String,
    pub kind: OrganiserKind,
}

/// Whom the public contacts about an activity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub name: String,
    pub email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

impl Contact {
    /// Whether this is what the server leaves when it erases a contact's
    /// personal data: the empty contact ([`Contact::default`]).
    pub fn is_erased(&self) -> bool {
        *self == Contact::default()
    }
}

/// What an activity offers for accessibility.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Accessibility {
    #[serde(default)]
    pub features: Vec<AccessibilityFeature>,
    /// Free text, for example how to ask for an interpreter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One activity in the programme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Activity {
    pub id: String,
    pub status: ActivityStatus,
    pub title: String,
    /// One or two sentences shown in the list.
    pub summary: String,
    /// Not in the listing ([`crate::listing`]), as the other fields marked
    /// `#[serde(default)]`: empty when read from it.
    #[serde(default)]
    pub description: String,
    /// Start, with the Stockholm offset of that moment.
    #[serde(with = "crate::time::moment_serde")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub starts_at: DateTime<FixedOffset>,
    #[serde(with = "crate::time::moment_serde")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub ends_at: DateTime<FixedOffset>,
    pub format: ActivityFormat,
    /// Where, for physical and hybrid activities.
    pub venue: Option<Venue>,
    /// How to join, for digital and hybrid activities.
    #[serde(default)]
    pub online: Option<Online>,
    /// The two-digit län code of the venue, for physical and hybrid activities.
    pub region_code: Option<String>,
    pub themes: Vec<Theme>,
    pub audiences: Vec<Audience>,
    /// The language the activity is held in, as a BCP 47 code ("sv", "en").
    #[serde(default)]
    pub language: String,
    /// The organiser first, then co-organisers.
    pub organisers: Vec<Organiser>,
    #[serde(default)]
    pub contact: Contact,
    #[serde(default)]
    pub signup_url: Option<String>,
    #[serde(default)]
    pub accessibility: Accessibility,
    /// Why the organiser called the activity off, when they said (shown with
    /// "Inställd").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancellation_reason: Option<String>,
    /// The version of its content: 1 when registered, one more with each
    /// change by its organiser (a calendar file's SEQUENCE follows it).
    #[serde(default = "first_version")]
    pub version: u32,
}

fn first_version() -> u32 {
    1
}

impl Activity {
    /// Whether the activity has been called off.
    pub fn is_cancelled(&self) -> bool {
        self.status == ActivityStatus::Cancelled
    }

    /// The kommun of the venue, if the activity has one and its code is known.
    /// Only for activities held on site: a digital one's leftover venue is no place.
    pub fn municipality(&self) -> Option<&'static crate::regions::Municipality> {
        self.venue
            .as_ref()
            .filter(|_| self.format.has_venue())
            .and_then(|venue| crate::regions::municipality(&venue.municipality_code))
    }

    /// Where the activity is, in words: "Kommun, Län", "Digitalt", or both for hybrid.
    pub fn place_label(&self) -> String {
        let on_site = self.municipality().map_or_else(
            // An unknown kommun code: the venue's own town is still a place.
            || self.venue.as_ref().map(|venue| venue.city.clone()),
            |m| {
                let county = crate::regions::county(m.county_code()).map_or("", |c| c.name);
                Some(format!("{}, {}", m.name, county))
            },
        );
        match (self.format, on_site) {
            (ActivityFormat::Digital, _) | (_, None) => "Digitalt".to_owned(),
            (ActivityFormat::Physical, Some(place)) => place,
            (ActivityFormat::Hybrid, Some(place)) => format!("{place} och digitalt"),
        }
    }

    /// Every organiser, the Swedish way: "A", "A och B", "A, B och C".
    pub fn organiser_names(&self) -> String {
        let names: Vec<&str> = self.organisers.iter().map(|o| o.name.as_str()).collect();
        crate::in_words(&names)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabulary_keys_round_trip_through_json() {
        for theme in Theme::ALL {
            let json = serde_json::to_string(theme).unwrap();
            assert_eq!(json, format!("\"{}\"", theme.key()));
            assert_eq!(Theme::from_key(theme.key()), Some(*theme));
        }
        assert_eq!(Audience::from_key("residents"), Some(Audience::Residents));
        assert_eq!(
            ActivityFormat::from_key("hybrid").unwrap().label(),
            "På plats och digitalt"
        );
        assert_eq!(ActivityFormat::from_key("Hybrid"), None);
    }

    #[test]
    fn organisers_are_listed_with_och_before_the_last() {
        let mut activity =
            crate::demo::activities(crate::demo::sample_edition().starts_on, 1).remove(0);
        let organiser = |name: &str| Organiser {
            name: name.into(),
            kind: OrganiserKind::Municipality,
        };
        activity.organisers = vec![organiser("A")];
        assert_eq!(activity.organiser_names(), "A");
        activity.organisers.push(organiser("B"));
        assert_eq!(activity.organiser_names(), "A och B");
        activity.organisers.push(organiser("C"));
        assert_eq!(activity.organiser_names(), "A, B och C");
    }

    #[test]
    fn only_public_bodies_count_as_public_sector() {
        let public: Vec<_> = OrganiserKind::ALL
            .iter()
            .filter(|k| k.is_public_sector())
            .collect();
        assert_eq!(public.len(), 4);
        assert!(!OrganiserKind::Business.is_public_sector());
        assert!(OrganiserKind::GovernmentAgency.is_public_sector());
    }

    #[test]
    fn an_edition_lists_its_days_and_opens_on_its_date() {
        let edition = Edition {
            name: "Innovationsveckan 2026".into(),
            year: 2026,
            starts_on: NaiveDate::from_ymd_opt(2026, 10, 5).unwrap(),
            ends_on: NaiveDate::from_ymd_opt(2026, 10, 9).unwrap(),
            programme_opens_on: NaiveDate::from_ymd_opt(2026, 8, 17).unwrap(),
        };
        assert_eq!(edition.days().count(), 5);
        assert!(!edition.programme_is_open(NaiveDate::from_ymd_opt(2026, 8, 16).unwrap()));
        assert!(edition.programme_is_open(NaiveDate::from_ymd_opt(2026, 8, 17).unwrap()));
    }
}
