//! A registration as an organiser sends it (`POST /api/activities`), and the rules
//! it must follow. The same [`Submission::validate`] runs in the wizard and on the
//! server, so both say the same thing, with the same codes and Swedish messages.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::model::{
    Accessibility, Activity, ActivityFormat, ActivityStatus, Audience, Contact, Online, Organiser,
    Theme, Venue,
};
use crate::{Edition, regions, time};

/// Limits on what a submission may hold; the server refuses anything larger.
pub mod limits {
    pub const TITLE: usize = 120;
    pub const SUMMARY: usize = 300;
    pub const DESCRIPTION: usize = 5_000;
    pub const NAME: usize = 200;
    pub const PLATFORM: usize = 100;
    pub const CITY: usize = 100;
    pub const URL: usize = 2_000;
    pub const EMAIL: usize = 254;
    pub const PHONE: usize = 40;
    pub const ACCESSIBILITY_NOTE: usize = 1_000;
    pub const ORGANISERS: usize = 10;
    /// The operator's reason for rejecting an activity, shown to its organiser.
    pub const REVIEW_NOTE: usize = 1_000;
    /// The organiser's reason for cancelling an activity, shown in the programme.
    pub const CANCELLATION_REASON: usize = 1_000;
    /// The longest an activity may last.
    pub const HOURS: i64 = 12;
}

/// The languages an activity can be held in: Swedish, English and Sweden's
/// national minority languages, as BCP 47 codes with their Swedish names.
pub const LANGUAGES: &[(&str, &str)] = &[
    ("sv", "Svenska"),
    ("en", "Engelska"),
    ("fi", "Finska"),
    ("fit", "Meänkieli"),
    ("smi", "Samiska"),
    ("rom", "Romani chib"),
    ("yi", "Jiddisch"),
    ("swl", "Svenskt teckenspråk"),
];

/// The Swedish name of a language code from [`LANGUAGES`].
pub fn language_name(code: &str) -> Option<&'static str> {
    LANGUAGES
        .iter()
        .find(|(key, _)| *key == code)
        .map(|(_, name)| *name)
}

/// A new activity as its organiser sends it: the fields of an [`Activity`] that
/// the organiser decides, plus the private e-mail the edit link goes to (hidden
/// in its `Debug`, which logs may show).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Submission {
    pub title: String,
    pub summary: String,
    pub description: String,
    #[serde(with = "crate::time::moment_serde")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub starts_at: DateTime<FixedOffset>,
    #[serde(with = "crate::time::moment_serde")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub ends_at: DateTime<FixedOffset>,
    pub format: ActivityFormat,
    #[serde(default)]
    pub venue: Option<Venue>,
    #[serde(default)]
    pub online: Option<Online>,
    pub themes: Vec<Theme>,
    pub audiences: Vec<Audience>,
    pub language: String,
    pub organisers: Vec<Organiser>,
    pub contact: Contact,
    #[serde(default)]
    pub signup_url: Option<String>,
    #[serde(default)]
    pub accessibility: Accessibility,
    /// Never published: where the edit link is sent.
    pub submitter_email: String,
}

/// What `Debug` shows of a private value: whether there is one.
pub fn hidden(value: &str) -> &'static str {
    if value.is_empty() { "" } else { "<hidden>" }
}

impl std::fmt::Debug for Submission {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Submission")
            .field("title", &self.title)
            .field("summary", &self.summary)
            .field("description", &self.description)
            .field("starts_at", &self.starts_at)
            .field("ends_at", &self.ends_at)
            .field("format", &self.format)
            .field("venue", &self.venue)
            .field("online", &self.online)
            .field("themes", &self.themes)
            .field("audiences", &self.audiences)
            .field("language", &self.language)
            .field("organisers", &self.organisers)
            .field("contact", &self.contact)
            .field("signup_url", &self.signup_url)
            .field("accessibility", &self.accessibility)
            .field("submitter_email", &hidden(&self.submitter_email))
            .finish()
    }
}

/// Why a field's value is not accepted. The key is what the API returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Required,
    TooLong,
    TooMany,
    InvalidEmail,
    InvalidUrl,
    NotHttps,
    /// A link's host name has letters outside a–z (it could pass for another).
    NonAsciiHost,
    /// A text holds an invisible control character, such as one that turns
    /// the direction of the text around (U+202E).
    ControlCharacter,
    InvalidPhone,
    InvalidPostalCode,
    InvalidTime,
    UnknownMunicipality,
    UnknownLanguage,
    Duplicate,
    NoPublicSector,
    OutsideEdition,
    AlreadyStarted,
    EndBeforeStart,
    TooLongDuration,
    NotApplicable,
    /// The value has the wrong form (the server's answer to JSON of the wrong
    /// shape in a field).
    Invalid,
}

/// The fields that are wrong, each with its codes, keyed by the field's path in
/// the JSON body: `title`, `venue.postal_code`, `organisers[1].kind`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct FieldErrors(pub BTreeMap<String, Vec<ErrorCode>>);

