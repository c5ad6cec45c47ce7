"""Incentive maths: tiers, amounts, caps, explanations and the posting ledger.

A rule turns one basis value per employee (KPI completion %, a score, an
attendance rate…) into an amount through **tiers**: bands ``[lower, upper)``
where a missing bound is open. Tiers must neither overlap nor leave gaps, so
every value lands in at most one band and nothing is silently unpaid
between two bands.

The **ledger** makes posting safe to repeat: for each ledger key the amount
already posted is known, and posting only ever adds the difference.
"""

from dataclasses import dataclass
from itertools import pairwise

CENT = 0.005


class IncentiveError(ValueError):
    """Bad rule configuration; ``code`` names the problem, ``names`` the tiers."""

    def __init__(self, code, message, names=()):
        super().__init__(message)
        self.code = code
        self.names = tuple(names)


@dataclass(frozen=True)
class Tier:
    name: str
    lower: float | None  # inclusive; None = no lower bound
    upper: float | None  # exclusive; None = no upper bound
    amount: float

    def contains(self, value):
        return (self.lower is None or value >= self.lower) and (
            self.upper is None or value < self.upper
        )

    def label(self, unit=""):
        if self.lower is None and self.upper is None:
            return "any value"
        if self.lower is None:
            return f"< {self.upper:g}{unit}"
        if self.upper is None:
            return f"≥ {self.lower:g}{unit}"
        return f"{self.lower:g}–{self.upper:g}{unit}"


def _sort_key(tier):
    return float("-inf") if tier.lower is None else tier.lower


def check_tiers(tiers):
    """Raise IncentiveError for an empty band, overlapping or gapped tiers."""
    ordered = sorted(tiers, key=_sort_key)
    for tier in ordered:
        if tier.lower is not None and tier.upper is not None and tier.lower >= tier.upper:
            raise IncentiveError(
                "empty", "a tier's lower bound must be below its upper bound", [tier.name]
            )
    for below, above in pairwise(ordered):
        if below.upper is None or above.lower is None or below.upper > above.lower:
            raise IncentiveError("overlap", "tiers overlap", [below.name, above.name])
        if below.upper < above.lower:
            raise IncentiveError("gap", "tiers leave a gap", [below.name, above.name])


def find_tier(value, tiers):
    """The tier containing ``value``, or None."""
    return next((tier for tier in tiers if tier.contains(value)), None)


def amount_for(tier_amount, amount_type, wage=None):
    """Amount of a tier: a fixed amount, a percentage of the wage, a coefficient
    delta or points (the last two are kept as they are)."""
    if amount_type == "wage_percent":
        if wage is None:
            raise IncentiveError("no_wage", "no wage for the period")
        return round(wage * tier_amount / 100.0, 2)
    return tier_amount


def number(value):
    """A figure as people write it in an explanation: 1,000 / 0.65 / 1,234.5."""
    text = f"{value:,.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def progressive(value, tiers, percent=False):
    """Piece rate or commission over progressive bands: each tier's amount is the
    rate of the units (or, with ``percent``, the percentage of the value) that fall
    in its band, as tax brackets work. Returns (amount rounded to the cent,
    arithmetic text such as '1,000 × 0.5 + 200 × 0.65 = 630').

    Nothing is paid for a value of 0 or below; a band without a lower bound
    starts at 0; the units beyond the last band's upper bound are not paid.
    """
    parts, total = [], 0.0
    for tier in sorted(tiers, key=_sort_key):
        low = max(tier.lower if tier.lower is not None else 0.0, 0.0)
        high = value if tier.upper is None else min(value, tier.upper)
        units = high - low
        if units <= 0:
            continue
        rate = tier.amount / 100.0 if percent else tier.amount
        total += units * rate
        shown_rate = f"{number(tier.amount)}%" if percent else number(tier.amount)
        parts.append(f"{number(units)} × {shown_rate}")
    amount = round(total, 2)
    return amount, f"{' + '.join(parts) or number(0)} = {number(amount)}"


def clamp(amount, floor=None, cap=None):
    """Keep ``amount`` within [floor, cap] (either may be None)."""
    if cap is not None and amount > cap:
        amount = cap
    if floor is not None and amount < floor:
        amount = floor
    return amount


