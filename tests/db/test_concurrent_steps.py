"""Two steps at the same moment never fail on a row lock or a unique key (PostgreSQL).

The patient's "agree" updated the review and then the partnership; the therapist's
"close" the partnership and then the review. Interleaved, each waited for the other's
row, and PostgreSQL broke the deadlock by failing one of them: a 500 (2 of 6 rounds in
an outside check). A rating sent twice at once (a double click) with goal progress made
both requests insert the same progress row: the second failed on the unique key, a 500
although the rating was stored. Here each interleaving is forced rather than hoped for:
the first step pauses right after its write until the second is blocked on a lock.
"""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from partnertrack.core.refusals import Refused
from partnertrack.core.roles import Role
from partnertrack.extensions import db
from partnertrack.goals.models import GoalProgress
from partnertrack.goals.service import add_goal
from partnertrack.models import Partnership
from partnertrack.ratings.service import Answers, save_rating, submit_rating
from partnertrack.review import service
from partnertrack.sessions.service import ensure_session
from tests.conftest import TEST_DATABASE_URL
from tests.factories import YESTERDAY, flat

pytestmark = pytest.mark.skipif(
    not (TEST_DATABASE_URL or "").startswith("postgresql"),
    reason="row-lock deadlocks are PostgreSQL's; SQLite locks the whole database for a write",
)
WAIT_S = 20  # the bound on waiting for the other step to block: a hang fails, it never passes


def ending_partnership(app, world) -> None:
    """The world's partnership with its review open, both notes written and the therapist agreed."""
    with app.app_context():
        partnership = db.session.get(Partnership, world.partnership)
        service.open_review(partnership, Role.THERAPIST, None)
        for role in (Role.PATIENT, Role.THERAPIST):
            service.save_notes(partnership, role, "We worked on sleep.", "Talking to my sister.")
        service.agree(partnership, Role.THERAPIST)
        db.session.commit()


def wait_until_another_backend_waits_for_a_lock() -> None:
    """Poll PostgreSQL's view of its backends until one of them is waiting on a lock."""
    watcher = sa.create_engine(TEST_DATABASE_URL, poolclass=NullPool)
    deadline = time.monotonic() + WAIT_S
    try:
        with watcher.connect() as conn:
            while time.monotonic() < deadline:
                waiting = conn.scalar(
                    sa.text(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                    )
                )
                if waiting:
                    return
                conn.rollback()  # a fresh snapshot of pg_stat_activity on the next read
        raise AssertionError("the other step never waited for a lock")
    finally:
        watcher.dispose()


def run_step(app, step, partnership_id: int, role: str, outcomes: dict) -> None:
    """One request's work in its own thread and session: the step, then the request's commit."""
    with app.app_context():
        try:
            partnership = db.session.get(Partnership, partnership_id)
            step(partnership, role)
            db.session.commit()
            outcomes[step.__name__] = "done"
        except Refused as refusal:
            db.session.rollback()
            outcomes[step.__name__] = f"refused: {refusal.message}"
        except sa.exc.DBAPIError as error:
            db.session.rollback()
            outcomes[step.__name__] = f"error: {type(error.orig).__name__}"
        finally:
            db.session.remove()


def test_agree_racing_close_ends_the_partnership_without_a_deadlock(app, world):
    ending_partnership(app, world)
    agreeing = threading.Event()
    with app.app_context():
        engine = db.engine

    @sa.event.listens_for(engine, "after_cursor_execute")
    def pause_after_writing_the_review(_conn, _cursor, statement, *_args):
        """In the agreeing thread, after its UPDATE of the review: let "close" run into a lock first."""
        if threading.current_thread().name == "agree" and statement.startswith("UPDATE reviews"):
            if agreeing.is_set():
                return  # only its first write (the agreement) waits; the completion follows freely
            agreeing.set()
            wait_until_another_backend_waits_for_a_lock()

    outcomes: dict[str, str] = {}
    agree = threading.Thread(
        target=run_step, args=(app, service.agree, world.partnership, Role.PATIENT, outcomes), name="agree"
    )
    agree.start()
    assert agreeing.wait(WAIT_S)
    close = threading.Thread(
        target=run_step, args=(app, service.close_review, world.partnership, Role.THERAPIST, outcomes)
    )
    close.start()
    agree.join(WAIT_S * 2)
    close.join(WAIT_S * 2)
    sa.event.remove(engine, "after_cursor_execute", pause_after_writing_the_review)

    assert outcomes["agree"] == "done", outcomes
    assert outcomes["close_review"].startswith("refused"), outcomes  # it came second: the partnership had ended
    with app.app_context():
        assert db.session.get(Partnership, world.partnership).status == "ended"


def pause_first_write(engine, thread_name: str, table_write: str):
    """In thread ``thread_name``, after its first statement starting ``table_write``, wait for a lock-waiter."""
    written = threading.Event()

    @sa.event.listens_for(engine, "after_cursor_execute")
    def pause(_conn, _cursor, statement, *_args):
        """Let the other step run into this one's lock before going on."""
        if (
            threading.current_thread().name == thread_name
            and statement.startswith(table_write)
            and not written.is_set()
        ):
            written.set()
            wait_until_another_backend_waits_for_a_lock()

    return written, pause


def test_a_double_click_with_goal_progress_stores_one_progress_row(app, world):
    with app.app_context():
        partnership = db.session.get(Partnership, world.partnership)
        goal_id = add_goal(partnership, Role.PATIENT, None, "Sleep through the night").id
        save_rating(partnership, Role.PATIENT, YESTERDAY, flat(6), "")  # the first send of the form
        db.session.commit()
        engine = db.engine

    def send(partnership, role):
        """The same form once more, goal progress included: the rating itself does not change."""
        submit_rating(ensure_session(partnership, YESTERDAY, role), role, Answers(flat(6), "", {goal_id: 5}), None)

    written, pause = pause_first_write(engine, "first", "INSERT INTO goal_progress")
    outcomes: dict[str, str] = {}
    first = threading.Thread(target=run_step, args=(app, send, world.partnership, Role.PATIENT, outcomes), name="first")
    first.start()
    assert written.wait(WAIT_S)
    second_outcomes: dict[str, str] = {}
    second = threading.Thread(target=run_step, args=(app, send, world.partnership, Role.PATIENT, second_outcomes))
    second.start()
    first.join(WAIT_S * 2)
    second.join(WAIT_S * 2)
    sa.event.remove(engine, "after_cursor_execute", pause)

    assert outcomes == {"send": "done"} and second_outcomes == {"send": "done"}, (outcomes, second_outcomes)
    with app.app_context():
        assert db.session.scalars(db.select(GoalProgress.progress)).all() == [5]
