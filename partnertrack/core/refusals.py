"""Refused: a step the rules do not allow now, with the reason in plain words.

Services raise it; one error handler (core/errors.py) rolls the request back and shows
the message on the page the person was on, so views do not catch it one by one.
"""

from __future__ import annotations

# Words of refusals are marked with core/phrase.py's N_ and Phrase (re-exported here for the
# modules that raise them) and translated where they are shown (core/errors.translated).
from partnertrack.core.phrase import N_, Phrase

__all__ = ["ENDED", "N_", "Phrase", "Refused"]


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
