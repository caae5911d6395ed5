"""SIGKILL in the middle of a load: after a restart every acknowledged rating is there, intact.

The master and all workers are killed at once (as by the OOM killer or a pulled plug for
the processes) while 16 threads are submitting ratings; nothing gets to shut down cleanly.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date

from tests.db.dbutil import integrity_problems, stored_ratings
from tests.db.load import (
    Group,
    Progress,
    log_in_everyone,
    plan,
    run_load,
    start_loaded_server,
    submit,
)

PARTNERSHIPS = 12
DAYS_EACH = 20
KILL_AFTER_ACKS = 60
WAIT_S = 40


def test_sigkill_mid_load_loses_no_acknowledged_rating(tmp_path):
    server, url, ids = start_loaded_server(tmp_path, PARTNERSHIPS)
    try:
        parties = log_in_everyone(server.base_url, ids)
        groups = plan(parties, days=DAYS_EACH, race_every=0, copies=1)
        progress = Progress()
        outcome = {}
        load = threading.Thread(
            target=lambda: outcome.setdefault("result", run_load(server.base_url, groups, 16, WAIT_S, progress))
        )
        load.start()
        reached = progress.wait_for_acks(KILL_AFTER_ACKS, timeout_s=WAIT_S)
        progress.stop.set()  # no new submissions; those already sent are cut off by the kill
        server.kill()
        load.join(timeout=60)
        result = outcome["result"]
        cut_off = Counter(o.detail for o in result.outcomes if o.kind == "error")
        print(
            f"\nFIGURES crash engine={url.split(':')[0]} acknowledged_before_kill={result.count('ack')} "
            f"cut_off_without_answer={sum(cut_off.values())} unsent={result.unsent}"
        )
        assert reached, "the load was still running when the server was killed"
        assert all(detail.startswith("no answer") for detail in cut_off), cut_off

        server.start()
        rows = {row[:3]: row for row in stored_ratings(url)}
        acknowledged = {g.key: g.expected_row() for g in groups if g.key in result.acknowledged_keys()}
        assert {key: rows.get(key) for key in acknowledged} == acknowledged, "every acknowledged rating, intact"
        assert set(rows) <= {g.key for g in groups}, "nothing stored that was not sent"
        assert integrity_problems(url) == []

        # The restarted server takes ratings again, from logins made before the crash.
        today = Group(parties[0], (parties[0].partnership_id, date.today(), parties[0].role), 1)
        assert submit(server.base_url, today).kind == "ack"
        assert today.expected_row() in stored_ratings(url)
    finally:
        server.stop()
