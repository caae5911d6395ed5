"""Refused: a step the rules do not allow now, with the reason in plain words.

Services raise it; one error handler (core/errors.py) rolls the request back and shows
the message on the page the person was on, so views do not catch it one by one.
"""

from __future__ import annotations


def N_(text: str) -> str:
    """Mark ``text`` for translation without translating it (pure modules import no Flask-Babel).

    The page that shows the text translates it: ``core/errors.render_refusal`` for refusals.
    """
    return text


class Phrase(str):
    """An English sentence with values that remembers its message and values, so a page can translate it.

    ``str`` of it is the English sentence (byte for byte what an f-string gave); ``text`` is the
    message (marked with ``N_``) and ``params`` its named values.
    """

    text: str
    params: dict[str, object]

    def __new__(cls, text: str, **params: object) -> Phrase:
        """``Phrase(N_("… %(days)s …"), days=6)``."""
        phrase = super().__new__(cls, text % params)
        phrase.text, phrase.params = text, params
        return phrase


class Refused(Exception):
    """A step that is not allowed now; ``message`` says why, as it is shown to the person.

    ``status`` is the HTTP status of the page that shows it (409: the state does not allow
    the step). ``redirect_to`` sends the person to another page with the message instead.
    """

    def __init__(self, message: str, *, status: int = 409, redirect_to: str | None = None):
        # str(): a translated message may arrive as a lazy string; it is flashed into the session.
        message = message if isinstance(message, Phrase) else str(message)
        super().__init__(message)
        self.message = message
        self.status = status
        self.redirect_to = redirect_to


ENDED = N_("This partnership has ended, so nothing here can change. Its history stays here to read and export.")
