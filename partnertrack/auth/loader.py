"""Loading the logged-in user for Flask-Login from the session cookie."""

from __future__ import annotations

from flask_login import LoginManager

from partnertrack.extensions import db
from partnertrack.models import User


def load_user(session_id: str) -> User | None:
    """The user of a session id "<id>:<version>", or None once the version has moved on."""
    user_id, _, version = session_id.partition(":")
    if not (user_id.isascii() and user_id.isdigit() and version.isascii() and version.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version) or not user.active:
        return None
    return user


def register_user_loader(manager: LoginManager) -> None:
    """Tell Flask-Login how to load users and where to send visitors who must log in."""
    manager.login_view = "auth.login"
    manager.login_message = "Please log in to see this page."
    manager.login_message_category = "info"
    manager.user_loader(load_user)
