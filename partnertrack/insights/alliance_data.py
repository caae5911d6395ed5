"""What the alliance chart draws: each party's index, the gap between them, ruptures and repairs (pure).

Its sentences are worded by alliance_words.py; the other charts' data is chart_data.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from partnertrack.core.phrase import N_, Phrase
from partnertrack.core.roles import ROLES, Role
from partnertrack.insights.alliance_words import index_phrase, labels_for, notes, patient_summary, rupture_phrase
from partnertrack.insights.chart_model import ChartData, Mark, Series, cell, empty_chart
from partnertrack.insights.signals import RatingData, Rupture, by_party, index_of
from partnertrack.insights.wording import capitalise
from partnertrack.ratings.factors import first_session_reworded


def alliance(
    ratings: Iterable[RatingData], ruptures: Sequence[Rupture], *, viewer_role: str | None = None
) -> ChartData:
    """Alliance index per party, the gap between them shaded, ruptures and repairs marked.

    Titled, labelled and summarised for ``viewer_role`` (alliance_words.py): the patient's
    chart speaks of how sessions felt and of dips, and marks no dip larger than another.
    """
    parties = by_party(ratings)
    labels = labels_for(viewer_role)
    series = tuple(
        Series(
            capitalise(role),
            tuple((r.session_number, i) for r in parties[role] if (i := index_of(r)) is not None),
            role,
        )
        for role in ROLES
    )
    columns = ("Session", N_("Patient"), N_("Therapist"), N_("Gap (therapist − patient)"), N_("Note"))
    if not any(s.points for s in series):
        return empty_chart("alliance", labels.title, columns)
    value_at = {s.role: dict(s.points) for s in series}
    marks = tuple(_marks(ruptures, value_at, graded=viewer_role != Role.PATIENT))
    reworded = first_session_reworded(sorted({(r.session_number, r.session_date) for p in parties.values() for r in p}))
    return ChartData(
        "alliance",
        labels.title,
        _summary(series, ruptures, reworded, viewer_role),
        columns,
        _rows(value_at, marks, reworded, viewer_role),
        False,
        series=series,
        marks=marks,
        band=_band(value_at),
        y_label=labels.y_label,
        vline=None if reworded is None else reworded - 0.5,
        vline_label=N_("Statements reworded"),
        mark_words=labels.marks,
    )


def _band(value_at: dict[str, dict[int, float]]) -> tuple[tuple[int, float, float], ...]:
    """(session, patient, therapist) for each session both rated: the shaded gap."""
    patient, therapist = value_at[Role.PATIENT], value_at[Role.THERAPIST]
    return tuple((n, patient[n], therapist[n]) for n in sorted(set(patient) & set(therapist)))


def _rows(
    value_at: dict[str, dict[int, float]], marks: Sequence[Mark], reworded: int | None, viewer_role: str | None
) -> tuple[tuple, ...]:
    """One table row per session either party rated: both indices, their gap and the notes."""
    patient, therapist = value_at[Role.PATIENT], value_at[Role.THERAPIST]
    return tuple(
        (n, *_cells(patient.get(n), therapist.get(n)), notes(marks, n, reworded, viewer_role))
        for n in sorted(set(patient) | set(therapist))
    )


def _summary(
    series: Sequence[Series], ruptures: Sequence[Rupture], reworded: int | None, viewer_role: str | None
) -> str:
    """Each party's index over the sessions, then the ruptures and the rewording, as one sentence."""
    if viewer_role == Role.PATIENT:
        return patient_summary(series, ruptures, reworded)
    parts = [index_phrase(s, viewer_role, capital=i == 0) for i, s in enumerate(s for s in series if s.points)]
    parts.append(rupture_phrase(ruptures, viewer_role))
    if reworded:
        parts.append(Phrase("the statements were reworded from session %(number)s", number=reworded))
    template = "; ".join(f"%(s{i})s" for i in range(len(parts))) + "."
    return Phrase(template, **{f"s{i}": p for i, p in enumerate(parts)})


def _cells(patient: float | None, therapist: float | None) -> tuple:
    """Patient, therapist and gap cells of one alliance-table row."""
    gap = None if patient is None or therapist is None else therapist - patient
    return cell(patient), cell(therapist), cell(gap)


def _marks(ruptures: Sequence[Rupture], value_at: dict[str, dict[int, float]], graded: bool) -> Iterable[Mark]:
    """A mark per rupture and per repair, placed on that party's line (a strong one larger, if ``graded``)."""
    for r in ruptures:
        yield Mark("rupture", r.party, r.session_number, r.index, r.strong and graded)
        if r.repaired_at is not None and r.repaired_at in value_at[r.party]:
            yield Mark("repair", r.party, r.repaired_at, value_at[r.party][r.repaired_at])
