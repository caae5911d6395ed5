"""The clinic's mail: invites to join a clinic, and telling patients of a clinic or a transfer.

Written by the worker at send time (core/outbox). Like every mail, none names the other party,
a score, a comment or a concern: the patient reads what changed in PartnerTrack.
"""

from __future__ import annotations

from flask import Flask, url_for
from flask_babel import lazy_gettext as _l

from partnertrack.clinic.models import Clinic, ClinicInvite
from partnertrack.core.clock import as_utc, now
from partnertrack.core.outbox import OutboxMessage, Rendered, Skip, register_renderer, render_letter
from partnertrack.core.refusals import N_
from partnertrack.extensions import db
from partnertrack.notifications.unsubscribe import ALL, unsubscribe_url

SUBJECTS = {
    "clinic_invite": _l("You are invited to a clinic in PartnerTrack"),
    "clinic_joined": _l("Your therapist's practice has joined a clinic"),
    "clinic_transfer": _l("Your partnership in PartnerTrack has a new therapist"),
}


def _links(message: OutboxMessage, build) -> tuple:
    """Run ``build`` under the message's base URL (the worker has no request of its own)."""
    from flask import current_app

    with current_app.test_request_context(base_url=message.data["base_url"]):
        return build()


def render_invite(message: OutboxMessage) -> Rendered | Skip:
    """The clinic invite: the join link, once, for 14 days."""
    from partnertrack.clinic.service import INVITE_DAYS, invite_token_of

    invite = db.session.get(ClinicInvite, message.data.get("invite_id"))
    if invite is None or invite.used_at is not None:
        return Skip(N_("Not sent: the invite was used first."))
    if as_utc(invite.expires_at) <= now():
        return Skip(N_("Not sent: the invite expired before the mail could go out."))
    link, unsubscribe = _links(
        message,
        lambda: (
            url_for("clinic_admin.join", token=invite_token_of(invite), _external=True),
            unsubscribe_url("invite", address=message.to_address),
        ),
    )
    clinic = db.session.get(Clinic, invite.clinic_id)
    return render_letter(
        "clinic_invite",
        SUBJECTS["clinic_invite"],
        message.data["base_url"],
        unsubscribe,
        link=link,
        days=INVITE_DAYS,
        clinic=clinic.name,
        role=invite.role,
    )


def _render_patient_notice(kind: str):
    """A renderer for a notice to a patient that links to their account's activity log."""

    def render(message: OutboxMessage) -> Rendered:
        """The notice, linking to the activity log."""
        link, unsubscribe = _links(
            message,
            lambda: (
                url_for("account.activity", _external=True),
                unsubscribe_url(ALL, user_id=message.user_id),
            ),
        )
        clinic = db.session.get(Clinic, message.data.get("clinic_id") or 0)
        return render_letter(
            kind, SUBJECTS[kind], message.data["base_url"], unsubscribe, link=link, clinic=clinic.name if clinic else ""
        )

    return render


def register(app: Flask) -> None:
    """Tell the mail worker how to write the clinic's mail."""
    register_renderer(app, "clinic_invite", render_invite)
    register_renderer(app, "clinic_joined", _render_patient_notice("clinic_joined"))
    register_renderer(app, "clinic_transfer", _render_patient_notice("clinic_transfer"))
