"""Spanish and German on the ending review, the progress report (page and PDF) and the clinic pages.

Uses the page check of tests/web/test_i18n.py: no text piece of a page rendered in Spanish or
German may still be an English message of the catalog.
"""

from __future__ import annotations

import io
import re
from datetime import date

import pytest

from tests.factories import CLINIC_EMAILS, THERAPIST, allow_supervision, make_clinic_world
from tests.helpers import client_as
from tests.web.test_i18n import untranslated


@pytest.fixture
def cw(app):
    """The clinic world: admin, supervisor, two therapists, Paula's rated partnership."""
    return make_clinic_world(app)


def as_(app, who: str):
    """A client logged in as one of CLINIC_EMAILS' people."""
    return client_as(app, CLINIC_EMAILS[who])


# The clinic world's people are named after their roles ("Admin", "Supervisor"): a name is not
# an interface string.
NAMES = {key.replace("_", " ").title() for key in CLINIC_EMAILS}
# The charts (<figure>) are worded by insights/chart_data.py, translated with the insights pages.
FIGURE = re.compile(r"<figure\b.*?</figure>", re.S)


def english_left(html: str, language: str) -> list[str]:
    """The English interface strings of ``html`` outside its charts, people's names left out."""
    return [piece for piece in untranslated(FIGURE.sub("", html), language) if piece not in NAMES]


def assert_translated(client, path: str, language: str) -> str:
    """The page at ``path`` in ``language``: status 200, the right lang, no English interface string."""
    response = client.get(path, headers={"Accept-Language": language})
    assert response.status_code == 200, (path, response.status_code)
    assert f'<html lang="{language}">' in response.text, path
    assert not english_left(response.text, language), (path, english_left(response.text, language))
    return response.text


@pytest.mark.parametrize("language", ["es", "de"])
def test_review_and_progress_report_in_spanish_and_german(app, cw, language):
    pid = cw.partnership
    patient, therapist = as_(app, "clinic_patient"), as_(app, "clinic_therapist")
    for client in (patient, therapist):
        assert_translated(client, f"/partnerships/{pid}/review/", language)
        assert_translated(client, f"/partnerships/{pid}/progress/", language)
    # The review opened and the patient's notes written: the notes section and its buttons.
    headers = {"Accept-Language": language}
    assert patient.post(f"/partnerships/{pid}/review/open", headers=headers).status_code == 302
    notes = {"progress": "Mejor sueño.", "left_undone": "Nada."}
    assert patient.post(f"/partnerships/{pid}/review/patient/notes", data=notes, headers=headers).status_code == 302
    for client in (patient, therapist):
        page = assert_translated(client, f"/partnerships/{pid}/review/", language)
        assert "Ending review" not in page


@pytest.mark.parametrize("language", ["es", "de"])
def test_clinic_pages_in_spanish_and_german(app, cw, language):
    allow_supervision(app, cw.patient)
    admin, supervisor = as_(app, "admin"), as_(app, "supervisor")
    for client in (admin, supervisor):
        assert_translated(client, "/clinic/", language)
        assert_translated(client, f"/clinic/therapists/{cw.therapist_member}", language)
    assert_translated(supervisor, f"/clinic/partnerships/{cw.partnership}", language)
    assert_translated(admin, "/clinic/members", language)
    assert_translated(admin, "/clinic/transfers", language)
    assert_translated(as_(app, "clinic_therapist"), "/clinic/me", language)
    assert_translated(as_(app, "clinic_patient"), "/account/", language)
    made = admin.post("/clinic/invites", data={"role": "therapist", "email": ""}, headers={"Accept-Language": language})
    assert made.status_code == 200 and not english_left(made.text, language)
    link = re.search(r'href="https?://[^/"]+(/clinic/join/[^"]+)"', made.text).group(1)
    assert_translated(as_(app, "other_supervisor"), link, language)


def test_refusals_marked_with_n_are_shown_translated(app):
    from partnertrack.clinic.service import LAST_ADMIN
    from partnertrack.core.errors import translated
    from partnertrack.core.refusals import ENDED, Refused
    from partnertrack.sessions.pairs import merge_problem

    far = merge_problem((date(2026, 3, 2), {"patient"}), (date(2026, 3, 12), {"therapist"}))
    assert str(far) == "Only sessions at most 6 days apart can be merged: these are 10."  # English unchanged
    with app.test_request_context(headers={"Accept-Language": "es"}):
        assert translated(Refused(far).message) == (
            "Solo se pueden unir sesiones con 6 días de diferencia como máximo: estas tienen 10."
        )
        assert translated(Refused(LAST_ADMIN).message).startswith("La clínica necesita al menos un administrador")
        assert translated(ENDED).startswith("Esta colaboración ha terminado")
        assert translated("Ya traducido.") == "Ya traducido."
    with app.test_request_context(headers={"Accept-Language": "de"}):
        assert translated(Refused(ENDED).message).startswith("Diese Zusammenarbeit ist beendet")


