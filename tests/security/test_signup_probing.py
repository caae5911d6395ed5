"""Sign-up is no free oracle of who has an account.

/register answered "An account with this email already exists" to anyone, without limit
(20 of 20 probes right, no 429). Sign-up is now limited per client address and per
address being signed up, and a taken address gets an answer that does not say an account
exists. Without mail that answer still differs from a successful sign-up (nothing else
can finish one); the limits are what keeps probing slow.
"""

from __future__ import annotations

import pytest

from partnertrack.extensions import db
from partnertrack.models import User
from tests.factories import THERAPIST, make_world

LIMIT = 3
PROXY = "127.0.0.1"
NEW = {"name": "New Therapist", "password": "a quiet walk by the river", "confirm": "a quiet walk by the river"}


@pytest.fixture
def limited(new_app):
    """Sign-up limited to LIMIT per client address and per address being signed up; one proxy trusted."""
    app = new_app(
        RATELIMIT_ENABLED=True,
        TRUSTED_PROXY_COUNT=1,
        SIGNUP_RATE_LIMIT=f"{LIMIT} per hour",
        SIGNUP_EMAIL_RATE_LIMIT=f"{LIMIT} per hour",
    )
    make_world(app)
    return app


def sign_up(client, email: str, address: str = "203.0.113.9"):
    """Post the sign-up form from ``address`` behind the proxy."""
    return client.post(
        "/register",
        data={**NEW, "email": email},
        headers={"X-Forwarded-For": address},
        environ_base={"REMOTE_ADDR": PROXY},
    )


def users(app) -> int:
    """How many accounts exist."""
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(User))


def test_probing_from_one_address_is_stopped_and_never_told_an_account_exists(limited):
    client = limited.test_client()
    before = users(limited)
    answers = [sign_up(client, THERAPIST if n % 2 else "omar@example.org") for n in range(20)]
    assert [a.status_code for a in answers[:LIMIT]] == [422] * LIMIT
    assert {a.status_code for a in answers[LIMIT:]} == {429}
    for answer in answers[:LIMIT]:
        page = answer.get_data(as_text=True).lower()
        assert "already exists" not in page and "already has an account" not in page
        assert "could not create an account with this email" in page
    assert users(limited) == before


def test_probing_one_address_from_many_is_stopped(limited):
    client = limited.test_client()
    answers = [sign_up(client, THERAPIST, address=f"192.0.2.{n}").status_code for n in range(LIMIT + 2)]
    assert answers == [422] * LIMIT + [429, 429]


def test_new_addresses_still_sign_up_and_do_not_spend_the_limit(limited):
    """Only refused sign-ups count: a clinic signing up its therapists from one address is not stopped."""
    for n in range(LIMIT + 2):
        response = sign_up(limited.test_client(), f"new.therapist{n}@example.org")
        assert response.status_code == 302
    with limited.app_context():
        assert db.session.scalar(db.select(User).where(User.email == "new.therapist0@example.org")) is not None
