"""The ending review in the database: active -> ending -> ended, and back, with withdrawal.

The rules live in machine.py (pure); here each step reads the current state,
asks the rules, and then writes with a conditional UPDATE, so two people
clicking at the same moment can never both "win" (agreeing twice, ending an
ended partnership, closing a review the other has just completed). Steps flush;
the request commits, and a refused step raises Refused (the request rolls back).
"""

from __future__ import annotations

from partnertrack.core.clock import utcnow
from partnertrack.core.refusals import Refused
from partnertrack.core.roles import ROLES, Role
from partnertrack.extensions import db
from partnertrack.models import Partnership, User
from partnertrack.review import machine
from partnertrack.review.machine import ReviewState
from partnertrack.review.models import REVIEW_TEXT_MAX, Review
from partnertrack.summaries.versions import touch

CHANGED_MEANWHILE = "The review changed while you were looking at it. Please check it again."


def review_of(partnership: Partnership) -> Review | None:
    """The partnership's review (open, closed or completed), read fresh from the database."""
    return db.session.scalar(
        db.select(Review).where(Review.partnership_id == partnership.id).execution_options(populate_existing=True)
    )


def state_of(partnership: Partnership, review: Review | None) -> ReviewState:
    """What the rules need: the status, who agreed, who has written both notes."""
    if review is None or review.status != "open":
        return ReviewState(partnership.status)
    return ReviewState(
        partnership.status,
        agreed=frozenset(r for r in ROLES if review.agreed(r)),
        notes_done=frozenset(r for r in ROLES if all(review.notes_of(r))),
    )


def _fresh(partnership: Partnership) -> Review | None:
    """Lock the partnership's row, then re-read it and its review, so the rules judge the latest state.

    Every step takes this one lock before it writes anything. Without it "agree" wrote the
    review and then the partnership while "close" wrote them the other way round: each
    held one row and waited for the other's, and PostgreSQL failed one of them (a
    deadlock). Now the second step waits for the first to commit and then sees its
    result. SQLite locks the whole database for a write and ignores FOR UPDATE.
    """
    db.session.execute(db.select(Partnership.id).where(Partnership.id == partnership.id).with_for_update())
    touch([partnership.id])  # a review step changes what the pages show (refused steps roll it back)
    db.session.refresh(partnership)
    return review_of(partnership)


def _guarded_update(model, conditions: tuple, values: dict, refusal: str = CHANGED_MEANWHILE) -> None:
    """UPDATE one row only while ``conditions`` still hold; roll back and refuse otherwise.

    Every review step goes through this: the condition is checked by the database in
    the same statement, so two people clicking at once cannot both succeed.
    """
    done = db.session.execute(db.update(model).where(*conditions).values(values))
    if done.rowcount != 1:
        raise Refused(refusal)


def _set_status(partnership: Partnership, old: str, new: str) -> None:
    """partnership.status old -> new, only if it still is ``old``; Refused otherwise."""
    _guarded_update(Partnership, (Partnership.id == partnership.id, Partnership.status == old), {"status": new})


def open_review(partnership: Partnership, role: str, user: User | None) -> Review:
    """Open the review (or reopen a closed one, keeping its notes); the partnership becomes ending."""
    review = _fresh(partnership)
    machine.open_review(state_of(partnership, review))
    _set_status(partnership, "active", "ending")
    if review is None:
        review = Review(partnership_id=partnership.id)
        db.session.add(review)
    review.status, review.opened_by, review.opened_at = "open", role, utcnow()
    review.opened_by_user_id = user.id if user else None
    review.closed_at = review.closed_by = review.completed_at = None
    review.patient_agreed_at = review.therapist_agreed_at = None
    db.session.flush()
    return review


def clean(text: str | None, what: str) -> str:
    """One note of the review, trimmed; Refused when empty or over the limit."""
    text = (text or "").strip()
    if not text:
        raise Refused(f"Please write {what}.")
    if len(text) > REVIEW_TEXT_MAX:
        raise Refused(f"Please keep {what} to {REVIEW_TEXT_MAX:,} characters or fewer (it has {len(text):,}).")
    return text


def save_notes(partnership: Partnership, role: str, progress: str, left_undone: str) -> None:
    """Store ``role``'s "progress made" and "left undone" (cleaned by the form)."""
    review = _fresh(partnership)
    machine.save_notes(state_of(partnership, review), role)
    agreed = getattr(Review, f"{role}_agreed_at")
    _guarded_update(
        Review,
        (Review.id == review.id, Review.status == "open", agreed.is_(None)),
        {f"{role}_progress": progress, f"{role}_left_undone": left_undone, "updated_at": utcnow()},
    )
    db.session.flush()


def agree(partnership: Partnership, role: str) -> bool:
    """Record ``role``'s agreement to end; True when that made the partnership ended."""
    review = _fresh(partnership)
    machine.agree(state_of(partnership, review), role)
    column = getattr(Review, f"{role}_agreed_at")
    _guarded_update(
        Review,
        (Review.id == review.id, Review.status == "open", column.is_(None)),
        {f"{role}_agreed_at": utcnow()},
        "You have already agreed to end.",
    )
    db.session.refresh(review)  # the partner may have agreed a moment ago
    ended = review.agreed(Role.PATIENT) and review.agreed(Role.THERAPIST)
    if ended:
        _set_status(partnership, "ending", "ended")
        review.status, review.completed_at = "completed", utcnow()
    db.session.flush()
    return ended


def withdraw(partnership: Partnership, role: str) -> None:
    """Take back ``role``'s agreement while the review is still open."""
    review = _fresh(partnership)
    machine.withdraw(state_of(partnership, review), role)
    column = getattr(Review, f"{role}_agreed_at")
    _guarded_update(
        Review, (Review.id == review.id, Review.status == "open", column.is_not(None)), {f"{role}_agreed_at": None}
    )
    db.session.flush()


def close_review(partnership: Partnership, role: str) -> None:
    """Close the open review: back to active, both agreements lapse, the notes stay."""
    review = _fresh(partnership)
    machine.close_review(state_of(partnership, review))
    _set_status(partnership, "ending", "active")
    _guarded_update(
        Review,
        (Review.id == review.id, Review.status == "open"),
        {
            "status": "closed",
            "closed_by": role,
            "closed_at": utcnow(),
            "patient_agreed_at": None,
            "therapist_agreed_at": None,
        },
    )
    db.session.flush()
