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


def _first_and_latest(timeline: list[SessionView]) -> dict[tuple[str, str | None], list]:
    """(party, key) -> [first, latest, count] of the visible values, in one pass over the timeline.

    ``key`` None is the alliance index. One pass, not one per factor and party: fourteen walks
    over fifty sessions were a tenth of the partnership page.
    """
    found: dict[tuple[str, str | None], list] = {}
    keys = [None] + [f.key for f in FACTORS]
    for v in timeline:
        for rating in v.visible:
            for key in keys:
                value = rating.alliance_index if key is None else rating.scores.get(key)
                if value is None:
                    continue
                seen = found.setdefault((rating.rater, key), [value, value, 0])
                seen[1] = value
                seen[2] += 1
    return found


def trend_table(timeline: list[SessionView], viewer_role: str | None = None) -> list[TrendRow]:
    """The alliance index and each factor: first against latest, for both parties.

    The index's row is named as the alliance chart is for ``viewer_role``: "How the sessions
    felt overall" for the patient, who never reads of an index (docs/clinical.md, "Words").
    """
    found = _first_and_latest(timeline)
    none = (None, None, 0)
    rows = []
    for name, key in [(labels_for(viewer_role).title, None)] + [(f.name, f.key) for f in FACTORS]:
        seen = {role: found.get((role, key), none) for role in ROLES}
        rows.append(
            TrendRow(
                name=name,
                first={r: s[0] for r, s in seen.items()},
                latest={r: s[1] for r, s in seen.items()},
                count={r: s[2] for r, s in seen.items()},
            )
        )
    return rows
