"""Fields that decide pay change only through the actions that own them.

``readonly=True`` binds the screen only: JSON-RPC can write any field a record
rule lets through. A model that inherits ``okr.pay.guard`` lists its workflow
fields (states, scores, approvals, sources, actuals…) in ``_okr_workflow_fields``;
a generic ``create`` or ``write`` that would set one of them (or any stored
computed field) to something else than its default (on create) or its current
value (on write) is refused, whoever calls — portal, kiosk, JSON-RPC and the UI
alike. A model whose every row is written by actions (the incentive ledger's
lines and postings) sets ``_okr_actions_only``: no generic create, write or
unlink at all.

The actions that own those fields (submit, approve, close, compute, post,
withdraw, refresh…) check the caller's role first, then write through
``trusted(records)``: the same records and user (record rules still apply), in
an environment the guard lets through. ``trusted`` puts a private Python object
in the context; a client can send any JSON context over RPC, but never this
object, so no call can pass as an action. The superuser (data files, crons) is
trusted too.

Models add finer checks (who may write which field in which state) in
``_okr_check_write`` / ``_okr_check_create``, called for untrusted callers.
"""

import math

from odoo import api, models
from odoo.exceptions import AccessError, ValidationError

_ACTION = object()
_KEY = "okr_workflow_action"


def trusted(records):
    """``records`` in an environment allowed to write workflow fields: call it right
    after the action's own role check."""
    return records.with_context(**{_KEY: _ACTION})


def is_trusted(env):
    return env.su or env.context.get(_KEY) is _ACTION


class OkrPayGuard(models.AbstractModel):
    _name = "okr.pay.guard"
    _description = "OKR: fields changed only by their actions"

    # Field names no generic create or write may set (outside the workflow actions).
    _okr_workflow_fields = ()
    # Rows created, changed and deleted by the workflow actions only.
    _okr_actions_only = False

    @api.model_create_multi
    def create(self, vals_list):
        if not is_trusted(self.env):
            if self._okr_actions_only:
                self._okr_refuse_generic()
            self._okr_refuse_workflow_fields(vals_list, creating=True)
            self._okr_check_create(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        if not is_trusted(self.env):
            if self._okr_actions_only and vals:
                self._okr_refuse_generic()
            self._okr_refuse_workflow_fields([vals], creating=False)
            self._okr_check_write(vals)
        return super().write(vals)

    def unlink(self):
        if self._okr_actions_only and self and not is_trusted(self.env):
            self._okr_refuse_generic()
        return super().unlink()

    def _okr_refuse_generic(self):
        raise AccessError(
            self.env._(
                "%(model)s records are created, changed and deleted by their workflow "
                "actions only (compute, approve, post, withdraw…).",
                model=self._description,
            )
        )

    def _okr_check_create(self, vals_list):
        """Hook: refuse what this caller may not create (not called for the superuser)."""

    def _okr_check_write(self, vals):
        """Hook: refuse what this caller may not change (not called for the superuser)."""

    def _okr_guarded_fields(self):
        """The workflow fields and every stored computed field nobody edits (the ORM
        lets write() store a value into those too)."""
        computed = (
            name
            for name, field in self._fields.items()
            if field.store and field.compute and field.readonly and not field.inverse
        )
        return (*self._okr_workflow_fields, *computed)

    def _okr_refuse_workflow_fields(self, vals_list, creating):
        guarded = self._okr_guarded_fields()
        for vals in vals_list:
            for name in guarded:
                if name not in vals:
                    continue
                if creating:
                    unchanged = self._okr_is_default(name, vals[name])
                else:
                    unchanged = all(self._okr_same(record, name, vals[name]) for record in self)
                if not unchanged:
                    self._okr_refuse(name)

    def _okr_refuse(self, name):
        raise AccessError(
            self.env._(
                "“%(field)s” of %(model)s is set by its workflow actions (submit, approve, "
                "close, compute, post, refresh…), not edited directly.",
                field=self._fields[name]._description_string(self.env),
                model=self._description,
            )
        )

    def _okr_is_default(self, name, value):
        default = self.default_get([name]).get(name)
        return self._okr_same(self.browse(), name, value, default)

    @api.model
    def _okr_same(self, record, name, value, current=None):
        """Whether ``value`` (as create/write receive it) equals the record's value of
        ``name`` (or ``current`` for a record not created yet)."""
        field = self._fields[name]
        new = field.convert_to_record(field.convert_to_cache(value, record), record)
        old = (
            record[name]
            if record
            else field.convert_to_record(field.convert_to_cache(current, record), record)
        )
        if field.type in ("float", "monetary"):
            return abs((new or 0.0) - (old or 0.0)) < 1e-9
        return new == old

    @api.model
    def _okr_is_admin(self):
        return self.env.user.has_group("okr_addon.group_okr_admin")


# Beyond any count, rate or amount a company measures; products and sums of such
# numbers (completion x 100, amounts x rates) would overflow to infinity.
LARGEST_VALUE = 1e15


def is_real_number(value):
    """Whether ``value`` is a finite number of a sensible size (NaN, ±inf and 1e308 are not)."""
    return math.isfinite(value) and abs(value) < LARGEST_VALUE


def check_finite(env, label, *values):
    """Raise ValidationError when a value that can reach money is NaN, infinite or
    absurdly large."""
    for value in values:
        if value is not None and value is not False and not is_real_number(value):
            raise ValidationError(
                env._("%(what)s: “%(value)s” is not a real number.", what=label, value=value)
            )
