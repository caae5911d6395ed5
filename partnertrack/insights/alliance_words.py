"""The alliance chart's words for one reader: its title and labels, the summary, the table's notes (pure).

Kept apart from alliance_data.py, which shapes what is drawn: this module only words it. The
therapist reads the clinical terms, "alliance index" and "possible rupture". The patient reads
plain words about how sessions felt, "a dip in how session 5 felt to you", and never an index,
a rupture or a grade of one (docs/clinical.md, "Words").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from partnertrack.core.phrase import N_, NP_, P_, Phrase, decimal
from partnertrack.core.roles import Role
from partnertrack.insights.chart_model import Mark, MarkWords, Series
from partnertrack.insights.signals import Rupture
from partnertrack.insights.wording import listing, party


@dataclass(frozen=True)
class Labels:
    """What the alliance chart is called and how its axis and marks are labelled, for one reader."""

    title: str
    y_label: str
    marks: MarkWords


THERAPIST_LABELS = Labels(N_("Alliance index"), N_("Alliance index (0–10)"), MarkWords())
PATIENT_LABELS = Labels(
    N_("How the sessions felt overall"),
    N_("How the session felt (0–10)"),
    # No grade: a patient's dip is a dip, whatever its size.
    MarkWords(N_("A dip"), N_("Felt better again"), N_("dip"), N_("dip"), N_("better again")),
)


def labels_for(viewer_role: str | None) -> Labels:
    """The patient's plain labels, or the clinical ones for the therapist (and any other reader)."""
    return PATIENT_LABELS if viewer_role == Role.PATIENT else THERAPIST_LABELS


# The note cells of the alliance table, one message each (translated when shown: core/phrase.py).
_NOTES = {
    ("rupture", "patient"): N_("possible rupture, patient"),
    ("rupture", "therapist"): N_("possible rupture, therapist"),
    ("rupture (strong)", "patient"): N_("possible rupture (strong), patient"),
    ("rupture (strong)", "therapist"): N_("possible rupture (strong), therapist"),
    ("repair", "patient"): N_("repaired, patient"),
    ("repair", "therapist"): N_("repaired, therapist"),
}
# The patient's: a dip and feeling better again, theirs or their therapist's.
_PATIENT_NOTES = {
    ("rupture", "patient"): N_("a dip for you"),
    ("rupture", "therapist"): N_("a dip for your therapist"),
    ("repair", "patient"): N_("better again for you"),
    ("repair", "therapist"): N_("better again for your therapist"),
}


def notes(marks: Sequence[Mark], session: int, reworded: int | None = None, viewer_role: str | None = None) -> str:
    """The table's note cell: ruptures and repairs of one session, and the rewording."""
    found = [Phrase("first rated with the reworded statements")] if session == reworded else []
    for m in marks:
        if m.session_number == session:
            found.append(Phrase(_note(m, viewer_role)))
    joined = "; ".join(f"%(n{i})s" for i in range(len(found)))
    return Phrase(joined, **{f"n{i}": note for i, note in enumerate(found)}) if found else ""


def _note(mark: Mark, viewer_role: str | None) -> str:
    """One mark's note: "possible rupture (strong), patient" for the therapist, "a dip for you" for the patient."""
    if viewer_role == Role.PATIENT:
        return _PATIENT_NOTES[(mark.kind, mark.role)]
    kind = ("rupture (strong)" if mark.strong else "rupture") if mark.kind == "rupture" else "repair"
    return _NOTES[(kind, mark.role)]


def index_phrase(series: Series, viewer_role: str | None, capital: bool = False) -> str:
    """ "your alliance index rose from 6.2 to 8.4 over 12 sessions"."""
    whose = party(series.role or Role.PATIENT, viewer_role, whose=True, capital=capital)
    (first_n, first), (_, last) = series.points[0], series.points[-1]
    values = {"whose": whose, "first": decimal(first), "last": decimal(last), "num": len(series.points)}
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


