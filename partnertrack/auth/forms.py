"""Account forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from partnertrack.core.password_policy import (
    COMMON_MESSAGE,
    common_passwords,
    policy_problem,
)
from partnertrack.core.passwords import MAX_LENGTH, MIN_LENGTH
from partnertrack.extensions import db
from partnertrack.models import User

TAKEN_MESSAGE = _l(
    "We could not create an account with this email address. "
    "If you already have an account, log in instead; if you cannot, ask your PartnerTrack administrator."
)
PASSWORD_HINT = _l("At least %(count)d characters. A long phrase is easier to remember than symbols.", count=MIN_LENGTH)


def normalise_email(value: str | None) -> str:
    """Emails compare case-insensitively and without surrounding spaces."""
    return (value or "").strip().lower()


def not_common(_form, field) -> None:
    """Refuse a password from the shipped list of the most common ones."""
    if field.data and field.data.strip().lower() in common_passwords():
        raise ValidationError(COMMON_MESSAGE)


def password_field(label: str = _l("Password")) -> PasswordField:
    """A password input with the length policy, the common-password check and clear messages."""
    return PasswordField(
        label,
        validators=[
            DataRequired(message=_l("Please choose a password.")),
            Length(
                min=MIN_LENGTH,
                max=MAX_LENGTH,
                message=_l("Your password must be between %(min)d and %(max)d characters long."),
            ),
            not_common,
        ],
        description=PASSWORD_HINT,
    )


class AccountForm(FlaskForm):
    """Name, email and a confirmed password: shared by sign-up and joining by invite."""

    name = StringField(
        _l("Name"),
        validators=[
            DataRequired(message=_l("Please enter your name.")),
            Length(max=120, message=_l("Please keep your name under 120 characters.")),
        ],
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
    )
    email = EmailField(
        _l("Email"),
        validators=[
            DataRequired(message=_l("Please enter your email address.")),
            Length(max=254, message=_l("That email address is too long.")),
            Email(message=_l("Please enter a valid email address, like name@example.org."), check_deliverability=False),
        ],
        filters=[normalise_email],
    )
    password = password_field()
    confirm = PasswordField(
        _l("Confirm password"),
        validators=[
            DataRequired(message=_l("Please type your password again.")),
            EqualTo("password", message=_l("The two passwords do not match.")),
        ],
    )
    submit = SubmitField(_l("Create account"))

    def validate_email(self, field) -> None:
        """Refuse an email that already has an account, in words that do not say so.

        Sign-up cannot succeed for a taken address, so without mail the answer differs
        from a successful one whatever it says; it never confirms the account, and the
        sign-up limits (per client address and per address signed up) keep probing slow.
        """
        taken = db.session.scalar(db.select(User.id).where(User.email == field.data))
        if taken is not None:
            raise ValidationError(TAKEN_MESSAGE)

    def validate_password(self, field) -> None:
        """Refuse a password that is the email address, a common one, or easy to guess (zxcvbn)."""
        problem = policy_problem(field.data, self.email.data, self.name.data)
        if problem and problem not in field.errors:
            raise ValidationError(problem)


class MailedSignupForm(AccountForm):
    """Sign-up that finishes by a mailed link: a taken address is answered like a new one (auth/signup.py)."""

    def validate_email(self, field) -> None:
        """Accept any well-formed address: the mail, not the page, tells its owner it is taken."""


class LoginForm(FlaskForm):
    """Email and password."""

    email = EmailField(
        _l("Email"),
        validators=[DataRequired(message=_l("Please enter your email address.")), Length(max=254)],
        filters=[normalise_email],
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(message=_l("Please enter your password.")), Length(max=MAX_LENGTH)]
    )
    submit = SubmitField(_l("Log in"))
