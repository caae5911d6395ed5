"""Kept page pieces (core/fragments.py) are never shown to another viewer, nor for other data.

The dashboard rows and the partnership page's session tables, charts and trend table are kept
once drawn. Each viewer must see their own wording, the other partnership's copy of the same
ratings must link to its own pages, and a new rating must show at once.
"""

from __future__ import annotations

from datetime import timedelta

from partnertrack.core.roles import Role
from tests.factories import PATIENT, THERAPIST, YESTERDAY, add_partnership, flat, store_ratings, weekly_dates
from tests.helpers import client_as

DAYS = weekly_dates(12, YESTERDAY - timedelta(days=7))


def both_rated(app, partnership_id: int, days=DAYS) -> None:
    """Both parties rated each of ``days``: every table shows both columns."""
    rows = []
    for number, day in enumerate(days, start=1):
        rows += [(day, Role.PATIENT, flat(4 + number % 5)), (day, Role.THERAPIST, flat(7))]
    store_ratings(app, partnership_id, rows)


def test_the_patient_never_gets_the_therapists_kept_tables(app, world):
    both_rated(app, world.partnership)
    therapist, patient = client_as(app, THERAPIST), client_as(app, PATIENT)
    for _ in range(2):  # the second visit is served from what the first one kept
        seen_by_therapist = therapist.get(f"/partnerships/{world.partnership}/").text
        seen_by_patient = patient.get(f"/partnerships/{world.partnership}/").text
        assert '<th scope="col">Pat</th>' in seen_by_therapist
        assert '<th scope="col">Your therapist</th>' not in seen_by_therapist
        assert '<th scope="col">Your therapist</th>' in seen_by_patient
        assert '<th scope="col">Pat</th>' not in seen_by_patient
        assert "How the session felt overall" in seen_by_patient and "Alliance index" not in seen_by_patient


def test_a_copy_of_the_same_ratings_elsewhere_links_only_to_its_own_pages(app, world):
    with app.app_context():
        copy = add_partnership(world.other_therapist, None, "Pat", world.started_on)
    both_rated(app, world.partnership)
    both_rated(app, copy)
    client_as(app, THERAPIST).get(f"/partnerships/{world.partnership}/?session=3")
    client_as(app, THERAPIST).get("/")
    other = client_as(app, "omar@example.org")
    page = other.get(f"/partnerships/{copy}/?session=3").text
    dashboard = other.get("/").text
    assert f"/partnerships/{copy}/" in page and f"/partnerships/{world.partnership}/" not in page
    assert f"/partnerships/{copy}/" in dashboard and f"/partnerships/{world.partnership}/" not in dashboard


def test_a_new_rating_and_another_language_show_at_once(app, world):
    both_rated(app, world.partnership)
    therapist = client_as(app, THERAPIST)
    before = therapist.get(f"/partnerships/{world.partnership}/").text
    assert "Latest: session 12" in before and "Last session:" in therapist.get("/").text
    store_ratings(app, world.partnership, [(YESTERDAY, Role.PATIENT, flat(2)), (YESTERDAY, Role.THERAPIST, flat(9))])
    after = therapist.get(f"/partnerships/{world.partnership}/").text
    assert "Latest: session 13" in after and 'id="session-12"' in after.split('id="sessions-title"')[1]
    assert "#13" in therapist.get("/").text
    spanish = therapist.get(f"/partnerships/{world.partnership}/", headers={"Accept-Language": "es"}).text
    assert "Alliance index" not in spanish and "Índice de alianza" in spanish
    assert "Last session:" not in therapist.get("/", headers={"Accept-Language": "es"}).text
