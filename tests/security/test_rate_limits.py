"""Login and invite joining are rate-limited per address and per account, in memory, SQLite or Redis."""

from __future__ import annotations

import os
from contextlib import contextmanager
from datetime import date

import pytest
import redis

from partnertrack.extensions import db
from partnertrack.models import Partnership
from tests.factories import PASSWORD, add_user

# Our own Redis database number: other engineers share the server.
REDIS_DB = int(os.environ.get("PARTNERTRACK_TEST_REDIS_DB", "13"))  # parallel runs pick their own
REDIS_URL = f"redis://127.0.0.1:6379/{REDIS_DB}"
LIMIT = 3


@pytest.fixture(params=["memory", "sqlite", "redis"])
def storage(request, tmp_path):
    """Limiter settings for one storage; for Redis, our own database, emptied before and after.

    sqlite is the one-machine default (a file in the instance folder, shared by the workers).
    """
    if request.param == "memory":
        yield {"RATELIMIT_STORAGE_URI": "memory://"}
        return
    if request.param == "sqlite":
        yield {"RATELIMIT_STORAGE_URI": f"sqlite:///{tmp_path / 'limits.sqlite'}"}
        return
    with _own_redis_db():
        yield {"RATELIMIT_STORAGE_URI": REDIS_URL}


@contextmanager
def _own_redis_db():
    """Our Redis database, flushed around the test (only this database: others share the server).

    A key prefix cannot separate the tests: the limiter object is shared by
    every app of the process and keeps the first prefix it was given.
    """
    server = redis.Redis.from_url(REDIS_URL)
    server.ping()  # the real server must be there; a missing one is a failure, not a skip
    server.flushdb()
    try:
        yield server
    finally:
        server.flushdb()
        server.close()


def _app(new_app, storage: dict):
    """An app with the limiter on at LIMIT per minute, and one therapist."""
    app = new_app(
        RATELIMIT_ENABLED=True,
        LOGIN_RATE_LIMIT=f"{LIMIT} per minute",
        LOGIN_ACCOUNT_RATE_LIMIT=f"{LIMIT} per minute",
        **storage,
    )
    with app.app_context():
        add_user("Dr Tara Therapist", "tara@example.org", "therapist")
    return app


def _login(client, email: str, password: str = "not the password at all", address: str = "10.0.0.1"):
    """Post the login form from ``address``."""
    return client.post("/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address})


def _assert_too_many(response) -> None:
    """The clear "too many attempts" page, with Retry-After."""
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    page = response.get_data(as_text=True)
    assert "Too many attempts" in page and "Please wait" in page


def test_login_is_limited_per_address(new_app, storage):
    """Guessing many accounts from one address is stopped; another address is unaffected."""
    client = _app(new_app, storage).test_client()
    for n in range(LIMIT):
        assert _login(client, f"someone{n}@example.org").status_code == 200
    _assert_too_many(_login(client, "someone-else@example.org"))
    assert client.get("/login").status_code == 200  # the form itself still loads
    assert _login(client, "tara@example.org", PASSWORD, address="10.0.0.2").status_code == 302


def test_login_is_limited_per_account(new_app, storage):
    """Guessing one account's password from many addresses is stopped too, on every device it never used.

    The owner's own devices keep a budget of their own: tests/security/test_lockout.py.
    """
    client = _app(new_app, storage).test_client()
    for n in range(LIMIT):
        assert _login(client, "tara@example.org", address=f"10.0.1.{n}").status_code == 200
    _assert_too_many(_login(client, "tara@example.org", PASSWORD, address="10.0.1.99"))
    assert _login(client, "other@example.org", address="10.0.1.100").status_code == 200


def _invite(app) -> str:
    """A fresh invite token for a new partnership of the therapist."""
    from partnertrack.models import User
    from partnertrack.partnerships.service import open_partnership

    with app.app_context():
        therapist = db.session.scalar(db.select(User).where(User.email == "tara@example.org"))
        _, token = open_partnership(therapist, "Pat", date(2025, 1, 6))
        db.session.commit()
        return token


def _join(client, token: str, email: str, address: str):
    """Post the join form with a mismatched confirmation (an attempt that creates nothing)."""
    data = {"name": "Pat", "email": email, "password": "river stones and moss", "confirm": "different"}
    return client.post(f"/join/{token}", data=data, environ_base={"REMOTE_ADDR": address})


def test_joining_is_limited_per_address_and_per_account(new_app, storage):
    """Invite joining has the same two limits as login."""
    app = _app(new_app, storage)
    token = _invite(app)
    client = app.test_client()
    for n in range(LIMIT):
        assert _join(client, token, f"p{n}@example.org", "10.0.2.1").status_code == 422
    _assert_too_many(_join(client, token, "p-new@example.org", "10.0.2.1"))
    for n in range(LIMIT):
        assert _join(client, token, "same@example.org", f"10.0.3.{n}").status_code == 422
    _assert_too_many(_join(client, token, "same@example.org", "10.0.3.99"))
    with app.app_context():
        assert db.session.scalar(db.select(Partnership).where(Partnership.patient_id.is_not(None))) is None


def test_redis_counts_are_shared_by_every_process(new_app):
    """Two app instances (two gunicorn workers) on Redis share one count; memory:// would not."""
    with _own_redis_db():
        first = _app(new_app, {"RATELIMIT_STORAGE_URI": REDIS_URL}).test_client()
        for n in range(LIMIT):
            assert _login(first, f"w{n}@example.org").status_code == 200
        second = _app(new_app, {"RATELIMIT_STORAGE_URI": REDIS_URL}).test_client()
        _assert_too_many(_login(second, "w-last@example.org"))


def test_memory_counts_are_per_process(new_app):
    """memory:// keeps a count per process: the README says to use Redis with several workers."""
    first = _app(new_app, {"RATELIMIT_STORAGE_URI": "memory://"}).test_client()
    for n in range(LIMIT):
        assert _login(first, f"w{n}@example.org").status_code == 200
    second = _app(new_app, {"RATELIMIT_STORAGE_URI": "memory://"}).test_client()
    assert _login(second, "w-last@example.org").status_code == 200


def test_re_entering_the_password_is_limited_per_account(new_app, storage):
    """A stolen session cannot guess the password through the change or delete forms."""
    from tests.helpers import client_as

    app = _app(new_app, storage)
    client = client_as(app, "tara@example.org", REMOTE_ADDR="10.0.4.1")
    wrong = {"current": "a wrong guess here", "password": "a new long password", "confirm": "a new long password"}
    for n in range(LIMIT - 1):
        assert (
            client.post("/account/password", data=wrong, environ_base={"REMOTE_ADDR": f"10.0.4.{n}"}).status_code == 422
        )
    deletion = {"current": "a wrong guess here", "understood": "y"}
    assert client.post("/account/delete", data=deletion).status_code == 422
    _assert_too_many(client.post("/account/password", data=wrong, environ_base={"REMOTE_ADDR": "10.0.4.99"}))
    _assert_too_many(client.post("/account/delete", data={"current": PASSWORD, "understood": "y"}))
    with app.app_context():
        from partnertrack.models import User

        assert db.session.scalar(db.select(User).where(User.email == "tara@example.org")) is not None
