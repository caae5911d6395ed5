"""Wrong passwords for someone's address must not lock that person out.

Before, ten wrong passwords a minute for an address, sent from anywhere, made its owner's
correct password answer 429 for as long as the attacker went on. Failed attempts now count
per client address, per account and client, and per account only for devices the account
never signed in from; a device that signed in before keeps its own budget (OWASP's
device-cookie scheme). The app sits behind one trusted proxy here, which passes each
client's address in X-Forwarded-For, as a clinic's load balancer does.
"""

from __future__ import annotations

import pytest

from partnertrack.core.audit import AuditEvent
from partnertrack.extensions import db
from tests.factories import PASSWORD, THERAPIST, make_world

LIMIT = 3
ACCOUNT_LIMIT = 5
PROXY = "127.0.0.1"
ATTACKER = "203.0.113.9"
OWNER = "198.51.100.4"


@pytest.fixture
def proxied(new_app):
    """An app behind one trusted proxy, limits on: LIMIT per minute per client, ACCOUNT_LIMIT per account."""
    app = new_app(
        RATELIMIT_ENABLED=True,
        TRUSTED_PROXY_COUNT=1,
        LOGIN_RATE_LIMIT=f"{LIMIT} per minute",
        LOGIN_ACCOUNT_RATE_LIMIT=f"{ACCOUNT_LIMIT} per hour",
    )
    make_world(app)
    return app


def login(client, address: str, password: str = "not the password at all", email: str = THERAPIST):
    """Post the login form as a client at ``address`` behind the proxy."""
    return client.post(
        "/login",
        data={"email": email, "password": password},
        headers={"X-Forwarded-For": address},
        environ_base={"REMOTE_ADDR": PROXY},
    )


def test_an_attacker_elsewhere_does_not_lock_the_owner_out(proxied):
    attacker, owner = proxied.test_client(), proxied.test_client()
    answers = [login(attacker, ATTACKER).status_code for _ in range(LIMIT + 2)]
    assert answers == [200] * LIMIT + [429, 429], "the attacker is stopped"
    assert login(owner, OWNER, PASSWORD).status_code == 302, "the owner still signs in from elsewhere"
    with proxied.app_context():
        addresses = set(db.session.scalars(db.select(AuditEvent.remote_addr)))
    assert {ATTACKER, OWNER} <= addresses, "each client's own address was seen, not the proxy's"


def test_the_attacker_is_stopped_for_other_accounts_too(proxied):
    attacker = proxied.test_client()
    for _ in range(LIMIT):
        login(attacker, ATTACKER)
    response = login(attacker, ATTACKER, email="omar@example.org")
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0


def test_guessing_from_many_addresses_is_stopped_but_the_owners_device_gets_in(proxied):
    """The account-wide budget binds devices the account never used; the owner's device keeps its own."""
    owner = proxied.test_client()
    assert login(owner, OWNER, PASSWORD).status_code == 302  # signed in before: the device is known
    owner.post("/logout")
    botnet = proxied.test_client()
    for n in range(ACCOUNT_LIMIT):
        assert login(botnet, f"192.0.2.{n}").status_code == 200
    assert login(botnet, "192.0.2.200").status_code == 429, "a new address gets no more guesses"
    assert login(proxied.test_client(), "192.0.2.201", PASSWORD).status_code == 429, "nor a device never used"
    assert login(owner, OWNER, PASSWORD).status_code == 302, "the owner's known device signs in"


def test_a_forged_device_cookie_earns_nothing(proxied):
    botnet = proxied.test_client()
    botnet.set_cookie("partnertrack_device", "eyJ1IjoxLCJuIjoiZm9yZ2VkIn0.forged")
    for n in range(ACCOUNT_LIMIT):
        login(botnet, f"192.0.2.{n}")
    assert login(botnet, "192.0.2.200", PASSWORD).status_code == 429


def test_without_a_trusted_proxy_every_request_is_the_proxys(new_app):
    """X-Forwarded-For is believed only from the number of proxies configured (none by default)."""
    app = new_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT=f"{LIMIT} per minute")
    make_world(app)
    client = app.test_client()
    for _ in range(LIMIT):
        login(client, ATTACKER)
    assert login(client, OWNER, PASSWORD).status_code == 429  # one address: the proxy's
