"""The blind-until-both-rated rule and what each party may see (pure Python).

A partner's rating is shown only once both ratings of that session exist, or
REVEAL_AFTER_DAYS after the session date. Keeping each answer unseen until then
keeps it honest and makes the feedback truly two-way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from partnertrack.core.roles import ROLES, other_role
from partnertrack.ratings.factors import alliance_index


@dataclass(frozen=True)
class RatingRecord:
    """One stored rating as plain data."""

    scores: Mapping[str, int | None]
    comment: str = ""
    # The party raised a concern about this session: an empty rupture-repair score then means
    # "something felt off that I want to raise", not "nothing felt off".
    raised_concern: bool = False


@dataclass(frozen=True)
class SessionRecord:
    """One stored session as plain data: its date, the ratings given so far, its id and who added it."""

    date: date
    ratings: Mapping[str, RatingRecord] = field(default_factory=dict)
    session_id: int | None = None
    added_by: str = ""


@dataclass(frozen=True)
class RatingView:
    """A rating the viewer may see, with its alliance index."""

    rater: str
    scores: Mapping[str, int | None]
    comment: str
    alliance_index: float | None
    raised_concern: bool = False


@dataclass(frozen=True)
class SessionView:
    """A session as one party sees it."""

    number: int
    date: date
    rated_by: frozenset[str]
    revealed: bool
    own: RatingView | None
    partner: RatingView | None
    session_id: int | None = None
    added_by: str = ""

    @property
    def locked(self) -> bool:
        """The viewer's own rating can no longer change once the session is revealed."""
        return self.revealed and self.own is not None

    def content(self) -> tuple:
        """Everything this view holds as one hashable tuple (a key for its rendered table)."""
        ratings = tuple(
            (r.rater, tuple(r.scores.items()), r.comment, r.alliance_index, r.raised_concern) if r else None
            for r in (self.own, self.partner)
        )
        return (self.number, self.date, self.rated_by, self.revealed, self.session_id, self.added_by, ratings)

    @property
    def visible(self) -> tuple[RatingView, ...]:
        """The ratings the viewer may see, patient first."""
        # Read many times per page (each table, line and chart): no sort for at most two ratings.
        own, partner = self.own, self.partner
        if own is None or partner is None:
            return (own,) if own is not None else (partner,) if partner is not None else ()
        return (own, partner) if ROLES.index(own.rater) < ROLES.index(partner.rater) else (partner, own)


def is_revealed(session_date: date, rated_by: frozenset[str] | set[str], today: date, after_days: int) -> bool:
    """True once both parties have rated, or ``after_days`` have passed since the session."""
    if set(ROLES) <= set(rated_by):
        return True
    return (today - session_date).days >= after_days


def _view(rater: str, record: RatingRecord) -> RatingView:
    """A RatingView of a stored record."""
    return RatingView(
        rater, dict(record.scores), record.comment or "", alliance_index(record.scores), record.raised_concern
    )


def session_views(
    sessions: Sequence[SessionRecord], viewer_role: str, today: date, after_days: int
) -> list[SessionView]:
    """Number the sessions by date and keep only what ``viewer_role`` may see."""
    partner_role = other_role(viewer_role)
    views = []
    for number, record in enumerate(sorted(sessions, key=lambda s: s.date), start=1):
        rated_by = frozenset(record.ratings)
        revealed = is_revealed(record.date, rated_by, today, after_days)
        own = record.ratings.get(viewer_role)
        partner = record.ratings.get(partner_role) if revealed else None
        views.append(
            SessionView(
                number=number,
                date=record.date,
                rated_by=rated_by,
                revealed=revealed,
                own=_view(viewer_role, own) if own else None,
                partner=_view(partner_role, partner) if partner else None,
                session_id=record.session_id,
                added_by=record.added_by,
            )
        )
    return views
