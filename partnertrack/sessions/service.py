"""Recording, planning and marking sessions, and merging split pairs (flushes; the caller commits).

Each change is one call a caller can build on: ``record_held`` (a session that took place),
``plan`` (the coming ones), ``set_status`` (cancelled, missed, or scheduled again) and
``merge`` (one meeting rated under two dates becomes one session). Each refuses what the
rules do not allow with ``Refused`` and a message in plain words, having changed nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from partnertrack.core.clock import today
from partnertrack.core.database import insert_ignoring_duplicates
from partnertrack.core.filters import long_date, short_date
from partnertrack.core.refusals import Refused
from partnertrack.core.roles import Role
from partnertrack.extensions import db
from partnertrack.models import SCHEDULED, SESSION_STATUSES, Partnership, Rating, TherapySession
from partnertrack.ruptures.models import RuptureEntry
from partnertrack.sessions.models import SplitDismissal
from partnertrack.sessions.pairs import SplitPair, merge_problem, pair_key, split_pairs
from partnertrack.summaries.versions import touch

PLAN_MAX = 26  # half a year of weekly sessions
PLAN_AHEAD_DAYS = 366  # a plan starts at most a year ahead
REPEATS = {"once": 0, "weekly": 7, "fortnightly": 14}


def _day(value: date) -> str:
    """A date as the pages show it, in the viewer's language: 30 Nov 2026."""
    return short_date(value)


def check_date(partnership: Partnership, day: date, *, future_ok: bool = False) -> None:
    """Refuse a date before the partnership began, or in the future unless ``future_ok``."""
    if day < partnership.started_on:
        raise Refused(
            _(
                "The session date cannot be before the partnership began (%(day)s).",
                day=long_date(partnership.started_on),
            )
        )
    if day > today() and not future_ok:
        raise Refused(_("The session date cannot be in the future."))


def session_in(partnership: Partnership, session_id: int | None) -> TherapySession | None:
    """The session ``session_id`` if it belongs to ``partnership`` (another partnership's id finds nothing)."""
    if session_id is None:
        return None
    return db.session.scalar(
        sa.select(TherapySession).where(
            TherapySession.id == session_id, TherapySession.partnership_id == partnership.id
        )
    )


def session_on(partnership: Partnership, day: date) -> TherapySession | None:
    """The partnership's session on ``day``, if there is one."""
    return db.session.scalar(
        sa.select(TherapySession)
        .where(TherapySession.partnership_id == partnership.id, TherapySession.date == day)
        # Its ratings load only if a caller reads them: the rating form reads its own row itself.
        .options(so.lazyload(TherapySession.ratings))
        .execution_options(populate_existing=True)
    )


def ensure_session(partnership: Partnership, day: date, added_by: str) -> TherapySession:
    """The partnership's session on ``day``, made (added by ``added_by``) if there is none yet.

    INSERT ... ON CONFLICT DO NOTHING on the (partnership, date) key: two requests making
    the same session at once both end up with the one row, never an error.
    """
    values = {"partnership_id": partnership.id, "date": day, "status": SCHEDULED, "added_by": str(added_by)}
    if insert_ignoring_duplicates(TherapySession, values, ("partnership_id", "date")):
        touch([partnership.id])  # a Core insert: the flush listener does not see it
    return session_on(partnership, day)


def refuse_unless_held(therapy_session: TherapySession) -> None:
    """A cancelled or missed session is not rated: say so."""
    if therapy_session.status != SCHEDULED:
        raise Refused(
            _(
                "The session of %(day)s is marked cancelled, so it is not rated. "
                "Choose another date, or ask your therapist to mark it as held.",
                day=_day(therapy_session.date),
            )
            if therapy_session.status == "cancelled"
            else _(
                "The session of %(day)s is marked missed, so it is not rated. "
                "Choose another date, or ask your therapist to mark it as held.",
                day=_day(therapy_session.date),
            )
        )


