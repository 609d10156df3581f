#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL cluster of its own: installed
# from Debian's packages if missing, made in a new folder outside the checkout,
# listening on loopback on a free port, run as the postgres user (PostgreSQL
# refuses root), and stopped and removed when the command ends, whatever its
# outcome. Debian's own clusters are left alone. The command gets the
# database's address in IV_TEST_POSTGRES_URL.
#
#   scripts/with-postgres.sh cargo test -p innovationsveckan-server
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: scripts/with-postgres.sh <command> [arguments]" >&2
    exit 2
fi

say() { printf '==> %s\n' "$*" >&2; }

pg_bin() {
    local dir
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
    [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && echo "$dir"
}

bin="$(pg_bin || true)"
if [ -z "$bin" ]; then
    say "installing PostgreSQL from Debian"
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    # Only the server binaries: no cluster is made or started by the package.
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends \
        postgresql-common postgresql-15 >/dev/null
    bin="$(pg_bin)"
fi

# As root, the cluster belongs to the postgres user; otherwise to whoever runs this.
as_owner=()
owner="$(id -un)"
if [ "$(id -u)" -eq 0 ]; then
    owner="postgres"
    as_owner=(runuser -u postgres --)
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/iv-postgres.XXXXXX")"
chmod 755 "$work"
data="$work/data"
mkdir "$data"
[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$data"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"

stop() {
    "${as_owner[@]}" "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap stop EXIT

"${as_owner[@]}" "$bin/initdb" -D "$data" -U "$owner" --auth=trust --encoding=UTF8 \
    --locale=C.UTF-8 >"$work/initdb.log" 2>&1 \
    || { cat "$work/initdb.log" >&2; exit 1; }
# Loopback only, no Unix socket in a shared folder; durable as in production
# (fsync and synchronous_commit stay on).
"${as_owner[@]}" "$bin/pg_ctl" -D "$data" -w -l "$data/server.log" \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='' -c max_connections=200" \
    start >/dev/null \
    || { cat "$data/server.log" >&2; exit 1; }
"${as_owner[@]}" "$bin/psql" -h 127.0.0.1 -p "$port" -U "$owner" -d postgres -q \
    -c "CREATE DATABASE innovationsveckan" >/dev/null

export IV_TEST_POSTGRES_URL="postgres://$owner@127.0.0.1:$port/innovationsveckan"
say "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data in $data)"
status=0
"$@" || status=$?
exit "$status"