impl FieldErrors {
    /// Records that `field` is wrong for the reason `code`.
    pub fn add(&mut self, field: impl Into<String>, code: ErrorCode) {
        let codes = self.0.entry(field.into()).or_default();
        if !codes.contains(&code) {
            codes.push(code);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The first code for a field, if it has any.
    pub fn first(&self, field: &str) -> Option<ErrorCode> {
        self.0.get(field).and_then(|codes| codes.first().copied())
    }

    /// Every field with its codes.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[ErrorCode])> {
        self.0.iter().map(|(f, c)| (f.as_str(), c.as_slice()))
    }

    /// Adds every error of `other`.
    pub fn extend(&mut self, other: FieldErrors) {
        for (field, codes) in other.0 {
            for code in codes {
                self.add(field.clone(), code);
            }
        }
    }

    /// Checks a required text with a length limit.
    fn text(&mut self, field: &str, value: &str, max: usize) {
        if value.trim().is_empty() {
            self.add(field, ErrorCode::Required);
        } else {
            self.length(field, value, max);
        }
    }

    /// Checks an optional text's length and characters.
    pub fn length(&mut self, field: &str, value: &str, max: usize) {
        if value.trim().chars().count() > max {
            self.add(field, ErrorCode::TooLong);
        }
        if value.chars().any(is_hidden_control) {
            self.add(field, ErrorCode::ControlCharacter);
        }
    }

    /// `Required`, `TooLong` or `InvalidEmail` for an e-mail address.
    pub fn email(&mut self, field: &str, value: &str) {
        let value = value.trim();
        if value.is_empty() {
            self.add(field, ErrorCode::Required);
        } else if value.len() > limits::EMAIL {
            self.add(field, ErrorCode::TooLong);
        } else if !is_email(value) {
            self.add(field, ErrorCode::InvalidEmail);
        }
    }

    fn url(&mut self, field: &str, value: &str) {
        let value = value.trim();
        if value.is_empty() {
            self.add(field, ErrorCode::Required);
        } else if value.len() > limits::URL {
            self.add(field, ErrorCode::TooLong);
        } else if let Some(code) = url_problem(value) {
            self.add(field, code);
        }
    }
}

/// Whether a text looks like an e-mail address someone can receive mail at:
/// one `@`, a local part, and a domain with a dot and no spaces.
pub fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    let label_ok = |label: &str| {
        !label.is_empty()
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    let labels: Vec<&str> = domain.split('.').collect();
    !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c))
        && labels.len() >= 2
        && labels.iter().all(|label| label_ok(label))
        && labels.last().is_some_and(|tld| tld.chars().count() >= 2)
}

/// Whether a character may not be in a text: a control character other than a
/// line break or tab, or one that changes the direction of the text around it
/// (the embeddings, overrides and isolates that let "gpj.exe" read as
/// "exe.jpg", and the Arabic letter mark).
pub fn is_hidden_control(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{061C}')
}

/// What is wrong with a link, if anything: it must be an `https://` address with
/// a host name of a–z, digits, dots and hyphens (punycode for other letters, so
/// that "exаmple.se" with a Cyrillic "а" cannot pass for "example.se"), no
/// spaces or control characters and no user name (which hides where a link goes).
pub fn url_problem(text: &str) -> Option<ErrorCode> {
    if text.chars().any(is_hidden_control) {
        return Some(ErrorCode::ControlCharacter);
    }
    let lower = text.to_ascii_lowercase();
    let rest = match lower.strip_prefix("https://") {
        Some(rest) => rest,
        None if lower.starts_with("http://") => return Some(ErrorCode::NotHttps),
        None => return Some(ErrorCode::InvalidUrl),
    };
    let host_and_port = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host_and_port
        .rsplit_once(':')
        .filter(|(_, port)| port.chars().all(|c| c.is_ascii_digit()))
        .map_or(host_and_port, |(host, _)| host);
    let host_ok = !host.is_empty()
        && host.contains('.')
        && !host.starts_with('.')
        && !host.ends_with('.')
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
    if !host_ok || text.chars().any(char::is_whitespace) || host_and_port.contains('@') {
        return Some(ErrorCode::InvalidUrl);
    }
    if !host.is_ascii() {
        return Some(ErrorCode::NonAsciiHost);
    }
    None
}

/// A Swedish postal code: five digits, optionally "123 45".
pub fn is_postal_code(text: &str) -> bool {
    let digits: String = text.chars().filter(|c| *c != ' ').collect();
    digits.len() == 5
        && digits.chars().all(|c| c.is_ascii_digit())
        && (text.len() == 5 || (text.len() == 6 && text.as_bytes()[3] == b' '))
}

fn is_phone(text: &str) -> bool {
    text.chars().filter(char::is_ascii_digit).count() >= 5
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || " +-()".contains(c))
}

/// Whether a value's bit comes twice: one pass, however long the list.
fn has_repeats(bits: impl Iterator<Item = u32>) -> bool {
    let mut seen = 0;
    for bit in bits {
        if seen & bit != 0 {
            return true;
        }
        seen |= bit;
    }
    false
}

/// An organiser's name as compared for repeats (trimmed, lower case). Its
/// comparisons are counted in tests, which hold the validation linear.
#[derive(PartialEq, Eq)]
struct NameKey(String);

#[cfg(test)]
thread_local! {
    static NAME_COMPARISONS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

impl Ord for NameKey {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        #[cfg(test)]
        NAME_COMPARISONS.with(|count| count.set(count.get() + 1));
        self.0.cmp(&other.0)
    }
}

impl PartialOrd for NameKey {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Submission {
    /// Checks every rule. `now` decides whether the activity has already started:
    /// registration stays open until the activity begins.
    pub fn validate(&self, edition: &Edition, now: DateTime<Utc>) -> FieldErrors {
        let mut errors = FieldErrors::default();
        self.validate_organisers(&mut errors);
        self.validate_description(&mut errors);
        self.validate_time(&mut errors, edition, now);
        self.validate_place(&mut errors);
        self.validate_contact(&mut errors);
        errors
    }

