"""Forms for opening a partnership."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length


class PartnershipForm(FlaskForm):
    """The patient's name and when therapy began."""

    patient_name = StringField(
        "Patient name",
        validators=[
            DataRequired(message="Please enter the patient's name."),
            Length(max=120, message="Please keep the name under 120 characters."),
        ],
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
        description="Only you and the patient see it.",
    )
    started_on = DateField(
        "Therapy started on",
        validators=[InputRequired(message="Please give the date therapy started.")],
        description="Sessions can be rated from this date on.",
    )
    submit = SubmitField("Open partnership")
