"""The partnership page's earlier sessions, a page at a time (pure: no Flask, no database).

A partnership of a year holds fifty sessions; drawing every one of them on every visit made
the page cost grow with the ratings. The page shows the latest session in full and the
earlier ones ten at a time, newest first, with plain links to the newer and older pages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from partnertrack.ratings.reveal import SessionView

PER_PAGE = 10


@dataclass(frozen=True)
class EarlierPage:
    """One page of the earlier sessions (newest first) and where the others are."""

    sessions: tuple[SessionView, ...]
    page: int
    pages: int

    @property
    def newer(self) -> int | None:
        """The page of newer sessions, None on the first."""
        return self.page - 1 if self.page > 1 else None

    @property
    def older(self) -> int | None:
        """The page of older sessions, None on the last."""
        return self.page + 1 if self.page < self.pages else None


def _number(text: str | None) -> int | None:
    """``text`` as a whole number, None when it is not one."""
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def earlier_page(timeline: Sequence[SessionView], page: str | None, session: str | None = None) -> EarlierPage:
    """The page of earlier sessions asked for by ``?page=``, or the page holding ``?session=`` (a number).

    Anything out of range or not a number falls back to the nearest page there is, so an
    old link never errors. The latest session is shown in full above and is not part of it.
    """
    earlier = list(reversed(timeline[:-1]))
    pages = max(1, -(-len(earlier) // PER_PAGE))
    wanted = _number(page) or 1
    number = _number(session)
    if number is not None:
        position = next((i for i, v in enumerate(earlier) if v.number == number), None)
        wanted = position // PER_PAGE + 1 if position is not None else 1
    chosen = min(max(wanted, 1), pages)
    start = (chosen - 1) * PER_PAGE
    return EarlierPage(tuple(earlier[start : start + PER_PAGE]), chosen, pages)
