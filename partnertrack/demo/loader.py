"""Loading the demo partnership: a therapist, a patient and 16 weekly sessions."""

from __future__ import annotations

import secrets
from datetime import timedelta

from partnertrack.auth.service import create_user
from partnertrack.core.clock import today
from partnertrack.core.roles import Role
from partnertrack.demo.series import demo_goals, demo_sessions
from partnertrack.extensions import db
from partnertrack.models import Partnership, Rating, TherapySession
from partnertrack.ratings.factors import FACTOR_KEYS

DEMO_SESSIONS = 16
THERAPIST_EMAIL = "demo-therapist@example.org"
PATIENT_EMAIL = "demo-patient@example.org"


def _unique_email(base: str) -> str:
    """``base``, or base with a number when a demo was loaded before."""
    from partnertrack.models import User

    local, _, domain = base.partition("@")
    email, n = base, 1
    while db.session.scalar(db.select(User.id).where(User.email == email)) is not None:
        n += 1
        email = f"{local}{n}@{domain}"
    return email


def _add_goals(partnership: Partnership, ratings: dict, goals, users: dict) -> None:
    """Shared goals with progress rated by both parties from the session each was set."""
    from partnertrack.goals.models import GoalProgress
    from partnertrack.goals.service import add_goal

    for i, (text, points) in enumerate(goals):
        role = Role.PATIENT if i % 2 == 0 else Role.THERAPIST
        goal = add_goal(partnership, role, users[role], text)
        db.session.flush()
        for number, role, progress in points:
            db.session.add(GoalProgress(goal_id=goal.id, rating_id=ratings[(number, role)].id, progress=progress))


def load_demo(n_sessions: int = DEMO_SESSIONS, seed: int = 0) -> list[tuple[str, str, str]]:
    """Store the demo partnership; returns (role, email, password) for each account."""
    series = demo_sessions(n_sessions, seed)
    # The last session was two days ago, so the course ends in the recent past.
    first_day = today() - timedelta(days=series[-1].offset_days + 2)
    passwords = {role: secrets.token_urlsafe(9) for role in (Role.THERAPIST, Role.PATIENT)}
    therapist = create_user("Dr Robin Demo", _unique_email(THERAPIST_EMAIL), passwords[Role.THERAPIST], Role.THERAPIST)
    patient = create_user("Sam Demo", _unique_email(PATIENT_EMAIL), passwords[Role.PATIENT], Role.PATIENT)
    partnership = Partnership(
        therapist=therapist, patient=patient, patient_name="Sam", status="active", started_on=first_day
    )
    db.session.add(partnership)
    ratings: dict[tuple[int, str], Rating] = {}
    for number, entry in enumerate(series, start=1):
        session = TherapySession(partnership=partnership, date=first_day + timedelta(days=entry.offset_days))
        for role, scores in entry.scores.items():
            values = {key: scores[key] for key in FACTOR_KEYS}
            rating = Rating(rater=role, comment=entry.comments.get(role) or None, **values)
            session.ratings.append(rating)
            ratings[(number, role)] = rating
        db.session.add(session)
    db.session.flush()
    _add_goals(partnership, ratings, demo_goals(n_sessions, seed), {Role.PATIENT: patient, Role.THERAPIST: therapist})
    db.session.commit()
    return [
        (Role.THERAPIST, therapist.email, passwords[Role.THERAPIST]),
        (Role.PATIENT, patient.email, passwords[Role.PATIENT]),
    ]
