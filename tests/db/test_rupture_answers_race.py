"""Both parties saying "we talked it through" at the same moment make the entry repaired (PostgreSQL).

Each answer reads the other's before deciding; without the row lock (ruptures/asks._fresh) the
second read the first's answer as missing, and the entry stayed open with two yeses. The
interleaving is forced: the patient's step pauses after its write until the therapist's waits.
"""

from __future__ import annotations

import threading

import sqlalchemy as sa

from partnertrack.extensions import db
from partnertrack.models import Partnership
from partnertrack.ruptures.asks import answer_talk
from partnertrack.ruptures.models import RuptureEntry
from partnertrack.ruptures.service import sync_signals
from tests.db import test_concurrent_steps
from tests.db.test_concurrent_steps import WAIT_S, pause_first_write, run_step
from tests.factories import flat, store_ratings, weekly_dates

pytestmark = test_concurrent_steps.pytestmark  # row locks are PostgreSQL's: skipped on SQLite


def recovered_entry(app, world) -> None:
    """The patient's V-shaped series (a dip at session 5, back by 7), its log entry synced."""
    dates = weekly_dates(7)
    rows = [(d, "patient", flat(v)) for d, v in zip(dates, [7, 7, 7, 7, 3, 5, 7])]
    store_ratings(app, world.partnership, rows + [(d, "therapist", flat(7)) for d in dates])
    with app.app_context():
        sync_signals(db.session.get(Partnership, world.partnership))
        db.session.commit()


def say_yes(partnership, role):
    """One party's "yes, we talked it through" on the partnership's only entry."""
    entry = db.session.scalar(sa.select(RuptureEntry).where(RuptureEntry.partnership_id == partnership.id))
    answer_talk(entry, role, None, "yes")


def test_two_yeses_at_once_make_the_entry_repaired(app, world):
    recovered_entry(app, world)
    with app.app_context():
        engine = db.engine
    written, pause = pause_first_write(engine, "patient", "UPDATE rupture_entries")
    patient_outcome: dict[str, str] = {}
    therapist_outcome: dict[str, str] = {}
    patient = threading.Thread(
        target=run_step, args=(app, say_yes, world.partnership, "patient", patient_outcome), name="patient"
    )
    patient.start()
    assert written.wait(WAIT_S)
    therapist = threading.Thread(
        target=run_step, args=(app, say_yes, world.partnership, "therapist", therapist_outcome)
    )
    therapist.start()
    patient.join(WAIT_S * 2)
    therapist.join(WAIT_S * 2)
    sa.event.remove(engine, "after_cursor_execute", pause)

    assert patient_outcome == therapist_outcome == {"say_yes": "done"}, (patient_outcome, therapist_outcome)
    with app.app_context():
        entry = db.session.scalar(sa.select(RuptureEntry))
        assert (entry.status, entry.patient_talked, entry.therapist_talked) == ("repaired", "yes", "yes")
