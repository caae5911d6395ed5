"""Ending-review forms: each party's notes; the buttons use auth.forms.EmptyForm."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField

from partnertrack.core.forms import text_field
from partnertrack.core.phrase import N_
from partnertrack.review.models import REVIEW_TEXT_MAX


class NotesForm(FlaskForm):
    """What progress was made and what was left undone, in one party's words."""

    progress = text_field(
        _l("Progress made"),
        REVIEW_TEXT_MAX,
        _l("Please write what progress was made."),
        N_("Please keep “Progress made” to %(max)s characters or fewer."),
        description=_l("What changed for the better during therapy."),
    )
    left_undone = text_field(
        _l("What was left undone"),
        REVIEW_TEXT_MAX,
        _l("Please write what was left undone (“nothing” is an answer too)."),
        N_("Please keep “What was left undone” to %(max)s characters or fewer."),
        description=_l("What you did not get to, or would work on next."),
    )
    submit = SubmitField(_l("Save my notes"))
