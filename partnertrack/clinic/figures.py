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

from partnertrack.clinic.attunement import Attunement, combined, of_partnership
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
    if case.open_concerns:
        return True
    signals = case.signals
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
    bands = [0] * len(ALLIANCE_BANDS)
    ruptures = [r for c in cases if c.signals is not None for r in c.signals.ruptures]
    for case in cases:
        latest = latest_client_index(case.ratings) if case.is_open else None
        if latest is not None:
            bands[band_of(latest)] += 1
    ended = [c for c in cases if c.status == "ended"]
    return Figures(
        caseload=sum(c.is_open for c in cases),
        sessions_due=sum(c.sessions_due for c in cases),
        rated_by_patient=sum(c.rated_by_patient for c in cases),
        rated_by_therapist=sum(c.rated_by_therapist for c in cases),
        open_concerns=sum(c.open_concerns for c in cases),
        needing_attention=sum(needs_attention(c) for c in cases),
        alliance_bands=tuple(bands),
        ruptures_detected=len(ruptures),
        ruptures_repaired=sum(not r.is_open for r in ruptures),
        repair_sessions=tuple(sorted(r.sessions_to_repair for r in ruptures if r.sessions_to_repair is not None)),
        planned_endings=sum(not c.closed_by_patient for c in ended),
        unplanned_endings=sum(c.closed_by_patient for c in ended),
        attunement=combined(
            c.attunement or of_partnership(c.ratings, c.signals.ruptures if c.signals else None) for c in cases
        ),
    )
