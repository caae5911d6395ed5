"""The supervisor's figures for a caseload or a whole clinic (pure).

Every figure is an aggregate: counts, shares, a distribution, a median. No client is named
here; the caller passes partnerships as plain data (``Case``) with only the ratings revealed
to both parties (the blind rule holds for a supervisor too). The rupture and signal rules are
``insights.signals``' own: this module counts what they find, it never restates them.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from partnertrack.clinic.attunement import Attunement, of_partnership
from partnertrack.core.roles import Role
from partnertrack.insights.signals import ALLIANCE, RatingData, Signals, index_of

OPEN_STATUSES = ("invited", "active", "ending")
# Client-rated alliance (latest index) in five bands of two points: a distribution, no names.
ALLIANCE_BANDS = ((0.0, 2.0), (2.0, 4.0), (4.0, 6.0), (6.0, 8.0), (8.0, 10.0))
# Forms owed by one partnership before it counts as needing attention (one late form is ordinary).
OWED_FOR_ATTENTION = 2


@dataclass(frozen=True)
class Case:
    """One partnership as the supervisor's figures read it (no name, no comment)."""

    partnership_id: int
    therapist_id: int
    status: str
    closed_by_patient: bool
    ratings: tuple[RatingData, ...]  # revealed ratings only
    sessions_due: int  # held sessions old enough for a form to be expected
    rated_by_patient: int  # of those, how many the patient rated
    rated_by_therapist: int
    open_concerns: int
    signals: Signals | None = None  # insights.signals.analyse over ``ratings``
    attunement: Attunement | None = None  # attunement.of_partnership, when already computed

    @property
    def is_open(self) -> bool:
        """Invited, active or ending: part of the current caseload."""
        return self.status in OPEN_STATUSES


@dataclass(frozen=True)
class CaseFacts:
    """What the figures read of one partnership, beside its state and open concerns.

    Kept with the partnership's stored summary (clinic/facts.py), so the clinic page reads
    one small row per partnership instead of every rating.
    """

    sessions_due: int = 0
    rated_by_patient: int = 0
    rated_by_therapist: int = 0
    signals_call: bool = False  # an open rupture, forms owed, or the client's alliance declining
    ruptures_detected: int = 0
    ruptures_repaired: int = 0
    repair_sessions: tuple[int, ...] = ()
    latest_client: float | None = None  # the client's latest revealed alliance index
    client_dips: int = 0  # the attunement figure's four sums (clinic/attunement.py)
    seen_by_therapist: int = 0
    lean_total: float = 0.0
    sessions_compared: int = 0


def facts_of(case: Case) -> CaseFacts:
    """The facts the figures read of one partnership given in full."""
    ruptures = case.signals.ruptures if case.signals else ()
    attunement = case.attunement or of_partnership(case.ratings, case.signals.ruptures if case.signals else None)
    return CaseFacts(
        sessions_due=case.sessions_due,
        rated_by_patient=case.rated_by_patient,
        rated_by_therapist=case.rated_by_therapist,
        signals_call=signals_call(case.signals),
        ruptures_detected=len(ruptures),
        ruptures_repaired=sum(not r.is_open for r in ruptures),
        repair_sessions=tuple(r.sessions_to_repair for r in ruptures if r.sessions_to_repair is not None),
        latest_client=latest_client_index(case.ratings),
        client_dips=attunement.client_dips,
        seen_by_therapist=attunement.seen_by_therapist,
        lean_total=attunement.lean_total,
        sessions_compared=attunement.sessions_compared,
    )


@dataclass(frozen=True)
class Figures:
    """Everything the supervisor's view shows for one caseload or the clinic."""

    caseload: int = 0
    sessions_due: int = 0
    rated_by_patient: int = 0
    rated_by_therapist: int = 0
    open_concerns: int = 0
    needing_attention: int = 0
    alliance_bands: tuple[int, ...] = (0, 0, 0, 0, 0)
    ruptures_detected: int = 0
    ruptures_repaired: int = 0
    repair_sessions: tuple[int, ...] = ()
    planned_endings: int = 0
    unplanned_endings: int = 0
    attunement: Attunement = field(default_factory=Attunement)

    @property
    def patient_share(self) -> float | None:
        """Share of due forms the clients completed."""
        return self.rated_by_patient / self.sessions_due if self.sessions_due else None

    @property
    def therapist_share(self) -> float | None:
        """Share of due forms the therapists completed."""
        return self.rated_by_therapist / self.sessions_due if self.sessions_due else None

    @property
    def median_sessions_to_repair(self) -> float | None:
        """Median number of sessions from a detected rupture to its repair."""
        return statistics.median(self.repair_sessions) if self.repair_sessions else None

    def __add__(self, other: Figures) -> Figures:
        """Two caseloads' figures together: counts add, the repair lengths join (the median stays exact)."""
        return Figures(
            *(getattr(self, name) + getattr(other, name) for name in _COUNTS),
            alliance_bands=tuple(a + b for a, b in zip(self.alliance_bands, other.alliance_bands, strict=True)),
            ruptures_detected=self.ruptures_detected + other.ruptures_detected,
            ruptures_repaired=self.ruptures_repaired + other.ruptures_repaired,
            repair_sessions=tuple(sorted(self.repair_sessions + other.repair_sessions)),
            planned_endings=self.planned_endings + other.planned_endings,
            unplanned_endings=self.unplanned_endings + other.unplanned_endings,
            attunement=self.attunement + other.attunement,
        )

    @property
    def bands(self) -> tuple[tuple[float, float], ...]:
        """The alliance bands' (low, high) edges, for pages that word them in the viewer's language."""
        return ALLIANCE_BANDS

    @property
    def band_labels(self) -> tuple[str, ...]:
        """The alliance bands in words."""
        return tuple(f"{low:g} to {high:g}" for low, high in ALLIANCE_BANDS)


