"""What a patient reads about a dip: plain words on every page and chart, never the therapist's terms.

docs/clinical.md ("Words"): the patient never reads an index of the therapy, "possible
rupture", a grade such as "strong rupture", or "partner" for the therapist; the therapist's
page names each detected rupture "possible rupture at session N".
"""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from partnertrack.core.roles import Role
from tests.factories import PATIENT, THERAPIST, flat, set_language, store_ratings, weekly_dates
from tests.helpers import client_as, text_of

CHARTS = ("alliance", "factors", "gaps", "readiness", "goals")
FORBIDDEN = re.compile(r"alliance index|index of the therapy|possible ruptures?|strong rupture|\bpartner\b", re.I)
DIP = 7  # the session whose low ratings make the patient's dip


@pytest.fixture
def dip(app, world):
    """Seven weekly sessions both rated: the patient's seventh falls well below their usual 7."""
    days = weekly_dates(DIP)
    rows = [(d, Role.THERAPIST, flat(7)) for d in days]
    rows += [(d, Role.PATIENT, flat(3 if n == DIP else 7)) for n, d in enumerate(days, start=1)]
    store_ratings(app, world.partnership, rows)
    return world


def forbidden_in(text: str) -> list[str]:
    """Every forbidden term found in ``text``."""
    return FORBIDDEN.findall(text)


def test_the_patients_partnership_page_words_the_dip_plainly(app, dip):
    page = client_as(app, PATIENT).get(f"/partnerships/{dip.partnership}/?chart=all")
    text = text_of(page)
    assert f"A dip in how session {DIP} felt to you" in text
    assert "How the sessions felt overall 7.0 3.0 7.0 7.0" in text  # the trend table's first row
    assert "How the session felt overall 3.0 7.0" in text  # the latest session's own table
    assert forbidden_in(text) == []


@pytest.mark.parametrize("name", CHARTS)
def test_each_chart_drawn_for_the_patient_has_no_therapist_terms(app, dip, name):
    svg = client_as(app, PATIENT).get(f"/partnerships/{dip.partnership}/charts/{name}.svg")
    assert svg.status_code == 200
    assert forbidden_in(svg.text) == []


def test_the_patients_alliance_chart_and_its_summary_say_dip(app, dip):
    pat = client_as(app, PATIENT)
    svg = pat.get(f"/partnerships/{dip.partnership}/charts/alliance.svg").text
    assert "<title>How the sessions felt overall</title>" in svg and ">A dip<" in svg
    page = text_of(pat.get(f"/partnerships/{dip.partnership}/?chart=alliance"))
    assert f"A dip in how session {DIP} felt to you, not yet better again." in page
    assert "a dip for you" in page  # the data table's note on that session


def test_the_patients_progress_report_has_no_therapist_terms(app, dip):
    report = client_as(app, PATIENT).get(f"/partnerships/{dip.partnership}/progress/")
    assert report.status_code == 200
    text = text_of(report)
    assert "How the sessions felt overall 7.0 5.7" in text  # first against latest: the index row
    assert forbidden_in(text) == []


def test_the_patient_reads_the_same_plain_words_in_spanish(app, dip):
    set_language(app, dip.patient, "es")
    pat = client_as(app, PATIENT)
    text = text_of(pat.get(f"/partnerships/{dip.partnership}/?chart=all"))
    text += text_of(pat.get(f"/partnerships/{dip.partnership}/progress/"))
    assert "Cómo se vivieron las sesiones en conjunto" in text
    assert f"Un bajón en cómo vivió usted la sesión {DIP}" in text
    assert re.findall(r"índice de alianza|posibles? rupturas?|la otra parte", text, re.I) == []


def test_the_therapist_keeps_the_clinical_terms(app, dip):
    tara = client_as(app, THERAPIST)
    page = text_of(tara.get(f"/partnerships/{dip.partnership}/?chart=all"))
    assert f"possible rupture at session {DIP}" in page.lower()
    assert "Alliance index" in page
    svg = tara.get(f"/partnerships/{dip.partnership}/charts/alliance.svg").text
    assert "<title>Alliance index</title>" in svg and ">Possible rupture<" in svg
    report = text_of(tara.get(f"/partnerships/{dip.partnership}/progress/"))
    assert "Alliance index" in report


def pdf_text(response) -> str:
    """The words of a PDF response, whitespace folded."""
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_the_patients_rupture_log_and_pdf_speak_of_dips(app, dip):
    pat = client_as(app, PATIENT)
    log = text_of(pat.get(f"/partnerships/{dip.partnership}/ruptures/"))
    assert f"A dip in how a session felt to you, session {DIP}" in log
    assert "A dip is something to talk about" in log
    assert forbidden_in(log) == []
    pdf = pdf_text(pat.get(f"/partnerships/{dip.partnership}/progress.pdf"))
    assert f"A dip in how session {DIP} felt to the patient (Pat): open." in pdf
    assert "Dips and how they were talked through" in pdf
    assert forbidden_in(pdf) == []


def test_the_therapists_rupture_log_and_pdf_name_the_possible_rupture(app, dip):
    tara = client_as(app, THERAPIST)
    log = text_of(tara.get(f"/partnerships/{dip.partnership}/ruptures/"))
    assert f"Possible rupture in Pat’s ratings, session {DIP}" in log
    pdf = pdf_text(tara.get(f"/partnerships/{dip.partnership}/progress.pdf"))
    assert f"Possible rupture in the ratings of the patient (Pat), session {DIP}: open." in pdf
