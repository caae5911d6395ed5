"""The one-machine rate-limit storage: one SQLite file, one count, whoever opens it."""

from __future__ import annotations

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from partnertrack.core.ratelimit_storage import SQLiteStorage


def test_the_sqlite_scheme_is_registered_and_two_openers_share_the_count(tmp_path):
    uri = f"sqlite:///{tmp_path / 'limits.sqlite'}"
    first, second = storage_from_string(uri), storage_from_string(uri)
    assert isinstance(first, SQLiteStorage) and first.check()
    limit = parse("3 per minute")
    one, two = FixedWindowRateLimiter(first), FixedWindowRateLimiter(second)
    assert [one.hit(limit, "k"), two.hit(limit, "k"), one.hit(limit, "k")] == [True, True, True]
    assert not two.hit(limit, "k") and not one.test(limit, "k")
    assert one.hit(limit, "another key")
    assert second.get_expiry(limit.key_for("k")) > 0


def test_a_window_that_has_run_out_starts_again(tmp_path):
    storage = SQLiteStorage(f"sqlite:///{tmp_path / 'limits.sqlite'}")
    assert storage.incr("k", expiry=0) == 1  # its window ends at once
    assert storage.get("k") == 0
    assert storage.incr("k", expiry=60) == 1
    assert storage.incr("k", expiry=60) == 2
    storage.clear("k")
    assert storage.get("k") == 0
    storage.incr("a", 60)
    storage.incr("b", 60)
    assert storage.reset() == 2 and storage.get("a") == 0
