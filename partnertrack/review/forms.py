"""Ending-review forms: each party's notes; the buttons use auth.forms.EmptyForm."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField

from partnertrack.core.forms import text_field
from partnertrack.review.models import REVIEW_TEXT_MAX


class NotesForm(FlaskForm):
    """What progress was made and what was left undone, in one party's words."""

    progress = text_field(
        _l("Progress made"),
        REVIEW_TEXT_MAX,
        _l("Please write what progress was made."),
        "“Progress made”",
        description=_l("What changed for the better during therapy."),
    )
    left_undone = text_field(
        _l("What was left undone"),
        REVIEW_TEXT_MAX,
        _l("Please write what was left undone (“nothing” is an answer too)."),
        "“What was left undone”",
        description=_l("What you did not get to, or would work on next."),
    )
    submit = SubmitField(_l("Save my notes"))
