"""The one retry policy of the connectors, on top of ``tenacity``.

Every wait-and-try-again of the connectors goes through :func:`retrying`: the
HTTP client's retries of timeouts, dropped connections, 5xx and 429
(:mod:`connectors.http`) and the attendance platforms' waits after a
"frequency limit" answer (:mod:`connectors.platforms.session`). The policy is
always the same:

* at most ``attempts`` attempts (the first one included);
* retry ``n`` waits ``backoff * 2 ** (n - 1)`` seconds unless the attempt
  asked for another delay (``Retry-After``, a platform's reset header), and
  every wait is capped at ``max_wait``;
* ``sleep`` is injectable, so tests never wait;
* an exception that is not a retryable one goes straight to the caller.

What "retryable" means is up to the caller: a result (``retry_result``, a
predicate of the attempt's return value) or an exception (``retry_on``,
exception types). When the attempts are used up, the last result is returned
(and the caller decides what to raise) or the last exception is re-raised.
"""

import math
import time

import tenacity

__all__ = ["backoff_delay", "retrying"]


def backoff_delay(attempt, backoff, max_wait, asked=None):
    """Seconds to wait before retry ``attempt`` (1-based): ``asked`` when the remote
    asked for a delay, else ``backoff * 2 ** (attempt - 1)``; within ``[0, max_wait]``."""
    wait = asked if asked is not None and math.isfinite(asked) else backoff * 2 ** (attempt - 1)
    return min(max(wait, 0.0), max_wait)


def retrying(
    *,
    attempts,
    backoff=0.5,
    max_wait=60.0,
    sleep=time.sleep,
    retry_result=None,
    retry_on=(),
    asked_delay=None,
    on_retry=None,
):
    """A :class:`tenacity.Retrying` applying the policy of the module doc.

    ``asked_delay(outcome_value_or_exception)`` returns the delay the failed
    attempt asked for, or None; ``on_retry(attempt, delay, value_or_exception)``
    is called before each wait (to log it).
    """

    def _value(state):
        outcome = state.outcome
        return outcome.exception() if outcome.failed else outcome.result()

    def _wait(state):
        asked = asked_delay(_value(state)) if asked_delay else None
        return backoff_delay(state.attempt_number, backoff, max_wait, asked)

    conditions = []
    if retry_result is not None:
        conditions.append(tenacity.retry_if_result(retry_result))
    if retry_on:
        conditions.append(tenacity.retry_if_exception_type(tuple(retry_on)))
    retry = tenacity.retry_any(*conditions) if conditions else tenacity.retry_never

    def _before_sleep(state):
        if on_retry is not None:
            on_retry(state.attempt_number, state.next_action.sleep, _value(state))

    return tenacity.Retrying(
        stop=tenacity.stop_after_attempt(max(1, attempts)),
        wait=_wait,
        retry=retry,
        sleep=sleep,
        before_sleep=_before_sleep,
        reraise=True,
        # Attempts used up on a retryable *result*: hand the last one back.
        retry_error_callback=lambda state: state.outcome.result(),
    )
