"""Secret links (invites and the like): made at random, stored only as a hash."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

TOKEN_BYTES = 32
TOKEN_MAX_LENGTH = 200  # longer text in a link is not one of ours: refuse it before hashing
SALT_BYTES = 16


def new_token() -> str:
    """A fresh URL-safe random token (256 bits)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """SHA-256 of a token: only the hash is stored, so a leaked table opens nothing."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_salt() -> str:
    """A random salt (128 bits, hex) from which ``derived_token`` makes a link."""
    return secrets.token_hex(SALT_BYTES)


def derived_token(secret_key: str | bytes, purpose: str, salt: str) -> str:
    """A link token the server can make again from ``salt`` and its secret key, and nobody else can.

    The salt is stored, the token never is (only its hash): the server shows a
    link again when it is needed instead of keeping it in a cookie, which is
    signed but readable. A leaked table without the secret key opens nothing.
    """
    key = secret_key.encode() if isinstance(secret_key, str) else secret_key
    mac = hmac.new(key, f"{purpose}:{salt}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode("ascii")
