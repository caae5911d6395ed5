"""The partnership page's trend table: first against latest, computed from what the viewer may see (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from partnertrack.core.roles import ROLES
from partnertrack.insights.alliance_words import labels_for
from partnertrack.ratings.factors import FACTORS
from partnertrack.ratings.reveal import SessionView


@dataclass(frozen=True)
class TrendRow:
    """First and latest visible value of one factor, per party."""

    name: str
    first: dict[str, float | None]
    latest: dict[str, float | None]
    count: dict[str, int]


def _series(timeline: list[SessionView], role: str, key: str | None) -> list[float]:
    """The visible values of ``key`` (None: the alliance index) by ``role``, in session order."""
    values = []
    for v in timeline:
        rating = next((r for r in v.visible if r.rater == role), None)
        if rating is None:
            continue
        value = rating.alliance_index if key is None else rating.scores.get(key)
        if value is not None:
            values.append(value)
    return values


def trend_table(timeline: list[SessionView], viewer_role: str | None = None) -> list[TrendRow]:
    """The alliance index and each factor: first against latest, for both parties.

    The index's row is named as the alliance chart is for ``viewer_role``: "How the sessions
    felt overall" for the patient, who never reads of an index (docs/clinical.md, "Words").
    """
    rows = []
    for name, key in [(labels_for(viewer_role).title, None)] + [(f.name, f.key) for f in FACTORS]:
        series = {role: _series(timeline, role, key) for role in ROLES}
        rows.append(
            TrendRow(
                name=name,
                first={r: (s[0] if s else None) for r, s in series.items()},
                latest={r: (s[-1] if s else None) for r, s in series.items()},
                count={r: len(s) for r, s in series.items()},
            )
        )
    return rows
