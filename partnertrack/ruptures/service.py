"""The rupture log: entries from the signals, concerns raised by hand, notes and status.

Signal entries come from the ratings both parties may see (revealed sessions
only), so the log is the same for both and never hints at a blind rating. A
concern a party raises is shown to the other at once: it is said openly, not
a rating, so the blind rule does not apply to it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_number
from flask_babel import gettext as _

from partnertrack.core.clock import as_utc, today, utcnow
from partnertrack.core.database import insert_ignoring_duplicates
from partnertrack.core.phrase import Phrase, dumps
from partnertrack.core.refusals import Refused
from partnertrack.core.roles import Role
from partnertrack.extensions import db
from partnertrack.insights.signals import RatingData, Rupture, Thresholds, find_ruptures
from partnertrack.models import Partnership, TherapySession, User
from partnertrack.notifications.service import concern_raised
from partnertrack.ratings.records import timeline_for
from partnertrack.ruptures import agreement
from partnertrack.ruptures.models import (
    NOTE_MAX,
    SIGNAL_ONLY,
    RuptureEntry,
    RuptureNote,
)


def clean_note(text: str | None, required: bool = True) -> str | None:
    """The note without surrounding spaces; Refused when required and empty, or too long."""
    text = (text or "").strip()
    if not text:
        if required:
            raise Refused(_("Please write a note."))
        return None
    if len(text) > NOTE_MAX:
        raise Refused(
            _(
                "Please keep it to %(max)s characters or fewer (it has %(length)s).",
                max=format_number(NOTE_MAX),
                length=format_number(len(text)),
            )
        )
    return text


def sessions_of(partnership_id: int) -> list[tuple[int, date]]:
    """(id, date) of every held session in date order: position + 1 is the session number.

    Held as the timeline counts them (``TherapySession.counted``): cancelled, missed and
    coming sessions have no number.
    """
    return list(
        db.session.execute(
            db.select(TherapySession.id, TherapySession.date)
            .where(TherapySession.partnership_id == partnership_id, TherapySession.counted(today()))
            .order_by(TherapySession.date)
        )
    )


def shared_ratings(partnership: Partnership) -> list[RatingData]:
    """The ratings of revealed sessions: what both parties may see, whoever asks."""
    return [
        RatingData(v.number, v.date, r.rater, dict(r.scores), r.comment)
        for v in timeline_for(partnership, Role.PATIENT)
        if v.revealed
        for r in v.visible
    ]


def _detail(rupture: Rupture) -> str:
    """Why the signal fired, in the signals module's phrases, stored as their parts (core/phrase.py).

    Every reader sees it in their own language (``RuptureEntry.shown_detail``); the exports
    keep the English text. A detail too long to store as parts is stored as English text.
    """
    joined = "; ".join(f"%(r{i})s" for i in range(len(rupture.reasons)))  # a name: nothing to extract
    reasons = Phrase(joined, **{f"r{i}": reason for i, reason in enumerate(rupture.reasons)})
    if rupture.absorbed:
        sessions = ", ".join(str(n) for n in rupture.absorbed)
        reasons = Phrase("%(reasons)s; still low in session %(sessions)s", reasons=reasons, sessions=sessions)
    stored = dumps(reasons)
    return stored if len(stored) <= NOTE_MAX else str(reasons)[:NOTE_MAX]


def _apply_signals(partnership: Partnership, ruptures: Iterable[Rupture]) -> int:
    """Insert or refresh one signal entry per (party, session); returns how many are new.

    The insert skips a row another request has just made (the partial unique index on
    signal entries), so two requests syncing the same log at once both succeed.
    """
    ids = [sid for sid, _ in sessions_of(partnership.id)]
    created = 0
    for r in ruptures:
        key = {
            "partnership_id": partnership.id,
            "source": "signal",
            "party": r.party,
            "session_id": ids[r.session_number - 1],
        }
        created += insert_ignoring_duplicates(
            RuptureEntry, key, ("partnership_id", "party", "session_id"), where=SIGNAL_ONLY
        )
        # A late rating can shift a party's baseline: keep the entry, refresh what it says.
        recovered = ids[r.repaired_at - 1] if r.repaired_at is not None else None
        values = {"detail": _detail(r), "strong": r.strong, "recovered_session_id": recovered}
        db.session.execute(
            db.update(RuptureEntry)
            .where(*(getattr(RuptureEntry, column) == value for column, value in key.items()))
            .where(sa.or_(*(getattr(RuptureEntry, column).is_distinct_from(value) for column, value in values.items())))
            .values(values)
        )
    return created


def sync_signals(partnership: Partnership) -> int:
    """Make sure every possible rupture in the shared ratings has its log entry; returns how many were added.

    Idempotent: run it after each rating and whenever the log is shown. An ended
    partnership's log no longer changes.
    """
    if partnership.read_only:
        return 0
    ruptures = find_ruptures(shared_ratings(partnership), Thresholds.from_mapping(current_app.config))
    return _apply_signals(partnership, ruptures)


def raise_concern(
    partnership: Partnership, role: str, user: User | None, text: str | None, session_id: int | None = None
) -> RuptureEntry:
    """A concern ``role`` raises by hand, visible to the partner at once (not committed)."""
    if session_id is not None and session_id not in {sid for sid, _ in sessions_of(partnership.id)}:
        raise Refused(_("Please choose one of this partnership’s sessions."))
    entry = RuptureEntry(
        partnership_id=partnership.id,
        source="concern",
        party=role,
        session_id=session_id,
        detail=clean_note(text),
        raised_by_user_id=user.id if user else None,
    )
    db.session.add(entry)
    db.session.flush()
    concern_raised(partnership, role)  # the therapist hears of it at once
    return entry


def concern_from_rating(session: TherapySession, role: str, user: User | None, text: str | None) -> RuptureEntry:
    """The concern ticked on the post-session form, once per party and session (not committed).

    Sending the form again (to change the rating) keeps the one concern; new
    words are added to it as a note rather than raising it twice.
    """
    text = clean_note(text, required=False)
    entry = db.session.scalar(
        db.select(RuptureEntry).where(
            RuptureEntry.session_id == session.id, RuptureEntry.source == "concern", RuptureEntry.party == role
        )
    )
    if entry is None:
        entry = RuptureEntry(
            partnership_id=session.partnership_id,
            source="concern",
            party=role,
            session_id=session.id,
            detail=text,
            raised_by_user_id=user.id if user else None,
        )
        db.session.add(entry)
        concern_raised(session.partnership, role)  # the therapist hears of it at once
    elif text and text != entry.detail and text not in {n.text for n in entry.notes}:
        entry.notes.append(RuptureNote(author=role, author_user_id=user.id if user else None, text=text))
    db.session.flush()
    return entry


def entry_in(partnership: Partnership, entry_id: int) -> RuptureEntry | None:
    """The entry ``entry_id`` if it belongs to ``partnership``."""
    return db.session.scalar(
        db.select(RuptureEntry).where(RuptureEntry.id == entry_id, RuptureEntry.partnership_id == partnership.id)
    )


def add_note(entry: RuptureEntry, role: str, user: User | None, text: str | None) -> None:
    """A note from ``role`` on the entry (not committed)."""
    entry.notes.append(RuptureNote(author=role, author_user_id=user.id if user else None, text=clean_note(text)))


def facts_of(entry: RuptureEntry) -> agreement.Facts:
    """What ruptures/agreement.py reads of an entry."""
    return agreement.Facts(
        entry.source,
        entry.party,
        entry.status,
        recovered=entry.recovered_session_id is not None,
        talked={Role.PATIENT: entry.patient_talked, Role.THERAPIST: entry.therapist_talked},
        proposed=entry.proposed_status,
    )


def change_status(entry: RuptureEntry, role: str, user: User | None, new: str, text: str | None = None) -> None:
    """Move the entry one step (open, discussed, repaired), with an optional note (not committed).

    The patient's concern becomes repaired only with the patient (ruptures/agreement.py).
    """
    agreement.check_direct(facts_of(entry), role, new)
    if agreement.forgets_answers(entry.status, new):
        entry.patient_talked = entry.therapist_talked = None
    move_status(entry, role, user, new, clean_note(text, required=False))


def move_status(entry: RuptureEntry, role: str, user: User | None, new: str, note: str | None, kind: str | None = None):
    """Set the status with a note saying who moved it from what; any waiting proposal lapses."""
    entry.notes.append(
        RuptureNote(
            author=role,
            author_user_id=user.id if user else None,
            text=note,
            status_from=entry.status,
            status_to=new,
            kind=kind,
        )
    )
    now = utcnow()
    entry.status, entry.status_changed_at = new, now
    entry.repaired_at = now if new == "repaired" else None
    entry.proposed_status = None


@dataclass(frozen=True)
class EntryView:
    """An entry with its sessions numbered and how long its repair took."""

    entry: RuptureEntry
    session_number: int | None
    session_date: date | None
    recovered_number: int | None
    sessions_to_recover: int | None  # the V shape: sessions until the ratings came back
    sessions_to_repair: int | None  # sessions held between the entry and "repaired"


def _marked_after(session_date: date | None, repaired_on: date, dates: list[date]) -> int | None:
    """Sessions held after the entry's session up to the day it was marked repaired."""
    if session_date is None:
        return None
    return sum(1 for d in dates if session_date < d <= repaired_on)


