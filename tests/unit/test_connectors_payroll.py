"""Payroll adapter: wages and payslips in, idempotent incentive lines out."""

import decimal
from collections import Counter

import pytest
from marshmallow import ValidationError

from connectors.http import ApiClient
from connectors.payroll import IncentiveLine, IncentiveLineSchema, PayrollApi, PayrollSink, Wage
from connectors.payroll.api import says_duplicate
from connectors.payroll.schema import WageSchema
from connectors.testing import FakeRemote, Reply

D = decimal.Decimal


@pytest.fixture
def remote():
    with FakeRemote() as server:
        yield server


def client_of(remote, **kwargs):
    kwargs.setdefault("sleep", lambda _s: None)
    kwargs.setdefault("allow_local_network", True)
    return ApiClient(remote.url, auth={"type": "bearer", "token": "pay-token"}, **kwargs)


def line(number, **changes):
    data = {
        "ledger_key": f"INC-2026-11-{number}",
        "employee_code": str(1000 + number),
        "period": "2026-11",
        "rule_code": "OUTPUT",
        "amount": D("350.00") + number,
        "currency": "CNY",
        "explanation": "112% of output target",
    }
    return {**data, **changes}


def idempotent_ledger(ledger, first_reply=None):
    """A remote that books each Idempotency-Key once and answers 409 to repeats.

    ``first_reply`` replaces the answer to a key's first request (lost responses).
    """

    def answer(seen):
        key = seen.headers["Idempotency-Key"]
        if key in ledger:
            return Reply(409, body={"error": "duplicate idempotency key"})
        ledger[key] = seen.json
        return first_reply or Reply(201, body={"id": len(ledger)})

    return answer


def test_fetch_wages_loads_decimals_and_reports_bad_records(remote):
    body = {
        "items": [
            {"employee_code": 1001, "base_wage": "5200.5", "currency": "cny", "grade": "B"},
            {"employee_code": "1002", "base_wage": 4800, "currency": "CNY"},
            {"employee_code": "1003", "base_wage": "lots", "currency": "CNY"},
        ]
    }
    remote.script("GET", "/wages", Reply(body=body))
    result = PayrollApi(client_of(remote)).fetch_wages()
    assert result.items == [Wage("1001", D("5200.50"), "CNY"), Wage("1002", D("4800.00"), "CNY")]
    assert [(e.row, e.field) for e in result.errors] == [(3, "base_wage")]
    assert remote.calls()[0].headers["Authorization"] == "Bearer pay-token"


def test_fetch_payslip_totals_asks_for_the_period(remote):
    body = [{"emp": "1001", "period": "2026-11", "gross": 6100, "net": "5230.4", "currency": "CNY"}]
    remote.script("GET", "/hr/payslips", Reply(body=body))
    api = PayrollApi(
        client_of(remote), payslips_path="hr/payslips", mapping={"emp": "employee_code"}
    )
    result = api.fetch_payslip_totals("2026-11")
    assert [(t.employee_code, t.gross, t.net) for t in result.items] == [
        ("1001", D("6100.00"), D("5230.40"))
    ]
    assert remote.calls()[0].query == {"period": "2026-11"}


def test_fetch_payslip_totals_refuses_a_bad_period_before_calling(remote):
    with pytest.raises(ValueError, match="period must look like 2026-11"):
        PayrollApi(client_of(remote)).fetch_payslip_totals("11/2026")
    assert remote.calls() == []


def test_wage_schema_requires_a_currency():
    with pytest.raises(ValidationError) as caught:
        WageSchema().load({"employee_code": "1001", "base_wage": "1"})
    assert caught.value.messages == {"currency": ["missing value"]}


def test_incentive_line_schema_dumps_two_decimal_strings():
    schema = IncentiveLineSchema()
    payload = schema.dump(schema.load(line(1, amount=12.345, currency="cny", employee_code=1001)))
    assert payload["amount"] == "12.35"
    assert payload["currency"] == "CNY"
    assert payload["employee_code"] == "1001"


