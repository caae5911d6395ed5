"""Secret links (invites, form links, password resets): stored only as a hash."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

TOKEN_BYTES = 32
TOKEN_MAX_LENGTH = 200  # longer text in a link is not one of ours: refuse it before hashing


def new_token() -> str:
    """A fresh URL-safe random token (256 bits)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """SHA-256 of a token: only the hash is stored, so a leaked table opens nothing."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_nonce() -> str:
    """A random value stored beside a mailed link, from which the link's token is derived."""
    return secrets.token_hex(16)


def derived_token(purpose: str, nonce: str) -> str:
    """The token of a mailed link: HMAC-SHA256 of the purpose and the stored nonce under SECRET_KEY.

    The database keeps the nonce and the token's hash, never the token: a copy of the
    database alone opens nothing, yet the mail worker can write the link again at send
    time (and a resend after a crash carries the same link). A new SECRET_KEY makes
    every unsent link invalid.
    """
    from flask import current_app

    secret = current_app.config["SECRET_KEY"]
    key = secret if isinstance(secret, bytes) else str(secret).encode("utf-8")
    digest = hmac.new(key, f"{purpose}:{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