def test_the_progress_pdf_in_spanish_has_spanish_headings(app, cw):
    from pypdf import PdfReader

    patient = as_(app, "clinic_patient")
    response = patient.get(f"/partnerships/{cw.partnership}/progress.pdf", headers={"Accept-Language": "es"})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    for heading in ("Informe de progreso", "Primeras sesiones y las más recientes", "Objetivos"):
        assert heading in text, heading
    assert "Progress report" not in text and "First sessions and the latest" not in text
    english = patient.get(f"/partnerships/{cw.partnership}/progress.pdf", headers={"Accept-Language": "en"})
    assert "First sessions and the latest" in "\n".join(
        p.extract_text() for p in PdfReader(io.BytesIO(english.data)).pages
    )


@pytest.mark.parametrize("language", ["es", "de"])
def test_mailed_sign_up_speaks_the_language_of_the_page(mail_app, mail_server, world, language):
    from tests.helpers import deliver, html_body, link_in, path_of, text_body

    headers = {"Accept-Language": language}
    form = {"name": "Inés", "email": "ines@example.org", "password": "un paseo tranquilo junto al río"}
    form["confirm"] = form["password"]
    answer = mail_app.test_client().post("/register", data=form, headers=headers)
    assert answer.status_code == 200 and not english_left(answer.text, language)
    assert deliver(mail_app).sent == 1
    [message] = mail_server.wait_for(1)
    subject = {"es": "Termine de crear su cuenta de PartnerTrack", "de": "Legen Sie Ihr PartnerTrack-Konto fertig an"}
    assert message["Subject"] == subject[language]
    assert not english_left(html_body(message), language)
    assert "Someone, probably you" not in text_body(message)
    path = path_of(link_in(message, "/register/finish/"))
    browser = mail_app.test_client()
    assert_translated(browser, path, language)
    invalid = browser.get("/register/finish/not-a-token", headers=headers)
    assert invalid.status_code == 404 and not english_left(invalid.text, language)


def test_the_delivery_report_in_spanish(mail_app, mail_server, world):
    from tests.helpers import deliver

    therapist = client_as(mail_app, THERAPIST)
    headers = {"Accept-Language": "es"}
    form = {"patient_name": "Jonas", "started_on": "2026-01-05", "patient_email": "jonas@example.org"}
    made = therapist.post("/partnerships/new", data=form, headers=headers)
    assert made.status_code == 302
    pending = therapist.get(made.headers["Location"], headers=headers).text
    assert deliver(mail_app).sent == 1
    page = therapist.get(made.headers["Location"], headers=headers).text
    for html in (pending, page):
        section = re.search(r'<section aria-labelledby="mail-title".*?</section>', html, re.S).group(0)
        assert not english_left(section, "es"), english_left(section, "es")
    assert "Invitación</strong> a jonas@example.org: entregado al servidor de correo" in page


@pytest.mark.parametrize(
    ("language", "subject", "line"),
    [
        (
            "en",
            "You are invited to a clinic in PartnerTrack",
            "You are invited to join Northside in PartnerTrack as a therapist.",
        ),
        (
            "de",
            "Sie sind zu einer Klinik in PartnerTrack eingeladen",
            "Sie sind eingeladen, Northside in PartnerTrack als",
        ),
    ],
)
def test_a_clinic_invite_mail_goes_out_in_the_admins_language(mail_app, mail_server, language, subject, line):
    from tests.helpers import deliver, html_body, text_body

    make_clinic_world(mail_app)
    admin = client_as(mail_app, CLINIC_EMAILS["admin"])
    form = {"role": "therapist", "email": "tara@example.org"}
    assert admin.post("/clinic/invites", data=form, headers={"Accept-Language": language}).status_code == 200
    sent = deliver(mail_app).sent  # the clinic world's own mail (a patient told of the clinic) goes too
    [message] = [m for m in mail_server.wait_for(sent) if m["To"] == "tara@example.org"]
    assert message["Subject"] == subject
    assert line in text_body(message)
    if language != "en":
        assert not english_left(html_body(message), language)
