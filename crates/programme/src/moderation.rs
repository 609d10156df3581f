//! What an operator checks before approving an activity: the quick checks
//! the moderation queue shows beside each registration.

use serde::Deserialize;

use crate::Activity;

/// The standard reasons of a rejection: the choices on the operators'
/// screen, and what the organiser is told. The API takes them as `code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RejectionCode {
    /// No public organisation takes part in arranging it.
    NoPublicParty,
    /// Something the programme needs is missing.
    Incomplete,
    /// Not about innovation in the public sector.
    NotInnovation,
    /// The same activity is registered twice.
    Duplicate,
    /// Another reason, which the operator writes.
    Other,
}

impl RejectionCode {
    /// Every reason, in the order the operators' screen offers them.
    pub const ALL: [RejectionCode; 5] = [
        RejectionCode::NoPublicParty,
        RejectionCode::Incomplete,
        RejectionCode::NotInnovation,
        RejectionCode::Duplicate,
        RejectionCode::Other,
    ];

    /// The code in the API and the audit.
    pub fn key(self) -> &'static str {
        match self {
            RejectionCode::NoPublicParty => "no_public_party",
            RejectionCode::Incomplete => "incomplete",
            RejectionCode::NotInnovation => "not_innovation",
            RejectionCode::Duplicate => "duplicate",
            RejectionCode::Other => "other",
        }
    }

    /// The choice as the operators' screen names it.
    pub fn label(self) -> &'static str {
        match self {
            RejectionCode::NoPublicParty => "Ingen offentlig part",
            RejectionCode::Incomplete => "Uppgifter saknas",
            RejectionCode::NotInnovation => "Passar inte veckan",
            RejectionCode::Duplicate => "Dubblett",
            RejectionCode::Other => "Annat skäl",
        }
    }

    /// What the organiser is told; `None` for [`RejectionCode::Other`],
    /// whose reason the operator writes.
    pub fn standard_text(self) -> Option<&'static str> {
        match self {
            RejectionCode::NoPublicParty => Some(
                "Aktiviteten har ingen arrangör från offentlig sektor. Under Innovationsveckan \
                 behöver minst en kommun, region, myndighet eller annan offentlig arrangör vara \
                 med och arrangera.",
            ),
            RejectionCode::Incomplete => Some(
                "Anmälan saknar uppgifter som behövs för att vi ska kunna publicera aktiviteten. \
                 Ändra anmälan och fyll i det som saknas, så granskar vi den igen.",
            ),
            RejectionCode::NotInnovation => Some(
                "Aktiviteten handlar inte om innovation i offentlig sektor, som är vad \
                 Innovationsveckan handlar om.",
            ),
            RejectionCode::Duplicate => {
                Some("Aktiviteten är redan anmäld en gång. Vi publicerar bara en av anmälningarna.")
            }
            RejectionCode::Other => None,
        }
    }
}

/// One quick check and how it came out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// Whether it speaks for approving.
    pub ok: bool,
    /// What was found, in Swedish.
    pub text: String,
}

/// The quick checks of a pending activity against the programme as it is:
/// the public-sector rule, the organisers and their kinds, its links, and a
/// title that is already in the programme.
pub fn quick_checks(activity: &Activity, programme: &[Activity]) -> Vec<Check> {
    let public: Vec<&str> = activity
        .organisers
        .iter()
        .filter(|o| o.kind.is_public_sector())
        .map(|o| o.name.as_str())
        .collect();
    let mut checks = vec![if public.is_empty() {
        Check {
            ok: false,
            text: "Ingen arrangör är offentlig: regeln om en offentlig part är inte uppfylld."
                .to_owned(),
        }
    } else {
        Check {
            ok: true,
            text: format!("Offentlig part: {}.", public.join(", ")),
        }
    }];
    let organisers = activity
        .organisers
        .iter()
        .map(|o| format!("{} ({})", o.name, crate::text::lower(o.kind.label())))
        .collect::<Vec<_>>()
        .join(", ");
    checks.push(Check {
        ok: true,
        text: format!("Arrangörer: {organisers}."),
    });
    let links: Vec<&str> = activity
        .signup_url
        .iter()
        .map(String::as_str)
        .chain(activity.online.iter().map(|o| o.url.as_str()))
        .collect();
    checks.push(Check {
        ok: true,
        text: if links.is_empty() {
            "Inga länkar.".to_owned()
        } else {
            format!("Länkar: {}.", links.join(", "))
        },
    });
    let title = crate::text::lower(activity.title.trim());
    let same_title = programme
        .iter()
        .filter(|other| other.id != activity.id && crate::text::lower(other.title.trim()) == title)
        .count();
    if same_title > 0 {
        checks.push(Check {
            ok: false,
            text: format!(
                "Samma titel finns redan i programmet ({}). Kontrollera att det inte är en dubblett.",
                crate::activities_in_words(same_title)
            ),
        });
    }
    checks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::OrganiserKind;
    use crate::demo::{activities, sample_edition};

    #[test]
    fn an_activity_without_a_public_party_fails_the_first_check() {
        let mut activity = activities(sample_edition().starts_on, 1).remove(0);
        for organiser in &mut activity.organisers {
            organiser.kind = OrganiserKind::Business;
        }
        let checks = quick_checks(&activity, &[]);
        assert!(!checks[0].ok, "{checks:?}");
        activity.organisers[0].kind = OrganiserKind::Region;
        assert!(quick_checks(&activity, &[])[0].ok);
    }

    #[test]
    fn a_title_already_in_the_programme_is_pointed_out() {
        let programme = activities(sample_edition().starts_on, 3);
        let mut pending = programme[0].clone();
        pending.id = "ny".into();
        pending.title = format!("  {}  ", programme[0].title.to_uppercase());
        let checks = quick_checks(&pending, &programme);
        assert!(
            checks
                .iter()
                .any(|c| !c.ok && c.text.contains("Samma titel")),
            "{checks:?}"
        );
        // The activity itself is no duplicate of itself.
        let checks = quick_checks(&programme[0], &programme);
        assert!(checks.iter().all(|c| !c.text.contains("Samma titel")));
    }
}
