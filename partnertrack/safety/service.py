"""The talk-soon request: stored at once, outside the blind rule, and mailed to the therapist.

Services flush; the request commits (docs/architecture.md, "Who commits").
"""

from __future__ import annotations

from partnertrack.core.clock import utcnow
from partnertrack.extensions import db
from partnertrack.models import Partnership
from partnertrack.notifications.service import alert_therapist


def request_talk_soon(partnership: Partnership) -> bool:
    """Record that the patient needs to talk soon and alert the therapist; False if already open.

    A second request while one is open changes nothing: the therapist already sees it at
    the top of their dashboard, and one unsent alert already says so.
    """
    if partnership.talk_soon_at is not None:
        return False
    partnership.talk_soon_at = utcnow()
    alert_therapist(partnership, "talk_soon")
    db.session.flush()
    return True


def answer_talk_soon(partnership: Partnership) -> None:
    """The therapist has been in touch: the request leaves the top of the dashboard."""
    partnership.talk_soon_at = None
    db.session.flush()


def waiting_for(therapist_id: int) -> list[Partnership]:
    """The therapist's partnerships whose patient asked to talk soon, oldest request first."""
    query = (
        db.select(Partnership)
        .where(Partnership.therapist_id == therapist_id, Partnership.talk_soon_at.is_not(None))
        .where(Partnership.status != "ended")
        .order_by(Partnership.talk_soon_at)
    )
    return list(db.session.scalars(query))
