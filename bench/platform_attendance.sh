#!/usr/bin/env bash
# Attendance platforms benchmark, one command: a fresh database with okr_addon
# (no demo data); for DingTalk, WeCom and Feishu, 1,000 employees and a month of
# their punches on the platform's fake server (connectors/platforms/fakes/, in
# its own process, 50 ms per call); the platform connector runs once (token,
# directory, matching by mobile or job number, punches, shift results, import
# into hr.attendance), then again (must create nothing). Prints the calls by
# endpoint against the fewest the platform's limits allow, the seconds split into
# the network floor (calls x latency) and our own time, punches per second.
# With PGHOST / PGPORT / PGUSER set, the database goes to that running cluster and
# no private one is started.
# Settings (environment):
#   OKR_BENCH_PLATFORM_EMPLOYEES=1000   employees (and platform users) per platform
#   OKR_BENCH_LATENCY=0.05              seconds the fake servers take per call
#   OKR_BENCH_LOOKBACK_DAYS=29          the connectors' look-back days (the month read)
#   OKR_BENCH_PLATFORMS=dingtalk,wecom,feishu
#   OKR_BENCH_PROFILE=1                 cProfile summary of each first run
#   OKR_BENCH_KEEP=1                    keep the database
# Smoke run: OKR_BENCH_PLATFORM_EMPLOYEES=60 OKR_BENCH_LATENCY=0.01 bench/platform_attendance.sh
source "$(dirname "${BASH_SOURCE[0]}")/../bin/_common.sh"
cd "$ROOT"
odoo_available || { odoo_missing_message; exit 2; }
ensure_postgres
addons="$(addons_dir)"
db="okr_bench_platform_$(date +%Y%m%d%H%M%S)_$$"
cleanup() {
    [ "${OKR_BENCH_KEEP:-0}" = 1 ] && { echo "Database kept: $db"; return; }
    dropdb -h "$PGHOST" -p "$PGPORT" -U "${PGUSER:-odoo}" --if-exists "$db" || true
}
trap cleanup EXIT
log="$(mktemp -t okr_bench_platform.XXXXXX.log)"
echo "== Installing okr_addon (no demo data) in '$db'"
"$PYTHON" -m odoo "${DB_ARGS[@]}" -d "$db" --addons-path="$addons" -i okr_addon \
    --stop-after-init --no-http --workers=0 --max-cron-threads=0 >"$log" 2>&1 \
    || { tail -n 40 "$log"; echo "Install failed" >&2; exit 1; }
"$PYTHON" "$ROOT/bench/platform_attendance.py" "${DB_ARGS[@]}" -d "$db" --addons-path="$addons" \
    --log-level=warn --no-http --workers=0 --max-cron-threads=0
