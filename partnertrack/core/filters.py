"""Jinja filters and globals shared by every template, registered in one place."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask
from flask_babel import format_date, format_datetime, format_decimal
from flask_babel import lazy_gettext as _l

from partnertrack.core.roles import Role, party_words

# The words core/roles.party_words uses, in the viewer's language (a patient's name stays as it is).
# Only as the subject of a sentence: translations put them where a nominative fits.
PARTY_WORDS = {
    "you": _l("you"),
    "your therapist": _l("your therapist"),
    "your client": _l("your client"),
    "the patient": _l("the patient"),
    "the therapist": _l("the therapist"),
}


def who(party: str, viewer_role: str, partnership=None, capital: bool = False) -> str:
    """The person ``party`` as the viewer names them: "you", "your therapist" or the patient's name."""
    name = partnership.patient_name if partnership is not None else None
    text = party_words(party, viewer_role, name)[0]
    text = str(PARTY_WORDS.get(text, text))
    return text[:1].upper() + text[1:] if capital else text


def whose(party: str, viewer_role: str, partnership=None) -> str:
    """The possessive of ``who``, with a typographic apostrophe: "your", "your therapist’s", "Pat’s"."""
    name = partnership.patient_name if partnership is not None else None
    return party_words(party, viewer_role, name)[1].replace("'", "’")


# Babel (CLDR) patterns, so month and day names follow the viewer's language: "07 Mar 2026",
# "07 mar 2026", "07.03.2026" would differ in order too, so one day-month-year pattern is kept.
SHORT_DATE = "dd MMM y"
LONG_DATE = "full"
DAY_DATE = "EEE dd MMM y"
DATE_TIME = "dd MMM y, HH:mm"
DAY_MONTH = "dd MMM"


def short_date(value: date | datetime | None) -> str:
    """A date as people read it on a page, in the viewer's language: 07 Mar 2026 ("" for none)."""
    return format_date(value, SHORT_DATE) if value else ""


def long_date(value: date | datetime | None) -> str:
    """A date spelled out, for mail: Saturday, March 7, 2026 / sábado, 7 de marzo de 2026 ("" for none)."""
    return format_date(value, LONG_DATE) if value else ""


def day_date(value: date | datetime | None) -> str:
    """A date with its weekday: Sat 07 Mar 2026 ("" for none)."""
    return format_date(value, DAY_DATE) if value else ""


def day_month(value: date | datetime | None) -> str:
    """A date within the year: 07 Mar ("" for none)."""
    return format_date(value, DAY_MONTH) if value else ""


def date_time(value: datetime | None) -> str:
    """A moment as written, in its own time zone (no conversion): 07 Mar 2026, 14:05 ("" for none)."""
    if not value:
        return ""
    # format_datetime would move an aware value into Babel's default zone; the caller already chose it.
    return format_datetime(value.replace(tzinfo=None), DATE_TIME)


def number(value: float | None, places: int = 1, signed: bool = False) -> str:
    """A number with the viewer's decimal sign: 6.5 / 6,5; ``signed`` adds + to positive ones."""
    if value is None:
        return "–"
    pattern = ("+" if signed else "") + "0." + "0" * places
    if signed:
        pattern += ";-0." + "0" * places
    return format_decimal(value, format=pattern)


def register(app: Flask) -> None:
    """Make the helpers available to every template."""
    app.jinja_env.globals.update(who=who, whose=whose, Role=Role)
    app.jinja_env.filters.update(
        short_date=short_date,
        long_date=long_date,
        day_date=day_date,
        day_month=day_month,
        date_time=date_time,
        number=number,
    )
