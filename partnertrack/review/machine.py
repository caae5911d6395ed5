"""The ending review's rules (pure): which step is allowed from which state, and why not.

A partnership is invited -> active -> ending (review open) -> ended (both
agreed). Either party opens the review, writes their notes, and agrees; either
may withdraw agreement, or close the review and go back to active, until both
have agreed. Each function returns the partnership's next status or raises
Refused with a message to show as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from partnertrack.core.refusals import ENDED, N_, Refused


@dataclass(frozen=True)
class ReviewState:
    """What the rules need to know: the partnership status and each party's progress."""

    partnership_status: str
    agreed: frozenset[str] = frozenset()
    notes_done: frozenset[str] = frozenset()


def _must_be_ending(state: ReviewState, not_open: str) -> None:
    """Refuse unless the review is open (the partnership is "ending")."""
    if state.partnership_status == "ended":
        raise Refused(ENDED)
    if state.partnership_status != "ending":
        raise Refused(not_open)


def open_review(state: ReviewState) -> str:
    """Open the review: active -> ending."""
    if state.partnership_status == "ended":
        raise Refused(N_("This partnership has already ended."))
    if state.partnership_status == "ending":
        raise Refused(N_("The ending review is already open."))
    if state.partnership_status != "active":
        raise Refused(N_("The patient has not joined yet, so there is no partnership to review."))
    return "ending"


def save_notes(state: ReviewState, role: str) -> str:
    """Write or change one's notes: only while open, and not after agreeing."""
    _must_be_ending(state, "Open the ending review before writing your notes.")
    if role in state.agreed:
        raise Refused(N_("You have agreed to end, so your notes are fixed. Withdraw your agreement to change them."))
    return "ending"


def agree(state: ReviewState, role: str) -> str:
    """Agree to end; the partnership ends when the other party has agreed too."""
    _must_be_ending(state, "Open the ending review before agreeing to end.")
    if role in state.agreed:
        raise Refused(N_("You have already agreed to end."))
    if role not in state.notes_done:
        raise Refused(N_("Please write what progress was made and what was left undone before agreeing to end."))
    return "ended" if len(state.agreed | {role}) == 2 else "ending"


def withdraw(state: ReviewState, role: str) -> str:
    """Take back one's agreement while the other has not yet agreed too."""
    _must_be_ending(state, "There is no open ending review.")
    if role not in state.agreed:
        raise Refused(N_("You have not agreed to end, so there is no agreement to withdraw."))
    return "ending"


def close_review(state: ReviewState) -> str:
    """Close the review and go back to active; both agreements lapse."""
    if state.partnership_status == "ended":
        raise Refused(N_("This partnership has ended and cannot go back to active."))
    if state.partnership_status != "ending":
        raise Refused(N_("There is no open ending review to close."))
    return "active"
