"""Who may see and do what: every partnership URL is loaded and authorised here, once.

Each feature's pages about one partnership sit on a ``PartnershipBlueprint``. Before any of
its views runs, the blueprint takes ``partnership_id`` out of the URL, loads the partnership
and the visitor's role in it, and refuses everyone else: a visitor who is not logged in
goes to the login page, anyone who is not a member gets 404 (never 403, so an outsider
cannot even learn that the partnership exists). Views then read ``g.partnership`` and
``g.role`` and never repeat the check.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Blueprint, abort, current_app, g, request, url_for
from flask_login import current_user

from partnertrack.core.ids import MAX_ID
from partnertrack.core.refusals import ENDED, Refused
from partnertrack.core.roles import Role
from partnertrack.extensions import db
from partnertrack.models import Partnership

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
