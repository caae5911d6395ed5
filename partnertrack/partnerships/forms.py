"""Forms for opening a partnership."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from partnertrack.auth.forms import normalise_email


def patient_email_field() -> EmailField:
    """The optional address the invite is mailed to."""
    return EmailField(
        _l("Patient email"),
        validators=[
            Optional(),
            Length(max=254, message=_l("That email address is too long.")),
            Email(message=_l("Please enter a valid email address, like name@example.org."), check_deliverability=False),
        ],
        filters=[normalise_email],
        description=_l("Optional. The invite link is mailed there; you can also copy it and send it yourself."),
    )


class PartnershipForm(FlaskForm):
    """The patient's name and when therapy began."""

    patient_name = StringField(
        _l("Patient name"),
        validators=[
            DataRequired(message=_l("Please enter the patient's name.")),
            Length(max=120, message=_l("Please keep the name under 120 characters.")),
        ],
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
        description=_l("Only you and the patient see it."),
    )
    started_on = DateField(
        _l("Therapy started on"),
        validators=[InputRequired(message=_l("Please give the date therapy started."))],
        description=_l("Sessions can be rated from this date on."),
    )
    patient_email = patient_email_field()
    submit = SubmitField(_l("Open partnership"))


class ReinviteForm(FlaskForm):
    """A new invite link, mailed when an address is given."""

    patient_email = patient_email_field()
