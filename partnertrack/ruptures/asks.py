"""What the rupture log asks the two parties, and their answers (flushes only).

The rules of who must agree to what are pure (ruptures/agreement.py); here they are read
from the entries and the answers are written, each with a note so the log shows who said what.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from partnertrack.extensions import db
from partnertrack.models import Partnership, User
from partnertrack.ruptures import agreement
from partnertrack.ruptures.models import RuptureEntry, RuptureNote
from partnertrack.ruptures.service import EntryView, entry_views, facts_of, move_status


def _fresh(entry: RuptureEntry) -> RuptureEntry:
    """Lock the entry's row and re-read it, so the rules judge the latest answers.

    Without it two parties saying yes at the same moment each read the other's answer as
    missing, and the entry stayed open with two yeses. PostgreSQL makes the second wait for
    the first to commit; SQLite locks the whole database for a write and ignores FOR UPDATE.
    """
    db.session.execute(sa.select(RuptureEntry.id).where(RuptureEntry.id == entry.id).with_for_update())
    db.session.refresh(entry)
    return entry


def _note(entry: RuptureEntry, role: str, user: User | None, kind: str) -> None:
    """A note recording ``role``'s answer or proposal (``kind``, see models.NOTE_KINDS)."""
    entry.notes.append(RuptureNote(author=role, author_user_id=user.id if user else None, kind=kind))


def answer_talk(entry: RuptureEntry, role: str, user: User | None, answer: str) -> str | None:
    """Record ``role``'s "we talked it through" (yes / not_yet); the new status when both said yes."""
    new = agreement.talk_answer(facts_of(_fresh(entry)), role, answer)
    setattr(entry, f"{role}_talked", answer)
    _note(entry, role, user, "talked" if answer == "yes" else "not_yet")
    if new is not None:
        move_status(entry, role, user, new, None, kind="both_talked")
    db.session.flush()
    return new


def propose(entry: RuptureEntry, role: str, user: User | None) -> None:
    """The therapist proposes the patient's concern as repaired; it waits for the patient."""
    agreement.check_propose(facts_of(_fresh(entry)), role)
    entry.proposed_status = "repaired"
    _note(entry, role, user, "proposed")
    db.session.flush()


def reply(entry: RuptureEntry, role: str, user: User | None, answer: str) -> str | None:
    """The patient accepts (the concern becomes repaired) or declines the proposal; the new status or None.

    Words go in a note of their own ("Add a note"): the answer is one button.
    """
    new = agreement.reply(facts_of(_fresh(entry)), role, answer)
    if new is None:
        entry.proposed_status = None
        _note(entry, role, user, "declined")
    else:
        move_status(entry, role, user, new, None)
    db.session.flush()
    return new


@dataclass(frozen=True)
class Prompt:
    """One question the log puts to the viewer: "talk", "talk_again" or "proposal", about one entry."""

    kind: str
    view: EntryView


def _asking(partnership: Partnership) -> list[RuptureEntry]:
    """Entries that may be asking someone something: not repaired, recovered or with a proposal."""
    return db.session.scalars(
        sa.select(RuptureEntry)
        .where(
            RuptureEntry.partnership_id == partnership.id,
            RuptureEntry.status != "repaired",
            sa.or_(RuptureEntry.recovered_session_id.is_not(None), RuptureEntry.proposed_status.is_not(None)),
        )
        .order_by(RuptureEntry.id)
    ).all()


def prompts_for(partnership: Partnership, role: str) -> list[Prompt]:
    """What the log asks ``role`` now, newest session first; nothing once the partnership has ended."""
    if partnership.read_only:
        return []
    entries = _asking(partnership)
    if not entries:
        return []
    found = []
    for view in entry_views(partnership, entries):
        kind = agreement.prompt_for(facts_of(view.entry), role)
        if kind is not None:
            found.append(Prompt(kind, view))
    return found


@dataclass(frozen=True)
class StillOpen:
    """An entry not yet repaired, for the ending review: who still has to answer what."""

    view: EntryView
    to_confirm: tuple[str, ...]  # parties who have not said they talked it through
    proposed: bool  # the therapist proposed it as repaired; the patient has not answered


def still_open(views: list[EntryView]) -> list[StillOpen]:
    """The entries of ``views`` not yet repaired, with what each is waiting for."""
    return [
        StillOpen(v, agreement.waiting_to_confirm(facts_of(v.entry)), bool(v.entry.proposed_status))
        for v in views
        if v.entry.status != "repaired"
    ]
