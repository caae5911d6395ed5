"""GET /partnerships/<id>/export.json: matches the database, follows the reveal rule, fits its schema."""

import json
from datetime import timedelta
from pathlib import Path

import jsonschema
import pytest

from partnertrack.extensions import db
from partnertrack.goals.models import Goal, GoalProgress
from partnertrack.models import Rating, TherapySession
from partnertrack.ratings.factors import alliance_index
from partnertrack.review.models import Review
from partnertrack.ruptures.models import RuptureEntry
from tests.factories import PATIENT, THERAPIST, TODAY, YESTERDAY, flat, rating_form, store_ratings

SCHEMA = json.loads((Path(__file__).parents[2] / "docs" / "export.schema.json").read_text())
OLD = TODAY - timedelta(days=20)  # revealed: both rate it
LAPSED = TODAY - timedelta(days=10)  # revealed by time: only the patient rates it


def export(client, world):
    response = client.get(f"/partnerships/{world.partnership}/export.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    document = response.get_json()
    jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(document)
    return document


@pytest.fixture
def busy(app, client, world, auth):
    """A partnership with goals, progress, a concern with notes and an open review."""
    auth.login(PATIENT)
    pid = world.partnership
    client.post(f"/partnerships/{pid}/goals/", data={"text": "Sleep better"})
    with app.app_context():
        gid = db.session.scalar(db.select(Goal.id))
    client.post(f"/partnerships/{pid}/goals/{gid}/reword", data={f"goal-{gid}-text": "Sleep seven hours"})
    for day in (OLD, LAPSED, YESTERDAY):
        concern = {"rupture_choice": "raised", "concern_text": "Rushed ending."} if day == YESTERDAY else {}
        client.post(
            f"/partnerships/{pid}/rate",
            data=rating_form(day, comment=f"patient on {day}", **{f"goal_{gid}": 4}, **concern),
        )
    auth.logout()
    auth.login(THERAPIST)
    client.post(
        f"/partnerships/{pid}/rate",
        data=rating_form(OLD, mutuality=9, comment="therapist on old", **{f"goal_{gid}": 5}),
    )
    with app.app_context():
        eid = db.session.scalar(db.select(RuptureEntry.id))
    client.post(f"/partnerships/{pid}/ruptures/{eid}/status", data={"status": "discussed", "status_note": "Talked."})
    client.post(f"/partnerships/{pid}/review/open")
    client.post(f"/partnerships/{pid}/review/therapist/notes", data={"progress": "Much", "left_undone": "Some"})
    return gid


def test_export_matches_the_database(app, client, world, auth, busy):
    document = export(client, world)  # the therapist's view
    assert document["format"] == "partnertrack-partnership-export" and document["version"] == 1
    assert document["viewer_role"] == "therapist"
    assert document["partnership"] == {
        "id": world.partnership,
        "status": "ending",
        "started_on": world.started_on.isoformat(),
        "patient_name": "Pat",
        "therapist_name": "Dr Tara Therapist",
    }
    with app.app_context():
        sessions = db.session.scalars(db.select(TherapySession).order_by(TherapySession.date)).all()
        assert [s["date"] for s in document["sessions"]] == [s.date.isoformat() for s in sessions]
        assert [s["number"] for s in document["sessions"]] == [1, 2, 3]
        stored = {(r.therapy_session.date.isoformat(), r.rater): r for r in db.session.scalars(db.select(Rating))}
        for session in document["sessions"]:
            for rating in session["ratings"]:
                row = stored[(session["date"], rating["rater"])]
                assert rating["scores"] == row.scores and rating["comment"] == row.comment
                assert rating["alliance_index"] == pytest.approx(alliance_index(row.scores))
                progress = db.session.execute(
                    db.select(GoalProgress.goal_id, GoalProgress.progress).where(GoalProgress.rating_id == row.id)
                ).all()
                assert [(p["goal_id"], p["progress"]) for p in rating["goal_progress"]] == [tuple(p) for p in progress]
        goal = db.session.get(Goal, busy)
        assert document["goals"] == [
            {
                "id": goal.id,
                "text": "Sleep seven hours",
                "status": "active",
                "created_by": "patient",
                "created_at": document["goals"][0]["created_at"],
                "revisions": [
                    {
                        "action": "created",
                        "text": "Sleep better",
                        "status": "active",
                        "changed_by": "patient",
                        "changed_at": document["goals"][0]["revisions"][0]["changed_at"],
                    },
                    {
                        "action": "reworded",
                        "text": "Sleep seven hours",
                        "status": "active",
                        "changed_by": "patient",
                        "changed_at": document["goals"][0]["revisions"][1]["changed_at"],
                    },
                ],
            }
        ]
        entry = db.session.scalar(db.select(RuptureEntry))
        [rupture] = document["ruptures"]
        assert (
            rupture["id"],
            rupture["source"],
            rupture["party"],
            rupture["status"],
            rupture["session_number"],
            rupture["detail"],
        ) == (entry.id, "concern", "patient", "discussed", 3, "Rushed ending.")
        assert [(n["author"], n["text"], n["status_from"], n["status_to"]) for n in rupture["notes"]] == [
            ("therapist", "Talked.", "open", "discussed")
        ]
        review = db.session.scalar(db.select(Review))
        assert document["review"]["status"] == review.status == "open"
        assert document["review"]["opened_by"] == "therapist"
        assert document["review"]["parties"] == {
            "patient": {"progress_made": None, "left_undone": None, "agreed_at": None},
            "therapist": {"progress_made": "Much", "left_undone": "Some", "agreed_at": None},
        }


def test_export_respects_the_reveal_rule(app, client, world, auth, busy):
    by_date = lambda doc: {s["date"]: sorted(r["rater"] for r in s["ratings"]) for s in doc["sessions"]}  # noqa: E731
    therapist_view = export(client, world)
    # OLD: both rated. LAPSED: only the patient, but 10 days ago, so revealed. YESTERDAY: blind.
    assert by_date(therapist_view) == {
        OLD.isoformat(): ["patient", "therapist"],
        LAPSED.isoformat(): ["patient"],
        YESTERDAY.isoformat(): [],
    }
    blind = therapist_view["sessions"][2]
    assert blind["revealed"] is False and blind["rated_by"] == ["patient"]
    assert "patient on " + YESTERDAY.isoformat() not in json.dumps(therapist_view)
    auth.logout()
    auth.login(PATIENT)
    patient_view = export(client, world)
    assert by_date(patient_view) == {
        OLD.isoformat(): ["patient", "therapist"],
        LAPSED.isoformat(): ["patient"],
        YESTERDAY.isoformat(): ["patient"],
    }
    own = patient_view["sessions"][2]["ratings"][0]
    assert own["comment"] == f"patient on {YESTERDAY}" and own["goal_progress"] == [{"goal_id": busy, "progress": 4}]
    # The concern is not blind: it was raised openly, so the therapist's export has it (above) as well.
    assert patient_view["ruptures"] == therapist_view["ruptures"]


def test_export_of_an_empty_partnership(client, world, auth):
    auth.login(PATIENT)
    document = export(client, world)
    assert (document["sessions"], document["goals"], document["ruptures"], document["review"]) == ([], [], [], None)


def test_export_is_for_members_only(client, world, auth):
    assert client.get(f"/partnerships/{world.partnership}/export.json").status_code == 302  # to the login page
    auth.login("quinn@example.org")
    response = client.get(f"/partnerships/{world.partnership}/export.json")
    assert response.status_code == 404 and response.get_json()["status"] == 404


def test_signal_entries_are_in_the_export(app, client, world, auth):
    days = [TODAY - timedelta(days=7 * k + 8) for k in range(5, -1, -1)]
    store_ratings(
        app,
        world.partnership,
        [(d, r, flat(v)) for d, v in zip(days, [7, 7, 7, 7, 3, 7]) for r in ("patient", "therapist")],
    )
    auth.login(THERAPIST)
    ruptures = export(client, world)["ruptures"]
    assert [
        (r["source"], r["party"], r["session_number"], r["recovered_session_number"], r["sessions_to_recover"])
        for r in ruptures
    ] == [("signal", "patient", 5, 6, 1), ("signal", "therapist", 5, 6, 1)]


def test_planned_cancelled_and_missed_sessions_are_in_both_exports(app, client, world, auth):
    """A session nobody rated (planned, cancelled, missed) is not lost from what people download."""
    from partnertrack.models import Partnership, User
    from partnertrack.notifications.settings import save_settings
    from partnertrack.sessions import service

    coming, cancelled, missed = TODAY + timedelta(days=7), TODAY + timedelta(days=14), TODAY - timedelta(days=2)
    with app.app_context():
        partnership = db.session.get(Partnership, world.partnership)
        for day in (coming, cancelled, missed):
            service.plan(partnership, day, "once", None)
        ids = dict(db.session.execute(db.select(TherapySession.date, TherapySession.id)).all())
        service.set_status(partnership, ids[cancelled], "cancelled")
        service.set_status(partnership, ids[missed], "missed")
        patient = db.session.scalar(db.select(User).where(User.email == PATIENT))
        save_settings(patient, {"form_links": True, "reminders": False}, "Europe/Madrid")
        db.session.commit()
    expected = [
        {"date": missed.isoformat(), "status": "missed", "added_by": "therapist"},
        {"date": coming.isoformat(), "status": "scheduled", "added_by": "therapist"},
        {"date": cancelled.isoformat(), "status": "cancelled", "added_by": "therapist"},
    ]
    auth.login(PATIENT)
    assert export(client, world)["appointments"] == expected
    account = client.get("/account/data.json").get_json()
    assert account["partnerships"][0]["appointments"] == expected
    assert account["email_choices"] == {
        "form_links": True,
        "reminders": False,
        "alerts": True,
        "digest": False,
        "time_zone": "Europe/Madrid",
    }
