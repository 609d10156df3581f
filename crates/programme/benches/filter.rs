//! Filtering and grouping a programme of 10 000 activities, the largest edition we
//! design for. Target: under 1 ms for each case. Run with `cargo bench -p programme`.

use criterion::{Criterion, criterion_group, criterion_main};
use programme::{Programme, ProgrammeFilter, demo};
use std::hint::black_box;

fn filter_and_group(c: &mut Criterion) {
    let edition = demo::sample_edition();
    let programme = Programme::new(demo::activities(edition.starts_on, 10_000));
    let cases = [
        ("no filter", vec![]),
        ("format digital", vec![("format", "digital")]),
        (
            "region and theme",
            vec![("region", "12"), ("theme", "data_ai")],
        ),
        ("free text", vec![("q", "digital")]),
        ("free text, two words", vec![("q", "ai handläggningen")]),
        (
            "everything",
            vec![
                ("q", "kommun"),
                ("day", "2026-10-06"),
                ("format", "physical"),
                ("region", "14"),
                ("theme", "green_transition"),
                ("audience", "staff"),
            ],
        ),
    ];
    let mut group = c.benchmark_group("filter and group 10 000 activities");
    for (name, pairs) in cases {
        let filter = ProgrammeFilter::from_pairs(pairs).expect("valid filter");
        group.bench_function(name, |b| {
            b.iter(|| {
                let hits = programme.filter_indices(black_box(&filter));
                black_box(programme.day_groups(&hits).len())
            })
        });
    }
    group.finish();
}

criterion_group!(benches, filter_and_group);
criterion_main!(benches);
