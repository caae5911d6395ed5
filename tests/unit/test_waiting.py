"""Which session waits for whose rating, and which one "Rate a session" opens on (pure)."""

from datetime import date, timedelta

from partnertrack.ratings.waiting import session_to_rate, waiting_for, waiting_near
from tests.factories import timeline

MON = date(2026, 11, 30)
P, T = {"patient"}, {"therapist"}
BOTH = P | T


def days(views):
    return [v.date for v in views]


def test_the_oldest_session_the_partner_rated_comes_first():
    rows = [(MON - timedelta(days=14), T), (MON - timedelta(days=7), BOTH), (MON - timedelta(days=3), T), (MON, set())]
    shown = timeline(rows, "patient")
    assert session_to_rate(shown, "patient").date == MON - timedelta(days=14)
    assert days(waiting_for(shown, "patient")) == [MON - timedelta(days=14), MON - timedelta(days=3), MON]


def test_else_the_most_recent_session_the_viewer_has_not_rated():
    rows = [(MON - timedelta(days=14), set()), (MON - timedelta(days=7), set()), (MON, P)]
    shown = timeline(rows, "patient")
    assert session_to_rate(shown, "patient").date == MON - timedelta(days=7)
    assert days(waiting_for(shown, "patient")) == [MON - timedelta(days=7), MON - timedelta(days=14)]


def test_else_nothing_waits_and_the_form_makes_a_new_session():
    shown = timeline([(MON - timedelta(days=7), BOTH), (MON, T)], "therapist")
    assert waiting_for(shown, "therapist") == [] and session_to_rate(shown, "therapist") is None


def test_the_split_case_both_ways_opens_on_the_partners_session():
    """Rated on Monday by one party: on Tuesday the other party's form opens on Monday, not today."""
    for first, second in (("patient", "therapist"), ("therapist", "patient")):
        shown = timeline([(MON, {first})], second, today=MON + timedelta(days=1))
        assert session_to_rate(shown, second).date == MON


def test_waiting_near_a_new_date_counts_three_days_either_way_closest_first():
    rows = [(MON - timedelta(days=4), T), (MON - timedelta(days=2), T), (MON + timedelta(days=1), T), (MON, P)]
    shown = timeline(rows, "patient")
    assert days(waiting_near(shown, "patient", MON - timedelta(days=1))) == [
        MON - timedelta(days=2),
        MON + timedelta(days=1),
        MON - timedelta(days=4),
    ]
    assert days(waiting_near(shown, "patient", MON + timedelta(days=4))) == [MON + timedelta(days=1)]
    assert waiting_near(shown, "patient", MON + timedelta(days=5)) == []


def test_a_session_the_viewer_rated_is_never_asked_about():
    shown = timeline([(MON, BOTH), (MON - timedelta(days=1), P)], "patient")
    assert waiting_near(shown, "patient", MON + timedelta(days=1)) == []
