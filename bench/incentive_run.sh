#!/usr/bin/env bash
# Incentive run benchmark, in one command: a fresh database on the private
# PostgreSQL cluster, okr_addon + OCA payroll (hence the bridge okr_addon_payroll)
# installed without demo data, N employees in 200 departments with contracts,
# attendances, KPI targets and measurements, 5 incentive rules (3 individual KPI
# rules, a piece rate, a team pool per department) and one draft payslip each;
# then the run is computed, approved and posted onto the payslips (timed), posted
# and computed again (must change nothing), and a sample of payslips is computed
# and checked. The database is dropped at the end. With PGHOST / PGPORT / PGUSER
# set, the database goes to that running cluster and no private one is started.
#
# Settings (environment):
#   OKR_BENCH_EMPLOYEES=10000     employees (5 incentive lines each: 4 rules + a pool share)
#   OKR_BENCH_DEPARTMENTS=200     departments, the teams of the pool rule
#   OKR_BENCH_MONTH=YYYY-MM       incentive month (default: last month)
#   OKR_BENCH_MEASUREMENTS=3      measurements per employee and KPI
#   OKR_BENCH_SLIP_CHECKS=100     payslips computed (compute_sheet) and checked
#   OKR_BENCH_PROFILE=1           print cProfile summaries of the first compute and post
#   OKR_BENCH_KEEP=1              keep the database
#   OKR_BENCH_DB=okr_bench_inc_…  database name (must start with okr_bench_inc)
#   OKR_BENCH_TIMEOUT=1800        seconds before the measuring process is stopped
# Smoke run: OKR_BENCH_EMPLOYEES=200 bench/incentive_run.sh
source "$(dirname "${BASH_SOURCE[0]}")/../bin/_common.sh"
cd "$ROOT"

if ! odoo_available; then
    odoo_missing_message
    exit 2
fi
if ! odoo_addon_found payroll; then
    echo "OCA payroll is not importable (pip install 'odoo-addon-payroll>=19.0,<19.1')" >&2
    exit 2
fi
ensure_postgres
addons="$(addons_dir)"
db="${OKR_BENCH_DB:-okr_bench_inc_$(date +%Y%m%d%H%M%S)_$$}"
case "$db" in
    okr_bench_inc*) ;;
    *) echo "OKR_BENCH_DB must start with okr_bench_inc" >&2; exit 2 ;;
esac

log="$(mktemp -t okr_bench_inc_install.XXXXXX.log)"
cleanup() {
    if [ "${OKR_BENCH_KEEP:-0}" = 1 ]; then
        echo "Database kept: $db"
    else
        dropdb -h "$PGHOST" -p "$PGPORT" -U "${PGUSER:-odoo}" --if-exists "$db" || true
    fi
    rm -f "$log"
}
trap cleanup EXIT

echo "== Installing okr_addon, payroll (+ bridge okr_addon_payroll), no demo data, in '$db'"
start=$SECONDS
if ! "$PYTHON" -m odoo "${DB_ARGS[@]}" -d "$db" --addons-path="$addons" \
        -i okr_addon,payroll --stop-after-init --no-http \
        --workers=0 --max-cron-threads=0 >"$log" 2>&1; then
    tail -n 40 "$log"
    echo "Install failed" >&2
    exit 1
fi
if ! grep -q "okr_addon_payroll" "$log"; then
    echo "warning: the bridge okr_addon_payroll does not appear in the install log" >&2
fi
echo "   installed in $((SECONDS - start)) s"

timeout "${OKR_BENCH_TIMEOUT:-1800}" "$PYTHON" "$ROOT/bench/incentive_run.py" "${DB_ARGS[@]}" \
    -d "$db" --addons-path="$addons" --log-level=warn --no-http --workers=0 --max-cron-threads=0
