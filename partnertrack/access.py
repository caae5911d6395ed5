"""Who may see and do what: every partnership URL is loaded and authorised here, once.

Each feature's pages about one partnership sit on a ``PartnershipBlueprint``. Before any of
its views runs, the blueprint takes ``partnership_id`` out of the URL, loads the partnership
and the visitor's role in it, and refuses everyone else: a visitor who is not logged in
goes to the login page, anyone who is not a member gets 404 (never 403, so an outsider
cannot even learn that the partnership exists). Views then read ``g.partnership`` and
``g.role`` and never repeat the check.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, datetime
from functools import wraps

from flask import Blueprint, abort, current_app, g, request, session, url_for
from flask_login import LoginManager, current_user

from partnertrack.core.clock import now
from partnertrack.core.ids import MAX_ID
from partnertrack.core.refusals import ENDED, Refused
from partnertrack.core.roles import Role
from partnertrack.extensions import db
from partnertrack.models import Partnership, User

PARTNERSHIP_PREFIX = "/partnerships/<int:partnership_id>"


class PartnershipBlueprint(Blueprint):
    """A blueprint whose routes all live under /partnerships/<id>/ and answer only its members.

    A POST to an ended partnership is refused with the read-only message, unless the view
    is marked ``@allowed_when_ended`` (the ending review keeps its own rules for that).
    """

    def __init__(self, name: str, import_name: str, url_prefix: str = "", **kwargs):
        super().__init__(name, import_name, url_prefix=PARTNERSHIP_PREFIX + url_prefix, **kwargs)
        self.url_value_preprocessor(_take_partnership_id)
        self.url_defaults(_give_partnership_id)
        self.before_request(_load_and_authorise)
        self.refused_page: Callable[[], str] | None = None

    def refusal_page(self, render: Callable[[], str]) -> Callable[[], str]:
        """Register the page that shows a refused step of this blueprint (core/errors.py)."""
        self.refused_page = render
        return render


def _take_partnership_id(_endpoint: str | None, values: dict | None) -> None:
    """Move the id from the view's arguments to ``g``: views get the loaded partnership instead."""
    if values is not None and "partnership_id" in values:
        g.partnership_id = values.pop("partnership_id")


def _give_partnership_id(_endpoint: str, values: dict) -> None:
    """url_for inside a partnership's page links to the same partnership unless told otherwise."""
    if "partnership_id" not in values and g.get("partnership") is not None:
        values["partnership_id"] = g.partnership.id


def _load_and_authorise():
    """Load the partnership of the URL and the visitor's role in it; refuse non-members."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    partnership_id = g.get("partnership_id")
    partnership = db.session.get(Partnership, partnership_id) if partnership_id and partnership_id <= MAX_ID else None
    role = partnership.role_of(current_user) if partnership is not None else None
    if role is None:
        abort(404)
    g.partnership, g.role = partnership, role
    view = current_app.view_functions.get(request.endpoint)
    if request.method == "POST" and partnership.read_only and not getattr(view, "allowed_when_ended", False):
        raise Refused(ENDED, redirect_to=url_for("partnership.show", partnership_id=partnership.id))
    return None


def allowed_when_ended(view: Callable) -> Callable:
    """Let a POST view of an ended partnership run (it refuses what it must itself)."""
    view.allowed_when_ended = True
    return view


def require_role(role: str) -> None:
    """403 unless the visitor is ``role`` in the current partnership (a member of the other role)."""
    if g.role != role:
        abort(403)


def role_required(role: Role) -> Callable:
    """Decorate a partnership view that only the member of ``role`` may use."""

    def decorate(view: Callable) -> Callable:
        """Wrap ``view`` with the role check."""

        @wraps(view)
        def wrapped(*args, **kwargs):
            """Check the role before running the view."""
            require_role(role)
            return view(*args, **kwargs)

        return wrapped

    return decorate


def therapist_required(view: Callable) -> Callable:
    """Allow only therapist accounts (403 for a patient) on pages outside one partnership."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        """Check the account's role before running the view."""
        if not current_user.is_authenticated or not current_user.is_therapist:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


# --- restricted sessions: one form, opened from a mailed link ------------------------------

GRANT_KEY = "form_grant"
# The only page a restricted session reaches: the rating form of its partnership and session.
GRANTED_ENDPOINTS = frozenset({"ratings.rate"})


def start_restricted_session(user: User, partnership_id: int, day: date, link_id: int, until: datetime) -> None:
    """Give this browser the rating form of one partnership's session on ``day``, and nothing else.

    The person is not logged in: every other page still asks for the password. The grant
    lives in the signed session cookie, on a fresh session (as at login), until ``until``,
    the end of the idle timeout, the next login or logout, or the form being saved.
    """
    session.clear()
    session[GRANT_KEY] = {
        "user": user.id,
        "version": user.session_version,
        "partnership": partnership_id,
        "date": day.isoformat(),
        "link": link_id,
        "until": until.timestamp(),
    }
    session["login_at"] = session["last_seen"] = time.time()


def restricted_grant() -> dict | None:
    """The grant of this request's restricted session, when the request is inside it."""
    return g.get("restricted")


def end_restricted_session() -> None:
    """Forget the grant: the browser goes back to asking for the password everywhere."""
    session.pop(GRANT_KEY, None)
    g.pop("restricted", None)


def _grant_covers_request(grant: dict) -> bool:
    """True when this request is the granted form (the right partnership, and on GET the right session)."""
    if request.endpoint not in GRANTED_ENDPOINTS or g.get("partnership_id") != grant.get("partnership"):
        return False
    return request.method == "POST" or request.args.get("date") == grant.get("date")


def granted_user(_request) -> User | None:
    """Flask-Login's request loader: the patient of a restricted session, on the granted page only.

    It is asked only when no one is logged in. Anywhere else the visitor stays anonymous,
    so every other page sends them to the login page. A grant ends early when the account
    is disabled or its sessions were ended (logout everywhere, a new password).
    """
    grant = session.get(GRANT_KEY)
    if not isinstance(grant, dict) or not _grant_covers_request(grant):
        return None
    user = db.session.get(User, grant.get("user"))
    valid = user is not None and user.active and user.session_version == grant.get("version")
    if not valid or now().timestamp() >= grant.get("until", 0):
        session.pop(GRANT_KEY, None)
        return None
    g.restricted = grant
    return user


def register_restricted_sessions(manager: LoginManager) -> None:
    """Let a restricted session's grant stand in for a login on the granted page."""
    manager.request_loader(granted_user)
