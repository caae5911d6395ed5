"""Endings without agreement (pure): the reasons either party may give, worded for each reader.

Most partnerships end through the ending review, by agreement. Some end without one: the client
stops coming, is referred on or moves; the therapist leaves. Either party may record such an
ending with its reason; both see it (docs/clinical.md, "Endings without agreement").
"""

from __future__ import annotations

from partnertrack.core.refusals import Refused
from partnertrack.core.roles import Role

END_REASONS: dict[str, str] = {
    "stopped_coming": "the client stopped coming",
    "referred_on": "the client was referred on",
    "moved": "the client moved away",
    "therapist_left": "the therapist left",
}
# The same reasons as the patient reads them.
PATIENT_WORDS: dict[str, str] = {
    "stopped_coming": "you stopped coming",
    "referred_on": "you were referred on",
    "moved": "you moved away",
    "therapist_left": "your therapist left",
}
UNKNOWN_REASON = "Please choose why the partnership is ending."


def check_can_end(status: str, reason: str | None) -> None:
    """Refuse an ending of an ended partnership, or one without a known reason."""
    if status == "ended":
        raise Refused("This partnership has already ended.")
    if reason not in END_REASONS:
        raise Refused(UNKNOWN_REASON)


def ending_sentence(reason: str, ended_by: str, viewer_role: str) -> str:
    """ "Ended by your therapist without the ending review: you moved away." for ``viewer_role``."""
    others = {Role.THERAPIST: "your therapist", Role.PATIENT: "your client"}
    who = "you" if ended_by == viewer_role else others[Role(ended_by)]
    words = (PATIENT_WORDS if viewer_role == Role.PATIENT else END_REASONS)[reason]
    return f"Ended by {who} without the ending review: {words}."