def record_held(partnership: Partnership, day: date, role: str) -> TherapySession:
    """Record that a session took place on ``day`` (today or earlier); the one call for "held".

    The therapist records sessions; a patient may add one the therapist has not recorded,
    and it shows as added by the patient. A date that already has a session gives that
    session (recording twice is harmless); a cancelled or missed one is refused.
    """
    check_date(partnership, day)
    therapy_session = ensure_session(partnership, day, role)
    refuse_unless_held(therapy_session)
    return therapy_session


@dataclass(frozen=True)
class Planned:
    """What a plan did: the sessions it added, and the dates that already had a session."""

    added: list[TherapySession]
    already: list[date]


def plan_dates(first: date, repeat: str, count: int | None) -> list[date]:
    """The dates of a plan: ``first``, then every 7 or 14 days, ``count`` in all."""
    if repeat not in REPEATS:
        raise Refused(_("Please choose once, weekly or fortnightly."))
    if repeat == "once":
        return [first]
    if count is None or not 1 <= count <= PLAN_MAX:
        raise Refused(_("A plan lists 1 to %(max)s sessions.", max=PLAN_MAX))
    return [first + timedelta(days=REPEATS[repeat] * n) for n in range(count)]


def plan(partnership: Partnership, first: date, repeat: str, count: int | None) -> Planned:
    """The therapist's sessions from ``first`` (once, weekly or fortnightly), coming ones included.

    Dates that already have a session keep it as it is (a plan never changes a rated or a
    cancelled session); the rest are added as scheduled, by the therapist: those whose date has
    come through ``record_held``, like a session recorded on its own.
    """
    check_date(partnership, first, future_ok=True)
    if first > today() + timedelta(days=PLAN_AHEAD_DAYS):
        raise Refused(_("A plan starts at most a year from today."))
    dates = plan_dates(first, repeat, count)
    existing = set(
        db.session.scalars(
            sa.select(TherapySession.date).where(
                TherapySession.partnership_id == partnership.id, TherapySession.date.in_(dates)
            )
        )
    )
    therapist = Role.THERAPIST
    added = [
        record_held(partnership, day, therapist) if day <= today() else ensure_session(partnership, day, therapist)
        for day in dates
        if day not in existing
    ]
    return Planned(added, sorted(existing))


def set_status(partnership: Partnership, session_id: int, status: str) -> TherapySession:
    """Mark the session cancelled or missed, or scheduled again (the therapist's step).

    A session someone has rated took place: it cannot be marked cancelled or missed.
    A session can only be missed once its date has come.
    """
    therapy_session = session_in(partnership, session_id)
    if therapy_session is None:
        raise Refused(_("Please choose one of this partnership’s sessions."), status=404)
    if status not in SESSION_STATUSES:
        raise Refused(_("Please choose scheduled, cancelled or missed."))
    if status != SCHEDULED and therapy_session.ratings:
        raise Refused(
            _(
                "The session of %(day)s has been rated, so it took place: it cannot be marked cancelled or missed.",
                day=_day(therapy_session.date),
            )
        )
    if status == "missed" and therapy_session.date > today():
        raise Refused(_("A session can be marked missed once its date has come; a coming one can be cancelled."))
    therapy_session.status = status
    db.session.flush()
    return therapy_session


def _raters(therapy_session: TherapySession) -> set[str]:
    """Who has rated the session, read from the database now."""
    return set(db.session.scalars(sa.select(Rating.rater).where(Rating.session_id == therapy_session.id)))


