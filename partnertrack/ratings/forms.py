"""The post-session form, built from the factor definitions."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, Field, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError
from wtforms.widgets import NumberInput

from partnertrack.core.forms import strip
from partnertrack.ratings.factors import (
    FACTORS,
    NOT_APPLICABLE_LABEL,
    RUPTURE_CHOICES,
    RUPTURE_NONE,
    RUPTURE_QUESTION,
    RUPTURE_RAISED,
    RUPTURE_REPAIRED,
    SCORE_MAX,
    SCORE_MIN,
)


class ScoreField(Field):
    """A whole number from 0 to 10, with one plain message for anything else (7.5, "abc", 11)."""

    widget = NumberInput(step="1", min=SCORE_MIN, max=SCORE_MAX)

    def __init__(self, label: str, optional: bool = False, **kwargs):
        super().__init__(label, **kwargs)
        self.optional = optional
        self.raw = ""

    def process_formdata(self, valuelist):
        """Keep the raw text (to show it back) and parse it strictly."""
        self.raw = (valuelist[0] if valuelist else "").strip()
        self.data = None
        # fullmatch on ASCII digits: str.isdigit() also accepts "²", which int() refuses.
        if re.fullmatch(r"-?[0-9]{1,3}", self.raw):
            self.data = int(self.raw)

    def _value(self) -> str:
        """What the input shows: the number, or what was typed."""
        return str(self.data) if self.data is not None else self.raw

    def pre_validate(self, form):
        """Missing, non-integer and out-of-range scores get the same clear message."""
        message = _(
            "%(name)s: choose a whole number from %(min)s to %(max)s.",
            name=self.label.text,
            min=SCORE_MIN,
            max=SCORE_MAX,
        )
        if not self.raw:
            if self.optional:
                return
            raise ValidationError(message)
        if self.data is None or not SCORE_MIN <= self.data <= SCORE_MAX:
            self.data = None
            raise ValidationError(message)


CHOICE_LABELS = dict(RUPTURE_CHOICES)


class RatingFormBase(FlaskForm):
    """Session date, the rupture question, comment and concern; the factor fields are added below."""

    session_date = DateField(
        _l("Session date"), validators=[InputRequired(message=_l("Please give the date of the session."))]
    )
    # One control, exclusive answers (RUPTURE_CHOICES); drawn as radio buttons by the template.
    rupture_choice = StringField(_l(RUPTURE_QUESTION), filters=[strip])
    comment = TextAreaField(
        _l("Comment"),
        validators=[Length(max=2000, message=_l("Please keep your comment to 2,000 characters or fewer."))],
        description=_l("Optional. Shown with your answers."),
    )
    # A raised concern goes to the rupture log and is seen by the partner at once.
    concern_text = TextAreaField(
        _l("What felt off? (optional)"),
        validators=[Length(max=2000, message=_l("Please keep your concern to 2,000 characters or fewer."))],
        filters=[strip],
        description=_l("Your partner sees a concern straight away, before both ratings are shown."),
    )
    # The answers to "Did you mean the session of …?" (buttons that send the whole form again).
    use_session = StringField()
    new_session = StringField()
    submit = SubmitField(_l("Save my rating"))

    def check_date(self, earliest: date, latest: date) -> bool:
        """Refuse a session date in the future or before the partnership began."""
        day = self.session_date.data
        if day is None:
            return False
        if day > latest:
            self.session_date.errors.append(_("The session date cannot be in the future."))
            return False
        if day < earliest:
            self.session_date.errors.append(
                _(
                    "The session date cannot be before the partnership began (%(day)s).",
                    day=format_date(earliest, "dd MMMM y"),
                )
            )
            return False
        return True

    @property
    def choice(self) -> str:
        """The rupture answer chosen ("" when none was)."""
        return self.rupture_choice.data or ""

    def validate_rupture_repair(self, field) -> None:
        """The rupture question's exclusive answers, each with what it needs.

        Nothing felt off takes no score; talked through needs one; a raised concern may
        keep a score given with it (nothing typed is dropped silently). A score with no
        answer chosen means it was talked through.
        """
        name = field.label.text
        if self.choice not in ("", *CHOICE_LABELS):
            field.errors[:] = []
            raise ValidationError(
                _(
                    "%(name)s: please choose one of the answers to “%(question)s”",
                    name=name,
                    question=_(RUPTURE_QUESTION),
                )
            )
        if self.choice == RUPTURE_NONE:
            field.errors[:] = []
            if field.raw:
                raise ValidationError(
                    _(
                        "%(name)s: give a score or choose “%(answer)s”, not both.",
                        name=name,
                        answer=_(NOT_APPLICABLE_LABEL),
                    )
                )
            field.data = None
        elif self.choice == RUPTURE_RAISED and not field.raw:
            field.errors[:] = []
            field.data = None
        elif field.data is None and not field.errors:
            raise ValidationError(
                _(
                    "%(name)s: choose a whole number from %(min)s to %(max)s, or choose “%(answer)s”.",
                    name=name,
                    min=SCORE_MIN,
                    max=SCORE_MAX,
                    answer=_(NOT_APPLICABLE_LABEL),
                )
            )

    def validate_concern_text(self, field) -> None:
        """Words about what felt off belong to the answer that raises a concern; never dropped silently."""
        if field.data and self.choice != RUPTURE_RAISED:
            raise ValidationError(
                _(
                    "You wrote what felt off: choose “%(answer)s” to raise it, or clear the text.",
                    answer=_(CHOICE_LABELS[RUPTURE_RAISED]),
                )
            )

    def goal_fields(self) -> list[tuple[int, ScoreField]]:
        """(goal id, field) of the progress inputs, in the order the goals were set."""
        return [(int(name[5:]), field) for name, field in self._fields.items() if name.startswith("goal_")]

    def goal_progress(self) -> dict[int, int | None]:
        """The progress answers by goal id (None where left empty)."""
        return {goal_id: field.data for goal_id, field in self.goal_fields()}

    def concern_raised(self) -> bool:
        """True when the answer to the rupture question is a concern to raise."""
        return self.choice == RUPTURE_RAISED

    def scores(self) -> dict[str, int | None]:
        """The validated scores by factor key (rupture repair None when nothing felt off)."""
        values = {f.key: getattr(self, f.key).data for f in FACTORS}
        if self.choice == RUPTURE_NONE:
            values["rupture_repair"] = None
        return values

    def show_answers(self, scores: dict[str, int | None], comment: str, raised: bool) -> None:
        """Fill the form with answers given earlier (the party's own, when they come back to change them)."""
        for key, value in scores.items():
            getattr(self, key).data = value
        if raised:
            self.rupture_choice.data = RUPTURE_RAISED
        elif scores.get("rupture_repair") is None:
            self.rupture_choice.data = RUPTURE_NONE
        else:
            self.rupture_choice.data = RUPTURE_REPAIRED
        self.comment.data = comment


class RatingForm(RatingFormBase):
    """The post-session form with one score field per factor."""


for _factor in FACTORS:
    setattr(RatingForm, _factor.key, ScoreField(_l(_factor.name), optional=_factor.allows_not_applicable))


def rating_form_for(goals: Sequence[tuple[int, str]]) -> RatingForm:
    """The form with one optional 0-10 progress input per active goal; the plain form without goals.

    The label says "Progress on goal N" and the goal's own words are its
    description: a goal's text may contain a factor name or "Comment", and a
    label must never compete with the factor inputs found by their labels.
    """
    if not goals:
        return RatingForm()
    fields = {
        f"goal_{goal_id}": ScoreField(_l("Progress on goal %(number)s", number=n), optional=True, description=text)
        for n, (goal_id, text) in enumerate(goals, start=1)
    }
    return type("RatingFormWithGoals", (RatingForm,), fields)()
