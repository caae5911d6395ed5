"""Forms of two-factor sign-in: the code at sign-in, and the password-confirmed settings steps."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from partnertrack.core.passwords import MAX_LENGTH

CODE_HINT = "The 6-digit code your authenticator app shows now, or one of your recovery codes."


class CodeForm(FlaskForm):
    """The second step of signing in."""

    code = StringField(
        "Authentication code",
        validators=[DataRequired(message="Please enter the code from your app."), Length(max=40)],
        description=CODE_HINT,
    )
    submit = SubmitField("Sign in")


def _current_password() -> PasswordField:
    """The account's password, asked again before its sign-in changes."""
    return PasswordField(
        "Current password",
        validators=[DataRequired(message="Please enter your current password."), Length(max=MAX_LENGTH)],
    )


class SetupForm(FlaskForm):
    """The first code from the newly added app, and the password: two-factor sign-in goes on."""

    code = StringField(
        "Authentication code",
        validators=[DataRequired(message="Please enter the code your app shows."), Length(max=40)],
        description="The 6-digit code your authenticator app shows for PartnerTrack.",
    )
    current = _current_password()
    submit = SubmitField("Turn on two-factor sign-in")


class PasswordConfirmForm(FlaskForm):
    """A step that only needs the password again (new recovery codes, turning it off)."""

    current = _current_password()
    submit = SubmitField("Confirm")
