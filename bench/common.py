"""What okr_addon's benchmarks share (bench/*.py; each script stays one command).

- settings from the environment: ``env_int``, ``env_float``, ``env_flag``,
  ``env_month`` (OKR_BENCH_MONTH) and ``month_end``;
- opening the benchmark's database from Odoo's command line: ``open_registry``;
- timing a call from a cold ORM cache, with its queries and CPU time: ``timed``;
- the fewest calls a paged or windowed API allows: ``least_calls``, ``windows_needed``;
- data generation: ``chunks``, ``QUIET`` (the context that keeps mail out of
  generated records), ``clone`` (INSERT … SELECT copies of an ORM-made row) and
  ``clone_employees`` (N employees as SQL copies of one);
- reporting: ``say``, ``yes_no``, ``ratio``, ``print_table``.

Scripts import it as ``common`` (Python puts a script's folder on the import
path). Odoo is imported only inside the functions that need it, so a script
that merely talks HTTP to a server can use the rest.
"""

import cProfile
import datetime
import math
import os
import threading
import time
from dataclasses import dataclass

MARK = "okr_bench"  # prefix of every generated name / login / code
BATCH = 1000  # records per ORM create() call while generating data
QUIET = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
    "no_reset_password": True,
}


# ----------------------------------------------------------------------
# settings
# ----------------------------------------------------------------------
def env_int(name, default):
    """An integer setting of the environment (``default`` when unset or empty)."""
    return int(os.environ.get(name) or default)


def env_float(name, default):
    """A decimal setting of the environment (``default`` when unset or empty)."""
    return float(os.environ.get(name) or default)


def env_flag(name):
    """An on/off setting: anything but empty or 0 is on."""
    return os.environ.get(name, "0") not in ("", "0")


