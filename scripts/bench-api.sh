#!/usr/bin/env bash
# API load benchmark: wrk on loopback against the release server, for the whole
# list (brotli, as browsers ask), a 304 revalidation, a filtered list, one
# activity, and new registrations (each committed before its answer).
# Results: target/bench/api-<database>-<servers>.txt. On this 2-core machine
# the servers have one core and wrk (one thread, 32 connections in all) the
# other; PostgreSQL shares the servers' core.
#
#   scripts/bench-api.sh               one server on SQLite
#   scripts/bench-api.sh postgres      one server on PostgreSQL (a throwaway cluster)
#   scripts/bench-api.sh postgres 2    two servers on one PostgreSQL database, and
#                                      how long an approval on one takes to reach
#                                      the other's programme
set -euo pipefail
cd "$(dirname "$0")/.."
database="${1:-sqlite}"
servers="${2:-1}"
case "$database" in
    sqlite) ;;
    postgres)
        if [ -z "${IV_TEST_POSTGRES_URL:-}" ]; then
            exec scripts/with-postgres.sh "$0" "$@"
        fi
        export BENCH_DATABASE_URL="$IV_TEST_POSTGRES_URL"
        ;;
    *) echo "usage: scripts/bench-api.sh [sqlite|postgres] [servers]" >&2; exit 2 ;;
esac
if ! command -v wrk >/dev/null; then
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq wrk
fi
export BENCH_SERVERS="$servers"
export IV_ADMIN_TOKEN="the-benchmarks-operator-token-0123456789"
# Registrations are measured, not refused.
export IV_SUBMISSIONS_PER_HOUR=100000000 IV_SUBMISSIONS_PER_HOUR_PER_48=100000000 \
    IV_SUBMISSIONS_PER_HOUR_TOTAL=100000000
. scripts/bench-server.sh

etag="$(curl -fsI "$BASE/api/activities" | awk -F': ' 'tolower($1) == "etag" { print $2 }' | tr -d '\r')"
id="$(curl -fs "$BASE/api/activities" | python3 -c 'import json, sys; print(json.load(sys.stdin)["activities"][0]["id"])')"
out="target/bench/api-$database-$servers.txt"
: > "$out"
# One wrk per server at once, the 32 connections shared among them; the
# requests per second are summed.
run() {
    local name="$1" path="$2"; shift 2
    echo "== $name ($servers server(s) on $database)" | tee -a "$out"
    local connections=$((32 / servers)) logs=() loads=() n=0
    for base in "${BASES[@]}"; do
        n=$((n + 1))
        logs+=("$bench_data/wrk-$n.txt")
        "${pin_client[@]}" wrk -t1 -c"$connections" -d10s --latency "$@" "$base$path" "bench$n" \
            >"$bench_data/wrk-$n.txt" &
        loads+=($!)
    done
    # Only the loads: the servers run in the background too.
    wait "${loads[@]}"
    cat "${logs[@]}" >>"$out"
    cat "${logs[@]}" | grep -E "  99%|Non-2xx" || true
    awk '/Requests\/sec/ { total += $2 } END { printf "Requests/sec (all servers): %.0f\n", total }' \
        "${logs[@]}" | tee -a "$out"
}
run "GET /api/activities (brotli)" /api/activities -H "Accept-Encoding: br"
run "GET /api/activities, If-None-Match (304)" /api/activities -H "If-None-Match: $etag"
run "GET /api/activities?format=digital&region=12 (gzip)" "/api/activities?format=digital&region=12" \
    -H "Accept-Encoding: gzip"
run "GET /api/activities/{id}" "/api/activities/$id"

# New registrations, each under a key of its own, each committed before 201.
body="$(curl -fs "$BASE/api/edition" | python3 -c '
import datetime, json, sys
start = datetime.date.fromisoformat(json.load(sys.stdin)["starts_on"]) + datetime.timedelta(days=1)
print(json.dumps({
    "title": "Belastningsprov", "summary": "En anmälan från benchmarken.",
    "description": "Mäter hur många anmälningar i sekunden servern sparar.",
    "starts_at": f"{start}T10:00:00+01:00", "ends_at": f"{start}T11:00:00+01:00",
    "format": "digital", "online": {"platform": "Zoom", "url": "https://zoom.example.se/1"},
    "themes": ["data_ai"], "audiences": ["staff"], "language": "sv",
    "organisers": [{"name": "Umeå kommun", "kind": "municipality"}],
    "contact": {"name": "Anna Andersson", "email": "anna@umea.se"},
    "submitter_email": "anna@umea.se"}, ensure_ascii=False))')"
cat >"$bench_data/register.lua" <<LUA
local body = [==[$body]==]
local prefix, counter = "", 0
function init(args) prefix = args[1] end
function request()
    counter = counter + 1
    return wrk.format("POST", nil, {
        ["Content-Type"] = "application/json",
        ["Idempotency-Key"] = prefix .. "-" .. counter,
    }, body)
end
LUA
run "POST /api/activities (new registrations, durable)" /api/activities -s "$bench_data/register.lua"

if [ "$servers" -ge 2 ]; then
    echo "== an approval on one server, until it is in the other's programme" | tee -a "$out"
    python3 - "${BASES[0]}" "${BASES[1]}" "$IV_ADMIN_TOKEN" "$body" <<'PY' | tee -a "$out"
import json, statistics, sys, time, urllib.request
one, other, token, body = sys.argv[1:5]
def call(method, url, data=None, headers={}):
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    with urllib.request.urlopen(request) as reply:
        return json.load(reply)
delays = []
for i in range(30):
    created = call("POST", f"{one}/api/activities", body.encode(),
                   {"Content-Type": "application/json", "Idempotency-Key": f"spread-{i}"})
    call("POST", f"{other}/api/admin/activities/{created['id']}/approve",
         headers={"Authorization": f"Bearer {token}"})
    approved = time.monotonic()
    while not any(a["id"] == created["id"]
                  for a in call("GET", f"{one}/api/activities?q=Belastningsprov")["activities"]):
        time.sleep(0.002)
    delays.append(time.monotonic() - approved)
ms = sorted(d * 1000 for d in delays)
print(f"{len(ms)} approvals: median {statistics.median(ms):.0f} ms, "
      f"min {ms[0]:.0f} ms, max {ms[-1]:.0f} ms")
PY
fi
echo "full output: $out"
