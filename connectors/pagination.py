"""Walk the pages of a list endpoint, without ever looping forever.

Two styles are understood, both configurable through :class:`PageStyle`:

* **cursor**: ``GET path?limit=100`` answers ``{"items": [...],
  "next_cursor": "abc"}``; the next call adds ``cursor=abc``; a missing or
  empty cursor ends the list.
* **offset**: ``GET path?offset=0&limit=100`` answers ``{"items": [...]}``
  (or a bare JSON list); a page shorter than ``limit`` ends the list.

Buggy remotes repeat themselves. Pagination stops, with a warning kept in
:attr:`Paginator.warnings`, when a cursor comes back a second time, when a
page holds the same records as the one before (compared by ``id_key`` when
the records have it, by content otherwise), or after ``max_pages``.
"""

import dataclasses
import json
import logging

from .errors import MalformedResponseError

_logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class PageStyle:
    """Names of the paging parameters and answer keys of one remote API."""

    kind: str = "cursor"  # or "offset"
    items_key: str = "items"
    next_key: str = "next_cursor"
    cursor_param: str = "cursor"
    offset_param: str = "offset"
    limit_param: str = "limit"


class Paginator:
    """Iterate over all records of ``path``, page by page (see the module doc).

    ``style`` is "cursor", "offset" or a :class:`PageStyle`; ``params`` are
    sent with every page; ``id_key`` names the record field that identifies
    a record, used to notice a repeated page.
    """

    def __init__(
        self,
        client,
        path,
        *,
        style="cursor",
        page_size=100,
        max_pages=10000,
        params=None,
        id_key=None,
    ):
        self.client = client
        self.path = path
        self.style = style if isinstance(style, PageStyle) else PageStyle(kind=style)
        if self.style.kind not in ("cursor", "offset"):
            raise ValueError(f"unknown pagination {self.style.kind!r}: use 'cursor' or 'offset'")
        self.page_size = page_size
        self.max_pages = max_pages
        self.params = dict(params or {})
        self.id_key = id_key
        self.warnings = []
        self._cursors = set()

    def __iter__(self):
        for page in self.pages():
            yield from page

    def pages(self):
        """Yield each page's list of records."""
        self.warnings, self._cursors = [], set()
        previous, request = None, self._first_request()
        for number in range(1, self.max_pages + 1):
            body = self.client.get_json(self.path, params=request)
            items = self._items(body)
            fingerprint = self._fingerprint(items)
            if items and fingerprint == previous:
                self._stop(f"page {number} repeats page {number - 1}")
                return
            yield items
            request = self._next_request(request, body, items)
            if request is None:
                return
            previous = fingerprint
        self._stop(f"stopped after max_pages={self.max_pages} pages")

    def _first_request(self):
        params = {**self.params, self.style.limit_param: self.page_size}
        if self.style.kind == "offset":
            params[self.style.offset_param] = 0
        return params

    def _next_request(self, request, body, items):
        """Return the parameters of the next page, or None when the list is over."""
        if not items:
            return None
        if self.style.kind == "offset":
            if len(items) < self.page_size:
                return None
            return {
                **request,
                self.style.offset_param: request[self.style.offset_param] + len(items),
            }
        cursor = body.get(self.style.next_key) if isinstance(body, dict) else None
        if not cursor:
            return None
        if cursor in self._cursors:
            self._stop(f"got cursor {cursor!r} a second time")
            return None
        self._cursors.add(cursor)
        return {**request, self.style.cursor_param: cursor}

    def _stop(self, why):
        message = f"pagination of {self.path} {why}: the list may be incomplete"
        _logger.warning("%s", message)
        self.warnings.append(message)

    def _items(self, body):
        return extract_items(body, self.style.items_key, self.path)

    def _fingerprint(self, items):
        """What makes a page the same page: its record ids, or its whole content."""
        ids = [item.get(self.id_key) if isinstance(item, dict) else None for item in items]
        if self.id_key and all(value is not None for value in ids):
            return tuple(ids)
        return json.dumps(items, sort_keys=True, default=str)


def extract_items(body, items_key, where):
    """The list of records of an answer: a bare list or ``body[items_key]``.

    Raises MalformedResponseError when the answer has neither.
    """
    items = body.get(items_key) if isinstance(body, dict) else body
    if not isinstance(items, list):
        raise MalformedResponseError(
            f"unexpected answer from {where}: expected a list of records "
            f"or an object with a {items_key!r} list"
        )
    return items
