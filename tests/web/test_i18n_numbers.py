"""Spanish and German for what phase 2 left English: numbers in sentences, length limits, password advice.

A number with decimals in a pure module's sentence is a ``Number`` (core/phrase.py): its English
text is unchanged and the page writes it with the viewer's decimal sign. The length limits and
zxcvbn's warnings are marked messages, so a Spanish or German visitor reads them in their language.
"""

from __future__ import annotations

import copy
import re
from datetime import timedelta

import pytest
from zxcvbn import zxcvbn

from partnertrack.core.i18n import tr
from partnertrack.core.password_policy import ZXCVBN_WARNINGS
from partnertrack.core.phrase import Phrase, decimal, dumps, from_data, loads, to_data
from partnertrack.core.roles import Role
from partnertrack.extensions import db
from partnertrack.goals.models import Goal
from partnertrack.models import User
from tests.factories import PATIENT, THERAPIST, flat, store_ratings, weekly_dates
from tests.helpers import client_as, count, text_of
from tests.web.test_i18n import pieces

SENTENCE = Phrase("Index %(value)s in session %(number)s", value=decimal(6.25), number=7)


def test_a_number_reads_as_english_until_shown_and_survives_storage():
    assert SENTENCE == "Index 6.2 in session 7" and decimal(-1.0) == "-1.0" and decimal(7.0, 0) == "7"
    again = from_data(to_data(SENTENCE))
    assert again == SENTENCE and again.params["value"].value == 6.25
    assert copy.deepcopy(SENTENCE).params["value"].places == 1
    assert loads(dumps(SENTENCE)).translate(str, None) == SENTENCE and loads("We rushed.") == "We rushed."


@pytest.mark.parametrize("language, shown", [("en", "Index 6.2 in session 7"), ("es", "6,2"), ("de", "6,2")])
def test_the_page_writes_the_number_with_the_viewers_decimal_sign(app, language, shown):
    with app.test_request_context(headers={"Accept-Language": language}):
        assert shown in tr(SENTENCE)
        assert tr(decimal(8.0)) == ("8.0" if language == "en" else "8,0")
        assert tr(6.5) == ("6.5" if language == "en" else "6,5")  # a chart table's cell


@pytest.mark.parametrize("language", ["es", "de"])
def test_signal_pages_show_no_decimal_point_in_spanish_or_german(app, world, language):
    days = weekly_dates(6, world.started_on + timedelta(days=50))
    rows = []
    for number, day in enumerate(days, start=1):
        rows += [(day, Role.PATIENT, flat(3) if number >= 5 else flat(8)), (day, Role.THERAPIST, flat(7))]
    store_ratings(app, world.partnership, rows)
    therapist = client_as(app, THERAPIST)
    for path in ("/", f"/partnerships/{world.partnership}/?chart=all", f"/partnerships/{world.partnership}/"):
        text = " ".join(pieces(therapist.get(path, headers={"Accept-Language": language}).text))
        assert re.search(r"\d,\d", text), path
        assert not re.search(r"\b\d{1,2}\.\d\b", text), (path, re.findall(r".{30}\b\d{1,2}\.\d\b.{10}", text))


@pytest.mark.parametrize(
    "language, message",
    [
        ("es", "El objetivo puede tener como máximo 300 caracteres."),
        ("de", "Das Ziel darf höchstens 300 Zeichen lang sein."),
        ("en", "Please keep the goal to 300 characters or fewer."),
    ],
)
def test_a_too_long_goal_is_refused_in_the_viewers_language(app, world, language, message):
    patient = client_as(app, PATIENT)
    url = f"/partnerships/{world.partnership}/goals/"
    response = patient.post(url, data={"text": "x" * 301}, headers={"Accept-Language": language})
    assert response.status_code == 422 and message in text_of(response)
    assert count(app, Goal) == 0


def test_a_too_long_concern_gives_the_limit_with_the_viewers_grouping(app, world):
    patient = client_as(app, PATIENT)
    url = f"/partnerships/{world.partnership}/ruptures/new"
    response = patient.post(url, data={"text": "y" * 2001}, headers={"Accept-Language": "de"})
    assert response.status_code == 422
    assert "Ihr Anliegen darf höchstens 2.000 Zeichen lang sein." in text_of(response)