# The leading count fields of Figures, in order (Figures.__add__).
_COUNTS = ("caseload", "sessions_due", "rated_by_patient", "rated_by_therapist", "open_concerns", "needing_attention")


def latest_client_index(ratings: Sequence[RatingData]) -> float | None:
    """The client's alliance index at their latest revealed rating."""
    own = sorted((r for r in ratings if r.rater == Role.PATIENT), key=lambda r: r.session_number)
    for rating in reversed(own):
        index = index_of(rating)
        if index is not None:
            return index
    return None


def band_of(index: float) -> int:
    """The band an index falls in (10 belongs to the top band)."""
    for position, (_low, high) in enumerate(ALLIANCE_BANDS):
        if index < high:
            return position
    return len(ALLIANCE_BANDS) - 1


def needs_attention(case: Case) -> bool:
    """An open partnership with an open rupture, an open concern, forms owed, or a declining client alliance."""
    if not case.is_open:
        return False
    return bool(case.open_concerns) or signals_call(case.signals)


def signals_call(signals: Signals | None) -> bool:
    """An open rupture, forms owed more than once, or the client's alliance declining."""
    if signals is None:
        return False
    declining = signals.trends.get(Role.PATIENT, {}).get(ALLIANCE)
    return bool(
        signals.open_ruptures
        or len(signals.forms_owed) >= OWED_FOR_ATTENTION
        or (declining is not None and declining.label == "declining")
    )


def summed(figures: Iterable[Figures]) -> Figures:
    """Many caseloads' figures as one (a clinic from its therapists', without computing twice)."""
    total = Figures()
    for figure in figures:
        total = total + figure
    return total


def figures_of(cases: Sequence[Case]) -> Figures:
    """The figures of a set of partnerships (one therapist's, or a clinic's)."""
    return figures_from([(c.status, c.closed_by_patient, c.open_concerns, facts_of(c)) for c in cases])


def figures_from(cases: Sequence[tuple[str, bool, int, CaseFacts]]) -> Figures:
    """The figures of partnerships given as (status, closed by the patient, open concerns, stored facts).

    Plain sums in one pass: adding 800 ``Figures`` one by one cost more than the clinic page's budget.
    """
    bands = [0] * len(ALLIANCE_BANDS)
    counts = dict.fromkeys(("caseload", "due", "by_patient", "by_therapist", "concerns", "attention"), 0)
    detected = repaired = planned = unplanned = 0
    repairs: list[int] = []
    dips = seen = compared = 0
    lean = 0.0
    for status, closed, concerns, facts in cases:
        is_open = status in OPEN_STATUSES
        counts["caseload"] += is_open
        counts["due"] += facts.sessions_due
        counts["by_patient"] += facts.rated_by_patient
        counts["by_therapist"] += facts.rated_by_therapist
        counts["concerns"] += concerns if is_open else 0  # an ended partnership asks nothing more of anyone
        counts["attention"] += attention_of(status, concerns, facts)
        if is_open and facts.latest_client is not None:
            bands[band_of(facts.latest_client)] += 1
        detected += facts.ruptures_detected
        repaired += facts.ruptures_repaired
        repairs.extend(facts.repair_sessions)
        planned += status == "ended" and not closed
        unplanned += status == "ended" and closed
        dips, seen = dips + facts.client_dips, seen + facts.seen_by_therapist
        lean, compared = lean + facts.lean_total, compared + facts.sessions_compared
    return Figures(
        *counts.values(),
        alliance_bands=tuple(bands),
        ruptures_detected=detected,
        ruptures_repaired=repaired,
        repair_sessions=tuple(sorted(repairs)),
        planned_endings=planned,
        unplanned_endings=unplanned,
        attunement=Attunement(dips, seen, lean, compared),
    )


def attention_of(status: str, open_concerns: int, facts: CaseFacts) -> bool:
    """``needs_attention`` from a partnership's stored facts: open, and a concern or a signal calling."""
    return status in OPEN_STATUSES and bool(open_concerns or facts.signals_call)
