"""A scripted local HTTP server that plays a remote system, for tests and demos.

The connectors' tests talk to a real server on ``127.0.0.1`` (a free port)
instead of mocking ``requests``, so timeouts, dropped connections and
headers behave as in production::

    with FakeRemote() as remote:
        remote.script("GET", "/wages", Reply(500), Reply(body={"items": []}))
        client = ApiClient(remote.url)
        client.get_json("wages")              # 500, retried, then []
        remote.calls("GET", "/wages")         # both requests, headers included

Replies are played in order and the last one repeats. A reply may also be a
function of the received :class:`Seen` request returning a :class:`Reply`,
for stateful remotes (cursors, idempotency keys).
"""

import dataclasses
import ipaddress
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

# A public address (example.com's) that names of the offline resolver stand for;
# the refusal checks classify it, nothing ever connects to it.
PUBLIC_ADDRESS = "93.184.215.14"


def offline_getaddrinfo(names=None):
    """A stand-in for :func:`socket.getaddrinfo` that never asks DNS, for tests.

    IP literals resolve to themselves; ``names`` maps host names to addresses
    (a dict the test may change later, e.g. to play a DNS answer that changed);
    other names under ``example.com``, ``.org`` and ``.net`` resolve to
    :data:`PUBLIC_ADDRESS`; anything else does not resolve. Install it with
    ``patch.object(connectors.network, "getaddrinfo", offline_getaddrinfo())``.
    """
    names = {} if names is None else names

    def getaddrinfo(host, port, *args, **kwargs):
        try:
            addresses = [str(ipaddress.ip_address(host))]
        except ValueError:
            addresses = names.get(host)
            if addresses is None and host.rstrip(".").endswith(
                ("example.com", "example.org", "example.net")
            ):
                addresses = [PUBLIC_ADDRESS]
        if not addresses:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            (
                socket.AF_INET6 if ":" in ip else socket.AF_INET,
                socket.SOCK_STREAM,
                6,
                "",
                (ip, port),
            )
            for ip in addresses
        ]

    return getaddrinfo


@dataclasses.dataclass
class Reply:
    """What the server answers.

    ``body``: dict/list -> JSON, str/bytes -> sent as is. ``delay``: seconds
    to wait first (longer than the client's timeout = a timeout). ``drop``:
    close the connection without answering (a lost response).
    """

    status: int = 200
    body: object = None
    headers: dict = dataclasses.field(default_factory=dict)
    delay: float = 0.0
    drop: bool = False


@dataclasses.dataclass
class Seen:
    """A request as the server received it."""

    method: str
    path: str
    query: dict
    headers: dict
    body: bytes

    @property
    def json(self):
        """The request body decoded as JSON."""
        return json.loads(self.body)


class FakeRemote:
    """The server; use as a context manager, read :attr:`url` and :meth:`calls`."""

    def __init__(self):
        self.requests = []
        self._scripts = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.remote = self
        # A client that gave up (timeout) makes the late answer fail: expected.
        self._server.handle_error = lambda request, address: None
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self):
        """Base URL of the server, with a trailing slash."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/"

    def script(self, method, path, *replies):
        """Queue ``replies`` for ``method path``; the last one repeats."""
        with self._lock:
            self._scripts[(method, path)] = list(replies)

    def calls(self, method=None, path=None):
        """Recorded requests, optionally filtered by method and path."""
        with self._lock:
            return [
                seen
                for seen in self.requests
                if (method is None or seen.method == method) and (path is None or seen.path == path)
            ]

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._server.shutdown()
        self._server.server_close()

    def _serve(self):
        self._server.serve_forever(poll_interval=0.02)

    def answer(self, seen):
        """Record ``seen`` and return the Reply scripted for it (404 when none)."""
        with self._lock:
            self.requests.append(seen)
            queue = self._scripts.get((seen.method, seen.path))
            if not queue:
                return Reply(404, {"error": "not scripted"})
            reply = queue.pop(0) if len(queue) > 1 else queue[0]
        return reply(seen) if callable(reply) else reply


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self._respond()

    def do_POST(self):
        self._respond()

    def do_PUT(self):
        self._respond()

    def log_message(self, *args):  # keep test output clean
        return

    def _respond(self):
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        seen = Seen(
            method=self.command,
            path=parts.path,
            query=dict(parse_qsl(parts.query, keep_blank_values=True)),
            headers=dict(self.headers.items()),
            body=self.rfile.read(length),
        )
        reply = self.server.remote.answer(seen)
        time.sleep(reply.delay)
        if reply.drop:
            self.close_connection = True
            return
        self._write(reply)

    def _write(self, reply):
        body = reply.body
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        data = body.encode() if isinstance(body, str) else (body or b"")
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.headers.get("Content-Type", "application/json"))
        for name, value in reply.headers.items():
            if name != "Content-Type":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
