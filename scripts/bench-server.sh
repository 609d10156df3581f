# Sourced by the benchmark scripts: builds the release server and starts it on a
# free loopback port with a fresh database; sets BASE and stops it on exit.
# IV_DEMO_ACTIVITIES (optional) sets the size of the demo edition.
cargo build --release --locked -p innovationsveckan-server
bench_data="$(mktemp -d)"
bench_port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
# On a machine with several cores the server gets core 0 and the load
# generator the others (BENCH_PIN=0 turns that off), so they do not queue
# behind each other.
pin_server=()
pin_client=()
if [ "${BENCH_PIN:-1}" = 1 ] && command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
    pin_server=(taskset -c 0)
    pin_client=(taskset -c "1-$(($(nproc) - 1))")
fi
IV_ADDR="127.0.0.1:$bench_port" IV_DATA_DIR="$bench_data" IV_LOG=warn \
    "${pin_server[@]}" target/release/innovationsveckan-server &
bench_pid=$!
trap 'kill "$bench_pid" 2>/dev/null; rm -rf "$bench_data"' EXIT
BASE="http://127.0.0.1:$bench_port"
for _ in $(seq 1 100); do
    curl -fs "$BASE/api/edition" >/dev/null && break
    sleep 0.1
done
curl -fs "$BASE/api/edition" >/dev/null || { echo "the server did not start" >&2; exit 1; }
mkdir -p target/bench
