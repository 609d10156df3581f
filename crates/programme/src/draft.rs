//! A registration in progress, as the wizard keeps it: every field as the person
//! typed it (text, not yet parsed), so nothing typed is ever lost, stored as
//! versioned JSON in the browser. It becomes a [`Submission`] when it is sent.

use chrono::{DateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::{
    Accessibility, AccessibilityFeature, Activity, ActivityFormat, Audience, Contact, Online,
    Organiser, OrganiserKind, Theme, Venue,
};
use crate::submission::{ErrorCode, FieldErrors, Submission, limits};
use crate::{Edition, time};

/// The version of the stored draft format. A draft of another version is not
/// guessed at: it is kept aside and the person is told.
pub const DRAFT_VERSION: u32 = 1;

/// The wizard's steps, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Step {
    #[default]
    Organiser,
    Activity,
    TimePlace,
    Contact,
    Review,
}

impl Step {
    pub const ALL: [Step; 5] = [
        Step::Organiser,
        Step::Activity,
        Step::TimePlace,
        Step::Contact,
        Step::Review,
    ];

    /// The step's part of the address: `/anmal/{id}/{slug}`.
    pub const fn slug(self) -> &'static str {
        match self {
            Step::Organiser => "arrangor",
            Step::Activity => "aktivitet",
            Step::TimePlace => "tid-och-plats",
            Step::Contact => "kontakt",
            Step::Review => "granska",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|step| step.slug() == slug)
    }

    /// The step's heading.
    pub const fn title(self) -> &'static str {
        match self {
            Step::Organiser => "Arrangör",
            Step::Activity => "Aktivitet",
            Step::TimePlace => "Tid och plats",
            Step::Contact => "Anmälan och kontakt",
            Step::Review => "Granska och skicka",
        }
    }

    /// 1 for the first step.
    pub fn number(self) -> usize {
        self as usize + 1
    }

    pub fn next(self) -> Option<Step> {
        Step::ALL.get(self as usize + 1).copied()
    }

    pub fn previous(self) -> Option<Step> {
        (self as usize).checked_sub(1).map(|i| Step::ALL[i])
    }

    /// The step where a form field is filled in.
    pub fn of_field(field: &str) -> Step {
        let head = field.split(['.', '[']).next().unwrap_or_default();
        FIELDS
            .iter()
            .find(|(name, _)| name.split('.').next() == Some(head))
            .map_or(Step::Review, |(_, step)| *step)
    }
}

/// Every field of a registration by its name in the form (the API's names,
/// plus `day` and `consent`), in the order the wizard asks for them, with the
/// step it is on: the one list the error summary's order, the step of an
/// error and the field ids come from.
pub const FIELDS: &[(&str, Step)] = &[
    ("organisers", Step::Organiser),
    ("title", Step::Activity),
    ("summary", Step::Activity),
    ("description", Step::Activity),
    ("themes", Step::Activity),
    ("audiences", Step::Activity),
    ("language", Step::Activity),
    ("day", Step::TimePlace),
    ("starts_at", Step::TimePlace),
    ("ends_at", Step::TimePlace),
    ("format", Step::TimePlace),
    ("venue", Step::TimePlace),
    ("venue.name", Step::TimePlace),
    ("venue.street_address", Step::TimePlace),
    ("venue.postal_code", Step::TimePlace),
    ("venue.city", Step::TimePlace),
    ("venue.municipality_code", Step::TimePlace),
    ("online", Step::TimePlace),
    ("online.platform", Step::TimePlace),
    ("online.url", Step::TimePlace),
    ("contact.name", Step::Contact),
    ("contact.email", Step::Contact),
    ("contact.phone", Step::Contact),
    ("signup_url", Step::Contact),
    ("accessibility.features", Step::Contact),
    ("accessibility.note", Step::Contact),
    ("submitter_email", Step::Contact),
    ("consent", Step::Review),
];

/// Where a field comes in the form, to sort errors as the person meets
/// them: organiser rows in turn (name before kind), then the rest in the
/// order of [`FIELDS`]; an unknown field last.
pub fn form_position(field: &str) -> (usize, usize, usize) {
    if let Some(rest) = field.strip_prefix("organisers[")
        && let Some((index, part)) = rest.split_once("].")
    {
        return (
            0,
            index.parse().unwrap_or(0) + 1,
            usize::from(part != "name"),
        );
    }
    let position = FIELDS.iter().position(|(name, _)| *name == field);
    (position.unwrap_or(FIELDS.len()), 0, 0)
}

impl Serialize for Step {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.slug())
    }
}

impl<'de> Deserialize<'de> for Step {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Step, D::Error> {
        // An unknown step (from a later version) starts over at the first one.
        let slug = String::deserialize(d)?;
        Ok(Step::from_slug(&slug).unwrap_or_default())
    }
}

/// One organiser row of the form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OrganiserInput {
    pub name: String,
    /// An [`OrganiserKind`] key, or empty before one is chosen.
    pub kind: String,
}