    fn validate_organisers(&self, errors: &mut FieldErrors) {
        if self.organisers.is_empty() {
            errors.add("organisers", ErrorCode::Required);
            return;
        }
        if self.organisers.len() > limits::ORGANISERS {
            errors.add("organisers", ErrorCode::TooMany);
        }
        // Past the limit the list is refused as a whole; its names are not
        // looked at, so a body of thousands costs no more than one of ten.
        let mut names = std::collections::BTreeSet::new();
        for (index, organiser) in self.organisers.iter().take(limits::ORGANISERS).enumerate() {
            errors.text(
                &format!("organisers[{index}].name"),
                &organiser.name,
                limits::NAME,
            );
            let name = NameKey(crate::text::lower(organiser.name.trim()));
            if !name.0.is_empty() && !names.insert(name) {
                errors.add(format!("organisers[{index}].name"), ErrorCode::Duplicate);
            }
        }
        if !self.organisers.iter().any(|o| o.kind.is_public_sector()) {
            errors.add("organisers", ErrorCode::NoPublicSector);
        }
    }

    fn validate_description(&self, errors: &mut FieldErrors) {
        errors.text("title", &self.title, limits::TITLE);
        errors.text("summary", &self.summary, limits::SUMMARY);
        errors.text("description", &self.description, limits::DESCRIPTION);
        if self.themes.is_empty() {
            errors.add("themes", ErrorCode::Required);
        }
        if self.audiences.is_empty() {
            errors.add("audiences", ErrorCode::Required);
        }
        if has_repeats(self.themes.iter().map(|theme| theme.bit())) {
            errors.add("themes", ErrorCode::Duplicate);
        }
        if has_repeats(self.audiences.iter().map(|audience| audience.bit())) {
            errors.add("audiences", ErrorCode::Duplicate);
        }
        if self.language.trim().is_empty() {
            errors.add("language", ErrorCode::Required);
        } else if language_name(&self.language).is_none() {
            errors.add("language", ErrorCode::UnknownLanguage);
        }
    }

    fn validate_time(&self, errors: &mut FieldErrors, edition: &Edition, now: DateTime<Utc>) {
        let day = time::to_stockholm(&self.starts_at).date_naive();
        if day < edition.starts_on || day > edition.ends_on {
            errors.add("starts_at", ErrorCode::OutsideEdition);
        } else if self.starts_at <= now {
            errors.add("starts_at", ErrorCode::AlreadyStarted);
        }
        if self.ends_at <= self.starts_at {
            errors.add("ends_at", ErrorCode::EndBeforeStart);
        } else if self.ends_at - self.starts_at > TimeDelta::hours(limits::HOURS) {
            errors.add("ends_at", ErrorCode::TooLongDuration);
        }
    }

    fn validate_place(&self, errors: &mut FieldErrors) {
        match (&self.venue, self.format.has_venue()) {
            (None, true) => errors.add("venue", ErrorCode::Required),
            (Some(_), false) => errors.add("venue", ErrorCode::NotApplicable),
            (Some(venue), true) => {
                errors.text("venue.name", &venue.name, limits::NAME);
                errors.text("venue.street_address", &venue.street_address, limits::NAME);
                errors.text("venue.city", &venue.city, limits::CITY);
                let postal_code = venue.postal_code.trim();
                if postal_code.is_empty() {
                    errors.add("venue.postal_code", ErrorCode::Required);
                } else if !is_postal_code(postal_code) {
                    errors.add("venue.postal_code", ErrorCode::InvalidPostalCode);
                }
                if venue.municipality_code.trim().is_empty() {
                    errors.add("venue.municipality_code", ErrorCode::Required);
                } else if regions::municipality(&venue.municipality_code).is_none() {
                    errors.add("venue.municipality_code", ErrorCode::UnknownMunicipality);
                }
            }
            (None, false) => {}
        }
        match (&self.online, self.format.is_online()) {
            (None, true) => errors.add("online", ErrorCode::Required),
            (Some(_), false) => errors.add("online", ErrorCode::NotApplicable),
            (Some(online), true) => {
                errors.text("online.platform", &online.platform, limits::PLATFORM);
                errors.url("online.url", &online.url);
            }
            (None, false) => {}
        }
    }

    fn validate_contact(&self, errors: &mut FieldErrors) {
        errors.text("contact.name", &self.contact.name, limits::NAME);
        errors.email("contact.email", &self.contact.email);
        if let Some(phone) = self.contact.phone.as_deref().map(str::trim) {
            if phone.len() > limits::PHONE {
                errors.add("contact.phone", ErrorCode::TooLong);
            } else if !phone.is_empty() && !is_phone(phone) {
                errors.add("contact.phone", ErrorCode::InvalidPhone);
            }
        }
        if let Some(url) = self.signup_url.as_deref().filter(|u| !u.trim().is_empty()) {
            errors.url("signup_url", url);
        }
        if let Some(note) = &self.accessibility.note {
            errors.length("accessibility.note", note, limits::ACCESSIBILITY_NOTE);
        }
        if has_repeats(self.accessibility.features.iter().map(|f| f.bit())) {
            errors.add("accessibility.features", ErrorCode::Duplicate);
        }
        errors.email("submitter_email", &self.submitter_email);
    }

