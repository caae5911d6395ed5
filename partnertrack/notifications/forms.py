"""Forms of the notifications feature: the account's mail choices."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, SubmitField
from wtforms.validators import ValidationError

from partnertrack.notifications.schedule import is_zone, zone_names
from partnertrack.notifications.settings import KINDS, KINDS_BY_ROLE


class NotificationsFormBase(FlaskForm):
    """The time zone; one box per kind of mail is added for the account's role."""

    time_zone = SelectField(
        _l("Time zone"),
        description=_l(
            "Emails that can wait, such as reminders, never arrive between 21:00 and 08:00 in this time zone."
        ),
        validate_choice=False,
    )
    submit = SubmitField(_l("Save email choices"))

    def validate_time_zone(self, field) -> None:
        """Only a time zone this machine knows."""
        if not is_zone(field.data or ""):
            raise ValidationError("Please choose a time zone from the list.")


def notifications_form(role: str) -> NotificationsFormBase:
    """The form with one box per kind of mail this role can get."""
    fields = {kind: BooleanField(KINDS[kind]) for kind in KINDS_BY_ROLE.get(role, ())}
    form = type("NotificationsForm", (NotificationsFormBase,), fields)()
    form.time_zone.choices = [(name, name.replace("_", " ")) for name in zone_names()]
    return form


def chosen_kinds(form: NotificationsFormBase, role: str) -> dict[str, bool]:
    """The boxes of ``form`` by kind."""
    return {kind: bool(form[kind].data) for kind in KINDS_BY_ROLE.get(role, ())}
