"""Employees named by a code in outside data (a badge ID, an identification
number, a PIN or a name), found a batch at a time.

A model that reads such rows inherits ``okr.employee.matcher`` and fills in
its hooks: which employee field holds the code (and what users call it),
which company the employees belong to, and the row's column or field the code
came from. ``okr.connector`` is one; its target models (``hr.attendance``,
``kpi.measurement``) match the employees of a batch through it.
"""

import collections

from odoo import models


class OkrEmployeeMatcher(models.AbstractModel):
    _name = "okr.employee.matcher"
    _description = "Employee Matching by Code"

    # --- hooks ------------------------------------------------------------------
    def _employee_match_key(self):
        """``(field, label)``: the hr.employee field compared with the codes, and
        the name users know it by (for messages)."""
        raise NotImplementedError

    def _employee_match_company(self):
        """The company whose employees are matched (a res.company record)."""
        raise NotImplementedError

    def _employee_match_label(self, entry):
        """The column or field of ``entry``'s row that holds the employee code."""
        raise NotImplementedError

    # --- matching -------------------------------------------------------------------
    def _match_employees(self, codes):
        """Employees of the company by code, one search.

        Returns ``({code: employee}, {code: number of employees})``, the second for
        codes shared by several employees, which are not guessed.
        """
        key, _label = self._employee_match_key()
        company = self._employee_match_company()
        employees = (
            self.env["hr.employee"]
            .sudo()
            .search([(key, "in", list(codes)), ("company_id", "=", company.id)])
        )
        found = collections.defaultdict(list)
        for employee in employees:
            found[str(employee[key])].append(employee)
        unique = {code: own[0] for code, own in found.items() if len(own) == 1}
        shared = {code: len(own) for code, own in found.items() if len(own) > 1}
        return unique, shared

    def _employee_of(self, entry, matches, outcome):
        """The employee of ``entry`` (whose item has ``employee_code``) among
        ``matches`` (of :meth:`_match_employees`), or None after recording why in
        ``outcome`` (a :class:`~okr_addon.logic.sync.Outcome`)."""
        employees, shared = matches
        code = entry.item["employee_code"]
        if code in employees:
            return employees[code]
        outcome.fail(
            entry.row,
            self._employee_match_label(entry),
            self._unmatched_reason(code, shared),
            entry.raws,
        )
        return None

    def _unmatched_reason(self, code, shared):
        """Why no single employee has ``code``: several have it (``shared``), or none."""
        _key, key = self._employee_match_key()
        if code in shared:
            return self.env._(
                "%(count)s employees have %(key)s “%(code)s”: make it unique",
                count=shared[code],
                key=key,
                code=code,
            )
        return self.env._(
            "no employee of %(company)s has %(key)s “%(code)s”",
            company=self._employee_match_company().name,
            key=key,
            code=code,
        )
