"""Rupture-log forms: raising a concern, adding a note, changing an entry's status."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SelectField, StringField, SubmitField

from partnertrack.core.forms import text_field
from partnertrack.core.idempotency import submission_field
from partnertrack.core.phrase import N_
from partnertrack.ruptures.models import NOTE_MAX


class ConcernForm(FlaskForm):
    """Something felt off: said openly, and seen by the partner straight away."""

    text = text_field(
        _l("What felt off?"),
        NOTE_MAX,
        _l("Please say briefly what felt off."),
        N_("Please keep your concern to %(max)s characters or fewer."),
        description=_l("Your partner sees this straight away. Up to 2,000 characters."),
    )
    session = SelectField(
        _l("Which session is it about?"), choices=[SelectChoice("", _l("No particular session"))], validate_choice=False
    )
    submission = submission_field()  # a double tap raises the concern once (core/idempotency.py)
    submit = SubmitField(_l("Raise the concern"))


class NoteForm(FlaskForm):
    """A note on an entry."""

    note = text_field(
        _l("Add a note"),
        NOTE_MAX,
        _l("Please write a note."),
        N_("Please keep your note to %(max)s characters or fewer."),
        description=_l("Both of you see the notes. Up to 2,000 characters."),
    )
    submit = SubmitField(_l("Add note"))


class StatusForm(FlaskForm):
    """Move an entry to its next status, with an optional note on why."""

    status = RadioField(
        _l("Mark this entry as"),
        choices=[
            SelectChoice("discussed", _l("Discussed")),
            SelectChoice("repaired", _l("Repaired")),
            SelectChoice("open", _l("Open again")),
        ],
        validate_choice=False,
    )
    status_note = text_field(
        _l("Note (optional)"), NOTE_MAX, None, N_("Please keep your note to %(max)s characters or fewer.")
    )
    submit = SubmitField(_l("Change status"))


class AnswerForm(FlaskForm):
    """One answer to what the log asks: the buttons carry it (yes / not_yet, accept / decline)."""

    answer = StringField()
