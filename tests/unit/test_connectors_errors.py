"""Typed connector errors: readable row errors, one hierarchy."""

from marshmallow import ValidationError

from connectors import errors
from connectors.loading import payload_error


def test_payload_error_reads_like_a_sentence_and_keeps_the_raw_row():
    raw = {"No.": "1002", "Time": "2026-13-02 08:00"}
    error = errors.PayloadError(6, "Time", "not a valid date/time '2026-13-02 08:00'", raw)
    assert str(error) == "row 6, field 'Time': not a valid date/time '2026-13-02 08:00'"
    assert (error.row, error.field, error.raw) == (6, "Time", raw)
    assert str(errors.PayloadError(9, None, "duplicate of row 4")) == "row 9: duplicate of row 4"


def test_every_error_is_a_connector_error():
    for name in (
        "TransientError",
        "ConfigurationError",
        "HttpStatusError",
        "MalformedResponseError",
        "PayloadError",
        "FileError",
    ):
        assert issubclass(getattr(errors, name), errors.ConnectorError), name


def test_validation_error_on_several_fields_names_them_all():
    exc = ValidationError({"Time": ["missing value"], "No.": ["missing value"]})
    error = payload_error(13, exc, {"Name": "He Jun"})
    assert error.field == "No., Time"
    assert error.reason == "No.: missing value; Time: missing value"
    assert payload_error(2, ValidationError("Invalid input type."), "x").field is None
