"""Local fake DingTalk, WeCom and Feishu servers, for tests, demos and benchmarks.

Each fake is a real HTTP server on ``127.0.0.1`` (a
:class:`~connectors.testing.FakeRemote`) answering the platform's calls in the
platform's own shapes, from plain data::

    users = [PlatformUser("u1", "王伟", mobile="13800000001")]
    punches = [("u1", datetime(2026, 11, 2, 0, 58), "in")]   # naive UTC
    with FakeDingTalk(users=users, punches=punches, latency=0.05) as fake:
        client = ApiClient(fake.url, allow_local_network=True)
        platform = make_platform("dingtalk", client, {"app_key": "app", "app_secret": "secret"})

The credentials the fakes accept are ``app_id="app"`` and ``app_secret="secret"``
by default (DingTalk's app_key, WeCom's corp_id, Feishu's app_id; then the
secret); pass others to the constructor. Each punch gets a stable record id.

They enforce each call's documented limits (more users or days than allowed
answer the platform's parameter error) and have knobs to play what a real
platform does: :meth:`FakePlatform.expire_token` (tokens issued so far are
refused as expired), :meth:`~FakePlatform.throttle` (the next ``n`` data calls
answer "frequency limit"), :meth:`~FakePlatform.quota_after` (after ``n`` more
data calls, every data call answers "quota used up"; None lifts it),
:meth:`~FakePlatform.add_raw` (a raw record added to every answer of a call,
e.g. a malformed one), ``latency`` (seconds per call) and :attr:`counts` (calls
per path, token calls included). Shift results are derived from the punches:
an "in" after 09:00 local is late, an "out" before 18:00 local is early.
"""

from .common import END_OF_DAY as END_OF_DAY
from .common import SHANGHAI as SHANGHAI
from .common import START_OF_DAY as START_OF_DAY
from .common import UTC as UTC
from .common import FakePlatform
from .dingtalk import FakeDingTalk
from .feishu import FakeFeishu
from .wecom import FakeWeCom

__all__ = ["FakeDingTalk", "FakeFeishu", "FakePlatform", "FakeWeCom"]
