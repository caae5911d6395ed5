"""Goal forms, and the trimmed, length-limited text field the rupture and review forms share too.

Control characters (NUL and the like) never reach a form: security.refuse_control_characters
turns such a request away before any view runs.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from .models import GOAL_TEXT_MAX


def strip(value):
    """Trim surrounding spaces from text input; leave None (field not sent) alone."""
    return value.strip() if isinstance(value, str) else value


def text_field(label: str, limit: int, empty: str | None, what: str, description: str = "") -> TextAreaField:
    """A trimmed text area with a length limit; ``empty`` is the message when required."""
    checks = [DataRequired(message=empty)] if empty else []
    checks.append(Length(max=limit, message=f"Please keep {what} to {limit:,} characters or fewer."))
    return TextAreaField(label, validators=checks, filters=[strip], description=description)


class GoalForm(FlaskForm):
    """A new shared goal."""

    text = text_field("New goal", GOAL_TEXT_MAX, "Please write the goal.", "the goal",
                      description="One goal you want to work on together, in your own words "
                                  f"(up to {GOAL_TEXT_MAX} characters).")
    submit = SubmitField("Add goal")


class RewordForm(FlaskForm):
    """New wording for an active goal; made with a per-goal prefix so each card's ids differ."""

    text = text_field("New wording", GOAL_TEXT_MAX, "Please write the goal.", "the goal")
    submit = SubmitField("Save new wording")


class StatusForm(FlaskForm):
    """Mark a goal achieved or dropped, or set it active again (the button carries the status)."""

    status = HiddenField()
    submit = SubmitField("Change")