def env_month(name="OKR_BENCH_MONTH"):
    """First day of the month ``name`` gives (YYYY-MM), by default of last month."""
    month = os.environ.get(name)
    if month:
        return datetime.date.fromisoformat(f"{month}-01")
    return (datetime.date.today().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def month_end(first):
    """Last day of the month that starts on ``first``."""
    return (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)


# ----------------------------------------------------------------------
# database and timing
# ----------------------------------------------------------------------
def open_registry(argv, prefix):
    """Parse Odoo's options from ``argv``; return (database name, its registry).

    Refuses any database whose name does not start with ``prefix``: the
    benchmarks fill it with generated data, and their shell scripts drop it."""
    from odoo.modules.registry import Registry  # noqa: PLC0415 - Odoo only where needed
    from odoo.tools import config  # noqa: PLC0415

    config.parse_config(argv, setup_logging=True)
    db = config["db_name"][0] if isinstance(config["db_name"], list) else config["db_name"]
    assert db and db.startswith(prefix), f"refusing to run on database {db!r}"
    threading.current_thread().dbname = db
    return db, Registry(db)


@dataclass
class Timing:
    """One timed call: wall-clock seconds (flush and commit included), this process's
    CPU seconds, the SQL queries sent and the seconds spent waiting for them."""

    seconds: float
    cpu: float
    queries: int
    sql: float
    profiler: cProfile.Profile = None  # when the call ran under cProfile

    def cells(self):
        """seconds, Python CPU seconds, SQL seconds and queries, as table cells."""
        return (f"{self.seconds:.2f}", f"{self.cpu:.2f}", f"{self.sql:.2f}", self.queries)


def timed(env, func, *args, profile=False):
    """Run ``func(*args)`` from a cold ORM cache, then flush and commit ``env``'s cursor.

    Returns (Timing, what func returned)."""
    env.invalidate_all()
    thread = threading.current_thread()
    thread.query_count, thread.query_time = 0, 0.0
    profiler = cProfile.Profile() if profile else None
    cpu = time.process_time()
    start = time.perf_counter()
    if profiler:
        profiler.enable()
    result = func(*args)
    env.flush_all()
    env.cr.commit()
    if profiler:
        profiler.disable()
    timing = Timing(
        seconds=time.perf_counter() - start,
        cpu=time.process_time() - cpu,
        queries=thread.query_count,
        sql=thread.query_time,
        profiler=profiler,
    )
    return timing, result


# ----------------------------------------------------------------------
# the limits of an API
# ----------------------------------------------------------------------
def least_calls(count, per_call):
    """The fewest calls that read ``count`` items at most ``per_call`` a call: at least
    one, since asking is how a client learns that there is nothing."""
    assert per_call > 0, per_call
    return max(1, math.ceil(count / per_call))


def windows_needed(start, end, days):
    """The fewest windows of at most ``days`` days that cover ``[start, end)``."""
    assert end > start and days > 0, (start, end, days)
    return math.ceil((end - start) / datetime.timedelta(days=days))


# ----------------------------------------------------------------------
# data generation
# ----------------------------------------------------------------------
def chunks(items, size=BATCH):
    """``items`` in slices of ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def columns(cr, table):
    """The columns of ``table`` but id, in their order."""
    cr.execute(
        """SELECT column_name FROM information_schema.columns
           WHERE table_schema = current_schema() AND table_name = %s AND column_name <> 'id'
           ORDER BY ordinal_position""",
        [table],
    )
    return [name for (name,) in cr.fetchall()]


def clone(cr, table, template_id, source_sql, overrides, *, params):
    """INSERT one row per row of ``source_sql`` (aliased ``g``), copying every column
    of the ORM-made template row except ``overrides`` {column: SQL expression}.

    The template carries valid values for all NOT NULL and default columns, so
    the generated rows look like ORM-created ones at COPY-like speed. Returns the
    number of rows inserted."""
    names = columns(cr, table)
    unknown = set(overrides) - set(names)
    assert not unknown, f"{table} has no column {unknown}"
    select = ", ".join(overrides.get(name, f't."{name}"') for name in names)
    cr.execute(
        f"""INSERT INTO "{table}" ({", ".join(f'"{name}"' for name in names)})
            SELECT {select} FROM "{table}" t, ({source_sql}) g WHERE t.id = %(template)s""",
        {**params, "template": template_id},
    )
    return cr.rowcount


def clone_employees(cr, template, department_ids, count):
    """Employees 1..count-1 named "<MARK> employee 000001"… as copies of the template's
    resource.resource, hr.employee and hr.version rows (hr.employee _inherits
    hr.version): names, departments and the links between the three rows differ,
    unique columns are left empty. The template is employee 0 of that name.
    Employee n goes to department n modulo the number of departments (round robin,
    employee 0 in the first), so they spread evenly however many there are."""
    params = {
        "count": count,
        "prefix": f"{MARK} employee ",
        "like": f"{MARK} employee %",
        "template": template.id,
        "template_resource": template.resource_id.id,
        "departments": department_ids,
    }
    clone(
        cr,
        "resource_resource",
        template.resource_id.id,
        """SELECT %(prefix)s || lpad(n::text, 6, '0') AS name
           FROM generate_series(1, %(count)s - 1) AS n""",
        {"name": "g.name", "user_id": "NULL"},
        params=params,
    )
    clone(
        cr,
        "hr_employee",
        template.id,
        """SELECT r.id AS resource_id, r.name FROM resource_resource r
           WHERE r.name LIKE %(like)s AND r.id <> %(template_resource)s""",
        {
            "resource_id": "g.resource_id",
            "name": "g.name",
            "legal_name": "g.name",
            "current_version_id": "NULL",
            "work_contact_id": "NULL",
            "user_id": "NULL",
            "barcode": "NULL",
            "pin": "NULL",
            "message_main_attachment_id": "NULL",
        },
        params=params,
    )
    clone(
        cr,
        "hr_version",
        template.current_version_id.id,
        """SELECT e.id AS employee_id,
                  (%(departments)s::int[])[
                      1 + substring(e.name from '[0-9]+$')::int
                          %% cardinality(%(departments)s::int[])
                  ] AS department_id
           FROM hr_employee e WHERE e.name LIKE %(like)s AND e.id <> %(template)s""",
        {"employee_id": "g.employee_id", "department_id": "g.department_id"},
        params=params,
    )
    cr.execute(
        """UPDATE hr_employee e SET current_version_id = v.id FROM hr_version v
           WHERE v.employee_id = e.id AND e.name LIKE %(like)s AND e.id <> %(template)s""",
        params,
    )


def employee_template(env, departments=20):
    """``departments`` departments and employee 0 ("<MARK> employee 000000", in the
    first of them) through the ORM: the template ``clone_employees`` copies.
    Returns (departments, employee)."""
    records = env["hr.department"].create(
        [{"name": f"{MARK} department {n:03d}"} for n in range(departments)]
    )
    employee = env["hr.employee"].create(
        {"name": f"{MARK} employee {0:06d}", "department_id": records[0].id}
    )
    return records, employee


# ----------------------------------------------------------------------
# report
# ----------------------------------------------------------------------
def say(*parts):
    print(*parts, flush=True)


def yes_no(ok):
    return "yes" if ok else "NO"


def ratio(numerator, denominator):
    return numerator / denominator if denominator else float("inf")


def print_table(rows):
    """Rows as aligned columns (first left, others right), the first row as header."""
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    for index, row in enumerate(rows):
        say(
            "  ".join(
                str(cell).ljust(widths[i]) if i == 0 else str(cell).rjust(widths[i])
                for i, cell in enumerate(row)
            )
        )
        if index == 0:
            say("  ".join("-" * width for width in widths))