    /// The same submission with surrounding spaces trimmed and empty optional
    /// texts removed: what is stored, and what a repeated request is compared by.
    pub fn normalized(&self) -> Submission {
        let trim = |text: &str| text.trim().to_owned();
        let optional = |text: &Option<String>| {
            text.as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
        };
        Submission {
            title: trim(&self.title),
            summary: trim(&self.summary),
            description: trim(&self.description),
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            format: self.format,
            venue: self.venue.as_ref().map(|v| Venue {
                name: trim(&v.name),
                street_address: trim(&v.street_address),
                postal_code: trim(&v.postal_code),
                city: trim(&v.city),
                municipality_code: trim(&v.municipality_code),
            }),
            online: self.online.as_ref().map(|o| Online {
                platform: trim(&o.platform),
                url: trim(&o.url),
            }),
            themes: self.themes.clone(),
            audiences: self.audiences.clone(),
            language: trim(&self.language),
            organisers: self
                .organisers
                .iter()
                .map(|o| Organiser {
                    name: trim(&o.name),
                    kind: o.kind,
                })
                .collect(),
            contact: Contact {
                name: trim(&self.contact.name),
                email: trim(&self.contact.email),
                phone: optional(&self.contact.phone),
            },
            signup_url: optional(&self.signup_url),
            accessibility: Accessibility {
                features: self.accessibility.features.clone(),
                note: optional(&self.accessibility.note),
            },
            submitter_email: trim(&self.submitter_email),
        }
    }

