"""Forms of the account pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectChoice, SelectField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from partnertrack.auth.forms import password_field
from partnertrack.core.i18n import LANGUAGES
from partnertrack.core.passwords import MAX_LENGTH


def current_password_field() -> PasswordField:
    """The password the user has now, asked again before anything sensitive."""
    return PasswordField(
        _l("Current password"),
        validators=[DataRequired(message=_l("Please enter your current password.")), Length(max=MAX_LENGTH)],
    )


class PasswordChangeForm(FlaskForm):
    """Current password, then the new one twice."""

    current = current_password_field()
    password = password_field(_l("New password"))
    confirm = PasswordField(
        _l("Confirm new password"),
        validators=[
            DataRequired(message=_l("Please type your new password again.")),
            EqualTo("password", message=_l("The two new passwords do not match.")),
        ],
    )
    submit = SubmitField(_l("Change password"))


class DeleteAccountForm(FlaskForm):
    """The confirmation step: the password again and an explicit tick."""

    current = current_password_field()
    understood = BooleanField(
        _l("I understand that my account and what I wrote are deleted for good"),
        validators=[DataRequired(message=_l("Please tick the box to confirm that you want to delete your account."))],
    )
    submit = SubmitField(_l("Delete my account"))


class LanguageForm(FlaskForm):
    """The language of one's pages and mail; empty: follow the browser."""

    language = SelectField(
        _l("Language"),
        choices=[
            SelectChoice("", _l("The language of my browser")),
            *(SelectChoice(code, name) for code, name in LANGUAGES.items()),
        ],
        validate_choice=True,
    )
    submit = SubmitField(_l("Save language"))
