"""The alliance chart's sentences for one reader: the index per party and the ruptures (pure).

Kept apart from alliance_data.py, which shapes what is drawn: this module only words it.
"""

from __future__ import annotations

from collections.abc import Sequence

from partnertrack.core.phrase import N_, P_, Phrase
from partnertrack.core.roles import Role
from partnertrack.insights.chart_model import Mark, Series
from partnertrack.insights.signals import Rupture
from partnertrack.insights.wording import listing, party

# The note cells of the alliance table, one message each (translated when shown: core/phrase.py).
_NOTES = {
    ("rupture", "patient"): N_("possible rupture, patient"),
    ("rupture", "therapist"): N_("possible rupture, therapist"),
    ("rupture (strong)", "patient"): N_("possible rupture (strong), patient"),
    ("rupture (strong)", "therapist"): N_("possible rupture (strong), therapist"),
    ("repair", "patient"): N_("repaired, patient"),
    ("repair", "therapist"): N_("repaired, therapist"),
}


def notes(marks: Sequence[Mark], session: int, reworded: int | None = None) -> str:
    """The table's note cell: ruptures and repairs of one session, and the rewording."""
    found = [Phrase("first rated with the reworded statements")] if session == reworded else []
    for m in marks:
        if m.session_number == session:
            kind = ("rupture (strong)" if m.strong else "rupture") if m.kind == "rupture" else "repair"
            found.append(Phrase(_NOTES[(kind, m.role)]))
    joined = "; ".join(f"%(n{i})s" for i in range(len(found)))
    return Phrase(joined, **{f"n{i}": note for i, note in enumerate(found)}) if found else ""


def index_phrase(series: Series, viewer_role: str | None, capital: bool = False) -> str:
    """ "your alliance index rose from 6.2 to 8.4 over 12 sessions"."""
    whose = party(series.role or Role.PATIENT, viewer_role, whose=True, capital=capital)
    (first_n, first), (_, last) = series.points[0], series.points[-1]
    values = {"whose": whose, "first": f"{first:.1f}", "last": f"{last:.1f}", "num": len(series.points)}
    if len(series.points) == 1:
        return Phrase("%(whose)s alliance index was %(first)s in session %(number)s", number=first_n, **values)
    if last > first:
        return P_(
            "%(whose)s alliance index rose from %(first)s to %(last)s over %(num)d session",
            "%(whose)s alliance index rose from %(first)s to %(last)s over %(num)d sessions",
            **values,
        )
    if last < first:
        return P_(
            "%(whose)s alliance index fell from %(first)s to %(last)s over %(num)d session",
            "%(whose)s alliance index fell from %(first)s to %(last)s over %(num)d sessions",
            **values,
        )
    return P_(
        "%(whose)s alliance index stayed at %(first)s over %(num)d session",
        "%(whose)s alliance index stayed at %(first)s over %(num)d sessions",
        **values,
    )


def rupture_phrase(ruptures: Sequence[Rupture], viewer_role: str | None) -> str:
    """ "one possible rupture, at session 8 in your ratings, was repaired by session 10"."""
    if not ruptures:
        return Phrase("no possible ruptures")
    if len(ruptures) == 1:
        return _one_rupture(ruptures[0], viewer_role)
    numbers = sorted({r.session_number for r in ruptures})
    repaired = sum(r.repaired_at is not None for r in ruptures)
    values = {"count": len(ruptures), "sessions": listing(numbers), "repaired": repaired}
    if repaired == len(ruptures):
        if len(numbers) == 1:
            return Phrase("%(count)s possible ruptures (at session %(sessions)s), all repaired", **values)
        return Phrase("%(count)s possible ruptures (at sessions %(sessions)s), all repaired", **values)
    if len(numbers) == 1:
        return Phrase("%(count)s possible ruptures (at session %(sessions)s), %(repaired)s repaired", **values)
    return Phrase("%(count)s possible ruptures (at sessions %(sessions)s), %(repaired)s repaired", **values)


def _one_rupture(r: Rupture, viewer_role: str | None) -> str:
    """ "one possible rupture, at session 8 in your client's ratings, is not yet repaired"."""
    whose = party(r.party, viewer_role, whose=True)
    if r.repaired_at is not None:
        return Phrase(
            "one possible rupture, at session %(number)s in %(whose)s ratings, was repaired by session %(repaired)s",
            number=r.session_number,
            whose=whose,
            repaired=r.repaired_at,
        )
    return Phrase(
        "one possible rupture, at session %(number)s in %(whose)s ratings, is not yet repaired",
        number=r.session_number,
        whose=whose,
    )
