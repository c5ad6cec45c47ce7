"""China's official working calendar: the public holidays and the make-up working
days (调休) the State Council announces for each year.

The days come from ``chinesecalendar`` (PyPI; imported as ``chinese_calendar``),
which transcribes each year's notice, make-up working days included. The other
candidate, ``holidays``, lists China's holidays (and the weekdays taken off in
lieu) but not the weekend days that become working days, and it predicts years
no notice has published yet: a schedule needs the working Saturdays and must
not guess, so ``chinesecalendar`` it is. When its data stops before a year, the
answer is a clear error asking for an update, never a guess.
"""

import datetime
import re
from importlib import metadata
from typing import NamedTuple

from chinese_calendar import constants

# Fuller Chinese names where the library keeps the short form.
_CHINESE_NAMES = {
    "tomb_sweeping_day": "清明节",
    "dragon_boat_festival": "端午节",
    "mid_autumn_festival": "中秋节",
}
_MAKE_UP_ZH = "调休上班"
_MAKE_UP_EN = "make-up working day"


class UnknownYear(LookupError):
    """The library has no official calendar for this year (not published yet,
    or before the library's first year)."""

    def __init__(self, year, version, first, last):
        self.year, self.version, self.first, self.last = year, version, first, last
        if year > last:
            message = (
                f"the official calendar of {year} is not published in chinesecalendar "
                f"{version} yet: update it (pip install -U chinesecalendar)"
            )
        else:
            message = f"chinesecalendar {version} covers {first} to {last}, not {year}"
        super().__init__(message)


class OfficialDay(NamedTuple):
    """A day of the official calendar: a holiday or a make-up working day."""

    date: datetime.date
    key: str  # the holiday's identifier, e.g. "national_day"
    name_zh: str
    name_en: str

    @property
    def label(self):
        return f"{self.name_zh} / {self.name_en}"


class HolidayBlock(NamedTuple):
    """Consecutive days off of one holiday, e.g. 国庆节 2025-10-01 .. 10-08."""

    key: str  # unique within the year: "<year>:<holiday>:<n>"
    date_from: datetime.date
    date_to: datetime.date
    label: str


def library_version():
    try:
        return metadata.version("chinesecalendar")
    except metadata.PackageNotFoundError:  # pragma: no cover - installed from source
        return "?"


def known_years(holidays=None):
    """Years the library has an official calendar for, sorted."""
    holidays = constants.holidays if holidays is None else holidays
    return sorted({day.year for day in holidays})


def _names(english):
    try:
        holiday = constants.Holiday(english)
    except ValueError:  # a name the enum does not know: keep the English one
        return re.sub(r"\W+", "_", english.lower()).strip("_"), english, english
    return holiday.name, _CHINESE_NAMES.get(holiday.name, holiday.chinese), holiday.value


def official_year(year, holidays=None, workdays=None, version=None):
    """(holidays, make-up working days) of ``year``: two date-sorted lists of
    OfficialDay. Raises UnknownYear when the library does not have the year."""
    holidays = constants.holidays if holidays is None else holidays
    workdays = constants.workdays if workdays is None else workdays
    years = known_years(holidays)
    if not years or year not in years:
        raise UnknownYear(
            year,
            version or library_version(),
            years[0] if years else None,
            years[-1] if years else 0,
        )
    days_off = [
        OfficialDay(day, *_names(name))
        for day, name in sorted(holidays.items())
        if day.year == year
    ]
    make_up = []
    for day, name in sorted(workdays.items()):
        if day.year == year:
            key, name_zh, name_en = _names(name)
            make_up.append(
                OfficialDay(day, key, f"{name_zh}{_MAKE_UP_ZH}", f"{name_en} {_MAKE_UP_EN}")
            )
    return days_off, make_up


def holiday_blocks(days_off):
    """Group holidays into blocks of consecutive days off, each with a key stable
    across imports of the same year (its year, its first day's holiday and a
    number). A block joining two holidays (2025: National Day and Mid-autumn
    Festival, 10-01 .. 10-08) is named after both."""
    blocks = []
    counts = {}
    run = []

    def close():
        if not run:
            return
        first = run[0]
        counts[first.key] = counts.get(first.key, 0) + 1
        names = list(dict.fromkeys((day.name_zh, day.name_en) for day in run))
        label = "{} / {}".format("、".join(n[0] for n in names), ", ".join(n[1] for n in names))
        key = f"{first.date.year}:{first.key}:{counts[first.key]}"
        blocks.append(HolidayBlock(key, first.date, run[-1].date, label))

    for day in sorted(days_off):
        if run and (day.date - run[-1].date).days != 1:
            close()
            run = []
        run.append(day)
    close()
    return blocks


def parse_years(text):
    """Years typed by HR: "2025, 2026", "2024-2026" or "2025 2026" → sorted list.
    Raises ValueError on anything else."""
    years = set()
    for part in filter(None, re.split(r"[,\s，、;]+", (text or "").strip())):
        match = re.fullmatch(r"(\d{4})(?:[-–~](\d{4}))?", part)
        if not match:
            raise ValueError(part)
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if last < first or last - first > 50:
            raise ValueError(part)
        years.update(range(first, last + 1))
    return sorted(years)


def years_to_follow(today, known):
    """The years a followed calendar should hold: this year and the next, split
    into (known by the library, not known yet)."""
    wanted = [today.year, today.year + 1]
    return [y for y in wanted if y in known], [y for y in wanted if y not in known]
