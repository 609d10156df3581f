#!/usr/bin/env bash
# Interaction benchmark (see examples/bench_interaction.rs): 5 000 activities,
# CPU slowed 4x, 200 keystrokes and every filter. Results: target/bench/interaction.json.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
scripts/build-app.sh
cargo run --release --locked --example bench_interaction
