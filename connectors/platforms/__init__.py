"""Attendance platforms of Chinese companies: DingTalk (钉钉), WeCom (企业微信), Feishu (飞书).

See :mod:`connectors.platforms.base` for what every adapter gives and takes."""

from .base import FetchResult, PlatformError, PlatformUser, Punch, QuotaExhaustedError, ShiftResult

__all__ = [
    "FetchResult",
    "PlatformError",
    "PlatformUser",
    "Punch",
    "QuotaExhaustedError",
    "ShiftResult",
]
