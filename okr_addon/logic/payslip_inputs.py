"""Plan the incentive inputs of one payslip (pure Python, payroll-engine neutral).

Both OCA payroll and Odoo Enterprise payroll keep one input per code on a
payslip; the salary rules read it by code. ``plan_inputs`` says what to
create, update and delete so that each managed code holds exactly the sum of
the postings bound to the payslip — whatever the payroll engine rebuilt in
between. The Enterprise mapping (``enterprise_input_values``) turns the plan
into ``hr.payslip.input`` values with an ``input_type_id``.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class ExistingInput:
    id: int
    code: str
    amount: float
    name: str


def wanted_inputs(postings):
    """{code: (amount, description)} from (code, amount, explanation) triples."""
    wanted = {}
    for code, amount, explanation in postings:
        total, texts = wanted.get(code, (0.0, []))
        wanted[code] = (total + amount, [*texts, explanation])
    return {
        code: (round(total, 2), "; ".join(texts)[:500]) for code, (total, texts) in wanted.items()
    }


def plan_inputs(existing, wanted, managed_codes):
    """Operations making the payslip's managed inputs match ``wanted``.

    Returns a list of ("delete", id), ("update", id, values) and
    ("create", code, values). One input per managed code is kept (extra
    duplicates are deleted); a code with nothing wanted keeps its input at 0.
    """
    operations = []
    for code in sorted(set(managed_codes) | set(wanted)):
        amount, name = wanted.get(code, (0.0, None))
        inputs = [i for i in existing if i.code == code]
        if inputs:
            first, extra = inputs[0], inputs[1:]
            operations += [("delete", i.id) for i in extra]
            changes = {}
            if abs(first.amount - amount) > 0.005:
                changes["amount"] = amount
            if name and first.name != name:
                changes["name"] = name
            if changes:
                operations.append(("update", first.id, changes))
        elif code in wanted:
            operations.append(("create", code, {"code": code, "amount": amount, "name": name}))
    return operations


def enterprise_input_values(operations, payslip_id, input_type_ids):
    """Map a plan to Odoo Enterprise ``hr.payslip.input`` values.

    Enterprise inputs have no free ``code``: they point to an
    ``hr.payslip.input.type`` (whose code the rules read). ``input_type_ids``
    maps code → type id; a missing type raises KeyError naming the code, so
    the caller creates it first (``enterprise_input_type_values``).
    """
    mapped = []
    for operation in operations:
        if operation[0] != "create":
            mapped.append(operation)
            continue
        _kind, code, values = operation
        if code not in input_type_ids:
            raise KeyError(f"no payslip input type for code {code}")
        mapped.append(
            (
                "create",
                code,
                {
                    "payslip_id": payslip_id,
                    "input_type_id": input_type_ids[code],
                    "amount": values["amount"],
                    "name": values["name"],
                },
            )
        )
    return mapped


def enterprise_input_type_values(code, name, struct_ids):
    """Values of the ``hr.payslip.input.type`` to create for a missing code."""
    return {"name": name, "code": code, "struct_ids": [(6, 0, list(struct_ids))]}