/// Every field of the wizard, as typed. Fields missing from a stored draft
/// (written before the field existed) are empty. Its `Debug` hides the
/// submitter's private e-mail.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DraftForm {
    pub organisers: Vec<OrganiserInput>,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub themes: Vec<String>,
    pub audiences: Vec<String>,
    pub language: String,
    /// "2026-10-05"
    pub day: String,
    /// "09.00", as typed.
    pub starts_at: String,
    pub ends_at: String,
    pub format: String,
    pub venue_name: String,
    pub street_address: String,
    pub postal_code: String,
    pub city: String,
    pub municipality_code: String,
    pub platform: String,
    pub online_url: String,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub signup_url: String,
    pub accessibility_features: Vec<String>,
    pub accessibility_note: String,
    pub submitter_email: String,
    pub consent: bool,
}

impl std::fmt::Debug for DraftForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DraftForm")
            .field("organisers", &self.organisers)
            .field("title", &self.title)
            .field("summary", &self.summary)
            .field("description", &self.description)
            .field("themes", &self.themes)
            .field("audiences", &self.audiences)
            .field("language", &self.language)
            .field("day", &self.day)
            .field("starts_at", &self.starts_at)
            .field("ends_at", &self.ends_at)
            .field("format", &self.format)
            .field("venue_name", &self.venue_name)
            .field("street_address", &self.street_address)
            .field("postal_code", &self.postal_code)
            .field("city", &self.city)
            .field("municipality_code", &self.municipality_code)
            .field("platform", &self.platform)
            .field("online_url", &self.online_url)
            .field("contact_name", &self.contact_name)
            .field("contact_email", &self.contact_email)
            .field("contact_phone", &self.contact_phone)
            .field("signup_url", &self.signup_url)
            .field("accessibility_features", &self.accessibility_features)
            .field("accessibility_note", &self.accessibility_note)
            .field(
                "submitter_email",
                &crate::submission::hidden(&self.submitter_email),
            )
            .field("consent", &self.consent)
            .finish()
    }
}

impl Default for DraftForm {
    fn default() -> Self {
        DraftForm {
            organisers: vec![OrganiserInput::default()],
            title: String::new(),
            summary: String::new(),
            description: String::new(),
            themes: Vec::new(),
            audiences: Vec::new(),
            language: "sv".into(),
            day: String::new(),
            starts_at: String::new(),
            ends_at: String::new(),
            format: String::new(),
            venue_name: String::new(),
            street_address: String::new(),
            postal_code: String::new(),
            city: String::new(),
            municipality_code: String::new(),
            platform: String::new(),
            online_url: String::new(),
            contact_name: String::new(),
            contact_email: String::new(),
            contact_phone: String::new(),
            signup_url: String::new(),
            accessibility_features: Vec::new(),
            accessibility_note: String::new(),
            submitter_email: String::new(),
            consent: false,
        }
    }
}

/// A stored draft: its id (also the submission's idempotency key), where the
/// person was, when it last changed, and the form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub version: u32,
    pub id: String,
    #[serde(default)]
    pub step: Step,
    /// Milliseconds since 1970 (the browser's clock).
    #[serde(default)]
    pub updated_at: i64,
    #[serde(default)]
    pub form: DraftForm,
    /// Set when the draft changes an activity already sent, rather than
    /// registering a new one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edit: Option<EditOf>,
}

/// The sent activity a draft changes: sending it is a `PUT` with the
/// organiser's edit token, based on the version the draft started from. Its
/// `Debug` hides the token.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditOf {
    /// The activity's id on the server.
    pub activity_id: String,
    /// The private edit token (the key of the edit link).
    pub token: String,
    /// The activity's version when the draft was made (`If-Match`).
    pub version: u64,
}

impl std::fmt::Debug for EditOf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EditOf")
            .field("activity_id", &self.activity_id)
            .field("token", &crate::submission::hidden(&self.token))
            .field("version", &self.version)
            .finish()
    }
}

/// Why a stored draft cannot be used as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DraftProblem {
    #[error("the draft is not readable: {0}")]
    Corrupt(String),
    #[error("the draft has format version {0}, this app reads version {DRAFT_VERSION}")]
    OtherVersion(u32),
    /// Written by a newer version of the app (a tab left open across a
    /// deploy reads it): it is left exactly as it is, for the newer app.
    #[error("the draft has format version {0}, newer than this app's {DRAFT_VERSION}")]
    NewerVersion(u32),
}

impl Draft {
    pub fn new(id: String, now_ms: i64) -> Draft {
        Draft {
            version: DRAFT_VERSION,
            id,
            step: Step::Organiser,
            updated_at: now_ms,
            form: DraftForm::default(),
            edit: None,
        }
    }

    /// Whether sending it changes an activity already sent.
    pub fn is_edit(&self) -> bool {
        self.edit.is_some()
    }

    pub fn encode(&self) -> String {
        serde_json::to_string(self).expect("a draft holds only strings and numbers")
    }

