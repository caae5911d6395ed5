"""Jinja filters and globals shared by every template, registered in one place."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask

from partnertrack.core.roles import Role, party_words


def who(party: str, viewer_role: str, partnership=None, capital: bool = False) -> str:
    """The person ``party`` as the viewer names them: "you", "your therapist" or the patient's name."""
    name = partnership.patient_name if partnership is not None else None
    text = party_words(party, viewer_role, name)[0]
    return text[:1].upper() + text[1:] if capital else text


def whose(party: str, viewer_role: str, partnership=None) -> str:
    """The possessive of ``who``, with a typographic apostrophe: "your", "your therapist’s", "Pat’s"."""
    name = partnership.patient_name if partnership is not None else None
    return party_words(party, viewer_role, name)[1].replace("'", "’")


def short_date(value: date | datetime | None) -> str:
    """A date as people read it on a page: 07 Mar 2026 ("" for none)."""
    return value.strftime("%d %b %Y") if value else ""


def register(app: Flask) -> None:
    """Make the helpers available to every template."""
    app.jinja_env.globals.update(who=who, whose=whose, Role=Role)
    app.jinja_env.filters["short_date"] = short_date
