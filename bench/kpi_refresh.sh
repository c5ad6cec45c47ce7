#!/usr/bin/env bash
# KPI refresh benchmark, in one command: a fresh database on the private
# PostgreSQL cluster, okr_addon + hr_expense + gamification installed without
# demo data, generated employees / attendances / expenses, then okr_addon's
# refresh of 5 KPIs timed against raw SQL (the floor) and Odoo gamification
# (the incumbent). The database is dropped at the end.
#
# Settings (environment):
#   OKR_BENCH_EMPLOYEES=10000         employees (and gamification users)
#   OKR_BENCH_ROWS=1000000            source rows, half attendances, half expenses
#   OKR_BENCH_MONTH=YYYY-MM           measured month (default: last month)
#   OKR_BENCH_GAMIFICATION_RUNS=2     per-user-mode update_goal runs (0: skip gamification
#                                     and the users it needs: quick okr-only runs)
#   OKR_BENCH_GAMIFICATION_BATCH_KPIS=1  KPIs also timed in gamification's batch mode
#                                     (O(users x groups) in Odoo 19: ~2 min per KPI at 10k)
#   OKR_BENCH_ORM_EMPLOYEES=1         create employees with batched ORM create() calls
#                                     (20-55 ms each) instead of SQL copies of one
#   OKR_BENCH_TARGETS=1               also a month target per employee (under one per
#                                     department) on the first KPI: refreshes move them
#   OKR_BENCH_PROFILE=1               print cProfile summaries of each okr refresh
#   OKR_BENCH_KEEP=1                  keep the database
#   OKR_BENCH_DB=okr_bench_…          database name (must start with okr_bench)
#   OKR_BENCH_TIMEOUT=2400            seconds before the measuring process is stopped
#   OKR_BENCH_TEMPLATE=okr_bench_tpl  copy this database (modules already installed,
#                                     no data) instead of installing: faster reruns
# Smoke run: OKR_BENCH_EMPLOYEES=200 OKR_BENCH_ROWS=20000 bench/kpi_refresh.sh
source "$(dirname "${BASH_SOURCE[0]}")/../bin/_common.sh"
cd "$ROOT"

if ! odoo_available; then
    odoo_missing_message
    exit 2
fi
ensure_postgres
addons="$(addons_dir)"
db="${OKR_BENCH_DB:-okr_bench_$(date +%Y%m%d%H%M%S)_$$}"
case "$db" in
    okr_bench*) ;;
    *) echo "OKR_BENCH_DB must start with okr_bench" >&2; exit 2 ;;
esac

cleanup() {
    if [ "${OKR_BENCH_KEEP:-0}" = 1 ]; then
        echo "Database kept: $db"
    else
        dropdb -h "$PGHOST" -p "$PGPORT" -U "${PGUSER:-odoo}" --if-exists "$db" || true
    fi
}
trap cleanup EXIT

log="$(mktemp -t okr_bench_install.XXXXXX.log)"
if [ -n "${OKR_BENCH_TEMPLATE:-}" ]; then
    echo "== Copying '$OKR_BENCH_TEMPLATE' to '$db'"
    createdb -h "$PGHOST" -p "$PGPORT" -U "${PGUSER:-odoo}" -T "$OKR_BENCH_TEMPLATE" "$db"
    # the template may predate the current okr_addon code
    "$PYTHON" -m odoo "${DB_ARGS[@]}" -d "$db" --addons-path="$addons" -u okr_addon \
        --stop-after-init --no-http --workers=0 --max-cron-threads=0 >"$log" 2>&1 \
        || { tail -n 40 "$log"; echo "Update failed" >&2; exit 1; }
else
    echo "== Installing okr_addon, hr_expense, gamification (no demo data) in '$db' (log: $log)"
    start=$SECONDS
    if ! "$PYTHON" -m odoo "${DB_ARGS[@]}" -d "$db" --addons-path="$addons" \
            -i okr_addon,hr_expense,gamification --stop-after-init --no-http \
            --workers=0 --max-cron-threads=0 >"$log" 2>&1; then
        tail -n 40 "$log"
        echo "Install failed" >&2
        exit 1
    fi
    echo "   installed in $((SECONDS - start)) s"
fi

timeout "${OKR_BENCH_TIMEOUT:-2400}" "$PYTHON" "$ROOT/bench/kpi_refresh.py" "${DB_ARGS[@]}" \
    -d "$db" --addons-path="$addons" --log-level=warn --no-http --workers=0 --max-cron-threads=0
