"""Who may see and do what: one place for every partnership URL."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user

from .extensions import db
from .models import Partnership


def partnership_for(partnership_id: int, role: str | None = None) -> tuple[Partnership, str]:
    """The partnership and the current user's role in it; 404 for anyone not a member.

    Outsiders get 404, never 403, so they cannot even learn that the partnership
    exists. A member of the wrong ``role`` for a role-only action gets 403.
    """
    partnership = db.session.get(Partnership, partnership_id)
    if partnership is None or not current_user.is_authenticated:
        abort(404)
    my_role = partnership.role_of(current_user)
    if my_role is None:
        abort(404)
    if role is not None and my_role != role:
        abort(403)
    return partnership, my_role


def therapist_required(view: Callable) -> Callable:
    """Allow only therapist accounts (403 for a patient)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        """Check the role before running the view."""
        if not current_user.is_authenticated or not current_user.is_therapist:
            abort(403)
        return view(*args, **kwargs)

    return wrapped
