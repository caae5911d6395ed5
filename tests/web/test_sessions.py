"""The sessions page: recording and planning sessions, cancelled and missed ones, a session the patient adds."""

from datetime import date, timedelta

import pytest

from partnertrack.extensions import db
from partnertrack.models import TherapySession
from tests.factories import PATIENT, THERAPIST, add_sessions, flat, rating_form, session_ids, store_ratings
from tests.helpers import audit_rows, client_as, table_snapshot, text_of

TODAY = date.today()
YESTERDAY = TODAY - timedelta(days=1)


def url(world, tail: str = "") -> str:
    return f"/partnerships/{world.partnership}/sessions/{tail}"


def stored(app, world) -> list[tuple[date, str, str]]:
    with app.app_context():
        rows = db.session.execute(
            db.select(TherapySession.date, TherapySession.status, TherapySession.added_by)
            .where(TherapySession.partnership_id == world.partnership)
            .order_by(TherapySession.date)
        )
        return [tuple(r) for r in rows]


def test_the_therapist_records_a_held_session_and_the_patients_form_opens_on_it(app, world):
    therapist = client_as(app, THERAPIST)
    response = therapist.post(url(world), data={"first": YESTERDAY.isoformat(), "repeat": "once"})
    assert response.status_code == 302 and stored(app, world) == [(YESTERDAY, "scheduled", "therapist")]
    assert [e.detail for e in audit_rows(app, action="session.recorded")] == [f"session of {YESTERDAY.isoformat()}"]
    patient = client_as(app, PATIENT)
    home = text_of(patient.get("/"))
    assert f"Waiting for your rating Rate the session of {YESTERDAY:%a %d %b}" in home
    page = patient.get(f"/partnerships/{world.partnership}/rate")
    assert f'value="{YESTERDAY.isoformat()}"' in page.text and "that your therapist recorded" in text_of(page)


def test_a_weekly_plan_lists_the_coming_sessions_without_numbering_or_owing_them(app, world):
    start = TODAY - timedelta(days=7)
    client_as(app, THERAPIST).post(url(world), data={"first": start.isoformat(), "repeat": "weekly", "count": "4"})
    assert [d for d, _, _ in stored(app, world)] == [start + timedelta(days=7 * n) for n in range(4)]
    page = text_of(client_as(app, PATIENT).get(url(world)))
    assert page.count("Planned") == 2 and "Session 1" in page and "Session 2" in page and "Session 3" not in page
    partnership = text_of(client_as(app, THERAPIST).get(f"/partnerships/{world.partnership}/"))
    assert "Session 3" not in partnership


def test_a_plan_keeps_dates_that_already_have_a_session(app, world):
    store_ratings(app, world.partnership, [(YESTERDAY, "patient", flat(6))])
    before = session_ids(app, world.partnership)[YESTERDAY]
    response = client_as(app, THERAPIST).post(
        url(world), data={"first": YESTERDAY.isoformat(), "repeat": "fortnightly", "count": "2"}, follow_redirects=True
    )
    assert f"1 session added. Already in the list, left as they were: {YESTERDAY:%d %b}." in text_of(response)
    assert session_ids(app, world.partnership)[YESTERDAY] == before
    assert stored(app, world)[0] == (YESTERDAY, "scheduled", "patient")


@pytest.mark.parametrize(
    "data, message",
    [
        ({"first": (TODAY - timedelta(days=400)).isoformat(), "repeat": "once"}, "before the partnership began"),
        ({"first": (TODAY + timedelta(days=400)).isoformat(), "repeat": "weekly", "count": "3"}, "at most a year"),
        ({"first": TODAY.isoformat(), "repeat": "weekly", "count": "27"}, "A plan lists 1 to 26 sessions."),
        ({"first": TODAY.isoformat(), "repeat": "daily", "count": "3"}, "Please choose once, weekly or fortnightly."),
        ({"first": "", "repeat": "once"}, "Please give the date of the session."),
    ],
)
def test_bad_plans_are_refused_and_store_nothing(app, world, data, message):
    before = table_snapshot(app)
    response = client_as(app, THERAPIST).post(url(world), data=data)
    assert response.status_code in (409, 422) and message in text_of(response)
    assert table_snapshot(app) == before


def test_the_patient_adds_a_session_and_goes_on_to_rate_it(app, world):
    response = client_as(app, PATIENT).post(url(world), data={"day": YESTERDAY.isoformat(), "first": "2020-01-01"})
    (session_id,) = session_ids(app, world.partnership).values()
    assert response.headers["Location"].endswith(f"/rate?session={session_id}")
    assert stored(app, world) == [(YESTERDAY, "scheduled", "patient")]
    assert "added by Pat" in text_of(client_as(app, THERAPIST).get(url(world)))


