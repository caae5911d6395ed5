"""No secret link travels in a cookie: the session cookie is signed, not encrypted, so anyone
holding it (a shared computer, a proxy log) reads what it holds.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from tests.factories import THERAPIST
from tests.helpers import client_as


def readable_cookies(app, client) -> str:
    """Everything a reader of the client's cookies sees: the raw values and the decoded session."""
    values = []
    serializer = app.session_interface.get_signing_serializer(app)
    for cookie in client._cookies.values():
        values.append(cookie.value)
        if cookie.key == app.config["SESSION_COOKIE_NAME"]:
            values.append(repr(serializer.loads(cookie.value)))
    return "\n".join(values)


def invite_token(page: str) -> str | None:
    """The token of the invite link shown on a partnership page."""
    match = re.search(r'href="http://[^"]*/join/([^"]+)"', page)
    return match.group(1) if match else None


def open_partnership(client) -> int:
    """Open a partnership through the form; its id."""
    started = (date.today() - timedelta(days=7)).isoformat()
    response = client.post("/partnerships/new", data={"patient_name": "Alex", "started_on": started})
    assert response.status_code == 302
    return int(response.headers["Location"].strip("/").split("/")[-1])


def test_the_invite_token_is_in_no_cookie_before_or_after_logout(app, world):
    client = client_as(app, THERAPIST)
    pid = open_partnership(client)
    token = invite_token(client.get(f"/partnerships/{pid}/").text)
    assert token, "the therapist sees the invite link"
    assert token not in readable_cookies(app, client)
    reinvite = client.post(f"/partnerships/{pid}/invite")
    assert reinvite.status_code == 302
    new_token = invite_token(client.get(f"/partnerships/{pid}/").text)
    assert new_token and new_token != token
    assert new_token not in readable_cookies(app, client)
    client.post("/logout")
    assert new_token not in readable_cookies(app, client)


def test_the_therapist_sees_the_link_again_on_another_device(app, world):
    """Kept out of the cookie, the link is not lost either: it is derived again on the server."""
    first = client_as(app, THERAPIST)
    pid = open_partnership(first)
    token = invite_token(first.get(f"/partnerships/{pid}/").text)
    other_device = client_as(app, THERAPIST)
    assert invite_token(other_device.get(f"/partnerships/{pid}/").text) == token
    assert "Join Dr Tara Therapist" in app.test_client().get(f"/join/{token}").text


def test_logout_leaves_nothing_of_the_session_behind(app, world):
    client = client_as(app, THERAPIST)
    client.get(f"/partnerships/{world.partnership}/")  # records the view in the session
    client.post("/logout")
    with client.session_transaction() as session:
        assert set(session) <= {"_flashes", "_fresh", "csrf_token"}, "only the goodbye message may remain"
