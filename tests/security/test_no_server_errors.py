"""No 500 for anything a visitor can send: an id of any size, any ``next``, a setting of any type.

An id too large for the column (2^31 on PostgreSQL, 2^63 on SQLite) made the query fail;
a CR/LF in ``next`` made the redirect fail; PERMANENT_SESSION_LIFETIME=90 from the
environment (a number, which Flask itself accepts) failed every request. A setting of a
type PartnerTrack cannot use now stops the app at start with a message naming it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from werkzeug.routing import IntegerConverter

from partnertrack import create_app
from partnertrack.core.config_checks import ConfigError
from tests.conftest import test_config as app_settings
from tests.factories import PATIENT, THERAPIST
from tests.helpers import client_as, is_login_redirect
from tests.security.urls import METHODS

HUGE = [2**31, 2**63, 2**64, 10**30]


def rules_with_ids(app):
    """(rule, method, id arguments) of every route that takes an id."""
    for rule in app.url_map.iter_rules():
        ids = [a for a in rule.arguments if isinstance(rule._converters[a], IntegerConverter)]
        if ids:
            for method in sorted(rule.methods & set(METHODS)):
                yield rule, method, ids


def fill(app, rule, world, ids: list[str], huge: int) -> str:
    """The rule's URL: ``huge`` for every id, except the world's partnership where another id follows it."""
    values = {"fmt": "svg", "name": "alliance", "party": "patient"}
    for argument in ids:
        values[argument] = world.partnership if argument == "partnership_id" and len(ids) > 1 else huge
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **{a: values[a] for a in rule.arguments})


@pytest.mark.parametrize("huge", HUGE)
@pytest.mark.parametrize("who", [THERAPIST, PATIENT])
def test_an_id_of_any_size_is_404_never_500(app, world, who, huge):
    client = client_as(app, who)
    checked = 0
    for rule, method, ids in rules_with_ids(app):
        url = fill(app, rule, world, ids, huge)
        assert str(huge) in url
        response = client.open(url, method=method, data={})
        assert response.status_code in (404, 405), f"{method} {url} answered {response.status_code}"
        checked += 1
    assert checked >= 10  # goals, ruptures and every partnership page were walked


def test_a_huge_id_in_a_query_string_is_ignored(app, world):
    client = client_as(app, PATIENT)
    response = client.get(f"/account/activity?partnership={2**64}")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "target",
    ["/account/%0d%0aSet-Cookie:%20x=1", "/account/%0aLocation:%20http://evil.example", "/%09/evil.example", "/a b"],
)
def test_next_with_line_breaks_or_spaces_goes_home(app, world, client, target):
    """Logged in already, or logging in: a bad ``next`` sends the visitor to the dashboard."""
    login = client.post(f"/login?next={target}", data={"email": PATIENT, "password": "correct horse battery"})
    assert login.status_code == 302 and login.headers["Location"] == "/"
    again = client.get(f"/login?next={target}")
    assert again.status_code == 302 and again.headers["Location"] == "/"


def test_a_session_lifetime_in_seconds_works_as_flask_reads_it(new_app, world):
    """PARTNERTRACK_PERMANENT_SESSION_LIFETIME=90 arrives as the number 90: 90 seconds."""
    app = new_app(PERMANENT_SESSION_LIFETIME=90)
    assert app.config["PERMANENT_SESSION_LIFETIME"] == timedelta(seconds=90)
    from tests.factories import make_world

    make_world(app)
    client = client_as(app, PATIENT)
    assert client.get("/").status_code == 200
    with client.session_transaction() as session:
        session["login_at"] -= 91
    assert is_login_redirect(client.get("/account/"))


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("PERMANENT_SESSION_LIFETIME", "ninety", "a whole number of seconds"),
        ("REVEAL_AFTER_DAYS", "seven", "a whole number of at least 0"),
        ("REVEAL_AFTER_DAYS", 2.5, "a whole number"),
        ("ALLOW_SIGNUP", "no", "true or false"),
        ("IDLE_TIMEOUT_MINUTES", 0, "a number above 0"),
        ("TRUSTED_PROXY_COUNT", -1, "a whole number of at least 0"),
        ("LOGIN_RATE_LIMIT", "ten a minute", "a rate limit"),
        ("SIGNAL_GAP", "three", "SIGNAL_GAP must be a number"),
        ("TWO_FACTOR_REQUIRED_ROLES", "therapist", "a list of roles"),
    ],
)
def test_a_setting_of_the_wrong_type_stops_the_app_with_its_name(tmp_path, key, value, expected):
    with pytest.raises(ConfigError) as refused:
        create_app(app_settings(tmp_path, **{key: value}))
    message = str(refused.value)
    assert key in message and expected in message and "cannot start" in message


def test_the_command_line_says_which_setting_is_wrong(tmp_path):
    """From the environment, as an operator sets it: a clear message, no app."""
    env = {
        **os.environ,
        "PARTNERTRACK_SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}",
        "PARTNERTRACK_SECRET_KEY": "x" * 32,
        "PARTNERTRACK_REVEAL_AFTER_DAYS": "seven",
    }
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "partnertrack", "routes"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "Setting REVEAL_AFTER_DAYS (environment variable PARTNERTRACK_REVEAL_AFTER_DAYS)" in result.stderr
