"""Talk to the payroll system: read wages and payslips, post incentive lines.

Posting money must be safe to repeat. Every line carries a ``ledger_key``
that never changes, sent as the ``Idempotency-Key`` header: when a response
is lost and the client retries, or a job runs twice, the payroll system
recognises the key and answers 409 (or says "duplicate"), which we count as
"already posted" - the line is paid once. :meth:`PayrollSink.push` returns
one :class:`PushResult` per line, so every line ends posted, duplicate or
failed with a reason; none is lost silently.
"""

import dataclasses
import json
import re

from marshmallow import ValidationError

from ..errors import ConfigurationError, HttpStatusError, TransientError
from ..loading import LoadResult, load_rows, payload_error
from ..pagination import extract_items
from .schema import IncentiveLineSchema, PayslipTotalSchema, WageSchema

POSTED = "posted"
DUPLICATE = "duplicate"
FAILED = "failed"
# Fields of a JSON answer that may say the line was already posted.
_STATUS_KEYS = ("status", "result", "code", "error")


@dataclasses.dataclass(frozen=True)
class PushResult:
    """Outcome of one pushed line; ``index`` is its 1-based position in the batch."""

    index: int
    ledger_key: str
    status: str  # POSTED, DUPLICATE or FAILED
    reason: str = ""


class PayrollApi:
    """Read side of the payroll system; ``mapping`` renames remote fields."""

    def __init__(self, client, *, wages_path="wages", payslips_path="payslips", mapping=None):
        self.client = client
        self.wages_path = wages_path
        self.payslips_path = payslips_path
        self.mapping = mapping

    def fetch_wages(self) -> LoadResult:
        """Return a LoadResult of :class:`Wage` (base wage and currency per employee)."""
        return self._load(self.wages_path, WageSchema(field_map=self.mapping))

    def fetch_payslip_totals(self, period) -> LoadResult:
        """Return a LoadResult of :class:`PayslipTotal` of ``period`` ("YYYY-MM")."""
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", str(period)):
            raise ValueError(f"period must look like 2026-11, not {period!r}")
        schema = PayslipTotalSchema(field_map=self.mapping)
        return self._load(self.payslips_path, schema, {"period": period})

    def _load(self, path, schema, params=None):
        records = extract_items(self.client.get_json(path, params=params), "items", path)
        return load_rows(schema, enumerate(records, start=1))


class PayrollSink:
    """Write side: posts incentive lines one by one to ``path``."""

    def __init__(self, client, path):
        self.client = client
        self.path = path
        self.schema = IncentiveLineSchema()

    def push(self, lines):
        """Post ``lines`` (dicts or IncentiveLine); return one PushResult per line.

        Once the remote is unreachable (retries exhausted) or refuses our
        credentials, the remaining lines are not sent and fail with that reason.
        """
        results, sent, stop = [], set(), None
        for index, line in enumerate(lines, start=1):
            if stop is not None:
                results.append(PushResult(index, _key_of(line), FAILED, f"not sent: {stop}"))
                continue
            try:
                results.append(self._push_one(index, line, sent))
            except (TransientError, ConfigurationError) as exc:
                # Every further line would fail the same way: do not hammer.
                stop = str(exc)
                results.append(PushResult(index, _key_of(line), FAILED, stop))
        return results

    def _push_one(self, index, line, sent):
        try:
            payload = self.schema.dump(self.schema.load(_as_dict(line)))
        except ValidationError as exc:
            reason = f"invalid line: {payload_error(index, exc, line)}"
            return PushResult(index, _key_of(line), FAILED, reason)
        key = payload["ledger_key"]
        if key in sent:
            return PushResult(index, key, DUPLICATE, "repeated in this batch, sent once")
        sent.add(key)
        try:
            response = self.client.request(
                "POST", self.path, json=payload, headers={"Idempotency-Key": key}
            )
        except HttpStatusError as exc:
            if exc.status == 409 or says_duplicate(exc.body):
                return PushResult(index, key, DUPLICATE, "already posted")
            return PushResult(index, key, FAILED, f"rejected (HTTP {exc.status}): {exc.body}")
        if says_duplicate(response.text):
            return PushResult(index, key, DUPLICATE, "already posted")
        return PushResult(index, key, POSTED)


def says_duplicate(text):
    """True when an answer says the line was already posted.

    In a JSON object only the status-like fields count, so that a message
    such as "no duplicate found" is not misread.
    """
    try:
        body = json.loads(text or "null")
    except ValueError:
        body = text
    if isinstance(body, dict):
        body = " ".join(str(body.get(key, "")) for key in _STATUS_KEYS)
    words = str(body or "").lower()
    return "duplicate" in words or "already" in words


def _as_dict(line):
    return dataclasses.asdict(line) if dataclasses.is_dataclass(line) else dict(line)


def _key_of(line):
    try:
        return str(_as_dict(line).get("ledger_key") or "")
    except (TypeError, ValueError):
        return ""
