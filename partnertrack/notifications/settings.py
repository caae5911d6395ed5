"""Each account's choices of mail, its time zone, and addresses that asked for no invites."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l

from partnertrack.core.tokens import hash_token
from partnertrack.extensions import db
from partnertrack.models import User
from partnertrack.notifications.models import MailSuppression, NotificationSettings
from partnertrack.notifications.schedule import zone

# The kinds a person can turn off, per role, with the words the account page uses.
# Password reset is not among them: it is only ever sent when asked for.
KINDS = {
    "form_links": _l("A link to the form after each session"),
    "reminders": _l("One reminder when a form is still waiting two days later"),
    "alerts": _l("An alert when a patient raises a concern or asks to talk soon"),
    "digest": _l("A weekly summary on Monday: forms owed and new signals"),
}
KINDS_BY_ROLE = {"patient": ("form_links", "reminders"), "therapist": ("alerts", "digest")}


def settings_for(user_id: int) -> NotificationSettings:
    """The account's choices (the defaults, unsaved, when it has never changed them)."""
    found = db.session.get(NotificationSettings, user_id)
    if found is None:
        found = NotificationSettings(user_id=user_id, form_links=True, reminders=True, alerts=True, digest=False)
    return found


def save_settings(user: User, chosen: dict[str, bool], time_zone: str | None) -> None:
    """Store the account's choices (flushed; the request commits)."""
    row = db.session.get(NotificationSettings, user.id)
    if row is None:
        row = settings_for(user.id)
        db.session.add(row)
    for kind in KINDS_BY_ROLE.get(user.role, ()):
        setattr(row, kind, bool(chosen.get(kind)))
    row.time_zone = time_zone or None
    db.session.flush()


def wants(user_id: int, kind: str) -> bool:
    """True when the account still takes mail of ``kind``."""
    return bool(getattr(settings_for(user_id), kind))


def turn_off(user_id: int, kinds: tuple[str, ...]) -> None:
    """Switch ``kinds`` off for the account (one-click unsubscribe; flushed)."""
    row = db.session.get(NotificationSettings, user_id)
    if row is None:
        row = settings_for(user_id)
        db.session.add(row)
    for kind in kinds:
        setattr(row, kind, False)
    db.session.flush()


def time_zone_of(user_id: int) -> ZoneInfo:
    """The account's time zone, else the installation's default."""
    return zone(settings_for(user_id).time_zone, current_app.config["DEFAULT_TIME_ZONE"])


def address_key(address: str) -> str:
    """What a suppressed address is stored as: the hash of its lower-case form."""
    return hash_token(address.strip().lower())


def is_suppressed(address: str) -> bool:
    """True when ``address`` asked for no more invites."""
    return db.session.get(MailSuppression, address_key(address)) is not None


def suppress(address_hash: str) -> None:
    """Record that an address wants no more invites (idempotent; flushed)."""
    if db.session.get(MailSuppression, address_hash) is None:
        db.session.add(MailSuppression(address_hash=address_hash))
        db.session.flush()
