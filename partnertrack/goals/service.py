"""Shared goals: adding, rewording, achieving and dropping them, and progress per session.

Every change writes a GoalRevision (who, when, the goal as it then stood), so
the goals page can show how the goals evolved. Progress is stored with a
party's rating and is shown to the partner under the same reveal rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _

from partnertrack.core.clock import today, utcnow
from partnertrack.core.database import insert_ignoring_duplicates
from partnertrack.core.refusals import Refused
from partnertrack.extensions import db
from partnertrack.goals.models import GOAL_TEXT_MAX, Goal, GoalProgress, GoalRevision
from partnertrack.models import Partnership, Rating, TherapySession, User
from partnertrack.ratings.reveal import is_revealed

# What each status change is called in the history, and the status it leads to.
STATUS_ACTIONS = {"achieved": "achieved", "dropped": "dropped", "active": "reopened"}


def clean_text(text: str | None) -> str:
    """The goal as typed, without surrounding spaces; Refused when empty or too long."""
    text = (text or "").strip()
    if not text:
        raise Refused(_("Please write the goal."))
    if len(text) > GOAL_TEXT_MAX:
        raise Refused(
            _(
                "Please keep the goal to %(max)s characters or fewer (it has %(length)s).",
                max=GOAL_TEXT_MAX,
                length=len(text),
            )
        )
    return text


def goals_of(partnership: Partnership) -> list[Goal]:
    """Every goal of the partnership, active ones first, then in the order they were set."""
    goals = db.session.scalars(db.select(Goal).where(Goal.partnership_id == partnership.id).order_by(Goal.id)).all()
    return sorted(goals, key=lambda g: g.status != "active")


def goal_in(partnership: Partnership, goal_id: int) -> Goal | None:
    """The goal ``goal_id`` if it belongs to ``partnership`` (so ids of others' goals find nothing)."""
    return db.session.scalar(db.select(Goal).where(Goal.id == goal_id, Goal.partnership_id == partnership.id))


def _revise(goal: Goal, action: str, role: str, user: User | None) -> None:
    """Record the goal as it stands now, as changed by ``role``."""
    goal.revisions.append(
        GoalRevision(
            action=action,
            text=goal.text,
            status=goal.status,
            changed_by=role,
            changed_by_user_id=user.id if user else None,
        )
    )


def add_goal(partnership: Partnership, role: str, user: User | None, text: str) -> Goal:
    """Set a new active goal (not committed)."""
    goal = Goal(partnership_id=partnership.id, text=clean_text(text), status="active", created_by=role)
    db.session.add(goal)
    _revise(goal, "created", role, user)
    db.session.flush()
    return goal


def reword(goal: Goal, role: str, user: User | None, text: str) -> None:
    """Change an active goal's wording (not committed)."""
    text = clean_text(text)
    if goal.status != "active":
        raise Refused(_("Only an active goal can be reworded. Set it active again first."))
    if text == goal.text:
        raise Refused(_("The new wording is the same as the current one."))
    goal.text = text
    _revise(goal, "reworded", role, user)


def _status_word(status: str) -> str:
    """A goal's status in the viewer's language, as a sentence uses it."""
    return {"active": _("active"), "achieved": _("achieved"), "dropped": _("dropped")}.get(status, status)


def set_status(goal: Goal, role: str, user: User | None, status: str) -> None:
    """Mark a goal achieved or dropped, or set it active again (not committed)."""
    if status not in STATUS_ACTIONS:
        raise Refused(_("Please choose achieved, dropped or active."))
    if status == goal.status:
        raise Refused(_("This goal is already %(status)s.", status=_status_word(status)))
    if status != "active" and goal.status != "active":
        raise Refused(
            _(
                "This goal is %(status)s. Set it active again before marking it %(new)s.",
                status=_status_word(goal.status),
                new=_status_word(status),
            )
        )
    goal.status = status
    _revise(goal, STATUS_ACTIONS[status], role, user)


@dataclass(frozen=True)
class HistoryLine:
    """One revision as the history shows it: what it changed from what."""

    action: str
    role: str
    at: datetime
    text: str
    before: str | None  # the previous wording, for a rewording


def history(goal: Goal) -> list[HistoryLine]:
    """The goal's revisions, oldest first, each with the wording it replaced."""
    lines, previous = [], None
    for rev in goal.revisions:
        before = previous.text if previous is not None and previous.text != rev.text else None
        lines.append(HistoryLine(rev.action, rev.changed_by, rev.changed_at, rev.text, before))
        previous = rev
    return lines


# --- progress on the post-session form -------------------------------------------------


def form_goals(partnership: Partnership) -> list[tuple[int, str]]:
    """(id, text) of the active goals, in the order set: one progress input each."""
    return [
        (goal_id, text)
        for goal_id, text in db.session.execute(
            db.select(Goal.id, Goal.text)
            .where(Goal.partnership_id == partnership.id, Goal.status == "active")
            .order_by(Goal.id)
        )
    ]


def progress_of(partnership: Partnership, role: str, day) -> dict[int, int]:
    """The party's progress answers given with their rating of the session on ``day``."""
    rows = db.session.execute(
        db.select(GoalProgress.goal_id, GoalProgress.progress)
        .join(Rating, GoalProgress.rating_id == Rating.id)
        .join(TherapySession, Rating.session_id == TherapySession.id)
        .where(TherapySession.partnership_id == partnership.id, TherapySession.date == day, Rating.rater == role)
    )
    return {goal_id: progress for goal_id, progress in rows}  # noqa: C416 (a Result is not a mapping)


def save_progress(rating: Rating, values: Mapping[int, int | None]) -> None:
    """Store the rating's progress answers (None clears one), in the caller's transaction.

    Only goals of the rating's partnership are accepted, whatever ids were posted.
    """
    if not values:
        return
    session = db.session.get(TherapySession, rating.session_id)
    allowed = set(
        db.session.scalars(
            db.select(Goal.id).where(Goal.partnership_id == session.partnership_id, Goal.id.in_(list(values)))
        )
    )
    existing = {
        p.goal_id: p for p in db.session.scalars(db.select(GoalProgress).where(GoalProgress.rating_id == rating.id))
    }
    for goal_id, value in values.items():
        if goal_id not in allowed:
            continue
        row = existing.get(goal_id)
        if value is None:
            if row is not None:
                db.session.delete(row)
        elif row is None:
            _insert_progress(goal_id, rating.id, value)
        else:
            row.progress = value
    db.session.flush()


def _insert_progress(goal_id: int, rating_id: int, value: int) -> None:
    """Add one progress row, or set it when a request at the same moment (a double click) just added it.

    ON CONFLICT DO NOTHING on the (goal, rating) key: a plain insert made the second of two
    racing requests fail on that key, although the first had stored the rating.
    """
    key = {"goal_id": goal_id, "rating_id": rating_id}
    if not insert_ignoring_duplicates(GoalProgress, {**key, "progress": value}, ("goal_id", "rating_id")):
        db.session.execute(
            db.update(GoalProgress)
            .where(GoalProgress.goal_id == goal_id, GoalProgress.rating_id == rating_id)
            .values(progress=value, updated_at=utcnow())
        )


# --- what each party may see -------------------------------------------------------------


@dataclass(frozen=True)
class ProgressPoint:
    """One visible progress answer."""

    goal_id: int
    session_number: int
    session_date: object
    rater: str
    progress: int


def _sessions_seen(partnership: Partnership) -> dict[int, tuple[int, object, bool]]:
    """session id -> (number, date, revealed), from one query over sessions and who rated them."""
    raters: dict[int, set[str]] = {}
    dates: dict[int, object] = {}
    for sid, day, rater in db.session.execute(
        db.select(TherapySession.id, TherapySession.date, Rating.rater)
        .outerjoin(Rating, Rating.session_id == TherapySession.id)
        .where(TherapySession.partnership_id == partnership.id, TherapySession.counted(today()))
        .order_by(TherapySession.date)
    ):
        dates[sid] = day
        raters.setdefault(sid, set()).update([rater] if rater else [])
    day, limit = today(), current_app.config["REVEAL_AFTER_DAYS"]
    return {
        sid: (n, dates[sid], is_revealed(dates[sid], raters[sid], day, limit)) for n, sid in enumerate(dates, start=1)
    }


def goals_and_progress(partnership: Partnership, viewer_role: str):
    """(id, text, status) of every goal, and every progress answer ``viewer_role`` may see.

    Two queries whatever the number of goals and sessions: one for the sessions
    (numbering and the reveal rule), one for the goals with their answers.
    """
    seen = _sessions_seen(partnership)
    goals: dict[int, tuple[str, str]] = {}
    points = []
    for goal_id, text, status, progress, sid, rater in db.session.execute(
        db.select(Goal.id, Goal.text, Goal.status, GoalProgress.progress, Rating.session_id, Rating.rater)
        .outerjoin(GoalProgress, GoalProgress.goal_id == Goal.id)
        .outerjoin(Rating, GoalProgress.rating_id == Rating.id)
        .where(Goal.partnership_id == partnership.id)
        .order_by(Goal.id)
    ):
        goals[goal_id] = (text, status)
        if progress is None or sid not in seen:
            continue
        number, day, revealed = seen[sid]
        if rater == viewer_role or revealed:
            points.append(ProgressPoint(goal_id, number, day, rater, progress))
    return goals, sorted(points, key=lambda p: (p.goal_id, p.session_number, p.rater))


def visible_progress(partnership: Partnership, viewer_role: str) -> list[ProgressPoint]:
    """Every progress answer ``viewer_role`` may see: their own, the partner's once revealed.

    Session numbers count every session of the partnership by date, as everywhere else.
    """
    return goals_and_progress(partnership, viewer_role)[1]
