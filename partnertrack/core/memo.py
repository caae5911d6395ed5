"""A bounded, thread-safe in-process LRU of computed values (no Flask, no database).

The partnership page derives the same chart data, signals and trend table from the same
timeline on every visit. A caller keeps them here under a key that names the viewer and
what the value was computed from (docs/architecture.md, "Speed"): never under content
another viewer could share.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")


class Key:
    """A key over a large tuple that hashes it once: a page looks it up in several memos."""

    __slots__ = ("parts", "_hash")

    def __init__(self, parts: tuple) -> None:
        """Wrap ``parts`` (hashable) and hash it now."""
        self.parts = parts
        self._hash = hash(parts)

    def __hash__(self) -> int:
        """The hash of the parts, computed once."""
        return self._hash

    def __eq__(self, other: object) -> bool:
        """Equal keys hold equal parts (the same object answers at once)."""
        return self is other or (isinstance(other, Key) and self._hash == other._hash and self.parts == other.parts)

    def __getitem__(self, index: int):
        """One of the parts."""
        return self.parts[index]


class Memo:
    """At most ``size`` values by key, the least recently used dropped first."""

    def __init__(self, size: int) -> None:
        """An empty memo holding at most ``size`` values."""
        self._size = size
        self._items: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable):
        """The value kept under ``key`` (now the most recently used), or None."""
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: Hashable, value: T) -> T:
        """Keep ``value`` under ``key``, dropping the least recently used past ``size``; return it."""
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value

    def get_or(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The value kept under ``key``, else ``compute()`` kept and returned (computed outside the lock)."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]  # type: ignore[return-value]
        return self.put(key, compute())

    def clear(self) -> None:
        """Forget every value."""
        with self._lock:
            self._items.clear()
