//! The iCalendar writer on activities with any text: every line ends in
//! CRLF, holds no other line break and is at most 75 octets.
#![no_main]

use chrono::{DateTime, Utc};
use libfuzzer_sys::fuzz_target;
use programme::ical::{CalendarInfo, calendar};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // The input gives the texts the writer folds and escapes, split at NUL.
    let mut parts = text.split('\0');
    let edition = programme::demo::sample_edition();
    let mut activity = programme::demo::activities(edition.starts_on, 1).remove(0);
    activity.title = parts.next().unwrap_or_default().to_owned();
    activity.description = parts.next().unwrap_or_default().to_owned();
    if let Some(venue) = activity.venue.as_mut() {
        venue.name = parts.next().unwrap_or_default().to_owned();
        venue.city = parts.next().unwrap_or_default().to_owned();
    }
    activity.organisers[0].name = parts.next().unwrap_or_default().to_owned();
    activity.id = parts.next().unwrap_or("a1").to_owned();
    let stamp: DateTime<Utc> = "2026-09-01T10:00:00Z".parse().unwrap();
    let info = CalendarInfo {
        name: "Innovationsveckan",
        site: "https://innovationsveckan.example",
        stamp,
    };
    let file = calendar([&activity], &info);
    assert!(file.ends_with("\r\n"));
    for line in file.trim_end_matches("\r\n").split("\r\n") {
        assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
        assert!(!line.contains(['\n', '\r']), "{line:?}");
    }
});
