#!/usr/bin/env bash
# Coverage-guided fuzzing of the shared domain crate (fuzz/): the validator,
# the draft decoder, the filter's query parser and the iCalendar writer under
# libFuzzer through cargo-fuzz, on the stable toolchain without a sanitizer
# (`-s none`). Not in the test command: it runs for as long as it is told.
#
#   scripts/fuzz.sh [seconds per target]     default 300
#
# Each target starts from the seeds in fuzz/seeds/<target>/ and keeps what it
# found in fuzz/corpus/<target>/ (not committed). A crash stops that target
# with its input in fuzz/artifacts/<target>/ and the script fails at the end.
# The last lines report executions and findings per target.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_FUZZ_VERSION="0.13.2"
seconds="${1:-300}"
targets=(submission draft filter calendar)

if [ "$(cargo fuzz --version 2>/dev/null || true)" != "cargo-fuzz $CARGO_FUZZ_VERSION" ]; then
    echo "==> installing cargo-fuzz $CARGO_FUZZ_VERSION from crates.io"
    cargo install cargo-fuzz --version "=$CARGO_FUZZ_VERSION" --locked
fi

report=()
failed=0
for target in "${targets[@]}"; do
    mkdir -p "fuzz/corpus/$target" "fuzz/artifacts/$target"
    log="$(mktemp)"
    echo "==> fuzzing $target for ${seconds} s"
    status=0
    (cd fuzz && cargo fuzz run -s none --debug-assertions "$target" \
        "corpus/$target" "seeds/$target" -- \
        -max_total_time="$seconds" -print_final_stats=1 \
        -artifact_prefix="artifacts/$target/") >"$log" 2>&1 || status=$?
    runs="$(awk '/^stat::number_of_executed_units:/ { print $2 }' "$log" | tail -1)"
    corpus="$(find "fuzz/corpus/$target" -type f | wc -l)"
    findings="$(find "fuzz/artifacts/$target" -type f | wc -l)"
    if [ "$status" -ne 0 ]; then
        failed=1
        tail -40 "$log"
    fi
    report+=("$target: ${runs:-0} executions in ${seconds} s, corpus ${corpus} inputs, ${findings} findings (exit ${status})")
    rm -f "$log"
done
printf '%s\n' "${report[@]}"
exit "$failed"
