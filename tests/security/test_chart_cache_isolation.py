"""Nothing one partnership does can be timed through another (the chart cache and the signal memo).

The attack: a therapist copies the sessions they can see into a second partnership with a
made-up patient, rates the session still hidden from them there with a guess, and watches
whether the chart answers quickly. A cache shared by content answers the right guess from
the real patient's cached image. Each partnership and viewer must have its own entries.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, timedelta

import pytest
import redis

from partnertrack.core.roles import Role
from partnertrack.extensions import db
from partnertrack.models import Partnership
from tests.factories import PATIENT, THERAPIST, add_partnership, add_user, flat, store_ratings
from tests.helpers import client_as

REDIS_DB = int(os.environ.get("PARTNERTRACK_TEST_REDIS_DB", "13"))
REDIS_URL = f"redis://127.0.0.1:6379/{REDIS_DB}"
PREFIX = "chart-isolation-test:"
TODAY = date.today()
VISIBLE = [TODAY - timedelta(days=d) for d in (30, 23, 16)]
HIDDEN = TODAY - timedelta(days=2)  # rated by the patient only: blind to the therapist for days
SECRET = 3  # the real patient's hidden score


@contextmanager
def own_redis_db():
    """Our Redis database, emptied before and after (other engineers share the server)."""
    server = redis.Redis.from_url(REDIS_URL)
    server.ping()
    server.flushdb()
    try:
        yield server
    finally:
        server.flushdb()
        server.close()


def cache_keys(server) -> set[bytes]:
    """The chart cache's entries in Redis."""
    return set(server.keys(PREFIX + "*"))


@pytest.fixture
def attack(new_app):
    """Partnership A (Tara, Pat) with a hidden session; B: Tara's copy of it with a made-up patient.

    In B the made-up patient rated the hidden session with the right guess, so the patient's
    view of B draws exactly what Pat's view of A draws.
    """
    with own_redis_db() as server:
        app = new_app(CACHE_TYPE="RedisCache", CACHE_REDIS_URL=REDIS_URL, CACHE_KEY_PREFIX=PREFIX)
        with app.app_context():
            tara = add_user("Dr Tara Therapist", THERAPIST, Role.THERAPIST)
            pat = add_user("Pat Patient", PATIENT, Role.PATIENT)
            made_up = add_user("Made Up", "made.up@example.org", Role.PATIENT)
            a = add_partnership(tara, pat, "Pat", VISIBLE[0] - timedelta(days=7))
            b = add_partnership(tara, made_up, "Pat copy", VISIBLE[0] - timedelta(days=7))
        shared = [(d, rater, flat(6 + i)) for i, d in enumerate(VISIBLE) for rater in (Role.PATIENT, Role.THERAPIST)]
        store_ratings(app, a, [*shared, (HIDDEN, Role.PATIENT, flat(SECRET))])
        store_ratings(app, b, [*shared, (HIDDEN, Role.PATIENT, flat(SECRET))])
        yield app, server, a, b


def test_a_copied_partnership_never_reads_the_real_patients_cached_chart(attack):
    app, server, a, b = attack
    pat = client_as(app, PATIENT)
    made_up = client_as(app, "made.up@example.org")
    real = pat.get(f"/partnerships/{a}/charts/alliance.svg")
    assert real.status_code == 200
    after_real = cache_keys(server)
    assert after_real, "the real patient's chart was cached"

    copy = made_up.get(f"/partnerships/{b}/charts/alliance.svg")
    assert copy.status_code == 200
    assert copy.data == real.data, "the copy draws the same image: the guess was right"
    # The copy was rendered into an entry of its own, not answered from Pat's.
    assert cache_keys(server) - after_real, "the copy's request found the real patient's cached image"
    assert copy.headers["ETag"] != real.headers["ETag"], "an ETag must not say that two partnerships draw the same"


def test_each_viewer_of_one_partnership_has_entries_of_their_own(attack):
    app, server, a, _b = attack
    store_ratings(app, a, [(HIDDEN, Role.THERAPIST, flat(SECRET))])  # revealed: both see the same
    pat, tara = client_as(app, PATIENT), client_as(app, THERAPIST)
    first = pat.get(f"/partnerships/{a}/charts/factors.png")
    keys = cache_keys(server)
    second = tara.get(f"/partnerships/{a}/charts/factors.png")
    assert first.data == second.data
    assert cache_keys(server) - keys


