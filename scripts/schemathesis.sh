#!/usr/bin/env bash
# schemathesis (pinned, from PyPI, in a virtual environment of its own under
# target/tools/) against the real server and its /api/openapi.json: every
# operation, with the checks not_a_server_error, status_code_conformance,
# content_type_conformance and response_schema_conformance.
#
#   scripts/schemathesis.sh [examples per operation] [seed]    defaults: 200, 1
#
# The test command runs it with 15 examples. Before the run one registration
# is made, and its id, its edit token and ids of the demo programme are given
# to schemathesis, so the operations on one activity reach their logic and not
# only their 404. The last lines give the cases per operation.
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION="4.32.5"
examples="${1:-200}"
seed="${2:-1}"
venv="target/tools/schemathesis-$SCHEMATHESIS_VERSION"
if [ "$("$venv/bin/schemathesis" --version 2>/dev/null || true)" != "schemathesis, version $SCHEMATHESIS_VERSION" ]; then
    echo "==> installing schemathesis $SCHEMATHESIS_VERSION from PyPI into $venv"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

cargo build --locked -p innovationsveckan-server
work="$(mktemp -d)"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
token="schemathesis-operator-token-of-at-least-32-characters"
IV_ADDR="127.0.0.1:$port" IV_DATA_DIR="$work/data" IV_DIST_DIR="$work/no-app" \
    IV_ADMIN_TOKEN="$token" IV_DEMO_ACTIVITIES=20 IV_LOG=warn \
    IV_SUBMISSIONS_PER_HOUR=1000000 IV_SUBMISSIONS_PER_HOUR_PER_48=1000000 \
    IV_SUBMISSIONS_PER_HOUR_TOTAL=1000000 \
    target/debug/innovationsveckan-server >"$work/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do
    curl -fs "$base/api/edition" >/dev/null && break
    sleep 0.1
done

# One registration (on the edition's second day) and the demo's ids, for the
# operations on one activity; then the run's configuration.
python3 - "$base" "$token" "$work" <<'PY'
import json, sys, urllib.request
from datetime import date, timedelta

base, token, work = sys.argv[1:4]
def call(method, path, body=None, headers=None):
    request = urllib.request.Request(base + path, method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(request) as response:
        return json.load(response)
day = date.fromisoformat(call("GET", "/api/edition")["starts_on"]) + timedelta(days=1)
body = {
    "title": "Schemathesis prövar", "summary": "En aktivitet för testet.",
    "description": "Finns för att operationerna på en aktivitet ska nå sin logik.",
    "starts_at": f"{day}T10:00:00+01:00", "ends_at": f"{day}T11:00:00+01:00",
    "format": "digital", "online": {"platform": "Teams", "url": "https://teams.example.se/1"},
    "themes": ["data_ai"], "audiences": ["staff"], "language": "sv",
    "organisers": [{"name": "Umeå kommun", "kind": "municipality"}],
    "contact": {"name": "Anna Andersson", "email": "anna@umea.se"},
    "accessibility": {"features": []}, "submitter_email": "anna@umea.se",
}
made = call("POST", "/api/activities", body, {"Idempotency-Key": "schemathesis-seed"})
# Generated registrations hardly ever fall inside the week with a real
# kommun, so half of them become this valid body with one field taken from
# what was generated: the run also sees 201s and checks them against the
# document (which half, and which field, follows from the generated body).
with open(f"{work}/registrations.py", "w") as hooks:
    hooks.write(f"""
import hashlib, json
import schemathesis

VALID = {json.dumps(body, ensure_ascii=False)!r}

@schemathesis.hook
def map_body(context, body):
    if context.operation is None or context.operation.label != "POST /api/activities":
        return body
    digest = hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).digest()
    if digest[0] % 2 or not isinstance(body, dict):
        return body
    valid = json.loads(VALID)
    fields = sorted(body)
    if fields:
        field = fields[digest[1] % len(fields)]
        valid[field] = body[field]
    return valid
""")
demo = [a["id"] for a in call("GET", "/api/activities")["activities"]][:3]
ids = json.dumps([made["id"], *demo])
def operations(names):
    return "|".join(n.replace("{", r"\\{").replace("}", r"\\}") for n in names)
organiser = ["GET /api/submissions/{id}", "PUT /api/activities/{id}",
             "POST /api/activities/{id}/cancel"]
with open(f"{work}/schemathesis.toml", "w") as config:
    config.write(f"""
[dictionaries.ids]
values = {ids}

[[operations]]
include-name-regex = "^({operations(organiser)})$"
headers = {{ Authorization = "Bearer {made['edit_token']}" }}
parameters = {{ "path.id" = {{ dictionary = "ids", probability = 0.5 }} }}

[[operations]]
include-name-regex = "^(GET /api/activities/\\\\{{id\\\\}}|POST /api/admin/activities/\\\\{{id\\\\}}/.*)$"
parameters = {{ "path.id" = {{ dictionary = "ids", probability = 0.5 }} }}
""")
PY

report="$work/report"
status=0
PYTHONPATH="$work" SCHEMATHESIS_HOOKS=registrations \
    "$venv/bin/schemathesis" --config-file "$work/schemathesis.toml" run "$base/api/openapi.json" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --header "Authorization: Bearer $token" \
    --max-examples "$examples" --seed "$seed" --workers 1 \
    --report json --report-dir "$report" || status=$?

# Cases per operation (the coverage and fuzzing phases; the stateful phase's
# scenarios are counted in the summary above).
python3 - "$report" <<'PY'
import glob, json, sys
run = json.load(open(glob.glob(f"{sys.argv[1]}/json-*.json")[0]))
total = 0
for operation, phases in sorted(run["valid_rates"].items()):
    cases = sum(sum(counts.values()) for counts in phases.values())
    total += cases
    print(f"  {cases:6}  {operation}")
cases = run["test_cases"]
accepted = sum(c.get("accepted", 0) for c in run["valid_rates"].get("POST /api/activities", {}).values())
print(f"  POST /api/activities accepted (201 or 200): {accepted}")
print(f"schemathesis: {run['operations']['tested']} operations, {cases['generated']} cases "
      f"({total} in coverage and fuzzing), {cases['with_failures']} with failures, "
      f"{cases['errored']} errored, seed {run['seed']}")
PY
if grep -q 'panicked' "$work/server.log"; then
    echo "the server panicked:" >&2
    grep -A5 'panicked' "$work/server.log" >&2
    status=1
fi
exit "$status"
