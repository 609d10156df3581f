#!/usr/bin/env bash
# Builds the web app into dist/ (release, size-optimised), unless dist/ is already
# newer than every source it is built from.
set -euo pipefail
cd "$(dirname "$0")/.."

sources=(index.html Trunk.toml Cargo.toml Cargo.lock src style crates/programme
    scripts/build-app.sh scripts/precompress.mjs tools/package-lock.json)
[ -d public ] && sources+=(public)
if [ -f dist/index.html ] && [ -z "$(find "${sources[@]}" -newer dist/index.html -print -quit)" ]; then
    echo "==> dist/ is up to date"
    exit 0
fi

echo "==> building the web app (trunk build --release)"
export PATH="$PWD/tools/node_modules/.bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true
trunk build --release --offline
node scripts/precompress.mjs dist
# Mark the build complete, so an interrupted build is never taken as up to date.
touch dist/index.html
