"""Spanish and German on the pages of signals and charts: caseload, patient home, partnership page, chart images.

The signal sentences and the caseload's reasons are computed once per data version for every
viewer (summaries/payload.py) and stored untranslated (core/phrase.py): each viewer reads them in
their own language, and a chart image is cached per language.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from partnertrack.core.phrase import Phrase, from_data, to_data
from partnertrack.core.roles import ROLES, Role
from tests.factories import PATIENT, THERAPIST, flat, store_ratings, weekly_dates
from tests.helpers import client_as
from tests.web.test_i18n import untranslated

CHART_TABS = ("alliance", "factors", "gaps", "readiness", "goals", "all")


@pytest.fixture
def dip(app, world):
    """Eight weekly sessions both rated; the patient's session 7 dips and is not yet repaired."""
    days = weekly_dates(8, world.started_on + timedelta(days=70))
    rows = []
    for number, day in enumerate(days, start=1):
        patient = flat(3) if number >= 7 else flat(8)
        rows += [(day, Role.PATIENT, patient), (day, Role.THERAPIST, flat(8, collaboration=9))]
    store_ratings(app, world.partnership, rows)
    return days


def pages(app, world):
    therapist, patient = client_as(app, THERAPIST), client_as(app, PATIENT)
    show = f"/partnerships/{world.partnership}/"
    found = [(therapist, "/"), (patient, "/")]
    found += [(client, f"{show}?chart={tab}") for client in (therapist, patient) for tab in CHART_TABS]
    found += [
        (therapist, f"/?show={show_}&sort={sort}")
        for show_ in ("all", "attention", "ended")
        for sort in ("name", "last", "owed")
    ]
    return found


@pytest.mark.parametrize("language", ["es", "de"])
def test_signal_and_chart_pages_show_no_english_interface_string(app, world, dip, language):
    headers = {"Accept-Language": language}
    for client, path in pages(app, world):
        response = client.get(path, headers=headers)
        assert response.status_code == 200, path
        assert f'<html lang="{language}">' in response.text, path
        assert not untranslated(response.text, language), (path, untranslated(response.text, language))


def test_the_stored_sentences_are_read_in_each_viewers_language(app, world, dip):
    therapist = client_as(app, THERAPIST)
    english = therapist.get(f"/partnerships/{world.partnership}/").text
    spanish = therapist.get(f"/partnerships/{world.partnership}/", headers={"Accept-Language": "es"}).text
    german = therapist.get(f"/partnerships/{world.partnership}/", headers={"Accept-Language": "de"}).text
    again = therapist.get(f"/partnerships/{world.partnership}/").text  # same stored summary, English again
    assert "Possible rupture at session 7" in english and "Possible rupture at session 7" in again
    assert "Posible ruptura en la sesión 7" in spanish and "Possible rupture" not in spanish
    assert "Möglicher Bruch in Sitzung 7" in german and "Possible rupture" not in german
    caseload_es = therapist.get("/", headers={"Accept-Language": "es"}).text
    assert "Posible ruptura en la sesión 7" in caseload_es  # the reason leading the row, capitalised
    assert "possible rupture at session 7" in therapist.get("/").text.lower()


def test_a_chart_image_is_cached_and_tagged_per_language(app, world, dip):
    therapist = client_as(app, THERAPIST)
    url = f"/partnerships/{world.partnership}/charts/alliance.svg"
    english = therapist.get(url)
    spanish = therapist.get(url, headers={"Accept-Language": "es"})
    german = therapist.get(url, headers={"Accept-Language": "de"})
    assert english.status_code == spanish.status_code == german.status_code == 200
    assert len({english.headers["ETag"], spanish.headers["ETag"], german.headers["ETag"]}) == 3
    assert b"<title>Alliance index</title>" in english.data and b"Session" in english.data
    assert "<title>Índice de alianza</title>" in spanish.text and "Sesión" in spanish.text
    assert "<title>Allianz-Index</title>" in german.text and "Sitzung" in german.text
    # The English tag does not answer 304 to a Spanish page, and the cached English image is not served to it.
    again = therapist.get(url, headers={"Accept-Language": "es", "If-None-Match": english.headers["ETag"]})
    assert again.status_code == 200 and "Sesión" in again.text
    assert therapist.get(url, headers={"If-None-Match": english.headers["ETag"]}).status_code == 304


def test_a_phrase_is_its_english_text_and_keeps_its_parts_through_json():
    reason = Phrase("%(drop)s below the usual %(baseline)s", drop="3.0", baseline="8.0")
    sentence = Phrase(
        "Possible rupture at session %(number)s in %(whose)s ratings (%(reasons)s). "
        "Not yet repaired — worth talking about together.",
        number=7,
        whose=Phrase("your client's"),
        reasons=reason,
    )
    assert sentence == (
        "Possible rupture at session 7 in your client's ratings (3.0 below the usual 8.0). "
        "Not yet repaired — worth talking about together."
    )
    back = from_data(to_data(sentence))
    assert isinstance(back, Phrase) and back == sentence and back.params["whose"].msgid == "your client's"
    catalog = {"%(drop)s below the usual %(baseline)s": "%(drop)s unter %(baseline)s", "your client's": "X"}
    translated = back.translate(lambda m: catalog.get(m, m), lambda s, p, n: s if n == 1 else p)
    assert translated.startswith("Possible rupture at session 7 in X ratings (3.0 unter 8.0).")
    assert from_data("plain") == "plain" and to_data("plain") == "plain"
    assert ROLES  # the roles the sentences name
