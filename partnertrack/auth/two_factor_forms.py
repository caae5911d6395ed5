"""Forms of two-factor sign-in: the code at sign-in, and the password-confirmed settings steps."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from partnertrack.core.passwords import MAX_LENGTH

CODE_HINT = _l("The 6-digit code your authenticator app shows now, or one of your recovery codes.")


class CodeForm(FlaskForm):
    """The second step of signing in."""

    code = StringField(
        _l("Authentication code"),
        validators=[DataRequired(message=_l("Please enter the code from your app.")), Length(max=40)],
        description=CODE_HINT,
    )
    submit = SubmitField(_l("Sign in"))


def _current_password() -> PasswordField:
    """The account's password, asked again before its sign-in changes."""
    return PasswordField(
        _l("Current password"),
        validators=[DataRequired(message=_l("Please enter your current password.")), Length(max=MAX_LENGTH)],
    )


class SetupForm(FlaskForm):
    """The first code from the newly added app, and the password: two-factor sign-in goes on."""

    code = StringField(
        _l("Authentication code"),
        validators=[DataRequired(message=_l("Please enter the code your app shows.")), Length(max=40)],
        description=_l("The 6-digit code your authenticator app shows for PartnerTrack."),
    )
    current = _current_password()
    submit = SubmitField(_l("Turn on two-factor sign-in"))


class PasswordConfirmForm(FlaskForm):
    """A step that only needs the password again (new recovery codes, turning it off)."""

    current = _current_password()
    submit = SubmitField(_l("Confirm"))
