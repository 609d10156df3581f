#!/usr/bin/env bash
# Installs what is missing, builds the app and the server, and starts the server on
# http://127.0.0.1:8080 (settings: IV_* variables, see README.md).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh build
scripts/build-app.sh
echo "==> building the server"
cargo build --release -p innovationsveckan-server
echo "==> starting: open http://${IV_ADDR:-127.0.0.1:8080}"
exec target/release/innovationsveckan-server
