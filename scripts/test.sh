#!/usr/bin/env bash
# Installs what the tests need and runs them all: formatting and lints, the domain
# unit tests, the server's tests against real SQLite files and then again
# against a throwaway PostgreSQL cluster of this run's own (installed from
# Debian's packages if missing), the end-to-end tests in headless Chromium
# against the real server and the release build, the crash test (short, on
# both databases) and schemathesis against the running server (short).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh test
echo "==> cargo fmt --check"
cargo fmt --all --check
echo "==> clippy (native and wasm)"
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo clippy -p innovationsveckan -p programme --target wasm32-unknown-unknown --locked -- -D warnings
scripts/build-app.sh
echo "==> transfer sizes against size-budget.json"
cargo build -p innovationsveckan-server --locked
node scripts/size-report.mjs target/debug/innovationsveckan-server
echo "==> schemathesis against the running server (short; scripts/schemathesis.sh runs it long)"
scripts/schemathesis.sh 15 | tail -24
echo "==> tests"
# The end-to-end tests are #[ignore]d for a bare `cargo test`, which has no
# built app or browser; here they run, two at a time on this 2-core machine.
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
cargo test --workspace --locked -- --include-ignored --test-threads=2 2>&1 | tee "$log"
echo "==> the server's tests again, on PostgreSQL (a throwaway cluster, stopped at the end)"
scripts/with-postgres.sh cargo test -p innovationsveckan-server --locked -- --include-ignored --test-threads=2 2>&1 | tee -a "$log"
# One closing line for the whole run, summed over every test binary.
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i) ~ /^passed;?$/) p += $(i-1); if ($(i) ~ /^failed;?$/) f += $(i-1) } }
     END { printf "all tests: %d passed, %d failed\n", p, f }' "$log"
