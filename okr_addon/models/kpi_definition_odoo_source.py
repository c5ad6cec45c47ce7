"""Where an “Odoo data” KPI reads its values, as whom, and how."""

import datetime

from odoo import SUPERUSER_ID, fields, models
from odoo.exceptions import AccessError
from odoo.fields import Domain
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval

from ..logic import kpi as kpi_logic

# Models any OKR administrator may measure ("Odoo data" source), still only within
# what they may read; every other model needs a Settings administrator.
ODOO_SOURCE_MODELS = frozenset(
    {
        "account.analytic.line",
        "crm.lead",
        "helpdesk.ticket",
        "hr.attendance",
        "hr.leave",
        "mail.activity",
        "maintenance.request",
        "mrp.production",
        "mrp.workorder",
        "okr.checkin",
        "pos.order",
        "project.task",
        "sale.order",
    }
)

NUMERIC = ("integer", "float", "monetary")


class KpiDefinition(models.Model):
    """An “Odoo data” KPI's source: checking it, reading it as its definer (never as
    superuser) and grouping its values per employee in one query."""

    _inherit = "kpi.definition"

    def _check_odoo_query(self):
        if not self.model_id:
            raise self._config_error(
                self.env._("Model"), self.env._("choose the model the values come from")
            )
        if self.model_name not in self.env:
            raise self._config_error(
                self.env._("Model"), self.env._("model %s is not installed", self.model_id.model)
            )
        if not self.date_field_id or self.date_field_id.model_id != self.model_id:
            raise self._config_error(
                self.env._("Date Field"), self.env._("choose a date field of the model")
            )
        self._parse_domain(self.domain, self.env._("Domain"))
        self._group_path()
        self._check_measure(self.value_field_id, self.value_aggregate, self.env._("Value Field"))
        if self.is_ratio:
            self._parse_domain(self.denominator_domain, self.env._("Denominator Domain"))
            self._check_measure(
                self.denominator_field_id,
                self.denominator_aggregate,
                self.env._("Denominator Field"),
            )

    def _check_measure(self, field, aggregate, label):
        if aggregate == "count":
            return
        if not field or field.model_id != self.model_id:
            raise self._config_error(
                label, self.env._("choose a field of the model (or count records)")
            )
        if field.ttype not in NUMERIC:
            raise self._config_error(
                label,
                self.env._(
                    "%(field)s is a %(type)s field: only numbers can be summed or averaged",
                    field=field.name,
                    type=field.ttype,
                ),
            )

    def _parse_domain(self, text, label):
        """Return the domain written in ``text`` as a Domain, validated on the model."""
        Model = self.env[self.model_name]
        try:
            domain = Domain(safe_eval(text or "[]", {"uid": self._source_reader().id}))
            domain.validate(Model)
        except Exception as error:  # any syntax or field error becomes a clear message
            raise self._config_error(label, str(error)) from error
        return domain

    def _group_path(self):
        """Split the employee path into (field path to group by, via_user).

        The path must follow stored many2one fields to ``hr.employee``, or to
        ``res.users`` followed by ``employee_id`` (mapped with the company's
        employees).
        """
        names = (self.employee_path or "").strip().split(".")
        model = self.env[self.model_name]
        for position, name in enumerate(names):
            field = model._fields.get(name)
            last = position == len(names) - 1
            if last and name == "employee_id" and model._name == "res.users" and position:
                return ".".join(names[:-1]), True
            if not field or field.type != "many2one" or not field.store:
                raise self._config_error(
                    self.env._("Employee Path"),
                    self.env._(
                        "%(name)s is not a stored many-to-one field of %(model)s",
                        name=name,
                        model=model._name,
                    ),
                )
            model = self.env[field.comodel_name]
        if model._name != "hr.employee":
            raise self._config_error(
                self.env._("Employee Path"),
                self.env._(
                    "%(path)s leads to %(model)s, not to an employee",
                    path=self.employee_path,
                    model=model._name,
                ),
            )
        return ".".join(names), False

    # ------------------------------------------------------------------
    # Measuring
    # ------------------------------------------------------------------

    def _source_reader(self):
        """The user this KPI reads its Odoo data as: whoever last defined its source
        (its creator for KPIs defined before this was recorded)."""
        return self.source_user_id or self.create_uid or self.env["res.users"].browse(SUPERUSER_ID)

    def _source_model(self, user):
        """The KPI's model as ``user`` reads it in the KPI's company.

        Models outside :data:`ODOO_SOURCE_MODELS` are read only for a Settings
        administrator; access rights, record rules and field groups apply to the
        queries built on the returned model.
        """
        if not (
            user._is_superuser()
            or self.model_name in ODOO_SOURCE_MODELS
            or user.has_group("base.group_system")
        ):
            raise self._config_error(
                self.env._("Model"),
                self.env._(
                    "only a Settings administrator may measure %(model)s (%(user)s is not one)",
                    model=self.model_name,
                    user=user.name,
                ),
            )
        return self.env[self.model_name].with_user(user).with_company(self.company_id)

    def _check_reader(self, user):
        """Refuse a source ``user`` may not read: the model, its records of the KPI's
        company, or a field it uses that their groups do not open."""
        measures = self._odoo_measures()
        today = fields.Date.context_today(self)
        try:
            self._grouped_query(self._source_model(user), today, today, measures)
        except AccessError as error:
            raise self._reader_error(user, error) from error

    def _reader_error(self, user, error):
        return self._config_error(
            self.env._("Model"),
            self.env._(
                "%(user)s may not read this data: %(reason)s",
                user=user.name,
                reason=str(error).split("\n", 1)[0],
            ),
        )

    def _grouped_query(self, Model, date_from, date_to, measures):
        """(the SELECT of ``_grouped_values`` on ``Model``, or None when nothing can
        match; whether it groups by user). Raises AccessError when Model's user may
        not read what it needs."""
        date_field = self.date_field_id.name
        if self.date_field_id.ttype == "datetime":
            start = datetime.datetime.combine(date_from, datetime.time.min)
            end = datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min)
            period = Domain(date_field, ">=", start) & Domain(date_field, "<", end)
        else:
            period = Domain(date_field, ">=", date_from) & Domain(date_field, "<=", date_to)
        if "company_id" in Model._fields:
            period &= Domain("company_id", "in", [self.company_id.id, False])
        domains = [
            self._parse_domain(text, label).optimize_full(Model) for text, label, _f, _a in measures
        ]
        query = Model._search(period & Domain.OR(domains))
        path, via_user = self._group_path()
        if query.is_empty():
            return None, via_user
        group = Model._read_group_groupby(Model._table, path, query)
        if not via_user:  # users are mapped to the company's employees afterwards
            query.add_where(
                SQL(
                    "%s IN (SELECT id FROM hr_employee WHERE company_id = %s)",
                    group,
                    self.company_id.id,
                )
            )
        terms = []
        for domain, (_text, _label, field, aggregate) in zip(domains, measures, strict=True):
            expression = (
                SQL("COUNT(*)")
                if aggregate == "count"
                else SQL(
                    "%s(%s)",
                    SQL(aggregate.upper()),
                    Model._field_to_sql(Model._table, field.name, query),
                )
            )
            if len(measures) > 1 and not domain.is_true():
                condition = domain._to_sql(Model, Model._table, query)
                expression = SQL("%s FILTER (WHERE %s)", expression, condition)
            terms.append(expression)
        query.groupby = group
        return query.select(group, *terms), via_user

    def _grouped_values(self, date_from, date_to, measures):
        """{employee id: (value, …)} of ``measures`` [(domain text, field, aggregate)]
        over the period: ONE grouped query for everyone, whatever the number of
        measures (each aggregate is filtered by its own domain), as
        ``_read_group`` would build it but without a record per group.

        The query runs as the KPI's reader (:meth:`_source_reader`), within their
        access rights, and only counts employees of the KPI's company. An
        employee is only listed when at least one of their records matches one of
        the measures; an aggregate none of their records matches is None.
        """
        reader = self._source_reader()
        try:
            select, via_user = self._grouped_query(
                self._source_model(reader), date_from, date_to, measures
            )
        except AccessError as error:
            raise self._reader_error(reader, error) from error
        if select is None:
            return {}
        rows = self.env.execute_query(select)
        values = {row[0]: row[1:] for row in rows if row[0]}
        if via_user:
            values = self._user_values_to_employees(values)
        return values

    def _user_values_to_employees(self, values):
        employees = (
            self.env["hr.employee"]
            .sudo()
            .search_fetch(
                [("user_id", "in", list(values)), ("company_id", "=", self.company_id.id)],
                ["user_id"],
            )
        )
        return {employee.id: values[employee.user_id.id] for employee in employees}

    def _odoo_measures(self):
        """[(domain text, label, field, aggregate)] this KPI measures."""
        measures = [(self.domain, self.env._("Domain"), self.value_field_id, self.value_aggregate)]
        if self.is_ratio:
            measures.append(
                (
                    self.denominator_domain,
                    self.env._("Denominator Domain"),
                    self.denominator_field_id,
                    self.denominator_aggregate,
                )
            )
        return measures

    def _odoo_values(self, date_from, date_to):
        grouped = self._grouped_values(date_from, date_to, self._odoo_measures())
        if not self.is_ratio:
            return {employee_id: value or 0.0 for employee_id, (value,) in grouped.items()}
        ratios = {}
        for employee_id, (value, denominator) in grouped.items():
            if denominator is None:
                continue  # none of their records is in the denominator
            ratio = kpi_logic.ratio(value or 0.0, denominator)
            if ratio is not None:  # no denominator, no ratio: nothing is measured
                ratios[employee_id] = ratio * (self.ratio_factor or 1.0)
        return ratios
