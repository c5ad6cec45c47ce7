"""Attendances read from a remote REST API (time clock cloud, HR system).

Each record is loaded with :class:`~connectors.attendance.schema.AttendanceRecordSchema`
(unknown fields ignored, ``employee_code`` and ``check_in`` required). The
remote's field names are mapped onto ours with ``mapping``, e.g.::

    RestAttendanceSource(client, "v1/attendances",
                         mapping={"emp_no": "employee_code", "in": "check_in",
                                  "out": "check_out", "id": "external_id"})

A bad record becomes a PayloadError whose ``row`` is its 1-based position
across all pages; the other records are kept.
"""

from ..loading import LoadResult, load_rows
from ..pagination import Paginator
from .schema import AttendanceRecordSchema


class RestAttendanceSource:
    """All attendances of a paginated list endpoint, loaded and validated."""

    def __init__(
        self, client, path, mapping=None, *, pagination="cursor", page_size=100, max_pages=10000
    ):
        remote_names = {ours: theirs for theirs, ours in (mapping or {}).items()}
        self.schema = AttendanceRecordSchema(field_map=mapping)
        self.paginator = Paginator(
            client,
            path,
            style=pagination,
            page_size=page_size,
            max_pages=max_pages,
            id_key=remote_names.get("external_id", "external_id"),
        )

    def fetch(self, params=None) -> LoadResult:
        """Fetch every page; return a LoadResult of AttendanceRecord and PayloadErrors.

        ``params`` (e.g. ``{"since": "2026-11-01"}``) are sent with every page.
        """
        self.paginator.params = dict(params or {})
        result = load_rows(self.schema, enumerate(self.paginator, start=1))
        result.warnings.extend(self.paginator.warnings)
        return result
