"""Summaries: refreshed after every kind of change, never shown stale, and pages at a fixed statement count."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from partnertrack.core.roles import ROLES, Role
from partnertrack.extensions import db
from partnertrack.goals import service as goals
from partnertrack.insights.service import sentences, signals_of
from partnertrack.models import Partnership, TherapySession
from partnertrack.ratings.records import timeline_for
from partnertrack.ratings.service import save_rating
from partnertrack.review import service as review
from partnertrack.ruptures.service import raise_concern
from partnertrack.sessions import service as sessions
from partnertrack.summaries.models import PartnershipSummary
from partnertrack.summaries.payload import Summary, summarise
from partnertrack.summaries.service import summaries_for
from tests.factories import PATIENT, THERAPIST, flat, rating_form, store_ratings, weekly_dates
from tests.helpers import client_as, text_of
from tests.web.test_query_counts import build_caseload, counted


def fresh(partnership: Partnership, role: str) -> Summary:
    """The summary computed straight from the ratings, with nothing stored in between."""
    timeline = timeline_for(partnership, role)
    found = signals_of(timeline, scope=(partnership.id, role))
    return summarise(timeline, found, sentences(found, role), role)


def shown(app, pid: int) -> tuple[int, dict]:
    """The partnership's data version and the summaries the pages would show, per role."""
    with app.test_request_context():
        partnership = db.session.get(Partnership, pid)
        found = summaries_for([(partnership, role) for role in ROLES])
        for role in ROLES:
            assert found[(pid, role)] == fresh(partnership, role), f"stale summary shown to the {role}"
        db.session.commit()
        return partnership.data_version, found


@pytest.fixture
def history(app, world):
    """Pat and Tara with six weekly sessions both rated; summaries stored."""
    days = weekly_dates(6, world.started_on + timedelta(days=50))
    store_ratings(app, world.partnership, [(d, r, flat(7)) for d in days for r in ROLES])
    shown(app, world.partnership)
    return days


def change(app, pid: int, step) -> None:
    """Run ``step(partnership)`` in a request context and commit, as a request would."""
    with app.test_request_context():
        partnership = db.session.get(Partnership, pid)
        step(partnership)
        db.session.commit()


RECENT = date.today() - timedelta(days=2)  # within the reveal delay: a rating there can still change


def _none(p, days):
    """No setup."""


def _rated_split(p, days):
    """One meeting rated under two dates: the patient's on RECENT, the therapist's the day after."""
    save_rating(p, Role.PATIENT, RECENT, flat(4))
    save_rating(p, Role.THERAPIST, RECENT + timedelta(days=1), flat(6))


def _merge(p, days):
    """Merge the therapist's split session into the patient's."""
    sessions.merge(p, sessions.session_on(p, RECENT).id, sessions.session_on(p, RECENT + timedelta(days=1)).id)


