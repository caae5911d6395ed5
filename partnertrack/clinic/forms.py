"""Forms of the clinic pages: invites, transfers and the patient's supervision consent."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectChoice, SelectField, SubmitField
from wtforms.validators import Email, Length, Optional

from partnertrack.auth.forms import normalise_email
from partnertrack.clinic.models import CLINIC_ROLES

ROLE_CHOICES = [SelectChoice(role, role.capitalize()) for role in reversed(CLINIC_ROLES)]


class InviteForm(FlaskForm):
    """The role the invited person will have, and where to mail the link (optional)."""

    role = SelectField(
        "Role",
        choices=ROLE_CHOICES,
        # No InputRequired: it would render ``required`` on a select whose first option is a role
        # (invalid HTML); a value that is not one of the roles is refused by the choice check.
        description="Therapists bring their partnerships; supervisors see the clinic's figures; admins manage members.",
    )
    email = EmailField(
        "Email",
        validators=[
            Optional(),
            Length(max=254, message="That email address is too long."),
            Email(message="Please enter a valid email address, like name@example.org.", check_deliverability=False),
        ],
        filters=[normalise_email],
        description="Optional. The link is mailed there; you can also copy it and send it yourself.",
    )
    submit = SubmitField("Make invite link")


class TransferForm(FlaskForm):
    """Which partnership moves, and to which therapist of the clinic."""

    partnership = SelectField("Partnership", choices=[], validate_choice=False)
    therapist = SelectField("Move to therapist", choices=[], validate_choice=False)
    submit = SubmitField("Move partnership")


class ConsentForm(FlaskForm):
    """The patient's choice about their clinic's supervisors (off by default)."""

    allowed = BooleanField("Let my therapist's clinic supervisors see my ratings with my name")
    submit = SubmitField("Save my choice")
