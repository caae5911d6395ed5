"""Rupture-log forms: raising a concern, adding a note, changing an entry's status."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SelectField, SubmitField

from partnertrack.core.forms import text_field
from partnertrack.core.idempotency import submission_field
from partnertrack.ruptures.models import NOTE_MAX


class ConcernForm(FlaskForm):
    """Something felt off: said openly, and seen by the partner straight away."""

    text = text_field(
        "What felt off?",
        NOTE_MAX,
        "Please say briefly what felt off.",
        "your concern",
        description="Your partner sees this straight away. Up to 2,000 characters.",
    )
    session = SelectField(
        "Which session is it about?", choices=[SelectChoice("", "No particular session")], validate_choice=False
    )
    submission = submission_field()  # a double tap raises the concern once (core/idempotency.py)
    submit = SubmitField("Raise the concern")


class NoteForm(FlaskForm):
    """A note on an entry."""

    note = text_field(
        "Add a note",
        NOTE_MAX,
        "Please write a note.",
        "your note",
        description="Both of you see the notes. Up to 2,000 characters.",
    )
    submit = SubmitField("Add note")


class StatusForm(FlaskForm):
    """Move an entry to its next status, with an optional note on why."""

    status = RadioField(
        "Mark this entry as",
        choices=[
            SelectChoice("discussed", "Discussed"),
            SelectChoice("repaired", "Repaired"),
            SelectChoice("open", "Open again"),
        ],
        validate_choice=False,
    )
    status_note = text_field("Note (optional)", NOTE_MAX, None, "your note")
    submit = SubmitField("Change status")
