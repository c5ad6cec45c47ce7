"""Attendance sources: terminal CSV exports (ZKTeco style) and REST APIs."""

from .pairing import pair_punches
from .rest import RestAttendanceSource
from .schema import AttendancePair, AttendanceRecord, Punch
from .zkteco import parse_zkteco_csv
