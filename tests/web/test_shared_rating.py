"""Both ratings of one meeting land on one session: the form's default, a date, the "Did you mean" question."""

from datetime import date, timedelta

import pytest

from partnertrack.extensions import db
from partnertrack.models import Rating, TherapySession
from tests.factories import PATIENT, THERAPIST, add_sessions, flat, rating_form, session_ids, store_ratings
from tests.helpers import audit_rows, client_as, count, table_snapshot, text_of

TODAY = date.today()
YESTERDAY = TODAY - timedelta(days=1)


def rate_url(world, **query) -> str:
    tail = "&".join(f"{k}={v}" for k, v in query.items())
    return f"/partnerships/{world.partnership}/rate" + (f"?{tail}" if tail else "")


def form_date(page: str) -> str:
    """The date the Session date input holds."""
    return page.split('id="session_date"')[1].split('value="')[1].split('"')[0]


def sessions_and_raters(app, world) -> dict[date, list[str]]:
    with app.app_context():
        rows = db.session.execute(
            db.select(TherapySession.date, Rating.rater)
            .outerjoin(Rating, Rating.session_id == TherapySession.id)
            .where(TherapySession.partnership_id == world.partnership)
            .order_by(TherapySession.date, Rating.rater)
        )
        found: dict[date, list[str]] = {}
        for day, rater in rows:
            found.setdefault(day, []).extend([rater] if rater else [])
        return found


@pytest.mark.parametrize("first, second", [(PATIENT, THERAPIST), (THERAPIST, PATIENT)])
def test_the_split_case_both_ways_lands_on_one_session(app, world, first, second):
    """One party rates yesterday's session; the other keeps the form's default date the next day."""
    client_as(app, first).post(rate_url(world), data=rating_form(YESTERDAY))
    other = client_as(app, second)
    page = other.get(rate_url(world)).text
    assert form_date(page) == YESTERDAY.isoformat()
    other.post(rate_url(world), data=rating_form(date.fromisoformat(form_date(page)), mutuality=9))
    assert sessions_and_raters(app, world) == {YESTERDAY: ["patient", "therapist"]}
    shown = text_of(other.get(f"/partnerships/{world.partnership}/"))
    assert "Latest: session 1 ·" in shown and "session 2" not in shown.lower() and "Both ratings are shown." in shown


def test_the_form_opens_on_the_oldest_session_the_partner_rated(app, world):
    store_ratings(app, world.partnership, [(TODAY - timedelta(days=14), "therapist", flat(6))])
    store_ratings(app, world.partnership, [(TODAY - timedelta(days=7), "therapist", flat(7))])
    add_sessions(app, world.partnership, [YESTERDAY])
    page = client_as(app, PATIENT).get(rate_url(world))
    assert form_date(page.text) == (TODAY - timedelta(days=14)).isoformat()
    assert "Session 1, that your therapist rated." in text_of(page)


def test_else_the_latest_session_the_viewer_has_not_rated(app, world):
    add_sessions(app, world.partnership, [TODAY - timedelta(days=8), YESTERDAY, TODAY + timedelta(days=6)])
    page = client_as(app, PATIENT).get(rate_url(world))
    assert form_date(page.text) == YESTERDAY.isoformat()
    assert "Session 2, that your therapist recorded." in text_of(page)


def test_else_a_new_session_today(app, world):
    page = client_as(app, PATIENT).get(rate_url(world))
    assert form_date(page.text) == TODAY.isoformat()
    assert "A new session: none is recorded on this date." in text_of(page)


def test_a_date_matching_a_session_rates_that_session(app, world):
    (recorded,) = add_sessions(app, world.partnership, [TODAY - timedelta(days=5)])
    client_as(app, PATIENT).post(rate_url(world), data=rating_form(TODAY - timedelta(days=5)))
    assert count(app, TherapySession) == 1 and count(app, Rating, session_id=recorded) == 1


def test_a_new_date_near_a_waiting_session_asks_first_and_stores_nothing(app, world):
    store_ratings(app, world.partnership, [(TODAY - timedelta(days=2), "patient", flat(6))])
    before = table_snapshot(app)
    therapist = client_as(app, THERAPIST)
    response = therapist.post(rate_url(world), data=rating_form(TODAY, comment="kept while asked"))
    assert response.status_code == 200
    said = text_of(response)
    assert f"Did you mean the session of {TODAY - timedelta(days=2):%d %b} that Pat rated?" in said
    assert "kept while asked" in response.text  # every answer is still in the form
    assert table_snapshot(app) == before


