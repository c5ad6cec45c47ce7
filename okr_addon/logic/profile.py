"""The capability profile's arithmetic: performance history per period,
certification expiry and an employee against their team (pure Python).

The models gather the figures with grouped queries and hand plain values
over; nothing here imports Odoo.
"""

import datetime
from dataclasses import dataclass, field

from . import kpi

# A difference smaller than this share of the team's level reads as "same as the team".
SAME_TOLERANCE = 0.05


def mean(values):
    """Arithmetic mean, Nones skipped, None for no values (never a made-up 0)."""
    return kpi.roll_up(values, "avg")


# --- certifications --------------------------------------------------------------------


def expiry_state(valid_to, today, warn_days=30):
    """'expired', 'expiring' (within ``warn_days``), 'valid', or 'permanent' (no end)."""
    if not valid_to:
        return "permanent"
    if valid_to < today:
        return "expired"
    if valid_to <= today + datetime.timedelta(days=warn_days):
        return "expiring"
    return "valid"


def days_left(valid_to, today):
    """Days until ``valid_to`` (negative once past), None without an end date."""
    return (valid_to - today).days if valid_to else None


# --- team comparison -------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """One metric of an employee against their team's average."""

    value: float | None
    team_average: float | None
    team_size: int
    higher_is_better: bool

    @property
    def difference(self):
        if self.value is None or self.team_average is None:
            return None
        return self.value - self.team_average

    @property
    def verdict(self):
        """'better', 'worse', 'same', or None when either side has no figure."""
        difference = self.difference
        if difference is None:
            return None
        scale = max(abs(self.team_average), abs(self.value))
        if abs(difference) <= SAME_TOLERANCE * scale:
            return "same"
        better = difference > 0 if self.higher_is_better else difference < 0
        return "better" if better else "worse"

    def bar_widths(self):
        """(employee %, team %) of the longer bar, for a side-by-side bar chart."""
        top = max(abs(self.value or 0.0), abs(self.team_average or 0.0))
        if not top:
            return 0.0, 0.0
        return (
            round(abs(self.value or 0.0) / top * 100, 1),
            round(abs(self.team_average or 0.0) / top * 100, 1),
        )


def compare_to_team(value, team_values, higher_is_better=True):
    """The employee's ``value`` against the mean of ``team_values`` (Nones skipped)."""
    team = [v for v in team_values if v is not None]
    return Comparison(value, mean(team), len(team), higher_is_better)


# --- performance history ---------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A cycle (key = its id) the history reports on."""

    key: object
    label: str
    date_from: datetime.date
    date_to: datetime.date

    def contains(self, day):
        return self.date_from <= day <= self.date_to


@dataclass
class HistoryRow:
    """What one employee achieved in one period."""

    label: str
    date_from: datetime.date
    date_to: datetime.date
    cycle_key: object = None
    okr_score: float | None = None  # mean score of the closed objectives
    okr_progress: float | None = None  # mean progress of the running ones
    objective_count: int = 0
    kpi_completion: float | None = None  # mean completion of the targets with an actual
    kpi_score: float | None = None
    kpi_count: int = 0
    incentives: dict = field(default_factory=dict)  # {currency: amount}

    @property
    def is_empty(self):
        return not (self.objective_count or self.kpi_count or self.incentives)


def _periods_of(day, cycles):
    return [cycle for cycle in cycles if cycle.contains(day)]


def build_history(cycles, objectives, kpis, incentives, label_period=None):
    """One row per period with anything in it, newest first.

    - ``cycles``: the company's cycles (``Period``);
    - ``objectives``: {cycle key: (closed score mean, closed count, running progress
      mean, running count)};
    - ``kpis``: {(date_from, date_to): (completion sum, score sum, count)} of the
      targets with an actual;
    - ``incentives``: {(date_from, date_to, currency): amount}.

    KPI targets and incentives count in every cycle their first day falls in (a
    November target counts in Q4 and in a November cycle); those outside every
    cycle get a row of their own dates, labelled by ``label_period(date_from,
    date_to)``.
    """
    label_period = label_period or (lambda start, end: f"{start} – {end}")
    rows = {
        cycle.key: HistoryRow(cycle.label, cycle.date_from, cycle.date_to, cycle.key)
        for cycle in cycles
    }

    def rows_for(date_from, date_to):
        found = [rows[c.key] for c in _periods_of(date_from, cycles)]
        if found:
            return found
        key = ("period", date_from, date_to)
        if key not in rows:
            rows[key] = HistoryRow(label_period(date_from, date_to), date_from, date_to)
        return [rows[key]]

    for key, (score, closed, progress, running) in objectives.items():
        row = rows.get(key)
        if row is None:
            continue
        row.okr_score = score if closed else None
        row.okr_progress = progress if running else None
        row.objective_count = closed + running
    kpi_sums = {}
    for (date_from, date_to), (completion, score, count) in kpis.items():
        for row in rows_for(date_from, date_to):
            sums = kpi_sums.setdefault(id(row), [row, 0.0, 0.0, 0])
            sums[1] += completion
            sums[2] += score
            sums[3] += count
    for row, completion, score, count in kpi_sums.values():
        if count:
            row.kpi_completion, row.kpi_score, row.kpi_count = (
                completion / count,
                score / count,
                count,
            )
    for (date_from, date_to, currency), amount in incentives.items():
        for row in rows_for(date_from, date_to):
            row.incentives[currency] = row.incentives.get(currency, 0.0) + amount
    kept = [row for row in rows.values() if not row.is_empty]
    return sorted(kept, key=lambda row: (row.date_from, row.date_to), reverse=True)
