"""Explanations kept as facts and worded when read, in the reader's language.

An incentive line's explanation ("Scrap rate 3.5% vs target 4% → completion
112.5% → tier ≥ 110% → +500.00 CNY") is read by HR in Chinese, by a manager in
English and by the worker on the phone in their own language. So a line stores
what was found — phrases with their numbers, records and selection keys —
and :func:`render` words it for whoever reads it::

    chain(
        _lt("%(kpi)s %(actual).4g%(unit)s vs target %(target).4g%(unit)s",
            kpi=ref(definition), actual=3.5, target=4, unit="%"),
        _lt("completion %(value).4g%%", value=112.5),
        "+500.00 CNY",
    )

``_lt`` marks its English source for translation export, as Odoo's own lazy
``_lt`` does; the stored form is plain JSON (a dict per phrase), so equal facts
compare equal and a recompute that finds the same facts writes nothing.
"""

import json

from odoo.exceptions import MissingError

SEPARATOR = " → "


def _lt(source, /, **params):
    """A phrase: an English source with ``%(name)s`` placeholders and its parameters
    (numbers, text, or other phrases, records and labels)."""
    return {"t": source, "p": params}


def chain(*parts):
    """Parts read in order, joined by an arrow; empty parts are left out."""
    return {"j": [part for part in parts if part not in (None, "", False)]}


def concat(*parts):
    """Parts written one after the other, as they are."""
    return {"c": list(parts)}


def ref(record, field="name"):
    """A field of a record (a KPI's name...), read in the reader's language."""
    return {"r": [record._name, record.id, field]}


def label(model, field, key):
    """The label of a selection key, in the reader's language."""
    return {"s": [model, field, key]}


def dumps(fact):
    """The stored text of ``fact``: compact JSON, the same text for the same facts
    (so a recompute that finds the same facts writes nothing)."""
    if isinstance(fact, str):
        return fact
    return json.dumps(fact, ensure_ascii=False, separators=(",", ":"), sort_keys=True, default=str)


def loads(text):
    """The facts of a stored text (a plain text stays as it is)."""
    if not text or text[0] not in "{[":
        return text or ""
    try:
        return json.loads(text)
    except ValueError:
        return text


def tier_phrase(tier, unit=""):
    """Which tier a value fell in ("tier ≥ 110%"), or that it fell in none."""
    return _lt("tier %(band)s", band=tier.label(unit)) if tier else _lt("no tier")


def render(env, fact):
    """The text of ``fact`` in ``env``'s language."""
    if isinstance(fact, list):
        fact = {"j": fact}
    if not isinstance(fact, dict):
        return fact
    if "j" in fact or "c" in fact:
        glue, parts = (SEPARATOR, fact["j"]) if "j" in fact else ("", fact["c"])
        return glue.join(str(render(env, part)) for part in parts)
    if "r" in fact:
        model, record_id, field = fact["r"]
        # Named by a line the reader may read: the name is part of its explanation.
        try:
            return env[model].sudo().browse(record_id)[field]
        except MissingError:  # deleted since
            return "?"
    if "s" in fact:
        model, field, key = fact["s"]
        return dict(env[model]._fields[field]._description_selection(env)).get(key, key)
    params = {name: render(env, value) for name, value in fact["p"].items()}
    # The source is one of okr_addon's code terms (marked with _lt where it is made).
    source = fact["t"]
    return env._(source, **params) if params else env._(source)
