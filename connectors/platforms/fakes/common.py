"""What the fake platform servers share: :class:`FakePlatform` (server, tokens,
knobs, counters) and the shift rules the fakes derive results from."""

import collections
import datetime
import threading
import zoneinfo

from ...testing import FakeRemote

UTC = datetime.UTC
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
START_OF_DAY = datetime.time(9, 0)
END_OF_DAY = datetime.time(18, 0)


class FakePlatform:
    """What the three fakes share: server, tokens, knobs, counters."""

    token_path = ""
    secret_name = ""
    ERRORS = {}  # what gate() refuses ("token", "quota", "frequency") -> _error's arguments

    def __init__(
        self, users=(), punches=(), *, latency=0.0, tz=SHANGHAI, app_id="app", app_secret="secret"
    ):
        self.users = list(users)
        self.punches = [
            (str(user_id), moment, kind, f"{9_100_000_000 + index}")
            for index, (user_id, moment, kind) in enumerate(punches)
        ]
        self._by_user = collections.defaultdict(list)
        for punch in self.punches:
            self._by_user[punch[0]].append(punch)
        self.latency = latency
        self.tz = tz
        self.app_id = app_id
        self.app_secret = app_secret
        self.counts = collections.Counter()
        self.remote = FakeRemote()
        self._lock = threading.Lock()
        self._tokens = set()
        self._issued = 0
        self._throttle = 0
        self._quota_left = None
        self._expire_in = None
        self._extra = collections.defaultdict(list)
        self._routes()

    # -- the knobs ---------------------------------------------------------------------------

    @property
    def url(self):
        return self.remote.url

    def __enter__(self):
        self.remote.__enter__()
        return self

    def __exit__(self, *exc_info):
        self.remote.__exit__(*exc_info)

    def expire_token(self, after=0):
        """Every token issued so far is refused as expired, now or after ``after`` more
        data calls (to expire it in the middle of a fetch)."""
        with self._lock:
            if after:
                self._expire_in = after
            else:
                self._tokens.clear()

    def throttle(self, n):
        """The next ``n`` data calls answer the platform's frequency-limit error."""
        with self._lock:
            self._throttle = n

    def quota_after(self, n):
        """After ``n`` more data calls every data call answers "quota used up" (None: lift it)."""
        with self._lock:
            self._quota_left = n

    def add_raw(self, path, record):
        """Add ``record`` (raw, as the platform would send it) to every answer of ``path``."""
        self._extra[path.strip("/")].append(record)

    def count(self, path):
        """Calls received on ``path`` (e.g. "attendance/listRecord")."""
        return self.counts[path.strip("/")]

    # -- helpers of the platforms ---------------------------------------------------------------

    def local(self, moment):
        return moment.replace(tzinfo=UTC).astimezone(self.tz)

    def to_utc(self, local_naive):
        return local_naive.replace(tzinfo=self.tz).astimezone(UTC).replace(tzinfo=None)

    def issue_token(self):
        with self._lock:
            self._issued += 1
            token = f"fake-token-{self._issued:04d}"
            self._tokens.add(token)
        return token

    def gate(self, token):
        """``None`` when a data call may go on, else the name of the error to answer:
        "token", "quota" or "frequency"."""
        with self._lock:
            if self._expire_in is not None:
                self._expire_in -= 1
                if self._expire_in < 0:
                    self._tokens.clear()
                    self._expire_in = None
            if token not in self._tokens:
                return "token"
            if self._quota_left is not None:
                if self._quota_left <= 0:
                    return "quota"
                self._quota_left -= 1
            if self._throttle > 0:
                self._throttle -= 1
                return "frequency"
        return None

    def extra(self, path):
        return list(self._extra[path.strip("/")])

    def punches_of(self, user_ids):
        """The punches of ``user_ids``, read from an index by user (a call never scans
        the whole month of everybody, so the fake's own time stays small)."""
        return [punch for user_id in dict.fromkeys(user_ids) for punch in self._by_user[user_id]]

    def shift_verdicts(self, user_ids, first_day, last_day):
        """``(record_id, user_id, work_date, kind, status, planned, actual)`` of the punches
        with a kind, whose local day is in ``[first_day, last_day]``; status is
        "Normal", "Late" or "Early"."""
        verdicts = []
        for user_id, moment, kind, record_id in self.punches_of(user_ids):
            if kind not in ("in", "out"):
                continue
            local = self.local(moment)
            day = local.date()
            if not first_day <= day <= last_day:
                continue
            planned, status = self.shift_check(local, kind)
            verdicts.append((record_id, user_id, day, kind, status, planned, moment))
        return verdicts

    def shift_check(self, local, kind):
        """``(planned, status)`` of an "in" or "out" punch at ``local`` (aware, local
        time): the planned start or end of that day (naive UTC) and "Normal", "Late"
        (an "in" after 09:00) or "Early" (an "out" before 18:00)."""
        if kind == "in":
            planned_time = START_OF_DAY
            status = "Late" if local.time() > START_OF_DAY else "Normal"
        else:
            planned_time = END_OF_DAY
            status = "Early" if local.time() < END_OF_DAY else "Normal"
        return self.to_utc(datetime.datetime.combine(local.date(), planned_time)), status

    def _route(self, method, path, handler):
        def answer(seen):
            self.counts[path] += 1
            reply = handler(seen)
            reply.delay = self.latency
            return reply

        self.remote.script(method, "/" + path, answer)

    def _routes(self):  # pragma: no cover - every fake has its own
        raise NotImplementedError

    @staticmethod
    def _error(*args):  # pragma: no cover - every fake has its own
        raise NotImplementedError

    def _token_of(self, seen):
        """The access token a data call came with (DingTalk and WeCom: in the query)."""
        return seen.query.get("access_token")

    def _guarded(self, handler):
        """``handler`` behind :meth:`gate`: a refused call answers the platform's own
        error from ``ERRORS`` (through the fake's ``_error``)."""

        def answer(seen):
            problem = self.gate(self._token_of(seen))
            if problem:
                return self._error(*self.ERRORS[problem])
            return handler(seen)

        return answer


def to_ms(moment):
    """Milliseconds since the epoch of a naive UTC ``moment``."""
    return int(moment.replace(tzinfo=UTC).timestamp() * 1000)
