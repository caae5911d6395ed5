"""Text people type is drawn as typed in every chart and in the PDF, never read as a formula.

matplotlib reads "$...$" as mathematical notation; a goal or a patient name holding it
made goals.svg, goals.png, review.pdf and caseload.svg answer 500, and a well-formed one
would be drawn as something other than what was typed.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from partnertrack.core.roles import Role
from partnertrack.extensions import db
from partnertrack.goals.service import add_goal, save_progress
from partnertrack.models import Partnership, Rating
from tests.factories import PATIENT, THERAPIST, add_partnership, add_user, flat, store_ratings
from tests.helpers import client_as

DAY = date.today() - timedelta(days=10)
# A broken formula (500 before), a well-formed one (drawn as Greek before) and a price.
TEXTS = [r"Sleep $\frac{1$ more", r"Feel $\alpha$ calmer", "Save $20 by $30 a week"]


def drawn_texts(svg: bytes) -> list[str]:
    """Every piece of text an SVG shows (matplotlib also writes the source text into comments)."""
    return ["".join(node.itertext()) for node in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]


@pytest.fixture(params=TEXTS)
def typed(request, app):
    """A partnership whose patient name and goal are ``text``, with one revealed session."""
    text = request.param
    with app.app_context():
        tara = add_user("Dr Tara Therapist", THERAPIST, Role.THERAPIST)
        pat = add_user("Pat Patient", PATIENT, Role.PATIENT)
        pid = add_partnership(tara, pat, text[:40], DAY - timedelta(days=30))
        goal = add_goal(db.session.get(Partnership, pid), Role.PATIENT, None, text)
        db.session.commit()
        goal_id = goal.id
    store_ratings(app, pid, [(DAY, Role.PATIENT, flat(6)), (DAY, Role.THERAPIST, flat(7))])
    with app.app_context():
        for rating in db.session.scalars(db.select(Rating)):
            save_progress(rating, {goal_id: 5})
        db.session.commit()
    return app, pid, text


def test_goal_chart_draws_the_goal_as_typed(typed):
    app, pid, text = typed
    client = client_as(app, PATIENT)
    svg = client.get(f"/partnerships/{pid}/charts/goals.svg")
    assert svg.status_code == 200
    assert any(shown.startswith(text) for shown in drawn_texts(svg.data))  # "<goal> (patient)"
    png = client.get(f"/partnerships/{pid}/charts/goals.png")
    assert png.status_code == 200 and png.data[:4] == b"\x89PNG"


def test_caseload_draws_the_patient_name_as_typed(typed):
    app, _pid, text = typed
    response = client_as(app, THERAPIST).get("/caseload.svg")
    assert response.status_code == 200
    assert text[:24] in drawn_texts(response.data)


def test_review_pdf_prints_the_goal_as_typed(typed):
    app, pid, text = typed
    response = client_as(app, THERAPIST).get(f"/partnerships/{pid}/review.pdf")
    assert response.status_code == 200
    printed = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert text in printed.replace("\n", " ")