def entry_views(partnership: Partnership, entries: Iterable[RuptureEntry] | None = None) -> list[EntryView]:
    """The partnership's log (or the given entries): newest session first, concerns without one last."""
    sessions = sessions_of(partnership.id)
    number = {sid: n for n, (sid, _) in enumerate(sessions, start=1)}
    dates = dict(sessions)
    if entries is None:
        entries = db.session.scalars(
            db.select(RuptureEntry).where(RuptureEntry.partnership_id == partnership.id).order_by(RuptureEntry.id)
        ).all()
    views = []
    for e in entries:
        n, rec = number.get(e.session_id), number.get(e.recovered_session_id)
        repaired_on = as_utc(e.repaired_at).date() if e.repaired_at else None
        views.append(
            EntryView(
                e,
                n,
                dates.get(e.session_id),
                rec,
                rec - n if rec is not None and n is not None else None,
                _marked_after(dates.get(e.session_id), repaired_on, list(dates.values())) if repaired_on else None,
            )
        )
    return sorted(views, key=lambda v: (v.session_number is None, -(v.session_number or 0), -v.entry.id))


def open_concerns_by_patient(partnership_ids: Iterable[int]) -> dict[int, list[RuptureEntry]]:
    """Concerns patients raised that are still open, per partnership (for the therapist's dashboard).

    An ended partnership has none: its log no longer changes, so its concerns are history,
    not something that needs the therapist now.
    """
    ids = list(partnership_ids)
    found: dict[int, list[RuptureEntry]] = {pid: [] for pid in ids}
    if not ids:
        return found
    for entry in db.session.scalars(
        db.select(RuptureEntry)
        .join(Partnership, Partnership.id == RuptureEntry.partnership_id)
        .where(
            Partnership.status != "ended",
            RuptureEntry.partnership_id.in_(ids),
            RuptureEntry.source == "concern",
            RuptureEntry.party == Role.PATIENT,
            RuptureEntry.status == "open",
        )
        .order_by(RuptureEntry.id)
    ):
        found[entry.partnership_id].append(entry)
    return found
