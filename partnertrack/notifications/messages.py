"""What each kind of mail says, written by the worker at send time from templates/email/.

Privacy rule for every mail: no score, comment, concern, goal or name of the other party,
in the subject or the body; subjects are neutral. A mail says that something is waiting
and links to it; what it is, the person reads after logging in (or, for a form link, on
the one form the link opens).

Each renderer returns ``Rendered``, ``Skip`` (no longer wanted; the reason is shown to the
therapist where delivery is shown) or ``Later`` (quiet hours).
"""

from __future__ import annotations

from flask import Flask, current_app, url_for
from flask_babel import lazy_gettext as _l

from partnertrack.core.clock import as_utc, now
from partnertrack.core.outbox import Later, OutboxMessage, Rendered, Skip, register_renderer, render_letter
from partnertrack.core.refusals import N_
from partnertrack.core.tasks import register_periodic
from partnertrack.extensions import db
from partnertrack.models import Invite, Partnership
from partnertrack.notifications.links import form_token, patient_has_rated
from partnertrack.notifications.models import FormLink
from partnertrack.notifications.periodic import send_due_digests, send_due_reminders
from partnertrack.notifications.schedule import in_quiet_hours, quiet_hours_end
from partnertrack.notifications.settings import is_suppressed, time_zone_of, wants
from partnertrack.notifications.unsubscribe import unsubscribe_url
from partnertrack.partnerships.service import invite_token

SUBJECTS = {
    "invite": _l("You are invited to PartnerTrack"),
    "form_link": _l("A form is waiting for you in PartnerTrack"),
    "reminder": _l("A reminder: a form is waiting for you in PartnerTrack"),
    "alert": _l("Please look at PartnerTrack soon"),
    "digest": _l("Your weekly PartnerTrack summary"),
}
TURNED_OFF = N_("Not sent: the recipient turned these emails off.")


def _letter(kind: str, message: OutboxMessage, unsubscribe: str | None, **context) -> Rendered:
    """``render_letter`` for ``kind`` with the message's base URL."""
    return render_letter(kind, SUBJECTS[kind], message.data["base_url"], unsubscribe, **context)


def _in_links(message: OutboxMessage, build):
    """Run ``build`` (which calls url_for) with links under the message's base URL."""
    with current_app.test_request_context(base_url=message.data["base_url"]):
        return build()


def render_invite(message: OutboxMessage) -> Rendered | Skip:
    """The invite: the join link, valid once and for INVITE_DAYS."""
    invite = db.session.get(Invite, message.data.get("invite_id"))
    if invite is None or invite.used_at is not None or invite.nonce is None:
        return Skip(N_("Not sent: the invite was used or replaced by a newer one first."))
    if as_utc(invite.expires_at) <= now():
        return Skip(N_("Not sent: the invite expired before the mail could go out."))
    if is_suppressed(message.to_address):
        return Skip(N_("Not sent: this address asked not to get invitations from PartnerTrack."))
    link, unsubscribe = _in_links(
        message,
        lambda: (
            url_for("partnerships.join_page", token=invite_token(invite.nonce), _external=True),
            unsubscribe_url("invite", address=message.to_address),
        ),
    )
    return _letter("invite", message, unsubscribe, link=link, days=current_app.config["INVITE_DAYS"])


def _form_link_skip(link: FormLink | None, kind: str) -> Skip | None:
    """Why a form link or reminder is no longer worth sending, if it is not."""
    if link is None:
        return Skip(N_("Not sent: the link no longer exists."))
    partnership = link.therapy_session.partnership
    if link.used_at is not None or patient_has_rated(link.session_id):
        return Skip(N_("Not sent: the patient rated the session before the mail went out."))
    if as_utc(link.expires_at) <= now():
        return Skip(N_("Not sent: the link expired before the mail could go out."))
    if partnership.read_only or partnership.patient_id != link.user_id:
        return Skip(N_("Not sent: the partnership has ended."))
    if not wants(link.user_id, "form_links" if kind == "form_link" else "reminders"):
        return Skip(TURNED_OFF)
    return None


def render_form_link(message: OutboxMessage) -> Rendered | Skip | Later:
    """The form link (or its one reminder): opens that session's form, once, until it expires."""
    link = db.session.get(FormLink, message.data.get("link_id"))
    skip = _form_link_skip(link, message.kind)
    if skip is not None:
        return skip
    tz = time_zone_of(link.user_id)
    quiet = tuple(current_app.config["QUIET_HOURS"])
    if message.kind == "reminder" and in_quiet_hours(now(), tz, quiet):
        return Later(quiet_hours_end(now(), tz, quiet))
    preference = "form_links" if message.kind == "form_link" else "reminders"
    url, unsubscribe = _in_links(
        message,
        lambda: (
            url_for("notifications.form_link", token=form_token(link), _external=True),
            unsubscribe_url(preference, user_id=link.user_id),
        ),
    )
    expires = as_utc(link.expires_at).astimezone(tz)
    return _letter(
        message.kind,
        message,
        unsubscribe,
        link=url,
        session_date=link.therapy_session.date,
        expires=expires,
        hours=current_app.config["FORM_LINK_HOURS"],
    )


def render_alert(message: OutboxMessage) -> Rendered | Skip:
    """An alert to the therapist: a patient needs their attention; the link opens the partnership."""
    partnership = db.session.get(Partnership, message.data.get("partnership_id"))
    if partnership is None:
        return Skip(N_("Not sent: the partnership no longer exists."))
    if partnership.read_only:
        # Raised before the ending (or the patient's leaving), sent after it: the alert would be stale.
        return Skip(N_("Not sent: the partnership has ended."))
    if not wants(partnership.therapist_id, "alerts"):
        return Skip(TURNED_OFF)
    url, unsubscribe = _in_links(
        message,
        lambda: (
            url_for("partnership.show", partnership_id=partnership.id, _external=True),
            unsubscribe_url("alerts", user_id=partnership.therapist_id),
        ),
    )
    return _letter("alert", message, unsubscribe, link=url, reason=message.data.get("reason"))


def render_digest(message: OutboxMessage) -> Rendered | Skip:
    """The weekly digest: how many forms are owed and how many signals are new, nothing more."""
    if message.user_id is None or not wants(message.user_id, "digest"):
        return Skip(TURNED_OFF)
    url, unsubscribe = _in_links(
        message,
        lambda: (url_for("dashboard.index", _external=True), unsubscribe_url("digest", user_id=message.user_id)),
    )
    data = message.data
    return _letter(
        "digest",
        message,
        unsubscribe,
        link=url,
        forms_owed=data.get("forms_owed", 0),
        new_signals=data.get("new_signals", 0),
    )


def register(app: Flask) -> None:
    """Register this feature's renderers and its periodic jobs with the outbox and the worker."""
    register_renderer(app, "invite", render_invite)
    register_renderer(app, "form_link", render_form_link)
    register_renderer(app, "reminder", render_form_link)
    register_renderer(app, "alert", render_alert)
    register_renderer(app, "digest", render_digest)
    register_periodic(app, "reminders", send_due_reminders, every_seconds=60)
    register_periodic(app, "digests", send_due_digests, every_seconds=300)
