"""Who may use the clinic's pages: the visitor's active membership, loaded and checked once.

A page names the clinic roles it serves; anyone else (a patient, a therapist outside any
clinic, a member in another role, a disabled member) gets 404, never 403, so an outsider
cannot learn what a clinic holds. The view then reads ``g.member`` and never checks again.
A member of one clinic never reaches another's data: every query is scoped by
``g.member.clinic_id``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort, current_app, g
from flask_login import current_user

from partnertrack.clinic.models import ClinicMember
from partnertrack.clinic.service import membership_of


def current_membership() -> ClinicMember | None:
    """The logged-in visitor's active membership, read once per request (the menu asks too)."""
    return membership_for_request(current_user) if current_user.is_authenticated else None


def membership_for_request(user) -> ClinicMember | None:
    """``user``'s active membership with its clinic, read once per request and user.

    Only for reading: a request that changes memberships asks ``service.membership_of``.
    """
    cache = g.setdefault("clinic_members", {})
    if user.id not in cache:
        cache[user.id] = membership_of(user)
    return cache[user.id]


def members_only(*roles: str) -> Callable:
    """Decorate a clinic view that only active members in ``roles`` may use (others: login or 404)."""

    def decorate(view: Callable) -> Callable:
        """Wrap ``view`` with the membership check."""

        @wraps(view)
        def wrapped(*args, **kwargs):
            """Load the membership, refuse everyone else, then run the view."""
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            member = current_membership()
            if member is None or member.role not in roles:
                abort(404)
            g.member = member
            return view(*args, **kwargs)

        return wrapped

    return decorate