# kind: (setup, committed before the version is read; the change itself)
KINDS = {
    "rating saved": (_none, lambda p, days: save_rating(p, Role.PATIENT, RECENT, flat(2))),
    "rating changed": (
        lambda p, days: save_rating(p, Role.PATIENT, RECENT, flat(2)),
        lambda p, days: save_rating(p, Role.PATIENT, RECENT, flat(3)),
    ),
    "session recorded": (_none, lambda p, days: sessions.record_held(p, RECENT, Role.THERAPIST)),
    "session cancelled": (
        lambda p, days: sessions.record_held(p, RECENT, Role.THERAPIST),
        lambda p, days: sessions.set_status(p, sessions.session_on(p, RECENT).id, "cancelled"),
    ),
    "sessions merged": (_rated_split, _merge),
    "goal set": (_none, lambda p, days: goals.add_goal(p, Role.THERAPIST, p.therapist, "Sleep better")),
    "concern raised": (_none, lambda p, days: raise_concern(p, Role.PATIENT, p.patient, "Felt rushed")),
    "review opened": (_none, lambda p, days: review.open_review(p, Role.THERAPIST, p.therapist)),
    "partnership ended": (_none, lambda p, days: setattr(p, "status", "ended")),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_of_change_moves_the_version_and_no_stale_summary_is_shown(app, world, history, kind):
    setup, step = KINDS[kind]
    change(app, world.partnership, lambda p: setup(p, history))
    before, _ = shown(app, world.partnership)
    change(app, world.partnership, lambda p: step(p, history))
    after, _ = shown(app, world.partnership)
    assert after > before


def test_a_changed_rating_changes_the_summary_itself(app, world, history):
    _, before = shown(app, world.partnership)
    change(app, world.partnership, lambda p: save_rating(p, Role.PATIENT, history[-1] + timedelta(days=7), flat(1)))
    change(app, world.partnership, lambda p: save_rating(p, Role.THERAPIST, history[-1] + timedelta(days=7), flat(1)))
    _, after = shown(app, world.partnership)
    assert after[(world.partnership, Role.PATIENT)].sessions == before[(world.partnership, Role.PATIENT)].sessions + 1
    assert after != before


def test_a_new_day_refreshes_the_summary(app, world, history):
    """Forms owed and the reveal rule depend on the date: the clock moving on makes a row stale."""
    with app.test_request_context():
        store_day = db.session.scalar(sa.select(PartnershipSummary.day).limit(1))
    app.config["TODAY"] = store_day + timedelta(days=30)
    shown(app, world.partnership)
    with app.test_request_context():
        assert set(db.session.scalars(sa.select(PartnershipSummary.day))) == {store_day + timedelta(days=30)}


def test_an_audited_page_view_does_not_move_the_version(app, world, history):
    """Only changes to what pages show count: viewing a page (audited) keeps every summary current."""
    before, _ = shown(app, world.partnership)
    client = client_as(app, THERAPIST)
    assert client.get(f"/partnerships/{world.partnership}/").status_code == 200
    assert client.get(f"/partnerships/{world.partnership}/export.csv").status_code == 200
    assert shown(app, world.partnership)[0] == before


def test_the_rating_form_moves_the_version_and_the_dashboard_shows_it(app, world, history):
    client = client_as(app, THERAPIST)
    assert "#6" in text_of(client.get("/"))  # the latest session's number in the caseload table
    patient = client_as(app, PATIENT)
    day = history[-1] + timedelta(days=7)
    response = patient.post(
        f"/partnerships/{world.partnership}/rate", data=rating_form(day, new_session=day.isoformat())
    )
    assert response.status_code == 302
    assert "#7" in text_of(client.get("/"))


def test_two_requests_storing_the_same_summary_both_succeed(app, world, history):
    """INSERT … ON CONFLICT DO UPDATE: a second writer of the same row updates it, never fails."""
    with app.test_request_context():
        db.session.execute(sa.delete(PartnershipSummary))
        db.session.commit()
    for _ in range(2):
        with app.test_request_context():
            partnership = db.session.get(Partnership, world.partnership)
            summaries_for([(partnership, Role.THERAPIST)])
            # The row is there now; computing again (a stale copy of the version) updates it in place.
            db.session.execute(sa.update(PartnershipSummary).values(data_version=-1))
            summaries_for([(partnership, Role.THERAPIST)])
            db.session.commit()
    with app.test_request_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PartnershipSummary)) == 1


# --- statements per page ------------------------------------------------------------------


def _reads_ratings(statements: list[str]) -> bool:
    """True when any statement reads the ratings table."""
    return any(" ratings" in s.lower().replace("\n", " ") for s in statements)


def dashboard_statements(app, patients: int) -> tuple[int, int, bool]:
    """Statements of the therapist's dashboard, first (summaries computed) and again (read only)."""
    build_caseload(app, patients, sessions=6)
    client = app.test_client()
    client.post("/login", data={"email": "count@example.org", "password": "correct horse battery"})
    with counted(app) as cold:
        assert client.get("/").status_code == 200
    with counted(app) as warm:
        assert client.get("/").status_code == 200
    return len(cold), len(warm), _reads_ratings(warm)


def test_dashboard_statements_do_not_grow_with_the_caseload(new_app):
    small = dashboard_statements(new_app(), patients=5)
    large = dashboard_statements(new_app(), patients=40)
    assert small == large
    assert small[2] is False, "the dashboard read ratings although every summary was current"


def partnership_page_statements(app, sessions: int) -> tuple[int, int]:
    """Statements of the partnership page and of a chart the viewer already has (304)."""
    first = build_caseload(app, 2, sessions=sessions)
    client = app.test_client()
    client.post("/login", data={"email": "count@example.org", "password": "correct horse battery"})
    client.get(f"/partnerships/{first}/")
    with counted(app) as page:
        assert client.get(f"/partnerships/{first}/").status_code == 200
    chart = f"/partnerships/{first}/charts/alliance.svg"
    tag = client.get(chart).headers["ETag"]
    with counted(app) as cached:
        assert client.get(chart, headers={"If-None-Match": tag}).status_code == 304
    assert not _reads_ratings(cached), "a chart the viewer has was answered by reading ratings"
    return len(page), len(cached)


def test_partnership_page_and_cached_chart_statements_do_not_grow_with_sessions(new_app):
    assert partnership_page_statements(new_app(), sessions=5) == partnership_page_statements(new_app(), sessions=50)


def test_a_session_planned_ahead_does_not_count_until_it_is_held(app, world, history):
    """The summary counts held sessions only, as every page does (TherapySession.counted)."""
    with app.test_request_context():
        db.session.add(TherapySession(partnership_id=world.partnership, date=history[-1] + timedelta(days=400)))
        db.session.commit()
    _, found = shown(app, world.partnership)
    assert found[(world.partnership, Role.THERAPIST)].sessions == 6
