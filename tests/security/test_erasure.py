"""Deleting a patient's account leaves nothing of them in any table."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from partnertrack.extensions import db
from partnertrack.goals.models import Goal, GoalRevision
from partnertrack.models import Partnership, User
from partnertrack.review.models import Review
from partnertrack.ruptures.models import RuptureEntry, RuptureNote
from tests.factories import PASSWORD, rating_form
from tests.helpers import client_as, is_login_redirect

# Everything the patient wrote carries this marker; the therapist's words carry THEIRS.
MINE = "PATIENT-WROTE"
THEIRS = "THERAPIST-WROTE"


def _rate(client, partnership_id: int, day: date, comment: str) -> None:
    """A successful rating through the form."""
    response = client.post(f"/partnerships/{partnership_id}/rate", data=rating_form(day, comment=comment))
    assert response.status_code == 302


def _goal(partnership_id: int, text: str, created_by: str, user_id: int | None, later=()) -> None:
    """A goal with its revisions: (action, text, role, user id) after the creation."""
    goal = Goal(partnership_id=partnership_id, text=text, status="active", created_by=created_by)
    goal.revisions.append(
        GoalRevision(action="created", text=text, status="active", changed_by=created_by, changed_by_user_id=user_id)
    )
    for action, new_text, role, uid in later:
        goal.text = new_text
        goal.status = "achieved" if action == "achieved" else goal.status
        goal.revisions.append(
            GoalRevision(action=action, text=new_text, status=goal.status, changed_by=role, changed_by_user_id=uid)
        )
    db.session.add(goal)


def _fill_everything(app, world) -> None:
    """Ratings, comments, goals, concerns, notes and review notes from both parties."""
    patient = client_as(app, "pat@example.org")
    therapist = client_as(app, "tara@example.org")
    first, second = date.today() - timedelta(days=14), date.today() - timedelta(days=7)
    _rate(patient, world.partnership, first, f"{MINE} comment one")
    _rate(therapist, world.partnership, first, f"{THEIRS} session note")
    _rate(patient, world.partnership, second, f"{MINE} comment two")
    patient.get(f"/partnerships/{world.partnership}/export.csv")
    with app.app_context():
        pid, p, t = world.partnership, world.patient, world.therapist
        _goal(pid, f"{MINE} goal", "patient", p)
        _goal(pid, f"{THEIRS} goal", "therapist", t, [("reworded", f"{MINE} rewording", "patient", p)])
        _goal(pid, f"{THEIRS} kept goal", "therapist", t, [("achieved", f"{THEIRS} kept goal", "patient", p)])
        concern = RuptureEntry(
            partnership_id=pid, source="concern", party="patient", detail=f"{MINE} concern", raised_by_user_id=p
        )
        theirs = RuptureEntry(
            partnership_id=pid, source="concern", party="therapist", detail=f"{THEIRS} concern", raised_by_user_id=t
        )
        theirs.notes.append(RuptureNote(author="patient", author_user_id=p, text=f"{MINE} note"))
        theirs.notes.append(RuptureNote(author="therapist", author_user_id=t, text=f"{THEIRS} reply"))
        db.session.add_all(
            [
                concern,
                theirs,
                Review(
                    partnership_id=pid,
                    opened_by="patient",
                    opened_by_user_id=p,
                    patient_progress=f"{MINE} progress",
                    patient_left_undone=f"{MINE} left undone",
                    therapist_progress=f"{THEIRS} progress",
                ),
            ]
        )
        db.session.commit()


def _leftovers(patient_id: int, needles: tuple[str, ...]) -> list[str]:
    """Every text cell containing a needle, and every user reference equal to the patient's id."""
    found = []
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(sa.select(table)).mappings().all()
        for column in table.columns:
            refs_user = any(fk.column.table.name == "users" for fk in column.foreign_keys)
            is_user_id = table.name == "users" and column.primary_key
            is_text = isinstance(column.type, sa.String)
            for row in rows:
                value = row[column.name]
                if (refs_user or is_user_id) and value == patient_id:
                    found.append(f"{table.name}.{column.name} = {value}")
                if is_text and isinstance(value, str) and any(n.lower() in value.lower() for n in needles):
                    found.append(f"{table.name}.{column.name}: {value!r}")
    return found


