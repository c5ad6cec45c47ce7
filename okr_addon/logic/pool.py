"""Team pools: one amount for a team, shared among its members by a weight.

A team pool (班组二次分配) pays a team one amount (a tier amount, or a piece
rate times the team's output); each member gets a share in proportion to
their weight: 1 each (equal split), hours worked in the period, or hours ×
the role coefficient of their job position.

**Rounding rule (largest remainder).** The pool is counted in units of the
currency's rounding (0.01 for CNY). Each member first gets the whole units of
their exact share ``pool × weight / total weight`` (rounded towards zero);
the units left over (fewer than the number of members) go one each to the
members with the largest fractional remainders; equal remainders go to the
member listed first. The shares therefore add up to the pool exactly, no
member is more than one unit away from their exact share, and the same
input always gives the same split. The arithmetic is exact (fractions, not
floats), so 100.00 over 7 h / 7 h / 7 h is 33.34 + 33.33 + 33.33 every time.

A negative pool (a team deduction) is split the same way on its absolute
value, each share negative. A pool nobody carries weight for (nobody worked
in the period) cannot be split: ``split`` raises ``PoolError("no_weight")``
and the caller reports the pool instead of losing it.
"""

import math
from fractions import Fraction


class PoolError(ValueError):
    """A pool that cannot be split; ``code`` names why."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def _exact(value, what):
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PoolError("not_a_number", f"{what} {value!r} is not a number")
    if not math.isfinite(value):
        raise PoolError("not_a_number", f"{what} {value!r} is not a finite number")
    # the decimal the float stands for (0.01 is 1/100, not 0.01000000000000000020…)
    return Fraction(repr(float(value)))


def split(amount, weights, rounding=0.01):
    """Shares of ``amount`` in proportion to ``weights`` (a list), largest remainder
    on ``rounding`` (see the module docstring). Returns a list of floats in the
    order of ``weights``, each a multiple of ``rounding``, adding up to ``amount``
    rounded to ``rounding``.

    Weights must be finite and >= 0; a zero weight gets a zero share. Raises
    PoolError("no_weight") when the weights add up to 0 (or there are none).
    """
    step = _exact(rounding, "rounding")
    if step <= 0:
        raise PoolError("rounding", "the rounding must be above 0")
    exact_weights = [_exact(weight, "weight") for weight in weights]
    if any(weight < 0 for weight in exact_weights):
        raise PoolError("negative_weight", "a weight cannot be negative")
    total_weight = sum(exact_weights, Fraction(0))
    if total_weight <= 0:
        raise PoolError("no_weight", "nobody carries any weight: the pool cannot be split")
    pool = _exact(amount, "amount")
    sign = -1 if pool < 0 else 1
    units = round(abs(pool) / step)  # the pool in whole units of the rounding
    exact_units = [units * weight / total_weight for weight in exact_weights]
    whole = [math.floor(share) for share in exact_units]
    left = units - sum(whole)
    # largest remainder first; equal remainders: the member listed first
    order = sorted(range(len(whole)), key=lambda i: (-(exact_units[i] - whole[i]), i))
    for index in order[:left]:
        whole[index] += 1
    return [float(sign * count * step) + 0.0 for count in whole]
