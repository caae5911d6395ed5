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
from collections.abc import Mapping

from flask import Flask
from markupsafe import Markup

from partnertrack.core.memo import Memo

SIZE = 8192


class Fragments(Memo):
    """A bounded LRU of rendered HTML by key (core/memo.py); what is kept is Markup, already escaped."""

    def __init__(self, size: int = SIZE) -> None:
        """An empty cache holding at most ``size`` pieces."""
        super().__init__(size)

    def put(self, key: tuple, html: str) -> Markup:
        """Keep ``html`` (already escaped by the template) under ``key`` and return it."""
        return super().put(key, Markup(html))


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
