"""Looking up a mailed one-time link (password reset, sign-up) by its token.

Both kinds store only the token's hash with ``used_at`` and ``expires_at``; a link is
refused the same way for both: not ours (404), already used or expired (410). Each
caller keeps its own wording for those cases.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from partnertrack.core.clock import as_utc, now
from partnertrack.core.tokens import TOKEN_MAX_LENGTH, hash_token
from partnertrack.extensions import db

STATUS = {"invalid": 404, "used": 410, "expired": 410}


def find_link(model: Any, token: str) -> tuple[Any | None, str | None]:
    """The stored row of ``model`` behind ``token`` if still usable, else None and why.

    The reason is one of ``STATUS``'s keys. A token longer than any we mint is refused
    before hashing, so a crafted URL costs no database read.
    """
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None, "invalid"
    row = db.session.scalar(sa.select(model).where(model.token_hash == hash_token(token)))
    if row is None:
        return None, "invalid"
    if row.used_at is not None:
        return None, "used"
    if as_utc(row.expires_at) <= now():
        return None, "expired"
    return row, None


def refusal(reason: str, messages: Mapping[str, Any]) -> tuple[None, Any, int]:
    """The (row, message, status) triple the link pages show for ``reason``."""
    return None, messages[reason], STATUS[reason]