def test_incentive_line_schema_raises_on_unknown_and_bad_fields():
    with pytest.raises(ValidationError) as caught:
        IncentiveLineSchema().load(line(1, period="2026-13", ledger_key="A B", bonus=True))
    assert set(caught.value.messages) == {"period", "ledger_key", "bonus"}
    assert caught.value.messages["bonus"] == ["Unknown field."]


def test_push_posts_each_line_with_its_idempotency_key(remote):
    ledger = {}
    remote.script("POST", "/incentives", idempotent_ledger(ledger))
    lines = [line(1), IncentiveLine(**line(2))]
    results = PayrollSink(client_of(remote), "incentives").push(lines)
    assert [(r.index, r.ledger_key, r.status) for r in results] == [
        (1, "INC-2026-11-1", "posted"),
        (2, "INC-2026-11-2", "posted"),
    ]
    assert [c.headers["Idempotency-Key"] for c in remote.calls()] == list(ledger)
    assert ledger["INC-2026-11-2"]["amount"] == "352.00"
    assert ledger["INC-2026-11-2"]["explanation"] == "112% of output target"


def test_409_and_duplicate_answers_count_as_already_posted(remote):
    remote.script(
        "POST",
        "/incentives",
        Reply(409, body={"error": "exists"}),
        Reply(200, body={"status": "duplicate"}),
        Reply(422, body={"error": "Duplicate ledger key"}),
        Reply(201, body={"status": "created", "message": "no duplicate found"}),
        Reply(422, body={"error": "employee 1005 unknown"}),
    )
    results = PayrollSink(client_of(remote), "incentives").push([line(n) for n in range(1, 6)])
    assert [r.status for r in results] == ["duplicate"] * 3 + ["posted", "failed"]
    assert results[0].reason == "already posted"
    assert "HTTP 422" in results[4].reason
    assert "employee 1005 unknown" in results[4].reason


@pytest.mark.parametrize("lost", [Reply(drop=True), Reply(201, delay=0.5)], ids=["drop", "timeout"])
def test_a_retried_push_after_a_lost_response_is_counted_once(remote, lost):
    ledger = {}
    remote.script("POST", "/incentives", idempotent_ledger(ledger, first_reply=lost))
    results = PayrollSink(client_of(remote, timeout=0.15), "incentives").push([line(1)])
    keys = [c.headers["Idempotency-Key"] for c in remote.calls()]
    assert keys == ["INC-2026-11-1", "INC-2026-11-1"]
    assert list(ledger) == ["INC-2026-11-1"]
    assert (results[0].status, results[0].reason) == ("duplicate", "already posted")


def test_invalid_and_repeated_lines_are_not_sent(remote):
    ledger = {}
    remote.script("POST", "/incentives", idempotent_ledger(ledger))
    lines = [line(1, amount="n/a"), line(2), line(2), line(3, bonus=1)]
    results = PayrollSink(client_of(remote), "incentives").push(lines)
    assert [r.status for r in results] == ["failed", "posted", "duplicate", "failed"]
    assert results[0].reason == "invalid line: row 1, field 'amount': Not a valid number."
    assert "'bonus': Unknown field." in results[3].reason
    assert list(ledger) == ["INC-2026-11-2"]


def test_unreachable_payroll_fails_the_rest_without_hammering(remote):
    remote.script("POST", "/incentives", Reply(503))
    sink = PayrollSink(client_of(remote, max_retries=1), "incentives")
    results = sink.push([line(n) for n in range(1, 5)])
    assert Counter(r.status for r in results) == {"failed": 4}
    assert "failed after 2 attempt(s): HTTP 503" in results[0].reason
    assert results[3].reason.startswith("not sent: POST")
    assert len(remote.calls()) == 2


def test_says_duplicate_reads_status_fields_only():
    assert says_duplicate('{"status": "already_posted"}')
    assert says_duplicate("Duplicate request")
    assert not says_duplicate('{"status": "ok", "message": "duplicate check passed"}')
    assert not says_duplicate("")
