"""Form pieces every feature shares: trimmed text fields and the button-only form.

Control characters (NUL and the like) never reach a form: core/security.py turns such a
request away before any view runs.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length


def strip(value):
    """Trim surrounding spaces from text input; leave None (field not sent) alone."""
    return value.strip() if isinstance(value, str) else value


def text_field(label: str, limit: int, empty: str | None, what: str, description: str = "") -> TextAreaField:
    """A trimmed text area with a length limit; ``empty`` is the message when required."""
    checks = [DataRequired(message=empty)] if empty else []
    checks.append(Length(max=limit, message=f"Please keep {what} to {limit:,} characters or fewer."))
    return TextAreaField(label, validators=checks, filters=[strip], description=description)


class EmptyForm(FlaskForm):
    """A CSRF-protected form with only a button (logout, join, re-invite)."""

    submit = SubmitField("Submit")
