"""The sessions page's forms: recording or planning sessions, adding one, marking one, merging a pair."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, RadioField, SelectChoice, StringField, SubmitField
from wtforms.validators import InputRequired, NumberRange, Optional

from partnertrack.core.forms import strip
from partnertrack.sessions.service import PLAN_MAX

DATE_MESSAGE = _l("Please give the date of the session.")


class PlanForm(FlaskForm):
    """The therapist records a session, or plans the coming ones weekly or fortnightly."""

    first = DateField(
        _l("Date of the session (the first, for a plan)"), validators=[InputRequired(message=DATE_MESSAGE)]
    )
    repeat = RadioField(
        _l("Repeat"),
        choices=[
            SelectChoice("once", _l("Just this session")),
            SelectChoice("weekly", _l("Weekly")),
            SelectChoice("fortnightly", _l("Fortnightly")),
        ],
        default="once",
        validate_choice=False,  # the service refuses anything else with its own message
    )
    count = IntegerField(
        _l("Number of sessions in the plan"),
        default=6,
        validators=[
            Optional(),
            NumberRange(min=1, max=PLAN_MAX, message=_l("A plan lists 1 to %(max)s sessions.")),
        ],
        description=_l("Used for a weekly or fortnightly plan; at most %(max)s.", max=PLAN_MAX),
    )
    submit = SubmitField(_l("Add to the sessions"))


class AddForm(FlaskForm):
    """The patient adds a session the therapist has not recorded."""

    day = DateField(_l("Date of the session"), validators=[InputRequired(message=DATE_MESSAGE)])
    submit = SubmitField(_l("Add the session and rate it"))


class StatusForm(FlaskForm):
    """Mark one session (the button carries the new status)."""

    status = StringField(filters=[strip])


class MergeForm(FlaskForm):
    """Merge one session into another (the buttons carry the two ids)."""

    keep = StringField(filters=[strip])
    other = StringField(filters=[strip])
