"""Deleting an account and everything its owner wrote.

A patient's account goes with their ratings and comments, the goal wordings
they wrote, the concerns and notes they raised and their ending-review notes.
Each partnership they were in stays with the therapist as "ended, closed by
the patient", holding only what the therapist wrote. The audit log keeps its
events (it is append-only: what happened, when, in which role), but their address
and free text are blanked and the foreign keys set the account's id to NULL, so
the trail reads "the patient (account deleted)". Every cached chart that drew the
person's ratings is deleted too.

A therapist whose partnerships hold a patient's history cannot delete their
account here: that would delete the patient's record too. An administrator
disables such an account instead (``flask --app partnertrack user disable``).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from partnertrack.core.audit import pseudonymise, record
from partnertrack.core.outbox import forget_address
from partnertrack.core.roles import Role
from partnertrack.extensions import db
from partnertrack.goals.models import Goal, GoalRevision
from partnertrack.insights.images import purge
from partnertrack.models import Partnership, Rating, TherapySession, User
from partnertrack.review.models import Review
from partnertrack.ruptures.models import RuptureEntry, RuptureNote
from partnertrack.summaries.versions import touch

THERAPIST_BLOCKED = _l(
    "Your partnerships hold your patients' records, so the account cannot be deleted here. "
    "Ask your PartnerTrack administrator to disable it instead."
)


def deletion_blocker(user: User) -> str | None:
    """Why ``user`` cannot delete their own account, or None when they can."""
    if user.role != Role.THERAPIST:
        return None
    with_patient = db.session.scalar(
        sa.select(Partnership.id)
        .where(Partnership.therapist_id == user.id)
        .where(sa.or_(Partnership.patient_id.is_not(None), Partnership.status != "invited"))
        .limit(1)
    )
    return THERAPIST_BLOCKED if with_patient is not None else None


def delete_account(user: User) -> None:
    """Erase ``user`` (see the module docstring) and audit it, in the caller's transaction."""
    _purge_cached_charts(user)
    for partnership in db.session.scalars(sa.select(Partnership).where(Partnership.patient_id == user.id)):
        _erase_patient_words(partnership.id)
        partnership.status = "ended"
        partnership.closed_by_patient = True
        partnership.patient_id = None
        record("partnership.closed_by_patient", partnership.id, user=user)
    record("account.deleted", user=user)
    forget_address(user.email)  # mail to the address (invites too); the rest goes with the account
    pseudonymise(user.id)  # the events above included
    # Invited-only partnerships of a therapist go with the account (ON DELETE CASCADE).
    db.session.delete(user)
    db.session.flush()


def _purge_cached_charts(user: User) -> None:
    """Delete every cached chart that drew the user's ratings: theirs, their partners' and the caseloads.

    The cache (Redis in a clinic) would otherwise keep the images until they expire, a day.
    """
    rows = db.session.execute(
        sa.select(Partnership.id, Partnership.therapist_id, Partnership.patient_id).where(
            sa.or_(Partnership.patient_id == user.id, Partnership.therapist_id == user.id)
        )
    ).all()
    viewers = {user.id} | {r.therapist_id for r in rows} | {r.patient_id for r in rows if r.patient_id}
    purge([r.id for r in rows] + [None], viewers)


def _erase_patient_words(partnership_id: int) -> None:
    """Delete what the patient wrote or rated in one partnership."""
    session_ids = sa.select(TherapySession.id).where(TherapySession.partnership_id == partnership_id)
    # Goal progress goes with the rating (ON DELETE CASCADE).
    db.session.execute(
        sa.delete(Rating).where(Rating.rater == Role.PATIENT, Rating.session_id.in_(session_ids)),
        execution_options={"synchronize_session": False},
    )
    # A session nobody rated any more is only a date; it goes too.
    db.session.execute(
        sa.delete(TherapySession).where(
            TherapySession.partnership_id == partnership_id,
            ~sa.exists().where(Rating.session_id == TherapySession.id),
        ),
        execution_options={"synchronize_session": False},
    )
    _erase_goal_wordings(partnership_id)
    _erase_rupture_log(partnership_id)
    db.session.execute(
        sa.update(Review)
        .where(Review.partnership_id == partnership_id)
        .values(patient_progress=None, patient_left_undone=None, patient_agreed_at=None),
        execution_options={"synchronize_session": False},
    )
    touch([partnership_id])  # Core statements: the flush listener does not see them
    db.session.expire_all()


def _erase_goal_wordings(partnership_id: int) -> None:
    """Delete every goal whose wording the patient ever wrote, with its history.

    A revision is a snapshot of the whole goal, so the patient's words live on
    in later revisions too; deleting the goal is the only clean cut. Goals the
    patient only marked achieved or dropped keep the therapist's words.
    """
    worded_by_patient = sa.select(GoalRevision.goal_id).where(
        GoalRevision.changed_by == Role.PATIENT, GoalRevision.action.in_(("created", "reworded"))
    )
    db.session.execute(
        sa.delete(Goal).where(
            Goal.partnership_id == partnership_id,
            sa.or_(Goal.created_by == Role.PATIENT, Goal.id.in_(worded_by_patient)),
        ),
        execution_options={"synchronize_session": False},
    )


def _erase_rupture_log(partnership_id: int) -> None:
    """Delete the patient's entries (their concerns, signals from their ratings) and notes.

    On the entries that stay (the therapist's), the patient's "we talked it through" goes too.
    """
    entry_ids = sa.select(RuptureEntry.id).where(RuptureEntry.partnership_id == partnership_id)
    db.session.execute(
        sa.update(RuptureEntry).where(RuptureEntry.partnership_id == partnership_id).values(patient_talked=None),
        execution_options={"synchronize_session": False},
    )
    db.session.execute(
        sa.delete(RuptureNote).where(RuptureNote.author == Role.PATIENT, RuptureNote.entry_id.in_(entry_ids)),
        execution_options={"synchronize_session": False},
    )
    db.session.execute(
        sa.delete(RuptureEntry).where(
            RuptureEntry.partnership_id == partnership_id, RuptureEntry.party == Role.PATIENT
        ),
        execution_options={"synchronize_session": False},
    )
