"""Secret links (invites and the like): made at random, stored only as a hash."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_BYTES = 32
TOKEN_MAX_LENGTH = 200  # longer text in a link is not one of ours: refuse it before hashing


def new_token() -> str:
    """A fresh URL-safe random token (256 bits)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """SHA-256 of a token: only the hash is stored, so a leaked table opens nothing."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