def test_deleting_the_patient_account_leaves_nothing_of_them(app, world):
    """After deletion no table holds the patient's name, email, words or id; the therapist's stay."""
    _fill_everything(app, world)
    needles = ("Pat Patient", "pat@example.org", MINE)
    with app.app_context():
        assert len(_leftovers(world.patient, needles)) > 10  # the search does find them beforehand
    client = client_as(app, "pat@example.org")
    response = client.post("/account/delete", data={"current": PASSWORD, "understood": "y"})
    assert is_login_redirect(response)
    assert "have been deleted" in client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert _leftovers(world.patient, needles) == []
        kept = db.session.execute(sa.select(GoalRevision.text)).scalars().all()
        assert f"{THEIRS} kept goal" in kept
        words = {n.text for n in db.session.scalars(sa.select(RuptureNote))}
        assert words == {f"{THEIRS} reply"}
        review = db.session.scalar(sa.select(Review))
        assert review.therapist_progress == f"{THEIRS} progress" and review.patient_progress is None
        partnership = db.session.get(Partnership, world.partnership)
        assert (partnership.status, partnership.closed_by_patient, partnership.patient_id) == ("ended", True, None)
        assert db.session.get(User, world.other_patient) is not None  # nobody else was touched


def test_the_therapist_sees_the_partnership_closed_by_the_patient(app, world):
    """Dashboard and partnership page say so; the therapist's own ratings remain; no new invite."""
    _fill_everything(app, world)
    client_as(app, "pat@example.org").post("/account/delete", data={"current": PASSWORD, "understood": "y"})
    therapist = client_as(app, "tara@example.org")
    assert "Closed by the patient" in therapist.get("/").get_data(as_text=True)
    page = therapist.get(f"/partnerships/{world.partnership}/").get_data(as_text=True)
    assert "Closed by the patient" in page and f"{THEIRS} session note" in page
    assert MINE not in page and "Make a new invite link" not in page
    therapist.post(f"/partnerships/{world.partnership}/invite")
    with app.app_context():
        from partnertrack.models import Invite

        assert db.session.scalar(sa.select(sa.func.count()).select_from(Invite)) == 0
    log = therapist.get("/account/activity").get_data(as_text=True)
    assert "The patient (account deleted)" in log and "closed the partnership by deleting their account" in log
    assert app.test_client().post("/login", data={"email": "pat@example.org", "password": PASSWORD}).status_code == 200


def test_deletion_needs_the_confirmation_step(app, world):
    """Without the tick or with a wrong password nothing is deleted, and the page says why."""
    client = client_as(app, "pat@example.org")
    page = client.get("/account/delete").get_data(as_text=True)
    assert "cannot be undone" in page and "Delete my account" in page
    response = client.post("/account/delete", data={"current": PASSWORD})
    assert response.status_code == 422
    assert "Please tick the box" in response.get_data(as_text=True)
    response = client.post("/account/delete", data={"current": "not my password", "understood": "y"})
    assert "That is not your current password." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, world.patient) is not None
    assert client.get("/").status_code == 200


def test_a_therapist_with_patients_cannot_delete_their_account(app, world):
    """That would delete the patients' records; the page says to ask the administrator."""
    client = client_as(app, "tara@example.org")
    assert "Ask your PartnerTrack administrator" in client.get("/account/").get_data(as_text=True)
    response = client.post("/account/delete", data={"current": PASSWORD, "understood": "y"})
    assert "Ask your PartnerTrack administrator" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, world.therapist) is not None


def test_a_therapist_without_patients_can_delete_their_account(app, world):
    """Only invited, never-joined partnerships go with it."""
    from tests.factories import add_partnership, add_user

    with app.app_context():
        lone = add_user("Dr Lone", "lone@example.org", "therapist")
        add_partnership(lone, None, "Not yet joined", date.today())
    client = client_as(app, "lone@example.org")
    assert is_login_redirect(client.post("/account/delete", data={"current": PASSWORD, "understood": "y"}))
    with app.app_context():
        assert db.session.get(User, lone) is None
        assert db.session.scalar(sa.select(Partnership).where(Partnership.patient_name == "Not yet joined")) is None
