"""Payroll data shapes: wages and payslip totals in, incentive lines out.

Inbound schemas ignore unknown fields. The outbound
:class:`IncentiveLineSchema` is strict (``unknown=RAISE``): a line is first
loaded - which validates and normalises it (amount rounded half-up to two
decimals, currency upper-cased) - then dumped to the JSON the payroll system
receives, amounts as strings so that no float rounding happens on the way::

    {"ledger_key": "INC-2026-11-1001-OUTPUT", "employee_code": "1001",
     "period": "2026-11", "rule_code": "OUTPUT", "amount": "350.00",
     "currency": "CNY", "explanation": "112% of output target"}
"""

import dataclasses
import decimal

from marshmallow import RAISE, Schema, fields, post_load, validate

from ..fields import MISSING_MESSAGES, Currency, Identifier, Period
from ..loading import BorderSchema


def _money(**kwargs):
    return fields.Decimal(
        places=2, rounding=decimal.ROUND_HALF_UP, error_messages=MISSING_MESSAGES, **kwargs
    )


@dataclasses.dataclass(frozen=True)
class Wage:
    """An employee's base wage as the payroll system knows it."""

    employee_code: str
    base_wage: decimal.Decimal
    currency: str


@dataclasses.dataclass(frozen=True)
class PayslipTotal:
    """Gross and net totals of one employee's payslip for one period."""

    employee_code: str
    period: str
    gross: decimal.Decimal
    net: decimal.Decimal
    currency: str


@dataclasses.dataclass(frozen=True)
class IncentiveLine:
    """One incentive to pay; ``ledger_key`` identifies it for ever (idempotency)."""

    ledger_key: str
    employee_code: str
    period: str
    rule_code: str
    amount: decimal.Decimal
    currency: str
    explanation: str = ""


class WageSchema(BorderSchema):
    """Inbound wage record -> :class:`Wage`."""

    employee_code = Identifier(required=True)
    base_wage = _money(required=True)
    currency = Currency(required=True, error_messages=MISSING_MESSAGES)

    @post_load
    def _make_wage(self, data, **kwargs):
        return Wage(**data)


class PayslipTotalSchema(BorderSchema):
    """Inbound payslip totals -> :class:`PayslipTotal`."""

    employee_code = Identifier(required=True)
    period = Period(required=True, error_messages=MISSING_MESSAGES)
    gross = _money(required=True)
    net = _money(required=True)
    currency = Currency(required=True, error_messages=MISSING_MESSAGES)

    @post_load
    def _make_total(self, data, **kwargs):
        return PayslipTotal(**data)


class IncentiveLineSchema(Schema):
    """Outbound incentive line: strict, dumped as JSON-ready strings."""

    class Meta:
        unknown = RAISE

    # Visible ASCII only: the key travels in the Idempotency-Key header.
    ledger_key = fields.Str(
        required=True,
        validate=validate.Regexp(r"[!-~]{1,200}\Z", error="use 1-200 visible ASCII characters"),
        error_messages=MISSING_MESSAGES,
    )
    employee_code = Identifier(required=True)
    period = Period(required=True, error_messages=MISSING_MESSAGES)
    rule_code = Identifier(required=True)
    amount = _money(required=True, as_string=True)
    currency = Currency(required=True, error_messages=MISSING_MESSAGES)
    explanation = fields.Str(load_default="")
