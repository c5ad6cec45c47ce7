#!/usr/bin/env bash
# Terminal-file import benchmark, one command: a fresh database with okr_addon
# (no demo data), a generated ZKTeco-style file of 100,000 punches imported
# into hr.attendance and then imported again (must create nothing).
#   OKR_BENCH_PUNCHES=100000  OKR_BENCH_IMPORT_EMPLOYEES=1000  OKR_BENCH_KEEP=1
source "$(dirname "${BASH_SOURCE[0]}")/../bin/_common.sh"
cd "$ROOT"
odoo_available || { odoo_missing_message; exit 2; }
ensure_postgres
addons="$(addons_dir)"
db="okr_bench_import_$(date +%Y%m%d%H%M%S)_$$"
cleanup() {
    [ "${OKR_BENCH_KEEP:-0}" = 1 ] && { echo "Database kept: $db"; return; }
    dropdb -h "$PGHOST" -p "$PGPORT" -U "${PGUSER:-odoo}" --if-exists "$db" || true
}
trap cleanup EXIT
log="$(mktemp -t okr_bench_import.XXXXXX.log)"
echo "== Installing okr_addon (no demo data) in '$db'"
"$PYTHON" -m odoo "${DB_ARGS[@]}" -d "$db" --addons-path="$addons" -i okr_addon \
    --stop-after-init --no-http --workers=0 --max-cron-threads=0 >"$log" 2>&1 \
    || { tail -n 40 "$log"; echo "Install failed" >&2; exit 1; }
"$PYTHON" "$ROOT/bench/attendance_import.py" "${DB_ARGS[@]}" -d "$db" --addons-path="$addons" \
    --log-level=warn --no-http --workers=0 --max-cron-threads=0