def test_the_signal_memo_is_kept_per_partnership_and_viewer(attack):
    """The partnership page's signals are memoised too: that memo must not be shared either."""
    from partnertrack.insights import service
    from partnertrack.ratings.records import timeline_for

    app, _server, a, b = attack
    with app.test_request_context():
        real = db.session.get(Partnership, a)
        copy = db.session.get(Partnership, b)
        real_view = timeline_for(real, Role.PATIENT)
        copy_view = timeline_for(copy, Role.PATIENT)
        # The copy shows the same ratings; only the sessions' own ids differ.
        assert [replace(v, session_id=None) for v in real_view] == [replace(v, session_id=None) for v in copy_view]
        service._MEMO.clear()  # ids repeat from test to test; the memo lives as long as the process
        service.signals_of(real_view, scope=(a, Role.PATIENT))
        before = len(service._MEMO)
        service.signals_of(real_view, scope=(b, Role.PATIENT))  # the very same content, the copy's scope
        assert len(service._MEMO) == before + 1, "the copy's signals were answered from the real patient's memo"


def test_the_partnership_pages_memos_are_kept_per_partnership_and_viewer(attack):
    """The page keeps its timeline, chart data and trend table under the rows read: named by viewer and partnership."""
    from partnertrack.ratings.records import timeline_and_source

    app, _server, a, b = attack
    with app.test_request_context():
        real, copy = db.session.get(Partnership, a), db.session.get(Partnership, b)
        real_view, real_source = timeline_and_source(real, Role.PATIENT, real.patient_id)
        copy_view, copy_source = timeline_and_source(copy, Role.PATIENT, real.patient_id)
        assert [replace(v, session_id=None) for v in real_view] == [replace(v, session_id=None) for v in copy_view]
        assert copy_source != real_source, "the copy would be answered from the real patient's memo"
        _, therapists = timeline_and_source(real, Role.PATIENT, real.therapist_id)
        assert therapists != real_source, "another viewer would be answered from the patient's memo"
        assert timeline_and_source(real, Role.PATIENT, real.patient_id)[1] == real_source


def test_the_therapists_worded_chart_never_reaches_the_patient(new_app):
    """The alliance chart is worded for its reader: neither the cache nor an ETag may cross roles.

    Both see the same revealed ratings with the patient's dip in session 7; the therapist's
    image says "Possible rupture", the patient's "A dip", each from an entry of its own.
    """
    with own_redis_db() as server:
        app = new_app(CACHE_TYPE="RedisCache", CACHE_REDIS_URL=REDIS_URL, CACHE_KEY_PREFIX=PREFIX)
        days = [TODAY - timedelta(days=7 * (8 - n)) for n in range(1, 8)]
        with app.app_context():
            tara = add_user("Dr Tara Therapist", THERAPIST, Role.THERAPIST)
            pat = add_user("Pat Patient", PATIENT, Role.PATIENT)
            a = add_partnership(tara, pat, "Pat", days[0] - timedelta(days=7))
        dipped = {(days[-1], Role.PATIENT)}
        rows = [(d, r, flat(3 if (d, r) in dipped else 7)) for d in days for r in (Role.PATIENT, Role.THERAPIST)]
        store_ratings(app, a, rows)
        url = f"/partnerships/{a}/charts/alliance.svg"
        theirs = client_as(app, THERAPIST).get(url)
        assert b">Possible rupture<" in theirs.data
        after_therapist = cache_keys(server)
        patient = client_as(app, PATIENT)
        mine = patient.get(url, headers={"If-None-Match": theirs.headers["ETag"]})
        assert mine.status_code == 200, "the therapist's ETag was taken for the patient's image"
        assert b">A dip<" in mine.data and b"rupture" not in mine.data.lower()
        assert cache_keys(server) - after_therapist, "the patient's image came from the therapist's entry"
        assert patient.get(url).data == mine.data  # and from the patient's own entry from now on
