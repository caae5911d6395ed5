"""The login limit holds across every worker process of the one-machine default, without Redis.

Two gunicorn servers of one worker each share one instance folder and database, exactly
as the workers of one server do, but with a known process answering each request: the
attempts alternate between them. memory:// (the default before) counted per process, so
each process let its own full budget through.
"""

from __future__ import annotations

import re

from tests.db.dbutil import database_url
from tests.db.load import http
from tests.serverutil import Server

LIMIT = 3
ATTEMPTS = 8
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def failed_login(client, base_url: str) -> int:
    """One wrong password for an unknown address, through the real form with its CSRF token."""
    page = client.get(f"{base_url}/login", timeout=30)
    token = CSRF.search(page.text).group(1)
    data = {"email": "nobody@example.org", "password": "not the right one at all", "csrf_token": token}
    return client.post(f"{base_url}/login", data=data, allow_redirects=False, timeout=30).status_code


def test_two_worker_processes_share_one_login_count(tmp_path):
    url = database_url(tmp_path)
    env = {"PARTNERTRACK_LOGIN_RATE_LIMIT": f"{LIMIT} per minute"}
    first = Server(url, tmp_path / "instance", workers=1, threads=2, extra_env=env)
    second = Server(url, tmp_path / "instance", workers=1, threads=2, extra_env=env)
    first.setup()
    first.start()
    try:
        second.start()
        try:
            with http() as one, http() as two:
                answers = [
                    failed_login(*((one, first.base_url) if n % 2 == 0 else (two, second.base_url)))
                    for n in range(ATTEMPTS)
                ]
        finally:
            second.stop()
    finally:
        first.stop()
    assert answers.count(200) == LIMIT, answers  # the form's "do not match" page
    assert answers[LIMIT:] == [429] * (ATTEMPTS - LIMIT), answers
    assert (tmp_path / "instance" / "ratelimits.sqlite").exists()
