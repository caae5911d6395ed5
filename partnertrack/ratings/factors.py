"""The six elements of the therapy partnership: the one place that defines them.

Every form, chart, export and test reads this module. The statements are our own
wording; the Session Rating Scale, Outcome Rating Scale and Working Alliance
Inventory are copyrighted and their licences forbid copies and modified versions.
"""

from __future__ import annotations

from dataclasses import dataclass

from partnertrack.core.roles import Role

SCORE_MIN = 0
SCORE_MAX = 10


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
        name="Mutuality",
        meaning="Equal partners with different roles; neither director nor passive recipient.",
        patient_statement="Today my therapist and I worked as equals, each bringing our own part.",
        therapist_statement="Today my client and I worked as equals, each bringing our own part.",
    ),
    Factor(
        key="collaboration",
        name="Collaboration",
        meaning="Goals set together and changed as therapy evolves.",
        patient_statement="We decided together what to work on and how.",
        therapist_statement="My client and I decided together what to work on and how.",
    ),
    Factor(
        key="responsiveness",
        name="Responsiveness",
        meaning="The patient is met as a unique person; therapy is not formulaic.",
        patient_statement="My therapist fitted the session to me, not to a routine.",
        therapist_statement="I fitted the session to this client, not to a routine.",
    ),
    Factor(
        key="feedback",
        name="Feedback",
        meaning="Both parties say how therapy and the relationship are going, and use it.",
        patient_statement="I could say how therapy is going for me, and it was taken up.",
        therapist_statement="I asked how therapy is going, and used what my client said.",
    ),
    Factor(
        key="rupture_repair",
        name="Rupture repair",
        meaning="When the relationship runs into trouble, both acknowledge it and try to fix it.",
        patient_statement="When something felt off between us, we talked about it and set it right.",
        therapist_statement="When something felt off between us, I raised it and we set it right.",
        allows_not_applicable=True,
    ),
    Factor(
        key="termination_readiness",
        name="Termination readiness",
        meaning="Ending is decided by open discussion and mutual agreement.",
        patient_statement="I feel we could talk openly about when and how to end therapy.",
        therapist_statement="My client and I could talk openly about when and how to end therapy.",
        in_alliance_index=False,
    ),
)

FACTOR_KEYS: tuple[str, ...] = tuple(f.key for f in FACTORS)
INDEX_KEYS: tuple[str, ...] = tuple(f.key for f in FACTORS if f.in_alliance_index)
BY_KEY: dict[str, Factor] = {f.key: f for f in FACTORS}
NOT_APPLICABLE_LABEL = "Nothing felt off this session"
# The rupture question has one set of exclusive answers: nothing felt off (no score), something
# felt off and was talked through (then the rupture-repair score), or a concern to raise.
RUPTURE_QUESTION = "Did anything feel off between us?"
RUPTURE_NONE, RUPTURE_REPAIRED, RUPTURE_RAISED = "none", "repaired", "raised"
RUPTURE_CHOICES: tuple[tuple[str, str], ...] = (
    (RUPTURE_NONE, NOT_APPLICABLE_LABEL),
    (RUPTURE_REPAIRED, "Something felt off; we talked it through"),
    (RUPTURE_RAISED, "Something felt off — raise a concern"),
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
