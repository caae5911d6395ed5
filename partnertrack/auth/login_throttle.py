"""Which failed sign-ins count against what: lock out the attacker, never the account's owner.

A wrong password counts against
- the client's address (every account it tries): LOGIN_RATE_LIMIT;
- the account from that address: LOGIN_RATE_LIMIT;
- the account from devices it never signed in from: LOGIN_ACCOUNT_RATE_LIMIT, which stops
  guessing spread over many addresses;
- or, from a device the account signed in from before (it holds a signed device cookie,
  OWASP's device-cookie scheme), that device alone: LOGIN_RATE_LIMIT.
So guesses from elsewhere never block the owner at another address, and even a guesser
with many addresses leaves the owner's own devices working. Unknown and known addresses
count alike, so the limits tell nothing about who has an account.
"""

from __future__ import annotations

import hashlib
import secrets

from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from partnertrack.core.throttle import Budget
from partnertrack.models import User

DEVICE_COOKIE = "partnertrack_device"
DEVICE_DAYS = 180


def _serializer() -> URLSafeTimedSerializer:
    """Signs the device cookie with the app's secret (its content is not secret: an id and a nonce)."""
    return URLSafeTimedSerializer(current_app.secret_key, salt="partnertrack-login-device")


def _account(email: str) -> str:
    """A short hash of the address: rate-limit keys (in Redis, say) need not hold the address itself."""
    return hashlib.sha256(email.encode("utf-8")).hexdigest()[:24]


def login_budgets(email: str, user: User | None) -> list[Budget]:
    """The budgets one sign-in attempt for ``email`` (``user`` when it exists) counts against."""
    per_client = current_app.config["LOGIN_RATE_LIMIT"]
    client = request.remote_addr or "unknown"
    account = _account(email)
    budgets = [Budget(per_client, f"login-client:{client}"), Budget(per_client, f"login-account:{account}:{client}")]
    device = known_device(user)
    if device is not None:
        budgets.append(Budget(per_client, f"login-device:{account}:{device}"))
    else:
        budgets.append(Budget(current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"], f"login-untrusted:{account}"))
    return budgets


def known_device(user: User | None) -> str | None:
    """The device id of a valid device cookie issued to ``user``, else None (forged, expired, another's)."""
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw or user is None:
        return None
    try:
        data = _serializer().loads(raw, max_age=DEVICE_DAYS * 24 * 3600)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("u") != user.id or not isinstance(data.get("n"), str):
        return None
    return data["n"]


def remember_device(response: Response, user: User) -> Response:
    """Mark this browser as one ``user`` signed in from (kept when it already is)."""
    nonce = known_device(user) or secrets.token_urlsafe(12)
    response.set_cookie(
        DEVICE_COOKIE,
        _serializer().dumps({"u": user.id, "n": nonce}),
        max_age=DEVICE_DAYS * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
    )
    return response
