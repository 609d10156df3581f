#!/usr/bin/env bash
# The crash test, long: the release server killed with SIGKILL many times
# while clients register and approve, then the database checked for every
# answered registration and approval, and for duplicates
# (crates/server/tests/crash.rs; the test command runs it short).
#
#   scripts/crash.sh [kills] [seed]      defaults: 1000 kills, a seed from the clock
#   IV_CRASH_CLIENTS=4 IV_CRASH_MAX_UP_MS=700 scripts/crash.sh
#   IV_CRASH_DATABASE=postgres scripts/crash.sh 300 7    on PostgreSQL: the server
#                                                        killed, the database kept
#
# The seed is printed; giving it again repeats the kill moments. The last
# line is the report ("1000 kills, … requests, … 0 lost, 0 duplicated").
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${IV_CRASH_DATABASE:-sqlite}" = postgres ] && [ -z "${IV_TEST_POSTGRES_URL:-}" ]; then
    exec scripts/with-postgres.sh "$0" "$@"
fi

export IV_CRASH_KILLS="${1:-1000}"
export IV_CRASH_SEED="${2:-$(date +%s)}"
export IV_CRASH_CLIENTS="${IV_CRASH_CLIENTS:-4}"
export IV_CRASH_MAX_UP_MS="${IV_CRASH_MAX_UP_MS:-700}"
exec cargo test --release --locked -p innovationsveckan-server --test crash -- --nocapture
