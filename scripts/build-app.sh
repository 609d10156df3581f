#!/usr/bin/env bash
# Builds the web app into dist/ (release, size-optimised), unless dist/ is already
# newer than every source it is built from. Five apps: the programme (index.html),
# the registration (anmal.html), the operators' (admin.html), Mitt program
# (mitt-program.html) and the information pages (om.html: about, how to take
# part, the programme in figures with its map, open data), so the programme's
# visitors never download the wizard, the moderation, their own selection's
# page or the statistics. Trunk builds
# one page at a time, into its own folder.
set -euo pipefail
cd "$(dirname "$0")/.."

sources=(index.html anmal.html admin.html mitt-program.html om.html Trunk.toml Cargo.toml Cargo.lock src style crates/programme
    scripts/build-app.sh scripts/precompress.mjs tools/package-lock.json)
[ -d public ] && sources+=(public)
if [ -f dist/index.html ] && [ -z "$(find "${sources[@]}" -newer dist/index.html -print -quit)" ]; then
    echo "==> dist/ is up to date"
    exit 0
fi

echo "==> building the web app (trunk build --release)"
export PATH="$PWD/tools/node_modules/.bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true
trunk build --release --offline --dist target/trunk-anmal --html-output anmal.html anmal.html
trunk build --release --offline --dist target/trunk-admin --html-output admin.html admin.html
trunk build --release --offline --dist target/trunk-mitt --html-output mitt-program.html mitt-program.html
trunk build --release --offline --dist target/trunk-om --html-output om.html om.html
trunk build --release --offline
# The registration's page and files join the programme's; the files they share
# (style sheet, icon, service worker) are the same bytes under the same names.
cp -R target/trunk-anmal/. dist/
cp -R target/trunk-admin/. dist/
cp -R target/trunk-mitt/. dist/
cp -R target/trunk-om/. dist/
node scripts/precompress.mjs dist
# Mark the build complete, so an interrupted build is never taken as up to date.
touch dist/index.html
