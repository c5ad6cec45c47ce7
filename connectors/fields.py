"""Marshmallow fields for values as spreadsheets and remote systems send them.

Spreadsheet cells are strings, often blank; JSON may send an employee number
as ``1001`` or ``"1001"``. These fields accept such variants, turn them into
one Python type, and word their errors for the person fixing the file: the
bad value is quoted and an example of a good one is given.

A blank value ("" or only spaces) counts as missing: it fails a required
field with "missing value" and loads as None otherwise.
"""

import datetime
import math
import re

from marshmallow import ValidationError, fields

# pylint: disable=translation-required
# (marshmallow's ValidationError, not Odoo's: there is no env here to translate
# with; the Odoo side shows these messages and owns their translation.)

MISSING = "missing value"
# For required stock marshmallow fields, so that every error reads the same.
MISSING_MESSAGES = {"required": MISSING, "null": MISSING}

DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%Y-%m-%dT%H:%M:%S",
)
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y", "%d.%m.%Y", "%Y%m%d")
# Used to show the user what a format looks like: "2026-11-02 08:01:33".
_SAMPLE = datetime.datetime(2026, 11, 2, 8, 1, 33)


class Lenient(fields.Field):
    """Base of the fields below: blank means missing, then ``_convert`` the rest."""

    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", MISSING_MESSAGES)
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and not value.strip():
            if self.required:
                raise ValidationError(MISSING)
            return None
        return self._convert(value)

    def _convert(self, value):
        raise NotImplementedError


class Identifier(Lenient):
    """A code or id, as a stripped string; JSON integers become strings (1001 -> "1001")."""

    def _convert(self, value):
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise ValidationError(f"expected a code, got {value!r}")
        return str(value).strip()

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else str(value)


class Number(Lenient):
    """A finite number as float; "12.5" and " 12.5 " are fine, "12,5" and "n/a" are not."""

    def _convert(self, value):
        if isinstance(value, bool):
            raise ValidationError(f"not a number: {value!r}")
        try:
            number = float(value.strip() if isinstance(value, str) else value)
        except (TypeError, ValueError):
            raise ValidationError(f"not a number: {value!r}") from None
        if not math.isfinite(number):
            raise ValidationError(f"not a finite number: {value!r}")
        return number


class Quantity(Number):
    """A :class:`Number` as people type it in a spreadsheet: thousands grouped with
    commas ("1,234.5") or a percent sign ("4.5%", meaning 4.5). A lone comma stays
    an error ("12,5" could be twelve and a half or 125)."""

    _GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")

    def _convert(self, value):
        if isinstance(value, str):
            text = value.strip().removesuffix("%").strip()
            if self._GROUPED.fullmatch(text):
                text = text.replace(",", "")
            value = text
        return super()._convert(value)


class WallClockDateTime(Lenient):
    """A local date and time without time zone, in the first of ``formats`` that fits.

    Day-first and month-first layouts are ambiguous (02/11/2026): the order of
    ``formats`` decides, so a site with US-style exports passes its own list.
    """

    def __init__(self, formats=DATETIME_FORMATS, **kwargs):
        super().__init__(**kwargs)
        self.formats = tuple(formats)

    def _convert(self, value):
        if isinstance(value, datetime.datetime):
            return value
        return _strptime(value, self.formats, "date/time")


class WallClockDate(WallClockDateTime):
    """A calendar date in the first of ``formats`` that fits."""

    def __init__(self, formats=DATE_FORMATS, **kwargs):
        super().__init__(formats, **kwargs)

    def _convert(self, value):
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return value
        return _strptime(value, self.formats, "date").date()


class Period(fields.Str):
    """A pay period as ``YYYY-MM``."""

    _PATTERN = re.compile(r"\d{4}-(0[1-9]|1[0-2])")

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not self._PATTERN.fullmatch(text):
            raise ValidationError(f"not a period {value!r}: expected YYYY-MM, e.g. 2026-11")
        return text


class Currency(fields.Str):
    """An ISO 4217 code such as CNY or EUR (upper-cased)."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", text):
            raise ValidationError(f"not a currency code {value!r}: expected e.g. CNY")
        return text


def _strptime(value, formats, what):
    """Parse ``value`` with the first fitting format or raise a ValidationError with examples."""
    text = str(value).strip()
    for fmt in formats:
        try:
            return datetime.datetime.strptime(text, fmt)
        except ValueError:
            continue
    examples = ", ".join(_SAMPLE.strftime(fmt) for fmt in formats[:3])
    raise ValidationError(f"not a valid {what} {text!r} (expected e.g. {examples})")
