//! The programme filter's query parser on any query string: the strict
//! reader never panics, and a filter read leniently, written out and read
//! strictly is itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use programme::filter::ProgrammeFilter;

fuzz_target!(|data: &[u8]| {
    let _ = ProgrammeFilter::from_pairs(form_urlencoded::parse(data));
    let filter = ProgrammeFilter::from_pairs_lenient(form_urlencoded::parse(data));
    let query = filter.to_query_string();
    let parsed = ProgrammeFilter::from_pairs(form_urlencoded::parse(query.as_bytes()));
    assert_eq!(parsed, Ok(filter), "{query}");
});
