"""A small, believable data set to visit every main page with, stored through the domain code.

The page checks (axe-core, the Nu Html Checker, touch targets) need pages full of real
content: a partnership with revealed ratings, a session still waiting for the therapist,
shared goals, a raised concern, an open invite. Journeys make their data in the browser; these checks only need it to exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from flask import Flask

from partnertrack.auth.service import create_user
from partnertrack.extensions import db
from partnertrack.goals.service import add_goal
from partnertrack.models import Partnership, User
from partnertrack.partnerships.service import find_invite, join, open_partnership
from partnertrack.ratings.service import save_rating
from partnertrack.ruptures.service import raise_concern

PASSWORD = "a long enough passphrase"

# (days before today, patient's scores, therapist's scores, patient's comment, therapist's comment);
# None for the therapist means they have not rated yet. Scores follow the factor order.
HISTORY = [
    (42, (5, 4, 6, 5, 6, 1), (6, 5, 6, 6, 6, 1), "Still finding my feet.", ""),
    (35, (6, 6, 7, 6, None, 1), (7, 6, 7, 6, None, 2), "", "Agreed two goals together."),
    (28, (4, 3, 5, 3, 3, 2), (6, 6, 6, 5, 6, 2), "The homework felt imposed.", "Missed how the homework landed."),
    (21, (6, 6, 7, 7, 7, 3), (7, 7, 7, 7, 8, 3), "We talked it through. Better.", ""),
    (14, (7, 8, 8, 8, None, 4), (8, 8, 8, 7, None, 4), "", ""),
    (2, (8, 8, 9, 8, None, 5), None, "Good session.", ""),
]
KEYS = ("mutuality", "collaboration", "responsiveness", "feedback", "rupture_repair", "termination_readiness")


@dataclass(frozen=True)
class Site:
    """Who and what the seeded data holds."""

    therapist_email: str
    patient_email: str
    partnership_id: int  # active, five revealed sessions and one waiting for the therapist
    invited_id: int  # no patient yet
    invite_token: str  # unused invite of the invited partnership
    concern_id: int  # a concern the patient raised in the rupture log
    password: str = PASSWORD


def rate_history(partnership: Partnership, today: date) -> None:
    """Store HISTORY's ratings for ``partnership`` (active, begun at least 49 days ago)."""
    for days_ago, mine, theirs, patient_comment, therapist_comment in HISTORY:
        day = today - timedelta(days=days_ago)
        save_rating(partnership, "patient", day, dict(zip(KEYS, mine)), patient_comment)
        if theirs is not None:
            save_rating(partnership, "therapist", day, dict(zip(KEYS, theirs)), therapist_comment)


def add_rated_partnership(therapist: User, patient: User, patient_name: str, today: date) -> Partnership:
    """Open a partnership, let ``patient`` join it through the invite, and store HISTORY in it."""
    partnership, token = open_partnership(therapist, patient_name, today - timedelta(days=49))
    db.session.flush()
    join(find_invite(token), patient)
    db.session.commit()
    rate_history(partnership, today)
    return partnership


def seed_site(app: Flask, email: Callable[[str], str]) -> Site:
    """Store a therapist, a patient, their rated partnership and an open invite; ``email`` names accounts."""
    today = date.today()
    with app.app_context():
        therapist = create_user("Dr Tara Okafor", email("tara"), PASSWORD, "therapist")
        patient = create_user("Sam Rivera", email("sam"), PASSWORD, "patient")
        partnership = add_rated_partnership(therapist, patient, "Sam", today)
        invited, open_token = open_partnership(therapist, "Alex", today)
        add_goal(partnership, "patient", patient, "Sleep through the night more often")
        add_goal(partnership, "therapist", therapist, "Say when a session does not feel right")
        concern = raise_concern(partnership, "patient", patient, "The homework felt imposed on me.")
        db.session.commit()
        site = Site(therapist.email, patient.email, partnership.id, invited.id, open_token, concern.id)
        db.session.remove()
    return site