    /// Reads a stored draft, telling a draft of another version from a broken one.
    pub fn decode(text: &str) -> Result<Draft, DraftProblem> {
        #[derive(Deserialize)]
        struct Envelope {
            version: u32,
        }
        let envelope: Envelope =
            serde_json::from_str(text).map_err(|e| DraftProblem::Corrupt(e.to_string()))?;
        if envelope.version > DRAFT_VERSION {
            return Err(DraftProblem::NewerVersion(envelope.version));
        }
        if envelope.version != DRAFT_VERSION {
            return Err(DraftProblem::OtherVersion(envelope.version));
        }
        serde_json::from_str(text).map_err(|e| DraftProblem::Corrupt(e.to_string()))
    }

    /// A name for lists: the title, or a stand-in before there is one.
    pub fn display_title(&self) -> String {
        match self.form.title.trim() {
            "" => "Aktivitet utan titel".to_owned(),
            title => title.to_owned(),
        }
    }
}

/// Reads a clock time the way people write it: "9", "09", "9.30", "09:30",
/// "9,30" (what a Swedish phone keyboard offers), "0930".
pub fn parse_clock(text: &str) -> Option<NaiveTime> {
    let text = text.trim();
    let (hours, minutes) = match text.split_once(['.', ':', ',']) {
        Some((h, m)) if m.len() == 2 => (h, m),
        Some(_) => return None,
        None if text.len() <= 2 => (text, "00"),
        // Never cut inside a letter of several bytes ("€1" is four bytes:
        // the fuzzer's finding); what is no digit is refused below.
        None if text.len() == 4 => text.split_at_checked(2)?,
        None => return None,
    };
    if hours.is_empty() || hours.len() > 2 {
        return None;
    }
    let number = |s: &str| {
        s.chars()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    NaiveTime::from_hms_opt(number(hours)?, number(minutes)?, 0)
}

/// Whether an end time is written as midnight at the end of the day: "24",
/// "24.00", "24:00", "2400".
fn is_end_of_day(text: &str) -> bool {
    matches!(text.trim(), "24" | "24.00" | "24:00" | "24,00" | "2400")
}

/// The end of an activity that starts at `start` on `day`, from the end time
/// as typed. An end at or before the start is taken as the next day when that
/// makes an activity of at most [`limits::HOURS`] (22.00–01.00), so a night
/// activity can be registered; otherwise it stays on the day, and the rules
/// say the end is before the start.
fn end_moment(
    day: chrono::NaiveDate,
    start: NaiveTime,
    end_text: &str,
) -> Option<DateTime<chrono::FixedOffset>> {
    let next_day = day.succ_opt()?;
    if is_end_of_day(end_text) {
        return Some(time::stockholm(next_day, NaiveTime::MIN));
    }
    let end = parse_clock(end_text)?;
    // NaiveTime subtraction is signed: an end before the start is negative.
    let span_overnight = (end - start) + chrono::TimeDelta::hours(24);
    let overnight = end <= start && span_overnight <= chrono::TimeDelta::hours(limits::HOURS);
    Some(time::stockholm(if overnight { next_day } else { day }, end))
}

impl DraftForm {
    /// The submission this form describes, or what keeps it from being one.
    /// Only fields that cannot be read at all are reported here; the rules
    /// themselves are [`Submission::validate`]'s.
    fn parse(&self) -> (Option<Submission>, FieldErrors) {
        let (submission, errors, _) = self.parse_with_rows();
        (submission, errors)
    }

    /// [`DraftForm::parse`], with the form row of each organiser in the
    /// submission (blank extra rows are left out, so the two can differ).
    fn parse_with_rows(&self) -> (Option<Submission>, FieldErrors, Vec<usize>) {
        let mut errors = FieldErrors::default();
        let format = ActivityFormat::from_key(&self.format);
        if format.is_none() {
            errors.add("format", ErrorCode::Required);
        }
        let day = time::parse_date(&self.day);
        if day.is_none() {
            errors.add("day", ErrorCode::Required);
        }
        let mut clock = |field: &str, text: &str, parsed: Option<NaiveTime>| {
            if text.trim().is_empty() {
                errors.add(field, ErrorCode::Required);
            } else if parsed.is_none() {
                errors.add(field, ErrorCode::InvalidTime);
            }
            parsed
        };
        let starts = clock("starts_at", &self.starts_at, parse_clock(&self.starts_at));
        let end_clock = parse_clock(&self.ends_at)
            .or_else(|| is_end_of_day(&self.ends_at).then_some(NaiveTime::MIN));
        let ends = clock("ends_at", &self.ends_at, end_clock);
        let mut organisers = Vec::new();
        let mut rows = Vec::new();
        for (index, row) in self.organisers.iter().enumerate() {
            let blank = row.name.trim().is_empty() && row.kind.is_empty();
            if blank && index > 0 {
                continue; // an added co-organiser row left empty
            }
            match OrganiserKind::from_key(&row.kind) {
                Some(kind) => {
                    rows.push(index);
                    organisers.push(Organiser {
                        name: row.name.clone(),
                        kind,
                    });
                }
                None => errors.add(format!("organisers[{index}].kind"), ErrorCode::Required),
            }
        }
        let (Some(format), Some(day), Some(starts), Some(_)) = (format, day, starts, ends) else {
            return (None, errors, rows);
        };
        let Some(ends_at) = end_moment(day, starts, &self.ends_at) else {
            errors.add("ends_at", ErrorCode::InvalidTime);
            return (None, errors, rows);
        };
        if !errors.is_empty() {
            return (None, errors, rows);
        }
        let optional = |text: &str| Some(text.to_owned()).filter(|t| !t.trim().is_empty());
        let submission = Submission {
            title: self.title.clone(),
            summary: self.summary.clone(),
            description: self.description.clone(),
            starts_at: time::stockholm(day, starts),
            ends_at,
            format,
            venue: format.has_venue().then(|| Venue {
                name: self.venue_name.clone(),
                street_address: self.street_address.clone(),
                postal_code: self.postal_code.clone(),
                city: self.city.clone(),
                municipality_code: self.municipality_code.clone(),
            }),
            online: format.is_online().then(|| Online {
                platform: self.platform.clone(),
                url: self.online_url.clone(),
            }),
            themes: self
                .themes
                .iter()
                .filter_map(|k| Theme::from_key(k))
                .collect(),
            audiences: self
                .audiences
                .iter()
                .filter_map(|k| Audience::from_key(k))
                .collect(),
            language: self.language.clone(),
            organisers,
            contact: Contact {
                name: self.contact_name.clone(),
                email: self.contact_email.clone(),
                phone: optional(&self.contact_phone),
            },
            signup_url: optional(&self.signup_url),
            accessibility: Accessibility {
                features: self
                    .accessibility_features
                    .iter()
                    .filter_map(|k| AccessibilityFeature::from_key(k))
                    .collect(),
                note: optional(&self.accessibility_note),
            },
            submitter_email: self.submitter_email.clone(),
        };
        (Some(submission), errors, rows)
    }

    /// What is wrong in the whole form, keyed by the form's field names (which are
    /// the API's, plus `day` and `consent`).
    pub fn validate(&self, edition: &Edition, now: DateTime<Utc>) -> FieldErrors {
        let (submission, mut errors, rows) = self.parse_with_rows();
        match submission {
            Some(submission) => errors.extend(to_rows(submission.validate(edition, now), &rows)),
            None => {
                // Check what can be checked without the unreadable parts, by
                // completing them with stand-ins and dropping what they affect.
                let mut complete = self.clone();
                complete.format = "hybrid".into();
                complete.day = edition.starts_on.to_string();
                complete.starts_at = "10.00".into();
                complete.ends_at = "11.00".into();
                for row in &mut complete.organisers {
                    if OrganiserKind::from_key(&row.kind).is_none() {
                        row.kind = OrganiserKind::Other.key().into();
                    }
                }
                if let (Some(s), _, rows) = complete.parse_with_rows() {
                    let guessed_format = ActivityFormat::from_key(&self.format).is_none();
                    let guessed_kind = errors.iter().any(|(f, _)| f.ends_with(".kind"));
                    for (field, codes) in to_rows(s.validate(edition, far_before(edition)), &rows).0
                    {
                        let guessed = (guessed_format
                            && (field.starts_with("venue") || field.starts_with("online")))
                            || field == "starts_at"
                            || field == "ends_at"
                            || (guessed_kind && field == "organisers");
                        if !guessed {
                            for code in codes {
                                errors.add(field.clone(), code);
                            }
                        }
                    }
                }
            }
        }
        if let Some(day) = time::parse_date(&self.day)
            && (day < edition.starts_on || day > edition.ends_on)
        {
            errors.add("day", ErrorCode::OutsideEdition);
            errors.0.remove("starts_at");
        }
        if !self.consent {
            errors.add("consent", ErrorCode::Required);
        }
        errors
    }

    /// What is wrong on one step of the wizard.
    pub fn validate_step(&self, step: Step, edition: &Edition, now: DateTime<Utc>) -> FieldErrors {
        let mut errors = self.validate(edition, now);
        errors.0.retain(|field, _| Step::of_field(field) == step);
        errors
    }

    /// The submission to send, if the whole form is valid.
    pub fn to_submission(
        &self,
        edition: &Edition,
        now: DateTime<Utc>,
    ) -> Result<Submission, FieldErrors> {
        let errors = self.validate(edition, now);
        match self.parse() {
            (Some(submission), _) if errors.is_empty() => Ok(submission.normalized()),
            _ => Err(errors),
        }
    }
}

impl DraftForm {
    /// The form filled in with a sent activity, to change it in the wizard:
    /// every answer as the person would have typed it.
    pub fn from_activity(activity: &Activity, submitter_email: &str) -> DraftForm {
        let start = time::to_stockholm(&activity.starts_at);
        let end = time::to_stockholm(&activity.ends_at);
        let venue = activity.venue.clone();
        let online = activity.online.clone();
        let keys = |keys: Vec<&str>| keys.into_iter().map(str::to_owned).collect();
        DraftForm {
            organisers: activity
                .organisers
                .iter()
                .map(|o| OrganiserInput {
                    name: o.name.clone(),
                    kind: o.kind.key().to_owned(),
                })
                .collect(),
            title: activity.title.clone(),
            summary: activity.summary.clone(),
            description: activity.description.clone(),
            themes: keys(activity.themes.iter().map(|t| t.key()).collect()),
            audiences: keys(activity.audiences.iter().map(|a| a.key()).collect()),
            language: activity.language.clone(),
            day: start.date_naive().to_string(),
            starts_at: time::format_time(start.time()),
            ends_at: time::format_time(end.time()),
            format: activity.format.key().to_owned(),
            venue_name: venue.as_ref().map(|v| v.name.clone()).unwrap_or_default(),
            street_address: venue
                .as_ref()
                .map(|v| v.street_address.clone())
                .unwrap_or_default(),
            postal_code: venue
                .as_ref()
                .map(|v| v.postal_code.clone())
                .unwrap_or_default(),
            city: venue.as_ref().map(|v| v.city.clone()).unwrap_or_default(),
            municipality_code: venue.map(|v| v.municipality_code).unwrap_or_default(),
            platform: online
                .as_ref()
                .map(|o| o.platform.clone())
                .unwrap_or_default(),
            online_url: online.map(|o| o.url).unwrap_or_default(),
            contact_name: activity.contact.name.clone(),
            contact_email: activity.contact.email.clone(),
            contact_phone: activity.contact.phone.clone().unwrap_or_default(),
            signup_url: activity.signup_url.clone().unwrap_or_default(),
            accessibility_features: keys(
                activity
                    .accessibility
                    .features
                    .iter()
                    .map(|f| f.key())
                    .collect(),
            ),
            accessibility_note: activity.accessibility.note.clone().unwrap_or_default(),
            submitter_email: submitter_email.to_owned(),
            consent: false,
        }
    }

    /// The form as the start of a new, similar registration ("Använd som
    /// mall"): the same content without the day and the times, which belong
    /// to the activity it was copied from, and not yet approved for publishing.
    pub fn as_template(&self) -> DraftForm {
        DraftForm {
            day: String::new(),
            starts_at: String::new(),
            ends_at: String::new(),
            consent: false,
            ..self.clone()
        }
    }

    /// Joins the changes two tabs made to one draft: each field this tab
    /// changed since `base` (what both last saw in storage) is ours, every
    /// other field is theirs, so edits of different fields are both kept. A
    /// field both changed keeps ours, the text being typed here.
    pub fn merge(base: &DraftForm, ours: &DraftForm, theirs: &DraftForm) -> DraftForm {
        // Field by field, by name: a generic JSON merge would bring
        // serde_json's Value into the WebAssembly, tens of kilobytes.
        let mut merged = theirs.clone();
        macro_rules! ours_where_changed {
            ($($field:ident),+ $(,)?) => {
                $(if ours.$field != base.$field {
                    merged.$field.clone_from(&ours.$field);
                })+
            };
        }
        let DraftForm {
            organisers: _,
            title: _,
            summary: _,
            description: _,
            themes: _,
            audiences: _,
            language: _,
            day: _,
            starts_at: _,
            ends_at: _,
            format: _,
            venue_name: _,
            street_address: _,
            postal_code: _,
            city: _,
            municipality_code: _,
            platform: _,
            online_url: _,
            contact_name: _,
            contact_email: _,
            contact_phone: _,
            signup_url: _,
            accessibility_features: _,
            accessibility_note: _,
            submitter_email: _,
            consent: _,
        } = ours; // a new field must be added here and below: the compiler says so here
        ours_where_changed!(
            organisers,
            title,
            summary,
            description,
            themes,
            audiences,
            language,
            day,
            starts_at,
            ends_at,
            format,
            venue_name,
            street_address,
            postal_code,
            city,
            municipality_code,
            platform,
            online_url,
            contact_name,
            contact_email,
            contact_phone,
            signup_url,
            accessibility_features,
            accessibility_note,
            submitter_email,
            consent,
        );
        merged
    }
}

/// Errors of a submission's `organisers[i]` named by the form row they came from.
fn to_rows(errors: FieldErrors, rows: &[usize]) -> FieldErrors {
    let renamed = errors
        .0
        .into_iter()
        .map(|(field, codes)| {
            let row = field
                .strip_prefix("organisers[")
                .and_then(|rest| rest.split_once(']'))
                .and_then(|(index, rest)| {
                    let row = rows.get(index.parse::<usize>().ok()?)?;
                    Some(format!("organisers[{row}]{rest}"))
                });
            (row.unwrap_or(field), codes)
        })
        .collect();
    FieldErrors(renamed)
}

/// A moment long before the edition, so "already started" never applies.
fn far_before(edition: &Edition) -> DateTime<Utc> {
    let day = edition.starts_on - chrono::Days::new(365);
    DateTime::<Utc>::from_naive_utc_and_offset(day.and_time(NaiveTime::MIN), Utc)
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::submission::tests::{edition, valid};

    fn now() -> DateTime<Utc> {
        time::stockholm(
            NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
            NaiveTime::from_hms_opt(12, 0, 0).unwrap(),
        )
        .with_timezone(&Utc)
    }

    /// Regression (issue 12, item 8): the records with the submitter's e-mail
    /// and the edit token derived `Debug`, so a logged value carried them.
    #[test]
    fn debug_hides_the_submitters_email_and_the_edit_token() {
        let mut submission = valid();
        submission.submitter_email = "privat.person@example.se".into();
        let mut form = filled();
        form.submitter_email = "privat.person@example.se".into();
        let edit = EditOf {
            activity_id: "a1".into(),
            token: "f00dfeed".repeat(8),
            version: 3,
        };
        let shown = format!("{submission:?} {form:?} {edit:?}");
        assert!(!shown.contains(&submission.submitter_email), "{shown}");
        assert!(!shown.contains(&form.submitter_email), "{shown}");
        assert!(!shown.contains("f00dfeed"), "{shown}");
        assert!(shown.contains("<hidden>") && shown.contains(&submission.title));
        // The public contact stays readable: it is shown in the programme.
        assert!(shown.contains(&submission.contact.email));
    }

    fn filled() -> DraftForm {
        let s = valid();
        let venue = s.venue.clone().unwrap();
        let online = s.online.clone().unwrap();
        DraftForm {
            organisers: s
                .organisers
                .iter()
                .map(|o| OrganiserInput {
                    name: o.name.clone(),
                    kind: o.kind.key().into(),
                })
                .collect(),
            title: s.title.clone(),
            summary: s.summary.clone(),
            description: s.description.clone(),
            themes: vec!["data_ai".into()],
            audiences: vec!["staff".into()],
            language: "sv".into(),
            day: "2026-10-06".into(),
            starts_at: "9.00".into(),
            ends_at: "10:30".into(),
            format: "hybrid".into(),
            venue_name: venue.name,
            street_address: venue.street_address,
            postal_code: venue.postal_code,
            city: venue.city,
            municipality_code: venue.municipality_code,
            platform: online.platform,
            online_url: online.url,
            contact_name: s.contact.name.clone(),
            contact_email: s.contact.email.clone(),
            contact_phone: s.contact.phone.clone().unwrap(),
            signup_url: s.signup_url.clone().unwrap(),
            accessibility_features: Vec::new(),
            accessibility_note: String::new(),
            submitter_email: s.submitter_email.clone(),
            consent: true,
        }
    }

    #[test]
    fn a_filled_form_becomes_the_submission() {
        let submission = filled().to_submission(&edition(), now()).unwrap();
        assert_eq!(submission, valid().normalized());
    }

    #[test]
    fn clock_times_are_read_the_way_people_write_them() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0);
        assert_eq!(parse_clock("9"), t(9, 0));
        assert_eq!(parse_clock("09.30"), t(9, 30));
        assert_eq!(parse_clock(" 9:05 "), t(9, 5));
        assert_eq!(parse_clock("1345"), t(13, 45));
        assert_eq!(parse_clock("23.59"), t(23, 59));
        for bad in [
            "24.00", "9.5", "9.60", "abc", "", "12345", "-1", "9.3a", "+9",
        ] {
            assert_eq!(parse_clock(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_time_of_four_bytes_with_a_letter_of_several_is_refused_not_a_panic() {
        // Regression (found by scripts/fuzz.sh): "€1" or "iﱍ" in a time field
        // was cut inside its first character and the app stopped.
        for typed in ["€1", "iﱍ", "ö12", "1½h"] {
            assert_eq!(parse_clock(typed), None, "{typed}");
        }
    }

    #[test]
    fn a_time_typed_with_a_comma_is_read() {
        // Regression: "9,30", what a Swedish phone keyboard gives for
        // inputmode=decimal, was refused.
        assert_eq!(parse_clock("9,30"), NaiveTime::from_hms_opt(9, 30, 0));
        let mut form = filled();
        form.starts_at = "9,00".into();
        form.ends_at = "10,30".into();
        assert_eq!(
            form.to_submission(&edition(), now()).unwrap(),
            valid().normalized()
        );
    }

    #[test]
    fn an_end_at_24_00_is_midnight_after_the_day() {
        // Regression: "24.00" as an end time was refused.
        let mut form = filled();
        form.starts_at = "22.00".into();
        form.ends_at = "24.00".into();
        let submission = form.to_submission(&edition(), now()).unwrap();
        let end = time::to_stockholm(&submission.ends_at);
        assert_eq!(end.date_naive().to_string(), "2026-10-07");
        assert_eq!(end.time(), NaiveTime::MIN);
        assert_eq!(parse_clock("24.00"), None, "not as a start");
    }

    #[test]
    fn an_activity_from_22_to_01_ends_the_next_day() {
        // Regression: a night activity could not be registered although the
        // programme can show it.
        let mut form = filled();
        form.starts_at = "22.00".into();
        form.ends_at = "01.00".into();
        let submission = form.to_submission(&edition(), now()).unwrap();
        assert_eq!(
            submission.ends_at - submission.starts_at,
            chrono::TimeDelta::hours(3)
        );
        // An end before the start that would make a day-long activity is a
        // mistake, and said to be one.
        form.starts_at = "10.00".into();
        form.ends_at = "09.00".into();
        let errors = form.validate_step(Step::TimePlace, &edition(), now());
        assert_eq!(errors.first("ends_at"), Some(ErrorCode::EndBeforeStart));
    }

    #[test]
    fn a_draft_of_a_newer_version_is_not_taken_for_a_broken_one() {
        // Regression: an older app moved a newer app's drafts aside again and again.
        assert_eq!(
            Draft::decode(r#"{"version":2,"id":"x","form":{"rubrik":"Ny"}}"#),
            Err(DraftProblem::NewerVersion(2))
        );
    }

    #[test]
    fn two_tabs_changing_different_fields_keep_both() {
        // Regression: two tabs editing different fields within the save delay
        // lost one of the edits.
        let base = filled();
        let mut ours = base.clone();
        ours.title = "Titel från flik ett".into();
        let mut theirs = base.clone();
        theirs.summary = "Sammanfattning från flik två".into();
        theirs.organisers.push(OrganiserInput {
            name: "Region Västerbotten".into(),
            kind: "region".into(),
        });
        let merged = DraftForm::merge(&base, &ours, &theirs);
        assert_eq!(merged.title, "Titel från flik ett");
        assert_eq!(merged.summary, "Sammanfattning från flik två");
        assert_eq!(merged.organisers.len(), 3);
        // The same field changed in both: this tab's typing wins.
        let mut theirs_title = base.clone();
        theirs_title.title = "Annan titel".into();
        assert_eq!(
            DraftForm::merge(&base, &ours, &theirs_title).title,
            "Titel från flik ett"
        );
        // Every field takes part: all of them changed here come through.
        let empty = DraftForm::default();
        assert_eq!(DraftForm::merge(&empty, &filled(), &empty), filled());
        assert_eq!(DraftForm::merge(&empty, &empty, &filled()), filled());
    }

    #[test]
    fn a_sent_activity_fills_the_form_it_came_from() {
        let submission = valid().normalized();
        let activity = submission
            .clone()
            .into_activity("a1".into(), crate::ActivityStatus::Published);
        let mut form = DraftForm::from_activity(&activity, &submission.submitter_email);
        assert_eq!(form.starts_at, "09.00");
        assert_eq!(form.ends_at, "10.30");
        assert_eq!(form.day, "2026-10-06");
        form.consent = true;
        assert_eq!(form.to_submission(&edition(), now()).unwrap(), submission);
    }

    #[test]
    fn a_template_keeps_the_content_but_not_the_day_and_times() {
        let template = filled().as_template();
        assert_eq!(template.title, filled().title);
        assert_eq!(template.organisers, filled().organisers);
        assert!(template.day.is_empty() && template.starts_at.is_empty());
        assert!(template.ends_at.is_empty() && !template.consent);
        let errors = template.validate_step(Step::TimePlace, &edition(), now());
        assert_eq!(errors.first("day"), Some(ErrorCode::Required));
    }

    #[test]
    fn each_step_reports_only_its_own_fields() {
        let mut form = filled();
        form.title.clear();
        form.contact_email = "nope".into();
        form.starts_at = "kvart i nio".into();
        let on = |step| form.validate_step(step, &edition(), now());
        assert!(on(Step::Organiser).is_empty());
        assert_eq!(on(Step::Activity).first("title"), Some(ErrorCode::Required));
        assert_eq!(
            on(Step::TimePlace).first("starts_at"),
            Some(ErrorCode::InvalidTime)
        );
        assert_eq!(
            on(Step::Contact).first("contact.email"),
            Some(ErrorCode::InvalidEmail)
        );
        assert_eq!(on(Step::Activity).0.len(), 1);
    }

    #[test]
    fn an_empty_form_says_what_each_step_needs() {
        let form = DraftForm::default();
        let organiser = form.validate_step(Step::Organiser, &edition(), now());
        assert_eq!(
            organiser.first("organisers[0].name"),
            Some(ErrorCode::Required)
        );
        assert_eq!(
            organiser.first("organisers[0].kind"),
            Some(ErrorCode::Required)
        );
        let place = form.validate_step(Step::TimePlace, &edition(), now());
        for field in ["day", "starts_at", "ends_at", "format"] {
            assert_eq!(place.first(field), Some(ErrorCode::Required), "{field}");
        }
        // Without a format, nothing is said about a venue it may not need.
        assert!(!place.iter().any(|(f, _)| f.starts_with("venue")));
        let review = form.validate_step(Step::Review, &edition(), now());
        assert_eq!(review.first("consent"), Some(ErrorCode::Required));
    }

    #[test]
    fn the_public_sector_rule_is_on_the_organiser_step() {
        let mut form = filled();
        form.organisers[0].kind = "academia".into();
        let errors = form.validate_step(Step::Organiser, &edition(), now());
        assert_eq!(errors.first("organisers"), Some(ErrorCode::NoPublicSector));
        // A blank extra row is ignored, not an error.
        form.organisers[0].kind = "region".into();
        form.organisers.push(OrganiserInput::default());
        assert!(
            form.validate_step(Step::Organiser, &edition(), now())
                .is_empty()
        );
    }

    #[test]
    fn an_organiser_error_names_the_row_it_is_in_after_a_blank_row() {
        let mut form = filled();
        form.organisers.insert(1, OrganiserInput::default());
        form.organisers[2].name = "   ".into();
        let errors = form.validate_step(Step::Organiser, &edition(), now());
        assert_eq!(
            errors.first("organisers[2].name"),
            Some(ErrorCode::Required),
            "{errors:?}"
        );
        assert_eq!(errors.0.len(), 1, "{errors:?}");
    }

    #[test]
    fn a_day_outside_the_week_is_reported_on_the_day() {
        let mut form = filled();
        form.day = "2026-10-12".into();
        let errors = form.validate_step(Step::TimePlace, &edition(), now());
        assert_eq!(errors.first("day"), Some(ErrorCode::OutsideEdition));
        assert_eq!(errors.first("starts_at"), None);
    }

    #[test]
    fn switching_to_digital_keeps_the_typed_venue_but_does_not_send_it() {
        let mut form = filled();
        form.format = "digital".into();
        let submission = form.to_submission(&edition(), now()).unwrap();
        assert_eq!(submission.venue, None);
        assert_eq!(form.venue_name, "Stadshuset, sal B");
    }

    #[test]
    fn drafts_round_trip_and_tolerate_missing_fields() {
        let mut draft = Draft::new("d1".into(), 1_700_000_000_000);
        draft.form = filled();
        draft.step = Step::Contact;
        assert_eq!(Draft::decode(&draft.encode()).unwrap(), draft);
        let old = r#"{"version":1,"id":"d2","step":"kontakt","form":{"title":"Hej"}}"#;
        let decoded = Draft::decode(old).unwrap();
        assert_eq!(decoded.form.title, "Hej");
        assert_eq!(decoded.form.language, "sv");
        assert_eq!(decoded.step, Step::Contact);
        let later_step = r#"{"version":1,"id":"d3","step":"betalning"}"#;
        assert_eq!(Draft::decode(later_step).unwrap().step, Step::Organiser);
    }

    #[test]
    fn old_and_corrupt_drafts_are_told_apart() {
        assert_eq!(
            Draft::decode(r#"{"version":0,"id":"x"}"#),
            Err(DraftProblem::OtherVersion(0))
        );
        for broken in [
            "",
            "{",
            "null",
            r#"{"id":"x"}"#,
            r#"{"version":1,"id":3}"#,
            r#"{"version":1,"id":"x","form":{"themes":"all"}}"#,
        ] {
            assert!(
                matches!(Draft::decode(broken), Err(DraftProblem::Corrupt(_))),
                "{broken}"
            );
        }
    }

    #[test]
    fn errors_sort_in_the_order_of_the_form() {
        let mut fields = vec![
            "consent",
            "contact.email",
            "organisers[1].kind",
            "title",
            "organisers[1].name",
            "organisers",
            "venue.city",
            "day",
        ];
        fields.sort_by_key(|f| form_position(f));
        assert_eq!(
            fields,
            [
                "organisers",
                "organisers[1].name",
                "organisers[1].kind",
                "title",
                "day",
                "venue.city",
                "contact.email",
                "consent"
            ]
        );
        // Every field the rules report has its place and its step.
        let form = DraftForm {
            format: "hybrid".into(),
            ..DraftForm::default()
        };
        for (field, _) in form.validate(&edition(), now()).iter() {
            assert!(
                form_position(field).0 < FIELDS.len(),
                "{field} is not listed"
            );
        }
    }

    #[test]
    fn steps_have_addresses_and_order() {
        for step in Step::ALL {
            assert_eq!(Step::from_slug(step.slug()), Some(step));
        }
        assert_eq!(Step::Organiser.previous(), None);
        assert_eq!(Step::Review.next(), None);
        assert_eq!(Step::Contact.next(), Some(Step::Review));
        assert_eq!(Step::of_field("organisers[2].kind"), Step::Organiser);
        assert_eq!(Step::of_field("venue.postal_code"), Step::TimePlace);
        assert_eq!(Step::of_field("accessibility.note"), Step::Contact);
        assert_eq!(Step::of_field("consent"), Step::Review);
    }
}
