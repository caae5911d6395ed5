"""The viewer's language: chosen on the account page, else the browser's, else English.

Flask-Babel (``extensions.babel``) asks ``select_locale`` once per request. Mail has no
viewer: ``core/outbox.render`` writes each mail inside ``force_locale(mail_locale(...))``,
the recipient's stored language. docs/i18n.md describes the catalogs.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from babel.numbers import get_decimal_symbol
from flask import Flask, current_app, has_request_context, request
from flask_babel import format_date, format_decimal, get_locale, get_translations
from flask_login import current_user

from partnertrack.core.phrase import Number, Phrase
from partnertrack.extensions import babel

DEFAULT = "en"
# The interface languages, each named in itself (a person looks for their own language's name).
LANGUAGES = {"en": "English", "es": "Español", "de": "Deutsch"}
_LOOKUP = "partnertrack.language_of"


def supported(code: str | None) -> str | None:
    """``code`` when PartnerTrack speaks it, else None."""
    return code if code in LANGUAGES else None


def browser_language() -> str:
    """The best match of the request's Accept-Language among the supported languages, else English."""
    if not has_request_context():
        return DEFAULT
    return request.accept_languages.best_match(list(LANGUAGES), default=DEFAULT)


def select_locale() -> str:
    """Flask-Babel's locale selector: the account's choice, else the browser's language."""
    chosen = supported(getattr(current_user, "language", None)) if has_request_context() else None
    return chosen or browser_language()


def current_language() -> str:
    """The language of what is being rendered now (a request, or a mail under force_locale)."""
    return str(get_locale() or DEFAULT)


def register_language_lookup(app: Flask, lookup: Callable[[int], str | None]) -> None:
    """How mail finds an account's stored language (the account feature owns the column)."""
    app.extensions[_LOOKUP] = lookup


def mail_locale(user_id: int | None, recorded: str | None) -> str:
    """A mail's language: the recipient account's stored language, else the one recorded with the mail."""
    lookup = current_app.extensions.get(_LOOKUP)
    stored = lookup(user_id) if lookup is not None and user_id is not None else None
    return supported(stored) or supported(recorded) or DEFAULT


def register(app: Flask) -> None:
    """Bind Flask-Babel with the locale selector; catalogs live in partnertrack/translations/."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals.update(current_language=current_language, LANGUAGES=LANGUAGES, decimal_point=decimal_point)
    app.jinja_env.filters["tr"] = tr
    app.jinja_env.filters["full_month_date"] = full_month_date


def full_month_date(value) -> str:
    """ "07 March 2026" in the viewer's language (the partnership page's start date)."""
    return format_date(value, "dd MMMM y") if value else ""


def decimals(value: float, places: int) -> str:
    """``value`` with exactly ``places`` decimals in the viewer's language: 6.5, 6,5 (no grouping, as in English)."""
    # Rounded as the English text is (binary float, half-even), so both show the same digits.
    return format_decimal(Decimal(f"{value:.{places}f}"), format="0." + "0" * places if places else "0")


def decimal_point() -> str:
    """The viewer's decimal sign ("." or ","), for a table of numbers written once per table rather than per cell."""
    return get_decimal_symbol(get_locale())


def tr(text: object) -> object:
    """A pure module's words (core/phrase.py) in the viewer's language: ``{{ sentence | tr }}``.

    A ``Phrase`` is translated and then formatted, its numbers (``Number``) written with the
    viewer's decimal sign; a ``Number`` or a float alone is written so too; a string marked with ``N_`` is
    looked up; any other value is returned as it is.
    """
    # The catalog itself, not Flask-Babel's gettext/ngettext: those format the message with their
    # own keywords, while a phrase formats after translating each of its parameters.
    catalog = get_translations()
    if isinstance(text, Phrase):
        return text.translate(catalog.ugettext, catalog.ungettext, decimals)
    if isinstance(text, Number):
        return decimals(text.value, text.places)
    if isinstance(text, float):  # a table cell: the digits Python writes, with the viewer's decimal sign
        shown = repr(text)
        return decimals(text, len(shown.partition(".")[2])) if "e" not in shown else shown
    if isinstance(text, str) and text:
        return catalog.ugettext(text)
    return text
