//! What the wizard's last page shows before sending ("Granska och skicka"):
//! every answer of a form as a person reads it, by step, in the wizard's order.

use crate::draft::{DraftForm, Step, parse_clock};
use crate::model::{AccessibilityFeature, ActivityFormat, Audience, OrganiserKind, Theme};
use crate::submission::language_name;
use crate::{regions, time};

/// One answer: its label and its text (empty when not filled in).
pub type Answer = (&'static str, String);

/// The labels of the keys that are known, joined with commas.
fn labels<T: Copy>(
    keys: &[String],
    from_key: fn(&str) -> Option<T>,
    label: fn(T) -> &'static str,
) -> String {
    keys.iter()
        .filter_map(|k| from_key(k))
        .map(label)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The non-empty parts, trimmed and joined with commas.
fn joined(parts: &[&str]) -> String {
    parts
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

impl DraftForm {
    /// The answers of the form, by the step they are given on (the review
    /// page's sections, without the review step itself).
    pub fn review(&self) -> Vec<(Step, Vec<Answer>)> {
        let organisers = self
            .organisers
            .iter()
            .filter(|o| !o.name.trim().is_empty())
            .map(|o| {
                let kind =
                    OrganiserKind::from_key(&o.kind).map_or("typ saknas", OrganiserKind::label);
                format!("{} ({})", o.name.trim(), crate::text::lower(kind))
            })
            .collect::<Vec<_>>()
            .join(", ");
        let format = ActivityFormat::from_key(&self.format);
        let day = time::parse_date(&self.day).map_or(String::new(), |d| {
            time::capitalize_first(&time::format_day(d))
        });
        let clock = |text: &str| {
            parse_clock(text).map_or_else(|| text.trim().to_owned(), time::format_time)
        };
        let when = if self.day.is_empty()
            && self.starts_at.trim().is_empty()
            && self.ends_at.trim().is_empty()
        {
            String::new()
        } else {
            format!("{day}, {}–{}", clock(&self.starts_at), clock(&self.ends_at))
        };
        let mut time_place = vec![
            ("Tid", when),
            (
                "Format",
                format.map_or("", ActivityFormat::label).to_owned(),
            ),
        ];
        if format.is_some_and(ActivityFormat::has_venue) {
            let kommun = regions::municipality(&self.municipality_code)
                .map(|m| m.organisation_name())
                .unwrap_or_default();
            let town = format!("{} {}", self.postal_code.trim(), self.city.trim());
            let place = joined(&[&self.venue_name, &self.street_address, &town, &kommun]);
            time_place.push(("Plats", place));
        }
        if format.is_some_and(ActivityFormat::is_online) {
            time_place.push((
                "Digitalt",
                format!("{} {}", self.platform.trim(), self.online_url.trim())
                    .trim()
                    .to_owned(),
            ));
        }
        vec![
            (Step::Organiser, vec![("Arrangörer", organisers)]),
            (
                Step::Activity,
                vec![
                    ("Titel", self.title.clone()),
                    ("Kort sammanfattning", self.summary.clone()),
                    ("Beskrivning", self.description.clone()),
                    ("Teman", labels(&self.themes, Theme::from_key, Theme::label)),
                    (
                        "Målgrupper",
                        labels(&self.audiences, Audience::from_key, Audience::label),
                    ),
                    (
                        "Språk",
                        language_name(&self.language).unwrap_or_default().to_owned(),
                    ),
                ],
            ),
            (Step::TimePlace, time_place),
            (
                Step::Contact,
                vec![
                    (
                        "Kontakt",
                        joined(&[&self.contact_name, &self.contact_email, &self.contact_phone]),
                    ),
                    ("Anmälan för deltagare", self.signup_url.clone()),
                    (
                        "Tillgänglighet",
                        labels(
                            &self.accessibility_features,
                            AccessibilityFeature::from_key,
                            AccessibilityFeature::label,
                        ),
                    ),
                    ("Mer om tillgängligheten", self.accessibility_note.clone()),
                    ("Din e-postadress", self.submitter_email.clone()),
                ],
            ),
        ]
    }
}

#[cfg(test)]
mod tests {
    use crate::draft::{DraftForm, OrganiserInput, Step};

    fn answer(form: &DraftForm, step: Step, label: &str) -> String {
        form.review()
            .into_iter()
            .find(|(s, _)| *s == step)
            .and_then(|(_, answers)| answers.into_iter().find(|(l, _)| *l == label))
            .map(|(_, text)| text)
            .unwrap_or_else(|| panic!("no answer {label}"))
    }

    #[test]
    fn the_review_reads_the_answers_the_way_people_write_them() {
        let form = DraftForm {
            organisers: vec![
                OrganiserInput {
                    name: " Umeå kommun ".into(),
                    kind: "municipality".into(),
                },
                OrganiserInput {
                    name: "Exempel AB".into(),
                    kind: String::new(),
                },
            ],
            day: "2026-10-06".into(),
            starts_at: "22,00".into(),
            ends_at: "1".into(),
            format: "hybrid".into(),
            venue_name: "Stadshuset".into(),
            postal_code: "903 26".into(),
            city: "Umeå".into(),
            municipality_code: "2480".into(),
            themes: vec!["data_ai".into(), "okänd".into()],
            language: "fi".into(),
            ..DraftForm::default()
        };
        assert_eq!(
            answer(&form, Step::Organiser, "Arrangörer"),
            "Umeå kommun (kommun), Exempel AB (typ saknas)"
        );
        assert_eq!(
            answer(&form, Step::TimePlace, "Tid"),
            "Tisdag 6 oktober, 22.00–01.00"
        );
        assert_eq!(
            answer(&form, Step::TimePlace, "Plats"),
            "Stadshuset, 903 26 Umeå, Umeå kommun"
        );
        assert_eq!(answer(&form, Step::TimePlace, "Digitalt"), "");
        assert_eq!(answer(&form, Step::Activity, "Teman"), "Data och AI");
        assert_eq!(answer(&form, Step::Activity, "Språk"), "Finska");
        // Nothing typed about the time: nothing to show, not a lone dash.
        assert_eq!(answer(&DraftForm::default(), Step::TimePlace, "Tid"), "");
        // Without a format, neither place nor link is asked for.
        let sections = DraftForm::default().review();
        let time_place = &sections[2].1;
        assert!(
            time_place
                .iter()
                .all(|(l, _)| *l != "Plats" && *l != "Digitalt")
        );
    }
}
