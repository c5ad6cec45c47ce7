#!/usr/bin/env bash
# Shared helpers for bin/demo and bin/test: locate Odoo 19, start a private
# PostgreSQL cluster when none is configured, expose okr_addon on an addons path.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
STATE_DIR="${OKR_STATE_DIR:-$ROOT/.okr}"
mkdir -p "$STATE_DIR"

# An Odoo 19 source tree given by path is put in front of the import path.
if [ -n "${ODOO_PATH:-}" ]; then
    export PYTHONPATH="$ODOO_PATH${PYTHONPATH:+:$PYTHONPATH}"
fi

odoo_available() {
    "$PYTHON" - <<'PY' 2>/dev/null
import sys
try:
    import odoo.release as release
except Exception:
    sys.exit(1)
sys.exit(0 if release.version_info[0] == 19 else 1)
PY
}

# Sets ODOO_SERVER, the command that starts an Odoo server: a multi-process server
# (--workers) starts its websocket process by running its own script again, which
# "python -m odoo" cannot be.
set_odoo_server() {
    local script
    script="$("$PYTHON" - <<'PY' 2>/dev/null
import os, shutil
import odoo
# odoo-bin next to the odoo package of a source tree, else a pip-installed "odoo" script
scripts = [os.path.join(os.path.dirname(os.path.abspath(p)), "odoo-bin") for p in odoo.__path__]
print(next((s for s in scripts if os.path.isfile(s)), shutil.which("odoo") or ""))
PY
)" || true
    if [ -n "$script" ]; then
        ODOO_SERVER=("$PYTHON" "$script")
    else
        ODOO_SERVER=("$PYTHON" -m odoo)
    fi
}

# A multi-process Odoo server restarts its websocket (gevent) process as soon as it
# dies: when gevent's own requirements are missing, that is a restart loop that eats a
# core. Say so before starting such a server.
check_gevent() {
    if ! "$PYTHON" -c 'import pkg_resources; pkg_resources.require("gevent")' >/dev/null 2>&1; then
        echo "WARNING: gevent or one of its requirements (zope.interface, zope.event) is" \
             "missing or not found: Odoo's websocket process will fail and restart without" \
             "end, slowing everything down. What is missing:" \
             "$PYTHON -c 'import pkg_resources; pkg_resources.require(\"gevent\")'" >&2
    fi
}

# Whether the Odoo addon $1 (e.g. payroll, queue_job) is installed for $PYTHON: found,
# not imported (an addon's code may need the addons path of a running server).
odoo_addon_found() {
    "$PYTHON" -c 'import importlib.util, sys; sys.exit(not importlib.util.find_spec("odoo.addons." + sys.argv[1]))' "$1" 2>/dev/null
}

# Whether Odoo's own addon $1 (e.g. spreadsheet_dashboard) ships with the Odoo
# source tree, or is importable like odoo_addon_found's.
odoo_core_addon_found() {
    odoo_addon_found "$1" || "$PYTHON" - "$1" <<'PY' 2>/dev/null
import os, sys
from odoo.tools import config
sys.exit(not os.path.isfile(os.path.join(config.addons_community_dir, sys.argv[1], "__manifest__.py")))
PY
}

odoo_missing_message() {
    echo "Odoo 19 is not importable by $PYTHON: install an Odoo 19.0 source tree and its" \
         "requirements.txt, then make it importable (pip install -e <tree>, a .pth file," \
         "or ODOO_PATH=<tree>)."
}

# Addons path holding okr_addon under its technical name, whatever the clone is called.
addons_dir() {
    local dir="$STATE_DIR/addons"
    mkdir -p "$dir"
    ln -sfn "$ROOT" "$dir/okr_addon"
    # Bridge modules (e.g. okr_addon_payroll) install themselves when their
    # other dependency is there.
    for bridge in "$ROOT"/bridges/*/; do
        ln -sfn "${bridge%/}" "$dir/$(basename "$bridge")"
    done
    echo "$dir"
}

find_pg_bin() {
    local tool=$1 found
    found="$(command -v "$tool" 2>/dev/null || true)"
    if [ -z "$found" ]; then
        found="$(ls -d /usr/lib/postgresql/*/bin/"$tool" 2>/dev/null | sort -V | tail -n 1 || true)"
    fi
    echo "$found"
}

