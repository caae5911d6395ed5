"""Hostile HTML stored through every text input comes back escaped on every page that shows it."""

from __future__ import annotations

from datetime import date, timedelta

from markupsafe import escape

from tests.factories import PASSWORD, rating_form
from tests.helpers import client_as

PAYLOAD = '<script>ptx_alert("x")</script><img src=x onerror=ptx()>'


def _shows_escaped(client, url: str, payload: str = PAYLOAD) -> None:
    """``url`` shows the payload as text, never as markup."""
    body = client.get(url).get_data(as_text=True)
    assert payload not in body, f"raw payload on {url}"
    assert str(escape(payload)) in body, f"payload not shown on {url}"


def test_names_are_escaped(app, world):
    """A therapist's name (sign-up), a patient name (new partnership) and a patient's own name (join)."""
    client = app.test_client()
    client.post(
        "/register", data={"name": PAYLOAD, "email": "x@example.org", "password": PASSWORD, "confirm": PASSWORD}
    )
    _shows_escaped(client, "/")
    response = client.post("/partnerships/new", data={"patient_name": PAYLOAD, "started_on": date.today().isoformat()})
    _shows_escaped(client, response.headers["Location"])
    _shows_escaped(client, "/")
    _shows_escaped(client, "/account/")


def test_comments_are_escaped_for_both_parties(app, world):
    """The patient's comment, on their page, on the therapist's after the reveal, and in the activity log."""
    patient, therapist = client_as(app, "pat@example.org"), client_as(app, "tara@example.org")
    day = date.today() - timedelta(days=2)
    patient.post(f"/partnerships/{world.partnership}/rate", data=rating_form(day, comment=PAYLOAD))
    therapist.post(f"/partnerships/{world.partnership}/rate", data=rating_form(day))
    _shows_escaped(patient, f"/partnerships/{world.partnership}/")
    _shows_escaped(therapist, f"/partnerships/{world.partnership}/")
    _shows_escaped(patient, f"/partnerships/{world.partnership}/rate?date={day.isoformat()}")


def test_goal_concern_and_review_texts_are_escaped(app, world):
    """Goal wording, a concern, a note on it and the ending-review notes."""
    patient, therapist = client_as(app, "pat@example.org"), client_as(app, "tara@example.org")
    base = f"/partnerships/{world.partnership}"
    assert patient.post(f"{base}/goals/", data={"text": PAYLOAD}).status_code == 302
    _shows_escaped(therapist, f"{base}/goals/")
    response = patient.post(f"{base}/ruptures/new", data={"text": PAYLOAD, "session": ""})
    assert response.status_code == 302
    _shows_escaped(therapist, response.headers["Location"])
    assert patient.post(f"{base}/review/open").status_code == 302
    assert (
        patient.post(f"{base}/review/patient/notes", data={"progress": PAYLOAD, "left_undone": PAYLOAD}).status_code
        == 302
    )
    _shows_escaped(patient, f"{base}/review/")
