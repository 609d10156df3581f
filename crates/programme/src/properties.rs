//! Properties over generated input (proptest, in the test command): the
//! draft decoder never panics, validation is total and every error it gives
//! has a Swedish message, validating a draft as typed never panics, a filter
//! read from its own query string is itself, and no line of a calendar file
//! is longer than 75 octets.

use chrono::{DateTime, TimeDelta, Utc};
use proptest::prelude::*;

use crate::draft::Draft;
use crate::filter::ProgrammeFilter;
use crate::ical::{CalendarInfo, calendar};
use crate::submission::error_message;
use crate::submission::tests::{edition, valid};
use crate::{Organiser, OrganiserKind, demo, regions};

/// Text of every kind: any character, with the ones that matter here
/// (line breaks, quotes, `&`, `%`, `+`, bidi overrides, letters of many
/// bytes) more often than chance gives them.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        proptest::collection::vec(
            prop_oneof![
                Just('\n'),
                Just('\r'),
                Just('"'),
                Just('&'),
                Just('%'),
                Just('+'),
                Just('='),
                Just('\u{202E}'),
                Just('å'),
                Just('€'),
                Just('😀'),
                any::<char>(),
                proptest::char::range('a', 'z'),
                Just(' '),
            ],
            0..120,
        )
        .prop_map(|chars| chars.into_iter().collect()),
    ]
}

/// A stored draft with damage: cut, with bytes put in, or not JSON at all.
fn draft_text() -> impl Strategy<Value = String> {
    let whole = Draft::new("d1".into(), 1_700_000_000_000).encode();
    prop_oneof![
        text(),
        (0..whole.len()).prop_map({
            let whole = whole.clone();
            move |cut| whole.get(..cut).unwrap_or_default().to_owned()
        }),
        (0..whole.len(), text()).prop_map(move |(at, inserted)| {
            let mut damaged = whole.clone();
            let at = (0..=at)
                .rev()
                .find(|i| damaged.is_char_boundary(*i))
                .unwrap_or(0);
            damaged.insert_str(at, &inserted);
            damaged
        }),
        "\\{\"version\":[0-9]{1,12},\"id\":\"[a-z]{0,5}\",\"form\":\\{\"title\":[0-9a-z\"\\[\\]{}:,]{0,20}\\}\\}",
    ]
}

/// Query pairs as a link might bring them: our parameters with good, bad
/// and empty values, and others.
fn pairs() -> impl Strategy<Value = Vec<(String, String)>> {
    let county = proptest::sample::select(
        regions::counties()
            .iter()
            .map(|c| c.code)
            .collect::<Vec<_>>(),
    );
    let kommun = proptest::sample::select(
        regions::municipalities()
            .iter()
            .map(|m| m.code)
            .collect::<Vec<_>>(),
    );
    let value = prop_oneof![
        text(),
        county.prop_map(str::to_owned),
        kommun.prop_map(str::to_owned),
        Just("2027-01-12".to_owned()),
        Just("digital".to_owned()),
        Just("physical".to_owned()),
        proptest::sample::select(
            crate::Theme::ALL
                .iter()
                .map(|t| t.key())
                .collect::<Vec<_>>()
        )
        .prop_map(str::to_owned),
        proptest::sample::select(
            crate::Audience::ALL
                .iter()
                .map(|a| a.key())
                .collect::<Vec<_>>()
        )
        .prop_map(str::to_owned),
        Just(String::new()),
    ];
    let key = prop_oneof![
        proptest::sample::select(ProgrammeFilter::PARAMS.to_vec()).prop_map(str::to_owned),
        text(),
    ];
    proptest::collection::vec((key, value), 0..10)
}

/// A fixed moment before the edition's week: the tests never read the clock.
fn before_the_week() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-10-01T10:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

proptest! {
    // A fixed seed: every run tries the same cases (the fuzzers explore).
    #![proptest_config(ProptestConfig {
        cases: 512,
        rng_seed: proptest::test_runner::RngSeed::Fixed(20261203),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn decoding_a_draft_never_panics(stored in draft_text()) {
        let _ = Draft::decode(&stored);
    }

    #[test]
    fn validation_is_total_and_every_error_has_a_message(
        title in text(),
        description in text(),
        name in text(),
        url in text(),
        email in text(),
        organisers in 0usize..25,
        start_minutes in -200_000i64..200_000,
        length_minutes in -2_000i64..2_000,
    ) {
        let mut s = valid();
        s.title = title;
        s.description = description;
        s.signup_url = Some(url.clone());
        if let Some(online) = s.online.as_mut() {
            online.url = url;
        }
        s.submitter_email = email;
        s.organisers = (0..organisers)
            .map(|i| Organiser { name: format!("{name}{}", i % 3), kind: OrganiserKind::Municipality })
            .collect();
        s.starts_at += TimeDelta::minutes(start_minutes);
        s.ends_at = s.starts_at + TimeDelta::minutes(length_minutes);
        let errors = s.validate(&edition(), before_the_week());
        for (field, codes) in errors.iter() {
            for code in codes {
                prop_assert!(!error_message(field, *code).trim().is_empty(), "{field} {code:?}");
            }
        }
        let _ = s.normalized();
    }

    #[test]
    fn validating_a_draft_as_typed_is_total(
        day in text(),
        starts_at in text(),
        ends_at in text(),
        postal_code in text(),
        municipality_code in text(),
    ) {
        // What a person types goes into the draft as it is; reading it must
        // never panic (regression: "€1" as a time did, found by the fuzzer).
        let form = crate::DraftForm {
            day,
            starts_at,
            ends_at,
            postal_code,
            municipality_code,
            ..crate::DraftForm::default()
        };
        let _ = form.validate(&edition(), before_the_week());
    }

    #[test]
    fn a_filter_read_from_its_own_query_string_is_itself(pairs in pairs()) {
        let filter = ProgrammeFilter::from_pairs_lenient(pairs);
        let query = filter.to_query_string();
        let parsed = ProgrammeFilter::from_pairs(form_urlencoded::parse(query.as_bytes()));
        prop_assert_eq!(parsed, Ok(filter), "{}", query);
    }

    #[test]
    fn no_calendar_line_is_longer_than_75_octets(
        title in text(),
        description in text(),
        place in text(),
        organiser in text(),
    ) {
        let mut activity = demo::activities(edition().starts_on, 1).remove(0);
        activity.title = title;
        activity.description = description;
        if let Some(venue) = activity.venue.as_mut() {
            venue.name = place;
        }
        activity.organisers[0].name = organiser;
        let info = CalendarInfo {
            name: "Innovationsveckan",
            site: "https://innovationsveckan.example",
            stamp: before_the_week(),
        };
        let file = calendar([&activity], &info);
        prop_assert!(file.ends_with("\r\n"));
        for line in file.split("\r\n") {
            prop_assert!(line.len() <= 75, "{} octets: {:?}", line.len(), line);
            prop_assert!(!line.contains('\n') && !line.contains('\r'), "{:?}", line);
        }
    }
}
