# Sourced by the benchmark scripts: builds the release server and starts it on a
# free loopback port with a fresh database; sets BASE (and BASES, one address
# per server) and stops it on exit.
# IV_DEMO_ACTIVITIES (optional) sets the size of the demo edition.
# BENCH_DATABASE_URL (optional) puts the servers on that database instead of
# a fresh SQLite file; BENCH_SERVERS (default 1) starts that many on it.
cargo build --release --locked -p innovationsveckan-server
bench_data="$(mktemp -d)"
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# On a machine with several cores the server gets core 0 and the load
# generator the others (BENCH_PIN=0 turns that off), so they do not queue
# behind each other.
pin_server=()
pin_client=()
if [ "${BENCH_PIN:-1}" = 1 ] && command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
    pin_server=(taskset -c 0)
    pin_client=(taskset -c "1-$(($(nproc) - 1))")
fi
bench_pids=()
BASES=()
trap 'kill "${bench_pids[@]}" 2>/dev/null; rm -rf "$bench_data"' EXIT
for n in $(seq 1 "${BENCH_SERVERS:-1}"); do
    bench_port="$(free_port)"
    mkdir -p "$bench_data/$n"
    env IV_ADDR="127.0.0.1:$bench_port" IV_DATA_DIR="$bench_data/$n" IV_LOG=warn \
        ${BENCH_DATABASE_URL:+IV_DATABASE_URL="$BENCH_DATABASE_URL"} \
        IV_TOKEN_SECRET="${IV_TOKEN_SECRET:-the-benchmarks-own-secret-0123456789abcdef}" \
        "${pin_server[@]}" target/release/innovationsveckan-server &
    bench_pids+=($!)
    base="http://127.0.0.1:$bench_port"
    for _ in $(seq 1 300); do
        curl -fs "$base/api/health" >/dev/null && break
        sleep 0.1
    done
    curl -fs "$base/api/health" >/dev/null || { echo "server $n did not start" >&2; exit 1; }
    BASES+=("$base")
done
BASE="${BASES[0]}"
mkdir -p target/bench
