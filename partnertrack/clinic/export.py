"""The clinic's de-identified CSV export: one row per revealed rating, no names, shifted dates (pure).

Columns (docs/clinic.md): ``partnership`` and ``therapist`` are pseudonymous ids; the date is
shifted by the partnership's own number of days (clinic/deidentify.py); the scores, the alliance
index and the signals of that rating follow. No comment, concern, goal or name is ever
written: the export is for quality improvement and research, not for finding people.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from partnertrack.clinic.deidentify import pseudonym, shift_days, shifted
from partnertrack.clinic.figures import Case
from partnertrack.insights.signals import index_of
from partnertrack.ratings.factors import FACTOR_KEYS

HEADER = (
    "partnership",
    "therapist",
    "partnership_status",
    "session_number",
    "session_date_shifted",
    "rater",
    *FACTOR_KEYS,
    "alliance_index",
    "possible_rupture",
    "strong_rupture",
    "sessions_to_repair",
)


def _blank(value) -> str:
    """A cell: empty for None."""
    return "" if value is None else str(value)


def rows_of(case: Case, key: bytes, clinic_id: int) -> Iterable[list[str]]:
    """The export rows of one partnership, session by session, patient first."""
    ruptures = {(r.party, r.session_number): r for r in (case.signals.ruptures if case.signals else ())}
    shift = shift_days(key, clinic_id, case.partnership_id)
    ids = [pseudonym(key, clinic_id, "P", case.partnership_id), pseudonym(key, clinic_id, "T", case.therapist_id)]
    for rating in sorted(case.ratings, key=lambda r: (r.session_number, r.rater != "patient")):
        rupture = ruptures.get((rating.rater, rating.session_number))
        index = index_of(rating)
        yield [
            *ids,
            case.status,
            str(rating.session_number),
            shifted(rating.session_date, shift).isoformat(),
            rating.rater,
            *(_blank(rating.scores.get(k)) for k in FACTOR_KEYS),
            "" if index is None else f"{index:.2f}",
            "1" if rupture else "0",
            "1" if rupture and rupture.strong else "0",
            _blank(rupture.sessions_to_repair if rupture else None),
        ]


def to_csv(cases: Sequence[Case], key: bytes, clinic_id: int) -> str:
    """The whole export as CSV text, partnerships in a pseudonymous (not id) order."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    ordered = sorted(cases, key=lambda c: pseudonym(key, clinic_id, "P", c.partnership_id))
    for case in ordered:
        writer.writerows(rows_of(case, key, clinic_id))
    return out.getvalue()
