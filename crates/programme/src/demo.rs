//! A deterministic, realistic demo edition: the same input always gives the same
//! programme. The server seeds its database with it on first start, and tests and
//! benchmarks use it at any size.

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Weekday};

use crate::model::{
    Accessibility, AccessibilityFeature, Activity, ActivityFormat, ActivityStatus, Audience,
    Contact, Edition, Online, Organiser, OrganiserKind, Theme, Venue,
};
use crate::regions::{self, Municipality};
use crate::time::stockholm;

/// How many activities the demo edition has.
pub const DEMO_ACTIVITY_COUNT: usize = 180;

/// The index of the digital activity that opens the week (Monday 08.00), so
/// the first screen of the programme always shows a digital one.
const FIRST_DIGITAL: usize = 42;

/// SplitMix64: small, fast and the same on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A fixed edition for tests: 5–9 October 2026, programme open from 17 August.
pub fn sample_edition() -> Edition {
    Edition {
        name: "Innovationsveckan 2026".to_owned(),
        year: 2026,
        starts_on: NaiveDate::from_ymd_opt(2026, 10, 5).expect("valid date"),
        ends_on: NaiveDate::from_ymd_opt(2026, 10, 9).expect("valid date"),
        programme_opens_on: NaiveDate::from_ymd_opt(2026, 8, 17).expect("valid date"),
    }
}

/// The demo edition for a given day: the Monday-to-Friday week that starts three
/// weeks after this week's Monday (later if that would be the Christmas and New
/// Year holidays), with the programme open since this week's Monday, so the demo
/// always shows an open programme of a coming working week.
pub fn edition_for(today: NaiveDate) -> Edition {
    let monday_this_week =
        today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let mut starts_on = monday_this_week + Duration::weeks(3);
    while is_holiday_week(starts_on) {
        starts_on += Duration::weeks(1);
    }
    Edition {
        name: format!("Innovationsveckan {} (demo)", starts_on.year()),
        year: starts_on.year(),
        starts_on,
        ends_on: starts_on + Duration::days(4),
        programme_opens_on: monday_this_week,
    }
}

/// The first digit of Swedish postal codes in a län, roughly (they follow the
/// postal network, not the län borders).
fn postal_region(county_code: &str) -> u8 {
    match county_code {
        "01" => 1,
        "12" => 2,
        "07" | "08" | "10" | "13" => 3,
        "14" => 4,
        "05" | "06" => 5,
        "04" | "09" | "17" => 6,
        "03" | "18" | "19" | "20" => 7,
        "21" | "22" | "23" => 8,
        _ => 9,
    }
}

