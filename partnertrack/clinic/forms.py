"""Forms of the clinic pages: invites, transfers and the patient's supervision consent."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectChoice, SelectField, SubmitField
from wtforms.validators import Email, Length, Optional

from partnertrack.auth.forms import normalise_email
from partnertrack.clinic.models import CLINIC_ROLES

# The roles as the select shows them, translated where the form is drawn.
ROLE_LABELS = {"admin": _l("Admin"), "supervisor": _l("Supervisor"), "therapist": _l("Therapist")}
ROLE_CHOICES = [SelectChoice(role, ROLE_LABELS[role]) for role in reversed(CLINIC_ROLES)]


class InviteForm(FlaskForm):
    """The role the invited person will have, and where to mail the link (optional)."""

    role = SelectField(
        _l("Role"),
        choices=ROLE_CHOICES,
        # No InputRequired: it would render ``required`` on a select whose first option is a role
        # (invalid HTML); a value that is not one of the roles is refused by the choice check.
        description=_l(
            "Therapists bring their partnerships; supervisors see the clinic's figures; admins manage members."
        ),
    )
    email = EmailField(
        _l("Email"),
        validators=[
            Optional(),
            Length(max=254, message=_l("That email address is too long.")),
            Email(message=_l("Please enter a valid email address, like name@example.org."), check_deliverability=False),
        ],
        filters=[normalise_email],
        description=_l("Optional. The link is mailed there; you can also copy it and send it yourself."),
    )
    submit = SubmitField(_l("Make invite link"))


class TransferForm(FlaskForm):
    """Which partnership moves, and to which therapist of the clinic."""

    partnership = SelectField(_l("Partnership"), choices=[], validate_choice=False)
    therapist = SelectField(_l("Move to therapist"), choices=[], validate_choice=False)
    submit = SubmitField(_l("Move partnership"))


class ConsentForm(FlaskForm):
    """The patient's choice about their clinic's supervisors (off by default)."""

    allowed = BooleanField(_l("Let my therapist's clinic supervisors see my ratings with my name"))
    submit = SubmitField(_l("Save my choice"))