def test_every_warning_zxcvbn_can_give_is_worded_by_us():
    for password in ("qwertyuiop", "zxcvbn", "aaaaaaa", "abcabcabc", "abcdefg", "2019", "11/05/1987", "michael"):
        warning = zxcvbn(password)["feedback"]["warning"]
        assert not warning or warning in ZXCVBN_WARNINGS, warning


@pytest.mark.parametrize("language", ["es", "de"])
def test_password_advice_is_in_the_visitors_language(app, language):
    client = app.test_client()
    data = {"name": "Nueva Persona", "email": "nueva@example.org", "password": "abcabcabca", "confirm": "abcabcabca"}
    response = client.post("/register", data=data, headers={"Accept-Language": language})
    assert response.status_code == 422
    shown = text_of(response)
    assert {"es": "Esta contraseña sería fácil de adivinar.", "de": "leicht zu erraten"}[language] in shown
    assert not [english for english in ZXCVBN_WARNINGS if english in shown]
    assert "easy to guess" not in shown and "strong password" not in shown
    with app.app_context():
        assert db.session.scalar(db.select(User).where(User.email == "nueva@example.org")) is None


@pytest.mark.parametrize("language, title", [("es", "Disposición más reciente"), ("de", "Letzte Bereitschaft")])
def test_the_progress_pdf_words_its_charts_in_the_readers_language(app, world, language, title):
    import io

    from pypdf import PdfReader

    days = weekly_dates(4, world.started_on + timedelta(days=40))
    store_ratings(app, world.partnership, [(d, r, flat(7)) for d in days for r in (Role.PATIENT, Role.THERAPIST)])
    patient = client_as(app, PATIENT)
    response = patient.get(f"/partnerships/{world.partnership}/progress.pdf", headers={"Accept-Language": language})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages).split())
    assert title in text
    for english in ("Readiness to discuss ending", "Latest readiness", "How sessions felt", "Sessions felt"):
        assert english not in text, english
    assert not re.search(r"\b\d\.\d\b", text), re.findall(r".{30}\b\d\.\d\b", text)


@pytest.mark.parametrize(
    "language, reason",
    [
        ("es", "4,0 por debajo del 7,0 habitual"),
        ("de", "4,0 unter dem üblichen Wert von 7,0"),
        ("en", "4.0 below the usual 7.0"),
    ],
)
def test_why_a_possible_rupture_was_flagged_reads_in_the_viewers_language(app, world, language, reason):
    from tests.web.test_ruptures import store_v_shape

    store_v_shape(app, world)
    patient = client_as(app, PATIENT)
    log = patient.get(f"/partnerships/{world.partnership}/ruptures/", headers={"Accept-Language": language})
    assert reason in text_of(log)
    entry = re.search(r"/ruptures/(\d+)", log.text).group(1)
    page = patient.get(f"/partnerships/{world.partnership}/ruptures/{entry}", headers={"Accept-Language": language})
    assert reason in text_of(page)
    # The JSON export keeps the English text it always gave.
    exported = patient.get(f"/partnerships/{world.partnership}/export.json").get_json()
    assert "4.0 below the usual 7.0" in str(exported)


@pytest.mark.parametrize("language, latest", [("es", "6,6"), ("de", "6,6"), ("en", "6.6")])
def test_the_caseload_image_writes_each_latest_index_in_the_viewers_language(app, world, language, latest):
    days = weekly_dates(2, world.started_on + timedelta(days=20))
    rows = [(days[0], Role.THERAPIST, flat(7)), (days[1], Role.THERAPIST, flat(6, mutuality=9, collaboration=6))]
    store_ratings(app, world.partnership, rows)
    svg = client_as(app, THERAPIST).get("/caseload.svg", headers={"Accept-Language": language})
    assert svg.status_code == 200 and re.search(rf">\s*{re.escape(latest)}\s*<", svg.text)  # drawn as text (SVG)
