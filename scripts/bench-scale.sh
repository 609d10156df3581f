#!/usr/bin/env bash
# Scale benchmark (see examples/bench_scale.rs): the programme's first load
# with 180 and with 10 000 activities, CPU slowed 4x, a slow mobile network,
# cold cache; prints the ratios. BENCH_RUNS runs of each (default 3).
# Results: target/bench/scale.json. Run it on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
scripts/build-app.sh
cargo run --release --locked --example bench_scale
