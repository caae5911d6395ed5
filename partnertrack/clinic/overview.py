"""Loading a clinic's partnerships as the supervisor's figures read them, in a fixed number of queries.

The pages read each partnership's stored clinic facts (``summaries.service.clinic_facts_for``:
a few bytes per partnership, computed again only when its data version moved), the
partnerships and the open concerns counted per partnership: three statements, plus a load
and a write when any is stale, whatever the number of ratings. The de-identified export
still reads every revealed rating (``cases_of``): it writes them out one by one.
The figures themselves are computed by the pure ``clinic.figures``.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Sequence
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app

from partnertrack.clinic.attunement import Attunement, of_partnership
from partnertrack.clinic.figures import Case, CaseFacts, Figures, attention_of, figures_from, summed
from partnertrack.clinic.models import THERAPIST, ClinicMember
from partnertrack.core.clock import today
from partnertrack.core.roles import ROLES, Role
from partnertrack.extensions import db
from partnertrack.insights.service import thresholds
from partnertrack.insights.signals import RatingData, SessionStatus, Signals, analyse
from partnertrack.models import Partnership
from partnertrack.ratings.records import load_records
from partnertrack.ratings.reveal import SessionRecord, is_revealed
from partnertrack.ruptures.models import RuptureEntry
from partnertrack.summaries.models import PartnershipSummary
from partnertrack.summaries.service import clinic_facts_for, rules_fingerprint

_MEMO: OrderedDict[str, tuple[Signals, Attunement]] = OrderedDict()
_MEMO_SIZE = 8192


# Named tuples, not frozen dataclasses: a clinic page makes 1,600 of them, and a frozen
# dataclass's __init__ (object.__setattr__ per field) takes 2.5 µs against 1 µs: 2 ms a page.
class CaseRow(NamedTuple):
    """A partnership of the clinic: who holds it, its state (no name)."""

    id: int
    therapist_id: int
    status: str
    closed_by_patient: bool
    data_version: int = 0


class StoredCase(NamedTuple):
    """A partnership of the clinic with its open concerns and stored facts (no name, no rating)."""

    partnership_id: int
    therapist_id: int
    status: str
    closed_by_patient: bool
    open_concerns: int
    facts: CaseFacts

    @property
    def needs_attention(self) -> bool:
        """Open, with a concern or a signal calling (clinic.figures.attention_of)."""
        return attention_of(self.status, self.open_concerns, self.facts)

    @property
    def is_open(self) -> bool:
        """Invited, active or ending: part of the current caseload."""
        return self.status in ("invited", "active", "ending")

    @property
    def figure_input(self) -> tuple[str, bool, int, CaseFacts]:
        """What ``clinic.figures.figures_from`` sums."""
        return self.status, self.closed_by_patient, self.open_concerns, self.facts


def _partnerships_query(clinic_id: int, therapist_id: int | None = None):
    """The SELECT of the partnerships held by the clinic's active therapists (or by one of them)."""
    query = (
        sa.select(
            Partnership.id,
            Partnership.therapist_id,
            Partnership.status,
            Partnership.closed_by_patient,
            Partnership.data_version,
        )
        .join(ClinicMember, ClinicMember.user_id == Partnership.therapist_id)
        .where(ClinicMember.clinic_id == clinic_id, ClinicMember.active, ClinicMember.role == THERAPIST)
        .order_by(Partnership.id)
    )
    return query if therapist_id is None else query.where(Partnership.therapist_id == therapist_id)


def clinic_partnerships(clinic_id: int, therapist_id: int | None = None) -> list[CaseRow]:
    """The partnerships held by the clinic's active therapists (or by one of them), one query."""
    return [CaseRow(*row) for row in db.session.execute(_partnerships_query(clinic_id, therapist_id))]


def open_concerns(partnership_ids: Sequence[int]) -> dict[int, int]:
    """Concerns raised by hand and not yet repaired, counted per partnership (one grouped query)."""
    if not partnership_ids:
        return {}
    rows = db.session.execute(
        sa.select(RuptureEntry.partnership_id, sa.func.count())
        .where(
            RuptureEntry.partnership_id.in_(list(partnership_ids)),
            RuptureEntry.source == "concern",
            RuptureEntry.status != "repaired",
        )
        .group_by(RuptureEntry.partnership_id)
    )
    return dict(rows.all())


def revealed_ratings(records: Sequence[SessionRecord]) -> tuple[RatingData, ...]:
    """The ratings of sessions revealed to both parties, numbered as every page numbers them; no comments."""
    day, after = today(), current_app.config["REVEAL_AFTER_DAYS"]
    found = []
    for number, record in enumerate(sorted(records, key=lambda r: r.date), start=1):
        if not is_revealed(record.date, frozenset(record.ratings), day, after):
            continue
        found.extend(RatingData(number, record.date, rater, r.scores) for rater, r in record.ratings.items())
    return tuple(found)


def _memo_key(partnership_id: int, ratings: tuple[RatingData, ...], statuses: list[SessionStatus]) -> str:
    """A hash of everything the analysis reads, the partnership first (docs/architecture.md, Caches).

    Plain tuples of numbers, not the dataclasses' repr: the key is made for every partnership
    on every load of the clinic page, and the dataclass repr cost more than a third of it.
    """
    compact = (
        tuple((r.session_number, r.rater, r.session_date.toordinal(), tuple(r.scores.values())) for r in ratings),
        tuple((s.session_number, s.session_date.toordinal(), tuple(sorted(s.rated_by))) for s in statuses),
    )
    scope = (partnership_id, "clinic", today().toordinal(), thresholds())
    return hashlib.blake2b(repr((scope, compact)).encode(), digest_size=16).hexdigest()


