"""Plain-pytest checks of the payslip input plan and the Enterprise payroll mapping."""

import pytest

from okr_addon.logic.payslip_inputs import (
    ExistingInput,
    enterprise_input_type_values,
    enterprise_input_values,
    plan_inputs,
    wanted_inputs,
)

CODES = {"OKR_BONUS", "KPI_DEDUCTION"}


def test_wanted_sums_postings_per_code():
    wanted = wanted_inputs(
        [
            ("OKR_BONUS", 500, "tier ≥ 110"),
            ("OKR_BONUS", -200, "Adjustment"),
            ("KPI_DEDUCTION", -300, "tier < 80"),
        ]
    )
    assert wanted == {
        "OKR_BONUS": (300, "tier ≥ 110; Adjustment"),
        "KPI_DEDUCTION": (-300, "tier < 80"),
    }


def test_plan_creates_missing_inputs():
    plan = plan_inputs([], {"OKR_BONUS": (500.0, "why")}, CODES)
    assert plan == [
        (
            "create",
            "OKR_BONUS",
            {"code": "OKR_BONUS", "amount": 500.0, "okr_amount": 500.0, "name": "why"},
        )
    ]


def test_plan_fills_rebuilt_structure_inputs_and_drops_duplicates():
    # payroll rebuilt the inputs: the structure's empty OKR_BONUS plus the bridge's copy
    existing = [
        ExistingInput(1, "OKR_BONUS", 0.0, "OKR bonus"),
        ExistingInput(2, "OKR_BONUS", 500.0, "why", share=500.0),
        ExistingInput(3, "KPI_DEDUCTION", 0.0, "KPI deduction"),
        ExistingInput(4, "SALEURO", 9.0, "sales"),
    ]
    plan = plan_inputs(existing, {"OKR_BONUS": (500.0, "why")}, CODES)
    assert plan == [("delete", 1)]
    # only the structure's empty input: the bridge's amount goes on it
    plan = plan_inputs(existing[:1], {"OKR_BONUS": (500.0, "why")}, CODES)
    assert plan == [("update", 1, {"amount": 500.0, "okr_amount": 500.0, "name": "why"})]


def test_plan_is_empty_when_inputs_already_match():
    existing = [ExistingInput(1, "OKR_BONUS", 500.0, "why", share=500.0)]
    assert plan_inputs(existing, {"OKR_BONUS": (500.0, "why")}, CODES) == []


def test_plan_zeroes_a_code_no_longer_wanted():
    existing = [ExistingInput(1, "OKR_BONUS", 500.0, "why", share=500.0)]
    assert plan_inputs(existing, {}, CODES) == [("update", 1, {"amount": 0.0, "okr_amount": 0.0})]


def test_plan_keeps_a_manual_amount_under_the_same_code():
    # HR typed a referral bonus under OKR_BONUS: the bridge adds its share on top
    manual = ExistingInput(1, "OKR_BONUS", 100.0, "Referral bonus")
    plan = plan_inputs([manual], {"OKR_BONUS": (500.0, "why")}, CODES)
    assert plan == [("update", 1, {"amount": 600.0, "okr_amount": 500.0})]
    # the incentive drops to 300, then nothing is due: the 100 stays
    carried = ExistingInput(1, "OKR_BONUS", 600.0, "Referral bonus", share=500.0)
    assert plan_inputs([carried], {"OKR_BONUS": (300.0, "why")}, CODES) == [
        ("update", 1, {"amount": 400.0, "okr_amount": 300.0})
    ]
    assert plan_inputs([carried], {}, CODES) == [
        ("update", 1, {"amount": 100.0, "okr_amount": 0.0})
    ]
    # a manual input added after the bridge's: the share moves onto the last one
    ours = ExistingInput(1, "OKR_BONUS", 500.0, "why", share=500.0)
    added = ExistingInput(2, "OKR_BONUS", 100.0, "Referral bonus")
    assert plan_inputs([ours, added], {"OKR_BONUS": (500.0, "why")}, CODES) == [
        ("delete", 1),
        ("update", 2, {"amount": 600.0, "okr_amount": 500.0}),
    ]


def test_enterprise_mapping_uses_input_types():
    plan = [
        ("create", "OKR_BONUS", {"code": "OKR_BONUS", "amount": 500.0, "name": "why"}),
        ("update", 7, {"amount": 1.0}),
    ]
    mapped = enterprise_input_values(plan, payslip_id=42, input_type_ids={"OKR_BONUS": 3})
    assert mapped == [
        (
            "create",
            "OKR_BONUS",
            {
                "payslip_id": 42,
                "input_type_id": 3,
                "amount": 500.0,
                "okr_amount": 500.0,
                "name": "why",
            },
        ),
        ("update", 7, {"amount": 1.0}),
    ]
    with pytest.raises(KeyError, match="KPI_DEDUCTION"):
        enterprise_input_values([("create", "KPI_DEDUCTION", {"amount": -1, "name": "x"})], 42, {})
    assert enterprise_input_type_values("OKR_BONUS", "OKR bonus", [5]) == {
        "name": "OKR bonus",
        "code": "OKR_BONUS",
        "struct_ids": [(6, 0, [5])],
    }
