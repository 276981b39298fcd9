"""Memoised HTML fragments, keyed by every value they are rendered from.

A fragment is cached under a key that *is* its input: the rows as read from the database
on this request, the locale, the business date, the filter. So a cached fragment can
never be stale: when anything shown changes, the key changes and the fragment is rendered
again; an entry that nobody asks for again simply ages out of the LRU. Nothing needs to
be invalidated, which is why the cache can live in each process's memory and still be
exact under several gunicorn workers, the worker and the scheduler.

The renderer must depend on nothing but the key (no ``current_user``, no CSRF token,
no ``request`` beyond what the key holds); whatever is per session stays outside.
"""

from collections import OrderedDict
from collections.abc import Callable
from collections.abc import Hashable
from threading import Lock

from flask import Flask
from markupsafe import Markup

EXTENSION = "talentfin.fragments"
DEFAULT_SIZE = 512


class FragmentCache:
    """A bounded LRU of rendered fragments (one per app and process)."""

    def __init__(self, size: int = DEFAULT_SIZE):
        self.size = size
        self._entries: OrderedDict[Hashable, Markup] = OrderedDict()
        self._lock = Lock()  # the dev server and the test client may use threads
        self.hits = 0
        self.misses = 0

    def get_or_render(self, key: Hashable, render: Callable[[], str]) -> Markup:
        """The fragment for ``key``, rendered by ``render()`` (autoescaped HTML) if missing."""
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                self.hits += 1
                return found
        # ``render`` returns the output of an autoescaping template: HTML already escaped.
        fragment = Markup(render())  # noqa: S704
        with self._lock:
            self.misses += 1
            self._entries[key] = fragment
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return fragment

    def clear(self) -> None:
        """Forget every fragment (tests; never needed for correctness)."""
        with self._lock:
            self._entries.clear()
            self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)


def fragment_cache(app: Flask) -> FragmentCache:
    """The app's fragment cache, created on first use."""
    cache = app.extensions.get(EXTENSION)
    if cache is None:
        cache = app.extensions.setdefault(
            EXTENSION, FragmentCache(app.config.get("FRAGMENT_CACHE_SIZE", DEFAULT_SIZE)))
    return cache
