"""Every test data builder, in one place, for every level of the suite.

Unit tests build plain ``RatingData`` series (``rate``); web, db and security tests store
people, partnerships and ratings (``add_user``, ``add_partnership``, ``make_world``,
``store_ratings``, ``seed_partnerships``); the browser checks store a small believable site
through the domain code (``seed_site``); and ``rating_form`` is the post-session form as a
browser would send it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from flask import Flask

from partnertrack.auth.service import create_user
from partnertrack.clinic.models import ClinicMember
from partnertrack.core.roles import Role
from partnertrack.extensions import db
from partnertrack.goals.service import add_goal
from partnertrack.insights.signals import RatingData
from partnertrack.models import Partnership, Rating, TherapySession, User
from partnertrack.partnerships.service import find_invite, join, open_partnership
from partnertrack.ratings.factors import FACTOR_KEYS, INDEX_KEYS
from partnertrack.ratings.service import save_rating
from partnertrack.ruptures.service import raise_concern

PASSWORD = "correct horse battery"
THERAPIST_EMAIL = "therapist{}@example.org"
PATIENT_EMAIL = "patient{}@example.org"
# The world's therapist and patient log in with these (make_world).
THERAPIST = "tara@example.org"
PATIENT = "pat@example.org"
TODAY = date.today()
YESTERDAY = TODAY - timedelta(days=1)


# --- people and partnerships -------------------------------------------------------------


def add_user(name: str, email: str, role: str, password: str = PASSWORD) -> int:
    """Store a user (the suite's password unless given) and return its id."""
    user = create_user(name, email, password, role)
    db.session.commit()
    return user.id


def add_partnership(therapist_id: int, patient_id: int | None, name: str, started_on: date) -> int:
    """Store an active partnership (or an invited one without a patient) and return its id."""
    p = Partnership(
        therapist_id=therapist_id,
        patient_id=patient_id,
        patient_name=name,
        started_on=started_on,
        status="active" if patient_id else "invited",
    )
    db.session.add(p)
    db.session.commit()
    return p.id


@dataclass
class World:
    """Two partnerships and an outsider of each role, for access tests."""

    therapist: int
    patient: int
    partnership: int
    other_therapist: int
    other_patient: int
    other_partnership: int
    started_on: date


def make_world(app: Flask) -> World:
    """Therapist Tara with patient Pat, and therapist Omar with patient Quinn in a separate partnership."""
    started = date.today() - timedelta(days=90)
    with app.app_context():
        t = add_user("Dr Tara Therapist", THERAPIST, Role.THERAPIST)
        p = add_user("Pat Patient", PATIENT, Role.PATIENT)
        o = add_user("Dr Omar Other", "omar@example.org", Role.THERAPIST)
        q = add_user("Quinn Other", "quinn@example.org", Role.PATIENT)
        pid = add_partnership(t, p, "Pat", started)
        qid = add_partnership(o, q, "Quinn", started)
    return World(t, p, pid, o, q, qid, started)


def seed_partnerships(app: Flask, count: int, started_on: date | None = None) -> list[int]:
    """``count`` active partnerships, each with its own therapist and patient; their ids.

    Party i logs in as therapist{i}@example.org / patient{i}@example.org with the suite's password.
    """
    started_on = started_on or date.today() - timedelta(days=60)
    ids = []
    with app.app_context():
        for i in range(count):
            t = add_user(f"Dr Therapist {i}", THERAPIST_EMAIL.format(i), Role.THERAPIST)
            p = add_user(f"Patient {i}", PATIENT_EMAIL.format(i), Role.PATIENT)
            ids.append(add_partnership(t, p, f"Patient {i}", started_on))
        db.session.remove()
        db.engine.dispose()
    return ids


def set_status(app: Flask, partnership_id: int, status: str) -> None:
    """Force a partnership's status (for read-only tests that do not need the whole review)."""
    with app.app_context():
        db.session.get(Partnership, partnership_id).status = status
        db.session.commit()


# --- ratings -------------------------------------------------------------------------------


def rating_form(day: date, **fields) -> dict:
    """A complete, valid post-session form for ``day``; keyword arguments override fields."""
    data = {
        "session_date": day.isoformat(),
        "mutuality": "7",
        "collaboration": "6",
        "responsiveness": "8",
        "feedback": "7",
        "rupture_repair": "5",
        "termination_readiness": "2",
        "comment": "",
    }
    data.update({k: str(v) for k, v in fields.items()})
    return data


def flat(value: int, **override) -> dict[str, int | None]:
    """All six factor scores ``value``, with some overridden."""
    scores = dict.fromkeys(FACTOR_KEYS, value)
    scores.update(override)
    return scores


def weekly_dates(n: int, last: date = YESTERDAY) -> list[date]:
    """``n`` weekly session dates ending on ``last``."""
    return [last - timedelta(days=7 * (n - 1 - i)) for i in range(n)]


def store_ratings(app: Flask, partnership_id: int, rows) -> None:
    """Insert (date, rater, scores) ratings directly: a quick way to a long history."""
    with app.app_context():
        sessions: dict[date, TherapySession] = {}
        for day, rater, scores in rows:
            therapy_session = sessions.get(day) or db.session.scalar(
                db.select(TherapySession).where(
                    TherapySession.partnership_id == partnership_id, TherapySession.date == day
                )
            )
            if therapy_session is None:
                # As before sessions were shared: whoever rated first made the session.
                therapy_session = TherapySession(partnership_id=partnership_id, date=day, added_by=rater)
                db.session.add(therapy_session)
                db.session.flush()
            sessions[day] = therapy_session
            db.session.add(Rating(session_id=therapy_session.id, rater=rater, **scores))
        db.session.commit()


def add_sessions(app: Flask, partnership_id: int, days, status: str = "scheduled", added_by: str = "therapist"):
    """Store sessions on ``days`` as a therapist records them (nobody has rated them); their ids."""
    with app.app_context():
        rows = [
            TherapySession(partnership_id=partnership_id, date=day, status=status, added_by=added_by) for day in days
        ]
        db.session.add_all(rows)
        db.session.commit()
        return [row.id for row in rows]


def session_ids(app: Flask, partnership_id: int) -> dict[date, int]:
    """The partnership's sessions as {date: id}."""
    with app.app_context():
        rows = db.session.execute(
            db.select(TherapySession.date, TherapySession.id).where(TherapySession.partnership_id == partnership_id)
        )
        return dict(rows.all())


def timeline(rows, role: str = "patient", today: date | None = None) -> list:
    """A plain timeline for the pure tests: ``rows`` of (date, raters[, added_by]), ids counting from 1.

    Each rating is a flat 5; the reveal rule runs with the default 7 days.
    """
    from partnertrack.ratings.reveal import RatingRecord, SessionRecord, session_views

    records = [
        SessionRecord(
            row[0],
            {rater: RatingRecord(flat(5)) for rater in row[1]},
            session_id=n,
            added_by=row[2] if len(row) > 2 else "therapist",
        )
        for n, row in enumerate(rows, start=1)
    ]
    return session_views(records, role, today or max(r[0] for r in rows), 7)


D0 = datetime.date(2025, 1, 6)


def rate(n: int, rater: str = "patient", level: int = 7, **over: int | None) -> RatingData:
    """Session ``n`` (weekly from D0) rated ``level`` on every alliance factor, readiness 3 unless given.

    Plain data for the pure signal and chart tests: no app, no database.
    """
    scores: dict[str, int | None] = dict.fromkeys(INDEX_KEYS, level)
    scores["termination_readiness"] = 3
    scores.update(over)
    return RatingData(n, D0 + datetime.timedelta(days=7 * (n - 1)), rater, scores)


# --- a believable site for the browser's page checks ---------------------------------------

SITE_PASSWORD = "a long enough passphrase"
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


@dataclass(frozen=True)
class Site:
    """Who and what the seeded site holds."""

    therapist_email: str
    patient_email: str
    partnership_id: int  # active, five revealed sessions and one waiting for the therapist
    invited_id: int  # no patient yet
    invite_token: str  # unused invite of the invited partnership
    concern_id: int  # a concern the patient raised in the rupture log
    password: str = SITE_PASSWORD


def rate_history(partnership: Partnership, today: date) -> None:
    """Store HISTORY's ratings for ``partnership`` (active, begun at least 49 days ago)."""
    for days_ago, mine, theirs, patient_comment, therapist_comment in HISTORY:
        day = today - timedelta(days=days_ago)
        save_rating(partnership, Role.PATIENT, day, dict(zip(FACTOR_KEYS, mine, strict=True)), patient_comment)
        if theirs is not None:
            scores = dict(zip(FACTOR_KEYS, theirs, strict=True))
            save_rating(partnership, Role.THERAPIST, day, scores, therapist_comment)


def add_rated_partnership(therapist: User, patient: User, patient_name: str, today: date) -> Partnership:
    """Open a partnership, let ``patient`` join it through the invite, and store HISTORY in it."""
    partnership, token = open_partnership(therapist, patient_name, today - timedelta(days=49))
    join(find_invite(token), patient)
    rate_history(partnership, today)
    db.session.commit()
    return partnership


@dataclass(frozen=True)
class Pair:
    """A therapist and a patient who have joined one partnership with no ratings yet."""

    therapist_email: str
    patient_email: str
    partnership_id: int
    password: str = SITE_PASSWORD


def seed_pair(app: Flask, email: Callable[[str], str], started_days_ago: int = 28) -> Pair:
    """Store a therapist, a patient who joined through the invite, and their partnership (no ratings)."""
    today = date.today()
    with app.app_context():
        therapist = create_user("Dr Tara Okafor", email("tara"), SITE_PASSWORD, Role.THERAPIST)
        patient = create_user("Sam Rivera", email("sam"), SITE_PASSWORD, Role.PATIENT)
        partnership, token = open_partnership(therapist, "Sam", today - timedelta(days=started_days_ago))
        join(find_invite(token), patient)
        db.session.commit()
        pair = Pair(therapist.email, patient.email, partnership.id)
        db.session.remove()
    return pair


def seed_site(app: Flask, email: Callable[[str], str]) -> Site:
    """Store a therapist, a patient, their rated partnership and an open invite; ``email`` names accounts."""
    today = date.today()
    with app.app_context():
        therapist = create_user("Dr Tara Okafor", email("tara"), SITE_PASSWORD, Role.THERAPIST)
        patient = create_user("Sam Rivera", email("sam"), SITE_PASSWORD, Role.PATIENT)
        partnership = add_rated_partnership(therapist, patient, "Sam", today)
        invited, open_token = open_partnership(therapist, "Alex", today)
        add_goal(partnership, Role.PATIENT, patient, "Sleep through the night more often")
        add_goal(partnership, Role.THERAPIST, therapist, "Say when a session does not feel right")
        concern = raise_concern(partnership, Role.PATIENT, patient, "The homework felt imposed on me.")
        db.session.commit()
        site = Site(therapist.email, patient.email, partnership.id, invited.id, open_token, concern.id)
        db.session.remove()
    return site


# --- two-factor sign-in --------------------------------------------------------------------


def totp_code(secret: str, at: datetime.datetime) -> str:
    """The code an authenticator app holding ``secret`` shows at ``at``."""
    import pyotp

    return pyotp.TOTP(secret).at(at)


def enable_two_factor(app: Flask, user_id: int) -> tuple[str, list[str]]:
    """Turn two-factor sign-in on for a stored user, as the set-up page does; (secret, recovery codes).

    The confirming code is taken at the app's NOW (set NOW in the app's config first), so a
    test signing in afterwards must use a later 30-second step: a code works once.
    """
    from partnertrack.auth import two_factor
    from partnertrack.core.clock import now

    with app.app_context():
        user = db.session.get(User, user_id)
        secret = two_factor.pending_secret(user)
        codes = two_factor.confirm(user, totp_code(secret, now()))
        assert codes is not None
        db.session.commit()
    return secret, codes


# --- clinics -------------------------------------------------------------------------------

CLINIC_EMAILS = {
    "admin": "ada@example.org",
    "supervisor": "sue@example.org",
    "clinic_therapist": "tess@example.org",
    "second_therapist": "theo@example.org",
    "clinic_patient": "paula@example.org",
    "other_admin": "olga@example.org",
    "other_supervisor": "oscar@example.org",
}


@dataclass(frozen=True)
class ClinicWorld:
    """A clinic (admin, supervisor, two therapists, one rated partnership) and a second clinic."""

    clinic: int
    admin_member: int
    supervisor_member: int
    therapist_member: int
    second_member: int
    patient: int
    partnership: int
    other_clinic: int


def join_clinic(clinic, user: User, role: str):
    """``user`` joins ``clinic`` in ``role`` through an invite link, as the join page does."""
    from partnertrack.clinic.service import accept_invite, make_invite

    invite, _token = make_invite(clinic, role, None, None)
    return accept_invite(invite, user)


def make_clinic_world(app: Flask, two_factor: bool = False) -> ClinicWorld:
    """CLINIC_EMAILS' people: clinic "Northside" and clinic "Elsewhere"; Paula's ratings are HISTORY's."""
    from partnertrack.clinic.service import create_clinic

    today = date.today()
    with app.app_context():
        people = {
            key: create_user(
                key.replace("_", " ").title(), email, PASSWORD, Role.PATIENT if "patient" in key else Role.THERAPIST
            )
            for key, email in CLINIC_EMAILS.items()
        }
        partnership = add_rated_partnership(people["clinic_therapist"], people["clinic_patient"], "Paula", today)
        clinic, other = create_clinic("Northside", people["admin"]), create_clinic("Elsewhere", people["other_admin"])
        clinic.require_two_factor = other.require_two_factor = two_factor
        members = {
            key: join_clinic(clinic, people[key], role)
            for key, role in (
                ("supervisor", "supervisor"),
                ("clinic_therapist", "therapist"),
                ("second_therapist", "therapist"),
            )
        }
        join_clinic(other, people["other_supervisor"], "supervisor")
        db.session.commit()
        admin_member = db.session.scalar(db.select(ClinicMember.id).where(ClinicMember.user_id == people["admin"].id))
        world = ClinicWorld(
            clinic.id,
            admin_member,
            members["supervisor"].id,
            members["clinic_therapist"].id,
            members["second_therapist"].id,
            people["clinic_patient"].id,
            partnership.id,
            other.id,
        )
        db.session.remove()
    return world


def allow_supervision(app: Flask, patient_id: int, allowed: bool = True) -> None:
    """The patient's account-page choice, stored as the page stores it."""
    from partnertrack.clinic.service import set_consent

    with app.app_context():
        set_consent(db.session.get(User, patient_id), allowed)
        db.session.commit()


@dataclass(frozen=True)
class ClinicSite:
    """A clinic for the browser: an admin, supervisors, therapists each with a rated partnership."""

    admin_email: str
    supervisor_emails: tuple[str, ...]
    therapist_emails: tuple[str, ...]
    patient_emails: tuple[str, ...]  # the patient of each therapist's partnership, in the same order
    therapist_members: tuple[int, ...]
    partnership_ids: tuple[int, ...]
    solo_email: str  # a therapist with a rated partnership, not in the clinic yet
    solo_patient_email: str
    password: str = SITE_PASSWORD


def seed_clinic(app: Flask, email: Callable[[str], str], therapists: int = 20, supervisors: int = 2) -> ClinicSite:
    """Store a clinic (two-factor off, so the browser signs in with a password) through the services."""
    from partnertrack.clinic.service import create_clinic

    today = date.today()
    with app.app_context():
        admin = create_user("Ada Admin", email("ada"), SITE_PASSWORD, Role.THERAPIST)
        clinic = create_clinic("Northside Clinic", admin)
        clinic.require_two_factor = False
        sups = [
            create_user(f"Sue Supervisor {i + 1}", email("sue"), SITE_PASSWORD, Role.THERAPIST)
            for i in range(supervisors)
        ]
        for sup in sups:
            join_clinic(clinic, sup, "supervisor")
        staff, patients, members, partnerships = [], [], [], []
        for i in range(therapists):
            therapist = create_user(f"Dr Therapist {i + 1:02d}", email("t"), SITE_PASSWORD, Role.THERAPIST)
            patient = create_user(f"Client {i + 1:02d}", email("c"), SITE_PASSWORD, Role.PATIENT)
            partnerships.append(add_rated_partnership(therapist, patient, f"Client {i + 1:02d}", today).id)
            members.append(join_clinic(clinic, therapist, "therapist").id)
            staff.append(therapist.email)
            patients.append(patient.email)
        solo = create_user("Dr Solo Practice", email("solo"), SITE_PASSWORD, Role.THERAPIST)
        solo_patient = create_user("Sol Client", email("sol"), SITE_PASSWORD, Role.PATIENT)
        add_rated_partnership(solo, solo_patient, "Sol", today)
        db.session.commit()
        site = ClinicSite(
            admin.email,
            tuple(s.email for s in sups),
            tuple(staff),
            tuple(patients),
            tuple(members),
            tuple(partnerships),
            solo.email,
            solo_patient.email,
        )
        db.session.remove()
    return site


def set_language(app: Flask, user_id: int, language: str | None) -> None:
    """Store an account's chosen language (None: it follows the browser)."""
    with app.app_context():
        db.session.get(User, user_id).language = language
        db.session.commit()
