"""Split pairs stored before sessions were shared: found, merged only on confirmation, every rating kept."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from partnertrack.extensions import db
from partnertrack.models import Partnership, Rating, TherapySession
from partnertrack.ruptures.models import RuptureEntry
from tests.factories import PATIENT, THERAPIST, flat, session_ids, store_ratings
from tests.helpers import audit_rows, client_as, table_snapshot, text_of

TODAY = date.today()
MON, TUE = TODAY - timedelta(days=2), TODAY - timedelta(days=1)


@pytest.fixture
def split(app, world):
    """Monday rated only by the patient (with a concern), Tuesday only by the therapist: ids by date."""
    store_ratings(app, world.partnership, [(MON, "patient", flat(4, comment="patient words"))])
    store_ratings(app, world.partnership, [(TUE, "therapist", flat(8, comment="therapist words"))])
    ids = session_ids(app, world.partnership)
    with app.app_context():
        db.session.add(
            RuptureEntry(partnership_id=world.partnership, source="concern", party="patient", session_id=ids[MON])
        )
        db.session.commit()
    return ids


def ratings(app) -> list[dict]:
    """Every rating with everything it holds, except the session it belongs to."""
    with app.app_context():
        rows = db.session.execute(sa.select(Rating.__table__).order_by(Rating.id)).mappings().all()
        return [{k: v for k, v in row.items() if k != "session_id"} for row in rows]


def merge(client, world, keep, other):
    return client.post(f"/partnerships/{world.partnership}/sessions/merge", data={"keep": keep, "other": other})


def test_the_page_shows_the_pair_and_the_partnership_page_points_to_it(app, world, split):
    therapist = client_as(app, THERAPIST)
    assert "1 pair of sessions may be one meeting" in text_of(therapist.get(f"/partnerships/{world.partnership}/"))
    page = text_of(therapist.get(f"/partnerships/{world.partnership}/sessions/split"))
    assert f"Session 1, {MON:%a %d %b %Y}: rated only by Pat" in page
    assert f"Session 2, {TUE:%a %d %b %Y}: rated only by you" in page
    assert f"Merge into the session of {MON:%d %b}" in page and f"Merge into the session of {TUE:%d %b}" in page
    assert "may be one meeting" not in text_of(client_as(app, PATIENT).get(f"/partnerships/{world.partnership}/"))


def test_merging_keeps_every_rating_as_it_was_under_the_chosen_date(app, world, split):
    before = ratings(app)
    response = merge(client_as(app, THERAPIST), world, split[MON], split[TUE])
    assert response.status_code == 302
    assert session_ids(app, world.partnership) == {MON: split[MON]}
    assert ratings(app) == before
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Rating).where(Rating.session_id == split[MON]))
        assert db.session.scalar(sa.select(RuptureEntry.session_id)) == split[MON]
    shown = text_of(client_as(app, PATIENT).get(f"/partnerships/{world.partnership}/"))
    assert "patient words" in shown and "therapist words" in shown and "Both ratings are shown." in shown


def test_the_patient_sees_the_merge_in_the_activity_log(app, world, split):
    merge(client_as(app, THERAPIST), world, split[TUE], split[MON])
    (event,) = audit_rows(app, action="session.merged")
    assert event.detail == f"sessions of {MON.isoformat()} and {TUE.isoformat()} merged into {TUE.isoformat()}"
    log = text_of(client_as(app, PATIENT).get("/account/activity"))
    assert "Dr Tara Therapist (therapist) merged two sessions that were one meeting" in log


def test_two_sessions_rated_by_the_same_party_are_never_merged(app, world, split):
    store_ratings(app, world.partnership, [(TUE, "patient", flat(5))])
    before = table_snapshot(app)
    response = merge(client_as(app, THERAPIST), world, split[MON], split[TUE])
    assert response.status_code == 409
    assert "Both sessions have a rating by the patient, so they are two meetings" in text_of(response)
    assert table_snapshot(app) == before


@pytest.mark.parametrize("crafted", ["other-partnership", "same", "missing", "text"])
def test_crafted_merges_are_refused_and_change_nothing(app, world, split, crafted):
    store_ratings(app, world.other_partnership, [(MON, "therapist", flat(5))])
    other = session_ids(app, world.other_partnership)[MON]
    keep, drop = {
        "other-partnership": (split[MON], other),
        "same": (split[MON], split[MON]),
        "missing": (split[MON], ""),
        "text": ("one", split[TUE]),
    }[crafted]
    before = table_snapshot(app)
    response = merge(client_as(app, THERAPIST), world, keep, drop)
    assert response.status_code == 409
    assert "Please choose" in text_of(response)
    assert table_snapshot(app) == before


def test_the_patient_cannot_merge(app, world, split):
    before = table_snapshot(app)
    assert merge(client_as(app, PATIENT), world, split[MON], split[TUE]).status_code == 403
    assert client_as(app, PATIENT).get(f"/partnerships/{world.partnership}/sessions/split").status_code == 403
    assert table_snapshot(app) == before


def keep_apart(client, world, first, second):
    return client.post(f"/partnerships/{world.partnership}/sessions/split/keep", data={"keep": first, "other": second})


def test_a_pair_kept_as_two_meetings_is_not_suggested_again(app, world, split):
    therapist = client_as(app, THERAPIST)
    before = ratings(app)
    response = keep_apart(therapist, world, split[TUE], split[MON])
    assert response.status_code == 302
    page = text_of(therapist.get(f"/partnerships/{world.partnership}/sessions/split"))
    assert f"Kept as two meetings: the sessions of {MON:%d %b %Y} and {TUE:%d %b %Y}" in page
    assert "No pairs to check" in page
    assert "may be one meeting" not in text_of(therapist.get(f"/partnerships/{world.partnership}/"))
    assert session_ids(app, world.partnership) == {MON: split[MON], TUE: split[TUE]} and ratings(app) == before
    (event,) = audit_rows(app, action="session.kept_apart")
    assert event.detail == f"sessions of {MON.isoformat()} and {TUE.isoformat()}"
    assert keep_apart(therapist, world, split[MON], split[TUE]).status_code == 409  # no longer a pair to check


@pytest.mark.parametrize("crafted", ["other-partnership", "same", "missing", "not-a-pair"])
def test_crafted_keep_apart_is_refused_and_changes_nothing(app, world, split, crafted):
    store_ratings(app, world.other_partnership, [(MON, "therapist", flat(5))])
    store_ratings(app, world.partnership, [(TODAY - timedelta(days=20), "therapist", flat(5))])
    ids = session_ids(app, world.partnership)
    other = session_ids(app, world.other_partnership)[MON]
    first, second = {
        "other-partnership": (split[MON], other),
        "same": (split[MON], split[MON]),
        "missing": (split[MON], ""),
        "not-a-pair": (split[MON], ids[TODAY - timedelta(days=20)]),
    }[crafted]
    before = table_snapshot(app)
    response = keep_apart(client_as(app, THERAPIST), world, first, second)
    assert response.status_code == 409 and "Please choose one of the pairs shown" in text_of(response)
    assert table_snapshot(app) == before
    assert keep_apart(client_as(app, PATIENT), world, split[MON], split[TUE]).status_code == 403
    assert table_snapshot(app) == before


# --- the command line -------------------------------------------------------------------------


def test_find_splits_lists_the_pair_and_changes_nothing(app, world, split, runner):
    before = table_snapshot(app)
    result = runner.invoke(args=["sessions", "find-splits"])
    assert result.exit_code == 0, result.output
    first = f"session 1 of {MON:%d %b %Y} (id {split[MON]}, rated only by the patient)"
    assert f"Partnership {world.partnership}: {first}" in result.output
    assert f"sessions merge {world.partnership} {split[MON]} {split[TUE]}" in result.output
    assert "1 pair found. Nothing was changed." in result.output
    assert table_snapshot(app) == before


def test_merge_asks_first_and_a_no_changes_nothing(app, world, split, runner):
    before = table_snapshot(app)
    args = ["sessions", "merge", str(world.partnership), str(split[MON]), str(split[TUE])]
    result = runner.invoke(args=args, input="n\n")
    assert result.exit_code == 1 and "Aborted" in result.output
    assert table_snapshot(app) == before
    result = runner.invoke(args=args, input="y\n")
    assert result.exit_code == 0, result.output
    assert session_ids(app, world.partnership) == {MON: split[MON]}
    (event,) = audit_rows(app, action="session.merged")
    assert event.actor_id is None and event.partnership_id == world.partnership


def test_merge_on_the_command_line_refuses_what_the_page_refuses(app, world, split, runner):
    store_ratings(app, world.other_partnership, [(MON, "therapist", flat(5))])
    other = session_ids(app, world.other_partnership)[MON]
    before = table_snapshot(app)
    for args, message in [
        ([str(world.partnership), str(split[MON]), str(other)], "are not both of partnership"),
        (["999999", "1", "2"], "No partnership has the id 999999."),
        ([str(world.partnership), str(split[MON]), str(split[MON])], "two different sessions"),
    ]:
        result = runner.invoke(args=["sessions", "merge", *args, "--yes"])
        assert result.exit_code == 1 and message in result.output, result.output
    assert table_snapshot(app) == before


def test_an_ended_partnership_is_left_alone(app, world, split, runner):
    with app.app_context():
        db.session.get(Partnership, world.partnership).status = "ended"
        db.session.commit()
    assert "0 pairs found." in runner.invoke(args=["sessions", "find-splits"]).output
    args = ["sessions", "merge", str(world.partnership), str(split[MON]), str(split[TUE]), "--yes"]
    result = runner.invoke(args=args)
    assert result.exit_code == 1 and "has ended" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(TherapySession.id))) == 2
