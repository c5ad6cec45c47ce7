"""Plan the incentive inputs of one payslip (pure Python, payroll-engine neutral).

Both OCA payroll and Odoo Enterprise payroll keep one input per code on a
payslip; the salary rules read it by code (OCA reads the last input of a
code). ``plan_inputs`` says what to create, update and delete so that each
managed code carries exactly the sum of the postings bound to the payslip —
whatever the payroll engine rebuilt in between.

The bridge owns only its **share** of an input: an amount typed by hand under
the same code (a referral bonus under OKR_BONUS, say) is kept and added to.
Each input remembers the share the bridge put in it; the rest is manual. The
Enterprise mapping (``enterprise_input_values``) turns the plan into
``hr.payslip.input`` values with an ``input_type_id``.
"""

from dataclasses import dataclass

CENT = 0.005


@dataclass(frozen=True)
class ExistingInput:
    id: int
    code: str
    amount: float
    name: str
    share: float = 0.0  # the part of ``amount`` the bridge put there

    @property
    def manual(self):
        """What was entered by hand (or by the payroll engine), not by the bridge."""
        return round(self.amount - self.share, 2)


def wanted_inputs(postings):
    """{code: (amount, description)} from (code, amount, explanation) triples."""
    wanted = {}
    for code, amount, explanation in postings:
        total, texts = wanted.get(code, (0.0, []))
        wanted[code] = (total + amount, [*texts, explanation])
    return {
        code: (round(total, 2), "; ".join(texts)[:500]) for code, (total, texts) in wanted.items()
    }


def _changes(carrier, amount, share, name):
    changes = {}
    if abs(carrier.amount - amount) > CENT:
        changes["amount"] = amount
    if abs(carrier.share - share) > CENT:
        changes["okr_amount"] = share
    # The name explains the bridge's amount; an input with a manual amount keeps its own.
    if name and not abs(carrier.manual) > CENT and carrier.name != name:
        changes["name"] = name
    return changes


def plan_inputs(existing, wanted, managed_codes):
    """Operations making the payslip's managed inputs carry ``wanted``.

    Returns a list of ("delete", id), ("update", id, values) and
    ("create", code, values); values may set ``amount``, ``okr_amount`` (the
    bridge's share) and ``name``. Per code, the bridge's share goes on the
    last input (the one payroll reads) on top of its manual amount; other
    inputs of the code give their share back, and those left with no manual
    amount (duplicates, stale copies) are deleted. A code with nothing wanted
    keeps its input with its manual amount only.
    """
    operations = []
    for code in sorted(set(managed_codes) | set(wanted)):
        amount, name = wanted.get(code, (0.0, None))
        inputs = [i for i in existing if i.code == code]
        if not inputs:
            if code in wanted:
                values = {"code": code, "amount": amount, "okr_amount": amount, "name": name}
                operations.append(("create", code, values))
            continue
        *others, carrier = inputs
        for other in others:
            if abs(other.manual) <= CENT:
                operations.append(("delete", other.id))
            elif abs(other.share) > CENT:
                operations.append(("update", other.id, {"amount": other.manual, "okr_amount": 0.0}))
        changes = _changes(carrier, round(carrier.manual + amount, 2), amount, name)
        if changes:
            operations.append(("update", carrier.id, changes))
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
                    "okr_amount": values.get("okr_amount", values["amount"]),
                    "name": values["name"],
                },
            )
        )
    return mapped


def enterprise_input_type_values(code, name, struct_ids):
    """Values of the ``hr.payslip.input.type`` to create for a missing code."""
    return {"name": name, "code": code, "struct_ids": [(6, 0, list(struct_ids))]}