as_pg_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# Sets DB_ARGS (odoo-bin connection options) and PSQL_ENV for psql/createdb calls.
ensure_postgres() {
    if [ -n "${PGHOST:-}${PGPORT:-}${PGUSER:-}" ]; then
        DB_ARGS=()
        [ -n "${PGHOST:-}" ] && DB_ARGS+=(--db_host "$PGHOST")
        [ -n "${PGPORT:-}" ] && DB_ARGS+=(--db_port "$PGPORT")
        [ -n "${PGUSER:-}" ] && DB_ARGS+=(--db_user "$PGUSER")
        [ -n "${PGPASSWORD:-}" ] && DB_ARGS+=(--db_password "$PGPASSWORD")
        return 0
    fi
    local initdb pg_ctl
    initdb="$(find_pg_bin initdb)"
    pg_ctl="$(find_pg_bin pg_ctl)"
    if [ -z "$initdb" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "PostgreSQL server not found: installing Debian's postgresql package" >&2
        apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
        initdb="$(find_pg_bin initdb)"
        pg_ctl="$(find_pg_bin pg_ctl)"
    fi
    if [ -z "$initdb" ] || [ -z "$pg_ctl" ]; then
        echo "PostgreSQL (initdb/pg_ctl) not found: install PostgreSQL >= 13 or set PGHOST/PGPORT/PGUSER." >&2
        exit 2
    fi
    local pgdir="${OKR_PG_DIR:-$STATE_DIR/pg}"
    if [ "$(id -u)" = 0 ]; then
        id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql postgres
        mkdir -p "$pgdir"
        chown postgres "$pgdir"
        # postgres must be able to reach the folder; otherwise use a private one in /tmp.
        if ! runuser -u postgres -- test -w "$pgdir"; then
            pgdir="/tmp/okr_addon-pg-$(echo "$ROOT" | md5sum | cut -c1-8)"
            mkdir -p "$pgdir" && chown postgres "$pgdir"
        fi
    fi
    mkdir -p "$pgdir"
    local port="${OKR_PG_PORT:-54329}"
    if [ ! -f "$pgdir/data/PG_VERSION" ]; then
        echo "Initialising a private PostgreSQL cluster in $pgdir" >&2
        as_pg_owner "$initdb" -D "$pgdir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$pgdir/initdb.log" 2>&1 \
            || as_pg_owner "$initdb" -D "$pgdir/data" -U postgres --auth=trust -E UTF8 --locale=C >"$pgdir/initdb.log" 2>&1
    fi
    if ! as_pg_owner "$pg_ctl" -D "$pgdir/data" status >/dev/null 2>&1; then
        as_pg_owner "$pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w \
            -o "-p $port -k $pgdir -c listen_addresses='' -c fsync=off -c full_page_writes=off" start >/dev/null
    fi
    export PGHOST="$pgdir" PGPORT="$port"
    as_pg_owner psql -h "$pgdir" -p "$port" -U postgres -d postgres -tAc \
        "SELECT 1 FROM pg_roles WHERE rolname='odoo'" | grep -q 1 \
        || as_pg_owner psql -h "$pgdir" -p "$port" -U postgres -d postgres -qc "CREATE ROLE odoo SUPERUSER LOGIN"
    export PGUSER=odoo
    DB_ARGS=(--db_host "$PGHOST" --db_port "$PGPORT" --db_user odoo)
}

# Chromium runs the browser tests (phone page, kiosk, tours). Installed from
# Debian when missing and possible, as PostgreSQL is; otherwise Odoo skips
# those tests and bin/test says so loudly.
ensure_chromium() {
    local browser
    for browser in chromium chromium-browser google-chrome google-chrome-stable; do
        command -v "$browser" >/dev/null && return 0
    done
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "Chromium not found: installing Debian's chromium package for the browser tests" >&2
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >&2 || true
    fi
    command -v chromium >/dev/null || echo "WARNING: no Chromium: the browser tests will be SKIPPED" >&2
}

# Python packages okr_addon itself needs (Odoo's own come with Odoo).
ensure_python_deps() {
    if ! "$PYTHON" -c 'import marshmallow, requests, pytest, openpyxl, tenacity' 2>/dev/null; then
        echo "Installing okr_addon's Python requirements" >&2
        "$PYTHON" -m pip install -q -r "$ROOT/requirements.txt" >&2
    fi
}
