"""The six elements of the therapy partnership: the one place that defines them.

Every form, chart, export and test reads this module. The statements are our own
wording; the Session Rating Scale, Outcome Rating Scale and Working Alliance
Inventory are copyrighted and their licences forbid copies and modified versions.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from partnertrack.core.phrase import N_
from partnertrack.core.roles import Role

SCORE_MIN = 0
SCORE_MAX = 10
# The statements were reworded (version 2) so that each asks one thing and both roles rate the
# same act (docs/clinical.md, "The statements"). Ratings keep their values; a session dated on or
# after ITEMS_CHANGED_ON was rated with version 2, and charts mark the first such session.
ITEMS_VERSION = 2
ITEMS_CHANGED_ON = datetime.date(2026, 12, 2)


@dataclass(frozen=True)
class Factor:
    """One element of the partnership, with one statement per rating role."""

    key: str
    name: str
    meaning: str
    patient_statement: str
    therapist_statement: str
    allows_not_applicable: bool = False
    in_alliance_index: bool = True

    def statement_for(self, role: str) -> str:
        """The statement worded for ``role`` ("patient" or "therapist")."""
        if role == Role.PATIENT:
            return self.patient_statement
        if role == Role.THERAPIST:
            return self.therapist_statement
        raise ValueError(f"unknown role {role!r}")


FACTORS: tuple[Factor, ...] = (
    Factor(
        key="mutuality",
        name=N_("Mutuality"),
        meaning="Equal partners with different roles; neither director nor passive recipient.",
        patient_statement=N_("My therapist heard and respected me as an equal."),
        therapist_statement=N_("I heard and respected my client as an equal."),
    ),
    Factor(
        key="collaboration",
        name=N_("Collaboration"),
        meaning="Goals set together and changed as therapy evolves.",
        patient_statement=N_("My therapist and I decided together what to work on."),
        therapist_statement=N_("My client and I decided together what to work on."),
    ),
    Factor(
        key="responsiveness",
        name=N_("Responsiveness"),
        meaning="The patient is met as a unique person; therapy is not formulaic.",
        patient_statement=N_("My therapist fitted the session to me, not to a routine."),
        therapist_statement=N_("I fitted the session to my client, not to a routine."),
    ),
    Factor(
        key="feedback",
        name=N_("Feedback"),
        meaning="Both parties say how therapy and the relationship are going, and use it.",
        patient_statement=N_("My therapist used what I said about how therapy is going."),
        therapist_statement=N_("I used what my client said about how therapy is going."),
    ),
    Factor(
        key="rupture_repair",
        name=N_("Rupture repair"),
        meaning="When the relationship runs into trouble, both acknowledge it and try to fix it.",
        patient_statement=N_("What felt off between my therapist and me feels settled now."),
        therapist_statement=N_("What felt off between my client and me feels settled now."),
        allows_not_applicable=True,
    ),
    Factor(
        key="termination_readiness",
        name=N_("Termination readiness"),
        meaning="Ending is decided by open discussion and mutual agreement.",
        patient_statement=N_("I could talk openly with my therapist about ending therapy."),
        therapist_statement=N_("I could talk openly with my client about ending therapy."),
        in_alliance_index=False,
    ),
)

FACTOR_KEYS: tuple[str, ...] = tuple(f.key for f in FACTORS)
INDEX_KEYS: tuple[str, ...] = tuple(f.key for f in FACTORS if f.in_alliance_index)
BY_KEY: dict[str, Factor] = {f.key: f for f in FACTORS}
NOT_APPLICABLE_LABEL = N_("Nothing felt off this session")
# The rupture question has one set of exclusive answers: nothing felt off (no score), something
# felt off and was talked through (then the rupture-repair score), or a concern to raise.
RUPTURE_QUESTION = N_("Did anything feel off between us?")
RUPTURE_NONE, RUPTURE_REPAIRED, RUPTURE_RAISED = "none", "repaired", "raised"
RUPTURE_CHOICES: tuple[tuple[str, str], ...] = (
    (RUPTURE_NONE, NOT_APPLICABLE_LABEL),
    (RUPTURE_REPAIRED, N_("Something felt off; we talked it through")),
    (RUPTURE_RAISED, N_("Something felt off — raise a concern")),
)


def alliance_index(scores: dict[str, int | None]) -> float | None:
    """Mean of the alliance factors that were rated, or None when none were.

    Termination readiness is left out: low readiness early in therapy is normal,
    not a weak alliance. A "nothing felt off" rupture-repair answer (None) is
    left out rather than counted as 0.
    """
    rated = [scores[k] for k in INDEX_KEYS if scores.get(k) is not None]
    if not rated:
        return None
    return sum(rated) / len(rated)


def items_version_on(session_date: datetime.date) -> int:
    """The version of the statements a session of ``session_date`` was rated with."""
    return ITEMS_VERSION if session_date >= ITEMS_CHANGED_ON else ITEMS_VERSION - 1


def first_session_reworded(sessions: list[tuple[int, datetime.date]]) -> int | None:
    """The number of the first (number, date) session rated with the new statements.

    None when every session is older (nothing to mark) or every one is newer (nothing
    was rated with the old wording, so no change to mark either).
    """
    ordered = sorted(sessions)
    newer = [n for n, day in ordered if items_version_on(day) == ITEMS_VERSION]
    if not newer or len(newer) == len(ordered):
        return None
    return newer[0]
