"""Forms sent twice (a double tap, a retried request) act once: each form carries a one-time key.

A form that creates something (a concern, say) gets a hidden random key when it is shown.
The first request with that key records it in the same transaction as what it creates; a
second request with the same key finds it taken and shows what the first one made instead of
making it again. Two requests racing meet on the key's primary key (INSERT … ON CONFLICT DO
NOTHING waits for the first transaction), so exactly one of them acts on both engines.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from wtforms import HiddenField

from partnertrack.core.clock import utcnow
from partnertrack.core.database import insert_ignoring_duplicates
from partnertrack.core.tokens import new_nonce
from partnertrack.extensions import db

KEY_MAX = 64
KEEP_DAYS = 2  # a form left open in a tab for longer is simply sent as a new one


class SubmissionKey(db.Model):
    """A form's one-time key, once a request has acted on it."""

    __tablename__ = "submission_keys"

    key: so.Mapped[str] = so.mapped_column(sa.String(KEY_MAX), primary_key=True)
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)


def submission_field() -> HiddenField:
    """The hidden field that carries a new random key each time the form is shown."""
    return HiddenField(default=new_nonce)


def first_submission(key: str | None) -> bool:
    """True when no request has acted on ``key`` yet (and now this one has); flushes.

    A missing or malformed key (an old page, a crafted post) cannot be checked: it acts.
    """
    if not key or len(key) > KEY_MAX or not key.isascii() or not key.isprintable():
        return True
    return insert_ignoring_duplicates(SubmissionKey, {"key": key}, ("key",))


def forget_old_keys() -> int:
    """Delete keys older than KEEP_DAYS (the periodic job); how many rows."""
    cutoff = utcnow() - timedelta(days=KEEP_DAYS)
    return db.session.execute(sa.delete(SubmissionKey).where(SubmissionKey.created_at < cutoff)).rowcount
