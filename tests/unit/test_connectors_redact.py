"""Redaction of a connector's secrets in what a remote sends back."""

import json

from connectors.redact import MASK, redact, redact_data, redact_json, secret_forms

KEY = "Zx9-echo+K3y/4711="


def test_secret_forms_cover_url_and_json_encodings():
    forms = secret_forms([KEY, "", None, 'q"uote'])
    assert KEY in forms
    assert "Zx9-echo%2BK3y%2F4711%3D" in forms
    assert 'q\\"uote' in forms
    assert forms == sorted(forms, key=len, reverse=True), "longest first"


def test_redact_masks_encoded_echoes_and_secret_query_parameters():
    text = f"key {KEY}, again Zx9-echo%2BK3y%2F4711%3D, see https://x.example/?token=abc&page=2"
    assert (
        redact(text, [KEY])
        == f"key {MASK}, again {MASK}, see https://x.example/?token={MASK}&page=2"
    )


def test_redact_data_masks_keys_values_and_numbers():
    row = {"emp_no": KEY, KEY: 1, "pin": 4711, "ok": True, "rows": [f"a {KEY}"]}
    assert redact_data(row, [KEY, "4711"]) == {
        "emp_no": MASK,
        MASK: 1,
        "pin": MASK,
        "ok": True,
        "rows": [f"a {MASK}"],
    }


def test_redact_json_keeps_valid_json_and_untouched_text():
    raw = json.dumps({"emp_no": 'a"b', "n": 1})
    cleaned = redact_json(raw, ['a"b'])
    assert json.loads(cleaned) == {"emp_no": MASK, "n": 1}
    untouched = '{"emp_no":  "1001"}'
    assert redact_json(untouched, [KEY]) == untouched, "formatting kept when nothing to mask"
    assert redact_json(f"not json {KEY}", [KEY]) == f"not json {MASK}"
