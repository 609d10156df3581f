#!/usr/bin/env bash
# Lighthouse (mobile) on the programme page of the release build: performance
# and accessibility scores, LCP, TBT and CLS. Results: target/bench/lighthouse.json.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
scripts/build-app.sh
[ -x tools/bench/node_modules/.bin/lighthouse ] || npm ci --prefix tools/bench --no-audit --no-fund
. scripts/bench-server.sh

CHROME_PATH=/usr/bin/chromium tools/bench/node_modules/.bin/lighthouse "$BASE/" \
    --quiet --only-categories=performance,accessibility \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-background-networking" \
    --output=json --output-path=target/bench/lighthouse.json
node -e '
const r = JSON.parse(require("fs").readFileSync("target/bench/lighthouse.json", "utf8"));
const a = r.audits, c = r.categories;
console.log(`performance ${Math.round(c.performance.score * 100)}, accessibility ${Math.round(c.accessibility.score * 100)}`);
for (const k of ["largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift", "first-contentful-paint", "speed-index"])
  console.log(`${a[k].title}: ${a[k].displayValue}`);
for (const [k, v] of Object.entries(a)) if (v.score !== null && v.score < 1 && ["binary", "numeric"].includes(v.scoreDisplayMode) && c.accessibility.auditRefs.some(x => x.id === k)) console.log(`accessibility: ${k}: ${v.title}`);
'