def merge(partnership: Partnership, keep_id: int, other_id: int) -> tuple[TherapySession, date]:
    """Move the ratings of session ``other_id`` onto ``keep_id`` and remove the emptied session.

    Every rating stays exactly as it was (scores, comment, when it was given, its goal
    progress); only the session it belongs to changes. Entries of the rupture log follow.
    Refused, with nothing changed, when either session is not this partnership's, is not a
    held session, or when a party has rated both (that would lose a rating). Returns the
    kept session and the date of the removed one.
    """
    keep, other = session_in(partnership, keep_id), session_in(partnership, other_id)
    if keep is None or other is None:
        raise Refused(_("Please choose two of this partnership’s sessions."))
    for therapy_session in (keep, other):
        refuse_unless_held(therapy_session)
        if therapy_session.date > today():
            raise Refused(_("The session of %(day)s has not taken place yet.", day=_day(therapy_session.date)))
    problem = merge_problem((keep.date, _raters(keep)), (other.date, _raters(other)))
    if problem:
        raise Refused(problem)
    other_day = other.date
    db.session.execute(
        sa.update(Rating)
        .where(Rating.session_id == other.id)
        .values(session_id=keep.id, updated_at=Rating.updated_at)  # the rating itself is unchanged
        .execution_options(synchronize_session=False)
    )
    for column in (RuptureEntry.session_id, RuptureEntry.recovered_session_id):
        db.session.execute(
            sa.update(RuptureEntry)
            .where(column == other.id)
            .values({column.key: keep.id})
            .execution_options(synchronize_session=False)
        )
    db.session.execute(sa.delete(TherapySession).where(TherapySession.id == other.id))
    touch([partnership.id])  # Core statements: the flush listener does not see them
    db.session.expire_all()
    return session_in(partnership, keep_id), other_day


@dataclass(frozen=True)
class SessionRow:
    """One line of the sessions page: the session, its number once held, and who has rated it."""

    session: TherapySession
    number: int | None
    raters: frozenset[str]

    @property
    def coming(self) -> bool:
        """A scheduled session whose date has not come yet."""
        return self.session.status == SCHEDULED and self.session.date > today()


def listing(partnership: Partnership, timeline) -> list[SessionRow]:
    """Every session of the partnership, newest first, numbered as the timeline numbers them."""
    numbers = {v.session_id: v.number for v in timeline}
    rows = db.session.scalars(
        sa.select(TherapySession)
        .where(TherapySession.partnership_id == partnership.id)
        .order_by(TherapySession.date.desc())
    ).all()
    return [SessionRow(s, numbers.get(s.id), frozenset(r.rater for r in s.ratings)) for s in rows]


def appointments(partnership: Partnership) -> list[dict]:
    """Every session of the partnership, oldest first, as plain data: date, status, who added it.

    The exports carry these beside the rated timeline, so a planned, cancelled or missed
    session is not lost from what a person downloads.
    """
    rows = db.session.execute(
        sa.select(TherapySession.date, TherapySession.status, TherapySession.added_by)
        .where(TherapySession.partnership_id == partnership.id)
        .order_by(TherapySession.date, TherapySession.id)
    ).all()
    return [{"date": day.isoformat(), "status": status, "added_by": added_by} for day, status, added_by in rows]


def kept_apart(partnership: Partnership) -> frozenset[tuple[int, int]]:
    """The pairs of sessions the therapist said were two meetings (``pairs.pair_key`` order)."""
    rows = db.session.execute(
        sa.select(SplitDismissal.first_session_id, SplitDismissal.second_session_id).where(
            SplitDismissal.partnership_id == partnership.id
        )
    ).all()
    return frozenset((first, second) for first, second in rows)


def open_split_pairs(partnership: Partnership, timeline) -> list[SplitPair]:
    """The likely split pairs still to decide: those the therapist kept apart are left out."""
    if not split_pairs(timeline):
        return []  # the usual case: nothing to look up
    return split_pairs(timeline, kept_apart=kept_apart(partnership))


def keep_apart(partnership: Partnership, timeline, first_id: int, second_id: int) -> tuple[date, date]:
    """Record that the suggested pair ``first_id``/``second_id`` were two meetings; their dates. Flushes.

    Only a pair the page suggests can be kept apart (anything else is refused, nothing stored).
    """
    key = pair_key(first_id, second_id)
    pair = next((p for p in open_split_pairs(partnership, timeline) if pair_key(*_ids(p)) == key), None)
    if pair is None:
        raise Refused("Those two sessions are not a pair to check. Please choose one of the pairs shown.")
    insert_ignoring_duplicates(
        SplitDismissal,
        {"partnership_id": partnership.id, "first_session_id": key[0], "second_session_id": key[1]},
        ("partnership_id", "first_session_id", "second_session_id"),
    )
    first, second = pair.sides
    return first.date, second.date


def _ids(pair: SplitPair) -> tuple[int | None, int | None]:
    """The two session ids of a pair."""
    return pair.patient_side.session_id, pair.therapist_side.session_id
