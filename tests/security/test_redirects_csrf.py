"""Open redirects through ?next= are refused; forged or missing CSRF tokens are refused."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

import pytest

from tests.factories import PASSWORD, add_partnership, add_user, rating_form
from tests.helpers import table_snapshot

HOSTILE_NEXT = [
    "https://evil.example/",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "/%09/evil.example/",
    "/\t/evil.example/",
    "javascript:alert(1)",
    "http:/evil.example",
    "https:evil.example",
    " //evil.example",
    "/%2F%2Fevil.example",
]


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_login_never_redirects_off_site(app, world, target):
    """After login the redirect stays on this site, whatever ?next= says."""
    response = app.test_client().post(
        "/login", query_string={"next": target}, data={"email": "pat@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert _stays_on_site(response.headers["Location"])


def _stays_on_site(location: str) -> bool:
    """Read ``location`` as a browser does (tabs and newlines dropped, \\ as /): no scheme, no host."""
    seen = urlsplit(re.sub(r"[\t\n\r]", "", location).replace("\\", "/"))
    return not seen.scheme and not seen.netloc and location.startswith("/")


def test_a_local_next_is_followed(app, world):
    """A path on this site is where the user wanted to go."""
    response = app.test_client().post(
        f"/login?next=/partnerships/{world.partnership}/", data={"email": "pat@example.org", "password": PASSWORD}
    )
    assert response.headers["Location"] == f"/partnerships/{world.partnership}/"


@pytest.fixture
def csrf_app(new_app):
    """An app with CSRF protection on, as in production, and a partnership."""
    app = new_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        t = add_user("Dr Tara Therapist", "tara@example.org", "therapist")
        p = add_user("Pat Patient", "pat@example.org", "patient")
        pid = add_partnership(t, p, "Pat", date(2025, 1, 6))
    app.config["pid"] = pid
    return app


def _token(client, url: str) -> str:
    """The CSRF token in the form at ``url``."""
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def _logged_in(app):
    """A client logged in as the patient through the real, CSRF-protected form."""
    client = app.test_client()
    token = _token(client, "/login")
    response = client.post("/login", data={"email": "pat@example.org", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    return client


@pytest.mark.parametrize("token", [None, "", "forged-token", "IjEyMyI.forged.signature"])
def test_forged_or_missing_csrf_token_is_refused(csrf_app, token):
    """The rating is not stored and the page explains."""
    client = _logged_in(csrf_app)
    url = f"/partnerships/{csrf_app.config['pid']}/rate"
    data = rating_form(date(2025, 2, 3))
    if token is not None:
        data["csrf_token"] = token
    before = table_snapshot(csrf_app)
    response = client.post(url, data=data)
    assert response.status_code == 400
    assert "This form has expired or was not sent from PartnerTrack" in response.get_data(as_text=True)
    assert table_snapshot(csrf_app) == before


def test_another_sessions_token_is_refused(csrf_app):
    """A token taken from the attacker's own session does not work in the victim's."""
    attacker = csrf_app.test_client()
    stolen = _token(attacker, "/login")
    victim = _logged_in(csrf_app)
    data = {**rating_form(date(2025, 2, 3)), "csrf_token": stolen}
    assert victim.post(f"/partnerships/{csrf_app.config['pid']}/rate", data=data).status_code == 400


def test_logout_and_account_deletion_need_the_token(csrf_app):
    """A cross-site POST cannot log the user out or delete the account."""
    client = _logged_in(csrf_app)
    assert client.post("/logout").status_code == 400
    assert client.post("/account/delete", data={"current": PASSWORD, "understood": "y"}).status_code == 400
    assert client.get("/").status_code == 200


def test_the_real_token_works(csrf_app):
    """The control: with the page's own token the rating is stored."""
    client = _logged_in(csrf_app)
    url = f"/partnerships/{csrf_app.config['pid']}/rate"
    data = {**rating_form(date(2025, 2, 3)), "csrf_token": _token(client, url)}
    assert client.post(url, data=data).status_code == 302
