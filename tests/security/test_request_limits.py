"""Size limits and control characters: a clear page or message, and nothing stored."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import rating_form
from tests.helpers import client_as, table_snapshot

TOO_LARGE = "What you sent is too large"


def test_a_body_over_max_content_length_gets_the_413_page(app, world):
    """Half a megabyte to the login form is refused before it is read."""
    response = app.test_client().post("/login", data={"email": "a@example.org", "password": "x" * 512 * 1024})
    assert response.status_code == 413
    assert TOO_LARGE in response.get_data(as_text=True)


def test_a_huge_multipart_field_gets_the_413_page_and_stores_nothing(app, world):
    """A 100 kB field (under MAX_CONTENT_LENGTH, over MAX_FORM_MEMORY_SIZE) is refused whole."""
    client = client_as(app, "pat@example.org")
    before = table_snapshot(app)
    response = client.post(
        f"/partnerships/{world.partnership}/rate",
        data=rating_form(date.today(), comment="x" * 100_000),
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert TOO_LARGE in response.get_data(as_text=True)
    assert table_snapshot(app) == before


def test_a_huge_urlencoded_comment_gets_a_form_message_and_stores_nothing(app, world):
    """The same 100 kB as an ordinary form post meets the comment's length rule."""
    client = client_as(app, "pat@example.org")
    before = table_snapshot(app)
    response = client.post(
        f"/partnerships/{world.partnership}/rate", data=rating_form(date.today(), comment="x" * 100_000)
    )
    assert response.status_code == 422
    assert "2,000 characters or fewer" in response.get_data(as_text=True)
    assert table_snapshot(app) == before


def test_413_is_json_for_json_clients(app, world):
    """An API client gets the same message as JSON."""
    response = app.test_client().post(
        "/login", data={"password": "x" * 512 * 1024}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 413 and TOO_LARGE in response.get_json()["error"]


def test_an_over_long_comment_gets_a_form_message(app, world):
    """2,001 characters: the form says the limit, and nothing is stored."""
    client = client_as(app, "pat@example.org")
    before = table_snapshot(app)
    response = client.post(
        f"/partnerships/{world.partnership}/rate", data=rating_form(date.today(), comment="é" * 2001)
    )
    assert response.status_code == 422
    assert "2,000 characters or fewer" in response.get_data(as_text=True)
    assert table_snapshot(app) == before


def test_an_over_long_name_gets_a_form_message(app, client):
    """121 characters of name at sign-up."""
    before = table_snapshot(app)
    data = {
        "name": "N" * 121,
        "email": "n@example.org",
        "password": "quiet river stones",
        "confirm": "quiet river stones",
    }
    response = client.post("/register", data=data)
    assert "under 120 characters" in response.get_data(as_text=True)
    assert table_snapshot(app) == before


@pytest.mark.parametrize("text", ["nul\x00byte", "\x00", "bell\x07", "escape\x1b[31m", "del\x7f"])
def test_control_characters_are_refused_with_a_clear_message(app, world, text):
    """NUL (which PostgreSQL refuses in text) and other controls never reach the database."""
    client = client_as(app, "pat@example.org")
    before = table_snapshot(app)
    response = client.post(f"/partnerships/{world.partnership}/rate", data=rating_form(date.today(), comment=text))
    assert response.status_code == 400
    assert "invisible control character" in response.get_data(as_text=True)
    assert table_snapshot(app) == before


def test_control_characters_in_a_name_or_the_query_are_refused(app, client):
    """At sign-up and in a query string alike."""
    data = {
        "name": "Ann\x00",
        "email": "ann@example.org",
        "password": "quiet river stones",
        "confirm": "quiet river stones",
    }
    assert client.post("/register", data=data).status_code == 400
    assert client.get("/login?next=/%00").status_code == 400


def test_tabs_and_line_breaks_are_fine(app, world):
    """Ordinary whitespace in a comment is stored as typed."""
    client = client_as(app, "pat@example.org")
    comment = "First line\r\nSecond\tline"
    response = client.post(f"/partnerships/{world.partnership}/rate", data=rating_form(date.today(), comment=comment))
    assert response.status_code == 302
