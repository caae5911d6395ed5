"""Goal forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SubmitField

from partnertrack.core.forms import text_field
from partnertrack.core.phrase import N_
from partnertrack.goals.models import GOAL_TEXT_MAX


class GoalForm(FlaskForm):
    """A new shared goal."""

    text = text_field(
        _l("New goal"),
        GOAL_TEXT_MAX,
        _l("Please write the goal."),
        N_("Please keep the goal to %(max)s characters or fewer."),
        description=_l(
            "One goal you want to work on together, in your own words (up to %(max)s characters).", max=GOAL_TEXT_MAX
        ),
    )
    submit = SubmitField(_l("Add goal"))


class RewordForm(FlaskForm):
    """New wording for an active goal; made with a per-goal prefix so each card's ids differ."""

    text = text_field(
        _l("New wording"),
        GOAL_TEXT_MAX,
        _l("Please write the goal."),
        N_("Please keep the goal to %(max)s characters or fewer."),
    )
    submit = SubmitField(_l("Save new wording"))


class StatusForm(FlaskForm):
    """Mark a goal achieved or dropped, or set it active again (the button carries the status)."""

    status = HiddenField()
    submit = SubmitField(_l("Change"))
