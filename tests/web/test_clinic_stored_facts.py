"""The clinic pages read each partnership's stored facts, equal to the figures over every revealed rating."""

from datetime import date, timedelta

from partnertrack.clinic import overview
from partnertrack.clinic.figures import figures_of
from partnertrack.extensions import db
from partnertrack.models import Partnership, User
from tests.factories import (
    CLINIC_EMAILS,
    add_partnership,
    add_rated_partnership,
    add_user,
    flat,
    make_clinic_world,
    store_ratings,
    weekly_dates,
)
from tests.helpers import client_as
from tests.web.test_query_counts import counted


def figures_both_ways(app, clinic_id: int):
    """(figures from the stored facts, figures computed from every revealed rating) of the clinic."""
    with app.test_request_context():
        stored = overview.clinic_figures(clinic_id)  # stale facts are computed and stored here
        db.session.commit()
    with app.test_request_context():
        again = overview.clinic_figures(clinic_id)  # every fact current: the per-process memo answers
        full = figures_of(overview.cases_of(clinic_id))
    assert again == stored
    return stored, full


def add_clients(app, therapist_email: str, clients: int) -> None:
    """``clients`` more rated partnerships (HISTORY's ratings) for the therapist."""
    with app.app_context():
        therapist = db.session.scalar(db.select(User).where(User.email == therapist_email))
        for n in range(clients):
            patient = User(name=f"Client {n}", email=f"client{n}@example.org", role="patient", password_hash="x")
            db.session.add(patient)
            db.session.flush()
            add_rated_partnership(therapist, patient, f"Client {n}", date.today())
        db.session.remove()


def add_dip(app, therapist_email: str) -> None:
    """A partnership whose client's alliance dips hard at session 6 and comes back."""
    with app.app_context():
        therapist = db.session.scalar(db.select(User.id).where(User.email == therapist_email))
        patient = add_user("Dee Dip", "dee@example.org", "patient")
        days = weekly_dates(10)
        pid = add_partnership(therapist, patient, "Dee", days[0] - timedelta(days=7))
    levels = [8, 8, 8, 8, 8, 2, 3, 8, 8, 8]
    store_ratings(app, pid, [(d, r, flat(level)) for d, level in zip(days, levels) for r in ("patient", "therapist")])


def test_the_stored_facts_give_the_figures_of_every_revealed_rating(app):
    world = make_clinic_world(app)
    add_clients(app, CLINIC_EMAILS["second_therapist"], 3)
    add_dip(app, CLINIC_EMAILS["second_therapist"])
    (clinic, per_therapist), full = figures_both_ways(app, world.clinic)
    assert clinic == full
    assert clinic.ruptures_detected > 0 and clinic.sessions_due > 0  # HISTORY holds a dip: the test means something
    assert sum(f.caseload for f in per_therapist.values()) == clinic.caseload == 5


def test_a_new_rating_changes_the_clinic_figures_at_once(app):
    world = make_clinic_world(app)
    (before, _), _full = figures_both_ways(app, world.clinic)  # stores the facts
    yesterday = date.today() - timedelta(days=1)
    store_ratings(app, world.partnership, [(yesterday, "patient", flat(1)), (yesterday, "therapist", flat(9))])
    (after, _), full = figures_both_ways(app, world.clinic)
    assert after == full
    assert after != before


def test_the_clinic_pages_run_the_same_statements_at_any_caseload(new_app):
    counts = []
    for clients in (1, 12):
        app = new_app()
        world = make_clinic_world(app)
        add_clients(app, CLINIC_EMAILS["clinic_therapist"], clients)
        client = client_as(app, CLINIC_EMAILS["supervisor"])
        found = {}
        for name, url in (("clinic", "/clinic/"), ("therapist", f"/clinic/therapists/{world.therapist_member}")):
            for visit in ("cold", "warm"):  # cold: every summary computed and stored; warm: read
                with counted(app) as statements:
                    assert client.get(url).status_code == 200
                found[f"{name} {visit}"] = len(statements)
        counts.append(found)
        with app.app_context():
            assert db.session.scalar(db.select(db.func.count()).select_from(Partnership)) >= clients
    assert counts[0] == counts[1], counts
    assert counts[0]["clinic warm"] < counts[0]["clinic cold"]  # warm: the stored facts are read, not computed
