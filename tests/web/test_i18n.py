"""Spanish and German: the language each person sees, what it is chosen from, and the mail they get.

The page check compares the visible text of each page rendered in Spanish or German with
the English messages of the catalog: a piece of text that is still an English message
(and whose translation differs) is an untranslated interface string.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from partnertrack.extensions import db
from partnertrack.models import User
from tests.factories import PATIENT, THERAPIST, set_language
from tests.helpers import client_as, deliver, html_body, text_body, text_of

CATALOGS = Path(__file__).resolve().parents[2] / "partnertrack" / "translations"
# The pages phase 1 translated, for each role (docs/i18n.md lists the ones still to come).
PATIENT_PAGES = [
    "/account/",
    "/account/password",
    "/account/delete",
    "/account/activity",
    "/account/two-factor/",
    "/account/notifications",
    "/account/two-factor/setup",
    "/partnerships/{pid}/goals/",
    "/partnerships/{pid}/ruptures/",
    "/partnerships/{pid}/ruptures/new",
    "/partnerships/{pid}/sessions/",
]
ANONYMOUS_PAGES = ["/login", "/register", "/reset-password", "/join/not-a-token", "/nowhere"]


class _Text(HTMLParser):
    """The text pieces a person reads: element text, plus labels given as attributes."""

    def __init__(self):
        super().__init__()
        self.pieces: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        """Skip scripts and styles; keep aria-label, alt and placeholder texts."""
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("aria-label", "alt", "placeholder", "title") and value:
                self.pieces.append(value.strip())

    def handle_endtag(self, tag):
        """Leave a skipped element."""
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        """Keep each non-empty text piece, spaces collapsed."""
        text = re.sub(r"\s+", " ", data).strip()
        if text and not self._skip:
            self.pieces.append(text)


def pieces(html: str) -> list[str]:
    """The visible text pieces of a page."""
    parser = _Text()
    parser.feed(html)
    return parser.pieces


def english_messages(language: str) -> set[str]:
    """English messages (without placeholders) whose ``language`` translation reads differently."""
    with (CATALOGS / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale=language)
    found = set()
    for message in catalog:
        if message.id and isinstance(message.id, str) and "%(" not in message.id and message.string != message.id:
            found.add(message.id)
            found.add(message.id.rstrip(".:"))
    return found


def untranslated(html: str, language: str) -> list[str]:
    """The pieces of ``html`` that are English messages of the catalog."""
    english = english_messages(language)
    return [p for p in pieces(html) if p in english or p.rstrip(".:") in english]


@pytest.mark.parametrize("language", ["es", "de"])
def test_pages_in_spanish_and_german_show_no_english_interface_string(app, world, language):
    headers = {"Accept-Language": language}
    anonymous = app.test_client()
    pages = [(anonymous, path) for path in ANONYMOUS_PAGES]
    patient = client_as(app, PATIENT)
    pages += [(patient, path.format(pid=world.partnership)) for path in PATIENT_PAGES]
    therapist = client_as(app, THERAPIST)
    pages += [(therapist, "/partnerships/new"), (therapist, f"/partnerships/{world.partnership}/sessions/split")]
    pages += [(therapist, f"/partnerships/{world.partnership}/sessions/")]
    for client, path in pages:
        response = client.get(path, headers=headers)
        assert response.status_code in (200, 404), (path, response.status_code)
        assert f'<html lang="{language}">' in response.text, path
        assert not untranslated(response.text, language), (path, untranslated(response.text, language))


def test_the_page_check_finds_english_text():
    assert untranslated("<p>Shared goals</p><p>Objetivos compartidos</p>", "es") == ["Shared goals"]


def test_the_outside_contract_labels_hold_in_english(app, world):
    for headers in ({}, {"Accept-Language": "en-GB,en;q=0.9"}, {"Accept-Language": "fr"}):
        login = app.test_client().get("/login", headers=headers)
        assert '<html lang="en">' in login.text
        assert all(label in text_of(login) for label in ("Email", "Password", "Forgot your password?"))
        register = app.test_client().get("/register", headers=headers).text
        assert all(f">{label}</label>" in register for label in ("Name", "Email", "Password", "Confirm password"))
    new = client_as(app, THERAPIST).get("/partnerships/new").text
    assert ">Patient name</label>" in new and ">Patient email</label>" in new


def test_the_browser_language_is_matched_among_english_spanish_and_german(app):
    for accept, expected in [("de-AT,de;q=0.9,en;q=0.5", "de"), ("fr,es;q=0.8", "es"), ("fr,it", "en"), ("", "en")]:
        page = app.test_client().get("/login", headers={"Accept-Language": accept} if accept else {})
        assert f'<html lang="{expected}">' in page.text, accept


def test_a_chosen_language_is_stored_and_wins_over_the_browser(app, world):
    patient = client_as(app, PATIENT)
    assert 'name="language"' in patient.get("/account/").text
    response = patient.post("/account/language", data={"language": "de"}, headers={"Accept-Language": "es"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, world.patient).language == "de"
    page = patient.get("/account/", headers={"Accept-Language": "es"})
    assert '<html lang="de">' in page.text and "Ihre Sprache wurde gespeichert." in text_of(page)
    patient.post("/account/language", data={"language": ""})
    with app.app_context():
        assert db.session.get(User, world.patient).language is None
    assert '<html lang="es">' in patient.get("/account/", headers={"Accept-Language": "es"}).text


def test_a_language_not_offered_is_refused_and_nothing_stored(app, world):
    set_language(app, world.patient, "es")
    patient = client_as(app, PATIENT)
    response = patient.post("/account/language", data={"language": "xx"})
    assert response.status_code == 422 and "Not a valid choice" not in response.text
    assert "field-errors" in response.text
    with app.app_context():
        assert db.session.get(User, world.patient).language == "es"


def test_joining_from_a_spanish_browser_stores_spanish(app, world):
    from tests.web.test_partnerships import invite_link, open_partnership

    therapist = client_as(app, THERAPIST)
    token = invite_link(therapist, open_partnership(therapist, "Lucía"))
    joining = app.test_client()
    page = joining.get(f"/join/{token}", headers={"Accept-Language": "es"})
    assert "Crear la cuenta y unirse" in page.text
    data = {"name": "Lucía", "email": "lucia@example.org", "password": "una frase larga y tranquila", "confirm": ""}
    data["confirm"] = data["password"]
    response = joining.post(f"/join/{token}", data=data, headers={"Accept-Language": "es"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(User.language).where(User.email == "lucia@example.org")) == "es"


def test_a_mail_reaches_the_patient_in_their_language(mail_app, mail_server, world):
    set_language(mail_app, world.patient, "es")
    # The request comes from an English browser: the account's stored language decides.
    answer = mail_app.test_client().post("/reset-password", data={"email": PATIENT}, headers={"Accept-Language": "en"})
    assert answer.status_code == 200
    assert deliver(mail_app).sent == 1
    [message] = mail_server.wait_for(1)
    assert message["Subject"] == "Restablezca su contraseña de PartnerTrack"
    assert "Alguien, probablemente usted" in text_body(message)
    assert '<html lang="es">' in html_body(message)


def test_an_invite_goes_out_in_the_language_of_the_therapist_who_sent_it(mail_app, mail_server, world):
    therapist = client_as(mail_app, THERAPIST)
    form = {"patient_name": "Jonas", "started_on": "2026-01-05", "patient_email": "jonas@example.org"}
    assert therapist.post("/partnerships/new", data=form, headers={"Accept-Language": "de"}).status_code == 302
    assert deliver(mail_app).sent == 1
    [message] = mail_server.wait_for(1)
    assert message["Subject"] == "Sie sind zu PartnerTrack eingeladen"
    assert "Guten Tag," in text_body(message) and "Abbestellen" in html_body(message)
