"""One-click unsubscribe (RFC 8058): a signed link per recipient and kind of mail, no login needed.

The link carries an account id (or, for an invite to someone without an account, the hash
of the address) and the kind, signed with the secret key: it cannot be altered to reach
another account, and it keeps working as long as the mail is kept.
"""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer

from partnertrack.extensions import db
from partnertrack.models import User
from partnertrack.notifications.settings import KINDS, address_key, suppress, turn_off

SALT = "partnertrack-unsubscribe"
ALL = "all"
# What each unsubscribe stops, as the confirmation page says it.
STOPS = {**KINDS, "invite": _l("Invitations to PartnerTrack at this address"), ALL: _l("Every email you can turn off")}


def _serializer() -> URLSafeSerializer:
    """The signer of unsubscribe links."""
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def unsubscribe_url(kind: str, *, user_id: int | None = None, address: str | None = None) -> str:
    """The absolute one-click link for ``kind`` (inside the worker's request context for the base URL)."""
    who = {"u": user_id} if user_id is not None else {"a": address_key(address or "")}
    token = _serializer().dumps({**who, "k": kind})
    return url_for("notifications.unsubscribe", token=token, _external=True)


def read(token: str) -> dict | None:
    """The signed content of an unsubscribe token, or None for anything altered or made up."""
    if not token or len(token) > 400:
        return None
    try:
        data = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("k") not in STOPS or not _who_ok(data):
        return None
    return data


def apply(data: dict) -> None:
    """Carry out the unsubscribe ``data`` names (flushed; idempotent)."""
    kind = data["k"]
    if "a" in data:
        suppress(str(data["a"]))
        return
    if db.session.get(User, data["u"]) is None:
        return  # the account was deleted: it gets no mail anyway
    kinds = tuple(KINDS) if kind == ALL else (kind,)
    turn_off(int(data["u"]), kinds)


def _who_ok(data: dict) -> bool:
    """The token names an account id or an address hash, of the right types."""
    return isinstance(data.get("u"), int) or isinstance(data.get("a"), str)