# How sessions felt to one party over the sessions they rated: the patient's summary of the chart.
_FELT = {
    (Role.PATIENT, "better"): NP_(
        "Sessions felt better to you over %(num)d session: from %(first)s to %(last)s out of 10.",
        "Sessions felt better to you over %(num)d sessions: from %(first)s to %(last)s out of 10.",
    ),
    (Role.PATIENT, "less good"): NP_(
        "Sessions felt less good to you over %(num)d session: from %(first)s to %(last)s out of 10.",
        "Sessions felt less good to you over %(num)d sessions: from %(first)s to %(last)s out of 10.",
    ),
    (Role.PATIENT, "the same"): NP_(
        "Sessions felt the same to you over %(num)d session: %(first)s out of 10.",
        "Sessions felt the same to you over %(num)d sessions: %(first)s out of 10.",
    ),
    (Role.THERAPIST, "better"): NP_(
        "Sessions felt better to your therapist over %(num)d session: from %(first)s to %(last)s out of 10.",
        "Sessions felt better to your therapist over %(num)d sessions: from %(first)s to %(last)s out of 10.",
    ),
    (Role.THERAPIST, "less good"): NP_(
        "Sessions felt less good to your therapist over %(num)d session: from %(first)s to %(last)s out of 10.",
        "Sessions felt less good to your therapist over %(num)d sessions: from %(first)s to %(last)s out of 10.",
    ),
    (Role.THERAPIST, "the same"): NP_(
        "Sessions felt the same to your therapist over %(num)d session: %(first)s out of 10.",
        "Sessions felt the same to your therapist over %(num)d sessions: %(first)s out of 10.",
    ),
}
_FELT_ONCE = {
    Role.PATIENT: N_("Session %(number)s felt %(first)s out of 10 to you."),
    Role.THERAPIST: N_("Session %(number)s felt %(first)s out of 10 to your therapist."),
}
# One sentence per dip: whose it was, and whether the sessions have felt better since.
_DIP = {
    (Role.PATIENT, False): N_("A dip in how session %(number)s felt to you, not yet better again."),
    (Role.PATIENT, True): N_(
        "A dip in how session %(number)s felt to you; it felt better again by session %(repaired)s."
    ),
    (Role.THERAPIST, False): N_("A dip in how session %(number)s felt to your therapist, not yet better again."),
    (Role.THERAPIST, True): N_(
        "A dip in how session %(number)s felt to your therapist; it felt better again by session %(repaired)s."
    ),
}


def patient_summary(series: Sequence[Series], ruptures: Sequence[Rupture], reworded: int | None) -> str:
    """The chart in the patient's words: how sessions felt to each of you, then each dip, one sentence each."""
    sentences = [_felt(s) for s in series if s.points]
    dips = sorted(ruptures, key=lambda r: (r.session_number, r.party))
    sentences.extend(
        Phrase(_DIP[(r.party, r.repaired_at is not None)], number=r.session_number, repaired=r.repaired_at)
        for r in dips
    )
    if not dips:
        sentences.append(Phrase("No dip in how the sessions felt."))
    if reworded:
        sentences.append(Phrase("The statements were reworded from session %(number)s.", number=reworded))
    template = " ".join(f"%(s{i})s" for i in range(len(sentences)))
    return Phrase(template, **{f"s{i}": p for i, p in enumerate(sentences)})


def _felt(series: Series) -> str:
    """ "Sessions felt better to you over 12 sessions: from 6.2 to 8.4 out of 10."."""
    role = Role(series.role or Role.PATIENT)
    (first_n, first), (_, last) = series.points[0], series.points[-1]
    values = {"first": decimal(first), "last": decimal(last)}
    if len(series.points) == 1:
        return Phrase(_FELT_ONCE[role], number=first_n, **values)
    direction = "better" if last > first else "less good" if last < first else "the same"
    return P_(*_FELT[(role, direction)], num=len(series.points), **values)
