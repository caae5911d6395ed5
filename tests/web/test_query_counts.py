"""Each main page runs the same, small number of SQL statements at any caseload size."""

from contextlib import contextmanager
from datetime import date, timedelta

import sqlalchemy as sa

from partnertrack.extensions import db
from partnertrack.models import Partnership, Rating, TherapySession
from tests.factories import PASSWORD, add_user

# 10: the partnership page reads its header from the stored summary (summaries/service.py), and
# every page reads the visitor's clinic membership once (the menu and the two-factor rule share it),
# and every therapist page asks once for open talk-soon requests (templates/safety/_banner.html).
MAX_STATEMENTS = 11


@contextmanager
def counted(app):
    """Count the SQL statements sent while the block runs."""
    statements = []
    with app.app_context():
        engine = db.engine

    def listener(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)


def build_caseload(app, patients: int, sessions: int) -> int:
    """A therapist with ``patients`` partnerships of ``sessions`` rated sessions each."""
    start = date.today() - timedelta(days=7 * sessions + 7)
    with app.app_context():
        therapist = add_user("Dr Count", "count@example.org", "therapist")
        for n in range(patients):
            patient = add_user(f"Patient {n}", f"p{n}@example.org", "patient")
            p = Partnership(
                therapist_id=therapist,
                patient_id=patient,
                patient_name=f"Patient {n}",
                started_on=start,
                status="active",
            )
            db.session.add(p)
            for s in range(sessions):
                session = TherapySession(partnership=p, date=start + timedelta(days=7 * s))
                for rater in ("patient", "therapist"):
                    session.ratings.append(
                        Rating(
                            rater=rater,
                            mutuality=6,
                            collaboration=7,
                            responsiveness=5,
                            feedback=6,
                            rupture_repair=None,
                            termination_readiness=3,
                        )
                    )
                db.session.add(session)
        db.session.commit()
        return db.session.scalar(db.select(Partnership.id).order_by(Partnership.id))


def page_counts(app, patients: int, sessions: int) -> dict[str, int]:
    """Statements per page for a caseload of the given size."""
    first = build_caseload(app, patients, sessions)
    client = app.test_client()
    client.post("/login", data={"email": "count@example.org", "password": PASSWORD})
    urls = {
        "dashboard": "/",
        "partnership": f"/partnerships/{first}/",
        "partnership, older sessions": f"/partnerships/{first}/?page=3",
        "rating form": f"/partnerships/{first}/rate",
        "csv export": f"/partnerships/{first}/export.csv",
    }
    counts = {}
    for name, url in urls.items():
        with counted(app) as statements:
            assert client.get(url).status_code == 200
        counts[name] = len(statements)
    return counts


def test_statement_counts_do_not_grow_with_the_caseload(new_app):
    small = page_counts(new_app(), patients=5, sessions=5)
    large = page_counts(new_app(), patients=40, sessions=50)
    print("statements per page:", small, large)
    assert small == large
    assert max(large.values()) <= MAX_STATEMENTS, large
