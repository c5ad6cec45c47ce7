#!/usr/bin/env bash
# Phone check-in load benchmark, in one command: a fresh database on the private
# PostgreSQL cluster with okr_addon (no demo data), N portal workers each owning one
# running key result (made by bench/checkin_load.py inside `odoo shell`), Odoo
# served with 2 HTTP workers on 127.0.0.1, then N concurrent phones posting
# check-ins as the phone page's script does (POST /my/okr/kr/<id>/checkin.json) or,
# with OKR_LOAD_VIA=form, as a browser without JavaScript (POST
# /my/okr/kr/<id>/checkin, then the /my/okr page it redirects to).
# Prints p50/p95/p99 latency, check-ins/s, requests/s, errors, whether p95 < 150 ms,
# the machine's load (uptime) before and after, and checks
# that the okr.checkin rows match the successful POSTs. The server is stopped and
# the database dropped at the end.
#
# Settings (environment):
#   OKR_LOAD_USERS=20             phones (portal users, one key result each)
#   OKR_LOAD_SECONDS=30           measured run length ...
#   OKR_LOAD_REQUESTS=2000        ... or this many POSTs in all, whichever comes first
#   OKR_LOAD_WARMUP=1             untimed check-ins per phone before the clock starts
#   OKR_LOAD_MODE=saturate        saturate: post again as soon as answered;
#                                 realistic: read 1-3 s after each check-in
#   OKR_LOAD_THINK_MIN_MS=1000    realistic mode: shortest pause of a phone ...
#   OKR_LOAD_THINK_MAX_MS=3000    ... and longest
#   OKR_LOAD_VIA=fetch            fetch: the page's script (JSON answer);
#                                 form: plain form post + redirect + page
#   OKR_LOAD_TARGET_MS=150        p95 goal for the POST alone
#   OKR_LOAD_WORKERS=2            Odoo HTTP workers
#   OKR_LOAD_PORT=                HTTP port (default: first free one in 8090-8099)
#   OKR_LOAD_GEVENT_PORT=         websocket port (default: first free one in 8190-8199)
#   OKR_LOAD_DB_PREFIX=okr_load   the database name must start with it (it is dropped)
#   OKR_LOAD_DB=<prefix>_…        database name
#   OKR_LOAD_KEEP=1               keep the database
#   OKR_LOAD_TEMPLATE=okr_load_tpl  copy this database (okr_addon installed, no data)
#                                 instead of installing: faster reruns
# Examples: OKR_LOAD_USERS=20 OKR_LOAD_SECONDS=30 bench/checkin_load.sh
#           OKR_LOAD_MODE=realistic OKR_LOAD_SECONDS=60 bench/checkin_load.sh
source "$(dirname "${BASH_SOURCE[0]}")/../bin/_common.sh"
cd "$ROOT"

if ! odoo_available; then
    odoo_missing_message
    exit 2
fi
ensure_postgres
addons="$(addons_dir)"
users="${OKR_LOAD_USERS:-20}"
prefix="${OKR_LOAD_DB_PREFIX:-okr_load}"
db="${OKR_LOAD_DB:-${prefix}_$(date +%Y%m%d%H%M%S)_$$}"
case "$db" in
    "$prefix"*) ;;
    *) echo "OKR_LOAD_DB must start with $prefix" >&2; exit 2 ;;
esac

free_port() {  # first port of the range nobody listens on
    "$PYTHON" - "$@" <<'PY'
import socket
import sys

for port in range(int(sys.argv[1]), int(sys.argv[2]) + 1):
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            continue
        print(port)
        break
else:
    sys.exit(f"no free port in {sys.argv[1]}-{sys.argv[2]}")
PY
}

work="$(mktemp -d -t okr_load.XXXXXX)"
server_pid=""
cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$server_pid" 2>/dev/null || break
            sleep 0.2
        done
        kill -KILL "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if [ "${OKR_LOAD_KEEP:-0}" = 1 ]; then
        echo "Database kept: $db"
    else
        dropdb -h "$PGHOST" -p "$PGPORT" -U "${PGUSER:-odoo}" --if-exists "$db" || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

if [ -n "${OKR_LOAD_TEMPLATE:-}" ]; then
    echo "== Copying '$OKR_LOAD_TEMPLATE' to '$db'"
    createdb -h "$PGHOST" -p "$PGPORT" -U "${PGUSER:-odoo}" -T "$OKR_LOAD_TEMPLATE" "$db"
else
    echo "== Installing okr_addon (no demo data) in '$db'"
    start=$SECONDS
    if ! "$PYTHON" -m odoo "${DB_ARGS[@]}" -d "$db" --addons-path="$addons" -i okr_addon \
            --stop-after-init --no-http --workers=0 --max-cron-threads=0 \
            >"$work/install.log" 2>&1; then
        tail -n 40 "$work/install.log"
        echo "Install failed" >&2
        exit 1
    fi
    echo "   installed in $((SECONDS - start)) s"
fi

echo "== Creating $users portal workers with one running key result each"
if ! "$PYTHON" -m odoo shell "${DB_ARGS[@]}" -d "$db" --addons-path="$addons" --no-http \
        --log-level=warn >"$work/setup.log" 2>&1 <<PY
import sys
sys.path.insert(0, "$ROOT/bench")
import checkin_load
checkin_load.setup_database(env, $users, "$work/users.json")
PY
then
    tail -n 40 "$work/setup.log"
    echo "Set-up failed" >&2
    exit 1
fi
if [ ! -s "$work/users.json" ]; then
    tail -n 40 "$work/setup.log"
    echo "Set-up wrote no users" >&2
    exit 1
fi

port="${OKR_LOAD_PORT:-$(free_port 8090 8099)}"
gevent_port="${OKR_LOAD_GEVENT_PORT:-$(free_port 8190 8199)}"  # websocket worker; 8072 may be taken
echo "== Serving '$db' on 127.0.0.1:$port with --workers=${OKR_LOAD_WORKERS:-2} (log: $work/server.log)"
check_gevent
set_odoo_server
"${ODOO_SERVER[@]}" "${DB_ARGS[@]}" -d "$db" --db-filter="^${db}\$" --addons-path="$addons" \
    --workers="${OKR_LOAD_WORKERS:-2}" --max-cron-threads=0 --http-interface 127.0.0.1 \
    --http-port "$port" --gevent-port "$gevent_port" --log-level=warn \
    >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$port/web/login" 2>/dev/null; then
        break
    fi
    if ! kill -0 "$server_pid" 2>/dev/null; then
        tail -n 40 "$work/server.log"
        echo "Odoo did not start" >&2
        exit 1
    fi
    sleep 0.5
done
curl -fsS -o /dev/null "http://127.0.0.1:$port/web/login" || {
    tail -n 40 "$work/server.log"
    echo "Odoo does not answer on port $port" >&2
    exit 1
}

status=0
echo "   machine before the run: $(uptime)"
"$PYTHON" "$ROOT/bench/checkin_load.py" --url "http://127.0.0.1:$port" \
    --users-file "$work/users.json" --db "$db" || status=$?

echo "machine after     $(uptime)"
server_errors="$(grep -c -E ' (ERROR|CRITICAL) ' "$work/server.log" || true)"
echo "server log       $server_errors ERROR/CRITICAL lines"
if [ "$server_errors" != 0 ]; then
    grep -E -A 12 ' (ERROR|CRITICAL) ' "$work/server.log" | head -n 40
fi
exit "$status"