/// "Data och AI" inside a sentence: "data och AI".
fn lower_first(label: &str) -> String {
    let mut chars = label.chars();
    chars
        .next()
        .map(|first| first.to_lowercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Whether the Monday-to-Friday week from `monday` touches 21 December–6 January.
fn is_holiday_week(monday: NaiveDate) -> bool {
    let friday = monday + Duration::days(4);
    [monday, friday]
        .iter()
        .any(|d| (d.month() == 12 && d.day() >= 21) || (d.month() == 1 && d.day() <= 6))
}

const TITLES: &[(Theme, &[&str])] = &[
    (
        Theme::Digitalisation,
        &[
            "Så digitaliserade vi bygglovsprocessen",
            "E-tjänster som invånarna faktiskt använder",
            "Digitala medarbetare i kommunens växel",
            "Från pappersblankett till självservice på en vecka",
            "Gemensam digital infrastruktur för offentlig sektor",
            "Digital inkludering: ingen ska lämnas utanför",
        ],
    ),
    (
        Theme::DataAi,
        &[
            "AI i handläggningen – vad fungerar på riktigt?",
            "Öppna data som skapar nytta för företag",
            "Språkmodeller i offentlig sektor: möjligheter och risker",
            "Datadriven planering av hemtjänstens rutter",
            "Att dela data säkert mellan myndigheter",
            "Prognoser med maskininlärning för snöröjningen",
        ],
    ),
    (
        Theme::InnovationProcurement,
        &[
            "Innovationsupphandling steg för steg",
            "Funktionsupphandling: beskriv behovet, inte lösningen",
            "Dialog med leverantörer före upphandlingen",
            "Så köpte regionen in framtidens vårdsäng",
            "Förkommersiell upphandling i praktiken",
        ],
    ),
    (
        Theme::GreenTransition,
        &[
            "Cirkulära möbelflöden i kommunens lokaler",
            "Klimatneutral byggarbetsplats – erfarenheter från pilotprojektet",
            "Matsvinn i skolköket: från mätning till minskning",
            "Solceller på kommunens tak – hur gick det?",
            "Återbrukshallen som blev en mötesplats",
            "Fossilfria transporter i glesbygd",
        ],
    ),
    (
        Theme::ServiceDesign,
        &[
            "Tjänstedesign för nybörjare",
            "Kundresan genom försörjningsstödet",
            "Att testa med användare innan man bygger",
            "Prototypverkstad: från idé till test på en dag",
            "Klarspråk i beslut och brev",
        ],
    ),
    (
        Theme::Leadership,
        &[
            "Att leda innovation när budgeten krymper",
            "Tillitsbaserad styrning i vardagen",
            "Innovationsledning i en liten kommun",
            "Misslyckandets värde – en öppen samtalskväll",
            "Chefsnätverk för förändringsledare",
        ],
    ),
    (
        Theme::HealthCare,
        &[
            "Välfärdsteknik i hemtjänsten",
            "Digitala vårdbesök i glesbygd",
            "Trygg hemgång från sjukhus med sensorer",
            "Läkemedelsrobotar på äldreboendet",
            "Nära vård: samverkan mellan region och kommun",
            "Psykisk hälsa hos unga – nya arbetssätt",
        ],
    ),
    (
        Theme::Education,
        &[
            "AI i klassrummet – lärarnas erfarenheter",
            "Digitala läromedel som fungerar för alla elever",
            "Skolans lokaler som lärande miljö",
            "Programmering i grundskolan",
            "Vuxenutbildning som matchar arbetsmarknaden",
        ],
    ),
    (
        Theme::UrbanDevelopment,
        &[
            "Digital tvilling av stadskärnan",
            "Medskapande stadsplanering med 3D-modeller",
            "Smarta belysningslösningar i offentliga miljöer",
            "Framtidens bibliotek som mötesplats",
            "Bostäder för alla skeden i livet",
        ],
    ),
    (
        Theme::CitizenDialogue,
        &[
            "Medborgarbudget: invånarna bestämmer",
            "Unga tar plats i kommunens beslut",
            "Dialog på distans – digitala samråd",
            "Öppet hus: tyck till om nya torget",
            "Medborgarpanel om klimatfrågor",
        ],
    ),
    (
        Theme::CrisisPreparedness,
        &[
            "Innovation i kris: lärdomar från pandemin",
            "Beredskap för långvariga elavbrott",
            "Övning: kommunens krisledning en vinternatt",
            "Robust digital infrastruktur vid störningar",
            "Civilt försvar i kommunen – vad betyder det för dig?",
        ],
    ),
    (
        Theme::Foresight,
        &[
            "Omvärldsanalys: trender som formar välfärden",
            "Scenarier för kommunen 2040",
            "Framtidsverkstad om arbetslivet",
            "Hur tar vi tillvara svaga signaler?",
        ],
    ),
    (
        Theme::International,
        &[
            "Nordiskt samarbete om digital identitet",
            "EU-finansiering för innovation i offentlig sektor",
            "Lärdomar från Estlands digitala förvaltning",
            "Internationella partnerskap för hållbara städer",
        ],
    ),
];

const ENGLISH_TITLES: &[&str] = &[
    "Public sector innovation across the Nordics",
    "Open data for a better society – an international panel",
    "GovTech in Europe: what can Sweden learn?",
];

const FORMS: &[&str] = &[
    "Föreläsning",
    "Workshop",
    "Studiebesök",
    "Utställning",
    "Dialogmöte",
    "Webbsändning",
    "Seminarium",
];

const VENUES: &[&str] = &[
    "Stadshuset",
    "Kommunhuset",
    "Stadsbiblioteket",
    "Kulturhuset",
    "Regionens hus",
    "Folkets hus",
    "Innovationshubben",
    "Science Park",
    "Medborgarhuset",
    "Konferenscentret",
];

const STREETS: &[&str] = &[
    "Storgatan",
    "Kungsgatan",
    "Drottninggatan",
    "Järnvägsgatan",
    "Torggatan",
    "Skolgatan",
    "Parkvägen",
    "Hamngatan",
    "Kyrkogatan",
    "Industrivägen",
];

const PLATFORMS: &[&str] = &[
    "Microsoft Teams",
    "Zoom",
    "Webbsändning",
    "Google Meet",
    "Jitsi Meet",
];

const AGENCIES: &[&str] = &[
    "Vinnova",
    "Myndigheten för digital förvaltning (DIGG)",
    "Upphandlingsmyndigheten",
    "Skatteverket",
    "Försäkringskassan",
    "Arbetsförmedlingen",
    "Naturvårdsverket",
    "Trafikverket",
    "Lantmäteriet",
    "Boverket",
    "E-hälsomyndigheten",
    "Socialstyrelsen",
    "Skolverket",
    "Myndigheten för samhällsskydd och beredskap",
    "Statistiska centralbyrån",
    "Energimyndigheten",
    "Tillväxtverket",
    "Bolagsverket",
];

const OTHER_PUBLIC: &[&str] = &[
    "Sveriges Kommuner och Regioner",
    "Inera",
    "RISE Research Institutes of Sweden",
    "Kommunförbundet i länet",
];

const BUSINESSES: &[&str] = &[
    "Nordljus Digital AB",
    "Cirkulära lösningar i Sverige AB",
    "Vårdteknik Norr AB",
    "Stadsdata Konsult AB",
    "Grön Energi Partner AB",
    "Tjänstedesignbyrån AB",
];

const UNIVERSITIES: &[&str] = &[
    "Umeå universitet",
    "Linköpings universitet",
    "Lunds universitet",
    "Chalmers tekniska högskola",
    "Kungliga Tekniska högskolan",
    "Högskolan i Borås",
    "Mittuniversitetet",
    "Luleå tekniska universitet",
    "Malmö universitet",
    "Karlstads universitet",
    "Örebro universitet",
];

const CIVIL_SOCIETY: &[&str] = &[
    "Föreningen Digital delaktighet",
    "Studieförbundet i länet",
    "Pensionärsföreningen",
    "Ungdomsrådet",
    "Hembygdsföreningen",
];

const FIRST_NAMES: &[&str] = &[
    "Anna", "Erik", "Maria", "Lars", "Karin", "Johan", "Sara", "Ahmed", "Elin", "Mikael", "Fatima",
    "Oskar", "Lena", "Nils", "Emma", "Per",
];

const LAST_NAMES: &[&str] = &[
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Lindberg",
    "Hassan",
    "Berg",
    "Lundqvist",
];

const DURATIONS_MIN: &[i64] = &[45, 60, 60, 90, 90, 120, 180];

/// Deterministic demo activities for the Monday-to-Friday week starting on
/// `starts_on`: about a third digital, some hybrid, all 21 län, a few cancelled.
pub fn activities(starts_on: NaiveDate, count: usize) -> Vec<Activity> {
    let monday = starts_on - Duration::days(i64::from(starts_on.weekday().num_days_from_monday()));
    // Seeded by the week, so two demo editions never share activity ids.
    let mut rng = Rng(0x1A0_7E55_2026 ^ u64::from(monday.num_days_from_ce().unsigned_abs()));
    (0..count).map(|i| activity(&mut rng, monday, i)).collect()
}

fn ascii_slug(text: &str) -> String {
    text.to_lowercase()
        .chars()
        .map(|c| match c {
            'å' | 'ä' => 'a',
            'ö' => 'o',
            'é' => 'e',
            c if c.is_ascii_alphanumeric() => c,
            _ => '-',
        })
        .collect::<String>()
        .split('-')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

fn activity(rng: &mut Rng, monday: NaiveDate, index: usize) -> Activity {
    let id = format!(
        "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
        rng.next() as u32,
        rng.next() as u16,
        rng.next() & 0xFFF,
        rng.next() & 0xFFF,
        rng.next() & 0xFFFF_FFFF_FFFF
    );
    // The first activities are fixed in kind, so every demo week has what the
    // filters need whatever the seed: each län one activity on site and one
    // hybrid (hosted by a kommun), and one digital at the very start of the
    // week. The rest are drawn, about a third of the whole programme digital.
    let counties = regions::counties();
    let roll = rng.below(100);
    let (format, county) = match index {
        i if i < counties.len() => (ActivityFormat::Physical, &counties[i]),
        i if i < 2 * counties.len() => (ActivityFormat::Hybrid, &counties[i - counties.len()]),
        i if i == FIRST_DIGITAL => (ActivityFormat::Digital, rng.pick(counties)),
        _ => {
            let format = match roll {
                0..=42 => ActivityFormat::Digital,
                43..=50 => ActivityFormat::Hybrid,
                _ => ActivityFormat::Physical,
            };
            (format, rng.pick(counties))
        }
    };
    let municipality: &Municipality = rng.pick(regions::municipalities_in(county.code));

    let (theme, titles) = *rng.pick(TITLES);
    let english = theme == Theme::International && rng.chance(50);
    let title = if english {
        (*rng.pick(ENGLISH_TITLES)).to_owned()
    } else {
        (*rng.pick(titles)).to_owned()
    };
    let mut themes = vec![theme];
    let second = *rng.pick(Theme::ALL);
    if second != theme && rng.chance(50) {
        themes.push(second);
    }
    let mut audiences: Vec<Audience> = Audience::ALL
        .iter()
        .copied()
        .filter(|_| rng.chance(45))
        .collect();
    if audiences.is_empty() {
        audiences.push(Audience::Staff);
    }

    let host_roll = rng.below(100);
    // The hybrid ones of every län are hosted by a kommun there.
    let host_roll = if format == ActivityFormat::Hybrid && index < 2 * counties.len() {
        0
    } else {
        host_roll
    };
    let host = match host_roll {
        0..=49 => Organiser {
            name: municipality.organisation_name(),
            kind: OrganiserKind::Municipality,
        },
        50..=69 => Organiser {
            name: county.region_name.to_owned(),
            kind: OrganiserKind::Region,
        },
        70..=91 => Organiser {
            name: (*rng.pick(AGENCIES)).to_owned(),
            kind: OrganiserKind::GovernmentAgency,
        },
        _ => Organiser {
            name: (*rng.pick(OTHER_PUBLIC)).to_owned(),
            kind: OrganiserKind::OtherPublic,
        },
    };
    let mut organisers = vec![host];
    for _ in 0..rng.below(3) {
        let partner = match rng.below(3) {
            0 => Organiser {
                name: (*rng.pick(BUSINESSES)).to_owned(),
                kind: OrganiserKind::Business,
            },
            1 => Organiser {
                name: (*rng.pick(UNIVERSITIES)).to_owned(),
                kind: OrganiserKind::Academia,
            },
            _ => Organiser {
                name: (*rng.pick(CIVIL_SOCIETY)).to_owned(),
                kind: OrganiserKind::CivilSociety,
            },
        };
        if organisers.iter().all(|o| o.name != partner.name) {
            organisers.push(partner);
        }
    }

    // The first five are one on each day, so no day of the week is empty.
    let day_roll = rng.below(5);
    let day_index = if index < 5 { index } else { day_roll };
    let day = monday + Duration::days(day_index as i64);
    debug_assert!(day.weekday() != Weekday::Sat && day.weekday() != Weekday::Sun);
    let (hour_roll, minute_roll) = (rng.below(11) as u32, rng.below(4));
    let (start_hour, start_minute) = if index == FIRST_DIGITAL {
        (8, 0)
    } else {
        (8 + hour_roll, [0, 0, 15, 30][minute_roll])
    };
    let day = if index == FIRST_DIGITAL { monday } else { day };
    let start = NaiveTime::from_hms_opt(start_hour, start_minute, 0).expect("valid time");
    let duration = Duration::minutes(*rng.pick(DURATIONS_MIN));
    let starts_at = stockholm(day, start);
    let ends_at = starts_at + duration;

    let slug = ascii_slug(&organisers[0].name);
    let venue = format.has_venue().then(|| Venue {
        name: format!("{}, {}", rng.pick(VENUES), municipality.name),
        street_address: format!("{} {}", rng.pick(STREETS), 1 + rng.below(60)),
        postal_code: format!(
            "{}{:02} {:02}",
            postal_region(county.code),
            rng.below(100),
            rng.below(100)
        ),
        city: municipality.name.to_owned(),
        municipality_code: municipality.code.to_owned(),
    });
    let online = format.is_online().then(|| Online {
        platform: (*rng.pick(PLATFORMS)).to_owned(),
        url: format!("https://example.org/{slug}/innovationsveckan/{}", &id[..8]),
    });

    let first = *rng.pick(FIRST_NAMES);
    let last = *rng.pick(LAST_NAMES);
    let contact = Contact {
        name: format!("{first} {last}"),
        email: format!("{}.{}@example.se", ascii_slug(first), ascii_slug(last)),
        phone: rng.chance(40).then(|| {
            format!(
                "0{}-{} {:02} {:02}",
                10 + rng.below(80),
                100 + rng.below(900),
                rng.below(100),
                rng.below(100)
            )
        }),
    };

    let mut features: Vec<AccessibilityFeature> = Vec::new();
    if format.has_venue() {
        features.extend(
            [
                AccessibilityFeature::WheelchairAccessible,
                AccessibilityFeature::AccessibleToilet,
                AccessibilityFeature::HearingLoop,
                AccessibilityFeature::SignLanguage,
            ]
            .into_iter()
            .filter(|_| rng.chance(50)),
        );
    }
    if format.is_online() {
        features.extend(
            [
                AccessibilityFeature::Captions,
                AccessibilityFeature::Webcast,
            ]
            .into_iter()
            .filter(|_| rng.chance(50)),
        );
    }
    let accessibility = Accessibility {
        features,
        note: rng
            .chance(25)
            .then(|| "Behöver du tolk eller annat stöd? Hör av dig till kontaktpersonen senast en vecka före.".to_owned()),
    };

    let form = *rng.pick(FORMS);
    let summary = if english {
        "A conversation in English about how the public sector can innovate together across borders.".to_owned()
    } else {
        format!(
            "{form} om {} med exempel från {}.",
            lower_first(theme.label()),
            organisers[0].name
        )
    };
    let audience_text = audiences
        .iter()
        .map(|a| lower_first(a.label()))
        .collect::<Vec<_>>()
        .join(", ");
    let place_text = match format {
        ActivityFormat::Physical => format!("Vi ses på plats i {}.", municipality.name),
        ActivityFormat::Digital => "Aktiviteten är digital och du deltar var du än är.".to_owned(),
        ActivityFormat::Hybrid => format!(
            "Du kan delta på plats i {} eller digitalt.",
            municipality.name
        ),
    };
    let description = format!(
        "Vi berättar om vad vi har gjort, vad som fungerade och vad vi skulle göra \
         annorlunda i dag. Därefter finns tid för frågor och samtal.\n\nAktiviteten passar dig som \
         är intresserad av {} och vänder sig främst till {audience_text}. {place_text}",
        lower_first(theme.label())
    );

    let signup_url = rng
        .chance(60)
        .then(|| format!("https://example.org/{slug}/anmalan/{}", &id[..8]));
    let status = if index % 37 == 11 {
        ActivityStatus::Cancelled
    } else {
        ActivityStatus::Published
    };

    Activity {
        id,
        status,
        title,
        summary,
        description,
        starts_at,
        ends_at,
        format,
        region_code: venue.as_ref().map(|_| county.code.to_owned()),
        venue,
        online,
        themes,
        audiences,
        language: if english { "en" } else { "sv" }.to_owned(),
        organisers,
        contact,
        signup_url,
        accessibility,
        cancellation_reason: (status == ActivityStatus::Cancelled)
            .then(|| "Föreläsaren är sjuk. Vi återkommer med ett nytt datum.".to_owned()),
        version: 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::to_stockholm;
    use std::collections::HashSet;

    #[test]
    fn demo_weeks_do_not_share_activity_ids() {
        // Regression: a new demo week reused the old week's ids, and the server
        // could not store it.
        let a = activities(sample_edition().starts_on, 50);
        let b = activities(sample_edition().starts_on + Duration::weeks(1), 50);
        let ids: HashSet<_> = a.iter().map(|x| x.id.as_str()).collect();
        assert!(b.iter().all(|x| !ids.contains(x.id.as_str())));
    }

    #[test]
    fn the_demo_is_deterministic() {
        let a = activities(sample_edition().starts_on, 50);
        let b = activities(sample_edition().starts_on, 50);
        assert_eq!(a, b);
    }

    #[test]
    fn the_demo_is_spread_over_the_week_the_country_and_the_formats() {
        let edition = sample_edition();
        let all = activities(edition.starts_on, DEMO_ACTIVITY_COUNT);
        let ids: HashSet<_> = all.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids.len(), all.len(), "ids are unique");
        let days: HashSet<_> = all
            .iter()
            .map(|a| to_stockholm(&a.starts_at).date_naive())
            .collect();
        assert_eq!(days.len(), 5);
        assert!(
            days.iter()
                .all(|d| *d >= edition.starts_on && *d <= edition.ends_on)
        );
        let counties: HashSet<_> = all.iter().filter_map(|a| a.region_code.clone()).collect();
        assert_eq!(counties.len(), 21);
        let kommuner: HashSet<_> = all
            .iter()
            .filter_map(|a| a.venue.as_ref().map(|v| v.municipality_code.clone()))
            .collect();
        assert!(kommuner.len() > 60, "only {} kommuner", kommuner.len());
        let digital = all
            .iter()
            .filter(|a| a.format == ActivityFormat::Digital)
            .count();
        assert!((45..=75).contains(&digital), "{digital} digital");
        assert!(all.iter().any(|a| a.format == ActivityFormat::Hybrid));
        let cancelled = all.iter().filter(|a| a.is_cancelled()).count();
        assert!((2..=10).contains(&cancelled), "{cancelled} cancelled");
    }

    #[test]
    fn every_demo_activity_has_a_public_organiser_and_consistent_place() {
        for a in activities(sample_edition().starts_on, DEMO_ACTIVITY_COUNT) {
            assert!(
                a.organisers.iter().any(|o| o.kind.is_public_sector()),
                "{}",
                a.title
            );
            assert_eq!(a.venue.is_some(), a.format.has_venue());
            assert_eq!(a.online.is_some(), a.format.is_online());
            if let Some(venue) = &a.venue {
                assert_eq!(
                    a.region_code.as_deref(),
                    Some(&venue.municipality_code[..2])
                );
            }
            assert!(a.ends_at > a.starts_at);
            assert!(!a.themes.is_empty() && !a.audiences.is_empty());
        }
    }

    /// What the browser tests count on finding in whatever demo week the
    /// server makes, checked for one generated week.
    fn check_what_the_tests_rely_on(edition: &Edition) -> Result<(), String> {
        use crate::filter::{Programme, ProgrammeFilter};
        let all = activities(edition.starts_on, DEMO_ACTIVITY_COUNT);
        let week = edition.starts_on;
        let ids: HashSet<_> = all.iter().map(|a| a.id.as_str()).collect();
        if ids.len() != all.len() {
            return Err(format!("{week}: ids repeat"));
        }
        for day in edition.days() {
            if !all
                .iter()
                .any(|a| to_stockholm(&a.starts_at).date_naive() == day)
            {
                return Err(format!("{week}: nothing on {day}"));
            }
        }
        let programme = Programme::new(all.clone());
        let count = |filter: ProgrammeFilter| programme.filter(&filter).len();
        for county in regions::counties() {
            let region = Some(county.code.to_owned());
            let on_site = count(ProgrammeFilter {
                format: Some(ActivityFormat::Physical),
                region: region.clone(),
                ..Default::default()
            });
            let digital_there = count(ProgrammeFilter {
                format: Some(ActivityFormat::Digital),
                region,
                ..Default::default()
            });
            if on_site == 0 || digital_there == 0 {
                return Err(format!(
                    "{week}: län {} has {on_site} on site, {digital_there} hybrid",
                    county.code
                ));
            }
        }
        // The first screen (20 cards) shows a digital one.
        let first_screen = &programme.activities()[..20];
        if !first_screen
            .iter()
            .any(|a| a.format == ActivityFormat::Digital)
        {
            return Err(format!("{week}: no digital activity on the first screen"));
        }
        // The keyboard test types "kommun" and picks digital.
        let kommun_digital = count(ProgrammeFilter {
            q: Some("kommun".into()),
            format: Some(ActivityFormat::Digital),
            ..Default::default()
        });
        if kommun_digital == 0 || kommun_digital == all.len() {
            return Err(format!("{week}: {kommun_digital} digital with kommun"));
        }
        // A search for the town of the first activity on site narrows the list.
        let town = all
            .iter()
            .find_map(|a| a.venue.as_ref().map(|v| v.city.clone()))
            .ok_or(format!("{week}: nothing on site"))?;
        let in_town = count(ProgrammeFilter {
            q: Some(town.clone()),
            ..Default::default()
        });
        if in_town == 0 || in_town == all.len() {
            return Err(format!("{week}: {in_town} match {town}"));
        }
        let cancelled = all.iter().filter(|a| a.is_cancelled()).count();
        if !(2..=10).contains(&cancelled) {
            return Err(format!("{week}: {cancelled} cancelled"));
        }
        let digital = all
            .iter()
            .filter(|a| a.format == ActivityFormat::Digital)
            .count();
        if !(40..=80).contains(&digital) {
            return Err(format!("{week}: {digital} digital"));
        }
        Ok(())
    }

    #[test]
    fn every_demo_week_from_2026_to_2029_has_what_the_browser_tests_rely_on() {
        // Regression: the axe test filtered on a hybrid activity in län 14,
        // which the week of 2026-12-01 happened not to have.
        let mut today = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let end = NaiveDate::from_ymd_opt(2029, 12, 31).unwrap();
        let mut weeks = 0;
        let mut problems = Vec::new();
        while today <= end {
            if let Err(problem) = check_what_the_tests_rely_on(&edition_for(today)) {
                problems.push(problem);
            }
            today += Duration::weeks(1);
            weeks += 1;
        }
        assert!(weeks >= 208, "{weeks} weeks checked");
        assert!(problems.is_empty(), "{problems:#?}");
    }

    #[test]
    fn the_demo_edition_is_a_coming_week_with_an_open_programme() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let e = edition_for(today);
        assert_eq!(e.starts_on.weekday(), Weekday::Mon);
        assert_eq!(e.ends_on.weekday(), Weekday::Fri);
        assert!(e.starts_on > today + Duration::days(14));
        assert!(e.programme_is_open(today));
    }

    /// The browser test of the day links jumps to the last day, which must
    /// lie beyond the programme's first page (20 activities): in every week,
    /// the days before it hold far more than that.
    #[test]
    fn the_last_day_starts_well_after_the_first_page_in_every_week() {
        let first = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
        for week in 0..520 {
            let edition = edition_for(first + Duration::weeks(week));
            let all = activities(edition.starts_on, DEMO_ACTIVITY_COUNT);
            let before_last = all
                .iter()
                .filter(|a| crate::time::to_stockholm(&a.starts_at).date_naive() < edition.ends_on)
                .count();
            assert!(
                before_last >= 60,
                "{before_last} before the last day of {}",
                edition.starts_on
            );
        }
    }

    #[test]
    fn the_demo_week_is_never_the_christmas_holidays() {
        let e = edition_for(NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
        assert_eq!(e.starts_on, NaiveDate::from_ymd_opt(2027, 1, 11).unwrap());
        let e = edition_for(NaiveDate::from_ymd_opt(2026, 11, 26).unwrap());
        assert_eq!(e.starts_on, NaiveDate::from_ymd_opt(2026, 12, 14).unwrap());
    }
}
