#!/usr/bin/env bash
# Lighthouse (mobile) on a page of the release build, the programme by default:
# performance and accessibility scores, LCP, TBT and CLS.
#   scripts/bench-lighthouse.sh [path]     for example /anmal for the registration
# Results: target/bench/lighthouse.json (the programme), lighthouse-anmal.json, …
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
scripts/build-app.sh
[ -x tools/bench/node_modules/.bin/lighthouse ] || npm ci --prefix tools/bench --no-audit --no-fund
. scripts/bench-server.sh
page="${1:-/}"
name=$(echo "$page" | tr -c 'a-z0-9\n' '-' | sed 's/^-*//; s/-*$//')
out="target/bench/lighthouse${name:+-$name}.json"

CHROME_PATH=/usr/bin/chromium tools/bench/node_modules/.bin/lighthouse "$BASE$page" \
    --quiet --only-categories=performance,accessibility \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-background-networking" \
    --output=json --output-path="$out"
OUT="$out" node -e '
const r = JSON.parse(require("fs").readFileSync(process.env.OUT, "utf8"));
const a = r.audits, c = r.categories;
console.log(`performance ${Math.round(c.performance.score * 100)}, accessibility ${Math.round(c.accessibility.score * 100)}`);
for (const k of ["largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift", "first-contentful-paint", "speed-index"])
  console.log(`${a[k].title}: ${a[k].displayValue}`);
for (const [k, v] of Object.entries(a)) if (v.score !== null && v.score < 1 && ["binary", "numeric"].includes(v.scoreDisplayMode) && c.accessibility.auditRefs.some(x => x.id === k)) console.log(`accessibility: ${k}: ${v.title}`);
'
