#!/usr/bin/env bash
# Terminal-file import benchmark, one command: a fresh database with okr_addon
# (no demo data), a generated ZKTeco-style file of 100,000 punches imported
# into hr.attendance and then imported again (must create nothing).
#
# Two measures on the same machine and file, each for its own 1,000 workers:
#  1. one Odoo process writes every batch (no queue_job, or its jobs run at once);
#  2. with OCA queue_job installed: the run is split into jobs that Odoo's worker
#     processes write side by side (okr_addon_queue_job), the jobrunner dispatching
#     them; timed from the upload until the run's log is closed.
# Settings (environment):
#   OKR_BENCH_PUNCHES=100000  OKR_BENCH_IMPORT_EMPLOYEES=1000
#   OKR_BENCH_JOB_WORKERS=2   Odoo worker processes (and queue_job channel capacity)
#                             for measure 2; 0 skips it
#   OKR_BENCH_PROFILE=1       cProfile summary of measure 1
#   OKR_BENCH_SINGLE=0        skip measure 1
#   OKR_BENCH_KEEP=1          keep the database
source "$(dirname "${BASH_SOURCE[0]}")/../bin/_common.sh"
cd "$ROOT"
odoo_available || { odoo_missing_message; exit 2; }
ensure_postgres
addons="$(addons_dir)"
db="okr_bench_import_$(date +%Y%m%d%H%M%S)_$$"
workers="${OKR_BENCH_JOB_WORKERS:-2}"
modules=okr_addon
if [ "$workers" -gt 0 ]; then
    if odoo_addon_found queue_job; then
        modules=okr_addon,okr_addon_queue_job
    else
        echo "== OCA queue_job is not installed: measure 2 (queue jobs) is skipped"
        workers=0
    fi
fi
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    [ "${OKR_BENCH_KEEP:-0}" = 1 ] && { echo "Database kept: $db"; return; }
    dropdb -h "$PGHOST" -p "$PGPORT" -U "${PGUSER:-odoo}" --if-exists "$db" || true
}
trap cleanup EXIT
log="$(mktemp -t okr_bench_import.XXXXXX.log)"
echo "== Installing $modules (no demo data) in '$db'"
"$PYTHON" -m odoo "${DB_ARGS[@]}" -d "$db" --addons-path="$addons" -i "$modules" \
    --stop-after-init --no-http --workers=0 --max-cron-threads=0 >"$log" 2>&1 \
    || { tail -n 40 "$log"; echo "Install failed" >&2; exit 1; }
run_bench() {
    "$PYTHON" "$ROOT/bench/attendance_import.py" "${DB_ARGS[@]}" -d "$db" --addons-path="$addons" \
        --log-level=warn --no-http --workers=0 --max-cron-threads=0
}
if [ "${OKR_BENCH_SINGLE:-1}" != 0 ]; then
    echo "== Measure 1: one Odoo process"
    OKR_BENCH_MODE=single run_bench
fi
[ "$workers" -gt 0 ] || exit 0

port="${OKR_BENCH_HTTP_PORT:-8391}"
server_log="$(mktemp -t okr_bench_import_server.XXXXXX.log)"
echo ""
echo "== Measure 2: queue jobs written by $workers Odoo workers (server log: $server_log)"
check_gevent
set_odoo_server
ODOO_QUEUE_JOB_CHANNELS="root:$workers" "${ODOO_SERVER[@]}" "${DB_ARGS[@]}" -d "$db" \
    --db-filter "^${db}\$" --addons-path="$addons" --load=base,web,queue_job \
    --workers="$workers" --max-cron-threads=0 --http-interface 127.0.0.1 --http-port "$port" \
    --limit-time-cpu 1800 --limit-time-real 3600 --limit-memory-soft 4294967296 \
    --limit-memory-hard 6442450944 --log-level=warn >"$server_log" 2>&1 &
server_pid=$!
for _ in $(seq 120); do
    curl -fsS "http://127.0.0.1:$port/web/health" >/dev/null 2>&1 && break
    sleep 0.5
done
if ! curl -fsS "http://127.0.0.1:$port/web/health" >/dev/null 2>&1; then
    tail -n 40 "$server_log"
    echo "The Odoo server did not answer on port $port (OKR_BENCH_HTTP_PORT)" >&2
    exit 1
fi
# Each worker loads the database's registry on its first request: not part of a run.
warmups=()
for _ in $(seq $((workers * 3))); do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/web/login" &
    warmups+=($!)
done
wait "${warmups[@]}" || true
OKR_BENCH_MODE=jobs OKR_BENCH_JOB_WORKERS="$workers" run_bench
