"""Attendance platforms of Chinese companies: DingTalk (钉钉), WeCom (企业微信), Feishu (飞书).

See :mod:`connectors.platforms.base` for what every adapter gives and takes,
:mod:`connectors.platforms.session` for tokens, waits and error codes, and
:mod:`connectors.platforms.fakes` for local fake servers. Build an adapter
with :func:`make_platform`::

    client = ApiClient(BASE_URLS["dingtalk"], timeout=20)
    platform = make_platform("dingtalk", client, {"app_key": ..., "app_secret": ...},
                             token_store=store, options={"tz": "Asia/Shanghai"})
"""

import time

from ..errors import ConfigurationError
from .base import (
    FetchResult,
    MemoryTokenStore,
    PlatformError,
    PlatformUser,
    Punch,
    QuotaExhaustedError,
    ShiftResult,
    TokenStore,
)
from .dingtalk import DingTalkPlatform
from .feishu import FeishuPlatform
from .session import CredentialError
from .wecom import WeComPlatform

PLATFORMS = {
    "dingtalk": DingTalkPlatform,
    "wecom": WeComPlatform,
    "feishu": FeishuPlatform,
}
CREDENTIALS = {code: cls.credential_names for code, cls in PLATFORMS.items()}
BASE_URLS = {
    "dingtalk": "https://oapi.dingtalk.com/",
    "wecom": "https://qyapi.weixin.qq.com/cgi-bin/",
    "feishu": "https://open.feishu.cn/open-apis/",
}
# Options each platform understands (besides its credentials).
OPTIONS = {code: cls.options_allowed for code, cls in PLATFORMS.items()}


def make_platform(
    code, client, credentials, *, token_store=None, sleep=time.sleep, now=None, options=None
):
    """The adapter of platform ``code`` ("dingtalk", "wecom", "feishu") on ``client``.

    ``credentials`` holds the keys of ``CREDENTIALS[code]``; ``token_store`` keeps the
    access token between runs; ``sleep`` and ``now`` (aware UTC) are injectable;
    ``options``: ``tz`` (default Asia/Shanghai), Feishu's ``employee_type``.
    """
    try:
        cls = PLATFORMS[code]
    except KeyError:
        raise ConfigurationError(
            f"unknown attendance platform {code!r}: use one of {', '.join(PLATFORMS)}"
        ) from None
    return cls(client, credentials, token_store=token_store, sleep=sleep, now=now, options=options)


__all__ = [
    "BASE_URLS",
    "CREDENTIALS",
    "OPTIONS",
    "PLATFORMS",
    "CredentialError",
    "DingTalkPlatform",
    "FeishuPlatform",
    "FetchResult",
    "MemoryTokenStore",
    "PlatformError",
    "PlatformUser",
    "Punch",
    "QuotaExhaustedError",
    "ShiftResult",
    "TokenStore",
    "WeComPlatform",
    "make_platform",
]
