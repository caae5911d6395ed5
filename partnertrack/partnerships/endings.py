"""Endings without agreement (pure): the reasons either party may give, worded for each reader.

Most partnerships end through the ending review, by agreement. Some end without one: the client
stops coming, is referred on or moves; the therapist leaves. Either party may record such an
ending with its reason; both see it (docs/clinical.md, "Endings without agreement").
"""

from __future__ import annotations

from partnertrack.core.phrase import N_
from partnertrack.core.refusals import Refused
from partnertrack.core.roles import Role

END_REASONS: dict[str, str] = {
    "stopped_coming": N_("the client stopped coming"),
    "referred_on": N_("the client was referred on"),
    "moved": N_("the client moved away"),
    "therapist_left": N_("the therapist left"),
}
# The same reasons as the patient reads them.
PATIENT_WORDS: dict[str, str] = {
    "stopped_coming": N_("you stopped coming"),
    "referred_on": N_("you were referred on"),
    "moved": N_("you moved away"),
    "therapist_left": N_("your therapist left"),
}
UNKNOWN_REASON = N_("Please choose why the partnership is ending.")
ALREADY_ENDED = N_("This partnership has already ended.")
# One whole sentence per person who ended it, so a translation places the reason its own way.
ENDED_BY = {
    "you": N_("Ended by you without the ending review: %(reason)s."),
    "your therapist": N_("Ended by your therapist without the ending review: %(reason)s."),
    "your client": N_("Ended by your client without the ending review: %(reason)s."),
}


def check_can_end(status: str, reason: str | None) -> None:
    """Refuse an ending of an ended partnership, or one without a known reason."""
    if status == "ended":
        raise Refused(ALREADY_ENDED)
    if reason not in END_REASONS:
        raise Refused(UNKNOWN_REASON)


def ending_message(reason: str, ended_by: str, viewer_role: str) -> tuple[str, str]:
    """The untranslated sentence and reason for ``viewer_role``: the page translates both, then joins them."""
    others = {Role.THERAPIST: "your therapist", Role.PATIENT: "your client"}
    who = "you" if ended_by == viewer_role else others[Role(ended_by)]
    words = (PATIENT_WORDS if viewer_role == Role.PATIENT else END_REASONS)[reason]
    return ENDED_BY[who], words


def ending_sentence(reason: str, ended_by: str, viewer_role: str) -> str:
    """ "Ended by your therapist without the ending review: you moved away." for ``viewer_role``."""
    sentence, words = ending_message(reason, ended_by, viewer_role)
    return sentence % {"reason": words}
