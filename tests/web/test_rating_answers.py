"""The form's answers: sending them again is a success, the rupture question's exclusive answers, goal progress."""

from datetime import date, timedelta

import pytest

from partnertrack.extensions import db
from partnertrack.models import Partnership, Rating
from partnertrack.ruptures.models import RuptureEntry
from tests.factories import PATIENT, THERAPIST, rating_form
from tests.helpers import audit_rows, client_as, count, table_snapshot, text_of

TODAY = date.today()
YESTERDAY = TODAY - timedelta(days=1)


def rate(client, world, **fields):
    return client.post(f"/partnerships/{world.partnership}/rate", data=rating_form(YESTERDAY, **fields))


def both_rate(app, world):
    """Patient and therapist rate yesterday's session: it is revealed, so both ratings are locked."""
    patient, therapist = client_as(app, PATIENT), client_as(app, THERAPIST)
    assert rate(patient, world, comment="mine").status_code == 302
    assert rate(therapist, world, mutuality=9).status_code == 302
    return patient, therapist


def test_sending_the_same_answers_to_a_revealed_rating_is_a_success_that_changes_nothing(app, world):
    patient, _ = both_rate(app, world)
    before = table_snapshot(app)
    events = len(audit_rows(app))
    response = rate(patient, world, comment="mine")
    assert response.status_code == 302
    assert "Your rating was saved." in text_of(patient.get(response.headers["Location"]))
    assert table_snapshot(app) == before
    assert len(audit_rows(app)) == events + 1  # only the page view after the redirect


def test_a_real_change_to_a_revealed_rating_is_refused(app, world):
    patient, _ = both_rate(app, world)
    before = table_snapshot(app)
    response = rate(patient, world, comment="mine", mutuality=1)
    assert response.status_code == 422 and "is locked" in text_of(response)
    assert table_snapshot(app) == before


def test_a_double_tap_before_the_reveal_is_saved_once(app, world):
    patient = client_as(app, PATIENT)
    assert rate(patient, world).status_code == 302
    before = table_snapshot(app)
    assert rate(patient, world).status_code == 302
    assert table_snapshot(app) == before
    assert [e.action for e in audit_rows(app) if e.action.startswith("rating.")] == ["rating.submitted"]


def test_goal_progress_is_part_of_the_answers(app, world):
    from partnertrack.goals.service import add_goal

    with app.app_context():
        goal = add_goal(db.session.get(Partnership, world.partnership), "patient", None, "Sleep better")
        db.session.commit()
        field = f"goal_{goal.id}"
    patient = client_as(app, PATIENT)
    assert rate(patient, world, **{field: 4}).status_code == 302
    assert rate(client_as(app, THERAPIST), world).status_code == 302
    assert rate(patient, world, **{field: 4}).status_code == 302  # the same again: fine
    response = rate(patient, world, **{field: 8})
    assert response.status_code == 422 and "is locked" in text_of(response)


def test_nothing_felt_off_stores_no_score(app, world):
    rate(client_as(app, PATIENT), world, rupture_repair="", rupture_choice="none")
    with app.app_context():
        assert db.session.scalar(db.select(Rating.rupture_repair)) is None
    assert count(app, RuptureEntry) == 0


def test_talked_through_needs_a_score(app, world):
    before = table_snapshot(app)
    response = rate(client_as(app, PATIENT), world, rupture_repair="", rupture_choice="repaired")
    assert response.status_code == 422
    assert "Rupture repair: choose a whole number from 0 to 10" in text_of(response)
    assert table_snapshot(app) == before


def test_a_score_with_no_answer_chosen_means_talked_through(app, world):
    rate(client_as(app, PATIENT), world, rupture_repair="6")
    with app.app_context():
        assert db.session.scalar(db.select(Rating.rupture_repair)) == 6


def test_raising_a_concern_needs_no_score_and_shows_as_raised(app, world):
    patient = client_as(app, PATIENT)
    response = rate(patient, world, rupture_repair="", rupture_choice="raised", concern_text="We rushed.")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(Rating.rupture_repair)) is None
        entry = db.session.scalar(db.select(RuptureEntry))
        assert (entry.source, entry.party, entry.detail) == ("concern", "patient", "We rushed.")
    therapist = client_as(app, THERAPIST)
    rate(therapist, world)
    page = text_of(therapist.get(f"/partnerships/{world.partnership}/"))
    assert "Rupture repair raised a concern 5" in page  # the patient's column first, then the therapist's
    again = patient.get(f"/partnerships/{world.partnership}/rate?date={YESTERDAY.isoformat()}").text
    assert 'value="raised" checked' in again


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"rupture_choice": "none", "rupture_repair": "6"}, "give a score or choose “Nothing felt off this session”"),
        ({"rupture_choice": "maybe"}, "please choose one of the answers to “Did anything feel off between us?”"),
        ({"rupture_choice": "none", "rupture_repair": "", "concern_text": "x"}, "You wrote what felt off"),
        ({"rupture_choice": "raised", "concern_text": "x" * 2001}, "2,000 characters or fewer"),
    ],
)
def test_contradictory_rupture_answers_are_refused(app, world, fields, message):
    before = table_snapshot(app)
    response = rate(client_as(app, PATIENT), world, **fields)
    assert response.status_code == 422 and message in text_of(response)
    assert table_snapshot(app) == before


def test_the_form_asks_the_question_first_with_the_factor_name_in_the_accessible_name(app, world):
    page = client_as(app, PATIENT).get(f"/partnerships/{world.partnership}/rate").text
    from partnertrack.ratings.factors import FACTORS

    for factor in FACTORS:
        label = page.split(f'<label for="{factor.key}"')[1].split("</label>")[0]
        assert factor.statement_for("patient") in label and factor.name in label
        assert label.index(factor.statement_for("patient")) < label.index(factor.name) or factor.allows_not_applicable
        assert f'aria-labelledby="{factor.key}-name {factor.key}-question"' in page
    assert page.count('name="rupture_choice"') == 3 and page.count('type="radio"') == 3
    assert "An honest 6 helps more than a polite 10." in page
