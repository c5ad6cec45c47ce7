"""Platform users matched to employees, and shift verdicts summed up (pure)."""

import datetime

import pytest

from okr_addon.logic import platform_match as pm

ORDER = pm.parse_order(pm.DEFAULT_ORDER)
EMPLOYEES = {
    1: {
        "mobile": "+86 138-0000-0001",
        "job_number": "A1001",
        "email": "Wang.Wu@x.cn",
        "name": "王五",
    },
    2: {"mobile": "13800000002", "job_number": "A1002", "email": "", "name": "张三"},
    3: {"mobile": "13800000002", "job_number": "A1003", "email": "", "name": "李四"},
    4: {"mobile": "", "job_number": "", "email": "", "name": "张三"},
}


def test_order_is_parsed_and_checked():
    assert ORDER == ("mobile", "job_number", "email", "name")
    assert pm.parse_order(" Name , mobile") == ("name", "mobile")
    for bad, reason in [
        ("badge", "unknown key 'badge'"),
        ("name,name", "twice"),
        (" , ", "at least"),
    ]:
        with pytest.raises(ValueError, match=reason):
            pm.parse_order(bad)


def test_normalised_values():
    assert pm.normalise("mobile", "+86 138-0000-0001") == "13800000001"
    assert pm.normalise("mobile", "0086 13800000001") == "13800000001"
    assert pm.normalise("email", " Wang.Wu@X.cn ") == "wang.wu@x.cn"
    assert pm.normalise("name", "Wang  Wu") == "wangwu"
    assert pm.normalise("job_number", None) == ""


def test_first_key_that_finds_someone_decides():
    assert pm.match({"mobile": "13800000001"}, EMPLOYEES, ORDER) == ("matched", 1, [], "mobile")
    # nobody has this mobile: the job number decides
    person = {"mobile": "13900000000", "job_number": "a1003"}
    assert pm.match(person, EMPLOYEES, ORDER) == ("matched", 3, [], "job_number")
    assert pm.match({"email": "wang.wu@x.cn"}, EMPLOYEES, ORDER) == ("matched", 1, [], "email")
    assert pm.match({"name": "Nobody"}, EMPLOYEES, ORDER) == ("unmatched", None, [], None)
    assert pm.match({}, EMPLOYEES, ORDER) == ("unmatched", None, [], None)


def test_a_key_fitting_several_employees_is_ambiguous_and_the_next_is_not_tried():
    person = {"mobile": "13800000002", "job_number": "A1002"}
    assert pm.match(person, EMPLOYEES, ORDER) == ("ambiguous", None, [2, 3], "mobile")
    assert pm.match({"name": "张三"}, EMPLOYEES, ORDER) == ("ambiguous", None, [2, 4], "name")
    # another order: the job number first settles it
    order = pm.parse_order("job_number,mobile")
    assert pm.match(person, EMPLOYEES, order) == ("matched", 2, [], "job_number")


def test_match_all_indexes_once():
    people = {"u1": {"mobile": "13800000001"}, "u2": {"name": "李四"}}
    assert pm.match_all(people, EMPLOYEES, ORDER) == {
        "u1": ("matched", 1, [], "mobile"),
        "u2": ("matched", 3, [], "name"),
    }


def test_worst_status_of_each_day_and_the_counts():
    day = datetime.date(2026, 11, 2)
    verdicts = [(1, day, "late"), (1, day, "early"), (2, day, "normal"), (3, day, "weird")]
    verdicts += [(3, day, "normal"), (4, day, "not_signed"), (4, day, "absent")]
    assert pm.worst_by_day(verdicts) == {
        (1, day): "late",
        (2, day): "normal",
        (3, day): "other",
        (4, day): "absent",
    }
    statuses = [status for _who, _day, status in verdicts]
    assert pm.status_counts(statuses) == [
        ("absent", 1),
        ("not_signed", 1),
        ("late", 1),
        ("early", 1),
        ("other", 1),
    ]
    assert pm.worst([]) is None
