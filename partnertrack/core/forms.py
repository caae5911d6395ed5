"""Form pieces every feature shares: trimmed text fields and the button-only form.

Control characters (NUL and the like) never reach a form: core/security.py turns such a
request away before any view runs.
"""

from __future__ import annotations

from flask_babel import format_number
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length


def strip(value):
    """Trim surrounding spaces from text input; leave None (field not sent) alone."""
    return value.strip() if isinstance(value, str) else value


def limit_message(message: str, limit: int) -> LazyString:
    """``message`` (marked with ``N_``, holding ``%(max)s``) in the viewer's language, with the limit.

    The field is made at import time, so the message is lazy: it is translated, and the
    limit written with the viewer's digit grouping ("2,000", "2.000"), when it is shown.
    """
    return _l(message, max=LazyString(format_number, limit))


def text_field(label: str, limit: int, empty: str | None, too_long: str, description: str = "") -> TextAreaField:
    """A trimmed text area with a length limit; ``empty`` is the message when required.

    ``too_long`` is a whole sentence marked with ``N_`` with a ``%(max)s`` placeholder
    ("Please keep the goal to %(max)s characters or fewer."), one per field, so each language
    words it naturally.
    """
    checks = [DataRequired(message=empty)] if empty else []
    checks.append(Length(max=limit, message=limit_message(too_long, limit)))
    return TextAreaField(label, validators=checks, filters=[strip], description=description)


class EmptyForm(FlaskForm):
    """A CSRF-protected form with only a button (logout, join, re-invite)."""

    submit = SubmitField(_l("Submit"))
