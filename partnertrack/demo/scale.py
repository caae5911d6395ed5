"""Filling a database with a full caseload at scale, for benchmarks (bulk inserts)."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import insert

from partnertrack.core.clock import today
from partnertrack.core.passwords import hash_password
from partnertrack.core.roles import Role
from partnertrack.demo.series import demo_sessions
from partnertrack.extensions import db
from partnertrack.models import Partnership, Rating, TherapySession, User
from partnertrack.ratings.factors import FACTOR_KEYS

SCALE_PASSWORD = "benchmark-password-1"


def _insert(model, rows: list[dict]) -> list[int]:
    """Bulk insert ``rows`` with Core and return their new ids in the same order.

    Core rather than the ORM's bulk path: the ORM splits a batch wherever the
    pattern of NULLs changes (optional comments, "nothing felt off"), which
    turns one multi-row insert into tens of thousands of small ones.
    """
    if not rows:
        return []
    table = model.__table__
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return list(db.session.connection().execute(statement, rows).scalars())


def _accounts(therapists: int, patients: int, password_hash: str, run: int) -> tuple[list[int], list[int]]:
    """Insert the therapists and their patients; returns (therapist ids, patient ids in therapist order)."""

    def account(email: str, name: str, role: Role) -> dict:
        """One user row."""
        return {"email": f"{email}.{run}@scale.example.org", "name": name, "password_hash": password_hash, "role": role}

    therapist_ids = _insert(
        User, [account(f"therapist{t}", f"Dr Scale {t}", Role.THERAPIST) for t in range(therapists)]
    )
    patient_ids = _insert(
        User,
        [
            account(f"patient{t}-{p}", f"Client {t}-{p}", Role.PATIENT)
            for t in range(therapists)
            for p in range(patients)
        ],
    )
    return therapist_ids, patient_ids


def _rating_rows(session_ids: list[int], series: list, sessions: int) -> list[dict]:
    """Both parties' ratings of every session, cycling through the believable series."""
    rows = []
    for i, session_id in enumerate(session_ids):
        course = series[(i // sessions) % len(series)][i % sessions]
        for role, scores in course.scores.items():
            comment = course.comments.get(role) or None
            rows.append(
                {"session_id": session_id, "rater": role, "comment": comment, **{k: scores[k] for k in FACTOR_KEYS}}
            )
    return rows


def load_scale(therapists: int, patients: int, sessions: int, seed: int = 0) -> dict:
    """``therapists`` × ``patients`` partnerships of ``sessions`` sessions, both parties rating each.

    Every generated account shares one password, hashed once: hashing thousands of
    passwords with argon2id would take far longer than the data itself. Returns
    the counts, the elapsed seconds and the login of the first therapist.
    """
    started = time.perf_counter()
    run = int(time.time())
    series = [demo_sessions(sessions, seed + n) for n in range(min(patients, 25))]
    therapist_ids, patient_ids = _accounts(therapists, patients, hash_password(SCALE_PASSWORD), run)
    first_day = today() - timedelta(days=series[0][-1].offset_days + 2)
    partnership_rows = [
        {
            "therapist_id": therapist_ids[i // patients],
            "patient_id": pid,
            "patient_name": f"Client {i}",
            "status": "active",
            "started_on": first_day,
        }
        for i, pid in enumerate(patient_ids)
    ]
    partnership_ids = _insert(Partnership, partnership_rows)
    session_rows = [
        {"partnership_id": pid, "date": first_day + timedelta(days=s.offset_days)}
        for pid in partnership_ids
        for s in series[0]
    ]
    session_ids = _insert(TherapySession, session_rows)
    ratings = _rating_rows(session_ids, series, sessions)
    db.session.connection().execute(insert(Rating.__table__), ratings)
    db.session.commit()
    return {
        "therapists": therapists,
        "partnerships": len(partnership_ids),
        "sessions": len(session_ids),
        "ratings": len(ratings),
        "seconds": round(time.perf_counter() - started, 1),
        "login": (f"therapist0.{run}@scale.example.org", SCALE_PASSWORD),
    }