def _analysed(partnership_id: int, ratings: tuple[RatingData, ...], statuses: list[SessionStatus]):
    """(signals, attunement) of one partnership, memoised per process by ``_memo_key``."""
    key = _memo_key(partnership_id, ratings, statuses)
    found = _MEMO.get(key)
    if found is None:
        signals = analyse(ratings, statuses, today(), thresholds())
        found = _MEMO[key] = (signals, of_partnership(ratings, signals.ruptures))
        if len(_MEMO) > _MEMO_SIZE:
            _MEMO.popitem(last=False)
    else:
        _MEMO.move_to_end(key)
    return found


def _case(row: CaseRow, records: Sequence[SessionRecord], concerns: int) -> Case:
    """One partnership as plain data for the figures."""
    day, owed_after = today(), thresholds().form_owed_days
    ordered = sorted(records, key=lambda r: r.date)
    statuses = [SessionStatus(n, r.date, frozenset(r.ratings)) for n, r in enumerate(ordered, start=1)]
    due = [s for s in statuses if (day - s.session_date).days > owed_after]
    ratings = revealed_ratings(ordered)
    signals, attunement = _analysed(row.id, ratings, statuses)
    return Case(
        partnership_id=row.id,
        therapist_id=row.therapist_id,
        status=row.status,
        closed_by_patient=row.closed_by_patient,
        ratings=ratings,
        sessions_due=len(due),
        rated_by_patient=sum(ROLES[0] in s.rated_by for s in due),
        rated_by_therapist=sum(ROLES[1] in s.rated_by for s in due),
        open_concerns=concerns,
        signals=signals,
        attunement=attunement,
    )


def cases_of(clinic_id: int, therapist_id: int | None = None) -> list[Case]:
    """The clinic's (or one therapist's) partnerships as plain data, in three queries."""
    rows = clinic_partnerships(clinic_id, therapist_id)
    ids = [row.id for row in rows]
    records = load_records(ids)
    concerns = open_concerns(ids)
    return [_case(row, records.get(row.id, []), concerns.get(row.id, 0)) for row in rows]


def stored_cases(clinic_id: int, therapist_id: int | None = None) -> list[StoredCase]:
    """The clinic's (or one therapist's) partnerships with their stored facts, never reading a rating."""
    return _cases_from(_read(clinic_id, therapist_id))


def _read(clinic_id: int, therapist_id: int | None = None) -> list:
    """One statement: the partnerships, their open concerns and their therapist summary's facts.

    Together: two more lists of 800 ids to bind cost more than the figures.
    """
    summary = PartnershipSummary
    concerns = (
        sa.select(sa.func.count())
        .where(
            RuptureEntry.partnership_id == Partnership.id,
            RuptureEntry.source == "concern",
            RuptureEntry.status != "repaired",
        )
        .scalar_subquery()
    )
    stored = (summary.data_version, summary.day, summary.rules, summary.clinic)
    query = _partnerships_query(clinic_id, therapist_id).add_columns(concerns, *stored)
    query = query.outerjoin(
        summary, sa.and_(summary.partnership_id == Partnership.id, summary.role == str(Role.THERAPIST))
    )
    return list(db.session.execute(query))


def _cases_from(read: list) -> list[StoredCase]:
    """The rows ``stored_cases``' statement read, with their facts (computed again where stale)."""
    rows, concern_counts, found = [], {}, {}
    for *case, open_count, version, day, rules, text in read:
        row = CaseRow(*case)
        rows.append(row)
        concern_counts[row.id] = open_count
        found[row.id] = (version, day, rules, text)
    facts = clinic_facts_for(rows, found)
    return [
        StoredCase(r.id, r.therapist_id, r.status, r.closed_by_patient, concern_counts[r.id], facts[r.id]) for r in rows
    ]


# The clinic's figures per process, keyed by the clinic, the viewer and every partnership's
# (id, therapist, status, closure, data version, open concerns, stored facts): the figures are a
# function of exactly these, so an entry is never stale. Only when every stored row is current
# (a stale one is computed again from the ratings, which the key does not hold).
_FIGURES: OrderedDict[tuple, tuple[Figures, dict[int, Figures]]] = OrderedDict()
_FIGURES_SIZE = 64


def clinic_figures(clinic_id: int, viewer_id: int | None = None) -> tuple[Figures, dict[int, Figures]]:
    """The clinic's figures and each therapist's (by user id), as ``viewer_id`` sees them."""
    read = _read(clinic_id)
    day, rules = today(), rules_fingerprint()
    current = all(r[6] == r[4] and r[7] == day and r[8] == rules and r[9] is not None for r in read)
    key = (clinic_id, viewer_id, tuple((*r[:6], r[9]) for r in read)) if current else None
    found = _FIGURES.get(key) if key else None
    if found is None:
        by_therapist: dict[int, list[tuple]] = {}
        for case in _cases_from(read):
            by_therapist.setdefault(case.therapist_id, []).append(case.figure_input)
        per_therapist = {tid: figures_from(own) for tid, own in by_therapist.items()}
        found = (summed(per_therapist.values()), per_therapist)
        if key:
            _FIGURES[key] = found
            if len(_FIGURES) > _FIGURES_SIZE:
                _FIGURES.popitem(last=False)
    return found


def therapist_figures(clinic_id: int, therapist_id: int) -> Figures:
    """One therapist's figures."""
    return figures_from([c.figure_input for c in stored_cases(clinic_id, therapist_id)])