def test_the_patient_cannot_add_a_future_session(app, world):
    before = table_snapshot(app)
    response = client_as(app, PATIENT).post(url(world), data={"day": (TODAY + timedelta(days=3)).isoformat()})
    assert response.status_code == 409 and "cannot be in the future" in text_of(response)
    assert table_snapshot(app) == before


def test_a_cancelled_session_is_not_numbered_rated_or_owed(app, world):
    cancelled, _ = add_sessions(app, world.partnership, [TODAY - timedelta(days=9), TODAY - timedelta(days=2)])
    therapist = client_as(app, THERAPIST)
    response = therapist.post(url(world, f"{cancelled}/status"), data={"status": "cancelled"}, follow_redirects=True)
    assert "is marked cancelled: it is not rated and not owed" in text_of(response)
    page = text_of(therapist.get(f"/partnerships/{world.partnership}/"))
    assert "Latest: session 1 ·" in page and "session 2" not in page.lower()
    assert "Forms owed: client: 1, you: 1" in text_of(therapist.get("/"))  # the held one only
    assert "Cancelled" in text_of(therapist.get(url(world)))
    assert [e.action for e in audit_rows(app) if e.action.startswith("session.")] == ["session.cancelled"]
    therapist.post(url(world, f"{cancelled}/status"), data={"status": "scheduled"})
    assert "Latest: session 2 ·" in text_of(therapist.get(f"/partnerships/{world.partnership}/"))


@pytest.mark.parametrize(
    "status, day_offset, rated, message",
    [
        ("cancelled", -2, True, "has been rated, so it took place"),
        ("missed", 3, False, "can be marked missed once its date has come"),
        ("gone", -2, False, "Please choose scheduled, cancelled or missed."),
    ],
)
def test_a_mark_the_rules_forbid_is_refused_and_changes_nothing(app, world, status, day_offset, rated, message):
    day = TODAY + timedelta(days=day_offset)
    if rated:
        store_ratings(app, world.partnership, [(day, "patient", flat(6))])
    else:
        add_sessions(app, world.partnership, [day])
    session_id = session_ids(app, world.partnership)[day]
    before = table_snapshot(app)
    response = client_as(app, THERAPIST).post(url(world, f"{session_id}/status"), data={"status": status})
    assert response.status_code == 409 and message in text_of(response)
    assert table_snapshot(app) == before


def test_marking_another_partnerships_session_is_404_and_changes_nothing(app, world):
    (other,) = add_sessions(app, world.other_partnership, [YESTERDAY])
    before = table_snapshot(app)
    response = client_as(app, THERAPIST).post(url(world, f"{other}/status"), data={"status": "cancelled"})
    assert response.status_code == 404
    assert table_snapshot(app) == before


def test_only_the_therapist_marks_sessions(app, world):
    (session_id,) = add_sessions(app, world.partnership, [YESTERDAY])
    response = client_as(app, PATIENT).post(url(world, f"{session_id}/status"), data={"status": "missed"})
    assert response.status_code == 403 and stored(app, world) == [(YESTERDAY, "scheduled", "therapist")]


def test_the_waiting_list_links_each_session_with_one_tap(app, world):
    store_ratings(app, world.partnership, [(TODAY - timedelta(days=8), "therapist", flat(6))])
    add_sessions(app, world.partnership, [YESTERDAY])
    ids = session_ids(app, world.partnership)
    patient = client_as(app, PATIENT)
    for page in (patient.get(f"/partnerships/{world.partnership}/"), patient.get("/")):
        html = page.text.split("Waiting for your rating")[1]
        first, second = (html.index(f"rate?session={ids[d]}") for d in (TODAY - timedelta(days=8), YESTERDAY))
        assert first < second  # the one the therapist rated first
        assert "that your therapist rated" in text_of(page)
    client_as(app, PATIENT).post(f"/partnerships/{world.partnership}/rate", data=rating_form(YESTERDAY))
    client_as(app, PATIENT).post(f"/partnerships/{world.partnership}/rate", data=rating_form(TODAY - timedelta(days=8)))
    assert "Waiting for your rating" not in patient.get("/").text


def test_an_ended_partnership_takes_no_sessions(app, world):
    from tests.factories import set_status

    set_status(app, world.partnership, "ended")
    before = table_snapshot(app)
    response = client_as(app, THERAPIST).post(url(world), data={"first": YESTERDAY.isoformat(), "repeat": "once"})
    assert response.status_code == 302 and table_snapshot(app) == before
    assert "Record or plan sessions" not in client_as(app, THERAPIST).get(url(world)).text
