"""Payroll system: read wages and payslip totals, push incentive lines."""

from .api import PayrollApi, PayrollSink, PushResult
from .schema import IncentiveLine, IncentiveLineSchema, PayslipTotal, Wage
