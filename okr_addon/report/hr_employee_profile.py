"""The capability profile: one builder, two readers.

The printed report (``okr_addon.report_employee_profile``) gets its values from
this report model, and the employee form's Profile tab renders the same values
in the same template (``hr.employee._compute_okr_profile_html``).
"""

import datetime

from odoo import api, fields, models

from ..logic import profile as profile_logic

# (metric, higher is better)
ATTENDANCE_METRICS = (
    ("attendance_rate", True),
    ("late_arrivals", False),
    ("overtime_hours", True),
)


class ReportEmployeeProfile(models.AbstractModel):
    _name = "report.okr_addon.report_employee_profile"
    _description = "Capability Profile Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        employees = self.env["hr.employee"].browse(docids)
        return {
            "doc_ids": docids,
            "doc_model": "hr.employee",
            "docs": employees,
            "profiles": self._profile_values(employees),
        }

    @api.model
    def _profile_values(self, employees, today=None):
        """{employee id: everything the profile shows}, gathered for all ``employees``
        at once: a fixed number of grouped queries whatever the number of employees and
        cycles. Figures are read with the user's own access rights (incentives and
        behaviour scores stay as confidential as their records); the team comparisons
        read as superuser, for readers of these employees' HR records only."""
        employees.check_access("read")  # hr.employee itself: HR officers
        today = today or fields.Date.context_today(self)
        history = self._history(employees)
        behaviour = self._behaviour(employees)
        # Today is not over: the window ends yesterday. One window per company.
        attendance_to = today - datetime.timedelta(days=1)
        windows, attendance = {}, {}
        for company, members in employees.grouped("company_id").items():
            days = company.okr_profile_attendance_days or 90
            windows[company] = (attendance_to - datetime.timedelta(days=days - 1), attendance_to)
            attendance.update(self._attendance(members, *windows[company]))
        return {
            employee.id: {
                "employee": employee,
                "today": today,
                "history": history[employee.id],
                "skills": self._skills(employee, today),
                "behaviour": behaviour[employee.id],
                "attendance": attendance[employee.id],
                "attendance_from": windows[employee.company_id][0],
                "attendance_to": windows[employee.company_id][1],
            }
            for employee in employees
        }

    @api.model
    def _history(self, employees):
        """{employee id: [profile.HistoryRow]}: OKR scores, KPI completion and score,
        incentives earned, per cycle (three grouped queries for everyone)."""
        cycles = self.env["okr.cycle"].search([("company_id", "in", employees.company_id.ids)])
        objectives = self.env["okr.objective"]._read_group(
            [("employee_id", "in", employees.ids), ("state", "in", ("running", "closed"))],
            ["employee_id", "cycle_id", "state"],
            ["score:avg", "progress:avg", "__count"],
        )
        kpis = self.env["kpi.target"]._read_group(
            [
                ("employee_id", "in", employees.ids),
                ("level", "=", "employee"),
                ("has_actual", "=", True),
            ],
            ["employee_id", "date_from:day", "date_to:day"],
            ["completion:sum", "score:sum", "__count"],
        )
        incentives = self.env["okr.incentive.line"]._read_group(
            self._earned_incentives_domain(employees),
            ["employee_id", "date_from:day", "date_to:day", "currency_id"],
            ["amount:sum"],
        )
        by_employee = {
            employee.id: {"objectives": {}, "kpis": {}, "incentives": {}} for employee in employees
        }
        for employee, cycle, state, score, progress, count in objectives:
            stats = by_employee[employee.id]["objectives"].setdefault(cycle.id, [None, 0, None, 0])
            if state == "closed":
                stats[0:2] = [score, count]
            else:
                stats[2:4] = [progress, count]
        for employee, date_from, date_to, completion, score, count in kpis:
            by_employee[employee.id]["kpis"][(date_from, date_to)] = (completion, score, count)
        for employee, date_from, date_to, currency, amount in incentives:
            by_employee[employee.id]["incentives"][(date_from, date_to, currency)] = amount
        result = {}
        for employee in employees:
            periods = [
                profile_logic.Period(cycle.id, cycle.name, cycle.date_start, cycle.date_end)
                for cycle in cycles
                if cycle.company_id == employee.company_id
            ]
            data = by_employee[employee.id]
            result[employee.id] = profile_logic.build_history(
                periods,
                {key: tuple(stats) for key, stats in data["objectives"].items()},
                data["kpis"],
                data["incentives"],
                label_period=self._period_label,
            )
        return result

    @api.model
    def _period_label(self, date_from, date_to):
        lang = self.env["res.lang"]._get_data(code=self.env.lang or "en_US")
        fmt = lang.date_format if lang else "%m/%d/%Y"
        return f"{date_from.strftime(fmt)} – {date_to.strftime(fmt)}"

    @api.model
    def _earned_incentives_domain(self, employees):
        """Incentive lines that count as earned: ready lines of approved or posted runs,
        in money (not points or coefficients)."""
        runs = (
            self.env["okr.incentive.run"].sudo()._search([("state", "in", ("approved", "posted"))])
        )
        rules = (
            self.env["okr.incentive.rule"]
            .sudo()
            .with_context(active_test=False)
            ._search([("amount_type", "in", ("fixed", "wage_percent"))])
        )
        return [
            ("employee_id", "in", employees.ids),
            ("state", "=", "ok"),
            ("run_id", "in", runs),
            ("rule_id", "in", rules),
        ]

    @api.model
    def _skills(self, employee, today):
        """Certifications (the latest of each, with its expiry state), other current
        skills and trainings (resume lines of a course type) of one employee."""
        employee.ensure_one()
        warn_days = employee.company_id.okr_certificate_warning_days
        latest = {}
        for cert in employee.employee_skill_ids.filtered("is_certification"):
            known = latest.get(cert.skill_id)
            end = cert.valid_to or datetime.date.max
            if known is None or end > (known.valid_to or datetime.date.max):
                latest[cert.skill_id] = cert
        certifications = [
            {
                "record": cert,
                "state": profile_logic.expiry_state(cert.valid_to, today, warn_days),
                "days_left": profile_logic.days_left(cert.valid_to, today),
            }
            for cert in sorted(latest.values(), key=lambda c: c.valid_to or datetime.date.max)
        ]
        skills = employee.current_employee_skill_ids.filtered(lambda s: not s.is_certification)
        trainings = employee.resume_line_ids.filtered(lambda line: line.line_type_id.is_course)
        return {
            "certifications": certifications,
            "warnings": [c for c in certifications if c["state"] in ("expired", "expiring")],
            "warn_days": warn_days,
            "skills": skills.sorted(lambda s: (s.skill_type_id.name or "", s.skill_id.name)),
            "trainings": trainings.sorted("date_start", reverse=True),
        }

    @api.model
    def _behaviour(self, employees):
        """{employee id: {"cycle": latest scored cycle, "rows": [(dimension, manager mean,
        peer mean, peer count)]}}: one grouped query for everyone."""
        rows = self.env["okr.behaviour.score"]._read_group(
            [("employee_id", "in", employees.ids)],
            ["employee_id", "cycle_id", "dimension_id", "reviewer_role"],
            ["score:avg", "__count"],
        )
        scores = {}
        for employee, cycle, dimension, role, average, count in rows:
            scores.setdefault(employee.id, {}).setdefault(cycle, {})[(dimension, role)] = (
                average,
                count,
            )
        dimensions = self.env["okr.behaviour.dimension"].search(
            [("company_id", "in", [False, *employees.company_id.ids])]
        )
        result = {}
        for employee in employees:
            by_cycle = scores.get(employee.id, {})
            cycle = max(by_cycle, key=lambda c: (c.date_start, c.id)) if by_cycle else None
            found = by_cycle.get(cycle, {})
            shown = dimensions.filtered(
                lambda d, e=employee: not d.company_id or d.company_id == e.company_id
            ) | self.env["okr.behaviour.dimension"].union(*(d for d, _role in found))
            result[employee.id] = {
                "cycle": cycle,
                "rows": [
                    {
                        "dimension": dimension,
                        "manager": found.get((dimension, "manager"), (None, 0))[0],
                        "peer": found.get((dimension, "peer"), (None, 0))[0],
                        "peer_count": found.get((dimension, "peer"), (None, 0))[1],
                    }
                    for dimension in shown.sorted()
                ],
            }
        return result

    @api.model
    def _attendance(self, employees, date_from, date_to):
        """{employee id: [(metric label, unit, profile.Comparison)]}: each employee against
        the rest of their department, from the attendance KPI code, one batch of
        employees and colleagues per company."""
        Attendance = self.env["hr.attendance"]
        colleagues = (
            self.env["hr.employee"]
            .sudo()
            .search([("department_id", "in", employees.department_id.ids)])
        )
        values = {}
        for company in employees.company_id:
            people = (employees | colleagues).filtered(lambda e, c=company: e.company_id == c)
            for metric, _higher in ATTENDANCE_METRICS:
                values.setdefault(metric, {}).update(
                    Attendance._okr_kpi_values(
                        metric, company, date_from, date_to, employees=people
                    )
                )
        labels = {
            "attendance_rate": self.env._("Attendance rate"),
            "late_arrivals": self.env._("Late arrivals"),
            "overtime_hours": self.env._("Overtime hours"),
        }
        units = {"attendance_rate": "%", "late_arrivals": "", "overtime_hours": "h"}
        result = {}
        for employee in employees:
            team = (colleagues - employee).filtered(
                lambda c, e=employee: e.department_id and c.department_id == e.department_id
            )
            rows = []
            for metric, higher in ATTENDANCE_METRICS:
                figures = self._attendance_figures(metric, values, employee | team)
                comparison = profile_logic.compare_to_team(
                    figures.get(employee.id), [figures.get(c.id) for c in team], higher
                )
                rows.append((labels.get(metric, metric), units[metric], comparison))
            result[employee.id] = rows
        return result

    @staticmethod
    def _attendance_figures(metric, values, people):
        """{employee id: value} of one metric; hours count as 0 for someone scheduled
        (they have an attendance rate) but with no hours recorded."""
        figures = values[metric]
        if metric != "overtime_hours":
            return figures
        scheduled = values["attendance_rate"]
        return {
            person.id: figures.get(person.id, 0.0)
            for person in people
            if person.id in figures or person.id in scheduled
        }
