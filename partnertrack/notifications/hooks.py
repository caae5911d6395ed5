"""What happens after a rating is saved, called by the rating form's view (it may touch the login session).

The therapist's new rating mails the patient a link to that session's form. A rating saved
in a restricted session (opened from a form link) uses the link up and ends the restricted
session; a second save with the same link, or a rating of another session than the link's,
is refused and rolls the whole request back.
"""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from partnertrack.access import end_restricted_session, restricted_grant
from partnertrack.core.audit import record
from partnertrack.core.filters import long_date
from partnertrack.core.refusals import Refused
from partnertrack.core.roles import Role
from partnertrack.models import Partnership
from partnertrack.notifications.links import USED, use_form_link
from partnertrack.notifications.service import send_form_link_for

OTHER_SESSION = _l(
    "This link opens the form of the session of %(day)s only, so nothing was saved. To rate another session, log in."
)


def before_rating_saved(day: date | None) -> None:
    """Refuse, before anything is looked up or stored, a rating of another session than a form link's."""
    grant = restricted_grant()
    if grant is not None and day is not None and grant["date"] != day.isoformat():
        raise Refused(OTHER_SESSION % {"day": long_date(date.fromisoformat(grant["date"]))})


def after_rating_saved(partnership: Partnership, role: str, day: date, created: bool) -> None:
    """Mail the patient the form of a session the therapist has just rated; use up a form link."""
    if role == Role.THERAPIST:
        if created:
            send_form_link_for(partnership, day)
        return
    grant = restricted_grant()
    if grant is None:
        return
    if grant["date"] != day.isoformat():
        raise Refused(OTHER_SESSION % {"day": long_date(date.fromisoformat(grant["date"]))})
    if not use_form_link(grant["link"]):
        raise Refused(USED)
    record("form_link.used", partnership.id)
    end_restricted_session()
