"""Many people rating at once through the real server: every acknowledged rating stored exactly once.

gunicorn runs with 2 workers of 4 threads on loopback against the suite's engine (SQLite
in WAL mode, or PostgreSQL); 24 partnerships' therapists and patients log in through the
login form and post the rating form with CSRF on, from 16 threads, while every fourth
rating is sent three times at the same instant by the same person (a double click).
"""

from __future__ import annotations

from collections import Counter

from tests.db.dbutil import integrity_problems, stored_ratings
from tests.db.load import log_in_everyone, plan, run_load, start_loaded_server

PARTNERSHIPS = 24
DAYS_EACH = 4
RACE_EVERY = 4
COPIES = 3
CLIENT_THREADS = 16
DEADLINE_S = 40


def print_figures(label: str, engine: str, result, rows: list[tuple]) -> None:
    """The numbers for the closing note (shown with pytest -s)."""
    keys = Counter(row[:3] for row in rows)
    print(
        f"\nFIGURES {label} engine={engine} sent={len(result.outcomes)} acknowledged={result.count('ack')} "
        f"acknowledged_ratings={len(result.acknowledged_keys())} stored={len(rows)} "
        f"duplicates={sum(n - 1 for n in keys.values())} locked_refusals={result.count('locked')} "
        f"errors={result.count('error')} unsent={result.unsent} load_seconds={result.seconds:.1f}"
    )


def test_concurrent_and_duplicate_submissions_are_stored_exactly_once(tmp_path):
    server, url, ids = start_loaded_server(tmp_path, PARTNERSHIPS)
    try:
        parties = log_in_everyone(server.base_url, ids)
        groups = plan(parties, days=DAYS_EACH, race_every=RACE_EVERY, copies=COPIES)
        result = run_load(server.base_url, groups, threads=CLIENT_THREADS, deadline_s=DEADLINE_S)
    finally:
        server.stop()
    rows = stored_ratings(url)
    print_figures("concurrency", url.split(":")[0], result, rows)

    assert result.errors() == Counter(), "no 500, no 'database is locked', no dropped connection"
    sent_keys = {o.key for o in result.outcomes}
    assert result.acknowledged_keys() == sent_keys, "every rating sent was acknowledged at least once"
    stored = {row[:3]: row for row in rows}
    assert len(stored) == len(rows), "no duplicate rows"
    expected = {g.key: g.expected_row() for g in groups if g.key in sent_keys}
    assert stored == expected, "each acknowledged rating stored exactly once, as sent; nothing else"
    assert any(g.copies > 1 for g in groups if g.key in sent_keys), "racing duplicates were sent"
    assert "Traceback" not in server.log()
    assert integrity_problems(url) == []
