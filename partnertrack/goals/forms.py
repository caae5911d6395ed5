"""Goal forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SubmitField

from partnertrack.core.forms import text_field
from partnertrack.goals.models import GOAL_TEXT_MAX


class GoalForm(FlaskForm):
    """A new shared goal."""

    text = text_field(
        "New goal",
        GOAL_TEXT_MAX,
        "Please write the goal.",
        "the goal",
        description=f"One goal you want to work on together, in your own words (up to {GOAL_TEXT_MAX} characters).",
    )
    submit = SubmitField("Add goal")


class RewordForm(FlaskForm):
    """New wording for an active goal; made with a per-goal prefix so each card's ids differ."""

    text = text_field("New wording", GOAL_TEXT_MAX, "Please write the goal.", "the goal")
    submit = SubmitField("Save new wording")


class StatusForm(FlaskForm):
    """Mark a goal achieved or dropped, or set it active again (the button carries the status)."""

    status = HiddenField()
    submit = SubmitField("Change")
