"""Rate-limit counts in one SQLite file, shared by every worker process on one machine.

The limiter's ``memory://`` storage counts per process: gunicorn's several workers each
kept their own count, so an attacker got that many times the attempts (45 of 60 failed
logins from one address passed with the default 5 workers). Without Redis, the counts
now live in ``instance/ratelimits.sqlite``: one file every worker on the machine opens,
updated with a single atomic statement per hit (WAL, busy timeout), so the limit holds
whichever worker answers. A clinic with several machines uses Redis (REDIS_URL).

The storage registers the ``sqlite://`` scheme with the ``limits`` library (its registry
picks up every ``Storage`` subclass): ``RATELIMIT_STORAGE_URI = "sqlite:////abs/path"``.
It implements the fixed-window strategy, the limiter's default and the one configured.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from urllib.parse import unquote, urlparse

from limits.storage import Storage

SCHEMA = "CREATE TABLE IF NOT EXISTS counters (key TEXT PRIMARY KEY, count INTEGER NOT NULL, expires_at REAL NOT NULL)"
BUSY_TIMEOUT_S = 10
PURGE_EVERY = 200  # hits between sweeps of expired counters, so the file stays small


def default_uri(instance_path: str) -> str:
    """The one-machine default: a file in the instance folder."""
    return "sqlite:///" + os.path.join(instance_path, "ratelimits.sqlite")


class SQLiteStorage(Storage):
    """Fixed-window counters in a SQLite file; safe across threads and forked worker processes."""

    STORAGE_SCHEME = ["sqlite"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: float | str | bool):
        super().__init__(uri, wrap_exceptions, **options)
        self.path = unquote(urlparse(uri or "").path)
        if not self.path:
            raise ValueError("sqlite:// rate-limit storage needs a file path, e.g. sqlite:////srv/ratelimits.sqlite")
        self._local = threading.local()
        self._hits = 0

    @property
    def base_exceptions(self) -> type[Exception]:
        """What a failing database raises (wrapped by the limits library when asked)."""
        return sqlite3.Error

    def _connection(self) -> sqlite3.Connection:
        """This thread's connection, opened afresh in a forked worker (a connection never crosses a fork)."""
        conn = getattr(self._local, "conn", None)
        if conn is None or self._local.pid != os.getpid():
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute(SCHEMA)
            self._local.conn, self._local.pid = conn, os.getpid()
        return conn

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        """Add ``amount`` to the key's count, starting a new window of ``expiry`` seconds when it has run out."""
        now = time.time()
        conn = self._connection()
        (count,) = conn.execute(
            "INSERT INTO counters (key, count, expires_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET "
            "count = CASE WHEN counters.expires_at <= ? THEN excluded.count ELSE counters.count + excluded.count END, "
            "expires_at = CASE WHEN counters.expires_at <= ? THEN excluded.expires_at ELSE counters.expires_at END "
            "RETURNING count",
            (key, amount, now + expiry, now, now),
        ).fetchone()
        self._hits += 1
        if self._hits % PURGE_EVERY == 0:
            conn.execute("DELETE FROM counters WHERE expires_at <= ?", (now,))
        return count

    def get(self, key: str) -> int:
        """The key's count in its current window (0 when none)."""
        row = (
            self._connection()
            .execute("SELECT count FROM counters WHERE key = ? AND expires_at > ?", (key, time.time()))
            .fetchone()
        )
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        """When the key's window ends (now when it has none)."""
        now = time.time()
        row = (
            self._connection()
            .execute("SELECT expires_at FROM counters WHERE key = ? AND expires_at > ?", (key, now))
            .fetchone()
        )
        return row[0] if row else now

    def check(self) -> bool:
        """True when the file answers."""
        try:
            self._connection().execute("SELECT 1").fetchone()
            return True
        except sqlite3.Error:
            return False

    def reset(self) -> int | None:
        """Forget every count; how many were forgotten."""
        return self._connection().execute("DELETE FROM counters").rowcount

    def clear(self, key: str) -> None:
        """Forget one key's count."""
        self._connection().execute("DELETE FROM counters WHERE key = ?", (key,))
