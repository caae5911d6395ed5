"""The two parties of a partnership, and how one names the other (pure).

Role values are the strings stored in the database, so ``Role.PATIENT == "patient"``.
``party_words`` is the one wording of "who is this person to the viewer", used by the
signal sentences, the chart summaries and (as a template global) every page.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """A party of a partnership."""

    PATIENT = "patient"
    THERAPIST = "therapist"

    @property
    def other(self) -> Role:
        """The partner's role."""
        return Role.THERAPIST if self is Role.PATIENT else Role.PATIENT


# Patient first: the order of every table and chart legend.
ROLES: tuple[Role, ...] = (Role.PATIENT, Role.THERAPIST)
_OTHER = {Role.PATIENT: "your therapist", Role.THERAPIST: "your client"}


def other_role(role: str) -> Role:
    """The partner's role of ``role``."""
    return Role(role).other


def party_words(party: str, viewer_role: str | None, patient_name: str | None = None) -> tuple[str, str]:
    """(who, whose) for ``party`` as ``viewer_role`` reads it, e.g. ("you", "your").

    The patient reads of "your therapist"; the therapist reads of the patient by name when
    ``patient_name`` is given (pages), else "your client" (signal sentences). ``viewer_role``
    None (an export, a third reader) gives "the patient"/"the therapist". Pages set the
    apostrophe typographically (core/filters.py); the words are the same.
    """
    if party not in ROLES:
        raise ValueError(f"unknown party {party!r}")
    if viewer_role is None:
        who = f"the {party}"
    elif viewer_role not in ROLES:
        raise ValueError(f"unknown viewer role {viewer_role!r}")
    elif viewer_role == party:
        return "you", "your"
    elif viewer_role == Role.THERAPIST and patient_name:
        who = patient_name
    else:
        who = _OTHER[Role(viewer_role)]
    return who, who + "'s"
