"""Words of the pure domain, kept untranslated until shown (pure: no Flask, no Babel).

The pure modules (insights/wording.py, insights/headlines.py, dashboard/glance.py, the
chart data) cannot call gettext, and the stored summaries are computed once for every
viewer, so a language must not be frozen into them. They mark a fixed text with ``N_``
(an extraction keyword: docs/i18n.md) and a sentence with values as a ``Phrase``: the
English message, its parameters (which may be phrases themselves) and, for a count, the
plural message. A ``Phrase`` *is* its English text (a ``str``), so English output and the
tests that read it stay as they were; the page translates it with the ``tr`` filter
(core/i18n.py), which formats after translating. A number with decimals is a ``Number``
(``decimal(6.5)``): its English text is "6.5", and the page writes it with the viewer's
decimal sign ("6,5" in Spanish and German).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

Gettext = Callable[[str], str]
Ngettext = Callable[[str, str, int], str]
# Writes a number with a given count of decimal places in the viewer's language.
Decimals = Callable[[float, int], str]


def N_(text: str) -> str:
    """Mark ``text`` for extraction; it is translated where it is shown."""
    return text


def NP_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a plural message for extraction; ``P_(*NP_(...), num=n)`` shows it later."""
    return singular, plural


def P_(singular: str, plural: str, /, **params: Any) -> Phrase:
    """A phrase with a count: ``params`` holds ``num``, which chooses the form."""
    return Phrase(singular, plural, **params)


def _english(text: str) -> str:
    return text


def _english_plural(singular: str, plural: str, n: int) -> str:
    return singular if n == 1 else plural


class Number(str):
    """A number to be shown with ``places`` decimals: its English text, and its value for the page."""

    value: float
    places: int

    def __new__(cls, value: float, places: int = 1) -> Number:
        """``Number(6.5)`` reads "6.5"; ``Number(-0.25, 2)`` reads "-0.25"."""
        obj = super().__new__(cls, f"{value:.{places}f}")
        obj.value, obj.places = float(value), places
        return obj

    def __reduce__(self):  # copy, deepcopy and pickle rebuild the number, not a bare str
        return (Number, (self.value, self.places))

    def to_data(self) -> dict[str, Any]:
        """A JSON-able form (``from_data`` reads it back)."""
        return {"f": self.value, "k": self.places}


def decimal(value: float, places: int = 1) -> Number:
    """``value`` with ``places`` decimals, written in the viewer's language when shown."""
    return Number(value, places)


def _english_decimals(value: float, places: int) -> str:
    return f"{value:.{places}f}"


class Phrase(str):
    """An English sentence that knows its message and parameters, to be translated when shown."""

    msgid: str
    plural: str | None
    params: dict[str, Any]

    def __new__(cls, msgid: str, plural: str | None = None, /, **params: Any) -> Phrase:
        """``Phrase("Session %(n)s", n=3)``; with ``plural``, ``params`` must hold ``num``."""
        obj = super().__new__(cls, _render(msgid, plural, params, _english, _english_plural))
        obj.msgid, obj.plural, obj.params = msgid, plural, dict(params)
        return obj

    def __reduce__(self):  # copy, deepcopy and pickle rebuild the phrase, not a bare str
        return (_rebuild, (self.msgid, self.plural, self.params))

    def translate(self, gettext: Gettext, ngettext: Ngettext, decimals: Decimals = _english_decimals) -> str:
        """The sentence in the language of ``gettext``/``ngettext``, its numbers written by ``decimals``."""
        return _render(self.msgid, self.plural, self.params, gettext, ngettext, decimals)

    def to_data(self) -> dict[str, Any]:
        """A JSON-able form (``from_data`` reads it back)."""
        data: dict[str, Any] = {"t": self.msgid, "p": {k: to_data(v) for k, v in self.params.items()}}
        if self.plural is not None:
            data["n"] = self.plural
        return data


def _rebuild(msgid: str, plural: str | None, params: Mapping[str, Any]) -> Phrase:
    return Phrase(msgid, plural, **params)


def _render(
    msgid: str,
    plural: str | None,
    params: Mapping[str, Any],
    gettext: Gettext,
    ngettext: Ngettext,
    decimals: Decimals = _english_decimals,
) -> str:
    if not msgid:
        return msgid
    text = ngettext(msgid, plural, params["num"]) if plural is not None else gettext(msgid)
    if not params:
        return text
    return text % {k: translate(v, gettext, ngettext, decimals) for k, v in params.items()}


def translate(text: Any, gettext: Gettext, ngettext: Ngettext, decimals: Decimals = _english_decimals) -> Any:
    """A phrase translated, a number written with ``decimals``; anything else as it is (user input)."""
    if isinstance(text, Phrase):
        return text.translate(gettext, ngettext, decimals)
    if isinstance(text, Number):
        return decimals(text.value, text.places)
    return text


def to_data(value: Any) -> Any:
    """``value`` for JSON: a phrase or a number as its parts, anything else as it is."""
    return value.to_data() if isinstance(value, Phrase | Number) else value


def from_data(value: Any) -> Any:
    """What ``to_data`` made, back: a phrase or a number from its parts, anything else as it is."""
    if isinstance(value, dict) and "t" in value:
        return Phrase(value["t"], value.get("n"), **{k: from_data(v) for k, v in value.get("p", {}).items()})
    if isinstance(value, dict) and "f" in value:
        return Number(value["f"], value.get("k", 1))
    return value


def dumps(value: Any) -> str:
    """A phrase as JSON text for a text column (``loads`` reads it back)."""
    return json.dumps(to_data(value), ensure_ascii=False, separators=(",", ":"))


def loads(text: str | None) -> Any:
    """What ``dumps`` wrote, as a phrase; any other text (written before, or by a person) as it is."""
    if not text or not text.startswith('{"t":'):
        return text
    try:
        return from_data(json.loads(text))
    except ValueError:
        return text
