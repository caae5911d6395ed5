"""Rendered pieces of a page kept per viewer and content, in a bounded in-process LRU.

A dashboard row or a session's side-by-side table is the same HTML every time its inputs
are the same, and drawing it in Jinja (catalog look-ups, Babel dates and numbers, macros)
cost most of those pages. A template keeps a piece here under a key that holds the viewer's
id, their language and the day, and everything the piece shows (``content_key``), so an
entry is never shared between viewers and can never answer for other data: changed data
makes a new key, and the old entry ages out of the LRU (docs/architecture.md, "Speed").
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Mapping

from flask import Flask
from markupsafe import Markup

SIZE = 8192


class Fragments:
    """A bounded LRU of rendered HTML by key; thread-safe (gunicorn may run threads)."""

    def __init__(self, size: int = SIZE) -> None:
        """An empty cache holding at most ``size`` pieces."""
        self._size = size
        self._items: OrderedDict[tuple, Markup] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> Markup | None:
        """The piece kept under ``key``, or None."""
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: tuple, html: str) -> Markup:
        """Keep ``html`` (already escaped by the template) under ``key`` and return it."""
        html = Markup(html)
        with self._lock:
            self._items[key] = html
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return html

    def clear(self) -> None:
        """Forget every piece."""
        with self._lock:
            self._items.clear()


def content_key(value):
    """``value`` as a hashable key of everything it holds: dataclasses, mappings and lists by content."""
    if isinstance(value, (str, int, float, bool, type(None))):
        return value
    if dataclasses.is_dataclass(value):
        return (type(value).__name__,) + tuple(content_key(getattr(value, f.name)) for f in dataclasses.fields(value))
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), content_key(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple, frozenset, set)):
        items = tuple(content_key(v) for v in value)
        return tuple(sorted(items, key=repr)) if isinstance(value, (set, frozenset)) else items
    # Dates, translatable phrases and the like: their type and text say what is shown.
    return (type(value).__name__, repr(value))


FRAGMENTS = Fragments()


def init_app(app: Flask) -> None:
    """Offer the cache and the key to templates."""
    app.jinja_env.globals.update(fragments=FRAGMENTS, content_key=content_key)
