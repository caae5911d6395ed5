"""The data version of a partnership: bumped in the transaction of every change its pages show.

One choke point catches the ORM's changes: an ``after_flush`` listener on the app's session
looks at what the flush wrote (sessions, ratings, goals and their progress, rupture log
entries and notes, the ending review, the partnership itself) and bumps the version of each
partnership concerned, in the same transaction. Statements that bypass the unit of work
(a Core INSERT … ON CONFLICT, a bulk UPDATE) call ``touch`` beside them.

Audit events, mail and form links are not tracked: they change nothing a page draws, and
bumping on every audited page view would make every summary and chart stale at once.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from partnertrack.extensions import db

# Table → the column that leads to the partnership, and through which table.
_DIRECT = {"partnerships": "id", "sessions": "partnership_id", "goals": "partnership_id"}
_DIRECT |= {"rupture_entries": "partnership_id", "reviews": "partnership_id"}
_VIA = {
    "ratings": ("session_id", "sessions"),
    "goal_revisions": ("goal_id", "goals"),
    "goal_progress": ("goal_id", "goals"),
    "rupture_notes": ("entry_id", "rupture_entries"),
}


def touch(partnership_ids: Iterable[int | None]) -> None:
    """Bump the data version of these partnerships now, in the current transaction."""
    ids = sorted({pid for pid in partnership_ids if pid is not None})
    if ids:
        _bump(db.session(), sa.column("id").in_(ids))


def _bump(session: Session, condition) -> None:
    """UPDATE partnerships SET data_version = data_version + 1 WHERE ``condition``; expire loaded copies."""
    table = sa.table("partnerships", sa.column("id"), sa.column("data_version"))
    session.connection().execute(sa.update(table).where(condition).values(data_version=table.c.data_version + 1))
    # A copy already loaded in this request would keep the old number: let it read again.
    for obj in list(session.identity_map.values()):
        if getattr(obj, "__tablename__", None) == "partnerships":
            session.expire(obj, ["data_version"])


def _changed(session: Session) -> list:
    """Objects this flush inserted, changed (really) or deleted, of the tracked tables."""
    found = []
    for obj in (*session.new, *session.dirty, *session.deleted):
        name = getattr(obj, "__tablename__", None)
        if name not in _DIRECT and name not in _VIA:
            continue
        if name == "partnerships" and obj in session.new:
            continue  # a new partnership has nothing shown yet; its first change bumps it
        if obj in session.dirty and not session.is_modified(obj, include_collections=False):
            continue
        found.append(obj)
    return found


def _condition(objects: list):
    """A WHERE clause on partnerships.id matching every partnership the objects belong to."""
    direct: set[int] = set()
    via: dict[str, set[int]] = {}
    for obj in objects:
        name = obj.__tablename__
        if name in _DIRECT:
            direct.add(getattr(obj, _DIRECT[name]))
        else:
            column, _ = _VIA[name]
            via.setdefault(name, set()).add(getattr(obj, column))
    partnership_id = sa.column("id")
    parts = [partnership_id.in_(sorted(direct))] if direct else []
    for name, ids in via.items():
        column, target = _VIA[name]
        linked = sa.table(target, sa.column("id"), sa.column("partnership_id"))
        parts.append(partnership_id.in_(sa.select(linked.c.partnership_id).where(linked.c.id.in_(sorted(ids)))))
    return sa.or_(*parts)


def _after_flush(session: Session, _context) -> None:
    """Bump the versions of the partnerships this flush changed (same transaction)."""
    objects = _changed(session)
    if objects:
        _bump(session, _condition(objects))


def install() -> None:
    """Listen to every flush of the app's sessions (called once by create_app)."""
    target = db.session.session_factory.class_
    if not sa.event.contains(target, "after_flush", _after_flush):
        sa.event.listen(target, "after_flush", _after_flush)
