//! The shared validator on any JSON body the API could be sent: reading it
//! either fails or gives a submission whose validation ends, with a Swedish
//! message for every error, and whose normalising ends too.
#![no_main]

use chrono::{DateTime, Utc};
use libfuzzer_sys::fuzz_target;
use programme::submission::{Submission, error_message};

fuzz_target!(|data: &[u8]| {
    let Ok(submission) = serde_json::from_slice::<Submission>(data) else {
        return;
    };
    let before_the_week: DateTime<Utc> = "2026-09-01T10:00:00Z".parse().unwrap();
    let errors = submission.validate(&programme::demo::sample_edition(), before_the_week);
    for (field, codes) in errors.iter() {
        for code in codes {
            assert!(
                !error_message(field, *code).trim().is_empty(),
                "{field} {code:?}"
            );
        }
    }
    let normalized = submission.normalized();
    // Normalising twice changes nothing more.
    assert!(normalized.normalized() == normalized);
});