    /// The activity this submission becomes, with the id and status the server gives it.
    pub fn into_activity(self, id: String, status: ActivityStatus) -> Activity {
        let region_code = self
            .venue
            .as_ref()
            .filter(|_| self.format.has_venue())
            .and_then(|v| regions::municipality(&v.municipality_code))
            .map(|m| m.county_code().to_owned());
        Activity {
            id,
            status,
            title: self.title,
            summary: self.summary,
            description: self.description,
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            format: self.format,
            venue: self.venue,
            online: self.online,
            region_code,
            themes: self.themes,
            audiences: self.audiences,
            language: self.language,
            organisers: self.organisers,
            contact: self.contact,
            signup_url: self.signup_url,
            accessibility: self.accessibility,
            cancellation_reason: None,
            version: 1,
        }
    }
}

/// What a person reads for an error: specific to the field where it helps,
/// written as what to do (the GOV.UK way).
pub fn error_message(field: &str, code: ErrorCode) -> String {
    use ErrorCode as E;
    let what = field_label(field);
    match (field_kind(field), code) {
        ("organisers", E::Required) => "Ange minst en arrangör.".into(),
        ("organisers", E::TooMany) => {
            format!("Ange högst {} arrangörer.", limits::ORGANISERS)
        }
        ("organisers", E::NoPublicSector) => "Minst en arrangör eller medarrangör måste vara en kommun, en region, en statlig myndighet eller en annan offentlig organisation.".into(),
        ("organiser.name", E::Required) => "Skriv organisationens namn.".into(),
        ("organiser.name", E::Duplicate) => "Den här organisationen finns redan med. Ta bort den ena.".into(),
        ("organiser.kind", E::Required) => "Välj vilken typ av organisation det är.".into(),
        ("themes", E::Required) => "Välj minst ett tema.".into(),
        ("audiences", E::Required) => "Välj minst en målgrupp.".into(),
        ("language", E::Required) => "Välj vilket språk aktiviteten hålls på.".into(),
        ("day", E::Required) => "Välj vilken dag aktiviteten äger rum.".into(),
        ("day", E::OutsideEdition) | ("starts_at", E::OutsideEdition) => {
            "Välj en dag under Innovationsveckan.".into()
        }
        ("starts_at", E::Required) => "Skriv när aktiviteten börjar, till exempel 09.00.".into(),
        ("ends_at", E::Required) => "Skriv när aktiviteten slutar, till exempel 10.30.".into(),
        ("starts_at" | "ends_at", E::InvalidTime) => {
            format!("Skriv {} som timmar och minuter, till exempel 13.30.", crate::text::lower(what))
        }
        ("starts_at", E::AlreadyStarted) => "Aktiviteten har redan börjat. Du kan anmäla en aktivitet fram till att den börjar.".into(),
        ("ends_at", E::EndBeforeStart) => "Sluttiden måste vara efter starttiden.".into(),
        ("ends_at", E::TooLongDuration) => format!(
            "En aktivitet kan vara högst {} timmar. Dela upp längre aktiviteter i flera.",
            limits::HOURS
        ),
        ("format", E::Required) => {
            "Välj om aktiviteten är på plats, digital eller både och.".into()
        }
        ("venue" | "online", E::Required) => format!("Fyll i {}.", crate::text::lower(what)),
        ("venue" | "online", E::NotApplicable) => format!(
            "Ta bort {}: den passar inte med aktivitetens form.",
            crate::text::lower(what)
        ),
        ("venue.municipality_code", E::Required) => "Välj vilken kommun aktiviteten är i.".into(),
        ("consent", E::Required) => "Du behöver godkänna att aktiviteten publiceras.".into(),
        (_, E::Required) => format!("Fyll i {}.", crate::text::lower(what)),
        (_, E::TooLong) => format!("{what} får vara högst {} tecken.", max_length(field)),
        (_, E::TooMany) => format!("{what}: för många."),
        (_, E::InvalidEmail) => "Skriv e-postadressen i formatet namn@exempel.se.".into(),
        (_, E::InvalidUrl) => "Skriv en fullständig adress, till exempel https://exempel.se/sida.".into(),
        (_, E::NotHttps) => "Adressen måste börja med https://, så att den är säker att öppna.".into(),
        (_, E::NonAsciiHost) => "Namnet i adressen får bara ha bokstäverna a–z, siffror, punkt och bindestreck, eftersom andra tecken kan få en adress att likna en annan. Skriv ett namn med å, ä eller ö i dess xn--form, till exempel xn--gteborg-90a.se för göteborg.se.".into(),
        (_, E::ControlCharacter) => format!("{what} innehåller ett osynligt styrtecken, till exempel ett som vänder textens riktning. Skriv texten igen eller klistra in den som oformaterad text."),
        (_, E::InvalidPhone) => "Skriv telefonnumret med siffror, till exempel 070-123 45 67.".into(),
        (_, E::InvalidPostalCode) => "Skriv postnumret med fem siffror, till exempel 123 45.".into(),
        (_, E::InvalidTime) => "Skriv tiden som timmar och minuter, till exempel 13.30.".into(),
        (_, E::UnknownMunicipality) => "Välj en kommun i listan.".into(),
        (_, E::UnknownLanguage) => "Välj ett språk i listan.".into(),
        (_, E::Duplicate) => format!("{what}: samma val finns flera gånger."),
        (_, E::NoPublicSector) => "Minst en arrangör måste vara offentlig.".into(),
        (_, E::OutsideEdition) => "Välj en dag under Innovationsveckan.".into(),
        (_, E::AlreadyStarted) => "Aktiviteten har redan börjat.".into(),
        (_, E::EndBeforeStart) => "Sluttiden måste vara efter starttiden.".into(),
        (_, E::TooLongDuration) => "Aktiviteten är för lång.".into(),
        (_, E::NotApplicable) => format!("{what} passar inte här."),
        (_, E::Invalid) => format!("Kontrollera {}.", crate::text::lower(what)),
    }
}

/// The field's kind with any list index left out: `organisers[2].name` → `organiser.name`.
fn field_kind(field: &str) -> &str {
    match field.split_once("].") {
        Some((list, rest)) if list.starts_with("organisers[") => match rest {
            "name" => "organiser.name",
            "kind" => "organiser.kind",
            _ => field,
        },
        _ => field,
    }
}

/// The largest length of a text field, in characters.
pub fn max_length(field: &str) -> usize {
    match field_kind(field) {
        "title" => limits::TITLE,
        "summary" => limits::SUMMARY,
        "description" => limits::DESCRIPTION,
        "online.platform" => limits::PLATFORM,
        "venue.city" => limits::CITY,
        "online.url" | "signup_url" => limits::URL,
        "contact.email" | "submitter_email" => limits::EMAIL,
        "contact.phone" => limits::PHONE,
        "accessibility.note" => limits::ACCESSIBILITY_NOTE,
        "reason" => limits::REVIEW_NOTE,
        _ => limits::NAME,
    }
}

/// The Swedish name of a field, as its label says.
pub fn field_label(field: &str) -> &'static str {
    match field_kind(field) {
        "organisers" => "Arrangörer",
        "organiser.name" => "Organisationens namn",
        "organiser.kind" => "Typ av organisation",
        "title" => "Titel",
        "summary" => "Kort sammanfattning",
        "description" => "Beskrivning",
        "themes" => "Teman",
        "audiences" => "Målgrupper",
        "language" => "Språk",
        "day" => "Dag",
        "starts_at" => "Starttid",
        "ends_at" => "Sluttid",
        "format" => "Format",
        "venue" => "Plats",
        "venue.name" => "Lokal",
        "venue.street_address" => "Gatuadress",
        "venue.postal_code" => "Postnummer",
        "venue.city" => "Ort",
        "venue.municipality_code" => "Kommun",
        "online" => "Digital anslutning",
        "online.platform" => "Plattform",
        "online.url" => "Länk till sändningen eller mötet",
        "contact.name" => "Kontaktperson",
        "contact.email" => "Kontaktpersonens e-postadress",
        "contact.phone" => "Kontaktpersonens telefonnummer",
        "signup_url" => "Länk till anmälan",
        "accessibility.features" => "Tillgänglighet",
        "accessibility.note" => "Mer om tillgängligheten",
        "submitter_email" => "Din e-postadress",
        "consent" => "Godkännande",
        "reason" => "Skäl",
        "email" => "E-postadress",
        _ => "Fältet",
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use chrono::{NaiveDate, NaiveTime};

    use super::*;
    use crate::OrganiserKind;

    pub(crate) fn edition() -> Edition {
        Edition {
            name: "Innovationsveckan 2026".into(),
            year: 2026,
            starts_on: NaiveDate::from_ymd_opt(2026, 10, 5).unwrap(),
            ends_on: NaiveDate::from_ymd_opt(2026, 10, 9).unwrap(),
            programme_opens_on: NaiveDate::from_ymd_opt(2026, 8, 17).unwrap(),
        }
    }

    fn at(day: u32, hour: u32, minute: u32) -> DateTime<FixedOffset> {
        time::stockholm(
            NaiveDate::from_ymd_opt(2026, 10, day).unwrap(),
            NaiveTime::from_hms_opt(hour, minute, 0).unwrap(),
        )
    }

    /// A week before the edition.
    fn now() -> DateTime<Utc> {
        at(1, 12, 0).with_timezone(&Utc)
    }

    pub(crate) fn valid() -> Submission {
        Submission {
            title: "Öppna data i praktiken".into(),
            summary: "Så kommer du igång med öppna data.".into(),
            description: "En workshop om att publicera öppna data.".into(),
            starts_at: at(6, 9, 0),
            ends_at: at(6, 10, 30),
            format: ActivityFormat::Hybrid,
            venue: Some(Venue {
                name: "Stadshuset, sal B".into(),
                street_address: "Storgatan 1".into(),
                postal_code: "903 26".into(),
                city: "Umeå".into(),
                municipality_code: "2480".into(),
            }),
            online: Some(Online {
                platform: "Microsoft Teams".into(),
                url: "https://teams.example.se/mote/1".into(),
            }),
            themes: vec![Theme::DataAi],
            audiences: vec![Audience::Staff],
            language: "sv".into(),
            organisers: vec![
                Organiser {
                    name: "Umeå kommun".into(),
                    kind: OrganiserKind::Municipality,
                },
                Organiser {
                    name: "Exempel AB".into(),
                    kind: OrganiserKind::Business,
                },
            ],
            contact: Contact {
                name: "Anna Andersson".into(),
                email: "anna.andersson@umea.se".into(),
                phone: Some("090-16 10 00".into()),
            },
            signup_url: Some("https://umea.se/anmalan".into()),
            accessibility: Accessibility::default(),
            submitter_email: "anna.andersson@umea.se".into(),
        }
    }

    fn codes(submission: &Submission, field: &str) -> Vec<ErrorCode> {
        submission
            .validate(&edition(), now())
            .0
            .get(field)
            .cloned()
            .unwrap_or_default()
    }

    #[test]
    fn a_complete_submission_passes() {
        assert_eq!(valid().validate(&edition(), now()), FieldErrors::default());
    }

    #[test]
    fn required_texts_may_not_be_blank() {
        let mut s = valid();
        s.title = "   ".into();
        s.contact.name = String::new();
        s.venue.as_mut().unwrap().city = String::new();
        s.organisers[1].name = "\t".into();
        let errors = s.validate(&edition(), now());
        assert_eq!(errors.first("title"), Some(ErrorCode::Required));
        assert_eq!(errors.first("contact.name"), Some(ErrorCode::Required));
        assert_eq!(errors.first("venue.city"), Some(ErrorCode::Required));
        assert_eq!(
            errors.first("organisers[1].name"),
            Some(ErrorCode::Required)
        );
        assert_eq!(errors.0.len(), 4, "{errors:?}");
    }

    #[test]
    fn lengths_are_limited_at_exactly_the_limit() {
        let mut s = valid();
        s.title = "å".repeat(limits::TITLE);
        assert!(codes(&s, "title").is_empty(), "the limit itself is allowed");
        s.title.push('x');
        assert_eq!(codes(&s, "title"), [ErrorCode::TooLong]);
        s.description = "x".repeat(limits::DESCRIPTION + 1);
        assert_eq!(codes(&s, "description"), [ErrorCode::TooLong]);
        s.accessibility.note = Some("x".repeat(limits::ACCESSIBILITY_NOTE + 1));
        assert_eq!(codes(&s, "accessibility.note"), [ErrorCode::TooLong]);
    }

    #[test]
    fn one_public_sector_organiser_is_needed() {
        let mut s = valid();
        s.organisers[0].kind = OrganiserKind::Academia;
        assert_eq!(codes(&s, "organisers"), [ErrorCode::NoPublicSector]);
        // A public co-organiser is enough.
        s.organisers[1].kind = OrganiserKind::GovernmentAgency;
        assert!(codes(&s, "organisers").is_empty());
        for kind in [OrganiserKind::Region, OrganiserKind::OtherPublic] {
            s.organisers[1].kind = kind;
            assert!(codes(&s, "organisers").is_empty(), "{kind:?}");
        }
        s.organisers.clear();
        assert_eq!(codes(&s, "organisers"), [ErrorCode::Required]);
        s.organisers = (0..=limits::ORGANISERS)
            .map(|i| Organiser {
                name: format!("Kommun {i}"),
                kind: OrganiserKind::Municipality,
            })
            .collect();
        assert_eq!(codes(&s, "organisers"), [ErrorCode::TooMany]);
    }

    #[test]
    fn the_same_organiser_twice_is_refused() {
        let mut s = valid();
        s.organisers[1].name = " umeå KOMMUN ".into();
        assert_eq!(codes(&s, "organisers[1].name"), [ErrorCode::Duplicate]);
    }

    /// Regression (issue 12, item 3): each organiser's name was compared with
    /// every earlier one, lowered again per pair, so the work grew with the
    /// square of the list's length.
    #[test]
    fn organiser_validation_is_linear_in_the_number_of_organisers() {
        let comparisons = |count: usize| {
            let mut s = valid();
            s.organisers = (0..count)
                .map(|i| Organiser {
                    name: format!("Kommun {i}"),
                    kind: OrganiserKind::Municipality,
                })
                .collect();
            super::NAME_COMPARISONS.with(|c| c.set(0));
            let errors = s.validate(&edition(), now());
            (super::NAME_COMPARISONS.with(|c| c.get()), errors)
        };
        let (at_limit, errors) = comparisons(limits::ORGANISERS);
        assert!(errors.first("organisers").is_none());
        assert!(at_limit > 0, "the names are compared");
        // Past the limit the count stays what it is at the limit, however
        // long the list: the rest is refused unread.
        for count in [limits::ORGANISERS + 1, 200, 2_000, 20_000] {
            let (work, errors) = comparisons(count);
            assert_eq!(errors.first("organisers"), Some(ErrorCode::TooMany));
            assert_eq!(work, at_limit, "{work} comparisons for {count} organisers");
        }
        let n = limits::ORGANISERS;
        assert!(
            at_limit <= n * (n - 1) / 2,
            "{at_limit} comparisons for {n}"
        );
        // A repeat is still found, whatever its place.
        let mut s = valid();
        s.organisers.push(Organiser {
            name: s.organisers[0].name.to_uppercase(),
            kind: OrganiserKind::Region,
        });
        let last = s.organisers.len() - 1;
        assert_eq!(
            codes(&s, &format!("organisers[{last}].name")),
            [ErrorCode::Duplicate]
        );
    }

    #[test]
    fn a_repeated_theme_is_refused_and_every_theme_once_is_not() {
        let mut s = valid();
        s.themes = vec![Theme::DataAi, Theme::DataAi];
        assert_eq!(codes(&s, "themes"), [ErrorCode::Duplicate]);
        s.themes = Theme::ALL.to_vec();
        assert!(codes(&s, "themes").is_empty());
    }

    #[test]
    fn the_day_must_be_inside_the_edition_week() {
        let mut s = valid();
        // First and last day are inside.
        s.starts_at = at(5, 0, 0);
        s.ends_at = at(5, 1, 0);
        assert!(codes(&s, "starts_at").is_empty());
        s.starts_at = at(9, 22, 0);
        s.ends_at = at(9, 23, 59);
        assert!(codes(&s, "starts_at").is_empty());
        // A minute before the week, and the day after it, are not.
        s.starts_at = at(4, 23, 59);
        s.ends_at = at(5, 1, 0);
        assert_eq!(codes(&s, "starts_at"), [ErrorCode::OutsideEdition]);
        s.starts_at = at(10, 9, 0);
        s.ends_at = at(10, 10, 0);
        assert_eq!(codes(&s, "starts_at"), [ErrorCode::OutsideEdition]);
        // 23.30 Stockholm on the last day is 21.30 UTC: still inside.
        let late = at(9, 23, 30).with_timezone(&FixedOffset::east_opt(0).unwrap());
        s.starts_at = late;
        s.ends_at = late + TimeDelta::minutes(20);
        assert!(codes(&s, "starts_at").is_empty());
    }

    #[test]
    fn an_activity_that_has_started_cannot_be_registered() {
        let s = valid();
        let start = s.starts_at.with_timezone(&Utc);
        let errors = |now| s.validate(&edition(), now).first("starts_at");
        assert_eq!(errors(start - TimeDelta::seconds(1)), None);
        assert_eq!(errors(start), Some(ErrorCode::AlreadyStarted));
        assert_eq!(
            errors(start + TimeDelta::hours(1)),
            Some(ErrorCode::AlreadyStarted)
        );
    }

    #[test]
    fn the_end_comes_after_the_start_within_twelve_hours() {
        let mut s = valid();
        s.ends_at = s.starts_at;
        assert_eq!(codes(&s, "ends_at"), [ErrorCode::EndBeforeStart]);
        s.ends_at = s.starts_at - TimeDelta::minutes(1);
        assert_eq!(codes(&s, "ends_at"), [ErrorCode::EndBeforeStart]);
        s.ends_at = s.starts_at + TimeDelta::hours(limits::HOURS);
        assert!(codes(&s, "ends_at").is_empty());
        s.ends_at += TimeDelta::minutes(1);
        assert_eq!(codes(&s, "ends_at"), [ErrorCode::TooLongDuration]);
    }

    #[test]
    fn the_format_decides_venue_and_link() {
        let mut s = valid();
        s.format = ActivityFormat::Digital;
        assert_eq!(codes(&s, "venue"), [ErrorCode::NotApplicable]);
        s.venue = None;
        assert!(s.validate(&edition(), now()).is_empty());
        s.format = ActivityFormat::Physical;
        assert_eq!(codes(&s, "venue"), [ErrorCode::Required]);
        assert_eq!(codes(&s, "online"), [ErrorCode::NotApplicable]);
        s.online = None;
        s.venue = valid().venue;
        assert!(s.validate(&edition(), now()).is_empty());
    }

    #[test]
    fn the_kommun_must_exist() {
        let mut s = valid();
        s.venue.as_mut().unwrap().municipality_code = "9999".into();
        assert_eq!(
            codes(&s, "venue.municipality_code"),
            [ErrorCode::UnknownMunicipality]
        );
        s.venue.as_mut().unwrap().municipality_code = "0180".into();
        assert!(codes(&s, "venue.municipality_code").is_empty());
    }

    #[test]
    fn postal_codes_have_five_digits() {
        for good in ["90326", "903 26"] {
            assert!(is_postal_code(good), "{good}");
        }
        for bad in ["9032", "903 266", "9 0326", "abcde", "903-26"] {
            assert!(!is_postal_code(bad), "{bad}");
        }
    }

    #[test]
    fn e_mail_addresses_are_checked() {
        for good in ["a@b.se", "anna.andersson@umea.se", "x+y@sub.domän.se"] {
            assert!(is_email(good), "{good}");
        }
        for bad in [
            "a@b",
            "@b.se",
            "a@.se",
            "a b@c.se",
            "a@b.c",
            "a@@b.se",
            ".a@b.se",
            "a..b@c.se",
            "a@-b.se",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
        let mut s = valid();
        s.submitter_email = "anna".into();
        assert_eq!(codes(&s, "submitter_email"), [ErrorCode::InvalidEmail]);
    }

    /// Regression (issue 12, item 9): any letter passed in a host name, so a
    /// Cyrillic "а" made a link that reads as a known address.
    #[test]
    fn look_alike_links_are_refused() {
        assert_eq!(url_problem("https://xn--gteborg-90a.se/program"), None);
        for look_alike in [
            "https://ex\u{0430}mple.se",
            "https://göteborg.se",
            "https://umeå.se:443/a",
        ] {
            assert_eq!(
                url_problem(look_alike),
                Some(ErrorCode::NonAsciiHost),
                "{look_alike}"
            );
        }
        // Other letters after the host are only part of the page's name.
        assert_eq!(url_problem("https://umea.se/evenemang/höst"), None);
        let mut s = valid();
        s.signup_url = Some("https://paypal.c\u{043E}m/".into());
        assert_eq!(codes(&s, "signup_url"), [ErrorCode::NonAsciiHost]);
        let message = error_message("signup_url", ErrorCode::NonAsciiHost);
        assert!(
            message.contains("a–z") && message.contains("xn--"),
            "{message}"
        );
    }

    /// Regression (issue 12, item 9): texts with bidi overrides or other
    /// control characters were stored and shown as they came.
    #[test]
    fn control_and_direction_characters_are_refused_in_texts_and_links() {
        for hidden in [
            '\u{202E}', '\u{202A}', '\u{2066}', '\u{2069}', '\u{061C}', '\u{0000}', '\u{001B}',
            '\u{0085}',
        ] {
            let mut s = valid();
            s.title = format!("Workshop {hidden}gpj.exe");
            assert_eq!(
                codes(&s, "title"),
                [ErrorCode::ControlCharacter],
                "U+{:04X}",
                hidden as u32
            );
            let mut s = valid();
            s.organisers[0].name.push(hidden);
            assert_eq!(
                codes(&s, "organisers[0].name"),
                [ErrorCode::ControlCharacter]
            );
            assert_eq!(
                url_problem(&format!("https://umea.se/{hidden}")),
                Some(ErrorCode::ControlCharacter)
            );
        }
        // Line breaks and tabs belong in a description; Swedish, Sámi and emoji
        // with joiners are text, not controls.
        let mut s = valid();
        s.description = "Rad ett\r\nRad två\n\tindrag. Ŋ, å, ä, ö. 👩\u{200D}💻".into();
        assert!(codes(&s, "description").is_empty());
        let message = error_message("title", ErrorCode::ControlCharacter);
        assert!(message.contains("osynligt styrtecken"), "{message}");
    }

    #[test]
    fn links_must_be_https_with_a_host() {
        assert_eq!(url_problem("https://umea.se/a?b=c#d"), None);
        assert_eq!(url_problem("HTTPS://Umea.se:8443/a"), None);
        assert_eq!(url_problem("http://umea.se"), Some(ErrorCode::NotHttps));
        for bad in [
            "umea.se",
            "https://",
            "https://umea",
            "https://um ea.se",
            "https://user@evil.se",
            "javascript:alert(1)",
        ] {
            assert_eq!(url_problem(bad), Some(ErrorCode::InvalidUrl), "{bad}");
        }
        let mut s = valid();
        s.signup_url = Some("  ".into());
        assert!(codes(&s, "signup_url").is_empty(), "optional when blank");
        s.signup_url = Some("http://umea.se".into());
        assert_eq!(codes(&s, "signup_url"), [ErrorCode::NotHttps]);
        s.online.as_mut().unwrap().url = String::new();
        assert_eq!(codes(&s, "online.url"), [ErrorCode::Required]);
    }

    #[test]
    fn themes_audiences_and_language_are_required() {
        let mut s = valid();
        s.themes.clear();
        s.audiences = vec![Audience::Staff, Audience::Staff];
        s.language = "klingon".into();
        let errors = s.validate(&edition(), now());
        assert_eq!(errors.first("themes"), Some(ErrorCode::Required));
        assert_eq!(errors.first("audiences"), Some(ErrorCode::Duplicate));
        assert_eq!(errors.first("language"), Some(ErrorCode::UnknownLanguage));
    }

    #[test]
    fn phones_are_optional_but_must_be_numbers() {
        let mut s = valid();
        s.contact.phone = None;
        assert!(codes(&s, "contact.phone").is_empty());
        s.contact.phone = Some("ring mig".into());
        assert_eq!(codes(&s, "contact.phone"), [ErrorCode::InvalidPhone]);
    }

    #[test]
    fn unknown_fields_are_refused_and_the_server_fields_are_unknown() {
        let json = serde_json::to_value(valid()).unwrap();
        let with = |key: &str| {
            let mut body = json.clone();
            body[key] = serde_json::json!("x");
            serde_json::from_value::<Submission>(body)
        };
        assert!(serde_json::from_value::<Submission>(json.clone()).is_ok());
        for key in ["id", "status", "region_code", "colour"] {
            let error = with(key).unwrap_err().to_string();
            assert!(error.contains("unknown field"), "{key}: {error}");
        }
    }

    #[test]
    fn normalizing_trims_and_drops_empty_optionals() {
        let mut s = valid();
        s.title = "  Titel  ".into();
        s.signup_url = Some(" ".into());
        s.contact.phone = Some("".into());
        let n = s.normalized();
        assert_eq!(n.title, "Titel");
        assert_eq!(n.signup_url, None);
        assert_eq!(n.contact.phone, None);
        assert_eq!(n.normalized(), n);
    }

    #[test]
    fn a_submission_becomes_an_activity_in_its_län() {
        let activity = valid().into_activity("x".into(), ActivityStatus::Pending);
        assert_eq!(activity.region_code.as_deref(), Some("24"));
        assert_eq!(activity.status, ActivityStatus::Pending);
        let mut digital = valid();
        digital.format = ActivityFormat::Digital;
        let activity = digital.into_activity("y".into(), ActivityStatus::Published);
        assert_eq!(activity.region_code, None);
    }

    #[test]
    fn every_code_has_a_swedish_message() {
        let all = [
            ErrorCode::Required,
            ErrorCode::TooLong,
            ErrorCode::InvalidEmail,
            ErrorCode::NoPublicSector,
            ErrorCode::AlreadyStarted,
        ];
        for code in all {
            let message = error_message("title", code);
            assert!(message.ends_with('.'), "{message}");
        }
        assert_eq!(
            error_message("organisers[3].kind", ErrorCode::Required),
            "Välj vilken typ av organisation det är."
        );
        assert_eq!(
            error_message("title", ErrorCode::TooLong),
            "Titel får vara högst 120 tecken."
        );
        assert_eq!(
            error_message("reason", ErrorCode::TooLong),
            "Skäl får vara högst 1000 tecken."
        );
        assert_eq!(
            serde_json::to_string(&ErrorCode::NoPublicSector).unwrap(),
            "\"no_public_sector\""
        );
    }
}
