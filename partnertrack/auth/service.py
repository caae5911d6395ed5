"""Creating accounts and starting a login session, shared by the views and the CLI."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import Response, redirect, session
from flask_login import login_user

from partnertrack.auth.login_throttle import remember_device
from partnertrack.core.audit import record
from partnertrack.core.i18n import supported
from partnertrack.core.passwords import hash_password
from partnertrack.extensions import db
from partnertrack.models import User


def create_user(name: str, email: str, password: str, role: str, language: str | None = None) -> User:
    """Add a user with a hashed password (flushed, so it has its id; the caller commits).

    ``language``: the one the account was made in (sign-up and joining pass the page's), so
    mail reaches the person in it before they ever open the account page.
    """
    user = User(
        name=name.strip(),
        email=email.strip().lower(),
        password_hash=hash_password(password),
        role=role,
        language=supported(language),
    )
    db.session.add(user)
    db.session.flush()
    return user


def start_session(user: User) -> None:
    """Log ``user`` in on a fresh session, so a session id planted before login is worthless."""
    session.clear()
    login_user(user)
    session.permanent = True
    now = time.time()
    session["login_at"] = now
    session["last_seen"] = now


def complete_sign_in(user: User, target: str) -> Response:
    """The end of every successful sign-in: a fresh session, the audit event, this device remembered."""
    start_session(user)
    record("login.succeeded", user=user)
    return remember_device(redirect(target), user)


def safe_next(target: str | None) -> str | None:
    """``target`` when it is a path on this site, else None (no open redirect).

    A space, CR/LF or any other unprintable character is refused too: in a Location
    header it would split the header (Werkzeug refuses to send it, a 500).
    """
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if not target.isprintable() or any(ch.isspace() for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
