"""Who is who on an attendance platform: its users matched to employees, and the
platform's verdicts on shifts summed up.

A platform user (DingTalk, WeCom, Feishu) carries a mobile number, a job
number, an e-mail and a name. They are compared with the employees' in a
chosen order of keys; the first key that the user has and that some
employee shares decides:

* one employee shares it: *matched*;
* several do: *ambiguous* — the next key is **not** tried, a person decides
  (a wrong guess would put one person's hours on another's pay);
* no key finds anyone: *unmatched*.

Values are compared normalised: mobile numbers by their digits without the
Chinese country code, e-mails and names without case and spaces.
"""

import collections
import re

MATCHED = "matched"
UNMATCHED = "unmatched"
AMBIGUOUS = "ambiguous"

KEYS = ("mobile", "job_number", "email", "name")
DEFAULT_ORDER = "mobile,job_number,email,name"

# Shift statuses from the worst to the best (connectors.platforms.base.STATUSES).
SEVERITY = ("absent", "not_signed", "late", "early", "other", "normal")


def parse_order(text):
    """The keys of a matching order such as "mobile, job_number, name" (a tuple).

    Raise ValueError for an unknown or repeated key or an empty order."""
    keys = tuple(part.strip().lower() for part in (text or "").split(",") if part.strip())
    unknown = [key for key in keys if key not in KEYS]
    if unknown:
        raise ValueError(f"unknown key {unknown[0]!r}: use {', '.join(KEYS)}")
    if len(set(keys)) != len(keys):
        raise ValueError("a key is named twice")
    if not keys:
        raise ValueError(f"name at least one of {', '.join(KEYS)}")
    return keys


def normalise(key, value):
    """The form of ``value`` that ``key`` compares (``""``: nothing to compare)."""
    text = str(value or "").strip()
    if not text:
        return ""
    if key == "mobile":
        digits = re.sub(r"\D", "", text)
        if len(digits) == 13 and digits.startswith("86"):
            digits = digits[2:]
        elif len(digits) == 15 and digits.startswith("0086"):
            digits = digits[4:]
        return digits
    if key == "job_number":
        return text.casefold()
    return re.sub(r"\s+", "", text).casefold()


def match(person, employees, order):
    """``(state, employee_id, candidate_ids, key)`` of ``person`` (a dict of the keys).

    ``employees`` is ``{employee_id: {key: value}}``; ``order`` a tuple of keys.
    ``employee_id`` is None unless matched; ``candidate_ids`` lists the
    employees sharing the deciding key when ambiguous; ``key`` is that key."""
    index = _index(employees, order)
    return _match(person, index, order)


def match_all(people, employees, order):
    """:func:`match` of each of ``people`` (``{user_id: {key: value}}``), indexing once."""
    index = _index(employees, order)
    return {user_id: _match(person, index, order) for user_id, person in people.items()}


def _index(employees, order):
    index = {key: collections.defaultdict(list) for key in order}
    for employee_id, values in sorted(employees.items()):
        for key in order:
            value = normalise(key, values.get(key))
            if value:
                index[key][value].append(employee_id)
    return index


def _match(person, index, order):
    for key in order:
        value = normalise(key, person.get(key))
        if not value:
            continue
        found = index[key].get(value, [])
        if len(found) == 1:
            return MATCHED, found[0], [], key
        if len(found) > 1:
            return AMBIGUOUS, None, list(found), key
    return UNMATCHED, None, [], None


def worst(statuses):
    """The worst of shift ``statuses`` (an unknown one counts as "other")."""
    ranked = [status if status in SEVERITY else "other" for status in statuses]
    return min(ranked, key=SEVERITY.index) if ranked else None


def worst_by_day(verdicts):
    """``{(who, day): worst status}`` of ``verdicts``, an iterable of (who, day, status)."""
    grouped = collections.defaultdict(list)
    for who, day, status in verdicts:
        grouped[(who, day)].append(status)
    return {key: worst(statuses) for key, statuses in grouped.items()}


def status_counts(statuses):
    """``[(status, count)]`` of the statuses other than "normal", worst first."""
    counts = collections.Counter(
        status if status in SEVERITY else "other" for status in statuses if status != "normal"
    )
    return [(status, counts[status]) for status in SEVERITY if counts.get(status)]
