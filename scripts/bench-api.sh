#!/usr/bin/env bash
# API load benchmark: wrk on loopback against the release server, for the whole
# list (brotli, as browsers ask), a 304 revalidation, a filtered list and one
# activity. Results: target/bench/api.txt. On this 2-core machine the server
# has one core and wrk (one thread, 32 connections) the other.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null; then
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq wrk
fi
. scripts/bench-server.sh

etag="$(curl -fsI "$BASE/api/activities" | awk -F': ' 'tolower($1) == "etag" { print $2 }' | tr -d '\r')"
id="$(curl -fs "$BASE/api/activities" | python3 -c 'import json, sys; print(json.load(sys.stdin)["activities"][0]["id"])')"
out=target/bench/api.txt
: > "$out"
run() {
    local name="$1"; shift
    echo "== $name" | tee -a "$out"
    "${pin_client[@]}" wrk -t1 -c32 -d10s --latency "$@" | tee -a "$out" | grep -E "Requests/sec|  99%|Non-2xx"
}
run "GET /api/activities (brotli)" -H "Accept-Encoding: br" "$BASE/api/activities"
run "GET /api/activities, If-None-Match (304)" -H "If-None-Match: $etag" "$BASE/api/activities"
run "GET /api/activities?format=digital&region=12 (gzip)" -H "Accept-Encoding: gzip" "$BASE/api/activities?format=digital&region=12"
run "GET /api/activities/{id}" "$BASE/api/activities/$id"
echo "full output: $out"
