"""An account's language: stored on the user, read by mail (core/i18n.py registers the lookup)."""

from __future__ import annotations

from partnertrack.core.i18n import supported
from partnertrack.extensions import db
from partnertrack.models import User


def language_of(user_id: int) -> str | None:
    """The language the account chose (or was made in), None when it follows the browser."""
    user = db.session.get(User, user_id)
    return user.language if user is not None else None


def set_language(user: User, code: str | None) -> None:
    """Store ``code`` ("" or None: follow the browser). Flushes; the request commits."""
    user.language = supported(code)
    db.session.flush()