def test_yes_rates_the_waiting_session(app, world):
    store_ratings(app, world.partnership, [(TODAY - timedelta(days=2), "patient", flat(6))])
    waiting = session_ids(app, world.partnership)[TODAY - timedelta(days=2)]
    response = client_as(app, THERAPIST).post(
        rate_url(world), data=rating_form(TODAY, use_session=waiting, mutuality=9)
    )
    assert response.status_code == 302
    assert sessions_and_raters(app, world) == {TODAY - timedelta(days=2): ["patient", "therapist"]}


def test_no_makes_a_new_session_added_by_the_viewer(app, world):
    store_ratings(app, world.partnership, [(TODAY - timedelta(days=2), "patient", flat(6))])
    client_as(app, THERAPIST).post(rate_url(world), data=rating_form(TODAY, new_session=TODAY.isoformat()))
    assert sessions_and_raters(app, world) == {TODAY - timedelta(days=2): ["patient"], TODAY: ["therapist"]}
    with app.app_context():
        made = db.session.scalar(db.select(TherapySession).where(TherapySession.date == TODAY))
        assert made.added_by == "therapist"


def test_a_date_four_days_from_a_waiting_session_is_not_questioned(app, world):
    store_ratings(app, world.partnership, [(TODAY - timedelta(days=4), "patient", flat(6))])
    assert client_as(app, THERAPIST).post(rate_url(world), data=rating_form(TODAY)).status_code == 302
    assert len(sessions_and_raters(app, world)) == 2


def test_a_patient_rating_a_new_date_adds_a_session_shown_as_added_by_the_patient(app, world):
    client_as(app, PATIENT).post(rate_url(world), data=rating_form(YESTERDAY))
    with app.app_context():
        assert db.session.scalar(db.select(TherapySession.added_by)) == "patient"
    assert "Added by Pat." in text_of(client_as(app, THERAPIST).get(f"/partnerships/{world.partnership}/"))


@pytest.mark.parametrize("crafted", ["other", "not-a-number", "99999999999999"])
def test_a_crafted_use_session_is_refused_and_stores_nothing(app, world, crafted):
    store_ratings(app, world.other_partnership, [(YESTERDAY, "patient", flat(6))])
    store_ratings(app, world.partnership, [(TODAY - timedelta(days=2), "therapist", flat(6))])
    other_id = session_ids(app, world.other_partnership)[YESTERDAY]
    before = table_snapshot(app)
    data = rating_form(TODAY, use_session=other_id if crafted == "other" else crafted)
    response = client_as(app, PATIENT).post(rate_url(world), data=data)
    assert response.status_code == 422
    assert "Please choose one of the sessions offered" in text_of(response)
    assert table_snapshot(app) == before


def test_a_link_to_another_partnerships_session_is_404(app, world):
    store_ratings(app, world.other_partnership, [(YESTERDAY, "patient", flat(6))])
    other_id = session_ids(app, world.other_partnership)[YESTERDAY]
    assert client_as(app, PATIENT).get(rate_url(world, session=other_id)).status_code == 404
    assert client_as(app, PATIENT).get(rate_url(world, session="abc")).status_code == 404


def test_a_cancelled_session_is_not_rated(app, world):
    (cancelled,) = add_sessions(app, world.partnership, [YESTERDAY], status="cancelled")
    before = table_snapshot(app)
    patient = client_as(app, PATIENT)
    response = patient.post(rate_url(world), data=rating_form(YESTERDAY))
    assert response.status_code == 422
    assert "is marked cancelled, so it is not rated" in text_of(response)
    assert table_snapshot(app) == before
    for link in (rate_url(world, session=cancelled), rate_url(world, date=YESTERDAY.isoformat())):
        page = patient.get(link)
        assert "is marked cancelled, so it is not rated" in text_of(page) and form_date(page.text) == TODAY.isoformat()


def test_audit_names_the_session_rated(app, world):
    client_as(app, PATIENT).post(rate_url(world), data=rating_form(YESTERDAY))
    assert [e.detail for e in audit_rows(app, action="rating.submitted")] == [f"session of {YESTERDAY.isoformat()}"]
