//! The draft decoder on whatever local storage holds: it never panics, and
//! a draft it reads can be validated and encoded again to the same draft.
#![no_main]

use chrono::{DateTime, Utc};
use libfuzzer_sys::fuzz_target;
use programme::draft::Draft;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(draft) = Draft::decode(text) else {
        return;
    };
    let before_the_week: DateTime<Utc> = "2026-09-01T10:00:00Z".parse().unwrap();
    let _ = draft
        .form
        .validate(&programme::demo::sample_edition(), before_the_week);
    let again = Draft::decode(&draft.encode()).expect("an encoded draft reads back");
    assert_eq!(again.encode(), draft.encode());
});
