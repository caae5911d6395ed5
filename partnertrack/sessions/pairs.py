"""Split pairs: one meeting rated under two dates, one session per party (pure Python).

Before sessions were shared appointments, whoever rated first made the session, on the date
the form showed; the other party, keeping another default date, made a second one. Such a
pair is two one-sided sessions a few days apart: one rated only by the patient, one only by
the therapist. They are found here and merged only when the therapist confirms.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date

from partnertrack.core.refusals import N_, Phrase
from partnertrack.core.roles import Role
from partnertrack.ratings.reveal import SessionView

# Less than a week, so weekly sessions are never paired with the next week's.
SPLIT_DAYS = 6


@dataclass(frozen=True)
class SplitPair:
    """A session rated only by the patient and one rated only by the therapist, ``days_apart`` apart."""

    patient_side: SessionView
    therapist_side: SessionView

    @property
    def days_apart(self) -> int:
        """Days between the two dates."""
        return abs((self.patient_side.date - self.therapist_side.date).days)

    @property
    def sides(self) -> tuple[SessionView, SessionView]:
        """The two sessions in date order."""
        return tuple(sorted((self.patient_side, self.therapist_side), key=lambda v: v.date))


def _only(view: SessionView, role: str) -> bool:
    """True when ``role`` alone has rated the session."""
    return view.rated_by == frozenset({role})


def pair_key(first_id: int | None, second_id: int | None) -> tuple[int | None, int | None]:
    """Two session ids in one order, so a pair is the same whichever way round it was named."""
    return (first_id, second_id) if (first_id or 0) <= (second_id or 0) else (second_id, first_id)


def split_pairs(
    timeline: Sequence[SessionView], days: int = SPLIT_DAYS, kept_apart: AbstractSet[tuple[int, int]] = frozenset()
) -> list[SplitPair]:
    """Every likely split pair, closest first; each session is in one pair at most.

    ``kept_apart`` holds the pairs (``pair_key`` of their session ids) the therapist said were
    two meetings: they are never suggested again.
    """
    patient_only = [v for v in timeline if _only(v, Role.PATIENT)]
    therapist_only = [v for v in timeline if _only(v, Role.THERAPIST)]
    candidates = sorted(
        (
            SplitPair(p, t)
            for p in patient_only
            for t in therapist_only
            if abs((p.date - t.date).days) <= days and pair_key(p.session_id, t.session_id) not in kept_apart
        ),
        key=lambda pair: (pair.days_apart, min(pair.patient_side.date, pair.therapist_side.date)),
    )
    used: set[date] = set()
    pairs = []
    for pair in candidates:
        dates = {pair.patient_side.date, pair.therapist_side.date}
        if used.isdisjoint(dates):
            used |= dates
            pairs.append(pair)
    return sorted(pairs, key=lambda pair: pair.sides[0].date)


# Sessions both rated by the same party, one sentence per case (the raters are sorted, joined by "and").
BOTH_RATED = {
    "patient": N_(
        "Both sessions have a rating by the patient, so they are two meetings, not one: "
        "they cannot be merged without losing a rating."
    ),
    "therapist": N_(
        "Both sessions have a rating by the therapist, so they are two meetings, not one: "
        "they cannot be merged without losing a rating."
    ),
    "patient and therapist": N_(
        "Both sessions have a rating by the patient and therapist, so they are two meetings, not one: "
        "they cannot be merged without losing a rating."
    ),
}


def merge_problem(
    keep: tuple[date, Iterable[str]], other: tuple[date, Iterable[str]], days: int = SPLIT_DAYS
) -> str | None:
    """Why the session ``other`` (date, raters) cannot be merged into ``keep``; None when it can."""
    (keep_day, keep_raters), (other_day, other_raters) = keep, other
    if keep_day == other_day:
        return N_("Please choose two different sessions to merge.")
    both = set(keep_raters) & set(other_raters)
    if both:
        return BOTH_RATED[" and ".join(sorted(both))]
    if not set(other_raters):
        return N_("The session to merge has no rating to move.")
    if abs((keep_day - other_day).days) > days:
        apart = abs((keep_day - other_day).days)
        return Phrase(
            N_("Only sessions at most %(days)s days apart can be merged: these are %(apart)s."), days=days, apart=apart
        )
    return None