# Amount types that pay the basis value band by band (each tier's amount is a rate).
PROGRESSIVE_TYPES = ("per_unit", "commission")


def evaluate(value, tiers, amount_type, wage=None, *, floor=None, cap=None):
    """What a basis ``value`` pays under a rule: (tier, amount, arithmetic).

    The one place a value becomes an amount, for the run and for the phone's
    preview alike: the tier containing the value (or None); the amount (a tier's
    amount, a share of the ``wage``, or the progressive bands' total for a piece
    rate or a commission), kept within [floor, cap]; the bands' arithmetic text
    for the progressive types (None otherwise). IncentiveError ("no_wage") when a
    percentage of the wage has no wage.
    """
    tier = find_tier(value, tiers)
    arithmetic = None
    if amount_type in PROGRESSIVE_TYPES:
        amount, arithmetic = progressive(value, tiers, percent=amount_type == "commission")
    else:
        amount = amount_for(tier.amount if tier else 0.0, amount_type, wage)
    return tier, clamp(amount, floor, cap), arithmetic


def split_by_code(amount, bonus_code, deduction_code):
    """{input code: amount}: positive amounts under the bonus code, negative
    ones under the deduction code (both keys always present)."""
    if bonus_code == deduction_code:
        return {bonus_code: amount}
    return {bonus_code: max(amount, 0.0), deduction_code: min(amount, 0.0)}


def deltas(wanted, posted):
    """{key: amount still to post} so that posted + delta == wanted, per key.

    Keys posted earlier but no longer wanted are reversed. Sub-cent
    differences are ignored, so re-posting an unchanged run adds nothing.
    """
    result = {}
    for key in set(wanted) | set(posted):
        delta = round(wanted.get(key, 0.0) - posted.get(key, 0.0), 2)
        if abs(delta) > CENT:
            result[key] = delta
    return result


def explanation(steps, tier, amount, currency, unit=""):
    """Human text of how a value became an amount, e.g.
    'Scrap rate 3.5% vs target 4% → completion 112.5% → tier ≥ 110% → +500.00 CNY'."""
    parts = [step for step in steps if step]
    parts.append(f"tier {tier.label(unit)}" if tier else "no tier")
    parts.append(f"{amount:+.2f} {currency}".strip())
    return " → ".join(parts)


@dataclass(frozen=True)
class DeductionCut:
    """How much one deduction line is cut (positive, in money) and why."""

    cut: float
    reason: str  # "cap": share of the wage; "floor": net pay above the minimum wage
    limit: float  # the most one period's deductions may take


def lawful_deductions(amounts, wage, cap_percent=None, minimum_wage=None):
    """{index: DeductionCut} for the deductions (negative ``amounts``) of one
    employee in one pay period that must be cut by law, all rules together.

    One period's deductions may take at most ``cap_percent`` % of the period's
    ``wage``, and the net (wage + bonuses − deductions) may not fall below
    ``minimum_wage``. The stricter limit wins; the cut is shared in proportion to
    each deduction and settled to the cent (the largest deduction absorbs the
    rounding), so the cut lines add up to the limit exactly. Without a wage (none,
    or 0: no contract wage recorded) nothing can be checked and nothing is cut.
    """
    deductions = {i: -a for i, a in enumerate(amounts) if a < 0}
    if not wage or wage <= 0 or not deductions:
        return {}
    limits = []
    if cap_percent is not None:
        limits.append((round(wage * cap_percent / 100.0, 2), "cap"))
    if minimum_wage:
        bonuses = sum(a for a in amounts if a > 0)
        limits.append((max(round(wage + bonuses - minimum_wage, 2), 0.0), "floor"))
    if not limits:
        return {}
    limit, reason = min(limits)
    total = round(sum(deductions.values()), 2)
    excess = round(total - limit, 2)
    if excess <= CENT:
        return {}
    cuts = {i: round(excess * d / total, 2) for i, d in deductions.items()}
    largest = max(deductions, key=lambda i: (deductions[i], -i))
    cuts[largest] = round(cuts[largest] + excess - sum(cuts.values()), 2)
    return {i: DeductionCut(cut, reason, limit) for i, cut in cuts.items() if cut}
