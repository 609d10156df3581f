#!/usr/bin/env bash
# Installs what building (and, with "test", testing) the project needs, skipping
# whatever is already there. Nothing is downloaded except from crates.io, npm and
# Debian's package archive.
#
#   scripts/setup.sh build   wasm32 target, Trunk, wasm-bindgen CLI, wasm-opt
#   scripts/setup.sh test    the above, plus Chromium and ChromeDriver
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-build}"
TRUNK_VERSION="0.21.14"

say() { printf '==> %s\n' "$*"; }

# The wasm-bindgen CLI must be exactly the version Cargo.lock resolves.
wasm_bindgen_version() {
    awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
fi

if [ "$(trunk --version 2>/dev/null || true)" != "trunk $TRUNK_VERSION" ]; then
    say "installing Trunk $TRUNK_VERSION from crates.io (about 8 minutes, once)"
    cargo install trunk --version "$TRUNK_VERSION" --locked
fi

if [ ! -f Cargo.lock ]; then
    cargo generate-lockfile
fi
wbg="$(wasm_bindgen_version)"
if [ -z "$wbg" ]; then
    echo "Cargo.lock names no wasm-bindgen version" >&2
    exit 1
fi
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $wbg" ]; then
    say "installing wasm-bindgen-cli $wbg from crates.io (about 5 minutes, once)"
    # Not --locked: the CLI's own lock file pins a webpki-roots release the registry lacks.
    cargo install wasm-bindgen-cli --version "=$wbg"
fi
if ! grep -q "wasm_bindgen = \"$wbg\"" Trunk.toml; then
    echo "Trunk.toml pins another wasm-bindgen than Cargo.lock ($wbg): make them equal" >&2
    exit 1
fi

# npm tools, pinned in tools/package-lock.json: wasm-opt from binaryen (Debian's
# binaryen 108 builds a wasm that fails at load) and axe-core for the tests.
if [ ! -x tools/node_modules/.bin/wasm-opt ] \
    || ! tools/node_modules/.bin/wasm-opt --version 2>/dev/null | grep -q "version 132" \
    || [ ! -f tools/node_modules/axe-core/axe.min.js ] \
    || ! grep -q '"version": "4.14.1"' tools/node_modules/axe-core/package.json; then
    say "installing npm tools into tools/"
    if [ -f tools/package-lock.json ]; then
        npm ci --prefix tools --no-audit --no-fund
    else
        npm install --prefix tools --no-audit --no-fund
    fi
fi

if [ "$mode" = "test" ]; then
    if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
        say "installing Chromium and ChromeDriver from Debian"
        sudo_cmd=""
        [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
        $sudo_cmd apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium chromium-driver
    fi
fi
