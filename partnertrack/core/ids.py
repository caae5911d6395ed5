"""Ids in URLs: only numbers a row of ours can have reach the database.

PostgreSQL's integer columns end at 2^31 - 1 and SQLite's at 2^63 - 1; a larger id in a
URL made the query itself fail (a 500) instead of finding nothing. Every ``<int:...>``
of the app uses ``IdConverter``, so such a URL matches no route and answers 404.
"""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

# The largest id a row can have on either engine (PostgreSQL's INTEGER).
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:...>`` limited to 0..MAX_ID unless a rule says otherwise."""

    def __init__(self, url_map, fixed_digits: int = 0, min: int | None = 0, max: int | None = MAX_ID, signed=False):
        # Werkzeug's own parameter names (min, max), so a rule may still say <int(max=9):x>.
        super().__init__(url_map, fixed_digits, min, max, signed)


def is_id(value: object) -> bool:
    """True for an int a row of ours can have as its id (for ids read from forms or query strings)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID
