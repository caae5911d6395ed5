"""Split pairs: one meeting rated under two dates, one session per party (pure)."""

from datetime import date, timedelta

from partnertrack.sessions.pairs import merge_problem, split_pairs
from tests.factories import timeline

MON = date(2026, 11, 30)
P, T = {"patient"}, {"therapist"}


def pair_dates(pairs):
    return [(p.patient_side.date, p.therapist_side.date, p.days_apart) for p in pairs]


def test_a_patient_only_and_a_therapist_only_session_a_day_apart_are_a_pair():
    shown = timeline([(MON, P), (MON + timedelta(days=1), T)])
    assert pair_dates(split_pairs(shown)) == [(MON, MON + timedelta(days=1), 1)]


def test_a_week_apart_is_two_meetings():
    shown = timeline([(MON - timedelta(days=7), P), (MON, T)])
    assert split_pairs(shown) == []


def test_sessions_rated_by_both_or_by_nobody_are_never_in_a_pair():
    shown = timeline([(MON, P | T), (MON + timedelta(days=1), T), (MON + timedelta(days=2), set())])
    assert split_pairs(shown) == []


def test_each_session_joins_its_closest_partner_once():
    rows = [(MON, P), (MON + timedelta(days=1), T), (MON + timedelta(days=3), T), (MON + timedelta(days=4), P)]
    assert pair_dates(split_pairs(timeline(rows))) == [
        (MON, MON + timedelta(days=1), 1),
        (MON + timedelta(days=4), MON + timedelta(days=3), 1),
    ]


def test_merge_problems_name_the_reason():
    assert merge_problem((MON, P), (MON + timedelta(days=1), T)) is None
    assert "a rating by the patient" in merge_problem((MON, P), (MON + timedelta(days=1), P | T))
    assert "two different sessions" in merge_problem((MON, P), (MON, T))
    assert "at most 6 days apart" in merge_problem((MON, P), (MON + timedelta(days=7), T))
    assert "no rating to move" in merge_problem((MON, P), (MON + timedelta(days=1), set()))
