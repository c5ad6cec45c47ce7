"""Pay fields of incentive runs, lines and postings change only through actions.

Run and line states, line amounts and every field of a posting decide what
payroll pays. OKR administrators may read and edit runs through RPC like any
record, so a generic ``write``/``create``/``unlink`` must not be a way around
Compute, Approve, Post or Withdraw (and their role and four-eyes checks).

The pattern: ``write``/``create``/``unlink`` of these models refuse protected
fields unless the environment is trusted. Two things make it trusted:

* ``env.su``: the superuser (install, demo data, crons, the payroll bridge's
  delivery after its own checks);
* ``trusted(records)``: what an action method calls *right after* its role
  check. It puts a private Python object in the context; a client can send any
  JSON context over RPC, but never this object, so it cannot pass as an action.
"""

from odoo.exceptions import AccessError

_ACTION = object()
_KEY = "okr_incentive_action"


def trusted(records):
    """``records`` in an environment allowed to write pay fields (call after the role check)."""
    return records.with_context(**{_KEY: _ACTION})


def is_trusted(env):
    return env.su or env.context.get(_KEY) is _ACTION


def _refuse(records, fields):
    raise AccessError(
        records.env._(
            "%(model)s: %(fields)s can only change through the incentive run's actions "
            "(Compute, Approve, Post, Withdraw).",
            model=records._description,
            fields=", ".join(sorted(fields)),
        )
    )


def check_write(records, vals, protected):
    """Refuse a write of protected fields from an untrusted environment."""
    fields = protected & set(vals)
    if fields and not is_trusted(records.env):
        _refuse(records, fields)


def check_create(model, vals_list, protected=None):
    """Refuse creating records (or, with ``protected``, setting those fields) untrusted."""
    if is_trusted(model.env):
        return
    if protected is None:
        _refuse_create_unlink(model)
    fields = set().union(*(protected & set(vals) for vals in vals_list))
    if fields:
        _refuse(model, fields)


def check_unlink(records):
    if records and not is_trusted(records.env):
        _refuse_create_unlink(records)


def _refuse_create_unlink(records):
    raise AccessError(
        records.env._(
            "%(model)s records are only created or deleted by the incentive run's actions "
            "(Compute, Post, Withdraw).",
            model=records._description,
        )
    )
